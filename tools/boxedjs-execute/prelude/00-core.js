// 00-core.js - the first part of jsexec's prelude: the helpers H that
// main.c uses (show, json, args, call); console, process, fs and
// require are in 50-node.js and 55-modules.js.
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
  if (v === void 0) return 'undefined';
  if (typeof v === 'function') return '[Function' + (v.name ? ': ' + v.name : '') + ']';
  if (typeof v === 'symbol') return String(v);
  if (v instanceof Error) return typeof v.stack === 'string' ? clean(v.stack) : String(v);
  if (v !== null && typeof v === 'object') {
    try { var s = JSON.stringify(v); if (s !== void 0) return s; } catch (e) {}
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
  try { return JSON.stringify(v); } catch (e) { return void 0; }
}
var H = { show: show, json: json, args: [] };
// call(argv, env, args): the values of one call (55-modules.js adds to it).
H.call = function (a, e, x) { H.args = x; };
