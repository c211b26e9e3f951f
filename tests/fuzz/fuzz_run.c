/*
 * fuzz_run.c - target (b): instantiate and run every exported function
 * under fuel, and compare fuel accounting on and off.
 *
 * Input: module bytes (the same corpus as fuzz_load).  Whatever loads is
 * run three times in lockstep, each in its own store:
 *   A  the fuel engine, a budget of FUEL_BUDGET for instantiation and for
 *      each call; it records the fuel U each step used;
 *   P  the plain engine (no fuel), only for the steps A finished, since
 *      nothing else bounds a loop there;
 *   E  the fuel engine again with a budget of exactly U for each step.
 * After every step (instantiation, then up to FUZZ_MAX_CALLS exported
 * functions in export order from one picked by a hash of the input, called
 * with arguments drawn from that hash) the three must agree: the trap
 * message or none, the results, what was passed to the imports, memory 0,
 * every exported global; and E must have used exactly U.  Then one step
 * is replayed in a fresh store with a budget of U-1: it must run out of
 * fuel ("budget U succeeds where U was used, U-1 runs out").
 * FUZZ_RUN_TRACE=1 prints each step: its outcome and the fuel it used.
 */
#include "fuzz.h"

#define FUEL_BUDGET 200000u
#define FUEL_MSG "all fuel consumed by WebAssembly"

static corral_engine *plain, *fuel;

typedef struct {
    corral_store *s;
    corral_linker *l;
    corral_instance *inst;
    fuzz_log log;
    fuzz_import imps[FUZZ_NIMPORTS];
    const char *err; /* of the last step */
    corral_val res[FUZZ_MAX_VALS];
    uint32_t nres;
    uint64_t used; /* fuel of the last step */
} runner;

/* What one step did, as A saw it. */
typedef struct {
    const char *err;
    uint64_t used;
} step;

static runner *runner_new(corral_engine *e)
{
    runner *r = calloc(1, sizeof *r);
    corral_limits lim;
    fuzz_limits(&lim);
    if (!r || !(r->s = corral_store_new(e, &lim)) || !(r->l = corral_linker_new(r->s)))
        fuzz_fail("out of memory setting up a store");
    fuzz_link(r->l, &r->log, r->imps);
    return r;
}

static void runner_free(runner *r)
{
    if (!r)
        return;
    corral_linker_free(r->l);
    corral_store_free(r->s);
    free(r);
}

static void set_fuel(runner *r, corral_engine *e, uint64_t budget)
{
    if (e == fuel) {
        const char *err = corral_store_set_fuel(r->s, budget);
        if (err)
            fuzz_fail("set_fuel: %s", err);
    }
}

/* The exported functions called: FUZZ_MAX_CALLS of them from the
 * first_call-th (set per input from its hash), wrapping around. */
static uint32_t nfuncs, first_call;

/* Step 0 is instantiation, step k > 0 the call of export function
 * (first_call + k - 1) % nfuncs. */
static void run_step(runner *r, corral_engine *e, const corral_module *m, uint32_t k,
                     uint64_t budget, uint64_t seed)
{
    set_fuel(r, e, budget);
    uint64_t before = corral_store_fuel_used(r->s);
    r->nres = 0;
    if (k == 0) {
        r->err = corral_instantiate(r->l, m, &r->inst);
        if ((r->err == NULL) != (r->inst != NULL))
            fuzz_fail("instantiate: error \"%s\" and instance %p", r->err ? r->err : "",
                      (void *)r->inst);
    } else {
        const char *name = NULL;
        corral_extern_kind kind;
        uint32_t want = (first_call + k - 1) % nfuncs;
        for (uint32_t i = 0, n = 0, ne = corral_module_export_count(m); i < ne; i++) {
            corral_module_export(m, i, &name, &kind);
            if (kind == CORRAL_EXTERN_FUNC && n++ == want)
                break;
        }
        corral_func *f = corral_instance_func(r->inst, name);
        if (!f)
            fuzz_fail("export %s is a function but not found", name);
        uint32_t np = 0, nr = 0;
        corral_valtype pt[FUZZ_MAX_VALS], rt[FUZZ_MAX_VALS];
        corral_func_type(f, &np, NULL, &nr, NULL);
        if (np > FUZZ_MAX_VALS || nr > FUZZ_MAX_VALS) {
            r->err = "skipped";
        } else {
            corral_val args[FUZZ_MAX_VALS];
            corral_func_type(f, &np, pt, &nr, rt);
            fuzz_args(pt, np, seed ^ k, args);
            memset(r->res, 0, sizeof r->res);
            r->err = corral_call(r->s, f, args, np, r->res, nr);
            r->nres = r->err ? 0 : nr;
        }
    }
    r->used = corral_store_fuel_used(r->s) - before;
}

static int same_val(const corral_val *a, const corral_val *b)
{
    if (a->type != b->type)
        return 0;
    switch (a->type) {
    case CORRAL_FUNCREF:
    case CORRAL_EXTERNREF: return (a->of.ref == NULL) == (b->of.ref == NULL);
    case CORRAL_I64:
    case CORRAL_F64: return a->of.i64 == b->of.i64;
    case CORRAL_V128: return memcmp(a->of.v128, b->of.v128, 16) == 0;
    default: return a->of.i32 == b->of.i32;
    }
}

/* A and B after the same step: the same in everything observable. */
static void compare(const corral_module *m, const runner *a, const runner *b, const char *what,
                    uint32_t k)
{
    if ((a->err == NULL) != (b->err == NULL) || (a->err && strcmp(a->err, b->err) != 0))
        fuzz_fail("step %u: %s: \"%s\" vs \"%s\"", k, what, a->err ? a->err : "ok",
                  b->err ? b->err : "ok");
    if (a->nres != b->nres)
        fuzz_fail("step %u: %s: %u vs %u results", k, what, a->nres, b->nres);
    for (uint32_t i = 0; i < a->nres; i++)
        if (!same_val(&a->res[i], &b->res[i]))
            fuzz_fail("step %u: %s: result %u differs (0x%llx vs 0x%llx)", k, what, i,
                      (unsigned long long)a->res[i].of.i64,
                      (unsigned long long)b->res[i].of.i64);
    if (!fuzz_log_equal(&a->log, &b->log))
        fuzz_fail("step %u: %s: the imports were called differently (%llu vs %llu calls)", k,
                  what, (unsigned long long)a->log.calls, (unsigned long long)b->log.calls);
    if (!a->inst || !b->inst)
        return;
    uint64_t sa = 0, sb = 0;
    uint8_t *ma = corral_instance_memory(a->inst, NULL, &sa);
    uint8_t *mb = corral_instance_memory(b->inst, NULL, &sb);
    if (sa != sb || (ma == NULL) != (mb == NULL) || (sa && memcmp(ma, mb, sa) != 0))
        fuzz_fail("step %u: %s: memory differs (%llu vs %llu bytes)", k, what,
                  (unsigned long long)sa, (unsigned long long)sb);
    for (uint32_t i = 0, n = corral_module_export_count(m); i < n; i++) {
        const char *name;
        corral_extern_kind kind;
        corral_module_export(m, i, &name, &kind);
        if (kind != CORRAL_EXTERN_GLOBAL)
            continue;
        corral_val ga, gb;
        int ha = corral_instance_global(a->inst, name, &ga);
        int hb = corral_instance_global(b->inst, name, &gb);
        if (!ha || !hb)
            fuzz_fail("global export %s not readable (%d, %d)", name, ha, hb);
        if (!same_val(&ga, &gb))
            fuzz_fail("step %u: %s: global %s differs", k, what, name);
    }
}

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
    corral_module *mp = NULL, *mf = NULL;
    if (corral_module_new(plain, data, size, &mp, NULL) != NULL)
        return 0;
    if (corral_module_new(fuel, data, size, &mf, NULL) != NULL)
        fuzz_fail("loads without fuel accounting, not with it");
    uint64_t seed = 0xcbf29ce484222325u;
    for (size_t i = 0; i < size; i++)
        seed = (seed ^ data[i]) * 0x100000001b3u;

    nfuncs = 0;
    for (uint32_t i = 0, n = corral_module_export_count(mp); i < n; i++) {
        const char *name;
        corral_extern_kind kind;
        corral_module_export(mp, i, &name, &kind);
        nfuncs += kind == CORRAL_EXTERN_FUNC;
    }
    first_call = nfuncs ? (uint32_t)((seed >> 32) % nfuncs) : 0;
    uint32_t nsteps = 1 + (nfuncs < FUZZ_MAX_CALLS ? nfuncs : FUZZ_MAX_CALLS);
    step steps[FUZZ_MAX_CALLS + 1];
    runner *a = runner_new(fuel), *p = runner_new(plain), *e = runner_new(fuel);
    uint32_t done = 0; /* steps A finished without running out of fuel */
    for (uint32_t k = 0; k < nsteps; k++) {
        run_step(a, fuel, mf, k, FUEL_BUDGET, seed);
        if (a->err && strcmp(a->err, "skipped") == 0)
            break;
        steps[k].err = a->err;
        steps[k].used = a->used;
        if (a->err && strcmp(a->err, FUEL_MSG) == 0) {
            if (a->used > FUEL_BUDGET)
                fuzz_fail("step %u used %llu fuel of a budget of %u", k,
                          (unsigned long long)a->used, FUEL_BUDGET);
            break;
        }
        run_step(p, plain, mp, k, 0, seed);
        run_step(e, fuel, mf, k, a->used, seed);
        compare(mp, a, p, "fuel on vs off", k);
        compare(mp, a, e, "budget U vs budget FUEL_BUDGET", k);
        if (e->used != a->used)
            fuzz_fail("step %u: used %llu with a budget of %u, %llu with a budget of exactly "
                      "that", k, (unsigned long long)a->used, FUEL_BUDGET,
                      (unsigned long long)e->used);
        if (getenv("FUZZ_RUN_TRACE"))
            fprintf(stderr, "step %u: %s, %llu fuel, %u results\n", k, a->err ? a->err : "ok",
                    (unsigned long long)a->used, a->nres);
        done++;
        if (a->err && k == 0)
            break; /* no instance */
    }
    runner_free(a);
    runner_free(p);
    runner_free(e);

    /* U-1 for one finished step that used fuel: a fresh store replays the
     * steps before it with their exact budgets. */
    if (done > 0) {
        uint32_t j = (uint32_t)(seed % done);
        while (j > 0 && steps[j].used == 0)
            j--;
        if (steps[j].used > 0) {
            runner *r = runner_new(fuel);
            for (uint32_t k = 0; k < j; k++)
                run_step(r, fuel, mf, k, steps[k].used, seed);
            run_step(r, fuel, mf, j, steps[j].used - 1, seed);
            if (!r->err || strcmp(r->err, FUEL_MSG) != 0)
                fuzz_fail("step %u used %llu fuel, yet with a budget of one less it ended "
                          "\"%s\"", j, (unsigned long long)steps[j].used,
                          r->err ? r->err : "ok");
            runner_free(r);
        }
    }
    corral_module_free(mp);
    corral_module_free(mf);
    return 0;
}
