function* t() { try { yield 1; return 'a'; } finally { return 'override'; } }
const i = t(); i.next(); console.log(JSON.stringify(i.next()));
function* u() { lbl: { yield 1; if (true) break lbl; yield 'never'; } yield 2; }
console.log([...u()].join());
function* v() { for (let i = 0; i < 5; i++) { switch (i) { case 1: continue; case 3: return; } yield i; } }
console.log([...v()].join());
function* w() { while (true) { try { try { yield 1; } finally { console.log('a'); break; } } finally { console.log('b'); } } yield 'after'; }
console.log([...w()].join());
function* x() { const r = yield* (function* () { return 5; })(); yield r; }
console.log([...x()].join());
const gen = (function* () {})(); console.log(JSON.stringify(gen.next()), typeof gen.next, typeof gen.return, typeof gen.throw);
function* p(a = 1, { b } = { b: 2 }, ...rest) { yield a + b + rest.length; }
console.log(p().next().value, p(10, { b: 20 }, 0, 0).next().value);
function* q() { let s = 0; for (const v of [1, 2, 3]) { if (v === 2) continue; s += yield v; } return s; }
const qi = q(); qi.next(); qi.next(10); console.log(JSON.stringify(qi.next(20)));
function* r() { const iter = { i: 0, [Symbol.iterator]() { return this; }, next() { return { value: this.i++, done: this.i > 5 }; }, return() { console.log('returned'); return { done: true }; } }; for (const v of iter) { if (v === 2) break; yield v; } }
console.log([...r()].join());
function* s2() { yield typeof (yield 1); yield !(yield 2); yield -(yield 3); yield void (yield 4); }
console.log([...s2()].join());
function* tt() { const a = [1, 2]; const b = [...a, yield 'x']; console.log(b.join()); const o = { ...{ z: 1 }, y: yield 'y' }; console.log(JSON.stringify(o)); }
const ti = tt(); ti.next(); ti.next(3); ti.next(4);
function* deleg() { const v = yield* [1, 2]; console.log('arr deleg result', v); }
console.log([...deleg()].join());
function* cnt() { let n = 0; n++; yield n; n += 2; yield n; }
console.log([...cnt()].join());
function* cond() { for (let i = 0; i < 4; i++) yield i % 2 ? (yield 'odd') : 'even'; }
console.log([...cond()].join());
