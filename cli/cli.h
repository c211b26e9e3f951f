/*
 * cli.h - what the files of the corral command share.
 *
 * cli/ is the only layer that talks to the user: it parses flags, reads
 * files, prints results and chooses exit statuses.  It sees the engine only
 * through include/corral.h.
 */
#ifndef CLI_H
#define CLI_H

#include <stddef.h>
#include <stdint.h>

#include "corral.h"
#include "policy.h"

/* Exit statuses of the command (docs/design.md, "Sandbox"). */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_FAIL = 1,  /* the module could not be read, loaded or linked */
    CLI_EXIT_USAGE = 2, /* a bad flag or value on the command line */
    CLI_EXIT_TRAP = 134 /* the guest trapped (also timeout, fuel, stack) */
};

/* main's argv[0], for finding the binary where /proc/self/exe is missing
 * (host.c). */
extern const char *cli_argv0;

/* Subcommands: argv[0] is the subcommand's name. */
int cli_run(int argc, char **argv);
int cli_disasm(int argc, char **argv);
int cli_tool(int argc, char **argv);  /* corral tool NAME [JSON | -] (tool.c) */
int cli_tools(int argc, char **argv); /* corral tools */
int cli_mcp(int argc, char **argv);   /* corral mcp: the MCP server (mcp.c) */
int cli_snapshot(int argc, char **argv); /* corral snapshot IN OUT (snapshot.c) */

/* tools/manifest.json, embedded by the build (build/.../gen/manifest.c):
 * cli_manifest_len bytes, then a NUL. */
extern const unsigned char cli_manifest_json[];
extern const size_t cli_manifest_len;

/* ---- option values (opts.c) -------------------------------------------
 * Each returns 1 on success, 0 on a malformed or out-of-range value.  */

/* A non-negative decimal integer that fits in 64 bits. */
int cli_parse_u64(const char *s, uint64_t *out);
/* A byte count: N with an optional K, M or G suffix (powers of 1024,
 * case-insensitive). */
int cli_parse_size(const char *s, uint64_t *out);
/* A positive duration in milliseconds: N (seconds), Ns, Nms or Nm. */
int cli_parse_duration(const char *s, uint64_t *ms);

/* ---- the sandbox's flags (sandbox.c) -----------------------------------
 * --work-dir --map-dir --env --allow-host --block-url --block-network
 * --timeout --max-memory --max-stack --fuel --cache-dir, shared by
 * `corral run` and `corral tool`.  Every function that can fail prints
 * "corral: FLAG: WHAT ['VALUE']" and "Try 'corral CMD --help'." to stderr
 * and returns CLI_EXIT_USAGE; -1 means go on. */

typedef struct {
    corral_run_options run; /* points into the arrays below */
    corral_run_dir *dirs;
    const char **env, **allow, **block_url, **block_net;
    char **env_owned; /* "NAME=VALUE" built from the host environment */
    size_t nenv_owned;
    /* The limit flags as given (NULL: not given), to name them in messages. */
    const char *timeout_arg, *memory_arg, *stack_arg, *fuel_arg;
    net_policy policy; /* the validated network flags */
    /* Tool calls (cli_sandbox_tool_flag): --timeout none was the last
     * --timeout; a --block-network was given (it replaces the defaults). */
    int no_timeout, block_net_given;
    char *cwd; /* the current directory, when it is the default work dir */
} cli_sandbox;

/* The usage error above, for any flag of command cmd ("run", "tool"). */
int cli_usage_error(const char *cmd, const char *flag, const char *what, const char *value);
/* Empty controls with room for argc entries of each kind (plus two).
 * Returns -1, or an exit status; call cli_sandbox_free either way. */
int cli_sandbox_init(cli_sandbox *sb, int argc, const char *cmd);
void cli_sandbox_free(cli_sandbox *sb);
/* argv[*i] is an option: if it is a sandbox flag or extra (the command's
 * own value flag, or NULL), as --flag VALUE or --flag=VALUE, set *flag
 * (a static string) and *value, advance *i past a separate value, and
 * return -1; return 0 when it is neither, or an exit status when the value
 * is missing. */
int cli_sandbox_split(int argc, char **argv, int *i, const char *extra, const char **flag,
                      const char **value, const char *cmd);
/* Apply flag (as set by cli_sandbox_split) with value.  Returns -1 when
 * done, 0 when flag is not a sandbox flag, or an exit status. */
int cli_sandbox_flag(cli_sandbox *sb, const char *flag, const char *value, const char *cmd);
/* The same with what a tool call adds: `--timeout none` and
 * `--block-network none`. */
int cli_sandbox_tool_flag(cli_sandbox *sb, const char *flag, const char *value, const char *cmd);
/* After the flags: the defaults of a tool call (docs/design.md, "Sandbox") for
 * what was not given: the current directory as the work dir, private and
 * link-local networks blocked, 512 MiB of memory, 1 MiB of stack.  -1, or
 * an exit status after a message. */
int cli_sandbox_tool_defaults(cli_sandbox *sb, const char *cmd);

/* ---- results of --invoke (values.c) ------------------------------------*/

/* Print v on its own line to stdout. */
void cli_print_val(const corral_val *v);

#endif
