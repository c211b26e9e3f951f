/*
 * config.c - `corral mcp --config FILE`: the sandbox's settings as a JSON
 * file, plus which tools are offered and per-tool overrides (mcp.h).
 *
 *   {
 *     "work_dir": "/home/me/proj",             --work-dir
 *     "map_dirs": ["/data::/data:ro",          --map-dir, or objects
 *                  {"host": "/tmp/x", "guest": "/scratch", "readonly": false}],
 *     "env": {"LANG": "C.UTF-8"},              --env NAME=VALUE
 *     "allow_hosts": ["https://api.github.com"], --allow-host
 *     "block_urls": [], "block_networks": ["private"],
 *     "timeout": "30s" | 30 | "none",          --timeout (a number: seconds)
 *     "max_memory": "512M" | 536870912,        --max-memory (a number: bytes)
 *     "max_stack": "1M", "fuel": 1000000000, "cache_dir": "...",
 *     "tools_dir": "...", "max_concurrent": 8,
 *     "tools": ["read", "grep", "bash"],       offered (default: all)
 *     "overrides": {"bash": {"timeout": "10m"},
 *                   "web-fetch": {"allow_hosts": ["https://docs.rs"]}}
 *   }
 *
 * Each setting becomes the flag it names, so the one parser of the flags
 * (sandbox.c) applies it; but every value is checked here first, so that
 * a wrong key, type or value stops start-up with a message naming the key
 * (never a silent default).  Relative paths are taken from the file's
 * directory.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mcp.h"

typedef struct {
    mcp_config *c;
    const char *file;
    char *dir; /* the file's directory, for relative paths */
} loader;

typedef struct {
    mcp_flag *v;
    size_t n, cap;
} flag_list;

/* "corral: --config FILE: 'KEY': WHAT[, got ...]" */
static int bad(loader *L, const char *key, json_t *got, const char *fmt, ...) CLI_PRINTF(4, 5);
static int bad(loader *L, const char *key, json_t *got, const char *fmt, ...)
{
    sbuf b = {0};
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&b, fmt, ap);
    va_end(ap);
    if (got != NULL) {
        sb_printf(&b, ", ");
        cli_sb_got(&b, got);
    }
    fprintf(stderr, "corral: --config %s: '%s': %s\n", L->file, key, sb_str(&b));
    free(b.p);
    return CLI_EXIT_USAGE;
}

/* A string kept for the config's life. */
static const char *own(loader *L, char *s)
{
    if (s == NULL)
        return NULL;
    char **o = realloc(L->c->owned, (L->c->nowned + 1) * sizeof *o);
    if (o == NULL) {
        free(s);
        return NULL;
    }
    L->c->owned = o;
    o[L->c->nowned++] = s;
    return s;
}

static const char *ownf(loader *L, const char *fmt, ...) CLI_PRINTF(2, 3);
static const char *ownf(loader *L, const char *fmt, ...)
{
    sbuf b = {0};
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&b, fmt, ap);
    va_end(ap);
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return own(L, b.p != NULL ? b.p : strdup(""));
}

static int push(loader *L, flag_list *fl, const char *flag, const char *value)
{
    if (value == NULL)
        return bad(L, flag, NULL, "out of memory");
    if (fl->n == fl->cap) {
        size_t cap = fl->cap ? fl->cap * 2 : 16;
        mcp_flag *v = realloc(fl->v, cap * sizeof *v);
        if (v == NULL)
            return bad(L, flag, NULL, "out of memory");
        fl->v = v;
        fl->cap = cap;
    }
    fl->v[fl->n++] = (mcp_flag){flag, value};
    return -1;
}

/* A path: relative ones from the file's directory. */
static const char *path_value(loader *L, const char *p)
{
    if (p[0] == '/')
        return p;
    return ownf(L, "%s/%s", L->dir, p);
}

/* A directory that must exist now (a work dir, a mapped host dir). */
static int dir_exists(loader *L, const char *key, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return bad(L, key, NULL, "%s: %s", path, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return bad(L, key, NULL, "%s: %s", path, strerror(ENOTDIR));
    return -1;
}

/* ---- one sandbox setting ------------------------------------------------------ */

static const struct {
    const char *key, *flag;
} SANDBOX_KEYS[] = {
    {"work_dir", "--work-dir"},       {"map_dirs", "--map-dir"},
    {"env", "--env"},                 {"allow_hosts", "--allow-host"},
    {"block_urls", "--block-url"},    {"block_networks", "--block-network"},
    {"timeout", "--timeout"},         {"max_memory", "--max-memory"},
    {"max_stack", "--max-stack"},     {"fuel", "--fuel"},
    {"cache_dir", "--cache-dir"},
};
#define NSANDBOX_KEYS (sizeof SANDBOX_KEYS / sizeof SANDBOX_KEYS[0])

static const char *sandbox_flag(const char *key)
{
    for (size_t i = 0; i < NSANDBOX_KEYS; i++)
        if (strcmp(key, SANDBOX_KEYS[i].key) == 0)
            return SANDBOX_KEYS[i].flag;
    return NULL;
}

int mcp_flag_is_list(const char *flag)
{
    static const char *const lists[] = {"--map-dir", "--env", "--allow-host", "--block-url",
                                        "--block-network"};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
        if (strcmp(flag, lists[i]) == 0)
            return 1;
    return 0;
}

/* One element of map_dirs: "HOST::GUEST[:ro]" or {host, guest, readonly}. */
static int map_dir(loader *L, const char *key, json_t *v, flag_list *fl)
{
    const char *host, *guest;
    int ro = 0;
    if (json_is_string(v)) {
        const char *s = json_string_value(v), *sep = strstr(s, "::");
        if (sep == NULL || sep == s || sep[2] == '\0')
            return bad(L, key, v, "expected \"HOST::GUEST[:ro]\"");
        char *h = strndup(s, (size_t)(sep - s));
        if (h == NULL || own(L, h) == NULL)
            return bad(L, key, NULL, "out of memory");
        int st = dir_exists(L, key, path_value(L, h));
        if (st >= 0)
            return st;
        return push(L, fl, "--map-dir", ownf(L, "%s::%s", path_value(L, h), sep + 2));
    }
    if (!json_is_object(v))
        return bad(L, key, v, "expected \"HOST::GUEST[:ro]\" or {\"host\", \"guest\", \"readonly\"}");
    const char *k;
    json_t *x;
    json_object_foreach(v, k, x) {
        if (strcmp(k, "host") != 0 && strcmp(k, "guest") != 0 && strcmp(k, "readonly") != 0)
            return bad(L, key, NULL, "unknown key '%s' (expected host, guest, readonly)", k);
    }
    host = json_string_value(json_object_get(v, "host"));
    guest = json_string_value(json_object_get(v, "guest"));
    json_t *r = json_object_get(v, "readonly");
    if (host == NULL || host[0] == '\0')
        return bad(L, key, json_object_get(v, "host"), "\"host\" must be a directory");
    if (guest == NULL || guest[0] == '\0' || strstr(guest, "::") != NULL)
        return bad(L, key, json_object_get(v, "guest"), "\"guest\" must be a guest path");
    if (r != NULL && !json_is_boolean(r))
        return bad(L, key, r, "\"readonly\" must be a boolean");
    ro = json_is_true(r);
    int st = dir_exists(L, key, path_value(L, host));
    if (st >= 0)
        return st;
    return push(L, fl, "--map-dir", ownf(L, "%s::%s%s", path_value(L, host), guest, ro ? ":ro" : ""));
}

/* One network entry, checked as the flag would check it. */
static int net_entry(loader *L, const char *key, const char *flag, json_t *v, flag_list *fl)
{
    if (!json_is_string(v))
        return bad(L, key, v, "expected a string");
    const char *s = json_string_value(v);
    char why[512] = "";
    net_policy scratch;
    net_policy_init(&scratch);
    bool ok = strcmp(flag, "--allow-host") == 0  ? net_policy_add_allow(&scratch, s, why, sizeof why)
              : strcmp(flag, "--block-url") == 0 ? net_policy_add_block_url(&scratch, s, why, sizeof why)
              : strcmp(s, "none") == 0           ? true
                                                 : net_policy_add_block(&scratch, s, why, sizeof why);
    net_policy_free(&scratch);
    if (!ok)
        return bad(L, key, NULL, "%s", why);
    return push(L, fl, flag, s);
}

static int setting(loader *L, const char *prefix, const char *k, json_t *v, flag_list *fl)
{
    const char *flag = sandbox_flag(k);
    const char *key = ownf(L, "%s%s", prefix, k);
    uint64_t n;
    if (key == NULL)
        return bad(L, k, NULL, "out of memory");
    if (strcmp(k, "work_dir") == 0 || strcmp(k, "cache_dir") == 0) {
        if (!json_is_string(v) || json_string_length(v) == 0)
            return bad(L, key, v, "expected a directory (a non-empty string)");
        const char *dir = path_value(L, json_string_value(v));
        int st = strcmp(k, "work_dir") == 0 ? dir_exists(L, key, dir) : -1;
        if (st >= 0)
            return st;
        return push(L, fl, flag, dir);
    }
    if (strcmp(k, "env") == 0) {
        if (!json_is_object(v))
            return bad(L, key, v, "expected an object of NAME: \"VALUE\"");
        const char *name;
        json_t *x;
        json_object_foreach(v, name, x) {
            if (name[0] == '\0' || strchr(name, '=') != NULL)
                return bad(L, key, NULL, "invalid variable name '%s'", name);
            if (!json_is_string(x))
                return bad(L, ownf(L, "%s.%s", key, name), x, "expected a string");
            int st = push(L, fl, flag, ownf(L, "%s=%s", name, json_string_value(x)));
            if (st >= 0)
                return st;
        }
        return -1;
    }
    if (mcp_flag_is_list(flag)) {
        if (!json_is_array(v))
            return bad(L, key, v, "expected an array");
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            const char *ekey = ownf(L, "%s[%zu]", key, i);
            int st = strcmp(flag, "--map-dir") == 0 ? map_dir(L, ekey, x, fl)
                                                    : net_entry(L, ekey, flag, x, fl);
            if (st >= 0)
                return st;
        }
        return -1;
    }
    if (strcmp(k, "timeout") == 0) {
        if (json_is_string(v)) {
            const char *s = json_string_value(v);
            if (strcmp(s, "none") != 0 && !cli_parse_duration(s, &n))
                return bad(L, key, v, "expected a duration (\"30s\", \"500ms\", \"2m\"), a number of "
                                      "seconds or \"none\"");
            return push(L, fl, flag, s);
        }
        if (json_is_number(v) && json_number_value(v) > 0 && json_number_value(v) < 1e9) {
            double ms = json_number_value(v) * 1000;
            if (ms < 1)
                return bad(L, key, v, "must be at least 1 ms");
            return push(L, fl, flag, ownf(L, "%.0fms", ms));
        }
        return bad(L, key, v, "expected a duration (\"30s\", \"500ms\", \"2m\"), a positive number "
                              "of seconds or \"none\"");
    }
    if (strcmp(k, "max_memory") == 0 || strcmp(k, "max_stack") == 0) {
        if (json_is_string(v) && cli_parse_size(json_string_value(v), &n) && n > 0)
            return push(L, fl, flag, json_string_value(v));
        if (json_is_integer(v) && json_integer_value(v) > 0)
            return push(L, fl, flag, ownf(L, "%" JSON_INTEGER_FORMAT, json_integer_value(v)));
        return bad(L, key, v, "expected a size above 0 (\"512M\", \"64K\", \"1G\", or a number of bytes)");
    }
    /* fuel */
    if (json_is_integer(v) && json_integer_value(v) >= 0)
        return push(L, fl, flag, ownf(L, "%" JSON_INTEGER_FORMAT, json_integer_value(v)));
    return bad(L, key, v, "expected a non-negative integer (an instruction budget)");
}

/* ---- the file ------------------------------------------------------------------- */

static int tool_name_ok(loader *L, const char *key, json_t *m, json_t *v)
{
    if (!json_is_string(v) || cli_manifest_tool(m, json_string_value(v)) == NULL) {
        sbuf b = {0};
        cli_sb_tool_names(&b, m);
        int st = bad(L, key, v, "expected a tool name (%s)", sb_str(&b));
        free(b.p);
        return st;
    }
    return -1;
}

static int load_overrides(loader *L, json_t *v, json_t *m)
{
    mcp_config *c = L->c;
    if (!json_is_object(v))
        return bad(L, "overrides", v, "expected an object of tool name: {settings}");
    c->overrides = calloc(json_object_size(v) + 1, sizeof *c->overrides);
    if (c->overrides == NULL)
        return bad(L, "overrides", NULL, "out of memory");
    const char *name;
    json_t *x;
    json_object_foreach(v, name, x) {
        json_t *namev = json_string(name);
        const char *key = ownf(L, "overrides.%s", name);
        int st = tool_name_ok(L, key, m, namev);
        json_decref(namev);
        if (st >= 0)
            return st;
        if (!json_is_object(x))
            return bad(L, key, x, "expected an object of sandbox settings");
        flag_list fl = {0};
        const char *k;
        json_t *y;
        json_object_foreach(x, k, y) {
            if (sandbox_flag(k) == NULL)
                st = bad(L, ownf(L, "%s.%s", key, k), NULL,
                         "unknown key (a tool's overrides take work_dir, map_dirs, env, "
                         "allow_hosts, block_urls, block_networks, timeout, max_memory, "
                         "max_stack, fuel, cache_dir)");
            else
                st = setting(L, ownf(L, "%s.", key), k, y, &fl);
            if (st >= 0) {
                free(fl.v);
                return st;
            }
        }
        c->overrides[c->noverrides].name = name;
        c->overrides[c->noverrides].flags = fl.v;
        c->overrides[c->noverrides].nflags = fl.n;
        c->noverrides++;
    }
    return -1;
}

int mcp_config_load(mcp_config *c, const char *path, json_t *m)
{
    memset(c, 0, sizeof *c);
    loader L = {c, path, NULL};
    json_error_t je;
    c->root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (c->root == NULL) {
        if (je.line <= 0)
            fprintf(stderr, "corral: --config %s: %s\n", path, je.text);
        else
            fprintf(stderr, "corral: --config %s: not valid JSON: %s at line %d, column %d\n", path,
                    je.text, je.line, je.column);
        return CLI_EXIT_USAGE;
    }
    if (!json_is_object(c->root)) {
        fprintf(stderr, "corral: --config %s: expected a JSON object\n", path);
        return CLI_EXIT_USAGE;
    }
    char *slash = strrchr(path, '/');
    char cwd[PATH_MAX];
    if (slash != NULL)
        L.dir = strndup(path, slash == path ? 1 : (size_t)(slash - path));
    else if (getcwd(cwd, sizeof cwd) != NULL)
        L.dir = strdup(cwd);
    if (L.dir == NULL || own(&L, L.dir) == NULL) {
        fprintf(stderr, "corral: --config %s: cannot tell its directory\n", path);
        return CLI_EXIT_USAGE;
    }
    flag_list fl = {0};
    int st = -1;
    const char *k;
    json_t *v;
    json_object_foreach(c->root, k, v) {
        if (sandbox_flag(k) != NULL) {
            st = setting(&L, "", k, v, &fl);
        } else if (strcmp(k, "tools_dir") == 0) {
            if (!json_is_string(v) || json_string_length(v) == 0)
                st = bad(&L, k, v, "expected a directory (a non-empty string)");
            else
                c->tools_dir = path_value(&L, json_string_value(v));
        } else if (strcmp(k, "max_concurrent") == 0) {
            if (!json_is_integer(v) || json_integer_value(v) < 1 ||
                json_integer_value(v) > MCP_MAX_WORKERS)
                st = bad(&L, k, v, "expected an integer from 1 to %d", MCP_MAX_WORKERS);
            else
                c->max_concurrent = (long)json_integer_value(v);
        } else if (strcmp(k, "tools") == 0) {
            size_t i;
            json_t *x;
            if (!json_is_array(v)) {
                st = bad(&L, k, v, "expected an array of tool names");
            } else {
                json_array_foreach(v, i, x) {
                    const char *key = ownf(&L, "tools[%zu]", i);
                    if ((st = tool_name_ok(&L, key, m, x)) >= 0)
                        break;
                    for (size_t j = 0; j < i; j++)
                        if (json_equal(json_array_get(v, j), x))
                            st = bad(&L, key, x, "the tool is listed twice");
                    if (st >= 0)
                        break;
                }
                c->offered = v;
            }
        } else if (strcmp(k, "overrides") == 0) {
            st = load_overrides(&L, v, m);
        } else {
            st = bad(&L, k, NULL,
                     "unknown key (expected work_dir, map_dirs, env, allow_hosts, block_urls, "
                     "block_networks, timeout, max_memory, max_stack, fuel, cache_dir, "
                     "tools_dir, max_concurrent, tools, overrides)");
        }
        if (st >= 0)
            break;
    }
    c->flags = fl.v;
    c->nflags = fl.n;
    return st;
}

void mcp_config_free(mcp_config *c)
{
    for (size_t i = 0; i < c->nowned; i++)
        free(c->owned[i]);
    free(c->owned);
    free(c->flags);
    for (size_t i = 0; i < c->noverrides; i++)
        free(c->overrides[i].flags);
    free(c->overrides);
    json_decref(c->root);
    memset(c, 0, sizeof *c);
}
