#!/bin/sh
# e2e_jsexec.sh - end-to-end tests of the jsexec tool (boxedjs-execute.wasm)
# run by `corral run`, in temporary work dirs.
#
#   sh tests/e2e_jsexec.sh CORRAL WASM
#
# Each case feeds one JSON input on stdin and checks the exit status and
# strings that the one result object must (or must not) contain.  When node
# is on PATH, the same module is also run under node:wasi (it must stay a
# plain WebAssembly 2.0 module).  Prints `ok N - desc` or `FAIL N - desc:
# why`; the last line is `e2e_jsexec: N passed, N failed, N skipped`.
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
root=$(dirname "$here")

pass=0
fail=0
skipped=0
n=0

if [ ! -x "$corral" ] || [ ! -f "$wasm" ]; then
    echo "FAIL 1 - setup: $corral or $wasm is missing"
    echo "e2e_jsexec: 0 passed, 1 failed, 0 skipped"
    exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/e2e_jsexec.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
work=$tmp/work
mkdir -p "$work"

limit=""
if command -v timeout >/dev/null 2>&1; then
    limit="timeout 60"
fi

ok() {
    pass=$((pass + 1))
    echo "ok $n - $1"
}
bad() {
    fail=$((fail + 1))
    echo "FAIL $n - $1: $2"
}

# jcase DESC STATUS INPUT [+MUST ...] [-MUSTNOT ...] -- [CORRAL RUN FLAGS...]
#   Runs `corral run FLAGS WASM` with INPUT on stdin.  STATUS is the
#   expected exit status.  +TEXT: stdout contains TEXT; -TEXT: it does not.
#   Default flags: --work-dir $work.
jcase() {
    desc=$1 want=$2 input=$3
    shift 3
    n=$((n + 1))
    musts=$tmp/musts.$n
    : >"$musts"
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
        printf '%s\n' "$1" >>"$musts"
        shift
    done
    [ $# -gt 0 ] && shift
    if [ $# -eq 0 ]; then
        set -- --work-dir "$work"
    fi
    printf '%s' "$input" >"$tmp/in.$n"
    # shellcheck disable=SC2086 # $limit is empty or two words
    $limit "$corral" run "$@" "$wasm" <"$tmp/in.$n" >"$tmp/out.$n" 2>"$tmp/err.$n"
    rc=$?
    why=""
    [ "$rc" -eq "$want" ] || why="exit status $rc, expected $want"
    while IFS= read -r m; do
        case $m in
        +*) grep -a -F -q -e "${m#+}" "$tmp/out.$n" ||
                why="${why:+$why; }output lacks '${m#+}'" ;;
        -*) ! grep -a -F -q -e "${m#-}" "$tmp/out.$n" ||
                why="${why:+$why; }output has '${m#-}'" ;;
        esac
    done <"$musts"
    if [ -z "$why" ]; then
        ok "$desc"
    else
        bad "$desc" "$why; got '$(head -c 300 "$tmp/out.$n")' $(head -c 200 "$tmp/err.$n")"
    fi
}

# ---- values, closures, JSON, regular expressions --------------------------
jcase "last expression value" 0 '{"code": "1 + 2"}' \
    '+{"content": "3", "is_error": false' '+"result_type": "number"'
jcase "closures keep their state" 0 \
    '{"code": "function counter() { var c = 0; return function () { return ++c; }; }\nvar a = counter(), b = counter(); a(); a(); [a(), b()]"}' \
    '+"content": "[3,1]"'
jcase "console.log then main(args)" 0 \
    '{"code": "console.log(\"hello\", 42, {a: [1, 2]});\nfunction main(args) { return args.length + \":\" + args.join(\",\"); }", "args": ["x", "y"]}' \
    '+"content": "hello 42 { a: [ 1, 2 ] }\n2:x,y"' '+"is_error": false'
jcase "JSON parse and stringify round trip" 0 \
    '{"code": "var o = JSON.parse(\"{\\\"k\\\": [1, 2.5, \\\"s\\\", null, true]}\"); o.k.push({n: o.k.length}); JSON.stringify(o)"}' \
    '+"content": "{\"k\":[1,2.5,\"s\",null,true,{\"n\":5}]}"'
jcase "object result is JSON-stringified" 0 '{"code": "({a: 1, b: \"two\"})"}' \
    '+"content": "{\"a\":1,\"b\":\"two\"}"' '+"result": {"a":1,"b":"two"}'
jcase "regular expressions" 0 \
    '{"code": "var m = /(\\d+)-(\\w+)/.exec(\"id 12-ab\"); [m[1], m[2], \"a-b-c\".replace(/-/g, \"+\"), /^x/i.test(\"Xy\"), \"a1b22\".match(/\\d+/g)]"}' \
    '+"content": "[\"12\",\"ab\",\"a+b+c\",true,[\"1\",\"22\"]]"'

# ---- exceptions ---------------------------------------------------------
jcase "thrown and caught" 0 \
    '{"code": "var r = []; try { null.x; } catch (e) { r.push(e.name); } try { throw new RangeError(\"r\"); } catch (e) { r.push(e.message); } finally { r.push(\"fin\"); } try { JSON.parse(\"{bad\"); } catch (e) { r.push(e.name); } r.join(\" \")"}' \
    '+"content": "TypeError r fin SyntaxError"'
jcase "uncaught error: is_error with its stack" 1 \
    '{"code": "console.log(\"before\");\nfunction inner() { throw new Error(\"boom\"); }\nfunction outer() { inner(); }\nouter();"}' \
    '+"content": "before\nUncaught Error: boom\n    at inner ([code]:2)\n    at outer ([code]:3)' '+"is_error": true'
jcase "uncaught non-Error value" 1 '{"code": "throw {code: 7}"}' \
    '+"content": "Uncaught {\"code\":7}"' '+"is_error": true'
jcase "syntax error is an error result" 1 '{"code": "var = ;"}' \
    '+"content": "Uncaught SyntaxError' '+"is_error": true'
jcase "deep JS recursion: catchable RangeError" 0 \
    '{"code": "function f(n) { return 1 + f(n + 1); } try { f(0); } catch (e) { e.name + \": \" + e.message }"}' \
    '+"content": "RangeError: callstack limit"'
jcase "deep native recursion: catchable RangeError" 0 \
    '{"code": "function f(n) { return [n].map(function (x) { return f(x + 1); }); } try { f(0); } catch (e) { e.name }"}' \
    '+"content": "RangeError"'
jcase "many throws in a loop" 0 \
    '{"code": "var c = 0; for (var i = 0; i < 2000; i++) { try { if (i % 2) throw new Error(\"e\" + i); c += 1; } catch (e) { c += 2; } } c"}' \
    '+"content": "3000"'

# ---- fs ---------------------------------------------------------------------
jcase "fs: write then read in the work dir" 0 \
    '{"code": "fs.writeFileSync(\"notes.txt\", \"line1\\nline2\\n\"); fs.appendFileSync(\"/notes.txt\", \"line3\"); fs.readFileSync(\"/notes.txt\", \"utf8\").split(\"\\n\")"}' \
    '+"content": "[\"line1\",\"line2\",\"line3\"]"'
n=$((n + 1))
if [ "$(cat "$work/notes.txt" 2>/dev/null)" = "line1
line2
line3" ]; then ok "fs: the file is on the host in the work dir"; else bad "fs: the file is on the host in the work dir" "work/notes.txt is '$(cat "$work/notes.txt" 2>&1)'"; fi
jcase "fs: mkdirSync recursive, readdirSync, existsSync, statSync" 0 \
    '{"code": "fs.mkdirSync(\"a/b/c\", {recursive: true}); fs.mkdirSync(\"a/b/c\", {recursive: true}); fs.writeFileSync(\"a/b/c/f.txt\", \"xyz\"); [fs.readdirSync(\"a/b\"), fs.existsSync(\"a/b/c/f.txt\"), fs.existsSync(\"nope\"), fs.statSync(\"a/b/c/f.txt\").size, fs.statSync(\"a\").isDirectory(), require(\"fs\") === fs]"}' \
    '+"content": "[[\"c\"],true,false,3,true,true]"'
jcase "fs: readFileSync without encoding gives a Buffer" 0 \
    '{"code": "var b = fs.readFileSync(\"a/b/c/f.txt\"); [b.length, b[0], String(b)]"}' \
    '+"content": "[3,120,\"xyz\"]"'
jcase "fs: a missing file is an ENOENT error" 0 \
    '{"code": "try { fs.readFileSync(\"/missing.txt\", \"utf8\"); } catch (e) { e.code + \" | \" + e.message }"}' \
    "+\"content\": \"ENOENT | ENOENT: no such file or directory, open '/missing.txt'\""
jcase "fs: /etc/passwd with nothing mapped is refused" 1 \
    '{"code": "fs.readFileSync(\"/etc/passwd\", \"utf8\")"}' \
    "+Uncaught Error: ENOTCAPABLE: not permitted" "+open '/etc/passwd'" '+"is_error": true' \
    '-root:' -- --timeout 20
jcase "fs: ../ cannot climb out of the work dir" 0 \
    '{"code": "[fs.existsSync(\"../../../../etc/passwd\"), fs.readdirSync(\"/../..\").indexOf(\"etc\")]"}' \
    '+"content": "[false,-1]"'

# ---- process ------------------------------------------------------------------
jcase "process.argv from args" 0 \
    '{"code": "process.argv.slice(2).join(\"|\")", "args": ["one", "two words", 3]}' \
    '+"content": "one|two words|3"'
jcase "process.env is the guest environment" 0 \
    '{"code": "[process.env.GREETING, process.env.HOME === undefined]"}' \
    '+"content": "[\"hi there\",true]"' -- --work-dir "$work" --env "GREETING=hi there"
jcase "process.exit(0) keeps the output" 0 \
    '{"code": "console.log(\"a\"); process.exit(0); console.log(\"never\")"}' \
    '+"content": "a"' '-never' '+"is_error": false'
jcase "process.exit(3) is an error with exit_code 3" 1 \
    '{"code": "console.log(\"partial\"); process.exit(3);"}' \
    '+"content": "partial\nprocess.exit(3)"' '+"is_error": true' '+"exit_code": 3'
jcase "console.error and warn are collected in order" 0 \
    '{"code": "console.log(1); console.error(\"e\"); console.warn(\"w\"); console.info(\"i\")"}' \
    '+"content": "1\ne\nw\ni"'

# ---- Node basics: console as util.inspect, process, fs, path, util, require ----
# (50-node.js, 55-modules.js; the expected output is what node v20 prints)
mkdir -p "$work/lib/dir" "$work/node_modules/pkg/src"
printf 'exports.name = "m1"; exports.file = __filename; exports.sub = require("./lib/sub").v;\n' >"$work/m1.js"
printf 'module.exports = { v: 42 };\n' >"$work/lib/sub.js"
printf '{"k": [1, 2]}\n' >"$work/lib/data.json"
printf 'module.exports = "dir index";\n' >"$work/lib/dir/index.js"
printf 'exports.loaded = false; var b = require("./cb"); exports.fromB = b.seenA; exports.loaded = true;\n' >"$work/ca.js"
printf 'var a = require("./ca"); exports.seenA = a.loaded;\n' >"$work/cb.js"
printf '{"main": "src/main.js"}\n' >"$work/node_modules/pkg/package.json"
printf 'module.exports = function hello(n) { return "hi " + n; };\n' >"$work/node_modules/pkg/src/main.js"
printf 'function f() {\n  throw new Error("in module");\n}\nmodule.exports = f;\n' >"$work/thrower.js"
jcase "node: console.log of nested values like util.inspect" 0 '{"code": "console.log('\''s'\'', 1, -0, [1, 2, 3], [], {}, {a: 1, '\''b-c'\'': 2}, ['\''q'\'', \"it'\''s\"], null, undefined)"}' \
    '+"content": "s 1 -0 [ 1, 2, 3 ] [] {} { a: 1, '\''b-c'\'': 2 } [ '\''q'\'', \"it'\''s\" ] null undefined"'
jcase "node: depth 2 then [Object] and [Array]" 0 '{"code": "console.log({a: {b: {c: {d: 1}}}}, [[[[1]]]])"}' \
    '+"content": "{ a: { b: { c: [Object] } } } [ [ [ [Array] ] ] ]"'
jcase "node: functions, dates, regexps, symbols, boxed primitives" 0 '{"code": "console.log(function f() {}, [function () {}], new Date(0), /x/g, Symbol('\''s'\''), new Number(3), new String('\''ab'\''))"}' \
    '+"content": "[Function: f] [ [Function (anonymous)] ] 1970-01-01T00:00:00.000Z /x/g Symbol(s) [Number: 3] [String: '\''ab'\'']"'
jcase "node: circular references, class instances, null prototype" 0 '{"code": "var o = {a: 1}; o.self = o; function A() { this.x = 1; } var n = Object.create(null); n.k = 1; console.log(o, new A(), n)"}' \
    '+"content": "<ref *1> { a: 1, self: [Circular *1] } A { x: 1 } [Object: null prototype] { k: 1 }"'
jcase "node: sparse arrays and more than 100 items" 0 '{"code": "var s = [1, , 3]; s[10] = 5; var b = []; for (var i = 0; i < 102; i++) b.push(0); console.log(s, new Array(2)); console.log(b.length, require('\''util'\'').inspect(b).slice(-20))"}' \
    '+"content": "[ 1, <1 empty item>, 3, <7 empty items>, 5 ] [ <2 empty items> ]\n102   ... 2 more items\n]"'
jcase "node: long arrays are grouped in columns, long objects broken" 0 '{"code": "console.log([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26]); console.log({aaaaaaaaaa: '\''bbbbbbbbbbbbbbbbbbbb'\'', cccccccccccc: '\''dddddddddddddddd'\'', eeeeeeeeeeee: 1234567})"}' \
    '+"content": "[\n   1,  2,  3,  4,  5,  6,  7,  8,\n   9, 10, 11, 12, 13, 14, 15, 16,\n  17, 18, 19, 20, 21, 22, 23, 24,\n  25, 26\n]\n{\n  aaaaaaaaaa: '\''bbbbbbbbbbbbbbbbbbbb'\'',\n  cccccccccccc: '\''dddddddddddddddd'\'',\n  eeeeeeeeeeee: 1234567\n}"'
jcase "node: errors show their stack, with their own properties" 0 '{"code": "var e = new Error('\''x'\''); e.code = '\''E1'\''; console.log(e); console.log({n: new RangeError('\''r'\'')})"}' \
    '+"content": "Error: x\n    at eval ([code]:1) {\n  code: '\''E1'\''\n}\n{\n  n: RangeError: r\n      at eval ([code]:1)\n}"'
jcase "node: printf-style format strings" 0 '{"code": "console.log('\''%s is %d, %i, %f, %j %o %O %c|%%|%x'\'', '\''Bob'\'', 42.5, 42.5, '\''3.5x'\'', {a: [1]}, {b: 2}, {c: {d: {e: {f: 1}}}}, '\''css'\'', '\''rest'\'', 7); console.log('\''100%'\'', '\''%s'\'')"}' \
    '+"content": "Bob is 42.5, 42, 3.5, {\"a\":[1]} { b: 2 } { c: { d: { e: [Object] } } } |%|%x rest 7\n100% %s"'
jcase "node: console.dir, console.table, assert, count, group" 0 '{"code": "console.dir({a: {b: {c: 1}}}, {depth: 0}); console.table([{a: 1, b: '\''x'\''}, {a: 2}]); console.assert(false, '\''it %s'\'', '\''failed'\''); console.count(); console.count(); console.group('\''G'\''); console.log('\''in'\''); console.groupEnd(); console.log('\''out'\'')"}' \
    '+"content": "{ a: [Object] }\n┌─────────┬───┬─────┐\n│ (index) │ a │ b   │\n├─────────┼───┼─────┤\n│ 0       │ 1 │ '\''x'\'' │\n│ 1       │ 2 │     │\n└─────────┴───┴─────┘\nAssertion failed: it failed\ndefault: 1\ndefault: 2\nG\n  in\nout"'
jcase "node: process.stdout.write, nextTick after the script, platform, cwd" 0 '{"code": "process.stdout.write('\''a'\''); process.stdout.write('\''b\\n'\''); process.nextTick(function (x) { console.log('\''tick'\'', x); }, 7); console.log('\''first'\'', process.platform, process.cwd())"}' \
    '+"content": "ab\nfirst wasi /\ntick 7"'
jcase "node: path" 0 '{"code": "var p = require('\''path'\''); [p.join('\''a'\'', '\'''\'', '\''b/../c'\'', '\''./d/'\''), p.resolve('\''a/b'\'', '\''../c'\''), p.normalize('\''/a//b/./c/..'\''), p.dirname('\''/a/b/'\''), p.basename('\''/a/b.txt'\'', '\''.txt'\''), p.extname('\''x.tar.gz'\''), p.relative('\''/data/a/b'\'', '\''/data/c'\''), p.isAbsolute('\''a'\''), p.parse('\''/h/f.txt'\'').name, p.format({dir: '\''/x'\'', base: '\''y'\''}), p.sep]"}' \
    '+"content": "[\"a/c/d/\",\"/a/c\",\"/a/b\",\"/a\",\"b\",\".gz\",\"../../c\",false,\"f\",\"/x/y\",\"/\"]"'
jcase "node: util inspect, format, isDeepStrictEqual; the node: prefix" 0 '{"code": "var u = require('\''node:util'\''); [u.inspect({a: [1, '\''x'\'']}), u.format('\''%s=%d'\'', '\''k'\'', 2, '\''more'\''), u.isDeepStrictEqual({a: [1, {b: 2}]}, {a: [1, {b: 2}]}), u.isDeepStrictEqual([1], ['\''1'\'']), require('\''node:path'\'') === require('\''path'\'')]"}' \
    '+"content": "[\"{ a: [ 1, '\''x'\'' ] }\",\"k=2 more\",true,false,true]"'
jcase "node: fs rename, copy, rm, readdir withFileTypes, stat" 0 '{"code": "var fs = require('\''fs'\''); fs.mkdirSync('\''t/a/b'\'', {recursive: true}); fs.writeFileSync('\''t/a/f.txt'\'', '\''abc'\''); fs.renameSync('\''t/a/f.txt'\'', '\''t/a/g.txt'\''); fs.copyFileSync('\''t/a/g.txt'\'', '\''t/a/h.txt'\''); var r = [fs.readdirSync('\''t/a'\''), fs.readdirSync('\''t/a'\'', {withFileTypes: true}).map(function (d) { return d.name + (d.isDirectory() ? '\''/'\'' : '\'''\''); }), fs.statSync('\''t/a/h.txt'\'').size, fs.statSync('\''t/a/h.txt'\'').isFile(), fs.statSync('\''t'\'').isDirectory(), fs.readFileSync('\''t/a/h.txt'\'', {encoding: '\''utf8'\''})]; fs.rmSync('\''t'\'', {recursive: true}); r.push(fs.existsSync('\''t'\'')); r"}' \
    '+"content": "[[\"b\",\"g.txt\",\"h.txt\"],[\"b/\",\"g.txt\",\"h.txt\"],3,true,true,\"abc\",false]"'
jcase "node: fs errors as node words them, with the path as given" 0 '{"code": "var fs = require('\''fs'\''), m = []; try { fs.readFileSync('\''missing.txt'\'') } catch (e) { m.push(e.message, e.code, e.errno) } try { fs.renameSync('\''n1'\'', '\''n2'\'') } catch (e) { m.push(e.message) } try { fs.mkdirSync('\''lib'\'') } catch (e) { m.push(e.message) } try { fs.rmSync('\''lib'\'') } catch (e) { m.push(e.code) } m.join('\'' | '\'')"}' \
    '+"content": "ENOENT: no such file or directory, open '\''missing.txt'\'' | ENOENT | -2 | ENOENT: no such file or directory, rename '\''n1'\'' -> '\''n2'\'' | EEXIST: file already exists, mkdir '\''lib'\'' | ERR_FS_EISDIR"'
jcase "node: require of sandbox files: .js, .json, index.js, node_modules, cache, cycles" 0 '{"code": "var m = require('\''./m1'\''); [m.name, m.file, m.sub, require('\''/m1.js'\'') === m, require('\''./lib/data'\'').k, require('\''./lib/dir'\''), require('\''pkg'\'')('\''x'\''), require('\''./ca'\''), require('\''./cb'\'')]"}' \
    '+"content": "[\"m1\",\"/m1.js\",42,true,[1,2],\"dir index\",\"hi x\",{\"loaded\":true,\"fromB\":false},{\"seenA\":false}]"'
jcase "node: an error in a module has its file and line in the stack" 1 '{"code": "require('\''./thrower'\'')()"}' \
    '+"content": "Uncaught Error: in module\n    at f (/thrower.js:2)' \
    '+"is_error": true'
jcase "node: a missing module is MODULE_NOT_FOUND" 0 '{"code": "try { require('\''./nope'\'') } catch (e) { e.code + '\'': '\'' + e.message }"}' \
    '+"content": "MODULE_NOT_FOUND: Cannot find module '\''./nope'\''"'
jcase "node: unsupported modules name themselves" 1 '{"code": "require('\''child_process'\'')"}' \
    '+"content": "Uncaught Error: Cannot find module '\''child_process'\'': jsexec has no child processes, network or OS modules (available: fs, path, util)'
jcase "node: module, exports, __filename of the script" 0 '{"code": "exports.a = 1; [module.exports.a, typeof require.cache, __filename, require.main === module]"}' \
    '+"content": "[1,\"object\",\"[code]\",true]"'
jcase "node: fs encodings, wx flag, callbacks after the script" 0 '{"code": "var fs = require('\''fs'\''); fs.writeFileSync('\''enc.txt'\'', '\''hi'\''); var r = [fs.readFileSync('\''enc.txt'\'', '\''hex'\''), fs.readFileSync('\''enc.txt'\'', '\''base64'\''), fs.readFileSync('\''enc.txt'\'', '\''latin1'\'')]; try { fs.writeFileSync('\''enc.txt'\'', '\''x'\'', {flag: '\''wx'\''}); } catch (e) { r.push(e.code); } fs.readFile('\''enc.txt'\'', '\''utf8'\'', function (err, d) { console.log('\''cb'\'', err, d); fs.unlinkSync('\''enc.txt'\''); }); console.log(r.join('\'' '\''))"}' \
    '+"content": "6869 aGk= hi EEXIST\ncb null hi"'
printf 'console.log(__filename, __dirname, require("../m1").name, module.id);\nprocess.nextTick(function () { console.log("tick"); });\nfunction main() { return require.main === module; }\n' >"$work/lib/main.js"
jcase "node: a file_path script is the main module, requiring relative to its directory" 0 '{"file_path": "/lib/main.js"}' \
    '+"content": "/lib/main.js /lib m1 .\ntick\ntrue"'

# ---- input, output ---------------------------------------------------------------
printf 'function main(args) { return "from file " + args[0]; }\n' >"$work/script.js"
jcase "file_path input" 0 '{"file_path": "/script.js", "args": ["ok"]}' \
    '+"content": "from file ok"'
jcase "a missing file_path is an error" 1 '{"file_path": "/nope.js"}' '+"is_error": true' '+nope.js'
jcase "code or file_path is required" 1 '{"args": []}' '+"is_error": true' '+code or file_path'
jcase "output escaping: quotes, control bytes, unicode" 0 \
    '{"code": "\"q\\\"b\\\\\\\\t\\u0001\\u00e9\\u4e2d\""}' \
    '+"content": "q\"b\\\\t\u0001é中"'

if command -v python3 >/dev/null 2>&1; then
    n=$((n + 1))
    printf '%s' '{"code": "console.log(String.fromCharCode(0, 7, 27, 0xd800) + \"\\u2028\"); \"end\""}' >"$tmp/esc.json"
    $limit "$corral" run "$wasm" <"$tmp/esc.json" >"$tmp/esc.out" 2>&1
    if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["content"].endswith("end") else 1)' "$tmp/esc.out" 2>/dev/null; then
        ok "any bytes in the output still give valid JSON"
    else
        bad "any bytes in the output still give valid JSON" "$(head -c 300 "$tmp/esc.out")"
    fi
else
    n=$((n + 1)); skipped=$((skipped + 1)); echo "ok $n - # SKIP valid JSON check (no python3)"
fi

# ---- limits ---------------------------------------------------------------------
n=$((n + 1))
printf '%s' '{"code": "for (;;) {}"}' >"$tmp/loop.json"
start=$(date +%s)
$limit "$corral" run --timeout 1 "$wasm" <"$tmp/loop.json" >"$tmp/loop.out" 2>"$tmp/loop.err"
rc=$?
took=$(($(date +%s) - start))
if [ $rc -eq 134 ] && [ $took -le 10 ]; then
    ok "an infinite loop is stopped by --timeout 1 (134)"
else
    bad "an infinite loop is stopped by --timeout 1 (134)" "status $rc after ${took}s: $(head -c 200 "$tmp/loop.err")"
fi

# ---- read-only mappings and special files --------------------------------
# readonly_map_via_symlink: writeFileSync through a symlink of the work dir
# into a --map-dir ...:ro tree is refused, and the file stays.
ro=$tmp/ro
mkdir -p "$ro/sub"
printf 'orig\n' >"$ro/sub/f"
ln -s sub "$ro/lnk"
jcase "readonly_map_via_symlink: writeFileSync('/lnk/f') refused" 1 \
    '{"code": "var fs = require(\"fs\"); try { fs.writeFileSync(\"/lnk/f\", \"pwned\"); } catch (e) { console.log(e.code); } fs.readFileSync(\"/lnk/f\", \"utf8\") + fs.readFileSync(\"/sub/f\", \"utf8\") + (function () { fs.writeFileSync(\"/lnk/new\", \"x\"); })()"}' \
    '+"content": "EPERM\n' '+"is_error": true' -- --work-dir "$ro" --map-dir "$ro/sub::/sub:ro"
n=$((n + 1))
if [ "$(cat "$ro/sub/f")" = orig ] && [ "$(ls -A "$ro/sub")" = f ]; then ok "readonly_map_via_symlink: sub unchanged"
else bad "readonly_map_via_symlink: sub unchanged" "$(ls -A "$ro/sub" | tr '\n' ' '): $(cat "$ro/sub/f")"; fi

# fifo_open_does_not_block: readFileSync of a FIFO with no writer ends at
# once with an error, with and without --timeout 1s.
mkfifo "$tmp/fifo"
for tl in "" "--timeout 1s"; do
    n=$((n + 1))
    printf '%s' '{"code": "require(\"fs\").readFileSync(\"/fifo\")"}' >"$tmp/fifo.json"
    start=$(date +%s)
    # shellcheck disable=SC2086
    timeout 10 "$corral" run $tl --work-dir "$tmp" "$wasm" <"$tmp/fifo.json" >"$tmp/fifo.out" 2>"$tmp/fifo.err"
    rc=$?
    took=$(($(date +%s) - start))
    if [ $rc -eq 1 ] && [ $took -le 3 ] && grep -F -q "ENXIO: not a regular file or directory (a FIFO, socket or device file), which the sandbox does not open, open '/fifo'" "$tmp/fifo.out"; then
        ok "fifo_open_does_not_block: readFileSync('/fifo') ${tl:-(no timeout)} (${took}s)"
    else
        bad "fifo_open_does_not_block: readFileSync('/fifo') ${tl:-(no timeout)}" "status $rc after ${took}s: $(head -c 200 "$tmp/fifo.out")"
    fi
done
# device_read_bounded: /dev/zero mapped in is an endless file; reading it
# whole is stopped by --timeout.
if [ -c /dev/zero ]; then
    n=$((n + 1))
    printf '%s' '{"code": "require(\"fs\").readFileSync(\"/dev/zero\").length"}' >"$tmp/zero.json"
    start=$(date +%s)
    timeout 20 "$corral" run --timeout 2s --map-dir /dev::/dev:ro "$wasm" <"$tmp/zero.json" >"$tmp/zero.out" 2>"$tmp/zero.err"
    rc=$?
    took=$(($(date +%s) - start))
    if [ $rc -ne 0 ] && [ $rc -ne 124 ] && [ $took -le 8 ]; then
        ok "device_read_bounded: readFileSync('/dev/zero') ends by --timeout 2s (status $rc, ${took}s)"
    else
        bad "device_read_bounded: readFileSync('/dev/zero') ends by --timeout 2s" "status $rc after ${took}s: $(head -c 200 "$tmp/zero.out") $(head -c 200 "$tmp/zero.err")"
    fi
fi

# ---- the same module under node:wasi -----------------------------------------------
n=$((n + 1))
if command -v node >/dev/null 2>&1 && [ -f "$root/bench/node-wasi.mjs" ]; then
    printf '%s' '{"code": "try { JSON.parse(\"{\"); } catch (e) { console.log(e.name); } [1, 2, 3].map(function (x) { return x * x; })"}' >"$tmp/node.json"
    $limit node --no-warnings "$root/bench/node-wasi.mjs" "$wasm" <"$tmp/node.json" >"$tmp/node.out" 2>&1
    rc=$?
    if [ $rc -eq 0 ] && grep -F -q '"content": "SyntaxError\n[1,4,9]"' "$tmp/node.out"; then
        ok "node:wasi runs the module (plain WebAssembly 2.0), errors included"
    else
        bad "node:wasi runs the module (plain WebAssembly 2.0), errors included" "status $rc: $(head -c 300 "$tmp/node.out")"
    fi
else
    skipped=$((skipped + 1))
    echo "ok $n - # SKIP node:wasi run (no node)"
fi

echo "e2e_jsexec: $pass passed, $fail failed, $skipped skipped"
[ $fail -eq 0 ]
