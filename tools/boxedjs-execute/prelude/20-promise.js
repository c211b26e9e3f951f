// 20-promise.js - Promise (ES2021: all, allSettled, race, any with
// AggregateError), the microtask queue, queueMicrotask, and the tracking
// of unhandled rejections.
//
// Written from the spec's abstract operations (CreateResolvingFunctions,
// NewPromiseReactionJob, NewPromiseResolveThenableJob, PerformPromiseThen,
// PromiseResolve), so that the order of jobs, and with it the interleaving
// of console output, is node's: resolving with a thenable costs one job to
// call its then, and one more for then's reaction.  Jobs wait in a FIFO
// queue that runJobs() empties (25-timers.js runs it after the script and
// after each timer).  A rejection without handlers is remembered until a
// handler is added (it stays in `unhandled`, marked handled); what is
// unhandled there once the queue is empty ends the program, as in node.

var jobs = [], jobHead = 0;
// armLoop(): tells main.c, once, that the event loop has work (until then
// a call skips it: nothing of it costs a program that uses none of it).
var loopArmed = false;
function armLoop() { if (!loopArmed) { loopArmed = true; N.arm(); } }
function enqueue(f, a, b, c) { if (!loopArmed) armLoop(); jobs.push(f, a, b, c); }
// process.nextTick's queue runs first, whole, then the promise jobs, and
// again while either has work (node's processTicksAndRejections).
var ticks = [];
function nextTick(callback, a, b, c, d) {
  if (typeof callback !== 'function')
    throw new TypeError('The "callback" argument must be of type function. Received ' + show(callback));
  if (!loopArmed) armLoop();
  ticks.push(callback, extraArgs(a, b, c, d, void 0, void 0));
}
// The extra arguments of nextTick/setTimeout/setImmediate (up to 6, as
// declared parameters), trailing undefined ones left out.
function extraArgs(a, b, c, d, e, f) {
  var r = [a, b, c, d, e, f], n = 6;
  while (n > 0 && r[n - 1] === void 0) n--;
  r.length = n;
  return r;
}
function runJobs() {
  do {
    while (ticks.length) {
      var t = ticks;
      ticks = [];
      for (var k = 0; k < t.length; k += 2) t[k].apply(void 0, t[k + 1]);
    }
    runPromiseJobs();
  } while (ticks.length);
}
function runPromiseJobs() {
  while (jobHead < jobs.length) {
    var f = jobs[jobHead], a = jobs[jobHead + 1], b = jobs[jobHead + 2], c = jobs[jobHead + 3];
    jobs[jobHead] = jobs[jobHead + 1] = jobs[jobHead + 2] = jobs[jobHead + 3] = void 0;
    jobHead += 4;
    if (jobHead > 4096 && jobHead * 2 > jobs.length) { jobs = jobs.slice(jobHead); jobHead = 0; }
    f(a, b, c);
  }
  jobs = []; jobHead = 0;
}
var unhandled = [];

// A promise's state is p[PSt] = {p, state (0 pending, 1 fulfilled,
// 2 rejected), value, reactions, handled}; st.p === p tells its own from
// one inherited from a prototype (cheaper than hasOwnProperty).
var PSt = hiddenSym('PromiseState');
function isPromise(v) {
  var st = v !== null && (typeof v === 'object' || typeof v === 'function') ? v[PSt] : void 0;
  return st !== void 0 && st.p === v;
}
function pstate(p) {
  var st = p === null || p === void 0 ? void 0 : p[PSt];
  if (st === void 0 || st.p !== p) throw new TypeError('Method Promise.prototype.then called on incompatible receiver ' + show(p));
  return st;
}
function settle(p, state, v) {
  var st = p[PSt], rs = st.reactions;
  st.state = state; st.value = v; st.reactions = null;
  // (an unhandled rejection arms the loop: the turn after the script is
  // what reports it, even when no job was ever queued)
  if (state === 2 && !st.handled) { unhandled.push(p); if (!loopArmed) armLoop(); }
  for (var i = 0; i < rs.length; i++) enqueue(reactionJob, rs[i], state, v);
}
function resolvingFunctions(p) {
  var done = false;
  return {
    resolve: function (x) {
      if (done) return;
      done = true;
      resolvePromise(p, x);
    },
    reject: function (r) {
      if (done) return;
      done = true;
      settle(p, 2, r);
    }
  };
}
function resolvePromise(p, x) {
  if (x === p) return settle(p, 2, new TypeError('Chaining cycle detected for promise #<Promise>'));
  if (!isObj(x)) return settle(p, 1, x);
  var then;
  try { then = x.then; } catch (e) { return settle(p, 2, e); }
  if (typeof then !== 'function') return settle(p, 1, x);
  enqueue(thenableJob, p, x, then);
}
function thenableJob(p, x, then) {
  var fns = resolvingFunctions(p);
  try { then.call(x, fns.resolve, fns.reject); } catch (e) { fns.reject(e); }
}
// A reaction: {k, cap, onF, onR}; k says what its outcome settles:
// 0 nothing (the runtime's own reactions), 1 the promise cap, one of the
// runtime's own that nothing else can resolve (then() on a Promise: no
// resolving functions made), 2 the capability cap {promise, resolve,
// reject}, 3 an await: cap is the async function's context (asyncGo).
function reactionJob(r, state, v) {
  var k = r.k, h, out;
  if (k === 3) { asyncGo(r.cap, state === 1 ? 0 : 1, v); return; }
  h = state === 1 ? r.onF : r.onR;
  if (typeof h !== 'function') {
    if (k === 1) { if (state === 1) resolvePromise(r.cap, v); else settle(r.cap, 2, v); }
    else if (k === 2) (state === 1 ? r.cap.resolve : r.cap.reject)(v);
    return;
  }
  try { out = h(v); } catch (e) {
    if (k === 1) settle(r.cap, 2, e); else if (k === 2) r.cap.reject(e);
    return;
  }
  if (k === 1) {
    if (out === null || (typeof out !== 'object' && typeof out !== 'function')) settle(r.cap, 1, out);
    else resolvePromise(r.cap, out);
  } else if (k === 2) r.cap.resolve(out);
}
function addReaction(st, r) {
  if (st.state === 0) st.reactions.push(r);
  else enqueue(reactionJob, r, st.state, st.value);
  st.handled = true;
}
function performThen(p, onF, onR, cap) {
  addReaction(p[PSt], { k: cap ? 2 : 0, cap: cap, onF: onF, onR: onR });
}
// NewPromiseCapability(C): the promise and its resolving functions, for
// Promise itself without a detour through the constructor.
function capability(C) {
  if (C === Promise || C === void 0) {
    var p = newPromise();
    var fns = resolvingFunctions(p);
    return { promise: p, resolve: fns.resolve, reject: fns.reject };
  }
  if (typeof C !== 'function') throw new TypeError(show(C) + ' is not a constructor');
  var cap = { promise: void 0, resolve: void 0, reject: void 0 };
  cap.promise = new C(function (res, rej) {
    if (cap.resolve !== void 0 || cap.reject !== void 0) throw new TypeError('Promise executor has already been invoked with non-undefined arguments');
    cap.resolve = res; cap.reject = rej;
  });
  needFn(cap.resolve, 'resolve of a promise capability');
  needFn(cap.reject, 'reject of a promise capability');
  return cap;
}
function initPromise(p) {
  p[PSt] = { p: p, state: 0, value: void 0, reactions: [], handled: false };
}
// A pending Promise of the runtime's own.
function PromiseNew() { this[PSt] = { p: this, state: 0, value: void 0, reactions: [], handled: false }; }
function newPromise() { return new PromiseNew(); }
function speciesCtor(o) {
  var C = o.constructor;
  if (C === void 0) return Promise;
  if (!isObj(C)) throw new TypeError('The .constructor of a promise is not an object');
  return C;
}
function promiseResolve(C, x) {
  if (isPromise(x) && x.constructor === C) return x;
  var cap = capability(C);
  cap.resolve(x);
  return cap.promise;
}

var Promise = function Promise(executor) {
  if (!(this instanceof Promise) || isPromise(this)) throw new TypeError("Promise constructor cannot be invoked without 'new'");
  if (typeof executor !== 'function') throw new TypeError('Promise resolver ' + show(executor) + ' is not a function');
  initPromise(this);
  var fns = resolvingFunctions(this);
  try { executor(fns.resolve, fns.reject); } catch (e) { fns.reject(e); }
};
// (the common case, a Promise's then, calls no helper: a call costs more
// than the rest of its steps)
def(Promise.prototype, 'then', function then(onFulfilled, onRejected) {
  var st = this === null || this === void 0 ? void 0 : this[PSt], C, p, r;
  if (st === void 0 || st.p !== this) pstate(this);
  C = this.constructor;
  if (C === Promise) {
    p = new PromiseNew();
    r = { k: 1, cap: p, onF: onFulfilled, onR: onRejected };
  } else {
    if (C !== void 0 && !isObj(C)) throw new TypeError('The .constructor of a promise is not an object');
    C = capability(C === void 0 ? Promise : C);
    p = C.promise;
    r = { k: 2, cap: C, onF: onFulfilled, onR: onRejected };
  }
  if (st.state === 0) st.reactions.push(r);
  else enqueue(reactionJob, r, st.state, st.value);
  st.handled = true;
  return p;
});
def(Promise.prototype, 'catch', function (onRejected) { return this.then(void 0, onRejected); });
Object.defineProperty(Promise.prototype['catch'], 'name', { value: 'catch' });
def(Promise.prototype, 'finally', function (onFinally) {
  if (!isObj(this)) throw new TypeError('Promise.prototype.finally called on a non-object');
  var C = speciesCtor(this);
  if (typeof onFinally !== 'function') return this.then(onFinally, onFinally);
  return this.then(function (v) {
    return promiseResolve(C, onFinally()).then(function () { return v; });
  }, function (e) {
    return promiseResolve(C, onFinally()).then(function () { throw e; });
  });
});
Object.defineProperty(Promise.prototype['finally'], 'name', { value: 'finally' });
Object.defineProperty(Promise.prototype, Symbol.toStringTag, { value: 'Promise', configurable: true });
def(Promise, 'resolve', function resolve(x) {
  if (!isObj(this)) throw new TypeError('PromiseResolve called on non-object');
  return promiseResolve(this, x);
});
def(Promise, 'reject', function reject(r) {
  var cap = capability(this);
  cap.reject(r);
  return cap.promise;
});
// The combinators: each element goes through C.resolve(x).then(...).
function combinator(name, body) {
  var f = function (iterable) {
    var C = this, cap = capability(C);
    try {
      var res = needFn(C.resolve, 'Promise resolve');
      body(C, cap, res, iterable);
    } catch (e) { cap.reject(e); }
    return cap.promise;
  };
  Object.defineProperty(f, 'name', { value: name });
  def(Promise, name, f);
}
// Gathers results into an array; finish runs when every element (and the
// iteration itself) is done.
function gather(C, cap, res, iterable, onF, onR, finish) {
  var values = [], left = 1, i = 0;
  iterate(iterable, function (x) {
    var idx = i++, called = false;
    values.push(void 0);
    left++;
    res.call(C, x).then(function (v) {
      if (called) return; called = true;
      if (onF(values, idx, v) && --left === 0) finish(values);
    }, function (e) {
      if (called) return; called = true;
      if (onR(values, idx, e) && --left === 0) finish(values);
    });
  });
  if (--left === 0) finish(values);
}
combinator('all', function (C, cap, res, it) {
  gather(C, cap, res, it, function (vs, i, v) { vs[i] = v; return true; },
    function (vs, i, e) { cap.reject(e); return false; }, cap.resolve);
});
combinator('allSettled', function (C, cap, res, it) {
  gather(C, cap, res, it, function (vs, i, v) { vs[i] = { status: 'fulfilled', value: v }; return true; },
    function (vs, i, e) { vs[i] = { status: 'rejected', reason: e }; return true; }, cap.resolve);
});
combinator('any', function (C, cap, res, it) {
  gather(C, cap, res, it, function (vs, i, v) { cap.resolve(v); return false; },
    function (vs, i, e) { vs[i] = e; return true; }, function (errs) {
      cap.reject(new AggregateError(errs, 'All promises were rejected'));
    });
});
combinator('race', function (C, cap, res, it) {
  iterate(it, function (x) { res.call(C, x).then(cap.resolve, cap.reject); });
});

// AggregateError(errors, message, options): an Error with .errors (and
// options.cause as Error's, 30-builtins.js).
var AggregateError = function AggregateError(errors, message) {
  var e = new Error(message === void 0 ? '' : message, arguments[2]);
  Object.setPrototypeOf(e, this instanceof AggregateError ? Object.getPrototypeOf(this) : AggregateError.prototype);
  if (message === void 0) delete e.message;
  var list = [];
  iterate(errors, function (x) { list.push(x); });
  def(e, 'errors', list);
  return e;
};
AggregateError.prototype = Object.create(Error.prototype);
def(AggregateError.prototype, 'constructor', AggregateError);
def(AggregateError.prototype, 'name', 'AggregateError');
def(AggregateError.prototype, 'message', '');
Object.setPrototypeOf(AggregateError, Error);

function microtaskJob(f) { f(); }
def(G, 'queueMicrotask', function queueMicrotask(callback) {
  if (typeof callback !== 'function')
    throw new TypeError('The "callback" argument must be of type function. Received ' + show(callback));
  enqueue(microtaskJob, callback);
});
PromiseNew.prototype = Promise.prototype;
def(G, 'Promise', Promise);

// ---- async functions (06-gen.js's state machines) ------------------------
// The promise of an async function and its awaits use the internals: the
// promise is resolved directly (only the function settles it), and an
// await adds a reaction of its own to the awaited promise (PerformPromise-
// Then without a derived promise, as the spec's Await), one record per
// call, reused by each await.  An await on a value that is not an object
// queues its reaction at once, as PromiseResolve's new promise would.
function $es_async(body, self, tries) {
  var c = new GenCtx(body, self, tries);
  c.p = new PromiseNew();
  c.ar = null;
  asyncGo(c, 3, void 0);
  return c.p;
}
// Runs the body of c (mode as genAdv's) to its next await or its end.
function asyncGo(c, mode, x) {
  var op, v, st;
  try { op = genAdv(c, mode, x); } catch (e) { settle(c.p, 2, e); return; }
  if (op === 4) { resolvePromise(c.p, c.rv); return; }
  v = c.rv;
  if (c.ar === null) c.ar = { k: 3, cap: c, onF: void 0, onR: void 0 };
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) {
    enqueue(asyncGo, c, 0, v); // (the job reactionJob would run for c.ar)
    return;
  }
  // PromiseResolve(%Promise%, v): v itself if it is a Promise's, else a new
  // promise resolved with v (a thenable's then is called in a job)
  st = v[PSt];
  if (st === void 0 || st.p !== v) st = void 0;
  try { if (st !== void 0 && v.constructor !== Promise) st = void 0; } catch (e) { asyncGo(c, 1, e); return; }
  if (st === void 0) {
    var p = new PromiseNew();
    resolvePromise(p, v);
    st = p[PSt];
  }
  addReaction(st, c.ar);
}
// process.nextTick (55-modules.js) is this nextTick.
// H.promiseState(p): {state: 'pending' | 'fulfilled' | 'rejected', value}
// of a promise (for console.log / util.inspect), else undefined.
H.promiseState = function (p) {
  if (!isPromise(p)) return void 0;
  var st = p[PSt];
  return { state: ['pending', 'fulfilled', 'rejected'][st.state], value: st.value };
};
def(G, 'AggregateError', AggregateError);
