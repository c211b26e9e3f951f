#!/usr/bin/env bash
# bench/run.sh CORRAL_BINARY - time the bench programs on corral and on every
# peer runtime found on PATH, and print a table of medians and ratios.
#
# It builds nothing: `make bench` builds corral and build/wasm/bench/*.wasm
# first. Every run's exit status and output are checked: each program checks
# its own result and prints one line "NAME ok: ...". A run that exits
# non-zero, times out, or prints anything but the known good line (for a
# program this script does not know: the first good run's output) is FAIL
# and is not timed. Times are wall clock, process start-up included.
#
# SIMD: each program NAME of BENCH_V128 is also built with -msimd128 as
# NAME-v128.wasm (the Makefile), which runs as the program NAME-v128 right
# after NAME and must print the same line. A runtime that cannot load a
# module (wasm3 and the peers' iwasm have no SIMD) is shown as "skip", with
# its message below the table, and the run goes on. A last table gives,
# per runtime, the time of NAME-v128 over the time of NAME.
#
# Environment:
#   BENCH_RUNS=5          runs per program and runtime; the median is shown
#   BENCH_ONLY="fib sort" only these programs (default: every bench/*.c); a
#                         program of BENCH_V128 brings its -v128 variant along
#   BENCH_V128="simd"     the programs that also have a NAME-v128.wasm
#   BENCH_PEERS="node"    only these peers (default: wasm3 iwasm wasmtime node;
#                         "none" for corral alone); a peer is looked for on PATH,
#                         then in BENCH_PEER_DIR, and skipped if in neither
#   BENCH_PEER_DIR=DIR    prebuilt peers (default ../shared/peers beside the repo)
#   BENCH_SCALE=N         pass N as argv[1] (each program repeats its work N times)
#   BENCH_TIMEOUT=300     seconds before a run is killed and counted as FAIL
#   BENCH_WASM_DIR=DIR    where the .wasm files are (default build/wasm/bench)
#
# Exit status: 0 when every corral run succeeded, 1 otherwise (a failing peer
# is reported in the table but does not change the status; neither does a
# corral that cannot load a -v128 module, built for a feature it may lack).
# The Makefile runs "sh bench/run.sh": move to bash before any bash syntax.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -u

usage() {
    echo "usage: $0 CORRAL_BINARY   (see the comment at the top for BENCH_* variables)" >&2
    exit 2
}
[ $# -eq 1 ] || usage
case $1 in -h|--help) usage ;; esac

root=$(cd "$(dirname "$0")/.." && pwd) || exit 2
corral=$1
case $corral in */*) ;; *) corral=./$corral ;; esac   # a bare name means ./name
wasmdir=${BENCH_WASM_DIR:-$root/build/wasm/bench}
runs=${BENCH_RUNS:-5}
scale=${BENCH_SCALE:-}
tmo=${BENCH_TIMEOUT:-300}
case $runs in ''|*[!0-9]*|0) echo "BENCH_RUNS must be a positive integer" >&2; exit 2 ;; esac

if [ -n "${BENCH_ONLY:-}" ]; then
    progs=$BENCH_ONLY
else
    # the usual order first, then any other bench/*.c
    progs="fib sieve matmul sha256 sort hashmap coremark simd"
    for f in "$root"/bench/*.c; do
        [ -e "$f" ] || continue
        n=${f##*/}
        n=${n%.c}
        case " $progs " in *" $n "*) ;; *) progs="$progs $n" ;; esac
    done
fi
# each program of BENCH_V128 is followed by its SIMD variant
v128=${BENCH_V128-simd}
with=
for p in $progs; do
    with="$with $p"
    case " $v128 " in *" $p "*) ;; *) continue ;; esac
    case " $progs " in *" $p-v128 "*) ;; *) with="$with $p-v128" ;; esac
done
progs=${with# }

corral_failed=0
have_corral=1
if [ ! -x "$corral" ]; then
    echo "run.sh: corral binary '$1' not found or not executable; timing peers only" >&2
    have_corral=0
    corral_failed=1
fi

peer_dir=${BENCH_PEER_DIR:-$root/../shared/peers}
# The program of peer $1, into PEER (empty when it is not found).
find_peer() {
    PEER=$(command -v "$1" 2>/dev/null)
    if [ -z "$PEER" ] && [ -x "$peer_dir/$1" ]; then PEER=$(cd "$peer_dir" && pwd)/$1; fi
}
peers=
for p in ${BENCH_PEERS:-wasm3 iwasm wasmtime node}; do
    case $p in
    none) ;;
    wasm3|iwasm|wasmtime|node)
        find_peer "$p"
        if [ -n "$PEER" ]; then
            peers="$peers $p"
            eval "peer_$p=\$PEER"
        fi ;;
    *) echo "run.sh: unknown peer '$p' (known: wasm3 iwasm wasmtime node)" >&2 ;;
    esac
done

# Wall clock in microseconds, into T. bash 5 has EPOCHREALTIME (no fork).
if [ -n "${EPOCHREALTIME:-}" ]; then
    now() { T=${EPOCHREALTIME//[.,]/}; }
else
    now() { T=$(( $(date +%s%N) / 1000 )); }
fi

if command -v timeout >/dev/null 2>&1; then
    tmo_cmd=(timeout "$tmo")
else
    tmo_cmd=()
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/corral-bench.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

# The command line of runtime $1 for module $2, into CMD.
command_for() {
    case $1 in
    corral)   CMD=("$corral" run "$2") ;;
    wasm3)    CMD=("$peer_wasm3" "$2") ;;
    iwasm)    CMD=("$peer_iwasm" "$2") ;;
    wasmtime) CMD=("$peer_wasmtime" run "$2") ;;
    node)     CMD=("$peer_node" --no-warnings "$root/bench/node-wasi.mjs" "$2") ;;
    esac
    if [ -n "$scale" ]; then CMD+=("$scale"); fi
}

# The exact output of each known program on success (R: its reps). A
# program not listed here must print the same thing on every runtime.
expected_line() {
    case $1 in
    fib)      echo "fib ok: fib(37)=24157817 reps=R" ;;
    sieve)    echo "sieve ok: primes below 20000000: 1270607, sum 12272577818052 reps=R" ;;
    matmul)   echo "matmul ok: n=300 trace=140854.0 checksum=5104867018375876986 reps=R" ;;
    sha256)   echo "sha256 ok: 8388608 bytes: 524beb0ac29530916577dd1bc07b04532e59ccafe40db2c6e5eae22fac00d66f reps=R" ;;
    sort)     echo "sort ok: n=1048576 min=-2147483592 max=2147479315 checksum=13917329373145370462 reps=R" ;;
    hashmap)  echo "hashmap ok: ops=1000000 keys=126863 total=423884 checksum=912316951567617 reps=R" ;;
    coremark) echo "coremark ok: iterations=4000 crc=0xcf53 mix=0x8061e67d reps=R" ;;
    simd)     echo "simd ok: 512x512 luma=39b71eb22177070e blend=d936a5c0a6a8d58c blur=a9daae02ce502df7 sad=00e4e84a8587698b reps=R" ;;
    esac
}
case $scale in
'') reps_arg=1 ;;
*[!0-9]*) reps_arg= ;;                  # not a plain number: no exact check
*) reps_arg=$((10#$scale)); [ "$reps_arg" -ge 1 ] || reps_arg=1 ;;
esac

declare -A result   # "prog rt" -> median seconds, FAIL or skip
declare -A refout   # base program -> stdout of its first good run
notes=

# A failed first run of program $2 that looks like a module the runtime
# cannot load: not a trap (134) or a timeout, no "NAME ok:" line, and a
# loader's or validator's words in the output (corral, node, wasm3:
# "incorrect type on stack", iwasm, which writes them on stdout).
cannot_load() {
    [ "$1" -ne 134 ] && [ "$1" -ne 124 ] && ! grep -q "^$2 ok: " "$tmp/out" &&
        cat "$tmp/out" "$tmp/err" | grep -q -i -E \
            'load|compil|opcode|malformed|invalid|validat|unsupported|requires|feature|type on stack|not (available|supported|enabled)'
}

# Run program $1 on runtime $2, $runs times; sets result["$1 $2"].
# NAME-v128 prints the line of NAME.
bench_one() {
    local prog=$1 rt=$2 wasm=$wasmdir/$1.wasm base=${1%-v128} i rc t0 why= times= want=
    if [ -n "$reps_arg" ]; then
        want=$(expected_line "$base")
        [ -z "$want" ] || want=${want%R}$reps_arg
    fi
    if [ ! -f "$wasm" ]; then
        why="$wasm not built"
    else
        command_for "$rt" "$wasm"
        for ((i = 0; i < runs; i++)); do
            now; t0=$T
            ${tmo_cmd[@]+"${tmo_cmd[@]}"} "${CMD[@]}" >"$tmp/out" 2>"$tmp/err" </dev/null
            rc=$?
            now
            if [ $rc -ne 0 ] && [ "$i" -eq 0 ] && cannot_load $rc "$base"; then
                local msg
                msg=$(cat "$tmp/out" "$tmp/err" | head -n 2 | tr '\n' ' ' | cut -c1-160)
                result["$prog $rt"]=skip
                notes="$notes$prog on $rt: skipped: cannot load ${wasm##*/} (exit status $rc): $msg"$'\n'
                printf '  %-9s %-9s skip (cannot load %s: %s)\n' "$prog" "$rt" "${wasm##*/}" "$msg" >&2
                [ "$rt" != corral ] || [ "$prog" != "$base" ] || corral_failed=1
                return
            fi
            if [ $rc -ne 0 ]; then
                why="exit status $rc"
                if [ $rc -eq 124 ] && [ ${#tmo_cmd[@]} -gt 0 ]; then why="timed out after ${tmo}s"; fi
            elif ! grep -q "^$base ok: " "$tmp/out"; then
                why="no '$base ok: ' line"
            elif [ -n "$want" ] && [ "$want" != "$(cat "$tmp/out")" ]; then
                why="output is not '$want'"
            elif [ -n "${refout[$base]+x}" ] && [ "${refout[$base]}" != "$(cat "$tmp/out")" ]; then
                why="output differs from the first good run"
            fi
            if [ -n "$why" ]; then
                local msg
                msg=$(cat "$tmp/out" "$tmp/err" | head -n 3 | tr '\n' ' ' | cut -c1-160)
                why="$why${msg:+: $msg}"
                break
            fi
            [ -n "${refout[$base]+x}" ] || refout[$base]=$(cat "$tmp/out")
            times="$times $((T - t0))"
        done
    fi
    if [ -n "$why" ]; then
        result["$prog $rt"]=FAIL
        notes="$notes$prog on $rt: FAIL: $why"$'\n'
        printf '  %-9s %-9s FAIL (%s)\n' "$prog" "$rt" "$why" >&2
        [ "$rt" != corral ] || corral_failed=1
        return
    fi
    # median of the run times, in seconds
    result["$prog $rt"]=$(printf '%s\n' $times | sort -n | awk '
        { t[NR] = $1 }
        END { m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
              printf "%.3f", m / 1e6 }')
    printf '  %-9s %-9s %ss  (runs, us:%s)\n' "$prog" "$rt" "${result["$prog $rt"]}" "$times" >&2
}

rts=
[ $have_corral -eq 0 ] || rts=corral
rts="$rts$peers"; rts=${rts# }
if [ -z "$rts" ]; then
    echo "run.sh: nothing to run: no corral binary and no peer on PATH" >&2
    exit 1
fi
echo "bench: $runs run(s) each of:$(printf ' %s' $progs) on: $rts${scale:+ (scale $scale)}" >&2
for prog in $progs; do
    for rt in $rts; do
        bench_one "$prog" "$rt"
    done
done

# ---- the table --------------------------------------------------------------
ratio() {   # peer/corral, or "-"
    awk -v p="$1" -v c="$2" 'BEGIN {
        if (p ~ /^[0-9.]+$/ && c ~ /^[0-9.]+$/ && c > 0) printf "%.2f", p / c
        else printf "-" }'
}
cell() { if [ -n "${result["$1 $2"]+x}" ]; then printf '%s' "${result["$1 $2"]}"; else printf -- '-'; fi; }

echo
echo "Median wall time in seconds over $runs run(s), start-up included${scale:+, scale $scale}."
echo "ratio = peer time / corral time: below 1.00 the peer is faster, above 1.00 corral is faster."
line=$(printf '%-10s %9s' program corral)
for p in $peers; do line="$line$(printf ' | %9s %8s' "$p" "/corral")"; done
echo "$line"
echo "$line" | tr -c '\n' '-'
for prog in $progs; do
    c=$(cell "$prog" corral)
    line=$(printf '%-10s %9s' "$prog" "$c")
    for p in $peers; do
        t=$(cell "$prog" "$p")
        line="$line$(printf ' | %9s %8s' "$t" "$(ratio "$t" "$c")")"
    done
    echo "$line"
done
if [ -n "$peers" ]; then
    line=$(printf '%-10s %9s' geomean '')
    for p in $peers; do
        g=$(for prog in $progs; do
                printf '%s %s\n' "$(cell "$prog" "$p")" "$(cell "$prog" corral)"
            done | awk '
            $1 ~ /^[0-9.]+$/ && $2 ~ /^[0-9.]+$/ && $1 > 0 && $2 > 0 { s += log($1 / $2); n++ }
            END { if (n) printf "%.2f", exp(s / n); else printf "-" }')
        line="$line$(printf ' | %9s %8s' '' "$g")"
    done
    echo "$line"
fi
# SIMD against scalar: the same program with and without -msimd128.
pairs=
for prog in $progs; do
    case " $progs " in *" $prog-v128 "*) pairs="$pairs $prog" ;; esac
done
if [ -n "$pairs" ]; then
    echo
    echo "SIMD: NAME-v128 (-msimd128) against NAME (the same source without it), median seconds."
    echo "simd/scalar = v128 time / scalar time: below 1.00 the SIMD build is faster."
    line=$(printf '%-10s %-9s %9s %9s %12s' program runtime scalar v128 simd/scalar)
    echo "$line"
    echo "$line" | tr -c '\n' '-'
    for prog in $pairs; do
        for rt in $rts; do
            s=$(cell "$prog" "$rt")
            v=$(cell "$prog-v128" "$rt")
            printf '%-10s %-9s %9s %9s %12s\n' "$prog" "$rt" "$s" "$v" "$(ratio "$v" "$s")"
        done
    done
fi
if [ -n "$notes" ]; then
    echo
    printf '%s' "$notes"
fi
exit $corral_failed
