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

# ---- runtime (issue 11): collections, promises, event loop, built-ins ------
# rtcase DESC STATUS [+MUST ...] [-MUSTNOT ...] <<'EOF' ... EOF: the program
# (stdin) written to the work dir and run by file_path; the expected
# outputs are node's (v20) for the same program.
rtcase() {
    rt_file=rt_$((n + 1)).js
    cat >"$work/$rt_file"
    rt_desc=$1 rt_want=$2
    shift 2
    jcase "$rt_desc" "$rt_want" "{\"file_path\": \"/$rt_file\"}" "$@"
}
rtcase 'Map/Set: SameValueZero keys, insertion order, deletion during forEach' 0 '+n z 4 true 3/NaN/9 true abnz' <<'EOF'
var m = new Map([[1, 'a'], ['1', 'b']]); m.set(NaN, 'n').set(-0, 'z');
var s = new Set([3, 1, 3, NaN, NaN]), seen = [];
s.forEach(function (v) { seen.push(v); if (v === 3) { s.delete(1); s.add(9); } });
var it = m.keys(); it.next();
console.log([m.get(NaN), m.get(0), m.size, m.has('1'), seen.join('/'), it[Symbol.iterator]() === it, Array.from(m.values()).join('')].join(' '));
EOF
rtcase 'WeakMap/WeakSet: object keys only, no visible trace on the key' 0 '+1 false 0 {} 0 TypeError TypeError' <<'EOF'
var wm = new WeakMap(), k = {}, r = [];
wm.set(k, 1); r.push(wm.get(k), wm.has({}), Object.keys(k).length, JSON.stringify(k), Object.getOwnPropertySymbols(k).length);
try { wm.set('str', 1); } catch (e) { r.push(e.name); }
try { new WeakSet().add(1); } catch (e) { r.push(e.name); }
console.log(r.join(' '));
EOF
rtcase 'promise jobs, microtasks, timers and immediates in node'\''s order' 0 '+sync a1 fin qm a2 all a3 rp rt a4 fc t0 m-in-t imm imm2 t-in-t' <<'EOF'
var log = [];
function L(x) { return function () { log.push(x); }; }
Promise.resolve().then(L('a1')).then(L('a2')).then(L('a3')).then(L('a4'));
new Promise(function (r) { r(Promise.resolve()); }).then(L('rp'));
Promise.resolve().then(function () { return { then: function (r) { r(); } }; }).then(L('rt'));
Promise.reject(1).finally(L('fin')).catch(L('fc'));
Promise.all([1, Promise.resolve(2)]).then(L('all'));
queueMicrotask(L('qm'));
setTimeout(function () { log.push('t0'); Promise.resolve().then(L('m-in-t')); setImmediate(L('imm2')); setTimeout(L('t-in-t'), 0); }, 0);
setImmediate(L('imm'));
setTimeout(function () { console.log(log.join(' ')); }, 50);
log.push('sync');
EOF
rtcase 'virtual clock: setTimeout/setInterval/clear*/unref, Date.now() advances' 0 '+early iv1 iv2 iv3 late:true' '-unref' '-cleared' <<'EOF'
var t0 = Date.now(), out = [];
setTimeout(function (a) { out.push(a + (Date.now() - t0 >= 1000)); }, 1000, 'late:');
setTimeout(function () { out.push('early'); }, 10);
var n = 0, iv = setInterval(function () { out.push('iv' + (++n)); if (n === 3) clearInterval(iv); }, 100);
clearTimeout(setTimeout(function () { out.push('cleared'); }, 1));
setTimeout(function () { out.push('unref'); }, 99999).unref();
setTimeout(function () { console.log(out.join(' ')); }, 2000);
EOF
rtcase 'main() returning a promise is awaited' 0 '+"content": "waited\n{\"n\":0}"' '+"is_error": false' <<'EOF'
function main(args) {
  return new Promise(function (resolve) { setTimeout(function () { console.log('waited'); resolve({ n: args.length }); }, 50); });
}
EOF
rtcase 'an unhandled rejection ends the program with its stack' 1 '+"content": "before\nUncaught (in promise) Error: nobody caught me\n    at ' '-never printed' '+"is_error": true' <<'EOF'
console.log('before');
Promise.reject(new Error('nobody caught me'));
setTimeout(function () { console.log('never printed'); }, 0);
EOF
rtcase 'Promise.any (AggregateError), allSettled, race' 0 '+AggregateError All promises were rejected 1,2 true true\nfulfilled,rejected\nfast' <<'EOF'
Promise.any([Promise.reject(1), Promise.reject(2)]).catch(function (e) {
  console.log([e.name, e.message, e.errors.join(), e instanceof AggregateError, e instanceof Error].join(' '));
});
Promise.allSettled([1, Promise.reject('no')]).then(function (r) { console.log(r.map(function (x) { return x.status; }).join()); });
Promise.race([new Promise(function (r) { setTimeout(r, 20, 'slow'); }), new Promise(function (r) { setTimeout(r, 10, 'fast'); })]).then(console.log);
EOF
rtcase 'ES2015-ES2022 built-ins; stable sort' 0 '+true [1,2,3,4] 007 a+b+c {\"x\":1} [[\"y\",2]] 2 3 true 8 -4 -1 true a1b   x| 0.46211715726000974' <<'EOF'
var recs = []; for (var i = 0; i < 30; i++) recs.push({ k: i % 3, i: i });
var stable = recs.sort(function (a, b) { return a.k - b.k; }).every(function (r, j, a) { return j === 0 || a[j - 1].k < r.k || a[j - 1].i < r.i; });
console.log([stable, JSON.stringify([1, [2, [3, [4]]]].flat(Infinity)), '7'.padStart(3, '0'), 'a-b-c'.replaceAll('-', '+'),
  JSON.stringify(Object.fromEntries([['x', 1]])), JSON.stringify(Object.entries({ y: 2 })), Array.from(new Set([1, 1, 2])).length,
  [1, 2, 3].at(-1), [NaN].includes(NaN), [5, 12, 8].findLast(function (x) { return x < 10; }), Math.trunc(-4.7), Math.sign(-3),
  Number.isInteger(5), String.raw({ raw: ['a', 'b'] }, 1), '  x '.trimEnd() + '|', Math.tanh(0.5)].join(' '));
EOF
rtcase 'BigInt is a clear error' 1 '+Uncaught TypeError: BigInt is not supported by jsexec' <<'EOF'
BigInt(10);
EOF
rtcase 'structuredClone (cycles, Date, Map, Set, RegExp; DataCloneError), TextEncoder/TextDecoder' 0 '+true true 0 1 true true gi DataCloneError 7 4 1f600' <<'EOF'
var o = { d: new Date(0), m: new Map([[1, { z: 1 }]]), s: new Set([1]), a: [1, { b: 2 }], r: /x/gi };
o.self = o;
var c = structuredClone(o), r = [c.self === c, c.d instanceof Date, c.d.getTime(), c.m.get(1).z, c.m.get(1) !== o.m.get(1), c.s.has(1), c.r.flags];
try { structuredClone(function () {}); } catch (e) { r.push(e.name); }
var u = new TextEncoder().encode('h\u00e9\ud83d\ude00'), t = new TextDecoder().decode(u);
r.push(u.length, t.length, t.codePointAt(2).toString(16));
console.log(r.join(' '));
EOF
rtcase 'RegExp: named groups, \\k, $<name>, s/y/u flags, matchAll; lookbehind inside a pattern a SyntaxError' 0 '+2024 03 03/2024 true true false true gsy true false 1@1,22@3 SyntaxError' <<'EOF'
var re = new RegExp('(?<y>\\d{4})-(?<m>\\d{2})'), m = re.exec('on 2024-03');
var got = [m.groups.y, m.groups.m, '2024-03'.replace(re, '$<m>/$<y>'), new RegExp('(?<q>.)\\k<q>').test('aa'),
  new RegExp('a.b', 's').test('a\nb'), new RegExp('a.b').test('a\nb'), new RegExp('^.$', 'u').test('\ud83d\ude00'),
  new RegExp('x', 'gsy').flags];
var st = new RegExp('foo', 'y'); st.lastIndex = 3; got.push(st.test('barfoo'), st.test('barfoo'));
got.push(Array.from('a1b22'.matchAll(new RegExp('(?<n>\\d+)', 'g')), function (x) { return x.groups.n + '@' + x.index; }).join(','));
try { new RegExp('x(?<=a)b'); } catch (e) { got.push(e.name); }
console.log(got.join(' '));
EOF
rtcase 'Symbol.iterator on arguments and strings (by code point); Symbol.asyncIterator' 0 '+1,2,3 1,2,1 symbol [object Array Iterator] undefined' <<'EOF'
(function () {
  var a = [];
  for (var it = arguments[Symbol.iterator](), r = it.next(); !r.done; r = it.next()) a.push(r.value);
  var s = [];
  for (it = 'a\ud83d\ude00b'[Symbol.iterator](), r = it.next(); !r.done; r = it.next()) s.push(r.value.length);
  console.log(a.join(), s.join(), typeof Symbol.asyncIterator, Object.prototype.toString.call([].values()), typeof {}[Symbol.iterator]);
})(1, 2, 3);
EOF
rtcase 'process.nextTick runs before the promise jobs' 0 '+sync t1 t2 tick-nested p1 p-in-tick p2 tick-in-p1' <<'EOF'
var log = [];
Promise.resolve().then(function () { log.push('p1'); process.nextTick(function () { log.push('tick-in-p1'); }); }).then(function () { log.push('p2'); });
process.nextTick(function () { log.push('t1'); process.nextTick(function () { log.push('tick-nested'); }); Promise.resolve().then(function () { log.push('p-in-tick'); }); });
process.nextTick(function () { log.push('t2'); });
setTimeout(function () { console.log(log.join(' ')); }, 0);
log.push('sync');
EOF
rtcase 'an exception in a timer callback is uncaught; later timers do not run' 1 '+"content": "first\nUncaught TypeError: in timer\n' '-not reached' <<'EOF'
setTimeout(function () { console.log('first'); }, 1);
setTimeout(function () { throw new TypeError('in timer'); }, 5);
setTimeout(function () { console.log('not reached'); }, 6);
EOF
rtcase 'a promise value that never settles is an error' 1 '+never settled' <<'EOF'
new Promise(function () {});
EOF
jcase "1+1 skips the event loop and stays a number" 0 '{"code": "1 + 1"}' '+"content": "2"' '+"result_type": "number"'

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

# ---- the front end (es/: ES2022 -> ES5 before Duktape compiles) -----------
jcase "es: a syntax error names the user's line and column" 1 \
    '{"code": "let a = 1;\nlet b = (a +;\n"}' \
    '+"content": "Uncaught SyntaxError: Unexpected token '"';'"' (line 2, column 13)"' '+"is_error": true'
jcase "es: BigInt literals are a clear SyntaxError" 1 '{"code": "const big = 10n;"}' \
    '+"content": "Uncaught SyntaxError: BigInt is not supported (line 1, column 13)"'
jcase "es: deep nesting is a SyntaxError, not a crash" 1 \
    "{\"code\": \"x = $(printf '%0.s[' $(seq 1 3000))\"}" \
    '+Uncaught SyntaxError: nesting too deep'
jcase "es: let/const, arrows, template literals, destructuring, spread" 0 \
    '{"code": "const xs = [1, 2, 3];\nlet total = 0;\nfor (const x of xs) total += x;\nconst {a, b: [c, d = 4], ...rest} = {a: 1, b: [3], e: 5};\nconst f = (p, q = p * 2, ...r) => p + q + r.length;\n`${total} ${xs.map(x => x * x)} ${a}${c}${d} ${JSON.stringify(rest)} ${f(1)} ${f(1, 1, 9, 9)} ${Math.max(...xs, 0)} ${[...\"hé\", ...xs].length}`"}' \
    '+"content": "6 1,4,9 134 {\"e\":5} 3 4 3 5"'
jcase "es: closures capture a fresh let per loop iteration, break/continue/labels kept" 0 \
    '{"code": "const fns = [];\nouter: for (let i = 0; i < 4; i++) {\n  for (let j = 0; j < 4; j++) {\n    if (j > i) continue outer;\n    if (i === 3) break outer;\n    fns.push(() => i * 10 + j);\n  }\n}\nfns.map(f => f()).join(\",\")"}' \
    '+"content": "0,10,11,20,21,22"'
jcase "es: classes (fields, private, static, accessors, super, extends Error)" 0 \
    '{"code": "class A { #n; static count = 0; constructor(n) { this.#n = n; A.count++; } get n() { return this.#n; } has(o) { return #n in o; } describe() { return \"A\" + this.#n; } }\nclass B extends A { constructor() { super(5); } describe() { return super.describe() + \"B\"; } static { B.tag = \"t\"; } }\nclass MyErr extends Error { constructor(m) { super(m); this.name = \"MyErr\"; } }\nconst b = new B(); let e; try { throw new MyErr(\"boom\"); } catch (x) { e = x; }\n[b.n, b.describe(), A.count, b.has(b), b.has({}), B.tag, b instanceof A, e instanceof MyErr, e instanceof Error, String(e)].join(\" \")"}' \
    '+"content": "5 A5B 1 true false t true true true MyErr: boom"'
jcase "es: calling a class without new, const assignment, dead zone" 0 \
    '{"code": "const r = [];\ntry { class K {} K(); } catch (e) { r.push(e.message); }\ntry { const c = 1; c = 2; } catch (e) { r.push(e.message); }\ntry { (() => z)(); let z = 1; } catch (e) { r.push(e.name + \": \" + e.message); }\nr.join(\" | \")"}' \
    '+"content": "Class constructor K cannot be invoked without '"'new'"' | Assignment to constant variable. | ReferenceError: Cannot access '"'z'"' before initialization"'
jcase "es: optional chaining, ??, logical assignment, **, tagged templates" 0 \
    '{"code": "const o = {a: {f() { return this.v; }, v: 7}, n: null};\nlet q = null; q ??= 1; q ||= 2; q &&= 3;\nconst tag = (s, ...v) => s.raw.join(\"|\") + v.join(\",\");\n[o?.a?.f(), o.n?.x.y.z, o.zz?.(), o.n ?? \"d\", 0 ?? 1, q, 2 ** 10, tag`a${1}\\n${2}`, String.raw`x\\ty`].join(\" \")"}' \
    '+"content": "7   d 0 3 1024 a|\\n|1,2 x\\ty"'
jcase "es: a runtime error in lowered code has the user line in its stack" 1 \
    '{"code": "const x = 1;\nclass A {\n  m() {\n    throw new Error(`bad ${x}`);\n  }\n}\nnew A().m();"}' \
    '+"content": "Uncaught Error: bad 1\n    at m ([code]:4)' '+"is_error": true'
jcase "es: an uncaught Error subclass shows its name and only user frames" 1 \
    '{"code": "class VE extends Error { constructor(m) { super(m); this.name = \"VE\"; } }\nfunction f() { throw new VE(\"bad\"); }\nf();"}' \
    '+"content": "Uncaught VE: bad\n    at VE ([code]:1)\n    at f ([code]:2)' '-jsexec:prelude'
jcase "es: ES5 input is left as it is" 0 \
    '{"code": "var a = [1, 2]; // comment\nfunction sq(x) { return x * x; }\na.map(sq).join()"}' \
    '+"content": "1,4"'

# ---- generators and async functions (es/gen.c, prelude/06-gen.js) ---------
jcase "gen: next/return values and the done protocol" 0 \
    '{"code": "function* g(a) { const x = yield a; yield x * 2; return \"end\"; }\nconst it = g(1);\n[it.next(), it.next(10), it.next(), it.next()].map(r => JSON.stringify(r)).join(\" \")"}' \
    '+"content": "{\"value\":1,\"done\":false} {\"value\":20,\"done\":false} {\"value\":\"end\",\"done\":true} {\"done\":true}"'
jcase "gen: return() and break run finally" 0 \
    '{"code": "const log = [];\nfunction* g() { try { yield 1; yield 2; } finally { log.push(\"cleanup\"); } }\nconst a = g(); a.next();\nlog.push(JSON.stringify(a.return(5)));\nfor (const v of g()) { log.push(v); break; }\nlog.join(\" \")"}' \
    '+"content": "cleanup {\"value\":5,\"done\":true} 1 cleanup"'
jcase "gen: yield* forwards throw() and gives the inner return value" 0 \
    '{"code": "function* inner() { try { yield \"i1\"; } catch (e) { yield \"caught \" + e; } return \"r\"; }\nfunction* outer() { const r = yield* inner(); yield \"got \" + r; }\nconst it = outer(); [it.next().value, it.throw(\"E\").value, it.next().value].join(\", \")"}' \
    '+"content": "i1, caught E, got r"'
jcase "gen: closures keep the let of their iteration across yield" 0 \
    '{"code": "function* g() { const fns = []; for (let i = 0; i < 3; i++) { fns.push(() => i); yield i; } yield fns.map(f => f()).join(\"\"); }\n[...g()].join(\" \")"}' \
    '+"content": "0 1 2 012"'
jcase "gen: yield in the middle of expressions, in order" 0 \
    '{"code": "function f(...a) { return a.join(\"|\"); }\nfunction* g() { const o = { p: 1 }; o.p += yield \"a\"; return f(o.p, yield \"b\", ...(yield \"c\")) + (yield \"d\" ? 1 : 2); }\nconst it = g(); it.next(); it.next(10); it.next(\"B\"); it.next([7, 8]); it.next(\"x\").value"}' \
    '+"content": "11|B|7|8x"'
jcase "gen: an error thrown in a generator has the user line in its stack" 1 \
    '{"code": "function* g() {\n  yield 1;\n  throw new Error(\"in gen\");\n}\nconst it = g(); it.next(); it.next();"}' \
    '+"content": "Uncaught Error: in gen\n    at g ([code]:3)' '+"is_error": true'
jcase "gen: a running generator cannot be resumed" 0 \
    '{"code": "function* g() { it.next(); }\nconst it = g(); try { it.next(); } catch (e) { e.name + \": \" + e.message }"}' \
    '+"content": "TypeError: Generator is already running"'

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
