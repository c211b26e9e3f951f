function* inner() { try { const x = yield 'i1'; console.log('inner got', x); yield 'i2'; return 'inner-ret'; } finally { console.log('inner finally'); } }
function* outer() { const r = yield* inner(); console.log('r', r); yield 'o'; }
let it = outer(); console.log(JSON.stringify(it.next()), JSON.stringify(it.next('X')), JSON.stringify(it.next()), JSON.stringify(it.next()));
it = outer(); it.next(); console.log(JSON.stringify(it.return('R')));
function* c1() { try { yield 1; } catch (e) { console.log('inner caught', e); yield 'c'; } }
function* c2() { yield* c1(); }
it = c2(); it.next(); console.log(JSON.stringify(it.throw('E')));
function* strs() { yield* 'ab'; yield* [1, 2]; }
console.log([...strs()].join());
const iterNoThrow = { [Symbol.iterator]() { return { next() { return { value: 1, done: false }; }, return() { console.log('closed'); return {}; } }; } };
function* d3() { yield* iterNoThrow; }
it = d3(); it.next(); try { it.throw(new Error('x')); } catch (e) { console.log(e.constructor.name); }
function* fib() { let [a, b] = [0, 1]; for (;;) { yield a; [a, b] = [b, a + b]; } }
const out = []; for (const v of fib()) { if (v > 50) break; out.push(v); } console.log(out.join());
