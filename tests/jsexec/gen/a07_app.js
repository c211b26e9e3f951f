const sleep = (ms, v) => new Promise(r => setTimeout(() => r(v), ms));
class Store {
  #data = new Map();
  async set(k, v) { await sleep(5); this.#data.set(k, v); return this; }
  async *entries() { for (const [k, v] of this.#data) { await sleep(1); yield { k, v }; } }
  get size() { return this.#data.size; }
}
async function start() {
  const s = new Store();
  await Promise.all(['a', 'b', 'c'].map(async (k, i) => s.set(k, i * 2)));
  console.log('size', s.size);
  let total = 0;
  for await (const { k, v } of s.entries()) { total += v; console.log(`${k}=${v}`); }
  try {
    await Promise.race([sleep(50, 'slow'), sleep(10).then(() => { throw new RangeError('too slow'); })]);
  } catch (err) {
    console.log(err.name, err.message);
  } finally {
    console.log('total', total);
  }
  const results = [];
  for (let attempt = 1; attempt <= 3; attempt++) {
    const r = await (attempt < 3 ? Promise.reject(new Error('fail ' + attempt)) : Promise.resolve('ok')).catch(e => e.message);
    results.push(r);
    if (r === 'ok') break;
  }
  console.log(JSON.stringify(results));
  const gen = (function* () { let i = 0; while (true) { const cmd = yield i++; if (cmd === 'reset') i = 0; } })();
  console.log(gen.next().value, gen.next().value, gen.next('reset').value, gen.next().value);
  return 'main done';
}
start().then(v => console.log(v));
