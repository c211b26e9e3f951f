/*
 * corral_net.h - corral's network imports, the contract between the host
 * that provides them and any guest that calls them: HTTP through the host
 * (libcurl) and a small TCP socket extension.  It needs nothing but
 * <stdint.h>.
 *
 * Two halves:
 *   - for both sides: the import module's name, the result codes, the
 *     flags and fields, and CORRAL_NET_IMPORTS, the list of every import
 *     with its signature (net/net.c defines the host functions from it);
 *   - for guests only (C built with clang --target=wasm32-wasi, where
 *     __wasm__ is defined): the declarations of the imports, to call.
 * Host code includes this file for the first half; no host file includes
 * a guest's header, and guests (tools/, tests/guest/) include this one
 * from include/.
 *
 * Everything lives in one import module, "corral_net".  A guest that
 * imports it runs only where the host provides it (`corral run` does; a
 * bare libcorral embedding reports "unknown import: corral_net::...").
 * The policy's rules are in docs/policy.md.
 *
 * Conventions (the ABI):
 *   - Every function takes and returns i32.  Pointers are offsets into the
 *     guest's memory 0; every (pointer, length) pair and every out-pointer
 *     is checked by the host before use: out of bounds is CORRAL_NET_EFAULT
 *     and nothing is written.
 *   - The return value is 0 on success or one of the CORRAL_NET_E* codes
 *     below.  The codes are WASI errno values, so they equal wasi-libc's
 *     E* constants (CORRAL_NET_EDENIED == EACCES, ...) and strerror() works.
 *   - Results go to out-pointers (u32, little-endian).
 *   - Handles are corral's own small integers (1..64), never host fds.  A
 *     response and a socket share one handle space; a handle of the wrong
 *     kind is CORRAL_NET_EBADF.  Whatever is still open when the program
 *     ends is closed by the host.
 *   - After any failed call, corral_net_last_error() gives a message
 *     saying what happened (which rule denied, which URL, ...).
 *
 * Policy (set by the user: --allow-host, --block-url, --block-network).  A
 * request is made only if its URL matches an allowed pattern and no
 * blocked URL prefix, and the IP address the host actually connects to
 * (after DNS) is in no blocked network; otherwise the call returns
 * CORRAL_NET_EDENIED and the host logs the destination on its stderr.
 * Redirects are followed by the host one hop at a time (at most 10), each
 * hop checked like a new request; a redirect to a disallowed place is
 * CORRAL_NET_EDENIED and the message names both URLs.  Only http and https
 * are spoken, no proxy is used, and these request headers are dropped:
 * Connection, Keep-Alive, Proxy-*, TE, Trailer, Transfer-Encoding,
 * Upgrade, Expect, Host, Content-Length (the host sets the last two
 * itself); Authorization and Cookie do not follow a redirect to another
 * origin.
 */
#ifndef CORRAL_NET_H
#define CORRAL_NET_H

#include <stdint.h>

/* The import module every function below is in. */
#define CORRAL_NET_MODULE "corral_net"

/* ---- result codes (WASI errno values) ------------------------------------ */

#define CORRAL_NET_OK 0
#define CORRAL_NET_EDENIED 2         /* EACCES: the policy refused the destination */
#define CORRAL_NET_EBADF 8           /* EBADF: not an open handle of that kind */
#define CORRAL_NET_EBADMSG 9         /* EBADMSG: bad method or request header line */
#define CORRAL_NET_ECANCELED 11      /* ECANCELED: the run was interrupted */
#define CORRAL_NET_ECONNECT 14       /* ECONNREFUSED: could not connect */
#define CORRAL_NET_ECONNRESET 15     /* ECONNRESET: the peer reset the connection */
#define CORRAL_NET_EFAULT 21         /* EFAULT: a pointer/length outside memory */
#define CORRAL_NET_ETOO_LARGE 22     /* EFBIG: the response body is over the cap */
#define CORRAL_NET_ELOOKUP 23        /* EHOSTUNREACH: the name did not resolve */
#define CORRAL_NET_EBAD_URL 28       /* EINVAL: bad URL, scheme, host or argument */
#define CORRAL_NET_EIO 29            /* EIO: any other transfer error */
#define CORRAL_NET_EREDIRECTS 32     /* ELOOP: more than 10 redirects */
#define CORRAL_NET_EMFILE 33         /* EMFILE: all 64 handles are in use */
#define CORRAL_NET_ENOMEM 48         /* ENOMEM: the host is out of memory */
#define CORRAL_NET_ENOTSUP 58        /* ENOTSUP: bind, listen and UDP are refused */
#define CORRAL_NET_EPROTO 65         /* EPROTO: malformed HTTP reply, TLS failure */
#define CORRAL_NET_ETIMEOUT 73       /* ETIMEDOUT: request or run time limit reached */

/* http_request flags */
#define CORRAL_NET_NO_REDIRECT 1u /* return a 3xx response instead of following it */
#define CORRAL_NET_TRUNCATE 2u    /* over the size cap: keep the first bytes and
                                     succeed with CORRAL_NET_TRUNCATED set, instead
                                     of failing with CORRAL_NET_ETOO_LARGE */

/* http_response flags */
#define CORRAL_NET_TRUNCATED 1u /* the body was cut at the size cap */

/* http_get fields */
#define CORRAL_NET_FIELD_URL 0          /* the final URL (after redirects) */
#define CORRAL_NET_FIELD_CONTENT_TYPE 1 /* the Content-Type value, or "" */
#define CORRAL_NET_FIELD_HEADERS 2      /* the final response's headers,
                                           "Name: value\n" lines */

/* Every import: X(name, signature), the signature in the notation of
 * corral_linker_define_func (params ':' results; all i32 here).  The
 * declarations below are the same functions with their C types. */
#define CORRAL_NET_IMPORTS(X)             \
    X(http_request, "iiiiiiiiiiii:i")     \
    X(http_response, "iiii:i")            \
    X(http_get, "iiiii:i")                \
    X(http_read, "iiii:i")                \
    X(http_close, "i:i")                  \
    X(sock_connect, "iiii:i")             \
    X(sock_send, "iiii:i")                \
    X(sock_recv, "iiiii:i")               \
    X(sock_close, "i:i")                  \
    X(sock_resolve, "iiiiii:i")           \
    X(sock_bind, "iiii:i")                \
    X(sock_listen, "ii:i")                \
    X(sock_udp, "iiii:i")                 \
    X(last_error, "iii:i")

/* ---- the guest's side: the imports ------------------------------------------ */

#if defined(__wasm__)

#define CORRAL_NET_IMPORT(name) \
    __attribute__((import_module(CORRAL_NET_MODULE), import_name(name)))

/* ---- HTTP ------------------------------------------------------------------ */

/* Make one request and wait for the whole response (following redirects).
 *   method:  "GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"
 *            (any token is accepted).
 *   url:     http:// or https://, parsed strictly (no userinfo, no
 *            backslashes, no percent-encoded host).
 *   headers: "Name: value" lines separated by "\n" (or "\r\n"); may be
 *            empty.
 *   body:    any bytes (binary-safe); len 0 sends none.
 *   flags:   CORRAL_NET_NO_REDIRECT | CORRAL_NET_TRUNCATE.
 *   timeout_ms: the limit for the whole request, redirects included (0:
 *            30 s); never past the run's own --timeout.
 *   max_body: the largest body accepted (0: the host's cap, 16 MiB; a
 *            larger value is lowered to the host's cap).
 *   *handle: the response handle, to read and then close.
 * Errors: EDENIED, EBAD_URL, EBADMSG, ELOOKUP, ECONNECT, ETIMEOUT,
 * ETOO_LARGE, EREDIRECTS, EPROTO, ECONNRESET, EIO, ECANCELED, EMFILE,
 * ENOMEM, EFAULT.  An HTTP error status (404, 500) is a success here. */
CORRAL_NET_IMPORT("http_request")
int32_t corral_net_http_request(const char *method, uint32_t method_len, const char *url,
                                uint32_t url_len, const char *headers, uint32_t headers_len,
                                const void *body, uint32_t body_len, uint32_t flags,
                                uint32_t timeout_ms, uint32_t max_body, uint32_t *handle);

/* The status code (200, 404, ...), the body's length and the flags
 * (CORRAL_NET_TRUNCATED) of a response. */
CORRAL_NET_IMPORT("http_response")
int32_t corral_net_http_response(uint32_t handle, uint32_t *status, uint32_t *body_len,
                                 uint32_t *flags);

/* Copy a text field of a response (CORRAL_NET_FIELD_*) into buf: at most
 * cap bytes, no terminating NUL; *len receives the field's whole length
 * (call with cap 0 to size the buffer). */
CORRAL_NET_IMPORT("http_get")
int32_t corral_net_http_get(uint32_t handle, uint32_t field, char *buf, uint32_t cap,
                            uint32_t *len);

/* Read the next part of the body into buf (at most cap bytes); *n is the
 * count, 0 at the end of the body. */
CORRAL_NET_IMPORT("http_read")
int32_t corral_net_http_read(uint32_t handle, void *buf, uint32_t cap, uint32_t *n);

/* Free a response. */
CORRAL_NET_IMPORT("http_close")
int32_t corral_net_http_close(uint32_t handle);

/* ---- sockets: TCP client only ----------------------------------------------- */

/* Resolve host and connect to port over TCP.  host is a name, an IPv4
 * literal or an IPv6 literal (with or without brackets).  The policy is
 * checked as for the URL "tcp://host:port" (so allow it with, for example,
 * --allow-host tcp://db.example.com:5432 or *://host:port), and again on
 * every address the name resolves to, before connecting; addresses in a
 * blocked network are skipped.  The connect waits at most 10 s and never
 * past the run's --timeout.
 * Errors: EDENIED, EBAD_URL, ELOOKUP, ECONNECT, ETIMEOUT, ECANCELED,
 * EMFILE, ENOMEM, EFAULT. */
CORRAL_NET_IMPORT("sock_connect")
int32_t corral_net_sock_connect(const char *host, uint32_t host_len, uint32_t port,
                                uint32_t *handle);

/* Send up to len bytes; *n is how many were sent (maybe fewer). */
CORRAL_NET_IMPORT("sock_send")
int32_t corral_net_sock_send(uint32_t handle, const void *buf, uint32_t len, uint32_t *n);

/* Receive up to cap bytes, waiting at most timeout_ms (0: until the run's
 * --timeout, if any).  *n == 0 means the peer closed the connection.
 * Errors: ETIMEOUT when nothing came in time, ECONNRESET, ECANCELED, ... */
CORRAL_NET_IMPORT("sock_recv")
int32_t corral_net_sock_recv(uint32_t handle, void *buf, uint32_t cap, uint32_t timeout_ms,
                             uint32_t *n);

/* Close a socket. */
CORRAL_NET_IMPORT("sock_close")
int32_t corral_net_sock_close(uint32_t handle);

/* The addresses host resolves to that the policy lets the guest reach on
 * port, as text, one per line ("127.0.0.1\n::1\n"); same contract as
 * http_get for buf/cap/len.  EDENIED if host:port is not allowed at all. */
CORRAL_NET_IMPORT("sock_resolve")
int32_t corral_net_sock_resolve(const char *host, uint32_t host_len, uint32_t port, char *buf,
                                uint32_t cap, uint32_t *len);

/* Refused, always (CORRAL_NET_ENOTSUP): a guest may not accept connections
 * or use UDP.  They exist so that a port of a program that tries gets a
 * clear answer. */
CORRAL_NET_IMPORT("sock_bind")
int32_t corral_net_sock_bind(const char *host, uint32_t host_len, uint32_t port,
                             uint32_t *handle);
CORRAL_NET_IMPORT("sock_listen")
int32_t corral_net_sock_listen(uint32_t handle, uint32_t backlog);
CORRAL_NET_IMPORT("sock_udp")
int32_t corral_net_sock_udp(const char *host, uint32_t host_len, uint32_t port,
                            uint32_t *handle);

/* ---- errors ------------------------------------------------------------------- */

/* The message of the last failed call (same buf/cap/len contract as
 * http_get); "" if none failed yet. */
CORRAL_NET_IMPORT("last_error")
int32_t corral_net_last_error(char *buf, uint32_t cap, uint32_t *len);

#endif /* __wasm__ */
#endif
