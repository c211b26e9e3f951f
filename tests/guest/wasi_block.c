/*
 * wasi_block.c - guests that block, spin or grow, for the limit cases of
 * tests/e2e_wasi.sh.  The first argument picks the mode:
 *
 *   sleep S        sleep(S) (poll_oneoff with a relative clock)
 *   stdin          read stdin until EOF, then print how many bytes
 *   spin           loop forever (C, not wat)
 *   malloc MB      malloc 1 MiB blocks until NULL or MB of them: prints
 *                  "malloc: N MiB then NULL" or "malloc: N MiB"
 *   recurse        unbounded recursion through an indirect call (no
 *                  shadow-stack use): only the wasm stack can stop it
 *   depth N        recursion N deep, then prints "depth N ok"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int (*volatile next)(int);
static char *volatile keep; /* so that the compiler keeps each malloc */

static int down(int n)
{
    if (n == 0)
        return 0;
    return next(n - 1) + 1;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char *mode = argc > 1 ? argv[1] : "";
    if (strcmp(mode, "sleep") == 0) {
        printf("sleeping\n");
        sleep(argc > 2 ? (unsigned)atoi(argv[2]) : 100);
        printf("woke\n");
        return 0;
    }
    if (strcmp(mode, "stdin") == 0) {
        printf("reading\n");
        char buf[256];
        long total = 0;
        ssize_t n;
        while ((n = read(0, buf, sizeof buf)) > 0)
            total += n;
        printf("read %ld bytes (last %zd)\n", total, n);
        return 0;
    }
    if (strcmp(mode, "spin") == 0) {
        volatile unsigned long i = 0;
        for (;;)
            i++;
    }
    if (strcmp(mode, "malloc") == 0) {
        long max = argc > 2 ? atol(argv[2]) : 100000;
        long got = 0;
        while (got < max) {
            char *p = malloc(1 << 20);
            if (!p) {
                printf("malloc: %ld MiB then NULL\n", got);
                return 0;
            }
            p[0] = p[(1 << 20) - 1] = 1;
            keep = p;
            got++;
        }
        printf("malloc: %ld MiB\n", got);
        return 0;
    }
    if (strcmp(mode, "recurse") == 0 || strcmp(mode, "depth") == 0) {
        next = down;
        int n = mode[0] == 'r' ? -1 : (argc > 2 ? atoi(argv[2]) : 100);
        int r = next(n);
        printf("depth %d ok\n", r);
        return 0;
    }
    fprintf(stderr, "usage: wasi_block sleep|stdin|spin|malloc|recurse|depth\n");
    return 2;
}
