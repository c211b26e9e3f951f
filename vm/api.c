/*
 * api.c - the public corral_* API over the engine's passes: engines,
 * modules, stores and their limits, calls, exports and memory access.
 */
#include <string.h>

#include "vm.h"

/* Trap and error messages: the spec suite's wording. */
const char vm_trap_unreachable[] = "unreachable";
const char vm_trap_div_zero[] = "integer divide by zero";
const char vm_trap_int_overflow[] = "integer overflow";
const char vm_trap_bad_conversion[] = "invalid conversion to integer";
const char vm_trap_oob_memory[] = "out of bounds memory access";
const char vm_trap_oob_table[] = "out of bounds table access";
const char vm_trap_undefined_elem[] = "undefined element";
const char vm_trap_uninit_elem[] = "uninitialized element";
const char vm_trap_indirect_type[] = "indirect call type mismatch";
const char vm_trap_stack[] = "call stack exhausted";
const char vm_trap_fuel[] = "all fuel consumed by WebAssembly";
const char vm_trap_interrupt[] = "interrupt";
const char vm_err_nomem[] = "out of memory";
const char vm_err_load_interrupt[] = "interrupted while loading";
const char corral_exit_trap[] = "exit";

void vm_store_free_objects(corral_store *s);

const char *corral_version(void) { return CORRAL_VERSION; }

/* ---- engine and modules ------------------------------------------------------- */

corral_engine *corral_engine_new(const corral_config *cfg) {
    corral_allocator a;
    if (!vm_allocator_set(&a, cfg ? cfg->allocator : 0)) return 0;
    corral_engine *e = vm_calloc(&a, 1, sizeof *e);
    if (!e) return 0;
    e->alloc = a;
    e->fuel = cfg && cfg->consume_fuel != 0;
    atomic_init(&e->interrupt, 0);
    return e;
}

void corral_engine_interrupt(corral_engine *e) { atomic_store(&e->interrupt, 1); }
void corral_engine_clear_interrupt(corral_engine *e) { atomic_store(&e->interrupt, 0); }

void corral_engine_free(corral_engine *e) {
    if (e) vm_free(&e->alloc, e);
}

const char *corral_module_new(corral_engine *eng, const uint8_t *bytes, size_t len,
                              corral_module **out, corral_diag *diag) {
    *out = 0;
    if (diag) { diag->offset = 0; diag->func = -1; }
    if (len > VM_MAX_MODULE_BYTES) return "module too large (see vm/limits.h)";
    const corral_allocator *a = eng ? &eng->alloc : &vm_default_allocator;
    corral_module *m = vm_calloc(a, 1, sizeof *m);
    if (!m) return vm_err_nomem;
    m->alloc = *a;
    m->bytes = vm_malloc(a, len);
    if (!m->bytes) { vm_free(a, m); return vm_err_nomem; }
    if (len) memcpy(m->bytes, bytes, len);
    m->len = len;
    m->fuel = eng && eng->fuel;
    m->load_interrupt = eng ? &eng->interrupt : 0;
    const char *e = vm_decode(m, diag);
    m->load_interrupt = 0;
    if (e) { vm_module_free(m); return e; }
    *out = m;
    return 0;
}

void corral_module_free(corral_module *m) { vm_module_free(m); }

void corral_module_free_buffer(const corral_module *m, void *buf) { vm_free(&m->alloc, buf); }

uint32_t corral_module_import_count(const corral_module *m) { return m->nimports; }

void corral_module_import(const corral_module *m, uint32_t i, const char **module,
                          const char **name, corral_extern_kind *kind) {
    *module = m->imports[i].module;
    *name = m->imports[i].name;
    *kind = (corral_extern_kind)m->imports[i].kind;
}

uint32_t corral_module_func_count(const corral_module *m) { return m->nfuncs; }

const char *corral_module_func_name(const corral_module *m, uint32_t func) {
    return m->func_names && func < m->nfuncs ? m->func_names[func] : 0;
}

uint32_t corral_module_export_count(const corral_module *m) { return m->nexports; }

void corral_module_export(const corral_module *m, uint32_t i, const char **name,
                          corral_extern_kind *kind) {
    *name = m->exports[i].name;
    *kind = (corral_extern_kind)m->exports[i].kind;
}

/* ---- stores --------------------------------------------------------------------- */

void corral_limits_default(corral_limits *l) {
    l->max_memory_bytes = VM_DEFAULT_MAX_MEMORY_BYTES;
    l->max_stack_bytes = VM_DEFAULT_MAX_STACK_BYTES;
    l->max_table_elems = VM_DEFAULT_MAX_TABLE_ELEMS;
    l->max_instance_bytes = VM_DEFAULT_MAX_INSTANCE_BYTES;
}

/* One region of max_stack_bytes for values and frames (vm.h). */
static size_t stack_bytes(const corral_store *s) {
    return (size_t)s->limits.max_stack_bytes & ~(size_t)15;
}

static void set_stack(corral_store *s, vm_slot *stack) {
    size_t bytes = stack_bytes(s);
    s->stack = s->stack_top = stack;
    s->frames_end = (vm_frame *)((uint8_t *)stack + bytes - bytes % sizeof(vm_frame));
    s->fsp = s->frames_end;
}

corral_store *corral_store_new(corral_engine *e, const corral_limits *l) {
    const corral_allocator *a = e ? &e->alloc : &vm_default_allocator;
    corral_store *s = vm_calloc(a, 1, sizeof *s);
    if (!s) return 0;
    s->engine = e;
    s->alloc = s->made_with = *a;
    corral_limits_default(&s->limits);
    if (l) s->limits = *l;
    /* Clamp to the ceilings of limits.h. */
    if (s->limits.max_memory_bytes > VM_DEFAULT_MAX_MEMORY_BYTES)
        s->limits.max_memory_bytes = VM_DEFAULT_MAX_MEMORY_BYTES;
    if (s->limits.max_stack_bytes > VM_MAX_STACK_BYTES) s->limits.max_stack_bytes = VM_MAX_STACK_BYTES;
    if (s->limits.max_stack_bytes < VM_MIN_STACK_BYTES) s->limits.max_stack_bytes = VM_MIN_STACK_BYTES;
    vm_slot *stack = vm_malloc(a, stack_bytes(s));
    if (!stack) { vm_free(a, s); return 0; }
    set_stack(s, stack);
    s->fuel = UINT64_MAX;
    s->fuel_start = UINT64_MAX;
    atomic_init(&s->interrupt, 0);
    atomic_init(&s->fuel_seen, UINT64_MAX);
    return s;
}

void corral_store_free(corral_store *s) {
    if (!s) return;
    vm_store_free_objects(s);
    vm_free(&s->alloc, s->stack);
    vm_free(&s->alloc, s->meter_buf);
    corral_allocator a = s->made_with;
    vm_free(&a, s);
}

/* The stack (empty: nothing runs while the store is being set up) moves
 * to the new allocator; the fuel meter's buffer is simply dropped. */
const char *corral_store_set_allocator(corral_store *s, const corral_allocator *a) {
    if (s->instances || s->funcs || s->memories || s->tables || s->globals)
        return "allocator: the store already has instances or host functions";
    corral_allocator na;
    if (!vm_allocator_set(&na, a ? a : &s->made_with))
        return "allocator: alloc, resize and free are all needed";
    vm_slot *stack = vm_malloc(&na, stack_bytes(s));
    if (!stack) return vm_err_nomem;
    vm_free(&s->alloc, s->stack);
    vm_free(&s->alloc, s->meter_buf);
    s->meter_buf = 0;
    s->meter_cap = 0;
    s->alloc = na;
    set_stack(s, stack);
    return 0;
}

const char *corral_store_set_memory_ops(corral_store *s, const corral_memory_ops *ops) {
    if (s->memories) return "memory ops: the store already has a memory";
    if (ops && !(ops->alloc && ops->grow && ops->free)) return "memory ops: alloc, grow and free are all needed";
    if (ops) s->mem_ops = *ops;
    else s->mem_ops = (corral_memory_ops){0};
    return 0;
}

const char *corral_store_set_fuel(corral_store *s, uint64_t fuel) {
    if (!s->engine || !s->engine->fuel) return "fuel is not enabled on this engine";
    s->fuel = fuel;
    s->fuel_start = fuel;
    atomic_store(&s->fuel_seen, fuel);
    return 0;
}

uint64_t corral_store_fuel_used(const corral_store *s) { return s->fuel_start - s->fuel; }
uint64_t corral_store_peak_memory(const corral_store *s) { return s->peak_memory; }
uint64_t corral_store_fuel_sample(corral_store *s) {
    atomic_fetch_or(&s->interrupt, VM_INTERRUPT_SAMPLE);
    return s->fuel_start - atomic_load_explicit(&s->fuel_seen, memory_order_relaxed);
}
void corral_store_interrupt(corral_store *s) { atomic_fetch_or(&s->interrupt, VM_INTERRUPT_STOP); }
void corral_store_clear_interrupt(corral_store *s) { atomic_store(&s->interrupt, 0); }
int corral_store_interrupted(const corral_store *s) {
    return (atomic_load(&((corral_store *)s)->interrupt) & VM_INTERRUPT_STOP) != 0;
}
int32_t corral_store_exit_code(const corral_store *s) { return s->exit_code; }

/* ---- host-function side ------------------------------------------------------------ */

uint8_t *corral_caller_memory(corral_caller *c, uint64_t *size) {
    vm_memory *m = c->inst ? c->inst->mem : 0;
    *size = m ? m->size : 0;
    return m ? m->data : 0;
}

corral_store *corral_caller_store(corral_caller *c) { return c->store; }

const char *corral_caller_exit(corral_caller *c, int32_t code) {
    c->store->exit_code = code;
    return corral_exit_trap;
}

/* ---- calls ------------------------------------------------------------------------ */

const char *vm_call_start(corral_store *s, corral_func *f) {
    if ((size_t)((uint8_t *)s->fsp - (uint8_t *)s->stack_top) < sizeof(vm_slot)) return vm_trap_stack;
    return vm_run(s, f, s->stack_top);
}

void corral_func_type(const corral_func *f, uint32_t *nparams, corral_valtype *params,
                      uint32_t *nresults, corral_valtype *results) {
    const vm_functype *t = f->type;
    if (nparams) *nparams = t->nparams;
    if (nresults) *nresults = t->nresults;
    for (uint32_t i = 0; params && i < t->nparams; i++) params[i] = (corral_valtype)t->types[i];
    for (uint32_t i = 0; results && i < t->nresults; i++)
        results[i] = (corral_valtype)t->types[t->nparams + i];
}

/* A value into its slots (two for a v128: its bytes as they are); returns
 * how many it took. */
static uint32_t to_slots(const corral_val *v, vm_slot *p) {
    switch (v->type) {
    case CORRAL_I32: case CORRAL_F32: p[0] = (uint32_t)v->of.i32; return 1;
    case CORRAL_FUNCREF: case CORRAL_EXTERNREF: p[0] = (uintptr_t)v->of.ref; return 1;
    case CORRAL_V128: memcpy(p, v->of.v128, 16); return 2;
    default: p[0] = (uint64_t)v->of.i64; return 1;
    }
}

static corral_val from_slots(uint8_t type, const vm_slot *p) {
    corral_val v;
    memset(&v, 0, sizeof v);
    v.type = (corral_valtype)type;
    switch (type) {
    case VM_I32: case VM_F32: v.of.i32 = (int32_t)(uint32_t)p[0]; break;
    case VM_FUNCREF: case VM_EXTERNREF: v.of.ref = (void *)(uintptr_t)p[0]; break;
    case VM_V128: memcpy(v.of.v128, p, 16); break;
    default: v.of.i64 = (int64_t)p[0]; break;
    }
    return v;
}

const char *corral_call(corral_store *s, corral_func *f, const corral_val *args, uint32_t nargs,
                        corral_val *results, uint32_t nresults) {
    const vm_functype *t = f->type;
    vm_trace_clear(s); /* the frames are of this call's trap, if it has one */
    if (nargs != t->nparams) return "wrong number of arguments";
    if (nresults < t->nresults) return "too few result slots";
    for (uint32_t i = 0; i < nargs; i++)
        if ((uint8_t)args[i].type != t->types[i]) return "argument type mismatch";
    uint32_t n = t->param_slots > t->result_slots ? t->param_slots : t->result_slots;
    vm_slot *base = s->stack_top;
    if ((size_t)((uint8_t *)s->fsp - (uint8_t *)base) < (size_t)n * sizeof(vm_slot) + sizeof(vm_frame))
        return vm_trap_stack;
    for (uint32_t i = 0, k = 0; i < nargs; i++) k += to_slots(&args[i], base + k);
    const char *e = vm_run(s, f, base);
    if (e) return e;
    for (uint32_t i = 0, k = 0; i < t->nresults; i++) {
        uint8_t ty = t->types[t->nparams + i];
        results[i] = from_slots(ty, base + k);
        k += vm_type_slots(ty);
    }
    return 0;
}

/* ---- exports and memory --------------------------------------------------------------- */

/* Names are compared with their lengths: an export name may hold NULs. */
static const vm_export *find_export_len(corral_instance *inst, const char *name, size_t len,
                                        uint8_t kind) {
    for (uint32_t i = 0; i < inst->mod->nexports; i++) {
        const vm_export *x = &inst->mod->exports[i];
        if (x->kind == kind && x->name_len == len && !memcmp(x->name, name, len)) return x;
    }
    return 0;
}

/* By C string: a name that holds a NUL is known by what comes before it. */
static const vm_export *find_export(corral_instance *inst, const char *name, uint8_t kind) {
    for (uint32_t i = 0; i < inst->mod->nexports; i++) {
        const vm_export *x = &inst->mod->exports[i];
        if (x->kind == kind && !strcmp(x->name, name)) return x;
    }
    return 0;
}

corral_func *corral_instance_func_len(corral_instance *inst, const char *name, size_t len) {
    const vm_export *x = find_export_len(inst, name, len, CORRAL_EXTERN_FUNC);
    return x ? inst->funcs[x->index] : 0;
}

corral_func *corral_instance_func(corral_instance *inst, const char *name) {
    const vm_export *x = find_export(inst, name, CORRAL_EXTERN_FUNC);
    return x ? inst->funcs[x->index] : 0;
}

int corral_instance_global(corral_instance *inst, const char *name, corral_val *out) {
    const vm_export *x = find_export(inst, name, CORRAL_EXTERN_GLOBAL);
    if (!x) return 0;
    const vm_global *g = inst->globals[x->index];
    vm_slot v[2] = {g->val, g->val_hi};
    *out = from_slots(g->type.type, v);
    return 1;
}

uint8_t *corral_instance_memory(corral_instance *inst, const char *name, uint64_t *size) {
    vm_memory *m = inst->mem;
    if (name && !find_export(inst, name, CORRAL_EXTERN_MEMORY)) m = 0;
    *size = m ? m->size : 0;
    return m ? m->data : 0;
}

const char *corral_memory_read(corral_instance *inst, uint64_t off, void *buf, size_t len) {
    vm_memory *m = inst->mem;
    if (!m || off > m->size || len > m->size - off) return vm_trap_oob_memory;
    if (len) memcpy(buf, m->data + off, len);
    return 0;
}

const char *corral_memory_write(corral_instance *inst, uint64_t off, const void *buf, size_t len) {
    vm_memory *m = inst->mem;
    if (!m || off > m->size || len > m->size - off) return vm_trap_oob_memory;
    if (len) memcpy(m->data + off, buf, len);
    return 0;
}
