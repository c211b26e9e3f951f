#!/bin/sh
# replay.sh - the fuzz suite of `make test`: every committed corpus
# tests/fuzz/corpus/TARGET replayed by $B/fuzz/fuzz_TARGET (the replay
# build, tests/fuzz/replay.c; no libFuzzer needed).  One case per target.
#
#   sh tests/fuzz/replay.sh B       (B: build/rel or build/san)
set -u
here=$(cd "$(dirname "$0")" && pwd)
B=${1:-build/rel}
pass=0 fail=0 n=0
for dir in "$here"/corpus/*/; do
    t=$(basename "$dir")
    n=$((n + 1))
    bin=$B/fuzz/fuzz_$t
    if [ ! -x "$bin" ]; then
        echo "FAIL $n - $t: $bin not built"
        fail=$((fail + 1))
        continue
    fi
    if out=$("$bin" "$dir" 2>&1); then
        echo "ok $n - $t ($(echo "$out" | sed -n 's/^replay: //p'))"
        pass=$((pass + 1))
    else
        echo "FAIL $n - $t:"
        echo "$out" | tail -n 20
        fail=$((fail + 1))
    fi
done
echo "fuzz_replay: $pass passed, $fail failed, 0 skipped"
[ $fail -eq 0 ]
