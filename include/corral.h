/*
 * corral.h - the one public header of the corral WebAssembly sandbox.
 *
 * Objects (all opaque):
 *   corral_engine    configuration shared by modules (fuel on/off, limits)
 *   corral_module    a decoded, validated and lowered module (immutable)
 *   corral_store     an execution context: limits, fuel, interrupt flag,
 *                    value stack; it owns every instance created in it
 *   corral_linker    a name -> extern table used to satisfy imports
 *   corral_instance  an instantiated module
 *   corral_func      a function (wasm or host), owned by its store
 *   corral_caller    what a host function sees of its caller
 *
 * Errors are constant strings (spec wording where the spec has one); NULL
 * means success.  Compare them by content, print them as they are.
 *
 * Memory: the engine allocates through corral_config.allocator (the C
 * allocator by default; corral_store_set_allocator per store), linear
 * memory through a store's corral_memory_ops when it has them.
 *
 * Libraries: libcorral.a is the engine and WASI (corral_run, the cache's
 * files, timers: it needs the OS and threads).  libcorral-vm.a is the
 * engine alone, for bare-metal and RTOS embedders: everything below but
 * corral_read_file, corral_module_new_cached, corral_run*, corral_timer*
 * and corral_snapshot.  Of libc it needs memory and string functions
 * (memcpy memmove memset memcmp strlen strcmp strchr; clang may call bcmp
 * for a memcmp), qsort, the maths of ceil floor trunc sqrt (double and
 * float), and malloc calloc realloc free only in its default allocator
 * (tests/check_vm_lib.sh keeps that list).
 *
 * Threads: one store is used by one thread at a time.  The only calls that
 * may come from another thread are corral_store_interrupt() and
 * corral_store_fuel_sample().  A module is immutable: many stores on many
 * threads may instantiate it at once.
 */
#ifndef CORRAL_H
#define CORRAL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version, the one source of it: the library's (corral_version),
 * the command's (corral --version), the module cache key's, and the
 * Makefile's (the shared library's soname and corral.pc read these three
 * lines).  MAJOR changes with an incompatible change of this API. */
#define CORRAL_VERSION_MAJOR 0
#define CORRAL_VERSION_MINOR 1
#define CORRAL_VERSION_PATCH 0
#define CORRAL_VERSION_STR_(x) #x
#define CORRAL_VERSION_XSTR_(x) CORRAL_VERSION_STR_(x)
/* "MAJOR.MINOR.PATCH" */
#define CORRAL_VERSION                                                                        \
    CORRAL_VERSION_XSTR_(CORRAL_VERSION_MAJOR) "." CORRAL_VERSION_XSTR_(CORRAL_VERSION_MINOR) \
    "." CORRAL_VERSION_XSTR_(CORRAL_VERSION_PATCH)

#if defined(__GNUC__) || defined(__clang__)
#define CORRAL_MUST_CHECK __attribute__((warn_unused_result))
#else
#define CORRAL_MUST_CHECK
#endif

typedef struct corral_engine corral_engine;
typedef struct corral_module corral_module;
typedef struct corral_store corral_store;
typedef struct corral_linker corral_linker;
typedef struct corral_instance corral_instance;
typedef struct corral_func corral_func;
typedef struct corral_caller corral_caller;
typedef struct corral_timer corral_timer;

/* Value types use their binary encodings. */
typedef enum {
    CORRAL_I32 = 0x7F,
    CORRAL_I64 = 0x7E,
    CORRAL_F32 = 0x7D,
    CORRAL_F64 = 0x7C,
    CORRAL_V128 = 0x7B,
    CORRAL_FUNCREF = 0x70,
    CORRAL_EXTERNREF = 0x6F
} corral_valtype;

/* A value.  Floats are carried as their bit patterns (f32 in i32, f64 in
 * i64) so that NaN payloads survive.  funcref is a corral_func* or NULL;
 * externref is any host pointer, NULL being ref.null. */
typedef struct {
    corral_valtype type;
    union {
        int32_t i32;
        int64_t i64;
        uint32_t f32_bits;
        uint64_t f64_bits;
        void *ref;
        uint8_t v128[16];
    } of;
} corral_val;

/* Export / import kinds, binary encodings. */
typedef enum {
    CORRAL_EXTERN_FUNC = 0,
    CORRAL_EXTERN_TABLE = 1,
    CORRAL_EXTERN_MEMORY = 2,
    CORRAL_EXTERN_GLOBAL = 3
} corral_extern_kind;

/* The library's version, CORRAL_VERSION when it was built: an embedder
 * linked to a shared libcorral can compare it with the header's. */
const char *corral_version(void);

/* ---- engine ---------------------------------------------------------- */

/* Where the engine's own memory comes from (every allocation of vm/:
 * modules, their code, stores, instances, tables, value stacks; linear
 * memory too, unless a store has corral_memory_ops).  The hooks get the
 * user pointer first.  Sizes are never 0 and free is never given NULL.
 * Blocks must be aligned as malloc's are (alignof(max_align_t)).
 *   alloc   size bytes, or NULL (the engine then fails with "out of memory")
 *   zalloc  optional (NULL: alloc, then the engine zeroes): size zeroed bytes
 *   resize  ptr grown or shrunk to size bytes (it may move), or NULL with
 *           ptr unchanged
 *   free    ptr, from alloc, zalloc or resize of the same allocator
 * One allocator may be used by several threads at once (modules are shared
 * by stores on many threads): make it thread-safe, or keep each engine and
 * its stores on one thread.  An object is always freed with the allocator
 * it was made with: an engine and the modules loaded under it with the
 * engine's (a module may outlive its engine), a store and everything in it
 * with the store's (the engine's, unless corral_store_set_allocator), a
 * linker with its store's at the time it was made.  Buffers the engine
 * hands out (corral_module_serialize, corral_snapshot_module) come from
 * the allocator of the module: free them with corral_module_free_buffer,
 * or with that allocator's free.  Without one, all of this is the C
 * allocator and free() is right for those buffers. */
typedef struct {
    void *(*alloc)(void *user, size_t size);
    void *(*zalloc)(void *user, size_t size);
    void *(*resize)(void *user, void *ptr, size_t size);
    void (*free)(void *user, void *ptr);
    void *user;
} corral_allocator;

/* Name the fields you set ({.consume_fuel = 1}) or zero the whole struct:
 * fields may be added. */
typedef struct {
    int consume_fuel; /* lower modules with fuel accounting (default off) */
    /* NULL: the C allocator.  Copied; alloc, resize and free are all
     * needed (else corral_engine_new returns NULL). */
    const corral_allocator *allocator;
} corral_config;

/* cfg may be NULL.  NULL when out of memory or cfg's allocator is incomplete. */
corral_engine *corral_engine_new(const corral_config *cfg);
void corral_engine_free(corral_engine *e);
/* Stop every load in progress on e (corral_module_new, and the decoding
 * of corral_module_new_cached): it fails with "interrupted while loading"
 * at its next check (between sections, functions, and every 64K
 * instructions or elements); so do later loads until the flag is
 * cleared.  Safe from any thread: a timeout's watchdog calls it. */
void corral_engine_interrupt(corral_engine *e);
void corral_engine_clear_interrupt(corral_engine *e);

/* ---- modules --------------------------------------------------------- */

/* Where a load failed: the section id / function index and byte offset. */
typedef struct {
    uint64_t offset;   /* byte offset in the binary */
    int64_t func;      /* defined-function index, or -1 */
} corral_diag;

/* Decode, validate and lower.  diag may be NULL. */
CORRAL_MUST_CHECK const char *corral_module_new(corral_engine *e, const uint8_t *bytes,
                                                size_t len, corral_module **out,
                                                corral_diag *diag);
void corral_module_free(corral_module *m);
/* Free a buffer made for m (corral_module_serialize's entry, the output of
 * corral_snapshot_module on an instance of m) with m's allocator. */
void corral_module_free_buffer(const corral_module *m, void *buf);

uint32_t corral_module_import_count(const corral_module *m);
void corral_module_import(const corral_module *m, uint32_t i, const char **module,
                          const char **name, corral_extern_kind *kind);
uint32_t corral_module_export_count(const corral_module *m);
void corral_module_export(const corral_module *m, uint32_t i, const char **name,
                          corral_extern_kind *kind);

/* Functions of the module, imported ones (which come first) included. */
uint32_t corral_module_func_count(const corral_module *m);
/* A function's name from the name section, or NULL. */
const char *corral_module_func_name(const corral_module *m, uint32_t func);

/* The lowered internal code of function `func` (module-wide index) as
 * text, for reading what the engine runs.  Writes at most cap bytes
 * (NUL-terminated) and returns the length the whole text needs. */
size_t corral_module_disasm(const corral_module *m, uint32_t func, char *buf, size_t cap);

/* ---- the module cache (vm/cache.c, wasi/cache.c) --------------------- */

/* BLAKE2b-256 (RFC 7693, unkeyed) of len bytes: the strong hash of keys. */
void corral_blake2b256(const void *data, size_t len, uint8_t out[32]);
/* An entry's checksum: a fast 256-bit hash that catches accidental damage
 * (not forgery: the cache directory's trust rule is what keeps it out). */
void corral_cache_checksum(const void *data, size_t len, uint8_t out[32]);

/* The cache key of a module: BLAKE2b-256 over its bytes, the engine's build
 * (version, cache format, handler table, struct sizes, source hash) and
 * every setting of e that changes the lowered code (fuel, dispatch). */
void corral_module_cache_key(const corral_engine *e, const uint8_t *bytes, size_t len,
                             uint8_t key[32]);
/* m as a cache entry (from m's allocator, *len bytes): header (magic, format, key),
 * payload, corral_cache_checksum of all before it.  key: corral_module_cache_key of m's
 * bytes under the engine that loaded m. */
CORRAL_MUST_CHECK const char *corral_module_serialize(const corral_module *m,
                                                      const uint8_t key[32], uint8_t **entry,
                                                      size_t *len);
/* The module of an entry, for the module bytes it was made from (the
 * entry refers to them, it does not hold them) and their key under e.
 * Any mismatch (length, checksum, magic, format, key, a count or index
 * out of range) is an error and no module.  The module runs its code in
 * place from the entry (4-aligned), so the entry must outlive it: on
 * success the module calls release(env) when it is freed (release NULL:
 * the caller frees the entry after the module); on an error nothing is
 * taken.  The module keeps a copy of bytes, unless flags has
 * CORRAL_BORROW_BYTES: then bytes must stay valid and unchanged until
 * the module is freed, and it uses them in place.  bytes may be NULL
 * (len still the module's length) when the entry needs none of them: its
 * memory 0 is the entry's image and it has no passive data; an entry that
 * needs them is then an error.  A module loaded so cannot be snapshotted
 * (corral_snapshot_module). */
#define CORRAL_BORROW_BYTES 1u
CORRAL_MUST_CHECK const char *corral_module_deserialize(corral_engine *e, const uint8_t *bytes,
                                                        size_t len, const uint8_t key[32],
                                                        const uint8_t *entry, size_t entry_len,
                                                        void (*release)(void *env), void *env,
                                                        unsigned flags, corral_module **out);

/* Which file a module's bytes were read from, so that the cache can find
 * the key of a file it has hashed before without hashing it again
 * (corral_read_file fills it).  known is 0 for a stream, or a file that
 * changed while it was read. */
typedef struct {
    int known;
    uint64_t dev, ino, size;
    int64_t mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
} corral_file_id;

/* The whole file at path (malloc'd, *len bytes; a FIFO or other stream is
 * read to its end), and its identity in *id when id is not NULL.  NULL
 * with errno set when it cannot be read. */
uint8_t *corral_read_file(const char *path, size_t *len, corral_file_id *id);

/* What corral_module_new_cached tells: a hit (1), a miss (0, the entry
 * then written) or no cache (-1: none given, or the directory unusable),
 * and each warning (an unusable cache dir or entry; the load goes on
 * without it). */
typedef struct {
    int hit;
    void (*warn)(const char *msg, void *env); /* NULL: no warnings */
    void *warn_env;
    /* The file the bytes came from (NULL: unknown).  A file whose key was
     * computed before is found by its identity (device, inode, size,
     * modification and change times) instead of hashing its bytes; its
     * key is remembered only once its change time is 2 s in the past, so
     * a file changed within a clock tick of being read is hashed again. */
    const corral_file_id *file;
    /* CORRAL_BORROW_BYTES: the bytes outlive the module (a hit then
     * uses them in place; corral_module_deserialize) */
    unsigned flags;
} corral_cache_info;

/* corral_module_new through the cache directory dir (NULL: no cache):
 * a valid entry is loaded, else the module is decoded and its entry
 * written (atomically).  dir is created 0700 if missing (its parent must
 * exist); a dir or entry writable by group or others, or owned by another
 * user, or an entry that is not a regular file, is refused with a
 * warning. */
CORRAL_MUST_CHECK const char *corral_module_new_cached(corral_engine *e, const char *dir,
                                                       const uint8_t *bytes, size_t len,
                                                       corral_module **out, corral_diag *diag,
                                                       corral_cache_info *info);

/* corral_module_new_cached for the module file at path, read only when it
 * must be: a file whose key the cache remembers (info->file is not used:
 * its identity is looked up here) and whose entry needs none of its bytes
 * (corral_module_deserialize) is loaded from the entry alone; otherwise
 * the file is read and kept in *wasm (malloc'd, *len bytes; the module
 * borrows it: free it after the module), else *wasm is NULL.  A file that
 * cannot be read: the error "cannot read the module file", errno set, no
 * module and *wasm NULL. */
CORRAL_MUST_CHECK const char *corral_module_load_file(corral_engine *e, const char *dir,
                                                      const char *path, uint8_t **wasm,
                                                      size_t *len, corral_module **out,
                                                      corral_diag *diag,
                                                      corral_cache_info *info);

/* ---- stores, limits, fuel -------------------------------------------- */

typedef struct {
    uint64_t max_memory_bytes; /* memory.grow past it returns -1 */
    uint64_t max_stack_bytes;  /* values + locals + frames; past it: "call stack exhausted" */
    uint64_t max_table_elems;  /* per table: table.grow past it returns -1 */
    /* The store's budget for instance state besides linear memory, over all
     * its instances: tables (8 bytes an element), functions, globals and
     * segment state.  Instantiation past it fails with "instance state
     * exceeds the store's limit"; table.grow past it returns -1.  Separate
     * from max_memory_bytes, which caps each linear memory.  Default 256 MiB. */
    uint64_t max_instance_bytes;
} corral_limits;

/* The defaults (VM_DEFAULT_* in corral_bounds.h, with their reasons;
 * ceilings in vm/limits.h). */
void corral_limits_default(corral_limits *l);

corral_store *corral_store_new(corral_engine *e, const corral_limits *l); /* l may be NULL */
void corral_store_free(corral_store *s); /* frees every instance in it */

/* Where a store's linear memories live (corral_store_set_memory_ops;
 * without it, the store's corral_allocator).  max is the most the memory may ever
 * grow to (its maximum, capped by max_memory_bytes), the same in every
 * call for one memory; sizes are multiples of 64 KiB. */
typedef struct {
    /* size zeroed bytes able to grow to max, or NULL (out of memory) */
    void *(*alloc)(void *user, size_t size, size_t max);
    /* data grown from size old to size new, the new bytes zeroed (it may
     * move); NULL: out of memory, data unchanged */
    void *(*grow)(void *user, void *data, size_t old, size_t new, size_t max);
    void (*free)(void *user, void *data, size_t size, size_t max);
    /* Optional (NULL: the engine copies).  Make the len bytes at dest, a
     * 64 KiB-aligned part of a memory from alloc, a private copy-on-write
     * view of src, which lies in the cache entry of a module loaded by
     * corral_module_deserialize(..., release, env, ...); release and env
     * say whose entry it is.  0 when done, 1 when not (the engine copies),
     * -1 when the bytes at dest are lost (instantiation: out of memory). */
    int (*map)(void *user, void *dest, const void *src, size_t len, void (*release)(void *env),
               void *env);
    void *user;
} corral_memory_ops;

/* Set before the store's first instance (else an error).  ops is copied.
 *
 * A device without an MMU gives its memory as a fixed region: alloc
 * returns the region when size fits in it (zeroing size bytes), grow
 * returns it again when new fits (zeroing the bytes from old to new),
 * and both return NULL past the region.  The limits still hold: memory.grow
 * past the module's maximum or max_memory_bytes returns -1 without asking
 * the ops, and so does a grow the ops refuse (tests/test_alloc_hooks.c).
 * The bookkeeping of a memory (a small struct) comes from the store's
 * corral_allocator. */
CORRAL_MUST_CHECK const char *corral_store_set_memory_ops(corral_store *s,
                                                          const corral_memory_ops *ops);

/* The store's allocator for everything made in it from now on (NULL: its
 * engine's again); its value stack moves to it.  Set it before the store
 * has any instance or host function (else an error, and nothing changes);
 * "out of memory" when the stack cannot be moved.  a is copied; alloc,
 * resize and free are all needed.  The store itself is freed with the
 * allocator it was made with. */
CORRAL_MUST_CHECK const char *corral_store_set_allocator(corral_store *s,
                                                         const corral_allocator *a);

/* Fuel: only with an engine made with consume_fuel.  UINT64_MAX = unlimited. */
CORRAL_MUST_CHECK const char *corral_store_set_fuel(corral_store *s, uint64_t fuel);
uint64_t corral_store_fuel_used(const corral_store *s);
/* The fuel used, from any thread while the guest runs (progress reports):
 * the count as of the guest's last host call, or of its answer to the
 * previous sample; each call also asks the guest to answer at its next
 * loop back-edge or call. */
uint64_t corral_store_fuel_sample(corral_store *s);
/* Highest linear-memory size (bytes) reached by any instance of the store. */
uint64_t corral_store_peak_memory(const corral_store *s);

/* Ask the running guest to stop; safe from any thread or a signal handler.
 * It traps with "interrupt" at the next loop back-edge or call. */
void corral_store_interrupt(corral_store *s);
void corral_store_clear_interrupt(corral_store *s);
/* Whether the interrupt flag is set (host calls that block poll it). */
int corral_store_interrupted(const corral_store *s);

/* ---- host functions and linking -------------------------------------- */

/* A host function gets its arguments and writes its results as raw 64-bit
 * slots (i32 in the low half, floats as bits; a v128 takes two slots, its
 * 16 bytes in memory order).  It returns NULL, or a trap
 * message that stops the guest.  To end the program, return
 * corral_caller_exit(caller, code). */
typedef const char *(*corral_host_fn)(corral_caller *c, void *env, const uint64_t *args,
                                      uint64_t *results);

/* The caller's default memory (memory 0), or NULL/0 if it has none.
 * The pointer is valid until the guest runs again (memory.grow may move it). */
uint8_t *corral_caller_memory(corral_caller *c, uint64_t *size);
corral_store *corral_caller_store(corral_caller *c);
const char *corral_caller_exit(corral_caller *c, int32_t code);

/* The trap string that means "the program exited"; read the code with
 * corral_store_exit_code(). */
extern const char corral_exit_trap[];
int32_t corral_store_exit_code(const corral_store *s);

corral_linker *corral_linker_new(corral_store *s);
void corral_linker_free(corral_linker *l);

/* sig: params ':' results, one letter per type (i I f F for i32 i64 f32
 * f64, v for v128, r for externref, R for funcref), e.g. "ii:i", ":", "iI:". */
CORRAL_MUST_CHECK const char *corral_linker_define_func(corral_linker *l, const char *module,
                                                        const char *name, const char *sig,
                                                        corral_host_fn fn, void *env);
/* Make every export of inst importable as module.name. */
CORRAL_MUST_CHECK const char *corral_linker_define_instance(corral_linker *l,
                                                            const char *module,
                                                            corral_instance *inst);

/* Resolve imports, allocate, initialise segments, run the start function.
 * The module must outlive the instance (its code is shared, not copied).
 * Errors: "unknown import", "incompatible import type", traps from segment
 * initialisation or the start function, limits.  On error *out is NULL. */
CORRAL_MUST_CHECK const char *corral_instantiate(corral_linker *l, const corral_module *m,
                                                 corral_instance **out);

/* ---- instances, exports, calls --------------------------------------- */

corral_func *corral_instance_func(corral_instance *inst, const char *name);
/* The same for a name of len bytes, which may hold NULs. */
corral_func *corral_instance_func_len(corral_instance *inst, const char *name, size_t len);
/* Types of a function: counts, and the types written to params/results
 * (arrays may be NULL). */
void corral_func_type(const corral_func *f, uint32_t *nparams, corral_valtype *params,
                      uint32_t *nresults, corral_valtype *results);

/* Call f.  args must match its params; results receives its results.
 * Returns NULL or the trap message. */
CORRAL_MUST_CHECK const char *corral_call(corral_store *s, corral_func *f,
                                          const corral_val *args, uint32_t nargs,
                                          corral_val *results, uint32_t nresults);

/* Where the store's last trap happened: its wasm frames, innermost first
 * (the one that trapped, then its callers), as Wasmtime's backtrace shows
 * them.  Frames of wasm that a host function called continue with the
 * frames below the host function. */
typedef struct {
    const corral_module *module; /* its module (NULL in corral_run_result) */
    uint32_t func;               /* module-wide function index (imports first) */
    const char *name;            /* from the name section, or NULL */
    /* Byte offset in the module's binary of the instruction: the one that
     * trapped (innermost frame), else the call that is in progress. */
    uint64_t offset;
} corral_frame;

/* The most frames a trap keeps (the innermost ones; the rest are counted). */
#define CORRAL_TRAP_FRAMES 32

/* The frames of the last trap of a call or instantiation in s: writes the
 * first min(cap, kept) to out and returns how many the trap had (more
 * than CORRAL_TRAP_FRAMES were counted but not kept).  0 after a call
 * that did not trap, or a trap outside wasm code (instantiation's
 * segments).  Names are the module's: valid while it is. */
size_t corral_store_trap_frames(const corral_store *s, corral_frame *out, size_t cap);

/* frames as text, one line each, "  at func 3 ($divide) offset 0x2a1"
 * (without a name: "  at func 3 offset 0x2a1"; control characters of a
 * name shown as '?'); a frame repeated right below itself (a recursion)
 * as one line and "  ... the same N more times"; then "  ... N more
 * frames" when total (the count the trap had) exceeds n.  Writes at most
 * cap bytes (NUL-terminated) and returns the length the whole text needs. */
size_t corral_frames_format(const corral_frame *frames, size_t n, size_t total, char *buf,
                            size_t cap);

/* Read an exported global.  Returns 0 if there is no such global export. */
int corral_instance_global(corral_instance *inst, const char *name, corral_val *out);

/* Exported memory by name, or memory 0 when name is NULL. */
uint8_t *corral_instance_memory(corral_instance *inst, const char *name, uint64_t *size);
/* Bounds-checked copies; return "out of bounds memory access" on failure. */
CORRAL_MUST_CHECK const char *corral_memory_read(corral_instance *inst, uint64_t off, void *buf,
                                                 size_t len);
CORRAL_MUST_CHECK const char *corral_memory_write(corral_instance *inst, uint64_t off,
                                                  const void *buf, size_t len);

/* ---- the one-call API: run a WASI program in the sandbox -------------- */

/* One more directory for the guest (corral run --map-dir HOST::GUEST[:ro]). */
typedef struct {
    const char *host;  /* a host directory */
    const char *guest; /* "/data", or a relative name ("sandbox") */
    int readonly;
} corral_run_dir;

/* Everything a run may be given; zero (all fields) is the strictest
 * default: no files, empty environment, empty stdin, no network, the
 * default limits, no timeout, no fuel accounting, stdout and stderr
 * passed through to the host's fds 1 and 2.  The controls mirror the
 * flags of `corral run` (docs/design.md, "Sandbox"). */
typedef struct {
    /* The guest's arguments; argv[0] is the program name it sees. */
    const char *const *argv;
    size_t argc;
    /* --env: "NAME=VALUE" strings, exactly what the guest sees. */
    const char *const *env;
    size_t nenv;
    /* --work-dir: host directory that is the guest's "/" (read-write), or NULL. */
    const char *work_dir;
    /* --map-dir, in order after work_dir. */
    const corral_run_dir *map_dirs;
    size_t nmap_dirs;
    /* --allow-host, --block-url, --block-network.  Kept for whoever
     * provides the network: libcorral itself has no network (it must build
     * without libcurl), so without a link hook that adds one every
     * connection is denied whatever they say.  corral run parses them into
     * a policy with net/ and passes net/'s imports through link below. */
    const char *const *allow_hosts;
    size_t nallow_hosts;
    const char *const *block_urls;
    size_t nblock_urls;
    const char *const *block_networks;
    size_t nblock_networks;
    /* --timeout: wall-clock limit in milliseconds (0: none).  At the
     * deadline the guest traps with "interrupt (timeout after N s)", also
     * when it is blocked sleeping or reading stdin.  corral_run starts the
     * clock before loading: a load that outlasts it is a LOAD_ERROR
     * "timeout while loading the module (after N s)", with timed_out set. */
    uint64_t timeout_ms;
    /* --max-memory, --max-stack: bytes (0: the default, 4 GiB and 1 MiB). */
    uint64_t max_memory;
    uint64_t max_stack;
    /* --fuel: with has_fuel, the instruction budget.  measure_fuel turns
     * fuel accounting on without a budget, for stats.fuel_used. */
    int has_fuel;
    uint64_t fuel;
    int measure_fuel;
    /* --cache-dir: the module cache's directory (corral_module_new_cached),
     * or NULL.  Its warnings go to on_warning, or to stderr when NULL. */
    const char *cache_dir;
    const corral_file_id *module_file; /* where wasm was read (NULL: unknown) */
    /* With no wasm (corral_run's NULL), the module file to load, through
     * corral_module_load_file: with a cache_dir it is not even read when
     * its remembered entry needs none of its bytes.  One that cannot be
     * read is a LOAD_ERROR "cannot read PATH: why". */
    const char *module_path;
    void (*on_warning)(const char *msg, void *env);
    void *on_warning_env;
    /* --invoke: call this export instead of _start (after _initialize if
     * the module has one), with invoke_args parsed by its parameter types
     * (i32/i64: decimal or 0x hex; f32/f64: decimal; v128: 0x and up to
     * 32 hex digits, the low byte lane 0); its results go to
     * corral_run_result.results.  NULL: run _start. */
    const char *invoke;
    const char *const *invoke_args;
    size_t ninvoke_args;
    /* stdin: these bytes; else, with inherit_stdin, the host's fd 0; else
     * empty. */
    const uint8_t *stdin_data;
    size_t stdin_len;
    int inherit_stdin;
    /* 0: stdout and stderr go to the host's fds 1 and 2.  Otherwise each
     * is captured up to capture_cap bytes; the rest is dropped and counted. */
    size_t capture_cap;
    /* A hook that defines more imports (corral run: the "corral_net"
     * module of net/).  Called once, after the WASI functions are linked
     * and right before the timeout clock starts and the module is
     * instantiated, with the run's linker and store (the hook may keep the
     * store to poll corral_store_interrupted() while it blocks; a timeout
     * interrupts it).  A non-NULL return is a load error.  NULL: no hook. */
    const char *(*link)(corral_linker *l, corral_store *s, void *env);
    void *link_env;
    /* A hook that is told of the run's store: called with it once it has
     * its limits and fuel, before anything runs, and with NULL just before
     * it is freed.  In between, another thread may pass it to
     * corral_store_interrupt() (to cancel the run: the trap is
     * "interrupt") or corral_store_fuel_sample().  NULL: no hook. */
    void (*on_store)(corral_store *s, void *env);
    void *on_store_env;
    /* The thread that enforces timeout_ms: a timer of the caller's, shared
     * by many runs (a server's), or NULL to start one for this run. */
    corral_timer *timer;
} corral_run_options;

typedef enum {
    CORRAL_RUN_EXITED = 0,  /* ran to the end (exit_code 0) or called proc_exit */
    CORRAL_RUN_TRAPPED = 1, /* trapped: exit_code 134, trap holds the message */
    CORRAL_RUN_LOAD_ERROR = 2, /* could not load, validate, link or start: exit_code 1 */
    CORRAL_RUN_BAD_OPTION = 3  /* an option is unusable (a directory that cannot be
                                  opened, --invoke arguments): exit_code 2 */
} corral_run_outcome;

typedef struct {
    corral_run_outcome outcome;
    /* What `corral run` exits with: the guest's exit code, 134 after a
     * trap, 1 for a load error, 2 for a bad option.  corral_run returns it. */
    int exit_code;
    /* TRAPPED: the trap message ("out of bounds memory access",
     * "interrupt (timeout after 0.5 s)", "all fuel consumed by WebAssembly",
     * ...).  NULL otherwise. */
    const char *trap;
    /* TRAPPED: where (corral_store_trap_frames): nframes of them (at most
     * CORRAL_TRAP_FRAMES, names copied, module NULL) of the frames_total
     * the trap had; NULL/0 otherwise. */
    corral_frame *frames;
    size_t nframes;
    size_t frames_total;
    int timed_out; /* the timeout_ms deadline was reached */
    /* LOAD_ERROR, BAD_OPTION: the reason ("magic header not detected (at
     * byte offset 0x0)", "unknown import: env::foo", "--map-dir ...: No such
     * file or directory").  Options are named by their corral run flags. */
    const char *error;
    /* --invoke's results (NULL/0 otherwise). */
    corral_val *results;
    uint32_t nresults;
    /* Captured output (capture_cap > 0): at most capture_cap bytes each,
     * NUL-terminated for convenience; *_dropped counts what the guest wrote
     * past the cap, *_truncated says whether it did. */
    uint8_t *stdout_data;
    size_t stdout_len;
    uint64_t stdout_dropped;
    int stdout_truncated;
    uint8_t *stderr_data;
    size_t stderr_len;
    uint64_t stderr_dropped;
    int stderr_truncated;
    /* Statistics.  fuel_used needs has_fuel or measure_fuel. */
    uint64_t fuel_used;
    double load_ms;    /* read, validate and lower (or load from the cache) */
    /* From the start of the call to the first guest instruction of the
     * entry point (load, instantiate, link: up to the call of _start). */
    double start_ms;
    int cache; /* -1: no --cache-dir; 0: a miss (entry written); 1: a hit */
    double elapsed_ms; /* the whole call */
    uint64_t peak_memory_bytes;
} corral_run_result;

/* Load wasm (len bytes), set up the sandbox of opt (NULL: all defaults)
 * and run it to the end.  Always fills *res (free it with
 * corral_run_result_free) and returns res->exit_code.  Safe to call from
 * several threads at once; it starts at most one thread of its own (the
 * timeout watchdog) and joins it before it returns.  It leaves signal
 * dispositions alone: with pass-through output, a program that wants
 * EPIPE instead of SIGPIPE should ignore SIGPIPE itself. */
int corral_run(const uint8_t *wasm, size_t len, const corral_run_options *opt,
               corral_run_result *res);
/* The same with a module already loaded by engine (load_ms is then 0), for
 * running one module many times, from several threads at once.  With
 * has_fuel or measure_fuel the engine must have been made with
 * consume_fuel (else a load error says so). */
int corral_run_module(corral_engine *engine, const corral_module *module,
                      const corral_run_options *opt, corral_run_result *res);
void corral_run_result_free(corral_run_result *res);

/* One thread that enforces the timeouts of many runs at once, so that a
 * run does not start a thread of its own (corral_run_options.timer).  Free
 * it after the last run that uses it has returned.  NULL, with errno
 * set, when a thread cannot be started. */
corral_timer *corral_timer_new(void);
void corral_timer_free(corral_timer *t);

/* ---- pre-initialised modules (corral snapshot) ------------------------ */

/* The engine half (vm/snapshot.c): inst's module rewritten with the state
 * inst holds now: memory (data segments for its non-zero bytes, minimum =
 * its size), globals (inits = their values), tables (elem segments for
 * their contents, minimum = their size); the start function dropped; the
 * exports named in drop_exports removed.  Passive segments keep their
 * indices (a dropped one is empty).  *out comes from the allocator of
 * inst's module (corral_module_free_buffer).  Refused, with a
 * message in why (why_cap bytes) that is also returned: imported memory,
 * tables or mutable globals, and a table entry or global that holds an
 * externref or a function that is neither the module's nor its import. */
CORRAL_MUST_CHECK const char *corral_snapshot_module(corral_instance *inst,
                                                     const char *const *drop_exports,
                                                     size_t ndrop, uint8_t **out,
                                                     size_t *out_len, char *why,
                                                     size_t why_cap);

/* The sandbox of the initialiser (zero: the defaults). */
typedef struct {
    uint64_t fuel;       /* instruction budget (0: 10^10) */
    uint64_t timeout_ms; /* wall-clock limit (0: 10 s) */
    uint64_t max_memory; /* linear memory cap (0: 4 GiB) */
    uint64_t max_stack;  /* wasm stack cap (0: 1 MiB) */
} corral_snapshot_options;

typedef struct {
    uint8_t *wasm; /* the pre-initialised module (malloc'd), or NULL */
    size_t len;
    char *error;   /* why there is none (malloc'd), or NULL */
    uint64_t fuel_used;
    uint64_t peak_memory_bytes;
} corral_snapshot_result;

/* Load wasm, run its start function, its _initialize export if it has one
 * and its wizer.initialize export under opt's limits, with no files, no
 * network and no clock (wasi/snapshot.c lists the WASI calls that answer),
 * and write the result with corral_snapshot_module, dropping both exports.
 * Returns 0 with res->wasm, or 1 with res->error. */
int corral_snapshot(const uint8_t *wasm, size_t len, const corral_snapshot_options *opt,
                    corral_snapshot_result *res);
void corral_snapshot_result_free(corral_snapshot_result *res);

#ifdef __cplusplus
}
#endif
#endif
