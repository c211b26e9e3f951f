/*
 * mcp_calls.c - tools/call of `corral mcp` on a bounded pool of worker
 * threads (mcp.h).
 *
 * The reader queues each call; a free worker takes the oldest, runs it on
 * the tool host (host.c: its own store, instance, WASI context, limits and
 * net context) and sends the response.  The pool's lock guards the queue,
 * the list of running calls and each running call's store pointer, which
 * the host's on_store hook sets once the store exists and clears before
 * it is freed; so a cancel, the ticker's fuel sample and the shutdown
 * reach a store only while it is alive.
 *
 *   notifications/cancelled  a queued call is dropped; a running one has
 *                            its store interrupted (the guest traps at its
 *                            next loop back-edge or call, and a blocking
 *                            WASI or network wait gives up within a few
 *                            milliseconds); neither is ever answered.
 *   progress                 each running call that gave a progressToken
 *                            gets notifications/progress every
 *                            MCP_PROGRESS_MS from its start: the
 *                            milliseconds elapsed, and the fuel used in
 *                            the message.
 *   end of input             the queue is dropped, running calls are
 *                            interrupted, and every thread is joined.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mcp.h"

struct mcp_call {
    mcp_server *server;
    json_t *id;    /* the request's id (a string or an integer) */
    mcp_tool *tool;
    json_t *args;  /* handed to the host, which consumes it */
    json_t *token; /* progressToken, or NULL */
    size_t bytes;  /* what its input costs, while queued (MCP_MAX_QUEUED_BYTES) */
    /* Guarded by the pool's lock. */
    corral_store *store; /* while the call's store is alive */
    int cancelled;
    struct timespec started;
    uint64_t last_progress; /* ms of the last progress sent */
    mcp_call *next;
};

static void call_free(mcp_call *c)
{
    if (c == NULL)
        return;
    json_decref(c->id);
    json_decref(c->args);
    json_decref(c->token);
    free(c);
}

static int same_id(json_t *a, json_t *b)
{
    return json_equal(a, b) && json_typeof(a) == json_typeof(b);
}

static uint64_t ms_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t ms = (int64_t)(now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
    return ms > 0 ? (uint64_t)ms : 0;
}

/* ---- hooks of one call (worker thread) ----------------------------------------- */

static void on_store(corral_store *st, void *env)
{
    mcp_call *c = env;
    mcp_pool *p = &c->server->pool;
    pthread_mutex_lock(&p->mu);
    c->store = st;
    if (st != NULL && (c->cancelled || p->stopping))
        corral_store_interrupt(st);
    pthread_mutex_unlock(&p->mu);
}

static void on_denial(void *env, const char *msg)
{
    mcp_call *c = env;
    json_t *data = json_pack("{s:s, s:s, s:s}", "tool", cli_tool_str(c->tool->tool, "name"),
                             "event", "network_denied", "message", msg);
    mcp_log(c->server, MCP_LOG_WARNING, data);
}

/* A call that a limit stopped is worth a log line to the client. */
static void log_stop(mcp_call *c, json_t *res)
{
    json_t *meta = json_object_get(res, "metadata");
    if (!cli_json_str_is(json_object_get(meta, "error"), "stopped"))
        return;
    json_t *limit = json_object_get(json_object_get(meta, "sandbox"), "limit");
    json_t *data = json_pack("{s:s, s:s, s:O?, s:O?}", "tool", cli_tool_str(c->tool->tool, "name"),
                             "event", "stopped", "limit", limit,
                             "message", json_object_get(res, "content"));
    mcp_log(c->server, MCP_LOG_ERROR, data);
}

static void run_call(mcp_call *c)
{
    mcp_server *s = c->server;
    cli_call_hooks hooks = {.on_denial = on_denial, .on_store = on_store, .env = c};
    int bad_option = 0;
    json_t *args = c->args;
    c->args = NULL; /* the host consumes it */
    json_t *res = cli_host_call(s->host, c->tool->tool, args, &c->tool->sb, &hooks, &bad_option);
    pthread_mutex_lock(&s->pool.mu);
    int cancelled = c->cancelled || s->pool.stopping;
    pthread_mutex_unlock(&s->pool.mu);
    if (cancelled) {
        json_decref(res);
        return;
    }
    log_stop(c, res);
    mcp_send_result(s, c->id, mcp_tool_result(res));
}

/* ---- the workers ------------------------------------------------------------------- */

static void unlink_running(mcp_pool *p, mcp_call *c)
{
    for (mcp_call **q = &p->running; *q != NULL; q = &(*q)->next)
        if (*q == c) {
            *q = c->next;
            break;
        }
    c->next = NULL;
}

static void *worker_main(void *arg)
{
    mcp_server *s = arg;
    mcp_pool *p = &s->pool;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->head == NULL && !p->stopping)
            pthread_cond_wait(&p->work, &p->mu);
        if (p->stopping)
            break;
        mcp_call *c = p->head;
        p->head = c->next;
        if (p->head == NULL)
            p->tail = NULL;
        p->nqueued--;
        p->queued_bytes -= c->bytes;
        c->next = p->running;
        p->running = c;
        clock_gettime(CLOCK_MONOTONIC, &c->started);
        if (c->token != NULL)
            pthread_cond_signal(&p->tick);
        pthread_mutex_unlock(&p->mu);

        run_call(c);

        pthread_mutex_lock(&p->mu);
        unlink_running(p, c);
        pthread_mutex_unlock(&p->mu);
        call_free(c);
        pthread_mutex_lock(&p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* ---- progress ------------------------------------------------------------------------ */

/* "1.2 s elapsed, 123456 fuel used" */
static json_t *progress_note(json_t *token, uint64_t ms, uint64_t fuel)
{
    char msg[96];
    snprintf(msg, sizeof msg, "%.1f s elapsed, %" PRIu64 " fuel used", (double)ms / 1000, fuel);
    return json_pack("{s:s, s:s, s:{s:O, s:I, s:s}}", "jsonrpc", "2.0", "method",
                     "notifications/progress", "params", "progressToken", token, "progress",
                     (json_int_t)ms, "message", msg);
}

/* Whether a running call wants progress (under the pool's lock). */
static int wants_progress(const mcp_pool *p)
{
    for (const mcp_call *c = p->running; c != NULL; c = c->next)
        if (c->token != NULL && !c->cancelled)
            return 1;
    return 0;
}

/* Asleep while no running call wants progress (a worker wakes it); else
 * it looks every MCP_PROGRESS_MS / 5, and each such call gets a note once
 * MCP_PROGRESS_MS have passed since its start or its last note. */
static void *ticker_main(void *arg)
{
    mcp_server *s = arg;
    mcp_pool *p = &s->pool;
    pthread_mutex_lock(&p->mu);
    while (!p->stopping) {
        if (!wants_progress(p)) {
            pthread_cond_wait(&p->tick, &p->mu);
            continue;
        }
        struct timespec at;
        clock_gettime(CLOCK_REALTIME, &at);
        at.tv_nsec += (long)MCP_PROGRESS_MS / 5 * 1000000L;
        at.tv_sec += at.tv_nsec / 1000000000L;
        at.tv_nsec %= 1000000000L;
        int rc = 0;
        while (!p->stopping && rc != ETIMEDOUT)
            rc = pthread_cond_timedwait(&p->tick, &p->mu, &at);
        if (p->stopping)
            break;
        /* Collect the notes under the lock (the stores are alive), send
         * them after it. */
        json_t *notes = json_array();
        for (mcp_call *c = p->running; c != NULL; c = c->next) {
            if (c->token == NULL || c->cancelled)
                continue;
            uint64_t ms = ms_since(&c->started);
            if (ms < c->last_progress + MCP_PROGRESS_MS)
                continue;
            uint64_t fuel = c->store != NULL ? corral_store_fuel_sample(c->store) : 0;
            c->last_progress = ms;
            json_array_append_new(notes, progress_note(c->token, ms, fuel));
        }
        pthread_mutex_unlock(&p->mu);
        size_t i;
        json_t *n;
        json_array_foreach(notes, i, n) {
            mcp_send(s, json_incref(n));
        }
        json_decref(notes);
        pthread_mutex_lock(&p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* ---- the pool ------------------------------------------------------------------------- */

int mcp_pool_start(mcp_server *s, size_t nworkers)
{
    mcp_pool *p = &s->pool;
    memset(p, 0, sizeof *p);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->tick, NULL);
    p->workers = calloc(nworkers, sizeof *p->workers);
    if (p->workers == NULL) {
        fprintf(stderr, "corral: mcp: out of memory\n");
        return 0;
    }
    p->nworkers = nworkers;
    for (; p->started < nworkers; p->started++) {
        int rc = pthread_create(&p->workers[p->started], NULL, worker_main, s);
        if (rc != 0) {
            fprintf(stderr, "corral: mcp: cannot start worker thread %zu: %s\n", p->started + 1,
                    strerror(rc));
            return 0;
        }
    }
    int rc = pthread_create(&p->ticker, NULL, ticker_main, s);
    if (rc != 0) {
        fprintf(stderr, "corral: mcp: cannot start the progress thread: %s\n", strerror(rc));
        return 0;
    }
    p->ticker_started = 1;
    return 1;
}

static int find_locked(mcp_pool *p, json_t *id)
{
    for (mcp_call *c = p->head; c != NULL; c = c->next)
        if (same_id(c->id, id))
            return 1;
    for (mcp_call *c = p->running; c != NULL; c = c->next)
        if (same_id(c->id, id))
            return 1;
    return 0;
}

void mcp_pool_submit(mcp_server *s, json_t *id, mcp_tool *t, json_t *args, json_t *token,
                     size_t bytes)
{
    mcp_pool *p = &s->pool;
    mcp_call *c = calloc(1, sizeof *c);
    if (c == NULL) {
        json_decref(args);
        mcp_send_error(s, id, MCP_INTERNAL_ERROR, "out of memory");
        return;
    }
    c->server = s;
    c->id = json_incref(id);
    c->tool = t;
    c->args = args;
    c->token = json_incref(token);
    c->bytes = bytes;
    pthread_mutex_lock(&p->mu);
    const char *busy = NULL;
    char why[160];
    if (find_locked(p, id))
        busy = "request id already in use by a call in progress";
    else if (p->nqueued >= MCP_MAX_QUEUED || p->queued_bytes + bytes > MCP_MAX_QUEUED_BYTES) {
        snprintf(why, sizeof why,
                 "server busy: %zu calls are waiting for the %zu workers (at most %d, or "
                 "%zu MiB of their inputs); try again later",
                 p->nqueued, p->nworkers, MCP_MAX_QUEUED, MCP_MAX_QUEUED_BYTES >> 20);
        busy = why;
    }
    if (busy == NULL) {
        if (p->tail != NULL)
            p->tail->next = c;
        else
            p->head = c;
        p->tail = c;
        p->nqueued++;
        p->queued_bytes += bytes;
        pthread_cond_signal(&p->work);
    }
    pthread_mutex_unlock(&p->mu);
    if (busy != NULL) {
        int code = busy == why ? MCP_SERVER_BUSY : MCP_INVALID_REQUEST;
        mcp_send_error(s, id, code, busy);
        call_free(c);
    }
}

void mcp_pool_cancel(mcp_server *s, json_t *id)
{
    mcp_pool *p = &s->pool;
    mcp_call *dropped = NULL;
    pthread_mutex_lock(&p->mu);
    mcp_call *prev = NULL;
    for (mcp_call *c = p->head; c != NULL; prev = c, c = c->next) {
        if (!same_id(c->id, id))
            continue;
        if (prev != NULL)
            prev->next = c->next;
        else
            p->head = c->next;
        if (p->tail == c)
            p->tail = prev;
        p->nqueued--;
        p->queued_bytes -= c->bytes;
        dropped = c;
        break;
    }
    for (mcp_call *c = p->running; dropped == NULL && c != NULL; c = c->next) {
        if (same_id(c->id, id)) {
            c->cancelled = 1;
            if (c->store != NULL)
                corral_store_interrupt(c->store);
        }
    }
    pthread_mutex_unlock(&p->mu);
    call_free(dropped);
}

void mcp_pool_stop(mcp_server *s)
{
    mcp_pool *p = &s->pool;
    pthread_mutex_lock(&p->mu);
    p->stopping = 1;
    mcp_call *q = p->head;
    p->head = p->tail = NULL;
    p->nqueued = 0;
    p->queued_bytes = 0;
    for (mcp_call *c = p->running; c != NULL; c = c->next)
        if (c->store != NULL)
            corral_store_interrupt(c->store);
    pthread_cond_broadcast(&p->work);
    pthread_cond_broadcast(&p->tick);
    pthread_mutex_unlock(&p->mu);
    while (q != NULL) {
        mcp_call *next = q->next;
        call_free(q);
        q = next;
    }
    for (size_t i = 0; i < p->started; i++)
        pthread_join(p->workers[i], NULL);
    if (p->ticker_started)
        pthread_join(p->ticker, NULL);
    free(p->workers);
    p->workers = NULL;
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->tick);
    pthread_mutex_destroy(&p->mu);
}
