// mcp_bench.mjs - what a call costs over `corral mcp` (one server, modules
// loaded once) next to `corral tool` (one process per call), how many calls
// per second one server gives parallel callers, and what it holds in memory.
//
//   node bench/mcp_bench.mjs CORRAL TOOLS_DIR      (bench/mcp.sh runs it)
//
// Wall time per call is measured client-side, from writing the request to
// reading its response (for corral tool: from spawn to exit).  Every call's
// result is checked; any failure makes the exit status 1.  Nothing else is
// asserted.  Knobs (environment):
//   BENCH_MCP_CALLS=200      sequential calls per tool over MCP
//   BENCH_MCP_TOOL_RUNS=30   corral tool runs per tool
//   BENCH_MCP_PARALLEL=8     parallel callers (and --max-concurrent)
//   BENCH_MCP_TOTAL=2000     calls in the read throughput run (bash: half,
//                            mixed: a quarter, grep: a tenth)
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [corral, toolsDir] = process.argv.slice(2);
if (!corral || !toolsDir) {
    console.error('usage: node bench/mcp_bench.mjs CORRAL TOOLS_DIR');
    process.exit(2);
}
const num = (name, dflt) => {
    const v = Number(process.env[name] || dflt);
    if (!Number.isInteger(v) || v < 1) {
        console.error(`${name} must be a positive integer`);
        process.exit(2);
    }
    return v;
};
const CALLS = num('BENCH_MCP_CALLS', 200);
const TOOL_RUNS = num('BENCH_MCP_TOOL_RUNS', 30);
const PAR = num('BENCH_MCP_PARALLEL', 8);
const TOTAL = num('BENCH_MCP_TOTAL', 2000);
const TIMEOUT = 60000;

// ---- the work dir: a small source tree ---------------------------------------------------
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'corral-mcp-bench-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
const work = path.join(tmp, 'work');
for (let d = 0; d < 5; d++) {
    fs.mkdirSync(path.join(work, `src/m${d}`), { recursive: true });
    for (let f = 0; f < 10; f++) {
        const lines = [];
        for (let l = 0; l < 40; l++) lines.push(`int f${d}_${f}_${l}(int x) { return x * ${l}; }${l === 7 && f % 3 === 0 ? ' /* TODO */' : ''}`);
        fs.writeFileSync(path.join(work, `src/m${d}/f${f}.c`), lines.join('\n') + '\n');
    }
}
const readme = Array.from({ length: 200 }, (_, i) => `line ${i + 1} of the readme`).join('\n') + '\n';
fs.writeFileSync(path.join(work, 'README.md'), readme);
const TODO_FILES = 5 * 4;

fs.writeFileSync(path.join(work, 'small.txt'), 'one\ntwo\nthree\n');
const CASES = {
    'read-3': {
        tool: 'read',
        args: { file_path: '/small.txt' },
        ok: (text) => text === '     1\tone\n     2\ttwo\n     3\tthree\n',
    },
    read: {
        args: { file_path: '/README.md' },
        ok: (text) => text.startsWith('     1\tline 1 of the readme\n') && text.includes('   200\tline 200'),
    },
    grep: {
        args: { pattern: 'TODO', glob: '*.c' },
        ok: (text) => text.trim().split('\n').length === TODO_FILES,
    },
    bash: {
        args: { command: 'ls | wc -l' },
        ok: (text) => text.trim() === '3',
    },
};

let failures = 0;
function failed(what) {
    failures++;
    if (failures <= 5) console.error(`mcp_bench: FAIL ${what}`);
}

// ---- a lean client ------------------------------------------------------------------------
class Server {
    constructor(args) {
        this.child = spawn(corral, args, { stdio: ['pipe', 'pipe', 'pipe'] });
        this.pending = new Map();
        this.next = 1;
        this.stderr = '';
        let buf = '';
        this.child.stdout.setEncoding('utf8');
        this.child.stdout.on('data', (d) => {
            buf += d;
            let nl;
            while ((nl = buf.indexOf('\n')) >= 0) {
                const line = buf.slice(0, nl);
                buf = buf.slice(nl + 1);
                let m;
                try {
                    m = JSON.parse(line);
                } catch {
                    failed(`a stdout line that is not JSON: ${line.slice(0, 100)}`);
                    continue;
                }
                const p = this.pending.get(m.id);
                if (p && !('method' in m)) {
                    this.pending.delete(m.id);
                    clearTimeout(p.timer);
                    p.resolve(m);
                }
            }
        });
        this.child.stderr.on('data', (d) => {
            if (this.stderr.length < 65536) this.stderr += d;
        });
        this.exited = new Promise((r) => this.child.on('close', (code) => r(code)));
        this.child.on('close', () => {
            for (const p of this.pending.values()) p.reject(new Error(`the server exited: ${this.stderr.slice(-300)}`));
            this.pending.clear();
        });
    }
    request(method, params) {
        const id = this.next++;
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
                this.pending.delete(id);
                reject(new Error(`no response to ${method} in ${TIMEOUT} ms`));
            }, TIMEOUT);
            this.pending.set(id, { resolve, reject, timer });
            this.child.stdin.write(JSON.stringify({ jsonrpc: '2.0', id, method, params }) + '\n');
        });
    }
    // A tools/call, checked; resolves its wall time in ms.
    async call(name, args, ok) {
        const t0 = process.hrtime.bigint();
        const r = await this.request('tools/call', { name, arguments: args });
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        const text = r.result?.content?.[0]?.text;
        if (!r.result || (ok && (r.result.isError !== false || !ok(text))))
            failed(`${name} over mcp: ${JSON.stringify(r).slice(0, 300)}`);
        return ms;
    }
    memory() {
        try {
            const st = fs.readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
            const kb = (k) => Number((new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(st) || [])[1]);
            return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
        } catch {
            return { rss: NaN, hwm: NaN };
        }
    }
    async close() {
        this.child.stdin.end();
        const t = setTimeout(() => this.child.kill('SIGKILL'), 10000);
        const code = await this.exited;
        clearTimeout(t);
        return code;
    }
}

const stats = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const at = (q) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
    return { n: s.length, median: s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2, p99: at(0.99) };
};

// ---- over MCP ----------------------------------------------------------------------------------
const srv = new Server(['mcp', '--work-dir', work, '--tools-dir', toolsDir, '--max-concurrent', String(PAR)]);
let init;
try {
    init = await srv.request('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'corral-bench', version: '1' } });
} catch (e) {
    console.error(`mcp_bench: corral mcp did not start: ${e.message} ${srv.stderr.slice(-300)}`);
    process.exit(1);
}
if (!init.result) {
    console.error(`mcp_bench: initialize failed: ${JSON.stringify(init)}`);
    process.exit(1);
}
srv.child.stdin.write(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) + '\n');
const memStart = srv.memory();

// The first call of each tool (the server loaded the modules at start-up).
const firstCall = {};
const warm = {
    read: { file_path: '/README.md', limit: 1 },
    write: { file_path: '/out/w.txt', content: 'w\n' },
    edit: { file_path: '/out/w.txt', old_string: 'w', new_string: 'v' },
    glob: { pattern: '*.md' },
    grep: { pattern: 'readme', path: '/README.md' },
    bash: { command: 'true' },
    'web-fetch': { url: 'http://127.0.0.1:9/' }, // denied: loads the module, makes no request
    jsexec: { code: 'function main() { return 1; }' },
};
for (const [name, args] of Object.entries(warm)) firstCall[name] = await srv.call(name, args, name === 'web-fetch' ? null : () => true);
fs.rmSync(path.join(work, 'out'), { recursive: true, force: true });
const memLoaded = srv.memory();

const mcpLat = {};
for (const [name, c] of Object.entries(CASES)) {
    for (let i = 0; i < 10; i++) await srv.call(c.tool || name, c.args, c.ok);
    const xs = [];
    for (let i = 0; i < CALLS; i++) xs.push(await srv.call(c.tool || name, c.args, c.ok));
    mcpLat[name] = stats(xs);
}

// Throughput: PAR callers, each sending its next call when the last returns.
async function throughput(names, total) {
    let sent = 0;
    const t0 = process.hrtime.bigint();
    await Promise.all(Array.from({ length: PAR }, async () => {
        while (sent < total) {
            const name = names[sent++ % names.length];
            await srv.call(CASES[name].tool || name, CASES[name].args, CASES[name].ok);
        }
    }));
    return { total, rate: total / (Number(process.hrtime.bigint() - t0) / 1e9) };
}
const tput = {};
try {
    // grep (a regex over 50 files) costs most: fewer of those
    tput['read-3'] = await throughput(['read-3'], TOTAL);
    tput.read = await throughput(['read'], TOTAL);
    tput.grep = await throughput(['grep'], Math.max(1, Math.round(TOTAL / 10)));
    tput.bash = await throughput(['bash'], Math.max(1, Math.round(TOTAL / 2)));
    tput.mixed = await throughput(['read', 'grep', 'bash'], Math.max(3, Math.round(TOTAL / 4)));
} catch (e) {
    failed(`throughput: ${e.message}`);
}
const memEnd = srv.memory();
const code = await srv.close();
if (code !== 0) failed(`corral mcp exited ${code} at EOF`);

// ---- corral tool, one process per call ---------------------------------------------------------------
const toolLat = {};
for (const [name, c] of Object.entries(CASES)) {
    const xs = [];
    for (let i = 0; i < TOOL_RUNS + 2; i++) {
        const t0 = process.hrtime.bigint();
        const r = spawnSync(corral, ['tool', '--work-dir', work, '--tools-dir', toolsDir, c.tool || name, JSON.stringify(c.args)], { encoding: 'utf8', timeout: TIMEOUT });
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        let out = null;
        try {
            out = JSON.parse(r.stdout);
        } catch {}
        if (r.status !== 0 || !out || out.is_error !== false || !c.ok(out.content)) failed(`corral tool ${name}: exit ${r.status} ${String(r.stdout).slice(0, 200)}`);
        if (i >= 2) xs.push(ms); // the first two warm the page cache
    }
    toolLat[name] = stats(xs);
}

// ---- the table -------------------------------------------------------------------------------------
const f = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '-');
const pad = (s, n) => String(s).padStart(n);
console.log('');
console.log(`corral mcp: wall time per call in ms, client side (${CALLS} sequential calls over one server; corral tool: ${TOOL_RUNS} processes)`);
console.log(`${'call'.padEnd(7)} | ${pad('mcp median', 10)} ${pad('mcp p99', 8)} | ${pad('tool median', 11)} ${pad('tool p99', 9)} | ${pad('tool/mcp', 8)}`);
console.log('-'.repeat(67));
for (const name of Object.keys(CASES)) {
    const m = mcpLat[name], t = toolLat[name];
    console.log(`${name.padEnd(7)} | ${pad(f(m.median, 3), 10)} ${pad(f(m.p99, 3), 8)} | ${pad(f(t.median, 3), 11)} ${pad(f(t.p99, 3), 9)} | ${pad(f(t.median / m.median, 1) + 'x', 8)}`);
}
console.log('');
console.log(`throughput, ${PAR} parallel callers over one server (--max-concurrent ${PAR}, ${os.cpus().length} CPUs):`);
for (const [k, v] of Object.entries(tput)) console.log(`  ${k.padEnd(7)} ${pad(f(v.rate, 0), 8)} calls/s  (${v.total} calls${k === 'mixed' ? ': read, grep, bash in turn' : ''})`);
console.log('');
console.log('first call of each tool over mcp (the modules were loaded at start-up), ms:');
console.log('  ' + Object.entries(firstCall).map(([k, v]) => `${k} ${f(v, 1)}`).join(', '));
console.log('');
console.log('server memory (MiB, /proc/PID/status):');
console.log(`  after initialize (modules loaded) VmRSS ${f(memStart.rss, 1)}`);
console.log(`  after one call of each tool      VmRSS ${f(memLoaded.rss, 1)}  VmHWM ${f(memLoaded.hwm, 1)}`);
console.log(`  after the benchmark              VmRSS ${f(memEnd.rss, 1)}  VmHWM ${f(memEnd.hwm, 1)}`);
const modules = fs.readdirSync(toolsDir).filter((n) => n.endsWith('.wasm')).reduce((a, n) => a + fs.statSync(path.join(toolsDir, n)).size, 0);
console.log(`  (the ${Object.keys(warm).length} tool modules are ${f(modules / 1048576, 1)} MiB on disk)`);
console.log('calls: read-3 = read of a 3-line file, read = 200 lines, grep = TODO in *.c (50 files), bash = ls | wc -l');
console.log(`design targets (issue 8): read median <= 0.5 ms; RSS <= 16 MiB plus the loaded modules`);
if (failures) console.log(`\n${failures} call(s) failed`);
process.exit(failures ? 1 : 0);
