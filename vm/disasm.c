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

/* Operand layouts: d = dst slot, s = source slot, i = immediate unit,
 * r = branch offset. */
typedef struct {
    const char *name;
    const char *layout;
} opinfo;

static const opinfo info[VM_NOPS] = {
#define X(N, n) {#N, 0},
    VM_INTERNAL_OPS(X)
#undef X
#define I32L "i"
#define I64L "ii"
#define F32L "i"
#define F64L "ii"
#define OP_UN(c, N, t, I, O, e) {t, "ds"},
#define OP_UNT(c, N, t, I, O, f) {t, "ds"},
#define OP_BIN(c, N, t, I, O, e) {t, "dss"}, {t "_imm", "ds" I##L},
#define OP_BINC(c, N, t, I, e) {t, "dss"}, {t "_imm", "ds" I##L}, {t "_br", "ssr"}, \
    {t "_imm_br", "s" I##L "r"}, {t "_br_f", "ssr"}, {t "_imm_br_f", "s" I##L "r"},
#define OP_BINT(c, N, t, I, f) {t, "dss"},
#define OP_LOAD(c, N, t, O, M, conv, al) {t, "dsi"},
#define OP_STORE(c, N, t, I, M, al) {t, "ssi"},
#include "opcodes.def"
};

/* Layouts of the internal instructions (see VM_INTERNAL_OPS). */
static const char *internal_layout(uint32_t op) {
    switch (op) {
    case VM_OP_COPY: return "ds";
    case VM_OP_CONST32: return "di";
    case VM_OP_CONST64: return "dii";
    case VM_OP_BR: case VM_OP_BR_F: return "r";
    case VM_OP_BR_NZ: case VM_OP_BR_Z: case VM_OP_BR_NZ_F: case VM_OP_BR_Z_F: return "sr";
    case VM_OP_RET: case VM_OP_TRAP: case VM_OP_FUEL_OUT: return "";
    case VM_OP_CALL_: return "isii";
    case VM_OP_CALL_INDIRECT_: return "iissii";
    case VM_OP_SELECT_: return "dsss";
    case VM_OP_GLOBAL_GET_: return "di";
    case VM_OP_GLOBAL_SET_: return "si";
    case VM_OP_MEMORY_SIZE_: return "d";
    case VM_OP_MEMORY_GROW_: return "ds";
    case VM_OP_MEMORY_FILL_: case VM_OP_MEMORY_COPY_: return "sss";
    case VM_OP_MEMORY_INIT_: return "isss";
    case VM_OP_DATA_DROP_: case VM_OP_ELEM_DROP_: return "i";
    case VM_OP_TABLE_GET_: return "dis";
    case VM_OP_TABLE_SET_: return "iss";
    case VM_OP_TABLE_SIZE_: return "di";
    case VM_OP_TABLE_GROW_: return "diss";
    case VM_OP_TABLE_FILL_: return "isss";
    case VM_OP_TABLE_COPY_: case VM_OP_TABLE_INIT_: return "iisss";
    case VM_OP_REF_IS_NULL_: return "ds";
    case VM_OP_REF_FUNC_: return "di";
    case VM_OP_FUEL: return "ii";
    default: return "";
    }
}

static uint32_t len_of(uint32_t op, const uint32_t *ip) {
    if (op == VM_OP_BR_TABLE_) return 3 + ip[2] + 1;
    const char *l = info[op].layout ? info[op].layout : internal_layout(op);
    return 1 + (uint32_t)strlen(l);
}

uint32_t vm_instr_len(const uint32_t *ip) { return len_of(*ip, ip); }

const char *vm_instr_layout(uint32_t op) {
    if (op >= VM_NOPS || op == VM_OP_BR_TABLE_) return 0;
    return info[op].layout ? info[op].layout : internal_layout(op);
}

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
