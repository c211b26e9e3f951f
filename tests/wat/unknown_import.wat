;; An import nothing provides.
(module
  (import "env" "foo" (func))
  (func (export "_start") (call 0)))
