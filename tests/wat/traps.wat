;; One trap per export; _start hits unreachable.
(module
  (memory 1)
  (func (export "_start") unreachable)
  (func (export "oob") (result i32) (i32.load (i32.const 65536)))
  (func (export "div0") (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
  (func (export "overflow") (result i32) (i32.div_s (i32.const 0x80000000) (i32.const -1)))
  (func (export "trunc") (result i32) (i32.trunc_f64_s (f64.const nan)))
  (func (export "indirect") (call_indirect (i32.const 0)))
  (table 1 funcref))
