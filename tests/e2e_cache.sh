#!/bin/sh
# e2e_cache.sh - end-to-end tests of the module cache (--cache-dir): hit
# and miss, keys (fuel, a changed module), every way an entry or the
# directory can be bad, a full and a read-only cache, two writers at once,
# and corral tool through it.  Every case ends in a correct run, and a
# warning on stderr where one is due (never anything on stdout).
#
#   sh tests/e2e_cache.sh CORRAL
#
# The tests run as root here, which bypasses permission bits, so the
# read-only cache is a directory made immutable with chattr +i, and the
# full one a 64 KiB tmpfs; each is skipped with a note where that is not
# possible.
#
# Output: `ok N - desc` or `FAIL N - desc: why` per case, and a last line
# `e2e_cache: N passed, N failed, N skipped`; exits 1 if any failed.
set -u

if [ $# -ne 1 ]; then
    echo "usage: $0 CORRAL" >&2
    exit 2
fi
corral=$1
case $corral in /*) ;; *) corral=$(pwd)/$corral ;; esac
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")

. "$here/tap.sh"

finish() {
    summary e2e_cache
    exit $?
}

if [ ! -x "$corral" ]; then
    echo "FAIL 1 - $corral is not executable"
    fail=1
    finish
fi
if ! command -v wat2wasm >/dev/null 2>&1; then
    echo "FAIL 1 - wat2wasm (wabt) is not installed"
    fail=1
    finish
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/corral-cache.XXXXXX") || exit 1
cleanup() {
    chattr -i "$tmp/ro" 2>/dev/null
    umount "$tmp/full" 2>/dev/null
    rm -rf "$tmp"
}
if [ -z "${E2E_KEEP:-}" ]; then
    trap cleanup EXIT INT TERM
else
    echo "# keeping $tmp"
fi

# hello.wasm prints "hello cache"; hello2.wasm "hello again".
hello_wat() {
    cat <<EOF
(module
  (import "wasi_snapshot_preview1" "fd_write" (func \$w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "$1\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const $2))
    (drop (call \$w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
EOF
}
hello_wat "hello cache" 12 >"$tmp/hello.wat"
hello_wat "hello again" 12 >"$tmp/hello2.wat"
wat2wasm -o "$tmp/hello.wasm" "$tmp/hello.wat" || exit 1
wat2wasm -o "$tmp/hello2.wasm" "$tmp/hello2.wat" || exit 1

# run CASE DIR [FLAGS...] MODULE: corral run --stats through cache DIR;
# $tmp/CASE.out, $tmp/CASE.err.  Sets $st.
run() {
    rn=$1
    rd=$2
    shift 2
    "$corral" run --stats --cache-dir "$rd" "$@" >"$tmp/$rn.out" 2>"$tmp/$rn.err"
    st=$?
}

# check CASE DESC WANT-OUT CACHE-WORD [WARNING-TEXT]: the run printed
# WANT-OUT, exited 0, said "cache: CACHE-WORD", and warned with the text
# (or did not warn at all when there is none).
check() {
    cn=$1
    desc=$2
    want=$3
    word=$4
    warning=${5:-}
    out=$(cat "$tmp/$cn.out")
    if [ "$st" -ne 0 ] || [ "$out" != "$want" ]; then
        bad "$desc" "exit $st, stdout '$out' (want '$want'); stderr: $(head -c 400 "$tmp/$cn.err")"
    elif ! grep -q "^cache: *$word" "$tmp/$cn.err"; then
        bad "$desc" "no 'cache: $word' in stderr: $(grep cache "$tmp/$cn.err" | head -c 400)"
    elif [ -n "$warning" ] && ! grep -q "warning: .*$warning" "$tmp/$cn.err"; then
        bad "$desc" "no warning '$warning': $(head -c 400 "$tmp/$cn.err")"
    elif [ -z "$warning" ] && grep -q "warning" "$tmp/$cn.err"; then
        bad "$desc" "unexpected warning: $(grep warning "$tmp/$cn.err" | head -c 400)"
    else
        ok "$desc"
    fi
}

entries() { find "$1" -maxdepth 1 -type f ! -name '.*' ! -name 'id-*' | wc -l | tr -d ' '; }
memos() { find "$1" -maxdepth 1 -type f -name 'id-*' | wc -l | tr -d ' '; }
temps() { find "$1" -maxdepth 1 -name '.tmp-*' | wc -l | tr -d ' '; }

# ---- hit and miss -------------------------------------------------------------

c=$tmp/c
run miss "$c" "$tmp/hello.wasm"
check miss "a first run misses and writes its entry" "hello cache" miss
mode=$(stat -c %a "$c" 2>/dev/null)
[ "$mode" = 700 ] && ok "the cache dir is created with mode 0700" ||
    bad "the cache dir is created with mode 0700" "mode $mode"
[ "$(entries "$c")" = 1 ] && ok "one entry, named by the key" ||
    bad "one entry, named by the key" "$(ls -a "$c")"
entry=$(find "$c" -maxdepth 1 -type f ! -name '.*' | head -n 1)
name=$(basename "$entry")
if printf '%s' "$name" | grep -Eq '^[0-9a-f]{64}$' && [ "$(stat -c %a "$entry")" = 600 ]; then
    ok "the entry's name is 64 hex digits, its mode 0600"
else
    bad "the entry's name is 64 hex digits, its mode 0600" "$name $(stat -c %a "$entry")"
fi
run hit "$c" "$tmp/hello.wasm"
check hit "a second run hits (nothing decoded)" "hello cache" hit

# --stats counts fuel, so the runs above lowered with fuel metering; a
# plain run lowers without it: another key.
"$corral" run --cache-dir "$c" "$tmp/hello.wasm" >"$tmp/nofuel.out" 2>"$tmp/nofuel.err"
if [ "$?" -eq 0 ] && [ "$(cat "$tmp/nofuel.out")" = "hello cache" ] && [ ! -s "$tmp/nofuel.err" ] &&
    [ "$(entries "$c")" = 2 ]; then
    ok "the same module without fuel metering gives a second entry"
else
    bad "the same module without fuel metering gives a second entry" "$(ls "$c"; cat "$tmp/nofuel.err")"
fi
run fuel "$c" --fuel 1000000 "$tmp/hello.wasm"
check fuel "a --fuel budget lowers like --stats (metering on): a hit" "hello cache" hit
"$corral" run --cache-dir "$c" "$tmp/hello.wasm" >"$tmp/nofuel2.out" 2>&1
[ "$(cat "$tmp/nofuel2.out")" = "hello cache" ] && [ "$(entries "$c")" = 2 ] &&
    ok "the entry without metering is used in turn (no third entry)" ||
    bad "the entry without metering is used in turn" "$(ls "$c")"

run changed "$c" "$tmp/hello2.wasm"
check changed "a changed module misses and runs as changed" "hello again" miss
[ "$(entries "$c")" = 3 ] && ok "a changed module gives a new entry" ||
    bad "a changed module gives a new entry" "$(ls "$c")"

# ---- a file's remembered key ---------------------------------------------------------

# A module file whose change time is 2 s old has its key remembered in an
# id- file, so later runs find the entry without hashing the bytes; a
# change to the file (even of the same size, its times set back) changes
# its identity, so the new bytes are hashed and run.
k=$tmp/k
cp "$tmp/hello.wasm" "$tmp/m.wasm"
run memo0 "$k" "$tmp/m.wasm"
check memo0 "a module file changed under 2 s ago: its key is not remembered" "hello cache" miss
[ "$(memos "$k")" = 0 ] && ok "...no id- file for it" || bad "...no id- file for it" "$(ls "$k")"
sleep 2
run memo1 "$k" "$tmp/m.wasm"
check memo1 "the same file 2 s later: a hit" "hello cache" hit
memo=$(find "$k" -maxdepth 1 -name 'id-*' | head -n 1)
if [ "$(memos "$k")" = 1 ] && [ "$(wc -c <"$memo" | tr -d ' ')" = 40 ] &&
    [ "$(stat -c %a "$memo")" = 600 ] && [ "$(head -c 8 "$memo")" = corralID ]; then
    ok "...and its key is remembered (one id- file, 40 bytes, mode 0600)"
else
    bad "...and its key is remembered" "$(ls -l "$k")"
fi
run memo2 "$k" "$tmp/m.wasm"
check memo2 "a run through the remembered key hits" "hello cache" hit
chmod 666 "$memo"
run memo3 "$k" "$tmp/m.wasm"
check memo3 "an id- file writable by others is not believed: the bytes are hashed, a hit" "hello cache" hit
[ "$(stat -c %a "$memo")" = 600 ] && ok "...and it is written again, 0600" ||
    bad "...and it is written again, 0600" "$(ls -l "$k")"
if [ "$(wc -c <"$tmp/hello.wasm")" = "$(wc -c <"$tmp/hello2.wasm")" ]; then
    touch -r "$tmp/m.wasm" "$tmp/stamp"
    cat "$tmp/hello2.wasm" >"$tmp/m.wasm" # same inode, same size
    touch -r "$tmp/stamp" "$tmp/m.wasm"   # and the old modification time
    run memo4 "$k" "$tmp/m.wasm"
    check memo4 "the file rewritten with other bytes of its size, times set back: the new bytes run" \
        "hello again" miss
else
    skip "the file rewritten with bytes of its size" "hello.wasm and hello2.wasm differ in size"
fi

# ---- bad entries ------------------------------------------------------------------

size=$(wc -c <"$entry" | tr -d ' ')
cp "$entry" "$tmp/good"
trunc_bad=""
i=0
while [ "$i" -lt "$size" ]; do
    head -c "$i" "$tmp/good" >"$entry"
    run trunc "$c" "$tmp/hello.wasm"
    out=$(cat "$tmp/trunc.out")
    if [ "$st" -ne 0 ] || [ "$out" != "hello cache" ] || ! grep -q "cache: *miss" "$tmp/trunc.err" ||
        { [ "$i" -gt 0 ] && ! grep -q "warning: .*ignored the entry.*truncated" "$tmp/trunc.err"; }; then
        trunc_bad="$trunc_bad $i"
    fi
    i=$((i + 1))
done
[ -z "$trunc_bad" ] && ok "the entry truncated at each of its $size lengths: ignored, rebuilt, run correct" ||
    bad "the entry truncated at every length" "failed at lengths:$(echo "$trunc_bad" | head -c 300)"
cmp -s "$entry" "$tmp/good" && ok "the rebuilt entry is whole again" ||
    bad "the rebuilt entry is whole again" "differs from the original"

flip_bad=""
i=0
while [ "$i" -lt "$size" ]; do
    cp "$tmp/good" "$entry"
    byte=$(od -An -tu1 -j "$i" -N1 "$tmp/good" | tr -d ' ')
    printf "$(printf '\\%03o' $(((byte + 1) % 256)))" |
        dd of="$entry" bs=1 seek="$i" conv=notrunc 2>/dev/null
    run flip "$c" "$tmp/hello.wasm"
    if [ "$st" -ne 0 ] || [ "$(cat "$tmp/flip.out")" != "hello cache" ] ||
        ! grep -q "warning: .*ignored the entry" "$tmp/flip.err"; then
        flip_bad="$flip_bad $i"
    fi
    i=$((i + 7))
done
[ -z "$flip_bad" ] && ok "a byte changed at every 7th offset: ignored with a warning, run correct" ||
    bad "a byte changed at every 7th offset" "failed at:$(echo "$flip_bad" | head -c 300)"

cp "$tmp/good" "$entry"
printf '\007' | dd of="$entry" bs=1 seek=8 conv=notrunc 2>/dev/null
run version "$c" "$tmp/hello.wasm"
check version "a header from another format version is ignored" "hello cache" miss "another format version"

rm -f "$entry"
cp "$tmp/good" "$tmp/elsewhere"
ln -s "$tmp/elsewhere" "$entry"
run symlink "$c" "$tmp/hello.wasm"
check symlink "an entry that is a symbolic link is refused" "hello cache" miss "symbolic link"
[ -f "$entry" ] && [ ! -L "$entry" ] && ok "...and replaced by a regular entry (the link's target untouched)" ||
    bad "...and replaced by a regular entry" "$(ls -l "$entry")"
cmp -s "$tmp/elsewhere" "$tmp/good" || bad "the symbolic link's target is untouched" "it changed"

rm -f "$entry"
mkdir "$entry"
run isdir "$c" "$tmp/hello.wasm"
check isdir "a directory in the entry's place is refused" "hello cache" miss "is a directory"
rmdir "$entry"

mkfifo "$entry"
run fifo "$c" "$tmp/hello.wasm"
check fifo "a FIFO in the entry's place is refused without blocking" "hello cache" miss "not a regular file"
rm -f "$entry"

cp "$tmp/good" "$entry"
chmod 666 "$entry"
run wentry "$c" "$tmp/hello.wasm"
check wentry "an entry writable by others is refused" "hello cache" miss "writable by group or others"
[ "$(stat -c %a "$entry")" = 600 ] && ok "...and rebuilt with mode 0600" ||
    bad "...and rebuilt with mode 0600" "mode $(stat -c %a "$entry")"

# ---- bad cache directories ----------------------------------------------------------------

w=$tmp/open
mkdir "$w"
chmod 777 "$w"
run wdir "$w" "$tmp/hello.wasm"
check wdir "a world-writable cache dir is refused" "hello cache" off "writable by group or others"
[ "$(entries "$w")" = 0 ] && ok "...and nothing is written to it" || bad "...and nothing is written to it" "$(ls "$w")"

g=$tmp/group
mkdir "$g"
chmod 770 "$g"
run gdir "$g" "$tmp/hello.wasm"
check gdir "a group-writable cache dir is refused" "hello cache" off "writable by group or others"

if id nobody >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    o=$tmp/other
    mkdir "$o"
    chmod 700 "$o"
    chown nobody "$o"
    run odir "$o" "$tmp/hello.wasm"
    check odir "a cache dir owned by another user is refused" "hello cache" off "owned by another user"
    cp "$tmp/good" "$entry"
    chown nobody "$entry"
    run oentry "$c" "$tmp/hello.wasm"
    check oentry "an entry owned by another user is refused" "hello cache" miss "owned by another user"
else
    skip "a cache dir owned by another user is refused" "needs root and a user nobody"
fi

printf 'x' >"$tmp/afile"
run file "$tmp/afile" "$tmp/hello.wasm"
check file "a file where the cache dir should be: a warning, an uncached run" "hello cache" off "cannot open the directory"
run noparent "$tmp/missing/cache" "$tmp/hello.wasm"
check noparent "a cache dir whose parent is missing: a warning, an uncached run" "hello cache" off "cannot create the directory"

r=$tmp/ro
mkdir "$r"
chmod 700 "$r"
if chattr +i "$r" 2>/dev/null; then
    run ro "$r" "$tmp/hello.wasm"
    check ro "a read-only cache dir (chattr +i): a warning, a correct run" "hello cache" miss "cannot write an entry"
    chattr -i "$r"
    [ "$(temps "$r")" = 0 ] && ok "...and no temporary file is left" || bad "...and no temporary file is left" "$(ls -a "$r")"
else
    skip "a read-only cache dir" "chattr +i is not supported here"
fi

f=$tmp/full
mkdir "$f"
big=$root/build/wasm/bench/sort.wasm
if [ -f "$big" ] && mount -t tmpfs -o size=64k,mode=0700 tmpfs "$f" 2>/dev/null; then
    run full "$f" "$big"
    if [ "$st" -eq 0 ] && grep -q "sort ok" "$tmp/full.out" && grep -q "warning: .*cannot write the entry.*No space left" "$tmp/full.err"; then
        ok "a full cache (a 64 KiB tmpfs): a warning, a correct run"
    else
        bad "a full cache" "exit $st; $(head -c 300 "$tmp/full.out"); $(head -c 400 "$tmp/full.err")"
    fi
    [ "$(temps "$f")" = 0 ] && [ "$(entries "$f")" = 0 ] && ok "...and neither an entry nor a temporary file is left" ||
        bad "...and neither an entry nor a temporary file is left" "$(ls -a "$f")"
    umount "$f"
else
    skip "a full cache" "cannot mount a tmpfs here (or $big is not built)"
fi

# ---- two writers ------------------------------------------------------------------------------

t=$tmp/two
for k in 1 2 3 4; do
    "$corral" run --stats --cache-dir "$t" "$root/build/wasm/bench/sort.wasm" >"$tmp/two$k.out" 2>"$tmp/two$k.err" &
done
wait
two_ok=1
for k in 1 2 3 4; do
    grep -q "sort ok" "$tmp/two$k.out" || two_ok=0
    grep -q warning "$tmp/two$k.err" && two_ok=0
done
run twoafter "$t" "$root/build/wasm/bench/sort.wasm"
if [ "$two_ok" = 1 ] && grep -q "sort ok" "$tmp/twoafter.out" && grep -q "^cache: *hit" "$tmp/twoafter.err" &&
    [ "$(entries "$t")" = 1 ] && [ "$(temps "$t")" = 0 ]; then
    ok "four processes writing the same entry at once: all correct, one whole entry (a hit after)"
else
    bad "four processes writing the same entry at once" "$(cat "$tmp"/two*.err | head -c 400); $(ls -a "$t")"
fi

# ---- the memory image ----------------------------------------------------------------
# image.wasm: 70,000 bytes of data from 100 and "tail!" on page 3 (so its
# entry carries memory's image, mapped copy-on-write on a hit); it prints
# bytes 200..210 and the tail, writes "MOD" and "T" over them and prints
# again, then grows memory by 200 pages, writes at the new end and reads
# it back.

big=$(head -c 70000 /dev/zero | tr '\0' 'a')
cat >"$tmp/image.wat" <<EOF
(module
  (import "wasi_snapshot_preview1" "fd_write" (func \$w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 4)
  (data (i32.const 100) "$big")
  (data (i32.const 196618) "tail!")
  (func \$out (param \$p i32) (param \$n i32)
    (i32.store (i32.const 0) (local.get \$p))
    (i32.store (i32.const 4) (local.get \$n))
    (drop (call \$w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func (export "_start")
    (i32.store8 (i32.const 16) (i32.const 10))
    (call \$out (i32.const 200) (i32.const 10))
    (call \$out (i32.const 196618) (i32.const 5))
    (call \$out (i32.const 16) (i32.const 1))
    (i32.store16 (i32.const 200) (i32.const 0x4f4d))
    (i32.store8 (i32.const 202) (i32.const 0x44))
    (i32.store8 (i32.const 196618) (i32.const 0x54))
    (call \$out (i32.const 200) (i32.const 10))
    (call \$out (i32.const 196618) (i32.const 5))
    (call \$out (i32.const 16) (i32.const 1))
    (if (i32.ne (memory.grow (i32.const 200)) (i32.const 4)) (then unreachable))
    (i32.store (i32.const 13369340) (i32.const 0x0a6b6f))
    (call \$out (i32.const 13369340) (i32.const 3))))
EOF
wat2wasm -o "$tmp/image.wasm" "$tmp/image.wat" || exit 1
image_want=$(printf 'aaaaaaaaaatail!\nMODaaaaaaaTail!\nok')
ic=$tmp/imagecache
run image0 "$ic" "$tmp/image.wasm"
check image0 "a module with 70 KB of data: a miss writes an entry with its memory image" "$image_want" miss
ientry=$(find "$ic" -maxdepth 1 -type f ! -name 'id-*' | head -n 1)
isize=$(stat -c %s "$ientry")
[ $((isize % 65536)) = 0 ] && [ "$isize" -ge 131072 ] &&
    ok "the entry ends with the image: pages, at a 64 KiB boundary ($isize bytes)" ||
    bad "the entry ends with the image" "$isize bytes"
cp "$ientry" "$tmp/image.entry"
run image1 "$ic" "$tmp/image.wasm"
check image1 "a hit maps the image: the same output (memory written and grown)" "$image_want" hit
run image2 "$ic" "$tmp/image.wasm"
check image2 "another hit sees the image as it was: the writes were private" "$image_want" hit
cmp -s "$ientry" "$tmp/image.entry" && ok "the runs left the entry's file unchanged" ||
    bad "the runs left the entry's file unchanged" "the entry changed"
# Under a small address-space limit the 4 GiB reservation fails: each
# memory is just its size, and growing moves it.  (Not under ASan, which
# cannot reserve its shadow memory there.)
if nm "$corral" 2>/dev/null | grep -q __asan_init; then
    skip "under ulimit -v 300000: a hit, grown by moving" "an AddressSanitizer build cannot run under ulimit -v"
else
    (ulimit -v 300000 && "$corral" run --stats --cache-dir "$ic" "$tmp/image.wasm" \
        >"$tmp/image3.out" 2>"$tmp/image3.err")
    st=$?
    check image3 "under ulimit -v 300000 (no room to reserve): a hit, grown by moving, same output" "$image_want" hit
fi

# ---- corral tool ------------------------------------------------------------------------------

tools=$root/build/wasm/tools
if [ -f "$tools/file-read.wasm" ]; then
    tc=$tmp/toolcache
    mkdir -p "$tmp/work"
    printf 'one\ntwo\n' >"$tmp/work/a.txt"
    for k in 1 2; do
        (cd "$tmp/work" && "$corral" tool --stats --tools-dir "$tools" --cache-dir "$tc" read \
            '{"file_path": "/a.txt"}' >"$tmp/tool$k.out" 2>"$tmp/tool$k.err")
    done
    if grep -q 'two' "$tmp/tool1.out" && grep -q '^cache: *miss' "$tmp/tool1.err" &&
        grep -q '^cache: *hit' "$tmp/tool2.err" &&
        [ "$(sed 's/"elapsed_ms":[0-9.]*//' "$tmp/tool1.out")" = "$(sed 's/"elapsed_ms":[0-9.]*//' "$tmp/tool2.out")" ]; then
        ok "corral tool read through the cache: a miss, then a hit with the same result"
    else
        bad "corral tool read through the cache" "$(head -c 300 "$tmp/tool1.err") / $(head -c 300 "$tmp/tool2.err")"
    fi
else
    skip "corral tool read through the cache" "the tools are not built"
fi

# A tool whose key is remembered and whose entry needs none of its bytes
# (jsexec: all its data is in the entry's image, none passive) is loaded
# from the entry alone: its module file is not even opened.
if [ -f "$tools/boxedjs-execute.wasm" ]; then
    jt=$tmp/jtools jc=$tmp/jcache
    mkdir -p "$jt"
    cp "$tools/boxedjs-execute.wasm" "$jt/"
    sleep 2 # its change time 2 s old: its key is remembered
    for k in 1 2 3; do
        "$corral" tool --stats --tools-dir "$jt" --cache-dir "$jc" jsexec '{"code": "6*7"}' \
            >"$tmp/j$k.out" 2>"$tmp/j$k.err"
    done
    if grep -q '"content":"42"' "$tmp/j1.out" && grep -q '^cache: *miss' "$tmp/j1.err" &&
        grep -q '"content":"42"' "$tmp/j3.out" && grep -q '^cache: *hit' "$tmp/j3.err"; then
        ok "corral tool jsexec: a miss, then hits through the remembered key, the same result"
    else
        bad "corral tool jsexec through the remembered key" "$(head -c 300 "$tmp/j1.err") / $(head -c 300 "$tmp/j3.out")"
    fi
    jentry=$(find "$jc" -maxdepth 1 -type f ! -name 'id-*' | head -n 1)
    [ -n "$jentry" ] && [ "$(od -An -tu1 -j12 -N1 "$jentry" | tr -d ' ')" = 0 ] &&
        ok "...its entry needs none of the module's bytes (the header's flag is 0)" ||
        bad "...its entry needs none of the module's bytes" "flag $(od -An -tu1 -j12 -N1 "$jentry")"
    if command -v strace >/dev/null 2>&1; then
        strace -f -e trace=open,openat -o "$tmp/j.trace" "$corral" tool --tools-dir "$jt" \
            --cache-dir "$jc" jsexec '{"code": "6*7"}' >"$tmp/j4.out" 2>"$tmp/j4.err"
        if grep -q '"content":"42"' "$tmp/j4.out" && grep -q "$(basename "$jentry")" "$tmp/j.trace" &&
            ! grep -q "jtools/boxedjs-execute.wasm" "$tmp/j.trace"; then
            ok "...and such a hit opens the entry, not the module file"
        else
            bad "...and such a hit opens the entry, not the module file" "$(grep -c jtools "$tmp/j.trace") opens of the module"
        fi
    else
        skip "...and such a hit opens the entry, not the module file" "strace is not installed"
    fi
    # corral run through the cache: the same, the file not read on a hit
    for k in 1 2; do
        printf '{"code": "6*7"}' | "$corral" run --stats --cache-dir "$jc" "$jt/boxedjs-execute.wasm" \
            >"$tmp/jr$k.out" 2>"$tmp/jr$k.err"
    done
    grep -q '"content": *"42"' "$tmp/jr2.out" && grep -q '^cache: *hit' "$tmp/jr2.err" &&
        ok "corral run jsexec through the cache: a hit, the same result" ||
        bad "corral run jsexec through the cache" "$(head -c 300 "$tmp/jr2.err")"
    if command -v strace >/dev/null 2>&1; then
        printf '{"code": "6*7"}' | strace -f -e trace=open,openat -o "$tmp/jr.trace" "$corral" run \
            --cache-dir "$jc" --stats "$jt/boxedjs-execute.wasm" >"$tmp/jr3.out" 2>"$tmp/jr3.err"
        grep -q '"content": *"42"' "$tmp/jr3.out" && ! grep -q "jtools/boxedjs-execute.wasm" "$tmp/jr.trace" &&
            ok "...and corral run's hit does not open the module file either" ||
            bad "...and corral run's hit does not open the module file either" "$(grep -c jtools "$tmp/jr.trace") opens"
    else
        skip "...and corral run's hit does not open the module file either" "strace is not installed"
    fi
    # a changed module (new identity): read and hashed again, still right
    cat "$tools/boxedjs-execute.wasm" >"$jt/boxedjs-execute.wasm"
    "$corral" tool --stats --tools-dir "$jt" --cache-dir "$jc" jsexec '{"code": "6*7"}' \
        >"$tmp/j5.out" 2>"$tmp/j5.err"
    grep -q '"content":"42"' "$tmp/j5.out" && grep -q '^cache: *hit' "$tmp/j5.err" &&
        ok "...a rewritten module file is read and hashed again: the same entry, a hit" ||
        bad "...a rewritten module file is read again" "$(head -c 300 "$tmp/j5.err")"
    # no module file at all: not installed, even with the entry there
    rm -f "$jt/boxedjs-execute.wasm"
    "$corral" tool --tools-dir "$jt" --cache-dir "$jc" jsexec '{"code": "6*7"}' >"$tmp/j6.out" 2>&1
    grep -q 'not installed' "$tmp/j6.out" && ok "...a removed module file: the tool is not installed" ||
        bad "...a removed module file: the tool is not installed" "$(head -c 300 "$tmp/j6.out")"
    "$corral" run --cache-dir "$jc" "$jt/boxedjs-execute.wasm" </dev/null >"$tmp/j7.out" 2>&1
    st=$?
    [ $st = 1 ] && grep -q "cannot read $jt/boxedjs-execute.wasm: No such file or directory" "$tmp/j7.out" &&
        ok "...and corral run of it: exit 1, 'cannot read' naming the file" ||
        bad "...and corral run of it" "exit $st: $(head -c 300 "$tmp/j7.out")"
else
    skip "corral tool jsexec through the remembered key" "the tools are not built"
fi

finish
