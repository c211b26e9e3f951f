#!/bin/sh
# check_symbols.sh - the symbols the libraries give an embedder.
#
#   sh tests/check_symbols.sh [B]      (B: the build folder, build/rel)
#
#   1. libcorral.so exports (nm -D --defined-only) exactly the corral_
#      names that include/corral.h declares: no internal symbol leaks
#      (pkg/libcorral.map), and no declared function is missing.
#   2. Every global symbol that libcorral.a defines carries its layer's
#      prefix (corral_, vm_, wasi_, net_), so that a program can link it
#      beside another WebAssembly or WASI host without a clash.
# Prints `ok N - ...` / `FAIL N - ...` and ends with
# `check_symbols: N passed, N failed, N skipped` (tap.sh).
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
B=${1:-$root/build/rel}
case $B in /*) ;; *) B=$(pwd)/$B ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$here/tap.sh"

# The first lines of $tmp/why, on one line.
why() {
    head -n 20 "$tmp/why" | tr '\n' ' '
}

so=$B/libcorral.so
a=$B/libcorral.a
for f in "$so" "$a"; do
    if [ ! -e "$f" ]; then
        bad "$(basename "$f") built" "$f does not exist (build it with make)"
        summary check_symbols
        exit 1
    fi
done

# ---- 1. the shared library ------------------------------------------------
nm -D --defined-only "$so" | awk 'NF >= 3 { print $NF }' | sed 's/@.*//' | sort -u >"$tmp/exported"
grep -v '^corral_' "$tmp/exported" >"$tmp/why"
if [ -s "$tmp/exported" ] && [ ! -s "$tmp/why" ]; then
    ok "libcorral.so exports only corral_ names ($(wc -l <"$tmp/exported") of them)"
else
    bad "libcorral.so exports only corral_ names" "these are not: $(why)"
fi
# The declared API: a corral_ name followed by ( (a function) or [] (an
# array, corral_exit_trap).
grep -oE '\bcorral_[a-z0-9_]+(\(|\[\])' "$root/include/corral.h" | sed 's/[([].*//' |
    sort -u >"$tmp/declared"
diff "$tmp/declared" "$tmp/exported" |
    sed -n 's/^< /declared, not exported: /p; s/^> /exported, not declared: /p' >"$tmp/why"
if [ ! -s "$tmp/why" ]; then
    ok "libcorral.so exports exactly what include/corral.h declares ($(wc -l <"$tmp/declared"))"
else
    bad "libcorral.so exports exactly what include/corral.h declares" "$(why)"
fi

# ---- 2. the static library ------------------------------------------------
# Names that begin with __ are the compiler's (reserved for it in C), such
# as ASan's __odr_asan.NAME in a SANITIZE=1 build.
nm -g --defined-only "$a" | awk 'NF == 3 && $3 !~ /^__/ { print $3 }' | sort -u >"$tmp/globals"
grep -v -E '^(corral|vm|wasi|net)_' "$tmp/globals" >"$tmp/why"
if [ -s "$tmp/globals" ] && [ ! -s "$tmp/why" ]; then
    ok "libcorral.a: all $(wc -l <"$tmp/globals") global symbols carry a layer prefix"
else
    bad "libcorral.a: every global symbol carries a layer prefix (corral_ vm_ wasi_ net_)" \
        "these do not: $(why)"
fi

summary check_symbols
