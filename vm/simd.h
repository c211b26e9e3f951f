/*
 * simd.h - v128 lanes (spec 4.3.4 vector operations) for interp.c.
 *
 * A v128 lives in two consecutive slots holding its 16 bytes in wasm's
 * memory order (vm.h), so loads, stores and copies are plain 16-byte
 * copies on any host.  Lane-wise code works on arrays of lanes: vm_v_get
 * copies the 16 bytes into an array of w-byte lanes and, on a big-endian
 * host only, byte-swaps each lane; vm_v_put does the reverse.  On a
 * little-endian host both are a memcpy, and the loops over lanes are left
 * to the compiler to vectorise.  Whole-vector operations (those whose
 * lanes change shape: extend, narrow, extmul, dot, ...) are the vm_v_*
 * functions below, named by the OP_VFN and OP_VTEST rows of opcodes.def.
 */
#ifndef VM_SIMD_H
#define VM_SIMD_H

#include <stdint.h>
#include <string.h>

#include "numeric.h"
#include "vm.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define VM_V_BIG_ENDIAN 1
#endif

/* Lane types: the raw lane (an unsigned integer of the lane's width), the
 * lane count, the C type of a lane's value, and raw <-> value. */
#define VL_T_I8 uint8_t
#define VL_T_I16 uint16_t
#define VL_T_I32 uint32_t
#define VL_T_I64 uint64_t
#define VL_T_F32 uint32_t
#define VL_T_F64 uint64_t
#define VL_N_I8 16
#define VL_N_I16 8
#define VL_N_I32 4
#define VL_N_I64 2
#define VL_N_F32 4
#define VL_N_F64 2
#define VL_V_I8 uint8_t
#define VL_V_I16 uint16_t
#define VL_V_I32 uint32_t
#define VL_V_I64 uint64_t
#define VL_V_F32 float
#define VL_V_F64 double
#define VL_GET_I8(x) (x)
#define VL_GET_I16(x) (x)
#define VL_GET_I32(x) (x)
#define VL_GET_I64(x) (x)
#define VL_GET_F32(x) vm_f32_from(x)
#define VL_GET_F64(x) vm_f64_from(x)
#define VL_SET_I8(v) ((uint8_t)(v))
#define VL_SET_I16(v) ((uint16_t)(v))
#define VL_SET_I32(v) ((uint32_t)(v))
#define VL_SET_I64(v) ((uint64_t)(v))
#define VL_SET_F32(v) vm_f32_bits(v)
#define VL_SET_F64(v) vm_f64_bits(v)

/* Byte-swap each w-byte lane of 16 bytes (big-endian hosts only). */
static inline void vm_v_swap(void *lanes, unsigned w) {
#ifdef VM_V_BIG_ENDIAN
    uint8_t *b = lanes;
    for (unsigned i = 0; i < 16; i += w)
        for (unsigned j = 0; j < w / 2; j++) {
            uint8_t t = b[i + j];
            b[i + j] = b[i + w - 1 - j];
            b[i + w - 1 - j] = t;
        }
#else
    (void)lanes;
    (void)w;
#endif
}

/* The v128 at p as an array of w-byte lanes, lane 0 first; and back. */
static inline void vm_v_get(void *lanes, const vm_slot *p, unsigned w) {
    memcpy(lanes, p, 16);
    vm_v_swap(lanes, w);
}
static inline void vm_v_put(vm_slot *p, void *lanes, unsigned w) {
    vm_v_swap(lanes, w);
    memcpy(p, lanes, 16);
}

/* Little-endian integers at p (memory, or a v128's bytes). */
static inline uint16_t vm_le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t vm_le32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t vm_le64(const uint8_t *p) {
    return (uint64_t)vm_le32(p) | (uint64_t)vm_le32(p + 4) << 32;
}


/* ---- helpers for lane expressions ---------------------------------------------
 * Written as clamps and selects over the narrowest type that holds the
 * exact value, which is the form compilers turn into vector instructions. */
static inline uint8_t vm_sat_s8(int16_t v) {
    v = v < -128 ? -128 : v;
    return (uint8_t)(v > 127 ? 127 : v);
}
static inline uint8_t vm_sat_u8(int16_t v) {
    v = v < 0 ? 0 : v;
    return (uint8_t)(v > 255 ? 255 : v);
}
static inline uint16_t vm_sat_s16(int32_t v) {
    v = v < -32768 ? -32768 : v;
    return (uint16_t)(v > 32767 ? 32767 : v);
}
static inline uint16_t vm_sat_u16(int32_t v) {
    v = v < 0 ? 0 : v;
    return (uint16_t)(v > 65535 ? 65535 : v);
}
/* (a * b + 2^14) >> 15, saturated (only -1.0 * -1.0 overflows); >> of a
 * negative value is arithmetic, as everywhere in the engine. */
static inline uint16_t vm_q15mulr(uint16_t a, uint16_t b) {
    return vm_sat_s16(((int32_t)(int16_t)a * (int16_t)b + 0x4000) >> 15);
}
/* f32x4 min/max on the bits, with only integer operations (which
 * vectorise; the branches of vm_f32_min do not; for two f64 lanes, without
 * 64-bit vector compares in baseline x86-64, the branches are faster): flipping the magnitude
 * bits of a negative value gives a key whose signed order is the float
 * order, with -0 below +0 as fmin/fmax want.  A NaN operand gives itself,
 * quieted (spec 4.3.3: canonical stays canonical, arithmetic arithmetic). */
static inline uint32_t vm_v_fkey32(uint32_t x) { return x ^ ((uint32_t)((int32_t)x >> 31) >> 1); }
static inline uint32_t vm_v_fnan32(uint32_t x, uint32_t y, uint32_t r) {
    r = (y & 0x7FFFFFFFu) > 0x7F800000u ? y | 0x00400000u : r;
    return (x & 0x7FFFFFFFu) > 0x7F800000u ? x | 0x00400000u : r;
}
static inline uint32_t vm_v_fmin32(uint32_t x, uint32_t y) {
    return vm_v_fnan32(x, y, (int32_t)vm_v_fkey32(x) < (int32_t)vm_v_fkey32(y) ? x : y);
}
static inline uint32_t vm_v_fmax32(uint32_t x, uint32_t y) {
    return vm_v_fnan32(x, y, (int32_t)vm_v_fkey32(x) > (int32_t)vm_v_fkey32(y) ? x : y);
}

/* popcount of a byte, without a call (__builtin_popcount may be one) */
static inline uint8_t vm_popcnt8(uint8_t a) {
    a = (uint8_t)(a - ((a >> 1) & 0x55));
    a = (uint8_t)((a & 0x33) + ((a >> 2) & 0x33));
    return (uint8_t)((a + (a >> 4)) & 0x0F);
}

/* ---- loads: bytes at p (already bounds-checked) into the v128 at r ----------- */
static inline void vm_v_load(const uint8_t *p, vm_slot *r) { memcpy(r, p, 16); }

#define VM_V_LOAD_EXT(NAME, WI, TO, CAST, LD)                                      \
    static inline void NAME(const uint8_t *p, vm_slot *r) {                         \
        TO l[16 / sizeof(TO)];                                                      \
        for (unsigned i = 0; i < 16 / sizeof(TO); i++) l[i] = (TO)(CAST)LD(p + WI * i); \
        vm_v_put(r, l, sizeof(TO));                                                 \
    }
static inline uint8_t vm_le8(const uint8_t *p) { return p[0]; }
VM_V_LOAD_EXT(vm_v_load8x8_s, 1, uint16_t, int8_t, vm_le8)
VM_V_LOAD_EXT(vm_v_load8x8_u, 1, uint16_t, uint8_t, vm_le8)
VM_V_LOAD_EXT(vm_v_load16x4_s, 2, uint32_t, int16_t, vm_le16)
VM_V_LOAD_EXT(vm_v_load16x4_u, 2, uint32_t, uint16_t, vm_le16)
VM_V_LOAD_EXT(vm_v_load32x2_s, 4, uint64_t, int32_t, vm_le32)
VM_V_LOAD_EXT(vm_v_load32x2_u, 4, uint64_t, uint32_t, vm_le32)
#undef VM_V_LOAD_EXT

/* splat: one value into every lane; zero: into lane 0, the others 0 */
#define VM_V_LOAD_SPLAT(NAME, ZNAME, T, LD)                                        \
    static inline void NAME(const uint8_t *p, vm_slot *r) {                         \
        T l[16 / sizeof(T)], v = LD(p);                                             \
        for (unsigned i = 0; i < 16 / sizeof(T); i++) l[i] = v;                     \
        vm_v_put(r, l, sizeof(T));                                                  \
    }                                                                               \
    static inline void ZNAME(const uint8_t *p, vm_slot *r) {                        \
        T l[16 / sizeof(T)] = {LD(p)};                                              \
        vm_v_put(r, l, sizeof(T));                                                  \
    }
VM_V_LOAD_SPLAT(vm_v_load8_splat, vm_v_load8_zero, uint8_t, vm_le8)
VM_V_LOAD_SPLAT(vm_v_load16_splat, vm_v_load16_zero, uint16_t, vm_le16)
VM_V_LOAD_SPLAT(vm_v_load32_splat, vm_v_load32_zero, uint32_t, vm_le32)
VM_V_LOAD_SPLAT(vm_v_load64_splat, vm_v_load64_zero, uint64_t, vm_le64)
#undef VM_V_LOAD_SPLAT

/* ---- whole-vector operations (r may be one of the operands) ------------------ */

static inline void vm_v_swizzle(vm_slot *r, const vm_slot *a, const vm_slot *s) {
    uint8_t x[16], i[16], y[16];
    memcpy(x, a, 16);
    memcpy(i, s, 16);
    for (unsigned k = 0; k < 16; k++) y[k] = i[k] < 16 ? x[i[k]] : 0;
    memcpy(r, y, 16);
}

static inline void vm_v_bitselect(vm_slot *r, const vm_slot *a, const vm_slot *b, const vm_slot *c) {
    /* bitwise: no lanes, so no byte order */
    vm_slot lo = (a[0] & c[0]) | (b[0] & ~c[0]), hi = (a[1] & c[1]) | (b[1] & ~c[1]);
    r[0] = lo;
    r[1] = hi;
}

static inline uint32_t vm_v_any_true(const vm_slot *a) { return (a[0] | a[1]) != 0; }

/* i8x16 all_true and bitmask on the two 8-byte halves at once (lane k is
 * byte k % 8 of half k / 8, read little-endian): a half has a zero byte iff
 * (h - 0x01..01) & ~h & 0x80..80 is not 0; the top bits, moved to the low
 * bit of each byte, are gathered into the top byte by one multiplication
 * (byte k lands on bit 56 + k, with no carries between the terms). */
static inline uint32_t vm_v_all_true8(const vm_slot *a) {
    uint8_t b[16];
    memcpy(b, a, 16);
    uint64_t lo = vm_le64(b), hi = vm_le64(b + 8), ones = 0x0101010101010101u;
    return (((lo - ones) & ~lo) | ((hi - ones) & ~hi)) & (ones << 7) ? 0 : 1;
}
static inline uint32_t vm_v_top_bits8(uint64_t h) {
    return (uint32_t)((((h >> 7) & 0x0101010101010101u) * 0x0102040810204080u) >> 56);
}
static inline uint32_t vm_v_bitmask8(const vm_slot *a) {
    uint8_t b[16];
    memcpy(b, a, 16);
    return vm_v_top_bits8(vm_le64(b)) | vm_v_top_bits8(vm_le64(b + 8)) << 8;
}

/* all_true and bitmask over w-byte lanes */
#define VM_V_TESTS(ALL, MASK, T)                                                    \
    static inline uint32_t ALL(const vm_slot *a) {                                  \
        T x[16 / sizeof(T)];                                                        \
        uint32_t all = 1;                                                           \
        vm_v_get(x, a, sizeof(T));                                                  \
        for (unsigned i = 0; i < 16 / sizeof(T); i++) all &= x[i] != 0;             \
        return all;                                                                 \
    }                                                                               \
    static inline uint32_t MASK(const vm_slot *a) {                                 \
        T x[16 / sizeof(T)];                                                        \
        uint32_t m = 0;                                                             \
        vm_v_get(x, a, sizeof(T));                                                  \
        for (unsigned i = 0; i < 16 / sizeof(T); i++)                               \
            m |= (uint32_t)(x[i] >> (8 * sizeof(T) - 1)) << i;                      \
        return m;                                                                   \
    }
VM_V_TESTS(vm_v_all_true16, vm_v_bitmask16, uint16_t)
VM_V_TESTS(vm_v_all_true32, vm_v_bitmask32, uint32_t)
VM_V_TESTS(vm_v_all_true64, vm_v_bitmask64, uint64_t)
#undef VM_V_TESTS

/* narrow: the lanes of a, then of b, each saturated to half its width */
#define VM_V_NARROW(NAME, TI, SI, TO, SAT)                                          \
    static inline void NAME(vm_slot *r, const vm_slot *a, const vm_slot *b) {       \
        enum { n = 16 / sizeof(TI) };                                               \
        TI x[n], z[n];                                                              \
        TO y[2 * n];                                                                \
        vm_v_get(x, a, sizeof(TI));                                                 \
        vm_v_get(z, b, sizeof(TI));                                                 \
        for (unsigned i = 0; i < n; i++) {                                          \
            y[i] = SAT((SI)x[i]);                                                   \
            y[n + i] = SAT((SI)z[i]);                                               \
        }                                                                           \
        vm_v_put(r, y, sizeof(TO));                                                 \
    }
VM_V_NARROW(vm_v_narrow16_s, uint16_t, int16_t, uint8_t, vm_sat_s8)
VM_V_NARROW(vm_v_narrow16_u, uint16_t, int16_t, uint8_t, vm_sat_u8)
VM_V_NARROW(vm_v_narrow32_s, uint32_t, int32_t, uint16_t, vm_sat_s16)
VM_V_NARROW(vm_v_narrow32_u, uint32_t, int32_t, uint16_t, vm_sat_u16)
#undef VM_V_NARROW

/* extend: the low or high half of the lanes (from lane `off`), widened */
#define VM_V_EXTEND(NAME, TI, TO, CAST, OFF)                                        \
    static inline void NAME(vm_slot *r, const vm_slot *a) {                         \
        TI x[16 / sizeof(TI)];                                                      \
        TO y[16 / sizeof(TO)];                                                      \
        vm_v_get(x, a, sizeof(TI));                                                 \
        for (unsigned i = 0; i < 16 / sizeof(TO); i++) y[i] = (TO)(CAST)x[i + OFF];  \
        vm_v_put(r, y, sizeof(TO));                                                 \
    }
VM_V_EXTEND(vm_v_extend_low8_s, uint8_t, uint16_t, int8_t, 0)
VM_V_EXTEND(vm_v_extend_high8_s, uint8_t, uint16_t, int8_t, 8)
VM_V_EXTEND(vm_v_extend_low8_u, uint8_t, uint16_t, uint8_t, 0)
VM_V_EXTEND(vm_v_extend_high8_u, uint8_t, uint16_t, uint8_t, 8)
VM_V_EXTEND(vm_v_extend_low16_s, uint16_t, uint32_t, int16_t, 0)
VM_V_EXTEND(vm_v_extend_high16_s, uint16_t, uint32_t, int16_t, 4)
VM_V_EXTEND(vm_v_extend_low16_u, uint16_t, uint32_t, uint16_t, 0)
VM_V_EXTEND(vm_v_extend_high16_u, uint16_t, uint32_t, uint16_t, 4)
VM_V_EXTEND(vm_v_extend_low32_s, uint32_t, uint64_t, int32_t, 0)
VM_V_EXTEND(vm_v_extend_high32_s, uint32_t, uint64_t, int32_t, 2)
VM_V_EXTEND(vm_v_extend_low32_u, uint32_t, uint64_t, uint32_t, 0)
VM_V_EXTEND(vm_v_extend_high32_u, uint32_t, uint64_t, uint32_t, 2)
#undef VM_V_EXTEND

/* extmul: extend both operands' halves and multiply (WIDE holds the
 * product exactly); extadd_pairwise: add neighbouring lanes, widened */
#define VM_V_EXTMUL(NAME, TI, TO, CAST, WIDE, OFF)                                  \
    static inline void NAME(vm_slot *r, const vm_slot *a, const vm_slot *b) {       \
        TI x[16 / sizeof(TI)], z[16 / sizeof(TI)];                                  \
        TO y[16 / sizeof(TO)];                                                      \
        vm_v_get(x, a, sizeof(TI));                                                 \
        vm_v_get(z, b, sizeof(TI));                                                 \
        for (unsigned i = 0; i < 16 / sizeof(TO); i++)                              \
            y[i] = (TO)((WIDE)(CAST)x[i + OFF] * (WIDE)(CAST)z[i + OFF]);           \
        vm_v_put(r, y, sizeof(TO));                                                 \
    }
VM_V_EXTMUL(vm_v_extmul_low8_s, uint8_t, uint16_t, int8_t, int32_t, 0)
VM_V_EXTMUL(vm_v_extmul_high8_s, uint8_t, uint16_t, int8_t, int32_t, 8)
VM_V_EXTMUL(vm_v_extmul_low8_u, uint8_t, uint16_t, uint8_t, uint32_t, 0)
VM_V_EXTMUL(vm_v_extmul_high8_u, uint8_t, uint16_t, uint8_t, uint32_t, 8)
VM_V_EXTMUL(vm_v_extmul_low16_s, uint16_t, uint32_t, int16_t, int32_t, 0)
VM_V_EXTMUL(vm_v_extmul_high16_s, uint16_t, uint32_t, int16_t, int32_t, 4)
VM_V_EXTMUL(vm_v_extmul_low16_u, uint16_t, uint32_t, uint16_t, uint32_t, 0)
VM_V_EXTMUL(vm_v_extmul_high16_u, uint16_t, uint32_t, uint16_t, uint32_t, 4)
VM_V_EXTMUL(vm_v_extmul_low32_s, uint32_t, uint64_t, int32_t, int64_t, 0)
VM_V_EXTMUL(vm_v_extmul_high32_s, uint32_t, uint64_t, int32_t, int64_t, 2)
VM_V_EXTMUL(vm_v_extmul_low32_u, uint32_t, uint64_t, uint32_t, uint64_t, 0)
VM_V_EXTMUL(vm_v_extmul_high32_u, uint32_t, uint64_t, uint32_t, uint64_t, 2)
#undef VM_V_EXTMUL

#define VM_V_EXTADD(NAME, TI, TO, CAST)                                             \
    static inline void NAME(vm_slot *r, const vm_slot *a) {                         \
        TI x[16 / sizeof(TI)];                                                      \
        TO y[16 / sizeof(TO)];                                                      \
        vm_v_get(x, a, sizeof(TI));                                                 \
        for (unsigned i = 0; i < 16 / sizeof(TO); i++)                              \
            y[i] = (TO)((int32_t)(CAST)x[2 * i] + (int32_t)(CAST)x[2 * i + 1]);     \
        vm_v_put(r, y, sizeof(TO));                                                 \
    }
VM_V_EXTADD(vm_v_extadd8_s, uint8_t, uint16_t, int8_t)
VM_V_EXTADD(vm_v_extadd8_u, uint8_t, uint16_t, uint8_t)
VM_V_EXTADD(vm_v_extadd16_s, uint16_t, uint32_t, int16_t)
VM_V_EXTADD(vm_v_extadd16_u, uint16_t, uint32_t, uint16_t)
#undef VM_V_EXTADD

/* dot: products of neighbouring signed 16-bit lanes, added (modulo 2^32:
 * only -32768^2 * 2 overflows) */
static inline void vm_v_dot16(vm_slot *r, const vm_slot *a, const vm_slot *b) {
    uint16_t x[8], z[8];
    uint32_t y[4];
    vm_v_get(x, a, 2);
    vm_v_get(z, b, 2);
    for (unsigned i = 0; i < 4; i++)
        y[i] = (uint32_t)((int32_t)(int16_t)x[2 * i] * (int16_t)z[2 * i]) +
               (uint32_t)((int32_t)(int16_t)x[2 * i + 1] * (int16_t)z[2 * i + 1]);
    vm_v_put(r, y, 4);
}

/* ---- conversions between two f64 lanes and the low half of four 32-bit ones -- */
static inline void vm_v_demote(vm_slot *r, const vm_slot *a) {
    uint64_t x[2];
    uint32_t y[4] = {0};
    vm_v_get(x, a, 8);
    for (unsigned i = 0; i < 2; i++) y[i] = vm_f32_bits((float)vm_f64_from(x[i]));
    vm_v_put(r, y, 4);
}
static inline void vm_v_promote(vm_slot *r, const vm_slot *a) {
    uint32_t x[4];
    uint64_t y[2];
    vm_v_get(x, a, 4);
    for (unsigned i = 0; i < 2; i++) y[i] = vm_f64_bits((double)vm_f32_from(x[i]));
    vm_v_put(r, y, 8);
}
static inline void vm_v_trunc_sat_f64_s(vm_slot *r, const vm_slot *a) {
    uint64_t x[2];
    uint32_t y[4] = {0};
    vm_v_get(x, a, 8);
    for (unsigned i = 0; i < 2; i++) y[i] = vm_i32_trunc_sat_f64_s(vm_f64_from(x[i]));
    vm_v_put(r, y, 4);
}
static inline void vm_v_trunc_sat_f64_u(vm_slot *r, const vm_slot *a) {
    uint64_t x[2];
    uint32_t y[4] = {0};
    vm_v_get(x, a, 8);
    for (unsigned i = 0; i < 2; i++) y[i] = vm_i32_trunc_sat_f64_u(vm_f64_from(x[i]));
    vm_v_put(r, y, 4);
}
static inline void vm_v_convert_low_s(vm_slot *r, const vm_slot *a) {
    uint32_t x[4];
    uint64_t y[2];
    vm_v_get(x, a, 4);
    for (unsigned i = 0; i < 2; i++) y[i] = vm_f64_bits((double)(int32_t)x[i]);
    vm_v_put(r, y, 8);
}
static inline void vm_v_convert_low_u(vm_slot *r, const vm_slot *a) {
    uint32_t x[4];
    uint64_t y[2];
    vm_v_get(x, a, 4);
    for (unsigned i = 0; i < 2; i++) y[i] = vm_f64_bits((double)x[i]);
    vm_v_put(r, y, 8);
}

#endif
