/* gen.c - generators, async functions and async generators, lowered to
 * ES5 state machines over the runtime of prelude/06-gen.js.
 *
 *   function* f(a) { BODY }
 * becomes
 *   function f(a) { return $es_gen(function f($c) { $L: for (;;)
 *     switch ($c.s) { case 0: ...BODY as states...  return $c.r(); } },
 *     this, TRIES); var LOCALS; }
 * ($es_async for async functions, $es_agen for async generators).  The
 * locals of the function (its var/let/const/class/catch bindings outside
 * the statements kept whole) are declared in the outer function, after
 * the return (var hoists), so they live across suspensions; the body
 * function is called again at each resumption with `this` the outer one.
 *
 * A statement that contains no yield/await, return, var declaration nor
 * break/continue to a statement outside it is emitted whole by the
 * emitter, inside one state.  Others are taken apart: each suspension
 * point and each jump target is a state (case N), and the code of each
 * statement is on its source line.  An expression with a yield/await
 * inside is evaluated in order: what comes before the suspension is kept
 * in temporaries ($gN), the rest is a copy of the expression with the
 * yield replaced by $c.v (the value sent in).  Try statements that are
 * taken apart are in the TRIES table: the try context of every state and,
 * for each try, [parent context, catch state, finally state, end state]
 * (a context is 3 * try + 0 body, 1 catch, 2 finally; -1 none); the
 * runtime finds the handler of an exception and the finally blocks a
 * return or a jump crosses with it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "es_int.h"

typedef struct {
    const char *label;          /* a label of the statement, or NULL */
    int brk, cont;              /* states; cont -1: break only */
    int brk_ctx, cont_ctx;      /* the try context at each */
    int plain;                  /* a loop or switch: takes an unlabelled break */
} gtarget;

typedef struct {
    es_ctx *c;
    es_node *fn;
    int is_async, is_gen;
    int nstate;
    int *sctx; int scap;        /* try context of each state (when marked) */
    int (*tries)[4]; int ntries, tcap;
    int cur;                    /* the try context being emitted */
    gtarget *tg; int ntg, tgcap;
    int dead;                   /* the last code emitted jumped away */
    const char **names; int nnames, ncap;   /* declared in the outer function */
    int ntmp;
    int loops;                  /* loops around the statement being lowered */
    const char *labels[8]; int nlabels;     /* labels of the next statement */
} gen;

/* Memory is the compile's arena (freed with it).  Past its limit the
 * compile fails; the lowering still finishes (the emitter writes nothing
 * more), on memory of its own that the failing process does not free. */
static void *gmem(gen *g, size_t n)
{
    void *p = es_alloc(g->c->ar, n ? n : 1);
    if (!p) {
        es_error(g->c, g->fn, "out of memory");
        p = calloc(1, n ? n : 1);
        if (!p) abort();
    }
    return p;
}
static void *grow(gen *g, void *p, int *cap, int need, size_t sz)
{
    if (need <= *cap) return p;
    int n = *cap ? *cap * 2 : 16;
    while (n < need) n *= 2;
    void *q = gmem(g, (size_t)n * sz);
    if (p) memcpy(q, p, (size_t)*cap * sz);
    *cap = n;
    return q;
}

/* ---- synthetic nodes ---------------------------------------------------- */
static es_node *syn(gen *g, int kind, es_node *at)
{
    es_node *n = gmem(g, sizeof *n);
    n->kind = (uint16_t)kind;
    n->dirty = 1;
    if (at) { n->line = at->line; n->col = at->col; n->start = at->start; n->end = at->start; }
    return n;
}
static es_node *copy(gen *g, es_node *o)
{
    es_node *n = syn(g, o->kind, NULL);
    *n = *o;
    n->dirty = 1;
    n->next = NULL;
    return n;
}
/* An identifier that the emitter prints as `name` (any expression text). */
static es_node *syn_ident(gen *g, const char *name, es_node *at)
{
    es_node *n = syn(g, ES_IDENT, at);
    n->str = name;
    return n;
}

/* A fresh temporary, declared in the outer function. */
static void declare(gen *g, const char *name)
{
    for (int i = 0; i < g->nnames; i++)
        if (strcmp(g->names[i], name) == 0) return;
    g->names = grow(g, g->names, &g->ncap, g->nnames + 1, sizeof *g->names);
    g->names[g->nnames++] = name;
}
static const char *tmp(gen *g)
{
    char *s = gmem(g, 16);
    snprintf(s, 16, "$g%d", g->ntmp++);
    declare(g, s);
    return s;
}

/* ---- what a subtree holds ----------------------------------------------- */
static int has_susp(es_node *n);
static int list_susp(es_node *l)
{
    for (; l; l = l->next)
        if (has_susp(l)) return 1;
    return 0;
}
/* A yield or await of this function in n (nested functions are theirs). */
static int has_susp(es_node *n)
{
    if (!n) return 0;
    switch (n->kind) {
    case ES_YIELD: case ES_AWAIT: return 1;
    case ES_FUNC: case ES_FUNC_DECL: return 0;
    case ES_CLASS: case ES_CLASS_DECL:
        if (has_susp(n->b)) return 1;
        for (es_node *m = n->list; m; m = m->next)
            if ((m->flags & ES_F_COMPUTED) && has_susp(m->a)) return 1;
        return 0;
    case ES_FOR_OF:
        if (n->flags & ES_F_AWAIT) return 1;
        break;
    default: break;
    }
    return has_susp(n->a) || has_susp(n->b) || has_susp(n->c) || has_susp(n->d) ||
           list_susp(n->list);
}

/* Labels and breakable statements opened inside the statement being
 * looked at, to know whether a break/continue leaves it. */
typedef struct { const char *lab[32]; int nlab; int loops, breakables; int bad; } escan;

static void esc_walk(es_node *n, escan *e);
static void esc_list(es_node *l, escan *e) { for (; l; l = l->next) esc_walk(l, e); }
static void esc_walk(es_node *n, escan *e)
{
    if (!n || e->bad) return;
    switch (n->kind) {
    case ES_FUNC: case ES_FUNC_DECL: case ES_CLASS: case ES_CLASS_DECL:
        return;
    case ES_RETURN: e->bad = 1; return;
    case ES_VAR:
        if (n->op == ES_VAR_VAR) { e->bad = 1; return; }
        break;
    case ES_BREAK: case ES_CONTINUE:
        if (n->str) {
            int i;
            for (i = 0; i < e->nlab; i++)
                if (strcmp(e->lab[i], n->str) == 0) break;
            if (i == e->nlab) e->bad = 1;
        } else if (n->kind == ES_BREAK ? e->breakables == 0 : e->loops == 0) e->bad = 1;
        return;
    case ES_LABELED:
        if (e->nlab == 32) { e->bad = 1; return; }
        e->lab[e->nlab++] = n->str;
        esc_walk(n->a, e);
        e->nlab--;
        return;
    case ES_FOR: case ES_FOR_IN: case ES_FOR_OF: case ES_WHILE: case ES_DO_WHILE:
        e->loops++; e->breakables++;
        esc_walk(n->a, e); esc_walk(n->b, e); esc_walk(n->c, e); esc_walk(n->d, e);
        e->loops--; e->breakables--;
        return;
    case ES_SWITCH:
        esc_walk(n->a, e);
        e->breakables++;
        esc_list(n->list, e);
        e->breakables--;
        return;
    default: break;
    }
    esc_walk(n->a, e); esc_walk(n->b, e); esc_walk(n->c, e); esc_walk(n->d, e);
    esc_list(n->list, e);
}
/* The statement must be taken apart (see the top). */
static int must_lower(es_node *s)
{
    if (has_susp(s)) return 1;
    escan e;
    memset(&e, 0, sizeof e);
    esc_walk(s, &e);
    return e.bad;
}

/* ---- output ------------------------------------------------------------ */
static void out(gen *g, const char *s) { es_out(g->c, s); }
static void outf(gen *g, const char *fmt, ...)
{
    char b[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b, sizeof b, fmt, ap);
    va_end(ap);
    es_out(g->c, b);
}
static int new_state(gen *g)
{
    g->sctx = grow(g, g->sctx, &g->scap, g->nstate + 1, sizeof *g->sctx);
    g->sctx[g->nstate] = -1;
    return g->nstate++;
}
/* Places state k here: the code before falls through into it. */
static void mark(gen *g, int k)
{
    if (!g->dead) outf(g, "$c.s = %d; ", k);
    outf(g, "case %d: ", k);
    g->sctx[k] = g->cur;
    g->dead = 0;
}
/* Goes to state k (whose try context is kctx). */
static void jump(gen *g, int k, int kctx)
{
    if (g->dead) return;
    if (kctx == g->cur) outf(g, "$c.s = %d; continue $L; ", k);
    else outf(g, "return $c.j(%d); ", k);
    g->dead = 1;
}
/* if (!(cond)) goto k, with cond the text around an expression. */
static void jump_unless(gen *g, es_node *cond, int k, int negate)
{
    out(g, negate ? "if (!(" : "if ((");
    es_expr(g->c, cond);
    outf(g, ")) { $c.s = %d; continue $L; } ", k);
}

/* ---- expressions ------------------------------------------------------- */
static es_node *ex(gen *g, es_node *n);

/* Evaluates v now into a temporary; the identifier of it. */
static es_node *spill(gen *g, es_node *v)
{
    const char *t = tmp(g);
    if (v->kind == ES_SPREAD) {
        /* ...x before a suspension: the elements, in an array */
        es_node *arr = syn(g, ES_ARRAY, v);
        arr->list = copy(g, v);
        outf(g, "%s = ", t);
        es_expr(g->c, arr);
        out(g, "; ");
        es_node *sp = syn(g, ES_SPREAD, v);
        sp->a = syn_ident(g, t, v);
        return sp;
    }
    outf(g, "%s = ", t);
    es_expr(g->c, v);
    out(g, "; ");
    return syn_ident(g, t, v);
}
/* Values that do not change between their place and a later suspension. */
static int stable(es_node *n)
{
    switch (n->kind) {
    case ES_NUM: case ES_STR: case ES_NULL: case ES_TRUE: case ES_FALSE:
    case ES_TPL_STR: case ES_HOLE: case ES_REGEX: case ES_THIS: case ES_FUNC:
    case ES_SUPER:
        return 1;
    case ES_IDENT:
        /* ($c.v, the value of an earlier yield, is not: a later one
         * changes it) */
        return strcmp(n->str, "undefined") == 0;
    default:
        return 0;
    }
}
/* Children evaluated in order: those before the last one with a
 * suspension are evaluated into temporaries first. */
static void ex_seq(gen *g, es_node **v, int n)
{
    int last = -1;
    for (int i = 0; i < n; i++)
        if (v[i] && has_susp(v[i])) last = i;
    for (int i = 0; i < last; i++) {
        if (!v[i] || stable(v[i])) continue;
        if (v[i]->kind == ES_SPREAD) {
            es_node *a = ex(g, v[i]->a);
            es_node *s = copy(g, v[i]);
            s->a = a;
            v[i] = spill(g, s);
        } else v[i] = spill(g, ex(g, v[i]));
    }
    if (last >= 0) v[last] = ex(g, v[last]);
}
/* A list, as an array of pointers (for ex_seq), and back. */
static int list_len(es_node *l) { int n = 0; for (; l; l = l->next) n++; return n; }
static es_node *relist(gen *g, es_node **v, int n)
{
    es_node *head = NULL, **tail = &head;
    for (int i = 0; i < n; i++) {
        es_node *m = copy(g, v[i]);
        m->dirty = v[i]->dirty;
        *tail = m;
        tail = &m->next;
    }
    return head;
}

/* The op of a suspension, as 06-gen.js's GenCtx.op: 1 yield, 2 await,
 * 3 yield*. */
static int suspend_op(es_node *n)
{
    if (n->kind == ES_AWAIT) return 2;
    if (n->flags & ES_F_DELEGATE) return 3;
    return 1;
}

/* The suspension itself: `return ($c.rv = v, $c.s = K, $c.op = 1, $c);
 * case K:`; its value $c.v. */
static es_node *ex_suspend(gen *g, es_node *n)
{
    es_node *a = n->a ? ex(g, n->a) : NULL;
    int k = new_state(g);
    es_sync(g->c, n->line);
    out(g, "return ($c.rv = ");
    if (a) es_expr(g->c, a);
    else out(g, "void 0");
    outf(g, ", $c.s = %d, $c.op = %d, $c); ", k, suspend_op(n));
    g->dead = 1;
    mark(g, k);
    return syn_ident(g, "$c.v", n);
}

static int compound_to_binary(int op)
{
    switch (op) {
    case T_PLUSEQ: return T_PLUS;      case T_MINUSEQ: return T_MINUS;
    case T_STAREQ: return T_STAR;      case T_STARSTAREQ: return T_STARSTAR;
    case T_DIVEQ: return T_DIV;        case T_MODEQ: return T_MOD;
    case T_SHLEQ: return T_SHL;        case T_SAREQ: return T_SAR;
    case T_SHREQ: return T_SHR;        case T_AMPEQ: return T_AMP;
    case T_BAREQ: return T_BAR;        case T_CARETEQ: return T_CARET;
    default: return 0;
    }
}

/* a && b, a || b, a ?? b with a suspension in b: control flow. */
static es_node *ex_logical(gen *g, es_node *n, es_node *a, es_node *b, int op)
{
    const char *t = tmp(g);
    int end = new_state(g);
    es_node *va = ex(g, a);
    outf(g, "%s = ", t);
    es_expr(g->c, va);
    out(g, "; ");
    if (op == T_ANDAND) outf(g, "if (!%s) { $c.s = %d; continue $L; } ", t, end);
    else if (op == T_OROR) outf(g, "if (%s) { $c.s = %d; continue $L; } ", t, end);
    else outf(g, "if (%s !== null && %s !== void 0) { $c.s = %d; continue $L; } ", t, t, end);
    es_node *vb = ex(g, b);
    outf(g, "%s = ", t);
    es_expr(g->c, vb);
    out(g, "; ");
    mark(g, end);
    return syn_ident(g, t, n);
}

/* An assignment target: its object and key evaluated (into temporaries
 * when the value has a suspension). */
static es_node *ex_target(gen *g, es_node *t, int value_susp)
{
    if (t->kind == ES_MEMBER && t->a->kind != ES_SUPER) {
        es_node *v[2] = { t->a, (t->flags & ES_F_COMPUTED) ? t->b : NULL };
        if (value_susp) {
            v[0] = stable(v[0]) ? v[0] : spill(g, ex(g, v[0]));
            if (v[1] && !stable(v[1])) v[1] = spill(g, ex(g, v[1]));
        } else ex_seq(g, v, 2);
        es_node *m = copy(g, t);
        m->a = v[0];
        if (v[1]) m->b = v[1];
        return m;
    }
    if (t->kind == ES_PAREN) {
        es_node *m = copy(g, t);
        m->a = ex_target(g, t->a, value_susp);
        return m;
    }
    if (has_susp(t)) es_error(g->c, t, "yield/await inside a destructuring target is not supported");
    return t;
}

static void destructure_susp(gen *g, es_node *t, const char *src, es_node *at);
static es_node *ex_assign(gen *g, es_node *n)
{
    int op = n->op;
    if (op == T_ANDANDEQ || op == T_OROREQ || op == T_QQEQ) {
        /* a ||= b: a || (a = b), with a evaluated once */
        es_node *t = ex_target(g, n->a, 1);
        es_node *as = copy(g, n);
        as->op = T_ASSIGN;
        as->a = t;
        as->b = n->b;
        return ex_logical(g, n, t, as,
                          op == T_ANDANDEQ ? T_ANDAND : op == T_OROREQ ? T_OROR : T_QQ);
    }
    es_node *pat = n->a;
    while (pat->kind == ES_PAREN) pat = pat->a;
    if (op == T_ASSIGN && (pat->kind == ES_ARRAY_PAT || pat->kind == ES_OBJECT_PAT) &&
        has_susp(pat)) {
        /* ({a = await f()} = v): the steps now; the value is v */
        es_node *v = spill(g, ex(g, n->b));
        destructure_susp(g, pat, v->str, n);
        return v;
    }
    int vs = has_susp(n->b);
    es_node *t = ex_target(g, n->a, vs);
    es_node *r = copy(g, n);
    r->a = t;
    if (op != T_ASSIGN && vs) {
        /* x op= (yield): the old value of x is read first */
        es_node *old = spill(g, t);
        es_node *bin = syn(g, ES_BINARY, n);
        bin->op = (uint16_t)compound_to_binary(op);
        bin->a = old;
        bin->b = ex(g, n->b);
        es_node *p = syn(g, ES_PAREN, n);
        p->a = bin;
        r->op = T_ASSIGN;
        r->b = p;
        return r;
    }
    r->b = ex(g, n->b);
    return r;
}

static es_node *ex_call(gen *g, es_node *n)
{
    int na = list_len(n->list);
    es_node **v = gmem(g, (size_t)(na + 2) * sizeof *v);
    es_node *callee = n->a;
    /* o.m(..yield..): o (and the key) first; the call keeps its this */
    int method = list_susp(n->list) && callee->kind == ES_MEMBER &&
                 callee->a->kind != ES_SUPER && !(callee->flags & ES_F_OPTIONAL);
    int base = 1;
    v[0] = method ? callee->a : callee;
    if (method) {
        v[1] = (callee->flags & ES_F_COMPUTED) ? callee->b : NULL;
        base = 2;
    }
    int i = base;
    for (es_node *m = n->list; m; m = m->next) v[i++] = m;
    ex_seq(g, v, i);
    es_node *r = copy(g, n);
    if (method) {
        r->a = copy(g, callee);
        r->a->a = v[0];
        if (v[1]) r->a->b = v[1];
    } else r->a = v[0];
    r->list = relist(g, v + base, na);
    return r;
}

static es_node *ex_chain(gen *g, es_node *n)
{
    if (n->kind == ES_MEMBER) {
        if ((n->flags & ES_F_COMPUTED) && has_susp(n->b)) goto bad;
        es_node *m = copy(g, n);
        m->a = ex_chain(g, n->a);
        return m;
    }
    if (n->kind == ES_CALL) {
        if (list_susp(n->list)) goto bad;
        es_node *m = copy(g, n);
        m->a = ex_chain(g, n->a);
        return m;
    }
    return ex(g, n);
bad:
    es_error(g->c, n, "yield/await in the arguments of an optional chain is not supported");
    return n;
}

/* n, with its suspensions done: statements emitted, a yield-free copy
 * (or n itself) returned. */
static es_node *ex(gen *g, es_node *n)
{
    if (!n || !has_susp(n)) return n;
    switch (n->kind) {
    case ES_YIELD: case ES_AWAIT:
        return ex_suspend(g, n);
    case ES_PAREN: case ES_UNARY: case ES_SPREAD: case ES_UPDATE: {
        es_node *m = copy(g, n);
        m->a = n->kind == ES_UPDATE ? ex_target(g, n->a, 0) : ex(g, n->a);
        return m;
    }
    case ES_BINARY: case ES_MEMBER: {
        es_node *v[2] = { n->a, n->b };
        if (n->kind == ES_MEMBER && !(n->flags & ES_F_COMPUTED)) {
            es_node *m = copy(g, n);
            m->a = ex(g, n->a);
            return m;
        }
        ex_seq(g, v, 2);
        es_node *m = copy(g, n);
        m->a = v[0];
        m->b = v[1];
        return m;
    }
    case ES_LOGICAL:
        if (!has_susp(n->b)) {
            es_node *m = copy(g, n);
            m->a = ex(g, n->a);
            return m;
        }
        return ex_logical(g, n, n->a, n->b, n->op);
    case ES_COND: {
        es_node *test = ex(g, n->a);
        if (!has_susp(n->b) && !has_susp(n->c)) {
            es_node *m = copy(g, n);
            m->a = test;
            return m;
        }
        const char *t = tmp(g);
        int els = new_state(g), end = new_state(g);
        jump_unless(g, test, els, 1);
        es_node *b = ex(g, n->b);
        outf(g, "%s = ", t);
        es_expr(g->c, b);
        out(g, "; ");
        jump(g, end, g->cur);
        mark(g, els);
        es_node *c = ex(g, n->c);
        outf(g, "%s = ", t);
        es_expr(g->c, c);
        out(g, "; ");
        mark(g, end);
        return syn_ident(g, t, n);
    }
    case ES_ASSIGN:
        return ex_assign(g, n);
    case ES_CALL: case ES_NEW:
        return ex_call(g, n);
    case ES_CHAIN: {
        es_node *m = copy(g, n);
        m->a = ex_chain(g, n->a);
        return m;
    }
    case ES_SEQ: {
        es_node *l = n->list, *last = NULL;
        for (; l; l = l->next) {
            if (!l->next) { last = l; break; }
            es_node *v = ex(g, l);
            es_expr(g->c, v);
            out(g, "; ");
        }
        return ex(g, last);
    }
    case ES_ARRAY: case ES_TEMPLATE: {
        int k = list_len(n->list);
        es_node **v = gmem(g, (size_t)(k + 1) * sizeof *v);
        int i = 0;
        for (es_node *m = n->list; m; m = m->next) v[i++] = m;
        ex_seq(g, v, k);
        es_node *m = copy(g, n);
        m->list = relist(g, v, k);
            return m;
    }
    case ES_TAGGED: {
        /* the tag first (a method keeps its this) */
        es_node *tag = n->a;
        if (tag->kind == ES_MEMBER && tag->a->kind != ES_SUPER) {
            tag = copy(g, n->a);
            if (!stable(tag->a)) tag->a = spill(g, ex(g, tag->a));
            if ((tag->flags & ES_F_COMPUTED) && !stable(tag->b)) tag->b = spill(g, ex(g, tag->b));
        } else if (!stable(tag)) tag = spill(g, ex(g, tag));
        es_node *m = copy(g, n);
        m->a = tag;
        m->b = ex(g, n->b);
        return m;
    }
    case ES_OBJECT: {
        /* keys and values in order: two slots per property */
        int k = list_len(n->list);
        es_node **v = gmem(g, (size_t)(k * 2 + 1) * sizeof *v);
        int i = 0;
        for (es_node *p = n->list; p; p = p->next, i += 2) {
            v[i] = (p->flags & ES_F_COMPUTED) ? p->a : NULL;
            v[i + 1] = (p->op == ES_P_INIT || p->op == ES_P_SPREAD) ? p->b : NULL;
        }
        ex_seq(g, v, 2 * k);
        es_node *head = NULL, **tail = &head;
        i = 0;
        for (es_node *p = n->list; p; p = p->next, i += 2) {
            es_node *q = copy(g, p);
            q->dirty = p->dirty;
            if (v[i] && v[i] != p->a) { q->a = v[i]; q->dirty = 1; }
            if (v[i + 1] && v[i + 1] != p->b) { q->b = v[i + 1]; q->dirty = 1; }
            *tail = q;
            tail = &q->next;
        }
            es_node *m = copy(g, n);
        m->list = head;
        return m;
    }
    default:
        es_error(g->c, n, "yield/await in this kind of expression is not supported");
        return n;
    }
}

/* ---- declarations ---------------------------------------------------- */
static const char *bname(es_node *id)
{
    return id->bind && id->bind->emit ? id->bind->emit : id->str;
}
/* Declares the names a binding pattern binds in the outer function. */
static void declare_pattern(gen *g, es_node *p)
{
    if (!p) return;
    switch (p->kind) {
    case ES_IDENT:
        if (!strchr(bname(p), '.')) declare(g, bname(p));   /* not a boxed one */
        break;
    case ES_ASSIGN_PAT: case ES_REST: declare_pattern(g, p->a); break;
    case ES_ARRAY_PAT:
        for (es_node *e = p->list; e; e = e->next) declare_pattern(g, e);
        break;
    case ES_OBJECT_PAT:
        for (es_node *e = p->list; e; e = e->next)
            declare_pattern(g, e->kind == ES_PROP ? e->b : e);
        break;
    default: break;
    }
}
/* target = value, for a declaration or a catch parameter (the names are
 * declared in the outer function). */
static void assign_to(gen *g, es_node *target, es_node *value, es_node *at)
{
    es_node *as = syn(g, ES_ASSIGN, at);
    as->op = T_ASSIGN;
    as->a = target;
    as->b = value;
    if (target->kind == ES_ARRAY_PAT || target->kind == ES_OBJECT_PAT) {
        /* the emitter's destructuring: an expression statement */
        es_node *st = syn(g, ES_EXPR_STMT, at);
        st->a = as;
        es_stmt(g->c, st);
        out(g, " ");
        return;
    }
    es_expr(g->c, as);
    out(g, "; ");
}
/* target = src (the name of a value) for a pattern whose defaults or
 * computed keys suspend: taken apart into steps, the emitter's way
 * (lower_pat.c: $es.arr, $es.obj, $es.key, $es.rest), so that a default
 * is evaluated, with its suspensions, only when its value is undefined. */
static void destructure_susp(gen *g, es_node *t, const char *src, es_node *at)
{
    if (g->c->failed) return;
    while (t->kind == ES_PAREN) t = t->a;
    if (!has_susp(t) && t->kind != ES_ASSIGN_PAT) {
        assign_to(g, t, syn_ident(g, src, at), at);
        return;
    }
    switch (t->kind) {
    case ES_ASSIGN_PAT: {
        const char *v = tmp(g);
        int skip = new_state(g);
        outf(g, "%s = %s; ", v, src);
        jump_unless(g, syn_ident(g, es_cat(g->c->ar, v, " === void 0", (char *)NULL), t), skip, 1);
        es_node *d = ex(g, t->b);
        outf(g, "%s = ", v);
        es_expr(g->c, d);
        out(g, "; ");
        mark(g, skip);
        destructure_susp(g, t->a, v, at);
        return;
    }
    case ES_ARRAY_PAT: {
        const char *a = tmp(g);
        long n = 0, i = 0;
        int rest = 0;
        for (es_node *e = t->list; e; e = e->next) {
            if (e->kind == ES_REST) rest = 1;
            else n++;
        }
        outf(g, "%s = $es.arr(%s, %ld); ", a, src, rest ? -1L : n);
        for (es_node *e = t->list; e; e = e->next, i++) {
            if (e->kind == ES_HOLE) continue;
            char buf[48];
            snprintf(buf, sizeof buf, e->kind == ES_REST ? ".slice(%ld)" : "[%ld]", i);
            destructure_susp(g, e->kind == ES_REST ? e->a : e, es_cat(g->c->ar, a, buf, (char *)NULL), at);
        }
        return;
    }
    case ES_OBJECT_PAT: {
        const char *o = tmp(g), *keys = "";
        outf(g, "%s = $es.obj(%s); ", o, src);
        for (es_node *e = t->list; e; e = e->next) {
            if (e->kind == ES_REST) {
                destructure_susp(g, e->a, es_cat(g->c->ar, "$es.rest(", o, ", [", keys, "])", (char *)NULL), at);
                continue;
            }
            const char *k = tmp(g);
            if (e->flags & ES_F_COMPUTED) {
                es_node *kv = ex(g, e->a);
                outf(g, "%s = $es.key(", k);
                es_expr(g->c, kv);
                out(g, "); ");
            } else {
                const char *kt = es_pat_key(g->c, e->a);
                if (!kt) { es_error(g->c, e, "out of memory"); return; }
                outf(g, "%s = %s; ", k, kt);
            }
            keys = es_cat(g->c->ar, keys, *keys ? ", " : "", k, (char *)NULL);
            destructure_susp(g, e->b, es_cat(g->c->ar, o, "[", k, "]", (char *)NULL), at);
        }
        return;
    }
    default:
        es_error(g->c, t, "yield/await inside a destructuring target is not supported");
        return;
    }
}

static void lower_var(gen *g, es_node *v, int in_loop)
{
    for (es_node *d = v->list; d; d = d->next) {
        declare_pattern(g, d->a);
        if (!d->b) {
            /* let x; in a loop starts each time undefined */
            if (v->op != ES_VAR_VAR && d->a->kind == ES_IDENT && in_loop) {
                es_sync(g->c, d->line);
                outf(g, "%s = void 0; ", bname(d->a));
            }
            continue;
        }
        es_sync(g->c, d->line);
        es_node *val = ex(g, d->b);
        if ((d->a->kind == ES_ARRAY_PAT || d->a->kind == ES_OBJECT_PAT) && has_susp(d->a)) {
            es_node *v = spill(g, val);
            destructure_susp(g, d->a, v->str, d);
        } else
            assign_to(g, d->a, val, d);
    }
}

/* ---- statements ------------------------------------------------------- */
static void lower_stmt(gen *g, es_node *s);

static void lower_list(gen *g, es_node *l)
{
    for (; l; l = l->next) lower_stmt(g, l);
}
static gtarget *push_target(gen *g, const char *label, int brk, int cont, int plain)
{
    g->tg = grow(g, g->tg, &g->tgcap, g->ntg + 1, sizeof *g->tg);
    gtarget *t = &g->tg[g->ntg++];
    t->label = label; t->brk = brk; t->cont = cont; t->plain = plain;
    t->brk_ctx = t->cont_ctx = g->cur;
    return t;
}
/* The labels in front of a loop become targets of that loop. */
static void push_loop(gen *g, int brk, int cont, int brk_ctx, int cont_ctx)
{
    gtarget *t = push_target(g, NULL, brk, cont, 1);
    t->brk_ctx = brk_ctx; t->cont_ctx = cont_ctx;
    for (int i = 0; i < g->nlabels; i++) {
        t = push_target(g, g->labels[i], brk, cont, 0);
        t->brk_ctx = brk_ctx; t->cont_ctx = cont_ctx;
    }
    g->nlabels = 0;
}
static void pop_loop(gen *g, int n) { g->ntg -= n; }

static void lower_jump(gen *g, es_node *s)
{
    int brk = s->kind == ES_BREAK;
    for (int i = g->ntg - 1; i >= 0; i--) {
        gtarget *t = &g->tg[i];
        if (s->str ? !(t->label && strcmp(t->label, s->str) == 0)
                   : !(t->plain && (brk || t->cont >= 0)))
            continue;
        if (!brk && t->cont < 0) continue;
        es_sync(g->c, s->line);
        if (brk) jump(g, t->brk, t->brk_ctx);
        else jump(g, t->cont, t->cont_ctx);
        return;
    }
    es_error(g->c, s, "Undefined label");
}

/* ---- per-iteration bindings -------------------------------------------
 * A loop taken apart whose let/const bindings are captured by closures
 * (ES_F_WRAP) keeps them in a box object per iteration ($gN.x for x),
 * made anew each iteration, and each closure that uses them is made by
 * `(function ($gN) { return CLOSURE; })($gN)`, so it keeps the box of its
 * iteration. */
typedef struct { es_scope *sc; const char *box; } gbox;

static es_node *box_list(gen *g, gbox *bx, int nb, es_node *at)
{
    es_node *head = NULL, **tail = &head;
    for (int i = 0; i < nb; i++) {
        *tail = syn_ident(g, bx[i].box, at);
        tail = &(*tail)->next;
    }
    return head;
}
/* Rewrites the references in *slot; returns whether there were any. */
static int box_walk(gen *g, es_node **slot, gbox *bx, int nb, int in_func, int wrap_ok)
{
    es_node *n = *slot;
    if (!n) return 0;
    if (n->kind == ES_IDENT) {
        if (!n->bind) return 0;
        for (int i = 0; i < nb; i++) {
            if (n->bind->scope != bx[i].sc) continue;
            char buf[160];
            snprintf(buf, sizeof buf, "%s.%s", bx[i].box, n->bind->name);
            char *nm = gmem(g, strlen(buf) + 1);
            memcpy(nm, buf, strlen(buf) + 1);
            n->str = nm;
            n->bind = NULL;
            n->flags &= ~(ES_F_TDZ | ES_F_LEXTHIS);
            n->dirty = 1;
            return 1;
        }
        return 0;
    }
    int fn = n->kind == ES_FUNC || n->kind == ES_FUNC_DECL;
    int sub = in_func || fn;
    int r = 0;
    int mslot = (n->kind == ES_PROP && (n->op == ES_P_GET || n->op == ES_P_SET ||
                                        n->op == ES_P_METHOD)) || n->kind == ES_METHOD;
    r |= box_walk(g, &n->a, bx, nb, sub, 1);
    r |= box_walk(g, &n->b, bx, nb, sub, !mslot);
    r |= box_walk(g, &n->c, bx, nb, sub, 1);
    r |= box_walk(g, &n->d, bx, nb, sub, 1);
    for (es_node **l = &n->list; *l; l = &(*l)->next) r |= box_walk(g, l, bx, nb, sub, 1);
    if (!r) return 0;
    n->dirty = 1;
    if (fn && !in_func && wrap_ok && n->kind == ES_FUNC) {
        es_node *w = syn(g, ES_FUNC, n);
        w->flags = ES_F_ARROW | ES_F_EXPRBODY | ES_F_SIMPLEPARAMS | ES_F_WRAPPER;
        w->list = box_list(g, bx, nb, n);
        w->b = n;
        es_node *p = syn(g, ES_PAREN, n);
        p->a = w;
        es_node *call = syn(g, ES_CALL, n);
        call->a = p;
        call->list = box_list(g, bx, nb, n);
        call->next = n->next;
        n->next = NULL;
        *slot = call;
    }
    return 1;
}
/* The boxes of loop n (its head's bindings, its body block's), with the
 * references rewritten; returns how many (0: not such a loop). */
static int box_loop(gen *g, es_node *n, gbox bx[2])
{
    int nb = 0;
    if (!(n->flags & ES_F_WRAP)) return 0;
    if (n->scope && n->scope->binds) { bx[nb].sc = n->scope; bx[nb++].box = tmp(g); }
    if (n->d && n->d->kind == ES_BLOCK && n->d->scope && n->d->scope->binds) {
        bx[nb].sc = n->d->scope; bx[nb++].box = tmp(g);
    }
    if (!nb) return 0;
    box_walk(g, &n->a, bx, nb, 0, 1);
    box_walk(g, &n->b, bx, nb, 0, 1);
    box_walk(g, &n->c, bx, nb, 0, 1);
    box_walk(g, &n->d, bx, nb, 0, 1);
    return nb;
}
/* A fresh box for scope sc, if it has one; copy: with the values of the
 * last one (the head of a for loop, before the update). */
static void box_new(gen *g, gbox *bx, int nb, es_scope *sc, int copy_old)
{
    for (int i = 0; i < nb; i++) {
        if (bx[i].sc != sc) continue;
        outf(g, "%s = {", bx[i].box);
        if (copy_old)
            for (es_binding *b = sc->binds; b; b = b->next)
                outf(g, "%s: %s.%s%s", b->name, bx[i].box, b->name, b->next ? ", " : "");
        out(g, "}; ");
    }
}

/* The body of a loop, with targets for break (to brk) and continue. */
static void loop_body(gen *g, es_node *body, int brk, int cont, int brk_ctx, int cont_ctx,
                      gbox *bx, int nb)
{
    int n = 1 + g->nlabels;
    push_loop(g, brk, cont, brk_ctx, cont_ctx);
    g->loops++;
    if (nb && body->kind == ES_BLOCK) box_new(g, bx, nb, body->scope, 0);
    lower_stmt(g, body);
    g->loops--;
    pop_loop(g, n);
}

/* The left side of a for-in/of gets `value` (text). */
static void loop_assign(gen *g, es_node *left, const char *value)
{
    es_node *val = syn_ident(g, value, left);
    if (left->kind == ES_VAR) {
        es_node *d = left->list;
        declare_pattern(g, d->a);
        if ((d->a->kind == ES_ARRAY_PAT || d->a->kind == ES_OBJECT_PAT) && has_susp(d->a))
            destructure_susp(g, d->a, value, left);
        else
            assign_to(g, d->a, val, left);
    } else if ((left->kind == ES_ARRAY_PAT || left->kind == ES_OBJECT_PAT) && has_susp(left)) {
        destructure_susp(g, left, value, left);
    } else {
        es_node *t = ex_target(g, left, 0);
        assign_to(g, t, val, left);
    }
}

/* A try statement taken apart; for-of uses it too (fin_text: extra code
 * at the start of the finally block, with no finally block of its own). */
static int begin_try(gen *g)
{
    g->tries = grow(g, g->tries, &g->tcap, g->ntries + 1, sizeof *g->tries);
    int i = g->ntries++;
    g->tries[i][0] = g->cur;
    g->tries[i][1] = g->tries[i][2] = g->tries[i][3] = -1;
    return i;
}

static void lower_for_of(gen *g, es_node *s)
{
    /* $it = iterator; try { for (;;) { $d = 1; $r = $it.next(); if done
     * break; $d = 0; left = $r.value; body } } catch (e) { if (!$d)
     * close quietly; throw } finally { if (!$d) close }
     * A sync loop walks arrays by index and Maps/Sets by a cursor as
     * lower_stmt.c's es_emit_for_of ($ix: the index, -1 an iterator, -2
     * a cursor); $d stays 1 in those walks (nothing to close). */
    int aw = (s->flags & ES_F_AWAIT) != 0;
    gbox bx[2];
    int nb = box_loop(g, s, bx);
    const char *it = tmp(g), *r = tmp(g), *dn = tmp(g), *ix = aw ? NULL : tmp(g);
    es_sync(g->c, s->line);
    es_node *obj = ex(g, s->b);
    if (aw) {
        outf(g, "%s = $es_aiter(", it);
        es_expr(g->c, obj);
        outf(g, "); %s = 1; ", dn);
    } else {
        outf(g, "%s = ", it);
        es_expr(g->c, obj);
        outf(g, "; %s = $es.fa(%s); if (%s < 0) %s = %s === -1 ? $es_iter(%s) : $es.cur(%s); %s = 1; ",
             ix, it, ix, it, ix, it, it, dn);
    }
    int ti = begin_try(g);
    int start = new_state(g), top = new_state(g), cat = new_state(g), fin = new_state(g),
        end = new_state(g);
    int outer = g->cur;
    g->tries[ti][1] = cat; g->tries[ti][2] = fin; g->tries[ti][3] = end;
    g->cur = ti * 3;
    mark(g, start);
    mark(g, top);
    if (aw) {
        int k = new_state(g);
        outf(g, "%s = 1; return ($c.rv = %s.next(), $c.s = %d, $c.op = 2, $c); ", dn, it, k);
        g->dead = 1;
        mark(g, k);
        outf(g, "%s = $es_ares($c.v); ", r);
        outf(g, "if (%s.done) { $c.s = %d; continue $L; } %s = 0; ", r, fin, dn);
    } else {
        /* (outf writes at most 255 characters at a time) */
        outf(g, "if (%s >= 0) { if (%s >= %s.length) { $c.s = %d; continue $L; } %s = %s[%s++]; } ",
             ix, ix, it, fin, r, it, ix);
        outf(g, "else if (%s === -1) { %s = 1; %s = %s.next(); if (Object(%s) !== %s) $es_ares(%s); ",
             ix, dn, r, it, r, r, r);
        outf(g, "if (%s.done) { $c.s = %d; continue $L; } %s = 0; %s = %s.value; } ", r, fin, dn, r, r);
        outf(g, "else if ((%s = %s.n()) === %s) { $c.s = %d; continue $L; } ", r, it, it, fin);
    }
    char val[32];
    snprintf(val, sizeof val, aw ? "%s.value" : "%s", r);
    box_new(g, bx, nb, s->scope, 0);
    loop_assign(g, s->a, val);
    loop_body(g, s->d, end, top, outer, g->cur, bx, nb);
    jump(g, top, g->cur);
    /* catch: an exception from the body closes the iterator */
    g->cur = ti * 3 + 1;
    mark(g, cat);
    if (aw) {
        /* its return() is awaited, its result and errors dropped */
        const char *e = tmp(g);
        int k = new_state(g);
        outf(g, "%s = $c.e; if (%s) throw %s; %s = 1; "
                "return ($c.rv = $es_acloseq(%s), $c.s = %d, $c.op = 2, $c); ",
             e, dn, e, dn, it, k);
        g->dead = 1;
        mark(g, k);
        outf(g, "throw %s; ", e);
    } else outf(g, "if (!%s) { %s = 1; $es_closeq(%s); } throw $c.e; ", dn, dn, it);
    g->dead = 1;
    /* finally: a break or return closes it */
    g->cur = ti * 3 + 2;
    mark(g, fin);
    if (aw) {
        int k = new_state(g);
        outf(g, "if (%s) { $c.s = %d; continue $L; } %s = 1; "
                "return ($c.rv = $es_aclose(%s), $c.s = %d, $c.op = 2, $c); ",
             dn, k, dn, it, k);
        g->dead = 1;
        mark(g, k);
        outf(g, "if ($c.v !== void 0) $es_ares($c.v); ");
    } else outf(g, "if (!%s) { %s = 1; $es_close(%s); } ", dn, dn, it);
    outf(g, "return $c.F(%d); ", ti);
    g->dead = 1;
    g->cur = outer;
    mark(g, end);
}

static void lower_try(gen *g, es_node *s)
{
    int ti = begin_try(g);
    int outer = g->cur;
    int start = new_state(g);
    int cat = s->c ? new_state(g) : -1;
    int fin = s->d ? new_state(g) : -1;
    int end = new_state(g);
    g->tries[ti][1] = cat; g->tries[ti][2] = fin; g->tries[ti][3] = end;
    es_sync(g->c, s->line);
    g->cur = ti * 3;
    mark(g, start);
    lower_stmt(g, s->a);
    if (fin >= 0) jump(g, fin, ti * 3 + 2);
    else jump(g, end, outer);
    if (cat >= 0) {
        g->cur = ti * 3 + 1;
        es_sync(g->c, s->c->line);
        mark(g, cat);
        if (s->b) {
            declare_pattern(g, s->b);
            if ((s->b->kind == ES_ARRAY_PAT || s->b->kind == ES_OBJECT_PAT) && has_susp(s->b)) {
                es_node *e = spill(g, syn_ident(g, "$c.e", s->b));
                destructure_susp(g, s->b, e->str, s->b);
            } else
                assign_to(g, s->b, syn_ident(g, "$c.e", s->b), s->b);
        }
        lower_stmt(g, s->c);
        if (fin >= 0) jump(g, fin, ti * 3 + 2);
        else jump(g, end, outer);
    }
    if (fin >= 0) {
        g->cur = ti * 3 + 2;
        es_sync(g->c, s->d->line);
        mark(g, fin);
        lower_stmt(g, s->d);
        if (!g->dead) outf(g, "return $c.F(%d); ", ti);
        g->dead = 1;
    }
    g->cur = outer;
    mark(g, end);
}

static void lower_switch(gen *g, es_node *s)
{
    es_sync(g->c, s->line);
    es_node *d = ex(g, s->a);
    const char *t = tmp(g);
    outf(g, "%s = ", t);
    es_expr(g->c, d);
    out(g, "; ");
    int n = list_len(s->list), end = new_state(g), dflt = -1;
    int *st = gmem(g, (size_t)(n + 1) * sizeof *st);
    int i = 0;
    for (es_node *cs = s->list; cs; cs = cs->next, i++) {
        st[i] = new_state(g);
        if (!cs->a) { dflt = st[i]; continue; }
        es_sync(g->c, cs->line);
        es_node *tv = ex(g, cs->a);
        outf(g, "if (%s === (", t);
        es_expr(g->c, tv);
        outf(g, ")) { $c.s = %d; continue $L; } ", st[i]);
    }
    jump(g, dflt >= 0 ? dflt : end, g->cur);
    push_target(g, NULL, end, -1, 1);
    int nl = g->nlabels;
    for (int k = 0; k < nl; k++) push_target(g, g->labels[k], end, -1, 0);
    g->nlabels = 0;
    i = 0;
    for (es_node *cs = s->list; cs; cs = cs->next, i++) {
        es_sync(g->c, cs->line);
        mark(g, st[i]);
        lower_list(g, cs->list);
    }
    g->ntg -= 1 + nl;
    mark(g, end);
}

static void lower_stmt(gen *g, es_node *s)
{
    if (!s) return;
    if (s->kind != ES_LABELED && s->kind != ES_FOR && s->kind != ES_FOR_IN &&
        s->kind != ES_FOR_OF && s->kind != ES_WHILE && s->kind != ES_DO_WHILE &&
        s->kind != ES_SWITCH && g->nlabels) {
        /* a labelled block or statement: break label goes after it */
        int end = new_state(g), nl = g->nlabels;
        for (int k = 0; k < nl; k++) push_target(g, g->labels[k], end, -1, 0);
        g->nlabels = 0;
        lower_stmt(g, s);
        g->ntg -= nl;
        mark(g, end);
        return;
    }
    switch (s->kind) {
    case ES_VAR:
        lower_var(g, s, g->loops > 0);
        return;
    case ES_CLASS_DECL: {
        declare(g, bname(s->a));
        es_node *cl = copy(g, s);
        cl->kind = ES_CLASS;
        es_sync(g->c, s->line);
        assign_to(g, s->a, cl, s);
        return;
    }
    case ES_FUNC_DECL:
        /* hoisted within the body function (made again at each resumption) */
        es_sync(g->c, s->line);
        es_stmt(g->c, s);
        out(g, " ");
        return;
    case ES_EMPTY:
        return;
    default:
        break;
    }
    if (!must_lower(s)) {
        es_sync(g->c, s->line);
        es_stmt(g->c, s);
        out(g, " ");
        return;
    }
    es_sync(g->c, s->line);
    switch (s->kind) {
    case ES_EXPR_STMT: {
        es_node *v = ex(g, s->a);
        if (v->kind != ES_IDENT) {
            es_expr(g->c, v);
            out(g, "; ");
        }
        return;
    }
    case ES_BLOCK:
        lower_list(g, s->list);
        return;
    case ES_IF: {
        es_node *test = ex(g, s->a);
        int els = new_state(g), end = s->c ? new_state(g) : els;
        jump_unless(g, test, els, 1);
        lower_stmt(g, s->b);
        if (s->c) {
            jump(g, end, g->cur);
            es_sync(g->c, s->c->line);
            mark(g, els);
            lower_stmt(g, s->c);
        }
        mark(g, end);
        return;
    }
    case ES_WHILE: {
        gbox bx[2];
        int nb = box_loop(g, s, bx);
        int top = new_state(g), end = new_state(g);
        mark(g, top);
        es_node *t = ex(g, s->a);
        jump_unless(g, t, end, 1);
        loop_body(g, s->d, end, top, g->cur, g->cur, bx, nb);
        jump(g, top, g->cur);
        mark(g, end);
        return;
    }
    case ES_DO_WHILE: {
        gbox bx[2];
        int nb = box_loop(g, s, bx);
        int top = new_state(g), cont = new_state(g), end = new_state(g);
        mark(g, top);
        loop_body(g, s->d, end, cont, g->cur, g->cur, bx, nb);
        es_sync(g->c, s->a->line);
        mark(g, cont);
        es_node *t = ex(g, s->a);
        jump_unless(g, t, top, 0);
        mark(g, end);
        return;
    }
    case ES_FOR: {
        gbox bx[2];
        int nb = box_loop(g, s, bx);
        int top = new_state(g), cont = new_state(g), end = new_state(g);
        int nlab = g->nlabels;
        g->nlabels = 0;
        box_new(g, bx, nb, s->scope, 0);
        if (s->a && s->a->kind == ES_VAR) lower_var(g, s->a, 1);
        else if (s->a) {
            es_node *v = ex(g, s->a);
            es_expr(g->c, v);
            out(g, "; ");
        }
        g->nlabels = nlab;
        mark(g, top);
        if (s->b) {
            es_node *t = ex(g, s->b);
            jump_unless(g, t, end, 1);
        }
        loop_body(g, s->d, end, cont, g->cur, g->cur, bx, nb);
        mark(g, cont);
        box_new(g, bx, nb, s->scope, 1);
        if (s->c) {
            es_node *u = ex(g, s->c);
            es_expr(g->c, u);
            out(g, "; ");
        }
        jump(g, top, g->cur);
        mark(g, end);
        return;
    }
    case ES_FOR_IN: {
        gbox bx[2];
        int nb = box_loop(g, s, bx);
        const char *keys = tmp(g), *i = tmp(g), *o = tmp(g), *k = tmp(g);
        es_node *obj = ex(g, s->b);
        outf(g, "%s = ", o);
        es_expr(g->c, obj);
        outf(g, "; %s = []; if (%s != null) for (%s in %s) %s.push(%s); %s = 0; ",
             keys, o, k, o, keys, k, i);
        int top = new_state(g), end = new_state(g);
        mark(g, top);
        outf(g, "if (%s >= %s.length) { $c.s = %d; continue $L; } %s = %s[%s++]; "
                "if (!(%s in Object(%s))) { $c.s = %d; continue $L; } ",
             i, keys, end, k, keys, i, k, o, top);
        box_new(g, bx, nb, s->scope, 0);
        loop_assign(g, s->a, k);
        loop_body(g, s->d, end, top, g->cur, g->cur, bx, nb);
        jump(g, top, g->cur);
        mark(g, end);
        return;
    }
    case ES_FOR_OF:
        lower_for_of(g, s);
        return;
    case ES_LABELED:
        if (g->nlabels < 8) g->labels[g->nlabels++] = s->str;
        lower_stmt(g, s->a);
        g->nlabels = 0;
        return;
    case ES_BREAK: case ES_CONTINUE:
        lower_jump(g, s);
        return;
    case ES_RETURN: {
        es_node *v = ex(g, s->a);
        if (v && g->is_async && g->is_gen) {
            /* return in an async generator awaits its value */
            int k = new_state(g);
            out(g, "return ($c.rv = ");
            es_expr(g->c, v);
            outf(g, ", $c.s = %d, $c.op = 2, $c); ", k);
            g->dead = 1;
            mark(g, k);
            out(g, "return $c.r($c.v); ");
        } else if (v) {
            out(g, "return $c.r(");
            es_expr(g->c, v);
            out(g, "); ");
        } else out(g, "return $c.r(); ");
        g->dead = 1;
        return;
    }
    case ES_THROW: {
        es_node *v = ex(g, s->a);
        out(g, "throw ");
        es_expr(g->c, v);
        out(g, "; ");
        g->dead = 1;
        return;
    }
    case ES_TRY:
        lower_try(g, s);
        return;
    case ES_SWITCH:
        lower_switch(g, s);
        return;
    case ES_WITH:
        es_error(g->c, s, "with inside a generator or async function is not supported");
        return;
    default:
        es_error(g->c, s, "this statement inside a generator or async function is not supported");
        return;
    }
}

/* ---- `arguments` ------------------------------------------------------ */
/* References to the function's own arguments (not inside nested
 * functions other than arrows) would be the body function's: they are
 * marked as an arrow's (the emitter writes $args, set in the outer
 * function), and the nodes on the way to be rewritten.  Returns whether n
 * has any. */
static int mark_args(es_node *n)
{
    if (!n) return 0;
    int r = 0;
    if (n->kind == ES_IDENT && n->str && strcmp(n->str, "arguments") == 0 && !n->bind) {
        n->flags |= ES_F_LEXTHIS;
        n->dirty = 1;
        return 1;
    }
    if (n->kind == ES_FUNC && !(n->flags & ES_F_ARROW)) return 0;
    if (n->kind == ES_FUNC_DECL) return 0;
    if (n->kind == ES_MEMBER && !(n->flags & ES_F_COMPUTED)) r |= mark_args(n->a);
    else {
        r |= mark_args(n->a); r |= mark_args(n->b);
    }
    r |= mark_args(n->c); r |= mark_args(n->d);
    for (es_node *l = n->list; l; l = l->next) r |= mark_args(l);
    if (r) n->dirty = 1;
    return r;
}

/* Is `name` an identifier anywhere in n? */
static int mentions(es_node *n, const char *name)
{
    for (; n; n = n->next) {
        if (n->kind == ES_IDENT && n->str && strcmp(n->str, name) == 0) return 1;
        if (mentions(n->a, name) || mentions(n->b, name) || mentions(n->c, name) ||
            mentions(n->d, name) || mentions(n->list, name))
            return 1;
    }
    return 0;
}

/* Text inserted at byte `at` of the output (no newlines in it). */
static void insert_at(es_ctx *c, size_t at, const char *s)
{
    size_t n = strlen(s);
    if (!n) return;
    es_buf_put(&c->out, s, n);
    memmove(c->out.p + at + n, c->out.p + at, c->out.n - n - at);
    memcpy(c->out.p + at, s, n);
}

/* ---- the function ------------------------------------------------------ */
void es_lower_generator(es_ctx *c, es_node *fn)
{
    gen g;
    memset(&g, 0, sizeof g);
    g.c = c;
    g.fn = fn;
    g.is_async = (fn->flags & ES_F_ASYNC) != 0;
    g.is_gen = (fn->flags & ES_F_GENERATOR) != 0;
    g.cur = -1;

    /* the function, for the emitter: its temporaries, $this and $args of
     * the arrows in it (an async arrow: those of the function around) */
    es_fn fr;
    memset(&fr, 0, sizeof fr);
    fr.up = c->fn;
    fr.node = fn;
    fr.arrow = (fn->flags & ES_F_ARROW) != 0;
    if (c->fn && fr.arrow) {
        fr.derived = c->fn->derived;
        fr.home = c->fn->home;
        fr.superc = c->fn->superc;
        fr.nofields = c->fn->nofields;
        fr.cls = c->fn->cls;
    }
    if (c->next_home) fr.home = c->next_home;     /* a method: super's home */
    c->next_home = NULL;
    c->next_accessor = 0;
    if (!fr.arrow) {
        for (es_node *p = fn->list; p; p = p->next) mark_args(p);
        mark_args(fn->b);
    }
    c->fn = &fr;
    out(&g, "function");
    if (!fr.arrow && (fn->a || fn->str)) {
        out(&g, " ");
        out(&g, fn->a ? bname(fn->a) : fn->str);
    }
    es_emit_params(c, fn);
    out(&g, " {");
    out(&g, " ");
    if (fn->flags & ES_F_STRICT) out(&g, "'use strict'; ");
    size_t at = c->out.n;
    /* parameters are bound at the call; for an async function an error
     * there rejects its promise */
    if (!(fn->flags & ES_F_SIMPLEPARAMS)) {
        if (g.is_async) out(&g, "try { ");
        es_emit_params_prologue(c, fn);
        if (g.is_async) out(&g, "} catch ($e) { return $es_arej($e); } ");
    }
    /* the body function takes the function's name (stacks show it) unless
     * that would hide the function from its own body */
    const char *bn = fr.arrow ? NULL : fn->a ? bname(fn->a) : fn->str;
    if (bn && (mentions(fn->list, bn) || mentions(fn->b, bn) || strchr(bn, '$'))) bn = NULL;
    outf(&g, "return %s(function %s($c) {",
         g.is_async ? (g.is_gen ? "$es_agen" : "$es_async") : "$es_gen", bn ? bn : "");
    size_t body_at = c->out.n;
    int body_tmps = fr.ntmps;   /* those before: the parameters' */
    fr.alias_ok = 1;            /* $esM, $esq_x: locals of the body function */
    out(&g, " $L: for (;;) switch ($c.s) { case 0: ");
    new_state(&g);
    if (fn->flags & ES_F_EXPRBODY) {
        es_node *r = syn(&g, ES_RETURN, fn->b);
        r->a = fn->b;
        lower_stmt(&g, r);
    } else if (fn->b) {
        lower_list(&g, fn->b->list);
        es_sync(c, fn->b->line);
    }
    if (!g.dead) out(&g, "return $c.r(); ");
    out(&g, "} }, this, ");
    if (g.ntries) {
        out(&g, "[[");
        for (int i = 0; i < g.nstate; i++) outf(&g, i ? ",%d" : "%d", g.sctx[i]);
        out(&g, "], [");
        for (int i = 0; i < g.ntries; i++)
            outf(&g, "%s[%d,%d,%d,%d]", i ? ", " : "", g.tries[i][0], g.tries[i][1],
                 g.tries[i][2], g.tries[i][3]);
        out(&g, "]]");
    } else out(&g, "null");
    out(&g, ");");
    /* The emitter's temporaries live within one state (the statements and
     * expressions it writes do not suspend): locals of the body function,
     * which Duktape keeps in registers, where the outer function's are
     * looked up by name at each use. */
    for (int i = 0; i < body_tmps; i++) declare(&g, fr.tmps[i]);
    if (fr.ntmps > body_tmps || fr.use_esM || fr.use_esm || fr.npriv) {
        es_buf b = {0};
        es_buf_put(&b, " var ", 5);
        int nv = 0;
        if (fr.use_esM) { es_buf_put(&b, "$esM = $es.M", 12); nv++; }
        else if (fr.use_esm) { es_buf_put(&b, "$esm = $esM", 11); nv++; }
        for (int i = 0; i < fr.npriv; i++) {
            if (nv++) es_buf_put(&b, ", ", 2);
            es_buf_put(&b, "$esq_", 5);
            es_buf_put(&b, fr.priv[i], strlen(fr.priv[i]));
            es_buf_put(&b, " = $es_p_", 9);
            es_buf_put(&b, fr.priv[i], strlen(fr.priv[i]));
        }
        for (int i = body_tmps; i < fr.ntmps; i++) {
            if (nv++) es_buf_put(&b, ", ", 2);
            es_buf_put(&b, fr.tmps[i], strlen(fr.tmps[i]));
        }
        es_buf_put(&b, ";", 1);
        insert_at(c, body_at, b.p);
        free(b.p);
    }
    for (int i = 0; i < fr.nhoist; i++) declare(&g, fr.hoist[i]);
    if (g.nnames) {
        out(&g, " var ");
        for (int i = 0; i < g.nnames; i++) {
            if (i) out(&g, ", ");
            out(&g, g.names[i]);
        }
        out(&g, ";");
    }
    out(&g, " }");
    if (!fr.arrow) {
        char pre[64] = "";
        if (fr.need_this) strcat(pre, "var $this = this; ");
        if (fr.need_args) strcat(pre, "var $args = $es.ai(arguments); ");
        insert_at(c, at, pre);
    }
    c->fn = fr.up;
}
