const log = [];
const src = { [Symbol.asyncIterator]() { let i = 0; return { next() { return Promise.resolve({ value: i++, done: false }); }, return() { log.push('return called'); return Promise.reject(new Error('return rejects')); } }; } };
(async () => {
  try { for await (const v of src) { log.push('v' + v); if (v === 1) throw new Error('body throws'); } } catch (e) { log.push('caught ' + e.message); }
  try { for await (const v of src) { if (v === 1) break; } } catch (e) { log.push('break: ' + e.message); }
  console.log(log.join(', '));
})();
