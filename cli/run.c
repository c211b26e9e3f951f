/*
 * run.c - `corral run [OPTIONS] MODULE.wasm [ARGS...]`.
 *
 * Parse and check the command line, read the module, and hand everything
 * to corral_run() (wasi/run.c), the one code path that embedders use too,
 * with stdin, stdout and stderr passed through.  Then report: the guest's
 * exit code, 134 after a trap (`Error: wasm trap: MESSAGE`), 1 when the
 * module cannot be read, loaded or linked, 2 for a bad command line
 * (DESIGN.md section 4).
 *
 * The network flags are parsed and validated here with net/policy.c, so a
 * bad pattern stops the command before anything runs.  The policy then
 * goes to a net context (net/net.h) whose imports ("corral_net": HTTP and
 * TCP sockets, ABI in tools/lib/corral_net.h) corral_run links through its
 * link hook; each denial is printed to stderr.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cli.h"
#include "net.h"
#include "policy.h"

static const char RUN_USAGE[] =
    "usage: corral run [OPTIONS] MODULE.wasm [ARGS...]\n"
    "\n"
    "Run a WebAssembly module in the sandbox: its _start export (a WASI\n"
    "command, which sees MODULE.wasm as argv[0] and ARGS after it), or with\n"
    "--invoke the export NAME, ARGS being its parameters.  The guest gets\n"
    "nothing it is not given: no files, an empty environment, no network.\n"
    "\n"
    "Files and environment:\n"
    "  --work-dir DIR          host DIR is the guest's / (read-write)\n"
    "  --map-dir HOST::GUEST[:ro]\n"
    "                          one more directory: host HOST seen as GUEST (/data,\n"
    "                          or a relative name like sandbox); :ro makes it\n"
    "                          read-only (repeatable)\n"
    "  --env NAME[=VALUE]      set a guest variable; NAME alone copies the host's\n"
    "                          value, if it has one (repeatable)\n"
    "\n"
    "Network (checked at start-up; default: deny everything; a guest reaches\n"
    "the network only through the corral_net imports, tools/lib/corral_net.h):\n"
    "  --allow-host PATTERN    allowed destination SCHEME://HOST[:PORT], e.g.\n"
    "                          https://api.example.com, https://*.example.com,\n"
    "                          *://10.0.0.0/8:8000..9000 (repeatable)\n"
    "  --block-url PREFIX      refuse HTTP requests whose URL starts with PREFIX\n"
    "                          (repeatable)\n"
    "  --block-network NET     block a CIDR (IPv4 or IPv6), private, loopback or\n"
    "                          link-local (repeatable)\n"
    "\n"
    "Limits:\n"
    "  --timeout DUR           wall-clock limit: 30, 30s, 500ms, 2m (default: none)\n"
    "  --max-memory SIZE       linear memory cap: bytes, or K/M/G (default: 4G)\n"
    "  --max-stack SIZE        wasm stack cap: bytes, or K/M/G (default: 1M)\n"
    "  --fuel N                instruction budget (default: unlimited)\n"
    "  --cache-dir DIR         reserved for a cache of lowered modules (accepted,\n"
    "                          not used yet)\n"
    "\n"
    "Other:\n"
    "  --invoke NAME           call export NAME with ARGS (i32/i64: decimal or 0x\n"
    "                          hex; f32/f64: decimal) and print its results\n"
    "  --stats                 print fuel used, wall time and peak memory to stderr\n"
    "                          (this turns fuel accounting on)\n"
    "  -h, --help              show this help\n"
    "  --                      end of options\n"
    "\n"
    "Flags take their value as --flag VALUE or --flag=VALUE.\n"
    "\n"
    "Exit status: the guest's exit code (0 when _start returns); 134 after a\n"
    "trap (including a timeout, exhausted fuel or stack), with\n"
    "'Error: wasm trap: MESSAGE' on stderr; 1 when the module cannot be read,\n"
    "loaded or linked; 2 for a bad command line.\n";

typedef struct {
    corral_run_options run;
    corral_run_dir *dirs;
    const char **env, **allow, **block_url, **block_net;
    char **env_owned; /* "NAME=VALUE" built from the host environment */
    size_t nenv_owned;
    int stats;
    const char *module;
    net_policy policy; /* validated network flags */
} run_opts;

static void free_opts(run_opts *o)
{
    for (size_t i = 0; i < o->nenv_owned; i++)
        free(o->env_owned[i]);
    free(o->env_owned);
    for (size_t i = 0; o->dirs != NULL && i < o->run.nmap_dirs; i++)
        free((void *)o->dirs[i].host); /* one block with the guest name */
    free(o->dirs);
    free(o->env);
    free(o->allow);
    free(o->block_url);
    free(o->block_net);
    free((void *)o->run.argv);
    net_policy_free(&o->policy);
}

/* ---- the command line ----------------------------------------------------- */

static int usage_error(const char *flag, const char *what, const char *value)
{
    if (value != NULL)
        fprintf(stderr, "corral: %s: %s '%s'\n", flag, what, value);
    else
        fprintf(stderr, "corral: %s: %s\n", flag, what);
    fprintf(stderr, "Try 'corral run --help'.\n");
    return CLI_EXIT_USAGE;
}

/* HOST::GUEST[:ro] */
static int parse_map_dir(const char *val, corral_run_dir *d)
{
    const char *sep = strstr(val, "::");
    if (sep == NULL || sep == val || sep[2] == '\0')
        return usage_error("--map-dir", "expected HOST::GUEST[:ro], got", val);
    size_t hlen = (size_t)(sep - val);
    const char *guest = sep + 2;
    size_t glen = strlen(guest);
    int ro = 0;
    if (glen > 3 && strcmp(guest + glen - 3, ":ro") == 0) {
        ro = 1;
        glen -= 3;
    }
    /* One block, "HOST\0GUEST\0", freed through host. */
    char *buf = malloc(hlen + glen + 2);
    if (buf == NULL)
        return usage_error("--map-dir", "out of memory", NULL);
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
static int parse_env(run_opts *o, const char *val)
{
    const char *eq = strchr(val, '=');
    if (val[0] == '\0' || eq == val)
        return usage_error("--env", "expected NAME[=VALUE], got", val);
    if (eq != NULL) {
        o->env[o->run.nenv++] = val;
        return -1;
    }
    const char *host = getenv(val);
    if (host == NULL)
        return -1;
    size_t n = strlen(val), m = strlen(host);
    char *s = malloc(n + m + 2);
    if (s == NULL)
        return usage_error("--env", "out of memory", NULL);
    memcpy(s, val, n);
    s[n] = '=';
    memcpy(s + n + 1, host, m + 1);
    o->env_owned[o->nenv_owned++] = s;
    o->env[o->run.nenv++] = s;
    return -1;
}

static const char *const VALUE_FLAGS[] = {
    "--work-dir", "--map-dir", "--env", "--allow-host", "--block-url", "--block-network",
    "--timeout", "--max-memory", "--max-stack", "--fuel", "--cache-dir", "--invoke",
};

/* Fill o from argv (argv[0] is "run").  Returns -1 to go on, or the exit
 * status to stop with (0 after --help). */
static int parse_args(int argc, char **argv, run_opts *o)
{
    size_t cap = (size_t)argc + 1;
    o->dirs = calloc(cap, sizeof *o->dirs);
    o->env = calloc(cap, sizeof *o->env);
    o->env_owned = calloc(cap, sizeof *o->env_owned);
    o->allow = calloc(cap, sizeof *o->allow);
    o->block_url = calloc(cap, sizeof *o->block_url);
    o->block_net = calloc(cap, sizeof *o->block_net);
    if (o->dirs == NULL || o->env == NULL || o->env_owned == NULL || o->allow == NULL ||
        o->block_url == NULL || o->block_net == NULL)
        return usage_error("run", "out of memory", NULL);
    o->run.map_dirs = o->dirs;
    o->run.env = o->env;
    o->run.allow_hosts = o->allow;
    o->run.block_urls = o->block_url;
    o->run.block_networks = o->block_net;
    char why[512];

    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(RUN_USAGE, stdout);
            return CLI_EXIT_OK;
        }
        if (a[0] != '-' || a[1] == '\0')
            break; /* the module; the rest belongs to the guest */
        if (strcmp(a, "--stats") == 0) {
            o->stats = 1;
            continue;
        }
        /* Every other flag takes a value: --flag VALUE or --flag=VALUE. */
        const char *eq = strchr(a, '='), *val, *flag = NULL;
        size_t n = eq != NULL ? (size_t)(eq - a) : strlen(a);
        for (size_t k = 0; k < sizeof VALUE_FLAGS / sizeof VALUE_FLAGS[0]; k++)
            if (strlen(VALUE_FLAGS[k]) == n && strncmp(a, VALUE_FLAGS[k], n) == 0)
                flag = VALUE_FLAGS[k];
        if (flag == NULL)
            return usage_error(a, "unknown option", NULL);
        if (eq != NULL)
            val = eq + 1;
        else if (i + 1 < argc)
            val = argv[++i];
        else
            return usage_error(flag, "missing value", NULL);

        int st = -1;
        if (strcmp(flag, "--fuel") == 0) {
            if (!cli_parse_u64(val, &o->run.fuel))
                return usage_error(flag, "invalid count", val);
            o->run.has_fuel = 1;
        } else if (strcmp(flag, "--max-memory") == 0) {
            if (!cli_parse_size(val, &o->run.max_memory))
                return usage_error(flag, "invalid size", val);
            if (o->run.max_memory == 0)
                return usage_error(flag, "must be more than 0, got", val);
        } else if (strcmp(flag, "--max-stack") == 0) {
            if (!cli_parse_size(val, &o->run.max_stack))
                return usage_error(flag, "invalid size", val);
            if (o->run.max_stack == 0)
                return usage_error(flag, "must be more than 0, got", val);
        } else if (strcmp(flag, "--timeout") == 0) {
            if (!cli_parse_duration(val, &o->run.timeout_ms))
                return usage_error(flag, "invalid duration", val);
        } else if (strcmp(flag, "--invoke") == 0) {
            if (val[0] == '\0')
                return usage_error(flag, "empty export name", NULL);
            o->run.invoke = val;
        } else if (strcmp(flag, "--work-dir") == 0) {
            if (val[0] == '\0')
                return usage_error(flag, "empty directory", NULL);
            o->run.work_dir = val;
        } else if (strcmp(flag, "--cache-dir") == 0) {
            if (val[0] == '\0')
                return usage_error(flag, "empty directory", NULL);
            o->run.cache_dir = val;
        } else if (strcmp(flag, "--map-dir") == 0) {
            st = parse_map_dir(val, &o->dirs[o->run.nmap_dirs]);
            if (st < 0)
                o->run.nmap_dirs++;
        } else if (strcmp(flag, "--env") == 0) {
            st = parse_env(o, val);
        } else if (strcmp(flag, "--allow-host") == 0) {
            if (!net_policy_add_allow(&o->policy, val, why, sizeof why))
                return usage_error(flag, why, NULL);
            o->allow[o->run.nallow_hosts++] = val;
        } else if (strcmp(flag, "--block-url") == 0) {
            if (!net_policy_add_block_url(&o->policy, val, why, sizeof why))
                return usage_error(flag, why, NULL);
            o->block_url[o->run.nblock_urls++] = val;
        } else {
            if (!net_policy_add_block(&o->policy, val, why, sizeof why))
                return usage_error(flag, why, NULL);
            o->block_net[o->run.nblock_networks++] = val;
        }
        if (st >= 0)
            return st;
    }
    if (i >= argc)
        return usage_error("run", "missing MODULE.wasm", NULL);
    o->module = argv[i];
    /* The guest's argv: MODULE as given (as Wasmtime does), then the rest. */
    const char **gargv = calloc((size_t)(argc - i) + 1, sizeof *gargv);
    if (gargv == NULL)
        return usage_error("run", "out of memory", NULL);
    for (int k = i; k < argc; k++)
        gargv[k - i] = argv[k];
    o->run.argv = gargv;
    o->run.argc = (size_t)(argc - i);
    if (o->run.invoke != NULL) {
        o->run.invoke_args = gargv + 1;
        o->run.ninvoke_args = o->run.argc - 1;
    }
    return -1;
}

/* ---- reading the module ----------------------------------------------------- */

/* The whole file (or stream) at path.  Returns NULL with errno set. */
uint8_t *cli_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf != NULL) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        uint8_t *bigger = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
        if (bigger == NULL) {
            free(buf);
            buf = NULL;
            errno = ENOMEM;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    if (buf != NULL && ferror(f)) {
        int e = errno;
        free(buf);
        buf = NULL;
        errno = e != 0 ? e : EIO;
    }
    fclose(f);
    *len = n;
    return buf;
}

/* ---- reporting ---------------------------------------------------------------- */

static void print_bytes(FILE *f, uint64_t n)
{
    if (n >= (UINT64_C(1) << 20))
        fprintf(f, "%.1f MiB", (double)n / (1 << 20));
    else if (n >= 1024)
        fprintf(f, "%.1f KiB", (double)n / 1024);
    else
        fprintf(f, "%" PRIu64 " B", n);
}

static void print_stats(const corral_run_result *r)
{
    struct rusage ru;
    fprintf(stderr, "fuel used:   %" PRIu64 "\n", r->fuel_used);
    fprintf(stderr, "wall time:   %.3f ms (load %.3f ms, run %.3f ms)\n", r->elapsed_ms,
            r->load_ms, r->elapsed_ms - r->load_ms);
    fputs("peak memory: ", stderr);
    print_bytes(stderr, r->peak_memory_bytes);
    fputs(" linear", stderr);
    if (getrusage(RUSAGE_SELF, &ru) == 0) {
        fputs(", host RSS ", stderr); /* ru_maxrss is in KiB on Linux and the BSDs */
        print_bytes(stderr, (uint64_t)ru.ru_maxrss * 1024);
    }
    fputc('\n', stderr);
}

/* A network denial, in DESIGN.md section 5's words. */
static void print_denial(void *env, const char *msg)
{
    (void)env;
    fflush(stdout);
    fprintf(stderr, "%s\n", msg);
}

int cli_run(int argc, char **argv)
{
    run_opts o;
    memset(&o, 0, sizeof o);
    net_policy_init(&o.policy);
    int status = parse_args(argc, argv, &o);
    if (status >= 0) {
        free_opts(&o);
        return status;
    }
    o.run.inherit_stdin = 1;
    o.run.capture_cap = 0; /* pass stdout and stderr through */
    o.run.measure_fuel = o.stats;

    size_t len = 0;
    uint8_t *bytes = cli_read_file(o.module, &len);
    if (bytes == NULL) {
        fprintf(stderr, "Error: failed to load %s: %s\n", o.module, strerror(errno));
        free_opts(&o);
        return CLI_EXIT_FAIL;
    }
    /* A guest writing to a closed pipe gets EPIPE, not a dead host. */
    signal(SIGPIPE, SIG_IGN);

    /* The guest's network: the policy of the flags, the run's deadline. */
    net_config nc = {.policy = &o.policy, .run_timeout_ms = o.run.timeout_ms,
                     .log = print_denial};
    net_ctx *net = net_new(&nc);
    if (net == NULL) {
        fprintf(stderr, "corral: out of memory\n");
        free(bytes);
        free_opts(&o);
        return CLI_EXIT_FAIL;
    }
    o.run.link = net_link;
    o.run.link_env = net;

    corral_run_result r;
    status = corral_run(bytes, len, &o.run, &r);
    net_free(net); /* closes what the guest left open */
    switch (r.outcome) {
    case CORRAL_RUN_EXITED:
        for (uint32_t i = 0; i < r.nresults; i++)
            cli_print_val(&r.results[i]);
        fflush(stdout);
        break;
    case CORRAL_RUN_TRAPPED:
        fflush(stdout);
        fprintf(stderr, "Error: wasm trap: %s\n", r.trap);
        break;
    case CORRAL_RUN_LOAD_ERROR:
        fprintf(stderr, "Error: failed to run %s: %s\n", o.module, r.error);
        break;
    case CORRAL_RUN_BAD_OPTION:
        fprintf(stderr, "corral: %s\n", r.error);
        break;
    }
    if (o.stats)
        print_stats(&r);
    corral_run_result_free(&r);
    free(bytes);
    free_opts(&o);
    return status;
}
