async function* ticker(n) { for (let i = 0; i < n; i++) { await null; yield i; } return 'done'; }
(async () => {
  for await (const t of ticker(3)) console.log('tick', t);
  for await (const v of [Promise.resolve('a'), 'b']) console.log('sync-of-promises', v);
  const it = ticker(2);
  console.log(JSON.stringify(await it.next()), JSON.stringify(await it.next()), JSON.stringify(await it.next()), JSON.stringify(await it.next()));
  const it2 = ticker(5); await it2.next(); console.log(JSON.stringify(await it2.return('early')));
  async function* agd() { yield* ticker(2); yield* ['x', 'y']; }
  const got = []; for await (const v of agd()) got.push(v); console.log(got.join());
  const it3 = ticker(3); const ps = [it3.next(), it3.next(), it3.next(), it3.next()];
  console.log((await Promise.all(ps)).map(r => JSON.stringify(r)).join(' '));
  async function* fails() { yield 1; throw new Error('agen err'); }
  try { for await (const v of fails()) console.log('f', v); } catch (e) { console.log('caught', e.message); }
  async function* cl() { try { yield 1; yield 2; } finally { console.log('agen cleanup'); } }
  for await (const v of cl()) { console.log('cl', v); break; }
  console.log(Object.prototype.toString.call(ticker(1)), typeof ticker(1)[Symbol.asyncIterator]);
})();
