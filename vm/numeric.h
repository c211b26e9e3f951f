/*
 * numeric.h - the numeric instructions that C operators do not give
 * directly (spec 4.3: integer and floating-point operations).
 *
 * Floats travel as bits; these helpers are the only place that reads the
 * sign bit or builds a NaN, so the IEEE rules live here and nowhere else.
 */
#ifndef VM_NUMERIC_H
#define VM_NUMERIC_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "vm.h"

static inline uint32_t vm_f32_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static inline uint64_t vm_f64_bits(double f) { uint64_t u; memcpy(&u, &f, 8); return u; }
static inline float vm_f32_from(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static inline double vm_f64_from(uint64_t u) { double f; memcpy(&f, &u, 8); return f; }

/* ---- integer bit counts and rotations ---------------------------------- */
static inline uint32_t vm_clz32(uint32_t a) { return a ? (uint32_t)__builtin_clz(a) : 32; }
static inline uint32_t vm_ctz32(uint32_t a) { return a ? (uint32_t)__builtin_ctz(a) : 32; }
static inline uint32_t vm_popcnt32(uint32_t a) { return (uint32_t)__builtin_popcount(a); }
static inline uint64_t vm_clz64(uint64_t a) { return a ? (uint64_t)__builtin_clzll(a) : 64; }
static inline uint64_t vm_ctz64(uint64_t a) { return a ? (uint64_t)__builtin_ctzll(a) : 64; }
static inline uint64_t vm_popcnt64(uint64_t a) { return (uint64_t)__builtin_popcountll(a); }
static inline uint32_t vm_rotl32(uint32_t a, uint32_t b) { b &= 31; return (a << b) | (a >> ((32 - b) & 31)); }
static inline uint32_t vm_rotr32(uint32_t a, uint32_t b) { b &= 31; return (a >> b) | (a << ((32 - b) & 31)); }
static inline uint64_t vm_rotl64(uint64_t a, uint64_t b) { b &= 63; return (a << b) | (a >> ((64 - b) & 63)); }
static inline uint64_t vm_rotr64(uint64_t a, uint64_t b) { b &= 63; return (a >> b) | (a << ((64 - b) & 63)); }

/* ---- trapping division (spec 4.3.2: idiv, irem) -------------------------- */
static inline const char *vm_i32_div_s(uint32_t a, uint32_t b, uint32_t *r) {
    if (b == 0) return vm_trap_div_zero;
    if (a == 0x80000000u && b == 0xFFFFFFFFu) return vm_trap_int_overflow;
    *r = (uint32_t)((int32_t)a / (int32_t)b);
    return 0;
}
static inline const char *vm_i32_div_u(uint32_t a, uint32_t b, uint32_t *r) {
    if (b == 0) return vm_trap_div_zero;
    *r = a / b;
    return 0;
}
static inline const char *vm_i32_rem_s(uint32_t a, uint32_t b, uint32_t *r) {
    if (b == 0) return vm_trap_div_zero;
    /* INT_MIN % -1 is undefined in C but 0 in wasm. */
    *r = b == 0xFFFFFFFFu ? 0 : (uint32_t)((int32_t)a % (int32_t)b);
    return 0;
}
static inline const char *vm_i32_rem_u(uint32_t a, uint32_t b, uint32_t *r) {
    if (b == 0) return vm_trap_div_zero;
    *r = a % b;
    return 0;
}
static inline const char *vm_i64_div_s(uint64_t a, uint64_t b, uint64_t *r) {
    if (b == 0) return vm_trap_div_zero;
    if (a == 0x8000000000000000u && b == UINT64_MAX) return vm_trap_int_overflow;
    *r = (uint64_t)((int64_t)a / (int64_t)b);
    return 0;
}
static inline const char *vm_i64_div_u(uint64_t a, uint64_t b, uint64_t *r) {
    if (b == 0) return vm_trap_div_zero;
    *r = a / b;
    return 0;
}
static inline const char *vm_i64_rem_s(uint64_t a, uint64_t b, uint64_t *r) {
    if (b == 0) return vm_trap_div_zero;
    *r = b == UINT64_MAX ? 0 : (uint64_t)((int64_t)a % (int64_t)b);
    return 0;
}
static inline const char *vm_i64_rem_u(uint64_t a, uint64_t b, uint64_t *r) {
    if (b == 0) return vm_trap_div_zero;
    *r = a % b;
    return 0;
}

/* ---- sign-bit operations: pure bit manipulation, NaN payloads kept ------- */
static inline float vm_f32_abs(float a) { return vm_f32_from(vm_f32_bits(a) & 0x7FFFFFFFu); }
static inline float vm_f32_neg(float a) { return vm_f32_from(vm_f32_bits(a) ^ 0x80000000u); }
static inline float vm_f32_copysign(float a, float b) {
    return vm_f32_from((vm_f32_bits(a) & 0x7FFFFFFFu) | (vm_f32_bits(b) & 0x80000000u));
}
static inline double vm_f64_abs(double a) { return vm_f64_from(vm_f64_bits(a) & 0x7FFFFFFFFFFFFFFFu); }
static inline double vm_f64_neg(double a) { return vm_f64_from(vm_f64_bits(a) ^ 0x8000000000000000u); }
static inline double vm_f64_copysign(double a, double b) {
    return vm_f64_from((vm_f64_bits(a) & 0x7FFFFFFFFFFFFFFFu) | (vm_f64_bits(b) & 0x8000000000000000u));
}

/* ---- rounding: libm may hand a signalling NaN back unchanged, but the
 * spec wants an arithmetic (quiet) NaN out of every float operation. */
static inline float vm_f32_round(float a, float r) { return a != a ? a + a : r; }
static inline double vm_f64_round(double a, double r) { return a != a ? a + a : r; }

/* nearest (round half to even), without libm's nearbyint: below 2^23
 * (2^52) adding and taking away 2^23 (2^52) rounds the fraction away
 * under the default rounding mode, which the engine never changes; the
 * sign is put back so that -0.5 gives -0.  Larger values, infinities and
 * NaNs are integral already (a NaN is quieted by vm_*_round). */
static inline float vm_f32_nearest(float a) {
    float m = vm_f32_abs(a);
    if (!(m < 0x1p23f)) return vm_f32_round(a, a);
    volatile float t = m + 0x1p23f; /* volatile: the sum must be rounded to float */
    return vm_f32_copysign(t - 0x1p23f, a);
}
static inline double vm_f64_nearest(double a) {
    double m = vm_f64_abs(a);
    if (!(m < 0x1p52)) return vm_f64_round(a, a);
    volatile double t = m + 0x1p52;
    return vm_f64_copysign(t - 0x1p52, a);
}

/* ---- min/max (spec 4.3.3 fmin/fmax): NaN wins, and -0 < +0 ---------------- */
static inline float vm_f32_min(float a, float b) {
    if (a != a || b != b) return a + b; /* a NaN operand gives a NaN */
    if (a == b) return vm_f32_from(vm_f32_bits(a) | vm_f32_bits(b)); /* -0 wins */
    return a < b ? a : b;
}
static inline float vm_f32_max(float a, float b) {
    if (a != a || b != b) return a + b;
    if (a == b) return vm_f32_from(vm_f32_bits(a) & vm_f32_bits(b)); /* +0 wins */
    return a > b ? a : b;
}
static inline double vm_f64_min(double a, double b) {
    if (a != a || b != b) return a + b;
    if (a == b) return vm_f64_from(vm_f64_bits(a) | vm_f64_bits(b));
    return a < b ? a : b;
}
static inline double vm_f64_max(double a, double b) {
    if (a != a || b != b) return a + b;
    if (a == b) return vm_f64_from(vm_f64_bits(a) & vm_f64_bits(b));
    return a > b ? a : b;
}

/* ---- float to int (spec 4.3.3 trunc / trunc_sat) ---------------------------
 * The bounds are exact powers of two, so the comparisons are exact: a value
 * is in range when  lo < trunc(x) < hi  with lo, hi the first values
 * outside the target range. */
#define VM_TRUNC(NAME, FT, IT, UT, LO, HI)                                        \
    static inline const char *NAME(FT a, UT *r) {                                 \
        if (a != a) return vm_trap_bad_conversion;                                \
        if (!(a > (FT)(LO) && a < (FT)(HI))) return vm_trap_int_overflow;         \
        *r = (UT)(IT)a;                                                           \
        return 0;                                                                 \
    }
VM_TRUNC(vm_i32_trunc_f32_s, float, int32_t, uint32_t, -2147483904.0, 2147483648.0)
VM_TRUNC(vm_i32_trunc_f32_u, float, uint32_t, uint32_t, -1.0, 4294967296.0)
VM_TRUNC(vm_i32_trunc_f64_s, double, int32_t, uint32_t, -2147483649.0, 2147483648.0)
VM_TRUNC(vm_i32_trunc_f64_u, double, uint32_t, uint32_t, -1.0, 4294967296.0)
VM_TRUNC(vm_i64_trunc_f32_s, float, int64_t, uint64_t, -9223373136366403584.0, 9223372036854775808.0)
VM_TRUNC(vm_i64_trunc_f32_u, float, uint64_t, uint64_t, -1.0, 18446744073709551616.0)
VM_TRUNC(vm_i64_trunc_f64_s, double, int64_t, uint64_t, -9223372036854777856.0, 9223372036854775808.0)
VM_TRUNC(vm_i64_trunc_f64_u, double, uint64_t, uint64_t, -1.0, 18446744073709551616.0)
#undef VM_TRUNC

#define VM_TRUNC_SAT(NAME, FT, IT, UT, LO, HI, MIN, MAX)                          \
    static inline UT NAME(FT a) {                                                 \
        if (a != a) return 0;                                                     \
        if (!(a > (FT)(LO))) return (UT)(MIN);                                    \
        if (!(a < (FT)(HI))) return (UT)(MAX);                                    \
        return (UT)(IT)a;                                                         \
    }
VM_TRUNC_SAT(vm_i32_trunc_sat_f32_s, float, int32_t, uint32_t, -2147483904.0, 2147483648.0, INT32_MIN, INT32_MAX)
VM_TRUNC_SAT(vm_i32_trunc_sat_f32_u, float, uint32_t, uint32_t, -1.0, 4294967296.0, 0, UINT32_MAX)
VM_TRUNC_SAT(vm_i32_trunc_sat_f64_s, double, int32_t, uint32_t, -2147483649.0, 2147483648.0, INT32_MIN, INT32_MAX)
VM_TRUNC_SAT(vm_i32_trunc_sat_f64_u, double, uint32_t, uint32_t, -1.0, 4294967296.0, 0, UINT32_MAX)
VM_TRUNC_SAT(vm_i64_trunc_sat_f32_s, float, int64_t, uint64_t, -9223373136366403584.0, 9223372036854775808.0, INT64_MIN, INT64_MAX)
VM_TRUNC_SAT(vm_i64_trunc_sat_f32_u, float, uint64_t, uint64_t, -1.0, 18446744073709551616.0, 0, UINT64_MAX)
VM_TRUNC_SAT(vm_i64_trunc_sat_f64_s, double, int64_t, uint64_t, -9223372036854777856.0, 9223372036854775808.0, INT64_MIN, INT64_MAX)
VM_TRUNC_SAT(vm_i64_trunc_sat_f64_u, double, uint64_t, uint64_t, -1.0, 18446744073709551616.0, 0, UINT64_MAX)
#undef VM_TRUNC_SAT

#endif
