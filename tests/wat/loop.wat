;; Spins forever: stopped by --fuel or --timeout.
(module
  (func (export "_start") (loop (br 0))))
