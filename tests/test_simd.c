/*
 * test_simd.c - the tricky lanes of SIMD (issue 12), one exact answer per
 * case: shuffle masks, swizzle out of range, saturation at the bounds,
 * trunc_sat of NaN and the infinities, q15mulr_sat, NaN payloads in the
 * float lanes, shifts by the lane width and more, bitmask / all_true /
 * any_true, dot, extmul, extadd_pairwise; then loads and stores at the
 * end of memory and past 2^32, v128 globals, v128 values through the host
 * API, a v128 local across a call, and the fuel of SIMD instructions.
 *
 * The modules are tests/wat/simd_lanes.wat and simd_memory.wat, built by
 * the Makefile into build/wasm/tests/wat/ ($SIMD_WASM_DIR to look
 * elsewhere).  The cases are tables of strings so that the same answers
 * can be checked against another engine: tests/simd_node_check.mjs runs
 * every table below on node (V8) and reports any case whose answer
 * differs.  A value is a type and its lanes, lane 0 first:
 *
 *   "i8x16 1 2 ... 16"  "i16x8 ..."  "i32x4 ..."  "i64x2 ..."
 *   "f32x4 BITS ..."  "f64x2 BITS ..."  (lanes as bit patterns)
 *   "i32 N"             (a scalar)
 *
 * Lanes are decimal or 0x hex, negative or not, cut to the lane width.
 * In an expected float value a lane may instead be nan:canonical or
 * nan:arithmetic, as in the spec's assert_return: any NaN of that kind.
 * An expected "trap MESSAGE" is a trap whose message starts with MESSAGE;
 * several results are separated by ';'.  The function "@mem" (argument
 * "i32 ADDR") is no export: it reads the 16 bytes of memory at ADDR.
 */
#include "test_wasm.h"

#define FUEL_MSG "all fuel consumed by WebAssembly"
#define OOB "trap out of bounds memory access"

static corral_engine *plain_engine; /* consume_fuel = 0 */
static corral_engine *fuel_engine;  /* consume_fuel = 1 */

static int setup(void **state)
{
    (void)state;
    corral_config cfg = {.consume_fuel = 1};
    plain_engine = corral_engine_new(NULL);
    fuel_engine = corral_engine_new(&cfg);
    return plain_engine && fuel_engine ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    corral_engine_free(plain_engine);
    corral_engine_free(fuel_engine);
    return 0;
}

/* ---- modules and instances ----------------------------------------------- */

/* Load build/wasm/tests/wat/NAME.wasm (or $SIMD_WASM_DIR/NAME.wasm). */
static corral_module *load_wat(corral_engine *e, const char *name)
{
    const char *dir = getenv("SIMD_WASM_DIR");
    char path[512];
    snprintf(path, sizeof path, "%s/%s.wasm", dir && *dir ? dir : "build/wasm/tests/wat", name);
    tw_buf b = {0};
    if (!tw_read_file(path, &b))
        fail_msg("cannot open %s: build it with make (wat2wasm tests/wat/%s.wat)", path, name);
    corral_module *m = NULL;
    const char *err = corral_module_new(e, b.p, b.n, &m, NULL);
    tw_buf_free(&b);
    if (err)
        fail_msg("%s does not load: %s", path, err);
    return m;
}

typedef struct {
    corral_module *m;
    corral_store *s;
    corral_linker *l;
    corral_instance *inst;
} ctx;

static void ctx_open(ctx *c, corral_engine *e, const char *name)
{
    c->m = load_wat(e, name);
    c->s = corral_store_new(e, NULL);
    assert_non_null(c->s);
    if (e == fuel_engine)
        tw_assert_ok(corral_store_set_fuel(c->s, UINT64_MAX));
    c->l = corral_linker_new(c->s);
    assert_non_null(c->l);
    c->inst = NULL;
    tw_assert_ok(corral_instantiate(c->l, c->m, &c->inst));
}

static void ctx_close(ctx *c)
{
    corral_linker_free(c->l);
    corral_store_free(c->s);
    corral_module_free(c->m);
    memset(c, 0, sizeof *c);
}

/* ---- values ---------------------------------------------------------------- */

enum { LANE_EXACT, LANE_CANON, LANE_ARITH };

/* A parsed value: its type, its bytes, and per lane how to compare it. */
typedef struct {
    corral_val v;
    unsigned width; /* bytes per lane; 4 for "i32" */
    uint8_t kind[16];
    int is_float;
} val;

static void put_le(uint8_t *p, uint64_t x, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(x >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, unsigned n)
{
    uint64_t x = 0;
    for (unsigned i = 0; i < n; i++)
        x |= (uint64_t)p[i] << (8 * i);
    return x;
}

/* Parse the text *s up to ';' or the end into out; *s moves past it. */
static void parse_val(const char **s, val *out)
{
    static const struct {
        const char *name;
        unsigned width;
        int is_float;
    } types[] = {{"i8x16", 1, 0}, {"i16x8", 2, 0}, {"i32x4", 4, 0}, {"i64x2", 8, 0},
                 {"f32x4", 4, 1}, {"f64x2", 8, 1}, {"i32", 4, 0}};
    const char *p = *s;
    while (*p == ' ')
        p++;
    memset(out, 0, sizeof *out);
    size_t t = 0, ntypes = sizeof types / sizeof types[0];
    for (; t < ntypes; t++) {
        size_t n = strlen(types[t].name);
        if (strncmp(p, types[t].name, n) == 0 && p[n] == ' ')
            break;
    }
    if (t == ntypes)
        fail_msg("test bug: no type at \"%s\"", p);
    p += strlen(types[t].name);
    out->width = types[t].width;
    out->is_float = types[t].is_float;
    int scalar = strcmp(types[t].name, "i32") == 0;
    out->v.type = scalar ? CORRAL_I32 : CORRAL_V128;
    unsigned lanes = scalar ? 1 : 16 / out->width;
    for (unsigned i = 0; i < lanes; i++) {
        while (*p == ' ')
            p++;
        if (strncmp(p, "nan:canonical", 13) == 0 || strncmp(p, "nan:arithmetic", 14) == 0) {
            if (!out->is_float)
                fail_msg("test bug: a NaN pattern in an integer value at \"%s\"", p);
            out->kind[i] = p[4] == 'c' ? LANE_CANON : LANE_ARITH;
            p += p[4] == 'c' ? 13 : 14;
            continue;
        }
        char *end;
        uint64_t x = *p == '-' ? (uint64_t)strtoll(p, &end, 0) : strtoull(p, &end, 0);
        if (end == p)
            fail_msg("test bug: lane %u missing at \"%s\"", i, p);
        p = end;
        if (scalar)
            out->v.of.i32 = (int32_t)(uint32_t)x;
        else
            put_le(out->v.of.v128 + i * out->width, x, out->width);
    }
    while (*p == ' ')
        p++;
    if (*p && *p != ';')
        fail_msg("test bug: extra text \"%s\"", p);
    *s = *p == ';' ? p + 1 : p;
}

/* 1 if got matches want (its exact lanes, and its NaN patterns). */
static int val_matches(const val *want, const corral_val *got)
{
    if (got->type != want->v.type)
        return 0;
    if (got->type == CORRAL_I32)
        return got->of.i32 == want->v.of.i32;
    unsigned w = want->width;
    for (unsigned i = 0; i < 16 / w; i++) {
        uint64_t g = get_le(got->of.v128 + i * w, w), x = get_le(want->v.of.v128 + i * w, w);
        /* exponent all ones and the quiet bit, and the rest of the payload */
        uint64_t quiet = w == 4 ? 0x7fc00000u : 0x7ff8000000000000u;
        uint64_t payload = w == 4 ? 0x003fffffu : 0x0007ffffffffffffu;
        switch (want->kind[i]) {
        case LANE_EXACT:
            if (g != x)
                return 0;
            break;
        case LANE_CANON:
            if ((g & quiet) != quiet || (g & payload) != 0)
                return 0;
            break;
        case LANE_ARITH:
            if ((g & quiet) != quiet)
                return 0;
            break;
        }
    }
    return 1;
}

static void val_text(const corral_val *v, char *buf, size_t cap)
{
    if (v->type == CORRAL_I32) {
        snprintf(buf, cap, "i32 %d", v->of.i32);
        return;
    }
    if (v->type != CORRAL_V128) {
        snprintf(buf, cap, "a value of type 0x%02x", (unsigned)v->type);
        return;
    }
    size_t n = (size_t)snprintf(buf, cap, "bytes");
    for (int i = 0; i < 16 && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, " %02x", v->of.v128[i]);
}

/* ---- cases ----------------------------------------------------------------- */

typedef struct {
    const char *fn;
    const char *args[3];
    const char *want;
} simd_case;

/* Run one case on c's instance; on a mismatch, fail naming it. */
static void run_case(ctx *c, const simd_case *k)
{
    val args[3];
    corral_val a[3], r[4];
    uint32_t nargs = 0;
    for (; nargs < 3 && k->args[nargs]; nargs++) {
        const char *p = k->args[nargs];
        parse_val(&p, &args[nargs]);
        a[nargs] = args[nargs].v;
    }
    memset(r, 0, sizeof r);
    const char *err = NULL;
    uint32_t nres;
    if (strcmp(k->fn, "@mem") == 0) {
        nres = 1;
        r[0].type = CORRAL_V128;
        err = corral_memory_read(c->inst, (uint32_t)a[0].of.i32, r[0].of.v128, 16);
    } else {
        corral_func *f = corral_instance_func(c->inst, k->fn);
        if (!f)
            fail_msg("no export %s", k->fn);
        corral_func_type(f, NULL, NULL, &nres, NULL);
        assert_true(nres <= 4);
        err = corral_call(c->s, f, a, nargs, r, nres);
    }
    if (strncmp(k->want, "trap ", 5) == 0) {
        if (!err)
            fail_msg("%s: expected a trap \"%s\", got success", k->fn, k->want + 5);
        if (strncmp(err, k->want + 5, strlen(k->want + 5)) != 0)
            fail_msg("%s: expected a trap \"%s\", got \"%s\"", k->fn, k->want + 5, err);
        return;
    }
    if (err)
        fail_msg("%s (%s%s%s): unexpected trap \"%s\"", k->fn, k->args[0] ? k->args[0] : "",
                 k->args[1] ? ", " : "", k->args[1] ? k->args[1] : "", err);
    const char *p = k->want;
    for (uint32_t i = 0; i < nres; i++) {
        if (!*p)
            fail_msg("test bug: %s has more results than \"%s\"", k->fn, k->want);
        val want;
        parse_val(&p, &want);
        if (!val_matches(&want, &r[i])) {
            char got[128];
            val_text(&r[i], got, sizeof got);
            fail_msg("%s (%s%s%s): result %u is %s, expected %s", k->fn,
                     k->args[0] ? k->args[0] : "", k->args[1] ? ", " : "",
                     k->args[1] ? k->args[1] : "", i, got, k->want);
        }
    }
    if (*p)
        fail_msg("test bug: %s has fewer results than \"%s\"", k->fn, k->want);
}

static void run_table(const char *module, const simd_case *cases, size_t n)
{
    ctx c;
    ctx_open(&c, plain_engine, module);
    for (size_t i = 0; i < n; i++)
        run_case(&c, &cases[i]);
    ctx_close(&c);
}

#define A16 "i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15"
#define B16 "i8x16 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31"

/* Shuffle masks and swizzle (simd_lanes.wat). */
static const simd_case shuffle_cases[] = {
    {"shuffle_identity", {A16, B16}, A16},
    {"shuffle_reverse", {A16, B16}, "i8x16 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0"},
    {"shuffle_second", {A16, B16}, B16},
    {"shuffle_mixed", {A16, B16}, "i8x16 31 0 16 15 30 1 17 14 0 0 31 31 8 24 7 23"},
    /* indices 16, 255, 128, 31, 17, 64, 127 are out of range: 0 */
    {"swizzle", {B16, "i8x16 0 15 16 255 128 1 31 17 14 2 64 3 127 4 5 6"},
     "i8x16 16 31 0 0 0 17 0 0 30 18 0 19 0 20 21 22"},
};

/* Saturation at the bounds (simd_lanes.wat). */
static const simd_case saturation_cases[] = {
    {"i8x16_add_sat_s",
     {"i8x16 127 -128 100 -100 1 -1 0 127 64 64 -64 -64 120 -120 5 -5",
      "i8x16 1 -1 100 -100 -1 1 0 -128 63 64 -64 -65 7 -8 -5 5"},
     "i8x16 127 -128 127 -128 0 0 0 -1 127 127 -128 -128 127 -128 0 0"},
    {"i8x16_add_sat_u",
     {"i8x16 255 255 128 128 0 1 254 200 100 10 255 1 2 3 4 250",
      "i8x16 1 0 128 127 0 254 1 100 155 20 255 254 3 252 251 5"},
     "i8x16 255 255 255 255 0 255 255 255 255 30 255 255 5 255 255 255"},
    {"i8x16_sub_sat_s",
     {"i8x16 -128 127 -100 100 0 0 -1 1 -128 127 0 0 0 0 0 0",
      "i8x16 1 -1 100 -100 -128 127 127 -128 -128 127 0 0 0 0 0 0"},
     "i8x16 -128 127 -128 127 127 -127 -128 127 0 0 0 0 0 0 0 0"},
    {"i8x16_sub_sat_u",
     {"i8x16 0 1 255 100 255 0 128 127 0 0 0 0 0 0 0 0",
      "i8x16 1 1 0 200 255 255 127 128 0 0 0 0 0 0 0 0"},
     "i8x16 0 0 255 0 0 0 1 0 0 0 0 0 0 0 0 0"},
    {"i16x8_add_sat_s",
     {"i16x8 32767 -32768 20000 -20000 1 -1 0 32767", "i16x8 1 -1 20000 -20000 -1 1 0 -32768"},
     "i16x8 32767 -32768 32767 -32768 0 0 0 -1"},
    {"i16x8_sub_sat_u",
     {"i16x8 0 1 65535 1000 65535 0 500 40000", "i16x8 1 1 0 2000 65535 65535 499 20000"},
     "i16x8 0 0 65535 0 0 0 1 20000"},
    {"i16x8_narrow_i32x4_s",
     {"i32x4 32767 32768 -32768 -32769", "i32x4 2147483647 -2147483648 0 -1"},
     "i16x8 32767 32767 -32768 -32768 32767 -32768 0 -1"},
    {"i16x8_narrow_i32x4_u",
     {"i32x4 65535 65536 -1 0", "i32x4 2147483647 -2147483648 32768 12345"},
     "i16x8 65535 65535 0 0 65535 0 32768 12345"},
    {"i8x16_narrow_i16x8_s",
     {"i16x8 127 128 -128 -129 32767 -32768 0 -1", "i16x8 1 2 3 4 5 6 7 8"},
     "i8x16 127 127 -128 -128 127 -128 0 -1 1 2 3 4 5 6 7 8"},
    {"i8x16_narrow_i16x8_u",
     {"i16x8 255 256 -1 0 32767 -32768 128 1", "i16x8 1 2 3 4 5 6 7 8"},
     "i8x16 255 255 0 0 255 0 128 1 1 2 3 4 5 6 7 8"},
    /* NaN, +inf, -inf, 2^31 */
    {"i32x4_trunc_sat_f32x4_s",
     {"f32x4 0x7fc00000 0x7f800000 0xff800000 0x4f000000"},
     "i32x4 0 2147483647 -2147483648 2147483647"},
    /* -2^31, the next float below it (-2^31-1 rounds to -2^31 in f32),
     * -1.5, the largest float below 2^31 */
    {"i32x4_trunc_sat_f32x4_s",
     {"f32x4 0xcf000000 0xcf000001 0xbfc00000 0x4effffff"},
     "i32x4 -2147483648 -2147483648 -1 2147483520"},
    /* a negative NaN with a payload, 1.9, -0.9, -0.0 */
    {"i32x4_trunc_sat_f32x4_s",
     {"f32x4 0xffc12345 0x3ff33333 0xbf666666 0x80000000"}, "i32x4 0 1 0 0"},
    /* NaN, +inf, -inf, 2^31 */
    {"i32x4_trunc_sat_f32x4_u",
     {"f32x4 0x7fc00000 0x7f800000 0xff800000 0x4f000000"}, "i32x4 0 0xffffffff 0 0x80000000"},
    /* 2^32, -1.5, the largest float below 2^32, -0.9 */
    {"i32x4_trunc_sat_f32x4_u",
     {"f32x4 0x4f800000 0xbfc00000 0x4f7fffff 0xbf666666"}, "i32x4 0xffffffff 0 0xffffff00 0"},
    /* NaN, 2^31: the high lanes are zero */
    {"i32x4_trunc_sat_f64x2_s_zero",
     {"f64x2 0x7ff8000000000000 0x41e0000000000000"}, "i32x4 0 2147483647 0 0"},
    /* -2^31-1, 2^31-0.5 */
    {"i32x4_trunc_sat_f64x2_s_zero",
     {"f64x2 0xc1e0000000200000 0x41dfffffffe00000"}, "i32x4 -2147483648 2147483647 0 0"},
    /* (a*b + 2^14) >> 15, saturated: -32768 * -32768 is the one overflow */
    {"i16x8_q15mulr_sat_s",
     {"i16x8 -32768 -32768 32767 16384 -16384 1 -1 100",
      "i16x8 -32768 32767 32767 16384 16384 1 1 -200"},
     "i16x8 32767 -32767 32766 8192 -8192 0 0 -1"},
};

/* NaN payloads and signed zeros in the float lanes (simd_lanes.wat).
 * min/max/add: a NaN result is canonical when every NaN operand is, and
 * otherwise an arithmetic NaN; neg/abs change only the sign bit; pmin is
 * a select (b < a ? b : a), so its NaNs are the operand's bits. */
static const simd_case nan_cases[] = {
    /* NaN, -NaN (both canonical), a signalling NaN, -0 vs +0 */
    {"f32x4_min",
     {"f32x4 0x7fc00000 0x3f800000 0x7fa00001 0x80000000",
      "f32x4 0x3f800000 0xffc00000 0x40000000 0x00000000"},
     "f32x4 nan:canonical nan:canonical nan:arithmetic 0x80000000"},
    {"f32x4_max",
     {"f32x4 0x7fc00000 0x3f800000 0x7fa00001 0x80000000",
      "f32x4 0x3f800000 0xffc00000 0x40000000 0x00000000"},
     "f32x4 nan:canonical nan:canonical nan:arithmetic 0x00000000"},
    /* quiet NaNs with payloads are arithmetic, not canonical: any
     * arithmetic NaN may come out; two canonical ones give a canonical */
    {"f32x4_max",
     {"f32x4 0x7fc12345 0x7fc00000 0xbf800000 0x00000000",
      "f32x4 0xffc00001 0xffc00000 0x80000000 0x80000000"},
     "f32x4 nan:arithmetic nan:canonical 0x80000000 0x00000000"},
    {"f32x4_add",
     {"f32x4 0x7fa00001 0x7f800000 0x7fc00000 0x3f800000",
      "f32x4 0x3f800000 0xff800000 0x3f800000 0x3f800000"},
     "f32x4 nan:arithmetic nan:canonical nan:canonical 0x40000000"},
    {"f32x4_pmin",
     {"f32x4 0x7fa00001 0x3f800000 0x80000000 0x00000000",
      "f32x4 0x3f800000 0xffc12345 0x00000000 0x80000000"},
     "f32x4 0x7fa00001 0x3f800000 0x80000000 0x00000000"},
    {"f64x2_max",
     {"f64x2 0x7ff0000000000001 0x8000000000000000", "f64x2 0x4000000000000000 0"},
     "f64x2 nan:arithmetic 0"},
    {"f32x4_neg", {"f32x4 0x7fc00000 0xffa12345 0x7f800001 0x80000000"},
     "f32x4 0xffc00000 0x7fa12345 0xff800001 0x00000000"},
    {"f32x4_abs", {"f32x4 0x7fc00000 0xffa12345 0xff800001 0x80000000"},
     "f32x4 0x7fc00000 0x7fa12345 0x7f800001 0x00000000"},
    {"f64x2_neg", {"f64x2 0x7ff0000000000001 0xfff8000000000abc"},
     "f64x2 0xfff0000000000001 0x7ff8000000000abc"},
};

#define SHL8 "i8x16 1 2 4 0x80 0xff 0x0f 3 0x81 1 2 4 0x80 0xff 0x0f 3 0x81"

/* Shifts count modulo the lane width (simd_lanes.wat). */
static const simd_case shift_cases[] = {
    {"i8x16_shl", {SHL8, "i32 8"}, SHL8},
    {"i8x16_shl", {SHL8, "i32 9"}, "i8x16 2 4 8 0 0xfe 0x1e 6 2 2 4 8 0 0xfe 0x1e 6 2"},
    {"i8x16_shr_s", {SHL8, "i32 15"}, "i8x16 0 0 0 -1 -1 0 0 -1 0 0 0 -1 -1 0 0 -1"},
    {"i8x16_shr_s", {SHL8, "i32 -1"}, "i8x16 0 0 0 -1 -1 0 0 -1 0 0 0 -1 -1 0 0 -1"},
    {"i16x8_shr_s", {"i16x8 -32768 32767 -1 1 0x4000 -2 0x1234 -0x1234", "i32 17"},
     "i16x8 -16384 16383 -1 0 0x2000 -1 0x091a -0x091a"},
    {"i32x4_shr_u", {"i32x4 0x80000000 0xffffffff 1 0x12345678", "i32 33"},
     "i32x4 0x40000000 0x7fffffff 0 0x091a2b3c"},
    {"i32x4_shr_u", {"i32x4 0x80000000 0xffffffff 1 0x12345678", "i32 32"},
     "i32x4 0x80000000 0xffffffff 1 0x12345678"},
    {"i64x2_shl", {"i64x2 1 0x8000000000000001", "i32 67"}, "i64x2 8 8"},
    {"i64x2_shl", {"i64x2 1 0x8000000000000001", "i32 64"}, "i64x2 1 0x8000000000000001"},
    {"i64x2_shr_s", {"i64x2 0x8000000000000000 0x7fffffffffffffff", "i32 127"}, "i64x2 -1 0"},
    {"i64x2_shr_s", {"i64x2 0x8000000000000000 0x7fffffffffffffff", "i32 -1"}, "i64x2 -1 0"},
};

/* Reductions to i32 (simd_lanes.wat). */
static const simd_case reduce_cases[] = {
    {"i8x16_bitmask", {"i8x16 0x80 0 0xff 1 0 0 0 0x80 0x7f 0x80 0 0 0 0 0 0xc0"}, "i32 33413"},
    {"i16x8_bitmask", {"i16x8 -1 0 0x8000 0x7fff 0 0 0 -32767"}, "i32 133"},
    {"i32x4_bitmask", {"i32x4 0 -1 0x80000000 0x7fffffff"}, "i32 6"},
    {"i64x2_bitmask", {"i64x2 0x8000000000000000 1"}, "i32 1"},
    {"i8x16_all_true", {"i8x16 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1"}, "i32 1"},
    {"i8x16_all_true", {"i8x16 0x80 0x80 0x80 0x80 0x80 0x80 0x80 0x80 1 1 1 1 1 1 1 1"},
     "i32 1"},
    {"i8x16_all_true", {"i8x16 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 0"}, "i32 0"},
    /* the same bytes are all true as i16 lanes, not as i8 lanes */
    {"i16x8_all_true", {"i16x8 1 1 1 1 1 1 1 0x100"}, "i32 1"},
    {"i8x16_all_true", {"i16x8 1 1 1 1 1 1 1 0x100"}, "i32 0"},
    {"i32x4_all_true", {"i32x4 0x10000 1 1 1"}, "i32 1"},
    {"i32x4_all_true", {"i32x4 1 1 0 1"}, "i32 0"},
    {"i64x2_all_true", {"i64x2 0x100000000 1"}, "i32 1"},
    {"i64x2_all_true", {"i64x2 0 1"}, "i32 0"},
    {"v128_any_true", {"i64x2 0 0"}, "i32 0"},
    {"v128_any_true", {"i64x2 0 0x8000000000000000"}, "i32 1"},
};

/* Widening arithmetic and lanes in and out (simd_lanes.wat). */
static const simd_case widen_cases[] = {
    /* pairs of products, summed with wrap-around: 2 * 2^30 = -2^31 */
    {"i32x4_dot_i16x8_s",
     {"i16x8 -32768 -32768 1 2 32767 32767 -5 7", "i16x8 -32768 -32768 3 4 32767 -32768 6 -8"},
     "i32x4 -2147483648 11 -32767 -86"},
    {"i16x8_extmul_low_i8x16_s",
     {"i8x16 -128 127 -1 2 100 -100 0 7 1 2 3 4 5 6 7 8",
      "i8x16 -128 127 1 -3 100 100 9 -7 9 10 11 12 13 14 15 16"},
     "i16x8 16384 16129 -1 -6 10000 -10000 0 -49"},
    {"i16x8_extmul_high_i8x16_u",
     {"i8x16 1 2 3 4 5 6 7 8 255 255 128 1 2 3 0 200",
      "i8x16 9 10 11 12 13 14 15 16 255 2 128 1 0 3 9 200"},
     "i16x8 65025 510 16384 1 0 9 0 40000"},
    {"i32x4_extmul_high_i16x8_s",
     {"i16x8 1 2 3 4 -32768 32767 -1 100", "i16x8 5 6 7 8 -32768 -32768 -1 -100"},
     "i32x4 1073741824 -1073709056 1 -10000"},
    {"i64x2_extmul_low_i32x4_u",
     {"i32x4 0xffffffff 0x80000000 5 6", "i32x4 0xffffffff 2 7 8"},
     "i64x2 0xfffffffe00000001 0x100000000"},
    {"i64x2_extmul_high_i32x4_s",
     {"i32x4 1 2 -2147483648 0x7fffffff", "i32x4 3 4 -2147483648 -1"},
     "i64x2 0x4000000000000000 -2147483647"},
    {"i16x8_extadd_pairwise_i8x16_s",
     {"i8x16 -128 -128 127 127 -1 1 0 0 5 -7 100 28 -100 -28 1 2"},
     "i16x8 -256 254 0 0 -2 128 -128 3"},
    {"i16x8_extadd_pairwise_i8x16_u",
     {"i8x16 -128 -128 127 127 -1 1 0 0 5 -7 100 28 -100 -28 1 2"},
     "i16x8 256 254 256 0 254 128 384 3"},
    {"i32x4_extadd_pairwise_i16x8_s", {"i16x8 -32768 -32768 32767 32767 -1 1 100 -300"},
     "i32x4 -65536 65534 0 -200"},
    {"i32x4_extadd_pairwise_i16x8_u", {"i16x8 -32768 -32768 32767 32767 -1 1 100 -300"},
     "i32x4 65536 65534 65536 65336"},
    {"i8x16_extract_lane_s_15", {"i8x16 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0x80"}, "i32 -128"},
    {"i8x16_extract_lane_u_15", {"i8x16 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0x80"}, "i32 128"},
    {"i16x8_replace_lane_7", {"i16x8 1 2 3 4 5 6 7 8", "i32 0x12345"},
     "i16x8 1 2 3 4 5 6 7 0x2345"},
    {"i32x4_splat", {"i32 -2"}, "i32x4 -2 -2 -2 -2"},
    {"v128_bitselect",
     {"i64x2 0x0123456789abcdef 0xffffffffffffffff", "i64x2 0xfedcba9876543210 0",
      "i64x2 0xffffffff00000000 0x00ff00ff00ff00ff"},
     "i64x2 0x0123456776543210 0x00ff00ff00ff00ff"},
};

#define M16 "i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16"
#define Z16 "i8x16 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0"

/* Loads and stores at the end of the one page (65536 bytes) and with
 * offsets that take the 64-bit effective address past 2^32, in order on
 * one instance (simd_memory.wat).  A trapping store writes nothing. */
static const simd_case memory_cases[] = {
    {"store", {"i32 65520", M16}, ""},
    {"load", {"i32 65520"}, M16},
    {"load", {"i32 65521"}, OOB},
    {"store", {"i32 65521", Z16}, OOB},
    {"@mem", {"i32 65520"}, M16},
    {"load_off_16", {"i32 65504"}, M16},
    {"load_off_16", {"i32 65505"}, OOB},
    /* 0xffffffff + 0, + 1 (2^32, which would wrap to 0), + 0xffffffff */
    {"load_off_max", {"i32 0"}, OOB},
    {"load_off_max", {"i32 1"}, OOB},
    {"load_off_max", {"i32 -1"}, OOB},
    {"store_off_max", {"i32 1", M16}, OOB},
    {"@mem", {"i32 0"}, Z16},
    {"load32_zero", {"i32 65532"}, "i32x4 0x100f0e0d 0 0 0"},
    {"load32_zero", {"i32 65533"}, OOB},
    {"load64_zero", {"i32 65528"}, "i64x2 0x100f0e0d0c0b0a09 0"},
    {"load64_zero", {"i32 65529"}, OOB},
    {"load8_splat", {"i32 65535"}, "i8x16 16 16 16 16 16 16 16 16 16 16 16 16 16 16 16 16"},
    {"load8_splat", {"i32 65536"}, OOB},
    {"load16x4_s", {"i32 65528"}, "i32x4 0x0a09 0x0c0b 0x0e0d 0x100f"},
    {"load16x4_s", {"i32 65529"}, OOB},
    /* sign and zero extension */
    {"store", {"i32 32", "i8x16 0 0x80 0xff 0xff 0x34 0x12 1 0x80 0xff 0xff 0xff 0xff 0 0 0 0x80"},
     ""},
    {"load16x4_s", {"i32 32"}, "i32x4 -32768 -1 0x1234 -32767"},
    {"load32x2_u", {"i32 40"}, "i64x2 0xffffffff 0x80000000"},
    {"load32x2_u", {"i32 65529"}, OOB},
    /* lane loads replace one lane at the last valid address */
    {"load8_lane_15", {"i32 65535", Z16}, "i8x16 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 16"},
    {"load8_lane_15", {"i32 65536", Z16}, OOB},
    {"load8_lane_off_max", {"i32 0", Z16}, OOB},
    {"load8_lane_off_max", {"i32 1", Z16}, OOB},
    {"load32_lane_2", {"i32 65532", "i32x4 1 2 3 4"}, "i32x4 1 2 0x100f0e0d 4"},
    {"load32_lane_2", {"i32 65533", "i32x4 1 2 3 4"}, OOB},
    /* lane stores write their lane only */
    {"store64_lane_1", {"i32 65528", "i64x2 0x1111 0x8877665544332211"}, ""},
    {"@mem", {"i32 65520"}, "i8x16 1 2 3 4 5 6 7 8 0x11 0x22 0x33 0x44 0x55 0x66 0x77 0x88"},
    {"store64_lane_1", {"i32 65529", "i64x2 0 0"}, OOB},
    {"store64_lane_off_max", {"i32 1", "i64x2 -1 -1"}, OOB},
    {"@mem", {"i32 0"}, Z16},
    {"@mem", {"i32 65520"}, "i8x16 1 2 3 4 5 6 7 8 0x11 0x22 0x33 0x44 0x55 0x66 0x77 0x88"},
    {"store16_lane_7", {"i32 65534", "i16x8 0 0 0 0 0 0 0 0xbeef"}, ""},
    {"store16_lane_7", {"i32 65535", "i16x8 0 0 0 0 0 0 0 0xbeef"}, OOB},
    {"@mem", {"i32 65520"}, "i8x16 1 2 3 4 5 6 7 8 0x11 0x22 0x33 0x44 0x55 0x66 0xef 0xbe"},
};

/* v128 globals and a v128 local across a call (simd_memory.wat). */
static const simd_case state_cases[] = {
    {"get_g", {NULL}, "i32x4 1 2 3 4"},
    {"get_k", {NULL}, "i8x16 -1 0 1 2 3 4 5 6 7 8 9 10 11 12 13 127"},
    {"bump_g", {NULL}, "i8x16 0 0 1 2 5 4 5 6 10 8 9 10 15 12 13 127"},
    {"get_g", {NULL}, "i8x16 0 0 1 2 5 4 5 6 10 8 9 10 15 12 13 127"},
    {"set_g", {"i64x2 -1 0"}, ""},
    {"get_g", {NULL}, "i64x2 -1 0"},
    /* keep = x survives clobber(c), which adds 0xa5 to every byte of c */
    {"local_across_call", {"i32x4 0x11111111 0x22222222 0x33333333 0x44444444"},
     "i32x4 0x11111111 0x22222222 0x33333333 0x44444444; "
     "i64x2 0xa6c8ea0c2e507294 0xb492704e2c0ae8c6"},
};

#define RUN(module, table) run_table(module, table, sizeof table / sizeof table[0])

static void test_shuffle_swizzle(void **state)
{
    (void)state;
    RUN("simd_lanes", shuffle_cases);
}

static void test_saturation(void **state)
{
    (void)state;
    RUN("simd_lanes", saturation_cases);
}

static void test_nan_payloads(void **state)
{
    (void)state;
    RUN("simd_lanes", nan_cases);
}

static void test_shifts(void **state)
{
    (void)state;
    RUN("simd_lanes", shift_cases);
}

static void test_reductions(void **state)
{
    (void)state;
    RUN("simd_lanes", reduce_cases);
}

static void test_widening(void **state)
{
    (void)state;
    RUN("simd_lanes", widen_cases);
}

static void test_memory_bounds(void **state)
{
    (void)state;
    RUN("simd_memory", memory_cases);
}

static void test_globals_locals(void **state)
{
    (void)state;
    RUN("simd_memory", state_cases);
}

/* ---- the host API ------------------------------------------------------------ */

/* v128 parameters, results and globals as the embedder sees them. */
static void test_host_api(void **state)
{
    (void)state;
    ctx c;
    ctx_open(&c, plain_engine, "simd_memory");

    /* types */
    corral_func *f = corral_instance_func(c.inst, "local_across_call");
    assert_non_null(f);
    corral_valtype pt[2], rt[2];
    uint32_t np = 0, nr = 0;
    corral_func_type(f, &np, pt, &nr, rt);
    assert_int_equal(np, 1);
    assert_int_equal(nr, 2);
    assert_int_equal(pt[0], CORRAL_V128);
    assert_int_equal(rt[0], CORRAL_V128);
    assert_int_equal(rt[1], CORRAL_V128);

    /* the 16 bytes go in and come back in memory order */
    corral_val arg, res[2];
    memset(&arg, 0, sizeof arg);
    arg.type = CORRAL_V128;
    for (int i = 0; i < 16; i++)
        arg.of.v128[i] = (uint8_t)(0xf0 - i);
    memset(res, 0, sizeof res);
    tw_assert_ok(corral_call(c.s, f, &arg, 1, res, 2));
    assert_int_equal(res[0].type, CORRAL_V128);
    assert_memory_equal(res[0].of.v128, arg.of.v128, 16);
    assert_int_equal(res[1].type, CORRAL_V128);

    /* an i32 where a v128 is wanted is refused, not reinterpreted */
    corral_val bad = tw_i32(7);
    tw_assert_msg(corral_call(c.s, f, &bad, 1, res, 2), "argument type mismatch");

    /* globals: the immutable k and the mutable g, before and after set_g */
    corral_val g;
    memset(&g, 0, sizeof g);
    assert_true(corral_instance_global(c.inst, "k", &g));
    assert_int_equal(g.type, CORRAL_V128);
    static const uint8_t k[16] = {0xff, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 127};
    assert_memory_equal(g.of.v128, k, 16);
    assert_true(corral_instance_global(c.inst, "g", &g));
    assert_int_equal(g.type, CORRAL_V128);
    static const uint8_t g0[16] = {1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0};
    assert_memory_equal(g.of.v128, g0, 16);
    corral_func *set = corral_instance_func(c.inst, "set_g");
    assert_non_null(set);
    tw_assert_ok(corral_call(c.s, set, &arg, 1, NULL, 0));
    assert_true(corral_instance_global(c.inst, "g", &g));
    assert_memory_equal(g.of.v128, arg.of.v128, 16);

    /* a v128 result as bytes in memory: store it, read it back */
    corral_func *store = corral_instance_func(c.inst, "store");
    assert_non_null(store);
    corral_val sa[2] = {tw_i32(100), arg};
    tw_assert_ok(corral_call(c.s, store, sa, 2, NULL, 0));
    uint8_t mem[16];
    tw_assert_ok(corral_memory_read(c.inst, 100, mem, 16));
    assert_memory_equal(mem, arg.of.v128, 16);
    ctx_close(&c);
}

/* ---- fuel ---------------------------------------------------------------------- */

/* Each SIMD instruction costs 1, as every scalar one does (test_fuel.c):
 * fuel6 costs 6, fuel7 7 (counted in simd_memory.wat).  A budget one short
 * traps before the last instruction, and fuel7's store does not happen.
 * Returns the fuel used by one call of fn, on a fresh instance whose
 * memory starts with mem_in and ends as *mem_out (16 bytes at 0). */
static uint64_t fuel_of(const char *fn, uint64_t budget, const char **err, int32_t *out,
                        const uint8_t *mem_in, uint8_t *mem_out)
{
    ctx c;
    ctx_open(&c, fuel_engine, "simd_memory");
    corral_func *f = corral_instance_func(c.inst, fn);
    if (!f)
        fail_msg("no export %s", fn);
    uint32_t nres = 0;
    corral_func_type(f, NULL, NULL, &nres, NULL);
    tw_assert_ok(corral_memory_write(c.inst, 0, mem_in, 16));
    tw_assert_ok(corral_store_set_fuel(c.s, budget));
    uint64_t before = corral_store_fuel_used(c.s);
    corral_val r;
    memset(&r, 0, sizeof r);
    *err = corral_call(c.s, f, NULL, 0, &r, nres);
    uint64_t used = corral_store_fuel_used(c.s) - before;
    *out = r.of.i32;
    tw_assert_ok(corral_memory_read(c.inst, 0, mem_out, 16));
    ctx_close(&c);
    return used;
}

static void test_fuel(void **state)
{
    (void)state;
    static const uint8_t lanes[16] = {1, 0, 0, 0, 2, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 7, 0, 0, 0};
    static const uint8_t tripled[16] = {3,    0,    0,    0,    6,  0, 0, 0,
                                        0xfd, 0xff, 0xff, 0xff, 21, 0, 0, 0};
    const char *err;
    int32_t r = 0;
    uint8_t mem[16];

    assert_int_equal(fuel_of("fuel6", 6, &err, &r, lanes, mem), 6);
    tw_assert_ok(err);
    assert_int_equal(r, 44);
    fuel_of("fuel6", 5, &err, &r, lanes, mem);
    tw_assert_msg(err, FUEL_MSG);
    assert_int_equal(fuel_of("fuel6", UINT64_MAX, &err, &r, lanes, mem), 6);
    tw_assert_ok(err);

    assert_int_equal(fuel_of("fuel7", 7, &err, &r, lanes, mem), 7);
    tw_assert_ok(err);
    assert_memory_equal(mem, tripled, 16);
    fuel_of("fuel7", 6, &err, &r, lanes, mem);
    tw_assert_msg(err, FUEL_MSG);
    assert_memory_equal(mem, lanes, 16);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shuffle_swizzle), cmocka_unit_test(test_saturation),
        cmocka_unit_test(test_nan_payloads),    cmocka_unit_test(test_shifts),
        cmocka_unit_test(test_reductions),      cmocka_unit_test(test_widening),
        cmocka_unit_test(test_memory_bounds),   cmocka_unit_test(test_globals_locals),
        cmocka_unit_test(test_host_api),        cmocka_unit_test(test_fuel),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
