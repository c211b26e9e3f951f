/*
 * sandbox.c - the sandbox's controls on the command line, one parser for
 * `corral run` (run.c) and `corral tool` (tool.c).
 *
 * The eleven flags --work-dir --map-dir --env --allow-host --block-url
 * --block-network --timeout --max-memory --max-stack --fuel --cache-dir
 * fill a corral_run_options; the network flags are validated with
 * net/policy.c into a net_policy as they come, so a bad pattern stops the
 * command before anything runs.  Each command keeps its own extra flags
 * and defaults; the messages name the flag, the value and `corral CMD
 * --help`.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int cli_usage_error(const char *cmd, const char *flag, const char *what, const char *value)
{
    if (value != NULL)
        fprintf(stderr, "corral: %s: %s '%s'\n", flag, what, value);
    else
        fprintf(stderr, "corral: %s: %s\n", flag, what);
    fprintf(stderr, "Try 'corral %s --help'.\n", cmd);
    return CLI_EXIT_USAGE;
}

int cli_sandbox_init(cli_sandbox *sb, int argc, const char *cmd)
{
    memset(sb, 0, sizeof *sb);
    net_policy_init(&sb->policy);
    /* Every argument could be one entry, plus the tool's two defaults. */
    size_t cap = (size_t)argc + 3;
    sb->dirs = calloc(cap, sizeof *sb->dirs);
    sb->env = calloc(cap, sizeof *sb->env);
    sb->env_owned = calloc(cap, sizeof *sb->env_owned);
    sb->allow = calloc(cap, sizeof *sb->allow);
    sb->block_url = calloc(cap, sizeof *sb->block_url);
    sb->block_net = calloc(cap, sizeof *sb->block_net);
    if (sb->dirs == NULL || sb->env == NULL || sb->env_owned == NULL || sb->allow == NULL ||
        sb->block_url == NULL || sb->block_net == NULL)
        return cli_usage_error(cmd, cmd, "out of memory", NULL);
    sb->run.map_dirs = sb->dirs;
    sb->run.env = sb->env;
    sb->run.allow_hosts = sb->allow;
    sb->run.block_urls = sb->block_url;
    sb->run.block_networks = sb->block_net;
    return -1;
}

void cli_sandbox_free(cli_sandbox *sb)
{
    for (size_t i = 0; i < sb->nenv_owned; i++)
        free(sb->env_owned[i]);
    free(sb->env_owned);
    for (size_t i = 0; sb->dirs != NULL && i < sb->run.nmap_dirs; i++)
        free((void *)sb->dirs[i].host); /* one block with the guest name */
    free(sb->dirs);
    free(sb->env);
    free(sb->allow);
    free(sb->block_url);
    free(sb->block_net);
    net_policy_free(&sb->policy);
    free(sb->cwd);
}

static const char *const VALUE_FLAGS[] = {
    "--work-dir", "--map-dir",   "--env",  "--allow-host", "--block-url", "--block-network",
    "--timeout",  "--max-memory", "--max-stack", "--fuel", "--cache-dir",
};

int cli_sandbox_split(int argc, char **argv, int *i, const char *extra, const char **flag,
                      const char **value, const char *cmd)
{
    const char *a = argv[*i], *eq = strchr(a, '=');
    size_t n = eq != NULL ? (size_t)(eq - a) : strlen(a);
    *flag = NULL;
    for (size_t k = 0; k < sizeof VALUE_FLAGS / sizeof VALUE_FLAGS[0]; k++)
        if (strlen(VALUE_FLAGS[k]) == n && strncmp(a, VALUE_FLAGS[k], n) == 0)
            *flag = VALUE_FLAGS[k];
    if (extra != NULL && strlen(extra) == n && strncmp(a, extra, n) == 0)
        *flag = extra;
    if (*flag == NULL)
        return 0;
    if (eq != NULL)
        *value = eq + 1;
    else if (*i + 1 < argc)
        *value = argv[++*i];
    else
        return cli_usage_error(cmd, *flag, "missing value", NULL);
    return -1;
}

/* Why GUEST (len bytes) is no guest path, or NULL: "/" or NAME[/NAME...]
 * with an optional leading "/"; no empty, "." or ".." component (a guest
 * would resolve it differently from the prefix wasi-libc matches), no
 * control character. */
static const char *guest_path_problem(const char *g, size_t len)
{
    if (len == 0)
        return "empty guest path";
    if (len == 1 && g[0] == '/')
        return NULL;
    size_t i = g[0] == '/';
    while (i <= len) {
        size_t s = i;
        while (i < len && g[i] != '/') {
            if ((unsigned char)g[i] < 0x20 || g[i] == 0x7f)
                return "a control character in the guest path";
            i++;
        }
        size_t n = i - s;
        if (n == 0)
            return "an empty component (\"//\" or a trailing \"/\") in the guest path";
        if ((n == 1 && g[s] == '.') || (n == 2 && g[s] == '.' && g[s + 1] == '.'))
            return "a \".\" or \"..\" component in the guest path";
        i++;
    }
    return NULL;
}

/* HOST::GUEST[:ro]: everything from the first ':' of GUEST on is a
 * suffix, and ":ro" is the only one (so a guest path has no ':'); any
 * other, ":RO" or ":ro " included, is an error naming it, never part of
 * a writable mapping's name. */
static int parse_map_dir(const char *val, corral_run_dir *d, const char *cmd)
{
    const char *sep = strstr(val, "::");
    if (sep == NULL || sep == val || sep[2] == '\0')
        return cli_usage_error(cmd, "--map-dir", "expected HOST::GUEST[:ro], got", val);
    size_t hlen = (size_t)(sep - val);
    const char *guest = sep + 2;
    size_t glen = strcspn(guest, ":");
    int ro = 0;
    char why[320];
    if (guest[glen] != '\0') {
        const char *suffix = guest + glen;
        if (strcmp(suffix, ":ro") != 0) {
            snprintf(why, sizeof why,
                     "unknown suffix '%.200s' (the only one is ':ro', read-only) in", suffix);
            return cli_usage_error(cmd, "--map-dir", why, val);
        }
        ro = 1;
    }
    const char *problem = guest_path_problem(guest, glen);
    if (problem != NULL) {
        snprintf(why, sizeof why, "%s (expected HOST::GUEST[:ro], GUEST like /data or sandbox) in",
                 problem);
        return cli_usage_error(cmd, "--map-dir", why, val);
    }
    /* One block, "HOST\0GUEST\0", freed through host. */
    char *buf = malloc(hlen + glen + 2);
    if (buf == NULL)
        return cli_usage_error(cmd, "--map-dir", "out of memory", NULL);
    memcpy(buf, val, hlen);
    buf[hlen] = '\0';
    memcpy(buf + hlen + 1, guest, glen);
    buf[hlen + 1 + glen] = '\0';
    d->host = buf;
    d->guest = buf + hlen + 1;
    d->readonly = ro;
    return -1;
}

/* NAME[=VALUE]; NAME alone copies the host's value (skipped if unset). */
static int parse_env(cli_sandbox *sb, const char *val, const char *cmd)
{
    const char *eq = strchr(val, '=');
    if (val[0] == '\0' || eq == val)
        return cli_usage_error(cmd, "--env", "expected NAME[=VALUE], got", val);
    if (eq != NULL) {
        sb->env[sb->run.nenv++] = val;
        return -1;
    }
    const char *host = getenv(val);
    if (host == NULL)
        return -1;
    size_t n = strlen(val), m = strlen(host);
    char *s = malloc(n + m + 2);
    if (s == NULL)
        return cli_usage_error(cmd, "--env", "out of memory", NULL);
    memcpy(s, val, n);
    s[n] = '=';
    memcpy(s + n + 1, host, m + 1);
    sb->env_owned[sb->nenv_owned++] = s;
    sb->env[sb->run.nenv++] = s;
    return -1;
}

int cli_sandbox_flag(cli_sandbox *sb, const char *flag, const char *val, const char *cmd)
{
    corral_run_options *r = &sb->run;
    char why[512];
    if (strcmp(flag, "--fuel") == 0) {
        if (!cli_parse_u64(val, &r->fuel))
            return cli_usage_error(cmd, flag, "invalid count", val);
        r->has_fuel = 1;
        sb->fuel_arg = val;
    } else if (strcmp(flag, "--max-memory") == 0) {
        if (!cli_parse_size(val, &r->max_memory))
            return cli_usage_error(cmd, flag, "invalid size", val);
        if (r->max_memory == 0)
            return cli_usage_error(cmd, flag, "must be more than 0, got", val);
        sb->memory_arg = val;
    } else if (strcmp(flag, "--max-stack") == 0) {
        if (!cli_parse_size(val, &r->max_stack))
            return cli_usage_error(cmd, flag, "invalid size", val);
        if (r->max_stack == 0)
            return cli_usage_error(cmd, flag, "must be more than 0, got", val);
        sb->stack_arg = val;
    } else if (strcmp(flag, "--timeout") == 0) {
        if (!cli_parse_duration(val, &r->timeout_ms))
            return cli_usage_error(cmd, flag, "invalid duration", val);
        sb->timeout_arg = val;
    } else if (strcmp(flag, "--work-dir") == 0) {
        if (val[0] == '\0')
            return cli_usage_error(cmd, flag, "empty directory", NULL);
        r->work_dir = val;
    } else if (strcmp(flag, "--cache-dir") == 0) {
        if (val[0] == '\0')
            return cli_usage_error(cmd, flag, "empty directory", NULL);
        r->cache_dir = val;
    } else if (strcmp(flag, "--map-dir") == 0) {
        int st = parse_map_dir(val, &sb->dirs[r->nmap_dirs], cmd);
        if (st >= 0)
            return st;
        r->nmap_dirs++;
    } else if (strcmp(flag, "--env") == 0) {
        return parse_env(sb, val, cmd);
    } else if (strcmp(flag, "--allow-host") == 0) {
        if (!net_policy_add_allow(&sb->policy, val, why, sizeof why))
            return cli_usage_error(cmd, flag, why, NULL);
        sb->allow[r->nallow_hosts++] = val;
    } else if (strcmp(flag, "--block-url") == 0) {
        if (!net_policy_add_block_url(&sb->policy, val, why, sizeof why))
            return cli_usage_error(cmd, flag, why, NULL);
        sb->block_url[r->nblock_urls++] = val;
    } else if (strcmp(flag, "--block-network") == 0) {
        if (!net_policy_add_block(&sb->policy, val, why, sizeof why))
            return cli_usage_error(cmd, flag, why, NULL);
        sb->block_net[r->nblock_networks++] = val;
    } else {
        return 0; /* not a sandbox flag */
    }
    return -1;
}

int cli_sandbox_tool_flag(cli_sandbox *sb, const char *flag, const char *val, const char *cmd)
{
    if (strcmp(flag, "--timeout") == 0 && strcmp(val, "none") == 0) {
        sb->no_timeout = 1;
        sb->run.timeout_ms = 0;
        sb->timeout_arg = val;
        return -1;
    }
    if (strcmp(flag, "--block-network") == 0) {
        sb->block_net_given = 1;
        if (strcmp(val, "none") == 0)
            return -1;
    }
    int st = cli_sandbox_flag(sb, flag, val, cmd);
    if (st < 0 && strcmp(flag, "--timeout") == 0)
        sb->no_timeout = 0;
    return st;
}

/* Limits of a tool call (docs/design.md, "Sandbox", `tool` column). */
#define TOOL_DEFAULT_MEMORY (UINT64_C(512) << 20)
#define TOOL_DEFAULT_STACK (UINT64_C(1) << 20)

int cli_sandbox_tool_defaults(cli_sandbox *sb, const char *cmd)
{
    corral_run_options *r = &sb->run;
    if (!sb->block_net_given) {
        static const char *const defaults[] = {"private", "link-local"};
        for (size_t k = 0; k < 2; k++) {
            int st = cli_sandbox_flag(sb, "--block-network", defaults[k], cmd);
            if (st >= 0)
                return st;
        }
        sb->block_net_given = 1;
    }
    if (r->max_memory == 0)
        r->max_memory = TOOL_DEFAULT_MEMORY;
    if (r->max_stack == 0)
        r->max_stack = TOOL_DEFAULT_STACK;
    if (r->work_dir == NULL) {
        char cwd[PATH_MAX];
        if (getcwd(cwd, sizeof cwd) == NULL || (sb->cwd = strdup(cwd)) == NULL) {
            fprintf(stderr, "corral: cannot get the current directory: %s\n", strerror(errno));
            return CLI_EXIT_USAGE;
        }
        r->work_dir = sb->cwd;
    }
    return -1;
}
