/*
 * conf_wasi.c - WASI preview1 conformance checks with raw calls: each case
 * asserts what the wasi-testsuite (wasm32-wasip1) accepts for one behaviour
 * (errno values, rights, readdir, symlinks, trailing slashes, renumber...).
 *
 *   corral run --work-dir DIR conf_wasi.wasm CASE     (CASE "list": names)
 *
 * Exits 0 when the case holds; otherwise prints the failed check on stderr
 * and exits 1.  Every case works in a fresh subdirectory of the preopen
 * named "/" and removes it at the end (the removal is checked too).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

typedef __wasi_errno_t werr;
typedef __wasi_fd_t wfd;

static const char *g_case = "";

static void die(int line, const char *what, int got)
{
    if (got >= 0)
        fprintf(stderr, "%s: line %d: %s (errno %d)\n", g_case, line, what, got);
    else
        fprintf(stderr, "%s: line %d: %s\n", g_case, line, what);
    exit(1);
}

/* OK(call): must succeed.  ERR(call, E...): must fail with one of E.
 * CHECK(cond): must hold. */
#define OK(call)                                                                           \
    do {                                                                                   \
        werr e_ = (call);                                                                  \
        if (e_ != 0)                                                                       \
            die(__LINE__, #call " failed", e_);                                            \
    } while (0)
#define ERR(call, ...)                                                                     \
    do {                                                                                   \
        werr e_ = (call);                                                                  \
        const int ok_[] = {__VA_ARGS__, -1};                                               \
        int hit_ = 0;                                                                      \
        for (int i_ = 0; ok_[i_] >= 0; i_++)                                               \
            hit_ |= e_ == ok_[i_];                                                         \
        if (!hit_)                                                                         \
            die(__LINE__, #call ": expected " #__VA_ARGS__, e_);                           \
    } while (0)
#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond))                                                                       \
            die(__LINE__, "check failed: " #cond, -1);                                     \
    } while (0)

#define E(x) __WASI_ERRNO_##x
#define RT(x) __WASI_RIGHTS_##x
#define O_CREAT_ __WASI_OFLAGS_CREAT
#define O_DIR_ __WASI_OFLAGS_DIRECTORY
#define O_EXCL_ __WASI_OFLAGS_EXCL
#define O_TRUNC_ __WASI_OFLAGS_TRUNC
#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW

/* A raw import, for paths with an embedded NUL. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_open"))) int32_t
raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t len, int32_t oflags,
              int64_t rb, int64_t ri, int32_t fdflags, int32_t out);

static werr popen_(wfd dir, uint32_t df, const char *p, uint16_t of, uint64_t rb, uint64_t ri,
                   uint16_t fdf, wfd *out)
{
    return __wasi_path_open(dir, df, p, of, rb, ri, fdf, out);
}

static wfd must_open(int line, wfd dir, uint32_t df, const char *p, uint16_t of, uint64_t rb,
                     uint64_t ri, uint16_t fdf)
{
    wfd fd;
    werr e = popen_(dir, df, p, of, rb, ri, fdf, &fd);
    if (e)
        die(line, p, e);
    if (fd <= 2)
        die(line, "fd in stdio range", -1);
    return fd;
}
#define OPEN(dir, df, p, of, rb, ri, fdf) must_open(__LINE__, dir, df, p, of, rb, ri, fdf)

static void create_file(wfd dir, const char *name)
{
    wfd fd = OPEN(dir, 0, name, O_CREAT_, 0, 0, 0);
    OK(__wasi_fd_close(fd));
}

static __wasi_fdstat_t fdstat(wfd fd)
{
    __wasi_fdstat_t st;
    OK(__wasi_fd_fdstat_get(fd, &st));
    return st;
}

static __wasi_filestat_t fstat_(wfd fd)
{
    __wasi_filestat_t st;
    OK(__wasi_fd_filestat_get(fd, &st));
    return st;
}

static __wasi_filestat_t pstat(wfd dir, uint32_t df, const char *p)
{
    __wasi_filestat_t st;
    werr e = __wasi_path_filestat_get(dir, df, p, &st);
    if (e)
        die(__LINE__, p, e);
    return st;
}

static size_t wr(wfd fd, const void *b, size_t n)
{
    __wasi_ciovec_t v = {b, n};
    size_t got = 0;
    werr e = __wasi_fd_write(fd, &v, 1, &got);
    if (e)
        die(__LINE__, "fd_write", e);
    return got;
}

static size_t rd(wfd fd, void *b, size_t n)
{
    __wasi_iovec_t v = {b, n};
    size_t got = 0;
    werr e = __wasi_fd_read(fd, &v, 1, &got);
    if (e)
        die(__LINE__, "fd_read", e);
    return got;
}

static uint64_t seek(wfd fd, int64_t off, int wh)
{
    __wasi_filesize_t pos;
    werr e = __wasi_fd_seek(fd, off, (__wasi_whence_t)wh, &pos);
    if (e)
        die(__LINE__, "fd_seek", e);
    return pos;
}

/* The preopen named "/", reopened as the Rust tests' root_directory(). */
static wfd g_pre = (wfd)-1;
static wfd root_dir(void)
{
    for (wfd i = 3; i < 64; i++) {
        __wasi_prestat_t ps;
        if (__wasi_fd_prestat_get(i, &ps) != 0)
            break;
        if (ps.tag != __WASI_PREOPENTYPE_DIR)
            continue;
        char name[256];
        size_t n = ps.u.dir.pr_name_len;
        if (n >= sizeof name || __wasi_fd_prestat_dir_name(i, (uint8_t *)name, n) != 0)
            continue;
        if (n == 1 && name[0] == '/') {
            __wasi_fdstat_t st = fdstat(i);
            g_pre = i;
            return OPEN(i, 0, ".", O_DIR_, st.fs_rights_base, st.fs_rights_inheriting, 0);
        }
    }
    die(__LINE__, "no preopen named /", -1);
    return 0;
}

static const uint64_t TMP_BASE =
    RT(FD_FILESTAT_GET) | RT(FD_READDIR) | RT(PATH_CREATE_FILE) | RT(PATH_CREATE_DIRECTORY) |
    RT(PATH_REMOVE_DIRECTORY) | RT(PATH_OPEN) | RT(PATH_UNLINK_FILE) | RT(PATH_LINK_SOURCE) |
    RT(PATH_LINK_TARGET) | RT(PATH_READLINK) | RT(PATH_RENAME_SOURCE) |
    RT(PATH_RENAME_TARGET) | RT(PATH_FILESTAT_GET) | RT(PATH_FILESTAT_SET_SIZE) |
    RT(PATH_FILESTAT_SET_TIMES) | RT(PATH_SYMLINK);
static const uint64_t TMP_INH =
    RT(FD_READ) | RT(FD_WRITE) | RT(FD_READDIR) | RT(FD_FILESTAT_GET) | RT(FD_SEEK) |
    RT(PATH_LINK_SOURCE) | RT(PATH_LINK_TARGET) | RT(PATH_OPEN) | RT(PATH_UNLINK_FILE) |
    RT(PATH_FILESTAT_GET) | RT(FD_FDSTAT_SET_FLAGS) | RT(FD_SYNC) | RT(FD_TELL) |
    RT(FD_ADVISE) | RT(FD_ALLOCATE) | RT(FD_FILESTAT_SET_SIZE) | RT(FD_FILESTAT_SET_TIMES);

#define TMP "case.cleanup"
static wfd g_root;
static wfd tmp_dir(void)
{
    OK(__wasi_path_create_directory(g_root, TMP));
    return OPEN(g_root, 0, TMP, O_DIR_, TMP_BASE, TMP_INH, 0);
}
static void tmp_done(wfd d)
{
    if (d != (wfd)-1)
        OK(__wasi_fd_close(d));
    OK(__wasi_path_remove_directory(g_root, TMP));
}

/* ---- cases ------------------------------------------------------------- */

static void c_dangling_fd(void)
{
    wfd d = tmp_dir();
    create_file(d, "f");
    wfd f = OPEN(d, 0, "f", 0, 0, 0, 0);
    OK(__wasi_path_unlink_file(d, "f"));
    create_file(d, "f"); /* again while the old one is still open */
    OK(__wasi_fd_close(f));
    OK(__wasi_path_unlink_file(d, "f"));
    OK(__wasi_path_create_directory(d, "sub"));
    wfd s = OPEN(d, 0, "sub", O_DIR_, 0, 0, 0);
    OK(__wasi_path_remove_directory(d, "sub"));
    OK(__wasi_path_create_directory(d, "sub"));
    OK(__wasi_fd_close(s));
    OK(__wasi_path_remove_directory(d, "sub"));
    tmp_done(d);
}

static void c_dangling_symlink(void)
{
    wfd d = tmp_dir(), fd;
    OK(__wasi_path_symlink("target", d, "link"));
    ERR(popen_(d, 0, "link", O_DIR_, 0, 0, 0, &fd), E(NOTDIR), E(LOOP));
    ERR(popen_(d, 0, "link", 0, 0, 0, 0, &fd), E(LOOP));
    ERR(popen_(d, FOLLOW, "link", 0, 0, 0, 0, &fd), E(NOENT));
    __wasi_filestat_t st = pstat(d, 0, "link");
    CHECK(st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK);
    OK(__wasi_path_unlink_file(d, "link"));
    tmp_done(d);
}

static void c_dir_fd_op_failures(void)
{
    wfd d = g_root;
    CHECK(fstat_(d).filetype == __WASI_FILETYPE_DIRECTORY);
    __wasi_prestat_t ps;
    OK(__wasi_fd_prestat_get(g_pre, &ps));
    uint8_t name[64];
    ERR(__wasi_fd_prestat_dir_name(g_pre, name, 0), E(INVAL), E(NAMETOOLONG));
    OK(__wasi_fd_prestat_dir_name(g_pre, name, ps.u.dir.pr_name_len + 1));
    uint8_t buf[128];
    __wasi_iovec_t iv = {buf, sizeof buf};
    __wasi_ciovec_t cv = {buf, sizeof buf};
    size_t n;
    __wasi_filesize_t pos;
    ERR(__wasi_fd_read(d, &iv, 1, &n), E(ISDIR), E(BADF), E(NOTCAPABLE));
    ERR(__wasi_fd_pread(d, &iv, 1, 0, &n), E(ISDIR), E(BADF), E(NOTCAPABLE));
    ERR(__wasi_fd_write(d, &cv, 1, &n), E(ISDIR), E(BADF), E(NOTCAPABLE));
    ERR(__wasi_fd_pwrite(d, &cv, 1, 0, &n), E(ISDIR), E(BADF), E(NOTCAPABLE));
    for (int wh = 0; wh < 3; wh++)
        ERR(__wasi_fd_seek(d, 0, (__wasi_whence_t)wh, &pos), E(ISDIR), E(BADF),
            E(NOTCAPABLE));
    ERR(__wasi_fd_tell(d, &pos), E(ISDIR), E(BADF), E(NOTCAPABLE));
    ERR(__wasi_fd_allocate(d, 0, 1), E(ISDIR), E(BADF), E(NOTCAPABLE));
    ERR(__wasi_fd_filestat_set_size(d, 0), E(ISDIR), E(INVAL), E(BADF), E(NOTCAPABLE));
}

static void c_directory_seek(void)
{
    wfd d = tmp_dir();
    OK(__wasi_path_create_directory(d, "dir"));
    wfd fd = OPEN(d, 0, "dir", O_DIR_, RT(FD_SEEK), 0, 0);
    __wasi_filesize_t pos;
    ERR(__wasi_fd_seek(fd, 0, __WASI_WHENCE_CUR, &pos), E(ISDIR), E(NOTCAPABLE), E(BADF));
    __wasi_fdstat_t st = fdstat(fd);
    CHECK(st.fs_filetype == __WASI_FILETYPE_DIRECTORY);
    CHECK((st.fs_rights_base & RT(FD_SEEK)) == 0);
    OK(__wasi_fd_close(fd));
    OK(__wasi_path_remove_directory(d, "dir"));
    tmp_done(d);
}

static void c_fd_advise(void)
{
    wfd d = tmp_dir();
    wfd f = OPEN(d, 0, "f", O_CREAT_,
                 RT(FD_READ) | RT(FD_WRITE) | RT(FD_ADVISE) | RT(FD_FILESTAT_GET) |
                     RT(FD_FILESTAT_SET_SIZE) | RT(FD_ALLOCATE),
                 0, 0);
    CHECK(fstat_(f).size == 0);
    OK(__wasi_fd_filestat_set_size(f, 100));
    CHECK(fstat_(f).size == 100);
    OK(__wasi_fd_advise(f, 10, 50, __WASI_ADVICE_NORMAL));
    CHECK(fstat_(f).size == 100);
    werr e = __wasi_fd_allocate(f, 100, 100);
    if (e == 0)
        CHECK(fstat_(f).size == 200);
    else
        ERR(e, E(NOTSUP));
    OK(__wasi_fd_close(f));
    OK(__wasi_path_unlink_file(d, "f"));
    tmp_done(d);
}

static void c_fd_fdstat_set_rights(void)
{
    wfd d = tmp_dir();
    wfd f = OPEN(d, 0, "f", O_CREAT_, RT(FD_READ) | RT(FD_WRITE) | RT(FD_SEEK) | RT(FD_TELL),
                 0, 0);
    uint8_t data[4] = {0, 1, 2, 3}, back[4];
    CHECK(wr(f, data, 4) == 4);
    seek(f, 0, __WASI_WHENCE_SET);
    CHECK(rd(f, back, 4) == 4 && memcmp(data, back, 4) == 0);
    __wasi_fdstat_t st = fdstat(f);
    OK(__wasi_fd_fdstat_set_rights(f, st.fs_rights_base & ~(RT(FD_READ) | RT(FD_WRITE)),
                                   st.fs_rights_inheriting));
    st = fdstat(f);
    CHECK((st.fs_rights_base & (RT(FD_READ) | RT(FD_WRITE))) == 0);
    CHECK(st.fs_rights_base & RT(FD_SEEK));
    __wasi_iovec_t iv = {back, 4};
    __wasi_ciovec_t cv = {data, 4};
    size_t n;
    ERR(__wasi_fd_read(f, &iv, 1, &n), E(BADF), E(NOTCAPABLE));
    ERR(__wasi_fd_write(f, &cv, 1, &n), E(BADF), E(NOTCAPABLE));
    uint64_t more = RT(FD_READ) | RT(FD_WRITE) | RT(FD_SEEK) | RT(FD_TELL);
    ERR(__wasi_fd_fdstat_set_rights(f, st.fs_rights_base | more, st.fs_rights_inheriting | more),
        E(NOTCAPABLE));
    OK(__wasi_fd_close(f));
    OK(__wasi_path_unlink_file(d, "f"));
    tmp_done(d);
}

static void c_fd_filestat_set(void)
{
    wfd d = tmp_dir();
    wfd f = OPEN(d, 0, "f", O_CREAT_,
                 RT(FD_READ) | RT(FD_WRITE) | RT(FD_FILESTAT_GET) | RT(FD_FILESTAT_SET_SIZE) |
                     RT(FD_FILESTAT_SET_TIMES),
                 0, 0);
    CHECK(fstat_(f).size == 0);
    OK(__wasi_fd_filestat_set_size(f, 100));
    __wasi_filestat_t st = fstat_(f);
    CHECK(st.size == 100);
    uint64_t mt = st.mtim - 100;
    OK(__wasi_fd_filestat_set_times(f, mt, mt, __WASI_FSTFLAGS_MTIM));
    __wasi_filestat_t st2 = fstat_(f);
    CHECK(st2.size == 100 && st2.mtim == mt && st2.atim == st.atim);
    OK(__wasi_fd_close(f));
    OK(__wasi_path_unlink_file(d, "f"));
    tmp_done(d);
}

static void c_fd_flags_set(void)
{
    wfd d = tmp_dir();
    wfd f = OPEN(d, 0, "f", O_CREAT_,
                 RT(FD_READ) | RT(FD_WRITE) | RT(FD_SEEK) | RT(FD_TELL) |
                     RT(FD_FDSTAT_SET_FLAGS),
                 0, __WASI_FDFLAGS_APPEND);
    uint8_t a[100], b[100];
    memset(a, 0, 100);
    CHECK(wr(f, a, 100) == 100);
    seek(f, 0, __WASI_WHENCE_SET);
    CHECK(rd(f, b, 100) == 100 && memcmp(a, b, 100) == 0);
    memset(a, 1, 100);
    seek(f, 0, __WASI_WHENCE_SET);
    CHECK(wr(f, a, 100) == 100); /* appends */
    seek(f, 100, __WASI_WHENCE_SET);
    CHECK(rd(f, b, 100) == 100 && memcmp(a, b, 100) == 0);
    CHECK(fdstat(f).fs_flags & __WASI_FDFLAGS_APPEND);
    OK(__wasi_fd_fdstat_set_flags(f, 0));
    CHECK((fdstat(f).fs_flags & __WASI_FDFLAGS_APPEND) == 0);
    seek(f, 0, __WASI_WHENCE_SET);
    memset(a, 2, 100);
    CHECK(wr(f, a, 100) == 100); /* overwrites */
    seek(f, 0, __WASI_WHENCE_SET);
    CHECK(rd(f, b, 100) == 100 && memcmp(a, b, 100) == 0);
    OK(__wasi_fd_close(f));
    CHECK(pstat(d, 0, "f").size == 200);
    OK(__wasi_path_unlink_file(d, "f"));
    tmp_done(d);
}

typedef struct {
    __wasi_dirent_t h;
    char name[64];
} dent;

/* Parse up to max entries of a readdir buffer; returns the count. */
static int parse_dir(const uint8_t *buf, size_t used, dent *out, int max)
{
    int n = 0;
    size_t off = 0;
    while (n < max && used - off >= sizeof(__wasi_dirent_t)) {
        __wasi_dirent_t h;
        memcpy(&h, buf + off, sizeof h);
        if (used - off - sizeof h < h.d_namlen)
            break;
        out[n].h = h;
        size_t l = h.d_namlen < 63 ? h.d_namlen : 63;
        memcpy(out[n].name, buf + off + sizeof h, l);
        out[n].name[l] = '\0';
        off += sizeof h + h.d_namlen;
        n++;
    }
    return n;
}

static int readdir_(wfd d, uint64_t cookie, dent *out, int max, int *eof)
{
    uint8_t buf[256];
    size_t used;
    OK(__wasi_fd_readdir(d, buf, sizeof buf, cookie, &used));
    CHECK(used <= sizeof buf);
    *eof = used < sizeof buf;
    return parse_dir(buf, used, out, max);
}

static void c_fd_readdir(void)
{
    wfd d = tmp_dir();
    __wasi_filestat_t ds = fstat_(d);
    dent e[16];
    int eof, n = readdir_(d, 0, e, 16, &eof);
    CHECK(eof && n == 2);
    int dot = strcmp(e[0].name, ".") == 0 ? 0 : 1;
    CHECK(strcmp(e[dot].name, ".") == 0 && strcmp(e[1 - dot].name, "..") == 0);
    CHECK(e[dot].h.d_type == __WASI_FILETYPE_DIRECTORY && e[dot].h.d_ino == ds.ino);
    CHECK(e[dot].h.d_namlen == 1 && e[1 - dot].h.d_type == __WASI_FILETYPE_DIRECTORY);
    wfd f = OPEN(d, 0, "file", O_CREAT_,
                 RT(FD_READ) | RT(FD_WRITE) | RT(FD_READDIR) | RT(FD_FILESTAT_GET), 0, 0);
    __wasi_filestat_t fs = fstat_(f);
    OK(__wasi_fd_close(f));
    n = readdir_(d, 0, e, 16, &eof);
    CHECK(eof && n == 3);
    int fi = -1;
    for (int i = 0; i < 3; i++)
        if (strcmp(e[i].name, "file") == 0)
            fi = i;
    CHECK(fi >= 0 && e[fi].h.d_type == __WASI_FILETYPE_REGULAR_FILE && e[fi].h.d_ino == fs.ino);
    char last[64];
    strcpy(last, e[2].name);
    dent e2[4];
    n = readdir_(d, e[1].h.d_next, e2, 4, &eof);
    CHECK(eof && n == 1 && strcmp(e2[0].name, last) == 0);
    OK(__wasi_path_unlink_file(d, "file"));

    /* 1000 files, read 256 bytes at a time through the cookies. */
    char name[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(name, sizeof name, "file.%d", i);
        create_file(d, name);
    }
    int total = 0;
    uint64_t cookie = 0;
    for (;;) {
        dent b[16];
        int m = readdir_(d, cookie, b, 16, &eof);
        total += m;
        if (eof)
            break;
        CHECK(m > 0);
        cookie = b[m - 1].h.d_next;
    }
    if (total != 1002)
        die(__LINE__, "readdir of 1000 files + . and .. did not give 1002 entries", total);
    for (int i = 0; i < 1000; i++) {
        snprintf(name, sizeof name, "file.%d", i);
        OK(__wasi_path_unlink_file(d, name));
    }
    tmp_done(d);
}

static void c_file_allocate(void)
{
    wfd d = tmp_dir();
    wfd f = OPEN(d, 0, "f", O_CREAT_,
                 RT(FD_READ) | RT(FD_WRITE) | RT(FD_ALLOCATE) | RT(FD_FILESTAT_GET), 0, 0);
    CHECK(fstat_(f).size == 0);
    werr e = __wasi_fd_allocate(f, 0, 100);
    if (e == 0) {
        CHECK(fstat_(f).size == 100);
        OK(__wasi_fd_allocate(f, 10, 10));
        CHECK(fstat_(f).size == 100);
        OK(__wasi_fd_allocate(f, 90, 20));
        CHECK(fstat_(f).size == 110);
    } else {
        ERR(e, E(NOTSUP));
    }
    OK(__wasi_fd_close(f));
    OK(__wasi_path_unlink_file(d, "f"));
    tmp_done(d);
}

static void c_file_pread_pwrite(void)
{
    wfd d = tmp_dir();
    wfd f = OPEN(d, 0, "f", O_CREAT_, RT(FD_READ) | RT(FD_SEEK) | RT(FD_WRITE), 0, 0);
    uint8_t c[4] = {0, 1, 2, 3}, r[4] = {0};
    __wasi_ciovec_t cv = {c, 4};
    size_t n;
    OK(__wasi_fd_pwrite(f, &cv, 1, 0, &n));
    CHECK(n == 4);
    __wasi_iovec_t iv = {r, 4};
    OK(__wasi_fd_pread(f, &iv, 1, 0, &n));
    CHECK(n == 4 && memcmp(r, c, 4) == 0);
    __wasi_ciovec_t cv2[2] = {{c, 2}, {c + 2, 2}};
    OK(__wasi_fd_pwrite(f, cv2, 2, 0, &n));
    CHECK(n == 4);
    uint8_t b[4] = {0};
    __wasi_iovec_t iv2[2] = {{b, 2}, {b + 2, 2}};
    OK(__wasi_fd_pread(f, iv2, 2, 0, &n));
    CHECK(n == 4 && memcmp(b, c, 4) == 0);
    memset(r, 0, 4);
    OK(__wasi_fd_pread(f, &iv, 1, 2, &n));
    CHECK(n == 2 && r[0] == 2 && r[1] == 3 && r[2] == 0);
    uint8_t w2[2] = {1, 0};
    __wasi_ciovec_t cv3 = {w2, 2};
    OK(__wasi_fd_pwrite(f, &cv3, 1, 2, &n));
    CHECK(n == 2);
    OK(__wasi_fd_pread(f, &iv, 1, 0, &n));
    CHECK(n == 4 && r[0] == 0 && r[1] == 1 && r[2] == 1 && r[3] == 0);
    /* the cursor never moved */
    __wasi_filesize_t pos;
    ERR(__wasi_fd_tell(f, &pos), E(NOTCAPABLE), E(SUCCESS));
    OK(__wasi_fd_close(f));
    OK(__wasi_path_unlink_file(d, "f"));
    tmp_done(d);
}

static void c_file_seek_tell(void)
{
    wfd d = tmp_dir();
    wfd f = OPEN(d, 0, "f", O_CREAT_, RT(FD_READ) | RT(FD_WRITE) | RT(FD_SEEK) | RT(FD_TELL),
                 0, 0);
    __wasi_filesize_t pos;
    OK(__wasi_fd_tell(f, &pos));
    CHECK(pos == 0);
    uint8_t z[100] = {0};
    CHECK(wr(f, z, 100) == 100);
    OK(__wasi_fd_tell(f, &pos));
    CHECK(pos == 100);
    CHECK(seek(f, -50, __WASI_WHENCE_CUR) == 50);
    CHECK(seek(f, 0, __WASI_WHENCE_SET) == 0);
    seek(f, 1000, __WASI_WHENCE_CUR);
    ERR(__wasi_fd_seek(f, -2000, __WASI_WHENCE_CUR, &pos), E(INVAL));
    seek(f, 0, __WASI_WHENCE_SET);
    CHECK(rd(f, z, 100) == 100);
    OK(__wasi_fd_tell(f, &pos));
    CHECK(pos == 100);
    OK(__wasi_fd_close(f));
    OK(__wasi_path_unlink_file(d, "f"));
    tmp_done(d);
}

static void c_file_truncation(void)
{
    wfd d = tmp_dir();
    wfd f = OPEN(d, 0, "t.txt", O_CREAT_, RT(FD_WRITE), 0, 0);
    CHECK(wr(f, "this will be truncated", 22) == 22);
    OK(__wasi_fd_close(f));
    f = OPEN(d, 0, "t.txt", O_CREAT_ | O_TRUNC_, RT(FD_WRITE) | RT(FD_READ), 0, 0);
    uint8_t b[100];
    CHECK(rd(f, b, 100) == 0);
    OK(__wasi_fd_close(f));
    OK(__wasi_path_unlink_file(d, "t.txt"));
    tmp_done(d);
}

static void c_file_unbuffered_write(void)
{
    wfd d = tmp_dir();
    wfd r = OPEN(d, 0, "f", O_CREAT_, RT(FD_READ), 0, 0);
    wfd w = OPEN(d, 0, "f", 0, RT(FD_WRITE), 0, 0);
    uint8_t one = 1, got = 0;
    CHECK(wr(w, &one, 1) == 1);
    CHECK(rd(r, &got, 1) == 1 && got == 1);
    OK(__wasi_fd_close(w));
    OK(__wasi_fd_close(r));
    OK(__wasi_path_unlink_file(d, "f"));
    tmp_done(d);
}

static void c_fstflags_validate(void)
{
    wfd d = tmp_dir();
    wfd f = OPEN(d, 0, "f", O_CREAT_, RT(FD_READ) | RT(FD_FILESTAT_SET_TIMES), 0, 0);
    ERR(__wasi_fd_filestat_set_times(f, 100, 200, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW),
        E(INVAL));
    ERR(__wasi_fd_filestat_set_times(f, 100, 200, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW),
        E(INVAL));
    OK(__wasi_fd_close(f));
    OK(__wasi_path_unlink_file(d, "f"));
    tmp_done(d);
}

static void c_interesting_paths(void)
{
    wfd d = tmp_dir(), f;
    OK(__wasi_path_create_directory(d, "dir"));
    OK(__wasi_path_create_directory(d, "dir/nested"));
    create_file(d, "dir/nested/file");
    ERR(popen_(d, 0, "/dir/nested/file", 0, 0, 0, 0, &f), E(PERM), E(NOTCAPABLE));
    f = OPEN(d, 0, "dir/.//nested/../../dir/nested/../nested///./file", 0, 0, 0, 0);
    OK(__wasi_fd_close(f));
    static const char nul[] = "dir/nested/file\0";
    uint32_t out;
    ERR((werr)raw_path_open((int32_t)d, 0, (int32_t)(uintptr_t)nul, (int32_t)sizeof nul - 1, 0,
                            0, 0, 0, (int32_t)(uintptr_t)&out),
        E(INVAL), E(ILSEQ), E(NOENT));
    ERR(popen_(d, 0, "dir/nested/file/", 0, 0, 0, 0, &f), E(NOTDIR), E(NOENT));
    ERR(popen_(d, 0, "dir/nested/file///", 0, 0, 0, 0, &f), E(NOTDIR), E(NOENT));
    f = OPEN(d, 0, "dir/nested/", 0, 0, 0, 0);
    OK(__wasi_fd_close(f));
    f = OPEN(d, 0, "dir/nested///", 0, 0, 0, 0);
    OK(__wasi_fd_close(f));
    ERR(popen_(d, 0, "dir/nested/../../../" TMP "/dir/nested/file", 0, 0, 0, 0, &f), E(PERM),
        E(NOTCAPABLE));
    ERR(popen_(g_root, 0, "..", 0, 0, 0, 0, &f), E(PERM), E(NOTCAPABLE));
    OK(__wasi_path_unlink_file(d, "dir/nested/file"));
    OK(__wasi_path_remove_directory(d, "dir/nested"));
    OK(__wasi_path_remove_directory(d, "dir"));
    tmp_done(d);
}

static void c_isatty(void)
{
    wfd d = tmp_dir();
    wfd f = OPEN(d, 0, "f", O_CREAT_, 0, 0, 0);
    __wasi_fdstat_t st = fdstat(f);
    CHECK(st.fs_filetype == __WASI_FILETYPE_REGULAR_FILE); /* libc isatty: not a tty */
    OK(__wasi_fd_close(f));
    OK(__wasi_path_unlink_file(d, "f"));
    tmp_done(d);
}

static void c_nofollow_errors(void)
{
    wfd d = tmp_dir(), f;
    OK(__wasi_path_create_directory(d, "target"));
    OK(__wasi_path_symlink("target", d, "symlink"));
    ERR(popen_(d, 0, "symlink", O_DIR_, 0, 0, 0, &f), E(LOOP), E(NOTDIR));
    ERR(popen_(d, 0, "symlink", 0, 0, 0, 0, &f), E(LOOP), E(ACCES));
    f = OPEN(d, FOLLOW, "symlink", O_DIR_, 0, 0, 0);
    OK(__wasi_fd_close(f));
    OK(__wasi_path_unlink_file(d, "symlink"));
    OK(__wasi_path_remove_directory(d, "target"));
    create_file(d, "target");
    OK(__wasi_path_symlink("target", d, "symlink"));
    ERR(popen_(d, 0, "symlink", O_DIR_, 0, 0, 0, &f), E(LOOP), E(NOTDIR));
    ERR(popen_(d, 0, "symlink", 0, 0, 0, 0, &f), E(LOOP));
    ERR(popen_(d, FOLLOW, "symlink", O_DIR_, 0, 0, 0, &f), E(NOTDIR));
    OK(__wasi_path_unlink_file(d, "target"));
    OK(__wasi_path_unlink_file(d, "symlink"));
    tmp_done(d);
}

static void c_close_preopen(void)
{
    wfd pre = 3;
    CHECK(g_root > pre);
    OK(__wasi_fd_close(pre));
    CHECK(fdstat(g_root).fs_filetype == __WASI_FILETYPE_DIRECTORY);
    __wasi_fdstat_t st;
    ERR(__wasi_fd_fdstat_get(pre, &st), E(BADF));
}

static void c_overwrite_preopen(void)
{
    wfd d = tmp_dir(), pre = 3;
    CHECK(d > pre);
    __wasi_filestat_t a = fstat_(d);
    OK(__wasi_fd_renumber(d, pre));
    __wasi_filestat_t b = fstat_(pre);
    CHECK(a.dev == b.dev && a.ino == b.ino);
    __wasi_fdstat_t st;
    ERR(__wasi_fd_fdstat_get(d, &st), E(BADF));
    OK(__wasi_fd_close(pre));
    tmp_done((wfd)-1);
}

static void c_path_exists(void)
{
    wfd d = tmp_dir();
    OK(__wasi_path_create_directory(d, "subdir"));
    CHECK(pstat(d, 0, "subdir").filetype == __WASI_FILETYPE_DIRECTORY);
    CHECK(pstat(d, FOLLOW, "subdir").filetype == __WASI_FILETYPE_DIRECTORY);
    create_file(d, "subdir/file");
    CHECK(pstat(d, 0, "subdir/file").filetype == __WASI_FILETYPE_REGULAR_FILE);
    CHECK(pstat(d, FOLLOW, "subdir/file").filetype == __WASI_FILETYPE_REGULAR_FILE);
    OK(__wasi_path_symlink("subdir/file", d, "link1"));
    CHECK(pstat(d, 0, "link1").filetype == __WASI_FILETYPE_SYMBOLIC_LINK);
    CHECK(pstat(d, FOLLOW, "link1").filetype == __WASI_FILETYPE_REGULAR_FILE);
    OK(__wasi_path_symlink("subdir", d, "link2"));
    CHECK(pstat(d, 0, "link2").filetype == __WASI_FILETYPE_SYMBOLIC_LINK);
    CHECK(pstat(d, FOLLOW, "link2").filetype == __WASI_FILETYPE_DIRECTORY);
    OK(__wasi_path_unlink_file(d, "link1"));
    OK(__wasi_path_unlink_file(d, "link2"));
    OK(__wasi_path_unlink_file(d, "subdir/file"));
    OK(__wasi_path_remove_directory(d, "subdir"));
    tmp_done(d);
}

static void c_path_filestat(void)
{
    wfd d = tmp_dir(), f;
    CHECK(fdstat(d).fs_rights_base & RT(PATH_FILESTAT_GET));
    uint64_t r = RT(FD_READ) | RT(FD_WRITE) | RT(PATH_FILESTAT_GET);
    uint16_t fl = __WASI_FDFLAGS_APPEND | __WASI_FDFLAGS_SYNC;
    werr e = popen_(d, 0, "file", O_CREAT_, r, 0, fl, &f);
    if (e == E(NOTSUP)) {
        fl = __WASI_FDFLAGS_APPEND;
        f = OPEN(d, 0, "file", O_CREAT_, r, 0, fl);
    } else {
        OK(e);
    }
    CHECK((fdstat(f).fs_flags & fl) == fl);
    __wasi_filestat_t st = pstat(d, 0, "file");
    CHECK(st.size == 0);
    uint64_t mt = st.mtim - 100;
    OK(__wasi_path_filestat_set_times(d, 0, "file", 0, mt, __WASI_FSTFLAGS_MTIM));
    CHECK(pstat(d, 0, "file").mtim == mt);
    ERR(__wasi_path_filestat_set_times(d, 0, "file", 0, mt,
                                       __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW),
        E(INVAL));
    CHECK(pstat(d, 0, "file").mtim == mt);
    ERR(__wasi_path_filestat_set_times(d, 0, "file", 0, 0,
                                       __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW),
        E(INVAL));
    OK(__wasi_fd_close(f));
    OK(__wasi_path_unlink_file(d, "file"));
    tmp_done(d);
}

static const uint64_t LINK_RIGHTS = RT(FD_READ) | RT(PATH_LINK_SOURCE) | RT(PATH_LINK_TARGET) |
                                    RT(FD_FILESTAT_GET) | RT(PATH_OPEN) | RT(PATH_UNLINK_FILE);

static void same_file(wfd a, wfd b)
{
    __wasi_filestat_t x = fstat_(a), y = fstat_(b);
    CHECK(x.dev == y.dev && x.ino == y.ino && x.atim == y.atim && x.mtim == y.mtim &&
          x.ctim == y.ctim && x.size == y.size && x.nlink == y.nlink &&
          x.filetype == y.filetype);
    __wasi_fdstat_t s = fdstat(a), t = fdstat(b);
    CHECK(s.fs_flags == t.fs_flags && s.fs_filetype == t.fs_filetype &&
          s.fs_rights_base == t.fs_rights_base &&
          s.fs_rights_inheriting == t.fs_rights_inheriting);
}

static void c_path_link(void)
{
    wfd d = tmp_dir();
    wfd f = OPEN(d, 0, "file", O_CREAT_, LINK_RIGHTS, LINK_RIGHTS, 0);
    OK(__wasi_path_link(d, 0, "file", d, "link"));
    wfd l = OPEN(d, 0, "link", 0, LINK_RIGHTS, LINK_RIGHTS, 0);
    same_file(f, l);
    OK(__wasi_fd_close(l));
    OK(__wasi_path_unlink_file(d, "link"));
    OK(__wasi_path_create_directory(d, "subdir"));
    wfd s = OPEN(d, 0, "subdir", O_DIR_, LINK_RIGHTS, LINK_RIGHTS, 0);
    OK(__wasi_path_link(d, 0, "file", s, "link"));
    l = OPEN(s, 0, "link", 0, LINK_RIGHTS, LINK_RIGHTS, 0);
    same_file(f, l);
    OK(__wasi_fd_close(l));
    OK(__wasi_fd_close(f));
    OK(__wasi_path_unlink_file(s, "link"));
    OK(__wasi_fd_close(s));
    OK(__wasi_path_remove_directory(d, "subdir"));
    create_file(d, "link");
    ERR(__wasi_path_link(d, 0, "file", d, "link"), E(EXIST));
    OK(__wasi_path_unlink_file(d, "link"));
    ERR(__wasi_path_link(d, 0, "file", d, "file"), E(EXIST));
    OK(__wasi_path_create_directory(d, "link"));
    ERR(__wasi_path_link(d, 0, "file", d, "link"), E(EXIST));
    OK(__wasi_path_remove_directory(d, "link"));
    OK(__wasi_path_create_directory(d, "subdir"));
    ERR(__wasi_path_link(d, 0, "subdir", d, "link"), E(PERM), E(ACCES));
    OK(__wasi_path_remove_directory(d, "subdir"));
    ERR(__wasi_path_link(d, 0, "file", d, "link/"), E(NOENT));
    OK(__wasi_path_symlink("target", d, "symlink"));
    OK(__wasi_path_link(d, 0, "symlink", d, "link"));
    OK(__wasi_path_unlink_file(d, "symlink"));
    OK(__wasi_path_unlink_file(d, "link"));
    OK(__wasi_path_symlink("symlink", d, "symlink"));
    OK(__wasi_path_link(d, 0, "symlink", d, "link"));
    OK(__wasi_path_unlink_file(d, "symlink"));
    OK(__wasi_path_unlink_file(d, "link"));
    OK(__wasi_path_symlink("target", d, "symlink"));
    ERR(__wasi_path_link(d, 0, "file", d, "symlink"), E(EXIST));
    ERR(__wasi_path_link(d, FOLLOW, "symlink", d, "link"), E(INVAL), E(NOENT));
    OK(__wasi_path_unlink_file(d, "symlink"));
    OK(__wasi_path_unlink_file(d, "file"));
    tmp_done(d);
}

static void c_path_open_create_existing(void)
{
    wfd d = tmp_dir(), f;
    create_file(d, "file");
    ERR(popen_(d, 0, "file", O_CREAT_ | O_EXCL_, 0, 0, 0, &f), E(EXIST));
    OK(__wasi_path_create_directory(d, "dir"));
    ERR(popen_(d, 0, "dir", O_CREAT_ | O_EXCL_, 0, 0, 0, &f), E(EXIST));
    ERR(popen_(d, 0, "file", O_DIR_, 0, 0, 0, &f), E(NOTDIR));
    OK(__wasi_path_remove_directory(d, "dir"));
    OK(__wasi_path_unlink_file(d, "file"));
    tmp_done(d);
}

static void c_path_open_dirfd_not_dir(void)
{
    wfd d = tmp_dir(), f;
    wfd file = OPEN(d, 0, "file", O_CREAT_, 0, 0, 0);
    ERR(popen_(file, 0, "foo", O_CREAT_, 0, 0, 0, &f), E(NOTDIR), E(NOTCAPABLE));
    OK(__wasi_fd_close(file));
    OK(__wasi_path_unlink_file(d, "file"));
    tmp_done(d);
}

static void c_path_open_missing(void)
{
    wfd d = tmp_dir(), f;
    ERR(popen_(d, 0, "file", 0, 0, 0, 0, &f), E(NOENT));
    ERR(popen_(d, 0, "nodir/file", O_CREAT_, 0, 0, 0, &f), E(NOENT));
    tmp_done(d);
}

static void c_path_open_nonblock(void)
{
    wfd f = OPEN(g_root, 0, ".", 0, 0, 0, __WASI_FDFLAGS_NONBLOCK);
    OK(__wasi_fd_close(f));
}

static void c_path_open_preopen(void)
{
    static const uint64_t dir_base =
        RT(PATH_CREATE_DIRECTORY) | RT(PATH_CREATE_FILE) | RT(PATH_LINK_SOURCE) |
        RT(PATH_LINK_TARGET) | RT(PATH_OPEN) | RT(FD_READDIR) | RT(PATH_READLINK) |
        RT(PATH_RENAME_SOURCE) | RT(PATH_RENAME_TARGET) | RT(PATH_SYMLINK) |
        RT(PATH_REMOVE_DIRECTORY) | RT(PATH_UNLINK_FILE) | RT(PATH_FILESTAT_GET) |
        RT(PATH_FILESTAT_SET_TIMES) | RT(FD_FILESTAT_GET) | RT(FD_FILESTAT_SET_TIMES);
    static const uint64_t dir_inh =
        dir_base | RT(FD_DATASYNC) | RT(FD_READ) | RT(FD_SEEK) | RT(FD_FDSTAT_SET_FLAGS) |
        RT(FD_SYNC) | RT(FD_TELL) | RT(FD_WRITE) | RT(FD_ADVISE) | RT(FD_ALLOCATE) |
        RT(FD_FILESTAT_GET) | RT(FD_FILESTAT_SET_SIZE) | RT(FD_FILESTAT_SET_TIMES) |
        RT(POLL_FD_READWRITE);
    __wasi_prestat_t ps;
    OK(__wasi_fd_prestat_get(g_pre, &ps));
    CHECK(ps.tag == __WASI_PREOPENTYPE_DIR);
    __wasi_fdstat_t st = fdstat(g_pre);
    CHECK((st.fs_rights_base & dir_base) == dir_base);
    CHECK((st.fs_rights_inheriting & dir_inh) == dir_inh);
    wfd f;
    OK(popen_(g_pre, 0, ".", 0, st.fs_rights_base, st.fs_rights_inheriting, 0, &f));
    OK(popen_(g_pre, 0, ".", 0, 0, 0, 0, &f));
    OK(popen_(g_pre, 0, ".", O_DIR_, 0, 0, 0, &f));
    OK(popen_(g_pre, 0, ".", O_DIR_, RT(FD_READ), 0, 0, &f));
    ERR(popen_(g_pre, 0, ".", O_DIR_, RT(FD_READ) | RT(FD_WRITE), 0, 0, &f), E(ISDIR));
}

static void c_path_open_read_write(void)
{
    wfd d = g_root;
    create_file(d, "file.cleanup");
    wfd r = OPEN(d, 0, "file.cleanup", 0, RT(FD_READ), 0, 0);
    __wasi_fdstat_t st = fdstat(r);
    CHECK((st.fs_rights_base & RT(FD_READ)) && !(st.fs_rights_base & RT(FD_WRITE)));
    uint8_t b[100], w[50], w2[25];
    memset(w, 1, sizeof w);
    memset(w2, 2, sizeof w2);
    CHECK(rd(r, b, 100) == 0);
    __wasi_ciovec_t cv = {w, sizeof w};
    __wasi_iovec_t iv = {b, sizeof b};
    size_t n;
    ERR(__wasi_fd_write(r, &cv, 1, &n), E(BADF), E(NOTCAPABLE), E(ACCES));
    OK(__wasi_fd_close(r));
    wfd wo = OPEN(d, 0, "file.cleanup", 0, RT(FD_WRITE), 0, 0);
    st = fdstat(wo);
    CHECK(!(st.fs_rights_base & RT(FD_READ)) && (st.fs_rights_base & RT(FD_WRITE)));
    ERR(__wasi_fd_read(wo, &iv, 1, &n), E(BADF), E(NOTCAPABLE), E(ACCES));
    CHECK(wr(wo, w, sizeof w) == sizeof w);
    OK(__wasi_fd_close(wo));
    wfd rw = OPEN(d, 0, "file.cleanup", 0, RT(FD_READ) | RT(FD_WRITE) | RT(FD_FILESTAT_GET), 0,
                  0);
    st = fdstat(rw);
    CHECK((st.fs_rights_base & RT(FD_READ)) && (st.fs_rights_base & RT(FD_WRITE)));
    CHECK(rd(rw, b, 100) == sizeof w);
    CHECK(wr(rw, w2, sizeof w2) == sizeof w2);
    CHECK(fstat_(rw).size == sizeof w + sizeof w2);
    OK(__wasi_fd_close(rw));
    OK(__wasi_path_unlink_file(d, "file.cleanup"));
}

static void c_path_open_read_without_rights(void)
{
    wfd d = tmp_dir();
    create_file(d, "file");
    __wasi_fdstat_t st = fdstat(d);
    OK(__wasi_fd_fdstat_set_rights(d, st.fs_rights_base & ~RT(FD_READ),
                                   st.fs_rights_inheriting & ~RT(FD_READ)));
    st = fdstat(d);
    CHECK(!(st.fs_rights_base & RT(FD_READ)) && !(st.fs_rights_inheriting & RT(FD_READ)));
    wfd f = OPEN(d, 0, "file", 0, 0, 0, 0);
    st = fdstat(f);
    CHECK(!(st.fs_rights_base & RT(FD_READ)) && !(st.fs_rights_inheriting & RT(FD_READ)));
    uint8_t b[1];
    __wasi_iovec_t iv = {b, 1};
    size_t n;
    ERR(__wasi_fd_read(f, &iv, 1, &n), E(BADF));
    OK(__wasi_fd_close(f));
    OK(__wasi_path_unlink_file(d, "file"));
    tmp_done(d);
}

static void c_path_rename(void)
{
    wfd d = tmp_dir(), f;
    OK(__wasi_path_create_directory(d, "source"));
    OK(__wasi_path_rename(d, "source", d, "target"));
    ERR(popen_(d, 0, "source", O_DIR_, 0, 0, 0, &f), E(NOENT));
    f = OPEN(d, 0, "target", O_DIR_, 0, 0, 0);
    OK(__wasi_fd_close(f));
    OK(__wasi_path_remove_directory(d, "target"));
    /* dir over an empty dir */
    OK(__wasi_path_create_directory(d, "source"));
    OK(__wasi_path_create_directory(d, "target"));
    OK(__wasi_path_rename(d, "source", d, "target"));
    ERR(popen_(d, 0, "source", O_DIR_, 0, 0, 0, &f), E(NOENT));
    f = OPEN(d, 0, "target", O_DIR_, 0, 0, 0);
    OK(__wasi_fd_close(f));
    OK(__wasi_path_remove_directory(d, "target"));
    /* dir over a non-empty dir, and over a file */
    OK(__wasi_path_create_directory(d, "source"));
    OK(__wasi_path_create_directory(d, "target"));
    create_file(d, "target/file");
    ERR(__wasi_path_rename(d, "source", d, "target"), E(NOTEMPTY));
    ERR(__wasi_path_rename(d, "source", d, "target/file"), E(NOTDIR));
    OK(__wasi_path_unlink_file(d, "target/file"));
    OK(__wasi_path_remove_directory(d, "source"));
    OK(__wasi_path_remove_directory(d, "target"));
    /* files */
    create_file(d, "source");
    OK(__wasi_path_rename(d, "source", d, "target"));
    ERR(popen_(d, 0, "source", 0, 0, 0, 0, &f), E(NOENT));
    f = OPEN(d, 0, "target", 0, 0, 0, 0);
    OK(__wasi_fd_close(f));
    OK(__wasi_path_unlink_file(d, "target"));
    create_file(d, "source");
    create_file(d, "target");
    OK(__wasi_path_rename(d, "source", d, "target"));
    ERR(popen_(d, 0, "source", 0, 0, 0, 0, &f), E(NOENT));
    f = OPEN(d, 0, "target", 0, 0, 0, 0);
    OK(__wasi_fd_close(f));
    OK(__wasi_path_unlink_file(d, "target"));
    /* file over a dir */
    create_file(d, "source");
    OK(__wasi_path_create_directory(d, "target"));
    ERR(__wasi_path_rename(d, "source", d, "target"), E(ISDIR));
    OK(__wasi_path_remove_directory(d, "target"));
    OK(__wasi_path_unlink_file(d, "source"));
    tmp_done(d);
}

static void c_path_rename_dir_trailing_slashes(void)
{
    wfd d = tmp_dir();
    OK(__wasi_path_create_directory(d, "source"));
    OK(__wasi_path_rename(d, "source/", d, "target"));
    OK(__wasi_path_rename(d, "target", d, "source/"));
    OK(__wasi_path_rename(d, "source/", d, "target/"));
    OK(__wasi_path_rename(d, "target", d, "source"));
    OK(__wasi_path_remove_directory(d, "source"));
    create_file(d, "file");
    ERR(__wasi_path_rename(d, "file/", d, "other"), E(NOTDIR));
    ERR(__wasi_path_rename(d, "file", d, "other/"), E(NOTDIR), E(NOENT));
    OK(__wasi_path_unlink_file(d, "file"));
    tmp_done(d);
}

static void c_path_symlink_trailing_slashes(void)
{
    wfd d = tmp_dir();
    ERR(__wasi_path_symlink("source", d, "target/"), E(NOENT));
    OK(__wasi_path_symlink("source", d, "target"));
    OK(__wasi_path_unlink_file(d, "target"));
    OK(__wasi_path_create_directory(d, "target"));
    ERR(__wasi_path_symlink("source", d, "target/"), E(EXIST));
    ERR(__wasi_path_symlink("source", d, "target"), E(EXIST));
    OK(__wasi_path_remove_directory(d, "target"));
    create_file(d, "target");
    ERR(__wasi_path_symlink("source", d, "target/"), E(NOTDIR), E(EXIST));
    ERR(__wasi_path_symlink("source", d, "target"), E(EXIST));
    OK(__wasi_path_unlink_file(d, "target"));
    tmp_done(d);
}

static void c_readlink(void)
{
    wfd d = tmp_dir();
    create_file(d, "target");
    OK(__wasi_path_symlink("target", d, "symlink"));
    uint8_t buf[10] = {0};
    size_t n;
    OK(__wasi_path_readlink(d, "symlink", buf, sizeof buf, &n));
    CHECK(n == 6 && memcmp(buf, "target", 6) == 0 && buf[6] == 0 && buf[9] == 0);
    uint8_t sm[4];
    OK(__wasi_path_readlink(d, "symlink", sm, sizeof sm, &n));
    CHECK(n == 4 && memcmp(sm, "targ", 4) == 0);
    ERR(__wasi_path_readlink(d, "target", buf, sizeof buf, &n), E(INVAL), E(NOENT));
    OK(__wasi_path_unlink_file(d, "target"));
    OK(__wasi_path_unlink_file(d, "symlink"));
    tmp_done(d);
}

static void c_remove_directory_trailing_slashes(void)
{
    wfd d = tmp_dir();
    OK(__wasi_path_create_directory(d, "dir"));
    OK(__wasi_path_remove_directory(d, "dir"));
    OK(__wasi_path_create_directory(d, "dir"));
    OK(__wasi_path_remove_directory(d, "dir/"));
    create_file(d, "file");
    ERR(__wasi_path_remove_directory(d, "file"), E(NOTDIR));
    ERR(__wasi_path_remove_directory(d, "file/"), E(NOTDIR));
    OK(__wasi_path_unlink_file(d, "file"));
    tmp_done(d);
}

static void c_remove_nonempty_directory(void)
{
    wfd d = tmp_dir();
    OK(__wasi_path_create_directory(d, "dir"));
    OK(__wasi_path_create_directory(d, "dir/nested"));
    ERR(__wasi_path_remove_directory(d, "dir"), E(NOTEMPTY));
    OK(__wasi_path_remove_directory(d, "dir/nested"));
    OK(__wasi_path_remove_directory(d, "dir"));
    tmp_done(d);
}

static void c_renumber(void)
{
    wfd d = tmp_dir();
    CHECK(d > 3);
    wfd a = OPEN(d, 0, "file1", O_CREAT_, RT(FD_READ) | RT(FD_WRITE), 0, 0);
    __wasi_fdstat_t sa = fdstat(a);
    wfd b = OPEN(d, 0, "file2", O_CREAT_, RT(FD_READ) | RT(FD_WRITE), 0, 0);
    OK(__wasi_fd_renumber(a, b));
    ERR(__wasi_fd_close(a), E(BADF));
    __wasi_fdstat_t sb = fdstat(b);
    CHECK(sa.fs_filetype == sb.fs_filetype && sa.fs_flags == sb.fs_flags &&
          sa.fs_rights_base == sb.fs_rights_base &&
          sa.fs_rights_inheriting == sb.fs_rights_inheriting);
    ERR(__wasi_fd_renumber(b, a), E(BADF));
    OK(__wasi_fd_close(b));
    OK(__wasi_path_unlink_file(d, "file1"));
    OK(__wasi_path_unlink_file(d, "file2"));
    tmp_done(d);
}

static void c_stdio(void)
{
    wfd d = tmp_dir();
    for (wfd from = 0; from < 3; from++) {
        wfd to; /* may reuse a stdio number freed by the last round */
        OK(popen_(d, 0, "file.cleanup", O_CREAT_, 0, 0, 0, &to));
        OK(__wasi_fd_renumber(from, to));
        __wasi_fdstat_t st;
        OK(__wasi_fd_fdstat_get(to, &st));
        ERR(__wasi_fd_fdstat_get(from, &st), E(BADF));
        OK(__wasi_path_unlink_file(d, "file.cleanup"));
    }
    tmp_done(d);
}

static void c_symlink_create(void)
{
    wfd d = tmp_dir();
    create_file(d, "target");
    OK(__wasi_path_symlink("target", d, "symlink"));
    wfd f = OPEN(d, FOLLOW, "symlink", 0, 0, 0, 0);
    OK(__wasi_fd_close(f));
    OK(__wasi_path_unlink_file(d, "symlink"));
    OK(__wasi_path_unlink_file(d, "target"));
    OK(__wasi_path_create_directory(d, "target"));
    OK(__wasi_path_symlink("target", d, "symlink"));
    f = OPEN(d, FOLLOW, "symlink", O_DIR_, 0, 0, 0);
    OK(__wasi_fd_close(f));
    OK(__wasi_path_unlink_file(d, "symlink"));
    OK(__wasi_path_remove_directory(d, "target"));
    CHECK(__wasi_path_symlink("/", d, "symlink") != 0);
    ERR(__wasi_path_symlink("../..", d, "up"), E(SUCCESS), E(PERM), E(NOTCAPABLE));
    wfd up;
    ERR(popen_(d, FOLLOW, "up", 0, 0, 0, 0, &up), E(PERM), E(NOTCAPABLE), E(NOENT));
    (void)__wasi_path_unlink_file(d, "up");
    tmp_done(d);
}

static void c_symlink_filestat(void)
{
    wfd d = tmp_dir();
    wfd f = OPEN(d, 0, "file", O_CREAT_, RT(FD_READ) | RT(FD_WRITE) | RT(PATH_FILESTAT_GET), 0,
                 0);
    __wasi_filestat_t fs = pstat(d, 0, "file");
    CHECK(fs.size == 0);
    OK(__wasi_path_symlink("file", d, "symlink"));
    __wasi_filestat_t ss = pstat(d, 0, "symlink");
    uint64_t mt = ss.mtim - 200;
    OK(__wasi_path_filestat_set_times(d, 0, "symlink", 0, mt, __WASI_FSTFLAGS_MTIM));
    CHECK(pstat(d, 0, "symlink").mtim == mt);
    CHECK(pstat(d, 0, "file").mtim == fs.mtim);
    CHECK(pstat(d, FOLLOW, "symlink").mtim == fs.mtim);
    OK(__wasi_path_filestat_set_times(d, FOLLOW, "symlink", 0, ss.mtim, __WASI_FSTFLAGS_MTIM));
    CHECK(pstat(d, 0, "file").mtim == ss.mtim);
    OK(__wasi_fd_close(f));
    OK(__wasi_path_unlink_file(d, "symlink"));
    OK(__wasi_path_unlink_file(d, "file"));
    tmp_done(d);
}

static void c_symlink_loop(void)
{
    wfd d = tmp_dir(), f;
    OK(__wasi_path_symlink("symlink", d, "symlink"));
    ERR(popen_(d, 0, "symlink", 0, 0, 0, 0, &f), E(LOOP));
    ERR(popen_(d, FOLLOW, "symlink", 0, 0, 0, 0, &f), E(LOOP));
    OK(__wasi_path_unlink_file(d, "symlink"));
    tmp_done(d);
}

static void c_truncation_rights(void)
{
    wfd d = tmp_dir(), f;
    create_file(d, "file");
    __wasi_fdstat_t st = fdstat(d);
    CHECK(st.fs_filetype == __WASI_FILETYPE_DIRECTORY && st.fs_flags == 0);
    CHECK((st.fs_rights_base & RT(FD_FILESTAT_SET_SIZE)) == 0);
    CHECK(st.fs_rights_base & RT(PATH_FILESTAT_SET_SIZE));
    wfd w = OPEN(d, 0, "file", 0, RT(FD_WRITE), 0, 0);
    CHECK(wr(w, "abc", 3) == 3);
    OK(__wasi_fd_close(w));
    f = OPEN(d, 0, "file", O_TRUNC_, 0, 0, 0);
    OK(__wasi_fd_close(f));
    CHECK(pstat(d, 0, "file").size == 0);
    uint64_t base = st.fs_rights_base, inh = st.fs_rights_inheriting;
    if (inh & RT(FD_FILESTAT_SET_SIZE)) {
        inh &= ~RT(FD_FILESTAT_SET_SIZE);
        OK(__wasi_fd_fdstat_set_rights(d, base, inh));
    }
    f = OPEN(d, 0, "file", O_TRUNC_, 0, 0, 0);
    OK(__wasi_fd_close(f));
    base &= ~RT(PATH_FILESTAT_SET_SIZE);
    OK(__wasi_fd_fdstat_set_rights(d, base, inh));
    CHECK((fdstat(d).fs_rights_base & RT(PATH_FILESTAT_SET_SIZE)) == 0);
    ERR(popen_(d, 0, "file", O_TRUNC_, 0, 0, 0, &f), E(PERM), E(NOTCAPABLE));
    OK(__wasi_path_unlink_file(d, "file"));
    tmp_done(d);
}

static void c_unlink_file_trailing_slashes(void)
{
    wfd d = tmp_dir();
    OK(__wasi_path_create_directory(d, "dir"));
    ERR(__wasi_path_unlink_file(d, "dir"), E(ISDIR), E(PERM), E(ACCES));
    ERR(__wasi_path_unlink_file(d, "dir/"), E(ISDIR), E(PERM), E(ACCES));
    OK(__wasi_path_remove_directory(d, "dir"));
    create_file(d, "file");
    ERR(__wasi_path_unlink_file(d, "file/"), E(NOTDIR));
    OK(__wasi_path_unlink_file(d, "file"));
    tmp_done(d);
}

/* ---- stdio, poll, clocks, random, sockets --------------------------------- */

static void c_poll_oneoff_stdio(void)
{
    __wasi_subscription_t in[3];
    __wasi_event_t out[3];
    size_t n;
    memset(in, 0, sizeof in);
    in[0].userdata = 0x12345678;
    in[0].u.tag = __WASI_EVENTTYPE_CLOCK;
    in[0].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    in[0].u.u.clock.timeout = 200000000;
    in[1].userdata = 0x87654321;
    in[1].u.tag = __WASI_EVENTTYPE_FD_READ;
    in[1].u.u.fd_read.file_descriptor = 0;
    OK(__wasi_poll_oneoff(in, out, 2, &n));
    CHECK(n >= 1);
    for (size_t i = 0; i < n; i++) {
        CHECK(out[i].error == 0);
        CHECK(out[i].type == __WASI_EVENTTYPE_CLOCK ? out[i].userdata == 0x12345678
                                                    : out[i].userdata == 0x87654321);
    }
    /* stdout and stderr are writable before the clock fires */
    memset(in, 0, sizeof in);
    for (int i = 0; i < 2; i++) {
        in[i].userdata = (uint64_t)(i + 1);
        in[i].u.tag = __WASI_EVENTTYPE_FD_WRITE;
        in[i].u.u.fd_write.file_descriptor = (wfd)(i + 1);
    }
    in[2].userdata = 0x12345678;
    in[2].u.tag = __WASI_EVENTTYPE_CLOCK;
    in[2].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    in[2].u.u.clock.timeout = 200000000;
    OK(__wasi_poll_oneoff(in, out, 3, &n));
    CHECK(n == 2);
    for (size_t i = 0; i < n; i++)
        CHECK(out[i].type == __WASI_EVENTTYPE_FD_WRITE && out[i].error == 0 &&
              (out[i].userdata == 1 || out[i].userdata == 2) &&
              out[i].userdata != out[1 - i].userdata);
}

static void c_misc_calls(void)
{
    __wasi_timestamp_t a, b;
    OK(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &a));
    OK(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &a));
    OK(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &b));
    CHECK(a <= b);
    OK(__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 0, &a));
    CHECK(a > 0);
    OK(__wasi_clock_res_get(__WASI_CLOCKID_REALTIME, &a));
    CHECK(a > 0);
    OK(__wasi_clock_res_get(__WASI_CLOCKID_MONOTONIC, &a));
    CHECK(a > 0);
    OK(__wasi_sched_yield());
    static uint8_t big[1 << 20];
    OK(__wasi_random_get(big, sizeof big));
    OK(__wasi_random_get(big, 0));
    ERR(__wasi_sock_shutdown(1, __WASI_SDFLAGS_RD), E(NOTSOCK));
    ERR(__wasi_sock_shutdown(999, __WASI_SDFLAGS_RD), E(BADF));
    size_t n;
    ERR(__wasi_fd_write((wfd)-31337, NULL, 0, &n), E(BADF));
    __wasi_fdstat_t st;
    ERR(__wasi_fd_fdstat_get(12345, &st), E(BADF));
    __wasi_filesize_t pos;
    ERR(__wasi_fd_seek(1, 0, __WASI_WHENCE_CUR, &pos), E(SPIPE), E(BADF), E(NOTCAPABLE));
}

/* Read-only mappings stay read-only; paths never leave a preopen. */
static void c_readonly_map(void)
{
    wfd ro = (wfd)-1;
    for (wfd i = 3; i < 64; i++) {
        __wasi_prestat_t ps;
        if (__wasi_fd_prestat_get(i, &ps) != 0)
            break;
        char name[64];
        size_t n = ps.u.dir.pr_name_len;
        if (n < sizeof name && __wasi_fd_prestat_dir_name(i, (uint8_t *)name, n) == 0 &&
            n == 2 && memcmp(name, "ro", 2) == 0)
            ro = i;
    }
    CHECK(ro != (wfd)-1);
    wfd f;
    ERR(popen_(ro, 0, "new", O_CREAT_, 0, 0, 0, &f), E(NOTCAPABLE), E(ROFS), E(PERM),
        E(ACCES));
    ERR(popen_(ro, 0, "data", 0, RT(FD_WRITE), 0, 0, &f), E(NOTCAPABLE), E(ROFS), E(PERM),
        E(ACCES));
    ERR(popen_(ro, 0, "data", O_TRUNC_, 0, 0, 0, &f), E(NOTCAPABLE), E(ROFS), E(PERM),
        E(ACCES));
    ERR(__wasi_path_unlink_file(ro, "data"), E(NOTCAPABLE), E(ROFS), E(PERM), E(ACCES));
    ERR(__wasi_path_create_directory(ro, "d"), E(NOTCAPABLE), E(ROFS), E(PERM), E(ACCES));
    f = OPEN(ro, 0, "data", 0, RT(FD_READ), 0, 0);
    uint8_t b[8];
    CHECK(rd(f, b, 8) == 4 && memcmp(b, "data", 4) == 0);
    __wasi_ciovec_t cv = {b, 1};
    size_t n;
    ERR(__wasi_fd_write(f, &cv, 1, &n), E(BADF), E(NOTCAPABLE));
    ERR(__wasi_fd_filestat_set_size(f, 0), E(BADF), E(NOTCAPABLE));
    ERR(__wasi_fd_fdstat_set_rights(f, RT(FD_READ) | RT(FD_WRITE), 0), E(NOTCAPABLE));
    OK(__wasi_fd_close(f));
    ERR(popen_(ro, 0, "../escape", O_CREAT_, 0, 0, 0, &f), E(PERM), E(NOTCAPABLE));
}

typedef struct {
    const char *name;
    void (*fn)(void);
} tcase;

static const tcase cases[] = {
    {"dangling_fd", c_dangling_fd},
    {"dangling_symlink", c_dangling_symlink},
    {"dir_fd_op_failures", c_dir_fd_op_failures},
    {"directory_seek", c_directory_seek},
    {"fd_advise", c_fd_advise},
    {"fd_fdstat_set_rights", c_fd_fdstat_set_rights},
    {"fd_filestat_set", c_fd_filestat_set},
    {"fd_flags_set", c_fd_flags_set},
    {"fd_readdir", c_fd_readdir},
    {"file_allocate", c_file_allocate},
    {"file_pread_pwrite", c_file_pread_pwrite},
    {"file_seek_tell", c_file_seek_tell},
    {"file_truncation", c_file_truncation},
    {"file_unbuffered_write", c_file_unbuffered_write},
    {"fstflags_validate", c_fstflags_validate},
    {"interesting_paths", c_interesting_paths},
    {"isatty", c_isatty},
    {"nofollow_errors", c_nofollow_errors},
    {"close_preopen", c_close_preopen},
    {"overwrite_preopen", c_overwrite_preopen},
    {"path_exists", c_path_exists},
    {"path_filestat", c_path_filestat},
    {"path_link", c_path_link},
    {"path_open_create_existing", c_path_open_create_existing},
    {"path_open_dirfd_not_dir", c_path_open_dirfd_not_dir},
    {"path_open_missing", c_path_open_missing},
    {"path_open_nonblock", c_path_open_nonblock},
    {"path_open_preopen", c_path_open_preopen},
    {"path_open_read_write", c_path_open_read_write},
    {"path_open_read_without_rights", c_path_open_read_without_rights},
    {"path_rename", c_path_rename},
    {"path_rename_dir_trailing_slashes", c_path_rename_dir_trailing_slashes},
    {"path_symlink_trailing_slashes", c_path_symlink_trailing_slashes},
    {"readlink", c_readlink},
    {"remove_directory_trailing_slashes", c_remove_directory_trailing_slashes},
    {"remove_nonempty_directory", c_remove_nonempty_directory},
    {"renumber", c_renumber},
    {"stdio", c_stdio},
    {"symlink_create", c_symlink_create},
    {"symlink_filestat", c_symlink_filestat},
    {"symlink_loop", c_symlink_loop},
    {"truncation_rights", c_truncation_rights},
    {"unlink_file_trailing_slashes", c_unlink_file_trailing_slashes},
    {"poll_oneoff_stdio", c_poll_oneoff_stdio},
    {"misc_calls", c_misc_calls},
    {"readonly_map", c_readonly_map},
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: conf_wasi CASE | list\n");
        return 2;
    }
    size_t nc = sizeof cases / sizeof cases[0];
    if (strcmp(argv[1], "list") == 0) {
        for (size_t i = 0; i < nc; i++)
            printf("%s\n", cases[i].name);
        return 0;
    }
    for (size_t i = 0; i < nc; i++)
        if (strcmp(argv[1], cases[i].name) == 0) {
            g_case = cases[i].name;
            if (strcmp(g_case, "poll_oneoff_stdio") != 0 && strcmp(g_case, "misc_calls") != 0 &&
                strcmp(g_case, "readonly_map") != 0)
                g_root = root_dir();
            cases[i].fn();
            return 0;
        }
    fprintf(stderr, "conf_wasi: no case %s\n", argv[1]);
    return 2;
}
