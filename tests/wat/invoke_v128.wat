;; --invoke with v128 arguments and results (tests/e2e_run.sh): a v128 is
;; written as corral run prints one, 0x and up to 32 hex digits, one
;; 128-bit number whose low byte is lane 0.
(module
  (func (export "ident") (param v128) (result v128)
    local.get 0)
  (func (export "lane0") (param v128) (result i32)
    local.get 0
    i32x4.extract_lane 0)
  (func (export "add4") (param v128 v128) (result v128)
    local.get 0
    local.get 1
    i32x4.add)
  (func (export "byte15") (param v128) (result i32)
    local.get 0
    i8x16.extract_lane_u 15))
