#!/bin/sh
# e2e_mcp.sh - end-to-end tests of `corral mcp`, the MCP server over stdio.
#
#   sh tests/e2e_mcp.sh CORRAL TOOLS_DIR
#
# The cases are node scripts in tests/mcp/ (each prints PASS / FAIL / SKIP
# lines, numbered and counted here):
#   sdk.mjs         the official TypeScript SDK's client: handshake,
#                   tools/list, the eight tools on real files, invalid
#                   input, an unknown tool, host paths (the SDK also checks
#                   each structuredContent against the tool's outputSchema)
#   inspector.mjs   the MCP inspector's CLI mode lists and calls tools
#   protocol.mjs    raw lines: malformed messages, notifications, the 64 MiB
#                   line cap, cancellation, progress, logging, stops, EOF
#   concurrent.mjs  100 concurrent mixed calls, isolated, with limits
#   config.mjs      --config: errors exit 2 naming the key; settings apply
#   input_bounds.mjs     the bounds of a message and of its arguments, at
#                        them and past them, with the server's peak RSS
#   result_contract.mjs  stand-in tools that break the result contract
#                        give isError results naming what was wrong
# plus a few command-line cases here.
#
# Needs node (installed with apt-get, nodejs and npm, when missing; sudo
# when not root) and, for sdk.mjs and inspector.mjs, the exact npm versions
# of tests/mcp/package.json, installed into $MCP_NPM_DIR (default
# build/npm) when missing.  The web-fetch cases use the loopback test
# server build/e2e-net/net_server (built by tests/e2e_net.sh; built here
# into the temporary directory if it is not there).
#
# Nothing is timed: every wait fails its case after MCP_TIMEOUT_MS
# (default 60000) and each script is killed after MCP_SCRIPT_TIMEOUT
# seconds (default 900).  E2E_KEEP=1 keeps the temporary directory.
#
# Output: `ok N - desc` / `FAIL N - desc: why` / `ok N - desc # SKIP why`,
# and a last line `e2e_mcp: N passed, N failed, N skipped`; exits 1 if any
# failed.
set -u

if [ $# -ne 2 ]; then
    echo "usage: $0 CORRAL TOOLS_DIR" >&2
    exit 2
fi
abs() { case $1 in /*) echo "$1" ;; *) echo "$(pwd)/$1" ;; esac; }
corral=$(abs "$1")
tools=$(abs "$2")
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
npm_dir=$(abs "${MCP_NPM_DIR:-$root/build/npm}")

# shellcheck source=tests/tap.sh
. "$here/tap.sh"
mcp_dir=$here/mcp
# shellcheck source=tests/mcp/setup.sh
. "$mcp_dir/setup.sh"

finish() {
    summary e2e_mcp
    exit $?
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/corral-e2e-mcp.XXXXXX") || exit 1
if [ -z "${E2E_KEEP:-}" ]; then
    trap 'rm -rf "$tmp"' EXIT
    trap 'rm -rf "$tmp"; exit 1' INT TERM HUP
else
    echo "# keeping $tmp"
fi

limit=""
command -v timeout >/dev/null 2>&1 && limit="timeout"

# ---- set-up ------------------------------------------------------------------------
if [ ! -x "$corral" ]; then
    bad "setup" "$corral is not executable"
    finish
fi
for w in file-read file-write file-edit file-glob file-grep bash web-fetch boxedjs-execute; do
    if [ ! -f "$tools/$w.wasm" ]; then
        bad "setup" "$tools/$w.wasm is not built"
        finish
    fi
done
if ! mcp_need_node; then
    bad "setup: node" "$mcp_why"
    finish
fi
echo "# node $(node --version)"
npm_ok=1
if ! mcp_need_npm "$npm_dir"; then
    npm_ok=0
    npm_why=$mcp_why
fi

net_server=$root/build/e2e-net/net_server
if [ ! -x "$net_server" ]; then
    net_server=$tmp/net_server
    if ! ${CC:-cc} -std=c11 -O1 -pthread -o "$net_server" "$here/net_server.c" 2>"$tmp/net_server.log"; then
        echo "# cannot build net_server ($(head -n 1 "$tmp/net_server.log")): web-fetch cases use denied URLs only"
        net_server=""
    fi
fi

# ---- the command line ------------------------------------------------------------------
# cmdline DESC STATUS ARGS...: corral ARGS with stdin closed exits STATUS,
# with nothing on stdout.
cmdline() {
    _d=$1 _want=$2
    shift 2
    # shellcheck disable=SC2086 # $limit is empty or one word
    $limit ${limit:+60} "$corral" "$@" </dev/null >"$tmp/cl.out" 2>"$tmp/cl.err"
    _rc=$?
    if [ "$_rc" != "$_want" ]; then
        bad "$_d" "exit $_rc (want $_want): $(head -c 300 "$tmp/cl.err")"
    elif [ "$_want" != 0 ] && [ -s "$tmp/cl.out" ]; then
        bad "$_d" "stdout not empty: $(head -c 200 "$tmp/cl.out")"
    elif [ "$_want" != 0 ] && [ ! -s "$tmp/cl.err" ]; then
        bad "$_d" "no message on stderr"
    else
        ok "$_d"
    fi
}
cmdline "corral mcp --help exits 0" 0 mcp --help
if [ "$_rc" != 0 ]; then
    bad "corral mcp exists" "'corral mcp --help' exited $_rc: $(head -c 200 "$tmp/cl.err")"
    finish
fi
if grep -q -- '--max-concurrent' "$tmp/cl.out" "$tmp/cl.err" && grep -q -- '--config' "$tmp/cl.out" "$tmp/cl.err"; then
    ok "corral mcp --help names --config and --max-concurrent"
else
    bad "corral mcp --help names --config and --max-concurrent" "$(head -c 300 "$tmp/cl.out")"
fi
cmdline "corral mcp with an unknown flag exits 2" 2 mcp --no-such-flag --tools-dir "$tools"
cmdline "corral mcp with an invalid --allow-host exits 2" 2 mcp --tools-dir "$tools" --allow-host 'https://a*b.com'
cmdline "corral mcp with a --work-dir that does not exist exits 2" 2 mcp --tools-dir "$tools" --work-dir "$tmp/nowhere"
cmdline "corral mcp --max-concurrent 0 exits 2" 2 mcp --tools-dir "$tools" --max-concurrent 0
cmdline "corral mcp at once EOF exits 0" 0 mcp --tools-dir "$tools" --work-dir "$tmp"
# In / without --work-dir it would hand the tools the whole file system.
_cwd=$(pwd)
cd / && cmdline "corral mcp in / without --work-dir exits 2" 2 mcp --tools-dir "$tools"
cd "$_cwd" || exit 1
if grep -q -- '--work-dir' "$tmp/cl.err"; then
    ok "corral mcp in / says to name --work-dir"
else
    bad "corral mcp in / says to name --work-dir" "$(head -c 300 "$tmp/cl.err")"
fi
if [ -s "$tmp/cl.out" ]; then
    bad "corral mcp prints nothing on stdout without a request" "$(head -c 200 "$tmp/cl.out")"
else
    ok "corral mcp prints nothing on stdout without a request"
fi

# ---- the node scripts ---------------------------------------------------------------------
tab=$(printf '\t')

# script NAME NEEDS_NPM: runs tests/mcp/NAME.mjs and turns its lines into
# ok / bad / skip.
script() {
    _name=$1
    if [ "$2" = 1 ] && [ $npm_ok = 0 ]; then
        bad "$_name" "the npm packages are missing: $npm_why"
        return
    fi
    mkdir -p "$tmp/$_name"
    # shellcheck disable=SC2086 # $limit is empty or one word
    MCP_CORRAL=$corral MCP_TOOLS_DIR=$tools MCP_NPM_DIR=$npm_dir MCP_TMP=$tmp/$_name \
        MCP_NET_SERVER=$net_server MCP_TIMEOUT_MS=${MCP_TIMEOUT_MS:-60000} \
        $limit ${limit:+${MCP_SCRIPT_TIMEOUT:-900}} node "$mcp_dir/$_name.mjs" \
        >"$tmp/$_name.out" 2>"$tmp/$_name.err" </dev/null
    _rc=$?
    _done=0
    while IFS= read -r _line; do
        case $_line in
        "PASS "*) ok "$_name: ${_line#PASS }" ;;
        "FAIL "*)
            _rest=${_line#FAIL }
            bad "$_name: ${_rest%%"$tab"*}" "${_rest#*"$tab"}"
            ;;
        "SKIP "*)
            _rest=${_line#SKIP }
            skip "$_name: ${_rest%%"$tab"*}" "${_rest#*"$tab"}"
            ;;
        DONE) _done=1 ;;
        "#"*) echo "$_line" ;;
        *) echo "# $_line" ;;
        esac
    done <"$tmp/$_name.out"
    if [ $_done = 0 ]; then
        _why="exit status $_rc"
        [ "$_rc" = 124 ] && _why="killed after ${MCP_SCRIPT_TIMEOUT:-900} s"
        bad "$_name" "the script stopped before its end ($_why): $(tail -c 600 "$tmp/$_name.err" | tr '\n' ' ')"
    fi
}

script sdk 1
script inspector 1
script protocol 0
script concurrent 0
script config 0
script input_bounds 0
script result_contract 0

finish
