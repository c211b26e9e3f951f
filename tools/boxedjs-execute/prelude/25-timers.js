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

var vnow = 0, timerSeq = 1, timers = [], immediates = [];
function Timeout(fn, ms, args, repeat) {
  ms = Number(ms);
  if (!(ms >= 1 && ms <= 2147483647)) ms = 1;
  def(this, '_idleTimeout', ms);
  def(this, '_onTimeout', fn);
  def(this, '_args', args);
  def(this, '_repeat', repeat ? ms : null);
  def(this, '_ref', true);
  def(this, '_destroyed', false);
  def(this, '_id', timerSeq++);
  def(this, '_at', 0);
  def(this, '_seq', 0);
  schedule(this);
}
// timers: sorted by (time, order set); a timer that is set again moves.
function schedule(t) {
  armLoop();
  t._at = vnow + t._idleTimeout;
  t._seq = timerSeq++;
  var lo = 0, hi = timers.length;
  while (lo < hi) {
    var mid = (lo + hi) >> 1, m = timers[mid];
    if (m._at < t._at || (m._at === t._at && m._seq < t._seq)) lo = mid + 1; else hi = mid;
  }
  timers.splice(lo, 0, t);
}
function unschedule(t) {
  var i = timers.indexOf(t);
  if (i >= 0) timers.splice(i, 1);
}
def(Timeout.prototype, 'ref', function ref() { this._ref = true; return this; });
def(Timeout.prototype, 'unref', function unref() { this._ref = false; return this; });
def(Timeout.prototype, 'hasRef', function hasRef() { return this._ref; });
def(Timeout.prototype, 'refresh', function refresh() {
  if (!this._destroyed) { unschedule(this); schedule(this); }
  return this;
});
def(Timeout.prototype, 'close', function close() { clearTimer(this); return this; });
def(Timeout.prototype, Symbol.toPrimitive, function () { return this._id; });
function Immediate(fn, args) {
  def(this, '_onImmediate', fn);
  def(this, '_args', args);
  def(this, '_ref', true);
  def(this, '_destroyed', false);
}
def(Immediate.prototype, 'ref', function ref() { this._ref = true; return this; });
def(Immediate.prototype, 'unref', function unref() { this._ref = false; return this; });
def(Immediate.prototype, 'hasRef', function hasRef() { return this._ref; });

function timerFn(f, what) {
  if (typeof f !== 'function')
    throw new TypeError('The "callback" argument must be of type function. Received ' + show(f) + (what ? '' : ''));
  return f;
}
function restArgs(a, from) { return Array.prototype.slice.call(a, from); }
function clearTimer(t) {
  if (typeof t === 'number' || typeof t === 'string') {
    for (var i = 0; i < timers.length; i++) if (timers[i]._id === Number(t)) { t = timers[i]; break; }
  }
  if (t instanceof Timeout) { t._destroyed = true; unschedule(t); }
}
def(G, 'setTimeout', function setTimeout(callback, delay) {
  return new Timeout(timerFn(callback), delay, restArgs(arguments, 2), false);
});
def(G, 'setInterval', function setInterval(callback, delay) {
  return new Timeout(timerFn(callback), delay, restArgs(arguments, 2), true);
});
def(G, 'clearTimeout', function clearTimeout(timeout) { clearTimer(timeout); });
def(G, 'clearInterval', function clearInterval(timeout) { clearTimer(timeout); });
def(G, 'setImmediate', function setImmediate(callback) {
  var im = new Immediate(timerFn(callback), restArgs(arguments, 1));
  armLoop();
  immediates.push(im);
  return im;
});
def(G, 'clearImmediate', function clearImmediate(im) {
  if (im instanceof Immediate) im._destroyed = true;
});

// A "turn": run the microtasks, then end the program if a rejection is
// still unhandled (thrown as {unhandled: reason} to H.settle).
var Unhandled = hiddenSym('Unhandled');
function turn() {
  runJobs();
  if (unhandled.length) {
    var p = unhandled[0];
    unhandled = [];
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
  turn();
  // The program counts as having taken 1 ms: its setTimeout(f, 0) then
  // runs before its setImmediate(g), as in node in practice (where it is
  // left to the timing).
  if (timers.length) setClock(vnow + 1);
  for (;;) {
    while (timers.length && timers[0]._at <= vnow) {
      var t = timers.shift();
      if (t._repeat !== null) schedule(t); else t._destroyed = true;
      t._onTimeout.apply(t, t._args);
      turn();
    }
    if (immediates.length) {
      var batch = immediates;
      immediates = [];
      for (var i = 0; i < batch.length; i++) {
        var im = batch[i];
        if (im._destroyed) continue;
        im._destroyed = true;
        im._onImmediate.apply(im, im._args);
        turn();
      }
      continue;
    }
    var live = false;
    for (i = 0; i < timers.length && !live; i++) live = timers[i]._ref;
    if (!live) return;
    setClock(timers[0]._at);
  }
}

// H.settle(value): runs the event loop and awaits value if it is a
// thenable.  Returns [0, value] for a value; [1, error] for an exception
// thrown by a callback or a rejection of value itself (shown as
// "Uncaught ..."); [2, reason] for a rejection no one handled ("Uncaught
// (in promise) ..."); [3, message] when value is a promise that never
// settled.
H.settle = function (v) {
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
