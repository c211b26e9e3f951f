/* fib: naive doubly-recursive Fibonacci. Stresses calls and returns.
 *
 *   fib.wasm [SCALE]   computes fib(37) SCALE times (default 1)
 *   prints "fib ok: fib(37)=24157817 reps=SCALE"
 */
#include <stdio.h>
#include <stdlib.h>

#define FIB_N 37
#define FIB_EXPECT 24157817u

static unsigned scale_arg(int argc, char **argv)
{
    long v = argc > 1 ? strtol(argv[1], NULL, 10) : 1;
    return v < 1 ? 1u : (unsigned)v;
}

__attribute__((noinline)) static unsigned fib(unsigned n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int main(int argc, char **argv)
{
    unsigned reps = scale_arg(argc, argv);
    /* volatile: keep the compiler from hoisting the pure call out of the loop */
    volatile unsigned n = FIB_N;
    unsigned r = 0;
    for (unsigned i = 0; i < reps; i++) {
        r = fib(n);
        if (r != FIB_EXPECT) {
            printf("fib FAIL: fib(%u)=%u, expected %u\n", (unsigned)FIB_N, r, FIB_EXPECT);
            return 1;
        }
    }
    printf("fib ok: fib(%u)=%u reps=%u\n", (unsigned)FIB_N, r, reps);
    return 0;
}
