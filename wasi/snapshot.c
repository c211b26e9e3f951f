/*
 * snapshot.c - corral_snapshot() (include/corral.h): run a module's
 * initialiser in a sandbox with no files, no network and no clock, and
 * write the module back with the state it left (vm/snapshot.c).
 *
 * What runs, in order, in one instance: the start function (during
 * instantiation), the export _initialize if there is one (what a WASI
 * reactor's host calls first; the output drops it, so a command built that
 * way is a plain command again), then wizer.initialize (Wizer's name for
 * the initialiser).  Both take and return nothing.
 *
 * Imports.  Only wasi_snapshot_preview1 functions may be imported (anything
 * else is refused before the module is instantiated, since it could not be
 * given to the initialiser and whatever it holds could not be frozen).
 * While the initialiser runs, the calls whose answer is a fact of the
 * empty sandbox answer it, so that what the initialiser derives from them
 * is right to freeze:
 *
 *   args_sizes_get, args_get          no arguments
 *   environ_sizes_get, environ_get    an empty environment
 *   fd_prestat_get, fd_prestat_dir_name   EBADF: no preopened directories
 *   sched_yield                       nothing to do
 *
 * (wasi-libc reads these in its constructors, which a command module runs
 * again at _start, so a snapshotted command sees the real ones.)  Every
 * other WASI call stops the initialiser: a clock, random bytes, a file, a
 * write or an exit observed at snapshot time would be replayed by every
 * run of the output as if it were new.
 *
 * Limits: fuel (default 10^10), wall clock (default 10 s, on a timer of
 * this call's own), memory and stack.  A trap, exhausted fuel, a timeout or
 * a refused call is the error; no module is produced.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corral.h"
#include "memory.h"
#include "wasi.h"

#include "corral_bounds.h" /* SNAP_DEFAULT_FUEL, SNAP_DEFAULT_TIMEOUT_MS */

static const char WASI[] = "wasi_snapshot_preview1";
static const char INIT[] = "wizer.initialize";
static const char REFUSED[] = "refused WASI call";

enum { ANSWER_EMPTY, ANSWER_NOTHING, ANSWER_EBADF, ANSWER_REFUSE };

/* wasi_snapshot_preview1 (its witx): name, signature (corral.h letters),
 * and how the initialiser's sandbox answers. */
static const struct wasi_call {
    const char *name, *sig;
    int answer;
} calls[] = {
    {"args_get", "ii:i", ANSWER_NOTHING},
    {"args_sizes_get", "ii:i", ANSWER_EMPTY},
    {"environ_get", "ii:i", ANSWER_NOTHING},
    {"environ_sizes_get", "ii:i", ANSWER_EMPTY},
    {"clock_res_get", "ii:i", ANSWER_REFUSE},
    {"clock_time_get", "iIi:i", ANSWER_REFUSE},
    {"fd_advise", "iIIi:i", ANSWER_REFUSE},
    {"fd_allocate", "iII:i", ANSWER_REFUSE},
    {"fd_close", "i:i", ANSWER_REFUSE},
    {"fd_datasync", "i:i", ANSWER_REFUSE},
    {"fd_fdstat_get", "ii:i", ANSWER_REFUSE},
    {"fd_fdstat_set_flags", "ii:i", ANSWER_REFUSE},
    {"fd_fdstat_set_rights", "iII:i", ANSWER_REFUSE},
    {"fd_filestat_get", "ii:i", ANSWER_REFUSE},
    {"fd_filestat_set_size", "iI:i", ANSWER_REFUSE},
    {"fd_filestat_set_times", "iIIi:i", ANSWER_REFUSE},
    {"fd_pread", "iiiIi:i", ANSWER_REFUSE},
    {"fd_prestat_get", "ii:i", ANSWER_EBADF},
    {"fd_prestat_dir_name", "iii:i", ANSWER_EBADF},
    {"fd_pwrite", "iiiIi:i", ANSWER_REFUSE},
    {"fd_read", "iiii:i", ANSWER_REFUSE},
    {"fd_readdir", "iiiIi:i", ANSWER_REFUSE},
    {"fd_renumber", "ii:i", ANSWER_REFUSE},
    {"fd_seek", "iIii:i", ANSWER_REFUSE},
    {"fd_sync", "i:i", ANSWER_REFUSE},
    {"fd_tell", "ii:i", ANSWER_REFUSE},
    {"fd_write", "iiii:i", ANSWER_REFUSE},
    {"path_create_directory", "iii:i", ANSWER_REFUSE},
    {"path_filestat_get", "iiiii:i", ANSWER_REFUSE},
    {"path_filestat_set_times", "iiiiIIi:i", ANSWER_REFUSE},
    {"path_link", "iiiiiii:i", ANSWER_REFUSE},
    {"path_open", "iiiiiIIii:i", ANSWER_REFUSE},
    {"path_readlink", "iiiiii:i", ANSWER_REFUSE},
    {"path_remove_directory", "iii:i", ANSWER_REFUSE},
    {"path_rename", "iiiiii:i", ANSWER_REFUSE},
    {"path_symlink", "iiiii:i", ANSWER_REFUSE},
    {"path_unlink_file", "iii:i", ANSWER_REFUSE},
    {"poll_oneoff", "iiii:i", ANSWER_REFUSE},
    {"proc_exit", "i:", ANSWER_REFUSE},
    {"proc_raise", "i:i", ANSWER_REFUSE},
    {"sched_yield", ":i", ANSWER_NOTHING},
    {"random_get", "ii:i", ANSWER_REFUSE},
    {"sock_accept", "iii:i", ANSWER_REFUSE},
    {"sock_recv", "iiiiii:i", ANSWER_REFUSE},
    {"sock_send", "iiiii:i", ANSWER_REFUSE},
    {"sock_shutdown", "ii:i", ANSWER_REFUSE},
};
#define NCALLS (sizeof calls / sizeof calls[0])

typedef struct snap_state snap_state;

typedef struct {
    snap_state *st;
    const struct wasi_call *call;
} snap_call;

struct snap_state {
    snap_call bound[NCALLS];
    const struct wasi_call *refused; /* the call that stopped the initialiser */
    uint64_t refused_arg;            /* its first argument (proc_exit's code) */
};

/* ---- the initialiser's WASI ------------------------------------------------ */

static const char *answer(corral_caller *c, void *env, const uint64_t *args, uint64_t *results)
{
    snap_call *b = env;
    switch (b->call->answer) {
    case ANSWER_EMPTY: { /* two u32 counts, both 0 */
        uint64_t size = 0;
        uint8_t *mem = corral_caller_memory(c, &size);
        uint32_t p = (uint32_t)args[0], q = (uint32_t)args[1];
        if (mem == NULL || size < 4 || p > size - 4 || q > size - 4) {
            results[0] = 21; /* EFAULT */
            return NULL;
        }
        memset(mem + p, 0, 4);
        memset(mem + q, 0, 4);
        results[0] = 0;
        return NULL;
    }
    case ANSWER_NOTHING:
        results[0] = 0;
        return NULL;
    case ANSWER_EBADF:
        results[0] = 8;
        return NULL;
    default:
        b->st->refused = b->call;
        b->st->refused_arg = b->call->sig[0] == 'i' ? (uint32_t)args[0] : 0;
        return REFUSED;
    }
}

/* Every import is a WASI preview1 function; else the message. */
static char *check_imports(const corral_module *m)
{
    for (uint32_t i = 0; i < corral_module_import_count(m); i++) {
        const char *mod, *name;
        corral_extern_kind kind;
        corral_module_import(m, i, &mod, &name, &kind);
        if (kind != CORRAL_EXTERN_FUNC) {
            const char *what = kind == CORRAL_EXTERN_MEMORY ? "a memory"
                               : kind == CORRAL_EXTERN_TABLE ? "a table"
                                                             : "a global";
            return wasi_format("the module imports %s (%s.%s): its state lives outside the module "
                          "and cannot be written into a snapshot",
                          what, mod, name);
        }
        int known = 0;
        for (size_t k = 0; k < NCALLS && !known; k++)
            known = strcmp(mod, WASI) == 0 && strcmp(name, calls[k].name) == 0;
        if (!known)
            return wasi_format("the module imports %s.%s: an initialiser may import only "
                          "wasi_snapshot_preview1 functions",
                          mod, name);
    }
    return NULL;
}

static char *link_calls(snap_state *st, corral_linker *l)
{
    for (size_t k = 0; k < NCALLS; k++) {
        st->bound[k] = (snap_call){st, &calls[k]};
        const char *e = corral_linker_define_func(l, WASI, calls[k].name, calls[k].sig, answer,
                                                  &st->bound[k]);
        if (e != NULL)
            return wasi_format("%s", e);
    }
    return NULL;
}

/* ---- the run --------------------------------------------------------------------- */

/* The error of a stopped initialiser, naming the limit or the call. */
static char *stopped(const snap_state *st, const char *err, const char *what, int timed_out,
                     uint64_t fuel, uint64_t timeout_ms)
{
    if (err == REFUSED && strcmp(st->refused->name, "proc_exit") == 0)
        return wasi_format("%s called proc_exit(%" PRIu64 "): an initialiser must return", what,
                      st->refused_arg);
    if (err == REFUSED)
        return wasi_format("%s called %s.%s, which a snapshot cannot freeze (the initialiser runs "
                      "with no files, no network and no clock; only args, environ, "
                      "fd_prestat and sched_yield answer)",
                      what, WASI, st->refused->name);
    if (timed_out && strcmp(err, "interrupt") == 0)
        return wasi_format("%s was stopped: wall-clock limit of %" PRIu64 " ms reached (--timeout)",
                      what, timeout_ms);
    if (strcmp(err, "all fuel consumed by WebAssembly") == 0)
        return wasi_format("%s was stopped: all fuel consumed (--fuel %" PRIu64 ")", what, fuel);
    return wasi_format("%s trapped: %s", what, err);
}

/* Call export name (() -> ()); NULL, or the error message. */
static char *call_export(corral_store *s, corral_instance *inst, const char *name,
                         const char **err)
{
    corral_func *f = corral_instance_func(inst, name);
    uint32_t np = 0, nr = 0;
    *err = NULL;
    if (f == NULL)
        return NULL;
    corral_func_type(f, &np, NULL, &nr, NULL);
    if (np != 0 || nr != 0)
        return wasi_format("the export '%s' must take and return nothing", name);
    *err = corral_call(s, f, NULL, 0, NULL, 0);
    return NULL;
}

int corral_snapshot(const uint8_t *wasm, size_t len, const corral_snapshot_options *opt,
                    corral_snapshot_result *res)
{
    static const corral_snapshot_options defaults;
    const corral_snapshot_options *o = opt != NULL ? opt : &defaults;
    uint64_t fuel = o->fuel ? o->fuel : SNAP_DEFAULT_FUEL;
    uint64_t timeout_ms = o->timeout_ms ? o->timeout_ms : SNAP_DEFAULT_TIMEOUT_MS;
    memset(res, 0, sizeof *res);

    corral_config cfg = {.consume_fuel = 1};
    corral_engine *engine = corral_engine_new(&cfg);
    corral_module *module = NULL, *check = NULL;
    corral_store *store = NULL;
    corral_linker *linker = NULL;
    corral_timer *timer = NULL;
    snap_state *st = calloc(1, sizeof *st);
    wasi_timer_entry deadline;
    memset(&deadline, 0, sizeof deadline);
    atomic_init(&deadline.fired, 0);
    int timer_on = 0;
    const char *err = NULL;
    char *msg = NULL;
    corral_diag diag = {0, -1};

    if (engine == NULL || st == NULL) {
        msg = wasi_format("out of memory");
        goto out;
    }
    if ((err = corral_module_new(engine, wasm, len, &module, &diag)) != NULL) {
        msg = wasi_format("the module is invalid: %s (at byte offset 0x%" PRIx64 ")", err,
                     diag.offset);
        goto out;
    }
    if ((msg = check_imports(module)) != NULL)
        goto out;
    int has_init = 0;
    for (uint32_t i = 0; i < corral_module_export_count(module) && !has_init; i++) {
        const char *name;
        corral_extern_kind kind;
        corral_module_export(module, i, &name, &kind);
        has_init = kind == CORRAL_EXTERN_FUNC && strcmp(name, INIT) == 0;
    }
    if (!has_init) {
        msg = wasi_format("the module has no exported function '%s' (the initialiser, as in "
                     "Wizer): nothing to pre-initialise",
                     INIT);
        goto out;
    }

    corral_limits limits;
    corral_limits_default(&limits);
    if (o->max_memory != 0)
        limits.max_memory_bytes = o->max_memory;
    if (o->max_stack != 0)
        limits.max_stack_bytes = o->max_stack;
    store = corral_store_new(engine, &limits);
    linker = store != NULL && corral_store_set_memory_ops(store, wasi_memory_ops()) == NULL
                 ? corral_linker_new(store)
                 : NULL;
    if (linker == NULL) {
        msg = wasi_format("out of memory");
        goto out;
    }
    if ((err = corral_store_set_fuel(store, fuel)) != NULL) {
        msg = wasi_format("%s", err);
        goto out;
    }
    if ((msg = link_calls(st, linker)) != NULL)
        goto out;
    if ((timer = corral_timer_new()) == NULL) {
        msg = wasi_format("cannot start the timeout thread: %s", strerror(errno));
        goto out;
    }
    wasi_timer_add(timer, &deadline, store, timeout_ms);
    timer_on = 1;

    corral_instance *inst = NULL;
    err = corral_instantiate(linker, module, &inst);
    if (err != NULL && inst == NULL && (strstr(err, "import") || strstr(err, "limit") ||
                                        strcmp(err, "out of memory") == 0)) {
        msg = wasi_format("cannot instantiate the module: %s", err);
        goto out;
    }
    const char *what = "the start function";
    if (err == NULL) {
        what = "_initialize";
        msg = call_export(store, inst, "_initialize", &err);
    }
    if (msg == NULL && err == NULL) {
        what = "the initialiser (wizer.initialize)";
        msg = call_export(store, inst, INIT, &err);
    }
    wasi_timer_remove(timer, &deadline);
    timer_on = 0;
    res->fuel_used = corral_store_fuel_used(store);
    res->peak_memory_bytes = corral_store_peak_memory(store);
    if (msg != NULL)
        goto out;
    if (err != NULL) {
        msg = stopped(st, err, what, atomic_load(&deadline.fired), fuel, timeout_ms);
        goto out;
    }

    static const char *const drop[] = {INIT, "_initialize"};
    char why[256];
    if ((err = corral_snapshot_module(inst, drop, 2, &res->wasm, &res->len, why, sizeof why))) {
        msg = wasi_format("the state the initialiser left cannot be written back: %s", err);
        goto out;
    }
    /* The output must be a module corral itself loads. */
    if ((err = corral_module_new(engine, res->wasm, res->len, &check, &diag)) != NULL) {
        msg = wasi_format("internal error: the snapshot does not load: %s (at byte offset 0x%" PRIx64
                     ")",
                     err, diag.offset);
        goto out;
    }

out:
    if (timer_on)
        wasi_timer_remove(timer, &deadline);
    corral_timer_free(timer);
    if (check != NULL)
        corral_module_free(check);
    if (linker != NULL)
        corral_linker_free(linker);
    if (store != NULL)
        corral_store_free(store);
    if (module != NULL)
        corral_module_free(module);
    corral_engine_free(engine);
    free(st);
    if (msg != NULL || (res->wasm == NULL && res->error == NULL)) {
        free(res->wasm);
        res->wasm = NULL;
        res->len = 0;
        res->error = msg != NULL ? msg : wasi_format("out of memory");
        return 1;
    }
    return 0;
}

void corral_snapshot_result_free(corral_snapshot_result *res)
{
    if (res == NULL)
        return;
    free(res->wasm);
    free(res->error);
    memset(res, 0, sizeof *res);
}
