// inspector.mjs - corral mcp through the MCP inspector's CLI mode
// (@modelcontextprotocol/inspector 0.15.0 --cli, started with npx from the
// npm prefix): tools/list, and tools/call of read and of bash.
import { env, check, expect, show, isObject, makeTree, run, note, done, fs, path } from './lib.mjs';

const work = makeTree(path.join(env.tmp, 'inspector-work'), {
    'x.txt': 'seen by the inspector\n',
    'sub/one.txt': '1\n',
    'sub/two.txt': '2\n',
});
const server = [env.corral, 'mcp', '--work-dir', work, '--tools-dir', env.tools];

// npx resolves the package in the current directory's node_modules, so it
// runs in the npm prefix; --cli takes the server's command line as it is.
async function inspector(...args) {
    const r = await run('npx', ['@modelcontextprotocol/inspector', '--cli', ...server, ...args], {
        cwd: env.npm,
        timeout: env.timeout * 2,
    });
    if (r.timedOut) throw new Error(`the inspector timed out; stderr: ${r.stderr.slice(-300)}`);
    let out;
    try {
        out = JSON.parse(r.stdout);
    } catch {
        throw new Error(`exit ${r.code}, stdout is not JSON: ${r.stdout.slice(0, 300)} stderr: ${r.stderr.slice(-400)}`);
    }
    expect(r.code === 0, `exit ${r.code}: ${r.stderr.slice(-300)}`);
    return out;
}

await check('inspector --cli --method tools/list lists the eight tools', async () => {
    const out = await inspector('--method', 'tools/list');
    expect(isObject(out) && Array.isArray(out.tools), show(out));
    const names = out.tools.map((t) => t.name).sort();
    const want = ['bash', 'edit', 'glob', 'grep', 'jsexec', 'read', 'web-fetch', 'write'];
    expect(JSON.stringify(names) === JSON.stringify(want), show(names));
    for (const t of out.tools) expect(isObject(t.inputSchema) && isObject(t.outputSchema), `${t.name}: schemas ${show(t)}`);
});
await check('inspector --cli tools/call read --tool-arg file_path=/x.txt', async () => {
    const out = await inspector('--method', 'tools/call', '--tool-name', 'read', '--tool-arg', 'file_path=/x.txt');
    expect(out.isError === false, show(out));
    expect(out.content?.[0]?.text === '     1\tseen by the inspector\n', show(out.content));
    expect(out.structuredContent?.file_path === '/x.txt' && isObject(out.structuredContent.sandbox), show(out.structuredContent));
});
await check('inspector --cli tools/call bash', async () => {
    const out = await inspector('--method', 'tools/call', '--tool-name', 'bash', '--tool-arg', 'command=ls /sub');
    expect(out.isError === false, show(out));
    expect(out.content?.[0]?.text === 'one.txt\ntwo.txt\n', show(out.content));
});
await check('inspector --cli tools/call with invalid input reports the tool error', async () => {
    const out = await inspector('--method', 'tools/call', '--tool-name', 'read', '--tool-arg', 'path=/x.txt');
    expect(out.isError === true, show(out));
    expect(/^read: unknown key 'path'/.test(out.content?.[0]?.text || ''), show(out.content));
});
if (!fs.existsSync(path.join(env.npm, 'node_modules/@modelcontextprotocol/inspector'))) note('the inspector is not installed');
done();
