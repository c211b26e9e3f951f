/* lex.h - the tokenizer of es/: ES2022 tokens from UTF-8 source text.
 *
 * The parser pulls one token at a time (es_lex_next).  What `/` and `}`
 * start depends on the grammar, so the parser asks for a re-scan: after a
 * T_DIV or T_DIVEQ where an expression starts, es_lex_regex; after the
 * `}` that closes a template substitution, es_lex_template.
 */
#ifndef ES_LEX_H
#define ES_LEX_H

#include "ast.h"

enum es_tok {
    T_EOF = 0, T_IDENT, T_NUM, T_STR, T_TEMPLATE, T_REGEX,
    T_PRIVATE, T_BIGINT,
    /* punctuators */
    T_LBRACE, T_RBRACE, T_LPAREN, T_RPAREN, T_LBRACK, T_RBRACK, T_DOT,
    T_ELLIPSIS, T_SEMI, T_COMMA, T_LT, T_GT, T_LE, T_GE, T_EQ, T_NE, T_SEQ,
    T_SNE, T_PLUS, T_MINUS, T_STAR, T_STARSTAR, T_DIV, T_MOD, T_INC, T_DEC,
    T_SHL, T_SAR, T_SHR, T_AMP, T_BAR, T_CARET, T_NOT, T_TILDE, T_ANDAND,
    T_OROR, T_QQ, T_QUESTION, T_QDOT, T_COLON, T_ARROW,
    T_ASSIGN, T_PLUSEQ, T_MINUSEQ, T_STAREQ, T_STARSTAREQ, T_DIVEQ, T_MODEQ,
    T_SHLEQ, T_SAREQ, T_SHREQ, T_AMPEQ, T_BAREQ, T_CARETEQ, T_ANDANDEQ,
    T_OROREQ, T_QQEQ,
    /* reserved words (T_IDENT with these are never produced) */
    T_BREAK, T_CASE, T_CATCH, T_CLASS, T_CONST, T_CONTINUE, T_DEBUGGER,
    T_DEFAULT, T_DELETE, T_DO, T_ELSE, T_ENUM, T_EXPORT, T_EXTENDS, T_FALSE,
    T_FINALLY, T_FOR, T_FUNCTION, T_IF, T_IMPORT, T_IN, T_INSTANCEOF, T_NEW,
    T_NULL, T_RETURN, T_SUPER, T_SWITCH, T_THIS, T_THROW, T_TRUE, T_TRY,
    T_TYPEOF, T_VAR, T_VOID, T_WHILE, T_WITH,
    T_COUNT
};
/* contextual words (let, of, get, set, static, async, await, yield, as,
 * from, target) are T_IDENT: the parser looks at their name. */
enum { ES_VAR_VAR = 1, ES_VAR_LET, ES_VAR_CONST };

typedef struct {
    int type;               /* enum es_tok */
    uint32_t start, end;    /* byte span */
    int line, col;
    int nl_before;          /* a line terminator precedes it (ASI) */
    int escaped;            /* an identifier or keyword spelled with \u */
    int tpl_tail;           /* T_TEMPLATE: ends with ` (else with ${) */
    int bad_escape;         /* T_TEMPLATE: an invalid escape (cooked undefined) */
    const char *str;        /* T_IDENT/T_PRIVATE: the name; T_STR: the cooked
                               value is not needed by the emitter: NULL */
    double num;
} es_token;

typedef struct {
    const char *src;
    uint32_t len, pos;
    int line;
    uint32_t line_start;    /* byte offset of the current line */
    es_arena *ar;
    es_token tok;           /* the current token */
    char err[160];          /* set when the last scan failed */
    int err_line, err_col;
} es_lexer;

void es_lex_init(es_lexer *lx, const char *src, size_t len, es_arena *ar);
int es_lex_next(es_lexer *lx);       /* 0, or -1 with lx->err set */
int es_lex_regex(es_lexer *lx);      /* re-scan the current / or /= as a regex */
int es_lex_template(es_lexer *lx);   /* re-scan the current } as a template part */
const char *es_tok_name(int type);   /* "'('" for the messages */
int es_is_keyword(const char *s);    /* its T_ value, or 0 */

#endif
