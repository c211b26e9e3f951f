/*
 * test_snapshot.c - corral_snapshot_module (vm/snapshot.c): the state that
 * a module cannot hold is refused with a message naming where it is, and
 * the state it can hold (v128 globals included) is written back.  The end-to-end cases (memory,
 * globals, tables, node, the command) are in tests/e2e_snapshot.sh.
 *
 * The module (wat2wasm of the text below) lets the host put any funcref or
 * externref into its tables and globals:
 *
 *   (module
 *     (table $t 2 funcref)
 *     (table $e 1 externref)
 *     (global $g (mut funcref) (ref.null func))
 *     (global $x (mut externref) (ref.null extern))
 *     (func (export "setf") (param funcref) (table.set $t (i32.const 0) (local.get 0)))
 *     (func (export "setg") (param funcref) (global.set $g (local.get 0)))
 *     (func (export "sete") (param externref) (table.set $e (i32.const 0) (local.get 0)))
 *     (func (export "setx") (param externref) (global.set $x (local.get 0)))
 *     (func $own (export "own")))
 */
#include "test_wasm.h"

static const char MODULE_HEX[] =
    "0061736d01000000010c036001700060016f0060000003060500000101020407027000026f0001060b02"
    "7001d0700b6f01d06f0b07230504736574660000047365746700010473657465000204736574780003"
    "036f776e00040a240508004100200026000b0600200024000b08004100200026010b0600200024010b"
    "02000b";

typedef struct {
    corral_engine *engine;
    corral_module *mod;
    corral_store *store;
    corral_linker *linker;
    corral_instance *inst;
    corral_func *host; /* a host function that the module does not import */
} fixture;

static const char *nop(corral_caller *c, void *env, const uint64_t *args, uint64_t *results)
{
    (void)c, (void)env, (void)args, (void)results;
    return NULL;
}

static void setup(fixture *f)
{
    tw_buf b = {0};
    tw_hex(&b, MODULE_HEX);
    memset(f, 0, sizeof *f);
    f->engine = corral_engine_new(NULL);
    assert_non_null(f->engine);
    assert_null(corral_module_new(f->engine, b.p, b.n, &f->mod, NULL));
    tw_buf_free(&b);
    f->store = corral_store_new(f->engine, NULL);
    f->linker = corral_linker_new(f->store);
    /* A second instance exports a function of its own: a "host" function
     * as far as the first instance is concerned. */
    assert_null(corral_linker_define_func(f->linker, "host", "nop", ":", nop, NULL));
    assert_null(corral_instantiate(f->linker, f->mod, &f->inst));
    corral_instance *other;
    assert_null(corral_instantiate(f->linker, f->mod, &other));
    f->host = corral_instance_func(other, "own");
    assert_non_null(f->host);
}

static void teardown(fixture *f)
{
    corral_linker_free(f->linker);
    corral_store_free(f->store);
    corral_module_free(f->mod);
    corral_engine_free(f->engine);
}

/* Call export name with one reference argument. */
static void set_ref(fixture *f, const char *name, corral_valtype t, void *ref)
{
    corral_val arg = {.type = t};
    arg.of.ref = ref;
    assert_null(corral_call(f->store, corral_instance_func(f->inst, name), &arg, 1, NULL, 0));
}

static void expect_refusal(fixture *f, const char *want)
{
    char why[256];
    uint8_t *out = (uint8_t *)1;
    size_t len = 1;
    const char *err = corral_snapshot_module(f->inst, NULL, 0, &out, &len, why, sizeof why);
    assert_non_null(err);
    assert_ptr_equal(err, why);
    if (strstr(why, want) == NULL)
        fail_msg("message '%s' lacks '%s'", why, want);
    assert_null(out);
    assert_int_equal(len, 0);
    /* Without a buffer, a fixed message. */
    err = corral_snapshot_module(f->inst, NULL, 0, &out, &len, NULL, 0);
    assert_non_null(err);
}

static void test_refuses_foreign_function_in_table(void **state)
{
    (void)state;
    fixture f;
    setup(&f);
    set_ref(&f, "setf", CORRAL_FUNCREF, f.host);
    expect_refusal(&f, "table 0 element 0 holds a host function");
    teardown(&f);
}

static void test_refuses_foreign_function_in_global(void **state)
{
    (void)state;
    fixture f;
    setup(&f);
    set_ref(&f, "setg", CORRAL_FUNCREF, f.host);
    expect_refusal(&f, "global 0 holds a host function");
    teardown(&f);
}

static void test_refuses_externrefs(void **state)
{
    (void)state;
    fixture f;
    int x;
    setup(&f);
    set_ref(&f, "sete", CORRAL_EXTERNREF, &x);
    expect_refusal(&f, "table 1 element 0 holds an externref");
    set_ref(&f, "sete", CORRAL_EXTERNREF, NULL);
    set_ref(&f, "setx", CORRAL_EXTERNREF, &x);
    expect_refusal(&f, "global 1 holds an externref");
    teardown(&f);
}

/* The module's own function in a table and a global is written back: the
 * output loads and has one export fewer. */
static void test_writes_own_references(void **state)
{
    (void)state;
    fixture f;
    setup(&f);
    corral_func *own = corral_instance_func(f.inst, "own");
    set_ref(&f, "setf", CORRAL_FUNCREF, own);
    set_ref(&f, "setg", CORRAL_FUNCREF, own);
    static const char *const drop[] = {"setx"};
    uint8_t *out;
    size_t len;
    char why[256];
    assert_null(corral_snapshot_module(f.inst, drop, 1, &out, &len, why, sizeof why));
    corral_module *m2;
    assert_null(corral_module_new(f.engine, out, len, &m2, NULL));
    assert_int_equal(corral_module_export_count(m2), 4);
    corral_instance *i2;
    assert_null(corral_instantiate(f.linker, m2, &i2));
    assert_null(corral_instance_func(i2, "setx"));
    /* A snapshot of the snapshot's instance loads too (the references are
     * in its elem segments and global inits now). */
    uint8_t *out2;
    size_t len2;
    corral_module *m3;
    assert_null(corral_snapshot_module(i2, NULL, 0, &out2, &len2, why, sizeof why));
    assert_null(corral_module_new(f.engine, out2, len2, &m3, NULL));
    corral_module_free(m3);
    free(out);
    free(out2);
    corral_module_free(m2);
    teardown(&f);
}

/* A v128 global: its initial value is a v128.const, set through the API
 * with a v128 argument, and written back as a v128.const of its current
 * bytes.
 *
 *   (module
 *     (global $v (export "v") (mut v128) (v128.const i32x4 1 2 3 4))
 *     (func (export "set") (param v128) (global.set $v (local.get 0)))
 *     (func (export "get") (result v128) (global.get $v)))
 */
static const char V128_HEX[] =
    "0061736d0100000001090260017b006000017b03030200010616017b01fd0c01000000020000000300"
    "0000040000000b071103017603000373657400000367657400010a0d020600200024000b040023000b";

static void test_writes_v128_global(void **state)
{
    (void)state;
    tw_buf b = {0};
    tw_hex(&b, V128_HEX);
    corral_engine *e = corral_engine_new(NULL);
    corral_module *m, *m2;
    assert_null(corral_module_new(e, b.p, b.n, &m, NULL));
    tw_buf_free(&b);
    corral_store *s = corral_store_new(e, NULL);
    corral_linker *l = corral_linker_new(s);
    corral_instance *inst, *i2;
    assert_null(corral_instantiate(l, m, &inst));
    corral_val v;
    assert_true(corral_instance_global(inst, "v", &v));
    assert_int_equal(v.type, CORRAL_V128);
    static const uint8_t init[16] = {1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0};
    assert_memory_equal(v.of.v128, init, 16);
    corral_val arg = {.type = CORRAL_V128}, got;
    for (int i = 0; i < 16; i++) arg.of.v128[i] = (uint8_t)(0xF0 ^ i * 17);
    assert_null(corral_call(s, corral_instance_func(inst, "set"), &arg, 1, NULL, 0));
    assert_null(corral_call(s, corral_instance_func(inst, "get"), NULL, 0, &got, 1));
    assert_int_equal(got.type, CORRAL_V128);
    assert_memory_equal(got.of.v128, arg.of.v128, 16);
    uint8_t *out;
    size_t len;
    char why[256];
    assert_null(corral_snapshot_module(inst, NULL, 0, &out, &len, why, sizeof why));
    assert_null(corral_module_new(e, out, len, &m2, NULL));
    assert_null(corral_instantiate(l, m2, &i2));
    assert_true(corral_instance_global(i2, "v", &v));
    assert_memory_equal(v.of.v128, arg.of.v128, 16);
    free(out);
    corral_linker_free(l);
    corral_store_free(s);
    corral_module_free(m2);
    corral_module_free(m);
    corral_engine_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refuses_foreign_function_in_table),
        cmocka_unit_test(test_refuses_foreign_function_in_global),
        cmocka_unit_test(test_refuses_externrefs),
        cmocka_unit_test(test_writes_own_references),
        cmocka_unit_test(test_writes_v128_global),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
