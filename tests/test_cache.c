/*
 * test_cache.c - the module cache's pure parts: BLAKE2b against known
 * values, the entry checksum's sensitivity, the key, and entries (corral_module_serialize /
 * corral_module_deserialize): a round trip gives the same lowered code and
 * the same results, and a truncated, flipped or foreign entry is refused,
 * and one edited with its checksum made right is refused or loads
 * without the loader going out of bounds.
 * The files (wasi/cache.c) are tested end to end by tests/e2e_cache.sh.
 */
#include "test_wasm.h"

static void hex_of(const uint8_t *d, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", d[i]);
}

static void assert_blake(const void *data, size_t len, const char *want)
{
    uint8_t h[32];
    char got[65];
    corral_blake2b256(data, len, h);
    hex_of(h, 32, got);
    assert_string_equal(got, want);
}

/* BLAKE2b-256 (RFC 7693; the values of Python's hashlib.blake2b with
 * digest_size=32), around the 128-byte block boundary too. */
static void test_blake2b_vectors(void **state)
{
    (void)state;
    assert_blake("", 0, "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
    assert_blake("abc", 3, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
    char *a = malloc(1000000);
    assert_non_null(a);
    memset(a, 'a', 1000000);
    assert_blake(a, 127, "59e2f1aba240f20aa591016f5ef429990bc9c2131dcd0d30f0ffd75ed18f317d");
    assert_blake(a, 128, "ae2aa48507885c4c950fb809b2076f959cde9f8ea6da260d9a3587df33dac450");
    assert_blake(a, 129, "2f64744a6de0d2c0b56e64cf6e29a5aaa255010d415d51c75ccc82f73dccd865");
    assert_blake(a, 1000000, "0741850f36cba4259628355d1073e24ddb9ca0e1bfac36fd39ae5dc2101e23a4");
    free(a);
}

/* The checksum sees every byte and the length: one flipped bit anywhere,
 * or one byte more or less, changes it. */
static void test_checksum_sensitivity(void **state)
{
    (void)state;
    uint8_t buf[300], h0[32], h1[32];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)(i * 7 + 3);
    for (size_t len = 0; len <= sizeof buf; len += 37) {
        corral_cache_checksum(buf, len, h0);
        for (size_t i = 0; i < len; i++)
            for (int bit = 0; bit < 8; bit++) {
                buf[i] ^= (uint8_t)(1u << bit);
                corral_cache_checksum(buf, len, h1);
                buf[i] ^= (uint8_t)(1u << bit);
                assert_true(memcmp(h0, h1, 32) != 0);
            }
        if (len > 0) {
            corral_cache_checksum(buf, len - 1, h1);
            assert_true(memcmp(h0, h1, 32) != 0);
        }
    }
    /* trailing zeros are not free */
    memset(buf, 0, sizeof buf);
    corral_cache_checksum(buf, 40, h0);
    corral_cache_checksum(buf, 41, h1);
    assert_true(memcmp(h0, h1, 32) != 0);
}

/* ---- a module with some of everything ----------------------------------------- */

static uint8_t *sample(size_t *len, int variant)
{
    tw_mod m = {0};
    tw_import_func(&m, "env", "print", "i:");
    tw_memory(&m, 1, 4);
    tw_table(&m, 4, 8);
    tw_global(&m, 'i', 1, "41 07");
    uint32_t add = tw_func(&m, "ii:i", "", "20 00 | 20 01 | 6a");
    /* a loop summing 1..n, a load/store and a call_indirect */
    uint32_t sum = tw_func(&m, "i:i", "ii",
                           "03 40 | 20 01 | 41 01 | 6a | 22 01 | 20 02 | 6a | 21 02 | 20 01 | "
                           "20 00 | 48 | 0d 00 | 0b | 20 02");
    uint32_t mem = tw_func(&m, "i:i", "",
                           "41 10 | 20 00 | 36 02 00 | 41 10 | 28 02 00 | 23 00 | 6a | 24 00 | "
                           "23 00");
    uint32_t ind = tw_func(&m, "ii:i", "", "20 00 | 20 01 | 41 00 | 11 01 00");
    uint32_t fns[2] = {add, sum};
    tw_elem(&m, 0, fns, 2);
    tw_data(&m, 32, variant ? "other data" : "some data", variant ? 10 : 9);
    tw_export(&m, "add", CORRAL_EXTERN_FUNC, add);
    tw_export(&m, "sum", CORRAL_EXTERN_FUNC, sum);
    tw_export(&m, "mem", CORRAL_EXTERN_FUNC, mem);
    tw_export(&m, "ind", CORRAL_EXTERN_FUNC, ind);
    tw_export(&m, "memory", CORRAL_EXTERN_MEMORY, 0);
    return tw_finish(&m, len);
}

static const char *h_print(corral_caller *c, void *env, const uint64_t *args, uint64_t *results)
{
    (void)c;
    (void)env;
    (void)args;
    (void)results;
    return NULL;
}

/* What the module computes: add(2,3), sum(10), mem(5), ind(4,5), and the
 * data segment's bytes.  -1 for a call that fails. */
static void results_of(corral_engine *e, const corral_module *m, int64_t out[5], int fuel)
{
    corral_store *s = corral_store_new(e, NULL);
    assert_non_null(s);
    if (fuel)
        tw_assert_ok(corral_store_set_fuel(s, 1000000));
    corral_linker *l = corral_linker_new(s);
    tw_assert_ok(corral_linker_define_func(l, "env", "print", "i:", h_print, NULL));
    corral_instance *inst = NULL;
    const char *err = corral_instantiate(l, m, &inst);
    for (int i = 0; i < 5; i++)
        out[i] = -1;
    if (err == NULL) {
        static const char *const names[4] = {"add", "sum", "mem", "ind"};
        static const int32_t args[4][2] = {{2, 3}, {10, 0}, {5, 0}, {4, 5}};
        for (int i = 0; i < 4; i++) {
            corral_func *f = corral_instance_func(inst, names[i]);
            uint32_t np = 0;
            if (f == NULL)
                continue;
            corral_func_type(f, &np, NULL, NULL, NULL);
            corral_val a[2] = {tw_i32(args[i][0]), tw_i32(args[i][1])}, r[4];
            if (np <= 2 && corral_call(s, f, a, np, r, 4) == NULL)
                out[i] = r[0].of.i32;
        }
        uint8_t d[9];
        if (corral_memory_read(inst, 32, d, 9) == NULL)
            out[4] = d[0] | d[1] << 8 | d[8] << 16;
    }
    corral_linker_free(l);
    corral_store_free(s);
}

static char *all_disasm(const corral_module *m)
{
    tw_buf b = {0};
    for (uint32_t f = 0; f < corral_module_func_count(m); f++) {
        size_t need = corral_module_disasm(m, f, NULL, 0) + 1;
        char *t = malloc(need);
        assert_non_null(t);
        corral_module_disasm(m, f, t, need);
        tw_put(&b, t, strlen(t));
        free(t);
    }
    tw_u8(&b, 0);
    return (char *)b.p;
}

static void round_trip(int fuel)
{
    corral_config cfg = {.consume_fuel = fuel};
    corral_engine *e = corral_engine_new(&cfg);
    size_t len;
    uint8_t *wasm = sample(&len, 0);
    corral_module *m = NULL, *back = NULL;
    tw_assert_ok(corral_module_new(e, wasm, len, &m, NULL));
    uint8_t key[32];
    corral_module_cache_key(e, wasm, len, key);
    uint8_t *entry;
    size_t n;
    tw_assert_ok(corral_module_serialize(m, key, &entry, &n));
    tw_assert_ok(corral_module_deserialize(e, wasm, len, key, entry, n, NULL, NULL, 0, &back));
    char *a = all_disasm(m), *b = all_disasm(back);
    assert_string_equal(a, b);
    int64_t ra[5], rb[5];
    results_of(e, m, ra, fuel);
    results_of(e, back, rb, fuel);
    assert_int_equal(ra[0], 5);
    assert_int_equal(ra[1], 55);
    assert_int_equal(ra[2], 5 + 7);
    assert_int_equal(ra[3], 9);
    assert_memory_equal(ra, rb, sizeof ra);
    assert_int_equal(corral_module_export_count(back), 5);
    assert_int_equal(corral_module_import_count(back), 1);
    /* the entry of the loaded-back module is the same entry */
    uint8_t *again;
    size_t n2;
    tw_assert_ok(corral_module_serialize(back, key, &again, &n2));
    assert_int_equal(n, n2);
    assert_memory_equal(entry, again, n);
    free(again);
    free(a);
    free(b);
    corral_module_free(m);
    corral_module_free(back); /* before its entry: it ran the entry's code */
    free(entry);
    free(wasm);
    corral_engine_free(e);
}

static void test_round_trip(void **state)
{
    (void)state;
    round_trip(0);
    round_trip(1);
}

/* The key changes with the bytes and with fuel, and only with them. */
static void test_key(void **state)
{
    (void)state;
    corral_config on = {.consume_fuel = 1}, off = {.consume_fuel = 0};
    corral_engine *ef = corral_engine_new(&on), *e = corral_engine_new(&off);
    size_t l1, l2;
    uint8_t *w1 = sample(&l1, 0), *w2 = sample(&l2, 1);
    uint8_t k1[32], k1b[32], k2[32], kf[32];
    corral_module_cache_key(e, w1, l1, k1);
    corral_module_cache_key(e, w1, l1, k1b);
    corral_module_cache_key(e, w2, l2, k2);
    corral_module_cache_key(ef, w1, l1, kf);
    assert_memory_equal(k1, k1b, 32);
    assert_memory_not_equal(k1, k2, 32);
    assert_memory_not_equal(k1, kf, 32);
    /* an entry made under fuel does not load without it */
    corral_module *m = NULL, *back = NULL;
    tw_assert_ok(corral_module_new(ef, w1, l1, &m, NULL));
    uint8_t *entry;
    size_t n;
    tw_assert_ok(corral_module_serialize(m, kf, &entry, &n));
    tw_assert_msg(corral_module_deserialize(e, w1, l1, k1, entry, n, NULL, NULL, 0, &back),
                  "cache entry: another key");
    assert_null(back);
    /* nor for other module bytes */
    tw_assert_msg(corral_module_deserialize(ef, w2, l2, kf, entry, n, NULL, NULL, 0, &back),
                  "cache entry: made for another module");
    assert_null(back);
    free(entry);
    corral_module_free(m);
    free(w1);
    free(w2);
    corral_engine_free(e);
    corral_engine_free(ef);
}

/* ---- corrupt entries --------------------------------------------------------------- */

static void fix_checksum(uint8_t *entry, size_t n)
{
    corral_cache_checksum(entry, n - 32, entry + n - 32);
}

typedef struct {
    corral_engine *e;
    const uint8_t *wasm;
    size_t len;
    uint8_t key[32];
    unsigned long tried, loaded;
} target;

/* Load an entry; one that loads is freed, and run (under fuel when the
 * engine has it) only if it is genuine: an edited entry that passes the
 * loader's checks is forged code, which the trust rule keeps out. */
static void try_entry_run(target *t, const uint8_t *entry, size_t n, int run)
{
    corral_module *m = NULL;
    t->tried++;
    const char *err =
        corral_module_deserialize(t->e, t->wasm, t->len, t->key, entry, n, NULL, NULL, 0, &m);
    if (err != NULL) {
        assert_null(m);
        assert_true(strncmp(err, "cache entry: ", 13) == 0 || strcmp(err, "out of memory") == 0);
        return;
    }
    t->loaded++;
    if (run) {
        int64_t r[5];
        results_of(t->e, m, r, 1);
    }
    corral_module_free(m);
}

static void try_entry(target *t, const uint8_t *entry, size_t n)
{
    try_entry_run(t, entry, n, 0);
}

static void test_corrupt_entries(void **state)
{
    (void)state;
    corral_config cfg = {.consume_fuel = 1};
    target t = {corral_engine_new(&cfg), NULL, 0, {0}, 0, 0};
    size_t len;
    uint8_t *wasm = sample(&len, 0);
    t.wasm = wasm;
    t.len = len;
    corral_module *m = NULL;
    tw_assert_ok(corral_module_new(t.e, wasm, len, &m, NULL));
    corral_module_cache_key(t.e, wasm, len, t.key);
    uint8_t *entry;
    size_t n;
    tw_assert_ok(corral_module_serialize(m, t.key, &entry, &n));
    corral_module_free(m);
    uint8_t *copy = malloc(n);
    assert_non_null(copy);

    /* every truncation: refused */
    for (size_t k = 0; k < n; k++) {
        memcpy(copy, entry, k);
        try_entry(&t, copy, k);
    }
    assert_int_equal(t.loaded, 0);
    /* every byte flipped: refused (the checksum, or the header) */
    for (size_t k = 0; k < n; k++) {
        memcpy(copy, entry, n);
        copy[k] ^= 0x5a;
        try_entry(&t, copy, n);
    }
    assert_int_equal(t.loaded, 0);
    /* a header from another format version, checksum made right */
    memcpy(copy, entry, n);
    copy[8] ^= 0x7f; /* not CACHE_FORMAT */
    fix_checksum(copy, n);
    corral_module *x = NULL;
    tw_assert_msg(corral_module_deserialize(t.e, wasm, len, t.key, copy, n, NULL, NULL, 0, &x),
                  "cache entry: another format version");
    memcpy(copy, entry, n);
    copy[0] = 'C';
    tw_assert_msg(corral_module_deserialize(t.e, wasm, len, t.key, copy, n, NULL, NULL, 0, &x),
                  "cache entry: not a corral cache entry");
    /* the payload's own checks: each byte flipped, then truncations, with
     * the checksum made right, so the parser sees them: each is refused or
     * loads, and the loader never reads or writes out of bounds (the
     * SANITIZE=1 build checks) */
    unsigned long before = t.loaded;
    for (size_t k = 56; k + 32 < n; k++) {
        static const uint8_t masks[] = {0x01, 0x80, 0xff, 0x10};
        for (size_t j = 0; j < sizeof masks; j++) {
            memcpy(copy, entry, n);
            copy[k] ^= masks[j];
            fix_checksum(copy, n);
            try_entry(&t, copy, n);
        }
    }
    for (size_t k = 56; k + 32 < n; k++) {
        memcpy(copy, entry, k);
        memcpy(copy + k, entry + n - 32, 32);
        uint64_t plen = k - 56;
        for (int i = 0; i < 8; i++)
            copy[48 + i] = (uint8_t)(plen >> (8 * i));
        fix_checksum(copy, k + 32);
        try_entry(&t, copy, k + 32);
    }
    print_message("  %lu corrupt entries, %lu loaded (all from payload edits, %lu)\n", t.tried,
                  t.loaded, t.loaded - before);
    /* the untouched entry still loads, and runs */
    memcpy(copy, entry, n);
    before = t.loaded;
    try_entry_run(&t, copy, n, 1);
    assert_int_equal(t.loaded, before + 1);
    free(copy);
    free(entry);
    free(wasm);
    corral_engine_free(t.e);
}

/* ---- the memory image ---------------------------------------------------------------- */

enum { PAGE = 65536 };

/* Memory of 4 pages (max 6): 70,000 bytes at 100 (pages 0-1), "xyz" over
 * them at 200 (the later segment wins), 5 bytes on page 3, a passive
 * segment that init copies to page 2, and grow. */
static uint8_t *image_module(size_t *len, int32_t far_offset)
{
    tw_mod m = {0};
    tw_memory(&m, 4, 6);
    static uint8_t big[70000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)(i * 13 + 1);
    tw_data(&m, 100, big, sizeof big);
    tw_data(&m, 200, "xyz", 3);
    tw_data(&m, far_offset, "tail!", 5);
    tw_passive_data(&m, "pass", 4);
    /* init(): memory.init of segment 3 to 2*PAGE+8; grow(): memory.grow 1 */
    uint32_t init = tw_func(&m, ":", "", "41 88 80 08 | 41 00 | 41 04 | fc 08 03 00");
    uint32_t grow = tw_func(&m, ":i", "", "41 01 | 40 00");
    tw_export(&m, "init", CORRAL_EXTERN_FUNC, init);
    tw_export(&m, "grow", CORRAL_EXTERN_FUNC, grow);
    tw_export(&m, "memory", CORRAL_EXTERN_MEMORY, 0);
    return tw_finish(&m, len);
}

typedef struct {
    int allocs, grows, frees, maps, map_answer;
    size_t max;
    void *env_seen;
} ops_log;

static void *o_alloc(void *user, size_t size, size_t max)
{
    ops_log *g = user;
    assert_true(size <= max && size % PAGE == 0);
    g->allocs++;
    g->max = max;
    return calloc(1, max ? max : 1); /* room to grow in place */
}

static void *o_grow(void *user, void *data, size_t old, size_t new, size_t max)
{
    ops_log *g = user;
    g->grows++;
    assert_true(old < new && new <= max && max == g->max);
    return data;
}

static void o_free(void *user, void *data, size_t size, size_t max)
{
    ops_log *g = user;
    (void)size;
    assert_true(max == g->max);
    g->frees++;
    free(data);
}

static int o_map(void *user, void *dest, const void *src, size_t len, void (*release)(void *env),
                 void *env)
{
    ops_log *g = user;
    (void)release;
    g->maps++;
    g->env_seen = env;
    assert_true(len % PAGE == 0);
    if (g->map_answer == 0)
        memcpy(dest, src, len); /* stands in for a mapping */
    return g->map_answer;
}

/* Instantiate m, run init(), and copy its memory (4 pages) to out; the
 * error of instantiation, or NULL. */
static const char *image_run(corral_engine *e, const corral_module *m, ops_log *g, uint8_t *out)
{
    corral_store *s = corral_store_new(e, NULL);
    assert_non_null(s);
    corral_memory_ops ops = {o_alloc, o_grow, o_free, o_map, g};
    if (g != NULL)
        tw_assert_ok(corral_store_set_memory_ops(s, &ops));
    corral_linker *l = corral_linker_new(s);
    corral_instance *inst = NULL;
    const char *err = corral_instantiate(l, m, &inst);
    if (err == NULL) {
        corral_val r[1];
        tw_assert_ok(corral_call(s, corral_instance_func(inst, "init"), NULL, 0, NULL, 0));
        tw_assert_ok(corral_call(s, corral_instance_func(inst, "grow"), NULL, 0, r, 1));
        assert_int_equal(r[0].of.i32, 4);
        uint64_t size = 0;
        uint8_t *mem = corral_instance_memory(inst, NULL, &size);
        assert_int_equal(size, 5 * PAGE);
        memcpy(out, mem, 4 * PAGE);
        if (g != NULL)
            /* set once the store has a memory: refused */
            tw_assert_msg(corral_store_set_memory_ops(s, &ops),
                          "memory ops: the store already has a memory");
    }
    corral_linker_free(l);
    corral_store_free(s);
    return err;
}

/* The length of an entry's checksummed part: its header (56 bytes, the
 * payload's length at 48) and payload; the checksum follows. */
static size_t sealed_len(const uint8_t *entry)
{
    uint64_t plen = 0;
    for (int i = 0; i < 8; i++)
        plen |= (uint64_t)entry[48 + i] << (8 * i);
    return 56 + (size_t)plen;
}

/* image_module's module (tail at 3 pages + 10), loaded, its key and its
 * entry. */
typedef struct {
    uint8_t *wasm, key[32], *entry;
    size_t len, n;
    corral_module *m;
} image_case;

static void image_case_new(corral_engine *e, image_case *t)
{
    t->wasm = image_module(&t->len, 3 * PAGE + 10);
    t->m = NULL;
    tw_assert_ok(corral_module_new(e, t->wasm, t->len, &t->m, NULL));
    corral_module_cache_key(e, t->wasm, t->len, t->key);
    tw_assert_ok(corral_module_serialize(t->m, t->key, &t->entry, &t->n));
}

static void image_case_free(image_case *t)
{
    free(t->entry);
    corral_module_free(t->m);
    free(t->wasm);
}

/* An entry holds memory 0's image after its checksum, page-aligned, and an
 * instance from it has the memory the segments give: with no memory ops
 * (copied), with ops whose map maps (the env of the entry passed on) or
 * declines (copied), and -1 from map fails instantiation. */
static void test_image(void **state)
{
    (void)state;
    corral_engine *e = corral_engine_new(NULL);
    image_case t;
    image_case_new(e, &t);
    size_t len = t.len, n = t.n;
    uint8_t *wasm = t.wasm, *key = t.key, *entry = t.entry;
    corral_module *m = t.m, *back = NULL;
    /* pages 0, 1 and 3: two runs, packed from a 64 KiB boundary to the end */
    assert_int_equal(n % PAGE, 0);
    size_t sealed = sealed_len(entry);
    assert_int_equal(n - (sealed + 32 + PAGE - 1) / PAGE * PAGE, 3 * PAGE);
    int env_tag;
    tw_assert_ok(
        corral_module_deserialize(e, wasm, len, key, entry, n, NULL, &env_tag, 0, &back));
    uint8_t *want = malloc(4 * PAGE), *got = malloc(4 * PAGE);
    assert_non_null(want);
    assert_non_null(got);
    tw_assert_ok(image_run(e, m, NULL, want));
    assert_memory_equal(want + 200, "xyz", 3);
    assert_int_equal(want[203], (uint8_t)(103 * 13 + 1));
    assert_memory_equal(want + 2 * PAGE + 8, "pass", 4);
    assert_memory_equal(want + 3 * PAGE + 10, "tail!", 5);
    tw_assert_ok(image_run(e, back, NULL, got));
    assert_memory_equal(want, got, 4 * PAGE);
    ops_log g = {0};
    memset(got, 0, 4 * PAGE);
    tw_assert_ok(image_run(e, back, &g, got));
    assert_memory_equal(want, got, 4 * PAGE);
    assert_int_equal(g.maps, 2);
    assert_ptr_equal(g.env_seen, &env_tag);
    assert_int_equal(g.allocs, 1);
    assert_int_equal(g.grows, 1);
    assert_int_equal(g.frees, 1);
    assert_int_equal(g.max, 6 * PAGE);
    g = (ops_log){0};
    g.map_answer = 1;
    memset(got, 0, 4 * PAGE);
    tw_assert_ok(image_run(e, back, &g, got));
    assert_memory_equal(want, got, 4 * PAGE);
    g = (ops_log){0};
    g.map_answer = -1;
    tw_assert_msg(image_run(e, back, &g, got), "out of memory");
    assert_int_equal(g.frees, 1);
    /* the module without its image (from corral_module_new) with the ops */
    g = (ops_log){0};
    tw_assert_ok(image_run(e, m, &g, got));
    assert_memory_equal(want, got, 4 * PAGE);
    assert_int_equal(g.maps, 0);
    /* the image is outside the checksum: a changed byte loads, and shows */
    corral_module_free(back);
    entry[n - 1] ^= 0xff; /* the last byte of page 3 */
    tw_assert_ok(corral_module_deserialize(e, wasm, len, key, entry, n, NULL, NULL, 0, &back));
    tw_assert_ok(image_run(e, back, NULL, got));
    assert_int_equal(got[4 * PAGE - 1], 0xff);
    corral_module_free(back);
    entry[n - 1] ^= 0xff;

    /* the table's checks: a run of 0 pages, past memory's minimum, runs
     * out of order, the image one page short or one page long */
    uint8_t *copy = malloc(n + PAGE);
    assert_non_null(copy);
    size_t table = sealed - 4 - 2 * 8;
    struct {
        size_t at;
        uint32_t value;
        const char *why;
    } edits[] = {
        {table + 4 + 4, 0, "cache entry: malformed payload"},
        {table + 4 + 8, 1, "cache entry: malformed payload"},
        {table + 4 + 8, 0, "cache entry: malformed payload"},
    };
    for (size_t k = 0; k < sizeof edits / sizeof *edits; k++) {
        memcpy(copy, entry, n);
        for (int i = 0; i < 4; i++)
            copy[edits[k].at + i] = (uint8_t)(edits[k].value >> (8 * i));
        corral_cache_checksum(copy, sealed, copy + sealed);
        tw_assert_msg(
            corral_module_deserialize(e, wasm, len, key, copy, n, NULL, NULL, 0, &back),
            edits[k].why);
    }
    /* the second run (page 3, 1 page) made to start at page 4: past 4 pages */
    memcpy(copy, entry, n);
    copy[table + 4 + 8] = 4;
    corral_cache_checksum(copy, sealed, copy + sealed);
    tw_assert_msg(corral_module_deserialize(e, wasm, len, key, copy, n, NULL, NULL, 0, &back),
                  "cache entry: malformed payload");
    memcpy(copy, entry, n);
    tw_assert_msg(
        corral_module_deserialize(e, wasm, len, key, copy, n - PAGE, NULL, NULL, 0, &back),
        "cache entry: truncated");
    memset(copy + n, 0, PAGE);
    tw_assert_msg(
        corral_module_deserialize(e, wasm, len, key, copy, n + PAGE, NULL, NULL, 0, &back),
        "cache entry: malformed payload");
    free(copy);
    image_case_free(&t);

    /* a segment past the memory: no image, and instantiation traps */
    uint8_t key2[32];
    key = key2;
    wasm = image_module(&len, 4 * PAGE - 2);
    tw_assert_ok(corral_module_new(e, wasm, len, &m, NULL));
    corral_module_cache_key(e, wasm, len, key);
    tw_assert_ok(corral_module_serialize(m, key, &entry, &n));
    assert_true(n < PAGE);
    tw_assert_ok(corral_module_deserialize(e, wasm, len, key, entry, n, NULL, NULL, 0, &back));
    tw_assert_msg(image_run(e, back, NULL, got), "out of bounds memory access");
    corral_module_free(back);
    free(entry);
    corral_module_free(m);
    free(wasm);
    free(want);
    free(got);
    corral_engine_free(e);
}

/* CORRAL_BORROW_BYTES: the module uses the caller's bytes in place, and a
 * passive segment read from them works after the call that loaded it. */
static void test_borrow_bytes(void **state)
{
    (void)state;
    corral_engine *e = corral_engine_new(NULL);
    image_case t;
    image_case_new(e, &t);
    corral_module *back = NULL;
    tw_assert_ok(corral_module_deserialize(e, t.wasm, t.len, t.key, t.entry, t.n, NULL, NULL,
                                           CORRAL_BORROW_BYTES, &back));
    uint8_t *want = malloc(4 * PAGE), *got = malloc(4 * PAGE);
    assert_non_null(want);
    assert_non_null(got);
    tw_assert_ok(image_run(e, t.m, NULL, want));
    tw_assert_ok(image_run(e, back, NULL, got));
    assert_memory_equal(want, got, 4 * PAGE);
    corral_module_free(back); /* leaves wasm to us (ASan: no double free) */
    free(want);
    free(got);
    image_case_free(&t);
    corral_engine_free(e);
}

/* An entry that needs none of the module's bytes (all its data in the
 * image, none passive) loads without them, and runs; one that needs them
 * (passive data, or data too small for an image) says so; the header's
 * flag must say what the payload does; a module loaded without its bytes
 * is neither serialized nor snapshotted again. */
static void test_without_bytes(void **state)
{
    (void)state;
    corral_engine *e = corral_engine_new(NULL);
    image_case t;
    image_case_new(e, &t);
    corral_module *back = NULL;
    const char *needs = "cache entry: the module's bytes are needed (data that is not in the image)";
    tw_assert_msg(corral_module_deserialize(e, NULL, t.len, t.key, t.entry, t.n, NULL, NULL, 0,
                                            &back),
                  needs);
    assert_null(back);
    size_t sealed = sealed_len(t.entry);
    /* the flag cleared on it (checksum made right): refused, with bytes too */
    assert_int_equal(t.entry[12], 1);
    t.entry[12] = 0;
    corral_cache_checksum(t.entry, sealed, t.entry + sealed);
    tw_assert_msg(corral_module_deserialize(e, t.wasm, t.len, t.key, t.entry, t.n, NULL, NULL, 0,
                                            &back),
                  "cache entry: malformed payload");
    image_case_free(&t);

    /* no passive segment: the image holds all the data */
    tw_mod mb = {0};
    tw_memory(&mb, 4, 6);
    static uint8_t big[70000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)(i * 7 + 3);
    tw_data(&mb, 100, big, sizeof big);
    tw_data(&mb, 200, "xyz", 3);
    tw_export(&mb, "peek", CORRAL_EXTERN_FUNC, tw_func(&mb, ":i", "", "41 c9 01 | 2d 00 00"));
    tw_export(&mb, "memory", CORRAL_EXTERN_MEMORY, 0);
    size_t len, n;
    uint8_t *wasm = tw_finish(&mb, &len), key[32], *entry;
    corral_module *m = NULL;
    tw_assert_ok(corral_module_new(e, wasm, len, &m, NULL));
    corral_module_cache_key(e, wasm, len, key);
    tw_assert_ok(corral_module_serialize(m, key, &entry, &n));
    assert_int_equal(entry[12], 0);
    tw_assert_ok(corral_module_deserialize(e, NULL, len, key, entry, n, NULL, NULL, 0, &back));
    free(wasm); /* gone: the module does not need it */
    corral_store *s = corral_store_new(e, NULL);
    corral_linker *l = corral_linker_new(s);
    corral_instance *inst = NULL;
    tw_assert_ok(corral_instantiate(l, back, &inst));
    corral_val r[1];
    tw_assert_ok(corral_call(s, corral_instance_func(inst, "peek"), NULL, 0, r, 1));
    assert_int_equal(r[0].of.i32, 'y');
    uint8_t *again = NULL, *snap = NULL;
    size_t again_n = 0, snap_n = 0;
    const char *gone = "the module was loaded from a cache entry without its bytes";
    tw_assert_msg(corral_module_serialize(back, key, &again, &again_n), gone);
    char why[200];
    tw_assert_msg(corral_snapshot_module(inst, NULL, 0, &snap, &snap_n, why, sizeof why), gone);
    assert_null(again);
    assert_null(snap);
    corral_linker_free(l);
    corral_store_free(s);
    corral_module_free(back);
    /* the flag set on it (checksum made right): refused */
    sealed = sealed_len(entry);
    entry[12] = 1;
    corral_cache_checksum(entry, sealed, entry + sealed);
    tw_assert_msg(corral_module_deserialize(e, NULL, len, key, entry, n, NULL, NULL, 0, &back),
                  needs);
    corral_module_free_buffer(m, entry);
    corral_module_free(m);

    /* data too small for an image: the bytes are needed */
    tw_mod ms = {0};
    tw_memory(&ms, 1, 1);
    tw_data(&ms, 8, "small", 5);
    wasm = tw_finish(&ms, &len);
    tw_assert_ok(corral_module_new(e, wasm, len, &m, NULL));
    corral_module_cache_key(e, wasm, len, key);
    tw_assert_ok(corral_module_serialize(m, key, &entry, &n));
    assert_int_equal(entry[12], 1);
    tw_assert_msg(corral_module_deserialize(e, NULL, len, key, entry, n, NULL, NULL, 0, &back),
                  needs);
    tw_assert_ok(corral_module_deserialize(e, wasm, len, key, entry, n, NULL, NULL, 0, &back));
    corral_module_free(back);
    corral_module_free_buffer(m, entry);
    corral_module_free(m);
    free(wasm);
    corral_engine_free(e);
}

/* Memory ops must be whole, and are kept to one store. */
static void test_memory_ops_checked(void **state)
{
    (void)state;
    corral_store *s = corral_store_new(NULL, NULL);
    corral_memory_ops partial = {o_alloc, NULL, o_free, NULL, NULL};
    tw_assert_msg(corral_store_set_memory_ops(s, &partial),
                  "memory ops: alloc, grow and free are all needed");
    tw_assert_ok(corral_store_set_memory_ops(s, NULL));
    corral_store_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blake2b_vectors),
        cmocka_unit_test(test_checksum_sensitivity),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_key),
        cmocka_unit_test(test_corrupt_entries),
        cmocka_unit_test(test_image),
        cmocka_unit_test(test_borrow_bytes),
        cmocka_unit_test(test_without_bytes),
        cmocka_unit_test(test_memory_ops_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
