/*
 * memory.c - linear memories as mappings (memory.h).
 *
 * A memory is one reservation of the most it may grow to (PROT_NONE, no
 * swap reserved), preceded by a page that records the reservation; its
 * current size is readable and writable, and memory.grow opens more of
 * it in place, so growing never copies and the kernel gives zero pages
 * only when the guest touches them.  Where the address space is short
 * (a 32-bit host, ulimit -v) the reservation is just the current size,
 * and growing moves to a new one.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MAP_NORESERVE */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "memory.h"

typedef struct {
    size_t reserved; /* bytes after the header page */
} header;

size_t wasi_page_size(void)
{
    static size_t size;
    if (size == 0) {
        long n = sysconf(_SC_PAGESIZE);
        size = n > 0 ? (size_t)n : 4096;
    }
    return size;
}

static header *header_of(void *data)
{
    return (header *)(void *)((uint8_t *)data - wasi_page_size());
}

static void *reserve(size_t size, size_t max)
{
    size_t ps = wasi_page_size();
    size_t want = (max + ps - 1) / ps * ps;
    if (want < max || want > SIZE_MAX - ps)
        want = 0;
    void *p = want ? mmap(NULL, ps + want, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                          -1, 0)
                   : MAP_FAILED;
    if (p == MAP_FAILED) { /* short of address space: exactly the size */
        want = (size + ps - 1) / ps * ps;
        if (want < size || want > SIZE_MAX - ps)
            return NULL;
        p = mmap(NULL, ps + want, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED)
            return NULL;
    }
    if (mprotect(p, ps + size, PROT_READ | PROT_WRITE) != 0) {
        munmap(p, ps + want);
        return NULL;
    }
    ((header *)p)->reserved = want;
    return (uint8_t *)p + ps;
}

static void *mem_alloc(void *user, size_t size, size_t max)
{
    (void)user;
    return reserve(size, max);
}

static void mem_free(void *user, void *data, size_t size, size_t max)
{
    (void)user, (void)size, (void)max;
    if (data != NULL)
        munmap(header_of(data), wasi_page_size() + header_of(data)->reserved);
}

static void *mem_grow(void *user, void *data, size_t old, size_t new, size_t max)
{
    header *h = header_of(data);
    if (new <= h->reserved)
        return mprotect((uint8_t *)data + old, new - old, PROT_READ | PROT_WRITE) == 0 ? data
                                                                                       : NULL;
    void *moved = reserve(new, max);
    if (moved == NULL)
        return NULL;
    memcpy(moved, data, old);
    mem_free(user, data, old, max);
    return moved;
}

static int mem_map(void *user, void *dest, const void *src, size_t len, void (*release)(void *env),
                   void *env)
{
    (void)user;
    return wasi_cache_map(dest, src, len, release, env);
}

const corral_memory_ops *wasi_memory_ops(void)
{
    static const corral_memory_ops ops = {mem_alloc, mem_grow, mem_free, mem_map, NULL};
    return &ops;
}
