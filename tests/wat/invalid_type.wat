;; Fails validation (built with wat2wasm --no-check): i64 where i32 is due.
(module
  (func (export "_start") (result i32) (i64.const 1)))
