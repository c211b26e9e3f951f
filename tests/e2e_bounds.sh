#!/bin/sh
# e2e_bounds.sh - the host-side bounds of include/corral_bounds.h, each
# driven to its bound and one past it, end to end.
#
#   sh tests/e2e_bounds.sh CORRAL
#
# Cases (each name begins with the constant it drives):
#   - the header itself: every bound names its test, and no file of vm/,
#     wasi/, net/ or cli/ defines one of its names again;
#   - the guest build/wasm/tests/wasi_bounds.wasm (tests/guest/wasi_bounds.c;
#     one case per "ok" / "FAIL" line it prints), whose copies of the
#     constants must agree with the header: fds, iovecs, path length,
#     symlink hops, the walk's spliced path, fd_readdir, poll_oneoff,
#     random_get, args and environment, with openat2 and again with the
#     component walk (CORRAL_WASI_NO_OPENAT2=1); then its io mode, bytes
#     per read/write call, with fd 2 sent to /dev/null;
#   - TOOL_CAPTURE_CAP: a stand-in tool (WAT) printing a result of exactly
#     16 MiB, and one byte more, through `corral tool`; TOOL_STDERR_TAIL,
#     TOOL_STDOUT_HEAD and TOOL_RESULT_MAX_DEPTH the same way;
#   - MCP_MAX_WORKERS: `corral mcp --max-concurrent` at it and past it.
# The bounds other suites drive are named in the header.
#
# Each case prints `ok N - desc` or `FAIL N - desc: why`; the last line is
# `e2e_bounds: N passed, N failed, N skipped`; exits 1 if any failed.
set -u

if [ $# -ne 1 ]; then
    echo "usage: $0 CORRAL" >&2
    exit 2
fi
corral=$1
case $corral in /*) ;; *) corral=$(pwd)/$corral ;; esac
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
guests=$root/build/wasm/tests
hdr=$root/include/corral_bounds.h

. "$here/tap.sh"

if [ ! -x "$corral" ]; then
    echo "e2e_bounds: $corral is not executable" >&2
    echo "e2e_bounds: 0 passed, 1 failed, 0 skipped"
    exit 1
fi

TOP=$(mktemp -d "${TMPDIR:-/tmp}/e2e_bounds.XXXXXX") || exit 1
trap 'rm -rf "$TOP"' EXIT
trap 'exit 130' INT TERM

limit=""
command -v timeout >/dev/null 2>&1 && limit="timeout 120"

# guest_lines PREFIX FILE: one case per "ok NAME" / "FAIL NAME: why" line.
guest_lines() {
    if ! grep -q -E '^(ok|FAIL) ' "$2"; then
        bad "$1 (no check lines)" "stdout: $(head -c 300 "$2")"
        return
    fi
    while IFS= read -r line; do
        case $line in
        "ok "*) ok "$1 ${line#ok }" ;;
        "FAIL "*)
            rest=${line#FAIL }
            bad "$1 ${rest%%:*}" "${rest#*: }"
            ;;
        esac
    done <"$2"
}

# ---- the header ------------------------------------------------------------------

# Every #define is in a paragraph (lines since a blank one) whose comments
# name its test in [brackets].
missing=$(awk '
    /^[ \t]*$/ { para = 0; next }
    /\[/ { para = 1 }
    /^#define / && $2 != "CORRAL_BOUNDS_H" && !para { printf "%s ", $2 }
' "$hdr")
if [ -z "$missing" ]; then
    ok "corral_bounds.h: every bound names the test that drives it"
else
    bad "corral_bounds.h: every bound names the test that drives it" "no [test] for: $missing"
fi

names=$(sed -n 's/^#define \([A-Z0-9_]*\).*/\1/p' "$hdr" | grep -v '^CORRAL_BOUNDS_H$')
again=""
for nm in $names; do
    if grep -rlE "^[ \t]*#[ \t]*define[ \t]+$nm\b" "$root/vm" "$root/wasi" "$root/net" "$root/cli" \
        "$root/include/corral.h" >/dev/null 2>&1; then
        again="$again $nm"
    fi
done
if [ -z "$again" ]; then
    ok "corral_bounds.h: its $(echo "$names" | wc -l | tr -d ' ') names are defined nowhere else"
else
    bad "corral_bounds.h: its names are defined nowhere else" "defined again:$again"
fi

# The guest's copies of the WASI constants say what the header says.
src=$root/tests/guest/wasi_bounds.c
diffs=""
for nm in $(sed -n 's/^#define \(WASI_[A-Z0-9_]*\).*/\1/p' "$src"); do
    a=$(sed -n "s/^#define $nm //p" "$hdr")
    b=$(sed -n "s/^#define $nm //p" "$src")
    [ "$a" = "$b" ] || diffs="$diffs $nm ('$a' in the header, '$b' in the guest)"
done
if [ -z "$diffs" ]; then
    ok "wasi_bounds.c: its constants are corral_bounds.h's"
else
    bad "wasi_bounds.c: its constants are corral_bounds.h's" "$diffs"
fi

# ---- the WASI bounds, by the guest ---------------------------------------------------

g=$guests/wasi_bounds.wasm
if [ ! -f "$g" ]; then
    skip "wasi_bounds" "$g not built (make build/wasm/tests/wasi_bounds.wasm)"
else
    # WASI_MAX_FDS needs as many host fds, and some
    if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 4200 ]; then
        ulimit -n 4200 2>/dev/null || echo "# ulimit -n $(ulimit -n): WASI_MAX_FDS cannot be reached"
    fi
    bigarg=$(head -c 100000 /dev/zero | tr '\0' a)
    bigenv=$(head -c 100000 /dev/zero | tr '\0' e)
    for mode in openat2 walk; do
        w=$TOP/$mode
        mkdir -p "$w"
        if [ $mode = walk ]; then no2=1; else no2=0; fi
        # shellcheck disable=SC2086 # $limit is empty or two words
        (cd "$w" && CORRAL_WASI_NO_OPENAT2=$no2 $limit "$corral" run --work-dir "$w" \
            --env "BOUNDS_BIG=$bigenv" "$g" checks one two "$bigarg" \
            >"$TOP/$mode.out" 2>"$TOP/$mode.err" </dev/null)
        rc=$?
        guest_lines "$mode:" "$TOP/$mode.out"
        if [ $rc -eq 0 ]; then
            ok "$mode: exit status 0"
        else
            bad "$mode: exit status 0" "exit $rc; stderr: $(head -c 300 "$TOP/$mode.err")"
        fi
    done
    # shellcheck disable=SC2086
    $limit "$corral" run "$g" io >"$TOP/io.out" 2>/dev/null </dev/null
    rc=$?
    guest_lines "io:" "$TOP/io.out"
    if [ $rc -eq 0 ]; then ok "io: exit status 0"; else bad "io: exit status 0" "exit $rc"; fi
fi

# ---- TOOL_CAPTURE_CAP: a tool's stdout at the cap and one byte past it --------------

# capture_tool FILE N: a tool that prints
# {"content":"aaa...","is_error":false,"metadata":{}}, N bytes in all.
capture_tool() {
    head='{"content":"'
    tail='","is_error":false,"metadata":{}}'
    fill=$(($2 - ${#head} - ${#tail}))
    cat >"$1.wat" <<EOF
(module
  (import "wasi_snapshot_preview1" "fd_write" (func \$fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 258)
  (data (i32.const 0) "$(printf '%s' "$head" | sed 's/"/\\"/g')")
  (data (i32.const $((12 + fill))) "$(printf '%s' "$tail" | sed 's/"/\\"/g')")
  (func (export "_start")
    (memory.fill (i32.const 12) (i32.const 97) (i32.const $fill))
    (i32.store (i32.const 16842752) (i32.const 0))
    (i32.store (i32.const 16842756) (i32.const $2))
    (drop (call \$fd_write (i32.const 1) (i32.const 16842752) (i32.const 1) (i32.const 16842760)))))
EOF
    wat2wasm "$1.wat" -o "$1.wasm" 2>"$1.log"
}

if ! command -v wat2wasm >/dev/null 2>&1; then
    skip "TOOL_CAPTURE_CAP" "no wat2wasm (wabt)"
else
    cap=$(sed -n 's/^#define TOOL_CAPTURE_CAP ((size_t)\([0-9]*\) << 20)$/\1/p' "$hdr")
    cap=$((cap << 20))
    for k in 0 1; do
        mkdir -p "$TOP/cap$k"
        if ! capture_tool "$TOP/cap$k/file-read" $((cap + k)); then
            bad "TOOL_CAPTURE_CAP: stand-in tool" "wat2wasm: $(head -c 300 "$TOP/cap$k/file-read.log")"
            continue
        fi
        # shellcheck disable=SC2086
        (cd "$TOP" && $limit "$corral" tool --tools-dir "$TOP/cap$k" read '{"file_path":"a.txt"}' \
            >"$TOP/cap$k.out" 2>"$TOP/cap$k.err" </dev/null)
        rc=$?
        if [ $k -eq 0 ]; then
            if [ $rc -eq 0 ] && head -c 40 "$TOP/cap$k.out" | grep -q '^{"content":"aaaa' &&
                grep -q '"is_error":false' "$TOP/cap$k.out"; then
                ok "TOOL_CAPTURE_CAP: a result of exactly $cap bytes is taken"
            else
                bad "TOOL_CAPTURE_CAP: a result of exactly $cap bytes is taken" \
                    "exit $rc: $(head -c 200 "$TOP/cap$k.out") $(head -c 200 "$TOP/cap$k.err")"
            fi
        else
            if [ $rc -ne 0 ] && grep -q "passed the capture limit of 16 MiB (1 more bytes were dropped)" "$TOP/cap$k.out" &&
                grep -q '"error":"bad_output"' "$TOP/cap$k.out"; then
                ok "TOOL_CAPTURE_CAP: one byte more is cut, counted and bad output"
            else
                bad "TOOL_CAPTURE_CAP: one byte more is cut, counted and bad output" \
                    "exit $rc: $(head -c 400 "$TOP/cap$k.out") $(head -c 200 "$TOP/cap$k.err")"
            fi
        fi
    done
fi

# ---- what of a failed tool's output an error result quotes ---------------------------

# writer FILE OUT ERR CODE: a tool that writes OUT (letters and JSON
# punctuation, no backslashes) to stdout, ERR to stderr, and exits CODE.
writer() {
    o=$(printf '%s' "$2" | sed 's/"/\\"/g')
    cat >"$1.wat" <<EOF
(module
  (import "wasi_snapshot_preview1" "fd_write" (func \$fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func \$exit (param i32)))
  (memory (export "memory") 2)
  (data (i32.const 1024) "$o")
  (data (i32.const 65536) "$3")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 1024))
    (i32.store (i32.const 4) (i32.const ${#2}))
    (drop (call \$fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))
    (i32.store (i32.const 0) (i32.const 65536))
    (i32.store (i32.const 4) (i32.const ${#3}))
    (drop (call \$fd_write (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 16)))
    (call \$exit (i32.const $4))))
EOF
    wat2wasm "$1.wat" -o "$1.wasm" 2>"$1.log"
}

# tool_case NAME OUT ERR CODE: runs the writer as `read`; sets rc, and the
# result is in $TOP/NAME.out.
tool_case() {
    mkdir -p "$TOP/$1"
    if ! writer "$TOP/$1/file-read" "$2" "$3" "$4"; then
        rc=99
        echo "wat2wasm: $(head -c 300 "$TOP/$1/file-read.log")" >"$TOP/$1.out"
        return
    fi
    # shellcheck disable=SC2086 # $limit is empty or two words
    (cd "$TOP" && $limit "$corral" tool --tools-dir "$TOP/$1" read '{"file_path":"a.txt"}' \
        >"$TOP/$1.out" 2>"$TOP/$1.err" </dev/null)
    rc=$?
}

# repeat CHAR N
repeat() { head -c "$2" /dev/zero | tr '\0' "$1"; }

# value NAME: the number a plain `#define NAME N` of the header gives.
value() { sed -n "s/^#define $1 \([0-9]*\)\( .*\)*$/\1/p" "$hdr"; }

if command -v wat2wasm >/dev/null 2>&1; then
    tail_n=$(value TOOL_STDERR_TAIL)
    head_n=$(value TOOL_STDOUT_HEAD)
    # stderr: "b" then tail_n - 1 c's is kept whole; one c more pushes the b out
    res="" # no result: an error result, with the tail of stderr
    tool_case err0 "$res" "b$(repeat c $((tail_n - 1)))" 0
    if [ $rc -eq 1 ] && grep -q "\"stderr\":\"b$(repeat c $((tail_n - 1)))\"" "$TOP/err0.out"; then
        ok "TOOL_STDERR_TAIL: stderr of $tail_n bytes is kept whole"
    else
        bad "TOOL_STDERR_TAIL: stderr of $tail_n bytes is kept whole" "exit $rc: $(head -c 300 "$TOP/err0.out")"
    fi
    tool_case err1 "$res" "b$(repeat c "$tail_n")" 0
    if [ $rc -eq 1 ] && grep -q "\"stderr\":\"$(repeat c "$tail_n")\"" "$TOP/err1.out"; then
        ok "TOOL_STDERR_TAIL: one byte more: its last $tail_n bytes"
    else
        bad "TOOL_STDERR_TAIL: one byte more: its last $tail_n bytes" "exit $rc: $(head -c 300 "$TOP/err1.out")"
    fi
    # stdout that is not JSON: its first head_n bytes are quoted, no more
    tool_case out1 "$(repeat x $((head_n - 1)))yz" "" 0
    if [ $rc -eq 1 ] && grep -q "it began: $(repeat x $((head_n - 1)))y[^z]" "$TOP/out1.out"; then
        ok "TOOL_STDOUT_HEAD: bad output of $((head_n + 1)) bytes: its first $head_n quoted"
    else
        bad "TOOL_STDOUT_HEAD: bad output of $((head_n + 1)) bytes: its first $head_n quoted" \
            "exit $rc: $(head -c 400 "$TOP/out1.out")"
    fi
    # a result nested TOOL_RESULT_MAX_DEPTH deep, and one level more
    depth=$(value TOOL_RESULT_MAX_DEPTH)
    for k in 0 1; do
        d=$((depth + k - 3)) # the result object, metadata and "a" hold the arrays
        tool_case deep$k "{\"content\":\"x\",\"is_error\":false,\"metadata\":{\"a\":[$(repeat '[' $d)$(repeat ']' $d)]}}" "" 0
        if [ $k -eq 0 ]; then
            if [ $rc -eq 0 ] && grep -q '"is_error":false' "$TOP/deep0.out"; then
                ok "TOOL_RESULT_MAX_DEPTH: a result $depth levels deep is taken"
            else
                bad "TOOL_RESULT_MAX_DEPTH: a result $depth levels deep is taken" "exit $rc: $(head -c 300 "$TOP/deep0.out")"
            fi
        elif [ $rc -eq 1 ] && grep -q "nested deeper than $depth levels" "$TOP/deep1.out" &&
            grep -q '"error":"bad_output"' "$TOP/deep1.out"; then
            ok "TOOL_RESULT_MAX_DEPTH: one level more is bad output, naming the bound"
        else
            bad "TOOL_RESULT_MAX_DEPTH: one level more is bad output, naming the bound" \
                "exit $rc: $(head -c 300 "$TOP/deep1.out")"
        fi
    done
else
    skip "TOOL_STDERR_TAIL, TOOL_STDOUT_HEAD, TOOL_RESULT_MAX_DEPTH" "no wat2wasm (wabt)"
fi

# ---- MCP_MAX_WORKERS ------------------------------------------------------------------

workers=$(value MCP_MAX_WORKERS)
# shellcheck disable=SC2086
(cd "$TOP" && $limit "$corral" mcp --max-concurrent "$workers" >"$TOP/mcp0.out" 2>"$TOP/mcp0.err" </dev/null)
rc=$?
if [ $rc -eq 0 ]; then
    ok "MCP_MAX_WORKERS: --max-concurrent $workers serves (until end of input)"
else
    bad "MCP_MAX_WORKERS: --max-concurrent $workers serves" "exit $rc: $(head -c 300 "$TOP/mcp0.err")"
fi
# shellcheck disable=SC2086
(cd "$TOP" && $limit "$corral" mcp --max-concurrent $((workers + 1)) >"$TOP/mcp1.out" 2>"$TOP/mcp1.err" </dev/null)
rc=$?
if [ $rc -eq 2 ] && grep -q "expected a number of calls from 1 to $workers, got '$((workers + 1))'" "$TOP/mcp1.err"; then
    ok "MCP_MAX_WORKERS: one more is refused, naming the bound"
else
    bad "MCP_MAX_WORKERS: one more is refused, naming the bound" "exit $rc: $(head -c 300 "$TOP/mcp1.err")"
fi

summary e2e_bounds
