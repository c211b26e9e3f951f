/*
 * decode.c - the binary format (spec chapter 5) into a vm_module.
 *
 * A cursor (p, end) walks the bytes; every read checks against end before
 * it touches a byte, and every length is compared in subtraction form
 * (len > end - p) so that nothing can wrap.  Errors are the spec suite's
 * messages.  Function bodies are handed to compile.c as their section is
 * read, since everything they refer to has been decoded by then.
 */
#include <stdlib.h> /* qsort */
#include <string.h>

#include "rd.h"
#include "vm.h"

static const char e_nomem[] = "out of memory";

/* ---- small readers on top of rd.h ------------------------------------------ */

static const char *rd_name_len(corral_module *m, vm_rd *r, char **out, uint32_t *out_len) {
    uint32_t len;
    const char *e = vm_rd_u32(r, &len);
    if (e) return e;
    if (len > (size_t)(r->end - r->p)) return r->eof;
    if (!vm_utf8_valid(r->p, len)) return "malformed UTF-8 encoding";
    char *s = vm_strndup(&m->alloc, (const char *)r->p, len);
    if (!s) return e_nomem;
    r->p += len;
    *out = s;
    if (out_len) *out_len = len;
    return 0;
}

static const char *rd_name(corral_module *m, vm_rd *r, char **out) {
    return rd_name_len(m, r, out, 0);
}

/* A vector count n.  Each element takes at least min_size bytes, so no
 * more than cap = min(n, left / min_size + 1) of them can be read: that is
 * what the caller allocates.  A count that claims more fails while its
 * elements are read, with the message of whatever is missing. */
static const char *rd_count(vm_rd *r, uint32_t *n, uint32_t *cap, uint32_t min_size,
                            uint32_t max) {
    const char *e = vm_rd_u32(r, n);
    if (e) return e;
    if (*n > max) return "too many elements (see vm/limits.h)";
    uint64_t fit = (uint64_t)(r->end - r->p) / min_size + 1;
    *cap = *n < fit ? *n : (uint32_t)fit;
    return 0;
}

/* Zeroed arrays of the module (at least one element, so NULL is an error). */
static void *calloc_n(corral_module *m, size_t n, size_t size) { return vm_calloc(&m->alloc, n, size); }

static bool is_valtype(uint8_t t) {
    return t == VM_I32 || t == VM_I64 || t == VM_F32 || t == VM_F64 || t == VM_V128 ||
           t == VM_FUNCREF || t == VM_EXTERNREF;
}

static const char *rd_valtype(vm_rd *r, uint8_t *t) {
    const char *e = vm_rd_byte(r, t);
    if (e) return e;
    return is_valtype(*t) ? 0 : "malformed value type";
}

static const char *rd_reftype(vm_rd *r, uint8_t *t) {
    const char *e = vm_rd_byte(r, t);
    if (e) return e;
    return *t == VM_FUNCREF || *t == VM_EXTERNREF ? 0 : "malformed reference type";
}

static const char *rd_limits(vm_rd *r, vm_limits *l, uint64_t bound) {
    uint8_t flag;
    uint32_t v;
    const char *e = vm_rd_byte(r, &flag);
    if (e) return e;
    /* The flag is a one-byte LEB128 in the reference decoder's eyes. */
    if (flag & 0x80) return "integer representation too long";
    if (flag > 1) return "integer too large";
    if ((e = vm_rd_u32(r, &v))) return e;
    l->min = v;
    l->max = UINT64_MAX;
    if (flag == 1) {
        if ((e = vm_rd_u32(r, &v))) return e;
        l->max = v;
    }
    (void)bound;
    return 0;
}

static const char *check_limits(const vm_limits *l, uint64_t bound, const char *toobig) {
    if (l->min > bound || (l->max != UINT64_MAX && l->max > bound)) return toobig;
    if (l->max != UINT64_MAX && l->min > l->max)
        return "size minimum must not be greater than maximum";
    return 0;
}

static const char *rd_tabletype(vm_rd *r, vm_tabletype *t) {
    const char *e = rd_reftype(r, &t->elemtype);
    if (e) return e;
    if ((e = rd_limits(r, &t->lim, 0xFFFFFFFFu))) return e;
    return check_limits(&t->lim, 0xFFFFFFFFu, "table size must be at most 2^32-1");
}

static const char *rd_memtype(vm_rd *r, vm_limits *l) {
    const char *e = rd_limits(r, l, VM_MAX_PAGES);
    if (e) return e;
    return check_limits(l, VM_MAX_PAGES, "memory size must be at most 65536 pages (4GiB)");
}

static const char *rd_globaltype(vm_rd *r, vm_globaltype *g) {
    uint8_t mut;
    const char *e = rd_valtype(r, &g->type);
    if (e) return e;
    if ((e = vm_rd_byte(r, &mut))) return e;
    if (mut > 1) return "malformed mutability";
    g->mut = mut;
    return 0;
}

/* A constant expression (spec 3.3.10): constant instructions up to end,
 * leaving exactly one value.  global.get may only name an imported,
 * immutable global (the 2.0 rule); the caller checks the type. */
static const char *rd_constexpr(vm_rd *r, const corral_module *m, vm_constexpr *ce) {
    uint32_t nvals = 0;
    const char *e;
    for (;;) {
        uint8_t op;
        if ((e = vm_rd_byte(r, &op))) return e;
        if (op == 0x0B) break;
        nvals++;
        switch (op) {
        case 0x41: { int32_t v; if ((e = vm_rd_s32(r, &v))) return e;
            *ce = (vm_constexpr){VM_CE_CONST, VM_I32, (uint32_t)v, 0}; break; }
        case 0x42: { int64_t v; if ((e = vm_rd_s64(r, &v))) return e;
            *ce = (vm_constexpr){VM_CE_CONST, VM_I64, (uint64_t)v, 0}; break; }
        case 0x43: { uint32_t v; if ((e = vm_rd_fixed32(r, &v))) return e;
            *ce = (vm_constexpr){VM_CE_CONST, VM_F32, v, 0}; break; }
        case 0x44: { uint64_t v; if ((e = vm_rd_fixed64(r, &v))) return e;
            *ce = (vm_constexpr){VM_CE_CONST, VM_F64, v, 0}; break; }
        case 0xFD: { /* v128.const: the 16 bytes go into the two slots as they are */
            uint32_t sub;
            uint8_t b[16];
            if ((e = vm_rd_u32(r, &sub))) return e;
            if (sub != 0x0C) return sub > 0xFF ? "illegal opcode" : "constant expression required";
            if (r->end - r->p < 16) { r->p = r->end; return r->eof; }
            memcpy(b, r->p, 16);
            r->p += 16;
            *ce = (vm_constexpr){VM_CE_CONST, VM_V128, 0, 0};
            memcpy(&ce->value, b, 8);
            memcpy(&ce->hi, b + 8, 8);
            break; }
        case 0xD0: { uint8_t t; if ((e = rd_reftype(r, &t))) return e;
            *ce = (vm_constexpr){VM_CE_REF_NULL, t, 0, 0}; break; }
        case 0xD2: { uint32_t f; if ((e = vm_rd_u32(r, &f))) return e;
            if (f >= m->nfuncs) return "unknown function";
            *ce = (vm_constexpr){VM_CE_REF_FUNC, VM_FUNCREF, f, 0};
            m->func_declared[f] = true; break; }
        case 0x23: { uint32_t g; if ((e = vm_rd_u32(r, &g))) return e;
            if (g >= m->nglobal_imports) return "unknown global";
            if (m->globals[g].mut) return "constant expression required";
            *ce = (vm_constexpr){VM_CE_GLOBAL, m->globals[g].type, g, 0}; break; }
        default: return vm_opcode_known(op) ? "constant expression required" : "illegal opcode";
        }
    }
    return nvals == 1 ? 0 : "type mismatch";
}

static const char *rd_typed_constexpr(vm_rd *r, const corral_module *m, uint8_t type,
                                      vm_constexpr *ce) {
    const char *e = rd_constexpr(r, m, ce);
    if (e) return e;
    return ce->type == type ? 0 : "type mismatch";
}

/* ---- sections ------------------------------------------------------------------- */

static const char *sec_type(vm_rd *r, corral_module *m) {
    uint32_t n, cap;
    const char *e = rd_count(r, &n, &cap, 3, VM_MAX_TYPES);
    if (e) return e;
    m->ntypes = cap;
    if (!(m->types = calloc_n(m, cap, sizeof *m->types))) return e_nomem;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t form;
        uint32_t np, nr;
        if ((e = vm_rd_byte(r, &form))) return e;
        if (form & 0x80) return "integer representation too long"; /* read as s7 */
        if (form != 0x60) return "malformed function type";
        uint8_t t[2 * VM_MAX_PARAMS]; /* fixed size: the counts are bounded */
        if ((e = rd_count(r, &np, &cap, 1, VM_MAX_PARAMS))) return e;
        for (uint32_t j = 0; j < np; j++)
            if ((e = rd_valtype(r, &t[j]))) return e;
        if ((e = rd_count(r, &nr, &cap, 1, VM_MAX_PARAMS))) return e;
        for (uint32_t j = 0; j < nr; j++)
            if ((e = rd_valtype(r, &t[np + j]))) return e;
        if (!(m->types[i].types = vm_malloc(&m->alloc, (size_t)np + nr + 1))) return e_nomem;
        memcpy(m->types[i].types, t, (size_t)np + nr);
        m->types[i].nparams = np;
        m->types[i].nresults = nr;
        vm_functype_count_slots(&m->types[i]);
    }
    m->ntypes = n;
    return 0;
}

static const char *sec_import(vm_rd *r, corral_module *m) {
    uint32_t n, cap;
    const char *e = rd_count(r, &n, &cap, 4, VM_MAX_IMPORTS);
    if (e) return e;
    m->nimports = cap;
    if (!(m->imports = calloc_n(m, cap, sizeof *m->imports))) return e_nomem;
    /* The entity vectors are sized once the import section is read and the
     * definition sections are known; count per kind first. */
    for (uint32_t i = 0; i < n; i++) {
        vm_import *im = &m->imports[i];
        if ((e = rd_name(m, r, &im->module))) return e;
        if ((e = rd_name(m, r, &im->name))) return e;
        if ((e = vm_rd_byte(r, &im->kind))) return e;
        switch (im->kind) {
        case CORRAL_EXTERN_FUNC:
            if ((e = vm_rd_u32(r, &im->u.type))) return e;
            if (im->u.type >= m->ntypes) return "unknown type";
            m->nfunc_imports++;
            break;
        case CORRAL_EXTERN_TABLE:
            if ((e = rd_tabletype(r, &im->u.table))) return e;
            m->ntable_imports++;
            break;
        case CORRAL_EXTERN_MEMORY:
            if ((e = rd_memtype(r, &im->u.mem))) return e;
            m->nmem_imports++;
            break;
        case CORRAL_EXTERN_GLOBAL:
            if ((e = rd_globaltype(r, &im->u.global))) return e;
            m->nglobal_imports++;
            break;
        default: return "malformed import kind";
        }
    }
    m->nimports = n;
    return m->nmem_imports > 1 ? "multiple memories" : 0;
}

/* Size the per-kind index spaces: imports first, then definitions. */
static const char *alloc_spaces(corral_module *m, uint32_t nfuncs, uint32_t ntables,
                                uint32_t nmems, uint32_t nglobals) {
    m->nfuncs = m->nfunc_imports + nfuncs;
    m->ntables = m->ntable_imports + ntables;
    m->nmems = m->nmem_imports + nmems;
    m->nglobals = m->nglobal_imports + nglobals;
    if (!(m->func_types = calloc_n(m, m->nfuncs, sizeof(uint32_t)))) return e_nomem;
    if (!(m->func_declared = calloc_n(m, m->nfuncs, sizeof(bool)))) return e_nomem;
    if (!(m->funcs = calloc_n(m, nfuncs, sizeof(vm_funcdef)))) return e_nomem;
    if (!(m->tables = calloc_n(m, m->ntables, sizeof(vm_tabletype)))) return e_nomem;
    if (!(m->mems = calloc_n(m, m->nmems, sizeof(vm_limits)))) return e_nomem;
    if (!(m->globals = calloc_n(m, m->nglobals, sizeof(vm_globaltype)))) return e_nomem;
    if (!(m->global_inits = calloc_n(m, nglobals, sizeof(vm_constexpr)))) return e_nomem;
    uint32_t f = 0, t = 0, me = 0, g = 0;
    for (uint32_t i = 0; i < m->nimports; i++) {
        vm_import *im = &m->imports[i];
        switch (im->kind) {
        case CORRAL_EXTERN_FUNC: m->func_types[f++] = im->u.type; break;
        case CORRAL_EXTERN_TABLE: m->tables[t++] = im->u.table; break;
        case CORRAL_EXTERN_MEMORY: m->mems[me++] = im->u.mem; break;
        default: m->globals[g++] = im->u.global; break;
        }
    }
    return 0;
}

/* Sections 3..6 only count here; the spaces are allocated once all of the
 * counts are known (see decode_sections). */
static const char *sec_function(vm_rd *r, corral_module *m, uint32_t *n) {
    uint32_t cap;
    const char *e = rd_count(r, n, &cap, 1, VM_MAX_FUNCS);
    if (e) return e;
    if ((e = alloc_spaces(m, cap, 0, 0, 0))) return e;
    for (uint32_t i = 0; i < *n; i++) {
        uint32_t t;
        if ((e = vm_rd_u32(r, &t))) return e;
        if (t >= m->ntypes) return "unknown type";
        m->func_types[m->nfunc_imports + i] = t;
        m->funcs[i].type = t;
    }
    return 0;
}

static const char *grow_array(corral_module *m, void **p, size_t n, size_t size) {
    if (size && n > SIZE_MAX / size) return e_nomem;
    void *q = vm_realloc(&m->alloc, *p, n * size);
    if (!q) return e_nomem;
    *p = q;
    return 0;
}

static const char *sec_table(vm_rd *r, corral_module *m) {
    uint32_t n, cap;
    const char *e = rd_count(r, &n, &cap, 3, VM_MAX_TABLES);
    if (e) return e;
    if ((e = grow_array(m, (void **)&m->tables, m->ntables + cap, sizeof *m->tables))) return e;
    for (uint32_t i = 0; i < n; i++)
        if ((e = rd_tabletype(r, &m->tables[m->ntables++]))) return e;
    return 0;
}

static const char *sec_memory(vm_rd *r, corral_module *m) {
    uint32_t n, cap;
    const char *e = rd_count(r, &n, &cap, 2, VM_MAX_TABLES);
    if (e) return e;
    if ((e = grow_array(m, (void **)&m->mems, m->nmems + cap, sizeof *m->mems))) return e;
    for (uint32_t i = 0; i < n; i++)
        if ((e = rd_memtype(r, &m->mems[m->nmems++]))) return e;
    if (m->nmems > 1) return "multiple memories";
    return 0;
}

static const char *sec_global(vm_rd *r, corral_module *m) {
    uint32_t n, cap;
    const char *e = rd_count(r, &n, &cap, 3, VM_MAX_GLOBALS);
    if (e) return e;
    if ((e = grow_array(m, (void **)&m->globals, m->nglobals + cap, sizeof *m->globals))) return e;
    if ((e = grow_array(m, (void **)&m->global_inits, cap, sizeof *m->global_inits))) return e;
    for (uint32_t i = 0; i < n; i++) {
        vm_globaltype *g = &m->globals[m->nglobals];
        if ((e = rd_globaltype(r, g))) return e;
        if ((e = rd_typed_constexpr(r, m, g->type, &m->global_inits[i]))) return e;
        m->nglobals++;
    }
    return 0;
}

/* Export names by length, then bytes (names may hold NUL bytes). */
static int export_name_cmp(const void *a, const void *b) {
    const vm_export *x = *(const vm_export *const *)a, *y = *(const vm_export *const *)b;
    if (x->name_len != y->name_len) return x->name_len < y->name_len ? -1 : 1;
    return memcmp(x->name, y->name, x->name_len);
}

/* Export names must differ: sorted, equal names are neighbours, so the
 * check is O(n log n) whatever the names (a hash set could be flooded). */
static const char *check_export_names(const corral_module *m) {
    if (m->nexports < 2) return 0;
    const vm_export **v = vm_malloc(&m->alloc, m->nexports * sizeof *v);
    if (!v) return e_nomem;
    for (uint32_t i = 0; i < m->nexports; i++) v[i] = &m->exports[i];
    qsort(v, m->nexports, sizeof *v, export_name_cmp);
    const char *e = 0;
    for (uint32_t i = 1; i < m->nexports && !e; i++)
        if (export_name_cmp(&v[i - 1], &v[i]) == 0) e = "duplicate export name";
    vm_free(&m->alloc, v);
    return e;
}

static const char *sec_export(vm_rd *r, corral_module *m) {
    uint32_t n, cap;
    const char *e = rd_count(r, &n, &cap, 3, VM_MAX_EXPORTS);
    if (e) return e;
    m->nexports = cap;
    if (!(m->exports = calloc_n(m, cap, sizeof *m->exports))) return e_nomem;
    for (uint32_t i = 0; i < n; i++) {
        vm_export *x = &m->exports[i];
        if ((e = rd_name_len(m, r, &x->name, &x->name_len))) return e;
        if ((e = vm_rd_byte(r, &x->kind))) return e;
        if ((e = vm_rd_u32(r, &x->index))) return e;
        switch (x->kind) {
        case CORRAL_EXTERN_FUNC:
            if (x->index >= m->nfuncs) return "unknown function";
            m->func_declared[x->index] = true;
            break;
        case CORRAL_EXTERN_TABLE: if (x->index >= m->ntables) return "unknown table"; break;
        case CORRAL_EXTERN_MEMORY: if (x->index >= m->nmems) return "unknown memory"; break;
        case CORRAL_EXTERN_GLOBAL: if (x->index >= m->nglobals) return "unknown global"; break;
        default: return "malformed export kind";
        }
    }
    m->nexports = n;
    return check_export_names(m);
}

static const char *sec_start(vm_rd *r, corral_module *m) {
    uint32_t f;
    const char *e = vm_rd_u32(r, &f);
    if (e) return e;
    if (f >= m->nfuncs) return "unknown function";
    const vm_functype *t = &m->types[m->func_types[f]];
    if (t->nparams || t->nresults) return "start function";
    m->start = f;
    return 0;
}

/* Element segments (spec 5.5.12): the 3-bit flag selects passive/active/
 * declarative, explicit table index, and expressions vs function indices. */
static const char *rd_elem(vm_rd *r, corral_module *m, vm_elem *s) {
    uint32_t flags, n;
    const char *e = vm_rd_u32(r, &flags);
    if (e) return e;
    if (flags > 7) return "malformed elements segment kind";
    bool passive_or_decl = flags & 1, explicit_table = flags & 2, exprs = flags & 4;
    s->mode = !passive_or_decl ? VM_SEG_ACTIVE : explicit_table ? VM_SEG_DECLARATIVE : VM_SEG_PASSIVE;
    s->type = VM_FUNCREF;
    if (s->mode == VM_SEG_ACTIVE) {
        if (explicit_table && (e = vm_rd_u32(r, &s->table))) return e;
        if (s->table >= m->ntables) return "unknown table";
        if ((e = rd_typed_constexpr(r, m, VM_I32, &s->offset))) return e;
    }
    if (passive_or_decl || explicit_table) {
        if (exprs) {
            if ((e = rd_reftype(r, &s->type))) return e;
        } else {
            uint8_t kind;
            if ((e = vm_rd_byte(r, &kind))) return e;
            if (kind != 0) return "malformed element kind";
        }
    }
    uint32_t cap;
    if ((e = rd_count(r, &n, &cap, 1, VM_MAX_TABLE_ELEMS))) return e;
    s->count = cap;
    if (!(s->items = calloc_n(m, cap, sizeof *s->items))) return e_nomem;
    for (uint32_t i = 0; i < n; i++) {
        vm_constexpr *ce = &s->items[i];
        if ((i & VM_LOAD_POLL) == VM_LOAD_POLL && vm_load_interrupted(m))
            return vm_err_load_interrupt;
        if (exprs) {
            if ((e = rd_typed_constexpr(r, m, s->type, ce))) return e;
        } else {
            uint32_t f;
            if ((e = vm_rd_u32(r, &f))) return e;
            if (f >= m->nfuncs) return "unknown function";
            m->func_declared[f] = true;
            ce->kind = VM_CE_REF_FUNC;
            ce->type = VM_FUNCREF;
            ce->value = f;
        }
    }
    s->count = n;
    if (s->mode == VM_SEG_ACTIVE && m->tables[s->table].elemtype != s->type)
        return "type mismatch";
    return 0;
}

static const char *sec_elem(vm_rd *r, corral_module *m) {
    uint32_t n, cap;
    const char *e = rd_count(r, &n, &cap, 1, VM_MAX_SEGMENTS);
    if (e) return e;
    m->nelems = cap;
    if (!(m->elems = calloc_n(m, cap, sizeof *m->elems))) return e_nomem;
    for (uint32_t i = 0; i < n; i++)
        if ((e = rd_elem(r, m, &m->elems[i]))) return e;
    m->nelems = n;
    return 0;
}

static const char *sec_code(vm_rd *r, corral_module *m, uint32_t ndefined, corral_diag *diag) {
    uint32_t n;
    const char *e = vm_rd_u32(r, &n);
    if (e) return e;
    if (n != ndefined) return "function and code section have inconsistent lengths";
    for (uint32_t i = 0; i < n; i++) {
        vm_funcdef *f = &m->funcs[i];
        uint32_t size, ngroups;
        if (vm_load_interrupted(m)) return vm_err_load_interrupt;
        if ((e = vm_rd_u32(r, &size))) return e;
        if (size > (size_t)(r->end - r->p)) return "length out of bounds";
        vm_rd body = {r->p, r->p + size, r->base, "unexpected end of section or function"};
        r->p += size;
        if ((e = vm_rd_u32(&body, &ngroups))) return e;
        /* Two passes over the local groups: count, then fill. */
        const uint8_t *groups = body.p;
        uint64_t total = 0;
        for (uint32_t g = 0; g < ngroups; g++) {
            uint32_t cnt;
            uint8_t t;
            if ((e = vm_rd_u32(&body, &cnt))) return e;
            if ((e = rd_valtype(&body, &t))) return e;
            total += cnt;
            if (total > VM_MAX_LOCALS) return "too many locals";
        }
        const vm_functype *ft = &m->types[f->type];
        if (ft->nparams + total > VM_MAX_LOCALS) return "too many locals";
        f->nlocals = (uint32_t)total;
        if (!(f->local_types = vm_malloc(&m->alloc, ft->nparams + total + 1))) return e_nomem;
        memcpy(f->local_types, ft->types, ft->nparams);
        body.p = groups;
        uint32_t k = ft->nparams;
        for (uint32_t g = 0; g < ngroups; g++) {
            uint32_t cnt;
            uint8_t t;
            (void)vm_rd_u32(&body, &cnt);
            (void)vm_rd_byte(&body, &t);
            memset(f->local_types + k, t, cnt);
            k += cnt;
        }
        f->body = body.p;
        f->body_len = (uint32_t)(body.end - body.p);
        f->body_offset = (uint64_t)(body.p - r->base);
        uint64_t off = f->body_offset;
        if ((e = vm_compile(m, i, &off))) {
            if (diag) { diag->offset = off; diag->func = i; }
            return e;
        }
    }
    return 0;
}

static const char *sec_data(vm_rd *r, corral_module *m) {
    uint32_t n, cap;
    const char *e = rd_count(r, &n, &cap, 1, VM_MAX_SEGMENTS);
    if (e) return e;
    if (m->data_count >= 0 && n != m->data_count)
        return "data count and data section have inconsistent lengths";
    m->ndatas = cap;
    if (!(m->datas = calloc_n(m, cap, sizeof *m->datas))) return e_nomem;
    for (uint32_t i = 0; i < n; i++) {
        vm_data *d = &m->datas[i];
        uint32_t flags, len;
        if ((e = vm_rd_u32(r, &flags))) return e;
        if (flags > 2) return "malformed data segment kind";
        d->mode = flags == 1 ? VM_SEG_PASSIVE : VM_SEG_ACTIVE;
        if (flags == 2 && (e = vm_rd_u32(r, &d->mem))) return e;
        if (d->mode == VM_SEG_ACTIVE) {
            if (d->mem >= m->nmems) return "unknown memory";
            if ((e = rd_typed_constexpr(r, m, VM_I32, &d->offset))) return e;
        }
        if ((e = vm_rd_u32(r, &len))) return e;
        if (len > (size_t)(r->end - r->p)) return "unexpected end of section or function";
        d->bytes = r->p;
        d->len = len;
        r->p += len;
    }
    m->ndatas = n;
    return 0;
}

/* The name section (spec 7.4.1), function names only.  A custom section
 * never makes a module invalid, so a malformed one is simply ignored. */
static void sec_names(vm_rd *r, corral_module *m) {
    if (!m->nfuncs || m->func_names) return;
    char **names = vm_calloc(&m->alloc, m->nfuncs, sizeof *names);
    if (!names) return;
    while (r->p < r->end) {
        uint8_t id;
        uint32_t size, n;
        if (vm_rd_byte(r, &id) || vm_rd_u32(r, &size) || size > (size_t)(r->end - r->p)) break;
        vm_rd sub = {r->p, r->p + size, r->base, r->eof};
        r->p += size;
        if (id != 1 || vm_rd_u32(&sub, &n)) continue;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t idx;
            char *name;
            if (vm_rd_u32(&sub, &idx) || rd_name(m, &sub, &name)) break;
            if (idx < m->nfuncs && !names[idx]) names[idx] = name;
            else vm_free(&m->alloc, name);
        }
    }
    m->func_names = names;
}

/* ---- the module --------------------------------------------------------------- */

/* Section ids in the order the binary format requires (data count, 12,
 * comes between element and code). */
static int section_rank(uint8_t id) {
    static const int8_t rank[13] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};
    return rank[id];
}

const char *vm_decode(corral_module *m, corral_diag *diag) {
    vm_rd r = {m->bytes, m->bytes + m->len, m->bytes, "unexpected end"};
    const char *e = 0;
    uint32_t magic, version, ndefined = 0;
    bool spaces = false, have_code = false;
    int last = 0;

    m->start = -1;
    m->data_count = -1;
    if ((e = vm_rd_fixed32(&r, &magic))) return e;
    if (magic != 0x6D736100u) return "magic header not detected";
    if ((e = vm_rd_fixed32(&r, &version))) return e;
    if (version != 1) return "unknown binary version";

    while (r.p < r.end) {
        uint8_t id;
        uint32_t size;
        const uint8_t *start = r.p;
        if ((e = vm_rd_byte(&r, &id))) break;
        if (id > 12) { e = "malformed section id"; break; }
        if (vm_load_interrupted(m)) { e = vm_err_load_interrupt; break; }
        if ((e = vm_rd_u32(&r, &size))) break;
        if (size > (size_t)(r.end - r.p)) { e = "length out of bounds"; break; }
        vm_rd s = {r.p, r.p + size, r.base, "unexpected end of section or function"};
        r.p += size;
        if (id != 0) {
            if (section_rank(id) <= last) { e = "unexpected content after last section"; break; }
            last = section_rank(id);
        }
        /* Definition sections index into spaces that start with the imports. */
        if (id >= 3 && id != 0 && !spaces) {
            spaces = true;
            if (id != 3 && (e = alloc_spaces(m, 0, 0, 0, 0))) break;
        }
        switch (id) {
        case 0: {
            char *name = 0;
            e = rd_name(m, &s, &name);
            if (!e && !strcmp(name, "name")) sec_names(&s, m);
            vm_free(&m->alloc, name);
            s.p = s.end; /* other custom contents are opaque to the engine */
            break;
        }
        case 1: e = sec_type(&s, m); break;
        case 2: e = sec_import(&s, m); break;
        case 3: e = sec_function(&s, m, &ndefined); break;
        case 4: e = sec_table(&s, m); break;
        case 5: e = sec_memory(&s, m); break;
        case 6: e = sec_global(&s, m); break;
        case 7: e = sec_export(&s, m); break;
        case 8: e = sec_start(&s, m); break;
        case 9: e = sec_elem(&s, m); break;
        case 10: e = sec_code(&s, m, ndefined, diag); have_code = true; break;
        case 11: e = sec_data(&s, m); break;
        case 12: {
            uint32_t n;
            e = vm_rd_u32(&s, &n);
            m->data_count = n;
            break;
        }
        }
        if (!e && s.p != s.end) e = "section size mismatch";
        if (e) {
            /* where the section reader stopped (section header errors: its start) */
            if (diag && diag->func < 0)
                diag->offset = (uint64_t)((s.p > start ? s.p : start) - r.base);
            break;
        }
    }
    if (e) return e;
    if (!spaces && (e = alloc_spaces(m, 0, 0, 0, 0))) return e;
    if (ndefined && !have_code) return "function and code section have inconsistent lengths";
    /* memory.init / data.drop need the data count section (5.5.16); without
     * it the segment count is that of the data section. */
    if (m->data_idx_used && m->data_count < 0)
        return m->ndatas ? "data count section required" : "unknown data segment";
    if (m->data_count >= 0 && (uint32_t)m->data_count != m->ndatas)
        return "data count and data section have inconsistent lengths";
    return 0;
}
