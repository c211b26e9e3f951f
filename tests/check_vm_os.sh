#!/bin/sh
# check_vm_os.sh - vm/ must stay free of the OS (docs/design.md, "Layers":
# vm/ uses nothing but libc's memory, string and math functions).
#
#   sh tests/check_vm_os.sh [DIR]       (DIR defaults to vm/ of this repo)
#
# Fails (exit 1), naming the file, line and header or function, when a .c or
# .h file of DIR
#   - includes a system header outside the allowlist below,
#   - includes a quoted header that is not a project header (a plain name
#     found in DIR or in include/), or uses a computed #include,
#     #include_next or #import,
#   - calls or declares an obviously-OS function (I/O, files, processes,
#     environment, clocks, threads, sockets, signals, exit/abort), or uses
#     inline assembly.  A static function the file itself defines under
#     such a name (say a helper called dup) is not reported,
#   - calls the C allocator (malloc, calloc, realloc, free, strdup, ...)
#     anywhere but alloc.c, the default allocator: everything else
#     allocates through the hooks of vm/alloc.h (corral_allocator).
# Comments and string literals are blanked out first, so prose that
# mentions printf( does not count.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
dir=${1:-$root/vm}

if [ ! -d "$dir" ]; then
    echo "check_vm_os: no directory $dir" >&2
    exit 1
fi
set -- "$dir"/*.c "$dir"/*.h
files=""
for f in "$@"; do
    [ -f "$f" ] && files="$files $f"
done
if [ -z "$files" ]; then
    echo "check_vm_os: no .c or .h files in $dir (nothing to check)"
    exit 0
fi

# shellcheck disable=SC2086 # $files is a list of paths without blanks
awk -v incdir="$root/include" '
function report(msg) {
    printf "check_vm_os: %s:%d: %s\n", FILENAME, FNR, msg
    nbad++
}
function exists(path,    line, r) {
    r = (getline line < path)
    close(path)
    return r >= 0
}
BEGIN {
    split("stdint.h stddef.h stdbool.h string.h stdlib.h math.h limits.h float.h stdatomic.h assert.h", a, " ")
    for (i in a) allow[a[i]] = 1
    os = "fopen|freopen|fclose|fread|fwrite|fflush|fseek|ftell|rewind|fgetc|fgets|fputc|fputs|" \
         "getc|getchar|gets|putc|putchar|puts|printf|fprintf|sprintf|snprintf|vprintf|vfprintf|" \
         "vsprintf|vsnprintf|scanf|fscanf|sscanf|perror|remove|rename|tmpfile|tmpnam|setvbuf|setbuf|" \
         "open|openat|openat2|creat|close|read|write|pread|pwrite|readv|writev|lseek|stat|fstat|lstat|" \
         "fstatat|mmap|munmap|mprotect|madvise|mremap|brk|sbrk|ioctl|fcntl|dup|dup2|pipe|unlink|" \
         "mkdir|rmdir|opendir|readdir|closedir|chdir|getcwd|" \
         "fork|vfork|execve|execv|execvp|execl|execlp|system|popen|pclose|wait|waitpid|" \
         "exit|_exit|_Exit|abort|atexit|quick_exit|at_quick_exit|kill|raise|signal|sigaction|" \
         "getpid|getenv|secure_getenv|setenv|unsetenv|putenv|" \
         "time|clock|clock_gettime|gettimeofday|nanosleep|sleep|usleep|localtime|gmtime|strftime|" \
         "pthread_[A-Za-z0-9_]+|thrd_[a-z_]+|mtx_[a-z_]+|cnd_[a-z_]+|tss_[a-z_]+|call_once|" \
         "socket|connect|bind|listen|accept|send|recv|sendto|recvfrom|getaddrinfo|" \
         "dlopen|dlsym|syscall"
    callre = "(^|[^A-Za-z0-9_.>])(" os ")[ \t]*\\("
    mem = "malloc|calloc|realloc|reallocarray|free|strdup|strndup|aligned_alloc|posix_memalign|memalign|valloc"
    memre = "(^|[^A-Za-z0-9_.>])(" mem ")[ \t]*\\("
    asmre = "(^|[^A-Za-z0-9_])(asm|__asm|__asm__)([^A-Za-z0-9_]|$)"
}
FNR == 1 {
    st = 0; nfiles++; split("", local)
    base = FILENAME; sub(/.*\//, "", base)
    allocfile = base == "alloc.c"
}
{
    # Walk the line: kept = comments blanked, bare = comments and string
    # or character literal contents blanked.  st: 0 code, 1 block comment,
    # 2 string, 3 character literal.
    line = $0; n = length(line); kept = ""; bare = ""; i = 1
    while (i <= n) {
        c = substr(line, i, 1); d = substr(line, i + 1, 1)
        if (st == 0) {
            if (c == "/" && d == "*") { st = 1; kept = kept "  "; bare = bare "  "; i += 2; continue }
            if (c == "/" && d == "/") break
            if (c == "\"") st = 2
            else if (c == "\047") st = 3
            kept = kept c; bare = bare c; i++
            continue
        }
        if (st == 1) {
            if (c == "*" && d == "/") { st = 0; kept = kept "  "; bare = bare "  "; i += 2; continue }
            kept = kept " "; bare = bare " "; i++
            continue
        }
        if (c == "\\") { kept = kept c d; bare = bare "  "; i += 2; continue }
        if ((st == 2 && c == "\"") || (st == 3 && c == "\047")) {
            st = 0; kept = kept c; bare = bare c; i++
            continue
        }
        kept = kept c; bare = bare " "; i++
    }
    # A literal cannot span lines without a backslash-newline.
    if (st >= 2 && substr(line, n, 1) != "\\") st = 0

    if (match(kept, /^[ \t]*#[ \t]*(include_next|include|import)/)) {
        directive = substr(kept, RSTART, RLENGTH); sub(/^[ \t]*#[ \t]*/, "", directive)
        rest = substr(kept, RSTART + RLENGTH); sub(/^[ \t]+/, "", rest)
        if (directive != "include") {
            report("#" directive " is not allowed")
        } else if (rest ~ /^<[^>]*>/) {
            h = rest; sub(/^</, "", h); sub(/>.*/, "", h)
            if (!(h in allow))
                report("includes <" h "> (not on the allowlist of libc memory, string and math headers)")
        } else if (rest ~ /^"[^"]*"/) {
            h = rest; sub(/^"/, "", h); sub(/".*/, "", h)
            fdir = FILENAME; sub(/\/[^\/]*$/, "", fdir)
            if (h ~ /\// || !(exists(fdir "/" h) || exists(incdir "/" h)))
                report("includes \"" h "\" (not a project header of " fdir "/ or include/)")
        } else {
            report("computed #include (" rest ") is not allowed")
        }
    }
    # A static function of the file that happens to share a libc name
    # (C requires it to be declared before its first use) is not libc:
    # the first name called on a line that starts with static is the one
    # it declares.
    if (bare ~ /^[ \t]*static[ \t]/ && match(bare, /[A-Za-z_][A-Za-z0-9_]*[ \t]*\(/)) {
        name = substr(bare, RSTART, RLENGTH); sub(/[ \t]*\($/, "", name)
        local[name] = 1
    }
    s = bare
    while (match(s, callre)) {
        name = substr(s, RSTART, RLENGTH)
        sub(/^[^A-Za-z_]/, "", name); sub(/[ \t]*\($/, "", name)
        s = substr(s, RSTART + RLENGTH)
        if (name in local) continue
        report("calls or declares " name "() (an OS function)")
    }
    s = bare
    while (!allocfile && match(s, memre)) {
        name = substr(s, RSTART, RLENGTH)
        sub(/^[^A-Za-z_]/, "", name); sub(/[ \t]*\($/, "", name)
        s = substr(s, RSTART + RLENGTH)
        if (name in local) continue
        report("calls " name "() (the C allocator: use vm_malloc & co. of vm/alloc.h)")
    }
    if (match(bare, asmre))
        report("inline assembly is not allowed")
}
END {
    if (nbad) {
        printf "check_vm_os: FAILED: %d problem(s); vm/ may use only libc memory, string and math functions\n", nbad
        exit 1
    }
    printf "check_vm_os: ok (%d files: no OS headers, no OS calls, the C allocator only in alloc.c)\n", nfiles
}
' $files
