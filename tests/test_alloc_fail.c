/*
 * test_alloc_fail.c - allocation-failure injection.  This program is
 * linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc (Makefile),
 * so every allocation libcorral makes goes through the counter below,
 * which can make the Nth one fail.  Each scenario is first run to count
 * its allocations, then once for every N up to that count with the Nth
 * failing; each such run must end in a clean report (an error or trap
 * that says "out of memory") or in a normal result, never in a crash or
 * an error that names something else.  Under SANITIZE=1, LeakSanitizer
 * checks at exit that none of the failed runs leaked.
 *
 * Scenarios:
 *   - spec modules (build/spec, made by the spec suite, so `make test`
 *     runs this after it): load, instantiate against a small spectest
 *     module, call every export that takes no arguments;
 *   - WASI runs (corral_run): tests/guest/wasi_misc.wasm ("env": arguments,
 *     the environment, stdout) and wasi_fs.wasm (the file system calls, in
 *     a fresh directory tree each time, on /dev/shm when it is there).
 *
 * The engine alone has its own sweep through its allocator hooks
 * (tests/test_alloc_hooks.c); this one also covers wasi/, which calls
 * the C allocator, and the engine's default allocator (vm/alloc.c, whose
 * calls the wrapping sees too).
 *
 * ALLOC_FAIL_MODULES=N bounds how many spec modules are swept (default:
 * all of the files listed below).
 */
#define _XOPEN_SOURCE 700 /* nftw */
#define _DEFAULT_SOURCE   /* mkdtemp */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include "corral.h"
#include "test_wasm.h"

/* ---- the counter ------------------------------------------------------------ */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);

static int armed;          /* count (and maybe fail) allocations */
static unsigned long seen; /* allocations since armed */
static unsigned long fail_at; /* 0: none fails */
static int fired;          /* the fail_at'th allocation was refused */

static int refuse(void)
{
    if (!armed)
        return 0;
    seen++;
    if (fail_at != 0 && seen == fail_at) {
        fired = 1;
        return 1;
    }
    return 0;
}

void *__wrap_malloc(size_t n) { return refuse() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t size) { return refuse() ? NULL : __real_calloc(n, size); }
void *__wrap_realloc(void *p, size_t n) { return refuse() ? NULL : __real_realloc(p, n); }

static void arm(unsigned long at)
{
    seen = 0;
    fail_at = at;
    fired = 0;
    armed = 1;
}

static void disarm(void) { armed = 0; }

/* Wrong reports, each kind once: all of them are listed before the test
 * fails, so that one sweep shows every path to fix. */
static char wrong[8192];
static unsigned long nwrong;

static void wrong_report(const char *fmt, ...)
{
    char line[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    nwrong++;
    const char *what = strstr(line, ": ");
    if (what != NULL && strstr(wrong, what) != NULL)
        return; /* the same message from another allocation */
    size_t n = strlen(wrong);
    snprintf(wrong + n, sizeof wrong - n, "  %s\n", line);
}

static void check_wrong(void)
{
    if (nwrong == 0)
        return;
    print_error("%lu runs ended in a report that is not about memory:\n%s", nwrong, wrong);
    nwrong = 0;
    wrong[0] = '\0';
    fail();
}

static int says_oom(const char *msg)
{
    return msg != NULL && (strstr(msg, "out of memory") != NULL ||
                           strstr(msg, "Cannot allocate memory") != NULL);
}

/* One scenario: 0 it ran, 1 a clean out-of-memory report, -1 anything
 * else (*why says what). */
typedef int (*pass_fn)(const void *ctx, const uint8_t *wasm, size_t len, char *why, size_t cap);

/* Run the scenario once to count its allocations, then once with each of
 * them failing in turn; wrong reports are collected (check_wrong).
 * Returns the number of allocations. */
static unsigned long sweep(const char *name, pass_fn pass, const void *ctx, const uint8_t *wasm,
                           size_t len, unsigned long *runs, unsigned long *reports)
{
    char why[600];
    arm(0);
    int base = pass(ctx, wasm, len, why, sizeof why);
    unsigned long total = seen;
    disarm();
    if (base != 0)
        fail_msg("%s does not run without injected failures: %s", name, why);
    for (unsigned long n = 1; n <= total; n++) {
        arm(n);
        why[0] = '\0';
        int r = pass(ctx, wasm, len, why, sizeof why);
        int hit = fired;
        disarm();
        (*runs)++;
        *reports += r == 1;
        if (r < 0)
            wrong_report("%s, allocation %lu of %lu failing: %s", name, n, total, why);
        if (r == 1 && !hit)
            wrong_report("%s, allocation %lu: a failure reported, but none was injected: %s",
                         name, n, why);
    }
    return total;
}

/* ---- spec modules ------------------------------------------------------------- */

static const char *host_void(corral_caller *c, void *env, const uint64_t *args,
                             uint64_t *results)
{
    (void)c, (void)env, (void)args, (void)results;
    return NULL;
}

/* Outcome of one pass over a module: 0 it loaded, instantiated and ran;
 * 1 a clean out-of-memory report; -1 a report that is not about memory
 * (*why says which). */
static int module_pass(const void *ctx, const uint8_t *wasm, size_t len, char *why, size_t cap)
{
    corral_engine *e = (corral_engine *)(uintptr_t)ctx;
    corral_module *m = NULL;
    const char *err = corral_module_new(e, wasm, len, &m, NULL);
    if (err != NULL) {
        snprintf(why, cap, "load: %s", err);
        return m == NULL && says_oom(err) ? 1 : -1;
    }
    corral_limits lim;
    corral_limits_default(&lim);
    lim.max_memory_bytes = 8u << 20;
    lim.max_table_elems = 10000;
    corral_store *s = corral_store_new(e, &lim);
    corral_linker *l = s != NULL ? corral_linker_new(s) : NULL;
    int out = 0;
    if (s == NULL || l == NULL) {
        snprintf(why, cap, "no store or linker");
        out = 1; /* NULL is how these say out of memory */
    }
    corral_instance *inst = NULL;
    if (out == 0) {
        if (corral_linker_define_func(l, "spectest", "print_i32", "i:", host_void, NULL) != NULL ||
            corral_linker_define_func(l, "spectest", "print", ":", host_void, NULL) != NULL) {
            snprintf(why, cap, "define_func: out of memory");
            out = 1;
        }
    }
    if (out == 0) {
        err = corral_instantiate(l, m, &inst);
        if (err != NULL) {
            snprintf(why, cap, "instantiate: %s", err);
            out = says_oom(err) ? 1 : -1;
        }
    }
    if (out == 0 && corral_store_set_fuel(s, 1000000) != NULL)
        out = 1;
    for (uint32_t i = 0, n = corral_module_export_count(m); out == 0 && i < n; i++) {
        const char *name;
        corral_extern_kind kind;
        corral_module_export(m, i, &name, &kind);
        corral_func *f = kind == CORRAL_EXTERN_FUNC ? corral_instance_func(inst, name) : NULL;
        uint32_t np = 1, nr = 0;
        if (f != NULL)
            corral_func_type(f, &np, NULL, &nr, NULL);
        if (f == NULL || np != 0 || nr > 16)
            continue;
        corral_val res[16];
        const char *trap = corral_call(s, f, NULL, 0, res, nr);
        (void)trap; /* a trap is an answer too */
    }
    corral_linker_free(l);
    corral_store_free(s);
    corral_module_free(m);
    return out;
}

/* The spec files swept: the features that allocate (tables, memories,
 * segments, globals, exports, names, calls). */
static const char *const spec_files[] = {
    "address/address.0.wasm", "block/block.0.wasm",     "br_table/br_table.0.wasm",
    "bulk/bulk.0.wasm",       "bulk/bulk.2.wasm",       "call_indirect/call_indirect.0.wasm",
    "data/data.0.wasm",       "elem/elem.0.wasm",       "exports/exports.0.wasm",
    "memory_grow/memory_grow.0.wasm", "names/names.0.wasm",
    "start/start.3.wasm",   "table_grow/table_grow.0.wasm",
    "table_copy/table_copy.0.wasm", "memory_copy/memory_copy.0.wasm", "func/func.0.wasm",
};

static void test_spec_modules(void **state)
{
    (void)state;
    const char *dir = getenv("SPEC_BUILD_DIR") != NULL ? getenv("SPEC_BUILD_DIR") : "build/spec";
    size_t limit = sizeof spec_files / sizeof spec_files[0];
    if (getenv("ALLOC_FAIL_MODULES") != NULL)
        limit = (size_t)strtoul(getenv("ALLOC_FAIL_MODULES"), NULL, 10);
    corral_config cfg = {.consume_fuel = 1};
    corral_engine *e = corral_engine_new(&cfg);
    assert_non_null(e);
    unsigned long modules = 0, runs = 0, reports = 0;
    for (size_t k = 0; k < limit && k < sizeof spec_files / sizeof spec_files[0]; k++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, spec_files[k]);
        tw_buf b = {0};
        if (!tw_read_file(path, &b)) {
            print_message("  %s not found (run the spec suite first); skipped\n", path);
            continue;
        }
        sweep(path, module_pass, e, b.p, b.n, &runs, &reports);
        modules++;
        tw_buf_free(&b);
    }
    corral_engine_free(e);
    check_wrong();
    print_message("  %lu spec modules, %lu runs, each with one allocation failing; %lu reported "
                  "out of memory, the rest got by\n",
                  modules, runs, reports);
    if (modules == 0)
        skip();
}

/* ---- WASI runs ------------------------------------------------------------------- */

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void put_file(const char *dir, const char *name, const char *text)
{
    char p[600];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* The tree wasi_fs expects (tests/e2e_wasi.sh): W, W/d with 30 files,
 * W/hello.txt, O, R/sub, R/keep.txt. */
static void make_tree(char *root)
{
    /* a tmpfs when there is one: the guest's fsyncs are then free */
    struct stat st;
    const char *base = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
                               access("/dev/shm", W_OK) == 0
                           ? "/dev/shm"
                           : "/tmp";
    snprintf(root, 64, "%s/corral-allocfail.XXXXXX", base);
    assert_non_null(mkdtemp(root));
    char p[600];
    const char *dirs[] = {"w", "w/d", "o", "r", "r/sub"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", root, dirs[i]);
        assert_int_equal(mkdir(p, 0700), 0);
    }
    snprintf(p, sizeof p, "%s/w", root);
    put_file(p, "hello.txt", "hello world\n");
    for (int i = 0; i < 30; i++) {
        char n[16];
        snprintf(n, sizeof n, "d/f%02d", i);
        put_file(p, n, "");
    }
    snprintf(p, sizeof p, "%s/r", root);
    put_file(p, "keep.txt", "original\n");
}

typedef struct {
    const char *wasm_name;
    const char *arg;
    int tree;
} wasi_case;

/* 0: ran; 1: a clean out-of-memory report; -1: anything else. */
static int wasi_pass(const void *ctx, const uint8_t *wasm, size_t len, char *why, size_t cap)
{
    const wasi_case *c = ctx;
    char root[64] = "", w[600], o[600], r[600];
    corral_run_dir maps[2];
    corral_run_options opt;
    memset(&opt, 0, sizeof opt);
    const char *argv[] = {c->wasm_name, c->arg};
    const char *env[] = {"A=1", "B=two"};
    opt.argv = argv;
    opt.argc = c->arg != NULL ? 2 : 1;
    opt.env = env;
    opt.nenv = 2;
    opt.capture_cap = 1 << 16;
    opt.has_fuel = 1;
    opt.fuel = 2000000000;
    opt.timeout_ms = 20000;
    if (c->tree) {
        int was = armed;
        armed = 0; /* the test's own files */
        make_tree(root);
        armed = was;
        snprintf(w, sizeof w, "%s/w", root);
        snprintf(o, sizeof o, "%s/o", root);
        snprintf(r, sizeof r, "%s/r", root);
        maps[0] = (corral_run_dir){o, "/other", 0};
        maps[1] = (corral_run_dir){r, "/ro", 1};
        opt.work_dir = w;
        opt.map_dirs = maps;
        opt.nmap_dirs = 2;
    }
    corral_run_result res;
    corral_run(wasm, len, &opt, &res);
    int out = 0;
    if (res.outcome == CORRAL_RUN_LOAD_ERROR || res.outcome == CORRAL_RUN_BAD_OPTION) {
        snprintf(why, cap, "%s", res.error != NULL ? res.error : "(no message)");
        out = says_oom(res.error) ? 1 : -1;
    } else if (res.outcome == CORRAL_RUN_TRAPPED) {
        snprintf(why, cap, "trap: %s", res.trap != NULL ? res.trap : "(no message)");
        out = says_oom(res.trap) ? 1 : -1;
    } else if (res.exit_code != 0) {
        /* the guest saw an errno (ENOMEM) from a host call and said so */
        snprintf(why, cap, "exit %d: %.200s", res.exit_code,
                 res.stdout_data != NULL ? (const char *)res.stdout_data : "");
        out = 1;
    }
    corral_run_result_free(&res);
    if (c->tree) {
        int was = armed;
        armed = 0;
        nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
        armed = was;
    }
    return out;
}

static void test_wasi_runs(void **state)
{
    (void)state;
    static const wasi_case cases[] = {
        {"wasi_misc.wasm", "env", 0},
        {"wasi_fs.wasm", NULL, 1},
    };
    unsigned long runs = 0, reports = 0, swept = 0;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const wasi_case *c = &cases[k];
        char path[300];
        snprintf(path, sizeof path, "build/wasm/tests/%s", c->wasm_name);
        tw_buf b = {0};
        if (!tw_read_file(path, &b)) {
            print_message("  %s not built; skipped\n", path);
            continue;
        }
        unsigned long total = sweep(path, wasi_pass, c, b.p, b.n, &runs, &reports);
        print_message("  %s: %lu allocations, each made to fail in turn\n", c->wasm_name, total);
        swept++;
        tw_buf_free(&b);
    }
    check_wrong();
    print_message("  %lu WASI runs with one allocation failing; %lu reported it\n", runs, reports);
    if (swept == 0)
        skip();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec_modules),
        cmocka_unit_test(test_wasi_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
