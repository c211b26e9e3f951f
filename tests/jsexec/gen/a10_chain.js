async function b() { const o = { p: { q: 'deep' } }; console.log((await o)?.p?.q, (await null)?.x); }
(async () => { await b(); })();
