#!/bin/sh
# run.sh - the official spec suite against corral.
#
#   sh spec-tests/run.sh RUNNER [-v] [NAME...]
#
# RUNNER is the spec-runner binary (make spec passes build/rel/spec-runner).
# NAME... limits the run to some files ("i32" or "i32.wast").  -v also
# prints known failures and message mismatches of assert_invalid/malformed.
#
# Each .wast of ../shared/spec-testsuite (beside the repository) is turned
# into build/spec/NAME/NAME.json by wast2json (again only when the .wast is
# newer), then run by its own runner process, so that a crash or a hang
# costs one file, not the run.  Failures listed in known_failures.txt are
# reported but tolerated; the exit status is 1 iff some other one occurred.
set -u

if [ $# -lt 1 ]; then
    echo "usage: $0 RUNNER [-v] [NAME...]" >&2
    exit 2
fi
runner=$1
shift
verbose=""
if [ "${1:-}" = "-v" ]; then
    verbose=-v
    shift
fi

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
suite=$root/../shared/spec-testsuite
out=$root/build/spec
known=$here/known_failures.txt
# A single file may not take longer than this (seconds); 0 disables it.
limit=${SPEC_TIMEOUT:-300}

if [ ! -d "$suite" ]; then
    echo "run.sh: no spec suite at $suite" >&2
    exit 2
fi
if ! command -v wast2json >/dev/null 2>&1; then
    echo "run.sh: wast2json (wabt) is not installed" >&2
    exit 2
fi
case $runner in /*) ;; *) runner=$(pwd)/$runner ;; esac
if [ ! -x "$runner" ]; then
    echo "run.sh: runner $runner is not executable" >&2
    exit 2
fi
use_timeout=""
if [ "$limit" != 0 ] && command -v timeout >/dev/null 2>&1; then
    use_timeout="timeout $limit"
fi

mkdir -p "$out"
# Run outputs go to a private folder, so that two runs at once (say, make
# spec and make test) cannot mix their results.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/corral-spec.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
results=$tmp/results.txt
: >"$results"

# Convert one .wast (when needed) and run it; append the runner's output to
# $results.  A file that does not convert, or whose runner dies, gets a
# failure line of its own and counts as one failed command.
run_one() {
    wast=$1
    name=$(basename "$wast" .wast)
    dir=$out/$name
    json=$dir/$name.json
    # (find -newer: "test -nt" is not POSIX)
    if [ ! -f "$json" ] || [ -n "$(find "$wast" -newer "$json")" ]; then
        rm -rf "$dir"
        mkdir -p "$dir"
        # wabt 1.0.32 defaults cover WebAssembly 2.0, SIMD included.
        if ! wast2json "$wast" -o "$json" >"$dir/wast2json.log" 2>&1; then
            rm -f "$json"
            echo "$name.wast:0: convert: wast2json failed: $(head -n 1 "$dir/wast2json.log")" >>"$results"
            echo "#file $name.wast 0 1 0" >>"$results"
            return
        fi
    fi
    # shellcheck disable=SC2086 # $use_timeout and $verbose are word lists
    $use_timeout "$runner" $verbose "$json" >"$tmp/out.txt" 2>"$tmp/err.txt"
    rc=$?
    cat "$tmp/out.txt" >>"$results"
    if [ $rc -gt 1 ]; then
        if [ $rc -eq 124 ]; then
            why="timed out after ${limit}s"
        elif [ $rc -gt 128 ]; then
            why="killed by signal $((rc - 128))"
        else
            why="exit status $rc"
        fi
        # The runner names the command it died in; if it could not, blame
        # the file as a whole.
        cp "$tmp/err.txt" "$dir/err.txt"
        if grep ': crash:' "$tmp/err.txt" >"$tmp/crash.txt"; then
            sed "s|\$|; runner $why|" "$tmp/crash.txt" >>"$results"
        else
            echo "$name.wast:0: crash: runner $why; see $dir/err.txt" >>"$results"
        fi
        # The runner prints its counts last; if it died before, count the
        # failures it printed, plus the crash itself.
        if ! grep -q '^#file ' "$tmp/out.txt"; then
            n=$(grep -c "^$name\\.wast:[0-9]*: " "$tmp/out.txt")
            echo "#file $name.wast 0 $((n + 1)) 0" >>"$results"
        fi
    fi
}

if [ $# -gt 0 ]; then
    for n in "$@"; do
        n=${n%.wast}
        if [ -f "$suite/$n.wast" ]; then
            run_one "$suite/$n.wast"
        else
            echo "run.sh: no $suite/$n.wast" >&2
            exit 2
        fi
    done
else
    for wast in "$suite"/*.wast; do
        run_one "$wast"
    done
fi

# Summarise.  Input 1: the known failures ("file.wast:LINE" or
# "file.wast", '#' comments).  Input 2: the runners' output.
awk -v verbose="$verbose" '
    FNR == NR {
        sub(/#.*/, ""); gsub(/[ \t\r]/, "")
        if ($0 != "") known[$0] = 1
        next
    }
    /^#file / {
        files[++nf] = $2; fp[$2] = $3; ff[$2] = $4; fs[$2] = $5
        tp += $3; tf += $4; ts += $5
        next
    }
    /^#kind / {
        if (!($2 in kp)) kinds[++nk] = $2
        kp[$2] += $3; kf[$2] += $4; ks[$2] += $5
        next
    }
    /^[^ :]+\.wast:[0-9]+: / {
        if ($0 ~ /: note: /) { if (verbose != "") print; next }
        split($0, part, ":")
        file = part[1]; key = file ":" part[2]
        failed[key] = 1; failed_file[file] = 1
        if (key in known || file in known) {
            nknown++
            if (verbose != "") print "known: " $0
        } else {
            nnew++
            print "FAIL " $0
        }
        next
    }
    { print }
    END {
        print ""
        for (i = 1; i <= nf; i++)
            printf "%s: %d passed, %d failed, %d skipped\n", files[i], fp[files[i]], ff[files[i]], fs[files[i]]
        print ""
        printf "%-22s %8s %8s %8s\n", "kind", "passed", "failed", "skipped"
        for (i = 1; i <= nk; i++)
            printf "%-22s %8d %8d %8d\n", kinds[i], kp[kinds[i]], kf[kinds[i]], ks[kinds[i]]
        print ""
        # Known failures that no longer fail, among the files that ran.
        for (i = 1; i <= nf; i++) ran[files[i]] = 1
        for (k in known) {
            f = k; sub(/:.*/, "", f)
            if (!(f in ran)) continue
            if ((k == f && !(f in failed_file)) || (k != f && !(k in failed)))
                print "note: known failure " k " now passes; remove it from known_failures.txt"
        }
        printf "%d known failures, %d new failures\n", nknown, nnew
        printf "spec: %d passed, %d failed, %d skipped\n", tp, tf, ts
        exit(nnew > 0 ? 1 : 0)
    }
' "$known" "$results"
