#!/bin/sh
# run.sh - the driver of `make test`.  Run from anywhere; B names the build
# folder (build/rel by default, build/san for SANITIZE=1):
#
#   B=build/rel sh tests/run.sh
#
# Suites, in order:
#   1. tests/check_vm_os.sh             vm/ includes and calls nothing of the OS
#   2. $B/tests/test_* (cmocka)          unit tests, except test_fuzz_load
#   3. spec-tests/run.sh $B/spec-runner  the official suite
#   4. spec-tests/run.sh build/switch/spec-runner   the switch-dispatch build
#                                        (only when B is build/rel)
#   5. $B/tests/test_fuzz_load           after the spec suite, whose modules
#                                        (build/spec) are its corpus, and
#      $B/tests/test_alloc_fail          the allocation-failure sweep (spec
#                                        modules and WASI runs)
#      $B/tests/test_alloc_hooks         the engine's allocator hooks swept
#                                        (its own and spec modules), fixed-
#                                        region linear memory
#   6. tests/check_vm_lib.sh $B          libcorral-vm.a: what it needs of libc,
#                                        a program linked with it alone
#      tests/fuzz/replay.sh $B           every committed fuzz corpus replayed
#                                        by its target ($B/fuzz/fuzz_*)
#   7. tests/check_symbols.sh $B         libcorral.so exports only corral_, and
#                                        libcorral.a's globals carry a layer prefix
#      tests/e2e_run.sh $B/corral        `corral run` end to end
#   8. tests/e2e_wasi.sh $B/corral       WASI preview1, the sandbox's escape
#                                        cases and the limits, end to end
#      tests/e2e_bounds.sh $B/corral     the bounds of include/corral_bounds.h,
#                                        each driven to its bound and past it
#   9. tests/e2e_conformance.sh, e2e_net.sh, and the tools' e2e_*.sh
#      (the network against a loopback test server; the tools through
#      corral run and corral tool)
#  10. tests/e2e_install.sh              make install into a temporary DESTDIR,
#                                        the examples built with pkg-config,
#                                        make uninstall (only when B is build/rel)
#  11. cross, for each HOST in $CROSS (make test sets it to the targets
#      whose toolchain and qemu-user are installed, Makefile "cross
#      builds"): the engine's unit tests, the spec suite and e2e_wasi.sh on
#      build/HOST's programs under qemu (build/HOST/qemu/*), named NAME-HOST;
#      a HOST in $CROSS_BROKEN (its build failed) counts as one failure
#
# Each suite's line gives its counts of individual tests (cmocka tests, spec
# assertions, e2e cases); a suite that dies without counts counts as one
# failure.  Spec failures listed in spec-tests/known_failures.txt are shown
# but not counted as failed.  The last line is `N passed, N failed`; the
# exit status is 1 if anything failed.
#
# TEST_TIMEOUT (seconds, default 3600) bounds each test program.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
cd "$root" || exit 1
B=${B:-build/rel}
B=${B%/}
limit=""
if command -v timeout >/dev/null 2>&1; then
    limit="timeout ${TEST_TIMEOUT:-3600}"
fi
logs=$B/test-logs
mkdir -p "$logs"
# appended to every suite's name and log (the cross suites: -HOST)
tag=""

total_pass=0
total_fail=0
summary=""

# record SUITE PASSED FAILED [NOTE]
record() {
    total_pass=$((total_pass + $2))
    total_fail=$((total_fail + $3))
    if [ "$3" -eq 0 ]; then status=ok; else status=FAILED; fi
    line=$(printf '%-28s %-6s %6d passed, %4d failed%s' "$1" "$status" "$2" "$3" "${4:+  ($4)}")
    summary="$summary$line
"
    echo "== $line"
}

# A number from the last line of FILE matching REGEX, picked out by the
# sed expression (empty if none): num FILE REGEX SED-EXPRESSION.  grep -a:
# the logs carry the spec suite's deliberately invalid UTF-8.
num() {
    grep -a -E "$2" "$1" | tail -n 1 | sed -n "$3"
}

# ---- 1. vm/ free of the OS -------------------------------------------------
echo "== check_vm_os"
if sh tests/check_vm_os.sh; then
    record check_vm_os 1 0
else
    record check_vm_os 0 1
fi

# ---- cmocka programs ------------------------------------------------------------
run_cmocka() {
    t=$1
    name=$(basename "$t")$tag
    log=$logs/$name.log
    echo "== $name"
    # shellcheck disable=SC2086 # $limit is empty or two words
    $limit "$t" >"$log" 2>&1
    rc=$?
    cat "$log"
    p=$(num "$log" '^\[  PASSED  \] [0-9]+ test' 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p')
    f=$(num "$log" '^\[  FAILED  \] [0-9]+ test' 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p')
    s=$(num "$log" '^\[  SKIPPED \] [0-9]+ test' 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p')
    p=${p:-0}
    f=${f:-0}
    note=""
    [ -n "$s" ] && [ "$s" -gt 0 ] && note="$s skipped"
    if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        if [ $rc -eq 124 ]; then
            note="timed out"
        elif [ $rc -gt 128 ]; then
            note="killed by signal $((rc - 128))"
        else
            note="exit status $rc"
        fi
    fi
    record "$name" "$p" "$f" "$note"
}

found_tests=0
for t in "$B"/tests/test_*; do
    if [ ! -f "$t" ] || [ ! -x "$t" ]; then continue; fi
    found_tests=1
    case $(basename "$t") in test_fuzz_load | test_alloc_fail | test_alloc_hooks) continue ;; esac
    run_cmocka "$t"
done
if [ $found_tests -eq 0 ]; then
    echo "== no test programs in $B/tests"
    record unit-tests 0 1 "no $B/tests/test_* programs; build them first"
fi

# ---- the spec suite ------------------------------------------------------------------
run_spec() {
    suite=$1 runner=$2
    log=$logs/$suite.log
    echo "== $suite ($runner)"
    if [ ! -x "$runner" ]; then
        record "$suite" 0 1 "$runner not built"
        return
    fi
    sh spec-tests/run.sh "$runner" >"$log" 2>&1
    rc=$?
    # Only the tail: the per-file lines are in the log.
    grep -a -E '^(FAIL |note: |[0-9]+ known failures|spec: )' "$log"
    p=$(num "$log" '^spec: [0-9]+ passed' 's/^spec: \([0-9]*\) passed.*/\1/p')
    known=$(num "$log" '^[0-9]+ known failures' 's/^\([0-9]*\) known.*/\1/p')
    new=$(num "$log" '^[0-9]+ known failures, [0-9]+ new' 's/.*, \([0-9]*\) new.*/\1/p')
    p=${p:-0}
    f=${new:-0}
    if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        tail -n 5 "$log"
    fi
    record "$suite" "$p" "$f" "${known:+$known known failures tolerated; }log $log"
}

run_spec spec "$B/spec-runner"
if [ "$B" = build/rel ]; then
    run_spec spec-switch build/switch/spec-runner
    # The same suite on code lowered with fuel accounting (unlimited fuel).
    export SPEC_FUEL=1
    run_spec spec-fuel "$B/spec-runner"
    unset SPEC_FUEL
fi

# ---- the fuzzer and the allocation-failure sweep, with spec modules -------------------------------
if [ -x "$B/tests/test_fuzz_load" ]; then
    run_cmocka "$B/tests/test_fuzz_load"
fi
if [ -x "$B/tests/test_alloc_fail" ]; then
    run_cmocka "$B/tests/test_alloc_fail"
fi
if [ -x "$B/tests/test_alloc_hooks" ]; then
    run_cmocka "$B/tests/test_alloc_hooks"
fi

# ---- end to end ---------------------------------------------------------------------------------
# run_e2e NAME SCRIPT ARGS...: the script prints `ok N - ...` / `FAIL N - ...`
# lines and ends with `NAME: N passed, N failed, N skipped`.
run_e2e() {
    name=$1
    shift
    log=$logs/$name$tag.log
    echo "== $name$tag"
    # shellcheck disable=SC2086 # $limit is empty or two words
    $limit sh "$@" >"$log" 2>&1
    rc=$?
    grep -a -v '^ok ' "$log"
    p=$(num "$log" "^$name: [0-9]+ passed" "s/^$name: \([0-9]*\) passed.*/\1/p")
    f=$(num "$log" "^$name: [0-9]+ passed, [0-9]+ failed" "s/^$name: [0-9]* passed, \([0-9]*\) failed.*/\1/p")
    s=$(num "$log" "^$name: .* skipped" 's/.*failed, \([0-9]*\) skipped.*/\1/p')
    p=${p:-0}
    f=${f:-0}
    note=""
    if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        note="exit status $rc"
    fi
    [ -n "$s" ] && [ "$s" -gt 0 ] && note="${note:+$note; }$s skipped"
    record "$name$tag" "$p" "$f" "$note"
}

run_e2e check_vm_lib tests/check_vm_lib.sh "$B"
run_e2e fuzz_replay tests/fuzz/replay.sh "$B"
run_e2e check_symbols tests/check_symbols.sh "$B"
run_e2e e2e tests/e2e_run.sh "$B/corral"
run_e2e e2e_wasi tests/e2e_wasi.sh "$B/corral"
run_e2e e2e_bounds tests/e2e_bounds.sh "$B/corral"
run_e2e e2e_conformance tests/e2e_conformance.sh "$B/corral"
run_e2e e2e_net tests/e2e_net.sh "$B/corral"
run_e2e e2e_tools_files tests/e2e_tools_files.sh "$B/corral" build/wasm/tools
run_e2e e2e_tool_cli tests/e2e_tool_cli.sh "$B/corral"
run_e2e e2e_cache tests/e2e_cache.sh "$B/corral"
run_e2e e2e_stops tests/e2e_stops.sh "$B/corral"
run_e2e e2e_bash tests/e2e_bash.sh "$B/corral" build/wasm/tools/bash.wasm
run_e2e e2e_jsexec tests/e2e_jsexec.sh "$B/corral" build/wasm/tools/boxedjs-execute.wasm
run_e2e e2e_jsexec_es tests/e2e_jsexec_es.sh "$B/corral" build/wasm/tools/boxedjs-execute.wasm
run_e2e jsexec_gen tests/jsexec/gen/run.sh "$B/corral" build/wasm/tools/boxedjs-execute.wasm
run_e2e e2e_snapshot tests/e2e_snapshot.sh "$B/corral" build/wasm/obj/boxedjs-execute/plain.wasm
# e2e_net.sh built the loopback test server into build/e2e-net.
run_e2e e2e_webfetch tests/e2e_webfetch.sh "$B/corral" build/wasm/tools/web-fetch.wasm \
    build/e2e-net/net_server
run_e2e e2e_bash_curl tests/e2e_bash_curl.sh "$B/corral" build/wasm/tools/bash.wasm \
    build/e2e-net/net_server
run_e2e e2e_mcp tests/e2e_mcp.sh "$B/corral" build/wasm/tools
# The release build only: the installed tree is what users link (a
# sanitizer build would need its runtime in every example).
if [ "$B" = build/rel ]; then
    run_e2e e2e_install tests/e2e_install.sh
fi

# ---- 11. cross builds under qemu-user -------------------------------------------------------------
# The switch-dispatch variant of the spec suite is not: it would need a
# third build per target, for handlers that are the same C either way.
for h in ${CROSS_BROKEN:-}; do
    record "cross-$h" 0 1 "make HOST=$h cross failed"
done
for h in ${CROSS:-}; do
    q=build/$h/qemu
    tag=-$h
    for t in "$q"/tests/test_*; do
        [ -x "$t" ] || continue
        case $(basename "$t") in test_fuzz_load) continue ;; esac
        run_cmocka "$t"
    done
    run_spec "spec-$h" "$q/spec-runner"
    export SPEC_FUEL=1
    run_spec "spec-fuel-$h" "$q/spec-runner"
    unset SPEC_FUEL
    [ -x "$q/tests/test_fuzz_load" ] && run_cmocka "$q/tests/test_fuzz_load"
    run_e2e e2e_wasi tests/e2e_wasi.sh "$q/corral"
    tag=""
done

# ---- summary -------------------------------------------------------------------------------------
echo
echo "== summary ($B)"
printf '%s' "$summary"
echo "$total_pass passed, $total_fail failed"
[ $total_fail -eq 0 ]
