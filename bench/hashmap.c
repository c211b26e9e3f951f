/* hashmap: a word-count style string workload on a hand-written hash map
 * (open addressing, linear probing, FNV-1a, growth by rehashing, deletion by
 * backward shift). Stresses byte loops, string compares, hashing and
 * irregular memory access.
 *
 * Each operation builds a key string from a pseudo-random id; most
 * operations count the key (insert with count 1 or increment), one in eight
 * removes it. At the end the table is walked and checked against known
 * totals.
 *
 *   hashmap.wasm [SCALE]   runs the whole workload SCALE times
 *   prints "hashmap ok: ops=1000000 keys=... total=... checksum=... reps=SCALE"
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OPS 1000000u
#define KEY_SPACE 150000u
#define ARENA_BYTES (16u << 20)   /* >= OPS * longest key (14 bytes) */

#define EXPECT_KEYS 126863u
#define EXPECT_TOTAL 423884ull
#define EXPECT_CHECKSUM 912316951567617ull

typedef struct {
    uint32_t hash;
    uint32_t off;     /* key bytes in the arena */
    uint32_t len;     /* 0: empty slot */
    uint32_t count;
} Entry;

typedef struct {
    Entry *slots;
    uint32_t cap;     /* power of two */
    uint32_t used;
} Map;

static char arena[ARENA_BYTES];
static uint32_t arena_top;

static unsigned scale_arg(int argc, char **argv)
{
    long v = argc > 1 ? strtol(argv[1], NULL, 10) : 1;
    return v < 1 ? 1u : (unsigned)v;
}

static uint32_t fnv1a(const char *s, uint32_t n)
{
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

static int map_init(Map *m, uint32_t cap)
{
    m->slots = calloc(cap, sizeof(Entry));
    m->cap = cap;
    m->used = 0;
    return m->slots != NULL;
}

static int map_grow(Map *m)
{
    Map n;
    if (!map_init(&n, m->cap * 2))
        return 0;
    for (uint32_t i = 0; i < m->cap; i++) {
        Entry *e = &m->slots[i];
        if (!e->len)
            continue;
        uint32_t j = e->hash & (n.cap - 1);
        while (n.slots[j].len)
            j = (j + 1) & (n.cap - 1);
        n.slots[j] = *e;
    }
    n.used = m->used;
    free(m->slots);
    *m = n;
    return 1;
}

/* index of the key's slot, or of the empty slot where it would go */
static uint32_t map_find(const Map *m, const char *key, uint32_t len, uint32_t h)
{
    uint32_t mask = m->cap - 1, i = h & mask;
    for (;;) {
        const Entry *e = &m->slots[i];
        if (!e->len)
            return i;
        if (e->hash == h && e->len == len && memcmp(arena + e->off, key, len) == 0)
            return i;
        i = (i + 1) & mask;
    }
}

/* add one to the key's count; returns 0 when out of memory */
static int map_count(Map *m, const char *key, uint32_t len)
{
    uint32_t h = fnv1a(key, len);
    uint32_t i = map_find(m, key, len, h);
    Entry *e = &m->slots[i];
    if (e->len) {
        e->count++;
        return 1;
    }
    if (arena_top + len > ARENA_BYTES)
        return 0;
    memcpy(arena + arena_top, key, len);
    e->hash = h;
    e->off = arena_top;
    e->len = len;
    e->count = 1;
    arena_top += len;
    m->used++;
    if (m->used * 10u > m->cap * 7u)      /* load factor 0.7 */
        return map_grow(m);
    return 1;
}

/* remove the key if present; returns its count (0 if absent) */
static uint32_t map_remove(Map *m, const char *key, uint32_t len)
{
    uint32_t mask = m->cap - 1;
    uint32_t i = map_find(m, key, len, fnv1a(key, len));
    if (!m->slots[i].len)
        return 0;
    uint32_t count = m->slots[i].count;
    /* backward-shift deletion: pull later members of the cluster into the hole */
    uint32_t j = i;
    for (;;) {
        j = (j + 1) & mask;
        Entry *e = &m->slots[j];
        if (!e->len)
            break;
        uint32_t home = e->hash & mask;
        /* e may move to the hole at i unless its home lies in (i, j] */
        if (((j - home) & mask) >= ((j - i) & mask)) {
            m->slots[i] = *e;
            i = j;
        }
    }
    m->slots[i].len = 0;
    m->used--;
    return count;
}

/* "w" + id in base 26 + "-" + the id's mix in hex: 8 to 16 bytes */
static uint32_t make_key(char *buf, uint32_t id)
{
    uint32_t n = 0;
    buf[n++] = 'w';
    uint32_t v = id;
    do {
        buf[n++] = (char)('a' + v % 26);
        v /= 26;
    } while (v);
    buf[n++] = '-';
    v = id * 2654435761u;
    v >>= id % 17;
    do {
        buf[n++] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    return n;
}

int main(int argc, char **argv)
{
    unsigned reps = scale_arg(argc, argv);
    volatile uint32_t seed = 88172645u;
    uint32_t keys = 0;
    uint64_t total = 0, checksum = 0;
    for (unsigned r = 0; r < reps; r++) {
        Map m;
        if (!map_init(&m, 1024)) {
            printf("hashmap FAIL: out of memory\n");
            return 1;
        }
        arena_top = 0;
        uint32_t x = seed;
        uint64_t counted = 0, removed = 0;
        char key[32];
        for (uint32_t op = 0; op < OPS; op++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            /* skewed ids: half the operations hit the first tenth of the space */
            uint32_t id = (x >> 8) % ((x & 1) ? KEY_SPACE : KEY_SPACE / 10);
            uint32_t len = make_key(key, id);
            if ((x & 0xe0) == 0) {
                removed += map_remove(&m, key, len);
            } else {
                if (!map_count(&m, key, len)) {
                    printf("hashmap FAIL: out of memory\n");
                    return 1;
                }
                counted++;
            }
        }
        /* walk the table; every stored key must be found by lookup again */
        keys = 0;
        total = 0;
        checksum = 0;
        for (uint32_t i = 0; i < m.cap; i++) {
            const Entry *e = &m.slots[i];
            if (!e->len)
                continue;
            if (map_find(&m, arena + e->off, e->len, e->hash) != i) {
                printf("hashmap FAIL: entry %u not found by lookup\n", i);
                return 1;
            }
            keys++;
            total += e->count;
            checksum += (uint64_t)fnv1a(arena + e->off, e->len) * e->count;
        }
        if (keys != m.used || total != counted - removed) {
            printf("hashmap FAIL: table holds %u keys and %llu counts, expected %u and %llu\n",
                   keys, (unsigned long long)total, m.used,
                   (unsigned long long)(counted - removed));
            return 1;
        }
        if (keys != EXPECT_KEYS || total != EXPECT_TOTAL || checksum != EXPECT_CHECKSUM) {
            printf("hashmap FAIL: keys %u total %llu checksum %llu, expected %u %llu %llu\n",
                   keys, (unsigned long long)total, (unsigned long long)checksum,
                   EXPECT_KEYS, (unsigned long long)EXPECT_TOTAL,
                   (unsigned long long)EXPECT_CHECKSUM);
            return 1;
        }
        free(m.slots);
    }
    printf("hashmap ok: ops=%u keys=%u total=%llu checksum=%llu reps=%u\n", OPS, keys,
           (unsigned long long)total, (unsigned long long)checksum, reps);
    return 0;
}
