#!/bin/sh
# End-to-end table tests of the bash tool: tests/e2e_bash.sh CORRAL BASHWASM
# Each case of tests/bash_cases.txt runs through
#   corral run --work-dir TMP BASHWASM   with {"command": SCRIPT} on stdin
# and its stdout (the first metadata.stdout_bytes bytes of content) and
# metadata.exit_code are compared with the table.  CASE=substr runs a subset.
# Then the tool's other inputs, whole results compared: description (echoed
# in metadata, through corral run and through corral tool's schema).
set -u
here=$(cd "$(dirname "$0")" && pwd)
CORRAL=${1:-build/rel/corral}
WASM=${2:-build/wasm/tools/bash.wasm}
if [ ! -x "$CORRAL" ] || [ ! -f "$WASM" ]; then
    # make test builds both: a missing one is a broken build, not a skip.
    echo "FAIL 1 - setup: $CORRAL or $WASM is missing (make build-all)"
    echo "e2e_bash: 0 passed, 1 failed, 0 skipped"
    exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
${CC:-cc} -O1 -o "$tmp/driver" "$here/e2e_bash_driver.c" || exit 1
"$tmp/driver" "$here/bash_cases.txt" corral "$CORRAL" "$WASM" > "$tmp/table.log"
grep -v '^e2e_bash: ' "$tmp/table.log"
summary=$(grep '^e2e_bash: ' "$tmp/table.log" | tail -n 1)
pass=$(printf '%s\n' "$summary" | sed -n 's/^e2e_bash: \([0-9]*\) passed.*/\1/p')
fail=$(printf '%s\n' "$summary" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
skip=$(printf '%s\n' "$summary" | sed -n 's/.* \([0-9]*\) skipped.*/\1/p')
if [ -z "$pass" ] || [ -z "$fail" ]; then
    echo "FAIL 0 - the table driver printed no summary"
    pass=${pass:-0} fail=$((${fail:-0} + 1))
fi
skip=${skip:-0}
n=$((pass + fail + skip))

ok()  { n=$((n + 1)); pass=$((pass + 1)); printf 'ok %d - %s\n' "$n" "$1"; }
bad() { n=$((n + 1)); fail=$((fail + 1)); printf 'FAIL %d - %s: %s\n' "$n" "$1" "$2"; }

# [ -z "${CASE:-}" ]: a CASE subset runs the table only.
if [ -z "${CASE:-}" ]; then
    work=$tmp/work
    mkdir -p "$work"
    # run JSON: OUT and RC of the tool under corral run
    run() {
        OUT=$(printf '%s' "$1" | "$CORRAL" run --work-dir "$work" "$WASM" 2>/dev/null)
        RC=$?
    }
    # check DESC EXPECTED RC: the whole result
    check() {
        if [ "$OUT" = "$2" ] && [ "$RC" = "$3" ]; then ok "$1"
        else bad "$1" "rc=$RC (want $3), got: $OUT"; fi
    }

    run '{"command":"echo hi","description":"Print a greeting"}'
    check "description: echoed in metadata" \
'{"content": "hi\n", "is_error": false, "metadata": {"exit_code": 0, "stdout_bytes": 3, "stderr_bytes": 0, "stdout_total_bytes": 3, "stderr_total_bytes": 0, "truncated": false, "timeout": 30, "description": "Print a greeting"}}' 0

    run '{"command":"echo hi"}'
    check "description: absent, no key" \
'{"content": "hi\n", "is_error": false, "metadata": {"exit_code": 0, "stdout_bytes": 3, "stderr_bytes": 0, "stdout_total_bytes": 3, "stderr_total_bytes": 0, "truncated": false, "timeout": 30}}' 0

    run '{"description":"Fail on purpose","command":"echo oops >&2; exit 3","timeout":5}'
    check "description: kept on a failing command, with the timeout" \
'{"content": "[stderr]\noops\n[exit code: 3]", "is_error": true, "metadata": {"exit_code": 3, "stdout_bytes": 0, "stderr_bytes": 5, "stdout_total_bytes": 0, "stderr_total_bytes": 5, "truncated": false, "timeout": 5, "description": "Fail on purpose"}}' 1

    run '{"command":"true","description":"Quote \"it\", caf\u00e9 \\ tab\t"}'
    check "description: escapes and UTF-8 survive" \
"{\"content\": \"(no output)\", \"is_error\": false, \"metadata\": {\"exit_code\": 0, \"stdout_bytes\": 0, \"stderr_bytes\": 0, \"stdout_total_bytes\": 0, \"stderr_total_bytes\": 0, \"truncated\": false, \"timeout\": 30, \"description\": \"Quote \\\"it\\\", caf$(printf '\303\251') \\\\ tab\\t\"}}" 0

    run '{"command":"echo $description","description":"not a variable"}'
    check "description: does not reach the command" \
'{"content": "\n", "is_error": false, "metadata": {"exit_code": 0, "stdout_bytes": 1, "stderr_bytes": 0, "stdout_total_bytes": 1, "stderr_total_bytes": 0, "truncated": false, "timeout": 30, "description": "not a variable"}}' 0

    run '{"command":"echo hi","description":7}'
    check "description: of the wrong type" \
'{"content": "Invalid input: \"description\" must be a string, got number", "is_error": true, "metadata": {}}' 1

    # Through corral tool: the manifest's input_schema takes description.
    TOOLS=$(dirname "$WASM")
    OUT=$("$CORRAL" tool --tools-dir "$TOOLS" --work-dir "$work" bash \
          '{"command":"echo via tool","description":"Echo through the host"}' 2>/dev/null)
    RC=$?
    case $OUT in
    '{"content":"via tool\n","is_error":false,"metadata":{"exit_code":0,"stdout_bytes":9,"stderr_bytes":0,"stdout_total_bytes":9,"stderr_total_bytes":0,"truncated":false,"timeout":30,"description":"Echo through the host","sandbox":{"fuel_used":'*)
        if [ "$RC" = 0 ]; then ok "description: accepted by corral tool's schema"
        else bad "description: accepted by corral tool's schema" "rc=$RC: $OUT"; fi ;;
    *) bad "description: accepted by corral tool's schema" "rc=$RC: $OUT" ;;
    esac
    OUT=$("$CORRAL" tool --tools-dir "$TOOLS" --work-dir "$work" bash \
          '{"command":"true","description":["a"]}' 2>/dev/null)
    RC=$?
    case $OUT in
    *"bash: 'description' must be a string, got an array"*'"error":"invalid_input"'*)
        if [ "$RC" = 1 ]; then ok "description: corral tool's schema wants a string"
        else bad "description: corral tool's schema wants a string" "rc=$RC: $OUT"; fi ;;
    *) bad "description: corral tool's schema wants a string" "rc=$RC: $OUT" ;;
    esac
    # readonly_map_via_symlink: --map-dir W/sub::/sub:ro; bash writes,
    # removes and renames beneath sub through a symlink in the writable
    # work dir, and directly: each refused, sub unchanged.
    ro=$tmp/ro
    mkdir -p "$ro/sub"
    printf 'orig\n' >"$ro/sub/f"
    ln -s sub "$ro/lnk"
    OUT=$(printf '%s' '{"command":"echo x > sub/f; echo x > lnk/f; echo x >> lnk/f; echo x > lnk/new; rm lnk/f; mv lnk/f /moved; mkdir lnk/d; touch lnk/f; cat lnk/f; echo fine > ok.txt; cat ok.txt"}' |
          "$CORRAL" run --work-dir "$ro" --map-dir "$ro/sub::/sub:ro" "$WASM" 2>/dev/null)
    if [ "$(cat "$ro/sub/f")" = orig ] && [ "$(ls -A "$ro/sub")" = f ] && [ ! -e "$ro/moved" ] &&
        [ "$(cat "$ro/ok.txt" 2>/dev/null)" = fine ]; then
        case $OUT in
        *'"content": "orig\nfine\n[stderr]'*'lnk/f: Permission denied'*) ok "readonly_map_via_symlink: bash writes beneath a :ro map refused" ;;
        *) bad "readonly_map_via_symlink: bash writes beneath a :ro map refused" "output: $OUT" ;;
        esac
    else
        bad "readonly_map_via_symlink: bash writes beneath a :ro map refused" "sub: $(ls -A "$ro/sub" | tr '\n' ' ') f: $(cat "$ro/sub/f"); output: $OUT"
    fi

    # fifo_open_does_not_block: cat and redirections of a FIFO with no
    # peer end at once with an error, also under --timeout 1s.
    fifo=$tmp/fifo
    mkdir -p "$fifo"
    mkfifo "$fifo/p"
    for cmd in "cat p" "echo hi > p" "read x < p"; do
        for tl in "" "--timeout 1s"; do
            t0=$(date +%s)
            # shellcheck disable=SC2086
            OUT=$(printf '{"command":"%s"}' "$cmd" | timeout 10 "$CORRAL" run $tl --work-dir "$fifo" "$WASM" 2>/dev/null)
            RC=$?
            el=$(($(date +%s) - t0))
            case $OUT in
            *'p: No such device or address'*'"is_error": true'*)
                if [ $el -le 3 ]; then ok "fifo_open_does_not_block: bash '$cmd' ${tl:-(no timeout)} (${el}s)"
                else bad "fifo_open_does_not_block: bash '$cmd' ${tl:-(no timeout)}" "took ${el}s"; fi ;;
            *) bad "fifo_open_does_not_block: bash '$cmd' ${tl:-(no timeout)}" "rc=$RC after ${el}s: $OUT" ;;
            esac
        done
    done
fi

echo "e2e_bash: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
