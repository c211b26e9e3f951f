/* scope.c - bindings and what must be rewritten.
 *
 * One walk over the tree: every function and block gets its scope with
 * its declarations (var and functions hoisted to the function; let, const
 * and class to their block), every identifier is resolved to its binding,
 * and every node that needs a rewrite is marked dirty (itself ES2015+, or
 * something under it is); clean nodes are copied as their source text.
 *
 * Block-scoped bindings below a function's top level are renamed
 * (x -> x$N) since they become function-scoped vars; a reference that can
 * run before its declaration gets a dead-zone check; a closure that
 * captures a binding declared inside a loop makes that loop run its body
 * in a function per iteration (ES_F_WRAP).
 */
#include "es_int.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    es_arena *ar;
    es_scope *scope;
    es_node *loop;
    int nren;
    int failed;
    char *err;
    size_t errn;
    int *eline, *ecol;
} W;

static void werr(W *w, es_node *n, const char *msg)
{
    if (w->failed) return;
    w->failed = 1;
    snprintf(w->err, w->errn, "%s", msg);
    *w->eline = n->line;
    *w->ecol = n->col;
}

static es_scope *push(W *w, int kind, es_node *n)
{
    es_scope *s = es_alloc(w->ar, sizeof *s);
    if (!s) { werr(w, n, "out of memory"); return w->scope; }
    s->kind = kind;
    s->parent = w->scope;
    s->func = kind == S_FUNC ? s : w->scope->func;
    s->node = n;
    s->loop = kind == S_FUNC ? NULL : w->loop;
    n->scope = s;
    w->scope = s;
    return s;
}

static unsigned hash(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static es_binding *find_local(es_scope *s, const char *name)
{
    if (s->tab) {
        for (es_binding *b = s->tab[hash(name) & (unsigned)(s->tabcap - 1)]; b; b = b->hnext)
            if (!strcmp(b->name, name)) return b;
        return NULL;
    }
    for (es_binding *b = s->binds; b; b = b->next)
        if (!strcmp(b->name, name)) return b;
    return NULL;
}

/* Past 8 bindings a scope is hashed (a script's top level can hold
 * thousands). */
static void add_binding(W *w, es_scope *s, es_binding *b)
{
    b->next = s->binds;
    s->binds = b;
    s->nbinds++;
    if (s->nbinds > 8 && s->nbinds * 2 > s->tabcap) {
        int cap = s->tabcap ? s->tabcap * 4 : 64;
        es_binding **t = es_alloc(w->ar, (size_t)cap * sizeof *t);
        if (!t) return;  /* stays on the list: still correct */
        for (es_binding *x = s->binds; x; x = x->next) {
            unsigned h = hash(x->name) & (unsigned)(cap - 1);
            x->hnext = t[h];
            t[h] = x;
        }
        s->tab = t;
        s->tabcap = cap;
    } else if (s->tab) {
        unsigned h = hash(b->name) & (unsigned)(s->tabcap - 1);
        b->hnext = s->tab[h];
        s->tab[h] = b;
    }
}

/* name -> name$N, unique in the script */
static const char *renamed(W *w, const char *name)
{
    size_t n = strlen(name);
    char *pre = es_alloc(w->ar, n + 2);
    if (!pre) return name;
    memcpy(pre, name, n);
    pre[n] = '$';
    const char *r = es_strnum(w->ar, pre, ++w->nren, NULL);
    return r ? r : name;
}

static es_binding *declare(W *w, es_scope *s, es_node *id, int kind, uint32_t end)
{
    es_binding *b = find_local(s, id->str);
    if (b) {
        int lex = kind >= B_LET && kind <= B_CLASS, blex = b->kind >= B_LET && b->kind <= B_CLASS;
        if ((lex || blex) && b->kind != B_SELF) {
            char m[160];
            snprintf(m, sizeof m, "Identifier '%.60s' has already been declared", id->str);
            werr(w, id, m);
        }
        if (b->kind == B_SELF) b->kind = kind;
        return b;
    }
    b = es_alloc(w->ar, sizeof *b);
    if (!b) { werr(w, id, "out of memory"); return NULL; }
    b->name = id->str;
    b->emit = id->str;
    b->kind = kind;
    b->scope = s;
    b->loop = s->loop;
    b->decl_end = end;
    b->first_use = UINT32_MAX;
    if (s->kind == S_BLOCK && kind >= B_LET && kind <= B_CLASS)
        b->emit = renamed(w, id->str);
    add_binding(w, s, b);
    return b;
}

static void declare_pattern(W *w, es_scope *s, es_node *p, int kind, uint32_t end)
{
    if (!p) return;
    switch (p->kind) {
    case ES_IDENT: declare(w, s, p, kind, end); break;
    case ES_ASSIGN_PAT: declare_pattern(w, s, p->a, kind, end); break;
    case ES_REST: declare_pattern(w, s, p->a, kind, end); break;
    case ES_ARRAY_PAT:
        for (es_node *e = p->list; e; e = e->next) declare_pattern(w, s, e, kind, end);
        break;
    case ES_OBJECT_PAT:
        for (es_node *e = p->list; e; e = e->next)
            declare_pattern(w, s, e->kind == ES_REST ? e->a : e->b, kind, end);
        break;
    default: break;
    }
}

/* var declarations and function declarations, hoisted to the function. */
static void hoist(W *w, es_scope *fs, es_node *n, int top)
{
    for (; n; n = n->next) {
        switch (n->kind) {
        case ES_VAR:
            if (n->op == ES_VAR_VAR)
                for (es_node *d = n->list; d; d = d->next) declare_pattern(w, fs, d->a, B_VAR, 0);
            break;
        case ES_FUNC_DECL:
            if (n->a) declare(w, fs, n->a, B_FUNC, 0);
            break;
        case ES_BLOCK: hoist(w, fs, n->list, 0); break;
        case ES_IF:
            n->b->next = NULL;
            hoist(w, fs, n->b, 0);
            if (n->c) { n->c->next = NULL; hoist(w, fs, n->c, 0); }
            break;
        case ES_FOR: case ES_FOR_IN: case ES_FOR_OF:
            if (n->a && n->a->kind == ES_VAR) { n->a->next = NULL; hoist(w, fs, n->a, 0); }
            n->d->next = NULL;
            hoist(w, fs, n->d, 0);
            break;
        case ES_WHILE: case ES_DO_WHILE: case ES_WITH:
            n->d->next = NULL;
            hoist(w, fs, n->d, 0);
            break;
        case ES_LABELED: n->a->next = NULL; hoist(w, fs, n->a, 0); break;
        case ES_TRY:
            hoist(w, fs, n->a, 0);
            if (n->c) hoist(w, fs, n->c, 0);
            if (n->d) hoist(w, fs, n->d, 0);
            break;
        case ES_SWITCH:
            for (es_node *k = n->list; k; k = k->next) hoist(w, fs, k->list, 0);
            break;
        default: break;
        }
    }
    (void)top;
}

/* let, const, class of a statement list, into scope s. */
static void lexical(W *w, es_scope *s, es_node *n)
{
    for (; n; n = n->next) {
        if (n->kind == ES_VAR && n->op != ES_VAR_VAR) {
            for (es_node *d = n->list; d; d = d->next)
                declare_pattern(w, s, d->a, n->op == ES_VAR_CONST ? B_CONST : B_LET, d->end);
        } else if (n->kind == ES_CLASS_DECL && n->a) {
            declare(w, s, n->a, B_CLASS, n->end);
        }
    }
}

static int has_lexical(es_node *n)
{
    for (; n; n = n->next)
        if ((n->kind == ES_VAR && n->op != ES_VAR_VAR) || n->kind == ES_CLASS_DECL) return 1;
    return 0;
}

static es_binding *lookup(es_scope *s, const char *name)
{
    for (; s; s = s->parent) {
        es_binding *b = find_local(s, name);
        if (b) return b;
    }
    return NULL;
}

static int walk(W *w, es_node *n);
static int walk_list(W *w, es_node *l)
{
    int d = 0;
    for (; l; l = l->next) d |= walk(w, l);
    return d;
}

/* Whether a closure's reference to b (declared in an enclosing function)
 * may run while b is in its dead zone: besides a closure written before
 * b's declaration, a function declaration (hoisted) named before it, as
 * in `f(); let x = 1; function f() { return x; }`.  A hoisted function
 * first named after b is taken to run after it (a call through another
 * hoisted function named early is not followed). */
static int early_closure(W *w, es_binding *b)
{
    es_scope *f = w->scope->func, *top = NULL;
    while (f && f != b->scope->func) {
        top = f;
        f = f->parent ? f->parent->func : NULL;
    }
    if (!f || !top || !top->node || top->node->kind != ES_FUNC_DECL || !top->node->a)
        return 0;
    es_binding *fb = lookup(top->parent, top->node->a->str);
    return fb && fb->first_use < b->decl_end;
}

/* mode: 0 read, 1 write (assignment target), 2 declaration */
static int ref(W *w, es_node *id, int mode)
{
    es_binding *b = lookup(w->scope, id->str);
    id->bind = b;
    if (!b) {
        if (!strcmp(id->str, "arguments") && w->scope->func->arrow) {
            es_scope *f = w->scope->func;
            while (f->arrow && f->parent) f = f->parent->func;
            f->uses_args = 1;
            f->own_args = 1;
            id->flags |= ES_F_LEXTHIS;
            return id->dirty = 1;
        }
        if (!strcmp(id->str, "arguments")) {
            /* the function is rewritten: its prologue gives arguments
             * its @@iterator ($es.ai, emit.c) */
            w->scope->func->own_args = 1;
            return id->dirty = 1;
        }
        return 0;
    }
    int d = b->emit != b->name;
    if (mode != 2 && id->start < b->first_use) b->first_use = id->start;
    if (b->loop && w->scope->func != b->scope->func) {
        /* a closure captures a binding of a loop iteration */
        if (b->kind >= B_LET && b->kind <= B_CLASS) {
            b->loop->flags |= ES_F_WRAP;
        }
    }
    if (mode != 2 && b->kind >= B_LET && b->kind <= B_CLASS &&
        (id->start < b->decl_end || (w->scope->func != b->scope->func && early_closure(w, b)))) {
        id->flags |= mode == 0 ? ES_F_TDZ : ES_F_TDZW;
        b->tdz = 1;
        d = 1;
    }
    if (mode == 1 && b->kind == B_CONST) {
        id->flags |= ES_F_CONSTW;
        d = 1;
    }
    if (b->alt) d = 1;
    return id->dirty = (uint8_t)d;
}

static int walk_target(W *w, es_node *p, int mode)
{
    if (!p) return 0;
    int d = 0;
    switch (p->kind) {
    case ES_IDENT: return ref(w, p, mode);
    case ES_ASSIGN_PAT: d = walk_target(w, p->a, mode) | walk(w, p->b); return p->dirty = 1;
    case ES_REST: walk_target(w, p->a, mode); return p->dirty = 1;
    case ES_ARRAY_PAT:
        for (es_node *e = p->list; e; e = e->next) if (e->kind != ES_HOLE) walk_target(w, e, mode);
        return p->dirty = 1;
    case ES_OBJECT_PAT:
        for (es_node *e = p->list; e; e = e->next) {
            if (e->kind == ES_REST) { walk_target(w, e->a, mode); e->dirty = 1; continue; }
            if (e->flags & ES_F_COMPUTED) walk(w, e->a);
            walk_target(w, e->b, mode);
            e->dirty = 1;
        }
        return p->dirty = 1;
    case ES_PAREN: d = walk_target(w, p->a, mode); return p->dirty = (uint8_t)d;
    default: return walk(w, p);
    }
    (void)d;
}

static int lex_this(W *w, es_node *n, int what)
{
    es_scope *f = w->scope->func;
    if (what == 0) {  /* in a derived constructor, this is what super() made */
        es_scope *g = f;
        while (g->arrow && g->parent) g = g->parent->func;
        if (g->node && g->node->kind == ES_FUNC && (g->node->flags & ES_F_DERIVED)) {
            if (f->arrow) n->flags |= ES_F_LEXTHIS;
            return 1;
        }
    }
    if (!f->arrow) return 0;
    while (f->arrow && f->parent) f = f->parent->func;
    if (what == 0) f->uses_this = 1;
    else f->uses_nt = 1;
    n->flags |= ES_F_LEXTHIS;
    return 1;
}

static int walk_func(W *w, es_node *f)
{
    es_scope *save = w->scope;
    es_node *sloop = w->loop;
    w->loop = NULL;
    int d = (f->flags & (ES_F_ARROW | ES_F_ASYNC | ES_F_GENERATOR | ES_F_TRAILCOMMA)) ||
            !(f->flags & ES_F_SIMPLEPARAMS);
    if (f->kind == ES_FUNC && f->a) {  /* the name of a function expression */
        es_scope *ns = push(w, S_BLOCK, f);
        declare(w, ns, f->a, B_SELF, 0);
    }
    es_scope *s = push(w, S_FUNC, f);
    s->arrow = (f->flags & ES_F_ARROW) != 0;
    f->scope = s;
    for (es_node *p = f->list; p; p = p->next)
        declare_pattern(w, s, p, B_PARAM, 0);
    if (!(f->flags & ES_F_EXPRBODY)) {
        hoist(w, s, f->b->list, 1);
        lexical(w, s, f->b->list);
    }
    for (es_node *p = f->list; p; p = p->next)
        d |= p->kind == ES_IDENT ? ref(w, p, 2) : walk_target(w, p, 2);
    if (f->flags & ES_F_EXPRBODY)
        d |= walk(w, f->b);
    else if (walk_list(w, f->b->list))
        d = f->b->dirty = 1;
    w->scope = save;
    w->loop = sloop;
    return d;
}

/* After a loop is found to need ES_F_WRAP: its body's this/arguments
 * (outside inner ordinary functions) become the function's captured ones. */
static int mark_lex(W *w, es_node *n, es_scope *fs)
{
    if (!n) return 0;
    int d = 0;
    if (n->kind == ES_THIS) {
        fs->uses_this = 1;
        n->flags |= ES_F_LEXTHIS;
        return n->dirty = 1;
    }
    if (n->kind == ES_IDENT && !n->bind && !strcmp(n->str, "arguments")) {
        fs->uses_args = 1;
        n->flags |= ES_F_LEXTHIS;
        return n->dirty = 1;
    }
    if (n->kind == ES_BREAK || n->kind == ES_CONTINUE) return n->dirty = 1;
    if (n->kind == ES_RETURN) {
        mark_lex(w, n->a, fs);
        return n->dirty = 1;
    }
    if ((n->kind == ES_FUNC || n->kind == ES_FUNC_DECL) && !(n->flags & ES_F_ARROW)) return n->dirty;
    if (n->kind == ES_CLASS || n->kind == ES_CLASS_DECL) return n->dirty;
    d |= mark_lex(w, n->a, fs);
    d |= mark_lex(w, n->b, fs);
    d |= mark_lex(w, n->c, fs);
    d |= mark_lex(w, n->d, fs);
    for (es_node *e = n->list; e; e = e->next) d |= mark_lex(w, e, fs);
    if (d) n->dirty = 1;
    return n->dirty;
}

static int walk_loop(W *w, es_node *n)
{
    es_scope *save = w->scope;
    es_node *sloop = w->loop;
    int d = 0;
    w->loop = n;
    if ((n->kind == ES_FOR || n->kind == ES_FOR_IN || n->kind == ES_FOR_OF) && n->a &&
        n->a->kind == ES_VAR && n->a->op != ES_VAR_VAR) {
        es_scope *s = push(w, S_BLOCK, n);
        for (es_node *dd = n->a->list; dd; dd = dd->next)
            declare_pattern(w, s, dd->a, n->a->op == ES_VAR_CONST ? B_CONST : B_LET,
                            n->kind == ES_FOR ? dd->end : n->a->end);
        d = 1;
    }
    if (n->kind == ES_FOR_IN || n->kind == ES_FOR_OF) {
        /* the right side is outside the head's bindings (dead zone) */
        d |= walk(w, n->b);
        if (n->a->kind == ES_VAR) {
            for (es_node *dd = n->a->list; dd; dd = dd->next) {
                d |= walk_target(w, dd->a, 2);
                if (dd->b) d |= walk(w, dd->b);
            }
            d |= n->a->op != ES_VAR_VAR;
            n->a->dirty = (uint8_t)(n->a->dirty | (n->a->op != ES_VAR_VAR));
        } else {
            d |= walk_target(w, n->a, 1);
        }
    } else if (n->kind == ES_FOR) {
        if (n->a) d |= walk(w, n->a);
        if (n->b) d |= walk(w, n->b);
        if (n->c) d |= walk(w, n->c);
    } else {
        d |= walk(w, n->a);
    }
    d |= walk(w, n->d);
    if (n->flags & ES_F_WRAP) {
        d = 1;
        es_scope *fs = w->scope->func;
        while (fs->arrow && fs->parent) fs = fs->parent->func;
        mark_lex(w, n->d, fs);
        if (n->scope) {
            /* the body sees a per-iteration copy of the head's bindings */
            for (es_binding *b = n->scope->binds; b; b = b->next)
                b->alt = renamed(w, b->name);
        }
    }
    w->scope = save;
    w->loop = sloop;
    if (n->kind == ES_FOR_OF) d = 1;
    return d;
}

static int walk_block(W *w, es_node *n, es_node *list)
{
    es_scope *save = w->scope;
    if (has_lexical(list)) {
        es_scope *s = push(w, S_BLOCK, n);
        lexical(w, s, list);
    }
    int d = walk_list(w, list);
    w->scope = save;
    return d;
}

static int num_dirty(const char *s)
{
    if (strchr(s, '_')) return 1;
    return s[0] == '0' && (s[1] == 'b' || s[1] == 'B' || s[1] == 'o' || s[1] == 'O');
}

static int walk(W *w, es_node *n)
{
    if (!n || w->failed) return 0;
    int d = 0;
    switch (n->kind) {
    case ES_IDENT: d = ref(w, n, 0); break;
    case ES_NUM: d = num_dirty(n->str); break;
    case ES_STR:  /* \u{...}, and LS/PS (allowed in strings since ES2019) */
        d = strstr(n->str, "\\u{") != NULL || strstr(n->str, "\xe2\x80\xa8") || strstr(n->str, "\xe2\x80\xa9");
        break;
    case ES_THIS: d = lex_this(w, n, 0); break;
    case ES_NEW_TARGET: d = 1; lex_this(w, n, 1); break;
    case ES_SUPER: d = 1; break;
    case ES_REGEX: {
        /* flags and syntax beyond ES5: made at run time by RegExp, which
         * the runtime's regex layer may extend */
        const char *e = strrchr(n->str, '/');
        d = strpbrk(e, "suyd") != NULL || strstr(n->str, "(?<") || strstr(n->str, "\\p{") ||
            strstr(n->str, "\\P{") || strstr(n->str, "\\k<");
        break;
    }
    case ES_NULL: case ES_TRUE: case ES_FALSE: case ES_EMPTY: case ES_DEBUGGER:
    case ES_HOLE: case ES_BREAK: case ES_CONTINUE: case ES_TPL_STR:
        break;
    case ES_PRIVATE: d = 1; break;
    case ES_FUNC: case ES_FUNC_DECL:
        d = walk_func(w, n);
        if (n->kind == ES_FUNC_DECL && n->a) d |= ref(w, n->a, 2);
        break;
    case ES_CLASS: case ES_CLASS_DECL: {
        d = 1;
        if (n->kind == ES_CLASS_DECL && n->a) ref(w, n->a, 2);
        if (n->b) walk(w, n->b);
        es_scope *save = w->scope;
        es_node *sloop = w->loop;
        if (n->a) {
            es_scope *s = push(w, S_BLOCK, n);
            es_binding *b = declare(w, s, n->a, B_SELF, 0);
            if (b) b->emit = n->a->str;
        }
        for (es_node *m = n->list; m; m = m->next) {
            m->dirty = 1;
            if (m->flags & ES_F_COMPUTED) walk(w, m->a);
            if (m->kind == ES_METHOD) {
                walk(w, m->b);
            } else if (m->kind == ES_FIELD || m->kind == ES_STATIC_BLOCK) {
                /* initialisers and static blocks run as methods */
                es_node *fake = m;
                es_scope *fs = push(w, S_FUNC, fake);
                w->loop = NULL;
                if (m->kind == ES_FIELD) walk(w, m->b);
                else {
                    hoist(w, fs, m->list, 1);
                    lexical(w, fs, m->list);
                    walk_list(w, m->list);
                }
                w->scope = fs->parent;
                m->scope = fs;
            }
        }
        w->scope = save;
        w->loop = sloop;
        break;
    }
    case ES_PROGRAM: case ES_BLOCK:
        d = walk_block(w, n, n->list);
        break;
    case ES_VAR:
        d = n->op != ES_VAR_VAR;
        for (es_node *dd = n->list; dd; dd = dd->next) {
            int x = walk_target(w, dd->a, 2);
            if (dd->b) x |= walk(w, dd->b);
            if (dd->a->kind != ES_IDENT) x = 1;
            dd->dirty = (uint8_t)x;
            d |= x;
        }
        break;
    case ES_FOR: case ES_FOR_IN: case ES_FOR_OF: case ES_WHILE: case ES_DO_WHILE:
        d = walk_loop(w, n);
        break;
    case ES_SWITCH: {
        d = walk(w, n->a);
        es_scope *save = w->scope;
        int lex = 0;
        for (es_node *k = n->list; k; k = k->next) lex |= has_lexical(k->list);
        if (lex) {
            es_scope *s = push(w, S_BLOCK, n);
            for (es_node *k = n->list; k; k = k->next) lexical(w, s, k->list);
        }
        for (es_node *k = n->list; k; k = k->next) {
            int x = walk(w, k->a) | walk_list(w, k->list);
            k->dirty = (uint8_t)x;
            d |= x;
        }
        w->scope = save;
        break;
    }
    case ES_TRY: {
        d = walk(w, n->a);
        if (n->c) {
            es_scope *save = w->scope;
            es_scope *s = push(w, S_BLOCK, n->c);
            if (n->b) {
                declare_pattern(w, s, n->b, B_CATCH, 0);
                d |= walk_target(w, n->b, 2);
                if (n->b->kind != ES_IDENT) d = 1;
            } else {
                d = 1;
            }
            lexical(w, s, n->c->list);
            d |= walk_list(w, n->c->list);
            n->c->dirty = (uint8_t)(n->c->dirty | d);
            w->scope = save;
        }
        if (n->d) d |= walk(w, n->d);
        break;
    }
    case ES_ASSIGN:
        d = walk_target(w, n->a, 1) | walk(w, n->b);
        if (n->op == T_STARSTAREQ || n->op == T_ANDANDEQ || n->op == T_OROREQ || n->op == T_QQEQ ||
            n->a->kind == ES_ARRAY_PAT || n->a->kind == ES_OBJECT_PAT)
            d = 1;
        break;
    case ES_UPDATE:
        d = walk_target(w, n->a, 1);
        break;
    case ES_MEMBER:
        d = walk(w, n->a);
        if (n->flags & ES_F_COMPUTED) d |= walk(w, n->b);
        else if (n->b->kind == ES_PRIVATE) d = 1;
        if (n->flags & (ES_F_OPTIONAL | ES_F_TRAILCOMMA)) d = 1;
        break;
    case ES_PROP:
        if (n->flags & ES_F_COMPUTED) { walk(w, n->a); d = 1; }
        else if (n->op == ES_P_INIT && n->a->str && (!strcmp(n->a->str, "__proto__") ||
                 !strcmp(n->a->str, "'__proto__'") || !strcmp(n->a->str, "\"__proto__\"")))
            d = 1;  /* Duktape has no __proto__ in literals */
        if (n->op == ES_P_SHORTHAND) d = 1 | ref(w, n->b, 0);
        else d |= walk(w, n->b);
        if (n->op == ES_P_METHOD || n->op == ES_P_SPREAD) d = 1;
        break;
    case ES_BINARY:
        d = walk(w, n->a) | walk(w, n->b);
        if (n->op == T_STARSTAR || n->a->kind == ES_PRIVATE) d = 1;
        break;
    case ES_LOGICAL:
        d = walk(w, n->a) | walk(w, n->b) | (n->op == T_QQ);
        break;
    case ES_CALL: case ES_NEW:
        d = walk(w, n->a) | walk_list(w, n->list);
        if (n->flags & (ES_F_OPTIONAL | ES_F_TRAILCOMMA)) d = 1;
        break;
    case ES_TEMPLATE: case ES_TAGGED: case ES_CHAIN: case ES_SPREAD: case ES_YIELD: case ES_AWAIT:
    case ES_ARRAY_PAT: case ES_OBJECT_PAT: case ES_ASSIGN_PAT: case ES_REST:
        walk(w, n->a);
        walk(w, n->b);
        walk_list(w, n->list);
        d = 1;
        break;
    default:
        d = walk(w, n->a) | walk(w, n->b) | walk(w, n->c) | walk(w, n->d) | walk_list(w, n->list);
        break;
    }
    if (d) n->dirty = 1;
    return n->dirty;
}

int es_scope_resolve(es_node *prog, es_arena *ar, char *err, size_t errn, int *eline, int *ecol)
{
    W w;
    memset(&w, 0, sizeof w);
    w.ar = ar;
    w.err = err;
    w.errn = errn;
    w.eline = eline;
    w.ecol = ecol;
    es_scope root;
    memset(&root, 0, sizeof root);
    w.scope = NULL;
    es_scope *s = push(&w, S_FUNC, prog);
    (void)root;
    hoist(&w, s, prog->list, 1);
    lexical(&w, s, prog->list);
    int d = walk_list(&w, prog->list);
    if (d) prog->dirty = 1;
    return w.failed ? -1 : 0;
}
