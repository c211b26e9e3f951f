/*
 * url.c - web-fetch's URL helpers: reference resolution (RFC 3986 section
 * 5.2) and origin comparison.  See html.h.
 */
#include <stdlib.h>
#include <string.h>

#include "html.h"

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_digit(int c) { return c >= '0' && c <= '9'; }

/* Length of the scheme of s (without the ':'), or 0 when s has none. */
static size_t scheme_len(const char *s, size_t n)
{
    if (n == 0 || !is_alpha((unsigned char)s[0]))
        return 0;
    size_t i = 1;
    while (i < n && (is_alpha((unsigned char)s[i]) || is_digit((unsigned char)s[i]) ||
                     s[i] == '+' || s[i] == '-' || s[i] == '.'))
        i++;
    return i < n && s[i] == ':' ? i : 0;
}

typedef struct {
    const char *scheme, *auth, *path, *query; /* not NUL-terminated */
    size_t scheme_n, auth_n, path_n, query_n; /* query includes the '?' */
    int has_auth;
} parts;

/* Splits an absolute URL; 0 when it has no scheme. */
static int split(const char *u, parts *p)
{
    size_t n = strlen(u), i;
    memset(p, 0, sizeof *p);
    p->scheme_n = scheme_len(u, n);
    if (p->scheme_n == 0)
        return 0;
    p->scheme = u;
    i = p->scheme_n + 1;
    if (i + 1 < n + 1 && u[i] == '/' && i + 1 < n && u[i + 1] == '/') {
        p->has_auth = 1;
        i += 2;
        p->auth = u + i;
        while (i < n && u[i] != '/' && u[i] != '?' && u[i] != '#')
            i++;
        p->auth_n = (size_t)(u + i - p->auth);
    }
    p->path = u + i;
    while (i < n && u[i] != '?' && u[i] != '#')
        i++;
    p->path_n = (size_t)(u + i - p->path);
    if (i < n && u[i] == '?') {
        p->query = u + i;
        while (i < n && u[i] != '#')
            i++;
        p->query_n = (size_t)(u + i - p->query);
    }
    return 1;
}

/* 1 for a "." segment, 2 for "..", 0 otherwise ("%2e" counts as a dot). */
static int seg_dots(const char *s, size_t n)
{
    int count = 0;
    size_t i = 0;
    while (i < n) {
        if (s[i] == '.') {
            i++;
        } else if (i + 3 <= n && s[i] == '%' && s[i + 1] == '2' && lower((unsigned char)s[i + 2]) == 'e') {
            i += 3;
        } else {
            return 0;
        }
        if (++count > 2)
            return 0;
    }
    return count;
}

/* Appends path with "." and ".." segments removed (RFC 3986 5.2.4). */
static void put_path(sbuf *b, const char *path, size_t n)
{
    size_t start = b->len, i = 0;
    int absolute = n > 0 && path[0] == '/';
    if (absolute)
        i = 1;
    if (absolute)
        sb_putc(b, '/');
    size_t base = b->len; /* nothing before this is ever removed */
    while (i <= n) {
        size_t j = i;
        while (j < n && path[j] != '/')
            j++;
        const char *seg = path + i;
        size_t sl = j - i;
        int last = j >= n;
        int dots = seg_dots(seg, sl), dot = dots == 1, dotdot = dots == 2;
        if (dotdot) {
            /* drop the last segment written (and its slash) */
            if (b->len > base) {
                size_t k = b->len - 1; /* the '/' after the last segment */
                while (k > base && b->data[k - 1] != '/')
                    k--;
                b->len = k;
                b->data[k] = '\0';
            }
        } else if (!dot) {
            sb_put(b, seg, sl);
            if (!last)
                sb_putc(b, '/');
        }
        if (last)
            break;
        i = j + 1;
    }
    (void)start;
}

char *url_resolve(const char *base, const char *ref_in, size_t ref_len)
{
    /* Clean the reference: no tabs or newlines, no surrounding spaces. */
    sbuf r = SBUF_INIT, out = SBUF_INIT;
    for (size_t i = 0; i < ref_len; i++)
        if (ref_in[i] != '\t' && ref_in[i] != '\n' && ref_in[i] != '\r')
            sb_putc(&r, ref_in[i]);
    const char *ref = sb_cstr(&r);
    size_t n = r.len;
    while (n > 0 && (unsigned char)ref[0] <= ' ') {
        ref++;
        n--;
    }
    while (n > 0 && (unsigned char)ref[n - 1] <= ' ')
        n--;

    parts b;
    if (base == NULL || !split(base, &b) || scheme_len(ref, n) > 0) {
        sb_put(&out, ref, n);
        sb_free(&r);
        return sb_detach(&out, NULL);
    }
    /* The reference's own parts. */
    size_t rp = 0;
    while (rp < n && ref[rp] != '?' && ref[rp] != '#')
        rp++;
    const char *suffix = ref + rp; /* "?query#frag", "#frag" or "" */
    size_t suffix_n = n - rp;

    sb_put(&out, b.scheme, b.scheme_n);
    sb_putc(&out, ':');
    if (n >= 2 && ref[0] == '/' && ref[1] == '/') {
        /* network-path reference: scheme of the base, the rest of ref */
        size_t a = 2;
        while (a < n && ref[a] != '/' && ref[a] != '?' && ref[a] != '#')
            a++;
        sb_put(&out, ref, a);
        size_t pe = a;
        while (pe < n && ref[pe] != '?' && ref[pe] != '#')
            pe++;
        put_path(&out, ref + a, pe - a);
        sb_put(&out, ref + pe, n - pe);
        sb_free(&r);
        return sb_detach(&out, NULL);
    }
    if (b.has_auth) {
        sb_puts(&out, "//");
        sb_put(&out, b.auth, b.auth_n);
    }
    if (rp == 0) {
        /* "", "?q" or "#f": the base path (and query unless ref has one) */
        sb_put(&out, b.path, b.path_n);
        if (b.has_auth && b.path_n == 0)
            sb_putc(&out, '/');
        if (n == 0 || ref[0] == '#')
            sb_put(&out, b.query, b.query_n);
        sb_put(&out, suffix, suffix_n);
    } else if (ref[0] == '/') {
        put_path(&out, ref, rp);
        sb_put(&out, suffix, suffix_n);
    } else {
        sbuf m = SBUF_INIT;
        if (b.has_auth && b.path_n == 0) {
            sb_putc(&m, '/');
        } else {
            size_t k = b.path_n;
            while (k > 0 && b.path[k - 1] != '/')
                k--;
            sb_put(&m, b.path, k);
        }
        sb_put(&m, ref, rp);
        put_path(&out, m.data, m.len);
        sb_free(&m);
        sb_put(&out, suffix, suffix_n);
    }
    sb_free(&r);
    return sb_detach(&out, NULL);
}

/* "scheme://host:port" in lower case with the default port filled in. */
static void origin(const char *u, sbuf *o)
{
    parts p;
    if (!split(u, &p) || !p.has_auth) {
        sb_puts(o, u);
        return;
    }
    for (size_t i = 0; i < p.scheme_n; i++)
        sb_putc(o, lower((unsigned char)p.scheme[i]));
    sb_puts(o, "://");
    const char *a = p.auth;
    size_t an = p.auth_n;
    const char *at = memchr(a, '@', an);
    if (at != NULL) {
        an -= (size_t)(at + 1 - a);
        a = at + 1;
    }
    size_t hn = an;
    /* the port starts at the last ':' that is not inside [...] */
    for (size_t i = an; i > 0; i--) {
        if (a[i - 1] == ']')
            break;
        if (a[i - 1] == ':') {
            hn = i - 1;
            break;
        }
    }
    for (size_t i = 0; i < hn; i++)
        sb_putc(o, lower((unsigned char)a[i]));
    while (hn > 0 && o->len > 0 && o->data[o->len - 1] == '.') /* trailing dot */
        o->data[--o->len] = '\0';
    sb_putc(o, ':');
    if (hn < an && an - hn > 1) {
        sb_put(o, a + hn + 1, an - hn - 1);
    } else if (p.scheme_n == 5 && lower((unsigned char)p.scheme[4]) == 's') {
        sb_puts(o, "443");
    } else {
        sb_puts(o, "80");
    }
}

int url_same_origin(const char *a, const char *b)
{
    sbuf x = SBUF_INIT, y = SBUF_INIT;
    origin(a, &x);
    origin(b, &y);
    int same = strcmp(sb_cstr(&x), sb_cstr(&y)) == 0;
    sb_free(&x);
    sb_free(&y);
    return same;
}
