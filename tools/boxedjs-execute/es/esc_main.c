/* esc_main.c - build/es/esc: the front end as a native command, for tests
 * and debugging.  Reads a script on stdin, prints the ES5 text, or the
 * SyntaxError (exit status 1). */
#include "es.h"

#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    size_t n = 0, cap = 65536;
    char *s = malloc(cap);
    size_t k;
    while (s && (k = fread(s + n, 1, cap - n - 1, stdin)) > 0) {
        n += k;
        if (cap - n < 2) s = realloc(s, cap *= 2);
    }
    if (!s) return 2;
    s[n] = 0;
    es_result r;
    if (es_compile(s, n, &r) != 0) {
        printf("SyntaxError: %s (line %d, column %d)\n", r.msg, r.line, r.col);
        es_result_free(&r);
        free(s);
        return 1;
    }
    fwrite(r.out, 1, r.out_len, stdout);
    if (r.out_len && r.out[r.out_len - 1] != '\n') putchar('\n');
    es_result_free(&r);
    free(s);
    return 0;
}
