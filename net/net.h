/*
 * net.h - the guest's network: the "corral_net" import module (HTTP through
 * libcurl, a TCP socket extension) bound to one run's policy.
 *
 * A net_ctx belongs to one run.  It borrows the policy (net/policy.h), owns
 * the guest's handles (responses and sockets; corral's own small integers,
 * never host fds) and closes them all in net_free, however the run ended.
 * The ABI is include/corral_net.h (codes, flags, the imports and their
 * signatures, shared with the guests); net.c holds
 * the import table and checks every guest (pointer, length) pair, http.c
 * and sock.c work on host buffers only.
 *
 * Deadline: the run's --timeout is counted from net_link (corral_run calls
 * its link hook just before it starts its own clock), and every wait also
 * gives up as soon as the store is interrupted, so a guest blocked in a
 * request is stopped by a timeout like any other.
 *
 * Prefix: net_.  Depends on: vm (include/corral.h), libcurl (loaded on
 * first use: curl_dl.h), the OS.
 */
#ifndef NET_NET_H
#define NET_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "corral.h"
#include "corral_net.h"
#include "net_limits.h" /* every bound, with its reason */
#include "policy.h"

typedef struct net_ctx net_ctx;

/* Called with each denial, in the words of docs/policy.md, "Denials" ("A tool tried
 * to make an outbound network connection to disallowed destination ...");
 * corral run prints it to stderr. */
typedef void (*net_log_fn)(void *env, const char *msg);

typedef struct {
    const net_policy *policy;   /* borrowed; must outlive the net_ctx */
    uint64_t run_timeout_ms;    /* the run's --timeout (0: none) */
    uint64_t max_body;          /* response cap in bytes (0: NET_MAX_BODY) */
    net_log_fn log;             /* denials (NULL: not logged) */
    void *log_env;
} net_config;

/* NULL when out of memory. */
net_ctx *net_new(const net_config *cfg);
/* Closes every handle still open. */
void net_free(net_ctx *n);

/* The corral_run_options.link hook (env is the net_ctx): define the
 * corral_net module in l, bound to store s.  Closes handles left over
 * from an earlier run and starts the run's deadline. */
const char *net_link(corral_linker *l, corral_store *s, void *env);

/* ---- inside net/ (http.c, sock.c, net.c) ---------------------------------- */

/* Result codes: the ABI's (WASI errno values). */
enum {
    NET_OK = CORRAL_NET_OK,
    NET_EDENIED = CORRAL_NET_EDENIED,
    NET_EBADF = CORRAL_NET_EBADF,
    NET_EBADMSG = CORRAL_NET_EBADMSG,
    NET_ECANCELED = CORRAL_NET_ECANCELED,
    NET_ECONNECT = CORRAL_NET_ECONNECT,
    NET_ECONNRESET = CORRAL_NET_ECONNRESET,
    NET_EFAULT = CORRAL_NET_EFAULT,
    NET_ETOO_LARGE = CORRAL_NET_ETOO_LARGE,
    NET_ELOOKUP = CORRAL_NET_ELOOKUP,
    NET_EINVAL = CORRAL_NET_EBAD_URL,
    NET_EIO = CORRAL_NET_EIO,
    NET_EREDIRECTS = CORRAL_NET_EREDIRECTS,
    NET_EMFILE = CORRAL_NET_EMFILE,
    NET_ENOMEM = CORRAL_NET_ENOMEM,
    NET_ENOTSUP = CORRAL_NET_ENOTSUP,
    NET_EPROTO = CORRAL_NET_EPROTO,
    NET_ETIMEOUT = CORRAL_NET_ETIMEOUT,
};

/* A finished HTTP response, owned by a handle. */
typedef struct {
    uint32_t status;
    bool truncated;
    char *url;          /* final URL */
    char *content_type; /* "" if none */
    char *headers;      /* "Name: value\n" lines */
    size_t headers_len;
    uint8_t *body;
    size_t body_len;
    size_t read_pos;    /* http_read's position */
} net_response;

/* A request as the guest gave it: method, URL and headers in host memory
 * (copied out of the guest after net_http_check), the body in place in
 * guest memory (net_limits.h says why that is safe). */
typedef struct {
    const char *method;
    size_t method_len;
    const char *url;
    size_t url_len;
    const char *headers;
    size_t headers_len;
    const uint8_t *body;
    size_t body_len;
    uint32_t flags;      /* NET_HTTP_* */
    uint64_t timeout_ms; /* 0: NET_REQUEST_TIMEOUT_MS */
    uint64_t max_body;   /* 0: the context's cap */
} net_request;

#define NET_HTTP_NO_REDIRECT CORRAL_NET_NO_REDIRECT
#define NET_HTTP_TRUNCATE CORRAL_NET_TRUNCATE

/* Set the message corral_net.last_error returns; returns code. */
int net_fail(net_ctx *n, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A denial: log msg through the config's log function, keep it as the
 * last error, and return NET_EDENIED. */
int net_deny(net_ctx *n, const char *msg);
/* Milliseconds left before the run's deadline, or UINT64_MAX without one;
 * 0 once it passed. */
uint64_t net_remaining_ms(const net_ctx *n);
bool net_interrupted(const net_ctx *n);
const net_policy *net_ctx_policy(const net_ctx *n);
uint64_t net_ctx_max_body(const net_ctx *n);
uint64_t net_now_ms(void);

/* http.c */
/* The request's sizes against net_limits.h (method, URL, header bytes and
 * lines), before any of it is copied: NET_OK, or NET_EBADMSG / NET_EINVAL
 * with a message naming the bound.  Reads the headers only to count
 * lines. */
int net_http_check(net_ctx *n, const net_request *req);
/* Checks with net_http_check first. */
int net_http_request(net_ctx *n, const net_request *req, net_response **out);
void net_response_free(net_response *r);

/* sock.c: a connected TCP socket's host fd stays inside net/. */
int net_sock_connect(net_ctx *n, const char *host, size_t host_len, uint32_t port, int *fd);
int net_sock_send(net_ctx *n, int fd, const uint8_t *buf, size_t len, size_t *sent);
int net_sock_recv(net_ctx *n, int fd, uint8_t *buf, size_t cap, uint64_t timeout_ms,
                  size_t *got);
/* A malloc'd "addr\n..." list in *text. */
int net_sock_resolve(net_ctx *n, const char *host, size_t host_len, uint32_t port, char **text,
                     size_t *text_len);

/* resolve.c: getaddrinfo (TCP, any family) of host:port on a thread of its
 * own, waited for until deadline (net_now_ms based; run_limit: it is the
 * run's, for the message) or an interrupt.  NET_OK with the list in *res
 * (freeaddrinfo it), or NET_ELOOKUP / NET_ETIMEOUT / NET_ECANCELED /
 * NET_ENOMEM with the message set. */
struct addrinfo;
int net_resolve(net_ctx *n, const char *host, uint32_t port, uint64_t deadline, bool run_limit,
                struct addrinfo **res);

#endif
