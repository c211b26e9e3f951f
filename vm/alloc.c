/*
 * alloc.c - the default allocator: the C library's.  The only file of vm/
 * that calls malloc, calloc, realloc or free (vm/alloc.h); an embedder
 * that gives every engine and store its own corral_allocator never
 * reaches it.
 */
#include <stdlib.h>

#include "alloc.h"

static void *c_alloc(void *user, size_t n) { (void)user; return malloc(n); }
/* calloc, not malloc and memset: a large block (a linear memory) then
 * comes as zero pages from the OS, touched only when the guest uses it. */
static void *c_zalloc(void *user, size_t n) { (void)user; return calloc(1, n); }
static void *c_resize(void *user, void *p, size_t n) { (void)user; return realloc(p, n); }
static void c_free(void *user, void *p) { (void)user; free(p); }

const corral_allocator vm_default_allocator = {c_alloc, c_zalloc, c_resize, c_free, 0};
