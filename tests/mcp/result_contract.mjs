// result_contract.mjs - result_contract_enforced over MCP: a tool whose
// output is not one object with a string content, a boolean is_error and
// an object metadata gives an isError result (structuredContent.error
// bad_output) whose one text says what was wrong, never a success and
// never a result without its text.  The tools are stand-in read modules
// (wat2wasm) that print exactly the bytes of each case.
import { env, check, expect, show, resultText, Raw, makeTree, run, checkStdoutClean, note, done, fs, path } from './lib.mjs';

const work = makeTree(path.join(env.tmp, 'contract-work'), { 'a.txt': 'line a\n' });
const wat2wasm = (await run('sh', ['-c', 'command -v wat2wasm'])).stdout.trim();

// A read module that writes BYTES on stdout and exits 0, in DIR.
async function printer(dir, bytes) {
    fs.mkdirSync(dir, { recursive: true });
    const data = Array.from(Buffer.from(bytes)).map((b) => '\\' + b.toString(16).padStart(2, '0')).join('');
    const wat = `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "${data}")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const ${Buffer.from(bytes).length}))
    (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))`;
    fs.writeFileSync(path.join(dir, 'file-read.wat'), wat);
    const r = await run(wat2wasm, [path.join(dir, 'file-read.wat'), '-o', path.join(dir, 'file-read.wasm')]);
    if (r.code !== 0) throw new Error(`wat2wasm: ${r.stderr}`);
}

const cases = [
    ['output that is not UTF-8', Buffer.from([0x6f, 0x6b, 0x20, 0xff, 0xfe]), /^the tool's output is not a JSON object \(exit status 0\): .*it began: ok \\xff\\xfe$/],
    ['a result string that is not UTF-8', Buffer.concat([Buffer.from('{"content":"a'), Buffer.from([0xff]), Buffer.from('b","is_error":false,"metadata":{}}')]),
        /^the tool's output is not a JSON object \(exit status 0\): .*a\\xffb/],
    ['content, is_error and metadata of the wrong types', '{"content": 12, "is_error": "yes", "metadata": [1]}',
        /^the tool's result has content of type number, not string; is_error of type string, not boolean; metadata of type array, not object \(exit status 0\)/],
    ['no content and no metadata', '{"is_error":false}', /^the tool's result has no content; no metadata \(exit status 0\)/],
    ['trailing data', '{"content":"a","is_error":false,"metadata":{}} more', /^the tool printed more than one JSON value \(exit status 0\): after the object, at byte 47: more$/],
    ['two JSON values', '{"content":"a","is_error":false,"metadata":{}}\n{"content":"b","is_error":false,"metadata":{}}',
        /^the tool printed more than one JSON value \(exit status 0\): after the object, at byte 47: \{"content":"b"/],
    ['an empty output', '', /^the tool printed no result \(exit status 0, nothing on stdout\)$/],
];
const servers = [];
if (!wat2wasm) {
    note('wat2wasm not found: the result contract is not checked over MCP');
} else {
    for (const [i, [desc, bytes, want]] of cases.entries()) {
        await check(`result_contract_enforced: ${desc}: isError, bad_output, a text naming it`, async () => {
            const dir = path.join(env.tmp, `contract-${i}`);
            await printer(dir, bytes);
            const cfg = path.join(dir, 'config.json');
            fs.writeFileSync(cfg, JSON.stringify({ tools: ['read'] }));
            const x = new Raw(['mcp', '--work-dir', work, '--tools-dir', dir, '--config', cfg]);
            servers.push(x);
            await x.initialize();
            const r = await x.call('read', { file_path: '/a.txt' });
            expect(r.result?.isError === true, show(r));
            expect(r.result.structuredContent?.error === 'bad_output', show(r.result.structuredContent));
            const t = resultText(r.result);
            expect(want.test(t), `text: ${show(t)}`);
        });
    }
}
for (const x of servers) {
    await x.close(30000);
    if (x.bad.length) checkStdoutClean(x, `server ${x.args.slice(-1)}`);
}
if (servers.length && servers.every((x) => x.bad.length === 0)) checkStdoutClean(servers[0], `all ${servers.length} servers`);
for (const x of servers) x.kill();
done();
process.exit(0);
