/*
 * runner.c - runs one wast2json JSON file of the official spec suite
 * against libcorral.
 *
 *   spec-runner [-v] FILE.json
 *
 * Every command of the file is executed in order, with one store and one
 * linker for the whole file (registered modules must see each other).
 * Output, meant both for people and for spec-tests/run.sh:
 *
 *   NAME.wast:LINE: KIND: what was expected vs what happened   (a failure)
 *   #kind KIND PASSED FAILED SKIPPED                           (per kind)
 *   #file NAME.wast PASSED FAILED SKIPPED                      (the total)
 *
 * The exit status is 0 when no command failed, 1 otherwise, 2 on a usage or
 * I/O problem.  A crash prints the line of the command that caused it.
 */
#define _XOPEN_SOURCE 700 /* sigaction, sigaltstack, write */

#include "corral.h"

#include <ctype.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- command kinds and counters ----------------------------------------- */

enum kind {
    K_MODULE,
    K_REGISTER,
    K_ACTION,
    K_RETURN,
    K_TRAP,
    K_EXHAUSTION,
    K_INVALID,
    K_MALFORMED,
    K_UNLINKABLE,
    K_UNINSTANTIABLE,
    K_COUNT
};

static const char *const kind_names[K_COUNT] = {
    "module",         "register",         "action",           "assert_return",
    "assert_trap",    "assert_exhaustion", "assert_invalid",  "assert_malformed",
    "assert_unlinkable", "assert_uninstantiable",
};

enum outcome { PASS, FAIL, SKIP };

/* Upper bound on params/results of one call; the suite needs fewer than 20. */
#define MAX_VALS 256

typedef struct {
    char *name; /* "$M1" style name from the script */
    corral_instance *inst;
} named_inst;

typedef struct {
    const char *wast; /* source file name, for messages */
    char *dir;        /* directory of the JSON file; .wasm files live there */
    int verbose;
    int line; /* line of the command being run */

    corral_engine *engine;
    corral_store *store;
    corral_linker *linker;
    corral_instance *current; /* the last module instantiated, or NULL */

    named_inst *names;
    size_t nnames;
    corral_module **mods; /* every module loaded; freed at the end */
    size_t nmods;

    unsigned long count[K_COUNT][3]; /* indexed by enum outcome */
} runner;

/* What an action produced. */
typedef struct {
    const char *trap; /* the engine's trap message, or NULL */
    uint32_t n;
    corral_valtype types[MAX_VALS];
    corral_val vals[MAX_VALS];
} result;

/* ---- crash reporting ------------------------------------------------------ */

/* The signal handler may only read these; they are the one piece of global
 * state, because a handler has no other way to know where we were. */
static const char *crash_wast = "?";
static volatile sig_atomic_t crash_line;

static void put_str(const char *s)
{
    ssize_t ignored = write(2, s, strlen(s));
    (void)ignored;
}

/* Async-signal-safe: no stdio, no malloc. */
static void on_crash(int sig)
{
    char num[24];
    char *p = num + sizeof num - 1;
    long v = crash_line;
    *p = '\0';
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    put_str(crash_wast);
    put_str(":");
    put_str(p);
    put_str(sig == SIGTERM ? ": crash: the runner was stopped (timeout?) in this command\n"
                           : ": crash: the runner died of a signal in this command\n");
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_crash_handler(void)
{
    /* An engine that overflows the C stack must still get its report out,
     * so the handler runs on a stack of its own. */
    static char alt[1 << 16];
    stack_t ss = {0};
    ss.ss_sp = alt;
    ss.ss_size = sizeof alt;
    sigaltstack(&ss, NULL);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_crash;
    sa.sa_flags = SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    /* SIGTERM too: run.sh's timeout sends it to a runner that hangs. */
    int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTERM};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
}

/* ---- small helpers --------------------------------------------------------- */

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "spec-runner: out of memory\n");
        exit(2);
    }
    return p;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

/* Print one failure line: FILE:LINE: KIND: message. */
static enum outcome failf(runner *r, enum kind k, const char *fmt, ...)
{
    va_list ap;
    printf("%s:%d: %s: ", r->wast, r->line, kind_names[k]);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    return FAIL;
}

static const char *str_field(json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* wast2json writes integers as unsigned decimal; accept a sign anyway. */
static uint64_t parse_u64(const char *s)
{
    if (!s)
        return 0;
    if (*s == '-')
        return (uint64_t)strtoll(s, NULL, 10);
    return strtoull(s, NULL, 10);
}

/* Does an engine message agree with the expected text?  The reference
 * interpreter checks that its message starts with the expected one.  An
 * engine may also leave out an index that the script spells out
 * ("uninitialized element" for "uninitialized element 2"). */
static int msg_matches(const char *got, const char *want)
{
    size_t g = strlen(got), w = strlen(want);
    if (g >= w)
        return strncmp(got, want, w) == 0;
    return g > 0 && strncmp(got, want, g) == 0 && want[g] == ' ' && isdigit((unsigned char)want[g + 1]);
}

/* Looser, for validation and decoding errors: containment either way. */
static int msg_close(const char *got, const char *want)
{
    return strstr(got, want) != NULL || (*got && strstr(want, got) != NULL);
}

/* ---- values -------------------------------------------------------------- */

/* externref values of the script (ref.extern N) are host pointers; N is
 * encoded as N + 1 so that ref.extern 0 differs from ref.null.  The engine
 * never dereferences them. */
static void *extern_ref(uint64_t n)
{
    return (void *)(uintptr_t)(n + 1);
}

static int type_of(const char *s, corral_valtype *t)
{
    static const struct {
        const char *name;
        corral_valtype t;
    } map[] = {
        {"i32", CORRAL_I32},   {"i64", CORRAL_I64},         {"f32", CORRAL_F32},
        {"f64", CORRAL_F64},   {"v128", CORRAL_V128},       {"funcref", CORRAL_FUNCREF},
        {"externref", CORRAL_EXTERNREF},
    };
    for (size_t i = 0; s && i < sizeof map / sizeof map[0]; i++)
        if (strcmp(s, map[i].name) == 0) {
            *t = map[i].t;
            return 1;
        }
    return 0;
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

/* Lane width in bytes of a v128 "lane_type", or 0. */
static unsigned lane_bytes(const char *lane)
{
    if (!lane)
        return 0;
    if (strcmp(lane, "i8") == 0)
        return 1;
    if (strcmp(lane, "i16") == 0)
        return 2;
    if (strcmp(lane, "i32") == 0 || strcmp(lane, "f32") == 0)
        return 4;
    if (strcmp(lane, "i64") == 0 || strcmp(lane, "f64") == 0)
        return 8;
    return 0;
}

/* Store a lane little-endian, as wasm lays v128 out in memory. */
static void put_lane(uint8_t *v, unsigned idx, unsigned width, uint64_t x)
{
    for (unsigned b = 0; b < width; b++)
        v[idx * width + b] = (uint8_t)(x >> (8 * b));
}

static uint64_t get_lane(const uint8_t *v, unsigned idx, unsigned width)
{
    uint64_t x = 0;
    for (unsigned b = 0; b < width; b++)
        x |= (uint64_t)v[idx * width + b] << (8 * b);
    return x;
}

/* An argument value of the script.  Returns 0 if it cannot be built. */
static int parse_arg(json_t *j, corral_val *out)
{
    const char *ty = str_field(j, "type");
    json_t *value = json_object_get(j, "value");
    const char *s = json_string_value(value);
    memset(out, 0, sizeof *out);
    if (!type_of(ty, &out->type))
        return 0;
    switch (out->type) {
    case CORRAL_I32: out->of.i32 = (int32_t)(uint32_t)parse_u64(s); return 1;
    case CORRAL_F32: out->of.f32_bits = (uint32_t)parse_u64(s); return 1;
    case CORRAL_I64: out->of.i64 = (int64_t)parse_u64(s); return 1;
    case CORRAL_F64: out->of.f64_bits = parse_u64(s); return 1;
    case CORRAL_FUNCREF: /* only ref.null func can be written as an argument */
        out->of.ref = NULL;
        return !s || strcmp(s, "null") == 0;
    case CORRAL_EXTERNREF:
        out->of.ref = (!s || strcmp(s, "null") == 0) ? NULL : extern_ref(parse_u64(s));
        return 1;
    case CORRAL_V128: {
        unsigned w = lane_bytes(str_field(j, "lane_type"));
        if (!w || json_array_size(value) != 16 / w)
            return 0;
        for (unsigned i = 0; i < 16 / w; i++)
            put_lane(out->of.v128, i, w, parse_u64(json_string_value(json_array_get(value, i))));
        return 1;
    }
    }
    return 0;
}

/* NaN patterns: canonical = quiet bit only; arithmetic = quiet bit set. */
static int float_matches(const char *want, uint64_t got, unsigned width)
{
    uint64_t sign = width == 4 ? 0x80000000u : 0x8000000000000000u;
    uint64_t canon = width == 4 ? 0x7fc00000u : 0x7ff8000000000000u;
    if (strcmp(want, "nan:canonical") == 0)
        return (got & ~sign) == canon;
    if (strcmp(want, "nan:arithmetic") == 0)
        return (got & canon) == canon;
    return got == parse_u64(want);
}

static int v128_matches(json_t *exp, const uint8_t *got)
{
    const char *lane = str_field(exp, "lane_type");
    json_t *value = json_object_get(exp, "value");
    unsigned w = lane_bytes(lane);
    if (!w || json_array_size(value) != 16 / w)
        return 0;
    int is_float = lane[0] == 'f';
    for (unsigned i = 0; i < 16 / w; i++) {
        const char *s = json_string_value(json_array_get(value, i));
        uint64_t x = get_lane(got, i, w);
        if (!s)
            return 0;
        if (is_float ? !float_matches(s, x, w) : x != (parse_u64(s) & (w == 8 ? ~0ull : (1ull << (8 * w)) - 1)))
            return 0;
    }
    return 1;
}

/* Does a result (of type t) match an expected value of the script? */
static int value_matches(json_t *exp, corral_valtype t, const corral_val *got)
{
    corral_valtype want;
    const char *s = str_field(exp, "value");
    if (!type_of(str_field(exp, "type"), &want) || want != t)
        return 0;
    switch (t) {
    case CORRAL_I32: return s && (uint32_t)got->of.i32 == (uint32_t)parse_u64(s);
    case CORRAL_I64: return s && (uint64_t)got->of.i64 == parse_u64(s);
    case CORRAL_F32: return s && float_matches(s, got->of.f32_bits, 4);
    case CORRAL_F64: return s && float_matches(s, got->of.f64_bits, 8);
    case CORRAL_V128: return v128_matches(exp, got->of.v128);
    case CORRAL_FUNCREF:
    case CORRAL_EXTERNREF:
        if (!s) /* (ref.func) / (ref.extern) without index: any non-null */
            return got->of.ref != NULL;
        if (strcmp(s, "null") == 0)
            return got->of.ref == NULL;
        return t == CORRAL_EXTERNREF && got->of.ref == extern_ref(parse_u64(s));
    }
    return 0;
}

/* Print a result for a failure message. */
static void format_value(char *buf, size_t n, corral_valtype t, const corral_val *v)
{
    switch (t) {
    case CORRAL_I32: snprintf(buf, n, "i32:%u", (unsigned)v->of.i32); break;
    case CORRAL_I64: snprintf(buf, n, "i64:%llu", (unsigned long long)v->of.i64); break;
    case CORRAL_F32: snprintf(buf, n, "f32:%u (0x%08x)", (unsigned)v->of.f32_bits, (unsigned)v->of.f32_bits); break;
    case CORRAL_F64:
        snprintf(buf, n, "f64:%llu (0x%016llx)", (unsigned long long)v->of.f64_bits,
                 (unsigned long long)v->of.f64_bits);
        break;
    case CORRAL_V128: {
        size_t k = (size_t)snprintf(buf, n, "v128:i8x16");
        for (int i = 0; i < 16 && k < n; i++)
            k += (size_t)snprintf(buf + k, n - k, " %u", v->of.v128[i]);
        break;
    }
    case CORRAL_FUNCREF:
    case CORRAL_EXTERNREF:
        if (!v->of.ref)
            snprintf(buf, n, "%s:null", type_name(t));
        else if (t == CORRAL_EXTERNREF)
            snprintf(buf, n, "externref:%llu", (unsigned long long)((uintptr_t)v->of.ref - 1));
        else
            snprintf(buf, n, "funcref:%p", v->of.ref);
        break;
    default: snprintf(buf, n, "?"); break;
    }
}

/* ---- modules and instances ------------------------------------------------ */

static corral_instance *find_instance(runner *r, const char *name)
{
    if (!name)
        return r->current;
    for (size_t i = r->nnames; i-- > 0;) /* the newest binding wins */
        if (strcmp(r->names[i].name, name) == 0)
            return r->names[i].inst;
    return NULL;
}

static void bind_name(runner *r, const char *name, corral_instance *inst)
{
    r->names = realloc(r->names, (r->nnames + 1) * sizeof *r->names);
    if (!r->names) {
        fprintf(stderr, "spec-runner: out of memory\n");
        exit(2);
    }
    r->names[r->nnames].name = xstrdup(name);
    r->names[r->nnames].inst = inst;
    r->nnames++;
}

static void keep_module(runner *r, corral_module *m)
{
    r->mods = realloc(r->mods, (r->nmods + 1) * sizeof *r->mods);
    if (!r->mods) {
        fprintf(stderr, "spec-runner: out of memory\n");
        exit(2);
    }
    r->mods[r->nmods++] = m;
}

/* Read a .wasm file next to the JSON file.  Returns NULL (and says why) if
 * it cannot be read. */
static uint8_t *read_wasm(runner *r, const char *filename, size_t *len)
{
    size_t pathlen = strlen(r->dir) + strlen(filename) + 2;
    char *path = xmalloc(pathlen);
    snprintf(path, pathlen, "%s/%s", r->dir, filename);
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    if (f && fseek(f, 0, SEEK_END) == 0) {
        long size = ftell(f);
        if (size >= 0 && fseek(f, 0, SEEK_SET) == 0) {
            buf = xmalloc((size_t)size);
            if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
                free(buf);
                buf = NULL;
            }
            *len = (size_t)size;
        }
    }
    if (!buf)
        fprintf(stderr, "spec-runner: cannot read %s\n", path);
    if (f)
        fclose(f);
    free(path);
    return buf;
}

/* Decode and validate a module file.  *io is set when the file could not be
 * read; otherwise the engine's error (or NULL) is returned. */
static const char *load_module(runner *r, const char *filename, corral_module **out, int *io)
{
    size_t len = 0;
    *out = NULL;
    *io = 0;
    if (!filename) {
        *io = 1;
        return "no filename";
    }
    uint8_t *bytes = read_wasm(r, filename, &len);
    if (!bytes) {
        *io = 1;
        return "cannot read the .wasm file";
    }
    const char *err = corral_module_new(r->engine, bytes, len, out, NULL);
    free(bytes);
    if (err)
        *out = NULL;
    else
        keep_module(r, *out);
    return err;
}

/* ---- actions ---------------------------------------------------------------- */

/* Run an invoke or get action.  Returns 1 when it ran (a trap is left in
 * res->trap), 0 after reporting a problem of the script or of the API
 * (unknown export, bad argument), -1 when it cannot be expressed. */
static int run_action(runner *r, enum kind k, json_t *action, result *res)
{
    const char *type = str_field(action, "type");
    const char *field = str_field(action, "field");
    const char *modname = str_field(action, "module");
    corral_instance *inst = find_instance(r, modname);
    memset(res, 0, sizeof *res);
    if (!inst)
        return failf(r, k, "no instance %s", modname ? modname : "(current)"), 0;
    if (!field)
        return failf(r, k, "action without a field"), 0;
    /* names.wast has export names with NUL in them: pass the length. */
    size_t field_len = json_string_length(json_object_get(action, "field"));

    if (type && strcmp(type, "get") == 0) {
        if (!corral_instance_global(inst, field, &res->vals[0]))
            return failf(r, k, "no exported global \"%s\"", field), 0;
        res->n = 1;
        res->types[0] = res->vals[0].type;
        return 1;
    }
    if (!type || strcmp(type, "invoke") != 0)
        return failf(r, k, "unknown action type %s", type ? type : "(none)"), 0;

    corral_func *f = corral_instance_func_len(inst, field, field_len);
    if (!f)
        return failf(r, k, "no exported function \"%s\"", field), 0;
    uint32_t np = 0, nr = 0;
    corral_func_type(f, &np, NULL, &nr, NULL);
    json_t *args = json_object_get(action, "args");
    if (np > MAX_VALS || nr > MAX_VALS || np != json_array_size(args))
        return failf(r, k, "\"%s\" takes %u params and %u results; the script passes %zu args",
                     field, np, nr, json_array_size(args)),
               0;

    corral_val argv[MAX_VALS];
    for (uint32_t i = 0; i < np; i++)
        if (!parse_arg(json_array_get(args, i), &argv[i]))
            return failf(r, k, "cannot build argument %u of \"%s\"", i, field), 0;
    corral_func_type(f, &np, NULL, &nr, res->types);
    res->n = nr;
    res->trap = corral_call(r->store, f, argv, np, res->vals, nr);
    return 1;
}

/* Compare an action's results with the "expected" array. */
static enum outcome check_results(runner *r, enum kind k, json_t *expected, const result *res)
{
    size_t n = json_array_size(expected);
    if (res->n != n)
        return failf(r, k, "expected %zu results, got %u", n, res->n);
    for (size_t i = 0; i < n; i++) {
        json_t *exp = json_array_get(expected, i);
        if (value_matches(exp, res->types[i], &res->vals[i]))
            continue;
        char got[160];
        char *want = json_dumps(exp, JSON_COMPACT);
        format_value(got, sizeof got, res->types[i], &res->vals[i]);
        failf(r, k, "result %zu: expected %s, got %s", i, want ? want : "?", got);
        free(want);
        return FAIL;
    }
    return PASS;
}

/* action, assert_return */
static enum outcome cmd_return(runner *r, enum kind k, json_t *cmd)
{
    result res;
    int ran = run_action(r, k, json_object_get(cmd, "action"), &res);
    if (ran <= 0)
        return ran < 0 ? SKIP : FAIL;
    if (res.trap)
        return failf(r, k, "expected a return, got trap \"%s\"", res.trap);
    if (k == K_ACTION) /* a bare action only has to run without a trap */
        return PASS;
    return check_results(r, k, json_object_get(cmd, "expected"), &res);
}

/* assert_trap, assert_exhaustion */
static enum outcome cmd_trap(runner *r, enum kind k, json_t *cmd)
{
    result res;
    const char *want = str_field(cmd, "text");
    int ran = run_action(r, k, json_object_get(cmd, "action"), &res);
    if (ran <= 0)
        return ran < 0 ? SKIP : FAIL;
    if (!res.trap)
        return failf(r, k, "expected trap \"%s\", got a return", want ? want : "");
    if (want && !msg_matches(res.trap, want))
        return failf(r, k, "expected trap \"%s\", got \"%s\"", want, res.trap);
    return PASS;
}

/* ---- module commands ------------------------------------------------------ */

static enum outcome cmd_module(runner *r, json_t *cmd)
{
    corral_module *m;
    corral_instance *inst = NULL;
    int io;
    const char *name = str_field(cmd, "name");
    const char *err = load_module(r, str_field(cmd, "filename"), &m, &io);
    r->current = NULL; /* later commands must not run against an older module */
    if (err)
        return failf(r, K_MODULE, "%s: \"%s\"", io ? "cannot load" : "rejected", err);
    err = corral_instantiate(r->linker, m, &inst);
    if (err)
        return failf(r, K_MODULE, "instantiation failed: \"%s\"", err);
    r->current = inst;
    if (name)
        bind_name(r, name, inst);
    return PASS;
}

static enum outcome cmd_register(runner *r, json_t *cmd)
{
    const char *name = str_field(cmd, "name");
    const char *as = str_field(cmd, "as");
    corral_instance *inst = find_instance(r, name);
    if (!inst || !as)
        return failf(r, K_REGISTER, "no instance %s to register", name ? name : "(current)");
    const char *err = corral_linker_define_instance(r->linker, as, inst);
    if (err)
        return failf(r, K_REGISTER, "register as \"%s\" failed: \"%s\"", as, err);
    return PASS;
}

/* assert_invalid, assert_malformed: the module must not load.  Only binary
 * modules can be run; the text ones test the text parser, which corral
 * does not have.  A different message still passes (-v prints it). */
static enum outcome cmd_reject(runner *r, enum kind k, json_t *cmd)
{
    const char *mt = str_field(cmd, "module_type");
    const char *want = str_field(cmd, "text");
    corral_module *m;
    int io;
    if (mt && strcmp(mt, "binary") != 0)
        return SKIP;
    const char *err = load_module(r, str_field(cmd, "filename"), &m, &io);
    if (io)
        return failf(r, k, "cannot load: %s", err);
    if (!err)
        return failf(r, k, "expected \"%s\", but the module loaded", want ? want : "");
    if (r->verbose && want && !msg_close(err, want))
        printf("%s:%d: %s: note: expected \"%s\", got \"%s\"\n", r->wast, r->line,
               kind_names[k], want, err);
    return PASS;
}

/* assert_unlinkable, assert_uninstantiable: loads, then fails to
 * instantiate with the expected message. */
static enum outcome cmd_no_instance(runner *r, enum kind k, json_t *cmd)
{
    const char *want = str_field(cmd, "text");
    corral_module *m;
    corral_instance *inst = NULL;
    int io;
    const char *err = load_module(r, str_field(cmd, "filename"), &m, &io);
    if (err)
        return failf(r, k, "%s: \"%s\"", io ? "cannot load" : "module rejected", err);
    err = corral_instantiate(r->linker, m, &inst);
    if (!err)
        return failf(r, k, "expected \"%s\", but instantiation succeeded", want ? want : "");
    if (want && !msg_matches(err, want))
        return failf(r, k, "expected \"%s\", got \"%s\"", want, err);
    return PASS;
}

/* ---- the spectest module ----------------------------------------------------- */

/*
 * The spectest module of the suite, hand-assembled.  The C API cannot make
 * globals, tables or memories, so they come from this module, and its
 * functions are imports from host functions that it re-exports:
 *
 *   (module
 *     (import "spectest_host" "print"         (func))
 *     (import "spectest_host" "print_i32"     (func (param i32)))
 *     (import "spectest_host" "print_i64"     (func (param i64)))
 *     (import "spectest_host" "print_f32"     (func (param f32)))
 *     (import "spectest_host" "print_f64"     (func (param f64)))
 *     (import "spectest_host" "print_i32_f32" (func (param i32 f32)))
 *     (import "spectest_host" "print_f64_f64" (func (param f64 f64)))
 *     (table (export "table") 10 20 funcref)
 *     (memory (export "memory") 1 2)
 *     (global (export "global_i32") i32 (i32.const 666))
 *     (global (export "global_i64") i64 (i64.const 666))
 *     (global (export "global_f32") f32 (f32.const 666.6))
 *     (global (export "global_f64") f64 (f64.const 666.6))
 *     (export "print" (func 0)) ... (export "print_f64_f64" (func 6)))
 */
#define NAME_PRINT 'p', 'r', 'i', 'n', 't'
#define NAME_HOST 13, 's', 'p', 'e', 'c', 't', 'e', 's', 't', '_', 'h', 'o', 's', 't'
#define NAME_GLOBAL 'g', 'l', 'o', 'b', 'a', 'l', '_'

static const uint8_t spectest_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, /* magic, version 1 */

    /* type section: 7 types, 30 bytes */
    0x01, 0x1e, 0x07,
    0x60, 0x00, 0x00,             /* 0: []        -> [] */
    0x60, 0x01, 0x7f, 0x00,       /* 1: [i32]     -> [] */
    0x60, 0x01, 0x7e, 0x00,       /* 2: [i64]     -> [] */
    0x60, 0x01, 0x7d, 0x00,       /* 3: [f32]     -> [] */
    0x60, 0x01, 0x7c, 0x00,       /* 4: [f64]     -> [] */
    0x60, 0x02, 0x7f, 0x7d, 0x00, /* 5: [i32 f32] -> [] */
    0x60, 0x02, 0x7c, 0x7c, 0x00, /* 6: [f64 f64] -> [] */

    /* import section: 7 functions from "spectest_host", 187 bytes */
    0x02, 0xbb, 0x01, 0x07,
    NAME_HOST, 5, NAME_PRINT, 0x00, 0,
    NAME_HOST, 9, NAME_PRINT, '_', 'i', '3', '2', 0x00, 1,
    NAME_HOST, 9, NAME_PRINT, '_', 'i', '6', '4', 0x00, 2,
    NAME_HOST, 9, NAME_PRINT, '_', 'f', '3', '2', 0x00, 3,
    NAME_HOST, 9, NAME_PRINT, '_', 'f', '6', '4', 0x00, 4,
    NAME_HOST, 13, NAME_PRINT, '_', 'i', '3', '2', '_', 'f', '3', '2', 0x00, 5,
    NAME_HOST, 13, NAME_PRINT, '_', 'f', '6', '4', '_', 'f', '6', '4', 0x00, 6,

    /* table section: funcref, min 10, max 20 */
    0x04, 0x05, 0x01, 0x70, 0x01, 0x0a, 0x14,

    /* memory section: min 1, max 2 pages */
    0x05, 0x04, 0x01, 0x01, 0x01, 0x02,

    /* global section: 4 immutable globals, 33 bytes */
    0x06, 0x21, 0x04,
    0x7f, 0x00, 0x41, 0x9a, 0x05, 0x0b,                         /* i32.const 666 */
    0x7e, 0x00, 0x42, 0x9a, 0x05, 0x0b,                         /* i64.const 666 */
    0x7d, 0x00, 0x43, 0x66, 0xa6, 0x26, 0x44, 0x0b,             /* f32.const 666.6 */
    0x7c, 0x00, 0x44, 0xcd, 0xcc, 0xcc, 0xcc, 0xcc, 0xd4, 0x84, 0x40, 0x0b, /* f64 666.6 */

    /* export section: 13 exports, 158 bytes */
    0x07, 0x9e, 0x01, 0x0d,
    5, NAME_PRINT, 0x00, 0,
    9, NAME_PRINT, '_', 'i', '3', '2', 0x00, 1,
    9, NAME_PRINT, '_', 'i', '6', '4', 0x00, 2,
    9, NAME_PRINT, '_', 'f', '3', '2', 0x00, 3,
    9, NAME_PRINT, '_', 'f', '6', '4', 0x00, 4,
    13, NAME_PRINT, '_', 'i', '3', '2', '_', 'f', '3', '2', 0x00, 5,
    13, NAME_PRINT, '_', 'f', '6', '4', '_', 'f', '6', '4', 0x00, 6,
    10, NAME_GLOBAL, 'i', '3', '2', 0x03, 0,
    10, NAME_GLOBAL, 'i', '6', '4', 0x03, 1,
    10, NAME_GLOBAL, 'f', '3', '2', 0x03, 2,
    10, NAME_GLOBAL, 'f', '6', '4', 0x03, 3,
    5, 't', 'a', 'b', 'l', 'e', 0x01, 0,
    6, 'm', 'e', 'm', 'o', 'r', 'y', 0x02, 0,
};

/* The print functions do nothing: the suite only checks that they link. */
static const char *host_print(corral_caller *c, void *env, const uint64_t *args,
                              uint64_t *results)
{
    (void)c, (void)env, (void)args, (void)results;
    return NULL;
}

/* Define "spectest" in the runner's linker.  Returns an error or NULL. */
static const char *define_spectest(runner *r)
{
    static const char *const sigs[][2] = {
        {"print", ":"},        {"print_i32", "i:"},      {"print_i64", "I:"},
        {"print_f32", "f:"},   {"print_f64", "F:"},      {"print_i32_f32", "if:"},
        {"print_f64_f64", "FF:"},
    };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        const char *err = corral_linker_define_func(r->linker, "spectest_host", sigs[i][0],
                                                    sigs[i][1], host_print, NULL);
        if (err)
            return err;
    }
    corral_module *m;
    corral_instance *inst;
    const char *err = corral_module_new(r->engine, spectest_wasm, sizeof spectest_wasm, &m, NULL);
    if (err)
        return err;
    keep_module(r, m);
    err = corral_instantiate(r->linker, m, &inst);
    if (err)
        return err;
    return corral_linker_define_instance(r->linker, "spectest", inst);
}

/* ---- driver ----------------------------------------------------------------- */

static int kind_of(const char *type, enum kind *k)
{
    if (!type)
        return 0;
    for (int i = 0; i < K_COUNT; i++)
        if (strcmp(type, kind_names[i]) == 0) {
            *k = (enum kind)i;
            return 1;
        }
    return 0;
}

static void run_command(runner *r, json_t *cmd)
{
    enum kind k;
    enum outcome o;
    const char *type = str_field(cmd, "type");
    r->line = (int)json_integer_value(json_object_get(cmd, "line"));
    crash_line = r->line;
    if (!kind_of(type, &k)) {
        printf("%s:%d: %s: note: unknown command, not run\n", r->wast, r->line,
               type ? type : "?");
        return;
    }
    switch (k) {
    case K_MODULE: o = cmd_module(r, cmd); break;
    case K_REGISTER: o = cmd_register(r, cmd); break;
    case K_ACTION:
    case K_RETURN: o = cmd_return(r, k, cmd); break;
    case K_TRAP:
    case K_EXHAUSTION: o = cmd_trap(r, k, cmd); break;
    case K_INVALID:
    case K_MALFORMED: o = cmd_reject(r, k, cmd); break;
    case K_UNLINKABLE:
    case K_UNINSTANTIABLE: o = cmd_no_instance(r, k, cmd); break;
    default: o = FAIL; break;
    }
    r->count[k][o]++;
}

static void print_counts(const runner *r)
{
    unsigned long tot[3] = {0, 0, 0};
    for (int k = 0; k < K_COUNT; k++) {
        printf("#kind %s %lu %lu %lu\n", kind_names[k], r->count[k][PASS], r->count[k][FAIL],
               r->count[k][SKIP]);
        for (int o = 0; o < 3; o++)
            tot[o] += r->count[k][o];
    }
    printf("#file %s %lu %lu %lu\n", r->wast, tot[PASS], tot[FAIL], tot[SKIP]);
}

/* Set up the engine, store and linker of one file.  Returns an error. */
static const char *runner_open(runner *r)
{
    /* SPEC_FUEL=1 runs the suite on fuel-lowered code (unlimited fuel):
     * the results must not change. */
    const char *fuel = getenv("SPEC_FUEL");
    corral_config cfg = {.consume_fuel = fuel && *fuel == '1'};
    corral_limits lim;
    corral_limits_default(&lim);
    /* Exhaustion tests recurse without end: a moderate stack makes them
     * quick, and still leaves room for the suite's deepest legal calls. */
    if (lim.max_stack_bytes > (16u << 20))
        lim.max_stack_bytes = 16u << 20;
    r->engine = corral_engine_new(&cfg);
    if (!r->engine)
        return "cannot create the engine";
    r->store = corral_store_new(r->engine, &lim);
    if (!r->store)
        return "cannot create the store";
    if (cfg.consume_fuel && corral_store_set_fuel(r->store, UINT64_MAX))
        return "cannot set fuel";
    r->linker = corral_linker_new(r->store);
    if (!r->linker)
        return "cannot create the linker";
    return define_spectest(r);
}

static void runner_close(runner *r)
{
    if (r->linker)
        corral_linker_free(r->linker);
    if (r->store)
        corral_store_free(r->store);
    for (size_t i = 0; i < r->nmods; i++)
        corral_module_free(r->mods[i]);
    if (r->engine)
        corral_engine_free(r->engine);
    for (size_t i = 0; i < r->nnames; i++)
        free(r->names[i].name);
    free(r->names);
    free(r->mods);
    free(r->dir);
}

/* The .wast name of a JSON file: its "source_filename", without folders. */
static const char *wast_name(json_t *root, const char *json_path)
{
    const char *src = str_field(root, "source_filename");
    if (!src)
        src = json_path;
    const char *slash = strrchr(src, '/');
    return slash ? slash + 1 : src;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return xstrdup(".");
    char *d = xmalloc((size_t)(slash - path) + 1);
    memcpy(d, path, (size_t)(slash - path));
    d[slash - path] = '\0';
    return d;
}

int main(int argc, char **argv)
{
    runner r;
    json_error_t jerr;
    const char *path = NULL;
    memset(&r, 0, sizeof r);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0)
            r.verbose = 1;
        else
            path = argv[i];
    }
    if (!path) {
        fprintf(stderr, "usage: spec-runner [-v] FILE.json\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0); /* a crash must not eat earlier lines */
    json_t *root = json_load_file(path, JSON_ALLOW_NUL, &jerr);
    if (!root) {
        fprintf(stderr, "spec-runner: %s:%d: %s\n", path, jerr.line, jerr.text);
        return 2;
    }
    r.wast = wast_name(root, path);
    r.dir = dir_of(path);
    crash_wast = r.wast;
    install_crash_handler();

    const char *err = runner_open(&r);
    if (err) {
        printf("%s:0: module: cannot set up spectest: \"%s\"\n", r.wast, err);
        r.count[K_MODULE][FAIL]++;
    } else {
        json_t *cmds = json_object_get(root, "commands");
        for (size_t i = 0; i < json_array_size(cmds); i++)
            run_command(&r, json_array_get(cmds, i));
    }
    print_counts(&r);
    int failed = 0;
    for (int k = 0; k < K_COUNT; k++)
        failed |= r.count[k][FAIL] != 0;
    runner_close(&r);
    json_decref(root);
    return failed;
}
