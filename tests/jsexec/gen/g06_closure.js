function* g() { const fns = []; for (let i = 0; i < 3; i++) { fns.push(() => i); yield i; } console.log(fns.map(f => f()).join()); }
console.log([...g()].join());
function* h() { let k = 0; const fs = []; while (k < 3) { let kk = k; yield; fs.push(() => kk); k++; } console.log(fs.map(f => f()).join()); }
[...h()];

undefined;
