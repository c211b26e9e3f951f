/*
 * values.c - the arguments and results of `corral run --invoke`, as text.
 *
 * Integers: decimal or 0x hex, optionally negative; an i32 accepts both the
 * signed and the unsigned range (-1 and 4294967295 are the same bits).
 * Floats: anything strtod reads in full (decimal, hex floats, inf, nan).
 * Results print one per line: integers signed, floats in the shortest form
 * that reads back to the same bits.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char *cli_valtype_name(corral_valtype t)
{
    switch (t) {
    case CORRAL_I32: return "i32";
    case CORRAL_I64: return "i64";
    case CORRAL_F32: return "f32";
    case CORRAL_F64: return "f64";
    case CORRAL_V128: return "v128";
    case CORRAL_FUNCREF: return "funcref";
    case CORRAL_EXTERNREF: return "externref";
    }
    return "?";
}

/* An integer of the given width, as its two's-complement bits. */
static int parse_int(const char *s, unsigned bits, uint64_t *out)
{
    int neg = *s == '-';
    if (neg)
        s++;
    int hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    if (hex)
        s += 2;
    if (*s == '\0')
        return 0;
    uint64_t v = 0, base = hex ? 16 : 10;
    for (; *s; s++) {
        int c = tolower((unsigned char)*s), d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (hex && c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else
            return 0;
        if (v > (UINT64_MAX - (uint64_t)d) / base)
            return 0;
        v = v * base + (uint64_t)d;
    }
    uint64_t max = bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
    if (neg ? v > (UINT64_C(1) << (bits - 1)) : v > max)
        return 0;
    *out = (neg ? (uint64_t)0 - v : v) & max;
    return 1;
}

/* A float that strtod/strtof consume entirely; finite text that overflows
 * to infinity is refused rather than silently changed. */
static int parse_float(const char *s, int is_f32, double *d, float *f)
{
    char *end;
    if (*s == '\0' || isspace((unsigned char)*s))
        return 0;
    errno = 0;
    if (is_f32)
        *f = strtof(s, &end);
    else
        *d = strtod(s, &end);
    if (*end != '\0')
        return 0;
    if (errno == ERANGE && (is_f32 ? isinf(*f) : isinf(*d)))
        return 0;
    return 1;
}

int cli_parse_val(const char *s, corral_valtype t, corral_val *v)
{
    uint64_t bits;
    double d;
    float f;
    memset(v, 0, sizeof *v);
    v->type = t;
    switch (t) {
    case CORRAL_I32:
        if (!parse_int(s, 32, &bits))
            return 0;
        v->of.i32 = (int32_t)(uint32_t)bits;
        return 1;
    case CORRAL_I64:
        if (!parse_int(s, 64, &bits))
            return 0;
        v->of.i64 = (int64_t)bits;
        return 1;
    case CORRAL_F32:
        if (!parse_float(s, 1, &d, &f))
            return 0;
        memcpy(&v->of.f32_bits, &f, 4);
        return 1;
    case CORRAL_F64:
        if (!parse_float(s, 0, &d, &f))
            return 0;
        memcpy(&v->of.f64_bits, &d, 8);
        return 1;
    default:
        return 0; /* v128 and references cannot be written on a command line */
    }
}

/* The shortest %g text of x that reads back to the same value. */
static void print_float(double x, int is_f32)
{
    char buf[64];
    if (isnan(x)) {
        puts(signbit(x) ? "-nan" : "nan");
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, x);
        if (is_f32 ? strtof(buf, NULL) == (float)x : strtod(buf, NULL) == x)
            break;
    }
    puts(buf);
}

void cli_print_val(const corral_val *v)
{
    float f;
    double d;
    switch (v->type) {
    case CORRAL_I32:
        printf("%" PRId32 "\n", v->of.i32);
        break;
    case CORRAL_I64:
        printf("%" PRId64 "\n", v->of.i64);
        break;
    case CORRAL_F32:
        memcpy(&f, &v->of.f32_bits, 4);
        print_float(f, 1);
        break;
    case CORRAL_F64:
        memcpy(&d, &v->of.f64_bits, 8);
        print_float(d, 0);
        break;
    case CORRAL_V128:
        /* One 128-bit hex number; lane 0 is the low byte. */
        fputs("0x", stdout);
        for (int i = 15; i >= 0; i--)
            printf("%02x", v->of.v128[i]);
        putchar('\n');
        break;
    case CORRAL_FUNCREF:
        puts(v->of.ref == NULL ? "ref.null func" : "ref.func");
        break;
    case CORRAL_EXTERNREF:
        puts(v->of.ref == NULL ? "ref.null extern" : "ref.extern");
        break;
    }
}
