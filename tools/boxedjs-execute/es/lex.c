/* lex.c - the tokenizer (see lex.h) and the arena (ast.h). */
#include "lex.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the arena ---------------------------------------------------------- */
void *es_alloc(es_arena *ar, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    if (!ar->top && ar->first && ar->first_used + n <= ar->first_cap) {
        void *p = ar->first + ar->first_used;
        ar->first_used += n;
        memset(p, 0, n);
        return p;
    }
    es_arena_blk *b = ar->top;
    if (!b || b->used + n > b->cap) {
        /* small first (a short script should not grow the memory) */
        size_t cap = b ? b->cap * 2 : 4096;
        if (cap > (1u << 20)) cap = 1u << 20;
        if (cap < n) cap = n;
        if (ar->limit && ar->total + cap > ar->limit)
            return NULL;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->prev = ar->top;
        b->used = 0;
        b->cap = cap;
        ar->top = b;
        ar->total += cap;
    }
    void *p = (char *)(b + 1) + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

char *es_strndup(es_arena *ar, const char *s, size_t n)
{
    char *p = es_alloc(ar, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = 0;
    }
    return p;
}

char *es_strnum(es_arena *ar, const char *a, long n, const char *b)
{
    char d[24];
    int k = 0;
    unsigned long u = n < 0 ? 0ul - (unsigned long)n : (unsigned long)n;
    do { d[k++] = (char)('0' + u % 10); u /= 10; } while (u);
    if (n < 0) d[k++] = '-';
    size_t la = strlen(a), lb = b ? strlen(b) : 0;
    char *p = es_alloc(ar, la + (size_t)k + lb + 1);
    if (!p) return NULL;
    memcpy(p, a, la);
    for (int i = 0; i < k; i++) p[la + (size_t)i] = d[k - 1 - i];
    if (lb) memcpy(p + la + k, b, lb);
    p[la + (size_t)k + lb] = 0;
    return p;
}

char *es_cat(es_arena *ar, ...)
{
    va_list ap;
    size_t n = 0;
    const char *a;
    va_start(ap, ar);
    while ((a = va_arg(ap, const char *))) n += strlen(a);
    va_end(ap);
    char *p = es_alloc(ar, n + 1), *q = p;
    if (!p) return NULL;
    va_start(ap, ar);
    while ((a = va_arg(ap, const char *))) {
        size_t k = strlen(a);
        memcpy(q, a, k);
        q += k;
    }
    va_end(ap);
    *q = 0;
    return p;
}

void es_arena_free(es_arena *ar)
{
    while (ar->top) {
        es_arena_blk *p = ar->top->prev;
        free(ar->top);
        ar->top = p;
    }
    ar->total = 0;
    ar->first_used = 0;
}

/* ---- names ---------------------------------------------------------- */
static const char *const tok_names[T_COUNT] = {
    [T_EOF] = "end of input", [T_IDENT] = "identifier", [T_NUM] = "number",
    [T_STR] = "string", [T_TEMPLATE] = "template", [T_REGEX] = "regular expression",
    [T_PRIVATE] = "private name", [T_BIGINT] = "BigInt",
    [T_LBRACE] = "{", [T_RBRACE] = "}", [T_LPAREN] = "(", [T_RPAREN] = ")",
    [T_LBRACK] = "[", [T_RBRACK] = "]", [T_DOT] = ".", [T_ELLIPSIS] = "...",
    [T_SEMI] = ";", [T_COMMA] = ",", [T_LT] = "<", [T_GT] = ">", [T_LE] = "<=",
    [T_GE] = ">=", [T_EQ] = "==", [T_NE] = "!=", [T_SEQ] = "===", [T_SNE] = "!==",
    [T_PLUS] = "+", [T_MINUS] = "-", [T_STAR] = "*", [T_STARSTAR] = "**",
    [T_DIV] = "/", [T_MOD] = "%", [T_INC] = "++", [T_DEC] = "--", [T_SHL] = "<<",
    [T_SAR] = ">>", [T_SHR] = ">>>", [T_AMP] = "&", [T_BAR] = "|", [T_CARET] = "^",
    [T_NOT] = "!", [T_TILDE] = "~", [T_ANDAND] = "&&", [T_OROR] = "||",
    [T_QQ] = "??", [T_QUESTION] = "?", [T_QDOT] = "?.", [T_COLON] = ":",
    [T_ARROW] = "=>", [T_ASSIGN] = "=", [T_PLUSEQ] = "+=", [T_MINUSEQ] = "-=",
    [T_STAREQ] = "*=", [T_STARSTAREQ] = "**=", [T_DIVEQ] = "/=", [T_MODEQ] = "%=",
    [T_SHLEQ] = "<<=", [T_SAREQ] = ">>=", [T_SHREQ] = ">>>=", [T_AMPEQ] = "&=",
    [T_BAREQ] = "|=", [T_CARETEQ] = "^=", [T_ANDANDEQ] = "&&=", [T_OROREQ] = "||=",
    [T_QQEQ] = "?\?=",
    [T_BREAK] = "break", [T_CASE] = "case", [T_CATCH] = "catch", [T_CLASS] = "class",
    [T_CONST] = "const", [T_CONTINUE] = "continue", [T_DEBUGGER] = "debugger",
    [T_DEFAULT] = "default", [T_DELETE] = "delete", [T_DO] = "do", [T_ELSE] = "else",
    [T_ENUM] = "enum", [T_EXPORT] = "export", [T_EXTENDS] = "extends",
    [T_FALSE] = "false", [T_FINALLY] = "finally", [T_FOR] = "for",
    [T_FUNCTION] = "function", [T_IF] = "if", [T_IMPORT] = "import", [T_IN] = "in",
    [T_INSTANCEOF] = "instanceof", [T_NEW] = "new", [T_NULL] = "null",
    [T_RETURN] = "return", [T_SUPER] = "super", [T_SWITCH] = "switch",
    [T_THIS] = "this", [T_THROW] = "throw", [T_TRUE] = "true", [T_TRY] = "try",
    [T_TYPEOF] = "typeof", [T_VAR] = "var", [T_VOID] = "void", [T_WHILE] = "while",
    [T_WITH] = "with",
};

const char *es_tok_name(int type)
{
    return type >= 0 && type < T_COUNT && tok_names[type] ? tok_names[type] : "?";
}

int es_is_keyword(const char *s)
{
    static uint8_t first[26][8], nfirst[26], ready;
    if (!ready) {  /* the reserved words by first letter */
        for (int t = T_BREAK; t < T_COUNT; t++) {
            int k = tok_names[t][0] - 'a';
            if (nfirst[k] < 8) first[k][nfirst[k]++] = (uint8_t)t;
        }
        ready = 1;
    }
    if (s[0] < 'a' || s[0] > 'z' || !s[1])
        return 0;
    int k = s[0] - 'a';
    for (int i = 0; i < nfirst[k]; i++)
        if (strcmp(tok_names[first[k][i]] + 1, s + 1) == 0)
            return first[k][i];
    return 0;
}

/* ---- scanning ------------------------------------------------------------ */
static int lex_fail(es_lexer *lx, uint32_t at, const char *msg)
{
    int line = lx->line;
    uint32_t ls = lx->line_start;
    if (at < ls) {  /* the error is on an earlier line: count back */
        line = 1;
        ls = 0;
        for (uint32_t i = 0; i < at; i++)
            if (lx->src[i] == '\n') {
                line++;
                ls = i + 1;
            }
    }
    snprintf(lx->err, sizeof lx->err, "%s", msg);
    lx->err_line = line;
    lx->err_col = (int)(at - ls) + 1;
    return -1;
}

static int is_id_start(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '$' ||
           ch == '_' || ch >= 0x80;
}

static int is_id_part(unsigned char ch)
{
    return is_id_start(ch) || (ch >= '0' && ch <= '9');
}

static void newline(es_lexer *lx, uint32_t after)
{
    lx->line++;
    lx->line_start = after;
}

/* Skip white space and comments; 1 if a line terminator was crossed. */
static int skip_space(es_lexer *lx)
{
    const char *s = lx->src;
    int nl = 0;
    while (lx->pos < lx->len) {
        unsigned char ch = (unsigned char)s[lx->pos];
        if (ch == '\n') {
            lx->pos++;
            newline(lx, lx->pos);
            nl = 1;
        } else if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f') {
            lx->pos++;
        } else if (ch == 0xC2 && lx->pos + 1 < lx->len && (unsigned char)s[lx->pos + 1] == 0xA0) {
            lx->pos += 2;
        } else if (ch == 0xEF && lx->pos + 2 < lx->len && (unsigned char)s[lx->pos + 1] == 0xBB &&
                   (unsigned char)s[lx->pos + 2] == 0xBF) {
            lx->pos += 3;
        } else if (ch == 0xE2 && lx->pos + 2 < lx->len && (unsigned char)s[lx->pos + 1] == 0x80 &&
                   ((unsigned char)s[lx->pos + 2] == 0xA8 || (unsigned char)s[lx->pos + 2] == 0xA9)) {
            lx->pos += 3;  /* LS, PS: line terminators (not counted as lines) */
            nl = 1;
        } else if (ch == '/' && lx->pos + 1 < lx->len && s[lx->pos + 1] == '/') {
            while (lx->pos < lx->len && s[lx->pos] != '\n')
                lx->pos++;
        } else if (ch == '/' && lx->pos + 1 < lx->len && s[lx->pos + 1] == '*') {
            uint32_t at = lx->pos;
            lx->pos += 2;
            for (;;) {
                if (lx->pos + 1 >= lx->len)
                    return lex_fail(lx, at, "Unterminated comment"), -1;
                if (s[lx->pos] == '*' && s[lx->pos + 1] == '/') {
                    lx->pos += 2;
                    break;
                }
                if (s[lx->pos] == '\n') {
                    newline(lx, lx->pos + 1);
                    nl = 1;
                }
                lx->pos++;
            }
        } else if (ch == '#' && lx->pos == 0 && lx->len > 1 && s[1] == '!') {
            while (lx->pos < lx->len && s[lx->pos] != '\n')
                lx->pos++;  /* a hashbang line */
        } else {
            break;
        }
    }
    return nl;
}

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

static void put_utf8(char *b, size_t *n, unsigned cp)
{
    if (cp < 0x80) b[(*n)++] = (char)cp;
    else if (cp < 0x800) { b[(*n)++] = (char)(0xC0 | cp >> 6); b[(*n)++] = (char)(0x80 | (cp & 63)); }
    else if (cp < 0x10000) { b[(*n)++] = (char)(0xE0 | cp >> 12); b[(*n)++] = (char)(0x80 | (cp >> 6 & 63)); b[(*n)++] = (char)(0x80 | (cp & 63)); }
    else { b[(*n)++] = (char)(0xF0 | cp >> 18); b[(*n)++] = (char)(0x80 | (cp >> 12 & 63)); b[(*n)++] = (char)(0x80 | (cp >> 6 & 63)); b[(*n)++] = (char)(0x80 | (cp & 63)); }
}

/* An identifier name at lx->pos (escapes \uXXXX and \u{...} resolved). */
static int scan_ident(es_lexer *lx)
{
    const char *s = lx->src;
    uint32_t st = lx->pos;
    int esc = 0;
    while (lx->pos < lx->len && (is_id_part((unsigned char)s[lx->pos]) || s[lx->pos] == '\\')) {
        if (s[lx->pos] == '\\')
            esc = 1;
        lx->pos++;
    }
    if (!esc) {
        lx->tok.str = es_strndup(lx->ar, s + st, lx->pos - st);
    } else {
        char *b = es_alloc(lx->ar, (lx->pos - st) * 2 + 8);
        size_t n = 0;
        if (!b) return lex_fail(lx, st, "out of memory");
        for (uint32_t i = st; i < lx->pos;) {
            if (s[i] != '\\') { b[n++] = s[i++]; continue; }
            if (i + 1 >= lx->pos || s[i + 1] != 'u') return lex_fail(lx, i, "Invalid Unicode escape sequence");
            i += 2;
            unsigned cp = 0;
            if (i < lx->pos && s[i] == '{') {
                i++;
                while (i < lx->len && s[i] != '}') {
                    int h = hexval(s[i++]);
                    if (h < 0) return lex_fail(lx, i - 1, "Invalid Unicode escape sequence");
                    cp = cp * 16 + (unsigned)h;
                }
                if (i >= lx->len) return lex_fail(lx, i, "Invalid Unicode escape sequence");
                i++;
                if (i > lx->pos) lx->pos = i;
            } else {
                for (int k = 0; k < 4; k++) {
                    int h = i < lx->len ? hexval(s[i]) : -1;
                    if (h < 0) return lex_fail(lx, i, "Invalid Unicode escape sequence");
                    cp = cp * 16 + (unsigned)h;
                    i++;
                }
                if (i > lx->pos) lx->pos = i;
            }
            put_utf8(b, &n, cp);
        }
        b[n] = 0;
        lx->tok.str = b;
    }
    lx->tok.escaped = esc;
    return 0;
}

static int scan_number(es_lexer *lx)
{
    const char *s = lx->src;
    uint32_t st = lx->pos;
    char buf[400];
    size_t n = 0;
    int base = 10;
    if (s[st] == '0' && st + 1 < lx->len && strchr("xXoObB", s[st + 1])) {
        char k = (char)(s[st + 1] | 0x20);
        base = k == 'x' ? 16 : k == 'o' ? 8 : 2;
        lx->pos += 2;
    }
    double v = 0;
    int digits = 0;
    if (base != 10) {
        while (lx->pos < lx->len) {
            char ch = s[lx->pos];
            if (ch == '_') { lx->pos++; continue; }
            int h = hexval(ch);
            if (h < 0 || h >= base) break;
            v = v * base + h;
            digits++;
            lx->pos++;
        }
        if (!digits) return lex_fail(lx, st, "Invalid or unexpected token");
    } else {
        int legacy_octal = s[st] == '0' && st + 1 < lx->len && s[st + 1] >= '0' && s[st + 1] <= '9';
        while (lx->pos < lx->len) {
            char ch = s[lx->pos];
            if (ch == '_') {
                if (lx->pos + 1 >= lx->len || !(s[lx->pos + 1] >= '0' && s[lx->pos + 1] <= '9') ||
                    lx->pos == st || !(s[lx->pos - 1] >= '0' && s[lx->pos - 1] <= '9'))
                    return lex_fail(lx, lx->pos, "Numeric separators are not allowed here");
                lx->pos++;
                continue;
            }
            if ((ch >= '0' && ch <= '9') || ch == '.' || ch == 'e' || ch == 'E' ||
                ((ch == '+' || ch == '-') && (s[lx->pos - 1] | 0x20) == 'e' && !legacy_octal)) {
                if (ch == '.' && (memchr(buf, '.', n) || memchr(buf, 'e', n) || memchr(buf, 'E', n)))
                    break;
                if ((ch == 'e' || ch == 'E') && (memchr(buf, 'e', n) || memchr(buf, 'E', n)))
                    break;
                if (n + 1 >= sizeof buf) return lex_fail(lx, st, "Number too long");
                buf[n++] = ch;
                lx->pos++;
                continue;
            }
            break;
        }
        buf[n] = 0;
        if (legacy_octal) {
            v = 0;
            int oct = 1;
            for (size_t i = 0; i < n; i++) if (buf[i] > '7') oct = 0;
            if (oct) for (size_t i = 0; i < n; i++) v = v * 8 + (buf[i] - '0');
            else v = strtod(buf, NULL);
        } else if (n < 16 && strspn(buf, "0123456789") == n) {
            v = 0;  /* the common case, without strtod (costly in wasm) */
            for (size_t i = 0; i < n; i++) v = v * 10 + (buf[i] - '0');
        } else {
            v = strtod(buf, NULL);
        }
    }
    if (lx->pos < lx->len && s[lx->pos] == 'n') {
        lx->tok.type = T_BIGINT;
        return lex_fail(lx, st, "BigInt is not supported");
    }
    if (lx->pos < lx->len && (is_id_start((unsigned char)s[lx->pos]) || (s[lx->pos] >= '0' && s[lx->pos] <= '9')))
        return lex_fail(lx, lx->pos, "Invalid or unexpected token");
    lx->tok.type = T_NUM;
    lx->tok.num = v;
    return 0;
}

static int scan_string(es_lexer *lx)
{
    const char *s = lx->src;
    char q = s[lx->pos];
    uint32_t st = lx->pos++;
    while (lx->pos < lx->len && s[lx->pos] != q) {
        if (s[lx->pos] == '\\') {
            lx->pos++;
            if (lx->pos < lx->len && s[lx->pos] == '\r' && lx->pos + 1 < lx->len && s[lx->pos + 1] == '\n')
                lx->pos++;
            if (lx->pos < lx->len && s[lx->pos] == '\n')
                newline(lx, lx->pos + 1);
        } else if (s[lx->pos] == '\n' || s[lx->pos] == '\r') {
            return lex_fail(lx, st, "Invalid or unexpected token");
        }
        lx->pos++;
    }
    if (lx->pos >= lx->len)
        return lex_fail(lx, st, "Invalid or unexpected token");
    lx->pos++;
    lx->tok.type = T_STR;
    return 0;
}

/* A template part from lx->pos (just after ` or }) to ` or ${. */
static int scan_template_part(es_lexer *lx, uint32_t st)
{
    const char *s = lx->src;
    lx->tok.bad_escape = 0;
    for (;;) {
        if (lx->pos >= lx->len)
            return lex_fail(lx, st, "Unterminated template literal");
        char ch = s[lx->pos];
        if (ch == '`') { lx->pos++; lx->tok.tpl_tail = 1; break; }
        if (ch == '$' && lx->pos + 1 < lx->len && s[lx->pos + 1] == '{') {
            lx->pos += 2;
            lx->tok.tpl_tail = 0;
            break;
        }
        if (ch == '\\') {
            lx->pos++;
            if (lx->pos < lx->len) {
                char e = s[lx->pos];
                if (e == 'x') {
                    if (lx->pos + 2 >= lx->len || hexval(s[lx->pos + 1]) < 0 || hexval(s[lx->pos + 2]) < 0)
                        lx->tok.bad_escape = 1;
                } else if (e == 'u') {
                    if (lx->pos + 1 < lx->len && s[lx->pos + 1] == '{') {
                        uint32_t i = lx->pos + 2;
                        while (i < lx->len && hexval(s[i]) >= 0) i++;
                        if (i == lx->pos + 2 || i >= lx->len || s[i] != '}') lx->tok.bad_escape = 1;
                    } else {
                        for (int k = 1; k <= 4; k++)
                            if (lx->pos + k >= lx->len || hexval(s[lx->pos + k]) < 0) lx->tok.bad_escape = 1;
                    }
                } else if (e >= '1' && e <= '9') {
                    lx->tok.bad_escape = 1;
                } else if (e == '0' && lx->pos + 1 < lx->len && s[lx->pos + 1] >= '0' && s[lx->pos + 1] <= '9') {
                    lx->tok.bad_escape = 1;
                }
                if (e == '\n')
                    newline(lx, lx->pos + 1);
                lx->pos++;
            }
            continue;
        }
        if (ch == '\n')
            newline(lx, lx->pos + 1);
        lx->pos++;
    }
    lx->tok.type = T_TEMPLATE;
    lx->tok.end = lx->pos;
    return 0;
}

struct punct { const char *s; int t; };
static const struct punct puncts[] = {
    {">>>=", T_SHREQ}, {"...", T_ELLIPSIS}, {"===", T_SEQ}, {"!==", T_SNE},
    {"**=", T_STARSTAREQ}, {"<<=", T_SHLEQ}, {">>=", T_SAREQ}, {">>>", T_SHR},
    {"&&=", T_ANDANDEQ}, {"||=", T_OROREQ}, {"?\?=", T_QQEQ},
    {"?.", T_QDOT}, {"=>", T_ARROW}, {"==", T_EQ}, {"!=", T_NE}, {"<=", T_LE}, {">=", T_GE},
    {"**", T_STARSTAR}, {"++", T_INC}, {"--", T_DEC}, {"<<", T_SHL}, {">>", T_SAR},
    {"&&", T_ANDAND}, {"||", T_OROR}, {"??", T_QQ}, {"+=", T_PLUSEQ},
    {"-=", T_MINUSEQ}, {"*=", T_STAREQ}, {"/=", T_DIVEQ}, {"%=", T_MODEQ},
    {"&=", T_AMPEQ}, {"|=", T_BAREQ}, {"^=", T_CARETEQ},
    {"{", T_LBRACE}, {"}", T_RBRACE}, {"(", T_LPAREN}, {")", T_RPAREN},
    {"[", T_LBRACK}, {"]", T_RBRACK}, {".", T_DOT}, {";", T_SEMI}, {",", T_COMMA},
    {"<", T_LT}, {">", T_GT}, {"+", T_PLUS}, {"-", T_MINUS}, {"*", T_STAR},
    {"/", T_DIV}, {"%", T_MOD}, {"&", T_AMP}, {"|", T_BAR}, {"^", T_CARET},
    {"!", T_NOT}, {"~", T_TILDE}, {"?", T_QUESTION}, {":", T_COLON}, {"=", T_ASSIGN},
};

void es_lex_init(es_lexer *lx, const char *src, size_t len, es_arena *ar)
{
    memset(lx, 0, sizeof *lx);
    lx->src = src;
    lx->len = (uint32_t)len;
    lx->line = 1;
    lx->ar = ar;
}

int es_lex_next(es_lexer *lx)
{
    int nl = skip_space(lx);
    if (nl < 0)
        return -1;
    es_token *t = &lx->tok;
    t->nl_before = nl;
    t->escaped = 0;
    t->str = NULL;
    t->start = lx->pos;
    t->line = lx->line;
    t->col = (int)(lx->pos - lx->line_start) + 1;
    if (lx->pos >= lx->len) {
        t->type = T_EOF;
        t->end = lx->pos;
        return 0;
    }
    const char *s = lx->src;
    unsigned char ch = (unsigned char)s[lx->pos];
    int r = 0;
    if (is_id_start(ch) || ch == '\\') {
        r = scan_ident(lx);
        if (r == 0) {
            int kw = t->escaped ? 0 : es_is_keyword(t->str);
            t->type = kw ? kw : T_IDENT;
        }
    } else if (ch == '#') {
        lx->pos++;
        if (lx->pos >= lx->len || !is_id_start((unsigned char)s[lx->pos]))
            return lex_fail(lx, t->start, "Invalid or unexpected token");
        r = scan_ident(lx);
        t->type = T_PRIVATE;
    } else if ((ch >= '0' && ch <= '9') ||
               (ch == '.' && lx->pos + 1 < lx->len && s[lx->pos + 1] >= '0' && s[lx->pos + 1] <= '9')) {
        r = scan_number(lx);
    } else if (ch == '"' || ch == '\'') {
        r = scan_string(lx);
    } else if (ch == '`') {
        lx->pos++;
        r = scan_template_part(lx, t->start);
    } else {
        t->type = -1;
        static uint8_t byc[128][10], nbyc[128], ready;
        if (!ready) {  /* the punctuators by first character, longest first */
            for (size_t i = 0; i < sizeof puncts / sizeof puncts[0]; i++) {
                unsigned char f = (unsigned char)puncts[i].s[0];
                if (nbyc[f] < 10) byc[f][nbyc[f]++] = (uint8_t)i;
            }
            ready = 1;
        }
        for (int k = 0; ch < 128 && k < nbyc[ch]; k++) {
            size_t i = byc[ch][k];
            size_t n = strlen(puncts[i].s);
            if (lx->pos + n <= lx->len && memcmp(s + lx->pos, puncts[i].s, n) == 0) {
                /* ?. followed by a digit is ? then .5 */
                if (puncts[i].t == T_QDOT && lx->pos + 2 < lx->len && s[lx->pos + 2] >= '0' && s[lx->pos + 2] <= '9')
                    continue;
                t->type = puncts[i].t;
                lx->pos += (uint32_t)n;
                break;
            }
        }
        if (t->type < 0)
            return lex_fail(lx, t->start, "Invalid or unexpected token");
    }
    if (r)
        return -1;
    t->end = lx->pos;
    return 0;
}

int es_lex_regex(es_lexer *lx)
{
    es_token *t = &lx->tok;
    const char *s = lx->src;
    lx->pos = t->start + 1;
    int in_class = 0;
    for (;;) {
        if (lx->pos >= lx->len || s[lx->pos] == '\n' || s[lx->pos] == '\r')
            return lex_fail(lx, t->start, "Invalid regular expression: missing /");
        char ch = s[lx->pos++];
        if (ch == '\\') {
            if (lx->pos < lx->len && s[lx->pos] != '\n') lx->pos++;
        } else if (ch == '[') {
            in_class = 1;
        } else if (ch == ']') {
            in_class = 0;
        } else if (ch == '/' && !in_class) {
            break;
        }
    }
    while (lx->pos < lx->len && is_id_part((unsigned char)s[lx->pos]))
        lx->pos++;
    t->type = T_REGEX;
    t->end = lx->pos;
    return 0;
}

int es_lex_template(es_lexer *lx)
{
    es_token *t = &lx->tok;
    lx->pos = t->start + 1;
    return scan_template_part(lx, t->start);
}
