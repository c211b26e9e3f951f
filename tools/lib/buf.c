/*
 * buf.c - growable byte buffer and JSON string escaping (see buf.h).
 */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void sb_oom(void)
{
    static const char msg[] =
        "{\"content\": \"Error: the tool ran out of memory (the sandbox's memory cap was reached)\", "
        "\"is_error\": true, \"metadata\": {}}\n";
    fflush(stdout);
    (void)!write(1, msg, sizeof msg - 1);
    _exit(1);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        sb_oom();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        sb_oom();
    return q;
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

void sb_init(sbuf *b) { b->data = NULL; b->len = b->cap = 0; }

void sb_free(sbuf *b)
{
    free(b->data);
    sb_init(b);
}

void sb_reset(sbuf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = 0;
}

void sb_reserve(sbuf *b, size_t extra)
{
    if (extra > (size_t)-1 - b->len - 1)
        sb_oom();
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) {
        if (cap > (size_t)-1 / 2) {
            cap = need;
            break;
        }
        cap *= 2;
    }
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
}

void sb_put(sbuf *b, const void *p, size_t n)
{
    sb_reserve(b, n);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
}

void sb_puts(sbuf *b, const char *s) { sb_put(b, s, strlen(s)); }

void sb_putc(sbuf *b, int c)
{
    sb_reserve(b, 1);
    b->data[b->len++] = (char)c;
    b->data[b->len] = 0;
}

void sb_vprintf(sbuf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    char tmp[256];
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return;
    if ((size_t)n < sizeof tmp) {
        sb_put(b, tmp, (size_t)n);
        return;
    }
    sb_reserve(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void sb_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(b, fmt, ap);
    va_end(ap);
}

const char *sb_cstr(sbuf *b) { return b->data ? b->data : ""; }

char *sb_detach(sbuf *b, size_t *len)
{
    if (!b->data)
        sb_reserve(b, 0), b->data[0] = 0;
    char *p = b->data;
    if (len)
        *len = b->len;
    sb_init(b);
    return p;
}

/* Length of the valid UTF-8 sequence starting at s (1..4), or 0 if the
 * bytes there are not valid UTF-8 (overlong forms, surrogates and code
 * points above U+10FFFF are invalid). */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t need;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        need = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (n < need)
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < need; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return need;
}

size_t utf8_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t i = max;
    /* back up over continuation bytes to a character start */
    while (i > 0 && i > max - 4 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    if (((unsigned char)s[i] & 0xC0) == 0x80)
        return max; /* not UTF-8 text anyway */
    return i;
}

void sb_json_str(sbuf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    sb_reserve(b, len + 2);
    sb_putc(b, '"');
    size_t i = 0;
    while (i < len) {
        /* copy a run of plain printable ASCII in one go */
        size_t j = i;
        while (j < len && p[j] >= 0x20 && p[j] < 0x80 && p[j] != '"' &&
               p[j] != '\\')
            j++;
        if (j > i) {
            sb_put(b, p + i, j - i);
            i = j;
            continue;
        }
        unsigned c = p[i];
        if (c < 0x80) {
            switch (c) {
            case '"': sb_put(b, "\\\"", 2); break;
            case '\\': sb_put(b, "\\\\", 2); break;
            case '\n': sb_put(b, "\\n", 2); break;
            case '\t': sb_put(b, "\\t", 2); break;
            case '\r': sb_put(b, "\\r", 2); break;
            case '\b': sb_put(b, "\\b", 2); break;
            case '\f': sb_put(b, "\\f", 2); break;
            default: {
                char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                sb_put(b, e, 6);
            }
            }
            i++;
            continue;
        }
        size_t n = utf8_seq(p + i, len - i);
        if (n == 0) {
            sb_put(b, "\xEF\xBF\xBD", 3);
            i++;
        } else {
            sb_put(b, p + i, n);
            i += n;
        }
    }
    sb_putc(b, '"');
}

void sb_json_cstr(sbuf *b, const char *s)
{
    if (!s)
        sb_puts(b, "null");
    else
        sb_json_str(b, s, strlen(s));
}
