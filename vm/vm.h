/*
 * vm.h - the engine's internal types: modules, runtime objects, the store.
 *
 * Ownership: a vm_module is immutable after loading and may be shared by
 * many instances.  Every runtime object (instance, memory, table, global,
 * func) belongs to exactly one store and is freed with it.
 *
 * Passes, one file each:
 *   decode.c    binary -> vm_module (sections, constant expressions)
 *   compile.c   validate + lower each function body into internal code
 *   instance.c  link imports, allocate, initialise segments, start
 *   interp.c    run the internal code
 *   api.c       the public corral_* API over all of the above
 */
#ifndef VM_H
#define VM_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloc.h"
#include "corral.h"
#include "limits.h"

/* A value slot: every value is 64 raw bits (i32 in the low half, floats as
 * their bit patterns, references as pointers), except a v128, which takes
 * two consecutive slots holding its 16 bytes in wasm's (little-endian)
 * memory order: on a little-endian host, lanes 0..7 of bytes in the first
 * slot as an integer, bytes 8..15 in the second (vm/simd.h reads lanes). */
typedef uint64_t vm_slot;

/* Value types: their binary encodings. */
enum {
    VM_I32 = 0x7F, VM_I64 = 0x7E, VM_F32 = 0x7D, VM_F64 = 0x7C, VM_V128 = 0x7B,
    VM_FUNCREF = 0x70, VM_EXTERNREF = 0x6F,
    VM_ANY = 0 /* validation only: the unknown type of a polymorphic stack */
};

/* How many slots a value of type t takes, and a sequence of types. */
static inline uint32_t vm_type_slots(uint8_t t) { return t == VM_V128 ? 2 : 1; }
static inline uint32_t vm_types_slots(const uint8_t *t, uint32_t n) {
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++) k += vm_type_slots(t[i]);
    return k;
}

/* Trap and error messages, spec wording (defined in api.c). */
extern const char vm_trap_unreachable[], vm_trap_div_zero[], vm_trap_int_overflow[],
    vm_trap_bad_conversion[], vm_trap_oob_memory[], vm_trap_oob_table[],
    vm_trap_undefined_elem[], vm_trap_uninit_elem[], vm_trap_indirect_type[],
    vm_trap_stack[], vm_trap_fuel[], vm_trap_interrupt[], vm_err_nomem[],
    vm_err_load_interrupt[];

typedef struct {
    uint32_t nparams, nresults;
    uint8_t *types; /* nparams params, then nresults results */
    uint32_t param_slots, result_slots; /* frame slots they take (vm_type_slots) */
} vm_functype;

/* Fill in a type's slot counts once its types are set. */
static inline void vm_functype_count_slots(vm_functype *t) {
    t->param_slots = vm_types_slots(t->types, t->nparams);
    t->result_slots = vm_types_slots(t->types + t->nparams, t->nresults);
}

typedef struct {
    uint64_t min, max; /* max == UINT64_MAX when absent (never a valid maximum) */
} vm_limits;

static inline bool vm_limits_has_max(const vm_limits *l) { return l->max != UINT64_MAX; }

typedef struct {
    uint8_t type;
    bool mut;
} vm_globaltype;

typedef struct {
    uint8_t elemtype;
    vm_limits lim;
} vm_tabletype;

/* A constant expression (spec 3.3.10), already decoded. */
enum { VM_CE_CONST, VM_CE_GLOBAL, VM_CE_REF_NULL, VM_CE_REF_FUNC };
typedef struct {
    uint8_t kind;
    uint8_t type;   /* the value type it produces */
    uint64_t value; /* constant bits, global index or function index */
    uint64_t hi;    /* v128 constant: the second slot (vm_slot) */
} vm_constexpr;

typedef struct {
    char *module, *name;
    uint8_t kind; /* CORRAL_EXTERN_* */
    union {
        uint32_t type; /* function: type index */
        vm_tabletype table;
        vm_limits mem;
        vm_globaltype global;
    } u;
} vm_import;

typedef struct {
    char *name;
    uint32_t name_len; /* names may hold NUL bytes */
    uint8_t kind;
    uint32_t index;
} vm_export;

/* A defined function: its source and its lowered code (code.h). */
typedef struct {
    uint32_t type;
    uint32_t nlocals;   /* declared locals, params excluded */
    uint8_t *local_types; /* params then locals */
    uint32_t nlocal_slots; /* the slots the declared locals take (zeroed on entry) */
    const uint8_t *body; /* expression bytes inside the module's copy */
    uint32_t body_len;
    uint64_t body_offset; /* offset in the binary, for messages */
    uint32_t *code;     /* lowered internal code */
    uint32_t code_len;
    uint32_t nslots;    /* frame size: params + locals + operand stack */
    /* Fuel side table (only with fuel): the observable instructions (those
     * that trap, have effects or jump), sorted, as triples: code offset,
     * cost of the segment through it, and the segment's whole cost. */
    uint32_t nmeter;
    uint32_t *meter;
    /* Trap locations (vm/trace.c): for every instruction that can trap or
     * calls (the meter's observable ones, with or without fuel, and each
     * label's FUEL), in code order, the code offset and the wasm offset
     * in the body, as LEB128 pairs of deltas (the wasm one zigzag
     * signed).  Read only when a trap happens. */
    uint8_t *locs;
    uint32_t locs_len;
} vm_funcdef;

enum { VM_SEG_ACTIVE, VM_SEG_PASSIVE, VM_SEG_DECLARATIVE };

typedef struct {
    uint8_t mode;
    uint8_t type;   /* funcref or externref */
    uint32_t table;
    vm_constexpr offset;
    uint32_t count;
    vm_constexpr *items;
} vm_elem;

typedef struct {
    uint8_t mode;
    uint32_t mem;
    vm_constexpr offset;
    const uint8_t *bytes;
    uint32_t len;
} vm_data;

typedef struct {
    uint32_t page, npages;  /* wasm pages of memory 0 */
    const uint8_t *bytes;   /* npages * VM_PAGE_SIZE bytes in the entry */
} vm_image_run;

struct corral_module {
    corral_allocator alloc; /* its engine's, for all it holds and for itself */
    uint8_t *bytes; /* our own copy of the binary, or the caller's */
    size_t len;
    bool bytes_borrowed; /* the caller's (CORRAL_BORROW_BYTES): not freed */
    bool fuel;      /* lowered with fuel accounting */
    /* Loaded from a cache entry (vm/cache.c): the functions' code and
     * meters are read in place from it, and entry_release(entry_env) is
     * called when the module is freed (NULL: the caller keeps the entry
     * longer than the module). */
    const uint8_t *entry;
    void (*entry_release)(void *env);
    void *entry_env;
    /* From an entry too: memory 0 as its active data segments leave it, as
     * runs of whole pages in the entry (instantiation maps or copies them
     * instead of applying the segments); nimage 0 when there is none. */
    uint32_t nimage;
    vm_image_run *image;
    uint32_t ntypes;
    vm_functype *types;
    uint32_t nimports;
    vm_import *imports;
    uint32_t nfuncs, nfunc_imports; /* nfuncs counts imports too */
    uint32_t *func_types;           /* type index of every function */
    vm_funcdef *funcs;              /* defined functions */
    uint32_t ntables, ntable_imports;
    vm_tabletype *tables;
    uint32_t nmems, nmem_imports;
    vm_limits *mems;
    uint32_t nglobals, nglobal_imports;
    vm_globaltype *globals;
    vm_constexpr *global_inits; /* defined globals only */
    uint32_t nexports;
    vm_export *exports;
    int64_t start; /* -1 when absent */
    uint32_t nelems;
    vm_elem *elems;
    uint32_t ndatas;
    int64_t data_count; /* -1 when the section is absent */
    bool data_idx_used; /* code uses memory.init or data.drop */
    vm_data *datas;
    bool *func_declared; /* may be named by ref.func in code */
    char **func_names;   /* from the name section; entries may be NULL */
    const atomic_int *load_interrupt; /* while loading: the engine's flag, or NULL */
};

/* Whether the load in progress must stop (corral_engine_interrupt).  The
 * decoder polls it between sections, functions and every so many items. */
static inline bool vm_load_interrupted(const corral_module *m) {
    return m->load_interrupt && atomic_load_explicit(m->load_interrupt, memory_order_relaxed);
}
#define VM_LOAD_POLL 0xFFFFu /* items (instructions, elements) between polls, minus 1 */

/* ---- runtime objects ------------------------------------------------------ */

typedef struct vm_memory {
    uint8_t *data;
    uint64_t size;  /* bytes: pages * VM_PAGE_SIZE */
    uint64_t reach; /* the most it may grow to (corral_memory_ops' max) */
    bool has_max;   /* declared a maximum: max_pages is it (import matching) */
    uint64_t max_pages; /* the maximum, else VM_MAX_PAGES */
    struct vm_memory *next; /* store's list */
} vm_memory;

typedef struct vm_table {
    void **elems;
    uint32_t size;
    bool has_max; /* declared a maximum: max is it (import matching) */
    uint64_t max; /* the maximum, else 0xFFFFFFFF */
    uint8_t type;
    struct vm_table *next;
} vm_table;

typedef struct vm_global {
    vm_slot val;
    vm_slot val_hi; /* v128: the second slot */
    vm_globaltype type;
    struct vm_global *next;
} vm_global;

struct corral_func {
    const uint32_t *code; /* wasm: copied from def, for the call path */
    uint32_t nparams, nlocals, nslots; /* in slots: params, declared locals, frame */
    bool entry_fuel; /* the code starts with a FUEL, which calls charge themselves */
    const vm_functype *type;
    corral_instance *inst; /* NULL for a host function */
    const vm_funcdef *def; /* wasm: its definition */
    corral_host_fn host;
    void *env;
    vm_functype own_type; /* host: its type */
    struct corral_func *next;
};

struct corral_instance {
    const corral_module *mod;
    corral_store *store;
    corral_func **funcs;
    vm_table **tables;
    vm_memory *mem; /* memory 0, or NULL */
    vm_global **globals;
    uint32_t nelems;
    uint32_t *elem_len;  /* element segments: length, 0 once dropped */
    void ***elem_items;  /* ...and their evaluated references */
    uint32_t *data_len;  /* data segments: length, 0 once dropped */
    struct corral_instance *next;
};

/* A call frame: where to resume the caller. */
typedef struct {
    const uint32_t *ret_ip; /* NULL: return to the host */
    vm_slot *fp;
    corral_instance *inst;
} vm_frame;

/* The backtrace of a store's last trap (vm/trace.c): its innermost
 * VM_TRACE_FRAMES wasm frames, innermost first; total counts them all. */
#define VM_TRACE_FRAMES 32
typedef struct {
    const corral_module *mod;
    uint32_t func;   /* module-wide index */
    uint64_t offset; /* in the module's bytes */
} vm_trace_frame;

typedef struct {
    vm_trace_frame frames[VM_TRACE_FRAMES];
    uint32_t n;
    uint64_t total;
    const char *err;  /* the trap it belongs to */
    vm_frame *top;    /* the entry frame pointer of the run that recorded it */
    bool nested;      /* set by a host function's error: a trap of wasm it
                         called continues with the frames below it */
} vm_trace;

struct corral_engine {
    corral_allocator alloc; /* for itself and the modules loaded under it */
    bool fuel;
    atomic_int interrupt; /* stops loads in progress (corral_engine_interrupt) */
};

struct corral_store {
    corral_engine *engine;
    corral_allocator alloc;     /* everything in the store (corral_store_set_allocator) */
    corral_allocator made_with; /* the store struct itself: its engine's */
    corral_limits limits;
    /* One region of max_stack_bytes: value slots grow up from `stack`,
     * frames grow down from its end, and they must not meet. */
    vm_slot *stack, *stack_top;
    vm_frame *frames_end, *fsp;
    uint64_t fuel;       /* remaining */
    uint64_t fuel_start; /* as set, for fuel used */
    uint64_t peak_memory;
    uint64_t instance_bytes; /* taken from limits.max_instance_bytes (instance.c) */
    /* Bit VM_INTERRUPT_STOP: stop the guest; bit VM_INTERRUPT_SAMPLE:
     * publish the fuel left in fuel_seen (corral_store_fuel_sample). */
    atomic_int interrupt;
    atomic_uint_least64_t fuel_seen; /* fuel left, as last published */
    uint32_t *meter_buf;  /* a copy of the segment that runs out of fuel */
    size_t meter_cap;
    int32_t exit_code;
    corral_instance *instances;
    corral_func *funcs;
    vm_memory *memories;
    corral_memory_ops mem_ops; /* alloc NULL: the store's allocator */
    vm_trace trace;
    vm_table *tables;
    vm_global *globals;
};

enum { VM_INTERRUPT_STOP = 1, VM_INTERRUPT_SAMPLE = 2 };

struct corral_caller {
    corral_store *store;
    corral_instance *inst;
};

/* ---- between the passes ---------------------------------------------------- */

/* decode.c: parse the whole binary; compile each body with vm_compile. */
const char *vm_decode(corral_module *m, corral_diag *diag);
/* compile.c: validate and lower one defined function (index among defined). */
const char *vm_compile(corral_module *m, uint32_t defidx, uint64_t *err_offset);
bool vm_opcode_known(uint8_t b);
/* interp.c: turn opcode numbers into handler offsets (computed goto only),
 * and the table that maps them, or NULL when dispatch is a switch. */
void vm_thread(uint32_t *code, uint32_t len);
const int32_t *vm_handler_offsets(void);
uint32_t vm_fuel_unit(void); /* the opcode unit of FUEL in lowered code */
uint32_t vm_instr_len(const uint32_t *ip); /* disasm.c; ip holds an opcode number */
/* interp.c: run f with args in s->stack_top[0..nparams); results replace them. */
const char *vm_run(corral_store *s, corral_func *f, vm_slot *args);
/* trace.c: the defined function whose code holds ip, or NULL; record the
 * backtrace of a trap at ip (in the fuel-short copy when short_def is set:
 * the copy of short_def's code at short_at), the frames fsp..entry_fsp
 * below it. */
const vm_funcdef *vm_func_at(const corral_module *m, const uint32_t *ip);
void vm_trace_trap(corral_store *s, const corral_instance *inst, const uint32_t *ip,
                   const vm_funcdef *short_def, const uint32_t *short_at,
                   const vm_frame *fsp, const vm_frame *entry_fsp, const char *err);
/* Forget the last trap's frames (a new call or instantiation begins). */
static inline void vm_trace_clear(corral_store *s) {
    s->trace.n = 0;
    s->trace.total = 0;
    s->trace.nested = false;
}
/* instance.c */
bool vm_functype_eq(const vm_functype *a, const vm_functype *b);
const char *vm_memory_grow(corral_store *s, vm_memory *m, uint64_t delta, uint32_t *old_pages);
const char *vm_table_grow(corral_store *s, vm_table *t, uint32_t delta, void *init, uint32_t *old);
void vm_module_free(corral_module *m);

static inline const uint8_t *vm_type_params(const vm_functype *t) { return t->types; }
static inline const uint8_t *vm_type_results(const vm_functype *t) { return t->types + t->nparams; }

#endif
