/*
 * resolve.c - name lookups that a deadline and an interrupt can stop.
 *
 * getaddrinfo blocks its thread for as long as the resolver's own timeouts
 * (resolv.conf: 5 s, twice, per server by default) and cannot be
 * cancelled, so it runs on a thread of its own: the caller waits for it in
 * NET_SLICE_MS slices and gives up at the deadline or as soon as the store
 * is interrupted, like every other wait of net/.  A lookup given up on is
 * abandoned, not cancelled: its detached thread finishes getaddrinfo, frees
 * the answer and the shared state, and ends.  So an abandoned lookup costs
 * one thread for at most getaddrinfo's own time, and a guest can abandon
 * only one per call that timed out or was interrupted.
 *
 * Both HTTP (http.c hands the answer to libcurl with CURLOPT_RESOLVE, so
 * libcurl never resolves, whatever resolver it was built with) and the
 * socket calls (sock.c) look names up here.  Every address found is still
 * checked against the blocked networks right before it is connected to.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "net.h"

/* Shared by the waiting caller and the lookup thread; the last of the two
 * to let go frees it. */
typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv; /* CLOCK_MONOTONIC */
    int refs;
    bool done;
    int rc;               /* getaddrinfo's */
    struct addrinfo *res; /* the answer, until the caller takes it */
    char host[NET_NAME_MAX + 3];
    char port[8];
} lookup;

static void release(lookup *l)
{
    pthread_mutex_lock(&l->mu);
    bool last = --l->refs == 0;
    pthread_mutex_unlock(&l->mu);
    if (!last)
        return;
    if (l->res != NULL)
        freeaddrinfo(l->res);
    pthread_cond_destroy(&l->cv);
    pthread_mutex_destroy(&l->mu);
    free(l);
}

static void *run_lookup(void *arg)
{
    lookup *l = arg;
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    int rc = getaddrinfo(l->host, l->port, &hints, &res);
    pthread_mutex_lock(&l->mu);
    l->done = true;
    l->rc = rc;
    l->res = rc == 0 ? res : NULL;
    pthread_cond_signal(&l->cv);
    pthread_mutex_unlock(&l->mu);
    release(l);
    return NULL;
}

static lookup *new_lookup(const char *host, uint32_t port)
{
    lookup *l = calloc(1, sizeof *l);
    if (l == NULL)
        return NULL;
    pthread_condattr_t ca;
    if (pthread_condattr_init(&ca) != 0) {
        free(l);
        return NULL;
    }
    int rc = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    if (rc == 0)
        rc = pthread_cond_init(&l->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (rc != 0) {
        free(l);
        return NULL;
    }
    if (pthread_mutex_init(&l->mu, NULL) != 0) {
        pthread_cond_destroy(&l->cv);
        free(l);
        return NULL;
    }
    snprintf(l->host, sizeof l->host, "%s", host);
    snprintf(l->port, sizeof l->port, "%u", port);
    l->refs = 2;
    return l;
}

/* Start the detached thread, with every signal blocked in it (signals are
 * for the threads that run guests and the CLI). */
static bool start(lookup *l)
{
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0)
        return false;
    sigset_t all, old;
    sigfillset(&all);
    pthread_t t;
    bool ok = pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) == 0;
    pthread_sigmask(SIG_SETMASK, &all, &old);
    ok = ok && pthread_create(&t, &attr, run_lookup, l) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    return ok;
}

int net_resolve(net_ctx *n, const char *host, uint32_t port, uint64_t deadline, bool run_limit,
                struct addrinfo **res)
{
    *res = NULL;
    if (net_now_ms() >= deadline)
        return net_fail(n, NET_ETIMEOUT, "%s: %s before looking it up", host,
                        run_limit ? "the run's time limit was reached"
                                  : "the time limit was reached");
    lookup *l = new_lookup(host, port);
    if (l == NULL)
        return net_fail(n, NET_ENOMEM, "out of memory");
    if (!start(l)) {
        l->refs = 1;
        release(l);
        return net_fail(n, NET_ENOMEM, "%s: cannot start a thread for the name lookup", host);
    }
    int e = NET_OK;
    pthread_mutex_lock(&l->mu);
    while (!l->done) {
        if (net_interrupted(n)) {
            e = net_fail(n, NET_ECANCELED, "%s: the run was interrupted during the name lookup",
                         host);
            break;
        }
        uint64_t now = net_now_ms();
        if (now >= deadline) {
            e = net_fail(n, NET_ETIMEOUT, "%s: %s during the name lookup", host,
                         run_limit ? "the run's time limit was reached"
                                   : "the time limit was reached");
            break;
        }
        uint64_t left = deadline - now, slice = left < NET_SLICE_MS ? left : NET_SLICE_MS;
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_sec += (time_t)(slice / 1000);
        ts.tv_nsec += (long)(slice % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        int rc = pthread_cond_timedwait(&l->cv, &l->mu, &ts);
        if (rc != 0 && rc != ETIMEDOUT && rc != EINTR) {
            e = net_fail(n, NET_EIO, "%s: waiting for the name lookup: %s", host, strerror(rc));
            break;
        }
    }
    if (e == NET_OK) {
        if (l->rc == 0) {
            *res = l->res;
            l->res = NULL; /* the caller's now */
        } else {
            e = net_fail(n, l->rc == EAI_MEMORY ? NET_ENOMEM : NET_ELOOKUP, "%s: %s", host,
                         gai_strerror(l->rc));
        }
    }
    pthread_mutex_unlock(&l->mu);
    release(l);
    return e;
}
