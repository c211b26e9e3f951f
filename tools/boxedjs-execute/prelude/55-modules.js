// 55-modules.js - process, require('path' | 'fs' | 'util'), and require of
// the sandbox's own .js and .json files (CommonJS, as Node does it).

// ---- path (POSIX; the working directory is /) ------------------------------
var path = (function () {
  function str(p, what) {
    if (typeof p !== 'string') {
      var e = new TypeError('The "' + (what || 'path') + '" argument must be of type string. Received ' +
        (p === null ? 'null' : typeof p === 'object' ? 'an instance of ' + (ctorOf(p) || 'Object')
          : 'type ' + typeof p + ' (' + inspect(p) + ')'));
      e.code = 'ERR_INVALID_ARG_TYPE';
      throw e;
    }
    return p;
  }
  // The segments of p with "." and ".." resolved ("..": kept at the start
  // of a relative path, dropped at the root of an absolute one).
  function segs(p, abs) {
    var out = [], parts = p.split('/');
    for (var i = 0; i < parts.length; i++) {
      var s = parts[i];
      if (s === '' || s === '.') continue;
      if (s === '..') {
        if (out.length && out[out.length - 1] !== '..') out.pop();
        else if (!abs) out.push('..');
      } else out.push(s);
    }
    return out.join('/');
  }
  function normalize(p) {
    str(p);
    if (p === '') return '.';
    var abs = p.charAt(0) === '/', s = segs(p, abs);
    if (s === '' && !abs) s = '.';
    if (s !== '' && p.charAt(p.length - 1) === '/') s += '/';
    return (abs ? '/' : '') + s;
  }
  function join() {
    var parts = [];
    for (var i = 0; i < arguments.length; i++) if (str(arguments[i]) !== '') parts.push(arguments[i]);
    return parts.length ? normalize(parts.join('/')) : '.';
  }
  function resolve() {
    var r = '', abs = false;
    for (var i = arguments.length - 1; i >= -1 && !abs; i--) {
      var p = i >= 0 ? str(arguments[i]) : '/';
      if (p === '') continue;
      r = p + '/' + r;
      abs = p.charAt(0) === '/';
    }
    r = segs(r, abs);
    return abs ? '/' + r : r || '.';
  }
  // The end of p without its trailing slashes (1 for "/" alone).
  function trimEnd(p) {
    var end = p.length;
    while (end > 1 && p.charAt(end - 1) === '/') end--;
    return end;
  }
  function dirname(p) {
    str(p);
    if (p === '') return '.';
    var end = trimEnd(p), i = p.lastIndexOf('/', end - 1);
    if (end === 1 && p.charAt(0) === '/') return '/';
    if (i < 0) return '.';
    if (i === 0) return '/';
    if (i === 1 && p.charAt(0) === '/') return '//';
    return p.slice(0, i);
  }
  function basename(p, ext) {
    str(p);
    if (ext !== void 0) str(ext, 'ext');
    var end = trimEnd(p);
    if (end === 1 && p.charAt(0) === '/') return '';
    var b = p.slice(p.lastIndexOf('/', end - 1) + 1, end);
    // As node: an ext that is the whole name leaves "" only without a "/".
    if (ext !== void 0 && ext !== '' && b === ext) return p.indexOf('/') >= 0 ? b : '';
    if (ext !== void 0 && ext !== '' && b.length > ext.length &&
        b.slice(b.length - ext.length) === ext) b = b.slice(0, b.length - ext.length);
    return b;
  }
  function extname(p) {
    var b = basename(str(p));
    var i = b.lastIndexOf('.');
    var lead = 0;
    while (lead < b.length && b.charAt(lead) === '.') lead++;
    if (i < 0 || i < lead || lead === b.length) return lead === b.length && b.length > 2 ? '.' : '';
    return b.slice(i);
  }
  function relative(from, to) {
    str(from, 'from'); str(to, 'to');
    var a = resolve(from).split('/').filter(Boolean), b = resolve(to).split('/').filter(Boolean), i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    var up = [];
    for (var k = i; k < a.length; k++) up.push('..');
    return up.concat(b.slice(i)).join('/');
  }
  function parse(p) {
    str(p);
    var root = p.charAt(0) === '/' ? '/' : '', base = basename(p), ext = extname(base);
    var end = trimEnd(p), i = p.lastIndexOf('/', end - 1), dir;
    if (end === 1 && root) return { root: '/', dir: '/', base: '', ext: '', name: '' };
    dir = i < 0 ? '' : i === 0 ? '/' : p.slice(0, i);
    return { root: root, dir: dir, base: base, ext: ext, name: ext ? base.slice(0, base.length - ext.length) : base };
  }
  function format(o) {
    if (o === null || typeof o !== 'object') {
      var e = new TypeError('The "pathObject" argument must be of type object. Received ' + inspect(o));
      e.code = 'ERR_INVALID_ARG_TYPE';
      throw e;
    }
    var dir = o.dir || o.root, base = o.base || (o.name || '') + (o.ext || '');
    if (!dir) return base;
    return dir === o.root ? dir + base : dir + '/' + base;
  }
  var p = { sep: '/', delimiter: ':', normalize: normalize, join: join, resolve: resolve,
    dirname: dirname, basename: basename, extname: extname, relative: relative,
    isAbsolute: function isAbsolute(s) { return str(s).charAt(0) === '/'; },
    parse: parse, format: format, toNamespacedPath: function toNamespacedPath(s) { return s; } };
  p.posix = p;
  return p;
})();
// The class name node's ERR_INVALID_ARG_TYPE messages give an object.
function ctorOf(v) {
  var c = v && v.constructor;
  return typeof c === 'function' && c.name ? c.name : null;
}

// ---- process --------------------------------------------------------------
function stream() {
  return { isTTY: false, columns: 80,
    write: function write(s, enc, cb) {
      N.write(typeof s === 'string' ? s : String(s));
      if (typeof enc === 'function') cb = enc;
      if (typeof cb === 'function') process.nextTick(cb);
      return true;
    } };
}
var process = { argv: [], env: {}, platform: 'wasi', arch: 'wasm32', title: 'jsexec',
  exitCode: void 0, execArgv: [], stdout: stream(), stderr: stream(),
  exit: function exit(c) { N.exit(c === void 0 ? (process.exitCode || 0) : c); },
  cwd: function cwd() { return '/'; },
  // 20-promise.js's queue, which runs before the promise jobs, as node's
  nextTick: function processNextTick(fn) {
    if (typeof fn !== 'function') {
      var e = new TypeError('The "callback" argument must be of type function. Received ' + inspect(fn));
      e.code = 'ERR_INVALID_ARG_TYPE';
      throw e;
    }
    nextTick.apply(void 0, arguments);
  },
  hrtime: function hrtime(prev) {
    var ms = Date.now(), s = Math.floor(ms / 1000), ns = (ms - s * 1000) * 1e6;
    if (prev) { s -= prev[0]; ns -= prev[1]; if (ns < 0) { s--; ns += 1e9; } }
    return [s, ns];
  } };
// ---- fs ---------------------------------------------------------------------
var fs = (function () {
  // Node's error for syscall on p (and dest), from a native's error.
  function redo(e, syscall, p, dest) {
    var m = /^([A-Z]+): (.*), [a-z]+ '.*'$/.exec(e && e.message || '');
    if (!m) return e;
    var r = new Error(m[1] + ': ' + m[2] + ', ' + syscall + " '" + p + "'" + (dest !== void 0 ? " -> '" + dest + "'" : ''));
    r.errno = e.errno; r.code = e.code; r.syscall = syscall; r.path = p;
    if (dest !== void 0) r.dest = dest;
    return r;
  }
  function sysErr(code, errno, why, syscall, p) {
    var e = new Error(code + ': ' + why + ', ' + syscall + " '" + p + "'");
    e.errno = errno; e.code = code; e.syscall = syscall; e.path = p;
    return e;
  }
  function enc(o) {
    var e = typeof o === 'string' ? o : o && o.encoding;
    return e ? String(e).toLowerCase() : null;
  }
  function flag(o) { return o && typeof o === 'object' && o.flag ? o.flag : 'w'; }
  // The bytes u as text in encoding e (Buffer's codecs, 57-buffer.js).
  function decode(u, e) {
    var n = bufCodec.norm(e);
    if (n !== null) return bufCodec.decode(u, n);
    var x = new TypeError("The argument 'encoding' is invalid encoding. Received '" + e + "'");
    x.code = 'ERR_INVALID_ARG_VALUE';
    throw x;
  }
  function readFileSync(p, o) {
    var e = enc(o);
    if (e === null) return N.read(p, false);
    if (e === 'utf8' || e === 'utf-8') return N.read(p, true);
    return decode(N.read(p, false), e);
  }
  function writeFileSync(p, d, o) {
    if (typeof d !== 'string' && !(d instanceof Uint8Array) && !ArrayBuffer.isView(d)) {
      var x = new TypeError('The "data" argument must be of type string or an instance of Buffer, ' +
        'TypedArray, or DataView. Received ' + (d === null ? 'null' : typeof d === 'object'
          ? 'an instance of ' + (ctorOf(d) || 'Object') : 'type ' + typeof d + ' (' + inspect(d) + ')'));
      x.code = 'ERR_INVALID_ARG_TYPE';
      throw x;
    }
    var f = flag(o), e = bufCodec.norm(enc(o));
    if (typeof d === 'string' && e !== null && e !== 'utf8') d = bufCodec.encode(d, e);
    if (f.charAt(0) === 'w' && f.indexOf('x') > 0 && N.exists(p)) {
      throw sysErr('EEXIST', -17, 'file already exists', 'open', p);
    }
    N.writeFile(p, d, f.charAt(0) === 'a');
  }
  function Stats(s) {
    this.ino = s.ino; this.nlink = s.nlink; this.size = s.size;
    this.atimeMs = s.atimeMs; this.mtimeMs = s.mtimeMs; this.ctimeMs = s.ctimeMs;
    this.atime = new Date(s.atimeMs); this.mtime = new Date(s.mtimeMs); this.ctime = new Date(s.ctimeMs);
    Object.defineProperty(this, 'type', { value: s.type });
  }
  function Dirent(name, dir, type) {
    this.name = name;
    this.path = dir;
    Object.defineProperty(this, 'type', { value: type });
  }
  [Stats, Dirent].forEach(function (C) {
    var P = C.prototype;
    P.isFile = function isFile() { return this.type === 'file'; };
    P.isDirectory = function isDirectory() { return this.type === 'dir'; };
    P.isSymbolicLink = function isSymbolicLink() { return this.type === 'symlink'; };
    P.isFIFO = P.isSocket = P.isBlockDevice = P.isCharacterDevice = function () { return false; };
  });
  function statSync(p, o, link) {
    try {
      return new Stats(N.stat(p, !!link));
    } catch (e) {
      if (o && o.throwIfNoEntry === false && e.code === 'ENOENT') return void 0;
      throw link ? redo(e, 'lstat', p) : e;
    }
  }
  function readdirSync(p, o) {
    var names = N.readdir(p);
    if (o && typeof o === 'object' && o.withFileTypes) {
      return names.map(function (n) {
        var t = 'other';
        try { t = N.stat(path.join(p, n), true).type; } catch (e) {}
        return new Dirent(n, p, t);
      });
    }
    return names;
  }
  function rmSync(p, o) {
    var st;
    try { st = N.stat(p, true); } catch (e) {
      if (o && o.force && e.code === 'ENOENT') return;
      throw redo(e, 'lstat', p);
    }
    if (st.type !== 'dir') return N.unlink(p);
    if (!(o && o.recursive)) {
      var x = new Error('Path is a directory: rm returned EISDIR (is a directory) ' + p);
      x.code = 'ERR_FS_EISDIR';
      x.errno = 21; x.syscall = 'rm'; x.path = p;
      throw x;
    }
    N.readdir(p).forEach(function (n) { rmSync(path.join(p, n), { recursive: true }); });
    N.rmdir(p);
  }
  function rmdirSync(p, o) {
    if (o && o.recursive) return rmSync(p, { recursive: true });
    N.rmdir(p);
  }
  function copyFileSync(src, dst, mode) {
    if (mode & 1 && N.exists(dst)) {
      var x = sysErr('EEXIST', -17, 'file already exists', 'copyfile', src);
      x.message += " -> '" + dst + "'";
      x.dest = dst;
      throw x;
    }
    try {
      N.writeFile(dst, N.read(src, false), false);
    } catch (e) { throw redo(e, 'copyfile', src, dst); }
  }
  function renameSync(a, b) { N.rename(a, b); }
  function accessSync(p) {
    try { N.stat(p, false); } catch (e) { throw redo(e, 'access', p); }
  }
  function mkdirSync(p, o) {
    var rec = !!(o && typeof o === 'object' && o.recursive);
    if (rec && N.exists(p)) {
      if (N.stat(p, false).type === 'dir') return void 0;
      throw sysErr('EEXIST', -17, 'file already exists', 'mkdir', p);
    }
    N.mkdir(p, rec);
    return rec ? path.resolve(p) : void 0;
  }
  var f = {
    readFileSync: readFileSync, writeFileSync: writeFileSync,
    appendFileSync: function appendFileSync(p, d, o) {
      var q = {}, k;
      for (k in (typeof o === 'object' && o) || {}) q[k] = o[k];
      q.flag = 'a';
      writeFileSync(p, d, q);
    },
    existsSync: function existsSync(p) { return N.exists(p); },
    readdirSync: readdirSync, mkdirSync: mkdirSync,
    statSync: function (p, o) { return statSync(p, o, false); },
    lstatSync: function (p, o) { return statSync(p, o, true); },
    unlinkSync: function unlinkSync(p) { N.unlink(p); },
    renameSync: renameSync, rmSync: rmSync, rmdirSync: rmdirSync, copyFileSync: copyFileSync,
    accessSync: accessSync, Stats: Stats, Dirent: Dirent,
    constants: { F_OK: 0, R_OK: 4, W_OK: 2, X_OK: 1, COPYFILE_EXCL: 1 }
  };
  // The callback and promise forms: the sync call, its result delivered
  // later, as a macrotask (25-timers.js).
  function later(fn) { G.setImmediate(fn); }
  f.promises = {};
  ['readFile', 'writeFile', 'appendFile', 'readdir', 'mkdir', 'stat', 'lstat', 'unlink',
   'rename', 'rm', 'rmdir', 'copyFile', 'access'].forEach(function (name) {
    var sync = f[name + 'Sync'];
    f[name] = function () {
      var args = Array.prototype.slice.call(arguments), cb = args.pop(), r, err = null;
      if (typeof cb !== 'function') {
        var x = new TypeError('The "cb" argument must be of type function. Received ' + inspect(cb));
        x.code = 'ERR_INVALID_ARG_TYPE';
        throw x;
      }
      try { r = sync.apply(f, args); } catch (e) { err = e; }
      later(function () { if (err) cb(err); else cb(null, r); });
    };
    f.promises[name] = function () {
      var args = arguments;
      return new G.Promise(function (res, rej) {
        try { res(sync.apply(f, args)); } catch (e) { rej(e); }
      });
    };
  });
  f.exists = function exists(p, cb) {
    var r = N.exists(p);
    later(function () { cb(r); });
  };
  return f;
})();

// ---- util -----------------------------------------------------------------
var util = (function () {
  var objStr = Object.prototype.toString;
  function brand(v, name) { return typeof G[name] === 'function' && v instanceof G[name]; }
  // Deep strict equality: same prototypes, own enumerable keys, Object.is
  // for primitives; Map and Set by their entries; cycles tolerated.
  function deq(a, b, memo) {
    if (a === b) return a !== 0 || 1 / a === 1 / b;
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
      return typeof a === 'number' && typeof b === 'number' && a !== a && b !== b;
    }
    if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
    var ta = objStr.call(a);
    if (ta !== objStr.call(b)) return false;
    for (var i = 0; i < memo.length; i++) if (memo[i][0] === a && memo[i][1] === b) return true;
    memo.push([a, b]);
    try {
      if (ta === '[object Date]' && a.getTime() !== b.getTime() && !(a.getTime() !== a.getTime() && b.getTime() !== b.getTime())) return false;
      if (ta === '[object RegExp]' && String(a) !== String(b)) return false;
      if (a instanceof Error && (a.message !== b.message || a.name !== b.name)) return false;
      if (ta === '[object Number]' || ta === '[object String]' || ta === '[object Boolean]') {
        if (!deq(a.valueOf(), b.valueOf(), memo)) return false;
      }
      if (Array.isArray(a) && a.length !== b.length) return false;
      if (brand(a, 'Set')) {
        if (a.size !== b.size) return false;
        var bs = [];
        G.Set.prototype.forEach.call(b, function (x) { bs.push(x); });
        var ok = true;
        G.Set.prototype.forEach.call(a, function (x) {
          if (!ok || b.has(x)) return;
          for (var j = 0; j < bs.length; j++) if (typeof bs[j] === 'object' && deq(x, bs[j], memo)) return;
          ok = false;
        });
        if (!ok) return false;
      }
      if (brand(a, 'Map')) {
        if (a.size !== b.size) return false;
        var okm = true;
        G.Map.prototype.forEach.call(a, function (v, k) {
          if (okm && !(b.has(k) && deq(v, b.get(k), memo))) okm = false;
        });
        if (!okm) return false;
      }
      var ka = Object.keys(a), kb = Object.keys(b);
      if (ka.length !== kb.length) return false;
      for (i = 0; i < ka.length; i++) {
        if (!Object.prototype.hasOwnProperty.call(b, ka[i]) ||
            !Object.prototype.propertyIsEnumerable.call(b, ka[i])) return false;
        if (!deq(a[ka[i]], b[ka[i]], memo)) return false;
      }
      var sa = Object.getOwnPropertySymbols(a).filter(function (s) { return Object.prototype.propertyIsEnumerable.call(a, s); });
      var sb = Object.getOwnPropertySymbols(b).filter(function (s) { return Object.prototype.propertyIsEnumerable.call(b, s); });
      if (sa.length !== sb.length) return false;
      for (i = 0; i < sa.length; i++) if (!deq(a[sa[i]], b[sa[i]], memo)) return false;
      return true;
    } finally { memo.pop(); }
  }
  var PROMISIFY = Symbol.for('nodejs.util.promisify.custom');
  function promisify(fn) {
    if (typeof fn !== 'function') {
      var e = new TypeError('The "original" argument must be of type function. Received ' + inspect(fn));
      e.code = 'ERR_INVALID_ARG_TYPE';
      throw e;
    }
    if (typeof fn[PROMISIFY] === 'function') return fn[PROMISIFY];
    return function () {
      var self = this, args = Array.prototype.slice.call(arguments);
      return new G.Promise(function (res, rej) {
        args.push(function (err, v) { if (err) rej(err); else res(v); });
        fn.apply(self, args);
      });
    };
  }
  promisify.custom = PROMISIFY;
  var types = {
    isDate: function isDate(v) { return objStr.call(v) === '[object Date]'; },
    isRegExp: function isRegExp(v) { return objStr.call(v) === '[object RegExp]'; },
    isNativeError: function isNativeError(v) { return v instanceof Error; },
    isMap: function isMap(v) { return brand(v, 'Map'); },
    isSet: function isSet(v) { return brand(v, 'Set'); },
    isPromise: function isPromise(v) { return brand(v, 'Promise'); },
    isTypedArray: function isTypedArray(v) { return ArrayBuffer.isView(v) && !(v instanceof DataView); }
  };
  var u = { inspect: inspect, format: format, formatWithOptions: format.withOptions,
    isDeepStrictEqual: function isDeepStrictEqual(a, b) { return deq(a, b, []); },
    promisify: promisify, types: types,
    isArray: Array.isArray,
    inherits: function inherits(ctor, sup) {
      Object.setPrototypeOf(ctor.prototype, sup.prototype);
      Object.defineProperty(ctor, 'super_', { value: sup, writable: true, configurable: true });
    } };
  ['TextEncoder', 'TextDecoder'].forEach(function (k) {
    Object.defineProperty(u, k, { enumerable: true, get: function () { return G[k]; } });
  });
  return u;
})();

// ---- require ----------------------------------------------------------------
var require = (function () {
  var cache = {}, main = null;
  var LIBS = {
    fs: function () { return fs; }, 'fs/promises': function () { return fs.promises; },
    path: function () { return path; }, 'path/posix': function () { return path; },
    util: function () { return util; }, 'util/types': function () { return util.types; },
    process: function () { return process; }, console: function () { return console; },
    buffer: function () { return { Buffer: G.Buffer }; }
  };
  var OS = ['child_process', 'cluster', 'worker_threads', 'net', 'http', 'https', 'http2', 'tls',
    'dgram', 'dns', 'dns/promises', 'os', 'crypto', 'inspector', 'v8', 'vm', 'repl', 'tty',
    'readline', 'readline/promises', 'perf_hooks', 'async_hooks', 'trace_events', 'wasi', 'module',
    'diagnostics_channel'];
  var OTHER = ['assert', 'assert/strict', 'events', 'stream', 'stream/promises', 'stream/web',
    'zlib', 'url', 'querystring', 'string_decoder', 'timers', 'timers/promises', 'punycode',
    'domain', 'constants', 'sys', 'test'];
  var AVAILABLE = '(available: fs, path, util)';
  function Module(id, file) {
    this.id = id;
    this.path = path.dirname(file);
    this.exports = {};
    this.filename = file;
    this.loaded = false;
    this.children = [];
    this.paths = [];
  }
  function notFound(name, parent, why) {
    var e = new Error("Cannot find module '" + name + "'" + (why ? ': ' + why :
      parent && parent.filename.charAt(0) === '/' ? "\nRequire stack:\n- " + parent.filename : ''));
    e.code = 'MODULE_NOT_FOUND';
    return e;
  }
  function kind(p) {
    try { return N.stat(p, false).type; } catch (e) { return null; }
  }
  function asFile(p) {
    if (kind(p) === 'file') return p;
    var ext = ['.js', '.json', '.cjs'];
    for (var i = 0; i < ext.length; i++) if (kind(p + ext[i]) === 'file') return p + ext[i];
    return null;
  }
  function asDir(p) {
    if (kind(p) !== 'dir') return null;
    if (kind(p + '/package.json') === 'file') {
      var pkg;
      try { pkg = JSON.parse(N.read(p + '/package.json', true)); } catch (e) { pkg = null; }
      if (pkg && typeof pkg.main === 'string' && pkg.main) {
        var m = path.resolve(p, pkg.main), r = asFile(m) || asIndex(m);
        if (r) return r;
      }
    }
    return asIndex(p);
  }
  function asIndex(p) {
    if (kind(p + '/index.js') === 'file') return p + '/index.js';
    if (kind(p + '/index.json') === 'file') return p + '/index.json';
    return null;
  }
  function find(name, dir) {
    if (/^(\.\.?)(\/|$)/.test(name) || name.charAt(0) === '/') {
      var p = path.resolve(dir, name);
      return asFile(p) || asDir(p);
    }
    for (var d = dir; ; d = path.dirname(d)) {
      var q = path.join(d, 'node_modules', name), r = asFile(q) || asDir(q);
      if (r) return r;
      if (d === '/') return null;
    }
  }
  function builtin(name) {
    var bare = name.indexOf('node:') === 0 ? name.slice(5) : name;
    if (LIBS.hasOwnProperty(bare)) return LIBS[bare];
    if (OS.indexOf(bare) >= 0) {
      throw notFound(name, null, 'jsexec has no child processes, network or OS modules ' + AVAILABLE);
    }
    if (OTHER.indexOf(bare) >= 0) throw notFound(name, null, 'jsexec does not provide this Node module ' + AVAILABLE);
    if (bare !== name) {
      var e = new Error('No such built-in module: ' + name);
      e.code = 'ERR_UNKNOWN_BUILTIN_MODULE';
      throw e;
    }
    return null;
  }
  function check(name) {
    if (typeof name !== 'string' || name === '') {
      var e = new TypeError("The argument 'id' must be a non-empty string. Received " + inspect(name));
      e.code = 'ERR_INVALID_ARG_VALUE';
      throw e;
    }
  }
  function load(name, dir, parent) {
    check(name);
    var lib = builtin(name);
    if (lib) return lib();
    var file = find(name, dir);
    if (!file) throw notFound(name, parent);
    if (cache.hasOwnProperty(file)) return cache[file].exports;
    var m = new Module(file, file);
    cache[file] = m;
    if (parent) parent.children.push(m);
    try {
      var src = N.read(file, true);
      if (src.charCodeAt(0) === 0xfeff) src = src.slice(1);
      if (/\.json$/.test(file)) {
        try { m.exports = JSON.parse(src); } catch (e) { e.message = file + ': ' + e.message; throw e; }
      } else {
        // #! stays a comment, so that the lines keep their numbers.
        if (src.slice(0, 2) === '#!') src = '//' + src;
        var fn = N.func('function (exports, require, module, __filename, __dirname) {' +
          N.compile(src, file) + '\n}', file);
        fn.call(m.exports, m.exports, make(m), m, file, m.path);
      }
    } catch (e) {
      delete cache[file];
      throw e;
    }
    m.loaded = true;
    return m.exports;
  }
  function make(m) {
    var dir = m.filename.charAt(0) === '/' ? m.path : '/';
    var r = function require(name) { return load(name, dir, m); };
    r.resolve = function resolve(name) {
      check(name);
      if (builtin(name)) return name;
      var f = find(name, dir);
      if (!f) throw notFound(name, m);
      return f;
    };
    r.cache = cache;
    r.main = main;
    return r;
  }
  // The script of one call as the main module (H.call).
  function start(name) {
    main = new Module('.', name);
    if (name.charAt(0) !== '/') main.path = '.';
    var r = make(main);
    [['module', main], ['exports', main.exports], ['require', r],
     ['__filename', name], ['__dirname', main.path]].forEach(function (kv) {
      Object.defineProperty(G, kv[0], { value: kv[1], writable: true, configurable: true, enumerable: false });
    });
  }
  var boot = make(new Module('.', '[prelude]'));
  boot.start = start;
  return boot;
})();

(function () {
  var hide = { writable: true, configurable: true, enumerable: false };
  var globals = { console: console, process: process, fs: fs, require: require, print: console.log };
  for (var k in globals) {
    hide.value = globals[k];
    Object.defineProperty(G, k, hide);
  }
})();
// Per call, only what differs from the build: everything here runs at the
// start of every call, where each bytecode costs.
H.call = function (a, e, x) {
  process.argv = a;
  process.env = e;
  H.args = x;
};
// start(file): a file_path script is the main module (main.c calls it
// for those only; [code] is the main module made at build time).
H.start = function (name) { require.start(name); };
require.start('[code]');
