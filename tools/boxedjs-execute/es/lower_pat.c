/* lower_pat.c - destructuring, parameters (defaults, patterns, rest),
 * spread in array literals and argument lists, object literals (spread,
 * computed keys, methods, shorthand). */
#include "es_int.h"

#include <stdio.h>
#include <string.h>

/* a[n] / a.slice(n) */
static const char *fmt(es_ctx *c, const char *f, const char *a, long n)
{
    size_t la = strlen(a);
    int slice = f[2] == '.';
    char *pre = es_alloc(c->ar, la + 8);
    if (!pre) return a;
    memcpy(pre, a, la);
    strcpy(pre + la, slice ? ".slice(" : "[");
    const char *r = es_strnum(c->ar, pre, n, slice ? ")" : "]");
    return r ? r : a;
}

/* The key of a non-computed pattern property as a string literal's text:
 * a name "name", a number "%.17g", a string as written; NULL when out of
 * memory. */
const char *es_pat_key(es_ctx *c, es_node *key)
{
    if (key->kind == ES_IDENT) return es_cat(c->ar, "\"", key->str, "\"", (char *)NULL);
    if (key->kind == ES_NUM) {
        char buf[64];
        snprintf(buf, sizeof buf, "\"%.17g\"", key->num);
        return es_strndup(c->ar, buf, strlen(buf));
    }
    return key->str;
}

static void sep(es_ctx *c, int *first)
{
    if (!*first) es_out(c, ", ");
    *first = 0;
}

static void destr(es_ctx *c, es_node *t, const char *src, int decl, int *first);

/* target = src, through a default when src is undefined */
static void destr_default(es_ctx *c, es_node *t, es_node *dflt, const char *src, int decl, int *first)
{
    const char *v = es_tmp(c);
    sep(c, first);
    es_outf(c, "%s = %s", v, src);
    if (t->kind == ES_IDENT || (!decl && (t->kind == ES_MEMBER || t->kind == ES_PAREN))) {
        sep(c, first);
        if (t->kind == ES_IDENT) es_emit_ident(c, t);
        else es_emit(c, t);
        es_outf(c, " = %s === void 0 ? ", v);
        es_expr(c, dflt);
        es_outf(c, " : %s", v);
        return;
    }
    sep(c, first);
    es_outf(c, "%s = %s === void 0 ? ", v, v);
    es_expr(c, dflt);
    es_outf(c, " : %s", v);
    destr(c, t, v, decl, first);
}

/* $pN (a parameter) or $$N (a temporary): a name of the front end's own */
static int own_name(const char *s)
{
    if (s[0] != '$' || (s[1] != '$' && s[1] != 'p') || !s[2]) return 0;
    for (s += 2; *s; s++)
        if (*s < '0' || *s > '9') return 0;
    return 1;
}

static void destr(es_ctx *c, es_node *t, const char *src, int decl, int *first)
{
    if (c->failed) return;
    switch (t->kind) {
    case ES_IDENT:
        sep(c, first);
        if (!decl && (t->flags & ES_F_TDZW)) {
            es_out(c, "$es.tdz(");
            es_emit_ident(c, t);
            es_outf(c, ", \"%s\"), ", t->bind ? t->bind->name : t->str);
        }
        if (!decl && (t->flags & ES_F_CONSTW)) {
            es_outf(c, "%s = $es.ce()", es_tmp(c));
            return;
        }
        es_out(c, t->bind ? t->bind->emit : t->str);
        if (t->bind && t->bind->alt) {
            /* inside the loop function the copy is assigned */
            c->out.n -= strlen(t->bind->emit);
            c->out.p[c->out.n] = 0;
            es_emit_ident(c, t);
        }
        es_outf(c, " = %s", src);
        return;
    case ES_ASSIGN_PAT:
        destr_default(c, t->a, t->b, src, decl, first);
        return;
    case ES_ARRAY_PAT: {
        const char *a = es_tmp(c);
        long n = 0;
        int rest = 0;
        for (es_node *e = t->list; e; e = e->next) {
            if (e->kind == ES_REST) rest = 1;
            else n++;
        }
        sep(c, first);
        /* an array is read as it is, without a call: $es.M is a hidden
         * symbol that Array.prototype alone has (05-lower.js).  $esM is
         * its copy, kept by the outermost function around (emit.c's
         * prologue): a callback called for each element then reads it
         * from its closure instead of $es from the global object. */
        const char *mark = "$es.M";
        es_fn *home = NULL;
        for (es_fn *f = c->fn; f; f = f->up)
            if (f->alias_ok) home = f;
        if (home) { home->use_esM = 1; mark = "$esM"; }
        /* a function inside it copies the closure's $esM into a local of
         * its own, $esm, once per call: each use is then a register */
        if (home && home != c->fn && c->fn->alias_ok) { c->fn->use_esm = 1; mark = "$esm"; }
        /* a temporary or parameter of the front end's own is read more
         * than once as it is (no getter can be behind it), others once */
        const char *v = src;
        if (!own_name(src)) {
            es_outf(c, "%s = %s, ", a, src);
            v = a;
        }
        /* (v || 0)[mark]: undefined for every primitive, null and undefined
         * included, without a comparison; $es.arr then iterates or throws */
        es_outf(c, "%s = (%s || 0)[%s] ? %s : $es.arr(%s, %ld)", a, v, mark, v, v, rest ? -1L : n);
        long i = 0;
        for (es_node *e = t->list; e; e = e->next, i++) {
            if (e->kind == ES_HOLE) continue;
            if (e->kind == ES_REST) destr(c, e->a, fmt(c, "%s.slice(%ld)", a, i), decl, first);
            else destr(c, e, fmt(c, "%s[%ld]", a, i), decl, first);
        }
        return;
    }
    case ES_OBJECT_PAT: {
        const char *o = es_tmp(c);
        sep(c, first);
        /* $es.obj only for null and undefined (its TypeError) */
        es_outf(c, "%s = %s, %s = %s == null ? $es.obj(%s) : %s", o, src, o, o, o, o);
        const char *keys[64];
        int nk = 0;
        for (es_node *e = t->list; e; e = e->next) {
            if (e->kind == ES_REST) {
                /* the rest: all own enumerable keys but the ones taken */
                char buf[1024];
                size_t n = (size_t)snprintf(buf, sizeof buf, "$es.rest(%s, [", o);
                for (int i = 0; i < nk && n < sizeof buf - 100; i++)
                    n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", i ? ", " : "", keys[i]);
                snprintf(buf + n, sizeof buf - n, "])");
                destr(c, e->a, es_strndup(c->ar, buf, strlen(buf)), decl, first);
                continue;
            }
            const char *val;
            const char *kt;
            if (e->flags & ES_F_COMPUTED) {
                const char *k = es_tmp(c);
                sep(c, first);
                es_outf(c, "%s = $es.key(", k);
                es_emit(c, e->a);
                es_out(c, ")");
                kt = k;
                val = es_cat(c->ar, o, "[", k, "]", (char *)NULL);
            } else {
                const char *name = e->a->kind == ES_IDENT ? e->a->str : NULL;
                kt = es_pat_key(c, e->a);
                val = name && es_valid_ident(name) ? es_cat(c->ar, o, ".", name, (char *)NULL)
                      : kt ? es_cat(c->ar, o, "[", kt, "]", (char *)NULL)
                           : NULL;
                if (!val || !kt) { es_error(c, e, "out of memory"); return; }
            }
            if (nk < 64) keys[nk++] = kt;
            destr(c, e->b, val, decl, first);
        }
        return;
    }
    case ES_PAREN:
        destr(c, t->a, src, decl, first);
        return;
    default:
        /* a member expression (assignment patterns only) */
        sep(c, first);
        es_emit(c, t);
        es_outf(c, " = %s", src);
        return;
    }
}

void es_destructure(es_ctx *c, es_node *target, const char *src, int decl)
{
    int first = 1;
    destr(c, target, src, decl, &first);
}

/* ---- parameters ------------------------------------------------------------ */
/* The formal parameters are those before the first default or rest (the
 * function's length counts them); the others are read from arguments. */
static int nformals(es_node *f)
{
    int i = 0;
    for (es_node *p = f->list; p && p->kind != ES_REST && p->kind != ES_ASSIGN_PAT; p = p->next) i++;
    return i;
}

void es_emit_params(es_ctx *c, es_node *f)
{
    es_out(c, "(");
    int i = 0, n = nformals(f);
    for (es_node *p = f->list; p && i < n; p = p->next, i++) {
        if (i) es_out(c, ", ");
        if (p->kind == ES_IDENT) es_out(c, p->bind ? p->bind->emit : p->str);
        else es_outf(c, "$p%d", i);
    }
    es_out(c, ")");
}

void es_emit_params_prologue(es_ctx *c, es_node *f)
{
    int i = 0, n = nformals(f);
    for (es_node *p = f->list; p; p = p->next, i++) {
        if (p->kind == ES_IDENT && i < n) continue;
        const char *name = es_strnum(c->ar, "$p", i, NULL);
        if (p->kind == ES_REST) {
            char buf[64];
            snprintf(buf, sizeof buf, "[].slice.call(arguments, %d)", i);
            if (p->a->kind == ES_IDENT) {
                es_outf(c, "var %s = %s; ", p->a->bind ? p->a->bind->emit : p->a->str, buf);
            } else {
                es_out(c, "var ");
                es_destructure(c, p->a, es_strndup(c->ar, buf, strlen(buf)), 1);
                es_out(c, "; ");
            }
            break;
        }
        es_node *t = p->kind == ES_ASSIGN_PAT ? p->a : p;
        if (t->kind == ES_IDENT) {
            const char *v = t->bind ? t->bind->emit : t->str;
            if (i >= n) es_outf(c, "var %s = arguments[%d]; ", v, i);
            if (p->kind == ES_ASSIGN_PAT) {
                es_outf(c, "if (%s === void 0) %s = ", v, v);
                es_expr(c, p->b);
                es_out(c, "; ");
            }
            continue;
        }
        if (i >= n) es_outf(c, "var %s = arguments[%d]; ", name, i);
        es_out(c, "var ");
        es_destructure(c, p, name, 1);
        es_out(c, "; ");
    }
}

/* ---- spread ------------------------------------------------------------ */
int es_list_has_spread(es_node *l)
{
    for (; l; l = l->next)
        if (l->kind == ES_SPREAD) return 1;
    return 0;
}

/* $es.cat([a, b], $es.toArr(x), [c]); $es.spr(x) for [...x] alone (a
 * new array without a second copy) */
void es_emit_spread_list(es_ctx *c, es_node *list)
{
    if (list && list->kind == ES_SPREAD && !list->next) {
        es_out(c, "$es.spr(");
        es_emit(c, list->a);
        es_out(c, ")");
        return;
    }
    es_out(c, "$es.cat(");
    int open = 0, any = 0;
    for (es_node *e = list; e; e = e->next) {
        if (e->kind == ES_SPREAD) {
            if (open) { es_out(c, "]"); open = 0; }
            if (any++) es_out(c, ", ");
            es_out(c, "$es.toArr(");
            es_emit(c, e->a);
            es_out(c, ")");
            continue;
        }
        if (!open) {
            if (any++) es_out(c, ", ");
            es_out(c, "[");
            open = 1;
        } else {
            es_out(c, ", ");
        }
        if (e->kind == ES_HOLE) es_out(c, "void 0");
        else es_emit(c, e);
    }
    if (open) es_out(c, "]");
    es_out(c, ")");
}

/* ---- object literals ------------------------------------------------------- */
static int mentions_super(es_node *n)
{
    if (!n) return 0;
    if (n->kind == ES_SUPER) return 1;
    if ((n->kind == ES_FUNC || n->kind == ES_FUNC_DECL) && !(n->flags & ES_F_ARROW)) return 0;
    if (n->kind == ES_CLASS) return 0;
    if (mentions_super(n->a) || mentions_super(n->b) || mentions_super(n->c) || mentions_super(n->d)) return 1;
    for (es_node *e = n->list; e; e = e->next)
        if (mentions_super(e)) return 1;
    return 0;
}

extern const char *es_infer_name(es_node *f, const char *name);
extern void es_emit_method(es_ctx *c, es_node *f, const char *name, const char *home, int accessor);

static const char *key_name(es_node *p)
{
    if (p->flags & ES_F_COMPUTED) return NULL;
    if (p->a->kind == ES_IDENT) return p->a->str;
    return NULL;
}

static void prop_value(es_ctx *c, es_node *p, const char *home)
{
    if (p->op == ES_P_SHORTHAND) {
        es_emit_ident(c, p->b);
        return;
    }
    if (p->op == ES_P_METHOD || p->op == ES_P_GET || p->op == ES_P_SET) {
        const char *nm = key_name(p);
        nm = nm ? es_infer_name(p->b, nm) : NULL;
        es_emit_method(c, p->b, nm, home, 0);
        return;
    }
    if (p->b->kind == ES_FUNC && !p->b->a && key_name(p) && !(p->b->flags & (ES_F_GENERATOR | ES_F_ASYNC))) {
        const char *nm = es_infer_name(p->b, key_name(p));
        if (nm) {
            es_sync(c, p->b->line);
            es_emit_func(c, p->b, nm);
            return;
        }
    }
    es_emit(c, p->b);
}

static int is_proto(es_node *p)
{
    const char *k = p->a ? p->a->str : NULL;
    return p->op == ES_P_INIT && !(p->flags & ES_F_COMPUTED) && k &&
           (!strcmp(k, "__proto__") || !strcmp(k, "'__proto__'") || !strcmp(k, "\"__proto__\""));
}

void es_emit_object(es_ctx *c, es_node *o)
{
    int complex = 0, sup = 0;
    for (es_node *p = o->list; p; p = p->next) {
        if (p->op == ES_P_SPREAD || (p->flags & ES_F_COMPUTED) || is_proto(p)) complex = 1;
        if ((p->op == ES_P_METHOD || p->op == ES_P_GET || p->op == ES_P_SET) && mentions_super(p->b->b)) sup = 1;
    }
    const char *t = (complex || sup) ? es_tmp(c) : NULL;
    if (t) es_outf(c, "(%s = ", t);
    es_out(c, "{");
    es_node *p = o->list;
    int n = 0;
    for (; p; p = p->next) {
        if (p->op == ES_P_SPREAD || (p->flags & ES_F_COMPUTED) || is_proto(p)) break;
        es_sync(c, p->line);
        if (n++) es_out(c, ", ");
        if (!p->dirty) {
            es_copy(c, p);
            continue;
        }
        if (p->op == ES_P_GET || p->op == ES_P_SET) {
            es_out(c, p->op == ES_P_GET ? "get " : "set ");
            es_emit_key(c, p->a, 0);
            es_emit_method(c, p->b, NULL, t, 1);
            continue;
        }
        es_emit_key(c, p->a, 0);
        es_out(c, ": ");
        prop_value(c, p, t);
    }
    es_out(c, "}");
    for (; p; p = p->next) {
        es_sync(c, p->line);
        if (is_proto(p)) {
            es_outf(c, ", $es.setp(%s, ", t);
            es_emit(c, p->b);
            es_out(c, ")");
            continue;
        }
        if (p->op == ES_P_SPREAD) {
            es_outf(c, ", $es.spo(%s, ", t);
            es_emit(c, p->b);
            es_out(c, ")");
            continue;
        }
        const char *fnn = p->op == ES_P_GET ? "dg" : p->op == ES_P_SET ? "ds" : "dp";
        es_outf(c, ", $es.%s(%s, ", fnn, t);
        es_emit_key(c, p->a, p->flags);
        es_out(c, ", ");
        prop_value(c, p, t);
        es_out(c, p->op == ES_P_GET || p->op == ES_P_SET ? ", 1)" : ")");
    }
    if (t) es_outf(c, ", %s)", t);
}
