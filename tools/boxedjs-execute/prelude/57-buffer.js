// 57-buffer.js - Node's Buffer on Duktape's: Duktape has a Buffer (a
// Uint8Array subclass with the read/write number methods, slice, equals,
// compare, copy, fill) but encodes strings as its internal CESU-8 and knows
// one encoding.  Here: Buffer.from / alloc / allocUnsafe / byteLength /
// concat / isEncoding, and toString / write / subarray with Node's
// encodings (utf8, hex, base64, base64url, latin1/binary, ascii, utf16le).
var bufCodec = (function () {
  var B = G.Buffer, BP = B.prototype;
  var HEX = '0123456789abcdef';
  var B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  var B64V = {};
  for (var i = 0; i < 64; i++) B64V[B64.charAt(i)] = i;
  B64V['-'] = 62; B64V._ = 63;  // base64url's, accepted by both as Node does

  function mk(n) {
    var u = new Uint8Array(n);
    Object.setPrototypeOf(u, BP);
    return u;
  }
  function norm(e) {
    if (e === void 0 || e === null) return 'utf8';
    switch (String(e).toLowerCase()) {
    case 'utf8': case 'utf-8': return 'utf8';
    case 'hex': return 'hex';
    case 'base64': return 'base64';
    case 'base64url': return 'base64url';
    case 'latin1': case 'binary': return 'latin1';
    case 'ascii': return 'ascii';
    case 'utf16le': case 'utf-16le': case 'ucs2': case 'ucs-2': return 'utf16le';
    }
    return null;
  }
  function unknown(e) {
    var x = new TypeError('Unknown encoding: ' + e);
    x.code = 'ERR_UNKNOWN_ENCODING';
    return x;
  }
  // The bytes of string s in encoding e (normalised), as a Buffer.
  function encode(s, e) {
    var u, i, n = 0;
    switch (e) {
    case 'utf8': return N.utf8(s);
    case 'hex':
      // Node stops at the first pair that is not hex.
      var m = /^(?:[0-9a-fA-F]{2})*/.exec(s)[0];
      u = mk(m.length >> 1);
      for (i = 0; i < u.length; i++) u[i] = parseInt(m.substr(i * 2, 2), 16);
      return u;
    case 'base64': case 'base64url':
      // Characters outside the alphabet are skipped; '=' ends the data.
      var bits = 0, acc = 0, out = [];
      for (i = 0; i < s.length; i++) {
        var c = s.charAt(i);
        if (c === '=') break;
        var v = B64V[c];
        if (v === void 0) continue;
        acc = (acc << 6) | v; bits += 6;
        if (bits >= 8) { bits -= 8; out.push((acc >> bits) & 255); }
      }
      u = mk(out.length);
      for (i = 0; i < out.length; i++) u[i] = out[i];
      return u;
    case 'latin1': case 'ascii':
      u = mk(s.length);
      for (i = 0; i < s.length; i++) u[i] = s.charCodeAt(i) & 255;
      return u;
    case 'utf16le':
      u = mk(s.length * 2);
      for (i = 0; i < s.length; i++) { var k = s.charCodeAt(i); u[n++] = k & 255; u[n++] = k >> 8; }
      return u;
    }
    throw unknown(e);
  }
  // The bytes u (any Uint8Array) as a string in encoding e (normalised).
  function decode(u, e) {
    var s = '', i, parts = [];
    switch (e) {
    case 'utf8': return N.utf8(u);
    case 'hex':
      for (i = 0; i < u.length; i++) parts.push(HEX.charAt(u[i] >> 4) + HEX.charAt(u[i] & 15));
      return parts.join('');
    case 'base64': case 'base64url':
      for (i = 0; i + 2 < u.length; i += 3) {
        var t = (u[i] << 16) | (u[i + 1] << 8) | u[i + 2];
        parts.push(B64.charAt(t >> 18) + B64.charAt((t >> 12) & 63) + B64.charAt((t >> 6) & 63) + B64.charAt(t & 63));
      }
      if (u.length - i === 1) parts.push(B64.charAt(u[i] >> 2) + B64.charAt((u[i] & 3) << 4) + '==');
      else if (u.length - i === 2) {
        parts.push(B64.charAt(u[i] >> 2) + B64.charAt(((u[i] & 3) << 4) | (u[i + 1] >> 4)) +
          B64.charAt((u[i + 1] & 15) << 2) + '=');
      }
      s = parts.join('');
      return e === 'base64' ? s : s.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    case 'latin1': case 'ascii':
      for (i = 0; i < u.length; i += 4096) {
        var ch = Array.prototype.slice.call(u.subarray(i, i + 4096));
        if (e === 'ascii') ch = ch.map(function (b) { return b & 127; });
        parts.push(String.fromCharCode.apply(null, ch));
      }
      return parts.join('');
    case 'utf16le':
      for (i = 0; i + 1 < u.length; i += 2) parts.push(String.fromCharCode(u[i] | (u[i + 1] << 8)));
      return parts.join('');
    }
    throw unknown(e);
  }
  // How Node's ERR_INVALID_ARG_TYPE messages name the value received.
  function received(v) {
    return v === null || v === void 0 ? String(v) : typeof v === 'object'
      ? 'an instance of ' + (ctorOf(v) || 'Object') : 'type ' + typeof v + ' (' + inspect(v) + ')';
  }
  function argErr(v) {
    var x = new TypeError('The first argument must be of type string or an instance of Buffer, ' +
      'ArrayBuffer, or Array or an Array-like Object. Received ' + received(v));
    x.code = 'ERR_INVALID_ARG_TYPE';
    return x;
  }
  function size(n) {
    if (typeof n !== 'number' || !(n >= 0) || n > 4294967296 || n !== Math.floor(n)) {
      var x = typeof n !== 'number'
        ? new TypeError('The "size" argument must be of type number. Received ' + received(n))
        : new RangeError('The value of "size" is out of range. It must be >= 0 && <= 4294967296. Received ' + inspect(n));
      x.code = typeof n !== 'number' ? 'ERR_INVALID_ARG_TYPE' : 'ERR_OUT_OF_RANGE';
      throw x;
    }
    return n;
  }
  function enc(e) {
    var n = norm(e);
    if (n === null) throw unknown(e);
    return n;
  }
  function def(o, k, f) { Object.defineProperty(o, k, { value: f, writable: true, configurable: true }); }

  def(B, 'from', function from(v, a, b) {
    if (typeof v === 'string') return encode(v, enc(a));
    if (v instanceof ArrayBuffer) {
      // A view on the same memory, as Node's.
      var off = a === void 0 ? 0 : +a, len = b === void 0 ? v.byteLength - off : +b;
      var w = new Uint8Array(v, off, len);
      Object.setPrototypeOf(w, BP);
      return w;
    }
    if (v !== null && typeof v === 'object') {
      if (typeof v.length !== 'number' && v.type === 'Buffer' && Array.isArray(v.data)) v = v.data;
      if (typeof v.length === 'number' || ArrayBuffer.isView(v)) {
        var n = v.length >>> 0, u = mk(n);
        for (var i = 0; i < n; i++) u[i] = v[i];
        return u;
      }
    }
    throw argErr(v);
  });
  def(B, 'alloc', function alloc(n, fill, e) {
    var u = mk(size(n));
    if (fill !== void 0 && fill !== 0 && n > 0) u.fill(fill, 0, n, e);
    return u;
  });
  def(B, 'allocUnsafe', function allocUnsafe(n) { return mk(size(n)); });
  def(B, 'allocUnsafeSlow', function allocUnsafeSlow(n) { return mk(size(n)); });
  def(B, 'isEncoding', function isEncoding(e) { return typeof e === 'string' && e !== '' && norm(e) !== null; });
  def(B, 'byteLength', function byteLength(v, e) {
    if (typeof v === 'string') return encode(v, enc(e)).length;
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return v.byteLength;
    var x = new TypeError('The "string" argument must be of type string or an instance of Buffer or ' +
      'ArrayBuffer. Received ' + received(v));
    x.code = 'ERR_INVALID_ARG_TYPE';
    throw x;
  });
  def(B, 'concat', function concat(list, total) {
    if (!Array.isArray(list)) {
      var x = new TypeError('The "list" argument must be an instance of Array. Received ' + received(list));
      x.code = 'ERR_INVALID_ARG_TYPE';
      throw x;
    }
    var i, n = 0;
    for (i = 0; i < list.length; i++) {
      if (!(list[i] instanceof Uint8Array)) {
        var y = new TypeError('The "list[' + i + ']" argument must be an instance of Buffer or Uint8Array. ' +
          'Received ' + received(list[i]));
        y.code = 'ERR_INVALID_ARG_TYPE';
        throw y;
      }
      n += list[i].length;
    }
    if (total !== void 0) n = size(total);
    var u = mk(n), at = 0;
    for (i = 0; i < list.length && at < n; i++) {
      var p = list[i].length <= n - at ? list[i] : list[i].subarray(0, n - at);
      u.set(p, at);
      at += p.length;
    }
    return u;
  });

  def(BP, 'toString', function toString(e, start, end) {
    var n = this.length;
    start = start === void 0 ? 0 : Math.max(0, Math.min(n, start | 0));
    end = end === void 0 ? n : Math.max(start, Math.min(n, end | 0));
    var u = start === 0 && end === n ? this : Uint8Array.prototype.subarray.call(this, start, end);
    return decode(u, enc(e));
  });
  def(BP, 'toLocaleString', BP.toString);
  // subarray and slice: a Buffer on the same memory.
  function sub(start, end) {
    var u = Uint8Array.prototype.subarray.call(this, start, end);
    Object.setPrototypeOf(u, BP);
    return u;
  }
  def(BP, 'subarray', sub);
  def(BP, 'slice', sub);
  // write(string[, offset[, length]][, encoding]): the bytes that fit.
  def(BP, 'write', function write(s, off, len, e) {
    if (typeof off === 'string') { e = off; off = 0; len = void 0; }
    else if (typeof len === 'string') { e = len; len = void 0; }
    off = off === void 0 ? 0 : off >>> 0;
    var room = Math.max(0, this.length - off);
    len = len === void 0 ? room : Math.min(room, len >>> 0);
    var b = encode(String(s), enc(e));
    if (b.length > len) b = b.subarray(0, len);
    this.set(b, off);
    return b.length;
  });
  var dukFill = BP.fill;
  def(BP, 'fill', function fill(v, off, end, e) {
    if (typeof off === 'string') { e = off; off = 0; end = this.length; }
    else if (typeof end === 'string') { e = end; end = this.length; }
    off = off === void 0 ? 0 : off >>> 0;
    end = end === void 0 ? this.length : Math.min(this.length, end >>> 0);
    if (typeof v !== 'string') {
      if (v instanceof Uint8Array) return dukFill.call(this, v, off, end);
      for (var i = off; i < end; i++) this[i] = v & 255;
      return this;
    }
    var b = encode(v, enc(e));
    if (b.length === 0) b = mk(1);
    for (var j = off, k = 0; j < end; j++, k = (k + 1) % b.length) this[j] = b[k];
    return this;
  });
  return { encode: encode, decode: decode, norm: norm };
}());
