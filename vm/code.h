/*
 * code.h - the internal code that compile.c produces and interp.c runs.
 *
 * A function's code is an array of 32-bit units.  An instruction is an
 * opcode unit followed by its operands:
 *
 *     +--------+--------+--------+--------+
 *     | opcode |  dst   |   a    |   b    |      e.g. I32_ADD
 *     +--------+--------+--------+--------+
 *     | opcode |  dst   |   a    | imm32  |      I32_ADD_IMM
 *     +--------+--------+--------+--------+--------+
 *     | opcode |  dst   |   a    | imm lo | imm hi |   I64_ADD_IMM
 *     +--------+--------+--------+--------+--------+
 *     | opcode |   a    |   b    |  rel   |      I32_LT_S_BR (br_if fused)
 *     +--------+--------+--------+--------+
 *
 * dst, a, b are frame slots: indices of 64-bit cells from the frame base
 * fp.  The frame is laid out as
 *
 *     fp[0 .. nparams)                 parameters (results on return)
 *     fp[nparams .. nlocals)           declared locals, zeroed on entry
 *     fp[nlocals .. nslots)            the operand stack, one slot per height
 *
 * Because the operand-stack height is static at every point of a valid
 * function, every operand has a fixed slot: nothing is pushed or popped at
 * run time.  A call's arguments sit at the top of the caller's stack, and
 * the callee's frame starts right there, so arguments are never copied.
 *
 * rel is a signed offset in units from the start of the branch instruction.
 * Every backward jump is a loop back-edge, and checks the interrupt flag.
 * imm are raw bits (floats included).  Memory instructions carry the static
 * offset as one unit: LOAD dst addr offset, STORE addr value offset.
 *
 * A v128 operand takes two consecutive slots, and is named by the first;
 * the lowering counts it as two in the static stack layout, so the slot
 * of stack index i is the sum of the widths below it.  Scalar code is laid
 * out exactly as without SIMD.  The SIMD families of opcodes.def are
 * "dst a [b [c]]" like the others (OP_VBIN and OP_VCMP also have NAME_IMM,
 * b a v128 constant: four units, its bytes as they are; OP_VSHIFT has
 * NAME_IMM dst a count), with a lane index (one unit) after the
 * operands (EXTRACT, REPLACE) or after the memory offset (lane loads and
 * stores: LDLANE dst addr vec offset lane, STLANE addr vec offset lane).
 *
 * Fuel (only in modules compiled with fuel): FUEL cost end charges a whole
 * straight-line segment at its start; "end" is its length in units from
 * its first instruction (the one after FUEL).  The segment after a call has
 * the call as its header instead: the call's last two operands are the
 * continuation's cost and end, and the return charges it, so a call costs
 * no extra dispatch.  Likewise every label (loop header, block end, else,
 * the way on after a conditional branch) starts with a FUEL, and the
 * branch forms with fuel (BR_F, cmp_BR_F, ...) jump past it and charge its
 * segment themselves; only falling into a label runs a FUEL instruction.  If the charge fails, the
 * interpreter runs the segment up to the first observable instruction whose
 * cumulative cost exceeds what is left (vm_funcdef.meter), and traps there,
 * so every effect before the exhausting instruction happens, and none after.
 */
#ifndef VM_CODE_H
#define VM_CODE_H

#include <stdint.h>

/* Instructions with no wasm counterpart.  X(NAME, operand units) - a
 * negative count means variable length. */
#define VM_INTERNAL_OPS(X)                                                   \
    X(COPY, 2)          /* dst src */                                        \
    X(CONST32, 2)       /* dst imm */                                        \
    X(CONST64, 3)       /* dst lo hi */                                      \
    X(BR, 1)            /* rel */                                            \
    X(BR_NZ, 2)         /* cond rel: br_if */                                \
    X(BR_Z, 2)          /* cond rel: branch when cond == 0 */                \
    X(BR_F, 1)          /* the same three with fuel: both ways lead to a */  \
    X(BR_NZ_F, 2)       /* FUEL, which they skip, charging its segment */    \
    X(BR_Z_F, 2)        /* themselves (code.h, "Fuel") */                    \
    X(BR_TABLE_, -1)    /* idx n rel*(n+1): the last is the default */       \
    X(RET, 0)           /* results are already in fp[0..) */                 \
    X(CALL_, 4)         /* func base cost end: args at fp[base..) */         \
    X(CALL_INDIRECT_, 6) /* type table base idx cost end */                  \
    X(SELECT_, 4)       /* dst cond a b */                                   \
    X(GLOBAL_GET_, 2)   /* dst global */                                     \
    X(GLOBAL_SET_, 2)   /* src global */                                     \
    X(MEMORY_SIZE_, 1)  /* dst */                                            \
    X(MEMORY_GROW_, 2)  /* dst delta */                                      \
    X(MEMORY_FILL_, 3)  /* d val n */                                        \
    X(MEMORY_COPY_, 3)  /* d s n */                                          \
    X(MEMORY_INIT_, 4)  /* seg d s n */                                      \
    X(DATA_DROP_, 1)    /* seg */                                            \
    X(TABLE_GET_, 3)    /* dst table idx */                                  \
    X(TABLE_SET_, 3)    /* table idx val */                                  \
    X(TABLE_SIZE_, 2)   /* dst table */                                      \
    X(TABLE_GROW_, 4)   /* dst table init n */                               \
    X(TABLE_FILL_, 4)   /* table i val n */                                  \
    X(TABLE_COPY_, 5)   /* dt st d s n */                                    \
    X(TABLE_INIT_, 5)   /* table seg d s n */                                \
    X(ELEM_DROP_, 1)    /* seg */                                            \
    X(REF_IS_NULL_, 2)  /* dst a */                                          \
    X(REF_FUNC_, 2)     /* dst func */                                       \
    X(TRAP, 0)          /* unreachable */                                    \
    X(FUEL, 2)          /* cost end */                                       \
    X(FUEL_OUT, 0)      /* ends a metered copy of a segment: out of fuel */ \
    X(COPY128, 2)       /* dst src: a v128 (two slots each) */               \
    X(SELECT128_, 4)    /* dst cond a b: v128 */                             \
    X(GLOBAL_GET128_, 2) /* dst global: v128 */                              \
    X(GLOBAL_SET128_, 2) /* src global: v128 */                              \
    X(V128_CONST_, 5)   /* dst imm*4: the 16 bytes as they are, in 4 units */ \
    X(I8X16_SHUFFLE_, 7) /* dst a b mask*4: the 16 lane indices, as V128_CONST_ */

/* The opcode numbering: internal ops, then the families of opcodes.def. */
enum {
#define X(N, n) VM_OP_##N,
    VM_INTERNAL_OPS(X)
#undef X
#define OP_UN(c, N, t, I, O, e) VM_OP_##N,
#define OP_UNT(c, N, t, I, O, f) VM_OP_##N,
#define OP_BIN(c, N, t, I, O, e) VM_OP_##N, VM_OP_##N##_IMM,
#define OP_BINC(c, N, t, I, e) VM_OP_##N, VM_OP_##N##_IMM, VM_OP_##N##_BR, VM_OP_##N##_IMM_BR, \
    VM_OP_##N##_BR_F, VM_OP_##N##_IMM_BR_F,
#define OP_BINT(c, N, t, I, f) VM_OP_##N,
#define OP_LOAD(c, N, t, O, M, conv, al) VM_OP_##N,
#define OP_STORE(c, N, t, I, M, al) VM_OP_##N,
#define OP_VUN(c, N, t, LI, LO, e) VM_OP_##N,
#define OP_VBIN(c, N, t, L, e) VM_OP_##N, VM_OP_##N##_IMM,
#define OP_VCMP(c, N, t, L, e) VM_OP_##N, VM_OP_##N##_IMM,
#define OP_VSHIFT(c, N, t, L, e) VM_OP_##N, VM_OP_##N##_IMM,
#define OP_VFN1(c, N, t, f) VM_OP_##N,
#define OP_VFN2(c, N, t, f) VM_OP_##N,
#define OP_VFN3(c, N, t, f) VM_OP_##N,
#define OP_VTEST(c, N, t, f) VM_OP_##N,
#define OP_VSPLAT(c, N, t, I, L) VM_OP_##N,
#define OP_VEXTRACT(c, N, t, L, O, conv) VM_OP_##N,
#define OP_VREPLACE(c, N, t, L, I) VM_OP_##N,
#define OP_VLOAD(c, N, t, n, al, f) VM_OP_##N,
#define OP_VSTORE(c, N, t, al) VM_OP_##N,
#define OP_VLDLANE(c, N, t, L, al) VM_OP_##N,
#define OP_VSTLANE(c, N, t, L, al) VM_OP_##N,
#include "opcodes.def"
    VM_NOPS
};

#endif
