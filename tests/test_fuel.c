/*
 * test_fuel.c - the resource limits of a store: fuel (Wasmtime's cost
 * table, counted exactly), linear memory and table caps, the wasm stack
 * cap, and interruption (flag set before the call, and from another
 * thread while the guest spins).
 *
 * Fuel costs are counted by hand in the comments next to each body:
 * nop, drop, block, loop, unreachable, return, else and end cost 0;
 * every other instruction (calls, local.get, br, ...) costs 1.  A budget
 * of N lets the guest execute instructions worth exactly N and traps at
 * the first instruction whose cost would pass it.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdatomic.h>
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

/* ---- instances ------------------------------------------------------------ */

typedef struct {
    corral_store *s;
    corral_linker *l;
    corral_instance *inst;
} ctx;

static int host_calls;

static const char *host_count(corral_caller *c, void *env, const uint64_t *args,
                              uint64_t *results)
{
    (void)c;
    (void)env;
    (void)args;
    (void)results;
    host_calls++;
    return NULL;
}

/* A store with unlimited fuel (when the engine counts it) and an
 * instance of m; "env" "count" (":") is available as an import. */
static void ctx_open(ctx *c, corral_engine *e, const corral_module *m, const corral_limits *lim)
{
    c->s = corral_store_new(e, lim);
    assert_non_null(c->s);
    if (e == fuel_engine)
        tw_assert_ok(corral_store_set_fuel(c->s, UINT64_MAX));
    c->l = corral_linker_new(c->s);
    assert_non_null(c->l);
    tw_assert_ok(corral_linker_define_func(c->l, "env", "count", ":", host_count, NULL));
    c->inst = NULL;
    tw_assert_ok(corral_instantiate(c->l, m, &c->inst));
    assert_non_null(c->inst);
}

static void ctx_close(ctx *c)
{
    corral_linker_free(c->l);
    corral_store_free(c->s);
    memset(c, 0, sizeof *c);
}

/* Call export name with i32 arguments; results (i32 or i64) go to out. */
static const char *call(ctx *c, const char *name, const int32_t *args, uint32_t nargs,
                        int64_t *out)
{
    corral_func *f = corral_instance_func(c->inst, name);
    if (!f)
        fail_msg("no export %s", name);
    corral_val a[4], r[1];
    assert_true(nargs <= 4);
    for (uint32_t i = 0; i < nargs; i++)
        a[i] = tw_i32(args[i]);
    uint32_t npar = 0, nres = 0;
    corral_func_type(f, &npar, NULL, &nres, NULL);
    assert_int_equal(npar, nargs);
    assert_true(nres <= 1);
    memset(r, 0, sizeof r);
    const char *err = corral_call(c->s, f, a, nargs, r, nres);
    if (!err && nres && out)
        *out = r[0].type == CORRAL_I64 ? r[0].of.i64 : r[0].of.i32;
    return err;
}

/* ---- fuel ------------------------------------------------------------------- */

/* Functions with hand-counted costs.  All are exported by name. */
static corral_module *fuel_module(void)
{
    tw_mod m = {0};
    tw_import_func(&m, "env", "count", ":"); /* func 0 */
    tw_memory(&m, 1, -1);
    tw_table(&m, 1, 1);

    /* func 1, type 1 (":i"): 41 = 1 */
    uint32_t g = tw_func(&m, ":i", "", "41 29");
    if (tw_type(&m, ":i") != 1 || g != 1)
        abort(); /* the bodies below hard-code these indices */
    tw_export(&m, "g", CORRAL_EXTERN_FUNC, g);
    tw_elem(&m, 0, &g, 1);

    /* i32.const 1 (1), i32.const 2 (1), i32.add (1), end (0) = 3 */
    tw_export(&m, "add", CORRAL_EXTERN_FUNC, tw_func(&m, ":i", "", "41 01 | 41 02 | 6a"));
    /* nop block nop end (0) i32.const (1) drop (0) i32.const (1) = 2 */
    tw_export(&m, "zeros", CORRAL_EXTERN_FUNC,
              tw_func(&m, ":i", "", "01 | 02 40 | 01 | 0b | 41 05 | 1a | 41 07"));
    /* only zero-cost instructions = 0 */
    tw_export(&m, "nops", CORRAL_EXTERN_FUNC,
              tw_func(&m, ":", "", "01 | 01 | 02 40 | 03 40 | 01 | 0b | 0b | 0f"));
    /* unreachable costs 0: traps "unreachable" even with no fuel */
    tw_export(&m, "unreachable", CORRAL_EXTERN_FUNC, tw_func(&m, ":", "", "00"));
    /* loop body: local.get, i32.const, i32.add, local.tee, local.get,
     * i32.lt_s, br_if = 7 per iteration, max(n,1) iterations, then
     * local.get = 1: cost 7 * max(n, 1) + 1 */
    tw_export(&m, "loop", CORRAL_EXTERN_FUNC,
              tw_func(&m, "i:i", "i",
                      "03 40 | 20 01 | 41 01 | 6a | 22 01 | 20 00 | 48 | 0d 00 | 0b | 20 01"));
    /* call g (1) + g (1) + i32.const (1) + i32.add (1) = 4 */
    tw_export(&m, "call", CORRAL_EXTERN_FUNC, tw_func(&m, ":i", "", "10 01 | 41 01 | 6a"));
    /* i32.const 0 (1), call_indirect type 1 (1), g (1) = 3 */
    tw_export(&m, "call_indirect", CORRAL_EXTERN_FUNC, tw_func(&m, ":i", "", "41 00 | 11 01 00"));
    /* local.get (1), if (1), i32.const (1), else/end (0) = 3 on both arms */
    tw_export(&m, "if", CORRAL_EXTERN_FUNC,
              tw_func(&m, "i:i", "", "20 00 | 04 7f | 41 01 | 05 | 41 02 | 0b"));
    /* block (0), br (1), [dead code], end (0), i32.const (1) = 2 */
    tw_export(&m, "br", CORRAL_EXTERN_FUNC,
              tw_func(&m, ":i", "", "02 40 | 0c 00 | 41 05 | 1a | 0b | 41 00"));
    /* i32.const (1), return (0) = 1 */
    tw_export(&m, "return", CORRAL_EXTERN_FUNC, tw_func(&m, ":i", "", "41 05 | 0f | 41 06 | 1a"));
    /* local.get (1), br_table (1); case 0: i32.const, i32.const, i32.add (3),
     * return (0) = 5; default: i32.const (1) = 3 */
    tw_export(&m, "br_table", CORRAL_EXTERN_FUNC,
              tw_func(&m, "i:i", "",
                      "02 40 | 02 40 | 20 00 | 0e 01 00 01 | 0b | 41 0a | 41 01 | 6a | 0f | 0b | "
                      "41 14"));
    /* three i32.const (3), select (1) = 4 */
    tw_export(&m, "select", CORRAL_EXTERN_FUNC,
              tw_func(&m, ":i", "", "41 01 | 41 02 | 41 00 | 1b"));
    /* sum(n) = n ? n + sum(n - 1) : 0.  n = 0: local.get, i32.eqz, if,
     * i32.const = 4.  n > 0: local.get, i32.eqz, if, local.get, local.get,
     * i32.const, i32.sub, call, i32.add = 9 + cost(n - 1).  cost = 4 + 9n */
    uint32_t sum_idx = m.nfuncs;
    char body[128];
    snprintf(body, sizeof body,
             "20 00 | 45 | 04 7f | 41 00 | 05 | 20 00 | 20 00 | 41 01 | 6b | 10 %02x | 6a | 0b",
             (unsigned)sum_idx);
    tw_export(&m, "sum", CORRAL_EXTERN_FUNC, tw_func(&m, "i:i", "", body));
    /* two stores: 3 each.  Fuel 3..5 leaves only the first one done */
    tw_export(&m, "stores", CORRAL_EXTERN_FUNC,
              tw_func(&m, ":", "", "41 00 | 41 0b | 36 02 00 | 41 04 | 41 16 | 36 02 00"));
    /* i32.const (1), drop (0), call count (1): the host runs only at 2 */
    tw_export(&m, "host", CORRAL_EXTERN_FUNC, tw_func(&m, ":", "", "41 01 | 1a | 10 00"));
    /* loop { br 0 }: 1 per iteration, forever */
    tw_export(&m, "spin", CORRAL_EXTERN_FUNC, tw_func(&m, ":", "", "03 40 | 0c 00 | 0b"));
    /* i32.const, drop, i32.const, drop, unreachable = 2, then trap */
    tw_export(&m, "trap_after_2", CORRAL_EXTERN_FUNC,
              tw_func(&m, ":", "", "41 01 | 1a | 41 02 | 1a | 00"));
    /* i32.const 1, i32.const 0, i32.div_s = 3, the last one traps */
    tw_export(&m, "div0", CORRAL_EXTERN_FUNC, tw_func(&m, ":i", "", "41 01 | 41 00 | 6d"));
    /* the same, with more of its straight-line segment after the trap:
     * that part is charged up front and must be given back */
    tw_export(&m, "div0_then", CORRAL_EXTERN_FUNC,
              tw_func(&m, ":i", "", "41 01 | 41 00 | 6d | 1a | 41 05 | 41 06 | 6a"));
    return tw_load(fuel_engine, &m, "fuel_module");
}

/* Fuel the call takes on a fresh instance, with the given budget;
 * *err receives the call's result. */
static uint64_t cost_of(const corral_module *mod, const char *name, const int32_t *args,
                        uint32_t nargs, uint64_t budget, const char **err, int64_t *out)
{
    ctx c;
    ctx_open(&c, fuel_engine, mod, NULL);
    tw_assert_ok(corral_store_set_fuel(c.s, budget));
    uint64_t before = corral_store_fuel_used(c.s);
    *err = call(&c, name, args, nargs, out);
    uint64_t used = corral_store_fuel_used(c.s) - before;
    ctx_close(&c);
    return used;
}

static const struct {
    const char *name;
    int32_t arg;
    int nargs;
    uint64_t cost;
    int64_t result;
} costs[] = {
    {"add", 0, 0, 3, 3},
    {"zeros", 0, 0, 2, 7},
    {"g", 0, 0, 1, 41},
    {"call", 0, 0, 4, 42},
    {"call_indirect", 0, 0, 3, 41},
    {"if", 1, 1, 3, 1},
    {"if", 0, 1, 3, 2},
    {"br", 0, 0, 2, 0},
    {"return", 0, 0, 1, 5},
    {"br_table", 0, 1, 5, 11},
    {"br_table", 7, 1, 3, 20},
    {"select", 0, 0, 4, 2},
    {"loop", 0, 1, 8, 1},
    {"loop", 1, 1, 8, 1},
    {"loop", 10, 1, 71, 10},
    {"loop", 1000, 1, 7001, 1000},
    {"sum", 0, 1, 4, 0},
    {"sum", 10, 1, 94, 55},
};

/* With unlimited fuel, each function uses exactly its cost. */
static void test_fuel_exact_cost(void **state)
{
    (void)state;
    corral_module *mod = fuel_module();
    int bad = 0;
    for (size_t i = 0; i < sizeof costs / sizeof costs[0]; i++) {
        const char *err;
        int64_t r = -12345;
        uint64_t used = cost_of(mod, costs[i].name, &costs[i].arg, (uint32_t)costs[i].nargs,
                                UINT64_MAX, &err, &r);
        if (err || used != costs[i].cost || r != costs[i].result) {
            print_error("  %s(%d): used %llu (want %llu), result %lld (want %lld), err %s\n",
                        costs[i].name, costs[i].arg, (unsigned long long)used,
                        (unsigned long long)costs[i].cost, (long long)r,
                        (long long)costs[i].result, err ? err : "none");
            bad++;
        }
    }
    corral_module_free(mod);
    if (bad)
        fail_msg("%d fuel counts wrong", bad);
}

/* Every budget from 0 to the cost: below it the call traps having used
 * the whole budget; at it the call succeeds. */
static void test_fuel_every_budget(void **state)
{
    (void)state;
    corral_module *mod = fuel_module();
    int bad = 0;
    for (size_t i = 0; i < sizeof costs / sizeof costs[0]; i++) {
        uint64_t cost = costs[i].cost;
        for (uint64_t b = 0; b <= cost + 1; b++) {
            if (cost > 100 && b > 3 && b + 3 < cost)
                continue; /* long loops: the edges are enough */
            const char *err;
            int64_t r = 0;
            uint64_t used =
                cost_of(mod, costs[i].name, &costs[i].arg, (uint32_t)costs[i].nargs, b, &err, &r);
            int ok;
            if (b < cost)
                ok = err && strcmp(err, FUEL_MSG) == 0 && used == b;
            else
                ok = !err && used == cost && r == costs[i].result;
            if (!ok) {
                print_error("  %s(%d) budget %llu: used %llu, err %s (cost %llu)\n",
                            costs[i].name, costs[i].arg, (unsigned long long)b,
                            (unsigned long long)used, err ? err : "none",
                            (unsigned long long)cost);
                bad++;
            }
        }
    }
    corral_module_free(mod);
    if (bad)
        fail_msg("%d budgets misbehaved", bad);
}

/* A long loop: exact at large counts too. */
static void test_fuel_long_loop(void **state)
{
    (void)state;
    corral_module *mod = fuel_module();
    const char *err;
    int64_t r = 0;
    int32_t n = 100000;
    uint64_t cost = 7 * (uint64_t)n + 1;
    assert_int_equal(cost_of(mod, "loop", &n, 1, cost, &err, &r), cost);
    tw_assert_ok(err);
    assert_int_equal(r, n);
    assert_int_equal(cost_of(mod, "loop", &n, 1, cost - 1, &err, &r), cost - 1);
    tw_assert_msg(err, FUEL_MSG);
    assert_int_equal(cost_of(mod, "spin", NULL, 0, 12345, &err, &r), 12345);
    tw_assert_msg(err, FUEL_MSG);
    corral_module_free(mod);
}

/* Zero-cost code runs with an empty tank; unreachable is one of it. */
static void test_fuel_zero_cost(void **state)
{
    (void)state;
    corral_module *mod = fuel_module();
    const char *err;
    int64_t r;
    assert_int_equal(cost_of(mod, "nops", NULL, 0, 0, &err, &r), 0);
    tw_assert_ok(err);
    assert_int_equal(cost_of(mod, "unreachable", NULL, 0, 0, &err, &r), 0);
    tw_assert_msg(err, "unreachable");
    corral_module_free(mod);
}

/* Traps other than fuel still report the fuel of what ran, including the
 * trapping instruction itself. */
static void test_fuel_other_traps(void **state)
{
    (void)state;
    corral_module *mod = fuel_module();
    const char *err;
    int64_t r;
    assert_int_equal(cost_of(mod, "trap_after_2", NULL, 0, UINT64_MAX, &err, &r), 2);
    tw_assert_msg(err, "unreachable");
    assert_int_equal(cost_of(mod, "div0", NULL, 0, UINT64_MAX, &err, &r), 3);
    tw_assert_msg(err, "integer divide by zero");
    /* with a budget of 2 the division never starts: fuel, not div0 */
    assert_int_equal(cost_of(mod, "div0", NULL, 0, 2, &err, &r), 2);
    tw_assert_msg(err, FUEL_MSG);
    /* a trap in mid-segment: fuel used counts up to the trapping division */
    for (uint64_t b = 3; b <= 7; b++) {
        assert_int_equal(cost_of(mod, "div0_then", NULL, 0, b == 7 ? UINT64_MAX : b, &err, &r), 3);
        tw_assert_msg(err, "integer divide by zero");
    }
    assert_int_equal(cost_of(mod, "div0_then", NULL, 0, 2, &err, &r), 2);
    tw_assert_msg(err, FUEL_MSG);
    corral_module_free(mod);
}

/* Everything before the fuel trap happened; nothing after it did. */
static void test_fuel_side_effects(void **state)
{
    (void)state;
    corral_module *mod = fuel_module();
    for (uint64_t b = 0; b <= 7; b++) {
        ctx c;
        ctx_open(&c, fuel_engine, mod, NULL);
        tw_assert_ok(corral_store_set_fuel(c.s, b));
        const char *err = call(&c, "stores", NULL, 0, NULL);
        int32_t w[2] = {-1, -1};
        tw_assert_ok(tw_read_i32(c.inst, 0, &w[0]));
        tw_assert_ok(tw_read_i32(c.inst, 4, &w[1]));
        if (w[0] != (b >= 3 ? 11 : 0) || w[1] != (b >= 6 ? 22 : 0) || (b >= 6) != !err)
            fail_msg("budget %llu: mem[0]=%d mem[4]=%d err=%s", (unsigned long long)b, w[0],
                     w[1], err ? err : "none");
        ctx_close(&c);
    }
    /* the host function runs only if its call instruction is paid for */
    for (uint64_t b = 0; b <= 3; b++) {
        ctx c;
        ctx_open(&c, fuel_engine, mod, NULL);
        tw_assert_ok(corral_store_set_fuel(c.s, b));
        host_calls = 0;
        const char *err = call(&c, "host", NULL, 0, NULL);
        if (host_calls != (b >= 2) || (b >= 2) != !err)
            fail_msg("budget %llu: host ran %d times, err=%s", (unsigned long long)b, host_calls,
                     err ? err : "none");
        ctx_close(&c);
    }
    corral_module_free(mod);
}

/* Fuel is per store: it carries over from call to call. */
static void test_fuel_across_calls(void **state)
{
    (void)state;
    corral_module *mod = fuel_module();
    ctx c;
    ctx_open(&c, fuel_engine, mod, NULL);
    tw_assert_ok(corral_store_set_fuel(c.s, 7));
    uint64_t before = corral_store_fuel_used(c.s);
    int64_t r = 0;
    tw_assert_ok(call(&c, "add", NULL, 0, &r));
    tw_assert_ok(call(&c, "add", NULL, 0, &r));
    assert_int_equal(corral_store_fuel_used(c.s) - before, 6);
    tw_assert_msg(call(&c, "add", NULL, 0, &r), FUEL_MSG);
    assert_int_equal(corral_store_fuel_used(c.s) - before, 7);
    /* refuelling makes the store usable again */
    tw_assert_ok(corral_store_set_fuel(c.s, 100));
    before = corral_store_fuel_used(c.s);
    tw_assert_ok(call(&c, "add", NULL, 0, &r));
    assert_int_equal(r, 3);
    assert_int_equal(corral_store_fuel_used(c.s) - before, 3);
    ctx_close(&c);
    corral_module_free(mod);
}

/* Without consume_fuel there is no fuel to set. */
static void test_fuel_needs_engine_flag(void **state)
{
    (void)state;
    corral_store *s = corral_store_new(plain_engine, NULL);
    assert_non_null(s);
    assert_non_null(corral_store_set_fuel(s, 10));
    assert_int_equal(corral_store_fuel_used(s), 0);
    corral_store_free(s);
}

/* ---- memory and table limits ------------------------------------------------ */

static corral_module *grow_module(corral_engine *e, uint64_t min, int64_t max)
{
    tw_mod m = {0};
    tw_memory(&m, min, max);
    tw_table(&m, 1, -1);
    tw_export(&m, "grow", CORRAL_EXTERN_FUNC, tw_func(&m, "i:i", "", "20 00 | 40 00"));
    tw_export(&m, "size", CORRAL_EXTERN_FUNC, tw_func(&m, ":i", "", "3f 00"));
    /* table.grow (ref.null func, n) and table.size */
    tw_export(&m, "tgrow", CORRAL_EXTERN_FUNC, tw_func(&m, "i:i", "", "d0 70 | 20 00 | fc 0f 00"));
    tw_export(&m, "tsize", CORRAL_EXTERN_FUNC, tw_func(&m, ":i", "", "fc 10 00"));
    /* store a byte at the last address of page 2 */
    tw_export(&m, "poke", CORRAL_EXTERN_FUNC,
              tw_func(&m, ":", "", "41 ff ff 07 | 41 2a | 3a 00 00"));
    return tw_load(e, &m, "fuel_grow_module");
}

static void test_memory_limit(void **state)
{
    (void)state;
    corral_limits lim;
    corral_limits_default(&lim);
    lim.max_memory_bytes = 2 * PAGE;
    corral_module *mod = grow_module(plain_engine, 1, -1);
    ctx c;
    ctx_open(&c, plain_engine, mod, &lim);
    int64_t r = 0;
    int32_t n;

    tw_assert_msg(call(&c, "poke", NULL, 0, NULL), "out of bounds memory access");
    n = 1;
    tw_assert_ok(call(&c, "grow", &n, 1, &r));
    assert_int_equal(r, 1);
    tw_assert_ok(call(&c, "poke", NULL, 0, NULL));
    tw_assert_ok(call(&c, "grow", &n, 1, &r));
    assert_int_equal(r, -1); /* past the limit */
    tw_assert_ok(call(&c, "size", NULL, 0, &r));
    assert_int_equal(r, 2); /* and memory.size does not lie */
    n = 0;
    tw_assert_ok(call(&c, "grow", &n, 1, &r));
    assert_int_equal(r, 2);
    n = -1; /* 2^32 - 1 pages */
    tw_assert_ok(call(&c, "grow", &n, 1, &r));
    assert_int_equal(r, -1);
    n = 0x10000;
    tw_assert_ok(call(&c, "grow", &n, 1, &r));
    assert_int_equal(r, -1);
    tw_assert_ok(call(&c, "size", NULL, 0, &r));
    assert_int_equal(r, 2);

    uint64_t size = 0;
    assert_non_null(corral_instance_memory(c.inst, NULL, &size));
    assert_int_equal(size, 2 * PAGE);
    assert_int_equal(corral_store_peak_memory(c.s), 2 * PAGE);
    uint8_t byte = 0;
    tw_assert_ok(corral_memory_read(c.inst, 2 * PAGE - 1, &byte, 1));
    assert_int_equal(byte, 42);
    tw_assert_msg(corral_memory_read(c.inst, 2 * PAGE, &byte, 1), "out of bounds memory access");
    ctx_close(&c);
    corral_module_free(mod);

    /* a minimum above the limit does not instantiate; at the limit it does */
    mod = grow_module(plain_engine, 3, -1);
    corral_store *s = corral_store_new(plain_engine, &lim);
    corral_linker *l = corral_linker_new(s);
    corral_instance *inst = (corral_instance *)&inst;
    const char *err = corral_instantiate(l, mod, &inst);
    assert_non_null(err);
    assert_null(inst);
    corral_module_free(mod);
    mod = grow_module(plain_engine, 2, 2);
    tw_assert_ok(corral_instantiate(l, mod, &inst));
    corral_linker_free(l);
    corral_store_free(s);
    corral_module_free(mod);

    /* the module's own maximum still applies below the store's limit */
    lim.max_memory_bytes = 16 * PAGE;
    mod = grow_module(plain_engine, 1, 3);
    ctx_open(&c, plain_engine, mod, &lim);
    n = 3;
    tw_assert_ok(call(&c, "grow", &n, 1, &r));
    assert_int_equal(r, -1);
    n = 2;
    tw_assert_ok(call(&c, "grow", &n, 1, &r));
    assert_int_equal(r, 1);
    assert_int_equal(corral_store_peak_memory(c.s), 3 * PAGE);
    ctx_close(&c);
    corral_module_free(mod);
}

static void test_table_limit(void **state)
{
    (void)state;
    corral_limits lim;
    corral_limits_default(&lim);
    lim.max_table_elems = 10;
    corral_module *mod = grow_module(plain_engine, 1, -1);
    ctx c;
    ctx_open(&c, plain_engine, mod, &lim);
    int64_t r = 0;
    int32_t n = 5;
    tw_assert_ok(call(&c, "tgrow", &n, 1, &r));
    assert_int_equal(r, 1);
    n = 10;
    tw_assert_ok(call(&c, "tgrow", &n, 1, &r));
    assert_int_equal(r, -1);
    tw_assert_ok(call(&c, "tsize", NULL, 0, &r));
    assert_int_equal(r, 6);
    n = 4;
    tw_assert_ok(call(&c, "tgrow", &n, 1, &r));
    assert_int_equal(r, 6);
    n = 1;
    tw_assert_ok(call(&c, "tgrow", &n, 1, &r));
    assert_int_equal(r, -1);
    ctx_close(&c);
    corral_module_free(mod);
}

/* ---- stack ------------------------------------------------------------------- */

static corral_module *stack_module(corral_engine *e)
{
    tw_mod m = {0};
    /* func 0: rec(n) = rec(n + 1), forever */
    tw_export(&m, "rec", CORRAL_EXTERN_FUNC, tw_func(&m, "i:i", "", "20 00 | 41 01 | 6a | 10 00"));
    /* func 1: sum(n) = n ? n + sum(n - 1) : 0 */
    tw_export(&m, "sum", CORRAL_EXTERN_FUNC,
              tw_func(&m, "i:i", "",
                      "20 00 | 45 | 04 7f | 41 00 | 05 | 20 00 | 20 00 | 41 01 | 6b | 10 01 | 6a | 0b"));
    /* func 2: recursion with many locals: the byte limit counts them */
    tw_export(&m, "fat", CORRAL_EXTERN_FUNC,
              tw_func(&m, "i:i", "IIIIIIIIIIIIIIIIIIIIIIIIIIIIIIII", "20 00 | 41 01 | 6a | 10 02"));
    tw_export(&m, "add", CORRAL_EXTERN_FUNC, tw_func(&m, ":i", "", "41 01 | 41 02 | 6a"));
    return tw_load(e, &m, "fuel_stack_module");
}

static void check_stack(corral_engine *e, const corral_limits *lim)
{
    corral_module *mod = stack_module(e);
    ctx c;
    ctx_open(&c, e, mod, lim);
    int64_t r = 0;
    int32_t n = 0;
    tw_assert_msg(call(&c, "rec", &n, 1, &r), "call stack exhausted");
    /* the store is still usable */
    tw_assert_ok(call(&c, "add", NULL, 0, &r));
    assert_int_equal(r, 3);
    n = 100;
    tw_assert_ok(call(&c, "sum", &n, 1, &r));
    assert_int_equal(r, 5050);
    n = 0;
    tw_assert_msg(call(&c, "fat", &n, 1, &r), "call stack exhausted");
    tw_assert_msg(call(&c, "rec", &n, 1, &r), "call stack exhausted");
    tw_assert_ok(call(&c, "add", NULL, 0, &r));
    assert_int_equal(r, 3);
    ctx_close(&c);
    corral_module_free(mod);
}

static void test_stack_limit(void **state)
{
    (void)state;
    corral_limits lim;
    corral_limits_default(&lim);
    lim.max_stack_bytes = 64 * 1024;
    check_stack(plain_engine, &lim);
    check_stack(plain_engine, NULL); /* the default limit */
    check_stack(fuel_engine, &lim);
}

/* Deep but finite recursion fits in the default limit. */
static void test_stack_deep_ok(void **state)
{
    (void)state;
    corral_module *mod = stack_module(plain_engine);
    ctx c;
    ctx_open(&c, plain_engine, mod, NULL);
    int64_t r = 0;
    int32_t n = 1000;
    tw_assert_ok(call(&c, "sum", &n, 1, &r));
    assert_int_equal(r, 500500);
    ctx_close(&c);
    corral_module_free(mod);
}

/* ---- interruption ------------------------------------------------------------ */

static corral_module *spin_module(corral_engine *e)
{
    tw_mod m = {0};
    tw_export(&m, "spin", CORRAL_EXTERN_FUNC, tw_func(&m, ":", "", "03 40 | 0c 00 | 0b"));
    uint32_t g = tw_func(&m, ":i", "", "41 29");
    char body[32];
    snprintf(body, sizeof body, "10 %02x", (unsigned)g);
    tw_export(&m, "call", CORRAL_EXTERN_FUNC, tw_func(&m, ":i", "", body));
    tw_export(&m, "add", CORRAL_EXTERN_FUNC, tw_func(&m, ":i", "", "41 01 | 41 02 | 6a"));
    /* a loop whose every iteration makes a call */
    snprintf(body, sizeof body, "03 40 | 10 %02x | 1a | 0c 00 | 0b", (unsigned)g);
    tw_export(&m, "spin_calls", CORRAL_EXTERN_FUNC, tw_func(&m, ":", "", body));
    return tw_load(e, &m, "fuel_spin_module");
}

static void test_interrupt_preset(void **state)
{
    (void)state;
    corral_engine *engines[2] = {plain_engine, fuel_engine};
    for (int i = 0; i < 2; i++) {
        corral_module *mod = spin_module(engines[i]);
        ctx c;
        ctx_open(&c, engines[i], mod, NULL);
        int64_t r = 0;
        corral_store_interrupt(c.s);
        const char *err = call(&c, "spin", NULL, 0, NULL);
        assert_non_null(err);
        if (!strstr(err, "interrupt"))
            fail_msg("expected an interrupt trap, got \"%s\"", err);
        corral_store_clear_interrupt(c.s);
        tw_assert_ok(call(&c, "add", NULL, 0, &r));
        assert_int_equal(r, 3);
        /* a call is a check point too */
        corral_store_interrupt(c.s);
        err = call(&c, "call", NULL, 0, &r);
        assert_non_null(err);
        if (!strstr(err, "interrupt"))
            fail_msg("expected an interrupt trap at a call, got \"%s\"", err);
        corral_store_clear_interrupt(c.s);
        tw_assert_ok(call(&c, "call", NULL, 0, &r));
        assert_int_equal(r, 41);
        ctx_close(&c);
        corral_module_free(mod);
    }
}

typedef struct {
    corral_store *s;
    atomic_int done;
} interrupter;

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *interrupt_later(void *arg)
{
    interrupter *it = arg;
    sleep_ms(20);
    corral_store_interrupt(it->s);
    /* watchdog: a guest that ignores the interrupt would hang the suite */
    for (int i = 0; i < 500 && !atomic_load(&it->done); i++)
        sleep_ms(10);
    if (!atomic_load(&it->done)) {
        fprintf(stderr, "test_fuel: interrupt did not stop the guest within 5 s\n");
        _Exit(1);
    }
    return NULL;
}

/* The host sets the flag from another thread while the guest spins. */
static void test_interrupt_thread(void **state)
{
    (void)state;
    corral_engine *engines[2] = {plain_engine, fuel_engine};
    const char *fns[2] = {"spin", "spin_calls"};
    for (int i = 0; i < 2; i++) {
        corral_module *mod = spin_module(engines[i]);
        for (int j = 0; j < 2; j++) {
            ctx c;
            ctx_open(&c, engines[i], mod, NULL);
            interrupter it;
            it.s = c.s;
            atomic_init(&it.done, 0);
            pthread_t t;
            double t0 = now_s();
            assert_int_equal(pthread_create(&t, NULL, interrupt_later, &it), 0);
            const char *err = call(&c, fns[j], NULL, 0, NULL);
            double dt = now_s() - t0;
            atomic_store(&it.done, 1);
            pthread_join(t, NULL);
            assert_non_null(err);
            if (!strstr(err, "interrupt"))
                fail_msg("%s: expected an interrupt trap, got \"%s\"", fns[j], err);
            assert_true(dt >= 0.015 && dt < 5.0);
            corral_store_clear_interrupt(c.s);
            int64_t r = 0;
            tw_assert_ok(call(&c, "add", NULL, 0, &r));
            assert_int_equal(r, 3);
            ctx_close(&c);
        }
        corral_module_free(mod);
    }
}

/* Fuel samples from another thread: they grow while the guest spins, a
 * sample request never stops it, and an interrupt after them still does. */
typedef struct {
    corral_store *s;
    uint64_t samples[4];
} sampler;

/* Four samples: after the first two, each is taken again (every 5 ms, for
 * up to 10 s) until it is above the one before, so that a guest thread
 * that a loaded machine leaves unscheduled for a while (it answers a
 * request at its next back-edge or call) does not fail the test; a guest
 * that never answers still does. */
static void *sample_then_interrupt(void *arg)
{
    sampler *sp = arg;
    for (int i = 0; i < 4; i++) {
        sleep_ms(20);
        sp->samples[i] = corral_store_fuel_sample(sp->s);
        for (int tries = 0; i >= 2 && sp->samples[i] <= sp->samples[i - 1] && tries < 2000;
             tries++) {
            sleep_ms(5);
            sp->samples[i] = corral_store_fuel_sample(sp->s);
        }
    }
    corral_store_interrupt(sp->s);
    return NULL;
}

static void test_fuel_sample_thread(void **state)
{
    (void)state;
    const char *fns[2] = {"spin", "spin_calls"};
    corral_module *mod = spin_module(fuel_engine);
    for (int j = 0; j < 2; j++) {
        ctx c;
        ctx_open(&c, fuel_engine, mod, NULL);
        tw_assert_ok(corral_store_set_fuel(c.s, UINT64_MAX - 1));
        sampler sp = {c.s, {0}};
        pthread_t t;
        assert_int_equal(pthread_create(&t, NULL, sample_then_interrupt, &sp), 0);
        const char *err = call(&c, fns[j], NULL, 0, NULL);
        pthread_join(t, NULL);
        assert_non_null(err);
        if (!strstr(err, "interrupt"))
            fail_msg("%s: expected an interrupt trap, got \"%s\"", fns[j], err);
        /* the first request may find nothing published yet; later ones see
         * the guest's answers, which only grow, up to the final count */
        for (int i = 2; i < 4; i++)
            if (sp.samples[i] <= sp.samples[i - 1])
                fail_msg("%s: sample %d (%llu) is not above sample %d (%llu)", fns[j], i,
                         (unsigned long long)sp.samples[i], i - 1,
                         (unsigned long long)sp.samples[i - 1]);
        assert_true(sp.samples[3] <= corral_store_fuel_used(c.s));
        assert_false(corral_store_interrupted(c.s) == 0);
        corral_store_clear_interrupt(c.s);
        ctx_close(&c);
    }
    corral_module_free(mod);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fuel_exact_cost),
        cmocka_unit_test(test_fuel_every_budget),
        cmocka_unit_test(test_fuel_long_loop),
        cmocka_unit_test(test_fuel_zero_cost),
        cmocka_unit_test(test_fuel_other_traps),
        cmocka_unit_test(test_fuel_side_effects),
        cmocka_unit_test(test_fuel_across_calls),
        cmocka_unit_test(test_fuel_needs_engine_flag),
        cmocka_unit_test(test_memory_limit),
        cmocka_unit_test(test_table_limit),
        cmocka_unit_test(test_stack_limit),
        cmocka_unit_test(test_stack_deep_ok),
        cmocka_unit_test(test_interrupt_preset),
        cmocka_unit_test(test_interrupt_thread),
        cmocka_unit_test(test_fuel_sample_thread),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
