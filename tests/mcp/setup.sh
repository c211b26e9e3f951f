# shellcheck shell=sh
# setup.sh - sourced by tests/e2e_mcp.sh and bench/mcp.sh (with mcp_dir set
# to tests/mcp): node, and the npm packages of the MCP tests in an npm
# prefix outside the source tree.
#
#   mcp_need_node          node on PATH, else apt-get install nodejs npm
#                          (through sudo when not root); returns 1 if it
#                          still is not there (the reason in $mcp_why)
#   mcp_need_npm PREFIX    the exact versions of tests/mcp/package.json in
#                          PREFIX/node_modules, installed with
#                          `npm install --prefix PREFIX` only when one is
#                          missing or another version; returns 1 on failure
#                          (the reason in $mcp_why, npm's log in PREFIX/npm.log)
mcp_why=""
mcp_dir=${mcp_dir:?set mcp_dir to the tests/mcp directory before sourcing setup.sh}

mcp_need_node() {
    if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
        return 0
    fi
    mcp_sudo=""
    [ "$(id -u)" = 0 ] || mcp_sudo=sudo
    echo "# installing nodejs and npm with apt-get" >&2
    if ! { $mcp_sudo apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive $mcp_sudo apt-get install -y -qq nodejs npm; } >/dev/null 2>&1; then
        mcp_why="apt-get install nodejs npm failed"
    fi
    if command -v node >/dev/null 2>&1; then
        return 0
    fi
    mcp_why=${mcp_why:-node is not on PATH after installing nodejs}
    return 1
}

mcp_need_npm() {
    mcp_prefix=$1
    mcp_pkg=$mcp_dir/package.json
    mcp_missing=$(node -e '
        const fs = require("fs"), path = require("path");
        const want = require(path.resolve(process.argv[1])).dependencies;
        for (const [name, v] of Object.entries(want)) {
            let have = null;
            try { have = JSON.parse(fs.readFileSync(path.join(process.argv[2], "node_modules", name, "package.json"))).version; } catch (e) {}
            if (have !== v) console.log(name + "@" + v);
        }' "$mcp_pkg" "$mcp_prefix" 2>&1)
    [ -z "$mcp_missing" ] && return 0
    if ! command -v npm >/dev/null 2>&1; then
        mcp_why="npm is not installed (need: $(echo "$mcp_missing" | tr '\n' ' '))"
        return 1
    fi
    mkdir -p "$mcp_prefix" || return 1
    cp "$mcp_pkg" "$mcp_prefix/package.json"
    echo "# npm install --prefix $mcp_prefix: $(echo "$mcp_missing" | tr '\n' ' ')" >&2
    if ! npm install --prefix "$mcp_prefix" --no-audit --no-fund \
        >"$mcp_prefix/npm.log" 2>&1; then
        mcp_why="npm install failed: $(tail -n 3 "$mcp_prefix/npm.log" | tr '\n' ' ')"
        return 1
    fi
    return 0
}
