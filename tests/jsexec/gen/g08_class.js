function* g() { class A { m() { return 'A.m'; } } yield new A().m(); const B = class extends A { m() { return 'B>' + super.m(); } }; yield new B().m(); }
console.log([...g()].join());

