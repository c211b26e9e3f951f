/*
 * duk_jsexec.h - what duk_build.c adds to Duktape for jsexec's
 * pre-initialisation (main.c: wizer.initialize).
 */
#ifndef JSEXEC_DUK_JSEXEC_H
#define JSEXEC_DUK_JSEXEC_H

#include <stdint.h>

#include "duktape.h"

/* While set, Duktape's clock reads 0 instead of the time: the initialiser
 * must not read a clock (corral snapshot refuses it), and the only reading
 * during heap creation is the seed of Math.random. */
extern int jsx_no_clock;

/* Milliseconds added to Duktape's clock: the virtual time of the event
 * loop (prelude/25-timers.js), so that Date.now() sees timers' delays. */
extern double jsx_clock_offset;

/* Seed Math.random's generator of ctx's heap with seed (as Duktape seeds
 * it from the clock when it makes the heap). */
void jsx_reseed(duk_context *ctx, uint64_t seed);

#endif
