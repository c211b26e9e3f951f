/*
 * embed.c - the smallest embedding of corral: load a module, give it a host
 * function, call one of its exports, read its memory.
 *
 *   cc -o embed embed.c $(pkg-config --cflags --libs corral)
 *   ./embed     prints  guest says: Hello, embedder!
 *                       add(2, 3) = 5
 *                       memory[32] = 5
 *
 * The module, as text (its bytes are below, section by section):
 *
 *   (module
 *     (import "env" "log" (func $log (param i32 i32)))   ;; pointer, length
 *     (memory (export "memory") 1)
 *     (data (i32.const 0) "Hello, embedder!")
 *     (func (export "add") (param $a i32) (param $b i32) (result i32)
 *       (call $log (i32.const 0) (i32.const 16))
 *       (i32.store (i32.const 32) (i32.add (local.get $a) (local.get $b)))
 *       (i32.add (local.get $a) (local.get $b))))
 */
#include <stdio.h>
#include <string.h>

#include <corral.h>

static const uint8_t module_bytes[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, /* "\0asm", version 1 */
    /* types: 0 = (i32 i32) -> (), 1 = (i32 i32) -> i32 */
    0x01, 0x0c, 0x02, 0x60, 0x02, 0x7f, 0x7f, 0x00, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f,
    /* imports: env.log, a function of type 0 */
    0x02, 0x0b, 0x01, 0x03, 'e', 'n', 'v', 0x03, 'l', 'o', 'g', 0x00, 0x00,
    /* functions: one of type 1 (function 1: imports come first) */
    0x03, 0x02, 0x01, 0x01,
    /* memories: one, at least 1 page */
    0x05, 0x03, 0x01, 0x00, 0x01,
    /* exports: "memory" = memory 0, "add" = function 1 */
    0x07, 0x10, 0x02, 0x06, 'm', 'e', 'm', 'o', 'r', 'y', 0x02, 0x00, 0x03, 'a', 'd', 'd',
    0x00, 0x01,
    /* code: add's body, no locals */
    0x0a, 0x19, 0x01, 0x17, 0x00,
    0x41, 0x00, 0x41, 0x10, 0x10, 0x00,             /* call $log (0, 16) */
    0x41, 0x20, 0x20, 0x00, 0x20, 0x01, 0x6a,       /* 32, a + b */
    0x36, 0x02, 0x00,                               /* i32.store */
    0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b,             /* a + b, end */
    /* data: "Hello, embedder!" at address 0 of memory 0 */
    0x0b, 0x16, 0x01, 0x00, 0x41, 0x00, 0x0b, 0x10,
    'H', 'e', 'l', 'l', 'o', ',', ' ', 'e', 'm', 'b', 'e', 'd', 'd', 'e', 'r', '!',
};

/* env.log(pointer, length): print that much of the caller's memory.  A
 * host function checks the guest's pointer and length itself: a trap
 * message (any string) stops the guest. */
static const char *host_log(corral_caller *c, void *env, const uint64_t *args,
                            uint64_t *results)
{
    (void)env;
    (void)results;
    uint64_t size;
    uint8_t *mem = corral_caller_memory(c, &size);
    uint32_t ptr = (uint32_t)args[0], len = (uint32_t)args[1];
    if (mem == NULL || ptr > size || len > size - ptr)
        return "env.log: out of bounds";
    printf("guest says: %.*s\n", (int)len, (const char *)mem + ptr);
    return NULL;
}

int main(void)
{
    corral_engine *engine = corral_engine_new(NULL);
    corral_store *store = corral_store_new(engine, NULL); /* the default limits */
    corral_linker *linker = corral_linker_new(store);
    corral_module *module = NULL;
    corral_instance *inst = NULL;
    const char *err;
    int status = 1;
    if (engine == NULL || store == NULL || linker == NULL) {
        fputs("embed: out of memory\n", stderr);
        goto out;
    }

    /* Decode, validate and lower; then link env.log and instantiate. */
    corral_diag diag;
    err = corral_module_new(engine, module_bytes, sizeof module_bytes, &module, &diag);
    if (err == NULL)
        err = corral_linker_define_func(linker, "env", "log", "ii:", host_log, NULL);
    if (err == NULL)
        err = corral_instantiate(linker, module, &inst);
    if (err != NULL) {
        fprintf(stderr, "embed: %s\n", err);
        goto out;
    }

    /* Call add(2, 3). */
    corral_func *add = corral_instance_func(inst, "add");
    corral_val args[2] = {{.type = CORRAL_I32, .of.i32 = 2}, {.type = CORRAL_I32, .of.i32 = 3}};
    corral_val result;
    if (add == NULL) {
        fputs("embed: no export add\n", stderr);
        goto out;
    }
    err = corral_call(store, add, args, 2, &result, 1);
    if (err != NULL) {
        fprintf(stderr, "embed: add trapped: %s\n", err);
        goto out;
    }
    printf("add(2, 3) = %d\n", result.of.i32);

    /* Read what add stored at address 32 (little-endian, as wasm is). */
    uint8_t word[4];
    err = corral_memory_read(inst, 32, word, sizeof word);
    if (err != NULL) {
        fprintf(stderr, "embed: %s\n", err);
        goto out;
    }
    printf("memory[32] = %u\n", (unsigned)(word[0] | word[1] << 8 | word[2] << 16 |
                                           (uint32_t)word[3] << 24));
    status = 0;

out:
    /* The store owns its instances; the module must outlive them. */
    corral_linker_free(linker);
    corral_store_free(store);
    corral_module_free(module);
    corral_engine_free(engine);
    return status;
}
