/* Builtins: curl and wget, over corral's HTTP imports (include/corral_net.h).
 *
 * Every request goes through the host, which applies the sandbox's network
 * policy (--allow-host, --block-url, --block-network) to the URL, to the
 * address it connects to and to every redirect hop; the messages of the
 * host (corral_net_last_error) are passed on in curl's error lines.
 *
 * curl: -s -S -o FILE -O -i -I -X METHOD -H 'Name: value' -d / --data
 * (--data-raw, --data-binary, --data-urlencode, --json, @file, @-), -G,
 * -T FILE, -u USER:PASS, -A, -e, -b 'n=v', -r RANGE, -L (the host follows
 * redirects, at most 10), --max-redirs 0, -f / --fail, --fail-with-body,
 * -w FORMAT (%{http_code} ...), -m / --max-time, --max-filesize, -D FILE,
 * --create-dirs, -v (minimal), and several accepted no-ops.  Exit codes
 * are curl's: 7 denied or cannot connect, 6 cannot resolve, 28 timeout,
 * 3 bad URL, 1 unsupported protocol, 63 too large, 22 HTTP >= 400 with -f,
 * 47 too many redirects, 23 cannot write the output, 2 bad usage.
 *
 * wget: [-q] [-O FILE|-] [-S] [--header=H] [--post-data=D] [-T SECS] URL. */
#include "sh.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <time.h>
#include <sys/stat.h>

#ifdef __wasm__
#include "corral_net.h"
#define NET_AVAILABLE 1
#else
/* A native build (tests of the interpreter) has no corral_net imports. */
#define NET_AVAILABLE 0
#define CORRAL_NET_EDENIED 2
#define CORRAL_NET_ECANCELED 11
#define CORRAL_NET_ECONNECT 14
#define CORRAL_NET_ECONNRESET 15
#define CORRAL_NET_ETOO_LARGE 22
#define CORRAL_NET_ELOOKUP 23
#define CORRAL_NET_EBAD_URL 28
#define CORRAL_NET_EBADMSG 9
#define CORRAL_NET_EMFILE 33
#define CORRAL_NET_ENOMEM 48
#define CORRAL_NET_EREDIRECTS 32
#define CORRAL_NET_EPROTO 65
#define CORRAL_NET_ETIMEOUT 73
#endif
#define NET_UNAVAILABLE (-1)

/* ---- the request -------------------------------------------------------------- */
typedef struct {
    const char *method, *url;
    const char *headers; size_t hlen;   /* "Name: value\n" lines */
    const char *body; size_t blen;
    int follow;                         /* let the host follow redirects */
    uint32_t timeout_ms, max_body;      /* 0: the host's defaults */
} Req;

typedef struct {
    int rc;                 /* 0, a CORRAL_NET_E* code or NET_UNAVAILABLE */
    char *err;              /* the host's message when rc != 0 */
    unsigned status;
    char *headers, *url, *ctype;
    char *body; size_t blen;
    long long ms;           /* elapsed */
} Resp;

static long long now_ms(void) {
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) return 0;
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void resp_free(Resp *r) {
    free(r->err); free(r->headers); free(r->url); free(r->ctype); free(r->body);
    memset(r, 0, sizeof *r);
}

#if NET_AVAILABLE
static char *net_error(void) {
    uint32_t len = 0;
    if (corral_net_last_error(NULL, 0, &len) != 0 || len == 0) return xstrdup("");
    char *b = xmalloc((size_t)len + 1);
    uint32_t got = len;
    if (corral_net_last_error(b, len, &got) != 0) got = 0;
    b[got < len ? got : len] = '\0';
    return b;
}

static char *net_field(uint32_t h, uint32_t field) {
    uint32_t len = 0;
    if (corral_net_http_get(h, field, NULL, 0, &len) != 0) return xstrdup("");
    char *b = xmalloc((size_t)len + 1);
    uint32_t got = len;
    if (corral_net_http_get(h, field, b, len, &got) != 0) got = 0;
    b[got < len ? got : len] = '\0';
    return b;
}
#endif

static void http_do(const Req *q, Resp *r) {
    memset(r, 0, sizeof *r);
    long long t0 = now_ms();
#if NET_AVAILABLE
    uint32_t h = 0, status = 0, blen = 0, flags = 0;
    int rc = corral_net_http_request(q->method, (uint32_t)strlen(q->method), q->url,
                                     (uint32_t)strlen(q->url), q->headers, (uint32_t)q->hlen,
                                     q->body, (uint32_t)q->blen,
                                     q->follow ? 0u : CORRAL_NET_NO_REDIRECT, q->timeout_ms,
                                     q->max_body, &h);
    if (rc == 0) {
        rc = corral_net_http_response(h, &status, &blen, &flags);
        if (rc == 0) {
            r->status = status;
            r->headers = net_field(h, CORRAL_NET_FIELD_HEADERS);
            r->url = net_field(h, CORRAL_NET_FIELD_URL);
            r->ctype = net_field(h, CORRAL_NET_FIELD_CONTENT_TYPE);
            r->body = xmalloc((size_t)blen + 1);
            while (r->blen < blen) {
                uint32_t k = 0;
                rc = corral_net_http_read(h, r->body + r->blen, (uint32_t)(blen - r->blen), &k);
                if (rc != 0 || k == 0) break;
                r->blen += k;
            }
            r->body[r->blen] = '\0';
        }
        if (rc != 0) r->err = net_error();
        corral_net_http_close(h);
    } else {
        r->err = net_error();
    }
    r->rc = rc;
#else
    (void)q;
    r->rc = NET_UNAVAILABLE;
    r->err = xstrdup("the network is not available in a native build");
#endif
    r->ms = now_ms() - t0;
    if (!r->url || !*r->url) { free(r->url); r->url = xstrdup(q->url); }
    if (!r->headers) r->headers = xstrdup("");
    if (!r->ctype) r->ctype = xstrdup("");
}

/* ---- helpers ----------------------------------------------------------------------- */
/* The length of the header name of line (up to ':' or ';'), or 0. */
static size_t header_name_len(const char *line, size_t n) {
    size_t i = 0;
    while (i < n && line[i] != ':' && line[i] != ';') i++;
    return i < n ? i : 0;
}

/* Does the "Name: value\n" list have a header called name (n bytes)? */
static int has_header(const char *list, size_t llen, const char *name, size_t n) {
    size_t i = 0;
    while (i < llen) {
        const char *eol = memchr(list + i, '\n', llen - i);
        size_t len = eol ? (size_t)(eol - (list + i)) : llen - i;
        size_t nl = header_name_len(list + i, len);
        if (nl == n && !strncasecmp(list + i, name, n)) return 1;
        i += len + 1;
    }
    return 0;
}

/* The value of header name in "Name: value\n" lines (malloc'd), or NULL. */
static char *header_value(const char *headers, const char *name) {
    size_t nl = strlen(name);
    const char *p = headers;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (len > nl && p[nl] == ':' && !strncasecmp(p, name, nl)) {
            const char *v = p + nl + 1, *e = p + len;
            while (v < e && (*v == ' ' || *v == '\t')) v++;
            while (e > v && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r')) e--;
            return xstrndup(v, (size_t)(e - v));
        }
        p += len + (eol ? 1 : 0);
    }
    return NULL;
}

/* scheme, host and port of url (host without brackets). */
static void url_parts(const char *url, char *scheme, size_t scap, char *host, size_t hcap, unsigned *port) {
    const char *p = strstr(url, "://");
    size_t sl = p ? (size_t)(p - url) : 0;
    snprintf(scheme, scap, "%.*s", (int)sl, url);
    for (char *c = scheme; *c; c++) *c = (char)tolower((unsigned char)*c);
    const char *h = p ? p + 3 : url;
    size_t al = strcspn(h, "/?#");
    const char *at = memchr(h, '@', al);
    if (at) { al -= (size_t)(at + 1 - h); h = at + 1; }
    const char *e = h + al, *colon = NULL;
    if (*h == '[') {
        const char *rb = memchr(h, ']', al);
        if (rb) { snprintf(host, hcap, "%.*s", (int)(rb - h - 1), h + 1); colon = rb + 1 < e && rb[1] == ':' ? rb + 1 : NULL; }
        else snprintf(host, hcap, "%.*s", (int)al, h);
    } else {
        colon = memchr(h, ':', al);
        snprintf(host, hcap, "%.*s", (int)((colon ? colon : e) - h), h);
    }
    *port = !strcmp(scheme, "https") ? 443 : 80;
    if (colon && colon + 1 < e) *port = (unsigned)strtoul(colon + 1, NULL, 10);
}

/* A Location value made absolute against base (scheme://authority/path). */
static char *url_resolve(const char *base, const char *loc) {
    const char *colon = strchr(loc, ':');
    if (colon && strcspn(loc, "/?#") > (size_t)(colon - loc)) return xstrdup(loc); /* has a scheme */
    const char *sch = strstr(base, "://");
    size_t pre = sch ? (size_t)(sch - base) + 3 : 0;   /* after "scheme://" */
    size_t auth = pre + strcspn(base + pre, "/?#");     /* end of the authority */
    Buf b = {0};
    if (loc[0] == '/' && loc[1] == '/') { buf_add(&b, base, pre >= 2 ? pre - 2 : 0); buf_adds(&b, loc); }
    else if (loc[0] == '/') { buf_add(&b, base, auth); buf_adds(&b, loc); }
    else if (loc[0] == '?' || loc[0] == '#' || !loc[0]) {
        size_t end = loc[0] == '#' ? auth + strcspn(base + auth, "#") : auth + strcspn(base + auth, "?#");
        buf_add(&b, base, end);
        buf_adds(&b, loc);
    } else {
        size_t pend = auth + strcspn(base + auth, "?#"), dir = pend;
        while (dir > auth && base[dir - 1] != '/') dir--;
        if (dir == auth) { buf_add(&b, base, auth); buf_addc(&b, '/'); }
        else buf_add(&b, base, dir);
        buf_adds(&b, loc);
    }
    char *r = buf_take(&b);
    return r ? r : xstrdup("");
}

/* The path and query of url ("/" when empty). */
static const char *url_path(const char *url) {
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    p += strcspn(p, "/?#");
    return *p && *p != '#' ? p : "/";
}

static const char *reason(unsigned s) {
    switch (s) {
    case 100: return "Continue"; case 101: return "Switching Protocols";
    case 200: return "OK"; case 201: return "Created"; case 202: return "Accepted";
    case 203: return "Non-Authoritative Information"; case 204: return "No Content";
    case 205: return "Reset Content"; case 206: return "Partial Content";
    case 300: return "Multiple Choices"; case 301: return "Moved Permanently"; case 302: return "Found";
    case 303: return "See Other"; case 304: return "Not Modified"; case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect"; case 400: return "Bad Request"; case 401: return "Unauthorized";
    case 402: return "Payment Required"; case 403: return "Forbidden"; case 404: return "Not Found";
    case 405: return "Method Not Allowed"; case 406: return "Not Acceptable"; case 408: return "Request Timeout";
    case 409: return "Conflict"; case 410: return "Gone"; case 411: return "Length Required";
    case 412: return "Precondition Failed"; case 413: return "Content Too Large"; case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type"; case 416: return "Range Not Satisfiable";
    case 418: return "I'm a teapot"; case 422: return "Unprocessable Content"; case 425: return "Too Early";
    case 426: return "Upgrade Required"; case 428: return "Precondition Required";
    case 429: return "Too Many Requests"; case 431: return "Request Header Fields Too Large";
    case 451: return "Unavailable For Legal Reasons"; case 500: return "Internal Server Error";
    case 501: return "Not Implemented"; case 502: return "Bad Gateway"; case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout"; case 505: return "HTTP Version Not Supported";
    default: return "";
    }
}

/* The response head as curl -i shows it: status line, headers, blank line (CRLF). */
static void head_text(Buf *b, const Resp *r, const char *eol, const char *prefix) {
    const char *rs = reason(r->status);
    buf_printf(b, "%sHTTP/1.1 %u%s%s%s", prefix, r->status, *rs ? " " : "", rs, eol);
    const char *p = r->headers;
    while (*p) {
        size_t len = strcspn(p, "\n");
        buf_adds(b, prefix);
        buf_add(b, p, len);
        buf_adds(b, eol);
        p += len + (p[len] ? 1 : 0);
    }
    if (*prefix) { buf_add(b, prefix, strcspn(prefix, " ")); buf_adds(b, "\n"); }
    else buf_adds(b, eol);
}

static void url_encode(Buf *b, const char *s, size_t n) {
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') buf_addc(b, (char)c);
        else { buf_addc(b, '%'); buf_addc(b, hex[c >> 4]); buf_addc(b, hex[c & 15]); }
    }
}

static void base64_enc(Buf *b, const unsigned char *s, size_t n) {
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0) | (i + 2 < n ? s[i + 2] : 0);
        buf_addc(b, t[v >> 18 & 63]);
        buf_addc(b, t[v >> 12 & 63]);
        buf_addc(b, i + 1 < n ? t[v >> 6 & 63] : '=');
        buf_addc(b, i + 2 < n ? t[v & 63] : '=');
    }
}

/* Creates the parent directories of the guest path p. */
static void make_parents(Sh *sh, const char *p) {
    char *a = sh_abspath(sh, p);
    for (char *c = a + 1; *c; c++) {
        if (*c != '/') continue;
        *c = '\0';
        char *hp = sh_hostpath(sh, a);
        mkdir(hp, 0755);
        free(hp);
        *c = '/';
    }
    free(a);
}

/* Writes data to the guest file path (or "-" = stdout, /dev/null); 0 or errno. */
static int write_to(Sh *sh, IO *io, const char *path, const char *data, size_t n, int append) {
    if (!strcmp(path, "-") || !strcmp(path, "/dev/stdout")) { io_write(io, 1, data, n); return 0; }
    if (!strcmp(path, "/dev/stderr")) { io_write(io, 2, data, n); return 0; }
    if (!strcmp(path, "/dev/null")) return 0;
    char *hp = sh_hostpath(sh, path);
    int fd = open(hp, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0644);
    int e = errno;
    free(hp);
    if (fd < 0) return e ? e : EIO;
    Out *o = out_new_fd(fd);
    out_write(o, data, n);
    int err = o->err;
    out_unref(o);
    return err ? EIO : 0;
}

/* The file name -O uses: the last path segment of url, "" if none. */
static char *remote_name(const char *url) {
    const char *p = url_path(url);
    size_t n = strcspn(p, "?#");
    const char *s = p + n;
    while (s > p && s[-1] != '/') s--;
    return xstrndup(s, (size_t)(p + n - s));
}

/* Reads "@file" / "@-" data (strip: drop CR and LF, as curl -d does). */
static int read_at(Sh *sh, IO *io, const char *name, Buf *out, int strip, const char *cmd) {
    char *d; size_t n;
    if (read_input(sh, io, name, &d, &n, cmd) != 0) return -1;
    for (size_t i = 0; i < n; i++) if (!strip || (d[i] != '\r' && d[i] != '\n')) buf_addc(out, d[i]);
    free(d);
    return 0;
}

/* ---- curl -------------------------------------------------------------------------- */
static const char REMOTE_NAME[] = "-O"; /* the output of a URL given -O (compared by address) */
typedef struct {
    int silent, show_error, include, head, fail, fail_body, follow, verbose, get, create_dirs;
    int have_data, json, max_redirs;
    const char *method, *writeout, *dump_header, *upload;
    char *writeout_file;        /* -w @file: its text */
    Buf headers, data;
    double max_time;
    long long max_filesize;
    char **urls; int nurls;
    char **outs; int nouts;     /* NULL entry: -O */
} Opts;

static void usage_hint(IO *io) { ERR(io, "curl: try 'curl --help' or 'curl --manual' for more information\n"); }

/* Options that take an argument; short letter and long names. */
static const struct { char s; const char *l; int arg; } OPTS[] = {
    { 's', "silent", 0 }, { 'S', "show-error", 0 }, { 'i', "include", 0 }, { 'I', "head", 0 },
    { 'L', "location", 0 }, { 'f', "fail", 0 }, { 'v', "verbose", 0 }, { 'O', "remote-name", 0 },
    { 'k', "insecure", 0 }, { 'G', "get", 0 }, { 'N', "no-buffer", 0 }, { 'g', "globoff", 0 },
    { '#', "progress-bar", 0 }, { 'q', "disable", 0 }, { 0, "fail-with-body", 0 },
    { 0, "location-trusted", 0 }, { 0, "compressed", 0 }, { 0, "no-progress-meter", 0 },
    { 0, "http1.1", 0 }, { 0, "http1.0", 0 }, { 0, "http2", 0 }, { 0, "create-dirs", 0 },
    { 0, "fail-early", 0 }, { 0, "no-keepalive", 0 }, { 0, "tcp-nodelay", 0 }, { 0, "ipv4", 0 },
    { 0, "ipv6", 0 }, { 0, "path-as-is", 0 }, { 0, "no-sessionid", 0 }, { 0, "retry-connrefused", 0 },
    { 0, "remote-name-all", 0 }, { 0, "remote-header-name", 0 }, { 0, "no-clobber", 0 },
    { 'o', "output", 1 }, { 'X', "request", 1 }, { 'H', "header", 1 }, { 'd', "data", 1 },
    { 0, "data-ascii", 1 }, { 0, "data-raw", 1 }, { 0, "data-binary", 1 }, { 0, "data-urlencode", 1 },
    { 0, "json", 1 }, { 'u', "user", 1 }, { 'A', "user-agent", 1 }, { 'e', "referer", 1 },
    { 'b', "cookie", 1 }, { 'w', "write-out", 1 }, { 'm', "max-time", 1 }, { 0, "connect-timeout", 1 },
    { 0, "retry", 1 }, { 0, "retry-delay", 1 }, { 0, "retry-max-time", 1 }, { 0, "max-redirs", 1 },
    { 'D', "dump-header", 1 }, { 'T', "upload-file", 1 }, { 0, "url", 1 }, { 'r', "range", 1 },
    { 0, "max-filesize", 1 }, { 0, "proto", 1 }, { 0, "proto-redir", 1 }, { 0, "limit-rate", 1 },
    { 0, "keepalive-time", 1 }, { 0, "expect100-timeout", 1 }, { 'x', "proxy", 1 }, { 0, "resolve", 1 },
    { 0, "connect-to", 1 }, { 'F', "form", 1 }, { 'c', "cookie-jar", 1 }, { 'K', "config", 1 },
    { 'E', "cert", 1 }, { 0, "cacert", 1 }, { 0, "capath", 1 }, { 'C', "continue-at", 1 },
    { 0, NULL, 0 }
};

static void add_header(Opts *o, const char *h, size_t n) {
    while (n && (h[n - 1] == '\r' || h[n - 1] == '\n')) n--;
    if (!n) return;
    buf_add(&o->headers, h, n);
    buf_addc(&o->headers, '\n');
}

/* Applies one option (its long name); val for those with an argument.
 * Returns 0, or an exit code. */
static int curl_opt(Sh *sh, IO *io, Opts *o, const char *name, const char *val) {
    if (!strcmp(name, "silent")) o->silent = 1;
    else if (!strcmp(name, "show-error")) o->show_error = 1;
    else if (!strcmp(name, "include")) o->include = 1;
    else if (!strcmp(name, "head")) o->head = 1;
    else if (!strcmp(name, "location") || !strcmp(name, "location-trusted")) o->follow = 1;
    else if (!strcmp(name, "fail")) o->fail = 1;
    else if (!strcmp(name, "fail-with-body")) o->fail_body = 1;
    else if (!strcmp(name, "verbose")) o->verbose = 1;
    else if (!strcmp(name, "get")) o->get = 1;
    else if (!strcmp(name, "create-dirs")) o->create_dirs = 1;
    else if (!strcmp(name, "remote-name")) {
        o->outs = xrealloc(o->outs, sizeof(char *) * (size_t)(o->nouts + 1));
        o->outs[o->nouts++] = NULL;
    } else if (!strcmp(name, "output")) {
        o->outs = xrealloc(o->outs, sizeof(char *) * (size_t)(o->nouts + 1));
        o->outs[o->nouts++] = xstrdup(val);
    } else if (!strcmp(name, "request")) o->method = val;
    else if (!strcmp(name, "header")) {
        if (val[0] == '@') {
            Buf b = {0};
            if (read_at(sh, io, val + 1, &b, 0, "curl") != 0) { buf_free(&b); return 26; }
            const char *p = b.s ? b.s : "";
            size_t n = b.len, i = 0;
            while (i < n) {
                const char *eol = memchr(p + i, '\n', n - i);
                size_t len = eol ? (size_t)(eol - (p + i)) : n - i;
                add_header(o, p + i, len);
                i += len + 1;
            }
            buf_free(&b);
        } else add_header(o, val, strlen(val));
    } else if (!strcmp(name, "data") || !strcmp(name, "data-ascii") || !strcmp(name, "data-raw") ||
               !strcmp(name, "data-binary") || !strcmp(name, "data-urlencode") || !strcmp(name, "json")) {
        if (o->have_data && strcmp(name, "json")) buf_addc(&o->data, '&');
        o->have_data = 1;
        if (!strcmp(name, "json")) o->json = 1;
        int at = val[0] == '@' && strcmp(name, "data-raw") && strcmp(name, "data-urlencode");
        if (at) {
            if (read_at(sh, io, val + 1, &o->data, !strcmp(name, "data") || !strcmp(name, "data-ascii"), "curl") != 0) return 26;
        } else if (!strcmp(name, "data-urlencode")) {
            const char *eq = strchr(val, '='), *atp = strchr(val, '@');
            if (atp && (!eq || atp < eq)) {
                buf_add(&o->data, val, (size_t)(atp - val));
                if (atp > val) buf_addc(&o->data, '=');
                Buf f = {0};
                if (read_at(sh, io, atp + 1, &f, 0, "curl") != 0) { buf_free(&f); return 26; }
                url_encode(&o->data, f.s ? f.s : "", f.len);
                buf_free(&f);
            } else if (eq) {
                buf_add(&o->data, val, (size_t)(eq - val));
                if (eq > val) buf_addc(&o->data, '=');
                url_encode(&o->data, eq + 1, strlen(eq + 1));
            } else url_encode(&o->data, val, strlen(val));
        } else buf_adds(&o->data, val);
    } else if (!strcmp(name, "user")) {
        Buf b = {0}, u = {0};
        buf_adds(&u, val);
        if (!strchr(val, ':')) buf_addc(&u, ':');
        buf_adds(&b, "Authorization: Basic ");
        base64_enc(&b, (const unsigned char *)u.s, u.len);
        add_header(o, b.s, b.len);
        buf_free(&b); buf_free(&u);
    } else if (!strcmp(name, "user-agent")) {
        Buf b = {0}; buf_printf(&b, "User-Agent: %s", val); add_header(o, b.s, b.len); buf_free(&b);
    } else if (!strcmp(name, "referer")) {
        Buf b = {0}; buf_printf(&b, "Referer: %s", val); add_header(o, b.s, b.len); buf_free(&b);
    } else if (!strcmp(name, "cookie")) {
        if (strchr(val, '=')) { Buf b = {0}; buf_printf(&b, "Cookie: %s", val); add_header(o, b.s, b.len); buf_free(&b); }
    } else if (!strcmp(name, "range")) {
        Buf b = {0}; buf_printf(&b, "Range: bytes=%s", val); add_header(o, b.s, b.len); buf_free(&b);
    } else if (!strcmp(name, "write-out")) {
        if (val[0] == '@') {
            Buf b = {0};
            if (read_at(sh, io, val + 1, &b, 0, "curl") != 0) { buf_free(&b); return 26; }
            free(o->writeout_file);
            o->writeout_file = buf_take(&b);
            if (!o->writeout_file) o->writeout_file = xstrdup("");
            o->writeout = o->writeout_file;
        } else o->writeout = val;
    } else if (!strcmp(name, "max-time")) {
        char *end;
        o->max_time = strtod(val, &end);
        if (end == val || *end || o->max_time < 0) {
            ERR(io, "curl: option --max-time: expected a proper numerical parameter\n");
            usage_hint(io);
            return 2;
        }
    } else if (!strcmp(name, "max-filesize")) {
        long long v;
        if (!parse_int(val, &v) || v < 0) {
            ERR(io, "curl: option --max-filesize: expected a proper numerical parameter\n");
            usage_hint(io);
            return 2;
        }
        o->max_filesize = v;
    } else if (!strcmp(name, "max-redirs")) {
        long long v;
        if (!parse_int(val, &v)) {
            ERR(io, "curl: option --max-redirs: expected a proper numerical parameter\n");
            usage_hint(io);
            return 2;
        }
        o->max_redirs = (int)(v < 0 ? -1 : v > 1000 ? 1000 : v);
    } else if (!strcmp(name, "dump-header")) o->dump_header = val;
    else if (!strcmp(name, "upload-file")) o->upload = val;
    else if (!strcmp(name, "url")) {
        o->urls = xrealloc(o->urls, sizeof(char *) * (size_t)(o->nurls + 1));
        o->urls[o->nurls++] = (char *)val;
    } else if (!strcmp(name, "proxy") || !strcmp(name, "resolve") || !strcmp(name, "connect-to") ||
               !strcmp(name, "form") || !strcmp(name, "config") || !strcmp(name, "continue-at") ||
               !strcmp(name, "cookie-jar") || !strcmp(name, "cert")) {
        ERR(io, "curl: option --%s: is not supported in this sandbox (requests go through corral's "
                "network policy)\n", name);
        return 2;
    }
    /* everything else in OPTS is accepted and ignored */
    return 0;
}

static int curl_parse(Sh *sh, IO *io, Opts *o, int argc, char **argv) {
    int noopts = 0;
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (noopts || a[0] != '-' || !a[1]) {
            o->urls = xrealloc(o->urls, sizeof(char *) * (size_t)(o->nurls + 1));
            o->urls[o->nurls++] = a;
            continue;
        }
        if (!strcmp(a, "--")) { noopts = 1; continue; }
        if (a[1] == '-') {
            const char *nm = a + 2, *eq = strchr(nm, '=');
            size_t nl = eq ? (size_t)(eq - nm) : strlen(nm);
            int neg = 0;
            if (nl > 3 && !strncmp(nm, "no-", 3)) {
                /* --no-silent, --no-location, ... turn a flag off */
                int k;
                for (k = 0; OPTS[k].l; k++) if (!OPTS[k].arg && strlen(OPTS[k].l) == nl - 3 && !strncmp(OPTS[k].l, nm + 3, nl - 3)) break;
                if (OPTS[k].l) { neg = 1; nm += 3; nl -= 3; }
            }
            int k;
            for (k = 0; OPTS[k].l; k++) if (strlen(OPTS[k].l) == nl && !strncmp(OPTS[k].l, nm, nl)) break;
            if (!OPTS[k].l) {
                ERR(io, "curl: option %s: is unknown\n", a);
                usage_hint(io);
                return 2;
            }
            if (neg) {
                const char *l = OPTS[k].l;
                if (!strcmp(l, "silent")) o->silent = 0;
                else if (!strcmp(l, "show-error")) o->show_error = 0;
                else if (!strcmp(l, "include")) o->include = 0;
                else if (!strcmp(l, "location")) o->follow = 0;
                else if (!strcmp(l, "fail")) o->fail = 0;
                else if (!strcmp(l, "verbose")) o->verbose = 0;
                continue;
            }
            const char *val = NULL;
            if (OPTS[k].arg) {
                if (eq) val = eq + 1;
                else if (i + 1 < argc) val = argv[++i];
                else {
                    ERR(io, "curl: option %s: requires parameter\n", a);
                    usage_hint(io);
                    return 2;
                }
            } else if (eq) {
                ERR(io, "curl: option %s: is unknown\n", a);
                usage_hint(io);
                return 2;
            }
            int rc = curl_opt(sh, io, o, OPTS[k].l, val);
            if (rc) return rc;
            continue;
        }
        for (int j = 1; a[j]; j++) {
            int k;
            for (k = 0; OPTS[k].l; k++) if (OPTS[k].s && OPTS[k].s == a[j]) break;
            if (!OPTS[k].l) {
                ERR(io, "curl: option -%c: is unknown\n", a[j]);
                usage_hint(io);
                return 2;
            }
            const char *val = NULL;
            if (OPTS[k].arg) {
                if (a[j + 1]) val = a + j + 1;
                else if (i + 1 < argc) val = argv[++i];
                else {
                    ERR(io, "curl: option -%c: requires parameter\n", a[j]);
                    usage_hint(io);
                    return 2;
                }
            }
            int rc = curl_opt(sh, io, o, OPTS[k].l, val);
            if (rc) return rc;
            if (val) break;
        }
    }
    return 0;
}

/* The exit code and message (into msg) for a failed request. */
static int curl_error(const Resp *r, const char *url, Buf *msg) {
    char scheme[32], host[300];
    unsigned port;
    url_parts(url, scheme, sizeof scheme, host, sizeof host, &port);
    const char *e = r->err ? r->err : "";
    switch (r->rc) {
    case CORRAL_NET_EDENIED: {
        /* name the destination that was refused (maybe a redirect's) */
        const char *d = strstr(e, "destination '");
        if (d) {
            d += 13;
            size_t dl = strcspn(d, "'");
            char *dest = xstrndup(d, dl);
            url_parts(dest, scheme, sizeof scheme, host, sizeof host, &port);
            free(dest);
        }
        buf_printf(msg, "Failed to connect to %s port %u: denied by the sandbox's network policy: %s",
                   host, port, *e ? e : "this destination is not in the allowed outbound hosts (--allow-host)");
        return 7;
    }
    case CORRAL_NET_ECONNECT:
        buf_printf(msg, "Failed to connect to %s port %u after %lld ms: %s", host, port, r->ms,
                   *e ? e : "Couldn't connect to server");
        return 7;
    case CORRAL_NET_ELOOKUP:
        buf_printf(msg, "Could not resolve host: %s", host);
        if (*e) buf_printf(msg, " (%s)", e);
        return 6;
    case CORRAL_NET_ETIMEOUT:
        buf_printf(msg, "Operation timed out after %lld milliseconds with 0 bytes received", r->ms);
        return 28;
    case CORRAL_NET_ETOO_LARGE:
        buf_printf(msg, "Maximum file size exceeded");
        if (*e) buf_printf(msg, " (%s)", e);
        return 63;
    case CORRAL_NET_EBAD_URL:
        if (strstr(e, "only http and https")) {
            buf_printf(msg, "Protocol not supported or disabled in libcurl: %s", e);
            return 1;
        }
        buf_printf(msg, "URL rejected: %s", *e ? e : "Malformed input to a URL function");
        return 3;
    case CORRAL_NET_EREDIRECTS:
        buf_printf(msg, "Maximum (10) redirects followed");
        if (*e) buf_printf(msg, " (%s)", e);
        return 47;
    case CORRAL_NET_EPROTO:
        if (strstr(e, "certificate")) { buf_printf(msg, "SSL certificate problem: %s", e); return 60; }
        if (!strcmp(scheme, "https")) { buf_printf(msg, "SSL connect error: %s", e); return 35; }
        buf_printf(msg, "Weird server reply: %s", e);
        return 8;
    case CORRAL_NET_ECONNRESET:
        buf_printf(msg, "Recv failure: Connection reset by peer");
        if (*e) buf_printf(msg, " (%s)", e);
        return 56;
    case CORRAL_NET_EBADMSG:
        buf_printf(msg, "A libcurl function was given a bad argument: %s", e);
        return 43;
    case CORRAL_NET_ECANCELED:
        buf_printf(msg, "Operation was aborted: %s", e);
        return 42;
    case CORRAL_NET_ENOMEM: case CORRAL_NET_EMFILE:
        buf_printf(msg, "Out of memory: %s", e);
        return 27;
    case NET_UNAVAILABLE:
        buf_printf(msg, "Failed to connect to %s port %u: %s", host, port, e);
        return 7;
    default:
        buf_printf(msg, "Failure when receiving data from the peer: %s", e);
        return 56;
    }
}

/* Writes the -w format for one transfer. */
static void write_out(IO *io, const char *fmt, const Resp *r, const char *url, const char *method,
                      int code, const char *errmsg) {
    Buf b = {0};
    int fd = 1;
    for (const char *p = fmt; *p; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            if (*p == 'n') buf_addc(&b, '\n');
            else if (*p == 'r') buf_addc(&b, '\r');
            else if (*p == 't') buf_addc(&b, '\t');
            else if (*p == '\\') buf_addc(&b, '\\');
            else { buf_addc(&b, '\\'); buf_addc(&b, *p); }
            continue;
        }
        if (*p != '%') { buf_addc(&b, *p); continue; }
        if (p[1] == '%') { buf_addc(&b, '%'); p++; continue; }
        if (p[1] == '{') {
            const char *end = strchr(p + 2, '}');
            if (!end) { buf_adds(&b, p); break; }
            char var[64];
            snprintf(var, sizeof var, "%.*s", (int)(end - p - 2), p + 2);
            unsigned st = r->rc == 0 ? r->status : 0;
            if (!strcmp(var, "http_code") || !strcmp(var, "response_code")) buf_printf(&b, "%03u", st);
            else if (!strcmp(var, "url_effective")) buf_adds(&b, r->rc == 0 && r->url ? r->url : url);
            else if (!strcmp(var, "url")) buf_adds(&b, url);
            else if (!strcmp(var, "content_type")) buf_adds(&b, r->ctype ? r->ctype : "");
            else if (!strcmp(var, "size_download")) buf_printf(&b, "%zu", r->blen);
            else if (!strcmp(var, "size_header")) { Buf h = {0}; if (r->rc == 0) head_text(&h, r, "\r\n", ""); buf_printf(&b, "%zu", h.len); buf_free(&h); }
            else if (!strcmp(var, "method")) buf_adds(&b, method);
            else if (!strcmp(var, "exitcode")) buf_printf(&b, "%d", code);
            else if (!strcmp(var, "errormsg")) buf_adds(&b, errmsg ? errmsg : "");
            else if (!strcmp(var, "time_total")) buf_printf(&b, "%lld.%06lld", r->ms / 1000, (r->ms % 1000) * 1000);
            else if (!strcmp(var, "scheme")) { const char *s = strstr(url, "://"); buf_printf(&b, "%.*s", s ? (int)(s - url) : 0, url); }
            else if (!strcmp(var, "redirect_url")) {
                char *l = r->rc == 0 && r->status / 100 == 3 ? header_value(r->headers, "location") : NULL;
                if (l) { char *a = url_resolve(r->url ? r->url : url, l); buf_adds(&b, a); free(a); }
                free(l);
            }
            else if (!strcmp(var, "stdout")) { io_write(io, fd, b.s ? b.s : "", b.len); b.len = 0; fd = 1; }
            else if (!strcmp(var, "stderr")) { io_write(io, fd, b.s ? b.s : "", b.len); b.len = 0; fd = 2; }
            else ERR(io, "curl: unknown --write-out variable: '%s'\n", var);
            p = end;
            continue;
        }
        if (!strncmp(p + 1, "header{", 7)) {
            const char *end = strchr(p + 8, '}');
            if (end) {
                char *nm = xstrndup(p + 8, (size_t)(end - p - 8));
                char *v = r->rc == 0 ? header_value(r->headers, nm) : NULL;
                if (v) buf_adds(&b, v);
                free(v); free(nm);
                p = end;
                continue;
            }
        }
        buf_addc(&b, '%');
    }
    io_write(io, fd, b.s ? b.s : "", b.len);
    buf_free(&b);
}

/* One transfer; returns its exit code. */
static int curl_one(Sh *sh, IO *io, Opts *o, const char *url_in, const char *out) {
    Buf u = {0};
    const char *sep = strstr(url_in, "://");
    int no_scheme = !sep || strcspn(url_in, "/?#") < (size_t)(sep - url_in);
    if (no_scheme) buf_adds(&u, "http://");
    buf_adds(&u, url_in);
    if (o->get && o->have_data) {
        buf_addc(&u, strchr(u.s, '?') ? '&' : '?');
        buf_add(&u, o->data.s ? o->data.s : "", o->data.len);
    }
    char *url = buf_take(&u);
    int code = 0;
    Buf msg = {0};
    Resp r;
    memset(&r, 0, sizeof r);
    const char *method = o->method;
    if (!method) method = o->head ? "HEAD" : o->upload ? "PUT" : (o->have_data && !o->get) ? "POST" : "GET";

    char scheme[32], host[300];
    unsigned port;
    url_parts(url, scheme, sizeof scheme, host, sizeof host, &port);
    if (strcmp(scheme, "http") && strcmp(scheme, "https")) {
        buf_printf(&msg, "Protocol \"%s\" not supported", scheme);
        code = 1;
        r.rc = CORRAL_NET_EBAD_URL;
        r.url = xstrdup(url);
    } else if (!*host) {
        buf_printf(&msg, "URL rejected: No host part in the URL");
        code = 3;
        r.rc = CORRAL_NET_EBAD_URL;
        r.url = xstrdup(url);
    }

    /* the body */
    char *upload = NULL; size_t uplen = 0;
    if (!code && o->upload) {
        if (read_input(sh, io, o->upload, &upload, &uplen, "curl") != 0) {
            buf_printf(&msg, "Failed to open/read local data from file/application");
            code = 26;
            r.rc = -2;
        }
    }
    const char *body = NULL; size_t blen = 0;
    if (upload) { body = upload; blen = uplen; }
    else if (o->have_data && !o->get) { body = o->data.s ? o->data.s : ""; blen = o->data.len; }

    /* the headers: curl's defaults unless the user's replace them */
    Buf hd = {0};
    const char *uh = o->headers.s ? o->headers.s : "";
    size_t uhl = o->headers.len;
    if (!has_header(uh, uhl, "User-Agent", 10)) buf_adds(&hd, "User-Agent: curl/8.5.0 (corral sandbox)\n");
    if (o->json) {
        if (!has_header(uh, uhl, "Content-Type", 12)) buf_adds(&hd, "Content-Type: application/json\n");
        if (!has_header(uh, uhl, "Accept", 6)) buf_adds(&hd, "Accept: application/json\n");
    } else {
        if (!has_header(uh, uhl, "Accept", 6)) buf_adds(&hd, "Accept: */*\n");
        if (body && !upload && !has_header(uh, uhl, "Content-Type", 12))
            buf_adds(&hd, "Content-Type: application/x-www-form-urlencoded\n");
    }
    /* "Name:" removes a header, "Name;" sends it empty */
    for (size_t i = 0; i < uhl;) {
        const char *line = uh + i, *eol = memchr(line, '\n', uhl - i);
        size_t len = eol ? (size_t)(eol - line) : uhl - i;
        size_t nl = header_name_len(line, len);
        size_t v = nl + 1;
        while (v < len && (line[v] == ' ' || line[v] == '\t')) v++;
        if (nl && line[nl] == ';' && v >= len) { buf_add(&hd, line, nl); buf_adds(&hd, ":\n"); }
        else if (!(nl && line[nl] == ':' && v >= len)) { buf_add(&hd, line, len); buf_addc(&hd, '\n'); }
        i += len + 1;
    }

    if (o->verbose && !code) {
        ERR(io, "* Request through corral's network policy (host-side HTTP)\n");
        Buf v = {0};
        buf_printf(&v, "> %s %s HTTP/1.1\n> Host: %s", method, url_path(url), host);
        if (port != (strcmp(scheme, "https") ? 80u : 443u)) buf_printf(&v, ":%u", port);
        buf_adds(&v, "\n");
        for (size_t i = 0; i < hd.len;) {
            size_t len = strcspn(hd.s + i, "\n");
            buf_adds(&v, "> ");
            buf_add(&v, hd.s + i, len);
            buf_adds(&v, "\n");
            i += len + 1;
        }
        if (body) buf_printf(&v, "> Content-Length: %zu\n", blen);
        buf_adds(&v, ">\n");
        io_write(io, 2, v.s, v.len);
        buf_free(&v);
    }

    if (!code) {
        Req q;
        memset(&q, 0, sizeof q);
        q.method = method;
        q.url = url;
        q.headers = hd.s ? hd.s : "";
        q.hlen = hd.len;
        q.body = body;
        q.blen = blen;
        q.follow = o->follow && o->max_redirs != 0;
        double ms = o->max_time * 1000.0;
        q.timeout_ms = o->max_time > 0 ? (ms >= 4e9 ? 4000000000u : ms < 1 ? 1u : (uint32_t)ms) : 0;
        q.max_body = o->max_filesize > 0 ? (o->max_filesize > 0xFFFFFFFFLL ? 0xFFFFFFFFu : (uint32_t)o->max_filesize) : 0;
        http_do(&q, &r);
        if (r.rc != 0) code = curl_error(&r, url, &msg);
    }
    buf_free(&hd);
    free(upload);

    if (!code) {
        Buf head = {0};
        head_text(&head, &r, "\r\n", "");
        if (o->verbose) {
            Buf v = {0};
            head_text(&v, &r, "\n", "< ");
            io_write(io, 2, v.s, v.len);
            buf_free(&v);
        }
        if (o->dump_header) {
            int e = write_to(sh, io, o->dump_header, head.s, head.len, 0);
            if (e && !o->silent) ERR(io, "Warning: Failed to open %s: %s\n", o->dump_header, sh_strerror(e));
        }
        if (o->follow && o->max_redirs == 0 && r.status / 100 == 3 && r.status != 304) {
            char *loc = header_value(r.headers, "location");
            if (loc) {
                buf_printf(&msg, "Maximum (0) redirects followed");
                code = 47;
            }
            free(loc);
        }
        int failed = !code && r.status >= 400 && (o->fail || o->fail_body);
        if (!code && (!failed || o->fail_body)) {
            int show_head = o->include || o->head;
            char *name = NULL;
            const char *dest = out;
            if (dest == NULL) dest = "-";
            else if (dest == REMOTE_NAME) { /* -O */
                name = remote_name(url);
                if (!*name) {
                    buf_printf(&msg, "Remote file name has no length!");
                    code = 23;
                }
                dest = name;
            }
            if (!code) {
                if (o->create_dirs && strcmp(dest, "-")) make_parents(sh, dest);
                /* the head (if shown), then the body appended: no copy of the body */
                int e = write_to(sh, io, dest, show_head ? head.s : "", show_head ? head.len : 0, 0);
                if (!e && !o->head && r.blen) e = write_to(sh, io, dest, r.body, r.blen, 1);
                if (e) {
                    if (!o->silent) ERR(io, "Warning: Failed to open the file %s: %s\n", dest, sh_strerror(e));
                    buf_printf(&msg, "Failure writing output to destination");
                    code = 23;
                }
            }
            free(name);
        }
        if (failed && !code) {
            buf_printf(&msg, "The requested URL returned error: %u", r.status);
            code = 22;
        }
        buf_free(&head);
    }
    if ((code && (!o->silent || o->show_error)) && msg.len)
        ERR(io, "curl: (%d) %s\n", code, msg.s);
    if (o->writeout) write_out(io, o->writeout, &r, url, method, code, msg.s);
    buf_free(&msg);
    resp_free(&r);
    free(url);
    return code;
}

int u_curl(Sh *sh, int argc, char **argv, IO *io) {
    Opts o;
    memset(&o, 0, sizeof o);
    o.max_redirs = -1;
    int rc = curl_parse(sh, io, &o, argc, argv);
    if (!rc && o.nurls == 0) {
        ERR(io, "curl: no URL specified!\n");
        usage_hint(io);
        rc = 2;
    }
    if (!rc) {
        for (int i = 0; i < o.nurls; i++) {
            /* -o / -O pair with the URLs in order */
            const char *out = NULL;
            if (i < o.nouts) out = o.outs[i] ? o.outs[i] : REMOTE_NAME;
            int c = curl_one(sh, io, &o, o.urls[i], out);
            if (c) rc = c;
        }
    }
    for (int i = 0; i < o.nouts; i++) free(o.outs[i]);
    free(o.outs);
    free(o.urls);
    free(o.writeout_file);
    buf_free(&o.headers);
    buf_free(&o.data);
    return rc;
}

/* A wget option with a value: "-O FILE", "--name=VALUE" or "--name VALUE". */
static int wopt(int argc, char **argv, int *i, const char *sopt, const char *lopt, const char **v) {
    const char *a = argv[*i];
    size_t ll = strlen(lopt);
    if (((*sopt && !strcmp(a, sopt)) || !strcmp(a, lopt)) && *i + 1 < argc) { *v = argv[++*i]; return 1; }
    if (!strncmp(a, lopt, ll) && a[ll] == '=') { *v = a + ll + 1; return 1; }
    return 0;
}

/* ---- wget ------------------------------------------------------------------------------ */
int u_wget(Sh *sh, int argc, char **argv, IO *io) {
    int quiet = 0, server_resp = 0, have_post = 0;
    const char *out = NULL, *url = NULL;
    double timeout = 0;
    Buf headers = {0}, post = {0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = NULL;
        if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) quiet = 1;
        else if (!strcmp(a, "-S") || !strcmp(a, "--server-response")) server_resp = 1;
        else if (!strcmp(a, "-nv") || !strcmp(a, "--no-verbose") || !strcmp(a, "-c") || !strcmp(a, "--continue") ||
                 !strcmp(a, "--no-check-certificate") || !strcmp(a, "-N")) { /* accepted */ }
        else if (!strncmp(a, "-O", 2) && a[2]) out = a + 2;
        else if (wopt(argc, argv, &i, "-O", "--output-document", &v)) out = v;
        else if (wopt(argc, argv, &i, "-T", "--timeout", &v)) timeout = strtod(v, NULL);
        else if (wopt(argc, argv, &i, "", "--header", &v)) { buf_adds(&headers, v); buf_addc(&headers, '\n'); }
        else if (wopt(argc, argv, &i, "-U", "--user-agent", &v)) buf_printf(&headers, "User-Agent: %s\n", v);
        else if (wopt(argc, argv, &i, "", "--post-data", &v)) { buf_adds(&post, v); have_post = 1; }
        else if (wopt(argc, argv, &i, "", "--post-file", &v)) {
            if (read_at(sh, io, v, &post, 0, "wget") != 0) { buf_free(&headers); buf_free(&post); return 1; }
            have_post = 1;
        }
        else if (a[0] == '-' && a[1]) {
            ERR(io, "wget: unrecognized option '%s'\nUsage: wget [-q] [-O FILE] [--header=H] [--post-data=D] [-T SECS] URL\n", a);
            buf_free(&headers); buf_free(&post);
            return 2;
        } else url = a;
    }
    if (!url) {
        ERR(io, "wget: missing URL\nUsage: wget [-q] [-O FILE] URL\n");
        buf_free(&headers); buf_free(&post);
        return 1;
    }
    Buf u = {0};
    if (!strstr(url, "://")) buf_adds(&u, "http://");
    buf_adds(&u, url);
    char *full = buf_take(&u);
    if (!has_header(headers.s ? headers.s : "", headers.len, "User-Agent", 10))
        buf_adds(&headers, "User-Agent: Wget/1.21 (corral sandbox)\n");
    if (have_post && !has_header(headers.s, headers.len, "Content-Type", 12))
        buf_adds(&headers, "Content-Type: application/x-www-form-urlencoded\n");
    Req q;
    memset(&q, 0, sizeof q);
    q.method = have_post ? "POST" : "GET";
    q.url = full;
    q.headers = headers.s ? headers.s : "";
    q.hlen = headers.len;
    q.body = have_post ? (post.s ? post.s : "") : NULL;
    q.blen = post.len;
    q.follow = 1;
    q.timeout_ms = timeout > 0 ? (uint32_t)(timeout * 1000) : 0;
    if (!quiet) ERR(io, "Connecting to %s ... (through the sandbox's network policy)\n", full);
    Resp r;
    http_do(&q, &r);
    int code = 0;
    if (r.rc != 0) {
        Buf msg = {0};
        int c = curl_error(&r, full, &msg);
        ERR(io, "wget: %s\n", msg.s ? msg.s : "failed");
        buf_free(&msg);
        code = c == 28 || c == 7 || c == 6 || c == 56 || c == 47 ? 4 : c == 35 || c == 60 ? 5 : c == 3 || c == 1 ? 1 : 4;
    } else {
        if (server_resp) {
            Buf h = {0};
            head_text(&h, &r, "\n", "  ");
            io_write(io, 2, h.s, h.len);
            buf_free(&h);
        }
        if (r.status >= 400) {
            ERR(io, "wget: server returned error: HTTP/1.1 %u %s\n", r.status, reason(r.status));
            code = 8;
        } else {
            char *name = NULL;
            const char *dest = out;
            if (!dest) {
                name = remote_name(r.url);
                if (!*name) { free(name); name = xstrdup("index.html"); }
                /* like wget: never overwrite, save as NAME.1, NAME.2, ... */
                struct stat st;
                char *hp = sh_hostpath(sh, name);
                int exists = stat(hp, &st) == 0;
                free(hp);
                for (int k = 1; exists && k < 10000; k++) {
                    Buf nb = {0};
                    buf_printf(&nb, "%s.%d", name[0] ? name : "index.html", k);
                    char *cand = buf_take(&nb);
                    hp = sh_hostpath(sh, cand);
                    exists = stat(hp, &st) == 0;
                    free(hp);
                    if (!exists) {
                        Buf keep = {0};
                        buf_adds(&keep, cand);
                        free(name);
                        name = buf_take(&keep);
                    }
                    free(cand);
                }
                dest = name;
            }
            int e = write_to(sh, io, dest, r.body, r.blen, 0);
            if (e) { ERR(io, "wget: %s: %s\n", dest, sh_strerror(e)); code = 3; }
            else if (!quiet) ERR(io, "HTTP %u %s, %zu bytes saved to '%s'\n", r.status, reason(r.status), r.blen,
                                 strcmp(dest, "-") ? dest : "stdout");
            free(name);
        }
    }
    resp_free(&r);
    free(full);
    buf_free(&headers);
    buf_free(&post);
    return code;
}
