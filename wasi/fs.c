/*
 * fs.c - the fd_* and path_* calls: reading, writing, seeking, stat,
 * directories, and every path operation (resolved beneath a directory fd
 * by path.c, rights checked by fdtable.c).
 */
#define _GNU_SOURCE
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

/* ---- helpers ------------------------------------------------------------ */

/* Gather the guest's iovec array into host iovecs pointing into its memory
 * (every buffer checked; total capped at WASI_MAX_IO, count at WASI_MAX_IOV). */
static int iovs(const wcall *k, uint32_t ptr, uint32_t n, struct iovec *v, int *cnt)
{
    uint64_t total = 0;
    int c = 0;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = wmem(k, (uint64_t)ptr + 8 * (uint64_t)i, 8);
        if (e == NULL)
            return WE_FAULT;
        uint32_t bp = get32(e), bl = get32(e + 4);
        uint8_t *b = wmem(k, bp, bl);
        if (b == NULL)
            return WE_FAULT;
        if (c == WASI_MAX_IOV || total >= WASI_MAX_IO)
            continue; /* checked, but not used: a short transfer */
        if (bl > WASI_MAX_IO - total)
            bl = (uint32_t)(WASI_MAX_IO - total);
        v[c].iov_base = b;
        v[c].iov_len = bl;
        total += bl;
        c++;
    }
    *cnt = c;
    return WE_SUCCESS;
}

static uint64_t ts_ns(struct timespec t)
{
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void put_filestat(uint8_t *p, const struct stat *st)
{
    memset(p, 0, 64);
    put64(p, (uint64_t)st->st_dev);
    put64(p + 8, (uint64_t)st->st_ino);
    p[16] = wasi_filetype_of_mode(st->st_mode);
    put64(p + 24, (uint64_t)st->st_nlink);
    put64(p + 32, (uint64_t)st->st_size);
    put64(p + 40, ts_ns(st->st_atim));
    put64(p + 48, ts_ns(st->st_mtim));
    put64(p + 56, ts_ns(st->st_ctim));
}

static int times_of(uint64_t atim, uint64_t mtim, uint32_t fl, struct timespec ts[2])
{
    if (fl & ~15u || ((fl & FST_ATIM) && (fl & FST_ATIM_NOW)) ||
        ((fl & FST_MTIM) && (fl & FST_MTIM_NOW)))
        return WE_INVAL;
    uint64_t v[2] = {atim, mtim};
    for (int i = 0; i < 2; i++) {
        unsigned set = i ? FST_MTIM : FST_ATIM, now = i ? FST_MTIM_NOW : FST_ATIM_NOW;
        if (fl & now) {
            ts[i].tv_sec = 0;
            ts[i].tv_nsec = UTIME_NOW;
        } else if (fl & set) {
            ts[i].tv_sec = (time_t)(v[i] / 1000000000u);
            ts[i].tv_nsec = (long)(v[i] % 1000000000u);
        } else {
            ts[i].tv_sec = 0;
            ts[i].tv_nsec = UTIME_OMIT;
        }
    }
    return WE_SUCCESS;
}

static bool is_stdio(const wfd *f)
{
    return f->kind == FK_STDIN || f->kind == FK_STDOUT || f->kind == FK_STDERR;
}

/* A directory fd with `need`, and the path argument (ptr at a[pi]) copied. */
static int dir_path(wcall *k, uint32_t fd, uint64_t need, int pi, wfd **d, char **path)
{
    int e = wasi_fd_get(k->w, fd, 0, d);
    if (e)
        return e;
    if ((*d)->kind != FK_DIR)
        return WE_NOTDIR;
    if ((e = wasi_fd_lacks(*d, need)))
        return e;
    return wasi_str(k, A32(k, pi), A32(k, pi + 1), path);
}

/* ---- fd_* ----------------------------------------------------------------- */

int wasi_h_fd_read(wcall *k)
{
    wfd *f;
    int e = wasi_fd_get(k->w, A32(k, 0), 0, &f), cnt;
    if (e)
        return e;
    if (!(f->base & RT_FD_READ))
        return WE_BADF; /* as Wasmtime: not open for reading */
    struct iovec v[WASI_MAX_IOV];
    if ((e = iovs(k, A32(k, 1), A32(k, 2), v, &cnt)))
        return e;
    size_t got = 0;
    if (f->kind == FK_STDIN) {
        for (int i = 0; i < cnt; i++)
            if (v[i].iov_len) {
                e = wasi_stdio_read(k->w, v[i].iov_base, v[i].iov_len, &got, &k->trap);
                if (e)
                    return e;
                break;
            }
    } else if (f->kind == FK_FILE) {
        ssize_t n = readv(f->host, v, cnt);
        if (n < 0)
            return wasi_errno(errno);
        got = (size_t)n;
    } else {
        return WE_BADF;
    }
    put32(k->mem + A32(k, 3), (uint32_t)got);
    return WE_SUCCESS;
}

int wasi_h_fd_write(wcall *k)
{
    wfd *f;
    int e = wasi_fd_get(k->w, A32(k, 0), 0, &f), cnt;
    if (e)
        return e;
    if (!(f->base & RT_FD_WRITE))
        return WE_BADF; /* as Wasmtime: not open for writing */
    struct iovec v[WASI_MAX_IOV];
    if ((e = iovs(k, A32(k, 1), A32(k, 2), v, &cnt)))
        return e;
    size_t put = 0;
    if (f->kind == FK_STDOUT || f->kind == FK_STDERR) {
        for (int i = 0; i < cnt; i++) {
            if ((e = wasi_stdio_write(k->w, f->kind, f->host, v[i].iov_base, v[i].iov_len)))
                return e;
            put += v[i].iov_len;
        }
    } else if (f->kind == FK_FILE) {
        ssize_t n = writev(f->host, v, cnt);
        if (n < 0)
            return wasi_errno(errno);
        put = (size_t)n;
    } else {
        return WE_BADF;
    }
    put32(k->mem + A32(k, 3), (uint32_t)put);
    return WE_SUCCESS;
}

static int prw(wcall *k, bool write)
{
    wfd *f;
    int e = wasi_fd_get(k->w, A32(k, 0), 0, &f), cnt;
    if (e)
        return e;
    if (is_stdio(f))
        return WE_SPIPE;
    if (!(f->base & (write ? RT_FD_WRITE : RT_FD_READ)))
        return WE_BADF;
    if (!(f->base & RT_FD_SEEK))
        return WE_NOTCAPABLE;
    if (f->kind != FK_FILE)
        return WE_BADF;
    uint64_t off = A64(k, 3);
    if (off > INT64_MAX)
        return WE_INVAL;
    struct iovec v[WASI_MAX_IOV];
    if ((e = iovs(k, A32(k, 1), A32(k, 2), v, &cnt)))
        return e;
    ssize_t n = write ? pwritev(f->host, v, cnt, (off_t)off) : preadv(f->host, v, cnt, (off_t)off);
    if (n < 0)
        return wasi_errno(errno);
    put32(k->mem + A32(k, 4), (uint32_t)n);
    return WE_SUCCESS;
}
int wasi_h_fd_pread(wcall *k) { return prw(k, false); }
int wasi_h_fd_pwrite(wcall *k) { return prw(k, true); }

int wasi_h_fd_seek(wcall *k)
{
    wfd *f;
    int64_t off = (int64_t)A64(k, 1);
    uint32_t wh = A32(k, 2);
    int e = wasi_fd_get(k->w, A32(k, 0), 0, &f);
    if (e)
        return e;
    if (is_stdio(f))
        return WE_SPIPE;
    uint64_t need = (wh == 1 && off == 0) ? RT_FD_TELL : RT_FD_SEEK;
    if ((f->base & need) != need)
        return WE_NOTCAPABLE;
    if (wh > 2)
        return WE_INVAL;
    off_t r = lseek(f->host, (off_t)off, wh == 0 ? SEEK_SET : wh == 1 ? SEEK_CUR : SEEK_END);
    if (r < 0)
        return wasi_errno(errno);
    put64(k->mem + A32(k, 3), (uint64_t)r);
    return WE_SUCCESS;
}

int wasi_h_fd_tell(wcall *k)
{
    wfd *f;
    int e = wasi_fd_get(k->w, A32(k, 0), 0, &f);
    if (e)
        return e;
    if (is_stdio(f))
        return WE_SPIPE;
    if (!(f->base & RT_FD_TELL))
        return WE_NOTCAPABLE;
    off_t r = lseek(f->host, 0, SEEK_CUR);
    if (r < 0)
        return wasi_errno(errno);
    put64(k->mem + A32(k, 1), (uint64_t)r);
    return WE_SUCCESS;
}

int wasi_h_fd_close(wcall *k)
{
    wfd *f;
    int e = wasi_fd_get(k->w, A32(k, 0), 0, &f);
    if (e)
        return e;
    wasi_fd_release(f);
    return WE_SUCCESS;
}

int wasi_h_fd_renumber(wcall *k) { return wasi_fd_renumber(k->w, A32(k, 0), A32(k, 1)); }

static int sync_common(wcall *k, uint64_t right, bool data)
{
    wfd *f;
    int e = wasi_fd_get(k->w, A32(k, 0), right, &f);
    if (e)
        return e;
    if (is_stdio(f) || f->host < 0)
        return WE_INVAL;
    if ((data ? fdatasync(f->host) : fsync(f->host)) < 0)
        return wasi_errno(errno);
    return WE_SUCCESS;
}
int wasi_h_fd_sync(wcall *k) { return sync_common(k, RT_FD_SYNC, false); }
int wasi_h_fd_datasync(wcall *k) { return sync_common(k, RT_FD_DATASYNC, true); }

int wasi_h_fd_advise(wcall *k)
{
    wfd *f;
    int e = wasi_fd_get(k->w, A32(k, 0), RT_FD_ADVISE, &f);
    if (e)
        return e;
    uint32_t adv = A32(k, 3);
    if (adv > 5)
        return WE_INVAL;
    if (f->kind == FK_DIR)
        return WE_BADF;
    if (is_stdio(f))
        return WE_SPIPE;
    static const int map[6] = {POSIX_FADV_NORMAL, POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                               POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
    if (A64(k, 1) > INT64_MAX || A64(k, 2) > INT64_MAX)
        return WE_INVAL;
    int r = posix_fadvise(f->host, (off_t)A64(k, 1), (off_t)A64(k, 2), map[adv]);
    return r ? wasi_errno(r) : WE_SUCCESS;
}

/* Wasmtime does not support fd_allocate (preview2 has no such call). */
int wasi_h_fd_allocate(wcall *k)
{
    wfd *f;
    int e = wasi_fd_get(k->w, A32(k, 0), RT_FD_ALLOCATE, &f);
    return e ? e : WE_NOTSUP;
}

int wasi_h_fd_fdstat_get(wcall *k)
{
    wfd *f;
    int e = wasi_fd_get(k->w, A32(k, 0), 0, &f);
    if (e)
        return e;
    uint8_t *p = k->mem + A32(k, 1);
    memset(p, 0, 24);
    p[0] = f->filetype;
    put16(p + 2, f->fdflags);
    put64(p + 8, f->base);
    put64(p + 16, f->inh);
    return WE_SUCCESS;
}

int wasi_h_fd_fdstat_set_flags(wcall *k)
{
    wfd *f;
    int e = wasi_fd_get(k->w, A32(k, 0), RT_FD_FDSTAT_SET_FLAGS, &f);
    if (e)
        return e;
    uint32_t fl = A32(k, 1);
    /* As Wasmtime: only APPEND and NONBLOCK can change after the open. */
    if (fl & ~(uint32_t)(FDF_APPEND | FDF_NONBLOCK))
        return WE_INVAL;
    if (f->kind == FK_FILE) {
        int hf = fcntl(f->host, F_GETFL);
        if (hf < 0)
            return wasi_errno(errno);
        hf &= ~(O_APPEND | O_NONBLOCK);
        if (fl & FDF_APPEND)
            hf |= O_APPEND;
        /* a device stays non-blocking on the host whatever the guest sets
         * (wasi_path_open): its reads must not wait beyond the interrupt */
        if ((fl & FDF_NONBLOCK) || f->filetype == FT_CHAR || f->filetype == FT_BLOCK)
            hf |= O_NONBLOCK;
        if (fcntl(f->host, F_SETFL, hf) < 0)
            return wasi_errno(errno);
    }
    /* the sync flags the fd was opened with stay, as on the host fd */
    f->fdflags = (uint16_t)((f->fdflags & (FDF_DSYNC | FDF_RSYNC | FDF_SYNC)) | fl);
    return WE_SUCCESS;
}

int wasi_h_fd_fdstat_set_rights(wcall *k)
{
    wfd *f;
    int e = wasi_fd_get(k->w, A32(k, 0), 0, &f);
    if (e)
        return e;
    uint64_t b = A64(k, 1), i = A64(k, 2);
    if ((b & ~f->base) || (i & ~f->inh))
        return WE_NOTCAPABLE;
    f->base = b;
    f->inh = i;
    return WE_SUCCESS;
}

int wasi_h_fd_filestat_get(wcall *k)
{
    wfd *f;
    int e = wasi_fd_get(k->w, A32(k, 0), RT_FD_FILESTAT_GET, &f);
    if (e)
        return e;
    uint8_t *p = k->mem + A32(k, 1);
    if (is_stdio(f)) {
        memset(p, 0, 64);
        p[16] = f->filetype;
        return WE_SUCCESS;
    }
    struct stat st;
    if (fstat(f->host, &st) < 0)
        return wasi_errno(errno);
    put_filestat(p, &st);
    return WE_SUCCESS;
}

int wasi_h_fd_filestat_set_size(wcall *k)
{
    wfd *f;
    int e = wasi_fd_get(k->w, A32(k, 0), RT_FD_FILESTAT_SET_SIZE, &f);
    if (e)
        return e;
    if (f->kind != FK_FILE)
        return WE_BADF;
    if (A64(k, 1) > INT64_MAX)
        return WE_INVAL;
    if (ftruncate(f->host, (off_t)A64(k, 1)) < 0)
        return wasi_errno(errno);
    return WE_SUCCESS;
}

int wasi_h_fd_filestat_set_times(wcall *k)
{
    wfd *f;
    int e = wasi_fd_get(k->w, A32(k, 0), RT_FD_FILESTAT_SET_TIMES, &f);
    if (e)
        return e;
    struct timespec ts[2];
    if ((e = times_of(A64(k, 1), A64(k, 2), A32(k, 3), ts)))
        return e;
    if (is_stdio(f) || f->host < 0)
        return WE_BADF;
    if (utimensat(f->host, "", ts, AT_EMPTY_PATH) < 0)
        return wasi_errno(errno);
    return WE_SUCCESS;
}

int wasi_h_fd_prestat_get(wcall *k)
{
    wfd *f;
    int e = wasi_fd_get(k->w, A32(k, 0), 0, &f);
    if (e)
        return e;
    if (f->preopen == NULL)
        return WE_BADF;
    uint8_t *p = k->mem + A32(k, 1);
    memset(p, 0, 8);
    put32(p + 4, (uint32_t)strlen(f->preopen));
    return WE_SUCCESS;
}

int wasi_h_fd_prestat_dir_name(wcall *k)
{
    wfd *f;
    int e = wasi_fd_get(k->w, A32(k, 0), 0, &f);
    if (e)
        return e;
    if (f->preopen == NULL)
        return WE_BADF;
    size_t n = strlen(f->preopen);
    if (A32(k, 2) < n)
        return WE_NAMETOOLONG;
    memcpy(k->mem + A32(k, 1), f->preopen, n);
    return WE_SUCCESS;
}

static uint8_t dtype(int dfd, const struct dirent *d)
{
    switch (d->d_type) {
    case DT_REG: return FT_REG;
    case DT_DIR: return FT_DIR;
    case DT_LNK: return FT_SYMLINK;
    case DT_CHR: return FT_CHAR;
    case DT_BLK: return FT_BLOCK;
    case DT_SOCK: return FT_SOCK_STREAM;
    case DT_UNKNOWN: {
        struct stat st;
        if (fstatat(dfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
            return wasi_filetype_of_mode(st.st_mode);
        return FT_UNKNOWN;
    }
    default: return FT_UNKNOWN;
    }
}

/* Append one dirent (24-byte header + name) at *used, truncating at cap. */
static void put_dirent(uint8_t *buf, uint32_t cap, uint32_t *used, uint64_t next, uint64_t ino,
                       uint8_t type, const char *name)
{
    uint8_t h[24] = {0};
    size_t nl = strlen(name);
    put64(h, next);
    put64(h + 8, ino);
    put32(h + 16, (uint32_t)nl);
    h[20] = type;
    for (int part = 0; part < 2; part++) {
        const uint8_t *src = part ? (const uint8_t *)name : h;
        size_t n = part ? nl : 24;
        size_t room = cap - *used;
        if (n > room)
            n = room;
        memcpy(buf + *used, src, n);
        *used += (uint32_t)n;
    }
}

int wasi_h_fd_readdir(wcall *k)
{
    wfd *f;
    int e = wasi_fd_get(k->w, A32(k, 0), 0, &f);
    if (e)
        return e;
    if (f->kind != FK_DIR)
        return WE_BADF; /* as Wasmtime: not a directory descriptor */
    if ((e = wasi_fd_lacks(f, RT_FD_READDIR)))
        return e;
    uint8_t *buf = k->mem + A32(k, 1);
    uint32_t cap = A32(k, 2), used = 0;
    uint64_t cookie = A64(k, 3);
    struct stat self;
    if (fstat(f->host, &self) < 0)
        return wasi_errno(errno);
    DIR *dir = f->dir;
    if (dir == NULL) {
        int dfd = openat(f->host, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
            return wasi_errno(errno);
        if ((dir = fdopendir(dfd)) == NULL) {
            e = wasi_errno(errno);
            close(dfd);
            return e;
        }
        f->dir = dir;
        f->dir_next = 0;
    }
    /* Entries 0 and 1 are "." and ".."; then the host's, in its order.
     * Entry i has d_next = i + 1; a cookie is the index to start at.  The
     * stream goes on where the last call stopped, giving first the entry
     * that did not fit the last buffer when the guest resumes at it; any
     * other cookie reads the directory again from its start (a listing
     * changed meanwhile may shift). */
    uint64_t idx;
    int again = 0;
    if (cookie >= 2 && cookie == f->dir_next) {
        idx = cookie;
    } else if (cookie >= 2 && f->dir_last != NULL && cookie + 1 == f->dir_next) {
        idx = cookie;
        again = 1;
    } else {
        rewinddir(dir);
        idx = 0;
    }
    char *last = again ? f->dir_last : NULL;
    if (!again)
        free(f->dir_last);
    f->dir_last = NULL;
    for (; idx < 2 && used < cap; idx++)
        if (idx >= cookie)
            put_dirent(buf, cap, &used, idx + 1, (uint64_t)self.st_ino, FT_DIR, idx ? ".." : ".");
    if (last != NULL && used < cap) {
        put_dirent(buf, cap, &used, idx + 1, f->dir_last_ino, f->dir_last_type, last);
        idx++;
        f->dir_last = last; /* the same entry may again not fit */
        last = NULL;
    }
    free(last);
    while (used < cap) {
        errno = 0;
        struct dirent *d = readdir(dir);
        if (d == NULL) {
            if (errno) {
                f->dir_next = idx;
                return wasi_errno(errno);
            }
            break;
        }
        if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
            continue;
        if (idx >= cookie) {
            uint8_t type = dtype(dirfd(dir), d);
            put_dirent(buf, cap, &used, idx + 1, (uint64_t)d->d_ino, type, d->d_name);
            free(f->dir_last);
            f->dir_last = strdup(d->d_name); /* NULL (out of memory): no resuming */
            f->dir_last_ino = (uint64_t)d->d_ino;
            f->dir_last_type = type;
        }
        idx++;
    }
    f->dir_next = idx;
    put32(k->mem + A32(k, 4), used);
    return WE_SUCCESS;
}

/* ---- path_* --------------------------------------------------------------- */

int wasi_h_path_open(wcall *k)
{
    wfd *d;
    char *path = NULL;
    uint32_t dirflags = A32(k, 1), of = A32(k, 4), fdf = A32(k, 7);
    uint64_t rb = A64(k, 5), ri = A64(k, 6);
    int e = dir_path(k, A32(k, 0), RT_PATH_OPEN, 2, &d, &path);
    if (e)
        return e;
    uint64_t need = 0;
    if (of & OF_CREAT)
        need |= RT_PATH_CREATE_FILE;
    if (of & OF_TRUNC)
        need |= RT_PATH_FILESTAT_SET_SIZE;
    const uint64_t wr = RT_FD_WRITE | RT_FD_DATASYNC | RT_FD_ALLOCATE | RT_FD_FILESTAT_SET_SIZE;
    if ((of & ~15u) || (fdf & ~31u)) {
        free(path);
        return WE_INVAL;
    }
    /* A read-only tree refuses create, truncate and FD_WRITE with EPERM
     * (Wasmtime: DirPerms without MUTATE, FilePerms without WRITE). */
    if (d->readonly && ((of & (OF_CREAT | OF_TRUNC)) || (rb & RT_FD_WRITE))) {
        free(path);
        return WE_PERM;
    }
    /* Like Wasmtime, a guest's own narrowing of inheriting rights does not
     * limit what it opens beneath; a readonly tree is the hard limit. */
    if ((e = wasi_fd_lacks(d, need))) {
        free(path);
        return e;
    }
    if (d->readonly) {
        /* Rights only a writable file uses are dropped (never a write
         * open): what it opens is read-only as a whole. */
        rb &= ~(RT_MUTATING | wr);
        ri &= ~RT_MUTATING;
    }
    bool rd = rb & (RT_FD_READ | RT_FD_READDIR), wrt = rb & wr;
    int fl = wrt ? (rd ? O_RDWR : O_WRONLY) : O_RDONLY;
    if (of & OF_CREAT)
        fl |= O_CREAT;
    if (of & OF_EXCL)
        fl |= O_EXCL;
    if (of & OF_TRUNC)
        fl |= O_TRUNC;
    if (of & OF_DIRECTORY)
        fl |= O_DIRECTORY;
    if (fdf & FDF_APPEND)
        fl |= O_APPEND;
    if (fdf & FDF_NONBLOCK)
        fl |= O_NONBLOCK;
    if (fdf & FDF_DSYNC)
        fl |= O_DSYNC;
    if (fdf & FDF_SYNC)
        fl |= O_SYNC;
    if (fdf & FDF_RSYNC)
        fl |= O_RSYNC;
    int err;
    uint32_t nfd = wasi_fd_alloc(k->w, &err);
    if (err) {
        free(path);
        return err;
    }
    d = &k->w->fds[A32(k, 0)]; /* the table may have moved */
    int h;
    bool ro;
    e = wasi_path_open(k->w, d, path, fl, 0666, dirflags & LOOKUP_SYMLINK_FOLLOW, &h, &ro);
    if ((e == WE_ISDIR || (e == WE_PERM && ro)) && wrt && !(rb & RT_FD_WRITE) &&
        !(of & (OF_CREAT | OF_TRUNC))) {
        /* A directory asked for with rights only a writable file uses
         * (datasync, allocate, set_size - a directory's own rights include
         * some), or anything asked for so beneath a read-only root (which
         * a readonly preopen drops before the open): open it for reading;
         * they are dropped below.  Asking for FD_WRITE itself stays EISDIR
         * (as in Wasmtime) or EPERM. */
        fl = (fl & ~O_ACCMODE) | O_RDONLY;
        e = wasi_path_open(k->w, d, path, fl, 0666, dirflags & LOOKUP_SYMLINK_FOLLOW, &h, &ro);
    }
    free(path);
    if (e)
        return e;
    if (ro && !d->readonly) {
        /* Reached through a writable tree, it lies beneath a read-only
         * one: read-only as if opened there. */
        rb &= ~(RT_MUTATING | wr);
        ri &= ~RT_MUTATING;
        wrt = false;
    }
    struct stat st;
    if (fstat(h, &st) < 0) {
        e = wasi_errno(errno);
        close(h);
        return e;
    }
    wfd *f = &k->w->fds[nfd];
    f->host = h;
    f->owned = true;
    f->readonly = d->readonly || ro;
    f->filetype = wasi_filetype_of_mode(st.st_mode);
    f->fdflags = (uint16_t)fdf;
    if (S_ISDIR(st.st_mode)) {
        f->kind = FK_DIR;
        f->base = rb & RT_DIR_BASE;
        f->inh = ri;
    } else {
        f->kind = FK_FILE;
        f->base = rb & RT_FILE_BASE;
        f->inh = 0;
        if (!wrt)
            f->base &= ~wr;
    }
    put32(k->mem + A32(k, 8), nfd);
    return WE_SUCCESS;
}

/* Resolve the parent of the path at a[pi] beneath the dir fd a[fi]. */
typedef struct {
    wfd *d;
    char *path;
    int parent;
    const char *name;
    bool dot;
} wpp;

static int parent_of(wcall *k, int fi, int pi, uint64_t need, wpp *p)
{
    p->path = NULL;
    p->parent = -1;
    int e = dir_path(k, A32(k, fi), need, pi, &p->d, &p->path);
    if (e)
        return e;
    e = wasi_path_parent(k->w, p->d, p->path, &p->parent, &p->name, &p->dot);
    if (e == WE_SUCCESS && (need & RT_MUTATING) && !p->dot) {
        /* the change happens in parent: not beneath a read-only root */
        e = wasi_path_may_change(k->w, p->d, p->parent, p->name);
        if (e)
            wasi_path_done(p->parent, p->d);
    }
    if (e) {
        free(p->path);
        p->path = NULL;
        p->parent = -1;
    }
    return e;
}

/* The checks on a directory fd alone (no path): both fds of a rename or
 * link are checked before either path is resolved, as in Wasmtime. */
static int dir_ok(wcall *k, int fi, uint64_t need)
{
    wfd *d;
    int e = wasi_fd_get(k->w, A32(k, fi), 0, &d);
    if (e)
        return e;
    if (d->kind != FK_DIR)
        return WE_NOTDIR;
    return wasi_fd_lacks(d, need);
}

static void pp_done(wpp *p)
{
    if (p->parent >= 0)
        wasi_path_done(p->parent, p->d);
    free(p->path);
}

static int host_result(int r)
{
    return r < 0 ? wasi_errno(errno) : WE_SUCCESS;
}

int wasi_h_path_create_directory(wcall *k)
{
    wpp p;
    int e = parent_of(k, 0, 1, RT_PATH_CREATE_DIRECTORY, &p);
    if (e)
        return e;
    e = p.dot ? WE_EXIST : host_result(mkdirat(p.parent, p.name, 0777));
    pp_done(&p);
    return e;
}

int wasi_h_path_remove_directory(wcall *k)
{
    wpp p;
    int e = parent_of(k, 0, 1, RT_PATH_REMOVE_DIRECTORY, &p);
    if (e)
        return e;
    if (p.dot)
        e = p.name[1] ? WE_NOTEMPTY : WE_INVAL;
    else
        e = host_result(unlinkat(p.parent, p.name, AT_REMOVEDIR));
    if (e == WE_EXIST)
        e = WE_NOTEMPTY;
    pp_done(&p);
    return e;
}

int wasi_h_path_unlink_file(wcall *k)
{
    wpp p;
    int e = parent_of(k, 0, 1, RT_PATH_UNLINK_FILE, &p);
    if (e)
        return e;
    e = p.dot ? WE_ISDIR : host_result(unlinkat(p.parent, p.name, 0));
    pp_done(&p);
    return e;
}

int wasi_h_path_readlink(wcall *k)
{
    wpp p;
    int e = parent_of(k, 0, 1, RT_PATH_READLINK, &p);
    if (e)
        return e;
    if (p.dot) {
        pp_done(&p);
        return WE_INVAL;
    }
    char buf[PATH_MAX + 1];
    ssize_t n = readlinkat(p.parent, p.name, buf, sizeof buf);
    e = n < 0 ? wasi_errno(errno) : WE_SUCCESS;
    pp_done(&p);
    if (e)
        return e;
    uint32_t cap = A32(k, 4);
    if ((uint64_t)n > cap)
        n = cap; /* truncated, as the spec describes */
    memcpy(k->mem + A32(k, 3), buf, (size_t)n);
    put32(k->mem + A32(k, 5), (uint32_t)n);
    return WE_SUCCESS;
}

int wasi_h_path_rename(wcall *k)
{
    wpp a, b;
    int e = dir_ok(k, 0, RT_PATH_RENAME_SOURCE);
    if (e == WE_SUCCESS)
        e = dir_ok(k, 3, RT_PATH_RENAME_TARGET);
    if (e == WE_SUCCESS)
        e = parent_of(k, 0, 1, RT_PATH_RENAME_SOURCE, &a);
    if (e)
        return e;
    if ((e = parent_of(k, 3, 4, RT_PATH_RENAME_TARGET, &b))) {
        pp_done(&a);
        return e;
    }
    if (a.dot || b.dot)
        e = WE_BUSY;
    else
        e = host_result(renameat(a.parent, a.name, b.parent, b.name));
    pp_done(&a);
    pp_done(&b);
    return e;
}

int wasi_h_path_link(wcall *k)
{
    wpp a, b;
    int e = dir_ok(k, 0, RT_PATH_LINK_SOURCE);
    if (e == WE_SUCCESS)
        e = dir_ok(k, 4, RT_PATH_LINK_TARGET);
    if (e == WE_SUCCESS)
        e = parent_of(k, 0, 2, RT_PATH_LINK_SOURCE, &a);
    if (e)
        return e;
    if ((e = parent_of(k, 4, 5, RT_PATH_LINK_TARGET, &b))) {
        pp_done(&a);
        return e;
    }
    /* Following a symlink is not supported (EINVAL, as Wasmtime); checked
     * once both paths resolved, so a path leaving its preopen is EPERM
     * whatever the flags (Wasmtime checks the flag first). */
    if (A32(k, 1) & LOOKUP_SYMLINK_FOLLOW)
        e = WE_INVAL;
    else if (b.dot)
        e = WE_EXIST;
    else if (a.dot)
        e = WE_PERM;
    else
        e = host_result(linkat(a.parent, a.name, b.parent, b.name, 0));
    pp_done(&a);
    pp_done(&b);
    return e;
}

int wasi_h_path_symlink(wcall *k)
{
    char *target;
    int e = wasi_str(k, A32(k, 0), A32(k, 1), &target);
    if (e)
        return e;
    wpp p;
    if ((e = parent_of(k, 2, 3, RT_PATH_SYMLINK, &p))) {
        free(target);
        return e;
    }
    if (target[0] == '/')
        e = WE_PERM; /* as Wasmtime: no absolute symlinks */
    else if (p.dot)
        e = WE_EXIST;
    else
        e = host_result(symlinkat(target, p.parent, p.name));
    free(target);
    pp_done(&p);
    return e;
}

int wasi_h_path_filestat_get(wcall *k)
{
    wfd *d;
    char *path;
    int e = dir_path(k, A32(k, 0), RT_PATH_FILESTAT_GET, 2, &d, &path);
    if (e)
        return e;
    int h;
    e = wasi_path_open(k->w, d, path, O_PATH, 0, A32(k, 1) & LOOKUP_SYMLINK_FOLLOW, &h, NULL);
    free(path);
    if (e)
        return e;
    struct stat st;
    if (fstat(h, &st) < 0)
        e = wasi_errno(errno);
    else
        put_filestat(k->mem + A32(k, 4), &st);
    close(h);
    return e;
}

int wasi_h_path_filestat_set_times(wcall *k)
{
    struct timespec ts[2];
    int e = times_of(A64(k, 4), A64(k, 5), A32(k, 6), ts);
    wfd *d;
    char *path;
    if (e == WE_SUCCESS)
        e = dir_path(k, A32(k, 0), RT_PATH_FILESTAT_SET_TIMES, 2, &d, &path);
    if (e)
        return e;
    int h;
    bool ro;
    e = wasi_path_open(k->w, d, path, O_PATH, 0, A32(k, 1) & LOOKUP_SYMLINK_FOLLOW, &h, &ro);
    free(path);
    if (e)
        return e;
    if (ro) {
        close(h); /* beneath a read-only root, reached through a writable one */
        return WE_PERM;
    }
    e = host_result(utimensat(h, "", ts, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW));
    close(h);
    return e;
}
