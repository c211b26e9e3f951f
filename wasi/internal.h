/*
 * internal.h - what the files of wasi/ share: the context, the fd table,
 * WASI constants (errno, rights, flags), guest-memory access and the call
 * frame every handler receives.  Not installed; include only from wasi/.
 */
#ifndef WASI_INTERNAL_H
#define WASI_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "corral_bounds.h" /* WASI_MAX_*: every bound, with its reason */
#include "wasi.h"

/* ---- WASI errno (preview1 "errno" enum) ------------------------------ */
enum {
    WE_SUCCESS = 0, WE_2BIG = 1, WE_ACCES = 2, WE_ADDRINUSE = 3, WE_ADDRNOTAVAIL = 4,
    WE_AFNOSUPPORT = 5, WE_AGAIN = 6, WE_ALREADY = 7, WE_BADF = 8, WE_BADMSG = 9,
    WE_BUSY = 10, WE_CANCELED = 11, WE_CHILD = 12, WE_CONNABORTED = 13,
    WE_CONNREFUSED = 14, WE_CONNRESET = 15, WE_DEADLK = 16, WE_DESTADDRREQ = 17,
    WE_DOM = 18, WE_DQUOT = 19, WE_EXIST = 20, WE_FAULT = 21, WE_FBIG = 22,
    WE_HOSTUNREACH = 23, WE_IDRM = 24, WE_ILSEQ = 25, WE_INPROGRESS = 26, WE_INTR = 27,
    WE_INVAL = 28, WE_IO = 29, WE_ISCONN = 30, WE_ISDIR = 31, WE_LOOP = 32,
    WE_MFILE = 33, WE_MLINK = 34, WE_MSGSIZE = 35, WE_MULTIHOP = 36,
    WE_NAMETOOLONG = 37, WE_NETDOWN = 38, WE_NETRESET = 39, WE_NETUNREACH = 40,
    WE_NFILE = 41, WE_NOBUFS = 42, WE_NODEV = 43, WE_NOENT = 44, WE_NOEXEC = 45,
    WE_NOLCK = 46, WE_NOLINK = 47, WE_NOMEM = 48, WE_NOMSG = 49, WE_NOPROTOOPT = 50,
    WE_NOSPC = 51, WE_NOSYS = 52, WE_NOTCONN = 53, WE_NOTDIR = 54, WE_NOTEMPTY = 55,
    WE_NOTRECOVERABLE = 56, WE_NOTSOCK = 57, WE_NOTSUP = 58, WE_NOTTY = 59,
    WE_NXIO = 60, WE_OVERFLOW = 61, WE_OWNERDEAD = 62, WE_PERM = 63, WE_PIPE = 64,
    WE_PROTO = 65, WE_PROTONOSUPPORT = 66, WE_PROTOTYPE = 67, WE_RANGE = 68,
    WE_ROFS = 69, WE_SPIPE = 70, WE_SRCH = 71, WE_STALE = 72, WE_TIMEDOUT = 73,
    WE_TXTBSY = 74, WE_XDEV = 75, WE_NOTCAPABLE = 76
};

/* The error a path that would leave its preopen gets (Wasmtime: EPERM). */
#define WE_ESCAPE WE_PERM

/* ---- rights ------------------------------------------------------------ */
#define R(n) (UINT64_C(1) << (n))
#define RT_FD_DATASYNC R(0)
#define RT_FD_READ R(1)
#define RT_FD_SEEK R(2)
#define RT_FD_FDSTAT_SET_FLAGS R(3)
#define RT_FD_SYNC R(4)
#define RT_FD_TELL R(5)
#define RT_FD_WRITE R(6)
#define RT_FD_ADVISE R(7)
#define RT_FD_ALLOCATE R(8)
#define RT_PATH_CREATE_DIRECTORY R(9)
#define RT_PATH_CREATE_FILE R(10)
#define RT_PATH_LINK_SOURCE R(11)
#define RT_PATH_LINK_TARGET R(12)
#define RT_PATH_OPEN R(13)
#define RT_FD_READDIR R(14)
#define RT_PATH_READLINK R(15)
#define RT_PATH_RENAME_SOURCE R(16)
#define RT_PATH_RENAME_TARGET R(17)
#define RT_PATH_FILESTAT_GET R(18)
#define RT_PATH_FILESTAT_SET_SIZE R(19)
#define RT_PATH_FILESTAT_SET_TIMES R(20)
#define RT_FD_FILESTAT_GET R(21)
#define RT_FD_FILESTAT_SET_SIZE R(22)
#define RT_FD_FILESTAT_SET_TIMES R(23)
#define RT_PATH_SYMLINK R(24)
#define RT_PATH_REMOVE_DIRECTORY R(25)
#define RT_PATH_UNLINK_FILE R(26)
#define RT_POLL_FD_READWRITE R(27)
#define RT_SOCK_SHUTDOWN R(28)
#define RT_SOCK_ACCEPT R(29)
#define RT_ALL (R(30) - 1)

/* Everything that changes the file system; a readonly preopen and all
 * that is opened beneath it never hold any of these. */
#define RT_MUTATING                                                                        \
    (RT_FD_WRITE | RT_FD_ALLOCATE | RT_PATH_CREATE_DIRECTORY | RT_PATH_CREATE_FILE |       \
     RT_PATH_LINK_SOURCE | RT_PATH_LINK_TARGET | RT_PATH_RENAME_SOURCE |                   \
     RT_PATH_RENAME_TARGET | RT_PATH_FILESTAT_SET_SIZE | RT_PATH_FILESTAT_SET_TIMES |      \
     RT_FD_FILESTAT_SET_SIZE | RT_FD_FILESTAT_SET_TIMES | RT_PATH_SYMLINK |                \
     RT_PATH_REMOVE_DIRECTORY | RT_PATH_UNLINK_FILE)

/* What a regular file (or other non-directory) fd can hold. */
#define RT_FILE_BASE                                                                       \
    (RT_FD_DATASYNC | RT_FD_READ | RT_FD_SEEK | RT_FD_FDSTAT_SET_FLAGS | RT_FD_SYNC |      \
     RT_FD_TELL | RT_FD_WRITE | RT_FD_ADVISE | RT_FD_ALLOCATE | RT_FD_FILESTAT_GET |        \
     RT_FD_FILESTAT_SET_SIZE | RT_FD_FILESTAT_SET_TIMES | RT_POLL_FD_READWRITE)
/* What a directory fd can hold. */
#define RT_DIR_BASE                                                                        \
    (RT_FD_FDSTAT_SET_FLAGS | RT_FD_SYNC | RT_FD_DATASYNC | RT_FD_ADVISE |                 \
     RT_PATH_CREATE_DIRECTORY | RT_PATH_CREATE_FILE | RT_PATH_LINK_SOURCE |                \
     RT_PATH_LINK_TARGET | RT_PATH_OPEN | RT_FD_READDIR | RT_PATH_READLINK |               \
     RT_PATH_RENAME_SOURCE | RT_PATH_RENAME_TARGET | RT_PATH_FILESTAT_GET |                \
     RT_PATH_FILESTAT_SET_SIZE | RT_PATH_FILESTAT_SET_TIMES | RT_FD_FILESTAT_GET |         \
     RT_FD_FILESTAT_SET_TIMES | RT_PATH_SYMLINK | RT_PATH_REMOVE_DIRECTORY |               \
     RT_PATH_UNLINK_FILE)

/* ---- other preview1 constants ------------------------------------------ */
enum {
    FT_UNKNOWN = 0, FT_BLOCK = 1, FT_CHAR = 2, FT_DIR = 3, FT_REG = 4,
    FT_SOCK_DGRAM = 5, FT_SOCK_STREAM = 6, FT_SYMLINK = 7
};
enum { FDF_APPEND = 1, FDF_DSYNC = 2, FDF_NONBLOCK = 4, FDF_RSYNC = 8, FDF_SYNC = 16 };
enum { OF_CREAT = 1, OF_DIRECTORY = 2, OF_EXCL = 4, OF_TRUNC = 8 };
enum { FST_ATIM = 1, FST_ATIM_NOW = 2, FST_MTIM = 4, FST_MTIM_NOW = 8 };
enum { LOOKUP_SYMLINK_FOLLOW = 1 };

/* ---- the fd table ------------------------------------------------------ */
typedef enum { FK_FREE = 0, FK_STDIN, FK_STDOUT, FK_STDERR, FK_FILE, FK_DIR } wasi_fd_kind;

typedef struct {
    wasi_fd_kind kind;
    int host;          /* host fd (owned for FILE/DIR; pass-through stdio: not owned) */
    bool owned;        /* close host on tear-down */
    bool readonly;     /* opened beneath a readonly preopen */
    uint8_t filetype;
    uint16_t fdflags;  /* WASI fdflags as last set (append, nonblock, sync...) */
    uint64_t base, inh;
    char *preopen;     /* guest name, for preopens only (prestat) */
    /* FK_DIR: fd_readdir's stream, kept open between calls so that one
     * listing read in several calls sees each entry once even while other
     * runs change the directory: the index of the entry it gives next, and
     * the entry it gave last (given again when a guest resumes at it,
     * because it did not fit the buffer).  NULL until first used. */
    void *dir;         /* DIR * */
    uint64_t dir_next;
    char *dir_last;    /* its name (malloc'd), or NULL */
    uint64_t dir_last_ino;
    uint8_t dir_last_type;
} wfd;

typedef struct {
    uint8_t *buf;
    size_t len, cap;
    uint64_t dropped;
} wasi_capture;

typedef struct {
    uint32_t n, bytes; /* count, and total bytes with NULs */
    char *buf;         /* the strings, NUL-terminated, packed */
} wasi_strlist;

struct wasi_ctx {
    wasi_strlist args, env;
    wfd *fds;
    uint32_t nfds; /* entries allocated in fds */
    /* stdin */
    int stdin_fd;
    uint8_t *stdin_data;
    size_t stdin_len, stdin_pos;
    /* stdout/stderr */
    size_t capture_cap;
    wasi_capture out[2];
    corral_store *store;
    /* resolution: 0 unknown, 1 openat2 works, -1 use the component walk */
    int openat2_state;
    /* The preopens' host directories by (device, inode): a change beneath
     * a read-only one is refused whichever fd its path came through (a
     * symlink or ".." of a writable tree can lead there; path.c).  nro:
     * how many are read-only (0: no check at all). */
    struct wroot {
        uint64_t dev, ino;
        bool readonly;
    } *roots;
    size_t nroots, nro;
};

/* fdtable.c */
uint32_t wasi_fd_alloc(wasi_ctx *w, int *err);         /* lowest free slot */
int wasi_fd_get(wasi_ctx *w, uint32_t fd, uint64_t need, wfd **out); /* WE_* */
/* For path operations on a directory fd: 0 when f holds every right in
 * need; else WE_PERM if a missing one is a change its read-only tree
 * forbids, WE_NOTCAPABLE otherwise.  (wasi_fd_get: always WE_NOTCAPABLE.) */
int wasi_fd_lacks(const wfd *f, uint64_t need);
void wasi_fd_release(wfd *f);                          /* close + mark free */
int wasi_fd_renumber(wasi_ctx *w, uint32_t from, uint32_t to);
uint8_t wasi_filetype_of_mode(unsigned mode);
int wasi_errno(int host_errno);                        /* host errno -> WE_* */

/* path.c */
/* Open path beneath dir (a directory fd of ours) with host open flags;
 * follow_last says whether a symlink in last place is followed.  Returns
 * WE_* and the new host fd in *out.  An open never waits (O_NONBLOCK until
 * the type is known): a FIFO or a socket is refused with WE_NXIO, a
 * device keeps O_NONBLOCK, a regular file or directory gets the flags
 * asked for.  ro, when not NULL, is set to whether the file lies beneath
 * a read-only root (see wasi_path_dir_ro); an open for writing, creating or
 * truncating there is refused with WE_PERM (and *ro set) before it
 * happens. */
int wasi_path_open(wasi_ctx *w, const wfd *dir, const char *path, int oflags,
                   unsigned mode, bool follow_last, int *out, bool *ro);
/* Whether the directory fd lies beneath a read-only root: its ancestry is
 * walked up on the host to the first preopened directory, and that one
 * decides (the deepest mapping wins; one host directory mapped both ways
 * counts as read-only).  Under none: not read-only. */
int wasi_path_dir_ro(wasi_ctx *w, int fd, bool *ro);
/* Before a change to the entry name of directory parent (create, remove,
 * rename, link, symlink): WE_PERM if dir is read-only, if parent lies
 * beneath a read-only root, or if name is a read-only root itself. */
int wasi_path_may_change(wasi_ctx *w, const wfd *dir, int parent, const char *name);
/* Resolve all but the last component beneath dir: *parent is a host fd
 * (close it with wasi_path_done), name the last component (may keep trailing
 * slashes; never "", ".", ".." or containing other slashes).  A path whose
 * last component is "." or ".." returns WE_SUCCESS with *dot set, *parent
 * the fully resolved directory and name "." or "..": the caller must not
 * pass such a name to a host call (".." of *parent may be outside). */
int wasi_path_parent(wasi_ctx *w, const wfd *dir, const char *path, int *parent,
                     const char **name, bool *dot);
void wasi_path_done(int parent, const wfd *dir);

/* stdio.c */
int wasi_stdio_read(wasi_ctx *w, uint8_t *buf, size_t len, size_t *got, const char **trap);
int wasi_stdio_write(wasi_ctx *w, wasi_fd_kind k, int host, const uint8_t *buf, size_t len);
bool wasi_interrupted(const wasi_ctx *w);

/* ---- the call frame ---------------------------------------------------- */
typedef struct {
    wasi_ctx *w;
    corral_caller *c;
    uint8_t *mem;
    uint64_t size;
    const uint64_t *a; /* raw arguments */
    const char *trap;  /* set to end the guest (exit, interrupt) */
} wcall;

/* The guest bytes [ptr, ptr+len) or NULL; cannot wrap. */
static inline uint8_t *wmem(const wcall *k, uint64_t ptr, uint64_t len)
{
    if (k->mem == NULL || ptr > k->size || len > k->size - ptr)
        return NULL;
    return k->mem + ptr;
}
static inline uint32_t A32(const wcall *k, int i) { return (uint32_t)k->a[i]; }
static inline uint64_t A64(const wcall *k, int i) { return k->a[i]; }

static inline void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static inline void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static inline uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t get64(const uint8_t *p)
{
    return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* A guest path (ptr, len) copied into a fresh NUL-terminated host
 * string; WE_FAULT / WE_NAMETOOLONG (past WASI_MAX_PATH, checked before
 * the copy) / WE_ILSEQ (bad UTF-8) / WE_INVAL (a NUL) / WE_NOMEM. */
int wasi_str(const wcall *k, uint32_t ptr, uint32_t len, char **out);

/* Handlers (one per import), grouped by file. */
typedef int (*whandler)(wcall *k);
#define H(name) int wasi_h_##name(wcall *k)
/* misc.c */
H(args_get); H(args_sizes_get); H(environ_get); H(environ_sizes_get);
H(clock_res_get); H(clock_time_get); H(random_get); H(proc_exit); H(proc_raise);
H(sched_yield); H(poll_oneoff);
/* fs.c */
H(fd_advise); H(fd_allocate); H(fd_close); H(fd_datasync); H(fd_fdstat_get);
H(fd_fdstat_set_flags); H(fd_fdstat_set_rights); H(fd_filestat_get);
H(fd_filestat_set_size); H(fd_filestat_set_times); H(fd_pread); H(fd_prestat_get);
H(fd_prestat_dir_name); H(fd_pwrite); H(fd_read); H(fd_readdir); H(fd_renumber);
H(fd_seek); H(fd_sync); H(fd_tell); H(fd_write);
H(path_create_directory); H(path_filestat_get); H(path_filestat_set_times);
H(path_link); H(path_open); H(path_readlink); H(path_remove_directory);
H(path_rename); H(path_symlink); H(path_unlink_file);
/* sock.c */
H(sock_accept); H(sock_recv); H(sock_send); H(sock_shutdown);
#undef H

#endif
