#!/bin/sh
# e2e_tool_cli.sh - end-to-end tests of `corral tools` and of what
# `corral tool` itself does around a tool: the manifest, input validation,
# the sandbox defaults and flags, and turning every way a tool can be
# stopped or misbehave into one JSON result.
#
#   sh tests/e2e_tool_cli.sh CORRAL
#
# The tools here are stand-ins written in WebAssembly text (built with
# wat2wasm into a temporary directory, one directory per stand-in, passed
# with --tools-dir): a module that echoes its stdin, one that loops
# forever, one that recurses, one that eats memory, one that prints
# garbage, and so on.  The real tools have their own tests.
#
# Output: `ok N - desc` or `FAIL N - desc: why` per case, and a last line
# `e2e_tool_cli: N passed, N failed, N skipped`; exits 1 if any failed.
set -u

if [ $# -ne 1 ]; then
    echo "usage: $0 CORRAL" >&2
    exit 2
fi
corral=$1
case $corral in /*) ;; *) corral=$(pwd)/$corral ;; esac

. "$(cd "$(dirname "$0")" && pwd)/tap.sh"

finish() {
    summary e2e_tool_cli
    exit $?
}

if [ ! -x "$corral" ]; then
    echo "FAIL 1 - $corral is not executable"
    fail=1
    finish
fi
if ! command -v wat2wasm >/dev/null 2>&1; then
    echo "FAIL 1 - wat2wasm (wabt) is not installed"
    fail=1
    finish
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/corral-tool-cli.XXXXXX") || exit 1
# E2E_KEEP=1 keeps the directory (the outputs are $tmp/CASE.out and .err).
if [ -z "${E2E_KEEP:-}" ]; then
    trap 'rm -rf "$tmp"' EXIT INT TERM
else
    echo "# keeping $tmp"
fi
work=$tmp/work
mkdir -p "$work"
has_jq=0
command -v jq >/dev/null 2>&1 && has_jq=1

limit=""
command -v timeout >/dev/null 2>&1 && limit="timeout 60"

# ---- stand-in tools -------------------------------------------------------------------

# stand_in DIR FILE: FILE.wasm in $tmp/DIR from the WAT on stdin.
stand_in() {
    mkdir -p "$tmp/$1"
    cat >"$tmp/$1/$2.wat"
    if ! wat2wasm "$tmp/$1/$2.wat" -o "$tmp/$1/$2.wasm" 2>"$tmp/$1/$2.log"; then
        echo "# wat2wasm failed for $1/$2: $(head -n 3 "$tmp/$1/$2.log")"
    fi
}

# shellcheck disable=SC2016 # WebAssembly text, not shell: $fd_write is a WAT name
WASI='(import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))'

# printer DIR FILE FD CODE TEXT: a tool that writes TEXT to FD and exits
# with CODE (CODE "trap": traps with unreachable instead).
printer() {
    len=$(printf '%s' "$5" | wc -c | tr -d ' ')
    text=$(printf '%s' "$5" | sed 's/\\/\\\\/g; s/"/\\"/g')
    if [ "$4" = trap ]; then end='unreachable'; else end="(call \$exit (i32.const $4))"; fi
    stand_in "$1" "$2" <<EOF
(module
  $WASI
  (memory (export "memory") 1)
  (data (i32.const 64) "$text")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const $len))
    (drop (call \$fd_write (i32.const $3) (i32.const 0) (i32.const 1) (i32.const 8)))
    $end))
EOF
}

# echo: copies stdin (the input JSON) into the metadata of its result.
stand_in echo file-read <<EOF
(module
  $WASI
  (memory (export "memory") 2)
  (data (i32.const 100) "{\\"content\\":\\"echo\\",\\"is_error\\":false,\\"metadata\\":")
  (data (i32.const 200) "}")
  (func (export "_start") (local \$n i32) (local \$total i32)
    (block \$done
      (loop \$more
        (i32.store (i32.const 0) (i32.add (i32.const 1024) (local.get \$total)))
        (i32.store (i32.const 4) (i32.sub (i32.const 100000) (local.get \$total)))
        (br_if \$done (call \$fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
        (local.set \$n (i32.load (i32.const 8)))
        (br_if \$done (i32.eqz (local.get \$n)))
        (local.set \$total (i32.add (local.get \$total) (local.get \$n)))
        (br \$more)))
    (i32.store (i32.const 0) (i32.const 100))
    (i32.store (i32.const 4) (i32.const 46))
    (i32.store (i32.const 8) (i32.const 1024))
    (i32.store (i32.const 12) (local.get \$total))
    (i32.store (i32.const 16) (i32.const 200))
    (i32.store (i32.const 20) (i32.const 1))
    (drop (call \$fd_write (i32.const 1) (i32.const 0) (i32.const 3) (i32.const 24)))))
EOF
cp "$tmp/echo/file-read.wasm" "$tmp/echo/bash.wasm"
cp "$tmp/echo/file-read.wasm" "$tmp/echo/boxedjs-execute.wasm"

# loop: never ends (as file-read.wasm and as bash.wasm).
stand_in loop file-read <<EOF
(module
  (memory (export "memory") 1)
  (func (export "_start") (loop \$l (br \$l))))
EOF
cp "$tmp/loop/file-read.wasm" "$tmp/loop/bash.wasm"

stand_in recurse file-read <<EOF
(module
  (memory (export "memory") 1)
  (func \$f (call \$f))
  (func (export "_start") (call \$f)))
EOF

# grow: memory.grow until refused, then trap as a failed malloc would.
stand_in grow file-read <<EOF
(module
  (memory (export "memory") 1)
  (func (export "_start")
    (loop \$l (br_if \$l (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
    unreachable))
EOF

# bigmin: 10000 pages (625 MiB) of initial memory, above the default 512 MiB.
stand_in bigmin file-read <<EOF
(module
  (memory (export "memory") 10000)
  (func (export "_start")))
EOF

stand_in oob file-read <<EOF
(module
  (memory (export "memory") 1)
  (func (export "_start") (drop (i32.load (i32.const 70000)))))
EOF

printer garbage file-read 1 0 'hello, this is not JSON'
printer empty file-read 1 0 '   '
printer twice file-read 1 0 '{"content":"a","is_error":false}{"content":"b"}'
printer toolerr file-read 1 1 '{"content":"file not found: /x","is_error":true,"metadata":{"file_path":"/x"}}'
printer good file-read 1 0 '{"content":"1\thello","is_error":false,"metadata":{"lines":1}}'
printer exit3 file-read 1 3 '{"content":"odd","is_error":false,"metadata":{}}'
printer nometa file-read 1 0 '{"content":"fine","is_error":false,"metadata":7}'
printer stderrtrap file-read 2 trap 'boom: something broke'
printer array file-read 1 0 '[1,2]'

# Tools that break the result contract (result_contract_enforced below).
# raw_printer DIR FD CODE LEN WAT: as printer, with TEXT already in WAT
# string syntax (\ff is the byte 0xff) and LEN its length in bytes.
raw_printer() {
    if [ "$3" = trap ]; then end='unreachable'; else end="(call \$exit (i32.const $3))"; fi
    stand_in "$1" file-read <<EOF
(module
  $WASI
  (memory (export "memory") 1)
  (data (i32.const 64) "$5")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const $4))
    (drop (call \$fd_write (i32.const $2) (i32.const 0) (i32.const 1) (i32.const 8)))
    $end))
EOF
}
raw_printer rc_utf8_out 1 0 8 'ok \ff\fe no'
raw_printer rc_utf8_str 1 0 48 '{\"content\":\"a\ffb\",\"is_error\":false,\"metadata\":{}}'
raw_printer rc_utf8_err 2 trap 9 'bad \c3\28 \ff!'
printer rc_types file-read 1 0 '{"content": 12, "is_error": "yes", "metadata": [1]}'
printer rc_null file-read 1 0 '{"content":null,"is_error":false,"metadata":{}}'
printer rc_missing file-read 1 0 '{"is_error":false}'
printer rc_content_only file-read 1 0 '{"content":"x"}'
printer rc_trailing file-read 1 0 '{"content":"a","is_error":false,"metadata":{}} and more'
raw_printer rc_two 1 0 93 '{\"content\":\"a\",\"is_error\":false,\"metadata\":{}}\0a{\"content\":\"b\",\"is_error\":false,\"metadata\":{}}'
printer rc_empty file-read 1 0 ''
printer rc_extra file-read 1 0 '{"content":"fine","is_error":false,"metadata":{"n":1},"extra":true}'

# looper DIR HEAD CHUNK COUNT TAIL: a tool that prints HEAD, CHUNK COUNT
# times and TAIL (output_amplification_bounded below).
looper() {
    q() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }
    n() { printf '%s' "$1" | wc -c | tr -d ' '; }
    stand_in "$1" file-read <<EOF
(module
  $WASI
  (memory (export "memory") 1)
  (data (i32.const 1024) "$(q "$2")")
  (data (i32.const 4096) "$(q "$3")")
  (data (i32.const 16384) "$(q "$5")")
  (func \$put (param \$at i32) (param \$len i32)
    (i32.store (i32.const 0) (local.get \$at))
    (i32.store (i32.const 4) (local.get \$len))
    (drop (call \$fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func (export "_start") (local \$i i32)
    (call \$put (i32.const 1024) (i32.const $(n "$2")))
    (block \$done
      (loop \$more
        (br_if \$done (i32.ge_u (local.get \$i) (i32.const $4)))
        (call \$put (i32.const 4096) (i32.const $(n "$3")))
        (local.set \$i (i32.add (local.get \$i) (i32.const 1)))
        (br \$more)))
    (call \$put (i32.const 16384) (i32.const $(n "$5")))))
EOF
}
# {"content":"x",...,"metadata":{"a":[0,0,...]}}: 5 + 1 + COUNT values
looper ov_100000 '{"content":"x","is_error":false,"metadata":{"a":[0' ',0' 99994 ']}}'
looper ov_100001 '{"content":"x","is_error":false,"metadata":{"a":[0' ',0' 99995 ']}}'
looper ov_arrays '{"content":"x","is_error":false,"metadata":{"a":[[]' "$(yes ',[]' | head -n 1000 | tr -d '\n')" 5000 ']}}'

# net: asks the host for http://10.1.2.3/ through corral_net; prints an
# error result when refused.
stand_in net web-fetch <<EOF
(module
  $WASI
  (import "corral_net" "http_request" (func \$req (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "GET")
  (data (i32.const 200) "http://10.1.2.3/")
  (data (i32.const 300) "{\"content\":\"request refused\",\"is_error\":true}")
  (data (i32.const 400) "{\"content\":\"fetched\",\"is_error\":false}")
  (func (export "_start")
    (if (call \$req (i32.const 100) (i32.const 3) (i32.const 200) (i32.const 16)
                    (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)
                    (i32.const 0) (i32.const 2000) (i32.const 0) (i32.const 16))
      (then
        (i32.store (i32.const 0) (i32.const 300))
        (i32.store (i32.const 4) (i32.const 45))
        (drop (call \$fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
        (call \$exit (i32.const 1)))
      (else
        (i32.store (i32.const 0) (i32.const 400))
        (i32.store (i32.const 4) (i32.const 38))
        (drop (call \$fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))))
EOF

# ---- the checks ---------------------------------------------------------------------------

# run NAME ARGS...: corral ARGS in $work; sets rc, out (stdout), err (stderr).
run() {
    name=$1
    shift
    # shellcheck disable=SC2086 # $limit is empty or two words
    (cd "$work" && $limit "$corral" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err")
    rc=$?
    out=$(cat "$tmp/$name.out")
    err=$(cat "$tmp/$name.err")
}

# expect DESC WANT_RC TEXT...: the last run exited WANT_RC and its stdout
# contains every TEXT (fixed strings).
expect() {
    desc=$1 want=$2
    shift 2
    if [ "$rc" -ne "$want" ]; then
        bad "$desc" "exit status $rc, expected $want; stdout: $(printf '%s' "$out" | head -c 400); stderr: $(printf '%s' "$err" | head -c 300)"
        return
    fi
    for t in "$@"; do
        case $out in
        *"$t"*) ;;
        *)
            bad "$desc" "stdout lacks '$t'; stdout: $(printf '%s' "$out" | head -c 600)"
            return
            ;;
        esac
    done
    lines=$(printf '%s\n' "$out" | wc -l | tr -d ' ')
    if [ "$lines" -ne 1 ]; then
        bad "$desc" "stdout is $lines lines, expected one JSON object on one line"
        return
    fi
    if [ $has_jq -eq 1 ] && ! printf '%s' "$out" | jq -e 'type == "object"' >/dev/null 2>&1; then
        bad "$desc" "stdout is not one JSON object: $(printf '%s' "$out" | head -c 300)"
        return
    fi
    ok "$desc"
}

# run_rss NAME INPUT ARGS...: as run, with the file INPUT on stdin, under
# /usr/bin/time; sets rss to the peak resident size in KiB (empty without
# /usr/bin/time).
run_rss() {
    name=$1 input=$2
    shift 2
    rss=""
    if [ -x /usr/bin/time ]; then
        # shellcheck disable=SC2086 # $limit is empty or two words
        (cd "$work" && $limit /usr/bin/time -f %M -o "$tmp/$name.rss" "$corral" "$@" <"$input" >"$tmp/$name.out" 2>"$tmp/$name.err")
        rc=$?
        rss=$(tail -n 1 "$tmp/$name.rss" 2>/dev/null)
    else
        # shellcheck disable=SC2086
        (cd "$work" && $limit "$corral" "$@" <"$input" >"$tmp/$name.out" 2>"$tmp/$name.err")
        rc=$?
    fi
    out=$(cat "$tmp/$name.out")
    err=$(cat "$tmp/$name.err")
}

# rss_below DESC MIB: the last run_rss peaked below MIB MiB.
rss_below() {
    case $rss in
    '') skip "$1" "/usr/bin/time (package time) is not installed" ;;
    *[!0-9]*) bad "$1" "cannot read the peak RSS: $rss" ;;
    *)
        if [ "$rss" -lt $(($2 * 1024)) ]; then
            ok "$1 ($((rss / 1024)) MiB)"
        else
            bad "$1" "peak RSS $((rss / 1024)) MiB, expected below $2 MiB"
        fi
        ;;
    esac
}

# lacks DESC TEXT: the last run's stdout does not contain TEXT.
lacks() {
    case $out in
    *"$2"*) bad "$1" "stdout has '$2': $(printf '%s' "$out" | head -c 400)" ;;
    *) ok "$1" ;;
    esac
}

# expect_bad_output DESC TEXT...: as expect (exit 1), for a bad_output
# result that itself keeps the contract: a string content, is_error true,
# an object metadata; and stdout is valid UTF-8.
expect_bad_output() {
    desc=$1
    shift
    if [ $has_jq -eq 1 ] && ! printf '%s' "$out" | jq -e '(.content | type) == "string" and .is_error == true and (.metadata | type) == "object" and .metadata.error == "bad_output"' >/dev/null 2>&1; then
        bad "$desc" "not a bad_output result with a string content: $(printf '%s' "$out" | head -c 400)"
        return
    fi
    if command -v iconv >/dev/null 2>&1 && ! printf '%s' "$out" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1; then
        bad "$desc" "stdout is not valid UTF-8"
        return
    fi
    expect "$desc" 1 '"error":"bad_output"' "$@"
}

# -- corral tools
run tools tools
if [ $rc -ne 0 ]; then
    bad "tools: exit 0" "exit status $rc: $err"
elif [ $has_jq -eq 1 ]; then
    names=$(printf '%s' "$out" | jq -r '[.[].name] | join(",")' 2>/dev/null)
    if [ "$names" != "read,write,edit,glob,grep,bash,web-fetch,jsexec" ]; then
        bad "tools: valid JSON with the eight tools" "names: '$names'"
    else
        ok "tools: valid JSON with the eight tools"
    fi
    shape=$(printf '%s' "$out" | jq -r '[.[] | select((.description | type) == "string" and (.description | length) > 40 and .input_schema.type == "object" and (.input_schema.properties | type) == "object" and (.permission | IN("read-only","write","execute","network")) and (keys == ["description","input_schema","name","permission"]))] | length' 2>/dev/null)
    if [ "$shape" = 8 ]; then
        ok "tools: each has name, description, input_schema and permission"
    else
        bad "tools: each has name, description, input_schema and permission" "$shape of 8 well-formed"
    fi
    perms=$(printf '%s' "$out" | jq -r '[.[] | .name + "=" + .permission] | join(" ")')
    if [ "$perms" = "read=read-only write=write edit=write glob=read-only grep=read-only bash=execute web-fetch=network jsexec=execute" ]; then
        ok "tools: permission levels"
    else
        bad "tools: permission levels" "$perms"
    fi
    req=$(printf '%s' "$out" | jq -r '[.[] | .name + ":" + ((.input_schema.required // []) | join("+"))] | join(" ")')
    if [ "$req" = "read:file_path write:file_path+content edit:file_path+old_string+new_string glob:pattern grep:pattern bash:command web-fetch:url jsexec:" ]; then
        ok "tools: required keys"
    else
        bad "tools: required keys" "$req"
    fi
else
    count=$(printf '%s' "$out" | grep -c '^    "name": ')
    if [ "$count" -eq 8 ]; then ok "tools: eight tools"; else bad "tools: eight tools" "found $count"; fi
    skip "tools: shape checks" "jq not installed"
fi
run tools_one tools --compact bash
case $out in
'[{"name":"bash",'*) ok "tools NAME --compact: one tool on one line" ;;
*) bad "tools NAME --compact: one tool on one line" "$(printf '%s' "$out" | head -c 100)" ;;
esac
run tools_unknown tools nosuch
if [ $rc -eq 2 ] && case $err in *"unknown tool 'nosuch'"*) true ;; *) false ;; esac; then
    ok "tools NAME: unknown tool is a usage error"
else
    bad "tools NAME: unknown tool is a usage error" "exit $rc, stderr: $err"
fi

# -- validation (the tool is never started: an empty tools dir proves it)
mkdir -p "$tmp/none"
T="--tools-dir=$tmp/none"
run v1 tool "$T" read '{"path":"a.txt"}'
expect "validate: unknown key, with the expected keys" 1 '"is_error":true' \
    "read: unknown key 'path' (did you mean 'file_path'?)" "missing required key 'file_path'" \
    'expected keys: file_path (string, required), offset (integer), limit (integer)' '"error":"invalid_input"'
run v2 tool "$T" write '{"file_path":"a.txt"}'
expect "validate: missing required key" 1 '"is_error":true' "write: missing required key 'content'"
run v3 tool "$T" read '{"file_path":"a","offset":"3"}'
expect "validate: wrong type" 1 "read: 'offset' must be an integer, got string \\\"3\\\""
run v4 tool "$T" read '{"file_path": "a",'
expect "validate: bad JSON, with its position" 1 '"is_error":true' 'read: the input is not valid JSON:' 'line 1, column' '(byte '
run v5 tool "$T" read '[1,2]'
expect "validate: the input must be an object" 1 'read: the input must be a JSON object, got an array'
run v6 tool "$T" grep '{"pattern":"x","output_mode":"lines"}'
expect "validate: enum" 1 "'output_mode' must be one of \\\"files_with_matches\\\", \\\"content\\\" or \\\"count\\\", got string \\\"lines\\\""
run v7 tool "$T" bash '{"command":"ls","timeout":601}'
expect "validate: maximum (bash timeout <= 600)" 1 "'timeout' must be at most 600, got integer 601"
run v8 tool "$T" read '{"file_path":"a","limit":0}'
expect "validate: minimum" 1 "'limit' must be at least 1, got integer 0"
run v9 tool "$T" read '{"file_path":""}'
expect "validate: empty string" 1 "'file_path' must not be empty"
run v10 tool "$T" edit '{"file_path":"a","old_string":"x","new_string":"y","replace_all":"yes"}'
expect "validate: boolean" 1 "'replace_all' must be a boolean, got string"
run v11 tool "$T" jsexec '{}'
expect "validate: jsexec needs code or file_path" 1 "jsexec: missing key: give 'code' or 'file_path'"
run v12 tool "$T" jsexec '{"code":"1","file_path":"a.js"}'
expect "validate: jsexec takes code or file_path, not both" 1 "give only one of 'code' and 'file_path', not both"
run v13 tool "$T" jsexec '{"code":"1","args":["a",2]}'
expect "validate: array items" 1 "'args[1]' must be a string, got integer 2"
run v14 tool "$T" web-fetch '{"url":"http://x/","headers":{"Accept":1}}'
expect "validate: object values" 1 "'headers.Accept' must be a string, got integer 1"
run v15 tool "$T" read '{"file_path":"a","file_path":"b"}'
expect "validate: duplicate key" 1 'read: the input is not valid JSON: duplicate object key'
run v16 tool "$T" read
expect "validate: no JSON means {}" 1 "missing required key 'file_path'"
run v17 tool "$T" nosuch '{}'
expect "unknown tool" 1 '"is_error":true' "unknown tool 'nosuch'; the tools are: read, write, edit, glob, grep, bash, web-fetch, jsexec" '"error":"unknown_tool"'
run v18 tool "$T" read '{"file_path":"a.txt"}'
expect "tool module missing: names the file and how to fix it" 1 '"is_error":true' "tool 'read' is not installed: cannot read $tmp/none/file-read.wasm: No such file or directory" '"error":"not_installed"'

# -- the call: input on stdin, result passed through with metadata.sandbox
run c1 tool --tools-dir "$tmp/echo" read '{"file_path":"a.txt","offset":5.0}'
expect "run: the input reaches the tool's stdin; sandbox metadata added" 0 \
    '{"content":"echo","is_error":false,"metadata":{"file_path":"a.txt","offset":5,"sandbox":{"fuel_used":' '"elapsed_ms":' '"peak_memory_bytes":131072}}}'
printf '%s' '{"file_path":"from-stdin.txt"}' >"$tmp/stdin.json"
(cd "$work" && $corral tool --tools-dir "$tmp/echo" read - <"$tmp/stdin.json" >"$tmp/c2.out" 2>"$tmp/c2.err")
rc=$?
out=$(cat "$tmp/c2.out")
err=$(cat "$tmp/c2.err")
expect "run: '-' reads the input from stdin" 0 '"file_path":"from-stdin.txt"'
CORRAL_TOOLS_DIR=$tmp/echo run c3 tool read '{"file_path":"env.txt"}'
expect "run: CORRAL_TOOLS_DIR" 0 '"file_path":"env.txt"'
run c4 tool --tools-dir "$tmp/good" read '{"file_path":"a.txt"}'
expect "run: a good result passes through unchanged" 0 '{"content":"1\thello","is_error":false,"metadata":{"lines":1,"sandbox":{"fuel_used":'
run c5 tool --tools-dir "$tmp/toolerr" read '{"file_path":"x"}'
expect "run: the tool's own error: exit 1" 1 '{"content":"file not found: /x","is_error":true,"metadata":{"file_path":"/x","sandbox":{'
run c6 tool --tools-dir "$tmp/exit3" read '{"file_path":"x"}'
expect "run: exit status other than 0/1 makes it an error" 1 '"is_error":true' '"exit_code":3'
run c7 tool --tools-dir "$tmp/nometa" read '{"file_path":"x"}'
expect_bad_output "result_contract_enforced: metadata that is not an object is bad output" \
    "the tool's result has metadata of type number, not object (exit status 0)"
run c8 tool --pretty --tools-dir "$tmp/good" read '{"file_path":"a.txt"}'
if [ $rc -eq 0 ] && [ "$(printf '%s\n' "$out" | wc -l)" -gt 5 ]; then ok "run: --pretty indents"; else bad "run: --pretty indents" "exit $rc: $out"; fi
run c9 tool --tools-dir "$tmp/echo" --fuel 1000000 read '{"file_path":"a"}'
expect "run: --fuel with enough fuel" 0 '"is_error":false'

# -- the sandbox stopped it
run s1 tool --tools-dir "$tmp/loop" --timeout 300ms read '{"file_path":"a"}'
expect "stopped: timeout (--timeout)" 1 '"content":"the tool was stopped: wall-clock limit of 300 ms reached (--timeout 300ms)"' \
    '"is_error":true' '"sandbox":{"fuel_used":' '"elapsed_ms":' '"peak_memory_bytes":' '"limit":"timeout"'
run s2 tool --tools-dir "$tmp/loop" bash '{"command":"x","timeout":1}'
expect "stopped: bash's timeout input sets the limit (plus grace)" 1 \
    "wall-clock limit of 3 s reached (the input's 'timeout' of 1 s, plus 2 s)"
run s3 tool --tools-dir "$tmp/loop" --fuel 1000 read '{"file_path":"a"}'
expect "stopped: fuel" 1 '"content":"the tool was stopped: all fuel consumed (--fuel 1000)"' '"fuel_used":1000,' '"limit":"fuel"'
run s4 tool --tools-dir "$tmp/recurse" read '{"file_path":"a"}'
expect "stopped: stack (default 1M)" 1 '"content":"the tool was stopped: call stack exhausted (--max-stack 1M)"' '"limit":"stack"'
run s5 tool --tools-dir "$tmp/recurse" --max-stack 64K read '{"file_path":"a"}'
expect "stopped: stack (--max-stack 64K)" 1 'call stack exhausted (--max-stack 64K)'
run s6 tool --tools-dir "$tmp/grow" --max-memory 1M read '{"file_path":"a"}'
expect "stopped: memory (--max-memory 1M)" 1 \
    '"content":"the tool was stopped: memory limit of 1 MiB reached (--max-memory 1M); it then trapped: unreachable"' \
    '"peak_memory_bytes":1048576' '"limit":"memory"'
run s7 tool --tools-dir "$tmp/bigmin" read '{"file_path":"a"}'
expect "stopped: memory (module needs more than the default 512M)" 1 \
    'the tool could not start: it needs more memory than the limit of 512 MiB (--max-memory 512M)'
run s8 tool --tools-dir "$tmp/oob" read '{"file_path":"a"}'
expect "stopped: a trap, and where (sandbox.trap_frames)" 1 '"content":"the tool was stopped: wasm trap: out of bounds memory access"' '"limit":"trap"' \
    '"trap_frames":[{"func":0,"offset":'
run s9 tool --tools-dir "$tmp/stderrtrap" read '{"file_path":"a"}'
expect "stopped: a trap keeps the tool's stderr" 1 'wasm trap: unreachable' '"stderr":"boom: something broke"'

# -- bad output
run b1 tool --tools-dir "$tmp/garbage" read '{"file_path":"a"}'
expect "bad output: not JSON" 1 "the tool's output is not a JSON object (exit status 0)" 'it began: hello, this is not JSON' '"error":"bad_output"' '"sandbox":{'
run b2 tool --tools-dir "$tmp/empty" read '{"file_path":"a"}'
expect "bad output: nothing" 1 'the tool printed no result (exit status 0, nothing on stdout)'
run b3 tool --tools-dir "$tmp/twice" read '{"file_path":"a"}'
expect "bad output: two objects" 1 'the tool printed more than one JSON value'
run b4 tool --tools-dir "$tmp/array" read '{"file_path":"a"}'
expect "bad output: an array" 1 "the tool's output is not a JSON object (exit status 0): it is an array"

# -- result_contract_enforced: every result has a string content, a
# boolean is_error and an object metadata; any other output is bad_output
# with a content that says what was wrong (and is valid UTF-8 whatever
# the tool printed)
run rc1 tool --tools-dir "$tmp/rc_utf8_out" read '{"file_path":"a"}'
expect_bad_output "result_contract_enforced: output that is not UTF-8 is quoted as \\xNN" \
    "the tool's output is not a JSON object (exit status 0)" 'it began: ok \\xff\\xfe no'
run rc2 tool --tools-dir "$tmp/rc_utf8_str" read '{"file_path":"a"}'
expect_bad_output "result_contract_enforced: a result with a string that is not UTF-8" \
    "the tool's output is not a JSON object (exit status 0)" 'a\\xffb'
run rc3 tool --tools-dir "$tmp/rc_utf8_err" read '{"file_path":"a"}'
expect "result_contract_enforced: stderr that is not UTF-8 is kept, quoted" 1 \
    '"content":"the tool was stopped: wasm trap: unreachable"' '"stderr":"bad \\xc3( \\xff!"'
run rc4 tool --tools-dir "$tmp/rc_types" read '{"file_path":"a"}'
expect_bad_output "result_contract_enforced: content, is_error and metadata of the wrong types" \
    "\"content\":\"the tool's result has content of type number, not string; is_error of type string, not boolean; metadata of type array, not object (exit status 0); it began: {\\\"content\\\": 12,"
run rc5 tool --tools-dir "$tmp/rc_null" read '{"file_path":"a"}'
expect_bad_output "result_contract_enforced: a null content" "the tool's result has content of type null, not string (exit status 0)"
run rc6 tool --tools-dir "$tmp/rc_missing" read '{"file_path":"a"}'
expect_bad_output "result_contract_enforced: no content and no metadata" "the tool's result has no content; no metadata (exit status 0)"
run rc7 tool --tools-dir "$tmp/rc_content_only" read '{"file_path":"a"}'
expect_bad_output "result_contract_enforced: no is_error" "the tool's result has no is_error; no metadata (exit status 0)"
run rc8 tool --tools-dir "$tmp/rc_trailing" read '{"file_path":"a"}'
expect_bad_output "result_contract_enforced: trailing data after the object" \
    'the tool printed more than one JSON value (exit status 0): after the object, at byte 47: and more'
run rc9 tool --tools-dir "$tmp/rc_two" read '{"file_path":"a"}'
expect_bad_output "result_contract_enforced: two JSON values" \
    'the tool printed more than one JSON value (exit status 0): after the object, at byte 47: {'
run rc10 tool --tools-dir "$tmp/rc_empty" read '{"file_path":"a"}'
expect_bad_output "result_contract_enforced: an empty output" 'the tool printed no result (exit status 0, nothing on stdout)'
run rc11 tool --tools-dir "$tmp/rc_extra" read '{"file_path":"a"}'
expect "result_contract_enforced: a key beyond the three passes through" 0 \
    '{"content":"fine","is_error":false,"metadata":{"n":1,"sandbox":{' '"extra":true'

# -- output_amplification_bounded: the host parses a tool's output too,
# within 100000 values (host.h); past them it is bad_output, never built
run_rss ov1 /dev/null tool --tools-dir "$tmp/ov_100000" read '{"file_path":"a"}'
expect "output_amplification_bounded: a result of 100000 values passes" 0 '{"content":"x","is_error":false,"metadata":{"a":[0,0,'
run_rss ov2 /dev/null tool --tools-dir "$tmp/ov_100001" read '{"file_path":"a"}'
expect_bad_output "output_amplification_bounded: a result of 100001 values is bad output, with where" \
    "the tool's output has more than 100000 JSON values (the limit of a result; exit status 0), at byte 200039; it began: {"
run_rss ov3 /dev/null tool --tools-dir "$tmp/ov_arrays" read '{"file_path":"a"}'
expect_bad_output "output_amplification_bounded: 15 MB of empty arrays are bad output" "the tool's output has more than 100000 JSON values"
rss_below "output_amplification_bounded: 15 MB of empty arrays are refused before they are built" 300

# -- input_amplification_bounded: what parsing an input costs the host is
# bounded whatever its shape (host.h: 64 MiB of text, 100000 JSON values,
# 64 levels of nesting), each checked at the bound and one past it; the
# peak RSS limits are generous (without the bounds, 60 MB of [] took 2.8 GB)
# values_input FILE N UNIT: {"file_path":"a","x":[UNIT, N times]}, 3 + N
# values when UNIT is one
values_input() {
    { printf '{"file_path":"a","x":['; yes "$3" | head -n "$(($2 - 1))" | tr '\n' ','; printf '%s]}' "$3"; } >"$1"
}
values_input "$tmp/in_100000" 99997 '{}'
run_rss ib1 "$tmp/in_100000" tool "$T" read -
expect "input_amplification_bounded: 100000 values (empty objects) are parsed" 1 "read: unknown key 'x'"
lacks "input_amplification_bounded: 100000 values are within the bound" 'JSON values'
rss_below "input_amplification_bounded: 100000 empty objects cost little" 200
values_input "$tmp/in_100001" 99998 '{}'
run_rss ib2 "$tmp/in_100001" tool "$T" read -
expect "input_amplification_bounded: 100001 values are refused, with where" 1 \
    'read: the input has more than 100000 JSON values (the limit of a tool input), at byte 300013' '"error":"invalid_input"'
values_input "$tmp/in_arrays" 20000000 '[]'
run_rss ib3 "$tmp/in_arrays" tool "$T" read -
expect "input_amplification_bounded: 60 MB of empty arrays are refused" 1 \
    'read: the input has more than 100000 JSON values (the limit of a tool input), at byte 300013'
rss_below "input_amplification_bounded: 60 MB of empty arrays are refused before they are built" 400
values_input "$tmp/in_keys" 99997 '{"k":1}'
run_rss ib4 "$tmp/in_keys" tool "$T" read -
expect "input_amplification_bounded: object keys are not values" 1 \
    'read: the input has more than 100000 JSON values (the limit of a tool input), at byte 400011'
nest() { printf '{"file_path":'; yes '[' | head -n "$1" | tr -d '\n'; yes ']' | head -n "$1" | tr -d '\n'; printf '}'; }
run ib5 tool "$T" read "$(nest 63)"
expect "input_amplification_bounded: 64 levels of nesting (the argument) are parsed" 1 "read: 'file_path' must be a string, got an array"
run ib6 tool "$T" read "$(nest 64)"
expect "input_amplification_bounded: 65 levels (the argument) are refused, with where" 1 \
    'read: the input has arrays and objects nested deeper than 64 levels (the limit of a tool input), at byte 76'
nest 1000000 >"$tmp/in_deep"
run_rss ib7 "$tmp/in_deep" tool "$T" read -
expect "input_amplification_bounded: a million levels (stdin) are refused" 1 'nested deeper than 64 levels (the limit of a tool input), at byte 76'
rss_below "input_amplification_bounded: a million levels cost little" 200
# {"file_path":"aaa...a"}: N bytes in all
size_input() {
    { printf '{"file_path":"'; head -c "$(($2 - 16))" /dev/zero | tr '\0' a; printf '"}'; } >"$1"
}
size_input "$tmp/in_64m" 67108864
run_rss ib8 "$tmp/in_64m" tool "$T" read -
expect "input_amplification_bounded: an input of exactly 64 MiB is taken" 1 "tool 'read' is not installed"
rss_below "input_amplification_bounded: an input of 64 MiB costs a few copies of it" 800
size_input "$tmp/in_64m1" 67108865
run_rss ib9 "$tmp/in_64m1" tool "$T" read -
expect "input_amplification_bounded: an input of 64 MiB and 1 byte is refused" 1 'read: the input is larger than 64 MiB' '"error":"invalid_input"'
rm -f "$tmp"/in_*

# -- network: deny by default, private networks blocked by default
run n1 tool --tools-dir "$tmp/net" web-fetch '{"url":"http://10.1.2.3/"}'
expect "network: denied by default, the rule is named" 1 '"is_error":true' 'request refused' "disallowed destination 'http://10.1.2.3:80'" '"network_denied":['
run n2 tool --tools-dir "$tmp/net" --allow-host 'http://10.1.2.3' web-fetch '{"url":"http://10.1.2.3/"}'
expect "network: private networks blocked by default even when allowed" 1 '"is_error":true' '"network_denied":['

# -- the command line
run u1 tool --tools-dir "$tmp/echo" --bogus read '{}'
if [ $rc -eq 2 ] && [ -z "$out" ]; then ok "usage: unknown flag is exit 2"; else bad "usage: unknown flag is exit 2" "exit $rc, stdout $out"; fi
run u2 tool --timeout 0 read '{}'
if [ $rc -eq 2 ]; then ok "usage: bad --timeout is exit 2"; else bad "usage: bad --timeout is exit 2" "exit $rc"; fi
run u3 tool --allow-host 'http://a*b.com' read '{}'
if [ $rc -eq 2 ] && case $err in *"a*b.com"*) true ;; *) false ;; esac; then ok "usage: bad --allow-host names the pattern"; else bad "usage: bad --allow-host names the pattern" "exit $rc: $err"; fi
run u4 tool --help
if [ $rc -eq 0 ] && case $out in *"usage: corral tool"*web-fetch*) true ;; *) false ;; esac; then ok "usage: --help lists the tools"; else bad "usage: --help lists the tools" "exit $rc"; fi
run u5 tool grep --help
if [ $rc -eq 0 ] && case $out in *output_mode*) true ;; *) false ;; esac; then ok "usage: NAME --help shows the inputs"; else bad "usage: NAME --help shows the inputs" "exit $rc"; fi
run u6 tool --tools-dir "$tmp/echo" --work-dir "$tmp/does-not-exist" read '{"file_path":"a"}'
if [ $rc -eq 2 ] && case $err in *does-not-exist*) true ;; *) false ;; esac; then ok "usage: a missing --work-dir is exit 2"; else bad "usage: a missing --work-dir is exit 2" "exit $rc: $err"; fi

# -- a call reads only its own tool's entry of the manifest (a scanner
# finds it): the entry it finds is the one the whole manifest has, for
# every tool (its name prefixes the message; its keys are those of --help)
for t in read write edit glob grep bash web-fetch jsexec; do
    run m1 tool --tools-dir "$tmp/echo" "$t" '{"zz_not_a_key": 1}'
    keys=$("$corral" tool "$t" --help | sed -n '/^Input keys:/,$p' | sed -n 's/^  \([^ ]*\) .*/\1/p')
    why=""
    case $out in *"\"content\":\"$t: unknown key 'zz_not_a_key'"*) ;; *) why="no '$t: unknown key' in $out" ;; esac
    for k in $keys; do
        case $out in *"expected keys:"*"$k ("*) ;; *) why="${why:+$why; }key $k missing" ;; esac
    done
    if [ -z "$why" ] && [ -n "$keys" ]; then ok "manifest: $t's own entry is found ($(echo $keys | wc -w) keys)"; else bad "manifest: $t's own entry is found" "$why"; fi
done

finish
