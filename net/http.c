/*
 * http.c - one guest HTTP request through libcurl, under the run's policy
 * (docs/policy.md, "HTTP").
 *
 * A request is a loop over hops.  Each hop:
 *   1. parses its URL strictly (net_url_parse) and checks it against the
 *      allowed hosts and --block-url prefixes (net_policy_allows_url);
 *   2. hands libcurl the URL as net_url_format writes it, so that libcurl
 *      connects to exactly the host the policy saw, and the addresses of a
 *      name as net_resolve found them (CURLOPT_RESOLVE), so that the
 *      lookup stops at the deadline or an interrupt like every other wait;
 *   3. checks, in libcurl's open-socket callback, the address libcurl is
 *      about to connect to (net_policy_allows_addr): that is what stops DNS
 *      rebinding and names such as localtest.me that resolve to a blocked
 *      network - the URL check alone cannot;
 *   4. reads the response under a size cap (the transfer is aborted past
 *      it) and a time limit (the request's, never past the run's deadline),
 *      polling the store's interrupt flag every NET_SLICE_MS;
 *   5. on a 3xx with a Location, starts the next hop itself (libcurl never
 *      follows), so that every hop is checked like the first one.
 * libcurl itself is loaded by the first request that passes step 1's
 * checks (curl_dl.h): a run that makes none never maps it.
 * libcurl is told: http and https only, no proxy (not even from the
 * environment), no signals.  Nothing is shared between requests: each hop
 * has its own handles, so no connection or DNS cache carries a check over.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "curl_dl.h"
#include "net.h"

/* ---- one transfer ----------------------------------------------------------- */

typedef struct {
    net_ctx *n;
    /* the body: capped at max */
    uint8_t *body;
    size_t len, cap;
    uint64_t max;
    bool truncate_ok, over;
    /* the headers of the last response block, "Name: value\n" */
    char *hdr;
    size_t hlen, hcap, hlines;
    bool in_head;  /* a response head is being read (its blank line not yet seen) */
    enum { HDR_OK, HDR_LINE, HDR_LINES, HDR_TOTAL } hdr_over; /* the bound broken */
    bool oom;
    /* open-socket denials */
    bool denied;
    char deny_why[256];
} xfer;

static bool grow(void **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return true;
    size_t c = *cap ? *cap : 4096;
    while (c < need)
        c *= 2;
    void *p = realloc(*buf, c);
    if (p == NULL)
        return false;
    *buf = p;
    *cap = c;
    return true;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    xfer *x = ud;
    size_t k = size * nmemb, room = x->max - x->len; /* len <= max always */
    size_t take = k <= room ? k : room;
    if (take > 0) {
        if (!grow((void **)&x->body, &x->cap, x->len + take)) {
            x->oom = true;
            return 0;
        }
        memcpy(x->body + x->len, data, take);
        x->len += take;
    }
    if (take < k) {
        x->over = true;
        return 0; /* abort: past the cap nothing more is read */
    }
    return k;
}

/* Each response header line, bounded by line length, line count and total
 * size (net_limits.h); past a bound the transfer is aborted. */
static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
    xfer *x = ud;
    size_t k = size * nmemb, n = k;
    if (k >= 5 && memcmp(data, "HTTP/", 5) == 0) {
        x->hlen = 0; /* a new response block (after 1xx): keep only the last */
        x->hlines = 0;
        x->in_head = true;
        return k;
    }
    while (n > 0 && (data[n - 1] == '\n' || data[n - 1] == '\r'))
        n--;
    if (n == 0) {
        x->in_head = false; /* the blank line ending the head */
        return k;
    }
    if (n > NET_RESP_HEADER_LINE_MAX)
        x->hdr_over = HDR_LINE;
    else if (x->hlines + 1 > NET_RESP_HEADER_LINES_MAX)
        x->hdr_over = HDR_LINES;
    else if (x->hlen + n + 1 > NET_MAX_HEADERS)
        x->hdr_over = HDR_TOTAL;
    if (x->hdr_over != HDR_OK)
        return 0;
    x->hlines++;
    if (!grow((void **)&x->hdr, &x->hcap, x->hlen + n + 2)) {
        x->oom = true;
        return 0;
    }
    memcpy(x->hdr + x->hlen, data, n);
    x->hlen += n;
    x->hdr[x->hlen++] = '\n';
    x->hdr[x->hlen] = '\0';
    return k;
}

/* Step 3: the address libcurl connects to.  Denied: no socket at all. */
static curl_socket_t on_open_socket(void *ud, curlsocktype purpose, struct curl_sockaddr *a)
{
    xfer *x = ud;
    const uint8_t *ip = NULL;
    uint16_t port = 0;
    int family = 0;
    if (purpose != CURLSOCKTYPE_IPCXN) {
        snprintf(x->deny_why, sizeof x->deny_why, "only outbound connections are allowed");
        x->denied = true;
        return CURL_SOCKET_BAD;
    }
    if (a->family == AF_INET && a->addrlen >= sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)&a->addr;
        ip = (const uint8_t *)&in->sin_addr;
        port = ntohs(in->sin_port);
        family = 4;
    } else if (a->family == AF_INET6 && a->addrlen >= sizeof(struct sockaddr_in6)) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&a->addr;
        ip = (const uint8_t *)&in6->sin6_addr;
        port = ntohs(in6->sin6_port);
        family = 6;
    }
    if (ip == NULL) {
        snprintf(x->deny_why, sizeof x->deny_why, "address family %d is not allowed",
                 a->family);
        x->denied = true;
        return CURL_SOCKET_BAD;
    }
    char why[256];
    if (!net_policy_allows_addr(net_ctx_policy(x->n), family, ip, port, why, sizeof why)) {
        snprintf(x->deny_why, sizeof x->deny_why, "%s", why);
        x->denied = true;
        return CURL_SOCKET_BAD;
    }
    return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

static int on_progress(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    (void)dt, (void)dn, (void)ut, (void)un;
    xfer *x = ud;
    return net_interrupted(x->n) ? 1 : 0;
}

/* ---- request parts --------------------------------------------------------------- */

static bool is_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static bool is_token(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!is_tchar((unsigned char)s[i]))
            return false;
    return true;
}

/* Hop-by-hop headers (RFC 9110 section 7.6.1) and those libcurl must own
 * (Host would let a request reach one server while the policy checked
 * another name; Content-Length and Transfer-Encoding would desync the
 * body). */
static bool forbidden_header(const char *name, size_t n)
{
    static const char *const names[] = {
        "connection", "keep-alive", "te", "trailer", "transfer-encoding",
        "upgrade", "host", "content-length", "expect",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i]) == n && strncasecmp(name, names[i], n) == 0)
            return true;
    return n >= 6 && strncasecmp(name, "proxy-", 6) == 0;
}

/* Credentials do not follow a redirect to another origin. */
static bool credential_header(const char *name, size_t n)
{
    return (n == 13 && strncasecmp(name, "authorization", n) == 0) ||
           (n == 6 && strncasecmp(name, "cookie", n) == 0);
}

/* The guest's "Name: value" lines as a curl_slist, forbidden ones dropped.
 * NET_OK or NET_EBADMSG / NET_ENOMEM; *out may be NULL (no headers). */
static int build_headers(const net_curl_api *cu, net_ctx *n, const char *h, size_t len,
                         bool drop_credentials, struct curl_slist **out)
{
    struct curl_slist *list = NULL;
    size_t i = 0;
    char *line = malloc(len + 2);
    if (line == NULL)
        return net_fail(n, NET_ENOMEM, "out of memory");
    while (i < len) {
        size_t s = i;
        while (i < len && h[i] != '\n')
            i++;
        size_t e = i;
        i++; /* past '\n' */
        if (e > s && h[e - 1] == '\r')
            e--;
        if (e == s)
            continue; /* blank line */
        const char *colon = memchr(h + s, ':', e - s);
        if (colon == NULL || !is_token(h + s, (size_t)(colon - (h + s)))) {
            free(line);
            cu->slist_free_all(list);
            return net_fail(n, NET_EBADMSG, "bad request header line '%.*s'",
                            (int)(e - s > 100 ? 100 : e - s), h + s);
        }
        size_t nlen = (size_t)(colon - (h + s));
        const char *v = colon + 1, *ve = h + e;
        while (v < ve && (*v == ' ' || *v == '\t'))
            v++;
        while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
            ve--;
        for (const char *q = v; q < ve; q++) {
            if (*q == '\r' || *q == '\0') {
                free(line);
                cu->slist_free_all(list);
                return net_fail(n, NET_EBADMSG, "bad character in request header '%.*s'",
                                (int)nlen, h + s);
            }
        }
        if (forbidden_header(h + s, nlen) || (drop_credentials && credential_header(h + s, nlen)))
            continue;
        /* "Name: value"; libcurl sends an empty value only as "Name;". */
        memcpy(line, h + s, nlen);
        size_t k = nlen;
        if (ve == v) {
            line[k++] = ';';
        } else {
            line[k++] = ':';
            line[k++] = ' ';
            memcpy(line + k, v, (size_t)(ve - v));
            k += (size_t)(ve - v);
        }
        line[k] = '\0';
        struct curl_slist *l2 = cu->slist_append(list, line);
        if (l2 == NULL) {
            free(line);
            cu->slist_free_all(list);
            return net_fail(n, NET_ENOMEM, "out of memory");
        }
        list = l2;
    }
    free(line);
    /* No "Expect: 100-continue" round trip for larger bodies. */
    struct curl_slist *l2 = cu->slist_append(list, "Expect:");
    if (l2 == NULL) {
        cu->slist_free_all(list);
        return net_fail(n, NET_ENOMEM, "out of memory");
    }
    *out = l2;
    return NET_OK;
}

/* ---- errors --------------------------------------------------------------------------- */

static int curl_error(const net_curl_api *cu, net_ctx *n, CURLcode rc, const char *detail,
                      const char *url)
{
    const char *what = detail[0] ? detail : cu->easy_strerror(rc);
    int code;
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT: code = NET_ETIMEOUT; break;
    case CURLE_COULDNT_RESOLVE_HOST: code = NET_ELOOKUP; break;
    case CURLE_COULDNT_CONNECT: code = NET_ECONNECT; break;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT: code = NET_EINVAL; break;
    case CURLE_FILESIZE_EXCEEDED: code = NET_ETOO_LARGE; break;
    case CURLE_OUT_OF_MEMORY: code = NET_ENOMEM; break;
    case CURLE_ABORTED_BY_CALLBACK: code = NET_ECANCELED; break;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR: code = NET_ECONNRESET; break;
    case CURLE_GOT_NOTHING:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE: code = NET_EPROTO; break;
    default: code = NET_EIO; break;
    }
    return net_fail(n, code, "%s: %s", url, what);
}

/* ---- one hop ------------------------------------------------------------------------------ */

typedef struct {
    const char *method; /* NUL-terminated */
    const uint8_t *body;
    size_t body_len;
    bool send_body;
    struct curl_slist *headers;
    struct curl_slist *resolve; /* CURLOPT_RESOLVE; NULL for an IP literal */
} hop_req;

/* Look up u's host with net_resolve (the deadline and an interrupt stop
 * it) and write the answer as libcurl's CURLOPT_RESOLVE entry
 * "host:port:addr,[addr6],...", so that libcurl never resolves itself:
 * its own resolver may block its thread (a synchronous build) or wait for
 * a lookup thread when a transfer is abandoned (the threaded one). */
static int resolve_entry(const net_curl_api *cu, net_ctx *n, const net_url *u,
                         uint64_t deadline, bool rundeadline, struct curl_slist **out)
{
    struct addrinfo *list = NULL;
    *out = NULL;
    int e = net_resolve(n, u->host, u->port, deadline, rundeadline, &list);
    if (e != NET_OK)
        return e;
    size_t cap = strlen(u->host) + 16, len = 0, count = 0;
    for (const struct addrinfo *ai = list; ai != NULL; ai = ai->ai_next)
        cap += INET6_ADDRSTRLEN + 3;
    char *entry = malloc(cap);
    if (entry == NULL) {
        freeaddrinfo(list);
        return net_fail(n, NET_ENOMEM, "out of memory");
    }
    len = (size_t)snprintf(entry, cap, "%s:%u:", u->host, (unsigned)u->port);
    for (const struct addrinfo *ai = list; ai != NULL; ai = ai->ai_next) {
        char a[INET6_ADDRSTRLEN];
        const void *src;
        if (ai->ai_family == AF_INET)
            src = &((const struct sockaddr_in *)ai->ai_addr)->sin_addr;
        else if (ai->ai_family == AF_INET6)
            src = &((const struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
        else
            continue;
        if (inet_ntop(ai->ai_family, src, a, sizeof a) == NULL)
            continue;
        len += (size_t)snprintf(entry + len, cap - len, ai->ai_family == AF_INET6 ? "%s[%s]" : "%s%s",
                                count > 0 ? "," : "", a);
        count++;
    }
    freeaddrinfo(list);
    if (count == 0) {
        free(entry);
        return net_fail(n, NET_ELOOKUP, "%s: no IPv4 or IPv6 address", u->host);
    }
    *out = cu->slist_append(NULL, entry);
    free(entry);
    return *out != NULL ? NET_OK : net_fail(n, NET_ENOMEM, "out of memory");
}

/* Run one transfer of url (already checked).  Returns NET_OK with the
 * transfer state in x and the status / redirect target, or an error. */
static int perform(const net_curl_api *cu, net_ctx *n, const char *url, const hop_req *h,
                   uint64_t deadline, bool rundeadline, xfer *x, long *status, char **location,
                   char **ctype)
{
    uint64_t now = net_now_ms();
    if (now >= deadline)
        return net_fail(n, NET_ETIMEOUT, "%s: %s", url,
                        rundeadline ? "the run's time limit was reached"
                                    : "the request's time limit was reached");
    uint64_t left = deadline - now;
    CURL *e = cu->easy_init();
    CURLM *m = cu->multi_init();
    char errbuf[CURL_ERROR_SIZE] = "";
    int res = NET_OK;
    if (e == NULL || m == NULL) {
        res = net_fail(n, NET_ENOMEM, "cannot start a transfer");
        goto out;
    }
    CURLcode rc = CURLE_OK;
#define SET(opt, val) \
    if (rc == CURLE_OK) \
    rc = cu->easy_setopt(e, opt, val)
    SET(CURLOPT_URL, url);
    SET(CURLOPT_ERRORBUFFER, errbuf);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_FOLLOWLOCATION, 0L);
    SET(CURLOPT_PROXY, ""); /* "" overrides http_proxy & co. */
    SET(CURLOPT_NOPROXY, "*");
    SET(CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
    SET(CURLOPT_OPENSOCKETDATA, x);
    SET(CURLOPT_WRITEFUNCTION, on_body);
    SET(CURLOPT_WRITEDATA, x);
    SET(CURLOPT_HEADERFUNCTION, on_header);
    SET(CURLOPT_HEADERDATA, x);
    SET(CURLOPT_NOPROGRESS, 0L);
    SET(CURLOPT_XFERINFOFUNCTION, on_progress);
    SET(CURLOPT_XFERINFODATA, x);
    SET(CURLOPT_TIMEOUT_MS, (long)(left > 86400000u ? 86400000u : left));
    SET(CURLOPT_CONNECTTIMEOUT_MS,
        (long)(left < NET_CONNECT_TIMEOUT_MS ? left : NET_CONNECT_TIMEOUT_MS));
    SET(CURLOPT_USERAGENT, "corral");
    SET(CURLOPT_HTTPHEADER, h->headers);
    if (h->resolve != NULL)
        SET(CURLOPT_RESOLVE, h->resolve);
    /* No CURLOPT_MAXFILESIZE: with the multi interface libcurl 7.88 stalls
     * after refusing a large Content-Length; on_body enforces the cap. */
    if (strcmp(h->method, "HEAD") == 0) {
        SET(CURLOPT_NOBODY, 1L);
    } else if (h->send_body) {
        SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)h->body_len);
        SET(CURLOPT_POSTFIELDS, h->body_len > 0 ? (const char *)h->body : "");
        if (strcmp(h->method, "POST") != 0)
            SET(CURLOPT_CUSTOMREQUEST, h->method);
    } else if (strcmp(h->method, "GET") == 0) {
        SET(CURLOPT_HTTPGET, 1L);
    } else {
        SET(CURLOPT_CUSTOMREQUEST, h->method);
    }
#undef SET
    if (rc != CURLE_OK) {
        res = curl_error(cu, n, rc, errbuf, url);
        goto out;
    }
    if (cu->multi_add_handle(m, e) != CURLM_OK) {
        res = net_fail(n, NET_ENOMEM, "cannot start a transfer");
        goto out;
    }
    /* The multi loop waits in slices, so that an interrupt (the run's
     * timeout, or an embedder stopping the store) ends a blocked transfer
     * within NET_SLICE_MS. */
    int running = 1;
    bool cancelled = false;
    while (running) {
        if (cu->multi_perform(m, &running) != CURLM_OK)
            break;
        if (!running)
            break;
        if (net_interrupted(n)) {
            cancelled = true;
            break;
        }
        if (cu->multi_poll(m, NULL, 0, NET_SLICE_MS, NULL) != CURLM_OK)
            break;
    }
    rc = CURLE_FAILED_INIT;
    int left_msgs;
    CURLMsg *msg;
    while ((msg = cu->multi_info_read(m, &left_msgs)) != NULL)
        if (msg->msg == CURLMSG_DONE && msg->easy_handle == e)
            rc = msg->data.result;
    cu->multi_remove_handle(m, e);

    if (cancelled) {
        res = net_fail(n, NET_ECANCELED, "%s: the run was interrupted", url);
    } else if (x->oom) {
        res = net_fail(n, NET_ENOMEM, "out of memory");
    } else if (x->hdr_over == HDR_LINE ||
               (rc == CURLE_OUT_OF_MEMORY && x->in_head && errbuf[0] == '\0')) {
        /* libcurl 7.71 and later hold one header line in a buffer capped at
         * CURL_MAX_HTTP_HEADER and fail a longer one as CURLE_OUT_OF_MEMORY,
         * without a message, before on_header sees it; inside a response
         * head that is what such a failure means. */
        res = net_fail(n, NET_EPROTO, "%s: a response header line is over the %u-byte limit",
                       url, NET_RESP_HEADER_LINE_MAX);
    } else if (x->hdr_over == HDR_LINES) {
        res = net_fail(n, NET_EPROTO, "%s: the response has more than %u header lines", url,
                       NET_RESP_HEADER_LINES_MAX);
    } else if (x->hdr_over == HDR_TOTAL) {
        res = net_fail(n, NET_EPROTO, "%s: the response headers are over the %u-byte limit",
                       url, NET_MAX_HEADERS);
    } else if (x->over || rc == CURLE_FILESIZE_EXCEEDED) {
        x->over = true;
        if (!x->truncate_ok)
            res = net_fail(n, NET_ETOO_LARGE, "%s: the response body is over the %llu-byte cap",
                           url, (unsigned long long)x->max);
        /* else: a truncated success */
    } else if (rc == CURLE_OPERATION_TIMEDOUT) {
        res = net_fail(n, NET_ETIMEOUT, "%s: %s (%s)", url,
                       rundeadline ? "the run's time limit was reached"
                                   : "the request's time limit was reached",
                       errbuf[0] ? errbuf : cu->easy_strerror(rc));
    } else if (rc != CURLE_OK && x->denied) {
        res = NET_EDENIED; /* the caller words it: it knows the URL */
    } else if (rc != CURLE_OK) {
        res = curl_error(cu, n, rc, errbuf, url);
    }
    if (res == NET_OK) {
        char *loc = NULL, *ct = NULL;
        cu->easy_getinfo(e, CURLINFO_RESPONSE_CODE, status);
        cu->easy_getinfo(e, CURLINFO_REDIRECT_URL, &loc);
        cu->easy_getinfo(e, CURLINFO_CONTENT_TYPE, &ct);
        *location = loc != NULL ? strdup(loc) : NULL;
        *ctype = strdup(ct != NULL ? ct : "");
        if ((loc != NULL && *location == NULL) || *ctype == NULL) {
            free(*location);
            free(*ctype);
            *location = *ctype = NULL;
            res = net_fail(n, NET_ENOMEM, "out of memory");
        }
    }
out:
    if (m != NULL)
        cu->multi_cleanup(m);
    if (e != NULL)
        cu->easy_cleanup(e);
    return res;
}

/* ---- the request ----------------------------------------------------------------------------- */

void net_response_free(net_response *r)
{
    if (r == NULL)
        return;
    free(r->url);
    free(r->content_type);
    free(r->headers);
    free(r->body);
    free(r);
}

static bool is_redirect(long status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/* The denial line for u (docs/policy.md, "Denials"), then why (and the
 * redirect it came from). */
static int deny(net_ctx *n, const net_url *u, const char *from, const char *to,
                const char *why)
{
    char line[512], msg[1400];
    net_denial_message(u, line, sizeof line);
    if (from != NULL)
        snprintf(msg, sizeof msg, "%s (redirect from '%s' to '%s': %s)", line, from, to, why);
    else
        snprintf(msg, sizeof msg, "%s (%s)", line, why);
    return net_deny(n, msg);
}

int net_http_check(net_ctx *n, const net_request *req)
{
    if (req->method_len > NET_REQ_METHOD_MAX)
        return net_fail(n, NET_EBADMSG, "the HTTP method is %zu bytes, over the %u-byte limit",
                        req->method_len, NET_REQ_METHOD_MAX);
    if (!is_token(req->method, req->method_len))
        return net_fail(n, NET_EBADMSG, "bad HTTP method '%.*s'", (int)req->method_len,
                        req->method);
    if (req->url_len > NET_REQ_URL_MAX)
        return net_fail(n, NET_EINVAL, "the URL is %zu bytes, over the %u-byte limit",
                        req->url_len, NET_REQ_URL_MAX);
    if (memchr(req->url, '\0', req->url_len) != NULL)
        return net_fail(n, NET_EINVAL, "bad URL: it contains a NUL byte");
    if (req->headers_len > NET_REQ_HEADERS_MAX)
        return net_fail(n, NET_EBADMSG,
                        "the request headers are %zu bytes, over the %u-byte limit",
                        req->headers_len, NET_REQ_HEADERS_MAX);
    size_t lines = 0;
    for (size_t i = 0; i < req->headers_len;) {
        const char *nl = memchr(req->headers + i, '\n', req->headers_len - i);
        size_t e = nl != NULL ? (size_t)(nl - req->headers) : req->headers_len;
        size_t len = e - i;
        if (len > 0 && req->headers[e - 1] == '\r')
            len--;
        if (len > 0 && ++lines > NET_REQ_HEADER_LINES_MAX)
            return net_fail(n, NET_EBADMSG, "more than %u request header lines",
                            NET_REQ_HEADER_LINES_MAX);
        i = e + 1;
    }
    return NET_OK;
}

int net_http_request(net_ctx *n, const net_request *req, net_response **out)
{
    *out = NULL;
    int checked = net_http_check(n, req);
    if (checked != NET_OK)
        return checked;

    /* The time limit of the whole request, redirects included. */
    uint64_t limit = req->timeout_ms ? req->timeout_ms : NET_REQUEST_TIMEOUT_MS;
    uint64_t run_left = net_remaining_ms(n);
    bool rundeadline = run_left <= limit;
    uint64_t deadline = net_now_ms() + (rundeadline ? run_left + NET_RUN_GRACE_MS : limit);

    uint64_t cap = net_ctx_max_body(n);
    uint64_t max = req->max_body && req->max_body < cap ? req->max_body : cap;

    char method[NET_REQ_METHOD_MAX + 1];
    memcpy(method, req->method, req->method_len);
    method[req->method_len] = '\0';
    hop_req h = {method, req->body, req->body_len,
                 req->body_len > 0 || strcmp(method, "POST") == 0 ||
                     strcmp(method, "PUT") == 0 || strcmp(method, "PATCH") == 0,
                 NULL, NULL};

    char *url = malloc(req->url_len + 1), *prev = NULL, *canon = NULL;
    char origin[600] = "";
    const net_curl_api *cu = NULL;
    xfer x;
    memset(&x, 0, sizeof x);
    int res = NET_OK;
    if (url == NULL)
        return net_fail(n, NET_ENOMEM, "out of memory");
    memcpy(url, req->url, req->url_len);
    url[req->url_len] = '\0';

    for (unsigned hop = 0;; hop++) {
        /* 1. parse and check the URL */
        net_url u;
        char err[512];
        if (!net_url_parse(url, &u, err, sizeof err)) {
            res = prev ? net_fail(n, NET_EINVAL, "redirect from '%s': %s", prev, err)
                       : net_fail(n, NET_EINVAL, "%s", err);
            break;
        }
        if (strcmp(u.scheme, "http") != 0 && strcmp(u.scheme, "https") != 0) {
            res = prev ? net_fail(n, NET_EINVAL,
                                  "redirect from '%s' to '%s': only http and https are allowed",
                                  prev, url)
                       : net_fail(n, NET_EINVAL, "'%s': only http and https are allowed", url);
            break;
        }
        if (!net_policy_allows_url(net_ctx_policy(n), &u, err, sizeof err)) {
            res = deny(n, &u, prev, url, err);
            break;
        }
        /* libcurl is loaded by the first request that gets this far (a
         * refused one never needs it); without it nothing can connect. */
        if (cu == NULL && (cu = net_curl(err, sizeof err)) == NULL) {
            res = net_fail(n, NET_ECONNECT, "%s: %s", url, err);
            break;
        }
        /* 2. the URL libcurl sees: the policy's reading of it */
        size_t need = net_url_format(&u, NULL, 0, true) + 1;
        free(canon);
        canon = malloc(need);
        if (canon == NULL) {
            res = net_fail(n, NET_ENOMEM, "out of memory");
            break;
        }
        net_url_format(&u, canon, need, true);
        char this_origin[600];
        net_url_format(&u, this_origin, sizeof this_origin, false);
        if (hop == 0)
            memcpy(origin, this_origin, sizeof origin);
        cu->slist_free_all(h.headers);
        h.headers = NULL;
        /* Credentials stay with the first origin. */
        res = build_headers(cu, n, req->headers, req->headers_len,
                            strcmp(origin, this_origin) != 0, &h.headers);
        if (res != NET_OK)
            break;
        cu->slist_free_all(h.resolve);
        h.resolve = NULL;
        if (!u.is_ip) {
            res = resolve_entry(cu, n, &u, deadline, rundeadline, &h.resolve);
            if (res != NET_OK)
                break;
        }

        /* 3, 4: the transfer */
        free(x.body);
        free(x.hdr);
        memset(&x, 0, sizeof x);
        x.n = n;
        x.max = max;
        x.truncate_ok = (req->flags & NET_HTTP_TRUNCATE) != 0;
        long status = 0;
        char *location = NULL, *ctype = NULL;
        res = perform(cu, n, canon, &h, deadline, rundeadline, &x, &status, &location, &ctype);
        if (res == NET_EDENIED) {
            res = deny(n, &u, prev, url, x.deny_why);
            break;
        }
        if (res != NET_OK)
            break;

        /* 5. a redirect: the next hop */
        if (is_redirect(status) && location != NULL && !(req->flags & NET_HTTP_NO_REDIRECT)) {
            free(ctype);
            if (hop + 1 > NET_MAX_REDIRECTS) {
                free(location);
                res = net_fail(n, NET_EREDIRECTS, "%s: more than %d redirects", url,
                               NET_MAX_REDIRECTS);
                break;
            }
            /* 303, and 301/302 after a POST, turn into a GET (as browsers
             * do); 307 and 308 repeat the request as it was. */
            if (status == 303 ? strcmp(h.method, "HEAD") != 0
                              : (status == 301 || status == 302) && strcmp(h.method, "POST") == 0) {
                h.method = "GET";
                h.send_body = false;
            }
            free(prev);
            prev = url;
            url = location;
            continue;
        }
        free(location);

        net_response *r = calloc(1, sizeof *r);
        if (r == NULL) {
            free(ctype);
            res = net_fail(n, NET_ENOMEM, "out of memory");
            break;
        }
        r->status = (uint32_t)status;
        r->truncated = x.over;
        r->url = canon;
        canon = NULL;
        r->content_type = ctype;
        r->headers = x.hdr != NULL ? x.hdr : calloc(1, 1);
        r->headers_len = x.hlen;
        r->body = x.body != NULL ? x.body : malloc(1);
        r->body_len = x.len;
        x.hdr = NULL;
        x.body = NULL;
        if (r->headers == NULL || r->body == NULL) {
            net_response_free(r);
            res = net_fail(n, NET_ENOMEM, "out of memory");
            break;
        }
        *out = r;
        break;
    }
    if (h.headers != NULL)
        cu->slist_free_all(h.headers);
    if (h.resolve != NULL)
        cu->slist_free_all(h.resolve);
    free(x.body);
    free(x.hdr);
    free(canon);
    free(prev);
    free(url);
    return res;
}
