/*
 * timer.c - corral_timer (include/corral.h): one thread that enforces the
 * wall-clock deadlines of many runs.
 *
 * A run's deadline is an entry on the timer's list: the thread sleeps on
 * a condition variable until the earliest deadline, then marks every
 * entry that is due as fired and interrupts its store (the one store call
 * that may come from another thread).  Adding an entry wakes it to
 * recompute; removing one takes the lock, so once wasi_timer_remove has
 * returned the thread never touches that store again and the run may free
 * it.  corral_run without a timer of the caller's makes one for itself.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "wasi.h"

struct corral_timer {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* CLOCK_MONOTONIC */
    wasi_timer_entry *list;
    int quit;
};

static int before(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

static void *timer_main(void *arg)
{
    corral_timer *t = arg;
    pthread_mutex_lock(&t->mu);
    while (!t->quit) {
        struct timespec now, next = {0, 0};
        int have = 0;
        clock_gettime(CLOCK_MONOTONIC, &now);
        for (wasi_timer_entry *e = t->list; e != NULL; e = e->next) {
            if (atomic_load(&e->fired))
                continue;
            if (!before(&now, &e->deadline)) {
                atomic_store(&e->fired, 1);
                if (e->store != NULL)
                    corral_store_interrupt(e->store);
                if (e->engine != NULL)
                    corral_engine_interrupt(e->engine);
            } else if (!have || before(&e->deadline, &next)) {
                next = e->deadline;
                have = 1;
            }
        }
        if (have)
            pthread_cond_timedwait(&t->cv, &t->mu, &next);
        else
            pthread_cond_wait(&t->cv, &t->mu);
    }
    pthread_mutex_unlock(&t->mu);
    return NULL;
}

corral_timer *corral_timer_new(void)
{
    corral_timer *t = calloc(1, sizeof *t);
    pthread_condattr_t attr;
    int e = ENOMEM;
    if (t == NULL)
        goto fail;
    if ((e = pthread_condattr_init(&attr)) != 0)
        goto fail;
    if ((e = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)) == 0)
        e = pthread_cond_init(&t->cv, &attr);
    pthread_condattr_destroy(&attr);
    if (e != 0)
        goto fail;
    if ((e = pthread_mutex_init(&t->mu, NULL)) != 0) {
        pthread_cond_destroy(&t->cv);
        goto fail;
    }
    if ((e = pthread_create(&t->thread, NULL, timer_main, t)) != 0) {
        pthread_mutex_destroy(&t->mu);
        pthread_cond_destroy(&t->cv);
        goto fail;
    }
    return t;
fail:
    free(t);
    errno = e;
    return NULL;
}

void corral_timer_free(corral_timer *t)
{
    if (t == NULL)
        return;
    pthread_mutex_lock(&t->mu);
    t->quit = 1;
    pthread_cond_signal(&t->cv);
    pthread_mutex_unlock(&t->mu);
    pthread_join(t->thread, NULL);
    pthread_mutex_destroy(&t->mu);
    pthread_cond_destroy(&t->cv);
    free(t);
}

void wasi_timer_deadline(struct timespec *d, uint64_t ms)
{
    if (ms > UINT64_C(1) << 40) /* about 35 years: keeps tv_sec in range */
        ms = UINT64_C(1) << 40;
    clock_gettime(CLOCK_MONOTONIC, d);
    d->tv_sec += (time_t)(ms / 1000);
    d->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (d->tv_nsec >= 1000000000L) {
        d->tv_nsec -= 1000000000L;
        d->tv_sec++;
    }
}

void wasi_timer_add(corral_timer *t, wasi_timer_entry *e, corral_store *s, uint64_t ms)
{
    struct timespec d;
    wasi_timer_deadline(&d, ms);
    e->store = s;
    e->engine = NULL;
    wasi_timer_add_at(t, e, &d);
}

void wasi_timer_add_at(corral_timer *t, wasi_timer_entry *e, const struct timespec *deadline)
{
    atomic_init(&e->fired, 0);
    e->deadline = *deadline;
    pthread_mutex_lock(&t->mu);
    e->next = t->list;
    t->list = e;
    pthread_cond_signal(&t->cv);
    pthread_mutex_unlock(&t->mu);
}

void wasi_timer_remove(corral_timer *t, wasi_timer_entry *e)
{
    pthread_mutex_lock(&t->mu);
    for (wasi_timer_entry **p = &t->list; *p != NULL; p = &(*p)->next)
        if (*p == e) {
            *p = e->next;
            break;
        }
    pthread_mutex_unlock(&t->mu);
    e->next = NULL;
}
