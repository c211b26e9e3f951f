/*
 * memory.h - linear memories as mappings (memory.c), for the stores that
 * wasi/ makes, and the part of the module cache (cache.c) they map from.
 */
#ifndef WASI_MEMORY_H
#define WASI_MEMORY_H

#include <stddef.h>

#include "corral.h"

/* Memory ops whose memories are reserved address space (growing in
 * place, touched pages only) and whose map makes a cache entry's image
 * copy-on-write pages of the entry's file. */
const corral_memory_ops *wasi_memory_ops(void);

/* The host's page size (sysconf; 4096 if it cannot say). */
size_t wasi_page_size(void);

/* corral_memory_ops' map for entries that cache.c mapped (release is its
 * own): maps len bytes of the entry's file at src over dest, private.
 * 0 done, 1 not ours or not aligned (the engine copies), -1 out of
 * memory. */
int wasi_cache_map(void *dest, const void *src, size_t len, void (*release)(void *env), void *env);

#endif
