/*
 * test_alloc_hooks.c - the engine's allocator hooks (corral_allocator) and
 * embedder memory (corral_memory_ops).
 *
 * A test allocator counts every call and can fail the Nth.  Each block
 * carries a header naming its allocator, so that a block freed or resized
 * by another one (an object freed with the wrong allocator) fails the
 * test, and a live count that must return to 0.  Over every N of a
 * scenario (load: decode, validate, lower; instantiate; run every export
 * without parameters; serialise, deserialise, run again; snapshot), each
 * run either succeeds or reports "out of memory", never anything else,
 * and leaves no block behind (ASan also checks under SANITIZE=1).
 *
 * Modules: tests/wat/alloc_*.wat (built into build/wasm/tests/wat/ by the
 * Makefile), with a name section added here; and, when the spec suite has
 * been converted (build/spec, SPEC_BUILD_DIR), a few of its modules.
 *
 * Also: objects go to the allocator they belong to (engine and modules,
 * store and its objects), incomplete allocators are refused, the store's
 * allocator cannot change once it holds objects, and linear memory in a
 * fixed static region (a device without an MMU) keeps the memory limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "corral.h"
#include "test_wasm.h"

/* ---- the test allocator ------------------------------------------------------- */

typedef struct {
    uint32_t magic; /* the allocator's tag: a block from another fails */
    uint32_t pad;
    size_t size;
    max_align_t align[]; /* the block's bytes follow, aligned as malloc's */
} head;

typedef struct {
    uint32_t tag;
    long live;           /* blocks not yet freed */
    unsigned long calls; /* alloc, zalloc and resize calls */
    int wrong;           /* a block of another allocator came back */
} tally;

/* One counter of calls over all allocators, so a sweep reaches each. */
static unsigned long seen, fail_at;
static int fired;

static int refuse(void) {
    seen++;
    if (fail_at && seen == fail_at) {
        fired = 1;
        return 1;
    }
    return 0;
}

static head *block_of(tally *t, void *p) {
    head *h = (head *)((char *)p - offsetof(head, align));
    if (h->magic != t->tag) t->wrong = 1;
    return h;
}

static void *t_alloc(void *user, size_t n) {
    tally *t = user;
    t->calls++;
    if (n == 0) t->wrong = 1; /* the hooks never see 0 */
    if (refuse()) return NULL;
    head *h = malloc(sizeof *h + n);
    if (!h) return NULL;
    h->magic = t->tag;
    h->size = n;
    memset(h->align, 0xA5, n); /* not zero: the engine must not count on it */
    t->live++;
    return h->align;
}

static void *t_zalloc(void *user, size_t n) {
    tally *t = user;
    t->calls++;
    if (n == 0) t->wrong = 1;
    if (refuse()) return NULL;
    head *h = calloc(1, sizeof *h + n);
    if (!h) return NULL;
    h->magic = t->tag;
    h->size = n;
    t->live++;
    return h->align;
}

static void *t_resize(void *user, void *p, size_t n) {
    tally *t = user;
    t->calls++;
    if (n == 0 || p == NULL) t->wrong = 1;
    head *h = block_of(t, p);
    if (refuse()) return NULL;
    head *q = realloc(h, sizeof *q + n);
    if (!q) return NULL;
    q->size = n;
    return q->align;
}

static void t_free(void *user, void *p) {
    tally *t = user;
    if (p == NULL) {
        t->wrong = 1;
        return;
    }
    head *h = block_of(t, p);
    if (h->magic != t->tag) return; /* not ours: leave it (reported) */
    h->magic = 0;
    t->live--;
    free(h);
}

static corral_allocator hooks(tally *t, uint32_t tag, int with_zalloc) {
    memset(t, 0, sizeof *t);
    t->tag = tag;
    return (corral_allocator){t_alloc, with_zalloc ? t_zalloc : NULL, t_resize, t_free, t};
}

static int says_oom(const char *msg) { return msg != NULL && strstr(msg, "out of memory") != NULL; }

/* ---- modules ----------------------------------------------------------------------- */

/* A name section for the first module (functions 0 "print" and 1 "two"),
 * appended to it. */
static void add_names(tw_buf *wasm) {
    tw_buf sub = {0}, body = {0};
    tw_uleb(&sub, 2);
    tw_uleb(&sub, 0);
    tw_name(&sub, "print");
    tw_uleb(&sub, 1);
    tw_name(&sub, "two");
    tw_name(&body, "name");
    tw_u8(&body, 1); /* function names */
    tw_uleb(&body, sub.n);
    tw_put(&body, sub.p, sub.n);
    tw_u8(wasm, 0);
    tw_uleb(wasm, body.n);
    tw_put(wasm, body.p, body.n);
    tw_buf_free(&sub);
    tw_buf_free(&body);
}

/* ---- one scenario ------------------------------------------------------------------- */

static const char *host_void(corral_caller *c, void *env, const uint64_t *args, uint64_t *results) {
    (void)c, (void)env, (void)args, (void)results;
    return NULL;
}

typedef struct {
    const char *name;
    const uint8_t *wasm;
    size_t len;
    int snapshot; /* corral_snapshot_module applies (no imported state) */
} module_case;

/* Why a step went wrong (not about memory), for the report. */
static char why[512];

/* 0: a step gave an error other than out of memory (why says which);
 * 1: every step succeeded or reported out of memory. */
static int step(const char *what, const char *err) {
    if (err == NULL || says_oom(err)) return 1;
    snprintf(why, sizeof why, "%s: %s", what, err);
    return 0;
}

/* Instantiate m in a store of e with its own allocator sa and run every
 * export that takes no parameters; *inst_out, when wanted, gets the
 * instance (the store then stays: *store_out). */
static int instantiate_and_run(corral_engine *e, const corral_module *m, const corral_allocator *sa,
                               corral_store **store_out, corral_instance **inst_out) {
    corral_limits lim;
    corral_limits_default(&lim);
    lim.max_memory_bytes = 16u << 20;
    lim.max_stack_bytes = 256u << 10;
    lim.max_table_elems = 10000;
    *store_out = NULL;
    *inst_out = NULL;
    corral_store *s = corral_store_new(e, &lim);
    if (s == NULL) return 1; /* NULL is how it says out of memory */
    *store_out = s;
    if (!step("set_allocator", corral_store_set_allocator(s, sa))) return 0;
    corral_linker *l = corral_linker_new(s);
    if (l == NULL) return 1;
    const char *err = corral_linker_define_func(l, "spectest", "print_i32", "i:", host_void, NULL);
    if (err == NULL) err = corral_linker_define_func(l, "spectest", "print", ":", host_void, NULL);
    int ok = step("define_func", err);
    corral_instance *inst = NULL;
    if (ok && err == NULL) {
        err = corral_instantiate(l, m, &inst);
        ok = step("instantiate", err);
    }
    corral_linker_free(l);
    if (inst == NULL) return ok;
    /* a small budget: fuel running out mid-segment copies it (interp.c) */
    if (corral_store_set_fuel(s, 20000) != NULL) return step("fuel", "not enabled");
    for (uint32_t i = 0, n = corral_module_export_count(m); i < n; i++) {
        const char *name;
        corral_extern_kind kind;
        corral_module_export(m, i, &name, &kind);
        corral_func *f = kind == CORRAL_EXTERN_FUNC ? corral_instance_func(inst, name) : NULL;
        uint32_t np = 1, nr = 0;
        if (f != NULL) corral_func_type(f, &np, NULL, &nr, NULL);
        if (f == NULL || np != 0 || nr > 16) continue;
        corral_val res[16];
        const char *trap = corral_call(s, f, NULL, 0, res, nr);
        (void)trap; /* a trap is an answer too: memory.grow may fail, say */
    }
    *inst_out = inst;
    return 1;
}

/* The whole life of one module; 1 when each step ended well or in "out
 * of memory", 0 otherwise (why).  Every block must be back at the end. */
static int module_pass(const module_case *mc, int *ran_all) {
    tally te, ts;
    corral_allocator ea = hooks(&te, 0xE0E0E0E0u, 1), sa = hooks(&ts, 0x5757u, 0);
    corral_config cfg = {.consume_fuel = 1, .allocator = &ea};
    int ok = 1, all = 0;
    corral_engine *e = corral_engine_new(&cfg);
    corral_module *m = NULL, *back = NULL;
    corral_store *s1 = NULL, *s2 = NULL;
    corral_instance *i1 = NULL, *i2 = NULL;
    uint8_t *entry = NULL, *snap = NULL;
    size_t n = 0, snap_len = 0;
    if (e == NULL) goto out;
    ok = step("load", corral_module_new(e, mc->wasm, mc->len, &m, NULL));
    if (!ok || m == NULL) goto out;
    ok = instantiate_and_run(e, m, &sa, &s1, &i1);
    if (!ok || i1 == NULL) goto out;
    uint8_t key[32];
    corral_module_cache_key(e, mc->wasm, mc->len, key);
    ok = step("serialize", corral_module_serialize(m, key, &entry, &n));
    if (!ok || entry == NULL) goto out;
    ok = step("deserialize", corral_module_deserialize(e, mc->wasm, mc->len, key, entry, n, NULL,
                                                       NULL, 0, &back));
    if (!ok || back == NULL) goto out;
    ok = instantiate_and_run(e, back, &sa, &s2, &i2);
    if (!ok || i2 == NULL) goto out;
    if (mc->snapshot) {
        char msg[200];
        const char *err = corral_snapshot_module(i1, NULL, 0, &snap, &snap_len, msg, sizeof msg);
        ok = step("snapshot", err);
        if (!ok || err != NULL) goto out;
    }
    all = 1;
out:
    if (snap != NULL) corral_module_free_buffer(m, snap);
    corral_store_free(s2);
    corral_module_free(back);
    if (entry != NULL) corral_module_free_buffer(m, entry);
    corral_store_free(s1);
    corral_module_free(m);
    corral_engine_free(e);
    if (te.live != 0 || ts.live != 0) {
        snprintf(why, sizeof why, "%ld engine and %ld store blocks left after freeing", te.live,
                 ts.live);
        ok = 0;
    }
    if (te.wrong || ts.wrong) {
        snprintf(why, sizeof why, "a block went back to the wrong allocator, or a size 0 or "
                                  "NULL reached a hook");
        ok = 0;
    }
    *ran_all = all;
    return ok;
}

/* Every N from 1 to the count of the scenario's allocations. */
static void sweep(const module_case *mc, unsigned long *runs, unsigned long *reports) {
    int all;
    fail_at = 0;
    seen = 0;
    why[0] = 0;
    if (!module_pass(mc, &all) || !all) fail_msg("%s does not run without failures: %s", mc->name, why);
    unsigned long total = seen;
    for (unsigned long k = 1; k <= total; k++) {
        seen = 0;
        fail_at = k;
        fired = 0;
        why[0] = 0;
        int ok = module_pass(mc, &all);
        (*runs)++;
        *reports += !all;
        if (!ok) fail_msg("%s, allocation %lu of %lu failing: %s", mc->name, k, total, why);
        if (!fired) fail_msg("%s, allocation %lu of %lu: not reached (%lu calls)", mc->name, k, total, seen);
    }
    fail_at = 0;
    print_message("  %s: %lu allocations, each made to fail in turn\n", mc->name, total);
}

static const char *const wat_modules[] = {"alloc_state", "simd_lanes", "recurse", "loop"};

static void test_sweep_wat_modules(void **state) {
    (void)state;
    unsigned long runs = 0, reports = 0, swept = 0;
    for (size_t k = 0; k < sizeof wat_modules / sizeof wat_modules[0]; k++) {
        char path[300];
        snprintf(path, sizeof path, "build/wasm/tests/wat/%s.wasm", wat_modules[k]);
        tw_buf b = {0};
        if (!tw_read_file(path, &b)) fail_msg("%s not built (make build/wasm/tests/wat/...)", path);
        if (k == 0) add_names(&b);
        module_case mc = {path, b.p, b.n, k == 0};
        sweep(&mc, &runs, &reports);
        swept++;
        tw_buf_free(&b);
    }
    print_message("  %lu modules, %lu runs with one allocation failing; %lu stopped at out of "
                  "memory, the rest got by\n",
                  swept, runs, reports);
    assert_true(reports > 0);
}

/* Spec modules that allocate in different ways, when the suite was converted. */
static const char *const spec_files[] = {
    "address/address.0.wasm", "bulk/bulk.2.wasm",   "call_indirect/call_indirect.0.wasm",
    "elem/elem.0.wasm",       "exports/exports.0.wasm", "memory_grow/memory_grow.0.wasm",
    "names/names.0.wasm",     "simd_lane/simd_lane.0.wasm", "table_copy/table_copy.0.wasm",
};

static void test_sweep_spec_modules(void **state) {
    (void)state;
    const char *dir = getenv("SPEC_BUILD_DIR") != NULL ? getenv("SPEC_BUILD_DIR") : "build/spec";
    unsigned long runs = 0, reports = 0, swept = 0;
    for (size_t k = 0; k < sizeof spec_files / sizeof spec_files[0]; k++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, spec_files[k]);
        tw_buf b = {0};
        if (!tw_read_file(path, &b)) {
            print_message("  %s not found (run the spec suite first); skipped\n", path);
            continue;
        }
        module_case mc = {path, b.p, b.n, 0};
        sweep(&mc, &runs, &reports);
        swept++;
        tw_buf_free(&b);
    }
    print_message("  %lu spec modules, %lu runs with one allocation failing\n", swept, runs);
    if (swept == 0) skip();
}

/* ---- which allocator holds what ------------------------------------------------------- */

static const uint8_t tiny[] = {
    /* (module (memory 1) (func (export "f") (result i32) (i32.const 5))) */
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01,
    0x7f, 0x03, 0x02, 0x01, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x05, 0x01, 0x01,
    0x66, 0x00, 0x00, 0x0a, 0x06, 0x01, 0x04, 0x00, 0x41, 0x05, 0x0b,
};

static void test_objects_use_their_allocator(void **state) {
    (void)state;
    tally te, ts;
    corral_allocator ea = hooks(&te, 1, 0), sa = hooks(&ts, 2, 1);
    corral_config cfg = {.allocator = &ea};
    corral_engine *e = corral_engine_new(&cfg);
    assert_non_null(e);
    assert_int_equal(te.live, 1);
    corral_module *m = NULL;
    assert_null(corral_module_new(e, tiny, sizeof tiny, &m, NULL));
    long module_blocks = te.live - 1;
    assert_true(module_blocks > 0);

    corral_store *s = corral_store_new(e, NULL);
    assert_non_null(s);
    long store_blocks = te.live - 1 - module_blocks; /* the struct and its stack */
    assert_int_equal(store_blocks, 2);
    assert_null(corral_store_set_allocator(s, &sa));
    assert_int_equal(te.live, 1 + module_blocks + 1); /* the stack moved */
    assert_int_equal(ts.live, 1);
    corral_linker *l = corral_linker_new(s);
    assert_null(corral_linker_define_func(l, "env", "h", ":", host_void, NULL));
    corral_instance *inst = NULL;
    assert_null(corral_instantiate(l, m, &inst));
    corral_val r;
    assert_null(corral_call(s, corral_instance_func(inst, "f"), NULL, 0, &r, 1));
    assert_int_equal(r.of.i32, 5);
    assert_int_equal(te.live, 1 + module_blocks + 1); /* nothing of the store's */
    assert_true(ts.live > 5);
    /* Too late now: the store holds objects made with sa. */
    assert_string_equal(corral_store_set_allocator(s, NULL),
                        "allocator: the store already has instances or host functions");
    corral_linker_free(l);
    corral_store_free(s);
    assert_int_equal(ts.live, 0);
    assert_int_equal(te.live, 1 + module_blocks);
    corral_engine_free(e); /* a module may outlive its engine */
    assert_int_equal(te.live, module_blocks);
    corral_module_free(m);
    assert_int_equal(te.live, 0);
    assert_false(te.wrong || ts.wrong);

    /* Incomplete allocators. */
    corral_allocator half = ea;
    half.resize = NULL;
    cfg.allocator = &half;
    assert_null(corral_engine_new(&cfg));
    s = corral_store_new(NULL, NULL); /* no engine: the C allocator */
    assert_non_null(s);
    assert_string_equal(corral_store_set_allocator(s, &half),
                        "allocator: alloc, resize and free are all needed");
    corral_store_free(s);
}

/* An allocator that refuses everything: a clean NULL or "out of memory". */
static void test_nothing_to_give(void **state) {
    (void)state;
    tally t;
    corral_allocator a = hooks(&t, 3, 0);
    fail_at = 1;
    seen = 0;
    corral_config cfg = {.allocator = &a};
    assert_null(corral_engine_new(&cfg));
    fail_at = 0;
    corral_engine *e = corral_engine_new(&cfg);
    assert_non_null(e);
    seen = 0;
    fail_at = 1;
    corral_module *m = NULL;
    assert_string_equal(corral_module_new(e, tiny, sizeof tiny, &m, NULL), "out of memory");
    assert_null(m);
    seen = 0;
    assert_null(corral_store_new(e, NULL));
    fail_at = 0;
    corral_engine_free(e);
    assert_int_equal(t.live, 0);
}

/* ---- linear memory in a fixed static region ---------------------------------------------- */

#define PAGE 65536u
#define REGION_PAGES 4u
static _Alignas(16) unsigned char region[REGION_PAGES * PAGE];
static int region_users;
static size_t region_max_seen;

static void *region_alloc(void *user, size_t size, size_t max) {
    (void)user;
    region_max_seen = max;
    if (region_users || size > sizeof region) return NULL;
    region_users++;
    memset(region, 0, size);
    return region;
}

static void *region_grow(void *user, void *data, size_t old, size_t new, size_t max) {
    (void)user, (void)max;
    assert_ptr_equal(data, region);
    if (new > sizeof region) return NULL;
    memset(region + old, 0, new - old);
    return data;
}

static void region_free(void *user, void *data, size_t size, size_t max) {
    (void)user, (void)size, (void)max;
    assert_ptr_equal(data, region);
    region_users--;
}

/* (module (memory (export "mem") MIN)
 *   (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
 *   (func (export "size") (result i32) (memory.size))
 *   (func (export "peek") (param i32) (result i32) (i32.load8_u (local.get 0)))) */
static uint8_t grower[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0a, 0x02, 0x60, 0x01, 0x7f, 0x01,
    0x7f, 0x60, 0x00, 0x01, 0x7f, 0x03, 0x04, 0x03, 0x00, 0x01, 0x00, 0x05, 0x03, 0x01, 0x00,
    0x01, 0x07, 0x1c, 0x04, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x04, 0x67, 0x72, 0x6f, 0x77,
    0x00, 0x00, 0x04, 0x73, 0x69, 0x7a, 0x65, 0x00, 0x01, 0x04, 0x70, 0x65, 0x65, 0x6b, 0x00,
    0x02, 0x0a, 0x15, 0x03, 0x06, 0x00, 0x20, 0x00, 0x40, 0x00, 0x0b, 0x04, 0x00, 0x3f, 0x00,
    0x0b, 0x07, 0x00, 0x20, 0x00, 0x2d, 0x00, 0x00, 0x0b,
};
#define GROWER_MIN_AT 30 /* the memory's minimum (one LEB byte) */

typedef struct {
    corral_engine *e;
    corral_module *m;
    corral_store *s;
    corral_linker *l;
    corral_instance *inst;
} region_run;

static const char *region_start(region_run *r, uint8_t min_pages, uint64_t limit) {
    memset(r, 0, sizeof *r);
    grower[GROWER_MIN_AT] = min_pages;
    r->e = corral_engine_new(NULL);
    assert_null(corral_module_new(r->e, grower, sizeof grower, &r->m, NULL));
    corral_limits lim;
    corral_limits_default(&lim);
    lim.max_memory_bytes = limit;
    r->s = corral_store_new(r->e, &lim);
    corral_memory_ops ops = {region_alloc, region_grow, region_free, NULL, NULL};
    assert_null(corral_store_set_memory_ops(r->s, &ops));
    r->l = corral_linker_new(r->s);
    return corral_instantiate(r->l, r->m, &r->inst);
}

static int32_t region_call(region_run *r, const char *name, int32_t arg) {
    corral_func *f = corral_instance_func(r->inst, name);
    uint32_t np;
    corral_func_type(f, &np, NULL, NULL, NULL);
    corral_val a = {.type = CORRAL_I32, .of.i32 = arg}, res;
    const char *trap = corral_call(r->s, f, &a, np, &res, 1);
    if (trap != NULL) fail_msg("%s: %s", name, trap);
    return res.of.i32;
}

static void region_end(region_run *r) {
    corral_linker_free(r->l);
    corral_store_free(r->s);
    corral_module_free(r->m);
    corral_engine_free(r->e);
    assert_int_equal(region_users, 0);
}

static void test_fixed_region_memory(void **state) {
    (void)state;
    region_run r;
    /* The limit (2 pages) is below the region (4): grow stops at the limit. */
    memset(region, 0xEE, sizeof region);
    assert_null(region_start(&r, 1, 2 * PAGE));
    assert_int_equal(region_max_seen, 2 * PAGE); /* the most it may grow to */
    uint64_t size;
    assert_ptr_equal(corral_instance_memory(r.inst, "mem", &size), region);
    assert_int_equal(size, PAGE);
    assert_int_equal(region_call(&r, "peek", 100), 0); /* zeroed */
    assert_int_equal(region_call(&r, "grow", 1), 1);
    assert_int_equal(region_call(&r, "peek", PAGE + 5), 0); /* the grown page, zeroed */
    assert_int_equal(region_call(&r, "grow", 1), -1); /* past the limit */
    assert_int_equal(region_call(&r, "size", 0), 2);
    assert_int_equal(corral_store_peak_memory(r.s), 2 * PAGE);
    /* Past the memory's end: a trap, not the region's next bytes. */
    corral_val a = {.type = CORRAL_I32, .of.i32 = 2 * PAGE}, res;
    assert_string_equal(corral_call(r.s, corral_instance_func(r.inst, "peek"), &a, 1, &res, 1),
                        "out of bounds memory access");
    region_end(&r);

    /* The region (4 pages) is below the limit (16): the ops refuse the 5th. */
    memset(region, 0xEE, sizeof region);
    assert_null(region_start(&r, 1, 16 * PAGE));
    assert_int_equal(region_call(&r, "grow", 3), 1);
    assert_int_equal(region_call(&r, "peek", 4 * PAGE - 1), 0);
    assert_int_equal(region_call(&r, "grow", 1), -1);
    assert_int_equal(region_call(&r, "grow", 0x10000), -1); /* past 4 GiB: never asked */
    assert_int_equal(region_call(&r, "size", 0), 4);
    corral_instance_memory(r.inst, NULL, &size);
    assert_int_equal(size, 4 * PAGE);
    region_end(&r);

    /* A minimum larger than the region: instantiation runs out of memory;
     * larger than the limit: refused before the ops are asked. */
    assert_string_equal(region_start(&r, 5, 16 * PAGE), "out of memory");
    region_end(&r);
    assert_string_equal(region_start(&r, 3, 2 * PAGE), "memory minimum exceeds the memory limit");
    region_end(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_objects_use_their_allocator),
        cmocka_unit_test(test_nothing_to_give),
        cmocka_unit_test(test_fixed_region_memory),
        cmocka_unit_test(test_sweep_wat_modules),
        cmocka_unit_test(test_sweep_spec_modules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
