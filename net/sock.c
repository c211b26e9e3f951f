/*
 * sock.c - the guest's TCP client sockets (docs/policy.md, "Sockets": TCP
 * connect only; bind, listen and UDP are refused in net.c).
 *
 * A connect is checked twice, as HTTP is: host:port against the allowed
 * hosts as "tcp://host:port" (net_policy_allows_host_port) before any name
 * lookup, then every address the name resolves to against the blocked
 * networks (net_policy_allows_addr) right before connecting to it, so a
 * name that resolves into a blocked network is refused whatever it is
 * called.  Sockets are non-blocking; every wait, the name lookup's
 * included (net_resolve), polls in NET_SLICE_MS slices and gives up at the
 * run's deadline or when the store is interrupted.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net.h"

/* The guest's host text: no NUL, brackets around IPv6 removed. */
static int host_text(net_ctx *n, const char *host, size_t len, char *out, size_t cap)
{
    if (len >= 2 && host[0] == '[' && host[len - 1] == ']')
        host++, len -= 2;
    if (len == 0 || len >= cap || memchr(host, '\0', len) != NULL)
        return net_fail(n, NET_EINVAL, "bad host name '%.*s'", (int)(len > 100 ? 100 : len),
                        host);
    memcpy(out, host, len);
    out[len] = '\0';
    return NET_OK;
}

/* "tcp://host:port" with IPv6 in brackets. */
static void dest_text(const char *host, uint32_t port, char *buf, size_t cap)
{
    if (strchr(host, ':') != NULL)
        snprintf(buf, cap, "tcp://[%s]:%u", host, port);
    else
        snprintf(buf, cap, "tcp://%s:%u", host, port);
}

static int deny(net_ctx *n, const char *host, uint32_t port, const char *why)
{
    char dest[NET_NAME_MAX + 32], msg[1024];
    dest_text(host, port, dest, sizeof dest);
    snprintf(msg, sizeof msg,
             "A tool tried to make an outbound network connection to disallowed destination "
             "'%s'. To allow this request, add '%s' to the allowed outbound hosts. (%s)",
             dest, dest, why);
    return net_deny(n, msg);
}

static uint64_t deadline_for(net_ctx *n, uint64_t limit_ms, bool *run_limit);

/* Step 1 and the lookup (net_resolve: the deadline and an interrupt stop
 * it).  *res is getaddrinfo's list. */
static int check_and_resolve(net_ctx *n, const char *gh, size_t glen, uint32_t port,
                             uint64_t deadline, bool run_limit, char *host, size_t hostcap,
                             struct addrinfo **res)
{
    int e = host_text(n, gh, glen, host, hostcap);
    if (e != NET_OK)
        return e;
    if (port == 0 || port > 65535)
        return net_fail(n, NET_EINVAL, "bad port %u", port);
    char why[256];
    if (!net_policy_allows_host_port(net_ctx_policy(n), "tcp", host, (uint16_t)port, why,
                                     sizeof why))
        return deny(n, host, port, why);
    return net_resolve(n, host, port, deadline, run_limit, res);
}

/* Step 2 for one address: NULL, or why it is refused (in buf). */
static const char *addr_refused(net_ctx *n, const struct addrinfo *ai, uint32_t port, char *buf,
                                size_t cap)
{
    const uint8_t *ip;
    int family;
    if (ai->ai_family == AF_INET) {
        ip = (const uint8_t *)&((const struct sockaddr_in *)ai->ai_addr)->sin_addr;
        family = 4;
    } else if (ai->ai_family == AF_INET6) {
        ip = (const uint8_t *)&((const struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
        family = 6;
    } else {
        snprintf(buf, cap, "address family %d is not allowed", ai->ai_family);
        return buf;
    }
    if (!net_policy_allows_addr(net_ctx_policy(n), family, ip, (uint16_t)port, buf, cap))
        return buf;
    return NULL;
}

/* Wait for events on fd until the deadline (ms, net_now_ms based) or an
 * interrupt.  NET_OK when ready. */
static int wait_fd(net_ctx *n, int fd, short events, uint64_t deadline, bool run_limit)
{
    for (;;) {
        if (net_interrupted(n))
            return net_fail(n, NET_ECANCELED, "the run was interrupted");
        uint64_t now = net_now_ms();
        if (now >= deadline)
            return net_fail(n, NET_ETIMEOUT, "%s",
                            run_limit ? "the run's time limit was reached"
                                      : "timed out waiting for the peer");
        uint64_t left = deadline - now;
        struct pollfd p = {fd, events, 0};
        int rc = poll(&p, 1, (int)(left < NET_SLICE_MS ? left : NET_SLICE_MS));
        if (rc > 0)
            return NET_OK;
        if (rc < 0 && errno != EINTR)
            return net_fail(n, NET_EIO, "poll: %s", strerror(errno));
    }
}

static uint64_t deadline_for(net_ctx *n, uint64_t limit_ms, bool *run_limit)
{
    uint64_t run_left = net_remaining_ms(n);
    *run_limit = limit_ms == 0 || run_left <= limit_ms;
    uint64_t left = *run_limit ? (run_left == UINT64_MAX ? run_left : run_left + NET_RUN_GRACE_MS)
                               : limit_ms;
    uint64_t now = net_now_ms();
    return left > UINT64_MAX - now ? UINT64_MAX : now + left;
}

int net_sock_connect(net_ctx *n, const char *gh, size_t glen, uint32_t port, int *out)
{
    char host[NET_NAME_MAX + 3];
    struct addrinfo *list = NULL;
    /* One time limit for the lookup and the connect together. */
    bool run_limit;
    uint64_t deadline = deadline_for(n, NET_CONNECT_TIMEOUT_MS, &run_limit);
    int e = check_and_resolve(n, gh, glen, port, deadline, run_limit, host, sizeof host, &list);
    if (e != NET_OK)
        return e;
    char why[256] = "";
    bool any_denied = false;
    e = NET_ECONNECT;
    int last_errno = 0;
    for (const struct addrinfo *ai = list; ai != NULL; ai = ai->ai_next) {
        char buf[256];
        if (addr_refused(n, ai, port, buf, sizeof buf) != NULL) {
            if (!any_denied)
                snprintf(why, sizeof why, "%s", buf);
            any_denied = true;
            continue;
        }
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                        ai->ai_protocol);
        if (fd < 0) {
            last_errno = errno;
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            *out = fd;
            freeaddrinfo(list);
            return NET_OK;
        }
        if (errno != EINPROGRESS) {
            last_errno = errno;
            close(fd);
            continue;
        }
        e = wait_fd(n, fd, POLLOUT, deadline, run_limit);
        if (e != NET_OK) {
            close(fd);
            freeaddrinfo(list);
            return e;
        }
        int soerr = 0;
        socklen_t sl = sizeof soerr;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr == 0) {
            *out = fd;
            freeaddrinfo(list);
            return NET_OK;
        }
        last_errno = soerr;
        close(fd);
        e = NET_ECONNECT;
    }
    freeaddrinfo(list);
    if (any_denied && last_errno == 0)
        return deny(n, host, port, why);
    return net_fail(n, NET_ECONNECT, "%s port %u: %s", host, port,
                    last_errno ? strerror(last_errno) : "no address to connect to");
}

int net_sock_send(net_ctx *n, int fd, const uint8_t *buf, size_t len, size_t *sent)
{
    *sent = 0;
    if (len == 0)
        return NET_OK;
    bool run_limit;
    uint64_t deadline = deadline_for(n, 0, &run_limit);
    for (;;) {
        ssize_t k = send(fd, buf, len, MSG_NOSIGNAL);
        if (k >= 0) {
            *sent = (size_t)k;
            return NET_OK;
        }
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            return net_fail(n, errno == EPIPE || errno == ECONNRESET ? NET_ECONNRESET : NET_EIO,
                            "send: %s", strerror(errno));
        int e = wait_fd(n, fd, POLLOUT, deadline, run_limit);
        if (e != NET_OK)
            return e;
    }
}

int net_sock_recv(net_ctx *n, int fd, uint8_t *buf, size_t cap, uint64_t timeout_ms,
                  size_t *got)
{
    *got = 0;
    bool run_limit;
    uint64_t deadline = deadline_for(n, timeout_ms, &run_limit);
    for (;;) {
        ssize_t k = recv(fd, buf, cap, 0);
        if (k >= 0) {
            *got = (size_t)k;
            return NET_OK;
        }
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            return net_fail(n, errno == ECONNRESET ? NET_ECONNRESET : NET_EIO, "recv: %s",
                            strerror(errno));
        int e = wait_fd(n, fd, POLLIN, deadline, run_limit);
        if (e != NET_OK)
            return e;
    }
}

int net_sock_resolve(net_ctx *n, const char *gh, size_t glen, uint32_t port, char **text,
                     size_t *text_len)
{
    char host[NET_NAME_MAX + 3];
    struct addrinfo *list = NULL;
    *text = NULL;
    *text_len = 0;
    bool run_limit;
    uint64_t deadline = deadline_for(n, NET_CONNECT_TIMEOUT_MS, &run_limit);
    int e = check_and_resolve(n, gh, glen, port, deadline, run_limit, host, sizeof host, &list);
    if (e != NET_OK)
        return e;
    size_t cap = 64, len = 0;
    char *out = malloc(cap);
    for (const struct addrinfo *ai = list; ai != NULL && out != NULL; ai = ai->ai_next) {
        char why[256], a[INET6_ADDRSTRLEN];
        if (addr_refused(n, ai, port, why, sizeof why) != NULL)
            continue;
        const void *src = ai->ai_family == AF_INET
                              ? (const void *)&((const struct sockaddr_in *)ai->ai_addr)->sin_addr
                              : (const void *)&((const struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
        if (inet_ntop(ai->ai_family, src, a, sizeof a) == NULL)
            continue;
        size_t k = strlen(a);
        /* getaddrinfo lists an address once per socket type at most; skip
         * repeats anyway. */
        if (len > 0) {
            char *dup = strstr(out, a);
            if (dup != NULL && (dup == out || dup[-1] == '\n') && dup[k] == '\n')
                continue;
        }
        if (len + k + 2 > cap) {
            char *bigger = realloc(out, (len + k + 2) * 2);
            if (bigger == NULL) {
                free(out);
                out = NULL;
                break;
            }
            out = bigger;
            cap = (len + k + 2) * 2;
        }
        memcpy(out + len, a, k);
        len += k;
        out[len++] = '\n';
        out[len] = '\0';
    }
    freeaddrinfo(list);
    if (out == NULL)
        return net_fail(n, NET_ENOMEM, "out of memory");
    *text = out;
    *text_len = len;
    return NET_OK;
}
