/*
 * fuzz_cache.c - target (f): the module cache's loader
 * (corral_module_deserialize), on entries made by corral_module_serialize
 * from the input's module and then damaged as the input says.
 *
 * Input: one control byte, 5 bytes per edit, then module bytes.
 *   control bits 0-3: the number of edits (each a little-endian u32
 *                     offset, taken modulo the entry's length, and a byte
 *                     XORed in there);
 *           bit 4:    make the checksum right after the edits (a forged
 *                     entry, which only the trust rule keeps out);
 *           bit 5:    cut the entry at the first edit's offset instead.
 * Invariants: an entry as written loads, and its functions disassemble to
 * the same lowered code as the module's; a changed entry whose checksum
 * was not fixed, and every cut entry, is refused; a forged entry is
 * refused or loads, and what loads disassembles (it is not run: forged
 * code may do anything the threaded code can).  The genuine entry's
 * module also runs its exports under fuel.
 */
#include "fuzz.h"

#define HEADER 56
#define CHECKSUM 32

static corral_engine *eng;

static void disasm_equal(const corral_module *a, const corral_module *b)
{
    static char ba[1 << 16], bb[1 << 16];
    uint32_t n = corral_module_func_count(a);
    if (n != corral_module_func_count(b))
        fuzz_fail("the entry has %u functions, the module %u", corral_module_func_count(b), n);
    for (uint32_t f = 0; f < n && f < 64; f++) {
        size_t la = corral_module_disasm(a, f, ba, sizeof ba);
        size_t lb = corral_module_disasm(b, f, bb, sizeof bb);
        if (la != lb || strcmp(ba, bb) != 0)
            fuzz_fail("function %u: the entry's code differs from the module's", f);
    }
}

static void run_exports(const corral_module *m)
{
    corral_limits lim;
    fuzz_limits(&lim);
    corral_store *s = corral_store_new(eng, &lim);
    corral_linker *l = s ? corral_linker_new(s) : NULL;
    if (!l)
        fuzz_fail("out of memory setting up a store");
    fuzz_log log = {0};
    fuzz_import imps[FUZZ_NIMPORTS];
    fuzz_link(l, &log, imps);
    corral_instance *inst = NULL;
    if (corral_store_set_fuel(s, 100000) != NULL)
        fuzz_fail("set_fuel refused");
    if (corral_instantiate(l, m, &inst) == NULL) {
        for (uint32_t i = 0, k = 0, n = corral_module_export_count(m); i < n && k < 16; i++) {
            const char *name;
            corral_extern_kind kind;
            corral_module_export(m, i, &name, &kind);
            corral_func *f = kind == CORRAL_EXTERN_FUNC ? corral_instance_func(inst, name) : 0;
            uint32_t np = 0, nr = 0;
            if (f)
                corral_func_type(f, &np, NULL, &nr, NULL);
            if (!f || np > FUZZ_MAX_VALS || nr > FUZZ_MAX_VALS)
                continue;
            corral_valtype pt[FUZZ_MAX_VALS], rt[FUZZ_MAX_VALS];
            corral_val args[FUZZ_MAX_VALS], res[FUZZ_MAX_VALS];
            corral_func_type(f, &np, pt, &nr, rt);
            fuzz_args(pt, np, 0, args);
            if (corral_store_set_fuel(s, 100000) != NULL)
                fuzz_fail("set_fuel refused");
            const char *err = corral_call(s, f, args, np, res, nr);
            (void)err; /* traps are fine */
            k++;
        }
    }
    corral_linker_free(l);
    corral_store_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!eng) {
        corral_config cfg = {.consume_fuel = 1};
        if (!(eng = corral_engine_new(&cfg)))
            fuzz_fail("corral_engine_new failed");
    }
    if (size < 1)
        return 0;
    unsigned ctl = data[0], nedits = ctl & 15;
    if (size < 1 + 5u * nedits)
        return 0;
    const uint8_t *edits = data + 1, *wasm = edits + 5u * nedits;
    size_t len = size - 1 - 5u * nedits;
    corral_module *m = NULL;
    if (corral_module_new(eng, wasm, len, &m, NULL) != NULL)
        return 0;
    uint8_t key[32];
    corral_module_cache_key(eng, wasm, len, key);
    uint8_t *entry = NULL;
    size_t n = 0;
    const char *err = corral_module_serialize(m, key, &entry, &n);
    if (err)
        fuzz_fail("a module that loads does not serialise: %s", err);
    if (n < HEADER + CHECKSUM)
        fuzz_fail("an entry of %zu bytes", n);

    corral_module *back = NULL;
    int changed = 0;
    size_t cut = n;
    uint8_t *orig = malloc(n);
    if (!orig)
        fuzz_fail("out of memory");
    memcpy(orig, entry, n);
    for (unsigned i = 0; i < nedits; i++) {
        const uint8_t *e = edits + 5 * i;
        size_t at = ((size_t)e[0] | (size_t)e[1] << 8 | (size_t)e[2] << 16 |
                     (size_t)e[3] << 24) % n;
        if (i == 0 && (ctl & 32)) {
            cut = at;
            break;
        }
        entry[at] ^= e[4];
    }
    /* edits may cancel out: what counts is whether the bytes differ */
    changed = memcmp(entry, orig, n) != 0;
    free(orig);
    if (ctl & 16)
        corral_cache_checksum(entry, n - CHECKSUM, entry + n - CHECKSUM);
    /* a copy of exactly the bytes given, so that ASan sees any read past them */
    uint8_t *copy = malloc(cut ? cut : 1);
    if (!copy)
        fuzz_fail("out of memory");
    memcpy(copy, entry, cut);
    err = corral_module_deserialize(eng, wasm, len, key, copy, cut, NULL, NULL, 0, &back);
    if ((err == NULL) != (back != NULL))
        fuzz_fail("deserialize: error \"%s\" and module %p", err ? err : "", (void *)back);
    if (cut < n && !err)
        fuzz_fail("an entry cut at %zu of %zu bytes loads", cut, n);
    if (cut == n && !changed && err)
        fuzz_fail("an entry as written does not load: %s", err);
    if (cut == n && changed && !(ctl & 16) && !err)
        fuzz_fail("a changed entry with a stale checksum loads");
    if (back) {
        if (!changed)
            disasm_equal(m, back);
        else
            disasm_equal(back, back);
        if (!changed)
            run_exports(back);
        corral_module_free(back);
    }
    free(copy);
    free(entry);
    corral_module_free(m);
    return 0;
}
