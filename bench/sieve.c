/* sieve: sieve of Eratosthenes over a byte array. Stresses memory loads and
 * stores in tight loops.
 *
 *   sieve.wasm [SCALE]   sieves [0, 2*10^7) SCALE times (default 1)
 *   prints "sieve ok: primes below 20000000: 1270607, sum 12272577818052 reps=SCALE"
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIMIT 20000000u
#define EXPECT_COUNT 1270607u              /* pi(2*10^7) */
#define EXPECT_SUM 12272577818052ull      /* sum of the primes below 2*10^7 */

static unsigned char composite[LIMIT];

static unsigned scale_arg(int argc, char **argv)
{
    long v = argc > 1 ? strtol(argv[1], NULL, 10) : 1;
    return v < 1 ? 1u : (unsigned)v;
}

static void sieve(uint32_t limit, uint32_t *count, uint64_t *sum)
{
    memset(composite, 0, limit);
    composite[0] = composite[1] = 1;
    for (uint32_t i = 2; (uint64_t)i * i < limit; i++) {
        if (composite[i])
            continue;
        for (uint32_t j = i * i; j < limit; j += i)
            composite[j] = 1;
    }
    uint32_t c = 0;
    uint64_t s = 0;
    for (uint32_t i = 0; i < limit; i++) {
        if (!composite[i]) {
            c++;
            s += i;
        }
    }
    *count = c;
    *sum = s;
}

int main(int argc, char **argv)
{
    unsigned reps = scale_arg(argc, argv);
    volatile uint32_t limit = LIMIT;
    uint32_t count = 0;
    uint64_t sum = 0;
    for (unsigned r = 0; r < reps; r++) {
        sieve(limit, &count, &sum);
        if (count != EXPECT_COUNT || sum != EXPECT_SUM) {
            printf("sieve FAIL: count %u sum %llu, expected %u %llu\n", count,
                   (unsigned long long)sum, EXPECT_COUNT, (unsigned long long)EXPECT_SUM);
            return 1;
        }
    }
    printf("sieve ok: primes below %u: %u, sum %llu reps=%u\n", (unsigned)LIMIT, count,
           (unsigned long long)sum, reps);
    return 0;
}
