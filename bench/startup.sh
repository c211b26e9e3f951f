#!/usr/bin/env bash
# bench/startup.sh CORRAL_BINARY - start-up figures (run by `make bench`):
#
#   1. hello world (bench/startup/hello.c, built by make into
#      build/wasm/bench/startup/hello.wasm) on corral and on every peer
#      found (wasm3, iwasm, wasmtime, node; found as bench/run.sh finds
#      them): median wall time of a whole process, and peak RSS;
#   2. each agent tool through `corral tool`: median end-to-end wall time
#      and peak RSS, and the time to the first guest instruction (`corral
#      run --stats` of the tool's module: its "start" line, or "load X ms"),
#      each without a cache and, when this corral's --cache-dir writes
#      entries, with a cold (empty) and a warm cache;
#   3. the same first-instruction times for the bench modules
#      (build/wasm/bench/*.wasm, stopped at their first instruction by
#      --fuel 1).
# All from one run, so the rows compare.  Wall times are measured with
# hyperfine when it is on PATH, else by a loop in bash (EPOCHREALTIME);
# peak RSS is GNU time's %M (/usr/bin/time, Debian package time), the
# median of BENCH_STARTUP_RSS_RUNS runs, and "-" without it.  The issue's
# target is checked and printed (no exit status depends on it): hello world
# no slower than wasm3, and peak RSS at most 1 MiB above wasm3's.
#
# Environment:
#   BENCH_STARTUP_RUNS=50       runs per hello-world median
#   BENCH_STARTUP_TOOL_RUNS=20  runs per tool median
#   BENCH_STARTUP_RSS_RUNS=5    runs per peak-RSS median
#   BENCH_PEERS, BENCH_PEER_DIR as in bench/run.sh
#   BENCH_TOOLS_DIR=DIR         the tool modules (default build/wasm/tools)
#
# Exit status: 0 when every corral run succeeded, 1 otherwise (a failing
# peer is reported but does not change it).
# The Makefile runs "sh bench/startup.sh": move to bash before any bash syntax.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -u

if [ $# -ne 1 ] || [ "$1" = -h ] || [ "$1" = --help ]; then
    echo "usage: $0 CORRAL_BINARY   (see the comment at the top for BENCH_* variables)" >&2
    exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd) || exit 2
corral=$1
case $corral in /*) ;; *) corral=$(pwd)/$corral ;; esac
hello=$root/build/wasm/bench/startup/hello.wasm
tools=${BENCH_TOOLS_DIR:-$root/build/wasm/tools}
runs=${BENCH_STARTUP_RUNS:-50}
truns=${BENCH_STARTUP_TOOL_RUNS:-20}
rruns=${BENCH_STARTUP_RSS_RUNS:-5}
for v in "$runs" "$truns" "$rruns"; do
    case $v in ''|*[!0-9]*|0) echo "startup.sh: BENCH_STARTUP_* must be positive integers" >&2; exit 2 ;; esac
done
for f in "$corral" "$hello"; do
    if [ ! -e "$f" ]; then
        echo "startup.sh: $f not found (make $(echo "$f" | sed "s|^$root/||"))" >&2
        exit 1
    fi
done

peer_dir=${BENCH_PEER_DIR:-$root/../shared/peers}
find_peer() {   # as bench/run.sh: PATH, then BENCH_PEER_DIR
    PEER=$(command -v "$1" 2>/dev/null)
    if [ -z "$PEER" ] && [ -x "$peer_dir/$1" ]; then PEER=$(cd "$peer_dir" && pwd)/$1; fi
}
peers=
for p in ${BENCH_PEERS:-wasm3 iwasm wasmtime node}; do
    case $p in
    none) ;;
    wasm3|iwasm|wasmtime|node)
        find_peer "$p"
        if [ -n "$PEER" ]; then peers="$peers $p"; eval "peer_$p=\$PEER"; fi ;;
    *) echo "startup.sh: unknown peer '$p' (known: wasm3 iwasm wasmtime node)" >&2 ;;
    esac
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/corral-startup.XXXXXX") || exit 2
server_pid=
cleanup() {
    [ -z "$server_pid" ] || { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; }
    rm -rf "$tmp"
}
trap cleanup EXIT

hyperfine=$(command -v hyperfine 2>/dev/null)
gnutime=
if [ -x /usr/bin/time ] && /usr/bin/time -f %M -o "$tmp/probe" true 2>/dev/null; then
    gnutime=/usr/bin/time
fi
if [ -n "${EPOCHREALTIME:-}" ]; then
    now() { T=${EPOCHREALTIME//[.,]/}; }
else
    now() { T=$(( $(date +%s%N) / 1000 )); }
fi
median() {   # of the numbers on stdin, to stdout ("-" when none)
    sort -n | awk '{ t[NR] = $1 }
        END { if (!NR) { print "-"; exit }
              printf "%s\n", (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2 }'
}

# wall N PREP CMD...: median wall time of CMD in ms into W ("FAIL" when a
# run exits non-zero; WHY says why).  PREP (a shell command, "" for none)
# runs before each run, outside the measurement.
wall() {
    local n=$1 prep=$2 i rc t0 ts=
    shift 2
    W=FAIL WHY=
    if [ -n "$hyperfine" ]; then
        local hp=()
        [ -z "$prep" ] || hp=(--prepare "$prep")
        if ! "$hyperfine" -N -s none --warmup 3 --runs "$n" ${hp[@]+"${hp[@]}"} \
                --export-csv "$tmp/hf.csv" -- "$(printf '%q ' "$@")" >/dev/null 2>"$tmp/err"; then
            WHY=$(head -c 200 "$tmp/err" | tr '\n' ' ')
            return
        fi
        W=$(awk -F, 'NR == 2 { printf "%.2f", $4 * 1000 }' "$tmp/hf.csv")
        return
    fi
    for ((i = 0; i < n + 3; i++)); do   # 3 warm-up runs
        [ -z "$prep" ] || eval "$prep"
        now; t0=$T
        "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
        rc=$?
        now
        if [ $rc -ne 0 ]; then
            WHY="exit status $rc: $(cat "$tmp/out" "$tmp/err" | head -c 200 | tr '\n' ' ')"
            return
        fi
        [ $i -lt 3 ] || ts="$ts $((T - t0))"
    done
    W=$(printf '%s\n' $ts | median | awk '{ printf "%.2f", $1 / 1000 }')
}

# rss PREP CMD...: median peak RSS of CMD in KiB into R ("-" without GNU time).
rss() {
    local prep=$1 i v=
    shift
    R=-
    [ -n "$gnutime" ] || return
    for ((i = 0; i < rruns; i++)); do
        [ -z "$prep" ] || eval "$prep"
        "$gnutime" -f %M -o "$tmp/rss" "$@" >/dev/null 2>&1 </dev/null || return
        v="$v $(tail -n 1 "$tmp/rss")"
    done
    R=$(printf '%s\n' $v | median)
}

corral_failed=0
notes=

# ---- 1. hello world ----------------------------------------------------------------
command_for() {   # runtime $1, module $2 -> CMD
    case $1 in
    corral)   CMD=("$corral" run "$2") ;;
    wasm3)    CMD=("$peer_wasm3" "$2") ;;
    iwasm)    CMD=("$peer_iwasm" "$2") ;;
    wasmtime) CMD=("$peer_wasmtime" run "$2") ;;
    node)     CMD=("$peer_node" --no-warnings "$root/bench/node-wasi.mjs" "$2") ;;
    esac
}
declare -A hw hr ht
echo "startup: hello world, $runs runs each on: corral$peers" \
     "(wall: ${hyperfine:+hyperfine}${hyperfine:-bash loop, the runtimes in turn}; RSS: ${gnutime:-not measured, no GNU time})" >&2
hrts=
for rt in corral $peers; do
    command_for "$rt" "$hello"
    out=$("${CMD[@]}" 2>&1 </dev/null)
    if [ "$out" != "hello, world" ]; then
        hw[$rt]=FAIL hr[$rt]=-
        notes="${notes}hello on $rt: FAIL: output '$(printf '%s' "$out" | head -c 160)'"$'\n'
        [ "$rt" != corral ] || corral_failed=1
        continue
    fi
    hrts="$hrts $rt"
    rss "" "${CMD[@]}"
    hr[$rt]=$R
    if [ -n "$hyperfine" ]; then
        wall "$runs" "" "${CMD[@]}"
        hw[$rt]=$W
        [ -z "$WHY" ] || notes="${notes}hello on $rt: FAIL: $WHY"$'\n'
    fi
done
# Without hyperfine, one round runs every runtime once, so that the load of
# a shared machine falls on all of them alike (3 rounds of warm-up first);
# each round starts at the next runtime, so none always follows node.
if [ -z "$hyperfine" ]; then
    read -r -a order <<<"$hrts"
    for ((i = 0; i < runs + 3; i++)); do
        for ((k = 0; k < ${#order[@]}; k++)); do
            rt=${order[(i + k) % ${#order[@]}]}
            command_for "$rt" "$hello"
            now; t0=$T
            "${CMD[@]}" >/dev/null 2>&1 </dev/null
            rc=$?
            now
            if [ $rc -ne 0 ]; then
                hw[$rt]=FAIL
                notes="${notes}hello on $rt: FAIL: exit status $rc"$'\n'
            fi
            [ $i -lt 3 ] || ht[$rt]="${ht[$rt]:-} $((T - t0))"
        done
    done
    for rt in $hrts; do
        [ "${hw[$rt]:-}" = FAIL ] ||
            hw[$rt]=$(printf '%s\n' ${ht[$rt]} | median | awk '{ printf "%.2f", $1 / 1000 }')
    done
fi
for rt in corral $peers; do
    [ "${hw[$rt]}" != FAIL ] || [ "$rt" != corral ] || corral_failed=1
    printf '  %-9s %9s ms %9s KiB\n' "$rt" "${hw[$rt]}" "${hr[$rt]}" >&2
done

num() { [[ $1 =~ ^[0-9.]+$ ]]; }
echo
echo "Hello-world start-up: median wall time of the whole process over $runs runs, peak RSS (median of $rruns)."
printf '%-9s %9s %9s | %10s %11s\n' runtime "wall ms" "/wasm3" "RSS KiB" "-wasm3 KiB"
printf '%-9s %9s %9s | %10s %11s\n' runtime "wall ms" "/wasm3" "RSS KiB" "-wasm3 KiB" | tr -c '\n' '-'
for rt in corral $peers; do
    ratio=- diff=-
    if num "${hw[$rt]}" && num "${hw[wasm3]:-}"; then
        ratio=$(awk -v a="${hw[$rt]}" -v b="${hw[wasm3]}" 'BEGIN { printf "%.2f", a / b }')
    fi
    if num "${hr[$rt]}" && num "${hr[wasm3]:-}"; then diff=$((hr[$rt] - hr[wasm3])); fi
    printf '%-9s %9s %9s | %10s %11s\n' "$rt" "${hw[$rt]}" "$ratio" "${hr[$rt]}" "$diff"
done
if num "${hw[corral]}" && num "${hw[wasm3]:-}"; then
    t=$(awk -v a="${hw[corral]}" -v b="${hw[wasm3]}" 'BEGIN { print (a <= b) ? "met" : "NOT met" }')
    m="-"
    if num "${hr[corral]}" && num "${hr[wasm3]}"; then
        m=$( [ $((hr[corral] - hr[wasm3])) -le 1024 ] && echo met || echo "NOT met")
    fi
    echo "target: wall no slower than wasm3: $t; peak RSS at most 1 MiB above wasm3's: $m"
fi

# ---- 2. the tools ---------------------------------------------------------------------
# name, module, input; web-fetch needs the loopback test server (tests/net_server.c).
work=$tmp/work
mkdir -p "$work/src" "$work/out"
for i in $(seq 1 200); do echo "line $i of a small source file"; done >"$work/src/a.txt"
printf 'alpha\nbeta\n' >"$tmp/e.txt"
cp "$tmp/e.txt" "$work/src/e.txt"
url=
if [ -f "$tools/web-fetch.wasm" ] &&
   ${CC:-cc} -std=c11 -O1 -pthread -o "$tmp/net_server" "$root/tests/net_server.c" 2>/dev/null; then
    "$tmp/net_server" >"$tmp/ports" 2>/dev/null &
    server_pid=$!
    for _ in $(seq 50); do [ -s "$tmp/ports" ] && break; sleep 0.1; done
    read -r port _ <"$tmp/ports" 2>/dev/null && url=http://127.0.0.1:$port
fi
tool_list=(
    "read|file-read|{\"file_path\": \"/src/a.txt\", \"limit\": 200}"
    "write|file-write|{\"file_path\": \"/out/w.txt\", \"content\": \"hello\\n\"}"
    "edit|file-edit|{\"file_path\": \"/src/e.txt\", \"old_string\": \"alpha\", \"new_string\": \"gamma\"}"
    "glob|file-glob|{\"pattern\": \"**/*.txt\"}"
    "grep|file-grep|{\"pattern\": \"line 1[0-9]\", \"output_mode\": \"content\"}"
    "bash|bash|{\"command\": \"echo hi | wc -c\"}"
    "web-fetch|web-fetch|{\"url\": \"$url/ok\"}"
    "jsexec|boxedjs-execute|{\"code\": \"1+1\"}"
)

# Does this corral's --cache-dir write entries?  (The hook for the cold and
# warm columns: until it does, they stay "-".)
cache=0
mkdir -p "$tmp/probe-cache"
"$corral" run --cache-dir "$tmp/probe-cache" "$hello" >/dev/null 2>&1 </dev/null
if [ -n "$(find "$tmp/probe-cache" -type f 2>/dev/null | head -n 1)" ]; then cache=1; fi
[ $cache -eq 1 ] || notes="${notes}corral run --cache-dir wrote no cache entry: the cold and warm columns are empty"$'\n'

# The time to the first guest instruction of `corral run --stats` of module
# $1 with input $2 (extra flags after), the median of $truns runs, into L.
# PREP as for wall.
load_ms() {
    local mod=$1 input=$2 prep=$3 i v=
    shift 3
    L=-
    for ((i = 0; i < truns; i++)); do
        [ -z "$prep" ] || eval "$prep"
        printf '%s' "$input" | "$corral" run --stats --work-dir "$work" "$@" "$mod" \
            >/dev/null 2>"$tmp/stats"
        # "start: X ms to the first guest instruction" where --stats says it,
        # else its "load X ms"
        f=$(sed -n 's/^start: *\([0-9.]*\) ms to the first guest instruction.*/\1/p' "$tmp/stats")
        [ -n "$f" ] || f=$(sed -n 's/^wall time: .*(load \([0-9.]*\) ms.*/\1/p' "$tmp/stats")
        v="$v $f"
    done
    L=$(printf '%s\n' $v | median | awk '$1 != "-" { printf "%.2f", $1; next } { print }')
}

echo "startup: each tool, $truns runs each" >&2
rows=
for t in "${tool_list[@]}"; do
    name=${t%%|*} rest=${t#*|}
    mod=$tools/${rest%%|*}.wasm input=${rest#*|}
    prep=
    [ "$name" != edit ] || prep="cp '$tmp/e.txt' '$work/src/e.txt'"
    flags=(--tools-dir "$tools" --work-dir "$work")
    if [ "$name" = web-fetch ]; then
        if [ -z "$url" ]; then
            notes="${notes}web-fetch: skipped (no loopback test server)"$'\n'
            continue
        fi
        flags+=(--allow-host "$url")
    fi
    if [ ! -f "$mod" ]; then
        rows="$rows$(printf '%-9s %s' "$name" "$mod not built")"$'\n'
        corral_failed=1
        continue
    fi
    cmd=("$corral" tool "${flags[@]}" "$name" "$input")
    [ -z "$prep" ] || eval "$prep"
    if ! "${cmd[@]}" >"$tmp/out" 2>"$tmp/err" </dev/null || ! grep -q '"is_error":false' "$tmp/out"; then
        notes="${notes}$name: FAIL: $(cat "$tmp/out" "$tmp/err" | head -c 200 | tr '\n' ' ')"$'\n'
        corral_failed=1
        continue
    fi
    wall "$truns" "$prep" "${cmd[@]}"; tw=$W
    rss "$prep" "${cmd[@]}"; tr_=$R
    runflags=()
    [ "$name" != web-fetch ] || runflags=(--allow-host "$url")
    load_ms "$mod" "$input" "$prep" ${runflags[@]+"${runflags[@]}"}; l0=$L
    lc=- lw=- ww=-
    if [ $cache -eq 1 ]; then
        cdir=$tmp/cache-$name
        load_ms "$mod" "$input" "${prep:+$prep; }rm -rf '$cdir'" --cache-dir "$cdir" \
            ${runflags[@]+"${runflags[@]}"}; lc=$L
        load_ms "$mod" "$input" "$prep" --cache-dir "$cdir" ${runflags[@]+"${runflags[@]}"}; lw=$L
        wall "$truns" "$prep" "$corral" tool --cache-dir "$cdir" "${flags[@]}" "$name" "$input"; ww=$W
    fi
    line=$(printf '%-9s %9s %9s | %9s %9s %9s' "$name" "$tw" "$ww" "$l0" "$lc" "$lw")
    printf '  %s %9s KiB\n' "$line" "$tr_" >&2
    rows="$rows$line$(printf ' | %9s' "$tr_")"$'\n'
done

echo
echo "corral tool NAME JSON: median end-to-end wall time over $truns runs (no cache; warm cache),"
echo "time to the first guest instruction ('corral run --stats' of the module: no cache,"
echo "cold cache, warm cache), peak RSS (median of $rruns)."
hdr=$(printf '%-9s %9s %9s | %9s %9s %9s | %9s' tool "wall ms" "warm ms" "start ms" "cold ms" "warm ms" "RSS KiB")
echo "$hdr"
echo "$hdr" | tr -c '\n' '-'
printf '%s' "$rows"
if [ -n "$notes" ]; then
    echo
    printf '%s' "$notes"
fi

# The bench modules: the time to their first guest instruction without a
# cache, cold and warm (--fuel 1: each stops at its first instruction, and
# is lowered with metering, as tool calls are).
echo
echo "bench modules: time to the first guest instruction ('corral run --stats --fuel 1'),"
echo "median of $truns runs: no cache, cold cache (a miss writing the entry), warm cache."
hdr=$(printf '%-9s %9s %9s %9s %9s' module "KiB" "start ms" "cold ms" "warm ms")
echo "$hdr"
echo "$hdr" | tr -c '\n' '-'
for mod in "$root"/build/wasm/bench/*.wasm; do
    [ -f "$mod" ] || continue
    name=$(basename "$mod" .wasm)
    kib=$(( $(wc -c <"$mod") / 1024 ))
    load_ms "$mod" "" "" --fuel 1; l0=$L
    lc=- lw=-
    if [ $cache -eq 1 ]; then
        cdir=$tmp/cache-bench-$name
        load_ms "$mod" "" "rm -rf '$cdir'" --fuel 1 --cache-dir "$cdir"; lc=$L
        load_ms "$mod" "" "" --fuel 1 --cache-dir "$cdir"; lw=$L
    fi
    printf '%-9s %9s %9s %9s %9s\n' "$name" "$kib" "$l0" "$lc" "$lw"
done
echo
echo "reproduce: make bench, or: sh bench/startup.sh $1"
exit $corral_failed
