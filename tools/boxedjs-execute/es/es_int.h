/* es_int.h - what the passes of es/ share: scopes, bindings, the emitter. */
#ifndef ES_INT_H
#define ES_INT_H

#include "es.h"
#include "lex.h"

/* more node flags, set by scope.c */
#define ES_F_WRAP      0x10000u  /* loop: its body runs in a function per
                                    iteration (a closure captures a binding
                                    of the iteration) */
#define ES_F_TDZ       0x20000u  /* ES_IDENT: check for the dead zone */
#define ES_F_CONSTW    0x40000u  /* ES_IDENT: an assignment to a const */
#define ES_F_TDZW      0x100000u /* ES_IDENT target: check the dead zone
                                    before the write */
#define ES_F_LEXTHIS   0x80000u  /* ES_THIS / arguments / new.target: the
                                    enclosing function's (captured) */

enum { B_VAR = 1, B_FUNC, B_PARAM, B_LET, B_CONST, B_CLASS, B_CATCH, B_SELF };

struct es_binding {
    const char *name;       /* as written */
    const char *emit;       /* as emitted (renamed when block-scoped) */
    const char *alt;        /* the per-iteration copy (loop head, ES_F_WRAP) */
    int kind;
    uint8_t tdz;            /* reset to the hole at scope entry */
    es_scope *scope;
    es_node *loop;          /* innermost loop around it (same function) */
    uint32_t decl_end;      /* end of its declarator (dead zone before) */
    uint32_t first_use;     /* where it is first named (UINT32_MAX: not yet) */
    es_binding *next;
    es_binding *hnext;      /* in its scope's hash chain */
};

enum { S_FUNC = 1, S_BLOCK };

struct es_scope {
    int kind;
    es_scope *parent, *func;
    es_node *node;
    es_binding *binds;
    es_binding **tab;       /* a hash of binds, once there are many */
    int nbinds, tabcap;
    es_node *loop;          /* innermost loop around (same function) */
    uint8_t arrow;          /* S_FUNC of an arrow */
    uint8_t uses_this, uses_args, uses_nt;  /* captured by its arrows */
    uint8_t own_args;       /* S_FUNC (not an arrow): its arguments object is
                               read (it is given its @@iterator) */
};

int es_scope_resolve(es_node *prog, es_arena *ar, char *err, size_t errn,
                     int *eline, int *ecol);

/* ---- the emitter -------------------------------------------------- */
typedef struct { char *p; size_t n, cap; } es_buf;

typedef struct es_wrap {        /* a loop body being emitted as a function */
    struct es_wrap *up;
    es_node *loop;
    const char *labels[8];      /* the loop's own labels */
    int nlabels;
    int inner;                  /* breakable statements opened inside */
    int inner_loops;
    const char *inner_labels[32];
    int ninner_labels;
    const char *jumps[16];      /* "b:L" / "c:L" escaping to outer labels */
    int njumps;
    int has_return;
} es_wrap;

typedef struct es_fn {          /* the function being emitted */
    struct es_fn *up;
    es_node *node;              /* ES_FUNC or ES_PROGRAM (or NULL: a wrapper) */
    int arrow;                  /* arrows and wrappers see the outer this */
    const char **tmps;          /* in the arena, grown by doubling */
    int ntmps, captmps;
    const char **hoist;         /* vars of the real function met in a wrapper */
    int nhoist, caphoist;
    int need_this, need_args, need_nt;
    int derived;                /* derived constructor: this is $this */
    const char *home;           /* home object of super (text) */
    const char *superc;         /* the superclass (text) */
    const char *cls;            /* class name inside its body */
    es_wrap *wrap;
    int alias_ok;               /* a function of its own (es_emit_func): it
                                   may keep $es.M in a local, $esM */
    int use_esM;                /* ... and does */
    int use_esm;                /* keeps its own copy of an outer $esM */
    int nofields;               /* a class constructor whose class has no
                                   instance fields (super() skips $es.fi) */
    const char *priv[8];        /* private names it keeps in locals ($esq_x
                                   = $es_p_x): es_private */
    int npriv;
} es_fn;

struct es_ctx {
    const char *src;
    es_arena *ar;
    es_buf out;
    int line;                   /* current output line */
    es_fn *fn;
    int ntmp;                   /* counter for temporaries */
    int nsite;                  /* tagged template sites */
    int nclass;
    const char *next_home;      /* for the next es_emit_func: its home object */
    int next_accessor;          /* ... written as get/set (no `function`) */
    int no_brand;               /* the member being written is a target or
                                   a callee: o[#key], not a checked read */
    int failed;
    char msg[200];
    int eline, ecol;
};

void es_buf_put(es_buf *b, const char *s, size_t n);
const char *es_name_tmp(es_ctx *c, const char *base);   /* unique name */
void es_push_name(es_ctx *c, const char ***arr, int *n, int *cap, const char *name);
void es_copy(es_ctx *c, es_node *n);                    /* source text */
void es_emit(es_ctx *c, es_node *n);                    /* any node */
void es_emit_func(es_ctx *c, es_node *f, const char *name);  /* function expr */
void es_emit_args(es_ctx *c, es_node *list, int open_paren);
void es_emit_ident(es_ctx *c, es_node *id);
const char *es_emit_code_point(es_ctx *c, const char *s); /* \u{...} at s */
void es_emit_key(es_ctx *c, es_node *key, uint32_t flags);   /* "name" or (expr) */
es_node *es_directives(es_ctx *c, es_node *list);
void es_prologue(es_ctx *c, es_fn *f, size_t at, es_scope *s);
void es_emit_this(es_ctx *c);
void es_emit_method(es_ctx *c, es_node *f, const char *name, const char *home, int accessor);
const char *es_infer_name(es_node *f, const char *name);

/* lower_pat.c */
void es_destructure(es_ctx *c, es_node *target, const char *src, int decl);
const char *es_pat_key(es_ctx *c, es_node *key); /* lower_pat.c */
int es_valid_ident(const char *s);                  /* emit.c */
void es_emit_params_prologue(es_ctx *c, es_node *f);
void es_emit_params(es_ctx *c, es_node *f);
void es_emit_spread_list(es_ctx *c, es_node *list);     /* array of the elements */
void es_emit_object(es_ctx *c, es_node *o);
int es_list_has_spread(es_node *l);
/* lower_class.c */
void es_emit_class(es_ctx *c, es_node *cls);
void es_emit_super_member(es_ctx *c, es_node *m);       /* super.x as a value */
void es_emit_super_call(es_ctx *c, es_node *call);
void es_emit_super_callee(es_ctx *c, es_node *m);     /* super.m as a callee */
/* lower_expr.c */
void es_emit_chain(es_ctx *c, es_node *chain);
void es_emit_template(es_ctx *c, es_node *t);
void es_emit_tagged(es_ctx *c, es_node *t);
void es_emit_assign(es_ctx *c, es_node *a);
void es_emit_logical(es_ctx *c, es_node *l);
void es_emit_call(es_ctx *c, es_node *call);
void es_emit_new(es_ctx *c, es_node *n);
void es_emit_update(es_ctx *c, es_node *u);
/* lower_stmt.c */
void es_emit_var(es_ctx *c, es_node *v, int in_for_head);
void es_emit_for_of(es_ctx *c, es_node *f, const char **labels, int nlabels);
/* The key of the private name #name: its symbol's variable, or the
 * function's local copy of it (a function of its own copies it once per
 * call: the class's variable is looked up by name at each use). */
const char *es_private(es_ctx *c, const char *name);
void es_emit_loop(es_ctx *c, es_node *loop, const char **labels, int nlabels);
void es_emit_jump(es_ctx *c, es_node *j);
void es_emit_return(es_ctx *c, es_node *r);
void es_emit_block_entry(es_ctx *c, es_scope *s);       /* dead-zone resets */

#endif
