// config.mjs - corral mcp --config FILE: every wrong key, type or value
// stops start-up with exit status 2 and a message naming the key (without
// waiting for stdin and printing nothing on stdout); valid files set the
// offered tools and the sandbox, and overrides apply to one tool only.
import {
    env, check, expect, show, deepEqual, isObject, resultText, Raw, makeTree, startNetServer,
    checkStdoutClean, note, done, fs, path,
} from './lib.mjs';

const T = env.timeout;
const dir = path.join(env.tmp, 'config');
const work = makeTree(path.join(dir, 'work'), { 'a.txt': 'config work\n', 'big.txt': 'x\n'.repeat(500) });
const data = makeTree(path.join(dir, 'data'), { 'd.txt': 'mapped data\n' });
let nfile = 0;
function configFile(obj) {
    const f = path.join(dir, `c${nfile++}.json`);
    fs.writeFileSync(f, typeof obj === 'string' ? obj : JSON.stringify(obj));
    return f;
}
const sessions = [];
function start(cfg, extra = []) {
    const s = new Raw(['mcp', '--tools-dir', env.tools, '--work-dir', work, ...extra, '--config', cfg]);
    sessions.push(s);
    return s;
}

// ---- wrong files ---------------------------------------------------------------------
// rejects(desc, contents, ...words): exit 2, stderr names every word.
async function rejects(desc, contents, ...words) {
    return rejectsWith(['--work-dir', work], desc, contents, ...words);
}
// The same with FLAGS on the command line instead of --work-dir WORK.
async function rejectsWith(flags, desc, contents, ...words) {
    await check(`config ${desc}: exit 2 naming ${words.map((w) => `'${w}'`).join(', ') || 'the problem'}`, async () => {
        const f = typeof contents === 'symbol' ? path.join(dir, 'no-such-file.json') : configFile(contents);
        const s = new Raw(['mcp', '--tools-dir', env.tools, ...flags, '--config', f], { cwd: work });
        // stdin stays open: the server must not wait for it to give up.  An
        // initialize is sent: a server that answers it took the file.
        const t = setTimeout(() => s.kill(), T);
        const answered = s.initialize().then(() => 'answered', () => null);
        const r = await Promise.race([s.exitPromise, answered]);
        clearTimeout(t);
        s.kill();
        expect(r !== 'answered', `the server started with this file and answered initialize; stderr ${s.stderr.slice(-200)}`);
        expect(r.code === 2, `exit ${show(r)} (stdin open; killed after ${T} ms if it did not exit); stderr ${s.stderr.slice(-200)}`);
        expect(s.msgs.length === 0 && s.bad.length === 0, `stdout: ${show(s.msgs)} ${show(s.bad)}`);
        expect(s.stderr.trim().length > 0, 'nothing on stderr');
        for (const w of words) expect(s.stderr.includes(w), `stderr does not name '${w}': ${s.stderr.slice(0, 300)}`);
    });
}
await rejects('with an unknown key', { work_dirr: work }, 'work_dirr');
await rejects('with an unknown key beside good ones', { fuel: 1000, tols: ['read'] }, 'tols');
await rejects('fuel a string', { fuel: 'lots' }, 'fuel');
await rejects('fuel negative', { fuel: -5 }, 'fuel');
await rejects('fuel a fraction', { fuel: 1.5 }, 'fuel');
await rejects('work_dir a number', { work_dir: 7 }, 'work_dir');
await rejectsWith([], 'work_dir missing', { work_dir: path.join(dir, 'nowhere') }, 'work_dir');
await rejects('work_dir missing, with --work-dir on the command line', { work_dir: path.join(dir, 'nowhere') }, 'work_dir');
await rejects('map_dirs naming a directory that does not exist', { map_dirs: [`${path.join(dir, 'nowhere')}::/data`] }, 'map_dirs');
await rejects('map_dirs a string', { map_dirs: `${data}::/data` }, 'map_dirs');
await rejects('map_dirs without ::', { map_dirs: [data] }, 'map_dirs');
await rejects('env an array', { env: ['A=1'] }, 'env');
await rejects('env with a number value', { env: { A: 1 } }, 'env');
await rejects('allow_hosts an invalid pattern', { allow_hosts: ['https://a*b.com'] }, 'allow_hosts');
await rejects('allow_hosts a string', { allow_hosts: 'https://example.com' }, 'allow_hosts');
await rejects('block_networks nonsense', { block_networks: ['nonsense'] }, 'block_networks');
await rejects('block_urls a number', { block_urls: [3] }, 'block_urls');
await rejects('timeout "forever"', { timeout: 'forever' }, 'timeout');
await rejects('timeout an object', { timeout: {} }, 'timeout');
await rejects('max_memory "12Q"', { max_memory: '12Q' }, 'max_memory');
await rejects('max_stack a bool', { max_stack: true }, 'max_stack');
await rejects('max_concurrent 0', { max_concurrent: 0 }, 'max_concurrent');
await rejects('max_concurrent a string', { max_concurrent: '8' }, 'max_concurrent');
await rejects('tools with an unknown tool', { tools: ['read', 'cat'] }, 'tools', 'cat');
await rejects('tools a string', { tools: 'read' }, 'tools');
await rejects('overrides for an unknown tool', { overrides: { nope: { fuel: 1 } } }, 'overrides', 'nope');
await rejects('overrides with a wrong type', { overrides: { bash: { fuel: 'x' } } }, 'fuel');
await rejects('overrides with an unknown key', { overrides: { bash: { fuell: 1 } } }, 'fuell');
await rejects('overrides with a key that is not a sandbox setting', { overrides: { bash: { max_concurrent: 2 } } }, 'max_concurrent');
await rejects('overrides not an object', { overrides: ['bash'] }, 'overrides');
await rejects('that is not JSON', '{"fuel": 10,', );
await rejects('that is a JSON array', '[]');
await rejects('that does not exist', Symbol('missing'));

// ---- good files -----------------------------------------------------------------------
await check('"tools": ["read"] offers read alone; bash is then an unknown tool (-32602)', async () => {
    const s = start(configFile({ tools: ['read'] }));
    await s.initialize();
    const l = await s.request('tools/list');
    const names = l.result?.tools?.map((t) => t.name);
    expect(deepEqual(names, ['read']), show(names));
    const r = await s.call('read', { file_path: '/a.txt' });
    expect(r.result?.isError === false && resultText(r.result) === '     1\tconfig work\n', show(r));
    const b = await s.call('bash', { command: 'ls' });
    expect(b.error?.code === -32602 && b.error.message.includes('bash'), show(b));
    s.kill();
});
await check('an override giving bash a fuel limit stops bash, not read', async () => {
    const s = start(configFile({ overrides: { bash: { fuel: 1000 } } }));
    await s.initialize();
    const b = await s.call('bash', { command: 'ls | wc -l' });
    const sc = b.result?.structuredContent;
    expect(b.result?.isError === true && sc?.error === 'stopped' && sc.sandbox?.limit === 'fuel', show(b));
    expect(/all fuel consumed/.test(resultText(b.result)), show(resultText(b.result)));
    const r = await s.call('read', { file_path: '/big.txt' });
    expect(r.result?.isError === false, show(r));
    expect(r.result.structuredContent.sandbox.fuel_used > 1000 && !('limit' in r.result.structuredContent.sandbox), show(r.result.structuredContent));
    s.kill();
});
await check('global fuel applies to every tool; an override can lift it for one', async () => {
    const s = start(configFile({ fuel: 1000, overrides: { read: { fuel: 100000000 } } }));
    await s.initialize();
    const g = await s.call('glob', { pattern: '*' });
    expect(g.result?.structuredContent?.sandbox?.limit === 'fuel', show(g));
    const r = await s.call('read', { file_path: '/big.txt' });
    expect(r.result?.isError === false, show(r));
    s.kill();
});
await check('env, map_dirs (read-only) and timeout from the file', async () => {
    const s = start(configFile({ env: { GREETING: 'hi there' }, map_dirs: [`${data}::/data:ro`], timeout: 'none', overrides: { bash: { timeout: 1 } } }));
    await s.initialize();
    // (jsexec: the bash tool builds its own environment and does not read the guest's)
    let r = await s.call('jsexec', { code: 'function main() { return process.env.GREETING; }' });
    expect(r.result?.isError === false && resultText(r.result) === 'hi there', show(r));
    r = await s.call('read', { file_path: '/data/d.txt' });
    expect(r.result?.isError === false && resultText(r.result) === '     1\tmapped data\n', show(r));
    r = await s.call('write', { file_path: '/data/new.txt', content: 'x' });
    expect(r.result?.isError === true, show(r));
    expect(!fs.existsSync(path.join(data, 'new.txt')), 'wrote into a read-only mapping');
    r = await s.call('bash', { command: 'sleep 20' });
    expect(r.result?.structuredContent?.sandbox?.limit === 'timeout', `bash with a 1 s override: ${show(r)}`);
    s.kill();
});
await check('work_dir and max_concurrent from the file; command-line --work-dir not needed', async () => {
    const cfg = configFile({ work_dir: data, tools_dir: env.tools, max_concurrent: 2 });
    const s = new Raw(['mcp', '--config', cfg]);
    sessions.push(s);
    await s.initialize();
    const r = await s.call('glob', { pattern: '*' });
    expect(r.result?.isError === false && resultText(r.result).trim() === '/d.txt', show(r));
    s.kill();
});
const net = await startNetServer();
if (net) {
    await check('allow_hosts from the file; an override list for web-fetch replaces the global one', async () => {
        let s = start(configFile({ allow_hosts: [net.base] }));
        await s.initialize();
        let r = await s.call('web-fetch', { url: `${net.base}/ok` });
        expect(r.result?.isError === false && resultText(r.result).includes('hello from net_server'), show(r));
        s.kill();
        s = start(configFile({ allow_hosts: [net.base], overrides: { 'web-fetch': { block_networks: ['loopback'] } } }));
        await s.initialize();
        r = await s.call('web-fetch', { url: `${net.base}/ok` });
        expect(r.result?.isError === true && /blocked network 127\.0\.0\.0\/8/.test(resultText(r.result)), show(r));
        // bash keeps the global policy: its curl reaches the server
        r = await s.call('bash', { command: `curl -s ${net.base}/ok` });
        expect(r.result?.isError === false && resultText(r.result).includes('hello from net_server'), `bash curl: ${show(r)}`);
        s.kill();
    });
    await check('block_urls from the file', async () => {
        const s = start(configFile({ allow_hosts: [net.base], block_urls: [`${net.base}/json`] }));
        await s.initialize();
        const r = await s.call('web-fetch', { url: `${net.base}/json` });
        expect(r.result?.isError === true, show(r));
        const ok = await s.call('web-fetch', { url: `${net.base}/ok` });
        expect(ok.result?.isError === false, show(ok));
        s.kill();
    });
    net.stop();
} else {
    note('no loopback test server: allow_hosts and block_urls from a config file are not checked');
}
await check('max_memory and max_stack accept sizes, timeout accepts seconds, cache_dir a directory', async () => {
    const cache = path.join(dir, 'cache');
    fs.mkdirSync(cache, { recursive: true });
    for (const c of [{ max_memory: '64M', max_stack: '512K' }, { max_memory: 67108864, timeout: 30 }, { timeout: '2m', cache_dir: cache }]) {
        const s = start(configFile(c));
        const i = await s.initialize();
        expect(i.result, `${show(c)}: ${show(i)} ${s.stderr.slice(-200)}`);
        const r = await s.call('read', { file_path: '/a.txt' });
        expect(r.result?.isError === false, `${show(c)}: ${show(r)}`);
        s.kill();
    }
});
for (const [i, s] of sessions.entries()) if (s.bad.length) checkStdoutClean(s, `config session ${i}`);
done();
process.exit(0);
