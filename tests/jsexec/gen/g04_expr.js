function* e1() { const r = (yield 'a') + (yield 'b'); console.log('sum', r); }
const it = e1(); it.next(); it.next(1); it.next(2);
function* e2() { let x = 1; x += yield x; console.log('x', x); const o = { p: 10 }; o.p -= yield; console.log('o.p', o.p); }
const i2 = e2(); i2.next(); i2.next(5); i2.next(3);
function f(...a) { return a.join('|'); }
function* e3() { console.log(f(1, yield 'q', ...(yield 'r'), 4)); }
const i3 = e3(); i3.next(); i3.next(2); i3.next([3, 3.5]);
function* e4(c) { const v = c ? yield 'yes' : yield 'no'; console.log('v', v); const w = (yield 'x') || 'dflt'; console.log('w', w); const z = c && (yield 'and'); console.log('z', z); }
const i4 = e4(true); console.log(i4.next().value); console.log(i4.next(7).value); console.log(i4.next(0).value); i4.next('A');
function* e5() { const [a, b] = yield 1; const { c, d = 4 } = yield 2; console.log(a, b, c, d, `t${yield 3}t`); }
const i5 = e5(); i5.next(); i5.next([1, 2]); i5.next({ c: 3 }); i5.next('M');
function* e6() { const o = { a: yield 1, [yield 2]: yield 3, ...(yield 4) }; console.log(JSON.stringify(o)); const arr = [yield 5, ...(yield 6)]; console.log(JSON.stringify(arr)); }
const i6 = e6(); i6.next(); i6.next('A'); i6.next('k'); i6.next('V'); i6.next({ s: 1 }); i6.next(9); i6.next([8, 7]);
const obj = { n: 2, *m() { yield this.n; yield* [3, 4]; } };
console.log([...obj.m()].join());
class C { constructor() { this.k = 'K'; } *[Symbol.iterator]() { yield this.k; yield 'L'; } static *s() { yield 'S'; } }
console.log([...new C()].join(), [...C.s()].join());
function* e7() { console.log(arguments.length, arguments[1]); const fn = () => arguments[0]; yield fn(); }
console.log(e7('a0', 'a1').next().value);
