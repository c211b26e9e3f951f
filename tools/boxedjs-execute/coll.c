/*
 * coll.c - the hot methods of Map and Set as Duktape/C functions.
 *
 * prelude/15-collections.js keeps each Map and Set in a store (a JS
 * object: dictionaries str and num of entries {key, value, next, prev,
 * removed} per kind of key, a linked list in insertion order, the size),
 * and defines every method in JavaScript.  In Duktape a method call costs
 * about as much as two property reads, and Map.prototype.get in JS is
 * eight bytecodes after the call: a Map was several times dearer than an
 * object used as a dictionary.  So Map's get, set and has, Set's add and
 * has, and both sizes are natives here, for the common case: a receiver
 * that owns its store and a string or number key.  Anything else (another
 * kind of key, a wrong receiver and its TypeError) goes to the JS method,
 * kept under the native's hidden "slow" property, which then does all of
 * it.  Both sides read and write the same store, so the rest of the
 * prelude (iteration, delete, clear) sees one state.
 *
 * The natives read the store through Duktape's internal property lookup
 * (duk_hobject_find_entry_tval_ptr: an object's own data property, no
 * prototype walk, no getters, no proxies), which is what makes them
 * cheaper than the JS; so this file is compiled inside duk_build.c, after
 * duktape.c.  They only ever read own data properties of objects that
 * the prelude made (a miss of any of them: the JS method), and write the
 * value of an existing entry in place; a new entry is made through the
 * ordinary API, as the JS would make it.
 *
 * The store hangs on its owner under a hidden symbol (no script can name
 * or list it), given to the prelude as N.mapStore and N.setStore.
 */

#include <string.h>

#include "coll.h"

#define COLL_MAP_STORE DUK_HIDDEN_SYMBOL("MapData")
#define COLL_SET_STORE DUK_HIDDEN_SYMBOL("SetData")
#define COLL_SLOW      DUK_HIDDEN_SYMBOL("slow")

enum { COLL_MAP = 0, COLL_SET = 1 }; /* a native's magic: whose store */

/* The property keys the natives look up, interned once by
 * jsx_coll_natives (and kept reachable from the heap stash). */
enum { K_MAP_STORE, K_SET_STORE, K_O, K_STR, K_NUM, K_VALUE, K_SIZE,
       K_KEY, K_NEXT, K_REMOVED, K_E, K_M, K_T, K_HEAD, K_COUNT };
static const char *const coll_key_names[K_COUNT] = {
    COLL_MAP_STORE, COLL_SET_STORE, "o", "str", "num", "value", "size",
    "key", "next", "removed", "e", "m", "t", "head",
};
static duk_hstring *coll_keys[K_COUNT];

/* The JS method: this and the native's n arguments passed on. */
static duk_ret_t coll_slow(duk_hthread *thr, duk_idx_t n)
{
    duk_idx_t i;
    duk_set_top(thr, n);
    duk_push_current_function(thr);
    duk_get_prop_literal(thr, -1, COLL_SLOW);
    duk_push_this(thr);
    for (i = 0; i < n; i++)
        duk_dup(thr, i);
    duk_call_method(thr, n);
    return 1;
}

/* o's own data property k if it holds an object, else NULL. */
static duk_hobject *coll_own_obj(duk_hthread *thr, duk_hobject *o, int k)
{
    duk_tval *tv = duk_hobject_find_entry_tval_ptr(thr->heap, o, coll_keys[k]);
    return tv != NULL && DUK_TVAL_IS_OBJECT(tv) ? DUK_TVAL_GET_OBJECT(tv) : NULL;
}

/* The store of this, if this owns one of the native's kind; else NULL. */
static duk_hobject *coll_store(duk_hthread *thr)
{
    duk_tval *tv_this = thr->valstack_bottom - 1;
    duk_hobject *self, *s;
    if (!DUK_TVAL_IS_OBJECT(tv_this))
        return NULL;
    self = DUK_TVAL_GET_OBJECT(tv_this);
    s = coll_own_obj(thr, self, duk_get_current_magic(thr) == COLL_MAP ? K_MAP_STORE : K_SET_STORE);
    return s != NULL && coll_own_obj(thr, s, K_O) == self ? s : NULL;
}

/* Looks the key (argument 0) up in store s: 1 and *e the entry or NULL;
 * 0 when the key is neither a string nor a number (the JS method's
 * case).  Strings that are not array indices are found in the hash part
 * of s.str directly; numbers (s.num) and index-like strings, which Duktape
 * may keep in an array part, through its ordinary lookup (the same
 * property key as the JS side's s.num[k]: -0 is "0", NaN is "NaN"). */
static int coll_find(duk_hthread *thr, duk_hobject *s, duk_hobject **e)
{
    duk_tval *tv_k = thr->valstack_bottom, *tv;
    duk_hobject *dict;
    int is_str = DUK_TVAL_IS_STRING(tv_k);
    if (is_str && DUK_HSTRING_HAS_SYMBOL(DUK_TVAL_GET_STRING(tv_k)))
        return 0;
    if (!is_str && !DUK_TVAL_IS_NUMBER(tv_k))
        return 0;
    dict = coll_own_obj(thr, s, is_str ? K_STR : K_NUM);
    if (dict == NULL)
        return 0;
    if (is_str && !DUK_HSTRING_HAS_ARRIDX(DUK_TVAL_GET_STRING(tv_k))) {
        tv = duk_hobject_find_entry_tval_ptr(thr->heap, dict, DUK_TVAL_GET_STRING(tv_k));
    } else {
        duk_push_hobject(thr, dict);
        duk_dup(thr, 0);
        duk_get_prop(thr, -2); /* the entry stays on the stack: alive */
        tv = duk_get_tval(thr, -1);
    }
    *e = tv != NULL && DUK_TVAL_IS_OBJECT(tv) ? DUK_TVAL_GET_OBJECT(tv) : NULL;
    return 1;
}

/* A new last entry in store s for the key (argument 0, a string or a
 * number) with the value at index vidx (-1: the key itself, for a Set),
 * made as the JS Store.prototype.add makes it. */
static void coll_add(duk_hthread *thr, duk_hobject *s, duk_idx_t vidx)
{
    duk_idx_t si, e;
    int is_str = duk_is_string(thr, 0);
    duk_push_hobject(thr, s);
    si = duk_get_top_index(thr);
    e = duk_push_object(thr);
    if (!is_str && duk_get_number(thr, 0) == 0)
        duk_push_int(thr, 0); /* -0 is stored as +0 */
    else
        duk_dup(thr, 0);
    if (vidx < 0)
        duk_dup_top(thr);
    duk_put_prop_literal(thr, e, "key");
    if (vidx >= 0)
        duk_dup(thr, vidx);
    duk_put_prop_literal(thr, e, "value");
    duk_push_null(thr);
    duk_put_prop_literal(thr, e, "next");
    duk_get_prop_literal(thr, si, "tail"); /* [.. s e tail] */
    duk_dup_top(thr);
    duk_put_prop_literal(thr, e, "prev");
    duk_push_false(thr);
    duk_put_prop_literal(thr, e, "removed");
    /* s.str[key] or s.num[key] = e */
    if (is_str)
        duk_get_prop_literal(thr, si, "str");
    else
        duk_get_prop_literal(thr, si, "num");
    duk_dup(thr, 0);
    duk_dup(thr, e);
    duk_put_prop(thr, -3);
    duk_pop(thr);
    /* tail.next = e; a deleted last entry is unlinked now */
    duk_dup(thr, e);
    duk_put_prop_literal(thr, -2, "next");
    duk_get_prop_literal(thr, -1, "removed");
    if (duk_to_boolean(thr, -1)) {
        duk_get_prop_literal(thr, -2, "prev"); /* [.. s e tail removed p] */
        duk_dup(thr, e);
        duk_put_prop_literal(thr, -2, "next");
        duk_put_prop_literal(thr, e, "prev");
    }
    duk_pop_2(thr);
    duk_put_prop_literal(thr, si, "tail"); /* s.tail = e */
    duk_get_prop_literal(thr, si, "size");
    duk_push_number(thr, duk_get_number(thr, -1) + 1);
    duk_put_prop_literal(thr, si, "size");
    duk_pop_2(thr);
}

/* Map.prototype.get(k) */
static duk_ret_t coll_map_get(duk_hthread *thr)
{
    duk_hobject *s = coll_store(thr), *e;
    duk_tval *tv;
    if (s == NULL || !coll_find(thr, s, &e))
        return coll_slow(thr, 1);
    if (e == NULL) {
        duk_push_undefined(thr);
        return 1;
    }
    tv = duk_hobject_find_entry_tval_ptr(thr->heap, e, coll_keys[K_VALUE]);
    if (tv == NULL)
        return coll_slow(thr, 1);
    duk_push_tval(thr, tv);
    return 1;
}

/* Map.prototype.set(k, v) */
static duk_ret_t coll_map_set(duk_hthread *thr)
{
    duk_hobject *s = coll_store(thr), *e;
    duk_tval *tv;
    if (s == NULL || !coll_find(thr, s, &e))
        return coll_slow(thr, 2);
    if (e == NULL)
        coll_add(thr, s, 1);
    else if ((tv = duk_hobject_find_entry_tval_ptr(thr->heap, e, coll_keys[K_VALUE])) != NULL)
        DUK_TVAL_SET_TVAL_UPDREF(thr, tv, thr->valstack_bottom + 1);
    else
        return coll_slow(thr, 2);
    duk_push_this(thr);
    return 1;
}

/* Map.prototype.has(k), Set.prototype.has(v) */
static duk_ret_t coll_has(duk_hthread *thr)
{
    duk_hobject *s = coll_store(thr), *e;
    if (s == NULL || !coll_find(thr, s, &e))
        return coll_slow(thr, 1);
    duk_push_boolean(thr, e != NULL);
    return 1;
}

/* Set.prototype.add(v) */
static duk_ret_t coll_set_add(duk_hthread *thr)
{
    duk_hobject *s = coll_store(thr), *e;
    if (s == NULL || !coll_find(thr, s, &e))
        return coll_slow(thr, 1);
    if (e == NULL)
        coll_add(thr, s, -1);
    duk_push_this(thr);
    return 1;
}

/* get Map.prototype.size, get Set.prototype.size */
static duk_ret_t coll_size(duk_hthread *thr)
{
    duk_hobject *s = coll_store(thr);
    duk_tval *tv = s == NULL ? NULL : duk_hobject_find_entry_tval_ptr(thr->heap, s, coll_keys[K_SIZE]);
    if (tv == NULL)
        return coll_slow(thr, 0);
    duk_push_tval(thr, tv);
    return 1;
}

/* The live entry after e (deleted ones skipped) in *next, NULL at the
 * end: 1; 0 for a list the prelude did not make.  Nothing allocates. */
static int coll_next_live(duk_hthread *thr, duk_hobject *e, duk_hobject **next)
{
    for (;;) {
        duk_tval *tv = duk_hobject_find_entry_tval_ptr(thr->heap, e, coll_keys[K_NEXT]);
        if (tv == NULL || !(DUK_TVAL_IS_OBJECT(tv) || DUK_TVAL_IS_NULL(tv)))
            return 0;
        if (DUK_TVAL_IS_NULL(tv)) {
            *next = NULL;
            return 1;
        }
        e = DUK_TVAL_GET_OBJECT(tv);
        tv = duk_hobject_find_entry_tval_ptr(thr->heap, e, coll_keys[K_REMOVED]);
        if (tv == NULL || !DUK_TVAL_IS_BOOLEAN(tv))
            return 0;
        if (!DUK_TVAL_GET_BOOLEAN(tv)) {
            *next = e;
            return 1;
        }
    }
}

/* Pushes what iterating entry e gives, [key, value] (pair: a Map) or its
 * key: 1; 0, nothing pushed, for an entry without them.  Both are pushed
 * before the pair allocates (a collection may compact property tables). */
static int coll_push_item(duk_hthread *thr, duk_hobject *e, int pair)
{
    duk_tval *tv_key = duk_hobject_find_entry_tval_ptr(thr->heap, e, coll_keys[K_KEY]);
    duk_tval *tv_val = duk_hobject_find_entry_tval_ptr(thr->heap, e, coll_keys[K_VALUE]);
    if (tv_key == NULL || tv_val == NULL)
        return 0;
    duk_push_tval(thr, tv_key);
    if (pair) {
        duk_push_tval(thr, tv_val);
        duk_pack(thr, 2);
    }
    return 1;
}

/* c.n() of a CollCursor {e, m} (walking a Map or Set without an iterator
 * object): the next live entry's [key, value] (m true: a Map) or key, or
 * c itself at the end; c.e moves to that entry (null at the end). */
static duk_ret_t coll_cursor_next(duk_hthread *thr)
{
    duk_tval *tv_this = thr->valstack_bottom - 1, *tv_e, *tv_m;
    duk_hobject *c, *e;
    int pair;
    if (!DUK_TVAL_IS_OBJECT(tv_this))
        return coll_slow(thr, 0);
    c = DUK_TVAL_GET_OBJECT(tv_this);
    tv_e = duk_hobject_find_entry_tval_ptr(thr->heap, c, coll_keys[K_E]);
    tv_m = duk_hobject_find_entry_tval_ptr(thr->heap, c, coll_keys[K_M]);
    if (tv_e == NULL || tv_m == NULL || !DUK_TVAL_IS_BOOLEAN(tv_m))
        return coll_slow(thr, 0);
    if (DUK_TVAL_IS_NULL(tv_e)) {
        duk_push_this(thr);
        return 1;
    }
    pair = DUK_TVAL_GET_BOOLEAN(tv_m);
    if (!DUK_TVAL_IS_OBJECT(tv_e) || !coll_next_live(thr, DUK_TVAL_GET_OBJECT(tv_e), &e))
        return coll_slow(thr, 0);
    if (e == NULL) { /* the end */
        duk_push_null(thr);
        DUK_TVAL_SET_TVAL_UPDREF(thr, tv_e, duk_get_tval(thr, -1));
        duk_push_this(thr);
        return 1;
    }
    duk_push_hobject(thr, e);
    if (!coll_push_item(thr, e, pair))
        return coll_slow(thr, 0);
    /* the cursor's slot last, looked up again after the allocation (the
     * entry it leaves may be a deleted one, freed now, and nothing is
     * read after) */
    tv_e = duk_hobject_find_entry_tval_ptr(thr->heap, c, coll_keys[K_E]);
    if (tv_e != NULL)
        DUK_TVAL_SET_TVAL_UPDREF(thr, tv_e, duk_get_tval(thr, -2));
    return 1;
}

/* N.collArray(s, n): the first n (n < 0: all) live entries of store s, a
 * Map's as [key, value] (s.t 1), a Set's as their keys, in a new array:
 * spread and array destructuring of a collection (prelude/05-lower.js
 * arr()), without a cursor step per element. */
static duk_ret_t coll_array(duk_hthread *thr)
{
    duk_tval *tv;
    duk_hobject *s, *e;
    double lim = duk_to_number(thr, 1);
    duk_uarridx_t i = 0;
    int pair;
    if (!duk_is_object(thr, 0))
        return coll_slow(thr, 2);
    s = duk_get_hobject(thr, 0);
    tv = duk_hobject_find_entry_tval_ptr(thr->heap, s, coll_keys[K_T]);
    e = coll_own_obj(thr, s, K_HEAD);
    if (tv == NULL || !DUK_TVAL_IS_NUMBER(tv) || e == NULL)
        return coll_slow(thr, 2);
    pair = DUK_TVAL_GET_NUMBER(tv) == 1;
    duk_push_array(thr);
    duk_push_hobject(thr, e); /* the entry being read, kept alive */
    while (lim < 0 || i < lim) {
        if (!coll_next_live(thr, e, &e))
            return coll_slow(thr, 2);
        if (e == NULL)
            break;
        duk_push_hobject(thr, e);
        duk_replace(thr, -2);
        if (!coll_push_item(thr, e, pair))
            return coll_slow(thr, 2);
        duk_put_prop_index(thr, -3, i++);
    }
    duk_pop(thr);
    return 1;
}

/* N.dense(a): whether a is an Array whose elements below its length are
 * all there (no holes), read from its array part; false when unsure (no
 * array part: the caller then reads each element).  Spread turns holes
 * into the values the iterator reads (prelude/05-lower.js spr, cat). */
static duk_ret_t coll_dense(duk_hthread *thr)
{
    duk_hobject *h = duk_get_hobject(thr, 0);
    int dense = 0;
    if (h != NULL && DUK_HOBJECT_IS_ARRAY(h) && DUK_HOBJECT_HAS_ARRAY_PART(h)) {
        duk_uint32_t len = ((duk_harray *)h)->length, i;
        duk_tval *tv = DUK_HOBJECT_A_GET_BASE(thr->heap, h);
        dense = len <= DUK_HOBJECT_GET_ASIZE(h);
        for (i = 0; dense && i < len; i++)
            dense = !DUK_TVAL_IS_UNUSED(tv + i);
    }
    duk_push_boolean(thr, dense);
    return 1;
}

static const struct {
    const char *name;
    duk_c_function fn;
    duk_idx_t nargs;
    int magic;
} coll_natives[] = {
    {"mapGet", coll_map_get, 1, COLL_MAP}, {"mapSet", coll_map_set, 2, COLL_MAP},
    {"mapHas", coll_has, 1, COLL_MAP},     {"mapSize", coll_size, 0, COLL_MAP},
    {"setAdd", coll_set_add, 1, COLL_SET}, {"setHas", coll_has, 1, COLL_SET},
    {"setSize", coll_size, 0, COLL_SET},   {"cursorNext", coll_cursor_next, 0, COLL_MAP},
    {"collArray", coll_array, 2, COLL_MAP},
};

/* N.collNative(name, slow): the native method name (mapGet, ...) with slow
 * as its JS fallback, named as slow is. */
static duk_ret_t coll_native(duk_hthread *thr)
{
    const char *name = duk_require_string(thr, 0);
    size_t i;
    duk_require_function(thr, 1);
    for (i = 0; i < sizeof coll_natives / sizeof coll_natives[0]; i++) {
        if (strcmp(coll_natives[i].name, name) != 0)
            continue;
        duk_push_c_function(thr, coll_natives[i].fn, coll_natives[i].nargs);
        duk_set_magic(thr, -1, coll_natives[i].magic);
        duk_dup(thr, 1);
        duk_put_prop_literal(thr, -2, COLL_SLOW);
        duk_push_literal(thr, "name");
        duk_get_prop_literal(thr, 1, "name");
        duk_def_prop(thr, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_FORCE |
                                  DUK_DEFPROP_SET_CONFIGURABLE | DUK_DEFPROP_CLEAR_WRITABLE |
                                  DUK_DEFPROP_CLEAR_ENUMERABLE);
        return 1;
    }
    return duk_error(thr, DUK_ERR_TYPE_ERROR, "no native collection method %s", name);
}

void jsx_coll_natives(duk_context *ctx, duk_idx_t n)
{
    duk_uarridx_t i;
    n = duk_normalize_index(ctx, n);
    /* the keys, interned and kept in the stash (the pointers stay valid
     * for the heap's life, and in a snapshot of it) */
    duk_push_heap_stash(ctx);
    duk_push_array(ctx);
    for (i = 0; i < K_COUNT; i++) {
        duk_push_string(ctx, coll_key_names[i]);
        coll_keys[i] = duk_get_hstring(ctx, -1);
        duk_put_prop_index(ctx, -2, i);
    }
    duk_put_prop_literal(ctx, -2, "jsexecCollKeys");
    duk_pop(ctx);
    duk_push_c_function(ctx, coll_native, 2);
    duk_put_prop_literal(ctx, n, "collNative");
    duk_push_c_function(ctx, coll_dense, 1);
    duk_put_prop_literal(ctx, n, "dense");
    duk_push_literal(ctx, COLL_MAP_STORE);
    duk_put_prop_literal(ctx, n, "mapStore");
    duk_push_literal(ctx, COLL_SET_STORE);
    duk_put_prop_literal(ctx, n, "setStore");
}
