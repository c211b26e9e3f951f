/* es.c - es_compile: parse, resolve, and write ES5 when anything needs it.
 * The input is returned as is when nothing in it is newer than ES5. */
#include "es_int.h"
#include "parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ES_ARENA_LIMIT (256u << 20)

typedef struct { es_arena ar; char *out; } priv_t;

/* The first 16 KiB of the arena and the state are static: a short
 * script compiles without a malloc (one compile at a time). */
static _Alignas(16) char first_block[16384];
static priv_t the_priv;

int es_compile(const char *src, size_t len, es_result *r)
{
    memset(r, 0, sizeof *r);
    priv_t *pv = &the_priv;
    memset(pv, 0, sizeof *pv);
    r->priv = pv;
    pv->ar.limit = ES_ARENA_LIMIT;
    pv->ar.first = first_block;
    pv->ar.first_cap = sizeof first_block;
    es_perr pe;
    memset(&pe, 0, sizeof pe);
    es_node *prog = es_parse(src, len, &pv->ar, &pe);
    if (!prog) {
        snprintf(r->msg, sizeof r->msg, "%s", pe.msg);
        r->line = pe.line;
        r->col = pe.col;
        es_arena_free(&pv->ar);
        return -1;
    }
    if (es_scope_resolve(prog, &pv->ar, r->msg, sizeof r->msg, &r->line, &r->col) != 0) {
        es_arena_free(&pv->ar);
        return -1;
    }
    if (!prog->dirty) {
        r->out = src;
        r->out_len = len;
        es_arena_free(&pv->ar);
        return 0;
    }
    es_ctx c;
    memset(&c, 0, sizeof c);
    c.src = src;
    c.ar = &pv->ar;
    c.line = 1;
    es_fn fn;
    memset(&fn, 0, sizeof fn);
    fn.node = prog;
    c.fn = &fn;
    es_node *rest = es_directives(&c, prog->list);
    size_t at = c.out.n;
    es_body(&c, rest);
    es_prologue(&c, &fn, at, prog->scope);
    es_arena_free(&pv->ar);
    if (c.failed) {
        free(c.out.p);
        snprintf(r->msg, sizeof r->msg, "%s", c.msg);
        r->line = c.eline;
        r->col = c.ecol;
        return -1;
    }
    es_buf_put(&c.out, "", 0);
    pv->out = c.out.p;
    r->out = c.out.p;
    r->out_len = c.out.n;
    return 0;
}

void es_result_free(es_result *r)
{
    priv_t *pv = r->priv;
    if (pv) {
        free(pv->out);
        pv->out = NULL;
    }
    r->priv = NULL;
    r->out = NULL;
}
