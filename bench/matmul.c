/* matmul: dense double-precision matrix multiply, C = A * B, N x N, with the
 * i-k-j loop order. Stresses f64 loads, multiply-adds and address arithmetic.
 * The inputs are small integers, so every product and sum is exact and the
 * result can be checked bit for bit.
 *
 *   matmul.wasm [SCALE]   computes (A*B)*B for 300x300 matrices, SCALE times
 *   prints "matmul ok: n=300 trace=... checksum=... reps=SCALE"
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define N 300
#define EXPECT_TRACE 140854.0
#define EXPECT_SUM 5104867018375876986ull

static double A[N][N], B[N][N], C[N][N];

static unsigned scale_arg(int argc, char **argv)
{
    long v = argc > 1 ? strtol(argv[1], NULL, 10) : 1;
    return v < 1 ? 1u : (unsigned)v;
}

static void init(unsigned seed)
{
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            A[i][j] = (double)((int)((i * 31u + j * 17u + seed) % 19u) - 9);
            B[i][j] = (double)((int)((i * 13u + j * 7u + seed * 3u) % 23u) - 11);
        }
}

static void multiply(void)
{
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++)
            C[i][j] = 0.0;
        for (int k = 0; k < N; k++) {
            double a = A[i][k];
            for (int j = 0; j < N; j++)
                C[i][j] += a * B[k][j];
        }
    }
}

/* trace, and a position-weighted sum of all entries (entries are integers) */
static void summarize(double *trace, uint64_t *sum)
{
    double t = 0.0;
    uint64_t s = 0;
    for (int i = 0; i < N; i++) {
        t += C[i][i];
        for (int j = 0; j < N; j++)
            s = s * 1000003u + (uint64_t)(int64_t)C[i][j];
    }
    *trace = t;
    *sum = s;
}

int main(int argc, char **argv)
{
    unsigned reps = scale_arg(argc, argv);
    volatile unsigned seed = 5;
    double trace2 = 0.0;
    uint64_t sum2 = 0;
    for (unsigned r = 0; r < reps; r++) {
        /* C = A*B; then multiply the product by B again: C' = (A*B)*B */
        init(seed);
        multiply();
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++)
                A[i][j] = C[i][j];
        multiply();
        summarize(&trace2, &sum2);
        if (trace2 != EXPECT_TRACE || sum2 != EXPECT_SUM) {
            printf("matmul FAIL: trace %.1f checksum %llu, expected %.1f %llu\n",
                   trace2, (unsigned long long)sum2, EXPECT_TRACE,
                   (unsigned long long)EXPECT_SUM);
            return 1;
        }
    }
    printf("matmul ok: n=%d trace=%.1f checksum=%llu reps=%u\n", N, trace2,
           (unsigned long long)sum2, reps);
    return 0;
}
