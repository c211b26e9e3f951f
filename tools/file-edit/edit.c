/*
 * file-edit.wasm - the edit tool (docs/tools.md).
 *
 * Input: file_path, old_string, new_string (required), replace_all
 * (default false).  Replaces the exact text old_string by new_string and
 * writes the file atomically (temp file + rename).
 *
 * Errors: old_string empty, old_string == new_string, old_string not
 * found (with a hint when only the file's CRLF line endings differ), or
 * found n > 1 times without replace_all (the message gives n and the
 * first lines where it matches).  Binary files, directories and missing
 * files are errors as in read.
 *
 * Result: "Edited PATH: replaced N occurrence(s)." and a numbered snippet
 * (cat -n style) of the new text around the first change: 3 lines of
 * context each side, at most 60 lines.  metadata {file_path,
 * replacements}.
 */
#include "tool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SNIPPET_CONTEXT 3
#define SNIPPET_MAX 60
#define LIST_MAX 10

static const char *find(const char *h, size_t hl, const char *n, size_t nl)
{
    if (nl == 0 || nl > hl)
        return NULL;
    const char *end = h + hl - nl;
    for (const char *p = h; p <= end;) {
        p = memchr(p, n[0], (size_t)(end - p) + 1);
        if (!p)
            return NULL;
        if (memcmp(p, n, nl) == 0)
            return p;
        p++;
    }
    return NULL;
}

static size_t count(const char *h, size_t hl, const char *n, size_t nl)
{
    size_t c = 0;
    const char *p = h, *end = h + hl;
    while ((p = find(p, (size_t)(end - p), n, nl)) != NULL) {
        c++;
        p += nl;
    }
    return c;
}

static size_t line_of(const char *s, size_t off)
{
    size_t n = 1;
    for (size_t i = 0; i < off; i++)
        if (s[i] == '\n')
            n++;
    return n;
}

int main(void)
{
    jv *in = tool_input();
    char *path = tool_path_arg(in, "file_path", 1);
    size_t ol, nl;
    const char *old = tool_str(in, "old_string", 1, &ol);
    const char *new = tool_str(in, "new_string", 1, &nl);
    int all = tool_bool(in, "replace_all", 0);

    sbuf meta = SBUF_INIT;
    meta_begin(&meta);
    meta_str(&meta, "file_path", path);
    meta_int(&meta, "replacements", 0);
    meta_end(&meta);
    const char *m0 = sb_cstr(&meta);

    if (ol == 0)
        tool_fail_meta(m0, "old_string is empty; give the exact text to "
                       "replace in %s (use write to create or overwrite a "
                       "whole file)", path);
    if (ol == nl && memcmp(old, new, ol) == 0)
        tool_fail_meta(m0, "old_string and new_string are identical; there "
                       "is nothing to change in %s", path);

    char *data;
    size_t len;
    sbuf err = SBUF_INIT;
    if (tool_read_file(path, TOOL_MAX_FILE_BYTES, &data, &len, &err)) {
        /* "Cannot read X: ..." reads badly for an edit */
        const char *e = sb_cstr(&err);
        if (strncmp(e, "Cannot read ", 12) == 0)
            tool_fail_meta(m0, "Cannot edit %s", e + 12);
        tool_fail_meta(m0, "%s", e);
    }
    if (tool_is_binary(data, len))
        tool_fail_meta(m0, "Cannot edit %s: it is a binary file (%zu bytes)",
                       path, len);

    size_t n = count(data, len, old, ol);
    if (n == 0) {
        sbuf msg = SBUF_INIT;
        sb_printf(&msg, "old_string was not found in %s (", path);
        tool_put_count(&msg, tool_count_lines(data, len), "line", "lines");
        sb_puts(&msg, "). It must match exactly, including whitespace and "
                      "indentation.");
        /* a CRLF file and an LF old_string? */
        if (memchr(old, '\n', ol) && find(data, len, "\r\n", 2)) {
            sbuf crlf = SBUF_INIT;
            for (size_t i = 0; i < ol; i++) {
                if (old[i] == '\n' && (i == 0 || old[i - 1] != '\r'))
                    sb_putc(&crlf, '\r');
                sb_putc(&crlf, old[i]);
            }
            if (count(data, len, crlf.data, crlf.len) > 0)
                sb_puts(&msg, " The file has CRLF (\\r\\n) line endings; "
                              "old_string matches with \\r\\n instead of "
                              "\\n.");
            sb_free(&crlf);
        }
        tool_fail_meta(m0, "%s", sb_cstr(&msg));
    }
    if (n > 1 && !all) {
        sbuf msg = SBUF_INIT;
        sb_printf(&msg, "old_string matches %zu times in %s (at lines ", n,
                  path);
        const char *p = data, *end = data + len;
        size_t shown = 0, line = 1;
        const char *lp = data;
        while (shown < LIST_MAX &&
               (p = find(p, (size_t)(end - p), old, ol)) != NULL) {
            for (; lp < p; lp++)
                if (*lp == '\n')
                    line++;
            sb_printf(&msg, "%s%zu", shown ? ", " : "", line);
            shown++;
            p += ol;
        }
        if (n > shown)
            sb_printf(&msg, ", and %zu more", n - shown);
        sb_printf(&msg, "); set replace_all to true to replace all %zu, or "
                        "include more surrounding text in old_string to "
                        "make it unique", n);
        meta_begin(&meta);
        meta_str(&meta, "file_path", path);
        meta_int(&meta, "replacements", 0);
        meta_int(&meta, "matches", (long long)n);
        meta_end(&meta);
        tool_fail_meta(sb_cstr(&meta), "%s", sb_cstr(&msg));
    }

    /* build the new text */
    sbuf out = SBUF_INIT;
    sb_reserve(&out, len + (nl > ol ? (nl - ol) * n : 0));
    const char *p = data, *end = data + len;
    size_t first_off = (size_t)-1;
    for (;;) {
        const char *q = find(p, (size_t)(end - p), old, ol);
        if (!q) {
            sb_put(&out, p, (size_t)(end - p));
            break;
        }
        sb_put(&out, p, (size_t)(q - p));
        if (first_off == (size_t)-1)
            first_off = out.len;
        sb_put(&out, new, nl);
        p = q + ol;
    }

    if (tool_write_atomic(path, out.data, out.len, &err)) {
        const char *e = sb_cstr(&err);
        if (strncmp(e, "Cannot write ", 13) == 0)
            tool_fail_meta(m0, "Cannot edit %s", e + 13);
        tool_fail_meta(m0, "%s", e);
    }

    /* snippet around the first change, in the new text */
    tool_line *lines;
    size_t total = tool_split_lines(out.data, out.len, &lines);
    size_t a = line_of(out.data, first_off);
    size_t b = line_of(out.data, first_off + (nl ? nl - 1 : 0));
    if (nl > 0 && new[nl - 1] == '\n' && b > a)
        b = line_of(out.data, first_off + nl - 1); /* ends on that line */
    size_t from = a > SNIPPET_CONTEXT ? a - SNIPPET_CONTEXT : 1;
    size_t to = b + SNIPPET_CONTEXT;
    if (to > total)
        to = total;
    sbuf res = SBUF_INIT;
    sb_printf(&res, "Edited %s: replaced ", path);
    tool_put_count(&res, n, "occurrence", "occurrences");
    sb_puts(&res, ".");
    if (total == 0) {
        sb_puts(&res, " The file is now empty.");
    } else {
        if (from > total)
            from = total;
        size_t shown_to = to;
        if (shown_to - from + 1 > SNIPPET_MAX)
            shown_to = from + SNIPPET_MAX - 1;
        sb_printf(&res, " Lines %zu-%zu of the file now%s:\n", from, shown_to,
                  n > 1 ? " (around the first change)" : "");
        for (size_t i = from; i <= shown_to; i++)
            tool_put_numbered(&res, i, lines[i - 1].p, lines[i - 1].len,
                              TOOL_MAX_LINE_CHARS);
        if (shown_to < to)
            sb_printf(&res, "... (snippet cut at %d lines)\n", SNIPPET_MAX);
    }
    meta_begin(&meta);
    meta_str(&meta, "file_path", path);
    meta_int(&meta, "replacements", (long long)n);
    meta_end(&meta);
    tool_result(sb_cstr(&res), res.len, 0, sb_cstr(&meta));
    return 0;
}
