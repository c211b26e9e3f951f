#!/bin/sh
# fuzz.sh - fuzzes jsexec's front end with mutants of the case table.
#
#   sh tests/jsexec/fuzz.sh CORRAL WASM
#
# FUZZ_JS_RUNS programs (default 200) are made by fuzz.awk from the
# programs of tests/jsexec/cases/*.txt and errors.txt with the seed
# FUZZ_JS_SEED (default 1: `make test` runs the same mutants every time),
# and each goes through `corral run --timeout 5s --max-memory 256M` in an
# empty work dir.
# Every run must end with a result: a JSON result object on stdout with
# exit status 0 or 1, or exit status 134 from a limit (timeout, fuel,
# memory).  Anything else is a crash (another trap, a signal) and a run
# past the timeout is a hang; their inputs are saved under build/jsfuzz/.
# Prints the seed, a line per failure, and `fuzz: ...` last; exits 1 on
# any failure.
set -u
if [ $# -ne 2 ]; then
    echo "usage: $0 CORRAL WASM" >&2
    exit 2
fi
corral=$1
wasm=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=${FUZZ_JS_RUNS:-200}
seed=${FUZZ_JS_SEED:-1}
LC_ALL=C
export LC_ALL
save=$root/build/jsfuzz
tmp=$(mktemp -d "${TMPDIR:-/tmp}/jsfuzz.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
limit=""
command -v timeout >/dev/null 2>&1 && limit="timeout 30"

echo "fuzz: seed $seed, $runs runs (FUZZ_JS_SEED=$seed FUZZ_JS_RUNS=$runs to repeat)"
mkdir -p "$tmp/c" "$tmp/e" "$tmp/m" "$tmp/w"
awk -v dir="$tmp/c" -f "$here/split.awk" "$here"/cases/*.txt >/dev/null &&
    awk -v dir="$tmp/e" -f "$here/split.awk" "$here/errors.txt" >/dev/null || exit 1
awk -v seed="$seed" -v runs="$runs" -v dir="$tmp/m" -f "$here/fuzz.awk" \
    "$tmp"/c/*.js "$tmp"/e/*.js >"$tmp/list" || exit 1

failed=0 results=0 limits=0
while read -r i what; do
    rm -rf "$tmp/w" && mkdir -p "$tmp/w"
    printf '{"code": %s}' "$(awk -v mode=enc -f "$here/json.awk" "$tmp/m/$i.js")" >"$tmp/in.json"
    # shellcheck disable=SC2086 # $limit is empty or two words
    $limit "$corral" run --timeout 5s --max-memory 256M --work-dir "$tmp/w" "$wasm" <"$tmp/in.json" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    why=""
    case $rc in
    0 | 1)
        if grep -a -q -E '^\{"content": ?"' "$tmp/out"; then results=$((results + 1))
        else why="status $rc without a result object"; fi ;;
    134)
        if grep -a -q -E 'timeout|fuel|memory' "$tmp/err"; then limits=$((limits + 1))
        else why="trap: $(head -c 200 "$tmp/err")"; fi ;;
    124) why="hang: still running 30 s after a 5 s timeout" ;;
    *) why="status $rc: $(head -c 200 "$tmp/err")" ;;
    esac
    if [ -n "$why" ]; then
        failed=$((failed + 1))
        # The mutant's sources by case name (DIR/I.js -> the name of case I).
        for f in $what; do
            case $f in "$tmp"/*.js) what=$(printf '%s' "$what" | sed "s|$f|$(cat "${f%.js}.name")|") ;; esac
        done
        mkdir -p "$save"
        cp "$tmp/in.json" "$save/seed$seed-run$i.json"
        echo "FAIL run $i ($what): $why; input saved as build/jsfuzz/seed$seed-run$i.json"
    fi
done <"$tmp/list"
echo "fuzz: seed $seed, $runs runs: $results results, $limits stopped by a limit, $failed crashes or hangs"
[ $failed -eq 0 ]
