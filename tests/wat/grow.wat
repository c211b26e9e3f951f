;; memory.grow against --max-memory.
(module
  (memory 1)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "grow_then_size") (param i32) (result i32)
    (drop (memory.grow (local.get 0)))
    (memory.size)))
