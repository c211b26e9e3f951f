// 00-core.js - the first part of jsexec's prelude: console, process, fs,
// require, and the helpers H that main.c uses (show, json, args, call).
//
// The files of prelude/ are joined in the order of their names into the
// body of one function, `function (N) { <files> return H; }`, which
// main.c calls once with its natives N (when the module is pre-initialised,
// at build time).  They share that function's scope (strict mode, ES5 as
// Duktape compiles it); a later file may replace what an earlier one made.
'use strict';
var G = new Function('return this')();
function show(v, top) {
  if (typeof v === 'string') return top ? v : JSON.stringify(v);
  if (v === undefined) return 'undefined';
  if (typeof v === 'function') return '[Function' + (v.name ? ': ' + v.name : '') + ']';
  if (typeof v === 'symbol') return String(v);
  if (v instanceof Error) return typeof v.stack === 'string' ? clean(v.stack) : String(v);
  if (v !== null && typeof v === 'object') {
    try { var s = JSON.stringify(v); if (s !== undefined) return s; } catch (e) {}
    return String(v);
  }
  return String(v);
}
function clean(st) {
  return st.split('\n').filter(function (l) {
    return !/\) internal$/.test(l) && !/^ *at \[anon\] \(\) native/.test(l);
  }).map(function (l) { return l.replace(/^( *at .*\))[a-z ]*$/, '$1'); }).join('\n');
}
function json(v) {
  try { return JSON.stringify(v); } catch (e) { return undefined; }
}
function line() {
  var s = [];
  for (var i = 0; i < arguments.length; i++) s.push(show(arguments[i], true));
  N.write(s.join(' ') + '\n');
}
var console = { log: line, info: line, debug: line, warn: line, error: line, trace: line,
  dir: function (v) { line(v); },
  table: function (v) { line(v); } };
function encOf(o) { return typeof o === 'string' ? o : (o && o.encoding) || null; }
function isDir(p) { try { return N.stat(p).type === 'dir'; } catch (e) { return false; } }
function mkStat(s) {
  return { size: s.size, mtimeMs: s.mtimeMs, mtime: new Date(s.mtimeMs),
    isFile: function () { return s.type === 'file'; },
    isDirectory: function () { return s.type === 'dir'; } };
}
var fs = {
  readFileSync: function readFileSync(p, o) { return N.read(p, encOf(o) !== null); },
  writeFileSync: function writeFileSync(p, d) { N.writeFile(p, d, false); },
  appendFileSync: function appendFileSync(p, d) { N.writeFile(p, d, true); },
  existsSync: function existsSync(p) { return N.exists(p); },
  readdirSync: function readdirSync(p) { return N.readdir(p === undefined ? '.' : p); },
  mkdirSync: function mkdirSync(p, o) { N.mkdir(p, !!(o && o.recursive)); },
  statSync: function statSync(p) { return mkStat(N.stat(p)); },
  unlinkSync: function unlinkSync(p) { N.unlink(p); }
};
var process = { argv: [], env: {}, platform: 'wasi', exitCode: undefined,
  exit: function (c) { N.exit(c === undefined ? (process.exitCode || 0) : c); },
  cwd: function () { return '/'; } };
function require(m) {
  if (m === 'fs' || m === 'node:fs') return fs;
  throw new Error("Cannot find module '" + m + "' (jsexec provides only 'fs')");
}
var hide = { writable: true, configurable: true, enumerable: false };
['console', 'process', 'fs', 'require'].forEach(function (k) {
  hide.value = { console: console, process: process, fs: fs, require: require }[k];
  Object.defineProperty(G, k, hide);
});
hide.value = line; Object.defineProperty(G, 'print', hide);
var H = { show: show, json: json, args: [] };
H.call = function (a, e, x) { process.argv = a; process.env = e; H.args = x; };
