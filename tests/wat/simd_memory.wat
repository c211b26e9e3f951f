;; simd_memory.wat - v128 in memory, globals, locals and calls, for
;; tests/test_simd.c: loads and stores at the end of the one page of
;; memory (65536 bytes), offsets whose effective address passes 2^32, a
;; mutable and an immutable v128 global, a v128 local kept across a call,
;; and functions whose fuel is counted by hand.
(module
  (memory (export "memory") 1 1)
  (global $g (export "g") (mut v128) (v128.const i32x4 1 2 3 4))
  (global $k (export "k") v128 (v128.const i8x16 -1 0 1 2 3 4 5 6 7 8 9 10 11 12 13 127))

  ;; ---- loads and stores; each takes the address as an i32 ----
  (func (export "load") (param i32) (result v128)
    (v128.load (local.get 0)))
  (func (export "load_off_max") (param i32) (result v128)
    (v128.load offset=4294967295 (local.get 0)))
  (func (export "load_off_16") (param i32) (result v128)
    (v128.load offset=16 (local.get 0)))
  (func (export "store") (param i32 v128)
    (v128.store (local.get 0) (local.get 1)))
  (func (export "store_off_max") (param i32 v128)
    (v128.store offset=4294967295 (local.get 0) (local.get 1)))
  (func (export "load32_zero") (param i32) (result v128)
    (v128.load32_zero (local.get 0)))
  (func (export "load64_zero") (param i32) (result v128)
    (v128.load64_zero (local.get 0)))
  (func (export "load8_splat") (param i32) (result v128)
    (v128.load8_splat (local.get 0)))
  (func (export "load16x4_s") (param i32) (result v128)
    (v128.load16x4_s (local.get 0)))
  (func (export "load32x2_u") (param i32) (result v128)
    (v128.load32x2_u (local.get 0)))
  (func (export "load8_lane_15") (param i32 v128) (result v128)
    (v128.load8_lane 15 (local.get 0) (local.get 1)))
  (func (export "load8_lane_off_max") (param i32 v128) (result v128)
    (v128.load8_lane offset=4294967295 0 (local.get 0) (local.get 1)))
  (func (export "load32_lane_2") (param i32 v128) (result v128)
    (v128.load32_lane 2 (local.get 0) (local.get 1)))
  (func (export "store64_lane_1") (param i32 v128)
    (v128.store64_lane 1 (local.get 0) (local.get 1)))
  (func (export "store64_lane_off_max") (param i32 v128)
    (v128.store64_lane offset=4294967295 0 (local.get 0) (local.get 1)))
  (func (export "store16_lane_7") (param i32 v128)
    (v128.store16_lane 7 (local.get 0) (local.get 1)))

  ;; ---- globals ----
  (func (export "get_g") (result v128) (global.get $g))
  (func (export "set_g") (param v128) (global.set $g (local.get 0)))
  (func (export "get_k") (result v128) (global.get $k))
  ;; g += k lane-wise (i8x16), then return g
  (func (export "bump_g") (result v128)
    (global.set $g (i8x16.add (global.get $g) (global.get $k)))
    (global.get $g))

  ;; ---- a v128 local across a call ----
  ;; $clobber fills its own v128 locals and operand stack with other values
  ;; and leaves the result in memory.
  (func $clobber (param v128) (result v128)
    (local v128 v128)
    (local.set 1 (v128.const i32x4 -1 -1 -1 -1))
    (local.set 2 (i8x16.splat (i32.const 0x5a)))
    (i8x16.add (local.get 0) (v128.xor (local.get 1) (local.get 2))))
  ;; keep = x; y = clobber(c); return (keep, y): keep is read back from
  ;; its local after the call
  (func (export "local_across_call") (param v128) (result v128 v128)
    (local $keep v128) (local $y v128)
    (local.set $keep (local.get 0))
    (local.set $y (call $clobber (v128.const i64x2 0x0123456789abcdef 0x0fedcba987654321)))
    (local.get $keep)
    (local.get $y))

  ;; ---- fuel: every instruction but end costs 1 ----
  ;; v128.const (1), v128.const (1), i8x16.add (1), i8x16.shuffle with
  ;; v128.const (2), i32x4.extract_lane (1) = 6
  (func (export "fuel6") (result i32)
    (i32x4.extract_lane 3
      (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15
        (i8x16.add (v128.const i32x4 1 2 3 4) (v128.const i32x4 10 20 30 40))
        (v128.const i64x2 0 0))))
  ;; i32.const (1), i32.const and v128.load (2), i32.const and i32x4.splat
  ;; (2), i32x4.mul (1), v128.store (1) = 7; the i32 lanes at 0 times 3
  (func (export "fuel7")
    (v128.store (i32.const 0)
      (i32x4.mul (v128.load (i32.const 0)) (i32x4.splat (i32.const 3)))))
)
