// 05-lower.js - the runtime helpers that the front end's output calls
// (es/*.c: ES2022 -> ES5), as the global $es (not enumerable).  ES5.
// (This file and the runtime's hot paths write `void 0`, not `undefined`:
// that is a global variable, looked up by name through every scope at
// each use.)
var $es = (function () {
  var hasSym = typeof Symbol === 'function';
  var ITER = hasSym ? Symbol.iterator : '@@iterator';
  var CLASSMARK = hasSym ? Symbol.for('jsexec.class') : null; // what inspect shows as [class A]
  var HOLE = {};             // the value of a binding in its dead zone
  var gop = Object.getPrototypeOf, dpr = Object.defineProperty;
  var toStr = Object.prototype.toString, isArray = Array.isArray;
  var arrayMark = N.arrayMark;
  dpr(Array.prototype, arrayMark, { value: true });
  function desc(v) {
    if (v === null || v === void 0) return String(v);
    if (typeof v === 'function') return 'function';
    if (typeof v === 'object') return 'object';
    return typeof v === 'string' ? JSON.stringify(v) : String(v);
  }
  // index iteration, for arrays, strings and arguments without @@iterator
  function IndexIter(a) { this.a = a; this.i = 0; }
  IndexIter.prototype.next = function () {
    var a = this.a, i = this.i;
    if (a === null || i >= a.length) { this.a = null; return { value: void 0, done: true }; }
    var v = a[i];
    if (typeof a === 'string') {
      var c = a.charCodeAt(i);
      if (c >= 0xD800 && c <= 0xDBFF && i + 1 < a.length) {
        var d = a.charCodeAt(i + 1);
        if (d >= 0xDC00 && d <= 0xDFFF) { v = a.slice(i, i + 2); i++; }
      }
    }
    this.i = i + 1;
    return { value: v, done: false };
  };
  function iter(v) {
    if (v === null || v === void 0) throw new TypeError(desc(v) + ' is not iterable');
    var f = v[ITER];
    if (typeof f === 'function') {
      var it = f.call(v);
      if (Object(it) !== it) throw new TypeError('Result of the Symbol.iterator method is not an object');
      return it;
    }
    if (typeof v === 'string' || Array.isArray(v) || toStr.call(v) === '[object Arguments]')
      return new IndexIter(v);
    throw new TypeError(desc(v) + ' is not iterable');
  }
  function close(it) {
    var r = it['return'];
    if (typeof r === 'function') r.call(it);
  }
  // an array of (the first n, or all if n < 0) values of an iterable
  // (arrays are read as they are: for spread only when their iteration
  // is the built-in one, as for-of's $es.fa; destructuring tests
  // Array.isArray alone, inline: es/lower_pat.c)
  function arr(v, n) {
    if (isArray(v) && (n >= 0 || E.fa(v) === 0)) return v;
    var it, out = [], s;
    if (v !== null && typeof v === 'object' && (s = collStore(v)) !== null) return collArray(s, n);
    it = iter(v);
    while (n < 0 || out.length < n) {
      s = it.next();
      if (s.done) return out;
      out.push(s.value);
    }
    close(it);
    return out;
  }
  function own(o) {
    var ks = Object.keys(o);
    if (hasSym && Object.getOwnPropertySymbols) {
      var ss = Object.getOwnPropertySymbols(o);
      for (var i = 0; i < ss.length; i++)
        if (Object.prototype.propertyIsEnumerable.call(o, ss[i])) ks.push(ss[i]);
    }
    return ks;
  }
  function dp(o, k, v) {
    dpr(o, k, { value: v, writable: true, enumerable: true, configurable: true });
    return o;
  }
  function accessor(o, k, f, e, which) {
    var d = Object.getOwnPropertyDescriptor(o, k), nd = { enumerable: !!e, configurable: true };
    if (d && !('value' in d)) { nd.get = d.get; nd.set = d.set; }
    nd[which] = f;
    dpr(o, k, nd);
    return o;
  }
  function construct(F, args) {
    return new (Function.prototype.bind.apply(F, [null].concat(args)))();
  }
  // the methods of Array that make their result with the receiver's species
  // (ArraySpeciesCreate): on a class extending Array they make an instance
  // of the receiver's class, where Duktape's natives make plain arrays
  var speciesNames = ['concat', 'filter', 'flat', 'flatMap', 'map', 'slice', 'splice'];
  function speciesMethod(name) {
    return function () {
      var r = Array.prototype[name].apply(this, arguments), C;
      if (!Array.isArray(this)) return r;
      C = this.constructor;
      if (hasSym && Symbol.species && C !== null && (typeof C === 'object' || typeof C === 'function')) {
        C = C[Symbol.species];
        if (C === null) C = void 0;
      }
      if (C === void 0 || C === Array) return r;
      if (typeof C !== 'function') throw new TypeError('object.constructor[Symbol.species] is not a constructor');
      var a = new C(name === 'map' ? r.length : 0);
      for (var i = 0; i < r.length; i++) if (i in r) a[i] = r[i];
      a.length = r.length;
      return a;
    };
  }
  var tpls = [];
  var argIter = { value: void 0, writable: true, enumerable: false, configurable: true };
  // an Error made by super(...) shows no frames of its making (the native
  // constructor, $es.sc): its stack, read lazily as Duktape's is, skips them
  var errStack = Object.getOwnPropertyDescriptor(Error.prototype, 'stack');
  function trimStack(e) {
    if (!errStack || !errStack.get) return;
    dpr(e, 'stack', { configurable: true, enumerable: false,
      get: function () {
        var st = errStack.get.call(this);
        if (typeof st !== 'string') return st;
        var ls = st.split('\n'), out = [ls[0]];
        for (var i = 1; i < ls.length; i++)
          if (!/^ *at [A-Za-z]*Error \(\)/.test(ls[i]) && ls[i].indexOf('(jsexec:prelude:') < 0) out.push(ls[i]);
        return out.join('\n');
      },
      set: function (v) { dpr(this, 'stack', { value: v, writable: true, configurable: true }); } });
  }
  var E = {
    T: HOLE,
    tdz: function (v, name) {
      if (v === HOLE) throw new ReferenceError("Cannot access '" + name + "' before initialization");
      return v;
    },
    ce: function () { throw new TypeError('Assignment to constant variable.'); },
    iter: iter,
    A: Array.isArray,
    // array destructuring's test without a call (lower_pat.c): v != null
    // && v[M] holds for arrays (and for other objects made from
    // Array.prototype, read by index as the array iterator would read
    // them); M is a hidden symbol (main.c), which no script can name
    M: arrayMark,
    // for-of's test for walking an array by index (es_emit_for_of): a
    // true array iterated by the built-in array iterator, which has no
    // return() (10-symbols-iter.js's arrayValues, ArrayIterProto)
    // -> 0 walk the array by index, -2 walk the Map/Set with $es.cur(v)
    // (15-collections.js), -1 use the iterator
    fa: function (v) {
      if (v === null || typeof v !== 'object') return -1;
      if (v[ITER] === arrayValues && isArray(v) && ArrayIterProto.next === arrayNext &&
          ArrayIterProto['return'] === void 0) return 0;
      return collStore(v) !== null ? -2 : -1;
    },
    cur: function (v) { return new CollCursor(collStore(v)); },
    // an arguments object's own @@iterator (%Array.prototype.values%)
    ai: function (a) { argIter.value = arrayValues; dpr(a, ITER, argIter); return a; },
    close: close,
    arr: arr,
    toArr: function (v) {
      return v !== null && typeof v === 'object' && v[ITER] === arrayValues && isArray(v) &&
        ArrayIterProto.next === arrayNext && ArrayIterProto['return'] === void 0 ? v : arr(v, -1);
    },
    // [a, ...v, b] of arrays (literal parts and toArr's): a new array;
    // a hole reads as the iterator reads it (a[i]: undefined, or what a
    // prototype holds), as does [...v] alone
    cat: function () {
      var r = Array.prototype.concat.apply([], arguments);
      if (!N.dense(r)) {
        var at = 0;
        for (var k = 0; k < arguments.length; k++)
          for (var i = 0, p = arguments[k], n = p.length; i < n; i++) r[at++] = p[i];
      }
      return r;
    },
    spr: function (v) {
      var a = E.toArr(v);
      return a === v ? E.cat(a) : a;
    },
    obj: function (v) {
      if (v === null || v === void 0) throw new TypeError("Cannot destructure '" + v + "' as it is " + v + '.');
      return v;
    },
    rest: function (o, keys) {
      var r = {}, ks = own(Object(o));
      for (var i = 0; i < ks.length; i++) if (keys.indexOf(ks[i]) < 0) r[ks[i]] = o[ks[i]];
      return r;
    },
    setp: function (o, p) {
      if (p === null || typeof p === 'object' || typeof p === 'function') Object.setPrototypeOf(o, p);
    },
    nm: function (f, n) { dpr(f, 'name', { value: n, configurable: true }); return f; },
    key: function (k) { return typeof k === 'symbol' ? k : String(k); },
    nw: construct,
    dp: dp,
    dm: function (o, k, f) {
      dpr(o, k, { value: f, writable: true, enumerable: false, configurable: true });
      return o;
    },
    dg: function (o, k, f, e) { return accessor(o, k, f, e, 'get'); },
    ds: function (o, k, f, e) { return accessor(o, k, f, e, 'set'); },
    spo: function (t, s) {
      if (s === null || s === void 0) return t;
      var o = Object(s), ks = own(o);
      for (var i = 0; i < ks.length; i++) dp(t, ks[i], o[ks[i]]);
      return t;
    },
    // classes
    kc: function (C) {
      if (hasSym) dpr(C, CLASSMARK, { value: true });
      return C;
    },
    cc: function (self, C) {
      if (!(self instanceof C))
        throw new TypeError('Class constructor ' + C.name + " cannot be invoked without 'new'");
    },
    ext: function (C, S) {
      if (S !== null && typeof S !== 'function')
        throw new TypeError('Class extends value ' + desc(S) + ' is not a constructor or null');
      C.prototype = Object.create(S === null ? null : S.prototype,
        { constructor: { value: C, writable: true, configurable: true } });
      if (S !== null) Object.setPrototypeOf(C, S);
      if (S === Array)
        for (var i = 0; i < speciesNames.length; i++)
          dpr(C.prototype, speciesNames[i], { value: speciesMethod(speciesNames[i]), writable: true, configurable: true });
    },
    // super(...args) in a derived constructor: the object the superclass
    // makes (natives such as Error and Array make their own: it is given
    // the prototype of the class being constructed)
    sc: function (S, cur, self, args) {
      if (cur !== void 0) throw new ReferenceError('Super constructor may only be called once');
      var proto = gop(self), r;
      if (S === Date || S === RegExp || (typeof Uint8Array === 'function' && S === Uint8Array)) r = construct(S, args);
      else r = S.apply(self, args);
      if (r !== null && (typeof r === 'object' || typeof r === 'function') && r !== self) {
        Object.setPrototypeOf(r, proto);
        if (r instanceof Error) trimStack(r);
        return r;
      }
      return self;
    },
    ck: function (t) {
      if (t === void 0)
        throw new ReferenceError("Must call super constructor in derived class before accessing 'this' or returning from derived constructor");
      return t;
    },
    dret: function (t, v) {
      if (v !== null && (typeof v === 'object' || typeof v === 'function')) return v;
      if (v !== void 0) throw new TypeError('Derived constructors may only return object or undefined');
      return E.ck(t);
    },
    fi: function (o, F) {
      for (var i = 0; i < F.length; i++) {
        var f = F[i], v = f[1] ? f[1].call(o) : void 0;
        if (f[2]) dpr(o, f[0], { value: v, writable: true, enumerable: false, configurable: true });
        else dp(o, f[0], v);
      }
    },
    sf: function (C, k, f, priv) {
      var v = f ? f.call(C) : void 0;
      dpr(C, k, { value: v, writable: true, enumerable: !priv, configurable: true });
    },
    gp: function (home) { return gop(home); },
    sg: function (home, k, self) {
      for (var o = gop(home); o !== null; o = gop(o)) {
        var d = Object.getOwnPropertyDescriptor(o, k);
        if (d) return 'value' in d ? d.value : d.get ? d.get.call(self) : void 0;
      }
      return void 0;
    },
    pn: function (name) { return hasSym ? Symbol('#' + name) : '#' + name + '@' + Math.random(); },
    pg: function (o, k, name) {
      if (o === null || o === void 0)
        throw new TypeError('Cannot read properties of ' + o + " (reading '" + name + "')");
      if (!(k in Object(o)))
        throw new TypeError('Cannot read private member ' + name + ' from an object whose class did not declare it');
      return o[k];
    },
    ps: function (o, k, v, name) {
      if (o === null || o === void 0)
        throw new TypeError('Cannot set properties of ' + o + " (setting '" + name + "')");
      if (!(k in Object(o)))
        throw new TypeError('Cannot write private member ' + name + ' to an object whose class did not declare it');
      o[k] = v;
      return v;
    },
    pin: function (k, o) {
      if (o === null || (typeof o !== 'object' && typeof o !== 'function'))
        throw new TypeError("Cannot use 'in' operator to search for a private field in " + desc(o));
      return k in o;
    },
    // the strings array of a tagged template site (made once per site)
    tpl: function (n, cooked, raw) {
      var t = tpls[n];
      if (t) return t;
      dpr(cooked, 'raw', { value: Object.freeze(raw) });
      return (tpls[n] = Object.freeze(cooked));
    }
  };
  return E;
})();
Object.defineProperty(G, '$es', { value: $es, writable: false, enumerable: false, configurable: false });
if (typeof String.raw !== 'function') {
  Object.defineProperty(String, 'raw', { writable: true, configurable: true, enumerable: false,
    value: function raw(strs) {
      var r = Object(strs).raw, n = r.length >>> 0, out = '';
      for (var i = 0; i < n; i++) {
        out += String(r[i]);
        if (i + 1 < n && i + 1 < arguments.length) out += String(arguments[i + 1]);
      }
      return out;
    } });
}
