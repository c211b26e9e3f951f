/* emit.c - ES5 text from the tree: clean nodes as their source text, dirty
 * ones rewritten (the constructs that need more are in lower_*.c).
 *
 * Lines: before a node is written, newlines are added until the output is
 * on the node's source line (es_sync); the rewrites put what they add on
 * the line they are on, so the output never runs ahead of the source and
 * Duktape's line numbers are the user's.
 */
#include "es_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void es_buf_put(es_buf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->n + n + 1) cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) abort();
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

void es_outn(es_ctx *c, const char *s, size_t n) { es_buf_put(&c->out, s, n); }
void es_out(es_ctx *c, const char *s) { es_buf_put(&c->out, s, strlen(s)); }

void es_outf(es_ctx *c, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    /* %s and %d by hand (vsnprintf is most of the emitter's time) */
    const char *f = fmt;
    while ((f = strchr(f, '%')) && (f[1] == 's' || f[1] == 'd'))
        f += 2;
    if (!f) {
        va_start(ap, fmt);
        for (f = fmt; *f;) {
            const char *q = strchr(f, '%');
            if (!q) {
                es_outn(c, f, strlen(f));
                break;
            }
            es_outn(c, f, (size_t)(q - f));
            if (q[1] == 's') {
                const char *a = va_arg(ap, const char *);
                es_outn(c, a, strlen(a));
            } else {
                int v = va_arg(ap, int);
                char d[16];
                int n = 0;
                unsigned u = v < 0 ? 0u - (unsigned)v : (unsigned)v;
                do { d[n++] = (char)('0' + u % 10); u /= 10; } while (u);
                if (v < 0) d[n++] = '-';
                while (n) es_outn(c, &d[--n], 1);
            }
            f = q + 2;
        }
        va_end(ap);
        return;
    }
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof buf - 1) n = (int)sizeof buf - 1;
    if (n > 0) es_outn(c, buf, (size_t)n);
}

void es_sync(es_ctx *c, int line)
{
    while (c->line < line) {
        es_outn(c, "\n", 1);
        c->line++;
    }
}

void es_error(es_ctx *c, es_node *at, const char *msg)
{
    if (c->failed) return;
    c->failed = 1;
    snprintf(c->msg, sizeof c->msg, "%s", msg);
    c->eline = at ? at->line : 1;
    c->ecol = at ? at->col : 1;
}

const char *es_name_tmp(es_ctx *c, const char *base)
{
    return es_strnum(c->ar, base, ++c->ntmp, NULL);
}

void es_push_name(es_ctx *c, const char ***arr, int *n, int *cap, const char *name)
{
    if (*n == *cap) {
        int nc = *cap ? *cap * 2 : 16;
        const char **na = es_alloc(c->ar, (size_t)nc * sizeof *na);
        if (!na) {
            es_error(c, NULL, "out of memory");
            return;
        }
        if (*n) memcpy(na, *arr, (size_t)*n * sizeof *na);
        *arr = na;
        *cap = nc;
    }
    (*arr)[(*n)++] = name;
}

const char *es_tmp(es_ctx *c)
{
    const char *t = es_name_tmp(c, "$$");
    es_fn *f = c->fn;
    es_push_name(c, &f->tmps, &f->ntmps, &f->captmps, t);
    return t;
}

void es_copy(es_ctx *c, es_node *n)
{
    es_sync(c, n->line);
    const char *s = c->src + n->start;
    size_t len = n->end - n->start;
    es_outn(c, s, len);
    for (size_t i = 0; i < len; i++)
        if (s[i] == '\n') c->line++;
}

/* ---- small pieces ------------------------------------------------------ */
static es_fn *real_fn(es_ctx *c)
{
    es_fn *f = c->fn;
    while (f->arrow && f->up) f = f->up;
    return f;
}

void es_emit_ident(es_ctx *c, es_node *id)
{
    es_sync(c, id->line);
    es_binding *b = id->bind;
    if (!b) {
        if (id->flags & ES_F_LEXTHIS) {  /* arguments in an arrow */
            real_fn(c)->need_args = 1;
            es_out(c, "$args");
            return;
        }
        es_out(c, id->str);
        return;
    }
    const char *name = b->emit;
    if (b->alt) {
        for (es_wrap *w = c->fn ? c->fn->wrap : NULL; w; w = w->up)
            if (w->loop->scope == b->scope) { name = b->alt; break; }
        for (es_fn *f = c->fn; f && name == b->emit; f = f->up)
            for (es_wrap *w = f->wrap; w; w = w->up)
                if (w->loop->scope == b->scope) { name = b->alt; break; }
    }
    if (id->flags & ES_F_TDZ)
        es_outf(c, "$es.tdz(%s, \"%s\")", name, b->name);
    else
        es_out(c, name);
}

static int is_simple(es_node *n)
{
    switch (n->kind) {
    case ES_IDENT: case ES_NUM: case ES_STR: case ES_NULL: case ES_TRUE: case ES_FALSE:
    case ES_THIS: case ES_PAREN: case ES_ARRAY: case ES_MEMBER: case ES_CALL: case ES_REGEX:
    case ES_TEMPLATE:
        return 1;
    default:
        return 0;
    }
}

void es_expr(es_ctx *c, es_node *n)
{
    if (is_simple(n) && !(n->kind == ES_IDENT && (n->flags & ES_F_TDZ)) &&
        !(n->kind == ES_CALL && n->dirty) && !(n->kind == ES_MEMBER && n->dirty)) {
        es_emit(c, n);
        return;
    }
    es_sync(c, n->line);
    es_out(c, "(");
    es_emit(c, n);
    es_out(c, ")");
}

void es_stmt(es_ctx *c, es_node *n) { es_emit(c, n); }

void es_body(es_ctx *c, es_node *list)
{
    for (; list && !c->failed; list = list->next) es_emit(c, list);
}

static void emit_number(es_ctx *c, es_node *n)
{
    double v = n->num;
    if (v == (double)(long long)v && v < 1e18 && v > -1e18)
        es_outf(c, "%lld", (long long)v);
    else
        es_outf(c, "%.17g", v);
}

/* At s, an escape \u{X...}: written as \uXXXX (a surrogate pair above
 * U+FFFF); returns its closing brace. */
const char *es_emit_code_point(es_ctx *c, const char *s)
{
    unsigned cp = 0;
    const char *p = s + 3;
    while (*p && *p != '}') { cp = cp * 16 + (unsigned)(*p <= '9' ? *p - '0' : (*p | 32) - 'a' + 10); p++; }
    if (cp >= 0x10000) {
        cp -= 0x10000;
        es_outf(c, "\\u%04x\\u%04x", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
    } else {
        es_outf(c, "\\u%04x", cp);
    }
    return p;
}

/* A string literal with \u{...} escapes turned into \uXXXX (pairs). */
static void emit_string(es_ctx *c, const char *s)
{
    for (; *s; s++) {
        if (s[0] == '\\' && s[1] == '\\') { es_outn(c, s, 2); s++; continue; }
        if (s[0] == '\\' && s[1] == 'u' && s[2] == '{') {
            s = es_emit_code_point(c, s);
            continue;
        }
        if ((unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
            ((unsigned char)s[2] == 0xA8 || (unsigned char)s[2] == 0xA9)) {
            es_out(c, (unsigned char)s[2] == 0xA8 ? "\\u2028" : "\\u2029");
            s += 2;
            continue;
        }
        es_outn(c, s, 1);
    }
}

void es_emit_key(es_ctx *c, es_node *key, uint32_t flags)
{
    if (flags & ES_F_COMPUTED) {
        es_expr(c, key);
    } else if (key->kind == ES_IDENT) {
        es_outf(c, "\"%s\"", key->str);
    } else if (key->kind == ES_NUM) {
        es_out(c, "\"");
        emit_number(c, key);
        es_out(c, "\"");
    } else {
        es_emit(c, key);
    }
}

void es_emit_args(es_ctx *c, es_node *list, int paren)
{
    if (paren) es_out(c, "(");
    for (es_node *a = list; a; a = a->next) {
        es_emit(c, a);
        if (a->next) es_out(c, ", ");
    }
    if (paren) es_out(c, ")");
}

/* ---- functions ------------------------------------------------------------ */
/* Write the directive prologue ("use strict") of a body; the rest. */
es_node *es_directives(es_ctx *c, es_node *list)
{
    while (list && list->kind == ES_EXPR_STMT && list->a->kind == ES_STR) {
        es_emit(c, list);
        list = list->next;
    }
    return list;
}

static void insert(es_ctx *c, size_t at, const char *s, size_t n)
{
    es_buf_put(&c->out, s, n);  /* grow */
    memmove(c->out.p + at + n, c->out.p + at, c->out.n - n - at);
    memcpy(c->out.p + at, s, n);
}

/* var $this = this, tmps...; at `at` (no newlines) */
void es_prologue(es_ctx *c, es_fn *f, size_t at, es_scope *s)
{
    es_buf b = {0};
    if (!f->arrow) {
        if (f->need_this && !f->derived) es_buf_put(&b, "var $this = this; ", 18);
        if (f->need_args && f->node && f->node->kind == ES_PROGRAM) {
            const char *a = "var $args = typeof arguments === \"undefined\" ? [] : arguments; ";
            es_buf_put(&b, a, strlen(a));  /* the script has none */
        } else if (f->need_args) {
            const char *a = "var $args = $es.ai(arguments); ";
            es_buf_put(&b, a, strlen(a));
        } else if (s && s->kind == S_FUNC && s->own_args && f->node && f->node->kind != ES_PROGRAM) {
            /* arguments objects get their @@iterator here (Duktape's have
             * none, and Object.prototype stays without one) */
            const char *a = "$es.ai(arguments); ";
            es_buf_put(&b, a, strlen(a));
        }
        if (f->need_nt && f->node && (f->node->flags & ES_F_CLASSCTOR))
            es_buf_put(&b, "var $nt = new.target || this.constructor; ", 42);
        else if (f->need_nt)
            es_buf_put(&b, "var $nt = new.target; ", 22);
    }
    if (s)
        for (es_binding *x = s->binds; x; x = x->next)
            if (x->tdz) {
                es_buf_put(&b, "var ", 4);
                es_buf_put(&b, x->emit, strlen(x->emit));
                es_buf_put(&b, " = $es.T; ", 10);
            }
    /* array destructuring's mark, read from $es once per call (a global
     * costs a lookup through every scope around at each use) */
    if (f->use_esM) es_buf_put(&b, "var $esM = $es.M; ", 18);
    else if (f->use_esm) es_buf_put(&b, "var $esm = $esM; ", 17);
    for (int i = 0; i < f->npriv; i++) {
        es_buf_put(&b, "var $esq_", 9);
        es_buf_put(&b, f->priv[i], strlen(f->priv[i]));
        es_buf_put(&b, " = $es_p_", 9);
        es_buf_put(&b, f->priv[i], strlen(f->priv[i]));
        es_buf_put(&b, "; ", 2);
    }
    int nv = f->ntmps + f->nhoist;
    if (nv) {
        es_buf_put(&b, "var ", 4);
        for (int i = 0; i < f->ntmps; i++) {
            es_buf_put(&b, f->tmps[i], strlen(f->tmps[i]));
            if (--nv) es_buf_put(&b, ", ", 2);
        }
        for (int i = 0; i < f->nhoist; i++) {
            es_buf_put(&b, f->hoist[i], strlen(f->hoist[i]));
            if (--nv) es_buf_put(&b, ", ", 2);
        }
        es_buf_put(&b, "; ", 2);
    }
    if (b.n) insert(c, at, b.p, b.n);
    free(b.p);
}

/* Is `name` referenced inside n (so the function cannot take it as its own)? */
static int mentions(es_node *n, const char *name)
{
    if (!n) return 0;
    if (n->kind == ES_IDENT && !strcmp(n->str, name)) return 1;
    if (n->kind == ES_MEMBER && !(n->flags & ES_F_COMPUTED)) return mentions(n->a, name);
    if (mentions(n->a, name) || mentions(n->b, name) || mentions(n->c, name) || mentions(n->d, name))
        return 1;
    for (es_node *e = n->list; e; e = e->next)
        if (mentions(e, name)) return 1;
    return 0;
}

/* s is an identifier that may follow a dot (not a keyword). */
int es_valid_ident(const char *s)
{
    if (!s || !*s || es_is_keyword(s)) return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' || *p == '$' ||
              (p > s && *p >= '0' && *p <= '9')))
            return 0;
    return 1;
}

/* The name an anonymous function takes from where it is defined. */
const char *es_infer_name(es_node *f, const char *name);
const char *es_infer_name(es_node *f, const char *name)
{
    if (!es_valid_ident(name)) return NULL;
    if (!strcmp(name, "arguments") || !strcmp(name, "eval")) return NULL;
    for (es_node *p = f->list; p; p = p->next)
        if (mentions(p, name)) return NULL;
    if (mentions(f->b, name)) return NULL;
    return name;
}

void es_emit_func(es_ctx *c, es_node *f, const char *name)
{
    es_sync(c, f->line);
    if (f->flags & (ES_F_GENERATOR | ES_F_ASYNC)) {
        if (es_lower_generator) {
            es_lower_generator(c, f);
            c->next_home = NULL;
            c->next_accessor = 0;
            return;
        }
        es_error(c, f, (f->flags & ES_F_GENERATOR) ? "not yet supported: generators"
                                                   : "not yet supported: async functions");
        return;
    }
    if (!f->dirty) {
        if ((f->flags & ES_F_METHOD) && !c->next_accessor)
            es_outf(c, "function%s%s", name ? " " : "", name ? name : "");
        c->next_accessor = 0;
        c->next_home = NULL;
        es_copy(c, f);
        return;
    }
    es_fn fn;
    memset(&fn, 0, sizeof fn);
    fn.up = c->fn;
    fn.node = f;
    fn.arrow = (f->flags & ES_F_ARROW) != 0;
    fn.alias_ok = 1;
    if (fn.arrow && c->fn) {
        fn.derived = c->fn->derived;
        fn.home = c->fn->home;
        fn.superc = c->fn->superc;
        fn.nofields = c->fn->nofields;
        fn.cls = c->fn->cls;
    }
    if (c->next_home) {
        fn.home = c->next_home;
        c->next_home = NULL;
    }
    int accessor = c->next_accessor;
    c->next_accessor = 0;
    if (!name && f->a) name = f->a->str;
    if (f->kind == ES_FUNC_DECL && f->a && f->a->bind) name = f->a->bind->emit;
    c->fn = &fn;
    /* an arrow is no constructor (new throws a TypeError, no prototype):
     * it becomes a method of an object literal, which Duktape makes so */
    int method = fn.arrow && !accessor && !(f->flags & ES_F_WRAPPER);
    /* Duktape names a method by an unquoted key only, and reads get( and
     * set( as accessors: those two are named by $es.nm */
    const char *nm = NULL;
    if (method && name && (!strcmp(name, "get") || !strcmp(name, "set"))) {
        nm = name;
        name = NULL;
        es_out(c, "$es.nm(");
    }
    if (method) {
        es_outf(c, "({%s", name ? name : "\"\"");
    } else if (!accessor) {
        es_out(c, "function");
        if (name) {
            es_out(c, " ");
            es_out(c, name);
        }
    }
    es_emit_params(c, f);
    es_out(c, " {");
    es_node *rest = (f->flags & ES_F_EXPRBODY) ? NULL : es_directives(c, f->b->list);
    size_t at = c->out.n;
    es_emit_params_prologue(c, f);
    if (f->flags & ES_F_EXPRBODY) {
        es_out(c, "return ");
        es_expr(c, f->b);
        es_out(c, ";");
    } else {
        es_body(c, rest);
        es_sync(c, f->b->line);
    }
    es_out(c, "}");
    if (method) {
        es_out(c, "})");
        es_out(c, name ? "." : "[\"\"]");
        if (name) es_out(c, name);
        if (nm) es_outf(c, ", \"%s\")", nm);
    }
    es_prologue(c, &fn, at, f->scope);
    c->fn = fn.up;
}

/* ---- statements and expressions ------------------------------------------ */
static void emit_block(es_ctx *c, es_node *b, es_node *list)
{
    es_out(c, "{");
    if (b->scope) es_emit_block_entry(c, b->scope);
    es_body(c, list);
    es_out(c, "}");
}

static void emit_labeled(es_ctx *c, es_node *n)
{
    const char *labels[8];
    int nl = 0;
    es_node *s = n;
    while (s->kind == ES_LABELED && nl < 8) {
        labels[nl++] = s->str;
        s = s->a;
    }
    if (s->kind == ES_FOR || s->kind == ES_FOR_IN || s->kind == ES_FOR_OF || s->kind == ES_WHILE ||
        s->kind == ES_DO_WHILE) {
        es_emit_loop(c, s, labels, nl);
        return;
    }
    es_wrap *w = c->fn->wrap;
    for (int i = 0; i < nl; i++) {
        es_outf(c, "%s: ", labels[i]);
        if (w && w->ninner_labels < 32) w->inner_labels[w->ninner_labels++] = labels[i];
    }
    es_emit(c, s);
    if (w) w->ninner_labels -= nl;
    if (w && w->ninner_labels < 0) w->ninner_labels = 0;
}

static void emit_try(es_ctx *c, es_node *n)
{
    es_out(c, "try ");
    es_emit(c, n->a);
    if (n->c) {
        es_sync(c, n->c->line);
        if (n->b && n->b->kind == ES_IDENT) {
            es_out(c, " catch (");
            es_emit_ident(c, n->b);
            es_out(c, ") ");
            emit_block(c, n->c, n->c->list);
        } else {
            const char *e = es_name_tmp(c, "$e");
            es_outf(c, " catch (%s) {", e);
            if (n->b) {
                es_out(c, "var ");
                es_destructure(c, n->b, e, 1);
                es_out(c, "; ");
            }
            if (n->c->scope) es_emit_block_entry(c, n->c->scope);
            es_body(c, n->c->list);
            es_out(c, "}");
        }
    }
    if (n->d) {
        es_sync(c, n->d->line);
        es_out(c, " finally ");
        es_emit(c, n->d);
    }
}

static void emit_switch(es_ctx *c, es_node *n)
{
    es_out(c, "switch (");
    es_emit(c, n->a);
    es_out(c, ") {");
    if (n->scope) es_emit_block_entry(c, n->scope);
    es_wrap *w = c->fn->wrap;
    if (w) w->inner++;
    for (es_node *k = n->list; k; k = k->next) {
        es_sync(c, k->line);
        if (k->a) {
            es_out(c, "case ");
            es_emit(c, k->a);
            es_out(c, ": ");
        } else {
            es_out(c, "default: ");
        }
        es_body(c, k->list);
    }
    if (w) w->inner--;
    es_out(c, "}");
}

const char *es_private(es_ctx *c, const char *name)
{
    es_fn *f = c->fn;
    int i = 0;
    if (f->alias_ok) {
        while (i < f->npriv && strcmp(f->priv[i], name)) i++;
        if (i == f->npriv && i < 8) f->priv[f->npriv++] = name;
    }
    return es_cat(c->ar, f->alias_ok && i < 8 ? "$esq_" : "$es_p_", name, (char *)NULL);
}

static void emit_member(es_ctx *c, es_node *n)
{
    if (n->a->kind == ES_SUPER) {
        es_emit_super_member(c, n);
        return;
    }
    int brand = n->b->kind == ES_PRIVATE && !(n->flags & ES_F_COMPUTED) &&
                n->a->kind != ES_THIS && !c->no_brand;
    c->no_brand = 0;
    if (brand) {  /* o.#x: a TypeError unless o has it */
        es_out(c, "$es.pg(");
        es_emit(c, n->a);
        es_outf(c, ", %s, \"#%s\")", es_private(c, n->b->str), n->b->str);
        return;
    }
    es_expr(c, n->a);
    if (n->flags & ES_F_COMPUTED) {
        es_out(c, "[");
        es_emit(c, n->b);
        es_out(c, "]");
    } else if (n->b->kind == ES_PRIVATE) {
        es_outf(c, "[%s]", es_private(c, n->b->str));
    } else {
        es_out(c, ".");
        es_out(c, n->b->str);
    }
}

void es_emit(es_ctx *c, es_node *n)
{
    if (!n || c->failed) return;
    if (!n->dirty) {
        es_copy(c, n);
        return;
    }
    es_sync(c, n->line);
    switch (n->kind) {
    case ES_EXPR_STMT: {
        es_node *e = n->a;
        int wrap = e->kind == ES_OBJECT || e->kind == ES_FUNC || e->kind == ES_CLASS ||
                   (e->kind == ES_ASSIGN && e->a->kind == ES_OBJECT_PAT);
        if (wrap) es_out(c, "(");
        es_emit(c, e);
        if (wrap) es_out(c, ")");
        es_out(c, ";");
        break;
    }
    case ES_VAR: es_emit_var(c, n, 0); es_out(c, ";"); break;
    case ES_FUNC_DECL: es_emit_func(c, n, NULL); break;
    case ES_CLASS_DECL: case ES_CLASS: es_emit_class(c, n); break;
    case ES_BLOCK: emit_block(c, n, n->list); break;
    case ES_IF:
        es_out(c, "if (");
        es_emit(c, n->a);
        es_out(c, ") ");
        es_emit(c, n->b);
        if (n->c) {
            es_out(c, " else ");
            es_emit(c, n->c);
        }
        break;
    case ES_FOR: case ES_FOR_IN: case ES_FOR_OF: case ES_WHILE: case ES_DO_WHILE:
        es_emit_loop(c, n, NULL, 0);
        break;
    case ES_RETURN: es_emit_return(c, n); break;
    case ES_BREAK: case ES_CONTINUE: es_emit_jump(c, n); break;
    case ES_THROW:
        es_out(c, "throw ");
        es_emit(c, n->a);
        es_out(c, ";");
        break;
    case ES_TRY: emit_try(c, n); break;
    case ES_SWITCH: emit_switch(c, n); break;
    case ES_LABELED: emit_labeled(c, n); break;
    case ES_WITH:
        es_out(c, "with (");
        es_emit(c, n->a);
        es_out(c, ") ");
        es_emit(c, n->d);
        break;
    case ES_IDENT: es_emit_ident(c, n); break;
    case ES_NUM: emit_number(c, n); break;
    case ES_STR: emit_string(c, n->str); break;
    case ES_REGEX: {
        const char *e = strrchr(n->str, '/');
        es_out(c, "new RegExp(\"");
        for (const char *q = n->str + 1; q < e; q++) {
            if (*q == '\\' && q[1] == '/') { es_out(c, "/"); q++; continue; }
            if (*q == '\\' || *q == '"') es_out(c, "\\");
            es_outn(c, q, 1);
        }
        es_outf(c, "\", \"%s\")", e + 1);
        break;
    }
    case ES_THIS:
        if (c->fn->derived || (n->flags & ES_F_LEXTHIS) || c->fn->arrow) {
            es_fn *f = real_fn(c);
            if (c->fn->derived || f->derived) {
                es_out(c, "$es.ck($this)");
            } else {
                f->need_this = 1;
                es_out(c, "$this");
            }
        } else {
            es_out(c, "this");
        }
        break;
    case ES_NEW_TARGET:
        /* a base class constructor run by a derived one (through apply)
         * has no new.target: the object's constructor is it */
        if (c->fn->arrow) {
            real_fn(c)->need_nt = 1;
            es_out(c, "$nt");
        } else if (c->fn->node && (c->fn->node->flags & ES_F_CLASSCTOR)) {
            es_out(c, "(new.target || this.constructor)");
        } else {
            es_out(c, "new.target");
        }
        break;
    case ES_ARRAY:
        if (es_list_has_spread(n->list)) {
            es_emit_spread_list(c, n->list);
        } else {
            es_out(c, "[");
            for (es_node *e = n->list; e; e = e->next) {
                if (e->kind != ES_HOLE) es_emit(c, e);
                if (e->next || e->kind == ES_HOLE) es_out(c, ", ");
            }
            es_out(c, "]");
        }
        break;
    case ES_OBJECT: es_emit_object(c, n); break;
    case ES_FUNC: es_emit_func(c, n, NULL); break;
    case ES_UNARY:
        es_out(c, es_tok_name(n->op));
        if (n->op >= T_BREAK) es_out(c, " ");
        es_expr(c, n->a);
        break;
    case ES_UPDATE: es_emit_update(c, n); break;
    case ES_BINARY:
        if (n->op == T_STARSTAR) {
            es_out(c, "Math.pow(");
            es_emit(c, n->a);
            es_out(c, ", ");
            es_emit(c, n->b);
            es_out(c, ")");
        } else if (n->a->kind == ES_PRIVATE) {
            es_outf(c, "$es.pin(%s, ", es_private(c, n->a->str));
            es_emit(c, n->b);
            es_out(c, ")");
        } else {
            es_expr(c, n->a);
            es_outf(c, " %s ", es_tok_name(n->op));
            es_expr(c, n->b);
        }
        break;
    case ES_LOGICAL: es_emit_logical(c, n); break;
    case ES_ASSIGN: es_emit_assign(c, n); break;
    case ES_COND:
        es_expr(c, n->a);
        es_out(c, " ? ");
        es_expr(c, n->b);
        es_out(c, " : ");
        es_expr(c, n->c);
        break;
    case ES_CALL: es_emit_call(c, n); break;
    case ES_NEW: es_emit_new(c, n); break;
    case ES_MEMBER: emit_member(c, n); break;
    case ES_CHAIN: es_emit_chain(c, n); break;
    case ES_SEQ:
        for (es_node *e = n->list; e; e = e->next) {
            es_expr(c, e);
            if (e->next) es_out(c, ", ");
        }
        break;
    case ES_PAREN:
        es_out(c, "(");
        es_emit(c, n->a);
        es_out(c, ")");
        break;
    case ES_TEMPLATE: es_emit_template(c, n); break;
    case ES_TAGGED: es_emit_tagged(c, n); break;
    case ES_YIELD: case ES_AWAIT:
        /* one the generator lowering (gen.c) does not take apart */
        es_error(c, n, n->kind == ES_YIELD ? "yield is not supported here by jsexec (e.g. in a class's computed key)"
                                           : "await is not supported here by jsexec (e.g. in a class's computed key)");
        break;
    case ES_SPREAD:
        es_error(c, n, "Unexpected token '...'");
        break;
    default:
        es_copy(c, n);
        break;
    }
}
