function* t1() { try { yield 1; yield 2; } finally { console.log('cleanup'); } }
const a = t1(); console.log(JSON.stringify(a.next())); console.log(JSON.stringify(a.return(5))); console.log(JSON.stringify(a.next()));
function* t2() { try { yield 1; } catch (e) { console.log('caught', e); yield 'recovered'; } yield 'last'; }
const b = t2(); b.next(); console.log(JSON.stringify(b.throw('boom'))); console.log(JSON.stringify(b.next()));
function* t3() { try { return 'r'; } finally { console.log('fin runs'); } }
console.log(JSON.stringify(t3().next()));
function* t4() { try { yield 1; } finally { yield 'in finally'; console.log('after yield in finally'); } }
const d = t4(); d.next(); console.log(JSON.stringify(d.return('X'))); console.log(JSON.stringify(d.next())); console.log(JSON.stringify(d.next()));
function* t5() { for (let i = 0; i < 3; i++) { try { if (i === 1) continue; yield i; } finally { console.log('f', i); } } }
console.log([...t5()].join());
function* t6() { try { try { yield 1; throw new Error('inner'); } finally { console.log('inner fin'); } } catch (e) { yield e.message; } }
console.log([...t6()].join());
const e = t1(); try { e.throw(new Error('before start')); } catch (x) { console.log('thrown out:', x.message); } console.log(JSON.stringify(e.next()));
function* t7() { yield 1; }
const f = t7(); f.next(); f.next(); try { f.throw(new Error('after end')); } catch (x) { console.log(x.message); }
function* t8() { const r = yield; try { f8.next(); } catch (x) { console.log(x.constructor.name); } }
const f8 = t8(); f8.next(); f8.next();

undefined;
