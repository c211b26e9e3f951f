// expect.js - fills in the `--- expect` blocks of case tables from node.
//
//   node tests/jsexec/expect.js TABLE...
//
// Each case without @nonode is run as the runner runs it under node (node
// -e CODE -- '[code]' ARGS, in an empty directory, with only PATH and its
// @env in the environment) and its expect block is replaced by node's
// output.  A case whose node run writes to stderr, exits non-zero, or ends
// with an empty line is reported.  Check the new expectations by eye.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

function runNode(code, opts) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jsexpect-'));
  let args = [];
  const env = { PATH: process.env.PATH };
  for (const o of opts) {
    if (o.startsWith('args ')) args = JSON.parse(o.slice(5)).map((a) => typeof a === 'object' ? JSON.stringify(a) : String(a));
    if (o.startsWith('env ')) { const kv = o.slice(4); const eq = kv.indexOf('='); env[kv.slice(0, eq)] = kv.slice(eq + 1); }
  }
  const r = spawnSync('node', ['-e', code, '--', '[code]', ...args], { cwd: dir, env, encoding: 'utf8', timeout: 20000 });
  fs.rmSync(dir, { recursive: true, force: true });
  return r;
}

for (const file of process.argv.slice(2)) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const out = [];
  let i = 0;
  while (i < lines.length) {
    if (!lines[i].startsWith('=== ')) { out.push(lines[i++]); continue; }
    const name = lines[i].slice(4);
    out.push(lines[i++]);
    const opts = [];
    while (i < lines.length && lines[i].startsWith('@')) { opts.push(lines[i].slice(1)); out.push(lines[i++]); }
    const code = [];
    while (i < lines.length && lines[i] !== '--- expect' && !lines[i].startsWith('=== ')) code.push(lines[i++]);
    const old = [];
    if (lines[i] === '--- expect') {
      i++;
      while (i < lines.length && !lines[i].startsWith('=== ')) old.push(lines[i++]);
    }
    while (code.length && code[code.length - 1] === '') code.pop();
    out.push(...code, '--- expect');
    if (opts.includes('nonode')) {
      while (old.length && old[old.length - 1] === '') old.pop();
      out.push(...old, '');
      continue;
    }
    const r = runNode(code.join('\n'), opts);
    let o = r.stdout || '';
    if (o.endsWith('\n')) o = o.slice(0, -1);
    if (r.status !== 0 || r.stderr) console.error(`${file}: ${name}: status ${r.status}: ${(r.stderr || '').split('\n').slice(0, 4).join(' | ')}`);
    if (o.endsWith('\n') || o === '') console.error(`${file}: ${name}: output is empty or ends with an empty line`);
    out.push(...(o === '' ? [] : o.split('\n')), '');
  }
  while (out.length > 1 && out[out.length - 1] === '' && out[out.length - 2] === '') out.pop();
  fs.writeFileSync(file, out.join('\n'));
}
