#!/bin/sh
# e2e_install.sh - make install, as a user and an embedder meet it.
#
#   sh tests/e2e_install.sh
#
# Installs the release build (build/rel, built by make if it is not) with
# `make install DESTDIR=TMP PREFIX=/usr/local`, then:
#   - builds each program of examples/ with `pkg-config --cflags --libs
#     corral` (PKG_CONFIG_LIBDIR and PKG_CONFIG_SYSROOT_DIR point into
#     TMP), against the shared library (run with LD_LIBRARY_PATH) and the
#     static one (-static, with --static's Libs.private), runs them and
#     checks what they print;
#   - runs the installed corral: --version, `corral tool read` (it finds
#     its tools in lib/corral/tools beside itself; without /proc too, when
#     unshare may mount an empty one), and again after the whole prefix is
#     moved elsewhere;
#   - checks the man page renders without warnings;
#   - installs a second time over the first, then `make uninstall` must
#     leave TMP as it was before (a file listing compared), a file and an
#     empty directory that were there before install included.
# Ends with `e2e_install: N passed, N failed, N skipped` (tap.sh).
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
cd "$root" || exit 1
. "$here/tap.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest
prefix=/usr/local
inst=$dest$prefix
version=$(sed -n 's/^#define CORRAL_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' \
    include/corral.h | paste -sd. -)
limit=""
if command -v timeout >/dev/null 2>&1; then
    limit="timeout 120"
fi

for t in pkg-config cc; do
    if ! command -v $t >/dev/null 2>&1; then
        bad "set-up" "$t is not installed (make deps installs it)"
        summary e2e_install
        exit 1
    fi
done

# What was there before: a file of someone else's, and an empty directory
# of the tree that install writes into.  Neither may go.
mkdir -p "$inst/share/man" "$inst/lib"
echo "not corral's" >"$inst/lib/other.txt"
listing() {
    (cd "$dest" && find . | sort)
}
listing >"$tmp/before"
# mk TARGET: make install or uninstall into the temporary tree.
mk() {
    make --no-print-directory -s "$1" DESTDIR="$dest" PREFIX="$prefix"
}

# ---- install ----------------------------------------------------------------
if mk install >"$tmp/install.log" 2>&1; then
    ok "make install DESTDIR PREFIX=$prefix"
else
    bad "make install DESTDIR PREFIX=$prefix" "$(tail -n 5 "$tmp/install.log")"
    summary e2e_install
    exit 1
fi
missing=""
for f in bin/corral include/corral.h include/corral_bounds.h lib/libcorral.a \
    "lib/libcorral.so.$version" lib/pkgconfig/corral.pc lib/corral/tools/file-read.wasm \
    lib/corral/tools/bash.wasm share/man/man1/corral.1 share/doc/corral/README.md; do
    [ -f "$inst/$f" ] || missing="$missing $f"
done
major=${version%%.*}
[ "$(readlink "$inst/lib/libcorral.so.$major")" = "libcorral.so.$version" ] ||
    missing="$missing lib/libcorral.so.$major->libcorral.so.$version"
[ "$(readlink "$inst/lib/libcorral.so")" = "libcorral.so.$major" ] ||
    missing="$missing lib/libcorral.so->libcorral.so.$major"
if [ -z "$missing" ]; then
    ok "the installed files and links"
else
    bad "the installed files and links" "missing:$missing"
fi
soname=$(readelf -d "$inst/lib/libcorral.so.$version" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
if [ "$soname" = "libcorral.so.$major" ]; then
    ok "the shared library's soname is libcorral.so.$major"
else
    bad "the shared library's soname is libcorral.so.$major" "it is '$soname'"
fi

# ---- pkg-config ----------------------------------------------------------------
export PKG_CONFIG_LIBDIR="$inst/lib/pkgconfig"
export PKG_CONFIG_SYSROOT_DIR="$dest"
unset PKG_CONFIG_PATH
got=$(pkg-config --modversion corral 2>&1)
if [ "$got" = "$version" ]; then
    ok "pkg-config --modversion corral is $version"
else
    bad "pkg-config --modversion corral is $version" "it is '$got'"
fi
flags=$(pkg-config --cflags --libs corral)
static_flags=$(pkg-config --cflags --libs --static corral)
case "$flags" in
*"-I$inst/include"*"-L$inst/lib"*"-lcorral"*) ok "pkg-config --cflags --libs: $flags" ;;
*) bad "pkg-config --cflags --libs" "'$flags'" ;;
esac
case "$static_flags" in
*-lcorral*-lpthread*) ok "pkg-config --static adds Libs.private: $static_flags" ;;
*) bad "pkg-config --static adds Libs.private" "'$static_flags'" ;;
esac
# pkgconf puts the sysroot before a variable's path too; pkg-config does not.
toolsdir=$(pkg-config --variable=toolsdir corral)
case $toolsdir in "$dest"/*) ;; *) toolsdir=$dest$toolsdir ;; esac
if [ "$toolsdir" = "$inst/lib/corral/tools" ]; then
    ok "pkg-config --variable=toolsdir"
else
    bad "pkg-config --variable=toolsdir" "'$toolsdir'"
fi

# ---- the examples, against each library ------------------------------------------
mkdir -p "$tmp/bin" "$tmp/work"
printf 'hello\nworld\n' >"$tmp/work/notes.txt"
embed_want="guest says: Hello, embedder!
add(2, 3) = 5
memory[32] = 5"
wasi_want="exit code 7
stdout (14 bytes): hello, stdout
stderr (14 bytes): hello, stderr"
tool_want='"content": "     1\thello\n     2\tworld\n", "is_error": false'

# run_example NAME KIND WANT MODE ARGS...: MODE = or ~ (whole output, or
# a part of it).
run_example() {
    name=$1 kind=$2 want=$3 mode=$4
    shift 4
    bin=$tmp/bin/$name-$kind
    if [ "$kind" = shared ]; then
        f=$flags
    else
        f="-static $static_flags"
    fi
    # shellcheck disable=SC2086 # the flags are words
    if ! cc -std=c11 -Wall -Wextra -Werror -o "$bin" "examples/$name.c" $f 2>"$tmp/cc.log"; then
        bad "examples/$name.c builds ($kind)" "$(head -n 5 "$tmp/cc.log")"
        return
    fi
    # which library it uses: libcorral.so.MAJOR, or none at all
    needed=$(readelf -d "$bin" 2>/dev/null | grep -c "NEEDED.*libcorral.so.$major")
    if { [ "$kind" = shared ] && [ "$needed" -ne 1 ]; } ||
        { [ "$kind" = static ] && readelf -d "$bin" 2>/dev/null | grep -q NEEDED; }; then
        bad "examples/$name.c links the $kind library" "$(readelf -d "$bin" | grep NEEDED)"
        return
    fi
    # shellcheck disable=SC2086 # $limit is empty or two words
    LD_LIBRARY_PATH=$inst/lib $limit "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    got=$(cat "$tmp/out")
    if [ $rc -ne 0 ]; then
        bad "examples/$name.c ($kind)" "exit status $rc: $(head -c 300 "$tmp/err")"
    elif [ "$mode" = "=" ] && [ "$got" != "$want" ]; then
        bad "examples/$name.c ($kind)" "printed '$got'"
    elif [ "$mode" = "~" ] && ! grep -F -q -e "$want" "$tmp/out"; then
        bad "examples/$name.c ($kind)" "printed '$got', without '$want'"
    else
        ok "examples/$name.c built with pkg-config against the $kind library, and run"
    fi
}

for kind in shared static; do
    run_example embed "$kind" "$embed_want" =
    run_example run_wasi "$kind" "$wasi_want" =
    run_example tool_call "$kind" "$tool_want" "~" "$toolsdir" "$tmp/work" /notes.txt
done

# ---- the installed corral ----------------------------------------------------------
# tool_read CORRAL DESC: `corral tool read` of notes.txt from the work dir,
# with no CORRAL_TOOLS_DIR: corral finds the tools beside itself.
tool_read() {
    # shellcheck disable=SC2086 # $limit is empty or two words
    (cd "$tmp/work" && env -u CORRAL_TOOLS_DIR $limit "$1" tool read '{"file_path":"/notes.txt"}' \
        >"$tmp/out" 2>"$tmp/err")
    rc=$?
    if [ $rc -eq 0 ] && grep -F -q '"content":"     1\thello\n     2\tworld\n","is_error":false' \
        "$tmp/out"; then
        ok "$2"
    else
        bad "$2" "exit status $rc: $(head -c 300 "$tmp/out") $(head -c 300 "$tmp/err")"
    fi
}
got=$("$inst/bin/corral" --version 2>&1)
if [ "$got" = "corral $version" ]; then
    ok "installed corral --version"
else
    bad "installed corral --version" "'$got'"
fi
tool_read "$inst/bin/corral" "installed corral tool read finds lib/corral/tools"

# Without /proc (an empty one mounted in a namespace of its own, where
# unshare is allowed), corral finds itself through argv[0] on $PATH.
if unshare -m sh -c 'mount -t tmpfs none /proc' 2>/dev/null; then
    # shellcheck disable=SC2016 # expanded by the inner shell
    (cd "$tmp/work" && env -u CORRAL_TOOLS_DIR PATH="$inst/bin:$PATH" unshare -m sh -c \
        'mount -t tmpfs none /proc && exec corral tool read "{\"file_path\":\"/notes.txt\"}"' \
        >"$tmp/out" 2>"$tmp/err")
    if grep -F -q '"content":"     1\thello\n' "$tmp/out"; then
        ok "corral tool read without /proc: the binary found through argv[0] and PATH"
    else
        bad "corral tool read without /proc" "$(head -c 300 "$tmp/out") $(head -c 300 "$tmp/err")"
    fi
else
    skip "corral tool read without /proc" "unshare -m is not allowed here"
fi

# The prefix moved elsewhere, as a whole: the binary still finds its tools,
# and an example still runs with the moved library.
mkdir -p "$tmp/elsewhere"
mv "$inst" "$tmp/elsewhere/corral"
tool_read "$tmp/elsewhere/corral/bin/corral" "corral tool read after moving the prefix"
LD_LIBRARY_PATH=$tmp/elsewhere/corral/lib "$tmp/bin/embed-shared" >"$tmp/out" 2>&1
if [ "$(cat "$tmp/out")" = "$embed_want" ]; then
    ok "examples/embed.c with the moved shared library"
else
    bad "examples/embed.c with the moved shared library" "$(head -c 300 "$tmp/out")"
fi
mv "$tmp/elsewhere/corral" "$inst"

# ---- the man page --------------------------------------------------------------------
man1=$inst/share/man/man1/corral.1
if ! command -v groff >/dev/null 2>&1; then
    skip "the man page renders without warnings" "groff (groff-base) is not installed"
elif groff -man -ww -z -Tutf8 "$man1" 2>"$tmp/groff.log" && [ ! -s "$tmp/groff.log" ] &&
    grep -q "^\.TH CORRAL 1 .*\"corral $version\"" "$man1"; then
    ok "the man page renders without warnings and names version $version"
else
    bad "the man page" "$(head -n 3 "$tmp/groff.log") $(grep '^\.TH' "$man1")"
fi
# Every command and flag of `corral --help` and `corral run --help` is in
# it (in its source, with roff's \- as -).
sed 's/\\-/-/g' "$man1" >"$tmp/man.txt"
absent=""
for w in $( { "$inst/bin/corral" --help; "$inst/bin/corral" run --help; } |
    grep -o -E '^  (-[a-zA-Z], )?--?[a-z-]+|^  [a-z]+ ' | sed 's/ *$//; s/.* //'); do
    grep -q -F -e "$w" "$tmp/man.txt" || absent="$absent $w"
done
what="the man page names every command and flag of corral --help and run --help"
if [ -z "$absent" ]; then
    ok "$what"
else
    bad "$what" "absent:$absent"
fi

# ---- uninstall -------------------------------------------------------------------------
if mk install >"$tmp/install.log" 2>&1; then
    ok "make install a second time over the first"
else
    bad "make install a second time over the first" "$(tail -n 5 "$tmp/install.log")"
fi
if mk uninstall >"$tmp/uninstall.log" 2>&1; then
    ok "make uninstall"
else
    bad "make uninstall" "$(tail -n 5 "$tmp/uninstall.log")"
fi
listing >"$tmp/after"
if cmp -s "$tmp/before" "$tmp/after"; then
    ok "after uninstall the tree is as it was before install"
else
    bad "after uninstall the tree is as it was before install" \
        "$(diff "$tmp/before" "$tmp/after" | head -n 10 | tr '\n' ' ')"
fi
if mk uninstall >"$tmp/uninstall.log" 2>&1; then
    bad "a second make uninstall fails" "it succeeded"
elif grep -q "nothing to uninstall" "$tmp/uninstall.log"; then
    ok "a second make uninstall says there is nothing to uninstall"
else
    bad "a second make uninstall says there is nothing to uninstall" "$(cat "$tmp/uninstall.log")"
fi

summary e2e_install
