#!/bin/sh
# e2e_wasi.sh - WASI preview1 and the sandbox of `corral run`, end to end.
#
#   sh tests/e2e_wasi.sh CORRAL
#
# Runs the guests build/wasm/tests/wasi_*.wasm (make builds them from
# tests/guest/wasi_*.c) through `corral run` as a user types it, each case
# in a fresh directory under one mktemp -d that is removed at the end.
# Suites: the guests' own checks (wasi_fs, wasi_misc: one case per "ok" /
# "FAIL" line they print), the host files they leave, the escape suite
# (a secret file outside the mapped tree must be neither read nor
# changed), the limits (timeout, fuel, memory, stack), the command line,
# and the hardening cases (a :ro mapping reached through the writable /,
# FIFOs, sockets and devices in a mapped tree, --map-dir suffixes and
# guest paths).  Expected errno values are Wasmtime's (WASI numbering: EPERM 63,
# ELOOP 32); the "errno" cases are separate from the "secret" cases so
# that a compatibility difference never hides a sandbox hole or the
# reverse.
#
# Each case prints `ok N - desc` or `FAIL N - desc: why`; the last line is
# `e2e_wasi: N passed, N failed, N skipped`; exits 1 if any failed.
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
# expect DESC CONDITION-STATUS WHY: ok when the status is 0.
expect() {
    if [ "$2" -eq 0 ]; then ok "$1"; else bad "$1" "$3"; fi
}

if [ ! -x "$corral" ]; then
    echo "e2e_wasi: $corral is not executable" >&2
    echo "e2e_wasi: 0 passed, 1 failed, 0 skipped"
    exit 1
fi

TOP=$(mktemp -d "${TMPDIR:-/tmp}/e2e_wasi.XXXXXX") || exit 1
bgpids=""
cleanup() {
    for p in $bgpids; do kill "$p" 2>/dev/null; done
    chmod -R u+rwx "$TOP" 2>/dev/null
    rm -rf "$TOP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

limit=""
if command -v timeout >/dev/null 2>&1; then
    limit="timeout 60"
fi

# run DIR ARGS...: corral ARGS in DIR; sets rc, out (file), err (file).
run() {
    rdir=$1
    shift
    out=$rdir/out.$n
    err=$rdir/err.$n
    # shellcheck disable=SC2086 # $limit is empty or two words
    (cd "$rdir" && $limit "$corral" "$@" >"$out" 2>"$err" </dev/null)
    rc=$?
}

now_ns() { date +%s%N; }

# A fresh case directory.
fresh() { mktemp -d "$TOP/case.XXXXXX"; }

have() {
    if [ -f "$guests/$1.wasm" ]; then return 0; fi
    skip "$2" "$guests/$1.wasm not built (make build/wasm/tests/$1.wasm)"
    return 1
}

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

# ============================================================================
# 1. wasi_fs: the filesystem calls, then the files left on the host
# ============================================================================
if have wasi_fs "wasi_fs"; then
    C=$(fresh)
    mkdir -p "$C/w/d" "$C/o" "$C/r/sub"
    printf 'hello world\n' >"$C/w/hello.txt"
    i=0
    while [ $i -lt 30 ]; do
        : >"$C/w/d/f$(printf %02d $i)"
        i=$((i + 1))
    done
    printf 'original\n' >"$C/r/keep.txt"
    ro_before=$(cd "$C/r" && ls -lR --time-style=+%s.%N . && cat keep.txt)
    run "$C" run --work-dir "$C/w" --map-dir "$C/o::/other" --map-dir "$C/r::/ro:ro" \
        "$guests/wasi_fs.wasm"
    guest_lines "fs:" "$out"
    expect "fs: exit status 0" $((rc != 0)) "exit status $rc; stderr: $(head -c 300 "$err")"
    ro_after=$(cd "$C/r" && ls -lR --time-style=+%s.%N . && cat keep.txt)
    [ "$ro_before" = "$ro_after" ]
    expect "fs host: the :ro tree is unchanged on disk" $? "before: $ro_before / after: $ro_after"
    [ "$(cat "$C/o/crossed.txt" 2>/dev/null)" = crossed ] && [ ! -e "$C/w/cross.txt" ]
    expect "fs host: rename across preopens moved the file" $? "o/: $(ls "$C/o" | tr '\n' ' ') w/cross.txt: $(ls "$C/w/cross.txt" 2>&1)"
    [ "$(cat "$C/w/libc.txt" 2>/dev/null)" = "written by libc" ]
    expect "fs host: libc wrote /libc.txt into the work dir" $? "$(ls "$C/w" | tr '\n' ' ')"
    [ "$(cat "$C/o/libc2.txt" 2>/dev/null)" = "in other" ]
    expect "fs host: libc wrote /other/libc2.txt into the second mapping" $? "$(ls "$C/o" | tr '\n' ' ')"
    [ "$(cat "$C/w/t2.bin" 2>/dev/null)" = 0123456789Z ] && [ ! -e "$C/w/t.bin" ]
    expect "fs host: renamed file with its content" $? "$(ls -l "$C/w" | tr '\n' ' ')"
    [ "$(stat -c %Y "$C/w/t2.bin" 2>/dev/null)" = 1300000000 ]
    expect "fs host: path_filestat_set_times reached the disk" $? "mtime $(stat -c %Y "$C/w/t2.bin" 2>&1)"
    [ -L "$C/w/sym" ] && [ "$(readlink "$C/w/sym")" = t2.bin ]
    expect "fs host: the guest's symlink is on disk" $? "$(ls -l "$C/w/sym" 2>&1)"
    [ ! -e "$C/w/newdir" ] && [ -f "$C/w/rdir2/moved.txt" ] && [ ! -e "$C/w/hard.bin" ]
    expect "fs host: directories and links as the guest left them" $? "$(ls -lR "$C/w" | head -c 400)"
    [ "$(cat "$C/w/hello.txt")" = "hello world" ] && [ ! -e "$C/r/planted.txt" ] && [ ! -e "$C/w/stolen.txt" ]
    expect "fs host: nothing moved in or out of the :ro tree" $? "$(ls "$C/w" "$C/r" | tr '\n' ' ')"
fi

# ============================================================================
# 2. wasi_misc: clocks, poll, random, sockets, args, env, exit codes
# ============================================================================
if have wasi_misc "wasi_misc"; then
    M=$guests/wasi_misc.wasm
    C=$(fresh)
    run "$C" run "$M" checks
    guest_lines "misc:" "$out"
    expect "misc: exit status 0" $((rc != 0)) "exit status $rc; stderr: $(head -c 300 "$err")"

    run "$C" run "$M" realtime
    host=$(date +%s)
    guest=$(cat "$out")
    d=$((guest - host))
    [ $rc -eq 0 ] && [ "${d#-}" -le 5 ]
    expect "misc: realtime clock agrees with the host (guest $guest, host $host)" $? "rc $rc"

    run "$C" run "$M" args a "b c" "" "x=y" "--flag" "ü"
    printf 'argc=8\narg[1]=<args>\narg[2]=<a>\narg[3]=<b c>\narg[4]=<>\narg[5]=<x=y>\narg[6]=<--flag>\narg[7]=<\\xc3\\xbc>\nok args_sizes\n' >"$C/args.want"
    # argc counts argv[0]; the lines after it are argv[1..]
    tail -n +2 "$out" >"$C/args.got"
    tail -n +2 "$C/args.want" >"$C/args.want2"
    grep -q '^argc=8$' "$out" && cmp -s "$C/args.got" "$C/args.want2" && [ $rc -eq 0 ]
    expect "args: values, empty and UTF-8 arguments, flags after the module go to the guest" $? "rc $rc, got: $(tr '\n' '|' <"$out")"

    run "$C" run "$M" env
    [ "$(cat "$out")" = "$(printf 'envc=0\nok environ_sizes')" ] || [ "$(cat "$out")" = "envc=0" ]
    expect "env: empty by default (host has HOME, PATH...)" $? "got: $(tr '\n' '|' <"$out")"
    CORRAL_E2E_HOSTVAR='from host' run "$C" run --env A=1 --env EMPTY= --env 'EQ=a=b' --env CORRAL_E2E_HOSTVAR "$M" env
    grep -q '^envc=4$' "$out" && grep -q '^env=<A=1>$' "$out" && grep -q '^env=<EMPTY=>$' "$out" &&
        grep -q '^env=<EQ=a=b>$' "$out" && grep -q '^env=<CORRAL_E2E_HOSTVAR=from host>$' "$out" &&
        grep -q '^ok environ_sizes' "$out"
    expect "env: NAME=VALUE, NAME=, values with '=', NAME alone copies the host" $? "got: $(tr '\n' '|' <"$out")"

    for code in 0 1 7 42 125; do
        run "$C" run "$M" exit $code
        expect "proc_exit($code) is the exit status" $((rc != code)) "exit status $rc"
    done
    run "$C" run "$M" flush-exit 5
    [ $rc -eq 5 ] && [ "$(cat "$out")" = buffered ]
    expect "exit(5) through libc flushes stdout first" $? "rc $rc, stdout '$(cat "$out")'"
    run "$C" run "$M" trap
    [ $rc -eq 134 ] && grep -q 'Error: wasm trap: unreachable' "$err" && [ "$(cat "$out")" = "before trap" ]
    expect "a trap in a WASI guest: 134, message, output kept" $? "rc $rc, stderr '$(head -c 200 "$err")'"
    run "$C" run --invoke mul "$M" 6 7
    [ $rc -eq 0 ] && [ "$(cat "$out")" = 42 ]
    expect "--invoke an export of a WASI module with arguments" $? "rc $rc, stdout '$(cat "$out")', stderr '$(head -c 200 "$err")'"
fi

# ============================================================================
# 3. the escape suite
# ============================================================================
# Each case gets a fresh tree (the guest's /) next to outside/secret.txt;
# corral runs with outside/ as its working directory (so /proc/self/cwd
# points at the secret).  "secret" cases: the guest did not print the
# secret, and outside/ is byte for byte and time for time the same.
# "errno" cases: the error is Wasmtime's.
mktree() {
    C=$(fresh)
    T=$C/tree
    O=$C/outside
    mkdir -p "$T/sub" "$O"
    SECRET="TOPSECRET-$$-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
    printf '%s\n' "$SECRET" >"$O/secret.txt"
    printf 'inside\n' >"$T/hello.txt"
    printf 'sub file\n' >"$T/sub/file.txt"
    ln -s "$O/secret.txt" "$T/abs_link"
    ln -s ../outside/secret.txt "$T/rel_link"
    ln -s sub/../../outside/secret.txt "$T/deep_rel"
    ln -s / "$T/root_link"
    ln -s ../outside "$T/dir_out"
    ln -s "$O" "$T/abs_dir_out"
    ln -s chain2 "$T/chain1"
    ln -s chain3 "$T/chain2"
    ln -s ../outside/secret.txt "$T/chain3"
    ln -s loop2 "$T/loop1"
    ln -s loop1 "$T/loop2"
    ln -s self "$T/self"
    ln -s "/proc/self/root$O/secret.txt" "$T/proc_root"
    ln -s /proc/self/cwd/secret.txt "$T/proc_cwd"
    ln -s hello.txt "$T/in_link"
    ln -s sub "$T/in_dir"
    ln -s ../hello.txt "$T/sub/up"
    ln -s ichain2 "$T/ichain1"
    ln -s sub/up "$T/ichain2"
    i=0
    while [ $i -lt 45 ]; do
        ln -s "lc$((i + 1))" "$T/lc$i"
        i=$((i + 1))
    done
    ln -s hello.txt "$T/lc45"
    snap_before=$(ls -lA --time-style=+%s.%N "$O" && cat "$O/secret.txt")
}

# esc DESC WANT-ERRNO CORRAL-FLAGS -- OP PATH [ARG]
#   WANT-ERRNO: a WASI errno the guest must report, or "-" (not checked).
esc() {
    desc=$1 want=$2
    shift 2
    flags=""
    while [ "$1" != -- ]; do
        flags="$flags $1"
        shift
    done
    shift
    mktree
    # shellcheck disable=SC2086 # $flags: words without spaces
    (cd "$O" && $limit "$corral" run --work-dir "$T" $flags "$guests/wasi_escape.wasm" "$@" \
        >"$C/out" 2>"$C/err" </dev/null)
    rc=$?
    check_secret "$desc"
    if [ "$want" != - ]; then
        if grep -q "^ERR $want\$" "$C/out"; then
            ok "escape errno: $desc -> $want"
        else
            bad "escape errno: $desc" "expected 'ERR $want', got '$(head -c 200 "$C/out" | tr '\n' '|')' (rc $rc)"
        fi
    fi
}

check_secret() {
    why=""
    if grep -q -a "TOPSECRET" "$C/out" "$C/err"; then
        why="the guest read the secret: $(head -c 200 "$C/out")"
    fi
    snap_after=$(ls -lA --time-style=+%s.%N "$O" && cat "$O/secret.txt")
    if [ "$snap_before" != "$snap_after" ]; then
        why="${why:+$why; }outside/ changed: $(ls -lA "$O" | tr '\n' '|')"
    fi
    if [ -z "$why" ] && ! grep -q -E '^(ERR|NAME|STAT|READ|SYMLINKED|race)' "$C/out"; then
        why="the guest did not run: rc $rc, $(head -c 200 "$C/err")"
    fi
    if [ -z "$why" ]; then ok "escape secret: $1"; else bad "escape secret: $1" "$why"; fi
}

# posc DESC WANT-STDOUT-LINE OP PATH: a path that stays inside works.
posc() {
    desc=$1 want=$2
    shift 2
    mktree
    (cd "$O" && $limit "$corral" run --work-dir "$T" "$guests/wasi_escape.wasm" "$@" \
        >"$C/out" 2>"$C/err" </dev/null)
    rc=$?
    if grep -q -x -F -e "$want" "$C/out"; then
        ok "inside: $desc"
    else
        bad "inside: $desc" "expected '$want', got '$(head -c 200 "$C/out" | tr '\n' '|')' rc $rc $(head -c 200 "$C/err")"
    fi
}

if have wasi_escape "escape suite" && command -v od >/dev/null; then
    EPERM=63
    ELOOP=32
    esc "'..' at the root" $EPERM -- read ../outside/secret.txt
    esc "'..' alone, listed" $EPERM -- list ..
    esc "'..' after a subdirectory" $EPERM -- read sub/../../outside/secret.txt
    esc "many '..'" $EPERM -- read ../../../../../../../../etc/../"$TOP"/x
    esc "absolute path to the secret" $EPERM -- read /ABS
    esc "absolute path '/'" $EPERM -- list /
    esc "absolute symlink leaving the tree" $EPERM -- read abs_link
    esc "relative symlink leaving the tree" $EPERM -- read rel_link
    esc "relative symlink through a subdirectory" $EPERM -- read deep_rel
    esc "symlink to / then the secret's path" $EPERM -- read root_link/ABS
    esc "symlink to /, listed" $EPERM -- list root_link
    esc "symlink to an outside directory" $EPERM -- read dir_out/secret.txt
    esc "absolute symlink to an outside directory" $EPERM -- read abs_dir_out/secret.txt
    esc "stat through a symlink leaving the tree" $EPERM -- stat rel_link
    esc "symlink chain whose last link leaves" $EPERM -- read chain1
    esc "symlink loop" $ELOOP -- read loop1
    esc "symlink to itself" $ELOOP -- read self
    esc "46 symlinks in a row (over the limit of 40)" $ELOOP -- read lc0
    esc "symlink to /proc/self/root/..." $EPERM -- read proc_root
    esc "symlink to /proc/self/cwd/... (cwd is outside/)" $EPERM -- read proc_cwd
    # /proc/self itself mapped (read-only): root and cwd in it are magic
    # links.  Refused with ELOOP (RESOLVE_NO_MAGICLINKS) or EPERM.
    esc "magic link /proc/self/root inside a mapping" - --map-dir /proc/self::/pself:ro --env ESC_DIR=/pself -- read root/ABS
    esc "magic link /proc/self/cwd inside a mapping" - --map-dir /proc/self::/pself:ro --env ESC_DIR=/pself -- read cwd/secret.txt
    esc "write through a relative symlink leaving the tree" - -- write rel_link
    esc "write through an absolute symlink leaving the tree" - -- write abs_link
    esc "create a file with '..'" $EPERM -- write ../outside/new.txt
    esc "mkdir with '..'" $EPERM -- mkdir ../outside/newdir
    esc "unlink with '..'" $EPERM -- unlink ../outside/secret.txt
    esc "unlink an absolute path" $EPERM -- unlink /ABS
    esc "rename the secret into the tree" $EPERM -- rename ../outside/secret.txt stolen
    esc "rename a tree file out of the tree" $EPERM -- rename hello.txt ../outside/planted
    esc "hard link to the secret" $EPERM -- link ../outside/secret.txt hl
    esc "hard link through an escaping symlink" - -- link rel_link hl2
    esc "guest-made absolute symlink to the secret" - -- symlink /ABS g_abs
    esc "guest-made relative symlink to the secret" - -- symlink ../outside/secret.txt g_rel
    esc "guest-made symlink to /" - -- symlink / g_root

    posc "symlink to a file inside" "READ:inside" read in_link
    posc "symlink to a directory inside" "READ:sub file" read in_dir/file.txt
    posc "relative symlink with '..' that stays inside" "READ:inside" read sub/up
    posc "symlink chain inside" "READ:inside" read ichain1
    posc "'..' that stays inside" "READ:inside" read sub/../hello.txt
    posc "guest-made symlink inside" "READ:inside" symlink hello.txt mine
    posc "guest-made relative symlink with '..' inside" "READ:sub file" symlink ../sub/file.txt sub/mine
    posc "stat inside" "STAT 7" stat hello.txt
    posc "listing the root" "NAME:hello.txt" list .

    # the guest's "ABS" placeholder: rewrite to the real absolute path
    # (the case directory is only known once mktree ran): done by running
    # these again with the real path, as a user would type it.
    mktree
    (cd "$O" && $limit "$corral" run --work-dir "$T" "$guests/wasi_escape.wasm" read "$O/secret.txt" \
        >"$C/out" 2>"$C/err" </dev/null)
    rc=$?
    check_secret "absolute host path of the secret (real path)"
    mktree
    (cd "$O" && $limit "$corral" run --work-dir "$T" "$guests/wasi_escape.wasm" read "root_link$O/secret.txt" \
        >"$C/out" 2>"$C/err" </dev/null)
    rc=$?
    check_secret "symlink to / then the real path"
    mktree
    (cd "$O" && $limit "$corral" run --work-dir "$T" --map-dir /proc/self::/pself:ro --env ESC_DIR=/pself \
        "$guests/wasi_escape.wasm" read "root$O/secret.txt" >"$C/out" 2>"$C/err" </dev/null)
    rc=$?
    check_secret "magic link /proc/self/root + real path"
    grep -q '^ERR ' "$C/out"
    expect "escape errno: magic link /proc/self/root is refused ($(head -n 1 "$C/out"))" $? "$(head -c 200 "$C/out")"
    mktree
    (cd "$O" && $limit "$corral" run --work-dir "$T" "$guests/wasi_escape.wasm" symlink "$O/secret.txt" g_abs \
        >"$C/out" 2>"$C/err" </dev/null)
    rc=$?
    check_secret "guest-made symlink to the real absolute path"

    # A directory swapped for a symlink to outside/ while the guest opens
    # swap/secret.txt in a loop: it must only ever read "inside".
    mktree
    mkdir "$T/swap"
    printf 'inside\n' >"$T/swap/secret.txt"
    : >"$C/go"
    (
        # swap is a directory holding "inside"; in turn it becomes a
        # symlink to outside/ (absolute, then relative) and back.
        i=0
        while [ -f "$C/go" ] && [ $i -lt 100000 ]; do
            mv -T "$T/swap" "$T/swap.dir" && ln -s "$O" "$T/swap"
            rm -f "$T/swap" && mv -T "$T/swap.dir" "$T/swap"
            mv -T "$T/swap" "$T/swap.dir" && ln -s ../outside "$T/swap"
            rm -f "$T/swap" && mv -T "$T/swap.dir" "$T/swap"
            i=$((i + 1))
        done
    ) >/dev/null 2>&1 &
    racer=$!
    bgpids="$bgpids $racer"
    (cd "$O" && $limit "$corral" run --work-dir "$T" "$guests/wasi_escape.wasm" race swap/secret.txt 2000 \
        >"$C/out" 2>"$C/err" </dev/null)
    rc=$?
    rm -f "$C/go"
    wait $racer 2>/dev/null
    check_secret "directory swapped for a symlink to outside during resolution ($(tail -n 1 "$C/out"))"
    [ $rc -eq 0 ] && grep -q '^race: [1-9]' "$C/out"
    expect "race: the guest kept reading the inside file" $? "rc $rc, $(head -c 200 "$C/out")"
fi

# ============================================================================
# 4. limits
# ============================================================================
# timed DESC DEADLINE-MS ARGS...: status 134, "interrupt", and stopped
# within a second of the deadline (the overshoot is printed).
timed() {
    desc=$1 dl=$2
    shift 2
    t0=$(now_ns)
    run "$C" run "$@"
    t1=$(now_ns)
    ms=$(((t1 - t0) / 1000000))
    over=$((ms - dl))
    why=""
    [ $rc -eq 134 ] || why="exit status $rc"
    grep -q 'Error: wasm trap: interrupt' "$err" || why="${why:+$why; }stderr '$(head -c 200 "$err")'"
    [ $over -lt 1000 ] || why="${why:+$why; }took ${ms} ms for a ${dl} ms deadline"
    [ $over -ge -50 ] || why="${why:+$why; }stopped ${over} ms early"
    if [ -z "$why" ]; then ok "$desc (overshoot ${over} ms)"; else bad "$desc" "$why"; fi
}

C=$(fresh)
if command -v wat2wasm >/dev/null 2>&1; then
    cat >"$C/spin.wat" <<'EOF'
(module (func (export "_start") (loop (br 0))))
EOF
    # seven instructions, one call: a budget to count exactly
    cat >"$C/tiny.wat" <<'EOF'
(module
  (func $f (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func (export "_start") (drop (call $f (i32.const 41)))))
EOF
    wat2wasm "$C/spin.wat" -o "$C/spin.wasm" && wat2wasm "$C/tiny.wat" -o "$C/tiny.wasm"
    timed "timeout: a spinning wat loop" 300 --timeout 300ms spin.wasm
    # fuel: the exact count of tiny.wasm, then budgets around it
    run "$C" run --stats tiny.wasm
    K=$(sed -n 's/.*fuel used: *\([0-9][0-9]*\).*/\1/p' "$err" | head -n 1)
    if [ $rc -eq 0 ] && [ -n "$K" ] && [ "$K" -gt 1 ]; then
        ok "fuel: tiny.wasm uses $K units"
        run "$C" run --fuel "$K" --stats tiny.wasm
        [ $rc -eq 0 ] && grep -q "fuel used: *$K\$" "$err"
        expect "fuel: a budget of exactly $K is enough, and --stats says $K" $? "rc $rc, $(tr '\n' '|' <"$err")"
        run "$C" run --fuel $((K + 1)) --stats tiny.wasm
        [ $rc -eq 0 ] && grep -q "fuel used: *$K\$" "$err"
        expect "fuel: a budget of $((K + 1)) runs and still uses $K" $? "rc $rc, $(tr '\n' '|' <"$err")"
        run "$C" run --fuel $((K - 1)) --stats tiny.wasm
        [ $rc -eq 134 ] && grep -q 'Error: wasm trap: all fuel consumed by WebAssembly' "$err" &&
            grep -q "fuel used: *$((K - 1))\$" "$err"
        expect "fuel: a budget of $((K - 1)) traps, all of it used" $? "rc $rc, $(tr '\n' '|' <"$err")"
    else
        bad "fuel: tiny.wasm" "rc $rc, no 'fuel used' in '$(head -c 200 "$err")'"
    fi
    run "$C" run --fuel 123457 --stats spin.wasm
    [ $rc -eq 134 ] && grep -q 'fuel used: *123457$' "$err" && grep -q 'all fuel consumed' "$err"
    expect "fuel: a loop stops at exactly --fuel 123457" $? "rc $rc, $(tr '\n' '|' <"$err")"
else
    skip "wat limits" "wat2wasm not installed"
fi

if have wasi_block "limits with wasi_block"; then
    B=$guests/wasi_block.wasm
    timed "timeout: a spinning C guest" 500 --timeout 500ms "$B" spin
    timed "timeout: a guest sleeping in poll_oneoff (sleep 100)" 500 --timeout 500ms "$B" sleep 100
    grep -q '^sleeping$' "$out" && ! grep -q woke "$out"
    expect "timeout: the sleeper printed before, not after" $? "stdout '$(tr '\n' '|' <"$out")'"
    # stdin: a fifo whose writer stays open and silent
    mkfifo "$C/fifo"
    sleep 30 >"$C/fifo" &
    writer=$!
    bgpids="$bgpids $writer"
    t0=$(now_ns)
    (cd "$C" && $limit "$corral" run --timeout 500ms "$B" stdin <"$C/fifo" >"$C/stdin.out" 2>"$C/stdin.err")
    rc=$?
    t1=$(now_ns)
    kill $writer 2>/dev/null
    wait $writer 2>/dev/null
    ms=$(((t1 - t0) / 1000000))
    [ $rc -eq 134 ] && grep -q 'interrupt' "$C/stdin.err" && [ $ms -lt 1500 ]
    expect "timeout: a guest blocked reading stdin (overshoot $((ms - 500)) ms)" $? "rc $rc, ${ms} ms, $(head -c 200 "$C/stdin.err")"
    printf 'abc' | (cd "$C" && $limit "$corral" run "$B" stdin >"$C/stdin2.out" 2>&1)
    grep -q '^read 3 bytes (last 0)$' "$C/stdin2.out"
    expect "stdin: a pipe is read to EOF" $? "$(tr '\n' '|' <"$C/stdin2.out")"
    run "$C" run --timeout 5s "$B" sleep 1
    [ $rc -eq 0 ] && grep -q '^woke$' "$out"
    expect "timeout: not reached, sleep(1) returns" $? "rc $rc $(head -c 200 "$err")"

    run "$C" run --max-memory 8M "$B" malloc
    got=$(sed -n 's/^malloc: \([0-9]*\) MiB then NULL$/\1/p' "$out")
    [ $rc -eq 0 ] && [ -n "$got" ] && [ "$got" -lt 8 ] && [ "$got" -ge 4 ]
    expect "memory: --max-memory 8M, malloc returns NULL (after ${got:-?} MiB)" $? "rc $rc, '$(head -c 200 "$out")' $(head -c 200 "$err")"
    run "$C" run "$B" malloc 64
    [ $rc -eq 0 ] && grep -q '^malloc: 64 MiB$' "$out"
    expect "memory: 64 MiB by default" $? "rc $rc, '$(head -c 200 "$out")'"
    run "$C" run --max-memory 100M "$B" malloc 64
    [ $rc -eq 0 ] && grep -q '^malloc: 64 MiB$' "$out"
    expect "memory: 64 MiB under --max-memory 100M" $? "rc $rc, '$(head -c 200 "$out")'"

    run "$C" run "$B" recurse
    [ $rc -eq 134 ] && grep -q 'Error: wasm trap: call stack exhausted' "$err"
    expect "stack: runaway recursion with the default stack" $? "rc $rc, $(head -c 200 "$err")"
    run "$C" run --max-stack 64K "$B" recurse
    [ $rc -eq 134 ] && grep -q 'Error: wasm trap: call stack exhausted' "$err"
    expect "stack: runaway recursion with --max-stack 64K" $? "rc $rc, $(head -c 200 "$err")"
    run "$C" run "$B" depth 5000
    [ $rc -eq 0 ] && grep -q '^depth 5000 ok$' "$out"
    expect "stack: 5000 calls deep fit the default stack" $? "rc $rc, $(head -c 200 "$err")"
    run "$C" run --max-stack 16K "$B" depth 5000
    [ $rc -eq 134 ] && grep -q 'call stack exhausted' "$err"
    expect "stack: 5000 calls deep do not fit --max-stack 16K" $? "rc $rc, $(head -c 200 "$out") $(head -c 200 "$err")"
fi

# ============================================================================
# 5. mappings and the command line
# ============================================================================
if have wasi_escape "mappings"; then
    E=$guests/wasi_escape.wasm
    C=$(fresh)
    mkdir -p "$C/data"
    printf 'data file\n' >"$C/data/f.txt"
    run "$C" run --map-dir "$C/data::data" --env ESC_DIR=data "$E" read f.txt
    [ $rc -eq 0 ] && [ "$(cat "$out")" = "READ:data file" ]
    expect "--map-dir HOST::data: a relative guest name" $? "rc $rc, '$(head -c 200 "$out")' $(head -c 200 "$err")"
    run "$C" run --map-dir "$C/data::/data:ro" --env ESC_DIR=/data "$E" write f.txt
    [ "$(cat "$C/data/f.txt")" = "data file" ] && grep -q '^ERR ' "$out"
    expect "--map-dir HOST::/data:ro: a write is refused, the file unchanged" $? "'$(head -c 200 "$out")'"
    run "$C" run --map-dir "$C/data::/data:ro" --env ESC_DIR=/data "$E" read f.txt
    [ "$(cat "$out")" = "READ:data file" ]
    expect "--map-dir HOST::/data:ro: reads work" $? "'$(head -c 200 "$out")' $(head -c 200 "$err")"
    run "$C" run --map-dir "data::/data" --env ESC_DIR=/data "$E" read f.txt
    [ "$(cat "$out")" = "READ:data file" ]
    expect "--map-dir with a relative host path" $? "'$(head -c 200 "$out")' $(head -c 200 "$err")"
    run "$C" run --work-dir data --env ESC_DIR=/ "$E" read f.txt
    [ "$(cat "$out")" = "READ:data file" ]
    expect "--work-dir with a relative host path is the guest's /" $? "'$(head -c 200 "$out")' $(head -c 200 "$err")"
    run "$C" run "$E" read f.txt
    [ "$(cat "$out")" = "NODIR /" ] && [ $rc -eq 4 ]
    expect "no --work-dir: no preopen at all" $? "rc $rc '$(head -c 200 "$out")'"
fi

# usage CASE ARGS...: exit status 2 and something on stderr
usage() {
    desc=$1
    shift
    C=${C:-$(fresh)}
    run "$C" run "$@"
    [ $rc -eq 2 ] && [ -s "$err" ]
    expect "bad flags: $desc -> 2" $? "exit status $rc, stderr '$(head -c 200 "$err")'"
}
C=$(fresh)
if [ -f "$guests/wasi_misc.wasm" ]; then
    M=$guests/wasi_misc.wasm
    mkdir -p "$C/d"
    usage "--map-dir without ::" --map-dir "$C/d" "$M"
    usage "--map-dir with an empty guest path" --map-dir "$C/d::" "$M"
    usage "--map-dir with an empty host path" --map-dir "::/x" "$M"
    usage "--map-dir missing its value" --map-dir
    usage "--work-dir missing its value" --work-dir
    usage "--env with an empty name" --env =x "$M"
    usage "--env empty" --env "" "$M"
    usage "--env missing its value" --env
    usage "--timeout negative" --timeout -1 "$M"
    usage "--timeout with a bad unit" --timeout 5parsecs "$M"
    usage "--max-memory missing its value" --max-memory
    usage "--max-stack 0x" --max-stack 0x "$M"
    for what in "--work-dir $C/nope" "--map-dir $C/nope::/x"; do
        # shellcheck disable=SC2086
        run "$C" run $what "$M" env
        [ $rc -ne 0 ] && [ $rc -ne 134 ] && grep -q "nope" "$err"
        expect "$(echo "$what" | cut -d' ' -f1) naming a missing directory: an error naming it" $? "exit status $rc, stderr '$(head -c 200 "$err")'"
    done
    : >"$C/file"
    run "$C" run --work-dir "$C/file" "$M" env
    [ $rc -ne 0 ] && [ $rc -ne 134 ] && [ -s "$err" ]
    expect "--work-dir naming a file: an error" $? "exit status $rc"
else
    skip "bad flags" "$guests/wasi_misc.wasm not built"
fi

# ============================================================================
# 6. hardening: read-only mappings by every route, special files, suffixes
# ============================================================================
# rofs_tree DIR: the tree tests/guest/wasi_rofs.c expects.
rofs_tree() {
    mkdir -p "$1/sub/empty" "$1/eroot" "$1/x"
    printf 'orig\n' >"$1/sub/f"
    printf 'plant\n' >"$1/plant"
    ln -s sub "$1/lnk"
    ln -s sub/f "$1/flnk"
    ln -s sub/new "$1/dlnk"
    touch -d @1000000000 "$1/sub/f" "$1/sub/empty" "$1/sub" "$1/eroot"
}
rofs_state() {
    (cd "$1" && ls -ld --time-style=+%s.%N sub sub/empty eroot && ls -lRA --time-style=+%s.%N sub eroot && cat sub/f)
}
if have wasi_rofs "readonly_map_via_root_preopen"; then
    for mode in openat2 walk; do
        C=$(fresh)
        rofs_tree "$C/w"
        before=$(rofs_state "$C/w")
        if [ $mode = walk ]; then nw=1; else nw=0; fi
        (cd "$C" && CORRAL_WASI_NO_OPENAT2=$nw $limit "$corral" run --work-dir "$C/w" \
            --map-dir "$C/w/sub::/sub:ro" --map-dir "$C/w/eroot::/eroot:ro" \
            "$guests/wasi_rofs.wasm" >"$C/out" 2>"$C/err" </dev/null)
        rc=$?
        guest_lines "readonly_map_via_root_preopen ($mode):" "$C/out"
        after=$(rofs_state "$C/w")
        [ $rc -eq 0 ] && [ "$before" = "$after" ] && [ ! -e "$C/w/stolen" ] && [ ! -e "$C/w/hard" ] &&
            [ -f "$C/w/plant" ] && [ ! -e "$C/w/moved" ]
        expect "readonly_map_via_root_preopen ($mode): the :ro trees are unchanged on disk" $? \
            "rc $rc; before: $before / after: $after; $(head -c 200 "$C/err")"
    done
    # A writable mapping inside a read-only one stays writable (the
    # deepest mapping wins, as for the tools' host paths); the same host
    # directory mapped both ways is read-only.
    C=$(fresh)
    mkdir -p "$C/ro/rw"
    run "$C" run --map-dir "$C/ro::/ro:ro" --map-dir "$C/ro/rw::/rw" --env ESC_DIR=/rw \
        "$guests/wasi_escape.wasm" write inner.txt
    [ "$(cat "$out")" = WROTE ] && [ "$(cat "$C/ro/rw/inner.txt")" = PWNED ]
    expect "readonly_map_nested_writable: a writable map inside a :ro one is writable" $? "'$(head -c 200 "$out")' $(head -c 200 "$err")"
    run "$C" run --work-dir "$C/ro" --map-dir "$C/ro::/alias:ro" "$guests/wasi_escape.wasm" write top.txt
    grep -q '^ERR 63$' "$out" && [ ! -e "$C/ro/top.txt" ]
    expect "readonly_map_same_dir_twice: / and a :ro alias of it: read-only" $? "'$(head -c 200 "$out")' $(head -c 200 "$err")"
fi

# fifo_open_does_not_block: a FIFO (no writer, no reader), a socket and a
# device in the mapped tree: path_open ends at once with ENXIO (60), also
# under --timeout.  quick: a 10 s limit, so a hang fails soon.
quick=""
if command -v timeout >/dev/null 2>&1; then quick="timeout 10"; fi
if have wasi_escape "fifo_open_does_not_block"; then
    C=$(fresh)
    mkdir -p "$C/w"
    mkfifo "$C/w/fifo"
    for op in read write; do
        for tl in "" "--timeout 1s"; do
            t0=$(now_ns)
            # shellcheck disable=SC2086
            (cd "$C" && $quick "$corral" run --work-dir "$C/w" $tl "$guests/wasi_escape.wasm" $op fifo \
                >"$C/out" 2>"$C/err" </dev/null)
            rc=$?
            ms=$((($(now_ns) - t0) / 1000000))
            [ $rc -eq 0 ] && grep -q '^ERR 60$' "$C/out" && [ $ms -lt 2000 ]
            expect "fifo_open_does_not_block: $op ${tl:-(no timeout)}: ENXIO in ${ms} ms" $? \
                "rc $rc, ${ms} ms, '$(head -c 200 "$C/out")' $(head -c 200 "$C/err")"
        done
    done
    [ -p "$C/w/fifo" ]
    expect "fifo_open_does_not_block: the FIFO is still a FIFO" $? "$(ls -l "$C/w")"
    if command -v python3 >/dev/null 2>&1 &&
        python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$C/w/sock" 2>/dev/null; then
        (cd "$C" && $quick "$corral" run --work-dir "$C/w" "$guests/wasi_escape.wasm" read sock \
            >"$C/out" 2>"$C/err" </dev/null)
        grep -q '^ERR 60$' "$C/out"
        expect "socket_open_refused: a socket file is not opened (ENXIO)" $? "'$(head -c 200 "$C/out")'"
    else
        skip "socket_open_refused" "python3 cannot make a unix socket"
    fi
    if [ -c /dev/zero ]; then
        (cd "$C" && $quick "$corral" run --map-dir /dev::/dev:ro --env ESC_DIR=/dev \
            "$guests/wasi_escape.wasm" read zero >"$C/out" 2>"$C/err" </dev/null)
        [ "$(od -An -c "$C/out" | tr -d ' \n')" = 'READ:\n' ]
        expect "device_read_bounded: /dev/zero mapped in: one read, as big as the buffer" $? "'$(head -c 100 "$C/out" | od -c | head -3)'"
    fi
fi

# map_dir_unknown_suffix: only ":ro" is a suffix; any other ":..." after
# the guest path is an error naming it.
C=$(fresh)
mkdir -p "$C/d"
for v in ":RO" ":readonly" ":ro " ":rw" ":"; do
    run "$C" run --map-dir "$C/d::/x$v" "$guests/hello.wasm"
    [ $rc -eq 2 ] && grep -q "unknown suffix '$v'" "$err"
    expect "map_dir_unknown_suffix: '/x$v' is refused, naming the suffix" $? "rc $rc, $(head -c 300 "$err")"
done
for g in "/a/../b" "/a//b" "/a/" "./a" "a/." "/x:ro:ro"; do
    run "$C" run --map-dir "$C/d::$g" "$guests/hello.wasm"
    [ $rc -eq 2 ] && grep -q -- "--map-dir" "$err"
    expect "map_dir_bad_guest: '$g' is refused" $? "rc $rc, $(head -c 300 "$err")"
done
run "$C" run --map-dir "$C/d::/x:ro" --map-dir "$C/d::y" "$guests/hello.wasm"
expect "map_dir: '/x:ro' and 'y' are still taken" $((rc != 0)) "rc $rc, $(head -c 300 "$err")"

summary e2e_wasi
