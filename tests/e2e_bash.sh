#!/bin/sh
# End-to-end table tests of the bash tool: tests/e2e_bash.sh CORRAL BASHWASM
# Each case of tests/bash_cases.txt runs through
#   corral run --work-dir TMP BASHWASM   with {"command": SCRIPT} on stdin
# and its stdout (the first metadata.stdout_bytes bytes of content) and
# metadata.exit_code are compared with the table.  CASE=substr runs a subset.
set -u
here=$(cd "$(dirname "$0")" && pwd)
CORRAL=${1:-build/rel/corral}
WASM=${2:-build/wasm/tools/bash.wasm}
if [ ! -x "$CORRAL" ] || [ ! -f "$WASM" ]; then
    echo "e2e_bash: 0 passed, 0 failed, 1 skipped (missing $CORRAL or $WASM)"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
${CC:-cc} -O1 -o "$tmp/driver" "$here/e2e_bash_driver.c" || exit 1
"$tmp/driver" "$here/bash_cases.txt" corral "$CORRAL" "$WASM"
