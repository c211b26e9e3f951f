# tap.sh - the counting and reporting shared by the end-to-end scripts.
# Source it; then `ok DESC`, `bad DESC WHY`, `skip DESC WHY` print one
# line each, and `summary NAME` prints `NAME: N passed, N failed, N skipped`
# (the line tests/run.sh reads) and returns 1 if anything failed.
pass=0
fail=0
skipped=0
n=0

ok() {
    n=$((n + 1))
    pass=$((pass + 1))
    echo "ok $n - $1"
}

bad() {
    n=$((n + 1))
    fail=$((fail + 1))
    echo "FAIL $n - $1: $2"
}

skip() {
    n=$((n + 1))
    skipped=$((skipped + 1))
    echo "ok $n - $1 # SKIP $2"
}

summary() {
    echo "$1: $pass passed, $fail failed, $skipped skipped"
    [ "$fail" -eq 0 ]
}
