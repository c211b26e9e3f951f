/*
 * test_lower.c - what the lowering makes of common shapes of code, read
 * back through corral_module_disasm, and that the result still computes
 * the right values (the deferred local.get / const operands are where a
 * register-style lowering can go wrong).
 */
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

/* The lowered text of function f, and its instruction count. */
static char *lowered(const corral_module *m, uint32_t f, int *ninstr)
{
    size_t need = corral_module_disasm(m, f, NULL, 0) + 1;
    char *text = malloc(need);
    assert_non_null(text);
    corral_module_disasm(m, f, text, need);
    *ninstr = 0;
    for (const char *p = text; (p = strstr(p, "\n  ")) != NULL; p++) (*ninstr)++;
    return text;
}

static int64_t call_i32(corral_module *m, const char *name, int32_t a, int32_t b)
{
    corral_store *s = corral_store_new(engine, NULL);
    corral_linker *l = corral_linker_new(s);
    corral_instance *inst;
    tw_assert_ok(corral_instantiate(l, m, &inst));
    corral_func *f = corral_instance_func(inst, name);
    assert_non_null(f);
    uint32_t np;
    corral_func_type(f, &np, NULL, NULL, NULL);
    corral_val args[2] = {{.type = CORRAL_I32, .of.i32 = a}, {.type = CORRAL_I32, .of.i32 = b}};
    corral_val r = {0};
    tw_assert_ok(corral_call(s, f, args, np, &r, 1));
    corral_linker_free(l);
    corral_store_free(s);
    return r.of.i32;
}

/* local.get a; local.get b; i32.add; local.set c  ->  one instruction. */
static void test_operands_are_slots(void **state)
{
    (void)state;
    tw_mod m = {0};
    uint32_t f = tw_func(&m, "ii:i", "i", "20 00 | 20 01 | 6a | 21 02 | 20 02");
    tw_export(&m, "f", CORRAL_EXTERN_FUNC, f);
    corral_module *mod = tw_load(engine, &m, "lower_add");
    int n;
    char *text = lowered(mod, f, &n);
    if (!strstr(text, "i32.add s2= s0 s1")) fail_msg("no single add into the local:\n%s", text);
    assert_int_equal(n, 3); /* add, copy of the result to fp[0], ret */
    free(text);
    assert_int_equal(call_i32(mod, "f", 40, 2), 42);
    corral_module_free(mod);
}

/* A comparison with a constant feeding br_if becomes one instruction. */
static void test_compare_branch_fused(void **state)
{
    (void)state;
    tw_mod m = {0};
    /* block; local.get 0; i32.const 10; i32.lt_s; br_if 0; i32.const 7; return; end; i32.const 9 */
    uint32_t f = tw_func(&m, "i:i", "", "02 40 | 20 00 | 41 0a | 48 | 0d 00 | 41 07 | 0f | 0b | 41 09");
    tw_export(&m, "f", CORRAL_EXTERN_FUNC, f);
    corral_module *mod = tw_load(engine, &m, "lower_brif");
    int n;
    char *text = lowered(mod, f, &n);
    if (!strstr(text, "i32.lt_s_imm_br s0 10")) fail_msg("compare and br_if not fused:\n%s", text);
    free(text);
    assert_int_equal(call_i32(mod, "f", 3, 0), 9);
    assert_int_equal(call_i32(mod, "f", 10, 0), 7);
    assert_int_equal(call_i32(mod, "f", -5, 0), 9);
    corral_module_free(mod);
}

/* A single result computed last is written straight into fp[0]. */
static void test_return_written_in_place(void **state)
{
    (void)state;
    tw_mod m = {0};
    uint32_t f = tw_func(&m, "ii:i", "", "20 00 | 20 01 | 6c");
    tw_export(&m, "f", CORRAL_EXTERN_FUNC, f);
    corral_module *mod = tw_load(engine, &m, "lower_ret");
    int n;
    char *text = lowered(mod, f, &n);
    if (!strstr(text, "i32.mul s0= s0 s1")) fail_msg("result not written in place:\n%s", text);
    assert_int_equal(n, 2);
    free(text);
    assert_int_equal(call_i32(mod, "f", 6, 7), 42);
    corral_module_free(mod);
}

/* Deferred reads of a local must see its value from before a later write:
 * local.get 0; local.get 0; i32.const 1; i32.add; local.tee 0; i32.add
 * computes x + (x + 1), and the same through a block boundary. */
static void test_aliases_saved_before_writes(void **state)
{
    (void)state;
    tw_mod m = {0};
    uint32_t f = tw_func(&m, "i:i", "", "20 00 | 20 00 | 41 01 | 6a | 22 00 | 6a");
    tw_export(&m, "f", CORRAL_EXTERN_FUNC, f);
    /* local.get 0; loop; local.get 0; i32.const 1; i32.add; local.set 0; end; local.get 0; i32.sub
     * -> x - (x + 1) = -1: the first read must not follow the write in the loop */
    uint32_t g = tw_func(&m, "i:i", "", "20 00 | 03 40 | 20 00 | 41 01 | 6a | 21 00 | 0b | 20 00 | 6b");
    tw_export(&m, "g", CORRAL_EXTERN_FUNC, g);
    /* i32.const 5; local.get 0; i32.sub: the constant is the left operand */
    uint32_t h = tw_func(&m, "i:i", "", "41 05 | 20 00 | 6b");
    tw_export(&m, "h", CORRAL_EXTERN_FUNC, h);
    corral_module *mod = tw_load(engine, &m, "lower_alias");
    assert_int_equal(call_i32(mod, "f", 20, 0), 41);
    assert_int_equal(call_i32(mod, "g", 100, 0), -1);
    assert_int_equal(call_i32(mod, "h", 2, 0), 3);
    corral_module_free(mod);
}

/* v128 values take two slots: a call with v128 and scalar arguments mixed
 * and several results, a block result through select, br_table and the
 * moves to the block's slots, a local.tee aliased by the next operand;
 * with and without fuel (whose lowering adds segment headers).
 *
 *   (func $mix (param i32 v128 i64 v128) (result v128 i64 v128)
 *     (i32x4.add (local.get 3) (local.get 1))
 *     (i64.add (local.get 2) (i64.extend_i32_u (local.get 0)))
 *     (local.get 1))
 *   (func (export "run") (param $x v128) (param $k i32) (result i32)
 *     (local $a v128) (local $b i64) (local $c v128)
 *     (call $mix (local.get $k) (local.get $x) (i64.const 100)
 *                (v128.const i32x4 10 20 30 40))
 *     (local.set $c) (local.set $b) (local.set $a)
 *     (block $out (result v128)
 *       (block $two (result v128)
 *         (block $one (result v128)
 *           (select (result v128) (local.get $a) (local.get $c) (local.get $k))
 *           (br_table $one $two $out (local.get $k)))
 *         (i32x4.add (v128.const i32x4 1 1 1 1))
 *         (br $out))
 *       (local.tee $c)
 *       (i8x16.shuffle 12 13 14 15 8 9 10 11 4 5 6 7 0 1 2 3 (local.get $c)))
 *     (local.set $a)
 *     lane 0 + 3 * lane 1 + 5 * lane 2 + 7 * lane 3 of $a, + (i32)$b)
 */
static void test_v128_two_slots(void **state)
{
    (void)state;
    static const char hex[] =
        "0061736d0100000001110260047f7b7e7b037b7e7b60027b7f017f03030200010707010372756e00010a"
        "aa0102110020032001fdae0120022000ad7c20010b950103017b017e017b2001200042e400fd0c0a0000"
        "00140000001e000000280000001000210421032102027b027b027b2002200420011c017b20010e020001"
        "020bfd0c01000000010000000100000001000000fdae010c010b22042004fd0d0c0d0e0f08090a0b0405"
        "0607000102030b21022002fd1b0041032002fd1b016c6a41052002fd1b026c41072002fd1b036c6a6a20"
        "03a76a0b";
    /* x = i32x4 1000 2000 3000 4000; k = 0: x + 1; 1: the lanes of
     * x + (10 20 30 40) reversed; 2, 3 (default): x + (10 20 30 40) */
    static const int32_t want[4] = {50016 + 100, 30300 + 101, 50500 + 102, 50500 + 103};
    for (int with_fuel = 0; with_fuel < 2; with_fuel++) {
        corral_config cfg = {.consume_fuel = with_fuel};
        corral_engine *e = corral_engine_new(&cfg);
        tw_buf b = {0};
        tw_hex(&b, hex);
        corral_module *m;
        tw_assert_ok(corral_module_new(e, b.p, b.n, &m, NULL));
        tw_buf_free(&b);
        corral_store *s = corral_store_new(e, NULL);
        if (with_fuel) tw_assert_ok(corral_store_set_fuel(s, 1000000));
        corral_linker *l = corral_linker_new(s);
        corral_instance *inst;
        tw_assert_ok(corral_instantiate(l, m, &inst));
        corral_func *f = corral_instance_func(inst, "run");
        for (int32_t k = 0; k < 4; k++) {
            corral_val args[2] = {{.type = CORRAL_V128}, {.type = CORRAL_I32, .of.i32 = k}};
            for (int i = 0; i < 4; i++) {
                int32_t v = 1000 * (i + 1);
                for (int j = 0; j < 4; j++) args[0].of.v128[4 * i + j] = (uint8_t)(v >> (8 * j));
            }
            corral_val r = {0};
            tw_assert_ok(corral_call(s, f, args, 2, &r, 1));
            assert_int_equal(r.of.i32, want[k]);
        }
        corral_linker_free(l);
        corral_store_free(s);
        corral_module_free(m);
        corral_engine_free(e);
    }
}

/* A v128.const operand is deferred like i32.const: b of a lane-wise binary
 * instruction becomes its immediate (NAME_imm).
 *   (func (export "f") (param v128) (result v128)
 *     (i32x4.eq (i32x4.add (local.get 0) (v128.const i32x4 1 2 3 4))
 *               (v128.const i32x4 2 2 6 6)))
 */
static void test_v128_const_immediate(void **state)
{
    (void)state;
    static const char hex[] =
        "0061736d0100000001060160017b017b03020100070501016600000a2f012d002000fd0c01000000"
        "020000000300000004000000fdae01fd0c02000000020000000600000006000000fd370b";
    tw_buf b = {0};
    tw_hex(&b, hex);
    corral_module *m;
    tw_assert_ok(corral_module_new(engine, b.p, b.n, &m, NULL));
    tw_buf_free(&b);
    int n;
    char *text = lowered(m, 0, &n);
    assert_non_null(strstr(text, "i32x4.add_imm s2= s0 1 2 3 4\n"));
    assert_non_null(strstr(text, "i32x4.eq_imm s0= s2 2 2 6 6\n"));
    assert_int_equal(n, 3); /* and RET */
    free(text);
    corral_store *s = corral_store_new(engine, NULL);
    corral_linker *l = corral_linker_new(s);
    corral_instance *inst;
    tw_assert_ok(corral_instantiate(l, m, &inst));
    static const int32_t x[4] = {1, 0, 5, 2}; /* + (1 2 3 4) = 2 2 8 6 */
    corral_val arg = {.type = CORRAL_V128}, r;
    for (int i = 0; i < 16; i++) arg.of.v128[i] = (uint8_t)(x[i / 4] >> (8 * (i % 4)));
    tw_assert_ok(corral_call(s, corral_instance_func(inst, "f"), &arg, 1, &r, 1));
    static const uint8_t want[16] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                     0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff};
    assert_memory_equal(r.of.v128, want, 16);
    corral_linker_free(l);
    corral_store_free(s);
    corral_module_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_operands_are_slots),
        cmocka_unit_test(test_compare_branch_fused),
        cmocka_unit_test(test_return_written_in_place),
        cmocka_unit_test(test_aliases_saved_before_writes),
        cmocka_unit_test(test_v128_two_slots),
        cmocka_unit_test(test_v128_const_immediate),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
