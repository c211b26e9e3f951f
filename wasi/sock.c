/*
 * sock.c - sock_accept, sock_recv, sock_send, sock_shutdown.  No socket is
 * ever preopened (yet), so, as Wasmtime does, a bad fd is EBADF and any
 * other fd ENOTSOCK.
 */
#include "internal.h"

static int not_a_socket(wcall *k)
{
    wfd *f;
    int e = wasi_fd_get(k->w, A32(k, 0), 0, &f);
    return e ? e : WE_NOTSOCK;
}

int wasi_h_sock_accept(wcall *k) { return not_a_socket(k); }
int wasi_h_sock_recv(wcall *k) { return not_a_socket(k); }
int wasi_h_sock_send(wcall *k) { return not_a_socket(k); }
int wasi_h_sock_shutdown(wcall *k) { return not_a_socket(k); }
