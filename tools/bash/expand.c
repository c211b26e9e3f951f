/* Word expansion: quotes, parameters, command substitution, arithmetic,
 * field splitting, pathname expansion; pattern matching. */
#include "sh.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <dirent.h>
#include <sys/stat.h>
#include <regex.h>

/* mask bytes */
#define M_LIT 'L'   /* unquoted literal: glob active, never split */
#define M_Q   'Q'   /* quoted */
#define M_EXP 'E'   /* unquoted expansion result: glob + split */
#define M_BRK 'B'   /* hard field break ("$@") */
#define M_Z   'Z'   /* zero-width marker: an (empty) quoted string was here */

typedef struct {
    Sh *sh;
    IO *io;
    Buf b, m;
    int error;
} Ex;

static void ex_add(Ex *x, const char *s, size_t n, char mask) {
    buf_add(&x->b, s, n);
    for (size_t i = 0; i < n; i++) buf_addc(&x->m, mask);
}
static void ex_addc(Ex *x, char c, char mask) { ex_add(x, &c, 1, mask); }

static void ex_seg(Ex *x, const char *s, size_t i, size_t end, int dq);

/* expand raw text as if in double quotes (for ${x:-word} in dq, arithmetic, heredocs) */
static char *expand_sub(Sh *sh, const char *s, size_t n, IO *io, int dq, int *err) {
    Ex x; memset(&x, 0, sizeof x);
    x.sh = sh; x.io = io;
    ex_seg(&x, s, 0, n, dq);
    if (err) *err = x.error;
    /* drop markers */
    Buf o = {0};
    for (size_t i = 0; i < x.b.len; i++) {
        if (x.m.s[i] == M_Z) continue;
        if (x.m.s[i] == M_BRK) { buf_addc(&o, ' '); continue; }
        buf_addc(&o, x.b.s[i]);
    }
    buf_free(&x.b); buf_free(&x.m);
    if (!o.s) buf_adds(&o, "");
    return buf_take(&o);
}

static int is_name_start(int c) { return isalpha(c) || c == '_'; }
static int is_name_char(int c) { return isalnum(c) || c == '_'; }

static const char *special_param(Sh *sh, char c, char *tmp) {
    switch (c) {
    case '?': snprintf(tmp, 32, "%d", sh->status); return tmp;
    case '#': snprintf(tmp, 32, "%d", sh->npos); return tmp;
    case '$': return "1";
    case '!': return "";
    case '-': snprintf(tmp, 32, "%s%s%sh", sh->opt_e ? "e" : "", sh->opt_u ? "u" : "", sh->opt_x ? "x" : ""); return tmp;
    case '0': return sh->arg0;
    }
    if (c >= '1' && c <= '9') { int k = c - '1'; return k < sh->npos ? sh->pos[k] : NULL; }
    return NULL;
}

static const char *param_value(Sh *sh, const char *name, char *tmp) {
    if (!name[0]) return NULL;
    if (isdigit((unsigned char)name[0])) {
        int k = atoi(name);
        if (k == 0) return sh->arg0;
        return k <= sh->npos ? sh->pos[k - 1] : NULL;
    }
    if (!name[1] && strchr("?#$!-", name[0])) return special_param(sh, name[0], tmp);
    if (!strcmp(name, "RANDOM")) {
        sh->rnd = sh->rnd * 1103515245u + 12345u;
        snprintf(tmp, 32, "%lu", (sh->rnd >> 16) & 0x7fff);
        return tmp;
    }
    if (!strcmp(name, "LINENO")) { snprintf(tmp, 32, "%ld", sh->lineno); return tmp; }
    return var_get(sh, name);
}

static void unbound(Ex *x, const char *name) {
    ERR(x->io, "bash: %s: unbound variable\n", name);
    x->error = 1;
    x->sh->status = 1;
    x->sh->ctl = CTL_EXIT; x->sh->ctl_n = 1;
}

static void add_value(Ex *x, const char *v, int dq) {
    if (v) ex_add(x, v, strlen(v), dq ? M_Q : M_EXP);
}

static char *join_pos(Sh *sh, const char *sep) {
    Buf b = {0};
    buf_adds(&b, "");
    for (int i = 0; i < sh->npos; i++) {
        if (i) buf_adds(&b, sep);
        buf_adds(&b, sh->pos[i]);
    }
    return buf_take(&b);
}

/* remove shortest/longest prefix/suffix matching pat */
static char *trim_pat(const char *v, const char *pat, int suffix, int longest) {
    size_t n = strlen(v);
    char *tmp = xmalloc(n + 1);
    if (!suffix) {
        for (size_t k = 0; k <= n; k++) {
            size_t l = longest ? n - k : k;
            memcpy(tmp, v, l); tmp[l] = 0;
            if (pmatch(pat, tmp, 0)) { free(tmp); return xstrdup(v + l); }
        }
    } else {
        for (size_t k = 0; k <= n; k++) {
            size_t st = longest ? k : n - k;
            if (pmatch(pat, v + st, 0)) { free(tmp); return xstrndup(v, st); }
        }
    }
    free(tmp);
    return xstrdup(v);
}

static char *subst_pat(const char *v, const char *pat, const char *rep, int all, int anchor) {
    Buf o = {0};
    buf_adds(&o, "");
    size_t n = strlen(v);
    size_t i = 0;
    char *tmp = xmalloc(n + 1);
    int done = 0;
    while (i <= n) {
        size_t best = (size_t)-1;
        if (!done && !(anchor == 1 && i > 0)) {
            for (size_t l = n - i + 1; l-- > 0;) {   /* longest match at i */
                if (anchor == 2 && i + l != n) continue;
                memcpy(tmp, v + i, l); tmp[l] = 0;
                if (pmatch(pat, tmp, 0)) { best = l; break; }
            }
        }
        if (best != (size_t)-1 && (best > 0 || pat[0] == 0 ? best > 0 : 1) && !(best == 0 && !*pat)) {
            buf_adds(&o, rep);
            if (best == 0) { if (i < n) buf_addc(&o, v[i]); i++; }
            else i += best;
            if (!all) done = 1;
            continue;
        }
        if (i < n) buf_addc(&o, v[i]);
        i++;
    }
    free(tmp);
    return buf_take(&o);
}

static void do_param(Ex *x, const char *s, size_t n, int dq) {
    /* s: contents between ${ and } */
    Sh *sh = x->sh;
    char tmp[64];
    char name[256];
    size_t i = 0;
    int length = 0, indirect = 0;
    if (n > 1 && s[0] == '#' ) { length = 1; i = 1; }
    else if (n > 1 && s[0] == '!' && is_name_start((unsigned char)s[1])) { indirect = 1; i = 1; }
    size_t ns = i;
    if (i < n && is_name_start((unsigned char)s[i])) { while (i < n && is_name_char((unsigned char)s[i])) i++; }
    else if (i < n && isdigit((unsigned char)s[i])) { while (i < n && isdigit((unsigned char)s[i])) i++; }
    else if (i < n && strchr("@*#?$!-0", s[i])) i++;
    else if (length && i == 1) { length = 0; i = 0; if (n == 1) {} }
    if (i == ns) {
        if (n == 1 && s[0] == '#') { snprintf(tmp, sizeof tmp, "%d", sh->npos); add_value(x, tmp, dq); return; }
        ERR(x->io, "bash: ${%.*s}: bad substitution\n", (int)n, s);
        x->error = 1; sh->status = 1; sh->ctl = CTL_EXIT; sh->ctl_n = 1;
        return;
    }
    size_t nl = i - ns;
    if (nl >= sizeof name) nl = sizeof name - 1;
    memcpy(name, s + ns, nl); name[nl] = 0;
    /* array subscripts: name[@] / name[*] / name[0] -> treat as scalar */
    if (i < n && s[i] == '[') {
        size_t j = i;
        while (j < n && s[j] != ']') j++;
        if (j < n) {
            int idx_all = (j == i + 2 && (s[i + 1] == '@' || s[i + 1] == '*'));
            if (!idx_all) {
                char *ie = xstrndup(s + i + 1, j - i - 1);
                int aerr = 0;
                long long k = arith_eval(sh, ie, x->io, &aerr);
                free(ie);
                if (k != 0) { snprintf(name + strlen(name), sizeof name - strlen(name), "[%lld]", k); }
            } else {
                /* ${arr[@]}: elements stored as name, name[1], name[2]... */
                if (length) {
                    int cnt = 0;
                    if (var_get(sh, name)) cnt++;
                    for (int k = 1; k < 100000; k++) {
                        char nm[300]; snprintf(nm, sizeof nm, "%s[%d]", name, k);
                        if (!var_get(sh, nm)) break;
                        cnt++;
                    }
                    snprintf(tmp, sizeof tmp, "%d", cnt); add_value(x, tmp, dq);
                    return;
                }
                const char *v0 = var_get(sh, name);
                if (v0) add_value(x, v0, dq);
                for (int k = 1; k < 100000; k++) {
                    char nm[300]; snprintf(nm, sizeof nm, "%s[%d]", name, k);
                    const char *v = var_get(sh, nm);
                    if (!v) break;
                    if (dq && s[i + 1] == '@') ex_addc(x, 0, M_BRK);
                    else ex_add(x, " ", 1, dq ? M_Q : M_EXP);
                    add_value(x, v, dq);
                }
                return;
            }
            i = j + 1;
        }
    }
    int at = (!strcmp(name, "@") || !strcmp(name, "*"));
    const char *val;
    char *owned = NULL;
    if (at) { owned = join_pos(sh, " "); val = sh->npos ? owned : NULL; }
    else val = param_value(sh, name, tmp);
    if (indirect && val) {
        char tmp2[64];
        const char *v2 = param_value(sh, val, tmp2);
        char *o2 = v2 ? xstrdup(v2) : NULL;
        free(owned); owned = o2; val = o2;
    }
    if (length) {
        if (!val && sh->opt_u && !at) { unbound(x, name); free(owned); return; }
        if (at) snprintf(tmp, sizeof tmp, "%d", sh->npos);
        else {
            /* count UTF-8 characters */
            size_t c = 0;
            for (const char *q = val ? val : ""; *q; q++) if (((unsigned char)*q & 0xC0) != 0x80) c++;
            snprintf(tmp, sizeof tmp, "%zu", c);
        }
        add_value(x, tmp, dq);
        free(owned);
        return;
    }
    if (i >= n) {
        if (!val && sh->opt_u && !at) { unbound(x, name); free(owned); return; }
        if (at && !strcmp(name, "@")) {
            for (int k = 0; k < sh->npos; k++) {
                if (k) { if (dq) ex_addc(x, 0, M_BRK); else ex_add(x, " ", 1, M_EXP); }
                add_value(x, sh->pos[k], dq);
            }
        } else add_value(x, val, dq);
        free(owned);
        return;
    }
    /* operators */
    const char *op = s + i;
    size_t rest = n - i;
    int colon = 0;
    if (op[0] == ':' && rest > 1 && strchr("-=?+", op[1])) { colon = 1; op++; rest--; }
    char c = op[0];
    if (strchr("-=?+", c)) {
        const char *w = op + 1; size_t wl = rest - 1;
        int isset = val != NULL && !(colon && val[0] == 0);
        if (c == '-') {
            if (isset) add_value(x, val, dq);
            else ex_seg(x, w, 0, wl, dq);
        } else if (c == '=') {
            if (isset) add_value(x, val, dq);
            else {
                char *e = expand_sub(sh, w, wl, x->io, 0, NULL);
                var_set(sh, name, e);
                add_value(x, e, dq);
                free(e);
            }
        } else if (c == '?') {
            if (isset) add_value(x, val, dq);
            else {
                char *e = expand_sub(sh, w, wl, x->io, 0, NULL);
                ERR(x->io, "bash: %s: %s\n", name, *e ? e : "parameter null or not set");
                free(e);
                x->error = 1; sh->status = 1; sh->ctl = CTL_EXIT; sh->ctl_n = 1;
            }
        } else if (c == '+') {
            if (isset) ex_seg(x, w, 0, wl, dq);
        }
        free(owned);
        return;
    }
    if (!val && sh->opt_u && !at) { unbound(x, name); free(owned); return; }
    const char *v = val ? val : "";
    char *res = NULL;
    if (c == '#' || c == '%') {
        int longest = rest > 1 && op[1] == c;
        const char *w = op + 1 + longest;
        size_t wl = rest - 1 - longest;
        char *pw = xstrndup(w, wl);
        char *pat = expand_pattern(sh, pw, x->io);
        free(pw);
        res = trim_pat(v, pat, c == '%', longest);
        free(pat);
    } else if (c == '/') {
        int all = 0, anchor = 0;
        const char *w = op + 1; size_t wl = rest - 1;
        if (wl && w[0] == '/') { all = 1; w++; wl--; }
        else if (wl && w[0] == '#') { anchor = 1; w++; wl--; }
        else if (wl && w[0] == '%') { anchor = 2; w++; wl--; }
        size_t k = 0;
        while (k < wl && w[k] != '/') { if (w[k] == '\\') k++; k++; }
        if (k > wl) k = wl;
        char *pw = xstrndup(w, k);
        char *pat = expand_pattern(sh, pw, x->io);
        free(pw);
        char *rep = k < wl ? expand_sub(sh, w + k + 1, wl - k - 1, x->io, 0, NULL) : xstrdup("");
        res = subst_pat(v, pat, rep, all, anchor);
        free(pat); free(rep);
    } else if (c == ':') {
        /* substring ${x:off:len} */
        char *spec = xstrndup(op + 1, rest - 1);
        char *colon2 = NULL;
        int depth = 0;
        for (char *q = spec; *q; q++) {
            if (*q == '(') depth++; else if (*q == ')') depth--;
            else if (*q == ':' && depth == 0) { colon2 = q; break; }
        }
        if (colon2) *colon2 = 0;
        int e1 = 0;
        long long off = arith_eval(sh, spec, x->io, &e1);
        long long len = -1;
        int haslen = colon2 != NULL;
        if (haslen) len = arith_eval(sh, colon2 + 1, x->io, &e1);
        free(spec);
        if (at) {
            Buf b = {0}; buf_adds(&b, "");
            long long start = off > 0 ? off - 1 : 0;
            if (off == 0) { buf_adds(&b, sh->arg0); }
            long long cnt = 0;
            for (long long k = start; k < sh->npos; k++) {
                if (haslen && cnt >= len + (off == 0 ? -1 : 0)) break;
                if (b.len) buf_addc(&b, ' ');
                buf_adds(&b, sh->pos[k]);
                cnt++;
            }
            res = buf_take(&b);
        } else {
            long long L = (long long)strlen(v);
            if (off < 0) off += L;
            if (off < 0) off = 0;
            if (off > L) off = L;
            long long l = haslen ? len : L - off;
            if (l < 0) l = L - off + l;
            if (l < 0) l = 0;
            if (off + l > L) l = L - off;
            res = xstrndup(v + off, (size_t)l);
        }
    } else if (c == '^' || c == ',') {
        int all = rest > 1 && op[1] == c;
        res = xstrdup(v);
        for (char *q = res; *q; q++) {
            *q = c == '^' ? (char)toupper((unsigned char)*q) : (char)tolower((unsigned char)*q);
            if (!all) break;
        }
    } else {
        ERR(x->io, "bash: ${%.*s}: bad substitution\n", (int)n, s);
        x->error = 1; sh->status = 1; sh->ctl = CTL_EXIT; sh->ctl_n = 1;
        free(owned);
        return;
    }
    add_value(x, res, dq);
    free(res);
    free(owned);
}

static void ansi_c(Ex *x, const char *s, size_t i, size_t end) {
    /* s[i] is first char after $' ; end is index of closing ' */
    Buf o = {0};
    while (i < end) {
        char c = s[i++];
        if (c != '\\' || i >= end) { buf_addc(&o, c); continue; }
        c = s[i++];
        switch (c) {
        case 'n': buf_addc(&o, '\n'); break;
        case 't': buf_addc(&o, '\t'); break;
        case 'r': buf_addc(&o, '\r'); break;
        case 'a': buf_addc(&o, '\a'); break;
        case 'b': buf_addc(&o, '\b'); break;
        case 'e': case 'E': buf_addc(&o, 27); break;
        case 'f': buf_addc(&o, '\f'); break;
        case 'v': buf_addc(&o, '\v'); break;
        case '\\': buf_addc(&o, '\\'); break;
        case '\'': buf_addc(&o, '\''); break;
        case '"': buf_addc(&o, '"'); break;
        case 'x': {
            int v = 0, k = 0;
            while (k < 2 && i < end && isxdigit((unsigned char)s[i])) { v = v * 16 + (isdigit((unsigned char)s[i]) ? s[i] - '0' : (tolower((unsigned char)s[i]) - 'a' + 10)); i++; k++; }
            buf_addc(&o, (char)v); break;
        }
        case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
            int v = c - '0', k = 1;
            while (k < 3 && i < end && s[i] >= '0' && s[i] <= '7') { v = v * 8 + (s[i] - '0'); i++; k++; }
            buf_addc(&o, (char)v); break;
        }
        default: buf_addc(&o, '\\'); buf_addc(&o, c);
        }
    }
    ex_add(x, o.s ? o.s : "", o.len, M_Q);
    ex_addc(x, 0, M_Z);
    buf_free(&o);
}

static void do_cmdsub(Ex *x, const char *body, int dq) {
    char *r = cmd_subst(x->sh, body, x->io);
    add_value(x, r, dq);
    free(r);
}

static void ex_seg(Ex *x, const char *s, size_t i, size_t end, int dq) {
    Sh *sh = x->sh;
    size_t start = i;
    while (i < end && !x->error) {
        char c = s[i];
        if (c == '\\') {
            if (i + 1 >= end) { ex_addc(x, '\\', dq ? M_Q : M_LIT); i++; continue; }
            char d = s[i + 1];
            if (d == '\n') { i += 2; continue; }
            if (dq && !strchr("$`\"\\", d)) { ex_addc(x, '\\', M_Q); i++; continue; }
            ex_addc(x, d, M_Q); i += 2; continue;
        }
        if (c == '\'' && !dq) {
            size_t j = i + 1;
            while (j < end && s[j] != '\'') j++;
            ex_add(x, s + i + 1, j - i - 1, M_Q);
            ex_addc(x, 0, M_Z);
            i = j + 1;
            continue;
        }
        if (c == '"' && !dq) {
            size_t j = i + 1;
            while (j < end && s[j] != '"') {
                if (s[j] == '\\') j += 2;
                else if (s[j] == '$') j = sh_skip_dollar(s, j, end);
                else if (s[j] == '`') j = sh_skip_backtick(s, j, end);
                else j++;
            }
            if (j > end) j = end;
            size_t before = x->b.len;
            ex_seg(x, s, i + 1, j, 1);
            int only_at = (j - i - 1 == 2 && !memcmp(s + i + 1, "$@", 2)) ||
                          (j - i - 1 == 4 && !memcmp(s + i + 1, "${@}", 4)) ||
                          (j - i - 1 > 6 && !memcmp(s + i + j - i - 4, "[@]}", 4) && s[i + 1] == '$' && s[i + 2] == '{' && memchr(s + i + 1, '[', j - i - 1) && !memchr(s + i + 3, '$', j - i - 4));
            if (!(only_at && x->b.len == before)) ex_addc(x, 0, M_Z);
            i = j + 1;
            continue;
        }
        if (c == '`') {
            size_t j = sh_skip_backtick(s, i, end);
            /* unescape \` \\ \$ inside */
            Buf body = {0};
            for (size_t k = i + 1; k + 1 < j || (k < j && s[k] != '`'); k++) {
                if (s[k] == '`') break;
                if (s[k] == '\\' && k + 1 < j && strchr("`\\$", s[k + 1])) { k++; }
                buf_addc(&body, s[k]);
            }
            char *b = buf_take(&body);
            if (!b) b = xstrdup("");
            do_cmdsub(x, b, dq);
            free(b);
            i = j;
            continue;
        }
        if (c == '~' && !dq && i == start) {
            size_t j = i + 1;
            while (j < end && s[j] != '/' && s[j] != ':') j++;
            if (j == i + 1) {
                const char *h = var_get(sh, "HOME");
                ex_add(x, h ? h : "/", strlen(h ? h : "/"), M_Q);
                i = j;
                continue;
            }
        }
        if (c == '$' && i + 1 < end) {
            char d = s[i + 1];
            if (d == '(' && i + 2 < end && s[i + 2] == '(') {
                size_t j = sh_skip_dollar(s, i, end);
                /* j after "))" */
                size_t eb = i + 3, ee = j >= 2 ? j - 2 : j;
                if (ee < eb) ee = eb;
                int err = 0;
                char *e = expand_sub(sh, s + eb, ee - eb, x->io, 1, &err);
                if (!err) {
                    long long v = arith_eval(sh, e, x->io, &err);
                    if (err) { x->error = 1; sh->status = 1; }
                    else { char tmp[32]; snprintf(tmp, sizeof tmp, "%lld", v); add_value(x, tmp, dq); }
                } else x->error = 1;
                free(e);
                i = j;
                continue;
            }
            if (d == '(') {
                size_t j = sh_skip_dollar(s, i, end);
                char *body = xstrndup(s + i + 2, (j > i + 2 ? j - 1 : i + 2) - (i + 2));
                do_cmdsub(x, body, dq);
                free(body);
                i = j;
                continue;
            }
            if (d == '{') {
                size_t j = sh_skip_dollar(s, i, end);
                do_param(x, s + i + 2, (j > i + 3 ? j - 1 : i + 2) - (i + 2), dq);
                i = j;
                continue;
            }
            if (d == '\'' && !dq) {
                size_t j = i + 2;
                while (j < end && s[j] != '\'') { if (s[j] == '\\') j++; j++; }
                if (j > end) j = end;
                ansi_c(x, s, i + 2, j);
                i = j + 1;
                continue;
            }
            if (d == '"' && !dq) { i++; continue; } /* $"..." = "..." */
            if (is_name_start((unsigned char)d)) {
                size_t j = i + 1;
                while (j < end && is_name_char((unsigned char)s[j])) j++;
                char *name = xstrndup(s + i + 1, j - i - 1);
                char tmp[64];
                const char *v = param_value(sh, name, tmp);
                if (!v && sh->opt_u) unbound(x, name);
                else add_value(x, v, dq);
                free(name);
                i = j;
                continue;
            }
            if (d == '@' || d == '*') {
                if (d == '@' || !dq) {
                    for (int k = 0; k < sh->npos; k++) {
                        if (k) { if (dq) ex_addc(x, 0, M_BRK); else ex_add(x, " ", 1, M_EXP); }
                        add_value(x, sh->pos[k], dq);
                    }
                } else {
                    const char *ifs = var_get(sh, "IFS");
                    char sep[2] = { ifs ? ifs[0] : ' ', 0 };
                    char *j = join_pos(sh, sep);
                    add_value(x, j, dq);
                    free(j);
                }
                i += 2;
                continue;
            }
            if (isdigit((unsigned char)d) || strchr("?#$!-", d)) {
                char tmp[64];
                const char *v = special_param(sh, d, tmp);
                if (!v && sh->opt_u && isdigit((unsigned char)d)) { char nm[3] = { d, 0, 0 }; unbound(x, nm); }
                else add_value(x, v, dq);
                i += 2;
                continue;
            }
        }
        ex_addc(x, c, dq ? M_Q : M_LIT);
        i++;
    }
}

/* ---- field splitting and globbing ------------------------------------------------ */
static int has_glob(const char *b, const char *m, size_t n) {
    for (size_t i = 0; i < n; i++)
        if ((m[i] == M_LIT || m[i] == M_EXP) && (b[i] == '*' || b[i] == '?' || b[i] == '[')) return 1;
    return 0;
}

typedef struct { char **v; int n, cap; } SV;
static void sv_push(SV *sv, char *s) {
    if (sv->n + 2 > sv->cap) { sv->cap = sv->cap ? sv->cap * 2 : 8; sv->v = xrealloc(sv->v, sizeof(char *) * sv->cap); }
    sv->v[sv->n++] = s;
    sv->v[sv->n] = NULL;
}

static void emit_field(Sh *sh, SV *out, const char *b, const char *m, size_t n, int glob) {
    if (glob && !sh->opt_f && has_glob(b, m, n)) {
        Buf pat = {0};
        for (size_t i = 0; i < n; i++) {
            if (m[i] == M_Z) continue;
            if (m[i] == M_Q && strchr("*?[]\\", b[i])) buf_addc(&pat, '\\');
            buf_addc(&pat, b[i]);
        }
        char *p = buf_take(&pat);
        char **res; int nres;
        if (glob_expand(sh, p, &res, &nres) == 0 && nres > 0) {
            for (int k = 0; k < nres; k++) sv_push(out, res[k]);
            free(res);
            free(p);
            return;
        }
        free(p);
    }
    Buf f = {0};
    buf_adds(&f, "");
    for (size_t i = 0; i < n; i++) if (m[i] != M_Z) buf_addc(&f, b[i]);
    sv_push(out, buf_take(&f));
}

static void split_fields(Sh *sh, Ex *x, SV *out, int glob) {
    const char *ifs = var_get(sh, "IFS");
    if (!ifs) ifs = " \t\n";
    const char *b = x->b.s, *m = x->m.s;
    size_t n = x->b.len;
    size_t fs = 0;          /* field start */
    int have = 0;           /* field has content (or quotes) */
    size_t i = 0;
    while (i < n) {
        if (m[i] == M_BRK) {
            emit_field(sh, out, b + fs, m + fs, i - fs, glob);
            have = 0; fs = i + 1; i++;
            continue;
        }
        if (m[i] == M_EXP && b[i] && strchr(ifs, b[i])) {
            int ws = (b[i] == ' ' || b[i] == '\t' || b[i] == '\n');
            if (have || !ws) emit_field(sh, out, b + fs, m + fs, i - fs, glob);
            have = 0;
            i++;
            if (ws) {
                while (i < n && m[i] == M_EXP && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n') && strchr(ifs, b[i])) i++;
                if (i < n && m[i] == M_EXP && b[i] && strchr(ifs, b[i]) && !(b[i] == ' ' || b[i] == '\t' || b[i] == '\n')) i++;
            }
            fs = i;
            continue;
        }
        have = 1;
        i++;
    }
    if (have) emit_field(sh, out, b + fs, m + fs, n - fs, glob);
}

char **expand_words(Sh *sh, char **words, int n, int *outn, IO *io, int glob) {
    SV out = {0};
    for (int k = 0; k < n; k++) {
        /* brace expansion first: one raw word may become several */
        char **bw = &words[k], **bres = NULL;
        int nb = 1;
        int br = brace_expand(words[k], &bres, &nb);
        if (br < 0) {
            ERR(io, "bash: brace expansion: more than 200000 words\n");
            sh->status = 1;
            free_strv(out.v, out.n);
            *outn = -1;
            return NULL;
        }
        if (br > 0) bw = bres;
        else nb = 1;
        for (int b = 0; b < nb; b++) {
            Ex x; memset(&x, 0, sizeof x);
            x.sh = sh; x.io = io;
            ex_seg(&x, bw[b], 0, strlen(bw[b]), 0);
            if (x.error) {
                buf_free(&x.b); buf_free(&x.m);
                free_strv(out.v, out.n);
                if (br > 0) free_strv(bres, nb);
                *outn = -1;
                return NULL;
            }
            split_fields(sh, &x, &out, glob);
            buf_free(&x.b); buf_free(&x.m);
        }
        if (br > 0) free_strv(bres, nb);
    }
    if (!out.v) { out.v = xmalloc(sizeof(char *)); out.v[0] = NULL; }
    *outn = out.n;
    return out.v;
}

char *expand_str(Sh *sh, const char *word, IO *io) {
    int err = 0;
    char *r = expand_sub(sh, word, strlen(word), io, 0, &err);
    if (err) { free(r); return NULL; }
    return r;
}

char *expand_heredoc(Sh *sh, const char *body, IO *io) {
    /* like double quotes, but '"' is literal */
    Buf o = {0};
    buf_adds(&o, "");
    size_t n = strlen(body), i = 0, lit = 0;
    while (i < n) {
        if (body[i] == '\\' && i + 1 < n && strchr("$`\\\n", body[i + 1])) {
            buf_add(&o, body + lit, i - lit);
            if (body[i + 1] != '\n') buf_addc(&o, body[i + 1]);
            i += 2; lit = i;
            continue;
        }
        if (body[i] == '$' || body[i] == '`') {
            buf_add(&o, body + lit, i - lit);
            size_t j = body[i] == '$' ? sh_skip_dollar(body, i, n) : sh_skip_backtick(body, i, n);
            if (body[i] == '$' && j == i + 1 && i + 1 < n) {
                if (is_name_start((unsigned char)body[i + 1])) { while (j < n && is_name_char((unsigned char)body[j])) j++; }
                else if (strchr("0123456789?#@*$!-", body[i + 1])) j++;
            }
            if (j == i + 1) { buf_addc(&o, '$'); i = j; lit = i; continue; }
            int err = 0;
            char *e = expand_sub(sh, body + i, j - i, io, 1, &err);
            buf_adds(&o, e);
            free(e);
            i = j; lit = i;
            continue;
        }
        i++;
    }
    buf_add(&o, body + lit, n - lit);
    return buf_take(&o);
}

char *expand_pattern(Sh *sh, const char *word, IO *io) {
    Ex x; memset(&x, 0, sizeof x);
    x.sh = sh; x.io = io;
    ex_seg(&x, word, 0, strlen(word), 0);
    Buf pat = {0};
    buf_adds(&pat, "");
    for (size_t i = 0; i < x.b.len; i++) {
        if (x.m.s[i] == M_Z || x.m.s[i] == M_BRK) continue;
        if (x.m.s[i] == M_Q && strchr("*?[]\\", x.b.s[i])) buf_addc(&pat, '\\');
        buf_addc(&pat, x.b.s[i]);
    }
    buf_free(&x.b); buf_free(&x.m);
    return buf_take(&pat);
}

/* ---- pattern matching -------------------------------------------------------- */
static int class_match(const char **pp, unsigned char c, int icase, int *ok) {
    /* *pp at '['. Returns 1 if c matches. *ok=0 if not a valid class */
    const char *p = *pp + 1;
    int neg = 0, match = 0;
    if (*p == '!' || *p == '^') { neg = 1; p++; }
    const char *first = p;
    while (*p && (*p != ']' || p == first)) {
        if (*p == '[' && p[1] == ':') {
            const char *e = strstr(p + 2, ":]");
            if (e) {
                char nm[16]; size_t l = (size_t)(e - p - 2);
                if (l < sizeof nm) {
                    memcpy(nm, p + 2, l); nm[l] = 0;
                    int r = 0;
                    if (!strcmp(nm, "alpha")) r = isalpha(c);
                    else if (!strcmp(nm, "digit")) r = isdigit(c);
                    else if (!strcmp(nm, "alnum")) r = isalnum(c);
                    else if (!strcmp(nm, "space")) r = isspace(c);
                    else if (!strcmp(nm, "upper")) r = isupper(c);
                    else if (!strcmp(nm, "lower")) r = islower(c);
                    else if (!strcmp(nm, "punct")) r = ispunct(c);
                    else if (!strcmp(nm, "xdigit")) r = isxdigit(c);
                    else if (!strcmp(nm, "blank")) r = c == ' ' || c == '\t';
                    if (r) match = 1;
                    p = e + 2;
                    continue;
                }
            }
        }
        unsigned char lo = (unsigned char)*p;
        if (lo == '\\' && p[1]) { p++; lo = (unsigned char)*p; }
        unsigned char hi = lo;
        if (p[1] == '-' && p[2] && p[2] != ']') {
            hi = (unsigned char)p[2];
            if (hi == '\\' && p[3]) { hi = (unsigned char)p[3]; p++; }
            p += 2;
        }
        if (c >= lo && c <= hi) match = 1;
        if (icase) {
            unsigned char u = (unsigned char)toupper(c), l = (unsigned char)tolower(c);
            if ((u >= lo && u <= hi) || (l >= lo && l <= hi)) match = 1;
        }
        p++;
    }
    if (*p != ']') { *ok = 0; return 0; }
    *ok = 1;
    *pp = p + 1;
    return match ^ neg;
}

int pmatch(const char *pat, const char *s, int flags) {
    int icase = flags & PM_CASE;
    if ((flags & PM_PERIOD) && s[0] == '.' && pat[0] != '.' && !(pat[0] == '\\' && pat[1] == '.')) return 0;
    const char *p = pat, *t = s;
    const char *sp = NULL, *st = NULL;
    while (*t) {
        if (*p == '*') {
            while (*p == '*') p++;
            if (!*p) return 1;
            sp = p; st = t;
            continue;
        }
        int matched = 0;
        const char *np = p;
        if (*p == '?') { matched = 1; np = p + 1; }
        else if (*p == '[') {
            int ok = 0;
            const char *q = p;
            int r = class_match(&q, (unsigned char)*t, icase, &ok);
            if (ok) { matched = r; np = q; }
            else { matched = (*t == '['); np = p + 1; }
        } else if (*p) {
            char pc = *p;
            np = p + 1;
            if (pc == '\\' && p[1]) { pc = p[1]; np = p + 2; }
            matched = icase ? tolower((unsigned char)pc) == tolower((unsigned char)*t) : pc == *t;
        }
        if (matched) { p = np; t++; continue; }
        if (sp) { p = sp; t = ++st; continue; }
        return 0;
    }
    while (*p == '*') p++;
    return *p == 0;
}

/* ---- globbing ----------------------------------------------------------------- */
static int comp_has_glob(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\') { i++; continue; }
        if (s[i] == '*' || s[i] == '?' || s[i] == '[') return 1;
    }
    return 0;
}

static char *unescape(const char *s, size_t n) {
    Buf b = {0}; buf_adds(&b, "");
    for (size_t i = 0; i < n; i++) { if (s[i] == '\\' && i + 1 < n) i++; buf_addc(&b, s[i]); }
    return buf_take(&b);
}

static void glob_rec(Sh *sh, const char *prefix, const char *pat, SV *out) {
    /* prefix: guest path built so far ("" for relative start); pat: remaining pattern */
    while (*pat == '/') pat++;
    const char *slash = strchr(pat, '/');
    size_t cl = slash ? (size_t)(slash - pat) : strlen(pat);
    if (!comp_has_glob(pat, cl)) {
        char *lit = unescape(pat, cl);
        Buf np = {0}; buf_adds(&np, prefix);
        if (np.len && np.s[np.len - 1] != '/') buf_addc(&np, '/');
        buf_adds(&np, lit);
        free(lit);
        char *p = buf_take(&np);
        char *h = sh_hostpath(sh, p);
        struct stat st;
        int exists = stat(h, &st) == 0;
        free(h);
        if (exists) {
            if (!slash || !slash[1]) {
                if (slash) { size_t l = strlen(p); p = xrealloc(p, l + 2); p[l] = '/'; p[l + 1] = 0; }
                sv_push(out, p); return;
            }
            glob_rec(sh, p, slash + 1, out);
        }
        free(p);
        return;
    }
    char *cp = xstrndup(pat, cl);
    char *h = sh_hostpath(sh, *prefix ? prefix : ".");
    DIR *d = opendir(h);
    free(h);
    if (!d) { free(cp); return; }
    SV names = {0};
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        if (pmatch(cp, de->d_name, PM_PERIOD)) sv_push(&names, xstrdup(de->d_name));
    }
    closedir(d);
    free(cp);
    if (names.n) qsort(names.v, names.n, sizeof(char *), sort_strcmp);
    for (int k = 0; k < names.n; k++) {
        Buf np = {0}; buf_adds(&np, prefix);
        if (np.len && np.s[np.len - 1] != '/') buf_addc(&np, '/');
        buf_adds(&np, names.v[k]);
        char *p = buf_take(&np);
        if (!slash) { sv_push(out, p); continue; }
        char *hp = sh_hostpath(sh, p);
        struct stat st;
        int isdir = stat(hp, &st) == 0 && S_ISDIR(st.st_mode);
        free(hp);
        if (isdir) {
            if (!slash[1]) { size_t l = strlen(p); p = xrealloc(p, l + 2); p[l] = '/'; p[l + 1] = 0; sv_push(out, p); continue; }
            glob_rec(sh, p, slash + 1, out);
        }
        free(p);
    }
    free_strv(names.v, names.n);
}

int glob_expand(Sh *sh, const char *pat, char ***res, int *nres) {
    SV out = {0};
    glob_rec(sh, pat[0] == '/' ? "/" : "", pat, &out);
    *res = out.v; *nres = out.n;
    return 0;
}

/* ---- command substitution ------------------------------------------------------- */
char *cmd_subst(Sh *sh, const char *script, IO *io) {
    Buf b = {0};
    if (sh->depth >= SH_MAX_DEPTH) {
        ERR(io, "bash: maximum nesting depth exceeded (%d)\n", SH_MAX_DEPTH);
        sh->last_cmdsub_status = 1;
        return xstrdup("");
    }
    void *saved = sh_save(sh);
    IO sub = *io;
    Out *o = out_new_buf(&b);
    sub.fd[1] = o;
    sh->depth++;
    int st = sh_eval(sh, script, &sub);
    sh->depth--;
    out_unref(o);
    sh_restore(sh, saved);
    sh->last_cmdsub_status = st;
    sh->status = st;
    while (b.len && b.s[b.len - 1] == '\n') b.len--;
    buf_adds(&b, "");
    return buf_take(&b);
}

/* ---- arithmetic --------------------------------------------------------------------- */
typedef struct {
    Sh *sh; IO *io;
    const char *s; size_t i;
    int err;
    int noeval;
    int depth;
} A;

static long long a_comma(A *a);
static long long a_assign(A *a);

static void a_ws(A *a) { while (a->s[a->i] && isspace((unsigned char)a->s[a->i])) a->i++; }
static void a_fail(A *a, const char *msg) {
    if (a->err) return;
    a->err = 1;
    ERR(a->io, "bash: %s: %s (error token is \"%s\")\n", a->s, msg, a->s + a->i);
}
static int a_eat(A *a, const char *op) {
    a_ws(a);
    size_t l = strlen(op);
    if (strncmp(a->s + a->i, op, l)) return 0;
    char nx = a->s[a->i + l];
    if (l == 1 && strchr("&|<>", op[0]) && nx == op[0]) return 0;
    if (l == 1 && strchr("&|^<>", op[0]) && nx == '=') return 0;
    if (l == 2 && (!strcmp(op, "<<") || !strcmp(op, ">>")) && nx == '=') return 0;
    a->i += l;
    return 1;
}

static long long var_num(A *a, const char *name) {
    const char *v = var_get(a->sh, name);
    if (!v || !*v) {
        if (a->sh->opt_u && !v) { a_fail(a, "unbound variable"); }
        return 0;
    }
    long long r;
    if (parse_int(v, &r)) return r;
    if (a->depth > 20) { a_fail(a, "expression recursion level exceeded"); return 0; }
    int err = 0;
    A sub = { a->sh, a->io, v, 0, 0, a->noeval, a->depth + 1 };
    r = a_comma(&sub);
    a_ws(&sub);
    if (sub.err || sub.s[sub.i]) err = 1;
    if (err) { a_fail(a, "invalid arithmetic operand"); return 0; }
    return r;
}

static void var_setnum(A *a, const char *name, long long v) {
    if (a->noeval) return;
    char tmp[32]; snprintf(tmp, sizeof tmp, "%lld", v);
    var_set(a->sh, name, tmp);
}

static long long a_primary(A *a) {
    if (sh_stack_exhausted()) { a_fail(a, "expression nesting too deep"); return 0; }
    a_ws(a);
    const char *s = a->s;
    char c = s[a->i];
    if (c == '(') {
        a->i++;
        long long v = a_comma(a);
        a_ws(a);
        if (s[a->i] != ')') { a_fail(a, "missing `)'"); return 0; }
        a->i++;
        return v;
    }
    if (isdigit((unsigned char)c)) {
        long long v = 0;
        size_t st = a->i;
        if (c == '0' && (s[a->i + 1] == 'x' || s[a->i + 1] == 'X')) {
            a->i += 2;
            while (isxdigit((unsigned char)s[a->i])) { char d = s[a->i++]; v = v * 16 + (isdigit((unsigned char)d) ? d - '0' : tolower((unsigned char)d) - 'a' + 10); }
        } else {
            while (isdigit((unsigned char)s[a->i])) v = v * 10 + (s[a->i++] - '0');
            if (s[a->i] == '#') {
                long long base = v; v = 0; a->i++;
                while (isalnum((unsigned char)s[a->i])) {
                    char d = s[a->i];
                    int dv = isdigit((unsigned char)d) ? d - '0' : islower((unsigned char)d) ? d - 'a' + 10 : d - 'A' + (base <= 36 ? 10 : 36);
                    if (dv >= base) { a_fail(a, "value too great for base"); return 0; }
                    v = v * base + dv; a->i++;
                }
            } else if (s[st] == '0' && a->i - st > 1) {
                v = 0;
                for (size_t k = st; k < a->i; k++) {
                    if (s[k] > '7') { a_fail(a, "value too great for base"); return 0; }
                    v = v * 8 + (s[k] - '0');
                }
            }
        }
        if (isalpha((unsigned char)s[a->i]) || s[a->i] == '_') { a_fail(a, "value too great for base"); return 0; }
        return v;
    }
    if (is_name_start((unsigned char)c)) {
        size_t st = a->i;
        while (is_name_char((unsigned char)s[a->i])) a->i++;
        char name[256];
        size_t l = a->i - st; if (l > 255) l = 255;
        memcpy(name, s + st, l); name[l] = 0;
        if (s[a->i] == '[') {
            size_t j = a->i + 1; int d = 1;
            while (s[j] && d) { if (s[j] == '[') d++; else if (s[j] == ']') d--; j++; }
            char *ie = xstrndup(s + a->i + 1, j - a->i - 2);
            int e = 0;
            long long k = arith_eval(a->sh, ie, a->io, &e);
            free(ie);
            if (k) snprintf(name + strlen(name), sizeof name - strlen(name), "[%lld]", k);
            a->i = j;
        }
        a_ws(a);
        if (s[a->i] == '+' && s[a->i + 1] == '+') { a->i += 2; long long v = var_num(a, name); var_setnum(a, name, v + 1); return v; }
        if (s[a->i] == '-' && s[a->i + 1] == '-') { a->i += 2; long long v = var_num(a, name); var_setnum(a, name, v - 1); return v; }
        /* assignment ops */
        static const char *aops[] = { "<<=", ">>=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "=", NULL };
        for (int k = 0; aops[k]; k++) {
            size_t ol = strlen(aops[k]);
            if (!strncmp(s + a->i, aops[k], ol) && !(ol == 1 && s[a->i + 1] == '=')) {
                a->i += ol;
                long long r = a_assign(a);
                long long v = ol == 1 ? r : var_num(a, name);
                switch (aops[k][0]) {
                case '+': v += r; break; case '-': v -= r; break; case '*': v *= r; break;
                case '/': case '%':
                    if (r == 0) { a_fail(a, "division by 0"); return 0; }
                    v = aops[k][0] == '/' ? v / r : v % r; break;
                case '&': v &= r; break; case '|': v |= r; break; case '^': v ^= r; break;
                case '<': v <<= r; break; case '>': v >>= r; break;
                default: break;
                }
                var_setnum(a, name, v);
                return v;
            }
        }
        return var_num(a, name);
    }
    if (c == 0) a_fail(a, "syntax error: operand expected");
    else a_fail(a, "syntax error: operand expected");
    return 0;
}

static long long a_unary(A *a) {
    a_ws(a);
    const char *s = a->s;
    if (s[a->i] == '+' && s[a->i + 1] == '+') {
        a->i += 2; a_ws(a);
        size_t st = a->i;
        while (is_name_char((unsigned char)s[a->i])) a->i++;
        char *nm = xstrndup(s + st, a->i - st);
        long long v = var_num(a, nm) + 1; var_setnum(a, nm, v); free(nm); return v;
    }
    if (s[a->i] == '-' && s[a->i + 1] == '-') {
        a->i += 2; a_ws(a);
        size_t st = a->i;
        while (is_name_char((unsigned char)s[a->i])) a->i++;
        char *nm = xstrndup(s + st, a->i - st);
        long long v = var_num(a, nm) - 1; var_setnum(a, nm, v); free(nm); return v;
    }
    if (s[a->i] == '-') { a->i++; return -a_unary(a); }
    if (s[a->i] == '+') { a->i++; return a_unary(a); }
    if (s[a->i] == '!') { a->i++; return !a_unary(a); }
    if (s[a->i] == '~') { a->i++; return ~a_unary(a); }
    return a_primary(a);
}

static long long a_pow(A *a) {
    long long b = a_unary(a);
    a_ws(a);
    if (a->s[a->i] == '*' && a->s[a->i + 1] == '*') {
        a->i += 2;
        long long e = a_pow(a);
        if (e < 0) { a_fail(a, "exponent less than 0"); return 0; }
        long long r = 1;
        while (e-- > 0) r *= b;
        return r;
    }
    return b;
}

static long long a_mul(A *a) {
    long long v = a_pow(a);
    for (;;) {
        a_ws(a);
        char c = a->s[a->i];
        if ((c == '*' || c == '/' || c == '%') && a->s[a->i + 1] != '=' && !(c == '*' && a->s[a->i + 1] == '*')) {
            a->i++;
            long long r = a_pow(a);
            if (c == '*') v *= r;
            else {
                if (r == 0) { if (!a->noeval) { a_fail(a, "division by 0"); return 0; } r = 1; }
                if (c == '/') v /= r; else v %= r;
            }
        } else return v;
    }
}
static long long a_add(A *a) {
    long long v = a_mul(a);
    for (;;) {
        a_ws(a);
        char c = a->s[a->i];
        if ((c == '+' || c == '-') && a->s[a->i + 1] != '=' && a->s[a->i + 1] != c) {
            a->i++;
            long long r = a_mul(a);
            v = c == '+' ? v + r : v - r;
        } else return v;
    }
}
static long long a_shift(A *a) {
    long long v = a_add(a);
    for (;;) {
        if (a_eat(a, "<<")) v <<= a_add(a);
        else if (a_eat(a, ">>")) v >>= a_add(a);
        else return v;
    }
}
static long long a_rel(A *a) {
    long long v = a_shift(a);
    for (;;) {
        if (a_eat(a, "<=")) v = v <= a_shift(a);
        else if (a_eat(a, ">=")) v = v >= a_shift(a);
        else if (a_eat(a, "<")) v = v < a_shift(a);
        else if (a_eat(a, ">")) v = v > a_shift(a);
        else return v;
    }
}
static long long a_eq(A *a) {
    long long v = a_rel(a);
    for (;;) {
        if (a_eat(a, "==")) v = v == a_rel(a);
        else if (a_eat(a, "!=")) v = v != a_rel(a);
        else return v;
    }
}
static long long a_band(A *a) { long long v = a_eq(a); while (a_eat(a, "&")) v &= a_eq(a); return v; }
static long long a_bxor(A *a) { long long v = a_band(a); while (a_eat(a, "^")) v ^= a_band(a); return v; }
static long long a_bor(A *a) { long long v = a_bxor(a); while (a_eat(a, "|")) v |= a_bxor(a); return v; }
static long long a_land(A *a) {
    long long v = a_bor(a);
    while (a_eat(a, "&&")) {
        int save = a->noeval;
        if (!v) a->noeval = 1;
        long long r = a_bor(a);
        a->noeval = save;
        v = v && r;
    }
    return v;
}
static long long a_lor(A *a) {
    long long v = a_land(a);
    while (a_eat(a, "||")) {
        int save = a->noeval;
        if (v) a->noeval = 1;
        long long r = a_land(a);
        a->noeval = save;
        v = v || r;
    }
    return v;
}
static long long a_cond(A *a) {
    long long c = a_lor(a);
    if (a_eat(a, "?")) {
        int save = a->noeval;
        if (!c) a->noeval = 1;
        long long t = a_assign(a);
        a->noeval = save;
        if (!a_eat(a, ":")) { a_fail(a, "expected `:'"); return 0; }
        if (c) a->noeval = 1;
        long long f = a_cond(a);
        a->noeval = save;
        return c ? t : f;
    }
    return c;
}
static long long a_assign(A *a) { return a_cond(a); }
static long long a_comma(A *a) {
    long long v = a_assign(a);
    while (a_eat(a, ",")) v = a_assign(a);
    return v;
}

long long arith_eval(Sh *sh, const char *expr, IO *io, int *err) {
    A a; memset(&a, 0, sizeof a);
    a.sh = sh; a.io = io; a.s = expr;
    a_ws(&a);
    if (!expr[a.i]) { if (err) *err = 0; return 0; }
    long long v = a_comma(&a);
    a_ws(&a);
    if (!a.err && a.s[a.i]) a_fail(&a, "syntax error in expression");
    if (err) *err = a.err;
    return a.err ? 0 : v;
}
