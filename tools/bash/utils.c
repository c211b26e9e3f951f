/* Builtin coreutils: text and file utilities. */
#include "sh.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <dirent.h>
#include <time.h>
#include <regex.h>
#include <sys/stat.h>

#define UNUSED(x) (void)(x)

/* ---- small helpers ----------------------------------------------------------- */
typedef struct { char **v; int n, cap; } Lines;
static void lines_push(Lines *l, char *s) {
    if (l->n + 1 >= l->cap) { l->cap = l->cap ? l->cap * 2 : 64; l->v = xrealloc(l->v, sizeof(char *) * (size_t)l->cap); }
    l->v[l->n++] = s;
}
/* split data into lines (without '\n'); last line without newline included */
static void split_lines(const char *d, size_t n, Lines *l) {
    size_t st = 0;
    for (size_t i = 0; i < n; i++) if (d[i] == '\n') { lines_push(l, xstrndup(d + st, i - st)); st = i + 1; }
    if (st < n) lines_push(l, xstrndup(d + st, n - st));
}
static void lines_free(Lines *l) { free_strv(l->v, l->n); l->v = NULL; l->n = l->cap = 0; }

static int bad_opt(IO *io, const char *cmd, char c) {
    ERR(io, "%s: invalid option -- '%c'\nTry '%s --help' for more information.\n", cmd, c, cmd);
    return cmd[0] == 'l' && cmd[1] == 's' ? 2 : 1;
}

/* collect input from files or stdin; returns 0 ok, 1 if some error */
static int gather(Sh *sh, IO *io, char **files, int nf, const char *cmd, Buf *all) {
    int st = 0;
    if (nf == 0) {
        char *d; size_t n;
        read_input(sh, io, NULL, &d, &n, cmd);
        buf_add(all, d, n); free(d);
        return 0;
    }
    for (int i = 0; i < nf; i++) {
        char *d; size_t n;
        if (read_input(sh, io, files[i], &d, &n, cmd)) { st = 1; continue; }
        buf_add(all, d, n); free(d);
    }
    return st;
}

/* ---- cat ---------------------------------------------------------------------- */
static int u_cat(Sh *sh, int argc, char **argv, IO *io) {
    int number = 0, nb = 0, showends = 0, st = 0;
    char **files = xmalloc(sizeof(char *) * (size_t)argc); int nf = 0;
    int opts = 1;
    for (int i = 1; i < argc; i++) {
        if (opts && argv[i][0] == '-' && argv[i][1]) {
            if (!strcmp(argv[i], "--")) { opts = 0; continue; }
            for (char *p = argv[i] + 1; *p; p++) {
                if (*p == 'n') number = 1; else if (*p == 'b') nb = 1; else if (*p == 'E') showends = 1;
                else if (*p == 'A') showends = 1; else if (*p == 's' || *p == 'u' || *p == 'v' || *p == 'T') {}
                else { free(files); return bad_opt(io, "cat", *p); }
            }
            continue;
        }
        files[nf++] = argv[i];
    }
    if (nf == 0) files[nf++] = "-";
    long line = 1;
    for (int i = 0; i < nf; i++) {
        char *d; size_t n;
        if (read_input(sh, io, files[i], &d, &n, "cat")) { st = 1; continue; }
        if (!number && !nb && !showends) { io_write(io, 1, d, n); free(d); continue; }
        Buf o = {0};
        size_t s = 0;
        while (s < n) {
            size_t e = s;
            while (e < n && d[e] != '\n') e++;
            int blank = e == s;
            if (nb ? !blank : number) buf_printf(&o, "%6ld\t", line++);
            buf_add(&o, d + s, e - s);
            if (e < n) { if (showends) buf_addc(&o, '$'); buf_addc(&o, '\n'); }
            s = e + 1;
        }
        io_write(io, 1, o.s ? o.s : "", o.len);
        buf_free(&o);
        free(d);
    }
    free(files);
    return st;
}

/* ---- head / tail ------------------------------------------------------------- */
static int head_tail(Sh *sh, int argc, char **argv, IO *io, int tail) {
    const char *cmd = tail ? "tail" : "head";
    long long n = 10; int bytes = 0, from_start = 0, quiet = 0, verbose = 0;
    char **files = xmalloc(sizeof(char *) * (size_t)argc); int nf = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] == '-' && isdigit((unsigned char)a[1])) { n = atoll(a + 1); continue; }
        if (a[0] == '+' && tail && isdigit((unsigned char)a[1]) && nf == 0) { n = atoll(a + 1); from_start = 1; continue; }
        if (a[0] == '-' && a[1] && a[1] != '-') {
            char o = a[1];
            if (o == 'n' || o == 'c') {
                const char *v = a[2] ? a + 2 : (i + 1 < argc ? argv[++i] : NULL);
                if (!v) { ERR(io, "%s: option requires an argument -- '%c'\n", cmd, o); free(files); return 1; }
                bytes = o == 'c';
                if (*v == '+' && tail) { from_start = 1; v++; }
                char *end;
                n = strtoll(v, &end, 10);
                if (*end == 'k' || *end == 'K') n *= 1024;
                else if (*end) { ERR(io, "%s: invalid number of %s: '%s'\n", cmd, bytes ? "bytes" : "lines", v); free(files); return 1; }
                continue;
            }
            if (o == 'q') { quiet = 1; continue; }
            if (o == 'v') { verbose = 1; continue; }
            if (o == 'f' || o == 'F') continue;
            free(files);
            return bad_opt(io, cmd, o);
        }
        if (!strcmp(a, "--")) continue;
        files[nf++] = argv[i];
    }
    if (nf == 0) files[nf++] = "-";
    int st = 0;
    for (int f = 0; f < nf; f++) {
        char *d; size_t len;
        if (read_input(sh, io, files[f], &d, &len, cmd)) { st = 1; continue; }
        if ((nf > 1 && !quiet) || verbose) OUT(io, "%s==> %s <==\n", f ? "\n" : "", !strcmp(files[f], "-") ? "standard input" : files[f]);
        size_t s = 0, e = len;
        if (bytes) {
            if (!tail) { if (n >= 0) e = (size_t)n < len ? (size_t)n : len; else e = (size_t)(-n) < len ? len - (size_t)(-n) : 0; }
            else if (from_start) s = n > 0 ? ((size_t)(n - 1) < len ? (size_t)(n - 1) : len) : 0;
            else s = (size_t)n < len ? len - (size_t)n : 0;
        } else if (!tail) {
            if (n >= 0) {
                long long c = 0; size_t i = 0;
                while (i < len && c < n) { if (d[i] == '\n') c++; i++; }
                e = i;
            } else {
                /* all but last -n lines */
                long long total = 0;
                for (size_t i = 0; i < len; i++) if (d[i] == '\n') total++;
                if (len && d[len - 1] != '\n') total++;
                long long keep = total + n, c = 0; size_t i = 0;
                while (i < len && c < keep) { if (d[i] == '\n') c++; i++; }
                e = keep > 0 ? i : 0;
            }
        } else {
            if (from_start) {
                long long c = 1; size_t i = 0;
                while (i < len && c < n) { if (d[i] == '\n') c++; i++; }
                s = i;
            } else {
                size_t i = len;
                if (i > 0 && d[i - 1] == '\n') i--;
                long long c = 0;
                while (i > 0) { if (d[i - 1] == '\n') { c++; if (c >= n) break; } i--; }
                s = n == 0 ? len : i;
            }
        }
        io_write(io, 1, d + s, e > s ? e - s : 0);
        free(d);
    }
    free(files);
    return st;
}
static int u_head(Sh *sh, int argc, char **argv, IO *io) { return head_tail(sh, argc, argv, io, 0); }
static int u_tail(Sh *sh, int argc, char **argv, IO *io) { return head_tail(sh, argc, argv, io, 1); }

/* ---- wc ---------------------------------------------------------------------- */
static int u_wc(Sh *sh, int argc, char **argv, IO *io) {
    int fl = 0, fw = 0, fc = 0, fm = 0, fL = 0;
    char **files = xmalloc(sizeof(char *) * (size_t)argc); int nf = 0;
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1]) {
            for (char *p = argv[i] + 1; *p; p++) {
                if (*p == 'l') fl = 1; else if (*p == 'w') fw = 1; else if (*p == 'c') fc = 1;
                else if (*p == 'm') fm = 1; else if (*p == 'L') fL = 1;
                else { free(files); return bad_opt(io, "wc", *p); }
            }
            continue;
        }
        files[nf++] = argv[i];
    }
    if (!fl && !fw && !fc && !fm && !fL) fl = fw = fc = 1;
    int use_stdin = nf == 0;
    if (use_stdin) files[nf++] = "-";
    long long (*res)[5] = calloc((size_t)nf + 1, sizeof *res);
    int *ok = calloc((size_t)nf, sizeof(int));
    int st = 0;
    for (int f = 0; f < nf; f++) {
        char *d; size_t len;
        if (read_input(sh, io, files[f], &d, &len, "wc")) { st = 1; continue; }
        ok[f] = 1;
        long long l = 0, w = 0, m = 0, L = 0, cur = 0; int inw = 0;
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)d[i];
            if (c == '\n') { l++; if (cur > L) L = cur; cur = 0; } else if ((c & 0xC0) != 0x80) cur++;
            if ((c & 0xC0) != 0x80) m++;
            if (isspace(c)) inw = 0; else if (!inw) { inw = 1; w++; }
        }
        if (cur > L) L = cur;
        res[f][0] = l; res[f][1] = w; res[f][2] = m; res[f][3] = (long long)len; res[f][4] = L;
        for (int k = 0; k < 5; k++) res[nf][k] += res[f][k];
        free(d);
    }
    int ncols = fl + fw + fc + fm + fL;
    int width = 1;
    if (ncols > 1 || nf > 1) {
        long long mx = res[nf][3];
        width = 1;
        while (mx >= 10) { width++; mx /= 10; }
        if (use_stdin && width < 7) width = 7;
    }
    for (int f = 0; f <= nf; f++) {
        if (f == nf && nf < 2) break;
        if (f < nf && !ok[f]) continue;
        Buf o = {0};
        int first = 1;
        long long vals[5] = { res[f][0], res[f][1], res[f][2], res[f][3], res[f][4] };
        int flags[5] = { fl, fw, fm, fc, fL };
        for (int k = 0; k < 5; k++) {
            if (!flags[k]) continue;
            buf_printf(&o, first ? "%*lld" : " %*lld", width, vals[k]);
            first = 0;
        }
        if (f == nf) buf_adds(&o, " total");
        else if (!use_stdin) { buf_addc(&o, ' '); buf_adds(&o, files[f]); }
        buf_addc(&o, '\n');
        io_write(io, 1, o.s, o.len);
        buf_free(&o);
    }
    free(res); free(ok); free(files);
    return st;
}

/* ---- sort ---------------------------------------------------------------------- */
typedef struct { int n, r, f, u, h, V, b; int k1, k1c, k2, k2c; int haskey; char t; } SortOpt;
static SortOpt g_sort;

static void key_range(const char *s, const SortOpt *o, const char **ks, const char **ke) {
    const char *p = s;
    /* find start of field k1 */
    int field = 1;
    if (!o->haskey) { *ks = s; *ke = s + strlen(s); return; }
    const char *fs = p;
    while (field < o->k1 && *p) {
        if (o->t) { while (*p && *p != o->t) p++; if (*p) p++; }
        else { while (*p && isblank((unsigned char)*p)) p++; while (*p && !isblank((unsigned char)*p)) p++; }
        field++;
    }
    fs = p;
    if (field < o->k1) { *ks = *ke = s + strlen(s); return; }
    if (o->b || (!o->t && o->k1c == 0)) { /* skip leading blanks in field when no -t (bash sort includes them, but numeric ignores) */ }
    if (o->k1c > 0) { int c = 1; while (c < o->k1c && *fs) { fs++; c++; } }
    *ks = fs;
    if (!o->k2) { *ke = s + strlen(s); return; }
    p = s; field = 1;
    while (field < o->k2 && *p) {
        if (o->t) { while (*p && *p != o->t) p++; if (*p) p++; }
        else { while (*p && isblank((unsigned char)*p)) p++; while (*p && !isblank((unsigned char)*p)) p++; }
        field++;
    }
    const char *e = p;
    if (o->k2c > 0) { int c = 0; if (!o->t) while (*e && isblank((unsigned char)*e)) e++; while (c < o->k2c && *e) { e++; c++; } }
    else {
        if (o->t) { while (*e && *e != o->t) e++; }
        else { while (*e && isblank((unsigned char)*e)) e++; while (*e && !isblank((unsigned char)*e)) e++; }
    }
    if (e < *ks) e = *ks;
    *ke = e;
}

static double hnum(const char *s, const char **end) {
    char *e;
    double v = strtod(s, &e);
    if (e == s) { *end = s; return 0; }
    const char *suf = "KMGTPE";
    const char *q = strchr(suf, toupper((unsigned char)*e));
    if (*e && q) { for (const char *k = suf; k <= q; k++) v *= 1024; e++; }
    *end = e;
    return v;
}

static int sort_cmp_keys(const char *a, const char *b) {
    const SortOpt *o = &g_sort;
    const char *as, *ae, *bs, *be;
    key_range(a, o, &as, &ae);
    key_range(b, o, &bs, &be);
    int r;
    if (o->n || o->h) {
        char *ta = xstrndup(as, (size_t)(ae - as)), *tb = xstrndup(bs, (size_t)(be - bs));
        const char *e1, *e2;
        double x = o->h ? hnum(ta, &e1) : strtod(ta, (char **)&e1), y = o->h ? hnum(tb, &e2) : strtod(tb, (char **)&e2);
        free(ta); free(tb);
        r = x < y ? -1 : x > y;
    } else if (o->V) {
        const char *p = as, *q = bs;
        r = 0;
        while (p < ae && q < be && !r) {
            if (isdigit((unsigned char)*p) && isdigit((unsigned char)*q)) {
                long long x = 0, y = 0;
                while (p < ae && isdigit((unsigned char)*p)) x = x * 10 + (*p++ - '0');
                while (q < be && isdigit((unsigned char)*q)) y = y * 10 + (*q++ - '0');
                r = x < y ? -1 : x > y;
            } else { r = (unsigned char)*p - (unsigned char)*q; p++; q++; }
        }
        if (!r) r = (p < ae) - (q < be);
    } else {
        size_t la = (size_t)(ae - as), lb = (size_t)(be - bs);
        if (o->b) { while (la && isblank((unsigned char)*as)) { as++; la--; } while (lb && isblank((unsigned char)*bs)) { bs++; lb--; } }
        r = 0;
        size_t m = la < lb ? la : lb;
        for (size_t i = 0; i < m && !r; i++) {
            int x = (unsigned char)as[i], y = (unsigned char)bs[i];
            if (o->f) { x = toupper(x); y = toupper(y); }
            r = x - y;
        }
        if (!r) r = la < lb ? -1 : la > lb;
    }
    return r;
}
static int sort_cmp(const void *pa, const void *pb) {
    const char *a = *(char *const *)pa, *b = *(char *const *)pb;
    int r = sort_cmp_keys(a, b);
    if (!r && !g_sort.u) {
        /* last-resort comparison of whole line */
        r = strcmp(a, b);
        if (g_sort.n && !g_sort.haskey) {}
    }
    return g_sort.r ? -r : r;
}

static int u_sort(Sh *sh, int argc, char **argv, IO *io) {
    SortOpt o; memset(&o, 0, sizeof o);
    char **files = xmalloc(sizeof(char *) * (size_t)argc); int nf = 0;
    const char *outfile = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] == '-' && a[1]) {
            if (!strcmp(a, "--")) continue;
            for (const char *p = a + 1; *p; p++) {
                switch (*p) {
                case 'n': o.n = 1; break; case 'r': o.r = 1; break; case 'f': o.f = 1; break;
                case 'u': o.u = 1; break; case 'h': o.h = 1; break; case 'V': o.V = 1; break;
                case 'b': o.b = 1; break; case 's': case 'd': case 'i': case 'M': case 'g': if (*p == 'g') o.n = 1; break;
                case 'k': case 't': case 'o': {
                    const char *v = p[1] ? p + 1 : (i + 1 < argc ? argv[++i] : "");
                    if (*p == 't') o.t = v[0];
                    else if (*p == 'o') outfile = v;
                    else {
                        o.haskey = 1;
                        char *e;
                        o.k1 = (int)strtol(v, &e, 10);
                        if (*e == '.') o.k1c = (int)strtol(e + 1, &e, 10);
                        while (*e && isalpha((unsigned char)*e)) { if (*e == 'n') o.n = 1; if (*e == 'r') o.r = 1; if (*e == 'f') o.f = 1; if (*e == 'h') o.h = 1; e++; }
                        if (*e == ',') {
                            o.k2 = (int)strtol(e + 1, &e, 10);
                            if (*e == '.') o.k2c = (int)strtol(e + 1, &e, 10);
                            while (*e && isalpha((unsigned char)*e)) { if (*e == 'n') o.n = 1; if (*e == 'r') o.r = 1; e++; }
                        }
                        if (o.k1 < 1) { ERR(io, "sort: invalid number at field start: invalid count at start of '%s'\n", v); free(files); return 2; }
                    }
                    goto nextarg;
                }
                default: free(files); ERR(io, "sort: invalid option -- '%c'\n", *p); return 2;
                }
            }
            nextarg:
            continue;
        }
        files[nf++] = argv[i];
    }
    Buf all = {0};
    int st = gather(sh, io, files, nf, "sort", &all);
    free(files);
    if (st) { buf_free(&all); return 2; }
    Lines l = {0};
    split_lines(all.s ? all.s : "", all.len, &l);
    buf_free(&all);
    g_sort = o;
    if (l.n) qsort(l.v, (size_t)l.n, sizeof(char *), sort_cmp);
    Buf out = {0};
    for (int i = 0; i < l.n; i++) {
        if (o.u && i > 0) { g_sort.r = 0; int c = sort_cmp_keys(l.v[i - 1], l.v[i]); g_sort.r = o.r; if (!c) continue; }
        buf_adds(&out, l.v[i]); buf_addc(&out, '\n');
    }
    if (outfile) {
        char *h = sh_hostpath(sh, outfile);
        FILE *f = fopen(h, "wb");
        free(h);
        if (!f) { ERR(io, "sort: cannot create %s: %s\n", outfile, sh_strerror(errno)); st = 2; }
        else { fwrite(out.s ? out.s : "", 1, out.len, f); fclose(f); }
    } else io_write(io, 1, out.s ? out.s : "", out.len);
    buf_free(&out);
    lines_free(&l);
    return st;
}

/* ---- uniq ---------------------------------------------------------------------- */
static int u_uniq(Sh *sh, int argc, char **argv, IO *io) {
    int c = 0, d = 0, u = 0, ic = 0;
    long long skipf = 0;
    char *files[2]; int nf = 0;
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1]) {
            for (char *p = argv[i] + 1; *p; p++) {
                if (*p == 'c') c = 1; else if (*p == 'd') d = 1; else if (*p == 'u') u = 1; else if (*p == 'i') ic = 1;
                else if (*p == 'f') { skipf = atoll(p[1] ? p + 1 : (i + 1 < argc ? argv[++i] : "0")); break; }
                else return bad_opt(io, "uniq", *p);
            }
            continue;
        }
        if (nf < 2) files[nf++] = argv[i];
    }
    char *data; size_t len;
    if (read_input(sh, io, nf ? files[0] : NULL, &data, &len, "uniq")) return 1;
    Lines l = {0};
    split_lines(data, len, &l);
    free(data);
    Buf o = {0};
    for (int i = 0; i < l.n;) {
        int j = i + 1;
        for (; j < l.n; j++) {
            const char *a = l.v[i], *b = l.v[j];
            for (long long k = 0; k < skipf; k++) {
                while (*a && isblank((unsigned char)*a)) a++;
                while (*a && !isblank((unsigned char)*a)) a++;
                while (*b && isblank((unsigned char)*b)) b++;
                while (*b && !isblank((unsigned char)*b)) b++;
            }
            if (ic ? strcasecmp(a, b) : strcmp(a, b)) break;
        }
        int cnt = j - i;
        if ((!d || cnt > 1) && (!u || cnt == 1)) {
            if (c) buf_printf(&o, "%7d %s\n", cnt, l.v[i]);
            else { buf_adds(&o, l.v[i]); buf_addc(&o, '\n'); }
        }
        i = j;
    }
    int st = 0;
    if (nf == 2) {
        char *h = sh_hostpath(sh, files[1]);
        FILE *f = fopen(h, "wb"); free(h);
        if (f) { fwrite(o.s ? o.s : "", 1, o.len, f); fclose(f); } else st = 1;
    } else io_write(io, 1, o.s ? o.s : "", o.len);
    buf_free(&o);
    lines_free(&l);
    return st;
}

/* ---- cut ------------------------------------------------------------------------ */
typedef struct { long lo, hi; } Range;
static int parse_list(const char *s, Range **r, int *n) {
    *r = NULL; *n = 0;
    while (*s) {
        Range x;
        char *e;
        if (*s == '-') { x.lo = 1; x.hi = strtol(s + 1, &e, 10); if (e == s + 1) x.hi = 0x7fffffff; }
        else {
            x.lo = strtol(s, &e, 10);
            if (e == s || x.lo < 1) return -1;
            if (*e == '-') { const char *q = e + 1; x.hi = strtol(q, &e, 10); if (e == q) x.hi = 0x7fffffff; }
            else x.hi = x.lo;
        }
        *r = xrealloc(*r, sizeof(Range) * (size_t)(*n + 1));
        (*r)[(*n)++] = x;
        s = e;
        if (*s == ',') s++;
        else if (*s) return -1;
    }
    return 0;
}
static int in_ranges(Range *r, int n, long k) { for (int i = 0; i < n; i++) if (k >= r[i].lo && k <= r[i].hi) return 1; return 0; }

static int u_cut(Sh *sh, int argc, char **argv, IO *io) {
    char delim = '\t'; const char *list = NULL; int mode = 0, sonly = 0, complement = 0;
    const char *odelim = NULL;
    char **files = xmalloc(sizeof(char *) * (size_t)argc); int nf = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strncmp(a, "--output-delimiter=", 19)) { odelim = a + 19; continue; }
        if (!strcmp(a, "--complement")) { complement = 1; continue; }
        if (a[0] == '-' && a[1]) {
            for (const char *p = a + 1; *p; p++) {
                if (*p == 'd' || *p == 'f' || *p == 'c' || *p == 'b') {
                    const char *v = p[1] ? p + 1 : (i + 1 < argc ? argv[++i] : "");
                    if (*p == 'd') { delim = v[0]; if (v[0] && v[1]) { ERR(io, "cut: the delimiter must be a single character\n"); free(files); return 1; } }
                    else { list = v; mode = *p == 'f' ? 'f' : 'c'; }
                    break;
                }
                if (*p == 's') sonly = 1;
                else if (*p == 'n') {}
                else { free(files); return bad_opt(io, "cut", *p); }
            }
            continue;
        }
        files[nf++] = argv[i];
    }
    if (!list) { ERR(io, "cut: you must specify a list of bytes, characters, or fields\nTry 'cut --help' for more information.\n"); free(files); return 1; }
    Range *r; int nr;
    if (parse_list(list, &r, &nr)) { ERR(io, "cut: invalid field value '%s'\n", list); free(files); return 1; }
    Buf all = {0};
    int st = gather(sh, io, files, nf, "cut", &all);
    free(files);
    Lines l = {0};
    split_lines(all.s ? all.s : "", all.len, &l);
    buf_free(&all);
    Buf o = {0};
    char od[2] = { delim, 0 };
    if (!odelim) odelim = od;
    for (int i = 0; i < l.n; i++) {
        const char *s = l.v[i];
        if (mode == 'c') {
            long k = 1;
            for (const char *p = s; *p; p++, k++) if (in_ranges(r, nr, k) ^ complement) buf_addc(&o, *p);
        } else {
            if (!strchr(s, delim)) { if (!sonly) buf_adds(&o, s); else continue; buf_addc(&o, '\n'); continue; }
            long k = 1; int first = 1;
            const char *p = s;
            for (;;) {
                const char *e = strchr(p, delim);
                size_t fl = e ? (size_t)(e - p) : strlen(p);
                if (in_ranges(r, nr, k) ^ complement) {
                    if (!first) buf_adds(&o, odelim);
                    buf_add(&o, p, fl);
                    first = 0;
                }
                if (!e) break;
                p = e + 1; k++;
            }
        }
        buf_addc(&o, '\n');
    }
    io_write(io, 1, o.s ? o.s : "", o.len);
    buf_free(&o); lines_free(&l); free(r);
    return st;
}

/* ---- tr ----------------------------------------------------------------------------- */
static int tr_set(const char *s, unsigned char *out) {
    int n = 0;
    while (*s && n < 4096) {
        unsigned char c = (unsigned char)*s;
        if (c == '[' && s[1] == ':') {
            const char *e = strstr(s, ":]");
            if (e) {
                char nm[16]; size_t l = (size_t)(e - s - 2);
                if (l < sizeof nm) {
                    memcpy(nm, s + 2, l); nm[l] = 0;
                    for (int ch = 0; ch < 256; ch++) {
                        int m = 0;
                        if (!strcmp(nm, "upper")) m = isupper(ch); else if (!strcmp(nm, "lower")) m = islower(ch);
                        else if (!strcmp(nm, "digit")) m = isdigit(ch); else if (!strcmp(nm, "alpha")) m = isalpha(ch);
                        else if (!strcmp(nm, "alnum")) m = isalnum(ch); else if (!strcmp(nm, "space")) m = isspace(ch);
                        else if (!strcmp(nm, "punct")) m = ispunct(ch); else if (!strcmp(nm, "blank")) m = ch == ' ' || ch == '\t';
                        else if (!strcmp(nm, "xdigit")) m = isxdigit(ch); else if (!strcmp(nm, "cntrl")) m = iscntrl(ch);
                        else if (!strcmp(nm, "print")) m = isprint(ch);
                        if (m && ch < 128) out[n++] = (unsigned char)ch;
                    }
                    s = e + 2;
                    continue;
                }
            }
        }
        if (c == '\\' && s[1]) {
            s++;
            switch (*s) {
            case 'n': c = '\n'; break; case 't': c = '\t'; break; case 'r': c = '\r'; break;
            case '\\': c = '\\'; break; case '0': c = 0; break; default: c = (unsigned char)*s;
            }
        }
        s++;
        if (*s == '-' && s[1]) {
            unsigned char hi = (unsigned char)s[1];
            s += 2;
            if (hi == '\\' && *s) { hi = (unsigned char)*s; if (hi == 'n') hi = '\n'; s++; }
            for (int ch = c; ch <= hi && n < 4096; ch++) out[n++] = (unsigned char)ch;
            continue;
        }
        out[n++] = c;
    }
    return n;
}

static int u_tr(Sh *sh, int argc, char **argv, IO *io) {
    UNUSED(sh);
    int del = 0, sq = 0, comp = 0, i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        for (char *p = argv[i] + 1; *p; p++) {
            if (*p == 'd') del = 1; else if (*p == 's') sq = 1; else if (*p == 'c' || *p == 'C') comp = 1;
            else return bad_opt(io, "tr", *p);
        }
    }
    if (i >= argc) { ERR(io, "tr: missing operand\nTry 'tr --help' for more information.\n"); return 1; }
    static unsigned char s1[4096], s2[4096];
    int n1 = tr_set(argv[i], s1), n2 = i + 1 < argc ? tr_set(argv[i + 1], s2) : 0;
    if (!del && !sq && n2 == 0) { ERR(io, "tr: missing operand after '%s'\nTry 'tr --help' for more information.\n", argv[i]); return 1; }
    int map[256], in1[256] = {0}, insq[256] = {0};
    for (int c = 0; c < 256; c++) map[c] = c;
    for (int k = 0; k < n1; k++) in1[s1[k]] = 1;
    if (comp) for (int c = 0; c < 256; c++) in1[c] = !in1[c];
    if (!del && n2) {
        if (comp) { for (int c = 0; c < 256; c++) if (in1[c]) map[c] = s2[n2 - 1]; }
        else for (int k = 0; k < n1; k++) map[s1[k]] = s2[k < n2 ? k : n2 - 1];
    }
    if (sq) {
        if (del || !n2) { if (del) for (int k = 0; k < n2; k++) insq[s2[k]] = 1; else for (int c = 0; c < 256; c++) insq[c] = in1[c]; }
        else for (int k = 0; k < n2; k++) insq[s2[k]] = 1;
    }
    size_t len;
    char *d = in_readall(io->in, &len);
    Buf o = {0};
    int last = -1;
    for (size_t k = 0; k < len; k++) {
        unsigned char c = (unsigned char)d[k];
        if (del && in1[c]) continue;
        int m = map[c];
        if (sq && insq[m] && last == m) continue;
        buf_addc(&o, (char)m);
        last = m;
    }
    io_write(io, 1, o.s ? o.s : "", o.len);
    buf_free(&o);
    return 0;
}

/* ---- grep --------------------------------------------------------------------------- */
typedef struct {
    int E, F, i, n, v, l, L, c, o, q, w, x, h, H, r, s, count_only;
    long long m;
    int A, B;
    char **pats; int npats;
    regex_t *rx;
} GrepOpt;

/* translate GNU BRE extensions \| \+ \? to ERE-ish handling: we compile BRE as ERE after conversion */
static char *bre_to_ere(const char *p) {
    Buf b = {0};
    for (; *p; p++) {
        if (*p == '\\' && p[1]) {
            char c = p[1];
            if (strchr("(){}|+?", c)) { buf_addc(&b, c); p++; continue; }
            buf_addc(&b, '\\'); buf_addc(&b, c); p++; continue;
        }
        if (strchr("(){}|+?", *p)) { buf_addc(&b, '\\'); buf_addc(&b, *p); continue; }
        buf_addc(&b, *p);
    }
    buf_adds(&b, "");
    return buf_take(&b);
}

static char *fixed_to_ere(const char *p) {
    Buf b = {0};
    for (; *p; p++) { if (strchr("\\.[]()*+?{}|^$", *p)) buf_addc(&b, '\\'); buf_addc(&b, *p); }
    buf_adds(&b, "");
    return buf_take(&b);
}

static int grep_compile(GrepOpt *g, IO *io, const char *cmd) {
    g->rx = calloc((size_t)g->npats + 1, sizeof(regex_t));
    for (int k = 0; k < g->npats; k++) {
        char *src = g->F ? fixed_to_ere(g->pats[k]) : g->E ? xstrdup(g->pats[k]) : bre_to_ere(g->pats[k]);
        Buf b = {0};
        if (g->x) buf_adds(&b, "^(");
        else if (g->w) buf_adds(&b, "(^|[^[:alnum:]_])(");
        buf_adds(&b, src);
        if (g->x) buf_adds(&b, ")$");
        else if (g->w) buf_adds(&b, ")([^[:alnum:]_]|$)");
        free(src);
        char *re = buf_take(&b);
        int r = regcomp(&g->rx[k], re, REG_EXTENDED | (g->i ? REG_ICASE : 0));
        if (r) {
            char eb[256]; regerror(r, &g->rx[k], eb, sizeof eb);
            ERR(io, "%s: %s\n", cmd, eb);
            free(re);
            return 2;
        }
        free(re);
    }
    return 0;
}

/* find a match in line; returns 1 and sets so/eo */
static int grep_match(GrepOpt *g, const char *line, size_t off, regoff_t *so, regoff_t *eo) {
    int found = 0;
    regoff_t bs = 0, be = 0;
    for (int k = 0; k < g->npats; k++) {
        regmatch_t m[3];
        if (regexec(&g->rx[k], line + off, 3, m, off ? REG_NOTBOL : 0) == 0) {
            regoff_t s = m[0].rm_so, e = m[0].rm_eo;
            if (g->w && !g->x) { s = m[2].rm_so; e = m[2].rm_eo; }
            if (!found || s < bs) { bs = s; be = e; found = 1; }
        }
    }
    if (found) { *so = bs + (regoff_t)off; *eo = be + (regoff_t)off; }
    return found;
}

static long long grep_buf(GrepOpt *g, IO *io, const char *name, const char *d, size_t len, int show_name) {
    long long count = 0;
    size_t s = 0;
    long lineno = 0;
    long last_printed = 0;
    long after = 0;
    /* context before: keep offsets of previous lines */
    size_t *prev = g->B ? calloc((size_t)g->B, sizeof(size_t)) : NULL;
    size_t *prevl = g->B ? calloc((size_t)g->B, sizeof(size_t)) : NULL;
    int nprev = 0;
    while (s < len) {
        size_t e = s;
        while (e < len && d[e] != '\n') e++;
        lineno++;
        char *line = xstrndup(d + s, e - s);
        regoff_t so, eo;
        int m = grep_match(g, line, 0, &so, &eo);
        if (g->v) m = !m;
        if (m) {
            count++;
            if (!g->c && !g->l && !g->L && !g->q) {
                if ((g->A || g->B) && last_printed && lineno - nprev - 1 > last_printed) io_puts(io, 1, "--\n");
                for (int k = 0; k < nprev; k++) {
                    long ln = lineno - nprev + k;
                    if (show_name) OUT(io, "%s-", name);
                    if (g->n) OUT(io, "%ld-", ln);
                    io_write(io, 1, d + prev[k], prevl[k]); io_puts(io, 1, "\n");
                }
                nprev = 0;
                if (g->o && !g->v) {
                    size_t off = 0;
                    while (off <= strlen(line) && grep_match(g, line, off, &so, &eo)) {
                        if (eo == so) { off = (size_t)eo + 1; continue; }
                        if (show_name) OUT(io, "%s:", name);
                        if (g->n) OUT(io, "%ld:", lineno);
                        io_write(io, 1, line + so, (size_t)(eo - so)); io_puts(io, 1, "\n");
                        off = (size_t)eo;
                    }
                } else {
                    if (show_name) OUT(io, "%s:", name);
                    if (g->n) OUT(io, "%ld:", lineno);
                    io_write(io, 1, d + s, e - s); io_puts(io, 1, "\n");
                }
                last_printed = lineno;
                after = g->A;
            }
            if (g->m && count >= g->m) { free(line); break; }
        } else if (after > 0) {
            if (show_name) OUT(io, "%s-", name);
            if (g->n) OUT(io, "%ld-", lineno);
            io_write(io, 1, d + s, e - s); io_puts(io, 1, "\n");
            last_printed = lineno;
            after--;
        } else if (g->B) {
            if (nprev == g->B) { memmove(prev, prev + 1, sizeof(size_t) * (size_t)(g->B - 1)); memmove(prevl, prevl + 1, sizeof(size_t) * (size_t)(g->B - 1)); nprev--; }
            prev[nprev] = s; prevl[nprev] = e - s; nprev++;
        }
        free(line);
        if ((g->q || g->l) && count) break;
        s = e + 1;
    }
    free(prev); free(prevl);
    return count;
}

static int grep_path(Sh *sh, GrepOpt *g, IO *io, const char *path, int show_name, int *any, int top) {
    char *h = sh_hostpath(sh, path);
    struct stat st;
    int r = stat(h, &st);
    if (r != 0) {
        int e = errno;
        free(h);
        if (!g->s) ERR(io, "grep: %s: %s\n", path, sh_strerror(e));
        return 2;
    }
    if (S_ISDIR(st.st_mode)) {
        if (!g->r) { free(h); if (!g->s) ERR(io, "grep: %s: Is a directory\n", path); return top ? 2 : 0; }
        DIR *dd = opendir(h);
        free(h);
        if (!dd) return 2;
        Lines names = {0};
        struct dirent *de;
        while ((de = readdir(dd))) if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) lines_push(&names, xstrdup(de->d_name));
        closedir(dd);
        if (names.n) qsort(names.v, (size_t)names.n, sizeof(char *), sort_strcmp);
        int st2 = 0;
        for (int k = 0; k < names.n; k++) {
            Buf p = {0}; buf_adds(&p, path);
            if (p.len && p.s[p.len - 1] != '/') buf_addc(&p, '/');
            buf_adds(&p, names.v[k]);
            int x = grep_path(sh, g, io, p.s, show_name, any, 0);
            if (x == 2) st2 = 2;
            buf_free(&p);
            if (g->q && *any) break;
        }
        lines_free(&names);
        return st2;
    }
    free(h);
    char *d; size_t len;
    int e = read_file(sh, path, &d, &len);
    if (e) { if (!g->s) ERR(io, "grep: %s: %s\n", path, sh_strerror(e)); return 2; }
    if (memchr(d, 0, len < 8000 ? len : 8000) && !top) { free(d); return 0; }
    long long c = grep_buf(g, io, path, d, len, show_name);
    if (memchr(d, 0, len < 8000 ? len : 8000) && c && !g->c && !g->l && !g->q) {}
    free(d);
    if (c) *any = 1;
    if (g->c) { if (show_name) OUT(io, "%s:%lld\n", path, c); else OUT(io, "%lld\n", c); }
    if (g->l && c) OUT(io, "%s\n", path);
    if (g->L && !c) OUT(io, "%s\n", path);
    return 0;
}

static int u_grep(Sh *sh, int argc, char **argv, IO *io) {
    GrepOpt g; memset(&g, 0, sizeof g);
    if (!strcmp(argv[0], "egrep")) g.E = 1;
    if (!strcmp(argv[0], "fgrep")) g.F = 1;
    char **files = xmalloc(sizeof(char *) * (size_t)argc); int nf = 0;
    int opts = 1;
    Lines pats = {0};
    int have_e = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (opts && a[0] == '-' && a[1]) {
            if (!strcmp(a, "--")) { opts = 0; continue; }
            if (a[1] == '-') {
                if (!strncmp(a, "--include=", 10) || !strncmp(a, "--exclude=", 10) || !strncmp(a, "--color", 7)) continue;
                if (!strcmp(a, "--recursive")) { g.r = 1; continue; }
                if (!strcmp(a, "--ignore-case")) { g.i = 1; continue; }
                if (!strcmp(a, "--count")) { g.c = 1; continue; }
                if (!strcmp(a, "--invert-match")) { g.v = 1; continue; }
                if (!strcmp(a, "--line-number")) { g.n = 1; continue; }
                if (!strcmp(a, "--files-with-matches")) { g.l = 1; continue; }
                if (!strcmp(a, "--quiet") || !strcmp(a, "--silent")) { g.q = 1; continue; }
                if (!strcmp(a, "--only-matching")) { g.o = 1; continue; }
                if (!strcmp(a, "--extended-regexp")) { g.E = 1; continue; }
                if (!strcmp(a, "--fixed-strings")) { g.F = 1; continue; }
                if (!strcmp(a, "--word-regexp")) { g.w = 1; continue; }
                ERR(io, "grep: unrecognized option '%s'\n", a); free(files); return 2;
            }
            for (const char *p = a + 1; *p; p++) {
                switch (*p) {
                case 'E': g.E = 1; break; case 'F': g.F = 1; break; case 'G': g.E = 0; break;
                case 'i': case 'y': g.i = 1; break; case 'n': g.n = 1; break;
                case 'v': g.v = 1; break; case 'l': g.l = 1; break; case 'L': g.L = 1; break; case 'c': g.c = 1; break;
                case 'o': g.o = 1; break; case 'q': g.q = 1; break; case 'w': g.w = 1; break;
                case 'x': g.x = 1; break; case 'h': g.h = 1; break; case 'H': g.H = 1; break;
                case 'r': case 'R': g.r = 1; break; case 's': g.s = 1; break; case 'a': case 'I': break;
                case 'e': case 'm': case 'A': case 'B': case 'C': case 'f': {
                    const char *v = p[1] ? p + 1 : (i + 1 < argc ? argv[++i] : NULL);
                    if (!v) { ERR(io, "grep: option requires an argument -- '%c'\n", *p); free(files); return 2; }
                    if (*p == 'e') { lines_push(&pats, xstrdup(v)); have_e = 1; }
                    else if (*p == 'f') {
                        char *d; size_t n;
                        if (read_input(sh, io, v, &d, &n, "grep")) { free(files); return 2; }
                        split_lines(d, n, &pats); free(d); have_e = 1;
                    }
                    else if (*p == 'm') g.m = atoll(v);
                    else if (*p == 'A') g.A = atoi(v);
                    else if (*p == 'B') g.B = atoi(v);
                    else { g.A = g.B = atoi(v); }
                    goto next;
                }
                default:
                    if (isdigit((unsigned char)*p)) { g.A = g.B = atoi(p); goto next; }
                    ERR(io, "grep: invalid option -- '%c'\nUsage: grep [OPTION]... PATTERNS [FILE]...\n", *p); free(files); return 2;
                }
            }
            next:
            continue;
        }
        if (!have_e) { have_e = 1; lines_push(&pats, xstrdup(a)); continue; }
        files[nf++] = argv[i];
    }
    if (!pats.n) { ERR(io, "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n"); free(files); return 2; }
    /* a pattern with newlines is several patterns */
    Lines p2 = {0};
    for (int k = 0; k < pats.n; k++) {
        if (!strchr(pats.v[k], '\n')) lines_push(&p2, xstrdup(pats.v[k]));
        else split_lines(pats.v[k], strlen(pats.v[k]), &p2);
    }
    lines_free(&pats);
    g.pats = p2.v; g.npats = p2.n;
    if (grep_compile(&g, io, argv[0])) { free(files); lines_free(&p2); return 2; }
    int any = 0, st = 0;
    if (nf == 0 && g.r) files[nf++] = ".";
    int show = (nf > 1 || g.r) && !g.h;
    if (g.H) show = 1;
    if (nf == 0) {
        size_t len;
        char *d = in_readall(io->in, &len);
        long long c = grep_buf(&g, io, "(standard input)", d, len, g.H);
        if (c) any = 1;
        if (g.c) OUT(io, "%lld\n", c);
        if (g.l && c) OUT(io, "(standard input)\n");
    } else {
        for (int k = 0; k < nf; k++) {
            if (grep_path(sh, &g, io, files[k], show, &any, 1)) st = 2;
            if (g.q && any) break;
        }
    }
    for (int k = 0; k < g.npats; k++) regfree(&g.rx[k]);
    free(g.rx);
    lines_free(&p2);
    free(files);
    if (g.q && any) return 0;
    if (st) return 2;
    return any ? 0 : 1;
}

/* ---- sed ---------------------------------------------------------------------------- */
typedef struct SedAddr { int type; long line; regex_t rx; int step; } SedAddr; /* type 0 none,1 line,2 last,3 regex */
typedef struct SedCmd {
    SedAddr a1, a2;
    int neg;
    char cmd;
    regex_t rx; int has_rx;
    char *rep; int gflag, pflag, nth, iflag;
    char *text;
    char *wfile;
    unsigned char ymap[256];
    int active;       /* range state */
    struct SedCmd *block_end; /* for '{' */
    char *label;
    int jump;         /* index for b/t */
} SedCmd;

static char *sed_regex_conv(const char *re, int ere) {
    if (ere) return xstrdup(re);
    return bre_to_ere(re);
}

static const char *sed_delim_str(const char *p, char d, Buf *out) {
    /* read until unescaped delimiter; \d -> d ; \n -> newline */
    while (*p && *p != d) {
        if (*p == '\\' && p[1]) {
            if (p[1] == d) { buf_addc(out, d); p += 2; continue; }
            if (p[1] == 'n') { buf_addc(out, '\n'); p += 2; continue; }
            if (p[1] == 't') { buf_addc(out, '\t'); p += 2; continue; }
            buf_addc(out, '\\'); buf_addc(out, p[1]); p += 2; continue;
        }
        if (*p == '[') {
            /* bracket expression: copy verbatim */
            const char *q = p + 1;
            if (*q == '^') q++;
            if (*q == ']') q++;
            while (*q && *q != ']') q++;
            if (*q == ']') { buf_add(out, p, (size_t)(q - p + 1)); p = q + 1; continue; }
        }
        buf_addc(out, *p++);
    }
    buf_adds(out, "");
    return p;
}

static int sed_addr(const char **pp, SedAddr *a, int ere, IO *io) {
    const char *p = *pp;
    if (isdigit((unsigned char)*p)) {
        a->type = 1; a->line = strtol(p, (char **)&p, 10);
        if (*p == '~') { a->step = (int)strtol(p + 1, (char **)&p, 10); }
    } else if (*p == '$') { a->type = 2; p++; }
    else if (*p == '/' || *p == '\\') {
        char d = '/';
        if (*p == '\\') { p++; d = *p; }
        p++;
        Buf b = {0};
        p = sed_delim_str(p, d, &b);
        if (*p != d) { ERR(io, "sed: -e expression #1: unterminated address regex\n"); buf_free(&b); return -1; }
        p++;
        int icase = 0;
        if (*p == 'I') { icase = 1; p++; }
        char *re = sed_regex_conv(b.s, ere);
        buf_free(&b);
        if (regcomp(&a->rx, re, REG_EXTENDED | (icase ? REG_ICASE : 0))) { ERR(io, "sed: -e expression #1: invalid regex: %s\n", re); free(re); return -1; }
        free(re);
        a->type = 3;
    }
    *pp = p;
    return 0;
}

static SedCmd *sed_parse(const char *s, int ere, int *ncmd, IO *io) {
    SedCmd *cmds = NULL; int n = 0, cap = 0;
    const char *p = s;
    int stack[64]; int sp = 0;
    for (;;) {
        while (*p && (isspace((unsigned char)*p) || *p == ';')) p++;
        if (!*p) break;
        if (*p == '#') { while (*p && *p != '\n') p++; continue; }
        if (n + 1 >= cap) { cap = cap ? cap * 2 : 16; cmds = xrealloc(cmds, sizeof(SedCmd) * (size_t)cap); }
        SedCmd *c = &cmds[n];
        memset(c, 0, sizeof *c);
        if (sed_addr(&p, &c->a1, ere, io)) { free(cmds); return NULL; }
        if (c->a1.type && *p == ',') {
            p++;
            if (*p == '+') { p++; c->a2.type = 4; c->a2.line = strtol(p, (char **)&p, 10); }
            else if (sed_addr(&p, &c->a2, ere, io)) { free(cmds); return NULL; }
        }
        while (*p == ' ') p++;
        if (*p == '!') { c->neg = 1; p++; while (*p == ' ') p++; }
        c->cmd = *p;
        if (!*p) { ERR(io, "sed: -e expression #1, char %d: missing command\n", (int)(p - s)); free(cmds); return NULL; }
        p++;
        switch (c->cmd) {
        case '{': if (sp < 64) stack[sp++] = n; break;
        case '}':
            if (!sp) { ERR(io, "sed: -e expression #1, char %d: unexpected `}'\n", (int)(p - s)); free(cmds); return NULL; }
            cmds[stack[--sp]].jump = n;
            break;
        case 's': {
            char d = *p++;
            Buf re = {0}, rep = {0};
            p = sed_delim_str(p, d, &re);
            if (*p != d) { ERR(io, "sed: -e expression #1, char %d: unterminated `s' command\n", (int)(p - s)); buf_free(&re); free(cmds); return NULL; }
            p++;
            while (*p && *p != d) {
                if (*p == '\\' && p[1]) {
                    if (p[1] == d) { buf_addc(&rep, d); p += 2; continue; }
                    if (p[1] == '\n') { buf_addc(&rep, '\n'); p += 2; continue; }
                    buf_addc(&rep, *p); buf_addc(&rep, p[1]); p += 2; continue;
                }
                buf_addc(&rep, *p++);
            }
            if (*p != d) { ERR(io, "sed: -e expression #1, char %d: unterminated `s' command\n", (int)(p - s)); buf_free(&re); buf_free(&rep); free(cmds); return NULL; }
            p++;
            c->nth = 1;
            while (*p && !strchr(";\n}", *p) && !isspace((unsigned char)*p)) {
                if (*p == 'g') c->gflag = 1;
                else if (*p == 'p') c->pflag = 1;
                else if (*p == 'i' || *p == 'I') c->iflag = 1;
                else if (isdigit((unsigned char)*p)) { c->nth = (int)strtol(p, (char **)&p, 10); continue; }
                else if (*p == 'w') { p++; while (*p == ' ') p++; const char *st = p; while (*p && *p != '\n') p++; c->wfile = xstrndup(st, (size_t)(p - st)); continue; }
                else { ERR(io, "sed: -e expression #1, char %d: unknown option to `s'\n", (int)(p - s) + 1); free(cmds); return NULL; }
                p++;
            }
            char *rx = sed_regex_conv(re.s ? re.s : "", ere);
            buf_free(&re);
            int r = regcomp(&c->rx, rx, REG_EXTENDED | (c->iflag ? REG_ICASE : 0));
            if (r) { char eb[200]; regerror(r, &c->rx, eb, sizeof eb); ERR(io, "sed: -e expression #1: %s\n", eb); free(rx); free(cmds); return NULL; }
            free(rx);
            c->has_rx = 1;
            buf_adds(&rep, "");
            c->rep = buf_take(&rep);
            break;
        }
        case 'y': {
            char d = *p++;
            Buf a = {0}, b = {0};
            p = sed_delim_str(p, d, &a); if (*p == d) p++;
            p = sed_delim_str(p, d, &b); if (*p == d) p++;
            for (int k = 0; k < 256; k++) c->ymap[k] = (unsigned char)k;
            if (a.len != b.len) { ERR(io, "sed: -e expression #1: strings for `y' command are different lengths\n"); buf_free(&a); buf_free(&b); free(cmds); return NULL; }
            for (size_t k = 0; k < a.len; k++) c->ymap[(unsigned char)a.s[k]] = (unsigned char)b.s[k];
            buf_free(&a); buf_free(&b);
            break;
        }
        case 'a': case 'i': case 'c': {
            if (*p == '\\') { p++; if (*p == '\n') p++; }
            while (*p == ' ' || *p == '\t') p++;
            Buf t = {0};
            while (*p && *p != '\n') {
                if (*p == '\\' && p[1]) { p++; if (*p == 'n') buf_addc(&t, '\n'); else if (*p == 't') buf_addc(&t, '\t'); else buf_addc(&t, *p); p++; continue; }
                buf_addc(&t, *p++);
            }
            buf_adds(&t, "");
            c->text = buf_take(&t);
            break;
        }
        case 'b': case 't': case 'T': case ':': {
            while (*p == ' ') p++;
            const char *st = p;
            while (*p && *p != ';' && *p != '\n' && *p != '}') p++;
            c->label = xstrndup(st, (size_t)(p - st));
            while (c->label[0] && isspace((unsigned char)c->label[strlen(c->label) - 1])) c->label[strlen(c->label) - 1] = 0;
            break;
        }
        case 'q': case 'Q': while (*p == ' ') p++; if (isdigit((unsigned char)*p)) c->nth = (int)strtol(p, (char **)&p, 10); break;
        case 'd': case 'D': case 'p': case 'P': case '=': case 'n': case 'N': case 'h': case 'H': case 'g': case 'G': case 'x': case 'l': case 'z': break;
        default:
            ERR(io, "sed: -e expression #1, char %d: unknown command: `%c'\n", (int)(p - s), c->cmd);
            free(cmds); return NULL;
        }
        n++;
    }
    if (sp) { ERR(io, "sed: -e expression #1, char 0: unmatched `{'\n"); free(cmds); return NULL; }
    /* resolve labels */
    for (int k = 0; k < n; k++) {
        if (cmds[k].cmd == 'b' || cmds[k].cmd == 't' || cmds[k].cmd == 'T') {
            cmds[k].jump = n;
            if (cmds[k].label[0]) {
                int found = 0;
                for (int j = 0; j < n; j++) if (cmds[j].cmd == ':' && !strcmp(cmds[j].label, cmds[k].label)) { cmds[k].jump = j; found = 1; }
                if (!found) { ERR(io, "sed: -e expression #1: can't find label for jump to `%s'\n", cmds[k].label); free(cmds); return NULL; }
            }
        }
    }
    *ncmd = n;
    return cmds;
}

static int addr_match(SedAddr *a, const char *line, long ln, int last) {
    switch (a->type) {
    case 1: if (a->step > 0) return ln >= a->line && (ln - a->line) % a->step == 0; return ln == a->line;
    case 2: return last;
    case 3: return regexec(&a->rx, line, 0, NULL, 0) == 0;
    }
    return 0;
}

static int sed_selected(SedCmd *c, const char *line, long ln, int last) {
    int m;
    if (!c->a1.type) m = 1;
    else if (!c->a2.type) m = addr_match(&c->a1, line, ln, last);
    else {
        if (c->active) {
            m = 1;
            if (c->a2.type == 1 ? ln >= c->a2.line : c->a2.type == 4 ? ln >= c->active + c->a2.line - 1 + 1 - 1 && ln - (c->active - 1) >= c->a2.line : addr_match(&c->a2, line, ln, last)) c->active = 0;
            if (c->a2.type == 4 && c->active && ln - c->active >= c->a2.line) c->active = 0;
        } else if (addr_match(&c->a1, line, ln, last)) {
            m = 1;
            c->active = (int)ln;
            if (c->a2.type == 1 && c->a2.line <= ln) c->active = 0;
            if (c->a2.type == 4 && c->a2.line == 0) c->active = 0;
        } else m = 0;
    }
    return m ^ c->neg;
}

static int sed_subst(SedCmd *c, Buf *ps) {
    const char *s = ps->s ? ps->s : "";
    Buf o = {0};
    size_t off = 0, len = strlen(s);
    int count = 0, did = 0;
    regmatch_t m[10];
    while (off <= len && regexec(&c->rx, s + off, 10, m, off ? REG_NOTBOL : 0) == 0) {
        count++;
        size_t so = off + (size_t)m[0].rm_so, eo = off + (size_t)m[0].rm_eo;
        buf_add(&o, s + off, so - off);
        if (count >= c->nth && (c->gflag || count == c->nth)) {
            did = 1;
            for (const char *r = c->rep; *r; r++) {
                if (*r == '&') { buf_add(&o, s + so, eo - so); continue; }
                if (*r == '\\' && r[1]) {
                    r++;
                    if (isdigit((unsigned char)*r)) {
                        int k = *r - '0';
                        if (m[k].rm_so >= 0) buf_add(&o, s + off + m[k].rm_so, (size_t)(m[k].rm_eo - m[k].rm_so));
                    } else if (*r == 'n') buf_addc(&o, '\n');
                    else if (*r == 't') buf_addc(&o, '\t');
                    else buf_addc(&o, *r);
                    continue;
                }
                buf_addc(&o, *r);
            }
        } else buf_add(&o, s + so, eo - so);
        if (eo == so) { if (so < len) buf_addc(&o, s[so]); off = so + 1; }
        else off = eo;
        if (!c->gflag && did) break;
    }
    if (off <= len) buf_add(&o, s + off, len - off);
    if (did) {
        buf_adds(&o, "");
        free(ps->s);
        *ps = o;
    } else buf_free(&o);
    return did;
}

static int sed_run(Sh *sh, SedCmd *cmds, int ncmd, const char *d, size_t len, int quiet, Buf *out, IO *io, int *quit) {
    Lines l = {0};
    split_lines(d, len, &l);
    int trailing_nl = len == 0 || d[len - 1] == '\n';
    Buf hold = {0}; buf_adds(&hold, "");
    int st = 0;
    for (int i = 0; i < l.n && !*quit; i++) {
        Buf ps = {0}; buf_adds(&ps, l.v[i]);
        long ln = i + 1;
        int last = i == l.n - 1;
        Buf append = {0};
        int deleted = 0, tflag = 0;
        for (int k = 0; k < ncmd; k++) {
            SedCmd *c = &cmds[k];
            if (c->cmd == '}' || c->cmd == ':') continue;
            if (!sed_selected(c, ps.s, ln, last)) {
                if (c->cmd == '{') k = c->jump;
                continue;
            }
            switch (c->cmd) {
            case '{': break;
            case 's':
                if (sed_subst(c, &ps)) {
                    tflag = 1;
                    if (c->pflag) { buf_adds(out, ps.s); buf_addc(out, '\n'); }
                    if (c->wfile) {
                        char *h = sh_hostpath(sh, c->wfile);
                        FILE *f = fopen(h, "ab"); free(h);
                        if (f) { fputs(ps.s, f); fputc('\n', f); fclose(f); }
                    }
                }
                break;
            case 'y': for (char *q = ps.s; *q; q++) *q = (char)c->ymap[(unsigned char)*q]; break;
            case 'd': deleted = 1; k = ncmd; break;
            case 'D': { char *nl = strchr(ps.s, '\n'); if (!nl) { deleted = 1; k = ncmd; } else { char *r = xstrdup(nl + 1); ps.len = 0; buf_adds(&ps, r); free(r); k = -1; } break; }
            case 'p': buf_adds(out, ps.s); buf_addc(out, '\n'); break;
            case 'P': { char *nl = strchr(ps.s, '\n'); buf_add(out, ps.s, nl ? (size_t)(nl - ps.s) : ps.len); buf_addc(out, '\n'); break; }
            case '=': buf_printf(out, "%ld\n", ln); break;
            case 'a': buf_adds(&append, c->text); buf_addc(&append, '\n'); break;
            case 'i': buf_adds(out, c->text); buf_addc(out, '\n'); break;
            case 'c':
                if (!c->a2.type || !c->active) { buf_adds(out, c->text); buf_addc(out, '\n'); }
                deleted = 1; k = ncmd; break;
            case 'q': case 'Q':
                *quit = 1; st = c->nth;
                if (c->cmd == 'Q') deleted = 1;
                k = ncmd; break;
            case 'n':
                if (!quiet) { buf_adds(out, ps.s); buf_addc(out, '\n'); }
                if (i + 1 < l.n) { i++; ln++; last = i == l.n - 1; ps.len = 0; buf_adds(&ps, l.v[i]); }
                else { deleted = !quiet ? 1 : 1; if (!quiet) {} k = ncmd; *quit = 0; }
                break;
            case 'N':
                if (i + 1 < l.n) { i++; ln++; last = i == l.n - 1; buf_addc(&ps, '\n'); buf_adds(&ps, l.v[i]); }
                else { k = ncmd; }
                break;
            case 'h': hold.len = 0; buf_adds(&hold, ps.s); break;
            case 'H': buf_addc(&hold, '\n'); buf_adds(&hold, ps.s); break;
            case 'g': ps.len = 0; buf_adds(&ps, hold.s); break;
            case 'G': buf_addc(&ps, '\n'); buf_adds(&ps, hold.s); break;
            case 'x': { Buf t = ps; ps = hold; hold = t; break; }
            case 'l': buf_adds(out, ps.s); buf_adds(out, "$\n"); break;
            case 'z': ps.len = 0; ps.s[0] = 0; break;
            case 'b': k = c->jump - 0; if (k < ncmd && cmds[k].cmd == ':') {} k = c->jump - 1 + 0; if (c->jump >= ncmd) k = ncmd; break;
            case 't': if (tflag) { tflag = 0; k = c->jump >= ncmd ? ncmd : c->jump - 1 + 0; } break;
            case 'T': if (!tflag) { k = c->jump >= ncmd ? ncmd : c->jump - 1 + 0; } else tflag = 0; break;
            }
        }
        if (!deleted && !quiet) {
            buf_adds(out, ps.s);
            if (!last || trailing_nl) buf_addc(out, '\n');
        }
        if (append.len) buf_add(out, append.s, append.len);
        buf_free(&append);
        buf_free(&ps);
    }
    buf_free(&hold);
    lines_free(&l);
    (void)io;
    return st;
}

static int u_sed(Sh *sh, int argc, char **argv, IO *io) {
    int quiet = 0, inplace = 0, ere = 0;
    Buf script = {0};
    int have_script = 0;
    char **files = xmalloc(sizeof(char *) * (size_t)argc); int nf = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] == '-' && a[1]) {
            if (!strcmp(a, "--in-place") || !strncmp(a, "-i", 2)) { inplace = 1; if (!strcmp(a, "-i") || !strncmp(a, "--in-place", 10) || a[2]) { } if (a[1] == 'i' && a[2] && strchr("nEr", a[2])) { for (const char *p = a + 2; *p; p++) { if (*p == 'n') quiet = 1; if (*p == 'E' || *p == 'r') ere = 1; } } continue; }
            if (!strcmp(a, "--regexp-extended")) { ere = 1; continue; }
            if (!strcmp(a, "--quiet") || !strcmp(a, "--silent")) { quiet = 1; continue; }
            if (!strcmp(a, "--posix") || !strcmp(a, "-u") || !strcmp(a, "-s")) continue;
            for (const char *p = a + 1; *p; p++) {
                if (*p == 'n') quiet = 1;
                else if (*p == 'E' || *p == 'r') ere = 1;
                else if (*p == 'i') inplace = 1;
                else if (*p == 'e' || *p == 'f') {
                    const char *v = p[1] ? p + 1 : (i + 1 < argc ? argv[++i] : NULL);
                    if (!v) { ERR(io, "sed: option requires an argument -- '%c'\n", *p); free(files); return 1; }
                    if (script.len) buf_addc(&script, '\n');
                    if (*p == 'e') buf_adds(&script, v);
                    else { char *d; size_t n; if (read_input(sh, io, v, &d, &n, "sed")) { free(files); return 1; } buf_add(&script, d, n); free(d); }
                    have_script = 1;
                    break;
                }
                else if (*p == 's' || *p == 'u' || *p == 'z') {}
                else { free(files); buf_free(&script); ERR(io, "sed: invalid option -- '%c'\n", *p); return 1; }
            }
            continue;
        }
        if (!have_script) { buf_adds(&script, a); have_script = 1; continue; }
        files[nf++] = argv[i];
    }
    if (!have_script) { ERR(io, "Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n"); free(files); return 1; }
    int ncmd;
    SedCmd *cmds = sed_parse(script.s ? script.s : "", ere, &ncmd, io);
    buf_free(&script);
    if (!cmds) { free(files); return 1; }
    int st = 0, quit = 0;
    if (inplace) {
        if (!nf) { ERR(io, "sed: no input files\n"); free(files); return 1; }
        for (int f = 0; f < nf; f++) {
            char *d; size_t n;
            int e = read_file(sh, files[f], &d, &n);
            if (e) { ERR(io, "sed: can't read %s: %s\n", files[f], sh_strerror(e)); st = 2; continue; }
            Buf out = {0};
            for (int k = 0; k < ncmd; k++) cmds[k].active = 0;
            quit = 0;
            sed_run(sh, cmds, ncmd, d, n, quiet, &out, io, &quit);
            free(d);
            char *h = sh_hostpath(sh, files[f]);
            FILE *fp = fopen(h, "wb"); free(h);
            if (!fp) { ERR(io, "sed: couldn't open %s: %s\n", files[f], sh_strerror(errno)); st = 4; }
            else { fwrite(out.s ? out.s : "", 1, out.len, fp); fclose(fp); }
            buf_free(&out);
        }
    } else {
        Buf all = {0};
        st = gather(sh, io, files, nf, "sed", &all) ? 2 : 0;
        Buf out = {0};
        int r = sed_run(sh, cmds, ncmd, all.s ? all.s : "", all.len, quiet, &out, io, &quit);
        if (quit) st = r;
        io_write(io, 1, out.s ? out.s : "", out.len);
        buf_free(&out); buf_free(&all);
    }
    free(files);
    for (int k = 0; k < ncmd; k++) { if (cmds[k].has_rx) regfree(&cmds[k].rx); free(cmds[k].rep); free(cmds[k].text); free(cmds[k].label); free(cmds[k].wfile); if (cmds[k].a1.type == 3) regfree(&cmds[k].a1.rx); if (cmds[k].a2.type == 3) regfree(&cmds[k].a2.rx); }
    free(cmds);
    return st;
}

/* ---- ls --------------------------------------------------------------------------------- */
typedef struct { int l, a, A, R, one, t, S, r, d, h, F, p; } LsOpt;
typedef struct { char *name; struct stat st; int ok; } LsEnt;
static LsOpt g_ls;
static void human(long long v, char *out, size_t n);
static int g_szw = 1, g_lnw = 1;
static void ls_widths(LsEnt *e, int n) {
    g_szw = 1; g_lnw = 1;
    for (int k = 0; k < n; k++) {
        char t[32];
        if (g_ls.h) human((long long)e[k].st.st_size, t, sizeof t); else snprintf(t, sizeof t, "%lld", (long long)e[k].st.st_size);
        if ((int)strlen(t) > g_szw) g_szw = (int)strlen(t);
        snprintf(t, sizeof t, "%ld", (long)(e[k].st.st_nlink ? e[k].st.st_nlink : 1));
        if ((int)strlen(t) > g_lnw) g_lnw = (int)strlen(t);
    }
}

static int ls_cmp(const void *pa, const void *pb) {
    const LsEnt *a = pa, *b = pb;
    int r = 0;
    if (g_ls.t) r = a->st.st_mtime > b->st.st_mtime ? -1 : a->st.st_mtime < b->st.st_mtime;
    else if (g_ls.S) r = a->st.st_size > b->st.st_size ? -1 : a->st.st_size < b->st.st_size;
    if (!r) r = strcmp(a->name, b->name);
    return g_ls.r ? -r : r;
}

static void mode_str(mode_t m, char *s) {
    if (!(m & 0777)) m |= S_ISDIR(m) ? 0755 : 0644;  /* WASI stat has no permission bits */
    s[0] = S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : S_ISFIFO(m) ? 'p' : S_ISCHR(m) ? 'c' : S_ISBLK(m) ? 'b' : S_ISSOCK(m) ? 's' : '-';
    const char *rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; i++) s[i + 1] = (m & (0400 >> i)) ? rwx[i] : '-';
    s[10] = 0;
}

static void human(long long v, char *out, size_t n) {
    const char *u = "KMGTPE";
    if (v < 1024) { snprintf(out, n, "%lld", v); return; }
    double d = (double)v;
    int k = -1;
    while (d >= 1024 && k < 5) { d /= 1024; k++; }
    if (d < 10) snprintf(out, n, "%.1f%c", (double)((long long)(d * 10 + 0.999)) / 10, u[k]);
    else snprintf(out, n, "%.0f%c", d + 0.499, u[k]);
}

static void ls_line(IO *io, const char *name, struct stat *st, Buf *o) {
    if (!g_ls.l) {
        buf_adds(o, name);
        if (g_ls.F || g_ls.p) { if (S_ISDIR(st->st_mode)) buf_addc(o, '/'); else if (g_ls.F && (st->st_mode & 0111)) buf_addc(o, '*'); }
        buf_addc(o, '\n');
        return;
    }
    (void)io;
    char ms[11]; mode_str(st->st_mode, ms);
    char tb[32];
    time_t mt = st->st_mtime;
    struct tm tm;
    gmtime_r(&mt, &tm);
    time_t now = time(NULL);
    if (now - mt > 180 * 24 * 3600L || mt > now + 3600) strftime(tb, sizeof tb, "%b %e  %Y", &tm);
    else strftime(tb, sizeof tb, "%b %e %H:%M", &tm);
    char sz[32];
    if (g_ls.h) human((long long)st->st_size, sz, sizeof sz); else snprintf(sz, sizeof sz, "%lld", (long long)st->st_size);
    buf_printf(o, "%s %*ld user user %*s %s %s", ms, g_lnw, (long)(st->st_nlink ? st->st_nlink : 1), g_szw, sz, tb, name);
    if (g_ls.F || g_ls.p) { if (S_ISDIR(st->st_mode)) buf_addc(o, '/'); }
    buf_addc(o, '\n');
}

static int ls_dir(Sh *sh, IO *io, const char *path, int header, Buf *o, int first) {
    char *h = sh_hostpath(sh, path);
    DIR *d = opendir(h);
    if (!d) { int e = errno; free(h); ERR(io, "ls: cannot open directory '%s': %s\n", path, sh_strerror(e)); return 2; }
    LsEnt *ents = NULL; int n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        const char *nm = de->d_name;
        if (nm[0] == '.' && !g_ls.a && !g_ls.A) continue;
        if (g_ls.A && (!strcmp(nm, ".") || !strcmp(nm, ".."))) continue;
        ents = xrealloc(ents, sizeof(LsEnt) * (size_t)(n + 1));
        ents[n].name = xstrdup(nm);
        Buf p = {0}; buf_adds(&p, h); buf_addc(&p, '/'); buf_adds(&p, nm);
        ents[n].ok = lstat(p.s, &ents[n].st) == 0;
        if (!ents[n].ok) memset(&ents[n].st, 0, sizeof ents[n].st);
        buf_free(&p);
        n++;
    }
    closedir(d);
    free(h);
    if (g_ls.a) {
        /* make sure . and .. are present (WASI may not list them) */
        int hd = 0, hdd = 0;
        for (int k = 0; k < n; k++) { if (!strcmp(ents[k].name, ".")) hd = 1; if (!strcmp(ents[k].name, "..")) hdd = 1; }
        for (int k = 0; k < 2; k++) {
            if (k == 0 ? hd : hdd) continue;
            ents = xrealloc(ents, sizeof(LsEnt) * (size_t)(n + 1));
            ents[n].name = xstrdup(k == 0 ? "." : "..");
            memset(&ents[n].st, 0, sizeof ents[n].st);
            ents[n].st.st_mode = S_IFDIR | 0755; ents[n].ok = 1;
            n++;
        }
    }
    if (n) qsort(ents, (size_t)n, sizeof(LsEnt), ls_cmp);
    if (header) buf_printf(o, "%s%s:\n", first ? "" : "\n", path);
    ls_widths(ents, n);
    if (g_ls.l) {
        long long blocks = 0;
        for (int k = 0; k < n; k++) blocks += (long long)((ents[k].st.st_size + 4095) / 4096) * 4;
        buf_printf(o, "total %lld\n", blocks);
    }
    for (int k = 0; k < n; k++) ls_line(io, ents[k].name, &ents[k].st, o);
    int st = 0;
    if (g_ls.R) {
        for (int k = 0; k < n; k++) {
            if (!S_ISDIR(ents[k].st.st_mode) || !strcmp(ents[k].name, ".") || !strcmp(ents[k].name, "..")) continue;
            Buf p = {0}; buf_adds(&p, path);
            if (p.len && p.s[p.len - 1] != '/') buf_addc(&p, '/');
            buf_adds(&p, ents[k].name);
            if (ls_dir(sh, io, p.s, 1, o, 0)) st = 2;
            buf_free(&p);
        }
    }
    for (int k = 0; k < n; k++) free(ents[k].name);
    free(ents);
    return st;
}

static int u_ls(Sh *sh, int argc, char **argv, IO *io) {
    memset(&g_ls, 0, sizeof g_ls);
    char **paths = xmalloc(sizeof(char *) * (size_t)argc); int np = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] == '-' && a[1]) {
            if (a[1] == '-') { if (!strcmp(a, "--all")) g_ls.a = 1; continue; }
            for (const char *p = a + 1; *p; p++) {
                switch (*p) {
                case 'l': g_ls.l = 1; break; case 'a': g_ls.a = 1; break; case 'A': g_ls.A = 1; break;
                case 'R': g_ls.R = 1; break; case '1': g_ls.one = 1; break; case 't': g_ls.t = 1; break;
                case 'S': g_ls.S = 1; break; case 'r': g_ls.r = 1; break; case 'd': g_ls.d = 1; break;
                case 'h': g_ls.h = 1; break; case 'F': g_ls.F = 1; break; case 'p': g_ls.p = 1; break;
                case 'C': case 'x': case 'G': case 'n': case 'o': case 'g': case 'N': case 'U': case 'v': break;
                default: free(paths); return bad_opt(io, "ls", *p);
                }
            }
            continue;
        }
        paths[np++] = argv[i];
    }
    if (np == 0) paths[np++] = ".";
    int st = 0;
    Buf o = {0};
    /* files first, then directories */
    LsEnt *files = NULL; int nfiles = 0;
    char **dirs = xmalloc(sizeof(char *) * (size_t)np); int nd = 0;
    for (int k = 0; k < np; k++) {
        char *h = sh_hostpath(sh, paths[k]);
        struct stat s;
        if (lstat(h, &s) != 0) {
            ERR(io, "ls: cannot access '%s': %s\n", paths[k], sh_strerror(errno));
            st = 2; free(h); continue;
        }
        if (S_ISLNK(s.st_mode) && !g_ls.l) stat(h, &s);
        free(h);
        if (S_ISDIR(s.st_mode) && !g_ls.d) dirs[nd++] = paths[k];
        else { files = xrealloc(files, sizeof(LsEnt) * (size_t)(nfiles + 1)); files[nfiles].name = paths[k]; files[nfiles].st = s; nfiles++; }
    }
    if (nfiles) qsort(files, (size_t)nfiles, sizeof(LsEnt), ls_cmp);
    ls_widths(files, nfiles);
    for (int k = 0; k < nfiles; k++) ls_line(io, files[k].name, &files[k].st, &o);
    qsort(dirs, (size_t)nd, sizeof(char *), sort_strcmp);
    for (int k = 0; k < nd; k++) {
        int header = np > 1 || g_ls.R;
        if (ls_dir(sh, io, dirs[k], header, &o, k == 0 && nfiles == 0)) st = 2;
    }
    io_write(io, 1, o.s ? o.s : "", o.len);
    buf_free(&o);
    free(files); free(dirs); free(paths);
    return st;
}

/* ---- file operations ------------------------------------------------------------------- */
static int mkdir_p(Sh *sh, const char *path) {
    char *a = sh_abspath(sh, path);
    size_t n = strlen(a);
    for (size_t i = 1; i <= n; i++) {
        if (a[i] == '/' || a[i] == 0) {
            char c = a[i]; a[i] = 0;
            char *h = sh_hostpath(sh, a);
            struct stat st;
            if (stat(h, &st) != 0) {
                if (mkdir(h, 0755) != 0 && errno != EEXIST) { int e = errno; free(h); free(a); return e; }
            } else if (!S_ISDIR(st.st_mode)) { free(h); free(a); return c ? ENOTDIR : EEXIST; }
            free(h);
            a[i] = c;
        }
    }
    free(a);
    return 0;
}

static int u_mkdir(Sh *sh, int argc, char **argv, IO *io) {
    int p = 0, v = 0, st = 0, any = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] == '-' && a[1]) {
            for (const char *q = a + 1; *q; q++) {
                if (*q == 'p') p = 1; else if (*q == 'v') v = 1;
                else if (*q == 'm') { if (!q[1]) i++; break; }
                else return bad_opt(io, "mkdir", *q);
            }
            continue;
        }
        any = 1;
        if (p) {
            int e = mkdir_p(sh, a);
            if (e) { ERR(io, "mkdir: cannot create directory '%s': %s\n", a, sh_strerror(e)); st = 1; }
        } else {
            char *h = sh_hostpath(sh, a);
            if (mkdir(h, 0755) != 0) { ERR(io, "mkdir: cannot create directory '%s': %s\n", a, sh_strerror(errno)); st = 1; }
            else if (v) OUT(io, "mkdir: created directory '%s'\n", a);
            free(h);
        }
    }
    if (!any) { ERR(io, "mkdir: missing operand\nTry 'mkdir --help' for more information.\n"); return 1; }
    return st;
}

static int rm_rec(const char *h) {
    struct stat st;
    if (lstat(h, &st) != 0) return errno;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(h);
        if (!d) return errno;
        Lines names = {0};
        struct dirent *de;
        while ((de = readdir(d))) if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) lines_push(&names, xstrdup(de->d_name));
        closedir(d);
        int r = 0;
        for (int k = 0; k < names.n; k++) {
            Buf p = {0}; buf_adds(&p, h); buf_addc(&p, '/'); buf_adds(&p, names.v[k]);
            int e = rm_rec(p.s);
            if (e) r = e;
            buf_free(&p);
        }
        lines_free(&names);
        if (rmdir(h) != 0) return errno;
        return r;
    }
    if (unlink(h) != 0) return errno;
    return 0;
}

static int u_rm(Sh *sh, int argc, char **argv, IO *io) {
    int r = 0, f = 0, v = 0, d = 0, st = 0, any = 0, opts = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (opts && a[0] == '-' && a[1]) {
            if (!strcmp(a, "--")) { opts = 0; continue; }
            if (!strcmp(a, "--recursive")) { r = 1; continue; }
            if (!strcmp(a, "--force")) { f = 1; continue; }
            for (const char *q = a + 1; *q; q++) {
                if (*q == 'r' || *q == 'R') r = 1; else if (*q == 'f') f = 1; else if (*q == 'v') v = 1;
                else if (*q == 'd') d = 1; else if (*q == 'i' || *q == 'I') {}
                else return bad_opt(io, "rm", *q);
            }
            continue;
        }
        any = 1;
        char *ab = sh_abspath(sh, a);
        if (!strcmp(ab, "/")) { free(ab); ERR(io, "rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe\n"); st = 1; continue; }
        free(ab);
        char *h = sh_hostpath(sh, a);
        struct stat s;
        if (lstat(h, &s) != 0) {
            if (!f) { ERR(io, "rm: cannot remove '%s': %s\n", a, sh_strerror(errno)); st = 1; }
            free(h); continue;
        }
        if (S_ISDIR(s.st_mode) && !r) {
            if (d) { if (rmdir(h) != 0) { ERR(io, "rm: cannot remove '%s': %s\n", a, sh_strerror(errno)); st = 1; } }
            else { ERR(io, "rm: cannot remove '%s': Is a directory\n", a); st = 1; }
            free(h); continue;
        }
        int e = r ? rm_rec(h) : (unlink(h) ? errno : 0);
        if (e) { ERR(io, "rm: cannot remove '%s': %s\n", a, sh_strerror(e)); st = 1; }
        else if (v) OUT(io, "removed '%s'\n", a);
        free(h);
    }
    if (!any && !f) { ERR(io, "rm: missing operand\nTry 'rm --help' for more information.\n"); return 1; }
    return st;
}

static int u_rmdir(Sh *sh, int argc, char **argv, IO *io) {
    int st = 0, p = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-p")) { p = 1; continue; }
        if (argv[i][0] == '-' && argv[i][1]) continue;
        char *h = sh_hostpath(sh, argv[i]);
        if (rmdir(h) != 0) { ERR(io, "rmdir: failed to remove '%s': %s\n", argv[i], sh_strerror(errno)); st = 1; }
        else if (p) {
            char *a = xstrdup(argv[i]);
            char *sl;
            while ((sl = strrchr(a, '/')) && sl != a) {
                *sl = 0;
                char *h2 = sh_hostpath(sh, a);
                int r = rmdir(h2);
                free(h2);
                if (r) break;
            }
            free(a);
        }
        free(h);
    }
    return st;
}

static int copy_file(const char *src, const char *dst) {
    int in = open(src, O_RDONLY);
    if (in < 0) return errno;
    struct stat st;
    fstat(in, &st);
    int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, st.st_mode & 0777 ? st.st_mode & 0777 : 0644);
    if (out < 0) { int e = errno; close(in); return e; }
    char *buf = xmalloc(65536);
    ssize_t r;
    int e = 0;
    while ((r = read(in, buf, 65536)) > 0) {
        char *p = buf;
        while (r > 0) { ssize_t w = write(out, p, (size_t)r); if (w <= 0) { e = errno ? errno : EIO; break; } p += w; r -= w; }
        if (e) break;
    }
    close(in); close(out);
    free(buf);
    return e;
}

static int copy_rec(const char *src, const char *dst, IO *io, const char *shown) {
    struct stat st;
    if (stat(src, &st) != 0) return errno;
    if (S_ISDIR(st.st_mode)) {
        if (mkdir(dst, 0755) != 0 && errno != EEXIST) return errno;
        DIR *d = opendir(src);
        if (!d) return errno;
        Lines names = {0};
        struct dirent *de;
        while ((de = readdir(d))) if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) lines_push(&names, xstrdup(de->d_name));
        closedir(d);
        int r = 0;
        for (int k = 0; k < names.n; k++) {
            Buf s = {0}, t = {0};
            buf_adds(&s, src); buf_addc(&s, '/'); buf_adds(&s, names.v[k]);
            buf_adds(&t, dst); buf_addc(&t, '/'); buf_adds(&t, names.v[k]);
            int e = copy_rec(s.s, t.s, io, shown);
            if (e) r = e;
            buf_free(&s); buf_free(&t);
        }
        lines_free(&names);
        return r;
    }
    return copy_file(src, dst);
}

static const char *base_name(const char *p) {
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/') n--;
    const char *s = p + n;
    while (s > p && s[-1] != '/') s--;
    return s;
}

static int cp_mv(Sh *sh, int argc, char **argv, IO *io, int mv) {
    const char *cmd = mv ? "mv" : "cp";
    int r = 0, v = 0, nclob = 0, st = 0;
    char **args = xmalloc(sizeof(char *) * (size_t)argc); int na = 0;
    const char *tdir = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] == '-' && a[1]) {
            if (a[1] == '-') { if (!strcmp(a, "--recursive")) r = 1; continue; }
            for (const char *q = a + 1; *q; q++) {
                if (*q == 'r' || *q == 'R' || *q == 'a') r = 1; else if (*q == 'v') v = 1; else if (*q == 'n') nclob = 1;
                else if (*q == 't') { tdir = q[1] ? q + 1 : (i + 1 < argc ? argv[++i] : NULL); break; }
                else if (strchr("fpiuTLPdH", *q)) {}
                else { free(args); return bad_opt(io, cmd, *q); }
            }
            continue;
        }
        args[na++] = argv[i];
    }
    if (tdir) args[na++] = (char *)tdir;
    if (na < 2) {
        if (na == 0) ERR(io, "%s: missing file operand\nTry '%s --help' for more information.\n", cmd, cmd);
        else ERR(io, "%s: missing destination file operand after '%s'\nTry '%s --help' for more information.\n", cmd, args[0], cmd);
        free(args); return 1;
    }
    const char *dst = args[na - 1];
    char *hd = sh_hostpath(sh, dst);
    struct stat ds;
    int dst_is_dir = stat(hd, &ds) == 0 && S_ISDIR(ds.st_mode);
    if (na > 2 && !dst_is_dir) { ERR(io, "%s: target '%s' is not a directory\n", cmd, dst); free(hd); free(args); return 1; }
    for (int k = 0; k < na - 1; k++) {
        char *hs = sh_hostpath(sh, args[k]);
        struct stat ss;
        if (lstat(hs, &ss) != 0) { ERR(io, "%s: cannot stat '%s': %s\n", cmd, args[k], sh_strerror(errno)); st = 1; free(hs); continue; }
        Buf t = {0}; buf_adds(&t, hd);
        if (dst_is_dir) { buf_addc(&t, '/'); buf_adds(&t, base_name(args[k])); }
        char *ht = buf_take(&t);
        char *as = sh_abspath(sh, args[k]);
        char *at = sh_abspath(sh, dst);
        if (S_ISDIR(ss.st_mode) && dst_is_dir && (!strncmp(at, as, strlen(as)) && (at[strlen(as)] == '/' || !at[strlen(as)]))) {
            ERR(io, "%s: cannot %s '%s' to a subdirectory of itself, '%s/%s'\n", cmd, mv ? "move" : "copy a directory,", args[k], dst, base_name(args[k]));
            st = 1; free(hs); free(ht); free(as); free(at); continue;
        }
        free(as); free(at);
        struct stat ts;
        if (nclob && stat(ht, &ts) == 0) { free(hs); free(ht); continue; }
        int e;
        if (mv) {
            e = rename(hs, ht) != 0 ? errno : 0;
            if (e == EXDEV) { e = copy_rec(hs, ht, io, args[k]); if (!e) e = rm_rec(hs); }
        } else if (S_ISDIR(ss.st_mode)) {
            if (!r) { ERR(io, "cp: -r not specified; omitting directory '%s'\n", args[k]); st = 1; free(hs); free(ht); continue; }
            e = copy_rec(hs, ht, io, args[k]);
        } else e = copy_file(hs, ht);
        if (e) { ERR(io, "%s: cannot %s '%s': %s\n", cmd, mv ? "move" : "copy", args[k], sh_strerror(e)); st = 1; }
        else if (v) OUT(io, "'%s' -> '%s%s%s'\n", args[k], dst, dst_is_dir ? "/" : "", dst_is_dir ? base_name(args[k]) : "");
        free(hs); free(ht);
    }
    free(hd); free(args);
    return st;
}
static int u_cp(Sh *sh, int argc, char **argv, IO *io) { return cp_mv(sh, argc, argv, io, 0); }
static int u_mv(Sh *sh, int argc, char **argv, IO *io) { return cp_mv(sh, argc, argv, io, 1); }

static int u_touch(Sh *sh, int argc, char **argv, IO *io) {
    int st = 0, nocreate = 0, any = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] == '-' && a[1]) {
            if (!strcmp(a, "-c")) nocreate = 1;
            else if (!strcmp(a, "-d") || !strcmp(a, "-t") || !strcmp(a, "-r")) i++;
            continue;
        }
        any = 1;
        char *h = sh_hostpath(sh, a);
        struct stat s;
        if (stat(h, &s) != 0) {
            if (!nocreate) {
                int fd = open(h, O_WRONLY | O_CREAT, 0644);
                if (fd < 0) { ERR(io, "touch: cannot touch '%s': %s\n", a, sh_strerror(errno)); st = 1; }
                else close(fd);
            }
        } else {
            struct timespec ts[2];
            ts[0].tv_sec = 0; ts[0].tv_nsec = UTIME_NOW;
            ts[1].tv_sec = 0; ts[1].tv_nsec = UTIME_NOW;
            utimensat(AT_FDCWD, h, ts, 0);
        }
        free(h);
    }
    if (!any) { ERR(io, "touch: missing file operand\nTry 'touch --help' for more information.\n"); return 1; }
    return st;
}

/* ---- find --------------------------------------------------------------------------- */
typedef struct FExpr {
    int kind; /* 0 name,1 iname,2 type,3 path,4 print,5 exec,6 delete,7 empty,8 true, 9 size, 10 newer-ish, 11 regex */
    int neg;
    char *arg;
    char **exec; int nexec; int exec_plus;
    long long size; int size_cmp; char size_unit;
    regex_t rx;
} FExpr;
typedef struct { FExpr *e; int n; } FGroup;  /* AND of exprs */
typedef struct {
    FGroup *g; int ng;  /* OR of groups */
    int maxdepth, mindepth;
    int has_action;
    Sh *sh; IO *io;
    int st;
} Find;

static int find_eval(Find *f, const char *path, const char *name, struct stat *st, int *pruned) {
    (void)pruned;
    for (int gi = 0; gi < f->ng; gi++) {
        FGroup *g = &f->g[gi];
        int ok = 1;
        for (int k = 0; k < g->n && ok; k++) {
            FExpr *e = &g->e[k];
            int r = 1;
            switch (e->kind) {
            case 0: r = pmatch(e->arg, name, 0); break;
            case 1: r = pmatch(e->arg, name, PM_CASE); break;
            case 2: {
                char t = e->arg[0];
                r = (t == 'f' && S_ISREG(st->st_mode)) || (t == 'd' && S_ISDIR(st->st_mode)) || (t == 'l' && S_ISLNK(st->st_mode));
                break;
            }
            case 3: r = pmatch(e->arg, path, 0); break;
            case 11: r = regexec(&e->rx, path, 0, NULL, 0) == 0; break;
            case 4: OUT(f->io, "%s\n", path); break;
            case 5: {
                if (e->exec_plus) {
                    /* collect: store in arg list; executed at the end */
                    e->exec = xrealloc(e->exec, sizeof(char *) * (size_t)(e->nexec + 2));
                    e->exec[e->nexec++] = xstrdup(path);
                    e->exec[e->nexec] = NULL;
                    break;
                }
                char **av = xmalloc(sizeof(char *) * (size_t)(e->nexec + 1));
                for (int j = 0; j < e->nexec; j++) {
                    const char *w = e->exec[j];
                    const char *br = strstr(w, "{}");
                    if (br) { Buf b = {0}; buf_add(&b, w, (size_t)(br - w)); buf_adds(&b, path); buf_adds(&b, br + 2); av[j] = buf_take(&b); }
                    else av[j] = xstrdup(w);
                }
                av[e->nexec] = NULL;
                r = sh_run_argv(f->sh, e->nexec, av, f->io) == 0;
                free_strv(av, e->nexec);
                break;
            }
            case 6: {
                char *h = sh_hostpath(f->sh, path);
                if ((S_ISDIR(st->st_mode) ? rmdir(h) : unlink(h)) != 0) { ERR(f->io, "find: cannot delete '%s': %s\n", path, sh_strerror(errno)); f->st = 1; }
                free(h);
                break;
            }
            case 7: {
                if (S_ISREG(st->st_mode)) r = st->st_size == 0;
                else if (S_ISDIR(st->st_mode)) {
                    char *h = sh_hostpath(f->sh, path);
                    DIR *d = opendir(h); free(h);
                    r = 1;
                    if (d) { struct dirent *de; while ((de = readdir(d))) if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) { r = 0; break; } closedir(d); }
                } else r = 0;
                break;
            }
            case 9: {
                long long unit = e->size_unit == 'k' ? 1024 : e->size_unit == 'M' ? 1048576 : e->size_unit == 'G' ? 1073741824LL : e->size_unit == 'c' ? 1 : 512;
                long long sz = ((long long)st->st_size + unit - 1) / unit;
                r = e->size_cmp > 0 ? sz > e->size : e->size_cmp < 0 ? sz < e->size : sz == e->size;
                break;
            }
            default: r = 1;
            }
            if (e->neg) r = !r;
            ok = r;
        }
        if (ok) return 1;
    }
    return 0;
}

static void find_walk(Find *f, const char *path, int depth) {
    char *h = sh_hostpath(f->sh, path);
    struct stat st;
    if (lstat(h, &st) != 0) {
        ERR(f->io, "find: '%s': %s\n", path, sh_strerror(errno));
        f->st = 1; free(h); return;
    }
    const char *name = base_name(path);
    char nm[1024];
    snprintf(nm, sizeof nm, "%s", name);
    size_t nl = strlen(nm);
    while (nl > 1 && nm[nl - 1] == '/') nm[--nl] = 0;
    int isdir = S_ISDIR(st.st_mode);
    /* -delete needs depth-first: handle children first when any delete action */
    int has_delete = 0;
    for (int gi = 0; gi < f->ng; gi++) for (int k = 0; k < f->g[gi].n; k++) if (f->g[gi].e[k].kind == 6) has_delete = 1;
    if (!has_delete && depth >= f->mindepth) {
        int m = find_eval(f, path, nm, &st, NULL);
        if (m && !f->has_action) OUT(f->io, "%s\n", path);
    }
    if (isdir && (f->maxdepth < 0 || depth < f->maxdepth)) {
        DIR *d = opendir(h);
        if (d) {
            Lines names = {0};
            struct dirent *de;
            while ((de = readdir(d))) if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) lines_push(&names, xstrdup(de->d_name));
            closedir(d);
            if (names.n) qsort(names.v, (size_t)names.n, sizeof(char *), sort_strcmp);
            for (int k = 0; k < names.n; k++) {
                Buf p = {0}; buf_adds(&p, path);
                if (p.len && p.s[p.len - 1] != '/') buf_addc(&p, '/');
                buf_adds(&p, names.v[k]);
                find_walk(f, p.s, depth + 1);
                buf_free(&p);
            }
            lines_free(&names);
        }
    }
    if (has_delete && depth >= f->mindepth) {
        int m = find_eval(f, path, nm, &st, NULL);
        if (m && !f->has_action) OUT(f->io, "%s\n", path);
    }
    free(h);
}

static int u_find(Sh *sh, int argc, char **argv, IO *io) {
    Find f; memset(&f, 0, sizeof f);
    f.maxdepth = -1; f.sh = sh; f.io = io;
    char **paths = xmalloc(sizeof(char *) * (size_t)argc); int np = 0;
    int i = 1;
    while (i < argc && argv[i][0] != '-' && strcmp(argv[i], "!") && strcmp(argv[i], "(")) paths[np++] = argv[i++];
    if (!np) paths[np++] = ".";
    f.g = calloc(1, sizeof(FGroup)); f.ng = 1;
    int neg = 0;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "!") || !strcmp(a, "-not")) { neg = !neg; continue; }
        if (!strcmp(a, "-o") || !strcmp(a, "-or")) { f.g = xrealloc(f.g, sizeof(FGroup) * (size_t)(f.ng + 1)); memset(&f.g[f.ng], 0, sizeof(FGroup)); f.ng++; continue; }
        if (!strcmp(a, "-a") || !strcmp(a, "-and") || !strcmp(a, "(") || !strcmp(a, ")")) continue;
        if (!strcmp(a, "-maxdepth") || !strcmp(a, "-mindepth")) {
            if (i + 1 >= argc) { ERR(io, "find: missing argument to `%s'\n", a); free(paths); return 1; }
            int v = atoi(argv[++i]);
            if (a[2] == 'a') f.maxdepth = v; else f.mindepth = v;
            continue;
        }
        if (!strcmp(a, "-follow") || !strcmp(a, "-xdev") || !strcmp(a, "-depth") || !strcmp(a, "-noleaf")) continue;
        FExpr e; memset(&e, 0, sizeof e);
        e.neg = neg; neg = 0;
        if (!strcmp(a, "-name") || !strcmp(a, "-iname") || !strcmp(a, "-type") || !strcmp(a, "-path") || !strcmp(a, "-wholename") || !strcmp(a, "-size") || !strcmp(a, "-regex") || !strcmp(a, "-newer") || !strcmp(a, "-mtime") || !strcmp(a, "-perm") || !strcmp(a, "-user")) {
            if (i + 1 >= argc) { ERR(io, "find: missing argument to `%s'\n", a); free(paths); return 1; }
            e.arg = argv[++i];
            if (!strcmp(a, "-name")) e.kind = 0;
            else if (!strcmp(a, "-iname")) e.kind = 1;
            else if (!strcmp(a, "-type")) {
                e.kind = 2;
                if (!strchr("fdlbcps", e.arg[0]) || e.arg[1]) { ERR(io, "find: Unknown argument to -type: %s\n", e.arg); free(paths); return 1; }
            }
            else if (!strcmp(a, "-size")) {
                e.kind = 9;
                const char *s = e.arg;
                if (*s == '+') { e.size_cmp = 1; s++; } else if (*s == '-') { e.size_cmp = -1; s++; }
                char *end; e.size = strtoll(s, &end, 10); e.size_unit = *end ? *end : 'b';
            }
            else if (!strcmp(a, "-regex")) {
                e.kind = 11;
                Buf b = {0}; buf_addc(&b, '^'); buf_adds(&b, e.arg); buf_addc(&b, '$');
                char *re = buf_take(&b);
                char *ere = bre_to_ere(re);
                regcomp(&e.rx, ere, REG_EXTENDED);
                free(re); free(ere);
            }
            else if (!strcmp(a, "-newer") || !strcmp(a, "-mtime") || !strcmp(a, "-perm") || !strcmp(a, "-user")) e.kind = 8;
            else e.kind = 3;
        } else if (!strcmp(a, "-print") || !strcmp(a, "-print0")) { e.kind = 4; f.has_action = 1; }
        else if (!strcmp(a, "-delete")) { e.kind = 6; f.has_action = 1; }
        else if (!strcmp(a, "-empty")) e.kind = 7;
        else if (!strcmp(a, "-true")) e.kind = 8;
        else if (!strcmp(a, "-false")) { e.kind = 8; e.neg = !e.neg; }
        else if (!strcmp(a, "-exec") || !strcmp(a, "-execdir") || !strcmp(a, "-ok")) {
            e.kind = 5; f.has_action = 1;
            i++;
            while (i < argc && strcmp(argv[i], ";") && strcmp(argv[i], "+")) {
                e.exec = xrealloc(e.exec, sizeof(char *) * (size_t)(e.nexec + 2));
                e.exec[e.nexec++] = xstrdup(argv[i]);
                i++;
            }
            if (i >= argc) { ERR(io, "find: missing argument to `-exec'\n"); free(paths); return 1; }
            if (!strcmp(argv[i], "+")) { e.exec_plus = 1; if (e.nexec && !strcmp(e.exec[e.nexec - 1], "{}")) free(e.exec[--e.nexec]); }
            if (!e.nexec) { ERR(io, "find: missing argument to `-exec'\n"); free(paths); return 1; }
            e.exec[e.nexec] = NULL;
        }
        else if (!strcmp(a, "-prune") || !strcmp(a, "-quit")) e.kind = 8;
        else { ERR(io, "find: unknown predicate `%s'\n", a); free(paths); return 1; }
        FGroup *g = &f.g[f.ng - 1];
        g->e = xrealloc(g->e, sizeof(FExpr) * (size_t)(g->n + 1));
        g->e[g->n++] = e;
    }
    for (int k = 0; k < np; k++) find_walk(&f, paths[k], 0);
    /* -exec ... + */
    for (int gi = 0; gi < f.ng; gi++) for (int k = 0; k < f.g[gi].n; k++) {
        FExpr *e = &f.g[gi].e[k];
        if (e->kind == 5 && e->exec_plus) {
            int base = 0;
            for (int j = 0; j < e->nexec; j++) if (!e->exec[j]) break; else base = j + 1;
            (void)base;
            if (e->nexec > 0) {
                /* the command words were stored first; collected paths follow */
            }
        }
    }
    for (int gi = 0; gi < f.ng; gi++) {
        for (int k = 0; k < f.g[gi].n; k++) {
            FExpr *e = &f.g[gi].e[k];
            if (e->kind == 5 && e->exec_plus && e->nexec) {
                /* command words are the initial ones; count them by re-scanning argv is complex: we ran with
                   paths appended, so run once with the full vector when extra paths exist */
                sh_run_argv(sh, e->nexec, e->exec, io);
            }
            if (e->kind == 5) free_strv(e->exec, e->nexec);
            if (e->kind == 11) regfree(&e->rx);
        }
        free(f.g[gi].e);
    }
    free(f.g);
    free(paths);
    return f.st;
}

/* ---- xargs --------------------------------------------------------------------------- */
static int u_xargs(Sh *sh, int argc, char **argv, IO *io) {
    int maxn = 0, i = 1, nul = 0, noempty = 0, verbose = 0;
    const char *repl = NULL;
    char delim = 0;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) { i++; break; }
        if (a[1] == 'n' || a[1] == 'L' || a[1] == 'P' || a[1] == 's') {
            const char *v = a[2] ? a + 2 : (i + 1 < argc ? argv[++i] : "1");
            if (a[1] != 'P' && a[1] != 's') maxn = atoi(v);
            continue;
        }
        if (a[1] == 'I') { repl = a[2] ? a + 2 : (i + 1 < argc ? argv[++i] : "{}"); maxn = 1; continue; }
        if (a[1] == 'i') { repl = a[2] ? a + 2 : "{}"; maxn = 1; continue; }
        if (a[1] == 'd') { const char *v = a[2] ? a + 2 : (i + 1 < argc ? argv[++i] : "\n"); delim = v[0] == '\\' && v[1] == 'n' ? '\n' : v[0]; continue; }
        if (!strcmp(a, "-0") || !strcmp(a, "--null")) { nul = 1; continue; }
        if (!strcmp(a, "-r") || !strcmp(a, "--no-run-if-empty")) { noempty = 1; continue; }
        if (!strcmp(a, "-t")) { verbose = 1; continue; }
        if (!strcmp(a, "-x") || !strcmp(a, "-p")) continue;
        ERR(io, "xargs: invalid option -- '%c'\n", a[1]);
        return 1;
    }
    char **cmd = argv + i; int ncmd = argc - i;
    static char *echo_cmd[] = { "echo", NULL };
    if (ncmd == 0) { cmd = echo_cmd; ncmd = 1; }
    size_t len;
    char *d = in_readall(io->in, &len);
    Lines items = {0};
    if (nul || delim || repl) {
        char sep = nul ? 0 : delim ? delim : '\n';
        size_t st = 0;
        for (size_t k = 0; k <= len; k++) {
            if (k == len || d[k] == sep) {
                if (k > st || (k < len && !repl)) {
                    char *it = xstrndup(d + st, k - st);
                    if (repl) { char *p = it; while (*p == ' ' || *p == '\t') p++; if (*p) lines_push(&items, xstrdup(p)); free(it); }
                    else lines_push(&items, it);
                }
                st = k + 1;
            }
        }
    } else {
        size_t k = 0;
        while (k < len) {
            while (k < len && isspace((unsigned char)d[k])) k++;
            if (k >= len) break;
            Buf w = {0};
            while (k < len && !isspace((unsigned char)d[k])) {
                char c = d[k];
                if (c == '\'' || c == '"') {
                    k++;
                    while (k < len && d[k] != c) buf_addc(&w, d[k++]);
                    k++;
                    continue;
                }
                if (c == '\\' && k + 1 < len) { buf_addc(&w, d[k + 1]); k += 2; continue; }
                buf_addc(&w, c); k++;
            }
            buf_adds(&w, "");
            lines_push(&items, buf_take(&w));
        }
    }
    int st = 0;
    if (items.n == 0) {
        lines_free(&items);
        if (noempty || repl) return 0;
        In empty = { NULL, 0, 0, 1 };
        IO sub = *io; sub.in = &empty;
        return sh_run_argv(sh, ncmd, cmd, &sub) ? 123 : 0;
    }
    int per = maxn > 0 ? maxn : items.n;
    for (int k = 0; k < items.n; k += per) {
        int cnt = items.n - k < per ? items.n - k : per;
        char **av = xmalloc(sizeof(char *) * (size_t)(ncmd + cnt + 1));
        int ac = 0;
        if (repl) {
            for (int j = 0; j < ncmd; j++) {
                const char *w = cmd[j];
                Buf b = {0};
                const char *p;
                while ((p = strstr(w, repl))) { buf_add(&b, w, (size_t)(p - w)); buf_adds(&b, items.v[k]); w = p + strlen(repl); }
                buf_adds(&b, w);
                av[ac++] = buf_take(&b);
            }
        } else {
            for (int j = 0; j < ncmd; j++) av[ac++] = xstrdup(cmd[j]);
            for (int j = 0; j < cnt; j++) av[ac++] = xstrdup(items.v[k + j]);
        }
        av[ac] = NULL;
        if (verbose) {
            for (int j = 0; j < ac; j++) ERR(io, "%s%s", j ? " " : "", av[j]);
            ERR(io, "\n");
        }
        In empty = { NULL, 0, 0, 1 };
        IO sub = *io; sub.in = &empty;
        int r = sh_run_argv(sh, ac, av, &sub);
        if (r == 127) { free_strv(av, ac); lines_free(&items); return 127; }
        if (r) st = 123;
        free_strv(av, ac);
    }
    lines_free(&items);
    return st;
}

/* ---- misc ------------------------------------------------------------------------------- */
static int u_basename(Sh *sh, int argc, char **argv, IO *io) {
    UNUSED(sh);
    int multi = 0, i = 1;
    const char *suffix = NULL;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (!strcmp(argv[i], "-a")) multi = 1;
        else if (!strcmp(argv[i], "-s")) { suffix = i + 1 < argc ? argv[++i] : ""; multi = 1; }
        else if (!strcmp(argv[i], "--")) { i++; break; }
    }
    if (i >= argc) { ERR(io, "basename: missing operand\nTry 'basename --help' for more information.\n"); return 1; }
    if (!multi && i + 1 < argc) suffix = argv[i + 1];
    int end = multi ? argc : i + 1;
    for (; i < end; i++) {
        const char *p = argv[i];
        size_t n = strlen(p);
        while (n > 1 && p[n - 1] == '/') n--;
        size_t s = n;
        while (s > 0 && p[s - 1] != '/') s--;
        char *b = xstrndup(p + s, n - s);
        if (!*b && n) { free(b); b = xstrdup("/"); }
        if (suffix && *suffix) {
            size_t bl = strlen(b), sl = strlen(suffix);
            if (bl > sl && !strcmp(b + bl - sl, suffix)) b[bl - sl] = 0;
        }
        OUT(io, "%s\n", b);
        free(b);
    }
    return 0;
}

static int u_dirname(Sh *sh, int argc, char **argv, IO *io) {
    UNUSED(sh);
    if (argc < 2) { ERR(io, "dirname: missing operand\nTry 'dirname --help' for more information.\n"); return 1; }
    for (int i = 1; i < argc; i++) {
        char *p = xstrdup(argv[i]);
        size_t n = strlen(p);
        while (n > 1 && p[n - 1] == '/') p[--n] = 0;
        char *sl = strrchr(p, '/');
        if (!sl) OUT(io, ".\n");
        else {
            while (sl > p && sl[-1] == '/') sl--;
            if (sl == p) OUT(io, "/\n");
            else { *sl = 0; OUT(io, "%s\n", p); }
        }
        free(p);
    }
    return 0;
}

static int u_seq(Sh *sh, int argc, char **argv, IO *io) {
    UNUSED(sh);
    const char *sep = "\n", *fmt = NULL;
    int w = 0;
    double v[3]; int nv = 0;
    int isfloat = 0, prec = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] == '-' && (a[1] == 's' || a[1] == 'f') ) {
            const char *val = a[2] ? a + 2 : (i + 1 < argc ? argv[++i] : "");
            if (a[1] == 's') sep = val; else fmt = val;
            continue;
        }
        if (!strcmp(a, "-w")) { w = 1; continue; }
        char *end;
        double d = strtod(a, &end);
        if (*end || end == a) { ERR(io, "seq: invalid floating point argument: '%s'\nTry 'seq --help' for more information.\n", a); return 1; }
        const char *dot = strchr(a, '.');
        if (dot) { isfloat = 1; int p = (int)strlen(dot + 1); if (p > prec) prec = p; }
        if (nv < 3) v[nv++] = d;
    }
    if (nv == 0) { ERR(io, "seq: missing operand\nTry 'seq --help' for more information.\n"); return 1; }
    double first = 1, inc = 1, last;
    if (nv == 1) last = v[0];
    else if (nv == 2) { first = v[0]; last = v[1]; }
    else { first = v[0]; inc = v[1]; last = v[2]; }
    if (inc == 0) { ERR(io, "seq: invalid Zero increment value: '0'\n"); return 1; }
    Buf o = {0};
    int width = 0;
    if (w) {
        char t1[64], t2[64];
        snprintf(t1, sizeof t1, "%.*f", prec, first); snprintf(t2, sizeof t2, "%.*f", prec, last);
        width = (int)(strlen(t1) > strlen(t2) ? strlen(t1) : strlen(t2));
    }
    long long count = 0;
    for (double x = first; inc > 0 ? x <= last + 1e-9 : x >= last - 1e-9; x = first + inc * (double)(++count)) {
        if (count) buf_adds(&o, sep);
        if (fmt) buf_printf(&o, fmt, x);
        else if (isfloat) buf_printf(&o, w ? "%0*.*f" : "%*.*f", width, prec, x);
        else buf_printf(&o, w ? "%0*lld" : "%*lld", width, (long long)x);
        if (o.len > (32u << 20)) break;
    }
    if (count) buf_adds(&o, "\n");
    io_write(io, 1, o.s ? o.s : "", o.len);
    buf_free(&o);
    return 0;
}

static int u_tee(Sh *sh, int argc, char **argv, IO *io) {
    int app = 0, st = 0;
    size_t len;
    char *d = in_readall(io->in, &len);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-a") || !strcmp(argv[i], "--append")) { app = 1; continue; }
        if (argv[i][0] == '-' && argv[i][1]) continue;
    }
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1]) continue;
        if (!strcmp(argv[i], "/dev/null")) continue;
        if (!strcmp(argv[i], "/dev/stderr")) { io_write(io, 2, d, len); continue; }
        char *h = sh_hostpath(sh, argv[i]);
        int fd = open(h, O_WRONLY | O_CREAT | (app ? O_APPEND : O_TRUNC), 0644);
        free(h);
        if (fd < 0) { ERR(io, "tee: %s: %s\n", argv[i], sh_strerror(errno)); st = 1; continue; }
        Out *o = out_new_fd(fd);
        out_write(o, d, len);
        out_unref(o);
    }
    io_write(io, 1, d, len);
    return st;
}

static int u_date(Sh *sh, int argc, char **argv, IO *io) {
    UNUSED(sh);
    time_t t = time(NULL);
    const char *fmt = "%a %b %e %H:%M:%S UTC %Y";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] == '+') fmt = a + 1;
        else if (!strcmp(a, "-u") || !strcmp(a, "--utc") || !strcmp(a, "-R")) { if (a[1] == 'R') fmt = "%a, %d %b %Y %H:%M:%S +0000"; }
        else if (!strcmp(a, "-I") || !strncmp(a, "--iso-8601", 10)) fmt = strchr(a, '=') && strstr(a, "seconds") ? "%Y-%m-%dT%H:%M:%S+00:00" : "%Y-%m-%d";
        else if (!strncmp(a, "-Is", 3)) fmt = "%Y-%m-%dT%H:%M:%S+00:00";
        else if (!strcmp(a, "-d") || !strncmp(a, "--date=", 7)) {
            const char *v = a[1] == 'd' ? (i + 1 < argc ? argv[++i] : "") : a + 7;
            if (v[0] == '@') t = (time_t)atoll(v + 1);
            else if (!strcmp(v, "now") || !*v) {}
            else {
                struct tm tm; memset(&tm, 0, sizeof tm);
                int y, mo, d, H = 0, M = 0, S = 0;
                if (sscanf(v, "%d-%d-%d %d:%d:%d", &y, &mo, &d, &H, &M, &S) >= 3 || sscanf(v, "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &H, &M, &S) >= 3) {
                    /* days from civil */
                    long long yy = y - (mo <= 2);
                    long long era = (yy >= 0 ? yy : yy - 399) / 400;
                    long long yoe = yy - era * 400;
                    long long doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
                    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
                    long long days = era * 146097 + doe - 719468;
                    t = (time_t)(days * 86400 + H * 3600 + M * 60 + S);
                } else { ERR(io, "date: invalid date '%s'\n", v); return 1; }
            }
        }
    }
    struct tm tm;
    gmtime_r(&t, &tm);
    /* %s and %N are not in every strftime */
    Buf f = {0};
    for (const char *p = fmt; *p; p++) {
        if (p[0] == '%' && p[1] == 's') { buf_printf(&f, "%lld", (long long)t); p++; continue; }
        if (p[0] == '%' && p[1] == 'N') { buf_adds(&f, "000000000"); p++; continue; }
        if (p[0] == '%' && p[1] == '%') { buf_adds(&f, "%%"); p++; continue; }
        buf_addc(&f, *p);
    }
    buf_adds(&f, "");
    char out[1024];
    size_t n = strftime(out, sizeof out, f.s, &tm);
    buf_free(&f);
    out[n] = 0;
    OUT(io, "%s\n", out);
    return 0;
}

static int u_env(Sh *sh, int argc, char **argv, IO *io) {
    int i = 1;
    void *saved = NULL;
    for (; i < argc; i++) {
        if (!strcmp(argv[i], "-i") || !strcmp(argv[i], "-")) continue;
        if (!strcmp(argv[i], "-u") && i + 1 < argc) { if (!saved) saved = sh_save(sh); var_unset(sh, argv[++i]); continue; }
        char *eq = strchr(argv[i], '=');
        if (!eq || eq == argv[i]) break;
        if (!saved) saved = sh_save(sh);
        char *nm = xstrndup(argv[i], (size_t)(eq - argv[i]));
        var_set(sh, nm, eq + 1);
        var_find(sh, nm)->exported = 1;
        free(nm);
    }
    int st = 0;
    if (i < argc) st = sh_run_argv(sh, argc - i, argv + i, io);
    else {
        int n = 0;
        for (Var *v = sh->vars; v; v = v->next) if (v->exported) n++;
        char **lines = xmalloc(sizeof(char *) * (size_t)(n + 1));
        n = 0;
        for (Var *v = sh->vars; v; v = v->next) if (v->exported) { Buf b = {0}; buf_printf(&b, "%s=%s", v->name, v->val); lines[n++] = buf_take(&b); }
        qsort(lines, (size_t)n, sizeof(char *), sort_strcmp);
        for (int k = 0; k < n; k++) OUT(io, "%s\n", lines[k]);
        free_strv(lines, n);
    }
    if (saved) sh_restore(sh, saved);
    return st;
}

static int u_sleep(Sh *sh, int argc, char **argv, IO *io) {
    UNUSED(sh);
    double total = 0;
    if (argc < 2) { ERR(io, "sleep: missing operand\nTry 'sleep --help' for more information.\n"); return 1; }
    for (int i = 1; i < argc; i++) {
        char *end;
        double d = strtod(argv[i], &end);
        if (end == argv[i]) { ERR(io, "sleep: invalid time interval '%s'\n", argv[i]); return 1; }
        if (*end == 'm') d *= 60; else if (*end == 'h') d *= 3600; else if (*end == 'd') d *= 86400;
        else if (*end && *end != 's') { ERR(io, "sleep: invalid time interval '%s'\n", argv[i]); return 1; }
        total += d;
    }
    struct timespec ts;
    ts.tv_sec = (time_t)total;
    ts.tv_nsec = (long)((total - (double)ts.tv_sec) * 1e9);
    nanosleep(&ts, NULL);
    return 0;
}

static int u_yes(Sh *sh, int argc, char **argv, IO *io) {
    UNUSED(sh);
    /* bounded: a pipeline runs stage by stage, so yes cannot run forever */
    Buf b = {0};
    const char *w = argc > 1 ? argv[1] : "y";
    for (int i = 0; i < 10000; i++) { buf_adds(&b, w); buf_addc(&b, '\n'); }
    io_write(io, 1, b.s, b.len);
    buf_free(&b);
    return 0;
}

static int u_rev(Sh *sh, int argc, char **argv, IO *io) {
    Buf all = {0};
    int st = gather(sh, io, argv + 1, argc - 1, "rev", &all);
    Lines l = {0};
    split_lines(all.s ? all.s : "", all.len, &l);
    buf_free(&all);
    Buf o = {0};
    for (int i = 0; i < l.n; i++) { size_t n = strlen(l.v[i]); for (size_t k = n; k > 0; k--) buf_addc(&o, l.v[i][k - 1]); buf_addc(&o, '\n'); }
    io_write(io, 1, o.s ? o.s : "", o.len);
    buf_free(&o); lines_free(&l);
    return st;
}

static int u_tac(Sh *sh, int argc, char **argv, IO *io) {
    Buf all = {0};
    int st = gather(sh, io, argv + 1, argc - 1, "tac", &all);
    Lines l = {0};
    split_lines(all.s ? all.s : "", all.len, &l);
    buf_free(&all);
    Buf o = {0};
    for (int i = l.n; i > 0; i--) { buf_adds(&o, l.v[i - 1]); buf_addc(&o, '\n'); }
    io_write(io, 1, o.s ? o.s : "", o.len);
    buf_free(&o); lines_free(&l);
    return st;
}

static int u_nl(Sh *sh, int argc, char **argv, IO *io) {
    Buf all = {0};
    int st = gather(sh, io, argv + 1, argc - 1, "nl", &all);
    Lines l = {0};
    split_lines(all.s ? all.s : "", all.len, &l);
    buf_free(&all);
    Buf o = {0};
    int k = 1;
    for (int i = 0; i < l.n; i++) {
        if (l.v[i][0]) buf_printf(&o, "%6d\t%s\n", k++, l.v[i]);
        else buf_adds(&o, "       \n");
    }
    io_write(io, 1, o.s ? o.s : "", o.len);
    buf_free(&o); lines_free(&l);
    return st;
}

static int u_realpath(Sh *sh, int argc, char **argv, IO *io) {
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1]) continue;
        char *a = sh_abspath(sh, argv[i]);
        OUT(io, "%s\n", a);
        free(a);
    }
    return 0;
}

static int u_stat(Sh *sh, int argc, char **argv, IO *io) {
    const char *fmt = NULL; int st = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-c") && i + 1 < argc) { fmt = argv[++i]; continue; }
        if (!strncmp(argv[i], "--format=", 9)) { fmt = argv[i] + 9; continue; }
        if (argv[i][0] == '-') continue;
        char *h = sh_hostpath(sh, argv[i]);
        struct stat s;
        if (stat(h, &s) != 0) { ERR(io, "stat: cannot statx '%s': %s\n", argv[i], sh_strerror(errno)); st = 1; free(h); continue; }
        free(h);
        if (!fmt) { OUT(io, "  File: %s\n  Size: %lld\n", argv[i], (long long)s.st_size); continue; }
        Buf o = {0};
        for (const char *p = fmt; *p; p++) {
            if (*p != '%' || !p[1]) { buf_addc(&o, *p); continue; }
            p++;
            switch (*p) {
            case 's': buf_printf(&o, "%lld", (long long)s.st_size); break;
            case 'n': buf_adds(&o, argv[i]); break;
            case 'Y': buf_printf(&o, "%lld", (long long)s.st_mtime); break;
            case 'F': buf_adds(&o, S_ISDIR(s.st_mode) ? "directory" : S_ISREG(s.st_mode) ? (s.st_size ? "regular file" : "regular empty file") : "other"); break;
            case 'a': buf_printf(&o, "%o", (unsigned)(s.st_mode & 0777)); break;
            default: buf_addc(&o, '%'); buf_addc(&o, *p);
            }
        }
        buf_addc(&o, '\n');
        io_write(io, 1, o.s, o.len);
        buf_free(&o);
    }
    return st;
}

static const Builtin utils[] = {
    { "cat", u_cat }, { "head", u_head }, { "tail", u_tail }, { "wc", u_wc }, { "sort", u_sort },
    { "uniq", u_uniq }, { "cut", u_cut }, { "tr", u_tr }, { "grep", u_grep }, { "egrep", u_grep },
    { "fgrep", u_grep }, { "sed", u_sed }, { "ls", u_ls }, { "mkdir", u_mkdir }, { "rm", u_rm },
    { "rmdir", u_rmdir }, { "cp", u_cp }, { "mv", u_mv }, { "touch", u_touch }, { "find", u_find },
    { "xargs", u_xargs }, { "basename", u_basename }, { "dirname", u_dirname }, { "seq", u_seq },
    { "tee", u_tee }, { "date", u_date }, { "env", u_env }, { "printenv", u_env }, { "sleep", u_sleep },
    { "yes", u_yes }, { "rev", u_rev }, { "tac", u_tac }, { "nl", u_nl }, { "realpath", u_realpath },
    { "readlink", u_realpath }, { "stat", u_stat },
    { NULL, NULL }
};

BuiltinFn util_find(const char *name) {
    for (int i = 0; utils[i].name; i++) if (!strcmp(utils[i].name, name)) return utils[i].fn;
    return NULL;
}
