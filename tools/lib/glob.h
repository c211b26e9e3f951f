/*
 * glob.h - glob patterns for the guest tools (glob, grep; usable by bash).
 *
 *   *      any run of characters except '/'
 *   ?      one character except '/'
 *   [..]   a class: [abc] [a-z] [!a-z] [^a-z]; ']' first is literal
 *   {a,b}  alternatives, nested allowed (expanded up to GLOB_MAX_ALTS)
 *   **     as a whole path segment: zero or more directories
 *   \c     the character c literally
 *
 * Hidden names: a segment that starts with '.' is matched only by a
 * pattern segment that starts with a literal '.'; '*', '?', '[..]' and
 * '**' never match a leading '.'.
 */
#ifndef TOOLS_GLOB_H
#define TOOLS_GLOB_H

#include <stddef.h>

#include "buf.h"

#define GLOB_MAX_ALTS 1024

typedef struct {
    char **pats; /* brace-expanded alternatives */
    size_t n;
} globset;

/* Expands braces.  0, or -1 with a message in err (too many alternatives). */
int glob_compile(const char *pattern, globset *gs, sbuf *err);
void glob_free(globset *gs);

/* Matches one segment (no '/') against one pattern segment. */
int glob_match_seg(const char *pat, size_t plen, const char *s, size_t slen);

/* Matches a relative path ("a/b/c.txt") against the set.  With prefix
 * set, also true when path is a directory that some match could lie
 * under (used to prune a walk). */
int glob_match_path(const globset *gs, const char *path, int prefix);

/* 1 if the pattern has any of * ? [ { (otherwise it is a literal). */
int glob_has_magic(const char *pattern);

#endif
