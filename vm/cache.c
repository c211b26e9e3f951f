/*
 * cache.c - a loaded module as a cache entry and back, and the entry's
 * key (corral.h, "the module cache").  Pure computation: wasi/cache.c
 * reads and writes the files.
 *
 * An entry is
 *
 *     magic "corralMC"   8 bytes
 *     format             u32 (CACHE_FORMAT)
 *     flags              u32: CORRAL_ENTRY_NEEDS_BYTES or 0
 *     key                32 bytes (corral_module_cache_key)
 *     payload length     u64
 *     payload            what the decoder and the lowering produced, and
 *                        the image's table
 *     checksum           corral_cache_checksum of everything before it
 *     image              zeros to a multiple of 64 KiB from the entry's
 *                        start, then the image's runs of pages, in order
 *
 * numbers little-endian, except each function's code and meters: those
 * are stored as they are in memory (threaded, native order, 4-aligned
 * from the entry's start), so that the loaded module uses them in place,
 * without a copy or a pass over them.  Handler offsets and byte order are
 * specific to one binary, and the key names both.  The payload refers to
 * the module's bytes (function bodies, data segments) by offset instead
 * of holding them: the key is a hash of those bytes, and the caller has
 * them.
 *
 * The image is memory 0 as the active data segments leave it, made when
 * every one of them is in bounds of the module's own memory (so none
 * traps) and they hold at least IMAGE_MIN bytes: the runs of wasm pages
 * they touch, each page-aligned in the file so that the host can map it
 * copy-on-write (corral_memory_ops' map) instead of copying it, and an
 * instance touches only the pages it uses.  The checksum leaves the image
 * out (it would cost a pass over it at every load): damage there changes
 * what the guest sees, as a changed module file would, not what the host
 * runs.
 *
 * Loading never trusts the entry's shape: the checksum and key are
 * checked before the payload is read, then every count is bounded by the
 * bytes left (so no allocation exceeds the entry's size) and every index
 * of the module's structure is checked against what it indexes, so a
 * damaged or hostile entry cannot make the loader read or write out of
 * bounds (tests/test_fuzz_load.c).  The lowered code itself is not
 * verified again: the checksum catches damage, and an entry is code,
 * which is why its directory must be as trusted as the binary (README,
 * "--cache-dir").
 */
#include <stdlib.h>
#include <string.h>

#include "code.h"
#include "hash.h"
#include "vm.h"

#define CACHE_FORMAT 6u
/* A hash of the engine's sources (the Makefile passes it); without it the
 * compile time stands in, so that another build never shares entries. */
#ifndef VM_SOURCE_HASH
#define VM_SOURCE_HASH "no source hash, built " __DATE__ " " __TIME__
#endif

static const uint8_t magic[8] = {'c', 'o', 'r', 'r', 'a', 'l', 'M', 'C'};
enum { HEADER = 8 + 4 + 4 + 32 + 8, CHECKSUM = 32 };
/* The least data worth an image, and the most it may exceed the data by
 * (pages touched by small segments far apart are mostly zeros). */
#define IMAGE_MIN ((uint64_t)64 << 10)
#define IMAGE_SLACK(data) (2 * (data) + ((uint64_t)1 << 20))

static const char e_trunc[] = "cache entry: truncated";
static const char e_bad[] = "cache entry: malformed payload";
static const char e_index[] = "cache entry: index out of range";
static const char e_code[] = "cache entry: malformed code";
static const char e_needs_bytes[] =
    "cache entry: the module's bytes are needed (data that is not in the image)";

/* The header's flag: loading the entry needs the module's bytes
 * (needs_bytes); without it, corral_module_deserialize takes none. */
#define CORRAL_ENTRY_NEEDS_BYTES 1u

/* ---- the key ------------------------------------------------------------------ */

void corral_module_cache_key(const corral_engine *e, const uint8_t *bytes, size_t len,
                             uint8_t key[32]) {
    vm_blake2b s;
    vm_blake2b_init(&s, 32);
    static const char tag[] = "corral module cache key\n" CORRAL_VERSION "\n" VM_SOURCE_HASH "\n";
    vm_blake2b_update(&s, tag, sizeof tag);
    static const uint16_t byte_order = 1; /* code is stored in native order */
    uint32_t build[] = {
        CACHE_FORMAT, VM_NOPS, *(const uint8_t *)&byte_order,
        (uint32_t)sizeof(corral_module), (uint32_t)sizeof(vm_funcdef),
        (uint32_t)sizeof(corral_func), (uint32_t)sizeof(vm_frame), (uint32_t)sizeof(void *),
#ifdef VM_DISPATCH_SWITCH
        1,
#else
        0,
#endif
        e && e->fuel ? 1u : 0u,
    };
    vm_blake2b_update(&s, build, sizeof build);
    const int32_t *handlers = vm_handler_offsets();
    if (handlers) vm_blake2b_update(&s, handlers, VM_NOPS * sizeof *handlers);
    uint64_t n = len;
    vm_blake2b_update(&s, &n, sizeof n);
    vm_blake2b_update(&s, bytes, len);
    vm_blake2b_final(&s, key);
}

/* ---- writing -------------------------------------------------------------------- */

typedef struct {
    uint8_t *p;
    size_t n, cap;
    bool oom;
    const corral_allocator *a; /* the module's: the entry is handed out with it */
} wbuf;

static void put(wbuf *w, const void *d, size_t n) {
    if (w->oom) return;
    if (w->cap - w->n < n) {
        size_t cap = w->cap ? w->cap : 4096;
        while (cap - w->n < n) cap *= 2;
        uint8_t *p = vm_realloc(w->a, w->p, cap);
        if (!p) { w->oom = true; return; }
        w->p = p;
        w->cap = cap;
    }
    if (n) memcpy(w->p + w->n, d, n);
    w->n += n;
}

static void put_u8(wbuf *w, uint8_t v) { put(w, &v, 1); }

static void put_u32(wbuf *w, uint32_t v) {
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    put(w, b, 4);
}

static void put_u64(wbuf *w, uint64_t v) {
    put_u32(w, (uint32_t)v);
    put_u32(w, (uint32_t)(v >> 32));
}

static void put_str(wbuf *w, const char *s, uint32_t len) {
    put_u32(w, len);
    put(w, s, len);
}

static void put_limits(wbuf *w, const vm_limits *l) {
    put_u64(w, l->min);
    put_u64(w, l->max);
}

static void put_ce(wbuf *w, const vm_constexpr *ce) {
    put_u8(w, ce->kind);
    put_u8(w, ce->type);
    put_u64(w, ce->value);
    put_u64(w, ce->hi);
}

/* Zeros up to a multiple of 4 bytes from the entry's start, so that the
 * code that follows can be used in place (u32 units, aligned). */
static void put_align(wbuf *w) {
    static const uint8_t zero[4];
    put(w, zero, (4 - w->n % 4) % 4);
}

/* f's code and meters as they are in memory: threaded, native byte order.
 * The key names the binary (its handler table, byte order and sizes), so
 * an entry is only ever loaded by a build that threads the same way.
 * Then its trap locations (bytes, used in place too). */
static void put_code(wbuf *w, const vm_funcdef *f) {
    put_u32(w, f->code_len);
    put_u32(w, f->nmeter);
    put_u32(w, f->locs_len);
    put_align(w);
    put(w, f->code, (size_t)f->code_len * sizeof *f->code);
    put(w, f->meter, (size_t)f->nmeter * 3 * sizeof *f->meter);
    put(w, f->locs, f->locs_len);
}

/* The pages of memory 0 its image holds (pages[p] != 0; *out, npages of
 * them), or 0 when the module gets no image (vm/cache.c's header). */
static uint32_t image_pages(const corral_module *m, uint8_t **out) {
    *out = 0;
    if (m->nmem_imports || m->nmems != 1) return 0;
    uint64_t size = m->mems[0].min * VM_PAGE_SIZE, data = 0;
    for (uint32_t i = 0; i < m->ndatas; i++) {
        const vm_data *d = &m->datas[i];
        if (d->mode != VM_SEG_ACTIVE) continue;
        if (d->offset.kind != VM_CE_CONST || (uint32_t)d->offset.value + (uint64_t)d->len > size)
            return 0;
        data += d->len;
    }
    if (data < IMAGE_MIN) return 0;
    uint32_t n = (uint32_t)m->mems[0].min;
    uint8_t *pages = vm_calloc(&m->alloc, n, 1);
    if (!pages) return 0;
    uint64_t image = 0;
    for (uint32_t i = 0; i < m->ndatas; i++) {
        const vm_data *d = &m->datas[i];
        if (d->mode != VM_SEG_ACTIVE || !d->len) continue;
        uint64_t off = (uint32_t)d->offset.value;
        for (uint64_t p = off / VM_PAGE_SIZE; p <= (off + d->len - 1) / VM_PAGE_SIZE; p++)
            if (!pages[p]) { pages[p] = 1; image += VM_PAGE_SIZE; }
    }
    if (image > IMAGE_SLACK(data)) { vm_free(&m->alloc, pages); return 0; }
    *out = pages;
    return n;
}

/* Whether a module loaded from its entry reads its bytes: the data of a
 * passive segment (memory.init) or of an active one that no image holds;
 * nothing else of them is read once the module is loaded. */
static bool needs_bytes(const corral_module *m, bool image) {
    for (uint32_t i = 0; i < m->ndatas; i++)
        if (m->datas[i].len && (m->datas[i].mode != VM_SEG_ACTIVE || !image)) return true;
    return false;
}

/* The image after the checksum: zeros to a 64 KiB boundary of the entry,
 * then each run of pages as the segments, applied in order, leave it. */
static void put_image(wbuf *w, const corral_module *m, const uint8_t *pages, uint32_t npages) {
    static const uint8_t zero[4096];
    while (w->n % VM_PAGE_SIZE && !w->oom) {
        size_t k = VM_PAGE_SIZE - w->n % VM_PAGE_SIZE;
        put(w, zero, k < sizeof zero ? k : sizeof zero);
    }
    size_t start = w->n; /* memory page p of a run lies at start + its place */
    uint64_t total = 0;
    for (uint32_t p = 0; p < npages; p++) total += pages[p];
    if (w->oom || total * VM_PAGE_SIZE > SIZE_MAX - w->n) { w->oom = true; return; }
    size_t need = w->n + (size_t)(total * VM_PAGE_SIZE);
    if (w->cap < need) {
        uint8_t *p = vm_realloc(w->a, w->p, need);
        if (!p) { w->oom = true; return; }
        w->p = p;
        w->cap = need;
    }
    memset(w->p + start, 0, need - start);
    w->n = need;
    /* where each memory page is in the image: its index among the pages */
    uint32_t *at = vm_malloc(w->a, (size_t)npages * sizeof *at);
    if (!at) { w->oom = true; return; }
    for (uint32_t p = 0, k = 0; p < npages; p++) at[p] = pages[p] ? k++ : 0;
    for (uint32_t i = 0; i < m->ndatas; i++) {
        const vm_data *d = &m->datas[i];
        if (d->mode != VM_SEG_ACTIVE || !d->len) continue;
        uint64_t off = (uint32_t)d->offset.value;
        /* the run's pages are consecutive in the image too */
        uint8_t *to = w->p + start + (size_t)at[off / VM_PAGE_SIZE] * VM_PAGE_SIZE + off % VM_PAGE_SIZE;
        memcpy(to, d->bytes, d->len);
    }
    vm_free(w->a, at);
}

const char *corral_module_serialize(const corral_module *m, const uint8_t key[32],
                                    uint8_t **entry, size_t *len) {
    *entry = 0;
    *len = 0;
    if (!m->bytes) return "the module was loaded from a cache entry without its bytes";
    wbuf w = {0, 0, 0, false, &m->alloc};
    put(&w, magic, sizeof magic);
    put_u32(&w, CACHE_FORMAT);
    put_u32(&w, 0); /* the flags, filled in below */
    put(&w, key, 32);
    put_u64(&w, 0); /* the payload's length, filled in below */

    put_u64(&w, m->len);
    put_u8(&w, m->fuel);
    put_u8(&w, m->data_idx_used);
    put_u64(&w, (uint64_t)m->start);
    put_u64(&w, (uint64_t)m->data_count);
    put_u32(&w, m->ntypes);
    for (uint32_t i = 0; i < m->ntypes; i++) {
        const vm_functype *t = &m->types[i];
        put_u32(&w, t->nparams);
        put_u32(&w, t->nresults);
        put(&w, t->types, (size_t)t->nparams + t->nresults);
    }
    put_u32(&w, m->nimports);
    for (uint32_t i = 0; i < m->nimports; i++) {
        const vm_import *im = &m->imports[i];
        put_str(&w, im->module, (uint32_t)strlen(im->module));
        put_str(&w, im->name, (uint32_t)strlen(im->name));
        put_u8(&w, im->kind);
        switch (im->kind) {
        case CORRAL_EXTERN_FUNC: put_u32(&w, im->u.type); break;
        case CORRAL_EXTERN_TABLE: put_u8(&w, im->u.table.elemtype); put_limits(&w, &im->u.table.lim); break;
        case CORRAL_EXTERN_MEMORY: put_limits(&w, &im->u.mem); break;
        default: put_u8(&w, im->u.global.type); put_u8(&w, im->u.global.mut); break;
        }
    }
    uint32_t ndef = m->nfuncs - m->nfunc_imports;
    put_u32(&w, ndef);
    for (uint32_t i = 0; i < ndef; i++) put_u32(&w, m->funcs[i].type);
    put_u32(&w, m->ntables - m->ntable_imports);
    for (uint32_t i = m->ntable_imports; i < m->ntables; i++) {
        put_u8(&w, m->tables[i].elemtype);
        put_limits(&w, &m->tables[i].lim);
    }
    put_u32(&w, m->nmems - m->nmem_imports);
    for (uint32_t i = m->nmem_imports; i < m->nmems; i++) put_limits(&w, &m->mems[i]);
    put_u32(&w, m->nglobals - m->nglobal_imports);
    for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++) {
        put_u8(&w, m->globals[i].type);
        put_u8(&w, m->globals[i].mut);
        put_ce(&w, &m->global_inits[i - m->nglobal_imports]);
    }
    put_u32(&w, m->nexports);
    for (uint32_t i = 0; i < m->nexports; i++) {
        put_str(&w, m->exports[i].name, m->exports[i].name_len);
        put_u8(&w, m->exports[i].kind);
        put_u32(&w, m->exports[i].index);
    }
    put_u32(&w, m->nelems);
    for (uint32_t i = 0; i < m->nelems; i++) {
        const vm_elem *s = &m->elems[i];
        put_u8(&w, s->mode);
        put_u8(&w, s->type);
        put_u32(&w, s->table);
        put_ce(&w, &s->offset);
        put_u32(&w, s->count);
        for (uint32_t k = 0; k < s->count; k++) put_ce(&w, &s->items[k]);
    }
    put_u32(&w, m->ndatas);
    for (uint32_t i = 0; i < m->ndatas; i++) {
        const vm_data *d = &m->datas[i];
        put_u8(&w, d->mode);
        put_u32(&w, d->mem);
        put_ce(&w, &d->offset);
        put_u32(&w, d->len ? (uint32_t)(d->bytes - m->bytes) : 0);
        put_u32(&w, d->len);
    }
    for (uint32_t i = 0; i < ndef; i++) {
        const vm_funcdef *f = &m->funcs[i];
        uint32_t nparams = m->types[f->type].nparams;
        put_u32(&w, f->nlocals);
        put(&w, f->local_types, (size_t)nparams + f->nlocals);
        put_u32(&w, (uint32_t)(f->body - m->bytes));
        put_u32(&w, f->body_len);
        put_u32(&w, f->nslots);
        put_code(&w, f);
    }
    for (uint32_t i = 0; i < m->nfuncs; i++) put_u8(&w, m->func_declared[i]);
    put_u8(&w, m->func_names != 0);
    for (uint32_t i = 0; m->func_names && i < m->nfuncs; i++) {
        const char *s = m->func_names[i];
        put_u32(&w, s ? (uint32_t)strlen(s) + 1 : 0);
        if (s) put(&w, s, strlen(s));
    }
    uint8_t *pages = 0;
    uint32_t npages = image_pages(m, &pages);
    uint32_t nruns = 0;
    for (uint32_t p = 0; p < npages; p++) nruns += pages[p] && (p == 0 || !pages[p - 1]);
    put_u32(&w, nruns);
    for (uint32_t p = 0; p < npages; p++) {
        if (!pages[p] || (p && pages[p - 1])) continue;
        uint32_t q = p;
        while (q < npages && pages[q]) q++;
        put_u32(&w, p);
        put_u32(&w, q - p);
    }
    uint8_t sum[32];
    if (!w.oom) {
        if (needs_bytes(m, nruns > 0)) w.p[12] = CORRAL_ENTRY_NEEDS_BYTES;
        uint64_t plen = w.n - HEADER;
        for (int i = 0; i < 8; i++) w.p[HEADER - 8 + i] = (uint8_t)(plen >> (8 * i));
        corral_cache_checksum(w.p, w.n, sum);
        put(&w, sum, sizeof sum);
    }
    if (nruns) put_image(&w, m, pages, npages);
    vm_free(&m->alloc, pages);
    if (w.oom) {
        vm_free(&m->alloc, w.p);
        return vm_err_nomem;
    }
    *entry = w.p;
    *len = w.n;
    return 0;
}

/* ---- reading ---------------------------------------------------------------------- */

/* What a module loaded without its bytes points its segments and bodies
 * at: nothing is read there (needs_bytes). */
static const uint8_t no_bytes[1];

typedef struct {
    const uint8_t *p, *end;
    const char *err;     /* the first error; reads after it give 0 */
    const uint8_t *base; /* the entry's start, for put_align's padding */
    const corral_allocator *a; /* the module's, for what it reads (alloc_n) */
} rbuf;

static bool need(rbuf *r, size_t n) {
    if (r->err) return false;
    if ((size_t)(r->end - r->p) < n) { r->err = e_trunc; return false; }
    return true;
}

static uint8_t get_u8(rbuf *r) { return need(r, 1) ? *r->p++ : 0; }

static uint32_t get_u32(rbuf *r) {
    if (!need(r, 4)) return 0;
    uint32_t v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 |
                 (uint32_t)r->p[3] << 24;
    r->p += 4;
    return v;
}

static uint64_t get_u64(rbuf *r) {
    uint64_t lo = get_u32(r);
    return lo | (uint64_t)get_u32(r) << 32;
}

/* A count of things of at least min_size bytes each, at most max: what
 * the rest of the entry could hold, so what it makes us allocate is
 * bounded by the entry's length. */
static uint32_t get_count(rbuf *r, size_t min_size, uint32_t max) {
    uint32_t n = get_u32(r);
    if (r->err) return 0;
    if (n > max || (uint64_t)n * min_size > (uint64_t)(r->end - r->p)) {
        r->err = e_trunc;
        return 0;
    }
    return n;
}

static void fail(rbuf *r, const char *e) {
    if (!r->err) r->err = e;
}

static void *alloc_n(rbuf *r, size_t n, size_t size) {
    if (r->err) return 0;
    void *p = vm_calloc(r->a, n, size);
    if (!p) r->err = vm_err_nomem;
    return p;
}

/* A string of len bytes, NUL-terminated; NULs inside are kept (exports). */
static char *get_str(rbuf *r, uint32_t *len) {
    uint32_t n = get_count(r, 1, 0xFFFFFFFEu);
    char *s = alloc_n(r, (size_t)n + 1, 1);
    if (!s || !need(r, n)) { vm_free(r->a, s); return 0; }
    memcpy(s, r->p, n);
    r->p += n;
    if (len) *len = n;
    return s;
}

static bool is_valtype(uint8_t t) {
    return t == VM_I32 || t == VM_I64 || t == VM_F32 || t == VM_F64 || t == VM_V128 ||
           t == VM_FUNCREF || t == VM_EXTERNREF;
}

static bool is_reftype(uint8_t t) { return t == VM_FUNCREF || t == VM_EXTERNREF; }

static void get_limits(rbuf *r, vm_limits *l, uint64_t bound) {
    l->min = get_u64(r);
    l->max = get_u64(r);
    if (l->min > bound || (l->max != UINT64_MAX && (l->max > bound || l->max < l->min)))
        fail(r, e_bad);
}

/* A constant expression of the given type (0: any reference type), under
 * the rules of decode.c's rd_constexpr. */
static void get_ce(rbuf *r, const corral_module *m, vm_constexpr *ce, uint8_t want) {
    ce->kind = get_u8(r);
    ce->type = get_u8(r);
    ce->value = get_u64(r);
    ce->hi = get_u64(r);
    if (r->err) return;
    bool ok;
    switch (ce->kind) {
    case VM_CE_CONST:
        ok = ce->type == VM_I32 || ce->type == VM_I64 || ce->type == VM_F32 ||
             ce->type == VM_F64 || ce->type == VM_V128;
        if (ok && (ce->type == VM_I32 || ce->type == VM_F32)) ok = ce->value <= 0xFFFFFFFFu;
        break;
    case VM_CE_REF_NULL: ok = is_reftype(ce->type) && ce->value == 0; break;
    case VM_CE_REF_FUNC: ok = ce->type == VM_FUNCREF && ce->value < m->nfuncs; break;
    case VM_CE_GLOBAL:
        ok = ce->value < m->nglobal_imports && !m->globals[ce->value].mut &&
             m->globals[ce->value].type == ce->type;
        break;
    default: ok = false;
    }
    if (ce->type != VM_V128 && ce->hi != 0) ok = false; /* only a v128 has a second slot */
    if (!ok || (want ? ce->type != want : !is_reftype(ce->type))) fail(r, e_bad);
}

/* A segment's offset: an i32 expression when it is active, else unused
 * (read, and zeroed). */
static void get_offset(rbuf *r, const corral_module *m, vm_constexpr *ce, bool active) {
    if (active) {
        get_ce(r, m, ce, VM_I32);
        return;
    }
    get_u8(r);
    get_u8(r);
    get_u64(r);
    get_u64(r);
    *ce = (vm_constexpr){0};
}

/* ---- code ---------------------------------------------------------------------------- */

/* f's frame holds its parameters and locals, and its meters are sorted
 * and inside its code.  Its trap locations are read only when a trap is
 * traced, and trace.c reads them within their table and stops at an
 * entry outside the code or body.  The code itself is used as it is: no pass of the
 * loader walks it, the checksum proves the entry is the one corral wrote,
 * and an entry forged by someone who can write the cache directory is
 * trusted code, like the binary (README, "--cache-dir"). */
static bool frame_fits(const corral_module *m, const vm_funcdef *f) {
    const vm_functype *t = &m->types[f->type];
    if (f->nslots > VM_MAX_FUNC_SLOTS || f->nslots < t->param_slots + f->nlocal_slots ||
        f->nslots < t->result_slots || f->code_len == 0)
        return false;
    for (uint32_t i = 1; i < f->nmeter; i++) /* sorted, inside the code */
        if (f->meter[3 * i] <= f->meter[3 * i - 3]) return false;
    return f->nmeter == 0 || f->meter[3 * (f->nmeter - 1)] < f->code_len;
}

/* ---- the module ------------------------------------------------------------------------ */

static void get_types(rbuf *r, corral_module *m) {
    uint32_t n = get_count(r, 8, VM_MAX_TYPES);
    if (!(m->types = alloc_n(r, n, sizeof *m->types))) return;
    m->ntypes = n;
    for (uint32_t i = 0; i < n && !r->err; i++) {
        vm_functype *t = &m->types[i];
        uint32_t np = get_u32(r), nr = get_u32(r);
        if (np > VM_MAX_PARAMS || nr > VM_MAX_PARAMS) { fail(r, e_bad); return; }
        if (!need(r, (size_t)np + nr) || !(t->types = alloc_n(r, (size_t)np + nr + 1, 1))) return;
        memcpy(t->types, r->p, (size_t)np + nr);
        r->p += (size_t)np + nr;
        t->nparams = np;
        t->nresults = nr;
        for (uint32_t k = 0; k < np + nr; k++)
            if (!is_valtype(t->types[k])) fail(r, e_bad);
        vm_functype_count_slots(t);
    }
}

static void get_imports(rbuf *r, corral_module *m) {
    uint32_t n = get_count(r, 11, VM_MAX_IMPORTS);
    if (!(m->imports = alloc_n(r, n, sizeof *m->imports))) return;
    m->nimports = n;
    for (uint32_t i = 0; i < n && !r->err; i++) {
        vm_import *im = &m->imports[i];
        uint32_t l1, l2;
        im->module = get_str(r, &l1);
        im->name = get_str(r, &l2);
        if (r->err) return;
        if (strlen(im->module) != l1 || strlen(im->name) != l2) fail(r, e_bad);
        im->kind = get_u8(r);
        switch (im->kind) {
        case CORRAL_EXTERN_FUNC:
            im->u.type = get_u32(r);
            if (im->u.type >= m->ntypes) fail(r, e_index);
            m->nfunc_imports++;
            break;
        case CORRAL_EXTERN_TABLE:
            im->u.table.elemtype = get_u8(r);
            if (!is_reftype(im->u.table.elemtype)) fail(r, e_bad);
            get_limits(r, &im->u.table.lim, 0xFFFFFFFFu);
            m->ntable_imports++;
            break;
        case CORRAL_EXTERN_MEMORY:
            get_limits(r, &im->u.mem, VM_MAX_PAGES);
            m->nmem_imports++;
            break;
        case CORRAL_EXTERN_GLOBAL:
            im->u.global.type = get_u8(r);
            uint8_t mut = get_u8(r);
            if (!is_valtype(im->u.global.type) || mut > 1) fail(r, e_bad);
            im->u.global.mut = mut;
            m->nglobal_imports++;
            break;
        default: fail(r, e_bad);
        }
    }
}

/* The index spaces, imports first (decode.c's alloc_spaces), and the
 * definitions of tables, memories and globals. */
static void get_spaces(rbuf *r, corral_module *m) {
    uint32_t ndef = get_count(r, 4 + 4 + 4 + 4 + 4 + 4, VM_MAX_FUNCS);
    if (r->err) return;
    if (ndef > VM_MAX_FUNCS - m->nfunc_imports) { fail(r, e_bad); return; }
    m->nfuncs = m->nfunc_imports + ndef;
    m->func_types = alloc_n(r, m->nfuncs, sizeof *m->func_types);
    m->funcs = alloc_n(r, ndef, sizeof *m->funcs);
    m->func_declared = alloc_n(r, m->nfuncs, sizeof *m->func_declared);
    if (r->err) return;
    uint32_t f = 0;
    for (uint32_t i = 0; i < m->nimports; i++)
        if (m->imports[i].kind == CORRAL_EXTERN_FUNC) m->func_types[f++] = m->imports[i].u.type;
    for (uint32_t i = 0; i < ndef; i++) {
        m->funcs[i].type = m->func_types[m->nfunc_imports + i] = get_u32(r);
        if (m->funcs[i].type >= m->ntypes) fail(r, e_index);
    }

    uint32_t nt = get_count(r, 17, VM_MAX_TABLES), nm, ng;
    if (r->err) return;
    m->ntables = m->ntable_imports + nt;
    if (!(m->tables = alloc_n(r, m->ntables, sizeof *m->tables))) return;
    nm = 0;
    ng = 0;
    uint32_t t = 0;
    for (uint32_t i = 0; i < m->nimports; i++) {
        const vm_import *im = &m->imports[i];
        if (im->kind == CORRAL_EXTERN_TABLE) m->tables[t++] = im->u.table;
    }
    for (uint32_t i = 0; i < nt && !r->err; i++) {
        vm_tabletype *tt = &m->tables[m->ntable_imports + i];
        tt->elemtype = get_u8(r);
        if (!is_reftype(tt->elemtype)) fail(r, e_bad);
        get_limits(r, &tt->lim, 0xFFFFFFFFu);
    }
    nm = get_count(r, 16, 1);
    if (r->err) return;
    m->nmems = m->nmem_imports + nm;
    if (m->nmems > 1) { fail(r, e_bad); return; }
    if (!(m->mems = alloc_n(r, m->nmems, sizeof *m->mems))) return;
    for (uint32_t i = 0; i < m->nimports; i++)
        if (m->imports[i].kind == CORRAL_EXTERN_MEMORY) m->mems[0] = m->imports[i].u.mem;
    if (nm) get_limits(r, &m->mems[m->nmem_imports], VM_MAX_PAGES);
    ng = get_count(r, 12, VM_MAX_GLOBALS);
    if (r->err) return;
    if (ng > VM_MAX_GLOBALS - m->nglobal_imports) { fail(r, e_bad); return; }
    m->nglobals = m->nglobal_imports + ng;
    m->globals = alloc_n(r, m->nglobals, sizeof *m->globals);
    m->global_inits = alloc_n(r, ng, sizeof *m->global_inits);
    if (r->err) return;
    uint32_t g = 0;
    for (uint32_t i = 0; i < m->nimports; i++)
        if (m->imports[i].kind == CORRAL_EXTERN_GLOBAL) m->globals[g++] = m->imports[i].u.global;
    for (uint32_t i = 0; i < ng && !r->err; i++) {
        vm_globaltype *gt = &m->globals[m->nglobal_imports + i];
        gt->type = get_u8(r);
        uint8_t mut = get_u8(r);
        if (!is_valtype(gt->type) || mut > 1) { fail(r, e_bad); return; }
        gt->mut = mut;
        get_ce(r, m, &m->global_inits[i], gt->type);
    }
}

static void get_exports(rbuf *r, corral_module *m) {
    uint32_t n = get_count(r, 9, VM_MAX_EXPORTS);
    if (!(m->exports = alloc_n(r, n, sizeof *m->exports))) return;
    m->nexports = n;
    for (uint32_t i = 0; i < n && !r->err; i++) {
        vm_export *x = &m->exports[i];
        x->name = get_str(r, &x->name_len);
        x->kind = get_u8(r);
        x->index = get_u32(r);
        if (r->err) return;
        uint32_t bound = x->kind == CORRAL_EXTERN_FUNC     ? m->nfuncs
                         : x->kind == CORRAL_EXTERN_TABLE  ? m->ntables
                         : x->kind == CORRAL_EXTERN_MEMORY ? m->nmems
                         : x->kind == CORRAL_EXTERN_GLOBAL ? m->nglobals
                                                           : 0;
        if (x->index >= bound) fail(r, e_index);
    }
}

static void get_segments(rbuf *r, corral_module *m) {
    uint32_t n = get_count(r, 20, VM_MAX_SEGMENTS);
    if (!(m->elems = alloc_n(r, n, sizeof *m->elems))) return;
    m->nelems = n;
    for (uint32_t i = 0; i < n && !r->err; i++) {
        vm_elem *s = &m->elems[i];
        s->mode = get_u8(r);
        s->type = get_u8(r);
        s->table = get_u32(r);
        if (s->mode > VM_SEG_DECLARATIVE || !is_reftype(s->type)) { fail(r, e_bad); return; }
        if (s->mode == VM_SEG_ACTIVE &&
            (s->table >= m->ntables || m->tables[s->table].elemtype != s->type)) {
            fail(r, e_index);
            return;
        }
        get_offset(r, m, &s->offset, s->mode == VM_SEG_ACTIVE);
        uint32_t count = get_count(r, 10, VM_MAX_TABLE_ELEMS);
        if (!(s->items = alloc_n(r, count, sizeof *s->items))) return;
        s->count = count;
        for (uint32_t k = 0; k < count && !r->err; k++) get_ce(r, m, &s->items[k], s->type);
    }
    n = get_count(r, 19, VM_MAX_SEGMENTS);
    if (!(m->datas = alloc_n(r, n, sizeof *m->datas))) return;
    m->ndatas = n;
    for (uint32_t i = 0; i < n && !r->err; i++) {
        vm_data *d = &m->datas[i];
        d->mode = get_u8(r);
        d->mem = get_u32(r);
        if (d->mode != VM_SEG_ACTIVE && d->mode != VM_SEG_PASSIVE) { fail(r, e_bad); return; }
        if (d->mode == VM_SEG_ACTIVE && d->mem >= m->nmems) { fail(r, e_index); return; }
        get_offset(r, m, &d->offset, d->mode == VM_SEG_ACTIVE);
        uint32_t off = get_u32(r), len = get_u32(r);
        if (off > m->len || len > m->len - off) { fail(r, e_index); return; }
        d->bytes = m->bytes ? m->bytes + off : no_bytes; /* (then never read) */
        d->len = len;
    }
}

static void get_funcs(rbuf *r, corral_module *m) {
    uint32_t ndef = m->nfuncs - m->nfunc_imports;
    for (uint32_t i = 0; i < ndef && !r->err; i++) {
        vm_funcdef *f = &m->funcs[i];
        const vm_functype *t = &m->types[f->type];
        uint32_t nl = get_u32(r);
        if (nl > VM_MAX_LOCALS || t->nparams + nl > VM_MAX_LOCALS) { fail(r, e_bad); return; }
        size_t nt = (size_t)t->nparams + nl;
        if (!need(r, nt) || !(f->local_types = alloc_n(r, nt + 1, 1))) return;
        memcpy(f->local_types, r->p, nt);
        r->p += nt;
        f->nlocals = nl;
        if (memcmp(f->local_types, t->types, t->nparams) != 0) fail(r, e_bad);
        for (size_t k = 0; k < nt; k++)
            if (!is_valtype(f->local_types[k])) fail(r, e_bad);
        f->nlocal_slots = vm_types_slots(f->local_types + t->nparams, nl);
        uint32_t off = get_u32(r), blen = get_u32(r);
        if (off > m->len || blen > m->len - off) { fail(r, e_index); return; }
        f->body = m->bytes ? m->bytes + off : no_bytes;
        f->body_len = blen;
        f->body_offset = off;
        f->nslots = get_u32(r);
        uint32_t clen = get_count(r, 4, 0xFFFFFFFFu / 4), nm = get_u32(r), nloc = get_u32(r);
        size_t pad = (4 - (size_t)(r->p - r->base) % 4) % 4;
        if (!need(r, pad)) return;
        for (size_t k = 0; k < pad; k++)
            if (*r->p++ != 0) fail(r, e_bad);
        if (nm > (size_t)(r->end - r->p) / 12 || !need(r, (size_t)clen * 4 + (size_t)nm * 12)) {
            fail(r, e_trunc);
            return;
        }
        /* in place: read only, the interpreter never writes code */
        f->code = (uint32_t *)(uintptr_t)r->p;
        f->code_len = clen;
        r->p += (size_t)clen * 4;
        f->meter = nm ? (uint32_t *)(uintptr_t)r->p : 0;
        f->nmeter = nm;
        r->p += (size_t)nm * 12;
        if (!need(r, nloc)) return;
        f->locs = nloc ? (uint8_t *)(uintptr_t)r->p : 0;
        f->locs_len = nloc;
        r->p += nloc;
        if (!m->fuel && nm) fail(r, e_bad);
    }
    if (!need(r, m->nfuncs)) return;
    for (uint32_t i = 0; i < m->nfuncs; i++) {
        uint8_t b = get_u8(r);
        if (b > 1) fail(r, e_bad);
        m->func_declared[i] = b;
    }
    uint8_t has_names = get_u8(r);
    if (has_names > 1) fail(r, e_bad);
    if (!has_names || r->err || !m->nfuncs) return;
    if (!(m->func_names = alloc_n(r, m->nfuncs, sizeof *m->func_names))) return;
    for (uint32_t i = 0; i < m->nfuncs && !r->err; i++) {
        uint32_t n = get_count(r, 1, 0xFFFFFFFFu);
        if (n == 0 || r->err) continue;
        n--;
        if (!need(r, n) || !(m->func_names[i] = alloc_n(r, (size_t)n + 1, 1))) return;
        memcpy(m->func_names[i], r->p, n);
        r->p += n;
        if (strlen(m->func_names[i]) != n) fail(r, e_bad);
    }
}

/* The image's table: runs of pages, in order, inside memory 0's minimum,
 * packed from the first 64 KiB boundary at or after image (where the
 * checksummed part ends) to the entry's end. */
static void get_image(rbuf *r, corral_module *m, size_t image, size_t entry_len) {
    uint32_t n = get_count(r, 8, VM_MAX_PAGES);
    if (r->err) return;
    size_t at = image;
    if (n) {
        if (m->nmem_imports || m->nmems != 1) { fail(r, e_bad); return; }
        at = (image + VM_PAGE_SIZE - 1) / VM_PAGE_SIZE * VM_PAGE_SIZE;
        if (at < image || !(m->image = alloc_n(r, n, sizeof *m->image))) { fail(r, e_trunc); return; }
        m->nimage = n;
    }
    uint64_t next = 0; /* the first page the next run may start at */
    for (uint32_t i = 0; i < n && !r->err; i++) {
        vm_image_run *run = &m->image[i];
        run->page = get_u32(r);
        run->npages = get_u32(r);
        if (r->err) return;
        if (run->page < next || run->npages == 0 ||
            (uint64_t)run->page + run->npages > m->mems[0].min) {
            fail(r, e_bad);
            return;
        }
        next = (uint64_t)run->page + run->npages;
        uint64_t bytes = (uint64_t)run->npages * VM_PAGE_SIZE;
        if (bytes > entry_len - at) { fail(r, e_trunc); return; }
        run->bytes = r->base + at;
        at += (size_t)bytes;
    }
    if (!r->err && at != entry_len) fail(r, at < entry_len ? e_bad : e_trunc);
}

/* The payload into m (whose bytes and fuel are set). */
static const char *get_module(rbuf *r, corral_module *m, size_t entry_len) {
    if (get_u64(r) != m->len) fail(r, "cache entry: made for another module");
    uint8_t fuel = get_u8(r), idx_used = get_u8(r);
    if (!r->err && fuel != m->fuel) fail(r, "cache entry: made with other fuel settings");
    if (idx_used > 1) fail(r, e_bad);
    m->data_idx_used = idx_used;
    m->start = (int64_t)get_u64(r);
    m->data_count = (int64_t)get_u64(r);
    get_types(r, m);
    get_imports(r, m);
    get_spaces(r, m);
    get_exports(r, m);
    get_segments(r, m);
    get_funcs(r, m);
    get_image(r, m, (size_t)(r->end - r->base) + CHECKSUM, entry_len);
    if (r->err) return r->err;
    if (r->p != r->end) return e_bad;
    if (m->start < -1 || m->start >= (int64_t)m->nfuncs) return e_index;
    if (m->start >= 0) {
        const vm_functype *t = &m->types[m->func_types[m->start]];
        if (t->nparams || t->nresults) return e_bad;
    }
    if (m->data_count < -1 || m->data_count > VM_MAX_SEGMENTS ||
        (m->data_count >= 0 && (uint32_t)m->data_count != m->ndatas))
        return e_bad;
    for (uint32_t i = 0; i < m->nfuncs - m->nfunc_imports; i++)
        if (!frame_fits(m, &m->funcs[i])) return e_code;
    return 0;
}

const char *corral_module_deserialize(corral_engine *e, const uint8_t *bytes, size_t len,
                                      const uint8_t key[32], const uint8_t *entry,
                                      size_t entry_len, void (*release)(void *env), void *env,
                                      unsigned flags, corral_module **out) {
    *out = 0;
    if (entry_len < HEADER + CHECKSUM) return e_trunc;
    if ((uintptr_t)entry % 4 != 0) return "cache entry: not aligned to 4 bytes in memory";
    if (memcmp(entry, magic, sizeof magic) != 0) return "cache entry: not a corral cache entry";
    rbuf h = {entry + 8, entry + HEADER, 0, entry, 0};
    uint32_t format = get_u32(&h), flags_in = get_u32(&h);
    if (format != CACHE_FORMAT || (flags_in & ~(uint32_t)CORRAL_ENTRY_NEEDS_BYTES))
        return "cache entry: another format version";
    if (!bytes && (flags_in & CORRAL_ENTRY_NEEDS_BYTES)) return e_needs_bytes;
    if (memcmp(entry + 16, key, 32) != 0) return "cache entry: another key";
    h.p = entry + 48;
    uint64_t plen = get_u64(&h);
    if (plen > entry_len - HEADER - CHECKSUM) return e_trunc;
    size_t sealed = HEADER + (size_t)plen; /* the checksummed part; the image follows */
    uint8_t sum[32];
    corral_cache_checksum(entry, sealed, sum);
    if (memcmp(sum, entry + sealed, 32) != 0) return "cache entry: checksum mismatch";
    if (len > VM_MAX_MODULE_BYTES) return "module too large (see vm/limits.h)";

    const corral_allocator *a = e ? &e->alloc : &vm_default_allocator;
    corral_module *m = vm_calloc(a, 1, sizeof *m);
    if (!m) return vm_err_nomem;
    m->alloc = *a;
    if (!bytes || (flags & CORRAL_BORROW_BYTES)) {
        m->bytes = (uint8_t *)(uintptr_t)bytes; /* read only, like a copy; or none */
        m->bytes_borrowed = true;
    } else {
        m->bytes = vm_malloc(a, len);
        if (!m->bytes) { vm_free(a, m); return vm_err_nomem; }
        if (len) memcpy(m->bytes, bytes, len);
    }
    m->len = len;
    m->fuel = e && e->fuel;
    m->entry = entry; /* the code is read in place: vm_module_free leaves it */
    rbuf r = {entry + HEADER, entry + sealed, 0, entry, &m->alloc};
    const char *err = get_module(&r, m, entry_len);
    if (!err && (needs_bytes(m, m->nimage > 0) != ((flags_in & CORRAL_ENTRY_NEEDS_BYTES) != 0)))
        err = e_bad; /* a flag that does not say what the payload does */
    if (err) {
        vm_module_free(m); /* entry_release unset: the caller keeps the entry */
        return err;
    }
    m->entry_release = release;
    m->entry_env = env;
    *out = m;
    return 0;
}
