#!/bin/sh
# e2e_stops.sh - everything stops: each way a guest can spend time is
# stopped by --timeout within STOP_SLACK_MS (default 100) of the deadline,
# and by --fuel where it runs wasm.
#
#   sh tests/e2e_stops.sh CORRAL
#
# Rows (the guests are WAT written here, tests/guest programs, the bash
# tool and tests/net_server.c):
#   loop          a branch back to itself
#   bulk          memory.fill of 256 MiB, again and again
#   entry         calls of a function with 50,000 locals to zero
#   sleep         poll_oneoff on a clock far in the future
#   stdin         fd_read of a stdin that never gets data
#   fifo          bash `cat fifo`, a FIFO nobody writes
#   http          an HTTP request to a server that answers in 5 s
#   dns           sock_connect to a name whose DNS server never answers
#                 (in a network namespace, as tests/e2e_net.sh does; skipped
#                 when unshare is missing)
#   load          loading a module that takes 0.7 s to lower (deadline 250 ms)
# A row's latency is the wall time of the corral process past the
# deadline, less the wall time of the same run with --timeout 1ms (start-up,
# reading the module, exiting); the best of two tries is kept (one try may
# lose the CPU to another process on a loaded machine), and the table is
# printed.  (The dns row, in a namespace, counts its whole run.)
#
# Output: `ok N - desc` / `FAIL N - desc: why` / `SKIP`, then
# `e2e_stops: N passed, N failed, N skipped`; exits 1 if any failed.
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
. "$here/tap.sh"

slack=${STOP_SLACK_MS:-100}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/corral-stops.XXXXXX") || exit 1
server_pid=""
cleanup() {
    [ -z "$server_pid" ] || { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; }
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'cleanup; exit 1' INT TERM HUP

for tool in wat2wasm cc; do
    if ! command -v $tool >/dev/null 2>&1; then
        echo "FAIL 1 - $tool is not installed"
        fail=1
        summary e2e_stops
        exit 1
    fi
done

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# ---- the guests ----------------------------------------------------------------

cat >"$tmp/loop.wat" <<'EOF'
(module (func (export "_start") (loop $l (br $l))))
EOF
cat >"$tmp/bulk.wat" <<'EOF'
(module
  (memory 4096 4096)
  (func (export "_start")
    (loop $l
      (memory.fill (i32.const 0) (i32.const 7) (i32.const 268435456))
      (br $l))))
EOF
locals=$(i=0; while [ $i -lt 500 ]; do printf ' i64'; i=$((i + 1)); done)
{
    echo '(module'
    printf '  (func $big (local'
    i=0
    while [ $i -lt 100 ]; do printf '%s' "$locals"; i=$((i + 1)); done
    echo '))'
    echo '  (func (export "_start") (loop $l (call $big) (br $l))))'
} >"$tmp/entry.wat"
cat >"$tmp/sleep.wat" <<'EOF'
(module
  (import "wasi_snapshot_preview1" "poll_oneoff"
    (func $poll (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; one subscription at 0: userdata 0, tag 0 (clock), id 1 (monotonic),
  ;; timeout 100 s, precision 0, flags 0 (relative)
  (data (i32.const 16) "\01\00\00\00")
  (data (i32.const 24) "\00\e8\76\48\17\00\00\00")
  (func (export "_start")
    (drop (call $poll (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 128)))))
EOF
cat >"$tmp/stdin.wat" <<'EOF'
(module
  (import "wasi_snapshot_preview1" "fd_read"
    (func $read (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\10\00\00\00\00\01\00\00") ;; one iovec: 256 bytes at 16
  (func (export "_start")
    (drop (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))))
EOF
for g in loop bulk entry sleep stdin; do
    if ! wat2wasm "$tmp/$g.wat" -o "$tmp/$g.wasm" 2>"$tmp/$g.watlog"; then
        echo "FAIL 0 - setup: wat2wasm $g.wat: $(head -n 3 "$tmp/$g.watlog")"
        fail=1
    fi
done
if cc -O2 -o "$tmp/gen" "$here/gen_huge_module.c" 2>"$tmp/gen.log"; then
    "$tmp/gen" 20000 2000 >"$tmp/huge.wasm" # 120 MB of code, 0.7 s to load
else
    echo "FAIL 0 - setup: cannot build gen_huge_module: $(head -n 1 "$tmp/gen.log")"
    fail=1
fi

# ---- measuring -------------------------------------------------------------------

table=""
# timed FILE ARGS...: corral run ARGS (stdin from $stdin_from), its wall
# time in ms in $took, its status in $rc, its output in FILE.
timed() {
    f=$1
    shift
    t0=$(now_ms)
    "$corral" run "$@" <"${stdin_from:-/dev/null}" >"$f" 2>&1
    rc=$?
    t1=$(now_ms)
    took=$((t1 - t0))
}

# stop ROW WANT-TEXT DEADLINE-MS ARGS...: corral run --timeout DEADLINE-MS
# ARGS must end within DEADLINE + slack with WANT-TEXT in its output; the
# time is counted from the deadline of the same run made with --timeout
# 1ms, so that start-up and reading the module (before the clock starts)
# do not count.  Two tries at most.
stop() {
    row=$1
    want=$2
    deadline=$3
    shift 3
    best=""
    for try in 1 2; do
        timed "$tmp/$row.base" --timeout 1ms "$@"
        base=$took
        timed "$tmp/$row.out" --timeout "${deadline}ms" "$@"
        late=$((took - base - (deadline - 1)))
        if [ -z "$best" ] || [ "$late" -lt "$best" ]; then best=$late; fi
        if [ "$best" -le "$slack" ]; then break; fi
    done
    table="$table$(printf '%-8s %6d ms past the deadline (exit %d)' "$row" "$best" "$rc")
"
    if [ "$best" -gt "$slack" ]; then
        bad "$row: --timeout stops it within ${slack} ms" "ended $best ms after the deadline: $(head -c 300 "$tmp/$row.out")"
    elif ! grep -q "$want" "$tmp/$row.out"; then
        bad "$row: --timeout stops it within ${slack} ms" "no '$want' in: $(head -c 300 "$tmp/$row.out")"
    else
        ok "$row: --timeout stops it ($best ms past the deadline)"
    fi
}

# fuel ROW MODULE: --fuel 10000000 stops it at once, out of fuel.
fuel() {
    t0=$(now_ms)
    "$corral" run --fuel 10000000 "$2" >"$tmp/$1.fuel" 2>&1 </dev/null
    rc=$?
    t1=$(now_ms)
    if [ "$rc" -eq 134 ] && grep -q "fuel" "$tmp/$1.fuel" && [ $((t1 - t0)) -lt 1000 ]; then
        ok "$1: --fuel 10000000 stops it ($((t1 - t0)) ms, out of fuel)"
    else
        bad "$1: --fuel 10000000 stops it" "exit $rc after $((t1 - t0)) ms: $(head -c 300 "$tmp/$1.fuel")"
    fi
}

T="--timeout 1s"
stop loop "interrupt" 1000 "$tmp/loop.wasm"
fuel loop "$tmp/loop.wasm"
stop bulk "interrupt" 1000 "$tmp/bulk.wasm"
fuel bulk "$tmp/bulk.wasm"
stop entry "interrupt" 1000 "$tmp/entry.wasm"
fuel entry "$tmp/entry.wasm"
stop sleep "interrupt" 1000 "$tmp/sleep.wasm"

# stdin: a pipe whose writer stays open and silent
mkfifo "$tmp/in"
sleep 30 >"$tmp/in" &
holder=$!
stdin_from=$tmp/in
stop stdin "interrupt" 1000 "$tmp/stdin.wasm"
stdin_from=""
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null

bash_wasm=$root/build/wasm/tools/bash.wasm
if [ -f "$bash_wasm" ]; then
    mkdir -p "$tmp/w"
    mkfifo "$tmp/w/fifo"
    printf '{"command": "cat fifo"}' >"$tmp/fifo.json"
    stdin_from=$tmp/fifo.json
    # either refused at once (not a regular file) or interrupted: never hung
    stop fifo "fifo" 1000 --work-dir "$tmp/w" "$bash_wasm"
    stdin_from=""
else
    skip "fifo" "$bash_wasm is not built"
fi

fetch=$guests/net_fetch.wasm
sock=$guests/net_sock.wasm
server=$tmp/net_server
if [ -f "$fetch" ] && cc -O2 -o "$server" "$here/net_server.c" 2>"$tmp/server.log"; then
    "$server" >"$tmp/ports" 2>"$tmp/server.err" &
    server_pid=$!
    i=0
    while [ ! -s "$tmp/ports" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    read -r HP EP <"$tmp/ports" || true
    H=http://127.0.0.1:$HP
    stop http "interrupt" 1000 --allow-host "$H" "$fetch" "$H/slow?ms=5000"
else
    skip "http" "net_fetch.wasm is not built or net_server does not build"
fi

if [ -f "$sock" ] && [ -x "$server" ] && command -v unshare >/dev/null 2>&1 &&
    command -v ip >/dev/null 2>&1 && unshare -rmn true 2>/dev/null; then
    # a namespace whose resolv.conf names a DNS server that never answers
    # (net_server dns), as tests/e2e_net.sh sets it up
    cat >"$tmp/ns.sh" <<EOF
ip link set lo up || exit 1
printf 'nameserver 127.0.0.1\noptions timeout:30 attempts:1\n' >"$tmp/resolv.conf"
mount --bind "$tmp/resolv.conf" /etc/resolv.conf || exit 1
"$server" dns >"$tmp/dns.ready" 2>"$tmp/dns.err" &
dns=\$!
i=0
while [ ! -s "$tmp/dns.ready" ] && [ \$i -lt 50 ]; do sleep 0.1; i=\$((i + 1)); done
t0=\$((\$(date +%s%N) / 1000000))
"$corral" run $T --allow-host 'tcp://*:*' "$sock" resolve never-answers.example 80 >"$tmp/dns.out" 2>&1 </dev/null
echo \$? >"$tmp/dns.rc"
t1=\$((\$(date +%s%N) / 1000000))
echo \$((t1 - t0)) >"$tmp/dns.ms"
kill \$dns
EOF
    unshare -rmn sh "$tmp/ns.sh" 2>"$tmp/ns.err"
    ms=$(cat "$tmp/dns.ms" 2>/dev/null)
    if [ -z "$ms" ]; then
        bad "dns: --timeout 1s stops a lookup that never ends" "the namespace did not run: $(head -c 300 "$tmp/ns.err")"
    else
        late=$((ms - 1000))
        table="$table$(printf '%-8s %6d ms past the deadline (exit %s)' dns "$late" "$(cat "$tmp/dns.rc")")
"
        if [ "$late" -le "$slack" ] && grep -q "interrupt\|timed out\|timeout" "$tmp/dns.out"; then
            ok "dns: --timeout 1s stops a lookup that never ends ($late ms past the deadline)"
        else
            bad "dns: --timeout 1s stops a lookup that never ends" "$late ms past: $(head -c 300 "$tmp/dns.out")"
        fi
    fi
else
    skip "dns" "needs net_sock.wasm, unshare -rmn and ip (a network namespace)"
fi

if [ -f "$tmp/huge.wasm" ]; then
    # it loads in about 0.7 s here: a deadline well inside that
    stop load "timeout while loading" 250 "$tmp/huge.wasm"
fi

echo "# stop latencies (wall time of the process past the deadline: 1 s, load 250 ms):"
printf '%s' "$table" | sed 's/^/#   /'
summary e2e_stops
