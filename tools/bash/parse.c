/* Lexer and recursive-descent parser for the sh subset.
 * Words are kept raw (quotes included); expand.c interprets them at run time. */
#include "sh.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

enum { T_EOF, T_NL, T_WORD, T_OP, T_IONUM };

typedef struct {
    int type;
    char op[4];
    size_t start, end;   /* word raw range */
    int line;
} Tok;

typedef struct PendingHD { Redir *r; struct PendingHD *next; } PendingHD;

typedef struct {
    const char *s;
    size_t pos, n;
    int line;
    char *err;
    PendingHD *hd, **hdtail;
    int depth;
} P;

static void perr(P *p, const char *fmt, const char *arg) {
    if (p->err) return;
    char tmp[512];
    snprintf(tmp, sizeof tmp, fmt, arg ? arg : "");
    char out[600];
    snprintf(out, sizeof out, "bash: line %d: %s", p->line, tmp);
    p->err = xstrdup(out);
}

/* ---- raw skipping helpers ---------------------------------------------- */
size_t sh_skip_dollar(const char *s, size_t i, size_t n);
#define skip_dollar sh_skip_dollar
static size_t skip_dquote(const char *s, size_t i, size_t n);

static size_t skip_squote(const char *s, size_t i, size_t n) { /* at ' */
    i++;
    while (i < n && s[i] != '\'') i++;
    return i < n ? i + 1 : n;
}
static size_t skip_ansi(const char *s, size_t i, size_t n) { /* at ' after $ */
    i++;
    while (i < n && s[i] != '\'') { if (s[i] == '\\' && i + 1 < n) i++; i++; }
    return i < n ? i + 1 : n;
}
size_t sh_skip_backtick(const char *s, size_t i, size_t n) {
    i++;
    while (i < n && s[i] != '`') { if (s[i] == '\\' && i + 1 < n) i++; i++; }
    return i < n ? i + 1 : n;
}
static size_t skip_dquote(const char *s, size_t i, size_t n) { /* at " */
    i++;
    while (i < n && s[i] != '"') {
        if (s[i] == '\\' && i + 1 < n) i += 2;
        else if (s[i] == '$') i = skip_dollar(s, i, n);
        else if (s[i] == '`') i = sh_skip_backtick(s, i, n);
        else i++;
    }
    return i < n ? i + 1 : n;
}
/* skip a command substitution body; i after "$(" ; returns index after ')' */
static size_t skip_cmdsub(const char *s, size_t i, size_t n) {
    int depth = 1;
    int wordstart = 1;
    while (i < n) {
        char c = s[i];
        if (c == '\'') { i = skip_squote(s, i, n); wordstart = 0; continue; }
        if (c == '"') { i = skip_dquote(s, i, n); wordstart = 0; continue; }
        if (c == '\\') { i += 2; wordstart = 0; continue; }
        if (c == '`') { i = sh_skip_backtick(s, i, n); continue; }
        if (c == '$') { i = skip_dollar(s, i, n); wordstart = 0; continue; }
        if (c == '#' && wordstart) { while (i < n && s[i] != '\n') i++; continue; }
        if (c == '(') depth++;
        else if (c == ')') { if (--depth == 0) return i + 1; }
        wordstart = (c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '|' || c == '&' || c == '(');
        i++;
    }
    return n;
}
size_t sh_skip_dollar(const char *s, size_t i, size_t n) { /* at $ */
    if (i + 1 >= n) return n;
    char c = s[i + 1];
    if (c == '(' && i + 2 < n && s[i + 2] == '(') {
        size_t j = i + 3; int depth = 2;
        while (j < n) {
            if (s[j] == '(') depth++;
            else if (s[j] == ')') { if (--depth == 0) return j + 1; }
            else if (s[j] == '$' && j + 1 < n && s[j + 1] == '(') {
                /* nested command substitution inside arithmetic */
                if (!(j + 2 < n && s[j + 2] == '(')) { j = skip_cmdsub(s, j + 2, n); continue; }
            }
            j++;
        }
        return n;
    }
    if (c == '(') return skip_cmdsub(s, i + 2, n);
    if (c == '{') {
        size_t j = i + 2; int depth = 1;
        while (j < n) {
            if (s[j] == '\\') { j += 2; continue; }
            if (s[j] == '\'') { j = skip_squote(s, j, n); continue; }
            if (s[j] == '"') { j = skip_dquote(s, j, n); continue; }
            if (s[j] == '$') { j = skip_dollar(s, j, n); continue; }
            if (s[j] == '`') { j = sh_skip_backtick(s, j, n); continue; }
            if (s[j] == '{') depth++;
            else if (s[j] == '}') { if (--depth == 0) return j + 1; }
            j++;
        }
        return n;
    }
    if (c == '\'') return skip_ansi(s, i + 1, n);
    return i + 1;
}

/* ---- lexer -------------------------------------------------------------------- */
static int is_meta(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' ||
           c == '<' || c == '>' || c == '(' || c == ')';
}

static void skip_blank(P *p) {
    for (;;) {
        while (p->pos < p->n && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' || p->s[p->pos] == '\r')) p->pos++;
        if (p->pos + 1 < p->n && p->s[p->pos] == '\\' && p->s[p->pos + 1] == '\n') { p->pos += 2; p->line++; continue; }
        if (p->pos < p->n && p->s[p->pos] == '#') {
            while (p->pos < p->n && p->s[p->pos] != '\n') p->pos++;
        }
        break;
    }
}

static const char *ops[] = { "&>>", ";;&", "<<-", "<<<", "&&", "||", ";;", ";&", "<<", ">>", "&>",
                             "<&", ">&", "<>", ">|", "|&", ";", "&", "|", "(", ")", "<", ">", NULL };

static Tok lex(P *p) {
    Tok t; memset(&t, 0, sizeof t);
    skip_blank(p);
    t.line = p->line;
    if (p->pos >= p->n) { t.type = T_EOF; return t; }
    char c = p->s[p->pos];
    if (c == '\n') { t.type = T_NL; t.start = p->pos; p->pos++; p->line++; return t; }
    for (int k = 0; ops[k]; k++) {
        size_t l = strlen(ops[k]);
        if (p->pos + l <= p->n && memcmp(p->s + p->pos, ops[k], l) == 0) {
            t.type = T_OP; memcpy(t.op, ops[k], l); t.op[l] = 0;
            t.start = p->pos; p->pos += l; t.end = p->pos;
            return t;
        }
    }
    size_t i = p->pos, n = p->n;
    const char *s = p->s;
    while (i < n && !is_meta(s[i])) {
        if (s[i] == '\\') {
            if (i + 1 < n && s[i + 1] == '\n') { i += 2; p->line++; continue; }
            i += 2; continue;
        }
        if (s[i] == '\'') { i = skip_squote(s, i, n); continue; }
        if (s[i] == '"') {
            size_t j = skip_dquote(s, i, n);
            for (size_t k = i; k < j; k++) if (s[k] == '\n') p->line++;
            i = j; continue;
        }
        if (s[i] == '`') { i = sh_skip_backtick(s, i, n); continue; }
        if (s[i] == '$') {
            size_t j = skip_dollar(s, i, n);
            for (size_t k = i; k < j; k++) if (s[k] == '\n') p->line++;
            i = j; continue;
        }
        i++;
    }
    if (i > n) i = n;
    if (i < n && s[i] == '(' && i > p->pos && s[i - 1] == '=') {
        /* array literal name=( ... ) */
        size_t j = i + 1;
        while (j < n && s[j] != ')') {
            if (s[j] == '\\') { j += 2; continue; }
            if (s[j] == '\'') { j = skip_squote(s, j, n); continue; }
            if (s[j] == '"') { j = skip_dquote(s, j, n); continue; }
            if (s[j] == '$') { j = skip_dollar(s, j, n); continue; }
            if (s[j] == '\n') p->line++;
            j++;
        }
        i = j < n ? j + 1 : n;
    }
    t.type = T_WORD; t.start = p->pos; t.end = i;
    /* IO number: all digits followed directly by < or > */
    if (i < n && (s[i] == '<' || s[i] == '>') && i - p->pos <= 2) {
        int dig = 1;
        for (size_t k = p->pos; k < i; k++) if (!isdigit((unsigned char)s[k])) dig = 0;
        if (dig) t.type = T_IONUM;
    }
    p->pos = i;
    return t;
}

static Tok peek(P *p) {
    size_t pos = p->pos; int line = p->line;
    Tok t = lex(p);
    p->pos = pos; p->line = line;
    return t;
}

static char *tokstr(P *p, Tok *t) { return xstrndup(p->s + t->start, t->end - t->start); }
static int tok_is(P *p, Tok *t, const char *w) {
    size_t l = strlen(w);
    return t->type == T_WORD && t->end - t->start == l && memcmp(p->s + t->start, w, l) == 0;
}
static int tok_op(Tok *t, const char *op) { return t->type == T_OP && strcmp(t->op, op) == 0; }

/* read heredoc bodies after a newline */
static void read_heredocs(P *p) {
    while (p->hd) {
        PendingHD *h = p->hd;
        p->hd = h->next;
        Redir *r = h->r;
        free(h);
        /* delimiter with quotes removed */
        Buf d = {0};
        const char *w = r->word;
        for (size_t i = 0; w[i]; i++) {
            if (w[i] == '\'' || w[i] == '"') { r->quoted = 1; continue; }
            if (w[i] == '\\' && w[i + 1]) { r->quoted = 1; i++; }
            buf_addc(&d, w[i]);
        }
        char *delim = buf_take(&d);
        int strip = (r->op == R_HEREDOC && r->fd < 0);
        if (strip) r->fd = 0;
        Buf body = {0};
        while (p->pos < p->n) {
            size_t e = p->pos;
            while (e < p->n && p->s[e] != '\n') e++;
            const char *ln = p->s + p->pos;
            size_t len = e - p->pos;
            p->pos = e < p->n ? e + 1 : e;
            p->line++;
            if (strip) while (len > 0 && *ln == '\t') { ln++; len--; }
            if (len == strlen(delim) && memcmp(ln, delim, len) == 0) break;
            buf_add(&body, ln, len);
            buf_addc(&body, '\n');
        }
        free(delim);
        r->heredoc = buf_take(&body);
    }
    p->hdtail = &p->hd;
}

static Tok next(P *p) {
    Tok t = lex(p);
    if (t.type == T_NL) read_heredocs(p);
    return t;
}

static void linebreak(P *p) {
    for (;;) {
        Tok t = peek(p);
        if (t.type != T_NL) return;
        next(p);
    }
}

static Node *mk(int kind, int line) {
    Node *n = calloc(1, sizeof *n);
    n->kind = kind; n->line = line;
    return n;
}

static void vpush(char ***v, int *n, char *s) {
    *v = xrealloc(*v, sizeof(char *) * (*n + 2));
    (*v)[(*n)++] = s;
    (*v)[*n] = NULL;
}
static void kpush(Node *n, Node *k) {
    n->kids = xrealloc(n->kids, sizeof(Node *) * (n->nkids + 1));
    n->kids[n->nkids++] = k;
}

static Node *parse_list(P *p, int top);
static Node *parse_command(P *p);

static int is_stop(P *p, Tok *t) {
    static const char *stops[] = { "then", "fi", "do", "done", "esac", "elif", "else", "}", NULL };
    if (t->type == T_EOF) return 1;
    if (t->type == T_OP && (!strcmp(t->op, ")") || !strcmp(t->op, ";;") || !strcmp(t->op, ";&") || !strcmp(t->op, ";;&"))) return 1;
    for (int i = 0; stops[i]; i++) if (tok_is(p, t, stops[i])) return 1;
    return 0;
}

/* try to parse a redirection at the current token; returns 1 if parsed */
static int parse_redir(P *p, Redir ***tail) {
    Tok t = peek(p);
    int fd = -1;
    if (t.type == T_IONUM) {
        char *s = tokstr(p, &t); fd = atoi(s); free(s);
        next(p);
        t = peek(p);
        if (t.type != T_OP) { perr(p, "syntax error near redirection", NULL); return 0; }
    }
    if (t.type != T_OP) return 0;
    int op;
    if (!strcmp(t.op, ">")) op = R_OUT;
    else if (!strcmp(t.op, ">|")) op = R_OUT;
    else if (!strcmp(t.op, ">>")) op = R_APP;
    else if (!strcmp(t.op, "<")) op = R_IN;
    else if (!strcmp(t.op, "<>")) op = R_RDWR;
    else if (!strcmp(t.op, ">&")) op = R_DUPOUT;
    else if (!strcmp(t.op, "<&")) op = R_DUPIN;
    else if (!strcmp(t.op, "<<")) op = R_HEREDOC;
    else if (!strcmp(t.op, "<<-")) op = R_HEREDOC;
    else if (!strcmp(t.op, "<<<")) op = R_HERESTR;
    else if (!strcmp(t.op, "&>")) op = R_ALL;
    else if (!strcmp(t.op, "&>>")) op = R_ALLAPP;
    else { if (fd >= 0) perr(p, "syntax error near unexpected token `%s'", t.op); return 0; }
    int strip = !strcmp(t.op, "<<-");
    next(p);
    Tok w = next(p);
    if (w.type != T_WORD && w.type != T_IONUM) {
        perr(p, "syntax error near unexpected token `%s'", w.type == T_OP ? w.op : "newline");
        return 0;
    }
    Redir *r = calloc(1, sizeof *r);
    r->op = op;
    r->word = tokstr(p, &w);
    if (fd < 0) fd = (op == R_IN || op == R_DUPIN || op == R_HEREDOC || op == R_HERESTR || op == R_RDWR) ? 0 : 1;
    r->fd = fd;
    if (op == R_HEREDOC) {
        if (strip) r->fd = -1; /* marker for <<- ; read_heredocs resets it */
        PendingHD *h = calloc(1, sizeof *h);
        h->r = r;
        *p->hdtail = h; p->hdtail = &h->next;
    }
    **tail = r; *tail = &r->next;
    return 1;
}

static void parse_redirs(P *p, Node *n) {
    Redir **tail = &n->redirs;
    while (*tail) tail = &(*tail)->next;
    while (!p->err && parse_redir(p, &tail)) {}
}

static int expect_word(P *p, const char *w) {
    linebreak(p);
    Tok t = next(p);
    if (!tok_is(p, &t, w)) {
        char *got = t.type == T_EOF ? xstrdup("end of file") : t.type == T_NL ? xstrdup("newline") :
                    t.type == T_OP ? xstrdup(t.op) : tokstr(p, &t);
        char msg[300];
        snprintf(msg, sizeof msg, "syntax error near unexpected token `%.100s' (expected `%s')", got, w);
        perr(p, "%s", msg);
        free(got);
        return 0;
    }
    return 1;
}

static int valid_name(const char *s, size_t n) {
    if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_')) return 0;
    for (size_t i = 1; i < n; i++) if (!(isalnum((unsigned char)s[i]) || s[i] == '_')) return 0;
    return 1;
}

static int is_assign(const char *s, size_t n) {
    size_t i = 0;
    while (i < n && s[i] != '=') {
        if (s[i] == '[') { while (i < n && s[i] != ']') i++; if (i >= n) return 0; i++; continue; }
        i++;
    }
    if (i >= n || i == 0) return 0;
    size_t nl = i;
    if (nl > 0 && s[nl - 1] == '+') nl--;
    const char *br = memchr(s, '[', nl);
    if (br) nl = (size_t)(br - s);
    return valid_name(s, nl);
}

/* scan "((...))" at current position; returns expr string or NULL */
static char *scan_arith(P *p) {
    skip_blank(p);
    if (!(p->pos + 1 < p->n && p->s[p->pos] == '(' && p->s[p->pos + 1] == '(')) return NULL;
    size_t j = p->pos + 2; int depth = 2;
    while (j < p->n) {
        if (p->s[j] == '(') depth++;
        else if (p->s[j] == ')') { if (--depth == 0) break; }
        else if (p->s[j] == '\n') { /* allowed */ }
        j++;
    }
    if (j >= p->n) return NULL;
    /* j at final ')'; expr is between pos+2 and j-1 */
    char *e = xstrndup(p->s + p->pos + 2, j - 1 - (p->pos + 2));
    p->pos = j + 1;
    return e;
}

static Node *parse_compound_body(P *p, const char *end) {
    Node *b = parse_list(p, 0);
    if (!p->err) expect_word(p, end);
    return b;
}

static Node *parse_if(P *p, int line) {
    Node *n = mk(N_IF, line);
    n->a = parse_list(p, 0);
    if (!expect_word(p, "then")) return n;
    n->b = parse_list(p, 0);
    Tok t = next(p);
    if (tok_is(p, &t, "elif")) {
        n->c = parse_if(p, t.line);
        return n;
    }
    if (tok_is(p, &t, "else")) {
        n->c = parse_list(p, 0);
        expect_word(p, "fi");
        return n;
    }
    if (!tok_is(p, &t, "fi")) perr(p, "syntax error: expected `fi'", NULL);
    return n;
}

static Node *parse_do_group(P *p) {
    linebreak(p);
    Tok t = next(p);
    if (tok_is(p, &t, "{")) return parse_compound_body(p, "}");
    if (!tok_is(p, &t, "do")) { perr(p, "syntax error: expected `do'", NULL); return NULL; }
    return parse_compound_body(p, "done");
}

static Node *parse_for(P *p, int line) {
    Node *n = mk(N_FOR, line);
    char *ar = scan_arith(p);
    if (ar) {
        /* for ((a; b; c)) */
        n->has_list = 2;
        char *parts[3] = { NULL, NULL, NULL };
        char *s = ar; int k = 0;
        char *q = s;
        int depth = 0;
        for (; *q; q++) {
            if (*q == '(') depth++;
            else if (*q == ')') depth--;
            else if (*q == ';' && depth == 0 && k < 2) { parts[k++] = xstrndup(s, q - s); s = q + 1; }
        }
        parts[k++] = xstrdup(s);
        if (k != 3) { perr(p, "syntax error in for ((...))", NULL); free(ar); return n; }
        for (int i = 0; i < 3; i++) vpush(&n->list, &n->nlist, parts[i]);
        free(ar);
        Tok t = peek(p);
        if (tok_op(&t, ";")) next(p);
        n->b = parse_do_group(p);
        return n;
    }
    Tok t = next(p);
    if (t.type != T_WORD) { perr(p, "syntax error: bad for variable", NULL); return n; }
    n->name = tokstr(p, &t);
    linebreak(p);
    t = peek(p);
    if (tok_is(p, &t, "in")) {
        next(p);
        n->has_list = 1;
        for (;;) {
            t = peek(p);
            if (t.type != T_WORD) break;
            next(p);
            vpush(&n->list, &n->nlist, tokstr(p, &t));
        }
        t = peek(p);
        if (tok_op(&t, ";") || t.type == T_NL) next(p);
    } else if (tok_op(&t, ";")) next(p);
    n->b = parse_do_group(p);
    return n;
}

static Node *parse_case(P *p, int line) {
    Node *n = mk(N_CASE, line);
    Tok t = next(p);
    if (t.type != T_WORD) { perr(p, "syntax error: bad case word", NULL); return n; }
    n->name = tokstr(p, &t);
    if (!expect_word(p, "in")) return n;
    CaseItem **tail = &n->items;
    for (;;) {
        linebreak(p);
        t = peek(p);
        if (tok_is(p, &t, "esac")) { next(p); break; }
        if (t.type == T_EOF) { perr(p, "syntax error: expected `esac'", NULL); return n; }
        CaseItem *ci = calloc(1, sizeof *ci);
        if (tok_op(&t, "(")) next(p);
        for (;;) {
            t = next(p);
            if (t.type != T_WORD) { perr(p, "syntax error in case pattern", NULL); free(ci); return n; }
            vpush(&ci->pats, &ci->npats, tokstr(p, &t));
            t = next(p);
            if (tok_op(&t, "|")) continue;
            if (tok_op(&t, ")")) break;
            perr(p, "syntax error in case pattern", NULL); free(ci); return n;
        }
        ci->body = parse_list(p, 0);
        *tail = ci; tail = &ci->next;
        t = peek(p);
        if (tok_op(&t, ";;") || tok_op(&t, ";;&")) next(p);
        else if (tok_op(&t, ";&")) { next(p); ci->fall = 1; }
        else if (tok_is(p, &t, "esac")) { next(p); break; }
        else { perr(p, "syntax error: expected `;;' or `esac'", NULL); return n; }
        if (p->err) return n;
    }
    return n;
}

static Node *parse_dbrack(P *p, int line) {
    Node *n = mk(N_DBRACK, line);
    for (;;) {
        Tok t = next(p);
        if (t.type == T_EOF || t.type == T_NL) { perr(p, "syntax error: expected `]]'", NULL); return n; }
        if (tok_is(p, &t, "]]")) break;
        if (t.type == T_OP) {
            vpush(&n->list, &n->nlist, xstrdup(t.op));
            if (!strcmp(t.op, "=~")) {}
        } else {
            vpush(&n->list, &n->nlist, tokstr(p, &t));
            if (tok_is(p, &t, "=~")) {
                /* the regex is one raw word: parentheses and | are part of it */
                skip_blank(p);
                size_t i = p->pos; int depth = 0;
                while (i < p->n) {
                    char c = p->s[i];
                    if (c == '\\') { i += 2; continue; }
                    if (c == '\'') { i = skip_squote(p->s, i, p->n); continue; }
                    if (c == '"') { i = skip_dquote(p->s, i, p->n); continue; }
                    if (c == '$') { i = skip_dollar(p->s, i, p->n); continue; }
                    if (c == '(') depth++;
                    else if (c == ')') { if (depth == 0) break; depth--; }
                    else if ((c == ' ' || c == '\t' || c == '\n') && depth == 0) break;
                    i++;
                }
                if (i > p->n) i = p->n;
                vpush(&n->list, &n->nlist, xstrndup(p->s + p->pos, i - p->pos));
                p->pos = i;
            }
        }
    }
    return n;
}

static Node *parse_command(P *p) {
    if (++p->depth > 500 || sh_stack_exhausted()) { perr(p, "nesting too deep", NULL); return NULL; }
    Node *res = NULL;
    Tok t = peek(p);
    int line = t.line;
    if (tok_op(&t, "(")) {
        char *ar = scan_arith(p);
        if (ar) {
            res = mk(N_ARITH, line); res->name = ar;
        } else {
            next(p);
            res = mk(N_SUB, line);
            res->a = parse_list(p, 0);
            Tok c = next(p);
            if (!tok_op(&c, ")")) perr(p, "syntax error: expected `)'", NULL);
        }
        parse_redirs(p, res);
        p->depth--;
        return res;
    }
    if (t.type == T_WORD) {
        if (tok_is(p, &t, "{")) {
            next(p);
            res = mk(N_GROUP, line);
            res->a = parse_compound_body(p, "}");
        } else if (tok_is(p, &t, "if")) {
            next(p); res = parse_if(p, line);
        } else if (tok_is(p, &t, "while") || tok_is(p, &t, "until")) {
            int until = tok_is(p, &t, "until");
            next(p);
            res = mk(until ? N_UNTIL : N_WHILE, line);
            res->a = parse_list(p, 0);
            res->b = parse_do_group(p);
        } else if (tok_is(p, &t, "for")) {
            next(p); res = parse_for(p, line);
        } else if (tok_is(p, &t, "case")) {
            next(p); res = parse_case(p, line);
        } else if (tok_is(p, &t, "[[")) {
            next(p); res = parse_dbrack(p, line);
        } else if (tok_is(p, &t, "function")) {
            next(p);
            Tok nm = next(p);
            if (nm.type != T_WORD) { perr(p, "syntax error: bad function name", NULL); p->depth--; return NULL; }
            res = mk(N_FUNC, line);
            res->name = tokstr(p, &nm);
            Tok q = peek(p);
            if (tok_op(&q, "(")) { next(p); q = next(p); if (!tok_op(&q, ")")) perr(p, "syntax error: expected `)'", NULL); }
            linebreak(p);
            res->a = parse_command(p);
            p->depth--;
            return res;
        } else {
            /* function definition name() ... */
            size_t save = p->pos; int sline = p->line;
            next(p);
            Tok q = peek(p);
            if (tok_op(&q, "(") && valid_name(p->s + t.start, t.end - t.start)) {
                next(p);
                Tok r = next(p);
                if (tok_op(&r, ")")) {
                    res = mk(N_FUNC, line);
                    res->name = tokstr(p, &t);
                    linebreak(p);
                    res->a = parse_command(p);
                    if (!res->a && !p->err) perr(p, "syntax error: function body expected", NULL);
                    p->depth--;
                    return res;
                }
            }
            p->pos = save; p->line = sline;
        }
        if (res) {
            parse_redirs(p, res);
            p->depth--;
            return res;
        }
    }
    /* simple command */
    Node *n = mk(N_CMD, line);
    Redir **rt = &n->redirs;
    for (;;) {
        if (p->err) break;
        if (parse_redir(p, &rt)) continue;
        if (p->err) break;
        Tok w = peek(p);
        if (w.type != T_WORD) break;
        next(p);
        if (n->nwords == 0 && is_assign(p->s + w.start, w.end - w.start))
            vpush(&n->assigns, &n->nassigns, tokstr(p, &w));
        else
            vpush(&n->words, &n->nwords, tokstr(p, &w));
    }
    if (n->nwords == 0 && n->nassigns == 0 && !n->redirs) {
        Tok w = peek(p);
        if (!p->err) {
            if (w.type == T_EOF) perr(p, "syntax error: unexpected end of file", NULL);
            else if (w.type == T_OP) perr(p, "syntax error near unexpected token `%s'", w.op);
            else if (w.type == T_NL) perr(p, "syntax error near unexpected token `newline'", NULL);
            else { char *s = tokstr(p, &w); perr(p, "syntax error near unexpected token `%s'", s); free(s); }
        }
        free(n);
        p->depth--;
        return NULL;
    }
    p->depth--;
    return n;
}

static Node *parse_pipeline(P *p) {
    Tok t = peek(p);
    int bang = 0;
    while (tok_is(p, &t, "!")) { bang ^= 1; next(p); t = peek(p); }
    Node *c = parse_command(p);
    if (!c) return NULL;
    t = peek(p);
    if (!tok_op(&t, "|") && !tok_op(&t, "|&")) {
        if (bang) { Node *nn = mk(N_NOT, c->line); nn->a = c; return nn; }
        return c;
    }
    Node *pl = mk(N_PIPE, c->line);
    kpush(pl, c);
    while (tok_op(&t, "|") || tok_op(&t, "|&")) {
        next(p);
        if (!strcmp(t.op, "|&")) {
            /* stderr of previous stage too */
            Redir *r = calloc(1, sizeof *r);
            r->op = R_DUPOUT; r->fd = 2; r->word = xstrdup("1");
            Node *prev = pl->kids[pl->nkids - 1];
            Redir **rt = &prev->redirs;
            while (*rt) rt = &(*rt)->next;
            *rt = r;
        }
        linebreak(p);
        Node *k = parse_command(p);
        if (!k) { if (!p->err) perr(p, "syntax error near `|'", NULL); return pl; }
        kpush(pl, k);
        t = peek(p);
    }
    pl->bang = bang;
    return pl;
}

static Node *parse_andor(P *p) {
    Node *l = parse_pipeline(p);
    if (!l) return NULL;
    for (;;) {
        Tok t = peek(p);
        if (!tok_op(&t, "&&") && !tok_op(&t, "||")) return l;
        next(p);
        linebreak(p);
        Node *r = parse_pipeline(p);
        if (!r) { if (!p->err) perr(p, "syntax error: expected command after `%s'", t.op); return l; }
        Node *n = mk(!strcmp(t.op, "&&") ? N_AND : N_OR, l->line);
        n->a = l; n->b = r;
        l = n;
    }
}

static Node *parse_list(P *p, int top) {
    Node *seq = mk(N_SEQ, p->line);
    for (;;) {
        linebreak(p);
        if (p->err) break;
        Tok t = peek(p);
        if (t.type == T_EOF) break;
        if (is_stop(p, &t)) {
            if (top) {
                char *s = t.type == T_OP ? xstrdup(t.op) : tokstr(p, &t);
                perr(p, "syntax error near unexpected token `%s'", s);
                free(s);
            }
            break;
        }
        Node *c = parse_andor(p);
        if (!c) break;
        t = peek(p);
        int sep = 0;
        if (tok_op(&t, "&")) { next(p); Node *bg = mk(N_BG, c->line); bg->a = c; c = bg; sep = 1; }
        else if (tok_op(&t, ";")) { next(p); sep = 1; }
        kpush(seq, c);
        t = peek(p);
        if (t.type == T_NL || t.type == T_EOF) continue;
        if (is_stop(p, &t)) { if (top) continue; break; }
        if (sep) continue;
        perr(p, "syntax error near unexpected token `%s'", t.type == T_OP ? t.op : "word");
        break;
    }
    return seq;
}

Node *sh_parse(const char *src, char **err) {
    P p; memset(&p, 0, sizeof p);
    p.s = src; p.n = strlen(src); p.line = 1;
    p.hdtail = &p.hd;
    Node *n = parse_list(&p, 1);
    if (!p.err && p.hd) read_heredocs(&p);
    if (p.err) { *err = p.err; return NULL; }
    *err = NULL;
    return n;
}
