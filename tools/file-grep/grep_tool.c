/*
 * file-grep.wasm - the grep tool (DESIGN section 6).
 *
 * Input: pattern (required; a POSIX extended regular expression, with
 * musl's extensions \w \W \s \S \d \D \b \< \>), path (a file or a
 * directory, default "/"), glob (only search files whose name - or, when
 * the glob has a "/", whose path relative to path - matches), output_mode
 * ("files_with_matches" default, "content", "count"), case_insensitive
 * (false), line_numbers (true; content mode), context (lines before and
 * after each match, 0..100; content mode), head_limit (entries or lines
 * of output, default 250, 0 = no limit).
 *
 * A directory is searched recursively in path order; hidden names (".x")
 * and symlinked directories are skipped, and so are binary files (a NUL
 * or many control bytes in the first 8 KiB) and files over 16 MiB.
 *
 * Output by mode:
 *   files_with_matches  one path a line
 *   count               "path:N" a line (N matching lines)
 *   content             "path:N:text" for matches, "path-N-text" for
 *                       context, "--" between groups that are not
 *                       adjacent; without line_numbers "path:text"
 * then, when head_limit cut the output, a note with the totals.
 * metadata {pattern, path, output_mode, files_searched, files_matched,
 * matches, returned, truncated}.
 */
#include "glob.h"
#include "tool.h"

#include <dirent.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_FILE (16u * 1024 * 1024)
#define MAX_VISITS 200000
#define MAX_DEPTH 64

enum { M_FILES, M_CONTENT, M_COUNT };

static char **files;
static size_t nfiles, capfiles;
static size_t visits;
static int walk_stopped;
static globset gs;
static int have_glob, glob_has_slash;

static void add_file(const char *p)
{
    if (nfiles == capfiles) {
        capfiles = capfiles ? capfiles * 2 : 256;
        files = xrealloc(files, capfiles * sizeof *files);
    }
    files[nfiles++] = xstrdup(p);
}

static void walk(const char *abs, const char *rel, int depth)
{
    DIR *d = opendir(abs);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        const char *name = de->d_name;
        if (name[0] == '.')
            continue; /* ".", ".." and hidden names */
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
        struct stat lst;
        if (lstat(a.data, &lst) == 0) {
            if (S_ISDIR(lst.st_mode)) {
                if (depth < MAX_DEPTH &&
                    (!have_glob || !glob_has_slash ||
                     glob_match_path(&gs, r.data, 1)))
                    walk(a.data, r.data, depth + 1);
            } else if (!have_glob ||
                       glob_match_path(&gs, glob_has_slash ? r.data : name,
                                       0)) {
                struct stat st;
                if (stat(a.data, &st) == 0 && S_ISREG(st.st_mode))
                    add_file(a.data);
            }
        }
        sb_free(&a);
        sb_free(&r);
        if (walk_stopped)
            break;
    }
    closedir(d);
}

static int by_path(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

int main(void)
{
    jv *in = tool_input();
    size_t plen;
    const char *pattern = tool_str(in, "pattern", 1, &plen);
    if (strlen(pattern) != plen)
        tool_fail("Invalid input: \"pattern\" contains a NUL byte");
    char *base = tool_path_arg(in, "path", 0);
    if (!base)
        base = xstrdup("/");
    size_t glen;
    const char *glob = tool_str(in, "glob", 0, &glen);
    if (glob && glen == 0)
        glob = NULL;
    const char *mode_s = tool_str(in, "output_mode", 0, NULL);
    int mode = M_FILES;
    if (mode_s) {
        if (strcmp(mode_s, "files_with_matches") == 0)
            mode = M_FILES;
        else if (strcmp(mode_s, "content") == 0)
            mode = M_CONTENT;
        else if (strcmp(mode_s, "count") == 0)
            mode = M_COUNT;
        else
            tool_fail("Invalid input: \"output_mode\" must be one of "
                      "files_with_matches, content, count; got \"%s\"",
                      mode_s);
    }
    static const char *const mode_names[] = {"files_with_matches", "content",
                                             "count"};
    int icase = tool_bool(in, "case_insensitive", 0);
    int numbers = tool_bool(in, "line_numbers", 1);
    long long context = tool_int(in, "context", 0, 0, 100);
    long long head = tool_int(in, "head_limit", 250, 0, 1000000000LL);

    sbuf meta = SBUF_INIT;
    meta_begin(&meta);
    meta_str(&meta, "pattern", pattern);
    meta_str(&meta, "path", base);
    meta_str(&meta, "output_mode", mode_names[mode]);
    meta_end(&meta);
    const char *m0 = xstrdup(sb_cstr(&meta));

    regex_t re;
    int rc = regcomp(&re, pattern, REG_EXTENDED | (icase ? REG_ICASE : 0));
    if (rc != 0) {
        char msg[256];
        regerror(rc, &re, msg, sizeof msg);
        tool_fail_meta(m0, "Invalid regular expression %s: %s", pattern, msg);
    }
    if (glob) {
        sbuf err = SBUF_INIT;
        if (glob_compile(glob, &gs, &err))
            tool_fail_meta(m0, "Invalid glob %s: %s", glob, sb_cstr(&err));
        have_glob = 1;
        glob_has_slash = strchr(glob, '/') != NULL;
    }

    struct stat st;
    if (stat(base, &st) != 0) {
        int e = errno;
        if (e == ENOENT)
            tool_fail_meta(m0, "Path not found: %s", base);
        tool_fail_meta(m0, "Cannot search %s: %s", base,
                       tool_path_errmsg(base, e));
    }
    int single = 0;
    if (S_ISDIR(st.st_mode)) {
        walk(base, "", 0);
        qsort(files, nfiles, sizeof *files, by_path);
    } else if (S_ISREG(st.st_mode)) {
        add_file(base);
        single = 1;
    } else
        tool_fail_meta(m0, "Cannot search %s: not a regular file or "
                       "directory", base);

    sbuf out = SBUF_INIT;
    size_t searched = 0, matched_files = 0, returned = 0, skipped_binary = 0,
           skipped_big = 0;
    unsigned long long total_matches = 0;
    int cut = 0;
    int need_sep = 0; /* content mode: a "--" before the next group */
    for (size_t fi = 0; fi < nfiles; fi++) {
        const char *path = files[fi];
        char *data;
        size_t len;
        sbuf err = SBUF_INIT;
        if (tool_read_file(path, MAX_FILE, &data, &len, &err)) {
            if (strstr(sb_cstr(&err), "over the limit"))
                skipped_big++;
            sb_free(&err);
            continue;
        }
        if (tool_is_binary(data, len)) {
            skipped_binary++;
            free(data);
            continue;
        }
        searched++;
        tool_line *lines;
        size_t nl = tool_split_lines(data, len, &lines);
        size_t file_matches = 0;
        long long last_printed = 0; /* 1-based line last shown in content */
        long long pending_after = 0;
        for (size_t i = 0; i < nl; i++) {
            char *p = (char *)lines[i].p;
            size_t l = lines[i].len;
            char save = p[l];
            p[l] = 0;
            int hitm = regexec(&re, p, 0, NULL, 0) == 0;
            p[l] = save;
            if (!hitm) {
                if (mode == M_CONTENT && pending_after > 0 && !cut) {
                    if (head && returned >= (size_t)head)
                        cut = 1;
                    else {
                        sb_printf(&out, "%s-", path);
                        if (numbers)
                            sb_printf(&out, "%zu-", i + 1);
                        tool_put_text(&out, p, l, TOOL_MAX_LINE_CHARS);
                        sb_putc(&out, '\n');
                        returned++;
                        last_printed = (long long)i + 1;
                    }
                    pending_after--;
                }
                continue;
            }
            file_matches++;
            total_matches++;
            if (mode != M_CONTENT)
                continue;
            if (cut)
                continue;
            long long from = (long long)i + 1 - context;
            if (from <= last_printed)
                from = last_printed + 1;
            if (from < 1)
                from = 1;
            if (need_sep && context > 0 &&
                (last_printed == 0 || from > last_printed + 1)) {
                sb_puts(&out, "--\n");
            }
            for (long long k = from; k <= (long long)i + 1 && !cut; k++) {
                if (head && returned >= (size_t)head) {
                    cut = 1;
                    break;
                }
                int is_match = k == (long long)i + 1;
                sb_printf(&out, "%s%c", path, is_match ? ':' : '-');
                if (numbers)
                    sb_printf(&out, "%lld%c", k, is_match ? ':' : '-');
                tool_put_text(&out, lines[k - 1].p, lines[k - 1].len,
                              TOOL_MAX_LINE_CHARS);
                sb_putc(&out, '\n');
                returned++;
                last_printed = k;
                need_sep = 1;
            }
            pending_after = context;
        }
        if (file_matches) {
            matched_files++;
            if (mode == M_FILES || mode == M_COUNT) {
                if (head && returned >= (size_t)head)
                    cut = 1;
                else {
                    sb_puts(&out, path);
                    if (mode == M_COUNT)
                        sb_printf(&out, ":%zu", file_matches);
                    sb_putc(&out, '\n');
                    returned++;
                }
            }
        }
        if (mode == M_CONTENT && last_printed > 0 && context > 0)
            need_sep = 1;
        free(lines);
        free(data);
    }
    (void)single;

    if (total_matches == 0) {
        sb_printf(&out, "No matches for %s in %s", pattern, base);
        if (glob)
            sb_printf(&out, " (files matching %s)", glob);
        sb_printf(&out, "; %zu file%s searched", searched,
                  searched == 1 ? "" : "s");
    } else if (cut) {
        if (mode == M_CONTENT)
            sb_printf(&out, "(output cut at head_limit %lld lines: %llu "
                            "matching lines in %zu file%s in all)", head,
                      total_matches, matched_files,
                      matched_files == 1 ? "" : "s");
        else
            sb_printf(&out, "(output cut at head_limit %lld: %zu files "
                            "match in all, %zu not shown)", head,
                      matched_files, matched_files - returned);
    } else if (mode == M_COUNT) {
        sb_printf(&out, "(%llu matching lines in %zu file%s)", total_matches,
                  matched_files, matched_files == 1 ? "" : "s");
    }
    if (skipped_binary || skipped_big || walk_stopped) {
        if (out.len && out.data[out.len - 1] != '\n')
            sb_putc(&out, '\n');
        if (skipped_binary)
            sb_printf(&out, "(%zu binary file%s skipped)\n", skipped_binary,
                      skipped_binary == 1 ? "" : "s");
        if (skipped_big)
            sb_printf(&out, "(%zu file%s over %u MiB skipped)\n", skipped_big,
                      skipped_big == 1 ? "" : "s", MAX_FILE >> 20);
        if (walk_stopped)
            sb_printf(&out, "(the search stopped after visiting %d entries; "
                            "give a narrower path or glob)\n", MAX_VISITS);
    }
    while (out.len && out.data[out.len - 1] == '\n')
        out.data[--out.len] = 0;

    meta_begin(&meta);
    meta_str(&meta, "pattern", pattern);
    meta_str(&meta, "path", base);
    meta_str(&meta, "output_mode", mode_names[mode]);
    meta_int(&meta, "files_searched", (long long)searched);
    meta_int(&meta, "files_matched", (long long)matched_files);
    meta_int(&meta, "matches", (long long)total_matches);
    meta_int(&meta, "returned", (long long)returned);
    meta_bool(&meta, "truncated", cut || walk_stopped);
    meta_end(&meta);
    tool_result(sb_cstr(&out), out.len, 0, sb_cstr(&meta));
    return 0;
}
