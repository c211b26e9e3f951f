/*
 * validate.c - a tool's input against its input_schema (a JSON Schema
 * subset: type, properties, required, additionalProperties, items, enum,
 * minimum, maximum, minLength, maxLength; and the manifest's
 * one_of_required).  Every problem is collected into one message that
 * ends with the keys the tool expects, so that a model can correct its
 * call in one step.
 *
 * Before any of that, the bounds of an input (corral_bounds.h): its text is
 * pre-scanned, counting values and nesting, so that jansson never builds
 * the tree of an input past them, whatever its shape.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

/* ---- the bounds of an input ------------------------------------------------------------------ */

/* The deepest scan (its stack of object flags): the deepest of the depth
 * bounds of corral_bounds.h. */
#define SCAN_DEPTH_CAP TOOL_RESULT_MAX_DEPTH
_Static_assert(TOOL_INPUT_MAX_DEPTH <= SCAN_DEPTH_CAP && MCP_MAX_DEPTH <= SCAN_DEPTH_CAP,
               "every depth bound fits the scan");

void cli_json_prescan(const char *text, size_t len, size_t max_values, int max_depth,
                      cli_json_scan *out)
{
    /* in_object[d]: whether the array or object at depth d is an object,
     * so that a string after its '{' or ',' is a key, not a value. */
    unsigned char in_object[SCAN_DEPTH_CAP + 1];
    const unsigned char *s = (const unsigned char *)text;
    int depth = 0, expect_key = 0;
    if (max_depth > SCAN_DEPTH_CAP)
        max_depth = SCAN_DEPTH_CAP;
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < len; i++) {
        size_t start = i;
        unsigned char c = s[i];
        switch (c) {
        case ' ':
        case '\t':
        case '\n':
        case '\r':
        case ':':
            continue;
        case ',':
            expect_key = depth > 0 && in_object[depth];
            continue;
        case ']':
        case '}':
            depth -= depth > 0;
            expect_key = 0;
            continue;
        case '[':
        case '{':
            break;
        case '"':
            for (i++; i < len && s[i] != '"'; i++)
                if (s[i] == '\\')
                    i++;
            if (expect_key) {
                expect_key = 0;
                continue;
            }
            break;
        default: /* a number or a literal, to its end */
            while (i + 1 < len && s[i + 1] != '\0' && strchr(" \t\n\r,:[]{}\"", s[i + 1]) == NULL)
                i++;
            break;
        }
        if (++out->values > max_values) {
            out->over = CLI_JSON_TOO_MANY;
            out->at = start;
            return;
        }
        if (c == '[' || c == '{') {
            if (depth >= max_depth) {
                out->over = CLI_JSON_TOO_DEEP;
                out->at = start;
                return;
            }
            in_object[++depth] = c == '{';
            expect_key = c == '{';
            if (depth > out->depth)
                out->depth = depth;
        }
    }
}

static int measure(json_t *v, int depth, size_t max_values, int max_depth, cli_json_scan *out)
{
    if (++out->values > max_values) {
        out->over = CLI_JSON_TOO_MANY;
        return 0;
    }
    if (!json_is_array(v) && !json_is_object(v))
        return 1;
    if (depth >= max_depth) {
        out->over = CLI_JSON_TOO_DEEP;
        return 0;
    }
    if (++depth > out->depth)
        out->depth = depth;
    size_t i;
    const char *k;
    json_t *x;
    json_array_foreach(v, i, x) {
        if (!measure(x, depth, max_values, max_depth, out))
            return 0;
    }
    json_object_foreach(v, k, x) {
        if (!measure(x, depth, max_values, max_depth, out))
            return 0;
    }
    return 1;
}

void cli_json_measure(json_t *v, size_t max_values, int max_depth, cli_json_scan *out)
{
    memset(out, 0, sizeof *out);
    measure(v, 0, max_values, max_depth, out);
}

void cli_sb_json_over(sbuf *b, const cli_json_scan *s, size_t max_values, int max_depth)
{
    if (s->over == CLI_JSON_TOO_MANY)
        sb_printf(b, "more than %zu JSON values", max_values);
    else
        sb_printf(b, "arrays and objects nested deeper than %d levels", max_depth);
}

char *cli_input_bounds(json_t *tool, json_t *input)
{
    cli_json_scan scan;
    cli_json_measure(input, TOOL_INPUT_MAX_VALUES, TOOL_INPUT_MAX_DEPTH, &scan);
    if (scan.over == CLI_JSON_WITHIN)
        return NULL;
    sbuf b = {0};
    sb_printf(&b, "%s: the input has ", cli_tool_str(tool, "name"));
    cli_sb_json_over(&b, &scan, TOOL_INPUT_MAX_VALUES, TOOL_INPUT_MAX_DEPTH);
    sb_printf(&b, " (the limit of a tool input)");
    if (b.oom) {
        free(b.p);
        return strdup("out of memory");
    }
    return b.p;
}

/* ---- input validation ------------------------------------------------------------------------ */

/* Problems found in an input, joined by "; ". */
typedef struct {
    sbuf msg;
    int n;
} problems;

static void problem(problems *p, const char *fmt, ...) CLI_PRINTF(2, 3);
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

void cli_sb_type(sbuf *b, json_t *schema)
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

void cli_sb_got(sbuf *b, json_t *v)
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
    CLI_PRINTF(4, 5);
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
        cli_sb_got(&b, v);
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
            if (json_is_real(x) && is_integer(x) && cli_json_str_is(json_object_get(ps, "type"), "integer"))
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
        cli_sb_type(&t, schema);
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
    if (json_is_array(v) && json_is_object(json_object_get(schema, "items")) &&
        depth < TOOL_INPUT_MAX_DEPTH) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            sbuf sub = {0};
            sb_printf(&sub, "%s[%zu]", path, i);
            check_value(x, json_object_get(schema, "items"), sb_str(&sub), p, depth + 1);
            free(sub.p);
        }
    }
    if (json_is_object(v) && path[0] != '\0' && depth < TOOL_INPUT_MAX_DEPTH) {
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
            cli_sb_type(b, ps);
            if (json_is_object(items)) {
                sb_printf(b, " of ");
                cli_sb_type(b, items);
                sb_printf(b, "s");
            } else if (json_is_object(ap)) {
                sb_printf(b, " of ");
                cli_sb_type(b, ap);
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

char *cli_input_check(json_t *tool, json_t *input)
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
    sb_printf(&out, "%s: %s; expected keys: ", cli_tool_str(tool, "name"), sb_str(&p.msg));
    sb_expected(&out, tool);
    free(p.msg.p);
    if (out.oom) {
        free(out.p);
        return strdup("out of memory");
    }
    return out.p;
}

json_t *cli_input_parse(json_t *tool, const char *text, size_t len, char **msg)
{
    json_error_t je;
    const char *name = cli_tool_str(tool, "name");
    cli_json_scan scan;
    json_t *input = NULL;
    cli_json_prescan(text, len, TOOL_INPUT_MAX_VALUES, TOOL_INPUT_MAX_DEPTH, &scan);
    if (scan.over == CLI_JSON_WITHIN)
        input = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL | JSON_DECODE_ANY, &je);
    *msg = NULL;
    if (input != NULL && json_is_object(input))
        return input;
    sbuf b = {0};
    if (scan.over != CLI_JSON_WITHIN) {
        sb_printf(&b, "%s: the input has ", name);
        cli_sb_json_over(&b, &scan, TOOL_INPUT_MAX_VALUES, TOOL_INPUT_MAX_DEPTH);
        sb_printf(&b, " (the limit of a tool input), at byte %zu", scan.at);
    } else if (input == NULL)
        sb_printf(&b, "%s: the input is not valid JSON: %s at line %d, column %d (byte %d)", name,
                  je.text, je.line, je.column, je.position);
    else {
        sb_printf(&b, "%s: the input must be a JSON object, ", name);
        cli_sb_got(&b, input);
    }
    sb_printf(&b, "; expected keys: ");
    sb_expected(&b, tool);
    json_decref(input);
    *msg = b.oom ? strdup("out of memory") : b.p;
    if (b.oom)
        free(b.p);
    return NULL;
}
