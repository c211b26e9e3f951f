/*
 * compile.c - validate one function body and lower it into internal code,
 * in a single pass (spec 3.3 and the validation algorithm of appendix A.3).
 *
 * The validator's operand stack doubles as the lowering's map of where each
 * value lives.  An entry is
 *   SLOT   in its canonical frame slot (nlocals + stack index),
 *   LOCAL  still in local x (local.get emits nothing), or
 *   CONST  a known constant (i32.const emits nothing),
 * so that `local.get a; local.get b; i32.add; local.set c` becomes one
 * I32_ADD c a b.  Deferred values are materialised into their canonical
 * slot before anything could change them or read them from there: at block
 * boundaries, branches, calls, and a local.set of the aliased local.
 *
 * See code.h for the instruction format.
 */
#include <stdlib.h>
#include <string.h>

#include "code.h"
#include "rd.h"
#include "simd.h"
#include "vm.h"

enum { E_SLOT, E_LOCAL, E_CONST };

typedef struct {
    uint8_t type; /* VM_ANY when unknown (unreachable code) */
    uint8_t kind;
    uint32_t local;
    uint64_t val;
    uint32_t made_by; /* 1 + code offset of the dst operand that wrote it, or 0 */
    uint32_t slot;    /* its canonical slot (set by push) */
    uint64_t hi;      /* a v128 constant: val and hi are its two slots */
} entry;

typedef struct {
    uint8_t op;         /* 0x02 block, 0x03 loop, 0x04 if, 0 the function */
    bool unreachable;   /* the stack is polymorphic (after br, return...) */
    bool dead;          /* entered from unreachable code: emit nothing */
    bool has_else;
    uint32_t height;    /* stack height below the block's params */
    uint32_t nparams, nresults;
    const uint8_t *params, *results;
    uint32_t start;     /* loop: code offset of the header */
    uint32_t patches;   /* forward branches to the end: list head, or NONE */
    uint32_t else_rel;  /* if: where the BR_Z to the else/end keeps its rel */
    uint32_t else_at;   /* ...and its instruction */
} ctl;

typedef struct {
    uint32_t rel_at, instr_at, next;
} patch;

#define NONE 0xFFFFFFFFu

typedef struct {
    corral_module *m;
    vm_funcdef *f;
    const vm_functype *ft;
    vm_rd r;
    uint32_t nlocals; /* params + locals */
    uint32_t *lslot;  /* the slot of each local (a v128 takes two) */
    uint32_t nlocal_slots; /* the slots they take: the operand stack starts here */
    entry *stk;
    uint32_t nstk, capstk, max_slots; /* max_slots: the frame size so far */
    ctl *ctls;
    uint32_t nctl, capctl;
    uint32_t *code;
    uint32_t ncode, capcode;
    patch *patches;
    uint32_t npatches, cappatches;
    /* peephole: no instruction has been emitted since the one at last_at
     * wrote an entry through its dst operand at last_dst */
    bool fresh;
    uint32_t last_at, last_dst;
    /* fuel */
    bool fuel;
    uint32_t seg_at, seg_cost; /* open segment's header instruction, or NONE */
    uint32_t seg_cost_at;      /* where the header keeps cost, then end */
    uint32_t seg_start;        /* the segment's first instruction */
    uint32_t seg_meter;        /* its first entry in meter */
    uint32_t *meter;           /* triples, see vm_funcdef */
    uint32_t nmeter, capmeter;
    /* trap locations (vm_funcdef.locs) */
    uint32_t instr_at;         /* the wasm instruction being lowered, in the body */
    uint8_t *locs;
    uint32_t nlocs, caplocs;
    uint32_t loc_code, loc_wasm; /* the last entry, for the deltas */
    const char *nomem;
} cc;

static const char e_type[] = "type mismatch";
static const uint8_t one_type[256] = {
    [0x7F] = 0x7F, [0x7E] = 0x7E, [0x7D] = 0x7D, [0x7C] = 0x7C,
    [0x7B] = 0x7B, [0x70] = 0x70, [0x6F] = 0x6F,
};

/* ---- growing arrays -------------------------------------------------------- */

/* With the module's allocator: the code and meter become the module's. */
static bool grow(cc *c, void **p, uint32_t *cap, uint32_t need, size_t size) {
    if (need <= *cap) return true;
    uint32_t n = *cap ? *cap : 16;
    while (n < need) n *= 2;
    void *q = vm_realloc(&c->m->alloc, *p, (size_t)n * size);
    if (!q) return false;
    *p = q;
    *cap = n;
    return true;
}

/* ---- emission ---------------------------------------------------------------- */

static bool reachable(const cc *c) {
    const ctl *b = &c->ctls[c->nctl - 1];
    return !b->unreachable && !b->dead;
}

static uint32_t emit(cc *c, uint32_t unit) {
    if (!grow(c, (void **)&c->code, &c->capcode, c->ncode + 1, sizeof *c->code)) {
        c->nomem = vm_err_nomem;
        return 0;
    }
    c->code[c->ncode] = unit;
    return c->ncode++;
}

static uint32_t op(cc *c, uint32_t opcode) {
    c->fresh = false;
    return emit(c, opcode);
}

static void emit64(cc *c, uint64_t v) {
    emit(c, (uint32_t)v);
    emit(c, (uint32_t)(v >> 32));
}

/* The canonical slot of stack index idx: right above the entry below it
 * (entries popped but not yet overwritten keep their slots). */
static uint32_t canon(const cc *c, uint32_t idx) {
    if (idx == 0) return c->nlocal_slots;
    const entry *e = &c->stk[idx - 1];
    return e->slot + vm_type_slots(e->type);
}

/* Was e written by the last instruction, so that its dst may be changed? */
static bool is_fresh(const cc *c, const entry *e) {
    return c->fresh && e->kind == E_SLOT && e->made_by == c->last_dst + 1;
}

/* Record that the instruction at `at` wrote the new top entry via code[dst]. */
static void produced(cc *c, uint32_t at, uint32_t dst) {
    c->fresh = true;
    c->stk[c->nstk - 1].made_by = dst + 1;
    c->last_at = at;
    c->last_dst = dst;
}

/* ---- trap locations ------------------------------------------------------------- */

static void put_leb(cc *c, uint64_t v) {
    do {
        c->locs[c->nlocs++] = (uint8_t)((v & 0x7F) | (v > 0x7F ? 0x80 : 0));
        v >>= 7;
    } while (v);
}

/* The instruction at code offset at comes from the wasm instruction being
 * lowered: where a trap there (or a return to after it) is reported. */
static void loc(cc *c, uint32_t at) {
    if (at < c->loc_code) return; /* entries come in code order */
    if (!grow(c, (void **)&c->locs, &c->caplocs, c->nlocs + 15, 1)) {
        c->nomem = vm_err_nomem;
        return;
    }
    int64_t dw = (int64_t)c->instr_at - (int64_t)c->loc_wasm;
    put_leb(c, at - c->loc_code);
    put_leb(c, dw < 0 ? ((uint64_t)-dw << 1) - 1 : (uint64_t)dw << 1); /* zigzag */
    c->loc_code = at;
    c->loc_wasm = c->instr_at;
}

/* ---- fuel segments (see code.h) -------------------------------------------------- */

static void open_segment(cc *c) {
    c->seg_at = op(c, VM_OP_FUEL);
    loc(c, c->seg_at); /* where a fuel-short copy that ends here traps */
    c->seg_cost_at = emit(c, 0);
    emit(c, 0);
    c->seg_start = c->ncode;
    c->seg_cost = 0;
    c->seg_meter = c->nmeter;
}

static void charge(cc *c, uint32_t cost) {
    if (!c->fuel || !cost || !reachable(c)) return;
    if (c->seg_at == NONE) open_segment(c);
    c->seg_cost += cost;
}

/* An instruction whose effect (or trap) is visible: remember how much of
 * the segment's cost is spent once it has run. */
static void meter(cc *c, uint32_t at) {
    loc(c, at);
    if (!c->fuel || c->seg_at == NONE) return;
    if (!grow(c, (void **)&c->meter, &c->capmeter, c->nmeter + 3, sizeof *c->meter)) {
        c->nomem = vm_err_nomem;
        return;
    }
    c->meter[c->nmeter++] = at;
    c->meter[c->nmeter++] = c->seg_cost;
    c->meter[c->nmeter++] = 0; /* the segment's total, known at its end */
}

static void seg_close(cc *c) {
    if (c->seg_at == NONE) return;
    for (uint32_t i = c->seg_meter; i < c->nmeter; i += 3) c->meter[i + 2] = c->seg_cost;
    c->code[c->seg_cost_at] = c->seg_cost;
    c->code[c->seg_cost_at + 1] = c->ncode - c->seg_start;
    c->seg_at = NONE;
}

/* ---- the typed operand stack -------------------------------------------------------- */

static const char *push(cc *c, uint8_t type) {
    if (!grow(c, (void **)&c->stk, &c->capstk, c->nstk + 1, sizeof *c->stk)) return vm_err_nomem;
    uint32_t slot = canon(c, c->nstk), end = slot + vm_type_slots(type);
    c->stk[c->nstk++] = (entry){type, E_SLOT, 0, 0, 0, slot, 0};
    if (end > c->max_slots) c->max_slots = end;
    if (c->max_slots > VM_MAX_FUNC_SLOTS) return "function too large (frame slots)";
    return 0;
}

static const char *push_entry(cc *c, entry e) {
    const char *err = push(c, e.type);
    if (!err) {
        e.slot = c->stk[c->nstk - 1].slot;
        c->stk[c->nstk - 1] = e;
    }
    return err;
}

/* Pop a value of type `want` (VM_ANY: any type); *got is its entry. */
static const char *pop(cc *c, uint8_t want, entry *got) {
    ctl *b = &c->ctls[c->nctl - 1];
    if (c->nstk == b->height) {
        if (!b->unreachable) return e_type;
        *got = (entry){VM_ANY, E_SLOT, 0, 0, 0, 0, 0}; /* the actual type is unknown */
        return 0;
    }
    *got = c->stk[--c->nstk];
    if (want != VM_ANY && got->type != VM_ANY && got->type != want) return e_type;
    return 0;
}

/* Numeric or vector: what untyped select takes. */
static bool is_num(uint8_t t) {
    return t == VM_I32 || t == VM_I64 || t == VM_F32 || t == VM_F64 || t == VM_V128 || t == VM_ANY;
}
static bool is_ref(uint8_t t) { return t == VM_FUNCREF || t == VM_EXTERNREF || t == VM_ANY; }
static bool is_wide(uint8_t t) { return t == VM_I64 || t == VM_F64; }

/* A constant's bits as the immediate units of an instruction: one, two,
 * or a v128's 16 bytes as they are (code.h). */
static void emit_imm(cc *c, const entry *e) {
    if (e->type == VM_V128) {
        uint32_t u[4];
        memcpy(u, &e->val, 8);
        memcpy(u + 2, &e->hi, 8);
        for (int k = 0; k < 4; k++) emit(c, u[k]);
    } else if (is_wide(e->type)) {
        emit64(c, e->val);
    } else {
        emit(c, (uint32_t)e->val);
    }
}

/* Write constant e into slot dst. */
static void emit_const(cc *c, const entry *e, uint32_t dst) {
    op(c, e->type == VM_V128 ? VM_OP_V128_CONST_ : is_wide(e->type) ? VM_OP_CONST64 : VM_OP_CONST32);
    emit(c, dst);
    emit_imm(c, e);
}

/* ---- where values live ------------------------------------------------------------- */

/* Put stack entry idx into its canonical slot. */
static void materialize(cc *c, uint32_t idx) {
    entry *e = &c->stk[idx];
    if (e->kind == E_SLOT) return;
    if (reachable(c)) {
        if (e->kind == E_LOCAL) {
            op(c, e->type == VM_V128 ? VM_OP_COPY128 : VM_OP_COPY);
            emit(c, canon(c, idx));
            emit(c, e->local);
        } else {
            emit_const(c, e, canon(c, idx));
        }
    }
    e->kind = E_SLOT;
}

static void materialize_all(cc *c) {
    for (uint32_t i = 0; i < c->nstk; i++) materialize(c, i);
}

/* The slot to read an entry that sits (or sat) at stack index idx. */
static uint32_t read_slot(cc *c, entry *e, uint32_t idx) {
    if (e->kind == E_LOCAL) return e->local;
    if (e->kind == E_CONST) {
        /* popped already: write it into its old slot, which is free */
        c->stk[idx] = *e;
        materialize(c, idx);
        e->kind = E_SLOT;
    }
    return canon(c, idx);
}

/* Copy the value of entry e (at stack index idx) into slot dst. */
static void move(cc *c, const entry *e, uint32_t idx, uint32_t dst) {
    if (e->kind == E_CONST) {
        emit_const(c, e, dst);
        return;
    }
    uint32_t src = e->kind == E_LOCAL ? e->local : canon(c, idx);
    if (src == dst) return;
    op(c, e->type == VM_V128 ? VM_OP_COPY128 : VM_OP_COPY);
    emit(c, dst);
    emit(c, src);
}

/* Would moving the top n entries to slots base.. emit anything? */
static bool moves_needed(const cc *c, uint32_t n, uint32_t base) {
    for (uint32_t k = 0, dst = base; k < n; k++) {
        const entry *e = &c->stk[c->nstk - n + k];
        if (e->kind != E_SLOT || canon(c, c->nstk - n + k) != dst) return true;
        dst += vm_type_slots(e->type);
    }
    return false;
}

/* Does entry e alias a local within slots [lo, hi)? */
static bool local_in(const entry *e, uint32_t lo, uint32_t hi) {
    return e->kind == E_LOCAL && e->local < hi && e->local + vm_type_slots(e->type) > lo;
}

/* Move the top n entries to consecutive slots from base (a v128 takes
 * two).  Sources are at or above their destinations, so ascending order
 * never overwrites a source still to be read; locals that the destinations
 * cover are first saved in their canonical slots (only a return writes
 * over locals). */
static void move_top(cc *c, uint32_t n, uint32_t base) {
    uint32_t lo = c->nstk - n, end = base;
    for (uint32_t k = 0; k < n; k++) end += vm_type_slots(c->stk[lo + k].type);
    for (uint32_t k = 0; k < n; k++) {
        entry e = c->stk[lo + k];
        if (local_in(&e, base, end)) {
            op(c, e.type == VM_V128 ? VM_OP_COPY128 : VM_OP_COPY);
            emit(c, canon(c, lo + k));
            emit(c, e.local);
        }
    }
    for (uint32_t k = 0, dst = base; k < n; k++) {
        entry e = c->stk[lo + k];
        if (local_in(&e, base, end)) e.kind = E_SLOT;
        move(c, &e, lo + k, dst);
        dst += vm_type_slots(e.type);
    }
}

/* Before local x (its slot) changes, entries that alias it take their own
 * copy. */
static bool save_aliases(cc *c, uint32_t x) {
    bool any = false;
    for (uint32_t i = 0; i < c->nstk; i++)
        if (c->stk[i].kind == E_LOCAL && c->stk[i].local == x) {
            materialize(c, i);
            any = true;
        }
    return any;
}

/* ---- control frames and branches -------------------------------------------------------- */

static const char *push_ctl(cc *c, uint8_t opcode, uint32_t np, const uint8_t *p, uint32_t nr,
                            const uint8_t *r) {
    if (c->nctl >= VM_MAX_NESTING) return "nesting too deep";
    if (!grow(c, (void **)&c->ctls, &c->capctl, c->nctl + 1, sizeof *c->ctls)) return vm_err_nomem;
    bool dead = c->nctl ? !reachable(c) : false;
    c->ctls[c->nctl++] = (ctl){opcode, false, dead, false, c->nstk - np, np, nr, p, r,
                               c->ncode, NONE, NONE, NONE};
    return 0;
}

static void set_unreachable(cc *c) {
    ctl *b = &c->ctls[c->nctl - 1];
    c->nstk = b->height;
    b->unreachable = true;
    c->fresh = false;
}

static void add_patch(cc *c, ctl *b, uint32_t rel_at, uint32_t instr_at) {
    if (!grow(c, (void **)&c->patches, &c->cappatches, c->npatches + 1, sizeof *c->patches)) {
        c->nomem = vm_err_nomem;
        return;
    }
    c->patches[c->npatches] = (patch){rel_at, instr_at, b->patches};
    b->patches = c->npatches++;
}

/* A label: straight-line code ends here (peephole and fuel).  With fuel
 * and live code after it, a FUEL is placed right at the label, so that
 * branches can skip it and charge its segment themselves (code.h).
 * Returns where branches to the label land. */
static uint32_t label(cc *c, bool live) {
    c->fresh = false;
    /* Labels in a row (a loop's end, then its block's) share one FUEL. */
    if (c->seg_at != NONE && c->seg_start == c->ncode && c->seg_at + 3 == c->ncode)
        return c->seg_at;
    seg_close(c);
    uint32_t at = c->ncode;
    if (c->fuel && live) open_segment(c);
    return at;
}

/* The branch opcode to use: with fuel, the form that charges its target. */
static uint32_t br_op(const cc *c, uint32_t plain) {
    if (!c->fuel) return plain;
    return plain == VM_OP_BR ? VM_OP_BR_F : plain == VM_OP_BR_NZ ? VM_OP_BR_NZ_F : VM_OP_BR_Z_F;
}

static uint32_t label_arity(const ctl *b) { return b->op == 0x03 ? b->nparams : b->nresults; }
static const uint8_t *label_types(const ctl *b) { return b->op == 0x03 ? b->params : b->results; }

/* Make the rel operand at rel_at (of the instruction at instr_at) reach
 * label b: now for a loop, when the block ends otherwise. */
static void target(cc *c, ctl *b, uint32_t rel_at, uint32_t instr_at) {
    if (b->op == 0x03) c->code[rel_at] = b->start - instr_at;
    else add_patch(c, b, rel_at, instr_at);
}

/* Results into fp[0..n) and return.  A single result just computed by
 * the last instruction is written to fp[0] by that instruction itself. */
static void emit_return(cc *c) {
    uint32_t n = c->ft->nresults;
    if (n == 1 && is_fresh(c, &c->stk[c->nstk - 1])) c->code[c->last_dst] = 0;
    else move_top(c, n, 0);
    meter(c, op(c, VM_OP_RET));
}

/* Unconditional branch to depth d, values on top of the stack. */
static void emit_br(cc *c, uint32_t d) {
    ctl *b = &c->ctls[c->nctl - 1 - d];
    if (b->op == 0) { emit_return(c); return; }
    move_top(c, label_arity(b), canon(c, b->height));
    uint32_t at = op(c, br_op(c, VM_OP_BR));
    meter(c, at);
    target(c, b, emit(c, 0), at);
}

/* ---- reading immediates ----------------------------------------------------------------- */

static const char *rd_blocktype(cc *c, uint32_t *np, const uint8_t **p, uint32_t *nr,
                                const uint8_t **r) {
    int64_t bt;
    const char *e = vm_rd_s33(&c->r, &bt);
    if (e) return e;
    *np = 0;
    *p = 0;
    if (bt == -64) { *nr = 0; *r = 0; return 0; }
    if (bt < 0) {
        uint8_t t = (uint8_t)(bt & 0x7F);
        if (bt < -64 || !one_type[t]) return "malformed value type";
        *nr = 1;
        *r = &one_type[t];
        return 0;
    }
    if ((uint64_t)bt >= c->m->ntypes) return "unknown type";
    const vm_functype *ft = &c->m->types[bt];
    *np = ft->nparams; *p = ft->types;
    *nr = ft->nresults; *r = ft->types + ft->nparams;
    return 0;
}

static const char *rd_memarg(cc *c, uint32_t natural, uint32_t *offset) {
    uint32_t align;
    const char *e = vm_rd_u32(&c->r, &align);
    if (e || (e = vm_rd_u32(&c->r, offset))) return e;
    if (c->m->nmems == 0) return "unknown memory 0";
    if (align > natural) return "alignment must not be larger than natural";
    return 0;
}

static const char *rd_zero(cc *c) {
    uint8_t b;
    const char *e = vm_rd_byte(&c->r, &b);
    if (e) return e;
    return b ? "zero byte expected" : 0;
}

/* ---- the generated families ------------------------------------------------------------ */

#define T_I32 VM_I32
#define T_I64 VM_I64
#define T_F32 VM_F32
#define T_F64 VM_F64
#define T_V128 VM_V128

static const uint8_t v128s[3] = {VM_V128, VM_V128, VM_V128};
static const uint8_t v128_i32[2] = {VM_V128, VM_I32};

/* The compare-and-branch form of a comparison (with fuel: _BR_F), or 0. */
static uint32_t br_form(uint32_t opcode, bool fuel) {
    switch (opcode) {
#define OP_BINC(code, N, t, I, e)                                                    \
    case VM_OP_##N: return fuel ? VM_OP_##N##_BR_F : VM_OP_##N##_BR;                \
    case VM_OP_##N##_IMM: return fuel ? VM_OP_##N##_IMM_BR_F : VM_OP_##N##_IMM_BR;
#include "opcodes.def"
    default: return 0;
    }
}

static bool commutes(uint32_t code) {
    switch (code) {
    case 0x46: case 0x47: case 0x6A: case 0x6C: case 0x71: case 0x72: case 0x73:
    case 0x51: case 0x52: case 0x7C: case 0x7E: case 0x83: case 0x84: case 0x85:
        return true;
    default: return false;
    }
}

static const char *lower_unop(cc *c, uint32_t opcode, uint8_t in, uint8_t out) {
    entry a;
    const char *e = pop(c, in, &a);
    if (e) return e;
    if (!reachable(c)) return push(c, out);
    uint32_t sa = read_slot(c, &a, c->nstk);
    if ((e = push(c, out))) return e;
    uint32_t at = op(c, opcode);
    uint32_t dst = emit(c, canon(c, c->nstk - 1));
    emit(c, sa);
    produced(c, at, dst);
    return 0;
}

static const char *lower_binop(cc *c, uint32_t code, uint32_t opcode, uint32_t imm_op,
                               uint8_t in, uint8_t out, bool observable) {
    entry a, b;
    const char *e = pop(c, in, &b);
    if (e || (e = pop(c, in, &a))) return e;
    if (!reachable(c)) return push(c, out);
    uint32_t ia = c->nstk, ib = c->nstk + 1; /* where a and b sat */
    if (a.kind == E_CONST && b.kind != E_CONST && imm_op && commutes(code)) {
        entry t = a; a = b; b = t;
        ia = c->nstk + 1;
        ib = c->nstk;
    }
    uint32_t sa = read_slot(c, &a, ia);
    uint32_t sb = 0;
    bool imm = imm_op && b.kind == E_CONST;
    if (!imm) sb = read_slot(c, &b, ib);
    if ((e = push(c, out))) return e;
    uint32_t at = op(c, imm ? imm_op : opcode);
    uint32_t dst = emit(c, canon(c, c->nstk - 1));
    emit(c, sa);
    if (!imm) emit(c, sb);
    else emit_imm(c, &b);
    produced(c, at, dst);
    if (observable) meter(c, at);
    return 0;
}

static const char *lower_load(cc *c, uint32_t opcode, uint8_t out, uint32_t natural) {
    uint32_t offset;
    entry a;
    const char *e = rd_memarg(c, natural, &offset);
    if (e || (e = pop(c, VM_I32, &a))) return e;
    if (!reachable(c)) return push(c, out);
    uint32_t sa = read_slot(c, &a, c->nstk);
    if ((e = push(c, out))) return e;
    uint32_t at = op(c, opcode);
    uint32_t dst = emit(c, canon(c, c->nstk - 1));
    emit(c, sa);
    emit(c, offset);
    produced(c, at, dst);
    meter(c, at);
    return 0;
}

static const char *lower_store(cc *c, uint32_t opcode, uint8_t in, uint32_t natural) {
    uint32_t offset;
    entry a, v;
    const char *e = rd_memarg(c, natural, &offset);
    if (e || (e = pop(c, in, &v)) || (e = pop(c, VM_I32, &a))) return e;
    if (!reachable(c)) return 0;
    uint32_t sa = read_slot(c, &a, c->nstk);
    uint32_t sv = read_slot(c, &v, c->nstk + 1);
    uint32_t at = op(c, opcode);
    emit(c, sa);
    emit(c, sv);
    emit(c, offset);
    meter(c, at);
    return 0;
}

/* A lane index immediate (one byte) below lanes. */
static const char *rd_lane(cc *c, uint32_t lanes, uint32_t *lane) {
    uint8_t b;
    const char *e = vm_rd_byte(&c->r, &b);
    if (e) return e;
    *lane = b;
    return b < lanes ? 0 : "invalid lane index";
}

/* A pure instruction of fixed signature (most of SIMD): pops the n inputs
 * (types in[]), pushes out, and emits `opcode dst inputs... imm...`. */
static const char *lower_pure(cc *c, uint32_t opcode, uint32_t n, const uint8_t *in, uint8_t out,
                              uint32_t nimm, const uint32_t *imm) {
    entry v[3];
    uint32_t s[3];
    const char *e;
    for (uint32_t k = n; k-- > 0;)
        if ((e = pop(c, in[k], &v[k]))) return e;
    if (!reachable(c)) return push(c, out);
    for (uint32_t k = 0; k < n; k++) s[k] = read_slot(c, &v[k], c->nstk + k);
    if ((e = push(c, out))) return e;
    uint32_t at = op(c, opcode);
    uint32_t dst = emit(c, canon(c, c->nstk - 1));
    for (uint32_t k = 0; k < n; k++) emit(c, s[k]);
    for (uint32_t k = 0; k < nimm; k++) emit(c, imm[k]);
    produced(c, at, dst);
    return 0;
}

/* A v128 shift: by a constant count, NAME_IMM dst a count; else by the
 * i32 operand. */
static const char *lower_shift(cc *c, uint32_t opcode, uint32_t imm_op) {
    uint32_t n = c->nstk;
    ctl *b = &c->ctls[c->nctl - 1];
    if (n > b->height + 1 && c->stk[n - 1].kind == E_CONST && c->stk[n - 1].type == VM_I32 &&
        c->stk[n - 2].type == VM_V128) {
        uint32_t count = (uint32_t)c->stk[n - 1].val;
        c->nstk--; /* the count: an immediate */
        return lower_pure(c, imm_op, 1, v128s, VM_V128, 1, &count);
    }
    return lower_pure(c, opcode, 2, v128_i32, VM_V128, 0, 0);
}

/* extract_lane / replace_lane: the lane index, then a pure instruction. */
static const char *lower_lane(cc *c, uint32_t opcode, uint32_t lanes, uint32_t n,
                              const uint8_t *in, uint8_t out) {
    uint32_t lane;
    const char *e = rd_lane(c, lanes, &lane);
    return e ? e : lower_pure(c, opcode, n, in, out, 1, &lane);
}

/* v128.loadN_lane (LDLANE dst addr vec offset lane) and v128.storeN_lane
 * (STLANE addr vec offset lane): memarg, then the lane index. */
static const char *lower_lane_mem(cc *c, uint32_t opcode, uint32_t width, uint32_t natural,
                                  bool store) {
    uint32_t offset, lane;
    entry a, v;
    const char *e = rd_memarg(c, natural, &offset);
    if (e || (e = rd_lane(c, 16 / width, &lane))) return e;
    if ((e = pop(c, VM_V128, &v)) || (e = pop(c, VM_I32, &a))) return e;
    if (!reachable(c)) return store ? 0 : push(c, VM_V128);
    uint32_t sa = read_slot(c, &a, c->nstk);
    uint32_t sv = read_slot(c, &v, c->nstk + 1);
    if (!store && (e = push(c, VM_V128))) return e;
    uint32_t at = op(c, opcode), dst = 0;
    if (!store) dst = emit(c, canon(c, c->nstk - 1));
    emit(c, sa);
    emit(c, sv);
    emit(c, offset);
    emit(c, lane);
    if (!store) produced(c, at, dst);
    meter(c, at);
    return 0;
}

/* v128.const (16 bytes; a deferred constant, like i32.const) and
 * i8x16.shuffle (16 lane indices below 32, the bytes as they are in four
 * units, code.h). */
static const char *lower_v128_imm(cc *c, uint32_t code) {
    uint8_t b[16];
    uint32_t u[4];
    if (c->r.end - c->r.p < 16) {
        c->r.p = c->r.end;
        return c->r.eof;
    }
    memcpy(b, c->r.p, 16);
    c->r.p += 16;
    memcpy(u, b, 16);
    if (code == 0xFD0C) {
        entry k = {VM_V128, E_CONST, 0, 0, 0, 0, 0};
        memcpy(&k.val, b, 8);
        memcpy(&k.hi, b + 8, 8);
        return push_entry(c, k);
    }
    for (uint32_t i = 0; i < 16; i++)
        if (b[i] >= 32) return "invalid lane index";
    return lower_pure(c, VM_OP_I8X16_SHUFFLE_, 2, v128s, VM_V128, 4, u);
}

/* Emit `opcode dst? operands...` for an instruction of fixed signature:
 * pops the n inputs (types in[]), pushes the result (out, or 0 for none),
 * and appends imm0/imm1 immediates.  Used by the table, memory and
 * reference instructions. */
static const char *lower_fixed(cc *c, uint32_t opcode, uint32_t n, const uint8_t *in,
                               uint8_t out, int nimm, uint32_t imm0, uint32_t imm1,
                               bool imm_first) {
    entry v[5];
    uint32_t s[5];
    const char *e;
    for (uint32_t k = n; k-- > 0;)
        if ((e = pop(c, in[k], &v[k]))) return e;
    if (!reachable(c)) return out ? push(c, out) : 0;
    for (uint32_t k = 0; k < n; k++) s[k] = read_slot(c, &v[k], c->nstk + k);
    if (out && (e = push(c, out))) return e;
    uint32_t at = op(c, opcode), dst = 0;
    if (out) dst = emit(c, canon(c, c->nstk - 1));
    if (imm_first) {
        if (nimm > 0) emit(c, imm0);
        if (nimm > 1) emit(c, imm1);
    }
    for (uint32_t k = 0; k < n; k++) emit(c, s[k]);
    if (!imm_first) {
        if (nimm > 0) emit(c, imm0);
        if (nimm > 1) emit(c, imm1);
    }
    if (out) produced(c, at, dst);
    meter(c, at);
    return 0;
}

/* A bulk instruction (memory.fill, table.copy, ...): it charges its work
 * when it runs (interp.c, PAY_BULK), so with fuel it ends its segment, and
 * the fuel left when it runs is exactly what remains after it. */
static const char *lower_bulk(cc *c, uint32_t opcode, int nimm, uint32_t imm0, uint32_t imm1) {
    uint8_t in[3] = {VM_I32, VM_I32, VM_I32}; /* table.fill: i, value, n */
    if (opcode == VM_OP_TABLE_FILL_) in[1] = c->m->tables[imm0].elemtype;
    const char *e = lower_fixed(c, opcode, 3, in, 0, nimm, imm0, imm1, true);
    if (!e) seg_close(c);
    return e;
}

/* ---- calls ---------------------------------------------------------------------------- */

static const char *lower_call(cc *c, const vm_functype *t, uint32_t opcode, uint32_t imm0,
                              uint32_t imm1, bool indirect) {
    const char *e;
    entry idx = {0};
    if (indirect && (e = pop(c, VM_I32, &idx))) return e;
    uint32_t idx_at = c->nstk;
    /* Check the argument types, then put the arguments in their slots. */
    for (uint32_t k = t->nparams; k-- > 0;) {
        entry a;
        if ((e = pop(c, t->types[k], &a))) return e;
    }
    uint32_t base = c->nstk;
    if (reachable(c)) {
        c->nstk += t->nparams;
        for (uint32_t k = 0; k < t->nparams; k++) materialize(c, base + k);
        uint32_t sidx = indirect ? read_slot(c, &idx, idx_at) : 0;
        c->nstk = base;
        uint32_t at = op(c, opcode);
        emit(c, imm0);
        if (indirect) emit(c, imm1);
        emit(c, canon(c, base));
        if (indirect) emit(c, sidx);
        uint32_t cost_at = emit(c, 0); /* the continuation's fuel, charged on return */
        emit(c, 0);
        meter(c, at);
        /* The callee may never come back (exit), so what follows the call is
         * a segment of its own, with the call as its header (code.h). */
        seg_close(c);
        if (c->fuel) {
            c->seg_at = at;
            c->seg_cost_at = cost_at;
            c->seg_start = c->ncode;
            c->seg_cost = 0;
            c->seg_meter = c->nmeter;
        }
    }
    for (uint32_t k = 0; k < t->nresults; k++)
        if ((e = push(c, t->types[t->nparams + k]))) return e;
    return 0;
}

/* ---- br_table ---------------------------------------------------------------------------- */

static const char *lower_br_table(cc *c) {
    uint32_t n, def;
    const char *e = vm_rd_u32(&c->r, &n);
    if (e) return e;
    if (n > VM_MAX_BR_TABLE) return "br_table too large";
    if ((uint64_t)n > (uint64_t)(c->r.end - c->r.p)) return c->r.eof;
    uint32_t *labels = vm_malloc(&c->m->alloc, ((size_t)n + 1) * sizeof *labels);
    if (!labels) return vm_err_nomem;
    for (uint32_t k = 0; k <= n && !e; k++) {
        e = vm_rd_u32(&c->r, &labels[k]);
        if (!e && labels[k] >= c->nctl) e = "unknown label";
    }
    entry idx;
    if (!e) e = pop(c, VM_I32, &idx);
    def = labels[n];
    /* Typing (appendix A.3): every label has the default's arity, and the
     * stack top must match each label's types. */
    uint32_t arity = e ? 0 : label_arity(&c->ctls[c->nctl - 1 - def]);
    for (uint32_t k = 0; k <= n && !e; k++) {
        const ctl *b = &c->ctls[c->nctl - 1 - labels[k]];
        if (label_arity(b) != arity) { e = e_type; break; }
        const uint8_t *ty = label_types(b);
        entry saved[VM_MAX_PARAMS];
        for (uint32_t j = arity; j-- > 0 && !e;) e = pop(c, ty[j], &saved[j]);
        for (uint32_t j = 0; j < arity && !e; j++) e = push_entry(c, saved[j]);
    }
    if (!e && reachable(c)) {
        uint32_t sidx = read_slot(c, &idx, c->nstk);
        uint32_t at = op(c, VM_OP_BR_TABLE_);
        emit(c, sidx);
        emit(c, n);
        uint32_t rels = c->ncode;
        for (uint32_t k = 0; k <= n; k++) emit(c, 0);
        meter(c, at);
        seg_close(c);
        for (uint32_t k = 0; k <= n && !c->nomem; k++) {
            ctl *b = &c->ctls[c->nctl - 1 - labels[k]];
            if (b->op != 0 && !moves_needed(c, arity, canon(c, b->height))) {
                target(c, b, rels + k, at);
            } else { /* a stub that moves the values, then branches */
                c->code[rels + k] = c->ncode - at;
                emit_br(c, labels[k]);
            }
        }
    }
    vm_free(&c->m->alloc, labels);
    if (e) return e;
    set_unreachable(c);
    return 0;
}

/* ---- block structure ---------------------------------------------------------------------- */

static const char *lower_block(cc *c, uint8_t opcode) {
    uint32_t np, nr;
    const uint8_t *p, *r;
    const char *e = rd_blocktype(c, &np, &p, &nr, &r);
    if (e) return e;
    entry cond = {0};
    if (opcode == 0x04 && (e = pop(c, VM_I32, &cond))) return e;
    /* The params must be on the stack with their types. */
    entry saved[VM_MAX_PARAMS];
    for (uint32_t k = np; k-- > 0;)
        if ((e = pop(c, p[k], &saved[k]))) return e;
    for (uint32_t k = 0; k < np; k++) {
        saved[k].type = p[k]; /* inside, the params have their declared types */
        if ((e = push_entry(c, saved[k]))) return e;
    }
    if (reachable(c)) materialize_all(c);
    uint32_t cond_slot = 0, start = 0;
    if (opcode == 0x04 && reachable(c)) cond_slot = read_slot(c, &cond, c->nstk);
    if (opcode == 0x03) start = label(c, reachable(c));
    if ((e = push_ctl(c, opcode, np, p, nr, r))) return e;
    ctl *b = &c->ctls[c->nctl - 1];
    if (opcode == 0x03) b->start = start; /* back-edges check the interrupt flag */
    if (opcode == 0x04 && reachable(c)) {
        b->else_at = op(c, br_op(c, VM_OP_BR_Z));
        emit(c, cond_slot);
        b->else_rel = emit(c, 0);
        meter(c, b->else_at);
        label(c, true); /* the then-arm */
    }
    return 0;
}

/* Check that the stack holds exactly the frame's results, and move them to
 * the block's canonical slots. */
static const char *close_arm(cc *c, ctl *b) {
    entry saved[VM_MAX_PARAMS];
    const char *e;
    for (uint32_t k = b->nresults; k-- > 0;)
        if ((e = pop(c, b->results[k], &saved[k]))) return e;
    if (c->nstk != b->height) return e_type;
    for (uint32_t k = 0; k < b->nresults; k++)
        if ((e = push_entry(c, saved[k]))) return e;
    if (!b->unreachable && !b->dead && b->op != 0) move_top(c, b->nresults, canon(c, b->height));
    return 0;
}

static void patch_here(cc *c, uint32_t rel_at, uint32_t instr_at) {
    c->code[rel_at] = c->ncode - instr_at;
}

static const char *lower_else(cc *c) {
    ctl *b = &c->ctls[c->nctl - 1];
    if (b->op != 0x04 || b->has_else) return "else without if";
    const char *e = close_arm(c, b);
    if (e) return e;
    if (!b->unreachable && !b->dead) {
        uint32_t at = op(c, br_op(c, VM_OP_BR));
        add_patch(c, b, emit(c, 0), at);
        meter(c, at); /* a jump: a metered run must not leave the segment */
    }
    seg_close(c);
    if (b->else_at != NONE) patch_here(c, b->else_rel, b->else_at);
    label(c, !b->dead); /* the else arm */
    b->else_at = NONE;
    b->has_else = true;
    /* The else arm starts from the block's params, in their slots. */
    c->nstk = b->height;
    b->unreachable = false;
    for (uint32_t k = 0; k < b->nparams; k++)
        if ((e = push(c, b->params[k]))) return e;
    return 0;
}

static const char *lower_end(cc *c) {
    ctl *b = &c->ctls[c->nctl - 1];
    const char *e;
    if (b->op == 0x04 && !b->has_else) {
        /* An if without else must leave its params as its results. */
        if (b->nparams != b->nresults || (b->nparams && memcmp(b->params, b->results, b->nparams)))
            return e_type;
    }
    if ((e = close_arm(c, b))) return e;
    if (b->op == 0) {
        if (reachable(c)) emit_return(c);
        seg_close(c);
        c->nctl--;
        return 0;
    }
    ctl blk = *b;
    c->nctl--;
    uint32_t at = label(c, reachable(c)); /* where the branches to the end land */
    if (blk.else_at != NONE) c->code[blk.else_rel] = at - blk.else_at;
    for (uint32_t p = blk.patches; p != NONE; p = c->patches[p].next)
        c->code[c->patches[p].rel_at] = at - c->patches[p].instr_at;
    /* The results now live in the block's slots. */
    uint32_t h = blk.height, nr = blk.nresults;
    const uint8_t *r = blk.results;
    c->nstk = h;
    for (uint32_t k = 0; k < nr; k++)
        if ((e = push(c, r[k]))) return e;
    return 0;
}

/* ---- variables ---------------------------------------------------------------------------- */

static const char *lower_local_set(cc *c, uint32_t x, bool tee) {
    entry v;
    const char *e;
    if (x >= c->nlocals) return "unknown local";
    uint8_t t = c->f->local_types[x];
    if ((e = pop(c, t, &v))) return e;
    x = c->lslot[x]; /* from here on, the local's slot */
    if (reachable(c)) {
        bool aliased = save_aliases(c, x);
        bool was_fresh = is_fresh(c, &v);
        if (was_fresh && !aliased) {
            c->code[c->last_dst] = x; /* the producer writes the local itself */
        } else if (v.kind == E_CONST) {
            emit_const(c, &v, x);
        } else {
            uint32_t src = v.kind == E_LOCAL ? v.local : canon(c, c->nstk);
            if (src != x) {
                op(c, t == VM_V128 ? VM_OP_COPY128 : VM_OP_COPY);
                emit(c, x);
                emit(c, src);
            }
        }
        c->fresh = false;
    }
    if (tee) return push_entry(c, (entry){t, E_LOCAL, x, 0, 0, 0, 0});
    return 0;
}

/* ---- the instruction loop ------------------------------------------------------------------ */

static uint32_t cost_of(uint32_t code) {
    switch (code) {
#define OP_CTL(cd, N, t, imm, cost) case cd: return cost;
#include "opcodes.def"
    default: return 1;
    }
}

/* Is b an opcode of the table (0xFC as the prefix of its group)? */
bool vm_opcode_known(uint8_t b) {
    static const uint16_t codes[] = {
#define OP_UN(cd, N, t, I, O, e) cd,
#define OP_UNT(cd, N, t, I, O, f) cd,
#define OP_BIN(cd, N, t, I, O, e) cd,
#define OP_BINC(cd, N, t, I, e) cd,
#define OP_BINT(cd, N, t, I, f) cd,
#define OP_LOAD(cd, N, t, O, M, conv, al) cd,
#define OP_STORE(cd, N, t, I, M, al) cd,
#define OP_CTL(cd, N, t, imm, cost) cd,
#define OP_VUN(cd, N, t, LI, LO, e) cd,
#define OP_VBIN(cd, N, t, L, e) cd,
#define OP_VCMP(cd, N, t, L, e) cd,
#define OP_VSHIFT(cd, N, t, L, e) cd,
#define OP_VFN1(cd, N, t, f) cd,
#define OP_VFN2(cd, N, t, f) cd,
#define OP_VFN3(cd, N, t, f) cd,
#define OP_VTEST(cd, N, t, f) cd,
#define OP_VSPLAT(cd, N, t, I, L) cd,
#define OP_VEXTRACT(cd, N, t, L, O, conv) cd,
#define OP_VREPLACE(cd, N, t, L, I) cd,
#define OP_VLOAD(cd, N, t, n, al, f) cd,
#define OP_VSTORE(cd, N, t, al) cd,
#define OP_VLDLANE(cd, N, t, L, al) cd,
#define OP_VSTLANE(cd, N, t, L, al) cd,
#include "opcodes.def"
    };
    for (size_t i = 0; i < sizeof codes / sizeof *codes; i++)
        if ((codes[i] > 0xFF ? codes[i] >> 8 : codes[i]) == b) return true;
    return false;
}

static const char *lower_misc(cc *c, uint32_t code);

static const char *lower_one(cc *c, uint32_t code) {
    switch (code) {
#define OP_UN(cd, N, t, I, O, e) case cd: return lower_unop(c, VM_OP_##N, T_##I, T_##O);
#define OP_UNT(cd, N, t, I, O, f) case cd: { \
        const char *e_ = lower_unop(c, VM_OP_##N, T_##I, T_##O); \
        if (!e_ && reachable(c)) meter(c, c->last_at); \
        return e_; }
#define OP_BIN(cd, N, t, I, O, e) \
    case cd: return lower_binop(c, cd, VM_OP_##N, VM_OP_##N##_IMM, T_##I, T_##O, false);
#define OP_BINC(cd, N, t, I, e) \
    case cd: return lower_binop(c, cd, VM_OP_##N, VM_OP_##N##_IMM, T_##I, VM_I32, false);
#define OP_BINT(cd, N, t, I, f) case cd: return lower_binop(c, cd, VM_OP_##N, 0, T_##I, T_##I, true);
#define OP_LOAD(cd, N, t, O, M, conv, al) case cd: return lower_load(c, VM_OP_##N, T_##O, al);
#define OP_STORE(cd, N, t, I, M, al) case cd: return lower_store(c, VM_OP_##N, T_##I, al);
#define OP_VUN(cd, N, t, LI, LO, e) case cd: return lower_unop(c, VM_OP_##N, VM_V128, VM_V128);
#define OP_VBIN(cd, N, t, L, e) \
    case cd: return lower_binop(c, cd, VM_OP_##N, VM_OP_##N##_IMM, VM_V128, VM_V128, false);
#define OP_VCMP(cd, N, t, L, e) \
    case cd: return lower_binop(c, cd, VM_OP_##N, VM_OP_##N##_IMM, VM_V128, VM_V128, false);
#define OP_VSHIFT(cd, N, t, L, e) case cd: return lower_shift(c, VM_OP_##N, VM_OP_##N##_IMM);
#define OP_VFN1(cd, N, t, f) case cd: return lower_pure(c, VM_OP_##N, 1, v128s, VM_V128, 0, 0);
#define OP_VFN2(cd, N, t, f) case cd: return lower_pure(c, VM_OP_##N, 2, v128s, VM_V128, 0, 0);
#define OP_VFN3(cd, N, t, f) case cd: return lower_pure(c, VM_OP_##N, 3, v128s, VM_V128, 0, 0);
#define OP_VTEST(cd, N, t, f) case cd: return lower_pure(c, VM_OP_##N, 1, v128s, VM_I32, 0, 0);
#define OP_VSPLAT(cd, N, t, I, L) \
    case cd: return lower_pure(c, VM_OP_##N, 1, (const uint8_t[]){T_##I}, VM_V128, 0, 0);
#define OP_VEXTRACT(cd, N, t, L, O, conv) \
    case cd: return lower_lane(c, VM_OP_##N, VL_N_##L, 1, v128s, T_##O);
#define OP_VREPLACE(cd, N, t, L, I) \
    case cd: return lower_lane(c, VM_OP_##N, VL_N_##L, 2, (const uint8_t[]){VM_V128, T_##I}, VM_V128);
#define OP_VLOAD(cd, N, t, n, al, f) case cd: return lower_load(c, VM_OP_##N, VM_V128, al);
#define OP_VSTORE(cd, N, t, al) case cd: return lower_store(c, VM_OP_##N, VM_V128, al);
#define OP_VLDLANE(cd, N, t, L, al) \
    case cd: return lower_lane_mem(c, VM_OP_##N, sizeof(VL_T_##L), al, false);
#define OP_VSTLANE(cd, N, t, L, al) \
    case cd: return lower_lane_mem(c, VM_OP_##N, sizeof(VL_T_##L), al, true);
#include "opcodes.def"
    default: return lower_misc(c, code);
    }
}

static const char *lower_br_if(cc *c, uint32_t d) {
    entry cond;
    const char *e;
    if (d >= c->nctl) return "unknown label";
    if ((e = pop(c, VM_I32, &cond))) return e;
    bool fused_ok = is_fresh(c, &cond);
    ctl *b = &c->ctls[c->nctl - 1 - d];
    uint32_t n = label_arity(b);
    const uint8_t *ty = label_types(b);
    entry saved[VM_MAX_PARAMS];
    for (uint32_t k = n; k-- > 0;)
        if ((e = pop(c, ty[k], &saved[k]))) return e;
    for (uint32_t k = 0; k < n; k++) {
        saved[k].type = ty[k];
        if ((e = push_entry(c, saved[k]))) return e;
    }
    if (!reachable(c)) return 0;
    if (b->op != 0 && !moves_needed(c, n, canon(c, b->height))) {
        uint32_t at, f;
        if (fused_ok && cond.kind == E_SLOT && (f = br_form(c->code[c->last_at], c->fuel))) {
            /* cmp dst a b  ->  cmp_BR a b rel: same length, shifted */
            at = c->last_at;
            c->code[at] = f;
            memmove(&c->code[at + 1], &c->code[at + 2], (c->ncode - at - 2) * sizeof(uint32_t));
            c->ncode--;
        } else if (fused_ok && cond.kind == E_SLOT && c->code[c->last_at] == VM_OP_I32_EQZ) {
            at = c->last_at;
            c->code[at] = br_op(c, VM_OP_BR_Z);
            c->code[at + 1] = c->code[at + 2];
            c->ncode--;
        } else {
            uint32_t s = read_slot(c, &cond, c->nstk);
            at = op(c, br_op(c, VM_OP_BR_NZ));
            emit(c, s);
        }
        c->fresh = false;
        target(c, b, emit(c, 0), at);
        meter(c, at);
    } else {
        uint32_t s = read_slot(c, &cond, c->nstk);
        uint32_t at = op(c, VM_OP_BR_Z);
        emit(c, s);
        uint32_t rel = emit(c, 0);
        meter(c, at);
        uint32_t saved_seg = c->seg_at;
        c->seg_at = NONE; /* the copies and jump belong to no segment */
        emit_br(c, d);
        c->seg_at = saved_seg;
        patch_here(c, rel, at); /* a plain BR_Z: its fallthrough is the stub */
    }
    label(c, true); /* the way on */
    return 0;
}

static const char *lower_misc(cc *c, uint32_t code) {
    const char *e;
    uint32_t x, y;
    entry v;
    const corral_module *m = c->m;
    switch (code) {
    case 0x00: /* unreachable */
        if (reachable(c)) meter(c, op(c, VM_OP_TRAP));
        set_unreachable(c);
        return 0;
    case 0x01: return 0;
    case 0x02: case 0x03: case 0x04: return lower_block(c, (uint8_t)code);
    case 0x05: return lower_else(c);
    case 0x0B: return lower_end(c);
    case 0x0C:
        if ((e = vm_rd_u32(&c->r, &x))) return e;
        if (x >= c->nctl) return "unknown label";
        {
            ctl *b = &c->ctls[c->nctl - 1 - x];
            uint32_t n = label_arity(b);
            const uint8_t *ty = label_types(b);
            entry saved[VM_MAX_PARAMS];
            for (uint32_t k = n; k-- > 0;)
                if ((e = pop(c, ty[k], &saved[k]))) return e;
            for (uint32_t k = 0; k < n; k++)
                if ((e = push_entry(c, saved[k]))) return e;
        }
        if (reachable(c)) emit_br(c, x);
        seg_close(c);
        set_unreachable(c);
        return 0;
    case 0x0D:
        if ((e = vm_rd_u32(&c->r, &x))) return e;
        return lower_br_if(c, x);
    case 0x0E: return lower_br_table(c);
    case 0x0F: {
        const vm_functype *ft = c->ft;
        entry saved[VM_MAX_PARAMS];
        for (uint32_t k = ft->nresults; k-- > 0;)
            if ((e = pop(c, ft->types[ft->nparams + k], &saved[k]))) return e;
        for (uint32_t k = 0; k < ft->nresults; k++)
            if ((e = push_entry(c, saved[k]))) return e;
        if (reachable(c)) emit_return(c);
        seg_close(c);
        set_unreachable(c);
        return 0;
    }
    case 0x10:
        if ((e = vm_rd_u32(&c->r, &x))) return e;
        if (x >= m->nfuncs) return "unknown function";
        return lower_call(c, &m->types[m->func_types[x]], VM_OP_CALL_, x, 0, false);
    case 0x11:
        if ((e = vm_rd_u32(&c->r, &y)) || (e = vm_rd_u32(&c->r, &x))) return e;
        if (x >= m->ntables) return "unknown table";
        if (y >= m->ntypes) return "unknown type";
        if (m->tables[x].elemtype != VM_FUNCREF) return e_type;
        return lower_call(c, &m->types[y], VM_OP_CALL_INDIRECT_, y, x, true);
    case 0xD0: {
        uint8_t t;
        if ((e = vm_rd_byte(&c->r, &t))) return e;
        if (t != VM_FUNCREF && t != VM_EXTERNREF) return "malformed reference type";
        return push_entry(c, (entry){t, E_CONST, 0, 0, 0, 0, 0});
    }
    case 0xD1:
        if ((e = pop(c, VM_ANY, &v))) return e;
        if (!is_ref(v.type)) return e_type;
        if ((e = push_entry(c, v))) return e; /* back, for lower_fixed to take */
        return lower_fixed(c, VM_OP_REF_IS_NULL_, 1, &v.type, VM_I32, 0, 0, 0, false);
    case 0xD2:
        if ((e = vm_rd_u32(&c->r, &x))) return e;
        if (x >= m->nfuncs) return "unknown function";
        if (!m->func_declared[x]) return "undeclared function reference";
        return lower_fixed(c, VM_OP_REF_FUNC_, 0, 0, VM_FUNCREF, 1, x, 0, false);
    case 0x1A: return pop(c, VM_ANY, &v);
    case 0x1B: case 0x1C: {
        entry cond, a, b;
        uint8_t t = VM_ANY;
        if (code == 0x1C) {
            uint32_t n;
            if ((e = vm_rd_u32(&c->r, &n))) return e;
            if (n != 1) return "invalid result arity";
            if ((e = vm_rd_byte(&c->r, &t))) return e;
            if (!one_type[t]) return "malformed value type";
        }
        if ((e = pop(c, VM_I32, &cond)) || (e = pop(c, t, &b)) || (e = pop(c, t, &a))) return e;
        if (code == 0x1B) {
            if (!is_num(a.type) || !is_num(b.type)) return e_type;
            if (a.type != b.type && a.type != VM_ANY && b.type != VM_ANY) return e_type;
            t = a.type != VM_ANY ? a.type : b.type;
        }
        if (!reachable(c)) return push(c, t);
        uint32_t base = c->nstk;
        uint32_t sa = read_slot(c, &a, base), sb = read_slot(c, &b, base + 1),
                 sc = read_slot(c, &cond, base + 2);
        if ((e = push(c, t))) return e;
        uint32_t at = op(c, t == VM_V128 ? VM_OP_SELECT128_ : VM_OP_SELECT_);
        uint32_t dst = emit(c, canon(c, c->nstk - 1));
        emit(c, sc);
        emit(c, sa);
        emit(c, sb);
        produced(c, at, dst);
        return 0;
    }
    case 0x20:
        if ((e = vm_rd_u32(&c->r, &x))) return e;
        if (x >= c->nlocals) return "unknown local";
        return push_entry(c, (entry){c->f->local_types[x], E_LOCAL, c->lslot[x], 0, 0, 0, 0});
    case 0x21: case 0x22:
        if ((e = vm_rd_u32(&c->r, &x))) return e;
        return lower_local_set(c, x, code == 0x22);
    case 0x23:
        if ((e = vm_rd_u32(&c->r, &x))) return e;
        if (x >= m->nglobals) return "unknown global";
        return lower_fixed(c, m->globals[x].type == VM_V128 ? VM_OP_GLOBAL_GET128_ : VM_OP_GLOBAL_GET_,
                           0, 0, m->globals[x].type, 1, x, 0, false);
    case 0x24:
        if ((e = vm_rd_u32(&c->r, &x))) return e;
        if (x >= m->nglobals) return "unknown global";
        if (!m->globals[x].mut) return "global is immutable";
        return lower_fixed(c, m->globals[x].type == VM_V128 ? VM_OP_GLOBAL_SET128_ : VM_OP_GLOBAL_SET_,
                           1, &m->globals[x].type, 0, 1, x, 0, false);
    case 0x25: case 0x26:
        if ((e = vm_rd_u32(&c->r, &x))) return e;
        if (x >= m->ntables) return "unknown table";
        if (code == 0x25) {
            uint8_t in = VM_I32;
            return lower_fixed(c, VM_OP_TABLE_GET_, 1, &in, m->tables[x].elemtype, 1, x, 0, true);
        } else {
            uint8_t in[2] = {VM_I32, m->tables[x].elemtype};
            return lower_fixed(c, VM_OP_TABLE_SET_, 2, in, 0, 1, x, 0, true);
        }
    case 0x3F: case 0x40:
        if ((e = rd_zero(c))) return e;
        if (m->nmems == 0) return "unknown memory";
        if (code == 0x3F) return lower_fixed(c, VM_OP_MEMORY_SIZE_, 0, 0, VM_I32, 0, 0, 0, false);
        {
            uint8_t in = VM_I32;
            return lower_fixed(c, VM_OP_MEMORY_GROW_, 1, &in, VM_I32, 0, 0, 0, false);
        }
    case 0x41: { int32_t i; if ((e = vm_rd_s32(&c->r, &i))) return e;
        return push_entry(c, (entry){VM_I32, E_CONST, 0, (uint32_t)i, 0, 0, 0}); }
    case 0x42: { int64_t i; if ((e = vm_rd_s64(&c->r, &i))) return e;
        return push_entry(c, (entry){VM_I64, E_CONST, 0, (uint64_t)i, 0, 0, 0}); }
    case 0x43: { uint32_t i; if ((e = vm_rd_fixed32(&c->r, &i))) return e;
        return push_entry(c, (entry){VM_F32, E_CONST, 0, i, 0, 0, 0}); }
    case 0x44: { uint64_t i; if ((e = vm_rd_fixed64(&c->r, &i))) return e;
        return push_entry(c, (entry){VM_F64, E_CONST, 0, i, 0, 0, 0}); }
    case 0xFD0C: case 0xFD0D: return lower_v128_imm(c, code);
    case 0xFC08: { /* memory.init seg */
        if ((e = vm_rd_u32(&c->r, &x)) || (e = rd_zero(c))) return e;
        if (m->nmems == 0) return "unknown memory 0";
        c->m->data_idx_used = true; /* decode.c checks the data count section */
        if (m->data_count >= 0 && x >= (uint32_t)m->data_count) return "unknown data segment";
        return lower_bulk(c, VM_OP_MEMORY_INIT_, 1, x, 0);
    }
    case 0xFC09:
        if ((e = vm_rd_u32(&c->r, &x))) return e;
        c->m->data_idx_used = true;
        if (m->data_count >= 0 && x >= (uint32_t)m->data_count) return "unknown data segment";
        return lower_fixed(c, VM_OP_DATA_DROP_, 0, 0, 0, 1, x, 0, true);
    case 0xFC0A: case 0xFC0B: {
        if ((e = rd_zero(c))) return e;
        if (code == 0xFC0A && (e = rd_zero(c))) return e;
        if (m->nmems == 0) return "unknown memory 0";
        return lower_bulk(c, code == 0xFC0A ? VM_OP_MEMORY_COPY_ : VM_OP_MEMORY_FILL_, 0, 0, 0);
    }
    case 0xFC0C: { /* table.init elem table */
        if ((e = vm_rd_u32(&c->r, &y)) || (e = vm_rd_u32(&c->r, &x))) return e;
        if (x >= m->ntables) return "unknown table";
        if (y >= m->nelems) return "unknown elem segment";
        if (m->elems[y].type != m->tables[x].elemtype) return e_type;
        return lower_bulk(c, VM_OP_TABLE_INIT_, 2, x, y);
    }
    case 0xFC0D:
        if ((e = vm_rd_u32(&c->r, &x))) return e;
        if (x >= m->nelems) return "unknown elem segment";
        return lower_fixed(c, VM_OP_ELEM_DROP_, 0, 0, 0, 1, x, 0, true);
    case 0xFC0E: { /* table.copy dst src */
        if ((e = vm_rd_u32(&c->r, &x)) || (e = vm_rd_u32(&c->r, &y))) return e;
        if (x >= m->ntables || y >= m->ntables) return "unknown table";
        if (m->tables[x].elemtype != m->tables[y].elemtype) return e_type;
        return lower_bulk(c, VM_OP_TABLE_COPY_, 2, x, y);
    }
    case 0xFC0F: case 0xFC10: case 0xFC11: {
        if ((e = vm_rd_u32(&c->r, &x))) return e;
        if (x >= m->ntables) return "unknown table";
        uint8_t t = m->tables[x].elemtype;
        if (code == 0xFC10) return lower_fixed(c, VM_OP_TABLE_SIZE_, 0, 0, VM_I32, 1, x, 0, true);
        if (code == 0xFC0F) {
            uint8_t in[2] = {t, VM_I32};
            return lower_fixed(c, VM_OP_TABLE_GROW_, 2, in, VM_I32, 1, x, 0, true);
        }
        return lower_bulk(c, VM_OP_TABLE_FILL_, 1, x, 0);
    }
    default:
        return "illegal opcode";
    }
}

const char *vm_compile(corral_module *m, uint32_t defidx, uint64_t *err_offset) {
    vm_funcdef *f = &m->funcs[defidx];
    cc c = {0};
    c.m = m;
    c.f = f;
    c.ft = &m->types[f->type];
    c.r = (vm_rd){f->body, f->body + f->body_len, m->bytes, "unexpected end of section or function"};
    c.nlocals = c.ft->nparams + f->nlocals;
    c.fuel = m->fuel;
    c.seg_at = NONE;
    c.lslot = vm_malloc(&m->alloc, ((size_t)c.nlocals + 1) * sizeof *c.lslot);
    if (!c.lslot) return vm_err_nomem;
    for (uint32_t i = 0; i < c.nlocals; i++) {
        c.lslot[i] = c.nlocal_slots;
        c.nlocal_slots += vm_type_slots(f->local_types[i]);
    }
    c.max_slots = c.nlocal_slots;
    f->nlocal_slots = c.nlocal_slots - c.ft->param_slots;
    const char *e = c.nlocal_slots > VM_MAX_FUNC_SLOTS ? "function too large (frame slots)" : 0;
    if (!e) e = push_ctl(&c, 0, 0, 0, c.ft->nresults, c.ft->types + c.ft->nparams);
    /* A call zeroes the declared locals: the first segment pays for it. */
    if (!e) charge(&c, f->nlocals / VM_FUEL_LOCALS);
    uint32_t ninstr = 0;
    while (!e && c.nctl > 0) {
        uint8_t b;
        uint32_t code;
        c.instr_at = (uint32_t)(c.r.p - f->body);
        if ((++ninstr & VM_LOAD_POLL) == 0 && vm_load_interrupted(m)) {
            e = vm_err_load_interrupt;
            break;
        }
        if ((e = vm_rd_byte(&c.r, &b))) break;
        code = b;
        if (b == 0xFC || b == 0xFD) {
            uint32_t sub;
            if ((e = vm_rd_u32(&c.r, &sub))) break;
            if (sub > 0xFF) { e = "illegal opcode"; break; }
            code = (uint32_t)b << 8 | sub;
        }
        charge(&c, cost_of(code));
        e = lower_one(&c, code);
        if (!e) e = c.nomem;
    }
    if (!e && c.r.p != c.r.end) e = "section size mismatch";
    if (e) {
        *err_offset = (uint64_t)(c.r.p - m->bytes);
        vm_free(&m->alloc, c.code);
        vm_free(&m->alloc, c.meter);
        vm_free(&m->alloc, c.locs);
    } else {
        vm_thread(c.code, c.ncode);
        f->code = c.code;
        f->code_len = c.ncode;
        f->nslots = c.max_slots;
        f->meter = c.meter;
        f->nmeter = c.nmeter / 3;
        f->locs = c.locs;
        f->locs_len = c.nlocs;
    }
    vm_free(&m->alloc, c.lslot);
    vm_free(&m->alloc, c.stk);
    vm_free(&m->alloc, c.ctls);
    vm_free(&m->alloc, c.patches);
    return e;
}
