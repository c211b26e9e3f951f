/*
 * wasi_misc.c - the non-filesystem side of WASI preview1, driven by
 * tests/e2e_wasi.sh.  The first argument picks the mode:
 *
 *   checks           clocks, poll_oneoff, random_get, sched_yield, sock_*,
 *                    fdstat of stdio, args sizes: "ok NAME" / "FAIL NAME: why"
 *                    lines, exit status = number of failures
 *   args ARGS...     prints each argument as "arg[i]=<...>" and checks
 *                    args_sizes_get against them
 *   env              prints "envc=N" then each variable as "env=<...>"
 *   exit N           proc_exit(N) straight away
 *   flush-exit N     printf without a newline, then exit(N) through libc
 *   trap             unreachable
 *   realtime         prints the realtime clock in seconds
 *
 * Also exports "mul" (i32, i32) -> i32 for --invoke.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

__attribute__((export_name("mul"))) int mul(int a, int b)
{
    return a * b;
}

static int failures;

static void check(const char *name, int cond, const char *fmt, ...)
{
    if (cond) {
        printf("ok %s\n", name);
        return;
    }
    failures++;
    printf("FAIL %s: ", name);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

#define CHECK_ERR(name, call, want)                                          \
    do {                                                                      \
        __wasi_errno_t e_ = (call);                                           \
        check(name, e_ == (want), "errno %d, expected %d", (int)e_, (int)(want)); \
    } while (0)

static __wasi_timestamp_t mono(void)
{
    __wasi_timestamp_t t = 0;
    (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t);
    return t;
}

static __wasi_subscription_t clock_sub(uint64_t ud, __wasi_clockid_t id, uint64_t ns, int abs)
{
    __wasi_subscription_t s;
    memset(&s, 0, sizeof s);
    s.userdata = ud;
    s.u.tag = __WASI_EVENTTYPE_CLOCK;
    s.u.u.clock.id = id;
    s.u.u.clock.timeout = ns;
    s.u.u.clock.precision = 0;
    s.u.u.clock.flags = abs ? __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME : 0;
    return s;
}

static __wasi_subscription_t fd_sub(uint64_t ud, __wasi_eventtype_t type, __wasi_fd_t fd)
{
    __wasi_subscription_t s;
    memset(&s, 0, sizeof s);
    s.userdata = ud;
    s.u.tag = type;
    if (type == __WASI_EVENTTYPE_FD_READ)
        s.u.u.fd_read.file_descriptor = fd;
    else
        s.u.u.fd_write.file_descriptor = fd;
    return s;
}

#define MS 1000000ull

static void test_clocks(void)
{
    __wasi_timestamp_t res = 0, t = 0, t2 = 0;
    __wasi_errno_t e = __wasi_clock_res_get(__WASI_CLOCKID_REALTIME, &res);
    check("clock_res_realtime", e == 0 && res > 0 && res <= 1000 * MS, "errno %d res %llu", e,
          (unsigned long long)res);
    e = __wasi_clock_res_get(__WASI_CLOCKID_MONOTONIC, &res);
    check("clock_res_monotonic", e == 0 && res > 0 && res <= 1000 * MS, "errno %d res %llu", e,
          (unsigned long long)res);
    e = __wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &t);
    /* after 2020-01-01, before 2100 */
    check("clock_realtime_plausible",
          e == 0 && t > 1577836800ull * 1000000000ull && t < 4102444800ull * 1000000000ull,
          "errno %d t %llu", e, (unsigned long long)t);
    e = __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t);
    int mono_ok = e == 0;
    for (int i = 0; mono_ok && i < 1000; i++) {
        mono_ok = __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t2) == 0 && t2 >= t;
        t = t2;
    }
    check("clock_monotonic_nondecreasing", mono_ok, "errno %d", e);
    /* corral has the CPU-time clocks (Wasmtime's preview1 adapter has not:
     * EBADF there).  Time used so far: above zero, under a minute, and
     * the thread's never more than the process's; resolution 1ns..1s. */
    {
        __wasi_timestamp_t pt = 0, tt = 0, pt2 = 0;
        volatile uint64_t spin = 0;
        for (int i = 0; i < 2000000; i++)
            spin += (uint64_t)i; /* burn a little CPU so the clocks move */
        e = __wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 1, &pt);
        check("clock_time_process_cputime", e == 0 && pt > 0 && pt < 60000 * MS,
              "errno %d t %llu", e, (unsigned long long)pt);
        __wasi_errno_t e2 = __wasi_clock_time_get(__WASI_CLOCKID_THREAD_CPUTIME_ID, 1, &tt);
        __wasi_errno_t e3 = __wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 1, &pt2);
        check("clock_time_thread_cputime",
              e2 == 0 && e3 == 0 && tt > 0 && tt <= pt2 && pt2 >= pt,
              "errno %d/%d thread %llu process %llu..%llu", e2, e3, (unsigned long long)tt,
              (unsigned long long)pt, (unsigned long long)pt2);
        e = __wasi_clock_res_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, &res);
        check("clock_res_process_cputime", e == 0 && res > 0 && res <= 1000 * MS,
              "errno %d res %llu", e, (unsigned long long)res);
        e = __wasi_clock_res_get(__WASI_CLOCKID_THREAD_CPUTIME_ID, &res);
        check("clock_res_thread_cputime", e == 0 && res > 0 && res <= 1000 * MS,
              "errno %d res %llu", e, (unsigned long long)res);
    }
    CHECK_ERR("clock_time_bad_id_einval", __wasi_clock_time_get(9, 1, &t), __WASI_ERRNO_INVAL);
    CHECK_ERR("clock_res_bad_id_einval", __wasi_clock_res_get(9, &t), __WASI_ERRNO_INVAL);
}

static void test_poll(void)
{
    __wasi_event_t ev[4];
    __wasi_size_t n = 0;
    __wasi_errno_t e;

    /* one relative clock: sleeps at least that long */
    __wasi_subscription_t s[3];
    s[0] = clock_sub(42, __WASI_CLOCKID_MONOTONIC, 50 * MS, 0);
    __wasi_timestamp_t t0 = mono();
    e = __wasi_poll_oneoff(s, ev, 1, &n);
    __wasi_timestamp_t dt = mono() - t0;
    check("poll_clock_relative", e == 0 && n == 1 && ev[0].userdata == 42 && ev[0].error == 0 &&
                                     ev[0].type == __WASI_EVENTTYPE_CLOCK,
          "errno %d n %u ud %llu type %d", e, n, (unsigned long long)ev[0].userdata, ev[0].type);
    check("poll_clock_waits", dt >= 50 * MS && dt < 2000 * MS, "slept %llu ms for 50 ms",
          (unsigned long long)(dt / MS));

    /* realtime clock too */
    s[0] = clock_sub(43, __WASI_CLOCKID_REALTIME, 20 * MS, 0);
    t0 = mono();
    e = __wasi_poll_oneoff(s, ev, 1, &n);
    dt = mono() - t0;
    check("poll_clock_realtime_relative", e == 0 && n == 1 && ev[0].userdata == 43 && dt >= 20 * MS,
          "errno %d n %u slept %llu ms", e, n, (unsigned long long)(dt / MS));

    /* two clocks: the earlier one fires */
    s[0] = clock_sub(1, __WASI_CLOCKID_MONOTONIC, 3000 * MS, 0);
    s[1] = clock_sub(2, __WASI_CLOCKID_MONOTONIC, 20 * MS, 0);
    t0 = mono();
    e = __wasi_poll_oneoff(s, ev, 2, &n);
    dt = mono() - t0;
    check("poll_two_clocks_earliest", e == 0 && n == 1 && ev[0].userdata == 2 && dt >= 20 * MS &&
                                          dt < 2500 * MS,
          "errno %d n %u ud %llu after %llu ms", e, n, (unsigned long long)ev[0].userdata,
          (unsigned long long)(dt / MS));

    /* absolute deadline 30 ms ahead */
    s[0] = clock_sub(7, __WASI_CLOCKID_MONOTONIC, mono() + 30 * MS, 1);
    t0 = mono();
    e = __wasi_poll_oneoff(s, ev, 1, &n);
    dt = mono() - t0;
    check("poll_clock_abstime", e == 0 && n == 1 && ev[0].userdata == 7 && dt >= 25 * MS && dt < 2000 * MS,
          "errno %d n %u after %llu ms", e, n, (unsigned long long)(dt / MS));
    /* an absolute time in the past fires at once */
    s[0] = clock_sub(8, __WASI_CLOCKID_MONOTONIC, 1, 1);
    t0 = mono();
    e = __wasi_poll_oneoff(s, ev, 1, &n);
    dt = mono() - t0;
    check("poll_clock_abstime_past", e == 0 && n == 1 && dt < 500 * MS, "errno %d after %llu ms", e,
          (unsigned long long)(dt / MS));
    /* zero timeout */
    s[0] = clock_sub(9, __WASI_CLOCKID_MONOTONIC, 0, 0);
    e = __wasi_poll_oneoff(s, ev, 1, &n);
    check("poll_clock_zero", e == 0 && n == 1 && ev[0].userdata == 9, "errno %d n %u", e, n);

    /* stdout is always writable: fd_write fires before a 5 s clock */
    s[0] = clock_sub(1, __WASI_CLOCKID_MONOTONIC, 5000 * MS, 0);
    s[1] = fd_sub(99, __WASI_EVENTTYPE_FD_WRITE, 1);
    t0 = mono();
    e = __wasi_poll_oneoff(s, ev, 2, &n);
    dt = mono() - t0;
    int found = 0;
    for (__wasi_size_t i = 0; e == 0 && i < n; i++)
        if (ev[i].userdata == 99 && ev[i].type == __WASI_EVENTTYPE_FD_WRITE && ev[i].error == 0)
            found = 1;
    check("poll_fd_write_stdout", e == 0 && found && dt < 2000 * MS, "errno %d n %u found %d after %llu ms",
          e, n, found, (unsigned long long)(dt / MS));

    /* no subscriptions: Wasmtime says EINVAL */
    CHECK_ERR("poll_zero_subscriptions_einval", __wasi_poll_oneoff(s, ev, 0, &n), __WASI_ERRNO_INVAL);

    /* a bad fd: EBADF, for the call (Wasmtime) or in the event */
    s[0] = fd_sub(5, __WASI_EVENTTYPE_FD_READ, 77);
    s[1] = clock_sub(6, __WASI_CLOCKID_MONOTONIC, 1000 * MS, 0);
    n = 0;
    e = __wasi_poll_oneoff(s, ev, 2, &n);
    int badf = e == __WASI_ERRNO_BADF;
    for (__wasi_size_t i = 0; e == 0 && i < n; i++)
        if (ev[i].userdata == 5 && ev[i].error == __WASI_ERRNO_BADF)
            badf = 1;
    check("poll_bad_fd_ebadf", badf, "errno %d n %u", e, n);
}

static void test_rest(void)
{
    uint8_t a[64], b[64];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    __wasi_errno_t e = __wasi_random_get(a, sizeof a);
    __wasi_errno_t e2 = __wasi_random_get(b, sizeof b);
    int nonzero = 0;
    for (size_t i = 0; i < sizeof a; i++)
        nonzero |= a[i];
    check("random_get", e == 0 && e2 == 0 && nonzero && memcmp(a, b, sizeof a) != 0, "errno %d/%d", e, e2);
    CHECK_ERR("random_get_zero_len", __wasi_random_get(a, 0), 0);
    {
        static uint8_t big[1 << 16];
        e = __wasi_random_get(big, sizeof big);
        int zeros = 0;
        for (size_t i = 0; i < sizeof big; i++)
            zeros += big[i] == 0;
        check("random_get_64k", e == 0 && zeros < 1024, "errno %d, %d zero bytes", e, zeros);
    }
    CHECK_ERR("sched_yield", __wasi_sched_yield(), 0);

    /* sock_* on fds that are not sockets: Wasmtime says ENOTSOCK, and
     * EBADF for an fd that is not open. */
    __wasi_fd_t nfd;
    __wasi_size_t n;
    __wasi_roflags_t rof;
    char buf[8];
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
    __wasi_ciovec_t ciov = {(const uint8_t *)"x", 1};
    CHECK_ERR("sock_accept_enotsock", __wasi_sock_accept(1, 0, &nfd), __WASI_ERRNO_NOTSOCK);
    CHECK_ERR("sock_recv_enotsock", __wasi_sock_recv(0, &iov, 1, 0, &n, &rof), __WASI_ERRNO_NOTSOCK);
    CHECK_ERR("sock_send_enotsock", __wasi_sock_send(1, &ciov, 1, 0, &n), __WASI_ERRNO_NOTSOCK);
    CHECK_ERR("sock_shutdown_enotsock", __wasi_sock_shutdown(2, __WASI_SDFLAGS_WR), __WASI_ERRNO_NOTSOCK);
    CHECK_ERR("sock_send_bad_fd_ebadf", __wasi_sock_send(77, &ciov, 1, 0, &n), __WASI_ERRNO_BADF);

    /* stdio fds */
    __wasi_fdstat_t fs;
    e = __wasi_fd_fdstat_get(1, &fs);
    check("fdstat_stdout", e == 0 && (fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE), "errno %d rights %llx", e,
          (unsigned long long)fs.fs_rights_base);
    e = __wasi_fd_fdstat_get(0, &fs);
    check("fdstat_stdin", e == 0 && (fs.fs_rights_base & __WASI_RIGHTS_FD_READ), "errno %d", e);
    CHECK_ERR("fdstat_bad_fd_ebadf", __wasi_fd_fdstat_get(77, &fs), __WASI_ERRNO_BADF);
    CHECK_ERR("write_bad_fd_ebadf", __wasi_fd_write(77, &ciov, 1, &n), __WASI_ERRNO_BADF);
    CHECK_ERR("close_bad_fd_ebadf", __wasi_fd_close(77), __WASI_ERRNO_BADF);
    CHECK_ERR("seek_stdout_espipe", ({
                  __wasi_filesize_t p;
                  __wasi_fd_seek(1, 0, __WASI_WHENCE_CUR, &p);
              }),
              __WASI_ERRNO_SPIPE);
    /* fd_write gathers its iovecs in order */
    {
        __wasi_ciovec_t parts[3] = {{(const uint8_t *)"gat", 3}, {(const uint8_t *)"", 0},
                                    {(const uint8_t *)"hered\n", 6}};
        fflush(stdout);
        e = __wasi_fd_write(1, parts, 3, &n);
        check("fd_write_iovecs", e == 0 && n == 9, "errno %d n %u", e, n);
    }
    /* no preopens in this run: fd 3 is not open */
    __wasi_prestat_t ps;
    CHECK_ERR("no_preopens", __wasi_fd_prestat_get(3, &ps), __WASI_ERRNO_BADF);
}

static void print_escaped(const char *prefix, const char *s)
{
    printf("%s<", prefix);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c >= 0x7f || c == '<' || c == '>' || c == '\\')
            printf("\\x%02x", c);
        else
            putchar(c);
    }
    printf(">\n");
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0); /* each line out before a hang or trap */
    const char *mode = argc > 1 ? argv[1] : "checks";
    if (strcmp(mode, "exit") == 0)
        __wasi_proc_exit(argc > 2 ? atoi(argv[2]) : 0);
    if (strcmp(mode, "flush-exit") == 0) {
        printf("buffered");
        exit(argc > 2 ? atoi(argv[2]) : 0);
    }
    if (strcmp(mode, "trap") == 0) {
        printf("before trap\n");
        fflush(stdout);
        __builtin_trap();
    }
    if (strcmp(mode, "realtime") == 0) {
        __wasi_timestamp_t t = 0;
        (void)__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &t);
        printf("%llu\n", (unsigned long long)(t / 1000000000ull));
        return 0;
    }
    if (strcmp(mode, "args") == 0) {
        printf("argc=%d\n", argc);
        size_t total = 0;
        for (int i = 0; i < argc; i++) {
            char p[32];
            snprintf(p, sizeof p, "arg[%d]=", i);
            if (i > 0)
                print_escaped(p, argv[i]);
            total += strlen(argv[i]) + 1;
        }
        __wasi_size_t c = 0, sz = 0;
        __wasi_errno_t e = __wasi_args_sizes_get(&c, &sz);
        check("args_sizes", e == 0 && c == (__wasi_size_t)argc && sz == total, "errno %d count %u size %u want %d %zu",
              e, c, sz, argc, total);
        return failures;
    }
    if (strcmp(mode, "env") == 0) {
        __wasi_size_t c = 0, sz = 0;
        __wasi_errno_t e = __wasi_environ_sizes_get(&c, &sz);
        printf("envc=%u\n", e == 0 ? (unsigned)c : 9999u);
        static uint8_t buf[65536];
        static uint8_t *ptrs[1024];
        if (e == 0 && c < 1024 && sz <= sizeof buf && __wasi_environ_get(ptrs, buf) == 0) {
            size_t total = 0;
            for (__wasi_size_t i = 0; i < c; i++) {
                print_escaped("env=", (const char *)ptrs[i]);
                total += strlen((const char *)ptrs[i]) + 1;
            }
            check("environ_sizes", total == sz, "sizes_get says %u bytes, strings take %zu", sz, total);
        }
        return failures;
    }
    test_clocks();
    test_poll();
    test_rest();
    printf("wasi_misc: %d failed\n", failures);
    return failures > 100 ? 100 : failures;
}
