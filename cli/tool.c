/*
 * tool.c - `corral tools` and `corral tool NAME [JSON | -]` (DESIGN.md
 * section 6).
 *
 * tools/manifest.json is the one list of tools: their names, module files,
 * permission levels, descriptions and input schemas.  The build embeds it
 * into the binary (cli_manifest_json), so the command works from anywhere
 * and the schema an LLM is shown is the schema the input is checked
 * against.
 *
 * `corral tool`:
 *   1. finds the tool in the manifest and checks the input (a JSON object)
 *      against its input_schema, collecting every problem into one message
 *      that lists the expected keys;
 *   2. runs the tool's module through corral_run (the same code path as
 *      `corral run`) with the `tool` defaults of DESIGN.md section 4: the
 *      current directory as the guest's /, an empty environment, no
 *      network except what --allow-host allows, private and link-local
 *      networks blocked, 30 s, 512 MiB of memory, 1 MiB of stack, fuel
 *      measured but not limited;  the input goes to the tool's stdin, its
 *      stdout and stderr are captured (at most TOOL_CAPTURE_CAP each);
 *   3. prints exactly one JSON object on stdout: the tool's own result with
 *      metadata.sandbox = {fuel_used, elapsed_ms, peak_memory_bytes} added,
 *      or, when corral or the sandbox stopped the call, an error result
 *      whose content names the rule or limit that fired.
 * Exit status: 0, or 1 when the printed result has is_error true; 2 for a
 * bad command line (a harness error, not a tool result).
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli.h"
#include "net.h"
#include "policy.h"

/* Limits and defaults, each with its reason. */
#define TOOL_CAPTURE_CAP ((size_t)16 << 20)  /* a tool result is read by an LLM, not streamed */
#define TOOL_INPUT_MAX ((size_t)64 << 20)    /* an input is a tool call, not a data set */
#define TOOL_TIMEOUT_MS UINT64_C(30000)      /* DESIGN.md section 4, `tool` column */
#define TOOL_MAX_MEMORY (UINT64_C(512) << 20)
#define TOOL_MAX_STACK (UINT64_C(1) << 20)
#define TOOL_TIMEOUT_GRACE_MS UINT64_C(2000) /* lets a tool report its own timeout first */
#define TOOL_STDERR_TAIL 4000                /* stderr kept in an error result */
#define TOOL_STDOUT_HEAD 300                 /* bad output quoted in an error result */
/* Dump reals with 15 significant digits: elapsed_ms 1.234, not 1.2340000000000002. */
#define TOOL_JSON_FLAGS (JSON_REAL_PRECISION(15))

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
    "  --cache-dir DIR         reserved for a cache of lowered modules\n"
    "  --tools-dir DIR         where the tool modules are (default: $CORRAL_TOOLS_DIR,\n"
    "                          else ../wasm/tools beside the corral binary)\n"
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

/* ---- a growing string ------------------------------------------------------------------ */

typedef struct {
    char *p;
    size_t len, cap;
    int oom;
} sbuf;

static void sb_vprintf(sbuf *b, const char *fmt, va_list ap)
{
    if (b->oom)
        return;
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        b->oom = 1;
        return;
    }
    if (b->len + (size_t)n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 128;
        while (cap < b->len + (size_t)n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (p == NULL) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 2, 3)))
#endif
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(b, fmt, ap);
    va_end(ap);
}

static const char *sb_str(const sbuf *b)
{
    return b->oom ? "out of memory" : b->p != NULL ? b->p : "";
}

/* Bytes as printable text: UTF-8 kept, controls and invalid bytes as \xNN,
 * at most max bytes of s, from the end when tail is set. */
static void sb_quote(sbuf *b, const uint8_t *s, size_t len, size_t max, int tail)
{
    size_t from = 0;
    if (len > max) {
        if (tail)
            from = len - max;
        else
            len = max;
        /* do not start or end inside a UTF-8 sequence */
        if (tail)
            while (from < len && (s[from] & 0xC0) == 0x80)
                from++;
        else
            while (len > 0 && (s[len - 1] & 0xC0) == 0x80)
                len--;
    }
    for (size_t i = from; i < len; i++) {
        uint8_t c = s[i];
        if (c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7F))
            sb_printf(b, "%c", (char)c);
        else
            sb_printf(b, "\\x%02x", c);
    }
}

/* ---- numbers as people read them ---------------------------------------------------------- */

/* "30 s", "500 ms", "1.5 s" */
static void sb_duration(sbuf *b, uint64_t ms)
{
    if (ms % 1000 == 0)
        sb_printf(b, "%" PRIu64 " s", ms / 1000);
    else if (ms < 1000)
        sb_printf(b, "%" PRIu64 " ms", ms);
    else {
        char frac[8];
        snprintf(frac, sizeof frac, "%03u", (unsigned)(ms % 1000));
        for (int i = 2; i > 0 && frac[i] == '0'; i--)
            frac[i] = '\0';
        sb_printf(b, "%" PRIu64 ".%s s", ms / 1000, frac);
    }
}

/* "512 MiB", "64 KiB", "1000 bytes" */
static void sb_size(sbuf *b, uint64_t n)
{
    static const char *const unit[] = {"GiB", "MiB", "KiB"};
    for (int i = 0; i < 3; i++) {
        unsigned shift = (unsigned)(30 - 10 * i);
        if (n >= (UINT64_C(1) << shift) && n % (UINT64_C(1) << shift) == 0) {
            sb_printf(b, "%" PRIu64 " %s", n >> shift, unit[i]);
            return;
        }
    }
    if (n >= (UINT64_C(1) << 20))
        sb_printf(b, "%.1f MiB", (double)n / (1 << 20));
    else
        sb_printf(b, "%" PRIu64 " bytes", n);
}

/* ---- the manifest --------------------------------------------------------------------------- */

static const char *const PERMISSIONS[] = {"read-only", "write", "execute", "network"};
static const char *const TYPES[] = {"string", "integer", "number", "boolean",
                                    "object", "array",   "null"};

/* Whether v is the JSON string s. */
static int str_is(json_t *v, const char *s)
{
    return json_is_string(v) && strcmp(json_string_value(v), s) == 0;
}

static int in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return 1;
    return 0;
}

/* A property schema: a known "type" (string or array of strings), and the
 * same for items and additionalProperties schemas inside it. */
static int schema_ok(json_t *s, int depth)
{
    if (!json_is_object(s) || depth > 8)
        return 0;
    json_t *t = json_object_get(s, "type");
    if (json_is_string(t)) {
        if (!in_list(json_string_value(t), TYPES, sizeof TYPES / sizeof TYPES[0]))
            return 0;
    } else if (json_is_array(t)) {
        size_t i;
        json_t *x;
        json_array_foreach(t, i, x) {
            if (!json_is_string(x) ||
                !in_list(json_string_value(x), TYPES, sizeof TYPES / sizeof TYPES[0]))
                return 0;
        }
    } else {
        return 0;
    }
    json_t *items = json_object_get(s, "items");
    if (items != NULL && !schema_ok(items, depth + 1))
        return 0;
    json_t *ap = json_object_get(s, "additionalProperties");
    if (json_is_object(ap) && !schema_ok(ap, depth + 1))
        return 0;
    json_t *props = json_object_get(s, "properties");
    if (props != NULL) {
        const char *k;
        json_t *v;
        if (!json_is_object(props))
            return 0;
        json_object_foreach(props, k, v) {
            if (!schema_ok(v, depth + 1))
                return 0;
        }
    }
    json_t *en = json_object_get(s, "enum");
    if (en != NULL && (!json_is_array(en) || json_array_size(en) == 0))
        return 0;
    return 1;
}

/* Keys that must name properties: "required" and "one_of_required". */
static int keys_ok(json_t *list, json_t *props, size_t min)
{
    size_t i;
    json_t *x;
    if (!json_is_array(list) || json_array_size(list) < min)
        return 0;
    json_array_foreach(list, i, x) {
        if (!json_is_string(x) || json_object_get(props, json_string_value(x)) == NULL)
            return 0;
    }
    return 1;
}

/* The manifest's shape, checked once per command, so that the rest of this
 * file may rely on it.  Writes the first problem to why. */
static int manifest_check(json_t *m, char *why, size_t cap)
{
    json_t *tools = json_object_get(m, "tools");
    if (!json_is_array(tools) || json_array_size(tools) == 0) {
        snprintf(why, cap, "no \"tools\" array");
        return 0;
    }
    size_t i;
    json_t *t;
    json_array_foreach(tools, i, t) {
        const char *name = json_string_value(json_object_get(t, "name"));
        const char *file = json_string_value(json_object_get(t, "file"));
        const char *perm = json_string_value(json_object_get(t, "permission"));
        const char *desc = json_string_value(json_object_get(t, "description"));
        json_t *schema = json_object_get(t, "input_schema");
        json_t *props = json_object_get(schema, "properties");
        json_t *req = json_object_get(schema, "required");
        json_t *one = json_object_get(t, "one_of_required");
        json_t *tin = json_object_get(t, "timeout_input");
        const char *what = NULL;
        if (name == NULL || name[0] == '\0')
            what = "no name";
        else if (file == NULL || strchr(file, '/') != NULL || strlen(file) < 6 ||
                 strcmp(file + strlen(file) - 5, ".wasm") != 0)
            what = "file must be a NAME.wasm file name";
        else if (perm == NULL ||
                 !in_list(perm, PERMISSIONS, sizeof PERMISSIONS / sizeof PERMISSIONS[0]))
            what = "permission must be read-only, write, execute or network";
        else if (desc == NULL || desc[0] == '\0')
            what = "no description";
        else if (!json_is_object(schema) ||
                 !str_is(json_object_get(schema, "type"), "object") ||
                 !json_is_object(props) || !schema_ok(schema, 0))
            what = "input_schema must be an object schema with properties of known types";
        else if (req != NULL && !keys_ok(req, props, 0))
            what = "required names a key that is not a property";
        else if (one != NULL && !keys_ok(one, props, 2))
            what = "one_of_required must list two or more properties";
        else if (tin != NULL &&
                 (!json_is_string(tin) ||
                  !str_is(json_object_get(json_object_get(props, json_string_value(tin)), "type"),
                          "integer")))
            what = "timeout_input must name an integer property";
        for (size_t k = 0; what == NULL && k < i; k++)
            if (strcmp(name, json_string_value(
                                 json_object_get(json_array_get(tools, k), "name"))) == 0)
                what = "the name is used twice";
        if (what != NULL) {
            snprintf(why, cap, "tool %zu (%s): %s", i + 1, name != NULL ? name : "?", what);
            return 0;
        }
    }
    return 1;
}

/* The embedded manifest, parsed and checked; NULL after a message. */
static json_t *manifest_load(void)
{
    json_error_t je;
    json_t *m = json_loadb((const char *)cli_manifest_json, cli_manifest_len,
                           JSON_REJECT_DUPLICATES, &je);
    if (m == NULL) {
        fprintf(stderr,
                "corral: internal error: tools/manifest.json: %s at line %d, column %d\n",
                je.text, je.line, je.column);
        return NULL;
    }
    char why[256];
    if (!manifest_check(m, why, sizeof why)) {
        fprintf(stderr, "corral: internal error: tools/manifest.json: %s\n", why);
        json_decref(m);
        return NULL;
    }
    return m;
}

static json_t *find_tool(json_t *m, const char *name)
{
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(m, "tools"), i, t) {
        if (strcmp(json_string_value(json_object_get(t, "name")), name) == 0)
            return t;
    }
    return NULL;
}

static const char *tool_str(json_t *tool, const char *key)
{
    return json_string_value(json_object_get(tool, key));
}

/* "read, write, edit, ..." */
static void sb_tool_names(sbuf *b, json_t *m)
{
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(m, "tools"), i, t) {
        sb_printf(b, "%s%s", i > 0 ? ", " : "", tool_str(t, "name"));
    }
}

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
    json_t *m = manifest_load();
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
            if (strcmp(argv[k], tool_str(t, "name")) == 0) {
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
        if (argv[k][0] != '-' && find_tool(m, argv[k]) == NULL) {
            sbuf b = {0};
            sb_tool_names(&b, m);
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

/* ---- input validation ------------------------------------------------------------------------ */

/* Problems found in an input, joined by "; ". */
typedef struct {
    sbuf msg;
    int n;
} problems;

#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 2, 3)))
#endif
static void problem(problems *p, const char *fmt, ...)
{
    if (p->n++ > 0)
        sb_printf(&p->msg, "; ");
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&p->msg, fmt, ap);
    va_end(ap);
}

/* An integral JSON number that fits in json_int_t (5 and 5.0 both count:
 * JSON Schema's integer is a mathematical property, not a spelling). */
static int is_integer(json_t *v)
{
    if (json_is_integer(v))
        return 1;
    if (!json_is_real(v))
        return 0;
    double d = json_real_value(v);
    return d == floor(d) && d >= -9.2e18 && d <= 9.2e18;
}

static int has_type(json_t *v, const char *type)
{
    if (strcmp(type, "string") == 0)
        return json_is_string(v);
    if (strcmp(type, "integer") == 0)
        return is_integer(v);
    if (strcmp(type, "number") == 0)
        return json_is_number(v);
    if (strcmp(type, "boolean") == 0)
        return json_is_boolean(v);
    if (strcmp(type, "object") == 0)
        return json_is_object(v);
    if (strcmp(type, "array") == 0)
        return json_is_array(v);
    return json_is_null(v);
}

/* "string", "integer or null" */
static void sb_type(sbuf *b, json_t *schema)
{
    json_t *t = json_object_get(schema, "type");
    if (json_is_string(t)) {
        sb_printf(b, "%s", json_string_value(t));
        return;
    }
    size_t i;
    json_t *x;
    json_array_foreach(t, i, x) {
        sb_printf(b, "%s%s", i == 0 ? "" : i + 1 == json_array_size(t) ? " or " : ", ",
                  json_string_value(x));
    }
}

static int type_ok(json_t *v, json_t *schema)
{
    json_t *t = json_object_get(schema, "type");
    if (json_is_string(t))
        return has_type(v, json_string_value(t));
    size_t i;
    json_t *x;
    json_array_foreach(t, i, x) {
        if (has_type(v, json_string_value(x)))
            return 1;
    }
    return 0;
}

/* "got string \"abc\"", "got integer 5", "got an array" */
static void sb_got(sbuf *b, json_t *v)
{
    char *text = NULL;
    switch (json_typeof(v)) {
    case JSON_OBJECT: sb_printf(b, "got an object"); return;
    case JSON_ARRAY: sb_printf(b, "got an array"); return;
    case JSON_STRING: sb_printf(b, "got string "); break;
    case JSON_INTEGER: sb_printf(b, "got integer "); break;
    case JSON_REAL: sb_printf(b, "got number "); break;
    case JSON_TRUE:
    case JSON_FALSE: sb_printf(b, "got boolean "); break;
    case JSON_NULL: sb_printf(b, "got "); break;
    }
    text = json_dumps(v, JSON_ENCODE_ANY | TOOL_JSON_FLAGS);
    if (text != NULL) {
        size_t n = strlen(text);
        if (n > 60)
            sb_printf(b, "%.56s...\"", text);
        else
            sb_printf(b, "%s", text);
    }
    free(text);
}

/* "'offset'", "'headers.Accept'", "'args[2]'"; the whole input is "the input". */
static void sb_where(sbuf *b, const char *path)
{
    if (path[0] == '\0')
        sb_printf(b, "the input");
    else
        sb_printf(b, "'%s'", path);
}

static void check_value(json_t *v, json_t *schema, const char *path, problems *p, int depth);

/* A problem about the value at path: "'offset' MESSAGE, got ..." */
static void value_problem(problems *p, const char *path, json_t *v, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
static void value_problem(problems *p, const char *path, json_t *v, const char *fmt, ...)
{
    sbuf b = {0};
    sb_where(&b, path);
    sb_printf(&b, " ");
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&b, fmt, ap);
    va_end(ap);
    if (v != NULL) {
        sb_printf(&b, ", ");
        sb_got(&b, v);
    }
    problem(p, "%s", sb_str(&b));
    free(b.p);
}

/* The members of object v against schema's properties (which may be NULL
 * for a free-form object with an additionalProperties schema). */
static void check_members(json_t *v, json_t *schema, const char *path, problems *p, int depth)
{
    json_t *props = json_object_get(schema, "properties");
    json_t *ap = json_object_get(schema, "additionalProperties");
    const char *k;
    json_t *x;
    void *tmp;
    json_object_foreach_safe(v, tmp, k, x) {
        sbuf sub = {0};
        sb_printf(&sub, "%s%s%s", path, path[0] ? "." : "", k);
        json_t *ps = json_object_get(props, k);
        if (ps != NULL) {
            check_value(x, ps, sb_str(&sub), p, depth + 1);
            /* 5.0 for an integer: hand the tool 5, as the schema promises. */
            if (json_is_real(x) && is_integer(x) && str_is(json_object_get(ps, "type"), "integer"))
                json_object_set_new(v, k, json_integer((json_int_t)json_real_value(x)));
        } else if (json_is_object(ap)) {
            check_value(x, ap, sb_str(&sub), p, depth + 1);
        } else if (json_is_false(ap)) {
            if (path[0] == '\0') {
                problem(p, "unknown key '%s'", k);
                /* a near miss of a real key: name it */
                const char *best = NULL;
                const char *pk;
                json_t *pv;
                json_object_foreach(props, pk, pv) {
                    (void)pv;
                    if (strstr(pk, k) != NULL || strstr(k, pk) != NULL) {
                        best = pk;
                        break;
                    }
                }
                if (best != NULL && json_object_get(v, best) == NULL)
                    sb_printf(&p->msg, " (did you mean '%s'?)", best);
            } else {
                problem(p, "unknown key '%s' in '%s'", k, path);
            }
        }
        free(sub.p);
    }
}

static void check_value(json_t *v, json_t *schema, const char *path, problems *p, int depth)
{
    if (!type_ok(v, schema)) {
        sbuf t = {0};
        sb_type(&t, schema);
        const char *tn = sb_str(&t);
        int vowel = strchr("aeiou", tn[0]) != NULL;
        value_problem(p, path, v, "must be %s %s", vowel ? "an" : "a", tn);
        free(t.p);
        return;
    }
    json_t *en = json_object_get(schema, "enum");
    if (en != NULL) {
        int found = 0;
        size_t i;
        json_t *x;
        json_array_foreach(en, i, x) {
            if (json_equal(x, v))
                found = 1;
        }
        if (!found) {
            sbuf list = {0};
            json_array_foreach(en, i, x) {
                char *s = json_dumps(x, JSON_ENCODE_ANY);
                sb_printf(&list, "%s%s", i == 0 ? "" : i + 1 == json_array_size(en) ? " or " : ", ",
                          s != NULL ? s : "?");
                free(s);
            }
            value_problem(p, path, v, "must be one of %s", sb_str(&list));
            free(list.p);
            return;
        }
    }
    if (json_is_number(v)) {
        json_t *min = json_object_get(schema, "minimum");
        json_t *max = json_object_get(schema, "maximum");
        double d = json_number_value(v);
        if (json_is_number(min) && d < json_number_value(min)) {
            char *s = json_dumps(min, JSON_ENCODE_ANY);
            value_problem(p, path, v, "must be at least %s", s != NULL ? s : "?");
            free(s);
        } else if (json_is_number(max) && d > json_number_value(max)) {
            char *s = json_dumps(max, JSON_ENCODE_ANY);
            value_problem(p, path, v, "must be at most %s", s != NULL ? s : "?");
            free(s);
        }
    }
    if (json_is_string(v)) {
        /* lengths in characters (UTF-8 code points), as JSON Schema counts them */
        size_t chars = 0, n = json_string_length(v);
        const unsigned char *s = (const unsigned char *)json_string_value(v);
        for (size_t i = 0; i < n; i++)
            chars += (s[i] & 0xC0) != 0x80;
        json_t *minl = json_object_get(schema, "minLength");
        json_t *maxl = json_object_get(schema, "maxLength");
        if (json_is_integer(minl) && (json_int_t)chars < json_integer_value(minl)) {
            if (json_integer_value(minl) == 1)
                value_problem(p, path, NULL, "must not be empty");
            else
                value_problem(p, path, NULL, "must be at least %" JSON_INTEGER_FORMAT " characters",
                              json_integer_value(minl));
        } else if (json_is_integer(maxl) && (json_int_t)chars > json_integer_value(maxl)) {
            value_problem(p, path, NULL, "must be at most %" JSON_INTEGER_FORMAT " characters",
                          json_integer_value(maxl));
        }
    }
    if (json_is_array(v) && json_is_object(json_object_get(schema, "items")) && depth < 64) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            sbuf sub = {0};
            sb_printf(&sub, "%s[%zu]", path, i);
            check_value(x, json_object_get(schema, "items"), sb_str(&sub), p, depth + 1);
            free(sub.p);
        }
    }
    if (json_is_object(v) && path[0] != '\0' && depth < 64) {
        check_members(v, schema, path, p, depth);
    }
}

/* "file_path (string, required), offset (integer), output_mode (\"a\", \"b\")" */
static void sb_expected(sbuf *b, json_t *tool)
{
    json_t *schema = json_object_get(tool, "input_schema");
    json_t *req = json_object_get(schema, "required");
    json_t *one = json_object_get(tool, "one_of_required");
    const char *k;
    json_t *ps;
    int first = 1;
    json_object_foreach(json_object_get(schema, "properties"), k, ps) {
        sb_printf(b, "%s%s (", first ? "" : ", ", k);
        first = 0;
        json_t *en = json_object_get(ps, "enum");
        json_t *items = json_object_get(ps, "items");
        json_t *ap = json_object_get(ps, "additionalProperties");
        size_t i;
        json_t *x;
        if (en != NULL) {
            json_array_foreach(en, i, x) {
                char *s = json_dumps(x, JSON_ENCODE_ANY);
                sb_printf(b, "%s%s", i ? " | " : "", s != NULL ? s : "?");
                free(s);
            }
        } else {
            sb_type(b, ps);
            if (json_is_object(items)) {
                sb_printf(b, " of ");
                sb_type(b, items);
                sb_printf(b, "s");
            } else if (json_is_object(ap)) {
                sb_printf(b, " of ");
                sb_type(b, ap);
                sb_printf(b, "s");
            }
        }
        int required = 0;
        json_array_foreach(req, i, x) {
            if (strcmp(json_string_value(x), k) == 0)
                required = 1;
        }
        if (required)
            sb_printf(b, ", required");
        int in_one = 0;
        json_array_foreach(one, i, x) {
            if (strcmp(json_string_value(x), k) == 0)
                in_one = 1;
        }
        if (in_one) {
            sb_printf(b, ", required unless");
            int n = 0;
            json_array_foreach(one, i, x) {
                if (strcmp(json_string_value(x), k) != 0)
                    sb_printf(b, "%s %s", n++ ? " or" : "", json_string_value(x));
            }
            sb_printf(b, " is given");
        }
        sb_printf(b, ")");
    }
}

/* Check input (an object) against tool's schema.  Returns NULL, or the
 * message (malloc'd): "read: unknown key 'path'; expected keys: ...". */
static char *validate(json_t *tool, json_t *input)
{
    problems p = {{0}, 0};
    json_t *schema = json_object_get(tool, "input_schema");
    check_members(input, schema, "", &p, 0);
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(schema, "required"), i, x) {
        if (json_object_get(input, json_string_value(x)) == NULL)
            problem(&p, "missing required key '%s'", json_string_value(x));
    }
    json_t *one = json_object_get(tool, "one_of_required");
    if (one != NULL) {
        size_t given = 0, n = json_array_size(one);
        sbuf any = {0}, all = {0};
        json_array_foreach(one, i, x) {
            const char *sep = i == 0 ? "" : i + 1 == n ? " " : ", ";
            given += json_object_get(input, json_string_value(x)) != NULL;
            sb_printf(&any, "%s%s'%s'", sep, i > 0 && i + 1 == n ? "or " : "", json_string_value(x));
            sb_printf(&all, "%s%s'%s'", sep, i > 0 && i + 1 == n ? "and " : "", json_string_value(x));
        }
        if (given == 0)
            problem(&p, "missing key: give %s", sb_str(&any));
        else if (given > 1)
            problem(&p, "give only one of %s, not %s", sb_str(&all), n == 2 ? "both" : "several");
        free(any.p);
        free(all.p);
    }
    if (p.n == 0) {
        free(p.msg.p);
        return NULL;
    }
    sbuf out = {0};
    sb_printf(&out, "%s: %s; expected keys: ", tool_str(tool, "name"), sb_str(&p.msg));
    sb_expected(&out, tool);
    free(p.msg.p);
    if (out.oom) {
        free(out.p);
        return strdup("out of memory");
    }
    return out.p;
}

/* ---- results ------------------------------------------------------------------------------------ */

/* {"content": msg, "is_error": true, "metadata": {"error": kind}} */
static json_t *error_result(const char *kind, const char *msg)
{
    json_t *meta = json_object();
    json_object_set_new(meta, "error", json_string(kind));
    json_t *r = json_object();
    json_object_set_new(r, "content", json_string(msg));
    json_object_set_new(r, "is_error", json_true());
    json_object_set_new(r, "metadata", meta);
    return r;
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
    int no_timeout; /* --timeout none */
    int block_net_given;
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
    corral_run_options *r = &o->sb.run;
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

        /* What a tool call adds to the sandbox's flags. */
        if (strcmp(flag, "--timeout") == 0 && strcmp(val, "none") == 0) {
            o->no_timeout = 1;
            r->timeout_ms = 0;
            o->sb.timeout_arg = val;
            continue;
        }
        if (strcmp(flag, "--block-network") == 0) {
            o->block_net_given = 1;
            if (strcmp(val, "none") == 0)
                continue;
        }
        st = cli_sandbox_flag(&o->sb, flag, val, "tool");
        if (st == 0) { /* --tools-dir */
            if (val[0] == '\0')
                return usage_error(flag, "empty directory", NULL);
            o->tools_dir = val;
        } else if (st > 0) {
            return st;
        } else if (strcmp(flag, "--timeout") == 0) {
            o->no_timeout = 0;
        }
    }
    /* The tool defaults for what was not given (DESIGN.md section 4). */
    if (!o->block_net_given) {
        static const char *const defaults[] = {"private", "link-local"};
        for (size_t k = 0; k < 2; k++) {
            st = cli_sandbox_flag(&o->sb, "--block-network", defaults[k], "tool");
            if (st >= 0)
                return st;
        }
    }
    if (r->max_memory == 0)
        r->max_memory = TOOL_MAX_MEMORY;
    if (r->max_stack == 0)
        r->max_stack = TOOL_MAX_STACK;
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
            sb_first_sentence(&b, tool_str(t, "description"));
            printf("  %-10s %-9s  %s\n", tool_str(t, "name"), tool_str(t, "permission"),
                   sb_str(&b));
        }
        free(b.p);
        return;
    }
    printf("corral tool %s [JSON | -]   (%s, permission %s)\n\n%s\n\nInput keys:\n",
           tool_str(tool, "name"), tool_str(tool, "file"), tool_str(tool, "permission"),
           tool_str(tool, "description"));
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
        sb_type(&b, ps);
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

/* ---- running the tool --------------------------------------------------------------------------------- */

/* The directory holding the tool modules: --tools-dir, $CORRAL_TOOLS_DIR,
 * or ../wasm/tools beside the binary (build/rel/corral ->
 * build/wasm/tools).  malloc'd, or NULL. */
static char *tools_dir(const tool_opts *o)
{
    if (o->tools_dir != NULL)
        return strdup(o->tools_dir);
    const char *env = getenv("CORRAL_TOOLS_DIR");
    if (env != NULL && env[0] != '\0')
        return strdup(env);
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash == NULL)
        return NULL;
    *slash = '\0';
    sbuf b = {0};
    sb_printf(&b, "%s/../wasm/tools", exe);
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
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
        if (cap >= TOOL_INPUT_MAX) {
            *too_big = 1;
            break;
        }
        char *bigger = realloc(buf, cap * 2);
        if (bigger == NULL) {
            free(buf);
            return NULL;
        }
        buf = bigger;
        cap *= 2;
    }
    if (buf != NULL && ferror(stdin)) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

/* The wall-clock limit of this call and, in why, where it came from. */
static uint64_t call_timeout(const tool_opts *o, json_t *tool, json_t *input, sbuf *why)
{
    if (o->sb.timeout_arg != NULL) {
        sb_printf(why, "--timeout %s", o->sb.timeout_arg);
        return o->no_timeout ? 0 : o->sb.run.timeout_ms;
    }
    const char *key = tool_str(tool, "timeout_input");
    if (key != NULL) {
        json_t *v = json_object_get(input, key);
        json_int_t s = 0;
        int from_input = json_is_integer(v);
        if (from_input)
            s = json_integer_value(v);
        else
            s = json_integer_value(json_object_get(
                json_object_get(json_object_get(json_object_get(tool, "input_schema"),
                                                "properties"),
                                key),
                "default"));
        if (s > 0) {
            uint64_t ms = (uint64_t)s * 1000 + TOOL_TIMEOUT_GRACE_MS;
            sb_printf(why, "the %s's '%s' of %" JSON_INTEGER_FORMAT " s, plus ",
                      from_input ? "input" : "default", key, s);
            sb_duration(why, TOOL_TIMEOUT_GRACE_MS);
            return ms;
        }
    }
    sb_printf(why, "--timeout 30s");
    return TOOL_TIMEOUT_MS;
}

/* metadata.sandbox of a run. */
static json_t *sandbox_obj(const corral_run_result *r)
{
    json_t *s = json_object();
    json_int_t fuel = r->fuel_used > (uint64_t)INT64_MAX ? INT64_MAX : (json_int_t)r->fuel_used;
    json_object_set_new(s, "fuel_used", json_integer(fuel));
    json_object_set_new(s, "elapsed_ms", json_real(round(r->elapsed_ms * 1000.0) / 1000.0));
    json_object_set_new(s, "peak_memory_bytes", json_integer((json_int_t)r->peak_memory_bytes));
    return s;
}

/* The tail of the tool's stderr into meta.stderr, if it wrote any. */
static void add_stderr(json_t *meta, const corral_run_result *r)
{
    if (r->stderr_len == 0)
        return;
    sbuf b = {0};
    sb_quote(&b, r->stderr_data, r->stderr_len, TOOL_STDERR_TAIL, 1);
    json_object_set_new(meta, "stderr", json_string(sb_str(&b)));
    free(b.p);
}

/* The error result of a call the sandbox stopped or that went wrong. */
static json_t *run_error(const char *kind, const char *limit, const char *msg,
                         const corral_run_result *r)
{
    json_t *res = error_result(kind, msg);
    json_t *meta = json_object_get(res, "metadata");
    json_t *sb = sandbox_obj(r);
    if (limit != NULL)
        json_object_set_new(sb, "limit", json_string(limit));
    if (r->trap != NULL)
        json_object_set_new(sb, "trap", json_string(r->trap));
    json_object_set_new(meta, "sandbox", sb);
    add_stderr(meta, r);
    return res;
}

/* How close to the memory cap counts as "reached": an allocator grows in
 * steps, and the step that failed was never granted. */
static int near_memory_cap(const corral_run_result *r, uint64_t cap)
{
    return r->peak_memory_bytes >= cap - cap / 10;
}

/* A trap, load failure or option failure as an error result. */
static json_t *stopped(const tool_opts *o, const corral_run_result *r, const char *timeout_why)
{
    sbuf m = {0};
    const char *limit = NULL, *kind = "stopped";
    const char *mem_flag = o->sb.memory_arg != NULL ? o->sb.memory_arg : "512M";
    const char *stack_flag = o->sb.stack_arg != NULL ? o->sb.stack_arg : "1M";
    if (r->outcome == CORRAL_RUN_LOAD_ERROR) {
        if (r->error != NULL && strstr(r->error, "memory minimum exceeds the memory limit")) {
            limit = "memory";
            sb_printf(&m, "the tool could not start: it needs more memory than the limit of ");
            sb_size(&m, o->sb.run.max_memory);
            sb_printf(&m, " (--max-memory %s)", mem_flag);
        } else {
            kind = "load_error";
            sb_printf(&m, "the tool could not start: %s",
                      r->error != NULL ? r->error : "out of memory");
        }
    } else if (r->timed_out) {
        limit = "timeout";
        sb_printf(&m, "the tool was stopped: wall-clock limit of ");
        sb_duration(&m, o->sb.run.timeout_ms);
        sb_printf(&m, " reached (%s)", timeout_why);
    } else if (r->trap != NULL && strcmp(r->trap, "all fuel consumed by WebAssembly") == 0) {
        limit = "fuel";
        sb_printf(&m, "the tool was stopped: all fuel consumed (--fuel %s)",
                  o->sb.fuel_arg != NULL ? o->sb.fuel_arg : "?");
    } else if (r->trap != NULL && strstr(r->trap, "call stack exhausted") != NULL) {
        limit = "stack";
        sb_printf(&m, "the tool was stopped: call stack exhausted (--max-stack %s)", stack_flag);
    } else if (near_memory_cap(r, o->sb.run.max_memory)) {
        limit = "memory";
        sb_printf(&m, "the tool was stopped: memory limit of ");
        sb_size(&m, o->sb.run.max_memory);
        sb_printf(&m, " reached (--max-memory %s); it then trapped: %s", mem_flag,
                  r->trap != NULL ? r->trap : "?");
    } else {
        limit = "trap";
        sb_printf(&m, "the tool was stopped: wasm trap: %s", r->trap != NULL ? r->trap : "?");
        if (r->peak_memory_bytes >= o->sb.run.max_memory / 2) {
            sb_printf(&m, " (it had used ");
            sb_size(&m, r->peak_memory_bytes);
            sb_printf(&m, " of its ");
            sb_size(&m, o->sb.run.max_memory);
            sb_printf(&m, " memory limit, --max-memory %s: an allocation may have failed)",
                      mem_flag);
        }
    }
    json_t *res = run_error(kind, limit, sb_str(&m), r);
    free(m.p);
    return res;
}

/* The tool ran to its end: its stdout must be one JSON object. */
static json_t *finished(const tool_opts *o, const corral_run_result *r)
{
    sbuf m = {0};
    json_t *res = NULL;
    if (r->stdout_truncated) {
        sb_printf(&m, "the tool's output passed the capture limit of ");
        sb_size(&m, TOOL_CAPTURE_CAP);
        sb_printf(&m, " (%" PRIu64 " more bytes were dropped)", r->stdout_dropped);
        goto bad;
    }
    size_t start = 0;
    while (start < r->stdout_len && strchr(" \t\r\n", r->stdout_data[start]) != NULL)
        start++;
    if (start == r->stdout_len) {
        sb_printf(&m, "the tool printed no result (exit status %d, nothing on stdout)",
                  r->exit_code);
        goto bad;
    }
    json_error_t je;
    res = json_loadb((const char *)r->stdout_data, r->stdout_len,
                     JSON_DISABLE_EOF_CHECK | JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES, &je);
    if (res == NULL || !json_is_object(res)) {
        sb_printf(&m, "the tool's output is not a JSON object (exit status %d): ", r->exit_code);
        if (res == NULL)
            sb_printf(&m, "%s at byte %d", je.text, je.position);
        else
            sb_printf(&m, "it is an array");
        sb_printf(&m, "; it began: ");
        sb_quote(&m, r->stdout_data, r->stdout_len, TOOL_STDOUT_HEAD, 0);
        json_decref(res);
        res = NULL;
        goto bad;
    }
    for (size_t i = (size_t)je.position; i < r->stdout_len; i++) {
        if (strchr(" \t\r\n", r->stdout_data[i]) == NULL) {
            sb_printf(&m, "the tool printed more than one JSON value (exit status %d): after the "
                          "object, at byte %zu: ",
                      r->exit_code, i);
            sb_quote(&m, r->stdout_data + i, r->stdout_len - i, 80, 0);
            json_decref(res);
            res = NULL;
            goto bad;
        }
    }
    /* The contract (DESIGN.md section 6): is_error is a boolean and the exit
     * status says the same.  A status other than 0 or 1 is an error whatever
     * the tool printed. */
    json_t *ie = json_object_get(res, "is_error");
    if (!json_is_boolean(ie))
        json_object_set_new(res, "is_error", json_boolean(r->exit_code != 0));
    json_t *meta = json_object_get(res, "metadata");
    if (!json_is_object(meta)) {
        meta = json_object();
        json_object_set_new(res, "metadata", meta);
    }
    json_t *sb = sandbox_obj(r);
    if (r->exit_code != 0 && r->exit_code != 1) {
        json_object_set_new(res, "is_error", json_true());
        json_object_set_new(sb, "exit_code", json_integer(r->exit_code));
    }
    json_object_set_new(meta, "sandbox", sb);
    free(m.p);
    (void)o;
    return res;

bad:
    if (near_memory_cap(r, o->sb.run.max_memory)) {
        sb_printf(&m, " (it had reached its memory limit of ");
        sb_size(&m, o->sb.run.max_memory);
        sb_printf(&m, ", --max-memory %s)", o->sb.memory_arg != NULL ? o->sb.memory_arg : "512M");
    }
    res = run_error("bad_output", NULL, sb_str(&m), r);
    free(m.p);
    return res;
}

static void print_stats(const corral_run_result *r)
{
    fprintf(stderr, "fuel used:   %" PRIu64 "\n", r->fuel_used);
    fprintf(stderr, "wall time:   %.3f ms (load %.3f ms, run %.3f ms)\n", r->elapsed_ms,
            r->load_ms, r->elapsed_ms - r->load_ms);
    fprintf(stderr, "peak memory: %" PRIu64 " bytes linear\n", r->peak_memory_bytes);
}

/* Network denials of one call: printed to stderr as they happen (as corral
 * run does) and kept for the result. */
typedef struct {
    json_t *list; /* array of the messages */
} denials;

static void on_denial(void *env, const char *msg)
{
    denials *d = env;
    fflush(stdout);
    fprintf(stderr, "%s\n", msg);
    if (json_array_size(d->list) < 16)
        json_array_append_new(d->list, json_string(msg));
}

/* A denied connection is a rule that fired: the result lists it in
 * metadata.sandbox.network_denied and, when the call failed, its content
 * names it (unless the tool already quoted it). */
static void add_denials(json_t *res, const denials *d)
{
    if (res == NULL || json_array_size(d->list) == 0)
        return;
    json_t *meta = json_object_get(res, "metadata");
    json_t *sb = json_object_get(meta, "sandbox");
    if (json_is_object(sb))
        json_object_set(sb, "network_denied", d->list);
    json_t *content = json_object_get(res, "content");
    const char *first = json_string_value(json_array_get(d->list, 0));
    if (json_is_true(json_object_get(res, "is_error")) && json_is_string(content) &&
        strstr(json_string_value(content), "disallowed destination") == NULL) {
        sbuf b = {0};
        sb_printf(&b, "%s\n%s", json_string_value(content), first);
        if (!b.oom)
            json_object_set_new(res, "content", json_string(b.p));
        free(b.p);
    }
}

/* Run tool with the validated input; returns the result to print, or NULL
 * with *status set (a command-line problem, already reported). */
static json_t *run_tool(tool_opts *o, json_t *tool, json_t *input, int *status)
{
    char *dir = tools_dir(o);
    sbuf path = {0}, m = {0}, why = {0};
    json_t *res = NULL;
    uint8_t *wasm = NULL;
    char *stdin_text = NULL;
    char cwd[PATH_MAX];
    size_t len = 0;

    sb_printf(&path, "%s/%s", dir != NULL ? dir : ".", tool_str(tool, "file"));
    if (dir == NULL || (wasm = cli_read_file(sb_str(&path), &len)) == NULL) {
        sb_printf(&m, "tool '%s' is not installed: cannot read %s: %s (build the tools with "
                      "make, or name their directory with --tools-dir or CORRAL_TOOLS_DIR)",
                  tool_str(tool, "name"), sb_str(&path),
                  dir == NULL ? "cannot find the corral binary's directory" : strerror(errno));
        res = error_result("not_installed", sb_str(&m));
        goto out;
    }
    if (o->sb.run.work_dir == NULL) {
        if (getcwd(cwd, sizeof cwd) == NULL) {
            fprintf(stderr, "corral: cannot get the current directory: %s\n", strerror(errno));
            *status = CLI_EXIT_USAGE;
            goto out;
        }
        o->sb.run.work_dir = cwd;
    }
    stdin_text = json_dumps(input, JSON_COMPACT | TOOL_JSON_FLAGS);
    if (stdin_text == NULL) {
        res = error_result("internal", "out of memory");
        goto out;
    }
    const char *argv0[1] = {tool_str(tool, "file")};
    o->sb.run.argv = argv0;
    o->sb.run.argc = 1;
    o->sb.run.stdin_data = (const uint8_t *)stdin_text;
    o->sb.run.stdin_len = strlen(stdin_text);
    o->sb.run.inherit_stdin = 0;
    o->sb.run.capture_cap = TOOL_CAPTURE_CAP;
    o->sb.run.measure_fuel = 1;
    o->sb.run.timeout_ms = call_timeout(o, tool, input, &why);

    /* The guest's network (net/): the policy of the flags and defaults. */
    denials dn = {json_array()};
    net_config nc = {.policy = &o->sb.policy, .run_timeout_ms = o->sb.run.timeout_ms,
                     .log = on_denial, .log_env = &dn};
    net_ctx *net = net_new(&nc);
    if (net == NULL || dn.list == NULL) {
        net_free(net);
        json_decref(dn.list);
        res = error_result("internal", "out of memory");
        goto out;
    }
    o->sb.run.link = net_link;
    o->sb.run.link_env = net;

    corral_run_result r;
    corral_run(wasm, len, &o->sb.run, &r);
    net_free(net); /* closes what the guest left open */
    o->sb.run.argv = NULL;
    if (o->stats)
        print_stats(&r);
    switch (r.outcome) {
    case CORRAL_RUN_BAD_OPTION:
        fprintf(stderr, "corral: %s\n", r.error != NULL ? r.error : "bad option");
        *status = CLI_EXIT_USAGE;
        break;
    case CORRAL_RUN_EXITED:
        res = finished(o, &r);
        break;
    default:
        res = stopped(o, &r, sb_str(&why));
        break;
    }
    add_denials(res, &dn);
    json_decref(dn.list);
    /* What the tool said on stderr is for the person running corral; an
     * error result also carries its tail in metadata.stderr. */
    if (r.stderr_len > 0 && r.outcome == CORRAL_RUN_EXITED) {
        fwrite(r.stderr_data, 1, r.stderr_len, stderr);
        if (r.stderr_data[r.stderr_len - 1] != '\n')
            fputc('\n', stderr);
    }
    corral_run_result_free(&r);
out:
    free(stdin_text);
    free(wasm);
    free(dir);
    free(path.p);
    free(m.p);
    free(why.p);
    return res;
}

/* ---- corral tool ----------------------------------------------------------------------------------- */

int cli_tool(int argc, char **argv)
{
    tool_opts o;
    memset(&o, 0, sizeof o);
    int status = parse_args(argc, argv, &o);
    json_t *m = NULL, *input = NULL, *res = NULL;
    char *text = NULL;
    if (status >= 0)
        goto out;
    status = CLI_EXIT_FAIL;
    m = manifest_load();
    if (m == NULL)
        goto out;
    json_t *tool = o.name != NULL ? find_tool(m, o.name) : NULL;
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
        sb_tool_names(&b, m);
        res = error_result("unknown_tool", sb_str(&b));
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
            res = error_result("invalid_input", sb_str(&b));
            free(b.p);
            goto print;
        }
    } else {
        len = strlen(o.input_arg);
        text = strdup(o.input_arg);
    }
    if (text == NULL)
        goto out;
    json_error_t je;
    input = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL | JSON_DECODE_ANY, &je);
    if (input == NULL || !json_is_object(input)) {
        sbuf b = {0};
        if (input == NULL)
            sb_printf(&b, "%s: the input is not valid JSON: %s at line %d, column %d (byte %d)",
                      o.name, je.text, je.line, je.column, je.position);
        else {
            sb_printf(&b, "%s: the input must be a JSON object, ", o.name);
            sb_got(&b, input);
        }
        sb_printf(&b, "; expected keys: ");
        sb_expected(&b, tool);
        res = error_result("invalid_input", sb_str(&b));
        free(b.p);
        goto print;
    }
    char *bad = validate(tool, input);
    if (bad != NULL) {
        res = error_result("invalid_input", bad);
        free(bad);
        goto print;
    }
    res = run_tool(&o, tool, input, &status);
    if (res == NULL)
        goto out;
print:
    status = emit(res, o.pretty);
out:
    json_decref(input);
    json_decref(m);
    free(text);
    cli_sandbox_free(&o.sb);
    return status;
}
