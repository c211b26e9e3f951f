/* The executor: variables, redirections, control flow, shell builtins. */
#include "sh.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <regex.h>

/* ---- variables ---------------------------------------------------------------- */
Var *var_find(Sh *sh, const char *name) {
    for (Var *v = sh->vars; v; v = v->next) if (!strcmp(v->name, name)) return v;
    return NULL;
}
const char *var_get(Sh *sh, const char *name) {
    Var *v = var_find(sh, name);
    return v ? v->val : NULL;
}
void var_set(Sh *sh, const char *name, const char *val) {
    Var *v = var_find(sh, name);
    if (!v) {
        v = calloc(1, sizeof *v);
        v->name = xstrdup(name);
        v->next = sh->vars;
        sh->vars = v;
    }
    char *nv = xstrdup(val);
    free(v->val);
    v->val = nv;
    if (!strcmp(name, "PWD") && nv[0] == '/' && strlen(nv) < sizeof sh->cwd) { /* keep cwd in sync */ }
}
void var_unset(Sh *sh, const char *name) {
    for (Var **pv = &sh->vars; *pv; pv = &(*pv)->next) {
        if (!strcmp((*pv)->name, name)) {
            Var *v = *pv;
            *pv = v->next;
            free(v->name); free(v->val); free(v);
            return;
        }
    }
}

static Func *func_find(Sh *sh, const char *name) {
    for (Func *f = sh->funcs; f; f = f->next) if (!strcmp(f->name, name)) return f;
    return NULL;
}

/* ---- subshell state ---------------------------------------------------------------- */
typedef struct Saved {
    Var *vars;
    Func *funcs;
    char **pos; int npos;
    char cwd[4096];
    int opt_e, opt_u, opt_x, opt_f, opt_pipefail;
    LocalFrame *locals;
    int loop_depth, func_depth;
} Saved;

static Var *vars_copy(Var *v) {
    Var *head = NULL, **t = &head;
    for (; v; v = v->next) {
        Var *n = calloc(1, sizeof *n);
        n->name = xstrdup(v->name);
        n->val = v->val ? xstrdup(v->val) : NULL;
        n->exported = v->exported; n->readonly = v->readonly;
        *t = n; t = &n->next;
    }
    return head;
}
static void vars_free(Var *v) {
    while (v) { Var *n = v->next; free(v->name); free(v->val); free(v); v = n; }
}

void *sh_save(Sh *sh) {
    Saved *s = calloc(1, sizeof *s);
    s->vars = sh->vars;
    sh->vars = vars_copy(sh->vars);
    s->funcs = sh->funcs;
    s->pos = xmalloc(sizeof(char *) * (sh->npos + 1));
    for (int i = 0; i < sh->npos; i++) s->pos[i] = xstrdup(sh->pos[i]);
    s->npos = sh->npos;
    memcpy(s->cwd, sh->cwd, sizeof s->cwd);
    s->opt_e = sh->opt_e; s->opt_u = sh->opt_u; s->opt_x = sh->opt_x; s->opt_f = sh->opt_f;
    s->opt_pipefail = sh->opt_pipefail;
    s->locals = sh->locals;
    sh->locals = NULL;
    s->loop_depth = sh->loop_depth; s->func_depth = sh->func_depth;
    return s;
}
void sh_restore(Sh *sh, void *saved) {
    Saved *s = saved;
    vars_free(sh->vars);
    sh->vars = s->vars;
    /* functions defined in the subshell are dropped (leaked list nodes are tiny) */
    sh->funcs = s->funcs;
    free_strv(sh->pos, sh->npos);
    sh->pos = s->pos; sh->npos = s->npos;
    memcpy(sh->cwd, s->cwd, sizeof sh->cwd);
    sh->opt_e = s->opt_e; sh->opt_u = s->opt_u; sh->opt_x = s->opt_x; sh->opt_f = s->opt_f;
    sh->opt_pipefail = s->opt_pipefail;
    sh->locals = s->locals;
    sh->loop_depth = s->loop_depth; sh->func_depth = s->func_depth;
    if (sh->ctl != CTL_NONE) { sh->ctl = CTL_NONE; sh->ctl_n = 0; }
    free(s);
}

/* ---- init ------------------------------------------------------------------------- */
void sh_init(Sh *sh, const char *root) {
    memset(sh, 0, sizeof *sh);
    sh->root = root ? root : "";
    strcpy(sh->cwd, "/");
    sh->arg0 = "bash";
    sh->rnd = 12345;
    var_set(sh, "HOME", "/"); var_find(sh, "HOME")->exported = 1;
    var_set(sh, "PATH", "/usr/local/bin:/usr/bin:/bin"); var_find(sh, "PATH")->exported = 1;
    var_set(sh, "PWD", "/"); var_find(sh, "PWD")->exported = 1;
    var_set(sh, "SHELL", "/bin/bash"); var_find(sh, "SHELL")->exported = 1;
    var_set(sh, "USER", "user"); var_find(sh, "USER")->exported = 1;
    var_set(sh, "PS4", "+ ");
    var_set(sh, "OPTIND", "1");
}

/* ---- redirections -------------------------------------------------------------- */
static void io_ref(IO *io) {
    if (io->in) io->in->refs++;
    for (int i = 0; i < 10; i++) if (io->fd[i]) io->fd[i]->refs++;
}
static void io_unref(IO *io) {
    in_unref(io->in);
    for (int i = 0; i < 10; i++) out_unref(io->fd[i]);
}
static void set_out(IO *io, int fd, Out *o) {
    if (fd < 0 || fd > 9) return;
    if (o) o->refs++;
    out_unref(io->fd[fd]);
    io->fd[fd] = o;
}

static Out *open_out(Sh *sh, const char *path, int append, IO *errio) {
    if (!strcmp(path, "/dev/null")) return out_new_buf(NULL);
    if (!strcmp(path, "/dev/stdout")) { Out *o = errio->fd[1]; if (o) o->refs++; return o; }
    if (!strcmp(path, "/dev/stderr")) { Out *o = errio->fd[2]; if (o) o->refs++; return o; }
    char *h = sh_hostpath(sh, path);
    int fd = open(h, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0644);
    int e = errno;
    free(h);
    if (fd < 0) {
        ERR(errio, "bash: %s: %s\n", path, sh_strerror(e));
        return NULL;
    }
    return out_new_fd(fd);
}

static int apply_redirs(Sh *sh, Redir *r, IO *io) {
    for (; r; r = r->next) {
        char *w = NULL;
        if (r->op == R_HEREDOC) {
            const char *body = r->heredoc ? r->heredoc : "";
            char *d = r->quoted ? xstrdup(body) : expand_heredoc(sh, body, io);
            if (r->fd == 0) { in_unref(io->in); io->in = in_new(d, strlen(d)); }
            else free(d);
            continue;
        }
        w = expand_str(sh, r->word, io);
        if (!w) return 1;
        switch (r->op) {
        case R_HERESTR: {
            size_t l = strlen(w);
            char *d = xmalloc(l + 2);
            memcpy(d, w, l); d[l] = '\n'; d[l + 1] = 0;
            if (r->fd == 0) { in_unref(io->in); io->in = in_new(d, l + 1); }
            else free(d);
            break;
        }
        case R_IN: case R_RDWR: {
            char *data; size_t len;
            if (!strcmp(w, "/dev/null")) { data = xstrdup(""); len = 0; }
            else if (!strcmp(w, "/dev/stdin")) { break; }
            else {
                int e = read_file(sh, w, &data, &len);
                if (e == ENOENT && r->op == R_RDWR) { data = xstrdup(""); len = 0; e = 0; }
                if (e) { ERR(io, "bash: %s: %s\n", w, sh_strerror(e)); free(w); return 1; }
            }
            if (r->fd == 0) { in_unref(io->in); io->in = in_new(data, len); }
            else free(data);
            break;
        }
        case R_OUT: case R_APP: case R_ALL: case R_ALLAPP: {
            Out *o = open_out(sh, w, r->op == R_APP || r->op == R_ALLAPP, io);
            if (!o) { free(w); return 1; }
            if (r->op == R_ALL || r->op == R_ALLAPP) { set_out(io, 1, o); set_out(io, 2, o); }
            else set_out(io, r->fd, o);
            out_unref(o);
            break;
        }
        case R_DUPOUT: case R_DUPIN: {
            if (!strcmp(w, "-")) { if (r->fd >= 1) set_out(io, r->fd, NULL); break; }
            long long k;
            if (!parse_int(w, &k) || k < 0 || k > 9) {
                if (r->op == R_DUPOUT && r->fd == 1) {   /* >&file  == &>file */
                    Out *o = open_out(sh, w, 0, io);
                    if (!o) { free(w); return 1; }
                    set_out(io, 1, o); set_out(io, 2, o); out_unref(o);
                    break;
                }
                ERR(io, "bash: %s: ambiguous redirect\n", w); free(w); return 1;
            }
            if (r->op == R_DUPIN && r->fd == 0) break;  /* <&0 */
            if (k == 0 && r->op == R_DUPOUT) break;
            if (r->fd >= 1) {
                if (!io->fd[k] && k > 2) { ERR(io, "bash: %lld: Bad file descriptor\n", k); free(w); return 1; }
                set_out(io, r->fd, io->fd[k]);
            }
            break;
        }
        }
        free(w);
    }
    return 0;
}

/* ---- execution ---------------------------------------------------------------------- */
static int exec_node(Sh *sh, Node *n, IO *io);

static void check_errexit(Sh *sh, int st) {
    if (st && sh->opt_e && !sh->cond && sh->ctl == CTL_NONE) { sh->ctl = CTL_EXIT; sh->ctl_n = st; }
}

static void xtrace(Sh *sh, IO *io, char **argv, int argc, char **assigns, int na) {
    Buf b = {0};
    const char *ps4 = var_get(sh, "PS4");
    buf_adds(&b, ps4 ? ps4 : "+ ");
    for (int i = 0; i < na; i++) { buf_adds(&b, assigns[i]); buf_addc(&b, ' '); }
    for (int i = 0; i < argc; i++) {
        if (i) buf_addc(&b, ' ');
        const char *a = argv[i];
        int q = !*a;
        for (const char *p = a; *p; p++) if (strchr(" \t\n'\"\\$`*?[]|&;<>(){}", *p)) q = 1;
        if (q) {
            buf_addc(&b, '\'');
            for (const char *p = a; *p; p++) { if (*p == '\'') buf_adds(&b, "'\\''"); else buf_addc(&b, *p); }
            buf_addc(&b, '\'');
        } else buf_adds(&b, a);
    }
    buf_addc(&b, '\n');
    io_write(io, 2, b.s, b.len);
    buf_free(&b);
}

/* assignment NAME=value or NAME+=value or NAME=(...) ; local_mode: declare in frame */
static void local_save(Sh *sh, const char *name);

static int do_assign(Sh *sh, const char *raw, IO *io, int local_mode) {
    const char *eq = strchr(raw, '=');
    size_t nl = (size_t)(eq - raw);
    int append = nl > 0 && raw[nl - 1] == '+';
    if (append) nl--;
    char name[256];
    if (nl >= sizeof name) nl = sizeof name - 1;
    memcpy(name, raw, nl); name[nl] = 0;
    char *br = strchr(name, '[');
    if (local_mode) local_save(sh, name);
    Var *ov = var_find(sh, name);
    if (ov && ov->readonly) { ERR(io, "bash: %s: readonly variable\n", name); return 1; }
    const char *val = eq + 1;
    if (val[0] == '(' && !br) {
        /* array */
        size_t l = strlen(val);
        char *inner = xstrndup(val + 1, l >= 2 && val[l - 1] == ')' ? l - 2 : l - 1);
        /* split inner into raw words using the parser's lexer rules: reuse sh_parse */
        char *err = NULL;
        Buf sc = {0}; buf_adds(&sc, ": "); buf_adds(&sc, inner);
        char *script = buf_take(&sc);
        Node *t = sh_parse(script, &err);
        free(script); free(inner);
        int start = 0;
        if (append) {
            if (var_get(sh, name)) start = 1;
            while (start) { char nm[300]; snprintf(nm, sizeof nm, "%s[%d]", name, start); if (!var_get(sh, nm)) break; start++; }
        } else {
            var_unset(sh, name);
            for (int k = 1; k < 100000; k++) { char nm[300]; snprintf(nm, sizeof nm, "%s[%d]", name, k); if (!var_find(sh, nm)) break; var_unset(sh, nm); }
        }
        if (t && t->nkids == 1 && t->kids[0]->kind == N_CMD) {
            Node *c = t->kids[0];
            int n;
            char **v = expand_words(sh, c->words + 1, c->nwords - 1, &n, io, 1);
            if (!v) return 1;
            for (int k = 0; k < n; k++) {
                int idx = start + k;
                if (idx == 0) var_set(sh, name, v[k]);
                else { char nm[300]; snprintf(nm, sizeof nm, "%s[%d]", name, idx); var_set(sh, nm, v[k]); }
            }
            free_strv(v, n);
        } else if (err) { free(err); }
        return 0;
    }
    char *v = expand_str(sh, val, io);
    if (!v) return 1;
    if (br) {
        /* name[idx]=v */
        char *rb = strchr(br, ']');
        if (rb) *rb = 0;
        int e = 0;
        long long k = arith_eval(sh, br + 1, io, &e);
        *br = 0;
        char nm[300];
        if (k == 0) snprintf(nm, sizeof nm, "%s", name); else snprintf(nm, sizeof nm, "%s[%lld]", name, k);
        if (append) { const char *o = var_get(sh, nm); Buf b = {0}; buf_adds(&b, o ? o : ""); buf_adds(&b, v); free(v); v = buf_take(&b); }
        var_set(sh, nm, v);
        free(v);
        return 0;
    }
    if (append) {
        const char *o = var_get(sh, name);
        Buf b = {0}; buf_adds(&b, o ? o : ""); buf_adds(&b, v);
        free(v); v = buf_take(&b);
    }
    var_set(sh, name, v);
    if (!strcmp(name, "PWD")) {}
    free(v);
    return 0;
}

static void local_save(Sh *sh, const char *name) {
    LocalFrame *f = sh->locals;
    if (!f) return;
    for (Var *v = f->saved; v; v = v->next) if (!strcmp(v->name, name)) return;
    Var *s = calloc(1, sizeof *s);
    s->name = xstrdup(name);
    const char *cur = var_get(sh, name);
    s->val = cur ? xstrdup(cur) : NULL;
    Var *cv = var_find(sh, name);
    s->exported = cv ? cv->exported : 0;
    s->next = f->saved;
    f->saved = s;
}

static int call_function(Sh *sh, Func *f, int argc, char **argv, IO *io) {
    if (sh->func_depth >= SH_MAX_DEPTH) {
        ERR(io, "bash: %s: maximum function nesting level exceeded (%d)\n", argv[0], SH_MAX_DEPTH);
        return 1;
    }
    char **opos = sh->pos; int onpos = sh->npos;
    sh->pos = xmalloc(sizeof(char *) * (size_t)argc);
    for (int i = 1; i < argc; i++) sh->pos[i - 1] = xstrdup(argv[i]);
    sh->npos = argc - 1;
    LocalFrame fr = { NULL, sh->locals };
    sh->locals = &fr;
    int oloop = sh->loop_depth;
    sh->loop_depth = 0;
    sh->func_depth++;
    int st = exec_node(sh, f->body, io);
    sh->func_depth--;
    sh->loop_depth = oloop;
    if (sh->ctl == CTL_RETURN) { st = sh->ctl_n; sh->ctl = CTL_NONE; }
    else if (sh->ctl == CTL_BREAK || sh->ctl == CTL_CONTINUE) sh->ctl = CTL_NONE;
    /* restore locals */
    for (Var *v = fr.saved; v;) {
        Var *nx = v->next;
        if (v->val) { var_set(sh, v->name, v->val); Var *cv = var_find(sh, v->name); if (cv) cv->exported = v->exported; }
        else var_unset(sh, v->name);
        free(v->name); free(v->val); free(v);
        v = nx;
    }
    sh->locals = fr.up;
    free_strv(sh->pos, sh->npos);
    sh->pos = opos; sh->npos = onpos;
    return st;
}

static int run_script_file(Sh *sh, const char *path, int argc, char **argv, IO *io, int subshell);

int sh_run_argv(Sh *sh, int argc, char **argv, IO *io) {
    Func *f = func_find(sh, argv[0]);
    if (f) return call_function(sh, f, argc, argv, io);
    BuiltinFn fn = builtin_find(argv[0]);
    if (!fn) fn = util_find(argv[0]);
    if (!fn) fn = util2_find(argv[0]);
    if (fn) return fn(sh, argc, argv, io);
    if (strchr(argv[0], '/')) {
        char *h = sh_hostpath(sh, argv[0]);
        struct stat st;
        int r = stat(h, &st);
        free(h);
        if (r != 0) { ERR(io, "bash: %s: No such file or directory\n", argv[0]); return 127; }
        if (S_ISDIR(st.st_mode)) { ERR(io, "bash: %s: Is a directory\n", argv[0]); return 126; }
        return run_script_file(sh, argv[0], argc, argv, io, 1);
    }
    ERR(io, "bash: %s: command not found\n", argv[0]);
    return 127;
}

static int is_decl_builtin(const char *w) {
    return !strcmp(w, "local") || !strcmp(w, "declare") || !strcmp(w, "typeset") ||
           !strcmp(w, "export") || !strcmp(w, "readonly");
}

static int exec_cmd(Sh *sh, Node *n, IO *io) {
    sh->lineno = n->line;
    sh->last_cmdsub_status = -1;
    int argc = 0;
    char **argv;
    if (n->nwords > 0 && is_decl_builtin(n->words[0])) {
        /* declaration builtins: assignment args are not split or globbed */
        argv = xmalloc(sizeof(char *) * (size_t)(n->nwords + 1));
        for (int i = 0; i < n->nwords; i++) {
            const char *w = n->words[i];
            const char *eq = strchr(w, '=');
            int isas = 0;
            if (i > 0 && eq && eq > w && (isalpha((unsigned char)w[0]) || w[0] == '_')) {
                isas = 1;
                for (const char *p = w; p < eq; p++) if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '+')) isas = 0;
            }
            if (isas) {
                if (eq[1] == '(') {
                    int lm = strcmp(n->words[0], "export") && strcmp(n->words[0], "readonly") && sh->locals;
                    if (!strcmp(n->words[0], "declare") || !strcmp(n->words[0], "typeset")) {
                        for (int k = 1; k < i; k++) if (!strcmp(n->words[k], "-g")) lm = 0;
                    }
                    do_assign(sh, w, io, lm);
                    argv[argc++] = xstrndup(w, (size_t)(eq - w));
                    continue;
                }
                char *v = expand_str(sh, eq + 1, io);
                if (!v) { free_strv(argv, argc); return 1; }
                Buf b = {0}; buf_add(&b, w, (size_t)(eq - w + 1)); buf_adds(&b, v); free(v);
                argv[argc++] = buf_take(&b);
            } else {
                int k; char **e = expand_words(sh, (char **)&n->words[i], 1, &k, io, 1);
                if (!e) { free_strv(argv, argc); return 1; }
                argv = xrealloc(argv, sizeof(char *) * (size_t)(argc + k + n->nwords + 1));
                for (int j = 0; j < k; j++) argv[argc++] = e[j];
                free(e);
            }
        }
        argv[argc] = NULL;
    } else {
        argv = expand_words(sh, n->words, n->nwords, &argc, io, 1);
        if (!argv) { return sh->status ? sh->status : 1; }
    }
    if (sh->ctl == CTL_EXIT) { free_strv(argv, argc); return sh->status; }
    if (argc == 0) {
        int st = 0;
        for (int i = 0; i < n->nassigns; i++) if (do_assign(sh, n->assigns[i], io, 0)) st = 1;
        if (sh->opt_x && n->nassigns) xtrace(sh, io, NULL, 0, n->assigns, n->nassigns);
        if (n->redirs) {
            IO cio = *io; io_ref(&cio);
            if (apply_redirs(sh, n->redirs, &cio)) st = 1;
            io_unref(&cio);
        }
        if (!st && sh->last_cmdsub_status >= 0) st = sh->last_cmdsub_status;
        free(argv);
        if (sh->ctl == CTL_EXIT) return sh->status;
        check_errexit(sh, st);
        return st;
    }
    IO cio = *io; io_ref(&cio);
    int st;
    if (apply_redirs(sh, n->redirs, &cio)) {
        st = 1;
    } else {
        /* prefix assignments are temporary */
        Var *saved = NULL;
        for (int i = 0; i < n->nassigns; i++) {
            const char *eq = strchr(n->assigns[i], '=');
            char *nm = xstrndup(n->assigns[i], (size_t)(eq - n->assigns[i]));
            if (nm[0] && nm[strlen(nm) - 1] == '+') nm[strlen(nm) - 1] = 0;
            Var *s = calloc(1, sizeof *s);
            s->name = nm;
            const char *cur = var_get(sh, nm);
            s->val = cur ? xstrdup(cur) : NULL;
            Var *cv = var_find(sh, nm);
            s->exported = cv ? cv->exported : 0;
            s->next = saved; saved = s;
            do_assign(sh, n->assigns[i], io, 0);
            cv = var_find(sh, nm);
            if (cv) cv->exported = 1;
        }
        if (sh->opt_x) xtrace(sh, &cio, argv, argc, n->assigns, n->nassigns);
        st = sh_run_argv(sh, argc, argv, &cio);
        for (Var *s = saved; s;) {
            Var *nx = s->next;
            if (s->val) { var_set(sh, s->name, s->val); var_find(sh, s->name)->exported = s->exported; }
            else var_unset(sh, s->name);
            free(s->name); free(s->val); free(s);
            s = nx;
        }
    }
    io_unref(&cio);
    free_strv(argv, argc);
    if (sh->ctl == CTL_EXIT) return sh->ctl_n;
    check_errexit(sh, st);
    return st;
}

static int exec_pipe(Sh *sh, Node *n, IO *io) {
    In *cur = io->in;
    if (cur) cur->refs++;
    int st = 0, fail = 0;
    sh->cond++;
    for (int i = 0; i < n->nkids; i++) {
        IO sio = *io;
        sio.in = cur;
        Buf *b = NULL;
        Out *o = NULL;
        int last = i == n->nkids - 1;
        if (!last) {
            b = calloc(1, sizeof *b);
            o = out_new_buf(b);
            sio.fd[1] = o;
        }
        void *saved = sh_save(sh);
        int ocond = sh->cond;
        sh->cond = 0;
        sh->depth++;
        st = exec_node(sh, n->kids[i], &sio);
        sh->depth--;
        sh->cond = ocond;
        if (sh->ctl == CTL_EXIT) st = sh->ctl_n;
        sh_restore(sh, saved);
        if (st) fail = st;
        in_unref(cur);
        cur = NULL;
        if (!last) {
            out_unref(o);
            size_t len = b->len;
            cur = in_new(buf_take(b), len);
            free(b);
        }
    }
    sh->cond--;
    if (sh->opt_pipefail && fail) st = fail;
    if (n->bang) st = !st;
    else check_errexit(sh, st);
    return st;
}

static int dbrack_eval(Sh *sh, char **w, int n, IO *io, int *pos, int *err);

static int exec_loop(Sh *sh, Node *n, IO *io) {
    int st = 0;
    sh->loop_depth++;
    for (;;) {
        sh->cond++;
        int c = exec_node(sh, n->a, io);
        sh->cond--;
        if (sh->ctl != CTL_NONE) break;
        if (n->kind == N_WHILE ? c != 0 : c == 0) break;
        st = exec_node(sh, n->b, io);
        if (sh->ctl == CTL_BREAK) { if (--sh->ctl_n <= 0) sh->ctl = CTL_NONE; break; }
        if (sh->ctl == CTL_CONTINUE) { if (--sh->ctl_n <= 0) sh->ctl = CTL_NONE; else break; continue; }
        if (sh->ctl != CTL_NONE) break;
    }
    sh->loop_depth--;
    return st;
}

static int exec_for(Sh *sh, Node *n, IO *io) {
    int st = 0;
    if (n->has_list == 2) {
        int e = 0;
        arith_eval(sh, n->list[0], io, &e);
        if (e) return 1;
        sh->loop_depth++;
        for (;;) {
            int c = 1;
            const char *cs = n->list[1];
            while (*cs == ' ') cs++;
            if (*cs) c = arith_eval(sh, n->list[1], io, &e) != 0;
            if (e) { st = 1; break; }
            if (!c) break;
            st = exec_node(sh, n->b, io);
            if (sh->ctl == CTL_BREAK) { if (--sh->ctl_n <= 0) sh->ctl = CTL_NONE; break; }
            if (sh->ctl == CTL_CONTINUE) { if (--sh->ctl_n <= 0) sh->ctl = CTL_NONE; else break; }
            if (sh->ctl != CTL_NONE) break;
            arith_eval(sh, n->list[2], io, &e);
            if (e) { st = 1; break; }
        }
        sh->loop_depth--;
        return st;
    }
    int cnt;
    char **items;
    if (n->has_list) {
        items = expand_words(sh, n->list, n->nlist, &cnt, io, 1);
        if (!items) return 1;
    } else {
        cnt = sh->npos;
        items = xmalloc(sizeof(char *) * (size_t)(cnt + 1));
        for (int i = 0; i < cnt; i++) items[i] = xstrdup(sh->pos[i]);
    }
    sh->loop_depth++;
    for (int i = 0; i < cnt; i++) {
        var_set(sh, n->name, items[i]);
        st = exec_node(sh, n->b, io);
        if (sh->ctl == CTL_BREAK) { if (--sh->ctl_n <= 0) sh->ctl = CTL_NONE; break; }
        if (sh->ctl == CTL_CONTINUE) { if (--sh->ctl_n <= 0) sh->ctl = CTL_NONE; else break; continue; }
        if (sh->ctl != CTL_NONE) break;
    }
    sh->loop_depth--;
    free_strv(items, cnt);
    return st;
}

static int exec_case(Sh *sh, Node *n, IO *io) {
    char *w = expand_str(sh, n->name, io);
    if (!w) return 1;
    int st = 0;
    int fall = 0;
    for (CaseItem *ci = n->items; ci; ci = ci->next) {
        int m = fall;
        for (int k = 0; !m && k < ci->npats; k++) {
            char *p = expand_pattern(sh, ci->pats[k], io);
            if (pmatch(p, w, 0)) m = 1;
            free(p);
        }
        if (m) {
            st = exec_node(sh, ci->body, io);
            if (ci->fall && sh->ctl == CTL_NONE) { fall = 1; continue; }
            break;
        }
    }
    free(w);
    return st;
}

static int exec_node(Sh *sh, Node *n, IO *io) {
    if (!n) return 0;
    if (sh->ctl != CTL_NONE) return sh->status;
    if (sh_stack_exhausted()) {
        ERR(io, "bash: maximum nesting depth exceeded (stack limit)\n");
        sh->status = 1;
        return 1;
    }
    int st = 0;
    IO cio;
    int redirected = 0;
    if (n->redirs && n->kind != N_CMD) {
        cio = *io; io_ref(&cio);
        if (apply_redirs(sh, n->redirs, &cio)) { io_unref(&cio); return 1; }
        io = &cio;
        redirected = 1;
    }
    switch (n->kind) {
    case N_CMD: st = exec_cmd(sh, n, io); break;
    case N_PIPE: st = exec_pipe(sh, n, io); break;
    case N_SEQ:
        st = 0;
        for (int i = 0; i < n->nkids; i++) {
            st = exec_node(sh, n->kids[i], io);
            sh->status = st;
            if (sh->ctl != CTL_NONE) break;
        }
        break;
    case N_AND: case N_OR:
        sh->cond++;
        st = exec_node(sh, n->a, io);
        sh->cond--;
        sh->status = st;
        if (sh->ctl != CTL_NONE) break;
        if ((n->kind == N_AND) == (st == 0)) st = exec_node(sh, n->b, io);
        break;
    case N_NOT:
        sh->cond++;
        st = !exec_node(sh, n->a, io);
        sh->cond--;
        break;
    case N_SUB: {
        if (sh->depth >= SH_MAX_DEPTH) { ERR(io, "bash: maximum subshell nesting exceeded (%d)\n", SH_MAX_DEPTH); st = 1; break; }
        void *saved = sh_save(sh);
        sh->depth++;
        st = exec_node(sh, n->a, io);
        sh->depth--;
        if (sh->ctl == CTL_EXIT) st = sh->ctl_n;
        sh_restore(sh, saved);
        check_errexit(sh, st);
        break;
    }
    case N_GROUP: st = exec_node(sh, n->a, io); break;
    case N_IF:
        sh->cond++;
        st = exec_node(sh, n->a, io);
        sh->cond--;
        if (sh->ctl != CTL_NONE) break;
        if (st == 0) st = exec_node(sh, n->b, io);
        else if (n->c) st = exec_node(sh, n->c, io);
        else st = 0;
        break;
    case N_WHILE: case N_UNTIL: st = exec_loop(sh, n, io); break;
    case N_FOR: st = exec_for(sh, n, io); break;
    case N_CASE: st = exec_case(sh, n, io); break;
    case N_FUNC: {
        Func *f = func_find(sh, n->name);
        if (!f) {
            f = calloc(1, sizeof *f);
            f->name = xstrdup(n->name);
            f->next = sh->funcs;
            sh->funcs = f;
        }
        f->body = n->a;
        st = 0;
        break;
    }
    case N_ARITH: {
        int err = 0;
        char *e = expand_str(sh, n->name, io);
        if (!e) { st = 1; break; }
        long long v = arith_eval(sh, e, io, &err);
        free(e);
        st = err ? 1 : v == 0;
        if (err) break;
        check_errexit(sh, st);
        break;
    }
    case N_DBRACK: {
        int pos = 0, err = 0;
        int r = dbrack_eval(sh, n->list, n->nlist, io, &pos, &err);
        if (!err && pos < n->nlist) { ERR(io, "bash: syntax error in conditional expression near `%s'\n", n->list[pos]); err = 1; }
        st = err ? 2 : !r;
        if (sh->opt_x) {}
        check_errexit(sh, st);
        break;
    }
    case N_BG: st = exec_node(sh, n->a, io); st = 0; break;
    }
    if (redirected) io_unref(&cio);
    sh->status = st;
    return st;
}

int sh_exec(Sh *sh, Node *n, IO *io) { return exec_node(sh, n, io); }

int sh_eval(Sh *sh, const char *script, IO *io) {
    char *err = NULL;
    Node *t = sh_parse(script, &err);
    if (!t) {
        ERR(io, "%s\n", err);
        free(err);
        sh->status = 2;
        return 2;
    }
    int st = exec_node(sh, t, io);
    /* the tree is intentionally kept: functions may reference it */
    return st;
}

static int run_script_file(Sh *sh, const char *path, int argc, char **argv, IO *io, int subshell) {
    char *data; size_t len;
    int e = read_file(sh, path, &data, &len);
    if (e) { ERR(io, "bash: %s: %s\n", path, sh_strerror(e)); return 127; }
    if (sh->depth >= SH_MAX_DEPTH) { free(data); ERR(io, "bash: maximum nesting depth exceeded (%d)\n", SH_MAX_DEPTH); return 1; }
    void *saved = subshell ? sh_save(sh) : NULL;
    char **opos = sh->pos; int onpos = sh->npos;
    char *oarg0 = sh->arg0;
    int setpos = subshell || argc > 1;
    if (setpos) {
        sh->pos = xmalloc(sizeof(char *) * (size_t)(argc + 1));
        for (int i = 1; i < argc; i++) sh->pos[i - 1] = xstrdup(argv[i]);
        sh->npos = argc - 1;
    }
    if (subshell) sh->arg0 = (char *)path;
    sh->depth++;
    int st = sh_eval(sh, data, io);
    sh->depth--;
    if (sh->ctl == CTL_EXIT) { st = sh->ctl_n; if (subshell) sh->ctl = CTL_NONE; }
    else if (sh->ctl == CTL_RETURN && !subshell) { st = sh->ctl_n; sh->ctl = CTL_NONE; }
    if (setpos) { free_strv(sh->pos, sh->npos); sh->pos = opos; sh->npos = onpos; }
    sh->arg0 = oarg0;
    if (subshell) sh_restore(sh, saved);
    free(data);
    return st;
}

/* ---- [[ ]] ------------------------------------------------------------------------- */
static int file_test(Sh *sh, const char *op, const char *path);
static int dbrack_or(Sh *sh, char **w, int n, IO *io, int *pos, int *err);

static char *db_word(Sh *sh, const char *w, IO *io) {
    char *r = expand_str(sh, w, io);
    return r ? r : xstrdup("");
}

static int dbrack_prim(Sh *sh, char **w, int n, IO *io, int *pos, int *err) {
    if (*pos >= n) { *err = 1; ERR(io, "bash: syntax error in conditional expression\n"); return 0; }
    const char *t = w[*pos];
    if (!strcmp(t, "!")) { (*pos)++; return !dbrack_prim(sh, w, n, io, pos, err); }
    if (!strcmp(t, "(")) {
        (*pos)++;
        int r = dbrack_or(sh, w, n, io, pos, err);
        if (*pos < n && !strcmp(w[*pos], ")")) (*pos)++;
        else { *err = 1; ERR(io, "bash: syntax error in conditional expression: expected `)'\n"); }
        return r;
    }
    /* unary */
    if (t[0] == '-' && t[1] && !t[2] && *pos + 1 < n && strchr("efdrwxsLhznpSbcvtgkuGOa", t[1])) {
        const char *nx = w[*pos + 1];
        if (!(*pos + 2 < n && (!strcmp(w[*pos + 2], "==") || !strcmp(w[*pos + 2], "=") || !strcmp(w[*pos + 2], "!=")))) {
            (*pos) += 2;
            char *a = db_word(sh, nx, io);
            int r;
            if (t[1] == 'z') r = a[0] == 0;
            else if (t[1] == 'n') r = a[0] != 0;
            else if (t[1] == 'v') r = var_get(sh, a) != NULL;
            else r = file_test(sh, t, a);
            free(a);
            return r;
        }
    }
    char *l = db_word(sh, t, io);
    (*pos)++;
    if (*pos < n) {
        const char *op = w[*pos];
        int isop = !strcmp(op, "==") || !strcmp(op, "=") || !strcmp(op, "!=") || !strcmp(op, "=~") ||
                   !strcmp(op, "<") || !strcmp(op, ">") || !strcmp(op, "-eq") || !strcmp(op, "-ne") ||
                   !strcmp(op, "-lt") || !strcmp(op, "-le") || !strcmp(op, "-gt") || !strcmp(op, "-ge") ||
                   !strcmp(op, "-nt") || !strcmp(op, "-ot");
        if (isop) {
            (*pos)++;
            if (*pos >= n) { *err = 1; free(l); ERR(io, "bash: syntax error in conditional expression\n"); return 0; }
            const char *rw = w[*pos];
            (*pos)++;
            int r = 0;
            if (!strcmp(op, "==") || !strcmp(op, "=") || !strcmp(op, "!=")) {
                char *p = expand_pattern(sh, rw, io);
                r = pmatch(p, l, 0);
                free(p);
                if (op[0] == '!') r = !r;
            } else if (!strcmp(op, "=~")) {
                /* collect the regex: words until && || or ) at depth 0 */
                Buf re = {0};
                char *first = db_word(sh, rw, io);
                buf_adds(&re, first); free(first);
                while (*pos < n && strcmp(w[*pos], "&&") && strcmp(w[*pos], "||") && strcmp(w[*pos], ")")) {
                    char *x = db_word(sh, w[*pos], io); buf_adds(&re, x); free(x); (*pos)++;
                }
                char *pat = buf_take(&re);
                regex_t rx;
                if (regcomp(&rx, pat, REG_EXTENDED) != 0) { r = 0; *err = 1; ERR(io, "bash: invalid regular expression `%s'\n", pat); }
                else {
                    regmatch_t m[10];
                    r = regexec(&rx, l, 10, m, 0) == 0;
                    for (int k = 0; k < 100; k++) { char nm[32]; snprintf(nm, sizeof nm, k ? "BASH_REMATCH[%d]" : "BASH_REMATCH", k); if (!var_find(sh, nm)) { if (k) break; else continue; } var_unset(sh, nm); }
                    if (r) {
                        for (int k = 0; k < 10 && m[k].rm_so >= 0; k++) {
                            char nm[32]; snprintf(nm, sizeof nm, k ? "BASH_REMATCH[%d]" : "BASH_REMATCH", k);
                            char *v = xstrndup(l + m[k].rm_so, (size_t)(m[k].rm_eo - m[k].rm_so));
                            var_set(sh, nm, v); free(v);
                        }
                    }
                    regfree(&rx);
                }
                free(pat);
            } else if (!strcmp(op, "<") || !strcmp(op, ">")) {
                char *rv = db_word(sh, rw, io);
                int c = strcmp(l, rv);
                r = op[0] == '<' ? c < 0 : c > 0;
                free(rv);
            } else if (!strcmp(op, "-nt") || !strcmp(op, "-ot")) {
                char *rv = db_word(sh, rw, io);
                char *argv2[5] = { "test", l, (char *)op, rv, NULL };
                r = bi_test(sh, 4, argv2, io) == 0;
                free(rv);
            } else {
                char *rv = db_word(sh, rw, io);
                int e1 = 0, e2 = 0;
                long long a = arith_eval(sh, l, io, &e1), b = arith_eval(sh, rv, io, &e2);
                free(rv);
                if (e1 || e2) { *err = 1; free(l); return 0; }
                if (!strcmp(op, "-eq")) r = a == b; else if (!strcmp(op, "-ne")) r = a != b;
                else if (!strcmp(op, "-lt")) r = a < b; else if (!strcmp(op, "-le")) r = a <= b;
                else if (!strcmp(op, "-gt")) r = a > b; else r = a >= b;
            }
            free(l);
            return r;
        }
    }
    int r = l[0] != 0;
    free(l);
    return r;
}
static int dbrack_and(Sh *sh, char **w, int n, IO *io, int *pos, int *err) {
    int r = dbrack_prim(sh, w, n, io, pos, err);
    while (!*err && *pos < n && !strcmp(w[*pos], "&&")) {
        (*pos)++;
        int r2 = dbrack_prim(sh, w, n, io, pos, err);
        r = r && r2;
    }
    return r;
}
static int dbrack_or(Sh *sh, char **w, int n, IO *io, int *pos, int *err) {
    int r = dbrack_and(sh, w, n, io, pos, err);
    while (!*err && *pos < n && !strcmp(w[*pos], "||")) {
        (*pos)++;
        int r2 = dbrack_and(sh, w, n, io, pos, err);
        r = r || r2;
    }
    return r;
}
static int dbrack_eval(Sh *sh, char **w, int n, IO *io, int *pos, int *err) {
    if (n == 0) return 0;
    return dbrack_or(sh, w, n, io, pos, err);
}

/* ---- test / [ ------------------------------------------------------------------- */
static int file_test(Sh *sh, const char *op, const char *path) {
    if (!*path) return 0;
    char *h = sh_hostpath(sh, path);
    struct stat st;
    int r;
    if (op[1] == 'L' || op[1] == 'h') r = lstat(h, &st) == 0 && S_ISLNK(st.st_mode);
    else {
        int ok = stat(h, &st) == 0;
        switch (op[1]) {
        case 'e': case 'a': r = ok; break;
        case 'f': r = ok && S_ISREG(st.st_mode); break;
        case 'd': r = ok && S_ISDIR(st.st_mode); break;
        case 's': r = ok && st.st_size > 0; break;
        case 'r': case 'w': r = ok; break;
        case 'x': r = ok && (S_ISDIR(st.st_mode) || (st.st_mode & 0111)); break;
        case 'p': r = ok && S_ISFIFO(st.st_mode); break;
        case 'S': r = ok && S_ISSOCK(st.st_mode); break;
        case 'b': r = ok && S_ISBLK(st.st_mode); break;
        case 'c': r = ok && S_ISCHR(st.st_mode); break;
        default: r = 0;
        }
    }
    free(h);
    return r;
}

typedef struct { Sh *sh; IO *io; char **a; int n, i, err; } T;
static int t_or(T *t);
static int t_unop(const char *s) { return s[0] == '-' && s[1] && !s[2] && strchr("efdrwxsLhznpSbcagkuGOt", s[1]); }
static int t_binop(const char *s) {
    static const char *ops[] = { "=", "==", "!=", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef", NULL };
    for (int i = 0; ops[i]; i++) if (!strcmp(s, ops[i])) return 1;
    return 0;
}
static int t_int(T *t, const char *s, long long *v) {
    if (!parse_int(s, v)) { ERR(t->io, "bash: test: %s: integer expression expected\n", s); t->err = 1; return 0; }
    return 1;
}
static int t_bin(T *t, const char *l, const char *op, const char *r) {
    if (!strcmp(op, "=") || !strcmp(op, "==")) return !strcmp(l, r);
    if (!strcmp(op, "!=")) return strcmp(l, r) != 0;
    if (!strcmp(op, "<")) return strcmp(l, r) < 0;
    if (!strcmp(op, ">")) return strcmp(l, r) > 0;
    if (!strcmp(op, "-nt") || !strcmp(op, "-ot") || !strcmp(op, "-ef")) {
        char *hl = sh_hostpath(t->sh, l), *hr = sh_hostpath(t->sh, r);
        struct stat a, b;
        int oa = stat(hl, &a) == 0, ob = stat(hr, &b) == 0;
        free(hl); free(hr);
        if (!strcmp(op, "-ef")) return oa && ob && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
        if (!strcmp(op, "-nt")) return oa && (!ob || a.st_mtime > b.st_mtime);
        return ob && (!oa || a.st_mtime < b.st_mtime);
    }
    long long a, b;
    if (!t_int(t, l, &a) || !t_int(t, r, &b)) return 0;
    if (!strcmp(op, "-eq")) return a == b;
    if (!strcmp(op, "-ne")) return a != b;
    if (!strcmp(op, "-lt")) return a < b;
    if (!strcmp(op, "-le")) return a <= b;
    if (!strcmp(op, "-gt")) return a > b;
    return a >= b;
}
static int t_prim(T *t) {
    if (t->i >= t->n) { t->err = 1; ERR(t->io, "bash: test: argument expected\n"); return 0; }
    const char *s = t->a[t->i];
    int left = t->n - t->i;
    if (!strcmp(s, "!") && left > 1) { t->i++; return !t_prim(t); }
    if (!strcmp(s, "(") && left > 2) {
        t->i++;
        int r = t_or(t);
        if (t->i < t->n && !strcmp(t->a[t->i], ")")) t->i++;
        else { t->err = 1; ERR(t->io, "bash: test: `)' expected\n"); }
        return r;
    }
    if (left >= 3 && t_binop(t->a[t->i + 1])) {
        int r = t_bin(t, s, t->a[t->i + 1], t->a[t->i + 2]);
        t->i += 3;
        return r;
    }
    if (t_unop(s) && left >= 2) {
        const char *a = t->a[t->i + 1];
        t->i += 2;
        if (s[1] == 'z') return a[0] == 0;
        if (s[1] == 'n') return a[0] != 0;
        if (s[1] == 't') return 0;
        return file_test(t->sh, s, a);
    }
    t->i++;
    return s[0] != 0;
}
static int t_and(T *t) {
    int r = t_prim(t);
    while (!t->err && t->i < t->n && !strcmp(t->a[t->i], "-a")) { t->i++; int r2 = t_prim(t); r = r && r2; }
    return r;
}
static int t_or(T *t) {
    int r = t_and(t);
    while (!t->err && t->i < t->n && !strcmp(t->a[t->i], "-o")) { t->i++; int r2 = t_and(t); r = r || r2; }
    return r;
}
int bi_test(Sh *sh, int argc, char **argv, IO *io) {
    int n = argc - 1;
    if (!strcmp(argv[0], "[")) {
        if (n < 1 || strcmp(argv[argc - 1], "]")) { ERR(io, "bash: [: missing `]'\n"); return 2; }
        n--;
    }
    T t = { sh, io, argv + 1, n, 0, 0 };
    if (n == 0) return 1;
    int r;
    /* POSIX argument-count rules for the common short forms */
    if (n == 1) r = argv[1][0] != 0;
    else if (n == 2 && !strcmp(argv[1], "!")) r = argv[2][0] == 0;
    else if (n == 3 && t_binop(argv[2])) r = t_bin(&t, argv[1], argv[2], argv[3]), t.i = 3;
    else r = t_or(&t);
    if (!t.err && t.i < n && n > 3) { ERR(io, "bash: %s: too many arguments\n", argv[0]); return 2; }
    if (!t.err && n == 2 && !t_unop(argv[1]) && strcmp(argv[1], "!")) { ERR(io, "bash: %s: %s: unary operator expected\n", argv[0], argv[1]); return 2; }
    if (t.err) return 2;
    return !r;
}

/* ---- shell builtins ------------------------------------------------------------- */
static int bi_true(Sh *sh, int argc, char **argv, IO *io) { (void)sh; (void)argc; (void)argv; (void)io; return 0; }
static int bi_false(Sh *sh, int argc, char **argv, IO *io) { (void)sh; (void)argc; (void)argv; (void)io; return 1; }

static int bi_cd(Sh *sh, int argc, char **argv, IO *io) {
    const char *d = argc > 1 ? argv[1] : var_get(sh, "HOME");
    if (argc > 1 && !strcmp(argv[1], "-")) { d = var_get(sh, "OLDPWD"); if (!d) { ERR(io, "bash: cd: OLDPWD not set\n"); return 1; } }
    if (argc > 1 && !strcmp(argv[1], "--")) d = argc > 2 ? argv[2] : var_get(sh, "HOME");
    if (!d) d = "/";
    char *a = sh_abspath(sh, d);
    char *h = sh_hostpath(sh, d);
    struct stat st;
    int r = stat(h, &st);
    int e = errno;
    free(h);
    if (r != 0) { ERR(io, "bash: cd: %s: %s\n", d, sh_strerror(e)); free(a); return 1; }
    if (!S_ISDIR(st.st_mode)) { ERR(io, "bash: cd: %s: Not a directory\n", d); free(a); return 1; }
    if (strlen(a) >= sizeof sh->cwd) { ERR(io, "bash: cd: %s: File name too long\n", d); free(a); return 1; }
    var_set(sh, "OLDPWD", sh->cwd);
    strcpy(sh->cwd, a);
    var_set(sh, "PWD", a);
    if (argc > 1 && !strcmp(argv[1], "-")) OUT(io, "%s\n", a);
    free(a);
    return 0;
}

static int bi_pwd(Sh *sh, int argc, char **argv, IO *io) { (void)argc; (void)argv; OUT(io, "%s\n", sh->cwd); return 0; }

static void print_escaped_val(IO *io, const char *v) {
    io_puts(io, 1, "\"");
    for (const char *p = v; *p; p++) {
        if (strchr("\"\\$`", *p)) io_puts(io, 1, "\\");
        io_write(io, 1, p, 1);
    }
    io_puts(io, 1, "\"");
}

static int cmp_var(const void *a, const void *b) { return strcmp((*(Var *const *)a)->name, (*(Var *const *)b)->name); }

static void list_vars(Sh *sh, IO *io, int only_exported, const char *prefix) {
    int n = 0;
    for (Var *v = sh->vars; v; v = v->next) n++;
    Var **arr = xmalloc(sizeof(Var *) * (size_t)(n + 1));
    n = 0;
    for (Var *v = sh->vars; v; v = v->next) if (!only_exported || v->exported) arr[n++] = v;
    qsort(arr, (size_t)n, sizeof(Var *), cmp_var);
    for (int i = 0; i < n; i++) {
        if (strchr(arr[i]->name, '[')) continue;
        if (prefix) { OUT(io, "%s%s=", prefix, arr[i]->name); print_escaped_val(io, arr[i]->val); io_puts(io, 1, "\n"); }
        else OUT(io, "%s=%s\n", arr[i]->name, arr[i]->val);
    }
    free(arr);
}

static int bi_export(Sh *sh, int argc, char **argv, IO *io) {
    int st = 0, unexport = 0, i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "-n")) unexport = 1;
        else if (!strcmp(argv[i], "-p")) {}
        else if (!strcmp(argv[i], "--")) { i++; break; }
        else if (!strcmp(argv[i], "-f")) {}
    }
    if (i >= argc) { list_vars(sh, io, 1, "declare -x "); return 0; }
    for (; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        char *name = eq ? xstrndup(argv[i], (size_t)(eq - argv[i])) : xstrdup(argv[i]);
        int append = 0;
        if (eq && name[0] && name[strlen(name) - 1] == '+') { name[strlen(name) - 1] = 0; append = 1; }
        int ok = name[0] && (isalpha((unsigned char)name[0]) || name[0] == '_');
        for (char *p = name; *p; p++) if (!isalnum((unsigned char)*p) && *p != '_') ok = 0;
        if (!ok) { ERR(io, "bash: %s: `%s': not a valid identifier\n", argv[0], argv[i]); st = 1; free(name); continue; }
        if (eq) {
            if (append) { const char *o = var_get(sh, name); Buf b = {0}; buf_adds(&b, o ? o : ""); buf_adds(&b, eq + 1); char *v = buf_take(&b); var_set(sh, name, v); free(v); }
            else var_set(sh, name, eq + 1);
        }
        Var *v = var_find(sh, name);
        if (!v && !eq) { var_set(sh, name, ""); v = var_find(sh, name); var_unset(sh, name); v = NULL; }
        if (v) {
            if (!strcmp(argv[0], "readonly")) v->readonly = 1;
            else v->exported = !unexport;
        }
        free(name);
    }
    return st;
}

static int bi_declare(Sh *sh, int argc, char **argv, IO *io) {
    int i = 1, exp = 0, ro = 0, global = 0, print = 0, funcs = 0;
    for (; i < argc && (argv[i][0] == '-' || argv[i][0] == '+') && argv[i][1]; i++) {
        for (char *p = argv[i] + 1; *p; p++) {
            if (*p == 'x') exp = argv[i][0] == '-';
            else if (*p == 'r') ro = 1;
            else if (*p == 'g') global = 1;
            else if (*p == 'p') print = 1;
            else if (*p == 'f' || *p == 'F') funcs = 1;
        }
    }
    if (funcs) {
        for (; i < argc; i++) { if (!func_find(sh, argv[i])) return 1; OUT(io, "%s\n", argv[i]); }
        return 0;
    }
    if (i >= argc) { list_vars(sh, io, 0, print ? "declare -- " : NULL); return 0; }
    int st = 0;
    int local = !strcmp(argv[0], "local") || (sh->locals && !global);
    if (!strcmp(argv[0], "local") && !sh->locals) { ERR(io, "bash: local: can only be used in a function\n"); return 1; }
    for (; i < argc; i++) {
        if (print) {
            const char *v = var_get(sh, argv[i]);
            if (!v) { ERR(io, "bash: declare: %s: not found\n", argv[i]); st = 1; continue; }
            OUT(io, "declare -- %s=", argv[i]); print_escaped_val(io, v); io_puts(io, 1, "\n");
            continue;
        }
        char *eq = strchr(argv[i], '=');
        char *name = eq ? xstrndup(argv[i], (size_t)(eq - argv[i])) : xstrdup(argv[i]);
        int ok = name[0] && (isalpha((unsigned char)name[0]) || name[0] == '_');
        for (char *p = name; *p; p++) if (!isalnum((unsigned char)*p) && *p != '_') ok = 0;
        if (!ok) { ERR(io, "bash: %s: `%s': not a valid identifier\n", argv[0], argv[i]); st = 1; free(name); continue; }
        if (local) local_save(sh, name);
        if (eq) var_set(sh, name, eq + 1);
        else if (local && !var_find(sh, name)) var_set(sh, name, "");
        Var *v = var_find(sh, name);
        if (v) { if (exp) v->exported = 1; if (ro) v->readonly = 1; }
        free(name);
    }
    return st;
}

static int bi_unset(Sh *sh, int argc, char **argv, IO *io) {
    (void)io;
    int funcs = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-f")) { funcs = 1; continue; }
        if (!strcmp(argv[i], "-v")) continue;
        if (funcs) {
            for (Func **pf = &sh->funcs; *pf; pf = &(*pf)->next) if (!strcmp((*pf)->name, argv[i])) { *pf = (*pf)->next; break; }
            continue;
        }
        Var *v = var_find(sh, argv[i]);
        if (v && v->readonly) { ERR(io, "bash: unset: %s: cannot unset: readonly variable\n", argv[i]); return 1; }
        if (sh->locals) local_save(sh, argv[i]);
        var_unset(sh, argv[i]);
        for (int k = 1; k < 100000; k++) { char nm[300]; snprintf(nm, sizeof nm, "%s[%d]", argv[i], k); if (!var_find(sh, nm)) break; var_unset(sh, nm); }
    }
    return 0;
}

static int bi_set(Sh *sh, int argc, char **argv, IO *io) {
    if (argc == 1) { list_vars(sh, io, 0, NULL); return 0; }
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) { i++; goto setpos; }
        if ((a[0] != '-' && a[0] != '+') || !a[1]) {
            if (!strcmp(a, "-")) i++;
            goto setpos;
        }
        int on = a[0] == '-';
        for (const char *p = a + 1; *p; p++) {
            switch (*p) {
            case 'e': sh->opt_e = on; break;
            case 'u': sh->opt_u = on; break;
            case 'x': sh->opt_x = on; break;
            case 'f': sh->opt_f = on; break;
            case 'o': {
                if (i + 1 >= argc) { OUT(io, "errexit\t%s\nnounset\t%s\nxtrace\t%s\npipefail\t%s\n", sh->opt_e ? "on" : "off", sh->opt_u ? "on" : "off", sh->opt_x ? "on" : "off", sh->opt_pipefail ? "on" : "off"); break; }
                const char *o = argv[++i];
                if (!strcmp(o, "pipefail")) sh->opt_pipefail = on;
                else if (!strcmp(o, "errexit")) sh->opt_e = on;
                else if (!strcmp(o, "nounset")) sh->opt_u = on;
                else if (!strcmp(o, "xtrace")) sh->opt_x = on;
                else if (!strcmp(o, "noglob")) sh->opt_f = on;
                else if (!strcmp(o, "posix") || !strcmp(o, "noclobber") || !strcmp(o, "monitor") || !strcmp(o, "vi") || !strcmp(o, "emacs")) {}
                else { ERR(io, "bash: set: %s: invalid option name\n", o); return 2; }
                break;
            }
            case 'v': case 'h': case 'm': case 'B': case 'H': case 'C': case 'b': case 'a': case 'n': case 'T': case 'E': case 'P': break;
            default: ERR(io, "bash: set: %c%c: invalid option\n", a[0], *p); return 2;
            }
        }
    }
    return 0;
setpos:
    free_strv(sh->pos, sh->npos);
    sh->npos = argc - i;
    sh->pos = xmalloc(sizeof(char *) * (size_t)(sh->npos + 1));
    for (int k = 0; k < sh->npos; k++) sh->pos[k] = xstrdup(argv[i + k]);
    return 0;
}

static int bi_shift(Sh *sh, int argc, char **argv, IO *io) {
    long long n = 1;
    if (argc > 1 && !parse_int(argv[1], &n)) { ERR(io, "bash: shift: %s: numeric argument required\n", argv[1]); return 1; }
    if (n < 0 || n > sh->npos) return 1;
    for (int i = 0; i < n; i++) free(sh->pos[i]);
    memmove(sh->pos, sh->pos + n, sizeof(char *) * (size_t)(sh->npos - n));
    sh->npos -= (int)n;
    return 0;
}

static int ctl_arg(Sh *sh, int argc, char **argv, IO *io, int def) {
    long long n = def;
    if (argc > 1 && !parse_int(argv[1], &n)) { ERR(io, "bash: %s: %s: numeric argument required\n", argv[0], argv[1]); return sh->ctl == CTL_EXIT ? 2 : 2; }
    return (int)n;
}
static int bi_exit(Sh *sh, int argc, char **argv, IO *io) {
    int n = ctl_arg(sh, argc, argv, io, sh->status);
    sh->ctl = CTL_EXIT; sh->ctl_n = n & 255;
    sh->status = n & 255;
    return n & 255;
}
static int bi_return(Sh *sh, int argc, char **argv, IO *io) {
    int n = ctl_arg(sh, argc, argv, io, sh->status);
    if (!sh->func_depth && sh->depth == 0) { ERR(io, "bash: return: can only `return' from a function or sourced script\n"); return 1; }
    sh->ctl = CTL_RETURN; sh->ctl_n = n & 255;
    return n & 255;
}
static int bi_break(Sh *sh, int argc, char **argv, IO *io) {
    int n = ctl_arg(sh, argc, argv, io, 1);
    if (n < 1) { ERR(io, "bash: %s: %d: loop count out of range\n", argv[0], n); return 1; }
    if (!sh->loop_depth) return 0;
    sh->ctl = !strcmp(argv[0], "break") ? CTL_BREAK : CTL_CONTINUE;
    sh->ctl_n = n > sh->loop_depth ? sh->loop_depth : n;
    return 0;
}

static int bi_eval(Sh *sh, int argc, char **argv, IO *io) {
    Buf b = {0};
    for (int i = 1; i < argc; i++) { if (i > 1) buf_addc(&b, ' '); buf_adds(&b, argv[i]); }
    char *s = buf_take(&b);
    if (sh->depth >= SH_MAX_DEPTH) { free(s); ERR(io, "bash: eval: maximum nesting depth exceeded (%d)\n", SH_MAX_DEPTH); return 1; }
    sh->depth++;
    int st = sh_eval(sh, s, io);
    sh->depth--;
    free(s);
    return st;
}

static int bi_source(Sh *sh, int argc, char **argv, IO *io) {
    if (argc < 2) { ERR(io, "bash: %s: filename argument required\n", argv[0]); return 2; }
    int st = run_script_file(sh, argv[1], argc - 1, argv + 1, io, 0);
    return st;
}

static int bi_bash(Sh *sh, int argc, char **argv, IO *io) {
    int i = 1;
    int e = 0, x = 0, u = 0;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (!strcmp(argv[i], "-c")) {
            if (i + 1 >= argc) { ERR(io, "bash: -c: option requires an argument\n"); return 2; }
            if (sh->depth >= SH_MAX_DEPTH) { ERR(io, "bash: maximum nesting depth exceeded (%d)\n", SH_MAX_DEPTH); return 1; }
            void *saved = sh_save(sh);
            char *oarg0 = sh->arg0;
            if (e) sh->opt_e = 1;
            if (x) sh->opt_x = 1;
            if (u) sh->opt_u = 1;
            free_strv(sh->pos, sh->npos);
            int rest = argc - (i + 2);
            if (rest > 0) sh->arg0 = argv[i + 2];
            sh->npos = rest > 1 ? rest - 1 : 0;
            sh->pos = xmalloc(sizeof(char *) * (size_t)(sh->npos + 1));
            for (int k = 0; k < sh->npos; k++) sh->pos[k] = xstrdup(argv[i + 3 + k]);
            sh->depth++;
            int st = sh_eval(sh, argv[i + 1], io);
            sh->depth--;
            if (sh->ctl == CTL_EXIT) st = sh->ctl_n;
            sh->arg0 = oarg0;
            sh_restore(sh, saved);
            return st;
        }
        for (char *p = argv[i] + 1; *p; p++) { if (*p == 'e') e = 1; if (*p == 'x') x = 1; if (*p == 'u') u = 1; }
    }
    if (i < argc) return run_script_file(sh, argv[i], argc - i, argv + i, io, 1);
    /* script from stdin */
    size_t n;
    char *p = in_readall(io->in, &n);
    char *s = xstrndup(p, n);
    void *saved = sh_save(sh);
    sh->depth++;
    int st = sh_eval(sh, s, io);
    sh->depth--;
    if (sh->ctl == CTL_EXIT) st = sh->ctl_n;
    sh_restore(sh, saved);
    free(s);
    return st;
}

static int bi_read(Sh *sh, int argc, char **argv, IO *io) {
    int raw = 0, i = 1, nchars = -1;
    char delim = '\n';
    const char *arr = NULL;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (!strcmp(argv[i], "--")) { i++; break; }
        for (char *p = argv[i] + 1; *p; p++) {
            if (*p == 'r') raw = 1;
            else if (*p == 's') {}
            else if (*p == 'p' || *p == 't' || *p == 'u') { i++; break; }
            else if (*p == 'd') { if (p[1]) { delim = p[1]; } else if (i + 1 < argc) { delim = argv[++i][0]; } break; }
            else if (*p == 'n' || *p == 'N') { const char *v = p[1] ? p + 1 : (i + 1 < argc ? argv[++i] : "1"); nchars = atoi(v); break; }
            else if (*p == 'a') { if (p[1]) arr = p + 1; else if (i + 1 < argc) arr = argv[++i]; break; }
        }
    }
    In *in = io->in;
    if (!in || in->pos >= in->len) {
        for (int k = i; k < argc; k++) var_set(sh, argv[k], "");
        if (i >= argc) var_set(sh, "REPLY", "");
        return 1;
    }
    Buf line = {0};
    int got_delim = 0;
    while (in->pos < in->len) {
        char c = in->data[in->pos++];
        if (nchars >= 0 && (int)line.len >= nchars) { in->pos--; got_delim = 1; break; }
        if (!raw && c == '\\' && in->pos < in->len) {
            char d = in->data[in->pos++];
            if (d == '\n') continue;
            buf_addc(&line, '\x01'); /* mark escaped char */
            buf_addc(&line, d);
            continue;
        }
        if (c == delim) { got_delim = 1; break; }
        buf_addc(&line, c);
        if (nchars >= 0 && (int)line.len >= nchars) { got_delim = 1; break; }
    }
    buf_adds(&line, "");
    const char *ifs = var_get(sh, "IFS");
    if (!ifs) ifs = " \t\n";
    /* split into fields */
    char *s = line.s;
    int nv = argc - i;
    const char *defname = "REPLY";
    char **names = argv + i;
    if (nv == 0 && !arr) { nv = 1; names = (char **)&defname; }
    #define ISIFS(ch) ((ch) && strchr(ifs, (ch)))
    #define ISWS(ch) ((ch) == ' ' || (ch) == '\t' || (ch) == '\n')
    size_t p = 0, L = line.len;
    if (nv == 1 && !arr && names == (char **)&defname) {
        /* REPLY: no trimming */
        Buf o = {0}; buf_adds(&o, "");
        for (size_t k = 0; k < L; k++) if (s[k] != '\x01') buf_addc(&o, s[k]);
        var_set(sh, "REPLY", o.s); buf_free(&o);
        buf_free(&line);
        return got_delim ? 0 : 1;
    }
    while (p < L && ISIFS(s[p]) && ISWS(s[p])) p++;
    int field = 0;
    if (arr) { var_unset(sh, arr); for (int k = 1; k < 100000; k++) { char nm[300]; snprintf(nm, sizeof nm, "%s[%d]", arr, k); if (!var_find(sh, nm)) break; var_unset(sh, nm); } nv = 1 << 30; }
    while (field < nv) {
        Buf f = {0}; buf_adds(&f, "");
        int last = !arr && field == nv - 1;
        if (p >= L) { if (arr) break; }
        if (last) {
            /* rest of line, trailing IFS whitespace trimmed */
            size_t e = L;
            while (e > p && ISIFS(s[e - 1]) && ISWS(s[e - 1]) && !(e >= 2 && s[e - 2] == '\x01')) e--;
            for (size_t k = p; k < e; k++) if (s[k] != '\x01') buf_addc(&f, s[k]);
            p = L;
        } else {
            while (p < L && !ISIFS(s[p])) { if (s[p] == '\x01') { p++; if (p < L) buf_addc(&f, s[p++]); continue; } buf_addc(&f, s[p++]); }
            /* skip delimiter: whitespace run, optionally one non-ws IFS char */
            while (p < L && ISIFS(s[p]) && ISWS(s[p])) p++;
            if (p < L && ISIFS(s[p]) && !ISWS(s[p])) { p++; while (p < L && ISIFS(s[p]) && ISWS(s[p])) p++; }
        }
        if (arr) {
            char nm[300];
            if (field == 0) snprintf(nm, sizeof nm, "%s", arr); else snprintf(nm, sizeof nm, "%s[%d]", arr, field);
            var_set(sh, nm, f.s);
        } else var_set(sh, names[field], f.s);
        buf_free(&f);
        field++;
        if (arr && p >= L) break;
    }
    buf_free(&line);
    return got_delim ? 0 : 1;
}

static int bi_let(Sh *sh, int argc, char **argv, IO *io) {
    long long v = 0;
    for (int i = 1; i < argc; i++) {
        int e = 0;
        v = arith_eval(sh, argv[i], io, &e);
        if (e) return 1;
    }
    return v == 0;
}

static int bi_type(Sh *sh, int argc, char **argv, IO *io) {
    int st = 0, vflag = 0, i = 1;
    int is_cmd = !strcmp(argv[0], "command");
    int is_which = !strcmp(argv[0], "which");
    if (is_cmd) {
        if (argc > 1 && (!strcmp(argv[1], "-v") || !strcmp(argv[1], "-V"))) { vflag = argv[1][1] == 'v'; i = 2; }
        else {
            if (argc < 2) return 0;
            BuiltinFn fn = builtin_find(argv[1]);
            if (!fn) fn = util_find(argv[1]);
            if (!fn) fn = util2_find(argv[1]);
            if (fn) return fn(sh, argc - 1, argv + 1, io);
            return sh_run_argv(sh, argc - 1, argv + 1, io);
        }
    }
    for (; i < argc; i++) {
        const char *n = argv[i];
        if (n[0] == '-') continue;
        int isfunc = func_find(sh, n) != NULL;
        int isbi = builtin_find(n) != NULL;
        int isutil = util_find(n) || util2_find(n);
        static const char *kw[] = { "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac", "function", "[[", "]]", "{", "}", "!", NULL };
        int iskw = 0;
        for (int k = 0; kw[k]; k++) if (!strcmp(kw[k], n)) iskw = 1;
        if (is_which) {
            if (isutil || isbi) OUT(io, "/usr/bin/%s\n", n); else st = 1;
            continue;
        }
        if (is_cmd && vflag) {
            if (isfunc || isbi || iskw) OUT(io, "%s\n", n);
            else if (isutil) OUT(io, "/usr/bin/%s\n", n);
            else st = 1;
            continue;
        }
        if (iskw) OUT(io, "%s is a shell keyword\n", n);
        else if (isfunc) OUT(io, "%s is a function\n", n);
        else if (isbi) OUT(io, "%s is a shell builtin\n", n);
        else if (isutil) OUT(io, "%s is /usr/bin/%s\n", n, n);
        else { ERR(io, "bash: %s: %s: not found\n", argv[0], n); st = 1; }
    }
    return st;
}

static int bi_noop(Sh *sh, int argc, char **argv, IO *io) { (void)sh; (void)argc; (void)argv; (void)io; return 0; }

static char *trap_exit;
static int bi_trap(Sh *sh, int argc, char **argv, IO *io) {
    (void)sh; (void)io;
    if (argc >= 3) {
        for (int i = 2; i < argc; i++) {
            if (!strcmp(argv[i], "EXIT") || !strcmp(argv[i], "0")) {
                free(trap_exit);
                trap_exit = strcmp(argv[1], "-") ? xstrdup(argv[1]) : NULL;
            }
        }
    }
    return 0;
}

static int bi_getopts(Sh *sh, int argc, char **argv, IO *io) {
    if (argc < 3) { ERR(io, "bash: getopts: usage: getopts optstring name [arg ...]\n"); return 2; }
    const char *opts = argv[1];
    const char *name = argv[2];
    char **args = argc > 3 ? argv + 3 : sh->pos;
    int nargs = argc > 3 ? argc - 3 : sh->npos;
    const char *oi = var_get(sh, "OPTIND");
    int optind = oi ? atoi(oi) : 1;
    if (optind < 1) optind = 1;
    const char *sp = var_get(sh, "_GETOPTS_POS");
    int cpos = sp ? atoi(sp) : 1;
    int silent = opts[0] == ':';
    if (silent) opts++;
    char tmp[32];
    if (optind > nargs) { var_set(sh, name, "?"); return 1; }
    const char *a = args[optind - 1];
    if (cpos == 1) {
        if (a[0] != '-' || !a[1]) { var_set(sh, name, "?"); return 1; }
        if (!strcmp(a, "--")) { snprintf(tmp, sizeof tmp, "%d", optind + 1); var_set(sh, "OPTIND", tmp); var_set(sh, name, "?"); return 1; }
    }
    char c = a[cpos];
    const char *d = strchr(opts, c);
    int next_arg = a[cpos + 1] == 0;
    char cs[2] = { c, 0 };
    var_unset(sh, "OPTARG");
    if (!d || c == ':') {
        if (silent) { var_set(sh, "OPTARG", cs); }
        else ERR(io, "bash: illegal option -- %c\n", c);
        var_set(sh, name, "?");
    } else if (d[1] == ':') {
        if (!next_arg) { var_set(sh, "OPTARG", a + cpos + 1); }
        else if (optind < nargs) { var_set(sh, "OPTARG", args[optind]); optind++; }
        else {
            if (silent) { var_set(sh, name, ":"); var_set(sh, "OPTARG", cs); }
            else { ERR(io, "bash: option requires an argument -- %c\n", c); var_set(sh, name, "?"); }
            optind++;
            snprintf(tmp, sizeof tmp, "%d", optind); var_set(sh, "OPTIND", tmp);
            var_set(sh, "_GETOPTS_POS", "1");
            return 0;
        }
        next_arg = 1;
        var_set(sh, name, cs);
    } else var_set(sh, name, cs);
    if (next_arg) { optind++; cpos = 1; } else cpos++;
    snprintf(tmp, sizeof tmp, "%d", optind); var_set(sh, "OPTIND", tmp);
    snprintf(tmp, sizeof tmp, "%d", cpos); var_set(sh, "_GETOPTS_POS", tmp);
    return 0;
}

static int bi_mapfile(Sh *sh, int argc, char **argv, IO *io) {
    int strip = 0, i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) if (!strcmp(argv[i], "-t")) strip = 1;
    const char *name = i < argc ? argv[i] : "MAPFILE";
    var_unset(sh, name);
    for (int k = 1; k < 100000; k++) { char nm[300]; snprintf(nm, sizeof nm, "%s[%d]", name, k); if (!var_find(sh, nm)) break; var_unset(sh, nm); }
    Buf line = {0};
    int k = 0;
    In *in = io->in;
    while (in && in->pos < in->len) {
        size_t st = in->pos;
        while (in->pos < in->len && in->data[in->pos] != '\n') in->pos++;
        int nl = in->pos < in->len;
        char *v = xstrndup(in->data + st, in->pos - st + (nl && !strip ? 1 : 0));
        if (nl) in->pos++;
        char nm[300];
        if (k == 0) snprintf(nm, sizeof nm, "%s", name); else snprintf(nm, sizeof nm, "%s[%d]", name, k);
        var_set(sh, nm, v);
        free(v);
        k++;
    }
    buf_free(&line);
    return 0;
}

static int bi_echo(Sh *sh, int argc, char **argv, IO *io);
static int bi_printf(Sh *sh, int argc, char **argv, IO *io);

static const Builtin shell_builtins[] = {
    { ":", bi_true }, { "true", bi_true }, { "false", bi_false }, { "cd", bi_cd }, { "pwd", bi_pwd },
    { "export", bi_export }, { "readonly", bi_export }, { "unset", bi_unset }, { "set", bi_set },
    { "shift", bi_shift }, { "exit", bi_exit }, { "return", bi_return }, { "break", bi_break },
    { "continue", bi_break }, { "eval", bi_eval }, { "source", bi_source }, { ".", bi_source },
    { "read", bi_read }, { "local", bi_declare }, { "declare", bi_declare }, { "typeset", bi_declare },
    { "test", bi_test }, { "[", bi_test }, { "let", bi_let }, { "type", bi_type }, { "command", bi_type },
    { "which", bi_type }, { "echo", bi_echo }, { "printf", bi_printf }, { "bash", bi_bash }, { "sh", bi_bash },
    { "trap", bi_trap }, { "wait", bi_noop }, { "ulimit", bi_noop }, { "umask", bi_noop }, { "hash", bi_noop },
    { "shopt", bi_noop }, { "getopts", bi_getopts }, { "mapfile", bi_mapfile }, { "readarray", bi_mapfile },
    { "builtin", NULL },
    { NULL, NULL }
};

BuiltinFn builtin_find(const char *name) {
    for (int i = 0; shell_builtins[i].name; i++)
        if (!strcmp(shell_builtins[i].name, name)) return shell_builtins[i].fn;
    return NULL;
}

/* ---- echo / printf ---------------------------------------------------------------- */
/* process backslash escapes; returns 1 if \c seen (stop output) */
static int escapes(Buf *o, const char *s, int printf_mode) {
    for (; *s; s++) {
        if (*s != '\\' || !s[1]) { buf_addc(o, *s); continue; }
        s++;
        switch (*s) {
        case 'n': buf_addc(o, '\n'); break;
        case 't': buf_addc(o, '\t'); break;
        case 'r': buf_addc(o, '\r'); break;
        case 'a': buf_addc(o, '\a'); break;
        case 'b': buf_addc(o, '\b'); break;
        case 'f': buf_addc(o, '\f'); break;
        case 'v': buf_addc(o, '\v'); break;
        case 'e': case 'E': buf_addc(o, 27); break;
        case '\\': buf_addc(o, '\\'); break;
        case 'c': return 1;
        case 'x': {
            int v = 0, k = 0;
            while (k < 2 && isxdigit((unsigned char)s[1])) { s++; v = v * 16 + (isdigit((unsigned char)*s) ? *s - '0' : tolower((unsigned char)*s) - 'a' + 10); k++; }
            if (!k) { buf_adds(o, "\\x"); break; }
            buf_addc(o, (char)v); break;
        }
        case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
            int v = 0, k = 0;
            int max = 3;
            if (*s == '0' && !printf_mode) { max = 3; s++; if (!(*s >= '0' && *s <= '7')) { s--; buf_addc(o, 0); break; } }
            else if (!printf_mode) { buf_addc(o, '\\'); buf_addc(o, *s); break; }
            s--;
            while (k < max && s[1] >= '0' && s[1] <= '7') { s++; v = v * 8 + (*s - '0'); k++; }
            buf_addc(o, (char)v); break;
        }
        case '"': if (printf_mode) { buf_addc(o, '"'); break; } /* fallthrough */
        default: buf_addc(o, '\\'); buf_addc(o, *s);
        }
    }
    return 0;
}

static int bi_echo(Sh *sh, int argc, char **argv, IO *io) {
    (void)sh;
    int nl = 1, esc = 0, i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || !a[1]) break;
        int ok = 1;
        for (const char *p = a + 1; *p; p++) if (!strchr("neE", *p)) ok = 0;
        if (!ok) break;
        for (const char *p = a + 1; *p; p++) { if (*p == 'n') nl = 0; else if (*p == 'e') esc = 1; else esc = 0; }
    }
    Buf o = {0};
    int stop = 0;
    for (int k = i; k < argc && !stop; k++) {
        if (k > i) buf_addc(&o, ' ');
        if (esc) stop = escapes(&o, argv[k], 0);
        else buf_adds(&o, argv[k]);
    }
    if (nl && !stop) buf_addc(&o, '\n');
    io_write(io, 1, o.s ? o.s : "", o.len);
    buf_free(&o);
    return io->fd[1] && io->fd[1]->err ? 1 : 0;
}

static long long num_arg(const char *s, IO *io, int *st) {
    if (!*s) return 0;
    if ((s[0] == '\'' || s[0] == '"') && s[1]) return (unsigned char)s[1];
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 0);
    if (*end || end == s) {
        ERR(io, "bash: printf: %s: invalid number\n", s);
        *st = 1;
    }
    return v;
}

static int bi_printf(Sh *sh, int argc, char **argv, IO *io) {
    int ai = 1;
    const char *var = NULL;
    if (argc > 2 && !strcmp(argv[1], "-v")) { var = argv[2]; ai = 3; }
    if (ai < argc && !strcmp(argv[ai], "--")) ai++;
    if (ai >= argc) { ERR(io, "printf: usage: printf [-v var] format [arguments]\n"); return 2; }
    const char *fmt = argv[ai++];
    Buf o = {0};
    int st = 0;
    int first = 1;
    while (first || ai < argc) {
        int used = 0;
        first = 0;
        for (const char *p = fmt; *p; p++) {
            if (*p == '\\') {
                char tmp[8]; size_t l = 1;
                tmp[0] = '\\';
                const char *q = p + 1;
                if (*q == 'x') { tmp[l++] = *q++; while (l < 4 && isxdigit((unsigned char)*q)) tmp[l++] = *q++; }
                else if (*q >= '0' && *q <= '7') { while (l < 5 && *q >= '0' && *q <= '7') tmp[l++] = *q++; }
                else if (*q) tmp[l++] = *q++;
                tmp[l] = 0;
                if (escapes(&o, tmp, 1)) goto done;
                p = q - 1;
                continue;
            }
            if (*p != '%') { buf_addc(&o, *p); continue; }
            if (p[1] == '%') { buf_addc(&o, '%'); p++; continue; }
            char spec[64]; size_t sl = 0;
            spec[sl++] = '%';
            p++;
            while (*p && strchr("-+ #0", *p) && sl < 40) spec[sl++] = *p++;
            if (*p == '*') { long long w = ai < argc ? num_arg(argv[ai++], io, &st) : 0; used = 1; sl += (size_t)snprintf(spec + sl, sizeof spec - sl, "%lld", w); p++; }
            else while (isdigit((unsigned char)*p) && sl < 50) spec[sl++] = *p++;
            if (*p == '.') {
                spec[sl++] = *p++;
                if (*p == '*') { long long w = ai < argc ? num_arg(argv[ai++], io, &st) : 0; used = 1; sl += (size_t)snprintf(spec + sl, sizeof spec - sl, "%lld", w); p++; }
                else while (isdigit((unsigned char)*p) && sl < 58) spec[sl++] = *p++;
            }
            while (*p == 'l' || *p == 'h' || *p == 'z' || *p == 'j') p++;
            char conv = *p;
            if (!conv) { buf_addc(&o, '%'); break; }
            const char *arg = ai < argc ? argv[ai++] : NULL;
            if (arg) used = 1;
            switch (conv) {
            case 's': case 'b': case 'q': {
                char *sv;
                if (conv == 'b') { Buf t = {0}; escapes(&t, arg ? arg : "", 0); buf_adds(&t, ""); sv = buf_take(&t); }
                else if (conv == 'q') {
                    Buf t = {0};
                    const char *a = arg ? arg : "";
                    int plain = *a != 0;
                    for (const char *c = a; *c; c++) if (!isalnum((unsigned char)*c) && !strchr("_-./=:,+@%", *c)) plain = 0;
                    if (plain) buf_adds(&t, a);
                    else if (!*a) buf_adds(&t, "''");
                    else { for (const char *c = a; *c; c++) { if (!isalnum((unsigned char)*c) && !strchr("_-./=:,+@%", *c)) buf_addc(&t, '\\'); buf_addc(&t, *c); } }
                    buf_adds(&t, "");
                    sv = buf_take(&t);
                } else sv = xstrdup(arg ? arg : "");
                spec[sl++] = 's'; spec[sl] = 0;
                buf_printf(&o, spec, sv);
                free(sv);
                break;
            }
            case 'c':
                spec[sl++] = 'c'; spec[sl] = 0;
                if (arg && *arg) buf_printf(&o, spec, arg[0]);
                else if (arg) {}
                break;
            case 'd': case 'i': {
                long long v = arg ? num_arg(arg, io, &st) : 0;
                spec[sl++] = 'l'; spec[sl++] = 'l'; spec[sl++] = 'd'; spec[sl] = 0;
                buf_printf(&o, spec, v);
                break;
            }
            case 'u': case 'x': case 'X': case 'o': {
                long long v = arg ? num_arg(arg, io, &st) : 0;
                spec[sl++] = 'l'; spec[sl++] = 'l'; spec[sl++] = conv; spec[sl] = 0;
                buf_printf(&o, spec, (unsigned long long)v);
                break;
            }
            case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': {
                double v = 0;
                if (arg) {
                    char *end;
                    v = strtod(arg, &end);
                    if (*end) { ERR(io, "bash: printf: %s: invalid number\n", arg); st = 1; }
                }
                spec[sl++] = conv; spec[sl] = 0;
                buf_printf(&o, spec, v);
                break;
            }
            default:
                ERR(io, "bash: printf: %%%c: invalid format character\n", conv);
                st = 1;
                goto done;
            }
        }
        if (!used) break;
    }
done:
    if (var) { buf_adds(&o, ""); var_set(sh, var, o.s); }
    else io_write(io, 1, o.s ? o.s : "", o.len);
    buf_free(&o);
    return st;
}

/* ---- top level ---------------------------------------------------------------------- */
int sh_run(const char *script, Buf *out, Buf *err, const char *root) {
    char base;
    sh_stack_init(&base);
    Sh sh;
    sh_init(&sh, root);
    IO io; memset(&io, 0, sizeof io);
    io.in = in_new(xstrdup(""), 0);
    io.fd[1] = out_new_buf(out);
    io.fd[2] = out_new_buf(err);
    int st = sh_eval(&sh, script, &io);
    if (sh.ctl == CTL_EXIT) st = sh.ctl_n;
    if (trap_exit) {
        char *t = trap_exit; trap_exit = NULL;
        sh.ctl = CTL_NONE;
        sh.status = st;
        int ost = st;
        sh_eval(&sh, t, &io);
        if (sh.ctl == CTL_EXIT) st = sh.ctl_n; else st = ost;
        free(t);
    }
    in_unref(io.in);
    out_unref(io.fd[1]);
    out_unref(io.fd[2]);
    return st & 255;
}
