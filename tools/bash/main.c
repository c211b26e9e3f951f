/* bash.wasm: the tool entry point.
 *
 * Input  {"command": "...", "timeout": seconds (optional, 1..600),
 *         "description": "..." (optional: what the command does, in a few
 *         words, as Claude Code's Bash tool takes it; not used, only
 *         echoed in metadata)}
 * Output one JSON result (tools/lib tool_result):
 *   content = the command's stdout;
 *             then, if stderr is non-empty: a newline if the content does
 *             not end with one, the line "[stderr]" and the stderr text;
 *             then, if the exit code is non-zero: a newline if needed and
 *             the line "[exit code: N]";
 *             "(no output)" when all of the above are empty.
 *             A stream longer than its cap (stdout 1 MiB, stderr 256 KiB)
 *             is cut and followed by "[stdout truncated: N bytes, showing
 *             the first M]" (or stderr).
 *   metadata = {exit_code, stdout_bytes, stderr_bytes, stdout_total_bytes,
 *               stderr_total_bytes, truncated, timeout, [description]}
 *              stdout_bytes is the number of content bytes (from the start)
 *              that are stdout, so stdout is content[0 .. stdout_bytes).
 *   is_error = exit code != 0.
 * The timeout itself is enforced by the sandbox (corral tool --timeout). */
#include "sh.h"
#include "tool.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STDOUT_CAP ((size_t)1 << 20)
#define STDERR_CAP ((size_t)256 << 10)

int main(void) {
    jv *in = tool_input();
    size_t clen;
    const char *cmd = tool_str(in, "command", 1, &clen);
    long long timeout = tool_int(in, "timeout", 30, 1, 600);
    size_t dlen;
    const char *desc = tool_str(in, "description", 0, &dlen);
    if (strlen(cmd) != clen) tool_fail("command: contains a NUL byte");

    Buf out = {0}, err = {0};
    out.limit = STDOUT_CAP;
    err.limit = STDERR_CAP;
    int code = sh_run(cmd, &out, &err, "");

    sbuf c = SBUF_INIT;
    sb_put(&c, out.s ? out.s : "", out.len);
    size_t stdout_bytes = out.len;
    if (out.truncated) {
        if (c.len && c.data[c.len - 1] != '\n') sb_putc(&c, '\n');
        sb_printf(&c, "[stdout truncated: %zu bytes, showing the first %zu]\n", out.total, out.len);
    }
    if (err.len) {
        if (c.len && c.data[c.len - 1] != '\n') sb_putc(&c, '\n');
        sb_puts(&c, "[stderr]\n");
        sb_put(&c, err.s, err.len);
        if (err.truncated) {
            if (c.data[c.len - 1] != '\n') sb_putc(&c, '\n');
            sb_printf(&c, "[stderr truncated: %zu bytes, showing the first %zu]\n", err.total, err.len);
        }
    }
    if (code != 0) {
        if (c.len && c.data[c.len - 1] != '\n') sb_putc(&c, '\n');
        sb_printf(&c, "[exit code: %d]", code);
    }
    if (c.len == 0) sb_puts(&c, "(no output)");

    sbuf m = SBUF_INIT;
    meta_begin(&m);
    meta_int(&m, "exit_code", code);
    meta_int(&m, "stdout_bytes", (long long)stdout_bytes);
    meta_int(&m, "stderr_bytes", (long long)err.len);
    meta_int(&m, "stdout_total_bytes", (long long)out.total);
    meta_int(&m, "stderr_total_bytes", (long long)err.total);
    meta_bool(&m, "truncated", out.truncated || err.truncated);
    meta_int(&m, "timeout", timeout);
    if (desc) meta_strn(&m, "description", desc, dlen);
    meta_end(&m);
    tool_result(sb_cstr(&c), c.len, code != 0, sb_cstr(&m));
    return code != 0 ? 1 : 0;
}
