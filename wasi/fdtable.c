/*
 * fdtable.c - the guest's fd table: allocation, lookup with rights checks,
 * close, renumber; and the host errno -> WASI errno mapping.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

uint32_t wasi_fd_alloc(wasi_ctx *w, int *err)
{
    for (uint32_t i = 0; i < w->nfds; i++)
        if (w->fds[i].kind == FK_FREE) {
            *err = WE_SUCCESS;
            return i;
        }
    if (w->nfds >= WASI_MAX_FDS) {
        *err = WE_MFILE;
        return 0;
    }
    uint32_t n = w->nfds ? w->nfds * 2 : 8;
    if (n > WASI_MAX_FDS)
        n = WASI_MAX_FDS;
    wfd *f = realloc(w->fds, (size_t)n * sizeof *f);
    if (f == NULL) {
        *err = WE_NOMEM;
        return 0;
    }
    memset(f + w->nfds, 0, (size_t)(n - w->nfds) * sizeof *f);
    for (uint32_t i = w->nfds; i < n; i++)
        f[i].host = -1;
    uint32_t fd = w->nfds;
    w->fds = f;
    w->nfds = n;
    *err = WE_SUCCESS;
    return fd;
}

int wasi_fd_get(wasi_ctx *w, uint32_t fd, uint64_t need, wfd **out)
{
    if (fd >= w->nfds || w->fds[fd].kind == FK_FREE)
        return WE_BADF;
    wfd *f = &w->fds[fd];
    if ((f->base & need) != need)
        return WE_NOTCAPABLE;
    *out = f;
    return WE_SUCCESS;
}

int wasi_fd_lacks(const wfd *f, uint64_t need)
{
    uint64_t missing = need & ~f->base;
    if (missing == 0)
        return WE_SUCCESS;
    /* A path operation refused because the tree is read-only is EPERM, as
     * in Wasmtime (DirPerms without MUTATE: ErrorCode::NotPermitted); a
     * right the fd was opened without, or the guest dropped, ENOTCAPABLE. */
    if (f->readonly && (missing & RT_MUTATING))
        return WE_PERM;
    return WE_NOTCAPABLE;
}

void wasi_fd_release(wfd *f)
{
    if (f->dir != NULL)
        closedir(f->dir);
    free(f->dir_last);
    if (f->owned && f->host >= 0)
        close(f->host);
    free(f->preopen);
    memset(f, 0, sizeof *f);
    f->kind = FK_FREE;
    f->host = -1;
}

int wasi_fd_renumber(wasi_ctx *w, uint32_t from, uint32_t to)
{
    wfd *a, *b;
    int e = wasi_fd_get(w, from, 0, &a);
    if (e)
        return e;
    if ((e = wasi_fd_get(w, to, 0, &b)))
        return e;
    if (from == to)
        return WE_SUCCESS;
    wasi_fd_release(b);
    *b = *a;
    memset(a, 0, sizeof *a);
    a->kind = FK_FREE;
    a->host = -1;
    return WE_SUCCESS;
}

uint8_t wasi_filetype_of_mode(unsigned mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG: return FT_REG;
    case S_IFDIR: return FT_DIR;
    case S_IFLNK: return FT_SYMLINK;
    case S_IFCHR: return FT_CHAR;
    case S_IFBLK: return FT_BLOCK;
    case S_IFSOCK: return FT_SOCK_STREAM;
    default: return FT_UNKNOWN;
    }
}

int wasi_errno(int e)
{
    switch (e) {
    case 0: return WE_SUCCESS;
    case E2BIG: return WE_2BIG;
    case EACCES: return WE_ACCES;
    case EADDRINUSE: return WE_ADDRINUSE;
    case EADDRNOTAVAIL: return WE_ADDRNOTAVAIL;
    case EAFNOSUPPORT: return WE_AFNOSUPPORT;
    case EAGAIN: return WE_AGAIN;
    case EALREADY: return WE_ALREADY;
    case EBADF: return WE_BADF;
    case EBADMSG: return WE_BADMSG;
    case EBUSY: return WE_BUSY;
    case ECANCELED: return WE_CANCELED;
    case ECHILD: return WE_CHILD;
    case ECONNABORTED: return WE_CONNABORTED;
    case ECONNREFUSED: return WE_CONNREFUSED;
    case ECONNRESET: return WE_CONNRESET;
    case EDEADLK: return WE_DEADLK;
    case EDESTADDRREQ: return WE_DESTADDRREQ;
    case EDOM: return WE_DOM;
    case EDQUOT: return WE_DQUOT;
    case EEXIST: return WE_EXIST;
    case EFAULT: return WE_FAULT;
    case EFBIG: return WE_FBIG;
    case EHOSTUNREACH: return WE_HOSTUNREACH;
    case EIDRM: return WE_IDRM;
    case EILSEQ: return WE_ILSEQ;
    case EINPROGRESS: return WE_INPROGRESS;
    case EINTR: return WE_INTR;
    case EINVAL: return WE_INVAL;
    case EIO: return WE_IO;
    case EISCONN: return WE_ISCONN;
    case EISDIR: return WE_ISDIR;
    case ELOOP: return WE_LOOP;
    case EMFILE: return WE_MFILE;
    case EMLINK: return WE_MLINK;
    case EMSGSIZE: return WE_MSGSIZE;
    case EMULTIHOP: return WE_MULTIHOP;
    case ENAMETOOLONG: return WE_NAMETOOLONG;
    case ENETDOWN: return WE_NETDOWN;
    case ENETRESET: return WE_NETRESET;
    case ENETUNREACH: return WE_NETUNREACH;
    case ENFILE: return WE_NFILE;
    case ENOBUFS: return WE_NOBUFS;
    case ENODEV: return WE_NODEV;
    case ENOENT: return WE_NOENT;
    case ENOEXEC: return WE_NOEXEC;
    case ENOLCK: return WE_NOLCK;
    case ENOLINK: return WE_NOLINK;
    case ENOMEM: return WE_NOMEM;
    case ENOMSG: return WE_NOMSG;
    case ENOPROTOOPT: return WE_NOPROTOOPT;
    case ENOSPC: return WE_NOSPC;
    case ENOSYS: return WE_NOSYS;
    case ENOTCONN: return WE_NOTCONN;
    case ENOTDIR: return WE_NOTDIR;
    case ENOTEMPTY: return WE_NOTEMPTY;
    case ENOTRECOVERABLE: return WE_NOTRECOVERABLE;
    case ENOTSOCK: return WE_NOTSOCK;
    case EOPNOTSUPP: return WE_NOTSUP;
    case ENOTTY: return WE_NOTTY;
    case ENXIO: return WE_NXIO;
    case EOVERFLOW: return WE_OVERFLOW;
    case EOWNERDEAD: return WE_OWNERDEAD;
    case EPERM: return WE_PERM;
    case EPIPE: return WE_PIPE;
    case EPROTO: return WE_PROTO;
    case EPROTONOSUPPORT: return WE_PROTONOSUPPORT;
    case EPROTOTYPE: return WE_PROTOTYPE;
    case ERANGE: return WE_RANGE;
    case EROFS: return WE_ROFS;
    case ESPIPE: return WE_SPIPE;
    case ESRCH: return WE_SRCH;
    case ESTALE: return WE_STALE;
    case ETIMEDOUT: return WE_TIMEDOUT;
    case ETXTBSY: return WE_TXTBSY;
    case EXDEV: return WE_XDEV;
    default: return WE_IO;
    }
}
