/*
 * run.c - `corral run [OPTIONS] MODULE.wasm [ARGS...]`.
 *
 * Load the module, link the WASI shim, instantiate, then call _start (or
 * the export named by --invoke) under the limits given on the command
 * line.  Exit statuses are those of DESIGN.md section 4: the guest's exit
 * code, 134 after a trap, 1 when the module cannot be loaded, 2 for a bad
 * command line.
 *
 * --timeout runs a watchdog thread that waits on a condition variable
 * until the deadline, then calls corral_store_interrupt(), the one store
 * call that may come from another thread.  The main thread tells it to
 * quit and joins it before the store is freed, so the store it interrupts
 * is always alive.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "cli.h"
#include "wasi_shim.h"

static const char RUN_USAGE[] =
    "usage: corral run [OPTIONS] MODULE.wasm [ARGS...]\n"
    "\n"
    "Run a WebAssembly module in the sandbox: its _start export (a WASI\n"
    "command), or with --invoke the export NAME, ARGS being its parameters.\n"
    "\n"
    "Options:\n"
    "  --fuel N            instruction budget (default: unlimited)\n"
    "  --max-memory SIZE   linear memory cap: bytes, or K/M/G (default: 4G)\n"
    "  --max-stack SIZE    wasm stack cap: bytes, or K/M/G (default: 1M)\n"
    "  --timeout DUR       wall-clock limit: 30, 30s, 500ms, 2m (default: none)\n"
    "  --invoke NAME       call export NAME with ARGS (i32/i64: decimal or 0x\n"
    "                      hex; f32/f64: decimal) and print its results\n"
    "  --stats             print fuel used, wall time and peak memory to stderr\n"
    "                      (this turns fuel accounting on)\n"
    "  -h, --help          show this help\n"
    "  --                  end of options\n"
    "\n"
    "Exit status: the guest's exit code (0 when _start returns), 134 after a\n"
    "trap, 1 when the module cannot be loaded, 2 for a bad command line.\n";

typedef struct {
    corral_limits limits;
    uint64_t fuel;       /* meaningful when has_fuel */
    int has_fuel;
    uint64_t timeout_ms; /* 0: none */
    const char *invoke;  /* NULL: _start */
    int stats;
    const char *module;
    int nargs;           /* the words after MODULE */
    char **args;
} run_opts;

/* ---- the command line ----------------------------------------------------- */

static int usage_error(const char *flag, const char *what, const char *value)
{
    if (value != NULL)
        fprintf(stderr, "corral: %s: %s '%s'\n", flag, what, value);
    else
        fprintf(stderr, "corral: %s: %s\n", flag, what);
    fprintf(stderr, "Try 'corral run --help'.\n");
    return CLI_EXIT_USAGE;
}

/* Fill o from argv (argv[0] is "run").  Returns -1 to go on, or the exit
 * status to stop with (0 after --help). */
static int parse_args(int argc, char **argv, run_opts *o)
{
    memset(o, 0, sizeof *o);
    corral_limits_default(&o->limits);
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(RUN_USAGE, stdout);
            return CLI_EXIT_OK;
        }
        if (a[0] != '-' || a[1] == '\0')
            break; /* the module; the rest belongs to the guest */
        if (strcmp(a, "--stats") == 0) {
            o->stats = 1;
            continue;
        }
        /* Every other flag takes a value: --flag VALUE or --flag=VALUE. */
        char flag[32];
        const char *eq = strchr(a, '='), *val;
        size_t n = eq != NULL ? (size_t)(eq - a) : strlen(a);
        if (n >= sizeof flag)
            n = sizeof flag - 1;
        memcpy(flag, a, n);
        flag[n] = '\0';
        int known = strcmp(flag, "--fuel") == 0 || strcmp(flag, "--max-memory") == 0 ||
                    strcmp(flag, "--max-stack") == 0 || strcmp(flag, "--timeout") == 0 ||
                    strcmp(flag, "--invoke") == 0;
        if (!known)
            return usage_error(a, "unknown option", NULL);
        if (eq != NULL)
            val = eq + 1;
        else if (i + 1 < argc)
            val = argv[++i];
        else
            return usage_error(flag, "missing value", NULL);

        if (strcmp(flag, "--fuel") == 0) {
            if (!cli_parse_u64(val, &o->fuel))
                return usage_error(flag, "invalid count", val);
            o->has_fuel = 1;
        } else if (strcmp(flag, "--max-memory") == 0) {
            if (!cli_parse_size(val, &o->limits.max_memory_bytes))
                return usage_error(flag, "invalid size", val);
        } else if (strcmp(flag, "--max-stack") == 0) {
            if (!cli_parse_size(val, &o->limits.max_stack_bytes))
                return usage_error(flag, "invalid size", val);
        } else if (strcmp(flag, "--timeout") == 0) {
            if (!cli_parse_duration(val, &o->timeout_ms))
                return usage_error(flag, "invalid duration", val);
        } else {
            if (val[0] == '\0')
                return usage_error(flag, "empty export name", NULL);
            o->invoke = val;
        }
    }
    if (i >= argc)
        return usage_error("run", "missing MODULE.wasm", NULL);
    o->module = argv[i];
    o->args = argv + i + 1;
    o->nargs = argc - i - 1;
    return -1;
}

/* ---- reading the module ----------------------------------------------------- */

/* The whole file (or stream) at path.  Returns NULL with errno set. */
uint8_t *cli_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf != NULL) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        uint8_t *bigger = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
        if (bigger == NULL) {
            free(buf);
            buf = NULL;
            errno = ENOMEM;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    if (buf != NULL && ferror(f)) {
        int e = errno;
        free(buf);
        buf = NULL;
        errno = e != 0 ? e : EIO;
    }
    fclose(f);
    *len = n;
    return buf;
}

/* ---- the watchdog of --timeout ---------------------------------------------- */

typedef struct {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int running, done;        /* done: guarded by mu */
    atomic_int fired;         /* the deadline passed and the store was interrupted */
    struct timespec deadline; /* CLOCK_MONOTONIC */
    corral_store *store;
} watchdog;

static void *watchdog_main(void *arg)
{
    watchdog *wd = arg;
    pthread_mutex_lock(&wd->mu);
    while (!wd->done) {
        int rc = pthread_cond_timedwait(&wd->cv, &wd->mu, &wd->deadline);
        if (rc == ETIMEDOUT && !wd->done) {
            atomic_store(&wd->fired, 1);
            corral_store_interrupt(wd->store);
            break;
        }
    }
    pthread_mutex_unlock(&wd->mu);
    return NULL;
}

static int watchdog_start(watchdog *wd, corral_store *s, uint64_t ms)
{
    pthread_condattr_t attr;
    wd->store = s;
    wd->done = 0;
    if (ms > UINT64_C(1) << 40) /* about 35 years: keeps tv_sec in range */
        ms = UINT64_C(1) << 40;
    clock_gettime(CLOCK_MONOTONIC, &wd->deadline);
    wd->deadline.tv_sec += (time_t)(ms / 1000);
    wd->deadline.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (wd->deadline.tv_nsec >= 1000000000L) {
        wd->deadline.tv_nsec -= 1000000000L;
        wd->deadline.tv_sec++;
    }
    if (pthread_condattr_init(&attr) != 0)
        return 0;
    int ok = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) == 0 &&
             pthread_cond_init(&wd->cv, &attr) == 0;
    pthread_condattr_destroy(&attr);
    if (!ok)
        return 0;
    if (pthread_mutex_init(&wd->mu, NULL) != 0) {
        pthread_cond_destroy(&wd->cv);
        return 0;
    }
    if (pthread_create(&wd->thread, NULL, watchdog_main, wd) != 0) {
        pthread_mutex_destroy(&wd->mu);
        pthread_cond_destroy(&wd->cv);
        return 0;
    }
    wd->running = 1;
    return 1;
}

static void watchdog_stop(watchdog *wd)
{
    if (!wd->running)
        return;
    pthread_mutex_lock(&wd->mu);
    wd->done = 1;
    pthread_cond_signal(&wd->cv);
    pthread_mutex_unlock(&wd->mu);
    pthread_join(wd->thread, NULL);
    pthread_mutex_destroy(&wd->mu);
    pthread_cond_destroy(&wd->cv);
    wd->running = 0;
}

/* ---- reporting ---------------------------------------------------------------- */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void print_bytes(FILE *f, uint64_t n)
{
    if (n >= (UINT64_C(1) << 20))
        fprintf(f, "%.1f MiB", (double)n / (1 << 20));
    else if (n >= 1024)
        fprintf(f, "%.1f KiB", (double)n / 1024);
    else
        fprintf(f, "%" PRIu64 " B", n);
}

static void print_stats(corral_store *s, double start_ms, double run_ms)
{
    struct rusage ru;
    double end = now_ms();
    fprintf(stderr, "fuel used:   %" PRIu64 "\n", corral_store_fuel_used(s));
    fprintf(stderr, "wall time:   %.3f ms (load %.3f ms, run %.3f ms)\n", end - start_ms,
            run_ms - start_ms, end - run_ms);
    fputs("peak memory: ", stderr);
    print_bytes(stderr, corral_store_peak_memory(s));
    fputs(" linear", stderr);
    if (getrusage(RUSAGE_SELF, &ru) == 0) {
        fputs(", host RSS ", stderr); /* ru_maxrss is in KiB on Linux and the BSDs */
        print_bytes(stderr, (uint64_t)ru.ru_maxrss * 1024);
    }
    fputc('\n', stderr);
}

/* Errors of corral_instantiate() that mean the module cannot run here at
 * all, as opposed to a trap in its segments or start function (which the
 * spec makes a trap, so they exit 134 like any other). */
static int is_link_error(const char *err)
{
    static const char *const link_errors[] = {
        "unknown import", "incompatible import type", "out of memory",
        "memory minimum exceeds the memory limit", "table minimum exceeds the table limit",
    };
    for (size_t i = 0; i < sizeof link_errors / sizeof link_errors[0]; i++)
        if (strcmp(err, link_errors[i]) == 0)
            return 1;
    return 0;
}

/* Print the load failure; for "unknown import", name the first import the
 * shim does not provide (the linker holds nothing else). */
static int load_failed(const char *path, const char *err, const corral_module *m)
{
    fprintf(stderr, "Error: failed to load %s: %s", path, err);
    if (m != NULL && strcmp(err, "unknown import") == 0) {
        for (uint32_t i = 0; i < corral_module_import_count(m); i++) {
            const char *mod, *name;
            corral_extern_kind kind;
            corral_module_import(m, i, &mod, &name, &kind);
            if (kind != CORRAL_EXTERN_FUNC || !cli_wasi_provides(mod, name)) {
                fprintf(stderr, ": %s::%s", mod, name);
                break;
            }
        }
    }
    fputc('\n', stderr);
    return CLI_EXIT_FAIL;
}

/* The exit status for the outcome err of running the guest. */
static int outcome(const char *err, corral_store *s, const watchdog *wd, uint64_t timeout_ms)
{
    if (err == NULL)
        return CLI_EXIT_OK;
    if (strcmp(err, corral_exit_trap) == 0)
        return corral_store_exit_code(s);
    fprintf(stderr, "Error: wasm trap: %s\n", err);
    if (strcmp(err, "interrupt") == 0 && atomic_load(&wd->fired))
        fprintf(stderr, "note: the wall-clock limit (--timeout %" PRIu64 "ms) was reached\n",
                timeout_ms);
    return CLI_EXIT_TRAP;
}

/* ---- calling the entry point ---------------------------------------------------- */

/* Call --invoke's export with the words after MODULE as its parameters and
 * print its results.  Returns -1 and sets *err to the call's outcome, or an
 * exit status for a bad command line. */
static int invoke(const run_opts *o, corral_store *s, corral_instance *inst, const char **err)
{
    corral_func *f = corral_instance_func(inst, o->invoke);
    if (f == NULL) {
        fprintf(stderr, "Error: failed to run %s: no exported function '%s'\n", o->module,
                o->invoke);
        return CLI_EXIT_FAIL;
    }
    uint32_t np = 0, nr = 0;
    corral_func_type(f, &np, NULL, &nr, NULL);
    if (np != (uint32_t)o->nargs) {
        fprintf(stderr, "corral: --invoke %s: expects %" PRIu32 " argument%s, got %d\n",
                o->invoke, np, np == 1 ? "" : "s", o->nargs);
        return CLI_EXIT_USAGE;
    }
    /* Sized by the module's types, so on the heap (+1: never malloc(0)). */
    corral_valtype *pt = calloc(np + 1, sizeof *pt), *rt = calloc(nr + 1, sizeof *rt);
    corral_val *args = calloc(np + 1, sizeof *args), *res = calloc(nr + 1, sizeof *res);
    int status = -1;
    if (pt == NULL || rt == NULL || args == NULL || res == NULL) {
        fprintf(stderr, "corral: out of memory\n");
        status = CLI_EXIT_FAIL;
        goto done;
    }
    corral_func_type(f, &np, pt, &nr, rt);
    for (uint32_t i = 0; i < np; i++) {
        if (!cli_parse_val(o->args[i], pt[i], &args[i])) {
            fprintf(stderr, "corral: --invoke %s: argument %" PRIu32 ": invalid %s '%s'\n",
                    o->invoke, i + 1, cli_valtype_name(pt[i]), o->args[i]);
            status = CLI_EXIT_USAGE;
            goto done;
        }
    }
    *err = corral_call(s, f, args, np, res, nr);
    if (*err == NULL) {
        for (uint32_t i = 0; i < nr; i++)
            cli_print_val(&res[i]);
        fflush(stdout);
    }
done:
    free(pt);
    free(rt);
    free(args);
    free(res);
    return status;
}

/* Run an instantiated module: a reactor's _initialize first, then the
 * entry point.  Returns -1 with *err set, or an exit status. */
static int run_entry(const run_opts *o, corral_store *s, corral_instance *inst,
                     const char **err)
{
    *err = NULL;
    corral_func *f = corral_instance_func(inst, "_initialize");
    if (f != NULL && o->invoke != NULL && strcmp(o->invoke, "_initialize") != 0) {
        *err = corral_call(s, f, NULL, 0, NULL, 0);
        if (*err != NULL)
            return -1;
    }
    if (o->invoke != NULL)
        return invoke(o, s, inst, err);
    /* A command's entry point is _start; a module with neither _start nor
     * the default export "" is only instantiated. */
    f = corral_instance_func(inst, "_start");
    if (f == NULL)
        f = corral_instance_func(inst, "");
    if (f == NULL)
        return -1;
    uint32_t np = 0, nr = 0;
    corral_func_type(f, &np, NULL, &nr, NULL);
    if (np != 0 || nr != 0) {
        fprintf(stderr, "Error: failed to run %s: _start must take and return nothing\n",
                o->module);
        return CLI_EXIT_FAIL;
    }
    *err = corral_call(s, f, NULL, 0, NULL, 0);
    return -1;
}

int cli_run(int argc, char **argv)
{
    run_opts o;
    int status = parse_args(argc, argv, &o);
    if (status >= 0)
        return status;

    /* A guest writing to a closed pipe gets EPIPE, not a dead host. */
    signal(SIGPIPE, SIG_IGN);
    double start = now_ms(), run_start = start;

    corral_engine *engine = NULL;
    corral_module *module = NULL;
    corral_store *store = NULL;
    corral_linker *linker = NULL;
    cli_wasi *wasi = NULL;
    corral_instance *inst = NULL;
    watchdog wd;
    memset(&wd, 0, sizeof wd);
    atomic_init(&wd.fired, 0);
    const char *err = NULL;
    corral_diag diag = {0, -1};

    size_t len = 0;
    uint8_t *bytes = cli_read_file(o.module, &len);
    if (bytes == NULL) {
        fprintf(stderr, "Error: failed to load %s: %s\n", o.module, strerror(errno));
        return CLI_EXIT_FAIL;
    }
    corral_config cfg = {.consume_fuel = o.has_fuel || o.stats};
    engine = corral_engine_new(&cfg);
    if (engine == NULL) {
        status = load_failed(o.module, "out of memory", NULL);
        goto out;
    }
    err = corral_module_new(engine, bytes, len, &module, &diag);
    if (err != NULL) {
        fprintf(stderr, "Error: failed to load %s: %s (at byte offset 0x%" PRIx64, o.module, err,
                diag.offset);
        if (diag.func >= 0)
            fprintf(stderr, ", in function %" PRId64, diag.func);
        fputs(")\n", stderr);
        status = CLI_EXIT_FAIL;
        goto out;
    }
    store = corral_store_new(engine, &o.limits);
    if (store == NULL) {
        status = load_failed(o.module, "out of memory", NULL);
        goto out;
    }
    if (cfg.consume_fuel) {
        err = corral_store_set_fuel(store, o.has_fuel ? o.fuel : UINT64_MAX);
        if (err != NULL) {
            status = load_failed(o.module, err, NULL);
            goto out;
        }
    }
    /* The guest sees MODULE as argv[0], then the words after it.  With a
     * timeout, a read from stdin gives up when the watchdog fires. */
    wasi = cli_wasi_new(o.nargs + 1, o.args - 1, o.timeout_ms > 0 ? &wd.fired : NULL);
    linker = corral_linker_new(store);
    if (wasi == NULL || linker == NULL) {
        status = load_failed(o.module, "out of memory", NULL);
        goto out;
    }
    err = cli_wasi_link(wasi, linker);
    if (err != NULL) {
        status = load_failed(o.module, err, NULL);
        goto out;
    }
    /* The clock starts before instantiation: a start function counts. */
    if (o.timeout_ms > 0 && !watchdog_start(&wd, store, o.timeout_ms)) {
        fprintf(stderr, "corral: cannot start the --timeout watchdog thread\n");
        status = CLI_EXIT_FAIL;
        goto out;
    }
    run_start = now_ms();
    err = corral_instantiate(linker, module, &inst);
    if (err != NULL && is_link_error(err)) {
        status = load_failed(o.module, err, module);
        goto out;
    }
    if (err == NULL) {
        status = run_entry(&o, store, inst, &err);
        if (status >= 0)
            goto out;
    }
    watchdog_stop(&wd);
    fflush(stdout);
    status = outcome(err, store, &wd, o.timeout_ms);
out:
    watchdog_stop(&wd);
    if (o.stats && store != NULL)
        print_stats(store, start, run_start);
    if (linker != NULL)
        corral_linker_free(linker);
    if (store != NULL)
        corral_store_free(store); /* and inst with it */
    if (module != NULL)
        corral_module_free(module);
    if (engine != NULL)
        corral_engine_free(engine);
    cli_wasi_free(wasi);
    free(bytes);
    return status;
}
