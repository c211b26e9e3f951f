/*
 * test_net_lazy.c - libcurl is loaded on first use (net/curl_dl.h): runs
 * that make no HTTP request map none of it, the first request in the
 * process loads it and works.
 *
 * The tests share the process, so their order is the point: those that
 * expect libcurl unmapped come first, then the first HTTP request, then
 * the loader's own tests (which load it too).  Each reads /proc/self/maps.
 * The guests are the e2e network guests, build/wasm/tests/net_fetch.wasm
 * and net_sock.wasm ($TEST_GUEST_DIR overrides the folder), run through
 * corral_run with net/'s imports; the server is a thread of this program
 * on 127.0.0.1: an HTTP reply to a request, an echo to anything else.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "test_wasm.h"

#include "curl_dl.h"
#include "net.h"

/* ---- what is mapped ------------------------------------------------------------ */

/* Lines of /proc/self/maps naming a file that contains needle. */
static int mapped(const char *needle)
{
    FILE *f = fopen("/proc/self/maps", "r");
    assert_non_null(f);
    char line[4096];
    int n = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        const char *path = strchr(line, '/');
        if (path != NULL && strstr(path, needle) != NULL)
            n++;
    }
    fclose(f);
    return n;
}

static void assert_no_curl(const char *when)
{
    if (mapped("libcurl") != 0)
        fail_msg("libcurl is mapped %s", when);
}

/* ---- the loopback server ------------------------------------------------------------ */

static const char REPLY_BODY[] = "hello from test_net_lazy\n";

static int listen_fd = -1;
static unsigned short port;
static pthread_t server;

static void serve_one(int c)
{
    struct timeval tv = {5, 0};
    setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[8192];
    size_t len = 0;
    ssize_t k = recv(c, buf, sizeof buf - 1, 0);
    if (k <= 0)
        return;
    len = (size_t)k;
    buf[len] = '\0';
    if (strncmp(buf, "GET ", 4) != 0) { /* echo */
        send(c, buf, len, MSG_NOSIGNAL);
        return;
    }
    while (strstr(buf, "\r\n\r\n") == NULL && len < sizeof buf - 1) {
        k = recv(c, buf + len, sizeof buf - 1 - len, 0);
        if (k <= 0)
            return;
        len += (size_t)k;
        buf[len] = '\0';
    }
    char reply[512];
    int n = snprintf(reply, sizeof reply,
                     "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                     sizeof REPLY_BODY - 1, REPLY_BODY);
    send(c, reply, (size_t)n, MSG_NOSIGNAL);
}

static void *server_main(void *arg)
{
    (void)arg;
    for (;;) {
        int c = accept(listen_fd, NULL, NULL);
        if (c < 0)
            return NULL; /* shut down */
        serve_one(c);
        close(c);
    }
}

static int start_server(void **state)
{
    (void)state;
    struct sockaddr_in a;
    socklen_t alen = sizeof a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        listen(listen_fd, 16) != 0 || getsockname(listen_fd, (struct sockaddr *)&a, &alen) != 0)
        return -1;
    port = ntohs(a.sin_port);
    return pthread_create(&server, NULL, server_main, NULL) == 0 ? 0 : -1;
}

static int stop_server(void **state)
{
    (void)state;
    shutdown(listen_fd, SHUT_RDWR); /* wakes accept */
    pthread_join(server, NULL);
    close(listen_fd);
    return 0;
}

/* ---- running a guest ------------------------------------------------------------------ */

static uint8_t *read_guest(const char *name, size_t *len)
{
    const char *dir = getenv("TEST_GUEST_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir != NULL ? dir : "build/wasm/tests", name);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("%s not built (make %s)", path, path);
    tw_buf b = {0};
    char chunk[65536];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
        tw_put(&b, chunk, k);
    fclose(f);
    *len = b.n;
    return b.p;
}

typedef struct {
    int exit_code;
    char out[4096];
} guest_run;

/* Run guest (its argv after the program name: args) through corral_run
 * with net/'s imports, allow_host (NULL: none) the only allowed host. */
static void run_guest(const uint8_t *wasm, size_t len, const char *allow_host,
                      const char *const *args, size_t nargs, guest_run *out)
{
    net_policy p;
    net_policy_init(&p);
    char err[512];
    if (allow_host != NULL && !net_policy_add_allow(&p, allow_host, err, sizeof err))
        fail_msg("--allow-host %s: %s", allow_host, err);
    net_config nc = {.policy = &p, .run_timeout_ms = 20000};
    net_ctx *n = net_new(&nc);
    assert_non_null(n);
    const char *argv[8] = {"guest"};
    assert_true(nargs < 8);
    for (size_t i = 0; i < nargs; i++)
        argv[i + 1] = args[i];
    corral_run_options o;
    memset(&o, 0, sizeof o);
    o.argv = argv;
    o.argc = nargs + 1;
    o.timeout_ms = 20000;
    o.capture_cap = sizeof out->out - 1;
    o.link = net_link;
    o.link_env = n;
    corral_run_result r;
    corral_run(wasm, len, &o, &r);
    net_free(n);
    net_policy_free(&p);
    if (r.outcome == CORRAL_RUN_LOAD_ERROR || r.outcome == CORRAL_RUN_BAD_OPTION)
        fail_msg("the guest did not run: %s", r.error);
    if (r.outcome == CORRAL_RUN_TRAPPED)
        fail_msg("the guest trapped: %s", r.trap);
    out->exit_code = r.exit_code;
    snprintf(out->out, sizeof out->out, "%s", r.stdout_data != NULL ? (char *)r.stdout_data : "");
    corral_run_result_free(&r);
}

/* ---- before any request ---------------------------------------------------------------- */

/* A module that imports nothing but runs with net/'s imports linked. */
static void test_run_without_network(void **state)
{
    (void)state;
    assert_no_curl("at start");
    tw_mod m = {0};
    uint32_t f = tw_func(&m, ":", "", "");
    tw_export(&m, "_start", CORRAL_EXTERN_FUNC, f);
    size_t len;
    uint8_t *wasm = tw_finish(&m, &len);
    guest_run g;
    run_guest(wasm, len, NULL, NULL, 0, &g);
    free(wasm);
    assert_int_equal(g.exit_code, 0);
    assert_no_curl("after a run that made no request");
}

/* A request the policy refuses never reaches libcurl. */
static void test_denied_request_loads_nothing(void **state)
{
    (void)state;
    size_t len;
    uint8_t *wasm = read_guest("net_fetch.wasm", &len);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/ok", port);
    const char *args[] = {url};
    guest_run g;
    run_guest(wasm, len, NULL, args, 1, &g);
    free(wasm);
    assert_int_equal(g.exit_code, 1);
    if (strncmp(g.out, "error=2:", 8) != 0)
        fail_msg("expected a denial (error=2), got: %s", g.out);
    assert_no_curl("after a denied request");
}

/* TCP sockets (net/sock.c) do not use libcurl. */
static void test_socket_loads_nothing(void **state)
{
    (void)state;
    size_t len;
    uint8_t *wasm = read_guest("net_sock.wasm", &len);
    char allow[64], p[16];
    snprintf(allow, sizeof allow, "tcp://127.0.0.1:%u", port);
    snprintf(p, sizeof p, "%u", port);
    const char *args[] = {"echo", "127.0.0.1", p, "ping"};
    guest_run g;
    run_guest(wasm, len, allow, args, 4, &g);
    free(wasm);
    if (g.exit_code != 0 || strcmp(g.out, "echo: ping\n") != 0)
        fail_msg("the echo failed (exit %d): %s", g.exit_code, g.out);
    assert_no_curl("after a TCP socket's echo");
}

/* ---- the first request ------------------------------------------------------------------- */

static void test_first_request_loads_curl(void **state)
{
    (void)state;
    assert_no_curl("before the first request");
    size_t len;
    uint8_t *wasm = read_guest("net_fetch.wasm", &len);
    char url[64], allow[64], want[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/ok", port);
    snprintf(allow, sizeof allow, "http://127.0.0.1:%u", port);
    const char *args[] = {"-b", url};
    guest_run g;
    run_guest(wasm, len, allow, args, 2, &g);
    snprintf(want, sizeof want, "status=200 len=%zu read=%zu truncated=0 ct=text/plain url=%s",
             sizeof REPLY_BODY - 1, sizeof REPLY_BODY - 1, url);
    if (g.exit_code != 0 || strncmp(g.out, want, strlen(want)) != 0 ||
        strstr(g.out, REPLY_BODY) == NULL)
        fail_msg("the request failed (exit %d): %s\nexpected: %s ... %s", g.exit_code, g.out,
                 want, REPLY_BODY);
    if (mapped("libcurl") == 0)
        fail_msg("libcurl is not mapped after an HTTP request");
    /* A second request in the process uses the same table. */
    run_guest(wasm, len, allow, args, 2, &g);
    free(wasm);
    assert_int_equal(g.exit_code, 0);
    assert_non_null(strstr(g.out, REPLY_BODY));
}

/* ---- the loader ---------------------------------------------------------------------------- */

static void test_missing_library_is_named(void **state)
{
    (void)state;
    net_curl_api api;
    char why[512] = "";
    assert_int_equal(net_curl_open("libcurl-corral-missing.so.4", &api, why, sizeof why), -1);
    const char *want = "libcurl-corral-missing.so.4 could not be loaded: ";
    if (strncmp(why, want, strlen(want)) != 0 || strlen(why) <= strlen(want))
        fail_msg("message '%s' does not start with '%s' and a reason", why, want);
}

/* A library without libcurl's functions: the missing one is named. */
static void test_library_without_curl_is_refused(void **state)
{
    (void)state;
    net_curl_api api;
    char why[512] = "";
    assert_int_equal(net_curl_open("libm.so.6", &api, why, sizeof why), -1);
    if (strstr(why, "libm.so.6 could not be loaded: ") != why || strstr(why, "curl_") == NULL)
        fail_msg("message '%s' names neither the library nor the missing function", why);
}

static void test_table_is_complete(void **state)
{
    (void)state;
    char why[512] = "";
    const net_curl_api *cu = net_curl(why, sizeof why);
    if (cu == NULL)
        fail_msg("%s", why);
    /* every pointer is set: the table is a run of function pointers */
#define X(R, NAME, P) assert_non_null(cu->NAME);
    NET_CURL_FUNCTIONS(X)
#undef X
    assert_ptr_equal(net_curl(why, sizeof why), cu); /* loaded once */
    assert_string_equal(cu->easy_strerror(CURLE_OK), "No error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_without_network),
        cmocka_unit_test(test_denied_request_loads_nothing),
        cmocka_unit_test(test_socket_loads_nothing),
        cmocka_unit_test(test_first_request_loads_curl),
        cmocka_unit_test(test_missing_library_is_named),
        cmocka_unit_test(test_library_without_curl_is_refused),
        cmocka_unit_test(test_table_is_complete),
    };
    return cmocka_run_group_tests(tests, start_server, stop_server);
}
