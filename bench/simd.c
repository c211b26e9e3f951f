/* simd: integer image kernels on a 512x512 picture in planar 8-bit R, G,
 * B: luma, a saturating brightness lift, an alpha blend of two frames, a
 * [1 2 1] blur in both directions, and the sum of absolute differences
 * between the frames.  Every loop is straight lane-wise work over bytes
 * and 16-bit values, which clang vectorises with -msimd128 (u8 -> u16
 * widening, multiplies, saturating adds, shifts, narrowing); the Makefile
 * builds this file twice, as simd.wasm without SIMD and as
 * simd-v128.wasm with it, and bench/run.sh compares the two.  Only
 * integers: both builds print the same line, checked bit for bit.
 *
 *   simd.wasm [SCALE]   runs the kernels 12 times, SCALE times over
 *   prints "simd ok: 512x512 luma=... blend=... blur=... sad=... reps=SCALE"
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define W 512
#define H 512
#define NPIX (W * H)
#define ROUNDS 12

#define EXPECT_LUMA 0x39b71eb22177070eull
#define EXPECT_BLEND 0xd936a5c0a6a8d58cull
#define EXPECT_BLUR 0xa9daae02ce502df7ull
#define EXPECT_SAD 0x00e4e84a8587698bull

static uint8_t R[NPIX], G[NPIX], B[NPIX], A2[NPIX], ALPHA[NPIX];
static uint8_t Y[NPIX], LIFT[NPIX], MIX[NPIX], TMP[NPIX], BLUR[NPIX];
static uint16_t ROW[W];

static unsigned scale_arg(int argc, char **argv)
{
    long v = argc > 1 ? strtol(argv[1], NULL, 10) : 1;
    return v < 1 ? 1u : (unsigned)v;
}

/* A deterministic picture: smooth gradients plus xorshift noise. */
static void init(uint32_t seed)
{
    uint32_t x = seed;
    for (int i = 0; i < NPIX; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        int r = i / W, c = i % W;
        R[i] = (uint8_t)((r + c) / 4 + (x & 31));
        G[i] = (uint8_t)(c / 2 + ((x >> 5) & 63));
        B[i] = (uint8_t)(r / 2 + ((x >> 11) & 15));
        A2[i] = (uint8_t)(x >> 19);
        ALPHA[i] = (uint8_t)((c * 255) / (W - 1));
    }
}

/* Y = (77 R + 150 G + 29 B + 128) >> 8, the BT.601 weights in 8 bits. */
static void luma(void)
{
    for (int i = 0; i < NPIX; i++)
        Y[i] = (uint8_t)((77u * R[i] + 150u * G[i] + 29u * B[i] + 128u) >> 8);
}

/* LIFT = min(Y + k, 255): an unsigned saturating add. */
static void lift(uint8_t k)
{
    for (int i = 0; i < NPIX; i++) {
        unsigned v = Y[i] + k;
        LIFT[i] = (uint8_t)(v > 255 ? 255 : v);
    }
}

/* MIX = (LIFT a + A2 (255 - a)) / 255, rounded, with the exact
 * shift-and-add form of the division by 255 for x < 65536. */
static void blend(void)
{
    for (int i = 0; i < NPIX; i++) {
        unsigned a = ALPHA[i];
        unsigned x = LIFT[i] * a + A2[i] * (255u - a) + 128u;
        MIX[i] = (uint8_t)((x + (x >> 8)) >> 8);
    }
}

/* [1 2 1] / 4 across each row, then down each column (edges clamped). */
static void blur(void)
{
    for (int r = 0; r < H; r++) {
        const uint8_t *p = MIX + r * W;
        uint8_t *q = TMP + r * W;
        q[0] = (uint8_t)((3u * p[0] + p[1] + 2u) >> 2);
        for (int c = 1; c < W - 1; c++)
            q[c] = (uint8_t)((p[c - 1] + 2u * p[c] + p[c + 1] + 2u) >> 2);
        q[W - 1] = (uint8_t)((p[W - 2] + 3u * p[W - 1] + 2u) >> 2);
    }
    for (int r = 0; r < H; r++) {
        const uint8_t *up = TMP + (r > 0 ? r - 1 : 0) * W;
        const uint8_t *mid = TMP + r * W;
        const uint8_t *down = TMP + (r < H - 1 ? r + 1 : H - 1) * W;
        for (int c = 0; c < W; c++)
            ROW[c] = (uint16_t)(up[c] + 2u * mid[c] + down[c] + 2u);
        for (int c = 0; c < W; c++)
            BLUR[r * W + c] = (uint8_t)(ROW[c] >> 2);
    }
}

/* Sum over the picture of |a - b|, and a weighted sum (weights 1..16). */
static uint64_t sad(const uint8_t *a, const uint8_t *b)
{
    uint32_t s = 0;
    for (int i = 0; i < NPIX; i++)
        s += (uint32_t)(a[i] > b[i] ? a[i] - b[i] : b[i] - a[i]);
    return s;
}

static uint64_t weighted(const uint8_t *p)
{
    uint64_t total = 0;
    for (int r = 0; r < H; r++) {
        uint32_t s = 0;
        for (int c = 0; c < W; c++)
            s += (uint32_t)p[r * W + c] * (uint32_t)((c & 15) + 1);
        total = total * 31u + s;
    }
    return total;
}

int main(int argc, char **argv)
{
    unsigned reps = scale_arg(argc, argv);
    volatile uint32_t seed = 2463534242u;
    uint64_t sum_luma = 0, sum_blend = 0, sum_blur = 0, sum_sad = 0;
    for (unsigned rep = 0; rep < reps; rep++) {
        init(seed);
        sum_luma = sum_blend = sum_blur = sum_sad = 0;
        for (int k = 0; k < ROUNDS; k++) {
            luma();
            lift((uint8_t)(16 * k + 7));
            blend();
            blur();
            sum_luma = sum_luma * 7u + weighted(Y);
            sum_blend = sum_blend * 7u + weighted(MIX);
            sum_blur = sum_blur * 7u + weighted(BLUR);
            sum_sad = sum_sad * 7u + sad(MIX, BLUR) + sad(LIFT, A2);
            /* feed the result back so that each round differs */
            for (int i = 0; i < NPIX; i++)
                R[i] = (uint8_t)(R[i] ^ BLUR[i]);
        }
        if (sum_luma != EXPECT_LUMA || sum_blend != EXPECT_BLEND || sum_blur != EXPECT_BLUR ||
            sum_sad != EXPECT_SAD) {
            printf("simd FAIL: luma=%016llx blend=%016llx blur=%016llx sad=%016llx\n",
                   (unsigned long long)sum_luma, (unsigned long long)sum_blend,
                   (unsigned long long)sum_blur, (unsigned long long)sum_sad);
            return 1;
        }
    }
    printf("simd ok: %dx%d luma=%016llx blend=%016llx blur=%016llx sad=%016llx reps=%u\n", W, H,
           (unsigned long long)sum_luma, (unsigned long long)sum_blend,
           (unsigned long long)sum_blur, (unsigned long long)sum_sad, reps);
    return 0;
}
