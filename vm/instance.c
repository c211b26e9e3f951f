/*
 * instance.c - linking and instantiation (spec 4.5.3 - 4.5.4).
 *
 * The linker is a list of (module, name) -> extern.  Instantiation resolves
 * every import by name and checks its type (functions exactly, limits by
 * subtyping), allocates the module's own functions, tables, memory and
 * globals in the store, applies the active segments in order with the
 * bounds checks of table.init / memory.init, and runs the start function.
 */
#include <stdlib.h> /* qsort */
#include <string.h>

#include "vm.h"

static const char e_unknown_import[] = "unknown import";
static const char e_incompatible[] = "incompatible import type";
static const char e_mem_limit[] = "memory minimum exceeds the memory limit";
static const char e_table_limit[] = "table minimum exceeds the table limit";
static const char e_state_limit[] = "instance state exceeds the store's limit";

typedef struct {
    char *module, *name;
    uint8_t kind;
    void *obj; /* corral_func*, vm_table*, vm_memory* or vm_global* */
} vm_link;

/* Definitions are appended; lookups go through `sorted`, the links by
 * (module, name, order of definition), rebuilt when a definition was
 * added since, so that linking n names is O(n log n) whatever they are. */
struct corral_linker {
    corral_store *store;
    corral_allocator alloc; /* the store's when the linker was made */
    vm_link *links;
    uint32_t n, cap;
    const vm_link **sorted;
    uint32_t nsorted; /* links covered by sorted (stale when < n) */
};

bool vm_functype_eq(const vm_functype *a, const vm_functype *b) {
    return a->nparams == b->nparams && a->nresults == b->nresults &&
           memcmp(a->types, b->types, a->nparams + a->nresults) == 0;
}

/* ---- store objects ------------------------------------------------------------ */

/* The store's budget for what instances allocate besides linear memory
 * (tables, functions, globals, segment state; corral_limits): take bytes
 * from it, or fail changing nothing.  Nothing is given back before the
 * store is freed, as none of it is freed before. */
/* A table element or segment item costs 8 bytes of it on every host (as
 * corral.h says), though a 32-bit host stores 4: a module whose tables fit
 * on one host fit on all (test_hardening_vm's budget test, on armhf). */
#define ELEM_COST 8u

static bool budget_take(corral_store *s, uint64_t bytes) {
    if (bytes > s->limits.max_instance_bytes - s->instance_bytes) return false;
    s->instance_bytes += bytes;
    return true;
}

/* A new memory in *out, or why not: over the limit, or out of memory.
 * Its bytes come from the store's memory ops, else its allocator. */
static const char *memory_new(corral_store *s, const vm_limits *l, vm_memory **out) {
    if (l->min * VM_PAGE_SIZE > s->limits.max_memory_bytes) return e_mem_limit;
    vm_memory *m = vm_calloc(&s->alloc, 1, sizeof *m);
    if (!m) return vm_err_nomem;
    m->size = l->min * VM_PAGE_SIZE;
    m->has_max = vm_limits_has_max(l);
    m->max_pages = m->has_max ? l->max : VM_MAX_PAGES;
    m->reach = m->max_pages * VM_PAGE_SIZE;
    if (m->reach > s->limits.max_memory_bytes)
        m->reach = s->limits.max_memory_bytes / VM_PAGE_SIZE * VM_PAGE_SIZE;
    if (m->reach > SIZE_MAX) m->reach = (uint64_t)SIZE_MAX / VM_PAGE_SIZE * VM_PAGE_SIZE;
    /* A 32-bit host cannot hold 4 GiB: the size would wrap in size_t. */
    if (m->size > m->reach) { vm_free(&s->alloc, m); return vm_err_nomem; }
    if (s->mem_ops.alloc) m->data = s->mem_ops.alloc(s->mem_ops.user, (size_t)m->size, (size_t)m->reach);
    else if (m->size) m->data = vm_calloc(&s->alloc, 1, (size_t)m->size);
    if (m->size && !m->data) { vm_free(&s->alloc, m); return vm_err_nomem; }
    m->next = s->memories;
    s->memories = m;
    if (m->size > s->peak_memory) s->peak_memory = m->size;
    *out = m;
    return 0;
}

static void memory_free(corral_store *s, vm_memory *m) {
    if (s->mem_ops.alloc) s->mem_ops.free(s->mem_ops.user, m->data, (size_t)m->size, (size_t)m->reach);
    else vm_free(&s->alloc, m->data);
    vm_free(&s->alloc, m);
}

/* memory.grow (spec 4.4.7): fails, changing nothing, past the module's
 * maximum or the store's memory limit. */
const char *vm_memory_grow(corral_store *s, vm_memory *m, uint64_t delta, uint32_t *old) {
    uint64_t pages = m->size / VM_PAGE_SIZE;
    *old = (uint32_t)pages;
    if (delta == 0) return 0;
    if (pages + delta > m->max_pages) return "memory maximum reached";
    uint64_t size = (pages + delta) * VM_PAGE_SIZE;
    if (size > s->limits.max_memory_bytes) return e_mem_limit;
    if (size > m->reach) return vm_err_nomem;
    uint8_t *d;
    if (s->mem_ops.alloc) {
        d = s->mem_ops.grow(s->mem_ops.user, m->data, (size_t)m->size, (size_t)size, (size_t)m->reach);
        if (!d) return vm_err_nomem;
    } else {
        if (!(d = vm_realloc(&s->alloc, m->data, (size_t)size))) return vm_err_nomem;
        memset(d + m->size, 0, (size_t)(size - m->size));
    }
    m->data = d;
    m->size = size;
    if (size > s->peak_memory) s->peak_memory = size;
    return 0;
}

/* A new table in *out, or why not: over the limit, or out of memory. */
static const char *table_new(corral_store *s, const vm_tabletype *tt, vm_table **out) {
    if (tt->lim.min > s->limits.max_table_elems) return e_table_limit;
    vm_table *t = vm_calloc(&s->alloc, 1, sizeof *t);
    if (!t) return vm_err_nomem;
    t->size = (uint32_t)tt->lim.min;
    t->has_max = vm_limits_has_max(&tt->lim);
    t->max = t->has_max ? tt->lim.max : 0xFFFFFFFFu;
    t->type = tt->elemtype;
    if (!(t->elems = vm_calloc(&s->alloc, t->size, sizeof(void *)))) {
        vm_free(&s->alloc, t);
        return vm_err_nomem;
    }
    t->next = s->tables;
    s->tables = t;
    *out = t;
    return 0;
}

const char *vm_table_grow(corral_store *s, vm_table *t, uint32_t delta, void *init, uint32_t *old) {
    *old = t->size;
    uint64_t n = (uint64_t)t->size + delta;
    if (n > t->max || n > s->limits.max_table_elems) return "table maximum reached";
    if (delta == 0) return 0;
    if (!budget_take(s, (uint64_t)delta * ELEM_COST)) return e_state_limit;
    void **e = vm_realloc(&s->alloc, t->elems, (size_t)n * sizeof(void *));
    if (!e) {
        s->instance_bytes -= (uint64_t)delta * ELEM_COST;
        return vm_err_nomem;
    }
    for (uint64_t i = t->size; i < n; i++) e[i] = init;
    t->elems = e;
    t->size = (uint32_t)n;
    return 0;
}

static vm_global *global_new(corral_store *s, vm_globaltype t, vm_slot v, vm_slot hi) {
    vm_global *g = vm_calloc(&s->alloc, 1, sizeof *g);
    if (!g) return 0;
    g->type = t;
    g->val = v;
    g->val_hi = hi;
    g->next = s->globals;
    s->globals = g;
    return g;
}

static corral_func *func_new(corral_store *s) {
    corral_func *f = vm_calloc(&s->alloc, 1, sizeof *f);
    if (!f) return 0;
    f->next = s->funcs;
    s->funcs = f;
    return f;
}

/* ---- the linker --------------------------------------------------------------- */

corral_linker *corral_linker_new(corral_store *s) {
    corral_linker *l = vm_calloc(&s->alloc, 1, sizeof *l);
    if (l) {
        l->store = s;
        l->alloc = s->alloc;
    }
    return l;
}

void corral_linker_free(corral_linker *l) {
    if (!l) return;
    for (uint32_t i = 0; i < l->n; i++) {
        vm_free(&l->alloc, l->links[i].module);
        vm_free(&l->alloc, l->links[i].name);
    }
    vm_free(&l->alloc, l->links);
    vm_free(&l->alloc, l->sorted);
    corral_allocator a = l->alloc;
    vm_free(&a, l);
}

/* A later definition of the same name replaces the earlier one: both are
 * kept, and link_find takes the later. */
static const char *link_add(corral_linker *l, const char *module, const char *name,
                            uint8_t kind, void *obj) {
    if (l->n == l->cap) {
        uint32_t cap = l->cap ? l->cap * 2 : 16;
        vm_link *p = vm_realloc(&l->alloc, l->links, cap * sizeof *p);
        if (!p) return vm_err_nomem;
        l->links = p;
        l->cap = cap;
    }
    vm_link *k = &l->links[l->n];
    k->module = vm_strndup(&l->alloc, module, strlen(module));
    k->name = vm_strndup(&l->alloc, name, strlen(name));
    if (!k->module || !k->name) {
        vm_free(&l->alloc, k->module);
        vm_free(&l->alloc, k->name);
        return vm_err_nomem;
    }
    k->kind = kind;
    k->obj = obj;
    l->n++;
    return 0;
}

static int link_key_cmp(const char *module, const char *name, const vm_link *k) {
    int c = strcmp(module, k->module);
    return c ? c : strcmp(name, k->name);
}

static int link_cmp(const void *a, const void *b) {
    const vm_link *x = *(const vm_link *const *)a, *y = *(const vm_link *const *)b;
    int c = link_key_cmp(x->module, x->name, y);
    return c ? c : x < y ? -1 : x > y; /* the same array: its order is definition order */
}

/* The latest definition of module.name, or NULL. */
static const vm_link *link_find(corral_linker *l, const char *module, const char *name,
                                const char **err) {
    *err = 0;
    if (l->nsorted != l->n) {
        const vm_link **v = vm_realloc(&l->alloc, l->sorted, (size_t)l->n * sizeof *v);
        if (!v) { *err = vm_err_nomem; return 0; }
        for (uint32_t i = 0; i < l->n; i++) v[i] = &l->links[i];
        qsort(v, l->n, sizeof *v, link_cmp);
        l->sorted = v;
        l->nsorted = l->n;
    }
    uint32_t lo = 0, hi = l->n; /* the first entry past the key */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (link_key_cmp(module, name, l->sorted[mid]) >= 0) lo = mid + 1; else hi = mid;
    }
    if (lo == 0 || link_key_cmp(module, name, l->sorted[lo - 1]) != 0) return 0;
    return l->sorted[lo - 1];
}

static int sig_type(char c) {
    switch (c) {
    case 'i': return VM_I32;
    case 'I': return VM_I64;
    case 'f': return VM_F32;
    case 'F': return VM_F64;
    case 'r': return VM_EXTERNREF;
    case 'R': return VM_FUNCREF;
    case 'v': return VM_V128;
    default: return 0;
    }
}

const char *corral_linker_define_func(corral_linker *l, const char *module, const char *name,
                                      const char *sig, corral_host_fn fn, void *env) {
    const char *colon = strchr(sig, ':');
    if (!colon || !fn) return "invalid host function signature";
    size_t np = (size_t)(colon - sig), nr = strlen(colon + 1);
    if (np > VM_MAX_HOST_VALUES || nr > VM_MAX_HOST_VALUES) return "too many host function values";
    const corral_allocator *a = &l->store->alloc; /* the func's: it belongs to the store */
    uint8_t *types = vm_malloc(a, np + nr + 1);
    if (!types) return vm_err_nomem;
    for (size_t i = 0; i < np + nr; i++) {
        int t = sig_type(i < np ? sig[i] : colon[1 + i - np]);
        if (!t) { vm_free(a, types); return "invalid host function signature"; }
        types[i] = (uint8_t)t;
    }
    corral_func *f = func_new(l->store);
    if (!f) { vm_free(a, types); return vm_err_nomem; }
    f->own_type = (vm_functype){(uint32_t)np, (uint32_t)nr, types, 0, 0};
    vm_functype_count_slots(&f->own_type);
    f->type = &f->own_type;
    f->host = fn;
    f->env = env;
    return link_add(l, module, name, CORRAL_EXTERN_FUNC, f);
}

static void *export_obj(corral_instance *inst, const vm_export *x) {
    switch (x->kind) {
    case CORRAL_EXTERN_FUNC: return inst->funcs[x->index];
    case CORRAL_EXTERN_TABLE: return inst->tables[x->index];
    case CORRAL_EXTERN_MEMORY: return inst->mem;
    default: return inst->globals[x->index];
    }
}

const char *corral_linker_define_instance(corral_linker *l, const char *module,
                                          corral_instance *inst) {
    for (uint32_t i = 0; i < inst->mod->nexports; i++) {
        const vm_export *x = &inst->mod->exports[i];
        const char *e = link_add(l, module, x->name, x->kind, export_obj(inst, x));
        if (e) return e;
    }
    return 0;
}

/* ---- import matching (spec 4.5.2 "external typing", limits subtyping) ------------ */

/* The extern's current size and maximum (if it has one) against the
 * import's limits: at least its minimum, and, when the import names a
 * maximum, a maximum of the extern's own no larger.  A maximum equal to
 * the largest value allowed is still a maximum. */
static bool limits_match(uint64_t cur, bool has_max, uint64_t max, const vm_limits *want) {
    if (cur < want->min) return false;
    if (!vm_limits_has_max(want)) return true;
    return has_max && max <= want->max;
}

static const char *resolve(corral_linker *l, corral_instance *inst, const vm_import *im,
                           uint32_t *nf, uint32_t *nt, uint32_t *ng) {
    const corral_module *m = inst->mod;
    const char *err;
    const vm_link *k = link_find(l, im->module, im->name, &err);
    if (err) return err;
    if (!k) return e_unknown_import;
    if (k->kind != im->kind) return e_incompatible;
    switch (im->kind) {
    case CORRAL_EXTERN_FUNC: {
        corral_func *f = k->obj;
        if (!vm_functype_eq(f->type, &m->types[im->u.type])) return e_incompatible;
        inst->funcs[(*nf)++] = f;
        return 0;
    }
    case CORRAL_EXTERN_TABLE: {
        vm_table *t = k->obj;
        if (t->type != im->u.table.elemtype) return e_incompatible;
        if (!limits_match(t->size, t->has_max, t->max, &im->u.table.lim)) return e_incompatible;
        inst->tables[(*nt)++] = t;
        return 0;
    }
    case CORRAL_EXTERN_MEMORY: {
        vm_memory *me = k->obj;
        if (!me) return e_incompatible;
        if (!limits_match(me->size / VM_PAGE_SIZE, me->has_max, me->max_pages, &im->u.mem))
            return e_incompatible;
        inst->mem = me;
        return 0;
    }
    default: {
        vm_global *g = k->obj;
        if (g->type.type != im->u.global.type || g->type.mut != im->u.global.mut)
            return e_incompatible;
        inst->globals[(*ng)++] = g;
        return 0;
    }
    }
}

/* ---- instantiation -------------------------------------------------------------- */

/* A constant expression's value; *hi: the second slot of a v128. */
static vm_slot eval(corral_instance *inst, const vm_constexpr *ce, vm_slot *hi) {
    *hi = 0;
    switch (ce->kind) {
    case VM_CE_CONST: *hi = ce->hi; return ce->value;
    case VM_CE_GLOBAL: *hi = inst->globals[ce->value]->val_hi; return inst->globals[ce->value]->val;
    case VM_CE_REF_FUNC: return (uintptr_t)inst->funcs[ce->value];
    default: return 0;
    }
}

static const char *allocate(corral_instance *inst) {
    corral_store *s = inst->store;
    const corral_module *m = inst->mod;
    for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++) {
        corral_func *f = func_new(s);
        if (!f) return vm_err_nomem;
        f->def = &m->funcs[i - m->nfunc_imports];
        f->type = &m->types[f->def->type];
        f->code = f->def->code;
        f->nparams = f->type->param_slots;
        f->nlocals = f->def->nlocal_slots;
        f->nslots = f->def->nslots;
        f->entry_fuel = m->fuel && f->def->code_len > 0 && f->def->code[0] == vm_fuel_unit();
        f->inst = inst;
        inst->funcs[i] = f;
    }
    const char *err;
    for (uint32_t i = m->ntable_imports; i < m->ntables; i++)
        if ((err = table_new(s, &m->tables[i], &inst->tables[i]))) return err;
    if (m->nmems > m->nmem_imports && (err = memory_new(s, &m->mems[0], &inst->mem))) return err;
    for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++) {
        vm_slot hi, v = eval(inst, &m->global_inits[i - m->nglobal_imports], &hi);
        if (!(inst->globals[i] = global_new(s, m->globals[i], v, hi))) return vm_err_nomem;
    }
    for (uint32_t i = 0; i < m->nelems; i++) {
        const vm_elem *el = &m->elems[i];
        if (!(inst->elem_items[i] = vm_calloc(&s->alloc, el->count, sizeof(void *))))
            return vm_err_nomem;
        for (uint32_t k = 0; k < el->count; k++)
            inst->elem_items[i][k] = (void *)(uintptr_t)eval(inst, &el->items[k], &(vm_slot){0});
        inst->elem_len[i] = el->mode == VM_SEG_PASSIVE ? el->count : 0;
    }
    for (uint32_t i = 0; i < m->ndatas; i++)
        inst->data_len[i] = m->datas[i].mode == VM_SEG_PASSIVE ? m->datas[i].len : 0;
    return 0;
}

/* Memory 0 from a cache entry's image (vm/cache.c made it only when every
 * active data segment is in bounds of the module's own memory, so none
 * traps): the same bytes the segments would write, mapped when the
 * store's memory ops can, else copied. */
static const char *init_image(corral_instance *inst) {
    const corral_module *m = inst->mod;
    corral_store *s = inst->store;
    vm_memory *mem = inst->mem;
    for (uint32_t i = 0; i < m->nimage; i++) {
        const vm_image_run *r = &m->image[i];
        uint64_t off = (uint64_t)r->page * VM_PAGE_SIZE, n = (uint64_t)r->npages * VM_PAGE_SIZE;
        if (!mem || off + n > mem->size) return vm_trap_oob_memory;
        int how = s->mem_ops.map ? s->mem_ops.map(s->mem_ops.user, mem->data + off, r->bytes,
                                                  (size_t)n, m->entry_release, m->entry_env)
                                 : 1;
        if (how < 0) return vm_err_nomem;
        if (how > 0) memcpy(mem->data + off, r->bytes, (size_t)n);
    }
    return 0;
}

/* Active segments, in order; each is table.init / memory.init followed by
 * a drop, so a failing segment leaves the earlier ones applied. */
static const char *init_segments(corral_instance *inst) {
    const corral_module *m = inst->mod;
    for (uint32_t i = 0; i < m->nelems; i++) {
        const vm_elem *el = &m->elems[i];
        if (el->mode != VM_SEG_ACTIVE) continue;
        vm_table *t = inst->tables[el->table];
        uint64_t off = (uint32_t)eval(inst, &el->offset, &(vm_slot){0});
        if (off + el->count > t->size) return vm_trap_oob_table;
        memcpy(t->elems + off, inst->elem_items[i], (size_t)el->count * sizeof(void *));
    }
    if (m->nimage) return init_image(inst);
    for (uint32_t i = 0; i < m->ndatas; i++) {
        const vm_data *d = &m->datas[i];
        if (d->mode != VM_SEG_ACTIVE) continue;
        uint64_t off = (uint32_t)eval(inst, &d->offset, &(vm_slot){0});
        if (!inst->mem || off + d->len > inst->mem->size) return vm_trap_oob_memory;
        if (d->len) memcpy(inst->mem->data + off, d->bytes, d->len);
    }
    return 0;
}

const char *vm_call_start(corral_store *s, corral_func *f);

/* What an instance of m allocates besides linear memory, all of it sized
 * by the module: the index arrays, the functions, tables (at their
 * minimum), globals and the segments' evaluated items and drop state. */
static uint64_t state_bytes(const corral_module *m) {
    uint64_t n = sizeof(corral_instance);
    n += (uint64_t)(m->nfuncs + 1) * sizeof(corral_func *) +
         (uint64_t)(m->nfuncs - m->nfunc_imports) * sizeof(corral_func);
    n += (uint64_t)(m->ntables + 1) * sizeof(vm_table *);
    for (uint32_t i = m->ntable_imports; i < m->ntables; i++)
        n += sizeof(vm_table) + (m->tables[i].lim.min ? m->tables[i].lim.min : 1) * ELEM_COST;
    n += (uint64_t)(m->nglobals + 1) * sizeof(vm_global *) +
         (uint64_t)(m->nglobals - m->nglobal_imports) * sizeof(vm_global);
    n += (uint64_t)(m->nelems + 1) * (sizeof(uint32_t) + sizeof(void **));
    for (uint32_t i = 0; i < m->nelems; i++)
        n += (uint64_t)(m->elems[i].count ? m->elems[i].count : 1) * ELEM_COST;
    n += (uint64_t)(m->ndatas + 1) * sizeof(uint32_t);
    return n;
}

const char *corral_instantiate(corral_linker *l, const corral_module *m, corral_instance **out) {
    corral_store *s = l->store;
    *out = 0;
    vm_trace_clear(s);
    const corral_allocator *a = &s->alloc;
    corral_instance *inst = vm_calloc(a, 1, sizeof *inst);
    if (!inst) return vm_err_nomem;
    inst->mod = m;
    inst->store = s;
    /* Owned by the store from here on: functions placed in shared tables
     * may refer to it even if instantiation fails later. */
    inst->next = s->instances;
    s->instances = inst;
    if (!budget_take(s, state_bytes(m))) return e_state_limit;
    inst->funcs = vm_calloc(a, (size_t)m->nfuncs + 1, sizeof *inst->funcs);
    inst->tables = vm_calloc(a, (size_t)m->ntables + 1, sizeof *inst->tables);
    inst->globals = vm_calloc(a, (size_t)m->nglobals + 1, sizeof *inst->globals);
    inst->elem_len = vm_calloc(a, (size_t)m->nelems + 1, sizeof *inst->elem_len);
    inst->elem_items = vm_calloc(a, (size_t)m->nelems + 1, sizeof *inst->elem_items);
    inst->nelems = m->nelems;
    inst->data_len = vm_calloc(a, (size_t)m->ndatas + 1, sizeof *inst->data_len);
    if (!inst->funcs || !inst->tables || !inst->globals || !inst->elem_len || !inst->elem_items ||
        !inst->data_len)
        return vm_err_nomem;
    uint32_t nf = 0, nt = 0, ng = 0;
    for (uint32_t i = 0; i < m->nimports; i++) {
        const char *e = resolve(l, inst, &m->imports[i], &nf, &nt, &ng);
        if (e) return e;
    }
    const char *e = allocate(inst);
    if (!e) e = init_segments(inst);
    if (!e && m->start >= 0) e = vm_call_start(s, inst->funcs[m->start]);
    if (e) return e;
    *out = inst;
    return 0;
}

void vm_instance_free(corral_instance *inst) {
    const corral_allocator *a = &inst->store->alloc;
    for (uint32_t i = 0; inst->elem_items && i < inst->nelems; i++) vm_free(a, inst->elem_items[i]);
    vm_free(a, inst->elem_items);
    vm_free(a, inst->elem_len);
    vm_free(a, inst->data_len);
    vm_free(a, inst->funcs);
    vm_free(a, inst->tables);
    vm_free(a, inst->globals);
    vm_free(a, inst);
}

void vm_store_free_objects(corral_store *s) {
    const corral_allocator *a = &s->alloc;
    while (s->instances) { corral_instance *n = s->instances->next; vm_instance_free(s->instances); s->instances = n; }
    while (s->funcs) { corral_func *n = s->funcs->next; vm_free(a, s->funcs->own_type.types); vm_free(a, s->funcs); s->funcs = n; }
    while (s->memories) { vm_memory *n = s->memories->next; memory_free(s, s->memories); s->memories = n; }
    while (s->tables) { vm_table *n = s->tables->next; vm_free(a, s->tables->elems); vm_free(a, s->tables); s->tables = n; }
    while (s->globals) { vm_global *n = s->globals->next; vm_free(a, s->globals); s->globals = n; }
}

/* Everything a module holds, with the allocator it was loaded with. */
void vm_module_free(corral_module *m) {
    if (!m) return;
    const corral_allocator *a = &m->alloc;
    for (uint32_t i = 0; m->types && i < m->ntypes; i++) vm_free(a, m->types[i].types);
    vm_free(a, m->types);
    for (uint32_t i = 0; m->imports && i < m->nimports; i++) {
        vm_free(a, m->imports[i].module);
        vm_free(a, m->imports[i].name);
    }
    vm_free(a, m->imports);
    for (uint32_t i = 0; m->funcs && i < m->nfuncs - m->nfunc_imports; i++) {
        vm_free(a, m->funcs[i].local_types);
        if (!m->entry) {
            vm_free(a, m->funcs[i].code);
            vm_free(a, m->funcs[i].meter);
            vm_free(a, m->funcs[i].locs);
        }
    }
    vm_free(a, m->funcs);
    vm_free(a, m->func_types);
    vm_free(a, m->func_declared);
    for (uint32_t i = 0; m->func_names && i < m->nfuncs; i++) vm_free(a, m->func_names[i]);
    vm_free(a, m->func_names);
    vm_free(a, m->tables);
    vm_free(a, m->mems);
    vm_free(a, m->globals);
    vm_free(a, m->global_inits);
    for (uint32_t i = 0; m->exports && i < m->nexports; i++) vm_free(a, m->exports[i].name);
    vm_free(a, m->exports);
    for (uint32_t i = 0; m->elems && i < m->nelems; i++) vm_free(a, m->elems[i].items);
    vm_free(a, m->elems);
    vm_free(a, m->datas);
    vm_free(a, m->image);
    if (!m->bytes_borrowed) vm_free(a, m->bytes);
    if (m->entry && m->entry_release) m->entry_release(m->entry_env);
    corral_allocator own = m->alloc;
    vm_free(&own, m);
}
