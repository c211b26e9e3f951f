#!/bin/sh
# run.sh - generators and async functions (es/gen.c, prelude/06-gen.js):
# each NAME.js here is run by jsexec and its console output compared with
# NAME.out, node's output for the same program (`node NAME.js > NAME.out`).
#
#   sh tests/jsexec/gen/run.sh CORRAL WASM
#
# The a*.js programs (async functions) need Promise and the event loop
# (prelude/20-*.js, main.c); the g*.js ones only generators.  Prints
# `ok N - NAME` or `FAIL N - NAME` with the difference; the last line is
# `jsexec_gen: N passed, N failed`.
set -u
if [ $# -ne 2 ]; then
    echo "usage: $0 CORRAL WASM" >&2
    exit 2
fi
corral=$1 wasm=$2
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/jsexec_gen.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/work"
pass=0 fail=0 n=0
for js in "$here"/*.js; do
    name=$(basename "$js" .js)
    n=$((n + 1))
    # the input: {"code": <the file as a JSON string>}
    node -e 'process.stdout.write(JSON.stringify({code: require("fs").readFileSync(process.argv[1], "utf8")}))' \
        "$js" >"$tmp/in.json" 2>/dev/null ||
        python3 -c 'import json,sys; sys.stdout.write(json.dumps({"code": open(sys.argv[1]).read()}))' \
        "$js" >"$tmp/in.json"
    "$corral" run --work-dir "$tmp/work" "$wasm" <"$tmp/in.json" >"$tmp/out.json" 2>"$tmp/err"
    # the console output: "content" of the result, with a final newline
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.stdout.write(r["content"] + "\n")' \
        "$tmp/out.json" >"$tmp/got" 2>>"$tmp/err"
    if cmp -s "$tmp/got" "$here/$name.out"; then
        pass=$((pass + 1))
        echo "ok $n - $name"
    else
        fail=$((fail + 1))
        echo "FAIL $n - $name"
        diff "$tmp/got" "$here/$name.out" | head -10 | sed 's/^/#   /'
        head -c 300 "$tmp/err" | sed 's/^/#   /'
    fi
done
echo "jsexec_gen: $pass passed, $fail failed"
[ $fail -eq 0 ]
