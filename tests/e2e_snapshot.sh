#!/bin/sh
# e2e_snapshot.sh - end-to-end tests of `corral snapshot IN.wasm OUT.wasm`.
#
#   sh tests/e2e_snapshot.sh CORRAL [JSEXEC_PLAIN.wasm]
#
# The main module is tests/wat/snapshot_state.wat, whose initialiser fills
# memory (and grows it), globals of every type, a table (set, grown and
# table.init) and drops a passive data segment; its _start prints all of
# that, running the initialiser first when it has not run.  Its snapshot
# must print the same in corral and under node (when node is on PATH), as
# the original does when node calls wizer.initialize and then _start; it
# must validate with wasm-validate.  The refusals (a trap, fuel, timeout, a
# forbidden call, forbidden imports, no initialiser) are small modules
# written here; each must leave OUT unwritten.  With JSEXEC_PLAIN (the
# jsexec module before build.mk snapshots it), its snapshot must answer a
# call as the plain module does.
#
# Output: `ok N - desc` or `FAIL N - desc: why` per case, and a last line
# `e2e_snapshot: N passed, N failed, N skipped`; exits 1 if any failed.
set -u

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 CORRAL [JSEXEC_PLAIN.wasm]" >&2
    exit 2
fi
corral=$1
case $corral in /*) ;; *) corral=$(pwd)/$corral ;; esac
jsplain=${2:-}
here=$(cd "$(dirname "$0")" && pwd)

. "$here/tap.sh"

finish() {
    summary e2e_snapshot
    exit $?
}

if [ ! -x "$corral" ]; then
    bad "setup" "$corral is not executable"
    finish
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/corral-snapshot.XXXXXX") || exit 1
if [ -z "${E2E_KEEP:-}" ]; then
    trap 'rm -rf "$tmp"' EXIT INT TERM
else
    echo "# keeping $tmp"
fi
limit=""
command -v timeout >/dev/null 2>&1 && limit="timeout 60"
has_node=0
command -v node >/dev/null 2>&1 && has_node=1

# Runs a WASI command under node: FILE [init]; with init, the export
# wizer.initialize is called on the instance before _start.  node:wasi
# answers nothing before start(), so until then the calls an initialiser
# may make answer as in corral snapshot's sandbox (empty args and
# environment, no preopens); any other throws.
cat >"$tmp/run.mjs" <<'EOF'
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
const [file, init] = process.argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: [file], env: {}, returnOnExit: true });
const real = wasi.getImportObject().wasi_snapshot_preview1;
let instance, started = false;
const empty = (p, q) => {
  const m = new DataView(instance.exports.memory.buffer);
  m.setUint32(p, 0, true);
  m.setUint32(q, 0, true);
  return 0;
};
const early = { args_sizes_get: empty, environ_sizes_get: empty, args_get: () => 0,
  environ_get: () => 0, fd_prestat_get: () => 8, fd_prestat_dir_name: () => 8 };
const imports = {};
for (const name of Object.keys(real))
  imports[name] = (...a) => started ? real[name](...a)
    : early[name] ? early[name](...a) : (() => { throw new Error(name + ' before start'); })();
const module = await WebAssembly.compile(await readFile(file));
instance = await WebAssembly.instantiate(module, { wasi_snapshot_preview1: imports });
if (init === 'init') instance.exports['wizer.initialize']();
started = true;
process.exitCode = wasi.start(instance);
EOF

# wat NAME: $tmp/NAME.wasm from the WAT on stdin.
wat() {
    cat >"$tmp/$1.wat"
    if ! wat2wasm "$tmp/$1.wat" -o "$tmp/$1.wasm" 2>"$tmp/$1.log"; then
        echo "# wat2wasm failed for $1: $(head -n 3 "$tmp/$1.log")"
    fi
}

# snap NAME [FLAGS...]: corral snapshot FLAGS $tmp/NAME.wasm $tmp/NAME.out.wasm;
# sets rc, out (stdout) and err (stderr).
snap() {
    name=$1
    shift
    # shellcheck disable=SC2086 # $limit is empty or two words
    $limit "$corral" snapshot "$@" "$tmp/$name.wasm" "$tmp/$name.out.wasm" \
        >"$tmp/$name.stdout" 2>"$tmp/$name.stderr"
    rc=$?
    out=$(cat "$tmp/$name.stdout")
    err=$(cat "$tmp/$name.stderr")
}

# refused DESC NAME TEXT [FLAGS...]: the snapshot fails (1) with TEXT in
# its message and leaves no OUT (and no temporary file) behind.
refused() {
    desc=$1 name=$2 text=$3
    shift 3
    snap "$name" "$@"
    if [ "$rc" -ne 1 ]; then
        bad "$desc" "exit status $rc, expected 1 (stderr: $err)"
    elif ! printf '%s' "$err" | grep -qF -- "$text"; then
        bad "$desc" "message lacks '$text': $err"
    elif [ -e "$tmp/$name.out.wasm" ] || ls "$tmp" | grep -q "^$name.out.wasm.tmp"; then
        bad "$desc" "an output file was written"
    else
        ok "$desc"
    fi
}

# ---- the state module ---------------------------------------------------------

if ! wat2wasm "$here/wat/snapshot_state.wat" -o "$tmp/state.wasm" 2>"$tmp/state.log"; then
    bad "wat2wasm snapshot_state.wat" "$(head -n 3 "$tmp/state.log")"
    finish
fi
snap state
if [ "$rc" -eq 0 ] && [ -s "$tmp/state.out.wasm" ] &&
    printf '%s' "$out" | grep -q "state.out.wasm: [0-9]* bytes, pre-initialised"; then
    ok "snapshot of a module whose initialiser fills memory, globals and a table"
else
    bad "snapshot of the state module" "exit status $rc: $err"
    finish
fi

if command -v wasm-validate >/dev/null 2>&1; then
    if wasm-validate "$tmp/state.out.wasm" 2>"$tmp/validate.log"; then
        ok "OUT validates with wasm-validate"
    else
        bad "OUT validates with wasm-validate" "$(head -n 3 "$tmp/validate.log")"
    fi
else
    skip "OUT validates with wasm-validate" "wasm-validate not found"
fi

"$corral" run --stats "$tmp/state.wasm" >"$tmp/in.txt" 2>"$tmp/in.stats"
rc_in=$?
"$corral" run --stats "$tmp/state.out.wasm" >"$tmp/snap.txt" 2>"$tmp/snap.stats"
rc_snap=$?
expect='state: 1ABAC627n 04ce27cabcdef08000000C hi!
 kept'
if [ $rc_in -eq 0 ] && [ $rc_snap -eq 0 ] && [ "$(cat "$tmp/in.txt")" = "$expect" ] &&
    cmp -s "$tmp/in.txt" "$tmp/snap.txt"; then
    ok "corral: OUT prints what IN prints after its initialiser (start ran once)"
else
    bad "corral: OUT prints what IN prints" \
        "IN ($rc_in): $(cat "$tmp/in.txt"); OUT ($rc_snap): $(cat "$tmp/snap.txt")"
fi

fuel_in=$(sed -n 's/^fuel used: *\([0-9]*\).*/\1/p' "$tmp/in.stats")
fuel_snap=$(sed -n 's/^fuel used: *\([0-9]*\).*/\1/p' "$tmp/snap.stats")
if [ -n "$fuel_in" ] && [ -n "$fuel_snap" ] && [ "$fuel_snap" -lt 2000 ] &&
    [ "$fuel_in" -gt 800000 ]; then
    ok "OUT does not run the initialiser again ($fuel_in -> $fuel_snap instructions)"
else
    bad "OUT does not run the initialiser again" "fuel IN '$fuel_in', OUT '$fuel_snap'"
fi

if "$corral" run --invoke wizer.initialize "$tmp/state.out.wasm" >/dev/null 2>"$tmp/inv.err"; then
    bad "OUT no longer exports wizer.initialize" "the call succeeded"
elif grep -q "no exported function 'wizer.initialize'" "$tmp/inv.err"; then
    ok "OUT no longer exports wizer.initialize"
else
    bad "OUT no longer exports wizer.initialize" "$(cat "$tmp/inv.err")"
fi

if command -v wasm-objdump >/dev/null 2>&1; then
    if wasm-objdump -h "$tmp/state.out.wasm" | grep -q " Start "; then
        bad "OUT has no start section" "it has one"
    else
        ok "OUT has no start section"
    fi
else
    skip "OUT has no start section" "wasm-objdump not found"
fi

if [ $has_node -eq 1 ]; then
    node --no-warnings "$tmp/run.mjs" "$tmp/state.out.wasm" >"$tmp/node-snap.txt" 2>&1
    r1=$?
    node --no-warnings "$tmp/run.mjs" "$tmp/state.wasm" init >"$tmp/node-in.txt" 2>&1
    r2=$?
    if [ $r1 -eq 0 ] && [ $r2 -eq 0 ] && cmp -s "$tmp/node-snap.txt" "$tmp/snap.txt" &&
        cmp -s "$tmp/node-in.txt" "$tmp/snap.txt"; then
        ok "node: OUT's _start prints what IN prints after wizer.initialize, and what corral prints"
    else
        bad "node runs OUT as IN after wizer.initialize" \
            "OUT ($r1): $(cat "$tmp/node-snap.txt"); IN+init ($r2): $(cat "$tmp/node-in.txt")"
    fi
else
    skip "node runs OUT as IN after wizer.initialize" "node not found"
fi

# A snapshot of the snapshot is refused: it has no initialiser any more.
cp "$tmp/state.out.wasm" "$tmp/again.wasm"
refused "a module without wizer.initialize is refused" again \
    "has no exported function 'wizer.initialize'"

# OUT over IN: replaced whole, and it still prints the same.
cp "$tmp/state.wasm" "$tmp/inplace.wasm"
"$corral" snapshot "$tmp/inplace.wasm" "$tmp/inplace.wasm" >/dev/null 2>"$tmp/inplace.err"
rc=$?
"$corral" run "$tmp/inplace.wasm" >"$tmp/inplace.txt" 2>&1
if [ $rc -eq 0 ] && cmp -s "$tmp/inplace.wasm" "$tmp/state.out.wasm" &&
    cmp -s "$tmp/inplace.txt" "$tmp/snap.txt" &&
    [ "$(ls "$tmp" | grep -c '^inplace.wasm.tmp')" -eq 0 ]; then
    ok "OUT may be IN: it is replaced by the whole snapshot"
else
    bad "OUT may be IN" "exit status $rc: $(cat "$tmp/inplace.err")"
fi

# The snapshot is deterministic: the same module gives the same bytes.
"$corral" snapshot "$tmp/state.wasm" "$tmp/state2.wasm" >/dev/null 2>&1
if cmp -s "$tmp/state2.wasm" "$tmp/state.out.wasm"; then
    ok "two snapshots of one module are the same bytes"
else
    bad "two snapshots of one module are the same bytes" "they differ"
fi

# Unwritable OUT: a missing directory, and a directory in OUT's place.
"$corral" snapshot "$tmp/state.wasm" "$tmp/nodir/out.wasm" >/dev/null 2>"$tmp/nodir.err"
rc=$?
if [ $rc -eq 1 ] && grep -q "cannot create a temporary file for $tmp/nodir/out.wasm: No such file or directory" "$tmp/nodir.err"; then
    ok "OUT in a missing directory: a clear error"
else
    bad "OUT in a missing directory" "exit status $rc: $(cat "$tmp/nodir.err")"
fi
mkdir -p "$tmp/isdir.wasm/inside"
"$corral" snapshot "$tmp/state.wasm" "$tmp/isdir.wasm" >/dev/null 2>"$tmp/isdir.err"
rc=$?
if [ $rc -eq 1 ] && grep -q "cannot replace $tmp/isdir.wasm: Is a directory" "$tmp/isdir.err" &&
    [ -d "$tmp/isdir.wasm/inside" ] && [ "$(ls "$tmp" | grep -c '^isdir.wasm.tmp')" -eq 0 ]; then
    ok "a directory in OUT's place is left alone, with no temporary file behind"
else
    bad "a directory in OUT's place" "exit status $rc: $(cat "$tmp/isdir.err")"
fi

# ---- refusals ------------------------------------------------------------------------

# shellcheck disable=SC2016 # WebAssembly text, not shell
MEM='(memory (export "memory") 1)'

wat trap <<EOF
(module $MEM
  (func (export "wizer.initialize") (i32.store (i32.const 0) (i32.const 1)) unreachable)
  (func (export "_start")))
EOF
refused "an initialiser that traps is refused" trap \
    "the initialiser (wizer.initialize) trapped: unreachable"

wat loop <<EOF
(module $MEM
  (func (export "wizer.initialize") (loop \$l (br \$l)))
  (func (export "_start")))
EOF
refused "an initialiser that loops is stopped by --fuel" loop \
    "was stopped: all fuel consumed (--fuel 100000)" --fuel 100000
refused "an initialiser that loops is stopped by --timeout" loop \
    "was stopped: wall-clock limit of 300 ms reached (--timeout)" \
    --timeout 300ms --fuel 1000000000000000

# Over OUT that exists: a refusal leaves it as it was.
printf 'before' >"$tmp/trap.out.wasm"
"$corral" snapshot "$tmp/trap.wasm" "$tmp/trap.out.wasm" >/dev/null 2>&1
if [ "$(cat "$tmp/trap.out.wasm")" = before ]; then
    ok "a refused snapshot leaves an existing OUT as it was"
else
    bad "a refused snapshot leaves an existing OUT as it was" "OUT changed"
fi
rm -f "$tmp/trap.out.wasm"

wat clock <<EOF
(module
  (import "wasi_snapshot_preview1" "clock_time_get" (func \$clock (param i32 i64 i32) (result i32)))
  $MEM
  (func (export "wizer.initialize") (drop (call \$clock (i32.const 0) (i64.const 1) (i32.const 8))))
  (func (export "_start")))
EOF
refused "an initialiser that reads the clock is refused, naming the call" clock \
    "called wasi_snapshot_preview1.clock_time_get, which a snapshot cannot freeze"

wat write <<EOF
(module
  (import "wasi_snapshot_preview1" "fd_write" (func \$w (param i32 i32 i32 i32) (result i32)))
  $MEM
  (func (export "wizer.initialize") (drop (call \$w (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 8))))
  (func (export "_start")))
EOF
refused "an initialiser that writes to stdout is refused" write \
    "called wasi_snapshot_preview1.fd_write"

wat exit <<EOF
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func \$exit (param i32)))
  $MEM
  (func (export "wizer.initialize") (call \$exit (i32.const 3)))
  (func (export "_start")))
EOF
refused "an initialiser that calls proc_exit is refused" exit \
    "called proc_exit(3): an initialiser must return"

wat envimport <<EOF
(module
  (import "env" "now" (func \$now (result i64)))
  $MEM
  (func (export "wizer.initialize") (drop (call \$now)))
  (func (export "_start")))
EOF
refused "an import from another module is refused before anything runs" envimport \
    "imports env.now: an initialiser may import only wasi_snapshot_preview1 functions"

wat memimport <<EOF
(module
  (import "env" "memory" (memory 1))
  (func (export "wizer.initialize"))
  (func (export "_start")))
EOF
refused "an imported memory is refused (its state would be lost)" memimport \
    "imports a memory (env.memory)"

wat startrap <<EOF
(module $MEM
  (func \$s unreachable)
  (start \$s)
  (func (export "wizer.initialize")))
EOF
refused "a start function that traps is refused" startrap "the start function trapped: unreachable"

printf 'not wasm' >"$tmp/garbage.wasm"
refused "a file that is not a module is refused" garbage "the module is invalid: magic header not detected"

# The environment and arguments the initialiser sees are empty, and the
# reactor's _initialize runs first and is dropped too.
wat reactor <<EOF
(module
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func \$es (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func \$as (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func \$pre (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func \$w (param i32 i32 i32 i32) (result i32)))
  $MEM
  (global \$g (mut i32) (i32.const 0))
  (func (export "_initialize") (global.set \$g (i32.const 40)))
  (func (export "wizer.initialize")
    (i32.store (i32.const 100) (i32.const 99))
    (i32.store (i32.const 104) (i32.const 99))
    (drop (call \$es (i32.const 100) (i32.const 104)))
    (drop (call \$as (i32.const 108) (i32.const 112)))
    ;; "a" + counts + the errno of fd_prestat_get(3) (8: EBADF) + _initialize's 40
    (i32.store8 (i32.const 200) (i32.add (i32.const 48) (i32.load (i32.const 100))))
    (i32.store8 (i32.const 201) (i32.add (i32.const 48) (i32.load (i32.const 108))))
    (i32.store8 (i32.const 202) (i32.add (i32.const 48) (call \$pre (i32.const 3) (i32.const 120))))
    (i32.store8 (i32.const 203) (i32.add (i32.const 8) (global.get \$g)))
    (i32.store8 (i32.const 204) (i32.const 10)))
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 200))
    (i32.store (i32.const 4) (i32.const 5))
    (drop (call \$w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
EOF
snap reactor
"$corral" run --env X=1 "$tmp/reactor.out.wasm" a b >"$tmp/reactor.txt" 2>&1
if [ "$rc" -eq 0 ] && [ "$(cat "$tmp/reactor.txt")" = "0080" ]; then
    ok "the initialiser sees no environment, no arguments, no preopens, after _initialize"
else
    bad "the initialiser's WASI and _initialize" "exit status $rc ($err): $(cat "$tmp/reactor.txt")"
fi
if [ $has_node -eq 1 ]; then
    # node's wasi.start refuses a module that exports _initialize.
    if node --no-warnings "$tmp/run.mjs" "$tmp/reactor.out.wasm" >"$tmp/node-r.txt" 2>&1 &&
        [ "$(cat "$tmp/node-r.txt")" = "0080" ]; then
        ok "OUT no longer exports _initialize: node runs it as a command"
    else
        bad "OUT no longer exports _initialize" "$(cat "$tmp/node-r.txt")"
    fi
else
    skip "OUT no longer exports _initialize" "node not found"
fi

# ---- the command line ---------------------------------------------------------------------

"$corral" snapshot "$tmp/state.wasm" >/dev/null 2>"$tmp/usage.err"
rc=$?
if [ $rc -eq 2 ] && grep -q "missing OUT.wasm" "$tmp/usage.err"; then
    ok "a missing OUT is a usage error (2)"
else
    bad "a missing OUT is a usage error" "exit status $rc: $(cat "$tmp/usage.err")"
fi
"$corral" snapshot --fuel lots "$tmp/state.wasm" "$tmp/x.wasm" >/dev/null 2>"$tmp/usage.err"
rc=$?
if [ $rc -eq 2 ] && grep -q "\-\-fuel: expected a positive number of instructions, got 'lots'" "$tmp/usage.err" &&
    [ ! -e "$tmp/x.wasm" ]; then
    ok "a bad --fuel is a usage error (2)"
else
    bad "a bad --fuel is a usage error" "exit status $rc: $(cat "$tmp/usage.err")"
fi
if "$corral" snapshot --help | grep -q "wizer.initialize"; then
    ok "corral snapshot --help"
else
    bad "corral snapshot --help" "no help text"
fi
"$corral" snapshot "$tmp/missing.wasm" "$tmp/x.wasm" >/dev/null 2>"$tmp/missing.err"
rc=$?
if [ $rc -eq 1 ] && grep -q "cannot read $tmp/missing.wasm: No such file or directory" "$tmp/missing.err"; then
    ok "a missing IN: a clear error"
else
    bad "a missing IN" "exit status $rc: $(cat "$tmp/missing.err")"
fi

# ---- jsexec: the plain module and its snapshot answer alike ---------------------------------

if [ -n "$jsplain" ] && [ -f "$jsplain" ]; then
    cp "$jsplain" "$tmp/js.wasm"
    # jsexec's initialisation is 1.9G instructions: seconds, more under ASan
    [ -z "$limit" ] || limit="timeout 900"
    snap js --timeout 10m
    if [ "$rc" -ne 0 ]; then
        bad "jsexec's module pre-initialises" "$err"
    else
        ok "jsexec's module pre-initialises"
        js='{"code": "console.log(process.argv.length, JSON.stringify(process.env)); typeof Math.random() + [1,2].map(function (x) { return x * 2; })"}'
        for m in js js.out; do
            printf '%s' "$js" | "$corral" run --stats --env A=b "$tmp/$m.wasm" x >"$tmp/$m.txt" 2>"$tmp/$m.stats"
        done
        f1=$(sed -n 's/^fuel used: *\([0-9]*\).*/\1/p' "$tmp/js.stats")
        f2=$(sed -n 's/^fuel used: *\([0-9]*\).*/\1/p' "$tmp/js.out.stats")
        if cmp -s "$tmp/js.txt" "$tmp/js.out.txt" && grep -q '{\\"A\\":\\"b\\"}' "$tmp/js.out.txt" &&
            [ -n "$f1" ] && [ -n "$f2" ] && [ "$f2" -lt $((f1 / 10)) ]; then
            ok "jsexec: the snapshot answers as the plain module, env per call ($f1 -> $f2 instructions)"
        else
            bad "jsexec: the snapshot answers as the plain module" \
                "plain: $(cat "$tmp/js.txt") ($f1); snapshot: $(cat "$tmp/js.out.txt") ($f2)"
        fi
        r1=$(printf '{"code": "Math.random()"}' | "$corral" run "$tmp/js.out.wasm")
        r2=$(printf '{"code": "Math.random()"}' | "$corral" run "$tmp/js.out.wasm")
        if [ -n "$r1" ] && [ "$r1" != "$r2" ]; then
            ok "jsexec: Math.random is seeded per call, not frozen in the snapshot"
        else
            bad "jsexec: Math.random is seeded per call" "two calls gave $r1 and $r2"
        fi
    fi
else
    skip "jsexec's module pre-initialises" "no plain jsexec module given"
fi

finish
