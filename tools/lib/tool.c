/*
 * tool.c - result output, input accessors, paths, atomic files, lines
 * (see tool.h).
 */
#include "tool.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- input and result ------------------------------------------------ */

jv *tool_input(void)
{
    sbuf in = SBUF_INIT;
    char chunk[16384];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
        sb_put(&in, chunk, n);
    if (ferror(stdin))
        tool_fail("Invalid input: cannot read stdin: %s", strerror(errno));
    size_t i = 0;
    while (i < in.len && (in.data[i] == ' ' || in.data[i] == '\n' ||
                          in.data[i] == '\t' || in.data[i] == '\r'))
        i++;
    if (i == in.len)
        tool_fail("Invalid input: stdin is empty; expected one JSON object");
    char err[160];
    jv *v = jv_parse(in.data, in.len, err, sizeof err);
    sb_free(&in);
    if (!v)
        tool_fail("Invalid input: bad JSON: %s", err);
    if (jv_type(v) != JV_OBJ)
        tool_fail("Invalid input: expected a JSON object, got %s",
                  jv_type_name(jv_type(v)));
    return v;
}

void tool_result(const char *content, size_t len, int is_error,
                 const char *metadata_json)
{
    fflush(stdout);
    sbuf b = SBUF_INIT;
    fflush(stdout);
    sb_reserve(&b, len + 64);
    sb_puts(&b, "{\"content\": ");
    sb_json_str(&b, content ? content : "", content ? len : 0);
    sb_puts(&b, is_error ? ", \"is_error\": true" : ", \"is_error\": false");
    sb_puts(&b, ", \"metadata\": ");
    sb_puts(&b, metadata_json && *metadata_json ? metadata_json : "{}");
    sb_puts(&b, "}\n");
    size_t off = 0;
    while (off < b.len) {
        ssize_t w = write(1, b.data + off, b.len - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        off += (size_t)w;
    }
    sb_free(&b);
}

static void vfail(const char *meta, const char *fmt, va_list ap)
{
    sbuf m = SBUF_INIT;
    sb_vprintf(&m, fmt, ap);
    fflush(stdout);
    tool_result(sb_cstr(&m), m.len, 1, meta);
    exit(1);
}

void tool_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(NULL, fmt, ap);
    va_end(ap);
    exit(1);
}

void tool_fail_meta(const char *meta, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(meta, fmt, ap);
    va_end(ap);
    exit(1);
}

const char *tool_str(const jv *in, const char *key, int required, size_t *len)
{
    jv *v = jv_get(in, key);
    if (!v || jv_type(v) == JV_NULL) {
        if (required)
            tool_fail("Invalid input: missing required key \"%s\" (a string)",
                      key);
        if (len)
            *len = 0;
        return NULL;
    }
    if (jv_type(v) != JV_STR)
        tool_fail("Invalid input: \"%s\" must be a string, got %s", key,
                  jv_type_name(jv_type(v)));
    return jv_str(v, len);
}

long long tool_int(const jv *in, const char *key, long long def,
                   long long min, long long max)
{
    jv *v = jv_get(in, key);
    if (!v || jv_type(v) == JV_NULL)
        return def;
    if (jv_type(v) != JV_NUM)
        tool_fail("Invalid input: \"%s\" must be an integer, got %s", key,
                  jv_type_name(jv_type(v)));
    double d = jv_num(v);
    if (d != floor(d))
        tool_fail("Invalid input: \"%s\" must be an integer, got %g", key, d);
    if (d < (double)min || d > (double)max)
        tool_fail("Invalid input: \"%s\" must be between %lld and %lld, got %.0f",
                  key, min, max, d);
    return (long long)d;
}

int tool_bool(const jv *in, const char *key, int def)
{
    jv *v = jv_get(in, key);
    if (!v || jv_type(v) == JV_NULL)
        return def;
    if (jv_type(v) != JV_BOOL)
        tool_fail("Invalid input: \"%s\" must be a boolean, got %s", key,
                  jv_type_name(jv_type(v)));
    return jv_bool(v);
}

/* ---- metadata --------------------------------------------------------- */

static void meta_key(sbuf *b, const char *key)
{
    if (b->len > 1)
        sb_puts(b, ", ");
    sb_json_cstr(b, key);
    sb_puts(b, ": ");
}

void meta_begin(sbuf *b)
{
    sb_reset(b);
    sb_putc(b, '{');
}
void meta_str(sbuf *b, const char *key, const char *val)
{
    meta_key(b, key);
    sb_json_cstr(b, val);
}
void meta_strn(sbuf *b, const char *key, const char *val, size_t len)
{
    meta_key(b, key);
    sb_json_str(b, val, len);
}
void meta_int(sbuf *b, const char *key, long long val)
{
    meta_key(b, key);
    sb_printf(b, "%lld", val);
}
void meta_bool(sbuf *b, const char *key, int val)
{
    meta_key(b, key);
    sb_puts(b, val ? "true" : "false");
}
void meta_raw(sbuf *b, const char *key, const char *json)
{
    meta_key(b, key);
    sb_puts(b, json);
}
void meta_end(sbuf *b) { sb_putc(b, '}'); }

/* ---- paths -------------------------------------------------------------- */

char *tool_path_resolve(const char *cwd, const char *p, int *escaped)
{
    sbuf in = SBUF_INIT;
    if (escaped)
        *escaped = 0;
    if (p[0] != '/') {
        sb_puts(&in, cwd && *cwd ? cwd : "/");
        sb_putc(&in, '/');
    }
    sb_puts(&in, p);
    /* out is built component by component; it always starts with '/' */
    char *out = xmalloc(in.len + 2);
    size_t o = 0;
    const char *s = sb_cstr(&in);
    while (*s) {
        while (*s == '/')
            s++;
        if (!*s)
            break;
        const char *e = s;
        while (*e && *e != '/')
            e++;
        size_t n = (size_t)(e - s);
        if (n == 1 && s[0] == '.') {
            /* nothing */
        } else if (n == 2 && s[0] == '.' && s[1] == '.') {
            if (o == 0) {
                if (escaped)
                    *escaped = 1;
            } else {
                while (o > 0 && out[o - 1] != '/')
                    o--;
                if (o > 0)
                    o--; /* the slash */
            }
        } else {
            out[o++] = '/';
            memcpy(out + o, s, n);
            o += n;
        }
        s = e;
    }
    if (o == 0)
        out[o++] = '/';
    out[o] = 0;
    sb_free(&in);
    return out;
}

char *tool_path(const char *p, const char *what)
{
    if (!p || !*p)
        tool_fail("Invalid input: \"%s\" is empty; give a path such as "
                  "/notes.txt", what);
    int esc = 0;
    char *r = tool_path_resolve("/", p, &esc);
    if (esc) {
        sbuf m = SBUF_INIT;
        meta_begin(&m);
        meta_str(&m, what, p);
        meta_end(&m);
        tool_fail_meta(sb_cstr(&m),
                       "Path %s leaves the work dir: its \"..\" climbs above "
                       "/ (the work dir is the root of the sandbox)", p);
    }
    return r;
}

char *tool_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path)
        return xstrdup("/");
    return xstrndup(path, (size_t)(slash - path));
}

const char *tool_basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

const char *tool_errno_msg(int e)
{
    switch (e) {
    case ENOENT: return "no such file or directory";
    case EPERM:
    case EACCES:
#ifdef ENOTCAPABLE
    case ENOTCAPABLE:
#endif
        return "not permitted by the sandbox (the path or a symlink in it "
               "leaves the work dir, or it is read-only)";
    case EROFS: return "read-only mapping";
    case ENOTDIR: return "a component of the path is not a directory";
    case EISDIR: return "it is a directory";
    case ELOOP: return "too many levels of symbolic links";
    case ENAMETOOLONG: return "path too long";
    case ENOSPC: return "no space left on the device";
    case EEXIST: return "it already exists";
    case ENOMEM: return "out of memory";
    case ENXIO:
        return "not a regular file or directory (a FIFO, socket or device "
               "file), which the sandbox does not open";
    default: return strerror(e);
    }
}

/* ---- files ---------------------------------------------------------------- */

static void human_size(char *out, size_t cap, unsigned long long n)
{
    if (n >= 1024 * 1024 && n % (1024 * 1024) == 0)
        snprintf(out, cap, "%llu MiB", n / (1024 * 1024));
    else if (n >= 1024 && n % 1024 == 0)
        snprintf(out, cap, "%llu KiB", n / 1024);
    else
        snprintf(out, cap, "%llu bytes", n);
}

int tool_read_file(const char *path, size_t cap, char **data, size_t *len,
                   sbuf *err)
{
    *data = NULL;
    *len = 0;
    struct stat st;
    if (stat(path, &st) != 0) {
        int e = errno;
        if (e == ENOENT)
            sb_printf(err, "File not found: %s", path);
        else
            sb_printf(err, "Cannot read %s: %s", path, tool_path_errmsg(path, e));
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        sb_printf(err, "Cannot read %s: it is a directory, not a file (use "
                       "glob to list it)", path);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        sb_printf(err, "Cannot read %s: not a regular file", path);
        return -1;
    }
    if ((unsigned long long)st.st_size > cap) {
        char lim[48];
        human_size(lim, sizeof lim, cap);
        sb_printf(err, "Cannot read %s: the file is %llu bytes, over the limit "
                       "of %s", path, (unsigned long long)st.st_size, lim);
        return -1;
    }
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        sb_printf(err, "Cannot read %s: %s", path, tool_path_errmsg(path, errno));
        return -1;
    }
    sbuf b = SBUF_INIT;
    sb_reserve(&b, (size_t)st.st_size);
    for (;;) {
        sb_reserve(&b, 65536);
        ssize_t r = read(fd, b.data + b.len, 65536);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            sb_printf(err, "Cannot read %s: %s", path, tool_errno_msg(errno));
            close(fd);
            sb_free(&b);
            return -1;
        }
        if (r == 0)
            break;
        b.len += (size_t)r;
        if (b.len > cap) {
            char lim[48];
            human_size(lim, sizeof lim, cap);
            sb_printf(err, "Cannot read %s: the file is over the limit of %s",
                      path, lim);
            close(fd);
            sb_free(&b);
            return -1;
        }
    }
    close(fd);
    sb_reserve(&b, 0);
    b.data[b.len] = 0;
    *data = sb_detach(&b, len);
    return 0;
}

int tool_mkdirs(const char *dir, sbuf *err)
{
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return 0;
        sb_printf(err, "Cannot create directory %s: a file with that name "
                       "is in the way", dir);
        return -1;
    }
    if (strcmp(dir, "/") != 0) {
        char *parent = tool_dirname(dir);
        int r = tool_mkdirs(parent, err);
        free(parent);
        if (r)
            return r;
    }
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        sb_printf(err, "Cannot create directory %s: %s", dir,
                  tool_path_errmsg(dir, errno));
        return -1;
    }
    return 0;
}

int tool_resolve_links(const char *path, char **out, sbuf *err)
{
    char *cur = xstrdup(path);
    for (int hops = 0;; hops++) {
        struct stat st;
        if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode)) {
            *out = cur;
            return 0;
        }
        if (hops >= 16) {
            sb_printf(err, "Cannot write %s: too many levels of symbolic "
                           "links (limit 16)", path);
            free(cur);
            return -1;
        }
        char target[PATH_MAX + 1];
        ssize_t n = readlink(cur, target, PATH_MAX);
        if (n < 0) {
            sb_printf(err, "Cannot write %s: cannot read the symlink %s: %s",
                      path, cur, tool_errno_msg(errno));
            free(cur);
            return -1;
        }
        target[n] = 0;
        if (target[0] == '/') {
            sb_printf(err, "Cannot write %s: it is a symlink to the absolute "
                           "host path %s, which leaves the work dir; the "
                           "sandbox does not follow it", path, target);
            free(cur);
            return -1;
        }
        char *dir = tool_dirname(cur);
        int esc = 0;
        char *next = tool_path_resolve(dir, target, &esc);
        free(dir);
        if (esc) {
            sb_printf(err, "Cannot write %s: it is a symlink to %s, which "
                           "leaves the work dir; the sandbox does not follow "
                           "it", path, target);
            free(next);
            free(cur);
            return -1;
        }
        free(cur);
        cur = next;
    }
}

static void temp_name(sbuf *t, const char *dir, const char *base)
{
    unsigned char rnd[6] = {0};
    if (getentropy(rnd, sizeof rnd) != 0) {
        static unsigned ctr;
        unsigned x = (unsigned)time(NULL) * 2654435761u + ++ctr;
        memcpy(rnd, &x, sizeof x);
    }
    sb_reset(t);
    sb_puts(t, dir);
    if (strcmp(dir, "/") != 0)
        sb_putc(t, '/');
    sb_printf(t, ".%.64s.tmp-", base);
    for (size_t i = 0; i < sizeof rnd; i++)
        sb_printf(t, "%02x", rnd[i]);
}

int tool_write_atomic(const char *path, const void *data, size_t len,
                      sbuf *err)
{
    char *real;
    if (tool_resolve_links(path, &real, err))
        return -1;
    struct stat st;
    if (stat(real, &st) == 0 && S_ISDIR(st.st_mode)) {
        sb_printf(err, "Cannot write %s: it is a directory", path);
        free(real);
        return -1;
    }
    char *dir = tool_dirname(real);
    sbuf merr = SBUF_INIT;
    if (tool_mkdirs(dir, &merr)) {
        sb_printf(err, "Cannot write %s: %c%s", path,
                  merr.len ? merr.data[0] | 0x20 : ' ',
                  merr.len ? merr.data + 1 : "");
        sb_free(&merr);
        free(dir);
        free(real);
        return -1;
    }
    sbuf tmp = SBUF_INIT;
    int fd = -1;
    for (int tries = 0; tries < 8 && fd < 0; tries++) {
        temp_name(&tmp, dir, tool_basename(real));
        fd = open(sb_cstr(&tmp), O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        sb_printf(err, "Cannot write %s: cannot create a temporary file in "
                       "%s: %s", path, dir, tool_path_errmsg(dir, errno));
        goto fail_nofd;
    }
    const char *p = data;
    size_t off = 0;
    while (off < len) {
        size_t chunk = len - off > (1u << 20) ? (1u << 20) : len - off;
        ssize_t w = write(fd, p + off, chunk);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            sb_printf(err, "Cannot write %s: writing the temporary file "
                           "failed after %zu of %zu bytes: %s; the old file "
                           "is unchanged", path, off, len,
                      tool_errno_msg(errno));
            goto fail;
        }
        off += (size_t)w;
    }
    (void)fsync(fd); /* best effort: not every mapping can sync */
    if (close(fd) != 0) {
        fd = -1;
        sb_printf(err, "Cannot write %s: closing the temporary file failed: "
                       "%s; the old file is unchanged", path,
                  tool_errno_msg(errno));
        goto fail;
    }
    fd = -1;
    if (rename(sb_cstr(&tmp), real) != 0) {
        sb_printf(err, "Cannot write %s: renaming the temporary file over it "
                       "failed: %s; the old file is unchanged", path,
                  tool_errno_msg(errno));
        goto fail;
    }
    sb_free(&tmp);
    free(dir);
    free(real);
    return 0;
fail:
    if (fd >= 0)
        close(fd);
    unlink(sb_cstr(&tmp));
fail_nofd:
    sb_free(&tmp);
    free(dir);
    free(real);
    return -1;
}

int tool_is_binary(const char *data, size_t len)
{
    size_t n = len < 8192 ? len : 8192;
    size_t ctrl = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)data[i];
        if (c == 0)
            return 1;
        if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' &&
            c != '\v' && c != '\b' && c != 0x1b)
            ctrl++;
    }
    return n > 0 && ctrl * 10 > n;
}

/* ---- lines ------------------------------------------------------------------ */

size_t tool_count_lines(const char *data, size_t len)
{
    size_t n = 0;
    const char *p = data, *end = data + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        n++;
        if (!nl)
            break;
        p = nl + 1;
    }
    return n;
}

size_t tool_split_lines(const char *data, size_t len, tool_line **out)
{
    size_t n = tool_count_lines(data, len);
    tool_line *l = xmalloc((n ? n : 1) * sizeof *l);
    const char *p = data, *end = data + len;
    size_t i = 0;
    while (p < end && i < n) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        l[i].p = p;
        l[i].len = (size_t)(e - p);
        i++;
        p = nl ? nl + 1 : end;
    }
    *out = l;
    return n;
}

int tool_put_text(sbuf *b, const char *p, size_t len, size_t maxlen)
{
    if (len > 0 && p[len - 1] == '\r')
        len--;
    if (len <= maxlen) {
        sb_put(b, p, len);
        return 0;
    }
    size_t cut = utf8_cut(p, len, maxlen);
    sb_put(b, p, cut);
    sb_printf(b, " [... line truncated: %zu bytes, showing the first %zu]",
              len, cut);
    return 1;
}

int tool_put_numbered(sbuf *b, size_t lineno, const char *p, size_t len,
                      size_t maxlen)
{
    sb_printf(b, "%*zu\t", TOOL_LINE_WIDTH, lineno);
    int t = tool_put_text(b, p, len, maxlen);
    sb_putc(b, '\n');
    return t;
}

void tool_put_count(sbuf *b, unsigned long long n, const char *one,
                    const char *many)
{
    sb_printf(b, "%llu %s", n, n == 1 ? one : many);
}

char *tool_path_arg(const jv *in, const char *key, int required)
{
    size_t len;
    const char *s = tool_str(in, key, required, &len);
    if (!s)
        return NULL;
    if (strlen(s) != len)
        tool_fail("Invalid input: \"%s\" contains a NUL byte", key);
    return tool_path(s, key);
}

const char *tool_path_errmsg(const char *path, int e)
{
    static char msg[PATH_MAX * 2 + 128];
    if (e == EPERM || e == EACCES
#ifdef ENOTCAPABLE
        || e == ENOTCAPABLE
#endif
    ) {
        /* find the first symlink along the path that the sandbox refused */
        char *cur = xstrdup(path);
        size_t n = strlen(cur);
        for (size_t i = 1; i <= n; i++) {
            if (i < n && cur[i] != '/')
                continue;
            char save = cur[i];
            cur[i] = 0;
            struct stat st;
            char target[PATH_MAX + 1];
            ssize_t r;
            if (lstat(cur, &st) == 0 && S_ISLNK(st.st_mode) &&
                (r = readlink(cur, target, PATH_MAX)) >= 0) {
                target[r] = 0;
                /* a link the sandbox follows for reading points inside
                 * it: what was refused is a change under a read-only
                 * mapping */
                struct stat in;
                if (stat(cur, &in) == 0)
                    snprintf(msg, sizeof msg, "%s is a symlink to %s, which "
                             "is in a read-only mapping", cur, target);
                else
                    snprintf(msg, sizeof msg, "%s is a symlink to %s, which "
                             "leaves the work dir; the sandbox does not "
                             "follow it", cur, target);
                free(cur);
                return msg;
            }
            cur[i] = save;
        }
        free(cur);
    }
    return tool_errno_msg(e);
}
