/*
 * text.h - the growing string of the corral command's messages, and
 * numbers written as people read them.
 */
#ifndef CLI_TEXT_H
#define CLI_TEXT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CLI_PRINTF(f, a)
#endif

/* A malloc'd string that grows; {0} is empty.  After a failed allocation
 * oom is set, further output is dropped and sb_str says "out of memory". */
typedef struct {
    char *p;
    size_t len, cap;
    int oom;
} sbuf;

void sb_vprintf(sbuf *b, const char *fmt, va_list ap);
void sb_printf(sbuf *b, const char *fmt, ...) CLI_PRINTF(2, 3);
void sb_add(sbuf *b, const char *s, size_t n); /* n bytes of s, as they are */
const char *sb_str(const sbuf *b);
/* Bytes as printable, valid UTF-8 text: well-formed UTF-8 kept, controls
 * and every byte of an ill-formed sequence as \xNN; at most max bytes of
 * s, from the end when tail is set. */
void sb_quote(sbuf *b, const uint8_t *s, size_t len, size_t max, int tail);
/* "30 s", "500 ms", "1.5 s" */
void sb_duration(sbuf *b, uint64_t ms);
/* "512 MiB", "64 KiB", "1000 bytes" */
void sb_size(sbuf *b, uint64_t n);

#endif
