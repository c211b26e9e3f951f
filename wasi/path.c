/*
 * path.c - resolving a guest path beneath one of its directory fds.
 *
 * A path never leaves the directory it is resolved in: not by "..", not
 * by an absolute path, not by a symlink (absolute, or relative and
 * climbing out), not through /proc magic links, not when a directory is
 * renamed or swapped meanwhile.  Escapes get WE_ESCAPE (EPERM, as
 * Wasmtime reports).
 *
 * Two implementations:
 *  - openat2(2) with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS: the kernel
 *    enforces it.  Used when the kernel has it (ENOSYS is detected once
 *    per context).
 *  - a walk that opens one component at a time with O_NOFOLLOW, holding an
 *    fd for each directory on the way (".." pops that stack, so it never
 *    goes above the start and never trusts the file system's ".."), and
 *    follows symlinks by hand with readlinkat: at most WASI_MAX_SYMLINKS,
 *    absolute targets refused.
 * Setting CORRAL_WASI_NO_OPENAT2=1 in the environment when wasi_new runs
 * (or wasi_config.no_openat2) forces the walk, so that tests cover both.
 *
 * Read-only mappings.  A path resolved beneath a writable preopen can
 * still reach a read-only one (a symlink, "..", or a mapping nested in
 * another), so the host directories of the preopens are known by (device,
 * inode), and a change is refused if the directory it happens in lies
 * beneath a read-only one: wasi_path_dir_ro walks that directory's ancestry
 * up on the host to the first preopened directory.  Opens that need to
 * know (wasi_path_open with ro) use the walk, which holds the fd of the
 * directory the last component is opened in, so that directory is the
 * one checked, before a creating or writing open, and no symlink swapped
 * in meanwhile can redirect it.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#define W_RESOLVE_NO_MAGICLINKS 0x02
#define W_RESOLVE_BENEATH 0x08

struct w_open_how {
    uint64_t flags, mode, resolve;
};

/* WASI_MAX_SYMLINKS, WASI_WALK_MAX_PATH and WASI_RO_MAX_DEPTH: see
 * corral_bounds.h. */

/* Flags with which an open changes the file or may later write it. */
#define OPEN_CHANGES (O_CREAT | O_TRUNC | O_WRONLY | O_RDWR)

static int open_kernel(int dirfd, const char *path, int flags, unsigned mode)
{
    struct w_open_how how = {(uint64_t)(unsigned)flags,
                             (flags & O_CREAT) ? mode : 0,
                             W_RESOLVE_BENEATH | W_RESOLVE_NO_MAGICLINKS};
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

/* -1 when st is no preopen's directory, else 1 if one of those mapping it
 * is read-only, 0 if none is. */
static int root_of(const wasi_ctx *w, const struct stat *st)
{
    int r = -1;
    for (size_t i = 0; i < w->nroots; i++)
        if (w->roots[i].dev == (uint64_t)st->st_dev && w->roots[i].ino == (uint64_t)st->st_ino) {
            if (w->roots[i].readonly)
                return 1;
            r = 0;
        }
    return r;
}

int wasi_path_dir_ro(wasi_ctx *w, int fd, bool *ro)
{
    *ro = false;
    if (w->nro == 0)
        return WE_SUCCESS;
    int cur = fd, err = WE_LOOP;
    for (int depth = 0; depth < WASI_RO_MAX_DEPTH; depth++) {
        struct stat st, up_st;
        if (fstat(cur, &st) < 0) {
            err = wasi_errno(errno);
            break;
        }
        int r = root_of(w, &st);
        if (r >= 0) {
            *ro = r == 1;
            err = WE_SUCCESS;
            break;
        }
        /* The host's "..": only compared, never handed to the guest. */
        int up = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (up < 0 || fstat(up, &up_st) < 0) {
            err = wasi_errno(errno);
            if (up >= 0)
                close(up);
            break;
        }
        if (cur != fd)
            close(cur);
        cur = up;
        if (up_st.st_dev == st.st_dev && up_st.st_ino == st.st_ino) {
            err = WE_SUCCESS; /* the host's /: beneath no preopen (moved out) */
            break;
        }
    }
    if (cur != fd)
        close(cur);
    return err;
}

int wasi_path_may_change(wasi_ctx *w, const wfd *dir, int parent, const char *name)
{
    if (dir->readonly)
        return WE_PERM;
    if (w->nro == 0)
        return WE_SUCCESS;
    /* name itself a read-only root: removing, renaming or replacing it
     * changes the mapping (trailing slashes dropped: stat, do not follow) */
    char own[256];
    size_t n = strcspn(name, "/");
    struct stat st;
    if (n < sizeof own) {
        memcpy(own, name, n);
        own[n] = '\0';
        if (fstatat(parent, own, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode) &&
            root_of(w, &st) == 1)
            return WE_PERM;
    }
    bool ro;
    int e = wasi_path_dir_ro(w, parent, &ro);
    if (e)
        return e;
    return ro ? WE_PERM : WE_SUCCESS;
}

/* The component walk.  rest is a malloc'd copy of the path it consumes.
 * ro (not NULL): find out whether the result lies beneath a read-only
 * root, refusing an OPEN_CHANGES open there before it is made. */
static int walk(wasi_ctx *w, int root, const char *path, int flags, unsigned mode,
                   bool follow_last, int *out, bool *ro)
{
    size_t cap = 16, depth = 0;
    int *stack = malloc(cap * sizeof *stack); /* owned fds of directories below root */
    char *rest = strdup(path);
    int links = 0, err = WE_SUCCESS;
    if (stack == NULL || rest == NULL) {
        free(stack);
        free(rest);
        return WE_NOMEM;
    }
    size_t pos = 0;
    int got = -1, in = -1; /* the result, and the directory it is in */
    for (;;) {
        int cur = depth ? stack[depth - 1] : root;
        while (rest[pos] == '/')
            pos++;
        if (rest[pos] == '\0') {
            /* Only reached for "" after a symlink to "." etc.: open cur. */
            int fd = openat(cur, ".", flags & ~(O_CREAT | O_EXCL | O_NOFOLLOW), mode);
            if (fd < 0)
                err = wasi_errno(errno);
            else
                got = fd, in = cur;
            break;
        }
        size_t start = pos;
        while (rest[pos] != '\0' && rest[pos] != '/')
            pos++;
        size_t clen = pos - start, after = pos;
        bool trailing = false;
        while (rest[after] == '/')
            after++, trailing = true;
        bool last = rest[after] == '\0';
        char comp[256];
        if (clen > 255) {
            err = WE_NAMETOOLONG;
            break;
        }
        memcpy(comp, rest + start, clen);
        comp[clen] = '\0';

        if (strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0) {
            if (comp[1] == '.') {
                if (depth == 0) {
                    err = WE_ESCAPE;
                    break;
                }
                close(stack[--depth]);
            }
            if (last) {
                cur = depth ? stack[depth - 1] : root;
                int fd = openat(cur, ".", flags & ~(O_NOFOLLOW), mode);
                if (fd < 0)
                    err = wasi_errno(errno);
                else
                    got = fd, in = cur;
                break;
            }
            continue;
        }

        int fd;
        bool follow;
        if (last) {
            int f = flags | O_NOFOLLOW | O_CLOEXEC;
            if (trailing)
                f |= O_DIRECTORY;
            follow = follow_last || trailing;
            if (ro != NULL && (f & OPEN_CHANGES)) {
                /* checked before the open creates or truncates anything */
                if ((err = wasi_path_dir_ro(w, cur, ro)))
                    break;
                if (*ro) {
                    err = WE_PERM;
                    break;
                }
            }
            fd = openat(cur, comp, f, mode);
            if (fd >= 0 && (f & O_PATH) && follow) {
                struct stat st;
                if (fstat(fd, &st) == 0 && S_ISLNK(st.st_mode)) {
                    close(fd);
                    fd = -1;
                    errno = ELOOP;
                }
            }
            if (fd >= 0) {
                got = fd, in = cur;
                break;
            }
        } else {
            follow = true;
            fd = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (fd >= 0) {
                if (depth == cap) {
                    int *s = realloc(stack, 2 * cap * sizeof *s);
                    if (s == NULL) {
                        close(fd);
                        err = WE_NOMEM;
                        break;
                    }
                    stack = s;
                    cap *= 2;
                }
                stack[depth++] = fd;
                continue;
            }
        }
        int e = errno;
        if (!follow || (e != ELOOP && e != ENOTDIR && e != EMLINK)) {
            err = wasi_errno(e);
            break;
        }
        /* Perhaps a symlink: read it and splice it in front of the rest. */
        char target[WASI_MAX_PATH + 1]; /* a target the host made: at most PATH_MAX - 1 */
        ssize_t n = readlinkat(cur, comp, target, sizeof target);
        if (n < 0) {
            err = wasi_errno(errno == EINVAL ? e : errno);
            break;
        }
        if ((size_t)n >= sizeof target) {
            err = WE_NAMETOOLONG;
            break;
        }
        if (++links > WASI_MAX_SYMLINKS) {
            err = WE_LOOP;
            break;
        }
        if (n == 0) {
            err = WE_NOENT;
            break;
        }
        if (target[0] == '/') {
            err = WE_ESCAPE;
            break;
        }
        size_t tail = strlen(rest + pos);
        if ((size_t)n + tail + 1 > WASI_WALK_MAX_PATH) {
            err = WE_NAMETOOLONG;
            break;
        }
        char *nr = malloc((size_t)n + tail + 1);
        if (nr == NULL) {
            err = WE_NOMEM;
            break;
        }
        memcpy(nr, target, (size_t)n);
        memcpy(nr + n, rest + pos, tail + 1);
        free(rest);
        rest = nr;
        pos = 0;
    }
    if (got >= 0 && ro != NULL) {
        /* a directory is judged by itself (it may be a root), anything
         * else by the directory it is in */
        struct stat st;
        if (fstat(got, &st) < 0)
            err = wasi_errno(errno);
        else
            err = wasi_path_dir_ro(w, S_ISDIR(st.st_mode) ? got : in, ro);
        if (err) {
            close(got);
            got = -1;
        }
    }
    if (got >= 0)
        *out = got;
    while (depth)
        close(stack[--depth]);
    free(stack);
    free(rest);
    return err;
}

static int resolve(wasi_ctx *w, const wfd *dir, const char *path, int flags, unsigned mode,
                   bool follow_last, int *out, bool *ro)
{
    /* Whether the result is beneath a read-only root needs the directory
     * it is in: only the walk has that. */
    if (w->openat2_state >= 0 && ro == NULL) {
        for (int tries = 0; tries < 16; tries++) {
            int fd = open_kernel(dir->host, path, flags, mode);
            if (fd >= 0) {
                w->openat2_state = 1;
                *out = fd;
                return WE_SUCCESS;
            }
            if (errno == EAGAIN || errno == EINTR)
                continue;
            if (errno == ENOSYS || (errno == EPERM && w->openat2_state == 0)) {
                /* no openat2 (or a seccomp filter refuses it): walk */
                w->openat2_state = -1;
                break;
            }
            if (errno == EXDEV)
                return WE_ESCAPE;
            return wasi_errno(errno);
        }
    }
    return walk(w, dir->host, path, flags, mode, follow_last, out, ro);
}

int wasi_path_open(wasi_ctx *w, const wfd *dir, const char *path, int flags,
                   unsigned mode, bool follow_last, int *out, bool *ro)
{
    if (ro != NULL) {
        *ro = dir->readonly;
        if (dir->readonly || w->nro == 0)
            ro = NULL; /* known already */
    }
    if (path[0] == '\0')
        return WE_NOENT;
    if (path[0] == '/')
        return WE_ESCAPE;
    flags |= O_CLOEXEC;
    if (!follow_last)
        flags |= O_NOFOLLOW;
    /* An open never waits: a FIFO without a peer would block open(2) (and
     * a device its reads), beyond the reach of the run's interrupt.  So
     * every open is non-blocking until the file's type is known. */
    bool content = !(flags & O_PATH), nonblock = flags & O_NONBLOCK;
    if (content)
        flags |= O_NONBLOCK;
    int fd, err = resolve(w, dir, path, flags, mode, follow_last, &fd, ro);
    if (err || !content) {
        if (err == WE_SUCCESS)
            *out = fd;
        return err;
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        err = wasi_errno(errno);
        close(fd);
        return err;
    }
    if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) {
        /* Served, they could wait forever on a peer: "no such device or
         * address", as open(2) says for a socket (and a FIFO's writer
         * with no reader). */
        close(fd);
        return WE_NXIO;
    }
    if ((S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) && !nonblock &&
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
        err = wasi_errno(errno);
        close(fd);
        return err;
    }
    /* A device stays non-blocking: its reads and writes never wait (EAGAIN),
     * each bounded by the guest's buffer. */
    *out = fd;
    return WE_SUCCESS;
}

int wasi_path_parent(wasi_ctx *w, const wfd *dir, const char *path, int *parent,
                     const char **name, bool *dot)
{
    *dot = false;
    if (path[0] == '\0')
        return WE_NOENT;
    if (path[0] == '/')
        return WE_ESCAPE;
    size_t e = strlen(path);
    while (e > 0 && path[e - 1] == '/')
        e--;
    size_t s = e;
    while (s > 0 && path[s - 1] != '/')
        s--;
    size_t clen = e - s;
    if ((clen == 1 && path[s] == '.') || (clen == 2 && path[s] == '.' && path[s + 1] == '.')) {
        int fd, err = wasi_path_open(w, dir, path, O_PATH | O_DIRECTORY, 0, true, &fd, NULL);
        if (err)
            return err;
        *parent = fd;
        *name = clen == 1 ? "." : "..";
        *dot = true;
        return WE_SUCCESS;
    }
    *name = path + s;
    if (s == 0) {
        *parent = dir->host;
        return WE_SUCCESS;
    }
    char *dp = strndup(path, s);
    if (dp == NULL)
        return WE_NOMEM;
    int fd, err = wasi_path_open(w, dir, dp, O_PATH | O_DIRECTORY, 0, true, &fd, NULL);
    free(dp);
    if (err)
        return err;
    *parent = fd;
    return WE_SUCCESS;
}

void wasi_path_done(int parent, const wfd *dir)
{
    if (parent >= 0 && parent != dir->host)
        close(parent);
}
