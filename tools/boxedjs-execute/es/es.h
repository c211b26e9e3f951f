/* es.h - jsexec's front end: ES2022 script text in, ES5.1 text out (for
 * Duktape), with every construct on its source line.
 *
 *   es_result r;
 *   if (es_compile(src, len, &r) != 0)   r.msg: "Unexpected token ')'",
 *       ...                               r.line, r.col: where (1-based)
 *   else use r.out (r.out_len bytes, NUL-terminated; r.out == src when
 *       the input needed no change), then es_result_free(&r).
 *
 * The pipeline: lex.c (tokens) -> parse.c (ast.h) ->
 * scope.c (bindings, which nodes must be rewritten) -> emit.c and
 * lower_*.c (ES5 text); generators and async functions: gen.c, through
 * es_lower_generator below.  Runtime helpers the output calls are in
 * prelude/05-lower.js (names start with "$es_").
 */
#ifndef ES_ES_H
#define ES_ES_H

#include <stddef.h>
#include "ast.h"

typedef struct {
    const char *out;        /* the ES5 text (== the input if unchanged) */
    size_t out_len;
    char msg[200];          /* the SyntaxError message */
    int line, col;          /* its position */
    void *priv;             /* owned memory */
} es_result;

int es_compile(const char *src, size_t len, es_result *r);
void es_result_free(es_result *r);

/* ---- the emitter, as the lowering passes (and gen.c) use it ---------- */
typedef struct es_ctx es_ctx;

void es_out(es_ctx *c, const char *s);              /* append text */
void es_outn(es_ctx *c, const char *s, size_t n);
void es_outf(es_ctx *c, const char *fmt, ...);      /* printf-style */
void es_sync(es_ctx *c, int line);                  /* newlines up to line */
void es_expr(es_ctx *c, es_node *n);                /* an expression, parenthesised */
void es_stmt(es_ctx *c, es_node *n);                /* a statement */
void es_body(es_ctx *c, es_node *list);             /* statements of a list */
const char *es_tmp(es_ctx *c);                      /* a fresh variable of the
                                                       current function (declared
                                                       by the emitter) */
void es_error(es_ctx *c, es_node *at, const char *msg); /* a SyntaxError: the first is
                                                           kept, emitting goes on
                                                           but es_compile fails */

/* gen.c: emit `fn` (an ES_FUNC with ES_F_GENERATOR and/or ES_F_ASYNC, not
 * a class constructor) as an ES5 function expression whose value behaves
 * as the generator / async function, using the emitter above for its
 * parts.  The emitter has already synced to fn->line; the output must
 * keep each statement of the body on its line (es_sync).  Declared weak:
 * without gen.c, such functions are a SyntaxError "not yet supported". */
void es_lower_generator(es_ctx *c, es_node *fn) __attribute__((weak));

#endif
