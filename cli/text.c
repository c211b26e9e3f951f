/*
 * text.c - the growing string (text.h) and the numbers of messages.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

/* Room for n more bytes and the NUL; 0 (and oom) when there is none. */
static int room(sbuf *b, size_t n)
{
    if (b->oom)
        return 0;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 128;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (p == NULL) {
            b->oom = 1;
            return 0;
        }
        b->p = p;
        b->cap = cap;
    }
    return 1;
}

void sb_vprintf(sbuf *b, const char *fmt, va_list ap)
{
    if (b->oom)
        return;
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        b->oom = 1;
        return;
    }
    if (!room(b, (size_t)n))
        return;
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void sb_add(sbuf *b, const char *s, size_t n)
{
    if (!room(b, n))
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void sb_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(b, fmt, ap);
    va_end(ap);
}

const char *sb_str(const sbuf *b)
{
    return b->oom ? "out of memory" : b->p != NULL ? b->p : "";
}

/* The length of the well-formed UTF-8 sequence of a code point above
 * U+007F at s (RFC 3629: no overlong forms, surrogates or values above
 * U+10FFFF), or 0. */
static size_t utf8_seq(const uint8_t *s, size_t n)
{
    uint8_t c = s[0];
    size_t need;
    uint8_t lo = 0x80, hi = 0xBF; /* the range of the second byte */
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
    if (n < need || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t k = 2; k < need; k++)
        if ((s[k] & 0xC0) != 0x80)
            return 0;
    return need;
}

void sb_quote(sbuf *b, const uint8_t *s, size_t len, size_t max, int tail)
{
    size_t from = 0;
    if (len > max) {
        if (tail)
            from = len - max;
        else
            len = max;
        /* do not start or end inside a UTF-8 sequence */
        if (tail)
            while (from < len && (s[from] & 0xC0) == 0x80)
                from++;
        else
            while (len > 0 && (s[len] & 0xC0) == 0x80)
                len--;
    }
    /* The result is valid UTF-8 whatever s holds, so that it can be a
     * JSON string. */
    for (size_t i = from; i < len; i++) {
        uint8_t c = s[i];
        size_t n = c >= 0x80 ? utf8_seq(s + i, len - i) : 0;
        if (n > 0) {
            sb_printf(b, "%.*s", (int)n, (const char *)s + i);
            i += n - 1;
        } else if (c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7F))
            sb_printf(b, "%c", (char)c);
        else
            sb_printf(b, "\\x%02x", c);
    }
}

void sb_duration(sbuf *b, uint64_t ms)
{
    if (ms % 1000 == 0)
        sb_printf(b, "%" PRIu64 " s", ms / 1000);
    else if (ms < 1000)
        sb_printf(b, "%" PRIu64 " ms", ms);
    else {
        char frac[8];
        snprintf(frac, sizeof frac, "%03u", (unsigned)(ms % 1000));
        for (int i = 2; i > 0 && frac[i] == '0'; i--)
            frac[i] = '\0';
        sb_printf(b, "%" PRIu64 ".%s s", ms / 1000, frac);
    }
}

void sb_size(sbuf *b, uint64_t n)
{
    static const char *const unit[] = {"GiB", "MiB", "KiB"};
    for (int i = 0; i < 3; i++) {
        unsigned shift = (unsigned)(30 - 10 * i);
        if (n >= (UINT64_C(1) << shift) && n % (UINT64_C(1) << shift) == 0) {
            sb_printf(b, "%" PRIu64 " %s", n >> shift, unit[i]);
            return;
        }
    }
    if (n >= (UINT64_C(1) << 20))
        sb_printf(b, "%.1f MiB", (double)n / (1 << 20));
    else
        sb_printf(b, "%" PRIu64 " bytes", n);
}
