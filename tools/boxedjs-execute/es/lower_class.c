/* lower_class.c - classes as an ES5 constructor function made inside a
 * function (its scope holds the superclass $S, the instance fields $F and
 * the keys of the private names), and super.
 *
 *   class A extends B { constructor(x) { super(x); } m() {} #p = 1; }
 *   var A = function ($S) { var $F = [], $es_p_p = $es.pn("p");
 *     $es.ext(A, $S); function A(x) { $es.cc(this, A); var $this;
 *     ($this = $es.sc($S, this, [x]), $es.fi($this, $F), $this);
 *     return $es.ck($this); } $es.dm(A.prototype, "m", function m() {});
 *     $F.push([$es_p_p, function () { return 1; }, 1]); return $es.kc(A); }(B);
 *
 * Each member is written on its source line.  A derived constructor's
 * `this` is $this, set by super(...), checked by $es.ck before.
 */
#include "es_int.h"

#include <stdio.h>
#include <string.h>

void es_emit_this(es_ctx *c)
{
    es_fn *f = c->fn;
    while (f->arrow && f->up && !f->derived) f = f->up;
    if (c->fn->derived || f->derived) {
        es_out(c, "$es.ck($this)");
    } else if (c->fn->arrow) {
        f->need_this = 1;
        es_out(c, "$this");
    } else {
        es_out(c, "this");
    }
}

void es_emit_method(es_ctx *c, es_node *f, const char *name, const char *home, int accessor)
{
    es_sync(c, f->line);
    c->next_home = home;
    c->next_accessor = accessor;
    es_emit_func(c, f, name);
}

static const char *home_of(es_ctx *c, es_node *at)
{
    es_fn *f = c->fn;
    while (f && !f->home) f = f->up;
    if (!f) {
        es_error(c, at, "'super' keyword unexpected here");
        return "null";
    }
    return f->home;
}

/* super.x: the property of the home object's prototype, read with this
 * as the receiver (getters); `callee`: only the function is wanted. */
static void super_member(es_ctx *c, es_node *m, int callee)
{
    if (callee) {
        es_outf(c, "$es.gp(%s)", home_of(c, m));
        if (m->flags & ES_F_COMPUTED) {
            es_out(c, "[");
            es_emit(c, m->b);
            es_out(c, "]");
        } else {
            es_outf(c, ".%s", m->b->str);
        }
        return;
    }
    es_outf(c, "$es.sg(%s, ", home_of(c, m));
    if (m->flags & ES_F_COMPUTED) es_emit(c, m->b);
    else es_outf(c, "\"%s\"", m->b->str);
    es_out(c, ", ");
    es_emit_this(c);
    es_out(c, ")");
}

void es_emit_super_member(es_ctx *c, es_node *m) { super_member(c, m, 0); }
void es_emit_super_callee(es_ctx *c, es_node *m) { super_member(c, m, 1); }

void es_emit_super_call(es_ctx *c, es_node *call)
{
    es_fn *f = c->fn;
    while (f && !f->superc) f = f->up;
    if (!f || !f->derived) {
        es_error(c, call, "'super' keyword unexpected here");
        return;
    }
    /* inside an arrow, this is not the constructor's: $self is */
    es_outf(c, "($this = $es.sc(%s, $this, %s, ", f->superc, c->fn->arrow ? "$self" : "this");
    if (es_list_has_spread(call->list)) {
        es_emit_spread_list(c, call->list);
    } else {
        es_out(c, "[");
        es_emit_args(c, call->list, 0);
        es_out(c, "]");
    }
    es_out(c, f->nofields ? "), $this)" : "), $es.fi($this, $F), $this)");
}

/* function () { return (init); } or function () { statements } as a method
 * of `home` (field initialisers, static blocks) */
static void thunk(es_ctx *c, es_node *expr, es_node *list, es_scope *s, const char *home, es_node *at)
{
    es_fn fn;
    memset(&fn, 0, sizeof fn);
    fn.up = c->fn;
    fn.node = at;
    fn.home = home;
    c->fn = &fn;
    es_out(c, "function () {");
    size_t pos = c->out.n;
    if (expr) {
        es_out(c, "return ");
        es_expr(c, expr);
        es_out(c, ";");
    } else {
        es_body(c, list);
    }
    es_out(c, "}");
    es_prologue(c, &fn, pos, s);
    c->fn = fn.up;
}

static void collect_private(es_ctx *c, es_node *cls)
{
    const char *seen[128];
    int n = 0;
    for (es_node *m = cls->list; m; m = m->next) {
        if (m->kind == ES_STATIC_BLOCK || m->a->kind != ES_PRIVATE) continue;
        int dup = 0;
        for (int i = 0; i < n; i++)
            if (!strcmp(seen[i], m->a->str)) dup = 1;
        if (dup || n == 128) continue;
        seen[n++] = m->a->str;
        es_outf(c, ", $es_p_%s = $es.pn(\"%s\")", m->a->str, m->a->str);
    }
}

static void member_key(es_ctx *c, es_node *m)
{
    if (m->a->kind == ES_PRIVATE) es_outf(c, "$es_p_%s", m->a->str);
    else es_emit_key(c, m->a, m->flags);
}

static int has_instance_fields(es_node *cls)
{
    for (es_node *m = cls->list; m; m = m->next)
        if (m->kind == ES_FIELD && !(m->flags & ES_F_STATIC)) return 1;
    return 0;
}

static void emit_ctor(es_ctx *c, es_node *cls, es_node *ctor, const char *name, const char *proto)
{
    int derived = cls->b != NULL;
    es_fn fn;
    memset(&fn, 0, sizeof fn);
    fn.up = c->fn;
    fn.node = ctor ? ctor : cls;
    fn.derived = derived;
    fn.home = proto;
    fn.superc = derived ? "$S" : NULL;
    fn.cls = name;
    fn.nofields = !has_instance_fields(cls);
    c->fn = &fn;
    if (ctor) es_sync(c, ctor->line);
    es_outf(c, "function %s", name);
    if (ctor) es_emit_params(c, ctor);
    else es_out(c, "()");
    /* the check without a call when it passes; no field initialisation
     * when the class has no instance fields */
    es_outf(c, " {if (!(this instanceof %s)) $es.cc(this, %s); ", name, name);
    /* $self: the constructor's own this, for super() inside an arrow */
    if (derived) es_out(c, "var $this, $self = this; ");
    else if (has_instance_fields(cls)) es_out(c, "$es.fi(this, $F); ");
    size_t at = c->out.n;
    if (ctor) {
        es_emit_params_prologue(c, ctor);
        es_body(c, ctor->b->list);
        es_sync(c, ctor->b->line);
    } else if (derived) {
        es_out(c, fn.nofields ? "$this = $es.sc($S, $this, this, arguments); "
                              : "$this = $es.sc($S, $this, this, arguments); $es.fi($this, $F); ");
    }
    if (derived) es_out(c, "return $es.ck($this);");
    es_out(c, "}");
    fn.derived = 0;  /* $this is declared above */
    es_prologue(c, &fn, at, ctor ? ctor->scope : NULL);
    c->fn = fn.up;
}

void es_emit_class(es_ctx *c, es_node *cls)
{
    const char *name = cls->str ? cls->str : "$class";
    char proto[160];
    snprintf(proto, sizeof proto, "%s.prototype", name);
    const char *protos = es_strndup(c->ar, proto, strlen(proto));
    if (cls->kind == ES_CLASS_DECL) {
        es_out(c, "var ");
        es_out(c, cls->a->bind ? cls->a->bind->emit : name);
        es_out(c, " = (");
    } else {
        es_out(c, "(");
    }
    /* the heritage first: it is evaluated first, and on its line */
    const char *sup = NULL;
    if (cls->b) {
        sup = es_tmp(c);
        es_outf(c, "%s = ", sup);
        es_expr(c, cls->b);
        es_out(c, ", ");
    }
    es_out(c, cls->b ? "function ($S) {\"use strict\"; var $F = []" : "function () {\"use strict\"; var $F = []");
    collect_private(c, cls);
    es_out(c, "; ");
    if (cls->b) es_outf(c, "$es.ext(%s, $S); ", name);
    es_node *ctor = NULL;
    for (es_node *m = cls->list; m; m = m->next)
        if (m->kind == ES_METHOD && m->op == ES_P_CTOR) ctor = m->b;
    if (!ctor) emit_ctor(c, cls, NULL, name, protos);
    for (es_node *m = cls->list; m && !c->failed; m = m->next) {
        es_sync(c, m->line);
        int st = (m->flags & ES_F_STATIC) != 0;
        const char *home = st ? name : protos;
        if (m->kind == ES_METHOD) {
            if (m->op == ES_P_CTOR) {
                emit_ctor(c, cls, m->b, name, protos);
                es_out(c, " ");
                continue;
            }
            const char *fnn = m->op == ES_P_GET ? "dg" : m->op == ES_P_SET ? "ds" : "dm";
            es_outf(c, "$es.%s(%s, ", fnn, home);
            member_key(c, m);
            es_out(c, ", ");
            const char *nm = NULL;
            if (m->a->kind == ES_IDENT && !(m->flags & ES_F_COMPUTED) && m->op == ES_P_METHOD)
                nm = es_infer_name(m->b, m->a->str);
            if (nm && !strcmp(nm, name)) nm = NULL;
            es_emit_method(c, m->b, nm, home, 0);
            es_out(c, "); ");
        } else if (m->kind == ES_FIELD) {
            if (st) es_outf(c, "$es.sf(%s, ", name);
            else es_out(c, "$F.push([");
            member_key(c, m);
            es_out(c, ", ");
            if (m->b) thunk(c, m->b, NULL, m->scope, home, m);
            else es_out(c, "null");
            es_outf(c, ", %d", m->a->kind == ES_PRIVATE);
            es_out(c, st ? "); " : "]); ");
        } else if (m->kind == ES_STATIC_BLOCK) {
            es_out(c, "(");
            thunk(c, NULL, m->list, m->scope, name, m);
            es_outf(c, ").call(%s); ", name);
        }
    }
    es_sync(c, cls->line);
    /* $es.kc marks it a class, for inspect's [class A] */
    es_outf(c, "return $es.kc(%s); }", name);
    if (sup) es_outf(c, "(%s)", sup);
    else es_out(c, "()");
    es_out(c, cls->kind == ES_CLASS_DECL ? ");" : ")");
}
