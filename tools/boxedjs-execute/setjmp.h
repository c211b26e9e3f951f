/*
 * setjmp.h - setjmp/longjmp for wasm32-wasi on top of binaryen's asyncify.
 *
 * Debian's wasi-libc has no setjmp.h and WebAssembly 2.0 has no non-local
 * jump, so this header (first on the include path of boxedjs-execute)
 * supplies both, implemented in sjlj.c and sjlj_sp.s.  The module must be
 * run through `wasm-opt --asyncify` after linking, and the program must
 * enter its code through sjlj_run() (see sjlj.h).
 *
 *   setjmp(jb)      captures the whole call stack (an asyncify unwind to
 *                   sjlj_run and an immediate rewind) and returns 0.
 *   longjmp(jb, v)  starts an unwind to sjlj_run, which rewinds into the
 *                   captured stack so that setjmp returns v (1 if v == 0).
 *                   It RETURNS to its caller (the unwind is in progress):
 *                   it is deliberately not declared noreturn.
 */
#ifndef CORRAL_SJLJ_SETJMP_H
#define CORRAL_SJLJ_SETJMP_H

/* The fields are used by sjlj.c and sjlj_sp.s; sp must stay first. */
struct sjlj_buf {
    unsigned long sp;      /* __stack_pointer of setjmp's caller      */
    unsigned long cur;     /* asyncify data header: current position  */
    unsigned long end;     /*                       end of the buffer */
    unsigned long start;   /* the capture: [start, end) in the arena  */
};
typedef struct sjlj_buf jmp_buf[1];

#ifdef SJLJ_NONE
/* Comparison build without error support: setjmp returns 0, longjmp
 * aborts (see build.mk, jsexec-noerr). */
#endif
int setjmp(jmp_buf jb) __attribute__((returns_twice));
/* Not called longjmp: clang knows that one as a noreturn builtin. */
void sjlj_longjmp(jmp_buf jb, int val);

#define longjmp(jb, v) sjlj_longjmp((jb), (v))
#define _setjmp(jb) setjmp(jb)
#define _longjmp(jb, v) sjlj_longjmp((jb), (v))

#endif
