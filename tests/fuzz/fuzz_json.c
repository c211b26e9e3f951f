/*
 * fuzz_json.c - target (e): the guest tools' JSON parser (tools/lib/json.c),
 * compiled natively.
 *
 * Input: JSON text.  Invariants: an error says where ("... at offset N",
 * N within the input); what parses prints (jv_dump) to text that parses
 * again and prints the same (a fixed point), and every accessor walks the
 * tree without tripping.
 */
#include "fuzz.h"

#include "buf.h"
#include "json.h"

static size_t walk(const jv *v, int depth)
{
    if (depth > JV_MAX_DEPTH + 1)
        fuzz_fail("a tree deeper than JV_MAX_DEPTH");
    size_t n = 1, len = jv_len(v);
    (void)jv_type_name(jv_type(v));
    (void)jv_num(v);
    (void)jv_bool(v);
    size_t sl = 0;
    const char *s = jv_str(v, &sl);
    if (s && (sl != len || s[sl] != 0))
        fuzz_fail("a string of %zu bytes says it has %zu, or is not NUL-terminated", sl, len);
    for (size_t i = 0; (jv_type(v) == JV_ARR || jv_type(v) == JV_OBJ) && i < len; i++) {
        const jv *c = jv_at(v, i);
        if (!c)
            fuzz_fail("item %zu of %zu missing", i, len);
        if (jv_type(v) == JV_OBJ) {
            const char *k = jv_key_at(v, i);
            if (!k || !jv_get(v, k))
                fuzz_fail("key %zu does not look up", i);
        }
        n += walk(c, depth + 1);
    }
    if (jv_at(v, len) != NULL)
        fuzz_fail("an item past the end");
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size ? size : 1);
    if (!text)
        fuzz_fail("out of memory");
    if (size)
        memcpy(text, data, size);
    char err[128];
    jv *v = jv_parse(text, size, err, sizeof err);
    if (!v) {
        const char *at = strstr(err, " at offset ");
        if (!at || strtoull(at + 11, NULL, 10) > size)
            fuzz_fail("error \"%s\" does not say where in %zu bytes", err, size);
        free(text);
        return 0;
    }
    walk(v, 0);
    sbuf b1, b2;
    sb_init(&b1);
    sb_init(&b2);
    jv_dump(&b1, v);
    jv *w = jv_parse(b1.data, b1.len, err, sizeof err);
    if (!w)
        fuzz_fail("the printed form does not parse: %s", err);
    jv_dump(&b2, w);
    if (b1.len != b2.len || memcmp(b1.data, b2.data, b1.len) != 0)
        fuzz_fail("printing is not a fixed point");
    jv_free(v);
    jv_free(w);
    sb_free(&b1);
    sb_free(&b2);
    free(text);
    return 0;
}
