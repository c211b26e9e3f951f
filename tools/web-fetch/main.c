/*
 * web-fetch.wasm - the web-fetch tool (docs/tools.md).
 *
 * Input: url (required, http:// or https://), method (GET), headers (an
 * object of strings), body (a string), max_response_bytes (1 MiB),
 * max_chars (100000), timeout_seconds (30), max_redirects (5), extract_mode
 * (markdown / text / raw; the manifest's default is markdown).
 *
 * The request goes through corral's HTTP import (include/corral_net.h),
 * so the host applies the network policy to every hop.  Redirects are
 * followed here, one hop at a time with CORRAL_NET_NO_REDIRECT, so that
 * max_redirects is exact and a denied hop can be reported with both URLs;
 * 303 (and 301/302 after a POST) turn into a GET without a body, and
 * Authorization / Cookie headers are not sent to another origin.  The body
 * is capped at max_response_bytes with CORRAL_NET_TRUNCATE: a longer
 * response is cut, not refused, and metadata.truncated says so.
 *
 * The content type comes from the Content-Type header, or is sniffed from
 * the body when the header is missing or generic:
 *   HTML (text/html, application/xhtml+xml) -> text or markdown (html.c);
 *   JSON, text/..., XML, JavaScript ...     -> unchanged;
 *   anything else (images, archives, ...)   -> a note, unless extract_mode
 *                                              is raw;
 *   raw                                     -> the body unchanged (bytes
 *                                              that are not UTF-8 become
 *                                              U+FFFD in the JSON result).
 * Latin-1 / windows-1252 text that is not valid UTF-8 is converted.
 * The result is cut at max_chars characters with a note.
 *
 * metadata: {status, url (final), content_type, bytes, truncated, title,
 * redirects}.  Errors (is_error, exit 1): a bad input, a bad URL, a
 * destination the policy denies (the host's message names it and how to
 * allow it), a timeout, too many redirects, any transfer failure, and a
 * non-2xx status (the status and the start of the body).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "corral_net.h"
#include "html.h"
#include "tool.h"

#define DEFAULT_MAX_BYTES (1L << 20)
#define LIMIT_MAX_BYTES (10L << 20)  /* the manifest's maximum */
#define DEFAULT_MAX_CHARS 100000
#define ERROR_BODY_CHARS 1000       /* the start of the body in a non-2xx error */
#define MAX_URL_BYTES 8192

enum { KIND_HTML, KIND_JSON, KIND_TEXT, KIND_BINARY };

typedef struct {
    const char *url;   /* as given */
    char *method;
    sbuf headers;      /* "Name: value\n" lines */
    const char *body;
    size_t body_len;
    long max_bytes, max_chars, timeout_s, max_redirects;
    int mode;          /* HTML_TEXT, HTML_MARKDOWN, or MODE_RAW */
} request;

#define MODE_RAW 2

/* ---- small helpers ------------------------------------------------------- */

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static int starts_ci(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++)
        if (lower((unsigned char)*s) != *prefix)
            return 0;
    return 1;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The host's message for the last failed call. */
static char *last_error(void)
{
    uint32_t len = 0;
    char *buf;
    if (corral_net_last_error(NULL, 0, &len) != 0 || len == 0)
        return xstrdup("");
    buf = xmalloc((size_t)len + 1);
    if (corral_net_last_error(buf, len, &len) != 0)
        len = 0;
    buf[len] = '\0';
    return buf;
}

/* A text field of a response (CORRAL_NET_FIELD_*), malloc'd. */
static char *get_field(uint32_t h, uint32_t field)
{
    uint32_t len = 0;
    if (corral_net_http_get(h, field, NULL, 0, &len) != 0)
        return xstrdup("");
    char *buf = xmalloc((size_t)len + 1);
    uint32_t got = len;
    if (corral_net_http_get(h, field, buf, len, &got) != 0)
        len = 0;
    buf[len < got ? len : got] = '\0';
    return buf;
}

/* The value of header name in "Name: value\n" lines, malloc'd, or NULL. */
static char *header_value(const char *headers, const char *name)
{
    size_t nl = strlen(name);
    const char *p = headers;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (len > nl && p[nl] == ':') {
            int same = 1;
            for (size_t i = 0; i < nl && same; i++)
                same = lower((unsigned char)p[i]) == lower((unsigned char)name[i]);
            if (same) {
                const char *v = p + nl + 1, *e = p + len;
                while (v < e && (*v == ' ' || *v == '\t'))
                    v++;
                while (e > v && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
                    e--;
                return xstrndup(v, (size_t)(e - v));
            }
        }
        if (!eol)
            break;
        p = eol + 1;
    }
    return NULL;
}

static const char *reason(unsigned status)
{
    switch (status) {
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 418: return "I'm a teapot";
    case 422: return "Unprocessable Content";
    case 425: return "Too Early";
    case 429: return "Too Many Requests";
    case 451: return "Unavailable For Legal Reasons";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
    }
}

/* ---- input ---------------------------------------------------------------- */

static int token_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* A URL the host can take: http(s)://, a host, no spaces or control bytes. */
static void check_url(const char *url, size_t len)
{
    if (len > MAX_URL_BYTES)
        tool_fail("Invalid URL: it is %zu bytes long; the limit is %d", len, MAX_URL_BYTES);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)url[i];
        if (c <= ' ' || c == 0x7F)
            tool_fail("Invalid URL '%s': it contains %s at offset %zu; encode it as %%%02X",
                      url, c == ' ' ? "a space" : "a control character", i, c);
    }
    size_t skip;
    if (starts_ci(url, "http://"))
        skip = 7;
    else if (starts_ci(url, "https://"))
        skip = 8;
    else
        tool_fail("Invalid URL '%s': only http:// and https:// URLs can be fetched", url);
    size_t h = strcspn(url + skip, "/?#");
    if (h == 0)
        tool_fail("Invalid URL '%s': it has no host", url);
}

static void read_input(const jv *in, request *r)
{
    static const char *const known[] = {"url",           "method",       "headers",
                                        "body",          "max_response_bytes", "max_chars",
                                        "timeout_seconds", "max_redirects", "extract_mode"};
    for (size_t i = 0; i < jv_len(in); i++) {
        const char *k = jv_key_at(in, i);
        int ok = 0;
        for (size_t j = 0; j < sizeof known / sizeof known[0]; j++)
            ok |= strcmp(k, known[j]) == 0;
        if (!ok)
            tool_fail("Invalid input: unknown key '%s'; expected url, method, headers, body, "
                      "max_response_bytes, max_chars, timeout_seconds, max_redirects, "
                      "extract_mode", k);
    }

    size_t ul;
    r->url = tool_str(in, "url", 1, &ul);
    if (memchr(r->url, '\0', ul) != NULL)
        tool_fail("Invalid URL: it contains a NUL byte");
    check_url(r->url, ul);

    size_t ml;
    const char *m = tool_str(in, "method", 0, &ml);
    if (m == NULL)
        m = "GET", ml = 3;
    if (ml == 0 || ml > 16)
        tool_fail("Invalid input: method must be GET, POST, PUT, PATCH, DELETE or HEAD, got '%s'",
                  m);
    r->method = xstrdup(m);
    for (char *p = r->method; *p; p++)
        *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
    static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"};
    int mok = 0;
    for (size_t j = 0; j < sizeof methods / sizeof methods[0]; j++)
        mok |= strcmp(r->method, methods[j]) == 0;
    if (!mok)
        tool_fail("Invalid input: method must be GET, POST, PUT, PATCH, DELETE or HEAD, got '%s'",
                  m);

    sb_init(&r->headers);
    const jv *hs = jv_get(in, "headers");
    if (hs != NULL && jv_type(hs) != JV_NULL) {
        if (jv_type(hs) != JV_OBJ)
            tool_fail("Invalid input: headers must be an object of strings, got %s",
                      jv_type_name(jv_type(hs)));
        for (size_t i = 0; i < jv_len(hs); i++) {
            const char *name = jv_key_at(hs, i);
            size_t vl;
            const char *val = jv_str(jv_at(hs, i), &vl);
            if (val == NULL)
                tool_fail("Invalid input: header '%s' must be a string, got %s", name,
                          jv_type_name(jv_type(jv_at(hs, i))));
            if (*name == '\0')
                tool_fail("Invalid input: a header name is empty");
            for (const char *p = name; *p; p++)
                if (!token_char((unsigned char)*p))
                    tool_fail("Invalid input: header name '%s' has the character '%c', which "
                              "is not allowed in a header name", name, *p);
            for (size_t k = 0; k < vl; k++)
                if (val[k] == '\r' || val[k] == '\n' || val[k] == '\0')
                    tool_fail("Invalid input: the value of header '%s' contains a line break "
                              "or NUL byte", name);
            sb_printf(&r->headers, "%s: %s\n", name, val);
        }
    }

    r->body = tool_str(in, "body", 0, &r->body_len);
    if (r->body == NULL)
        r->body_len = 0;
    r->max_bytes = (long)tool_int(in, "max_response_bytes", DEFAULT_MAX_BYTES, 1, LIMIT_MAX_BYTES);
    r->max_chars = (long)tool_int(in, "max_chars", DEFAULT_MAX_CHARS, 1, 100000000);
    r->timeout_s = (long)tool_int(in, "timeout_seconds", 30, 1, 300);
    r->max_redirects = (long)tool_int(in, "max_redirects", 5, 0, 10);

    const char *mode = tool_str(in, "extract_mode", 0, NULL);
    if (mode == NULL || strcmp(mode, "markdown") == 0)
        r->mode = HTML_MARKDOWN;
    else if (strcmp(mode, "text") == 0)
        r->mode = HTML_TEXT;
    else if (strcmp(mode, "raw") == 0)
        r->mode = MODE_RAW;
    else
        tool_fail("Invalid input: extract_mode must be text, markdown or raw, got '%s'", mode);
}

/* ---- the content ---------------------------------------------------------- */

/* The media type, lower case, without parameters. */
static char *media_type(const char *ct)
{
    size_t n = strcspn(ct, ";");
    while (n > 0 && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
        n--;
    const char *s = ct;
    while (n > 0 && (*s == ' ' || *s == '\t'))
        s++, n--;
    char *m = xstrndup(s, n);
    for (char *p = m; *p; p++)
        *p = (char)lower((unsigned char)*p);
    return m;
}

static int looks_html(const char *b, size_t n)
{
    size_t i = 0;
    if (n >= 3 && memcmp(b, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r'))
        i++;
    static const char *const marks[] = {"<!doctype html", "<html", "<head", "<body", "<title",
                                        "<!--", "<h1", "<p>", "<div", "<table", "<script", NULL};
    for (int k = 0; marks[k]; k++) {
        size_t ml = strlen(marks[k]);
        if (n - i >= ml) {
            size_t j = 0;
            while (j < ml && lower((unsigned char)b[i + j]) == marks[k][j])
                j++;
            if (j == ml)
                return 1;
        }
    }
    return 0;
}

static int looks_json(const char *b, size_t n)
{
    size_t i = 0;
    while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r'))
        i++;
    if (i >= n || (b[i] != '{' && b[i] != '['))
        return 0;
    jv *v = jv_parse(b, n, NULL, 0);
    jv_free(v);
    return v != NULL;
}

static int classify(const char *mt, const char *body, size_t n)
{
    size_t ml = strlen(mt);
    if (strcmp(mt, "text/html") == 0 || strcmp(mt, "application/xhtml+xml") == 0)
        return KIND_HTML;
    if (strcmp(mt, "application/json") == 0 || strcmp(mt, "text/json") == 0 ||
        (ml > 5 && strcmp(mt + ml - 5, "+json") == 0))
        return KIND_JSON;
    int generic = ml == 0 || strcmp(mt, "application/octet-stream") == 0 ||
                  strcmp(mt, "binary/octet-stream") == 0 || strcmp(mt, "application/unknown") == 0 ||
                  strcmp(mt, "unknown/unknown") == 0 || strcmp(mt, "*/*") == 0;
    if (generic) {
        if (looks_html(body, n))
            return KIND_HTML;
        if (looks_json(body, n))
            return KIND_JSON;
        return tool_is_binary(body, n) ? KIND_BINARY : KIND_TEXT;
    }
    if (strncmp(mt, "text/", 5) == 0 || (ml > 4 && strcmp(mt + ml - 4, "+xml") == 0) ||
        strstr(mt, "xml") != NULL || strstr(mt, "javascript") != NULL ||
        strstr(mt, "ecmascript") != NULL || strstr(mt, "yaml") != NULL ||
        strstr(mt, "toml") != NULL || strstr(mt, "csv") != NULL ||
        strcmp(mt, "application/x-www-form-urlencoded") == 0 || strstr(mt, "x-sh") != NULL ||
        strstr(mt, "sql") != NULL || strstr(mt, "graphql") != NULL ||
        strstr(mt, "markdown") != NULL || strstr(mt, "x-tex") != NULL)
        return KIND_TEXT;
    if (strncmp(mt, "image/", 6) == 0 || strncmp(mt, "audio/", 6) == 0 ||
        strncmp(mt, "video/", 6) == 0 || strncmp(mt, "font/", 5) == 0)
        return KIND_BINARY;
    return tool_is_binary(body, n) ? KIND_BINARY : KIND_TEXT;
}

/* Characters (UTF-8 sequences; stray bytes count one each) in s. */
static size_t count_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            c++;
    return c;
}

/* The byte length of the first max characters of s. */
static size_t chars_prefix(const char *s, size_t n, size_t max)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (c == max)
                return i;
            c++;
        }
    }
    return n;
}

/* Converts the body for the result: into out; *title gets the page title. */
static void extract(const request *r, int kind, const char *ct, const char *url,
                    const char *body, size_t n, sbuf *out, char **title)
{
    *title = NULL;
    if (r->mode == MODE_RAW || kind == KIND_JSON) {
        if (kind == KIND_HTML) { /* the title is still worth having */
            sbuf tmp = SBUF_INIT;
            html_convert(body, n < 65536 ? n : 65536, HTML_TEXT, url, &tmp, title);
            sb_free(&tmp);
        }
        sb_put(out, body, n);
        return;
    }
    if (kind == KIND_BINARY) {
        sb_printf(out,
                  "[binary content: %s, %zu bytes, not shown; use extract_mode \"raw\" to get "
                  "the bytes (those that are not UTF-8 become U+FFFD)]",
                  *ct ? ct : "no content type", n);
        return;
    }
    char cs[64];
    html_charset(ct, body, n, kind == KIND_HTML, cs, sizeof cs);
    sbuf conv = SBUF_INIT;
    if (wf_to_utf8(cs, body, n, &conv)) {
        body = conv.data;
        n = conv.len;
    }
    if (kind == KIND_HTML)
        html_convert(body, n, r->mode, url, out, title);
    else
        sb_put(out, body, n);
    sb_free(&conv);
}

/* ---- the request ------------------------------------------------------------ */

static void meta_common(sbuf *m, unsigned status, const char *url, const char *ct, size_t bytes,
                        int truncated, const char *title, long redirects)
{
    meta_begin(m);
    if (status > 0)
        meta_int(m, "status", status);
    else
        meta_raw(m, "status", "null");
    meta_str(m, "url", url);
    meta_str(m, "content_type", ct);
    meta_int(m, "bytes", (long long)bytes);
    meta_bool(m, "truncated", truncated);
    if (title != NULL)
        meta_str(m, "title", title);
    else
        meta_raw(m, "title", "null");
    meta_int(m, "redirects", redirects);
    meta_end(m);
}

/* A failed http_request: an error result naming what happened. */
static void __attribute__((noreturn))
fail_request(const request *r, int rc, const char *url, const char *from, long redirects)
{
    char *msg = last_error();
    sbuf m = SBUF_INIT, t = SBUF_INIT;
    meta_common(&m, 0, url, "", 0, 0, NULL, redirects);
    switch (rc) {
    case CORRAL_NET_EDENIED:
        sb_puts(&t, "Network access denied: ");
        if (from != NULL && strstr(msg, from) == NULL)
            sb_printf(&t, "the redirect from '%s' to '%s' was refused. ", from, url);
        sb_puts(&t, *msg ? msg : "the sandbox's network policy does not allow this destination");
        if (strstr(msg, "allow") == NULL)
            sb_printf(&t, " (destination '%s'; allow it with --allow-host)", url);
        break;
    case CORRAL_NET_ETIMEOUT:
        sb_printf(&t, "Timed out fetching '%s' (timeout_seconds is %ld)", url, r->timeout_s);
        if (*msg)
            sb_printf(&t, ": %s", msg);
        break;
    case CORRAL_NET_ETOO_LARGE:
        sb_printf(&t, "The response from '%s' is larger than max_response_bytes (%ld bytes)", url,
                  r->max_bytes);
        if (*msg)
            sb_printf(&t, ": %s", msg);
        break;
    case CORRAL_NET_EBAD_URL:
        sb_printf(&t, "Invalid URL '%s'", url);
        if (*msg)
            sb_printf(&t, ": %s", msg);
        break;
    case CORRAL_NET_ELOOKUP:
        sb_printf(&t, "Cannot resolve the host of '%s'", url);
        if (*msg)
            sb_printf(&t, ": %s", msg);
        break;
    case CORRAL_NET_ECONNECT:
        sb_printf(&t, "Cannot connect to '%s'", url);
        if (*msg)
            sb_printf(&t, ": %s", msg);
        break;
    case CORRAL_NET_EREDIRECTS:
        sb_printf(&t, "Too many redirects fetching '%s'", url);
        if (*msg)
            sb_printf(&t, ": %s", msg);
        break;
    case CORRAL_NET_ECANCELED:
        sb_printf(&t, "The fetch of '%s' was interrupted (the run's time limit?)", url);
        if (*msg)
            sb_printf(&t, ": %s", msg);
        break;
    default:
        sb_printf(&t, "Fetching '%s' failed (error %d)", url, rc);
        if (*msg)
            sb_printf(&t, ": %s", msg);
        break;
    }
    if (from != NULL && rc != CORRAL_NET_EDENIED)
        sb_printf(&t, " (after a redirect from '%s')", from);
    tool_result(t.data, t.len, 1, sb_cstr(&m));
    exit(1);
}

static int is_redirect(unsigned s)
{
    return s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
}

/* Drops the headers that must not follow a redirect to another origin. */
static void drop_credentials(sbuf *h)
{
    sbuf out = SBUF_INIT;
    const char *p = sb_cstr(h);
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) + 1 : strlen(p);
        if (!starts_ci(p, "authorization:") && !starts_ci(p, "cookie:") &&
            !starts_ci(p, "proxy-authorization:"))
            sb_put(&out, p, len);
        p += len;
    }
    sb_free(h);
    *h = out;
}

int main(void)
{
    jv *in = tool_input();
    request r;
    memset(&r, 0, sizeof r);
    read_input(in, &r);

    uint64_t deadline = now_ms() + (uint64_t)r.timeout_s * 1000u;
    char *url = xstrdup(r.url), *from = NULL;
    char *method = xstrdup(r.method);
    const char *body = r.body;
    size_t body_len = r.body_len;
    long redirects = 0;
    uint32_t h = 0, status = 0, blen = 0, rflags = 0;

    for (;;) {
        uint64_t now = now_ms();
        if (now >= deadline)
            fail_request(&r, CORRAL_NET_ETIMEOUT, url, from, redirects);
        uint32_t left = (uint32_t)(deadline - now);
        int rc = corral_net_http_request(method, (uint32_t)strlen(method), url,
                                         (uint32_t)strlen(url), sb_cstr(&r.headers),
                                         (uint32_t)r.headers.len, body, (uint32_t)body_len,
                                         CORRAL_NET_NO_REDIRECT | CORRAL_NET_TRUNCATE, left,
                                         (uint32_t)r.max_bytes, &h);
        if (rc != 0)
            fail_request(&r, rc, url, from, redirects);
        rc = corral_net_http_response(h, &status, &blen, &rflags);
        if (rc != 0)
            fail_request(&r, rc, url, from, redirects);
        if (!is_redirect(status))
            break;
        char *hdrs = get_field(h, CORRAL_NET_FIELD_HEADERS);
        char *loc = header_value(hdrs, "location");
        free(hdrs);
        if (loc == NULL || *loc == '\0') { /* nothing to follow: the 3xx is the answer */
            free(loc);
            break;
        }
        char *next = url_resolve(url, loc, strlen(loc));
        free(loc);
        if (redirects >= r.max_redirects) {
            sbuf m = SBUF_INIT;
            meta_common(&m, status, url, "", 0, 0, NULL, redirects);
            sbuf t = SBUF_INIT;
            sb_printf(&t,
                      "Too many redirects: '%s' redirects (HTTP %u) to '%s', and max_redirects "
                      "is %ld",
                      url, status, next, r.max_redirects);
            if (redirects > 0)
                sb_printf(&t, " (the request to '%s' was redirected %ld time%s before)", r.url,
                          redirects, redirects == 1 ? "" : "s");
            tool_result(t.data, t.len, 1, sb_cstr(&m));
            return 1;
        }
        if (!starts_ci(next, "http://") && !starts_ci(next, "https://")) {
            sbuf m = SBUF_INIT;
            meta_common(&m, status, url, "", 0, 0, NULL, redirects);
            tool_fail_meta(sb_cstr(&m), "'%s' redirects (HTTP %u) to '%s', which is not an "
                           "http:// or https:// URL", url, status, next);
        }
        corral_net_http_close(h);
        if (status == 303 || ((status == 301 || status == 302) && strcmp(method, "POST") == 0)) {
            if (strcmp(method, "HEAD") != 0) {
                free(method);
                method = xstrdup("GET");
            }
            body = NULL;
            body_len = 0;
        }
        if (!url_same_origin(url, next))
            drop_credentials(&r.headers);
        free(from);
        from = url;
        url = next;
        redirects++;
    }

    /* The response. */
    char *ct = get_field(h, CORRAL_NET_FIELD_CONTENT_TYPE);
    char *final_url = get_field(h, CORRAL_NET_FIELD_URL);
    if (*final_url == '\0') {
        free(final_url);
        final_url = xstrdup(url);
    }
    char *data = xmalloc((size_t)blen + 1);
    size_t got = 0;
    while (got < blen) {
        uint32_t k = 0;
        int rc = corral_net_http_read(h, data + got, (uint32_t)(blen - got), &k);
        if (rc != 0)
            fail_request(&r, rc, final_url, from, redirects);
        if (k == 0)
            break;
        got += k;
    }
    data[got] = '\0';
    corral_net_http_close(h);
    int truncated = (rflags & CORRAL_NET_TRUNCATED) != 0;

    char *mt = media_type(ct);
    int kind = classify(mt, data, got);
    sbuf text = SBUF_INIT;
    char *title = NULL;

    if (status < 200 || status > 299) {
        /* the status and the start of the body */
        sbuf t = SBUF_INIT;
        extract(&r, kind, ct, final_url, data, got, &text, &title);
        if (r.mode == MODE_RAW && kind == KIND_HTML) { /* readable even in raw mode */
            sb_reset(&text);
            free(title);
            title = NULL;
            html_convert(data, got, HTML_TEXT, final_url, &text, &title);
        }
        const char *rs = reason(status);
        sb_printf(&t, "HTTP %u%s%s from %s %s", status, *rs ? " " : "", rs, method, final_url);
        size_t cut = chars_prefix(text.data ? text.data : "", text.len, ERROR_BODY_CHARS);
        if (text.len == 0) {
            sb_puts(&t, " (empty body)");
        } else {
            sb_puts(&t, "\n\n");
            sb_put(&t, text.data, cut);
            if (cut < text.len)
                sb_printf(&t, "\n[... %zu more characters of the body not shown]",
                          count_chars(text.data + cut, text.len - cut));
        }
        sbuf m = SBUF_INIT;
        meta_common(&m, status, final_url, ct, got, truncated, title, redirects);
        tool_result(t.data, t.len, 1, sb_cstr(&m));
        return 1;
    }

    extract(&r, kind, ct, final_url, data, got, &text, &title);

    size_t total_chars = count_chars(sb_cstr(&text), text.len);
    int cut_chars = total_chars > (size_t)r.max_chars;
    if (cut_chars) {
        size_t keep = chars_prefix(text.data, text.len, (size_t)r.max_chars);
        text.len = keep;
        text.data[keep] = '\0';
        sb_printf(&text,
                  "\n\n[... truncated: showing the first %ld of %zu characters; raise max_chars "
                  "to see more]",
                  r.max_chars, total_chars);
    }
    if (truncated)
        sb_printf(&text,
                  "\n\n[... the response was cut at max_response_bytes (%ld bytes); the rest "
                  "was not downloaded]",
                  r.max_bytes);
    if (text.len == 0)
        sb_printf(&text, "[no content: HTTP %u, %s, %zu bytes%s]", status,
                  *ct ? ct : "no content type", got, got > 0 ? " with no visible text" : "");

    sbuf m = SBUF_INIT;
    meta_common(&m, status, final_url, ct, got, truncated || cut_chars, title, redirects);
    tool_result(text.data, text.len, 0, sb_cstr(&m));
    return 0;
}
