/* sort: sorts 1M pseudo-random 32-bit integers with a hand-written quicksort
 * (median of three, Hoare partition, insertion sort for short runs,
 * recursion on the smaller side), and checks that the output is sorted, is a
 * permutation of the input (sum and xor), and matches a known hash.
 * Stresses compares, branches, memory traffic and recursion.
 *
 *   sort.wasm [SCALE]   sorts SCALE times
 *   prints "sort ok: n=1048576 min=... max=... checksum=... reps=SCALE"
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define N (1u << 20)
#define EXPECT_SUM 13917329373145370462ull       /* position-weighted hash of the sorted array */

static int32_t a[N];

static unsigned scale_arg(int argc, char **argv)
{
    long v = argc > 1 ? strtol(argv[1], NULL, 10) : 1;
    return v < 1 ? 1u : (unsigned)v;
}

static void insertion(int32_t *v, int n)
{
    for (int i = 1; i < n; i++) {
        int32_t x = v[i];
        int j = i - 1;
        while (j >= 0 && v[j] > x) {
            v[j + 1] = v[j];
            j--;
        }
        v[j + 1] = x;
    }
}

static void swap(int32_t *x, int32_t *y)
{
    int32_t t = *x;
    *x = *y;
    *y = t;
}

static void quicksort(int32_t *v, int n)
{
    while (n > 16) {
        int mid = n / 2;
        /* median of three into v[mid] */
        if (v[mid] < v[0])
            swap(&v[mid], &v[0]);
        if (v[n - 1] < v[0])
            swap(&v[n - 1], &v[0]);
        if (v[n - 1] < v[mid])
            swap(&v[n - 1], &v[mid]);
        int32_t pivot = v[mid];
        int i = 0, j = n - 1;
        for (;;) {                       /* Hoare partition */
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i >= j)
                break;
            swap(&v[i], &v[j]);
            i++;
            j--;
        }
        /* [0, j] <= pivot <= [j+1, n) ; recurse on the smaller part */
        int left = j + 1, right = n - left;
        if (left < right) {
            quicksort(v, left);
            v += left;
            n = right;
        } else {
            quicksort(v + left, right);
            n = left;
        }
    }
    insertion(v, n);
}

int main(int argc, char **argv)
{
    unsigned reps = scale_arg(argc, argv);
    volatile uint32_t seed = 2463534242u;
    uint64_t hash = 0;
    for (unsigned r = 0; r < reps; r++) {
        uint32_t x = seed;              /* xorshift32 */
        uint64_t in_sum = 0;
        uint32_t in_xor = 0;
        for (uint32_t i = 0; i < N; i++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            /* a narrow range for part of the input, so there are duplicates */
            int32_t v = (i & 3) ? (int32_t)x : (int32_t)(x % 1000u) - 500;
            a[i] = v;
            in_sum += (uint64_t)(int64_t)v;
            in_xor ^= (uint32_t)v;
        }
        quicksort(a, (int)N);

        uint64_t out_sum = 0;
        uint32_t out_xor = 0;
        hash = 0;
        for (uint32_t i = 0; i < N; i++) {
            if (i && a[i - 1] > a[i]) {
                printf("sort FAIL: quicksort output not sorted at %u\n", i);
                return 1;
            }
            out_sum += (uint64_t)(int64_t)a[i];
            out_xor ^= (uint32_t)a[i];
            hash = hash * 0x100000001b3ull + (uint32_t)a[i];
        }
        if (out_sum != in_sum || out_xor != in_xor) {
            printf("sort FAIL: output is not a permutation of the input\n");
            return 1;
        }
        if (hash != EXPECT_SUM) {
            printf("sort FAIL: checksum %llu, expected %llu\n", (unsigned long long)hash,
                   (unsigned long long)EXPECT_SUM);
            return 1;
        }
    }
    printf("sort ok: n=%u min=%d max=%d checksum=%llu reps=%u\n", N, (int)a[0], (int)a[N - 1],
           (unsigned long long)hash, reps);
    return 0;
}
