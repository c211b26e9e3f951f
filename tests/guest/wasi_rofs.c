/*
 * wasi_rofs.c - a read-only mapping stays read-only by every route, for
 * tests/e2e_wasi.sh (readonly_map_via_root_preopen).
 *
 *   wasi_rofs.wasm
 *
 * Run with --work-dir W --map-dir W/sub::/sub:ro --map-dir W/eroot::/eroot:ro
 * where W holds sub/f ("orig\n"), sub/empty/, eroot/ (empty), plant (a
 * file), x/ (an empty directory), lnk -> sub, flnk -> sub/f and dlnk ->
 * sub/new.  Every change beneath sub or eroot is tried through the
 * writable preopen "/" (raw WASI calls, so wasi-libc's longest-prefix
 * choice of /sub does not hide the hole) and must fail; a few changes in W
 * itself must still work.  Prints "ok NAME" or "FAIL NAME: why" per check
 * (tests/e2e_wasi.sh makes one case of each line).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW
#define ALL ((__wasi_rights_t)0x1fffffff)

static int root = -1;

static void check(const char *name, int cond, const char *fmt, int v)
{
    if (cond) {
        printf("ok %s\n", name);
    } else {
        printf("FAIL %s: ", name);
        printf(fmt, v);
        printf("\n");
    }
}

/* The errno must be EPERM (a read-only tree, as a :ro preopen says it). */
static void perm(const char *name, __wasi_errno_t e)
{
    check(name, e == __WASI_ERRNO_PERM, "errno %d, want 63 (EPERM)", e);
}

static __wasi_errno_t open_(int dir, __wasi_lookupflags_t lf, const char *p, __wasi_oflags_t of,
                            __wasi_rights_t rb, __wasi_fd_t *fd)
{
    return __wasi_path_open(dir, lf, p, of, rb, ALL, 0, fd);
}

/* path_open for writing: refused, and nothing opened. */
static void no_open(const char *name, __wasi_lookupflags_t lf, const char *p, __wasi_oflags_t of,
                    __wasi_rights_t rb)
{
    __wasi_fd_t fd;
    __wasi_errno_t e = open_(root, lf, p, of, rb, &fd);
    if (e == 0)
        (void)__wasi_fd_close(fd);
    perm(name, e);
}

static int find_root(void)
{
    for (__wasi_fd_t fd = 3; fd < 64; fd++) {
        __wasi_prestat_t ps;
        char buf[8];
        if (__wasi_fd_prestat_get(fd, &ps) != 0 || ps.u.dir.pr_name_len != 1)
            continue;
        if (__wasi_fd_prestat_dir_name(fd, (uint8_t *)buf, 1) == 0 && buf[0] == '/')
            return fd;
    }
    return -1;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    root = find_root();
    if (root < 0) {
        printf("FAIL preopen: no preopen named /\n");
        return 1;
    }
    __wasi_fd_t fd;
    __wasi_errno_t e;

    /* path_open: write, truncate, create; directly, through a directory
     * symlink, a file symlink and a dangling one. */
    no_open("open_write", 0, "sub/f", 0, __WASI_RIGHTS_FD_WRITE);
    no_open("open_trunc", 0, "sub/f", __WASI_OFLAGS_TRUNC, __WASI_RIGHTS_FD_READ);
    no_open("open_create", 0, "sub/new", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ);
    no_open("open_create_in_subdir", 0, "sub/empty/new", __WASI_OFLAGS_CREAT, ALL);
    no_open("open_write_via_dir_symlink", 0, "lnk/f", 0, __WASI_RIGHTS_FD_WRITE);
    no_open("open_create_via_dir_symlink", 0, "lnk/new", __WASI_OFLAGS_CREAT, ALL);
    no_open("open_write_via_file_symlink", FOLLOW, "flnk", __WASI_OFLAGS_TRUNC, ALL);
    no_open("open_create_via_dangling_symlink", FOLLOW, "dlnk", __WASI_OFLAGS_CREAT, ALL);
    no_open("open_write_via_dotdot", 0, "x/../sub/./f", 0, __WASI_RIGHTS_FD_WRITE);
    no_open("open_create_eroot", 0, "eroot/new", __WASI_OFLAGS_CREAT, ALL);

    /* A file opened for reading through / holds no right to change it. */
    e = open_(root, 0, "lnk/f", 0, ALL & ~__WASI_RIGHTS_FD_WRITE, &fd);
    check("open_read_works", e == 0, "errno %d", e);
    if (e == 0) {
        char buf[16] = "";
        __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
        __wasi_size_t n = 0;
        e = __wasi_fd_read(fd, &iov, 1, &n);
        check("read_content", e == 0 && n == 5 && memcmp(buf, "orig\n", 5) == 0, "errno %d", e);
        __wasi_ciovec_t w = {(const uint8_t *)"X", 1};
        check("fd_write_refused", __wasi_fd_write(fd, &w, 1, &n) != 0, "%d", 0);
        check("fd_pwrite_refused", __wasi_fd_pwrite(fd, &w, 1, 0, &n) != 0, "%d", 0);
        check("fd_set_size_refused", __wasi_fd_filestat_set_size(fd, 0) != 0, "%d", 0);
        check("fd_allocate_refused", __wasi_fd_allocate(fd, 0, 100) != 0, "%d", 0);
        check("fd_set_times_refused",
              __wasi_fd_filestat_set_times(fd, 1, 1, __WASI_FSTFLAGS_MTIM) != 0, "%d", 0);
        __wasi_fdstat_t st;
        e = __wasi_fd_fdstat_get(fd, &st);
        check("fd_rights_read_only",
              e == 0 && !(st.fs_rights_base & (__WASI_RIGHTS_FD_WRITE |
                                                __WASI_RIGHTS_FD_FILESTAT_SET_TIMES)),
              "errno %d", e);
        (void)__wasi_fd_close(fd);
    }

    /* A directory opened through / is a read-only directory fd. */
    e = open_(root, FOLLOW, "lnk", __WASI_OFLAGS_DIRECTORY, ALL & ~__WASI_RIGHTS_FD_WRITE, &fd);
    check("open_dir_works", e == 0, "errno %d", e);
    if (e == 0) {
        __wasi_fd_t g;
        e = __wasi_path_open(fd, 0, "f", 0, __WASI_RIGHTS_FD_WRITE, 0, 0, &g);
        if (e == 0)
            (void)__wasi_fd_close(g);
        perm("dirfd_open_write", e);
        perm("dirfd_mkdir", __wasi_path_create_directory(fd, "d"));
        perm("dirfd_unlink", __wasi_path_unlink_file(fd, "f"));
        check("dirfd_set_times_refused",
              __wasi_fd_filestat_set_times(fd, 1, 1, __WASI_FSTFLAGS_MTIM) != 0, "%d", 0);
        (void)__wasi_fd_close(fd);
    }

    /* Name operations beneath the read-only roots, and on the roots. */
    perm("unlink", __wasi_path_unlink_file(root, "sub/f"));
    perm("unlink_via_symlink", __wasi_path_unlink_file(root, "lnk/f"));
    perm("mkdir", __wasi_path_create_directory(root, "sub/d"));
    perm("mkdir_via_symlink", __wasi_path_create_directory(root, "lnk/d"));
    perm("rmdir", __wasi_path_remove_directory(root, "sub/empty"));
    perm("rmdir_root", __wasi_path_remove_directory(root, "eroot"));
    perm("rename_out", __wasi_path_rename(root, "sub/f", root, "stolen"));
    perm("rename_in", __wasi_path_rename(root, "plant", root, "lnk/plant"));
    perm("rename_within", __wasi_path_rename(root, "sub/f", root, "sub/g"));
    perm("rename_root", __wasi_path_rename(root, "eroot", root, "moved"));
    perm("rename_over_root", __wasi_path_rename(root, "x", root, "eroot"));
    perm("symlink", __wasi_path_symlink("f", root, "sub/sl"));
    perm("link_out", __wasi_path_link(root, 0, "sub/f", root, "hard"));
    perm("link_in", __wasi_path_link(root, 0, "plant", root, "sub/hard"));
    perm("set_times", __wasi_path_filestat_set_times(root, 0, "sub/f", 1, 1, __WASI_FSTFLAGS_MTIM));
    perm("set_times_via_symlink",
         __wasi_path_filestat_set_times(root, FOLLOW, "flnk", 1, 1, __WASI_FSTFLAGS_MTIM));
    perm("set_times_root",
         __wasi_path_filestat_set_times(root, 0, "eroot", 1, 1, __WASI_FSTFLAGS_MTIM));

    /* The writable rest of / is still writable. */
    e = open_(root, 0, "new.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, ALL, &fd);
    check("work_dir_create", e == 0, "errno %d", e);
    if (e == 0) {
        __wasi_ciovec_t w = {(const uint8_t *)"new\n", 4};
        __wasi_size_t n = 0;
        e = __wasi_fd_write(fd, &w, 1, &n);
        check("work_dir_write", e == 0 && n == 4, "errno %d", e);
        (void)__wasi_fd_close(fd);
    }
    e = __wasi_path_rename(root, "new.txt", root, "x/new.txt");
    check("work_dir_rename", e == 0, "errno %d", e);
    e = __wasi_path_create_directory(root, "x/d");
    check("work_dir_mkdir", e == 0, "errno %d", e);
    e = __wasi_path_filestat_set_times(root, 0, "plant", 1, 1, __WASI_FSTFLAGS_MTIM);
    check("work_dir_set_times", e == 0, "errno %d", e);
    return 0;
}
