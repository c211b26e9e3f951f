async function a() { const fs = []; for (const x of [1, 2, 3]) { await null; fs.push(() => x * 10); } for (let i = 0; i < 2; i++) { let y = i + 100; await null; fs.push(function () { return y; }); } console.log(fs.map(f => f()).join()); }
a();
