/*
 * interp.c - the interpreter: one dispatch body over the internal code.
 *
 * The body compiles to computed goto on gcc and clang (each handler ends
 * in its own indirect jump, which predicts well) and to a plain switch
 * with -DVM_DISPATCH_SWITCH or on other compilers; three macros (CASE,
 * NEXT, and the dispatch at the top) make the difference, as in Lua.
 *
 * Hot state lives in locals: ip, fp, the memory base and size, the fuel
 * counter.  Wasm calls push a vm_frame on the store's frame array and
 * never recurse on the C stack; a host function that calls back into wasm
 * is the only way to re-enter this function.
 *
 * Every trap leaves through the label `trap`, which writes the state back,
 * records where it happened from ip and the frames (trace.c) and unwinds
 * the frames of this activation.
 */
#include <stdlib.h>
#include <string.h>

#include "code.h"
#include "numeric.h"
#include "simd.h"
#include "vm.h"

#if !defined(VM_DISPATCH_SWITCH) && !defined(__GNUC__)
#define VM_DISPATCH_SWITCH
#endif

/* ---- little-endian memory access (wasm memory is little-endian) ------------ */

static inline uint64_t vm_ld(const uint8_t *p, unsigned n) {
    uint8_t b1; uint16_t b2; uint32_t b4; uint64_t b8;
    switch (n) {
    case 1: memcpy(&b1, p, 1); return b1;
    case 2: memcpy(&b2, p, 2);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        b2 = __builtin_bswap16(b2);
#endif
        return b2;
    case 4: memcpy(&b4, p, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        b4 = __builtin_bswap32(b4);
#endif
        return b4;
    default: memcpy(&b8, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        b8 = __builtin_bswap64(b8);
#endif
        return b8;
    }
}

static inline void vm_st(uint8_t *p, uint64_t v, unsigned n) {
    uint8_t b1 = (uint8_t)v; uint16_t b2 = (uint16_t)v; uint32_t b4 = (uint32_t)v; uint64_t b8 = v;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    b2 = __builtin_bswap16(b2); b4 = __builtin_bswap32(b4); b8 = __builtin_bswap64(b8);
#endif
    switch (n) {
    case 1: memcpy(p, &b1, 1); break;
    case 2: memcpy(p, &b2, 2); break;
    case 4: memcpy(p, &b4, 4); break;
    default: memcpy(p, &b8, 8); break;
    }
}

/* ---- typed slot access --------------------------------------------------------- */

#define CT_I32 uint32_t
#define CT_I64 uint64_t
#define CT_F32 float
#define CT_F64 double
#define RAW_I32 uint32_t
#define RAW_I64 uint64_t
#define RAW_F32 uint32_t
#define RAW_F64 uint64_t
#define RD_I32(s) ((uint32_t)fp[s])
#define RD_I64(s) (fp[s])
#define RD_F32(s) vm_f32_from((uint32_t)fp[s])
#define RD_F64(s) vm_f64_from(fp[s])
#define WR_I32(s, v) (fp[s] = (uint32_t)(v))
#define WR_I64(s, v) (fp[s] = (uint64_t)(v))
#define WR_F32(s, v) (fp[s] = vm_f32_bits(v))
#define WR_F64(s, v) (fp[s] = vm_f64_bits(v))
#define IMM64(p) ((uint64_t)(p)[0] | (uint64_t)(p)[1] << 32)
#define IMM_I32(p) ((p)[0])
#define IMM_I64(p) IMM64(p)
#define IMM_F32(p) vm_f32_from((p)[0])
#define IMM_F64(p) vm_f64_from(IMM64(p))
#define LEN_I32 1
#define LEN_I64 2
#define LEN_F32 1
#define LEN_F64 2
#define REL(k) ((int32_t)ip[k])

/* ---- dispatch --------------------------------------------------------------------- */

#ifdef VM_DISPATCH_SWITCH
#define CASE(N) case VM_OP_##N:
#define NEXT() goto next
#define THREADED(op) (op)
#else
#define CASE(N) L_##N:
#define NEXT() goto *(void *)((char *)&&L_COPY + (int32_t)*ip)
#define THREADED(op) ((uint32_t)offsets[op])
#endif

/* A taken branch; a backward one closes a loop, so check for interrupts. */
#define JUMP(rel)                                                             \
    do {                                                                      \
        int32_t r_ = (rel);                                                   \
        if (r_ <= 0 && INTERRUPTED() && take_interrupt(s, fuel))              \
            TRAP(vm_trap_interrupt);                                          \
        ip += r_;                                                             \
    } while (0)

#define TRAP(msg) do { err = (msg); goto trap; } while (0)
/* The work of a bulk instruction: n units at `per` a fuel unit, paid in
 * full before any is done or the instruction runs out of fuel doing
 * nothing.  Each bulk instruction ends its fuel segment (compile.c), so
 * `fuel` is exactly what is left after it. */
#define PAY_BULK(n, per)                                                      \
    do {                                                                      \
        if (inst->mod->fuel) {                                                \
            uint64_t c_ = (n) / (per);                                        \
            if (c_ > fuel) { fuel = 0; TRAP(vm_trap_fuel); }                  \
            fuel -= c_;                                                       \
        }                                                                     \
    } while (0)
#define LOAD_MEM() \
    do { mem = inst->mem ? inst->mem->data : 0; mem_size = inst->mem ? inst->mem->size : 0; } while (0)
#define INTERRUPTED() atomic_load_explicit(&s->interrupt, memory_order_relaxed)

/* The interrupt word is not 0: a sample request publishes the fuel left
 * and clears itself; returns whether the guest must stop. */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((noinline, cold))
#endif
static bool take_interrupt(corral_store *s, uint64_t fuel) {
    int v = atomic_load_explicit(&s->interrupt, memory_order_relaxed);
    if (v & VM_INTERRUPT_SAMPLE) {
        atomic_store_explicit(&s->fuel_seen, fuel, memory_order_relaxed);
        atomic_fetch_and(&s->interrupt, ~VM_INTERRUPT_SAMPLE);
    }
    return (v & VM_INTERRUPT_STOP) != 0;
}

/* ---- bulk work (memory.fill/copy/init, table.copy/init) ------------------------- */

/* Fill n > 0 bytes at dst with v, or move them from src, a chunk at a
 * time; back: the ranges overlap with dst above src, so move from the end.
 * False when interrupted between chunks (the work is then partly done, as
 * the trap ends the guest's run anyway). */
static bool bulk_bytes(corral_store *s, uint64_t fuel, uint8_t *dst, const uint8_t *src, bool back,
                       int v, uint64_t n) {
    uint64_t done = 0;
    for (;;) {
        uint64_t k = n - done < VM_BULK_CHUNK ? n - done : VM_BULK_CHUNK;
        uint64_t at = back ? n - done - k : done;
        if (src) memmove(dst + at, src + at, (size_t)k);
        else memset(dst + at, v, (size_t)k);
        done += k;
        if (done == n) return true;
        if (atomic_load_explicit(&s->interrupt, memory_order_relaxed) && take_interrupt(s, fuel))
            return false;
    }
}

/* table.fill of n > 0 elements, checking the interrupt between chunks. */
static bool bulk_fill_elems(corral_store *s, uint64_t fuel, void **dst, void *v, uint64_t n) {
    const uint64_t chunk = VM_BULK_CHUNK / sizeof(void *);
    for (uint64_t i = 0; i < n; i++) {
        dst[i] = v;
        if ((i + 1) % chunk == 0 && i + 1 < n &&
            atomic_load_explicit(&s->interrupt, memory_order_relaxed) && take_interrupt(s, fuel))
            return false;
    }
    return true;
}

/* The first meter entry at or after code offset at (binary search). */
static uint32_t meter_find(const vm_funcdef *d, uint32_t at) {
    uint32_t lo = 0, hi = d->nmeter;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (d->meter[3 * mid] < at) lo = mid + 1; else hi = mid;
    }
    return lo;
}

/* A segment that costs more than is left starts at start and is len units
 * long: where to stop (code.h). */
static const uint32_t *fuel_stop(const vm_funcdef *d, const uint32_t *start, uint32_t len,
                                 uint64_t left) {
    uint32_t at = (uint32_t)(start - d->code), end = at + len;
    for (uint32_t i = meter_find(d, at); i < d->nmeter && d->meter[3 * i] < end; i++)
        if (d->meter[3 * i + 1] > left) return d->code + d->meter[3 * i];
    return d->code + end;
}

/* Fuel left after a trap at ip: segments are charged whole, so give back
 * what the instructions after the trapping one were charged.  In a fuel-
 * short copy (code.h), `left` was what remained before the segment. */
static uint64_t fuel_after_trap(const corral_instance *inst, const uint32_t *ip, uint64_t fuel,
                                const vm_funcdef *short_def, const uint32_t *short_at,
                                const uint32_t *buf, uint64_t left) {
    const vm_funcdef *d = vm_func_at(inst->mod, ip); /* NULL: ip in a copy */
    if (!d && short_def) {
        d = short_def;
        ip = short_at + (ip - buf); /* the same instruction in the code */
        fuel = left;
    }
    if (!d) return fuel;
    uint32_t at = (uint32_t)(ip - d->code), i = meter_find(d, at);
    if (i >= d->nmeter || d->meter[3 * i] != at) return fuel;
    if (short_def) return fuel - d->meter[3 * i + 1];
    return fuel + d->meter[3 * i + 2] - d->meter[3 * i + 1];
}

/* s == NULL: only hand out the table of handler offsets (vm_thread). */
static const char *run(corral_store *s, corral_func *f, vm_slot *args, const int32_t **table) {
    const char *err = 0;
    vm_frame *entry_fsp = s ? s->fsp : 0;
    vm_frame *fsp = entry_fsp; /* frames grow down; s->fsp is synced at exits */
    corral_instance *inst = f ? f->inst : 0;
    vm_slot *fp = args;
    const uint32_t *ip = 0;
    const vm_funcdef *short_def = 0; /* a fuel-short copy is running: */
    const uint32_t *short_at = 0;    /* ...of the segment starting here */
    uint64_t short_left = 0;         /* ...with this much fuel left */
    uint8_t *mem = 0;
    uint64_t mem_size = 0;
    uint64_t fuel = s ? s->fuel : 0;
    corral_func *callee;
    vm_slot *nfp;
    const uint32_t *ret;
    uint32_t seg_cost = 0, seg_len = 0; /* the segment fuel_short runs */

#ifndef VM_DISPATCH_SWITCH
    static const int32_t offsets[VM_NOPS] = {
#define X(N, n) &&L_##N - &&L_COPY,
        VM_INTERNAL_OPS(X)
#undef X
#define OP_UN(c, N, t, I, O, e) &&L_##N - &&L_COPY,
#define OP_UNT(c, N, t, I, O, fn) &&L_##N - &&L_COPY,
#define OP_BIN(c, N, t, I, O, e) &&L_##N - &&L_COPY, &&L_##N##_IMM - &&L_COPY,
#define OP_BINC(c, N, t, I, e) &&L_##N - &&L_COPY, &&L_##N##_IMM - &&L_COPY, \
    &&L_##N##_BR - &&L_COPY, &&L_##N##_IMM_BR - &&L_COPY, \
    &&L_##N##_BR_F - &&L_COPY, &&L_##N##_IMM_BR_F - &&L_COPY,
#define OP_BINT(c, N, t, I, fn) &&L_##N - &&L_COPY,
#define OP_LOAD(c, N, t, O, M, conv, al) &&L_##N - &&L_COPY,
#define OP_STORE(c, N, t, I, M, al) &&L_##N - &&L_COPY,
#define OP_VUN(c, N, t, LI, LO, e) &&L_##N - &&L_COPY,
#define OP_VBIN(c, N, t, L, e) &&L_##N - &&L_COPY, &&L_##N##_IMM - &&L_COPY,
#define OP_VCMP(c, N, t, L, e) &&L_##N - &&L_COPY, &&L_##N##_IMM - &&L_COPY,
#define OP_VSHIFT(c, N, t, L, e) &&L_##N - &&L_COPY, &&L_##N##_IMM - &&L_COPY,
#define OP_VFN1(c, N, t, fn) &&L_##N - &&L_COPY,
#define OP_VFN2(c, N, t, fn) &&L_##N - &&L_COPY,
#define OP_VFN3(c, N, t, fn) &&L_##N - &&L_COPY,
#define OP_VTEST(c, N, t, fn) &&L_##N - &&L_COPY,
#define OP_VSPLAT(c, N, t, I, L) &&L_##N - &&L_COPY,
#define OP_VEXTRACT(c, N, t, L, O, conv) &&L_##N - &&L_COPY,
#define OP_VREPLACE(c, N, t, L, I) &&L_##N - &&L_COPY,
#define OP_VLOAD(c, N, t, n, al, fn) &&L_##N - &&L_COPY,
#define OP_VSTORE(c, N, t, al) &&L_##N - &&L_COPY,
#define OP_VLDLANE(c, N, t, L, al) &&L_##N - &&L_COPY,
#define OP_VSTLANE(c, N, t, L, al) &&L_##N - &&L_COPY,
#include "opcodes.def"
    };
    if (!s) {
        *table = offsets;
        return 0;
    }
#else
    if (!s) {
        *table = 0;
        return 0;
    }
#endif

    /* Enter f as if called from the host: a frame with no return address. */
    callee = f;
    nfp = fp;
    ret = 0;
    goto do_call;

#ifdef VM_DISPATCH_SWITCH
next:
    switch (*ip) {
#endif

    /* ---- generated: numeric, memory ----------------------------------------------- */
#define OP_UN(c, N, t, I, O, E)                                                       \
    CASE(N) { CT_##I a = RD_##I(ip[2]); WR_##O(ip[1], E); ip += 3; NEXT(); }
#define OP_UNT(c, N, t, I, O, FN)                                                     \
    CASE(N) {                                                                         \
        CT_##I a = RD_##I(ip[2]);                                                     \
        RAW_##O r;                                                                    \
        if ((err = FN(a, &r))) goto trap;                                             \
        fp[ip[1]] = r;                                                                \
        ip += 3;                                                                      \
        NEXT();                                                                       \
    }
#define OP_BIN(c, N, t, I, O, E)                                                      \
    CASE(N) { CT_##I a = RD_##I(ip[2]), b = RD_##I(ip[3]); WR_##O(ip[1], E); ip += 4; NEXT(); } \
    CASE(N##_IMM) {                                                                   \
        CT_##I a = RD_##I(ip[2]), b = IMM_##I(ip + 3);                                \
        WR_##O(ip[1], E);                                                             \
        ip += 3 + LEN_##I;                                                            \
        NEXT();                                                                       \
    }
#define OP_BINC(c, N, t, I, E)                                                        \
    OP_BIN(c, N, t, I, I32, E)                                                        \
    CASE(N##_BR) {                                                                    \
        CT_##I a = RD_##I(ip[1]), b = RD_##I(ip[2]);                                  \
        if ((E) != 0) JUMP(REL(3)); else ip += 4;                                      \
        NEXT();                                                                       \
    }                                                                                 \
    CASE(N##_IMM_BR) {                                                                \
        CT_##I a = RD_##I(ip[1]), b = IMM_##I(ip + 2);                                \
        if ((E) != 0) JUMP(REL(2 + LEN_##I)); else ip += 3 + LEN_##I;                  \
        NEXT();                                                                       \
    }                                                                                 \
    CASE(N##_BR_F) {                                                                  \
        CT_##I a = RD_##I(ip[1]), b = RD_##I(ip[2]);                                  \
        if ((E) != 0) JUMP(REL(3)); else ip += 4;                                      \
        ip += 3;                                                                      \
        goto charge_continuation;                                                     \
    }                                                                                 \
    CASE(N##_IMM_BR_F) {                                                              \
        CT_##I a = RD_##I(ip[1]), b = IMM_##I(ip + 2);                                \
        if ((E) != 0) JUMP(REL(2 + LEN_##I)); else ip += 3 + LEN_##I;                  \
        ip += 3;                                                                      \
        goto charge_continuation;                                                     \
    }
#define OP_BINT(c, N, t, I, FN)                                                       \
    CASE(N) {                                                                         \
        CT_##I r;                                                                     \
        if ((err = FN(RD_##I(ip[2]), RD_##I(ip[3]), &r))) goto trap;                  \
        fp[ip[1]] = r;                                                                \
        ip += 4;                                                                      \
        NEXT();                                                                       \
    }
#define OP_LOAD(c, N, t, O, M, CONV, al)                                              \
    CASE(N) {                                                                         \
        uint64_t ea = (uint64_t)(uint32_t)fp[ip[2]] + ip[3];                          \
        if (ea + sizeof(M) > mem_size) TRAP(vm_trap_oob_memory);                      \
        fp[ip[1]] = (uint64_t)(RAW_##O)(CONV)(M)vm_ld(mem + ea, sizeof(M));           \
        ip += 4;                                                                      \
        NEXT();                                                                       \
    }
#define OP_STORE(c, N, t, I, M, al)                                                   \
    CASE(N) {                                                                         \
        uint64_t ea = (uint64_t)(uint32_t)fp[ip[1]] + ip[3];                          \
        if (ea + sizeof(M) > mem_size) TRAP(vm_trap_oob_memory);                      \
        vm_st(mem + ea, fp[ip[2]], sizeof(M));                                        \
        ip += 4;                                                                      \
        NEXT();                                                                       \
    }
#include "opcodes.def"

    /* ---- generated: SIMD (lanes through vm/simd.h) ----------------------------------- */
#define OP_VUN(c, N, t, LI, LO, E)                                                    \
    CASE(N) {                                                                         \
        VL_T_##LI x_[VL_N_##LI];                                                      \
        VL_T_##LO r_[VL_N_##LO];                                                      \
        vm_v_get(x_, fp + ip[2], sizeof x_[0]);                                       \
        for (unsigned i_ = 0; i_ < VL_N_##LI; i_++) {                                 \
            VL_V_##LI a = VL_GET_##LI(x_[i_]);                                        \
            r_[i_] = VL_SET_##LO(E);                                                  \
        }                                                                             \
        vm_v_put(fp + ip[1], r_, sizeof r_[0]);                                       \
        ip += 3;                                                                      \
        NEXT();                                                                       \
    }
/* Lane-wise a op b, b from the slots at ip[3] or (NAME_IMM) the constant
 * in the four units from ip + 3; R is the lane's result from E. */
#define V_BINARY(L, R, B, LEN)                                                        \
    {                                                                                 \
        VL_T_##L x_[VL_N_##L], z_[VL_N_##L];                                          \
        vm_v_get(x_, fp + ip[2], sizeof x_[0]);                                       \
        memcpy(z_, B, 16);                                                            \
        vm_v_swap(z_, sizeof z_[0]);                                                  \
        for (unsigned i_ = 0; i_ < VL_N_##L; i_++) {                                  \
            VL_V_##L a = VL_GET_##L(x_[i_]), b = VL_GET_##L(z_[i_]);                  \
            x_[i_] = R;                                                               \
        }                                                                             \
        vm_v_put(fp + ip[1], x_, sizeof x_[0]);                                       \
        ip += LEN;                                                                    \
        NEXT();                                                                       \
    }
#define OP_VBIN(c, N, t, L, E)                                                        \
    CASE(N) V_BINARY(L, VL_SET_##L(E), fp + ip[3], 4)                                 \
    CASE(N##_IMM) V_BINARY(L, VL_SET_##L(E), ip + 3, 7)
#define OP_VCMP(c, N, t, L, E)                                                        \
    CASE(N) V_BINARY(L, (VL_T_##L)((E) ? ~(VL_T_##L)0 : 0), fp + ip[3], 4)            \
    CASE(N##_IMM) V_BINARY(L, (VL_T_##L)((E) ? ~(VL_T_##L)0 : 0), ip + 3, 7)
/* COUNT: the shift count, from a slot or (NAME_IMM) the immediate */
#define V_SHIFT(L, E, COUNT)                                                          \
    {                                                                                 \
        VL_T_##L x_[VL_N_##L];                                                        \
        uint32_t b = (uint32_t)(COUNT) & (8 * sizeof x_[0] - 1);                      \
        vm_v_get(x_, fp + ip[2], sizeof x_[0]);                                       \
        for (unsigned i_ = 0; i_ < VL_N_##L; i_++) {                                  \
            VL_T_##L a = x_[i_];                                                      \
            x_[i_] = (VL_T_##L)(E);                                                   \
        }                                                                             \
        vm_v_put(fp + ip[1], x_, sizeof x_[0]);                                       \
        ip += 4;                                                                      \
        NEXT();                                                                       \
    }
#define OP_VSHIFT(c, N, t, L, E)                                                      \
    CASE(N) V_SHIFT(L, E, fp[ip[3]])                                                  \
    CASE(N##_IMM) V_SHIFT(L, E, ip[3])
#define OP_VFN1(c, N, t, FN) CASE(N) { FN(fp + ip[1], fp + ip[2]); ip += 3; NEXT(); }
#define OP_VFN2(c, N, t, FN) CASE(N) { FN(fp + ip[1], fp + ip[2], fp + ip[3]); ip += 4; NEXT(); }
#define OP_VFN3(c, N, t, FN)                                                          \
    CASE(N) { FN(fp + ip[1], fp + ip[2], fp + ip[3], fp + ip[4]); ip += 5; NEXT(); }
#define OP_VTEST(c, N, t, FN) CASE(N) { fp[ip[1]] = FN(fp + ip[2]); ip += 3; NEXT(); }
#define OP_VSPLAT(c, N, t, I, L)                                                      \
    CASE(N) {                                                                         \
        VL_T_##L x_[VL_N_##L], v_ = (VL_T_##L)fp[ip[2]];                              \
        for (unsigned i_ = 0; i_ < VL_N_##L; i_++) x_[i_] = v_;                       \
        vm_v_put(fp + ip[1], x_, sizeof x_[0]);                                       \
        ip += 3;                                                                      \
        NEXT();                                                                       \
    }
#define OP_VEXTRACT(c, N, t, L, O, CONV)                                              \
    CASE(N) {                                                                         \
        VL_T_##L x_[VL_N_##L];                                                        \
        vm_v_get(x_, fp + ip[2], sizeof x_[0]);                                       \
        fp[ip[1]] = (uint64_t)(RAW_##O)(CONV)x_[ip[3]];                               \
        ip += 4;                                                                      \
        NEXT();                                                                       \
    }
#define OP_VREPLACE(c, N, t, L, I)                                                    \
    CASE(N) {                                                                         \
        VL_T_##L x_[VL_N_##L];                                                        \
        vm_v_get(x_, fp + ip[2], sizeof x_[0]);                                       \
        x_[ip[4]] = (VL_T_##L)fp[ip[3]];                                              \
        vm_v_put(fp + ip[1], x_, sizeof x_[0]);                                       \
        ip += 5;                                                                      \
        NEXT();                                                                       \
    }
#define OP_VLOAD(c, N, t, BYTES, al, FN)                                              \
    CASE(N) {                                                                         \
        uint64_t ea = (uint64_t)(uint32_t)fp[ip[2]] + ip[3];                          \
        if (ea + BYTES > mem_size) TRAP(vm_trap_oob_memory);                          \
        FN(mem + ea, fp + ip[1]);                                                     \
        ip += 4;                                                                      \
        NEXT();                                                                       \
    }
#define OP_VSTORE(c, N, t, al)                                                        \
    CASE(N) {                                                                         \
        uint64_t ea = (uint64_t)(uint32_t)fp[ip[1]] + ip[3];                          \
        if (ea + 16 > mem_size) TRAP(vm_trap_oob_memory);                             \
        memcpy(mem + ea, fp + ip[2], 16);                                             \
        ip += 4;                                                                      \
        NEXT();                                                                       \
    }
/* A lane of width w is bytes lane*w.. of the v128's memory-order bytes. */
#define OP_VLDLANE(c, N, t, L, al)                                                    \
    CASE(N) {                                                                         \
        uint64_t ea = (uint64_t)(uint32_t)fp[ip[2]] + ip[4];                          \
        uint8_t b_[16];                                                               \
        if (ea + sizeof(VL_T_##L) > mem_size) TRAP(vm_trap_oob_memory);               \
        memcpy(b_, fp + ip[3], 16);                                                   \
        memcpy(b_ + ip[5] * sizeof(VL_T_##L), mem + ea, sizeof(VL_T_##L));            \
        memcpy(fp + ip[1], b_, 16);                                                   \
        ip += 6;                                                                      \
        NEXT();                                                                       \
    }
#define OP_VSTLANE(c, N, t, L, al)                                                    \
    CASE(N) {                                                                         \
        uint64_t ea = (uint64_t)(uint32_t)fp[ip[1]] + ip[3];                          \
        if (ea + sizeof(VL_T_##L) > mem_size) TRAP(vm_trap_oob_memory);               \
        memcpy(mem + ea, (const uint8_t *)(fp + ip[2]) + ip[4] * sizeof(VL_T_##L),    \
               sizeof(VL_T_##L));                                                     \
        ip += 5;                                                                      \
        NEXT();                                                                       \
    }
#include "opcodes.def"
    CASE(V128_CONST_) { memcpy(fp + ip[1], ip + 2, 16); ip += 6; NEXT(); }
    CASE(I8X16_SHUFFLE_) {
        uint8_t ab[32], m[16], r[16];
        memcpy(ab, fp + ip[2], 16);
        memcpy(ab + 16, fp + ip[3], 16);
        memcpy(m, ip + 4, 16);
        for (unsigned i = 0; i < 16; i++) r[i] = ab[m[i]]; /* below 32: checked when lowered */
        memcpy(fp + ip[1], r, 16);
        ip += 8;
        NEXT();
    }
    CASE(COPY128) {
        vm_slot lo = fp[ip[2]], hi = fp[ip[2] + 1];
        fp[ip[1]] = lo;
        fp[ip[1] + 1] = hi;
        ip += 3;
        NEXT();
    }
    CASE(SELECT128_) {
        const vm_slot *v = fp + ((uint32_t)fp[ip[2]] ? ip[3] : ip[4]);
        vm_slot lo = v[0], hi = v[1];
        fp[ip[1]] = lo;
        fp[ip[1] + 1] = hi;
        ip += 5;
        NEXT();
    }
    CASE(GLOBAL_GET128_) {
        const vm_global *g = inst->globals[ip[2]];
        fp[ip[1]] = g->val;
        fp[ip[1] + 1] = g->val_hi;
        ip += 3;
        NEXT();
    }
    CASE(GLOBAL_SET128_) {
        vm_global *g = inst->globals[ip[2]];
        g->val = fp[ip[1]];
        g->val_hi = fp[ip[1] + 1];
        ip += 3;
        NEXT();
    }

    /* ---- moves and constants ---------------------------------------------------- */
    CASE(COPY) { fp[ip[1]] = fp[ip[2]]; ip += 3; NEXT(); }
    CASE(CONST32) { fp[ip[1]] = ip[2]; ip += 3; NEXT(); }
    CASE(CONST64) { fp[ip[1]] = IMM64(ip + 2); ip += 4; NEXT(); }
    CASE(SELECT_) { fp[ip[1]] = (uint32_t)fp[ip[2]] ? fp[ip[3]] : fp[ip[4]]; ip += 5; NEXT(); }

    /* ---- branches --------------------------------------------------------------- */
    CASE(BR) { JUMP(REL(1)); NEXT(); }
    CASE(BR_NZ) { if ((uint32_t)fp[ip[1]]) JUMP(REL(2)); else ip += 3; NEXT(); }
    CASE(BR_Z) { if ((uint32_t)fp[ip[1]]) ip += 3; else JUMP(REL(2)); NEXT(); }
    /* With fuel: both ways lead to a FUEL, skipped here and charged below. */
    CASE(BR_F) { JUMP(REL(1)); ip += 3; goto charge_continuation; }
    CASE(BR_NZ_F) {
        if ((uint32_t)fp[ip[1]]) JUMP(REL(2)); else ip += 3;
        ip += 3;
        goto charge_continuation;
    }
    CASE(BR_Z_F) {
        if ((uint32_t)fp[ip[1]]) ip += 3; else JUMP(REL(2));
        ip += 3;
        goto charge_continuation;
    }
    CASE(BR_TABLE_) {
        uint32_t i = (uint32_t)fp[ip[1]], n = ip[2];
        JUMP(REL(3 + (i < n ? i : n)));
        NEXT();
    }
    CASE(TRAP) { TRAP(vm_trap_unreachable); }
    CASE(FUEL_OUT) { TRAP(vm_trap_fuel); }
    CASE(FUEL) {
        if (fuel < ip[1]) {
            seg_cost = ip[1];
            seg_len = ip[2];
            ip += 3;
            goto fuel_short;
        }
        fuel -= ip[1];
        ip += 3;
        NEXT();
    }

    /* ---- calls ---------------------------------------------------------------- */
    CASE(CALL_) {
        callee = inst->funcs[ip[1]];
        nfp = fp + ip[2];
        ret = ip + 5;
        goto do_call;
    }
    CASE(CALL_INDIRECT_) {
        vm_table *t = inst->tables[ip[2]];
        uint32_t i = (uint32_t)fp[ip[4]];
        if (i >= t->size) TRAP(vm_trap_undefined_elem);
        callee = t->elems[i];
        if (!callee) TRAP(vm_trap_uninit_elem);
        const vm_functype *want = &inst->mod->types[ip[1]];
        if (callee->type != want && !vm_functype_eq(callee->type, want))
            TRAP(vm_trap_indirect_type);
        nfp = fp + ip[3];
        ret = ip + 7;
        goto do_call;
    }
    CASE(RET) {
        vm_frame *fr = fsp++;
        if (!fr->ret_ip) goto done;
        ip = fr->ret_ip;
        fp = fr->fp;
        if (fr->inst != inst) { /* memory.grow in this run already updated mem */
            inst = fr->inst;
            LOAD_MEM();
        }
        goto charge_continuation;
    }

    /* ---- globals, memory, tables, references ----------------------------------- */
    CASE(GLOBAL_GET_) { fp[ip[1]] = inst->globals[ip[2]]->val; ip += 3; NEXT(); }
    CASE(GLOBAL_SET_) { inst->globals[ip[2]]->val = fp[ip[1]]; ip += 3; NEXT(); }
    CASE(MEMORY_SIZE_) { fp[ip[1]] = (uint32_t)(mem_size / VM_PAGE_SIZE); ip += 2; NEXT(); }
    CASE(MEMORY_GROW_) {
        uint32_t old;
        const char *e = vm_memory_grow(s, inst->mem, (uint32_t)fp[ip[2]], &old);
        fp[ip[1]] = e ? 0xFFFFFFFFu : old;
        LOAD_MEM();
        ip += 3;
        NEXT();
    }
    CASE(MEMORY_FILL_) {
        uint64_t d = (uint32_t)fp[ip[1]], n = (uint32_t)fp[ip[3]];
        if (d + n > mem_size) TRAP(vm_trap_oob_memory);
        PAY_BULK(n, VM_FUEL_BULK_BYTES);
        if (n && !bulk_bytes(s, fuel, mem + d, 0, false, (int)(uint8_t)fp[ip[2]], n))
            TRAP(vm_trap_interrupt);
        ip += 4;
        NEXT();
    }
    CASE(MEMORY_COPY_) {
        uint64_t d = (uint32_t)fp[ip[1]], src = (uint32_t)fp[ip[2]], n = (uint32_t)fp[ip[3]];
        if (d + n > mem_size || src + n > mem_size) TRAP(vm_trap_oob_memory);
        PAY_BULK(n, VM_FUEL_BULK_BYTES);
        if (n && !bulk_bytes(s, fuel, mem + d, mem + src, d > src, 0, n)) TRAP(vm_trap_interrupt);
        ip += 4;
        NEXT();
    }
    CASE(MEMORY_INIT_) {
        uint64_t d = (uint32_t)fp[ip[2]], src = (uint32_t)fp[ip[3]], n = (uint32_t)fp[ip[4]];
        const vm_data *seg = &inst->mod->datas[ip[1]];
        if (src + n > inst->data_len[ip[1]] || d + n > mem_size) TRAP(vm_trap_oob_memory);
        PAY_BULK(n, VM_FUEL_BULK_BYTES);
        if (n && !bulk_bytes(s, fuel, mem + d, seg->bytes + src, false, 0, n)) TRAP(vm_trap_interrupt);
        ip += 5;
        NEXT();
    }
    CASE(DATA_DROP_) { inst->data_len[ip[1]] = 0; ip += 2; NEXT(); }
    CASE(TABLE_GET_) {
        vm_table *t = inst->tables[ip[2]];
        uint32_t i = (uint32_t)fp[ip[3]];
        if (i >= t->size) TRAP(vm_trap_oob_table);
        fp[ip[1]] = (uintptr_t)t->elems[i];
        ip += 4;
        NEXT();
    }
    CASE(TABLE_SET_) {
        vm_table *t = inst->tables[ip[1]];
        uint32_t i = (uint32_t)fp[ip[2]];
        if (i >= t->size) TRAP(vm_trap_oob_table);
        t->elems[i] = (void *)(uintptr_t)fp[ip[3]];
        ip += 4;
        NEXT();
    }
    CASE(TABLE_SIZE_) { fp[ip[1]] = inst->tables[ip[2]]->size; ip += 3; NEXT(); }
    CASE(TABLE_GROW_) {
        uint32_t old;
        const char *e = vm_table_grow(s, inst->tables[ip[2]], (uint32_t)fp[ip[4]],
                                      (void *)(uintptr_t)fp[ip[3]], &old);
        fp[ip[1]] = e ? 0xFFFFFFFFu : old;
        ip += 5;
        NEXT();
    }
    CASE(TABLE_FILL_) {
        vm_table *t = inst->tables[ip[1]];
        uint64_t i = (uint32_t)fp[ip[2]], n = (uint32_t)fp[ip[4]];
        void *v = (void *)(uintptr_t)fp[ip[3]];
        if (i + n > t->size) TRAP(vm_trap_oob_table);
        PAY_BULK(n, VM_FUEL_BULK_ELEMS);
        if (n && !bulk_fill_elems(s, fuel, t->elems + i, v, n)) TRAP(vm_trap_interrupt);
        ip += 5;
        NEXT();
    }
    CASE(TABLE_COPY_) {
        vm_table *dt = inst->tables[ip[1]], *st = inst->tables[ip[2]];
        uint64_t d = (uint32_t)fp[ip[3]], src = (uint32_t)fp[ip[4]], n = (uint32_t)fp[ip[5]];
        if (d + n > dt->size || src + n > st->size) TRAP(vm_trap_oob_table);
        PAY_BULK(n, VM_FUEL_BULK_ELEMS);
        if (n && !bulk_bytes(s, fuel, (uint8_t *)(dt->elems + d), (const uint8_t *)(st->elems + src),
                             dt == st && d > src, 0, n * sizeof(void *)))
            TRAP(vm_trap_interrupt);
        ip += 6;
        NEXT();
    }
    CASE(TABLE_INIT_) {
        vm_table *t = inst->tables[ip[1]];
        uint32_t seg = ip[2];
        uint64_t d = (uint32_t)fp[ip[3]], src = (uint32_t)fp[ip[4]], n = (uint32_t)fp[ip[5]];
        if (src + n > inst->elem_len[seg] || d + n > t->size) TRAP(vm_trap_oob_table);
        PAY_BULK(n, VM_FUEL_BULK_ELEMS);
        if (n && !bulk_bytes(s, fuel, (uint8_t *)(t->elems + d),
                             (const uint8_t *)(inst->elem_items[seg] + src), false, 0,
                             n * sizeof(void *)))
            TRAP(vm_trap_interrupt);
        ip += 6;
        NEXT();
    }
    CASE(ELEM_DROP_) { inst->elem_len[ip[1]] = 0; ip += 2; NEXT(); }
    CASE(REF_IS_NULL_) { fp[ip[1]] = fp[ip[2]] == 0; ip += 3; NEXT(); }
    CASE(REF_FUNC_) { fp[ip[1]] = (uintptr_t)inst->funcs[ip[2]]; ip += 3; NEXT(); }

#ifdef VM_DISPATCH_SWITCH
    default: TRAP("invalid internal opcode");
    }
#endif

do_call:
    /* callee, nfp (its frame: args in place) and ret (NULL from the host). */
    if (INTERRUPTED() && take_interrupt(s, fuel)) TRAP(vm_trap_interrupt);
    if (!callee->def) {
        const vm_functype *t = callee->type;
        uint64_t res[2 * VM_MAX_HOST_VALUES]; /* a v128 takes two */
        corral_caller cl = {s, inst};
        vm_slot *saved_top = s->stack_top;
        s->stack_top = nfp + (t->param_slots > t->result_slots ? t->param_slots : t->result_slots);
        s->fuel = fuel;
        atomic_store_explicit(&s->fuel_seen, fuel, memory_order_relaxed);
        s->fsp = fsp;
        err = callee->host(&cl, callee->env, nfp, res);
        fuel = s->fuel;
        s->stack_top = saved_top;
        if (err) {
            s->trace.nested = true; /* its wasm's trap, if any, goes on below */
            goto trap;
        }
        memcpy(nfp, res, t->result_slots * sizeof(vm_slot));
        if (!ret) goto done_host;
        if (inst) LOAD_MEM();
        ip = ret;
        goto charge_continuation;
    }
    {
        /* The frame's slots and one more vm_frame must fit between the
         * value stack and the frames (the wasm stack limit). */
        if ((uint8_t *)(fsp - 1) < (uint8_t *)(nfp + callee->nslots)) TRAP(vm_trap_stack);
        *--fsp = (vm_frame){ret, fp, inst};
        /* Zeroing the locals is paid for with the first segment (compile.c). */
        if (callee->nlocals) memset(nfp + callee->nparams, 0, callee->nlocals * sizeof(vm_slot));
        fp = nfp;
        ip = callee->code;
        if (callee->inst != inst || !ret) {
            inst = callee->inst;
            LOAD_MEM();
        }
        if (callee->entry_fuel) { /* charge the first segment here, skip its FUEL */
            ip += 3;
            goto charge_continuation;
        }
        NEXT();
    }

charge_continuation:
    /* Back after a call, or past a FUEL after a branch: the segment at ip is
     * charged now; the two units before ip are its cost and length (the
     * call's last operands, or the FUEL's). */
    if (fuel < ip[-2]) {
        seg_cost = ip[-2];
        seg_len = ip[-1];
        goto fuel_short;
    }
    fuel -= ip[-2];
    NEXT();

fuel_short: {
    /* The segment at ip costs more than is left: run a copy of it up to
     * the first observable instruction that cannot be paid for, then trap. */
    (void)seg_cost;
    short_def = vm_func_at(inst->mod, ip);
    short_at = ip;
    short_left = fuel;
    const uint32_t *stop = fuel_stop(short_def, ip, seg_len, fuel);
    size_t n = (size_t)(stop - ip);
    if (s->meter_cap < n + 1) {
        uint32_t *buf = vm_realloc(&s->alloc, s->meter_buf, (n + 1) * sizeof *buf);
        if (!buf) TRAP(vm_err_nomem);
        s->meter_buf = buf;
        s->meter_cap = n + 1;
    }
    memcpy(s->meter_buf, ip, n * sizeof *ip);
    s->meter_buf[n] = THREADED(VM_OP_FUEL_OUT);
    fuel = 0;
    ip = s->meter_buf;
    NEXT();
}

trap:
    if (inst && inst->mod->fuel && ip && err != vm_trap_fuel)
        fuel = fuel_after_trap(inst, ip, fuel, short_def, short_at, s->meter_buf, short_left);
    vm_trace_trap(s, inst, ip, short_def, short_at, fsp, entry_fsp, err);
    s->fsp = entry_fsp;
    s->fuel = fuel;
    atomic_store_explicit(&s->fuel_seen, fuel, memory_order_relaxed);
    return err;
done:
done_host:
    s->fsp = fsp;
    s->fuel = fuel;
    atomic_store_explicit(&s->fuel_seen, fuel, memory_order_relaxed);
    return 0;
}

const char *vm_run(corral_store *s, corral_func *f, vm_slot *args) { return run(s, f, args, 0); }

const int32_t *vm_handler_offsets(void) {
    const int32_t *t = 0;
    run(0, 0, 0, &t);
    return t;
}

uint32_t vm_fuel_unit(void) {
    const int32_t *t = vm_handler_offsets();
    return t ? (uint32_t)t[VM_OP_FUEL] : VM_OP_FUEL;
}

void vm_thread(uint32_t *code, uint32_t len) {
    const int32_t *t = vm_handler_offsets();
    if (!t) return;
    for (uint32_t at = 0; at < len;) {
        uint32_t n = vm_instr_len(code + at);
        code[at] = (uint32_t)t[code[at]];
        at += n;
    }
}
