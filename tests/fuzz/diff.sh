#!/bin/sh
# diff.sh - the differential run: modules made by binaryen's
# `wasm-opt -ttf` (translate-to-fuzz: a valid module from random bytes),
# every export called on corral (diff_corral) and on node (diff.js), the
# outputs compared line by line (results, import calls, trap kinds).
#
#   sh tests/fuzz/diff.sh DIFF_CORRAL OUTDIR RUNS
#
# Only WebAssembly 2.0 without SIMD is generated (-mvp plus the 2.0
# features; the engine has no SIMD yet).  Every other run leaves out
# reference types: with them binaryen 108 makes mostly invalid modules
# (ref.func typed (ref $t) in a funcref global's initialiser), which both
# sides merely refuse.  A mismatch leaves
# OUTDIR/mismatch-N.{wasm,bin,corral,node} (module, the random bytes it
# came from, both outputs) and makes the exit status 1.  Skipped (exit 0,
# a note) when node or wasm-opt is missing.
set -u
corral=$1 out=$2 runs=$3
here=$(cd "$(dirname "$0")" && pwd)
for tool in node wasm-opt; do
    if ! command -v $tool >/dev/null 2>&1; then
        echo "diff: skipped ($tool not installed)"
        exit 0
    fi
done
FEATURES="-mvp --enable-sign-ext --enable-mutable-globals --enable-nontrapping-float-to-int
          --enable-bulk-memory --enable-multivalue"
mkdir -p "$out"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
i=0 same=0 invalid=0 mismatch=0 calls=0
while [ $i -lt "$runs" ]; do
    i=$((i + 1))
    # 100..8099 random bytes: bigger inputs give bigger modules
    n=$(( $(od -An -N2 -tu2 /dev/urandom) % 8000 + 100 ))
    head -c $n /dev/urandom >"$tmp/in.bin"
    refs=""
    [ $((i % 2)) -eq 1 ] && refs=--enable-reference-types
    # shellcheck disable=SC2086 # FEATURES is a list of flags
    if ! wasm-opt "$tmp/in.bin" -ttf $FEATURES $refs -o "$tmp/m.wasm" 2>/dev/null; then
        invalid=$((invalid + 1))
        continue
    fi
    "$corral" "$tmp/m.wasm" "$tmp/sigs" >"$tmp/corral" 2>"$tmp/corral.err"
    node "$here/diff.js" "$tmp/m.wasm" "$tmp/sigs" >"$tmp/node" 2>"$tmp/node.err"
    if cmp -s "$tmp/corral" "$tmp/node"; then
        if [ "$(head -n 1 "$tmp/corral")" = invalid ]; then
            invalid=$((invalid + 1))
        else
            same=$((same + 1))
            calls=$((calls + $(grep -c '^call ' "$tmp/corral")))
        fi
    else
        mismatch=$((mismatch + 1))
        cp "$tmp/m.wasm" "$out/mismatch-$i.wasm"
        cp "$tmp/in.bin" "$out/mismatch-$i.bin"
        cat "$tmp/corral" "$tmp/corral.err" >"$out/mismatch-$i.corral"
        cat "$tmp/node" "$tmp/node.err" >"$out/mismatch-$i.node"
        echo "diff: MISMATCH on $out/mismatch-$i.wasm (first differing lines:)"
        diff "$tmp/corral" "$tmp/node" | head -n 6
    fi
done
echo "diff: $runs modules: $same agree ($calls calls), $invalid invalid on both sides or not generated, $mismatch mismatches"
[ $mismatch -eq 0 ]
