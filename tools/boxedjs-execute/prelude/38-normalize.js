// 38-normalize.js - String.prototype.normalize (NFC, NFD, NFKC, NFKD), as
// UAX #15 gives it: full decomposition (Hangul algorithmically), canonical
// ordering by combining class, then canonical composition for NFC/NFKC.
// The text tables of 37-normdata.js become sorted typed arrays when the
// prelude runs (in the snapshot, ~80 KB; the text is then dropped), looked
// up by binary search; ASCII and other text no form changes returns at once.
(function () {
  var SB = 0xAC00, LB = 0x1100, VB = 0x1161, TB = 0x11A7, VC = 21, TC = 28, SC = 11172;
  var DK, DO, DP, DF;   // decompositions: code point, offset of its parts in DP, compat flag
  var CK, CV;           // compositions: a * 0x110000 + b -> composite
  var CS, CE, CC;       // combining classes: runs [CS, CE) of class CC

  // Walks the records of text t (separated by spaces), one string at a time
  // (few temporaries: what the heap grows to stays in the snapshot).
  function each(t, f) {
    for (var at = 0, sp; at < t.length; at = sp + 1) {
      sp = t.indexOf(' ', at);
      if (sp < 0) sp = t.length;
      if (sp > at) f(t.slice(at, sp));
    }
  }
  (function unpack() {
    var n = 0, np = 0, nc = 0, cp = 0, i;
    each(NORM_D, function (r) {
      var ps = r.split(/[=%+*]/).length - (r.charAt(r.length - 1) === '*' ? 2 : 1);
      n++; np += ps;
      if (ps === 2 && r.indexOf('=') > 0 && r.charAt(r.length - 1) !== '*') nc++;
    });
    DK = new Uint32Array(n); DO = new Uint16Array(n + 1); DF = new Uint8Array(n); DP = new Uint32Array(np);
    var ck = new Float64Array(nc), cv = new Uint32Array(nc);
    n = np = nc = 0;
    each(NORM_D, function (r) {
      var op = r.indexOf('='), compat = op < 0;
      if (compat) op = r.indexOf('%');
      var excl = r.charAt(r.length - 1) === '*', at = op + 1, start = np;
      cp += parseInt(r.slice(0, op), 36);
      DK[n] = cp; DO[n] = np; DF[n] = compat ? 1 : 0;
      for (var e = excl ? r.length - 1 : r.length, pl; at < e; at = pl + 1) {
        pl = r.indexOf('+', at);
        if (pl < 0 || pl > e) pl = e;
        DP[np++] = parseInt(r.slice(at, pl), 36);
      }
      if (!compat && !excl && np - start === 2) { ck[nc] = DP[start] * 0x110000 + DP[start + 1]; cv[nc++] = cp; }
      n++;
    });
    DO[n] = np;
    var ix = [];
    for (i = 0; i < nc; i++) ix.push(i);
    ix.sort(function (x, y) { return ck[x] - ck[y]; });
    CK = new Float64Array(nc); CV = new Uint32Array(nc);
    for (i = 0; i < nc; i++) { CK[i] = ck[ix[i]]; CV[i] = cv[ix[i]]; }
    n = 0;
    each(NORM_C, function () { n++; });
    CS = new Uint32Array(n); CE = new Uint32Array(n); CC = new Uint8Array(n);
    n = cp = 0;
    each(NORM_C, function (r) {
      var c1 = r.indexOf(':'), c2 = r.indexOf(':', c1 + 1);
      cp += parseInt(r.slice(0, c1), 36);
      CS[n] = cp; CE[n] = cp + parseInt(r.slice(c1 + 1, c2), 36); CC[n++] = parseInt(r.slice(c2 + 1), 36);
    });
    NORM_D = NORM_C = null;
  }());
  // The index of the last element of sorted a that is <= x, or -1.
  function find(a, x) {
    var lo = 0, hi = a.length - 1;
    while (lo <= hi) {
      var m = (lo + hi) >> 1;
      if (a[m] <= x) lo = m + 1; else hi = m - 1;
    }
    return hi;
  }
  function cls(c) {
    if (c < 0x300) return 0;
    var i = find(CS, c);
    return i >= 0 && c < CE[i] ? CC[i] : 0;
  }
  // The full decomposition of c, appended to out.
  function decompose(c, compat, out) {
    if (c >= SB && c < SB + SC) {
      var s = c - SB;
      out.push(LB + Math.floor(s / (VC * TC)), VB + Math.floor((s % (VC * TC)) / TC));
      if (s % TC) out.push(TB + s % TC);
      return;
    }
    var i = c < 0xA0 ? -1 : find(DK, c);
    if (i >= 0 && DK[i] === c && (compat || !DF[i])) {
      for (var j = DO[i]; j < DO[i + 1]; j++) decompose(DP[j], compat, out);
    } else out.push(c);
  }
  // Canonical ordering: each run of non-starters stably sorted by class.
  function order(a) {
    for (var i = 1; i < a.length; i++) {
      var c = a[i], k = cls(c);
      if (k === 0) continue;
      for (var j = i; j > 0 && cls(a[j - 1]) > k; j--) a[j] = a[j - 1];
      a[j] = c;
    }
  }
  function pair(a, b) {
    if (a >= LB && a < LB + 19 && b >= VB && b < VB + VC) return SB + ((a - LB) * VC + (b - VB)) * TC;
    if (a >= SB && a < SB + SC && (a - SB) % TC === 0 && b > TB && b < TB + TC) return a + (b - TB);
    var k = a * 0x110000 + b, i = find(CK, k);
    return i >= 0 && CK[i] === k ? CV[i] : -1;
  }
  function compose(a) {
    if (a.length === 0) return a;
    var out = [a[0]], st = cls(a[0]) === 0 ? 0 : -1, last = -1;  // last: class since the starter
    for (var i = 1; i < a.length; i++) {
      var c = a[i], k = cls(c), r;
      if (st >= 0 && (last === -1 || (last !== 0 && last < k)) && (r = pair(out[st], c)) >= 0) {
        out[st] = r;
        continue;
      }
      if (k === 0) { st = out.length; last = -1; } else last = k;
      out.push(c);
    }
    return out;
  }
  function normalize() {
    var form = arguments[0];
    if (this === null || this === void 0) throw new TypeError('String.prototype.normalize called on null or undefined');
    var s = String(this);
    var f = form === void 0 ? 'NFC' : String(form);
    if (f !== 'NFC' && f !== 'NFD' && f !== 'NFKC' && f !== 'NFKD') {
      throw new RangeError('The normalization form should be one of NFC, NFD, NFKC, NFKD.');
    }
    // Text no form changes: below U+00A0 (and for NFC below U+0300).
    if (f === 'NFC' ? !/[^\x00-\u02ff]/.test(s) : !/[^\x00-\x9f]/.test(s)) return s;
    var compat = f.charAt(2) === 'K', cps = [], i, c;
    for (i = 0; i < s.length; i++) {
      c = s.charCodeAt(i);
      if (c >= 0xD800 && c <= 0xDBFF && i + 1 < s.length) {
        var d = s.charCodeAt(i + 1);
        if (d >= 0xDC00 && d <= 0xDFFF) { c = 0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00); i++; }
      }
      decompose(c, compat, cps);
    }
    order(cps);
    if (f === 'NFC' || f === 'NFKC') cps = compose(cps);
    var out = [];
    for (i = 0; i < cps.length; i++) {
      c = cps[i];
      if (c >= 0x10000) { c -= 0x10000; out.push(0xD800 + (c >> 10), 0xDC00 + (c & 1023)); } else out.push(c);
    }
    var r = '';
    for (i = 0; i < out.length; i += 4096) r += String.fromCharCode.apply(null, out.slice(i, i + 4096));
    return r;
  }
  Object.defineProperty(String.prototype, 'normalize', { value: normalize, writable: true, configurable: true });
}());
