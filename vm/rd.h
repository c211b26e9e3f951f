/*
 * rd.h - a bounds-checked cursor over bytes, and LEB128 (spec 5.2.2).
 *
 * Every reader checks p < end before it reads a byte.  LEB128 is rejected
 * when it uses more bytes than ceil(N/7) ("integer representation too
 * long") or when the unused bits of the last byte are not a zero or sign
 * extension ("integer too large").
 */
#ifndef VM_RD_H
#define VM_RD_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    const uint8_t *p, *end;
    const uint8_t *base; /* start of the binary, for offsets */
    const char *eof;     /* the message for running off the end */
} vm_rd;

static inline const char *vm_rd_byte(vm_rd *r, uint8_t *b) {
    *b = 0;
    if (r->p >= r->end) return r->eof;
    *b = *r->p++;
    return 0;
}

static inline const char *vm_rd_leb(vm_rd *r, unsigned bits, bool sign, uint64_t *out) {
    uint64_t v = 0;
    unsigned shift = 0;
    uint8_t b;
    *out = 0;
    for (;;) {
        if (r->p >= r->end) return r->eof;
        b = *r->p++;
        v |= (uint64_t)(b & 0x7F) << shift;
        shift += 7;
        if (shift >= bits) break; /* the last byte this width allows */
        if (!(b & 0x80)) {
            if (sign && shift < 64 && (b & 0x40)) v |= ~(uint64_t)0 << shift;
            *out = v;
            return 0;
        }
    }
    if (b & 0x80) return "integer representation too long";
    unsigned used = bits - (shift - 7); /* value bits in the last byte, 1..7 */
    unsigned rest = (b & 0x7Fu) >> (sign ? used - 1 : used);
    unsigned all = 0x7Fu >> (sign ? used - 1 : used);
    if (sign ? (rest != 0 && rest != all) : rest != 0) return "integer too large";
    if (sign && (b & 0x40) && shift < 64) v |= ~(uint64_t)0 << shift;
    *out = v;
    return 0;
}

static inline const char *vm_rd_u32(vm_rd *r, uint32_t *out) {
    uint64_t v = 0;
    const char *e = vm_rd_leb(r, 32, false, &v);
    *out = (uint32_t)v;
    return e;
}

static inline const char *vm_rd_s32(vm_rd *r, int32_t *out) {
    uint64_t v = 0;
    const char *e = vm_rd_leb(r, 32, true, &v);
    *out = (int32_t)(uint32_t)v;
    return e;
}

static inline const char *vm_rd_s33(vm_rd *r, int64_t *out) {
    uint64_t v = 0;
    const char *e = vm_rd_leb(r, 33, true, &v);
    *out = (int64_t)v;
    return e;
}

static inline const char *vm_rd_s64(vm_rd *r, int64_t *out) {
    uint64_t v = 0;
    const char *e = vm_rd_leb(r, 64, true, &v);
    *out = (int64_t)v;
    return e;
}

static inline const char *vm_rd_fixed32(vm_rd *r, uint32_t *out) {
    *out = 0;
    if (r->end - r->p < 4) { r->p = r->end; return r->eof; }
    *out = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 |
           (uint32_t)r->p[3] << 24;
    r->p += 4;
    return 0;
}

static inline const char *vm_rd_fixed64(vm_rd *r, uint64_t *out) {
    uint32_t lo = 0, hi = 0;
    const char *e = vm_rd_fixed32(r, &lo);
    if (!e) e = vm_rd_fixed32(r, &hi);
    *out = (uint64_t)hi << 32 | lo;
    return e;
}

/* UTF-8 as the spec defines it (5.2.4): shortest form, no surrogates,
 * nothing above U+10FFFF. */
static inline bool vm_utf8_valid(const uint8_t *s, uint64_t n) {
    uint64_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        uint32_t cp, min;
        unsigned len;
        if (c < 0x80) { i++; continue; }
        if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; min = 0x80; }
        else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; min = 0x800; }
        else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; min = 0x10000; }
        else return false;
        if (n - i < len) return false;
        for (unsigned k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return false;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += len;
    }
    return true;
}

#endif
