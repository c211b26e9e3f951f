/*
 * hello.c - the demo guest: greets argv[1], then times a small computation
 * (the primes below 100000, by a sieve) with the WASI monotonic clock.
 *
 *   corral run --stats build/wasm/tests/hello.wasm corral
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#define LIMIT 100000

static unsigned char composite[LIMIT];

int main(int argc, char **argv)
{
    const char *who = argc > 1 ? argv[1] : "world";
    printf("Hello, %s! (%d argument%s)\n", who, argc - 1, argc == 2 ? "" : "s");

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    unsigned count = 0;
    unsigned long long sum = 0;
    memset(composite, 0, sizeof composite);
    for (unsigned i = 2; i < LIMIT; i++) {
        if (composite[i])
            continue;
        count++;
        sum += i;
        for (unsigned j = i * 2; j < LIMIT; j += i)
            composite[j] = 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    printf("%u primes below %d, summing to %llu (sieved in %.2f ms)\n", count, LIMIT, sum, ms);
    return 0;
}
