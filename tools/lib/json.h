/*
 * json.h - a compact JSON parser for the guest tools.
 *
 * Full JSON (RFC 8259): strings with every escape, \uXXXX surrogate pairs
 * decoded to UTF-8, numbers, arrays, objects, nesting up to JV_MAX_DEPTH.
 * Strings are NUL-terminated copies and keep their length (they may hold
 * NUL bytes from \u0000).  Object keys keep their order; with duplicate
 * keys jv_get returns the last one.
 *
 * Every accessor accepts NULL or a value of the wrong type and returns a
 * neutral answer (NULL, 0, 0.0), so chains like jv_str(jv_get(o,"k"),0)
 * are safe.
 */
#ifndef TOOLS_JSON_H
#define TOOLS_JSON_H

#include <stddef.h>

enum { JV_NONE = -1, JV_NULL = 0, JV_BOOL, JV_NUM, JV_STR, JV_ARR, JV_OBJ };

#define JV_MAX_DEPTH 256

typedef struct jv jv;

/* Parses exactly one JSON value (surrounding whitespace allowed).  On error
 * returns NULL and writes "MESSAGE at offset N" into err (if errcap > 0). */
jv *jv_parse(const char *s, size_t len, char *err, size_t errcap);
void jv_free(jv *v);

int jv_type(const jv *v);                   /* JV_NONE for NULL */
const char *jv_type_name(int type);         /* "null", "string", ... */
jv *jv_get(const jv *obj, const char *key); /* NULL if absent / not obj */
const char *jv_str(const jv *v, size_t *len);   /* NULL if not a string */
double jv_num(const jv *v);
int jv_bool(const jv *v);
size_t jv_len(const jv *v);                 /* items of array/object, bytes of string */
jv *jv_at(const jv *arr, size_t i);         /* array item or object value */
const char *jv_key_at(const jv *obj, size_t i);

struct sbuf;
/* Appends the compact JSON text of v to b. */
void jv_dump(struct sbuf *b, const jv *v);

#endif
