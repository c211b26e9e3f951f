#!/bin/sh
# e2e_tools_files.sh CORRAL TOOLSDIR - end-to-end tests of the file tools
# (read, write, edit, glob, grep) run as guests under `corral run`, each in
# a fresh temporary work dir.  Checks exact content and metadata, every
# documented error, hostile paths that try to leave the sandbox, and that
# a write or edit stopped midway never loses or half-writes the old file;
# grep's ripgrep-style keys (-i -n -A -B -C, multiline) and its errors for
# PCRE-only syntax, and a few of them through `corral tool` (the schema).
#
# Output: "ok N - desc" / "FAIL N - desc: why" / "ok N - desc # skip why",
# last line "e2e_tools_files: N passed, N failed, N skipped".
# Needs only POSIX sh and coreutils (no jq, no python).

CORRAL=${1:-build/rel/corral}
TOOLS=${2:-build/wasm/tools}
n=0 pass=0 fail=0 skip=0
TMPS=""
ERRF=$(mktemp)
trap 'rm -rf $TMPS "$ERRF"' EXIT

ok()   { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n - $1"; }
bad()  { n=$((n + 1)); fail=$((fail + 1)); echo "FAIL $n - $1: $2"; }
skp()  { n=$((n + 1)); skip=$((skip + 1)); echo "ok $n - $1 # skip $2"; }
newdir() { d=$(mktemp -d); TMPS="$TMPS $d"; echo "$d"; }

# run TOOL DIR JSON [corral flags...]: sets OUT and RC
run() {
    _t=$1 _d=$2 _j=$3
    shift 3
    OUT=$(printf '%s' "$_j" | "$CORRAL" run "$@" --work-dir "$_d" \
          "$TOOLS/$_t.wasm" 2>"$ERRF")
    RC=$?
}
# check DESC EXPECTED_JSON EXPECTED_RC
check() {
    if [ "$OUT" = "$2" ] && [ "$RC" = "$3" ]; then ok "$1"
    else bad "$1" "rc=$RC (want $3), got: $OUT"; fi
}
# has DESC SUBSTRING EXPECTED_RC: the output contains SUBSTRING
has() {
    case $OUT in
    *"$2"*) if [ "$RC" = "$3" ]; then ok "$1"; else bad "$1" "rc=$RC (want $3): $OUT"; fi ;;
    *) bad "$1" "rc=$RC, output lacks [$2]: $OUT" ;;
    esac
}
# same_file DESC FILE EXPECTED_TEXT (exact bytes, via printf %s)
same_file() {
    if [ "$(cat "$2" 2>/dev/null; echo x)" = "$3x" ]; then ok "$1"
    else bad "$1" "$2 holds [$(cat "$2" 2>&1)], want [$3]"; fi
}

for t in file-read file-write file-edit file-glob file-grep; do
    if [ ! -f "$TOOLS/$t.wasm" ]; then
        echo "missing $TOOLS/$t.wasm (make build/wasm/tools/$t.wasm)" >&2
        exit 2
    fi
done

# ---------------------------------------------------------------- read
D=$(newdir)
printf 'hello\nworld\r\nlast' > "$D/a.txt"
: > "$D/empty.txt"
mkdir "$D/sub"
printf 'a\000b' > "$D/bin.dat"
ln -s /etc "$D/etclink"
ln -s /etc/passwd "$D/pwlink"
printf 'caf\351 ok\n' > "$D/latin1.txt"

run file-read "$D" '{"file_path":"/a.txt"}'
check "read: numbered lines, CR dropped, metadata" \
'{"content": "     1\thello\n     2\tworld\n     3\tlast\n", "is_error": false, "metadata": {"file_path": "/a.txt", "offset": 1, "total_lines": 3, "lines_returned": 3, "truncated": false, "long_lines_truncated": 0}}' 0

run file-read "$D" '{"file_path":"a.txt","offset":2,"limit":1}'
check "read: relative path, offset+limit, footer" \
'{"content": "     2\tworld\n... 1 more line (showing lines 2-2 of 3; use offset=3 to continue)", "is_error": false, "metadata": {"file_path": "/a.txt", "offset": 2, "total_lines": 3, "lines_returned": 1, "truncated": true, "long_lines_truncated": 0}}' 0

run file-read "$D" '{"file_path":"/empty.txt"}'
check "read: empty file gets a note" \
'{"content": "The file /empty.txt is empty (0 bytes).", "is_error": false, "metadata": {"file_path": "/empty.txt", "offset": 1, "total_lines": 0, "lines_returned": 0, "truncated": false, "long_lines_truncated": 0}}' 0

run file-read "$D" '{"file_path":"/sub"}'
check "read: directory is an error" \
'{"content": "Cannot read /sub: it is a directory, not a file (use glob to list it)", "is_error": true, "metadata": {"file_path": "/sub"}}' 1

run file-read "$D" '{"file_path":"/bin.dat"}'
check "read: binary file is an error" \
'{"content": "Cannot read /bin.dat: it is a binary file (3 bytes); read shows text files only", "is_error": true, "metadata": {"file_path": "/bin.dat"}}' 1

run file-read "$D" '{"file_path":"/missing.txt"}'
check "read: missing file" \
'{"content": "File not found: /missing.txt", "is_error": true, "metadata": {"file_path": "/missing.txt"}}' 1

run file-read "$D" '{"file_path":"/a.txt","offset":9}'
check "read: offset past the end" \
'{"content": "offset 9 is past the end of /a.txt, which has 3 lines", "is_error": true, "metadata": {"file_path": "/a.txt", "total_lines": 3}}' 1

run file-read "$D" '{"file_path":"/latin1.txt"}'
check "read: invalid UTF-8 becomes U+FFFD (valid JSON)" \
"{\"content\": \"     1\\tcaf$(printf '\357\277\275') ok\\n\", \"is_error\": false, \"metadata\": {\"file_path\": \"/latin1.txt\", \"offset\": 1, \"total_lines\": 1, \"lines_returned\": 1, \"truncated\": false, \"long_lines_truncated\": 0}}" 0

head -c 3000 /dev/zero | tr '\0' 'x' > "$D/long.txt"
run file-read "$D" '{"file_path":"/long.txt"}'
has "read: long line truncated with a marker" \
'xxxx [... line truncated: 3000 bytes, showing the first 2000]\n", "is_error": false, "metadata": {"file_path": "/long.txt", "offset": 1, "total_lines": 1, "lines_returned": 1, "truncated": false, "long_lines_truncated": 1}}' 0

seq 1 3000 > "$D/many.txt"
run file-read "$D" '{"file_path":"/many.txt"}'
has "read: default limit 2000 and a footer with the rest" \
'  2000\t2000\n... 1000 more lines (showing lines 1-2000 of 3000; use offset=2001 to continue)", "is_error": false, "metadata": {"file_path": "/many.txt", "offset": 1, "total_lines": 3000, "lines_returned": 2000, "truncated": true, "long_lines_truncated": 0}}' 0

run file-read "$D" '{"file_path":"/many.txt","offset":2999}'
check "read: the last lines" \
'{"content": "  2999\t2999\n  3000\t3000\n", "is_error": false, "metadata": {"file_path": "/many.txt", "offset": 2999, "total_lines": 3000, "lines_returned": 2, "truncated": false, "long_lines_truncated": 0}}' 0

run file-read "$D" '{"file_path":5}'
check "read: wrong type" \
'{"content": "Invalid input: \"file_path\" must be a string, got number", "is_error": true, "metadata": {}}' 1
run file-read "$D" '{}'
check "read: missing required key" \
'{"content": "Invalid input: missing required key \"file_path\" (a string)", "is_error": true, "metadata": {}}' 1
run file-read "$D" '{"file_path":'
check "read: bad JSON, with the offset" \
'{"content": "Invalid input: bad JSON: unexpected end of input, a value was expected at offset 13", "is_error": true, "metadata": {}}' 1
run file-read "$D" '{"file_path":"/a.txt","limit":0}'
check "read: limit out of range" \
'{"content": "Invalid input: \"limit\" must be between 1 and 1125899906842624, got 0", "is_error": true, "metadata": {}}' 1
run file-read "$D" '{"file_path":"/a.txt","offset":1.5}'
check "read: offset not an integer" \
'{"content": "Invalid input: \"offset\" must be an integer, got 1.5", "is_error": true, "metadata": {}}' 1
run file-read "$D" '{"file_path":""}'
check "read: empty path" \
'{"content": "Invalid input: \"file_path\" is empty; give a path such as /notes.txt", "is_error": true, "metadata": {}}' 1
run file-read "$D" '{"file_path":"\u0041.txt"}'
check "read: unicode escapes in the input" \
'{"content": "File not found: /A.txt", "is_error": true, "metadata": {"file_path": "/A.txt"}}' 1

# hostile paths
run file-read "$D" '{"file_path":"/../../etc/passwd"}'
check "read: /../../etc/passwd stays inside (clear error)" \
'{"content": "Path /../../etc/passwd leaves the work dir: its \"..\" climbs above / (the work dir is the root of the sandbox)", "is_error": true, "metadata": {"file_path": "/../../etc/passwd"}}' 1
run file-read "$D" '{"file_path":"/etclink/passwd"}'
check "read: symlink to /etc is not followed" \
'{"content": "Cannot read /etclink/passwd: /etclink is a symlink to /etc, which leaves the work dir; the sandbox does not follow it", "is_error": true, "metadata": {"file_path": "/etclink/passwd"}}' 1
run file-read "$D" '{"file_path":"/pwlink"}'
check "read: symlink to /etc/passwd is not followed" \
'{"content": "Cannot read /pwlink: /pwlink is a symlink to /etc/passwd, which leaves the work dir; the sandbox does not follow it", "is_error": true, "metadata": {"file_path": "/pwlink"}}' 1
run file-read "$D" '{"file_path":"/etc/passwd"}'
check "read: /etc/passwd is the work dir's, not the host's" \
'{"content": "File not found: /etc/passwd", "is_error": true, "metadata": {"file_path": "/etc/passwd"}}' 1
run file-read "$D" '{"file_path":"/sub/../../a.txt"}'
check "read: .. above / inside a longer path" \
'{"content": "Path /sub/../../a.txt leaves the work dir: its \"..\" climbs above / (the work dir is the root of the sandbox)", "is_error": true, "metadata": {"file_path": "/sub/../../a.txt"}}' 1
run file-read "$D" '{"file_path":"/sub/./../a.txt","limit":1}'
has "read: harmless .. inside the work dir" '"file_path": "/a.txt"' 0

# --------------------------------------------------------------- write
D=$(newdir)
run file-write "$D" '{"file_path":"a/b/c.txt","content":"x\ny\n"}'
check "write: creates parent dirs, Created, metadata" \
'{"content": "Created /a/b/c.txt (2 lines, 4 bytes).", "is_error": false, "metadata": {"file_path": "/a/b/c.txt", "bytes": 4, "lines": 2, "is_new": true}}' 0
same_file "write: the bytes on disk" "$D/a/b/c.txt" 'x
y
'
echo old > "$D/f"
run file-write "$D" '{"file_path":"/f","content":"new"}'
check "write: overwrite says Wrote and the old size" \
'{"content": "Wrote /f (1 line, 3 bytes; it had 4 bytes before).", "is_error": false, "metadata": {"file_path": "/f", "bytes": 3, "lines": 1, "is_new": false}}' 0
same_file "write: overwritten content" "$D/f" "new"
run file-write "$D" '{"file_path":"/e","content":""}'
check "write: empty content" \
'{"content": "Created /e (0 lines, 0 bytes).", "is_error": false, "metadata": {"file_path": "/e", "bytes": 0, "lines": 0, "is_new": true}}' 0
run file-write "$D" '{"file_path":"/u.txt","content":"caf\u00e9 \ud83d\ude00\t\"q\"\\\u0001"}'
check "write: escapes and surrogate pairs" \
'{"content": "Created /u.txt (1 line, 16 bytes).", "is_error": false, "metadata": {"file_path": "/u.txt", "bytes": 16, "lines": 1, "is_new": true}}' 0
same_file "write: UTF-8 bytes on disk" "$D/u.txt" "$(printf 'caf\303\251 \360\237\230\200\t"q"\\\001')"
ls -a "$D" | grep -q 'tmp-' && bad "write: no temp files left" "$(ls -a "$D")" || ok "write: no temp files left"
mkdir "$D/dir"
run file-write "$D" '{"file_path":"/dir","content":""}'
check "write: a directory is an error" \
'{"content": "Cannot write /dir: it is a directory", "is_error": true, "metadata": {"file_path": "/dir"}}' 1
run file-write "$D" '{"file_path":"/f/x","content":""}'
check "write: a file in the way of the parent dir" \
'{"content": "Cannot write /f/x: cannot create directory /f: a file with that name is in the way", "is_error": true, "metadata": {"file_path": "/f/x"}}' 1
run file-write "$D" '{"file_path":"/","content":""}'
check "write: / is the work dir" \
'{"content": "Cannot write /: it is the work dir itself, not a file", "is_error": true, "metadata": {"file_path": "/"}}' 1
run file-write "$D" '{"file_path":"/f"}'
check "write: missing content" \
'{"content": "Invalid input: missing required key \"content\" (a string)", "is_error": true, "metadata": {}}' 1
ln -s f "$D/rel"
run file-write "$D" '{"file_path":"/rel","content":"via link"}'
check "write: through a symlink that stays inside" \
'{"content": "Wrote /rel (1 line, 8 bytes; it had 3 bytes before).", "is_error": false, "metadata": {"file_path": "/rel", "bytes": 8, "lines": 1, "is_new": false}}' 0
same_file "write: the symlink's target got the text" "$D/f" "via link"
[ -L "$D/rel" ] && ok "write: the symlink is still a symlink" || bad "write: the symlink is still a symlink" "replaced"

# hostile writes
H=$(newdir)
echo "host data" > "$H/victim"
ln -s "$H/victim" "$D/out"
ln -s "$H" "$D/hostdir"
ln -s ../../outside "$D/up"
run file-write "$D" '{"file_path":"/out","content":"evil"}'
check "write: symlink to a host file is refused" \
"{\"content\": \"Cannot write /out: it is a symlink to the absolute host path $H/victim, which leaves the work dir; the sandbox does not follow it\", \"is_error\": true, \"metadata\": {\"file_path\": \"/out\"}}" 1
same_file "write: the host file is untouched" "$H/victim" "host data
"
run file-write "$D" '{"file_path":"/hostdir/new","content":"evil"}'
check "write: into a symlinked host dir is refused" \
"{\"content\": \"Cannot write /hostdir/new: cannot create a temporary file in /hostdir: /hostdir is a symlink to $H, which leaves the work dir; the sandbox does not follow it\", \"is_error\": true, \"metadata\": {\"file_path\": \"/hostdir/new\"}}" 1
run file-write "$D" '{"file_path":"/hostdir/x/y/z","content":"evil"}'
has "write: mkdir -p through a symlinked host dir is refused" \
"Cannot write /hostdir/x/y/z: cannot create directory /hostdir/x: /hostdir is a symlink to $H" 1
run file-write "$D" '{"file_path":"/up","content":"evil"}'
check "write: relative symlink climbing out is refused" \
'{"content": "Cannot write /up: it is a symlink to ../../outside, which leaves the work dir; the sandbox does not follow it", "is_error": true, "metadata": {"file_path": "/up"}}' 1
run file-write "$D" '{"file_path":"/../escape.txt","content":"evil"}'
has "write: /../ path is refused" 'leaves the work dir' 1
if [ "$(ls -A "$H")" = "victim" ] && [ ! -e "$(dirname "$D")/escape.txt" ] && [ ! -e "$(dirname "$D")/outside" ]; then
    ok "write: nothing created outside the work dir"
else bad "write: nothing created outside the work dir" "$(ls -A "$H")"; fi
same_file "write: host file still untouched" "$H/victim" "host data
"

# ---------------------------------------------------------------- edit
D=$(newdir)
printf 'one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\ntwo\n' > "$D/f"
run file-edit "$D" '{"file_path":"/f","old_string":"two","new_string":"2"}'
check "edit: n>1 matches without replace_all (gives n and lines)" \
'{"content": "old_string matches 2 times in /f (at lines 2, 9); set replace_all to true to replace all 2, or include more surrounding text in old_string to make it unique", "is_error": true, "metadata": {"file_path": "/f", "replacements": 0, "matches": 2}}' 1
run file-edit "$D" '{"file_path":"/f","old_string":"five\n","new_string":"FIVE\nfive-b\n"}'
check "edit: single replacement with a numbered snippet" \
'{"content": "Edited /f: replaced 1 occurrence. Lines 2-9 of the file now:\n     2\ttwo\n     3\tthree\n     4\tfour\n     5\tFIVE\n     6\tfive-b\n     7\tsix\n     8\tseven\n     9\teight\n", "is_error": false, "metadata": {"file_path": "/f", "replacements": 1}}' 0
run file-edit "$D" '{"file_path":"f","old_string":"two","new_string":"2","replace_all":true}'
check "edit: replace_all" \
'{"content": "Edited /f: replaced 2 occurrences. Lines 1-5 of the file now (around the first change):\n     1\tone\n     2\t2\n     3\tthree\n     4\tfour\n     5\tFIVE\n", "is_error": false, "metadata": {"file_path": "/f", "replacements": 2}}' 0
same_file "edit: the file on disk" "$D/f" 'one
2
three
four
FIVE
five-b
six
seven
eight
2
'
run file-edit "$D" '{"file_path":"/f","old_string":"six","new_string":"six"}'
check "edit: old == new" \
'{"content": "old_string and new_string are identical; there is nothing to change in /f", "is_error": true, "metadata": {"file_path": "/f", "replacements": 0}}' 1
run file-edit "$D" '{"file_path":"/f","old_string":"","new_string":"x"}'
check "edit: empty old_string" \
'{"content": "old_string is empty; give the exact text to replace in /f (use write to create or overwrite a whole file)", "is_error": true, "metadata": {"file_path": "/f", "replacements": 0}}' 1
run file-edit "$D" '{"file_path":"/f","old_string":"zzz","new_string":"x"}'
check "edit: not found" \
'{"content": "old_string was not found in /f (10 lines). It must match exactly, including whitespace and indentation.", "is_error": true, "metadata": {"file_path": "/f", "replacements": 0}}' 1
printf 'a\r\nb\r\n' > "$D/crlf"
run file-edit "$D" '{"file_path":"/crlf","old_string":"a\nb","new_string":"x"}'
has "edit: not found, with a CRLF hint" 'The file has CRLF (\\r\\n) line endings' 1
run file-edit "$D" '{"file_path":"/nope","old_string":"a","new_string":"b"}'
check "edit: missing file" \
'{"content": "File not found: /nope", "is_error": true, "metadata": {"file_path": "/nope", "replacements": 0}}' 1
mkdir "$D/d"
run file-edit "$D" '{"file_path":"/d","old_string":"a","new_string":"b"}'
check "edit: a directory" \
'{"content": "Cannot edit /d: it is a directory, not a file (use glob to list it)", "is_error": true, "metadata": {"file_path": "/d", "replacements": 0}}' 1
printf 'x\000y' > "$D/bin"
run file-edit "$D" '{"file_path":"/bin","old_string":"x","new_string":"z"}'
check "edit: a binary file" \
'{"content": "Cannot edit /bin: it is a binary file (3 bytes)", "is_error": true, "metadata": {"file_path": "/bin", "replacements": 0}}' 1
printf 'only\n' > "$D/g"
run file-edit "$D" '{"file_path":"/g","old_string":"only\n","new_string":""}'
check "edit: deleting everything" \
'{"content": "Edited /g: replaced 1 occurrence. The file is now empty.", "is_error": false, "metadata": {"file_path": "/g", "replacements": 1}}' 0
run file-edit "$D" '{"file_path":"/f","old_string":"one","new_string":"1","replace_all":"yes"}'
check "edit: replace_all of the wrong type" \
'{"content": "Invalid input: \"replace_all\" must be a boolean, got string", "is_error": true, "metadata": {}}' 1
H=$(newdir)
echo "host data" > "$H/victim"
ln -s "$H/victim" "$D/out"
run file-edit "$D" '{"file_path":"/out","old_string":"host","new_string":"evil"}'
check "edit: symlink to a host file is refused" \
"{\"content\": \"Cannot edit /out: /out is a symlink to $H/victim, which leaves the work dir; the sandbox does not follow it\", \"is_error\": true, \"metadata\": {\"file_path\": \"/out\", \"replacements\": 0}}" 1
same_file "edit: host file untouched" "$H/victim" "host data
"

# ---------------------------------------------------------------- glob
D=$(newdir)
mkdir -p "$D/src/sub" "$D/.git" "$D/docs"
echo a > "$D/src/a.c"; echo b > "$D/src/sub/b.h"; echo g > "$D/.git/x.c"
echo r > "$D/README.md"; echo d > "$D/docs/x.md"; echo h > "$D/.hidden.md"
touch -d '2020-01-01' "$D/src/a.c"; touch -d '2021-01-01' "$D/src/sub/b.h"
touch -d '2019-01-01' "$D/README.md"; touch -d '2022-01-01' "$D/docs/x.md"
ln -s /etc "$D/etclink"
run file-glob "$D" '{"pattern":"**/*.{c,h}"}'
check "glob: ** and braces, newest first, hidden dirs skipped" \
'{"content": "/src/sub/b.h\n/src/a.c", "is_error": false, "metadata": {"pattern": "**/*.{c,h}", "path": "/", "matches": 2, "returned": 2, "truncated": false}}' 0
run file-glob "$D" '{"pattern":"**/*.md"}'
check "glob: **/*.md" \
'{"content": "/docs/x.md\n/README.md", "is_error": false, "metadata": {"pattern": "**/*.md", "path": "/", "matches": 2, "returned": 2, "truncated": false}}' 0
run file-glob "$D" '{"pattern":".*.md"}'
check "glob: an explicit leading dot matches hidden files" \
'{"content": "/.hidden.md", "is_error": false, "metadata": {"pattern": ".*.md", "path": "/", "matches": 1, "returned": 1, "truncated": false}}' 0
run file-glob "$D" '{"pattern":"*","path":"src"}'
check "glob: path, * does not cross /" \
'{"content": "/src/a.c", "is_error": false, "metadata": {"pattern": "*", "path": "/src", "matches": 1, "returned": 1, "truncated": false}}' 0
run file-glob "$D" '{"pattern":"/src/**/?.[a-h]"}'
check "glob: absolute pattern, ? and a class" \
'{"content": "/src/sub/b.h\n/src/a.c", "is_error": false, "metadata": {"pattern": "/src/**/?.[a-h]", "path": "/", "matches": 2, "returned": 2, "truncated": false}}' 0
run file-glob "$D" '{"pattern":"src/[!a].c"}'
check "glob: negated class" \
'{"content": "No files match src/[!a].c in /", "is_error": false, "metadata": {"pattern": "src/[!a].c", "path": "/", "matches": 0, "returned": 0, "truncated": false}}' 0
run file-glob "$D" '{"pattern":"*","path":"/nope"}'
check "glob: missing dir" \
'{"content": "Directory not found: /nope", "is_error": true, "metadata": {"pattern": "*", "path": "/nope"}}' 1
run file-glob "$D" '{"pattern":"*","path":"/README.md"}'
check "glob: path is a file" \
'{"content": "Cannot search /README.md: it is a file, not a directory (give its directory as path)", "is_error": true, "metadata": {"pattern": "*", "path": "/README.md"}}' 1
run file-glob "$D" '{"pattern":"etclink/*"}'
check "glob: symlink to /etc is not entered" \
'{"content": "No files match etclink/* in /", "is_error": false, "metadata": {"pattern": "etclink/*", "path": "/", "matches": 0, "returned": 0, "truncated": false}}' 0
run file-glob "$D" '{"pattern":"*","path":"/etclink"}'
check "glob: path through a symlink to /etc" \
'{"content": "Cannot search /etclink: /etclink is a symlink to /etc, which leaves the work dir; the sandbox does not follow it", "is_error": true, "metadata": {"pattern": "*", "path": "/etclink"}}' 1
run file-glob "$D" '{"pattern":""}'
check "glob: empty pattern" \
'{"content": "Invalid input: \"pattern\" is empty; give a glob such as **/*.c", "is_error": true, "metadata": {}}' 1
mkdir "$D/many"
i=1; while [ $i -le 260 ]; do : > "$D/many/f$i.txt"; i=$((i + 1)); done
touch -d '2030-01-01' "$D/many/f7.txt"
run file-glob "$D" '{"pattern":"many/*.txt"}'
has "glob: at most 250, newest first" '{"content": "/many/f7.txt\n' 0
has "glob: note on how many were left out" \
'(10 more files not shown: 260 files match, showing the newest 250)", "is_error": false, "metadata": {"pattern": "many/*.txt", "path": "/", "matches": 260, "returned": 250, "truncated": true}}' 0

# ---------------------------------------------------------------- grep
D=$(newdir)
mkdir -p "$D/src" "$D/.hid"
printf 'int main() {\n  return 0;\n}\n// TODO fix\nx\ny\nz\nw\nTODO two\n' > "$D/src/a.c"
printf 'todo lower\nnothing\n' > "$D/b.txt"
echo TODO > "$D/.hid/h.c"
printf 'TODO\000bin' > "$D/bin.dat"
run file-grep "$D" '{"pattern":"TODO"}'
check "grep: files_with_matches (default), hidden and binary skipped" \
'{"content": "/src/a.c\n(1 binary file skipped)", "is_error": false, "metadata": {"pattern": "TODO", "path": "/", "output_mode": "files_with_matches", "files_searched": 2, "files_matched": 1, "matches": 2, "returned": 1, "truncated": false}}' 0
run file-grep "$D" '{"pattern":"todo","case_insensitive":true,"output_mode":"count"}'
check "grep: count, case_insensitive" \
'{"content": "/b.txt:1\n/src/a.c:2\n(3 matching lines in 2 files)\n(1 binary file skipped)", "is_error": false, "metadata": {"pattern": "todo", "path": "/", "output_mode": "count", "files_searched": 2, "files_matched": 2, "matches": 3, "returned": 2, "truncated": false}}' 0
run file-grep "$D" '{"pattern":"TODO","output_mode":"content","context":1}'
check "grep: content with context and -- separators" \
'{"content": "/src/a.c-3-}\n/src/a.c:4:// TODO fix\n/src/a.c-5-x\n--\n/src/a.c-8-w\n/src/a.c:9:TODO two\n(1 binary file skipped)", "is_error": false, "metadata": {"pattern": "TODO", "path": "/", "output_mode": "content", "files_searched": 2, "files_matched": 1, "matches": 2, "returned": 5, "truncated": false}}' 0
run file-grep "$D" '{"pattern":"TODO","output_mode":"content","line_numbers":false,"glob":"*.c"}'
check "grep: glob filter, no line numbers" \
'{"content": "/src/a.c:// TODO fix\n/src/a.c:TODO two", "is_error": false, "metadata": {"pattern": "TODO", "path": "/", "output_mode": "content", "files_searched": 1, "files_matched": 1, "matches": 2, "returned": 2, "truncated": false}}' 0
run file-grep "$D" '{"pattern":"^[a-z]+$","output_mode":"content","path":"src/a.c","head_limit":2}'
check "grep: single file, ERE anchors, head_limit" \
'{"content": "/src/a.c:5:x\n/src/a.c:6:y\n(output cut at head_limit 2 lines: 4 matching lines in 1 file in all)", "is_error": false, "metadata": {"pattern": "^[a-z]+$", "path": "/src/a.c", "output_mode": "content", "files_searched": 1, "files_matched": 1, "matches": 4, "returned": 2, "truncated": true}}' 0
run file-grep "$D" '{"pattern":"\\bfix\\b|^int","output_mode":"content"}'
check "grep: word boundary and alternation" \
'{"content": "/src/a.c:1:int main() {\n/src/a.c:4:// TODO fix\n(1 binary file skipped)", "is_error": false, "metadata": {"pattern": "\\bfix\\b|^int", "path": "/", "output_mode": "content", "files_searched": 2, "files_matched": 1, "matches": 2, "returned": 2, "truncated": false}}' 0
run file-grep "$D" '{"pattern":"("}'
check "grep: invalid regex" \
'{"content": "Invalid regular expression (: Missing '"')'"'; write \\( or \\) for a plain parenthesis", "is_error": true, "metadata": {"pattern": "(", "path": "/", "output_mode": "files_with_matches"}}' 1
run file-grep "$D" '{"pattern":"x","output_mode":"lines"}'
check "grep: bad output_mode" \
'{"content": "Invalid input: \"output_mode\" must be one of files_with_matches, content, count; got \"lines\"", "is_error": true, "metadata": {}}' 1
run file-grep "$D" '{"pattern":"zzz","glob":"*.txt"}'
check "grep: no matches" \
'{"content": "No matches for zzz in / (files matching *.txt); 1 file searched", "is_error": false, "metadata": {"pattern": "zzz", "path": "/", "output_mode": "files_with_matches", "files_searched": 1, "files_matched": 0, "matches": 0, "returned": 0, "truncated": false}}' 0
run file-grep "$D" '{"pattern":"x","path":"/nope"}'
check "grep: missing path" \
'{"content": "Path not found: /nope", "is_error": true, "metadata": {"pattern": "x", "path": "/nope", "output_mode": "files_with_matches"}}' 1
run file-grep "$D" '{"pattern":"x","context":101}'
check "grep: context out of range" \
'{"content": "Invalid input: \"context\" must be between 0 and 100, got 101", "is_error": true, "metadata": {}}' 1
ln -s /etc "$D/etclink"
run file-grep "$D" '{"pattern":"root","path":"/etclink/passwd"}'
check "grep: symlink to /etc is not followed" \
'{"content": "Cannot search /etclink/passwd: /etclink is a symlink to /etc, which leaves the work dir; the sandbox does not follow it", "is_error": true, "metadata": {"pattern": "root", "path": "/etclink/passwd", "output_mode": "files_with_matches"}}' 1
run file-grep "$D" '{"pattern":"root"}'
has "grep: a recursive search does not leave through the symlink" '"files_matched": 0' 0

# ------------------------------------------- grep: ripgrep-style keys
# -i -n -A -B -C (the short key wins over its long spelling, -A/-B over
# -C/context for their side), multiline in each output mode, and the
# errors that name PCRE-only syntax with its POSIX ERE spelling.
D=$(newdir)
mkdir "$D/m"
printf 'one\ntwo\nMATCH a\nfour\nfive\nsix\nMATCH b\neight\nnine\nten\neleven\nMATCH c\n' > "$D/ctx.txt"
printf 'int f(int a,\n      int b)\n{\n    return a + b;\n}\nvoid g(void) { }\n' > "$D/m/a.c"
printf 'x\ny\n' > "$D/m/b.txt"
run file-grep "$D" '{"pattern":"match","path":"/ctx.txt","output_mode":"content","-A":1,"-i":true,"case_insensitive":false}'
check "grep: -i wins over case_insensitive, with -A 1 and -- between groups" \
'{"content": "/ctx.txt:3:MATCH a\n/ctx.txt-4-four\n--\n/ctx.txt:7:MATCH b\n/ctx.txt-8-eight\n--\n/ctx.txt:12:MATCH c", "is_error": false, "metadata": {"pattern": "match", "path": "/ctx.txt", "output_mode": "content", "files_searched": 1, "files_matched": 1, "matches": 3, "returned": 5, "truncated": false}}' 0
run file-grep "$D" '{"pattern":"match","path":"/ctx.txt","output_mode":"count","case_insensitive":true,"-i":false}'
check "grep: -i false wins over case_insensitive true" \
'{"content": "No matches for match in /ctx.txt; 1 file searched", "is_error": false, "metadata": {"pattern": "match", "path": "/ctx.txt", "output_mode": "count", "files_searched": 1, "files_matched": 0, "matches": 0, "returned": 0, "truncated": false}}' 0
run file-grep "$D" '{"pattern":"MATCH","path":"/ctx.txt","output_mode":"content","-B":2}'
check "grep: -B 2: lines before each match only" \
'{"content": "/ctx.txt-1-one\n/ctx.txt-2-two\n/ctx.txt:3:MATCH a\n--\n/ctx.txt-5-five\n/ctx.txt-6-six\n/ctx.txt:7:MATCH b\n--\n/ctx.txt-10-ten\n/ctx.txt-11-eleven\n/ctx.txt:12:MATCH c", "is_error": false, "metadata": {"pattern": "MATCH", "path": "/ctx.txt", "output_mode": "content", "files_searched": 1, "files_matched": 1, "matches": 3, "returned": 9, "truncated": false}}' 0
run file-grep "$D" '{"pattern":"MATCH","path":"/ctx.txt","output_mode":"content","-C":1,"context":5}'
check "grep: -C 1 is context 1 (and wins over context)" \
'{"content": "/ctx.txt-2-two\n/ctx.txt:3:MATCH a\n/ctx.txt-4-four\n--\n/ctx.txt-6-six\n/ctx.txt:7:MATCH b\n/ctx.txt-8-eight\n--\n/ctx.txt-11-eleven\n/ctx.txt:12:MATCH c", "is_error": false, "metadata": {"pattern": "MATCH", "path": "/ctx.txt", "output_mode": "content", "files_searched": 1, "files_matched": 1, "matches": 3, "returned": 8, "truncated": false}}' 0
run file-grep "$D" '{"pattern":"MATCH","path":"/ctx.txt","output_mode":"content","-A":1,"-B":3}'
check "grep: -A 1 with -B 3: overlapping groups merge, no separator" \
'{"content": "/ctx.txt-1-one\n/ctx.txt-2-two\n/ctx.txt:3:MATCH a\n/ctx.txt-4-four\n/ctx.txt-5-five\n/ctx.txt-6-six\n/ctx.txt:7:MATCH b\n/ctx.txt-8-eight\n/ctx.txt-9-nine\n/ctx.txt-10-ten\n/ctx.txt-11-eleven\n/ctx.txt:12:MATCH c", "is_error": false, "metadata": {"pattern": "MATCH", "path": "/ctx.txt", "output_mode": "content", "files_searched": 1, "files_matched": 1, "matches": 3, "returned": 12, "truncated": false}}' 0
run file-grep "$D" '{"pattern":"MATCH","path":"/ctx.txt","output_mode":"content","-A":0,"-C":2}'
check "grep: -A 0 wins over -C 2 for the lines after" \
'{"content": "/ctx.txt-1-one\n/ctx.txt-2-two\n/ctx.txt:3:MATCH a\n--\n/ctx.txt-5-five\n/ctx.txt-6-six\n/ctx.txt:7:MATCH b\n--\n/ctx.txt-10-ten\n/ctx.txt-11-eleven\n/ctx.txt:12:MATCH c", "is_error": false, "metadata": {"pattern": "MATCH", "path": "/ctx.txt", "output_mode": "content", "files_searched": 1, "files_matched": 1, "matches": 3, "returned": 9, "truncated": false}}' 0
run file-grep "$D" '{"pattern":"MATCH","path":"/ctx.txt","output_mode":"content","context":1,"-B":0,"-n":false}'
check "grep: -B 0 wins over context 1, -n false drops the numbers" \
'{"content": "/ctx.txt:MATCH a\n/ctx.txt-four\n--\n/ctx.txt:MATCH b\n/ctx.txt-eight\n--\n/ctx.txt:MATCH c", "is_error": false, "metadata": {"pattern": "MATCH", "path": "/ctx.txt", "output_mode": "content", "files_searched": 1, "files_matched": 1, "matches": 3, "returned": 5, "truncated": false}}' 0
run file-grep "$D" '{"pattern":"MATCH c","path":"/ctx.txt","output_mode":"content","line_numbers":true,"-n":false}'
check "grep: -n false wins over line_numbers true" \
'{"content": "/ctx.txt:MATCH c", "is_error": false, "metadata": {"pattern": "MATCH c", "path": "/ctx.txt", "output_mode": "content", "files_searched": 1, "files_matched": 1, "matches": 1, "returned": 1, "truncated": false}}' 0
run file-grep "$D" '{"pattern":"MATCH c|^void","output_mode":"content","-B":1}'
check "grep: -- between the groups of two files" \
'{"content": "/ctx.txt-11-eleven\n/ctx.txt:12:MATCH c\n--\n/m/a.c-5-}\n/m/a.c:6:void g(void) { }", "is_error": false, "metadata": {"pattern": "MATCH c|^void", "path": "/", "output_mode": "content", "files_searched": 3, "files_matched": 2, "matches": 2, "returned": 4, "truncated": false}}' 0
run file-grep "$D" '{"pattern":"x","-A":101}'
check "grep: -A out of range" \
'{"content": "Invalid input: \"-A\" must be between 0 and 100, got 101", "is_error": true, "metadata": {}}' 1
run file-grep "$D" '{"pattern":"x","-i":"yes"}'
check "grep: -i of the wrong type" \
'{"content": "Invalid input: \"-i\" must be a boolean, got string", "is_error": true, "metadata": {}}' 1
run file-grep "$D" '{"pattern":"f\\([^)]*\\)","multiline":true,"output_mode":"content"}'
check "grep: multiline content: a negated bracket spans lines" \
'{"content": "/m/a.c:1:int f(int a,\n/m/a.c:2:      int b)", "is_error": false, "metadata": {"pattern": "f\\([^)]*\\)", "path": "/", "output_mode": "content", "multiline": true, "files_searched": 3, "files_matched": 1, "matches": 1, "returned": 2, "truncated": false}}' 0
run file-grep "$D" '{"pattern":"^int f\\([^)]*\\)$","multiline":true,"output_mode":"content"}'
check "grep: multiline content with ^ and $ at line ends" \
'{"content": "/m/a.c:1:int f(int a,\n/m/a.c:2:      int b)", "is_error": false, "metadata": {"pattern": "^int f\\([^)]*\\)$", "path": "/", "output_mode": "content", "multiline": true, "files_searched": 3, "files_matched": 1, "matches": 1, "returned": 2, "truncated": false}}' 0
run file-grep "$D" '{"pattern":"b\\).\\{","multiline":true,"output_mode":"content","-n":false}'
check "grep: multiline: . matches the newline, -n false" \
'{"content": "/m/a.c:      int b)\n/m/a.c:{", "is_error": false, "metadata": {"pattern": "b\\).\\{", "path": "/", "output_mode": "content", "multiline": true, "files_searched": 3, "files_matched": 1, "matches": 1, "returned": 2, "truncated": false}}' 0
run file-grep "$D" '{"pattern":"^\\{\\n +return","multiline":true,"output_mode":"content","-A":1}'
check "grep: multiline: a newline escape and ^ mid-file, with -A 1 context" \
'{"content": "/m/a.c:3:{\n/m/a.c:4:    return a + b;\n/m/a.c-5-}", "is_error": false, "metadata": {"pattern": "^\\{\\n +return", "path": "/", "output_mode": "content", "multiline": true, "files_searched": 3, "files_matched": 1, "matches": 1, "returned": 3, "truncated": false}}' 0
run file-grep "$D" '{"pattern":"^}$","multiline":true,"output_mode":"content"}'
check "grep: multiline: ^}$ is one line, not the file" \
'{"content": "/m/a.c:5:}", "is_error": false, "metadata": {"pattern": "^}$", "path": "/", "output_mode": "content", "multiline": true, "files_searched": 3, "files_matched": 1, "matches": 1, "returned": 1, "truncated": false}}' 0
run file-grep "$D" '{"pattern":"^int f\\(int a,\\W+int b","multiline":true,"output_mode":"content"}'
check "grep: multiline: the non-word escape matches the newline (with ^: the REG_NEWLINE form)" \
'{"content": "/m/a.c:1:int f(int a,\n/m/a.c:2:      int b)", "is_error": false, "metadata": {"pattern": "^int f\\(int a,\\W+int b", "path": "/", "output_mode": "content", "multiline": true, "files_searched": 3, "files_matched": 1, "matches": 1, "returned": 2, "truncated": false}}' 0
run file-grep "$D" '{"pattern":"int","multiline":true,"output_mode":"count"}'
check "grep: multiline count counts matches (3, two on one line)" \
'{"content": "/m/a.c:3\n(3 matches in 1 file)", "is_error": false, "metadata": {"pattern": "int", "path": "/", "output_mode": "count", "multiline": true, "files_searched": 3, "files_matched": 1, "matches": 3, "returned": 1, "truncated": false}}' 0
run file-grep "$D" '{"pattern":"int","output_mode":"count"}'
check "grep: line by line, count counts lines (2)" \
'{"content": "/m/a.c:2\n(2 matching lines in 1 file)", "is_error": false, "metadata": {"pattern": "int", "path": "/", "output_mode": "count", "files_searched": 3, "files_matched": 1, "matches": 2, "returned": 1, "truncated": false}}' 0
run file-grep "$D" '{"pattern":"\\)\\n\\{","multiline":true}'
check "grep: multiline files_with_matches" \
'{"content": "/m/a.c", "is_error": false, "metadata": {"pattern": "\\)\\n\\{", "path": "/", "output_mode": "files_with_matches", "multiline": true, "files_searched": 3, "files_matched": 1, "matches": 1, "returned": 1, "truncated": false}}' 0
run file-grep "$D" '{"pattern":"int","multiline":true,"output_mode":"content","head_limit":1}'
check "grep: multiline head_limit note counts matches" \
'{"content": "/m/a.c:1:int f(int a,\n(output cut at head_limit 1 lines: 3 matches in 1 file in all)", "is_error": false, "metadata": {"pattern": "int", "path": "/", "output_mode": "content", "multiline": true, "files_searched": 3, "files_matched": 1, "matches": 3, "returned": 1, "truncated": true}}' 0
run file-grep "$D" '{"pattern":"foo\\nbar"}'
check "grep: a newline escape line by line is refused, with the multiline hint" \
'{"content": "Invalid regular expression foo\\nbar: \"\\n\" at offset 3 matches a newline, but this search goes line by line and a line never holds one; set multiline to true to match across lines", "is_error": true, "metadata": {"pattern": "foo\\nbar", "path": "/", "output_mode": "files_with_matches"}}' 1
run file-grep "$D" '{"pattern":"\\d+(?:px|em)"}'
check "grep: (?: names its offset and the ERE pattern" \
'{"content": "Invalid regular expression \\d+(?:px|em): \"(?:\" at offset 3 is a non-capturing group, which POSIX ERE does not have; use a plain group (...). In POSIX ERE: \\d+(px|em)", "is_error": true, "metadata": {"pattern": "\\d+(?:px|em)", "path": "/", "output_mode": "files_with_matches"}}' 1
run file-grep "$D" '{"pattern":"(?i)alpha"}'
check "grep: (?i) says to use case_insensitive" \
'{"content": "Invalid regular expression (?i)alpha: \"(?i)\" at offset 0 is an inline flag group, which POSIX ERE does not have; use the case_insensitive (or -i) input. In POSIX ERE: alpha with case_insensitive true", "is_error": true, "metadata": {"pattern": "(?i)alpha", "path": "/", "output_mode": "files_with_matches"}}' 1
run file-grep "$D" '{"pattern":"(?i:al)pha"}'
check "grep: (?i: scoped flags" \
'{"content": "Invalid regular expression (?i:al)pha: \"(?i:\" at offset 0 is a group with inline flags, which POSIX ERE does not have; use a plain group (...), and use the case_insensitive (or -i) input (for the whole pattern). In POSIX ERE: (al)pha with case_insensitive true", "is_error": true, "metadata": {"pattern": "(?i:al)pha", "path": "/", "output_mode": "files_with_matches"}}' 1
run file-grep "$D" '{"pattern":"(?s)a.b"}'
check "grep: (?s) says to use multiline" \
'{"content": "Invalid regular expression (?s)a.b: \"(?s)\" at offset 0 is an inline flag group, which POSIX ERE does not have; use the multiline input (then . matches newlines too). In POSIX ERE: a.b with multiline true", "is_error": true, "metadata": {"pattern": "(?s)a.b", "path": "/", "output_mode": "files_with_matches"}}' 1
run file-grep "$D" '{"pattern":"foo(?=bar)"}'
check "grep: (?= lookahead" \
'{"content": "Invalid regular expression foo(?=bar): \"(?=\" at offset 3 is a lookahead: lookaround is not supported by POSIX ERE (no (?=, (?!, (?<= or (?<!); match the text that follows as part of the pattern (foo(?=bar) as foobar)", "is_error": true, "metadata": {"pattern": "foo(?=bar)", "path": "/", "output_mode": "files_with_matches"}}' 1
run file-grep "$D" '{"pattern":"foo(?!bar)"}'
check "grep: (?! negative lookahead" \
'{"content": "Invalid regular expression foo(?!bar): \"(?!\" at offset 3 is a negative lookahead: lookaround is not supported by POSIX ERE (no (?=, (?!, (?<= or (?<!); a bracket such as [^x] excludes one character, or search for the positive case and compare", "is_error": true, "metadata": {"pattern": "foo(?!bar)", "path": "/", "output_mode": "files_with_matches"}}' 1
run file-grep "$D" '{"pattern":"(?<=x)y"}'
check "grep: (?<= lookbehind" \
'{"content": "Invalid regular expression (?<=x)y: \"(?<=\" at offset 0 is a lookbehind: lookaround is not supported by POSIX ERE (no (?=, (?!, (?<= or (?<!); match the text before as part of the pattern ((?<=foo)bar as foobar)", "is_error": true, "metadata": {"pattern": "(?<=x)y", "path": "/", "output_mode": "files_with_matches"}}' 1
run file-grep "$D" '{"pattern":"(?<!x)y"}'
check "grep: (?<! negative lookbehind" \
'{"content": "Invalid regular expression (?<!x)y: \"(?<!\" at offset 0 is a negative lookbehind: lookaround is not supported by POSIX ERE (no (?=, (?!, (?<= or (?<!); a bracket such as [^x] excludes one character, or search for the positive case and compare", "is_error": true, "metadata": {"pattern": "(?<!x)y", "path": "/", "output_mode": "files_with_matches"}}' 1
run file-grep "$D" '{"pattern":"[\\d]+"}'
check "grep: a digit escape inside brackets" \
'{"content": "Invalid regular expression [\\d]+: \"\\d\" at offset 1 inside brackets: POSIX brackets take no escapes (there \\d means a backslash or a d); write 0-9 inside the brackets, as in [0-9]. In POSIX ERE: [0-9]+", "is_error": true, "metadata": {"pattern": "[\\d]+", "path": "/", "output_mode": "files_with_matches"}}' 1
run file-grep "$D" '{"pattern":"[\\w.-]+@"}'
check "grep: a word escape inside brackets" \
'{"content": "Invalid regular expression [\\w.-]+@: \"\\w\" at offset 1 inside brackets: POSIX brackets take no escapes (there \\w means a backslash or a w); write [:alnum:]_ inside the brackets, as in [[:alnum:]_]. In POSIX ERE: [[:alnum:]_.-]+@", "is_error": true, "metadata": {"pattern": "[\\w.-]+@", "path": "/", "output_mode": "files_with_matches"}}' 1
run file-grep "$D" '{"pattern":"[\\s,]x"}'
check "grep: a space escape inside brackets" \
'{"content": "Invalid regular expression [\\s,]x: \"\\s\" at offset 1 inside brackets: POSIX brackets take no escapes (there \\s means a backslash or an s); write [:space:] inside the brackets, as in [[:space:]]. In POSIX ERE: [[:space:],]x", "is_error": true, "metadata": {"pattern": "[\\s,]x", "path": "/", "output_mode": "files_with_matches"}}' 1
run file-grep "$D" '{"pattern":"[\\D]"}'
check "grep: a non-digit escape inside brackets has no fix" \
'{"content": "Invalid regular expression [\\D]: \"\\D\" at offset 1 inside brackets: POSIX brackets take no escapes, and a bracket cannot hold a negated class; use [^0-9] on its own, or \\D outside brackets", "is_error": true, "metadata": {"pattern": "[\\D]", "path": "/", "output_mode": "files_with_matches"}}' 1
run file-grep "$D" '{"pattern":"[^\\n]+","multiline":true}'
check "grep: a newline escape inside brackets: the fix as a JSON string" \
'{"content": "Invalid regular expression [^\\n]+: \"\\n\" at offset 2 inside brackets: POSIX brackets take no escapes (there \\n means a backslash or an n); put the character itself there (in the JSON input, \"\\n\" rather than \"\\\\n\"). In POSIX ERE (as a JSON string): \"[^\\n]+\"", "is_error": true, "metadata": {"pattern": "[^\\n]+", "path": "/", "output_mode": "files_with_matches", "multiline": true}}' 1
run file-grep "$D" '{"pattern":"[\\]]"}'
check "grep: an escaped ] inside brackets" \
'{"content": "Invalid regular expression [\\]]: \"\\]\" at offset 1 inside brackets: POSIX brackets take no escapes, so the backslash is a plain character and this ] ends the brackets; put ] first instead, as in []abc] or [^]abc]", "is_error": true, "metadata": {"pattern": "[\\]]", "path": "/", "output_mode": "files_with_matches"}}' 1
run file-grep "$D" '{"pattern":"[+\\-*/]"}'
check "grep: an escaped - inside brackets makes a range" \
'{"content": "Invalid regular expression [+\\-*/]: \"\\-\" at offset 2 inside brackets: POSIX brackets take no escapes, so the backslash is a plain character and this - makes a range that starts at \\; put - last instead, as in [a-z_-]", "is_error": true, "metadata": {"pattern": "[+\\-*/]", "path": "/", "output_mode": "files_with_matches"}}' 1
run file-grep "$D" '{"pattern":"(?P<word>\\w+)(?<n>[0-9]+)","multiline":true}'
check "grep: named groups (?P< and (?<name>" \
'{"content": "Invalid regular expression (?P<word>\\w+)(?<n>[0-9]+): \"(?P<word>\" at offset 0 is a named group, which POSIX ERE does not have; use a plain group (...); \"(?<n>\" at offset 13 is a named group, which POSIX ERE does not have; use a plain group (...). In POSIX ERE: (\\w+)([0-9]+)", "is_error": true, "metadata": {"pattern": "(?P<word>\\w+)(?<n>[0-9]+)", "path": "/", "output_mode": "files_with_matches", "multiline": true}}' 1
run file-grep "$D" '{"pattern":"<b>.*?</b>","multiline":true}'
check "grep: lazy quantifier across lines is refused" \
'{"content": "Invalid regular expression <b>.*?</b>: \"*?\" at offset 4 is a lazy quantifier, which POSIX ERE does not have: its quantifiers are greedy, so across lines .* runs on to the last place where the rest matches; use a negated bracket instead, as in <[^>]*> for <.*?>", "is_error": true, "metadata": {"pattern": "<b>.*?</b>", "path": "/", "output_mode": "files_with_matches", "multiline": true}}' 1
run file-grep "$D" '{"pattern":"MATCH .+?$","output_mode":"count","path":"/ctx.txt"}'
check "grep: lazy quantifier line by line is accepted (the same lines)" \
'{"content": "/ctx.txt:3\n(3 matching lines in 1 file)", "is_error": false, "metadata": {"pattern": "MATCH .+?$", "path": "/ctx.txt", "output_mode": "count", "files_searched": 1, "files_matched": 1, "matches": 3, "returned": 1, "truncated": false}}' 0
run file-grep "$D" '{"pattern":"a*+b"}'
check "grep: possessive quantifier" \
'{"content": "Invalid regular expression a*+b: \"*+\" at offset 1 is a possessive quantifier, which POSIX ERE does not have; use * (there is no possessive or atomic matching). In POSIX ERE: a*b", "is_error": true, "metadata": {"pattern": "a*+b", "path": "/", "output_mode": "files_with_matches"}}' 1
run file-grep "$D" '{"pattern":"(a)\\1"}'
check "grep: backreference" \
'{"content": "Invalid regular expression (a)\\1: \"\\1\" at offset 3 is a backreference, which POSIX ERE does not have (it would match a plain 1); write the repeated text out", "is_error": true, "metadata": {"pattern": "(a)\\1", "path": "/", "output_mode": "files_with_matches"}}' 1
run file-grep "$D" '{"pattern":"\\Aabc\\z"}'
check "grep: the start and end of text escapes" \
'{"content": "Invalid regular expression \\Aabc\\z: \"\\A\" at offset 0 (start of text) is not POSIX ERE; use ^ (the start of a line); \"\\z\" at offset 5 (end of text) is not POSIX ERE; use $ (the end of a line). In POSIX ERE: ^abc$", "is_error": true, "metadata": {"pattern": "\\Aabc\\z", "path": "/", "output_mode": "files_with_matches"}}' 1
run file-grep "$D" '{"pattern":"a{,3}"}'
check "grep: {,n}" \
'{"content": "Invalid regular expression a{,3}: \"{,3}\" at offset 1 is not a POSIX ERE interval; write {0,3}. In POSIX ERE: a{0,3}", "is_error": true, "metadata": {"pattern": "a{,3}", "path": "/", "output_mode": "files_with_matches"}}' 1
run file-grep "$D" '{"pattern":"x{foo}"}'
check "grep: a { that starts no interval" \
'{"content": "Invalid regular expression x{foo}: \"{\" at offset 1 does not start an interval ({n}, {n,} or {n,m}); POSIX ERE needs \\{ for a plain {. In POSIX ERE: x\\{foo}", "is_error": true, "metadata": {"pattern": "x{foo}", "path": "/", "output_mode": "files_with_matches"}}' 1
run file-grep "$D" '{"pattern":"(?:a|b)(?i)c(?=d)(?!e)(?<=f)x"}'
check "grep: five problems: four shown and a count" \
'{"content": "Invalid regular expression (?:a|b)(?i)c(?=d)(?!e)(?<=f)x: \"(?:\" at offset 0 is a non-capturing group, which POSIX ERE does not have; use a plain group (...); \"(?i)\" at offset 7 is an inline flag group, which POSIX ERE does not have; use the case_insensitive (or -i) input; \"(?=\" at offset 12 is a lookahead: lookaround is not supported by POSIX ERE (no (?=, (?!, (?<= or (?<!); match the text that follows as part of the pattern (foo(?=bar) as foobar); \"(?!\" at offset 17 is a negative lookahead: lookaround is not supported by POSIX ERE (no (?=, (?!, (?<= or (?<!); a bracket such as [^x] excludes one character, or search for the positive case and compare; and 1 more", "is_error": true, "metadata": {"pattern": "(?:a|b)(?i)c(?=d)(?!e)(?<=f)x", "path": "/", "output_mode": "files_with_matches"}}' 1
run file-grep "$D" '{"pattern":"[[:word:]]"}'
check "grep: regcomp error with a hint: unknown class" \
'{"content": "Invalid regular expression [[:word:]]: Unknown character class name; the POSIX classes are [:alnum:] [:alpha:] [:blank:] [:cntrl:] [:digit:] [:graph:] [:lower:] [:print:] [:punct:] [:space:] [:upper:] [:xdigit:] (for word characters, [[:alnum:]_] or \\w)", "is_error": true, "metadata": {"pattern": "[[:word:]]", "path": "/", "output_mode": "files_with_matches"}}' 1
run file-grep "$D" '{"pattern":"*abc"}'
check "grep: regcomp error with a hint: nothing to repeat" \
'{"content": "Invalid regular expression *abc: Repetition not preceded by valid expression; a * + ? or {n} must follow something to repeat: write \\* \\+ \\? or \\{ for the character itself", "is_error": true, "metadata": {"pattern": "*abc", "path": "/", "output_mode": "files_with_matches"}}' 1
run file-grep "$D" '{"pattern":"a,\\W+int","multiline":true,"output_mode":"content"}'
check "grep: multiline: the non-word escape matches the newline without anchors too" \
'{"content": "/m/a.c:1:int f(int a,\n/m/a.c:2:      int b)", "is_error": false, "metadata": {"pattern": "a,\\W+int", "path": "/", "output_mode": "content", "multiline": true, "files_searched": 3, "files_matched": 1, "matches": 1, "returned": 2, "truncated": false}}' 0
run file-grep "$D" '{"pattern":"(?i)alpha","-i":true}'
check "grep: (?i) with -i already true: no extra input to set" \
'{"content": "Invalid regular expression (?i)alpha: \"(?i)\" at offset 0 is an inline flag group, which POSIX ERE does not have; use the case_insensitive (or -i) input. In POSIX ERE: alpha", "is_error": true, "metadata": {"pattern": "(?i)alpha", "path": "/", "output_mode": "files_with_matches"}}' 1
run file-grep "$D" '{"pattern":"\\p{Lu}x"}'
check "grep: a Unicode property escape becomes a POSIX class" \
'{"content": "Invalid regular expression \\p{Lu}x: \"\\p{Lu}\" at offset 0 (a Unicode property) is not POSIX ERE; use a POSIX class such as [[:alpha:]], [[:upper:]], [[:lower:]], [[:digit:]], [[:punct:]] or [[:space:]]. In POSIX ERE: [[:upper:]]x", "is_error": true, "metadata": {"pattern": "\\p{Lu}x", "path": "/", "output_mode": "files_with_matches"}}' 1
run file-grep "$D" '{"pattern":"\\Qa.b\\E"}'
check "grep: quoted text escapes become escaped text" \
'{"content": "Invalid regular expression \\Qa.b\\E: \"\\Qa.b\\E\" at offset 0 (quoted text) is not POSIX ERE; put a backslash before each special character instead. In POSIX ERE: a\\.b", "is_error": true, "metadata": {"pattern": "\\Qa.b\\E", "path": "/", "output_mode": "files_with_matches"}}' 1

# through corral tool: the manifest's schema takes the new keys
OUT=$("$CORRAL" tool --tools-dir "$TOOLS" --work-dir "$D" grep \
      '{"pattern":"match","path":"/ctx.txt","output_mode":"content","-i":true,"-n":false,"-B":1,"-A":0,"-C":3,"multiline":true,"head_limit":2}' 2>"$ERRF"); RC=$?
has "grep via corral tool: -i -n -A -B -C multiline pass the schema" \
'{"content":"/ctx.txt-two\n/ctx.txt:MATCH a\n(output cut at head_limit 2 lines: 3 matches in 1 file in all)","is_error":false,"metadata":{"pattern":"match","path":"/ctx.txt","output_mode":"content","multiline":true,"files_searched":1,"files_matched":1,"matches":3,"returned":2,"truncated":true,"sandbox":{' 0
OUT=$("$CORRAL" tool --tools-dir "$TOOLS" --work-dir "$D" grep '{"pattern":"x","-A":101,"-B":-1,"multiline":"yes"}' 2>"$ERRF"); RC=$?
has "grep via corral tool: the schema bounds -A and -B and types multiline" \
"grep: '-A' must be at most 100, got integer 101; '-B' must be at least 0, got integer -1; 'multiline' must be a boolean, got string" 1
OUT=$("$CORRAL" tool --tools-dir "$TOOLS" --work-dir "$D" grep "{\"pattern\":\"match\",\"path\":\"$D/ctx.txt\",\"-i\":true}" 2>"$ERRF"); RC=$?
has "grep via corral tool: a host path inside the work dir (path_inputs)" \
'{"content":"/ctx.txt","is_error":false,"metadata":{"pattern":"match","path":"/ctx.txt",' 0

# ------------------------------------------------------ nothing is lost
D=$(newdir)
BIG=$(newdir)/big.json
{ printf '{"file_path":"/keep.txt","content":"'
  head -c 3000000 /dev/zero | tr '\0' 'n'
  printf '"}'; } > "$BIG"
printf 'precious\n' > "$D/keep.txt"
OUT=$("$CORRAL" run --max-memory 2M --work-dir "$D" "$TOOLS/file-write.wasm" < "$BIG" 2>"$ERRF"); RC=$?
[ "$RC" != 0 ] && ok "lost: write over the memory cap fails (rc=$RC)" || bad "lost: write over the memory cap fails" "rc=0"
same_file "lost: ... and the old file is intact" "$D/keep.txt" "precious
"
OUT=$("$CORRAL" run --timeout 1ms --work-dir "$D" "$TOOLS/file-write.wasm" < "$BIG" 2>"$ERRF"); RC=$?
[ "$RC" != 0 ] && ok "lost: write stopped by a timeout fails (rc=$RC)" || bad "lost: write stopped by a timeout fails" "rc=0"
same_file "lost: ... and the old file is intact" "$D/keep.txt" "precious
"

# Stop a write at 39 points through its run (fuel budgets) and check that
# the file is always either all old or all new, never partial.
FUEL=$("$CORRAL" run --stats --work-dir "$D" "$TOOLS/file-write.wasm" < "$BIG" 2>&1 >/dev/null |
       sed -n 's/^fuel used: *\([0-9][0-9]*\).*/\1/p')
NEWSIZE=3000000
if [ -z "$FUEL" ]; then
    skp "lost: write stopped at 39 fuel budgets" "corral --stats printed no fuel"
else
    bad_runs=""
    k=1
    while [ $k -le 39 ]; do
        printf 'precious\n' > "$D/keep.txt"
        "$CORRAL" run --fuel $((FUEL * k / 40)) --work-dir "$D" "$TOOLS/file-write.wasm" < "$BIG" >/dev/null 2>&1
        sz=$(wc -c < "$D/keep.txt")
        if [ "$sz" != 9 ] && [ "$sz" != $NEWSIZE ]; then bad_runs="$bad_runs $k:$sz"; fi
        if [ "$sz" = 9 ] && [ "$(cat "$D/keep.txt")" != precious ]; then bad_runs="$bad_runs $k:changed"; fi
        k=$((k + 1))
    done
    left=$(ls -A "$D" | grep -c "\.tmp-")
    echo "# note: $left temp file(s) left by writes killed mid-run (the guest cannot clean up after a trap)"
    [ -z "$bad_runs" ] && ok "lost: write stopped at 39 fuel budgets: always all old or all new" \
        || bad "lost: write stopped at 39 fuel budgets" "partial files at$bad_runs"
fi

# The same for edit: a 2 MB file, every 'a' replaced.
E=$(newdir)
head -c 2000000 /dev/zero | tr '\0' 'a' > "$E/doc.txt"
cp "$E/doc.txt" "$E/orig"
EDIT='{"file_path":"/doc.txt","old_string":"a","new_string":"bb","replace_all":true}'
OUT=$(printf '%s' "$EDIT" | "$CORRAL" run --max-memory 4M --work-dir "$E" "$TOOLS/file-edit.wasm" 2>"$ERRF"); RC=$?
[ "$RC" != 0 ] && ok "lost: edit over the memory cap fails (rc=$RC)" || bad "lost: edit over the memory cap fails" "rc=0"
cmp -s "$E/doc.txt" "$E/orig" && ok "lost: ... and the old file is intact" || bad "lost: ... and the old file is intact" "changed"
FUEL=$(printf '%s' "$EDIT" | "$CORRAL" run --stats --work-dir "$E" "$TOOLS/file-edit.wasm" 2>&1 >/dev/null |
       sed -n 's/^fuel used: *\([0-9][0-9]*\).*/\1/p')
if [ -z "$FUEL" ]; then
    skp "lost: edit stopped at 19 fuel budgets" "corral --stats printed no fuel"
else
    bad_runs=""
    k=1
    while [ $k -le 19 ]; do
        cp "$E/orig" "$E/doc.txt"
        printf '%s' "$EDIT" | "$CORRAL" run --fuel $((FUEL * k / 20)) --work-dir "$E" "$TOOLS/file-edit.wasm" >/dev/null 2>&1
        sz=$(wc -c < "$E/doc.txt")
        if [ "$sz" = 2000000 ]; then cmp -s "$E/doc.txt" "$E/orig" || bad_runs="$bad_runs $k:changed"
        elif [ "$sz" != 4000000 ]; then bad_runs="$bad_runs $k:$sz"; fi
        k=$((k + 1))
    done
    [ -z "$bad_runs" ] && ok "lost: edit stopped at 19 fuel budgets: always all old or all new" \
        || bad "lost: edit stopped at 19 fuel budgets" "partial files at$bad_runs"
fi

# ------------------------------------------- read-only mappings, special files
# readonly_map_via_symlink: with --map-dir W/sub::/sub:ro, write and edit
# reach sub through a symlink in the writable work dir: both refused, the
# file (and its directory) unchanged.
D=$(newdir)
mkdir "$D/sub"
printf 'orig\n' > "$D/sub/f"
ln -s sub "$D/lnk"
ln -s sub/f "$D/flnk"
RO="--map-dir $D/sub::/sub:ro"
for p in /lnk/f /flnk /lnk/new /sub/f; do
    # shellcheck disable=SC2086
    run file-write "$D" "{\"file_path\":\"$p\",\"content\":\"pwned\\n\"}" $RO
    has "readonly_map_via_symlink: write $p refused" '"is_error": true' 1
done
# shellcheck disable=SC2086
run file-edit "$D" '{"file_path":"/lnk/f","old_string":"orig","new_string":"pwned"}' $RO
has "readonly_map_via_symlink: edit /lnk/f refused" '"is_error": true' 1
has "readonly_map_via_symlink: ...saying the link leads into a read-only mapping" \
    '/lnk is a symlink to sub, which is in a read-only mapping' 1
# shellcheck disable=SC2086
run file-edit "$D" '{"file_path":"/flnk","old_string":"orig","new_string":"pwned"}' $RO
has "readonly_map_via_symlink: edit /flnk refused" '"is_error": true' 1
same_file "readonly_map_via_symlink: sub/f unchanged" "$D/sub/f" 'orig
'
if [ "$(ls -A "$D/sub")" = f ]; then ok "readonly_map_via_symlink: nothing created in sub"
else bad "readonly_map_via_symlink: nothing created in sub" "$(ls -A "$D/sub" | tr '\n' ' ')"; fi
# shellcheck disable=SC2086
run file-read "$D" '{"file_path":"/lnk/f"}' $RO
has "readonly_map_via_symlink: read /lnk/f still works" '"content": "     1\torig\n"' 0
# shellcheck disable=SC2086
run file-write "$D" '{"file_path":"/other.txt","content":"fine\n"}' $RO
has "readonly_map_via_symlink: the rest of the work dir is writable" '"is_error": false' 0

# fifo_open_does_not_block: read and edit of a FIFO without a writer end
# at once with an error, also under --timeout 1s (write replaces the FIFO
# by a rename, never opening it: it must end at once too).
for t in file-read file-edit file-write; do
    D=$(newdir)
    mkfifo "$D/fifo"
    case $t in
    file-read) J='{"file_path":"/fifo"}' W='"is_error": true' ;;
    file-edit) J='{"file_path":"/fifo","old_string":"a","new_string":"b"}' W='"is_error": true' ;;
    file-write) J='{"file_path":"/fifo","content":"hi\n"}' W='"is_error": false' ;;
    esac
    for tl in "" "--timeout 1s"; do
        t0=$(date +%s)
        # shellcheck disable=SC2086
        OUT=$(printf '%s' "$J" | timeout 10 "$CORRAL" run $tl --work-dir "$D" "$TOOLS/$t.wasm" 2>"$ERRF")
        RC=$?
        el=$(($(date +%s) - t0))
        case $OUT in
        *"$W"*) [ "$RC" -le 1 ] && [ $el -le 3 ] && ok "fifo_open_does_not_block: $t ${tl:-(no timeout)} (${el}s)" ||
            bad "fifo_open_does_not_block: $t ${tl:-(no timeout)}" "rc=$RC after ${el}s: $OUT" ;;
        *) bad "fifo_open_does_not_block: $t ${tl:-(no timeout)}" "rc=$RC after ${el}s: $OUT" ;;
        esac
    done
    if [ $t != file-write ]; then
        [ -p "$D/fifo" ] && ok "fifo_open_does_not_block: $t left the FIFO as it was" || bad "fifo_open_does_not_block: $t left the FIFO as it was" "$(ls -l "$D")"
    fi
done

echo "e2e_tools_files: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
