/*
 * fuzz_load.c - target (a): decode, validate and lower (corral_module_new).
 *
 * Input: module bytes.  Invariants: an error comes with no module; the
 * engine with fuel accounting and the one without accept exactly the same
 * modules, with the same message; every accessor and the disassembler work
 * on whatever loads (names present, disasm lengths consistent).
 */
#include "fuzz.h"

static corral_engine *plain, *fuel;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!plain) {
        corral_config cfg = {.consume_fuel = 1};
        plain = corral_engine_new(NULL);
        fuel = corral_engine_new(&cfg);
        if (!plain || !fuel)
            fuzz_fail("corral_engine_new failed");
    }
    corral_module *m = NULL, *mf = NULL;
    corral_diag d = {0, -1}, df = {0, -1};
    const char *err = corral_module_new(plain, data, size, &m, &d);
    const char *errf = corral_module_new(fuel, data, size, &mf, &df);
    if ((err == NULL) != (m != NULL) || (errf == NULL) != (mf != NULL))
        fuzz_fail("an error and a module, or neither: \"%s\" / \"%s\"", err ? err : "",
                  errf ? errf : "");
    if ((err == NULL) != (errf == NULL) || (err && strcmp(err, errf) != 0))
        fuzz_fail("fuel changes the verdict: \"%s\" without, \"%s\" with",
                  err ? err : "ok", errf ? errf : "ok");
    if (err) {
        if (d.offset > size)
            fuzz_fail("error \"%s\" at offset %llu past the end (%zu)", err,
                      (unsigned long long)d.offset, size);
        return 0;
    }
    for (uint32_t i = 0, n = corral_module_import_count(m); i < n; i++) {
        const char *mn = NULL, *nm = NULL;
        corral_extern_kind k;
        corral_module_import(m, i, &mn, &nm, &k);
        if (!mn || !nm || k > CORRAL_EXTERN_GLOBAL)
            fuzz_fail("import %u: no name or a bad kind", i);
    }
    for (uint32_t i = 0, n = corral_module_export_count(m); i < n; i++) {
        const char *nm = NULL;
        corral_extern_kind k;
        corral_module_export(m, i, &nm, &k);
        if (!nm || k > CORRAL_EXTERN_GLOBAL)
            fuzz_fail("export %u: no name or a bad kind", i);
    }
    char buf[256];
    for (uint32_t f = 0, n = corral_module_func_count(m); f < n && f < 64; f++) {
        (void)corral_module_func_name(m, f);
        size_t need = corral_module_disasm(m, f, buf, sizeof buf);
        if (need < sizeof buf && strlen(buf) != need)
            fuzz_fail("disasm of func %u: returned %zu, wrote %zu", f, need, strlen(buf));
        (void)corral_module_disasm(mf, f, buf, sizeof buf);
    }
    corral_module_free(m);
    corral_module_free(mf);
    return 0;
}
