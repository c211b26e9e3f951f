/* Buffers, streams, paths and small helpers for the shell. */
#include "sh.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) { fputs("bash: out of memory\n", stderr); exit(2); }
    return p;
}
void *xrealloc(void *p, size_t n) {
    p = realloc(p, n ? n : 1);
    if (!p) { fputs("bash: out of memory\n", stderr); exit(2); }
    return p;
}
char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }
char *xstrndup(const char *s, size_t n) {
    char *r = xmalloc(n + 1);
    memcpy(r, s, n);
    r[n] = 0;
    return r;
}
void free_strv(char **v, int n) {
    if (!v) return;
    for (int i = 0; i < n; i++) free(v[i]);
    free(v);
}
int sort_strcmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int parse_int(const char *s, long long *v) {
    const char *p = s;
    while (*p == ' ' || *p == '\t' || *p == '\n') p++;
    int neg = 0;
    if (*p == '-' || *p == '+') { neg = *p == '-'; p++; }
    if (*p < '0' || *p > '9') return 0;
    long long r = 0;
    while (*p >= '0' && *p <= '9') r = r * 10 + (*p++ - '0');
    while (*p == ' ' || *p == '\t' || *p == '\n') p++;
    if (*p) return 0;
    *v = neg ? -r : r;
    return 1;
}

const char *sh_strerror(int e) {
    switch (e) {
    case ENOENT: return "No such file or directory";
    case EACCES: case EPERM: return "Permission denied";
    case EISDIR: return "Is a directory";
    case ENOTDIR: return "Not a directory";
    case EEXIST: return "File exists";
    case ENOTEMPTY: return "Directory not empty";
    case ENOSPC: return "No space left on device";
    case EROFS: return "Read-only file system";
#ifdef ENOTCAPABLE
    case ENOTCAPABLE: return "Permission denied";
#endif
    default: return strerror(e);
    }
}

/* ---- Buf ---- */
void buf_add(Buf *b, const char *s, size_t n) {
    size_t lim = b->limit ? b->limit : SH_BUF_LIMIT;
    b->total += n;
    if (b->len + n > lim) {
        b->truncated = 1;
        n = b->len < lim ? lim - b->len : 0;
    }
    if (b->len + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 64;
        while (nc < b->len + n + 1) nc *= 2;
        b->s = xrealloc(b->s, nc);
        b->cap = nc;
    }
    if (n) memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}
void buf_addc(Buf *b, char c) {
    if (b->len + 2 <= b->cap && b->len < (b->limit ? b->limit : SH_BUF_LIMIT)) { b->total++; b->s[b->len++] = c; b->s[b->len] = 0; return; }
    buf_add(b, &c, 1);
}
void buf_adds(Buf *b, const char *s) { buf_add(b, s, strlen(s)); }
void buf_printf(Buf *b, const char *fmt, ...) {
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof tmp) { buf_add(b, tmp, (size_t)n); return; }
    char *big = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    buf_add(b, big, (size_t)n);
    free(big);
}
void buf_free(Buf *b) { free(b->s); b->s = NULL; b->len = b->cap = 0; }
char *buf_take(Buf *b) {
    char *s = b->s;
    if (!s) s = xstrdup("");
    b->s = NULL; b->len = b->cap = 0;
    return s;
}

/* ---- streams ---- */
Out *out_new_buf(Buf *b) {
    Out *o = calloc(1, sizeof *o);
    o->buf = b; o->fd = -1; o->refs = 1;
    return o;
}
Out *out_new_fd(int fd) {
    Out *o = calloc(1, sizeof *o);
    o->fd = fd; o->refs = 1;
    return o;
}
void out_unref(Out *o) {
    if (!o || --o->refs > 0) return;
    if (o->fd >= 0) close(o->fd);
    free(o);
}
void out_write(Out *o, const char *s, size_t n) {
    if (!o || !n) return;
    if (o->buf) { buf_add(o->buf, s, n); return; }
    if (o->fd >= 0) {
        while (n > 0) {
            ssize_t w = write(o->fd, s, n);
            if (w <= 0) { o->err = 1; return; }
            s += w; n -= (size_t)w;
        }
    }
}
In *in_new(char *data, size_t len) {
    In *i = calloc(1, sizeof *i);
    i->data = data; i->len = len; i->refs = 1;
    return i;
}
void in_unref(In *i) {
    if (!i || --i->refs > 0) return;
    free(i->data);
    free(i);
}
void io_write(IO *io, int fd, const char *s, size_t n) { if (fd >= 0 && fd < 10) out_write(io->fd[fd], s, n); }
void io_puts(IO *io, int fd, const char *s) { io_write(io, fd, s, strlen(s)); }
void io_printf(IO *io, int fd, const char *fmt, ...) {
    char tmp[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof tmp) { io_write(io, fd, tmp, (size_t)n); return; }
    char *big = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    io_write(io, fd, big, (size_t)n);
    free(big);
}
int in_getline(In *in, Buf *line) {
    line->len = 0;
    if (line->s) line->s[0] = 0;
    if (!in || in->pos >= in->len) return 0;
    size_t st = in->pos;
    while (in->pos < in->len && in->data[in->pos] != '\n') in->pos++;
    buf_add(line, in->data + st, in->pos - st);
    if (in->pos < in->len) in->pos++;
    return 1;
}
char *in_readall(In *in, size_t *len) {
    if (!in || in->pos >= in->len) { *len = 0; return (char *)""; }
    char *p = in->data + in->pos;
    *len = in->len - in->pos;
    in->pos = in->len;
    return p;
}

/* ---- paths ---- */
char *sh_abspath(Sh *sh, const char *p) {
    Buf full = {0};
    if (p[0] != '/') { buf_adds(&full, sh->cwd); buf_addc(&full, '/'); }
    buf_adds(&full, p);
    char *src = buf_take(&full);
    /* normalize */
    size_t n = strlen(src);
    char *out = xmalloc(n + 2);
    size_t o = 0;
    out[o++] = '/';
    size_t i = 0;
    while (i < n) {
        while (i < n && src[i] == '/') i++;
        size_t st = i;
        while (i < n && src[i] != '/') i++;
        size_t l = i - st;
        if (l == 0) break;
        if (l == 1 && src[st] == '.') continue;
        if (l == 2 && src[st] == '.' && src[st + 1] == '.') {
            if (o > 1) { o--; while (o > 1 && out[o - 1] != '/') o--; if (o > 1) o--; if (o == 0) o = 1; }
            if (o > 1 && out[o - 1] == '/') o--;
            if (o == 0) o = 1;
            continue;
        }
        if (o > 1) out[o++] = '/';
        memcpy(out + o, src + st, l);
        o += l;
    }
    out[o] = 0;
    free(src);
    return out;
}

char *sh_hostpath(Sh *sh, const char *p) {
    char *a = sh_abspath(sh, p);
    if (!sh->root || !sh->root[0]) return a;
    Buf b = {0};
    buf_adds(&b, sh->root);
    if (strcmp(a, "/") != 0) buf_adds(&b, a);
    free(a);
    return buf_take(&b);
}

int read_file(Sh *sh, const char *path, char **data, size_t *len) {
    char *h = sh_hostpath(sh, path);
    int fd = open(h, O_RDONLY);
    free(h);
    if (fd < 0) return errno;
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) { close(fd); return EISDIR; }
    Buf b = {0};
    char *tmp = xmalloc(65536);
    for (;;) {
        ssize_t r = read(fd, tmp, 65536);
        if (r < 0) { int e = errno; close(fd); buf_free(&b); free(tmp); return e; }
        if (r == 0) break;
        buf_add(&b, tmp, (size_t)r);
    }
    close(fd);
    free(tmp);
    *len = b.len;
    *data = buf_take(&b);
    return 0;
}

int read_input(Sh *sh, IO *io, const char *name, char **data, size_t *len, const char *cmd) {
    if (!name || !strcmp(name, "-")) {
        size_t n;
        char *p = in_readall(io->in, &n);
        *data = xstrndup(p, n);
        *len = n;
        return 0;
    }
    if (!strcmp(name, "/dev/null")) { *data = xstrdup(""); *len = 0; return 0; }
    if (!strcmp(name, "/dev/stdin")) return read_input(sh, io, NULL, data, len, cmd);
    int e = read_file(sh, name, data, len);
    if (e) {
        ERR(io, "%s: %s: %s\n", cmd, name, sh_strerror(e));
        return -1;
    }
    return 0;
}

/* ---- stack guard ----
 * wasm32 programs get a small fixed stack (64 KiB by default, and an
 * overflow silently corrupts static data), so deep recursion in the
 * interpreter is stopped by measuring the stack in use. */
#ifdef __wasm__
#define SH_STACK_LIMIT ((size_t)40 << 10)
#else
#define SH_STACK_LIMIT ((size_t)4 << 20)
#endif
static char *stack_base;
void sh_stack_init(void *base) { if (!stack_base) stack_base = base; }
int sh_stack_exhausted(void) {
    char here;
    if (!stack_base) return 0;
    char *p = &here;
    size_t used = stack_base > p ? (size_t)(stack_base - p) : (size_t)(p - stack_base);
    return used > SH_STACK_LIMIT;
}
