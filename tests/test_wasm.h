/*
 * test_wasm.h - helpers shared by the cmocka tests in tests/test_*.c:
 * a growable byte buffer, a hex-string parser for hand-assembled code, and
 * a small module builder that computes section sizes, type indices and
 * function indices so that a test can state only what it is about.
 *
 * Everything is static inline so that a test which does not use a helper
 * gets no unused-function warning.  Builder misuse is a bug in the test, so
 * it aborts instead of returning errors.
 *
 * Set TW_DUMP=DIR to write every module a test loads through tw_load() to
 * DIR/NAME.wasm; check them with wasm-validate / wasm-objdump (wabt) to
 * confirm that the hand-assembled bytes mean what the test says.
 */
#ifndef TEST_WASM_H
#define TEST_WASM_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "corral.h"

/* ---- byte buffer ------------------------------------------------------- */

typedef struct {
    uint8_t *p;
    size_t n, cap;
} tw_buf;

static inline void tw_put(tw_buf *b, const void *src, size_t n)
{
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->n + n)
            cap *= 2;
        uint8_t *p = realloc(b->p, cap);
        if (!p)
            abort();
        b->p = p;
        b->cap = cap;
    }
    if (n)
        memcpy(b->p + b->n, src, n);
    b->n += n;
}

static inline void tw_u8(tw_buf *b, uint8_t v) { tw_put(b, &v, 1); }

static inline void tw_uleb(tw_buf *b, uint64_t v)
{
    do {
        uint8_t byte = v & 0x7f;
        v >>= 7;
        tw_u8(b, byte | (v ? 0x80 : 0));
    } while (v);
}

static inline void tw_sleb(tw_buf *b, int64_t v)
{
    for (;;) {
        uint8_t byte = (uint8_t)(v & 0x7f);
        int64_t rest = v >> 7; /* arithmetic shift on every target we build on */
        int done = (rest == 0 && !(byte & 0x40)) || (rest == -1 && (byte & 0x40));
        tw_u8(b, byte | (done ? 0 : 0x80));
        if (done)
            return;
        v = rest;
    }
}

static inline void tw_name(tw_buf *b, const char *s)
{
    size_t n = strlen(s);
    tw_uleb(b, n);
    tw_put(b, s, n);
}

static inline int tw_hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Append the bytes spelled by hex: pairs of hex digits; blanks and '|'
 * (used to mark instruction boundaries) are ignored. */
static inline void tw_hex(tw_buf *b, const char *hex)
{
    int hi = -1;
    for (const char *s = hex; *s; s++) {
        if (*s == ' ' || *s == '\n' || *s == '\t' || *s == '|')
            continue;
        int v = tw_hexval((unsigned char)*s);
        if (v < 0) {
            fprintf(stderr, "test_wasm.h: bad hex digit '%c' in \"%s\"\n", *s, hex);
            abort();
        }
        if (hi < 0) {
            hi = v;
        } else {
            tw_u8(b, (uint8_t)(hi << 4 | v));
            hi = -1;
        }
    }
    if (hi >= 0) {
        fprintf(stderr, "test_wasm.h: odd number of hex digits in \"%s\"\n", hex);
        abort();
    }
}

static inline void tw_buf_free(tw_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
}

/* ---- module builder ------------------------------------------------------ */

enum {
    TW_SEC_TYPE = 1,
    TW_SEC_IMPORT = 2,
    TW_SEC_FUNC = 3,
    TW_SEC_TABLE = 4,
    TW_SEC_MEMORY = 5,
    TW_SEC_GLOBAL = 6,
    TW_SEC_EXPORT = 7,
    TW_SEC_START = 8,
    TW_SEC_ELEM = 9,
    TW_SEC_CODE = 10,
    TW_SEC_DATA = 11,
    TW_SEC_DATACOUNT = 12
};

#define TW_MAX_TYPES 64

typedef struct {
    tw_buf sec[13];     /* section contents without the leading count */
    uint32_t count[13]; /* entries in each section */
    const char *sigs[TW_MAX_TYPES];
    uint32_t ntypes;
    uint32_t nfuncs;   /* imported + defined */
    uint32_t nglobals; /* imported + defined */
    int has_start;
    uint32_t start;
    int has_datacount; /* a passive segment needs the data count section */
} tw_mod;

/* Binary encoding of the value type named by one letter of a signature
 * (the same letters as corral_linker_define_func, plus v for v128). */
static inline uint8_t tw_valtype(char c)
{
    switch (c) {
    case 'i': return 0x7f;
    case 'I': return 0x7e;
    case 'f': return 0x7d;
    case 'F': return 0x7c;
    case 'v': return 0x7b;
    case 'R': return 0x70;
    case 'r': return 0x6f;
    default:
        fprintf(stderr, "test_wasm.h: bad type letter '%c'\n", c);
        abort();
    }
}

/* Index of the function type "params:results", adding it if new. */
static inline uint32_t tw_type(tw_mod *m, const char *sig)
{
    for (uint32_t i = 0; i < m->ntypes; i++)
        if (strcmp(m->sigs[i], sig) == 0)
            return i;
    const char *colon = strchr(sig, ':');
    if (!colon || m->ntypes == TW_MAX_TYPES)
        abort();
    tw_buf *b = &m->sec[TW_SEC_TYPE];
    tw_u8(b, 0x60);
    tw_uleb(b, (uint64_t)(colon - sig));
    for (const char *p = sig; p < colon; p++)
        tw_u8(b, tw_valtype(*p));
    tw_uleb(b, strlen(colon + 1));
    for (const char *p = colon + 1; *p; p++)
        tw_u8(b, tw_valtype(*p));
    m->count[TW_SEC_TYPE]++;
    m->sigs[m->ntypes] = sig;
    return m->ntypes++;
}

static inline void tw_limits(tw_buf *b, uint64_t min, int64_t max)
{
    tw_u8(b, max < 0 ? 0x00 : 0x01);
    tw_uleb(b, min);
    if (max >= 0)
        tw_uleb(b, (uint64_t)max);
}

static inline void tw_import_head(tw_mod *m, const char *mod, const char *name, uint8_t kind)
{
    /* Imports must precede definitions, or the indices would be wrong. */
    if (m->count[TW_SEC_FUNC] || m->count[TW_SEC_GLOBAL])
        abort();
    tw_buf *b = &m->sec[TW_SEC_IMPORT];
    tw_name(b, mod);
    tw_name(b, name);
    tw_u8(b, kind);
    m->count[TW_SEC_IMPORT]++;
}

static inline uint32_t tw_import_func(tw_mod *m, const char *mod, const char *name,
                                      const char *sig)
{
    uint32_t t = tw_type(m, sig);
    tw_import_head(m, mod, name, 0x00);
    tw_uleb(&m->sec[TW_SEC_IMPORT], t);
    return m->nfuncs++;
}

static inline void tw_import_table(tw_mod *m, const char *mod, const char *name, uint64_t min,
                                   int64_t max)
{
    tw_import_head(m, mod, name, 0x01);
    tw_u8(&m->sec[TW_SEC_IMPORT], 0x70);
    tw_limits(&m->sec[TW_SEC_IMPORT], min, max);
}

static inline void tw_import_memory(tw_mod *m, const char *mod, const char *name,
                                    uint64_t min, int64_t max)
{
    tw_import_head(m, mod, name, 0x02);
    tw_limits(&m->sec[TW_SEC_IMPORT], min, max);
}

static inline uint32_t tw_import_global(tw_mod *m, const char *mod, const char *name,
                                        char type, int mut)
{
    tw_import_head(m, mod, name, 0x03);
    tw_u8(&m->sec[TW_SEC_IMPORT], tw_valtype(type));
    tw_u8(&m->sec[TW_SEC_IMPORT], mut ? 1 : 0);
    return m->nglobals++;
}

/* Define a function.  locals: one letter per local (declared one by one).
 * body: the instructions in hex, without the final `end`, which is added. */
static inline uint32_t tw_func(tw_mod *m, const char *sig, const char *locals, const char *body)
{
    uint32_t t = tw_type(m, sig);
    tw_uleb(&m->sec[TW_SEC_FUNC], t);
    m->count[TW_SEC_FUNC]++;

    tw_buf f = {0};
    size_t nl = strlen(locals);
    tw_uleb(&f, nl);
    for (size_t i = 0; i < nl; i++) {
        tw_u8(&f, 1);
        tw_u8(&f, tw_valtype(locals[i]));
    }
    tw_hex(&f, body);
    tw_u8(&f, 0x0b);
    tw_uleb(&m->sec[TW_SEC_CODE], f.n);
    tw_put(&m->sec[TW_SEC_CODE], f.p, f.n);
    m->count[TW_SEC_CODE]++;
    tw_buf_free(&f);
    return m->nfuncs++;
}

static inline void tw_table(tw_mod *m, uint64_t min, int64_t max)
{
    tw_u8(&m->sec[TW_SEC_TABLE], 0x70);
    tw_limits(&m->sec[TW_SEC_TABLE], min, max);
    m->count[TW_SEC_TABLE]++;
}

static inline void tw_memory(tw_mod *m, uint64_t min, int64_t max)
{
    tw_limits(&m->sec[TW_SEC_MEMORY], min, max);
    m->count[TW_SEC_MEMORY]++;
}

/* init: the constant expression in hex, without the final `end`. */
static inline uint32_t tw_global(tw_mod *m, char type, int mut, const char *init)
{
    tw_buf *b = &m->sec[TW_SEC_GLOBAL];
    tw_u8(b, tw_valtype(type));
    tw_u8(b, mut ? 1 : 0);
    tw_hex(b, init);
    tw_u8(b, 0x0b);
    m->count[TW_SEC_GLOBAL]++;
    return m->nglobals++;
}

static inline void tw_export(tw_mod *m, const char *name, corral_extern_kind kind, uint32_t idx)
{
    tw_buf *b = &m->sec[TW_SEC_EXPORT];
    tw_name(b, name);
    tw_u8(b, (uint8_t)kind);
    tw_uleb(b, idx);
    m->count[TW_SEC_EXPORT]++;
}

static inline void tw_start(tw_mod *m, uint32_t func)
{
    m->has_start = 1;
    m->start = func;
}

/* An active data segment for memory 0 at i32.const offset. */
static inline void tw_data(tw_mod *m, int32_t offset, const void *bytes, size_t n)
{
    tw_buf *b = &m->sec[TW_SEC_DATA];
    tw_u8(b, 0x00);
    tw_u8(b, 0x41);
    tw_sleb(b, offset);
    tw_u8(b, 0x0b);
    tw_uleb(b, n);
    tw_put(b, bytes, n);
    m->count[TW_SEC_DATA]++;
}

/* An active element segment for table 0 at i32.const offset. */
static inline void tw_elem(tw_mod *m, int32_t offset, const uint32_t *funcs, size_t n)
{
    tw_buf *b = &m->sec[TW_SEC_ELEM];
    tw_u8(b, 0x00);
    tw_u8(b, 0x41);
    tw_sleb(b, offset);
    tw_u8(b, 0x0b);
    tw_uleb(b, n);
    for (size_t i = 0; i < n; i++)
        tw_uleb(b, funcs[i]);
    m->count[TW_SEC_ELEM]++;
}

/* A passive data segment (memory.init); adds the data count section. */
static inline void tw_passive_data(tw_mod *m, const void *bytes, size_t n)
{
    tw_buf *b = &m->sec[TW_SEC_DATA];
    tw_u8(b, 0x01);
    tw_uleb(b, n);
    tw_put(b, bytes, n);
    m->count[TW_SEC_DATA]++;
    m->has_datacount = 1;
}

/* A passive element segment of function indices (table.init). */
static inline void tw_passive_elem(tw_mod *m, const uint32_t *funcs, size_t n)
{
    tw_buf *b = &m->sec[TW_SEC_ELEM];
    tw_u8(b, 0x01);
    tw_u8(b, 0x00); /* elemkind funcref */
    tw_uleb(b, n);
    for (size_t i = 0; i < n; i++)
        tw_uleb(b, funcs[i]);
    m->count[TW_SEC_ELEM]++;
}

static inline void tw_section(tw_buf *out, uint8_t id, uint32_t count, const tw_buf *content)
{
    tw_buf body = {0};
    tw_uleb(&body, count);
    tw_put(&body, content->p, content->n);
    tw_u8(out, id);
    tw_uleb(out, body.n);
    tw_put(out, body.p, body.n);
    tw_buf_free(&body);
}

/* The module's bytes (malloc'd, caller frees); the builder is reset. */
static inline uint8_t *tw_finish(tw_mod *m, size_t *len)
{
    static const uint8_t order[] = {TW_SEC_TYPE,   TW_SEC_IMPORT, TW_SEC_FUNC,  TW_SEC_TABLE,
                                    TW_SEC_MEMORY, TW_SEC_GLOBAL, TW_SEC_EXPORT};
    tw_buf out = {0};
    tw_hex(&out, "0061736d 01000000");
    for (size_t i = 0; i < sizeof order; i++)
        if (m->count[order[i]])
            tw_section(&out, order[i], m->count[order[i]], &m->sec[order[i]]);
    if (m->has_start) {
        tw_u8(&out, TW_SEC_START);
        tw_buf s = {0};
        tw_uleb(&s, m->start);
        tw_uleb(&out, s.n);
        tw_put(&out, s.p, s.n);
        tw_buf_free(&s);
    }
    if (m->count[TW_SEC_ELEM])
        tw_section(&out, TW_SEC_ELEM, m->count[TW_SEC_ELEM], &m->sec[TW_SEC_ELEM]);
    if (m->has_datacount) {
        tw_u8(&out, TW_SEC_DATACOUNT);
        tw_buf s = {0};
        tw_uleb(&s, m->count[TW_SEC_DATA]);
        tw_uleb(&out, s.n);
        tw_put(&out, s.p, s.n);
        tw_buf_free(&s);
    }
    if (m->count[TW_SEC_CODE] || m->count[TW_SEC_FUNC])
        tw_section(&out, TW_SEC_CODE, m->count[TW_SEC_CODE], &m->sec[TW_SEC_CODE]);
    if (m->count[TW_SEC_DATA])
        tw_section(&out, TW_SEC_DATA, m->count[TW_SEC_DATA], &m->sec[TW_SEC_DATA]);
    for (int i = 0; i < 13; i++)
        tw_buf_free(&m->sec[i]);
    memset(m, 0, sizeof *m);
    *len = out.n;
    return out.p;
}

/* ---- loading ------------------------------------------------------------- */

/* Write bytes to $TW_DUMP/name.wasm when TW_DUMP is set. */
static inline void tw_dump(const char *name, const uint8_t *bytes, size_t len)
{
    const char *dir = getenv("TW_DUMP");
    if (!dir || !*dir)
        return;
    char path[512];
    snprintf(path, sizeof path, "%s/%s.wasm", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    if (fwrite(bytes, 1, len, f) != len)
        fprintf(stderr, "test_wasm.h: short write to %s\n", path);
    fclose(f);
}

/* The whole file at path appended to out: 1, or 0 when it cannot be
 * opened. */
static inline int tw_read_file(const char *path, tw_buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    uint8_t chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        tw_put(out, chunk, n);
    fclose(f);
    return 1;
}

/* Finish m, load it (it must be valid) and return the module. */
static inline corral_module *tw_load(corral_engine *e, tw_mod *m, const char *name)
{
    size_t len;
    uint8_t *bytes = tw_finish(m, &len);
    tw_dump(name, bytes, len);
    corral_module *mod = NULL;
    const char *err = corral_module_new(e, bytes, len, &mod, NULL);
    free(bytes);
    if (err)
        fail_msg("module %s failed to load: %s", name, err);
    assert_non_null(mod);
    return mod;
}

/* Spec-suite style message check: the engine's message must start with the
 * expected text (that is how the reference interpreter's script runner
 * compares assert_malformed / assert_trap messages). */
#define tw_assert_msg(err, want)                                                       \
    do {                                                                               \
        const char *tw_e_ = (err), *tw_w_ = (want);                                   \
        if (!tw_e_)                                                                    \
            fail_msg("expected error \"%s\", got success", tw_w_);                    \
        if (strncmp(tw_e_, tw_w_, strlen(tw_w_)) != 0)                                 \
            fail_msg("expected error \"%s\", got \"%s\"", tw_w_, tw_e_);              \
    } while (0)

#define tw_assert_ok(err)                                                              \
    do {                                                                               \
        const char *tw_e_ = (err);                                                     \
        if (tw_e_)                                                                     \
            fail_msg("unexpected error: %s", tw_e_);                                  \
    } while (0)

static inline corral_val tw_i32(int32_t v)
{
    corral_val x;
    memset(&x, 0, sizeof x);
    x.type = CORRAL_I32;
    x.of.i32 = v;
    return x;
}

static inline corral_val tw_i64(int64_t v)
{
    corral_val x;
    memset(&x, 0, sizeof x);
    x.type = CORRAL_I64;
    x.of.i64 = v;
    return x;
}

/* The i32 at off in inst's memory.  Wasm memory is little-endian whatever
 * the host is, and corral_memory_read copies bytes: reading them straight
 * into an int32_t is wrong on a big-endian host (found on s390x). */
static inline const char *tw_read_i32(corral_instance *inst, uint64_t off, int32_t *v)
{
    uint8_t b[4] = {0};
    const char *e = corral_memory_read(inst, off, b, 4);
    *v = (int32_t)((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
                   (uint32_t)b[3] << 24);
    return e;
}

#endif
