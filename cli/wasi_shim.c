/*
 * wasi_shim.c - a minimal wasi_snapshot_preview1 for `corral run`.
 *
 * The guest sees three fds (0 stdin, 1 stdout, 2 stderr), its arguments,
 * an empty environment, the clocks and random bytes.  There are no
 * preopens, so it can open nothing.  Every (pointer, length) the guest
 * passes is checked against the size of its memory, in 64 bits, before
 * the handler touches a byte; a bad one is EFAULT, never a host access.
 * Values are stored little-endian byte by byte, so the shim also works on
 * a big-endian host.
 */
#define _POSIX_C_SOURCE 200809L

#include "wasi_shim.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/random.h>
#endif

/* WASI errno values (preview1 "errno" enum). */
enum {
    E_SUCCESS = 0, E_AGAIN = 6, E_BADF = 8, E_FAULT = 21, E_FBIG = 22, E_INTR = 27,
    E_INVAL = 28, E_IO = 29, E_NOSPC = 51, E_NOSYS = 52, E_NOTSUP = 58, E_PIPE = 64,
    E_SPIPE = 70, E_NOTCAPABLE = 76
};

/* fdstat values for the three stdio fds. */
enum { FILETYPE_CHARACTER_DEVICE = 2 };
#define RIGHT_FD_READ (UINT64_C(1) << 1)
#define RIGHT_FD_WRITE (UINT64_C(1) << 6)
#define RIGHT_POLL_FD_READWRITE (UINT64_C(1) << 27)

/* A list of strings as args_get / environ_get hand it out: n strings,
 * NUL-terminated, packed into buf (bytes long, which fits in 32 bits). */
typedef struct {
    uint32_t n, bytes;
    char *buf;
} strlist;

struct cli_wasi {
    strlist args, env;
    unsigned closed; /* bit fd set once the guest closed fd (0..2) */
    const atomic_int *stop;
};

/* ---- guest memory ------------------------------------------------------ */

/* The guest bytes [ptr, ptr + len), or NULL if any is outside its memory.
 * The check is in subtraction form so that it cannot wrap. */
static uint8_t *guest(corral_caller *c, uint64_t ptr, uint64_t len)
{
    uint64_t size = 0;
    uint8_t *mem = corral_caller_memory(c, &size);
    if (mem == NULL || ptr > size || len > size - ptr)
        return NULL;
    return mem + ptr;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Set the errno result of a WASI call; the call itself did not trap. */
static const char *ret(uint64_t *r, uint32_t wasi_errno)
{
    r[0] = wasi_errno;
    return NULL;
}

static uint32_t from_host_errno(int e)
{
    switch (e) {
    case EAGAIN: return E_AGAIN;
    case EBADF: return E_BADF;
    case EFBIG: return E_FBIG;
    case EINTR: return E_INTR;
    case ENOSPC: return E_NOSPC;
    case EPIPE: return E_PIPE;
    default: return E_IO;
    }
}

static int stdio_open(const cli_wasi *w, uint64_t fd)
{
    return fd <= 2 && !(w->closed & (1u << fd));
}

/* ---- args and environment --------------------------------------------- */

static const char *list_sizes(const strlist *s, corral_caller *c, const uint64_t *a, uint64_t *r)
{
    uint8_t *count = guest(c, (uint32_t)a[0], 4), *size = guest(c, (uint32_t)a[1], 4);
    if (count == NULL || size == NULL)
        return ret(r, E_FAULT);
    put32(count, s->n);
    put32(size, s->bytes);
    return ret(r, E_SUCCESS);
}

static const char *list_get(const strlist *s, corral_caller *c, const uint64_t *a, uint64_t *r)
{
    uint32_t ptrs = (uint32_t)a[0], buf = (uint32_t)a[1];
    uint8_t *p = guest(c, ptrs, (uint64_t)s->n * 4), *b = guest(c, buf, s->bytes);
    if (p == NULL || b == NULL)
        return ret(r, E_FAULT);
    if (s->bytes > 0)
        memcpy(b, s->buf, s->bytes);
    uint32_t off = 0;
    for (uint32_t i = 0; i < s->n; i++) {
        put32(p + 4 * (uint64_t)i, buf + off); /* in range: b holds it */
        off += (uint32_t)strlen(s->buf + off) + 1;
    }
    return ret(r, E_SUCCESS);
}

static const char *args_sizes_get(corral_caller *c, void *env, const uint64_t *a, uint64_t *r)
{
    return list_sizes(&((cli_wasi *)env)->args, c, a, r);
}

static const char *args_get(corral_caller *c, void *env, const uint64_t *a, uint64_t *r)
{
    return list_get(&((cli_wasi *)env)->args, c, a, r);
}

static const char *environ_sizes_get(corral_caller *c, void *env, const uint64_t *a, uint64_t *r)
{
    return list_sizes(&((cli_wasi *)env)->env, c, a, r);
}

static const char *environ_get(corral_caller *c, void *env, const uint64_t *a, uint64_t *r)
{
    return list_get(&((cli_wasi *)env)->env, c, a, r);
}

/* ---- fds ---------------------------------------------------------------- */

/* An array of n iovecs {u32 buf, u32 len} at ptr, each buffer inside the
 * guest's memory; NULL if the array or any buffer is not. */
static uint8_t *iovecs(corral_caller *c, uint32_t ptr, uint32_t n)
{
    uint8_t *iov = guest(c, ptr, (uint64_t)n * 8);
    for (uint32_t i = 0; iov != NULL && i < n; i++)
        if (guest(c, get32(iov + 8 * (uint64_t)i), get32(iov + 8 * (uint64_t)i + 4)) == NULL)
            return NULL;
    return iov;
}

/* fd_write(fd, iovs, iovs_len, nwritten): all iovecs are checked before
 * anything is written; the total is capped at what fits the u32 result. */
static const char *fd_write(corral_caller *c, void *env, const uint64_t *a, uint64_t *r)
{
    uint32_t fd = (uint32_t)a[0], n = (uint32_t)a[2];
    if ((fd != 1 && fd != 2) || !stdio_open(env, fd))
        return ret(r, E_BADF);
    uint8_t *iov = iovecs(c, (uint32_t)a[1], n), *nw = guest(c, (uint32_t)a[3], 4);
    if (iov == NULL || nw == NULL)
        return ret(r, E_FAULT);
    uint64_t total = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *buf = guest(c, get32(iov + 8 * (uint64_t)i), 0);
        uint64_t len = get32(iov + 8 * (uint64_t)i + 4), done = 0;
        if (len > UINT32_MAX - total)
            len = UINT32_MAX - total;
        while (done < len) {
            ssize_t k = write((int)fd, buf + done, (size_t)(len - done));
            if (k < 0 && errno == EINTR)
                continue;
            if (k < 0) {
                if (total + done > 0)
                    break; /* report the part that was written */
                return ret(r, from_host_errno(errno));
            }
            done += (uint64_t)k;
        }
        total += done;
        if (done < len)
            break;
    }
    put32(nw, (uint32_t)total);
    return ret(r, E_SUCCESS);
}

/* Wait until stdin is readable.  Returns 0 if the run was stopped (a
 * timeout) first, so that a guest blocked on input still ends on time. */
static int wait_stdin(const cli_wasi *w)
{
    while (w->stop != NULL) {
        if (atomic_load(w->stop))
            return 0;
        struct pollfd p = {.fd = 0, .events = POLLIN};
        int k = poll(&p, 1, 50);
        if (k > 0 || (k < 0 && errno != EINTR))
            return 1;
    }
    return 1;
}

/* fd_read(fd, iovs, iovs_len, nread): stdin only; stops at the first short
 * read so that it never blocks once some input has arrived. */
static const char *fd_read(corral_caller *c, void *env, const uint64_t *a, uint64_t *r)
{
    uint32_t fd = (uint32_t)a[0], n = (uint32_t)a[2];
    if (fd != 0 || !stdio_open(env, fd))
        return ret(r, E_BADF);
    uint8_t *iov = iovecs(c, (uint32_t)a[1], n), *nr = guest(c, (uint32_t)a[3], 4);
    if (iov == NULL || nr == NULL)
        return ret(r, E_FAULT);
    uint64_t total = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *buf = guest(c, get32(iov + 8 * (uint64_t)i), 0);
        uint64_t len = get32(iov + 8 * (uint64_t)i + 4);
        if (len > UINT32_MAX - total)
            len = UINT32_MAX - total;
        if (len == 0)
            continue;
        if (!wait_stdin(env))
            return "interrupt";
        ssize_t k;
        do
            k = read(0, buf, (size_t)len);
        while (k < 0 && errno == EINTR);
        if (k < 0) {
            if (total > 0)
                break;
            return ret(r, from_host_errno(errno));
        }
        total += (uint64_t)k;
        if ((uint64_t)k < len)
            break;
    }
    put32(nr, (uint32_t)total);
    return ret(r, E_SUCCESS);
}

/* Closing a stdio fd only hides it from the guest; the host keeps it. */
static const char *fd_close(corral_caller *c, void *env, const uint64_t *a, uint64_t *r)
{
    (void)c;
    cli_wasi *w = env;
    if (!stdio_open(w, (uint32_t)a[0]))
        return ret(r, E_BADF);
    w->closed |= 1u << (uint32_t)a[0];
    return ret(r, E_SUCCESS);
}

static const char *fd_seek(corral_caller *c, void *env, const uint64_t *a, uint64_t *r)
{
    (void)c;
    return ret(r, stdio_open(env, (uint32_t)a[0]) ? E_SPIPE : E_BADF);
}

/* fdstat: filetype u8 @0, flags u16 @2, rights_base u64 @8,
 * rights_inheriting u64 @16; 24 bytes. */
static const char *fd_fdstat_get(corral_caller *c, void *env, const uint64_t *a, uint64_t *r)
{
    uint32_t fd = (uint32_t)a[0];
    if (!stdio_open(env, fd))
        return ret(r, E_BADF);
    uint8_t *st = guest(c, (uint32_t)a[1], 24);
    if (st == NULL)
        return ret(r, E_FAULT);
    memset(st, 0, 24);
    st[0] = FILETYPE_CHARACTER_DEVICE;
    put64(st + 8, (fd == 0 ? RIGHT_FD_READ : RIGHT_FD_WRITE) | RIGHT_POLL_FD_READWRITE);
    return ret(r, E_SUCCESS);
}

static const char *fd_fdstat_set_flags(corral_caller *c, void *env, const uint64_t *a,
                                       uint64_t *r)
{
    (void)c;
    if (!stdio_open(env, (uint32_t)a[0]))
        return ret(r, E_BADF);
    return ret(r, (uint16_t)a[1] == 0 ? E_SUCCESS : E_NOTSUP);
}

/* No preopens: every fd answers EBADF, which ends wasi-libc's scan. */
static const char *fd_prestat(corral_caller *c, void *env, const uint64_t *a, uint64_t *r)
{
    (void)c, (void)env, (void)a;
    return ret(r, E_BADF);
}

static const char *path_open(corral_caller *c, void *env, const uint64_t *a, uint64_t *r)
{
    (void)c;
    return ret(r, stdio_open(env, (uint32_t)a[0]) ? E_NOTCAPABLE : E_BADF);
}

/* ---- clocks, random, scheduling, exit ----------------------------------- */

static int host_clock(uint32_t id, clockid_t *out)
{
    static const clockid_t ids[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
                                    CLOCK_THREAD_CPUTIME_ID};
    if (id >= sizeof ids / sizeof ids[0])
        return 0;
    *out = ids[id];
    return 1;
}

static const char *clock_get(int res, corral_caller *c, const uint64_t *a, uint64_t *r)
{
    clockid_t id;
    struct timespec ts;
    if (!host_clock((uint32_t)a[0], &id))
        return ret(r, E_INVAL);
    uint8_t *out = guest(c, (uint32_t)a[res ? 1 : 2], 8);
    if (out == NULL)
        return ret(r, E_FAULT);
    if ((res ? clock_getres(id, &ts) : clock_gettime(id, &ts)) != 0)
        return ret(r, E_INVAL);
    put64(out, (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
    return ret(r, E_SUCCESS);
}

/* clock_time_get(id, precision: i64, time_ptr) */
static const char *clock_time_get(corral_caller *c, void *env, const uint64_t *a, uint64_t *r)
{
    (void)env;
    return clock_get(0, c, a, r);
}

/* clock_res_get(id, res_ptr) */
static const char *clock_res_get(corral_caller *c, void *env, const uint64_t *a, uint64_t *r)
{
    (void)env;
    return clock_get(1, c, a, r);
}

static int fill_random(uint8_t *p, size_t n)
{
#if defined(__linux__)
    while (n > 0) {
        ssize_t k = getrandom(p, n, 0);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return 0;
        p += k;
        n -= (size_t)k;
    }
    return 1;
#else
    FILE *f = fopen("/dev/urandom", "rb");
    int ok = f != NULL && fread(p, 1, n, f) == n;
    if (f != NULL)
        fclose(f);
    return ok;
#endif
}

static const char *random_get(corral_caller *c, void *env, const uint64_t *a, uint64_t *r)
{
    (void)env;
    uint8_t *buf = guest(c, (uint32_t)a[0], (uint32_t)a[1]);
    if (buf == NULL)
        return ret(r, E_FAULT);
    return ret(r, fill_random(buf, (uint32_t)a[1]) ? E_SUCCESS : E_IO);
}

static const char *sched_yield_(corral_caller *c, void *env, const uint64_t *a, uint64_t *r)
{
    (void)c, (void)env, (void)a;
    sched_yield();
    return ret(r, E_SUCCESS);
}

static const char *nosys(corral_caller *c, void *env, const uint64_t *a, uint64_t *r)
{
    (void)c, (void)env, (void)a;
    return ret(r, E_NOSYS);
}

static const char *proc_exit(corral_caller *c, void *env, const uint64_t *a, uint64_t *r)
{
    (void)env, (void)r;
    return corral_caller_exit(c, (int32_t)(uint32_t)a[0]);
}

/* ---- the table ----------------------------------------------------------
 * Signatures: params ':' results; i = i32, I = i64 (corral.h). */
static const struct {
    const char *name, *sig;
    corral_host_fn fn;
} shim_funcs[] = {
    {"args_get", "ii:i", args_get},
    {"args_sizes_get", "ii:i", args_sizes_get},
    {"environ_get", "ii:i", environ_get},
    {"environ_sizes_get", "ii:i", environ_sizes_get},
    {"fd_write", "iiii:i", fd_write},
    {"fd_read", "iiii:i", fd_read},
    {"fd_close", "i:i", fd_close},
    {"fd_seek", "iIii:i", fd_seek},
    {"fd_fdstat_get", "ii:i", fd_fdstat_get},
    {"fd_fdstat_set_flags", "ii:i", fd_fdstat_set_flags},
    {"fd_prestat_get", "ii:i", fd_prestat},
    {"fd_prestat_dir_name", "iii:i", fd_prestat},
    {"path_open", "iiiiiIIii:i", path_open},
    {"clock_time_get", "iIi:i", clock_time_get},
    {"clock_res_get", "ii:i", clock_res_get},
    {"random_get", "ii:i", random_get},
    {"sched_yield", ":i", sched_yield_},
    {"poll_oneoff", "iiii:i", nosys},
    {"proc_exit", "i:", proc_exit},
};
#define NFUNCS (sizeof shim_funcs / sizeof shim_funcs[0])

static const char WASI_MODULE[] = "wasi_snapshot_preview1";

int cli_wasi_provides(const char *module, const char *name)
{
    if (strcmp(module, WASI_MODULE) != 0)
        return 0;
    for (size_t i = 0; i < NFUNCS; i++)
        if (strcmp(shim_funcs[i].name, name) == 0)
            return 1;
    return 0;
}

const char *cli_wasi_link(cli_wasi *w, corral_linker *l)
{
    for (size_t i = 0; i < NFUNCS; i++) {
        const char *err = corral_linker_define_func(l, WASI_MODULE, shim_funcs[i].name,
                                                    shim_funcs[i].sig, shim_funcs[i].fn, w);
        if (err != NULL)
            return err;
    }
    return NULL;
}

cli_wasi *cli_wasi_new(int argc, char *const *argv, const atomic_int *stop)
{
    cli_wasi *w = calloc(1, sizeof *w);
    if (w == NULL)
        return NULL;
    w->stop = stop;
    uint64_t bytes = 0;
    for (int i = 0; i < argc; i++)
        bytes += strlen(argv[i]) + 1;
    /* Sizes travel as u32 to the guest. */
    if (bytes > UINT32_MAX || (uint64_t)argc > UINT32_MAX / 4)
        goto fail;
    w->args.buf = malloc(bytes > 0 ? (size_t)bytes : 1);
    if (w->args.buf == NULL)
        goto fail;
    w->args.n = (uint32_t)argc;
    w->args.bytes = (uint32_t)bytes;
    size_t off = 0;
    for (int i = 0; i < argc; i++) {
        size_t len = strlen(argv[i]) + 1;
        memcpy(w->args.buf + off, argv[i], len);
        off += len;
    }
    return w;
fail:
    cli_wasi_free(w);
    return NULL;
}

void cli_wasi_free(cli_wasi *w)
{
    if (w == NULL)
        return;
    free(w->args.buf);
    free(w->env.buf);
    free(w);
}
