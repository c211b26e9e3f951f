// 10-symbols-iter.js - the iteration protocol on Duktape's built-ins, and
// the helpers the runtime files after this one share.
//
// Duktape 2.7 has Symbol and Symbol.iterator but nothing iterable: arrays,
// strings and arguments get [Symbol.iterator] here (array iterators with
// keys/values/entries, strings by code point), and every iterator made by
// the runtime inherits %IteratorPrototype%, whose [Symbol.iterator]
// returns the iterator itself.  Symbol.asyncIterator is a new well-known
// symbol, Symbol.prototype.description an accessor.

// def(o, name, value): a built-in-like property (writable, configurable,
// not enumerable).
function def(o, k, v) {
  Object.defineProperty(o, k, { value: v, writable: true, configurable: true, enumerable: false });
}
function getter(o, k, f) {
  Object.defineProperty(o, k, { get: f, configurable: true, enumerable: false });
}
// Symbols for the runtime's own per-object bookkeeping: kept out of
// Object.getOwnPropertySymbols and Reflect.ownKeys.
var hiddenSyms = [];
function hiddenSym(name) { var s = Symbol(name); hiddenSyms.push(s); return s; }
function notHidden(k) { return hiddenSyms.indexOf(k) < 0; }
(function () {
  var gops = Object.getOwnPropertySymbols, rOwnKeys = Reflect.ownKeys;
  def(Object, 'getOwnPropertySymbols', function getOwnPropertySymbols(o) {
    return gops(o).filter(notHidden);
  });
  def(Reflect, 'ownKeys', function ownKeys(o) { return rOwnKeys(o).filter(notHidden); });
  Object.defineProperty(Symbol, 'asyncIterator', { value: Symbol('Symbol.asyncIterator') });
  getter(Symbol.prototype, 'description', function () {
    var s = Symbol.prototype.toString.call(this);
    return s === 'Symbol()' ? void 0 : s.slice(7, -1);
  });
})();
var SymIt = Symbol.iterator;
function toObj(v, what) {
  if (v === null || v === void 0) throw new TypeError(what + ' called on null or undefined');
  return Object(v);
}
function toLen(n) {
  n = Number(n);
  if (!(n > 0)) return 0;
  n = Math.floor(n);
  return n > 9007199254740991 ? 9007199254740991 : n;
}
function toInt(n) {
  n = Number(n);
  if (n !== n) return 0;
  return n < 0 ? Math.ceil(n) : Math.floor(n);
}
// A relative index (negative counts from the end), clamped to [0, len].
function relIdx(n, len, dflt) {
  if (n === void 0) return dflt;
  n = toInt(n);
  return n < 0 ? Math.max(len + n, 0) : Math.min(n, len);
}
function needFn(f, what) {
  if (typeof f !== 'function') throw new TypeError(show(f) + ' is not a function' + (what ? ' (' + what + ')' : ''));
  return f;
}
// arity(f, n): f with .length n (a built-in's optional parameters are
// declared, not read from `arguments`: Duktape makes that object at every
// call of a function that names it).
function arity(f, n) { Object.defineProperty(f, 'length', { value: n }); return f; }
function isObj(v) { return v !== null && (typeof v === 'object' || typeof v === 'function'); }

// %IteratorPrototype% and the prototype of the runtime's iterators, with
// next() and a Symbol.toStringTag.
var IterProto = {};
def(IterProto, SymIt, function () { return this; });
function iterClass(tag, nextFn) {
  var p = Object.create(IterProto);
  def(p, 'next', nextFn);
  Object.defineProperty(p, Symbol.toStringTag, { value: tag, configurable: true });
  return p;
}
function result(v, done) { return { value: v, done: done }; }

// Array iterators: over any array-like (arrays, typed arrays, arguments,
// the array-likes of Array.prototype.values.call).  kind: 0 keys,
// 1 values, 2 entries.
var ArrIterSt = hiddenSym('ArrayIterator');
// (no calls in next() but the length's conversion for non-arrays: a call
// costs more than the rest of a step)
var ArrayIterProto = iterClass('Array Iterator', function next() {
  var st = this === null || this === void 0 ? void 0 : this[ArrIterSt], o, i, n;
  if (st === void 0 || st.it !== this) throw new TypeError('next method called on an incompatible receiver');
  o = st.o;
  if (o === null) return { value: void 0, done: true };
  i = st.i; n = o.length;
  if (typeof n !== 'number' || n !== n >>> 0) n = toLen(n);
  if (i >= n) { st.o = null; return { value: void 0, done: true }; }
  st.i = i + 1;
  return { value: st.k === 1 ? o[i] : st.k === 0 ? i : [i, o[i]], done: false };
});
function arrayIter(o, kind) {
  var it = Object.create(ArrayIterProto);
  it[ArrIterSt] = { it: it, o: o, i: 0, k: kind };
  return it;
}
var arrayValues = function values() { return arrayIter(toObj(this, 'Array.prototype.values'), 1); };
def(Array.prototype, 'values', arrayValues);
def(Array.prototype, 'keys', function keys() { return arrayIter(toObj(this, 'Array.prototype.keys'), 0); });
def(Array.prototype, 'entries', function entries() { return arrayIter(toObj(this, 'Array.prototype.entries'), 2); });
def(Array.prototype, SymIt, arrayValues);
// Typed arrays share the array iterators.
(function () {
  var tp = Object.getPrototypeOf(Uint8Array.prototype);
  def(tp, 'values', arrayValues);
  def(tp, 'keys', Array.prototype.keys);
  def(tp, 'entries', Array.prototype.entries);
  def(tp, SymIt, arrayValues);
})();
// Arguments objects are plain Objects in Duktape: the front end gives
// one its @@iterator in each function that reads it ($es.ai).

// String iterator: by code point (a surrogate pair is one step).
var StrIterSt = hiddenSym('StringIterator');
var StringIterProto = iterClass('String Iterator', function next() {
  var st = this && this[StrIterSt];
  if (!st) throw new TypeError('next method called on an incompatible receiver');
  var s = st.s, i = st.i;
  if (s === null || i >= s.length) { st.s = null; return result(void 0, true); }
  var c = s.charCodeAt(i), n = 1;
  if (c >= 0xD800 && c <= 0xDBFF && i + 1 < s.length) {
    var d = s.charCodeAt(i + 1);
    if (d >= 0xDC00 && d <= 0xDFFF) n = 2;
  }
  st.i = i + n;
  return result(s.substr(i, n), false);
});
def(String.prototype, SymIt, function () {
  var it = Object.create(StringIterProto);
  it[StrIterSt] = { s: String(toObj(this, 'String.prototype[Symbol.iterator]')), i: 0 };
  return it;
});

// getIter(v): the iterator of an iterable (TypeError naming the value if it
// is not one); iterate(v, f) calls f(x) for each value, closing the
// iterator (return()) if f throws.
function getIter(v) {
  var m = v === null || v === void 0 ? void 0 : v[SymIt];
  if (typeof m !== 'function') throw new TypeError(show(v) + ' is not iterable');
  var it = m.call(v);
  if (!isObj(it)) throw new TypeError('Result of the Symbol.iterator method is not an object');
  return it;
}
var arrayNext = ArrayIterProto.next;
function iterate(v, f) {
  // An array with the built-in iterator, walked directly (the same steps).
  if (Array.isArray(v) && v[SymIt] === arrayValues && ArrayIterProto.next === arrayNext) {
    for (var i = 0; i < v.length; i++) f(v[i]);
    return;
  }
  var it = getIter(v), next = it.next, r;
  for (;;) {
    r = next.call(it);
    if (!isObj(r)) throw new TypeError('Iterator result ' + show(r) + ' is not an object');
    if (r.done) return;
    try { f(r.value); } catch (e) {
      try { if (typeof it['return'] === 'function') it['return'](); } catch (e2) {}
      throw e;
    }
  }
}
