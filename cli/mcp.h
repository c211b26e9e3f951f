/*
 * mcp.h - what the files of `corral mcp` share.
 *
 *   mcp.c        the command: flags, the tools offered, the stdio reader,
 *                JSON-RPC messages and the methods of the protocol
 *   mcp_calls.c  tools/call on a bounded pool of worker threads:
 *                the queue, cancellation, progress, shutdown
 *   config.c     --config FILE: the same settings as the flags, as JSON
 *
 * Threads: the reader (the main thread) parses every message and answers
 * all but tools/call itself, so a call never delays it or a ping.  Workers
 * run the calls; a ticker sends progress.  Every message goes out whole
 * through mcp_send, under one lock.
 */
#ifndef CLI_MCP_H
#define CLI_MCP_H

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>

#include "host.h"

/* The limits (MCP_*), each with its reason, are in corral_bounds.h. */
#define MCP_PROGRESS_MS 250 /* notifications/progress period */

/* JSON-RPC 2.0 error codes. */
enum {
    MCP_PARSE_ERROR = -32700,
    MCP_INVALID_REQUEST = -32600,
    MCP_METHOD_NOT_FOUND = -32601,
    MCP_INVALID_PARAMS = -32602,
    MCP_INTERNAL_ERROR = -32603,
    MCP_SERVER_BUSY = -32000
};

/* notifications/message levels (RFC 5424 order). */
enum { MCP_LOG_DEBUG, MCP_LOG_INFO, MCP_LOG_NOTICE, MCP_LOG_WARNING, MCP_LOG_ERROR,
       MCP_LOG_CRITICAL, MCP_LOG_ALERT, MCP_LOG_EMERGENCY, MCP_LOG_OFF };

/* A tool as this server offers it: its manifest entry and its sandbox
 * (the flags and --config, with the tool's own overrides). */
typedef struct {
    json_t *tool;
    cli_sandbox sb;
    int offered;
} mcp_tool;

typedef struct mcp_call mcp_call;

/* The worker pool (mcp_calls.c). */
typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t work;    /* a call was queued, or stopping */
    pthread_cond_t tick;    /* the ticker's sleep; signalled when stopping */
    mcp_call *head, *tail;  /* queued, in order */
    size_t nqueued, queued_bytes;
    mcp_call *running;      /* being run by a worker */
    pthread_t *workers;
    size_t nworkers, started;
    pthread_t ticker;
    int ticker_started;
    int stopping;
} mcp_pool;

typedef struct mcp_server {
    json_t *manifest;
    cli_host *host;
    mcp_tool *tools;
    size_t ntools;
    json_t *tools_list;      /* the result of tools/list, made once */
    pthread_mutex_t out_mu;  /* stdout: one whole message at a time */
    atomic_int log_level;    /* MCP_LOG_OFF until logging/setLevel */
    mcp_pool pool;
} mcp_server;

/* ---- mcp.c ------------------------------------------------------------------ */

/* Write msg (consumed) as one line on stdout. */
void mcp_send(mcp_server *s, json_t *msg);
/* A response: {"jsonrpc": "2.0", "id": id, "result": result (consumed)}. */
void mcp_send_result(mcp_server *s, json_t *id, json_t *result);
/* An error response; id NULL means null. */
void mcp_send_error(mcp_server *s, json_t *id, int code, const char *msg);
/* notifications/message with data (consumed), if the client asked for
 * level or below. */
void mcp_log(mcp_server *s, int level, json_t *data);
/* A tool result of the host as an MCP CallToolResult (res consumed). */
json_t *mcp_tool_result(json_t *res);

/* ---- mcp_calls.c ------------------------------------------------------------ */

/* Start nworkers workers and the ticker; 0 on failure (after a message). */
int mcp_pool_start(mcp_server *s, size_t nworkers);
/* Queue tools/call of t with args (consumed) for request id; token is the
 * progress token or NULL; bytes is what the call's input costs (see
 * MCP_MAX_QUEUED_BYTES).  Answers itself when the call cannot be queued. */
void mcp_pool_submit(mcp_server *s, json_t *id, mcp_tool *t, json_t *args, json_t *token,
                     size_t bytes);
/* notifications/cancelled: the call with this id is dropped or interrupted,
 * and never answered.  An unknown id is ignored. */
void mcp_pool_cancel(mcp_server *s, json_t *id);
/* End of input: drop the queue, interrupt the running calls, join every
 * thread. */
void mcp_pool_stop(mcp_server *s);

/* ---- config.c --------------------------------------------------------------- */

/* What --config FILE says, as flags. */
typedef struct {
    const char *flag, *value;
} mcp_flag;

typedef struct {
    json_t *root;       /* the parsed file; its strings are the values */
    char **owned;       /* values made for it (numbers, joined paths) */
    size_t nowned;
    mcp_flag *flags;    /* the top-level sandbox settings */
    size_t nflags;
    struct {
        const char *name;
        mcp_flag *flags;
        size_t nflags;
    } *overrides;       /* per tool */
    size_t noverrides;
    const char *tools_dir;
    long max_concurrent; /* 0: not given */
    json_t *offered;    /* array of names, or NULL for all */
} mcp_config;

/* Read and check FILE against manifest m.  Returns -1, or an exit status
 * after a message naming the key and what it expects. */
int mcp_config_load(mcp_config *c, const char *path, json_t *m);
void mcp_config_free(mcp_config *c);
/* Whether flag is one of the list flags (--map-dir, --env, --allow-host,
 * --block-url, --block-network), which an override replaces whole. */
int mcp_flag_is_list(const char *flag);

#endif
