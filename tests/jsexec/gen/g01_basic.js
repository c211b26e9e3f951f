function* g(a) { const x = yield a; console.log('got', x); yield x * 2; return 'end'; }
const it = g(1);
console.log(JSON.stringify(it.next('ignored')), JSON.stringify(it.next(10)), JSON.stringify(it.next()), JSON.stringify(it.next()));
console.log([...g(5)].join(','));
for (const v of g(7)) console.log('v', v);
console.log(it[Symbol.iterator]() === it, Object.prototype.toString.call(it));
