/*
 * vm_embed.c - a bare-metal style embedder of libcorral-vm.a alone: no
 * libcorral.a, no threads, no WASI.  Its own allocator (a bump arena in a
 * static array, as on a device without a heap) and its own linear memory
 * (a fixed static region, as on a device without an MMU).  It loads a
 * module, links a host function, calls exports, reads memory, grows it
 * to the region's end and past it, and round-trips the module through a
 * cache entry.  Exit 0 and "vm_embed: ok" when all of it behaves;
 * tests/check_vm_lib.sh runs it.
 */
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "corral.h"

static int failures;
#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "vm_embed: %s:%d: %s\n", __FILE__, __LINE__, #cond);       \
            failures++;                                                                \
        }                                                                              \
    } while (0)

/* ---- the arena: blocks carry their size; free only counts ---------------- */

static alignas(max_align_t) unsigned char arena[8u << 20];
static size_t arena_used;
static long live;

typedef union {
    size_t size;
    max_align_t align;
} block;

static void *arena_alloc(void *user, size_t n) {
    (void)user;
    size_t need = sizeof(block) + (n + sizeof(block) - 1) / sizeof(block) * sizeof(block);
    if (n == 0 || need > sizeof arena - arena_used) return NULL;
    block *b = (block *)(arena + arena_used);
    arena_used += need;
    b->size = n;
    live++;
    return b + 1;
}

static void *arena_resize(void *user, void *p, size_t n) {
    block *b = (block *)p - 1;
    if (n <= b->size) return p;
    void *q = arena_alloc(user, n);
    if (q == NULL) return NULL;
    memcpy(q, p, b->size);
    live--; /* the old block is dropped: a bump arena does not reuse it */
    return q;
}

static void arena_free(void *user, void *p) {
    (void)user;
    CHECK(p != NULL);
    live--;
}

/* ---- linear memory in a fixed region --------------------------------------- */

#define PAGE 65536u
static alignas(16) unsigned char region[2 * PAGE];
static int region_taken;

static void *region_alloc(void *user, size_t size, size_t max) {
    (void)user, (void)max;
    if (region_taken || size > sizeof region) return NULL;
    region_taken = 1;
    memset(region, 0, size);
    return region;
}

static void *region_grow(void *user, void *data, size_t old, size_t new, size_t max) {
    (void)user, (void)max;
    if (new > sizeof region) return NULL;
    memset((unsigned char *)data + old, 0, new - old);
    return data;
}

static void region_free(void *user, void *data, size_t size, size_t max) {
    (void)user, (void)size, (void)max;
    CHECK(data == region);
    region_taken = 0;
}

/* ---- the module: tests/vm_embed.c's own, assembled from this text ----------
 * (import "env" "twice" (func (param i32) (result i32)))
 * (memory (export "mem") 1 4)
 * (func (export "run") (param i32) (result i32)
 *   (i32.store (i32.const 16) (call 0 (local.get 0)))
 *   (i32.add (i32.load (i32.const 16)) (i32.const 1)))
 * (func (export "grow") (result i32) (memory.grow (i32.const 1)))
 * (func (export "sqrt") (param f64) (result f64) (f64.sqrt (local.get 0))) */
static const uint8_t wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0f, 0x03, 0x60, 0x01, 0x7f,
    0x01, 0x7f, 0x60, 0x00, 0x01, 0x7f, 0x60, 0x01, 0x7c, 0x01, 0x7c, 0x02, 0x0d, 0x01,
    0x03, 0x65, 0x6e, 0x76, 0x05, 0x74, 0x77, 0x69, 0x63, 0x65, 0x00, 0x00, 0x03, 0x04,
    0x03, 0x00, 0x01, 0x02, 0x05, 0x04, 0x01, 0x01, 0x01, 0x04, 0x07, 0x1b, 0x04, 0x03,
    0x6d, 0x65, 0x6d, 0x02, 0x00, 0x03, 0x72, 0x75, 0x6e, 0x00, 0x01, 0x04, 0x67, 0x72,
    0x6f, 0x77, 0x00, 0x02, 0x04, 0x73, 0x71, 0x72, 0x74, 0x00, 0x03, 0x0a, 0x22, 0x03,
    0x13, 0x00, 0x41, 0x10, 0x20, 0x00, 0x10, 0x00, 0x36, 0x02, 0x00, 0x41, 0x10, 0x28,
    0x02, 0x00, 0x41, 0x01, 0x6a, 0x0b, 0x06, 0x00, 0x41, 0x01, 0x40, 0x00, 0x0b, 0x05,
    0x00, 0x20, 0x00, 0x9f, 0x0b,
};

static int host_calls;

static const char *twice(corral_caller *c, void *env, const uint64_t *args, uint64_t *results) {
    (void)c;
    CHECK(env == &host_calls);
    host_calls++;
    results[0] = (uint32_t)((uint32_t)args[0] * 2u);
    return NULL;
}

static int32_t call_i32(corral_store *s, corral_func *f, const corral_val *args, uint32_t n) {
    corral_val r[1];
    const char *err = corral_call(s, f, args, n, r, 1);
    if (err != NULL) {
        fprintf(stderr, "vm_embed: call: %s\n", err);
        failures++;
        return 0;
    }
    return r[0].of.i32;
}

/* Instantiate m with the host function and the fixed region, run it. */
static void run(corral_engine *e, const corral_module *m) {
    corral_limits lim;
    corral_limits_default(&lim);
    lim.max_stack_bytes = 64u << 10;
    corral_store *s = corral_store_new(e, &lim);
    CHECK(s != NULL);
    if (s == NULL) return;
    corral_memory_ops ops = {region_alloc, region_grow, region_free, NULL, NULL};
    CHECK(corral_store_set_memory_ops(s, &ops) == NULL);
    corral_linker *l = corral_linker_new(s);
    CHECK(l != NULL);
    CHECK(corral_linker_define_func(l, "env", "twice", "i:i", twice, &host_calls) == NULL);
    corral_instance *inst = NULL;
    const char *err = corral_instantiate(l, m, &inst);
    CHECK(err == NULL);
    if (inst != NULL) {
        corral_val a = {.type = CORRAL_I32, .of.i32 = 20};
        CHECK(call_i32(s, corral_instance_func(inst, "run"), &a, 1) == 41);
        uint8_t word[4];
        CHECK(corral_memory_read(inst, 16, word, 4) == NULL);
        CHECK(word[0] == 40 && word[1] == 0);
        uint64_t size;
        CHECK(corral_instance_memory(inst, "mem", &size) == region && size == PAGE);
        corral_func *grow = corral_instance_func(inst, "grow");
        CHECK(call_i32(s, grow, NULL, 0) == 1);  /* the region's second page */
        CHECK(call_i32(s, grow, NULL, 0) == -1); /* past the region: refused */
        corral_instance_memory(inst, NULL, &size);
        CHECK(size == 2 * PAGE);
        corral_val x = {.type = CORRAL_F64};
        double v = 2.25, got;
        memcpy(&x.of.f64_bits, &v, sizeof v);
        corral_val r[1];
        CHECK(corral_call(s, corral_instance_func(inst, "sqrt"), &x, 1, r, 1) == NULL);
        memcpy(&got, &r[0].of.f64_bits, sizeof got);
        CHECK(got == 1.5);
    }
    corral_linker_free(l);
    corral_store_free(s);
    CHECK(!region_taken);
}

int main(void) {
    corral_allocator a = {arena_alloc, NULL, arena_resize, arena_free, NULL};
    corral_config cfg = {.allocator = &a};
    corral_engine *e = corral_engine_new(&cfg);
    CHECK(e != NULL);
    if (e == NULL) return 1;
    corral_module *m = NULL;
    corral_diag d;
    const char *err = corral_module_new(e, wasm, sizeof wasm, &m, &d);
    if (err != NULL) {
        fprintf(stderr, "vm_embed: load: %s at 0x%llx\n", err, (unsigned long long)d.offset);
        return 1;
    }
    run(e, m);

    /* The module's cache entry, loaded back in place. */
    uint8_t key[32], *entry = NULL;
    size_t n = 0;
    corral_module_cache_key(e, wasm, sizeof wasm, key);
    CHECK(corral_module_serialize(m, key, &entry, &n) == NULL);
    CHECK(entry >= arena && entry < arena + sizeof arena); /* from the engine's allocator */
    corral_module *back = NULL;
    if (entry != NULL) {
        CHECK(corral_module_deserialize(e, wasm, sizeof wasm, key, entry, n, NULL, NULL, 0,
                                        &back) == NULL);
        if (back != NULL) run(e, back);
        corral_module_free(back);
        corral_module_free_buffer(m, entry);
    }
    corral_module_free(m);
    corral_engine_free(e);
    CHECK(host_calls == 2);
    CHECK(live == 0);
    if (failures) {
        fprintf(stderr, "vm_embed: %d check(s) failed\n", failures);
        return 1;
    }
    printf("vm_embed: ok (arena %zu bytes used, no block left)\n", arena_used);
    return 0;
}
