/*
 * sjlj.c - setjmp/longjmp for wasm32-wasi with binaryen's asyncify.
 *
 * How it works.  asyncify (wasm-opt --asyncify) rewrites every function
 * that may reach asyncify_start_unwind so that it can save its locals and
 * return early (unwind), and later be re-entered and restore them (rewind).
 * Functions that call the asyncify.* imports directly (setjmp's C part and
 * longjmp here) are the "runtime": they are not instrumented and are simply
 * called again during a rewind.
 *
 *   setjmp(jb)     The first call records the caller's shadow-stack
 *                  pointer and unwinds the whole stack into a capture
 *                  region of the arena.  sjlj_run stops the unwind and at
 *                  once rewinds from that same capture (a rewind pops the
 *                  frames, outermost first, without erasing them, so a
 *                  capture can be rewound any number of times), which calls setjmp
 *                  again: this time it stops the rewind and returns 0.  The
 *                  capture stays in the arena.
 *   longjmp(jb,v)  unwinds the current stack into the free end of the arena
 *                  (the data is thrown away) and returns.  sjlj_run then
 *                  rewinds from jb's capture, so setjmp returns v.
 *
 * Arena.  Captures are kept as a stack of records, one per live jmp_buf,
 * ordered by the jmp_buf's address on the shadow stack (it grows down, so a
 * deeper frame has a lower address).  A new setjmp at address A drops every
 * record at an address <= A (its frame has returned, or it is A itself),
 * and a longjmp to A drops every record below A.  A record at a higher
 * address whose frame has returned is only reclaimed when a setjmp happens
 * at or above it; this wastes arena space but never corrupts a capture.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sjlj.h"

#ifdef SJLJ_NONE
/* The comparison build without error support (build.mk: jsexec-noerr). */
int setjmp(jmp_buf jb)
{
    (void)jb;
    return 0;
}

void sjlj_longjmp(jmp_buf jb, int val)
{
    (void)jb;
    (void)val;
    fprintf(stderr, "sjlj: longjmp in a build without error support\n");
    abort();
}

int sjlj_run(int (*fn)(void *), void *arg)
{
    return fn(arg);
}

void sjlj_get_stats(struct sjlj_stats *st)
{
    st->captures = st->jumps = st->arena_peak = st->arena_size = 0;
}

void sjlj_reset(void)
{
}
#else

#define ASYNCIFY(name) \
    __attribute__((import_module("asyncify"), import_name(name)))
ASYNCIFY("start_unwind") void asyncify_start_unwind(void *data);
ASYNCIFY("stop_unwind") void asyncify_stop_unwind(void);
ASYNCIFY("start_rewind") void asyncify_start_rewind(void *data);
ASYNCIFY("stop_rewind") void asyncify_stop_rewind(void);

/* sjlj_sp.s */
uintptr_t sjlj_get_sp(void);
void sjlj_set_sp(uintptr_t sp);
int sjlj_setjmp(struct sjlj_buf *jb, uintptr_t sp);

#ifndef SJLJ_ARENA_SIZE
#define SJLJ_ARENA_SIZE (4u << 20)
#endif
#define SJLJ_MAX_RECORDS 512

static _Alignas(16) unsigned char arena[SJLJ_ARENA_SIZE];

struct record {
    struct sjlj_buf *jb;
    uintptr_t end;          /* first byte after this capture */
};
static struct record records[SJLJ_MAX_RECORDS];
static int nrecords;

enum op { OP_NONE, OP_CAPTURE, OP_JUMP, OP_RESUME };
static enum op op;                  /* what the current unwind/rewind is for */
static struct sjlj_buf *target;     /* the jmp_buf being captured or jumped to */
static int jump_value;              /* what setjmp returns on the rewind */
static struct sjlj_buf scratch;     /* asyncify header for longjmp's unwind */
static int running;                 /* inside sjlj_run */

static unsigned long n_captures, n_jumps;
static uintptr_t arena_peak;

static void die(const char *msg)
{
    fprintf(stderr, "sjlj: %s\n", msg);
    abort();
}

static uintptr_t arena_top(void)
{
    return nrecords ? records[nrecords - 1].end : (uintptr_t)arena;
}

/* The C half of setjmp, called by the wasm-assembly setjmp with the
 * caller's stack pointer.  Its return value only matters on the rewind. */
int sjlj_setjmp(struct sjlj_buf *jb, uintptr_t sp)
{
    if (op == OP_RESUME) {
        /* Second return: the stack has been rewound to here. */
        int v = jump_value;
        asyncify_stop_rewind();
        op = OP_NONE;
        target = NULL;
        return v;
    }
    if (!running)
        die("setjmp called outside sjlj_run");
    while (nrecords > 0 && (uintptr_t)records[nrecords - 1].jb <= (uintptr_t)jb)
        nrecords--;
    if (nrecords == SJLJ_MAX_RECORDS)
        die("too many nested setjmp");
    jb->sp = sp;
    jb->start = arena_top();
    jb->cur = jb->start;
    jb->end = (uintptr_t)arena + sizeof arena;
    records[nrecords].jb = jb;
    records[nrecords].end = jb->start;
    nrecords++;
    op = OP_CAPTURE;
    target = jb;
    asyncify_start_unwind(&jb->cur);
    return 0;
}

void sjlj_longjmp(jmp_buf env, int val)
{
    struct sjlj_buf *jb = env;
    int i;

    for (i = nrecords - 1; i >= 0 && records[i].jb != jb; i--)
        ;
    if (i < 0)
        die("longjmp to a jmp_buf that is not live");
    nrecords = i + 1;
    scratch.start = records[i].end;
    scratch.cur = scratch.start;
    scratch.end = (uintptr_t)arena + sizeof arena;
    op = OP_JUMP;
    target = jb;
    jump_value = val ? val : 1;
    asyncify_start_unwind(&scratch.cur);
    /* Returns: the callers now unwind up to sjlj_run. */
}

int sjlj_run(int (*fn)(void *), void *arg)
{
    uintptr_t sp0 = sjlj_get_sp();
    int rc;

    running = 1;
    for (;;) {
        rc = fn(arg);
        if (op == OP_NONE)
            break;
        asyncify_stop_unwind();
        sjlj_set_sp(sp0);
        if (op == OP_CAPTURE) {
            /* The unwind wrote [start, cur): keep it, then resume. */
            struct sjlj_buf *jb = target;
            n_captures++;
            jb->end = jb->cur;
            records[nrecords - 1].end = jb->end;
            if (jb->end > arena_peak)
                arena_peak = jb->end;
            jump_value = 0;
        } else if (op == OP_JUMP) {
            n_jumps++;
            if (scratch.cur > arena_peak)
                arena_peak = scratch.cur;
        } else {
            die("unexpected state after an unwind");
        }
        /* asyncify pops the frames off the top of the capture. */
        target->cur = target->end;
        op = OP_RESUME;
        asyncify_start_rewind(&target->cur);
    }
    running = 0;
    return rc;
}

void sjlj_get_stats(struct sjlj_stats *st)
{
    st->captures = n_captures;
    st->jumps = n_jumps;
    st->arena_peak = arena_peak ? arena_peak - (uintptr_t)arena : 0;
    st->arena_size = sizeof arena;
}

void sjlj_reset(void)
{
    if (running)
        die("sjlj_reset called inside sjlj_run");
    if (arena_peak)
        memset(arena, 0, arena_peak - (uintptr_t)arena);
    memset(records, 0, sizeof records);
    nrecords = 0;
    n_captures = n_jumps = 0;
    arena_peak = 0;
    memset(&scratch, 0, sizeof scratch);
}
#endif
