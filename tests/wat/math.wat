;; Functions for --invoke: arguments parsed from the command line, results
;; printed one per line.
(module
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "add64") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
  (func (export "fmul") (param f64 f64) (result f64) (f64.mul (local.get 0) (local.get 1)))
  (func (export "half") (param f32) (result f32) (f32.mul (local.get 0) (f32.const 0.5)))
  (func (export "pair") (result i32 i64) (i32.const 1) (i64.const -2))
  (func (export "none")))
