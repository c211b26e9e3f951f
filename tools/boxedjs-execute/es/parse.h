/* parse.h - the parser of es/: ES2022 script text -> ast.h tree. */
#ifndef ES_PARSE_H
#define ES_PARSE_H

#include "ast.h"

#define ES_MAX_DEPTH 1000   /* deeper nesting is a SyntaxError */

typedef struct {
    char msg[160];
    int line, col;
} es_perr;

/* The tree of the script, or NULL with *err set. */
es_node *es_parse(const char *src, size_t len, es_arena *ar, es_perr *err);

#endif
