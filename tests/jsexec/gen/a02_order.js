async function a1() { console.log('a1 start'); await a2(); console.log('a1 end'); }
async function a2() { console.log('a2'); }
console.log('script start');
setTimeout(() => console.log('timeout'), 0);
a1();
new Promise(r => { console.log('p1'); r(); }).then(() => console.log('then1')).then(() => console.log('then2')).then(() => console.log('then3'));
Promise.resolve().then(() => console.log('m1'));
console.log('script end');
async function r1() { return Promise.resolve('rp'); }
r1().then(v => console.log('r1', v));
Promise.resolve().then(() => console.log('x1')).then(() => console.log('x2')).then(() => console.log('x3')).then(() => console.log('x4'));
