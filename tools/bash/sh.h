/* corral bash tool: a POSIX sh subset interpreter with builtin coreutils.
 * The core (parse.c, expand.c, exec.c, the builtins) is independent of the
 * tool I/O library; main.c wires it to tools/lib. */
#ifndef CORRAL_SH_H
#define CORRAL_SH_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

/* ---- growable byte buffer ---------------------------------------------- */
typedef struct {
    char *s;
    size_t len, cap;
    size_t limit;     /* 0 = default cap */
    int truncated;    /* set when data was dropped at the cap */
    size_t total;     /* bytes offered, kept or not */
} Buf;

#define SH_BUF_LIMIT ((size_t)64 << 20)  /* intermediate buffers */

void buf_add(Buf *b, const char *s, size_t n);
void buf_addc(Buf *b, char c);
void buf_adds(Buf *b, const char *s);
void buf_printf(Buf *b, const char *fmt, ...);
void buf_free(Buf *b);
char *buf_take(Buf *b); /* NUL-terminated, caller frees; resets b */

/* ---- AST ------------------------------------------------------------------ */
typedef enum {
    N_CMD, N_PIPE, N_AND, N_OR, N_SEQ, N_SUB, N_GROUP, N_IF, N_WHILE,
    N_UNTIL, N_FOR, N_CASE, N_FUNC, N_NOT, N_ARITH, N_DBRACK, N_BG
} NodeKind;

typedef struct Redir {
    int fd;          /* target fd */
    int op;          /* R_* */
    char *word;      /* raw word (target / delimiter) */
    char *heredoc;   /* body for << */
    int quoted;      /* heredoc delimiter quoted: no expansion */
    struct Redir *next;
} Redir;

enum { R_OUT, R_APP, R_IN, R_DUPOUT, R_DUPIN, R_HEREDOC, R_HERESTR,
       R_ALL, R_ALLAPP, R_RDWR, R_CLOBBER };

typedef struct Node Node;
typedef struct CaseItem {
    char **pats; int npats;
    Node *body;
    int fall;        /* ;& */
    struct CaseItem *next;
} CaseItem;

struct Node {
    NodeKind kind;
    int line;
    /* N_CMD */
    char **words; int nwords;
    char **assigns; int nassigns;
    /* lists: N_PIPE, N_SEQ */
    Node **kids; int nkids;
    /* binary / compound */
    Node *a, *b, *c;     /* AND/OR: a,b; IF: a=cond b=then c=else; WHILE: a=cond b=body */
    char *name;          /* FOR var, FUNC name, ARITH expr */
    char **list; int nlist; int has_list; /* FOR words, DBRACK words */
    CaseItem *items;     /* CASE (name = raw word) */
    Redir *redirs;
    int bang;
};

/* ---- I/O streams ----------------------------------------------------------- */
typedef struct Out {
    Buf *buf;      /* memory target, or */
    int fd;        /* file descriptor target (>=0) */
    int refs;
    int err;       /* write error seen */
} Out;

typedef struct In {
    char *data;
    size_t len, pos;
    int refs;
} In;

typedef struct IO {
    In *in;
    Out *fd[10];   /* fd[1] stdout, fd[2] stderr; fd[0] unused (in) */
} IO;

/* ---- variables & shell state ---------------------------------------------- */
typedef struct Var {
    char *name, *val;
    int exported;
    int readonly;
    struct Var *next;
} Var;

typedef struct Func {
    char *name;
    Node *body;
    struct Func *next;
} Func;

typedef struct LocalFrame {
    Var *saved;             /* saved prior values (val NULL = unset) */
    struct LocalFrame *up;
} LocalFrame;

enum { CTL_NONE, CTL_BREAK, CTL_CONTINUE, CTL_RETURN, CTL_EXIT };

typedef struct Sh {
    Var *vars;
    Func *funcs;
    char **pos; int npos;     /* positional params ($1..) */
    char *arg0;
    char cwd[4096];           /* guest absolute path */
    const char *root;         /* host prefix for guest paths ("" in wasm) */
    int status;               /* $? */
    int ctl, ctl_n;           /* pending break/continue/return/exit */
    int loop_depth;
    int func_depth;
    int depth;                /* nesting: subshells, cmdsubs, eval */
    int cond;                 /* >0 while evaluating a condition (set -e off) */
    int opt_e, opt_u, opt_x, opt_f, opt_pipefail;
    LocalFrame *locals;
    int last_cmdsub_status;
    long lineno;
    unsigned long rnd;
} Sh;

#define SH_MAX_DEPTH 200

/* ---- parser ---------------------------------------------------------------- */
/* Parse a script. Returns the tree (N_SEQ), or NULL with *err set (malloc'd). */
Node *sh_parse(const char *src, char **err);

/* ---- shell API -------------------------------------------------------------- */
void sh_init(Sh *sh, const char *root);
int sh_run(const char *script, Buf *out, Buf *err, const char *root);
int sh_eval(Sh *sh, const char *script, IO *io);     /* parse + exec */
int sh_exec(Sh *sh, Node *n, IO *io);
const char *var_get(Sh *sh, const char *name);
void var_set(Sh *sh, const char *name, const char *val);
void var_unset(Sh *sh, const char *name);
Var *var_find(Sh *sh, const char *name);

/* expansion */
char **expand_words(Sh *sh, char **words, int n, int *outn, IO *io, int glob);
char *expand_str(Sh *sh, const char *word, IO *io);      /* no split/glob */
char *expand_heredoc(Sh *sh, const char *body, IO *io);
char *expand_pattern(Sh *sh, const char *word, IO *io); /* glob chars kept, quoted escaped */
long long arith_eval(Sh *sh, const char *expr, IO *io, int *err);
int pmatch(const char *pat, const char *s, int flags); /* 1 on match */
#define PM_PERIOD 1   /* leading '.' must match explicitly */
#define PM_CASE   2   /* case-insensitive */
char *cmd_subst(Sh *sh, const char *script, IO *io);
int brace_expand(const char *word, char ***res, int *nres); /* brace.c: 1 expanded, 0 as is, -1 too many */
int glob_expand(Sh *sh, const char *pat, char ***res, int *nres);

/* streams */
Out *out_new_buf(Buf *b);
Out *out_new_fd(int fd);
void out_unref(Out *o);
void out_write(Out *o, const char *s, size_t n);
In *in_new(char *data, size_t len);
void in_unref(In *i);
void io_puts(IO *io, int fd, const char *s);
void io_write(IO *io, int fd, const char *s, size_t n);
void io_printf(IO *io, int fd, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#define OUT(io, ...) io_printf(io, 1, __VA_ARGS__)
#define ERR(io, ...) io_printf(io, 2, __VA_ARGS__)
int in_getline(In *in, Buf *line); /* 1 if a line (without '\n') was read */
char *in_readall(In *in, size_t *len); /* rest of input (pointer into data) */

/* paths: guest path -> host path (malloc'd) */
char *sh_abspath(Sh *sh, const char *p);   /* normalized guest absolute */
char *sh_hostpath(Sh *sh, const char *p);  /* root + guest absolute */
int read_file(Sh *sh, const char *path, char **data, size_t *len); /* 0 ok, else errno */
int read_input(Sh *sh, IO *io, const char *name, char **data, size_t *len, const char *cmd);

size_t sh_skip_dollar(const char *s, size_t i, size_t n);
size_t sh_skip_backtick(const char *s, size_t i, size_t n);
void sh_stack_init(void *base);
int sh_stack_exhausted(void);
void *sh_save(Sh *sh);
void sh_restore(Sh *sh, void *saved);

/* builtins */
typedef int (*BuiltinFn)(Sh *sh, int argc, char **argv, IO *io);
typedef struct { const char *name; BuiltinFn fn; } Builtin;
BuiltinFn builtin_find(const char *name);
BuiltinFn util_find(const char *name);
BuiltinFn util2_find(const char *name);
int sh_run_argv(Sh *sh, int argc, char **argv, IO *io);  /* for xargs/find -exec */
int bi_test(Sh *sh, int argc, char **argv, IO *io);
int u_curl(Sh *sh, int argc, char **argv, IO *io);  /* curl.c */
int u_wget(Sh *sh, int argc, char **argv, IO *io);

/* helpers (prefixed: tools/lib has its own xmalloc family) */
#define xstrdup sh_xstrdup
#define xstrndup sh_xstrndup
#define xmalloc sh_xmalloc
#define xrealloc sh_xrealloc
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
void free_strv(char **v, int n);
int parse_int(const char *s, long long *v);
int sort_strcmp(const void *a, const void *b);
const char *sh_strerror(int e);

/* hashes (util2.c) */
void sha256_buf(const unsigned char *d, size_t n, unsigned char out[32]);
void md5_buf(const unsigned char *d, size_t n, unsigned char out[16]);

#endif
