/*
 * opts.c - the values of command-line flags: counts, sizes, durations.
 * Strict: no sign, no spaces, no trailing junk, no silent wrap-around.
 */
#include <ctype.h>
#include <string.h>

#include "cli.h"

/* Leading decimal digits of s into *out; returns the first other char, or
 * NULL if there are no digits or the number does not fit in 64 bits. */
static const char *digits(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    const char *p = s;
    for (; *p >= '0' && *p <= '9'; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10)
            return NULL;
        v = v * 10 + d;
    }
    if (p == s)
        return NULL;
    *out = v;
    return p;
}

int cli_parse_u64(const char *s, uint64_t *out)
{
    const char *end = digits(s, out);
    return end != NULL && *end == '\0';
}

int cli_parse_size(const char *s, uint64_t *out)
{
    uint64_t v;
    const char *end = digits(s, &v);
    if (end == NULL)
        return 0;
    unsigned shift = 0;
    switch (tolower((unsigned char)*end)) {
    case '\0': break;
    case 'k': shift = 10; break;
    case 'm': shift = 20; break;
    case 'g': shift = 30; break;
    default: return 0;
    }
    if (shift != 0 && end[1] != '\0')
        return 0;
    if (v > (UINT64_MAX >> shift))
        return 0;
    *out = v << shift;
    return 1;
}

int cli_parse_duration(const char *s, uint64_t *ms)
{
    uint64_t v;
    const char *end = digits(s, &v);
    if (end == NULL)
        return 0;
    uint64_t scale;
    if (*end == '\0' || strcmp(end, "s") == 0)
        scale = 1000;
    else if (strcmp(end, "ms") == 0)
        scale = 1;
    else if (strcmp(end, "m") == 0)
        scale = 60000;
    else
        return 0;
    if (v == 0 || v > UINT64_MAX / scale)
        return 0;
    *ms = v * scale;
    return 1;
}
