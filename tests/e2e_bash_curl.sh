#!/bin/sh
# e2e_bash_curl.sh CORRAL BASHWASM SERVER - end-to-end tests of the bash
# tool's curl (and wget) builtins, which speak HTTP through corral's
# network policy (the corral_net imports), against tests/net_server.c
# (SERVER, a built binary; tests/e2e_net.sh builds it into
# build/e2e-net/net_server) on 127.0.0.1.
#
# Each case runs
#   corral run --work-dir TMP/wN --allow-host http://127.0.0.1:PORT BASHWASM
# with {"command": SCRIPT} on stdin (`corral run` blocks no network by
# default; only the test server's own origin is allowed, so its second
# port serves as a denied destination).  The tool's JSON result is checked
# by its metadata.exit_code and by substrings of its content (stdout, then
# "[stderr]" and stderr), written as they appear JSON-escaped.
#
# Output: `ok N - desc` / `FAIL N - desc: why`, last line
# `e2e_bash_curl: N passed, N failed, N skipped`; exit 1 if any failed.
# All traffic goes to loopback addresses only.
set -u

if [ $# -ne 3 ]; then
    echo "usage: $0 CORRAL BASHWASM SERVER" >&2
    exit 2
fi
abs() { case $1 in /*) echo "$1" ;; *) echo "$(pwd)/$1" ;; esac; }
CORRAL=$(abs "$1")
WASM=$(abs "$2")
SERVER=$(abs "$3")

n=0 pass=0 fail=0 skip=0
server_pid=""
TMP=$(mktemp -d)
cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null
        wait "$server_pid" 2>/dev/null
        server_pid=""
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'cleanup; exit 1' INT TERM HUP

ok()  { n=$((n + 1)); pass=$((pass + 1)); printf 'ok %s - %s\n' "$n" "$1"; }
bad() { n=$((n + 1)); fail=$((fail + 1)); printf 'FAIL %s - %s: %s\n' "$n" "$1" "$2"; }
summary() {
    echo "e2e_bash_curl: $pass passed, $fail failed, $skip skipped"
    [ $fail -eq 0 ]
    exit $?
}

if [ ! -x "$CORRAL" ]; then
    bad "setup" "$CORRAL is not executable"
    summary
fi
if [ ! -f "$WASM" ]; then
    bad "setup" "$WASM not built (make build/wasm/tools/bash.wasm)"
    summary
fi
if [ ! -x "$SERVER" ]; then
    bad "setup" "$SERVER is not executable (sh tests/e2e_net.sh builds it)"
    summary
fi

"$SERVER" >"$TMP/ports" 2>"$TMP/server.err" &
server_pid=$!
i=0
while [ ! -s "$TMP/ports" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
read -r HP EP <"$TMP/ports" 2>/dev/null
if [ -z "${HP:-}" ] || [ -z "${EP:-}" ]; then
    bad "setup" "the test server did not start: $(cat "$TMP/server.err")"
    summary
fi
H=http://127.0.0.1:$HP
D=http://127.0.0.1:$EP # a port that is not allowed

limit=""
if command -v timeout >/dev/null 2>&1; then
    limit="timeout 60"
fi

# run SCRIPT: runs the bash tool in a fresh work dir $W; sets OUT (the JSON
# result) and RC (metadata.exit_code, or "none").
run() {
    W=$TMP/w$((n + 1))
    mkdir -p "$W"
    esc=$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')
    printf '{"command": "%s"}' "$esc" >"$TMP/in.json"
    # shellcheck disable=SC2086 # $limit is empty or two words
    OUT=$($limit "$CORRAL" run --work-dir "$W" --allow-host "$H" "$WASM" <"$TMP/in.json" 2>"$TMP/err")
    RC=$(printf '%s' "$OUT" | grep -o '"exit_code": *[0-9]*' | head -n 1 | sed 's/.*: *//')
    RC=${RC:-none}
}

# check DESC WANT_RC SCRIPT [SUBSTRING...]: the exit code is WANT_RC and the
# JSON result contains every SUBSTRING (prefix one with ! for "must not").
check() {
    desc=$1 want=$2 script=$3
    shift 3
    run "$script"
    if [ "$RC" != "$want" ]; then
        bad "$desc" "exit code $RC, expected $want; result: $(printf '%s' "$OUT" | head -c 600) $(head -c 200 "$TMP/err")"
        return
    fi
    for s in "$@"; do
        case $s in
        !*)
            if printf '%s' "$OUT" | grep -qF -- "${s#!}"; then
                bad "$desc" "result has '${s#!}': $(printf '%s' "$OUT" | head -c 600)"
                return
            fi
            ;;
        *)
            if ! printf '%s' "$OUT" | grep -qF -- "$s"; then
                bad "$desc" "result lacks '$s': $(printf '%s' "$OUT" | head -c 600)"
                return
            fi
            ;;
        esac
    done
    ok "$desc"
}

# ---- the cases -------------------------------------------------------------------
check "allowed GET" 0 "curl -s $H/ok" \
    '"content": "hello from net_server\n"'

check "-o FILE writes the body, nothing on stdout" 0 "curl -s -o out.json $H/json; echo rc=\$?" \
    '"content": "rc=0\n"'
if [ "$(cat "$W/out.json" 2>/dev/null)" = '{"ok":true}' ]; then
    ok "-o FILE: the file holds the body"
else
    bad "-o FILE: the file holds the body" "got '$(cat "$W/out.json" 2>&1)'"
fi

check "-O saves under the remote name" 0 "curl -sO $H/json && cat json" \
    '"content": "{\"ok\":true}"'

check "-i includes the status line and headers (CRLF)" 0 "curl -si $H/json" \
    'HTTP/1.1 200 OK\r\n' 'Content-Type: application/json\r\n' '\r\n\r\n{\"ok\":true}'

check "-I sends HEAD and shows only the head" 0 "curl -sI $H/ok" \
    'HTTP/1.1 200 OK\r\n' 'Content-Length: 22' '!hello from net_server'

check "-X POST -d sends the method, form type and body" 0 \
    "curl -s -X POST -d 'a=1' -d 'b=2' $H/echo" \
    '"content": "POST\n' 'Content-Type: application/x-www-form-urlencoded' '\n\na=1&b=2"'

check "-d alone implies POST; --data-binary @file keeps newlines" 0 \
    "printf 'line1\\nline2\\n' > body.txt; curl -s --data-binary @body.txt $H/echo" \
    '"content": "POST\n' '\n\nline1\nline2\n"'

check "-H adds request headers" 0 "curl -s -H 'X-Test: yes' -H 'X-Other: 2' $H/echo" \
    'X-Test: yes\n' 'X-Other: 2\n'

check "-f on 404: exit 22 and curl's message, no body" 22 "curl -f $H/nope" \
    'curl: (22) The requested URL returned error: 404' '!not found'

check "-sf on 404: exit 22, silent" 22 "curl -sf $H/nope" \
    '!curl: (22)'

check "without -f a 404 is exit 0 with the body" 0 "curl -s $H/nope" \
    '"content": "not found\n"'

check "-w %{http_code} (also on 404, with -o /dev/null)" 0 \
    "curl -s -o /dev/null -w '%{http_code}\\n' $H/nope; curl -s -o /dev/null -w '%{http_code} %{content_type}' $H/json" \
    '"content": "404\n200 application/json"'

check "denied host: exit 7 naming the destination and how to allow it" 7 "curl $D/ok" \
    "curl: (7) Failed to connect to 127.0.0.1 port $EP" \
    "disallowed destination '$D'" "add '$D' to the allowed outbound hosts"

check "denied host with -s: exit 7, no message" 7 "curl -s $D/ok" \
    '!curl: (7)'

check "-L follows a redirect" 0 "curl -sL '$H/redirect?to=/ok'" \
    '"content": "hello from net_server\n"'

check "without -L the 302 is the answer" 0 \
    "curl -s -o /dev/null -w '%{http_code} %{redirect_url}' '$H/redirect?to=/ok'" \
    "\"content\": \"302 $H/ok\""

check "-L to a disallowed port: exit 7 naming the redirect" 7 \
    "curl -sS -L '$H/redirect?to=$D/x'" \
    "curl: (7) Failed to connect to 127.0.0.1 port $EP" "redirect from '$H/redirect?to=$D/x' to '$D/x'"

check "--max-time on a slow reply: exit 28" 28 "curl -sS --max-time 0.5 '$H/slow?ms=3000'" \
    'curl: (28) Operation timed out after'

check "bad URL: exit 3" 3 "curl -sS 'http://a b/'" 'curl: (3) URL rejected'

check "unsupported protocol: exit 1" 1 "curl -sS ftp://127.0.0.1:$HP/" \
    'curl: (1) Protocol \"ftp\" not supported'

check "too large: exit 63" 63 "curl -sS --max-filesize 1000 '$H/big?mb=1'" \
    'curl: (63) Maximum file size exceeded'

check "binary-safe body through a pipe" 0 "curl -s $H/binary | md5sum; curl -s -o b.bin $H/binary; wc -c < b.bin" \
    '"content": "e2c865db4162bed963bfaa9ef6ac18f0  -\n256\n"'

check "no URL: exit 2" 2 "curl -s" 'curl: no URL specified!'

check "wget -q -O FILE" 0 "wget -q -O w.txt $H/ok && cat w.txt" \
    '"content": "hello from net_server\n"'

summary
