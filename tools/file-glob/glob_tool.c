/*
 * file-glob.wasm - the glob tool (docs/tools.md).
 *
 * Input: pattern (required), path (the directory to search, default "/").
 * A pattern that starts with "/" is taken from the root instead of path.
 * Syntax: * ? [..] {a,b} ** and \c (see tools/lib/glob.h); names that
 * start with "." are only matched by a pattern segment that starts with
 * ".", and ** does not enter hidden directories.  Symlinks to files are
 * listed; symlinked directories are not entered.
 *
 * Output: the matching files as absolute guest paths, one a line, newest
 * first (mtime; ties by path), at most 250, then a note on how many were
 * left out.  metadata {pattern, path, matches, returned, truncated}.
 */
#include "glob.h"
#include "tool.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_RESULTS 250
#define MAX_VISITS 200000
#define MAX_DEPTH 64

typedef struct {
    char *path; /* absolute guest path */
    long long mtime_s;
    long mtime_ns;
} hit;

static hit *hits;
static size_t nhits, caphits;
static size_t visits;
static int walk_stopped;
static globset gs;

static void walk(const char *abs, const char *rel, int depth)
{
    DIR *d = opendir(abs);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        const char *name = de->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
            continue;
        if (++visits > MAX_VISITS) {
            walk_stopped = 1;
            break;
        }
        sbuf a = SBUF_INIT, r = SBUF_INIT;
        sb_puts(&a, abs);
        if (strcmp(abs, "/") != 0)
            sb_putc(&a, '/');
        sb_puts(&a, name);
        if (*rel) {
            sb_puts(&r, rel);
            sb_putc(&r, '/');
        }
        sb_puts(&r, name);
        struct stat lst, st;
        if (lstat(a.data, &lst) != 0)
            goto next;
        if (S_ISDIR(lst.st_mode)) {
            if (depth < MAX_DEPTH && glob_match_path(&gs, r.data, 1))
                walk(a.data, r.data, depth + 1);
        } else if (glob_match_path(&gs, r.data, 0)) {
            if (stat(a.data, &st) != 0 || !S_ISREG(st.st_mode))
                goto next; /* dangling, escaping or not a file */
            if (nhits == caphits) {
                caphits = caphits ? caphits * 2 : 256;
                hits = xrealloc(hits, caphits * sizeof *hits);
            }
            hits[nhits].path = sb_detach(&a, NULL);
            hits[nhits].mtime_s = (long long)st.st_mtim.tv_sec;
            hits[nhits].mtime_ns = st.st_mtim.tv_nsec;
            nhits++;
        }
    next:
        sb_free(&a);
        sb_free(&r);
        if (walk_stopped)
            break;
    }
    closedir(d);
}

static int by_mtime(const void *x, const void *y)
{
    const hit *a = x, *b = y;
    if (a->mtime_s != b->mtime_s)
        return a->mtime_s > b->mtime_s ? -1 : 1;
    if (a->mtime_ns != b->mtime_ns)
        return a->mtime_ns > b->mtime_ns ? -1 : 1;
    return strcmp(a->path, b->path);
}

int main(void)
{
    jv *in = tool_input();
    size_t plen;
    const char *pattern = tool_str(in, "pattern", 1, &plen);
    char *base = tool_path_arg(in, "path", 0);
    if (!base)
        base = xstrdup("/");
    if (plen == 0)
        tool_fail("Invalid input: \"pattern\" is empty; give a glob such as "
                  "**/*.c");
    if (strlen(pattern) != plen)
        tool_fail("Invalid input: \"pattern\" contains a NUL byte");

    const char *pat = pattern;
    if (pat[0] == '/') {
        free(base);
        base = xstrdup("/");
        while (*pat == '/')
            pat++;
    }
    sbuf meta = SBUF_INIT;
    meta_begin(&meta);
    meta_str(&meta, "pattern", pattern);
    meta_str(&meta, "path", base);
    meta_end(&meta);

    struct stat st;
    if (stat(base, &st) != 0) {
        int e = errno;
        if (e == ENOENT)
            tool_fail_meta(sb_cstr(&meta), "Directory not found: %s", base);
        tool_fail_meta(sb_cstr(&meta), "Cannot search %s: %s", base,
                       tool_path_errmsg(base, e));
    }
    if (!S_ISDIR(st.st_mode))
        tool_fail_meta(sb_cstr(&meta), "Cannot search %s: it is a file, not "
                       "a directory (give its directory as path)", base);
    sbuf err = SBUF_INIT;
    if (!*pat)
        tool_fail_meta(sb_cstr(&meta), "Invalid pattern %s: it names no "
                       "file", pattern);
    if (glob_compile(pat, &gs, &err))
        tool_fail_meta(sb_cstr(&meta), "Invalid pattern %s: %s", pattern,
                       sb_cstr(&err));

    walk(base, "", 0);
    qsort(hits, nhits, sizeof *hits, by_mtime);

    sbuf out = SBUF_INIT;
    size_t shown = nhits < MAX_RESULTS ? nhits : MAX_RESULTS;
    for (size_t i = 0; i < shown; i++) {
        sb_puts(&out, hits[i].path);
        sb_putc(&out, '\n');
    }
    if (nhits == 0)
        sb_printf(&out, "No files match %s in %s", pattern, base);
    else if (nhits > shown)
        sb_printf(&out, "(%zu more files not shown: %zu files match, showing "
                        "the newest %d)", nhits - shown, nhits, MAX_RESULTS);
    if (walk_stopped)
        sb_printf(&out, "%s(the search stopped after visiting %d entries; "
                        "give a narrower path or pattern)",
                  out.len && out.data[out.len - 1] != '\n' ? "\n" : "",
                  MAX_VISITS);
    while (out.len && out.data[out.len - 1] == '\n')
        out.data[--out.len] = 0;

    meta_begin(&meta);
    meta_str(&meta, "pattern", pattern);
    meta_str(&meta, "path", base);
    meta_int(&meta, "matches", (long long)nhits);
    meta_int(&meta, "returned", (long long)shown);
    meta_bool(&meta, "truncated", nhits > shown || walk_stopped);
    meta_end(&meta);
    tool_result(sb_cstr(&out), out.len, 0, sb_cstr(&meta));
    return 0;
}
