#!/bin/sh
# e2e_jsexec_es.sh - the modern JavaScript table of jsexec (issue 11):
# ES2015-ES2022 syntax, the runtime, Node's basics and the tool's contract,
# each case with its exact expected output, then the error cases and the
# front end's fuzzer.
#
#   sh tests/e2e_jsexec_es.sh CORRAL WASM
#
# The table is tests/jsexec/cases/*.txt (format: tests/jsexec/split.awk).
# Each case's code goes to `corral run --timeout 10s --work-dir EMPTY WASM`
# as {"code": ..., "args": ...}; its result's content must be the case's
# expectation exactly, and is_error false (true with @error).  Where node
# is on PATH, each case without @nonode is also run by node (node -e CODE
# -- '[code]' ARGS, in an empty directory) and node's output must be the
# expectation too, so that the table cannot drift from the language.
#
# tests/jsexec/errors.txt holds the error cases: their results are matched
# with patterns (@match ERE, on the content; @status N; @tool runs them
# with `corral tool jsexec` to get the sandbox's own result when a limit
# stops the call).  Then tests/jsexec/fuzz.sh runs as the last case.
#
# Cases named in tests/jsexec/known_failures.txt do not pass yet: their
# failures are shown as `ok N - NAME # TODO known failure` and counted as
# skipped; one that passes is reported, so that the list shrinks.
#
# Environment: JSES_ONLY=ERE runs only the cases whose names match;
# JSES_WRITE_KNOWN=FILE writes the names of the failing cases to FILE (to
# regenerate the known-failure list); JSES_NODE=0 skips the node runs;
# FUZZ_JS_RUNS, FUZZ_JS_SEED go to fuzz.sh (FUZZ_JS_RUNS=0: no fuzzing).
#
# Prints `ok N - ...` / `FAIL N - ...` lines; the last line is
# `e2e_jsexec_es: N passed, N failed, N skipped`.
set -u

if [ $# -ne 2 ]; then
    echo "usage: $0 CORRAL WASM" >&2
    exit 2
fi
corral=$1
wasm=$2
case $corral in /*) ;; *) corral=$(pwd)/$corral ;; esac
case $wasm in /*) ;; *) wasm=$(pwd)/$wasm ;; esac
here=$(cd "$(dirname "$0")" && pwd)
jd=$here/jsexec
# shellcheck source=tests/tap.sh
. "$here/tap.sh"
LC_ALL=C
export LC_ALL

if [ ! -x "$corral" ] || [ ! -f "$wasm" ]; then
    bad setup "$corral or $wasm is missing"
    summary e2e_jsexec_es
    exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/e2e_jsexec_es.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
limit=""
if command -v timeout >/dev/null 2>&1; then
    limit="timeout 60"
fi
# The table's expectations are what node 20 prints; other majors format a
# few values differently (console.table, util.inspect of arguments), so
# only node 20 is held to the table (JSES_NODE_MAJOR overrides).
table_node=${JSES_NODE_MAJOR:-20}
use_node=0
node_note="no node on PATH (or JSES_NODE=0)"
if [ "${JSES_NODE:-1}" != 0 ] && command -v node >/dev/null 2>&1; then
    node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)
    if [ "$node_major" = "$table_node" ]; then
        use_node=1
    else
        node_note="node ${node_major:-?} is not node $table_node, whose output the table holds"
    fi
fi
only=${JSES_ONLY:-}
known_file=$jd/known_failures.txt
known=0
fixed=0
failing=$tmp/failing
: >"$failing"

is_known() {
    grep -v '^#' "$known_file" 2>/dev/null | grep -F -x -q -e "$1"
}

# opt DIR I KEY: the values of directive KEY of case I, one a line.
opt() {
    sed -n "s/^$3 //p; s/^$3\$//p" "$1/$2.opt"
}
has_opt() {
    grep -E -q "^$3( |\$)" "$1/$2.opt"
}

# verdict NAME WHY: the case passed when WHY is empty; else a failure,
# tolerated when NAME is a known failure.  Extra lines (a diff) are in
# $tmp/detail.
verdict() {
    if [ -z "$2" ]; then
        if is_known "$1"; then
            fixed=$((fixed + 1))
            ok "$1 # known failure now passes: remove it from tests/jsexec/known_failures.txt"
        else
            ok "$1"
        fi
        return
    fi
    printf '%s\n' "$1" >>"$failing"
    if is_known "$1"; then
        known=$((known + 1))
        n=$((n + 1))
        skipped=$((skipped + 1))
        echo "ok $n - $1 # TODO known failure"
    else
        bad "$1" "$2"
        [ -s "$tmp/detail" ] && sed 's/^/#   /' "$tmp/detail" | head -n 30
    fi
}

# run_jsexec DIR I [FLAGS...]: runs case I through corral run (or corral
# tool with @tool), in a fresh work dir; leaves stdout in $tmp/out, stderr
# in $tmp/err, the decoded content in $tmp/got, is_error in $is_error, the
# status in $rc.
run_jsexec() {
    d=$1 i=$2
    shift 2
    rm -rf "$tmp/w" && mkdir -p "$tmp/w"
    args=$(opt "$d" "$i" args)
    printf '{"code": %s, "args": %s}' "$(awk -v mode=enc -f "$jd/json.awk" "$d/$i.js")" \
        "${args:-[]}" >"$tmp/in.json"
    set -- "$@" --work-dir "$tmp/w"
    for e in $(opt "$d" "$i" env); do set -- "$@" --env "$e"; done
    # shellcheck disable=SC2046 # @flags are words
    set -- "$@" $(opt "$d" "$i" flags)
    if has_opt "$d" "$i" tool; then
        # shellcheck disable=SC2086 # $limit is empty or two words
        $limit "$corral" tool --tools-dir "$(dirname "$wasm")" "$@" jsexec - \
            <"$tmp/in.json" >"$tmp/out" 2>"$tmp/err"
    else
        # shellcheck disable=SC2086
        $limit "$corral" run --timeout 10s "$@" "$wasm" <"$tmp/in.json" >"$tmp/out" 2>"$tmp/err"
    fi
    rc=$?
    : >"$tmp/got"
    is_error=$(awk -v mode=dec -v out="$tmp/got" -f "$jd/json.awk" <"$tmp/out")
}

# node_run DIR I: runs case I under node in a fresh directory; its output
# (without the final newline) in $tmp/ngot, its status in $nrc.
node_run() {
    d=$1 i=$2
    rm -rf "$tmp/nw" && mkdir -p "$tmp/nw"
    set -- env -i PATH="$PATH"
    for e in $(opt "$d" "$i" env); do set -- "$@" "$e"; done
    set -- "$@" node -e "$(cat "$d/$i.js")" -- '[code]'
    args=$(opt "$d" "$i" args)
    if [ -n "$args" ]; then
        # The JSON array as single-quoted words, as corral's argv has them.
        words=$(node -e 'for (const a of JSON.parse(process.argv[1])) process.stdout.write(" \x27" + (typeof a === "object" ? JSON.stringify(a) : String(a)).replace(/\x27/g, "\x27\\\x27\x27") + "\x27")' "$args")
        eval "set -- \"\$@\" $words"
    fi
    # shellcheck disable=SC2086
    (cd "$tmp/nw" && $limit "$@") >"$tmp/nout" 2>"$tmp/nerr"
    nrc=$?
    # node's output without its final newline, like the tool's content.
    awk '{ printf "%s%s", (NR > 1 ? "\n" : ""), $0 }' "$tmp/nout" >"$tmp/ngot"
}

# ---- the table --------------------------------------------------------------
mkdir -p "$tmp/c" "$tmp/e"
if ! count=$(awk -v dir="$tmp/c" -f "$jd/split.awk" "$jd"/cases/*.txt 2>"$tmp/split.err"); then
    bad "the case table" "$(cat "$tmp/split.err")"
    count=0
fi
i=0
while [ "$i" -lt "$count" ]; do
    i=$((i + 1))
    name=$(cat "$tmp/c/$i.name")
    if [ -n "$only" ] && ! printf '%s\n' "$name" | grep -E -q -e "$only"; then continue; fi
    run_jsexec "$tmp/c" "$i"
    want_error=false
    has_opt "$tmp/c" "$i" error && want_error=true
    why=""
    : >"$tmp/detail"
    if [ "$is_error" = none ]; then
        why="no result (status $rc): $(head -c 300 "$tmp/out") $(head -c 300 "$tmp/err")"
    elif ! cmp -s "$tmp/got" "$tmp/c/$i.exp"; then
        why="content differs (- expected, + got)"
        { cat "$tmp/c/$i.exp"; echo; } >"$tmp/a"
        { cat "$tmp/got"; echo; } >"$tmp/b"
        diff -u "$tmp/a" "$tmp/b" | tail -n +3 >"$tmp/detail"
    elif [ "$is_error" != "$want_error" ]; then
        why="is_error is $is_error, expected $want_error"
    fi
    verdict "$name" "$why"

    if [ $use_node -eq 1 ] && ! has_opt "$tmp/c" "$i" nonode; then
        node_run "$tmp/c" "$i"
        : >"$tmp/detail"
        why=""
        if ! cmp -s "$tmp/ngot" "$tmp/c/$i.exp"; then
            why="node's output differs from the table (- table, + node; status $nrc)"
            { cat "$tmp/c/$i.exp"; echo; } >"$tmp/a"
            { cat "$tmp/ngot"; echo; } >"$tmp/b"
            { diff -u "$tmp/a" "$tmp/b" | tail -n +3; head -n 5 "$tmp/nerr"; } >"$tmp/detail"
        fi
        if [ -z "$why" ]; then ok "node: $name"; else bad "node: $name" "$why"; sed 's/^/#   /' "$tmp/detail" | head -n 30; fi
    fi
done
[ $use_node -eq 1 ] || skip "node agreement of the table" "$node_note"

# ---- the error cases ----------------------------------------------------------
if ! ecount=$(awk -v dir="$tmp/e" -f "$jd/split.awk" "$jd/errors.txt" 2>"$tmp/split.err"); then
    bad "the error cases" "$(cat "$tmp/split.err")"
    ecount=0
fi
i=0
while [ "$i" -lt "$ecount" ]; do
    i=$((i + 1))
    name=$(cat "$tmp/e/$i.name")
    if [ -n "$only" ] && ! printf '%s\n' "$name" | grep -E -q -e "$only"; then continue; fi
    start=$(date +%s)
    run_jsexec "$tmp/e" "$i"
    took=$(($(date +%s) - start))
    : >"$tmp/detail"
    why=""
    want_rc=$(opt "$tmp/e" "$i" status)
    [ -n "$want_rc" ] && [ "$rc" != "$want_rc" ] && why="exit status $rc, expected $want_rc"
    want_err=$(opt "$tmp/e" "$i" is_error)
    [ -n "$want_err" ] && [ "$is_error" != "$want_err" ] &&
        why="${why:+$why; }is_error is $is_error, expected $want_err"
    max=$(opt "$tmp/e" "$i" seconds)
    [ -n "$max" ] && [ "$took" -gt "$max" ] && why="${why:+$why; }took ${took}s, more than ${max}s"
    # Patterns apply to the content; to stdout and stderr when there is no
    # result object.
    if [ "$is_error" = none ]; then cat "$tmp/out" "$tmp/err" >"$tmp/got"; fi
    opt "$tmp/e" "$i" match >"$tmp/pats"
    while IFS= read -r p; do
        grep -E -q -e "$p" "$tmp/got" || why="${why:+$why; }no match for /$p/"
    done <"$tmp/pats"
    opt "$tmp/e" "$i" nomatch >"$tmp/pats"
    while IFS= read -r p; do
        ! grep -E -q -e "$p" "$tmp/got" || why="${why:+$why; }a match for /$p/"
    done <"$tmp/pats"
    [ -n "$why" ] && head -c 600 "$tmp/got" >"$tmp/detail" && echo >>"$tmp/detail"
    verdict "$name" "$why"
done

# ---- the fuzzer ------------------------------------------------------------------
if [ -z "$only" ] && [ "${FUZZ_JS_RUNS:-200}" != 0 ]; then
    if sh "$jd/fuzz.sh" "$corral" "$wasm" >"$tmp/fuzz.log" 2>&1; then
        ok "$(tail -n 1 "$tmp/fuzz.log")"
    else
        bad "fuzz" "$(tail -n 1 "$tmp/fuzz.log")"
        grep -v '^ok' "$tmp/fuzz.log" | head -n 20 | sed 's/^/#   /'
    fi
fi

if [ -n "${JSES_WRITE_KNOWN:-}" ] && [ -n "$only" ]; then
    echo "# JSES_WRITE_KNOWN ignored: JSES_ONLY runs only some of the cases"
elif [ -n "${JSES_WRITE_KNOWN:-}" ]; then
    { printf '# %s\n' "Cases of tests/e2e_jsexec_es.sh that do not pass yet, one name a line." \
        "Regenerate: JSES_WRITE_KNOWN=tests/jsexec/known_failures.txt sh tests/e2e_jsexec_es.sh CORRAL WASM"
      cat "$failing"; } >"$tmp/known.new"
    cp "$tmp/known.new" "$JSES_WRITE_KNOWN"
fi
echo "e2e_jsexec_es: $known known failures tolerated (tests/jsexec/known_failures.txt), $fixed known failures now pass"
summary e2e_jsexec_es
