// diff.js - node's half of the differential run (tests/fuzz/diff.sh): the
// same calls and the same output format as diff_corral.c, which see.
//
//   node diff.js MODULE.wasm SIGS     (SIGS: "NAME<tab>PARAMS<tab>RESULTS"
//                                      lines from diff_corral: the types)
'use strict';
const fs = require('fs');
const [file, sigFile] = process.argv.slice(2);
const out = [];
const f32 = new Float32Array(1), u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1), u64 = new BigUint64Array(f64.buffer);
const fmtF32 = (x) => {
  if (Number.isNaN(x)) return 'f32:nan';
  f32[0] = x;
  return 'f32:' + u32[0].toString(16).padStart(8, '0');
};
const fmtF64 = (x) => {
  if (Number.isNaN(x)) return 'f64:nan';
  f64[0] = x;
  return 'f64:' + u64[0].toString(16).padStart(16, '0');
};
// V8's messages by kind; a trapping float-to-int conversion and a signed
// division overflow are one kind ("int"), since V8 says "float
// unrepresentable in integer range" where the spec says "integer overflow"
const kind = (e) => {
  if (e instanceof RangeError && /call stack/i.test(e.message)) return 'stack';
  if (!(e instanceof WebAssembly.RuntimeError)) return 'other';
  const m = e.message;
  if (/^unreachable/.test(m)) return 'unreachable';
  if (/memory access out of bounds|data segment/.test(m)) return 'memory';
  if (/table index|signature mismatch|null function|element segment/.test(m)) return 'table';
  if (/by zero/.test(m)) return 'div0';
  if (/unrepresentable/.test(m)) return 'int';
  return 'other';
};
const log = (name, fmt) => (x) => out.push(name + ' ' + fmt(x));
const imports = {
  'fuzzing-support': {
    'log-i32': log('log-i32', String),
    'log-i64': log('log-i64', String),
    'log-f32': log('log-f32', fmtF32),
    'log-f64': log('log-f64', fmtF64),
  },
};
const fmt = (t, v) => {
  if (typeof v === 'bigint') return String(v);
  if (v === null) return 'null';
  if (typeof v === 'function' || typeof v === 'object') return 'ref';
  return t === 'f' ? fmtF32(v) : t === 'F' ? fmtF64(v) : String(v);
};
let mod, inst;
try {
  mod = new WebAssembly.Module(fs.readFileSync(file));
} catch (e) {
  console.log('invalid');
  process.exit(0);
}
try {
  inst = new WebAssembly.Instance(mod, imports);
} catch (e) {
  console.log(e instanceof WebAssembly.LinkError ? 'link error' : 'instantiate trap ' + kind(e));
  process.exit(0);
}
const sigs = new Map();
for (const line of fs.readFileSync(sigFile, 'utf8').split('\n')) {
  const [name, params, results] = line.split('\t');
  if (results !== undefined) sigs.set(name, { params, results });
}
const hang = inst.exports.hangLimitInitializer;
for (const d of WebAssembly.Module.exports(mod)) {
  const f = inst.exports[d.name];
  if (d.kind !== 'function' || f === hang) continue;
  const { params, results: rt } = sigs.get(d.name) || { params: '', results: '' };
  const args = [...params].map((t) => (t === 'I' ? 0n : t === 'r' ? null : 0));
  out.push('call ' + d.name);
  try {
    if (hang) hang();
    let r = f(...args);
    if (rt.length === 0) r = [];
    else if (rt.length === 1) r = [r];
    out.push(['result', ...r.map((v, i) => fmt(rt[i], v))].join(' '));
  } catch (e) {
    out.push('trap ' + kind(e));
  }
}
console.log(out.join('\n'));
