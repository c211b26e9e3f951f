;; Unbounded recursion: "call stack exhausted".
(module
  (func $f (export "_start") (call $f)))
