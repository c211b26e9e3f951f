/*
 * net_limits.c - a guest that makes HTTP requests of chosen sizes, to test
 * the host's request caps (net/net_limits.h), for tests/e2e_net.sh.
 *
 *   net_limits method N URL        GET URL with a method of N letters
 *   net_limits url N URL           GET URL padded with a query to N bytes
 *   net_limits header-bytes N URL  GET URL with header lines of N bytes in all
 *   net_limits header-lines N URL  GET URL with N header lines
 *   net_limits body MIB URL        POST a body of MIB MiB (grown memory) to URL
 *   net_limits whole-memory MIB    grow memory to MIB MiB and pass all of it
 *                                  as the method, URL, headers and body
 *   net_limits handles N URL       GET URL N times, keeping every response
 *                                  open; then close one and GET once more
 *
 * Prints "status=S body=BODY" (the body's first line) and exits 0, or
 * "error=CODE: MESSAGE" and exits 1.
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

static int request(const char *method, size_t ml, const char *url, size_t ul, const char *hd,
                   size_t hl, const char *body, size_t bl)
{
    uint32_t h = 0, status = 0, len = 0, fl = 0, n = 0;
    int32_t rc = corral_net_http_request(method, (uint32_t)ml, url, (uint32_t)ul, hd,
                                         (uint32_t)hl, body, (uint32_t)bl, 0, 0, 0, &h);
    if (rc != 0)
        return fail(rc);
    if ((rc = corral_net_http_response(h, &status, &len, &fl)) != 0)
        return fail(rc);
    char buf[256];
    if ((rc = corral_net_http_read(h, buf, sizeof buf - 1, &n)) != 0)
        return fail(rc);
    buf[n] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    printf("status=%u body=%s\n", status, buf);
    corral_net_http_close(h);
    return 0;
}

/* Memory grown to at least mib MiB; its size in bytes. */
static size_t grow_to(size_t mib)
{
    size_t want = mib << 4; /* 64 KiB pages */
    size_t have = __builtin_wasm_memory_size(0);
    if (have < want && __builtin_wasm_memory_grow(0, want - have) == (size_t)-1) {
        printf("error=-1: cannot grow memory to %zu MiB\n", mib);
        exit(1);
    }
    return __builtin_wasm_memory_size(0) << 16;
}

/* N responses open at once (NET_MAX_HANDLES): "opened=N reopened", or
 * "opened=K " and the error of the request that failed. */
static int handles(size_t k, const char *url, size_t ul)
{
    uint32_t first = 0, h = 0;
    for (size_t i = 0; i < k; i++) {
        int32_t rc = corral_net_http_request("GET", 3, url, (uint32_t)ul, "", 0, "", 0, 0, 0, 0, &h);
        if (rc != 0) {
            printf("opened=%zu ", i);
            return fail(rc);
        }
        if (i == 0)
            first = h;
    }
    printf("opened=%zu", k);
    if (k > 0) {
        corral_net_http_close(first);
        int32_t rc = corral_net_http_request("GET", 3, url, (uint32_t)ul, "", 0, "", 0, 0, 0, 0, &h);
        if (rc != 0) {
            printf(" ");
            return fail(rc);
        }
        printf(" reopened");
    }
    printf("\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: net_limits WHAT N [URL]\n");
        return 2;
    }
    const char *what = argv[1], *url = argc > 3 ? argv[3] : "";
    size_t k = strtoul(argv[2], NULL, 10), ul = strlen(url);
    if (strcmp(what, "whole-memory") == 0) {
        size_t size = grow_to(k);
        const char *all = (const char *)0;
        return request(all, size, all, size, all, size, all, size);
    }
    if (strcmp(what, "handles") == 0)
        return handles(k, url, ul);
    if (strcmp(what, "body") == 0) {
        size_t size = k << 20;
        char *body = malloc(size);
        if (body == NULL)
            return fail(-1);
        memset(body, 'b', size);
        return request("POST", 4, url, ul, "", 0, body, size);
    }
    char *buf = malloc(k + ul + 64);
    if (buf == NULL)
        return fail(-1);
    if (strcmp(what, "method") == 0) {
        memset(buf, 'A', k);
        return request(buf, k, url, ul, "", 0, "", 0);
    }
    if (strcmp(what, "url") == 0) {
        size_t n = ul;
        memcpy(buf, url, ul);
        if (n < k)
            buf[n++] = '?';
        while (n < k)
            buf[n++] = 'a';
        return request("GET", 3, buf, k, "", 0, "", 0);
    }
    if (strcmp(what, "header-bytes") == 0) {
        /* "X-Pad: aaa...\n" lines of at most 8000 bytes, k bytes in all */
        size_t n = 0;
        while (n < k) {
            size_t line = k - n < 8000 ? k - n : 8000;
            if (k - n - line > 0 && k - n - line < 9)
                line -= 9; /* leave room for a whole last line */
            memcpy(buf + n, "X-Pad: ", 7);
            memset(buf + n + 7, 'a', line - 8);
            buf[n + line - 1] = '\n';
            n += line;
        }
        return request("GET", 3, url, ul, buf, k, "", 0);
    }
    if (strcmp(what, "header-lines") == 0) {
        char *hd = malloc(k * 16 + 1);
        size_t n = 0;
        if (hd == NULL)
            return fail(-1);
        for (size_t i = 0; i < k; i++)
            n += (size_t)sprintf(hd + n, "X-L%zu: v\n", i);
        return request("GET", 3, url, ul, hd, n, "", 0);
    }
    fprintf(stderr, "net_limits: unknown test '%s'\n", what);
    return 2;
}
