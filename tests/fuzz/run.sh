#!/bin/sh
# run.sh - the driver of `make fuzz`: each libFuzzer binary
# BUILD/fuzz/fuzz_TARGET for FUZZ_SECONDS (default 60), then the
# differential run against node (FUZZ_DIFF_RUNS modules, default 200).
#
#   sh tests/fuzz/run.sh BUILD TARGET...      (BUILD: build/fuzz)
#
# Seeds: tests/fuzz/corpus/TARGET (committed) and BUILD/seeds/TARGET (made
# by seeds.sh).  What libFuzzer finds goes to BUILD/corpus/TARGET (kept
# between runs), crashes to BUILD/crashes/TARGET/, the log to
# BUILD/logs/TARGET.log - never into the committed corpus.  libFuzzer runs
# in fork mode and goes on after a crash, so that one known bug does not
# end a target's run; the crashes are then replayed and their distinct
# causes listed.  Prints one line per target with its executions; exits 1
# if any target crashed or the differential run found a mismatch.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root" || exit 1
B=$1
shift
secs=${FUZZ_SECONDS:-60}
runs=${FUZZ_DIFF_RUNS:-200}
sh tests/fuzz/seeds.sh "$B/seeds"
mkdir -p "$B/logs"
bad=0
for t in "$@"; do
    bin=$B/fuzz/fuzz_$t
    mkdir -p "$B/corpus/$t" "$B/crashes/$t"
    seeds=tests/fuzz/corpus/$t
    [ -d "$B/seeds/$t" ] && seeds="$seeds $B/seeds/$t"
    # the text targets: short inputs are enough and keep executions fast
    case $t in
    wasi | url | json | bash) maxlen=-max_len=4096 ;;
    *) maxlen= ;;
    esac
    log=$B/logs/$t.log
    # shellcheck disable=SC2086 # $seeds and $maxlen are lists
    "$bin" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        -max_total_time="$secs" -timeout=20 -rss_limit_mb=2560 $maxlen \
        -artifact_prefix="$B/crashes/$t/" "$B/corpus/$t" $seeds >"$log" 2>&1
    # fork mode's progress lines: "#EXECS: cov: N ft: N corp: N ..."
    last=$(grep -a -E '^#[0-9]+: cov:' "$log" | tail -n 1)
    execs=$(echo "$last" | sed -n 's/^#\([0-9]*\):.*/\1/p')
    cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    corpus=$(ls "$B/corpus/$t" | wc -l)
    found=$(ls "$B/crashes/$t" | wc -l)
    status=ok
    [ "$found" -gt 0 ] && status=FOUND && bad=1
    printf 'fuzz_%-6s %-5s %10s executions in %ss, cov %s, corpus %s, %s crash files\n' \
        "$t" "$status" "${execs:-?}" "$secs" "${cov:-?}" "$corpus" "$found"
    # each crash's first report line, numbers blurred, counted
    for c in "$B/crashes/$t"/*; do
        [ -f "$c" ] || continue
        "$bin" "$c" 2>&1 | grep -a -m 1 -E 'runtime error|invariant violated|ERROR: [A-Za-z]+Sanitizer|deadly signal' |
            sed -e 's/==[0-9]*==//' -e 's/-\{0,1\}[0-9][0-9.e+]*/N/g'
    done | sort | uniq -c | sed "s|^|    |"
done
if [ -x "$B/fuzz/diff_corral" ]; then
    sh tests/fuzz/diff.sh "$B/fuzz/diff_corral" "$B/diff" "$runs" || bad=1
fi
exit $bad
