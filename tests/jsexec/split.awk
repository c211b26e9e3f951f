# split.awk - splits case tables into one set of files per case.
#
#   awk -v dir=DIR -f split.awk TABLE...
#
# A table is a sequence of cases:
#
#   === NAME            (unique over all the tables)
#   @DIRECTIVE ...      (optional: @args JSON, @env NAME=VALUE (no spaces),
#                        @nonode (the output is not node's: not checked),
#                        @error, @flags ..., @status N, @match ERE, ...)
#   CODE ...
#   --- expect
#   OUTPUT ...          (up to the next `=== `; trailing empty lines dropped)
#
# Case I gets DIR/I.name, DIR/I.opt (its directives, one a line, without
# the @), DIR/I.js (the code) and DIR/I.exp (the output, no final newline).
# Prints the number of cases; exits 1 on a duplicate or malformed case.
function flush(   k, f) {
    if (!n) return
    if (code_lines == 0) { bad = bad "case '" name "' has no code\n" }
    f = dir "/" n ".exp"
    while (exp_lines > 0 && expl[exp_lines] == "") exp_lines--
    printf "" > f
    for (k = 1; k <= exp_lines; k++) printf "%s%s", expl[k], (k < exp_lines ? "\n" : "") > f
    close(f)
    close(dir "/" n ".js"); close(dir "/" n ".opt"); close(dir "/" n ".name")
}
/^=== / {
    flush()
    n++
    name = substr($0, 5)
    if (name in seen) bad = bad "duplicate case name '" name "' (" FILENAME ")\n"
    seen[name] = 1
    print name > (dir "/" n ".name")
    printf "" > (dir "/" n ".opt")
    printf "" > (dir "/" n ".js")
    state = "head"; code_lines = 0; exp_lines = 0
    next
}
!n { next }
state == "head" && /^@/ { print substr($0, 2) > (dir "/" n ".opt"); next }
state != "exp" && $0 == "--- expect" { state = "exp"; next }
state == "exp" { expl[++exp_lines] = $0; next }
{ state = "code"; code_lines++; print > (dir "/" n ".js") }
END {
    flush()
    if (bad != "") { printf "%s", bad > "/dev/stderr"; exit 1 }
    print n + 0
}
