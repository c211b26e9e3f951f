class P { async v() { return 'pv'; } *items() { yield 'p1'; } }
class Q extends P { async v() { const base = await super.v(); return base + '+q'; } *items() { yield* super.items(); yield 'q1'; } }
new Q().v().then(console.log);
const o = { base: 'B', async *each() { for (const c of 'xy') yield this.base + c; } };
(async () => { const r = []; for await (const s of o.each()) r.push(s); console.log(r.join()); })();
console.log([...new Q().items()].join());
