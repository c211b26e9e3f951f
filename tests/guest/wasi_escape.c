/*
 * wasi_escape.c - tries one way out of the sandbox, for tests/e2e_wasi.sh.
 *
 *   wasi_escape.wasm OP PATH [ARG]
 *
 * Every path goes to the raw WASI call against the preopen named "/" (or
 * the one named by $ESC_DIR), so wasi-libc does not rewrite it.  OPs:
 *
 *   read PATH          path_open (following symlinks) and read: prints
 *                      "READ:<content>" or "ERR <errno>"
 *   readnf PATH        the same without following the last symlink
 *   stat PATH          path_filestat_get: "STAT <size>" or "ERR <errno>"
 *   list PATH          open a directory and fd_readdir it: "NAME:<n>" lines
 *   write PATH         create/truncate and write "PWNED": "WROTE" or "ERR"
 *   mkdir PATH         "MADE" or "ERR <errno>"
 *   unlink PATH        "GONE" or "ERR <errno>"
 *   rename PATH NEW    "MOVED" or "ERR <errno>"
 *   link PATH NEW      hard link: "LINKED" or "ERR <errno>"
 *   symlink TARGET NEW then read NEW: "ERR <errno>" for path_symlink, or
 *                      the read result as for read
 *   race PATH MS       open and read PATH in a loop for MS milliseconds;
 *                      prints "LEAK:<content>" and exits 3 the first time
 *                      the content is not "inside\n", else
 *                      "race: N reads, M errors" and exits 0
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW

static int dirfd_named(const char *name)
{
    for (__wasi_fd_t fd = 3; fd < 64; fd++) {
        __wasi_prestat_t ps;
        char buf[256];
        if (__wasi_fd_prestat_get(fd, &ps) != 0 || ps.u.dir.pr_name_len >= sizeof buf)
            continue;
        if (__wasi_fd_prestat_dir_name(fd, (uint8_t *)buf, ps.u.dir.pr_name_len) != 0)
            continue;
        buf[ps.u.dir.pr_name_len] = 0;
        if (strcmp(buf, name) == 0)
            return fd;
    }
    return -1;
}

/* 0 and the content in buf, or an errno. */
static __wasi_errno_t read_path(int dir, const char *path, __wasi_lookupflags_t lf, char *buf, size_t cap)
{
    __wasi_fd_t fd;
    __wasi_errno_t e = __wasi_path_open(dir, lf, path, 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd);
    if (e)
        return e;
    __wasi_iovec_t iov = {(uint8_t *)buf, cap - 1};
    __wasi_size_t n = 0;
    e = __wasi_fd_read(fd, &iov, 1, &n);
    buf[e ? 0 : n] = 0;
    (void)__wasi_fd_close(fd);
    return e;
}

static int report_read(__wasi_errno_t e, const char *buf)
{
    if (e)
        printf("ERR %d\n", e);
    else
        printf("READ:%s\n", buf);
    return 0;
}

static __wasi_timestamp_t mono_ms(void)
{
    __wasi_timestamp_t t = 0;
    (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t);
    return t / 1000000;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 3) {
        fprintf(stderr, "usage: wasi_escape OP PATH [ARG]\n");
        return 2;
    }
    const char *op = argv[1], *path = argv[2], *arg = argc > 3 ? argv[3] : "";
    const char *dname = getenv("ESC_DIR") ? getenv("ESC_DIR") : "/";
    int dir = dirfd_named(dname);
    if (dir < 0) {
        printf("NODIR %s\n", dname);
        return 4;
    }
    static char buf[4096];
    __wasi_errno_t e;
    if (strcmp(op, "read") == 0 || strcmp(op, "readnf") == 0)
        return report_read(read_path(dir, path, op[4] ? 0 : FOLLOW, buf, sizeof buf), buf);
    if (strcmp(op, "stat") == 0) {
        __wasi_filestat_t st;
        e = __wasi_path_filestat_get(dir, FOLLOW, path, &st);
        if (e)
            printf("ERR %d\n", e);
        else
            printf("STAT %llu\n", (unsigned long long)st.size);
        return 0;
    }
    if (strcmp(op, "list") == 0) {
        __wasi_fd_t fd;
        e = __wasi_path_open(dir, FOLLOW, path, __WASI_OFLAGS_DIRECTORY,
                             __WASI_RIGHTS_FD_READDIR, 0, 0, &fd);
        __wasi_size_t used = 0;
        if (e == 0)
            e = __wasi_fd_readdir(fd, (uint8_t *)buf, sizeof buf, 0, &used);
        if (e) {
            printf("ERR %d\n", e);
            return 0;
        }
        for (size_t off = 0; off + sizeof(__wasi_dirent_t) <= used;) {
            __wasi_dirent_t d;
            memcpy(&d, buf + off, sizeof d);
            if (off + sizeof d + d.d_namlen > used)
                break;
            printf("NAME:%.*s\n", (int)d.d_namlen, buf + off + sizeof d);
            off += sizeof d + d.d_namlen;
        }
        return 0;
    }
    if (strcmp(op, "write") == 0) {
        __wasi_fd_t fd;
        e = __wasi_path_open(dir, FOLLOW, path, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC,
                             __WASI_RIGHTS_FD_WRITE, 0, 0, &fd);
        if (e == 0) {
            __wasi_ciovec_t iov = {(const uint8_t *)"PWNED\n", 6};
            __wasi_size_t n;
            e = __wasi_fd_write(fd, &iov, 1, &n);
            (void)__wasi_fd_close(fd);
        }
        if (e)
            printf("ERR %d\n", e);
        else
            printf("WROTE\n");
        return 0;
    }
    if (strcmp(op, "mkdir") == 0 || strcmp(op, "unlink") == 0 || strcmp(op, "rename") == 0 ||
        strcmp(op, "link") == 0) {
        const char *done;
        if (op[0] == 'm') {
            e = __wasi_path_create_directory(dir, path);
            done = "MADE";
        } else if (op[0] == 'u') {
            e = __wasi_path_unlink_file(dir, path);
            done = "GONE";
        } else if (op[0] == 'r') {
            e = __wasi_path_rename(dir, path, dir, arg);
            done = "MOVED";
        } else {
            e = __wasi_path_link(dir, FOLLOW, path, dir, arg);
            done = "LINKED";
        }
        if (e)
            printf("ERR %d\n", e);
        else
            printf("%s\n", done);
        return 0;
    }
    if (strcmp(op, "symlink") == 0) {
        e = __wasi_path_symlink(path, dir, arg);
        if (e) {
            printf("ERR %d\n", e);
            return 0;
        }
        printf("SYMLINKED\n");
        return report_read(read_path(dir, arg, FOLLOW, buf, sizeof buf), buf);
    }
    if (strcmp(op, "race") == 0) {
        long ms = argc > 3 ? atol(arg) : 1000;
        __wasi_timestamp_t end = mono_ms() + (__wasi_timestamp_t)ms;
        long reads = 0, errors = 0;
        while (mono_ms() < end) {
            e = read_path(dir, path, FOLLOW, buf, sizeof buf);
            if (e) {
                errors++;
                continue;
            }
            reads++;
            if (strcmp(buf, "inside\n") != 0) {
                printf("LEAK:%s\n", buf);
                return 3;
            }
        }
        printf("race: %ld reads, %ld errors\n", reads, errors);
        return 0;
    }
    fprintf(stderr, "unknown op %s\n", op);
    return 2;
}
