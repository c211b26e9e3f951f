/*
 * json.c - a compact recursive-descent JSON parser (see json.h).
 */
#include "json.h"
#include "buf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct jv {
    int type;
    union {
        int b;
        double n;
        struct {
            char *s;
            size_t len;
        } str;
        struct {
            jv **items;
            char **keys; /* objects only */
            size_t n, cap;
        } c;
    } u;
};

typedef struct {
    const char *s;
    size_t len, pos;
    char *err;
    size_t errcap;
    int failed;
} parser;

static void fail(parser *p, const char *msg)
{
    if (p->failed)
        return;
    p->failed = 1;
    if (p->err && p->errcap)
        snprintf(p->err, p->errcap, "%s at offset %zu", msg, p->pos);
}

static void skip_ws(parser *p)
{
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            p->pos++;
        else
            break;
    }
}

static jv *new_jv(int type)
{
    jv *v = xmalloc(sizeof *v);
    memset(v, 0, sizeof *v);
    v->type = type;
    return v;
}

static int hex4(parser *p, unsigned *out)
{
    if (p->len - p->pos < 4) {
        fail(p, "truncated \\u escape");
        return 0;
    }
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p->s[p->pos + i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else {
            p->pos += (size_t)i;
            fail(p, "invalid hex digit in \\u escape");
            return 0;
        }
    }
    p->pos += 4;
    *out = v;
    return 1;
}

static void put_utf8(sbuf *b, unsigned cp)
{
    char o[4];
    if (cp < 0x80) {
        o[0] = (char)cp;
        sb_put(b, o, 1);
    } else if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        sb_put(b, o, 2);
    } else if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        sb_put(b, o, 3);
    } else {
        o[0] = (char)(0xF0 | (cp >> 18));
        o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[3] = (char)(0x80 | (cp & 0x3F));
        sb_put(b, o, 4);
    }
}

/* Parses a string at p->pos (which is at the opening quote) into b. */
static int parse_string(parser *p, sbuf *b)
{
    p->pos++; /* opening quote */
    for (;;) {
        size_t start = p->pos;
        while (p->pos < p->len) {
            unsigned char c = (unsigned char)p->s[p->pos];
            if (c == '"' || c == '\\' || c < 0x20)
                break;
            p->pos++;
        }
        sb_put(b, p->s + start, p->pos - start);
        if (p->pos >= p->len) {
            fail(p, "unterminated string");
            return 0;
        }
        unsigned char c = (unsigned char)p->s[p->pos];
        if (c == '"') {
            p->pos++;
            return 1;
        }
        if (c < 0x20) {
            fail(p, "control character in string (must be escaped)");
            return 0;
        }
        /* backslash */
        p->pos++;
        if (p->pos >= p->len) {
            fail(p, "unterminated string");
            return 0;
        }
        char e = p->s[p->pos++];
        switch (e) {
        case '"': sb_putc(b, '"'); break;
        case '\\': sb_putc(b, '\\'); break;
        case '/': sb_putc(b, '/'); break;
        case 'b': sb_putc(b, '\b'); break;
        case 'f': sb_putc(b, '\f'); break;
        case 'n': sb_putc(b, '\n'); break;
        case 'r': sb_putc(b, '\r'); break;
        case 't': sb_putc(b, '\t'); break;
        case 'u': {
            unsigned cp;
            if (!hex4(p, &cp))
                return 0;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                unsigned lo;
                if (p->len - p->pos >= 6 && p->s[p->pos] == '\\' &&
                    p->s[p->pos + 1] == 'u') {
                    size_t save = p->pos;
                    p->pos += 2;
                    if (!hex4(p, &lo))
                        return 0;
                    if (lo >= 0xDC00 && lo <= 0xDFFF)
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    else {
                        cp = 0xFFFD; /* lone high surrogate */
                        p->pos = save;
                    }
                } else
                    cp = 0xFFFD;
            } else if (cp >= 0xDC00 && cp <= 0xDFFF)
                cp = 0xFFFD; /* lone low surrogate */
            put_utf8(b, cp);
            break;
        }
        default:
            p->pos--;
            fail(p, "invalid escape in string");
            return 0;
        }
    }
}

static jv *parse_number(parser *p)
{
    size_t start = p->pos;
    const char *s = p->s;
    size_t i = p->pos;
    if (i < p->len && s[i] == '-')
        i++;
    if (i < p->len && s[i] == '0')
        i++;
    else if (i < p->len && s[i] >= '1' && s[i] <= '9') {
        while (i < p->len && s[i] >= '0' && s[i] <= '9')
            i++;
    } else {
        p->pos = i;
        fail(p, "invalid number");
        return NULL;
    }
    if (i < p->len && s[i] == '.') {
        i++;
        if (!(i < p->len && s[i] >= '0' && s[i] <= '9')) {
            p->pos = i;
            fail(p, "invalid number: digit expected after '.'");
            return NULL;
        }
        while (i < p->len && s[i] >= '0' && s[i] <= '9')
            i++;
    }
    if (i < p->len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < p->len && (s[i] == '+' || s[i] == '-'))
            i++;
        if (!(i < p->len && s[i] >= '0' && s[i] <= '9')) {
            p->pos = i;
            fail(p, "invalid number: digit expected in exponent");
            return NULL;
        }
        while (i < p->len && s[i] >= '0' && s[i] <= '9')
            i++;
    }
    char tmp[64];
    char *txt = tmp;
    size_t n = i - start;
    if (n >= sizeof tmp)
        txt = xmalloc(n + 1);
    memcpy(txt, s + start, n);
    txt[n] = 0;
    jv *v = new_jv(JV_NUM);
    v->u.n = strtod(txt, NULL);
    if (txt != tmp)
        free(txt);
    p->pos = i;
    return v;
}

static int match_word(parser *p, const char *w)
{
    size_t n = strlen(w);
    if (p->len - p->pos >= n && memcmp(p->s + p->pos, w, n) == 0) {
        p->pos += n;
        return 1;
    }
    return 0;
}

static void push_item(jv *c, jv *item, char *key)
{
    if (c->u.c.n == c->u.c.cap) {
        size_t cap = c->u.c.cap ? c->u.c.cap * 2 : 4;
        c->u.c.items = xrealloc(c->u.c.items, cap * sizeof(jv *));
        if (c->type == JV_OBJ)
            c->u.c.keys = xrealloc(c->u.c.keys, cap * sizeof(char *));
        c->u.c.cap = cap;
    }
    c->u.c.items[c->u.c.n] = item;
    if (c->type == JV_OBJ)
        c->u.c.keys[c->u.c.n] = key;
    c->u.c.n++;
}

static jv *parse_value(parser *p, int depth)
{
    skip_ws(p);
    if (p->pos >= p->len) {
        fail(p, "unexpected end of input, a value was expected");
        return NULL;
    }
    char c = p->s[p->pos];
    if (c == '{' || c == '[') {
        if (depth >= JV_MAX_DEPTH) {
            fail(p, "nesting too deep (limit " "256" ")");
            return NULL;
        }
        int obj = c == '{';
        char close = obj ? '}' : ']';
        jv *v = new_jv(obj ? JV_OBJ : JV_ARR);
        p->pos++;
        skip_ws(p);
        if (p->pos < p->len && p->s[p->pos] == close) {
            p->pos++;
            return v;
        }
        for (;;) {
            char *key = NULL;
            skip_ws(p);
            if (obj) {
                if (p->pos >= p->len || p->s[p->pos] != '"') {
                    fail(p, p->pos >= p->len ? "unexpected end of input in object"
                                             : "object key (a string) expected");
                    jv_free(v);
                    return NULL;
                }
                sbuf kb = SBUF_INIT;
                if (!parse_string(p, &kb)) {
                    sb_free(&kb);
                    jv_free(v);
                    return NULL;
                }
                key = sb_detach(&kb, NULL);
                skip_ws(p);
                if (p->pos >= p->len || p->s[p->pos] != ':') {
                    fail(p, "':' expected after object key");
                    free(key);
                    jv_free(v);
                    return NULL;
                }
                p->pos++;
            }
            jv *item = parse_value(p, depth + 1);
            if (!item) {
                free(key);
                jv_free(v);
                return NULL;
            }
            push_item(v, item, key);
            skip_ws(p);
            if (p->pos < p->len && p->s[p->pos] == ',') {
                p->pos++;
                continue;
            }
            if (p->pos < p->len && p->s[p->pos] == close) {
                p->pos++;
                return v;
            }
            fail(p, p->pos >= p->len ? (obj ? "unexpected end of input in object"
                                            : "unexpected end of input in array")
                                     : (obj ? "',' or '}' expected in object"
                                            : "',' or ']' expected in array"));
            jv_free(v);
            return NULL;
        }
    }
    if (c == '"') {
        sbuf b = SBUF_INIT;
        if (!parse_string(p, &b)) {
            sb_free(&b);
            return NULL;
        }
        jv *v = new_jv(JV_STR);
        v->u.str.s = sb_detach(&b, &v->u.str.len);
        return v;
    }
    if (c == '-' || (c >= '0' && c <= '9'))
        return parse_number(p);
    if (match_word(p, "true")) {
        jv *v = new_jv(JV_BOOL);
        v->u.b = 1;
        return v;
    }
    if (match_word(p, "false"))
        return new_jv(JV_BOOL);
    if (match_word(p, "null"))
        return new_jv(JV_NULL);
    fail(p, "unexpected character, a value was expected");
    return NULL;
}

jv *jv_parse(const char *s, size_t len, char *err, size_t errcap)
{
    parser p = {s, len, 0, err, errcap, 0};
    if (err && errcap)
        err[0] = 0;
    /* skip a UTF-8 byte order mark */
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        p.pos = 3;
    jv *v = parse_value(&p, 0);
    if (!v)
        return NULL;
    skip_ws(&p);
    if (p.pos != p.len) {
        fail(&p, "unexpected text after the JSON value");
        jv_free(v);
        return NULL;
    }
    return v;
}

void jv_free(jv *v)
{
    if (!v)
        return;
    if (v->type == JV_STR)
        free(v->u.str.s);
    else if (v->type == JV_ARR || v->type == JV_OBJ) {
        for (size_t i = 0; i < v->u.c.n; i++) {
            jv_free(v->u.c.items[i]);
            if (v->u.c.keys)
                free(v->u.c.keys[i]);
        }
        free(v->u.c.items);
        free(v->u.c.keys);
    }
    free(v);
}

int jv_type(const jv *v) { return v ? v->type : JV_NONE; }

const char *jv_type_name(int type)
{
    switch (type) {
    case JV_NULL: return "null";
    case JV_BOOL: return "boolean";
    case JV_NUM: return "number";
    case JV_STR: return "string";
    case JV_ARR: return "array";
    case JV_OBJ: return "object";
    default: return "missing";
    }
}

jv *jv_get(const jv *obj, const char *key)
{
    if (!obj || obj->type != JV_OBJ)
        return NULL;
    for (size_t i = obj->u.c.n; i-- > 0;)
        if (strcmp(obj->u.c.keys[i], key) == 0)
            return obj->u.c.items[i];
    return NULL;
}

const char *jv_str(const jv *v, size_t *len)
{
    if (!v || v->type != JV_STR) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = v->u.str.len;
    return v->u.str.s;
}

double jv_num(const jv *v) { return v && v->type == JV_NUM ? v->u.n : 0.0; }

int jv_bool(const jv *v) { return v && v->type == JV_BOOL ? v->u.b : 0; }

size_t jv_len(const jv *v)
{
    if (!v)
        return 0;
    if (v->type == JV_STR)
        return v->u.str.len;
    if (v->type == JV_ARR || v->type == JV_OBJ)
        return v->u.c.n;
    return 0;
}

jv *jv_at(const jv *arr, size_t i)
{
    if (!arr || (arr->type != JV_ARR && arr->type != JV_OBJ) || i >= arr->u.c.n)
        return NULL;
    return arr->u.c.items[i];
}

const char *jv_key_at(const jv *obj, size_t i)
{
    if (!obj || obj->type != JV_OBJ || i >= obj->u.c.n)
        return NULL;
    return obj->u.c.keys[i];
}

void jv_dump(sbuf *b, const jv *v)
{
    if (!v) {
        sb_puts(b, "null");
        return;
    }
    switch (v->type) {
    case JV_NULL: sb_puts(b, "null"); break;
    case JV_BOOL: sb_puts(b, v->u.b ? "true" : "false"); break;
    case JV_NUM:
        if (!isfinite(v->u.n))
            sb_puts(b, "null");
        else if (fabs(v->u.n) < 1e15 && v->u.n == (double)(long long)v->u.n)
            /* the range test first: casting a double past long long's
             * range is undefined (tests/fuzz/corpus/json/ub-dump-huge-number-cast) */
            sb_printf(b, "%lld", (long long)v->u.n);
        else
            sb_printf(b, "%.17g", v->u.n);
        break;
    case JV_STR: sb_json_str(b, v->u.str.s, v->u.str.len); break;
    case JV_ARR:
    case JV_OBJ:
        sb_putc(b, v->type == JV_ARR ? '[' : '{');
        for (size_t i = 0; i < v->u.c.n; i++) {
            if (i)
                sb_putc(b, ',');
            if (v->type == JV_OBJ) {
                sb_json_cstr(b, v->u.c.keys[i]);
                sb_putc(b, ':');
            }
            jv_dump(b, v->u.c.items[i]);
        }
        sb_putc(b, v->type == JV_ARR ? ']' : '}');
        break;
    }
}
