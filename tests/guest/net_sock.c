/*
 * net_sock.c - a guest that uses the corral_net socket extension
 * (include/corral_net.h), for tests/e2e_net.sh.
 *
 *   net_sock echo HOST PORT TEXT   connect, send TEXT, print what comes back
 *   net_sock resolve HOST PORT     print the allowed addresses of HOST
 *   net_sock bind HOST PORT        try to bind (refused)
 *   net_sock listen                try to listen (refused)
 *   net_sock udp HOST PORT         try UDP (refused)
 *   net_sock fault                 pass a pointer outside memory
 *
 * Prints the result, or "error=CODE: MESSAGE" and exits 1.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corral_net.h"

static int fail(int32_t rc)
{
    char msg[1024];
    uint32_t len = 0;
    if (corral_net_last_error(msg, sizeof msg - 1, &len) != 0)
        len = 0;
    msg[len < sizeof msg - 1 ? len : sizeof msg - 1] = '\0';
    printf("error=%d: %s\n", (int)rc, msg);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    const char *cmd = argv[1];
    const char *host = argc > 2 ? argv[2] : "";
    uint32_t port = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 10) : 0, h = 0, n = 0;
    int32_t rc;
    if (strcmp(cmd, "echo") == 0 && argc > 4) {
        const char *text = argv[4];
        if ((rc = corral_net_sock_connect(host, (uint32_t)strlen(host), port, &h)) != 0)
            return fail(rc);
        if ((rc = corral_net_sock_send(h, text, (uint32_t)strlen(text), &n)) != 0)
            return fail(rc);
        char buf[256];
        uint32_t got = 0;
        while (got < n) {
            uint32_t k = 0;
            if ((rc = corral_net_sock_recv(h, buf + got, sizeof buf - 1 - got, 5000, &k)) != 0)
                return fail(rc);
            if (k == 0)
                break;
            got += k;
        }
        buf[got] = '\0';
        printf("echo: %s\n", buf);
        if ((rc = corral_net_sock_close(h)) != 0)
            return fail(rc);
        return 0;
    }
    if (strcmp(cmd, "resolve") == 0) {
        char buf[512];
        uint32_t len = 0;
        if ((rc = corral_net_sock_resolve(host, (uint32_t)strlen(host), port, buf,
                                          sizeof buf - 1, &len)) != 0)
            return fail(rc);
        buf[len < sizeof buf - 1 ? len : sizeof buf - 1] = '\0';
        printf("addresses:\n%s", buf);
        return 0;
    }
    if (strcmp(cmd, "bind") == 0)
        rc = corral_net_sock_bind(host, (uint32_t)strlen(host), port, &h);
    else if (strcmp(cmd, "listen") == 0)
        rc = corral_net_sock_listen(1, 16);
    else if (strcmp(cmd, "udp") == 0)
        rc = corral_net_sock_udp(host, (uint32_t)strlen(host), port, &h);
    else if (strcmp(cmd, "fault") == 0)
        rc = corral_net_sock_connect((const char *)0xfffffff0u, 100, 80, &h);
    else
        return 2;
    return fail(rc);
}
