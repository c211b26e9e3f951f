/*
 * test_hardening_vm.c - the engine findings of issue 10, one regression
 * test each: import matching of limits at their largest maxima, bulk
 * operations on an empty memory, loading many exports (and a load cut
 * short by the timeout), fuel and interruption of bulk work and of
 * zeroing locals, and the store's budget for tables and instance state.
 *
 * Fuel costs are counted as in test_fuel.c (every instruction but nop,
 * drop, block, loop, unreachable, return, else and end costs 1), plus
 * the rates of vm/limits.h for the work of bulk operations and locals.
 */
#define _POSIX_C_SOURCE 200809L
#include <time.h>

#include "test_wasm.h"

#define FUEL_MSG "all fuel consumed by WebAssembly"
#define PAGE 65536

static corral_engine *fuel_engine;  /* consume_fuel = 1 */
static corral_engine *plain_engine; /* consume_fuel = 0 */

static int setup(void **state)
{
    (void)state;
    corral_config cfg = {.consume_fuel = 1};
    fuel_engine = corral_engine_new(&cfg);
    plain_engine = corral_engine_new(NULL);
    return fuel_engine && plain_engine ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    corral_engine_free(fuel_engine);
    corral_engine_free(plain_engine);
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Load raw bytes; returns the error (NULL: *out is the module). */
static const char *load(corral_engine *e, const uint8_t *bytes, size_t len, corral_module **out)
{
    *out = NULL;
    return corral_module_new(e, bytes, len, out, NULL);
}

typedef struct {
    corral_store *s;
    corral_linker *l;
    corral_instance *inst;
} ctx;

static const char *host_stop(corral_caller *c, void *env, const uint64_t *args, uint64_t *res)
{
    (void)env;
    (void)args;
    (void)res;
    corral_store_interrupt(corral_caller_store(c));
    return NULL;
}

/* Instantiate m in a new store with limits lim (NULL: defaults) and, on
 * the fuel engine, the given fuel; "env" "stop" interrupts the store. */
static const char *open_ctx(ctx *c, corral_engine *e, const corral_module *m,
                            const corral_limits *lim, uint64_t fuel)
{
    c->s = corral_store_new(e, lim);
    assert_non_null(c->s);
    if (e == fuel_engine)
        tw_assert_ok(corral_store_set_fuel(c->s, fuel));
    c->l = corral_linker_new(c->s);
    assert_non_null(c->l);
    tw_assert_ok(corral_linker_define_func(c->l, "env", "stop", ":", host_stop, NULL));
    c->inst = NULL;
    return corral_instantiate(c->l, m, &c->inst);
}

static void close_ctx(ctx *c)
{
    corral_linker_free(c->l);
    corral_store_free(c->s);
    memset(c, 0, sizeof *c);
}

/* Call export name with one i32 argument (or none when nargs is 0). */
static const char *call1(ctx *c, const char *name, int nargs, int32_t arg, int64_t *out)
{
    corral_func *f = corral_instance_func(c->inst, name);
    if (!f)
        fail_msg("no export %s", name);
    corral_val a[1] = {tw_i32(arg)}, r[1];
    uint32_t nres = 0;
    corral_func_type(f, NULL, NULL, &nres, NULL);
    memset(r, 0, sizeof r);
    const char *err = corral_call(c->s, f, a, (uint32_t)nargs, r, nres);
    if (!err && nres && out)
        *out = r[0].type == CORRAL_I64 ? r[0].of.i64 : r[0].of.i32;
    return err;
}

/* ---- 1. import matching: a maximum at the largest value is a maximum ---------- */

static corral_module *exporter(int64_t mem_max, int64_t table_max)
{
    tw_mod m = {0};
    tw_memory(&m, 0, mem_max);
    tw_table(&m, 0, table_max);
    tw_export(&m, "mem", CORRAL_EXTERN_MEMORY, 0);
    tw_export(&m, "tab", CORRAL_EXTERN_TABLE, 0);
    return tw_load(plain_engine, &m, "hard_exporter");
}

static corral_module *importer(int64_t mem_max, int64_t table_max)
{
    tw_mod m = {0};
    tw_import_memory(&m, "a", "mem", 0, mem_max);
    tw_import_table(&m, "a", "tab", 0, table_max);
    return tw_load(plain_engine, &m, "hard_importer");
}

/* Instantiate the exporter, link it as "a", and the importer against it. */
static const char *link_pair(int64_t emem, int64_t etab, int64_t imem, int64_t itab)
{
    corral_module *ex = exporter(emem, etab), *im = importer(imem, itab);
    corral_store *s = corral_store_new(plain_engine, NULL);
    corral_linker *l = corral_linker_new(s);
    corral_instance *a = NULL, *b = NULL;
    tw_assert_ok(corral_instantiate(l, ex, &a));
    tw_assert_ok(corral_linker_define_instance(l, "a", a));
    const char *err = corral_instantiate(l, im, &b);
    corral_linker_free(l);
    corral_store_free(s);
    corral_module_free(ex);
    corral_module_free(im);
    return err;
}

static void test_import_limits_max_65536(void **state)
{
    (void)state;
    const int64_t mmax = 65536, tmax = 0xFFFFFFFFll;
    /* the exported limits satisfy an identical import (spec 4.5.2) */
    tw_assert_ok(link_pair(mmax, tmax, mmax, tmax));
    tw_assert_ok(link_pair(mmax, -1, mmax, -1));
    tw_assert_ok(link_pair(-1, tmax, -1, tmax));
    /* an import without a maximum takes any */
    tw_assert_ok(link_pair(mmax, tmax, -1, -1));
    tw_assert_ok(link_pair(-1, -1, -1, -1));
    /* no maximum does not satisfy an import that names one, even the largest */
    tw_assert_msg(link_pair(-1, tmax, mmax, tmax), "incompatible import type");
    tw_assert_msg(link_pair(mmax, -1, mmax, tmax), "incompatible import type");
    /* and a smaller maximum is still required to be no larger */
    tw_assert_ok(link_pair(100, 100, mmax, tmax));
    tw_assert_msg(link_pair(mmax, 100, 100, 100), "incompatible import type");
    tw_assert_msg(link_pair(100, tmax, 100, 100), "incompatible import type");
}

/* ---- 2. bulk operations on a memory of 0 pages (no base pointer) --------------- */

static void test_bulk_ops_zero_pages(void **state)
{
    (void)state;
    tw_mod m = {0};
    tw_memory(&m, 0, -1);
    tw_table(&m, 0, -1);
    /* memory.fill 0 0 0, memory.copy 0 0 0, memory.init 0 of an empty
     * passive segment, table.fill/copy/init of nothing */
    tw_export(&m, "fill", CORRAL_EXTERN_FUNC,
              tw_func(&m, ":", "", "41 00 | 41 00 | 41 00 | fc 0b 00"));
    tw_export(&m, "copy", CORRAL_EXTERN_FUNC,
              tw_func(&m, ":", "", "41 00 | 41 00 | 41 00 | fc 0a 00 00"));
    tw_export(&m, "init", CORRAL_EXTERN_FUNC,
              tw_func(&m, ":", "", "41 00 | 41 00 | 41 00 | fc 08 00 00"));
    tw_export(&m, "tfill", CORRAL_EXTERN_FUNC,
              tw_func(&m, ":", "", "41 00 | d0 70 | 41 00 | fc 11 00"));
    tw_export(&m, "tcopy", CORRAL_EXTERN_FUNC,
              tw_func(&m, ":", "", "41 00 | 41 00 | 41 00 | fc 0e 00 00"));
    tw_export(&m, "tinit", CORRAL_EXTERN_FUNC,
              tw_func(&m, ":", "", "41 00 | 41 00 | 41 00 | fc 0c 00 00"));
    /* past the end of the empty memory: still a trap */
    tw_export(&m, "fill1", CORRAL_EXTERN_FUNC,
              tw_func(&m, ":", "", "41 00 | 41 00 | 41 01 | fc 0b 00"));
    tw_passive_data(&m, "", 0);
    tw_passive_elem(&m, NULL, 0);
    /* an active data segment of 0 bytes at 0 applies to the empty memory */
    tw_data(&m, 0, "", 0);
    corral_module *mod = tw_load(plain_engine, &m, "hard_zero_pages");
    ctx c;
    tw_assert_ok(open_ctx(&c, plain_engine, mod, NULL, 0));
    static const char *const fns[] = {"fill", "copy", "init", "tfill", "tcopy", "tinit"};
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
        tw_assert_ok(call1(&c, fns[i], 0, 0, NULL));
    tw_assert_msg(call1(&c, "fill1", 0, 0, NULL), "out of bounds memory access");
    uint8_t b;
    tw_assert_ok(corral_memory_read(c.inst, 0, &b, 0));
    tw_assert_ok(corral_memory_write(c.inst, 0, &b, 0));
    close_ctx(&c);
    corral_module_free(mod);
}

/* ---- 3. loading is linear in the exports; the timeout covers loading ------------ */

/* A module of n function exports "e<i>" of one function; dup: the last
 * name repeats the first. */
static uint8_t *exports_module(uint32_t n, int dup, size_t *len)
{
    tw_mod m = {0};
    uint32_t f = tw_func(&m, ":", "", "");
    char name[32];
    for (uint32_t i = 0; i < n; i++) {
        snprintf(name, sizeof name, "e%u", dup && i == n - 1 ? 0u : (unsigned)i);
        tw_export(&m, name, CORRAL_EXTERN_FUNC, f);
    }
    return tw_finish(&m, len);
}

static void test_exports_100000_load_linear(void **state)
{
    (void)state;
    size_t len;
    uint8_t *bytes = exports_module(100000, 0, &len);
    corral_module *mod;
    double t0 = now_s();
    tw_assert_ok(load(plain_engine, bytes, len, &mod));
    double dt = now_s() - t0;
    assert_int_equal(corral_module_export_count(mod), 100000);
    corral_module_free(mod);
    free(bytes);
    /* quadratic checking took 9 s here; linear takes milliseconds */
    if (dt > 2.0)
        fail_msg("loading 100,000 exports took %.2f s", dt);
    /* duplicates are still found, wherever they are */
    bytes = exports_module(100000, 1, &len);
    tw_assert_msg(load(plain_engine, bytes, len, &mod), "duplicate export name");
    assert_null(mod);
    free(bytes);
    bytes = exports_module(2, 1, &len);
    tw_assert_msg(load(plain_engine, bytes, len, &mod), "duplicate export name");
    free(bytes);
    /* names that differ only after a NUL byte are different */
    static const uint8_t nul_names[] = {
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
        0x01, 0x04, 0x01, 0x60, 0x00, 0x00,                   /* type () -> () */
        0x03, 0x02, 0x01, 0x00,                               /* func 0 */
        0x07, 0x0d, 0x02, 0x03, 'a', 0x00, 'b', 0x00, 0x00,  /* "a\0b" */
        0x03, 'a', 0x00, 'c', 0x00, 0x00,                     /* "a\0c" */
        0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b};
    tw_assert_ok(load(plain_engine, nul_names, sizeof nul_names, &mod));
    corral_module_free(mod);
}

/* Linking an instance of 100,000 exports, then importing from it, is not
 * quadratic either; a later definition still replaces an earlier one. */
static void test_exports_100000_link_linear(void **state)
{
    (void)state;
    size_t len;
    uint8_t *bytes = exports_module(100000, 0, &len);
    corral_module *ex, *im;
    tw_assert_ok(load(plain_engine, bytes, len, &ex));
    free(bytes);
    tw_mod m = {0};
    char name[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(name, sizeof name, "e%d", 99999 - i * 100);
        tw_import_func(&m, "a", name, ":");
    }
    im = tw_load(plain_engine, &m, "hard_import_1000");
    corral_store *s = corral_store_new(plain_engine, NULL);
    corral_linker *l = corral_linker_new(s);
    corral_instance *a = NULL, *b = NULL;
    double t0 = now_s();
    tw_assert_ok(corral_instantiate(l, ex, &a));
    tw_assert_ok(corral_linker_define_instance(l, "a", a));
    tw_assert_ok(corral_linker_define_instance(l, "a", a)); /* again: replaces */
    tw_assert_ok(corral_instantiate(l, im, &b));
    double dt = now_s() - t0;
    if (dt > 2.0)
        fail_msg("linking 100,000 exports took %.2f s", dt);
    /* a host function defined later under an exported name wins */
    tw_assert_ok(corral_linker_define_func(l, "a", "e99999", "i:", host_stop, NULL));
    tw_assert_msg(corral_instantiate(l, im, &b), "incompatible import type");
    corral_linker_free(l);
    corral_store_free(s);
    corral_module_free(ex);
    corral_module_free(im);
}

/* A module whose code takes a while to load: many functions, each a long
 * run of i32.const 1 / drop. */
static uint8_t *slow_module(uint32_t nfuncs, uint32_t ninstrs, size_t *len)
{
    tw_mod m = {0};
    size_t blen = (size_t)ninstrs * 6 + 1;
    char *body = malloc(blen);
    assert_non_null(body);
    for (uint32_t i = 0; i < ninstrs; i++)
        memcpy(body + 6 * (size_t)i, "41011a", 6);
    body[6 * (size_t)ninstrs] = 0;
    for (uint32_t i = 0; i < nfuncs; i++)
        tw_func(&m, ":", "", body);
    free(body);
    tw_export(&m, "_start", CORRAL_EXTERN_FUNC, 0);
    return tw_finish(&m, len);
}

static void test_load_timeout(void **state)
{
    (void)state;
    /* an interrupted engine refuses to load, and loads again once cleared */
    size_t len;
    uint8_t *bytes = slow_module(2, 10, &len);
    corral_module *mod;
    corral_engine_interrupt(plain_engine);
    tw_assert_msg(load(plain_engine, bytes, len, &mod), "interrupted while loading");
    assert_null(mod);
    corral_engine_clear_interrupt(plain_engine);
    tw_assert_ok(load(plain_engine, bytes, len, &mod));
    corral_module_free(mod);
    free(bytes);

    /* corral_run: the timeout's clock starts before loading, and stops a
     * load that takes longer (some 18 MB of code) */
    bytes = slow_module(2000, 3000, &len);
    corral_run_options o;
    memset(&o, 0, sizeof o);
    o.timeout_ms = 20;
    o.capture_cap = 1024;
    corral_run_result r;
    double t0 = now_s();
    corral_run(bytes, len, &o, &r);
    double dt = now_s() - t0;
    assert_int_equal(r.outcome, CORRAL_RUN_LOAD_ERROR);
    assert_true(r.timed_out);
    assert_non_null(r.error);
    if (!strstr(r.error, "timeout while loading"))
        fail_msg("expected a load timeout, got \"%s\"", r.error);
    corral_run_result_free(&r);
    free(bytes);
    if (dt > 5.0)
        fail_msg("the load went on for %.2f s after a 20 ms timeout", dt);
}

/* ---- 4. bulk work and locals cost fuel in proportion, and can be interrupted ---- */

/* Fuel rates (vm/limits.h): one unit per 64 bytes, per 8 table elements,
 * per 8 declared locals, on top of the instruction's own 1. */
static corral_module *bulk_module(corral_engine *e)
{
    tw_mod m = {0};
    tw_import_func(&m, "env", "stop", ":"); /* func 0 */
    tw_memory(&m, 4, -1);
    tw_table(&m, 20000, -1);
    /* each 4 + work: three operands, then the operation */
    tw_export(&m, "fill", CORRAL_EXTERN_FUNC,
              tw_func(&m, "i:", "", "41 00 | 41 ab 01 | 20 00 | fc 0b 00"));
    tw_export(&m, "copy", CORRAL_EXTERN_FUNC,
              tw_func(&m, "i:", "", "41 80 80 04 | 41 00 | 20 00 | fc 0a 00 00"));
    tw_export(&m, "init", CORRAL_EXTERN_FUNC,
              tw_func(&m, "i:", "", "41 00 | 41 00 | 20 00 | fc 08 00 00"));
    tw_export(&m, "copy_down", CORRAL_EXTERN_FUNC,
              tw_func(&m, "i:", "", "41 00 | 41 80 80 04 | 20 00 | fc 0a 00 00"));
    tw_export(&m, "tfill", CORRAL_EXTERN_FUNC,
              tw_func(&m, "i:", "", "41 00 | d2 01 | 20 00 | fc 11 00"));
    tw_export(&m, "tcopy", CORRAL_EXTERN_FUNC,
              tw_func(&m, "i:", "", "41 90 ce 00 | 41 00 | 20 00 | fc 0e 00 00"));
    tw_export(&m, "tinit", CORRAL_EXTERN_FUNC,
              tw_func(&m, "i:", "", "41 00 | 41 00 | 20 00 | fc 0c 00 00"));
    /* fill, then i32.const 7 (1): 5 + work; the fill happens at 4 + work */
    tw_export(&m, "fill_then", CORRAL_EXTERN_FUNC,
              tw_func(&m, "i:i", "", "41 00 | 41 ab 01 | 20 00 | fc 0b 00 | 41 07"));
    /* a function with 800 locals: 1 + 800 / 8 */
    char locals[801];
    memset(locals, 'I', 800);
    locals[800] = 0;
    tw_export(&m, "locals", CORRAL_EXTERN_FUNC, tw_func(&m, ":i", locals, "41 07"));
    /* stop (interrupt the store), then fill n bytes from 0 */
    tw_export(&m, "stop_fill", CORRAL_EXTERN_FUNC,
              tw_func(&m, "i:", "", "10 00 | 41 00 | 41 ab 01 | 20 00 | fc 0b 00"));
    tw_export(&m, "stop_tfill", CORRAL_EXTERN_FUNC,
              tw_func(&m, "i:", "", "10 00 | 41 00 | d2 01 | 20 00 | fc 11 00"));
    static const uint8_t data[4096] = {1};
    tw_passive_data(&m, data, sizeof data);
    uint32_t funcs[4000];
    for (size_t i = 0; i < 4000; i++)
        funcs[i] = 1;
    tw_passive_elem(&m, funcs, 4000);
    return tw_load(e, &m, "hard_bulk");
}

static const struct {
    const char *name;
    int32_t n;
    uint64_t cost;
} bulk_costs[] = {
    {"fill", 0, 4},           {"fill", 63, 4},         {"fill", 64, 5},
    {"fill", 4 * PAGE, 4 + 4 * PAGE / 64},
    {"copy", 3 * PAGE, 4 + 3 * PAGE / 64},
    {"init", 4096, 4 + 4096 / 64},
    {"tfill", 7, 4},          {"tfill", 20000, 4 + 20000 / 8},
    {"tcopy", 10000, 4 + 10000 / 8},
    {"tinit", 4000, 4 + 4000 / 8},
    {"fill_then", 6400, 5 + 100},
    {"locals", 0, 1 + 100},
};

/* Fuel used by one call on a fresh instance with the given budget. */
static uint64_t bulk_cost(const corral_module *mod, const char *name, int32_t n, uint64_t budget,
                          const char **err, uint8_t *first)
{
    ctx c;
    tw_assert_ok(open_ctx(&c, fuel_engine, mod, NULL, budget));
    corral_func *f = corral_instance_func(c.inst, name);
    uint32_t np = 0;
    corral_func_type(f, &np, NULL, NULL, NULL);
    *err = call1(&c, name, (int)np, n, NULL);
    uint64_t used = corral_store_fuel_used(c.s);
    tw_assert_ok(corral_memory_read(c.inst, 0, first, 1));
    close_ctx(&c);
    return used;
}

static void test_bulk_fuel_proportional(void **state)
{
    (void)state;
    corral_module *mod = bulk_module(fuel_engine);
    int bad = 0;
    for (size_t i = 0; i < sizeof bulk_costs / sizeof bulk_costs[0]; i++) {
        const char *name = bulk_costs[i].name, *err;
        uint64_t cost = bulk_costs[i].cost;
        uint8_t first;
        /* exact: the cost succeeds, one less runs out having used it all */
        uint64_t used = bulk_cost(mod, name, bulk_costs[i].n, UINT64_MAX, &err, &first);
        if (err || used != cost) {
            print_error("  %s(%d): used %llu (want %llu), err %s\n", name, bulk_costs[i].n,
                        (unsigned long long)used, (unsigned long long)cost, err ? err : "none");
            bad++;
        }
        used = bulk_cost(mod, name, bulk_costs[i].n, cost, &err, &first);
        if (err || used != cost) {
            print_error("  %s(%d) budget %llu: used %llu, err %s\n", name, bulk_costs[i].n,
                        (unsigned long long)cost, (unsigned long long)used, err ? err : "none");
            bad++;
        }
        used = bulk_cost(mod, name, bulk_costs[i].n, cost - 1, &err, &first);
        if (!err || strcmp(err, FUEL_MSG) != 0 || used != cost - 1) {
            print_error("  %s(%d) budget %llu: used %llu, err %s\n", name, bulk_costs[i].n,
                        (unsigned long long)cost - 1, (unsigned long long)used,
                        err ? err : "none");
            bad++;
        }
        /* a fill that cannot be paid for in full does nothing; one that can
         * is done even when what follows it runs out */
        if (strcmp(name, "fill") == 0 && bulk_costs[i].n > 0 && first != 0) {
            print_error("  fill(%d): wrote memory without the fuel for it\n", bulk_costs[i].n);
            bad++;
        }
        if (strcmp(name, "fill_then") == 0 && first != 0xab) {
            print_error("  fill_then: the paid-for fill did not happen\n");
            bad++;
        }
    }
    /* a 1 GiB fill is not one unit: far past a budget of 1000 */
    const char *err;
    uint8_t first;
    uint64_t used = bulk_cost(mod, "fill", 4 * PAGE, 1000, &err, &first);
    tw_assert_msg(err, FUEL_MSG);
    assert_int_equal(used, 1000);
    assert_int_equal(first, 0);
    corral_module_free(mod);
    if (bad)
        fail_msg("%d bulk fuel counts wrong", bad);
}

/* The store is interrupted right before a bulk operation: with no loop
 * back-edge or call after it, only the operation itself can notice. */
static void test_bulk_interruptible(void **state)
{
    (void)state;
    corral_engine *engines[2] = {plain_engine, fuel_engine};
    for (int i = 0; i < 2; i++) {
        corral_module *mod = bulk_module(engines[i]);
        ctx c;
        tw_assert_ok(open_ctx(&c, engines[i], mod, NULL, UINT64_MAX));
        tw_assert_msg(call1(&c, "stop_fill", 1, 4 * PAGE, NULL), "interrupt");
        /* stopped after a chunk: the last page is untouched */
        uint8_t b = 0;
        tw_assert_ok(corral_memory_read(c.inst, 4 * PAGE - 1, &b, 1));
        assert_int_equal(b, 0);
        corral_store_clear_interrupt(c.s);
        tw_assert_msg(call1(&c, "stop_tfill", 1, 20000, NULL), "interrupt");
        corral_store_clear_interrupt(c.s);
        /* small ones finish: the check is between chunks */
        tw_assert_ok(call1(&c, "stop_fill", 1, 100, NULL));
        corral_store_clear_interrupt(c.s);
        tw_assert_ok(call1(&c, "fill", 1, 4 * PAGE, NULL));
        close_ctx(&c);
        corral_module_free(mod);
    }
}

/* Copies of many chunks between overlapping ranges, both ways. */
static void test_bulk_copy_overlap_chunks(void **state)
{
    (void)state;
    corral_module *mod = bulk_module(plain_engine);
    static uint8_t pat[4 * PAGE], got[4 * PAGE];
    for (size_t i = 0; i < sizeof pat; i++)
        pat[i] = (uint8_t)(i % 251 + 1);
    for (int down = 0; down < 2; down++) {
        ctx c;
        tw_assert_ok(open_ctx(&c, plain_engine, mod, NULL, 0));
        tw_assert_ok(corral_memory_write(c.inst, 0, pat, sizeof pat));
        /* up: [0, 3 pages) to [1 page, 4 pages); down: the reverse */
        tw_assert_ok(call1(&c, down ? "copy_down" : "copy", 1, 3 * PAGE, NULL));
        tw_assert_ok(corral_memory_read(c.inst, 0, got, sizeof got));
        if (down) {
            assert_memory_equal(got, pat + PAGE, 3 * PAGE);
            assert_memory_equal(got + 3 * PAGE, pat + 3 * PAGE, PAGE);
        } else {
            assert_memory_equal(got, pat, PAGE);
            assert_memory_equal(got + PAGE, pat, 3 * PAGE);
        }
        close_ctx(&c);
    }
    corral_module_free(mod);
}

/* ---- 5. tables and instance state count against the store's budget -------------- */

static corral_module *tables_module(uint32_t ntables, uint32_t min)
{
    tw_mod m = {0};
    for (uint32_t i = 0; i < ntables; i++)
        tw_table(&m, min, -1);
    /* table.grow 0 (ref.null, n) */
    tw_export(&m, "tgrow", CORRAL_EXTERN_FUNC, tw_func(&m, "i:i", "", "d0 70 | 20 00 | fc 0f 00"));
    return tw_load(plain_engine, &m, "hard_tables");
}

static void test_tables_store_budget(void **state)
{
    (void)state;
    /* 20 tables of 10M elements: each within the per-table limit, 1.6 GB
     * together, far past the default budget */
    corral_module *mod = tables_module(20, 10000000);
    ctx c;
    tw_assert_msg(open_ctx(&c, plain_engine, mod, NULL, 0), "instance state exceeds");
    close_ctx(&c);
    corral_module_free(mod);

    corral_limits lim;
    corral_limits_default(&lim);
    lim.max_instance_bytes = 1 << 20;
    /* two tables of 100,000 (800 KB each) do not fit in 1 MiB; one does */
    mod = tables_module(2, 100000);
    tw_assert_msg(open_ctx(&c, plain_engine, mod, &lim, 0), "instance state exceeds");
    close_ctx(&c);
    corral_module_free(mod);
    mod = tables_module(1, 100000);
    tw_assert_ok(open_ctx(&c, plain_engine, mod, &lim, 0));
    int64_t r = 0;
    /* growth stays in the budget: -1 past it, and the table keeps its size */
    tw_assert_ok(call1(&c, "tgrow", 1, 100000, &r));
    assert_int_equal(r, -1);
    tw_assert_ok(call1(&c, "tgrow", 1, 1000, &r));
    assert_int_equal(r, 100000);
    tw_assert_ok(call1(&c, "tgrow", 1, 0, &r));
    assert_int_equal(r, 101000);
    close_ctx(&c);
    corral_module_free(mod);

    /* globals count too */
    tw_mod m = {0};
    for (int i = 0; i < 1000; i++)
        tw_global(&m, 'I', 1, "42 00");
    mod = tw_load(plain_engine, &m, "hard_globals");
    lim.max_instance_bytes = 4096;
    tw_assert_msg(open_ctx(&c, plain_engine, mod, &lim, 0), "instance state exceeds");
    close_ctx(&c);
    lim.max_instance_bytes = 1 << 20;
    tw_assert_ok(open_ctx(&c, plain_engine, mod, &lim, 0));
    close_ctx(&c);
    corral_module_free(mod);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_import_limits_max_65536),
        cmocka_unit_test(test_bulk_ops_zero_pages),
        cmocka_unit_test(test_exports_100000_load_linear),
        cmocka_unit_test(test_exports_100000_link_linear),
        cmocka_unit_test(test_load_timeout),
        cmocka_unit_test(test_bulk_fuel_proportional),
        cmocka_unit_test(test_bulk_interruptible),
        cmocka_unit_test(test_bulk_copy_overlap_chunks),
        cmocka_unit_test(test_tables_store_budget),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
