/*
 * sha256.h - incremental SHA-256 (sha256.c); corral_sha256 in corral.h
 * hashes one buffer.
 */
#ifndef VM_SHA256_H
#define VM_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "corral.h"

typedef struct {
    uint32_t h[8];
    uint64_t len; /* bytes hashed so far */
    uint8_t buf[64];
    size_t nbuf;
} vm_sha256;

void vm_sha256_init(vm_sha256 *s);
void vm_sha256_update(vm_sha256 *s, const void *data, size_t len);
void vm_sha256_final(vm_sha256 *s, uint8_t out[32]);

#endif
