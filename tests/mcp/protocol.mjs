// protocol.mjs - corral mcp spoken to line by line: the handshake and its
// revisions, every kind of malformed message, notifications, a line over
// the 64 MiB cap, cancellation (of a looping call, a sleeping one and a
// queued one), progress, logging, stops, and EOF while calls run.
//
// No check times anything: a wait that runs out (env.timeout) fails the
// case, and "the worker is free again" is shown by a later call completing
// on a server with one worker.
import {
    env, check, expect, show, deepEqual, isObject, resultText, Raw, makeTree, run,
    startNetServer, checkStdoutClean, note, done, sleep, fs, path,
} from './lib.mjs';

const T = env.timeout;
const work = makeTree(path.join(env.tmp, 'proto-work'), {
    'a.txt': 'line a\n',
    'b/b.txt': 'line b\n',
});
const base = ['mcp', '--work-dir', work, '--tools-dir', env.tools];
const servers = [];
function server(extra = [], opts) {
    const s = new Raw([...base, ...extra], opts);
    servers.push(s);
    return s;
}
const isErr = (r, code) => isObject(r.error) && r.error.code === code && typeof r.error.message === 'string';

// ---- initialize ---------------------------------------------------------------------------
await check('initialize answers each supported revision with itself', async () => {
    for (const v of ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05']) {
        const s = server();
        const r = await s.initialize(v);
        s.kill();
        expect(r.result && r.result.protocolVersion === v, `${v}: ${show(r)}`);
    }
});
await check('initialize with an unknown revision answers 2025-11-25', async () => {
    for (const v of ['1999-01-01', '2024-10-07']) {
        const s = server();
        const r = await s.initialize(v);
        s.kill();
        expect(r.result && r.result.protocolVersion === '2025-11-25', `${v}: ${show(r)}`);
    }
});

const s = server();
let init;
await check('initialize: capabilities and serverInfo', async () => {
    init = await s.initialize('2025-11-25');
    const r = init.result;
    expect(isObject(r), show(init));
    expect(deepEqual(r.capabilities?.tools, { listChanged: false }), `capabilities ${show(r.capabilities)}`);
    expect(isObject(r.capabilities.logging), `capabilities ${show(r.capabilities)}`);
    expect(r.serverInfo?.name === 'corral' && r.serverInfo.version === env.version && typeof r.serverInfo.title === 'string',
        `serverInfo ${show(r.serverInfo)}`);
});
await check('notifications/initialized is not answered; ping gives {}', async () => {
    const before = s.msgs.length;
    const r = await s.request('ping', undefined, { id: 'p-1' });
    expect(deepEqual(r.result, {}), show(r));
    const between = s.msgs.slice(before).filter((m) => m !== r);
    expect(between.length === 0, `unexpected: ${show(between)}`);
});
await check('ping with a string id and with an integer id 0', async () => {
    let r = await s.request('ping', {}, { id: 'abc' });
    expect(r.id === 'abc' && deepEqual(r.result, {}), show(r));
    r = await s.request('ping', undefined, { id: 0 });
    expect(r.id === 0 && deepEqual(r.result, {}), show(r));
});

// ---- malformed messages -------------------------------------------------------------------
// bad(desc, line, code, id): LINE gets error CODE with id ID, then the
// server still answers a ping.
async function bad(desc, line, code, id) {
    await check(desc, async () => {
        const from = s.msgs.length;
        await s.sendLine(line);
        const r = await s.waitFor((m) => 'error' in m && !('method' in m), `an error for ${line.slice(0, 60)}`, T, from);
        expect(r.error.code === code, `code ${r.error.code}, want ${code}: ${show(r)}`);
        expect(typeof r.error.message === 'string' && r.error.message.length > 0, `no message: ${show(r)}`);
        expect('id' in r && r.id === id, `id ${show(r.id)}, want ${show(id)}: ${show(r)}`);
        expect(!('result' in r), `has a result too: ${show(r)}`);
        const p = await s.request('ping');
        expect(deepEqual(p.result, {}), `the next ping: ${show(p)}`);
        const extra = s.msgs.slice(from).filter((m) => m !== r && m !== p);
        expect(extra.length === 0, `more than one answer: ${show(extra)}`);
    });
}
await bad('malformed JSON: -32700 with id null', '{"jsonrpc": "2.0", "id": 1, "method": "ping"', -32700, null);
await bad('garbage: -32700', 'hello there', -32700, null);
await bad('a number: -32600 with id null', '42', -32600, null);
await bad('a string: -32600', '"x"', -32600, null);
await bad('null: -32600', 'null', -32600, null);
await bad('true: -32600', 'true', -32600, null);
await bad('no "jsonrpc": -32600 with its id', '{"id": 5, "method": "ping"}', -32600, 5);
await bad('"jsonrpc": "1.0": -32600', '{"jsonrpc": "1.0", "id": 6, "method": "ping"}', -32600, 6);
await bad('method not a string: -32600', '{"jsonrpc": "2.0", "id": 7, "method": 7}', -32600, 7);
await bad('no method, with an id: -32600', '{"jsonrpc": "2.0", "id": 8}', -32600, 8);
await bad('id null: -32600 with id null', '{"jsonrpc": "2.0", "id": null, "method": "ping"}', -32600, null);
await bad('id an object: -32600 with id null', '{"jsonrpc": "2.0", "id": {"a": 1}, "method": "ping"}', -32600, null);
await bad('id a bool: -32600 with id null', '{"jsonrpc": "2.0", "id": true, "method": "ping"}', -32600, null);
await bad('id a fraction: -32600 with id null', '{"jsonrpc": "2.0", "id": 1.5, "method": "ping"}', -32600, null);
await bad('a batch: -32600 with id null', '[{"jsonrpc": "2.0", "id": 9, "method": "ping"}]', -32600, null);
await bad('an empty batch: -32600', '[]', -32600, null);
await check('the ping inside the batch was never answered', () => {
    expect(s.responses(9).length === 0, show(s.responses(9)));
});
await bad('unknown method: -32601 with its id', '{"jsonrpc": "2.0", "id": 10, "method": "foo/bar"}', -32601, 10);
await bad('resources/list (not offered): -32601', '{"jsonrpc": "2.0", "id": 11, "method": "resources/list"}', -32601, 11);
await bad('tools/call without name: -32602', '{"jsonrpc": "2.0", "id": 12, "method": "tools/call", "params": {"arguments": {}}}', -32602, 12);
await bad('tools/call with a non-string name: -32602', '{"jsonrpc": "2.0", "id": 13, "method": "tools/call", "params": {"name": 3}}', -32602, 13);
await bad('tools/call with array arguments: -32602', '{"jsonrpc": "2.0", "id": 14, "method": "tools/call", "params": {"name": "read", "arguments": ["/a.txt"]}}', -32602, 14);
await bad('tools/call with string arguments: -32602', '{"jsonrpc": "2.0", "id": 15, "method": "tools/call", "params": {"name": "read", "arguments": "{}"}}', -32602, 15);
await bad('tools/call with params not an object: -32602', '{"jsonrpc": "2.0", "id": 16, "method": "tools/call", "params": 5}', -32602, 16);
await bad('tools/call with no params: -32602', '{"jsonrpc": "2.0", "id": 17, "method": "tools/call"}', -32602, 17);
await check('tools/call of an unknown tool: -32602 naming the tool', async () => {
    const r = await s.call('no-such-tool', {});
    expect(isErr(r, -32602), show(r));
    expect(r.error.message.includes('no-such-tool'), show(r));
});
await check('an empty line is not a message (nothing answered)', async () => {
    const from = s.msgs.length;
    await s.sendLine('');
    const p = await s.request('ping');
    expect(s.msgs.slice(from).length === 1 && s.msgs[from] === p, show(s.msgs.slice(from)));
});

await check('a line ending in CR LF is served', async () => {
    await s.sendLine('{"jsonrpc": "2.0", "id": "crlf", "method": "ping"}\r');
    const r = await s.response('crlf');
    expect(deepEqual(r.result, {}), show(r));
});
await check('500 pipelined pings: each answered once', async () => {
    const ids = Array.from({ length: 500 }, (_, i) => `pipe-${i}`);
    await s.sendLine(ids.map((id) => JSON.stringify({ jsonrpc: '2.0', id, method: 'ping' })).join('\n'));
    for (const id of ids) await s.response(id);
    const counts = ids.map((id) => s.responses(id).length);
    expect(counts.every((c) => c === 1), `answers per id: ${show(counts.filter((c) => c !== 1))}`);
});

// ---- notifications ------------------------------------------------------------------------
await check('notifications are never answered (ping, unknown method, unknown notification, bad params)', async () => {
    const from = s.msgs.length;
    await s.notify('ping');
    await s.notify('foo/bar', { x: 1 });
    await s.notify('notifications/whatever');
    await s.notify('tools/call', { name: 'read', arguments: { file_path: '/a.txt' } });
    await s.notify('tools/list');
    await s.notify('notifications/cancelled', 'not an object');
    const p = await s.request('ping', undefined, { id: 'after-notifications' });
    // The notified tools/call, if it were run, would answer with no id: give
    // it the time of one more real call before looking.
    const c = await s.call('read', { file_path: '/a.txt' });
    const others = s.msgs.slice(from).filter((m) => m !== p && m !== c);
    expect(others.length === 0, `answered: ${show(others)}`);
    expect(s.msgs.indexOf(p) === from, 'the ping was not the first answer');
});
await check('a cancel for an unknown request id is ignored', async () => {
    const from = s.msgs.length;
    await s.notify('notifications/cancelled', { requestId: 424242, reason: 'nothing' });
    await s.notify('notifications/cancelled', { requestId: 'nope' });
    const p = await s.request('ping');
    expect(s.msgs.slice(from).length === 1 && deepEqual(p.result, {}), show(s.msgs.slice(from)));
});

// ---- the 64 MiB cap --------------------------------------------------------------------
await check('a line over 64 MiB: -32600, id null, naming the size; the next line is served', async () => {
    const from = s.msgs.length;
    const head = '{"jsonrpc": "2.0", "id": "huge", "method": "tools/call", "params": {"name": "write", "arguments": {"file_path": "/huge.txt", "content": "';
    const chunk = 'a'.repeat(1 << 20);
    const stdin = s.child.stdin;
    const write = (t) => new Promise((res) => (stdin.write(t) ? res() : stdin.once('drain', res)));
    await write(head);
    for (let i = 0; i < 65; i++) await write(chunk);
    await write('"}}}\n');
    const p = await s.request('ping', undefined, { id: 'after-huge' });
    const errs = s.msgs.slice(from).filter((m) => 'error' in m);
    expect(errs.length === 1, `errors: ${show(errs)}`);
    const e = errs[0];
    expect(e.error.code === -32600 && e.id === null, show(e));
    expect(/64|MiB|67108864|bytes|long|large|size/i.test(e.error.message + JSON.stringify(e.error.data ?? '')), `no size in ${show(e)}`);
    expect(s.msgs.indexOf(e) < s.msgs.indexOf(p), 'the error came after the next ping');
    expect(s.responses('huge').length === 0, 'the huge request was answered');
    expect(!fs.existsSync(path.join(work, 'huge.txt')), 'the huge write ran');
});
await check('after the huge line the server still runs calls', async () => {
    const r = await s.call('read', { file_path: '/a.txt' });
    expect(r.result?.isError === false && resultText(r.result) === '     1\tline a\n', show(r));
});
await check('a line of 1 MiB (below the cap) is served', async () => {
    const big = 'b'.repeat(1 << 20);
    const r = await s.call('write', { file_path: '/mib.txt', content: big });
    expect(r.result?.isError === false, show(r));
    expect(fs.statSync(path.join(work, 'mib.txt')).size === 1 << 20, 'wrong size on disk');
});

// ---- progress ---------------------------------------------------------------------------------
await check('progress: notifications/progress for a call with a progressToken, increasing, then the result', async () => {
    const from = s.msgs.length;
    const r = await s.call('bash', { command: 'sleep 2; echo slept' }, { id: 'prog-1', meta: { progressToken: 'tok-1' } });
    expect(r.result?.isError === false && resultText(r.result) === 'slept\n', show(r));
    const at = s.msgs.indexOf(r);
    const prog = s.msgs.slice(from, at).filter((m) => m.method === 'notifications/progress');
    expect(prog.length >= 2, `${prog.length} progress notification(s) in 2 s`);
    let last = -Infinity;
    for (const m of prog) {
        const p = m.params;
        expect(!('id' in m), `a notification with an id: ${show(m)}`);
        expect(p.progressToken === 'tok-1', show(m));
        expect(typeof p.progress === 'number' && p.progress > last, `progress not increasing: ${show(prog.map((x) => x.params.progress))}`);
        last = p.progress;
        expect(typeof p.message === 'string' && /elapsed/.test(p.message) && /fuel/.test(p.message), `message: ${show(p.message)}`);
    }
});
await check('progress with an integer token; none without a token', async () => {
    const from = s.msgs.length;
    const r = await s.call('bash', { command: 'sleep 1' }, { meta: { progressToken: 77 } });
    const r2 = await s.call('bash', { command: 'sleep 1' });
    expect(r.result && r2.result, show([r, r2]));
    const prog = s.msgs.slice(from).filter((m) => m.method === 'notifications/progress');
    expect(prog.length >= 1, 'no progress for token 77');
    expect(prog.every((m) => m.params.progressToken === 77), `other tokens: ${show(prog)}`);
});

// ---- tool stops over MCP ----------------------------------------------------------------------
await check('bash over its timeout input: isError, error stopped, sandbox.limit timeout', async () => {
    const r = await s.call('bash', { command: 'sleep 30', timeout: 1 });
    const x = r.result;
    expect(x && x.isError === true, show(r));
    expect(x.structuredContent?.error === 'stopped' && x.structuredContent.sandbox?.limit === 'timeout', show(x.structuredContent));
    expect(/wall-clock limit/.test(resultText(x)), show(resultText(x)));
});

// Stand-in modules (wat2wasm) for the stops a real tool does not reach by
// itself: memory and stack.
const wat2wasm = (await run('sh', ['-c', 'command -v wat2wasm'])).stdout.trim();
async function standIn(dir, wat) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'file-read.wat'), wat);
    const r = await run(wat2wasm, [path.join(dir, 'file-read.wat'), '-o', path.join(dir, 'file-read.wasm')]);
    if (r.code !== 0) throw new Error(`wat2wasm: ${r.stderr}`);
}
if (!wat2wasm) {
    note('wat2wasm not found: the memory and stack stops are not checked');
} else {
    const stops = [
        ['memory', '(module (memory 1) (func (export "_start") (loop $l (br_if $l (i32.ne (memory.grow (i32.const 1)) (i32.const -1)))) unreachable))', ['--max-memory', '4M']],
        ['stack', '(module (memory 1) (func $f (call $f)) (func (export "_start") (call $f)))', ['--max-stack', '64K']],
        ['fuel', '(module (memory 1) (func (export "_start") (loop $l (br $l))))', ['--fuel', '100000']],
        ['timeout', '(module (memory 1) (func (export "_start") (loop $l (br $l))))', ['--timeout', '1s']],
    ];
    for (const [limit, wat, flags] of stops) {
        await check(`a stand-in read that hits the ${limit} limit: stopped, sandbox.limit ${limit}`, async () => {
            const dir = path.join(env.tmp, `standin-${limit}`);
            await standIn(dir, wat);
            const cfg = path.join(dir, 'config.json');
            fs.writeFileSync(cfg, JSON.stringify({ tools: ['read'] }));
            const x = new Raw(['mcp', '--work-dir', work, '--tools-dir', dir, '--config', cfg, ...flags]);
            servers.push(x);
            await x.initialize();
            const r = await x.call('read', { file_path: '/a.txt' });
            x.kill();
            expect(r.result?.isError === true, show(r));
            const sc = r.result.structuredContent;
            expect(sc?.error === 'stopped' && sc.sandbox?.limit === limit, show(sc));
            expect(/the tool was stopped/.test(resultText(r.result)), show(resultText(r.result)));
        });
    }
}

// ---- cancellation -----------------------------------------------------------------------------
// One worker and no wall-clock limit: a call that was not really
// interrupted would hold the only worker for ever, and the read after it
// would never complete.
const c1 = server(['--max-concurrent', '1', '--timeout', 'none']);
await c1.initialize();
// Resolves once the server has sent progress for TOKEN: the call runs.
const running = (srv, token) => srv.waitFor((m) => m.method === 'notifications/progress' && m.params?.progressToken === token, `progress for ${token}`);
const ids = [];
async function cancelCase(desc, id, tool, args) {
    await check(desc, async () => {
        ids.push(id);
        await c1.send({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: tool, arguments: args, _meta: { progressToken: `t-${id}` } } });
        await running(c1, `t-${id}`);
        await c1.notify('notifications/cancelled', { requestId: id, reason: 'test' });
        const p = await c1.request('ping');
        expect(deepEqual(p.result, {}), show(p));
        const r = await c1.call('read', { file_path: '/a.txt' });
        expect(r.result?.isError === false, `the next call on the only worker: ${show(r)}`);
        expect(c1.responses(id).length === 0, `the cancelled call was answered: ${show(c1.responses(id))}`);
    });
}
await cancelCase('cancel a jsexec busy loop: no response, the worker is free again', 'loop-js', 'jsexec', { code: 'while (true) {}' });
await cancelCase('cancel a bash busy loop', 'loop-sh', 'bash', { command: 'while true; do :; done', timeout: 600 });
await cancelCase('cancel a bash sleep 100', 'sleep-sh', 'bash', { command: 'sleep 100', timeout: 600 });
await check('cancel a queued call: neither it nor the running one it waited for answers', async () => {
    ids.push('q-run', 'q-wait');
    await c1.send({ jsonrpc: '2.0', id: 'q-run', method: 'tools/call', params: { name: 'bash', arguments: { command: 'sleep 100', timeout: 600 }, _meta: { progressToken: 't-q-run' } } });
    await running(c1, 't-q-run');
    await c1.send({ jsonrpc: '2.0', id: 'q-wait', method: 'tools/call', params: { name: 'write', arguments: { file_path: '/queued.txt', content: 'x' } } });
    // The queued call cannot start: the only worker sleeps.
    const p = await c1.request('ping');
    expect(deepEqual(p.result, {}), show(p));
    await c1.notify('notifications/cancelled', { requestId: 'q-wait' });
    await c1.notify('notifications/cancelled', { requestId: 'q-run' });
    const r = await c1.call('read', { file_path: '/a.txt' });
    expect(r.result?.isError === false, show(r));
    expect(c1.responses('q-run').length === 0 && c1.responses('q-wait').length === 0, show([c1.responses('q-run'), c1.responses('q-wait')]));
    expect(!fs.existsSync(path.join(work, 'queued.txt')), 'the cancelled queued write ran');
});
await check('the queue is bounded: with the one worker busy, call 1,025 gets -32000 (server busy); the 1,024 queued all complete', async () => {
    const cq = server(['--max-concurrent', '1', '--timeout', 'none']);
    await cq.initialize();
    await cq.send({ jsonrpc: '2.0', id: 'qb-run', method: 'tools/call', params: { name: 'bash', arguments: { command: 'sleep 100', timeout: 600 }, _meta: { progressToken: 't-qb' } } });
    await running(cq, 't-qb');
    const n = 1025;
    for (let i = 0; i < n; i++)
        await cq.send({ jsonrpc: '2.0', id: `qb-${i}`, method: 'tools/call', params: { name: 'read', arguments: { file_path: '/a.txt' } } });
    const last = await cq.response(`qb-${n - 1}`);
    expect(isErr(last, -32000) && /busy/.test(last.error.message), show(last));
    await cq.notify('notifications/cancelled', { requestId: 'qb-run' });
    for (let i = 0; i < n - 1; i++) {
        const r = await cq.response(`qb-${i}`);
        expect(r.result?.isError === false, `qb-${i}: ${show(r)}`);
    }
    expect(cq.responses('qb-run').length === 0, show(cq.responses('qb-run')));
    cq.kill();
});
await check('a cancel naming the id with another type ("41" for 41) does not cancel it', async () => {
    await c1.send({ jsonrpc: '2.0', id: 41, method: 'tools/call', params: { name: 'bash', arguments: { command: 'sleep 2; echo done' }, _meta: { progressToken: 't-41' } } });
    await running(c1, 't-41');
    await c1.notify('notifications/cancelled', { requestId: '41' });
    const r = await c1.response(41);
    expect(r.result?.isError === false && resultText(r.result) === 'done\n', show(r));
});
await check('a cancel after the response changes nothing', async () => {
    const r = await c1.call('read', { file_path: '/a.txt' }, { id: 'done-1' });
    await c1.notify('notifications/cancelled', { requestId: 'done-1' });
    const p = await c1.request('ping');
    expect(r.result && deepEqual(p.result, {}) && c1.responses('done-1').length === 1, show(c1.responses('done-1')));
});
await check('ping and other calls are answered while a call loops', async () => {
    const c2 = server(['--max-concurrent', '2', '--timeout', 'none']);
    await c2.initialize();
    await c2.send({ jsonrpc: '2.0', id: 'spin', method: 'tools/call', params: { name: 'jsexec', arguments: { code: 'while (true) {}' }, _meta: { progressToken: 'spin' } } });
    await running(c2, 'spin');
    for (let i = 0; i < 5; i++) {
        const p = await c2.request('ping');
        expect(deepEqual(p.result, {}), show(p));
        const r = await c2.call('read', { file_path: '/b/b.txt' });
        expect(r.result?.isError === false, show(r));
    }
    const l = await c2.request('tools/list');
    expect(l.result?.tools?.length === 8, show(l));
    await c2.notify('notifications/cancelled', { requestId: 'spin' });
    const p = await c2.request('ping');
    expect(c2.responses('spin').length === 0 && p.result, show(c2.responses('spin')));
    c2.kill();
});
await check('no response was ever sent for a cancelled call', async () => {
    // One last round trip, so that a late response would have arrived.
    await c1.request('ping');
    for (const id of ids) expect(c1.responses(id).length === 0, `${id}: ${show(c1.responses(id))}`);
});

// ---- logging -----------------------------------------------------------------------------------
const net = await startNetServer();
const lg = server(net ? ['--allow-host', net.base] : []);
await lg.initialize();
const logs = (from) => lg.msgs.slice(from).filter((m) => m.method === 'notifications/message');
await check('no notifications/message before logging/setLevel', async () => {
    const r = await lg.call('web-fetch', { url: 'http://127.0.0.1:9/denied' });
    expect(r.result?.isError === true, show(r));
    const st = await lg.call('bash', { command: 'sleep 10', timeout: 1 });
    expect(st.result?.structuredContent?.error === 'stopped', show(st));
    await lg.request('ping');
    expect(logs(0).length === 0, show(logs(0)));
});
await check('logging/setLevel answers {}', async () => {
    const r = await lg.request('logging/setLevel', { level: 'info' });
    expect(deepEqual(r.result, {}), show(r));
});
await check('logging/setLevel with an unknown level: -32602', async () => {
    const r = await lg.request('logging/setLevel', { level: 'loud' });
    expect(isErr(r, -32602), show(r));
});
await check('after setLevel a network denial is a warning message from corral', async () => {
    const from = lg.msgs.length;
    const r = await lg.call('web-fetch', { url: 'http://127.0.0.1:9/denied' });
    expect(r.result?.isError === true, show(r));
    const m = await lg.waitFor((x) => x.method === 'notifications/message', 'a notifications/message', T, from);
    expect(m.params?.level === 'warning' && m.params.logger === 'corral', show(m));
    expect(m.params.data !== undefined && /127\.0\.0\.1:9/.test(JSON.stringify(m.params.data)), `data does not name the destination: ${show(m.params.data)}`);
});
if (net) {
    await check('an allowed fetch logs no warning', async () => {
        const from = lg.msgs.length;
        const r = await lg.call('web-fetch', { url: `${net.base}/ok` });
        expect(r.result?.isError === false, show(r));
        await lg.request('ping');
        expect(logs(from).length === 0, show(logs(from)));
    });
}
await check('after setLevel a call stopped by a limit is an error message', async () => {
    const from = lg.msgs.length;
    const r = await lg.call('bash', { command: 'sleep 10', timeout: 1 });
    expect(r.result?.structuredContent?.sandbox?.limit === 'timeout', show(r));
    const m = await lg.waitFor((x) => x.method === 'notifications/message' && x.params?.level === 'error', 'an error notifications/message', T, from);
    expect(m.params.logger === 'corral' && m.params.data !== undefined, show(m));
});
await check('logging/setLevel error: a denial (warning) is no longer sent', async () => {
    const r0 = await lg.request('logging/setLevel', { level: 'error' });
    expect(deepEqual(r0.result, {}), show(r0));
    const from = lg.msgs.length;
    const r = await lg.call('web-fetch', { url: 'http://127.0.0.1:9/denied' });
    expect(r.result?.isError === true, show(r));
    await lg.request('ping');
    expect(logs(from).length === 0, show(logs(from)));
});
lg.kill();
net?.stop();

// ---- EOF ------------------------------------------------------------------------------------------
await check('EOF while calls run: the server exits 0 and prints nothing more', async () => {
    const e = server(['--timeout', 'none']);
    await e.initialize();
    await e.send({ jsonrpc: '2.0', id: 'eof-loop', method: 'tools/call', params: { name: 'jsexec', arguments: { code: 'while (true) {}' }, _meta: { progressToken: 'eof-loop' } } });
    await e.send({ jsonrpc: '2.0', id: 'eof-sleep', method: 'tools/call', params: { name: 'bash', arguments: { command: 'sleep 100', timeout: 600 }, _meta: { progressToken: 'eof-sleep' } } });
    await running(e, 'eof-loop');
    await running(e, 'eof-sleep');
    const r = await e.close(30000);
    expect(r.code === 0, `exit ${show(r)}; stderr ${e.stderr.slice(-300)}`);
    const late = e.afterEof.filter((m) => m.method !== 'notifications/progress');
    expect(late.length === 0, `after EOF: ${show(late)}`);
});
await check('EOF right after a request: exit 0', async () => {
    const e = server();
    await e.initialize();
    await e.send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'bash', arguments: { command: 'sleep 100', timeout: 600 } } });
    const r = await e.close(30000);
    expect(r.code === 0, `exit ${show(r)}`);
});
await check('EOF with no request at all: exit 0, nothing on stdout', async () => {
    const e = server();
    const r = await e.close(30000);
    expect(r.code === 0 && e.msgs.length === 0 && e.bad.length === 0, `exit ${show(r)}, stdout ${show(e.msgs)} ${show(e.bad)}`);
});

await check('no progress notification came after the response of its call', () => {
    for (const x of servers) {
        for (const [i, m] of x.msgs.entries()) {
            if (m.method !== 'notifications/progress') continue;
            const tok = m.params?.progressToken;
            // the tokens of this file are the call's id, "t-" + its id, or tok-1 / 77
            const resp = x.msgs.findIndex((r) => !('method' in r) && 'result' in r && r.id !== undefined &&
                (tok === `t-${r.id}` || tok === r.id || (tok === 'tok-1' && r.id === 'prog-1')));
            expect(resp < 0 || resp > i, `progress ${show(m.params)} after the response ${show(x.msgs[resp]?.id)}`);
        }
    }
});

// ---- the main session ends ---------------------------------------------------------------------
await check('the main session exits 0 at EOF', async () => {
    const r = await s.close(30000);
    expect(r.code === 0, show(r));
    const r1 = await c1.close(30000);
    expect(r1.code === 0, show(r1));
});
for (const [i, x] of servers.entries()) if (x.bad.length) checkStdoutClean(x, `server ${i} (${x.args.slice(1).join(' ').slice(0, 80)})`);
if (servers.every((x) => x.bad.length === 0)) checkStdoutClean(servers[0], `all ${servers.length} servers`);
for (const x of servers) x.kill();
await sleep(10);
done();
process.exit(0);
