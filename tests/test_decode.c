/*
 * test_decode.c - the binary decoder, through whole modules and the public
 * API only: magic and version, section ids and sizes, LEB128 edge cases
 * (overlong, too wide, largest valid), truncation, count mismatches, and
 * hostile counts that must fail fast instead of allocating.
 *
 * Expected messages are the spec suite's (binary.wast, binary-leb128.wast,
 * custom.wast); most cases are copied from there byte for byte, so that a
 * failure here points at one small input instead of a whole .wast file.
 * Messages are compared as the reference script runner does: the engine's
 * message must start with the expected one.
 */
#include <time.h>

#include "test_wasm.h"

#define HDR "0061736d 01000000 "

typedef struct {
    const char *name;
    const char *hex;
    const char *msg; /* NULL: the module must load; "a|b": either */
} dcase;

/* Whether err starts with one of the '|'-separated messages of want. */
static int msg_matches(const char *err, const char *want)
{
    for (;;) {
        const char *bar = strchr(want, '|');
        size_t n = bar ? (size_t)(bar - want) : strlen(want);
        if (strncmp(err, want, n) == 0)
            return 1;
        if (!bar)
            return 0;
        want = bar + 1;
    }
}

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
    engine = NULL;
    return 0;
}

/* Load bytes; returns the error (NULL on success) and frees the module. */
static const char *try_load(const uint8_t *bytes, size_t len, corral_diag *diag)
{
    static const uint8_t none[1] = {0};
    corral_module *m = NULL;
    const char *err = corral_module_new(engine, len ? bytes : none, len, &m, diag);
    if (err) {
        assert_null(m); /* no half-made module escapes */
        assert_true(err[0] != '\0');
    } else {
        assert_non_null(m);
        corral_module_free(m);
    }
    return err;
}

/* Run a table of cases; report every mismatch, then fail if any. */
static void run_cases(const dcase *cases, size_t n, const char *group)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        tw_buf b = {0};
        tw_hex(&b, cases[i].hex);
        char dumpname[128];
        snprintf(dumpname, sizeof dumpname, "decode_%s_%s_%s", group, cases[i].msg ? "bad" : "ok",
                 cases[i].name);
        tw_dump(dumpname, b.p, b.n);
        corral_diag diag = {0, -1};
        const char *err = try_load(b.p, b.n, &diag);
        const char *want = cases[i].msg;
        if (!want && err) {
            print_error("  %s/%s: expected success, got \"%s\"\n", group, cases[i].name, err);
            bad++;
        } else if (want && !err) {
            print_error("  %s/%s: expected \"%s\", got success\n", group, cases[i].name, want);
            bad++;
        } else if (want && !msg_matches(err, want)) {
            print_error("  %s/%s: expected \"%s\", got \"%s\"\n", group, cases[i].name, want, err);
            bad++;
        } else if (err && diag.offset > b.n) {
            print_error("  %s/%s: diag offset %llu past the end (%zu bytes)\n", group,
                        cases[i].name, (unsigned long long)diag.offset, b.n);
            bad++;
        }
        tw_buf_free(&b);
    }
    if (bad)
        fail_msg("%d of %zu %s cases failed", bad, n, group);
}

#define RUN(cases, group) run_cases(cases, sizeof cases / sizeof cases[0], group)

/* ---- header ------------------------------------------------------------- */

static void test_magic_and_version(void **state)
{
    (void)state;
    static const dcase cases[] = {
        {"empty", "", "unexpected end"},
        {"one_byte", "01", "unexpected end"},
        {"three_bytes", "006173", "unexpected end"},
        {"asm0", "61736d00", "magic header not detected"},
        {"msa0", "6d736100", "magic header not detected"},
        {"msa0_v1", "6d736100 01000000", "magic header not detected"},
        {"asm0_shifted", "61736d01 00000000", "magic header not detected"},
        {"wasm", "7761736d 01000000", "magic header not detected"},
        {"x7f_asm", "7f61736d 01000000", "magic header not detected"},
        {"xff_asm", "ff61736d 01000000", "magic header not detected"},
        {"reversed", "00000001 6d736100", "magic header not detected"},
        {"upper", "0041534d 01000000", "magic header not detected"},
        {"ebcdic", "0081a294 01000000", "magic header not detected"},
        {"bom", "efbbbf 0061736d 01000000", "magic header not detected"},
        {"no_version", "0061736d", "unexpected end"},
        {"version_1_byte", "0061736d 01", "unexpected end"},
        {"version_3_bytes", "0061736d 010000", "unexpected end"},
        {"version_0", "0061736d 00000000", "unknown binary version"},
        {"version_13", "0061736d 0d000000", "unknown binary version"},
        {"version_14", "0061736d 0e000000", "unknown binary version"},
        {"version_256", "0061736d 00010000", "unknown binary version"},
        {"version_65536", "0061736d 00000100", "unknown binary version"},
        {"version_big_endian", "0061736d 00000001", "unknown binary version"},
        {"version_2", "0061736d 02000000", "unknown binary version"},
        {"minimal", HDR, NULL},
    };
    RUN(cases, "header");
}

static void test_section_ids(void **state)
{
    (void)state;
    static const dcase cases[] = {
        {"id_13", HDR "0d00", "malformed section id"},
        {"id_7f", HDR "7f00", "malformed section id"},
        {"id_80", HDR "80000100", "malformed section id"},
        {"id_81", HDR "81000100", "malformed section id"},
        {"id_ff", HDR "ff000100", "malformed section id"},
        /* custom.wast: a custom section one byte too long swallows the next
         * section's id, so that section's size is read as an id */
        {"custom_one_too_long",
         HDR "00 25 10 6120637573746f6d2073656374696f6e 7468697320697320746865207061796c6f6164"
             "00 24 10 6120637573746f6d2073656374696f6e 7468697320697320746865207061796c6f6164",
         "malformed section id"},
        /* a second header after the first is a custom section of size 0x61 */
        {"two_headers", HDR "0061736d 01000000", "length out of bounds"},
        {"two_start_sections",
         HDR "01 04 01 60 00 00 | 03 02 01 00 | 08 01 00 | 08 01 00 | 0a 04 01 02 00 0b",
         "unexpected content after last section"},
        {"custom_only", HDR "00 05 04 6e616d65", NULL},
        {"custom_empty_name", HDR "00 01 00", NULL},
        {"custom_at_end", HDR "01 04 01 60 00 00 | 00 03 01 78 ff", NULL},
        {"custom_truncated", HDR "00", "unexpected end"},
        {"custom_no_name", HDR "00 00", "unexpected end"},
        {"custom_past_eof",
         HDR "00 26 10 6120637573746f6d2073656374696f6e 7468697320697320746865207061796c6f6164",
         "length out of bounds"},
    };
    RUN(cases, "section_id");
}

/* ---- LEB128 -------------------------------------------------------------- */

static void test_leb_overlong(void **state)
{
    (void)state;
    static const dcase cases[] = {
        /* unsigned 32-bit: 6 bytes is one too many, even for small values */
        {"mem_min", HDR "05 08 01 | 00 82 80 80 80 80 00", "integer representation too long"},
        {"mem_max", HDR "05 0a 01 | 01 82 00 82 80 80 80 80 00",
         "integer representation too long"},
        {"section_size", HDR "00 83 80 80 80 80 00 01 31 32", "integer representation too long"},
        {"custom_name_len", HDR "00 0a 83 80 80 80 80 00 31 32 33 34",
         "integer representation too long"},
        {"num_params", HDR "01 0c 01 60 82 80 80 80 80 00 7f 7e 01 7f",
         "integer representation too long"},
        {"data_mem_index", HDR "05 03 01 00 00 | 0b 0b 01 80 80 80 80 80 00 41 00 0b 00",
         "integer representation too long"},
        {"func_type_index", HDR "01 04 01 60 00 00 | 03 06 01 80 80 80 80 80 00 | 0a 04 01 02 00 0b",
         "integer representation too long"},
        {"code_count", HDR "01 04 01 60 00 00 | 03 02 01 00 | 0a 09 81 80 80 80 80 00 02 00 0b",
         "integer representation too long"},
        {"memarg_offset",
         HDR "01 04 01 60 00 00 | 03 02 01 00 | 05 03 01 00 01 | 0a 11 01 0f 01 01 7f "
             "41 00 28 02 82 80 80 80 80 00 1a 0b",
         "integer representation too long"},
        {"memarg_align",
         HDR "01 04 01 60 00 00 | 03 02 01 00 | 05 03 01 00 01 | 0a 11 01 0f 01 01 7f "
             "41 00 28 82 80 80 80 80 00 00 1a 0b",
         "integer representation too long"},
        /* signed 32-bit: 6 bytes */
        {"i32_const_0", HDR "06 0b 01 7f 00 41 80 80 80 80 80 00 0b",
         "integer representation too long"},
        {"i32_const_m1", HDR "06 0b 01 7f 00 41 ff ff ff ff ff 7f 0b",
         "integer representation too long"},
        /* signed 64-bit: 11 bytes */
        {"i64_const_0", HDR "06 10 01 7e 00 42 80 80 80 80 80 80 80 80 80 80 00 0b",
         "integer representation too long"},
        {"i64_const_m1", HDR "06 10 01 7e 00 42 ff ff ff ff ff ff ff ff ff ff 7f 0b",
         "integer representation too long"},
        /* the sub-opcode after 0xfc is a u32 too */
        {"fc_subop_6_bytes",
         HDR "01 04 01 60 00 00 | 03 02 01 00 | 0a 0d 01 0b 00 00 fc 87 80 80 80 80 00 00 0b",
         "integer representation too long"},
    };
    RUN(cases, "leb_overlong");
}

static void test_leb_too_large(void **state)
{
    (void)state;
    static const dcase cases[] = {
        {"mem_min_unused_bits", HDR "05 07 01 00 82 80 80 80 70", "integer too large"},
        {"mem_min_some_unused", HDR "05 07 01 00 82 80 80 80 40", "integer too large"},
        {"mem_max_unused_bits", HDR "05 09 01 01 82 00 82 80 80 80 10", "integer too large"},
        {"section_size", HDR "00 83 80 80 80 10 01 31 32", "integer too large"},
        {"num_params", HDR "01 0b 01 60 82 80 80 80 10 7f 7e 01 7f", "integer too large"},
        {"import_sig_index",
         HDR "01 05 01 60 01 7f 00 | 02 1a 01 08 7370656374657374 09 7072696e745f693332 00 "
             "80 80 80 80 10",
         "integer too large"},
        {"memarg_offset",
         HDR "01 04 01 60 00 00 | 03 02 01 00 | 05 03 01 00 01 | 0a 10 01 0e 01 01 7f "
             "41 00 28 02 82 80 80 80 10 1a 0b",
         "integer too large"},
        {"i32_const_0_unused_set", HDR "06 0a 01 7f 00 41 80 80 80 80 70 0b",
         "integer too large"},
        {"i32_const_m1_unused_unset", HDR "06 0a 01 7f 00 41 ff ff ff ff 0f 0b",
         "integer too large"},
        {"i32_const_0_some_set", HDR "06 0a 01 7f 00 41 80 80 80 80 1f 0b",
         "integer too large"},
        {"i32_const_m1_some_unset", HDR "06 0a 01 7f 00 41 ff ff ff ff 4f 0b",
         "integer too large"},
        {"i64_const_0_unused_set", HDR "06 0f 01 7e 00 42 80 80 80 80 80 80 80 80 80 7e 0b",
         "integer too large"},
        {"i64_const_m1_unused_unset", HDR "06 0f 01 7e 00 42 ff ff ff ff ff ff ff ff ff 01 0b",
         "integer too large"},
        {"i64_const_0_some_set", HDR "06 0f 01 7e 00 42 80 80 80 80 80 80 80 80 80 02 0b",
         "integer too large"},
        {"i64_const_m1_some_unset", HDR "06 0f 01 7e 00 42 ff ff ff ff ff ff ff ff ff 41 0b",
         "integer too large"},
    };
    RUN(cases, "leb_too_large");
}

static void test_leb_largest_valid(void **state)
{
    (void)state;
    static const dcase cases[] = {
        /* non-minimal but not overlong encodings are fine */
        {"mem_min_2_bytes", HDR "05 04 01 00 82 00", NULL},
        {"mem_min_5_bytes", HDR "05 07 01 00 82 80 80 80 00", NULL},
        {"mem_max_5_bytes", HDR "05 09 01 01 82 00 82 80 80 80 00", NULL},
        {"section_size_2_bytes", HDR "00 8a 00 01 31 3233343536373839", NULL},
        {"code_count_2_bytes", HDR "01 04 01 60 00 00 | 03 02 01 00 | 0a 05 81 00 02 00 0b",
         NULL},
        {"fc_subop_5_bytes",
         HDR "01 04 01 60 00 00 | 03 02 01 00 | 0a 1b 01 19 00 00 fc 80 00 00 fc 81 80 00 00 "
             "fc 86 80 80 00 00 fc 87 80 80 80 00 00 0b",
         NULL},
        /* largest values */
        {"mem_max_65536_pages", HDR "05 06 01 01 00 80 80 04", NULL},
        {"mem_min_65536_pages", HDR "05 05 01 00 80 80 04", NULL},
        {"table_min_u32_max", HDR "04 08 01 70 00 ff ff ff ff 0f", NULL},
        {"table_max_u32_max", HDR "04 09 01 70 01 00 ff ff ff ff 0f", NULL},
        {"i32_const_min", HDR "06 0a 01 7f 00 41 80 80 80 80 78 0b", NULL},
        {"i32_const_max", HDR "06 0a 01 7f 00 41 ff ff ff ff 07 0b", NULL},
        {"i64_const_min", HDR "06 0f 01 7e 00 42 80 80 80 80 80 80 80 80 80 7f 0b", NULL},
        {"i64_const_max", HDR "06 0f 01 7e 00 42 ff ff ff ff ff ff ff ff ff 00 0b", NULL},
        {"memarg_offset_u32_max",
         HDR "01 04 01 60 00 00 | 03 02 01 00 | 05 03 01 00 01 | 0a 0e 01 0c 00 "
             "41 00 28 02 ff ff ff ff 0f 1a 0b",
         NULL},
    };
    RUN(cases, "leb_valid");
}

/* The values of the widest encodings survive decoding: run them. */
static void test_leb_values_run(void **state)
{
    (void)state;
    tw_mod m = {0};
    tw_memory(&m, 1, -1);
    tw_export(&m, "i32min", CORRAL_EXTERN_FUNC, tw_func(&m, ":i", "", "41 80 80 80 80 78"));
    tw_export(&m, "i32max", CORRAL_EXTERN_FUNC, tw_func(&m, ":i", "", "41 ff ff ff ff 07"));
    tw_export(&m, "i32m1", CORRAL_EXTERN_FUNC, tw_func(&m, ":i", "", "41 ff ff ff ff 7f"));
    tw_export(&m, "i32_0_5b", CORRAL_EXTERN_FUNC, tw_func(&m, ":i", "", "41 80 80 80 80 00"));
    tw_export(&m, "i32_64", CORRAL_EXTERN_FUNC, tw_func(&m, ":i", "", "41 c0 00"));
    tw_export(&m, "i32_m64", CORRAL_EXTERN_FUNC, tw_func(&m, ":i", "", "41 40"));
    tw_export(&m, "i64min", CORRAL_EXTERN_FUNC,
              tw_func(&m, ":I", "", "42 80 80 80 80 80 80 80 80 80 7f"));
    tw_export(&m, "i64max", CORRAL_EXTERN_FUNC,
              tw_func(&m, ":I", "", "42 ff ff ff ff ff ff ff ff ff 00"));
    tw_export(&m, "i64m1", CORRAL_EXTERN_FUNC,
              tw_func(&m, ":I", "", "42 ff ff ff ff ff ff ff ff ff 7f"));
    tw_export(&m, "i64_2p32", CORRAL_EXTERN_FUNC, tw_func(&m, ":I", "", "42 80 80 80 80 10"));
    /* i32.load offset=0xffffffff at address 0: the effective address is
     * 2^32 - 1, which must trap, not wrap to a small address */
    tw_export(&m, "far_load", CORRAL_EXTERN_FUNC,
              tw_func(&m, ":i", "", "41 00 28 02 ff ff ff ff 0f"));
    /* and address 0xffffffff with offset 1 */
    tw_export(&m, "far_load2", CORRAL_EXTERN_FUNC, tw_func(&m, ":i", "", "41 7f 28 00 01"));
    corral_module *mod = tw_load(engine, &m, "decode_leb_values");

    corral_store *s = corral_store_new(engine, NULL);
    corral_linker *l = corral_linker_new(s);
    corral_instance *inst = NULL;
    tw_assert_ok(corral_instantiate(l, mod, &inst));

    static const struct {
        const char *name;
        int64_t want;
        int is64;
    } want[] = {
        {"i32min", INT32_MIN, 0},       {"i32max", INT32_MAX, 0},  {"i32m1", -1, 0},
        {"i32_0_5b", 0, 0},             {"i32_64", 64, 0},         {"i32_m64", -64, 0},
        {"i64min", INT64_MIN, 1},       {"i64max", INT64_MAX, 1},  {"i64m1", -1, 1},
        {"i64_2p32", INT64_C(1) << 32, 1},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        corral_func *f = corral_instance_func(inst, want[i].name);
        assert_non_null(f);
        corral_val r;
        memset(&r, 0, sizeof r);
        tw_assert_ok(corral_call(s, f, NULL, 0, &r, 1));
        if (want[i].is64) {
            assert_int_equal(r.type, CORRAL_I64);
            if (r.of.i64 != want[i].want)
                fail_msg("%s: got %lld", want[i].name, (long long)r.of.i64);
        } else {
            assert_int_equal(r.type, CORRAL_I32);
            if (r.of.i32 != (int32_t)want[i].want)
                fail_msg("%s: got %d", want[i].name, r.of.i32);
        }
    }
    corral_val r;
    tw_assert_msg(corral_call(s, corral_instance_func(inst, "far_load"), NULL, 0, &r, 1),
                  "out of bounds memory access");
    tw_assert_msg(corral_call(s, corral_instance_func(inst, "far_load2"), NULL, 0, &r, 1),
                  "out of bounds memory access");

    corral_linker_free(l);
    corral_store_free(s);
    corral_module_free(mod);
}

/* ---- truncation and sizes -------------------------------------------------- */

static void test_truncated(void **state)
{
    (void)state;
    static const dcase cases[] = {
        {"section_id_only", HDR "01", "unexpected end"},
        {"type_2_declared_1_given", HDR "01 07 02 60 00 00", "length out of bounds"},
        {"section_past_eof", HDR "01 05 01 60 00", "length out of bounds"},
        {"import_2_declared_1_given",
         HDR "01 05 01 60 01 7f 00 | 02 16 02 08 7370656374657374 09 7072696e745f693332 00 00",
         "unexpected end of section or function"},
        {"table_1_declared_0_given", HDR "04 01 01", "unexpected end of section or function"},
        {"memory_1_declared_0_given", HDR "05 01 01", "unexpected end of section or function"},
        {"global_2_declared_1_given", HDR "06 06 02 7f 00 41 00 0b",
         "unexpected end of section or function"},
        {"elem_2_declared_1_given",
         HDR "01 04 01 60 00 00 | 03 02 01 00 | 04 04 01 70 00 01 | 09 07 02 00 41 00 0b 01 00",
         "unexpected end"},
        {"data_2_declared_1_given", HDR "05 03 01 00 01 | 0b 07 02 00 41 00 0b 01 61",
         "unexpected end of section or function"},
        {"data_bytes_7_declared_6_given",
         HDR "05 03 01 00 01 | 0b 0c 01 00 41 03 0b 07 616263646566",
         "unexpected end of section or function"},
        {"func_missing_end_at_eof",
         HDR "01 04 01 60 00 00 | 03 02 01 00 | 0a 06 01 04 00 41 01 1a",
         "unexpected end of section or function"},
        /* The reference decodes the whole body before validating; a
         * one-pass validator meets the stray byte 02 as `block` with type
         * index 0x0b first.  Either error is at the same spot. */
        {"br_table_short",
         HDR "01 04 01 60 00 00 | 03 02 01 00 | 0a 13 01 11 00 02 40 41 01 04 40 41 01 0e 01 "
             "00 01 02 0b 0b 0b",
         "unexpected end|unknown type"},
    };
    RUN(cases, "truncated");
}

/* Cut a valid module at every length: a prefix may load only when it ends
 * on a section boundary; everything else must fail cleanly. */
static void test_every_prefix(void **state)
{
    (void)state;
    tw_mod m = {0};
    tw_import_func(&m, "env", "f", "i:i");
    tw_memory(&m, 1, 2);
    tw_global(&m, 'I', 1, "42 ff ff ff ff ff ff ff ff ff 00");
    uint32_t fn = tw_func(&m, "ii:i", "iI",
                          "20 00 | 20 01 | 6a | 10 00 | 21 02 | 02 40 | 20 02 | 0d 00 | 0b | "
                          "41 00 | 28 02 00 | 20 02 | 6a");
    tw_export(&m, "run", CORRAL_EXTERN_FUNC, fn);
    tw_export(&m, "mem", CORRAL_EXTERN_MEMORY, 0);
    tw_data(&m, 16, "hello", 5);
    size_t len;
    uint8_t *full = tw_finish(&m, &len);
    tw_dump("decode_prefix_full", full, len);

    /* section boundaries */
    size_t bound[32], nb = 0, p = 8;
    bound[nb++] = 8;
    while (p < len && nb < 32) {
        p++; /* id */
        uint64_t size = 0;
        int shift = 0;
        while (full[p] & 0x80) {
            size |= (uint64_t)(full[p++] & 0x7f) << shift;
            shift += 7;
        }
        size |= (uint64_t)full[p++] << shift;
        p += size;
        bound[nb++] = p;
    }
    assert_int_equal(p, len);

    int bad = 0;
    for (size_t cut = 0; cut <= len; cut++) {
        uint8_t *copy = malloc(cut ? cut : 1);
        memcpy(copy, full, cut);
        const char *err = try_load(copy, cut, NULL);
        free(copy);
        int on_bound = 0;
        for (size_t i = 0; i < nb; i++)
            on_bound |= bound[i] == cut;
        if (!err && !on_bound) {
            print_error("  prefix of %zu bytes (not a section boundary) loaded\n", cut);
            bad++;
        }
        if (cut == len && err) {
            print_error("  the full module failed: %s\n", err);
            bad++;
        }
    }
    free(full);
    if (bad)
        fail_msg("%d prefixes misbehaved", bad);
}

static void test_section_size_mismatch(void **state)
{
    (void)state;
    static const dcase cases[] = {
        {"type_1_declared_2_given", HDR "01 07 01 60 00 00 60 00 00", "section size mismatch"},
        {"import_1_declared_2_given",
         HDR "01 09 02 60 01 7f 00 60 01 7d 00 | 02 2b 01 08 7370656374657374 09 "
             "7072696e745f693332 00 00 08 7370656374657374 09 7072696e745f663332 00 01",
         "section size mismatch"},
        {"global_1_declared_2_given", HDR "06 0b 01 7f 00 41 00 0b 7f 00 41 00 0b",
         "section size mismatch"},
        {"export_1_declared_2_given",
         HDR "01 04 01 60 00 00 | 03 03 02 00 00 | 07 0b 01 02 66 31 00 00 02 66 32 00 01 | "
             "0a 07 02 02 00 0b 02 00 0b",
         "section size mismatch"},
        {"elem_1_declared_2_given",
         HDR "01 04 01 60 00 00 | 03 02 01 00 | 04 04 01 70 00 01 | 09 0d 01 00 41 00 0b 01 00 "
             "00 41 00 0b 01 00 | 0a 04 01 02 00 0b",
         "section size mismatch"},
        {"data_1_declared_2_given", HDR "05 03 01 00 01 | 0b 0d 01 00 41 00 0b 01 61 00 41 01 0b 01 62",
         "section size mismatch"},
        {"data_bytes_5_declared_6_given",
         HDR "05 03 01 00 01 | 0b 0c 01 00 41 00 0b 05 616263646566", "section size mismatch"},
        /* The reference reads past the code section into the data
         * section's id (0x0b, `end`); a decoder bounded by the section
         * stops at its end instead.  Both name a malformed body. */
        {"func_missing_end_then_data",
         HDR "01 04 01 60 00 00 | 03 02 01 00 | 0a 06 01 04 00 41 01 1a | 0b 03 01 01 00",
         "section size mismatch|unexpected end of section or function"},
    };
    RUN(cases, "size_mismatch");
}

static void test_count_mismatch(void **state)
{
    (void)state;
    static const dcase cases[] = {
        {"funcs_without_code", HDR "01 04 01 60 00 00 | 03 03 02 00 00",
         "function and code section have inconsistent lengths"},
        {"code_without_funcs", HDR "0a 04 01 02 00 0b",
         "function and code section have inconsistent lengths"},
        {"more_funcs_than_code", HDR "01 04 01 60 00 00 | 03 03 02 00 00 | 0a 04 01 02 00 0b",
         "function and code section have inconsistent lengths"},
        {"more_code_than_funcs",
         HDR "01 04 01 60 00 00 | 03 02 01 00 | 0a 07 02 02 00 0b 02 00 0b",
         "function and code section have inconsistent lengths"},
        {"no_funcs_no_code_empty_code", HDR "0a 01 00", NULL},
        {"datacount_3_data_2", HDR "0c 01 03 | 0b 05 02 01 00 01 00",
         "data count and data section have inconsistent lengths"},
        {"datacount_1_data_2", HDR "0c 01 01 | 0b 05 02 01 00 01 00",
         "data count and data section have inconsistent lengths"},
        {"datacount_2_data_1", HDR "05 03 01 00 01 | 0c 01 02 | 0b 06 01 00 41 00 0b 00",
         "data count and data section have inconsistent lengths"},
        {"datacount_2_data_2", HDR "0c 01 02 | 0b 05 02 01 00 01 00", NULL},
        {"datacount_0_no_data", HDR "0c 01 00", NULL},
        {"memory_init_without_datacount",
         HDR "01 04 01 60 00 00 | 03 02 01 00 | 05 03 01 00 00 | 0a 0e 01 0c 00 41 00 41 00 "
             "41 00 fc 08 00 00 0b | 0b 03 01 01 00",
         "data count section required"},
        {"data_drop_without_datacount",
         HDR "01 04 01 60 00 00 | 03 02 01 00 | 05 03 01 00 00 | 0a 07 01 05 00 fc 09 00 0b | "
             "0b 03 01 01 00",
         "data count section required"},
        {"too_many_locals",
         HDR "01 04 01 60 00 00 | 03 02 01 00 | 0a 0c 01 0a 02 ff ff ff ff 0f 7f 02 7e 0b",
         "too many locals"},
        {"too_many_locals_sum",
         HDR "01 06 01 60 02 7f 7f 00 | 03 02 01 00 | 0a 1c 01 1a 04 80 80 80 80 04 7f 80 80 80 "
             "80 04 7e 80 80 80 80 04 7d 80 80 80 80 04 7c 0b",
         "too many locals"},
    };
    RUN(cases, "count_mismatch");
}

/* Counts and lengths of 2^32 - 1 with nothing behind them: each must be an
 * error, and quickly (a decoder that reserves count * entry-size first would
 * try to allocate tens of gigabytes, or spin). */
static void test_huge_counts(void **state)
{
    (void)state;
    static const dcase cases[] = {
        {"types", HDR "01 05 ff ff ff ff 0f", ""},
        {"type_params", HDR "01 0a 01 60 ff ff ff ff 0f 7f 00", ""},
        {"type_results", HDR "01 0a 01 60 00 ff ff ff ff 0f 7f", ""},
        {"imports", HDR "02 05 ff ff ff ff 0f", ""},
        {"import_name_len", HDR "02 08 01 ff ff ff ff 0f 61 62", ""},
        {"funcs", HDR "01 04 01 60 00 00 | 03 05 ff ff ff ff 0f", ""},
        {"tables", HDR "04 05 ff ff ff ff 0f", ""},
        {"memories", HDR "05 05 ff ff ff ff 0f", ""},
        {"globals", HDR "06 05 ff ff ff ff 0f", ""},
        {"exports", HDR "07 05 ff ff ff ff 0f", ""},
        {"elems", HDR "09 05 ff ff ff ff 0f", ""},
        {"elem_funcs", HDR "01 04 01 60 00 00 | 03 02 01 00 | 04 04 01 70 00 01 | "
                       "09 0a 01 00 41 00 0b ff ff ff ff 0f | 0a 04 01 02 00 0b",
         ""},
        {"codes", HDR "01 04 01 60 00 00 | 03 02 01 00 | 0a 05 ff ff ff ff 0f", ""},
        {"code_body_size", HDR "01 04 01 60 00 00 | 03 02 01 00 | 0a 07 01 ff ff ff ff 0f 00", ""},
        {"local_decls", HDR "01 04 01 60 00 00 | 03 02 01 00 | 0a 08 01 06 ff ff ff ff 0f 0b", ""},
        {"locals_one_decl",
         HDR "01 04 01 60 00 00 | 03 02 01 00 | 0a 0a 01 08 01 ff ff ff ff 0f 7f 0b", ""},
        {"br_table_targets",
         HDR "01 04 01 60 00 00 | 03 02 01 00 | 0a 0c 01 0a 00 41 00 0e ff ff ff ff 0f 0b", ""},
        {"select_types",
         HDR "01 04 01 60 00 00 | 03 02 01 00 | 0a 0c 01 0a 00 41 00 1c ff ff ff ff 0f 0b", ""},
        {"datas", HDR "0b 05 ff ff ff ff 0f", ""},
        {"data_bytes", HDR "05 03 01 00 01 | 0b 0a 01 00 41 00 0b ff ff ff ff 0f", ""},
        {"datacount", HDR "0c 05 ff ff ff ff 0f", ""},
        {"custom_name_len", HDR "00 05 ff ff ff ff 0f", ""},
        {"section_size", HDR "01 ff ff ff ff 0f 00", ""},
    };
    clock_t t0 = clock();
    RUN(cases, "huge_counts");
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    if (secs > 2.0)
        fail_msg("hostile counts took %.2f s of CPU; expected an immediate error", secs);
}

/* Bytes that are valid section by section but not together. */
static void test_structure(void **state)
{
    (void)state;
    static const dcase cases[] = {
        {"type_section_twice", HDR "01 01 00 | 01 01 00", ""},
        {"code_before_function", HDR "01 04 01 60 00 00 | 0a 04 01 02 00 0b | 03 02 01 00", ""},
        {"datacount_after_code",
         HDR "01 04 01 60 00 00 | 03 02 01 00 | 0a 04 01 02 00 0b | 0c 01 00", ""},
        {"bad_import_kind",
         HDR "01 05 01 60 01 7f 00 | 02 16 01 08 7370656374657374 09 7072696e745f693332 04 00",
         "malformed import kind"},
        {"bad_valtype", HDR "01 05 01 60 01 7a 00", ""},
        {"bad_functype_form", HDR "01 04 01 61 00 00", ""},
        {"memory_grow_reserved",
         HDR "01 04 01 60 00 00 | 03 02 01 00 | 05 03 01 00 00 | 0a 09 01 07 00 41 00 40 01 1a 0b",
         "zero byte expected"},
        {"memory_size_reserved",
         HDR "01 04 01 60 00 00 | 03 02 01 00 | 05 03 01 00 00 | 0a 07 01 05 00 3f 01 1a 0b",
         "zero byte expected"},
        {"bad_opcode", HDR "01 04 01 60 00 00 | 03 02 01 00 | 0a 05 01 03 00 ff 0b", ""},
        {"end_missing_body_continues",
         HDR "01 04 01 60 00 00 | 03 02 01 00 | 0a 06 01 04 00 01 01 01", ""},
        {"bytes_after_end",
         HDR "01 04 01 60 00 00 | 03 02 01 00 | 0a 06 01 04 00 0b 01 01", ""},
        {"start_index_out_of_range", HDR "01 04 01 60 00 00 | 03 02 01 00 | 08 01 05 | 0a 04 01 02 00 0b",
         ""},
    };
    RUN(cases, "structure");
}

/* Where a function body fails, diag names that function. */
static void test_diag(void **state)
{
    (void)state;
    tw_mod m = {0};
    tw_func(&m, ":i", "", "41 01");
    tw_func(&m, ":i", "", "42 01"); /* i64 where i32 is expected */
    size_t len;
    uint8_t *bytes = tw_finish(&m, &len);
    tw_dump("decode_diag_type_mismatch", bytes, len);
    corral_diag d = {0, -7};
    const char *err = try_load(bytes, len, &d);
    tw_assert_msg(err, "type mismatch");
    assert_int_equal(d.func, 1);
    assert_true(d.offset > 8 && d.offset <= len);
    free(bytes);

    /* a header error names no function */
    static const uint8_t bad[] = {0, 'a', 's', 'm', 2, 0, 0, 0};
    d.func = 7;
    err = try_load(bad, sizeof bad, &d);
    tw_assert_msg(err, "unknown binary version");
    assert_int_equal(d.func, -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_magic_and_version),
        cmocka_unit_test(test_section_ids),
        cmocka_unit_test(test_leb_overlong),
        cmocka_unit_test(test_leb_too_large),
        cmocka_unit_test(test_leb_largest_valid),
        cmocka_unit_test(test_leb_values_run),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_every_prefix),
        cmocka_unit_test(test_section_size_mismatch),
        cmocka_unit_test(test_count_mismatch),
        cmocka_unit_test(test_huge_counts),
        cmocka_unit_test(test_structure),
        cmocka_unit_test(test_diag),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
