/* Brace expansion, done on a raw word before every other expansion (as bash
 * does): "{a,b,c}", nested, with a prefix and a suffix ("file{1,2}.txt"),
 * and sequences "{1..5}", "{a..e}", "{01..10}" (zero padded), "{10..1..3}".
 * Quoted text, backslash escapes and $... / `...` constructs are never
 * looked into, and a brace pair without a top-level comma that is not a
 * valid sequence ("{}", "{a}", "{1..b}") stays literal. */
#include "sh.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <errno.h>

#define BRACE_MAX 200000 /* words one word may expand to */

typedef struct { char **v; int n, cap; } BList;

static void bl_push(BList *l, char *s) {
    if (l->n + 1 > l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = xrealloc(l->v, sizeof(char *) * (size_t)l->cap);
    }
    l->v[l->n++] = s;
}

static void bl_free(BList *l) {
    for (int i = 0; i < l->n; i++) free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

/* The index after the quoted / escaped / substituted construct at s[i]
 * (one of \ ' " $ `); i + 1 for anything else. */
static size_t skip_construct(const char *s, size_t i, size_t n) {
    char c = s[i];
    if (c == '\\') return i + 2 < n ? i + 2 : n;
    if (c == '\'') {
        i++;
        while (i < n && s[i] != '\'') i++;
        return i < n ? i + 1 : n;
    }
    if (c == '"') {
        i++;
        while (i < n && s[i] != '"') {
            if (s[i] == '\\' && i + 1 < n) i += 2;
            else if (s[i] == '$') { size_t j = sh_skip_dollar(s, i, n); i = j > i ? j : i + 1; }
            else if (s[i] == '`') i = sh_skip_backtick(s, i, n);
            else i++;
        }
        return i < n ? i + 1 : n;
    }
    if (c == '$') { size_t j = sh_skip_dollar(s, i, n); return j > i ? j : i + 1; }
    if (c == '`') return sh_skip_backtick(s, i, n);
    return i + 1;
}

static int special(char c) { return c == '\\' || c == '\'' || c == '"' || c == '$' || c == '`'; }

/* From the '{' at s[open]: the index of its matching '}' (0 if none) and
 * whether a comma sits at its top level. */
static size_t match_brace(const char *s, size_t open, size_t n, int *comma) {
    int depth = 1;
    *comma = 0;
    size_t i = open + 1;
    while (i < n) {
        char c = s[i];
        if (special(c)) { i = skip_construct(s, i, n); continue; }
        if (c == '{') depth++;
        else if (c == '}') { if (--depth == 0) return i; }
        else if (c == ',' && depth == 1) *comma = 1;
        i++;
    }
    return 0;
}

/* A decimal integer, optional sign, nothing else; 0 if not one. */
static int seq_int(const char *s, size_t n, long long *v) {
    size_t i = 0;
    if (i < n && (s[i] == '-' || s[i] == '+')) i++;
    if (i == n || n - i > 15) return 0;
    for (size_t k = i; k < n; k++) if (!isdigit((unsigned char)s[k])) return 0;
    char tmp[24];
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    *v = strtoll(tmp, NULL, 10);
    return 1;
}

/* "{x..y}" / "{x..y..step}": pushes the terms and returns 1, or returns 0
 * when body is not a sequence; -1 when it has too many terms. */
static int expand_seq(const char *body, size_t n, BList *out) {
    const char *d1 = NULL, *d2 = NULL;
    for (size_t i = 0; i + 1 < n; i++) {
        if (body[i] == '.' && body[i + 1] == '.') {
            if (!d1) d1 = body + i;
            else if (!d2 && body + i >= d1 + 2) d2 = body + i;
            else return 0;
            i++;
        }
    }
    if (!d1) return 0;
    const char *x = body, *y = d1 + 2;
    size_t xl = (size_t)(d1 - body), yl = d2 ? (size_t)(d2 - y) : (size_t)(body + n - y);
    long long step = 1;
    if (d2) {
        if (!seq_int(d2 + 2, (size_t)(body + n - d2 - 2), &step)) return 0;
        if (step < 0) step = -step;
        if (step == 0) step = 1;
    }
    long long a, b;
    int chars = 0;
    if (seq_int(x, xl, &a) && seq_int(y, yl, &b)) {
        chars = 0;
    } else if (xl == 1 && yl == 1 && isalpha((unsigned char)x[0]) && isalpha((unsigned char)y[0])) {
        chars = 1;
        a = (unsigned char)x[0];
        b = (unsigned char)y[0];
    } else {
        return 0;
    }
    long long count = (a <= b ? b - a : a - b) / step + 1;
    if (count > BRACE_MAX) return -1;
    int width = 0;
    if (!chars) {
        const char *xs = x + (x[0] == '-' || x[0] == '+'), *ys = y + (y[0] == '-' || y[0] == '+');
        if ((xs[0] == '0' && x + xl - xs > 1) || (ys[0] == '0' && y + yl - ys > 1))
            width = (int)(xl > yl ? xl : yl);
    }
    for (long long k = 0; k < count; k++) {
        long long v = a <= b ? a + k * step : a - k * step;
        char tmp[48];
        if (chars) {
            /* a character that is special to later expansions is escaped */
            if (special((char)v) || strchr("*?[]{},~ \t", (int)v)) snprintf(tmp, sizeof tmp, "\\%c", (int)v);
            else snprintf(tmp, sizeof tmp, "%c", (int)v);
        } else {
            snprintf(tmp, sizeof tmp, "%0*lld", width, v);
        }
        bl_push(out, xstrdup(tmp));
    }
    return 1;
}

static int brace_rec(const char *w, size_t n, BList *out);

/* Expands w[0..n) onto out; 0, or -1 when the result would be too long. */
static int brace_rec(const char *w, size_t n, BList *out) {
    size_t i = 0;
    while (i < n) {
        char c = w[i];
        if (special(c)) { i = skip_construct(w, i, n); continue; }
        if (c != '{') { i++; continue; }
        int comma;
        size_t close = match_brace(w, i, n, &comma);
        if (!close) { i++; continue; }
        BList alts = {0};
        int ok = 0;
        if (comma) {
            size_t s = i + 1, k = i + 1;
            int depth = 0;
            ok = 1;
            while (k <= close && ok) {
                char d = w[k];
                if (k < close && special(d)) { k = skip_construct(w, k, close); continue; }
                if (d == '{') depth++;
                else if (d == '}' && k < close) depth--;
                if (k == close || (d == ',' && depth == 0)) {
                    if (brace_rec(w + s, k - s, &alts) < 0) ok = -1;
                    s = k + 1;
                }
                k++;
            }
        } else {
            ok = expand_seq(w + i + 1, close - i - 1, &alts);
        }
        if (ok == 0) { bl_free(&alts); i++; continue; } /* literal: look further in */
        BList posts = {0};
        if (ok > 0 && brace_rec(w + close + 1, n - close - 1, &posts) < 0) ok = -1;
        if (ok > 0 && (long long)alts.n * posts.n + out->n > BRACE_MAX) ok = -1;
        if (ok > 0) {
            for (int a = 0; a < alts.n; a++) {
                for (int p = 0; p < posts.n; p++) {
                    Buf b = {0};
                    buf_add(&b, w, i);
                    buf_adds(&b, alts.v[a]);
                    buf_adds(&b, posts.v[p]);
                    char *r = buf_take(&b);
                    bl_push(out, r ? r : xstrdup(""));
                }
            }
        }
        bl_free(&alts);
        bl_free(&posts);
        return ok > 0 ? 0 : -1;
    }
    bl_push(out, xstrndup(w, n));
    return 0;
}

/* Brace-expands word: 1 and *res / *nres (malloc'd strings) when the word
 * had something to expand, 0 when it stays as it is, -1 when it would make
 * too many words. */
int brace_expand(const char *word, char ***res, int *nres) {
    if (!strchr(word, '{')) return 0;
    BList l = {0};
    if (brace_rec(word, strlen(word), &l) < 0) { bl_free(&l); return -1; }
    if (l.n == 1 && !strcmp(l.v[0], word)) { bl_free(&l); return 0; }
    *res = l.v;
    *nres = l.n;
    return 1;
}
