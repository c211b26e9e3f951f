/*
 * host.h - the tool host: what `corral tool` and `corral mcp` share.
 *
 *   manifest.c  tools/manifest.json (embedded): load, check, look up
 *   validate.c  a tool's input against its input_schema, one message
 *   host.c      the loaded modules, and one call in a sandbox of its own
 *               giving one result
 *
 * A result is the JSON object `corral tool` prints: {"content": "...",
 * "is_error": BOOL, "metadata": {...}} with metadata.sandbox added once
 * the tool ran, or metadata.error naming what corral itself reported;
 * always those three keys with those types (a tool's output without them
 * is bad_output).
 *
 * Threads: a cli_host may serve calls from many threads at once.  Each
 * call gets its own store, instance, WASI context, fd table, limits,
 * network context and result; the host shares only the immutable modules
 * (each decoded, validated and lowered once, the first time it is used)
 * and the manifest, which nobody writes after loading.
 */
#ifndef CLI_HOST_H
#define CLI_HOST_H

#include <jansson.h>

#include "cli.h"
#include "corral_bounds.h"
#include "text.h"

/* The limits and defaults of a tool call (TOOL_*), each with its reason,
 * are in corral_bounds.h. */
/* Dump reals with 15 significant digits: elapsed_ms 1.234, not 1.2340000000000002. */
#define TOOL_JSON_FLAGS (JSON_REAL_PRECISION(15))

/* ---- the manifest (manifest.c) ------------------------------------------- */

/* The embedded manifest, parsed and checked; NULL after a message on
 * stderr (an internal error: the build embeds a checked file). */
json_t *cli_manifest_load(void);
/* A manifest of the one tool named, without parsing the others' entries
 * (a call's start-up); NULL when there is no such tool (then load the
 * whole manifest to say which there are). */
json_t *cli_manifest_load_tool(const char *name);
/* The tool of that name, or NULL. */
json_t *cli_manifest_tool(json_t *m, const char *name);
/* A string field of a tool ("name", "file", "permission", ...), or NULL. */
const char *cli_tool_str(json_t *tool, const char *key);
/* "read, write, edit, ..." */
void cli_sb_tool_names(sbuf *b, json_t *m);
/* Whether v is the JSON string s. */
int cli_json_str_is(json_t *v, const char *s);

/* ---- input validation (validate.c) ----------------------------------------- */

/* What a pre-scan of a JSON text found: the values in it (object keys
 * are not values: each belongs to one) and, when a bound was passed, which
 * and at what byte. */
typedef struct {
    size_t values;
    int depth; /* the deepest nesting of arrays and objects; 1 for {} */
    enum { CLI_JSON_WITHIN, CLI_JSON_TOO_MANY, CLI_JSON_TOO_DEEP } over;
    size_t at; /* the byte offset of the value past the bound */
} cli_json_scan;

/* Count the values and the nesting of text without building anything,
 * stopping at the first value past max_values or max_depth (at most 2048).
 * It judges no syntax (the parse after it does): on valid JSON its counts
 * are exact, so the parse of a text it passes builds at most max_values
 * values. */
void cli_json_prescan(const char *text, size_t len, size_t max_values, int max_depth,
                      cli_json_scan *out);
/* The same count of a parsed value v (depth 1 for an object or array). */
void cli_json_measure(json_t *v, size_t max_values, int max_depth, cli_json_scan *out);
/* "more than 100000 JSON values", "nested deeper than 64 levels" */
void cli_sb_json_over(sbuf *b, const cli_json_scan *s, size_t max_values, int max_depth);

/* text (len bytes) as a tool's input: NULL with *msg (malloc'd) saying why
 * when it is past the bounds above, not valid JSON or not an object. */
json_t *cli_input_parse(json_t *tool, const char *text, size_t len, char **msg);
/* Whether input (already parsed: a tools/call's arguments) is within the
 * bounds of a tool input: NULL, or the message (malloc'd). */
char *cli_input_bounds(json_t *tool, json_t *input);
/* Check input (an object) against tool's schema, normalising 5.0 to 5 for
 * integers.  Returns NULL, or the message (malloc'd): "read: unknown key
 * 'path' (did you mean 'file_path'?); expected keys: ...". */
char *cli_input_check(json_t *tool, json_t *input);
/* "got string \"abc\"", "got an array" */
void cli_sb_got(sbuf *b, json_t *v);
/* A property's type: "string", "integer or null" */
void cli_sb_type(sbuf *b, json_t *schema);

/* ---- the host and its calls (host.c) ------------------------------------- */

typedef struct cli_host cli_host;

/* A host for manifest m (borrowed), finding the modules in tools_dir
 * (NULL: $CORRAL_TOOLS_DIR, else ../wasm/tools beside the binary).  NULL
 * when out of memory. */
cli_host *cli_host_new(json_t *m, const char *tools_dir);
void cli_host_free(cli_host *h);
/* Load the modules through the module cache in dir (--cache-dir; NULL:
 * none), from the next load on.  0 when out of memory. */
int cli_host_set_cache_dir(cli_host *h, const char *dir);
/* Load tool's module now (it is kept for the host's life); 0 with a
 * message in why (malloc'd) when it cannot be read or loaded. */
int cli_host_preload(cli_host *h, json_t *tool, char **why);
/* Whether tool's module imports the network (corral_net); 1 when it
 * cannot be loaded. */
int cli_host_uses_network(cli_host *h, json_t *tool);

/* What the front end hears of one call, all optional (NULL). */
typedef struct {
    /* Each network denial, after it was printed on stderr. */
    void (*on_denial)(void *env, const char *msg);
    /* The call's store, as corral_run_options.on_store: to cancel it or
     * sample its fuel from another thread. */
    void (*on_store)(corral_store *s, void *env);
    void *env;
    int stats;       /* print fuel, time and memory on stderr */
    int echo_stderr; /* copy what the tool wrote on stderr to ours */
} cli_call_hooks;

/* Run tool with input (an object, consumed: the host checks it against
 * the schema and maps host paths inside the sandbox's directories to
 * guest paths first) in a sandbox with the settings of sb (read only; see
 * cli_sandbox_tool_defaults).  Returns the result (never NULL).  When the
 * sandbox's settings cannot be used (a directory that does not open),
 * *bad_option is set and the result says why. */
json_t *cli_host_call(cli_host *h, json_t *tool, json_t *input, const cli_sandbox *sb,
                      const cli_call_hooks *hooks, int *bad_option);
/* {"content": msg, "is_error": true, "metadata": {"error": kind}} */
json_t *cli_error_result(const char *kind, const char *msg);

#endif
