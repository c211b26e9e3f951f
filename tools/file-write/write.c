/*
 * file-write.wasm - the write tool (docs/tools.md).
 *
 * Input: file_path, content (both required).  Creates missing parent
 * directories and writes atomically (a temp file in the same directory,
 * then rename), so a failure at any point leaves the old file intact.
 * A symlink at file_path is followed when its target stays inside the
 * work dir, and refused otherwise.
 *
 * Result: "Created PATH (N lines, M bytes)." or "Wrote PATH (N lines,
 * M bytes; it had K bytes before)."  metadata {file_path, bytes, lines,
 * is_new}.
 */
#include "tool.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int main(void)
{
    jv *in = tool_input();
    char *path = tool_path_arg(in, "file_path", 1);
    size_t len;
    const char *content = tool_str(in, "content", 1, &len);

    sbuf meta = SBUF_INIT;
    meta_begin(&meta);
    meta_str(&meta, "file_path", path);
    meta_end(&meta);
    if (strcmp(path, "/") == 0)
        tool_fail_meta(sb_cstr(&meta), "Cannot write /: it is the work dir "
                       "itself, not a file");

    struct stat st;
    int is_new = 1;
    unsigned long long old_bytes = 0;
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            tool_fail_meta(sb_cstr(&meta), "Cannot write %s: it is a "
                           "directory", path);
        is_new = 0;
        old_bytes = (unsigned long long)st.st_size;
    }

    sbuf err = SBUF_INIT;
    if (tool_write_atomic(path, content, len, &err))
        tool_fail_meta(sb_cstr(&meta), "%s", sb_cstr(&err));

    size_t lines = tool_count_lines(content, len);
    sbuf out = SBUF_INIT;
    sb_printf(&out, "%s %s (", is_new ? "Created" : "Wrote", path);
    tool_put_count(&out, lines, "line", "lines");
    sb_puts(&out, ", ");
    tool_put_count(&out, len, "byte", "bytes");
    if (!is_new) {
        sb_puts(&out, "; it had ");
        tool_put_count(&out, old_bytes, "byte", "bytes");
        sb_puts(&out, " before");
    }
    sb_puts(&out, ").");

    meta_begin(&meta);
    meta_str(&meta, "file_path", path);
    meta_int(&meta, "bytes", (long long)len);
    meta_int(&meta, "lines", (long long)lines);
    meta_bool(&meta, "is_new", is_new);
    meta_end(&meta);
    tool_result(sb_cstr(&out), out.len, 0, sb_cstr(&meta));
    return 0;
}
