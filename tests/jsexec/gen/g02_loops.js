function* range(n) { for (let i = 0; i < n; i++) yield i; }
function* evens(n) { let i = 0; while (true) { if (i >= n) break; if (i % 2) { i++; continue; } yield i++; } }
function* dw() { let k = 3; do { yield k; } while (--k > 0); }
function* labels() {
  outer: for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      if (j === 2) continue outer;
      if (i === 2) break outer;
      yield i + ':' + j;
    }
  }
}
function* forin(o) { for (const k in o) yield k + '=' + o[k]; }
function* forof(a) { for (const [x, y] of a) { yield x + y; } }
console.log([...range(4)].join(), [...evens(7)].join(), [...dw()].join(), [...labels()].join(), [...forin({a: 1, b: 2})].join(), [...forof([[1, 2], [3, 4]])].join());
function* sw(x) { switch (x) { case 1: yield 'one'; case 2: yield 'two'; break; default: yield 'other'; } yield 'after'; }
console.log([...sw(1)].join(), [...sw(2)].join(), [...sw(9)].join());
