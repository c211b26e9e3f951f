/*
 * trace.c - where a trap happened: the wasm frames of a store's last trap,
 * each as its function and the byte offset in the module of the
 * instruction (the innermost frame) or of the call (the frames below).
 *
 * Nothing here runs until a trap: the interpreter keeps only its ip and
 * the frame chain, and the lowering leaves a table per function that maps
 * the code offsets of the instructions that can trap, and of calls, back
 * to wasm offsets (vm_funcdef.locs, compile.c).  At the trap, the ip and
 * each frame's return address are looked up in their function's table.
 *
 * A host function that calls back into wasm is a nested run: the inner
 * run's trap is recorded first, and when the host function hands the same
 * trap back, the outer run adds its frames below (vm_trace.nested).
 */
#include <string.h>

#include "vm.h"

const vm_funcdef *vm_func_at(const corral_module *m, const uint32_t *ip) {
    for (uint32_t i = 0; i < m->nfuncs - m->nfunc_imports; i++) {
        const vm_funcdef *f = &m->funcs[i];
        if (ip >= f->code && ip < f->code + f->code_len) return f;
    }
    return 0;
}

/* One LEB128 number at *p (below end); false when it does not fit. */
static bool get_leb(const uint8_t **p, const uint8_t *end, uint64_t *v) {
    *v = 0;
    for (unsigned shift = 0; *p < end && shift < 64; shift += 7) {
        uint8_t b = *(*p)++;
        *v |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80)) return true;
    }
    return false;
}

/* The wasm offset (in the body) of the last entry at or before code offset
 * at, or before it when strict (a return address: the call is before it);
 * the body's start when there is none.  The table is read as it comes
 * (a cache entry's is not checked when it loads): it ends at its end, a
 * malformed number, or an entry outside the code or the body. */
static uint32_t loc_find(const vm_funcdef *f, uint32_t at, bool strict) {
    const uint8_t *p = f->locs, *end = f->locs + f->locs_len;
    uint64_t code = 0, wasm = 0, found = 0, d, z;
    while (p < end && get_leb(&p, end, &d) && get_leb(&p, end, &z)) {
        code += d;
        wasm += (z & 1) ? ~(z >> 1) : z >> 1;
        if (code >= f->code_len || wasm >= f->body_len) break;
        if (strict ? code >= at : code > at) break;
        found = wasm;
    }
    return (uint32_t)found;
}

/* Count a frame at code address ip of inst's module, and keep it when
 * there is room. */
static void add_frame(vm_trace *t, const corral_module *m, const vm_funcdef *f, const uint32_t *ip,
                      bool ret) {
    t->total++;
    if (t->n == VM_TRACE_FRAMES) return;
    vm_trace_frame *fr = &t->frames[t->n++];
    fr->mod = m;
    fr->func = m->nfunc_imports + (uint32_t)(f - m->funcs);
    fr->offset = f->body_offset + loc_find(f, (uint32_t)(ip - f->code), ret);
}

void vm_trace_trap(corral_store *s, const corral_instance *inst, const uint32_t *ip,
                   const vm_funcdef *short_def, const uint32_t *short_at,
                   const vm_frame *fsp, const vm_frame *entry_fsp, const char *err) {
    vm_trace *t = &s->trace;
    bool keep = t->nested && t->err == err && t->top == fsp;
    t->nested = false;
    if (!keep) {
        t->n = 0;
        t->total = 0;
    }
    if (inst && ip) {
        const vm_funcdef *f = vm_func_at(inst->mod, ip);
        if (!f && short_def) { /* in the copy of a segment that ran out of fuel */
            f = short_def;
            ip = short_at + (ip - s->meter_buf);
        }
        if (f) add_frame(t, inst->mod, f, ip, false);
    }
    /* The frames below: each holds its caller's return address; the one
     * the host entered by has none.  Past the kept ones, only count. */
    const vm_frame *fr = fsp;
    for (; fr < entry_fsp && fr->ret_ip && t->n < VM_TRACE_FRAMES; fr++) {
        const vm_funcdef *f = vm_func_at(fr->inst->mod, fr->ret_ip);
        if (f) add_frame(t, fr->inst->mod, f, fr->ret_ip, true);
    }
    if (fr < entry_fsp && fr->ret_ip) t->total += (uint64_t)(entry_fsp - fr) - 1;
    t->err = err;
    t->top = (vm_frame *)(uintptr_t)entry_fsp;
}

/* ---- the public side -------------------------------------------------------------------- */

size_t corral_store_trap_frames(const corral_store *s, corral_frame *out, size_t cap) {
    const vm_trace *t = &s->trace;
    for (uint32_t i = 0; i < t->n && i < cap; i++) {
        const vm_trace_frame *f = &t->frames[i];
        out[i].module = f->mod;
        out[i].func = f->func;
        out[i].name = corral_module_func_name(f->mod, f->func);
        out[i].offset = f->offset;
    }
    return (size_t)t->total;
}

/* Append the text s (n bytes) to buf within cap, counting it in *len. */
static void put_str(char *buf, size_t cap, size_t *len, const char *s, size_t n) {
    if (*len < cap) memcpy(buf + *len, s, *len + n < cap ? n : cap - *len);
    *len += n;
}

/* A name from the module: control bytes become '?', so that it cannot
 * drive the terminal it is printed on. */
static void put_name(char *buf, size_t cap, size_t *len, const char *s) {
    for (; *s; s++) {
        char ch = (unsigned char)*s < 0x20 || *s == 0x7F ? '?' : *s;
        put_str(buf, cap, len, &ch, 1);
    }
}

static void put_num(char *buf, size_t cap, size_t *len, uint64_t v, bool hex) {
    char d[24];
    size_t n = 0;
    do {
        d[sizeof d - ++n] = "0123456789abcdef"[hex ? v % 16 : v % 10];
        v = hex ? v / 16 : v / 10;
    } while (v);
    if (hex) put_str(buf, cap, len, "0x", 2);
    put_str(buf, cap, len, d + sizeof d - n, n);
}

static bool same_frame(const corral_frame *a, const corral_frame *b) {
    return a->func == b->func && a->offset == b->offset &&
           (a->name == b->name || (a->name && b->name && strcmp(a->name, b->name) == 0));
}

size_t corral_frames_format(const corral_frame *frames, size_t n, size_t total, char *buf,
                            size_t cap) {
    size_t len = 0;
    for (size_t i = 0, next; i < n; i = next) {
        put_str(buf, cap, &len, "  at func ", 10);
        put_num(buf, cap, &len, frames[i].func, false);
        if (frames[i].name) {
            put_str(buf, cap, &len, " ($", 3);
            put_name(buf, cap, &len, frames[i].name);
            put_str(buf, cap, &len, ")", 1);
        }
        put_str(buf, cap, &len, " offset ", 8);
        put_num(buf, cap, &len, frames[i].offset, true);
        put_str(buf, cap, &len, "\n", 1);
        /* A recursion: the same frame again and again, said once. */
        for (next = i + 1; next < n && same_frame(&frames[next], &frames[i]); next++) {}
        if (next - i > 1) {
            put_str(buf, cap, &len, "  ... the same ", 15);
            put_num(buf, cap, &len, next - i - 1, false);
            put_str(buf, cap, &len, next - i == 2 ? " more time\n" : " more times\n",
                    next - i == 2 ? 11 : 12);
        }
    }
    if (total > n) {
        put_str(buf, cap, &len, "  ... ", 6);
        put_num(buf, cap, &len, total - n, false);
        put_str(buf, cap, &len, total - n == 1 ? " more frame\n" : " more frames\n",
                total - n == 1 ? 12 : 13);
    }
    if (cap) buf[len < cap ? len : cap - 1] = 0;
    return len;
}
