/*
 * buf.h - a growable byte buffer for the guest tools.
 *
 * The buffer is always NUL-terminated (data may be NULL while empty:
 * use sb_cstr).  On out-of-memory every function prints an error result
 * object on stdout and exits 1, so callers never check for failure.
 */
#ifndef TOOLS_BUF_H
#define TOOLS_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct sbuf {
    char *data;
    size_t len, cap;
} sbuf;

#define SBUF_INIT {0, 0, 0}

void sb_init(sbuf *b);
void sb_free(sbuf *b);
void sb_reset(sbuf *b);                      /* len = 0, keeps memory */
void sb_reserve(sbuf *b, size_t extra);
void sb_put(sbuf *b, const void *p, size_t n);
void sb_puts(sbuf *b, const char *s);
void sb_putc(sbuf *b, int c);
void sb_printf(sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sb_vprintf(sbuf *b, const char *fmt, va_list ap);
const char *sb_cstr(sbuf *b);                /* never NULL */
char *sb_detach(sbuf *b, size_t *len);       /* caller frees; b is reset */

/* Writes a JSON string literal (with the quotes) for ANY bytes: " \ and
 * control characters are escaped (\n \t \r \b \f, others \u00XX), and each
 * byte that is not part of valid UTF-8 becomes U+FFFD, so the output is
 * always valid JSON. */
void sb_json_str(sbuf *b, const char *s, size_t len);
void sb_json_cstr(sbuf *b, const char *s);   /* s NUL-terminated; NULL -> null */

/* Length of the longest prefix of s[0..len) that ends on a UTF-8 character
 * boundary and is at most max bytes (for cutting text without splitting a
 * character). */
size_t utf8_cut(const char *s, size_t len, size_t max);

/* Out-of-memory: prints an error result and exits 1. */
void sb_oom(void) __attribute__((noreturn));
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
