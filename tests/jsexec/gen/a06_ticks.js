const log = [];
async function* ag() { log.push('ag start'); yield 1; log.push('ag after 1'); yield Promise.resolve(2); log.push('ag after 2'); }
(async () => { for await (const v of ag()) log.push('got ' + v); log.push('loop done'); })();
Promise.resolve().then(() => log.push('t1')).then(() => log.push('t2')).then(() => log.push('t3')).then(() => log.push('t4')).then(() => log.push('t5')).then(() => log.push('t6')).then(() => log.push('t7')).then(() => log.push('t8')).then(() => log.push('t9'));
async function af() { log.push('af'); await undefined; log.push('af1'); await { then(r) { r(); } }; log.push('af2'); }
af();
setTimeout(() => console.log(log.join(', ')), 0);

undefined;
