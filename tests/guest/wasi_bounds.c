/*
 * wasi_bounds.c - drives each WASI bound of include/corral_bounds.h to its
 * bound and one past it, with the raw calls.  Driven by tests/e2e_bounds.sh:
 *
 *   corral run --work-dir W wasi_bounds.wasm checks [ARG...]
 *       every check below (W empty and writable; run once with openat2 and
 *       once with CORRAL_WASI_NO_OPENAT2=1, so both resolvers are held to
 *       the same bounds); the ARGs and the environment are echoed back by
 *       the WASI_MAX_STRINGS checks against what the script passed
 *   corral run wasi_bounds.wasm io
 *       the WASI_MAX_IO checks: writes of a GiB and more to fd 2, which the
 *       script sends to /dev/null
 *
 * Each check prints "ok NAME" or "FAIL NAME: why", NAME beginning with the
 * constant it drives; the exit status is the number of failures (capped at
 * 100).  The constants' values are repeated here (a guest cannot include
 * the host's header); the script checks them against corral_bounds.h.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define WASI_MAX_FDS 4096
#define WASI_MAX_IOV 1024
#define WASI_MAX_IO (UINT32_C(1) << 30)
#define WASI_MAX_PATH 4095u
#define WASI_MAX_SYMLINKS 40
#define WASI_MAX_POLL_SUBS (2 * WASI_MAX_FDS + 1)
#define WASI_RANDOM_CHUNK ((size_t)1 << 20)

static int failures;

static void check(const char *name, int cond, const char *fmt, ...)
{
    if (cond) {
        printf("ok %s\n", name);
        return;
    }
    failures++;
    printf("FAIL %s: ", name);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW
static const __wasi_rights_t R_ALL = 0x1fffffff;

/* The preopened fd whose name is NAME, or -1. */
static int preopen(const char *name)
{
    for (__wasi_fd_t fd = 3; fd < 64; fd++) {
        __wasi_prestat_t ps;
        if (__wasi_fd_prestat_get(fd, &ps) != 0)
            continue;
        size_t n = ps.u.dir.pr_name_len;
        char buf[256];
        if (n >= sizeof buf || __wasi_fd_prestat_dir_name(fd, (uint8_t *)buf, n) != 0)
            continue;
        buf[n] = 0;
        if (strcmp(buf, name) == 0)
            return fd;
    }
    return -1;
}

static __wasi_errno_t open_at(int dir, const char *path, __wasi_oflags_t of, __wasi_fd_t *fd)
{
    /* a directory is EISDIR when asked for FD_WRITE */
    __wasi_rights_t r = of & __WASI_OFLAGS_DIRECTORY ? R_ALL & ~__WASI_RIGHTS_FD_WRITE : R_ALL;
    return __wasi_path_open(dir, FOLLOW, path, of, r, R_ALL, 0, fd);
}

/* A file PATH beneath dir holding the n bytes at s. */
static int put_file(int dir, const char *path, const void *s, size_t n)
{
    __wasi_fd_t fd;
    __wasi_errno_t e = open_at(dir, path, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, &fd);
    if (e)
        return e;
    __wasi_ciovec_t iov = {s, n};
    __wasi_size_t put;
    e = __wasi_fd_write(fd, &iov, 1, &put);
    (void)__wasi_fd_close(fd);
    return e ? e : put == n ? 0 : -1;
}

/* ---- WASI_MAX_FDS ---------------------------------------------------------- */

static void fds(int root)
{
    /* fds 0..2 and the preopens are taken; open "." until the table is full */
    static __wasi_fd_t got[WASI_MAX_FDS];
    int n = 0;
    __wasi_errno_t e = 0;
    __wasi_fd_t fd = 0, last = 0;
    while (n < WASI_MAX_FDS && (e = open_at(root, ".", __WASI_OFLAGS_DIRECTORY, &fd)) == 0)
        got[n++] = last = fd;
    check("WASI_MAX_FDS: fds up to 4095 open", n > 0 && last == WASI_MAX_FDS - 1,
          "%d opened, the last fd %u, then errno %d", n, (unsigned)last, e);
    check("WASI_MAX_FDS: one more is EMFILE", e == __WASI_ERRNO_MFILE, "errno %d after %d opens", e, n);
    if (n > 0) {
        (void)__wasi_fd_close(got[n / 2]);
        e = open_at(root, ".", __WASI_OFLAGS_DIRECTORY, &fd);
        check("WASI_MAX_FDS: a closed fd can be opened again", e == 0 && fd == got[n / 2],
              "errno %d fd %u (closed %u)", e, (unsigned)fd, (unsigned)got[n / 2]);
        if (e == 0)
            got[n / 2] = fd;
    }
    for (int i = 0; i < n; i++)
        (void)__wasi_fd_close(got[i]);
    e = open_at(root, ".", __WASI_OFLAGS_DIRECTORY, &fd);
    check("WASI_MAX_FDS: all closed, the lowest fd is free again", e == 0 && fd < 16, "errno %d fd %u", e,
          (unsigned)fd);
    if (e == 0)
        (void)__wasi_fd_close(fd);
}

/* ---- WASI_MAX_IOV ----------------------------------------------------------- */

static void iov(int root)
{
    static __wasi_ciovec_t v[WASI_MAX_IOV + 2];
    static const char bytes[] = "0123456789";
    __wasi_fd_t fd;
    __wasi_errno_t e = open_at(root, "iov.bin", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, &fd);
    if (e) {
        check("WASI_MAX_IOV: open iov.bin", 0, "errno %d", e);
        return;
    }
    for (int i = 0; i < WASI_MAX_IOV + 2; i++)
        v[i] = (__wasi_ciovec_t){(const uint8_t *)bytes + i % 10, 1};
    __wasi_size_t n = 0;
    e = __wasi_fd_write(fd, v, WASI_MAX_IOV, &n);
    check("WASI_MAX_IOV: 1024 iovecs write 1024 bytes", e == 0 && n == WASI_MAX_IOV, "errno %d n %u", e, n);
    e = __wasi_fd_write(fd, v, WASI_MAX_IOV + 1, &n);
    check("WASI_MAX_IOV: 1025 iovecs: a short count of 1024", e == 0 && n == WASI_MAX_IOV, "errno %d n %u",
          e, n);
    /* an iovec past the bound is still checked */
    v[WASI_MAX_IOV] = (__wasi_ciovec_t){(const uint8_t *)0xfffffff0u, 100};
    e = __wasi_fd_write(fd, v, WASI_MAX_IOV + 1, &n);
    check("WASI_MAX_IOV: a bad iovec past 1024 is still EFAULT", e == __WASI_ERRNO_FAULT, "errno %d n %u", e, n);
    __wasi_filesize_t pos;
    (void)__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos);
    static char in[WASI_MAX_IOV + 2];
    static __wasi_iovec_t r[WASI_MAX_IOV + 2];
    for (int i = 0; i < WASI_MAX_IOV + 2; i++)
        r[i] = (__wasi_iovec_t){(uint8_t *)in + i, 1};
    e = __wasi_fd_read(fd, r, WASI_MAX_IOV + 2, &n);
    check("WASI_MAX_IOV: 1026 iovecs read 1024 of 2048 bytes", e == 0 && n == WASI_MAX_IOV && in[1023] == '3' &&
          in[1024] == 0, "errno %d n %u", e, n);
    (void)__wasi_fd_close(fd);
}

/* ---- WASI_MAX_PATH ---------------------------------------------------------- */

/* "././.../" then tail, len bytes in all. */
static char *padded(size_t len, const char *tail)
{
    size_t t = strlen(tail);
    char *p = malloc(len + 1);
    if (p == NULL || len < t || (len - t) % 2)
        abort();
    for (size_t i = 0; i + t < len; i += 2)
        memcpy(p + i, "./", 2);
    memcpy(p + len - t, tail, t + 1);
    return p;
}

static void paths(int root)
{
    __wasi_filestat_t st;
    __wasi_errno_t e = put_file(root, "x", "x", 1);
    char *at = padded(WASI_MAX_PATH, "x"), *past = padded(WASI_MAX_PATH + 1, "xx");
    e = e ? e : __wasi_path_filestat_get(root, FOLLOW, at, &st);
    check("WASI_MAX_PATH: a path of 4095 bytes resolves", e == 0 && st.size == 1, "errno %d", e);
    e = __wasi_path_filestat_get(root, FOLLOW, past, &st);
    check("WASI_MAX_PATH: 4096 bytes is ENAMETOOLONG", e == __WASI_ERRNO_NAMETOOLONG, "errno %d", e);
    __wasi_fd_t fd;
    e = open_at(root, past, __WASI_OFLAGS_CREAT, &fd);
    check("WASI_MAX_PATH: path_open of 4096 bytes is ENAMETOOLONG", e == __WASI_ERRNO_NAMETOOLONG, "errno %d", e);
    e = __wasi_path_create_directory(root, past);
    check("WASI_MAX_PATH: path_create_directory of 4096 bytes is ENAMETOOLONG",
          e == __WASI_ERRNO_NAMETOOLONG, "errno %d", e);
    e = __wasi_path_symlink(past, root, "longlink");
    check("WASI_MAX_PATH: a symlink target of 4096 bytes is ENAMETOOLONG", e == __WASI_ERRNO_NAMETOOLONG,
          "errno %d", e);
    e = __wasi_path_symlink(at, root, "longlink");
    check("WASI_MAX_PATH: a symlink target of 4095 bytes is made", e == 0, "errno %d", e);
    e = __wasi_path_filestat_get(root, FOLLOW, "longlink", &st);
    check("WASI_MAX_PATH: and resolves", e == 0 && st.size == 1, "errno %d", e);
    free(at);
    free(past);
}

/* ---- WASI_MAX_SYMLINKS, WASI_WALK_MAX_PATH ---------------------------------- */

static void links(int root)
{
    __wasi_errno_t e = __wasi_path_create_directory(root, "chain");
    char name[32], target[32];
    /* chain/s0 -> ../x; s(i) -> s(i-1): s(i) takes i + 1 hops */
    e = e ? e : __wasi_path_symlink("../x", root, "chain/s0");
    for (int i = 1; e == 0 && i <= WASI_MAX_SYMLINKS; i++) {
        snprintf(name, sizeof name, "chain/s%d", i);
        snprintf(target, sizeof target, "s%d", i - 1);
        e = __wasi_path_symlink(target, root, name);
    }
    if (e) {
        check("WASI_MAX_SYMLINKS: make the chain", 0, "errno %d", e);
        return;
    }
    __wasi_filestat_t st;
    snprintf(name, sizeof name, "chain/s%d", WASI_MAX_SYMLINKS - 1);
    e = __wasi_path_filestat_get(root, FOLLOW, name, &st);
    check("WASI_MAX_SYMLINKS: 40 hops resolve", e == 0 && st.filetype == __WASI_FILETYPE_REGULAR_FILE,
          "errno %d type %d", e, st.filetype);
    snprintf(name, sizeof name, "chain/s%d", WASI_MAX_SYMLINKS);
    e = __wasi_path_filestat_get(root, FOLLOW, name, &st);
    check("WASI_MAX_SYMLINKS: 41 hops are ELOOP", e == __WASI_ERRNO_LOOP, "errno %d", e);
    __wasi_fd_t fd;
    e = open_at(root, name, 0, &fd);
    check("WASI_MAX_SYMLINKS: path_open with 41 hops is ELOOP", e == __WASI_ERRNO_LOOP, "errno %d", e);

    /* walk/w(i) -> "w(i+1)/././..." (about 4000 bytes): following w0 the
     * walk splices every target in front of the padding of the ones
     * before, 40 times, to some 160 KB; the kernel resolves it too */
    e = __wasi_path_create_directory(root, "walk");
    e = e ? e : __wasi_path_create_directory(root, "walk/end");
    static char big[WASI_MAX_PATH + 1];
    for (int i = 0; e == 0 && i < WASI_MAX_SYMLINKS; i++) {
        int k = i + 1 < WASI_MAX_SYMLINKS ? snprintf(big, sizeof big, "w%d", i + 1)
                                          : snprintf(big, sizeof big, "end");
        while (k + 2 <= 4000) {
            memcpy(big + k, "/.", 2);
            k += 2;
        }
        big[k] = 0;
        snprintf(name, sizeof name, "walk/w%d", i);
        e = __wasi_path_symlink(big, root, name);
    }
    if (e) {
        check("WASI_WALK_MAX_PATH: make the links", 0, "errno %d", e);
        return;
    }
    e = __wasi_path_filestat_get(root, FOLLOW, "walk/w0", &st);
    check("WASI_WALK_MAX_PATH: 40 spliced targets of 4000 bytes resolve", e == 0 &&
          st.filetype == __WASI_FILETYPE_DIRECTORY, "errno %d type %d", e, st.filetype);
    e = open_at(root, "walk/w0/.", __WASI_OFLAGS_DIRECTORY, &fd);
    check("WASI_WALK_MAX_PATH: and open", e == 0, "errno %d", e);
    if (e == 0)
        (void)__wasi_fd_close(fd);
}

/* ---- fd_readdir -------------------------------------------------------------- */

#define NENT 40

static void readdir_bounds(int root)
{
    __wasi_errno_t e = __wasi_path_create_directory(root, "rd");
    char name[64];
    for (int i = 0; e == 0 && i < NENT; i++) {
        snprintf(name, sizeof name, "rd/e%.*s%02d", i % 30, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", i);
        e = put_file(root, name, "", 0);
    }
    __wasi_fd_t d;
    e = e ? e : open_at(root, "rd", __WASI_OFLAGS_DIRECTORY, &d);
    if (e) {
        check("fd_readdir: make rd/", 0, "errno %d", e);
        return;
    }
    /* a buffer smaller than one header: that much of it, no more */
    uint8_t buf[256];
    memset(buf, 0xAA, sizeof buf);
    __wasi_size_t used = 0;
    e = __wasi_fd_readdir(d, buf, 10, 0, &used);
    check("fd_readdir: a 10-byte buffer gets 10 bytes", e == 0 && used == 10 && buf[10] == 0xAA, "errno %d used %u",
          e, used);
    /* read the listing through buffers of every size from 56 (the longest
     * entry) to 100 bytes:
     * each entry once, each call within its buffer, the entry cut short
     * given again at its cookie */
    int bad_once = 0, over = 0, calls = 0, again = 0;
    for (uint32_t cap = 56; cap <= 100; cap++) {
        int seen[NENT] = {0};
        __wasi_dircookie_t cookie = 0;
        for (;;) {
            memset(buf, 0xAA, sizeof buf);
            e = __wasi_fd_readdir(d, buf, cap, cookie, &used);
            calls++;
            if (e || used > cap || buf[cap] != 0xAA) {
                over++;
                break;
            }
            uint32_t off = 0;
            int whole = 0;
            while (off + sizeof(__wasi_dirent_t) <= used) {
                __wasi_dirent_t de;
                memcpy(&de, buf + off, sizeof de);
                if (off + sizeof de + de.d_namlen > used)
                    break; /* cut short: given again from its cookie */
                const char *nm = (const char *)buf + off + sizeof de;
                int idx = de.d_namlen >= 2 ? atoi(nm + de.d_namlen - 2) : -1;
                if (nm[0] == 'e' && idx >= 0 && idx < NENT)
                    seen[idx]++;
                cookie = de.d_next;
                off += sizeof de + de.d_namlen;
                whole++;
            }
            if (used < cap)
                break; /* the end */
            if (off < used)
                again++;
            if (whole == 0) {
                over++; /* no entry fits: cap is below the longest (56 bytes) */
                break;
            }
        }
        for (int i = 0; i < NENT; i++)
            bad_once += seen[i] != 1;
    }
    check("fd_readdir: each call within the guest's buffer, the listing complete", over == 0, "%d of %d calls",
          over, calls);
    check("fd_readdir: every entry once, at every buffer size from 56 to 100", bad_once == 0 && again > 0,
          "%d entries not seen once; %d cut entries given again", bad_once, again);
    (void)__wasi_fd_close(d);
}

/* ---- WASI_MAX_POLL_SUBS -------------------------------------------------------- */

static void poll_bounds(void)
{
    size_t n = WASI_MAX_POLL_SUBS + 1;
    __wasi_subscription_t *s = calloc(n, sizeof *s);
    __wasi_event_t *ev = calloc(n, sizeof *ev);
    if (s == NULL || ev == NULL) {
        check("WASI_MAX_POLL_SUBS: memory", 0, "calloc");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        s[i].userdata = i;
        s[i].u.tag = __WASI_EVENTTYPE_CLOCK;
        s[i].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
        s[i].u.u.clock.timeout = 0;
    }
    __wasi_size_t got = 0;
    __wasi_errno_t e = __wasi_poll_oneoff(s, ev, WASI_MAX_POLL_SUBS, &got);
    check("WASI_MAX_POLL_SUBS: 8193 subscriptions, all ready", e == 0 && got == WASI_MAX_POLL_SUBS &&
          ev[got - 1].userdata == got - 1, "errno %d, %u events", e, got);
    got = 0;
    e = __wasi_poll_oneoff(s, ev, WASI_MAX_POLL_SUBS + 1, &got);
    check("WASI_MAX_POLL_SUBS: 8194 is EINVAL", e == __WASI_ERRNO_INVAL && got == 0, "errno %d, %u events", e, got);
    free(s);
    free(ev);
}

/* ---- WASI_RANDOM_CHUNK ----------------------------------------------------------- */

static void random_bounds(void)
{
    size_t n = WASI_RANDOM_CHUNK + 64;
    uint8_t *p = calloc(1, n);
    if (p == NULL)
        return;
    __wasi_errno_t e = __wasi_random_get(p, n);
    int tail = 0;
    for (size_t i = WASI_RANDOM_CHUNK; i < n; i++)
        tail |= p[i];
    check("WASI_RANDOM_CHUNK: a request one chunk and 64 bytes long is filled to its end", e == 0 && tail,
          "errno %d", e);
    free(p);
}

/* ---- WASI_MAX_STRINGS ---------------------------------------------------------- */

static void strings(int argc, char **argv)
{
    __wasi_size_t n = 0, bytes = 0;
    __wasi_errno_t e = __wasi_args_sizes_get(&n, &bytes);
    size_t want = 0;
    for (int i = 0; i < argc; i++)
        want += strlen(argv[i]) + 1;
    check("WASI_MAX_STRINGS: args_sizes_get counts the arguments and their bytes",
          e == 0 && n == (size_t)argc && bytes == want, "errno %d: %u args, %u bytes; libc has %d, %zu", e, n,
          bytes, argc, want);
    const char *big = getenv("BOUNDS_BIG");
    size_t bl = big ? strlen(big) : 0;
    int ok = bl > 0;
    for (size_t i = 0; i < bl; i++)
        ok &= big[i] == 'e';
    printf("# BOUNDS_BIG %zu bytes, argv[%d] %zu bytes\n", bl, argc - 1, strlen(argv[argc - 1]));
    check("WASI_MAX_STRINGS: a long variable arrives whole", ok, "%zu bytes", bl);
}

/* ---- WASI_MAX_IO (mode io) ----------------------------------------------------- */

static void io(void)
{
    /* one buffer of 1 GiB and 2 bytes: grown memory, never touched (the
     * host writes it to /dev/null), so it costs address space only */
    size_t n = (size_t)WASI_MAX_IO + 2;
    uint8_t *p = malloc(n);
    if (p == NULL) {
        check("WASI_MAX_IO: 1 GiB of guest memory", 0, "malloc");
        return;
    }
    __wasi_ciovec_t v[2] = {{p, WASI_MAX_IO}, {p, 1}};
    __wasi_size_t put = 0;
    __wasi_errno_t e = __wasi_fd_write(2, v, 1, &put);
    check("WASI_MAX_IO: a write of 1 GiB moves it all", e == 0 && put == WASI_MAX_IO, "errno %d put %u", e, put);
    v[0].buf_len = WASI_MAX_IO + 1;
    e = __wasi_fd_write(2, v, 1, &put);
    check("WASI_MAX_IO: 1 GiB and 1 byte in one iovec: a short count of 1 GiB", e == 0 && put == WASI_MAX_IO,
          "errno %d put %u", e, put);
    v[0].buf_len = WASI_MAX_IO;
    e = __wasi_fd_write(2, v, 2, &put);
    check("WASI_MAX_IO: 1 GiB and 1 byte in two iovecs: a short count of 1 GiB", e == 0 && put == WASI_MAX_IO,
          "errno %d put %u", e, put);
    v[0].buf_len = WASI_MAX_IO - 1;
    e = __wasi_fd_write(2, v, 2, &put);
    check("WASI_MAX_IO: 1 GiB in two iovecs moves it all", e == 0 && put == WASI_MAX_IO, "errno %d put %u", e,
          put);
    free(p);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char *mode = argc > 1 ? argv[1] : "checks";
    if (strcmp(mode, "io") == 0) {
        io();
        return failures > 100 ? 100 : failures;
    }
    int root = preopen("/");
    if (root < 0) {
        printf("FAIL setup: no preopen \"/\"\n");
        return 100;
    }
    strings(argc, argv);
    fds(root);
    iov(root);
    paths(root);
    links(root);
    readdir_bounds(root);
    poll_bounds();
    random_bounds();
    return failures > 100 ? 100 : failures;
}
