/*
 * misc.c - arguments and environment, clocks, random bytes, process exit
 * and raise, sched_yield, and poll_oneoff (clock and fd subscriptions,
 * waiting in short slices so that an interrupt ends the wait).
 */
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SLICE_NS 5000000u /* 5 ms */

/* ---- args / environ ---------------------------------------------------- */

static int list_get(wcall *k, const wasi_strlist *l)
{
    uint32_t vp = A32(k, 0), bp = A32(k, 1);
    uint8_t *v = wmem(k, vp, 4 * (uint64_t)l->n), *b = wmem(k, bp, l->bytes);
    if (v == NULL || b == NULL)
        return WE_FAULT;
    memcpy(b, l->buf, l->bytes);
    uint32_t off = 0;
    for (uint32_t i = 0; i < l->n; i++) {
        put32(v + 4 * i, bp + off);
        off += (uint32_t)strlen(l->buf + off) + 1;
    }
    return WE_SUCCESS;
}

static int list_sizes(wcall *k, const wasi_strlist *l)
{
    put32(k->mem + A32(k, 0), l->n);
    put32(k->mem + A32(k, 1), l->bytes);
    return WE_SUCCESS;
}

int wasi_h_args_get(wcall *k) { return list_get(k, &k->w->args); }
int wasi_h_args_sizes_get(wcall *k) { return list_sizes(k, &k->w->args); }
int wasi_h_environ_get(wcall *k) { return list_get(k, &k->w->env); }
int wasi_h_environ_sizes_get(wcall *k) { return list_sizes(k, &k->w->env); }

/* ---- clocks -------------------------------------------------------------- */

static int host_clock(uint32_t id, clockid_t *c)
{
    static const clockid_t map[4] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
                                     CLOCK_THREAD_CPUTIME_ID};
    if (id > 3)
        return WE_INVAL;
    *c = map[id];
    return WE_SUCCESS;
}

static uint64_t ns_of(struct timespec t)
{
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static uint64_t now(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return ns_of(t);
}

int wasi_h_clock_res_get(wcall *k)
{
    clockid_t c;
    struct timespec t;
    int e = host_clock(A32(k, 0), &c);
    if (e)
        return e;
    if (clock_getres(c, &t) < 0)
        return wasi_errno(errno);
    put64(k->mem + A32(k, 1), ns_of(t));
    return WE_SUCCESS;
}

int wasi_h_clock_time_get(wcall *k)
{
    clockid_t c;
    struct timespec t;
    int e = host_clock(A32(k, 0), &c);
    if (e)
        return e;
    if (clock_gettime(c, &t) < 0)
        return wasi_errno(errno);
    put64(k->mem + A32(k, 2), ns_of(t));
    return WE_SUCCESS;
}

/* ---- random, process, scheduling ------------------------------------------ */

int wasi_h_random_get(wcall *k)
{
    uint8_t *p = k->mem + A32(k, 0);
    size_t len = A32(k, 1);
    while (len > 0) {
        ssize_t n = getrandom(p, len > WASI_RANDOM_CHUNK ? WASI_RANDOM_CHUNK : len, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return wasi_errno(errno);
        }
        p += n;
        len -= (size_t)n;
        if (len > 0 && wasi_interrupted(k->w)) {
            k->trap = "interrupt"; /* gigabytes take seconds */
            return WE_INTR;
        }
    }
    return WE_SUCCESS;
}

int wasi_h_proc_exit(wcall *k)
{
    k->trap = corral_caller_exit(k->c, (int32_t)A32(k, 0));
    return WE_SUCCESS;
}

int wasi_h_proc_raise(wcall *k)
{
    (void)k;
    return WE_NOSYS;
}

int wasi_h_sched_yield(wcall *k)
{
    (void)k;
    sched_yield();
    return WE_SUCCESS;
}

/* ---- poll_oneoff --------------------------------------------------------- */

enum { EV_CLOCK = 0, EV_FD_READ = 1, EV_FD_WRITE = 2 };

typedef struct {
    uint64_t userdata;
    uint8_t type;
    uint16_t error;
    uint64_t deadline;  /* clock: monotonic ns */
    int host;           /* fd: host fd to poll, -1 if ready without polling */
    bool ready;
    uint64_t nbytes;
    uint16_t flags;
} psub;

static void put_event(uint8_t *p, const psub *s)
{
    memset(p, 0, 32);
    put64(p, s->userdata);
    put16(p + 8, s->error);
    p[10] = s->type;
    if (s->type != EV_CLOCK) {
        put64(p + 16, s->nbytes);
        put16(p + 24, s->flags);
    }
}

/* Decide a fd subscription now, or leave it to poll (host >= 0). */
static void fd_sub(wasi_ctx *w, psub *s, uint32_t fd)
{
    wfd *f;
    s->host = -1;
    int e = wasi_fd_get(w, fd, 0, &f);
    if (e == WE_SUCCESS && !(f->base & RT_POLL_FD_READWRITE))
        e = WE_NOTCAPABLE;
    if (e == WE_SUCCESS && s->type == EV_FD_READ && !(f->base & RT_FD_READ))
        e = WE_BADF;
    if (e == WE_SUCCESS && s->type == EV_FD_WRITE && !(f->base & RT_FD_WRITE))
        e = WE_BADF;
    if (e == WE_SUCCESS && f->kind == FK_DIR)
        e = WE_BADF;
    if (e) {
        s->error = (uint16_t)e;
        s->ready = true;
        return;
    }
    if (f->kind == FK_STDIN) {
        if (w->stdin_data) {
            s->nbytes = w->stdin_len - w->stdin_pos;
            s->ready = true;
        } else if (w->stdin_fd < 0) {
            s->flags = 1; /* hangup: empty stdin */
            s->ready = true;
        } else {
            s->host = w->stdin_fd;
        }
        return;
    }
    if (f->kind == FK_FILE && s->type == EV_FD_READ) {
        struct stat st;
        off_t pos = lseek(f->host, 0, SEEK_CUR);
        if (fstat(f->host, &st) == 0 && pos >= 0 && st.st_size > pos)
            s->nbytes = (uint64_t)(st.st_size - pos);
    }
    s->ready = true; /* files and stdout/stderr are always ready */
}

int wasi_h_poll_oneoff(wcall *k)
{
    uint32_t n = A32(k, 2);
    if (n == 0 || n > WASI_MAX_POLL_SUBS)
        return WE_INVAL; /* the host holds each while it waits */
    const uint8_t *in = k->mem + A32(k, 0);
    uint8_t *out = k->mem + A32(k, 1);
    psub *s = calloc(n, sizeof *s);
    struct pollfd *pf = calloc(n, sizeof *pf);
    int e = WE_SUCCESS;
    if (s == NULL || pf == NULL) {
        e = WE_NOMEM;
        goto done;
    }
    uint64_t t0 = now(CLOCK_MONOTONIC);
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *p = in + 48 * (size_t)i;
        s[i].userdata = get64(p);
        s[i].type = p[8];
        s[i].host = -1;
        if (s[i].type == EV_CLOCK) {
            clockid_t c;
            uint32_t id = get32(p + 16);
            uint64_t timeout = get64(p + 24);
            uint16_t fl = get16(p + 40);
            if (host_clock(id, &c)) {
                s[i].error = WE_INVAL;
                s[i].ready = true;
                continue;
            }
            if (fl & 1) { /* absolute */
                uint64_t cur = now(c);
                uint64_t rel = timeout > cur ? timeout - cur : 0;
                s[i].deadline = t0 + rel < t0 ? UINT64_MAX : t0 + rel;
            } else {
                s[i].deadline = t0 + timeout < t0 ? UINT64_MAX : t0 + timeout;
            }
        } else if (s[i].type == EV_FD_READ || s[i].type == EV_FD_WRITE) {
            fd_sub(k->w, &s[i], get32(p + 16));
        } else {
            e = WE_INVAL;
            goto done;
        }
    }
    uint32_t nev = 0;
    for (;;) {
        uint64_t t = now(CLOCK_MONOTONIC), next = UINT64_MAX;
        int np = 0;
        for (uint32_t i = 0; i < n; i++) {
            if (s[i].type == EV_CLOCK && !s[i].ready) {
                if (t >= s[i].deadline)
                    s[i].ready = true;
                else if (s[i].deadline < next)
                    next = s[i].deadline;
            }
            if (s[i].ready)
                nev++;
        }
        if (nev)
            break;
        for (uint32_t i = 0; i < n; i++)
            if (s[i].host >= 0) {
                pf[np].fd = s[i].host;
                pf[np].events = s[i].type == EV_FD_READ ? POLLIN : POLLOUT;
                pf[np].revents = 0;
                np++;
            }
        uint64_t wait = next == UINT64_MAX ? SLICE_NS : next - t;
        if (wait > SLICE_NS)
            wait = SLICE_NS;
        if (np) {
            int r = poll(pf, (nfds_t)np, (int)((wait + 999999) / 1000000));
            if (r > 0) {
                int j = 0;
                for (uint32_t i = 0; i < n; i++)
                    if (s[i].host >= 0) {
                        if (pf[j].revents) {
                            s[i].ready = true;
                            if (pf[j].revents & (POLLHUP | POLLERR))
                                s[i].flags = 1;
                        }
                        j++;
                    }
            }
        } else {
            struct timespec ts = {0, (long)wait};
            nanosleep(&ts, NULL);
        }
        if (wasi_interrupted(k->w)) {
            k->trap = "interrupt";
            goto done;
        }
    }
    nev = 0;
    for (uint32_t i = 0; i < n; i++)
        if (s[i].ready)
            put_event(out + 32 * (size_t)nev++, &s[i]);
    put32(k->mem + A32(k, 3), nev);
done:
    free(s);
    free(pf);
    return e;
}
