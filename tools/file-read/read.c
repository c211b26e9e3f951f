/*
 * file-read.wasm - the read tool (docs/tools.md).
 *
 * Input: file_path (required), offset (1-based first line, default 1),
 * limit (number of lines, default 2000).
 *
 * Output: numbered lines in `cat -n` style: the line number right-aligned
 * in 6 columns, a tab, the text, a newline.  A trailing "\r" is dropped.
 * Lines over 2000 bytes are cut at a character boundary and end with
 * " [... line truncated: N bytes, showing the first M]".  The output
 * stops early after 256 KiB.  When lines remain after the window a
 * footer says how many and which offset reads on.
 *
 * The file is streamed, so any size can be paged through with
 * offset/limit.  Binary files (a NUL byte or many control bytes in the
 * first 8 KiB), directories and missing files are errors; an empty file
 * gets a note.
 *
 * metadata: {file_path, offset, total_lines, lines_returned, truncated,
 * long_lines_truncated}; truncated is true when lines were left out after
 * the window.
 */
#include "tool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define OUTPUT_CAP (256 * 1024)

typedef struct {
    sbuf out;
    sbuf line;            /* the first bytes of the current line */
    size_t line_len;      /* its full length so far */
    size_t lineno;        /* number of the current line */
    size_t first, last;   /* the window, inclusive */
    size_t returned;
    size_t long_cut;
    size_t stopped_at;    /* line where the output cap stopped us, or 0 */
} reader;

static void emit(reader *r)
{
    size_t n = r->lineno;
    if (n >= r->first && n <= r->last && !r->stopped_at) {
        if (r->out.len >= OUTPUT_CAP) {
            r->stopped_at = n;
        } else {
            sb_printf(&r->out, "%*zu\t", TOOL_LINE_WIDTH, n);
            const char *p = sb_cstr(&r->line);
            size_t full = r->line_len;
            if (full > 0 && full == r->line.len && p[full - 1] == '\r')
                full--;
            if (full <= TOOL_MAX_LINE_CHARS) {
                sb_put(&r->out, p, full);
            } else {
                size_t cut = utf8_cut(p, r->line.len, TOOL_MAX_LINE_CHARS);
                sb_put(&r->out, p, cut);
                sb_printf(&r->out, " [... line truncated: %zu bytes, showing "
                                   "the first %zu]", full, cut);
                r->long_cut++;
            }
            sb_putc(&r->out, '\n');
            r->returned++;
        }
    }
    sb_reset(&r->line);
    r->line_len = 0;
    r->lineno++;
}

static void feed(reader *r, const char *p, size_t n)
{
    while (n > 0) {
        const char *nl = memchr(p, '\n', n);
        size_t seg = nl ? (size_t)(nl - p) : n;
        if (r->lineno >= r->first && r->lineno <= r->last) {
            size_t room = TOOL_MAX_LINE_CHARS + 8;
            if (r->line.len < room) {
                size_t take = room - r->line.len;
                sb_put(&r->line, p, seg < take ? seg : take);
            }
        }
        r->line_len += seg;
        if (!nl)
            return;
        emit(r);
        p += seg + 1;
        n -= seg + 1;
    }
}

int main(void)
{
    jv *in = tool_input();
    char *path = tool_path_arg(in, "file_path", 1);
    long long offset = tool_int(in, "offset", 1, 1, 1LL << 50);
    long long limit = tool_int(in, "limit", 2000, 1, 1LL << 50);

    struct stat st;
    sbuf meta = SBUF_INIT;
    meta_begin(&meta);
    meta_str(&meta, "file_path", path);
    meta_end(&meta);
    if (stat(path, &st) != 0) {
        int e = errno;
        if (e == ENOENT)
            tool_fail_meta(sb_cstr(&meta), "File not found: %s", path);
        tool_fail_meta(sb_cstr(&meta), "Cannot read %s: %s", path,
                       tool_path_errmsg(path, e));
    }
    if (S_ISDIR(st.st_mode))
        tool_fail_meta(sb_cstr(&meta), "Cannot read %s: it is a directory, "
                       "not a file (use glob to list it)", path);
    if (!S_ISREG(st.st_mode))
        tool_fail_meta(sb_cstr(&meta), "Cannot read %s: not a regular file",
                       path);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        tool_fail_meta(sb_cstr(&meta), "Cannot read %s: %s", path,
                       tool_path_errmsg(path, errno));

    reader r;
    memset(&r, 0, sizeof r);
    r.lineno = 1;
    r.first = (size_t)offset;
    r.last = (size_t)(offset + limit - 1);
    static char chunk[65536];
    unsigned long long bytes = 0;
    int first_chunk = 1;
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            tool_fail_meta(sb_cstr(&meta), "Cannot read %s: %s", path,
                           tool_path_errmsg(path, errno));
        }
        if (n == 0)
            break;
        if (first_chunk && tool_is_binary(chunk, (size_t)n))
            tool_fail_meta(sb_cstr(&meta), "Cannot read %s: it is a binary "
                           "file (%llu bytes); read shows text files only",
                           path, (unsigned long long)st.st_size);
        first_chunk = 0;
        bytes += (unsigned long long)n;
        feed(&r, chunk, (size_t)n);
    }
    close(fd);
    if (r.line_len > 0)
        emit(&r);
    size_t total = r.lineno - 1;

    sbuf *out = &r.out;
    if (total == 0) {
        sb_printf(out, "The file %s is empty (0 bytes).", path);
    } else if ((size_t)offset > total) {
        meta_begin(&meta);
        meta_str(&meta, "file_path", path);
        meta_int(&meta, "total_lines", (long long)total);
        meta_end(&meta);
        tool_fail_meta(sb_cstr(&meta), "offset %lld is past the end of %s, "
                       "which has %zu line%s", offset, path, total,
                       total == 1 ? "" : "s");
    } else {
        size_t shown_last = (size_t)offset + r.returned - 1;
        if (shown_last < total) {
            size_t more = total - shown_last;
            sb_printf(out, "... %zu more line%s (showing lines %lld-%zu of "
                           "%zu", more, more == 1 ? "" : "s", offset,
                      shown_last, total);
            if (r.stopped_at)
                sb_printf(out, "; the output limit of %d KiB was reached",
                          OUTPUT_CAP / 1024);
            sb_printf(out, "; use offset=%zu to continue)", shown_last + 1);
        }
    }
    (void)bytes;
    meta_begin(&meta);
    meta_str(&meta, "file_path", path);
    meta_int(&meta, "offset", offset);
    meta_int(&meta, "total_lines", (long long)total);
    meta_int(&meta, "lines_returned", (long long)r.returned);
    meta_bool(&meta, "truncated",
              total > 0 && (size_t)offset + r.returned - 1 < total);
    meta_int(&meta, "long_lines_truncated", (long long)r.long_cut);
    meta_end(&meta);
    tool_result(sb_cstr(out), out->len, 0, sb_cstr(&meta));
    return 0;
}
