// lib.mjs - what the MCP end-to-end scripts share: result lines for
// tests/e2e_mcp.sh, a raw line-level JSON-RPC client over a child's stdio,
// waits that always time out, and small JSON helpers.
//
// Result lines (read by tests/e2e_mcp.sh, which numbers and counts them):
//   PASS <desc>
//   FAIL <desc>\t<why>
//   SKIP <desc>\t<why>
//   # <anything>            a comment, shown as it is
// A script ends by printing `DONE`; one that dies before is a failure.
import { spawn, execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const oneLine = (s) => String(s).replace(/[\r\n\t]+/g, ' ').slice(0, 900);

export function pass(desc) {
    process.stdout.write(`PASS ${oneLine(desc)}\n`);
}
export function fail(desc, why) {
    process.stdout.write(`FAIL ${oneLine(desc)}\t${oneLine(why)}\n`);
}
export function skip(desc, why) {
    process.stdout.write(`SKIP ${oneLine(desc)}\t${oneLine(why)}\n`);
}
export function note(text) {
    for (const l of String(text).split('\n')) process.stdout.write(`# ${l}\n`);
}
export function done() {
    process.stdout.write('DONE\n');
}

// check(desc, fn): runs fn (sync or async); a thrown error or a returned
// string is the reason of a failure, anything else a pass.
export async function check(desc, fn) {
    try {
        const r = await fn();
        if (typeof r === 'string') fail(desc, r);
        else pass(desc);
    } catch (e) {
        fail(desc, e && e.message ? e.message : String(e));
    }
}

// An assertion whose message becomes the reason of the failing check.
export function expect(cond, why) {
    if (!cond) throw new Error(why);
}

export const show = (v, n = 400) => {
    let s;
    try {
        s = JSON.stringify(v);
    } catch {
        s = String(v);
    }
    if (s === undefined) s = String(v);
    return s.length > n ? s.slice(0, n) + '...' : s;
};

export function deepEqual(a, b) {
    if (a === b) return true;
    if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    const ka = Object.keys(a), kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
}

// A copy of metadata without its per-run "sandbox" figures.
export function withoutSandbox(meta) {
    if (!meta || typeof meta !== 'object') return meta;
    const { sandbox: _s, ...rest } = meta;
    return rest;
}

export const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

// The usual shape of a tool result: content = [one text item].
export function resultText(r) {
    expect(isObject(r), `result is not an object: ${show(r)}`);
    expect(Array.isArray(r.content) && r.content.length === 1, `content is not one item: ${show(r.content)}`);
    const c = r.content[0];
    expect(c && c.type === 'text' && typeof c.text === 'string', `content[0] is not {type: text, text: string}: ${show(c)}`);
    return c.text;
}

export function sleep(ms) {
    return new Promise((r) => setTimeout(r, ms));
}

// withTimeout(promise, ms, what): rejects with "timed out after ms ms: what".
export function withTimeout(p, ms, what) {
    let t;
    return Promise.race([
        p,
        new Promise((_, rej) => {
            t = setTimeout(() => rej(new Error(`timed out after ${ms} ms: ${what}`)), ms);
        }),
    ]).finally(() => clearTimeout(t));
}

// The environment the scripts are started with (tests/e2e_mcp.sh sets it).
export const env = {
    corral: process.env.MCP_CORRAL,
    // the binary whose `corral tool` gives the reference results (the same
    // one, unless a stand-in server is being tried)
    corralTool: process.env.MCP_CORRAL_TOOL || process.env.MCP_CORRAL,
    tools: process.env.MCP_TOOLS_DIR,
    npm: process.env.MCP_NPM_DIR,
    tmp: process.env.MCP_TMP || fs.mkdtempSync(path.join(os.tmpdir(), 'corral-mcp-')),
    netServer: process.env.MCP_NET_SERVER || '',
    // The base of every wait; raised for the sanitizer build.
    timeout: Number(process.env.MCP_TIMEOUT_MS || 60000),
};
// The version serverInfo must carry: the binary's own (`corral --version`
// prints "corral X.Y.Z", from corral.h's CORRAL_VERSION).
env.version = (() => {
    try {
        return String(execFileSync(env.corral, ['--version'])).trim().replace(/^corral /, '');
    } catch {
        return ''; /* the checks that compare it then fail, naming it */
    }
})();

// A require() that resolves in the npm prefix (build/npm).
export function npmRequire() {
    return createRequire(path.join(env.npm, 'package.json'));
}

// run(cmd, args, opts): a child process to completion, with a time limit;
// resolves {code, signal, stdout, stderr, timedOut}.
export function run(cmd, args, { input, timeout = env.timeout, cwd, envVars } = {}) {
    return new Promise((resolve) => {
        const child = execFile(
            cmd,
            args,
            { cwd, env: envVars || process.env, maxBuffer: 64 << 20, timeout, killSignal: 'SIGKILL' },
            (err, stdout, stderr) => {
                resolve({
                    code: child.exitCode,
                    signal: child.signalCode,
                    stdout,
                    stderr,
                    timedOut: !!(err && err.killed),
                });
            },
        );
        if (input !== undefined) child.stdin.end(input);
        else child.stdin.end();
    });
}

// `corral tool NAME JSON` with the same sandbox flags: the reference result.
export async function corralTool(flags, name, input) {
    const r = await run(env.corralTool, ['tool', '--tools-dir', env.tools, ...flags, name, '-'], {
        input: JSON.stringify(input),
    });
    try {
        return JSON.parse(r.stdout);
    } catch {
        throw new Error(`corral tool ${name} printed no JSON (exit ${r.code}): ${r.stdout.slice(0, 200)} ${r.stderr.slice(0, 200)}`);
    }
}

// ---- the raw client ------------------------------------------------------------

// A server process spoken to line by line.  Every stdout line is kept
// (msgs: parsed messages in order; bad: lines that are not one JSON object
// with "jsonrpc": "2.0"); waiters are resolved as lines arrive.
export class Raw {
    constructor(args, { cwd, extraEnv } = {}) {
        this.args = args;
        this.msgs = [];
        this.bad = [];
        this.stderr = '';
        this.waiters = [];
        this.nextId = 1000;
        this.exited = null;
        this.stdinEnded = false;
        this.afterEof = []; // messages that arrived after stdin was closed
        this.child = spawn(env.corral, args, {
            cwd,
            env: { ...process.env, ...(extraEnv || {}) },
            stdio: ['pipe', 'pipe', 'pipe'],
        });
        this.child.stdin.on('error', () => {}); // EPIPE once the server is gone
        let pending = '';
        this.child.stdout.setEncoding('utf8');
        this.child.stdout.on('data', (d) => {
            pending += d;
            let nl;
            while ((nl = pending.indexOf('\n')) >= 0) {
                const line = pending.slice(0, nl);
                pending = pending.slice(nl + 1);
                this._line(line);
            }
        });
        this.child.stdout.on('end', () => {
            if (pending.length) this._line(pending);
            pending = '';
        });
        this.child.stderr.setEncoding('utf8');
        this.child.stderr.on('data', (d) => {
            if (this.stderr.length < 1 << 20) this.stderr += d;
        });
        this.exitPromise = new Promise((resolve) => {
            this.child.on('close', (code, signal) => {
                this.exited = { code, signal };
                resolve(this.exited);
                this._wake();
            });
            this.child.on('error', (e) => {
                this.exited = { code: null, signal: null, error: e.message };
                resolve(this.exited);
                this._wake();
            });
        });
    }

    _line(line) {
        let m;
        try {
            m = JSON.parse(line);
        } catch {
            this.bad.push(line.slice(0, 300));
            return;
        }
        if (!isObject(m) || m.jsonrpc !== '2.0') this.bad.push(line.slice(0, 300));
        if (isObject(m)) {
            m._t = Date.now();
            this.msgs.push(m);
            if (this.stdinEnded) this.afterEof.push(m);
        }
        this._wake();
    }

    _wake() {
        for (const w of [...this.waiters]) {
            const m = this.msgs.find((x, i) => i >= w.from && w.pred(x));
            if (m) {
                this.waiters.splice(this.waiters.indexOf(w), 1);
                clearTimeout(w.timer);
                w.resolve(m);
            } else if (this.exited) {
                this.waiters.splice(this.waiters.indexOf(w), 1);
                clearTimeout(w.timer);
                w.reject(new Error(`server exited (${show(this.exited)}) while waiting for ${w.what}; stderr: ${this.stderr.slice(-300)}`));
            }
        }
    }

    // waitFor(pred, what, ms, from): the first message (at index >= from)
    // that satisfies pred.
    waitFor(pred, what, ms = env.timeout, from = 0) {
        const m = this.msgs.find((x, i) => i >= from && pred(x));
        if (m) return Promise.resolve(m);
        return new Promise((resolve, reject) => {
            const w = { pred, what, from, resolve, reject };
            w.timer = setTimeout(() => {
                this.waiters.splice(this.waiters.indexOf(w), 1);
                reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
            }, ms);
            this.waiters.push(w);
            if (this.exited) this._wake();
        });
    }

    // The response to request id.
    response(id, ms = env.timeout) {
        return this.waitFor(
            (m) => m.id === id && !('method' in m) && ('result' in m || 'error' in m),
            `the response to id ${show(id)}`,
            ms,
        );
    }

    responses(id) {
        return this.msgs.filter((m) => m.id === id && !('method' in m));
    }

    sendLine(text) {
        return new Promise((resolve) => {
            if (this.child.stdin.destroyed || this.stdinEnded) return resolve(false);
            if (this.child.stdin.write(text + '\n')) resolve(true);
            else this.child.stdin.once('drain', () => resolve(true));
        });
    }

    send(obj) {
        return this.sendLine(JSON.stringify(obj));
    }

    // request(method, params): sends it and resolves the whole response.
    async request(method, params, { id, ms } = {}) {
        if (id === undefined) id = this.nextId++;
        const msg = { jsonrpc: '2.0', id, method };
        if (params !== undefined) msg.params = params;
        await this.send(msg);
        return this.response(id, ms);
    }

    notify(method, params) {
        const msg = { jsonrpc: '2.0', method };
        if (params !== undefined) msg.params = params;
        return this.send(msg);
    }

    async initialize(version = '2025-11-25') {
        const r = await this.request('initialize', {
            protocolVersion: version,
            capabilities: {},
            clientInfo: { name: 'corral-e2e', version: '1.0.0' },
        });
        await this.notify('notifications/initialized');
        return r;
    }

    // call(name, args, extra): tools/call; resolves the response.
    call(name, args, { id, meta, ms } = {}) {
        const params = { name };
        if (args !== undefined) params.arguments = args;
        if (meta) params._meta = meta;
        return this.request('tools/call', params, { id, ms });
    }

    endInput() {
        this.stdinEnded = true;
        this.child.stdin.end();
    }

    // close(): EOF, then the exit (killed after ms).
    async close(ms = env.timeout) {
        if (!this.stdinEnded) this.endInput();
        const t = setTimeout(() => this.child.kill('SIGKILL'), ms);
        const r = await this.exitPromise;
        clearTimeout(t);
        return r;
    }

    kill() {
        if (!this.exited) this.child.kill('SIGKILL');
    }
}

// The working directory of a test, filled from a {relative path: text} map.
export function makeTree(dir, files) {
    fs.mkdirSync(dir, { recursive: true });
    for (const [rel, text] of Object.entries(files)) {
        const p = path.join(dir, rel);
        fs.mkdirSync(path.dirname(p), { recursive: true });
        fs.writeFileSync(p, text);
    }
    return dir;
}

// Starts the loopback test server (tests/net_server.c); resolves
// {base, stop} or null when there is none.
export async function startNetServer(wwwDir) {
    if (!env.netServer || !fs.existsSync(env.netServer)) return null;
    const child = spawn(env.netServer, [], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, ...(wwwDir ? { NET_SERVER_DIR: wwwDir } : {}) },
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    const port = await withTimeout(
        new Promise((resolve, reject) => {
            child.stdout.on('data', (d) => {
                out += d;
                const m = /^(\d+) (\d+)\n/.exec(out);
                if (m) resolve(Number(m[1]));
            });
            child.on('close', () => reject(new Error('net_server exited')));
        }),
        10000,
        'net_server to print its ports',
    ).catch(() => null);
    if (!port) {
        child.kill('SIGKILL');
        return null;
    }
    return {
        base: `http://127.0.0.1:${port}`,
        stop: () => child.kill('SIGKILL'),
    };
}

// Checks that a raw session only ever printed protocol messages.
export function checkStdoutClean(raw, desc) {
    if (raw.bad.length === 0) pass(`${desc}: stdout carried only JSON-RPC 2.0 messages`);
    else fail(`${desc}: stdout carried only JSON-RPC 2.0 messages`, `${raw.bad.length} other line(s), first: ${raw.bad[0]}`);
}

export { fs, path, os };
