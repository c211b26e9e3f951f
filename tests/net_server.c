/*
 * net_server.c - a small HTTP/1.1 server and a TCP echo server for the
 * network tests (tests/e2e_net.sh).  Test code only: never part of corral.
 *
 *   net_server            prints "HTTP_PORT ECHO_PORT\n" and serves until killed
 *   net_server dns        a DNS server that never answers: binds UDP and TCP
 *                         port 53 on 127.0.0.1 (run it in a network namespace,
 *                         tests/e2e_net.sh), prints "dns\n", reads queries and
 *                         drops them until killed
 *
 * Both listen on 127.0.0.1, on ephemeral ports.  One thread per connection,
 * one request per connection (every reply says Connection: close).
 * Routes:
 *   /ok               200 text/plain "hello from net_server\n"
 *   /json             200 application/json {"ok":true}
 *   /binary           200 application/octet-stream, the bytes 0..255
 *   /big?mb=N         200, N MiB (default 20) of a byte pattern
 *   /slow?ms=N        sleeps N ms (default 5000), then 200 "slow\n"
 *   /redirect?to=URL  302 to URL (percent-decoded)
 *   /echo             200 text/plain: the method, "\n", the request headers,
 *                     "\n", then the body as received
 *   /count            200 "received=N\n": the request body's length (read, not kept)
 *   /bighead?bytes=N  200 "ok\n" after a header line "X-Big: aaa..." of N bytes
 *                     (CRLF not counted; default 1 MiB); &count=K: K such
 *                     lines, &last=L: the last of them L bytes
 *   /bighead?lines=N  200 "ok\n" after N header lines "X-Hi: v"
 *   anything else     404
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int listen_on(unsigned short *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 64) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        perror("net_server: listen");
        exit(1);
    }
    *port = ntohs(a.sin_port);
    return fd;
}

static int send_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t k = send(fd, p, len, MSG_NOSIGNAL);
        if (k <= 0)
            return -1;
        p += k;
        len -= (size_t)k;
    }
    return 0;
}

static void reply(int fd, int status, const char *ctype, const char *extra, const void *body,
                  size_t len)
{
    char head[4096];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d X\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s"
                     "Connection: close\r\n\r\n",
                     status, ctype, len, extra);
    if (send_all(fd, head, (size_t)n) == 0 && len > 0)
        send_all(fd, body, len);
}

/* The value of query parameter name in target, percent-decoded, or NULL. */
static char *param(const char *target, const char *name)
{
    const char *q = strchr(target, '?');
    size_t nl = strlen(name);
    while (q != NULL) {
        q++;
        if (strncmp(q, name, nl) == 0 && q[nl] == '=') {
            const char *v = q + nl + 1;
            size_t vl = strcspn(v, "&");
            char *out = malloc(vl + 1), *o = out;
            for (size_t i = 0; i < vl; i++) {
                unsigned x;
                if (v[i] == '%' && i + 2 < vl + 1 && sscanf(v + i + 1, "%2x", &x) == 1) {
                    *o++ = (char)x;
                    i += 2;
                } else {
                    *o++ = v[i];
                }
            }
            *o = '\0';
            return out;
        }
        q = strchr(q, '&');
    }
    return NULL;
}

/* /static/NAME: the file NAME under $NET_SERVER_DIR (no ".." in NAME), with
 * a content type by its extension; text/html carries no charset, so that a
 * page can declare its own. */
static void serve_static(int fd, const char *name, size_t n)
{
    const char *dir = getenv("NET_SERVER_DIR");
    char path[4096];
    char want[256];
    if (n < sizeof want)
        memcpy(want, name, n), want[n] = '\0';
    if (dir == NULL || n >= sizeof want || strstr(want, "..") != NULL || name[0] == '/' ||
        snprintf(path, sizeof path, "%s/%.*s", dir, (int)n, name) >= (int)sizeof path) {
        reply(fd, 404, "text/plain", "", "not found\n", 10);
        return;
    }
    FILE *f = fopen(path, "rb");
    char *body = NULL;
    long size = -1;
    if (f != NULL && fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 &&
        fseek(f, 0, SEEK_SET) == 0 && (body = malloc((size_t)size + 1)) != NULL &&
        fread(body, 1, (size_t)size, f) == (size_t)size) {
        const char *dot = strrchr(path, '.'), *type = "application/octet-stream";
        if (dot && strcmp(dot, ".html") == 0) type = "text/html";
        else if (dot && strcmp(dot, ".json") == 0) type = "application/json";
        else if (dot && strcmp(dot, ".txt") == 0) type = "text/plain";
        reply(fd, 200, type, "", body, (size_t)size);
    } else {
        reply(fd, 404, "text/plain", "", "not found\n", 10);
    }
    free(body);
    if (f != NULL)
        fclose(f);
}

static void *serve_http(void *arg)
{
    int fd = (int)(intptr_t)arg;
    size_t cap = 1 << 20, len = 0; /* room for a request head at corral's caps */
    char *buf = malloc(cap + 1), *end = NULL;
    if (buf != NULL)
        buf[0] = '\0'; /* nothing received yet: strstr must not see old heap bytes */
    while (buf != NULL && (end = strstr(buf, "\r\n\r\n")) == NULL && len < cap) {
        ssize_t k = recv(fd, buf + len, cap - len, 0);
        if (k <= 0)
            break;
        len += (size_t)k;
        buf[len] = '\0';
    }
    if (end == NULL) {
        free(buf);
        close(fd);
        return NULL;
    }
    size_t hdr_len = (size_t)(end - buf) + 4, clen = 0;
    for (char *p = buf; p < end; p = strstr(p, "\r\n") + 2)
        if (strncasecmp(p, "Content-Length:", 15) == 0)
            clen = strtoul(p + 15, NULL, 10);
    char method[64] = "", target[4096] = "";
    sscanf(buf, "%63s %4095s", method, target);
    size_t plen = strcspn(target, "?");
    if (strncmp(target, "/count", plen) == 0 && plen == 6) {
        /* the body is counted, not kept: it may be larger than buf */
        size_t got = len - hdr_len;
        while (got < clen) {
            ssize_t k = recv(fd, buf, cap, 0);
            if (k <= 0)
                break;
            got += (size_t)k;
        }
        char out[64];
        int k = snprintf(out, sizeof out, "received=%zu\n", got);
        reply(fd, 200, "text/plain", "", out, (size_t)k);
        free(buf);
        shutdown(fd, SHUT_WR);
        close(fd);
        return NULL;
    }
    while (len < hdr_len + clen && len < cap) {
        ssize_t k = recv(fd, buf + len, cap - len, 0);
        if (k <= 0)
            break;
        len += (size_t)k;
    }
    if (strncmp(target, "/ok", plen) == 0 && plen == 3) {
        reply(fd, 200, "text/plain", "", "hello from net_server\n", 22);
    } else if (strncmp(target, "/json", plen) == 0 && plen == 5) {
        reply(fd, 200, "application/json", "", "{\"ok\":true}", 11);
    } else if (strncmp(target, "/binary", plen) == 0 && plen == 7) {
        unsigned char b[256];
        for (int i = 0; i < 256; i++)
            b[i] = (unsigned char)i;
        reply(fd, 200, "application/octet-stream", "", b, sizeof b);
    } else if (strncmp(target, "/big", plen) == 0 && plen == 4) {
        char *mb = param(target, "mb");
        size_t n = (size_t)(mb ? atoi(mb) : 20) << 20;
        free(mb);
        char *body = malloc(n + 1);
        if (body != NULL) {
            for (size_t i = 0; i < n; i++)
                body[i] = (char)('a' + i % 26);
            reply(fd, 200, "application/octet-stream", "", body, n);
            free(body);
        }
    } else if (strncmp(target, "/slow", plen) == 0 && plen == 5) {
        char *ms = param(target, "ms");
        long v = ms ? atol(ms) : 5000;
        free(ms);
        struct timespec ts = {v / 1000, (v % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        reply(fd, 200, "text/plain", "", "slow\n", 5);
    } else if (strncmp(target, "/redirect", plen) == 0 && plen == 9) {
        char *to = param(target, "to"), extra[4200];
        snprintf(extra, sizeof extra, "Location: %s\r\n", to ? to : "/ok");
        free(to);
        reply(fd, 302, "text/plain", extra, "", 0);
    } else if (strncmp(target, "/echo", plen) == 0 && plen == 5) {
        /* method, headers (without the request line), body */
        char *first = strstr(buf, "\r\n") + 2;
        size_t hl = (size_t)(end - first), bl = len > hdr_len ? len - hdr_len : 0;
        size_t ml = strlen(method);
        char *out = malloc(ml + 1 + hl + 2 + bl);
        if (out != NULL) {
            memcpy(out, method, ml);
            out[ml] = '\n';
            size_t o = ml + 1;
            for (size_t i = 0; i < hl; i++)
                if (first[i] != '\r')
                    out[o++] = first[i];
            out[o++] = '\n';
            out[o++] = '\n';
            memcpy(out + o, buf + hdr_len, bl);
            reply(fd, 200, "text/plain", "", out, o + bl);
            free(out);
        }
    } else if (strncmp(target, "/bighead", plen) == 0 && plen == 8) {
        /* one response header line "X-Big: aaa..." of exactly N bytes
         * without its CRLF (bytes=N, default 1 MiB), or lines=N short ones */
        char *b = param(target, "bytes"), *l = param(target, "lines");
        char *c = param(target, "count"), *la = param(target, "last");
        size_t nb = b ? strtoul(b, NULL, 10) : (l ? 0 : 1u << 20);
        size_t nl = l ? strtoul(l, NULL, 10) : 0, nc = c ? strtoul(c, NULL, 10) : 1;
        size_t last = la ? strtoul(la, NULL, 10) : nb;
        free(b);
        free(l);
        free(c);
        free(la);
        size_t big = nb > last ? nb : last;
        size_t cap = nc * ((big > 7 ? big : 7) + 2) + nl * 24 + 1;
        char *extra = malloc(cap);
        if (extra != NULL) {
            size_t o = 0;
            for (size_t i = 0; i < nc && nb >= 7; i++) {
                size_t w = i + 1 == nc ? last : nb;
                memcpy(extra + o, "X-Big: ", 7);
                memset(extra + o + 7, 'a', w - 7);
                o += w;
                extra[o++] = '\r';
                extra[o++] = '\n';
            }
            for (size_t i = 0; i < nl; i++)
                o += (size_t)snprintf(extra + o, cap - o, "X-H%zu: v\r\n", i);
            extra[o] = '\0';
            char head[256];
            int hn = snprintf(head, sizeof head, "HTTP/1.1 200 X\r\nContent-Length: 3\r\n");
            if (send_all(fd, head, (size_t)hn) == 0 && send_all(fd, extra, o) == 0)
                send_all(fd, "Connection: close\r\n\r\nok\n", 24);
            free(extra);
        }
    } else if (strncmp(target, "/static/", 8) == 0 && plen > 8) {
        serve_static(fd, target + 8, plen - 8);
    } else {
        reply(fd, 404, "text/plain", "", "not found\n", 10);
    }
    free(buf);
    shutdown(fd, SHUT_WR);
    close(fd);
    return NULL;
}

static void *serve_echo(void *arg)
{
    int fd = (int)(intptr_t)arg;
    char buf[4096];
    ssize_t k;
    while ((k = recv(fd, buf, sizeof buf, 0)) > 0)
        if (send_all(fd, buf, (size_t)k) != 0)
            break;
    close(fd);
    return NULL;
}

typedef struct {
    int fd;
    void *(*fn)(void *);
} acceptor;

static void *accept_loop(void *arg)
{
    acceptor *a = arg;
    for (;;) {
        int c = accept(a->fd, NULL, NULL);
        if (c < 0)
            continue;
        pthread_t t;
        if (pthread_create(&t, NULL, a->fn, (void *)(intptr_t)c) == 0)
            pthread_detach(t);
        else
            close(c);
    }
    return NULL;
}

/* net_server dns: every query is read and dropped; TCP connections are
 * accepted and never answered. */
static int dns_blackhole(void)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(53);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int u = socket(AF_INET, SOCK_DGRAM, 0), t = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    if (u < 0 || t < 0 || bind(u, (struct sockaddr *)&a, sizeof a) != 0 ||
        setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(t, (struct sockaddr *)&a, sizeof a) != 0 || listen(t, 16) != 0) {
        perror("net_server: dns: bind 127.0.0.1:53");
        return 1;
    }
    printf("dns\n");
    fflush(stdout);
    for (;;) {
        struct pollfd p[2] = {{u, POLLIN, 0}, {t, POLLIN, 0}};
        if (poll(p, 2, -1) < 0)
            continue;
        char buf[1500];
        if (p[0].revents & POLLIN)
            (void)recv(u, buf, sizeof buf, 0);
        if (p[1].revents & POLLIN)
            (void)accept(t, NULL, NULL); /* left open, never answered */
    }
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    if (argc > 1 && strcmp(argv[1], "dns") == 0)
        return dns_blackhole();
    unsigned short hp, ep;
    acceptor h = {listen_on(&hp), serve_http}, e = {listen_on(&ep), serve_echo};
    printf("%u %u\n", hp, ep);
    fflush(stdout);
    pthread_t t;
    if (pthread_create(&t, NULL, accept_loop, &e) != 0)
        return 1;
    accept_loop(&h);
    return 0;
}
