/*
 * disasm.c - print lowered code, one instruction a line, for people
 * reading what the lowering made of a function (corral disasm).
 *
 * Names and lengths come from the same tables as everything else: the
 * internal list in code.h and the families of opcodes.def.  No stdio here:
 * the text goes into the caller's buffer.
 */
#include <string.h>

#include "code.h"
#include "vm.h"

typedef struct {
    char *buf;
    size_t cap, len;
} out;

static void put(out *o, const char *s) {
    for (; *s; s++, o->len++)
        if (o->len + 1 < o->cap) o->buf[o->len] = *s;
}

static void put_u(out *o, uint64_t v) {
    char t[24];
    int n = 0;
    do { t[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    char r[24];
    for (int i = 0; i < n; i++) r[i] = t[n - 1 - i];
    r[n] = 0;
    put(o, r);
}

static void put_i(out *o, int64_t v) {
    if (v < 0) { put(o, "-"); put_u(o, (uint64_t)0 - (uint64_t)v); }
    else put_u(o, (uint64_t)v);
}

/* The i32 lane that a unit of a v128 immediate holds: its bytes read
 * little-endian, so the text is the same on every host (the unit's own
 * value is byte-swapped on a big-endian one: test_lower, on s390x). */
static int32_t v128_lane(uint32_t unit) {
    uint8_t b[4];
    memcpy(b, &unit, 4);
    return (int32_t)((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
                     (uint32_t)b[3] << 24);
}

/* Operand layouts: d = dst slot, s = source slot, i = immediate unit,
 * v = a unit of a v128 immediate (4 of its 16 bytes, in memory order),
 * r = branch offset. */
typedef struct {
    const char *name;
    const char *layout;
    uint8_t len; /* the instruction's units: sizeof layout (opcode + operands) */
} opinfo;

#define E(name, lay) {name, lay, sizeof(lay)}

static const opinfo info[VM_NOPS] = {
#define X(N, n) {#N, 0, 0},
    VM_INTERNAL_OPS(X)
#undef X
#define I32L "i"
#define I64L "ii"
#define F32L "i"
#define F64L "ii"
#define OP_UN(c, N, t, I, O, e) E(t, "ds"),
#define OP_UNT(c, N, t, I, O, f) E(t, "ds"),
#define OP_BIN(c, N, t, I, O, e) E(t, "dss"), E(t "_imm", "ds" I##L),
#define OP_BINC(c, N, t, I, e) E(t, "dss"), E(t "_imm", "ds" I##L), E(t "_br", "ssr"), \
    E(t "_imm_br", "s" I##L "r"), E(t "_br_f", "ssr"), E(t "_imm_br_f", "s" I##L "r"),
#define OP_BINT(c, N, t, I, f) E(t, "dss"),
#define OP_LOAD(c, N, t, O, M, conv, al) E(t, "dsi"),
#define OP_STORE(c, N, t, I, M, al) E(t, "ssi"),
#define OP_VUN(c, N, t, LI, LO, e) E(t, "ds"),
#define OP_VBIN(c, N, t, L, e) E(t, "dss"), E(t "_imm", "dsvvvv"),
#define OP_VCMP(c, N, t, L, e) E(t, "dss"), E(t "_imm", "dsvvvv"),
#define OP_VSHIFT(c, N, t, L, e) E(t, "dss"), E(t "_imm", "dsi"),
#define OP_VFN1(c, N, t, f) E(t, "ds"),
#define OP_VFN2(c, N, t, f) E(t, "dss"),
#define OP_VFN3(c, N, t, f) E(t, "dsss"),
#define OP_VTEST(c, N, t, f) E(t, "ds"),
#define OP_VSPLAT(c, N, t, I, L) E(t, "ds"),
#define OP_VEXTRACT(c, N, t, L, O, conv) E(t, "dsi"),
#define OP_VREPLACE(c, N, t, L, I) E(t, "dssi"),
#define OP_VLOAD(c, N, t, n, al, f) E(t, "dsi"),
#define OP_VSTORE(c, N, t, al) E(t, "ssi"),
#define OP_VLDLANE(c, N, t, L, al) E(t, "dssii"),
#define OP_VSTLANE(c, N, t, L, al) E(t, "ssii"),
#include "opcodes.def"
};

/* Layouts of the internal instructions (see VM_INTERNAL_OPS); those not
 * listed have no operands.  One list makes both tables below. */
#define INTERNAL_LAYOUTS(L)                                                             \
    L(COPY, "ds") L(CONST32, "di") L(CONST64, "dii") L(BR, "r") L(BR_F, "r")            \
    L(BR_NZ, "sr") L(BR_Z, "sr") L(BR_NZ_F, "sr") L(BR_Z_F, "sr") L(RET, "")            \
    L(TRAP, "") L(FUEL_OUT, "") L(CALL_, "isii") L(CALL_INDIRECT_, "iissii")            \
    L(SELECT_, "dsss") L(GLOBAL_GET_, "di") L(GLOBAL_SET_, "si") L(MEMORY_SIZE_, "d")   \
    L(MEMORY_GROW_, "ds") L(MEMORY_FILL_, "sss") L(MEMORY_COPY_, "sss")                 \
    L(MEMORY_INIT_, "isss") L(DATA_DROP_, "i") L(ELEM_DROP_, "i") L(TABLE_GET_, "dis")  \
    L(TABLE_SET_, "iss") L(TABLE_SIZE_, "di") L(TABLE_GROW_, "diss")                    \
    L(TABLE_FILL_, "isss") L(TABLE_COPY_, "iisss") L(TABLE_INIT_, "iisss")              \
    L(REF_IS_NULL_, "ds") L(REF_FUNC_, "di") L(FUEL, "ii") L(COPY128, "ds")               \
    L(SELECT128_, "dsss") L(GLOBAL_GET128_, "di") L(GLOBAL_SET128_, "si")               \
    L(V128_CONST_, "dvvvv") L(I8X16_SHUFFLE_, "dssvvvv")

static const char *const internal_layouts[VM_NOPS] = {
#define L(N, lay) [VM_OP_##N] = lay,
    INTERNAL_LAYOUTS(L)
#undef L
};

static const uint8_t internal_lens[VM_NOPS] = {
#define L(N, lay) [VM_OP_##N] = sizeof(lay),
    INTERNAL_LAYOUTS(L)
#undef L
};

static const char *internal_layout(uint32_t op) {
    return internal_layouts[op] ? internal_layouts[op] : "";
}

/* Constant tables, no string scan: the hot loops of threading and of
 * loading cache entries call this once per instruction. */
static uint32_t len_of(uint32_t op, const uint32_t *ip) {
    if (op == VM_OP_BR_TABLE_) return 3 + ip[2] + 1;
    if (info[op].len) return info[op].len;
    return internal_lens[op] ? internal_lens[op] : 1;
}

uint32_t vm_instr_len(const uint32_t *ip) { return len_of(*ip, ip); }

/* The opcode number of a (possibly threaded) opcode unit. */
static uint32_t op_of(uint32_t unit) {
    const int32_t *t = vm_handler_offsets();
    if (!t) return unit;
    for (uint32_t op = 0; op < VM_NOPS; op++)
        if ((uint32_t)t[op] == unit) return op;
    return 0;
}

size_t corral_module_disasm(const corral_module *m, uint32_t func, char *buf, size_t cap) {
    out o = {buf, cap, 0};
    if (func < m->nfunc_imports || func >= m->nfuncs) {
        put(&o, "not a defined function\n");
    } else {
        const vm_funcdef *d = &m->funcs[func - m->nfunc_imports];
        put(&o, "func ");
        put_u(&o, func);
        put(&o, ": ");
        put_u(&o, d->nslots);
        put(&o, " slots, ");
        put_u(&o, d->code_len);
        put(&o, " units\n");
        for (uint32_t at = 0; at < d->code_len;) {
            const uint32_t *ip = d->code + at;
            uint32_t op = op_of(*ip);
            put(&o, "  ");
            put_u(&o, at);
            put(&o, "\t");
            put(&o, info[op].name);
            if (op == VM_OP_BR_TABLE_) {
                put(&o, " s");
                put_u(&o, ip[1]);
                for (uint32_t k = 0; k <= ip[2]; k++) {
                    put(&o, " ->");
                    put_u(&o, at + ip[3 + k]);
                }
            } else {
                const char *l = info[op].layout ? info[op].layout : internal_layout(op);
                for (uint32_t k = 0; l[k]; k++) {
                    put(&o, " ");
                    switch (l[k]) {
                    case 'd': put(&o, "s"); put_u(&o, ip[1 + k]); put(&o, "="); break;
                    case 's': put(&o, "s"); put_u(&o, ip[1 + k]); break;
                    case 'r': put(&o, "->"); put_u(&o, at + (uint32_t)(int32_t)ip[1 + k]); break;
                    case 'v': put_i(&o, v128_lane(ip[1 + k])); break;
                    default: put_i(&o, (int32_t)ip[1 + k]); break;
                    }
                }
            }
            put(&o, "\n");
            at += len_of(op, ip);
        }
    }
    if (cap) buf[o.len < cap ? o.len : cap - 1] = 0;
    return o.len;
}
