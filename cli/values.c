/*
 * values.c - the results of `corral run --invoke`, as text (corral_run
 * parses the arguments).  Results print one per line: integers signed,
 * floats in the shortest form that reads back to the same bits.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

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
