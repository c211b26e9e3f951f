// 50-node.js - Node's util.inspect and util.format, and console on them.
//
// inspect(v, opts) lays values out the way Node's util.inspect does by
// default (depth 2, breakLength 80, compact 3, arrays of more than six
// items grouped into columns, at most 100 items): the jsexec output of
// console.log is then what node prints.  Map, Set, Promise and the other
// runtime types come from later prelude files, so they are recognised
// when a value is shown (G.Map at that time), never when this file runs.
var inspect = (function () {
  var hasOwn = Object.prototype.hasOwnProperty;
  var objStr = Object.prototype.toString;
  var fnStr = Function.prototype.toString;
  var KEY = /^[a-zA-Z_][a-zA-Z_0-9]*$/;
  var INDEX = /^(0|[1-9][0-9]*)$/;
  var PLAIN = /['\\\x00-\x1f\x7f\ud800-\udfff]/; // what quote() must look at
  var CUSTOM = Symbol.for('nodejs.util.inspect.custom'), TAG = Symbol.toStringTag;
  // What the front end marks its lowered functions with: a class (true),
  // and the kind of an async function or generator ('AsyncFunction',
  // 'GeneratorFunction', 'AsyncGeneratorFunction').
  var CLASS = Symbol.for('jsexec.class'), KIND = Symbol.for('jsexec.kind');
  var DEFAULTS = { depth: 2, breakLength: 80, compact: 3, showHidden: false,
    maxArrayLength: 100, sorted: false, customInspect: true };

  var SP = '                                                                                ';
  function spaces(n) { return n <= 0 ? '' : n <= 80 ? SP.slice(0, n) : new Array(n + 1).join(' '); }
  function padStart(s, n) { return spaces(n - s.length) + s; }
  function padEnd(s, n) { return s + spaces(n - s.length); }
  function hex2(c) { return (c < 16 ? '0' : '') + c.toString(16).toUpperCase(); }

  // A string in quotes: ' unless the text has one (then ", then `).
  function quote(s) {
    if (!PLAIN.test(s)) return "'" + s + "'";
    var q = "'";
    if (s.indexOf("'") >= 0) {
      if (s.indexOf('"') < 0) q = '"';
      else if (s.indexOf('`') < 0 && s.indexOf('${') < 0) q = '`';
    }
    var r = '';
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i), ch = s.charAt(i);
      if (ch === q || ch === '\\') r += '\\' + ch;
      else if (c < 32 || c === 127) {
        r += c === 8 ? '\\b' : c === 9 ? '\\t' : c === 10 ? '\\n' : c === 12 ? '\\f' :
          c === 13 ? '\\r' : '\\x' + hex2(c);
      } else if (c >= 0xd800 && c <= 0xdfff) {
        var d = s.charCodeAt(i + 1);
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) { r += ch + s.charAt(i + 1); i++; }
        else r += '\\u' + c.toString(16);
      } else r += ch;
    }
    return q + r + q;
  }
  function num(n) { return n === 0 && 1 / n < 0 ? '-0' : String(n); }

  // What Node calls the constructor name: the first "constructor" up the
  // prototype chain of which v is an instance; null for no prototype.
  function ctorName(v) {
    var o = v;
    while (o !== null && o !== void 0) {
      var d = Object.getOwnPropertyDescriptor(o, 'constructor');
      if (d && typeof d.value === 'function' && d.value.name !== '') {
        try { if (v instanceof d.value) return d.value.name; } catch (e) {}
      }
      o = Object.getPrototypeOf(o);
    }
    return null;
  }
  function tagOf(v) {
    var t;
    try { t = v[TAG]; } catch (e) { return ''; }
    if (typeof t !== 'string' || t === '') return '';
    var d = Object.getOwnPropertyDescriptor(v, Symbol.toStringTag);
    return d && d.enumerable ? '' : t;
  }
  // "Name [Tag] " before the braces (fallback for a null prototype).
  function prefix(ctor, tag, fallback, size) {
    size = size || '';
    if (ctor === null) {
      return tag !== '' && tag !== fallback ? '[' + fallback + size + ': null prototype] [' + tag + '] '
        : '[' + fallback + size + ': null prototype] ';
    }
    return tag !== '' && tag !== ctor ? ctor + size + ' [' + tag + '] ' : ctor + size + ' ';
  }
  function isClass(f) {
    if (f[CLASS]) return true;
    try { return /^class\b/.test(fnStr.call(f)); } catch (e) { return false; }
  }
  function fnBase(f, ctor, tag) {
    var b;
    if (isClass(f)) {
      b = '[class ' + (f.name || '(anonymous)');
      var sup = Object.getPrototypeOf(f);
      if (sup && sup !== Function.prototype && sup.name) b += ' extends ' + sup.name;
      return b + ']';
    }
    var type = typeof f[KIND] === 'string' ? f[KIND] : 'Function';
    b = '[' + type + (ctor === null ? ' (null prototype)' : '');
    b += f.name ? ': ' + f.name : ' (anonymous)';
    b += ']';
    if (ctor !== type && ctor !== null && ctor !== 'Function') b += ' ' + ctor;
    if (tag !== '' && ctor !== tag) b += ' [' + tag + ']';
    return b;
  }
  function errBase(e, keys, ctx) {
    var st;
    try { st = e.stack; } catch (x) {}
    st = typeof st === 'string' && st !== '' ? clean(st) : String(Error.prototype.toString.call(e));
    // Keys the stack shows already are left out, as Node does.
    ['name', 'message', 'stack'].forEach(function (k) {
      var i = keys.indexOf(k);
      if (i >= 0 && typeof e[k] === 'string' && st.indexOf(e[k]) >= 0) keys.splice(i, 1);
    });
    if (st.indexOf('\n    at') < 0) st = '[' + st + ']';
    if (ctx.lvl) st = st.split('\n').join('\n' + spaces(ctx.lvl));
    return st;
  }
  function isErr(v) {
    return v instanceof Error || objStr.call(v) === '[object Error]';
  }
  function brand(v, name) {
    var C = G[name];
    if (typeof C !== 'function') return false;
    try { return v instanceof C; } catch (e) { return false; }
  }
  function ownKeys(v, ctx) {
    var keys = ctx.showHidden ? Object.getOwnPropertyNames(v) : Object.keys(v);
    var syms = Object.getOwnPropertySymbols(v);
    for (var i = 0; i < syms.length; i++) {
      if (ctx.showHidden || Object.prototype.propertyIsEnumerable.call(v, syms[i])) keys.push(syms[i]);
    }
    return keys;
  }

  // One value at depth rt (0 = top).
  function value(ctx, v, rt) {
    var t = typeof v;
    if (t === 'number') return v === 0 && 1 / v < 0 ? '-0' : '' + v;
    if (t === 'string') {
      if (v.length <= 16) return PLAIN.test(v) ? quote(v) : "'" + v + "'";
      if (v.length > 16 && v.length > ctx.breakLength - ctx.lvl - 4 && v.indexOf('\n') >= 0 &&
          v.indexOf('\n') < v.length - 1) {
        var parts = v.split('\n'), out = [];
        for (var i = 0; i < parts.length; i++) {
          var p = parts[i] + (i < parts.length - 1 ? '\n' : '');
          if (p !== '') out.push(quote(p));
        }
        return out.join(' +\n' + spaces(ctx.lvl + 2));
      }
      return quote(v);
    }
    if (t === 'boolean') return v ? 'true' : 'false';
    if (v === null) return 'null';
    if (t === 'undefined') return 'undefined';
    if (t === 'symbol') return String(v);
    if (t === 'bigint') return String(v) + 'n';
    if (ctx.customInspect && CUSTOM in v) {
      var cu = v[CUSTOM];
      if (typeof cu === 'function' && cu !== inspect) {
        var opts = {}, k;
        for (k in DEFAULTS) opts[k] = ctx[k];
        opts.depth = ctx.depth === null ? null : ctx.depth - rt;
        var r = cu.call(v, opts.depth, opts, inspect);
        if (r !== v) return typeof r === 'string' ? r.split('\n').join('\n' + spaces(ctx.lvl)) : value(ctx, r, rt);
      }
    }
    if (ctx.seen.indexOf(v) >= 0) {
      var idx = ctx.circ.indexOf(v);
      if (idx < 0) { ctx.circ.push(v); idx = ctx.circ.length - 1; }
      return '[Circular *' + (idx + 1) + ']';
    }
    return raw(ctx, v, rt);
  }

  function raw(ctx, v, rt) {
    var s = objStr.call(v), proto = Object.getPrototypeOf(v), keys, braces, ctor, tag;
    var base = '', fmt = null, arrayLike = false, i, size;
    // Plain objects and arrays (most of what is shown) skip the searches.
    var plain = proto === Object.prototype && s === '[object Object]';
    if (plain) {
      ctor = 'Object';
      tag = v[TAG] === void 0 ? '' : tagOf(v);
    } else if (proto === Array.prototype) {
      ctor = 'Array';
      tag = '';
    } else {
      ctor = ctorName(v);
      tag = tagOf(v);
    }
    if (tag === ctor) tag = '';
    ctx.dense = false;
    if (plain) {
      keys = ctx.showHidden || Object.getOwnPropertySymbols(v).length ? ownKeys(v, ctx) : Object.keys(v);
      braces = [tag !== '' ? prefix(ctor, tag, 'Object') + '{' : '{', '}'];
      if (keys.length === 0) return braces[0] + '}';
    } else if (Array.isArray(v)) {
      keys = ownKeys(v, ctx);
      // Object.keys lists the indices first: exactly 0..length-1 is dense.
      if (keys.length === v.length && !ctx.showHidden &&
          (v.length === 0 || keys[v.length - 1] === '' + (v.length - 1))) {
        keys = [];
        ctx.dense = true;
      } else {
        keys = keys.filter(function (k) { return typeof k !== 'string' || !INDEX.test(k); });
      }
      if (ctx.showHidden) keys = keys.filter(function (k) { return k !== 'length'; }).concat(['length']);
      braces = [(ctor !== 'Array' || tag !== '' ? prefix(ctor, tag, 'Array', '(' + v.length + ')') : '') + '[', ']'];
      if (v.length === 0 && keys.length === 0) return braces[0] + ']';
      arrayLike = true;
      fmt = fmtArray;
    } else if (brand(v, 'Set')) {
      size = v.size;
      keys = ownKeys(v, ctx);
      braces = [prefix(ctor, tag, 'Set', '(' + size + ')') + '{', '}'];
      if (size === 0 && keys.length === 0) return braces[0] + '}';
      fmt = fmtSet;
    } else if (brand(v, 'Map')) {
      size = v.size;
      keys = ownKeys(v, ctx);
      braces = [prefix(ctor, tag, 'Map', '(' + size + ')') + '{', '}'];
      if (size === 0 && keys.length === 0) return braces[0] + '}';
      fmt = fmtMap;
    } else if (typeof Buffer === 'function' && v instanceof Buffer) {
      var hx = [], n = Math.min(v.length, 50);
      for (i = 0; i < n; i++) hx.push((v[i] < 16 ? '0' : '') + v[i].toString(16));
      return '<Buffer' + (hx.length ? ' ' + hx.join(' ') : '') +
        (v.length > 50 ? ' ... ' + (v.length - 50) + ' more byte' + (v.length - 50 > 1 ? 's' : '') : '') + '>';
    } else if (/^\[object (Uint8|Uint8Clamped|Int8|Uint16|Int16|Uint32|Int32|Float32|Float64)Array\]$/.test(s)) {
      keys = ownKeys(v, ctx).filter(function (k) { return typeof k !== 'string' || !INDEX.test(k); });
      var tn = s.slice(8, -1);
      braces = [prefix(ctor, tag === tn ? '' : tag, tn, '(' + v.length + ')') + '[', ']'];
      if (v.length === 0 && keys.length === 0) return braces[0] + ']';
      arrayLike = true;
      fmt = fmtArray;
    } else {
      keys = ownKeys(v, ctx);
      braces = ['{', '}'];
      if (s === '[object Arguments]') {
        // node v20 shows the indices as keys ({ '0': 1 }), not [ 1 ].
        braces[0] = '[Arguments] {';
        if (keys.length === 0) return '[Arguments] {}';
      } else if (ctor === 'Object' && !isErr(v) && s !== '[object Date]' && s !== '[object RegExp]') {
        if (tag !== '') braces[0] = prefix(ctor, tag, 'Object') + '{';
        if (keys.length === 0) return braces[0] + '}';
      } else if (typeof v === 'function') {
        base = fnBase(v, ctor, tag);
        keys = keys.filter(function (k) { return k !== 'fileName' && k !== CLASS && k !== KIND; });
        if (keys.length === 0) return base;
      } else if (s === '[object RegExp]') {
        base = RegExp.prototype.toString.call(v);
        var pr = prefix(ctor, tag, 'RegExp');
        if (pr !== 'RegExp ') base = pr + base;
        keys = keys.filter(function (k) { return k !== 'lastIndex'; });
        if (keys.length === 0 || rt > ctx.depth) return base;
      } else if (s === '[object Date]') {
        base = isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString();
        var pd = prefix(ctor, tag, 'Date');
        if (pd !== 'Date ') base = pd + base;
        if (keys.length === 0 || rt > ctx.depth) return base;
      } else if (isErr(v)) {
        base = errBase(v, keys, ctx);
        if (keys.length === 0) return base;
      } else if (s === '[object ArrayBuffer]') {
        var u = new Uint8Array(v), by = [];
        for (i = 0; i < Math.min(u.length, 50); i++) by.push((u[i] < 16 ? '0' : '') + u[i].toString(16));
        return prefix(ctor, tag, 'ArrayBuffer') + '{ [Uint8Contents]: <' + by.join(' ') +
          (u.length > 50 ? ' ... ' + (u.length - 50) + ' more bytes' : '') + '>, byteLength: ' + u.length + ' }';
      } else if (brand(v, 'Promise')) {
        // The state is 20-promise.js's hidden PSt (0 pending, 1, 2 rejected).
        braces[0] = prefix(ctor, tag, 'Promise') + '{';
        fmt = fmtPromise;
      } else if (brand(v, 'WeakMap') || brand(v, 'WeakSet')) {
        return prefix(ctor, tag, brand(v, 'WeakMap') ? 'WeakMap' : 'WeakSet') + '{ <items unknown> }';
      } else if (s === '[object Number]' || s === '[object String]' || s === '[object Boolean]' ||
                 s === '[object Symbol]') {
        var prim = v.valueOf(), ty = s.slice(8, -1);
        base = '[' + ty + (ctor !== ty ? ' (' + ctor + ')' : '') + ': ' +
          (ty === 'String' ? quote(prim) : ty === 'Number' ? num(prim) : String(prim)) + ']';
        if (ty === 'String') keys = keys.filter(function (k) { return typeof k !== 'string' || !INDEX.test(k); });
        if (keys.length === 0) return base;
      } else if (v === G) {
        braces[0] = 'Object [global] {';
        if (keys.length === 0) return 'Object [global] {}';
      } else {
        if (keys.length === 0) return prefix(ctor, tag, 'Object') + '{}';
        braces[0] = prefix(ctor, tag, 'Object') + '{';
      }
    }
    if (ctx.depth !== null && rt > ctx.depth) {
      var cn = prefix(ctor, tag, 'Object').slice(0, -1);
      if (arrayLike && ctor === 'Array' && tag === '') cn = 'Array';
      return ctor !== null ? '[' + cn + ']' : cn;
    }
    rt++;
    ctx.seen.push(v);
    ctx.cur = rt;
    var out = fmt ? fmt(ctx, v, rt) : [];
    for (i = 0; i < keys.length; i++) out.push(prop(ctx, v, rt, keys[i], arrayLike));
    ctx.seen.pop();
    var ci = ctx.circ.indexOf(v);
    if (ci >= 0) base = '<ref *' + (ci + 1) + '>' + (base === '' ? '' : ' ' + base);
    if (ctx.sorted) out.sort();
    return reduce(ctx, out, base, braces, arrayLike, rt, v);
  }

  function prop(ctx, v, rt, k, arrayLike) {
    var d = Object.getOwnPropertyDescriptor(v, k) || { value: v[k], enumerable: true }, str, name;
    if (d.value !== void 0) {
      ctx.lvl += 2;
      str = value(ctx, d.value, rt);
      ctx.lvl -= 2;
    } else if (d.get !== void 0) {
      str = d.set !== void 0 ? '[Getter/Setter]' : '[Getter]';
    } else if (d.set !== void 0) {
      str = '[Setter]';
    } else {
      str = 'undefined';
    }
    if (arrayLike === 'item') return str;
    if (typeof k === 'symbol') name = '[' + String(k) + ']';
    else if (k === '__proto__') name = "['__proto__']";
    else if (d.enumerable === false) name = '[' + (KEY.test(k) ? k : quote(k)) + ']';
    else if (KEY.test(k)) name = k;
    else name = quote(k);
    return name + ': ' + str;
  }

  // The items of an array (holes as "<N empty items>"), at most
  // maxArrayLength of them, then "... N more items".
  function fmtArray(ctx, v, rt) {
    var len = v.length, max = Math.min(Math.max(0, ctx.maxArrayLength), len), out = [], i = 0;
    var idx = null;
    if (ctx.dense) {
      ctx.lvl += 2;
      for (; i < max; i++) out.push(value(ctx, v[i], rt));
      ctx.lvl -= 2;
    }
    while (i < len && out.length < max) {
      if (hasOwn.call(v, i)) {
        out.push(prop(ctx, v, rt, i, 'item'));
        i++;
        continue;
      }
      // A hole: find the next index that is there.
      if (idx === null) {
        idx = Object.keys(v).filter(function (k) { return INDEX.test(k); })
          .map(Number).filter(function (n) { return n < len; }).sort(function (a, b) { return a - b; });
      }
      var next = len;
      for (var j = 0; j < idx.length; j++) if (idx[j] > i) { next = idx[j]; break; }
      var holes = next - i;
      out.push('<' + holes + ' empty item' + (holes > 1 ? 's' : '') + '>');
      i = next;
    }
    var rest = len - i;
    if (rest > 0) out.push('... ' + rest + ' more item' + (rest > 1 ? 's' : ''));
    return out;
  }
  function fmtPromise(ctx, v, rt) {
    var st = typeof PSt !== 'undefined' ? v[PSt] : void 0;
    if (!st || st.state === 0) return ['<pending>'];
    ctx.lvl += 2;
    var r = value(ctx, st.value, rt);
    ctx.lvl -= 2;
    return [st.state === 2 ? '<rejected> ' + r : r];
  }
  function fmtSet(ctx, v, rt) {
    var out = [];
    ctx.lvl += 2;
    G.Set.prototype.forEach.call(v, function (x) { out.push(value(ctx, x, rt)); });
    ctx.lvl -= 2;
    return out;
  }
  function fmtMap(ctx, v, rt) {
    var out = [];
    ctx.lvl += 2;
    G.Map.prototype.forEach.call(v, function (x, k) {
      out.push(value(ctx, k, rt) + ' => ' + value(ctx, x, rt));
    });
    ctx.lvl -= 2;
    return out;
  }

  // Arrays of more than six short items: as many columns as make the
  // block roughly square (characters taken as 2.5 times as high as wide),
  // numbers right-aligned, anything else left-aligned.
  function group(ctx, out, v) {
    var n = out.length, total = 0, maxLen = 0, lens = [], i, j;
    if (ctx.maxArrayLength < out.length) n--; // the "... more items" entry
    for (i = 0; i < n; i++) {
      lens[i] = out[i].length;
      total += lens[i] + 2;
      if (lens[i] > maxLen) maxLen = lens[i];
    }
    var colW = maxLen + 2;
    if (!(colW * 3 + ctx.lvl < ctx.breakLength && (total / colW > 5 || maxLen <= 6))) return out;
    var bias = Math.sqrt(colW - total / out.length), bmax = Math.max(colW - 3 - bias, 1);
    var cols = Math.min(Math.round(Math.sqrt(2.5 * bmax * n) / bmax),
      Math.floor((ctx.breakLength - ctx.lvl) / colW), ctx.compact * 4, 15);
    if (cols <= 1) return out;
    var widths = [];
    for (i = 0; i < cols; i++) {
      var w = 0;
      for (j = i; j < out.length; j += cols) if (lens[j] > w) w = lens[j];
      widths.push(w + 2);
    }
    var right = v !== void 0;
    if (right) {
      for (i = 0; i < out.length; i++) if (typeof v[i] !== 'number' && typeof v[i] !== 'bigint') { right = false; break; }
    }
    var rows = [];
    for (i = 0; i < n; i += cols) {
      var end = Math.min(i + cols, n), row = '';
      for (j = i; j < end - 1; j++) {
        row += right ? padStart(out[j] + ', ', widths[j - i]) : padEnd(out[j] + ', ', widths[j - i]);
      }
      row += right ? padStart(out[j], widths[j - i] - 2) : out[j];
      rows.push(row);
    }
    if (ctx.maxArrayLength < out.length) rows.push(out[n]);
    return rows;
  }

  // One line when it fits in breakLength (and the entries are at most
  // compact levels deep), else one entry a line.
  function reduce(ctx, out, base, braces, arrayLike, rt, v) {
    var entries = out.length;
    if (arrayLike && entries > 6) out = group(ctx, out, v);
    if (ctx.cur - rt < ctx.compact && entries === out.length) {
      var len = out.length + ctx.lvl + braces[0].length + base.length + 10 + out.length, fits = len <= ctx.breakLength;
      for (var i = 0; fits && i < out.length; i++) {
        len += out[i].length;
        if (len > ctx.breakLength) fits = false;
      }
      if (fits && base.indexOf('\n') < 0) {
        var joined = out.join(', ');
        if (joined.indexOf('\n') < 0) return (base ? base + ' ' : '') + braces[0] + ' ' + joined + ' ' + braces[1];
      }
    }
    var ind = '\n' + spaces(ctx.lvl);
    return (base ? base + ' ' : '') + braces[0] + ind + '  ' + out.join(',' + ind + '  ') + ind + braces[1];
  }

  function inspect(v, opts) {
    var t = typeof v;
    if (t === 'number') return v === 0 && 1 / v < 0 ? '-0' : '' + v;
    var ctx = { seen: [], circ: [], lvl: 0, cur: 0, dense: false, depth: 2, breakLength: 80,
      compact: 3, showHidden: false, maxArrayLength: 100, sorted: false, customInspect: true }, k;
    if (typeof opts === 'boolean') opts = { showHidden: opts, depth: arguments[2] };
    if (opts && typeof opts === 'object') {
      for (k in opts) {
        if (hasOwn.call(opts, k) && opts[k] !== void 0 && hasOwn.call(DEFAULTS, k)) ctx[k] = opts[k];
      }
      if (ctx.depth === Infinity) ctx.depth = null;
      if (ctx.maxArrayLength === null || ctx.maxArrayLength === Infinity) ctx.maxArrayLength = 1e9;
      if (ctx.compact === true || ctx.compact === false) ctx.compact = ctx.compact ? 3 : 0;
    }
    return value(ctx, v, 0);
  }
  inspect.custom = CUSTOM;
  inspect.defaultOptions = DEFAULTS;
  return inspect;
})();

// util.format: %s %d %i %f %j %o %O %c %% in a first string argument,
// the other arguments after it (strings as they are, the rest inspected).
var format = (function () {
  var BUILTIN = ['Object', 'Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError',
    'EvalError', 'URIError', 'Array', 'Date', 'RegExp', 'Map', 'Set', 'Function', 'Number',
    'String', 'Boolean', 'Symbol', 'Promise', 'WeakMap', 'WeakSet'];
  // Whether %s inspects o (no toString of its own up its prototype chain).
  function builtinToString(o) {
    if (typeof o.toString !== 'function') return true;
    if (Object.prototype.hasOwnProperty.call(o, 'toString')) return false;
    var p = o;
    do { p = Object.getPrototypeOf(p); } while (p && !Object.prototype.hasOwnProperty.call(p, 'toString'));
    if (!p) return true;
    var d = Object.getOwnPropertyDescriptor(p, 'constructor');
    return !!d && typeof d.value === 'function' && BUILTIN.indexOf(d.value.name) >= 0;
  }
  function numStr(n) { return n === 0 && 1 / n < 0 ? '-0' : String(n); }
  function asNum(x, f) {
    if (typeof x === 'symbol') return 'NaN';
    if (typeof x === 'bigint') return String(x) + 'n';
    return numStr(f(x));
  }
  function formatWith(opts, args) {
    var first = args[0], a = 0, str = '', i;
    if (typeof first === 'string') {
      if (args.length === 1) return first;
      var last = 0;
      for (i = first.indexOf('%'); i >= 0 && i < first.length - 1; i = first.indexOf('%', i + 1)) {
        var c = first.charAt(i + 1), rep = null;
        if (c === '%') {
          str += first.slice(last, i) + '%';
          last = i + 2;
          i++;
          continue;
        }
        if (a + 1 >= args.length || 'sdifjoOc'.indexOf(c) < 0) continue;
        var x = args[++a];
        if (c === 's') {
          if (typeof x === 'number') rep = numStr(x);
          else if (typeof x === 'bigint') rep = String(x) + 'n';
          else if (typeof x !== 'object' || x === null || !builtinToString(x)) rep = String(x);
          else rep = inspect(x, merge(opts, { depth: 0 }));
        } else if (c === 'd') rep = asNum(x, Number);
        else if (c === 'i') rep = asNum(x, parseInt);
        else if (c === 'f') rep = asNum(x, parseFloat);
        else if (c === 'j') {
          try { rep = JSON.stringify(x); } catch (e) { rep = '[Circular]'; }
          if (rep === void 0) rep = 'undefined';
        } else if (c === 'o') rep = inspect(x, merge(opts, { showHidden: true, depth: 4 }));
        else if (c === 'O') rep = inspect(x, opts);
        else rep = '';
        str += first.slice(last, i) + rep;
        last = i + 2;
        i++;
      }
      if (last !== 0) {
        a++;
        if (last < first.length) str += first.slice(last);
      }
    }
    for (; a < args.length; a++) {
      var v = args[a];
      str += (a > 0 ? ' ' : '') + (typeof v === 'string' ? v : inspect(v, opts));
    }
    return str;
  }
  function merge(a, b) {
    var r = {}, k;
    for (k in a) r[k] = a[k];
    for (k in b) r[k] = b[k];
    return r;
  }
  var format = function format() { return formatWith({}, arguments); };
  format.withOptions = function formatWithOptions(o) {
    return formatWith(o || {}, Array.prototype.slice.call(arguments, 1));
  };
  return format;
})();

// console: every method writes to the one output, in order, indented by
// console.group.
var console = (function () {
  var indent = '', counts = {}, timers = {};
  function put(s) {
    if (indent !== '') s = indent + s.split('\n').join('\n' + indent);
    N.write(s + '\n');
  }
  function log() { put(format.apply(null, arguments)); }
  function now() { return Date.now(); }
  function label(l) { return l === void 0 ? 'default' : String(l); }
  var c = {
    log: log, info: log, debug: log, warn: log, error: log,
    dir: function dir(v, o) {
      var opts = { customInspect: false }, k;
      for (k in o) opts[k] = o[k];
      put(inspect(v, opts));
    },
    dirxml: log,
    trace: function trace() {
      var st = clean(new Error().stack || '').split('\n').slice(2).join('\n');
      put('Trace' + (arguments.length ? ': ' + format.apply(null, arguments) : '') + (st ? '\n' + st : ''));
    },
    assert: function assert(ok) {
      if (ok) return;
      var rest = Array.prototype.slice.call(arguments, 1);
      if (rest.length) rest[0] = 'Assertion failed: ' + String(rest[0]);
      else rest.push('Assertion failed');
      put(format.apply(null, rest));
    },
    count: function count(l) {
      l = label(l);
      counts[l] = (counts[l] || 0) + 1;
      put(l + ': ' + counts[l]);
    },
    countReset: function countReset(l) { counts[label(l)] = 0; },
    group: function group() {
      if (arguments.length) log.apply(null, arguments);
      indent += '  ';
    },
    groupEnd: function groupEnd() { indent = indent.slice(2); },
    time: function time(l) { timers[label(l)] = now(); },
    timeLog: function timeLog(l) {
      l = label(l);
      if (!(l in timers)) return;
      var extra = Array.prototype.slice.call(arguments, 1);
      put(l + ': ' + (now() - timers[l]) + 'ms' + (extra.length ? ' ' + format.apply(null, extra) : ''));
    },
    timeEnd: function timeEnd(l) {
      l = label(l);
      if (!(l in timers)) return;
      put(l + ': ' + (now() - timers[l]) + 'ms');
      delete timers[l];
    },
    table: function table(data, cols) {
      if (data === null || typeof data !== 'object') return log(data);
      put(renderTable(data, cols));
    }
  };
  c.groupCollapsed = c.group;
  return c;
})();

// console.table's box: an (index) column, one column per key of the rows
// (Values for rows that are not objects), cells left-aligned (node v20).
function renderTable(data, cols) {
  var idx = [], rows = [], keys = [], hasValues = false, i, j;
  function cell(v) {
    return inspect(v, { depth: 1, breakLength: Infinity, maxArrayLength: 3 });
  }
  var isMap = typeof G.Map === 'function' && data instanceof G.Map;
  var entries = [];
  if (isMap) {
    G.Map.prototype.forEach.call(data, function (v, k) { entries.push([cell(k), v]); });
  } else if (typeof G.Set === 'function' && data instanceof G.Set) {
    var n = 0;
    G.Set.prototype.forEach.call(data, function (v) { entries.push([String(n++), v]); });
  } else {
    Object.keys(data).forEach(function (k) { entries.push([k, data[k]]); });
  }
  for (i = 0; i < entries.length; i++) {
    var r = entries[i][1], row = {};
    idx.push(entries[i][0]);
    if (!isMap && (r !== null && typeof r === 'object' || typeof r === 'function')) {
      Object.keys(r).forEach(function (k) {
        if (cols && cols.indexOf(k) < 0) return;
        if (keys.indexOf(k) < 0) keys.push(k);
        row[k] = cell(r[k]);
      });
    } else {
      hasValues = true;
      row['\u0000v'] = cell(r);
    }
    rows.push(row);
  }
  if (cols) keys = cols.slice();
  var head = [isMap ? '(iteration index)' : '(index)'].concat(isMap ? ['Key'] : [], keys, hasValues ? ['Values'] : []);
  var body = rows.map(function (row, n) {
    var line = isMap ? [String(n), idx[n]] : [idx[n]];
    for (j = 0; j < keys.length; j++) line.push(row.hasOwnProperty(keys[j]) ? row[keys[j]] : '');
    if (hasValues) line.push(row.hasOwnProperty('\u0000v') ? row['\u0000v'] : '');
    return line;
  });
  var w = head.map(function (h, c) {
    var m = h.length;
    body.forEach(function (l) { if (l[c].length > m) m = l[c].length; });
    return m + 2;
  });
  function bar(l, m, r) {
    return l + w.map(function (x) { return new Array(x + 1).join('\u2500'); }).join(m) + r;
  }
  function line(cells) {
    return '\u2502' + cells.map(function (s, c) {
      return ' ' + s + new Array(w[c] - s.length).join(' ');
    }).join('\u2502') + '\u2502';
  }
  var out = [bar('\u250c', '\u252c', '\u2510'), line(head), bar('\u251c', '\u253c', '\u2524')];
  body.forEach(function (l) { out.push(line(l)); });
  out.push(bar('\u2514', '\u2534', '\u2518'));
  return out.join('\n');
}
