/*
 * run.c - corral_run(): the one-call embedding API (include/corral.h).
 *
 * Load, validate and lower the module; make a store with the limits and
 * fuel of the options; give the guest a WASI context (wasi.h) with its
 * arguments, environment, directories and stdio; instantiate; run _start
 * or the --invoke export; collect the outcome, the captured output and the
 * statistics.  `corral run` is this function with pass-through stdio.
 *
 * The timeout is an entry on a corral_timer (timer.c): the caller's, or
 * one started for this run.  corral_run starts it before loading, on the
 * engine (corral_engine_interrupt stops the decoder), and hands the same
 * deadline to the store once the module is loaded.  At the deadline its
 * thread calls corral_store_interrupt(), the one store call that may come
 * from another thread; the WASI layer's blocking calls wait in slices and
 * give up on the same flag.  The entry is removed (and a timer of the run's own
 * joined) before the store is freed, so the store it interrupts is always
 * alive, and no thread outlives the call.
 *
 * The network options are accepted and kept for the network layer (net/
 * is not part of libcorral): a caller that has one passes its imports
 * through the options' link hook (corral run does); without it the guest
 * has no network import, so everything is denied.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "corral.h"
#include "memory.h"
#include "wasi.h"

/* ---- results -------------------------------------------------------------- */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

char *wasi_format(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (s == NULL)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

static const char OOM[] = "out of memory";

/* The result's strings are malloc'd, except OOM (never freed). */
static void set_msg(const char **slot, char *s)
{
    *slot = s != NULL ? s : OOM;
}

static int fail_with(corral_run_result *res, corral_run_outcome outcome, char *msg)
{
    res->outcome = outcome;
    res->exit_code = outcome == CORRAL_RUN_BAD_OPTION ? 2 : 1;
    set_msg(&res->error, msg);
    return -1;
}

static void trapped(corral_run_result *res, char *msg)
{
    res->outcome = CORRAL_RUN_TRAPPED;
    res->exit_code = 134;
    set_msg(&res->trap, msg);
}

/* The store's trap frames into res, in one block: the frames, then the
 * names they point to (the module goes before the result does).  Without
 * memory for it the result has none: they add to the message. */
static void take_frames(corral_run_result *res, const corral_store *store)
{
    corral_frame fr[CORRAL_TRAP_FRAMES];
    size_t total = corral_store_trap_frames(store, fr, CORRAL_TRAP_FRAMES);
    size_t n = total < CORRAL_TRAP_FRAMES ? total : CORRAL_TRAP_FRAMES, names = 0;
    for (size_t i = 0; i < n; i++)
        if (fr[i].name != NULL)
            names += strlen(fr[i].name) + 1;
    corral_frame *out = n > 0 ? malloc(n * sizeof *out + names) : NULL;
    if (out == NULL)
        return;
    char *p = (char *)(out + n);
    for (size_t i = 0; i < n; i++) {
        out[i] = fr[i];
        out[i].module = NULL;
        if (fr[i].name != NULL) {
            size_t k = strlen(fr[i].name) + 1;
            memcpy(p, fr[i].name, k);
            out[i].name = p;
            p += k;
        }
    }
    res->frames = out;
    res->nframes = n;
    res->frames_total = total;
}

/* "2", "0.5", "1.25": the duration in seconds without trailing zeros,
 * in the message fmt (one %s). */
static char *with_seconds(const char *fmt, uint64_t ms)
{
    char secs[32];
    int n = snprintf(secs, sizeof secs, "%" PRIu64, ms / 1000);
    if (ms % 1000 != 0) {
        snprintf(secs + n, sizeof secs - (size_t)n, ".%03u", (unsigned)(ms % 1000));
        size_t k = strlen(secs);
        while (secs[k - 1] == '0')
            secs[--k] = '\0';
    }
    return wasi_format(fmt, secs);
}

static char *timeout_trap(uint64_t ms)
{
    return with_seconds("interrupt (timeout after %s s)", ms);
}

/* ---- --invoke arguments ----------------------------------------------------- */

/* The value of the digit c in base (10 or 16), or -1. */
static int digit(int c, unsigned base)
{
    c = tolower((unsigned char)c);
    if (c >= '0' && c <= '9')
        return c - '0';
    if (base == 16 && c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* An integer of the given width, decimal or 0x hex, optionally negative;
 * the signed and the unsigned range both fit (-1 and 4294967295 are the
 * same i32). */
static int parse_int(const char *s, unsigned bits, uint64_t *out)
{
    int neg = *s == '-';
    if (neg)
        s++;
    int hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    if (hex)
        s += 2;
    if (*s == '\0')
        return 0;
    uint64_t v = 0, base = hex ? 16 : 10;
    for (; *s; s++) {
        int d = digit(*s, (unsigned)base);
        if (d < 0)
            return 0;
        if (v > (UINT64_MAX - (uint64_t)d) / base)
            return 0;
        v = v * base + (uint64_t)d;
    }
    uint64_t max = bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
    if (neg ? v > (UINT64_C(1) << (bits - 1)) : v > max)
        return 0;
    *out = (neg ? (uint64_t)0 - v : v) & max;
    return 1;
}

/* A float strtod/strtof consume entirely (decimal, hex floats, inf, nan);
 * finite text that overflows to infinity is refused. */
static int parse_float(const char *s, int is_f32, double *d, float *f)
{
    char *end;
    if (*s == '\0' || isspace((unsigned char)*s))
        return 0;
    errno = 0;
    if (is_f32)
        *f = strtof(s, &end);
    else
        *d = strtod(s, &end);
    if (*end != '\0')
        return 0;
    if (errno == ERANGE && (is_f32 ? isinf(*f) : isinf(*d)))
        return 0;
    return 1;
}

/* A v128 as corral run prints one: 0x and 1 to 32 hex digits, one
 * 128-bit number whose low byte is lane 0 (byte 0 in memory order). */
static int parse_v128(const char *s, uint8_t out[16])
{
    if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
        return 0;
    s += 2;
    size_t n = strlen(s);
    if (n == 0 || n > 32)
        return 0;
    memset(out, 0, 16);
    for (size_t i = 0; i < n; i++) {
        int d = digit(s[n - 1 - i], 16);
        if (d < 0)
            return 0;
        out[i / 2] |= (uint8_t)(d << (4 * (i % 2)));
    }
    return 1;
}

static int parse_val(const char *s, corral_valtype t, corral_val *v)
{
    uint64_t bits;
    double d;
    float f;
    memset(v, 0, sizeof *v);
    v->type = t;
    switch (t) {
    case CORRAL_I32:
        if (!parse_int(s, 32, &bits))
            return 0;
        v->of.i32 = (int32_t)(uint32_t)bits;
        return 1;
    case CORRAL_I64:
        if (!parse_int(s, 64, &bits))
            return 0;
        v->of.i64 = (int64_t)bits;
        return 1;
    case CORRAL_F32:
        if (!parse_float(s, 1, &d, &f))
            return 0;
        memcpy(&v->of.f32_bits, &f, 4);
        return 1;
    case CORRAL_F64:
        if (!parse_float(s, 0, &d, &f))
            return 0;
        memcpy(&v->of.f64_bits, &d, 8);
        return 1;
    case CORRAL_V128:
        return parse_v128(s, v->of.v128);
    default:
        return 0; /* references cannot be written as text */
    }
}

static const char *type_name(corral_valtype t)
{
    switch (t) {
    case CORRAL_I32: return "i32";
    case CORRAL_I64: return "i64";
    case CORRAL_F32: return "f32";
    case CORRAL_F64: return "f64";
    case CORRAL_V128: return "v128";
    case CORRAL_FUNCREF: return "funcref";
    case CORRAL_EXTERNREF: return "externref";
    }
    return "?";
}

/* ---- linking ------------------------------------------------------------------ */

/* Errors of corral_instantiate() that mean the module cannot run here at
 * all, as opposed to a trap in its segments or start function (a trap). */
static int is_link_error(const char *err)
{
    static const char *const link_errors[] = {
        "unknown import", "incompatible import type", "out of memory",
        "memory minimum exceeds the memory limit", "table minimum exceeds the table limit",
        "instance state exceeds the store's limit",
    };
    for (size_t i = 0; i < sizeof link_errors / sizeof link_errors[0]; i++)
        if (strcmp(err, link_errors[i]) == 0)
            return 1;
    return 0;
}

/* Whether wasi_snapshot_preview1 has a function of this name. */
static int is_wasi_func(const char *module, const char *name)
{
    static const char *const names[] = {
        "args_get", "args_sizes_get", "environ_get", "environ_sizes_get", "clock_res_get",
        "clock_time_get", "fd_advise", "fd_allocate", "fd_close", "fd_datasync",
        "fd_fdstat_get", "fd_fdstat_set_flags", "fd_fdstat_set_rights", "fd_filestat_get",
        "fd_filestat_set_size", "fd_filestat_set_times", "fd_pread", "fd_prestat_get",
        "fd_prestat_dir_name", "fd_pwrite", "fd_read", "fd_readdir", "fd_renumber", "fd_seek",
        "fd_sync", "fd_tell", "fd_write", "path_create_directory", "path_filestat_get",
        "path_filestat_set_times", "path_link", "path_open", "path_readlink",
        "path_remove_directory", "path_rename", "path_symlink", "path_unlink_file",
        "poll_oneoff", "proc_exit", "proc_raise", "sched_yield", "random_get", "sock_accept",
        "sock_recv", "sock_send", "sock_shutdown",
    };
    if (strcmp(module, "wasi_snapshot_preview1") != 0)
        return 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0)
            return 1;
    return 0;
}

/* The link error, naming the first import the WASI layer cannot provide
 * when it is "unknown import". */
static char *link_error(const char *err, const corral_module *m)
{
    if (strcmp(err, "unknown import") == 0) {
        for (uint32_t i = 0; i < corral_module_import_count(m); i++) {
            const char *mod, *name;
            corral_extern_kind kind;
            corral_module_import(m, i, &mod, &name, &kind);
            if (kind != CORRAL_EXTERN_FUNC || !is_wasi_func(mod, name))
                return wasi_format("%s: %s::%s", err, mod, name);
        }
    }
    return wasi_format("%s", err);
}

/* ---- the run ---------------------------------------------------------------------- */

typedef struct {
    const corral_run_options *opt;
    corral_run_result *res;
    corral_store *store;
    corral_instance *inst;
    double start; /* when corral_run_module began, for res->start_ms */
} run_state;

/* --invoke: call the export with the parsed arguments.  Returns the call's
 * outcome in *err, or -1 after fail_with. */
static int invoke(run_state *rs, const char **err)
{
    const corral_run_options *o = rs->opt;
    corral_run_result *res = rs->res;
    corral_func *f = corral_instance_func(rs->inst, o->invoke);
    if (f == NULL)
        return fail_with(res, CORRAL_RUN_LOAD_ERROR,
                         wasi_format("no exported function '%s'", o->invoke));
    uint32_t np = 0, nr = 0;
    corral_func_type(f, &np, NULL, &nr, NULL);
    if (np != o->ninvoke_args)
        return fail_with(res, CORRAL_RUN_BAD_OPTION,
                         wasi_format("--invoke %s: expects %" PRIu32 " argument%s, got %zu",
                                o->invoke, np, np == 1 ? "" : "s", o->ninvoke_args));
    /* Sized by the module's types, so on the heap (+1: never malloc(0)). */
    corral_valtype *pt = calloc(np + 1, sizeof *pt), *rt = calloc(nr + 1, sizeof *rt);
    corral_val *args = calloc(np + 1, sizeof *args), *vals = calloc(nr + 1, sizeof *vals);
    int status = 0;
    if (pt == NULL || rt == NULL || args == NULL || vals == NULL) {
        status = fail_with(res, CORRAL_RUN_LOAD_ERROR, NULL);
        goto done;
    }
    corral_func_type(f, &np, pt, &nr, rt);
    for (uint32_t i = 0; i < np; i++) {
        if (!parse_val(o->invoke_args[i], pt[i], &args[i])) {
            status = fail_with(res, CORRAL_RUN_BAD_OPTION,
                               wasi_format("--invoke %s: argument %" PRIu32 ": invalid %s '%s'%s",
                                      o->invoke, i + 1, type_name(pt[i]), o->invoke_args[i],
                                      pt[i] == CORRAL_V128
                                          ? " (a v128 is 0x and 1 to 32 hex digits)"
                                          : ""));
            goto done;
        }
    }
    *err = corral_call(rs->store, f, args, np, vals, nr);
    if (*err == NULL && nr > 0) {
        res->results = vals;
        res->nresults = nr;
        vals = NULL;
    }
done:
    free(pt);
    free(rt);
    free(args);
    free(vals);
    return status;
}

/* _initialize (a reactor), then _start or --invoke.  0 with *err the
 * outcome, or -1 after fail_with. */
static int run_entry(run_state *rs, const char **err)
{
    const corral_run_options *o = rs->opt;
    *err = NULL;
    rs->res->start_ms = now_ms() - rs->start; /* the guest's entry is next */
    corral_func *f = corral_instance_func(rs->inst, "_initialize");
    if (f != NULL && o->invoke != NULL && strcmp(o->invoke, "_initialize") != 0) {
        *err = corral_call(rs->store, f, NULL, 0, NULL, 0);
        if (*err != NULL)
            return 0;
    }
    if (o->invoke != NULL)
        return invoke(rs, err);
    /* A command's entry point is _start; a module with neither _start nor
     * the default export "" is only instantiated. */
    f = corral_instance_func(rs->inst, "_start");
    if (f == NULL)
        f = corral_instance_func(rs->inst, "");
    if (f == NULL)
        return 0;
    uint32_t np = 0, nr = 0;
    corral_func_type(f, &np, NULL, &nr, NULL);
    if (np != 0 || nr != 0)
        return fail_with(rs->res, CORRAL_RUN_LOAD_ERROR,
                         wasi_format("_start must take and return nothing"));
    *err = corral_call(rs->store, f, NULL, 0, NULL, 0);
    return 0;
}

/* Whether path is a directory; else fail_with "OPTION VALUE: reason". */
static int dir_ok(corral_run_result *res, const char *option, const char *value,
                  const char *suffix, const char *path)
{
    struct stat st;
    const char *why = NULL;
    if (stat(path, &st) != 0)
        why = strerror(errno);
    else if (!S_ISDIR(st.st_mode))
        why = strerror(ENOTDIR);
    if (why == NULL)
        return 1;
    fail_with(res, CORRAL_RUN_BAD_OPTION, wasi_format("%s %s%s: %s", option, value, suffix, why));
    return 0;
}

/* Copy a captured stream into the result. */
static void take_output(const wasi_ctx *w, int fd, uint8_t **data, size_t *len,
                        uint64_t *dropped, int *truncated)
{
    size_t n = 0;
    uint64_t more = 0;
    const uint8_t *p = wasi_output(w, fd, &n, &more);
    *data = malloc(n + 1);
    if (*data == NULL) {
        *len = 0;
        *dropped = more + n;
    } else {
        if (n > 0)
            memcpy(*data, p, n);
        (*data)[n] = '\0';
        *len = n;
        *dropped = more;
    }
    *truncated = *dropped > 0;
}

/* The default for corral_run_options.on_warning: one line on stderr. */
static void warn_stderr(const char *msg, void *env)
{
    (void)env;
    fprintf(stderr, "corral: warning: %s\n", msg);
}

static int run_module(corral_engine *engine, const corral_module *module,
                      const corral_run_options *o, corral_run_result *res,
                      corral_timer *timer_in, const struct timespec *deadline_in);

int corral_run(const uint8_t *wasm, size_t len, const corral_run_options *opt,
               corral_run_result *res)
{
    static const corral_run_options defaults;
    const corral_run_options *o = opt != NULL ? opt : &defaults;
    double start = now_ms();
    memset(res, 0, sizeof *res);
    corral_config cfg = {.consume_fuel = o->has_fuel || o->measure_fuel};
    corral_engine *engine = corral_engine_new(&cfg);
    corral_module *module = NULL;
    uint8_t *file_bytes = NULL; /* the module file's, with module_path */
    corral_diag diag = {0, -1};
    corral_timer *own_timer = NULL, *timer = NULL;
    wasi_timer_entry load_entry;
    struct timespec deadline;
    memset(&load_entry, 0, sizeof load_entry);
    atomic_init(&load_entry.fired, 0);
    if (engine == NULL) {
        fail_with(res, CORRAL_RUN_LOAD_ERROR, NULL);
        goto out;
    }
    /* The clock starts before loading: a huge module's decoding and
     * lowering count, and the engine's interrupt stops them. */
    if (o->timeout_ms > 0) {
        timer = o->timer != NULL ? o->timer : (own_timer = corral_timer_new());
        if (timer == NULL) {
            fail_with(res, CORRAL_RUN_LOAD_ERROR,
                      wasi_format("cannot start the timeout thread: %s", strerror(errno)));
            goto out;
        }
        wasi_timer_deadline(&deadline, o->timeout_ms);
        load_entry.engine = engine;
        wasi_timer_add_at(timer, &load_entry, &deadline);
    }
    /* wasm outlives the module, freed before corral_run returns */
    corral_cache_info cache = {-1, o->on_warning != NULL ? o->on_warning : warn_stderr,
                               o->on_warning_env, o->module_file, CORRAL_BORROW_BYTES};
    const char *err;
    int unread = 0; /* errno of a module_path that could not be read */
    if (wasm == NULL && o->module_path != NULL) {
        err = corral_module_load_file(engine, o->cache_dir, o->module_path, &file_bytes, &len,
                                      &module, &diag, &cache);
        if (err != NULL && file_bytes == NULL && module == NULL)
            unread = errno;
    } else {
        err = corral_module_new_cached(engine, o->cache_dir, wasm, len, &module, &diag, &cache);
    }
    if (timer != NULL)
        wasi_timer_remove(timer, &load_entry);
    if (unread) {
        fail_with(res, CORRAL_RUN_LOAD_ERROR,
                  wasi_format("cannot read %s: %s", o->module_path, strerror(unread)));
        goto out;
    }
    if (err != NULL && atomic_load(&load_entry.fired)) {
        res->timed_out = 1;
        fail_with(res, CORRAL_RUN_LOAD_ERROR,
                  with_seconds("timeout while loading the module (after %s s)", o->timeout_ms));
        goto out;
    }
    if (err != NULL) {
        if (diag.func >= 0)
            fail_with(res, CORRAL_RUN_LOAD_ERROR,
                      wasi_format("%s (at byte offset 0x%" PRIx64 ", in function %" PRId64 ")", err,
                             diag.offset, diag.func));
        else
            fail_with(res, CORRAL_RUN_LOAD_ERROR,
                      wasi_format("%s (at byte offset 0x%" PRIx64 ")", err, diag.offset));
        goto out;
    }
    double load_ms = now_ms() - start;
    run_module(engine, module, o, res, timer, timer != NULL ? &deadline : NULL);
    res->load_ms = load_ms;
    res->cache = cache.hit;
    if (res->start_ms > 0)
        res->start_ms += load_ms;
out:
    corral_timer_free(own_timer);
    if (module != NULL)
        corral_module_free(module);
    free(file_bytes); /* after the module, which borrowed them */
    corral_engine_free(engine);
    res->elapsed_ms = now_ms() - start;
    if (res->outcome == CORRAL_RUN_LOAD_ERROR && res->load_ms == 0)
        res->load_ms = res->elapsed_ms;
    return res->exit_code;
}

int corral_run_module(corral_engine *engine, const corral_module *module,
                      const corral_run_options *opt, corral_run_result *res)
{
    static const corral_run_options defaults;
    return run_module(engine, module, opt != NULL ? opt : &defaults, res, NULL, NULL);
}

/* corral_run_module; corral_run passes the timer and deadline it started
 * before loading (NULL: start them here, at instantiation). */
static int run_module(corral_engine *engine, const corral_module *module,
                      const corral_run_options *o, corral_run_result *res,
                      corral_timer *timer_in, const struct timespec *deadline_in)
{
    double start = now_ms();
    memset(res, 0, sizeof *res);

    corral_store *store = NULL;
    corral_linker *linker = NULL;
    wasi_ctx *wasi = NULL;
    wasi_dir *dirs = NULL;
    corral_timer *own_timer = NULL, *timer = NULL;
    wasi_timer_entry deadline;
    memset(&deadline, 0, sizeof deadline);
    atomic_init(&deadline.fired, 0);
    const char *err;
    run_state rs = {o, res, NULL, NULL, start};
    res->cache = -1;
    int fuel = o->has_fuel || o->measure_fuel;

    corral_limits limits;
    corral_limits_default(&limits);
    if (o->max_memory != 0)
        limits.max_memory_bytes = o->max_memory;
    if (o->max_stack != 0)
        limits.max_stack_bytes = o->max_stack;
    store = rs.store = corral_store_new(engine, &limits);
    if (store == NULL || corral_store_set_memory_ops(store, wasi_memory_ops()) != NULL) {
        fail_with(res, CORRAL_RUN_LOAD_ERROR, NULL);
        goto out;
    }
    if (fuel) {
        err = corral_store_set_fuel(store, o->has_fuel ? o->fuel : UINT64_MAX);
        if (err != NULL) {
            fail_with(res, CORRAL_RUN_LOAD_ERROR, wasi_format("%s", err));
            goto out;
        }
    }
    if (o->on_store != NULL)
        o->on_store(store, o->on_store_env);
    /* The WASI context: work_dir is "/", then the mapped directories.
     * Each directory is checked first, for a message naming the option. */
    if (o->work_dir != NULL && !dir_ok(res, "--work-dir", o->work_dir, "", o->work_dir))
        goto out;
    for (size_t i = 0; i < o->nmap_dirs; i++) {
        const corral_run_dir *m = &o->map_dirs[i];
        if (m->host == NULL || m->guest == NULL || m->host[0] == '\0' || m->guest[0] == '\0') {
            fail_with(res, CORRAL_RUN_BAD_OPTION,
                      wasi_format("--map-dir: a directory needs a host path and a guest path"));
            goto out;
        }
        char *value = wasi_format("%s::%s%s", m->host, m->guest, m->readonly ? ":ro" : "");
        int ok = dir_ok(res, "--map-dir", value != NULL ? value : m->host, "", m->host);
        free(value);
        if (!ok)
            goto out;
    }
    /* The WASI context: work_dir is "/", then the mapped directories. */
    size_t ndirs = (o->work_dir != NULL) + o->nmap_dirs;
    dirs = calloc(ndirs + 1, sizeof *dirs);
    if (dirs == NULL) {
        fail_with(res, CORRAL_RUN_LOAD_ERROR, NULL);
        goto out;
    }
    size_t d = 0;
    if (o->work_dir != NULL)
        dirs[d++] = (wasi_dir){.host = o->work_dir, .guest = "/", .readonly = false};
    for (size_t i = 0; i < o->nmap_dirs; i++)
        dirs[d++] = (wasi_dir){.host = o->map_dirs[i].host, .guest = o->map_dirs[i].guest,
                               .readonly = o->map_dirs[i].readonly != 0};
    wasi_config wc = {
        .argv = o->argv, .argc = o->argc, .env = o->env, .nenv = o->nenv,
        .dirs = dirs, .ndirs = ndirs,
        .stdin_fd = o->inherit_stdin ? 0 : -1,
        .stdin_data = o->stdin_data,
        .stdin_len = o->stdin_data != NULL ? o->stdin_len : 0,
        .capture_cap = o->capture_cap,
        .store = store,
    };
    char errbuf[512] = "";
    const char *werr = NULL;
    wasi = wasi_new(&wc, &werr, errbuf, sizeof errbuf);
    if (wasi == NULL) {
        fail_with(res, CORRAL_RUN_BAD_OPTION,
                  wasi_format("%s", werr != NULL ? werr : errbuf[0] ? errbuf : "cannot set up WASI"));
        goto out;
    }
    linker = corral_linker_new(store);
    if (linker == NULL) {
        fail_with(res, CORRAL_RUN_LOAD_ERROR, NULL);
        goto out;
    }
    err = wasi_link(wasi, linker);
    if (err != NULL) {
        fail_with(res, CORRAL_RUN_LOAD_ERROR, wasi_format("%s", err));
        goto out;
    }
    /* The caller's extra imports (corral run: net/'s "corral_net"). */
    if (o->link != NULL && (err = o->link(linker, store, o->link_env)) != NULL) {
        fail_with(res, CORRAL_RUN_LOAD_ERROR, wasi_format("%s", err));
        goto out;
    }

    /* The clock starts before instantiation (a start function counts), or
     * before loading when corral_run started it. */
    if (o->timeout_ms > 0) {
        timer = timer_in != NULL ? timer_in
                : o->timer != NULL ? o->timer : (own_timer = corral_timer_new());
        if (timer == NULL) {
            fail_with(res, CORRAL_RUN_LOAD_ERROR,
                      wasi_format("cannot start the timeout thread: %s", strerror(errno)));
            goto out;
        }
        struct timespec due;
        if (deadline_in != NULL)
            due = *deadline_in;
        else
            wasi_timer_deadline(&due, o->timeout_ms);
        deadline.store = store;
        wasi_timer_add_at(timer, &deadline, &due);
    }
    err = corral_instantiate(linker, module, &rs.inst);
    if (err != NULL && is_link_error(err)) {
        fail_with(res, CORRAL_RUN_LOAD_ERROR, link_error(err, module));
        goto out;
    }
    if (err == NULL && run_entry(&rs, &err) < 0)
        goto out;
    if (timer != NULL)
        wasi_timer_remove(timer, &deadline);
    if (err == NULL) {
        res->outcome = CORRAL_RUN_EXITED;
        res->exit_code = 0;
    } else if (strcmp(err, corral_exit_trap) == 0) {
        res->outcome = CORRAL_RUN_EXITED;
        res->exit_code = corral_store_exit_code(store);
    } else if (atomic_load(&deadline.fired) && strcmp(err, "interrupt") == 0) {
        res->timed_out = 1;
        trapped(res, timeout_trap(o->timeout_ms));
        take_frames(res, store);
    } else {
        trapped(res, wasi_format("%s", err));
        take_frames(res, store);
    }

out:
    if (timer != NULL)
        wasi_timer_remove(timer, &deadline);
    corral_timer_free(own_timer);
    if (wasi != NULL && o->capture_cap > 0) {
        take_output(wasi, 1, &res->stdout_data, &res->stdout_len, &res->stdout_dropped,
                    &res->stdout_truncated);
        take_output(wasi, 2, &res->stderr_data, &res->stderr_len, &res->stderr_dropped,
                    &res->stderr_truncated);
    }
    if (store != NULL) {
        res->fuel_used = fuel ? corral_store_fuel_used(store) : 0;
        res->peak_memory_bytes = corral_store_peak_memory(store);
        if (o->on_store != NULL)
            o->on_store(NULL, o->on_store_env);
    }
    if (linker != NULL)
        corral_linker_free(linker);
    if (store != NULL)
        corral_store_free(store); /* and the instance with it */
    if (wasi != NULL)
        wasi_free(wasi); /* after the store: no host call can run now */
    free(dirs);
    res->elapsed_ms = now_ms() - start;
    return res->exit_code;
}

void corral_run_result_free(corral_run_result *res)
{
    if (res == NULL)
        return;
    if (res->trap != NULL && res->trap != OOM)
        free((void *)res->trap);
    if (res->error != NULL && res->error != OOM)
        free((void *)res->error);
    free(res->results);
    free(res->frames);
    free(res->stdout_data);
    free(res->stderr_data);
    memset(res, 0, sizeof *res);
}
