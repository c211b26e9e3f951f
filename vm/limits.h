/*
 * limits.h - every limit of the engine, with its reason and a hard ceiling.
 *
 * Runtime knobs (memory bytes, stack bytes, table elements) are set per
 * store through corral_limits; the VM_DEFAULT_* values are their defaults
 * and the VM_MAX_* values are ceilings that no setting may exceed.  The
 * static limits bound what a hostile module can make the decoder and the
 * validator allocate before anything runs.
 */
#ifndef VM_LIMITS_H
#define VM_LIMITS_H

#include <stdint.h>

/* The per-store defaults (VM_DEFAULT_*: memory, stack, table elements,
 * instance bytes) are bounds a guest reaches: they are listed, with every
 * other host-side bound, in corral_bounds.h. */
#include "corral_bounds.h"

/* Linear memory: 64 KiB pages; wasm32 addresses at most 65536 pages (4 GiB,
 * spec 2.5.5).  Default cap: the whole wasm32 space, as Wasmtime allows. */
#define VM_PAGE_SIZE 65536u
#define VM_MAX_PAGES 65536u
_Static_assert(VM_DEFAULT_MAX_MEMORY_BYTES == (uint64_t)VM_MAX_PAGES * VM_PAGE_SIZE,
               "the default memory cap is the whole wasm32 space");

/* Wasm stack bytes: the ceiling keeps the up-front allocation sane. */
#define VM_MIN_STACK_BYTES (4u << 10)
#define VM_MAX_STACK_BYTES (1u << 30)

/* Table elements: the ceiling of max_table_elems (a u32 index). */
#define VM_MAX_TABLE_ELEMS 0xFFFFFFFFu

/* Fuel for work whose size is known only when it runs: besides its own
 * unit, memory.fill/copy/init cost 1 per 64 bytes, table.fill/copy/init
 * 1 per 8 elements (64 bytes of pointers), and a call 1 per 8 declared
 * locals it zeroes (rounded down, so small sizes cost only the flat unit
 * Wasmtime charges).  About what an interpreted instruction costs in time.
 * Bulk work runs in chunks of VM_BULK_CHUNK bytes with an interrupt check
 * between them, so a timeout stops a 4 GiB fill promptly. */
#define VM_FUEL_BULK_BYTES 64u
#define VM_FUEL_BULK_ELEMS 8u
#define VM_FUEL_LOCALS 8u
#define VM_BULK_CHUNK (64u << 10)

/* Module size: a tool module is at most a few MB; 256 MiB covers any real
 * program and bounds what one load can make us allocate. */
#define VM_MAX_MODULE_BYTES (256u << 20)

/* Counts in a module.  Each bounds a vector a hostile header could claim;
 * they match the limits other engines apply (e.g. V8's wasm-limits.h). */
#define VM_MAX_TYPES 1000000u
#define VM_MAX_FUNCS 1000000u
#define VM_MAX_IMPORTS 100000u
#define VM_MAX_EXPORTS 100000u
#define VM_MAX_GLOBALS 1000000u
#define VM_MAX_TABLES 100000u
#define VM_MAX_SEGMENTS 100000u
#define VM_MAX_PARAMS 1000u     /* params or results of one function type */
#define VM_MAX_LOCALS 50000u    /* params + locals of one function */
#define VM_MAX_NESTING 10000u   /* nested blocks in one function */
#define VM_MAX_BR_TABLE 1000000u /* br_table targets */
#define VM_MAX_FUNC_SLOTS 65536u /* frame slots (locals + operand stack) */

/* Host functions: the marshaller keeps results in a fixed array. */
#define VM_MAX_HOST_VALUES 16u

#endif
