/*
 * coll.h - Map's and Set's hot methods as natives (coll.c).
 */
#ifndef JSEXEC_COLL_H
#define JSEXEC_COLL_H

#include "duktape.h"

/* Adds to the natives object at index n: collNative(name, slow) and the
 * stores' hidden keys mapStore and setStore (prelude/15-collections.js),
 * and dense(a) (an array without holes: prelude/05-lower.js). */
void jsx_coll_natives(duk_context *ctx, duk_idx_t n);

#endif
