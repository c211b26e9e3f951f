// 30-builtins.js - the ES2015-ES2023 methods of Object, Array, String,
// Math and typed arrays that Duktape 2.7 lacks (each was checked against
// Duktape first; what it has is kept), a stable Array.prototype.sort,
// and BigInt as a clear error.

// ---- Object ------------------------------------------------------------------
def(Object, 'entries', function entries(o) {
  o = toObj(o, 'Object.entries');
  return Object.keys(o).map(function (k) { return [k, o[k]]; });
});
def(Object, 'values', function values(o) {
  o = toObj(o, 'Object.values');
  return Object.keys(o).map(function (k) { return o[k]; });
});
def(Object, 'fromEntries', function fromEntries(it) {
  var o = {};
  iterate(it, function (e) {
    if (!isObj(e)) throw new TypeError('Iterator value ' + show(e) + ' is not an entry object');
    Object.defineProperty(o, e[0], { value: e[1], writable: true, enumerable: true, configurable: true });
  });
  return o;
});
def(Object, 'getOwnPropertyDescriptors', function getOwnPropertyDescriptors(o) {
  o = toObj(o, 'Object.getOwnPropertyDescriptors');
  var r = {};
  Reflect.ownKeys(o).forEach(function (k) { r[k] = Object.getOwnPropertyDescriptor(o, k); });
  return r;
});
def(Object, 'hasOwn', function hasOwn(o, k) {
  return Object.prototype.hasOwnProperty.call(toObj(o, 'Object.hasOwn'), k);
});
// Duktape's assign leaves out symbol keys.
def(Object, 'assign', function assign(target, source) {
  var to = toObj(target, 'Object.assign');
  for (var i = 1; i < arguments.length; i++) {
    var from = arguments[i];
    if (from === null || from === void 0) continue;
    from = Object(from);
    var ks = Reflect.ownKeys(from);
    for (var j = 0; j < ks.length; j++) {
      var d = Object.getOwnPropertyDescriptor(from, ks[j]);
      if (d && d.enumerable) to[ks[j]] = from[ks[j]];
    }
  }
  return to;
});

// ---- Array -------------------------------------------------------------------
var AP = Array.prototype;
def(Array, 'from', function from(items) {
  var mapFn = arguments[1], thisArg = arguments[2], out = [], i = 0;
  if (mapFn !== void 0) needFn(mapFn, 'the map function of Array.from');
  var C = typeof this === 'function' && this !== Array ? this : null;
  if (items === null || items === void 0) throw new TypeError(show(items) + ' is not iterable');
  var m = items[SymIt];
  if (m !== void 0 && m !== null) {
    iterate(items, function (v) { out.push(mapFn ? mapFn.call(thisArg, v, i) : v); i++; });
  } else {
    var o = Object(items), n = toLen(o.length);
    for (; i < n; i++) out.push(mapFn ? mapFn.call(thisArg, o[i], i) : o[i]);
  }
  if (!C) return out;
  var r = new C(out.length);
  for (i = 0; i < out.length; i++) r[i] = out[i];
  r.length = out.length;
  return r;
});
def(Array, 'of', function of() { return AP.slice.call(arguments); });
function finder(name, fromEnd, wantIndex) {
  var f = function (pred, t) {
    var o = toObj(this, 'Array.prototype.' + name), n = toLen(o.length);
    needFn(pred);
    for (var k = 0; k < n; k++) {
      var i = fromEnd ? n - 1 - k : k, v = o[i];
      if (pred.call(t, v, i, o)) return wantIndex ? i : v;
    }
    return wantIndex ? -1 : void 0;
  };
  Object.defineProperty(f, 'name', { value: name });
  return arity(f, 1);
}
def(AP, 'find', finder('find', false, false));
def(AP, 'findIndex', finder('findIndex', false, true));
def(AP, 'findLast', finder('findLast', true, false));
def(AP, 'findLastIndex', finder('findLastIndex', true, true));
def(AP, 'includes', arity(function includes(x, from) {
  var o = toObj(this, 'Array.prototype.includes'), n = toLen(o.length);
  for (var i = relIdx(from, n, 0); i < n; i++) if (sameValueZero(o[i], x)) return true;
  return false;
}, 1));
function flatInto(out, src, depth) {
  var n = toLen(src.length);
  for (var i = 0; i < n; i++) {
    if (!(i in src)) continue;
    var v = src[i];
    if (depth > 0 && Array.isArray(v)) flatInto(out, v, depth - 1); else out.push(v);
  }
  return out;
}
def(AP, 'flat', arity(function flat(depth) {
  var d = depth === void 0 ? 1 : toInt(depth);
  return flatInto([], toObj(this, 'Array.prototype.flat'), d);
}, 0));
def(AP, 'flatMap', function flatMap(f, t) {
  var o = toObj(this, 'Array.prototype.flatMap'), n = toLen(o.length), out = [];
  needFn(f, 'flatMap mapper function');
  for (var i = 0; i < n; i++) {
    if (!(i in o)) continue;
    var v = f.call(t, o[i], i, o);
    if (Array.isArray(v)) flatInto(out, v, 0); else out.push(v);
  }
  return out;
});
def(AP, 'at', function at(i) {
  var o = toObj(this, 'Array.prototype.at'), n = toLen(o.length);
  i = toInt(i);
  if (i < 0) i += n;
  return i < 0 || i >= n ? void 0 : o[i];
});
def(AP, 'fill', arity(function fill(v, start, end) {
  var o = toObj(this, 'Array.prototype.fill'), n = toLen(o.length);
  for (var i = relIdx(start, n, 0), e = relIdx(end, n, n); i < e; i++) o[i] = v;
  return o;
}, 1));
def(AP, 'copyWithin', function copyWithin(target, start, stop) {
  var o = toObj(this, 'Array.prototype.copyWithin'), n = toLen(o.length);
  var to = relIdx(target, n, 0), from = relIdx(start, n, 0), end = relIdx(stop, n, n);
  var count = Math.min(end - from, n - to), dir = 1;
  if (from < to && to < from + count) { dir = -1; from += count - 1; to += count - 1; }
  for (; count > 0; count--, from += dir, to += dir) {
    if (from in o) o[to] = o[from]; else delete o[to];
  }
  return o;
});
arity(AP.copyWithin, 2);
arity(AP.flatMap, 1);
// sort: stable (a merge sort; Duktape's own is not), undefined last, holes
// removed to the end, as ES2019 asks.
function sortCompare(cmp) {
  if (cmp !== void 0) {
    return function (a, b) {
      if (a === void 0) return b === void 0 ? 0 : 1;
      if (b === void 0) return -1;
      var r = +cmp(a, b);
      return r !== r ? 0 : r;
    };
  }
  return function (a, b) {
    if (a === void 0) return b === void 0 ? 0 : 1;
    if (b === void 0) return -1;
    var x = String(a), y = String(b);
    return x < y ? -1 : x > y ? 1 : 0;
  };
}
function mergeSort(a, cmp) {
  var n = a.length, i, j, w;
  // runs of 8 by insertion sort, then merges of doubling width
  for (i = 0; i < n; i += 8) {
    var e = Math.min(i + 8, n);
    for (j = i + 1; j < e; j++) {
      var v = a[j], k = j - 1;
      while (k >= i && cmp(a[k], v) > 0) { a[k + 1] = a[k]; k--; }
      a[k + 1] = v;
    }
  }
  var src = a, dst = new Array(n);
  for (w = 8; w < n; w *= 2) {
    for (i = 0; i < n; i += 2 * w) {
      var mid = Math.min(i + w, n), hi = Math.min(i + 2 * w, n), l = i, r = mid, d = i;
      while (l < mid && r < hi) dst[d++] = cmp(src[r], src[l]) < 0 ? src[r++] : src[l++];
      while (l < mid) dst[d++] = src[l++];
      while (r < hi) dst[d++] = src[r++];
    }
    var t = src; src = dst; dst = t;
  }
  return src;
}
function sortList(o, cmp) {
  var n = toLen(o.length), vals = [], i;
  for (i = 0; i < n; i++) if (i in o) vals.push(o[i]);
  return mergeSort(vals, sortCompare(cmp));
}
var nativeSort = AP.sort;
def(AP, 'sort', function sort(cmp) {
  if (cmp !== void 0 && typeof cmp !== 'function')
    throw new TypeError('The comparison function must be either a function or undefined');
  var o = toObj(this, 'Array.prototype.sort'), n = toLen(o.length);
  var s, i;
  if (cmp === void 0) {
    // All strings or all numbers: values that compare equal are the same
    // value, so Duktape's own (unstable, much faster) sort is as good.
    var vals = [], undef = 0, t0 = null, same = true;
    for (i = 0; i < n; i++) {
      if (!(i in o)) continue;
      var v = o[i], t = typeof v;
      if (v === void 0) { undef++; continue; }
      if (t0 === null) t0 = t;
      if (t !== t0 || (t !== 'string' && t !== 'number')) { same = false; break; }
      vals.push(v);
    }
    if (same) {
      s = nativeSort.call(vals);
      while (undef-- > 0) s.push(void 0);
    }
  }
  if (!s) s = sortList(o, cmp);
  for (i = 0; i < s.length; i++) o[i] = s[i];
  for (; i < n; i++) delete o[i];
  return o;
});
// ES2023: the copying versions.
def(AP, 'toSorted', function toSorted(cmp) {
  if (cmp !== void 0 && typeof cmp !== 'function')
    throw new TypeError('The comparison function must be either a function or undefined');
  var o = toObj(this, 'Array.prototype.toSorted'), n = toLen(o.length), c = sortCompare(cmp), a = [];
  for (var i = 0; i < n; i++) a.push(o[i]);
  return mergeSort(a, c);
});
def(AP, 'toReversed', function toReversed() {
  var o = toObj(this, 'Array.prototype.toReversed'), n = toLen(o.length), a = [];
  for (var i = n - 1; i >= 0; i--) a.push(o[i]);
  return a;
});
def(AP, 'toSpliced', function toSpliced(start, skip) {
  var o = toObj(this, 'Array.prototype.toSpliced'), n = toLen(o.length), a = [], i;
  var s = relIdx(start, n, 0);
  var k = arguments.length === 0 ? 0 : arguments.length === 1 ? n - s : Math.min(Math.max(toInt(skip), 0), n - s);
  for (i = 0; i < s; i++) a.push(o[i]);
  for (i = 2; i < arguments.length; i++) a.push(arguments[i]);
  for (i = s + k; i < n; i++) a.push(o[i]);
  return a;
});
def(AP, 'with', function (index, value) {
  var o = toObj(this, 'Array.prototype.with'), n = toLen(o.length), i = toInt(index), a = [];
  if (i < 0) i += n;
  if (i < 0 || i >= n) throw new RangeError('Invalid index : ' + index);
  for (var j = 0; j < n; j++) a.push(j === i ? value : o[j]);
  return a;
});
Object.defineProperty(AP['with'], 'name', { value: 'with' });

// ---- typed arrays: the Array methods that apply, and from/of -----------------
(function () {
  var TA = Object.getPrototypeOf(Uint8Array.prototype), TAC = Object.getPrototypeOf(Uint8Array);
  ['forEach', 'every', 'some', 'reduce', 'reduceRight', 'indexOf', 'lastIndexOf', 'join', 'reverse',
   'find', 'findIndex', 'findLast', 'findLastIndex', 'includes', 'at', 'fill', 'copyWithin'].forEach(function (k) {
    if (!Object.prototype.hasOwnProperty.call(TA, k)) def(TA, k, AP[k]);
  });
  function same(o, list) { return new o.constructor(list); }
  def(TA, 'map', function map(f) { var t = arguments[1], o = this; needFn(f); return same(o, AP.map.call(o, function (v, i) { return f.call(t, v, i, o); })); });
  def(TA, 'filter', function filter(f) { var t = arguments[1], o = this; needFn(f); return same(o, AP.filter.call(o, function (v, i) { return f.call(t, v, i, o); })); });
  def(TA, 'slice', function slice(s, e) { var n = this.length; return same(this, this.subarray(relIdx(s, n, 0), relIdx(e, n, n))); });
  def(TA, 'toString', AP.toString);
  function numeric(a, b) { return a < b ? -1 : a > b ? 1 : a === b ? (a === 0 && b === 0 ? (1 / a < 1 / b ? -1 : 1 / a > 1 / b ? 1 : 0) : 0) : a !== a ? (b !== b ? 0 : 1) : -1; }
  def(TA, 'sort', function sort(cmp) {
    if (cmp !== void 0 && typeof cmp !== 'function')
      throw new TypeError('The comparison function must be either a function or undefined');
    var s = sortList(this, cmp || numeric);
    for (var i = 0; i < s.length; i++) this[i] = s[i];
    return this;
  });
  def(TAC, 'from', function from(items) {
    return new this(Array.from(items, arguments[1], arguments[2]));
  });
  def(TAC, 'of', function of() { return new this(AP.slice.call(arguments)); });
})();

// ---- String ------------------------------------------------------------------
var SP = String.prototype;
function thisStr(s, name) { return String(toObj(s, 'String.prototype.' + name)); }
function pad(s, n, fill, start) {
  n = toLen(n);
  var f = fill === void 0 ? ' ' : String(fill);
  if (n <= s.length || f === '') return s;
  var need = n - s.length, p = '';
  while (p.length < need) p += f;
  p = p.slice(0, need);
  return start ? p + s : s + p;
}
def(SP, 'padStart', arity(function padStart(n, fill) { return pad(thisStr(this, 'padStart'), n, fill, true); }, 1));
def(SP, 'padEnd', arity(function padEnd(n, fill) { return pad(thisStr(this, 'padEnd'), n, fill, false); }, 1));
var wsStart = /^[\s\uFEFF\xA0]+/, wsEnd = /[\s\uFEFF\xA0]+$/;
def(SP, 'trimStart', function trimStart() { return thisStr(this, 'trimStart').replace(wsStart, ''); });
def(SP, 'trimEnd', function trimEnd() { return thisStr(this, 'trimEnd').replace(wsEnd, ''); });
def(SP, 'trimLeft', SP.trimStart);
def(SP, 'trimRight', SP.trimEnd);
def(SP, 'at', function at(i) {
  var s = thisStr(this, 'at'), n = s.length;
  i = toInt(i);
  if (i < 0) i += n;
  return i < 0 || i >= n ? void 0 : s.charAt(i);
});
// replaceAll with a string pattern; a RegExp must be global (40-regexp.js
// routes it through replace).
function expandReplacement(rep, m, pos, s, groups) {
  return rep.replace(/\$([$&`']|\d\d?|<[^>]*>)/g, function (all, c) {
    if (c === '$') return '$';
    if (c === '&') return m[0];
    if (c === '`') return s.slice(0, pos);
    if (c === "'") return s.slice(pos + m[0].length);
    if (c.charAt(0) === '<') {
      if (groups === void 0) return all;
      var g = groups[c.slice(1, -1)];
      return g === void 0 ? '' : String(g);
    }
    var k = parseInt(c, 10);
    if (c.length === 2 && k >= m.length) { k = parseInt(c.charAt(0), 10); if (k >= 1 && k < m.length) return (m[k] === void 0 ? '' : m[k]) + c.charAt(1); return all; }
    if (k >= 1 && k < m.length) return m[k] === void 0 ? '' : m[k];
    return all;
  });
}
def(SP, 'replaceAll', function replaceAll(pattern, replacement) {
  var s = thisStr(this, 'replaceAll');
  if (pattern instanceof RegExp) {
    if (pattern.flags.indexOf('g') < 0) throw new TypeError('replaceAll must be called with a global RegExp');
    return s.replace(pattern, replacement);
  }
  var p = String(pattern), fn = typeof replacement === 'function', rep = fn ? null : String(replacement);
  var out = '', last = 0, pos, hits = [];
  if (p === '') for (pos = 0; pos <= s.length; pos++) hits.push(pos);
  else for (pos = s.indexOf(p); pos >= 0; pos = s.indexOf(p, pos + p.length)) hits.push(pos);
  for (var i = 0; i < hits.length; i++) {
    var h = hits[i];
    out += s.slice(last, h) + (fn ? String(replacement(p, h, s)) : expandReplacement(rep, [p], h, s));
    last = h + p.length;
  }
  return out + s.slice(last);
});
def(String, 'raw', function raw(strings) {
  var r = toObj(toObj(strings, 'String.raw').raw, 'String.raw'), n = toLen(r.length), out = '';
  for (var i = 0; i < n; i++) {
    out += String(r[i]);
    if (i + 1 < n && i + 1 < arguments.length) out += String(arguments[i + 1]);
  }
  return out;
});

// ---- Number.prototype.toLocaleString ------------------------------------------
// Duktape's takes its argument as a radix ('en-US' is a RangeError).  This
// one formats as en-US, the sandbox's one locale, whatever the locales
// given: groups of 3 with ',', '.', and the options minimumFractionDigits
// (0), maximumFractionDigits (3) and useGrouping.  As ICU does, it rounds
// the shortest decimal form of the number, half away from zero.
function fracOpt(o, k, dflt, lo) {
  var v = o[k];
  if (v === void 0) return dflt;
  v = Number(v);
  if (!(v >= lo && v <= 100)) throw new RangeError(k + ' value is out of range.');
  return Math.floor(v);
}
def(Number.prototype, 'toLocaleString', function toLocaleString(locales, options) {
  var x = Number.prototype.valueOf.call(this), o = options === void 0 ? {} : toObj(options, 'toLocaleString');
  var minF = fracOpt(o, 'minimumFractionDigits', 0, 0);
  var maxF = fracOpt(o, 'maximumFractionDigits', Math.max(minF, 3), 0);
  if (maxF < minF) throw new RangeError('maximumFractionDigits value is out of range.');
  var grouping = o.useGrouping === void 0 ? true : !!o.useGrouping && o.useGrouping !== 'false';
  if (x !== x) return 'NaN';
  var neg = x < 0 || (x === 0 && 1 / x < 0);
  if (neg) x = -x;
  if (x === Infinity) return (neg ? '-' : '') + '\u221e';
  // digits and point position of the shortest form ("1.5e-7" too)
  var m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(x));
  var ds = m[1] + (m[2] || ''), pt = m[1].length + (m[3] ? +m[3] : 0);
  while (pt <= 0) { ds = '0' + ds; pt++; }
  while (ds.length < pt) ds += '0';
  // round to maxF fraction digits, half away from zero
  var keep = pt + maxF;
  if (ds.length > keep) {
    var up = ds.charCodeAt(keep) >= 53;
    ds = ds.slice(0, keep);
    if (up) {
      var a = ds.split(''), i = a.length - 1;
      while (i >= 0 && a[i] === '9') { a[i] = '0'; i--; }
      if (i < 0) { a.unshift('1'); pt++; } else a[i] = String.fromCharCode(a[i].charCodeAt(0) + 1);
      ds = a.join('');
    }
  }
  var ip = ds.slice(0, pt).replace(/^0+(?=\d)/, ''), fp = ds.slice(pt);
  while (fp.length > minF && fp.charAt(fp.length - 1) === '0') fp = fp.slice(0, -1);
  while (fp.length < minF) fp += '0';
  if (grouping) ip = ip.replace(/\B(?=(\d{3})+$)/g, ',');
  return (neg ? '-' : '') + ip + (fp ? '.' + fp : '');
});

// ---- Math --------------------------------------------------------------------
(function () {
  var f32 = new Float32Array(1);
  function m(name, f) { def(Math, name, f); }
  m('fround', function fround(x) { f32[0] = x; return f32[0]; });
  // expm1/log1p: exp and log with the rounding error of 1 + x divided out
  // (Kahan); sinh/cosh/tanh from expm1, so that small arguments keep
  // their digits.
  m('expm1', function expm1(x) {
    x = +x;
    if (x === 0 || x !== x) return x;
    if (Math.abs(x) >= 1) return Math.exp(x) - 1;
    var u = Math.exp(x);
    if (u === 1) return x;
    if (u - 1 === -1) return -1;
    return (u - 1) * x / Math.log(u);
  });
  m('log1p', function log1p(x) {
    x = +x;
    if (x === 0 || x !== x) return x;
    if (x < -1) return NaN;
    if (x === Infinity) return x;
    var u = 1 + x;
    return u === 1 ? x : Math.log(u) * x / (u - 1);
  });
  m('sinh', function sinh(x) {
    x = +x;
    if (x === 0 || !isFinite(x)) return x;
    var a = Math.abs(x), h = x < 0 ? -0.5 : 0.5;
    if (a < 22) {
      var t = Math.expm1(a);
      return a < 1 ? h * (2 * t - t * t / (t + 1)) : h * (t + t / (t + 1));
    }
    return a < 709.78 ? h * Math.exp(a) : h * Math.exp(a / 2) * Math.exp(a / 2);
  });
  m('cosh', function cosh(x) {
    x = +x;
    var a = Math.abs(x);
    if (a !== a) return NaN;
    if (a < 0.34657359027997264) { var t = Math.expm1(a), w = 1 + t; return 1 + t * t / (w + w); }
    if (a < 22) { var e = Math.exp(a); return 0.5 * e + 0.5 / e; }
    return a < 709.78 ? 0.5 * Math.exp(a) : 0.5 * Math.exp(a / 2) * Math.exp(a / 2);
  });
  m('tanh', function tanh(x) {
    x = +x;
    if (x === 0 || x !== x) return x;
    var a = Math.abs(x), z;
    if (a >= 22) z = 1;
    else if (a >= 1) z = 1 - 2 / (Math.expm1(2 * a) + 2);
    else { var t = Math.expm1(-2 * a); z = -t / (t + 2); }
    return x < 0 ? -z : z;
  });
  m('asinh', function asinh(x) {
    x = +x;
    if (x === 0 || !isFinite(x)) return x;
    var a = Math.abs(x), r = a > 1e8 ? Math.log(a) + Math.LN2
      : a > 2 ? Math.log(2 * a + 1 / (Math.sqrt(a * a + 1) + a))
      : Math.log1p(a + a * a / (1 + Math.sqrt(1 + a * a)));
    return x < 0 ? -r : r;
  });
  m('acosh', function acosh(x) {
    x = +x;
    if (x < 1) return NaN;
    if (x > 1e8) return Math.log(x) + Math.LN2;
    if (x > 2) return Math.log(2 * x - 1 / (x + Math.sqrt(x * x - 1)));
    var t = x - 1;
    return Math.log1p(t + Math.sqrt(2 * t + t * t));
  });
  m('atanh', function atanh(x) {
    x = +x;
    if (x === 0) return x;
    var a = Math.abs(x), r;
    if (a > 1 || a !== a) return NaN;
    r = a < 0.5 ? 0.5 * Math.log1p(2 * a + 2 * a * a / (1 - a)) : 0.5 * Math.log1p(2 * a / (1 - a));
    return x < 0 ? -r : r;
  });
  Object.defineProperty(Math, Symbol.toStringTag, { value: 'Math', configurable: true });
})();

// ---- BigInt: not supported, said clearly -------------------------------------
def(G, 'BigInt', function BigInt(v) {
  throw new TypeError('BigInt is not supported by jsexec (numbers are IEEE doubles; integers are exact up to Number.MAX_SAFE_INTEGER)');
});

// ---- Error options: new Error(message, { cause }) (ES2022) -------------------
// Duktape's constructors take the message only: each global one becomes a
// function that makes the native error (new, so no native frame is
// recorded), adds an own cause when the options have one, and gives the
// error the prototype of a subclass constructing it.  The prototypes stay
// the natives' (so the engine's own errors are instances too).  Their
// frames, named *Error and in the prelude, are left out of every stack by
// Error.prototype.stack (as are AggregateError's).
(function () {
  var nativeStack = Object.getOwnPropertyDescriptor(Error.prototype, 'stack');
  var ownFrame = /^ *at [A-Za-z]*Error \(jsexec:prelude:\d+\)/;
  function makeError(NE, self, message, options) {
    var e = message === void 0 ? new NE() : new NE(message);
    if (isObj(options) && 'cause' in options) def(e, 'cause', options.cause);
    if (self instanceof NE && Object.getPrototypeOf(self) !== NE.prototype) Object.setPrototypeOf(e, Object.getPrototypeOf(self));
    return e;
  }
  function wrap(NE, W, Parent) {
    W.prototype = NE.prototype;
    def(NE.prototype, 'constructor', W);
    arity(W, 1);
    if (Parent) Object.setPrototypeOf(W, Parent);
    def(G, NE.name, W);
    return W;
  }
  var NErr = Error, E = wrap(NErr, function Error(message, options) { return makeError(NErr, this, message, options); });
  var NEv = EvalError, NRa = RangeError, NRe = ReferenceError, NSy = SyntaxError, NTy = TypeError, NUr = URIError;
  wrap(NEv, function EvalError(message, options) { return makeError(NEv, this, message, options); }, E);
  wrap(NRa, function RangeError(message, options) { return makeError(NRa, this, message, options); }, E);
  wrap(NRe, function ReferenceError(message, options) { return makeError(NRe, this, message, options); }, E);
  wrap(NSy, function SyntaxError(message, options) { return makeError(NSy, this, message, options); }, E);
  wrap(NTy, function TypeError(message, options) { return makeError(NTy, this, message, options); }, E);
  wrap(NUr, function URIError(message, options) { return makeError(NUr, this, message, options); }, E);
  Object.setPrototypeOf(AggregateError, E);
  if (nativeStack && nativeStack.get) {
    Object.defineProperty(Error.prototype, 'stack', { configurable: true, enumerable: false,
      get: function stack() {
        var st = nativeStack.get.call(this);
        if (typeof st !== 'string' || st.indexOf('Error (jsexec:prelude:') < 0) return st;
        return st.split('\n').filter(function (l) { return !ownFrame.test(l); }).join('\n');
      },
      set: nativeStack.set });
  }
})();
