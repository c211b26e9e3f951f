function* a() { let x = null; const r = x ?? (yield 'n'); let y = 0; y ||= yield 'o'; let z = 5; z &&= yield 'z'; console.log(r, y, z); }
const ai = a(); ai.next(); ai.next('R'); ai.next('Y'); ai.next('Z');
function tag(s, ...v) { return s.raw.join('_') + v.join(','); }
function* c() { console.log(tag`a${yield 1}b${yield 2}c`); class K { constructor(v) { this.v = v; } } console.log(new K(yield 3).v); const o = { d: 1 }; console.log(delete o[yield 4], 'd' in o, ((yield 5), (yield 6))); }
const ci = c(); ci.next(); ci.next('X'); ci.next('Y'); ci.next('kv'); ci.next('d'); ci.next(); ci.next('last');
function* d() { let p, q; [p, q] = [yield 1, yield 2]; ({ p, q = 'dq' } = yield 3); console.log(p, q); }
const di = d(); di.next(); di.next('P'); di.next('Q'); di.next({ p: 'pp' });
function* e(v) { switch (yield 'disc') { case (yield 'case1'): console.log('matched 1'); break; case 'two': console.log('matched two'); } }
const ei = e(); ei.next(); ei.next('two'); ei.next('one');
function* f() { let i = 0; outer: do { i++; for (;;) { if (i < 3) continue outer; break outer; } } while ((yield i) !== 'stop'); console.log('i', i); }
const fi = f(); console.log(JSON.stringify([fi.next(), fi.next(), fi.next()]));
function* h() { const o = { a: 1, b: 2, c: 3 }; for (const k in o) { yield k; delete o.c; } }
console.log([...h()].join());
function* j() { const t = yield; console.log(typeof t, t === undefined); return yield* j2(); }
function* j2() { return 'j2'; }
const ji = j(); ji.next(); console.log(JSON.stringify(ji.next()));
function* k() { yield 1; } const ki = k(); console.log(JSON.stringify(ki.return('early')), JSON.stringify(ki.next()));
function* m() { try { yield 1; } finally { console.log('m cleanup'); } } const mi = m(); mi.next(); try { mi.throw(new Error('T')); } catch (e) { console.log('out', e.message); }
