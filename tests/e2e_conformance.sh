#!/bin/sh
# e2e_conformance.sh - the WASI preview1 behaviours the official
# wasi-testsuite checks, run through `corral run` the way its test runner
# does: each case in a fresh directory (mktemp -d) mapped as the guest's
# "/" (--work-dir), or as a named --map-dir.
#
#   sh tests/e2e_conformance.sh CORRAL
#
# The guests are build/wasm/tests/conf_wasi.wasm (raw preview1 calls, one
# case per testsuite program; see tests/guest/conf_wasi.c) and
# build/wasm/tests/conf_libc.wasm (through wasi-libc, as the C and
# AssemblyScript tests use the layer).  Path cases run twice: with openat2
# and with the portable component walk (CORRAL_WASI_NO_OPENAT2=1).
# Prints `ok N - desc` or `FAIL N - desc: why` per case and ends with
# `e2e_conformance: N passed, N failed, N skipped`; exits 1 if any failed.
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
wasi=$guests/conf_wasi.wasm
libc=$guests/conf_libc.wasm

. "$here/tap.sh"

if [ ! -x "$corral" ]; then
    bad "corral" "$corral is not executable"
    echo "e2e_conformance: $pass passed, $fail failed, $skipped skipped"
    exit 1
fi

# run DESC WANT_RC [env NAME=VALUE] -- CORRAL-ARGS...: run corral with stdin
# from /dev/null; the outcome is ok when the exit status is WANT_RC.  The
# output is left in $out.
run() {
    desc=$1 want=$2
    shift 2
    envset=
    if [ "$1" = env ]; then
        envset=$2
        shift 2
    fi
    [ "$1" = -- ] && shift
    if [ -n "$envset" ]; then
        out=$(env "$envset" "$corral" run "$@" </dev/null 2>&1)
    else
        out=$("$corral" run "$@" </dev/null 2>&1)
    fi
    rc=$?
    if [ "$rc" -eq "$want" ]; then
        ok "$desc"
    else
        bad "$desc" "exit $rc, want $want: $(printf '%s' "$out" | head -n 3 | tr '\n' ' ')"
    fi
}

fresh() {
    d=$(mktemp -d "${TMPDIR:-/tmp}/corral-conf.XXXXXX")
}

# ---- raw preview1 cases ---------------------------------------------------
if [ -f "$wasi" ]; then
    cases=$("$corral" run "$wasi" list 2>/dev/null)
    if [ -z "$cases" ]; then
        bad "conf_wasi list" "the guest printed no cases"
    fi
    for mode in openat2 walk; do
        for c in $cases; do
            fresh
            if [ "$mode" = walk ]; then
                envset=CORRAL_WASI_NO_OPENAT2=1
            else
                envset=CORRAL_WASI_NO_OPENAT2=0
            fi
            case $c in
            readonly_map)
                mkdir "$d/ro" && printf data >"$d/ro/data"
                run "$c ($mode)" 0 env "$envset" -- --map-dir "$d/ro::ro:ro" "$wasi" "$c"
                if [ ! -f "$d/ro/data" ] || [ "$(cat "$d/ro/data")" != data ] ||
                    [ -e "$d/escape" ] || [ -e "$d/ro/new" ]; then
                    bad "$c ($mode) host side" "the read-only tree changed"
                fi
                ;;
            poll_oneoff_stdio | misc_calls)
                [ "$mode" = walk ] && { rm -rf "$d"; continue; }
                run "$c" 0 -- "$wasi" "$c"
                ;;
            *)
                run "$c ($mode)" 0 env "$envset" -- --work-dir "$d" "$wasi" "$c"
                left=$(ls -A "$d")
                case $c in close_preopen | overwrite_preopen | dir_fd_op_failures | \
                    path_open_preopen | path_open_nonblock) left= ;; esac
                if [ -n "$left" ]; then
                    bad "$c ($mode) cleanup" "left behind: $left"
                fi
                ;;
            esac
            rm -rf "$d"
        done
    done
else
    skip "conf_wasi" "$wasi not built (make build/wasm/tests/conf_wasi.wasm)"
fi

# ---- wasi-libc cases --------------------------------------------------------
if [ -f "$libc" ]; then
    prep() {
        fresh
        printf 01234567 >"$d/lseek.txt"
        : >"$d/file"
        mkdir "$d/fopendir.dir" "$d/writeable"
        : >"$d/fopendir.dir/file-0"
        : >"$d/fopendir.dir/file-1"
    }
    for c in lseek pwrite_append pwrite_access stat_dev_ino fdopendir fopen noenv; do
        prep
        run "libc $c" 0 -- --work-dir "$d" "$libc" "$c"
        rm -rf "$d"
    done
    prep
    run "libc fopen through a relative --map-dir name" 0 -- \
        --map-dir "$d::fs-tests.dir" "$libc" fopen fs-tests.dir
    rm -rf "$d"
    run "libc args" 0 -- "$libc" args a "b c" d
    nl='
'
    run "libc env" 0 -- --env a=text --env 'b=escap " ing' --env "c=new${nl}line" "$libc" env
    run "libc exit 0" 0 -- "$libc" exit 0
    run "libc exit 1" 1 -- "$libc" exit 1
    run "libc exit 42" 42 -- "$libc" exit 42
    out=$("$corral" run "$libc" stdout </dev/null 2>/dev/null)
    if [ "$out" = "Hello, World!" ]; then
        ok "libc stdout"
    else
        bad "libc stdout" "got '$out'"
    fi
else
    skip "conf_libc" "$libc not built (make build/wasm/tests/conf_libc.wasm)"
fi

summary e2e_conformance
