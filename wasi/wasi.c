/*
 * wasi.c - the context (new/free), the one table of wasi_snapshot_preview1
 * functions, and the marshaller that checks every guest (pointer, length)
 * the table describes before the handler runs.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Per-parameter memory checks, one letter per wasm parameter:
 *   -  no check            n  a count / length used by an earlier letter
 *   b  bytes  [p, p + n)   v  iovec array, 8 * n     s  subscriptions, 48 * n
 *   e  events, 32 * n      4 / 8  a 4- or 8-byte value
 *   F  filestat (64)       D  fdstat (24)            P  prestat (8)
 * The n of b/v/s/e is the first 'n' after the letter.  Nested pointers
 * (iovec buffers, argv strings) are checked by the handlers. */
typedef struct {
    const char *name, *sig, *mem;
    whandler h;
} wfn;

#define F(n, sig, mem) {#n, sig, mem, wasi_h_##n}
static const wfn table[] = {
    F(args_get, "ii:i", "--"),              F(args_sizes_get, "ii:i", "44"),
    F(environ_get, "ii:i", "--"),           F(environ_sizes_get, "ii:i", "44"),
    F(clock_res_get, "ii:i", "-8"),         F(clock_time_get, "iIi:i", "--8"),
    F(fd_advise, "iIIi:i", "----"),         F(fd_allocate, "iII:i", "---"),
    F(fd_close, "i:i", "-"),                F(fd_datasync, "i:i", "-"),
    F(fd_fdstat_get, "ii:i", "-D"),         F(fd_fdstat_set_flags, "ii:i", "--"),
    F(fd_fdstat_set_rights, "iII:i", "---"), F(fd_filestat_get, "ii:i", "-F"),
    F(fd_filestat_set_size, "iI:i", "--"),  F(fd_filestat_set_times, "iIIi:i", "----"),
    F(fd_pread, "iiiIi:i", "-vn-4"),        F(fd_prestat_get, "ii:i", "-P"),
    F(fd_prestat_dir_name, "iii:i", "-bn"), F(fd_pwrite, "iiiIi:i", "-vn-4"),
    F(fd_read, "iiii:i", "-vn4"),           F(fd_readdir, "iiiIi:i", "-bn-4"),
    F(fd_renumber, "ii:i", "--"),           F(fd_seek, "iIii:i", "---8"),
    F(fd_sync, "i:i", "-"),                 F(fd_tell, "ii:i", "-8"),
    F(fd_write, "iiii:i", "-vn4"),          F(path_create_directory, "iii:i", "-bn"),
    F(path_filestat_get, "iiiii:i", "--bnF"),
    F(path_filestat_set_times, "iiiiIIi:i", "--bn---"),
    F(path_link, "iiiiiii:i", "--bn-bn"),
    F(path_open, "iiiiiIIii:i", "--bn----4"),
    F(path_readlink, "iiiiii:i", "-bnbn4"), F(path_remove_directory, "iii:i", "-bn"),
    F(path_rename, "iiiiii:i", "-bn-bn"),   F(path_symlink, "iiiii:i", "bn-bn"),
    F(path_unlink_file, "iii:i", "-bn"),    F(poll_oneoff, "iiii:i", "sen4"),
    F(proc_exit, "i:", "-"),                F(proc_raise, "i:i", "-"),
    F(random_get, "ii:i", "bn"),            F(sched_yield, ":i", ""),
    F(sock_accept, "iii:i", "--4"),         F(sock_recv, "iiiiii:i", "-vn-4-"),
    F(sock_send, "iiiii:i", "-vn-4"),       F(sock_shutdown, "ii:i", "--"),
};
#undef F
#define NFN (sizeof table / sizeof table[0])

typedef struct {
    wasi_ctx *w;
    const wfn *f;
} wbind;

struct wasi_ctx_ext {
    wbind binds[NFN];
};

static const char *dispatch(corral_caller *c, void *env, const uint64_t *a, uint64_t *r)
{
    const wbind *b = env;
    wcall k = {b->w, c, NULL, 0, a, NULL};
    k.mem = corral_caller_memory(c, &k.size);
    const char *m = b->f->mem;
    for (size_t i = 0; m[i]; i++) {
        uint64_t len;
        switch (m[i]) {
        case '4': len = 4; break;
        case '8': case 'P': len = 8; break;
        case 'D': len = 24; break;
        case 'F': len = 64; break;
        case 'b': case 'v': case 's': case 'e': {
            size_t j = i + 1;
            while (m[j] != 'n')
                j++;
            uint64_t n = (uint32_t)a[j];
            len = m[i] == 'b' ? n : m[i] == 'v' ? 8 * n : m[i] == 's' ? 48 * n : 32 * n;
            break;
        }
        default: continue;
        }
        if (wmem(&k, (uint32_t)a[i], len) == NULL) {
            r[0] = WE_FAULT;
            return NULL;
        }
    }
    int e = b->f->h(&k);
    if (k.trap)
        return k.trap;
    if (b->f->sig[strlen(b->f->sig) - 1] == 'i')
        r[0] = (uint32_t)e;
    return NULL;
}

/* ---- strings ----------------------------------------------------------- */

static bool utf8_ok(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint8_t c = s[i];
        size_t k;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            k = 1, cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            k = 2, cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            k = 3, cp = c & 0x07;
        } else {
            return false;
        }
        if (n - i <= k)
            return false;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return false;
            cp = cp << 6 | (s[i + j] & 0x3F);
        }
        if ((k == 1 && cp < 0x80) || (k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += k + 1;
    }
    return true;
}

int wasi_str(const wcall *k, uint32_t ptr, uint32_t len, char **out)
{
    const uint8_t *p = wmem(k, ptr, len);
    if (p == NULL)
        return WE_FAULT;
    if (len > WASI_MAX_PATH)
        return WE_NAMETOOLONG;
    if (!utf8_ok(p, len))
        return WE_ILSEQ;
    if (memchr(p, 0, len) != NULL)
        return WE_INVAL;
    char *s = malloc((size_t)len + 1);
    if (s == NULL)
        return WE_NOMEM;
    memcpy(s, p, len);
    s[len] = '\0';
    *out = s;
    return WE_SUCCESS;
}

/* ---- the context ------------------------------------------------------- */

/* 0, or the errno: E2BIG past the sizes WASI's u32 counts can give
 * (WASI_MAX_STRINGS, WASI_MAX_STRINGS_BYTES), ENOMEM. */
static int strlist_init(wasi_strlist *l, const char *const *v, size_t n)
{
    size_t bytes = 0;
    for (size_t i = 0; i < n; i++) {
        bytes += strlen(v[i]) + 1;
        if (bytes > WASI_MAX_STRINGS_BYTES)
            return E2BIG;
    }
    if (n > WASI_MAX_STRINGS)
        return E2BIG;
    l->buf = malloc(bytes ? bytes : 1);
    if (l->buf == NULL)
        return ENOMEM;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        size_t s = strlen(v[i]) + 1;
        memcpy(l->buf + o, v[i], s);
        o += s;
    }
    l->n = (uint32_t)n;
    l->bytes = (uint32_t)bytes;
    return 0;
}

static const char *fail(const char **err, char *errbuf, size_t errcap, const char *what,
                        const char *host, int e)
{
    char eb[128];
    const char *msg = strerror_r(e, eb, sizeof eb);
    if (errbuf && errcap) {
        snprintf(errbuf, errcap, "%s%s%s: %s", what, host ? " " : "", host ? host : "", msg);
        *err = errbuf;
    } else {
        *err = what;
    }
    return NULL;
}

wasi_ctx *wasi_new(const wasi_config *cfg, const char **err, char *errbuf, size_t errcap)
{
    const char *dummy;
    if (err == NULL)
        err = &dummy;
    wasi_ctx *w = calloc(1, sizeof *w + sizeof(struct wasi_ctx_ext));
    if (w == NULL) {
        fail(err, errbuf, errcap, "wasi", NULL, ENOMEM);
        return NULL;
    }
    w->stdin_fd = -1;
    w->store = cfg->store;
    w->capture_cap = cfg->capture_cap;
    const char *no2 = getenv("CORRAL_WASI_NO_OPENAT2");
    if (cfg->no_openat2 || (no2 && *no2 && strcmp(no2, "0") != 0))
        w->openat2_state = -1;
    int serr = strlist_init(&w->args, cfg->argv, cfg->argv ? cfg->argc : 0);
    if (serr == 0)
        serr = strlist_init(&w->env, cfg->env, cfg->env ? cfg->nenv : 0);
    if (serr != 0) {
        fail(err, errbuf, errcap, "wasi: arguments or environment", NULL, serr);
        goto bad;
    }
    if (cfg->stdin_data) {
        w->stdin_data = malloc(cfg->stdin_len ? cfg->stdin_len : 1);
        if (w->stdin_data == NULL) {
            fail(err, errbuf, errcap, "wasi: stdin", NULL, ENOMEM);
            goto bad;
        }
        memcpy(w->stdin_data, cfg->stdin_data, cfg->stdin_len);
        w->stdin_len = cfg->stdin_len;
    } else {
        w->stdin_fd = cfg->stdin_fd;
    }
    if (cfg->capture_cap) {
        for (int i = 0; i < 2; i++) {
            w->out[i].buf = malloc(cfg->capture_cap);
            w->out[i].cap = cfg->capture_cap;
            if (w->out[i].buf == NULL) {
                fail(err, errbuf, errcap, "wasi: capture", NULL, ENOMEM);
                goto bad;
            }
        }
    }
    int e;
    for (int i = 0; i < 3; i++) {
        uint32_t fd = wasi_fd_alloc(w, &e);
        if (e) {
            fail(err, errbuf, errcap, "wasi", NULL, ENOMEM);
            goto bad;
        }
        wfd *f = &w->fds[fd];
        f->kind = i == 0 ? FK_STDIN : i == 1 ? FK_STDOUT : FK_STDERR;
        f->host = i == 0 ? (w->stdin_data ? -1 : w->stdin_fd) : cfg->capture_cap ? -1 : i;
        f->filetype = (f->host >= 0 && isatty(f->host)) ? FT_CHAR : FT_UNKNOWN;
        f->base = (i == 0 ? RT_FD_READ : RT_FD_WRITE) | RT_POLL_FD_READWRITE |
                  RT_FD_FDSTAT_SET_FLAGS | RT_FD_FILESTAT_GET;
        f->inh = 0;
    }
    if (cfg->ndirs && (w->roots = calloc(cfg->ndirs, sizeof *w->roots)) == NULL) {
        fail(err, errbuf, errcap, "wasi", NULL, ENOMEM);
        goto bad;
    }
    for (size_t i = 0; i < cfg->ndirs; i++) {
        const wasi_dir *d = &cfg->dirs[i];
        if (d->host == NULL || d->guest == NULL) {
            fail(err, errbuf, errcap, "preopen", "(null)", EINVAL);
            goto bad;
        }
        int h = open(d->host, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (h < 0 && errno == EACCES)
            h = open(d->host, O_PATH | O_DIRECTORY | O_CLOEXEC);
        struct stat st;
        if (h >= 0 && fstat(h, &st) < 0) {
            int se = errno;
            close(h);
            h = -1;
            errno = se;
        }
        if (h < 0) {
            fail(err, errbuf, errcap, "preopen", d->host, errno);
            goto bad;
        }
        w->roots[w->nroots++] = (struct wroot){(uint64_t)st.st_dev, (uint64_t)st.st_ino, d->readonly};
        w->nro += d->readonly;
        uint32_t fd = wasi_fd_alloc(w, &e);
        char *name = e ? NULL : strdup(d->guest);
        if (name == NULL) {
            close(h);
            fail(err, errbuf, errcap, "preopen", d->host, e == WE_MFILE ? EMFILE : ENOMEM);
            goto bad;
        }
        wfd *f = &w->fds[fd];
        f->kind = FK_DIR;
        f->host = h;
        f->owned = true;
        f->readonly = d->readonly;
        f->filetype = FT_DIR;
        f->base = d->readonly ? RT_DIR_BASE & ~RT_MUTATING : RT_DIR_BASE;
        f->inh = d->readonly ? RT_ALL & ~RT_MUTATING : RT_ALL;
        f->preopen = name;
    }
    /* A directory mapped read-only stays so by every route: another
     * preopen of the same host directory is read-only too. */
    for (uint32_t fd = 3; w->nro && fd < w->nfds; fd++) {
        wfd *f = &w->fds[fd];
        bool ro;
        if (f->kind != FK_DIR || f->readonly || wasi_path_dir_ro(w, f->host, &ro) || !ro)
            continue;
        f->readonly = true;
        f->base &= ~RT_MUTATING;
        f->inh &= ~RT_MUTATING;
    }
    return w;
bad:
    wasi_free(w);
    return NULL;
}

void wasi_free(wasi_ctx *w)
{
    if (w == NULL)
        return;
    for (uint32_t i = 0; i < w->nfds; i++)
        if (w->fds[i].kind != FK_FREE)
            wasi_fd_release(&w->fds[i]);
    free(w->fds);
    free(w->roots);
    free(w->args.buf);
    free(w->env.buf);
    free(w->stdin_data);
    free(w->out[0].buf);
    free(w->out[1].buf);
    free(w);
}

const char *wasi_link(wasi_ctx *w, corral_linker *l)
{
    struct wasi_ctx_ext *x = (struct wasi_ctx_ext *)(w + 1);
    for (size_t i = 0; i < NFN; i++) {
        x->binds[i].w = w;
        x->binds[i].f = &table[i];
        const char *e = corral_linker_define_func(l, "wasi_snapshot_preview1", table[i].name,
                                                  table[i].sig, dispatch, &x->binds[i]);
        if (e)
            return e;
    }
    return NULL;
}

const uint8_t *wasi_output(const wasi_ctx *w, int fd, size_t *len, uint64_t *dropped)
{
    if (w == NULL || (fd != 1 && fd != 2) || w->capture_cap == 0) {
        if (len)
            *len = 0;
        if (dropped)
            *dropped = 0;
        return NULL;
    }
    const wasi_capture *c = &w->out[fd - 1];
    if (len)
        *len = c->len;
    if (dropped)
        *dropped = c->dropped;
    return c->buf;
}
