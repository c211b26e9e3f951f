#!/bin/sh
# e2e_webfetch.sh CORRAL WASM SERVER - end-to-end tests of the web-fetch
# tool through `corral tool web-fetch`, against tests/net_server.c (SERVER,
# a built binary) on 127.0.0.1.  WASM is build/wasm/tools/web-fetch.wasm;
# its directory is passed as --tools-dir.
#
# The HTML pages come from a temporary directory: served by net_server's
# /static/NAME route when it has one (NET_SERVER_DIR is set for it), else
# by `python3 -m http.server` bound to 127.0.0.1; with neither, the HTML
# cases are skipped.  All traffic goes to loopback addresses only.
#
# Output: `ok N - desc` / `FAIL N - desc: why` / `ok N - desc # skip why`,
# last line `e2e_webfetch: N passed, N failed, N skipped`; exit 1 if any
# failed.  Needs only POSIX sh and coreutils (python3 is optional).
# $ALLOW / $PYALLOW are split into flag and value on purpose; the `...` in
# single quotes are markdown, not commands; cleanup runs from trap.
# shellcheck disable=SC2086,SC2016,SC2317
set -u

if [ $# -ne 3 ]; then
    echo "usage: $0 CORRAL WASM SERVER" >&2
    exit 2
fi
abs() { case $1 in /*) echo "$1" ;; *) echo "$(pwd)/$1" ;; esac; }
CORRAL=$(abs "$1")
WASM=$(abs "$2")
SERVER=$(abs "$3")
TOOLS=$(dirname "$WASM")

n=0 pass=0 fail=0 skip=0
server_pid="" py_pid=""
TMP=$(mktemp -d)
cleanup() {
    for p in $server_pid $py_pid; do
        kill "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    server_pid="" py_pid=""
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'cleanup; exit 1' INT TERM HUP

ok()  { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); fail=$((fail + 1)); echo "FAIL $n - $1: $2"; }
skp() { n=$((n + 1)); skip=$((skip + 1)); echo "ok $n - $1 # skip $2"; }
summary() {
    echo "e2e_webfetch: $pass passed, $fail failed, $skip skipped"
    [ $fail -eq 0 ]
    exit $?
}

for f in "$CORRAL" "$SERVER"; do
    if [ ! -x "$f" ]; then
        bad "setup" "$f is not executable"
        summary
    fi
done
if [ ! -f "$WASM" ]; then
    bad "setup" "$WASM not built (make build/wasm/tools/web-fetch.wasm)"
    summary
fi

# ---- the pages ---------------------------------------------------------------
WWW=$TMP/www
mkdir -p "$WWW/docs"
cat >"$WWW/docs/page.html" <<'EOF'
<!DOCTYPE html>
<html><head><meta charset="utf-8">
<title>  Test &amp; Page
</title>
<style>p { color: red }</style>
<script>document.write("<p>script text</p>");</script>
</head>
<body>
<!-- <p>comment text</p> -->
<h1>Main   Heading</h1>
<p>Hello <b>bold</b> world, see <a href="about.html">the about page</a>
and <a href="/top.html">top</a> and <a href="https://example.org/x">outside</a>.</p>
<p>Entities: &lt;tag&gt; &amp; caf&eacute; &#8364;5 &#x263A;</p>
<ul><li>First item</li><li>Second item</li></ul>
<ol><li>one</li><li>two</li></ol>
<pre>line 1
  line 2</pre>
<noscript>noscript text</noscript>
<div hidden>hidden text</div>
<table><tr><th>Name</th><th>Qty</th></tr><tr><td>apple</td><td>3</td></tr></table>
<p><img src="logo.png" alt="The logo"></p>
</body></html>
EOF
printf '<html><head><meta charset="iso-8859-1"><title>Latin</title></head><body><p>caf\351 na\357ve</p></body></html>' \
    >"$WWW/docs/latin1.html"
printf 'static ok\n' >"$WWW/probe.txt"

# ---- the servers -----------------------------------------------------------------
NET_SERVER_DIR=$WWW "$SERVER" >"$TMP/ports" 2>"$TMP/server.err" &
server_pid=$!
i=0
while [ ! -s "$TMP/ports" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
read -r PORT _ <"$TMP/ports" 2>/dev/null
if [ -z "${PORT:-}" ]; then
    bad "setup" "the test server did not start: $(cat "$TMP/server.err")"
    summary
fi
BASE=http://127.0.0.1:$PORT
ALLOW="--allow-host $BASE"

# wf JSON [corral tool flags...]: runs web-fetch, sets OUT and RC
wf() {
    _j=$1
    shift
    OUT=$("$CORRAL" tool --tools-dir "$TOOLS" --work-dir "$TMP" "$@" web-fetch "$_j" 2>"$TMP/err")
    RC=$?
}
# has DESC RC SUBSTRING...: OUT has every SUBSTRING and the exit status is RC
has() {
    _d=$1 _rc=$2
    shift 2
    if [ "$RC" != "$_rc" ]; then
        bad "$_d" "exit $RC (want $_rc): $OUT"
        return
    fi
    for _s in "$@"; do
        case $OUT in
        *"$_s"*) ;;
        *) bad "$_d" "output lacks [$_s]: $OUT"; return ;;
        esac
    done
    ok "$_d"
}
# lacks DESC SUBSTRING...: OUT has none of them
lacks() {
    _d=$1
    shift
    for _s in "$@"; do
        case $OUT in
        *"$_s"*) bad "$_d" "output has [$_s]: $OUT"; return ;;
        esac
    done
    ok "$_d"
}

# Where the HTML pages are served: net_server's /static/, else python3.
HTML=""
wf "{\"url\":\"$BASE/static/probe.txt\",\"extract_mode\":\"raw\"}" $ALLOW
case $OUT in
*'"content":"static ok\n"'*) HTML=$BASE/static ;;
esac
PYALLOW=""
if [ -z "$HTML" ] && command -v python3 >/dev/null 2>&1; then
    python3 -u -m http.server --bind 127.0.0.1 --directory "$WWW" 0 >"$TMP/py.out" 2>&1 &
    py_pid=$!
    i=0
    while ! grep -q 'port [0-9]' "$TMP/py.out" 2>/dev/null && [ $i -lt 50 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    pyport=$(sed -n 's/.* port \([0-9][0-9]*\).*/\1/p' "$TMP/py.out" | head -n 1)
    if [ -n "$pyport" ]; then
        HTML=http://127.0.0.1:$pyport
        PYALLOW="--allow-host $HTML"
    fi
fi

# ---- HTML ------------------------------------------------------------------------
if [ -n "$HTML" ]; then
    PAGE=$HTML/docs/page.html
    ORIGIN=$(echo "$HTML" | sed 's|^\(http://[^/]*\).*|\1|')
    wf "{\"url\":\"$PAGE\"}" $ALLOW $PYALLOW
    has "html: markdown is the default; title and heading" 0 \
        '"title":"Test & Page"' '# Main Heading' '"status":200' '"is_error":false'
    has "html markdown: links kept, relative ones resolved" 0 \
        "[the about page]($HTML/docs/about.html)" "[top]($ORIGIN/top.html)" \
        '[outside](https://example.org/x)'
    has "html markdown: lists, emphasis, entities" 0 \
        '- First item\n- Second item' '1. one\n2. two' '**bold**' \
        'Entities: <tag> & café €5 ☺'
    has "html markdown: pre kept, table rows, image alt" 0 \
        '```\nline 1\n  line 2\n```' '| Name | Qty |\n| --- | --- |\n| apple | 3 |' \
        "![The logo]($HTML/docs/logo.png)"
    lacks "html: script, style, comments, noscript and hidden skipped" \
        'script text' 'color: red' 'comment text' 'noscript text' 'hidden text' '<p>'

    wf "{\"url\":\"$PAGE\",\"extract_mode\":\"text\"}" $ALLOW $PYALLOW
    has "html to text: plain heading, links as text (URL)" 0 \
        '"content":"Main Heading\n\nHello bold world, see the about page ('"$HTML"'/docs/about.html)' \
        '- First item' '1. one' 'Name | Qty' '"title":"Test & Page"'
    lacks "html to text: no markdown markup" '# Main' '**bold**' '```' '[the about page]'

    wf "{\"url\":\"$PAGE\",\"extract_mode\":\"raw\"}" $ALLOW $PYALLOW
    has "html raw: the HTML itself" 0 '<h1>Main   Heading</h1>' '"title":"Test & Page"'

    wf "{\"url\":\"$HTML/docs/latin1.html\",\"extract_mode\":\"text\"}" $ALLOW $PYALLOW
    has "html: a Latin-1 page is converted to UTF-8" 0 '"content":"café naïve"'

    # a redirect to the page: links resolve against the final URL
    wf "{\"url\":\"$BASE/redirect?to=$PAGE\"}" $ALLOW $PYALLOW
    has "redirect to an HTML page: final URL, links resolved against it" 0 \
        "\"url\":\"$PAGE\"" '"redirects":1' "[the about page]($HTML/docs/about.html)"
else
    for d in "html to markdown" "html to text" "html raw" "html latin-1" "redirect to html"; do
        skp "$d" "no HTML server (net_server has no /static/ route and python3 is missing)"
    done
fi

# ---- pass-through --------------------------------------------------------------------
wf "{\"url\":\"$BASE/json\"}" $ALLOW
has "json passes through unchanged" 0 '"content":"{\"ok\":true}"' \
    '"content_type":"application/json"' '"bytes":11' '"truncated":false'

wf "{\"url\":\"$BASE/ok\",\"extract_mode\":\"text\"}" $ALLOW
has "plain text passes through unchanged" 0 '"content":"hello from net_server\n"' \
    '"content_type":"text/plain"'

wf "{\"url\":\"$BASE/binary\"}" $ALLOW
has "binary content: a note instead of the bytes" 0 '[binary content: application/octet-stream, 256 bytes' \
    '"bytes":256'
wf "{\"url\":\"$BASE/binary\",\"extract_mode\":\"raw\"}" $ALLOW
has "binary content, raw: escaped into valid JSON" 0 '"content":"\u0000\u0001\u0002' '"bytes":256'

wf "{\"url\":\"$BASE/echo\",\"method\":\"POST\",\"headers\":{\"X-Test\":\"yes\"},\"body\":\"a=1&b=2\"}" $ALLOW
has "POST with headers and a body" 0 '"content":"POST\n' 'X-Test: yes' 'a=1&b=2'

# ---- errors ------------------------------------------------------------------------------
wf "{\"url\":\"$BASE/missing\"}" $ALLOW
has "404: is_error with the status and the start of the body" 1 \
    '"content":"HTTP 404 Not Found from GET '"$BASE"'/missing\n\nnot found' '"is_error":true' \
    '"status":404'

wf "{\"url\":\"$BASE/json\"}"
has "denied host: is_error naming the destination and how to allow it" 1 '"is_error":true' \
    "disallowed destination '$BASE'" "add '$BASE' to the allowed outbound hosts"

wf "{\"url\":\"$BASE/redirect?to=http://127.0.0.1:1/x\"}" $ALLOW
has "a redirect to a denied destination names both URLs" 1 '"is_error":true' \
    "$BASE/redirect?to=http://127.0.0.1:1/x" "http://127.0.0.1:1"

wf "{\"url\":\"$BASE/slow?ms=4000\",\"timeout_seconds\":1}" $ALLOW
has "timeout: is_error naming timeout_seconds" 1 'Timed out' 'timeout_seconds is 1' '"is_error":true'

wf "{\"url\":\"ftp://127.0.0.1/x\"}" $ALLOW
has "bad URL: not http(s)" 1 'only http:// and https:// URLs' '"is_error":true'
wf "{\"url\":\"http:///nohost\"}" $ALLOW
has "bad URL: no host" 1 'Invalid URL' '"is_error":true'
wf "{\"url\":\"$BASE/ok\",\"headers\":{\"X-A\":\"1\\r\\nX-B: 2\"}}" $ALLOW
has "a header value with a line break is refused" 1 'line break' '"is_error":true'

# ---- redirects -------------------------------------------------------------------------------
wf "{\"url\":\"$BASE/redirect?to=/json\"}" $ALLOW
has "redirect: the final URL in metadata" 0 "\"url\":\"$BASE/json\"" '"redirects":1' \
    '"content":"{\"ok\":true}"'
wf "{\"url\":\"$BASE/redirect?to=/json\",\"max_redirects\":0}" $ALLOW
has "max_redirects 0: a redirect is an error" 1 'Too many redirects' 'max_redirects is 0'

# ---- truncation ----------------------------------------------------------------------------------
wf "{\"url\":\"$BASE/big?mb=1\",\"max_chars\":30}" $ALLOW
has "max_chars: the text is cut with a note" 0 \
    '"content":"abcdefghijklmnopqrstuvwxyzabcd\n\n[... truncated: showing the first 30 of 1048576 characters' \
    '"truncated":true' '"bytes":1048576'
wf "{\"url\":\"$BASE/big?mb=2\",\"max_response_bytes\":1000}" $ALLOW
has "max_response_bytes: the body is cut at the cap" 0 '"bytes":1000' '"truncated":true' \
    'cut at max_response_bytes (1000 bytes)'

summary
