// sdk.mjs - corral mcp driven by the official TypeScript SDK's client
// (@modelcontextprotocol/sdk: Client + StdioClientTransport): the
// handshake, tools/list, each of the eight tools on real files, invalid
// input, an unknown tool, and host paths inside the work dir.  Every call
// goes through client.callTool, which also validates structuredContent
// against the tool's outputSchema.
import {
    env, check, expect, show, deepEqual, withoutSandbox, resultText, isObject, withTimeout,
    npmRequire, makeTree, startNetServer, corralTool, run, note, done, fs, path,
} from './lib.mjs';

const req = npmRequire();
const { Client } = req('@modelcontextprotocol/sdk/client/index.js');
const { StdioClientTransport } = req('@modelcontextprotocol/sdk/client/stdio.js');

const T = env.timeout;
const work = path.join(env.tmp, 'sdk-work');
// A sibling of the work dir whose name starts with the work dir's name:
// a host path in it must not be taken for one inside the work dir.
const outside = work + '-outside';
makeTree(work, {
    'hello.txt': 'alpha\nbeta\ngamma\n',
    'src/a.c': 'int main(void)\n{\n    return 0; /* TODO: exit code */\n}\n',
    'src/b.h': '#define B 1 /* TODO */\n',
    'src/util/c.c': 'static int c;\n',
    'docs/notes.md': '# Notes\nnothing to do\n',
    'edit/e.txt': 'one two one\n',
    'prog.js': 'function main(args) { return args.join("+"); }\n',
});
makeTree(outside, { 'secret.txt': 'TOP SECRET\n' });

const net = await startNetServer();
const netFlags = net ? ['--allow-host', net.base, '--block-network', 'none'] : [];
if (!net) note('no loopback test server: web-fetch is checked against a denied URL only');

const serverArgs = ['mcp', '--work-dir', work, '--tools-dir', env.tools, ...netFlags];
const transport = new StdioClientTransport({
    command: env.corral,
    args: serverArgs,
    stderr: 'pipe',
    env: { PATH: process.env.PATH || '/usr/bin:/bin' },
});
let stderr = '';
transport.stderr?.on('data', (d) => {
    if (stderr.length < 1 << 20) stderr += d;
});
const client = new Client({ name: 'corral-e2e-sdk', version: '1.0.0' }, { capabilities: {} });

let connected = false;
await check('SDK client connects (initialize handshake)', async () => {
    await withTimeout(client.connect(transport), T, 'client.connect');
    connected = true;
});
if (!connected) {
    note(`server stderr: ${stderr.slice(-800)}`);
    await transport.close().catch(() => {});
    net?.stop();
    done();
    process.exit(0);
}

await check(`serverInfo is corral ${env.version} (corral --version) with a title`, () => {
    const v = client.getServerVersion();
    expect(v && v.name === 'corral', `name: ${show(v)}`);
    expect(/^\d+\.\d+\.\d+$/.test(env.version) && v.version === env.version, `version: ${show(v)}`);
    expect(typeof v.title === 'string' && v.title.length > 0, `title: ${show(v)}`);
});
await check('capabilities: tools.listChanged false, logging {}', () => {
    const c = client.getServerCapabilities();
    expect(isObject(c) && isObject(c.tools) && c.tools.listChanged === false, show(c));
    expect(isObject(c.logging), `logging: ${show(c)}`);
});
await check('ping answers', async () => {
    const r = await withTimeout(client.ping(), T, 'ping');
    expect(isObject(r), show(r));
});

// ---- tools/list -------------------------------------------------------------------
const NAMES = ['read', 'write', 'edit', 'glob', 'grep', 'bash', 'web-fetch', 'jsexec'];
let tools = [];
await check('tools/list gives the eight tools', async () => {
    const r = await withTimeout(client.listTools(), T, 'listTools');
    tools = r.tools;
    const names = tools.map((t) => t.name).sort();
    expect(deepEqual(names, [...NAMES].sort()), `names: ${show(names)}`);
});
const manifest = JSON.parse((await run(env.corralTool, ['tools', '--compact'])).stdout || '[]');
await check('every tool has a title, a description, the manifest\'s input_schema and an object outputSchema', () => {
    expect(tools.length > 0, 'no tools');
    for (const t of tools) {
        expect(typeof t.title === 'string' && t.title.length > 0, `${t.name}: title ${show(t.title)}`);
        expect(typeof t.description === 'string' && t.description.length > 20, `${t.name}: description`);
        const m = manifest.find((x) => x.name === t.name);
        expect(m, `${t.name} is not in corral tools`);
        expect(deepEqual(t.inputSchema, m.input_schema), `${t.name}: inputSchema differs from corral tools' input_schema: ${show(t.inputSchema, 200)}`);
        expect(isObject(t.outputSchema) && t.outputSchema.type === 'object', `${t.name}: outputSchema ${show(t.outputSchema)}`);
    }
});
await check('annotations follow the permission', () => {
    const want = {
        read: { readOnlyHint: true },
        glob: { readOnlyHint: true },
        grep: { readOnlyHint: true },
        write: { destructiveHint: true, readOnlyHint: false },
        edit: { destructiveHint: true, readOnlyHint: false },
        bash: { readOnlyHint: false },
        jsexec: { readOnlyHint: false },
        'web-fetch': { openWorldHint: true },
    };
    for (const t of tools) {
        const a = t.annotations;
        expect(isObject(a), `${t.name}: no annotations`);
        for (const k of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'])
            expect(typeof a[k] === 'boolean', `${t.name}: ${k} is ${show(a[k])}`);
        for (const [k, v] of Object.entries(want[t.name] || {}))
            expect(a[k] === v, `${t.name}: ${k} is ${show(a[k])}, want ${v}`);
    }
});

note('annotations: ' + tools.map((t) => `${t.name} ${Object.entries(t.annotations || {}).filter(([, v]) => v === true).map(([k]) => k.replace('Hint', '')).join('+') || '-'}`).join(', '));

// ---- calls ------------------------------------------------------------------------
const call = (name, args) => withTimeout(client.callTool(args === undefined ? { name } : { name, arguments: args }), T, `tools/call ${name}`);

function checkSandbox(r, name) {
    const s = r.structuredContent && r.structuredContent.sandbox;
    expect(isObject(s), `${name}: structuredContent.sandbox missing: ${show(r.structuredContent)}`);
    for (const k of ['fuel_used', 'elapsed_ms', 'peak_memory_bytes'])
        expect(typeof s[k] === 'number' && s[k] >= 0, `${name}: sandbox.${k} = ${show(s[k])}`);
    expect(s.fuel_used > 0, `${name}: fuel_used is 0`);
}

// Same input through corral tool: content and metadata (less sandbox) agree.
async function sameAsCorralTool(name, args, r, flags = []) {
    const ref = await corralTool(['--work-dir', work, ...flags], name, args);
    const text = resultText(r);
    expect(text === ref.content, `${name}: content ${show(text, 200)} but corral tool says ${show(ref.content, 200)}`);
    expect(r.isError === ref.is_error, `${name}: isError ${r.isError}, corral tool is_error ${ref.is_error}`);
    expect(deepEqual(withoutSandbox(r.structuredContent), withoutSandbox(ref.metadata)),
        `${name}: structuredContent ${show(withoutSandbox(r.structuredContent), 300)} but corral tool's metadata is ${show(withoutSandbox(ref.metadata), 300)}`);
}

await check('read: numbered lines, metadata as corral tool prints it', async () => {
    const args = { file_path: '/hello.txt' };
    const r = await call('read', args);
    expect(r.isError === false, `isError ${show(r.isError)}: ${show(r)}`);
    expect(resultText(r) === '     1\talpha\n     2\tbeta\n     3\tgamma\n', show(resultText(r)));
    expect(r.structuredContent.total_lines === 3, show(r.structuredContent));
    checkSandbox(r, 'read');
    await sameAsCorralTool('read', args, r);
});
await check('read with offset and limit', async () => {
    const args = { file_path: '/hello.txt', offset: 2, limit: 1 };
    const r = await call('read', args);
    expect(r.isError === false, show(r));
    expect(resultText(r).includes('     2\tbeta'), show(resultText(r)));
    expect(!resultText(r).includes('gamma') && !resultText(r).includes('alpha'), show(resultText(r)));
    await sameAsCorralTool('read', args, r);
});
await check('read of a missing file: isError true, as corral tool', async () => {
    const args = { file_path: '/nope.txt' };
    const r = await call('read', args);
    expect(r.isError === true, show(r));
    await sameAsCorralTool('read', args, r);
});
await check('write creates the file on disk', async () => {
    const r = await call('write', { file_path: '/out/new.txt', content: 'written by mcp\nline 2\n' });
    expect(r.isError === false, show(r));
    expect(/\/out\/new\.txt/.test(resultText(r)), show(resultText(r)));
    expect(r.structuredContent.is_new === true && r.structuredContent.bytes === 22, show(r.structuredContent));
    checkSandbox(r, 'write');
    const disk = fs.readFileSync(path.join(work, 'out/new.txt'), 'utf8');
    expect(disk === 'written by mcp\nline 2\n', `on disk: ${show(disk)}`);
});
await check('edit changes the file on disk', async () => {
    const r = await call('edit', { file_path: '/edit/e.txt', old_string: 'one', new_string: 'ONE', replace_all: true });
    expect(r.isError === false, show(r));
    expect(r.structuredContent.replacements === 2, show(r.structuredContent));
    expect(/replaced 2 occurrences/.test(resultText(r)), show(resultText(r)));
    checkSandbox(r, 'edit');
    const disk = fs.readFileSync(path.join(work, 'edit/e.txt'), 'utf8');
    expect(disk === 'ONE two ONE\n', `on disk: ${show(disk)}`);
});
await check('edit with an old_string that is not there: isError true, file unchanged', async () => {
    const r = await call('edit', { file_path: '/edit/e.txt', old_string: 'zzz', new_string: 'y' });
    expect(r.isError === true, show(r));
    expect(fs.readFileSync(path.join(work, 'edit/e.txt'), 'utf8') === 'ONE two ONE\n', 'file changed');
});
await check('glob **/*.c finds the two C files', async () => {
    const args = { pattern: '**/*.c' };
    const r = await call('glob', args);
    expect(r.isError === false, show(r));
    const lines = resultText(r).split('\n').filter(Boolean).sort();
    expect(deepEqual(lines, ['/src/a.c', '/src/util/c.c']), show(lines));
    expect(r.structuredContent.matches === 2, show(r.structuredContent));
    checkSandbox(r, 'glob');
    await sameAsCorralTool('glob', args, r);
});
await check('grep in content mode', async () => {
    const args = { pattern: 'TODO', output_mode: 'content', path: '/src' };
    const r = await call('grep', args);
    expect(r.isError === false, show(r));
    const text = resultText(r);
    expect(text.includes('/src/a.c:3:    return 0; /* TODO: exit code */'), show(text));
    expect(text.includes('/src/b.h:1:'), show(text));
    expect(r.structuredContent.matches === 2 && r.structuredContent.output_mode === 'content', show(r.structuredContent));
    checkSandbox(r, 'grep');
    await sameAsCorralTool('grep', args, r);
});
await check('grep files_with_matches (the default)', async () => {
    const args = { pattern: 'nothing' };
    const r = await call('grep', args);
    expect(r.isError === false && resultText(r).trim() === '/docs/notes.md', show(r));
    await sameAsCorralTool('grep', args, r);
});
await check('bash ls | wc -l counts the work dir', async () => {
    const r = await call('bash', { command: 'ls / | wc -l' });
    expect(r.isError === false, show(r));
    const want = fs.readdirSync(work).length;
    expect(resultText(r).trim() === String(want), `${show(resultText(r))}, want ${want}`);
    expect(r.structuredContent.exit_code === 0, show(r.structuredContent));
    checkSandbox(r, 'bash');
});
await check('bash cat of a file, and a failing command', async () => {
    let r = await call('bash', { command: 'cat /hello.txt' });
    expect(r.isError === false && resultText(r) === 'alpha\nbeta\ngamma\n', show(r));
    r = await call('bash', { command: 'cat /missing-file' });
    expect(r.structuredContent.exit_code !== 0, show(r.structuredContent));
    expect(r.isError === true, `isError ${r.isError}`);
    const args = { command: 'cat /missing-file' };
    await sameAsCorralTool('bash', args, r);
});
await check('jsexec runs code with args', async () => {
    const args = { code: 'function main(a) { return a.length * 10 + a[1].length; }', args: ['x', 'yyy'] };
    const r = await call('jsexec', args);
    expect(r.isError === false, show(r));
    expect(resultText(r) === '23', show(resultText(r)));
    expect(r.structuredContent.result === 23, show(r.structuredContent));
    checkSandbox(r, 'jsexec');
    await sameAsCorralTool('jsexec', args, r);
});
await check('jsexec runs a file of the work dir', async () => {
    const r = await call('jsexec', { file_path: '/prog.js', args: ['a', 'b'] });
    expect(r.isError === false && resultText(r) === 'a+b', show(r));
});
if (net) {
    await check('web-fetch from the loopback test server', async () => {
        const r = await call('web-fetch', { url: `${net.base}/ok`, extract_mode: 'raw' });
        expect(r.isError === false, show(r));
        expect(resultText(r).includes('hello from net_server'), show(resultText(r)));
        expect(r.structuredContent.status === 200, show(r.structuredContent));
        checkSandbox(r, 'web-fetch');
    });
}
await check('web-fetch of a URL no rule allows: isError, content names the rule, sandbox.network_denied', async () => {
    const url = 'http://127.0.0.1:9/x';
    const r = await call('web-fetch', { url });
    expect(r.isError === true, show(r));
    const text = resultText(r);
    expect(/no allowed host matches 'http:\/\/127\.0\.0\.1:9'/.test(text), show(text));
    const s = r.structuredContent.sandbox;
    expect(isObject(s) && Array.isArray(s.network_denied) && s.network_denied.length === 1, show(s));
    await sameAsCorralTool('web-fetch', { url }, r, netFlags);
});

// ---- input errors ---------------------------------------------------------------------
await check('invalid input: isError, corral tool\'s message, structuredContent {error: invalid_input}', async () => {
    const args = { path: '/hello.txt' };
    const r = await call('read', args);
    expect(r.isError === true, show(r));
    const text = resultText(r);
    expect(text.startsWith("read: unknown key 'path' (did you mean 'file_path'?)"), show(text));
    const ref = await corralTool(['--work-dir', work], 'read', args);
    expect(text === ref.content, `${show(text)} vs corral tool ${show(ref.content)}`);
    expect(deepEqual(r.structuredContent, { error: 'invalid_input' }), show(r.structuredContent));
});
await check('invalid input: wrong type and out of range, several problems at once', async () => {
    const args = { command: 5, timeout: 100000 };
    const r = await call('bash', args);
    expect(r.isError === true, show(r));
    const ref = await corralTool(['--work-dir', work], 'bash', args);
    expect(resultText(r) === ref.content, `${show(resultText(r))} vs ${show(ref.content)}`);
    expect(r.structuredContent.error === 'invalid_input', show(r.structuredContent));
});
await check('absent arguments count as {}', async () => {
    const r = await call('read');
    expect(r.isError === true, show(r));
    expect(resultText(r).includes("missing required key 'file_path'"), show(resultText(r)));
    expect(r.structuredContent.error === 'invalid_input', show(r.structuredContent));
});
await check('unknown tool: JSON-RPC error -32602 naming it', async () => {
    let err = null;
    try {
        await call('cat', { file_path: '/hello.txt' });
    } catch (e) {
        err = e;
    }
    expect(err, 'the call did not fail');
    expect(err.code === -32602, `code ${show(err.code)}: ${err.message}`);
    expect(/cat/.test(err.message), `message does not name the tool: ${err.message}`);
});

// ---- host paths ------------------------------------------------------------------------
await check('read of a host path inside the work dir is mapped', async () => {
    const r = await call('read', { file_path: path.join(work, 'hello.txt') });
    expect(r.isError === false, show(r));
    expect(resultText(r) === '     1\talpha\n     2\tbeta\n     3\tgamma\n', show(resultText(r)));
});
await check('write and edit of host paths inside the work dir', async () => {
    let r = await call('write', { file_path: path.join(work, 'out/host.txt'), content: 'via host path\n' });
    expect(r.isError === false, show(r));
    expect(fs.readFileSync(path.join(work, 'out/host.txt'), 'utf8') === 'via host path\n', 'not on disk at the mapped place');
    r = await call('edit', { file_path: path.join(work, 'out/host.txt'), old_string: 'via', new_string: 'by' });
    expect(r.isError === false, show(r));
    expect(fs.readFileSync(path.join(work, 'out/host.txt'), 'utf8') === 'by host path\n', 'edit not on disk');
});
await check('glob and grep with a host path', async () => {
    let r = await call('glob', { pattern: '*.h', path: path.join(work, 'src') });
    expect(r.isError === false && resultText(r).trim() === '/src/b.h', show(r));
    r = await call('grep', { pattern: 'TODO', path: path.join(work, 'src'), output_mode: 'count' });
    expect(r.isError === false, show(r));
    expect(r.structuredContent.matches === 2, show(r.structuredContent));
    r = await call('grep', { pattern: 'alpha', path: work });
    expect(r.isError === false && resultText(r).trim() === '/hello.txt', show(r));
});
await check('jsexec file_path as a host path', async () => {
    const r = await call('jsexec', { file_path: path.join(work, 'prog.js'), args: ['p', 'q'] });
    expect(r.isError === false && resultText(r) === 'p+q', show(r));
});
await check('a host path outside the work dir stays a guest path (no escape)', async () => {
    for (const p of [path.join(outside, 'secret.txt'), path.join(work, '..', path.basename(outside), 'secret.txt')]) {
        const r = await call('read', { file_path: p });
        expect(r.isError === true, `${p}: ${show(r)}`);
        expect(!resultText(r).includes('TOP SECRET'), `${p} was read: ${show(resultText(r))}`);
    }
    const r = await call('bash', { command: `cat ${path.join(outside, 'secret.txt')}` });
    expect(!resultText(r).includes('TOP SECRET'), show(r));
});

await check('the client closes the server', async () => {
    await withTimeout(client.close(), T, 'client.close');
});
if (stderr.trim()) note(`server stderr (last 400 bytes): ${stderr.trim().slice(-400)}`);
net?.stop();
done();
process.exit(0);
