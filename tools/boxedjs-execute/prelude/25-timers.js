// 25-timers.js - setTimeout, setInterval, setImmediate and their clear*
// on a virtual clock, and the event loop (H.settle, called by main.c
// after the program and main(args)).
//
// Nothing waits: the loop runs node's phases in order - the microtasks,
// then the timers that are due, then the immediates queued so far - and
// when nothing else is left, the clock jumps to the earliest timer.  It
// ends when no referenced timer or immediate remains (or the sandbox's
// fuel or time runs out first, for a setInterval never cleared).  Virtual
// time starts at 0 with the program; a timer of delay d set at virtual
// time t fires at t + d (delays below 1, or not numbers, are 1, as in
// node), ties in the order they were set; the program itself takes 1 ms
// (runLoop).  Date.now() and new Date() see
// the clock: N.clock(ms) adds the virtual time to Duktape's real clock
// (duk_build.c), so a program that times a setTimeout(f, 500) measures at
// least 500 ms.

var vnow = 0, timerSeq = 1, immediates = [];
// The pending timers: a binary heap of entries {at, seq, t, dead} ordered
// by (at, seq); clearing a timer marks its entry dead (dropped when it
// comes to the top).  refLive counts the live entries of referenced
// timers: the loop ends when it is 0 and no immediate waits.
var heap = [], refLive = 0, timerById = Object.create(null);
var TSt = hiddenSym('Timeout');
// (the order test is written out: a call costs more than the test)
function heapPush(e) {
  var i = heap.length, p, q;
  heap.push(e);
  while (i > 0) {
    p = (i - 1) >> 1; q = heap[p];
    if (!(e.at < q.at || (e.at === q.at && e.seq < q.seq))) break;
    heap[i] = q; i = p;
  }
  heap[i] = e;
}
function heapPop() {
  var top = heap[0], last = heap.pop(), n = heap.length, i = 0, l, r, m, a, b;
  if (n === 0) return top;
  for (;;) {
    l = 2 * i + 1; r = l + 1; m = l;
    if (l >= n) break;
    a = heap[l];
    if (r < n) { b = heap[r]; if (b.at < a.at || (b.at === a.at && b.seq < a.seq)) { m = r; a = b; } }
    if (!(a.at < last.at || (a.at === last.at && a.seq < last.seq))) break;
    heap[i] = a; i = m;
  }
  heap[i] = last;
  return top;
}
function heapTop() {
  while (heap.length && heap[0].dead) heapPop();
  return heap.length ? heap[0] : null;
}
function Timeout(fn, ms, args, repeat) {
  ms = +ms;
  if (!(ms >= 1 && ms <= 2147483647)) ms = 1;
  var id = timerSeq++;
  this[TSt] = { fn: fn, args: args, ms: ms, repeat: repeat,
    ref: true, entry: null, id: id };
  timerById[id] = this;
  schedule(this);
}
function schedule(t) {
  var st = t[TSt], e = { at: vnow + st.ms, seq: timerSeq++, t: t, dead: false };
  if (!loopArmed) armLoop();
  st.entry = e;
  heapPush(e);
  if (st.ref) refLive++;
}
function unschedule(t) {
  var st = t[TSt];
  if (!st.entry) return;
  st.entry.dead = true;
  st.entry = null;
  if (st.ref) refLive--;
}
function setRef(t, on) {
  var st = t[TSt];
  if (st.ref !== on && st.entry) refLive += on ? 1 : -1;
  st.ref = on;
  return t;
}
def(Timeout.prototype, 'ref', function ref() { return setRef(this, true); });
def(Timeout.prototype, 'unref', function unref() { return setRef(this, false); });
def(Timeout.prototype, 'hasRef', function hasRef() { return this[TSt].ref; });
def(Timeout.prototype, 'refresh', function refresh() {
  if (this[TSt].entry) { unschedule(this); schedule(this); }
  return this;
});
def(Timeout.prototype, 'close', function close() { clearTimer(this); return this; });
def(Timeout.prototype, Symbol.toPrimitive, function () { return this[TSt].id; });
function Immediate(fn, args) {
  this[TSt] = { fn: fn, args: args, ref: true, done: false };
}
def(Immediate.prototype, 'ref', function ref() { this[TSt].ref = true; return this; });
def(Immediate.prototype, 'unref', function unref() { this[TSt].ref = false; return this; });
def(Immediate.prototype, 'hasRef', function hasRef() { return this[TSt].ref; });

function timerFn(f) {
  if (typeof f !== 'function')
    throw new TypeError('The "callback" argument must be of type function. Received ' + show(f));
  return f;
}
function clearTimer(t) {
  if (typeof t === 'number' || typeof t === 'string') t = timerById[t];
  if (t instanceof Timeout) { unschedule(t); delete timerById[t[TSt].id]; }
}
def(G, 'setTimeout', arity(function setTimeout(callback, delay, a, b, c, d, e, f) {
  if (typeof callback !== 'function') timerFn(callback);
  return new Timeout(callback, delay, a === void 0 && b === void 0 ? [] : extraArgs(a, b, c, d, e, f), false);
}, 5)); // node's lengths
def(G, 'setInterval', arity(function setInterval(callback, delay, a, b, c, d, e, f) {
  return new Timeout(timerFn(callback), delay, extraArgs(a, b, c, d, e, f), true);
}, 5));
def(G, 'clearTimeout', function clearTimeout(timeout) { clearTimer(timeout); });
def(G, 'clearInterval', function clearInterval(timeout) { clearTimer(timeout); });
def(G, 'setImmediate', arity(function setImmediate(callback, a, b, c, d, e, f) {
  var im = new Immediate(timerFn(callback), a === void 0 && b === void 0 ? [] : extraArgs(a, b, c, d, e, f));
  if (!loopArmed) armLoop();
  immediates.push(im);
  return im;
}, 4));
def(G, 'clearImmediate', function clearImmediate(im) {
  if (im instanceof Immediate) im[TSt].done = true;
});

// A "turn": run the microtasks, then end the program if a rejection is
// still unhandled (thrown as {unhandled: reason} to H.settle).
var Unhandled = hiddenSym('Unhandled');
function turn() {
  runJobs();
  if (unhandled.length) {
    var p;
    for (var i = 0; i < unhandled.length && !p; i++) if (!unhandled[i][PSt].handled) p = unhandled[i];
    unhandled = [];
    if (!p) return;
    var e = {};
    e[Unhandled] = p[PSt].value;
    throw e;
  }
}
function setClock(t) {
  vnow = t;
  N.clock(t);
}
function runLoop() {
  var e, t, st, i;
  turn();
  // The program counts as having taken 1 ms: its setTimeout(f, 0) then
  // runs before its setImmediate(g), as in node in practice (where it is
  // left to the timing).
  if (heap.length) setClock(vnow + 1);
  for (;;) {
    while ((e = heapTop()) !== null && e.at <= vnow) {
      heapPop();
      t = e.t; st = t[TSt];
      st.entry = null;
      if (st.ref) refLive--;
      if (st.repeat) schedule(t); else delete timerById[st.id];
      st.fn.apply(t, st.args);
      turn();
    }
    if (immediates.length) {
      var batch = immediates;
      immediates = [];
      for (i = 0; i < batch.length; i++) {
        st = batch[i][TSt];
        if (st.done) continue;
        st.done = true;
        st.fn.apply(batch[i], st.args);
        turn();
      }
      continue;
    }
    if (refLive <= 0 || (e = heapTop()) === null) return;
    setClock(e.at);
  }
}

// H.settle(value): runs the event loop and awaits value if it is a
// thenable.  Returns [0, value] for a value; [1, error] for an exception
// thrown by a callback or a rejection of value itself (shown as
// "Uncaught ..."); [2, reason] for a rejection no one handled ("Uncaught
// (in promise) ..."); [3, message] when value is a promise that never
// settled.
H.settle = function (v) {
  // A program that ends with setTimeout(...) has the timer as its value:
  // a handle, not a result (node -e shows nothing), so it has none.
  if (v instanceof Timeout || v instanceof Immediate) v = void 0;
  var out = [0, v], waiting = false;
  try {
    if (isObj(v) && typeof v.then === 'function') {
      waiting = true;
      Promise.resolve(v).then(function (x) { out = [0, x]; waiting = false; },
        function (e) { out = [1, e]; waiting = false; });
    }
    runLoop();
  } catch (e) {
    if (isObj(e) && Object.prototype.hasOwnProperty.call(e, Unhandled)) return [2, e[Unhandled]];
    return [1, e];
  }
  if (waiting)
    return [3, 'the promise ' + (typeof G.main !== 'function' ? 'that is the value of the program' : 'returned by main()') +
      ' never settled: no timers or callbacks were left to settle it'];
  return out;
};
