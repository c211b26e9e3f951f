/*
 * tool.h - the I/O contract and shared helpers of the guest tools
 * (docs/tools.md, "The contract").
 *
 * A tool reads one JSON object on stdin (tool_input), and writes exactly
 * one object {"content": "...", "is_error": B, "metadata": {...}} on stdout
 * (tool_result / tool_fail).  It exits 0, or 1 when is_error.
 *
 * Guest paths are absolute or relative to "/", which is the work dir.
 */
#ifndef TOOLS_TOOL_H
#define TOOLS_TOOL_H

#include <stddef.h>
#include <sys/types.h>

#include "buf.h"
#include "json.h"

/* ---- input and result ---------------------------------------------- */

/* Reads all of stdin and parses it.  Bad JSON, or a value that is not an
 * object, prints an error result and exits 1. */
jv *tool_input(void);

/* Prints the one result object and flushes stdout.  metadata_json is the
 * text of a JSON object, or NULL for {}. */
void tool_result(const char *content, size_t len, int is_error,
                 const char *metadata_json);

/* Error result with a printf-formatted message, then exit(1). */
void tool_fail(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));
/* The same with metadata (JSON object text or NULL). */
void tool_fail_meta(const char *metadata_json, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 2, 3)));

/* Input accessors.  A JSON null counts as absent.  A wrong type, a missing
 * required key or an out-of-range number is a tool_fail with a message
 * naming the key, what was expected and what was given. */
const char *tool_str(const jv *in, const char *key, int required, size_t *len);
long long tool_int(const jv *in, const char *key, long long def,
                   long long min, long long max);
int tool_bool(const jv *in, const char *key, int def);

/* ---- metadata builder ------------------------------------------------- */
/* meta_begin(&b); meta_str(&b,"k","v"); meta_int(&b,"n",3); meta_end(&b);
 * then sb_cstr(&b) is a JSON object. */
void meta_begin(sbuf *b);
void meta_str(sbuf *b, const char *key, const char *val);
void meta_strn(sbuf *b, const char *key, const char *val, size_t len);
void meta_int(sbuf *b, const char *key, long long val);
void meta_bool(sbuf *b, const char *key, int val);
void meta_raw(sbuf *b, const char *key, const char *json);
void meta_end(sbuf *b);

/* ---- paths ------------------------------------------------------------ */

/* Joins p to cwd (when p is relative) and normalises: "//" and "." go,
 * ".." removes a component.  ".." above "/" stays at "/" and sets
 * *escaped (if not NULL).  The result is absolute, without a trailing
 * slash (except "/"), malloc'd. */
char *tool_path_resolve(const char *cwd, const char *p, int *escaped);

/* A tool's path argument: relative to "/", normalised; an empty path or
 * one whose ".." would climb above "/" is a tool_fail naming `what` (the
 * input key, e.g. "file_path"). */
char *tool_path(const char *p, const char *what);

/* tool_str + tool_path: the normalised path in key (NULL when absent and
 * not required).  A NUL byte in it is a tool_fail. */
char *tool_path_arg(const jv *in, const char *key, int required);

char *tool_dirname(const char *path);          /* malloc'd; "/" for "/x" */
const char *tool_basename(const char *path);   /* pointer into path */

/* A short human reason for errno e; EPERM/EACCES/ENOTCAPABLE say that the
 * sandbox refused (e.g. a path or symlink that leaves the work dir). */
const char *tool_errno_msg(int e);
/* The same for an operation on path: when the sandbox refused it, names the
 * symlink along path that leaves the work dir (static buffer). */
const char *tool_path_errmsg(const char *path, int e);

/* ---- files ------------------------------------------------------------- */

#define TOOL_MAX_FILE_BYTES (64u * 1024 * 1024) /* default read cap */

/* Reads a whole regular file.  Returns 0, or -1 with a message naming the
 * path in *err (missing file, directory, larger than cap, I/O error).
 * *data is NUL-terminated and malloc'd. */
int tool_read_file(const char *path, size_t cap, char **data, size_t *len,
                   sbuf *err);

/* Creates dir and its missing parents (like mkdir -p).  0 or -1 + err. */
int tool_mkdirs(const char *dir, sbuf *err);

/* Follows symlinks at path (relative ones, within the guest) to the path
 * that a write should replace.  Absolute symlink targets and targets above
 * "/" are refused: they leave the work dir.  0 + *out (malloc'd), or -1. */
int tool_resolve_links(const char *path, char **out, sbuf *err);

/* Writes data to path atomically: a temp file in the same directory, then
 * rename over path.  On any failure the old file is intact and the temp
 * file is removed.  Missing parent directories are created.  Symlinks at
 * path are followed (see tool_resolve_links).  0 or -1 + err. */
int tool_write_atomic(const char *path, const void *data, size_t len,
                      sbuf *err);

/* 1 if the bytes look binary (a NUL byte, or many control bytes, in the
 * first 8 KiB). */
int tool_is_binary(const char *data, size_t len);

/* ---- lines -------------------------------------------------------------- */

typedef struct {
    const char *p;
    size_t len; /* without the '\n' */
} tool_line;

/* "a\nb" and "a\nb\n" have 2 lines, "" has 0, "\n" has 1 (empty). */
size_t tool_count_lines(const char *data, size_t len);
/* Splits into lines; *out is malloc'd (caller frees), returns the count. */
size_t tool_split_lines(const char *data, size_t len, tool_line **out);

#define TOOL_LINE_WIDTH 6       /* cat -n style: "%6zu\t" */
#define TOOL_MAX_LINE_CHARS 2000

/* Appends "%6zu\t" + text + "\n" with a trailing "\r" removed; text
 * longer than maxlen bytes is cut (at a UTF-8 boundary) and gets the
 * marker " [... line truncated: N bytes, showing the first M]".
 * Returns 1 if it truncated. */
int tool_put_numbered(sbuf *b, size_t lineno, const char *p, size_t len,
                      size_t maxlen);
/* The same text handling without the number (for grep). */
int tool_put_text(sbuf *b, const char *p, size_t len, size_t maxlen);

/* "1 line" / "2 lines": appends n and the noun, plural when n != 1. */
void tool_put_count(sbuf *b, unsigned long long n, const char *one,
                    const char *many);

#endif
