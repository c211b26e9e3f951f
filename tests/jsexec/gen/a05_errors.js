async function f() { await null; null.x; }
f().catch(e => console.log('rejected:', e instanceof TypeError));
async function g(a = (() => { throw new Error('param'); })()) {}
g().catch(e => console.log('param rejects:', e.message));
async function h() { try { await Promise.reject(1); } finally { console.log('finally'); } }
h().catch(v => console.log('still rejected', v));
async function nested() { const v = await (async () => { await null; return await Promise.resolve('deep'); })(); return v + '!'; }
nested().then(console.log);
async function loop() { let s = ''; for (let i = 0; i < 3; i++) { s += await new Promise(r => setTimeout(() => r(i), 10 - i)); } return s; }
loop().then(v => console.log('loop', v));
async function par() { const [a, b] = await Promise.all([1, Promise.resolve(2)]); return a + b; }
par().then(v => console.log('par', v));
const t0 = { then(ok, bad) { bad(new Error('thenable rejects')); } };
(async () => { try { await t0; } catch (e) { console.log(e.message); } })();
async function* ag() { try { yield 1; yield 2; } finally { await null; console.log('ag finally'); } }
(async () => { const it = ag(); console.log(JSON.stringify(await it.next())); console.log(JSON.stringify(await it.throw(new Error('x')).catch(e => e.message))); console.log(JSON.stringify(await it.next())); })();
