/*
 * host.c - the tool host (host.h): the loaded tool modules, and one call
 * of a tool in a sandbox of its own, giving one result.
 *
 * A call:
 *   1. checks the input against the tool's input_schema (validate.c) and
 *      maps absolute host paths inside the sandbox's directories to guest
 *      paths (the manifest's path_inputs);
 *   2. runs the tool's module, loaded once per host, through
 *      corral_run_module (the code path of `corral run`) with a copy of
 *      the sandbox's settings: the input on the tool's stdin, its stdout
 *      and stderr captured (at most TOOL_CAPTURE_CAP each), fuel measured,
 *      its own net context on the tool's policy;
 *   3. turns what happened into the one result: the tool's own JSON with
 *      metadata.sandbox = {fuel_used, elapsed_ms, peak_memory_bytes}
 *      added, or, when corral or the sandbox stopped the call, an error
 *      result whose content names the rule or limit that fired.
 * Every result has a string content, a boolean is_error and an object
 * metadata: a tool's output that is not one such object is bad_output,
 * and an error result's content is valid UTF-8 whatever it quotes.
 */
#define _DEFAULT_SOURCE /* realpath */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "host.h"
#include "net.h"

/* One tool's module: loaded the first time it is used, under its own
 * lock, then kept (immutable) until the host is freed. */
typedef struct {
    json_t *tool;
    pthread_mutex_t mu;
    corral_module *mod; /* NULL until loaded */
    uint8_t *wasm;      /* its bytes, which a cache hit uses in place */
    int cache;          /* how it was loaded: -1 no cache, 0 a miss, 1 a hit */
} host_module;

struct cli_host {
    json_t *manifest;
    char *tools_dir; /* NULL when it cannot be found */
    corral_engine *engine; /* fuel on: every tool call measures its fuel */
    corral_timer *timer;   /* the deadlines of all its calls, on one thread */
    char *cache_dir;       /* --cache-dir, or NULL */
    host_module *mods;
    size_t nmods;
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The running binary's path, symbolic links resolved: /proc/self/exe, else
 * argv[0] (cli_argv0) as a path or found on $PATH.  malloc'd, or NULL. */
static char *self_path(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        return strdup(exe);
    }
    const char *a0 = cli_argv0;
    if (a0 == NULL || a0[0] == '\0')
        return NULL;
    if (strchr(a0, '/') != NULL)
        return realpath(a0, NULL);
    const char *path = getenv("PATH");
    while (path != NULL && path[0] != '\0') {
        const char *end = strchr(path, ':');
        size_t len = end != NULL ? (size_t)(end - path) : strlen(path);
        sbuf b = {0};
        /* an empty entry is the current directory */
        sb_printf(&b, "%.*s/%s", (int)len, len > 0 ? path : ".", a0);
        char *found = b.oom || access(b.p, X_OK) != 0 ? NULL : realpath(b.p, NULL);
        free(b.p);
        if (found != NULL)
            return found;
        path = end != NULL ? end + 1 : NULL;
    }
    return NULL;
}

/* The directory holding the tool modules: --tools-dir (given),
 * $CORRAL_TOOLS_DIR, or beside the binary: ../lib/corral/tools where
 * make install puts them (PREFIX/bin/corral), else ../wasm/tools of the
 * build tree (build/rel/corral -> build/wasm/tools).  When neither
 * exists, the one the binary's place suggests (a directory named bin:
 * the installed one), for the error message.  malloc'd, or NULL. */
static char *find_tools_dir(const char *given)
{
    if (given != NULL)
        return strdup(given);
    const char *env = getenv("CORRAL_TOOLS_DIR");
    if (env != NULL && env[0] != '\0')
        return strdup(env);
    char *exe = self_path();
    char *slash = exe != NULL ? strrchr(exe, '/') : NULL;
    if (slash == NULL) {
        free(exe);
        return NULL;
    }
    *slash = '\0';
    const char *base = strrchr(exe, '/') != NULL ? strrchr(exe, '/') + 1 : exe;
    static const char *const beside[] = {"../lib/corral/tools", "../wasm/tools"};
    const char *pick = strcmp(base, "bin") == 0 ? beside[0] : beside[1];
    for (size_t i = 0; i < sizeof beside / sizeof beside[0]; i++) {
        sbuf t = {0};
        sb_printf(&t, "%s/%s", exe, beside[i]);
        struct stat st;
        int found = !t.oom && stat(t.p, &st) == 0 && S_ISDIR(st.st_mode);
        free(t.p);
        if (found) {
            pick = beside[i];
            break;
        }
    }
    sbuf b = {0};
    sb_printf(&b, "%s/%s", exe, pick);
    free(exe);
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
}


/* {"content": msg, "is_error": true, "metadata": {"error": kind}} */
json_t *cli_error_result(const char *kind, const char *msg)
{
    json_t *meta = json_object();
    json_object_set_new(meta, "error", json_string(kind));
    json_t *r = json_object();
    json_t *content = json_string(msg);
    if (content == NULL) {
        /* msg quotes bytes that are not UTF-8 (a path, a trap's text):
         * the content is still a string, with those bytes as \xNN. */
        sbuf b = {0};
        sb_quote(&b, (const uint8_t *)msg, strlen(msg), strlen(msg), 0);
        content = json_string(sb_str(&b));
        free(b.p);
    }
    json_object_set_new(r, "content", content);
    json_object_set_new(r, "is_error", json_true());
    json_object_set_new(r, "metadata", meta);
    return r;
}


/* The wall-clock limit of this call and, in why, where it came from. */
static uint64_t call_timeout(const cli_sandbox *sb, json_t *tool, json_t *input, sbuf *why)
{
    if (sb->timeout_arg != NULL) {
        sb_printf(why, "--timeout %s", sb->timeout_arg);
        return sb->no_timeout ? 0 : sb->run.timeout_ms;
    }
    const char *key = cli_tool_str(tool, "timeout_input");
    if (key != NULL) {
        json_t *v = json_object_get(input, key);
        json_int_t s = 0;
        int from_input = json_is_integer(v);
        if (from_input)
            s = json_integer_value(v);
        else
            s = json_integer_value(json_object_get(
                json_object_get(json_object_get(json_object_get(tool, "input_schema"),
                                                "properties"),
                                key),
                "default"));
        if (s > 0) {
            uint64_t ms = (uint64_t)s * 1000 + TOOL_TIMEOUT_GRACE_MS;
            sb_printf(why, "the %s's '%s' of %" JSON_INTEGER_FORMAT " s, plus ",
                      from_input ? "input" : "default", key, s);
            sb_duration(why, TOOL_TIMEOUT_GRACE_MS);
            return ms;
        }
    }
    sb_printf(why, "--timeout 30s");
    return TOOL_TIMEOUT_MS;
}

/* metadata.sandbox of a run. */
static json_t *sandbox_obj(const corral_run_result *r)
{
    json_t *s = json_object();
    json_int_t fuel = r->fuel_used > (uint64_t)INT64_MAX ? INT64_MAX : (json_int_t)r->fuel_used;
    json_object_set_new(s, "fuel_used", json_integer(fuel));
    /* to the microsecond (elapsed_ms is never negative) */
    json_object_set_new(s, "elapsed_ms",
                        json_real((double)(uint64_t)(r->elapsed_ms * 1000.0 + 0.5) / 1000.0));
    json_object_set_new(s, "peak_memory_bytes", json_integer((json_int_t)r->peak_memory_bytes));
    return s;
}

/* The tail of the tool's stderr into meta.stderr, if it wrote any. */
static void add_stderr(json_t *meta, const corral_run_result *r)
{
    if (r->stderr_len == 0)
        return;
    sbuf b = {0};
    sb_quote(&b, r->stderr_data, r->stderr_len, TOOL_STDERR_TAIL, 1);
    json_object_set_new(meta, "stderr", json_string(sb_str(&b)));
    free(b.p);
}

/* The error result of a call the sandbox stopped or that went wrong. */
static json_t *run_error(const char *kind, const char *limit, const char *msg,
                         const corral_run_result *r)
{
    json_t *res = cli_error_result(kind, msg);
    json_t *meta = json_object_get(res, "metadata");
    json_t *sb = sandbox_obj(r);
    if (limit != NULL)
        json_object_set_new(sb, "limit", json_string(limit));
    if (r->trap != NULL)
        json_object_set_new(sb, "trap", json_string(r->trap));
    if (r->trap != NULL && r->nframes > 0) {
        /* where it trapped, innermost first (corral run prints the same) */
        json_t *frames = json_array();
        for (size_t i = 0; i < r->nframes; i++) {
            json_t *f = json_object();
            json_object_set_new(f, "func", json_integer((json_int_t)r->frames[i].func));
            if (r->frames[i].name != NULL)
                json_object_set_new(f, "name", json_string(r->frames[i].name));
            json_object_set_new(f, "offset", json_integer((json_int_t)r->frames[i].offset));
            json_array_append_new(frames, f);
        }
        json_object_set_new(sb, "trap_frames", frames);
    }
    json_object_set_new(meta, "sandbox", sb);
    add_stderr(meta, r);
    return res;
}

/* How close to the memory cap counts as "reached": an allocator grows in
 * steps, and the step that failed was never granted. */
static int near_memory_cap(const corral_run_result *r, uint64_t cap)
{
    return r->peak_memory_bytes >= cap - cap / 10;
}

/* A trap, load failure or option failure as an error result. */
static json_t *stopped(const cli_sandbox *sb, uint64_t timeout_ms, const corral_run_result *r,
                       const char *timeout_why)
{
    sbuf m = {0};
    const char *limit = NULL, *kind = "stopped";
    const char *mem_flag = sb->memory_arg != NULL ? sb->memory_arg : "512M";
    const char *stack_flag = sb->stack_arg != NULL ? sb->stack_arg : "1M";
    if (r->outcome == CORRAL_RUN_LOAD_ERROR) {
        if (r->error != NULL && strstr(r->error, "memory minimum exceeds the memory limit")) {
            limit = "memory";
            sb_printf(&m, "the tool could not start: it needs more memory than the limit of ");
            sb_size(&m, sb->run.max_memory);
            sb_printf(&m, " (--max-memory %s)", mem_flag);
        } else {
            kind = "load_error";
            sb_printf(&m, "the tool could not start: %s",
                      r->error != NULL ? r->error : "out of memory");
        }
    } else if (r->timed_out) {
        limit = "timeout";
        sb_printf(&m, "the tool was stopped: wall-clock limit of ");
        sb_duration(&m, timeout_ms);
        sb_printf(&m, " reached (%s)", timeout_why);
    } else if (r->trap != NULL && strcmp(r->trap, "all fuel consumed by WebAssembly") == 0) {
        limit = "fuel";
        sb_printf(&m, "the tool was stopped: all fuel consumed (--fuel %s)",
                  sb->fuel_arg != NULL ? sb->fuel_arg : "?");
    } else if (r->trap != NULL && strstr(r->trap, "call stack exhausted") != NULL) {
        limit = "stack";
        sb_printf(&m, "the tool was stopped: call stack exhausted (--max-stack %s)", stack_flag);
    } else if (near_memory_cap(r, sb->run.max_memory)) {
        limit = "memory";
        sb_printf(&m, "the tool was stopped: memory limit of ");
        sb_size(&m, sb->run.max_memory);
        sb_printf(&m, " reached (--max-memory %s); it then trapped: %s", mem_flag,
                  r->trap != NULL ? r->trap : "?");
    } else {
        limit = "trap";
        sb_printf(&m, "the tool was stopped: wasm trap: %s", r->trap != NULL ? r->trap : "?");
        if (r->peak_memory_bytes >= sb->run.max_memory / 2) {
            sb_printf(&m, " (it had used ");
            sb_size(&m, r->peak_memory_bytes);
            sb_printf(&m, " of its ");
            sb_size(&m, sb->run.max_memory);
            sb_printf(&m, " memory limit, --max-memory %s: an allocation may have failed)",
                      mem_flag);
        }
    }
    json_t *res = run_error(kind, limit, sb_str(&m), r);
    free(m.p);
    return res;
}

/* "string", "number", ... as a result's key is described. */
static const char *type_name(json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "object";
    case JSON_ARRAY: return "array";
    case JSON_STRING: return "string";
    case JSON_INTEGER:
    case JSON_REAL: return "number";
    case JSON_TRUE:
    case JSON_FALSE: return "boolean";
    default: return "null";
    }
}

/* Whether res has the three keys of a result, each of its type; if not,
 * m says which do not: "the tool's result has content of type number,
 * not string; no metadata (exit status 0)". */
static int result_shape_ok(json_t *res, sbuf *m, int exit_code)
{
    static const struct {
        const char *key, *type;
    } keys[] = {{"content", "string"}, {"is_error", "boolean"}, {"metadata", "object"}};
    int bad = 0;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        json_t *v = json_object_get(res, keys[i].key);
        if (v != NULL && strcmp(type_name(v), keys[i].type) == 0)
            continue;
        sb_printf(m, "%s", bad++ ? "; " : "the tool's result has ");
        if (v == NULL)
            sb_printf(m, "no %s", keys[i].key);
        else
            sb_printf(m, "%s of type %s, not %s", keys[i].key, type_name(v), keys[i].type);
    }
    if (bad)
        sb_printf(m, " (exit status %d)", exit_code);
    return !bad;
}

/* The tool ran to its end: its stdout must be one JSON object. */
static json_t *finished(const cli_sandbox *sb, const corral_run_result *r)
{
    sbuf m = {0};
    json_t *res = NULL;
    if (r->stdout_truncated) {
        sb_printf(&m, "the tool's output passed the capture limit of ");
        sb_size(&m, TOOL_CAPTURE_CAP);
        sb_printf(&m, " (%" PRIu64 " more bytes were dropped)", r->stdout_dropped);
        goto bad;
    }
    size_t start = 0;
    while (start < r->stdout_len && strchr(" \t\r\n", r->stdout_data[start]) != NULL)
        start++;
    if (start == r->stdout_len) {
        sb_printf(&m, "the tool printed no result (exit status %d, nothing on stdout)",
                  r->exit_code);
        goto bad;
    }
    /* What parsing it would cost, before jansson builds anything. */
    cli_json_scan scan;
    cli_json_prescan((const char *)r->stdout_data, r->stdout_len, TOOL_RESULT_MAX_VALUES,
                     TOOL_RESULT_MAX_DEPTH, &scan);
    if (scan.over != CLI_JSON_WITHIN) {
        sb_printf(&m, "the tool's output has ");
        cli_sb_json_over(&m, &scan, TOOL_RESULT_MAX_VALUES, TOOL_RESULT_MAX_DEPTH);
        sb_printf(&m, " (the limit of a result; exit status %d), at byte %zu; it began: ",
                  r->exit_code, scan.at);
        sb_quote(&m, r->stdout_data, r->stdout_len, TOOL_STDOUT_HEAD, 0);
        goto bad;
    }
    json_error_t je;
    res = json_loadb((const char *)r->stdout_data, r->stdout_len,
                     JSON_DISABLE_EOF_CHECK | JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES, &je);
    if (res == NULL || !json_is_object(res)) {
        sb_printf(&m, "the tool's output is not a JSON object (exit status %d): ", r->exit_code);
        if (res == NULL)
            sb_printf(&m, "%s at byte %d", je.text, je.position);
        else
            sb_printf(&m, "it is an array");
        sb_printf(&m, "; it began: ");
        sb_quote(&m, r->stdout_data, r->stdout_len, TOOL_STDOUT_HEAD, 0);
        json_decref(res);
        res = NULL;
        goto bad;
    }
    for (size_t i = (size_t)je.position; i < r->stdout_len; i++) {
        if (strchr(" \t\r\n", r->stdout_data[i]) == NULL) {
            sb_printf(&m, "the tool printed more than one JSON value (exit status %d): after the "
                          "object, at byte %zu: ",
                      r->exit_code, i);
            sb_quote(&m, r->stdout_data + i, r->stdout_len - i, 80, 0);
            json_decref(res);
            res = NULL;
            goto bad;
        }
    }
    /* The contract (docs/tools.md, "The contract"): a string content, a boolean
     * is_error and an object metadata, or the result is bad output.  A
     * status other than 0 or 1 is an error whatever the tool printed. */
    if (!result_shape_ok(res, &m, r->exit_code)) {
        sb_printf(&m, "; it began: ");
        sb_quote(&m, r->stdout_data, r->stdout_len, TOOL_STDOUT_HEAD, 0);
        json_decref(res);
        res = NULL;
        goto bad;
    }
    json_t *meta = json_object_get(res, "metadata");
    json_t *sbo = sandbox_obj(r);
    if (r->exit_code != 0 && r->exit_code != 1) {
        json_object_set_new(res, "is_error", json_true());
        json_object_set_new(sbo, "exit_code", json_integer(r->exit_code));
    }
    json_object_set_new(meta, "sandbox", sbo);
    free(m.p);
    return res;

bad:
    if (near_memory_cap(r, sb->run.max_memory)) {
        sb_printf(&m, " (it had reached its memory limit of ");
        sb_size(&m, sb->run.max_memory);
        sb_printf(&m, ", --max-memory %s)", sb->memory_arg != NULL ? sb->memory_arg : "512M");
    }
    res = run_error("bad_output", NULL, sb_str(&m), r);
    free(m.p);
    return res;
}


/* Network denials of one call: printed to stderr as they happen (as corral
 * run does) and kept for the result. */
typedef struct {
    json_t *list; /* array of the messages */
    const cli_call_hooks *hooks;
} denials;

static void on_denial(void *env, const char *msg)
{
    denials *d = env;
    flockfile(stderr);
    fprintf(stderr, "%s\n", msg);
    funlockfile(stderr);
    if (json_array_size(d->list) < 16)
        json_array_append_new(d->list, json_string(msg));
    if (d->hooks->on_denial != NULL)
        d->hooks->on_denial(d->hooks->env, msg);
}

/* A denied connection is a rule that fired: the result lists it in
 * metadata.sandbox.network_denied and, when the call failed, its content
 * names it (unless the tool already quoted it). */
static void add_denials(json_t *res, const denials *d)
{
    if (res == NULL || json_array_size(d->list) == 0)
        return;
    json_t *meta = json_object_get(res, "metadata");
    json_t *sb = json_object_get(meta, "sandbox");
    if (json_is_object(sb))
        json_object_set(sb, "network_denied", d->list);
    json_t *content = json_object_get(res, "content");
    const char *first = json_string_value(json_array_get(d->list, 0));
    if (json_is_true(json_object_get(res, "is_error")) && json_is_string(content) &&
        strstr(json_string_value(content), "disallowed destination") == NULL) {
        sbuf b = {0};
        sb_printf(&b, "%s\n%s", json_string_value(content), first);
        if (!b.oom)
            json_object_set_new(res, "content", json_string(b.p));
        free(b.p);
    }
}


/* ---- the host ------------------------------------------------------------------ */

cli_host *cli_host_new(json_t *m, const char *tools_dir)
{
    cli_host *h = calloc(1, sizeof *h);
    if (h == NULL)
        return NULL;
    corral_config cfg = {.consume_fuel = 1};
    json_t *tools = json_object_get(m, "tools");
    h->manifest = m;
    h->tools_dir = find_tools_dir(tools_dir);
    h->engine = corral_engine_new(&cfg);
    h->timer = corral_timer_new();
    h->nmods = json_array_size(tools);
    h->mods = calloc(h->nmods, sizeof *h->mods);
    if (h->engine == NULL || h->timer == NULL || h->mods == NULL) {
        corral_engine_free(h->engine);
        corral_timer_free(h->timer);
        free(h->mods);
        free(h->tools_dir);
        free(h);
        return NULL;
    }
    for (size_t i = 0; i < h->nmods; i++) {
        h->mods[i].tool = json_array_get(tools, i);
        pthread_mutex_init(&h->mods[i].mu, NULL);
    }
    return h;
}

void cli_host_free(cli_host *h)
{
    if (h == NULL)
        return;
    for (size_t i = 0; i < h->nmods; i++) {
        corral_module_free(h->mods[i].mod);
        free(h->mods[i].wasm);
        pthread_mutex_destroy(&h->mods[i].mu);
    }
    free(h->mods);
    corral_engine_free(h->engine);
    corral_timer_free(h->timer);
    free(h->tools_dir);
    free(h->cache_dir);
    free(h);
}

int cli_host_set_cache_dir(cli_host *h, const char *dir)
{
    free(h->cache_dir);
    h->cache_dir = dir != NULL ? strdup(dir) : NULL;
    return dir == NULL || h->cache_dir != NULL;
}

/* The module cache's warnings: on stderr, a line at a time. */
static void cache_warning(const char *msg, void *env)
{
    (void)env;
    flockfile(stderr);
    fprintf(stderr, "corral: warning: %s\n", msg);
    funlockfile(stderr);
}

/* tool's module, loading it if this is its first use (*load_ms: the time
 * that took, else 0).  NULL with the error result in *res. */
static const corral_module *module_of(cli_host *h, json_t *tool, double *load_ms, json_t **res,
                                      int *cache)
{
    host_module *hm = NULL;
    for (size_t i = 0; i < h->nmods; i++)
        if (h->mods[i].tool == tool)
            hm = &h->mods[i];
    *load_ms = 0;
    *res = NULL;
    *cache = h->cache_dir != NULL ? 1 : -1; /* loaded before: as good as a hit */
    if (hm == NULL) {
        *res = cli_error_result("internal", "the tool is not in the host's manifest");
        return NULL;
    }
    pthread_mutex_lock(&hm->mu);
    if (hm->mod != NULL) {
        pthread_mutex_unlock(&hm->mu);
        return hm->mod;
    }
    double t0 = now_ms();
    sbuf path = {0}, m = {0};
    size_t len = 0;
    uint8_t *wasm = NULL;
    corral_diag diag = {0, -1};
    /* (a module found in the cache by the file's identity may not need
     * its bytes: the file is then not read) */
    corral_cache_info ci = {-1, cache_warning, NULL, NULL, CORRAL_BORROW_BYTES};
    const char *err = "cannot find the corral binary's directory";
    sb_printf(&path, "%s/%s", h->tools_dir != NULL ? h->tools_dir : ".",
              cli_tool_str(tool, "file"));
    if (h->tools_dir != NULL)
        err = corral_module_load_file(h->engine, h->cache_dir, sb_str(&path), &wasm, &len,
                                      &hm->mod, &diag, &ci);
    if (err != NULL && wasm == NULL && hm->mod == NULL) {
        sb_printf(&m, "tool '%s' is not installed: cannot read %s: %s (build the tools with "
                      "make, or name their directory with --tools-dir or CORRAL_TOOLS_DIR)",
                  cli_tool_str(tool, "name"), sb_str(&path),
                  h->tools_dir == NULL ? err : strerror(errno));
        *res = cli_error_result("not_installed", sb_str(&m));
    } else {
        *cache = ci.hit;
        if (err != NULL) {
            sb_printf(&m, "the tool could not start: %s: %s (at byte offset 0x%" PRIx64 ")",
                      sb_str(&path), err, diag.offset);
            *res = cli_error_result("load_error", sb_str(&m));
            hm->mod = NULL;
        } else {
            hm->wasm = wasm; /* kept with the module */
            wasm = NULL;
        }
    }
    const corral_module *mod = hm->mod;
    pthread_mutex_unlock(&hm->mu);
    *load_ms = now_ms() - t0;
    free(wasm);
    free(path.p);
    free(m.p);
    return mod;
}

int cli_host_preload(cli_host *h, json_t *tool, char **why)
{
    double ms;
    json_t *res;
    int cache;
    *why = NULL;
    if (module_of(h, tool, &ms, &res, &cache) != NULL)
        return 1;
    const char *msg = json_string_value(json_object_get(res, "content"));
    *why = strdup(msg != NULL ? msg : "cannot load the tool");
    json_decref(res);
    return 0;
}

int cli_host_uses_network(cli_host *h, json_t *tool)
{
    double ms;
    json_t *res;
    int cache;
    const corral_module *m = module_of(h, tool, &ms, &res, &cache);
    json_decref(res);
    if (m == NULL)
        return 1; /* cannot tell: assume it may */
    for (uint32_t i = 0; i < corral_module_import_count(m); i++) {
        const char *mod, *name;
        corral_extern_kind kind;
        corral_module_import(m, i, &mod, &name, &kind);
        if (strcmp(mod, "corral_net") == 0)
            return 1;
    }
    return 0;
}

/* ---- host paths ---------------------------------------------------------------- */

/* If path is host_dir or lies under it, the guest path it is in a
 * directory mapped as guest (absolute); malloc'd, or NULL. */
static char *guest_path_in(const char *path, const char *host_dir, const char *guest)
{
    size_t n = strlen(host_dir);
    while (n > 1 && host_dir[n - 1] == '/')
        n--;
    if (n <= 1 || strncmp(path, host_dir, n) != 0 || (path[n] != '/' && path[n] != '\0'))
        return NULL;
    const char *rest = path + n;
    while (*rest == '/')
        rest++;
    sbuf b = {0};
    size_t g = strlen(guest);
    while (g > 1 && guest[g - 1] == '/')
        g--;
    if (*rest == '\0')
        sb_printf(&b, "%.*s", (int)g, guest);
    else
        sb_printf(&b, "%.*s%s%s", (int)g, guest, g == 1 ? "" : "/", rest);
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
}

/* A directory's host path as the path of an input may spell it: absolute
 * (relative ones are taken from the current directory) and without . or
 * symbolic links.  malloc'd, or NULL. */
static char *canonical_dir(const char *dir)
{
    char buf[PATH_MAX];
    if (realpath(dir, buf) == NULL)
        return NULL;
    return strdup(buf);
}

/* Models trained on other agents send absolute host paths: a path input
 * that names a place inside the work dir or a directory mapped to an
 * absolute guest path becomes that guest path.  Anything else stays as it
 * is and is resolved inside the sandbox (never outside it) as before.
 * The deepest mapping wins (a --map-dir inside the work dir). */
static void map_host_paths(json_t *tool, json_t *input, const corral_run_options *r)
{
    size_t i;
    json_t *key;
    json_array_foreach(json_object_get(tool, "path_inputs"), i, key) {
        const char *k = json_string_value(key);
        const char *v = json_string_value(json_object_get(input, k));
        if (v == NULL || v[0] != '/')
            continue;
        char *best = NULL;
        size_t best_len = 0;
        for (size_t d = 0; d <= r->nmap_dirs; d++) {
            const char *host = d == 0 ? r->work_dir : r->map_dirs[d - 1].host;
            const char *guest = d == 0 ? "/" : r->map_dirs[d - 1].guest;
            if (host == NULL || guest[0] != '/')
                continue;
            char *canon = canonical_dir(host);
            const char *spellings[2] = {host, canon};
            for (int s = 0; s < 2; s++) {
                if (spellings[s] == NULL || spellings[s][0] != '/')
                    continue;
                char *g = guest_path_in(v, spellings[s], guest);
                if (g != NULL && strlen(spellings[s]) > best_len) {
                    free(best);
                    best = g;
                    best_len = strlen(spellings[s]);
                } else {
                    free(g);
                }
            }
            free(canon);
        }
        if (best != NULL)
            json_object_set_new(input, k, json_string(best));
        free(best);
    }
}

/* ---- one call ------------------------------------------------------------------ */

static void print_stats(const corral_run_result *r, double load_ms)
{
    fprintf(stderr, "fuel used:   %" PRIu64 "\n", r->fuel_used);
    fprintf(stderr, "wall time:   %.3f ms (load %.3f ms, run %.3f ms)\n", r->elapsed_ms + load_ms,
            load_ms, r->elapsed_ms);
    fprintf(stderr, "peak memory: %" PRIu64 " bytes linear\n", r->peak_memory_bytes);
    fprintf(stderr, "start:       %.3f ms to the first guest instruction\n",
            r->start_ms + load_ms);
    fprintf(stderr, "cache:       %s\n", r->cache < 0 ? "off" : r->cache ? "hit" : "miss");
}

json_t *cli_host_call(cli_host *h, json_t *tool, json_t *input, const cli_sandbox *sb,
                      const cli_call_hooks *hooks, int *bad_option)
{
    static const cli_call_hooks no_hooks;
    const cli_call_hooks *hk = hooks != NULL ? hooks : &no_hooks;
    json_t *res = NULL;
    char *stdin_text = NULL;
    sbuf why = {0};
    *bad_option = 0;

    char *bad = cli_input_bounds(tool, input);
    if (bad == NULL)
        bad = cli_input_check(tool, input);
    if (bad != NULL) {
        res = cli_error_result("invalid_input", bad);
        free(bad);
        goto out;
    }
    map_host_paths(tool, input, &sb->run);
    double load_ms;
    int cache;
    const corral_module *mod = module_of(h, tool, &load_ms, &res, &cache);
    if (mod == NULL)
        goto out;
    stdin_text = json_dumps(input, JSON_COMPACT | TOOL_JSON_FLAGS);
    if (stdin_text == NULL) {
        res = cli_error_result("internal", "out of memory");
        goto out;
    }

    /* This call's options: a copy of the sandbox's, never written back. */
    corral_run_options run = sb->run;
    const char *argv0[1] = {cli_tool_str(tool, "file")};
    run.argv = argv0;
    run.argc = 1;
    run.stdin_data = (const uint8_t *)stdin_text;
    run.stdin_len = strlen(stdin_text);
    run.inherit_stdin = 0;
    run.capture_cap = TOOL_CAPTURE_CAP;
    run.measure_fuel = 1;
    run.timeout_ms = call_timeout(sb, tool, input, &why);
    run.on_store = hk->on_store;
    run.on_store_env = hk->env;
    run.timer = h->timer;

    /* The guest's network (net/): the policy of the flags and defaults. */
    denials dn = {json_array(), hk};
    net_config nc = {.policy = &sb->policy, .run_timeout_ms = run.timeout_ms,
                     .log = on_denial, .log_env = &dn};
    net_ctx *net = net_new(&nc);
    if (net == NULL || dn.list == NULL) {
        net_free(net);
        json_decref(dn.list);
        res = cli_error_result("internal", "out of memory");
        goto out;
    }
    run.link = net_link;
    run.link_env = net;

    corral_run_result r;
    corral_run_module(h->engine, mod, &run, &r);
    r.cache = cache;
    net_free(net); /* closes what the guest left open */
    if (hk->stats)
        print_stats(&r, load_ms);
    /* The first call of a tool pays for loading it. */
    r.elapsed_ms += load_ms;
    switch (r.outcome) {
    case CORRAL_RUN_BAD_OPTION:
        *bad_option = 1;
        res = cli_error_result("bad_option", r.error != NULL ? r.error : "bad option");
        break;
    case CORRAL_RUN_EXITED:
        res = finished(sb, &r);
        break;
    default:
        res = stopped(sb, run.timeout_ms, &r, sb_str(&why));
        break;
    }
    add_denials(res, &dn);
    json_decref(dn.list);
    /* What the tool said on stderr is for the person running corral; an
     * error result also carries its tail in metadata.stderr. */
    if (hk->echo_stderr && r.stderr_len > 0 && r.outcome == CORRAL_RUN_EXITED) {
        flockfile(stderr);
        fwrite(r.stderr_data, 1, r.stderr_len, stderr);
        if (r.stderr_data[r.stderr_len - 1] != '\n')
            fputc('\n', stderr);
        funlockfile(stderr);
    }
    corral_run_result_free(&r);
out:
    json_decref(input);
    free(stdin_text);
    free(why.p);
    return res;
}
