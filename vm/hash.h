/*
 * hash.h - the module cache's hashes (hash.c): BLAKE2b (RFC 7693), the
 * strong hash of its keys, incrementally; corral.h has the one-buffer
 * forms and the entry checksum.
 */
#ifndef VM_HASH_H
#define VM_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "corral.h"

typedef struct {
    uint64_t h[8];
    uint64_t t[2];   /* bytes hashed so far (128-bit counter) */
    uint8_t buf[128];
    size_t nbuf;
    size_t outlen;
} vm_blake2b;

void vm_blake2b_init(vm_blake2b *s, size_t outlen); /* outlen 1..64 */
void vm_blake2b_update(vm_blake2b *s, const void *data, size_t len);
void vm_blake2b_final(vm_blake2b *s, uint8_t *out);

#endif
