/*
 * alloc.h - the engine's one path to memory: every allocation of vm/ goes
 * through the corral_allocator of the object it belongs to (the engine's
 * for itself and for the modules loaded under it, the store's for the
 * store and everything in it, the linker's copy of its store's).  The
 * default, vm_default_allocator, is the C allocator: vm/alloc.c is the
 * only file of vm/ that names malloc, calloc, realloc or free
 * (tests/check_vm_lib.sh checks the object files).
 *
 * An allocator here is always complete (vm_allocator_set fills zalloc
 * when it is absent), and the hooks never see a size 0 or a NULL to free.
 */
#ifndef VM_ALLOC_H
#define VM_ALLOC_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "corral.h"

extern const corral_allocator vm_default_allocator;

/* *dst = a (NULL: the default); false, with *dst unchanged, when a lacks
 * alloc, resize or free. */
static inline int vm_allocator_set(corral_allocator *dst, const corral_allocator *a) {
    if (!a) { *dst = vm_default_allocator; return 1; }
    if (!a->alloc || !a->resize || !a->free) return 0;
    *dst = *a;
    return 1;
}

static inline void *vm_malloc(const corral_allocator *a, size_t n) {
    return a->alloc(a->user, n ? n : 1);
}

/* n * size zeroed bytes (at least one), or NULL, also when the product
 * overflows.  Without the embedder's zalloc: alloc, then memset. */
static inline void *vm_calloc(const corral_allocator *a, size_t n, size_t size) {
    if (size && n > SIZE_MAX / size) return 0;
    size_t bytes = n * size;
    if (!bytes) bytes = 1;
    if (a->zalloc) return a->zalloc(a->user, bytes);
    void *p = a->alloc(a->user, bytes);
    if (p) memset(p, 0, bytes);
    return p;
}

/* p (NULL: none yet) resized to n bytes; NULL, p unchanged, on failure. */
static inline void *vm_realloc(const corral_allocator *a, void *p, size_t n) {
    if (!p) return vm_malloc(a, n);
    return a->resize(a->user, p, n ? n : 1);
}

static inline void vm_free(const corral_allocator *a, void *p) {
    if (p) a->free(a->user, p);
}

/* A NUL-terminated copy of the len bytes at s, or NULL. */
static inline char *vm_strndup(const corral_allocator *a, const char *s, size_t len) {
    if (len == SIZE_MAX) return 0;
    char *d = vm_malloc(a, len + 1);
    if (d) {
        if (len) memcpy(d, s, len);
        d[len] = 0;
    }
    return d;
}

#endif
