/*
 * tool.c - `corral tools` and `corral tool NAME [JSON | -]` (docs/tools.md).
 *
 * tools/manifest.json (manifest.c) is the one list of tools.
 *
 * `corral tool` parses its command line into a sandbox with the `tool`
 * defaults of docs/design.md, "Sandbox" (sandbox.c: the current directory as
 * the guest's /, an empty environment, no network except what
 * --allow-host allows, private and link-local networks blocked, 30 s,
 * 512 MiB of memory, 1 MiB of stack, fuel measured but not limited),
 * reads the input, and hands both to the tool host (host.c), which checks
 * the input, runs the tool and makes the one result; it prints that
 * result as exactly one JSON object on stdout.
 * Exit status: 0, or 1 when the printed result has is_error true; 2 for a
 * bad command line (a harness error, not a tool result).
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

static const char TOOL_USAGE[] =
    "usage: corral tool [OPTIONS] NAME [JSON | -]\n"
    "\n"
    "Run the agent tool NAME in the sandbox with JSON (a JSON object) as its\n"
    "input; '-' reads the input from stdin, and no JSON means {}.  The input is\n"
    "checked against the tool's schema first (corral tools prints them all).\n"
    "Prints exactly one JSON object: the tool's result with metadata.sandbox =\n"
    "{fuel_used, elapsed_ms, peak_memory_bytes} added, or is_error true with a\n"
    "message naming the rule or limit that stopped the call.\n"
    "\n"
    "Options (the flags of corral run, with the defaults of a tool call):\n"
    "  --work-dir DIR          host DIR is the guest's / (default: the current\n"
    "                          directory)\n"
    "  --map-dir HOST::GUEST[:ro]\n"
    "                          one more directory (repeatable)\n"
    "  --env NAME[=VALUE]      a guest variable (default: empty environment)\n"
    "  --allow-host PATTERN    allowed destination SCHEME://HOST[:PORT]\n"
    "                          (repeatable; default: deny all)\n"
    "  --block-url PREFIX      refuse HTTP requests whose URL starts with PREFIX\n"
    "  --block-network NET     a blocked CIDR, private, loopback or link-local;\n"
    "                          the first one replaces the default (private and\n"
    "                          link-local), 'none' blocks nothing (repeatable)\n"
    "  --timeout DUR           wall-clock limit, or none (default: 30s; for bash\n"
    "                          and web-fetch, their timeout input plus 2 s)\n"
    "  --max-memory SIZE       linear memory cap (default: 512M)\n"
    "  --max-stack SIZE        wasm stack cap (default: 1M)\n"
    "  --fuel N                instruction budget (default: unlimited, measured)\n"
    "  --cache-dir DIR         keep the lowered tool modules in DIR (0700)\n"
    "  --tools-dir DIR         where the tool modules are (default: $CORRAL_TOOLS_DIR,\n"
    "                          else ../lib/corral/tools beside the corral binary\n"
    "                          (installed) or ../wasm/tools (the build tree))\n"
    "  --pretty                indent the printed JSON\n"
    "  --stats                 print fuel used, wall time and peak memory to stderr\n"
    "  -h, --help              show this help (corral tool NAME --help: the tool's\n"
    "                          description and inputs)\n"
    "\n"
    "Exit status: 0; 1 when the result has is_error true; 2 for a bad command\n"
    "line.\n"
    "\n"
    "Tools:\n";

static const char TOOLS_USAGE[] =
    "usage: corral tools [--compact] [NAME...]\n"
    "\n"
    "Print the agent tools as a JSON array of {name, description, input_schema,\n"
    "permission}, ready to hand to an LLM as tool definitions (NAME...: only\n"
    "those tools).  permission is read-only, write, execute or network.\n";

/* ---- corral tools ------------------------------------------------------------------------------ */

int cli_tools(int argc, char **argv)
{
    int compact = 0, status = CLI_EXIT_OK;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(TOOLS_USAGE, stdout);
            return CLI_EXIT_OK;
        }
        if (strcmp(argv[i], "--compact") == 0)
            compact = 1;
        else if (argv[i][0] == '-') {
            fprintf(stderr, "corral: %s: unknown option\nTry 'corral tools --help'.\n", argv[i]);
            return CLI_EXIT_USAGE;
        }
    }
    json_t *m = cli_manifest_load();
    if (m == NULL)
        return CLI_EXIT_FAIL;
    json_t *out = json_array();
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(m, "tools"), i, t) {
        int wanted = 1;
        for (int k = 1; k < argc; k++) {
            if (argv[k][0] == '-')
                continue;
            wanted = 0;
            if (strcmp(argv[k], cli_tool_str(t, "name")) == 0) {
                wanted = 1;
                break;
            }
        }
        if (!wanted)
            continue;
        json_t *d = json_object();
        json_object_set(d, "name", json_object_get(t, "name"));
        json_object_set(d, "description", json_object_get(t, "description"));
        json_object_set(d, "input_schema", json_object_get(t, "input_schema"));
        json_object_set(d, "permission", json_object_get(t, "permission"));
        json_array_append_new(out, d);
    }
    for (int k = 1; k < argc; k++) {
        if (argv[k][0] != '-' && cli_manifest_tool(m, argv[k]) == NULL) {
            sbuf b = {0};
            cli_sb_tool_names(&b, m);
            fprintf(stderr, "corral: unknown tool '%s'; the tools are: %s\n", argv[k], sb_str(&b));
            free(b.p);
            status = CLI_EXIT_USAGE;
        }
    }
    if (status == CLI_EXIT_OK) {
        json_dumpf(out, stdout, compact ? JSON_COMPACT : JSON_INDENT(2));
        fputc('\n', stdout);
        if (fflush(stdout) != 0)
            status = CLI_EXIT_FAIL;
    }
    json_decref(out);
    json_decref(m);
    return status;
}

/* Print r (consumed) as the one result; returns the exit status. */
static int emit(json_t *r, int pretty)
{
    int is_error = json_is_true(json_object_get(r, "is_error"));
    size_t flags = TOOL_JSON_FLAGS | (pretty ? JSON_INDENT(2) : JSON_COMPACT);
    int st = json_dumpf(r, stdout, flags);
    fputc('\n', stdout);
    json_decref(r);
    if (fflush(stdout) != 0 || st != 0)
        return CLI_EXIT_FAIL;
    return is_error ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

/* ---- the command line --------------------------------------------------------------------------- */

typedef struct {
    cli_sandbox sb; /* the sandbox's flags (sandbox.c) */
    const char *tools_dir;
    int pretty, stats, help;
    const char *name, *input_arg;
} tool_opts;

static int usage_error(const char *flag, const char *what, const char *value)
{
    return cli_usage_error("tool", flag, what, value);
}

/* Fill o from argv (argv[0] is "tool").  Flags may come before or after
 * NAME and JSON; "--" ends them.  Returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, tool_opts *o)
{
    int st = cli_sandbox_init(&o->sb, argc, "tool");
    if (st >= 0)
        return st;
    int npos = 0, options_done = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!options_done && strcmp(a, "--") == 0) {
            options_done = 1;
            continue;
        }
        if (options_done || a[0] != '-' || strcmp(a, "-") == 0) {
            if (npos == 0)
                o->name = a;
            else if (npos == 1)
                o->input_arg = a;
            else
                return usage_error("tool", "unexpected argument (the input is one JSON argument)",
                                   NULL);
            npos++;
            continue;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            o->help = 1;
            continue;
        }
        if (strcmp(a, "--stats") == 0) {
            o->stats = 1;
            continue;
        }
        if (strcmp(a, "--pretty") == 0) {
            o->pretty = 1;
            continue;
        }
        const char *flag, *val;
        st = cli_sandbox_split(argc, argv, &i, "--tools-dir", &flag, &val, "tool");
        if (st == 0) {
            if (strcmp(a, "--invoke") == 0 || strncmp(a, "--invoke=", 9) == 0)
                return usage_error(a, "not for tools: a tool runs its _start", NULL);
            return usage_error(a, "unknown option", NULL);
        }
        if (st > 0)
            return st;

        st = cli_sandbox_tool_flag(&o->sb, flag, val, "tool");
        if (st == 0) { /* --tools-dir */
            if (val[0] == '\0')
                return usage_error(flag, "empty directory", NULL);
            o->tools_dir = val;
        } else if (st > 0) {
            return st;
        }
    }
    return -1;
}

/* ---- help ----------------------------------------------------------------------------------------- */

/* The first sentence of s: up to a ". " that a letter follows. */
static void sb_first_sentence(sbuf *b, const char *s)
{
    const char *end = s;
    while ((end = strstr(end, ". ")) != NULL && !isalpha((unsigned char)end[2]))
        end += 2;
    int n = end != NULL ? (int)(end - s) + 1 : (int)strlen(s);
    sb_printf(b, "%.*s", n, s);
}

static void print_help(json_t *m, json_t *tool)
{
    sbuf b = {0};
    size_t i;
    json_t *t;
    if (tool == NULL) {
        fputs(TOOL_USAGE, stdout);
        json_array_foreach(json_object_get(m, "tools"), i, t) {
            b.len = 0;
            sb_first_sentence(&b, cli_tool_str(t, "description"));
            printf("  %-10s %-9s  %s\n", cli_tool_str(t, "name"), cli_tool_str(t, "permission"),
                   sb_str(&b));
        }
        free(b.p);
        return;
    }
    printf("corral tool %s [JSON | -]   (%s, permission %s)\n\n%s\n\nInput keys:\n",
           cli_tool_str(tool, "name"), cli_tool_str(tool, "file"), cli_tool_str(tool, "permission"),
           cli_tool_str(tool, "description"));
    json_t *schema = json_object_get(tool, "input_schema");
    const char *k;
    json_t *ps;
    json_object_foreach(json_object_get(schema, "properties"), k, ps) {
        int req = 0;
        json_array_foreach(json_object_get(schema, "required"), i, t) {
            if (strcmp(json_string_value(t), k) == 0)
                req = 1;
        }
        b.len = 0;
        if (b.p != NULL)
            b.p[0] = '\0';
        cli_sb_type(&b, ps);
        char *def = json_object_get(ps, "default") != NULL
                        ? json_dumps(json_object_get(ps, "default"), JSON_ENCODE_ANY)
                        : NULL;
        printf("  %-20s %s%s%s%s: %s\n", k, sb_str(&b), req ? ", required" : "",
               def != NULL ? ", default " : "", def != NULL ? def : "",
               json_string_value(json_object_get(ps, "description")) != NULL
                   ? json_string_value(json_object_get(ps, "description"))
                   : "");
        free(def);
    }
    json_t *one = json_object_get(tool, "one_of_required");
    if (one != NULL) {
        printf("Give exactly one of:");
        json_array_foreach(one, i, t) {
            printf(" %s", json_string_value(t));
        }
        printf(".\n");
    }
    free(b.p);
}

/* Read all of stdin (at most TOOL_INPUT_MAX bytes). */
static char *read_stdin(size_t *len, int *too_big)
{
    size_t cap = 1 << 14, n = 0;
    char *buf = malloc(cap);
    *too_big = 0;
    while (buf != NULL) {
        n += fread(buf + n, 1, cap - n, stdin);
        if (n < cap)
            break;
        if (n > TOOL_INPUT_MAX) {
            *too_big = 1;
            break;
        }
        /* room for one byte past the limit, to tell "exactly" from "more" */
        size_t more = cap * 2 < TOOL_INPUT_MAX + 1 ? cap * 2 : TOOL_INPUT_MAX + 1;
        char *bigger = realloc(buf, more);
        if (bigger == NULL) {
            free(buf);
            return NULL;
        }
        buf = bigger;
        cap = more;
    }
    if (buf != NULL && ferror(stdin)) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

/* ---- corral tool ----------------------------------------------------------------------------------- */

int cli_tool(int argc, char **argv)
{
    tool_opts o;
    memset(&o, 0, sizeof o);
    int status = parse_args(argc, argv, &o);
    json_t *m = NULL, *input = NULL, *res = NULL;
    cli_host *host = NULL;
    char *text = NULL;
    if (status >= 0)
        goto out;
    status = CLI_EXIT_FAIL;
    /* A call parses only its tool's entry; help and an unknown name, all. */
    if (o.name != NULL && !o.help)
        m = cli_manifest_load_tool(o.name);
    if (m == NULL)
        m = cli_manifest_load();
    if (m == NULL)
        goto out;
    json_t *tool = o.name != NULL ? cli_manifest_tool(m, o.name) : NULL;
    if (o.help) {
        print_help(m, tool);
        status = CLI_EXIT_OK;
        goto out;
    }
    if (o.name == NULL) {
        status = usage_error("tool", "missing the tool NAME", NULL);
        goto out;
    }
    if (tool == NULL) {
        sbuf b = {0};
        sb_printf(&b, "unknown tool '%s'; the tools are: ", o.name);
        cli_sb_tool_names(&b, m);
        res = cli_error_result("unknown_tool", sb_str(&b));
        free(b.p);
        goto print;
    }

    /* The input: the argument, stdin for "-", {} when absent. */
    size_t len = 2;
    if (o.input_arg == NULL) {
        text = strdup("{}");
    } else if (strcmp(o.input_arg, "-") == 0) {
        int too_big = 0;
        text = read_stdin(&len, &too_big);
        if (text == NULL) {
            fprintf(stderr, "corral: cannot read the input from stdin: %s\n", strerror(errno));
            goto out;
        }
        if (too_big) {
            sbuf b = {0};
            sb_printf(&b, "%s: the input is larger than ", o.name);
            sb_size(&b, TOOL_INPUT_MAX);
            res = cli_error_result("invalid_input", sb_str(&b));
            free(b.p);
            goto print;
        }
    } else {
        len = strlen(o.input_arg);
        text = strdup(o.input_arg);
    }
    if (text == NULL)
        goto out;
    char *msg = NULL;
    input = cli_input_parse(tool, text, len, &msg);
    if (input == NULL) {
        res = cli_error_result("invalid_input", msg != NULL ? msg : "out of memory");
        free(msg);
        goto print;
    }
    int st = cli_sandbox_tool_defaults(&o.sb, "tool");
    if (st >= 0) {
        status = st;
        goto out;
    }
    host = cli_host_new(m, o.tools_dir);
    if (host == NULL || !cli_host_set_cache_dir(host, o.sb.run.cache_dir)) {
        fprintf(stderr, "corral: out of memory\n");
        goto out;
    }
    cli_call_hooks hooks = {.stats = o.stats, .echo_stderr = 1};
    int bad_option = 0;
    res = cli_host_call(host, tool, input, &o.sb, &hooks, &bad_option);
    input = NULL; /* the host took it */
    if (bad_option) {
        fprintf(stderr, "corral: %s\n", json_string_value(json_object_get(res, "content")));
        json_decref(res);
        status = CLI_EXIT_USAGE;
        goto out;
    }
print:
    status = emit(res, o.pretty);
out:
    json_decref(input);
    cli_host_free(host);
    json_decref(m);
    free(text);
    cli_sandbox_free(&o.sb);
    return status;
}
