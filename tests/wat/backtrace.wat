;; Traps in nested calls, for the wasm frames `corral run` prints below
;; the trap message (e2e_run.sh builds it with --debug-names too, for a
;; name section).
(module
  (func $divide (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
  (func $middle (param i32) (result i32) (i32.add (i32.const 2) (call $divide (local.get 0))))
  (func $recurse (param i32) (result i32) (call $recurse (local.get 0)))
  (func (export "_start") (drop (call $middle (i32.const 0))))
  (func (export "deep") (drop (call $recurse (i32.const 0)))))
