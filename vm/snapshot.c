/*
 * snapshot.c - write an instance's state back into its module's binary
 * (corral_snapshot_module, include/corral.h): the engine half of
 * `corral snapshot`, Wizer's idea of pre-initialisation.
 *
 * The output is the module's own bytes, section by section, with these
 * sections rewritten from the instance:
 *
 *   table    each defined table's minimum is its current size
 *   memory   the minimum is the current size in pages
 *   global   every defined global's init is a constant of its current value
 *   export   the names the caller drops (wizer.initialize, _initialize)
 *   start    dropped: it ran before the state was taken
 *   elem     segment i stays segment i, so table.init / elem.drop in the
 *            code mean what they meant: a passive segment keeps its items
 *            unless it was dropped (then it is empty, as a dropped segment
 *            behaves); an active or declarative one, which instantiation
 *            already dropped, becomes an empty declarative segment of its
 *            type.  After them come one active segment per run of non-null
 *            table entries, and one declarative segment naming every
 *            function the module declared, so that each ref.func of the
 *            code stays valid.
 *   data     the same: segment i is passive, with its bytes only if it is
 *            passive and not dropped; after them, active segments covering
 *            the non-zero bytes of memory (runs closer than a small gap
 *            are merged).
 *   datacount  (when present) the new number of data segments
 *
 * Everything else (types, imports, functions, code, custom sections) is
 * copied.  State that a module cannot express is refused with a message
 * naming it: imported memories, tables or mutable globals (their contents
 * live outside the module), a table entry or global holding a host
 * function that is not one of the module's imports, or an externref.
 *
 * vm/ has no stdio, so the messages are put together by hand.
 */
#include <stdlib.h>
#include <string.h>

#include "rd.h"
#include "vm.h"

/* ---- an output buffer ------------------------------------------------------ */

typedef struct {
    uint8_t *p;
    size_t len, cap;
    bool oom;
    const corral_allocator *a; /* the module's: the output is handed out with it */
} wbuf;

static void put(wbuf *b, const void *s, size_t n) {
    if (b->oom || n == 0) return;
    if (n > b->cap - b->len) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap - b->len < n) {
            if (cap > SIZE_MAX / 2) { b->oom = true; return; }
            cap *= 2;
        }
        uint8_t *q = vm_realloc(b->a, b->p, cap);
        if (!q) { b->oom = true; return; }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static void put_byte(wbuf *b, uint8_t c) { put(b, &c, 1); }

static void put_uleb(wbuf *b, uint64_t v) {
    do {
        uint8_t c = v & 0x7F;
        v >>= 7;
        put_byte(b, c | (v ? 0x80 : 0));
    } while (v);
}

static void put_sleb(wbuf *b, int64_t v) {
    for (;;) {
        uint8_t c = (uint8_t)(v & 0x7F);
        v >>= 7; /* arithmetic on every compiler corral supports */
        bool done = (v == 0 && !(c & 0x40)) || (v == -1 && (c & 0x40));
        put_byte(b, c | (done ? 0 : 0x80));
        if (done) return;
    }
}

static void put_le(wbuf *b, uint64_t v, unsigned n) {
    for (unsigned i = 0; i < n; i++) put_byte(b, (uint8_t)(v >> (8 * i)));
}

/* A section: id, size, then body (which is reset for the next one). */
static void put_section(wbuf *out, uint8_t id, wbuf *body) {
    if (body->oom) out->oom = true;
    put_byte(out, id);
    put_uleb(out, body->len);
    put(out, body->p, body->len);
    body->len = 0;
}

static void put_limits(wbuf *b, uint64_t min, uint64_t max) {
    put_byte(b, max == UINT64_MAX ? 0 : 1);
    put_uleb(b, min);
    if (max != UINT64_MAX) put_uleb(b, max);
}

static void put_constexpr(wbuf *b, const vm_constexpr *ce) {
    switch (ce->kind) {
    case VM_CE_CONST:
        switch (ce->type) {
        case VM_I32: put_byte(b, 0x41); put_sleb(b, (int32_t)(uint32_t)ce->value); break;
        case VM_I64: put_byte(b, 0x42); put_sleb(b, (int64_t)ce->value); break;
        case VM_F32: put_byte(b, 0x43); put_le(b, ce->value, 4); break;
        case VM_V128: /* v128.const: the two slots' bytes are its 16 bytes */
            put_byte(b, 0xFD);
            put_byte(b, 0x0C);
            put(b, &ce->value, 8);
            put(b, &ce->hi, 8);
            break;
        default: put_byte(b, 0x44); put_le(b, ce->value, 8); break;
        }
        break;
    case VM_CE_GLOBAL: put_byte(b, 0x23); put_uleb(b, ce->value); break;
    case VM_CE_REF_NULL: put_byte(b, 0xD0); put_byte(b, ce->type); break;
    default: put_byte(b, 0xD2); put_uleb(b, ce->value); break;
    }
    put_byte(b, 0x0B);
}

/* ---- messages ---------------------------------------------------------------- */

typedef struct {
    char *buf;
    size_t cap, len;
} msg;

static void msg_str(msg *m, const char *s) {
    for (; *s && m->len + 1 < m->cap; s++) m->buf[m->len++] = *s;
    if (m->cap) m->buf[m->len] = 0;
}

static void msg_num(msg *m, uint64_t v) {
    char d[24];
    int n = 0;
    do { d[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    char s[24];
    for (int i = 0; i < n; i++) s[i] = d[n - 1 - i];
    s[n] = 0;
    msg_str(m, s);
}

/* "WHAT N WHAT2 N2 WHY" into the caller's buffer; returns it, or a fixed
 * text when there is no buffer. */
static const char *refuse(msg *m, const char *what, uint64_t n, const char *what2, int64_t n2,
                          const char *why) {
    if (!m->cap) return "the instance's state cannot be written back into a module";
    m->len = 0;
    msg_str(m, what);
    msg_num(m, n);
    if (what2) {
        msg_str(m, what2);
        msg_num(m, (uint64_t)n2);
    }
    msg_str(m, why);
    return m->buf;
}

static const char e_host_func[] =
    " holds a host function that is not one of the module's imports; only the module's "
    "own functions can be written back";
static const char e_externref[] =
    " holds an externref (a host value), which a module cannot express";

/* ---- the state ---------------------------------------------------------------- */

/* The module-wide index of f in inst: a defined function of inst, or one of
 * its imports (which the new instance imports again by name). */
static bool func_index(const corral_instance *inst, const corral_func *f, uint32_t *idx) {
    const corral_module *m = inst->mod;
    if (f->inst == inst && f->def >= m->funcs && f->def < m->funcs + (m->nfuncs - m->nfunc_imports)) {
        *idx = m->nfunc_imports + (uint32_t)(f->def - m->funcs);
        return inst->funcs[*idx] == f;
    }
    for (uint32_t i = 0; i < m->nfunc_imports; i++)
        if (inst->funcs[i] == f) { *idx = i; return true; }
    return false;
}

/* A defined global's current value as a constant expression. */
static const char *global_value(const corral_instance *inst, uint32_t g, vm_constexpr *ce,
                                msg *m) {
    const vm_global *gl = inst->globals[g];
    uint8_t t = gl->type.type;
    *ce = (vm_constexpr){VM_CE_CONST, t, gl->val, gl->val_hi};
    if (t == VM_FUNCREF || t == VM_EXTERNREF) {
        if (gl->val == 0) {
            *ce = (vm_constexpr){VM_CE_REF_NULL, t, 0, 0};
        } else if (t == VM_EXTERNREF) {
            return refuse(m, "global ", g, 0, 0, e_externref);
        } else {
            uint32_t idx;
            if (!func_index(inst, (const corral_func *)(uintptr_t)gl->val, &idx))
                return refuse(m, "global ", g, 0, 0, e_host_func);
            *ce = (vm_constexpr){VM_CE_REF_FUNC, t, idx, 0};
        }
    }
    return 0;
}

/* The state the module cannot hold, refused before anything is written. */
static const char *check_state(const corral_instance *inst, msg *m) {
    const corral_module *mod = inst->mod;
    if (mod->nmem_imports)
        return refuse(m, "memory ", 0, 0, 0,
                      " is imported: its contents live outside the module and would be lost");
    if (mod->ntable_imports)
        return refuse(m, "table ", 0, 0, 0,
                      " is imported: its contents live outside the module and would be lost");
    for (uint32_t g = 0; g < mod->nglobal_imports; g++)
        if (mod->globals[g].mut)
            return refuse(m, "global ", g, 0, 0,
                          " is an imported mutable global: its value lives outside the module "
                          "and would be lost");
    for (uint32_t t = 0; t < mod->ntables; t++) {
        const vm_table *tb = inst->tables[t];
        for (uint32_t i = 0; i < tb->size; i++) {
            uint32_t idx;
            if (!tb->elems[i]) continue;
            if (tb->type == VM_EXTERNREF)
                return refuse(m, "table ", t, " element ", i, e_externref);
            if (!func_index(inst, tb->elems[i], &idx))
                return refuse(m, "table ", t, " element ", i, e_host_func);
        }
    }
    return 0;
}

/* ---- the rewritten sections ------------------------------------------------------ */

/* Runs of non-zero bytes of memory, runs less than gap apart merged; at
 * most VM_SNAPSHOT_MAX_RUNS (corral_bounds.h) of them (the gap grows until
 * they fit). */

static uint32_t memory_runs(const vm_memory *mem, uint64_t gap, wbuf *out) {
    uint32_t n = 0;
    uint64_t i = 0, size = mem ? mem->size : 0;
    const uint8_t *d = mem ? mem->data : 0;
    while (i < size) {
        while (i < size && d[i] == 0) i++;
        if (i == size) break;
        uint64_t start = i, end = i, zeros = 0;
        for (; i < size; i++) {
            if (d[i]) { end = i + 1; zeros = 0; }
            else if (++zeros >= gap) break;
        }
        n++;
        if (out) {
            put_byte(out, 0); /* active, memory 0 */
            put_byte(out, 0x41);
            put_sleb(out, (int32_t)(uint32_t)start);
            put_byte(out, 0x0B);
            put_uleb(out, end - start);
            put(out, d + start, (size_t)(end - start));
        }
        if (n > VM_SNAPSHOT_MAX_RUNS && !out) return n;
    }
    return n;
}

static void sec_table(const corral_instance *inst, wbuf *b) {
    const corral_module *m = inst->mod;
    put_uleb(b, m->ntables - m->ntable_imports);
    for (uint32_t t = m->ntable_imports; t < m->ntables; t++) {
        put_byte(b, m->tables[t].elemtype);
        put_limits(b, inst->tables[t]->size, m->tables[t].lim.max);
    }
}

static void sec_memory(const corral_instance *inst, wbuf *b) {
    const corral_module *m = inst->mod;
    put_uleb(b, m->nmems - m->nmem_imports);
    if (m->nmems > m->nmem_imports)
        put_limits(b, inst->mem->size / VM_PAGE_SIZE, m->mems[0].max);
}

static const char *sec_global(const corral_instance *inst, wbuf *b, msg *e) {
    const corral_module *m = inst->mod;
    put_uleb(b, m->nglobals - m->nglobal_imports);
    for (uint32_t g = m->nglobal_imports; g < m->nglobals; g++) {
        vm_constexpr ce;
        const char *err = global_value(inst, g, &ce, e);
        if (err) return err;
        put_byte(b, m->globals[g].type);
        put_byte(b, m->globals[g].mut);
        put_constexpr(b, &ce);
    }
    return 0;
}

static bool dropped_name(const vm_export *x, const char *const *drop, size_t ndrop) {
    for (size_t i = 0; i < ndrop; i++)
        if (strlen(drop[i]) == x->name_len && memcmp(drop[i], x->name, x->name_len) == 0)
            return true;
    return false;
}

static void sec_export(const corral_module *m, const char *const *drop, size_t ndrop, wbuf *b) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < m->nexports; i++) n += !dropped_name(&m->exports[i], drop, ndrop);
    put_uleb(b, n);
    for (uint32_t i = 0; i < m->nexports; i++) {
        const vm_export *x = &m->exports[i];
        if (dropped_name(x, drop, ndrop)) continue;
        put_uleb(b, x->name_len);
        put(b, x->name, x->name_len);
        put_byte(b, x->kind);
        put_uleb(b, x->index);
    }
}

/* The number of elem segments after the module's own: table runs and the
 * declarations.  With b, they are written. */
static uint32_t new_elems(const corral_instance *inst, wbuf *b) {
    const corral_module *m = inst->mod;
    uint32_t n = 0;
    for (uint32_t t = 0; t < m->ntables; t++) {
        const vm_table *tb = inst->tables[t];
        uint32_t i = 0;
        while (i < tb->size) {
            if (!tb->elems[i]) { i++; continue; }
            uint32_t start = i;
            while (i < tb->size && tb->elems[i]) i++;
            n++;
            if (!b) continue;
            put_byte(b, 6); /* active, explicit table, expressions */
            put_uleb(b, t);
            put_byte(b, 0x41);
            put_sleb(b, (int32_t)start);
            put_byte(b, 0x0B);
            put_byte(b, VM_FUNCREF);
            put_uleb(b, i - start);
            for (uint32_t k = start; k < i; k++) {
                uint32_t idx = 0;
                (void)func_index(inst, tb->elems[k], &idx); /* checked by check_state */
                vm_constexpr ce = {VM_CE_REF_FUNC, VM_FUNCREF, idx, 0};
                put_constexpr(b, &ce);
            }
        }
    }
    uint32_t ndecl = 0;
    for (uint32_t f = 0; f < m->nfuncs; f++) ndecl += m->func_declared[f];
    if (ndecl) {
        n++;
        if (b) {
            put_byte(b, 3); /* declarative, function indices */
            put_byte(b, 0x00);
            put_uleb(b, ndecl);
            for (uint32_t f = 0; f < m->nfuncs; f++)
                if (m->func_declared[f]) put_uleb(b, f);
        }
    }
    return n;
}

static void sec_elem(const corral_instance *inst, uint32_t nnew, wbuf *b) {
    const corral_module *m = inst->mod;
    put_uleb(b, (uint64_t)m->nelems + nnew);
    for (uint32_t i = 0; i < m->nelems; i++) {
        const vm_elem *el = &m->elems[i];
        bool kept = el->mode == VM_SEG_PASSIVE && inst->elem_len[i] != 0;
        put_byte(b, kept ? 5 : 7); /* passive / declarative, expressions */
        put_byte(b, el->type);
        put_uleb(b, kept ? el->count : 0);
        for (uint32_t k = 0; kept && k < el->count; k++) put_constexpr(b, &el->items[k]);
    }
    new_elems(inst, b);
}

/* Without a data count section the code cannot name data segments, so the
 * module's own (applied or passive, unused) need not be kept. */
static uint32_t kept_datas(const corral_module *m) { return m->data_count >= 0 ? m->ndatas : 0; }

static void sec_data(const corral_instance *inst, uint64_t gap, uint32_t nruns, wbuf *b) {
    const corral_module *m = inst->mod;
    put_uleb(b, (uint64_t)kept_datas(m) + nruns);
    for (uint32_t i = 0; i < kept_datas(m); i++) {
        put_byte(b, 1); /* passive */
        put_uleb(b, inst->data_len[i]);
        put(b, m->datas[i].bytes, inst->data_len[i]);
    }
    memory_runs(inst->mem, gap, b);
}

/* ---- the module ----------------------------------------------------------------- */

static int rank(uint8_t id) {
    static const int8_t r[13] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};
    return r[id];
}

const char *corral_snapshot_module(corral_instance *inst, const char *const *drop_exports,
                                   size_t ndrop, uint8_t **out, size_t *out_len, char *why,
                                   size_t why_cap) {
    const corral_module *m = inst->mod;
    msg e = {why, why_cap, 0};
    if (why_cap) why[0] = 0;
    *out = 0;
    *out_len = 0;
    const char *err = check_state(inst, &e);
    if (err) return err;
    if (!m->bytes) return "the module was loaded from a cache entry without its bytes";

    uint64_t gap = 16;
    uint32_t nruns;
    while ((nruns = memory_runs(inst->mem, gap, 0)) > VM_SNAPSHOT_MAX_RUNS) gap *= 2;
    uint32_t nelems_new = new_elems(inst, 0);
    bool had_elem = false, had_data = false;

    wbuf o = {0}, b = {0};
    o.a = b.a = &m->alloc;
    put(&o, m->bytes, 8); /* magic and version */
    vm_rd r = {m->bytes + 8, m->bytes + m->len, m->bytes, "unexpected end"};
    for (;;) {
        uint8_t id = 0;
        uint32_t size = 0;
        const uint8_t *start = r.p;
        bool at_end = r.p >= r.end;
        if (!at_end && (vm_rd_byte(&r, &id) || vm_rd_u32(&r, &size) ||
                        size > (size_t)(r.end - r.p))) {
            err = "the module's binary is malformed";
            break;
        }
        r.p += at_end ? 0 : size;
        /* Sections the module lacks but its state needs, in their place. */
        if (at_end || id != 0) {
            int next = at_end ? 13 : rank(id);
            if (!had_elem && nelems_new && rank(9) < next) {
                sec_elem(inst, nelems_new, &b);
                put_section(&o, 9, &b);
                had_elem = true;
            }
            if (!had_data && nruns + kept_datas(m) && rank(11) < next) {
                sec_data(inst, gap, nruns, &b);
                put_section(&o, 11, &b);
                had_data = true;
            }
        }
        if (at_end) break;
        switch (id) {
        case 4: sec_table(inst, &b); break;
        case 5: sec_memory(inst, &b); break;
        case 6: err = sec_global(inst, &b, &e); break;
        case 7: sec_export(m, drop_exports, ndrop, &b); break;
        case 8: continue; /* the start function ran */
        case 9: sec_elem(inst, nelems_new, &b); had_elem = true; break;
        case 11: sec_data(inst, gap, nruns, &b); had_data = true; break;
        case 12: put_uleb(&b, (uint64_t)kept_datas(m) + nruns); break;
        default: put(&o, start, (size_t)(r.p - start)); continue; /* as it was */
        }
        if (err) break;
        put_section(&o, id, &b);
    }
    vm_free(&m->alloc, b.p);
    if (!err && (o.oom || b.oom)) err = vm_err_nomem;
    if (err) {
        vm_free(&m->alloc, o.p);
        return err;
    }
    *out = o.p;
    *out_len = o.len;
    return 0;
}
