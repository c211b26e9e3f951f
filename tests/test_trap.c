/*
 * test_trap.c - where a trap happened (corral_store_trap_frames,
 * corral_frames_format, corral_run_result.frames): for each kind of trap,
 * in nested calls, with and without a name section, with fuel, through a
 * cache round trip and through a host function that calls back into wasm.
 *
 * The offsets a frame must report are found in the module's own bytes: each
 * body holds a distinctive instruction sequence, and the expected offset is
 * where that sequence is in the binary plus the position of the trapping
 * instruction (or the call) within it, as `wasm-objdump -d` would show it.
 */
#include "test_wasm.h"

/* Function indices of the test module (the imports first). */
enum {
    F_REENTER, /* import env.reenter (:i): calls export "inner", hands back its trap */
    F_FAIL,    /* import env.fail (:i): fails with its own message */
    F_STOP,    /* import env.stop (:): sets the store's interrupt flag */
    F_DIV, F_MID, F_TOP, F_UNREACH, F_OOB, F_TARGET, F_INDIRECT, F_REC, F_RECX,
    F_SPIN, F_SPINX, F_INNER, F_OUTER, F_HOSTFAIL, F_OK, F_STOPSPIN
};

static uint8_t *mod_bytes;
static size_t mod_len;

/* Where the bytes spelled by hex (test_wasm.h's notation) occur in the
 * module; the test fails if they do not. */
static uint64_t find(const char *hex)
{
    tw_buf p = {0};
    tw_hex(&p, hex);
    for (size_t i = 0; i + p.n <= mod_len; i++)
        if (memcmp(mod_bytes + i, p.p, p.n) == 0) {
            tw_buf_free(&p);
            return i;
        }
    fail_msg("pattern %s not in the module", hex);
    return 0;
}

/* find() of the pattern fmt makes with the function indices in it. */
static uint64_t findf(const char *fmt, unsigned a)
{
    char hex[64];
    snprintf(hex, sizeof hex, fmt, a);
    return find(hex);
}

/* A name section (custom section "name", subsection 1: function names)
 * for n functions, appended to b. */
static void add_names(tw_buf *b, const uint32_t *idx, const char *const *names, size_t n)
{
    tw_buf sub = {0}, sec = {0};
    tw_uleb(&sub, n);
    for (size_t i = 0; i < n; i++) {
        tw_uleb(&sub, idx[i]);
        tw_name(&sub, names[i]);
    }
    tw_name(&sec, "name");
    tw_u8(&sec, 1);
    tw_uleb(&sec, sub.n);
    tw_put(&sec, sub.p, sub.n);
    tw_u8(b, 0);
    tw_uleb(b, sec.n);
    tw_put(b, sec.p, sec.n);
    tw_buf_free(&sub);
    tw_buf_free(&sec);
}

/* The module, into mod_bytes (with names: div, mid, top, rec, spin). */
static void build(int names)
{
    tw_mod m = {0};
    char body[128];
    tw_import_func(&m, "env", "reenter", ":i");
    tw_import_func(&m, "env", "fail", ":i");
    tw_import_func(&m, "env", "stop", ":");
    tw_memory(&m, 1, -1);
    tw_table(&m, 1, 1);
    uint32_t t_void_i = tw_type(&m, ":i");
    /* div: i32.const 7; local.get 0; i32.div_s */
    tw_func(&m, "i:i", "", "41 07 | 20 00 | 6d");
    /* mid: local.get 0; call div; i32.const 3; i32.add */
    snprintf(body, sizeof body, "20 00 | 10 %02x | 41 03 | 6a", F_DIV);
    tw_func(&m, "i:i", "", body);
    snprintf(body, sizeof body, "20 00 | 10 %02x | 41 05 | 6a", F_MID);
    tw_func(&m, "i:i", "", body);
    /* i32.const 11; drop; unreachable */
    tw_func(&m, ":", "", "41 0b | 1a | 00");
    /* i32.const 65532; i32.load offset=8 */
    tw_func(&m, ":i", "", "41 fc ff 03 | 28 02 08");
    tw_func(&m, "i:i", "", "20 00"); /* in the table: type i:i */
    /* i32.const 9; drop; i32.const 0; call_indirect (type :i) */
    snprintf(body, sizeof body, "41 09 | 1a | 41 00 | 11 %02x 00", t_void_i);
    tw_func(&m, ":i", "", body);
    snprintf(body, sizeof body, "20 00 | 10 %02x", F_REC); /* rec calls itself */
    tw_func(&m, "i:i", "", body);
    snprintf(body, sizeof body, "41 0e | 10 %02x", F_REC);
    tw_func(&m, ":i", "", body);
    tw_func(&m, ":", "", "03 40 | 0c 00 | 0b"); /* spin: loop br 0 end */
    snprintf(body, sizeof body, "01 | 10 %02x", F_SPIN);
    tw_func(&m, ":", "", body);
    snprintf(body, sizeof body, "41 00 | 10 %02x", F_TOP); /* inner: top(0) */
    tw_func(&m, ":i", "", body);
    snprintf(body, sizeof body, "41 0d | 1a | 10 %02x", F_REENTER);
    tw_func(&m, ":i", "", body);
    snprintf(body, sizeof body, "41 0f | 1a | 10 %02x", F_FAIL);
    tw_func(&m, ":i", "", body);
    tw_func(&m, ":i", "", "41 01");
    /* call stop; loop br 0 end: interrupted at the back-edge */
    snprintf(body, sizeof body, "10 %02x | 03 40 | 0c 00 | 0b", F_STOP);
    tw_func(&m, ":", "", body);
    static const char *const exports[] = {"div", "unreachable", "oob", "indirect", "rec",
                                          "spin", "inner", "outer", "hostfail", "ok",
                                          "stopspin"};
    static const uint32_t exported[] = {F_TOP, F_UNREACH, F_OOB, F_INDIRECT, F_RECX,
                                        F_SPINX, F_INNER, F_OUTER, F_HOSTFAIL, F_OK,
                                        F_STOPSPIN};
    for (size_t i = 0; i < sizeof exported / sizeof *exported; i++)
        tw_export(&m, exports[i], CORRAL_EXTERN_FUNC, exported[i]);
    uint32_t target = F_TARGET;
    tw_elem(&m, 0, &target, 1);
    size_t len;
    uint8_t *bytes = tw_finish(&m, &len);
    tw_buf b = {0};
    tw_put(&b, bytes, len);
    free(bytes);
    if (names) {
        static const uint32_t idx[] = {F_DIV, F_MID, F_TOP, F_REC, F_SPIN};
        static const char *const nm[] = {"div", "mid", "top", "rec", "spin"};
        add_names(&b, idx, nm, 5);
    }
    free(mod_bytes);
    mod_bytes = b.p;
    mod_len = b.n;
}

/* ---- a store with an instance --------------------------------------------------- */

typedef struct {
    corral_engine *e;
    corral_module *m;
    corral_store *s;
    corral_linker *l;
    corral_instance *inst;
    uint8_t *entry; /* a cache entry the module runs from, or NULL */
} ctx;

static const char *host_reenter(corral_caller *c, void *env, const uint64_t *args,
                                uint64_t *results)
{
    (void)args;
    ctx *x = env;
    corral_val r[1];
    const char *err = corral_call(corral_caller_store(c), corral_instance_func(x->inst, "inner"),
                                  NULL, 0, r, 1);
    results[0] = err ? 0 : (uint32_t)r[0].of.i32;
    return err;
}

static const char *host_stop(corral_caller *c, void *env, const uint64_t *args,
                             uint64_t *results)
{
    (void)env;
    (void)args;
    (void)results;
    corral_store_interrupt(corral_caller_store(c));
    return NULL;
}

static const char host_no[] = "host says no";

static const char *host_fail(corral_caller *c, void *env, const uint64_t *args,
                             uint64_t *results)
{
    (void)c;
    (void)env;
    (void)args;
    (void)results;
    return host_no;
}

/* fuel: an engine that counts fuel (the store gets all there is); cached: the
 * module goes through a cache entry and runs from it. */
static void open_ctx(ctx *x, int fuel, int cached)
{
    memset(x, 0, sizeof *x);
    corral_config cfg = {.consume_fuel = fuel};
    x->e = corral_engine_new(&cfg);
    assert_non_null(x->e);
    tw_assert_ok(corral_module_new(x->e, mod_bytes, mod_len, &x->m, NULL));
    if (cached) {
        uint8_t key[32];
        size_t n;
        corral_module_cache_key(x->e, mod_bytes, mod_len, key);
        tw_assert_ok(corral_module_serialize(x->m, key, &x->entry, &n));
        corral_module_free(x->m);
        x->m = NULL;
        tw_assert_ok(corral_module_deserialize(x->e, mod_bytes, mod_len, key, x->entry, n, NULL,
                                               NULL, 0, &x->m));
    }
    x->s = corral_store_new(x->e, NULL);
    assert_non_null(x->s);
    if (fuel)
        tw_assert_ok(corral_store_set_fuel(x->s, UINT64_MAX));
    x->l = corral_linker_new(x->s);
    tw_assert_ok(corral_linker_define_func(x->l, "env", "reenter", ":i", host_reenter, x));
    tw_assert_ok(corral_linker_define_func(x->l, "env", "fail", ":i", host_fail, x));
    tw_assert_ok(corral_linker_define_func(x->l, "env", "stop", ":", host_stop, x));
    tw_assert_ok(corral_instantiate(x->l, x->m, &x->inst));
}

static void close_ctx(ctx *x)
{
    corral_linker_free(x->l);
    corral_store_free(x->s);
    corral_module_free(x->m);
    free(x->entry);
    corral_engine_free(x->e);
}

/* Call export name (no arguments); returns the trap. */
static const char *call0(ctx *x, const char *name)
{
    corral_func *f = corral_instance_func(x->inst, name);
    assert_non_null(f);
    uint32_t nres = 0;
    corral_func_type(f, NULL, NULL, &nres, NULL);
    corral_val r[1];
    return corral_call(x->s, f, NULL, 0, r, nres);
}

static corral_frame frames[CORRAL_TRAP_FRAMES];

/* The store's frames; returns how many the trap had. */
static size_t get_frames(ctx *x)
{
    memset(frames, 0, sizeof frames);
    return corral_store_trap_frames(x->s, frames, CORRAL_TRAP_FRAMES);
}

static void assert_frame(size_t i, uint32_t func, uint64_t offset, const char *name,
                         const corral_module *m)
{
    assert_int_equal(frames[i].func, func);
    assert_int_equal(frames[i].offset, offset);
    assert_ptr_equal(frames[i].module, m);
    if (name)
        assert_string_equal(frames[i].name, name);
    else
        assert_null(frames[i].name);
}

/* ---- the traps ------------------------------------------------------------------------ */

/* The div chain: top -> mid -> div, which divides by zero. */
static void check_div(ctx *x, int names)
{
    tw_assert_msg(call0(x, "inner"), "integer divide by zero");
    assert_int_equal(get_frames(x), 4);
    assert_frame(0, F_DIV, find("41 07 20 00 6d") + 4, names ? "div" : NULL, x->m);
    assert_frame(1, F_MID, findf("20 00 10 %02x 41 03", F_DIV) + 2, names ? "mid" : NULL, x->m);
    assert_frame(2, F_TOP, findf("20 00 10 %02x 41 05", F_MID) + 2, names ? "top" : NULL, x->m);
    assert_frame(3, F_INNER, findf("41 00 10 %02x", F_TOP) + 2, NULL, x->m);
}

static void check_all(int names, int fuel, int cached)
{
    build(names);
    ctx x;
    open_ctx(&x, fuel, cached);
    check_div(&x, names);

    tw_assert_msg(call0(&x, "unreachable"), "unreachable");
    assert_int_equal(get_frames(&x), 1);
    assert_frame(0, F_UNREACH, find("41 0b 1a 00") + 3, NULL, x.m);

    tw_assert_msg(call0(&x, "oob"), "out of bounds memory access");
    assert_int_equal(get_frames(&x), 1);
    assert_frame(0, F_OOB, find("41 fc ff 03 28 02 08") + 4, NULL, x.m);

    tw_assert_msg(call0(&x, "indirect"), "indirect call type mismatch");
    assert_int_equal(get_frames(&x), 1);
    assert_frame(0, F_INDIRECT, find("41 09 1a 41 00 11") + 5, NULL, x.m);

    /* A successful call leaves no frames behind. */
    tw_assert_ok(call0(&x, "ok"));
    assert_int_equal(get_frames(&x), 0);
    /* Nor does a call refused before it runs. */
    tw_assert_msg(call0(&x, "oob"), "out of bounds memory access");
    corral_val one = tw_i32(1), r[1];
    tw_assert_msg(corral_call(x.s, corral_instance_func(x.inst, "ok"), &one, 1, r, 1),
                  "wrong number of arguments");
    assert_int_equal(get_frames(&x), 0);

    /* Stack exhaustion: the innermost frames are kept, all are counted. */
    tw_assert_msg(call0(&x, "rec"), "call stack exhausted");
    size_t total = get_frames(&x);
    assert_true(total > 1000);
    uint64_t rec_call = findf("20 00 10 %02x", F_REC) + 2;
    for (size_t i = 0; i < CORRAL_TRAP_FRAMES; i++)
        assert_frame(i, F_REC, rec_call, names ? "rec" : NULL, x.m);
    corral_frame few[3];
    assert_int_equal(corral_store_trap_frames(x.s, few, 3), total);
    assert_int_equal(few[2].offset, rec_call);

    /* The trap of wasm that a host function called, handed back by it: the
     * inner frames, then the frame that called the host function. */
    tw_assert_msg(call0(&x, "outer"), "integer divide by zero");
    assert_int_equal(get_frames(&x), 5);
    assert_frame(0, F_DIV, find("41 07 20 00 6d") + 4, names ? "div" : NULL, x.m);
    assert_frame(3, F_INNER, findf("41 00 10 %02x", F_TOP) + 2, NULL, x.m);
    assert_frame(4, F_OUTER, findf("41 0d 1a 10 %02x", F_REENTER) + 3, NULL, x.m);

    /* A host function's own error: where it was called. */
    tw_assert_msg(call0(&x, "hostfail"), host_no);
    assert_int_equal(get_frames(&x), 1);
    assert_frame(0, F_HOSTFAIL, findf("41 0f 1a 10 %02x", F_FAIL) + 3, NULL, x.m);

    /* An interrupt: at the loop's back-edge. */
    tw_assert_msg(call0(&x, "stopspin"), "interrupt");
    corral_store_clear_interrupt(x.s);
    assert_int_equal(get_frames(&x), 1);
    assert_frame(0, F_STOPSPIN, findf("10 %02x 03 40 0c 00", F_STOP) + 4, NULL, x.m);

    if (fuel) {
        /* spin loops until the fuel is gone: the branch back, then its caller. */
        tw_assert_ok(corral_store_set_fuel(x.s, 1000));
        tw_assert_msg(call0(&x, "spin"), "all fuel consumed by WebAssembly");
        assert_int_equal(get_frames(&x), 2);
        assert_frame(0, F_SPIN, find("03 40 0c 00 0b") + 2, names ? "spin" : NULL, x.m);
        assert_frame(1, F_SPINX, findf("01 10 %02x 0b", F_SPIN) + 1, NULL, x.m);
    }
    close_ctx(&x);
}

static void test_traps_named(void **state)
{
    (void)state;
    check_all(1, 0, 0);
}

static void test_traps_unnamed(void **state)
{
    (void)state;
    check_all(0, 0, 0);
}

static void test_traps_fuel(void **state)
{
    (void)state;
    check_all(1, 1, 0);
}

static void test_traps_cached(void **state)
{
    (void)state;
    check_all(1, 0, 1);
    check_all(0, 1, 1);
}

/* A trap in the start function: corral_instantiate's error has frames. */
static void test_start_trap(void **state)
{
    (void)state;
    tw_mod m = {0};
    uint32_t f = tw_func(&m, ":", "", "41 2a | 1a | 00");
    tw_func(&m, ":", "", "01 | 10 00");
    tw_start(&m, 1);
    size_t len;
    free(mod_bytes);
    mod_bytes = tw_finish(&m, &len);
    mod_len = len;
    corral_engine *e = corral_engine_new(NULL);
    corral_module *mod = NULL;
    tw_assert_ok(corral_module_new(e, mod_bytes, mod_len, &mod, NULL));
    corral_store *s = corral_store_new(e, NULL);
    corral_linker *l = corral_linker_new(s);
    corral_instance *inst = NULL;
    tw_assert_msg(corral_instantiate(l, mod, &inst), "unreachable");
    corral_frame fr[4];
    assert_int_equal(corral_store_trap_frames(s, fr, 4), 2);
    assert_int_equal(fr[0].func, f);
    assert_int_equal(fr[0].offset, find("41 2a 1a 00") + 3);
    assert_int_equal(fr[1].func, 1);
    assert_int_equal(fr[1].offset, find("01 10 00 0b") + 1);
    corral_linker_free(l);
    corral_store_free(s);
    corral_module_free(mod);
    corral_engine_free(e);
}

/* corral_run: the frames are copied into the result, names included. */
static void test_run_frames(void **state)
{
    (void)state;
    tw_mod m = {0};
    tw_memory(&m, 1, -1);
    tw_func(&m, ":", "", "41 2b | 1a | 00");
    tw_func(&m, ":", "", "01 | 10 00");
    tw_export(&m, "memory", CORRAL_EXTERN_MEMORY, 0);
    tw_export(&m, "_start", CORRAL_EXTERN_FUNC, 1);
    size_t len;
    uint8_t *bytes = tw_finish(&m, &len);
    tw_buf b = {0};
    tw_put(&b, bytes, len);
    free(bytes);
    static const uint32_t idx[] = {0, 1};
    static const char *const nm[] = {"boom", "main"};
    add_names(&b, idx, nm, 2);
    free(mod_bytes);
    mod_bytes = b.p;
    mod_len = b.n;

    corral_run_options o;
    memset(&o, 0, sizeof o);
    o.capture_cap = 1024;
    corral_run_result r;
    assert_int_equal(corral_run(mod_bytes, mod_len, &o, &r), 134);
    assert_int_equal(r.outcome, CORRAL_RUN_TRAPPED);
    assert_int_equal(r.nframes, 2);
    assert_int_equal(r.frames_total, 2);
    assert_null(r.frames[0].module);
    assert_string_equal(r.frames[0].name, "boom");
    assert_int_equal(r.frames[0].offset, find("41 2b 1a 00") + 3);
    assert_string_equal(r.frames[1].name, "main");
    assert_int_equal(r.frames[1].offset, find("01 10 00 0b") + 1);
    char text[256];
    corral_frames_format(r.frames, r.nframes, r.frames_total, text, sizeof text);
    char want[256];
    snprintf(want, sizeof want, "  at func 0 ($boom) offset 0x%llx\n  at func 1 ($main) offset 0x%llx\n",
             (unsigned long long)r.frames[0].offset, (unsigned long long)r.frames[1].offset);
    assert_string_equal(text, want);
    corral_run_result_free(&r);

    /* A run that exits has none. */
    memset(&o, 0, sizeof o);
    const char *const argv[] = {"x"};
    o.argv = argv;
    o.argc = 1;
    o.invoke = "memory"; /* not a function: a load error, no frames */
    corral_run(mod_bytes, mod_len, &o, &r);
    assert_int_not_equal(r.outcome, CORRAL_RUN_TRAPPED);
    assert_null(r.frames);
    assert_int_equal(r.nframes, 0);
    corral_run_result_free(&r);
}

/* The text: names, no names, control bytes, the count of the rest,
 * truncation to cap with the whole length returned. */
static void test_format(void **state)
{
    (void)state;
    corral_frame f[3] = {
        {NULL, 3, "divide", 0x2a1},
        {NULL, 10, NULL, 0},
        {NULL, 4294967295u, "a\033[2Jb\x7f", 0xffffffffffULL},
    };
    char buf[256];
    const char *want = "  at func 3 ($divide) offset 0x2a1\n"
                       "  at func 10 offset 0x0\n"
                       "  at func 4294967295 ($a?[2Jb?) offset 0xffffffffff\n";
    size_t n = corral_frames_format(f, 3, 3, buf, sizeof buf);
    assert_string_equal(buf, want);
    assert_int_equal(n, strlen(want));
    n = corral_frames_format(f, 1, 40, buf, sizeof buf);
    assert_string_equal(buf, "  at func 3 ($divide) offset 0x2a1\n  ... 39 more frames\n");
    corral_frames_format(f, 1, 2, buf, sizeof buf);
    assert_string_equal(buf, "  at func 3 ($divide) offset 0x2a1\n  ... 1 more frame\n");
    /* A recursion is said once. */
    corral_frame rec[4] = {f[0], f[1], f[1], f[1]};
    rec[2].name = rec[3].name = NULL;
    corral_frames_format(rec, 4, 4, buf, sizeof buf);
    assert_string_equal(buf, "  at func 3 ($divide) offset 0x2a1\n  at func 10 offset 0x0\n"
                             "  ... the same 2 more times\n");
    corral_frames_format(rec, 3, 9, buf, sizeof buf);
    assert_string_equal(buf, "  at func 3 ($divide) offset 0x2a1\n  at func 10 offset 0x0\n"
                             "  ... the same 1 more time\n  ... 6 more frames\n");
    rec[1].name = "x";
    corral_frames_format(rec, 3, 3, buf, sizeof buf);
    assert_string_equal(buf, "  at func 3 ($divide) offset 0x2a1\n  at func 10 ($x) offset 0x0\n"
                             "  at func 10 offset 0x0\n");
    char small[10];
    n = corral_frames_format(f, 3, 3, small, sizeof small);
    assert_int_equal(n, strlen(want));
    assert_string_equal(small, "  at func");
    assert_int_equal(corral_frames_format(f, 0, 0, small, sizeof small), 0);
    assert_string_equal(small, "");
    assert_int_equal(corral_frames_format(f, 3, 3, NULL, 0), strlen(want));
}

static int teardown(void **state)
{
    (void)state;
    free(mod_bytes);
    mod_bytes = NULL;
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_traps_named),
        cmocka_unit_test(test_traps_unnamed),
        cmocka_unit_test(test_traps_fuel),
        cmocka_unit_test(test_traps_cached),
        cmocka_unit_test(test_start_trap),
        cmocka_unit_test(test_run_frames),
        cmocka_unit_test(test_format),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
