/*
 * fuzz.h - what the engine's fuzz targets (fuzz_load.c, fuzz_run.c,
 * fuzz_cache.c) share: the imports every seed may ask for, a log of what
 * the guest passed to them, and the limits each run gets.
 *
 * The imports: spectest's print functions (the spec suite's modules) and
 * binaryen's "fuzzing-support" log-i32/i64/f32/f64 (modules made by
 * `wasm-opt -ttf`).  Each call appends its name and argument bits to a
 * fuzz_log, so that two runs of one module can be compared call by call.
 *
 * A violated invariant is a bug: fuzz_fail prints it and aborts, which
 * libFuzzer and the replay driver (replay.c) both report as a crash with
 * the input saved.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corral.h"

#define FUZZ_MAX_MEMORY (16u << 20) /* linear memory cap of every store */
#define FUZZ_MAX_TABLE 100000u
#define FUZZ_MAX_STACK (256u << 10)
#define FUZZ_MAX_CALLS 16  /* exports called per instance */
#define FUZZ_MAX_VALS 32   /* params / results of a called export */

__attribute__((noreturn, format(printf, 1, 2))) static inline void fuzz_fail(const char *fmt,
                                                                             ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz: invariant violated: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

/* What the guest passed to the imports, in order (bounded: a long log
 * keeps its length and a running hash of what did not fit). */
typedef struct {
    uint8_t buf[4096];
    size_t len;
    uint64_t calls, hash;
} fuzz_log;

static inline void fuzz_log_put(fuzz_log *g, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        if (g->len < sizeof g->buf)
            g->buf[g->len++] = b[i];
        g->hash = (g->hash ^ b[i]) * 0x100000001b3u;
    }
}

static inline int fuzz_log_equal(const fuzz_log *a, const fuzz_log *b)
{
    return a->len == b->len && a->calls == b->calls && a->hash == b->hash &&
           memcmp(a->buf, b->buf, a->len) == 0;
}

typedef struct {
    fuzz_log *log;
    uint8_t id;     /* which import */
    uint8_t nargs;
} fuzz_import;

static inline const char *fuzz_h_log(corral_caller *c, void *env, const uint64_t *args,
                                     uint64_t *results)
{
    (void)c;
    (void)results;
    const fuzz_import *im = env;
    im->log->calls++;
    fuzz_log_put(im->log, &im->id, 1);
    fuzz_log_put(im->log, args, 8u * im->nargs);
    return NULL;
}

/* Define the imports in l, logging to log.  The fuzz_import records live
 * in imps (at least FUZZ_NIMPORTS), which must outlive the linker. */
#define FUZZ_NIMPORTS 11
static inline void fuzz_link(corral_linker *l, fuzz_log *log, fuzz_import *imps)
{
    static const char *const fns[FUZZ_NIMPORTS][3] = {
        {"spectest", "print", ":"},           {"spectest", "print_i32", "i:"},
        {"spectest", "print_i64", "I:"},      {"spectest", "print_f32", "f:"},
        {"spectest", "print_f64", "F:"},      {"spectest", "print_i32_f32", "if:"},
        {"spectest", "print_f64_f64", "FF:"}, {"fuzzing-support", "log-i32", "i:"},
        {"fuzzing-support", "log-i64", "I:"}, {"fuzzing-support", "log-f32", "f:"},
        {"fuzzing-support", "log-f64", "F:"},
    };
    for (uint8_t i = 0; i < FUZZ_NIMPORTS; i++) {
        imps[i].log = log;
        imps[i].id = i;
        imps[i].nargs = (uint8_t)(strchr(fns[i][2], ':') - fns[i][2]);
        const char *err = corral_linker_define_func(l, fns[i][0], fns[i][1], fns[i][2],
                                                    fuzz_h_log, &imps[i]);
        if (err)
            fuzz_fail("defining %s.%s: %s", fns[i][0], fns[i][1], err);
    }
}

static inline void fuzz_limits(corral_limits *lim)
{
    corral_limits_default(lim);
    lim->max_memory_bytes = FUZZ_MAX_MEMORY;
    lim->max_table_elems = FUZZ_MAX_TABLE;
    lim->max_stack_bytes = FUZZ_MAX_STACK;
}

/* The arguments of a call: zero of each type, or, with a seed, values
 * drawn from it (splitmix64), the same for every run of one input. */
static inline uint64_t fuzz_mix(uint64_t *st)
{
    uint64_t z = (*st += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static inline void fuzz_args(const corral_valtype *types, uint32_t n, uint64_t seed,
                             corral_val *out)
{
    memset(out, 0, n * sizeof *out);
    for (uint32_t i = 0; i < n; i++) {
        out[i].type = types[i];
        if (seed == 0 || types[i] == CORRAL_FUNCREF || types[i] == CORRAL_EXTERNREF)
            continue;
        uint64_t v = fuzz_mix(&seed);
        /* small values more often than not: they hit the edges of loops */
        if (v & 1)
            v = (v >> 1) % 64 - 8;
        if (types[i] == CORRAL_I64 || types[i] == CORRAL_F64)
            out[i].of.i64 = (int64_t)v;
        else if (types[i] == CORRAL_V128)
            memcpy(out[i].of.v128, &v, sizeof v);
        else
            out[i].of.i32 = (int32_t)v;
    }
}

#endif
