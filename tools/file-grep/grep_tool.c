/*
 * file-grep.wasm - the grep tool (docs/tools.md).
 *
 * Input: pattern (required; a POSIX extended regular expression, with
 * musl's extensions \w \W \s \S \d \D \b \< \>; ere.h checks it for
 * the syntax of other engines), path (a file or a directory, default
 * "/"), glob (only search files whose name - or, when the glob has a "/",
 * whose path relative to path - matches), output_mode
 * ("files_with_matches" default, "content", "count"), case_insensitive
 * (false), line_numbers (true; content mode), context (lines before and
 * after each match, 0..100; content mode), head_limit (entries or lines
 * of output, default 250, 0 = no limit), multiline (false: the pattern is
 * matched against the whole file, "." matches newlines, ^ and $ match at
 * each line).  The keys of ripgrep-style tools are taken too: "-i"
 * (case_insensitive), "-n" (line_numbers), "-C" (context), "-A" and "-B"
 * (lines after and before each match, each winning over -C and context
 * for its side); when both spellings are given, the short one wins.
 *
 * A directory is searched recursively in path order; hidden names (".x")
 * and symlinked directories are skipped, and so are binary files (a NUL
 * or many control bytes in the first 8 KiB) and files over 16 MiB.
 *
 * Output by mode:
 *   files_with_matches  one path a line
 *   count               "path:N" a line (N matching lines; N matches
 *                       in multiline mode)
 *   content             "path:N:text" for matching lines (in multiline
 *                       mode every line a match touches), "path-N-text"
 *                       for context, "--" between groups that are not
 *                       adjacent when there is context; without line
 *                       numbers "path:text" and "path-text"
 * then, when head_limit cut the output, a note with the totals.
 * metadata {pattern, path, output_mode, [multiline: true,] files_searched,
 * files_matched, matches (matching lines; matches in multiline mode),
 * returned, truncated}.
 */
#include "ere.h"
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

/* Line by line: hit[i] for each line that matches; returns their count. */
static size_t search_lines(regex_t *re, tool_line *lines, size_t nl,
                           unsigned char *hit)
{
    size_t n = 0;
    for (size_t i = 0; i < nl; i++) {
        char *p = (char *)lines[i].p;
        size_t l = lines[i].len;
        char save = p[l];
        p[l] = 0;
        int m = regexec(re, p, 0, NULL, 0) == 0;
        p[l] = save;
        hit[i] = (unsigned char)m;
        n += (size_t)m;
    }
    return n;
}

/* Multiline: the whole file (NUL-terminated) at once, one match after
 * another; hit[i] for each line a match touches (a line's newline belongs
 * to it).  Returns the number of matches. */
static size_t search_multi(regex_t *re, const char *data, size_t len,
                           tool_line *lines, size_t nl, unsigned char *hit)
{
    size_t n = 0, pos = 0, k = 0;
    memset(hit, 0, nl);
    while (pos <= len && nl > 0) {
        regmatch_t m;
        int ef = pos > 0 && data[pos - 1] != '\n' ? REG_NOTBOL : 0;
        if (regexec(re, data + pos, 1, &m, ef) != 0)
            break;
        size_t s = pos + (size_t)m.rm_so, e = pos + (size_t)m.rm_eo;
        if (s >= len && (len == 0 || data[len - 1] == '\n'))
            break; /* an empty match after the last line */
        n++;
        size_t last = e > s ? e - 1 : s;
        while (k + 1 < nl && (size_t)(lines[k + 1].p - data) <= s)
            k++;
        for (size_t j = k; j < nl && (size_t)(lines[j].p - data) <= last; j++)
            hit[j] = 1;
        pos = e > s ? e : e + 1;
    }
    return n;
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
    /* Each ripgrep-style key wins over its long spelling when given. */
    int icase = tool_bool(in, "case_insensitive", 0);
    int short_i = tool_bool(in, "-i", -1);
    if (short_i >= 0)
        icase = short_i;
    int numbers = tool_bool(in, "line_numbers", 1);
    int short_n = tool_bool(in, "-n", -1);
    if (short_n >= 0)
        numbers = short_n;
    long long context = tool_int(in, "context", 0, 0, 100);
    long long short_c = tool_int(in, "-C", -1, 0, 100);
    if (short_c >= 0)
        context = short_c;
    long long after = tool_int(in, "-A", -1, 0, 100);
    long long before = tool_int(in, "-B", -1, 0, 100);
    if (after < 0)
        after = context;
    if (before < 0)
        before = context;
    int multiline = tool_bool(in, "multiline", 0);
    long long head = tool_int(in, "head_limit", 250, 0, 1000000000LL);

    sbuf meta = SBUF_INIT;
    meta_begin(&meta);
    meta_str(&meta, "pattern", pattern);
    meta_str(&meta, "path", base);
    meta_str(&meta, "output_mode", mode_names[mode]);
    if (multiline)
        meta_bool(&meta, "multiline", 1);
    meta_end(&meta);
    const char *m0 = xstrdup(sb_cstr(&meta));

    char *rx;
    int newline;
    sbuf perr = SBUF_INIT;
    if (ere_prepare(pattern, multiline, icase, &rx, &newline, &perr))
        tool_fail_meta(m0, "Invalid regular expression %s: %s", pattern,
                       sb_cstr(&perr));
    regex_t re;
    int rc = regcomp(&re, rx, REG_EXTENDED | (icase ? REG_ICASE : 0) |
                                  (newline ? REG_NEWLINE : 0));
    if (rc != 0) {
        char msg[256];
        regerror(rc, &re, msg, sizeof msg);
        sbuf hint = SBUF_INIT;
        ere_hint(pattern, rc, &hint);
        tool_fail_meta(m0, "Invalid regular expression %s: %s%s", pattern,
                       msg, sb_cstr(&hint));
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
    if (S_ISDIR(st.st_mode)) {
        walk(base, "", 0);
        qsort(files, nfiles, sizeof *files, by_path);
    } else if (S_ISREG(st.st_mode)) {
        add_file(base);
    } else
        tool_fail_meta(m0, "Cannot search %s: not a regular file or "
                       "directory", base);

    sbuf out = SBUF_INIT;
    size_t searched = 0, matched_files = 0, returned = 0, skipped_binary = 0,
           skipped_big = 0;
    unsigned long long total_matches = 0;
    int cut = 0;
    int with_context = before > 0 || after > 0;
    int printed_any = 0; /* content mode: a group was shown before */
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
        unsigned char *hit = xmalloc(nl ? nl : 1);
        size_t file_matches =
            multiline ? search_multi(&re, data, len, lines, nl, hit)
                      : search_lines(&re, lines, nl, hit);
        total_matches += file_matches;
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
        if (mode == M_CONTENT && file_matches && !cut) {
            /* Each line within `before` lines before or `after` lines
             * after a matching line is shown (depth counts the windows
             * open at a line); groups that are not adjacent get "--". */
            int *edge = xmalloc((nl + 1) * sizeof *edge);
            memset(edge, 0, (nl + 1) * sizeof *edge);
            for (size_t i = 0; i < nl; i++) {
                if (!hit[i])
                    continue;
                size_t from = i >= (size_t)before ? i - (size_t)before : 0;
                size_t to = i + (size_t)after + 1;
                if (to > nl)
                    to = nl;
                edge[from]++;
                edge[to]--;
            }
            int depth = 0;
            long long prev = -2; /* the line shown last, in this file */
            for (size_t i = 0; i < nl; i++) {
                depth += edge[i];
                if (depth <= 0)
                    continue;
                if (head && returned >= (size_t)head) {
                    cut = 1;
                    break;
                }
                if (with_context && printed_any && (long long)i != prev + 1)
                    sb_puts(&out, "--\n");
                char sep = hit[i] ? ':' : '-';
                sb_printf(&out, "%s%c", path, sep);
                if (numbers)
                    sb_printf(&out, "%zu%c", i + 1, sep);
                tool_put_text(&out, lines[i].p, lines[i].len,
                              TOOL_MAX_LINE_CHARS);
                sb_putc(&out, '\n');
                returned++;
                printed_any = 1;
                prev = (long long)i;
            }
            free(edge);
        }
        free(hit);
        free(lines);
        free(data);
    }

    const char *what = multiline ? "matches" : "matching lines";
    if (total_matches == 0) {
        sb_printf(&out, "No matches for %s in %s", pattern, base);
        if (glob)
            sb_printf(&out, " (files matching %s)", glob);
        sb_printf(&out, "; %zu file%s searched", searched,
                  searched == 1 ? "" : "s");
    } else if (cut) {
        if (mode == M_CONTENT)
            sb_printf(&out, "(output cut at head_limit %lld lines: %llu "
                            "%s in %zu file%s in all)", head, total_matches,
                      total_matches == 1 && multiline ? "match" : what,
                      matched_files, matched_files == 1 ? "" : "s");
        else
            sb_printf(&out, "(output cut at head_limit %lld: %zu files "
                            "match in all, %zu not shown)", head,
                      matched_files, matched_files - returned);
    } else if (mode == M_COUNT) {
        sb_printf(&out, "(%llu %s in %zu file%s)", total_matches,
                  total_matches == 1 && multiline ? "match" : what,
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
    if (multiline)
        meta_bool(&meta, "multiline", 1);
    meta_int(&meta, "files_searched", (long long)searched);
    meta_int(&meta, "files_matched", (long long)matched_files);
    meta_int(&meta, "matches", (long long)total_matches);
    meta_int(&meta, "returned", (long long)returned);
    meta_bool(&meta, "truncated", cut || walk_stopped);
    meta_end(&meta);
    tool_result(sb_cstr(&out), out.len, 0, sb_cstr(&meta));
    return 0;
}
