/*
 * ere.h - the grep tool's pattern front end: POSIX extended regular
 * expressions as musl's regcomp reads them, checked for the syntax of
 * other engines (PCRE, ripgrep, JavaScript) that ERE lacks or reads
 * differently, and rewritten for multiline search.
 *
 * What musl's ERE takes besides POSIX: \w \W \s \S \d \D (word, space and
 * digit classes), \b \B \< \> (word boundaries), \n \t \r \f \e and \xHH,
 * \x{H...} (characters).  Every other backslash before a letter or a
 * digit would silently match the plain letter or digit, so it is refused
 * here with the ERE spelling; so are (?...) groups of every kind, escapes
 * inside brackets ([\d], [^\n], [\]]), possessive quantifiers (a*+), a
 * "{" that does not start an interval, and, in multiline mode, lazy
 * quantifiers (a*?: they change what a match spans; line by line they
 * select the same lines as the greedy a*, which ERE reads them as).  A
 * newline in the pattern (\n, or the character) is refused line by line,
 * where it can never match.
 *
 * In multiline mode a pattern with ^ or $ is compiled with REG_NEWLINE
 * (they then match at each line's start and end) and rewritten where
 * REG_NEWLINE keeps matches from newlines: "." becomes (.|NL), [^...]
 * becomes ([^...]|NL) unless the list holds a newline itself, \W and \D
 * become (\W|NL) and (\D|NL).  Without anchors no REG_NEWLINE is needed:
 * the pattern is compiled as it is, and all of these match newlines.
 */
#ifndef TOOLS_GREP_ERE_H
#define TOOLS_GREP_ERE_H

#include "buf.h"

/* Checks pattern.  0: *out (malloc'd) is the pattern to hand to regcomp
 * with REG_EXTENDED, and REG_NEWLINE when *newline is 1.  -1: err holds what
 * is wrong, each piece named with its byte offset in the pattern and its
 * ERE spelling, and, when every piece has one, the whole pattern in ERE
 * ("In POSIX ERE: ..."). */
int ere_prepare(const char *pattern, int multiline, int icase, char **out,
                int *newline, sbuf *err);

/* A hint for a regcomp error code (appended to b, "" when none). */
void ere_hint(const char *pattern, int rc, sbuf *b);

#endif
