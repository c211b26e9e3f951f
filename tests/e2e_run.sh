#!/bin/sh
# e2e_run.sh - end-to-end tests of `corral run`, as a user types it.
#
#   sh tests/e2e_run.sh CORRAL
#
# The modules are tests/wat/*.wat, built with wat2wasm into build/e2e/
# (invalid_*.wat with --no-check: they exist to fail validation), plus the
# guest programs of build/wasm/tests/ when they have been built.  Each case
# checks the exit status and, where it matters, what the command printed.
# Ends with `e2e: N passed, N failed, N skipped`; exits 1 if any failed.
set -u

if [ $# -ne 1 ]; then
    echo "usage: $0 CORRAL" >&2
    exit 2
fi
corral=$1
case $corral in /*) ;; *) corral=$(pwd)/$corral ;; esac
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
out=${E2E_DIR:-$root/build/e2e}
guests=$root/build/wasm/tests

if [ ! -x "$corral" ]; then
    echo "e2e: $corral is not executable" >&2
    echo "e2e: 0 passed, 1 failed, 0 skipped"
    exit 1
fi
if ! command -v wat2wasm >/dev/null 2>&1; then
    echo "e2e: wat2wasm (wabt) is not installed" >&2
    echo "e2e: 0 passed, 1 failed, 0 skipped"
    exit 1
fi
mkdir -p "$out"

pass=0
fail=0
skipped=0

for wat in "$here"/wat/*.wat; do
    name=$(basename "$wat" .wat)
    case $name in invalid_*) flags=--no-check ;; *) flags= ;; esac
    # shellcheck disable=SC2086 # $flags is empty or one word
    if ! wat2wasm $flags "$wat" -o "$out/$name.wasm" 2>"$out/$name.wat2wasm.log"; then
        echo "FAIL build $name.wat: $(head -n 1 "$out/$name.wat2wasm.log")"
        fail=$((fail + 1))
    fi
done

limit=""
if command -v timeout >/dev/null 2>&1; then
    limit="timeout 60"
fi

# check NAME STATUS STDOUT STDERR ARGS...
#   STATUS: the expected exit status, or "nz" for any non-zero status
#           other than 134 (a failure that is not a trap).
#   STDOUT, STDERR: "" (not checked), "=TEXT" (the whole output is TEXT,
#           with \n escapes), or TEXT (the output contains TEXT).
check() {
    name=$1 want=$2 want_out=$3 want_err=$4
    shift 4
    # shellcheck disable=SC2086 # $limit is empty or two words
    (cd "$out" && $limit "$corral" "$@" >"$out/$name.out" 2>"$out/$name.err")
    rc=$?
    why=""
    if [ "$want" = nz ]; then
        if [ $rc -eq 0 ] || [ $rc -eq 134 ] || [ $rc -ge 124 ]; then
            why="exit status $rc, expected a non-zero status other than 134"
        fi
    elif [ $rc -ne "$want" ]; then
        why="exit status $rc, expected $want"
    fi
    for stream in out err; do
        if [ $stream = out ]; then pat=$want_out; else pat=$want_err; fi
        file=$out/$name.$stream
        case $pat in
        "") ;;
        =*)
            if [ -z "${pat#=}" ]; then
                : >"$file.want"
            else
                printf '%b\n' "${pat#=}" >"$file.want"
            fi
            if ! cmp -s "$file" "$file.want"; then
                why="${why:+$why; }std$stream is '$(head -c 200 "$file")', expected '${pat#=}'"
            fi
            ;;
        *)
            if ! grep -a -F -q -e "$pat" "$file"; then
                why="${why:+$why; }std$stream lacks '$pat': '$(head -c 200 "$file")'"
            fi
            ;;
        esac
    done
    if [ -z "$why" ]; then
        echo "ok   $name"
        pass=$((pass + 1))
    else
        echo "FAIL $name: corral $*: $why"
        fail=$((fail + 1))
    fi
}

skip() {
    echo "skip $1: $2"
    skipped=$((skipped + 1))
}

# ---- commands that run to the end -------------------------------------------
check ok 0 "=" "" run ok.wasm
check ok_args 0 "=" "" run ok.wasm a b --fuel 1
check ok_stats 0 "" "fuel used:" run --stats ok.wasm
check stats_peak 0 "" "peak memory:" run --stats ok.wasm
check double_dash 0 "" "" run -- ok.wasm

# ---- traps: status 134 and the spec's message ---------------------------------
check trap_unreachable 134 "" "Error: wasm trap: unreachable" run traps.wasm
check trap_oob 134 "" "Error: wasm trap: out of bounds memory access" run --invoke oob traps.wasm
check trap_div0 134 "" "Error: wasm trap: integer divide by zero" run --invoke div0 traps.wasm 0
check no_trap_div1 0 "=1" "" run --invoke div0 traps.wasm 1
check trap_overflow 134 "" "Error: wasm trap: integer overflow" run --invoke overflow traps.wasm
check trap_trunc 134 "" "Error: wasm trap: invalid conversion to integer" run --invoke trunc traps.wasm
check trap_null_elem 134 "" "Error: wasm trap: uninitialized element" run --invoke indirect traps.wasm
check trap_stack 134 "" "Error: wasm trap: call stack exhausted" run recurse.wasm
check trap_stack_small 134 "" "Error: wasm trap: call stack exhausted" run --max-stack 64K recurse.wasm
check trap_start 134 "" "unreachable" run start_trap.wasm

# ---- where a trap happened: the wasm frames below the message --------------------
# The offsets are the instructions' as wasm-objdump -d shows them: the
# trapping one innermost, then the calls.
# at FILE FUNC N: the offset of the Nth instruction matching pattern FUNC's
# line in FILE's disassembly, as corral prints it (0x, no leading zeros).
at() {
    hex=$(wasm-objdump -d "$out/$1" | grep -E "$2" | sed -n "${3}p" | sed 's/^ *\([0-9a-f]*\):.*/\1/')
    printf '0x%x' "0x${hex:-0}"
}
if command -v wasm-objdump >/dev/null 2>&1 &&
    wat2wasm --debug-names "$here/wat/backtrace.wat" -o "$out/backtrace_named.wasm"; then
    div=$(at backtrace.wasm 'i32.div_s' 1)
    call_div=$(at backtrace.wasm 'call 0$' 1)
    call_mid=$(at backtrace.wasm 'call 1$' 1)
    check backtrace_names 134 "" "=Error: wasm trap: integer divide by zero\n  at func 0 (\$divide) offset $div\n  at func 1 (\$middle) offset $call_div\n  at func 3 offset $call_mid" \
        run backtrace_named.wasm
    check backtrace_no_names 134 "" "=Error: wasm trap: integer divide by zero\n  at func 0 offset $div\n  at func 1 offset $call_div\n  at func 3 offset $call_mid" \
        run backtrace.wasm
    # --fuel lowers the code differently (meters): the same places
    check backtrace_fuel 134 "" "  at func 0 (\$divide) offset $div" run --fuel 1000 backtrace_named.wasm
    # the innermost frames of a deep recursion, then how many more
    call_rec=$(at backtrace.wasm 'call 2$' 1)
    check backtrace_deep 134 "" "  at func 2 (\$recurse) offset $call_rec" \
        run --max-stack 64K --invoke deep backtrace_named.wasm
    check backtrace_deep_more 134 "" "more frames" run --max-stack 64K --invoke deep backtrace_named.wasm
    # from a cache entry (a miss writes it, a hit runs from it): the same
    rm -rf "$out/bt-cache"
    mkdir -m 700 "$out/bt-cache"
    check backtrace_cache_miss 134 "" "  at func 1 (\$middle) offset $call_div" \
        run --cache-dir "$out/bt-cache" backtrace_named.wasm
    check backtrace_cache_hit 134 "" "  at func 1 (\$middle) offset $call_div" \
        run --stats --cache-dir "$out/bt-cache" backtrace_named.wasm
    check backtrace_cache_was_hit 134 "" "cache:       hit" \
        run --stats --cache-dir "$out/bt-cache" backtrace_named.wasm
    check backtrace_oob 134 "" "  at func 1 offset $(at traps.wasm 'i32.load' 1)" run --invoke oob traps.wasm
else
    skip backtrace "wasm-objdump (wabt) is not installed"
fi

# ---- --invoke ------------------------------------------------------------------
check invoke_add 0 "=7" "" run --invoke add math.wasm 3 4
check invoke_eq_form 0 "=7" "" run --invoke=add math.wasm 3 4
check invoke_negative 0 "=-3" "" run --invoke add math.wasm -5 2
check invoke_hex 0 "=17" "" run --invoke add math.wasm 0x10 1
check invoke_wrap 0 "=-2147483648" "" run --invoke add math.wasm 2147483647 1
check invoke_i64 0 "=9000000001" "" run --invoke add64 math.wasm 9000000000 1
check invoke_f64 0 "=6" "" run --invoke fmul math.wasm 1.5 4
check invoke_f32 0 "=0.25" "" run --invoke half math.wasm 0.5
check invoke_multi 0 "=1\n-2" "" run --invoke pair math.wasm
check invoke_none 0 "=" "" run --invoke none math.wasm
check invoke_argc 2 "" "" run --invoke add math.wasm 1
check invoke_bad_arg 2 "" "" run --invoke add math.wasm one two
check invoke_missing nz "" "add2" run --invoke add2 math.wasm
# v128: 0x and up to 32 hex digits, the low byte lane 0, as results print
check invoke_v128_ident 0 "=0x00000000000000000000000000000001" "" run --invoke ident invoke_v128.wasm 0x1
check invoke_v128_round 0 "=0xfedcba98765432100123456789abcdef" "" \
    run --invoke ident invoke_v128.wasm 0xFEDCBA98765432100123456789ABCDEF
check invoke_v128_lane0 0 "=219025168" "" run --invoke lane0 invoke_v128.wasm 0x0102030405060708090a0b0c0d0e0f10
check invoke_v128_byte15 0 "=1" "" run --invoke byte15 invoke_v128.wasm 0x0102030405060708090a0b0c0d0e0f10
check invoke_v128_add 0 "=0x00000001000000020000000300000005" "" \
    run --invoke add4 invoke_v128.wasm 0x00000001000000020000000300000004 0x1
check invoke_v128_empty 2 "" "invalid v128 '0x' (a v128 is 0x and 1 to 32 hex digits)" run --invoke ident invoke_v128.wasm 0x
check invoke_v128_long 2 "" "invalid v128" run --invoke ident invoke_v128.wasm 0x123456789012345678901234567890123
check invoke_v128_decimal 2 "" "invalid v128" run --invoke ident invoke_v128.wasm 12
check invoke_v128_digit 2 "" "invalid v128" run --invoke ident invoke_v128.wasm 0x12g4

# ---- fuel ----------------------------------------------------------------------
# add is local.get, local.get, i32.add: exactly 3 units
check fuel_exact 0 "=3" "" run --fuel 3 --invoke add math.wasm 1 2
check fuel_short 134 "" "Error: wasm trap: all fuel consumed by WebAssembly" \
    run --fuel 2 --invoke add math.wasm 1 2
check fuel_loop 134 "" "Error: wasm trap: all fuel consumed by WebAssembly" run --fuel 1000 loop.wasm
check fuel_stats 134 "" "fuel used:   1000" run --fuel 1000 --stats loop.wasm

# ---- memory limit --------------------------------------------------------------
check mem_grow_ok 0 "=1" "" run --max-memory 128K --invoke grow grow.wasm 1
check mem_grow_refused 0 "=-1" "" run --max-memory 128K --invoke grow grow.wasm 2
check mem_size_truthful 0 "=1" "" run --max-memory 128K --invoke grow_then_size grow.wasm 5
check mem_default 0 "=1" "" run --invoke grow grow.wasm 100
check mem_min_too_big nz "" "bigmem.wasm" run --max-memory 128K bigmem.wasm
check mem_min_fits 0 "" "" run --max-memory 256K bigmem.wasm

# ---- timeout -------------------------------------------------------------------
start=$(date +%s)
check timeout_loop 134 "" "interrupt" run --timeout 200ms loop.wasm
if [ $(($(date +%s) - start)) -gt 10 ]; then
    echo "FAIL timeout_fast: --timeout 200ms took more than 10 s"
    fail=$((fail + 1))
else
    echo "ok   timeout_fast"
    pass=$((pass + 1))
fi
check timeout_not_reached 0 "=7" "" run --timeout 30s --invoke add math.wasm 3 4

# ---- modules that do not load ----------------------------------------------------
printf 'this is not wasm' >"$out/garbage.wasm"
: >"$out/empty.wasm"
check load_garbage 1 "" "magic header not detected" run garbage.wasm
check load_empty 1 "" "unexpected end" run empty.wasm
check load_missing 1 "" "no-such-file.wasm" run no-such-file.wasm
check load_invalid 1 "" "type mismatch" run invalid_type.wasm
check load_unknown_import 1 "" "unknown import" run unknown_import.wasm
check load_names_import 1 "" "env::foo" run unknown_import.wasm

# ---- WASI ------------------------------------------------------------------------
check wasi_exit_code 3 "=hello from wasm" "" run wasi_exit.wasm
if [ -f "$guests/hello.wasm" ]; then
    check guest_hello 0 "Hello, corral! (1 argument)" "" run "$guests/hello.wasm" corral
    check guest_hello_stats 0 "primes below 100000" "fuel used:" run --stats "$guests/hello.wasm"
else
    skip guest_hello "$guests/hello.wasm not built (make build/wasm/tests/hello.wasm)"
fi

# ---- the command line --------------------------------------------------------------
check usage_none 2 "" "" run
check usage_unknown_flag 2 "" "--bogus" run --bogus ok.wasm
check usage_bad_fuel 2 "" "" run --fuel abc ok.wasm
check usage_negative_fuel 2 "" "" run --fuel -5 ok.wasm
check usage_bad_size 2 "" "" run --max-memory 12Q ok.wasm
check usage_bad_stack 2 "" "" run --max-stack lots ok.wasm
check usage_bad_timeout 2 "" "" run --timeout soon ok.wasm
check usage_missing_value 2 "" "" run --fuel
check usage_flag_after_module 0 "" "" run ok.wasm --fuel

# The version is include/corral.h's (the Makefile reads it the same way).
version=$(sed -n 's/^#define CORRAL_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' \
    "$root/include/corral.h" | paste -sd. -)
check version_long 0 "=corral $version" "=" --version
check version_short 0 "=corral $version" "=" -V
check usage_unknown_command 2 "" "" frobnicate
check usage_no_command 2 "" ""
check help_run 0 "--fuel" "" run --help
check help 0 "run" "" --help

echo "e2e: $pass passed, $fail failed, $skipped skipped"
[ $fail -eq 0 ]
