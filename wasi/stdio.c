/*
 * stdio.c - the guest's stdin, stdout and stderr: reading stdin from a
 * host fd (in short slices, so that an interrupt ends a blocked read) or
 * from bytes in memory; writing stdout/stderr through to the host or into
 * bounded capture buffers.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#define SLICE_MS 5

bool wasi_interrupted(const wasi_ctx *w)
{
    return w->store != NULL && corral_store_interrupted(w->store);
}

int wasi_stdio_read(wasi_ctx *w, uint8_t *buf, size_t len, size_t *got, const char **trap)
{
    *got = 0;
    if (w->stdin_data) {
        size_t n = w->stdin_len - w->stdin_pos;
        if (n > len)
            n = len;
        memcpy(buf, w->stdin_data + w->stdin_pos, n);
        w->stdin_pos += n;
        *got = n;
        return WE_SUCCESS;
    }
    if (w->stdin_fd < 0 || len == 0)
        return WE_SUCCESS;
    for (;;) {
        if (wasi_interrupted(w)) {
            *trap = "interrupt";
            return WE_INTR;
        }
        struct pollfd p = {w->stdin_fd, POLLIN, 0};
        int r = poll(&p, 1, SLICE_MS);
        if (r < 0 && errno != EINTR)
            return wasi_errno(errno);
        if (r <= 0)
            continue;
        ssize_t n = read(w->stdin_fd, buf, len);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            return wasi_errno(errno);
        }
        *got = (size_t)n;
        return WE_SUCCESS;
    }
}

int wasi_stdio_write(wasi_ctx *w, wasi_fd_kind k, int host, const uint8_t *buf, size_t len)
{
    if (w->capture_cap) {
        wasi_capture *c = &w->out[k == FK_STDERR];
        size_t room = c->cap - c->len, n = len < room ? len : room;
        memcpy(c->buf + c->len, buf, n);
        c->len += n;
        c->dropped += len - n;
        return WE_SUCCESS;
    }
    while (len > 0) {
        ssize_t n = write(host, buf, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN) {
                struct pollfd p = {host, POLLOUT, 0};
                poll(&p, 1, SLICE_MS);
                if (wasi_interrupted(w))
                    return WE_INTR;
                continue;
            }
            return wasi_errno(errno);
        }
        buf += n;
        len -= (size_t)n;
    }
    return WE_SUCCESS;
}
