/* lower_expr.c - optional chains, templates, assignments (destructuring,
 * **=, logical), ??, calls and new with spread, updates of consts. */
#include "es_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void es_emit_this(es_ctx *c);

/* ---- templates ---------------------------------------------------------- */
/* The cooked value of a template part as a "..." literal. */
static void cooked(es_ctx *c, const char *s)
{
    es_out(c, "\"");
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '\\') {
            char e = s[1];
            if (e == '\n') { s++; continue; }
            if (e == '\r') { s++; if (s[1] == '\n') s++; continue; }
            if (e == '`' || e == '$' || e == '{' || e == '}') { es_outn(c, s + 1, 1); s++; continue; }
            if (e == 'u' && s[2] == '{') {
                s = es_emit_code_point(c, s);
                continue;
            }
            es_outn(c, s, 2);
            s++;
            continue;
        }
        if (ch == '"') es_out(c, "\\\"");
        else if (ch == '\n') es_out(c, "\\n");
        else if (ch == '\r') { es_out(c, "\\n"); if (s[1] == '\n') s++; }
        else if (ch == 0xE2 && (unsigned char)s[1] == 0x80 && ((unsigned char)s[2] == 0xA8 || (unsigned char)s[2] == 0xA9)) {
            es_out(c, (unsigned char)s[2] == 0xA8 ? "\\u2028" : "\\u2029");
            s += 2;
        } else es_outn(c, s, 1);
    }
    es_out(c, "\"");
}

static void raw(es_ctx *c, const char *s)
{
    es_out(c, "\"");
    for (; *s; s++) {
        if (*s == '\\') es_out(c, "\\\\");
        else if (*s == '"') es_out(c, "\\\"");
        else if (*s == '\n') es_out(c, "\\n");
        else if (*s == '\r') { es_out(c, "\\n"); if (s[1] == '\n') s++; }
        else es_outn(c, s, 1);
    }
    es_out(c, "\"");
}

void es_emit_template(es_ctx *c, es_node *t)
{
    es_node *q = t->list;
    if (!q->next) {
        cooked(c, q->str);
        return;
    }
    cooked(c, q->str);
    es_out(c, ".concat(");
    for (es_node *e = q->next; e; e = e->next) {
        if (e->kind == ES_TPL_STR) {
            if (e->str[0]) {
                es_out(c, ", ");
                cooked(c, e->str);
            }
            continue;
        }
        if (e != q->next) es_out(c, ", ");
        es_emit(c, e);
    }
    es_out(c, ")");
}

void es_emit_tagged(es_ctx *c, es_node *t)
{
    es_expr(c, t->a);
    es_outf(c, "($es.tpl(%d, [", c->nsite++);
    int first = 1;
    for (es_node *e = t->b->list; e; e = e->next)
        if (e->kind == ES_TPL_STR) {
            if (!first) es_out(c, ", ");
            first = 0;
            if (e->flags & ES_F_BADESC) es_out(c, "void 0");
            else cooked(c, e->str);
        }
    es_out(c, "], [");
    first = 1;
    for (es_node *e = t->b->list; e; e = e->next)
        if (e->kind == ES_TPL_STR) {
            if (!first) es_out(c, ", ");
            first = 0;
            raw(c, e->str);
        }
    es_out(c, "])");
    for (es_node *e = t->b->list; e; e = e->next)
        if (e->kind != ES_TPL_STR) {
            es_out(c, ", ");
            es_emit(c, e);
        }
    es_out(c, ")");
}

/* ---- optional chains -------------------------------------------------- */
static void link_out(es_ctx *c, es_node *l)
{
    if (l->kind == ES_MEMBER) {
        if (l->flags & ES_F_COMPUTED) {
            es_out(c, "[");
            es_emit(c, l->b);
            es_out(c, "]");
        } else if (l->b->kind == ES_PRIVATE) {
            es_outf(c, "[%s]", es_private(c, l->b->str));
        } else {
            es_outf(c, ".%s", l->b->str);
        }
    } else {
        if (es_list_has_spread(l->list)) {
            es_error(c, l, "spread arguments in an optional chain are not supported");
            return;
        }
        es_emit_args(c, l->list, 1);
    }
}

void es_emit_chain(es_ctx *c, es_node *chain)
{
    es_node *links[256];
    int n = 0;
    es_node *b = chain->a;
    while ((b->kind == ES_MEMBER || b->kind == ES_CALL) && n < 256) {
        links[n++] = b;
        b = b->a;
    }
    if (n == 256) { es_error(c, chain, "nesting too deep"); return; }
    es_out(c, "(");
    size_t seg = c->out.n;
    es_expr(c, b);
    size_t obj_end = 0;
    int prev_member = 0;
    for (int i = n - 1; i >= 0 && !c->failed; i--) {
        es_node *l = links[i];
        if (l->flags & ES_F_OPTIONAL) {
            size_t len = c->out.n - seg;
            char *cur = malloc(len + 1);
            if (!cur) abort();
            memcpy(cur, c->out.p + seg, len);
            cur[len] = 0;
            c->out.n = seg;
            if (l->kind == ES_CALL && prev_member) {
                size_t ol = obj_end - seg;
                const char *o = es_tmp(c), *f = es_tmp(c);
                es_outf(c, "(%s = ", o);
                es_outn(c, cur, ol);
                es_outf(c, ", %s = %s", f, o);
                es_outn(c, cur + ol, len - ol);
                es_outf(c, ") == null ? void 0 : ");
                seg = c->out.n;
                es_outf(c, "%s.call(%s", f, o);
                for (es_node *a = l->list; a; a = a->next) {
                    es_out(c, ", ");
                    es_emit(c, a);
                }
                es_out(c, ")");
                free(cur);
                prev_member = 0;
                continue;
            }
            const char *t = es_tmp(c);
            es_outf(c, "(%s = ", t);
            es_outn(c, cur, len);
            es_outf(c, ") == null ? void 0 : ");
            free(cur);
            seg = c->out.n;
            es_out(c, t);
        }
        if (l->kind == ES_MEMBER) obj_end = c->out.n;
        link_out(c, l);
        prev_member = l->kind == ES_MEMBER;
    }
    es_out(c, ")");
}

/* ---- assignments ------------------------------------------------------- */
static const char *binop_of(int op)
{
    switch (op) {
    case T_PLUSEQ: return "+"; case T_MINUSEQ: return "-"; case T_STAREQ: return "*";
    case T_DIVEQ: return "/"; case T_MODEQ: return "%"; case T_SHLEQ: return "<<";
    case T_SAREQ: return ">>"; case T_SHREQ: return ">>>"; case T_AMPEQ: return "&";
    case T_BAREQ: return "|"; case T_CARETEQ: return "^";
    default: return NULL;
    }
}

/* A member target split into "(O = obj)" and its reads "O.p" / "O[K]". */
typedef struct { const char *obj, *key; int computed; const char *name; } mref;

static void member_setup(es_ctx *c, es_node *m, mref *r)
{
    r->obj = es_tmp(c);
    r->computed = (m->flags & ES_F_COMPUTED) != 0;
    es_outf(c, "%s = ", r->obj);
    if (m->a->kind == ES_SUPER) es_emit_this(c);
    else es_expr(c, m->a);
    if (r->computed) {
        r->key = es_tmp(c);
        es_outf(c, ", %s = ", r->key);
        es_emit(c, m->b);
    } else if (m->b->kind == ES_PRIVATE) {
        r->key = es_private(c, m->b->str);
        r->computed = 1;
    } else {
        r->name = m->b->str;
    }
    es_out(c, ", ");
}

static void member_ref(es_ctx *c, mref *r)
{
    if (r->computed) es_outf(c, "%s[%s]", r->obj, r->key);
    else es_outf(c, "%s.%s", r->obj, r->name);
}

/* The dead-zone check of a write to t before its declaration (ES_F_TDZW):
 * "$es.tdz(x, "x"), " - the caller wraps the whole in parentheses. */
static void tdz_write(es_ctx *c, es_node *t)
{
    es_out(c, "$es.tdz(");
    es_emit_ident(c, t);
    es_outf(c, ", \"%s\"), ", t->bind ? t->bind->name : t->str);
}

void es_emit_assign(es_ctx *c, es_node *a)
{
    es_node *t = a->a;
    while (t->kind == ES_PAREN) t = t->a;
    if (t->kind == ES_IDENT && (t->flags & ES_F_TDZW)) {
        /* x = v: v first, then the check (PutValue); x op= v: the check
         * first (GetValue) */
        t->flags &= ~(uint32_t)ES_F_TDZW;
        es_out(c, "(");
        if (a->op == T_ASSIGN) {
            const char *v = es_tmp(c);
            es_outf(c, "%s = ", v);
            es_expr(c, a->b);
            es_out(c, ", ");
            tdz_write(c, t);
            if (t->flags & ES_F_CONSTW) es_out(c, "$es.ce()");
            else {
                es_emit_ident(c, t);
                es_outf(c, " = %s", v);
            }
        } else {
            tdz_write(c, t);
            es_emit_assign(c, a);
        }
        es_out(c, ")");
        t->flags |= ES_F_TDZW;
        return;
    }
    if (a->op == T_ASSIGN && (t->kind == ES_ARRAY_PAT || t->kind == ES_OBJECT_PAT)) {
        const char *v = es_tmp(c);
        es_outf(c, "(%s = ", v);
        es_expr(c, a->b);
        es_out(c, ", ");
        es_destructure(c, t, v, 0);
        es_outf(c, ", %s)", v);
        return;
    }
    if (t->kind == ES_IDENT && (t->flags & ES_F_CONSTW)) {
        es_out(c, "(");
        es_expr(c, a->b);
        es_out(c, ", $es.ce())");
        return;
    }
    int op = a->op;
    if (op == T_ASSIGN || binop_of(op)) {
        if (t->kind == ES_MEMBER && t->a->kind == ES_SUPER) {
            mref r;
            memset(&r, 0, sizeof r);
            es_out(c, "(");
            member_setup(c, t, &r);
            member_ref(c, &r);
            es_outf(c, " %s ", es_tok_name(op));
            es_expr(c, a->b);
            es_out(c, ")");
            return;
        }
        if (t->kind == ES_MEMBER && t->b->kind == ES_PRIVATE && !(t->flags & ES_F_COMPUTED) &&
            t->a->kind != ES_THIS) {
            /* o.#x = v, o.#x += v: a TypeError unless o has it (this.#x
             * in the class's own methods is written as it is) */
            const char *o = es_tmp(c), *k = es_private(c, t->b->str);
            es_outf(c, "(%s = ", o);
            es_emit(c, t->a);
            es_outf(c, ", $es.ps(%s, %s, ", o, k);
            if (op != T_ASSIGN)
                es_outf(c, "$es.pg(%s, %s, \"#%s\") %s ", o, k, t->b->str, binop_of(op));
            es_out(c, "(");
            es_emit(c, a->b);
            es_outf(c, "), \"#%s\"))", t->b->str);
            return;
        }
        c->no_brand = 1;
        es_emit(c, t);
        c->no_brand = 0;
        es_outf(c, " %s ", es_tok_name(op));
        es_emit(c, a->b);
        return;
    }
    /* **=, &&=, ||=, ??= */
    if (t->kind == ES_IDENT) {
        const char *nm = t->bind ? t->bind->emit : t->str;
        if (t->bind && t->bind->alt) {
            size_t at = c->out.n;
            es_emit_ident(c, t);
            nm = es_strndup(c->ar, c->out.p + at, c->out.n - at);
            c->out.n = at;
        }
        switch (op) {
        case T_STARSTAREQ: es_outf(c, "%s = Math.pow(%s, ", nm, nm); es_emit(c, a->b); es_out(c, ")"); break;
        case T_ANDANDEQ: es_outf(c, "%s && (%s = ", nm, nm); es_emit(c, a->b); es_out(c, ")"); break;
        case T_OROREQ: es_outf(c, "%s || (%s = ", nm, nm); es_emit(c, a->b); es_out(c, ")"); break;
        default: es_outf(c, "%s != null ? %s : (%s = ", nm, nm, nm); es_emit(c, a->b); es_out(c, ")"); break;
        }
        return;
    }
    mref r;
    memset(&r, 0, sizeof r);
    es_out(c, "(");
    member_setup(c, t, &r);
    switch (op) {
    case T_STARSTAREQ:
        member_ref(c, &r); es_out(c, " = Math.pow("); member_ref(c, &r); es_out(c, ", ");
        es_emit(c, a->b); es_out(c, ")");
        break;
    case T_ANDANDEQ: case T_OROREQ:
        member_ref(c, &r); es_out(c, op == T_ANDANDEQ ? " && (" : " || (");
        member_ref(c, &r); es_out(c, " = "); es_emit(c, a->b); es_out(c, ")");
        break;
    default:
        member_ref(c, &r); es_out(c, " != null ? "); member_ref(c, &r); es_out(c, " : (");
        member_ref(c, &r); es_out(c, " = "); es_emit(c, a->b); es_out(c, ")");
        break;
    }
    es_out(c, ")");
}

void es_emit_logical(es_ctx *c, es_node *l)
{
    if (l->op == T_QQ) {
        const char *t = es_tmp(c);
        es_outf(c, "(%s = ", t);
        es_emit(c, l->a);
        es_outf(c, ") != null ? %s : ", t);
        es_expr(c, l->b);
        return;
    }
    es_expr(c, l->a);
    es_outf(c, " %s ", es_tok_name(l->op));
    es_expr(c, l->b);
}

void es_emit_update(es_ctx *c, es_node *u)
{
    es_node *t = u->a;
    while (t->kind == ES_PAREN) t = t->a;
    if (t->kind == ES_IDENT && (t->flags & ES_F_TDZW)) {
        es_out(c, "(");
        tdz_write(c, t);
        t->flags &= ~(uint32_t)ES_F_TDZW;
        es_emit_update(c, u);
        t->flags |= ES_F_TDZW;
        es_out(c, ")");
        return;
    }
    if (t->kind == ES_IDENT && (t->flags & ES_F_CONSTW)) {
        es_out(c, "$es.ce()");
        return;
    }
    const char *op = u->op == T_INC ? "++" : "--";
    if (u->flags & ES_F_PREFIX) es_out(c, op);
    c->no_brand = 1;
    es_emit(c, t);
    c->no_brand = 0;
    if (!(u->flags & ES_F_PREFIX)) es_out(c, op);
}

/* ---- calls ------------------------------------------------------------ */
void es_emit_call(es_ctx *c, es_node *call)
{
    es_node *f = call->a;
    if (f->kind == ES_SUPER) {
        es_emit_super_call(c, call);
        return;
    }
    int spread = es_list_has_spread(call->list);
    if (f->kind == ES_MEMBER && f->a->kind == ES_SUPER) {
        es_emit_super_callee(c, f);
        es_out(c, spread ? ".apply(" : ".call(");
        es_emit_this(c);
        if (spread) {
            es_out(c, ", ");
            es_emit_spread_list(c, call->list);
        } else {
            for (es_node *a = call->list; a; a = a->next) {
                es_out(c, ", ");
                es_emit(c, a);
            }
        }
        es_out(c, ")");
        return;
    }
    if (!spread) {
        c->no_brand = f->kind == ES_MEMBER;
        if (f->kind == ES_MEMBER || f->kind == ES_IDENT || f->kind == ES_CALL || f->kind == ES_PAREN)
            es_emit(c, f);
        else
            es_expr(c, f);
        c->no_brand = 0;
        es_emit_args(c, call->list, 1);
        return;
    }
    if (f->kind == ES_MEMBER) {
        const char *o = es_tmp(c);
        es_outf(c, "(%s = ", o);
        es_expr(c, f->a);
        es_out(c, ")");
        if (f->flags & ES_F_COMPUTED) {
            es_out(c, "[");
            es_emit(c, f->b);
            es_out(c, "]");
        } else if (f->b->kind == ES_PRIVATE) {
            es_outf(c, "[%s]", es_private(c, f->b->str));
        } else {
            es_outf(c, ".%s", f->b->str);
        }
        es_outf(c, ".apply(%s, ", o);
    } else {
        es_expr(c, f);
        es_out(c, ".apply(void 0, ");
    }
    es_emit_spread_list(c, call->list);
    es_out(c, ")");
}

void es_emit_new(es_ctx *c, es_node *n)
{
    if (es_list_has_spread(n->list)) {
        es_out(c, "$es.nw(");
        es_emit(c, n->a);
        es_out(c, ", ");
        es_emit_spread_list(c, n->list);
        es_out(c, ")");
        return;
    }
    es_out(c, "new ");
    if (n->a->kind == ES_IDENT || (n->a->kind == ES_MEMBER && !n->a->dirty)) {
        es_emit(c, n->a);
    } else {
        es_out(c, "(");
        es_emit(c, n->a);
        es_out(c, ")");
    }
    es_emit_args(c, n->list, 1);
}
