// input_bounds.mjs - input_amplification_bounded over MCP: what parsing a
// message costs the server is bounded whatever its shape.  A line past
// the bounds of a message (cli/mcp.h: 101000 JSON values, 66 levels of
// nesting, i.e. a tool input's 100000 values and 64 levels as
// params.arguments) gets -32600 before it is parsed, and the server goes
// on; arguments within the line's bound but past a tool input's get the
// isError result of `corral tool`.  Each bound is tried at it and one past
// it; the server's peak RSS (VmHWM) is checked with a generous limit
// (without the bounds, 60 MB of [] took 2.8 GB).
import { env, check, expect, show, resultText, Raw, makeTree, checkStdoutClean, note, done, fs, path } from './lib.mjs';

const work = makeTree(path.join(env.tmp, 'bounds-work'), { 'a.txt': 'line a\n' });
const servers = [];
function server() {
    const s = new Raw(['mcp', '--work-dir', work, '--tools-dir', env.tools]);
    servers.push(s);
    return s;
}
// The peak resident size of the server in MiB, or null off Linux.
function peakMiB(s) {
    try {
        const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${s.child.pid}/status`, 'utf8'));
        return m ? Number(m[1]) / 1024 : null;
    } catch {
        return null;
    }
}
// tools/call read with arguments {file_path, x: [UNIT x n]} as one line
// (3 + n values in the arguments, 9 + n in the message for a UNIT of one).
function callLine(id, n, unit = '{}') {
    return `{"jsonrpc":"2.0","id":"${id}","method":"tools/call","params":{"name":"read","arguments":{"file_path":"/a.txt","x":[${Array(n).fill(unit).join(',')}]}}}`;
}
// The answer to a line sent raw: its response, or the -32600 with id null.
async function answer(s, id, line) {
    const from = s.msgs.length;
    await s.sendLine(line);
    return s.waitFor((m) => (m.id === id || m.id === null) && ('result' in m || 'error' in m), `the answer to ${id}`, env.timeout, from);
}
const nested = (depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

const s = server();
await s.initialize();

await check('input_amplification_bounded: arguments of 100000 values are parsed and checked', async () => {
    const r = await answer(s, 'v100000', callLine('v100000', 99997));
    expect(r.id === 'v100000' && r.result?.isError === true, show(r));
    const t = resultText(r.result);
    expect(/read: unknown key 'x'/.test(t) && !/JSON values/.test(t), t.slice(0, 300));
});
await check('input_amplification_bounded: arguments of 100001 values: isError naming the bound', async () => {
    const r = await answer(s, 'v100001', callLine('v100001', 99998));
    expect(r.id === 'v100001' && r.result?.isError === true, show(r));
    expect(r.result.structuredContent?.error === 'invalid_input', show(r.result.structuredContent));
    const t = resultText(r.result);
    expect(t.startsWith('read: the input has more than 100000 JSON values (the limit of a tool input)'), t.slice(0, 300));
});
await check('input_amplification_bounded: a message of 101000 values is parsed', async () => {
    const r = await answer(s, 'm101000', callLine('m101000', 100991));
    expect(r.id === 'm101000' && r.result?.isError === true, show(r));
    expect(/more than 100000 JSON values/.test(resultText(r.result)), show(r));
});
await check('input_amplification_bounded: a message of 101001 values: -32600 naming the bound, then the server goes on', async () => {
    const r = await answer(s, 'm101001', callLine('m101001', 100992));
    expect(r.id === null && r.error?.code === -32600, show(r));
    expect(/^invalid request: the message has more than 101000 JSON values .*100000.*at byte \d+; it was not parsed$/.test(r.error.message), r.error.message);
    const p = await s.request('ping');
    expect('result' in p, show(p));
    expect(s.responses('m101001').length === 0, 'the refused message was answered');
});
await check('input_amplification_bounded: arguments nested 64 levels are parsed', async () => {
    const line = `{"jsonrpc":"2.0","id":"d64","method":"tools/call","params":{"name":"read","arguments":{"file_path":${nested(63)}}}}`;
    const r = await answer(s, 'd64', line);
    expect(r.id === 'd64' && r.result?.isError === true, show(r));
    expect(/'file_path' must be a string, got an array/.test(resultText(r.result)), show(r));
});
await check('input_amplification_bounded: arguments nested 65 levels: -32600 naming the bound, then the server goes on', async () => {
    const head = '{"jsonrpc":"2.0","id":"d65","method":"tools/call","params":{"name":"read","arguments":{"file_path":';
    const r = await answer(s, 'd65', `${head}${nested(64)}}}}`);
    expect(r.id === null && r.error?.code === -32600, show(r));
    // the 67th level is the 64th '['
    const at = head.length + 63;
    expect(new RegExp(`^invalid request: the message has arrays and objects nested deeper than 66 levels .*64.*at byte ${at}; it was not parsed$`).test(r.error.message), r.error.message);
    const x = await s.call('read', { file_path: '/a.txt' });
    expect(x.result?.isError === false && resultText(x.result) === '     1\tline a\n', show(x));
});
const hwm = peakMiB(s);
await check('input_amplification_bounded: the calls at the bounds cost the server little', () => {
    if (hwm === null) return note('no /proc: the peak RSS is not checked');
    note(`peak RSS after the calls at the bounds: ${hwm.toFixed(0)} MiB`);
    expect(hwm < 600, `peak RSS ${hwm.toFixed(0)} MiB`);
});

// 60 MB of empty arrays on a fresh server: refused before anything is built.
const big = server();
await big.initialize();
await check('input_amplification_bounded: a line of 60 MB of empty arrays: -32600, the server goes on, its peak RSS stays low', async () => {
    const from = big.msgs.length;
    const stdin = big.child.stdin;
    const write = (t) => new Promise((res) => (stdin.write(t) ? res() : stdin.once('drain', res)));
    await write('{"jsonrpc":"2.0","id":"arrays","method":"tools/call","params":{"name":"read","arguments":{"file_path":"/a.txt","x":[[]');
    const chunk = ',[]'.repeat(1 << 18);
    for (let i = 0; i < 76; i++) await write(chunk); // 60 MB
    await write(']}}}\n');
    const e = await big.waitFor((m) => m.id === null && 'error' in m, 'the -32600', env.timeout, from);
    expect(e.error.code === -32600 && /more than 101000 JSON values/.test(e.error.message), show(e));
    const p = await big.request('ping');
    expect('result' in p, show(p));
    expect(big.responses('arrays').length === 0, 'the refused message was answered');
    const mib = peakMiB(big);
    if (mib === null) return note('no /proc: the peak RSS is not checked');
    note(`peak RSS after 60 MB of empty arrays: ${mib.toFixed(0)} MiB`);
    expect(mib < 600, `peak RSS ${mib.toFixed(0)} MiB`);
});

await check('the servers exit 0 at EOF', async () => {
    for (const x of servers) {
        const r = await x.close(30000);
        expect(r.code === 0, show(r));
    }
});
for (const x of servers) checkStdoutClean(x, `server ${x.args.slice(1).join(' ').slice(0, 60)}`);
for (const x of servers) x.kill();
done();
process.exit(0);
