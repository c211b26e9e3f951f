// concurrent.mjs - 100 calls of mixed tools sent to one corral mcp at
// once (8 workers, set by a --config file that also gives bash a fuel
// limit and jsexec a memory cap): every call completes with its own right
// result; each sees only its own files, its own denials and its own limits.
import { env, check, expect, show, isObject, resultText, Raw, makeTree, checkStdoutClean, note, done, fs, path } from './lib.mjs';

const T = env.timeout;
const N = 100;
const BASH_FUEL = 200000000;
const JS_MEMORY = 16 << 20;
const files = {};
for (let i = 0; i < N; i++) {
    files[`pre/${i}.txt`] = `file ${i}\n`;
    files[`pre/u${i}.txt`] = `unique-${i}\n`;
    files[`pre/g${i}.dat`] = `g\n`;
    files[`pre/e${i}.txt`] = `old ${i}\n`;
}
const work = makeTree(path.join(env.tmp, 'concurrent-work'), files);
fs.mkdirSync(path.join(work, 'own'));
const cfg = path.join(env.tmp, 'concurrent.json');
fs.writeFileSync(cfg, JSON.stringify({
    work_dir: work,
    tools_dir: env.tools,
    max_concurrent: 8,
    overrides: {
        bash: { fuel: BASH_FUEL },
        jsexec: { max_memory: '16M' },
    },
}, null, 2));

const s = new Raw(['mcp', '--config', cfg]);
let up = false;
await check('corral mcp starts with the concurrency config', async () => {
    const r = await s.initialize();
    expect(r.result?.serverInfo?.name === 'corral', show(r));
    up = true;
});
if (!up) {
    note(`stderr: ${s.stderr.slice(-500)}`);
    s.kill();
    done();
    process.exit(0);
}

const stopped = (x, limit) => x.isError === true && x.structuredContent?.error === 'stopped' && x.structuredContent.sandbox?.limit === limit;

// One case per call index: what it sends and how its result is judged (a
// string return is the reason it is wrong).
function plan(i) {
    switch (i % 10) {
    case 0: // write its own file, then read it back
        return {
            kind: 'write+read',
            async run() {
                const w = await s.call('write', { file_path: `/own/w${i}.txt`, content: `payload ${i}\n` }, { ms: 3 * T });
                if (!w.result || w.result.isError !== false) return `write: ${show(w)}`;
                return s.call('read', { file_path: `/own/w${i}.txt` }, { ms: 3 * T });
            },
            judge: (x) => resultText(x) === `     1\tpayload ${i}\n` || show(x),
        };
    case 1:
        return {
            kind: 'bash own dir',
            args: ['bash', { command: `mkdir -p /own/d${i} && echo ${i} > /own/d${i}/mine && ls /own/d${i} && cat /own/d${i}/mine` }],
            judge: (x) => (x.isError === false && resultText(x) === `mine\n${i}\n`) || show(x),
        };
    case 2:
        if (Math.floor(i / 10) % 2 === 0) {
            return {
                kind: 'read',
                args: ['read', { file_path: `/pre/${i}.txt` }],
                judge: (x) => (x.isError === false && resultText(x) === `     1\tfile ${i}\n`) || show(x),
            };
        }
        return {
            kind: 'web-fetch denied',
            args: ['web-fetch', { url: `http://127.0.0.1:${20000 + i}/` }],
            judge: (x) => {
                const d = x.structuredContent?.sandbox?.network_denied;
                if (x.isError !== true) return show(x);
                if (!Array.isArray(d) || d.length !== 1 || !d[0].includes(`127.0.0.1:${20000 + i}`)) return `network_denied ${show(d)}`;
                return resultText(x).includes(`127.0.0.1:${20000 + i}`) || show(resultText(x));
            },
        };
    case 3:
        return {
            kind: 'grep',
            args: ['grep', { pattern: `^unique-${i}$`, path: '/pre' }],
            judge: (x) => (x.isError === false && resultText(x).trim() === `/pre/u${i}.txt`) || show(x),
        };
    case 4:
        return {
            kind: 'glob',
            args: ['glob', { pattern: `g${i}.*`, path: '/pre' }],
            judge: (x) => (x.isError === false && resultText(x).trim() === `/pre/g${i}.dat`) || show(x),
        };
    case 5:
        return {
            kind: 'jsexec',
            args: ['jsexec', { code: 'function main(a) { return Number(a[0]) * Number(a[0]) + 1; }', args: [String(i)] }],
            judge: (x) => (x.isError === false && x.structuredContent?.result === i * i + 1) || show(x),
        };
    case 6:
        return {
            kind: 'bash timeout',
            args: ['bash', { command: 'sleep 5', timeout: 1 }],
            judge: (x) => stopped(x, 'timeout') || show(x),
        };
    case 7:
        return {
            kind: 'bash fuel',
            args: ['bash', { command: 'while true; do :; done' }],
            judge: (x) => (stopped(x, 'fuel') && x.structuredContent.sandbox.fuel_used === BASH_FUEL) || show(x),
        };
    case 8:
        return {
            kind: 'jsexec memory cap',
            args: ['jsexec', { code: 'var s = "x"; while (true) s = s + s;' }],
            judge: (x) => {
                const peak = x.structuredContent?.sandbox?.peak_memory_bytes;
                if (x.isError !== true) return show(x);
                return (typeof peak === 'number' && peak <= JS_MEMORY && peak > JS_MEMORY / 2) || `peak_memory_bytes ${peak} (cap ${JS_MEMORY}): ${show(x)}`;
            },
        };
    default:
        return {
            kind: 'edit',
            args: ['edit', { file_path: `/pre/e${i}.txt`, old_string: `old ${i}`, new_string: `new ${i}` }],
            judge: (x) => {
                if (x.isError !== false || x.structuredContent?.replacements !== 1) return show(x);
                const disk = fs.readFileSync(path.join(work, `pre/e${i}.txt`), 'utf8');
                return disk === `new ${i}\n` || `on disk: ${show(disk)}`;
            },
        };
    }
}

const cases = Array.from({ length: N }, (_, i) => ({ i, ...plan(i) }));
const results = await Promise.all(cases.map(async (c) => {
    try {
        const r = c.run ? await c.run() : await s.call(c.args[0], c.args[1], { ms: 3 * T });
        return { c, r };
    } catch (e) {
        return { c, err: e.message };
    }
}));

await check(`all ${N} concurrent calls answered`, () => {
    const missing = results.filter((x) => x.err || typeof x.r === 'string' || !x.r?.result);
    expect(missing.length === 0, `${missing.length} not answered, e.g. #${missing[0]?.c.i} (${missing[0]?.c.kind}): ${missing[0]?.err || show(missing[0]?.r)}`);
});
const byKind = {};
for (const { c, r, err } of results) {
    let why;
    if (err) why = err;
    else if (typeof r === 'string') why = r;
    else if (!r.result) why = show(r);
    else {
        try {
            const j = c.judge(r.result);
            if (j !== true) why = j;
        } catch (e) {
            why = e.message;
        }
    }
    (byKind[c.kind] ||= []).push(why ? `#${c.i}: ${why}` : null);
}
for (const [kind, list] of Object.entries(byKind)) {
    await check(`${kind}: ${list.length} calls with the right result`, () => {
        const wrong = list.filter(Boolean);
        expect(wrong.length === 0, `${wrong.length} wrong: ${wrong.slice(0, 2).join(' | ')}`);
    });
}
await check('only the calls that hit a limit carry one; only web-fetch calls carry denials', () => {
    for (const { c, r } of results) {
        const x = r?.result;
        if (!isObject(x)) continue;
        const sb = x.structuredContent?.sandbox;
        const limited = c.kind === 'bash timeout' || c.kind === 'bash fuel';
        if (!limited) expect(!sb || !('limit' in sb), `#${c.i} (${c.kind}) has sandbox.limit ${show(sb)}`);
        if (c.kind !== 'web-fetch denied') expect(!sb || !('network_denied' in sb), `#${c.i} (${c.kind}) has network_denied ${show(sb)}`);
        if (c.kind === 'bash own dir') expect(sb.fuel_used < BASH_FUEL, `#${c.i} fuel ${sb.fuel_used}`);
    }
});
await check('each bash call saw only its own directory; the files are all there', () => {
    const own = fs.readdirSync(path.join(work, 'own')).sort();
    const want = [];
    for (let i = 0; i < N; i++) {
        if (i % 10 === 0) want.push(`w${i}.txt`);
        if (i % 10 === 1) want.push(`d${i}`);
    }
    expect(JSON.stringify(own) === JSON.stringify(want.sort()), `/own holds ${show(own)}`);
    for (let i = 1; i < N; i += 10) {
        const d = fs.readdirSync(path.join(work, 'own', `d${i}`));
        expect(d.length === 1 && d[0] === 'mine', `d${i}: ${show(d)}`);
    }
});
await check('the server still answers after the burst, and exits 0 at EOF', async () => {
    const p = await s.request('ping');
    expect(p.result, show(p));
    const r = await s.close(30000);
    expect(r.code === 0, show(r));
});
checkStdoutClean(s, 'concurrent session');
s.kill();
done();
process.exit(0);
