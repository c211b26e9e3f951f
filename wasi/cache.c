/*
 * cache.c - the module cache's files: corral_module_new_cached (corral.h).
 *
 * An entry is the file DIR/KEY, KEY the 64 hex digits of the module's
 * cache key (corral_module_cache_key); vm/cache.c makes and checks its
 * contents.  A valid entry is loaded instead of decoding, validating and
 * lowering the module; anything else is a miss: the module is loaded from
 * its bytes and its entry written.
 *
 * The cache holds code, so it is trusted like the binary:
 *   - DIR is created with mode 0700 when it does not exist (its parent
 *     must); a DIR that is not a directory, or is writable by group or
 *     others, or is owned by another user than the effective one, is
 *     refused: a warning, and the load goes on without the cache.
 *   - An entry is opened with O_NOFOLLOW | O_NONBLOCK and checked on its
 *     descriptor: a symbolic link, a directory or other non-regular file,
 *     or a file writable by group or others or owned by another user is
 *     refused (a warning; the entry is rebuilt in its place).
 *   - Entries are written atomically: a temporary file in DIR (O_EXCL, a
 *     name unique to this process and call), written, fsync'd, renamed
 *     over the entry's name; on any failure the temporary is unlinked.
 *     Two writers of one entry each rename a whole file, so the entry is
 *     always whole, whoever wins.
 * A cache that cannot be used (full disk, read-only directory, EACCES) is
 * a warning and an uncached load, never a failed one.  Warnings go to the
 * caller's callback (never to stdout: corral mcp's stdout is the protocol).
 */
#define _DEFAULT_SOURCE /* MAP_POPULATE */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "corral.h"
#include "memory.h"

/* An entry is read only up to this size relative to its module: lowered
 * code takes a few times the bytes of the binary. */
#define ENTRY_MAX(len) ((uint64_t)(len) * 64 + (UINT64_C(1) << 20))

static void warn(corral_cache_info *info, const char *fmt, ...)
{
    if (info->warn == NULL)
        return;
    char msg[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    info->warn(msg, info->warn_env);
}

/* Why st may not be trusted, or NULL. */
static const char *untrusted(const struct stat *st)
{
    if (st->st_uid != geteuid())
        return "is owned by another user";
    if (st->st_mode & (S_IWGRP | S_IWOTH))
        return "is writable by group or others";
    return NULL;
}

/* The cache directory, created 0700 if missing, as an open descriptor;
 * -1 after a warning when it cannot be used. */
static int open_dir(const char *dir, corral_cache_info *info)
{
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        warn(info, "--cache-dir %s: cannot create the directory: %s; running without the cache",
             dir, strerror(errno));
        return -1;
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        warn(info, "--cache-dir %s: cannot open the directory: %s; running without the cache",
             dir, strerror(errno));
        return -1;
    }
    struct stat st;
    const char *why = NULL;
    if (fstat(fd, &st) != 0)
        why = strerror(errno);
    else
        why = untrusted(&st);
    if (why != NULL) {
        warn(info, "--cache-dir %s: refused: the directory %s (mode %04o, owner %ld); running "
                   "without the cache (it must be the user's own, like mode 0700)",
             dir, why, (unsigned)(st.st_mode & 07777), (long)st.st_uid);
        close(fd);
        return -1;
    }
    return fd;
}

/* The entry's bytes (mapped read-only, for release_entry) in *data and
 * its open file in *fdp (for wasi_cache_map), or 0:
 * a miss, with a warning when the entry is there but refused or
 * unreadable.  Mapping, not reading: an entry is several times its
 * module's size, and the loader reads each byte once. */
static int read_entry(int dfd, const char *dir, const char *name, size_t len, uint8_t **data,
                      size_t *n, int *fdp, corral_cache_info *info)
{
    int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ELOOP)
            warn(info, "--cache-dir %s: refused the entry %s: it is a symbolic link; rebuilding it",
                 dir, name);
        else if (errno != ENOENT)
            warn(info, "--cache-dir %s: cannot open the entry %s: %s; rebuilding it", dir, name,
                 strerror(errno));
        return 0;
    }
    struct stat st;
    const char *why = NULL;
    if (fstat(fd, &st) != 0)
        why = strerror(errno);
    else if (!S_ISREG(st.st_mode))
        why = S_ISDIR(st.st_mode) ? "it is a directory" : "it is not a regular file";
    else if (st.st_uid != geteuid())
        why = "it is owned by another user";
    else if (st.st_mode & (S_IWGRP | S_IWOTH))
        why = "it is writable by group or others";
    else if ((uint64_t)st.st_size > ENTRY_MAX(len))
        why = "it is far larger than an entry of this module can be";
    if (why != NULL) {
        warn(info, "--cache-dir %s: refused the entry %s: %s; rebuilding it", dir, name, why);
        close(fd);
        return 0;
    }
    size_t size = (size_t)st.st_size;
    if (size == 0) {
        close(fd);
        warn(info, "--cache-dir %s: ignored the entry %s: it is empty; rebuilding it", dir, name);
        return 0;
    }
    void *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (map == MAP_FAILED) {
        int saved = errno;
        close(fd);
        warn(info, "--cache-dir %s: cannot read the entry %s: %s; rebuilding it", dir, name,
             strerror(saved));
        return 0;
    }
    *data = map;
    *n = size;
    *fdp = fd;
    return 1;
}

/* A mapped entry whose module runs its code in place: unmapped when the
 * module is freed (corral_module_deserialize's release).  The file stays
 * open so that a memory image in it can be mapped again, privately. */
typedef struct {
    uint8_t *data;
    size_t n;
    int fd;
} mapping;

static void release_entry(void *env)
{
    mapping *map = env;
    munmap(map->data, map->n);
    close(map->fd);
    free(map);
}

int wasi_cache_map(void *dest, const void *src, size_t len, void (*release)(void *env), void *env)
{
    if (release != release_entry || env == NULL)
        return 1;
    const mapping *map = env;
    const uint8_t *s = src;
    size_t ps = wasi_page_size();
    if (s < map->data || len > map->n || (size_t)(s - map->data) > map->n - len ||
        (size_t)(s - map->data) % ps != 0 || (uintptr_t)dest % ps != 0 || len % ps != 0)
        return 1;
    void *p = mmap(dest, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, map->fd,
                   (off_t)(s - map->data));
    if (p != MAP_FAILED)
        return 0;
    /* a failed MAP_FIXED may have unmapped the range: zero pages again,
     * for the engine to copy into */
    p = mmap(dest, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    return p != MAP_FAILED ? 1 : -1;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = EIO;
            return 0;
        }
        p += w;
        n -= (size_t)w;
    }
    return 1;
}

/* Write the entry: temporary file, fsync, rename.  A warning on failure. */
static void write_entry(int dfd, const char *dir, const char *name, const uint8_t *data,
                        size_t n, corral_cache_info *info)
{
    static atomic_uint counter;
    char tmp[160];
    int fd = -1;
    for (int tries = 0; fd < 0 && tries < 16; tries++) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        snprintf(tmp, sizeof tmp, ".tmp-%.16s-%ld-%u-%lx", name, (long)getpid(),
                 atomic_fetch_add(&counter, 1), (unsigned long)ts.tv_nsec);
        fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        warn(info, "--cache-dir %s: cannot write an entry: %s; running without the cache", dir,
             strerror(errno));
        return;
    }
    int ok = write_all(fd, data, n) && fsync(fd) == 0;
    int saved = errno;
    if (close(fd) != 0 && ok) {
        ok = 0;
        saved = errno;
    }
    if (ok && renameat(dfd, tmp, dfd, name) != 0) {
        ok = 0;
        saved = errno;
    }
    if (!ok) {
        unlinkat(dfd, tmp, 0);
        warn(info, "--cache-dir %s: cannot write the entry %s: %s; running without the cache",
             dir, name, strerror(saved));
    }
}

/* ---- the module file and its identity --------------------------------- */

static void id_of(const struct stat *st, corral_file_id *id)
{
    id->known = S_ISREG(st->st_mode);
    id->dev = (uint64_t)st->st_dev;
    id->ino = (uint64_t)st->st_ino;
    id->size = (uint64_t)st->st_size;
    id->mtime_sec = (int64_t)st->st_mtim.tv_sec;
    id->mtime_nsec = (int64_t)st->st_mtim.tv_nsec;
    id->ctime_sec = (int64_t)st->st_ctim.tv_sec;
    id->ctime_nsec = (int64_t)st->st_ctim.tv_nsec;
}

uint8_t *corral_read_file(const char *path, size_t *len, corral_file_id *id)
{
    corral_file_id before = {0}, after = {0};
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return NULL;
    }
    id_of(&st, &before);
    /* a regular file in one read of its size (and one more to see its
     * end), a stream in growing steps */
    size_t cap = before.known && st.st_size > 0 && (uint64_t)st.st_size < SIZE_MAX / 2
                     ? (size_t)st.st_size + 1
                     : (size_t)1 << 16;
    size_t n = 0;
    uint8_t *buf = malloc(cap);
#ifdef MADV_POPULATE_WRITE
    /* the pages in one call, not a fault each as read() fills them */
    if (buf != NULL && cap >= ((size_t)1 << 18)) {
        uintptr_t ps = wasi_page_size();
        uintptr_t a = ((uintptr_t)buf + ps - 1) / ps * ps, z = ((uintptr_t)buf + cap) / ps * ps;
        if (z > a)
            (void)madvise((void *)a, z - a, MADV_POPULATE_WRITE);
    }
#endif
    while (buf != NULL) {
        if (n == cap) {
            uint8_t *bigger = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
            if (bigger == NULL) {
                free(buf);
                buf = NULL;
                errno = ENOMEM;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int saved = errno;
            free(buf);
            buf = NULL;
            errno = saved;
        } else if (r == 0) {
            break;
        } else {
            n += (size_t)r;
        }
    }
    if (buf != NULL && fstat(fd, &st) == 0)
        id_of(&st, &after);
    int saved = errno;
    close(fd);
    errno = saved;
    if (buf == NULL)
        return NULL;
    if (id != NULL) {
        /* known only if nothing about the file changed while it was read */
        after.known = before.known && after.known && after.size == n &&
                      memcmp(&before, &after, sizeof before) == 0;
        *id = after;
    }
    *len = n;
    return buf;
}

/* The n bytes of b as 2n lowercase hex digits and a NUL, at out. */
static void hex(const uint8_t *b, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/* A hit tells of no place in the module. */
static void hit_diag(corral_diag *diag)
{
    if (diag != NULL) {
        diag->offset = 0;
        diag->func = -1;
    }
}

/* ---- the key of a file seen before ------------------------------------ */

/* A module file's key is remembered in DIR/id-HEX, HEX a hash of the
 * file's identity and of the engine's settings (the key of no bytes under
 * e), holding "corralID" and the key.  It is trusted, written and
 * refused like an entry. */
enum { MEMO_SIZE = 8 + 32 };
static const char memo_magic[8] = {'c', 'o', 'r', 'r', 'a', 'l', 'I', 'D'};

static void memo_name(corral_engine *e, const corral_file_id *id, char name[3 + 33])
{
    uint8_t tag[32], h[32];
    corral_module_cache_key(e, NULL, 0, tag);
    struct {
        uint8_t tag[32];
        uint64_t v[3];
        int64_t t[4];
    } in;
    memset(&in, 0, sizeof in);
    memcpy(in.tag, tag, sizeof tag);
    in.v[0] = id->dev;
    in.v[1] = id->ino;
    in.v[2] = id->size;
    in.t[0] = id->mtime_sec;
    in.t[1] = id->mtime_nsec;
    in.t[2] = id->ctime_sec;
    in.t[3] = id->ctime_nsec;
    corral_blake2b256(&in, sizeof in, h);
    memcpy(name, "id-", 3);
    hex(h, 16, name + 3);
}

/* The remembered key of the file, or 0. */
static int memo_read(int dfd, const char *name, uint8_t key[32])
{
    int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return 0;
    struct stat st;
    uint8_t b[MEMO_SIZE + 1];
    int ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && untrusted(&st) == NULL &&
             st.st_size == MEMO_SIZE && read(fd, b, sizeof b) == MEMO_SIZE &&
             memcmp(b, memo_magic, 8) == 0;
    close(fd);
    if (ok)
        memcpy(key, b + 8, 32);
    return ok;
}

/* Remember the key of a file whose change time is 2 s old or more (a
 * later change then moves it, whatever the clock's granularity). */
static void memo_write(int dfd, const char *dir, const char *name, const corral_file_id *id,
                       const uint8_t key[32], corral_cache_info *info)
{
    struct timespec now;
    if (clock_gettime(CLOCK_REALTIME, &now) != 0 || now.tv_sec - id->ctime_sec < 2)
        return;
    uint8_t b[MEMO_SIZE];
    memcpy(b, memo_magic, 8);
    memcpy(b + 8, key, 32);
    write_entry(dfd, dir, name, b, sizeof b, info);
}

/* The module of the entry name in dfd, for the module's bytes (NULL: an
 * entry that needs none, corral_module_deserialize) and key: NULL and
 * *out, or why it was not loaded (*hit 0 when there was no entry). */
static const char *load_entry(corral_engine *e, int dfd, const char *dir, const char *name,
                              const uint8_t *bytes, size_t len, const uint8_t key[32],
                              corral_module **out, corral_cache_info *info, int *hit)
{
    uint8_t *data = NULL;
    size_t n = 0;
    int fd = -1;
    *hit = read_entry(dfd, dir, name, len, &data, &n, &fd, info);
    if (!*hit)
        return "no entry";
    mapping *map = malloc(sizeof *map);
    const char *why = map == NULL ? "out of memory"
                                  : corral_module_deserialize(e, bytes, len, key, data, n,
                                                              release_entry, map, info->flags, out);
    if (why != NULL) {
        free(map);
        munmap(data, n);
        close(fd);
        return why;
    }
    map->data = data;
    map->n = n;
    map->fd = fd;
    return NULL;
}

/* The module of the file at path from the entry its remembered key names,
 * without reading the file, if the entry needs none of its bytes: 1;
 * else 0, nothing said (the caller's ordinary load warns, if it must). */
static int load_unread(corral_engine *e, const char *dir, const char *path, corral_module **out,
                       corral_cache_info *info)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0)
        return 0;
    corral_file_id id;
    id_of(&st, &id);
    corral_cache_info quiet = *info;
    quiet.warn = NULL;
    int dfd = open_dir(dir, &quiet), hit = 0;
    uint8_t key[32];
    char memo[3 + 33], name[65];
    if (dfd < 0)
        return 0;
    memo_name(e, &id, memo);
    if (memo_read(dfd, memo, key)) {
        hex(key, 32, name);
        if (load_entry(e, dfd, dir, name, NULL, (size_t)st.st_size, key, out, &quiet, &hit) != NULL)
            hit = 0;
    }
    close(dfd);
    return hit;
}

const char *corral_module_load_file(corral_engine *e, const char *dir, const char *path,
                                    uint8_t **wasm, size_t *len, corral_module **out,
                                    corral_diag *diag, corral_cache_info *info)
{
    corral_cache_info none = {0, NULL, NULL, NULL, 0};
    if (info == NULL)
        info = &none;
    *wasm = NULL;
    *len = 0;
    *out = NULL;
    info->hit = -1;
    if (dir != NULL && load_unread(e, dir, path, out, info)) {
        info->hit = 1;
        hit_diag(diag);
        return NULL;
    }
    corral_file_id id;
    uint8_t *bytes = corral_read_file(path, len, &id);
    if (bytes == NULL)
        return "cannot read the module file";
    corral_cache_info ci = *info;
    ci.file = &id;
    ci.flags |= CORRAL_BORROW_BYTES;
    const char *err = corral_module_new_cached(e, dir, bytes, *len, out, diag, &ci);
    info->hit = ci.hit;
    *wasm = bytes;
    return err;
}

const char *corral_module_new_cached(corral_engine *e, const char *dir, const uint8_t *bytes,
                                     size_t len, corral_module **out, corral_diag *diag,
                                     corral_cache_info *info)
{
    corral_cache_info none = {0, NULL, NULL, NULL, 0};
    if (info == NULL)
        info = &none;
    info->hit = -1;
    *out = NULL;
    if (dir == NULL)
        return corral_module_new(e, bytes, len, out, diag);
    uint8_t key[32];
    char name[65], memo[3 + 33];
    int dfd = open_dir(dir, info);
    const corral_file_id *id = info->file != NULL && info->file->known && info->file->size == len
                                   ? info->file
                                   : NULL;
    int memo_ok = 0;
    if (id != NULL) {
        memo_name(e, id, memo);
        memo_ok = dfd >= 0 && memo_read(dfd, memo, key);
    }
    if (!memo_ok)
        corral_module_cache_key(e, bytes, len, key);
    hex(key, 32, name);
    if (dfd >= 0) {
        int hit;
        info->hit = 0;
        const char *why = load_entry(e, dfd, dir, name, bytes, len, key, out, info, &hit);
        if (why == NULL) {
            if (id != NULL && !memo_ok)
                memo_write(dfd, dir, memo, id, key, info);
            close(dfd);
            info->hit = 1;
            hit_diag(diag);
            return NULL;
        }
        if (hit)
            warn(info, "--cache-dir %s: ignored the entry %s: %s; rebuilding it", dir, name, why);
    }
    const char *err = corral_module_new(e, bytes, len, out, diag);
    if (err == NULL && dfd >= 0) {
        uint8_t *data = NULL;
        size_t n = 0;
        const char *why = corral_module_serialize(*out, key, &data, &n);
        if (why != NULL)
            warn(info, "--cache-dir %s: cannot make the entry %s: %s", dir, name, why);
        else
            write_entry(dfd, dir, name, data, n, info);
        corral_module_free_buffer(*out, data); /* from the engine's allocator */
        if (why == NULL && id != NULL)
            memo_write(dfd, dir, memo, id, key, info);
    }
    if (dfd >= 0)
        close(dfd);
    return err;
}
