// 35-clone-text.js - structuredClone (with DOMException for its
// DataCloneError), TextEncoder.prototype.encodeInto, and a TextDecoder
// that makes proper JavaScript strings.
//
// Duktape's TextEncoder is kept (it encodes correctly, lone surrogates as
// U+FFFD); its TextDecoder is replaced: it returns characters beyond
// U+FFFF as single Duktape-internal code points instead of surrogate
// pairs.  This one follows the WHATWG UTF-8 decoder (maximal subparts
// become one U+FFFD each; fatal; ignoreBOM; {stream: true} keeps an
// incomplete sequence for the next call).

var DOMException = function DOMException(message, name) {
  var e = new Error(message === void 0 ? '' : String(message));
  Object.setPrototypeOf(e, this instanceof DOMException ? Object.getPrototypeOf(this) : DOMException.prototype);
  def(e, 'name', name === void 0 ? 'Error' : String(name));
  return e;
};
DOMException.prototype = Object.create(Error.prototype);
def(DOMException.prototype, 'constructor', DOMException);
Object.defineProperty(DOMException.prototype, Symbol.toStringTag, { value: 'DOMException', configurable: true });
getter(DOMException.prototype, 'code', function () { return this.name === 'DataCloneError' ? 25 : 0; });
def(G, 'DOMException', DOMException);

// ---- structuredClone ---------------------------------------------------------
function cloneFail(v) {
  var what = typeof v === 'function' ? (String(v).split('\n')[0].replace(/\s*\{.*$/, '') + ' {}') :
    typeof v === 'symbol' ? String(v) : Object.prototype.toString.call(v);
  throw new DOMException(what + ' could not be cloned.', 'DataCloneError');
}
function cloneValue(v, seen) {
  if (typeof v === 'symbol' || typeof v === 'function') cloneFail(v);
  if (!isObj(v)) return v;
  var had = seen.get(v);
  if (had !== void 0) return had;
  var tag = Object.prototype.toString.call(v), r, i;
  switch (tag) {
  case '[object Date]': r = new Date(v.getTime()); seen.set(v, r); return r;
  case '[object RegExp]': r = new RegExp(v.source, v.flags); seen.set(v, r); return r;
  case '[object Boolean]': case '[object Number]': case '[object String]':
    r = Object(v.valueOf()); seen.set(v, r); return r;
  case '[object ArrayBuffer]': r = v.slice(0); seen.set(v, r); return r;
  case '[object Map]':
    r = new Map(); seen.set(v, r);
    v.forEach(function (x, k) { r.set(cloneValue(k, seen), cloneValue(x, seen)); });
    return r;
  case '[object Set]':
    r = new Set(); seen.set(v, r);
    v.forEach(function (x) { r.add(cloneValue(x, seen)); });
    return r;
  case '[object Error]':
    r = new (G[v.name] && G[v.name].prototype instanceof Error ? G[v.name] : Error)(v.message);
    seen.set(v, r);
    if (typeof v.stack === 'string') def(r, 'stack', v.stack);
    if ('cause' in v) def(r, 'cause', cloneValue(v.cause, seen));
    return r;
  }
  if (ArrayBuffer.isView(v)) {
    if (tag === '[object DataView]') r = new DataView(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
    else r = new v.constructor(v);
    seen.set(v, r);
    return r;
  }
  if (tag === '[object Promise]' || tag === '[object WeakMap]' || tag === '[object WeakSet]' ||
      v instanceof Promise || v instanceof WeakMap || v instanceof WeakSet) cloneFail(v);
  if (Array.isArray(v)) {
    r = new Array(v.length);
    seen.set(v, r);
  } else {
    r = {};
    seen.set(v, r);
  }
  var ks = Object.keys(v);
  for (i = 0; i < ks.length; i++) r[ks[i]] = cloneValue(v[ks[i]], seen);
  return r;
}
def(G, 'structuredClone', arity(function structuredClone(value) {
  return cloneValue(value, new Map());
}, 0));

// ---- TextEncoder.encodeInto ----------------------------------------------------
def(TextEncoder.prototype, 'encodeInto', function encodeInto(src, dest) {
  var s = String(src), read = 0, written = 0, n = dest.length;
  for (var i = 0; i < s.length; i++) {
    var c = s.charCodeAt(i), units = 1;
    if (c >= 0xD800 && c <= 0xDBFF && i + 1 < s.length) {
      var d = s.charCodeAt(i + 1);
      if (d >= 0xDC00 && d <= 0xDFFF) { c = 0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00); units = 2; }
    }
    if (c >= 0xD800 && c <= 0xDFFF) c = 0xFFFD;
    var len = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    if (written + len > n) break;
    if (len === 1) dest[written] = c;
    else if (len === 2) { dest[written] = 0xC0 | (c >> 6); dest[written + 1] = 0x80 | (c & 63); }
    else if (len === 3) { dest[written] = 0xE0 | (c >> 12); dest[written + 1] = 0x80 | ((c >> 6) & 63); dest[written + 2] = 0x80 | (c & 63); }
    else { dest[written] = 0xF0 | (c >> 18); dest[written + 1] = 0x80 | ((c >> 12) & 63); dest[written + 2] = 0x80 | ((c >> 6) & 63); dest[written + 3] = 0x80 | (c & 63); }
    written += len;
    read += units;
    i += units - 1;
  }
  return { read: read, written: written };
});

// ---- TextDecoder ------------------------------------------------------------------
var TDSt = hiddenSym('TextDecoder');
var TextDecoder = function TextDecoder() {
  if (!(this instanceof TextDecoder)) throw new TypeError("Class constructor TextDecoder cannot be invoked without 'new'");
  var label = arguments[0] === void 0 ? 'utf-8' : String(arguments[0]).trim().toLowerCase(), o = arguments[1] || {};
  if (label !== 'utf-8' && label !== 'utf8' && label !== 'unicode-1-1-utf-8')
    throw new RangeError('The "' + label + '" encoding is not supported (jsexec decodes only utf-8)');
  this[TDSt] = { fatal: !!o.fatal, ignoreBOM: !!o.ignoreBOM,
    pend: [], bomSeen: false };
};
getter(TextDecoder.prototype, 'encoding', function () { return 'utf-8'; });
getter(TextDecoder.prototype, 'fatal', function () { return this[TDSt].fatal; });
getter(TextDecoder.prototype, 'ignoreBOM', function () { return this[TDSt].ignoreBOM; });
Object.defineProperty(TextDecoder.prototype, Symbol.toStringTag, { value: 'TextDecoder', configurable: true });
function bytesOf(input) {
  if (input === void 0) return new Uint8Array(0);
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw new TypeError('The "input" argument must be an instance of ArrayBuffer or ArrayBufferView. Received ' + show(input));
}
def(TextDecoder.prototype, 'decode', function decode(input, options) {
  var st = this[TDSt];
  if (!st) throw new TypeError('Illegal invocation');
  var stream = !!(options && options.stream), b = bytesOf(input);
  var bytes = st.pend.length ? st.pend.concat(Array.prototype.slice.call(b)) : b;
  var n = bytes.length, out = [], chunks = [], i = 0;
  function bad() {
    if (st.fatal) { st.pend = []; st.bomSeen = false; throw new TypeError('The encoded data was not valid for encoding utf-8'); }
    out.push(0xFFFD);
  }
  st.pend = [];
  while (i < n) {
    var c = bytes[i], need, cp, lo = 0x80, hi = 0xBF;
    if (c < 0x80) { out.push(c); i++; }
    else {
      if (c >= 0xC2 && c <= 0xDF) { need = 1; cp = c & 0x1F; }
      else if (c >= 0xE0 && c <= 0xEF) { need = 2; cp = c & 0xF; if (c === 0xE0) lo = 0xA0; if (c === 0xED) hi = 0x9F; }
      else if (c >= 0xF0 && c <= 0xF4) { need = 3; cp = c & 7; if (c === 0xF0) lo = 0x90; if (c === 0xF4) hi = 0x8F; }
      else { bad(); i++; continue; }
      var j = i + 1, k = 0;
      for (; k < need && j < n; k++, j++) {
        var d = bytes[j];
        if (d < lo || d > hi) break;
        lo = 0x80; hi = 0xBF;
        cp = (cp << 6) | (d & 0x3F);
      }
      if (k === need) {
        if (cp >= 0x10000) { cp -= 0x10000; out.push(0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF)); }
        else out.push(cp);
        i = j;
      } else if (j >= n && stream) {
        st.pend = Array.prototype.slice.call(bytes, i);
        i = n;
      } else { bad(); i = j; }
    }
    if (out.length >= 8192) { chunks.push(String.fromCharCode.apply(null, out)); out = []; }
  }
  chunks.push(String.fromCharCode.apply(null, out));
  var s = chunks.join('');
  if (!st.bomSeen && s.length) {
    if (!st.ignoreBOM && s.charCodeAt(0) === 0xFEFF) s = s.slice(1);
    st.bomSeen = true;
  }
  if (!stream) st.bomSeen = false;
  return s;
});
def(G, 'TextDecoder', TextDecoder);
