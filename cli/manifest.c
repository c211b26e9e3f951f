/*
 * manifest.c - tools/manifest.json, the one list of the agent tools: their
 * names, titles, module files, permission levels, descriptions, input and
 * output schemas.  The build embeds it into the binary
 * (cli_manifest_json), so the command works from anywhere and the schema
 * an LLM is shown is the schema the input is checked against.  Its shape
 * is checked once, at load, so that the rest of cli/ may rely on it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

/* ---- the manifest --------------------------------------------------------------------------- */

static const char *const PERMISSIONS[] = {"read-only", "write", "execute", "network"};
static const char *const TYPES[] = {"string", "integer", "number", "boolean",
                                    "object", "array",   "null"};

int cli_json_str_is(json_t *v, const char *s)
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
        json_t *title = json_object_get(t, "title");
        json_t *paths = json_object_get(t, "path_inputs");
        json_t *out = json_object_get(t, "output_schema");
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
                 !cli_json_str_is(json_object_get(schema, "type"), "object") ||
                 !json_is_object(props) || !schema_ok(schema, 0))
            what = "input_schema must be an object schema with properties of known types";
        else if (req != NULL && !keys_ok(req, props, 0))
            what = "required names a key that is not a property";
        else if (one != NULL && !keys_ok(one, props, 2))
            what = "one_of_required must list two or more properties";
        else if (tin != NULL &&
                 (!json_is_string(tin) ||
                  !cli_json_str_is(json_object_get(json_object_get(props, json_string_value(tin)), "type"),
                          "integer")))
            what = "timeout_input must name an integer property";
        else if (title != NULL && (!json_is_string(title) || json_string_length(title) == 0))
            what = "title must be a non-empty string";
        else if (paths != NULL && !keys_ok(paths, props, 0))
            what = "path_inputs names a key that is not a property";
        else if (out != NULL &&
                 (!json_is_object(out) || !cli_json_str_is(json_object_get(out, "type"), "object")))
            what = "output_schema must be an object schema";
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

/* text as a manifest, parsed and checked; NULL after a message. */
static json_t *manifest_parse(const char *text, size_t len)
{
    json_error_t je;
    json_t *m = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
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

json_t *cli_manifest_load(void)
{
    return manifest_parse((const char *)cli_manifest_json, cli_manifest_len);
}

/* ---- one tool, without parsing the others ----------------------------------------------
 * A call needs one tool's entry, and parsing the whole manifest (every
 * tool's schemas) is most of a short call's own work; so the embedded
 * text is scanned (never interpreted: strings are skipped whole) for the
 * "tools" array's elements, and only the element named is parsed, without
 * its output_schema (most of its text, and only corral mcp, which loads
 * the whole manifest, offers it). */

typedef struct {
    const char *p, *end;
} scan;

static void skip_ws(scan *s)
{
    while (s->p < s->end && strchr(" \t\r\n", *s->p) != NULL)
        s->p++;
}

/* Past a string at s->p (which is '"'); its contents in [*from, *to). */
static int skip_string(scan *s, const char **from, const char **to)
{
    if (s->p >= s->end || *s->p != '"')
        return 0;
    *from = ++s->p;
    while (s->p < s->end && *s->p != '"')
        s->p += *s->p == '\\' ? 2 : 1;
    if (s->p >= s->end)
        return 0;
    *to = s->p++;
    return 1;
}

/* Past one value. */
static int skip_value(scan *s)
{
    const char *a, *b;
    int depth = 0;
    skip_ws(s);
    do {
        if (s->p >= s->end)
            return 0;
        char c = *s->p;
        if (c == '"') {
            if (!skip_string(s, &a, &b))
                return 0;
            continue;
        }
        if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (depth == 0)
                return 1; /* the end of a scalar, and of what holds it */
            depth--;
        } else if (depth == 0 && (c == ',' || strchr(" \t\r\n", c) != NULL)) {
            return 1; /* the end of a scalar */
        }
        s->p++;
    } while (depth > 0);
    return depth == 0;
}

/* At an object's '{': find key at its top level, leave s->p at its value. */
static int find_key(scan *s, const char *key)
{
    const char *a, *b;
    size_t n = strlen(key);
    skip_ws(s);
    if (s->p >= s->end || *s->p != '{')
        return 0;
    s->p++;
    for (;;) {
        skip_ws(s);
        if (!skip_string(s, &a, &b))
            return 0;
        skip_ws(s);
        if (s->p >= s->end || *s->p != ':')
            return 0;
        s->p++;
        skip_ws(s);
        if ((size_t)(b - a) == n && memcmp(a, key, n) == 0)
            return 1;
        if (!skip_value(s))
            return 0;
        skip_ws(s);
        if (s->p >= s->end || *s->p != ',')
            return 0;
        s->p++;
    }
}

/* The object [from, to) without its member key, appended to b; 0 (b
 * unchanged) when the object does not scan. */
static int add_members_but(sbuf *b, const char *from, const char *to, const char *key)
{
    scan s = {from, to};
    size_t mark = b->len, n = strlen(key);
    int first = 1;
    skip_ws(&s);
    if (s.p >= s.end || *s.p != '{')
        return 0;
    s.p++;
    sb_add(b, "{", 1);
    for (;;) {
        skip_ws(&s);
        const char *member = s.p, *a, *k;
        if (!skip_string(&s, &k, &a))
            break;
        skip_ws(&s);
        if (s.p >= s.end || *s.p != ':')
            break;
        s.p++;
        if (!skip_value(&s))
            break;
        if ((size_t)(a - k) != n || memcmp(k, key, n) != 0) {
            if (!first)
                sb_add(b, ",", 1);
            sb_add(b, member, (size_t)(s.p - member));
            first = 0;
        }
        skip_ws(&s);
        if (s.p < s.end && *s.p == '}') {
            sb_add(b, "}", 1);
            return 1;
        }
        if (s.p >= s.end || *s.p != ',')
            break;
        s.p++;
    }
    b->len = mark;
    return 0;
}

json_t *cli_manifest_load_tool(const char *name)
{
    scan s = {(const char *)cli_manifest_json, (const char *)cli_manifest_json + cli_manifest_len};
    if (!find_key(&s, "tools"))
        return NULL;
    skip_ws(&s);
    if (s.p >= s.end || *s.p != '[')
        return NULL;
    s.p++;
    for (;;) {
        skip_ws(&s);
        const char *start = s.p, *a, *b;
        scan e = s;
        if (!skip_value(&s))
            return NULL;
        const char *stop = s.p;
        if (find_key(&e, "name") && skip_string(&e, &a, &b) &&
            (size_t)(b - a) == strlen(name) && memcmp(a, name, (size_t)(b - a)) == 0) {
            /* {"tools": [ELEMENT]}: a manifest of one, checked as any */
            sbuf one = {0};
            sb_add(&one, "{\"tools\": [", 11);
            if (!add_members_but(&one, start, stop, "output_schema"))
                sb_add(&one, start, (size_t)(stop - start));
            sb_add(&one, "]}", 2);
            json_t *m = one.oom ? NULL : manifest_parse(one.p, one.len);
            free(one.p);
            return m;
        }
        skip_ws(&s);
        if (s.p >= s.end || *s.p != ',')
            return NULL; /* the end of the array: no such tool */
        s.p++;
    }
}

json_t *cli_manifest_tool(json_t *m, const char *name)
{
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(m, "tools"), i, t) {
        if (strcmp(json_string_value(json_object_get(t, "name")), name) == 0)
            return t;
    }
    return NULL;
}

const char *cli_tool_str(json_t *tool, const char *key)
{
    return json_string_value(json_object_get(tool, key));
}

void cli_sb_tool_names(sbuf *b, json_t *m)
{
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(m, "tools"), i, t) {
        sb_printf(b, "%s%s", i > 0 ? ", " : "", cli_tool_str(t, "name"));
    }
}
