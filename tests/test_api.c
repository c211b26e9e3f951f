/*
 * test_api.c - the embedding API of include/corral.h as an embedder uses
 * it: listing imports and exports, host functions linked by name and
 * signature, link errors, calls with bad arguments, globals, bounds-checked
 * memory access, exit from a host function, start functions, and linking
 * one instance's exports into another, and corral_run_module: one module
 * run on several threads under a shared timer, cancelled through on_store.
 * Everything created is freed; run
 * the SANITIZE=1 build to see leaks.
 */
#include <pthread.h>
#include <time.h>

#include "test_wasm.h"

static corral_engine *engine;

static int setup(void **state)
{
    (void)state;
    engine = corral_engine_new(NULL);
    return engine ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    corral_engine_free(engine);
    return 0;
}

static uint32_t f32_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static uint64_t f64_bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}

static float bits_f32(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static double bits_f64(uint64_t u)
{
    double d;
    memcpy(&d, &u, 8);
    return d;
}

/* ---- listing ---------------------------------------------------------------- */

static void test_import_export_listing(void **state)
{
    (void)state;
    tw_mod m = {0};
    tw_import_func(&m, "env", "f", "ii:i");
    tw_import_memory(&m, "env", "mem", 1, -1);
    tw_import_global(&m, "host", "g", 'i', 0);
    tw_import_table(&m, "host", "tab", 1, -1);
    uint32_t run = tw_func(&m, ":i", "", "41 00 | 41 00 | 10 00");
    tw_export(&m, "run", CORRAL_EXTERN_FUNC, run);
    tw_export(&m, "f_again", CORRAL_EXTERN_FUNC, 0);
    tw_export(&m, "memory", CORRAL_EXTERN_MEMORY, 0);
    tw_export(&m, "g_again", CORRAL_EXTERN_GLOBAL, 0);
    tw_export(&m, "table", CORRAL_EXTERN_TABLE, 0);
    corral_module *mod = tw_load(engine, &m, "api_listing");

    static const struct {
        const char *mod, *name;
        corral_extern_kind kind;
    } imports[] = {
        {"env", "f", CORRAL_EXTERN_FUNC},
        {"env", "mem", CORRAL_EXTERN_MEMORY},
        {"host", "g", CORRAL_EXTERN_GLOBAL},
        {"host", "tab", CORRAL_EXTERN_TABLE},
    };
    assert_int_equal(corral_module_import_count(mod), 4);
    for (uint32_t i = 0; i < 4; i++) {
        const char *mn = NULL, *nm = NULL;
        corral_extern_kind k = (corral_extern_kind)-1;
        corral_module_import(mod, i, &mn, &nm, &k);
        assert_string_equal(mn, imports[i].mod);
        assert_string_equal(nm, imports[i].name);
        assert_int_equal(k, imports[i].kind);
    }
    static const struct {
        const char *name;
        corral_extern_kind kind;
    } exports[] = {
        {"run", CORRAL_EXTERN_FUNC},      {"f_again", CORRAL_EXTERN_FUNC},
        {"memory", CORRAL_EXTERN_MEMORY}, {"g_again", CORRAL_EXTERN_GLOBAL},
        {"table", CORRAL_EXTERN_TABLE},
    };
    assert_int_equal(corral_module_export_count(mod), 5);
    for (uint32_t i = 0; i < 5; i++) {
        const char *nm = NULL;
        corral_extern_kind k = (corral_extern_kind)-1;
        corral_module_export(mod, i, &nm, &k);
        assert_string_equal(nm, exports[i].name);
        assert_int_equal(k, exports[i].kind);
    }
    corral_module_free(mod);

    /* the empty module has neither */
    tw_mod e = {0};
    mod = tw_load(engine, &e, "api_empty");
    assert_int_equal(corral_module_import_count(mod), 0);
    assert_int_equal(corral_module_export_count(mod), 0);
    corral_linker *l;
    corral_store *s = corral_store_new(engine, NULL);
    l = corral_linker_new(s);
    corral_instance *inst = NULL;
    tw_assert_ok(corral_instantiate(l, mod, &inst));
    assert_null(corral_instance_func(inst, "anything"));
    corral_linker_free(l);
    corral_store_free(s);
    corral_module_free(mod);
}

/* ---- host functions ------------------------------------------------------------ */

typedef struct {
    int calls;
    corral_store *store;
    int store_ok;
} host_env;

static const char *h_add(corral_caller *c, void *env, const uint64_t *args, uint64_t *results)
{
    host_env *h = env;
    h->calls++;
    h->store_ok = corral_caller_store(c) == h->store;
    int32_t a = (int32_t)(uint32_t)args[0], b = (int32_t)(uint32_t)args[1];
    results[0] = (uint32_t)(a + b);
    return NULL;
}

/* (i64, f32, f64) -> f64: a + b + c */
static const char *h_mix(corral_caller *c, void *env, const uint64_t *args, uint64_t *results)
{
    (void)c;
    (void)env;
    double r = (double)(int64_t)args[0] + bits_f32((uint32_t)args[1]) + bits_f64(args[2]);
    results[0] = f64_bits(r);
    return NULL;
}

/* (i32, i32) -> (i32, i32): swapped */
static const char *h_swap(corral_caller *c, void *env, const uint64_t *args, uint64_t *results)
{
    (void)c;
    (void)env;
    results[0] = (uint32_t)args[1];
    results[1] = (uint32_t)args[0];
    return NULL;
}

/* (addr) -> the byte at addr in the caller's memory, or -1 */
static const char *h_peek(corral_caller *c, void *env, const uint64_t *args, uint64_t *results)
{
    (void)env;
    uint64_t size = 0;
    uint8_t *mem = corral_caller_memory(c, &size);
    uint32_t addr = (uint32_t)args[0];
    results[0] = mem && addr < size ? mem[addr] : (uint32_t)-1;
    return NULL;
}

static const char *h_boom(corral_caller *c, void *env, const uint64_t *args, uint64_t *results)
{
    (void)c;
    (void)env;
    (void)args;
    (void)results;
    return "boom from the host";
}

static const char *h_exit(corral_caller *c, void *env, const uint64_t *args, uint64_t *results)
{
    (void)env;
    (void)results;
    return corral_caller_exit(c, (int32_t)(uint32_t)args[0]);
}

static corral_module *host_module(void)
{
    tw_mod m = {0};
    tw_import_func(&m, "env", "add", "ii:i");   /* 0 */
    tw_import_func(&m, "env", "mix", "IfF:F");  /* 1 */
    tw_import_func(&m, "env", "swap", "ii:ii"); /* 2 */
    tw_import_func(&m, "env", "peek", "i:i");   /* 3 */
    tw_import_func(&m, "env", "boom", ":");     /* 4 */
    tw_import_func(&m, "env", "exit", "i:");    /* 5 */
    tw_memory(&m, 1, -1);
    tw_data(&m, 16, "hello", 5);
    tw_export(&m, "memory", CORRAL_EXTERN_MEMORY, 0);
    tw_export(&m, "run_add", CORRAL_EXTERN_FUNC, tw_func(&m, "ii:i", "", "20 00 | 20 01 | 10 00"));
    tw_export(&m, "run_mix", CORRAL_EXTERN_FUNC,
              tw_func(&m, "IfF:F", "", "20 00 | 20 01 | 20 02 | 10 01"));
    /* swap twice: (a, b) -> (a, b), both results through the host */
    tw_export(&m, "run_swap", CORRAL_EXTERN_FUNC,
              tw_func(&m, "ii:ii", "", "20 00 | 20 01 | 10 02 | 10 02"));
    tw_export(&m, "run_peek", CORRAL_EXTERN_FUNC, tw_func(&m, "i:i", "", "20 00 | 10 03"));
    tw_export(&m, "run_boom", CORRAL_EXTERN_FUNC, tw_func(&m, ":", "", "10 04"));
    /* exit(7), then a store that must never happen */
    tw_export(&m, "run_exit", CORRAL_EXTERN_FUNC,
              tw_func(&m, ":", "", "41 07 | 10 05 | 41 00 | 41 e3 00 | 3a 00 00"));
    return tw_load(engine, &m, "api_host");
}

static void link_host(corral_linker *l, host_env *h)
{
    tw_assert_ok(corral_linker_define_func(l, "env", "add", "ii:i", h_add, h));
    tw_assert_ok(corral_linker_define_func(l, "env", "mix", "IfF:F", h_mix, NULL));
    tw_assert_ok(corral_linker_define_func(l, "env", "swap", "ii:ii", h_swap, NULL));
    tw_assert_ok(corral_linker_define_func(l, "env", "peek", "i:i", h_peek, NULL));
    tw_assert_ok(corral_linker_define_func(l, "env", "boom", ":", h_boom, NULL));
    tw_assert_ok(corral_linker_define_func(l, "env", "exit", "i:", h_exit, NULL));
}

static void test_host_functions(void **state)
{
    (void)state;
    corral_module *mod = host_module();
    corral_store *s = corral_store_new(engine, NULL);
    corral_linker *l = corral_linker_new(s);
    host_env h = {0, s, 0};
    link_host(l, &h);
    corral_instance *inst = NULL;
    tw_assert_ok(corral_instantiate(l, mod, &inst));

    corral_val a[3], r[2];
    a[0] = tw_i32(-5);
    a[1] = tw_i32(47);
    tw_assert_ok(corral_call(s, corral_instance_func(inst, "run_add"), a, 2, r, 1));
    assert_int_equal(r[0].type, CORRAL_I32);
    assert_int_equal(r[0].of.i32, 42);
    assert_int_equal(h.calls, 1);
    assert_true(h.store_ok);

    a[0] = tw_i64(INT64_C(1) << 40);
    a[1].type = CORRAL_F32;
    a[1].of.f32_bits = f32_bits(0.5f);
    a[2].type = CORRAL_F64;
    a[2].of.f64_bits = f64_bits(0.25);
    corral_func *mix = corral_instance_func(inst, "run_mix");
    tw_assert_ok(corral_call(s, mix, a, 3, r, 1));
    assert_int_equal(r[0].type, CORRAL_F64);
    assert_true(bits_f64(r[0].of.f64_bits) == 1099511627776.75);

    /* types of a function */
    uint32_t np = 0, nr = 0;
    corral_valtype pt[3], rt[1];
    corral_func_type(mix, &np, pt, &nr, rt);
    assert_int_equal(np, 3);
    assert_int_equal(nr, 1);
    assert_int_equal(pt[0], CORRAL_I64);
    assert_int_equal(pt[1], CORRAL_F32);
    assert_int_equal(pt[2], CORRAL_F64);
    assert_int_equal(rt[0], CORRAL_F64);
    corral_func_type(mix, &np, NULL, &nr, NULL);
    assert_int_equal(np, 3);

    /* multiple results through a host function and back */
    a[0] = tw_i32(1);
    a[1] = tw_i32(2);
    tw_assert_ok(corral_call(s, corral_instance_func(inst, "run_swap"), a, 2, r, 2));
    assert_int_equal(r[0].of.i32, 1);
    assert_int_equal(r[1].of.i32, 2);

    /* the host reads the caller's memory */
    a[0] = tw_i32(17);
    tw_assert_ok(corral_call(s, corral_instance_func(inst, "run_peek"), a, 1, r, 1));
    assert_int_equal(r[0].of.i32, 'e');

    /* a host trap stops the guest with the host's message */
    const char *err = corral_call(s, corral_instance_func(inst, "run_boom"), NULL, 0, NULL, 0);
    assert_non_null(err);
    assert_non_null(strstr(err, "boom from the host"));

    /* the store is still usable after a host trap */
    a[0] = tw_i32(1);
    a[1] = tw_i32(2);
    tw_assert_ok(corral_call(s, corral_instance_func(inst, "run_add"), a, 2, r, 1));
    assert_int_equal(r[0].of.i32, 3);

    corral_linker_free(l);
    corral_store_free(s);
    corral_module_free(mod);
}

/* A host function with a v128 among scalars ("ivI:vi"): the v128 takes two
 * slots, its bytes in memory order, on both sides of the call.
 *
 *   (module
 *     (import "h" "f" (func $f (param i32 v128 i64) (result v128 i32)))
 *     (func (export "run") (param v128) (result v128 i32)
 *       (call $f (i32.const 7) (local.get 0) (i64.const 9))))
 */
static const char *h_v128(corral_caller *c, void *env, const uint64_t *args, uint64_t *results)
{
    (void)c, (void)env;
    uint8_t v[16], r[16];
    memcpy(v, args + 1, 16);
    for (int i = 0; i < 16; i++) r[i] = v[15 - i]; /* reversed */
    memcpy(results, r, 16);
    results[2] = (uint32_t)(args[0] * 100 + args[3]);
    return NULL;
}

static void test_host_v128(void **state)
{
    (void)state;
    static const char hex[] =
        "0061736d01000000010f0260037f7b7e027b7f60017b027b7f020701016801660000030201010707010372"
        "756e00010a0c010a0041072000420910000b";
    tw_buf b = {0};
    tw_hex(&b, hex);
    corral_module *mod = NULL;
    tw_assert_ok(corral_module_new(engine, b.p, b.n, &mod, NULL));
    tw_buf_free(&b);
    corral_store *s = corral_store_new(engine, NULL);
    corral_linker *l = corral_linker_new(s);
    tw_assert_ok(corral_linker_define_func(l, "h", "f", "ivI:vi", h_v128, NULL));
    corral_instance *inst = NULL;
    tw_assert_ok(corral_instantiate(l, mod, &inst));
    corral_val a = {.type = CORRAL_V128}, r[2];
    for (int i = 0; i < 16; i++) a.of.v128[i] = (uint8_t)(i + 1);
    tw_assert_ok(corral_call(s, corral_instance_func(inst, "run"), &a, 1, r, 2));
    assert_int_equal(r[0].type, CORRAL_V128);
    for (int i = 0; i < 16; i++) assert_int_equal(r[0].of.v128[i], 16 - i);
    assert_int_equal(r[1].type, CORRAL_I32);
    assert_int_equal(r[1].of.i32, 709);
    corral_linker_free(l);
    corral_store_free(s);
    corral_module_free(mod);
}

static void test_exit(void **state)
{
    (void)state;
    corral_module *mod = host_module();
    corral_store *s = corral_store_new(engine, NULL);
    corral_linker *l = corral_linker_new(s);
    host_env h = {0, s, 0};
    link_host(l, &h);
    corral_instance *inst = NULL;
    tw_assert_ok(corral_instantiate(l, mod, &inst));
    const char *err = corral_call(s, corral_instance_func(inst, "run_exit"), NULL, 0, NULL, 0);
    assert_non_null(err);
    assert_string_equal(err, corral_exit_trap);
    assert_int_equal(corral_store_exit_code(s), 7);
    uint8_t b = 0xff;
    tw_assert_ok(corral_memory_read(inst, 0, &b, 1));
    assert_int_equal(b, 0); /* nothing after the exit ran */
    corral_linker_free(l);
    corral_store_free(s);
    corral_module_free(mod);
}

/* ---- link errors ----------------------------------------------------------------- */

static const char *instantiate_one(corral_module *mod, int define)
{
    corral_store *s = corral_store_new(engine, NULL);
    corral_linker *l = corral_linker_new(s);
    host_env h = {0, s, 0};
    if (define)
        tw_assert_ok(corral_linker_define_func(l, "env", "f", "i:i", h_add, &h));
    corral_instance *inst = (corral_instance *)&inst;
    const char *err = corral_instantiate(l, mod, &inst);
    if (err)
        assert_null(inst);
    corral_linker_free(l);
    corral_store_free(s);
    return err;
}

static void test_link_errors(void **state)
{
    (void)state;
    struct {
        const char *name;
        const char *want;
    } cases[] = {
        {"missing_func", "unknown import"},       {"wrong_module", "unknown import"},
        {"missing_memory", "unknown import"},     {"func_sig", "incompatible import type"},
        {"func_result", "incompatible import type"}, {"func_as_global", "incompatible import type"},
        {"func_as_memory", "incompatible import type"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tw_mod m = {0};
        switch (i) {
        case 0: tw_import_func(&m, "env", "missing", ":"); break;
        case 1: tw_import_func(&m, "other", "f", "i:i"); break;
        case 2: tw_import_memory(&m, "env", "mem", 1, -1); break;
        case 3: tw_import_func(&m, "env", "f", "ii:i"); break;
        case 4: tw_import_func(&m, "env", "f", "i:I"); break;
        case 5: tw_import_global(&m, "env", "f", 'i', 0); break;
        case 6: tw_import_memory(&m, "env", "f", 0, -1); break;
        }
        corral_module *mod = tw_load(engine, &m, "api_link_error");
        const char *err = instantiate_one(mod, 1);
        if (!err || strncmp(err, cases[i].want, strlen(cases[i].want)) != 0)
            fail_msg("%s: expected \"%s\", got \"%s\"", cases[i].name, cases[i].want,
                     err ? err : "success");
        corral_module_free(mod);
    }

    /* the right signature links */
    tw_mod m = {0};
    tw_import_func(&m, "env", "f", "i:i");
    corral_module *mod = tw_load(engine, &m, "api_link_ok");
    tw_assert_ok(instantiate_one(mod, 1));
    tw_assert_msg(instantiate_one(mod, 0), "unknown import");
    corral_module_free(mod);

    /* malformed signatures are refused when defined */
    corral_store *s = corral_store_new(engine, NULL);
    corral_linker *l = corral_linker_new(s);
    assert_non_null(corral_linker_define_func(l, "env", "a", "x:", h_boom, NULL));
    assert_non_null(corral_linker_define_func(l, "env", "b", "ii", h_boom, NULL));
    assert_non_null(corral_linker_define_func(l, "env", "c", "i:i:i", h_boom, NULL));
    tw_assert_ok(corral_linker_define_func(l, "env", "d", ":", h_boom, NULL));
    tw_assert_ok(corral_linker_define_func(l, "env", "e", "rR:Rr", h_boom, NULL));
    corral_linker_free(l);
    corral_store_free(s);
}

/* ---- calls with bad arguments ------------------------------------------------------ */

static void test_call_errors(void **state)
{
    (void)state;
    tw_mod m = {0};
    tw_export(&m, "add", CORRAL_EXTERN_FUNC, tw_func(&m, "ii:i", "", "20 00 | 20 01 | 6a"));
    tw_export(&m, "add64", CORRAL_EXTERN_FUNC, tw_func(&m, "II:I", "", "20 00 | 20 01 | 7c"));
    tw_export(&m, "fadd", CORRAL_EXTERN_FUNC, tw_func(&m, "ff:f", "", "20 00 | 20 01 | 92"));
    tw_export(&m, "ext", CORRAL_EXTERN_FUNC, tw_func(&m, "r:r", "", "20 00"));
    tw_export(&m, "nullfunc", CORRAL_EXTERN_FUNC, tw_func(&m, ":R", "", "d0 70"));
    tw_memory(&m, 1, -1);
    tw_export(&m, "mem", CORRAL_EXTERN_MEMORY, 0);
    corral_module *mod = tw_load(engine, &m, "api_calls");
    corral_store *s = corral_store_new(engine, NULL);
    corral_linker *l = corral_linker_new(s);
    corral_instance *inst = NULL;
    tw_assert_ok(corral_instantiate(l, mod, &inst));
    corral_func *add = corral_instance_func(inst, "add");
    assert_non_null(add);
    assert_null(corral_instance_func(inst, "mem")); /* not a function */
    assert_null(corral_instance_func(inst, "nope"));

    corral_val a[3] = {tw_i32(1), tw_i32(2), tw_i32(3)}, r[2];
    memset(r, 0, sizeof r);
    assert_non_null(corral_call(s, add, a, 1, r, 1)); /* too few */
    assert_non_null(corral_call(s, add, a, 3, r, 1)); /* too many */
    assert_non_null(corral_call(s, add, NULL, 0, r, 1));
    corral_val wrong[2] = {tw_i32(1), tw_i64(2)};
    assert_non_null(corral_call(s, add, wrong, 2, r, 1)); /* wrong type */
    wrong[1].type = CORRAL_F32;
    assert_non_null(corral_call(s, add, wrong, 2, r, 1));
    /* and after all that, a good call works */
    tw_assert_ok(corral_call(s, add, a, 2, r, 1));
    assert_int_equal(r[0].type, CORRAL_I32);
    assert_int_equal(r[0].of.i32, 3);

    a[0] = tw_i64(INT64_MAX);
    a[1] = tw_i64(1);
    tw_assert_ok(corral_call(s, corral_instance_func(inst, "add64"), a, 2, r, 1));
    assert_int_equal(r[0].type, CORRAL_I64);
    assert_true(r[0].of.i64 == INT64_MIN);

    a[0].type = a[1].type = CORRAL_F32;
    a[0].of.f32_bits = f32_bits(1.25f);
    a[1].of.f32_bits = f32_bits(2.5f);
    tw_assert_ok(corral_call(s, corral_instance_func(inst, "fadd"), a, 2, r, 1));
    assert_int_equal(r[0].type, CORRAL_F32);
    assert_true(bits_f32(r[0].of.f32_bits) == 3.75f);

    /* externref goes through untouched; ref.null func comes back NULL */
    int token;
    a[0].type = CORRAL_EXTERNREF;
    a[0].of.ref = &token;
    tw_assert_ok(corral_call(s, corral_instance_func(inst, "ext"), a, 1, r, 1));
    assert_int_equal(r[0].type, CORRAL_EXTERNREF);
    assert_ptr_equal(r[0].of.ref, &token);
    r[0].of.ref = &token;
    tw_assert_ok(corral_call(s, corral_instance_func(inst, "nullfunc"), NULL, 0, r, 1));
    assert_int_equal(r[0].type, CORRAL_FUNCREF);
    assert_null(r[0].of.ref);

    /* the linker can go; the store keeps the instance */
    corral_linker_free(l);
    a[0] = tw_i32(20);
    a[1] = tw_i32(22);
    tw_assert_ok(corral_call(s, add, a, 2, r, 1));
    assert_int_equal(r[0].of.i32, 42);
    corral_store_free(s);
    corral_module_free(mod);
}

/* ---- globals ------------------------------------------------------------------------- */

static void test_globals(void **state)
{
    (void)state;
    tw_mod m = {0};
    tw_export(&m, "answer", CORRAL_EXTERN_GLOBAL, tw_global(&m, 'i', 0, "41 2a"));
    tw_export(&m, "big", CORRAL_EXTERN_GLOBAL,
              tw_global(&m, 'I', 1, "42 80 80 80 80 80 80 80 80 80 7f"));
    tw_export(&m, "half", CORRAL_EXTERN_GLOBAL, tw_global(&m, 'f', 0, "43 00 00 00 3f"));
    tw_export(&m, "pi", CORRAL_EXTERN_GLOBAL,
              tw_global(&m, 'F', 0, "44 18 2d 44 54 fb 21 09 40"));
    uint32_t counter = tw_global(&m, 'i', 1, "41 00");
    tw_export(&m, "counter", CORRAL_EXTERN_GLOBAL, counter);
    /* counter += 1 */
    tw_export(&m, "bump", CORRAL_EXTERN_FUNC,
              tw_func(&m, ":", "", "23 04 | 41 01 | 6a | 24 04"));
    corral_module *mod = tw_load(engine, &m, "api_globals");
    corral_store *s = corral_store_new(engine, NULL);
    corral_linker *l = corral_linker_new(s);
    corral_instance *inst = NULL;
    tw_assert_ok(corral_instantiate(l, mod, &inst));

    corral_val v;
    assert_true(corral_instance_global(inst, "answer", &v));
    assert_int_equal(v.type, CORRAL_I32);
    assert_int_equal(v.of.i32, 42);
    assert_true(corral_instance_global(inst, "big", &v));
    assert_int_equal(v.type, CORRAL_I64);
    assert_true(v.of.i64 == INT64_MIN);
    assert_true(corral_instance_global(inst, "half", &v));
    assert_int_equal(v.type, CORRAL_F32);
    assert_int_equal(v.of.f32_bits, 0x3f000000);
    assert_true(corral_instance_global(inst, "pi", &v));
    assert_int_equal(v.type, CORRAL_F64);
    assert_true(v.of.f64_bits == UINT64_C(0x400921fb54442d18));
    assert_true(corral_instance_global(inst, "counter", &v));
    assert_int_equal(v.of.i32, 0);
    corral_func *bump = corral_instance_func(inst, "bump");
    tw_assert_ok(corral_call(s, bump, NULL, 0, NULL, 0));
    tw_assert_ok(corral_call(s, bump, NULL, 0, NULL, 0));
    assert_true(corral_instance_global(inst, "counter", &v));
    assert_int_equal(v.of.i32, 2);
    assert_false(corral_instance_global(inst, "bump", &v)); /* a function */
    assert_false(corral_instance_global(inst, "nope", &v));

    corral_linker_free(l);
    corral_store_free(s);
    corral_module_free(mod);
}

/* ---- memory ---------------------------------------------------------------------------- */

static void test_memory_access(void **state)
{
    (void)state;
    tw_mod m = {0};
    tw_memory(&m, 1, -1);
    tw_data(&m, 16, "hello", 5);
    tw_export(&m, "memory", CORRAL_EXTERN_MEMORY, 0);
    tw_export(&m, "load8", CORRAL_EXTERN_FUNC, tw_func(&m, "i:i", "", "20 00 | 2d 00 00"));
    tw_export(&m, "grow", CORRAL_EXTERN_FUNC, tw_func(&m, "i:i", "", "20 00 | 40 00"));
    corral_module *mod = tw_load(engine, &m, "api_memory");
    corral_store *s = corral_store_new(engine, NULL);
    corral_linker *l = corral_linker_new(s);
    corral_instance *inst = NULL;
    tw_assert_ok(corral_instantiate(l, mod, &inst));

    uint64_t size = 0;
    uint8_t *mem = corral_instance_memory(inst, NULL, &size);
    assert_non_null(mem);
    assert_int_equal(size, 65536);
    assert_memory_equal(mem + 16, "hello", 5);
    assert_ptr_equal(corral_instance_memory(inst, "memory", &size), mem);
    assert_null(corral_instance_memory(inst, "load8", &size));
    assert_null(corral_instance_memory(inst, "nope", &size));

    char buf[8] = {0};
    tw_assert_ok(corral_memory_read(inst, 16, buf, 5));
    assert_string_equal(buf, "hello");
    tw_assert_ok(corral_memory_write(inst, 100, "abc", 3));
    corral_val a = tw_i32(101), r;
    tw_assert_ok(corral_call(s, corral_instance_func(inst, "load8"), &a, 1, &r, 1));
    assert_int_equal(r.of.i32, 'b');

    /* bounds: the last bytes are reachable, one past is not */
    tw_assert_ok(corral_memory_write(inst, 65536 - 4, "wxyz", 4));
    tw_assert_ok(corral_memory_read(inst, 65536 - 1, buf, 1));
    assert_int_equal(buf[0], 'z');
    tw_assert_ok(corral_memory_read(inst, 65536, buf, 0));
    tw_assert_msg(corral_memory_read(inst, 65536, buf, 1), "out of bounds memory access");
    tw_assert_msg(corral_memory_read(inst, 65536 - 3, buf, 4), "out of bounds memory access");
    tw_assert_msg(corral_memory_write(inst, 65536 - 2, "1234", 4), "out of bounds memory access");
    /* a refused write writes nothing */
    tw_assert_ok(corral_memory_read(inst, 65536 - 2, buf, 2));
    assert_memory_equal(buf, "yz", 2);
    /* offsets and lengths whose sum wraps */
    tw_assert_msg(corral_memory_read(inst, UINT64_MAX, buf, 1), "out of bounds memory access");
    tw_assert_msg(corral_memory_read(inst, UINT64_MAX - 1, buf, 4), "out of bounds memory access");
    tw_assert_msg(corral_memory_read(inst, 1, buf, SIZE_MAX), "out of bounds memory access");
    tw_assert_msg(corral_memory_write(inst, 8, buf, SIZE_MAX - 4), "out of bounds memory access");
    tw_assert_msg(corral_memory_read(inst, UINT64_C(1) << 32, buf, 1), "out of bounds memory access");

    /* after memory.grow the API sees the new size */
    a = tw_i32(1);
    tw_assert_ok(corral_call(s, corral_instance_func(inst, "grow"), &a, 1, &r, 1));
    assert_int_equal(r.of.i32, 1);
    mem = corral_instance_memory(inst, NULL, &size);
    assert_int_equal(size, 2 * 65536);
    assert_memory_equal(mem + 16, "hello", 5);
    tw_assert_ok(corral_memory_write(inst, 65536 + 10, "q", 1));
    a = tw_i32(65536 + 10);
    tw_assert_ok(corral_call(s, corral_instance_func(inst, "load8"), &a, 1, &r, 1));
    assert_int_equal(r.of.i32, 'q');

    corral_linker_free(l);
    corral_store_free(s);
    corral_module_free(mod);

    /* an instance without memory */
    tw_mod e = {0};
    tw_export(&e, "f", CORRAL_EXTERN_FUNC, tw_func(&e, ":", "", ""));
    mod = tw_load(engine, &e, "api_no_memory");
    s = corral_store_new(engine, NULL);
    l = corral_linker_new(s);
    tw_assert_ok(corral_instantiate(l, mod, &inst));
    size = 123;
    assert_null(corral_instance_memory(inst, NULL, &size));
    assert_int_equal(size, 0);
    tw_assert_msg(corral_memory_read(inst, 0, buf, 1), "out of bounds memory access");
    corral_linker_free(l);
    corral_store_free(s);
    corral_module_free(mod);
}

/* ---- instantiation: start function and segments ------------------------------------------- */

static void test_instantiation_traps(void **state)
{
    (void)state;
    /* the start function runs during instantiation */
    tw_mod m = {0};
    tw_memory(&m, 1, -1);
    tw_export(&m, "memory", CORRAL_EXTERN_MEMORY, 0);
    tw_start(&m, tw_func(&m, ":", "", "41 08 | 41 e7 07 | 36 02 00")); /* mem[8] = 999 */
    /* Modules of live instances are freed after the store (corral.h does
     * not promise that an instance keeps its module alive); modules whose
     * instantiation failed are freed at once: nothing may refer to them. */
    corral_module *started = tw_load(engine, &m, "api_start");
    corral_store *s = corral_store_new(engine, NULL);
    corral_linker *l = corral_linker_new(s);
    corral_instance *inst = NULL;
    tw_assert_ok(corral_instantiate(l, started, &inst));
    int32_t v = 0;
    tw_assert_ok(tw_read_i32(inst, 8, &v));
    assert_int_equal(v, 999);
    corral_module *mod;

    /* a trapping start function fails the instantiation */
    tw_start(&m, tw_func(&m, ":", "", "00"));
    mod = tw_load(engine, &m, "api_start_trap");
    inst = (corral_instance *)&inst;
    tw_assert_msg(corral_instantiate(l, mod, &inst), "unreachable");
    assert_null(inst);
    corral_module_free(mod);

    /* a data segment out of bounds */
    tw_memory(&m, 1, -1);
    tw_data(&m, 65535, "ab", 2);
    mod = tw_load(engine, &m, "api_data_oob");
    inst = (corral_instance *)&inst;
    tw_assert_msg(corral_instantiate(l, mod, &inst), "out of bounds memory access");
    assert_null(inst);
    corral_module_free(mod);

    /* an element segment out of bounds */
    tw_table(&m, 1, -1);
    uint32_t f = tw_func(&m, ":", "", "");
    uint32_t fs[2] = {f, f};
    tw_elem(&m, 0, fs, 2);
    mod = tw_load(engine, &m, "api_elem_oob");
    inst = (corral_instance *)&inst;
    tw_assert_msg(corral_instantiate(l, mod, &inst), "out of bounds table access");
    assert_null(inst);
    corral_module_free(mod);

    /* the store survives failed instantiations */
    tw_memory(&m, 1, -1);
    tw_export(&m, "f", CORRAL_EXTERN_FUNC, tw_func(&m, ":i", "", "41 05"));
    mod = tw_load(engine, &m, "api_after_fail");
    tw_assert_ok(corral_instantiate(l, mod, &inst));
    corral_val r;
    tw_assert_ok(corral_call(s, corral_instance_func(inst, "f"), NULL, 0, &r, 1));
    assert_int_equal(r.of.i32, 5);
    corral_linker_free(l);
    corral_store_free(s);
    corral_module_free(mod);
    corral_module_free(started);
}

/* ---- linking instances ------------------------------------------------------------------- */

static corral_module *provider_module(void)
{
    tw_mod m = {0};
    tw_memory(&m, 1, -1);
    tw_table(&m, 1, -1);
    uint32_t counter = tw_global(&m, 'i', 1, "41 00");
    tw_global(&m, 'i', 0, "41 07");
    /* inc: counter += 1; return counter */
    uint32_t inc = tw_func(&m, ":i", "", "23 00 | 41 01 | 6a | 24 00 | 23 00");
    tw_elem(&m, 0, &inc, 1);
    tw_export(&m, "inc", CORRAL_EXTERN_FUNC, inc);
    tw_export(&m, "mem", CORRAL_EXTERN_MEMORY, 0);
    tw_export(&m, "tab", CORRAL_EXTERN_TABLE, 0);
    tw_export(&m, "counter", CORRAL_EXTERN_GLOBAL, counter);
    tw_export(&m, "seven", CORRAL_EXTERN_GLOBAL, 1);
    return tw_load(engine, &m, "api_provider");
}

static void test_instance_linking(void **state)
{
    (void)state;
    corral_module *pa = provider_module();
    tw_mod m = {0};
    tw_import_func(&m, "a", "inc", ":i");
    tw_import_memory(&m, "a", "mem", 1, -1);
    tw_import_table(&m, "a", "tab", 1, -1);
    tw_import_global(&m, "a", "counter", 'i', 1);
    tw_import_global(&m, "a", "seven", 'i', 0);
    /* twice: inc(); return inc() */
    tw_export(&m, "twice", CORRAL_EXTERN_FUNC, tw_func(&m, ":i", "", "10 00 | 1a | 10 00"));
    /* write(addr, v): store into a's memory */
    tw_export(&m, "write", CORRAL_EXTERN_FUNC,
              tw_func(&m, "ii:", "", "20 00 | 20 01 | 36 02 00"));
    tw_export(&m, "getc", CORRAL_EXTERN_FUNC, tw_func(&m, ":i", "", "23 00"));
    tw_export(&m, "seven", CORRAL_EXTERN_FUNC, tw_func(&m, ":i", "", "23 01"));
    /* call_indirect type 0 (":i") through a's table */
    tw_export(&m, "indirect", CORRAL_EXTERN_FUNC, tw_func(&m, ":i", "", "41 00 | 11 00 00"));
    corral_module *pb = tw_load(engine, &m, "api_consumer");

    corral_store *s = corral_store_new(engine, NULL);
    corral_linker *l = corral_linker_new(s);
    corral_instance *a = NULL, *b = NULL;
    tw_assert_ok(corral_instantiate(l, pa, &a));
    tw_assert_ok(corral_linker_define_instance(l, "a", a));
    tw_assert_ok(corral_instantiate(l, pb, &b));

    corral_val r, args[2];
    tw_assert_ok(corral_call(s, corral_instance_func(b, "twice"), NULL, 0, &r, 1));
    assert_int_equal(r.of.i32, 2);
    corral_val g;
    assert_true(corral_instance_global(a, "counter", &g));
    assert_int_equal(g.of.i32, 2);
    tw_assert_ok(corral_call(s, corral_instance_func(b, "getc"), NULL, 0, &r, 1));
    assert_int_equal(r.of.i32, 2);
    tw_assert_ok(corral_call(s, corral_instance_func(b, "seven"), NULL, 0, &r, 1));
    assert_int_equal(r.of.i32, 7);
    tw_assert_ok(corral_call(s, corral_instance_func(b, "indirect"), NULL, 0, &r, 1));
    assert_int_equal(r.of.i32, 3);
    args[0] = tw_i32(8);
    args[1] = tw_i32(1234);
    tw_assert_ok(corral_call(s, corral_instance_func(b, "write"), args, 2, NULL, 0));
    int32_t v = 0;
    tw_assert_ok(tw_read_i32(a, 8, &v));
    assert_int_equal(v, 1234);
    /* a's function called directly shares the same state */
    tw_assert_ok(corral_call(s, corral_instance_func(a, "inc"), NULL, 0, &r, 1));
    assert_int_equal(r.of.i32, 4);

    /* mismatches against an instance's exports */
    struct {
        const char *name, *want;
    } cases[] = {
        {"unknown export", "unknown import"},
        {"global type", "incompatible import type"},
        {"global mutability", "incompatible import type"},
        {"memory too small", "incompatible import type"},
        {"func type", "incompatible import type"},
        {"memory as table", "incompatible import type"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tw_mod x = {0};
        switch (i) {
        case 0: tw_import_func(&x, "a", "dec", ":i"); break;
        case 1: tw_import_global(&x, "a", "counter", 'I', 1); break;
        case 2: tw_import_global(&x, "a", "counter", 'i', 0); break;
        case 3: tw_import_memory(&x, "a", "mem", 2, -1); break;
        case 4: tw_import_func(&x, "a", "inc", ":I"); break;
        case 5: tw_import_table(&x, "a", "mem", 0, -1); break;
        }
        corral_module *px = tw_load(engine, &x, "api_link_mismatch");
        corral_instance *ix = (corral_instance *)&ix;
        const char *err = corral_instantiate(l, px, &ix);
        if (!err || strncmp(err, cases[i].want, strlen(cases[i].want)) != 0)
            fail_msg("%s: expected \"%s\", got \"%s\"", cases[i].name, cases[i].want,
                     err ? err : "success");
        assert_null(ix);
        corral_module_free(px);
    }

    corral_linker_free(l);
    corral_store_free(s);
    corral_module_free(pa);
    corral_module_free(pb);
}

/* Two stores from one engine and one module do not share state. */
static void test_stores_are_separate(void **state)
{
    (void)state;
    corral_module *pa = provider_module();
    corral_store *s1 = corral_store_new(engine, NULL), *s2 = corral_store_new(engine, NULL);
    corral_linker *l1 = corral_linker_new(s1), *l2 = corral_linker_new(s2);
    corral_instance *i1 = NULL, *i2 = NULL;
    tw_assert_ok(corral_instantiate(l1, pa, &i1));
    tw_assert_ok(corral_instantiate(l2, pa, &i2));
    corral_val r;
    tw_assert_ok(corral_call(s1, corral_instance_func(i1, "inc"), NULL, 0, &r, 1));
    tw_assert_ok(corral_call(s1, corral_instance_func(i1, "inc"), NULL, 0, &r, 1));
    assert_int_equal(r.of.i32, 2);
    tw_assert_ok(corral_call(s2, corral_instance_func(i2, "inc"), NULL, 0, &r, 1));
    assert_int_equal(r.of.i32, 1);
    tw_assert_ok(corral_memory_write(i1, 0, "x", 1));
    uint8_t b = 0xff;
    tw_assert_ok(corral_memory_read(i2, 0, &b, 1));
    assert_int_equal(b, 0);
    corral_linker_free(l2);
    corral_store_free(s2);
    /* the first store still works after the second is gone */
    tw_assert_ok(corral_call(s1, corral_instance_func(i1, "inc"), NULL, 0, &r, 1));
    assert_int_equal(r.of.i32, 3);
    corral_linker_free(l1);
    corral_store_free(s1);
    corral_module_free(pa);
}

/* ---- corral_run_module: one module, many runs, a shared timer ------------------- */

/* A WASI command whose _start spins forever. */
static corral_module *spinner(void)
{
    tw_mod m = {0};
    tw_export(&m, "_start", CORRAL_EXTERN_FUNC, tw_func(&m, ":", "", "03 40 | 0c 00 | 0b"));
    return tw_load(engine, &m, "api_spinner");
}

typedef struct {
    const corral_module *mod;
    corral_run_options opt;
    corral_run_result res;
    double seconds;
} run_job;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *run_job_main(void *arg)
{
    run_job *j = arg;
    double t0 = now_s();
    corral_run_module(engine, j->mod, &j->opt, &j->res);
    j->seconds = now_s() - t0;
    return NULL;
}

/* Four runs of one module on four threads share one timer: each stops at
 * its own deadline, with the timeout trap. */
static void test_run_module_shared_timer(void **state)
{
    (void)state;
    corral_module *mod = spinner();
    corral_timer *timer = corral_timer_new();
    assert_non_null(timer);
    run_job jobs[4];
    pthread_t th[4];
    memset(jobs, 0, sizeof jobs);
    for (int i = 0; i < 4; i++) {
        jobs[i].mod = mod;
        jobs[i].opt.timeout_ms = (uint64_t)(50 + 100 * i);
        jobs[i].opt.timer = timer;
        jobs[i].opt.capture_cap = 1024;
        assert_int_equal(pthread_create(&th[i], NULL, run_job_main, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(jobs[i].res.outcome, CORRAL_RUN_TRAPPED);
        assert_true(jobs[i].res.timed_out);
        assert_non_null(strstr(jobs[i].res.trap, "timeout"));
        /* not before its own deadline, and not at a later one's */
        assert_true(jobs[i].seconds >= (double)jobs[i].opt.timeout_ms / 1000 - 0.005);
        assert_true(jobs[i].seconds < (double)jobs[i].opt.timeout_ms / 1000 + 2.0);
        corral_run_result_free(&jobs[i].res);
    }
    corral_timer_free(timer);
    corral_module_free(mod);
}

/* on_store hands out the run's store; interrupting it from another thread
 * ends the run with "interrupt" (not a timeout), and the hook hears of the
 * store's end before it is freed. */
typedef struct {
    pthread_mutex_t mu;
    corral_store *store;
    int seen, ended;
} store_watch;

static void watch_store(corral_store *s, void *env)
{
    store_watch *w = env;
    pthread_mutex_lock(&w->mu);
    w->store = s;
    if (s != NULL)
        w->seen++;
    else
        w->ended++;
    pthread_mutex_unlock(&w->mu);
}

static void test_run_module_cancel(void **state)
{
    (void)state;
    corral_module *mod = spinner();
    store_watch w = {PTHREAD_MUTEX_INITIALIZER, NULL, 0, 0};
    run_job j;
    memset(&j, 0, sizeof j);
    j.mod = mod;
    j.opt.on_store = watch_store;
    j.opt.on_store_env = &w;
    j.opt.timeout_ms = 20000; /* a safety net: the cancel comes first */
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, run_job_main, &j), 0);
    for (int tries = 0;; tries++) {
        struct timespec ts = {0, 5000000};
        nanosleep(&ts, NULL);
        pthread_mutex_lock(&w.mu);
        int done = w.store != NULL;
        if (done)
            corral_store_interrupt(w.store);
        pthread_mutex_unlock(&w.mu);
        if (done)
            break;
        assert_true(tries < 2000);
    }
    pthread_join(th, NULL);
    assert_int_equal(j.res.outcome, CORRAL_RUN_TRAPPED);
    assert_false(j.res.timed_out);
    assert_string_equal(j.res.trap, "interrupt");
    assert_true(j.seconds < 10.0);
    assert_int_equal(w.seen, 1);
    assert_int_equal(w.ended, 1);
    assert_null(w.store);
    corral_run_result_free(&j.res);
    /* fuel asked of a module loaded without it is a load error */
    j.opt = (corral_run_options){.has_fuel = 1, .fuel = 10};
    corral_run_module(engine, mod, &j.opt, &j.res);
    assert_int_equal(j.res.outcome, CORRAL_RUN_LOAD_ERROR);
    assert_non_null(strstr(j.res.error, "fuel"));
    corral_run_result_free(&j.res);
    corral_module_free(mod);
}

/* The library's version is the header's, and the header's numbers make
 * its string. */
static void test_version(void **state)
{
    (void)state;
    assert_string_equal(corral_version(), CORRAL_VERSION);
    char want[32];
    snprintf(want, sizeof want, "%d.%d.%d", CORRAL_VERSION_MAJOR, CORRAL_VERSION_MINOR,
             CORRAL_VERSION_PATCH);
    assert_string_equal(CORRAL_VERSION, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_import_export_listing),
        cmocka_unit_test(test_host_functions),
        cmocka_unit_test(test_host_v128),
        cmocka_unit_test(test_exit),
        cmocka_unit_test(test_link_errors),
        cmocka_unit_test(test_call_errors),
        cmocka_unit_test(test_globals),
        cmocka_unit_test(test_memory_access),
        cmocka_unit_test(test_instantiation_traps),
        cmocka_unit_test(test_instance_linking),
        cmocka_unit_test(test_stores_are_separate),
        cmocka_unit_test(test_run_module_shared_timer),
        cmocka_unit_test(test_run_module_cancel),
        cmocka_unit_test(test_version),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
