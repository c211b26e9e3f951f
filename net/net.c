/*
 * net.c - the "corral_net" import module: the net context, the handle
 * table, and the host functions that check guest memory and then call
 * http.c or sock.c (see net.h; the ABI is include/corral_net.h).
 *
 * Invariants:
 *   - every guest (pointer, length) pair and out-pointer is checked with
 *     guest_span() before it is touched; a bad one is NET_EFAULT and the
 *     call has no other effect;
 *   - guest bytes a transfer needs are copied to host memory first, and
 *     results are written back only after it, through a fresh memory
 *     pointer (a host call never runs the guest, but it costs nothing);
 *   - handles are indices + 1 into a fixed table; the guest never sees a
 *     host fd or pointer.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "net.h"

typedef enum { SLOT_FREE, SLOT_HTTP, SLOT_SOCK } slot_kind;

typedef struct {
    slot_kind kind;
    net_response *resp; /* SLOT_HTTP */
    int fd;             /* SLOT_SOCK */
} slot;

struct net_ctx {
    net_config cfg;
    corral_store *store;  /* of the current run (set by net_link) */
    uint64_t deadline_ms; /* net_now_ms() based; 0: none */
    slot slots[NET_MAX_HANDLES];
    char last_error[1024];
};

uint64_t net_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

net_ctx *net_new(const net_config *cfg)
{
    net_ctx *n = calloc(1, sizeof *n);
    if (n == NULL)
        return NULL;
    n->cfg = *cfg;
    if (n->cfg.max_body == 0)
        n->cfg.max_body = NET_MAX_BODY;
    return n;
}

static void close_slot(slot *s)
{
    if (s->kind == SLOT_HTTP)
        net_response_free(s->resp);
    else if (s->kind == SLOT_SOCK)
        close(s->fd);
    memset(s, 0, sizeof *s);
}

static void close_all(net_ctx *n)
{
    for (size_t i = 0; i < NET_MAX_HANDLES; i++)
        close_slot(&n->slots[i]);
}

void net_free(net_ctx *n)
{
    if (n == NULL)
        return;
    close_all(n);
    free(n);
}

int net_fail(net_ctx *n, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(n->last_error, sizeof n->last_error, fmt, ap);
    va_end(ap);
    return code;
}

int net_deny(net_ctx *n, const char *msg)
{
    snprintf(n->last_error, sizeof n->last_error, "%s", msg);
    if (n->cfg.log != NULL)
        n->cfg.log(n->cfg.log_env, msg);
    return NET_EDENIED;
}

uint64_t net_remaining_ms(const net_ctx *n)
{
    if (n->deadline_ms == 0)
        return UINT64_MAX;
    uint64_t now = net_now_ms();
    return now >= n->deadline_ms ? 0 : n->deadline_ms - now;
}

bool net_interrupted(const net_ctx *n)
{
    return n->store != NULL && corral_store_interrupted(n->store);
}

const net_policy *net_ctx_policy(const net_ctx *n) { return n->cfg.policy; }
uint64_t net_ctx_max_body(const net_ctx *n) { return n->cfg.max_body; }

/* ---- handles ---------------------------------------------------------------- */

static int new_handle(net_ctx *n, uint32_t *h)
{
    for (uint32_t i = 0; i < NET_MAX_HANDLES; i++) {
        if (n->slots[i].kind == SLOT_FREE) {
            *h = i + 1;
            return NET_OK;
        }
    }
    return net_fail(n, NET_EMFILE, "all %d network handles are in use", NET_MAX_HANDLES);
}

static slot *get_slot(net_ctx *n, uint32_t h, slot_kind kind)
{
    if (h == 0 || h > NET_MAX_HANDLES || n->slots[h - 1].kind != kind)
        return NULL;
    return &n->slots[h - 1];
}

/* ---- guest memory ------------------------------------------------------------- */

/* [ptr, ptr + len) inside the caller's memory, or NULL.  len 0 is fine
 * anywhere up to the end (and gives a non-NULL pointer). */
static uint8_t *guest_span(corral_caller *c, uint32_t ptr, uint64_t len)
{
    uint64_t size = 0;
    uint8_t *mem = corral_caller_memory(c, &size);
    if (mem == NULL || ptr > size || len > size - ptr)
        return NULL;
    return mem + ptr;
}

static void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* Write v to the guest's u32 at ptr (checked again: it may have been
 * checked before a transfer, and memory is re-fetched after it). */
static int store_u32(corral_caller *c, uint32_t ptr, uint32_t v)
{
    uint8_t *p = guest_span(c, ptr, 4);
    if (p == NULL)
        return NET_EFAULT;
    put_u32(p, v);
    return NET_OK;
}

/* The buf/cap/len contract: copy min(cap, len) bytes, write len. */
static int store_text(corral_caller *c, uint32_t buf, uint32_t cap, uint32_t lenp,
                      const char *text, size_t len)
{
    uint8_t *dst = guest_span(c, buf, cap), *lp = guest_span(c, lenp, 4);
    if (dst == NULL || lp == NULL)
        return NET_EFAULT;
    if (len > UINT32_MAX)
        len = UINT32_MAX;
    memcpy(dst, text, len < cap ? len : cap);
    put_u32(lp, (uint32_t)len);
    return NET_OK;
}

#define A(i) ((uint32_t)args[i])

static net_ctx *ctx_of(void *env) { return env; }

static const char *ret(uint64_t *results, int code)
{
    results[0] = (uint32_t)code;
    return NULL; /* never a trap: every failure is a code the guest handles */
}

static int efault(net_ctx *n)
{
    return net_fail(n, NET_EFAULT, "a pointer or length is outside the guest's memory");
}

/* ---- HTTP ------------------------------------------------------------------------ */

/* http_request(method, mlen, url, ulen, headers, hlen, body, blen, flags,
 *              timeout_ms, max_body, *handle) */
static const char *h_http_request(corral_caller *c, void *env, const uint64_t *args,
                                  uint64_t *results)
{
    net_ctx *n = ctx_of(env);
    uint32_t h = 0;
    const uint8_t *m = guest_span(c, A(0), A(1)), *u = guest_span(c, A(2), A(3)),
                  *hd = guest_span(c, A(4), A(5)), *b = guest_span(c, A(6), A(7));
    if (m == NULL || u == NULL || hd == NULL || b == NULL || guest_span(c, A(11), 4) == NULL)
        return ret(results, efault(n));
    /* The sizes first, against the guest's own memory (nothing copied, so
     * a request spanning all of it costs the host nothing); then one copy
     * of the method, URL and headers, at most their caps together
     * (net_limits.h).  The body stays in guest memory. */
    net_request req = {0};
    req.method = (const char *)m, req.method_len = A(1);
    req.url = (const char *)u, req.url_len = A(3);
    req.headers = (const char *)hd, req.headers_len = A(5);
    req.body = b, req.body_len = A(7);
    int e = net_http_check(n, &req);
    if (e != NET_OK)
        return ret(results, e);
    e = new_handle(n, &h);
    if (e != NET_OK)
        return ret(results, e);
    size_t total = (size_t)A(1) + A(3) + A(5);
    char *copy = malloc(total + 1);
    if (copy == NULL)
        return ret(results, net_fail(n, NET_ENOMEM, "out of memory"));
    char *p = copy;
    memcpy(p, m, A(1)), req.method = p, p += A(1);
    memcpy(p, u, A(3)), req.url = p, p += A(3);
    memcpy(p, hd, A(5)), req.headers = p;
    req.flags = A(8);
    req.timeout_ms = A(9);
    req.max_body = A(10);
    net_response *r = NULL;
    e = net_http_request(n, &req, &r);
    free(copy);
    if (e == NET_OK) {
        e = store_u32(c, A(11), h);
        if (e == NET_OK) {
            n->slots[h - 1].kind = SLOT_HTTP;
            n->slots[h - 1].resp = r;
        } else {
            net_response_free(r);
            efault(n);
        }
    }
    return ret(results, e);
}

static const char *h_http_response(corral_caller *c, void *env, const uint64_t *args,
                                   uint64_t *results)
{
    net_ctx *n = ctx_of(env);
    slot *s = get_slot(n, A(0), SLOT_HTTP);
    uint8_t *st = guest_span(c, A(1), 4), *bl = guest_span(c, A(2), 4),
            *fl = guest_span(c, A(3), 4);
    if (s == NULL)
        return ret(results, net_fail(n, NET_EBADF, "%u is not an open response", A(0)));
    if (st == NULL || bl == NULL || fl == NULL)
        return ret(results, efault(n));
    put_u32(st, s->resp->status);
    put_u32(bl, (uint32_t)s->resp->body_len); /* <= the cap, which fits */
    put_u32(fl, s->resp->truncated ? 1u : 0u);
    return ret(results, NET_OK);
}

static const char *h_http_get(corral_caller *c, void *env, const uint64_t *args,
                              uint64_t *results)
{
    net_ctx *n = ctx_of(env);
    slot *s = get_slot(n, A(0), SLOT_HTTP);
    if (s == NULL)
        return ret(results, net_fail(n, NET_EBADF, "%u is not an open response", A(0)));
    const char *text;
    size_t len;
    switch (A(1)) {
    case CORRAL_NET_FIELD_URL: text = s->resp->url, len = strlen(text); break;
    case CORRAL_NET_FIELD_CONTENT_TYPE: text = s->resp->content_type, len = strlen(text); break;
    case CORRAL_NET_FIELD_HEADERS: text = s->resp->headers, len = s->resp->headers_len; break;
    default:
        return ret(results, net_fail(n, NET_EINVAL, "unknown response field %u", A(1)));
    }
    int e = store_text(c, A(2), A(3), A(4), text, len);
    return ret(results, e == NET_OK ? e : efault(n));
}

static const char *h_http_read(corral_caller *c, void *env, const uint64_t *args,
                               uint64_t *results)
{
    net_ctx *n = ctx_of(env);
    slot *s = get_slot(n, A(0), SLOT_HTTP);
    uint8_t *dst = guest_span(c, A(1), A(2)), *np = guest_span(c, A(3), 4);
    if (s == NULL)
        return ret(results, net_fail(n, NET_EBADF, "%u is not an open response", A(0)));
    if (dst == NULL || np == NULL)
        return ret(results, efault(n));
    net_response *r = s->resp;
    size_t left = r->body_len - r->read_pos, k = left < A(2) ? left : A(2);
    if (k > 0)
        memcpy(dst, r->body + r->read_pos, k);
    r->read_pos += k;
    put_u32(np, (uint32_t)k);
    return ret(results, NET_OK);
}

static const char *h_close(net_ctx *n, uint32_t h, slot_kind kind, uint64_t *results)
{
    slot *s = get_slot(n, h, kind);
    if (s == NULL)
        return ret(results, net_fail(n, NET_EBADF, "%u is not an open %s", h,
                                     kind == SLOT_HTTP ? "response" : "socket"));
    close_slot(s);
    return ret(results, NET_OK);
}

static const char *h_http_close(corral_caller *c, void *env, const uint64_t *args,
                                uint64_t *results)
{
    (void)c;
    return h_close(ctx_of(env), A(0), SLOT_HTTP, results);
}

/* ---- sockets ---------------------------------------------------------------------- */

/* Checked before the host is copied (net_limits.h). */
static int host_too_long(net_ctx *n, uint32_t len)
{
    return net_fail(n, NET_EINVAL, "the host name is %u bytes, over the %u-byte limit", len,
                    NET_SOCK_HOST_MAX);
}

static const char *h_sock_connect(corral_caller *c, void *env, const uint64_t *args,
                                  uint64_t *results)
{
    net_ctx *n = ctx_of(env);
    const uint8_t *host = guest_span(c, A(0), A(1));
    if (host == NULL || guest_span(c, A(3), 4) == NULL)
        return ret(results, efault(n));
    if (A(1) > NET_SOCK_HOST_MAX)
        return ret(results, host_too_long(n, A(1)));
    uint32_t h = 0;
    int e = new_handle(n, &h), fd = -1;
    if (e != NET_OK)
        return ret(results, e);
    char *copy = malloc((size_t)A(1) + 1);
    if (copy == NULL)
        return ret(results, net_fail(n, NET_ENOMEM, "out of memory"));
    memcpy(copy, host, A(1));
    e = net_sock_connect(n, copy, A(1), A(2), &fd);
    free(copy);
    if (e == NET_OK) {
        e = store_u32(c, A(3), h);
        if (e == NET_OK) {
            n->slots[h - 1].kind = SLOT_SOCK;
            n->slots[h - 1].fd = fd;
        } else {
            close(fd);
            efault(n);
        }
    }
    return ret(results, e);
}

static const char *h_sock_send(corral_caller *c, void *env, const uint64_t *args,
                               uint64_t *results)
{
    net_ctx *n = ctx_of(env);
    slot *s = get_slot(n, A(0), SLOT_SOCK);
    const uint8_t *src = guest_span(c, A(1), A(2));
    if (s == NULL)
        return ret(results, net_fail(n, NET_EBADF, "%u is not an open socket", A(0)));
    if (src == NULL || guest_span(c, A(3), 4) == NULL)
        return ret(results, efault(n));
    size_t sent = 0;
    int e = net_sock_send(n, s->fd, src, A(2), &sent);
    if (e == NET_OK && store_u32(c, A(3), (uint32_t)sent) != NET_OK)
        e = efault(n);
    return ret(results, e);
}

static const char *h_sock_recv(corral_caller *c, void *env, const uint64_t *args,
                               uint64_t *results)
{
    net_ctx *n = ctx_of(env);
    slot *s = get_slot(n, A(0), SLOT_SOCK);
    uint8_t *dst = guest_span(c, A(1), A(2));
    if (s == NULL)
        return ret(results, net_fail(n, NET_EBADF, "%u is not an open socket", A(0)));
    if (dst == NULL || guest_span(c, A(4), 4) == NULL)
        return ret(results, efault(n));
    size_t got = 0;
    int e = net_sock_recv(n, s->fd, dst, A(2), A(3), &got);
    if (e == NET_OK && store_u32(c, A(4), (uint32_t)got) != NET_OK)
        e = efault(n);
    return ret(results, e);
}

static const char *h_sock_close(corral_caller *c, void *env, const uint64_t *args,
                                uint64_t *results)
{
    (void)c;
    return h_close(ctx_of(env), A(0), SLOT_SOCK, results);
}

static const char *h_sock_resolve(corral_caller *c, void *env, const uint64_t *args,
                                  uint64_t *results)
{
    net_ctx *n = ctx_of(env);
    const uint8_t *host = guest_span(c, A(0), A(1));
    if (host == NULL || guest_span(c, A(3), A(4)) == NULL || guest_span(c, A(5), 4) == NULL)
        return ret(results, efault(n));
    if (A(1) > NET_SOCK_HOST_MAX)
        return ret(results, host_too_long(n, A(1)));
    char *copy = malloc((size_t)A(1) + 1), *text = NULL;
    if (copy == NULL)
        return ret(results, net_fail(n, NET_ENOMEM, "out of memory"));
    memcpy(copy, host, A(1));
    size_t len = 0;
    int e = net_sock_resolve(n, copy, A(1), A(2), &text, &len);
    free(copy);
    if (e == NET_OK && store_text(c, A(3), A(4), A(5), text, len) != NET_OK)
        e = efault(n);
    free(text);
    return ret(results, e);
}

/* bind, listen, UDP: refused whatever the arguments (nothing is read). */
static const char *h_refused(corral_caller *c, void *env, const uint64_t *args,
                             uint64_t *results)
{
    (void)c, (void)args;
    return ret(results, net_fail(ctx_of(env), NET_ENOTSUP,
                                 "corral allows outbound TCP connections only: binding, "
                                 "listening and UDP are refused"));
}

/* ---- errors --------------------------------------------------------------------------- */

static const char *h_last_error(corral_caller *c, void *env, const uint64_t *args,
                                uint64_t *results)
{
    net_ctx *n = ctx_of(env);
    /* Not through efault(): that would overwrite the message asked for. */
    int e = store_text(c, A(0), A(1), A(2), n->last_error, strlen(n->last_error));
    return ret(results, e);
}

/* ---- the import table ----------------------------------------------------------------- */

/* The ABI's list of imports (include/corral_net.h), each with its
 * h_NAME: the refused ones share one. */
#define h_sock_bind h_refused
#define h_sock_listen h_refused
#define h_sock_udp h_refused
static const struct {
    const char *name, *sig;
    corral_host_fn fn;
} IMPORTS[] = {
#define X(name, sig) {#name, sig, h_##name},
    CORRAL_NET_IMPORTS(X)
#undef X
};

const char *net_link(corral_linker *l, corral_store *s, void *env)
{
    net_ctx *n = env;
    close_all(n);
    n->last_error[0] = '\0';
    n->store = s;
    n->deadline_ms = n->cfg.run_timeout_ms > 0 ? net_now_ms() + n->cfg.run_timeout_ms : 0;
    for (size_t i = 0; i < sizeof IMPORTS / sizeof IMPORTS[0]; i++) {
        const char *err = corral_linker_define_func(l, CORRAL_NET_MODULE, IMPORTS[i].name,
                                                    IMPORTS[i].sig, IMPORTS[i].fn, n);
        if (err != NULL)
            return err;
    }
    return NULL;
}
