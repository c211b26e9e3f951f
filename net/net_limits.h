/*
 * net_limits.h - every bound net/ puts on what a guest can make the host do or
 * hold, each with its reason, in one place.
 *
 * The rule: no corral_net call makes the host allocate more than these
 * bounds allow beyond the guest's own memory.  A guest's request is checked
 * against them before anything of it is copied (net.c), and only what the
 * transfer needs is copied: the method, URL and headers (at most
 * NET_REQ_METHOD_MAX + NET_REQ_URL_MAX + NET_REQ_HEADERS_MAX bytes); the
 * request body and socket data are read from and written to guest memory in
 * place, never copied (the guest does not run during the call, so its
 * memory cannot change or move under the transfer).  A response is held up
 * to NET_MAX_BODY (or the run's own cap) plus NET_MAX_HEADERS per handle,
 * NET_MAX_HANDLES handles at most.
 *
 * Prefix: NET_.  Depends on: nothing.
 */
#ifndef NET_LIMITS_H
#define NET_LIMITS_H

#include <stdint.h>

/* ---- a request, checked before it is copied (net.c, http.c) ------------------- */

/* The method: a token (RFC 9110 section 9); the longest registered method
 * (IANA's HTTP Method Registry) has 17 bytes. */
#define NET_REQ_METHOD_MAX 32u
/* The URL: RFC 9110 section 4.1 asks for at least 8000 octets; servers
 * commonly refuse longer request lines (414). */
#define NET_REQ_URL_MAX 8192u
/* The guest's request header lines, "Name: value\n", all of them: as much
 * as common servers accept in a request head (64 KiB). */
#define NET_REQ_HEADERS_MAX 65536u
/* Request header lines (blank ones not counted): far more than any real
 * request sends; the same order as servers' limits (100, Apache). */
#define NET_REQ_HEADER_LINES_MAX 100u
/* A socket host name: a DNS name (253) or a bracketed IPv6 literal. */
#define NET_SOCK_HOST_MAX 255u

/* ---- a response (http.c) ----------------------------------------------------------- */

/* Default response body cap: a tool's input, not a download manager. */
#define NET_MAX_BODY (UINT64_C(16) << 20)
/* Response header bytes kept ("Name: value\n" of the last response
 * block): beyond is a broken or hostile server. */
#define NET_MAX_HEADERS (256u << 10)
/* One response header line, without its CRLF.  Below libcurl's own limit
 * for one line (CURL_MAX_HTTP_HEADER, 100 KiB), which ends a transfer with
 * "Out of memory"; http.c reports either as this bound. */
#define NET_RESP_HEADER_LINE_MAX (64u << 10)
/* Response header lines: several times what real responses send. */
#define NET_RESP_HEADER_LINES_MAX 500u

/* ---- per run and per wait (net.c, http.c, sock.c, resolve.c) ---------------------- */

#define NET_MAX_REDIRECTS 10          /* what browsers and curl allow, roughly */
#define NET_MAX_HANDLES 64            /* open responses + sockets per run */
#define NET_REQUEST_TIMEOUT_MS 30000  /* a request without its own limit */
#define NET_CONNECT_TIMEOUT_MS 10000  /* one connect attempt, name lookup included */
#define NET_SLICE_MS 100              /* waits poll the interrupt flag this often */
/* A wait bound by the run's deadline lasts this much longer: the run's
 * watchdog interrupts the store at the deadline (its clock starts a little
 * after net_link's), and the guest should see that timeout trap, not a
 * network error it might handle and carry on from. */
#define NET_RUN_GRACE_MS 250

#endif
