class K { constructor() { this.v = 'kv'; } go() { const f = async () => { await 1; return this.v; }; return f(); } async m(x) { const r = await x; return this.v + r; } }
const k = new K();
k.go().then(v => console.log('arrow this', v));
k.m('!').then(v => console.log('method', v));
function outer() { const g = async () => { await null; return arguments[0]; }; return g('no'); }
outer('yes').then(v => console.log('arrow arguments', v));
const o = { async am() { return 'obj'; }, val: 3, async *ag() { yield this.val; } };
o.am().then(v => console.log(v));
(async () => { for await (const v of o.ag()) console.log('ag', v); })();
async function sum(list) { let s = 0; for (const p of list) s += await p; return s; }
sum([1, Promise.resolve(2), 3]).then(v => console.log('sum', v));
const xs = [1, 2, 3]; Promise.all(xs.map(async x => { await null; return x * 10; })).then(r => console.log(r.join()));
