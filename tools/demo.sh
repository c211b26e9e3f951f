#!/bin/sh
# demo.sh - the eight agent tools at work, one `corral tool` call each, in
# a fresh temporary work directory (what `make demo` runs).
#
#   sh tools/demo.sh CORRAL
#
# Each call is shown as typed, then its one JSON result (--pretty).  The
# tool modules are found beside the binary (build/wasm/tools) unless
# CORRAL_TOOLS_DIR says otherwise.  web-fetch gets a page from a local
# HTTP server (python3 -m http.server on 127.0.0.1) when python3 is
# installed; without it, it shows the sandbox refusing an outside host.
set -u

if [ $# -ne 1 ]; then
    echo "usage: $0 CORRAL" >&2
    exit 2
fi
corral=$1
case $corral in /*) ;; *) corral=$(pwd)/$corral ;; esac

work=$(mktemp -d "${TMPDIR:-/tmp}/corral-demo.XXXXXX") || exit 1
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
cd "$work" || exit 1

failed=0
# call TOOL JSON [FLAGS...]: show and run one tool call.
call() {
    tool=$1 json=$2
    shift 2
    printf '\n$ corral tool %s%s%s %s\n' "$*" "${1:+ }" "$tool" "'$json'"
    "$corral" tool --pretty "$@" "$tool" "$json"
    rc=$?
    [ $rc -ne 0 ] && failed=$((failed + 1))
    return 0
}

echo "corral tool demo: the work directory $work is the tools' /"

call write '{"file_path": "/src/greet.py", "content": "def greet(name):\n    print(\"Hello, \" + name)\n\ngreet(\"world\")\n"}'
call read '{"file_path": "/src/greet.py"}'
call edit '{"file_path": "/src/greet.py", "old_string": "\"Hello, \"", "new_string": "\"Hi, \""}'
call write '{"file_path": "/notes/todo.md", "content": "- say hi\n- count words\n"}'
call glob '{"pattern": "**/*.{py,md}"}'
call grep '{"pattern": "Hi|say", "output_mode": "content"}'
call bash '{"command": "cat src/greet.py notes/todo.md | tr -s \" \" \"\\n\" | grep -v \"^$\" | sort | uniq -c | sort -rn | head -n 3"}'
call jsexec '{"code": "function main(args) { var fib = [0, 1]; while (fib.length < Number(args[0])) fib.push(fib[fib.length - 1] + fib[fib.length - 2]); return fib.join(\" \"); }", "args": ["12"]}'

port=""
if command -v python3 >/dev/null 2>&1; then
    mkdir -p "$work/site"
    cat >"$work/site/index.html" <<'EOF'
<!doctype html>
<html><head><title>corral demo page</title></head>
<body><h1>Hello from a local server</h1>
<p>This page was fetched by <b>web-fetch</b> through the sandbox's HTTP policy.
See <a href="https://webassembly.org/">WebAssembly</a>.</p></body></html>
EOF
    port=$((20000 + $$ % 20000))
    (cd "$work/site" && exec python3 -m http.server --bind 127.0.0.1 "$port") >/dev/null 2>&1 &
    server=$!
    # wait (at most about 5 s) until it answers
    i=0
    while [ $i -lt 50 ]; do
        if python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/', timeout=1)" 2>/dev/null; then
            break
        fi
        sleep 0.1
        i=$((i + 1))
    done
fi
if [ -n "$port" ]; then
    call web-fetch "{\"url\": \"http://127.0.0.1:$port/index.html\"}" --allow-host "http://127.0.0.1:$port"
else
    echo
    echo "(python3 is not installed: no local server, so web-fetch shows the policy refusing a host)"
    call web-fetch '{"url": "https://example.com/"}'
fi

echo
echo "And the sandbox's limits: an endless loop in jsexec, stopped after 1 s."
call jsexec '{"code": "for (;;) {}"}' --timeout 1s

expected=1
[ -z "$port" ] && expected=2
echo
if [ $failed -eq $expected ]; then
    echo "demo: done; the last call is meant to fail$([ -z "$port" ] && echo ', and so is the refused fetch')"
else
    echo "demo: $failed calls reported is_error, $expected expected: see above"
    exit 1
fi
