// simd_node_check.mjs - check the expected answers of tests/test_simd.c on
// node (V8), an engine independent of corral:
//
//   node tests/simd_node_check.mjs [TEST.c]   (from the repository root; needs wat2wasm;
//                                             TEST.c defaults to tests/test_simd.c)
//
// It reads the case tables of tests/test_simd.c (the RUN(module, table)
// lines say which module each table runs on, and in what order), builds
// tests/wat/MODULE.wat, and runs every case the way the C test does: one
// instance per table, cases in order.  JavaScript cannot pass a v128 to
// or from wasm, so each export is called through a generated wrapper
// module that imports it, reads its arguments from the wrapper's memory
// and writes its results there.  The value notation and the NaN patterns
// are those described at the top of test_simd.c.  Prints each mismatch
// and a summary; exits 1 on any mismatch.
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const src = readFileSync(process.argv[2] ?? 'tests/test_simd.c', 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');

// ---- the C source: macros, tables, RUN lines ----
const macros = {};
for (const m of src.matchAll(/^#define (\w+) ("[^"\n]*")\s*$/gm)) macros[m[1]] = JSON.parse(m[2]);

function tokens(text) {
  const out = [];
  const re = /\s*("(?:[^"\\]|\\.)*"|[A-Za-z_]\w*|[{},])/gy;
  let m;
  while ((m = re.exec(text)) && m[1]) out.push(m[1]);
  return out;
}

// A table body: {"fn", {ARG, ...}, WANT}, ... where ARG and WANT are
// adjacent string literals or macro names, and an ARG may be NULL.
function parseTable(body) {
  const t = tokens(body);
  let i = 0;
  const expect = (tok) => {
    if (t[i] !== tok) throw new Error(`table parse: expected ${tok} at ${t.slice(i, i + 5)}`);
    i++;
  };
  const strexpr = () => {
    let s = null;
    while (i < t.length && (t[i].startsWith('"') || (t[i] in macros))) {
      s = (s ?? '') + (t[i].startsWith('"') ? JSON.parse(t[i]) : macros[t[i]]);
      i++;
    }
    if (s === null && t[i] === 'NULL') {
      i++;
      return null;
    }
    if (s === null) throw new Error(`table parse: no string at ${t.slice(i, i + 5)}`);
    return s;
  };
  const cases = [];
  while (i < t.length) {
    expect('{');
    const fn = strexpr();
    expect(',');
    expect('{');
    const args = [];
    while (t[i] !== '}') {
      const a = strexpr();
      if (a !== null) args.push(a);
      if (t[i] === ',') i++;
    }
    expect('}');
    expect(',');
    const want = strexpr();
    expect('}');
    if (t[i] === ',') i++;
    cases.push({ fn, args, want });
  }
  return cases;
}

const tables = {};
for (const m of src.matchAll(/static const simd_case (\w+)\[\] = \{([\s\S]*?)\n\};/g))
  tables[m[1]] = parseTable(m[2]);
const runs = [...src.matchAll(/RUN\("(\w+)", (\w+)\)/g)].map((m) => ({ module: m[1], table: m[2] }));

// ---- values ----
const TYPES = {
  i8x16: [1, false], i16x8: [2, false], i32x4: [4, false], i64x2: [8, false],
  f32x4: [4, true], f64x2: [8, true], i32: [4, false],
};

function parseLane(s) {
  const neg = s.startsWith('-');
  const v = BigInt(neg ? s.slice(1) : s);
  return neg ? -v : v;
}

// -> {type, width, scalar, bytes (Uint8Array 16 or 4), kinds[]}
function parseVal(text) {
  const parts = text.trim().split(/\s+/);
  const type = parts.shift();
  if (!(type in TYPES)) throw new Error(`no type in "${text}"`);
  const [width, isFloat] = TYPES[type];
  const scalar = type === 'i32';
  const lanes = scalar ? 1 : 16 / width;
  if (parts.length !== lanes) throw new Error(`"${text}": ${parts.length} lanes, want ${lanes}`);
  const bytes = new Uint8Array(scalar ? 4 : 16);
  const kinds = [];
  parts.forEach((p, i) => {
    if (p === 'nan:canonical' || p === 'nan:arithmetic') {
      if (!isFloat) throw new Error(`NaN pattern in integer value "${text}"`);
      kinds.push(p);
      return;
    }
    kinds.push('exact');
    let x = BigInt.asUintN(width * 8, parseLane(p));
    for (let b = 0; b < width; b++) {
      bytes[i * width + b] = Number(x & 0xffn);
      x >>= 8n;
    }
  });
  return { type, width, scalar, bytes, kinds };
}

const le = (bytes, off, n) => {
  let x = 0n;
  for (let b = n - 1; b >= 0; b--) x = (x << 8n) | BigInt(bytes[off + b]);
  return x;
};

function matches(want, got) {
  const w = want.width;
  const quiet = w === 4 ? 0x7fc00000n : 0x7ff8000000000000n;
  const payload = w === 4 ? 0x003fffffn : 0x0007ffffffffffffn;
  for (let i = 0; i < want.kinds.length; i++) {
    const g = le(got, i * w, w), x = le(want.bytes, i * w, w);
    if (want.kinds[i] === 'exact' && g !== x) return false;
    if (want.kinds[i] === 'nan:canonical' && ((g & quiet) !== quiet || (g & payload) !== 0n)) return false;
    if (want.kinds[i] === 'nan:arithmetic' && (g & quiet) !== quiet) return false;
  }
  return true;
}

function show(want, got) {
  const lanes = [];
  for (let i = 0; i < want.kinds.length; i++) {
    lanes.push('0x' + le(got, i * want.width, want.width).toString(16));
  }
  return `${want.type} ${lanes.join(' ')}`;
}

// ---- modules ----
function signatures(wat) {
  const sigs = {};
  const re = /\(func (?:\$\w+ )?\(export "(\w+)"\)((?:\s*\(param[^)]*\))*)((?:\s*\(result[^)]*\))*)/g;
  for (const m of wat.matchAll(re)) {
    const list = (s, kw) => [...s.matchAll(new RegExp(`\\(${kw}([^)]*)\\)`, 'g'))]
      .flatMap((x) => x[1].trim().split(/\s+/).filter((y) => y && !y.startsWith('$')));
    sigs[m[1]] = { params: list(m[2], 'param'), results: list(m[3], 'result') };
  }
  return sigs;
}

// A wrapper that imports every export of the module and offers
// call_NAME(): arguments at 0, 16, 32 of its memory, results at 64, 80, ...
function wrapperWat(sigs) {
  const lines = ['(module'];
  for (const [name, s] of Object.entries(sigs)) {
    lines.push(`  (import "m" "${name}" (func $${name} (param ${s.params.join(' ')}) (result ${s.results.join(' ')})))`);
  }
  lines.push('  (memory (export "mem") 1)');
  for (const [name, s] of Object.entries(sigs)) {
    const body = [];
    s.params.forEach((p, i) => body.push(`(${p}.load (i32.const ${16 * i}))`));
    body.push(`(call $${name})`);
    // results come off the stack last first
    const locals = s.results.map((r, i) => `(local $r${i} ${r})`);
    for (let i = s.results.length - 1; i >= 0; i--) body.push(`(local.set $r${i})`);
    s.results.forEach((r, i) => body.push(`(${r}.store (i32.const ${64 + 16 * i}) (local.get $r${i}))`));
    lines.push(`  (func (export "call_${name}") ${locals.join(' ')} ${body.join(' ')})`);
  }
  lines.push(')');
  return lines.join('\n');
}

const tmp = mkdtempSync(join(tmpdir(), 'simd-node-'));
const wat2wasm = (text, name) => {
  writeFileSync(join(tmp, name + '.wat'), text);
  execFileSync('wat2wasm', [join(tmp, name + '.wat'), '-o', join(tmp, name + '.wasm')]);
  return readFileSync(join(tmp, name + '.wasm'));
};

const compiled = {};
function instantiate(module) {
  if (!compiled[module]) {
    const wat = readFileSync(`tests/wat/${module}.wat`, 'utf8');
    const sigs = signatures(wat);
    compiled[module] = {
      sigs,
      inner: new WebAssembly.Module(wat2wasm(wat, module)),
      outer: new WebAssembly.Module(wat2wasm(wrapperWat(sigs), module + '_wrapper')),
    };
  }
  const c = compiled[module];
  const inner = new WebAssembly.Instance(c.inner, {});
  const outer = new WebAssembly.Instance(c.outer, { m: inner.exports });
  return { sigs: c.sigs, inner, outer };
}

let total = 0, bad = 0;
try {
  for (const { module, table } of runs) {
    const inst = instantiate(module);
    for (const k of tables[table]) {
      total++;
      const label = `${table}: ${k.fn}(${k.args.join(', ')})`;
      const args = k.args.map(parseVal);
      const mem = new Uint8Array(inst.outer.exports.mem.buffer);
      let err = null, results = [];
      if (k.fn === '@mem') {
        const inner = new Uint8Array(inst.inner.exports.memory.buffer);
        const at = Number(le(args[0].bytes, 0, 4));
        if (at + 16 > inner.length) err = 'out of bounds';
        else results = [inner.slice(at, at + 16)];
      } else {
        const sig = inst.sigs[k.fn];
        if (!sig) throw new Error(`${label}: no export ${k.fn} in ${module}.wat`);
        args.forEach((a, i) => {
          const want = a.scalar ? 'i32' : 'v128';
          if (sig.params[i] !== want) throw new Error(`${label}: argument ${i} is not a ${sig.params[i]}`);
          mem.set(a.bytes, 16 * i);
        });
        try {
          inst.outer.exports[`call_${k.fn}`]();
          results = sig.results.map((r, i) => mem.slice(64 + 16 * i, 64 + 16 * i + (r === 'i32' ? 4 : 16)));
        } catch (e) {
          if (!(e instanceof WebAssembly.RuntimeError)) throw e;
          err = e.message;
        }
      }
      if (k.want.startsWith('trap ')) {
        if (err === null) {
          bad++;
          console.log(`MISMATCH ${label}: expected a trap (${k.want.slice(5)}), got success`);
        }
        continue;
      }
      if (err !== null) {
        bad++;
        console.log(`MISMATCH ${label}: unexpected trap: ${err}`);
        continue;
      }
      const wants = k.want.trim() === '' ? [] : k.want.split(';').map(parseVal);
      if (wants.length !== results.length) {
        bad++;
        console.log(`MISMATCH ${label}: ${results.length} results, the table has ${wants.length}`);
        continue;
      }
      wants.forEach((w, i) => {
        if (!matches(w, results[i])) {
          bad++;
          console.log(`MISMATCH ${label}: result ${i} is ${show(w, results[i])}, expected ${k.want.split(';')[i].trim()}`);
        }
      });
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
console.log(`simd_node_check: ${total} cases in ${runs.length} tables, ${bad} mismatches (node ${process.version})`);
process.exitCode = bad ? 1 : 0;
