/*
 * boxedjs-execute (jsexec) - runs JavaScript with Duktape inside the sandbox.
 *
 * Input:  {"code": "..."} or {"file_path": "/x.js"}, and "args": [...].
 * Result: the console output, then the value of main(args) if the code
 *         defines a global function main, else the value of the last
 *         expression (strings as they are, other values JSON-stringified).
 *         An uncaught exception is an error result with its stack.
 *         After the program and main(args), the event loop (prelude/
 *         20-promise.js, 25-timers.js) runs the microtasks and then the
 *         timers on a virtual clock until none remain; a promise value
 *         is awaited, and an unhandled rejection is an error result
 *         ("Uncaught (in promise) ...").
 *
 * The script gets Node's basics (prelude/50-node.js, 55-modules.js):
 * console as util.inspect formats (all methods collected, in order, into
 * the content), process (argv ["jsexec", SCRIPT, ...args], env: the
 * guest's environment, exit(code), nextTick, stdout.write), and require
 * of fs (sync, callback and promise forms over the natives here), path,
 * util, and the sandbox's own .js/.json files as CommonJS modules.
 *
 * Duktape reports errors with setjmp/longjmp; here those are the asyncify
 * ones of setjmp.h/sjlj.c, so everything that touches Duktape runs below
 * sjlj_run(). *
 * Pre-initialisation: the export wizer.initialize creates the Duktape heap
 * and runs the prelude (console, process, fs, require); build.mk runs it
 * with `corral snapshot`, so the installed module starts with the heap
 * made and a call goes straight to its input and the user's code.  What
 * belongs to the call is set per call: process.argv, process.env, the
 * args of main, and Math.random's seed.  Run without the snapshot, the
 * call makes the heap itself.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "coll.h"
#include "duktape.h"
#include "duk_jsexec.h"
#include "es/es.h"
#include "sjlj.h"
#include "tool.h"

extern char **environ;

#define OUT_CAP (1u << 20)          /* console output kept, in bytes */
#define RESULT_META_CAP (64u << 10) /* largest metadata.result, in bytes */

static sbuf out = SBUF_INIT;     /* the console output */
static size_t out_dropped;       /* bytes beyond OUT_CAP */

struct job {
    const char *code;
    size_t code_len;
    const char *name;            /* file name for stacks */
    const char *args_json;       /* JSON array */
};

/* ---- output ------------------------------------------------------------ */

static void out_put(const char *s, size_t n)
{
    if (out.len >= OUT_CAP) {
        out_dropped += n;
        return;
    }
    if (n > OUT_CAP - out.len) {
        size_t keep = utf8_cut(s, n, OUT_CAP - out.len);
        out_dropped += n - keep;
        n = keep;
    }
    sb_put(&out, s, n);
}

/* Emits the result object: the console output, then `value` (may be
 * NULL), and exits (0, or 1 when is_error). */
static void finish(const char *value, size_t vlen, int is_error,
                   int exit_code, const char *result_type,
                   const char *result_json)
{
    sbuf c = SBUF_INIT, m = SBUF_INIT;
    size_t olen = out.len;
    if (olen > 0 && out.data[olen - 1] == '\n')
        olen--; /* the last line's newline */
    sb_put(&c, sb_cstr(&out), olen);
    if (out_dropped)
        sb_printf(&c, "%s[... console output truncated: %zu more bytes]",
                  olen ? "\n" : "", out_dropped);
    if (value && vlen) {
        if (c.len)
            sb_putc(&c, '\n');
        sb_put(&c, value, vlen);
    }
    meta_begin(&m);
    meta_int(&m, "exit_code", exit_code);
    if (result_type)
        meta_str(&m, "result_type", result_type);
    if (result_json)
        meta_raw(&m, "result", result_json);
    meta_int(&m, "output_bytes", (long long)(out.len + out_dropped));
    if (out_dropped)
        meta_bool(&m, "output_truncated", 1);
    if (getenv("JSEXEC_SJLJ_STATS")) {
        /* Diagnostics of the asyncify setjmp/longjmp (--env JSEXEC_SJLJ_STATS=1). */
        struct sjlj_stats st;
        sbuf j = SBUF_INIT;
        sjlj_get_stats(&st);
        sb_printf(&j, "{\"captures\": %lu, \"jumps\": %lu, \"arena_peak\": %lu, "
                      "\"arena_size\": %lu}",
                  st.captures, st.jumps, st.arena_peak, st.arena_size);
        meta_raw(&m, "sjlj", sb_cstr(&j));
        sb_free(&j);
    }
    meta_end(&m);
    fflush(stdout);
    tool_result(sb_cstr(&c), c.len, is_error, sb_cstr(&m));
    exit(is_error ? 1 : 0);
}

/* ---- natives ------------------------------------------------------------ */

/* Duktape keeps a string's characters beyond the BMP as surrogate pairs,
 * each half a 3-byte sequence (CESU-8).  cesu_to_utf8 writes the text s as
 * UTF-8 (a pair becomes the 4-byte form, a lone surrogate U+FFFD) through
 * put; it is what leaves the sandbox, on the console and in files. */
static void cesu_to_utf8(const unsigned char *s, size_t n,
                         void (*put)(void *, const char *, size_t), void *arg)
{
    size_t i = 0, from = 0;
    while (i < n) {
        if (s[i] != 0xED || i + 2 >= n || s[i + 1] < 0xA0) {
            i++;
            continue;
        }
        put(arg, (const char *)s + from, i - from);
        unsigned hi = ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu);
        if (s[i + 1] < 0xB0 && i + 5 < n && s[i + 3] == 0xED &&
            s[i + 4] >= 0xB0 && s[i + 4] <= 0xBF) {
            unsigned lo = ((s[i + 4] & 0x3Fu) << 6) | (s[i + 5] & 0x3Fu);
            unsigned cp = 0x10000u + (((hi & 0x3FFu) << 10) | (lo & 0x3FFu));
            char u[4] = {(char)(0xF0 | (cp >> 18)), (char)(0x80 | ((cp >> 12) & 0x3F)),
                         (char)(0x80 | ((cp >> 6) & 0x3F)), (char)(0x80 | (cp & 0x3F))};
            put(arg, u, 4);
            i += 6;
        } else {
            put(arg, "\xEF\xBF\xBD", 3);
            i += 3;
        }
        from = i;
    }
    put(arg, (const char *)s + from, n - from);
}

static void put_out(void *arg, const char *s, size_t n)
{
    (void)arg;
    out_put(s, n);
}

static void put_sb(void *arg, const char *s, size_t n)
{
    sb_put((sbuf *)arg, s, n);
}

/* Pushes the bytes s as a string, decoded as UTF-8 the way node does: a
 * 4-byte sequence becomes a surrogate pair (two CESU-8 sequences), each
 * maximal invalid subpart U+FFFD. */
static void push_utf8(duk_context *ctx, const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] < 0x80)
        i++;
    if (i == n) { /* ASCII: as it is */
        duk_push_lstring(ctx, (const char *)s, n);
        return;
    }
    sbuf b = SBUF_INIT;
    sb_put(&b, s, i);
    while (i < n) {
        unsigned c = s[i], need, cp, lo = 0x80, hi = 0xBF;
        if (c < 0x80) {
            sb_putc(&b, (int)c);
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            cp = c & 0x0F;
            if (c == 0xE0) lo = 0xA0;
            if (c == 0xED) hi = 0x9F; /* no surrogates */
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            cp = c & 0x07;
            if (c == 0xF0) lo = 0x90;
            if (c == 0xF4) hi = 0x8F;
        } else {
            sb_put(&b, "\xEF\xBF\xBD", 3);
            i++;
            continue;
        }
        size_t j = i + 1;
        unsigned k;
        for (k = 0; k < need; k++, j++) {
            if (j >= n || s[j] < lo || s[j] > hi)
                break;
            cp = (cp << 6) | (s[j] & 0x3Fu);
            lo = 0x80;
            hi = 0xBF;
        }
        if (k < need) { /* the lead and the good continuation bytes */
            sb_put(&b, "\xEF\xBF\xBD", 3);
            i = j;
            continue;
        }
        if (cp >= 0x10000) {
            unsigned h = 0xD800 + ((cp - 0x10000) >> 10), l = 0xDC00 + (cp & 0x3FF);
            char u[6] = {(char)0xED, (char)(0x80 | ((h >> 6) & 0x3F)), (char)(0x80 | (h & 0x3F)),
                         (char)0xED, (char)(0x80 | ((l >> 6) & 0x3F)), (char)(0x80 | (l & 0x3F))};
            sb_put(&b, u, 6);
        } else {
            sb_put(&b, s + i, j - i);
        }
        i = j;
    }
    duk_push_lstring(ctx, sb_cstr(&b), b.len);
    sb_free(&b);
}

/* __write(text): appends text to the console output, in UTF-8. */
static duk_ret_t n_write(duk_context *ctx)
{
    duk_size_t n;
    const unsigned char *s = (const unsigned char *)duk_to_lstring(ctx, 0, &n);
    cesu_to_utf8(s, n, put_out, NULL);
    return 0;
}

/* __utf8(v): a string's UTF-8 bytes as a Buffer, or the bytes of a buffer
 * (or view) decoded as UTF-8 to a string (Buffer.from, toString). */
static duk_ret_t n_utf8(duk_context *ctx)
{
    duk_size_t n;
    if (duk_is_buffer_data(ctx, 0)) {
        const unsigned char *p = duk_get_buffer_data(ctx, 0, &n);
        push_utf8(ctx, p, n);
        return 1;
    }
    const unsigned char *s = (const unsigned char *)duk_to_lstring(ctx, 0, &n);
    sbuf b = SBUF_INIT;
    cesu_to_utf8(s, n, put_sb, &b);
    void *p = duk_push_fixed_buffer(ctx, b.len);
    if (b.len)
        memcpy(p, b.data, b.len);
    duk_push_buffer_object(ctx, -1, 0, b.len, DUK_BUFOBJ_NODEJS_BUFFER);
    sb_free(&b);
    return 1;
}

/* __exit(code): ends the program now with the output so far. */
static duk_ret_t n_exit(duk_context *ctx)
{
    int code = duk_is_undefined(ctx, 0) ? 0 : duk_to_int(ctx, 0);
    char msg[64];
    if (code == 0)
        finish(NULL, 0, 0, 0, NULL, NULL);
    snprintf(msg, sizeof msg, "process.exit(%d)", code);
    finish(msg, strlen(msg), 1, code, NULL, NULL);
    return 0;
}

static const char *errno_code(int e)
{
    switch (e) {
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case ENOTEMPTY: return "ENOTEMPTY";
    case ENOTCAPABLE: return "ENOTCAPABLE";
    case ENOSPC: return "ENOSPC";
    case EROFS: return "EROFS";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ELOOP: return "ELOOP";
    case EBADF: return "EBADF";
    case EINVAL: return "EINVAL";
    case ENXIO: return "ENXIO";
    default: return "EIO";
    }
}

/* The errno that node reports for e (Linux's numbers, negated). */
static int errno_node(int e)
{
    switch (e) {
    case ENOENT: return -2;
    case EEXIST: return -17;
    case ENOTDIR: return -20;
    case EISDIR: return -21;
    case EACCES: return -13;
    case EPERM: case ENOTCAPABLE: return -1;
    case ENOTEMPTY: return -39;
    case ENOSPC: return -28;
    case EROFS: return -30;
    case ENAMETOOLONG: return -36;
    case ELOOP: return -40;
    case EBADF: return -9;
    case EINVAL: return -22;
    case ENXIO: return -6;
    default: return -5;
    }
}

/* Throws a Node-style error: "ENOENT: no such file or directory, open
 * '/x'" with .code, .errno, .syscall and .path. */
static duk_ret_t throw_errno2(duk_context *ctx, int e, const char *syscall,
                              const char *path, const char *dest)
{
    const char *why;
    if (e == ENOTCAPABLE || e == EPERM || e == EACCES)
        why = "not permitted: outside the sandbox's mapped directories or "
              "read-only";
    else if (e == EEXIST) /* Node's words for these */
        why = "file already exists";
    else if (e == ENOTDIR)
        why = "not a directory";
    else if (e == EISDIR)
        why = "illegal operation on a directory";
    else if (e == ENOTEMPTY)
        why = "directory not empty";
    else
        why = tool_errno_msg(e);
    duk_push_error_object(ctx, DUK_ERR_ERROR, "%s: %s, %s%s%s%s%s%s%s",
                          errno_code(e), why, syscall, path ? " '" : "",
                          path ? path : "", path ? "'" : "",
                          dest ? " -> '" : "", dest ? dest : "",
                          dest ? "'" : "");
    duk_push_string(ctx, errno_code(e));
    duk_put_prop_string(ctx, -2, "code");
    duk_push_int(ctx, errno_node(e));
    duk_put_prop_string(ctx, -2, "errno");
    duk_push_string(ctx, syscall);
    duk_put_prop_string(ctx, -2, "syscall");
    if (path) {
        duk_push_string(ctx, path);
        duk_put_prop_string(ctx, -2, "path");
    }
    if (dest) {
        duk_push_string(ctx, dest);
        duk_put_prop_string(ctx, -2, "dest");
    }
    return duk_throw(ctx);
}

/* The error names the path as the script gave it (argument 0), as Node's
 * do; the natives work on the resolved one. */
#define throw_errno(ctx, e, syscall, resolved) \
    ((void)(resolved), throw_errno2(ctx, e, syscall, duk_get_string(ctx, 0), NULL))

/* The guest path of argument idx, normalised against "/" (the sandbox
 * keeps it inside the mapped directories), pushed on the stack; argument
 * idx becomes the path as given, a string. */
static const char *path_arg(duk_context *ctx, duk_idx_t idx)
{
    duk_size_t n;
    const char *p;
    if (!duk_is_string(ctx, idx) && !duk_is_buffer_data(ctx, idx))
        duk_error(ctx, DUK_ERR_TYPE_ERROR,
                  "The \"path\" argument must be of type string");
    p = duk_to_lstring(ctx, idx, &n);
    if (n == 0 || memchr(p, 0, n))
        duk_error(ctx, DUK_ERR_TYPE_ERROR,
                  "The \"path\" argument must be a non-empty string without "
                  "NUL bytes");
    char *r = tool_path_resolve("/", p, NULL);
    duk_push_string(ctx, r);
    free(r);
    return duk_get_string(ctx, -1);
}

/* __read(path, asText) */
static duk_ret_t n_read(duk_context *ctx)
{
    const char *path = path_arg(ctx, 0);
    int as_text = duk_to_boolean(ctx, 1);
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0)
        return throw_errno(ctx, errno, "open", path);
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        return throw_errno2(ctx, EISDIR, "read", NULL, NULL); /* as node */
    }
    sbuf b = SBUF_INIT;
    char chunk[16384];
    for (;;) {
        ssize_t r = read(fd, chunk, sizeof chunk);
        if (r < 0) {
            int e = errno;
            if (e == EINTR)
                continue;
            close(fd);
            sb_free(&b);
            return throw_errno(ctx, e, "read", path);
        }
        if (r == 0)
            break;
        sb_put(&b, chunk, (size_t)r);
    }
    close(fd);
    if (as_text) {
        push_utf8(ctx, (const unsigned char *)b.data, b.len);
    } else {
        void *p = duk_push_fixed_buffer(ctx, b.len);
        if (b.len)
            memcpy(p, b.data, b.len);
        duk_push_buffer_object(ctx, -1, 0, b.len, DUK_BUFOBJ_NODEJS_BUFFER);
    }
    sb_free(&b);
    return 1;
}

/* __write_file(path, data, append) */
static duk_ret_t n_write_file(duk_context *ctx)
{
    const char *path = path_arg(ctx, 0);
    int append = duk_to_boolean(ctx, 2);
    duk_size_t n;
    const char *data;
    int fd;
    sbuf text = SBUF_INIT; /* a string, in UTF-8 */
    if (duk_is_buffer_data(ctx, 1)) {
        data = duk_get_buffer_data(ctx, 1, &n);
    } else {
        data = duk_to_lstring(ctx, 1, &n);
    }
    fd = open(path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0666);
    if (fd < 0)
        return throw_errno(ctx, errno, "open", path);
    if (!duk_is_buffer_data(ctx, 1) && memchr(data, 0xED, n)) {
        cesu_to_utf8((const unsigned char *)data, n, put_sb, &text);
        data = text.data;
        n = text.len;
    }
    size_t off = 0;
    while (off < n) {
        ssize_t w = write(fd, data + off, n - off);
        if (w < 0) {
            int e = errno;
            if (e == EINTR)
                continue;
            close(fd);
            sb_free(&text);
            return throw_errno(ctx, e, "write", path);
        }
        off += (size_t)w;
    }
    sb_free(&text);
    if (close(fd) != 0)
        return throw_errno(ctx, errno, "close", path);
    return 0;
}

/* __exists(path) */
static duk_ret_t n_exists(duk_context *ctx)
{
    struct stat st;
    if (!duk_is_string(ctx, 0)) {
        duk_push_false(ctx);
        return 1;
    }
    const char *path = path_arg(ctx, 0);
    duk_push_boolean(ctx, stat(path, &st) == 0);
    return 1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* __readdir(path): sorted names, without . and .. */
static duk_ret_t n_readdir(duk_context *ctx)
{
    const char *path = path_arg(ctx, 0);
    DIR *d = opendir(path);
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0;
    if (!d)
        return throw_errno(ctx, errno, "scandir", path);
    while ((de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            names = xrealloc(names, cap * sizeof *names);
        }
        names[n++] = xstrdup(de->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_str);
    duk_push_array(ctx);
    for (size_t i = 0; i < n; i++) {
        duk_push_string(ctx, names[i]);
        duk_put_prop_index(ctx, -2, (duk_uarridx_t)i);
        free(names[i]);
    }
    free(names);
    return 1;
}

/* __mkdir(path, recursive) */
static duk_ret_t n_mkdir(duk_context *ctx)
{
    const char *path = path_arg(ctx, 0);
    if (duk_to_boolean(ctx, 1)) {
        struct stat st;
        sbuf err = SBUF_INIT;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            return 0;
        if (tool_mkdirs(path, &err) != 0) {
            int e = errno ? errno : EIO;
            sb_free(&err);
            return throw_errno(ctx, e, "mkdir", path);
        }
        sb_free(&err);
        return 0;
    }
    if (mkdir(path, 0777) != 0)
        return throw_errno(ctx, errno, "mkdir", path);
    return 0;
}

static double ms_of(struct timespec t)
{
    return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}

/* __stat(path, nofollow): {size, ino, nlink, atimeMs, mtimeMs, ctimeMs,
 * type: "file" | "dir" | "symlink" | "other"}; lstat when nofollow. */
static duk_ret_t n_stat(duk_context *ctx)
{
    const char *path = path_arg(ctx, 0);
    int nofollow = duk_to_boolean(ctx, 1);
    struct stat st;
    if ((nofollow ? lstat(path, &st) : stat(path, &st)) != 0)
        return throw_errno(ctx, errno, nofollow ? "lstat" : "stat", path);
    duk_push_object(ctx);
    duk_push_number(ctx, (double)st.st_size);
    duk_put_prop_string(ctx, -2, "size");
    duk_push_number(ctx, (double)st.st_ino);
    duk_put_prop_string(ctx, -2, "ino");
    duk_push_number(ctx, (double)st.st_nlink);
    duk_put_prop_string(ctx, -2, "nlink");
    duk_push_number(ctx, ms_of(st.st_atim));
    duk_put_prop_string(ctx, -2, "atimeMs");
    duk_push_number(ctx, ms_of(st.st_mtim));
    duk_put_prop_string(ctx, -2, "mtimeMs");
    duk_push_number(ctx, ms_of(st.st_ctim));
    duk_put_prop_string(ctx, -2, "ctimeMs");
    duk_push_string(ctx, S_ISREG(st.st_mode)   ? "file"
                         : S_ISDIR(st.st_mode) ? "dir"
                         : S_ISLNK(st.st_mode) ? "symlink"
                                               : "other");
    duk_put_prop_string(ctx, -2, "type");
    return 1;
}

/* __rename(from, to) */
static duk_ret_t n_rename(duk_context *ctx)
{
    const char *from = path_arg(ctx, 0);
    const char *to = path_arg(ctx, 1);
    if (rename(from, to) != 0)
        return throw_errno2(ctx, errno, "rename", duk_get_string(ctx, 0),
                            duk_get_string(ctx, 1));
    return 0;
}

/* __rmdir(path): an empty directory */
static duk_ret_t n_rmdir(duk_context *ctx)
{
    const char *path = path_arg(ctx, 0);
    if (rmdir(path) != 0)
        return throw_errno(ctx, errno, "rmdir", path);
    return 0;
}

/* __compile(src, filename): the source of a module that require() loads,
 * through the ES2022 -> ES5 front end (es/es.h), as the script's is; a
 * syntax error names the module's file, line and column. */
static duk_ret_t n_compile(duk_context *ctx)
{
    duk_size_t n;
    const char *src = duk_to_lstring(ctx, 0, &n);
    const char *file = duk_to_string(ctx, 1);
    es_result es;
    if (es_compile(src, n, &es) != 0) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s (%s: line %d, column %d)", es.msg, file, es.line, es.col);
        es_result_free(&es);
        return duk_error(ctx, DUK_ERR_SYNTAX_ERROR, "%s", msg);
    }
    duk_push_lstring(ctx, es.out, es.out_len);
    es_result_free(&es);
    return 1;
}

/* __func(src, filename): src ("function (...) {...}") compiled as a
 * function whose stacks name filename. */
static duk_ret_t n_func(duk_context *ctx)
{
    duk_size_t n;
    const char *src = duk_to_lstring(ctx, 0, &n);
    duk_to_string(ctx, 1);
    duk_dup(ctx, 1);
    duk_compile_lstring_filename(ctx, DUK_COMPILE_FUNCTION, src, n);
    return 1;
}

/* __unlink(path) */
static duk_ret_t n_unlink(duk_context *ctx)
{
    const char *path = path_arg(ctx, 0);
    if (unlink(path) != 0)
        return throw_errno(ctx, errno, "unlink", path);
    return 0;
}

/* __arm(): the event loop has work (a job, a timer or an immediate). */
static int loop_armed;
static duk_ret_t n_arm(duk_context *ctx)
{
    (void)ctx;
    loop_armed = 1;
    return 0;
}

/* __clock(ms): the event loop's virtual time, added to Date.now(). */
static duk_ret_t n_clock(duk_context *ctx)
{
    jsx_clock_offset = duk_to_number(ctx, 0);
    return 0;
}

static const duk_function_list_entry natives[] = {
    {"write", n_write, 1},
    {"utf8", n_utf8, 1},
    {"exit", n_exit, 1},
    {"read", n_read, 2},
    {"writeFile", n_write_file, 3},
    {"exists", n_exists, 1},
    {"readdir", n_readdir, 1},
    {"mkdir", n_mkdir, 2},
    {"stat", n_stat, 2},
    {"unlink", n_unlink, 1},
    {"rename", n_rename, 2},
    {"rmdir", n_rmdir, 1},
    {"compile", n_compile, 2},
    {"func", n_func, 2},
    {"clock", n_clock, 1},
    {"arm", n_arm, 0},
    {NULL, NULL, 0},
};

/* ---- the JavaScript side of console, process and fs ------------------------ */

/* The prelude: the files of prelude/, joined by build.mk into one
 * function `function (N) { ... return H; }` (jsx_prelude, in the generated
 * prelude.c), called with the natives N; it returns the helpers {show,
 * json, args, call}, where call(argv, env, args) gives process and main the
 * values of one call. */
extern const char jsx_prelude[];

/* ---- running ------------------------------------------------------------- */

static void fatal(void *udata, const char *msg)
{
    (void)udata;
    tool_fail("jsexec: fatal Duktape error: %s", msg ? msg : "(no message)");
}

/* [... err] -> finishes with the uncaught error (never returns): an Error
 * shows its stack, anything else its value. */
static void uncaught_as(duk_context *ctx, duk_idx_t helpers,
                        const char *prefix)
{
    const char *text;
    duk_size_t n;
    sbuf s = SBUF_INIT;
    duk_idx_t err = duk_get_top_index(ctx);

    duk_get_prop_string(ctx, helpers, "show");
    duk_dup(ctx, err);
    duk_push_false(ctx);
    if (duk_pcall(ctx, 2) != 0 || !duk_is_string(ctx, -1)) {
        duk_pop(ctx);
        duk_dup(ctx, err);
    }
    text = duk_safe_to_lstring(ctx, -1, &n);
    sb_puts(&s, prefix);
    sb_put(&s, text, n);
    finish(sb_cstr(&s), s.len, 1, 1, NULL, NULL);
}

static void uncaught(duk_context *ctx, duk_idx_t helpers)
{
    uncaught_as(ctx, helpers, "Uncaught ");
}

/* The heap, with the prelude's helpers at index 0 of its value stack:
 * made by the initialiser (wizer.initialize) when the module was
 * pre-initialised by `corral snapshot`, else by the call itself. */
static duk_context *heap;
#define HELPERS 0

static int make_heap(void *arg)
{
    (void)arg;
    duk_context *ctx = duk_create_heap(NULL, NULL, NULL, NULL, fatal);
    if (!ctx)
        tool_fail("jsexec: cannot create the JavaScript heap (out of memory)");
    /* helpers = prelude(N) */
    duk_push_string(ctx, "jsexec:prelude");
    if (duk_pcompile_string_filename(ctx, DUK_COMPILE_FUNCTION, jsx_prelude) != 0)
        tool_fail("jsexec: internal error in the prelude: %s",
                  duk_safe_to_string(ctx, -1));
    duk_push_object(ctx);
    duk_put_function_list(ctx, -1, natives);
    jsx_coll_natives(ctx, -1);
    /* the mark of Array.prototype that array destructuring tests
     * (prelude/05-lower.js): a key no script can name or list */
    duk_push_literal(ctx, DUK_HIDDEN_SYMBOL("jsexecArray"));
    duk_put_prop_literal(ctx, -2, "arrayMark");
    if (duk_pcall(ctx, 1) != 0)
        tool_fail("jsexec: internal error in the prelude: %s",
                  duk_safe_to_string(ctx, -1));
    heap = ctx;
    /* the front end's tables are made by its first compile: at build time */
    es_result es;
    if (es_compile("let x = [1, 2];", 15, &es) == 0)
        es_result_free(&es);
    return 0;
}

/* The initialiser: everything that does not depend on the call.  The
 * clock is not read (Duktape seeds Math.random from it: each call reseeds
 * from random_get instead), and nothing else of the outside is. */
__attribute__((export_name("wizer.initialize"))) void jsexec_initialize(void)
{
    jsx_no_clock = 1;
    sjlj_run(make_heap, NULL);
    jsx_no_clock = 0;
    sjlj_reset();
}

/* [... value] -> whether value has a callable .then (a pre-filter: the
 * prelude's settle looks again, as the spec reads it). */
static int is_thenable(duk_context *ctx, duk_idx_t idx)
{
    int r;
    if (!duk_is_object(ctx, idx))
        return 0;
    duk_get_prop_string(ctx, idx, "then");
    r = duk_is_function(ctx, -1);
    duk_pop(ctx);
    return r;
}

/* [... value] -> [... result]: the event loop (prelude/25-timers.js) -
 * microtasks, then timers in virtual time, until none remain; a thenable
 * value is awaited.  helpers.settle(value) -> [kind, x]: 0 the value x,
 * 1 an uncaught error x, 2 an unhandled rejection x, 3 a message (the
 * promise never settled); all but 0 end the program here. */
static void event_loop(duk_context *ctx, duk_idx_t helpers)
{
    duk_get_prop_string(ctx, helpers, "settle");
    duk_swap_top(ctx, -2);
    if (duk_pcall(ctx, 1) != 0)
        uncaught(ctx, helpers);
    duk_get_prop_index(ctx, -1, 0);
    int kind = duk_to_int(ctx, -1);
    duk_pop(ctx);
    duk_get_prop_index(ctx, -1, 1);
    duk_remove(ctx, -2);          /* [... x] */
    if (kind == 1)
        uncaught(ctx, helpers);
    if (kind == 2)
        uncaught_as(ctx, helpers, "Uncaught (in promise) ");
    if (kind == 3) {
        duk_size_t mn;
        const char *msg = duk_safe_to_lstring(ctx, -1, &mn);
        finish(msg, mn, 1, 1, NULL, NULL);
    }
}

static int run(void *arg)
{
    struct job *job = arg;
    duk_idx_t helpers = HELPERS;
    char **e;

    if (!heap)
        make_heap(NULL);
    duk_context *ctx = heap;
    uint64_t seed = 0;
    if (getentropy(&seed, sizeof seed) != 0)
        tool_fail("jsexec: no random bytes for Math.random: %s", strerror(errno));
    jsx_reseed(ctx, seed);

    /* helpers.call(argv, env, args) */
    duk_get_prop_string(ctx, helpers, "call");
    duk_push_string(ctx, job->args_json);
    duk_json_decode(ctx, -1); /* args, as JS values */
    /* argv = ["jsexec", name, ...String(args)] */
    duk_idx_t args_idx = duk_get_top_index(ctx);
    duk_push_array(ctx);
    duk_push_string(ctx, "jsexec");
    duk_put_prop_index(ctx, -2, 0);
    duk_push_string(ctx, job->name);
    duk_put_prop_index(ctx, -2, 1);
    duk_size_t nargs = duk_get_length(ctx, args_idx);
    for (duk_size_t k = 0; k < nargs; k++) {
        duk_get_prop_index(ctx, args_idx, (duk_uarridx_t)k);
        if (!duk_is_string(ctx, -1)) {
            if (duk_is_object(ctx, -1))
                duk_json_encode(ctx, -1);
            else
                duk_to_string(ctx, -1);
        }
        duk_put_prop_index(ctx, -2, (duk_uarridx_t)(k + 2));
    }
    duk_swap_top(ctx, -2); /* [call argv args] */
    duk_push_object(ctx);  /* env */
    for (e = environ; e && *e; e++) {
        const char *eq = strchr(*e, '=');
        if (!eq)
            continue;
        duk_push_string(ctx, eq + 1);
        duk_put_prop_lstring(ctx, -2, *e, (duk_size_t)(eq - *e));
    }
    duk_swap_top(ctx, -2); /* [call argv env args] */
    if (duk_pcall(ctx, 3) != 0)
        tool_fail("jsexec: internal error in the prelude: %s",
                  duk_safe_to_string(ctx, -1));
    duk_pop(ctx);
    if (strcmp(job->name, "[code]") != 0) {
        /* helpers.start(name): module, require, __filename of the file */
        duk_get_prop_string(ctx, helpers, "start");
        duk_push_string(ctx, job->name);
        if (duk_pcall(ctx, 1) != 0)
            tool_fail("jsexec: internal error in the prelude: %s",
                      duk_safe_to_string(ctx, -1));
        duk_pop(ctx);
    }

    /* The program: compiled as eval code, so its value is the value of
     * the last expression statement. */
    /* ES2022 -> ES5 first (es/es.h): each construct stays on its line, so
     * the positions in Duktape's stacks are the user's. */
    es_result es;
    if (es_compile(job->code, job->code_len, &es) != 0) {
        duk_push_error_object(ctx, DUK_ERR_SYNTAX_ERROR, "%s (line %d, column %d)",
                              es.msg, es.line, es.col);
        es_result_free(&es);
        uncaught(ctx, helpers);
    }
    duk_push_string(ctx, job->name);
    if (duk_pcompile_lstring_filename(ctx, DUK_COMPILE_EVAL, es.out,
                                      es.out_len) != 0)
        uncaught(ctx, helpers);
    es_result_free(&es);
    if (duk_pcall(ctx, 0) != 0)
        uncaught(ctx, helpers);

    /* main(args), if the program defines it. */
    duk_push_global_object(ctx);
    duk_get_prop_string(ctx, -1, "main");
    if (duk_is_function(ctx, -1)) {
        duk_swap_top(ctx, -2);
        duk_pop(ctx);             /* [... value main] */
        duk_remove(ctx, -2);      /* [... main] */
        duk_get_prop_string(ctx, helpers, "args");
        if (duk_pcall(ctx, 1) != 0)
            uncaught(ctx, helpers);
    } else {
        duk_pop_2(ctx);           /* [... value] */
    }

    /* The event loop, skipped when nothing was ever scheduled and the
     * value is not a thenable. */
    if (loop_armed || is_thenable(ctx, -1))
        event_loop(ctx, helpers);

    /* The value: shown and, when it has one, its JSON. */
    duk_idx_t value = duk_get_top_index(ctx);
    const char *type;
    switch (duk_get_type(ctx, value)) {
    case DUK_TYPE_UNDEFINED: type = "undefined"; break;
    case DUK_TYPE_NULL: type = "null"; break;
    case DUK_TYPE_BOOLEAN: type = "boolean"; break;
    case DUK_TYPE_NUMBER: type = "number"; break;
    case DUK_TYPE_STRING: type = "string"; break;
    default: type = duk_is_function(ctx, value) ? "function" : "object"; break;
    }
    /* The heap is not destroyed: finish() ends the program, and freeing
     * every object first was 1.4 million instructions of a 1+1 call. */
    if (duk_is_undefined(ctx, value))
        finish(NULL, 0, 0, 0, type, NULL);
    duk_get_prop_string(ctx, helpers, "show");
    duk_dup(ctx, value);
    duk_push_true(ctx);
    if (duk_pcall(ctx, 2) != 0)
        duk_safe_to_string(ctx, -1);
    duk_get_prop_string(ctx, helpers, "json");
    duk_dup(ctx, value);
    if (duk_pcall(ctx, 1) != 0 || !duk_is_string(ctx, -1)) {
        duk_pop(ctx);
        duk_push_undefined(ctx);
    }
    duk_size_t n;
    const char *shown = duk_safe_to_lstring(ctx, -2, &n);
    char *shown_copy = xstrndup(shown, n);
    /* metadata.result: Duktape's JSON re-encoded by the guest library, so
     * that any bytes (lone surrogates are CESU-8 inside Duktape) come out
     * as valid UTF-8; left out when large (the content has it anyway). */
    char *json = NULL;
    duk_size_t jlen;
    const char *jtext = duk_get_lstring(ctx, -1, &jlen);
    if (jtext && jlen <= RESULT_META_CAP) {
        char err[8];
        jv *v = jv_parse(jtext, jlen, err, sizeof err);
        if (v) {
            sbuf d = SBUF_INIT;
            jv_dump(&d, v);
            jv_free(v);
            json = sb_detach(&d, NULL);
        }
    }
    finish(shown_copy, n, 0, 0, type, json);
    return 0;
}

int main(void)
{
    jv *in = tool_input();
    struct job job = {0};
    size_t len;
    sbuf args = SBUF_INIT;
    char *path = NULL;
    char *file_data = NULL;

    static const char *const known[] = {"code", "file_path", "args"};
    for (size_t k = 0; k < jv_len(in); k++) {
        const char *key = jv_key_at(in, k);
        size_t j;
        for (j = 0; j < sizeof known / sizeof *known; j++)
            if (!strcmp(key, known[j]))
                break;
        if (j == sizeof known / sizeof *known)
            tool_fail("Invalid input: unknown key \"%s\"; expected code or "
                      "file_path, and args", key);
    }
    job.code = tool_str(in, "code", 0, &len);
    job.code_len = len;
    path = tool_path_arg(in, "file_path", 0);
    if (job.code && path)
        tool_fail("Invalid input: give either code or file_path, not both");
    if (!job.code && !path)
        tool_fail("Invalid input: missing code or file_path (one of them "
                  "is required)");
    if (path) {
        sbuf err = SBUF_INIT;
        if (tool_read_file(path, TOOL_MAX_FILE_BYTES, &file_data, &len,
                           &err) != 0)
            tool_fail("%s", sb_cstr(&err));
        job.code = file_data;
        job.code_len = len;
        job.name = path;
    } else {
        job.name = "[code]";
    }
    jv *a = jv_get(in, "args");
    if (a && jv_type(a) != JV_NULL && jv_type(a) != JV_ARR)
        tool_fail("Invalid input: \"args\" must be an array, got %s",
                  jv_type_name(jv_type(a)));
    if (a && jv_type(a) == JV_ARR)
        jv_dump(&args, a);
    else
        sb_puts(&args, "[]");
    job.args_json = sb_cstr(&args);

    return sjlj_run(run, &job);
}
