/*
 * net_fetch.c - a guest that makes one HTTP request through the corral_net
 * imports (include/corral_net.h), for tests/e2e_net.sh.
 *
 *   net_fetch [-X METHOD] [-H "Name: value"]... [-d BODY] [-t TIMEOUT_MS]
 *             [-m MAX_BODY] [-T] [-R] [-b] URL
 *
 *   -T  accept a truncated body (CORRAL_NET_TRUNCATE)
 *   -R  do not follow redirects (CORRAL_NET_NO_REDIRECT)
 *   -b  print the body after the summary line
 *
 * Prints "status=S len=N truncated=T ct=TYPE url=URL binary=ok|no" and
 * exits 0, or "error=CODE: MESSAGE" and exits 1.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corral_net.h"

static char headers[4096];
static unsigned char chunk[65536];

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
    const char *method = "GET", *body = "", *url = NULL;
    uint32_t flags = 0, timeout = 0, max = 0;
    int print_body = 0;
    size_t hl = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-X") == 0 && i + 1 < argc)
            method = argv[++i];
        else if (strcmp(a, "-H") == 0 && i + 1 < argc)
            hl += (size_t)snprintf(headers + hl, sizeof headers - hl, "%s\n", argv[++i]);
        else if (strcmp(a, "-d") == 0 && i + 1 < argc)
            body = argv[++i];
        else if (strcmp(a, "-t") == 0 && i + 1 < argc)
            timeout = (uint32_t)strtoul(argv[++i], NULL, 10);
        else if (strcmp(a, "-m") == 0 && i + 1 < argc)
            max = (uint32_t)strtoul(argv[++i], NULL, 10);
        else if (strcmp(a, "-T") == 0)
            flags |= CORRAL_NET_TRUNCATE;
        else if (strcmp(a, "-R") == 0)
            flags |= CORRAL_NET_NO_REDIRECT;
        else if (strcmp(a, "-b") == 0)
            print_body = 1;
        else
            url = a;
    }
    if (url == NULL) {
        fprintf(stderr, "usage: net_fetch [options] URL\n");
        return 2;
    }
    uint32_t h = 0, status = 0, len = 0, fl = 0, n = 0;
    int32_t rc = corral_net_http_request(method, (uint32_t)strlen(method), url,
                                         (uint32_t)strlen(url), headers, (uint32_t)hl, body,
                                         (uint32_t)strlen(body), flags, timeout, max, &h);
    if (rc != 0)
        return fail(rc);
    if ((rc = corral_net_http_response(h, &status, &len, &fl)) != 0)
        return fail(rc);
    char ct[256], fu[1024];
    uint32_t ctl = 0, ful = 0;
    if ((rc = corral_net_http_get(h, CORRAL_NET_FIELD_CONTENT_TYPE, ct, sizeof ct - 1, &ctl)) ||
        (rc = corral_net_http_get(h, CORRAL_NET_FIELD_URL, fu, sizeof fu - 1, &ful)))
        return fail(rc);
    ct[ctl < sizeof ct - 1 ? ctl : sizeof ct - 1] = '\0';
    fu[ful < sizeof fu - 1 ? ful : sizeof fu - 1] = '\0';
    /* Read the body in chunks; binary=ok when it is exactly 0..255. */
    uint32_t total = 0;
    int binary = len == 256;
    char *all = print_body ? malloc(len + 1) : NULL;
    do {
        if ((rc = corral_net_http_read(h, chunk, sizeof chunk, &n)) != 0)
            return fail(rc);
        for (uint32_t i = 0; i < n && binary; i++)
            binary = chunk[i] == (unsigned char)(total + i);
        if (all != NULL && total + n <= len)
            memcpy(all + total, chunk, n);
        total += n;
    } while (n > 0);
    printf("status=%u len=%u read=%u truncated=%u ct=%s url=%s binary=%s\n", status, len, total,
           fl & CORRAL_NET_TRUNCATED, ct, fu, binary ? "ok" : "no");
    if (all != NULL) {
        fwrite(all, 1, total <= len ? total : len, stdout);
        free(all);
    }
    /* A closed handle is gone. */
    if (corral_net_http_close(h) != 0 || corral_net_http_close(h) != CORRAL_NET_EBADF)
        return fail(-1);
    return 0;
}
