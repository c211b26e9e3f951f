console.log('start');
async function f(x) { console.log('in f', x); const y = await x; console.log('after await', y); return y * 2; }
f(21).then(v => console.log('result', v));
console.log('sync end');
async function thrower() { await null; throw new Error('bad'); }
thrower().catch(e => console.log('caught', e.message));
async function tc() { try { await Promise.reject(new Error('rej')); } catch (e) { console.log('tc', e.message); return 'ok'; } finally { console.log('tc fin'); } }
tc().then(v => console.log('tc ->', v));
const thenable = { then(r) { r('from thenable'); } };
(async () => console.log(await thenable))();
(async function () { console.log(await 5, await Promise.resolve(6)); })();
