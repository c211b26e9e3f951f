;; A minimum of 4 pages: cannot instantiate under --max-memory 128K.
(module
  (memory 4)
  (func (export "_start")))
