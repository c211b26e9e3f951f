/*
 * run.c - `corral run [OPTIONS] MODULE.wasm [ARGS...]`.
 *
 * Parse and check the command line, read the module, and hand everything
 * to corral_run() (wasi/run.c), the one code path that embedders use too,
 * with stdin, stdout and stderr passed through.  Then report: the guest's
 * exit code, 134 after a trap (`Error: wasm trap: MESSAGE`, then the wasm
 * frames where it happened, `  at func N ($name) offset 0x...`), 1 when the
 * module cannot be read, loaded or linked, 2 for a bad command line
 * (docs/design.md, "Sandbox").
 *
 * The sandbox's flags are parsed by sandbox.c, which validates the network
 * flags with net/policy.c, so a bad pattern stops the command before
 * anything runs.  The policy then goes to a net context (net/net.h) whose
 * imports ("corral_net": HTTP and TCP sockets, ABI in
 * include/corral_net.h) corral_run links through its link hook; each
 * denial is printed to stderr.
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
    "the network only through the corral_net imports, include/corral_net.h):\n"
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
    "  --cache-dir DIR         keep the lowered module in DIR (made 0700 if\n"
    "                          missing) and load it from there next time\n"
    "\n"
    "Other:\n"
    "  --invoke NAME           call export NAME with ARGS (i32/i64: decimal or 0x\n"
    "                          hex; f32/f64: decimal; v128: 0x and up to 32 hex\n"
    "                          digits, lane 0 the low byte) and print its results\n"
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
    cli_sandbox sb; /* the sandbox's flags (sandbox.c) */
    int stats;
    const char *module;
} run_opts;

static void free_opts(run_opts *o)
{
    free((void *)o->sb.run.argv);
    cli_sandbox_free(&o->sb);
}

/* ---- the command line ----------------------------------------------------- */

static int usage_error(const char *flag, const char *what, const char *value)
{
    return cli_usage_error("run", flag, what, value);
}

/* Fill o from argv (argv[0] is "run").  Returns -1 to go on, or the exit
 * status to stop with (0 after --help). */
static int parse_args(int argc, char **argv, run_opts *o)
{
    corral_run_options *r = &o->sb.run;
    int st = cli_sandbox_init(&o->sb, argc, "run");
    if (st >= 0)
        return st;

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
        const char *flag, *val;
        st = cli_sandbox_split(argc, argv, &i, "--invoke", &flag, &val, "run");
        if (st == 0)
            return usage_error(a, "unknown option", NULL);
        if (st < 0)
            st = cli_sandbox_flag(&o->sb, flag, val, "run");
        if (st == 0) { /* --invoke */
            if (val[0] == '\0')
                return usage_error(flag, "empty export name", NULL);
            r->invoke = val;
        } else if (st > 0) {
            return st;
        }
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
    r->argv = gargv;
    r->argc = (size_t)(argc - i);
    if (r->invoke != NULL) {
        r->invoke_args = gargv + 1;
        r->ninvoke_args = r->argc - 1;
    }
    return -1;
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

/* Where the trap happened, below its message: the wasm frames,
 * innermost first, as "  at func 3 ($divide) offset 0x2a1". */
static void print_frames(const corral_run_result *r)
{
    char line[512];
    size_t n = corral_frames_format(r->frames, r->nframes, r->frames_total, line, sizeof line);
    if (n < sizeof line) {
        fputs(line, stderr);
        return;
    }
    char *text = malloc(n + 1);
    if (text == NULL) {
        fputs(line, stderr); /* the first lines, at least */
        return;
    }
    corral_frames_format(r->frames, r->nframes, r->frames_total, text, n + 1);
    fputs(text, stderr);
    free(text);
}

static void print_stats(const corral_run_result *r)
{
    struct rusage ru;
    fprintf(stderr, "fuel used:   %" PRIu64 "\n", r->fuel_used);
    fprintf(stderr, "wall time:   %.3f ms (load %.3f ms, run %.3f ms)\n", r->elapsed_ms,
            r->load_ms, r->elapsed_ms - r->load_ms);
    fprintf(stderr, "start:       %.3f ms to the first guest instruction\n", r->start_ms);
    fprintf(stderr, "cache:       %s\n",
            r->cache < 0 ? "off" : r->cache ? "hit" : "miss");
    fputs("peak memory: ", stderr);
    print_bytes(stderr, r->peak_memory_bytes);
    fputs(" linear", stderr);
    if (getrusage(RUSAGE_SELF, &ru) == 0) {
        fputs(", host RSS ", stderr); /* ru_maxrss is in KiB on Linux and the BSDs */
        print_bytes(stderr, (uint64_t)ru.ru_maxrss * 1024);
    }
    fputc('\n', stderr);
}

/* A network denial, in the words of docs/policy.md, "Denials". */
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
    int status = parse_args(argc, argv, &o);
    if (status >= 0) {
        free_opts(&o);
        return status;
    }
    o.sb.run.inherit_stdin = 1;
    o.sb.run.capture_cap = 0; /* pass stdout and stderr through */
    o.sb.run.measure_fuel = o.stats;

    size_t len = 0;
    corral_file_id file;
    uint8_t *bytes = NULL;
    if (o.sb.run.cache_dir != NULL) {
        /* through the cache, corral_run reads the file only if it must */
        o.sb.run.module_path = o.module;
    } else if ((bytes = corral_read_file(o.module, &len, &file)) != NULL) {
        o.sb.run.module_file = &file;
    } else {
        fprintf(stderr, "Error: failed to load %s: %s\n", o.module, strerror(errno));
        free_opts(&o);
        return CLI_EXIT_FAIL;
    }
    /* A guest writing to a closed pipe gets EPIPE, not a dead host. */
    signal(SIGPIPE, SIG_IGN);

    /* The guest's network: the policy of the flags, the run's deadline. */
    net_config nc = {.policy = &o.sb.policy, .run_timeout_ms = o.sb.run.timeout_ms,
                     .log = print_denial};
    net_ctx *net = net_new(&nc);
    if (net == NULL) {
        fprintf(stderr, "corral: out of memory\n");
        free(bytes);
        free_opts(&o);
        return CLI_EXIT_FAIL;
    }
    o.sb.run.link = net_link;
    o.sb.run.link_env = net;

    corral_run_result r;
    status = corral_run(bytes, len, &o.sb.run, &r);
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
        print_frames(&r);
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
