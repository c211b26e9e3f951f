/*
 * sjlj.h - the driver of the asyncify setjmp/longjmp (setjmp.h, sjlj.c).
 *
 * Every setjmp and longjmp unwinds the wasm stack up to sjlj_run() and
 * rewinds it, so all code that may call them must run below sjlj_run:
 *
 *     int rc = sjlj_run(real_main, &ctx);
 *
 * sjlj_run itself must not be instrumented: wasm-opt is given
 * --pass-arg=asyncify-removelist@sjlj_run.
 */
#ifndef CORRAL_SJLJ_H
#define CORRAL_SJLJ_H

#include <stddef.h>

int sjlj_run(int (*fn)(void *), void *arg);

/* Statistics: captures taken, jumps made, arena bytes in use at most. */
struct sjlj_stats {
    unsigned long captures, jumps, arena_peak, arena_size;
};
void sjlj_get_stats(struct sjlj_stats *st);

/* After sjlj_run has returned (no jmp_buf is live then): forget every
 * capture, zero the arena bytes they used and the statistics.  An
 * initialiser calls it so that its snapshot carries none of them. */
void sjlj_reset(void);

#endif
