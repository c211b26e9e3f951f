/*
 * html.h - web-fetch's HTML to text / markdown converter and URL helpers.
 *
 * The converter is a tolerant, single-pass tokenizer (no DOM): it never
 * fails, whatever the input.  It handles tags with attributes (quoted or
 * not), character references (the common named ones and all numeric
 * ones), comments, doctypes, CDATA, and skips script, style, noscript,
 * template, svg, iframe, select and elements with the `hidden` attribute.
 * Block elements become line breaks or paragraphs, whitespace collapses as
 * a browser would, headings, lists, links, images, pre/code, blockquotes
 * and tables are rendered (markdown syntax in markdown mode, plain layout
 * in text mode).  Links keep their target, resolved against the page URL
 * (or its <base href>).  The first <title> is returned separately.
 *
 * The input must be UTF-8 (see wf_to_utf8); invalid bytes pass through
 * and are replaced later by the JSON escaper.
 */
#ifndef WEB_FETCH_HTML_H
#define WEB_FETCH_HTML_H

#include <stddef.h>

#include "buf.h"

enum { HTML_TEXT = 0, HTML_MARKDOWN = 1 };

/* Converts html[0..len) into out (appended, no trailing newline).  base_url
 * (may be NULL) resolves relative links.  *title gets the page's title,
 * whitespace collapsed, malloc'd, or NULL when there is none. */
void html_convert(const char *html, size_t len, int mode, const char *base_url, sbuf *out,
                  char **title);

/* Resolves the reference ref against the absolute URL base (RFC 3986
 * section 5.2, with dot segments removed), malloc'd.  Tabs and newlines in
 * ref are dropped and surrounding spaces trimmed, as browsers do.  When base
 * is NULL or not absolute, ref is returned as given (trimmed). */
char *url_resolve(const char *base, const char *ref, size_t ref_len);

/* Scheme, host and port of an absolute URL compared (lower-case, default
 * ports filled in): 1 when both have the same origin. */
int url_same_origin(const char *a, const char *b);

/* The charset named in a Content-Type value or in a <meta> tag of the first
 * 1024 bytes of an HTML document, lower-cased into buf ("" if none). */
void html_charset(const char *content_type, const char *body, size_t len, int is_html,
                  char *buf, size_t cap);

/* 1 when s[0..len) is valid UTF-8. */
int utf8_valid(const char *s, size_t len);

/* If charset names Latin-1 / windows-1252 (or is empty) and the data is not
 * valid UTF-8, converts it (as windows-1252, which is what browsers do for
 * both labels) into out and returns 1; otherwise returns 0 and leaves out
 * untouched. */
int wf_to_utf8(const char *charset, const char *data, size_t len, sbuf *out);

/* Appends the UTF-8 encoding of code point cp (U+FFFD for invalid ones). */
void utf8_put(sbuf *b, unsigned long cp);

#endif
