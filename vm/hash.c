/*
 * hash.c - the module cache's hashes.
 *
 * BLAKE2b (RFC 7693), unkeyed, for cache keys: a strong hash that plain C
 * computes at about a third of SHA-256's cost per byte, which matters
 * because a cache hit hashes the whole module.
 *
 * corral_cache_checksum, for an entry's checksum: it only has to catch an
 * entry damaged by accident (a torn or truncated write, a flipped bit);
 * what stops a forged one is the cache directory's trust rule.  So it is
 * a fast multiply-rotate hash of four 64-bit lanes over 32-byte stripes,
 * each lane avalanched and mixed with the others at the end: about one
 * instruction per byte, against a dozen for BLAKE2b.
 */
#include <string.h>

#include "hash.h"

/* ---- BLAKE2b -------------------------------------------------------------------- */

static const uint64_t IV[8] = {
    0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
    0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL,
};

static const uint8_t SIGMA[12][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
};

static uint64_t rotr64(uint64_t x, unsigned n) { return (x >> n) | (x << (64 - n)); }
static uint64_t rotl64(uint64_t x, unsigned n) { return (x << n) | (x >> (64 - n)); }

/* Little-endian loads, whatever the host's byte order. */
static inline uint64_t le64(const uint8_t *p) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t v;
    memcpy(&v, p, 8); /* one load */
    return v;
#else
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
           (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
           (uint64_t)p[7] << 56;
#endif
}

#define G(a, b, c, d, x, y)                   \
    do {                                      \
        v[a] = v[a] + v[b] + (x);             \
        v[d] = rotr64(v[d] ^ v[a], 32);       \
        v[c] = v[c] + v[d];                   \
        v[b] = rotr64(v[b] ^ v[c], 24);       \
        v[a] = v[a] + v[b] + (y);             \
        v[d] = rotr64(v[d] ^ v[a], 16);       \
        v[c] = v[c] + v[d];                   \
        v[b] = rotr64(v[b] ^ v[c], 63);       \
    } while (0)

/* The compression function F (RFC 7693, 3.2). */
static void compress(vm_blake2b *s, const uint8_t *block, int last) {
    uint64_t m[16], v[16];
    for (int i = 0; i < 16; i++) m[i] = le64(block + 8 * i);
    for (int i = 0; i < 8; i++) {
        v[i] = s->h[i];
        v[i + 8] = IV[i];
    }
    v[12] ^= s->t[0];
    v[13] ^= s->t[1];
    if (last) v[14] = ~v[14];
    /* The rounds unrolled, so that every message index is a constant and
     * v and m can live in registers. */
#define ROUND(r)                                                   \
    do {                                                           \
        G(0, 4, 8, 12, m[SIGMA[r][0]], m[SIGMA[r][1]]);            \
        G(1, 5, 9, 13, m[SIGMA[r][2]], m[SIGMA[r][3]]);            \
        G(2, 6, 10, 14, m[SIGMA[r][4]], m[SIGMA[r][5]]);           \
        G(3, 7, 11, 15, m[SIGMA[r][6]], m[SIGMA[r][7]]);           \
        G(0, 5, 10, 15, m[SIGMA[r][8]], m[SIGMA[r][9]]);           \
        G(1, 6, 11, 12, m[SIGMA[r][10]], m[SIGMA[r][11]]);         \
        G(2, 7, 8, 13, m[SIGMA[r][12]], m[SIGMA[r][13]]);          \
        G(3, 4, 9, 14, m[SIGMA[r][14]], m[SIGMA[r][15]]);          \
    } while (0)
    ROUND(0); ROUND(1); ROUND(2); ROUND(3); ROUND(4); ROUND(5);
    ROUND(6); ROUND(7); ROUND(8); ROUND(9); ROUND(10); ROUND(11);
#undef ROUND
    for (int i = 0; i < 8; i++) s->h[i] ^= v[i] ^ v[i + 8];
}

static void count(vm_blake2b *s, size_t n) {
    s->t[0] += n;
    if (s->t[0] < n) s->t[1]++;
}

void vm_blake2b_init(vm_blake2b *s, size_t outlen) {
    memcpy(s->h, IV, sizeof IV);
    s->h[0] ^= 0x01010000u ^ (uint64_t)outlen; /* depth 1, fanout 1, no key */
    s->t[0] = s->t[1] = 0;
    s->nbuf = 0;
    s->outlen = outlen;
}

/* A full buffer is compressed only when more input follows: the last
 * block must be compressed as the last. */
void vm_blake2b_update(vm_blake2b *s, const void *data, size_t len) {
    const uint8_t *p = data;
    while (len > 0) {
        if (s->nbuf == 128) {
            count(s, 128);
            compress(s, s->buf, 0);
            s->nbuf = 0;
        }
        if (s->nbuf == 0) { /* whole blocks straight from the input */
            while (len > 128) {
                count(s, 128);
                compress(s, p, 0);
                p += 128;
                len -= 128;
            }
        }
        size_t take = 128 - s->nbuf < len ? 128 - s->nbuf : len;
        memcpy(s->buf + s->nbuf, p, take);
        s->nbuf += take;
        p += take;
        len -= take;
    }
}

void vm_blake2b_final(vm_blake2b *s, uint8_t *out) {
    count(s, s->nbuf);
    memset(s->buf + s->nbuf, 0, 128 - s->nbuf);
    compress(s, s->buf, 1);
    for (size_t i = 0; i < s->outlen; i++) out[i] = (uint8_t)(s->h[i / 8] >> (8 * (i % 8)));
}

void corral_blake2b256(const void *data, size_t len, uint8_t out[32]) {
    vm_blake2b s;
    vm_blake2b_init(&s, 32);
    vm_blake2b_update(&s, data, len);
    vm_blake2b_final(&s, out);
}

/* ---- the entry checksum ----------------------------------------------------------- */

#define P1 0x9E3779B185EBCA87ULL
#define P2 0xC2B2AE3D27D4EB4FULL

static uint64_t lane_step(uint64_t lane, uint64_t w) { return rotl64(lane + w * P2, 31) * P1; }

static uint64_t avalanche(uint64_t x) {
    x ^= x >> 33;
    x *= P2;
    x ^= x >> 29;
    x *= P1;
    x ^= x >> 32;
    return x;
}

void corral_cache_checksum(const void *data, size_t len, uint8_t out[32]) {
    const uint8_t *p = data;
    uint64_t l0 = P1 + P2, l1 = P2, l2 = 0, l3 = (uint64_t)0 - P1; /* in registers */
    size_t n = len;
    for (; n >= 32; p += 32, n -= 32) {
        l0 = lane_step(l0, le64(p));
        l1 = lane_step(l1, le64(p + 8));
        l2 = lane_step(l2, le64(p + 16));
        l3 = lane_step(l3, le64(p + 24));
    }
    uint64_t l[4] = {l0, l1, l2, l3};
    /* the tail, zero-padded, then the length: "ab" and "ab\0" differ */
    uint8_t tail[32] = {0};
    memcpy(tail, p, n);
    for (int i = 0; i < 4; i++) l[i] = lane_step(l[i], le64(tail + 8 * i));
    for (int i = 0; i < 4; i++) l[i] = lane_step(l[i], (uint64_t)len + (uint64_t)i);
    uint64_t all = l[0] ^ rotl64(l[1], 7) ^ rotl64(l[2], 12) ^ rotl64(l[3], 18);
    for (int i = 0; i < 4; i++) {
        uint64_t x = avalanche(l[i] ^ all ^ (P1 * (uint64_t)(i + 1)));
        for (int b = 0; b < 8; b++) out[8 * i + b] = (uint8_t)(x >> (8 * b));
    }
}
