// 40-regexp.js - the regular expressions of ES2018+ on Duktape's ES5
// engine: named groups ((?<name>...), .groups, \k<name>, $<name> in
// replace), the s (dotAll), y (sticky) and u (unicode) flags, the flags
// accessor, String.prototype.matchAll.
//
// RegExp is wrapped: a pattern that Duktape compiles as it is becomes a
// plain Duktape RegExp (nothing changes for it); any other is translated
// to an equivalent ES5 pattern - a named group becomes a numbered one
// (the names kept aside), \k<name> its number, `.` under s [\s\S], an
// astral character under u its surrogate pair as one atom (and classes
// with astral members alternations) - and the resulting Duktape RegExp
// carries the original source and flags in a hidden property, read by
// exec, test, the accessors, replace, match and search.  Sticky is
// Duktape's global search required to match at lastIndex.  Lookbehind
// assertions that begin the pattern ((?<=X)..., (?<!X)..., as most uses
// are) are checked apart: exec searches for the rest, and a match at i
// stands when X matches some text ending at i (Duktape's search of the
// text before i for X anchored at its end), else the search goes on from
// i + 1.  Lookbehind elsewhere or with capturing groups inside,
// \p{...}, the d flag and negated classes with astral members under u
// are a SyntaxError that names them.  Regular-expression literals that
// Duktape cannot compile are the front end's: it emits new RegExp(...).

var NativeRegExp = RegExp, NRP = NativeRegExp.prototype;
var nexec = NRP.exec, ntest = NRP.test;
var nreplace = SP.replace, nmatch = SP.match, nsearch = SP.search, nsplit = SP.split;
var ReSt = hiddenSym('RegExpInfo');
function nativeGetter(k) { return Object.getOwnPropertyDescriptor(NRP, k).get; }
var nGlobal = nativeGetter('global'), nIgnoreCase = nativeGetter('ignoreCase'),
  nMultiline = nativeGetter('multiline'), nSource = nativeGetter('source');
function reInfo(re) { return isObj(re) && Object.prototype.hasOwnProperty.call(re, ReSt) ? re[ReSt] : void 0; }
function isRegExp(v) { return isObj(v) && Object.prototype.toString.call(v) === '[object RegExp]'; }

function reError(src, fl, why) {
  return new SyntaxError('Invalid regular expression: /' + src + '/' + fl + ': ' + why);
}
function hex4(c) { return '\\u' + ('000' + c.toString(16).toUpperCase()).slice(-4); }
// A code point as pattern text: astral ones as their surrogate pair,
// grouped so that a quantifier applies to both halves.
function cpAtom(cp) {
  if (cp < 0x10000) return hex4(cp);
  cp -= 0x10000;
  return '(?:' + hex4(0xD800 + (cp >> 10)) + hex4(0xDC00 + (cp & 0x3FF)) + ')';
}
// The astral code points lo..hi (both >= 0x10000) as alternatives.
function astralRange(lo, hi) {
  function hs(c) { return 0xD800 + ((c - 0x10000) >> 10); }
  function ls(c) { return 0xDC00 + ((c - 0x10000) & 0x3FF); }
  var h1 = hs(lo), h2 = hs(hi), l1 = ls(lo), l2 = ls(hi);
  if (h1 === h2) return hex4(h1) + '[' + hex4(l1) + '-' + hex4(l2) + ']';
  var parts = [hex4(h1) + '[' + hex4(l1) + '-\\uDFFF]'];
  if (h2 - h1 > 1) parts.push('[' + hex4(h1 + 1) + '-' + hex4(h2 - 1) + '][\\uDC00-\\uDFFF]');
  parts.push(hex4(h2) + '[\\uDC00-' + hex4(l2) + ']');
  return parts.join('|');
}
var ASTRAL = '[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]';

// The leading lookbehind assertions of src: {list: [{neg, body}], rest},
// or null when src does not begin with one.
function reBehind(src, fl) {
  var list = [], p = 0;
  while (src.slice(p, p + 3) === '(?<' && (src.charAt(p + 3) === '=' || src.charAt(p + 3) === '!')) {
    var depth = 0, k = p, inCls = false, c;
    for (; k < src.length; k++) {
      c = src.charAt(k);
      if (c === '\\') { k++; continue; }
      if (inCls) { if (c === ']') inCls = false; continue; }
      if (c === '[') inCls = true;
      else if (c === '(') {
        if (k > p && (src.charAt(k + 1) !== '?' ||
            (src.charAt(k + 2) === '<' && src.charAt(k + 3) !== '=' && src.charAt(k + 3) !== '!')))
          throw reError(src, fl, 'capturing groups inside a lookbehind assertion are not supported by jsexec');
        depth++;
      } else if (c === ')' && --depth === 0) break;
    }
    if (k >= src.length) throw reError(src, fl, 'Unterminated group');
    list.push({ neg: src.charAt(p + 3) === '!', body: src.slice(p + 4, k) });
    p = k + 1;
  }
  return list.length ? { list: list, rest: src.slice(p) } : null;
}
// Whether each of the lookbehinds holds at i of s.
function behindHolds(list, s, i) {
  for (var k = 0; k < list.length; k++) {
    var b = list[k];
    b.re.lastIndex = 0;
    if (ntest.call(b.re, s.slice(0, i)) === b.neg) return false;
  }
  return true;
}

// translate(src, flags): the ES5 pattern and the group names, or null when
// Duktape takes src as it is.
function reTranslate(src, fl) {
  var uni = fl.indexOf('u') >= 0, dotAll = fl.indexOf('s') >= 0;
  if (!uni && !dotAll && src.indexOf('(?<') < 0 && src.indexOf('\\k<') < 0) return null;
  var names = [], byName = Object.create(null), hasNames = false, i, c, inClass = false;
  // Pass 1: the capturing groups, in order, and their names.
  for (i = 0; i < src.length; i++) {
    c = src.charAt(i);
    if (c === '\\') { i++; continue; }
    if (inClass) { if (c === ']') inClass = false; continue; }
    if (c === '[') { inClass = true; continue; }
    if (c !== '(') continue;
    if (src.charAt(i + 1) !== '?') { names.push(null); continue; }
    if (src.charAt(i + 2) !== '<') continue;
    c = src.charAt(i + 3);
    if (c === '=' || c === '!')
      throw reError(src, fl, 'lookbehind assertions ((?<=...) and (?<!...)) are supported by jsexec only at the start of a pattern');
    var end = src.indexOf('>', i + 3), nm = end < 0 ? '' : src.slice(i + 3, end);
    if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(nm)) throw reError(src, fl, 'Invalid capture group name');
    if (byName[nm] !== void 0) throw reError(src, fl, 'Duplicate capture group name');
    names.push(nm);
    byName[nm] = names.length;
    hasNames = true;
  }
  // Pass 2: the ES5 text.
  var out = '';
  // readEsc(j): at src[j] === '\\': {cp, len} for an escape that is one
  // code point (\u{...}, \uXXXX, a pair of them under u), else null.
  function readEsc(j) {
    var m;
    if (uni && (m = /^\\u\{([0-9A-Fa-f]+)\}/.exec(src.slice(j, j + 12)))) {
      var v = parseInt(m[1], 16);
      if (v > 0x10FFFF) throw reError(src, fl, 'Invalid Unicode escape');
      return { cp: v, len: m[0].length };
    }
    if ((m = /^\\u([0-9A-Fa-f]{4})/.exec(src.slice(j, j + 6)))) {
      var h = parseInt(m[1], 16), m2;
      if (uni && h >= 0xD800 && h <= 0xDBFF && (m2 = /^\\u(D[C-Fc-f][0-9A-Fa-f]{2})/.exec(src.slice(j + 6, j + 12))))
        return { cp: 0x10000 + ((h - 0xD800) << 10) + (parseInt(m2[1], 16) - 0xDC00), len: 12 };
      return { cp: h, len: 6 };
    }
    return null;
  }
  // A literal character at j (a surrogate pair under u is one).
  function readChar(j) {
    var h = src.charCodeAt(j);
    if (uni && h >= 0xD800 && h <= 0xDBFF && j + 1 < src.length) {
      var l = src.charCodeAt(j + 1);
      if (l >= 0xDC00 && l <= 0xDFFF) return { cp: 0x10000 + ((h - 0xD800) << 10) + (l - 0xDC00), len: 2 };
    }
    return { cp: h, len: 1 };
  }
  function noProp(j) {
    if (uni && (src.charAt(j + 1) === 'p' || src.charAt(j + 1) === 'P') && src.charAt(j + 2) === '{')
      throw reError(src, fl, 'Unicode property escapes (\\p{...}) are not supported by jsexec');
  }
  // A class [...] starting at j: its ES5 text; returns the index after it.
  function readClass(j) {
    var k = j + 1, neg = false, bmp = '', astral = [], prev = null, text;
    if (src.charAt(k) === '^') { neg = true; k++; }
    while (k < src.length && src.charAt(k) !== ']') {
      var atom = null, raw;
      if (src.charAt(k) === '\\') {
        noProp(k);
        atom = readEsc(k);
        if (atom) raw = atom.cp < 0x10000 ? hex4(atom.cp) : null;
        else { raw = src.substr(k, 2); atom = { cp: -1, len: 2 }; }
      } else {
        atom = readChar(k);
        raw = atom.cp < 0x10000 ? src.substr(k, atom.len) : null;
      }
      k += atom.len;
      // a range?
      if (atom.cp >= 0 && src.charAt(k) === '-' && k + 1 < src.length && src.charAt(k + 1) !== ']') {
        var k2 = k + 1, to;
        if (src.charAt(k2) === '\\') { noProp(k2); to = readEsc(k2); if (!to) { to = { cp: -1, len: 2 }; } }
        else to = readChar(k2);
        if (to.cp >= 0) {
          var lo = atom.cp, hi = to.cp;
          if (lo > hi) throw reError(src, fl, 'Range out of order in character class');
          if (lo < 0x10000) bmp += hex4(lo) + '-' + hex4(Math.min(hi, 0xFFFF));
          if (hi >= 0x10000) astral.push(astralRange(Math.max(lo, 0x10000), hi));
          k = k2 + to.len;
          continue;
        }
      }
      if (raw !== null) bmp += raw; else astral.push(astralRange(atom.cp, atom.cp));
      prev = atom;
    }
    if (k >= src.length) throw reError(src, fl, 'Unterminated character class');
    if (!astral.length) {
      text = '[' + (neg ? '^' : '') + bmp + ']';
      // under u, a negated class matches a whole astral character
      if (neg && uni) text = '(?:' + ASTRAL + '|' + text + ')';
    } else {
      if (neg) throw reError(src, fl, 'negated character classes with characters beyond U+FFFF are not supported by jsexec');
      text = '(?:' + (bmp ? '[' + bmp + ']|' : '') + astral.join('|') + ')';
    }
    out += text;
    return k + 1;
  }
  i = 0;
  while (i < src.length) {
    c = src.charAt(i);
    if (c === '[') { i = uni ? readClass(i) : copyClass(i); continue; }
    if (c === '\\') {
      noProp(i);
      if (src.charAt(i + 1) === 'k' && src.charAt(i + 2) === '<' && hasNames) {
        var e2 = src.indexOf('>', i + 3), ref = e2 < 0 ? '' : src.slice(i + 3, e2);
        if (byName[ref] === void 0) throw reError(src, fl, 'Invalid named capture referenced');
        out += '(?:\\' + byName[ref] + ')';
        i = e2 + 1;
        continue;
      }
      var esc = uni ? readEsc(i) : null;
      if (esc) { out += cpAtom(esc.cp); i += esc.len; continue; }
      out += src.substr(i, 2);
      i += 2;
      continue;
    }
    if (c === '(' && src.charAt(i + 1) === '?' && src.charAt(i + 2) === '<') {
      out += '(';
      i = src.indexOf('>', i) + 1;
      continue;
    }
    if (c === '.') {
      out += dotAll ? (uni ? '(?:' + ASTRAL + '|[\\s\\S])' : '[\\s\\S]')
        : uni ? '(?:' + ASTRAL + '|[^\\n\\r\\u2028\\u2029])' : '.';
      i++;
      continue;
    }
    var ch = uni ? readChar(i) : { cp: 0, len: 1 };
    out += ch.cp >= 0x10000 ? cpAtom(ch.cp) : src.substr(i, ch.len);
    i += ch.len;
  }
  // Without u, a class is copied as it is.
  function copyClass(j) {
    var k = j + 1;
    if (src.charAt(k) === '^') k++;
    if (src.charAt(k) === ']') k++;
    while (k < src.length && src.charAt(k) !== ']') k += src.charAt(k) === '\\' ? 2 : 1;
    out += src.slice(j, k + 1);
    return k + 1;
  }
  return { src: out, names: hasNames ? names : null };
}

function makeRegExp(src, fl) {
  if (/[^dgimsuy]/.test(fl) || /(.).*\1/.test(fl))
    throw new SyntaxError("Invalid flags supplied to RegExp constructor '" + fl + "'");
  if (fl.indexOf('d') >= 0)
    throw reError(src, fl, 'the d flag (match indices) is not supported by jsexec');
  var sticky = fl.indexOf('y') >= 0, bh = reBehind(src, fl), rest = bh ? bh.rest || '(?:)' : src;
  var t = reTranslate(rest, fl);
  if (!t && !sticky && !bh) return new NativeRegExp(src, fl);
  var nf = fl.replace(/[suy]/g, '') + ((sticky || bh) && fl.indexOf('g') < 0 ? 'g' : ''), re;
  try {
    re = new NativeRegExp(t ? t.src : rest, nf);
    if (bh) for (var k = 0; k < bh.list.length; k++) {
      var b = bh.list[k], bt = reTranslate(b.body || '(?:)', fl);
      // anchored at the true end of the text before i, whatever m says
      b.re = new NativeRegExp('(?:' + (bt ? bt.src : b.body) + ')(?![\\s\\S])', nf.replace('g', ''));
    }
  } catch (e) { throw reError(src, fl, e.message); }
  re[ReSt] = {
    source: src, nsrc: t ? t.src : rest, nflags: nf, names: t ? t.names : null, global: fl.indexOf('g') >= 0, sticky: sticky,
    unicode: fl.indexOf('u') >= 0, dotAll: fl.indexOf('s') >= 0, behind: bh ? bh.list : null };
  return re;
}
var RegExpW = function RegExp(pattern, flags) {
  var re = isRegExp(pattern), src, fl;
  if (!(this instanceof RegExpW) && re && flags === void 0 && pattern.constructor === RegExpW) return pattern;
  if (re) { src = pattern.source; fl = flags === void 0 ? pattern.flags : String(flags); }
  else { src = pattern === void 0 ? '' : String(pattern); fl = flags === void 0 ? '' : String(flags); }
  if (src === '') src = '(?:)';
  return makeRegExp(src, fl);
};
RegExpW.prototype = NRP;
def(NRP, 'constructor', RegExpW);
def(G, 'RegExp', RegExpW);
RegExp = RegExpW; // the prelude's own uses (30-builtins.js's instanceof)

// ---- accessors ----------------------------------------------------------------
function flagGetter(k, native) {
  getter(NRP, k, function () {
    var info = reInfo(this);
    if (info) return info[k];
    if (native) return native.call(this);
    if (this === NRP) return void 0;
    if (!isRegExp(this)) throw new TypeError('RegExp.prototype.' + k + ' getter called on non-RegExp ' + show(this));
    return false;
  });
}
flagGetter('global', nGlobal);
flagGetter('dotAll', null);
flagGetter('sticky', null);
flagGetter('unicode', null);
flagGetter('hasIndices', null);
getter(NRP, 'source', function () {
  var info = reInfo(this);
  return info ? info.source : nSource.call(this);
});
getter(NRP, 'flags', function () {
  if (!isObj(this)) throw new TypeError('RegExp.prototype.flags getter called on non-object ' + show(this));
  return (this.hasIndices ? 'd' : '') + (this.global ? 'g' : '') + (this.ignoreCase ? 'i' : '') +
    (this.multiline ? 'm' : '') + (this.dotAll ? 's' : '') + (this.unicode ? 'u' : '') + (this.sticky ? 'y' : '');
});
def(NRP, 'toString', function toString() { return '/' + this.source + '/' + this.flags; });

// ---- exec, test ---------------------------------------------------------------
def(NRP, 'exec', function exec(string) {
  var info = reInfo(this);
  if (!info) return nexec.call(this, string);
  var s = String(string), start = 0;
  if (info.sticky) {
    start = toLen(this.lastIndex);
    this.lastIndex = start;
  } else if (!info.global) this.lastIndex = 0;
  var m = nexec.call(this, s);
  while (m && info.behind && !behindHolds(info.behind, s, m.index) && !info.sticky) {
    this.lastIndex = advanceIdx(s, m.index, info.unicode);
    m = nexec.call(this, s);
  }
  if (m && info.behind && info.sticky && !behindHolds(info.behind, s, m.index)) m = null;
  if (m && info.sticky && m.index !== start) m = null;
  if (!m && (info.sticky || info.behind)) { this.lastIndex = 0; return null; }
  if (m && !info.global && !info.sticky) this.lastIndex = 0;
  if (m) {
    var groups;
    if (info.names) {
      groups = Object.create(null);
      for (var i = 0; i < info.names.length; i++) if (info.names[i] !== null) groups[info.names[i]] = m[i + 1];
    }
    m.groups = groups;
  }
  return m;
});
def(NRP, 'test', function test(string) {
  return reInfo(this) ? this.exec(string) !== null : ntest.call(this, string);
});

// The index after an empty match at i (a whole surrogate pair under u).
function advanceIdx(s, i, uni) {
  if (!uni || i + 1 >= s.length) return i + 1;
  var c = s.charCodeAt(i), d = s.charCodeAt(i + 1);
  return c >= 0xD800 && c <= 0xDBFF && d >= 0xDC00 && d <= 0xDFFF ? i + 2 : i + 1;
}
// All matches of a global re (or the one of a non-global one) via exec.
function execAll(re, s, info) {
  var list = [], m;
  if (!info.global) { m = re.exec(s); return m ? [m] : list; }
  re.lastIndex = 0;
  while ((m = re.exec(s)) !== null) {
    list.push(m);
    if (m[0] === '') re.lastIndex = advanceIdx(s, toLen(re.lastIndex), info.unicode);
  }
  return list;
}

// ---- String methods: replace, match, search for the translated regexps --------
def(SP, 'replace', function replace(pattern, replacement) {
  var info = reInfo(pattern);
  if (!info) return nreplace.call(this, pattern, replacement);
  var s = thisStr(this, 'replace'), fn = typeof replacement === 'function', rs = fn ? null : String(replacement);
  var ms = execAll(pattern, s, info), out = '', next = 0;
  for (var i = 0; i < ms.length; i++) {
    var m = ms[i], pos = m.index, r;
    if (fn) {
      var args = AP.slice.call(m);
      args.push(pos, s);
      if (m.groups !== void 0) args.push(m.groups);
      r = String(replacement.apply(void 0, args));
    } else r = expandReplacement(rs, m, pos, s, m.groups);
    if (pos >= next) { out += s.slice(next, pos) + r; next = pos + m[0].length; }
  }
  return out + s.slice(next);
});
def(SP, 'match', function match(regexp) {
  var info = reInfo(regexp);
  if (!info) return nmatch.call(this, regexp);
  var s = thisStr(this, 'match');
  if (!info.global) return regexp.exec(s);
  var ms = execAll(regexp, s, info);
  return ms.length ? ms.map(function (m) { return m[0]; }) : null;
});
def(SP, 'search', function search(regexp) {
  var info = reInfo(regexp);
  if (!info || !info.sticky) return nsearch.call(this, regexp);
  var s = thisStr(this, 'search'), prev = regexp.lastIndex;
  regexp.lastIndex = 0;
  var m = regexp.exec(s);
  regexp.lastIndex = prev;
  return m ? m.index : -1;
});
// split: Duktape's own, given a plain copy of the translated pattern (it
// rebuilds its splitter from .source, which is the original).
def(SP, 'split', function split(separator, limit) {
  var info = reInfo(separator);
  if (!info) return nsplit.call(this, separator, limit);
  if (info.behind) return splitBehind(thisStr(this, 'split'), separator, info, limit);
  if (!info.plain) info.plain = new NativeRegExp(info.nsrc, info.nflags.replace('g', ''));
  return nsplit.call(this, info.plain, limit);
});
// split by a regexp with lookbehind, as the spec's @@split goes: at each
// position q the next match at or after q, an empty one where the last
// piece ended skipped.
function splitBehind(s, sep, info, limit) {
  var lim = limit === undefined ? 0xFFFFFFFF : limit >>> 0, out = [];
  if (lim === 0) return out;
  var re = new RegExpW(sep, info.global ? sep.flags : sep.flags + 'g'), p = 0, q = 0, m;
  if (s.length === 0) return re.exec(s) ? out : [s];
  while (q < s.length) {
    re.lastIndex = q;
    if ((m = re.exec(s)) === null || m.index >= s.length) break;
    var e = Math.min(m.index + m[0].length, s.length);
    if (e === p) { q = advanceIdx(s, m.index, info.unicode); continue; }
    out.push(s.slice(p, m.index));
    if (out.length === lim) return out;
    for (var k = 1; k < m.length; k++) {
      out.push(m[k]);
      if (out.length === lim) return out;
    }
    p = q = e;
  }
  out.push(s.slice(p));
  return out;
}
var MatchAllSt = hiddenSym('RegExpStringIterator');
var MatchAllProto = iterClass('RegExp String Iterator', function next() {
  var st = this && this[MatchAllSt];
  if (!st) throw new TypeError('next method called on an incompatible receiver');
  if (st.done) return result(void 0, true);
  var m = st.re.exec(st.s);
  if (m === null) { st.done = true; return result(void 0, true); }
  if (m[0] === '') st.re.lastIndex = advanceIdx(st.s, toLen(st.re.lastIndex), st.re.unicode);
  return result(m, false);
});
def(SP, 'matchAll', function matchAll(regexp) {
  var s = thisStr(this, 'matchAll'), re;
  if (isRegExp(regexp)) {
    var fl = regexp.flags;
    if (fl.indexOf('g') < 0) throw new TypeError('String.prototype.matchAll called with a non-global RegExp argument');
    re = new RegExpW(regexp, fl);
    re.lastIndex = toLen(regexp.lastIndex);
  } else re = new RegExpW(regexp === void 0 ? '' : String(regexp), 'g');
  var it = Object.create(MatchAllProto);
  it[MatchAllSt] = { re: re, s: s, done: false };
  return it;
});
