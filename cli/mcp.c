/*
 * mcp.c - `corral mcp`: the agent tools as a Model Context Protocol
 * server over stdio (mcp.h).
 *
 * Transport: newline-delimited JSON-RPC 2.0 on stdin and stdout; nothing
 * but protocol messages on stdout, diagnostics on stderr.  Revisions:
 * 2025-11-25 (ours), and 2025-06-18, 2025-03-26 and 2024-11-05, which the
 * official SDKs still offer; initialize answers with the client's revision
 * when it is one of these, else with ours.
 *
 * Methods: initialize, ping, tools/list, tools/call, logging/setLevel;
 * notifications: initialized, cancelled.  The tools are those of the
 * manifest (or of --config's "tools"), each with its sandbox: the flags of
 * `corral tool` with its defaults, the config file's settings under them,
 * the tool's own overrides over both.  A tool result maps onto a
 * CallToolResult: content -> [{"type": "text", "text": content}],
 * metadata -> structuredContent (conforming to the tool's outputSchema),
 * is_error -> isError.  Input that fails the schema is a tool error with
 * the message of `corral tool`, so that the model can correct itself.
 *
 * Errors of the protocol: -32700 for a line that is not JSON (and the
 * server reads on), -32600 for a message that is not a request (a batch
 * too: MCP 2025-06-18 removed them), -32601 for an unknown method, -32602
 * for bad params (an unknown tool among them).  A line longer than
 * MCP_MAX_LINE is refused and skipped without being kept; one past
 * MCP_MAX_VALUES or MCP_MAX_DEPTH gets -32600 before it is parsed (a
 * tools/call's arguments are then held to the bounds of a tool input, as
 * in `corral tool`: an isError result).  At the end of
 * stdin the running calls are interrupted, every thread is joined, and
 * the server exits 0.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mcp.h"

#define MCP_PROTOCOL "2025-11-25"
#define MCP_CHUNK ((size_t)64 << 10) /* bytes read from stdin at a time */

static const char *const REVISIONS[] = {MCP_PROTOCOL, "2025-06-18", "2025-03-26", "2024-11-05"};
static const char *const LEVELS[] = {"debug",    "info",  "notice",    "warning",
                                     "error",    "critical", "alert", "emergency"};

static const char MCP_USAGE[] =
    "usage: corral mcp [OPTIONS]\n"
    "\n"
    "Serve the agent tools over the Model Context Protocol on stdin and stdout\n"
    "(newline-delimited JSON-RPC 2.0; diagnostics on stderr), for an MCP client\n"
    "such as Claude Code, Claude Desktop or the MCP inspector.  Each tool call\n"
    "runs in a fresh sandbox of its own, on a pool of worker threads; each tool\n"
    "module is loaded once.\n"
    "\n"
    "Options (those of corral tool, with the same defaults, for every call):\n"
    "  --work-dir DIR          host DIR is the guest's / (default: the current\n"
    "                          directory, unless that is /)\n"
    "  --map-dir HOST::GUEST[:ro]   one more directory (repeatable)\n"
    "  --env NAME[=VALUE]      a guest variable (default: empty environment)\n"
    "  --allow-host PATTERN    allowed destination SCHEME://HOST[:PORT] (repeatable)\n"
    "  --block-url PREFIX      refuse HTTP requests whose URL starts with PREFIX\n"
    "  --block-network NET     a blocked CIDR, private, loopback, link-local or\n"
    "                          none (default: private and link-local)\n"
    "  --timeout DUR           wall-clock limit per call, or none (default: 30s;\n"
    "                          bash and web-fetch: their timeout input plus 2 s)\n"
    "  --max-memory SIZE       linear memory cap per call (default: 512M)\n"
    "  --max-stack SIZE        wasm stack cap per call (default: 1M)\n"
    "  --fuel N                instruction budget per call (default: unlimited)\n"
    "  --cache-dir DIR         keep the lowered tool modules in DIR (0700)\n"
    "  --tools-dir DIR         where the tool modules are\n"
    "  --config FILE           the same settings as JSON, plus \"tools\" (those\n"
    "                          offered) and per-tool \"overrides\" (README.md)\n"
    "  --max-concurrent N      calls run at once (default: 4 per CPU, 2 to 64)\n"
    "  -h, --help              show this help\n"
    "\n"
    "Settings apply in this order, a later one replacing an earlier value:\n"
    "the config file, the flags, the config's overrides for the tool (a list\n"
    "there replaces the file's list).\n"
    "\n"
    "Exit status: 0 at the end of stdin; 2 for a bad command line or config.\n";

/* ---- output ------------------------------------------------------------------- */

void mcp_send(mcp_server *s, json_t *msg)
{
    char *text = json_dumps(msg, JSON_COMPACT | TOOL_JSON_FLAGS);
    json_decref(msg);
    if (text == NULL) {
        fprintf(stderr, "corral: mcp: out of memory writing a message\n");
        return;
    }
    pthread_mutex_lock(&s->out_mu);
    fputs(text, stdout);
    fputc('\n', stdout);
    fflush(stdout);
    pthread_mutex_unlock(&s->out_mu);
    free(text);
}

void mcp_send_result(mcp_server *s, json_t *id, json_t *result)
{
    mcp_send(s, json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id", id, "result", result));
}

void mcp_send_error(mcp_server *s, json_t *id, int code, const char *msg)
{
    mcp_send(s, json_pack("{s:s, s:O, s:{s:i, s:s}}", "jsonrpc", "2.0", "id",
                          id != NULL ? id : json_null(), "error", "code", code, "message", msg));
}

void mcp_log(mcp_server *s, int level, json_t *data)
{
    int min = atomic_load(&s->log_level);
    if (data == NULL)
        return;
    if (min == MCP_LOG_OFF || level < min) {
        json_decref(data);
        return;
    }
    mcp_send(s, json_pack("{s:s, s:s, s:{s:s, s:s, s:o}}", "jsonrpc", "2.0", "method",
                          "notifications/message", "params", "level", LEVELS[level], "logger",
                          "corral", "data", data));
}

json_t *mcp_tool_result(json_t *res)
{
    json_t *content = json_object_get(res, "content");
    json_t *meta = json_object_get(res, "metadata");
    json_t *text = json_is_string(content) ? json_incref(content) : NULL;
    if (text == NULL) {
        char *dump = content != NULL ? json_dumps(content, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
        text = json_string(dump != NULL ? dump : "");
        free(dump);
    }
    json_t *out = json_pack("{s:[{s:s, s:o}], s:O, s:b}", "content", "type", "text", "text", text,
                            "structuredContent", json_is_object(meta) ? meta : json_object(),
                            "isError", json_is_true(json_object_get(res, "is_error")));
    json_decref(res);
    return out;
}

/* ---- the tools offered ------------------------------------------------------------ */

/* The hints of MCP's ToolAnnotations, from the manifest's permission (and,
 * for a program that can reach the network, from its sandbox). */
static json_t *annotations(mcp_server *s, const mcp_tool *t)
{
    const char *perm = cli_tool_str(t->tool, "permission");
    int ro = strcmp(perm, "read-only") == 0, write = strcmp(perm, "write") == 0;
    int exec = strcmp(perm, "execute") == 0, net = strcmp(perm, "network") == 0;
    int open_world =
        net || (exec && t->sb.run.nallow_hosts > 0 && cli_host_uses_network(s->host, t->tool));
    /* Idempotent only when read-only: an edit whose new text holds the
     * old one changes the file again at each call. */
    json_t *a = json_pack("{s:b, s:b, s:b, s:b}", "readOnlyHint", ro, "destructiveHint",
                          write || exec, "idempotentHint", ro, "openWorldHint", open_world);
    const char *title = cli_tool_str(t->tool, "title");
    if (title != NULL)
        json_object_set_new(a, "title", json_string(title));
    return a;
}

static json_t *tools_list(mcp_server *s)
{
    json_t *list = json_array();
    for (size_t i = 0; i < s->ntools; i++) {
        mcp_tool *t = &s->tools[i];
        if (!t->offered)
            continue;
        json_t *d = json_object();
        json_object_set(d, "name", json_object_get(t->tool, "name"));
        if (json_object_get(t->tool, "title") != NULL)
            json_object_set(d, "title", json_object_get(t->tool, "title"));
        json_object_set(d, "description", json_object_get(t->tool, "description"));
        json_object_set_new(d, "inputSchema",
                            json_deep_copy(json_object_get(t->tool, "input_schema")));
        if (json_object_get(t->tool, "output_schema") != NULL)
            json_object_set_new(d, "outputSchema",
                                json_deep_copy(json_object_get(t->tool, "output_schema")));
        json_object_set_new(d, "annotations", annotations(s, t));
        json_array_append_new(list, d);
    }
    return json_pack("{s:o}", "tools", list);
}

static mcp_tool *offered_tool(mcp_server *s, const char *name)
{
    for (size_t i = 0; i < s->ntools; i++)
        if (s->tools[i].offered && strcmp(cli_tool_str(s->tools[i].tool, "name"), name) == 0)
            return &s->tools[i];
    return NULL;
}

/* ---- methods --------------------------------------------------------------------- */

static void m_initialize(mcp_server *s, json_t *id, json_t *params)
{
    json_t *pv = json_object_get(params, "protocolVersion");
    if (pv != NULL && !json_is_string(pv)) {
        mcp_send_error(s, id, MCP_INVALID_PARAMS, "initialize: protocolVersion must be a string");
        return;
    }
    const char *rev = MCP_PROTOCOL;
    for (size_t i = 0; pv != NULL && i < sizeof REVISIONS / sizeof REVISIONS[0]; i++)
        if (strcmp(json_string_value(pv), REVISIONS[i]) == 0)
            rev = REVISIONS[i];
    sbuf ins = {0};
    const mcp_tool *any = NULL;
    for (size_t i = 0; i < s->ntools && any == NULL; i++)
        if (s->tools[i].offered)
            any = &s->tools[i];
    sb_printf(&ins, "corral runs each tool call in a fresh WebAssembly sandbox. Paths are "
                    "sandbox paths: / is the work directory");
    if (any != NULL)
        sb_printf(&ins, " (%s on the host; absolute host paths inside it are accepted too)",
                  any->sb.run.work_dir);
    sb_printf(&ins, ". Nothing outside the mapped directories is visible, and the network is "
                    "closed except to the hosts the sandbox allows.");
    json_t *res = json_pack("{s:s, s:{s:{s:b}, s:{}}, s:{s:s, s:s, s:s}, s:s}", "protocolVersion",
                            rev, "capabilities", "tools", "listChanged", 0, "logging",
                            "serverInfo", "name", "corral", "title", "corral sandboxed tools",
                            "version", CORRAL_VERSION, "instructions", sb_str(&ins));
    free(ins.p);
    mcp_send_result(s, id, res);
}

static void m_tools_call(mcp_server *s, json_t *id, json_t *params, size_t bytes)
{
    json_t *name = json_object_get(params, "name");
    json_t *args = json_object_get(params, "arguments");
    json_t *meta = json_object_get(params, "_meta");
    json_t *token = json_object_get(meta, "progressToken");
    if (!json_is_string(name)) {
        mcp_send_error(s, id, MCP_INVALID_PARAMS, "tools/call: params.name must be a tool name");
        return;
    }
    mcp_tool *t = offered_tool(s, json_string_value(name));
    if (t == NULL) {
        sbuf b = {0};
        sb_printf(&b, "unknown tool '%s'; the tools are: ", json_string_value(name));
        for (size_t i = 0, n = 0; i < s->ntools; i++)
            if (s->tools[i].offered)
                sb_printf(&b, "%s%s", n++ ? ", " : "", cli_tool_str(s->tools[i].tool, "name"));
        mcp_send_error(s, id, MCP_INVALID_PARAMS, sb_str(&b));
        free(b.p);
        return;
    }
    if (args != NULL && !json_is_object(args)) {
        mcp_send_error(s, id, MCP_INVALID_PARAMS, "tools/call: params.arguments must be an object");
        return;
    }
    if (meta != NULL && !json_is_object(meta)) {
        mcp_send_error(s, id, MCP_INVALID_PARAMS, "tools/call: params._meta must be an object");
        return;
    }
    if (token != NULL && !json_is_string(token) && !json_is_integer(token)) {
        mcp_send_error(s, id, MCP_INVALID_PARAMS,
                       "tools/call: _meta.progressToken must be a string or an integer");
        return;
    }
    /* The call's own copy: the host normalises and consumes it. */
    json_t *input = args != NULL ? json_deep_copy(args) : json_object();
    mcp_pool_submit(s, id, t, input, token, bytes);
}

static void m_set_level(mcp_server *s, json_t *id, json_t *params)
{
    const char *level = json_string_value(json_object_get(params, "level"));
    for (int i = 0; level != NULL && i < MCP_LOG_OFF; i++)
        if (strcmp(level, LEVELS[i]) == 0) {
            atomic_store(&s->log_level, i);
            mcp_send_result(s, id, json_object());
            return;
        }
    mcp_send_error(s, id, MCP_INVALID_PARAMS,
                   "logging/setLevel: level must be one of debug, info, notice, warning, error, "
                   "critical, alert, emergency");
}

static void notification(mcp_server *s, const char *method, json_t *params)
{
    if (strcmp(method, "notifications/cancelled") == 0) {
        json_t *rid = json_object_get(params, "requestId");
        if (json_is_string(rid) || json_is_integer(rid))
            mcp_pool_cancel(s, rid);
    }
    /* notifications/initialized and anything else: nothing to do. */
}

/* One message (a line of len bytes). */
static void handle(mcp_server *s, const char *line, size_t len)
{
    json_error_t je;
    char why[256];
    /* What parsing it would cost, before jansson builds anything. */
    cli_json_scan scan;
    cli_json_prescan(line, len, MCP_MAX_VALUES, MCP_MAX_DEPTH, &scan);
    if (scan.over != CLI_JSON_WITHIN) {
        sbuf b = {0};
        sb_printf(&b, "invalid request: the message has ");
        cli_sb_json_over(&b, &scan, MCP_MAX_VALUES, MCP_MAX_DEPTH);
        if (scan.over == CLI_JSON_TOO_MANY)
            sb_printf(&b, " (the bound of a message: a tool input's %zu and its envelope)",
                      TOOL_INPUT_MAX_VALUES);
        else
            sb_printf(&b, " (the bound of a message: a tool input's %d, as params.arguments)",
                      TOOL_INPUT_MAX_DEPTH);
        sb_printf(&b, ", at byte %zu; it was not parsed", scan.at);
        mcp_send_error(s, NULL, MCP_INVALID_REQUEST, sb_str(&b));
        free(b.p);
        return;
    }
    json_t *msg =
        json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL | JSON_DECODE_ANY, &je);
    if (msg == NULL) {
        snprintf(why, sizeof why, "parse error: %s at column %d", je.text, je.column);
        mcp_send_error(s, NULL, MCP_PARSE_ERROR, why);
        return;
    }
    if (json_is_array(msg)) {
        mcp_send_error(s, NULL, MCP_INVALID_REQUEST,
                       "invalid request: batches (JSON arrays) are not supported; send one "
                       "message per line");
        json_decref(msg);
        return;
    }
    if (!json_is_object(msg)) {
        mcp_send_error(s, NULL, MCP_INVALID_REQUEST, "invalid request: a message must be a JSON object");
        json_decref(msg);
        return;
    }
    json_t *id = json_object_get(msg, "id");
    json_t *method = json_object_get(msg, "method");
    json_t *params = json_object_get(msg, "params");
    int id_ok = json_is_string(id) || json_is_integer(id);
    json_t *reply_id = id_ok ? id : NULL;
    if (!cli_json_str_is(json_object_get(msg, "jsonrpc"), "2.0")) {
        if (id != NULL || method != NULL)
            mcp_send_error(s, reply_id, MCP_INVALID_REQUEST,
                           "invalid request: \"jsonrpc\" must be \"2.0\"");
    } else if (method == NULL) {
        /* A response (we send no requests, so there is nothing to match)
         * or nonsense. */
        if (json_object_get(msg, "result") == NULL && json_object_get(msg, "error") == NULL)
            mcp_send_error(s, reply_id, MCP_INVALID_REQUEST, "invalid request: no \"method\"");
    } else if (!json_is_string(method)) {
        mcp_send_error(s, reply_id, MCP_INVALID_REQUEST,
                       "invalid request: \"method\" must be a string");
    } else if (id == NULL) {
        notification(s, json_string_value(method), params);
    } else if (!id_ok) {
        mcp_send_error(s, NULL, MCP_INVALID_REQUEST,
                       "invalid request: \"id\" must be a string or an integer");
    } else if (params != NULL && !json_is_object(params)) {
        mcp_send_error(s, id, MCP_INVALID_PARAMS, "invalid params: \"params\" must be an object");
    } else {
        const char *m = json_string_value(method);
        if (strcmp(m, "initialize") == 0)
            m_initialize(s, id, params);
        else if (strcmp(m, "ping") == 0)
            mcp_send_result(s, id, json_object());
        else if (strcmp(m, "tools/list") == 0)
            mcp_send_result(s, id, json_incref(s->tools_list));
        else if (strcmp(m, "tools/call") == 0)
            m_tools_call(s, id, params, len + scan.values * TOOL_JSON_VALUE_COST);
        else if (strcmp(m, "logging/setLevel") == 0)
            m_set_level(s, id, params);
        else {
            snprintf(why, sizeof why, "method not found: %.200s", m);
            mcp_send_error(s, id, MCP_METHOD_NOT_FOUND, why);
        }
    }
    json_decref(msg);
}

/* ---- reading lines ------------------------------------------------------------- */

typedef struct {
    char *buf;
    size_t start, len, cap, scan; /* data is buf[start, len); scan: no '\n' before it */
    int eof;
} line_reader;

/* The next line (without its newline, NUL-terminated), NULL at the end of
 * input.  A line longer than MCP_MAX_LINE is read past and dropped: *len
 * is then 0 and *too_long set. */
static char *next_line(line_reader *r, size_t *len, int *too_long)
{
    int skipping = 0;
    *too_long = 0;
    for (;;) {
        char *nl = r->len > r->scan ? memchr(r->buf + r->scan, '\n', r->len - r->scan) : NULL;
        if (nl != NULL) {
            char *line = r->buf + r->start;
            *nl = '\0';
            *len = (size_t)(nl - line);
            r->start = r->scan = (size_t)(nl - r->buf) + 1;
            if (skipping) {
                *too_long = 1;
                *len = 0;
            }
            return line;
        }
        r->scan = r->len;
        if (r->eof) {
            if (r->len == r->start && !skipping)
                return NULL;
            /* the last line, without a newline */
            char *line = r->buf + r->start;
            *len = r->len - r->start;
            line[*len] = '\0';
            r->start = r->scan = r->len;
            if (skipping) {
                *too_long = 1;
                *len = 0;
            }
            return line;
        }
        if (r->len - r->start > MCP_MAX_LINE) {
            skipping = 1; /* drop what we have, read on to the newline */
            r->start = r->scan = r->len;
        }
        if (r->start > 0) { /* keep only the unfinished line */
            memmove(r->buf, r->buf + r->start, r->len - r->start);
            r->len -= r->start;
            r->scan -= r->start;
            r->start = 0;
        }
        if (r->cap - r->len < MCP_CHUNK + 1) {
            size_t cap = r->cap ? r->cap * 2 : 2 * MCP_CHUNK;
            while (cap - r->len < MCP_CHUNK + 1)
                cap *= 2;
            char *b = realloc(r->buf, cap);
            if (b == NULL) {
                fprintf(stderr, "corral: mcp: out of memory reading a message\n");
                return NULL;
            }
            r->buf = b;
            r->cap = cap;
        }
        ssize_t n = read(0, r->buf + r->len, MCP_CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            fprintf(stderr, "corral: mcp: reading stdin: %s\n", strerror(errno));
        if (n <= 0)
            r->eof = 1;
        else
            r->len += (size_t)n;
    }
}

/* ---- set-up ----------------------------------------------------------------------- */

typedef struct {
    mcp_flag *v;
    size_t n;
    const char *config, *tools_dir;
    long max_concurrent;
} mcp_args;

static int usage_error(const char *flag, const char *what, const char *value)
{
    return cli_usage_error("mcp", flag, what, value);
}

static int parse_args(int argc, char **argv, mcp_args *a)
{
    a->v = calloc((size_t)argc + 1, sizeof *a->v);
    if (a->v == NULL)
        return usage_error("mcp", "out of memory", NULL);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            fputs(MCP_USAGE, stdout);
            return CLI_EXIT_OK;
        }
        const char *flag, *val;
        int st = cli_sandbox_split(argc, argv, &i, NULL, &flag, &val, "mcp");
        if (st > 0)
            return st;
        if (st < 0) {
            a->v[a->n++] = (mcp_flag){flag, val};
            continue;
        }
        static const char *const own[] = {"--config", "--tools-dir", "--max-concurrent"};
        const char *eq = strchr(arg, '=');
        size_t n = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
        const char *which = NULL;
        for (size_t k = 0; k < 3; k++)
            if (strlen(own[k]) == n && strncmp(arg, own[k], n) == 0)
                which = own[k];
        if (which == NULL)
            return usage_error(arg, arg[0] == '-' ? "unknown option" : "unexpected argument", NULL);
        if (eq != NULL)
            val = eq + 1;
        else if (i + 1 < argc)
            val = argv[++i];
        else
            return usage_error(which, "missing value", NULL);
        if (val[0] == '\0')
            return usage_error(which, "empty value", NULL);
        if (which == own[0]) {
            a->config = val;
        } else if (which == own[1]) {
            a->tools_dir = val;
        } else {
            uint64_t k;
            if (!cli_parse_u64(val, &k) || k < 1 || k > MCP_MAX_WORKERS)
                return usage_error(which, "expected a number of calls from 1 to 256, got", val);
            a->max_concurrent = (long)k;
        }
    }
    return -1;
}

static int dir_ok(const char *flag, const char *value, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "corral: %s %s: %s\n", flag, value, strerror(errno));
        return 0;
    }
    if (!S_ISDIR(st.st_mode)) {
        fprintf(stderr, "corral: %s %s: %s\n", flag, value, strerror(ENOTDIR));
        return 0;
    }
    return 1;
}

/* tool's sandbox: the config's settings (but the lists its overrides
 * replace), the flags, then its overrides. */
static int build_sandbox(mcp_tool *t, const mcp_config *c, const mcp_args *a)
{
    const char *name = cli_tool_str(t->tool, "name");
    const mcp_flag *ov = NULL;
    size_t nov = 0;
    for (size_t i = 0; i < c->noverrides; i++)
        if (strcmp(c->overrides[i].name, name) == 0) {
            ov = c->overrides[i].flags;
            nov = c->overrides[i].nflags;
        }
    int st = cli_sandbox_init(&t->sb, (int)(c->nflags + a->n + nov), "mcp");
    if (st >= 0)
        return st;
    for (size_t i = 0; i < c->nflags; i++) {
        int replaced = 0;
        for (size_t k = 0; k < nov; k++)
            if (mcp_flag_is_list(c->flags[i].flag) && strcmp(ov[k].flag, c->flags[i].flag) == 0)
                replaced = 1;
        if (!replaced && (st = cli_sandbox_tool_flag(&t->sb, c->flags[i].flag, c->flags[i].value,
                                                     "mcp")) >= 0)
            return st;
    }
    for (size_t i = 0; i < a->n; i++)
        if ((st = cli_sandbox_tool_flag(&t->sb, a->v[i].flag, a->v[i].value, "mcp")) >= 0)
            return st;
    for (size_t i = 0; i < nov; i++)
        if ((st = cli_sandbox_tool_flag(&t->sb, ov[i].flag, ov[i].value, "mcp")) >= 0)
            return st;
    if (t->sb.run.work_dir == NULL) {
        char cwd[2];
        if (getcwd(cwd, sizeof cwd) != NULL && strcmp(cwd, "/") == 0) {
            fprintf(stderr, "corral: mcp: the current directory is /, which would give the tools "
                            "the whole file system; name their work dir with --work-dir DIR\n");
            return CLI_EXIT_USAGE;
        }
    }
    if ((st = cli_sandbox_tool_defaults(&t->sb, "mcp")) >= 0)
        return st;
    if (!t->offered)
        return -1;
    if (!dir_ok("--work-dir", t->sb.run.work_dir, t->sb.run.work_dir))
        return CLI_EXIT_USAGE;
    for (size_t i = 0; i < t->sb.run.nmap_dirs; i++)
        if (!dir_ok("--map-dir", t->sb.run.map_dirs[i].host, t->sb.run.map_dirs[i].host))
            return CLI_EXIT_USAGE;
    return -1;
}

static long default_workers(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    long n = cpus > 0 ? 4 * cpus : 8;
    return n < 2 ? 2 : n > 64 ? 64 : n;
}

int cli_mcp(int argc, char **argv)
{
    mcp_args a = {0};
    mcp_config c;
    mcp_server s;
    memset(&c, 0, sizeof c);
    memset(&s, 0, sizeof s);
    int st = parse_args(argc, argv, &a);
    if (st >= 0)
        goto out;
    st = CLI_EXIT_FAIL;
    json_object_seed(0); /* before any thread makes an object */
    if ((s.manifest = cli_manifest_load()) == NULL)
        goto out;
    if (a.config != NULL && (st = mcp_config_load(&c, a.config, s.manifest)) >= 0)
        goto out;
    s.ntools = json_array_size(json_object_get(s.manifest, "tools"));
    s.tools = calloc(s.ntools, sizeof *s.tools);
    if (s.tools == NULL) {
        fprintf(stderr, "corral: mcp: out of memory\n");
        st = CLI_EXIT_FAIL;
        goto out;
    }
    for (size_t i = 0; i < s.ntools; i++) {
        mcp_tool *t = &s.tools[i];
        t->tool = json_array_get(json_object_get(s.manifest, "tools"), i);
        t->offered = c.offered == NULL;
        size_t k;
        json_t *x;
        json_array_foreach(c.offered, k, x) {
            if (strcmp(json_string_value(x), cli_tool_str(t->tool, "name")) == 0)
                t->offered = 1;
        }
        if ((st = build_sandbox(t, &c, &a)) >= 0)
            goto out;
    }
    st = CLI_EXIT_FAIL;
    s.host = cli_host_new(s.manifest, a.tools_dir != NULL ? a.tools_dir : c.tools_dir);
    /* One engine for all the tools, so one cache: the first tool's. */
    if (s.host == NULL ||
        !cli_host_set_cache_dir(s.host, s.ntools > 0 ? s.tools[0].sb.run.cache_dir : NULL)) {
        fprintf(stderr, "corral: mcp: out of memory\n");
        goto out;
    }
    /* A missing module is a tool error at call time; say it now too. */
    for (size_t i = 0; i < s.ntools; i++) {
        char *why = NULL;
        if (s.tools[i].offered && !cli_host_preload(s.host, s.tools[i].tool, &why))
            fprintf(stderr, "corral: mcp: warning: %s\n", why != NULL ? why : "out of memory");
        free(why);
    }
    if ((s.tools_list = tools_list(&s)) == NULL) {
        fprintf(stderr, "corral: mcp: out of memory\n");
        goto out;
    }
    pthread_mutex_init(&s.out_mu, NULL);
    atomic_init(&s.log_level, MCP_LOG_OFF);
    signal(SIGPIPE, SIG_IGN); /* a client gone away is a write error, not a death */
#ifdef __GLIBC__
    /* A call's big blocks (linear memory, its stack, captured output) go
     * back to the system when it ends: glibc would otherwise raise its
     * mmap threshold to their size and keep them in each worker's arena. */
    mallopt(M_MMAP_THRESHOLD, 4 << 20);
#endif
    long workers = a.max_concurrent ? a.max_concurrent
                   : c.max_concurrent ? c.max_concurrent
                                      : default_workers();
    if (mcp_pool_start(&s, (size_t)workers)) {
        line_reader r = {0};
        size_t len;
        int too_long;
        char *line;
        while ((line = next_line(&r, &len, &too_long)) != NULL) {
            if (too_long) {
                char why[160];
                snprintf(why, sizeof why,
                         "invalid request: message too large (more than %zu MiB without a "
                         "newline); it was skipped",
                         MCP_MAX_LINE >> 20);
                mcp_send_error(&s, NULL, MCP_INVALID_REQUEST, why);
                continue;
            }
            if (len > 0 && line[len - 1] == '\r')
                line[--len] = '\0';
            size_t sp = 0;
            while (sp < len && strchr(" \t", line[sp]) != NULL)
                sp++;
            if (sp == len)
                continue; /* blank lines between messages */
            handle(&s, line, len);
        }
        free(r.buf);
        st = CLI_EXIT_OK;
    }
    mcp_pool_stop(&s);
    pthread_mutex_destroy(&s.out_mu);
out:
    json_decref(s.tools_list);
    cli_host_free(s.host);
    for (size_t i = 0; s.tools != NULL && i < s.ntools; i++)
        cli_sandbox_free(&s.tools[i].sb);
    free(s.tools);
    mcp_config_free(&c);
    json_decref(s.manifest);
    free(a.v);
    return st;
}
