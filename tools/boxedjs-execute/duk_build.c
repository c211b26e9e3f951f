/*
 * duk_build.c - compiles Debian's Duktape with corral's settings.
 *
 * The engine itself is not in this repository: duktape.c and duk_config.h
 * come from Debian's duktape-dev (/usr/share/duktape, on the include path
 * at build time).  duk_config.h is included first, so that the options
 * below can be changed before duktape.c sees them (its own include of
 * duk_config.h is then a no-op thanks to the include guard).
 *
 * Pre-initialisation (duk_jsexec.h): Duktape's clock can be switched off
 * while the heap is made by the initialiser, and Math.random reseeded for
 * each call.
 *
 * Map and Set: coll.c, which uses Duktape's internals, is compiled at
 * the end of this file.
 *
 * setjmp/longjmp: duk_config.h includes <setjmp.h>, which is ours (the
 * asyncify one in this directory), and uses setjmp()/longjmp() by default.
 */
#include <sys/time.h>
/* As duktape.c does before its includes: duk_config.h then also selects
 * the internal providers (dates and so on). */
#define DUK_COMPILING_DUKTAPE
#include "duk_config.h"

/* Every setjmp captures the whole stack (O(depth)), so keep native (C)
 * recursion shallow: deep nesting becomes a catchable RangeError. */
#undef DUK_USE_NATIVE_CALL_RECLIMIT
#define DUK_USE_NATIVE_CALL_RECLIMIT 30
/* C recursion inside the compiler, JSON and the regexp engine: bounded so
 * that hostile input gets a RangeError, not a wasm stack overflow. */
#undef DUK_USE_COMPILER_RECLIMIT
#define DUK_USE_COMPILER_RECLIMIT 500
#undef DUK_USE_JSON_DEC_RECLIMIT
#define DUK_USE_JSON_DEC_RECLIMIT 500
#undef DUK_USE_JSON_ENC_RECLIMIT
#define DUK_USE_JSON_ENC_RECLIMIT 500
#undef DUK_USE_REGEXP_COMPILER_RECLIMIT
#define DUK_USE_REGEXP_COMPILER_RECLIMIT 1000
#undef DUK_USE_REGEXP_EXECUTOR_RECLIMIT
#define DUK_USE_REGEXP_EXECUTOR_RECLIMIT 1000
/* Longer tracebacks in error stacks. */
#undef DUK_USE_TRACEBACK_DEPTH
#define DUK_USE_TRACEBACK_DEPTH 20

/* wasm32-wasi falls into Duktape's generic platform, whose Date.now() has
 * one-second resolution (time()); wasi-libc has gettimeofday(). */
#undef DUK_USE_DATE_NOW_TIME
#define DUK_USE_DATE_NOW_GETTIMEOFDAY
#undef DUK_USE_DATE_GET_NOW
#define DUK_USE_DATE_GET_NOW(ctx) jsx_date_now()
#include "duk_jsexec.h"
static double jsx_date_now(void);

#include "duktape.c"

/* ---- pre-initialisation (duk_jsexec.h) ------------------------------------ */

int jsx_no_clock;
double jsx_clock_offset;

static double jsx_date_now(void)
{
    return jsx_no_clock ? 0.0
                        : duk_bi_date_get_now_gettimeofday() + jsx_clock_offset;
}

void jsx_reseed(duk_context *ctx, uint64_t seed)
{
    duk_hthread *thr = (duk_hthread *)ctx;
#if !defined(DUK_USE_GET_RANDOM_DOUBLE)
#if defined(DUK_USE_PREFER_SIZE) || !defined(DUK_USE_64BIT_OPS)
    thr->heap->rnd_state = (duk_uint32_t)(seed ^ (seed >> 32));
#else
    thr->heap->rnd_state[0] = (duk_uint64_t)seed;
#endif
    duk_util_tinyrandom_prepare_seed(thr);
#else
    (void)thr;
    (void)seed;
#endif
}

/* ---- Map's and Set's hot methods (coll.h) --------------------------------
 * They read the collections' stores through Duktape's internal property
 * lookup, so they are compiled here, in Duktape's translation unit. */
#include "coll.c"
