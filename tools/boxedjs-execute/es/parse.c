/* parse.c - recursive descent over lex.c's tokens into the ast.h tree.
 *
 * Errors do not unwind: the first one is recorded, the current token
 * becomes T_EOF so every loop ends, and the functions return a dummy
 * node; es_parse then returns NULL.  Arrow parameters and assignment
 * patterns are parsed as expressions first and converted (to_pattern).
 */
#include "parse.h"
#include "lex.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    es_lexer lx;
    es_arena *ar;
    es_perr *err;
    int failed;
    uint32_t prev_end;
    int prev_line;
    int depth;
    int in_func, in_gen, in_async, in_class;
    int cover_ok;           /* the next assign_expr may be an arrow parameter */
    int saw_private;        /* a #name was read: check_private runs */
    es_node dummy;
} P;

#define TOK (p->lx.tok)
#define IS(t) (TOK.type == (t))

static int is_name(P *p, const char *s)
{
    return TOK.type == T_IDENT && !TOK.escaped && strcmp(TOK.str, s) == 0;
}

static void fail_at(P *p, int line, int col, const char *msg)
{
    if (p->failed)
        return;
    p->failed = 1;
    size_t n = strlen(msg);
    if (n > sizeof p->err->msg - 1) n = sizeof p->err->msg - 1;
    memcpy(p->err->msg, msg, n);
    p->err->msg[n] = 0;
    p->err->line = line;
    p->err->col = col;
    TOK.type = T_EOF;
    p->lx.pos = p->lx.len;
}

static void fail_node(P *p, es_node *n, const char *msg)
{
    fail_at(p, n->line, n->col, msg);
}

static void unexpected(P *p)
{
    char m[160];
    if (p->failed)
        return;
    switch (TOK.type) {
    case T_EOF: snprintf(m, sizeof m, "Unexpected end of input"); break;
    case T_IDENT: snprintf(m, sizeof m, "Unexpected identifier '%.60s'", TOK.str); break;
    case T_NUM: snprintf(m, sizeof m, "Unexpected number"); break;
    case T_STR: snprintf(m, sizeof m, "Unexpected string"); break;
    case T_TEMPLATE: snprintf(m, sizeof m, "Unexpected template string"); break;
    case T_PRIVATE: snprintf(m, sizeof m, "Unexpected identifier '#%.60s'", TOK.str); break;
    default:
        if (TOK.type >= T_BREAK)
            snprintf(m, sizeof m, "Unexpected token '%s'", es_tok_name(TOK.type));
        else
            snprintf(m, sizeof m, "Unexpected token '%s'", es_tok_name(TOK.type));
    }
    fail_at(p, TOK.line, TOK.col, m);
}

static void next(P *p)
{
    if (p->failed)
        return;
    p->prev_end = TOK.end;
    p->prev_line = TOK.line;
    if (es_lex_next(&p->lx) != 0)
        fail_at(p, p->lx.err_line, p->lx.err_col, p->lx.err);
}

static int eat(P *p, int t)
{
    if (IS(t)) {
        next(p);
        return 1;
    }
    return 0;
}

static void expect(P *p, int t)
{
    if (!eat(p, t))
        unexpected(p);
}

/* The type of the token after the current one (and whether a newline
 * precedes it). */
static int peek(P *p, int *nl)
{
    es_lexer save = p->lx;
    int t = T_EOF;
    if (es_lex_next(&p->lx) == 0) {
        t = TOK.type;
        if (nl) *nl = TOK.nl_before;
    }
    p->lx = save;
    return t;
}

static es_node *node(P *p, int kind)
{
    es_node *n = es_alloc(p->ar, sizeof *n);
    if (!n) {
        fail_at(p, TOK.line, TOK.col, "out of memory");
        memset(&p->dummy, 0, sizeof p->dummy);
        p->dummy.kind = ES_EMPTY;
        return &p->dummy;
    }
    n->kind = (uint16_t)kind;
    n->line = TOK.line;
    n->col = TOK.col;
    n->start = TOK.start;
    return n;
}

static es_node *node_at(P *p, int kind, es_node *from)
{
    es_node *n = node(p, kind);
    n->line = from->line;
    n->col = from->col;
    n->start = from->start;
    return n;
}

static es_node *arguments(P *p, es_node *call);

static es_node *fin(P *p, es_node *n)
{
    n->end = p->prev_end;
    return n;
}

typedef struct { es_node *head, **tail; } list_t;
static void list_init(list_t *l) { l->head = NULL; l->tail = &l->head; }
static void list_add(list_t *l, es_node *n) { n->next = NULL; *l->tail = n; l->tail = &n->next; }

static int enter(P *p)
{
    if (++p->depth > ES_MAX_DEPTH) {
        fail_at(p, TOK.line, TOK.col, "nesting too deep");
        return 0;
    }
    return 1;
}
#define LEAVE(x) do { p->depth--; return (x); } while (0)

static es_node *assign_expr(P *p, int no_in);
static es_node *expression(P *p, int no_in);
static es_node *statement(P *p);
static es_node *function_rest(P *p, es_node *f, int is_stmt);
static es_node *class_rest(P *p, int kind);
static es_node *binding_target(P *p);
static es_node *unary(P *p);
static es_node *lhs_expr(P *p, int no_call);
static void to_pattern(P *p, es_node *n, int binding);
static void check_cover(P *p, es_node *n);

static void semi(P *p)
{
    if (eat(p, T_SEMI))
        return;
    if (IS(T_RBRACE) || IS(T_EOF) || TOK.nl_before)
        return;
    unexpected(p);
}

static es_node *ident(P *p)
{
    es_node *n = node(p, ES_IDENT);
    if (!IS(T_IDENT)) {
        unexpected(p);
        return n;
    }
    n->str = TOK.str;
    next(p);
    return fin(p, n);
}

/* A property name after `.`, or a key: any identifier name incl. keywords. */
static es_node *prop_name(P *p)
{
    es_node *n = node(p, ES_IDENT);
    if (IS(T_IDENT) || TOK.type >= T_BREAK) {
        n->str = TOK.type == T_IDENT ? TOK.str : es_tok_name(TOK.type);
        next(p);
    } else if (IS(T_PRIVATE)) {
        n->kind = ES_PRIVATE;
        n->str = TOK.str;
        p->saw_private = 1;
        next(p);
    } else {
        unexpected(p);
    }
    return fin(p, n);
}

/* A key of an object literal or class member: name, string, number, [computed]. */
static es_node *key(P *p, uint32_t *flags)
{
    if (IS(T_STR) || IS(T_NUM)) {
        es_node *n = node(p, IS(T_STR) ? ES_STR : ES_NUM);
        n->num = TOK.num;
        n->str = es_strndup(p->ar, p->lx.src + TOK.start, TOK.end - TOK.start);
        next(p);
        return fin(p, n);
    }
    if (IS(T_LBRACK)) {
        next(p);
        es_node *e = assign_expr(p, 0);
        expect(p, T_RBRACK);
        *flags |= ES_F_COMPUTED;
        return e;
    }
    return prop_name(p);
}

/* ---- templates -------------------------------------------------------- */
static es_node *template_lit(P *p)
{
    es_node *t = node(p, ES_TEMPLATE);
    list_t l;
    list_init(&l);
    for (;;) {
        es_node *s = node(p, ES_TPL_STR);
        uint32_t a = TOK.start + 1, b = TOK.end - (TOK.tpl_tail ? 1 : 2);
        s->str = es_strndup(p->ar, p->lx.src + a, b - a);
        if (TOK.bad_escape) s->flags |= ES_F_BADESC;
        int tail = TOK.tpl_tail;
        next(p);
        list_add(&l, fin(p, s));
        if (tail || p->failed)
            break;
        list_add(&l, expression(p, 0));
        if (!IS(T_RBRACE)) {
            unexpected(p);
            break;
        }
        if (es_lex_template(&p->lx) != 0) {
            fail_at(p, p->lx.err_line, p->lx.err_col, p->lx.err);
            break;
        }
    }
    t->list = l.head;
    return fin(p, t);
}

/* ---- primary ------------------------------------------------------------ */
static es_node *array_lit(P *p)
{
    es_node *a = node(p, ES_ARRAY);
    list_t l;
    list_init(&l);
    next(p);
    while (!IS(T_RBRACK) && !p->failed) {
        if (IS(T_COMMA)) {
            es_node *h = node(p, ES_HOLE);
            next(p);
            list_add(&l, fin(p, h));
            continue;
        }
        es_node *e;
        if (IS(T_ELLIPSIS)) {
            e = node(p, ES_SPREAD);
            next(p);
            e->a = assign_expr(p, 0);
            fin(p, e);
        } else {
            /* {a = 1} inside may be a pattern: the outermost literal's
             * check_cover decides, once its = is seen or not */
            p->cover_ok = 1;
            e = assign_expr(p, 0);
        }
        list_add(&l, e);
        if (!IS(T_RBRACK))
            expect(p, T_COMMA);
    }
    expect(p, T_RBRACK);
    a->list = l.head;
    return fin(p, a);
}

static es_node *method_func(P *p, uint32_t fl)
{
    es_node *f = node(p, ES_FUNC);
    f->flags = fl | ES_F_METHOD;
    return function_rest(p, f, 0);
}

static es_node *object_lit(P *p)
{
    es_node *o = node(p, ES_OBJECT);
    list_t l;
    list_init(&l);
    next(p);
    while (!IS(T_RBRACE) && !p->failed) {
        es_node *pr = node(p, ES_PROP);
        if (eat(p, T_ELLIPSIS)) {
            pr->op = ES_P_SPREAD;
            pr->b = assign_expr(p, 0);
        } else {
            uint32_t fl = 0, kf = 0;
            int kind = ES_P_INIT;
            if ((is_name(p, "get") || is_name(p, "set") || is_name(p, "async"))) {
                int t = peek(p, NULL);
                if (t != T_COMMA && t != T_COLON && t != T_LPAREN && t != T_RBRACE && t != T_ASSIGN) {
                    if (is_name(p, "get")) kind = ES_P_GET;
                    else if (is_name(p, "set")) kind = ES_P_SET;
                    else { kind = ES_P_METHOD; fl |= ES_F_ASYNC; }
                    next(p);
                }
            }
            if (eat(p, T_STAR)) {
                kind = ES_P_METHOD;
                fl |= ES_F_GENERATOR;
            }
            int was_ident = IS(T_IDENT);
            pr->a = key(p, &kf);
            pr->flags |= kf;
            if (kind != ES_P_INIT) {
                pr->op = (uint16_t)kind;
                pr->b = method_func(p, fl);
            } else if (eat(p, T_COLON)) {
                pr->op = ES_P_INIT;
                p->cover_ok = 1; /* as in array_lit */
                pr->b = assign_expr(p, 0);
            } else if (IS(T_LPAREN)) {
                pr->op = ES_P_METHOD;
                pr->b = method_func(p, 0);
            } else if (was_ident && !(kf & ES_F_COMPUTED)) {
                pr->op = ES_P_SHORTHAND;
                es_node *id = node_at(p, ES_IDENT, pr->a);
                id->str = pr->a->str;
                id->end = pr->a->end;
                if (IS(T_ASSIGN)) {  /* only valid as a pattern: {a = 1} = o */
                    es_node *as = node_at(p, ES_ASSIGN_PAT, pr->a);
                    next(p);
                    as->a = id;
                    as->b = assign_expr(p, 0);
                    as->flags |= ES_F_BADESC;  /* marks "cover initialiser" */
                    pr->b = fin(p, as);
                } else {
                    pr->b = id;
                }
            } else {
                unexpected(p);
            }
        }
        list_add(&l, fin(p, pr));
        if (!IS(T_RBRACE))
            expect(p, T_COMMA);
    }
    expect(p, T_RBRACE);
    o->list = l.head;
    return fin(p, o);
}

static es_node *paren_or_arrow(P *p);

static es_node *primary(P *p)
{
    es_node *n;
    switch (TOK.type) {
    case T_IDENT:
        if (is_name(p, "async")) {
            int nl = 0, t = peek(p, &nl);
            if (t == T_FUNCTION && !nl) {
                n = node(p, ES_FUNC);
                next(p);
                next(p);
                n->flags |= ES_F_ASYNC;
                return function_rest(p, n, 0);
            }
        }
        return ident(p);
    case T_NUM:
    case T_STR:
        n = node(p, IS(T_NUM) ? ES_NUM : ES_STR);
        n->num = TOK.num;
        n->str = es_strndup(p->ar, p->lx.src + TOK.start, TOK.end - TOK.start);
        next(p);
        return fin(p, n);
    case T_TEMPLATE:
        return template_lit(p);
    case T_DIV:
    case T_DIVEQ:
        if (es_lex_regex(&p->lx) != 0) {
            fail_at(p, p->lx.err_line, p->lx.err_col, p->lx.err);
            return node(p, ES_NULL);
        }
        n = node(p, ES_REGEX);
        n->str = es_strndup(p->ar, p->lx.src + TOK.start, TOK.end - TOK.start);
        next(p);
        return fin(p, n);
    case T_NULL: n = node(p, ES_NULL); next(p); return fin(p, n);
    case T_TRUE: n = node(p, ES_TRUE); next(p); return fin(p, n);
    case T_FALSE: n = node(p, ES_FALSE); next(p); return fin(p, n);
    case T_THIS: n = node(p, ES_THIS); next(p); return fin(p, n);
    case T_LBRACK: return array_lit(p);
    case T_LBRACE: return object_lit(p);
    case T_LPAREN: return paren_or_arrow(p);
    case T_FUNCTION:
        n = node(p, ES_FUNC);
        next(p);
        return function_rest(p, n, 0);
    case T_CLASS:
        return class_rest(p, ES_CLASS);
    case T_SUPER:
        n = node(p, ES_SUPER);
        next(p);
        if (!IS(T_LPAREN) && !IS(T_DOT) && !IS(T_LBRACK))
            fail_node(p, n, "'super' keyword unexpected here");
        return fin(p, n);
    case T_NEW: {
        n = node(p, ES_NEW);
        next(p);
        if (IS(T_DOT)) {
            next(p);
            if (!is_name(p, "target")) {
                unexpected(p);
                return n;
            }
            next(p);
            n->kind = ES_NEW_TARGET;
            return fin(p, n);
        }
        if (!enter(p)) return n;
        n->a = lhs_expr(p, 1);
        if (IS(T_LPAREN))
            arguments(p, n);
        LEAVE(fin(p, n));
    }
    case T_PRIVATE: {  /* #x in obj */
        n = node(p, ES_PRIVATE);
        n->str = TOK.str;
        p->saw_private = 1;
        next(p);
        fin(p, n);
        if (!IS(T_IN))
            unexpected(p);
        return n;
    }
    case T_IMPORT:
        fail_at(p, TOK.line, TOK.col, "Cannot use import statement outside a module");
        return node(p, ES_NULL);
    default:
        unexpected(p);
        return node(p, ES_NULL);
    }
}

/* ---- arrows --------------------------------------------------------------- */
static es_node *arrow_body(P *p, es_node *f)
{
    int sf = p->in_func, sg = p->in_gen, sa = p->in_async;
    p->in_func = 1;
    p->in_gen = 0;
    p->in_async = (f->flags & ES_F_ASYNC) != 0;
    f->flags |= ES_F_ARROW;
    if (IS(T_LBRACE)) {
        es_node *b = node(p, ES_BLOCK);
        list_t l;
        list_init(&l);
        next(p);
        while (!IS(T_RBRACE) && !p->failed)
            list_add(&l, statement(p));
        expect(p, T_RBRACE);
        b->list = l.head;
        f->b = fin(p, b);
    } else {
        f->flags |= ES_F_EXPRBODY;
        f->b = assign_expr(p, 0);
    }
    p->in_func = sf;
    p->in_gen = sg;
    p->in_async = sa;
    return fin(p, f);
}

static int simple_params(es_node *l)
{
    for (; l; l = l->next)
        if (l->kind != ES_IDENT)
            return 0;
    return 1;
}

/* `(` ... `)` as a parenthesised expression, or the parameters of an arrow. */
static es_node *paren_or_arrow(P *p)
{
    es_node *start = node(p, ES_PAREN);
    list_t l;
    list_init(&l);
    int rest = 0, trailing = 0;
    next(p);
    while (!IS(T_RPAREN) && !p->failed) {
        if (IS(T_ELLIPSIS)) {
            es_node *r = node(p, ES_REST);
            next(p);
            r->a = binding_target(p);
            list_add(&l, fin(p, r));
            rest = 1;
            break;
        }
        p->cover_ok = 1;
        list_add(&l, assign_expr(p, 0));
        trailing = 0;
        if (!IS(T_RPAREN)) {
            expect(p, T_COMMA);
            trailing = 1;
        }
    }
    expect(p, T_RPAREN);
    if (IS(T_ARROW) && !TOK.nl_before) {
        es_node *f = node_at(p, ES_FUNC, start);
        next(p);
        for (es_node *e = l.head; e; e = e->next)
            if (e->kind != ES_REST) to_pattern(p, e, 1);
        f->list = l.head;
        if (simple_params(l.head)) f->flags |= ES_F_SIMPLEPARAMS;
        return arrow_body(p, f);
    }
    if (!l.head || rest || trailing) {
        unexpected(p);
        return start;
    }
    for (es_node *e = l.head; e; e = e->next)
        check_cover(p, e);
    if (l.head->next) {
        es_node *s = node_at(p, ES_SEQ, l.head);
        s->list = l.head;
        s->end = p->prev_end - 1;
        start->a = s;
    } else {
        start->a = l.head;
    }
    return fin(p, start);
}

/* ---- patterns ------------------------------------------------------------ */
/* Turn an expression (array/object literal, assignment) into the pattern
 * it covers; `binding`: only identifiers may be targets. */
static void to_pattern(P *p, es_node *n, int binding)
{
    if (p->failed || !n)
        return;
    switch (n->kind) {
    case ES_IDENT:
        if (!strcmp(n->str, "eval") || !strcmp(n->str, "arguments"))
            fail_node(p, n, "Unexpected eval or arguments in strict mode");
        return;
    case ES_MEMBER:
        if (binding) fail_node(p, n, "Invalid destructuring assignment target");
        return;
    case ES_PAREN:
        if (binding || (n->a->kind != ES_IDENT && n->a->kind != ES_MEMBER))
            fail_node(p, n, "Invalid destructuring assignment target");
        return;
    case ES_ASSIGN:
        if (n->op != T_ASSIGN) break;
        n->kind = ES_ASSIGN_PAT;
        to_pattern(p, n->a, binding);
        return;
    case ES_ASSIGN_PAT:
        n->flags &= ~ES_F_BADESC;
        to_pattern(p, n->a, binding);
        return;
    case ES_ARRAY:
        n->kind = ES_ARRAY_PAT;
        for (es_node *e = n->list; e; e = e->next) {
            if (e->kind == ES_SPREAD) {
                e->kind = ES_REST;
                if (e->next) fail_node(p, e, "Rest element must be last element");
            }
            if (e->kind == ES_REST) to_pattern(p, e->a, binding);
            else if (e->kind != ES_HOLE) to_pattern(p, e, binding);
        }
        return;
    case ES_OBJECT:
        n->kind = ES_OBJECT_PAT;
        for (es_node *e = n->list; e; e = e->next) {
            if (e->op == ES_P_SPREAD) {
                e->kind = ES_REST;
                e->a = e->b;
                e->b = NULL;
                if (e->next) fail_node(p, e, "Rest element must be last element");
                to_pattern(p, e->a, binding);
            } else if (e->op == ES_P_INIT || e->op == ES_P_SHORTHAND) {
                to_pattern(p, e->b, binding);
            } else {
                fail_node(p, e, "Invalid destructuring assignment target");
            }
        }
        return;
    case ES_ARRAY_PAT:
    case ES_OBJECT_PAT:
    case ES_REST:
        return;
    default:
        break;
    }
    fail_node(p, n, binding ? "Invalid destructuring assignment target"
                            : "Invalid left-hand side in assignment");
}

/* After the expression is parsed: an {a = 1} left over is an error. */
static void check_cover(P *p, es_node *n)
{
    if (!n || p->failed) return;
    if (n->kind == ES_OBJECT) {
        for (es_node *e = n->list; e; e = e->next)
            if (e->op == ES_P_SHORTHAND && e->b && e->b->kind == ES_ASSIGN_PAT && (e->b->flags & ES_F_BADESC))
                fail_node(p, e->b, "Invalid shorthand property initializer");
            else if (e->b) check_cover(p, e->b);
    } else if (n->kind == ES_ARRAY) {
        for (es_node *e = n->list; e; e = e->next) check_cover(p, e);
    }
}

/* A binding target: identifier, [pattern] or {pattern}. */
static es_node *binding_target(P *p)
{
    if (IS(T_LBRACK) || IS(T_LBRACE)) {
        if (!enter(p)) return node(p, ES_NULL);
        es_node *e = IS(T_LBRACK) ? array_lit(p) : object_lit(p);
        to_pattern(p, e, 1);
        LEAVE(e);
    }
    if (IS(T_IDENT) && (is_name(p, "yield") ? !p->in_gen : 1) && !(is_name(p, "await") && p->in_async))
        return ident(p);
    unexpected(p);
    return node(p, ES_NULL);
}

/* A parameter or declarator target with an optional default. */
static es_node *binding_element(P *p)
{
    es_node *t = binding_target(p);
    if (IS(T_ASSIGN)) {
        es_node *a = node_at(p, ES_ASSIGN_PAT, t);
        next(p);
        a->a = t;
        a->b = assign_expr(p, 0);
        return fin(p, a);
    }
    return t;
}

/* ---- functions ------------------------------------------------------------ */
static int directive_strict(P *p, es_node *stmts)
{
    for (es_node *s = stmts; s; s = s->next) {
        if (s->kind != ES_EXPR_STMT || s->a->kind != ES_STR)
            break;
        const char *t = s->a->str;
        if (!strcmp(t, "'use strict'") || !strcmp(t, "\"use strict\""))
            return 1;
    }
    (void)p;
    return 0;
}

/* After `function` (or a method's key): [*] [name] (params) {body}. */
static es_node *function_rest(P *p, es_node *f, int is_stmt)
{
    if (!enter(p)) return f;
    if (!(f->flags & ES_F_METHOD)) {
        if (eat(p, T_STAR))
            f->flags |= ES_F_GENERATOR;
        if (IS(T_IDENT)) {
            f->a = ident(p);
            f->str = f->a->str;
        } else if (is_stmt) {
            unexpected(p);
        }
    }
    int sf = p->in_func, sg = p->in_gen, sa = p->in_async;
    p->in_func = 1;
    p->in_gen = (f->flags & ES_F_GENERATOR) != 0;
    p->in_async = (f->flags & ES_F_ASYNC) != 0;
    list_t l;
    list_init(&l);
    expect(p, T_LPAREN);
    while (!IS(T_RPAREN) && !p->failed) {
        if (IS(T_ELLIPSIS)) {
            es_node *r = node(p, ES_REST);
            next(p);
            r->a = binding_target(p);
            list_add(&l, fin(p, r));
            break;
        }
        list_add(&l, binding_element(p));
        if (!IS(T_RPAREN)) {
            expect(p, T_COMMA);
            if (IS(T_RPAREN)) f->flags |= ES_F_TRAILCOMMA;
        }
    }
    expect(p, T_RPAREN);
    f->list = l.head;
    if (simple_params(l.head)) f->flags |= ES_F_SIMPLEPARAMS;
    es_node *b = node(p, ES_BLOCK);
    list_t bl;
    list_init(&bl);
    expect(p, T_LBRACE);
    while (!IS(T_RBRACE) && !p->failed)
        list_add(&bl, statement(p));
    expect(p, T_RBRACE);
    b->list = bl.head;
    f->b = fin(p, b);
    if (directive_strict(p, bl.head))
        f->flags |= ES_F_STRICT;
    p->in_func = sf;
    p->in_gen = sg;
    p->in_async = sa;
    LEAVE(fin(p, f));
}

/* ---- classes -------------------------------------------------------------- */
static es_node *class_rest(P *p, int kind)
{
    es_node *c = node(p, kind);
    next(p);  /* class */
    if (!enter(p)) return c;
    if (IS(T_IDENT) && !is_name(p, "extends")) {
        c->a = ident(p);
        c->str = c->a->str;
    } else if (kind == ES_CLASS_DECL) {
        unexpected(p);
    }
    if (eat(p, T_EXTENDS))
        c->b = lhs_expr(p, 0);
    expect(p, T_LBRACE);
    int sc = p->in_class;
    p->in_class = 1;
    list_t l;
    list_init(&l);
    while (!IS(T_RBRACE) && !p->failed) {
        if (eat(p, T_SEMI))
            continue;
        es_node *m = node(p, ES_METHOD);
        uint32_t fl = 0, kf = 0;
        int k = ES_P_METHOD;
        if (is_name(p, "static")) {
            int t = peek(p, NULL);
            if (t == T_LBRACE) {
                next(p);
                m->kind = ES_STATIC_BLOCK;
                m->flags |= ES_F_STATIC;
                next(p);
                list_t bl;
                list_init(&bl);
                int sf = p->in_func, sg = p->in_gen, sa = p->in_async;
                p->in_func = 1; p->in_gen = 0; p->in_async = 0;
                while (!IS(T_RBRACE) && !p->failed)
                    list_add(&bl, statement(p));
                p->in_func = sf; p->in_gen = sg; p->in_async = sa;
                expect(p, T_RBRACE);
                m->list = bl.head;
                list_add(&l, fin(p, m));
                continue;
            }
            if (t != T_LPAREN && t != T_ASSIGN && t != T_SEMI && t != T_RBRACE) {
                m->flags |= ES_F_STATIC;
                next(p);
            }
        }
        if (is_name(p, "get") || is_name(p, "set") || is_name(p, "async")) {
            int nl = 0, t = peek(p, &nl);
            if (t != T_LPAREN && t != T_ASSIGN && t != T_SEMI && t != T_RBRACE &&
                !(is_name(p, "async") && nl)) {
                if (is_name(p, "get")) k = ES_P_GET;
                else if (is_name(p, "set")) k = ES_P_SET;
                else fl |= ES_F_ASYNC;
                next(p);
            }
        }
        if (eat(p, T_STAR))
            fl |= ES_F_GENERATOR;
        m->a = key(p, &kf);
        m->flags |= kf;
        if (IS(T_LPAREN)) {
            if (m->a->kind == ES_IDENT && !(kf & ES_F_COMPUTED) && !strcmp(m->a->str, "constructor") &&
                !(m->flags & ES_F_STATIC)) {
                if (k != ES_P_METHOD || fl)
                    fail_node(p, m->a, "Class constructor may not be an accessor");
                k = ES_P_CTOR;
            }
            m->op = (uint16_t)k;
            m->b = method_func(p, fl | (k == ES_P_CTOR ? ES_F_CLASSCTOR | (c->b ? ES_F_DERIVED : 0) : 0));
        } else {
            if (k != ES_P_METHOD || fl)
                unexpected(p);
            m->kind = ES_FIELD;
            if (eat(p, T_ASSIGN)) {
                int sf = p->in_func, sg = p->in_gen, sa = p->in_async;
                p->in_func = 1; p->in_gen = 0; p->in_async = 0;
                m->b = assign_expr(p, 0);
                p->in_func = sf; p->in_gen = sg; p->in_async = sa;
            }
            semi(p);
        }
        list_add(&l, fin(p, m));
    }
    p->in_class = sc;
    expect(p, T_RBRACE);
    c->list = l.head;
    LEAVE(fin(p, c));
}

/* ---- operators --------------------------------------------------------- */
static es_node *arguments(P *p, es_node *call)
{
    list_t l;
    list_init(&l);
    next(p);
    while (!IS(T_RPAREN) && !p->failed) {
        es_node *a;
        if (IS(T_ELLIPSIS)) {
            a = node(p, ES_SPREAD);
            next(p);
            a->a = assign_expr(p, 0);
            fin(p, a);
        } else {
            a = assign_expr(p, 0);
        }
        list_add(&l, a);
        if (!IS(T_RPAREN)) {
            expect(p, T_COMMA);
            if (IS(T_RPAREN)) call->flags |= ES_F_TRAILCOMMA;
        }
    }
    expect(p, T_RPAREN);
    call->list = l.head;
    return fin(p, call);
}

/* Member accesses, calls, tagged templates; `no_call` for new's callee. */
static es_node *lhs_expr(P *p, int no_call)
{
    if (!enter(p)) return node(p, ES_NULL);
    es_node *e = primary(p);
    int chain = 0, saved = p->depth;
    for (;;) {
        if (p->failed || !enter(p)) break;
        if (IS(T_DOT)) {
            es_node *m = node_at(p, ES_MEMBER, e);
            next(p);
            m->a = e;
            m->b = prop_name(p);
            e = fin(p, m);
        } else if (IS(T_QDOT)) {
            if (no_call) { unexpected(p); break; }
            chain = 1;
            next(p);
            if (IS(T_LPAREN)) {
                es_node *c = node_at(p, ES_CALL, e);
                c->a = e;
                c->flags |= ES_F_OPTIONAL;
                e = arguments(p, c);
            } else if (IS(T_LBRACK)) {
                es_node *m = node_at(p, ES_MEMBER, e);
                next(p);
                m->a = e;
                m->b = expression(p, 0);
                m->flags |= ES_F_COMPUTED | ES_F_OPTIONAL;
                expect(p, T_RBRACK);
                e = fin(p, m);
            } else if (IS(T_TEMPLATE)) {
                fail_at(p, TOK.line, TOK.col, "Invalid tagged template on optional chain");
            } else {
                es_node *m = node_at(p, ES_MEMBER, e);
                m->a = e;
                m->b = prop_name(p);
                m->flags |= ES_F_OPTIONAL;
                e = fin(p, m);
            }
        } else if (IS(T_LBRACK)) {
            es_node *m = node_at(p, ES_MEMBER, e);
            next(p);
            m->a = e;
            m->b = expression(p, 0);
            m->flags |= ES_F_COMPUTED;
            expect(p, T_RBRACK);
            e = fin(p, m);
        } else if (IS(T_LPAREN) && !no_call) {
            es_node *c = node_at(p, ES_CALL, e);
            c->a = e;
            e = arguments(p, c);
        } else if (IS(T_TEMPLATE)) {
            if (chain) {
                fail_at(p, TOK.line, TOK.col, "Invalid tagged template on optional chain");
                break;
            }
            es_node *t = node_at(p, ES_TAGGED, e);
            t->a = e;
            t->b = template_lit(p);
            e = fin(p, t);
        } else {
            break;
        }
    }
    p->depth = saved;
    if (chain) {
        es_node *c = node_at(p, ES_CHAIN, e);
        c->a = e;
        e = fin(p, c);
    }
    LEAVE(e);
}

static int is_assignable(es_node *n)
{
    if (n->kind == ES_PAREN) n = n->a;
    return n->kind == ES_IDENT || n->kind == ES_MEMBER;
}

static es_node *postfix(P *p)
{
    es_node *e = lhs_expr(p, 0);
    if ((IS(T_INC) || IS(T_DEC)) && !TOK.nl_before) {
        if (!is_assignable(e)) {
            fail_node(p, e, "Invalid left-hand side expression in postfix operation");
            return e;
        }
        es_node *u = node_at(p, ES_UPDATE, e);
        u->op = (uint16_t)TOK.type;
        u->a = e;
        next(p);
        return fin(p, u);
    }
    return e;
}

static es_node *unary(P *p)
{
    int t = TOK.type;
    if (t == T_NOT || t == T_TILDE || t == T_PLUS || t == T_MINUS || t == T_TYPEOF ||
        t == T_VOID || t == T_DELETE) {
        if (!enter(p)) return node(p, ES_NULL);
        es_node *u = node(p, ES_UNARY);
        u->op = (uint16_t)t;
        next(p);
        u->a = unary(p);
        if (IS(T_STARSTAR))
            fail_at(p, TOK.line, TOK.col, "Unary operator used immediately before exponentiation expression. Parenthesis must be used to disambiguate operator precedence");
        LEAVE(fin(p, u));
    }
    if (t == T_INC || t == T_DEC) {
        if (!enter(p)) return node(p, ES_NULL);
        es_node *u = node(p, ES_UPDATE);
        u->op = (uint16_t)t;
        u->flags |= ES_F_PREFIX;
        next(p);
        u->a = unary(p);
        if (!is_assignable(u->a))
            fail_node(p, u->a, "Invalid left-hand side expression in prefix operation");
        LEAVE(fin(p, u));
    }
    if (p->in_async && is_name(p, "await")) {
        if (!enter(p)) return node(p, ES_NULL);
        es_node *u = node(p, ES_AWAIT);
        next(p);
        u->a = unary(p);
        LEAVE(fin(p, u));
    }
    return postfix(p);
}

static int binprec(int t, int no_in)
{
    switch (t) {
    case T_QQ: return 1;
    case T_OROR: return 2;
    case T_ANDAND: return 3;
    case T_BAR: return 4;
    case T_CARET: return 5;
    case T_AMP: return 6;
    case T_EQ: case T_NE: case T_SEQ: case T_SNE: return 7;
    case T_LT: case T_GT: case T_LE: case T_GE: case T_INSTANCEOF: return 8;
    case T_IN: return no_in ? 0 : 8;
    case T_SHL: case T_SAR: case T_SHR: return 9;
    case T_PLUS: case T_MINUS: return 10;
    case T_STAR: case T_DIV: case T_MOD: return 11;
    case T_STARSTAR: return 12;
    default: return 0;
    }
}

static es_node *binary(P *p, int minprec, int no_in)
{
    if (!enter(p)) return node(p, ES_NULL);
    es_node *l = unary(p);
    int saved = p->depth;
    for (;;) {
        int t = TOK.type, pr = binprec(t, no_in);
        if (!pr || pr < minprec || p->failed)
            break;
        if (!enter(p))  /* a long chain is a deep tree too */
            break;
        next(p);
        /* ** is right-associative */
        es_node *r = binary(p, t == T_STARSTAR ? pr : pr + 1, no_in);
        es_node *b = node_at(p, (t == T_ANDAND || t == T_OROR || t == T_QQ) ? ES_LOGICAL : ES_BINARY, l);
        b->op = (uint16_t)t;
        b->a = l;
        b->b = r;
        /* ?? does not mix with && and || without parentheses */
        if (t == T_QQ && ((r->kind == ES_LOGICAL && r->op != T_QQ) || (l->kind == ES_LOGICAL && l->op != T_QQ)))
            fail_node(p, b, "Unexpected token '?\?'");
        if ((t == T_ANDAND || t == T_OROR) && ((l->kind == ES_LOGICAL && l->op == T_QQ) || (r->kind == ES_LOGICAL && r->op == T_QQ)))
            fail_node(p, b, "Unexpected token");
        l = fin(p, b);
    }
    p->depth = saved;
    LEAVE(l);
}

static es_node *conditional(P *p, int no_in)
{
    es_node *t = binary(p, 1, no_in);
    if (!IS(T_QUESTION))
        return t;
    if (!enter(p)) return t;
    es_node *c = node_at(p, ES_COND, t);
    next(p);
    c->a = t;
    c->b = assign_expr(p, 0);
    expect(p, T_COLON);
    c->c = assign_expr(p, no_in);
    LEAVE(fin(p, c));
}

static int is_assign_op(int t)
{
    return t == T_ASSIGN || (t >= T_PLUSEQ && t <= T_QQEQ);
}

static es_node *assign_expr(P *p, int no_in)
{
    int cover = p->cover_ok;
    p->cover_ok = 0;
    if (!enter(p)) return node(p, ES_NULL);
    /* x => ..., async x => ..., async (..) => ... */
    if (IS(T_IDENT) && TOK.str[0] == 'a' && is_name(p, "async")) {
        int nl = 0, t = peek(p, &nl);
        if (t == T_IDENT && !nl) {
            es_node *f = node(p, ES_FUNC);
            next(p);
            f->list = ident(p);
            f->flags |= ES_F_SIMPLEPARAMS | ES_F_ASYNC;
            expect(p, T_ARROW);
            LEAVE(arrow_body(p, f));
        }
    }
    if (IS(T_IDENT)) {
        if (p->in_gen && is_name(p, "yield")) {
            es_node *y = node(p, ES_YIELD);
            next(p);
            if (eat(p, T_STAR)) {
                y->flags |= ES_F_DELEGATE;
                y->a = assign_expr(p, no_in);
            } else if (!TOK.nl_before && !IS(T_RPAREN) && !IS(T_RBRACK) && !IS(T_RBRACE) &&
                       !IS(T_COMMA) && !IS(T_SEMI) && !IS(T_COLON) && !IS(T_EOF) && !IS(T_IN)) {
                y->a = assign_expr(p, no_in);
            }
            LEAVE(fin(p, y));
        }
    }
    es_node *l = conditional(p, no_in);
    /* x => ... */
    if (IS(T_ARROW) && l->kind == ES_IDENT && !TOK.nl_before) {
        es_node *f = node_at(p, ES_FUNC, l);
        f->list = l;
        f->flags |= ES_F_SIMPLEPARAMS;
        next(p);
        LEAVE(arrow_body(p, f));
    }
    /* async (a, b) => ...: parsed as a call of `async` */
    if (IS(T_ARROW) && l->kind == ES_CALL && l->a->kind == ES_IDENT && !strcmp(l->a->str, "async") &&
        !TOK.nl_before) {
        es_node *f = node_at(p, ES_FUNC, l);
        next(p);
        for (es_node *e = l->list; e; e = e->next) {
            if (e->kind == ES_SPREAD) { e->kind = ES_REST; to_pattern(p, e->a, 1); }
            else to_pattern(p, e, 1);
        }
        f->list = l->list;
        f->flags |= ES_F_ASYNC;
        if (simple_params(l->list)) f->flags |= ES_F_SIMPLEPARAMS;
        LEAVE(arrow_body(p, f));
    }
    if (is_assign_op(TOK.type)) {
        int op = TOK.type;
        if (op == T_ASSIGN && (l->kind == ES_OBJECT || l->kind == ES_ARRAY)) {
            to_pattern(p, l, 0);
        } else if (!is_assignable(l)) {
            fail_node(p, l, "Invalid left-hand side in assignment");
        }
        es_node *a = node_at(p, ES_ASSIGN, l);
        a->op = (uint16_t)op;
        next(p);
        a->a = l;
        a->b = assign_expr(p, no_in);
        LEAVE(fin(p, a));
    }
    if (!cover)
        check_cover(p, l);
    LEAVE(l);
}

static es_node *expression(P *p, int no_in)
{
    es_node *e = assign_expr(p, no_in);
    if (!IS(T_COMMA))
        return e;
    es_node *s = node_at(p, ES_SEQ, e);
    list_t l;
    list_init(&l);
    list_add(&l, e);
    while (eat(p, T_COMMA) && !p->failed)
        list_add(&l, assign_expr(p, no_in));
    s->list = l.head;  /* a list, not a chain: no depth */
    return fin(p, s);
}

/* ---- statements -------------------------------------------------------- */
static int let_starts_decl(P *p)
{
    if (TOK.type != T_IDENT || TOK.str[0] != 'l' || !is_name(p, "let"))
        return 0;
    int t = peek(p, NULL);
    return t == T_IDENT || t == T_LBRACK || t == T_LBRACE;
}

/* var/let/const declarations (after the keyword); `in_for`: no `in`, and
 * no initialiser needed. */
static es_node *var_decl(P *p, int kind, int in_for)
{
    es_node *v = node(p, ES_VAR);
    v->op = (uint16_t)kind;
    next(p);
    list_t l;
    list_init(&l);
    do {
        es_node *d = node(p, ES_DECLARATOR);
        d->a = binding_target(p);
        if (d->a->kind == ES_IDENT && kind != ES_VAR_VAR && !strcmp(d->a->str, "let"))
            fail_node(p, d->a, "let is disallowed as a lexically bound name");
        if (eat(p, T_ASSIGN))
            d->b = assign_expr(p, in_for);
        else if (!in_for && (kind == ES_VAR_CONST || d->a->kind != ES_IDENT))
            fail_at(p, TOK.line, TOK.col, kind == ES_VAR_CONST ? "Missing initializer in const declaration"
                                                               : "Missing initializer in destructuring declaration");
        list_add(&l, fin(p, d));
    } while (eat(p, T_COMMA) && !p->failed);
    v->list = l.head;
    return fin(p, v);
}

static es_node *block(P *p)
{
    es_node *b = node(p, ES_BLOCK);
    list_t l;
    list_init(&l);
    expect(p, T_LBRACE);
    while (!IS(T_RBRACE) && !p->failed)
        list_add(&l, statement(p));
    expect(p, T_RBRACE);
    b->list = l.head;
    return fin(p, b);
}

static es_node *for_stmt(P *p)
{
    es_node *f = node(p, ES_FOR);
    next(p);
    if (is_name(p, "await")) {
        if (!p->in_async) { unexpected(p); return f; }
        f->flags |= ES_F_AWAIT;
        next(p);
    }
    expect(p, T_LPAREN);
    es_node *init = NULL;
    if (IS(T_SEMI)) {
    } else if (IS(T_VAR) || IS(T_CONST) || let_starts_decl(p)) {
        init = var_decl(p, IS(T_VAR) ? ES_VAR_VAR : IS(T_CONST) ? ES_VAR_CONST : ES_VAR_LET, 1);
    } else {
        p->cover_ok = 1; /* a pattern if in/of follows (checked below if not) */
        init = expression(p, 1);
    }
    if (init && (IS(T_IN) || is_name(p, "of"))) {
        f->kind = IS(T_IN) ? ES_FOR_IN : ES_FOR_OF;
        if (init->kind == ES_VAR) {
            if (init->list->next)
                fail_node(p, init, "Invalid left-hand side in for-loop: Must have a single binding.");
            if (init->list->b && !(f->kind == ES_FOR_IN && init->op == ES_VAR_VAR && init->list->a->kind == ES_IDENT))
                fail_node(p, init, "for-in/of loop variable declaration may not have an initializer.");
        } else if (init->kind == ES_OBJECT || init->kind == ES_ARRAY) {
            to_pattern(p, init, 0);
        } else if (!is_assignable(init)) {
            fail_node(p, init, "Invalid left-hand side in for-loop");
        }
        next(p);
        f->a = init;
        f->b = f->kind == ES_FOR_OF ? assign_expr(p, 0) : expression(p, 0);
    } else {
        if (f->flags & ES_F_AWAIT) unexpected(p);
        if (init && init->kind == ES_VAR)
            for (es_node *d = init->list; d; d = d->next)
                if (!d->b && (init->op == ES_VAR_CONST || d->a->kind != ES_IDENT))
                    fail_node(p, d, "Missing initializer in declaration");
        if (init && init->kind != ES_VAR) check_cover(p, init);
        f->a = init;
        expect(p, T_SEMI);
        if (!IS(T_SEMI)) f->b = expression(p, 0);
        expect(p, T_SEMI);
        if (!IS(T_RPAREN)) f->c = expression(p, 0);
    }
    expect(p, T_RPAREN);
    f->d = statement(p);
    return fin(p, f);
}

static es_node *statement(P *p)
{
    if (!enter(p)) return node(p, ES_EMPTY);
    es_node *n;
    switch (TOK.type) {
    case T_LBRACE:
        LEAVE(block(p));
    case T_SEMI:
        n = node(p, ES_EMPTY);
        next(p);
        LEAVE(fin(p, n));
    case T_VAR:
        n = var_decl(p, ES_VAR_VAR, 0);
        semi(p);
        LEAVE(fin(p, n));
    case T_CONST:
        n = var_decl(p, ES_VAR_CONST, 0);
        semi(p);
        LEAVE(fin(p, n));
    case T_FUNCTION:
        n = node(p, ES_FUNC_DECL);
        next(p);
        LEAVE(function_rest(p, n, 1));
    case T_CLASS:
        LEAVE(class_rest(p, ES_CLASS_DECL));
    case T_IF:
        n = node(p, ES_IF);
        next(p);
        expect(p, T_LPAREN);
        n->a = expression(p, 0);
        expect(p, T_RPAREN);
        n->b = statement(p);
        if (eat(p, T_ELSE))
            n->c = statement(p);
        LEAVE(fin(p, n));
    case T_FOR:
        LEAVE(for_stmt(p));
    case T_WHILE:
        n = node(p, ES_WHILE);
        next(p);
        expect(p, T_LPAREN);
        n->a = expression(p, 0);
        expect(p, T_RPAREN);
        n->d = statement(p);
        LEAVE(fin(p, n));
    case T_DO:
        n = node(p, ES_DO_WHILE);
        next(p);
        n->d = statement(p);
        expect(p, T_WHILE);
        expect(p, T_LPAREN);
        n->a = expression(p, 0);
        expect(p, T_RPAREN);
        eat(p, T_SEMI);
        LEAVE(fin(p, n));
    case T_RETURN:
        n = node(p, ES_RETURN);
        if (!p->in_func)
            fail_at(p, TOK.line, TOK.col, "Illegal return statement");
        next(p);
        if (!IS(T_SEMI) && !IS(T_RBRACE) && !IS(T_EOF) && !TOK.nl_before)
            n->a = expression(p, 0);
        semi(p);
        LEAVE(fin(p, n));
    case T_BREAK:
    case T_CONTINUE:
        n = node(p, IS(T_BREAK) ? ES_BREAK : ES_CONTINUE);
        next(p);
        if (IS(T_IDENT) && !TOK.nl_before) {
            n->str = TOK.str;
            next(p);
        }
        semi(p);
        LEAVE(fin(p, n));
    case T_THROW:
        n = node(p, ES_THROW);
        next(p);
        if (TOK.nl_before)
            fail_at(p, TOK.line, TOK.col, "Illegal newline after throw");
        n->a = expression(p, 0);
        semi(p);
        LEAVE(fin(p, n));
    case T_TRY:
        n = node(p, ES_TRY);
        next(p);
        n->a = block(p);
        if (eat(p, T_CATCH)) {
            if (eat(p, T_LPAREN)) {
                n->b = binding_target(p);
                expect(p, T_RPAREN);
            }
            n->c = block(p);
        }
        if (eat(p, T_FINALLY))
            n->d = block(p);
        if (!n->c && !n->d)
            fail_at(p, TOK.line, TOK.col, "Missing catch or finally after try");
        LEAVE(fin(p, n));
    case T_SWITCH: {
        n = node(p, ES_SWITCH);
        next(p);
        expect(p, T_LPAREN);
        n->a = expression(p, 0);
        expect(p, T_RPAREN);
        expect(p, T_LBRACE);
        list_t l;
        list_init(&l);
        int seen_default = 0;
        while (!IS(T_RBRACE) && !p->failed) {
            es_node *c = node(p, ES_CASE);
            if (eat(p, T_DEFAULT)) {
                if (seen_default++)
                    fail_node(p, c, "More than one default clause in switch statement");
            } else {
                expect(p, T_CASE);
                c->a = expression(p, 0);
            }
            expect(p, T_COLON);
            list_t b;
            list_init(&b);
            while (!IS(T_CASE) && !IS(T_DEFAULT) && !IS(T_RBRACE) && !p->failed)
                list_add(&b, statement(p));
            c->list = b.head;
            list_add(&l, fin(p, c));
        }
        expect(p, T_RBRACE);
        n->list = l.head;
        LEAVE(fin(p, n));
    }
    case T_DEBUGGER:
        n = node(p, ES_DEBUGGER);
        next(p);
        semi(p);
        LEAVE(fin(p, n));
    case T_WITH:
        n = node(p, ES_WITH);
        next(p);
        expect(p, T_LPAREN);
        n->a = expression(p, 0);
        expect(p, T_RPAREN);
        n->d = statement(p);
        LEAVE(fin(p, n));
    case T_IMPORT:
        if (peek(p, NULL) != T_LPAREN && peek(p, NULL) != T_DOT) {
            fail_at(p, TOK.line, TOK.col, "Cannot use import statement outside a module");
            LEAVE(node(p, ES_EMPTY));
        }
        break;
    case T_EXPORT:
        fail_at(p, TOK.line, TOK.col, "Unexpected token 'export'");
        LEAVE(node(p, ES_EMPTY));
    case T_IDENT:
        if (let_starts_decl(p)) {
            n = var_decl(p, ES_VAR_LET, 0);
            semi(p);
            LEAVE(fin(p, n));
        }
        if (is_name(p, "async")) {
            int nl = 0;
            if (peek(p, &nl) == T_FUNCTION && !nl) {
                n = node(p, ES_FUNC_DECL);
                next(p);
                next(p);
                n->flags |= ES_F_ASYNC;
                LEAVE(function_rest(p, n, 1));
            }
        }
        break;
    default:
        break;
    }
    n = node(p, ES_EXPR_STMT);
    n->a = expression(p, 0);
    if (n->a->kind == ES_IDENT && IS(T_COLON) && n->a->end == n->a->start + strlen(n->a->str)) {
        /* a label (an identifier then `:`) */
        n->kind = ES_LABELED;
        n->str = n->a->str;
        n->a = NULL;
        next(p);
        n->a = statement(p);
        LEAVE(fin(p, n));
    }
    semi(p);
    LEAVE(fin(p, n));
}

/* Every #name used must be declared by a class around it (an early
 * SyntaxError, as the names of a class body are known at its end). */
typedef struct pscope { es_node *cls; const struct pscope *up; } pscope;

static int private_declared(const pscope *s, const char *name)
{
    for (; s; s = s->up)
        for (es_node *m = s->cls->list; m; m = m->next)
            if (m->a && m->a->kind == ES_PRIVATE && !strcmp(m->a->str, name)) return 1;
    return 0;
}

static void check_private_list(P *p, es_node *n, const pscope *s);

static void check_private(P *p, es_node *n, const pscope *s)
{
    if (!n || p->failed) return;
    if (n->kind == ES_PRIVATE) {
        if (!private_declared(s, n->str)) {
            char m[160];
            snprintf(m, sizeof m, "Private field '#%.60s' must be declared in an enclosing class", n->str);
            fail_node(p, n, m);
        }
        return;
    }
    if (n->kind == ES_CLASS || n->kind == ES_CLASS_DECL) {
        pscope in = {n, s};
        check_private(p, n->b, s);  /* extends: outside the body */
        for (es_node *m = n->list; m; m = m->next) {
            if (m->a && m->a->kind != ES_PRIVATE) check_private(p, m->a, &in);  /* [computed] */
            check_private(p, m->b, &in);
            check_private_list(p, m->list, &in);
        }
        return;
    }
    check_private(p, n->a, s);
    check_private(p, n->b, s);
    check_private(p, n->c, s);
    check_private(p, n->d, s);
    check_private_list(p, n->list, s);
}

static void check_private_list(P *p, es_node *n, const pscope *s)
{
    for (; n && !p->failed; n = n->next) check_private(p, n, s);
}

es_node *es_parse(const char *src, size_t len, es_arena *ar, es_perr *err)
{
    static P p0;  /* large (the lexer state): not on the stack */
    P *p = &p0;
    memset(p, 0, sizeof *p);
    p->ar = ar;
    p->err = err;
    es_lex_init(&p->lx, src, len, ar);
    es_node *prog = node(p, ES_PROGRAM);
    prog->line = prog->col = 1;
    prog->start = 0;
    if (es_lex_next(&p->lx) != 0)
        fail_at(p, p->lx.err_line, p->lx.err_col, p->lx.err);
    list_t l;
    list_init(&l);
    while (!IS(T_EOF) && !p->failed)
        list_add(&l, statement(p));
    prog->list = l.head;
    prog->end = (uint32_t)len;
    if (p->saw_private && !p->failed) check_private_list(p, prog->list, NULL);
    if (directive_strict(p, l.head))
        prog->flags |= ES_F_STRICT;
    return p->failed ? NULL : prog;
}
