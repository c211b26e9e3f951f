/*
 * glob.c - glob matching with braces and ** (see glob.h).
 */
#include "glob.h"

#include <stdlib.h>
#include <string.h>

/* ---- brace expansion -------------------------------------------------- */

/* Finds the first brace group with a top-level comma; returns 1 and the
 * positions of '{' and its matching '}'. */
static int find_group(const char *p, size_t *open, size_t *close)
{
    size_t n = strlen(p);
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\\' && i + 1 < n) {
            i++;
            continue;
        }
        if (p[i] != '{')
            continue;
        int depth = 0, comma = 0;
        for (size_t j = i; j < n; j++) {
            if (p[j] == '\\' && j + 1 < n) {
                j++;
                continue;
            }
            if (p[j] == '{')
                depth++;
            else if (p[j] == '}') {
                if (--depth == 0) {
                    if (comma) {
                        *open = i;
                        *close = j;
                        return 1;
                    }
                    break;
                }
            } else if (p[j] == ',' && depth == 1)
                comma = 1;
        }
    }
    return 0;
}

static int expand(const char *p, globset *gs, sbuf *err)
{
    size_t o, c;
    if (!find_group(p, &o, &c)) {
        if (gs->n >= GLOB_MAX_ALTS) {
            sb_printf(err, "the pattern expands to more than %d alternatives",
                      GLOB_MAX_ALTS);
            return -1;
        }
        gs->pats = xrealloc(gs->pats, (gs->n + 1) * sizeof(char *));
        gs->pats[gs->n++] = xstrdup(p);
        return 0;
    }
    size_t start = o + 1;
    int depth = 0;
    for (size_t j = o + 1; j <= c; j++) {
        if (p[j] == '\\' && j + 1 < c) {
            j++;
            continue;
        }
        if (p[j] == '{')
            depth++;
        else if (p[j] == '}' && depth > 0)
            depth--;
        else if ((p[j] == ',' && depth == 0) || j == c) {
            sbuf alt = SBUF_INIT;
            sb_put(&alt, p, o);
            sb_put(&alt, p + start, j - start);
            sb_puts(&alt, p + c + 1);
            int r = expand(sb_cstr(&alt), gs, err);
            sb_free(&alt);
            if (r)
                return r;
            start = j + 1;
        }
    }
    return 0;
}

int glob_compile(const char *pattern, globset *gs, sbuf *err)
{
    gs->pats = NULL;
    gs->n = 0;
    if (expand(pattern, gs, err)) {
        glob_free(gs);
        return -1;
    }
    return 0;
}

void glob_free(globset *gs)
{
    for (size_t i = 0; i < gs->n; i++)
        free(gs->pats[i]);
    free(gs->pats);
    gs->pats = NULL;
    gs->n = 0;
}

int glob_has_magic(const char *p)
{
    return strpbrk(p, "*?[{") != NULL;
}

/* ---- one segment ---------------------------------------------------------- */

/* Matches a class at pat[*pi] == '['; returns 1/0 match, -1 if the class is
 * not closed (then '[' is literal).  Advances *pi past the class. */
static int match_class(const char *pat, size_t plen, size_t *pi, char c)
{
    size_t i = *pi + 1;
    int neg = 0;
    if (i < plen && (pat[i] == '!' || pat[i] == '^')) {
        neg = 1;
        i++;
    }
    int hit = 0;
    size_t first = i;
    for (;;) {
        if (i >= plen)
            return -1;
        if (pat[i] == ']' && i > first)
            break;
        char lo = pat[i];
        if (lo == '\\' && i + 1 < plen)
            lo = pat[++i];
        char hi = lo;
        if (i + 2 < plen && pat[i + 1] == '-' && pat[i + 2] != ']') {
            hi = pat[i + 2];
            if (hi == '\\' && i + 3 < plen) {
                hi = pat[i + 3];
                i++;
            }
            i += 2;
        }
        if ((unsigned char)c >= (unsigned char)lo &&
            (unsigned char)c <= (unsigned char)hi)
            hit = 1;
        i++;
    }
    *pi = i + 1;
    return hit != neg;
}

int glob_match_seg(const char *pat, size_t plen, const char *s, size_t slen)
{
    if (slen > 0 && s[0] == '.' && !(plen > 0 && pat[0] == '.'))
        return 0; /* hidden names need a literal leading dot */
    size_t pi = 0, si = 0;
    size_t star_p = (size_t)-1, star_s = 0;
    while (si < slen) {
        if (pi < plen) {
            char pc = pat[pi];
            if (pc == '*') {
                star_p = ++pi;
                star_s = si;
                continue;
            }
            if (pc == '?') {
                pi++;
                si++;
                continue;
            }
            if (pc == '[') {
                size_t np = pi;
                int m = match_class(pat, plen, &np, s[si]);
                if (m == 1) {
                    pi = np;
                    si++;
                    continue;
                }
                if (m == -1 && s[si] == '[') {
                    pi++;
                    si++;
                    continue;
                }
            } else {
                if (pc == '\\' && pi + 1 < plen)
                    pc = pat[pi + 1];
                if (pc == s[si]) {
                    pi += pat[pi] == '\\' && pi + 1 < plen ? 2 : 1;
                    si++;
                    continue;
                }
            }
        }
        if (star_p != (size_t)-1) {
            pi = star_p;
            si = ++star_s;
            continue;
        }
        return 0;
    }
    while (pi < plen && pat[pi] == '*')
        pi++;
    return pi == plen;
}

/* ---- paths ---------------------------------------------------------------- */

typedef struct {
    const char *p;
    size_t n;
} seg;

static size_t split(const char *s, seg *out, size_t max)
{
    size_t n = 0;
    while (*s) {
        while (*s == '/')
            s++;
        if (!*s)
            break;
        const char *e = strchr(s, '/');
        if (!e)
            e = s + strlen(s);
        if (n < max) {
            out[n].p = s;
            out[n].n = (size_t)(e - s);
        }
        n++;
        s = e;
    }
    return n;
}

static int match_segs(const seg *ps, size_t np, const seg *ss, size_t ns,
                      int prefix)
{
    while (np > 0) {
        if (ps[0].n == 2 && ps[0].p[0] == '*' && ps[0].p[1] == '*') {
            /* collapse runs of ** */
            while (np > 1 && ps[1].n == 2 && ps[1].p[0] == '*' &&
                   ps[1].p[1] == '*') {
                ps++;
                np--;
            }
            if (ns == 0)
                return prefix || np == 1;
            if (match_segs(ps + 1, np - 1, ss, ns, prefix))
                return 1;
            if (ss[0].p[0] == '.')
                return 0;
            ss++;
            ns--;
            continue;
        }
        if (ns == 0)
            return prefix;
        if (!glob_match_seg(ps[0].p, ps[0].n, ss[0].p, ss[0].n))
            return 0;
        ps++;
        np--;
        ss++;
        ns--;
    }
    return ns == 0 && !prefix;
}

#define MAX_SEGS 256

int glob_match_path(const globset *gs, const char *path, int prefix)
{
    seg ss[MAX_SEGS], ps[MAX_SEGS];
    size_t ns = split(path, ss, MAX_SEGS);
    if (ns > MAX_SEGS)
        return 0;
    for (size_t i = 0; i < gs->n; i++) {
        size_t np = split(gs->pats[i], ps, MAX_SEGS);
        if (np > MAX_SEGS)
            continue;
        if (match_segs(ps, np, ss, ns, prefix))
            return 1;
    }
    return 0;
}
