/*
 * test_fuzz_load.c - a deterministic mutation fuzzer for decode, validate,
 * lower and instantiate.
 *
 * Corpus: every *.wasm under $SPEC_BUILD_DIR (default build/spec, where
 * spec-tests/run.sh leaves the suite's modules; skipped with a message when
 * absent), plus a few modules built here, so the test does something even
 * without the spec build.  Each input is loaded as is, then in
 * $FUZZ_MUTATIONS (default 20) mutated copies: bit flips, bytes overwritten
 * with 0x00/0xff/0x80/..., truncation, inserted bytes, duplicated and
 * deleted spans, planted huge LEB128 counts.  Whatever loads is
 * instantiated (the linker offers only spectest's print functions) with a
 * fuel budget, so start functions cannot spin, and its exported functions
 * are called with zero arguments, also under fuel.
 *
 * The built-in seeds include a SIMD module (v128 values, lane immediates,
 * shuffle masks, lane loads and stores); a second test loads SIMD code
 * made malformed or invalid in one place (a lane index out of range, a
 * shuffle index of 32, a v128.const cut short, unknown 0xfd sub-opcodes)
 * and checks the message, next to the valid original that must load.
 *
 * Passing means no crash and no hang; errors are expected.  Run the
 * SANITIZE=1 build to turn memory errors into crashes.  On a crash or a
 * hang the input is written to $FUZZ_CRASH_DIR/fuzz-crash.wasm (default
 * build/) and its origin printed; replay it with FUZZ_REPLAY=FILE.
 * UBSan's fatal reports bypass that hook: rerun with FUZZ_SAVE_EACH=1,
 * which writes every input (and its origin, to fuzz-crash.txt) before
 * trying it, so the file left behind is the culprit.
 *
 * The third test does the same for the module cache's loader: each spec
 * module that loads, serialised (corral_module_serialize), must load back
 * and run; cut at every length or with a byte flipped, it must be
 * refused; with a payload byte changed and its checksum made right,
 * whatever still loads is run like a loaded module.
 *
 * Environment: SPEC_BUILD_DIR, FUZZ_MUTATIONS, FUZZ_BUILTIN (mutations of
 * each built-in seed, default 5000), FUZZ_SEED, FUZZ_CALLS=0 (do not call
 * exports), FUZZ_CRASH_DIR, FUZZ_REPLAY, FUZZ_SAVE_EACH.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "test_wasm.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUZZ_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define FUZZ_ASAN 1
#endif
#ifdef FUZZ_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

#define FUEL_PER_RUN 1000000u /* start function, then each export call */
#define MAX_CALLS 64          /* exports called per instance */
#define HANG_SECONDS 60       /* one input may not take longer */

/* ---- settings -------------------------------------------------------------- */

static unsigned long env_ulong(const char *name, unsigned long dflt)
{
    const char *s = getenv(name);
    if (!s || !*s)
        return dflt;
    char *end;
    unsigned long v = strtoul(s, &end, 0);
    return *end ? dflt : v;
}

/* ---- crash reporting ------------------------------------------------------------ */

/* The input being tried, for the crash handler: plain globals written
 * before each attempt; the handler only reads them. */
static const uint8_t *cur_bytes;
static size_t cur_len;
static char cur_what[600];
static char crash_path[512];
static char origin_path[512];
static int save_each;

static void save_bytes(void)
{
    int fd = open(crash_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        size_t off = 0;
        while (cur_bytes && off < cur_len) {
            ssize_t n = write(fd, cur_bytes + off, cur_len - off);
            if (n <= 0)
                break;
            off += (size_t)n;
        }
        close(fd);
    }
}

static void save_current(const char *why)
{
    save_bytes();
    const char *parts[] = {"\ntest_fuzz_load: ", why, " on ", cur_what, "; input saved to ",
                           crash_path, "\n"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        ssize_t r = write(2, parts[i], strlen(parts[i]));
        (void)r;
    }
}

static void on_signal(int sig)
{
    save_current(sig == SIGALRM ? "hang" : "crash");
    signal(sig, SIG_DFL);
    if (sig == SIGALRM)
        _exit(124);
    raise(sig);
}

#ifdef FUZZ_ASAN
static void on_asan_death(void) { save_current("sanitizer error"); }
#endif

static void install_handlers(void)
{
    const char *dir = getenv("FUZZ_CRASH_DIR");
    snprintf(crash_path, sizeof crash_path, "%s/fuzz-crash.wasm", dir && *dir ? dir : "build");
    snprintf(origin_path, sizeof origin_path, "%s/fuzz-crash.txt", dir && *dir ? dir : "build");
    save_each = env_ulong("FUZZ_SAVE_EACH", 0) != 0;
    int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGALRM};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        signal(sigs[i], on_signal);
#ifdef FUZZ_ASAN
    __sanitizer_set_death_callback(on_asan_death);
#endif
}

/* ---- the target ------------------------------------------------------------------ */

typedef struct {
    corral_engine *engine;
    int call_exports;
    unsigned long loaded, instantiated, calls, tried;
} fuzz;

static const char *h_print(corral_caller *c, void *env, const uint64_t *args, uint64_t *results)
{
    (void)c;
    (void)env;
    (void)args;
    (void)results;
    return NULL;
}

static void link_spectest(corral_linker *l)
{
    static const char *const fns[][2] = {
        {"print", ":"},         {"print_i32", "i:"},    {"print_i64", "I:"},
        {"print_f32", "f:"},    {"print_f64", "F:"},    {"print_i32_f32", "if:"},
        {"print_f64_f64", "FF:"},
    };
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        const char *err = corral_linker_define_func(l, "spectest", fns[i][0], fns[i][1], h_print,
                                                    NULL);
        if (err)
            fail_msg("defining spectest.%s: %s", fns[i][0], err);
    }
}

static void exercise(fuzz *fz, const corral_module *m, const char *what);

/* Load, instantiate and exercise one input; errors are fine. */
static void try_input(fuzz *fz, const uint8_t *bytes, size_t len, const char *what)
{
    cur_bytes = bytes;
    cur_len = len;
    snprintf(cur_what, sizeof cur_what, "%s", what);
    if (save_each) {
        save_bytes();
        FILE *f = fopen(origin_path, "w");
        if (f) {
            fprintf(f, "%s\n", what);
            fclose(f);
        }
    }
    alarm(HANG_SECONDS);
    fz->tried++;

    corral_module *m = NULL;
    corral_diag diag;
    const char *err = corral_module_new(fz->engine, bytes, len, &m, &diag);
    if (err) {
        if (m)
            fail_msg("%s: error \"%s\" but a module was returned", what, err);
        alarm(0);
        return;
    }
    fz->loaded++;
    exercise(fz, m, what);
    corral_module_free(m);
    alarm(0);
}

/* Instantiate a loaded module and call its exports, under fuel. */
static void exercise(fuzz *fz, const corral_module *m, const char *what)
{
    const char *err;
    /* exercise the introspection calls too */
    for (uint32_t i = 0, n = corral_module_import_count(m); i < n; i++) {
        const char *mn, *nm;
        corral_extern_kind k;
        corral_module_import(m, i, &mn, &nm, &k);
        if (!mn || !nm)
            fail_msg("%s: import %u has no name", what, i);
    }

    corral_limits lim;
    corral_limits_default(&lim);
    lim.max_memory_bytes = 16u << 20;
    lim.max_table_elems = 100000;
    corral_store *s = corral_store_new(fz->engine, &lim);
    if (!s)
        fail_msg("corral_store_new failed");
    tw_assert_ok(corral_store_set_fuel(s, FUEL_PER_RUN));
    corral_linker *l = corral_linker_new(s);
    link_spectest(l);
    corral_instance *inst = NULL;
    err = corral_instantiate(l, m, &inst);
    if (!err) {
        fz->instantiated++;
        uint32_t nexp = corral_module_export_count(m), ncalls = 0;
        for (uint32_t i = 0; fz->call_exports && i < nexp && ncalls < MAX_CALLS; i++) {
            const char *name;
            corral_extern_kind kind;
            corral_module_export(m, i, &name, &kind);
            if (kind != CORRAL_EXTERN_FUNC)
                continue;
            corral_func *f = corral_instance_func(inst, name);
            if (!f)
                fail_msg("%s: export %s is a function but not found", what, name);
            uint32_t np = 0, nr = 0;
            corral_func_type(f, &np, NULL, &nr, NULL);
            if (np > 64 || nr > 64)
                continue;
            corral_valtype pt[64], rt[64];
            corral_func_type(f, &np, pt, &nr, rt);
            corral_val args[64], res[64];
            memset(args, 0, sizeof args);
            for (uint32_t j = 0; j < np; j++)
                args[j].type = pt[j];
            tw_assert_ok(corral_store_set_fuel(s, FUEL_PER_RUN));
            err = corral_call(s, f, args, np, res, nr);
            (void)err;
            ncalls++;
            fz->calls++;
        }
    } else if (inst) {
        fail_msg("%s: instantiation error \"%s\" but an instance was returned", what, err);
    }
    corral_linker_free(l);
    corral_store_free(s);
}

/* ---- mutations ----------------------------------------------------------------------- */

static uint64_t rng_next(uint64_t *st)
{
    /* splitmix64 */
    uint64_t z = (*st += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static size_t rng_below(uint64_t *st, size_t n) { return n ? (size_t)(rng_next(st) % n) : 0; }

static uint64_t hash_str(const char *s)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * UINT64_C(0x100000001b3);
    return h;
}

/* A position in [0, len], mostly past the 8-byte header. */
static size_t pick_pos(uint64_t *st, size_t len)
{
    if (len > 8 && rng_below(st, 10) != 0)
        return 8 + rng_below(st, len - 8 + 1);
    return rng_below(st, len + 1);
}

static void insert(tw_buf *b, size_t pos, const uint8_t *src, size_t n)
{
    tw_buf out = {0};
    tw_put(&out, b->p, pos);
    tw_put(&out, src, n);
    tw_put(&out, b->p + pos, b->n - pos);
    tw_buf_free(b);
    *b = out;
}

static void mutate(tw_buf *b, uint64_t *st)
{
    static const uint8_t special[] = {0x00, 0xff, 0x80, 0x7f, 0x40, 0x01, 0x0b, 0x41, 0x10, 0x60};
    /* mostly one edit, so that many mutants still validate and reach
     * instantiation and execution */
    int ops = rng_below(st, 2) ? 1 : 2 + (int)rng_below(st, 3);
    for (int k = 0; k < ops; k++) {
        size_t len = b->n;
        switch (rng_below(st, 9)) {
        case 0: /* bit flip */
            if (len) {
                size_t p = pick_pos(st, len) % len;
                b->p[p] ^= (uint8_t)(1u << rng_below(st, 8));
            }
            break;
        case 1: /* special byte */
        case 2:
            if (len)
                b->p[pick_pos(st, len) % len] = special[rng_below(st, sizeof special)];
            break;
        case 3: /* random byte */
            if (len)
                b->p[pick_pos(st, len) % len] = (uint8_t)rng_next(st);
            break;
        case 4: /* truncate */
            b->n = pick_pos(st, len);
            break;
        case 5: { /* insert 1..8 bytes */
            uint8_t ins[8];
            size_t n = 1 + rng_below(st, 8);
            for (size_t i = 0; i < n; i++)
                ins[i] = rng_below(st, 2) ? special[rng_below(st, sizeof special)]
                                          : (uint8_t)rng_next(st);
            insert(b, pick_pos(st, len), ins, n);
            break;
        }
        case 6: { /* duplicate a span somewhere */
            if (!len)
                break;
            size_t a = rng_below(st, len), n = 1 + rng_below(st, len - a < 64 ? len - a : 64);
            uint8_t span[64];
            memcpy(span, b->p + a, n);
            insert(b, pick_pos(st, len), span, n);
            break;
        }
        case 7: { /* delete a span */
            if (!len)
                break;
            size_t a = pick_pos(st, len) % len, n = 1 + rng_below(st, 16);
            if (n > len - a)
                n = len - a;
            memmove(b->p + a, b->p + a + n, len - a - n);
            b->n -= n;
            break;
        }
        case 8: { /* plant a huge LEB128 (a count or size of 2^32 - 1) */
            static const uint8_t huge[] = {0xff, 0xff, 0xff, 0xff, 0x0f};
            if (len < 5)
                break;
            size_t p = pick_pos(st, len - 5) % (len - 4);
            memcpy(b->p + p, huge, 5);
            break;
        }
        }
    }
}

static void fuzz_bytes(fuzz *fz, const uint8_t *bytes, size_t len, const char *name,
                       unsigned long mutations, uint64_t seed)
{
    try_input(fz, bytes, len, name);
    uint64_t st = seed ^ hash_str(name);
    for (unsigned long k = 0; k < mutations; k++) {
        tw_buf b = {0};
        tw_put(&b, bytes, len);
        mutate(&b, &st);
        char what[600];
        snprintf(what, sizeof what, "%s mutation %lu", name, k);
        try_input(fz, b.p, b.n, what);
        tw_buf_free(&b);
    }
}

/* ---- corpus ---------------------------------------------------------------------------- */

typedef struct {
    char **paths;
    size_t n, cap;
} pathlist;

static void collect(pathlist *pl, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        size_t n = strlen(dir) + strlen(e->d_name) + 2;
        char *p = malloc(n);
        snprintf(p, n, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
            collect(pl, p);
            free(p);
        } else if (n > 6 && strcmp(p + strlen(p) - 5, ".wasm") == 0 && S_ISREG(st.st_mode)) {
            if (pl->n == pl->cap) {
                pl->cap = pl->cap ? pl->cap * 2 : 256;
                pl->paths = realloc(pl->paths, pl->cap * sizeof *pl->paths);
            }
            pl->paths[pl->n++] = p;
        } else {
            free(p);
        }
    }
    closedir(d);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static fuzz fz;

static int setup(void **state)
{
    (void)state;
    corral_config cfg = {.consume_fuel = 1};
    fz.engine = corral_engine_new(&cfg);
    fz.call_exports = env_ulong("FUZZ_CALLS", 1) != 0;
    install_handlers();
    return fz.engine ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    corral_engine_free(fz.engine);
    return 0;
}

static void report(const char *what, fuzz *f, double secs)
{
    print_message("  %s: %lu inputs, %lu loaded, %lu instantiated, %lu calls, %.1f s\n", what,
                  f->tried, f->loaded, f->instantiated, f->calls, secs);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Seeds built here: one of each kind of section and a mix of control flow. */
static void test_builtin_seeds(void **state)
{
    (void)state;
    const char *replay = getenv("FUZZ_REPLAY");
    if (replay && *replay) {
        tw_buf b = {0};
        if (!tw_read_file(replay, &b))
            fail_msg("cannot read %s", replay);
        try_input(&fz, b.p, b.n, replay);
        tw_buf_free(&b);
        print_message("  replayed %s without a crash\n", replay);
        return;
    }
    unsigned long muts = env_ulong("FUZZ_BUILTIN", 5000);
    uint64_t seed = env_ulong("FUZZ_SEED", 0x636f7272);
    fz.tried = fz.loaded = fz.instantiated = fz.calls = 0;
    double t0 = now_s();

    tw_mod m = {0};
    tw_import_func(&m, "spectest", "print_i32", "i:");
    tw_memory(&m, 1, 4);
    tw_table(&m, 4, 8);
    tw_global(&m, 'i', 1, "41 00");
    tw_global(&m, 'I', 0, "42 ff 00");
    uint32_t leaf = tw_func(&m, "i:i", "", "20 00 | 41 01 | 6a");
    uint32_t loop = tw_func(&m, "i:i", "iI",
                            "03 40 | 20 01 | 41 01 | 6a | 22 01 | 20 00 | 48 | 0d 00 | 0b | "
                            "20 01 | 10 00 | 20 01");
    /* store, grow, fill, load: returns the loaded value + memory.size */
    uint32_t mem = tw_func(&m, "ii:i", "",
                           "20 00 | 20 01 | 36 02 00 | 41 01 | 40 00 | 1a | 20 00 | 41 00 | "
                           "41 08 | fc 0b 00 | 20 00 | 28 02 00 | 3f 00 | 6a");
    /* br_table into nested blocks, if/else, call_indirect of leaf (type 1,
     * "i:i"), a global update */
    uint32_t ctl = tw_func(&m, "i:i", "",
                           "02 7f | 02 40 | 02 40 | 20 00 | 0e 02 00 01 01 | 0b | 41 0a | 0c 01 | "
                           "0b | 20 00 | 04 7f | 41 01 | 05 | 41 02 | 0b | 0b | 41 00 | 11 01 00 | "
                           "23 00 | 6a | 24 00 | 23 00");
    uint32_t fns[4] = {leaf, loop, mem, ctl};
    tw_elem(&m, 0, fns, 4);
    tw_export(&m, "leaf", CORRAL_EXTERN_FUNC, leaf);
    tw_export(&m, "loop", CORRAL_EXTERN_FUNC, loop);
    tw_export(&m, "mem", CORRAL_EXTERN_FUNC, mem);
    tw_export(&m, "ctl", CORRAL_EXTERN_FUNC, ctl);
    tw_export(&m, "memory", CORRAL_EXTERN_MEMORY, 0);
    tw_data(&m, 0, "seed data", 9);
    tw_start(&m, tw_func(&m, ":", "", "41 05 | 10 02 | 1a"));
    size_t len;
    uint8_t *seed1 = tw_finish(&m, &len);
    tw_dump("fuzz_seed1", seed1, len);
    fuzz_bytes(&fz, seed1, len, "builtin seed 1", muts, seed);
    free(seed1);

    /* many small functions: index and count fields everywhere */
    for (int i = 0; i < 20; i++) {
        char body[64], name[16];
        snprintf(body, sizeof body, "20 00 | 41 %02x | 6c | 20 01 | 6a", i);
        snprintf(name, sizeof name, "f%d", i);
        tw_export(&m, name, CORRAL_EXTERN_FUNC, tw_func(&m, "i:i", "i", body));
    }
    uint8_t *seed2 = tw_finish(&m, &len);
    tw_dump("fuzz_seed2", seed2, len);
    fuzz_bytes(&fz, seed2, len, "builtin seed 2", muts / 4, seed);
    free(seed2);

    /* SIMD: v128 params, locals and a global; shuffle, swizzle, lane
     * immediates, memargs of lane loads and stores (the body is that of
     * wat2wasm, checked with wasm-objdump) */
    tw_memory(&m, 1, 1);
    tw_global(&m, 'v', 1, "fd 0c 01000000 02000000 03000000 04000000");
    uint32_t vf = tw_func(
        &m, "vi:v", "v",
        "20 00 | fd 0c 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f | "
        "fd 0d 00 11 02 13 04 15 06 17 08 19 0a 1b 0c 1d 0e 1f | "
        "fd 0c 0f 0e 0d 0c 0b 0a 09 08 07 06 05 04 03 02 01 10 | fd 0e | 23 00 | fd 6f | "
        "20 01 | fd 8b 01 | 20 01 | fd 1c 02 | 21 02 | 41 00 | 20 02 | fd 0b 02 10 | "
        "41 05 | 41 00 | fd 00 04 10 | fd 54 00 00 03 | 21 02 | 20 02 | 43 00 00 c0 7f | "
        "fd 13 | fd e8 01 | 21 02 | 23 00 | 20 02 | fd 82 01 | 24 00 | 41 f8 ff 03 | 23 00 | "
        "fd 5b 03 00 01 | 23 00 | 20 01 | fd 5c 02 00 | fd ba 01 | 20 02 | 23 00 | fd 64 | "
        "ad | fd 12 | fd 52");
    tw_export(&m, "simd", CORRAL_EXTERN_FUNC, vf);
    tw_export(&m, "lane", CORRAL_EXTERN_FUNC,
              tw_func(&m, "v:i", "", "20 00 | fd 15 0f | 20 00 | fd 53 | 6a"));
    uint8_t *seed3 = tw_finish(&m, &len);
    tw_dump("fuzz_seed3", seed3, len);
    fuzz_bytes(&fz, seed3, len, "builtin seed 3 (simd)", muts / 4, seed);
    free(seed3);

    report("builtin seeds", &fz, now_s() - t0);
    assert_true(fz.loaded > 0);
}

/* A module of one function of type sig with the given body, and one page
 * of memory; loaded, it must give the error want (NULL: load). */
static void simd_case(const char *what, const char *sig, const char *body, const char *want)
{
    tw_mod m = {0};
    tw_memory(&m, 1, 1);
    tw_export(&m, "f", CORRAL_EXTERN_FUNC, tw_func(&m, sig, "", body));
    size_t len;
    uint8_t *bytes = tw_finish(&m, &len);
    tw_dump(what, bytes, len);
    corral_module *mod = NULL;
    const char *err = corral_module_new(fz.engine, bytes, len, &mod, NULL);
    free(bytes);
    if (!want) {
        if (err)
            fail_msg("%s: does not load: %s", what, err);
        corral_module_free(mod);
        return;
    }
    if (mod)
        fail_msg("%s: loaded, expected \"%s\"", what, want);
    if (!err || strncmp(err, want, strlen(want)) != 0)
        fail_msg("%s: error \"%s\", expected \"%s\"", what, err ? err : "(none)", want);
}

#define SHUF_ID "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f"

/* Malformed and invalid SIMD code, each one change from a valid body:
 * a clear error, no module, no crash.  The messages are the spec's
 * (assert_invalid "invalid lane index", assert_malformed "unexpected
 * end"), and "illegal opcode" as for any unknown opcode. */
static void test_simd_malformed(void **state)
{
    (void)state;
    if (getenv("FUZZ_REPLAY"))
        skip();
    static const struct {
        const char *what, *sig, *body, *want;
    } cases[] = {
        {"simd_extract_ok", "v:i", "20 00 | fd 15 0f", NULL},
        {"simd_extract_lane_16", "v:i", "20 00 | fd 15 10", "invalid lane index"},
        {"simd_extract_lane_255", "v:i", "20 00 | fd 16 ff", "invalid lane index"},
        {"simd_i16_extract_lane_8", "v:i", "20 00 | fd 18 08", "invalid lane index"},
        {"simd_replace_ok", "v:v", "20 00 | 41 01 | fd 1c 03", NULL},
        {"simd_replace_lane_4", "v:v", "20 00 | 41 01 | fd 1c 04", "invalid lane index"},
        {"simd_i64_replace_lane_2", "v:v", "20 00 | 42 01 | fd 1e 02", "invalid lane index"},
        {"simd_load_lane_ok", "v:v", "41 00 | 20 00 | fd 54 00 00 0f", NULL},
        {"simd_load8_lane_16", "v:v", "41 00 | 20 00 | fd 54 00 00 10", "invalid lane index"},
        {"simd_store64_lane_2", "v:", "41 00 | 20 00 | fd 5b 03 00 02", "invalid lane index"},
        {"simd_shuffle_ok", "v:v", "20 00 | 20 00 | fd 0d " SHUF_ID, NULL},
        {"simd_shuffle_ok_31", "v:v",
         "20 00 | 20 00 | fd 0d 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 1f", NULL},
        {"simd_shuffle_32", "v:v",
         "20 00 | 20 00 | fd 0d 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 20",
         "invalid lane index"},
        {"simd_shuffle_255", "v:v",
         "20 00 | 20 00 | fd 0d ff 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f",
         "invalid lane index"},
        /* the function ends inside the 16 bytes (its final 0x0b read as
         * one of them) */
        {"simd_const_ok", ":v", "fd 0c " SHUF_ID, NULL},
        {"simd_const_truncated", ":v", "fd 0c 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d",
         "unexpected end"},
        {"simd_shuffle_truncated", "v:v", "20 00 | 20 00 | fd 0d 00 01 02 03",
         "unexpected end"},
        /* sub-opcodes that are not SIMD instructions (0x9a, 0xa2 and 0xa5
         * are gaps in the table, 0x100 up is relaxed SIMD, not 2.0), and
         * an over-long one */
        {"simd_unknown_9a", "v:v", "20 00 | 20 00 | fd 9a 01", "illegal opcode"},
        {"simd_unknown_a2", "v:v", "20 00 | fd a2 01", "illegal opcode"},
        {"simd_unknown_a5", "v:v", "20 00 | 20 00 | fd a5 01", "illegal opcode"},
        {"simd_unknown_100", "v:v", "20 00 | fd 80 02", "illegal opcode"},
        {"simd_unknown_huge", "v:v", "20 00 | fd ff ff ff ff 0f", "illegal opcode"},
        /* typing: i8x16.add of one operand, a v128 where an i32 goes */
        {"simd_add_one_operand", "v:v", "20 00 | fd 6e", "type mismatch"},
        {"simd_v128_as_i32", "v:i", "20 00", "type mismatch"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        simd_case(cases[i].what, cases[i].sig, cases[i].body, cases[i].want);
}

/* The spec modules (SPEC_BUILD_DIR, else build/spec), sorted, and their
 * directory; NULL (after a message) when there are none, and the test is
 * to be skipped. */
static const char *corpus(pathlist *pl)
{
    const char *dir = getenv("SPEC_BUILD_DIR");
    if (!dir || !*dir)
        dir = "build/spec";
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        print_message("  %s not found (run the spec suite first); skipping the corpus\n", dir);
        return NULL;
    }
    collect(pl, dir);
    if (pl->n == 0) {
        print_message("  no .wasm files under %s; skipping the corpus\n", dir);
        free(pl->paths);
        return NULL;
    }
    qsort(pl->paths, pl->n, sizeof *pl->paths, cmp_str);
    return dir;
}

static void test_spec_corpus(void **state)
{
    (void)state;
    if (getenv("FUZZ_REPLAY"))
        skip();
    pathlist pl = {0};
    const char *dir = corpus(&pl);
    if (dir == NULL)
        skip();
    unsigned long muts = env_ulong("FUZZ_MUTATIONS", 20);
    uint64_t seed = env_ulong("FUZZ_SEED", 0x636f7272);
    fz.tried = fz.loaded = fz.instantiated = fz.calls = 0;
    double t0 = now_s();
    unsigned long originals_loaded = 0;
    for (size_t i = 0; i < pl.n; i++) {
        tw_buf b = {0};
        if (tw_read_file(pl.paths[i], &b)) {
            unsigned long before = fz.loaded;
            /* name relative to the corpus, so seeds do not depend on the path */
            const char *rel = pl.paths[i] + strlen(dir) + 1;
            try_input(&fz, b.p, b.n, pl.paths[i]);
            originals_loaded += fz.loaded > before;
            uint64_t st = seed ^ hash_str(rel);
            for (unsigned long k = 0; k < muts; k++) {
                tw_buf c = {0};
                tw_put(&c, b.p, b.n);
                mutate(&c, &st);
                char what[600];
                snprintf(what, sizeof what, "%s mutation %lu", pl.paths[i], k);
                try_input(&fz, c.p, c.n, what);
                tw_buf_free(&c);
            }
        }
        tw_buf_free(&b);
        free(pl.paths[i]);
    }
    free(pl.paths);
    print_message("  %zu files, %lu of them load unmutated\n", pl.n, originals_loaded);
    report("spec corpus", &fz, now_s() - t0);
    /* a sanity check that the corpus is real: about a third of the suite's
     * modules are valid (the rest are assert_invalid/malformed cases) */
    if (originals_loaded * 10 < pl.n)
        fail_msg("only %lu of %zu spec modules load", originals_loaded, pl.n);
}

/* ---- cache entries (vm/cache.c) ------------------------------------------------ */

/* One entry for the loader: refused, or (only when want_ok or after a
 * payload edit) loaded and exercised. */
static void try_entry(fuzz *fz, const uint8_t *wasm, size_t len, const uint8_t key[32],
                      const uint8_t *entry, size_t n, int must_load, int may_load,
                      const char *what)
{
    cur_bytes = entry;
    cur_len = n;
    snprintf(cur_what, sizeof cur_what, "%s", what);
    alarm(HANG_SECONDS);
    fz->tried++;
    corral_module *m = NULL;
    const char *err =
        corral_module_deserialize(fz->engine, wasm, len, key, entry, n, NULL, NULL, 0, &m);
    if (err == NULL) {
        if (!must_load && !may_load)
            fail_msg("%s: a corrupt entry loaded", what);
        fz->loaded++;
        /* only a genuine entry runs: one edited with its checksum made
         * right is forged code, which the trust rule keeps out */
        if (must_load)
            exercise(fz, m, what);
        corral_module_free(m);
    } else if (must_load) {
        fail_msg("%s: the entry does not load: %s", what, err);
    } else if (m != NULL) {
        fail_msg("%s: error \"%s\" but a module was returned", what, err);
    }
    alarm(0);
}

/* Every spec module that loads, as a cache entry: it loads back and runs;
 * truncated (every length of an entry up to 2 KiB, else 64 lengths) or
 * with a byte flipped it is refused; with payload bytes changed and the
 * checksum made right it is refused or loads, the loader never going out
 * of bounds (run under SANITIZE=1). */
static void test_cache_corpus(void **state)
{
    (void)state;
    if (getenv("FUZZ_REPLAY"))
        skip();
    pathlist pl = {0};
    const char *dir = corpus(&pl);
    if (dir == NULL)
        skip();
    unsigned long muts = env_ulong("FUZZ_MUTATIONS", 20);
    uint64_t seed = env_ulong("FUZZ_SEED", 0x636f7272);
    fz.tried = fz.loaded = fz.instantiated = fz.calls = 0;
    double t0 = now_s();
    unsigned long entries = 0;
    for (size_t i = 0; i < pl.n; i++) {
        tw_buf b = {0};
        corral_module *m = NULL;
        uint8_t *entry = NULL;
        size_t n = 0;
        uint8_t key[32];
        if (tw_read_file(pl.paths[i], &b) &&
            corral_module_new(fz.engine, b.p, b.n, &m, NULL) == NULL) {
            corral_module_cache_key(fz.engine, b.p, b.n, key);
            if (corral_module_serialize(m, key, &entry, &n) != NULL)
                fail_msg("%s: cannot serialise", pl.paths[i]);
            corral_module_free(m);
            entries++;
            char what[700];
            snprintf(what, sizeof what, "%s as an entry", pl.paths[i]);
            try_entry(&fz, b.p, b.n, key, entry, n, 1, 0, what);
            uint64_t st = seed ^ hash_str(pl.paths[i] + strlen(dir) + 1);
            uint8_t *c = malloc(n);
            size_t cuts = n <= 2048 ? n : 64;
            for (size_t k = 0; k < cuts; k++) {
                size_t at = n <= 2048 ? k : rng_below(&st, n);
                snprintf(what, sizeof what, "%s entry cut at %zu", pl.paths[i], at);
                memcpy(c, entry, at);
                try_entry(&fz, b.p, b.n, key, c, at, 0, 0, what);
            }
            for (unsigned long k = 0; k < muts; k++) {
                size_t at = rng_below(&st, n);
                memcpy(c, entry, n);
                c[at] ^= (uint8_t)(1u + rng_below(&st, 255));
                snprintf(what, sizeof what, "%s entry byte %zu flipped", pl.paths[i], at);
                try_entry(&fz, b.p, b.n, key, c, n, 0, 0, what);
                /* the same inside the payload, the checksum made right */
                if (n > 56 + 32) {
                    memcpy(c, entry, n);
                    at = 56 + rng_below(&st, n - 56 - 32);
                    c[at] ^= (uint8_t)(1u + rng_below(&st, 255));
                    corral_cache_checksum(c, n - 32, c + n - 32);
                    snprintf(what, sizeof what, "%s payload byte %zu changed", pl.paths[i], at);
                    try_entry(&fz, b.p, b.n, key, c, n, 0, 1, what);
                }
            }
            free(c);
            free(entry);
        }
        tw_buf_free(&b);
        free(pl.paths[i]);
    }
    free(pl.paths);
    print_message("  %lu entries\n", entries);
    report("cache corpus", &fz, now_s() - t0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin_seeds),
        cmocka_unit_test(test_simd_malformed),
        cmocka_unit_test(test_spec_corpus),
        cmocka_unit_test(test_cache_corpus),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
