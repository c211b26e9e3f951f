// Run a wasm32-wasi command module under node:wasi and exit with its code.
//
//   node --no-warnings bench/node-wasi.mjs FILE.wasm [ARGS...]
//
// The guest gets its arguments (argv[0] is FILE.wasm), stdin, stdout,
// stderr and the clocks, and nothing else: an empty environment and no
// preopened directories. Exit status, as with `corral run`: the guest's exit
// code, 134 after a trap, 1 when the module cannot be loaded.
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import process from 'node:process';

const message = (err) => (err && err.message ? err.message : String(err));

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node --no-warnings node-wasi.mjs FILE.wasm [ARGS...]\n');
  process.exit(2);
}

let wasi, instance;
try {
  wasi = new WASI({
    version: 'preview1',
    args: [file, ...process.argv.slice(3)],
    env: {},
    preopens: {},
    returnOnExit: true,
  });
  const module = await WebAssembly.compile(await readFile(file));
  instance = await WebAssembly.instantiate(module, wasi.getImportObject());
} catch (err) {
  process.stderr.write(`Error: ${message(err)}\n`);
  process.exit(1);
}

let code;
try {
  code = wasi.start(instance);
} catch (err) {
  process.stderr.write(`Error: wasm trap: ${message(err)}\n`);
  code = 134;
}
// Set the code rather than calling process.exit(), so that output still
// buffered for a pipe is written first.
process.exitCode = code ?? 0;
