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
 *    follows symlinks by hand with readlinkat: at most WALK_MAX_LINKS,
 *    absolute targets refused.
 * Setting CORRAL_WASI_NO_OPENAT2=1 in the environment when wasi_new runs
 * (or wasi_config.no_openat2) forces the walk, so that tests cover both.
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

#define WALK_MAX_LINKS 40
#define WALK_MAX_PATH 65536

static int open_kernel(int dirfd, const char *path, int flags, unsigned mode)
{
    struct w_open_how how = {(uint64_t)(unsigned)flags,
                             (flags & O_CREAT) ? mode : 0,
                             W_RESOLVE_BENEATH | W_RESOLVE_NO_MAGICLINKS};
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

/* The component walk.  rest is a malloc'd copy of the path it consumes. */
static int walk(int root, const char *path, int flags, unsigned mode, bool follow_last, int *out)
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
                *out = fd;
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
                    *out = fd;
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
                *out = fd;
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
        char target[4096];
        ssize_t n = readlinkat(cur, comp, target, sizeof target);
        if (n < 0) {
            err = wasi_errno(errno == EINVAL ? e : errno);
            break;
        }
        if ((size_t)n >= sizeof target) {
            err = WE_NAMETOOLONG;
            break;
        }
        if (++links > WALK_MAX_LINKS) {
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
        if ((size_t)n + tail + 1 > WALK_MAX_PATH) {
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
    while (depth)
        close(stack[--depth]);
    free(stack);
    free(rest);
    return err;
}

int wpath_open(wasi_ctx *w, const wfd *dir, const char *path, int flags, unsigned mode,
               bool follow_last, int *out)
{
    if (path[0] == '\0')
        return WE_NOENT;
    if (path[0] == '/')
        return WE_ESCAPE;
    flags |= O_CLOEXEC;
    if (!follow_last)
        flags |= O_NOFOLLOW;
    if (w->openat2_state >= 0) {
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
    return walk(dir->host, path, flags, mode, follow_last, out);
}

int wpath_parent(wasi_ctx *w, const wfd *dir, const char *path, int *parent,
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
        int fd, err = wpath_open(w, dir, path, O_PATH | O_DIRECTORY, 0, true, &fd);
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
    int fd, err = wpath_open(w, dir, dp, O_PATH | O_DIRECTORY, 0, true, &fd);
    free(dp);
    if (err)
        return err;
    *parent = fd;
    return WE_SUCCESS;
}

void wpath_done(int parent, const wfd *dir)
{
    if (parent >= 0 && parent != dir->host)
        close(parent);
}
