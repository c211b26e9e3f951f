#!/bin/sh
# seeds.sh - the seeds `make fuzz` adds to the committed corpora, made at
# build time into DIR/TARGET/ (never committed: the official suite stays
# outside the project):
#   load, run   tests/wat/*.wat (wat2wasm), every module of the spec suite
#               ../shared/spec-testsuite (wast2json; when present), and
#               modules of `wasm-opt -ttf`, with and without SIMD (when installed);
#   cache       the same modules behind a control byte of 0 (no edits);
#   bash        the scripts of tests/bash_cases.txt.
#
#   sh tests/fuzz/seeds.sh DIR
# Remade only when DIR/.done is missing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$1
[ -f "$out/.done" ] && exit 0
rm -rf "$out"
mkdir -p "$out/load" "$out/cache" "$out/bash" "$out/spec"
if command -v wat2wasm >/dev/null 2>&1; then
    for f in "$root"/tests/wat/*.wat; do
        wat2wasm --no-check "$f" -o "$out/load/wat-$(basename "$f" .wat).wasm" 2>/dev/null
    done
fi
suite=$root/../shared/spec-testsuite
if [ -d "$suite" ] && command -v wast2json >/dev/null 2>&1; then
    for f in "$suite"/*.wast; do
        n=$(basename "$f" .wast)
        mkdir -p "$out/spec/$n"
        wast2json "$f" -o "$out/spec/$n/$n.json" >/dev/null 2>&1 || continue
        for m in "$out/spec/$n"/*.wasm; do
            [ -f "$m" ] || continue
            # big modules slow every execution down; small ones mutate better
            [ "$(wc -c <"$m")" -le 16384 ] && cp "$m" "$out/load/spec-$(basename "$m")"
        done
    done
    rm -rf "$out/spec"
fi
if command -v wasm-opt >/dev/null 2>&1; then
    i=0
    while [ $i -lt 20 ]; do
        i=$((i + 1))
        head -c $((i * 200)) /dev/urandom >"$out/ttf.bin"
        wasm-opt "$out/ttf.bin" -ttf -mvp --enable-sign-ext --enable-mutable-globals \
            --enable-nontrapping-float-to-int --enable-bulk-memory --enable-multivalue \
            -o "$out/load/ttf-$i.wasm" 2>/dev/null
        # the same with SIMD (v128 values and the 0xfd instructions)
        wasm-opt "$out/ttf.bin" -ttf -mvp --enable-simd --enable-sign-ext \
            --enable-mutable-globals --enable-nontrapping-float-to-int --enable-bulk-memory \
            --enable-multivalue -o "$out/load/ttf-simd-$i.wasm" 2>/dev/null
    done
    rm -f "$out/ttf.bin"
fi
cp -r "$out/load" "$out/run"
for m in "$out"/load/*.wasm; do
    { printf '\0'; cat "$m"; } >"$out/cache/$(basename "$m" .wasm)"
done
# tests/bash_cases.txt: "### name", the script, "--- stdout", ...
awk -v dir="$out/bash" '
    /^### / { n++; f = sprintf("%s/case-%04d", dir, n); inscript = 1; next }
    /^--- / { inscript = 0; next }
    inscript && f { print > f }
' "$root/tests/bash_cases.txt"
touch "$out/.done"
echo "seeds: $(ls "$out/load" | wc -l) modules, $(ls "$out/bash" | wc -l) scripts in $out"
