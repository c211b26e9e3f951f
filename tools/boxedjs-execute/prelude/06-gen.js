// 06-gen.js - the runtime of generators and async functions, which es/gen.c
// lowers to state machines.
//
// A lowered function keeps its locals in its own scope and hands a body
// `function ($c) { $L: for (;;) switch ($c.s) { case 0: ... } }` to
// $es_gen / $es_async / $es_agen with its `this` and a table of its try
// statements.  The body runs from state $c.s until it suspends or ends,
// through the context:
//   return ($c.rv = v, $c.s = K, $c.op = OP, $c)
//                       suspends: OP 1 yield v, 2 await v, 3 yield* v;
//                       it resumes at state K with the value sent (the
//                       await's result, the delegate's result) in $c.v
//   return $c.r(v)      return v, through the finally blocks it crosses
//   return $c.j(K)      a break/continue that crosses a finally block
//   return $c.F(i)      the end of try i's finally: goes on as its
//                       completion says (normal, return, throw, jump)
// A throw is an ordinary throw: the driver catches it and resumes at the
// catch or finally of the innermost try around $c.s.  States are placed
// in a table by their try statement (below).  The generator objects use
// G.Promise when they run, so that the runtime files after this one can
// define it; async functions are 20-promise.js's $es_async.

var GEN_CONT = {}, GEN_SUSP = {};
// the context of a generator object, under a key of its own (out of
// Object.keys, getOwnPropertyNames and JSON)
var GEN_KEY = Symbol('generator state');
function GenCtx(body, self, tries) {
  this.s = 0;           // the state to run
  this.v = void 0;   // the value sent in (next(v), an await's result)
  this.e = void 0;   // the exception a catch block receives
  this.b = body; this.t = self; this.T = tries;
  this.k = tries ? [] : null;   // completion of each try's finally: [type, value]
  this.op = 0;          // why the body stopped: 1 yield, 2 await, 3 yield*, 4 end
  this.rv = void 0;  // with it: the value
  this.dl = null;       // the iterator of a yield* in progress
  this.st = 0;          // 0 not started, 1 suspended, 2 running, 3 done, 4 finishing
}
// The try table T = [R, P]: R[s] is the try context of state s (3 * i +
// 0 in the body of try i, 1 in its catch, 2 in its finally; -1 none),
// P[i] = [context of try i itself, catch state, finally state, end state]
// (-1: no catch / no finally).
// Is state k inside try i (any part)?
function genIn(T, k, i) {
  for (var x = T[0][k]; x >= 0; x = T[1][(x / 3) | 0][0]) if (((x / 3) | 0) === i) return true;
  return false;
}
// The innermost try whose finally a jump from state s to state k (-1: out
// of the function) crosses, or -1.
GenCtx.prototype.fin = function (s, k) {
  var T = this.T, x, i;
  if (!T) return -1;
  for (x = T[0][s]; x >= 0; x = T[1][i][0]) {
    i = (x / 3) | 0;
    if (k >= 0 && genIn(T, k, i)) return -1;
    if (x % 3 < 2 && T[1][i][2] >= 0) return i;
  }
  return -1;
};
GenCtx.prototype.r = function (v) {
  var i = this.fin(this.s, -1);
  if (i >= 0) { this.k[i] = [1, v]; this.s = this.T[1][i][2]; return GEN_CONT; }
  this.op = 4; this.rv = v; return GEN_SUSP;
};
GenCtx.prototype.j = function (k) {
  var i = this.fin(this.s, k);
  if (i >= 0) { this.k[i] = [3, k]; this.s = this.T[1][i][2]; } else this.s = k;
  return GEN_CONT;
};
GenCtx.prototype.F = function (i) {
  var c = this.k[i];
  this.k[i] = void 0;
  if (!c) { this.s = this.T[1][i][3]; return GEN_CONT; }
  if (c[0] === 1) return this.r(c[1]);
  if (c[0] === 2) throw c[1];
  return this.j(c[1]);
};
// An exception at state s: to the innermost catch or finally around it.
GenCtx.prototype.h = function (e) {
  var T = this.T, x, i, t;
  if (!T) return false;
  for (x = T[0][this.s]; x >= 0; x = t[0]) {
    i = (x / 3) | 0; t = T[1][i];
    if (x % 3 === 0 && t[1] >= 0) { this.s = t[1]; this.e = e; return true; }
    if (x % 3 < 2 && t[2] >= 0) { this.k[i] = [2, e]; this.s = t[2]; return true; }
  }
  return false;
};

// Runs c from its state until it suspends or ends; returns c.op.  mode 0:
// resume with the value x, 1: throw x in, 2: return x, 3: just run.  An
// exception nothing catches ends c and is thrown.
function genAdv(c, mode, x) {
  var r;
  for (;;) {
    if (mode === 1) {
      if (!c.h(x)) { c.st = 3; c.dl = null; throw x; }
    } else if (mode === 2) {
      try { r = c.r(x); } catch (e) { mode = 1; x = e; continue; }
      if (r === GEN_SUSP) return c.op;
    } else if (mode === 0) c.v = x;
    mode = 3;
    try { r = c.b.call(c.t, c); } catch (e) { mode = 1; x = e; continue; }
    if (r !== GEN_CONT) return c.op;
  }
}

function genIsObj(v) { return (typeof v === 'object' && v !== null) || typeof v === 'function'; }
function genNotObj(r) { return new TypeError('Iterator result ' + show(r) + ' is not an object'); }
// GetIterator(v, sync): v[Symbol.iterator]() (05-lower.js's, which also
// iterates arrays and strings by index while they have no @@iterator).
function $es_iter(v) {
  if (typeof $es === 'object') return $es.iter(v);
  var m = v === null || v === void 0 ? void 0 : v[Symbol.iterator];
  if (typeof m !== 'function') throw new TypeError(show(v) + ' is not iterable');
  var it = m.call(v);
  if (!genIsObj(it)) throw new TypeError('Result of the Symbol.iterator method is not an object');
  return it;
}
// IteratorClose for a break out of a loop over it (or a yield* ended by
// return()): calls it.return() if it has one.
function $es_close(it) {
  var m = it['return'];
  if (m === void 0 || m === null) return;
  var r = m.call(it);
  if (!genIsObj(r)) throw genNotObj(r);
}
// The same when the loop ends by an exception: return()'s own errors are
// dropped, the exception goes on.
function $es_closeq(it) {
  try { var m = it['return']; if (m !== void 0 && m !== null) m.call(it); } catch (e) {}
}

// ---- generator objects --------------------------------------------------
function Generator() {}
function genCtxOf(g) {
  var c = g instanceof Generator ? g[GEN_KEY] : void 0;
  if (!c) throw new TypeError('next method called on an incompatible receiver ' + show(g));
  return c;
}
function genResume(g, mode, x) {
  var c = genCtxOf(g);
  if (c.st === 2) throw new TypeError('Generator is already running');
  if (c.st === 0 && mode !== 0) c.st = 3;
  if (c.st === 3) {
    if (mode === 1) throw x;
    return { value: mode === 2 ? x : void 0, done: true };
  }
  c.st = 2;
  return genLoop(c, mode, x, 0);
}
// Runs the generator c (running) until it yields or ends; op: what its
// body has just stopped for (0: nothing yet, run it with mode and x).  No
// try/finally here: what throws out of genAdv has ended c already, and
// the errors of a delegate are thrown into the generator.
function genLoop(c, mode, x, op) {
  var r, m, it;
  for (;;) {
    if (op === 0) {
      if (c.dl !== null) {
        // yield* in progress: the request goes to the delegate
        it = c.dl;
        try {
          if (mode === 0) r = it.next(x);
          else {
            m = it[mode === 1 ? 'throw' : 'return'];
            if (m === void 0 || m === null) {
              c.dl = null;
              if (mode === 1) {
                $es_close(it);
                throw new TypeError('The iterator does not provide a \'throw\' method');
              }
              r = null;
            } else r = m.call(it, x);
          }
          if (r !== null && !genIsObj(r)) throw genNotObj(r);
        } catch (e) { c.dl = null; mode = 1; x = e; r = void 0; }
        if (r !== void 0) {
          if (r !== null && !r.done) { c.st = 1; return r; }
          c.dl = null;
          if (r !== null) {
            x = r.value;
            if (mode !== 2) mode = 0;
          }
        }
      }
      op = genAdv(c, mode, x);
    }
    if (op === 1) { c.st = 1; return { value: c.rv, done: false }; }
    if (op === 4) { c.st = 3; return { value: c.rv, done: true }; }
    // op 3: yield* starts (GetIterator fails inside the generator); its
    // first next() gets undefined
    op = 0;
    try { c.dl = $es_iter(c.rv); mode = 0; } catch (e) { mode = 1; x = e; continue; }
    x = void 0;
  }
}
function genDef(o, k, v) {
  Object.defineProperty(o, k, { value: v, writable: true, configurable: true, enumerable: false });
}
genDef(Generator.prototype, 'next', function next(v) {
  var c = this instanceof Generator ? this[GEN_KEY] : void 0, r;
  if (c === void 0 || c.st !== 1 || c.dl !== null) return genResume(this, 0, v);
  // the common case, a suspended generator outside yield*: its body
  // straight away (genAdv and genLoop do the rest)
  c.st = 2; c.v = v;
  try { r = c.b.call(c.t, c); } catch (e) { return genLoop(c, 1, e, 0); }
  if (r === GEN_CONT) return genLoop(c, 3, void 0, 0);
  if (c.op === 1) { c.st = 1; return { value: c.rv, done: false }; }
  return genLoop(c, 0, void 0, c.op);
});
genDef(Generator.prototype, 'return', function (v) { return genResume(this, 2, v); });
genDef(Generator.prototype, 'throw', function (e) { return genResume(this, 1, e); });
genDef(Generator.prototype, Symbol.iterator, function () { return this; });
Object.defineProperty(Generator.prototype, Symbol.toStringTag,
  { value: 'Generator', configurable: true });
function $es_gen(body, self, tries) {
  var g = new Generator();
  genDef(g, GEN_KEY, new GenCtx(body, self, tries));
  return g;
}

// ---- async functions ----------------------------------------------------
// $es_async(body, self, tries) is in 20-promise.js: it uses the promise
// internals.

// An async function whose parameters threw: its promise.
function $es_arej(e) { return G.Promise.reject(e); }

// ---- async generators ---------------------------------------------------
// Requests (next/throw/return) queue up; one runs at a time.  A yield
// awaits its value; a return(v) request awaits v before it resumes the
// body (or settles, once the generator is done).
function AsyncGenerator() {}
function agenReq(g, mode, x) {
  var P = G.Promise, d = { m: mode, x: x, res: null, rej: null };
  var p = new P(function (res, rej) { d.res = res; d.rej = rej; });
  var c = g instanceof AsyncGenerator ? g[GEN_KEY] : void 0;
  if (!c) { d.rej(new TypeError('not an async generator: ' + show(g))); return p; }
  c.q.push(d);
  if (c.st !== 2 && c.st !== 4) agenNext(c);
  return p;
}
function agenSettle(c, bad, v) {
  var d = c.q.shift();
  if (bad) d.rej(v); else d.res(v);
}
// Starts the request at the head of the queue, if the generator is idle.
function agenNext(c) {
  var P = G.Promise, d;
  while (c.q.length && c.st !== 2 && c.st !== 4) {
    d = c.q[0];
    if (c.st === 0 && d.m !== 0) c.st = 3;
    if (c.st === 3) {
      if (d.m === 2) {
        c.st = 4;
        P.resolve(d.x).then(function (v) {
          c.st = 3; agenSettle(c, false, { value: v, done: true }); agenNext(c);
        }, function (e) {
          c.st = 3; agenSettle(c, true, e); agenNext(c);
        });
        return;
      }
      if (d.m === 1) agenSettle(c, true, d.x);
      else agenSettle(c, false, { value: void 0, done: true });
      continue;
    }
    c.st = 2;
    if (d.m === 2 && c.dl === null) {
      // return(v) at a yield: the value is awaited in the body
      P.resolve(d.x).then(function (v) { agenRun(c, 2, v); },
                          function (e) { agenRun(c, 1, e); });
    } else agenRun(c, d.m, d.x);
  }
}
function agenRun(c, mode, x) {
  var P = G.Promise, op, r, m, it;
  if (c.dl !== null) {
    // yield* over an async iterator: forward, await the result
    it = c.dl;
    try {
      if (mode === 0 || mode === 3) r = it.next(x);
      else {
        m = it[mode === 1 ? 'throw' : 'return'];
        if (m === void 0 || m === null) {
          c.dl = null;
          if (mode === 1) {
            $es_close(it);
            throw new TypeError('The iterator does not provide a \'throw\' method');
          }
          P.resolve(x).then(function (v) { agenRun(c, 2, v); },
                            function (e) { agenRun(c, 1, e); });
          return;
        }
        r = m.call(it, x);
      }
    } catch (e) { c.dl = null; agenRun(c, 1, e); return; }
    P.resolve(r).then(function (r) {
      if (!genIsObj(r)) { c.dl = null; agenRun(c, 1, genNotObj(r)); return; }
      if (!r.done) { c.st = 1; agenSettle(c, false, { value: r.value, done: false }); agenNext(c); return; }
      c.dl = null;
      agenRun(c, mode === 2 ? 2 : 0, r.value);
    }, function (e) { c.dl = null; agenRun(c, 1, e); });
    return;
  }
  try { op = genAdv(c, mode, x); } catch (e) {
    c.st = 3; agenSettle(c, true, e); agenNext(c); return;
  }
  if (op === 2) {
    P.resolve(c.rv).then(function (v) { agenRun(c, 0, v); }, function (e) { agenRun(c, 1, e); });
  } else if (op === 1) {
    P.resolve(c.rv).then(function (v) {
      c.st = 1; agenSettle(c, false, { value: v, done: false }); agenNext(c);
    }, function (e) { agenRun(c, 1, e); });
  } else if (op === 4) {
    c.st = 3; agenSettle(c, false, { value: c.rv, done: true }); agenNext(c);
  } else {
    try { c.dl = $es_aiter(c.rv); } catch (e) { agenRun(c, 1, e); return; }
    agenRun(c, 0, void 0);
  }
}
genDef(AsyncGenerator.prototype, 'next', function next(v) { return agenReq(this, 0, v); });
genDef(AsyncGenerator.prototype, 'return', function (v) { return agenReq(this, 2, v); });
genDef(AsyncGenerator.prototype, 'throw', function (e) { return agenReq(this, 1, e); });
Object.defineProperty(AsyncGenerator.prototype, Symbol.toStringTag,
  { value: 'AsyncGenerator', configurable: true });
var agenKey;
function $es_agen(body, self, tries) {
  // [Symbol.asyncIterator] is set when first needed: the symbol is made
  // by a later runtime file.
  var k = Symbol.asyncIterator;
  if (k !== void 0 && k !== agenKey) {
    genDef(AsyncGenerator.prototype, k, function () { return this; });
    agenKey = k;
  }
  var g = new AsyncGenerator(), c = new GenCtx(body, self, tries);
  c.q = [];
  genDef(g, GEN_KEY, c);
  return g;
}

// GetIterator(v, async): v[Symbol.asyncIterator](), or its sync iterator
// with each result's value awaited (CreateAsyncFromSyncIterator).
function $es_aiter(v) {
  var k = Symbol.asyncIterator, m, it;
  m = v === null || v === void 0 || k === void 0 ? void 0 : v[k];
  if (m !== void 0 && m !== null) {
    if (typeof m !== 'function') throw new TypeError(show(v) + ' is not async iterable');
    it = m.call(v);
    if (!genIsObj(it)) throw new TypeError('Result of the Symbol.asyncIterator method is not an object');
    return it;
  }
  return new AsyncFromSync($es_iter(v));
}
function AsyncFromSync(it) { this.i = it; }
function afsStep(it, m, x, close) {
  var P = G.Promise;
  return new P(function (res, rej) {
    var r = m.call(it, x);
    if (!genIsObj(r)) throw genNotObj(r);
    var done = !!r.done;
    P.resolve(r.value).then(function (v) { res({ value: v, done: done }); }, function (e) {
      if (!done && close) $es_closeq(it);
      rej(e);
    });
  });
}
genDef(AsyncFromSync.prototype, 'next', function (x) { return afsStep(this.i, this.i.next, x, true); });
genDef(AsyncFromSync.prototype, 'return', function (x) {
  var P = G.Promise, m = this.i['return'];
  if (m === void 0 || m === null) return P.resolve({ value: x, done: true });
  return afsStep(this.i, m, x, false);
});
genDef(AsyncFromSync.prototype, 'throw', function (x) {
  var P = G.Promise, it = this.i, m = it['throw'];
  if (m === void 0 || m === null) {
    return new P(function (res, rej) {
      $es_close(it);
      rej(new TypeError('The iterator does not provide a \'throw\' method'));
    });
  }
  return afsStep(it, m, x, true);
});
// The result of an await in a for-await loop: an object, or a TypeError.
function $es_ares(r) {
  if (!genIsObj(r)) throw genNotObj(r);
  return r;
}
// ... and when the loop ends by an exception: a promise that does not
// reject (the exception goes on).
function $es_acloseq(it) {
  var P = G.Promise;
  try { return P.resolve($es_aclose(it)).then(void 0, function () {}); } catch (e) { return void 0; }
}
// for await's close on break/return: the value to await, or undefined.
function $es_aclose(it) {
  var m = it['return'];
  if (m === void 0 || m === null) return void 0;
  return m.call(it);
}

(function () {
  var all = { $es_gen: $es_gen, $es_async: $es_async, $es_agen: $es_agen, $es_arej: $es_arej,
    $es_iter: $es_iter, $es_aiter: $es_aiter, $es_close: $es_close, $es_closeq: $es_closeq,
    $es_ares: $es_ares, $es_aclose: $es_aclose, $es_acloseq: $es_acloseq };
  var d = { writable: true, configurable: true, enumerable: false };
  for (var k in all) { d.value = all[k]; Object.defineProperty(G, k, d); }
})();
