#!/bin/sh
# mcp.sh - the benchmark of `corral mcp` (run by `make bench`):
#
#   sh bench/mcp.sh CORRAL [TOOLS_DIR]
#
# Median and p99 wall time of a read, a grep and a bash call over one
# corral mcp server, next to the same calls through corral tool (a process
# per call); calls per second with parallel callers; and the server's
# memory (VmRSS / VmHWM) after loading the modules.  The client is node
# (bench/mcp_bench.mjs, no npm packages); node is installed with apt-get
# when missing (tests/mcp/setup.sh).  TOOLS_DIR defaults to build/wasm/tools.
# Knobs: BENCH_MCP_CALLS, BENCH_MCP_TOOL_RUNS, BENCH_MCP_PARALLEL,
# BENCH_MCP_TOTAL (see bench/mcp_bench.mjs).  Exit status 1 if a call
# failed; no figure is asserted.
set -u
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 CORRAL [TOOLS_DIR]" >&2
    exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
abs() { case $1 in /*) echo "$1" ;; *) echo "$(pwd)/$1" ;; esac; }
corral=$(abs "$1")
tools=$(abs "${2:-$root/build/wasm/tools}")
if [ ! -x "$corral" ]; then
    echo "mcp.sh: $corral is not executable" >&2
    exit 1
fi
mcp_dir=$root/tests/mcp
# shellcheck source=tests/mcp/setup.sh
. "$mcp_dir/setup.sh"
if ! mcp_need_node; then
    echo "mcp.sh: $mcp_why" >&2
    exit 1
fi
exec node "$root/bench/mcp_bench.mjs" "$corral" "$tools"
