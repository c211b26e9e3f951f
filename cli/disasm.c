/*
 * disasm.c - `corral disasm MODULE.wasm [FUNC...]`: print the internal code
 * that the engine lowered each function to (see vm/code.h), for people
 * checking what the lowering does with their code.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int show(const corral_module *m, uint32_t func)
{
    size_t need = corral_module_disasm(m, func, NULL, 0) + 1;
    char *text = malloc(need);
    if (text == NULL) {
        fprintf(stderr, "corral disasm: out of memory\n");
        return CLI_EXIT_FAIL;
    }
    corral_module_disasm(m, func, text, need);
    const char *name = corral_module_func_name(m, func);
    if (name != NULL)
        printf("; %s\n", name);
    fputs(text, stdout);
    free(text);
    return CLI_EXIT_OK;
}

int cli_disasm(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        fputs("usage: corral disasm MODULE.wasm [FUNC...]\n"
              "Print the lowered internal code of the module's functions (all\n"
              "defined functions, or the given function indices).\n",
              argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
    }
    size_t len;
    uint8_t *bytes = corral_read_file(argv[1], &len, NULL);
    if (bytes == NULL) {
        fprintf(stderr, "Error: cannot read %s: %s\n", argv[1], strerror(errno));
        return CLI_EXIT_FAIL;
    }
    corral_engine *e = corral_engine_new(NULL);
    corral_module *m = NULL;
    corral_diag diag;
    const char *err = e ? corral_module_new(e, bytes, len, &m, &diag) : "out of memory";
    free(bytes);
    if (err != NULL) {
        fprintf(stderr, "Error: failed to load %s: %s (at byte offset 0x%llx)\n", argv[1], err,
                (unsigned long long)diag.offset);
        corral_engine_free(e);
        return CLI_EXIT_FAIL;
    }
    int rc = CLI_EXIT_OK;
    uint32_t nimports = 0;
    for (uint32_t i = 0; i < corral_module_import_count(m); i++) {
        const char *mod, *name;
        corral_extern_kind kind;
        corral_module_import(m, i, &mod, &name, &kind);
        nimports += kind == CORRAL_EXTERN_FUNC;
    }
    if (argc > 2) {
        for (int i = 2; i < argc && rc == CLI_EXIT_OK; i++) {
            uint64_t f;
            if (!cli_parse_u64(argv[i], &f) || f > UINT32_MAX) {
                fprintf(stderr, "corral disasm: invalid function index '%s'\n", argv[i]);
                rc = CLI_EXIT_USAGE;
            } else {
                rc = show(m, (uint32_t)f);
            }
        }
    } else {
        for (uint32_t f = nimports; f < corral_module_func_count(m) && rc == CLI_EXIT_OK; f++)
            rc = show(m, f);
    }
    corral_module_free(m);
    corral_engine_free(e);
    return rc;
}
