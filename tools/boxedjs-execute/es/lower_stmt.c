/* lower_stmt.c - declarations, loops (for-of, a function per iteration
 * when closures capture the iteration's bindings), break/continue/return
 * through such a function, dead-zone resets. */
#include "es_int.h"

#include <stdio.h>
#include <string.h>

static es_fn *var_fn(es_ctx *c)  /* the function a `var` belongs to */
{
    es_fn *f = c->fn;
    while (!f->node && f->up) f = f->up;
    return f;
}

static void hoist_names(es_ctx *c, es_node *p)
{
    if (!p) return;
    switch (p->kind) {
    case ES_IDENT: {
        es_fn *f = var_fn(c);
        const char *nm = p->bind ? p->bind->emit : p->str;
        for (int i = 0; i < f->nhoist; i++)
            if (!strcmp(f->hoist[i], nm)) return;
        es_push_name(c, &f->hoist, &f->nhoist, &f->caphoist, nm);
        break;
    }
    case ES_ASSIGN_PAT: case ES_REST: hoist_names(c, p->a); break;
    case ES_ARRAY_PAT:
        for (es_node *e = p->list; e; e = e->next) hoist_names(c, e);
        break;
    case ES_OBJECT_PAT:
        for (es_node *e = p->list; e; e = e->next) hoist_names(c, e->kind == ES_REST ? e->a : e->b);
        break;
    default: break;
    }
}

void es_emit_block_entry(es_ctx *c, es_scope *s)
{
    for (es_binding *b = s->binds; b; b = b->next)
        if (b->tdz) es_outf(c, "%s = $es.T; ", b->emit);
}

/* var/let/const: `var a = 1, b` (in a loop function, var is an assignment). */
void es_emit_var(es_ctx *c, es_node *v, int in_for_head)
{
    int as_expr = v->op == ES_VAR_VAR && !c->fn->node;
    if (as_expr) {
        int any = 0;
        for (es_node *d = v->list; d; d = d->next) {
            hoist_names(c, d->a);
            if (!d->b) continue;
            if (any++) es_out(c, ", ");
            if (d->a->kind == ES_IDENT) {
                es_emit_ident(c, d->a);
                es_out(c, " = ");
                es_expr(c, d->b);
            } else {
                const char *t = es_tmp(c);
                es_outf(c, "%s = ", t);
                es_expr(c, d->b);
                es_out(c, ", ");
                es_destructure(c, d->a, t, 0);
            }
        }
        if (!any && !in_for_head) es_out(c, "void 0");
        return;
    }
    es_out(c, "var ");
    for (es_node *d = v->list; d; d = d->next) {
        es_sync(c, d->line);
        if (d->a->kind == ES_IDENT) {
            es_emit_ident(c, d->a);
            if (d->b) {
                es_out(c, " = ");
                if (d->b->kind == ES_CLASS && !d->b->str) {
                    /* const A = class {}: A is its name */
                    es_sync(c, d->b->line);
                    d->b->str = d->a->str;
                    es_emit_class(c, d->b);
                    d->b->str = NULL;
                } else if (d->b->kind == ES_FUNC && !d->b->a && !(d->b->flags & (ES_F_GENERATOR | ES_F_ASYNC))) {
                    extern const char *es_infer_name(es_node *, const char *);
                    es_sync(c, d->b->line);
                    es_node *f = d->b;
                    int was = f->dirty;
                    const char *nm = es_infer_name(f, d->a->str);
                    if (nm) {
                        f->dirty = 1;
                        es_emit_func(c, f, nm);
                    } else {
                        es_emit(c, f);
                    }
                    f->dirty = (uint8_t)(f->dirty | was);
                } else {
                    es_emit(c, d->b);
                }
            } else if (v->op == ES_VAR_LET && !in_for_head) {
                es_out(c, " = void 0");
            }
        } else {
            const char *t = es_tmp(c);
            es_outf(c, "%s = ", t);
            es_expr(c, d->b);
            es_out(c, ", ");
            es_destructure(c, d->a, t, 1);
        }
        if (d->next) es_out(c, ", ");
    }
}

/* ---- jumps ------------------------------------------------------------- */
static int has_label(const char *const *l, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(l[i], s)) return 1;
    return 0;
}

static void jump_to(es_ctx *c, int brk, const char *label)
{
    es_wrap *w = c->fn->wrap;
    const char *kw = brk ? "break" : "continue";
    if (!w || (!label && (brk ? w->inner > 0 : w->inner_loops > 0)) ||
        (label && has_label(w->inner_labels, w->ninner_labels, label))) {
        if (label) es_outf(c, "%s %s;", kw, label);
        else es_outf(c, "%s;", kw);
        return;
    }
    if (!label || has_label(w->labels, w->nlabels, label)) {
        es_out(c, brk ? "return 1;" : "return;");
        return;
    }
    char buf[96];
    snprintf(buf, sizeof buf, "%c:%.80s", brk ? 'b' : 'c', label);
    int found = 0;
    for (int i = 0; i < w->njumps; i++)
        if (!strcmp(w->jumps[i], buf)) found = 1;
    if (!found && w->njumps < 16) w->jumps[w->njumps++] = es_strndup(c->ar, buf, strlen(buf));
    es_outf(c, "return \"%s\";", buf);
}

void es_emit_jump(es_ctx *c, es_node *j)
{
    jump_to(c, j->kind == ES_BREAK, j->str);
}

void es_emit_return(es_ctx *c, es_node *r)
{
    es_wrap *w = c->fn->wrap;
    if (w) {
        w->has_return = 1;
        es_out(c, "return {v: ");
        if (r->a) es_expr(c, r->a);
        else es_out(c, "void 0");
        es_out(c, "};");
        return;
    }
    if (c->fn->derived && !c->fn->arrow) {
        if (r->a) {
            es_out(c, "return $es.dret($this, ");
            es_emit(c, r->a);
            es_out(c, ");");
        } else {
            es_out(c, "return $es.ck($this);");
        }
        return;
    }
    es_out(c, "return");
    if (r->a) {
        es_out(c, " ");
        es_emit(c, r->a);
    }
    es_out(c, ";");
}

/* ---- loop bodies -------------------------------------------------------- */
/* `pre` (text, may be NULL) runs at the start of each iteration, inside
 * the per-iteration function when there is one. */
static void loop_body(es_ctx *c, es_node *loop, const char **labels, int nl, void (*pre)(es_ctx *, void *), void *arg)
{
    es_node *body = loop->d;
    if (!(loop->flags & ES_F_WRAP)) {
        es_wrap *w = c->fn->wrap;
        if (w) { w->inner++; w->inner_loops++; }
        if (pre) {
            es_out(c, "{");
            pre(c, arg);
            es_emit(c, body);
            es_out(c, "}");
        } else {
            es_emit(c, body);
        }
        if (w) { w->inner--; w->inner_loops--; }
        return;
    }
    const char *ct = es_tmp(c);
    es_scope *hs = loop->scope;
    es_out(c, "{");
    if (pre) pre(c, arg);
    es_outf(c, "%s = function (", ct);
    int np = 0;
    if (hs)
        for (es_binding *b = hs->binds; b; b = b->next)
            if (b->alt) es_outf(c, "%s%s", np++ ? ", " : "", b->alt);
    es_out(c, ") {");
    es_fn fn;
    memset(&fn, 0, sizeof fn);
    fn.up = c->fn;
    fn.arrow = 1;
    fn.derived = c->fn->derived;
    fn.home = c->fn->home;
    fn.superc = c->fn->superc;
    fn.nofields = c->fn->nofields;
    fn.cls = c->fn->cls;
    es_wrap w;
    memset(&w, 0, sizeof w);
    w.loop = loop;
    for (int i = 0; i < nl && i < 8; i++) w.labels[w.nlabels++] = labels[i];
    fn.wrap = &w;
    c->fn = &fn;
    size_t at = c->out.n;
    if (np) es_out(c, "try {");
    es_emit(c, body);
    if (np) {
        es_out(c, "} finally {");
        for (es_binding *b = hs->binds; b; b = b->next)
            if (b->alt) es_outf(c, "%s = %s; ", b->emit, b->alt);
        es_out(c, "}");
    }
    es_out(c, "}");
    /* temporaries of the function */
    es_prologue(c, &fn, at, NULL);
    c->fn = fn.up;
    es_out(c, ".call(this");
    if (hs)
        for (es_binding *b = hs->binds; b; b = b->next)
            if (b->alt) es_outf(c, ", %s", b->emit);
    es_outf(c, "); if (%s === 1) break; ", ct);
    for (int i = 0; i < w.njumps; i++) {
        es_outf(c, "if (%s === \"%s\") ", ct, w.jumps[i]);
        jump_to(c, w.jumps[i][0] == 'b', w.jumps[i] + 2);
        es_out(c, " ");
    }
    if (w.has_return) {
        if (c->fn->wrap) {
            c->fn->wrap->has_return = 1;
            es_outf(c, "if (typeof %s === \"object\") return %s; ", ct, ct);
        } else {
            es_outf(c, "if (typeof %s === \"object\") return %s.v; ", ct, ct);
        }
    }
    es_out(c, "}");
}

typedef struct { es_node *target; const char *src; } assign_arg;

/* the target of for-in/of from the value src */
static void pre_assign(es_ctx *c, void *arg)
{
    assign_arg *a = arg;
    es_node *t = a->target;
    if (t->kind == ES_VAR) {
        es_node *d = t->list;
        if (t->op == ES_VAR_VAR && !c->fn->node) {
            hoist_names(c, d->a);
            if (d->a->kind == ES_IDENT) {
                es_emit_ident(c, d->a);
                es_outf(c, " = %s; ", a->src);
            } else {
                es_destructure(c, d->a, a->src, 0);
                es_out(c, "; ");
            }
            return;
        }
        es_out(c, "var ");
        if (d->a->kind == ES_IDENT) {
            es_emit_ident(c, d->a);
            es_outf(c, " = %s; ", a->src);
        } else {
            es_destructure(c, d->a, a->src, 1);
            es_out(c, "; ");
        }
        return;
    }
    if (t->kind == ES_ARRAY_PAT || t->kind == ES_OBJECT_PAT) {
        es_destructure(c, t, a->src, 0);
        es_out(c, "; ");
        return;
    }
    es_emit(c, t);
    es_outf(c, " = %s; ", a->src);
}

static void labels_out(es_ctx *c, const char **labels, int nl)
{
    for (int i = 0; i < nl; i++) es_outf(c, "%s: ", labels[i]);
}

/* for (x of o): a true array whose iteration is the built-in one
 * ($es.fa: its @@iterator is Array.prototype.values, the array iterator's
 * next is the built-in one and there is no return() to call) is walked by
 * index, with what that iterator does each step (the length read anew,
 * holes read through the prototype chain); a Map or Set iterated likewise
 * by a cursor whose n() returns each value and itself at the end
 * ($es.cur); anything else through its iterator.  $i is the index, -1
 * for an iterator, -2 for a cursor; $v the step's value. */
void es_emit_for_of(es_ctx *c, es_node *f, const char **labels, int nl)
{
    const char *it = es_tmp(c), *st = es_tmp(c), *ix = es_tmp(c), *v = es_tmp(c);
    es_outf(c, "{%s = ", it);
    es_emit(c, f->b);
    es_outf(c, "; %s = $es.fa(%s); if (%s < 0) %s = %s === -1 ? $es.iter(%s) : $es.cur(%s); "
               "%s = void 0; try { ", ix, it, ix, it, ix, it, it, st);
    labels_out(c, labels, nl);
    es_outf(c, "for (; %s >= 0 ? %s < %s.length && (%s = %s[%s++], true) : %s === -1 ? "
               "!(%s = %s.next()).done && (%s = %s.value, true) : (%s = %s.n()) !== %s; ) ",
            ix, ix, it, v, it, ix, ix, st, it, v, st, v, it, it);
    assign_arg a = { f->a, v };
    loop_body(c, f, labels, nl, pre_assign, &a);
    es_outf(c, " } finally { if (%s && !%s.done) $es.close(%s); }}", st, st, it);
}

void es_emit_loop(es_ctx *c, es_node *n, const char **labels, int nl)
{
    es_wrap *ow = c->fn->wrap;
    if (ow)
        for (int i = 0; i < nl && ow->ninner_labels < 32; i++) ow->inner_labels[ow->ninner_labels++] = labels[i];
    switch (n->kind) {
    case ES_FOR_OF:
        es_emit_for_of(c, n, labels, nl);
        break;
    case ES_FOR:
        labels_out(c, labels, nl);
        es_out(c, "for (");
        if (n->a) {
            if (n->a->kind == ES_VAR) es_emit_var(c, n->a, 1);
            else es_emit(c, n->a);
        }
        es_out(c, "; ");
        if (n->b) es_emit(c, n->b);
        es_out(c, "; ");
        if (n->c) es_emit(c, n->c);
        es_out(c, ") ");
        loop_body(c, n, labels, nl, NULL, NULL);
        break;
    case ES_FOR_IN: {
        es_node *t = n->a;
        int simple = (t->kind == ES_VAR && t->list->a->kind == ES_IDENT && !(t->op == ES_VAR_VAR && !c->fn->node)) ||
                     t->kind == ES_IDENT || t->kind == ES_MEMBER;
        labels_out(c, labels, nl);
        es_out(c, "for (");
        if (simple && !(n->flags & ES_F_WRAP)) {
            if (t->kind == ES_VAR) {
                es_out(c, "var ");
                es_emit_ident(c, t->list->a);
            } else {
                es_emit(c, t);
            }
            es_out(c, " in ");
            es_emit(c, n->b);
            es_out(c, ") ");
            loop_body(c, n, labels, nl, NULL, NULL);
        } else {
            const char *k = es_tmp(c);
            es_outf(c, "%s in ", k);
            es_emit(c, n->b);
            es_out(c, ") ");
            assign_arg a = { t, k };
            loop_body(c, n, labels, nl, pre_assign, &a);
        }
        break;
    }
    case ES_WHILE:
        labels_out(c, labels, nl);
        es_out(c, "while (");
        es_emit(c, n->a);
        es_out(c, ") ");
        loop_body(c, n, labels, nl, NULL, NULL);
        break;
    case ES_DO_WHILE:
        labels_out(c, labels, nl);
        es_out(c, "do ");
        loop_body(c, n, labels, nl, NULL, NULL);
        es_sync(c, n->a->line);
        es_out(c, " while (");
        es_emit(c, n->a);
        es_out(c, ");");
        break;
    default:
        break;
    }
    if (ow) {
        ow->ninner_labels -= nl;
        if (ow->ninner_labels < 0) ow->ninner_labels = 0;
    }
}
