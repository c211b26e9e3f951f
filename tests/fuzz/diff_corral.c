/*
 * diff_corral.c - corral's half of the differential run against node
 * (tests/fuzz/diff.sh, diff.js): loads a module made by `wasm-opt -ttf`,
 * calls every exported function once in export order with zero arguments
 * (after binaryen's hangLimitInitializer, when the module has one), and
 * prints what happened in the format diff.js prints for node:
 *
 *   call NAME            before each call
 *   log-i32 V ...        each call of a fuzzing-support import
 *   result V...          the results, or
 *   trap KIND            a trap, by kind (unreachable, memory, table,
 *                        div0, int: integer overflow or invalid
 *                        conversion, stack, fuel, other)
 *
 * Values: i32 and i64 as signed decimals, f32 and f64 as f32:BITS /
 * f64:BITS in hex (nan for any NaN: JavaScript does not keep payloads),
 * references as null or ref.  A module that does not load prints
 * "invalid"; one that does not instantiate "instantiate trap KIND".
 *
 *   diff_corral MODULE.wasm SIGS-OUT
 *
 * SIGS-OUT gets a line "NAME<tab>PARAMS<tab>RESULTS" per exported function
 * (one letter per type: i I f F, r for a reference), from which diff.js
 * knows what arguments to pass and how to print the results.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corral.h"

#define FUEL 100000000u

static const char *kind(const char *trap)
{
    static const char *const map[][2] = {
        {"unreachable", "unreachable"},
        {"out of bounds memory", "memory"},
        {"out of bounds table", "table"},
        {"undefined element", "table"},
        {"uninitialized element", "table"},
        {"indirect call type mismatch", "table"},
        {"integer divide by zero", "div0"},
        {"integer overflow", "int"}, /* V8 cannot tell these two apart */
        {"invalid conversion to integer", "int"},
        {"call stack exhausted", "stack"},
        {"all fuel consumed", "fuel"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strncmp(trap, map[i][0], strlen(map[i][0])) == 0)
            return map[i][1];
    return "other";
}

static char letter(corral_valtype t)
{
    return t == CORRAL_I32 ? 'i' : t == CORRAL_I64 ? 'I' : t == CORRAL_F32 ? 'f'
           : t == CORRAL_F64 ? 'F' : 'r';
}

static void put_f32(uint32_t bits)
{
    float f;
    memcpy(&f, &bits, 4);
    if (isnan(f))
        printf(" f32:nan");
    else
        printf(" f32:%08" PRIx32, bits);
}

static void put_f64(uint64_t bits)
{
    double d;
    memcpy(&d, &bits, 8);
    if (isnan(d))
        printf(" f64:nan");
    else
        printf(" f64:%016" PRIx64, bits);
}

static const char *h_log(corral_caller *c, void *env, const uint64_t *args, uint64_t *results)
{
    (void)c;
    (void)results;
    const char *name = env;
    printf("%s", name);
    if (strcmp(name, "log-i32") == 0)
        printf(" %" PRId32, (int32_t)(uint32_t)args[0]);
    else if (strcmp(name, "log-i64") == 0)
        printf(" %" PRId64, (int64_t)args[0]);
    else if (strcmp(name, "log-f32") == 0)
        put_f32((uint32_t)args[0]);
    else
        put_f64(args[0]);
    printf("\n");
    return NULL;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0)
        if ((n += got) == cap) {
            char *p = realloc(buf, cap *= 2);
            if (!p)
                free(buf);
            buf = p;
        }
    fclose(f);
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: diff_corral MODULE.wasm SIGS-OUT\n");
        return 2;
    }
    size_t len = 0;
    char *bytes = slurp(argv[1], &len);
    if (!bytes) {
        fprintf(stderr, "diff_corral: cannot read %s\n", argv[1]);
        return 2;
    }
    FILE *sigs = fopen(argv[2], "w");
    if (!sigs) {
        fprintf(stderr, "diff_corral: cannot write %s\n", argv[2]);
        return 2;
    }
    corral_config cfg = {.consume_fuel = 1};
    corral_engine *e = corral_engine_new(&cfg);
    corral_module *m = NULL;
    const char *err = corral_module_new(e, (const uint8_t *)bytes, len, &m, NULL);
    if (err) {
        printf("invalid\n");
        fprintf(stderr, "diff_corral: %s\n", err);
        fclose(sigs);
        free(bytes);
        corral_engine_free(e);
        return 0;
    }
    corral_store *s = corral_store_new(e, NULL);
    corral_linker *l = corral_linker_new(s);
    static const char *const logs[][2] = {
        {"log-i32", "i:"}, {"log-i64", "I:"}, {"log-f32", "f:"}, {"log-f64", "F:"}};
    for (size_t i = 0; i < 4; i++)
        if ((err = corral_linker_define_func(l, "fuzzing-support", logs[i][0], logs[i][1], h_log,
                                             (void *)logs[i][0])) != NULL) {
            fprintf(stderr, "diff_corral: %s\n", err);
            return 2;
        }
    corral_instance *inst = NULL;
    if (corral_store_set_fuel(s, FUEL) != NULL)
        return 2;
    err = corral_instantiate(l, m, &inst);
    if (err) {
        if (strncmp(err, "unknown import", 14) == 0 || strncmp(err, "incompatible", 12) == 0)
            printf("link error\n");
        else
            printf("instantiate trap %s\n", kind(err));
        fprintf(stderr, "diff_corral: %s\n", err);
        fclose(sigs);
        corral_linker_free(l);
        corral_store_free(s);
        corral_module_free(m);
        corral_engine_free(e);
        free(bytes);
        return 0;
    }
    corral_func *hang = corral_instance_func(inst, "hangLimitInitializer");
    for (uint32_t i = 0, n = corral_module_export_count(m); i < n; i++) {
        const char *name;
        corral_extern_kind k;
        corral_module_export(m, i, &name, &k);
        corral_func *f = k == CORRAL_EXTERN_FUNC ? corral_instance_func(inst, name) : NULL;
        if (!f || f == hang)
            continue;
        uint32_t np = 0, nr = 0;
        corral_func_type(f, &np, NULL, &nr, NULL);
        corral_valtype *pt = calloc(np + 1, sizeof *pt), *rt = calloc(nr + 1, sizeof *rt);
        corral_val *args = calloc(np + 1, sizeof *args), *res = calloc(nr + 1, sizeof *res);
        corral_func_type(f, &np, pt, &nr, rt);
        fprintf(sigs, "%s\t", name);
        for (uint32_t j = 0; j < np; j++) {
            args[j].type = pt[j];
            fputc(letter(pt[j]), sigs);
        }
        fputc('\t', sigs);
        for (uint32_t j = 0; j < nr; j++)
            fputc(letter(rt[j]), sigs);
        fputc('\n', sigs);
        printf("call %s\n", name);
        if (hang && corral_store_set_fuel(s, FUEL) == NULL &&
            (err = corral_call(s, hang, NULL, 0, NULL, 0)) != NULL) {
            printf("trap %s\n", kind(err));
        } else if (corral_store_set_fuel(s, FUEL) == NULL &&
                   (err = corral_call(s, f, args, np, res, nr)) != NULL) {
            printf("trap %s\n", kind(err));
        } else {
            printf("result");
            for (uint32_t j = 0; j < nr; j++)
                switch (rt[j]) {
                case CORRAL_I32: printf(" %" PRId32, res[j].of.i32); break;
                case CORRAL_I64: printf(" %" PRId64, res[j].of.i64); break;
                case CORRAL_F32: put_f32(res[j].of.f32_bits); break;
                case CORRAL_F64: put_f64(res[j].of.f64_bits); break;
                default: printf(" %s", res[j].of.ref ? "ref" : "null"); break;
                }
            printf("\n");
        }
        free(pt);
        free(rt);
        free(args);
        free(res);
    }
    fclose(sigs);
    corral_linker_free(l);
    corral_store_free(s);
    corral_module_free(m);
    corral_engine_free(e);
    free(bytes);
    return 0;
}
