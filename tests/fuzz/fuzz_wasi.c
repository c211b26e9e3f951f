/*
 * fuzz_wasi.c - target (c): the WASI preview1 host calls with hostile
 * arguments, against a sandbox in a temporary directory.
 *
 * A generated module imports every wasi_snapshot_preview1 function and
 * exports a trampoline for each ("f0", "f1", ...) and its one-page memory.
 * The input is a program of operations on it:
 *   byte < 0xc0   call function (byte % NFN); each argument is chosen by
 *                 the next byte s: s < 0x40 the small value s (fds,
 *                 flags); < 0x80 a 16-bit value from the next two bytes
 *                 (a pointer anywhere in memory); < 0xa0 a pointer s & 31
 *                 bytes before the end of memory; < 0xc0 a planted string
 *                 (s & 7): its pointer, and its length as the next
 *                 argument; else 4 bytes (8 for i64) taken as they are;
 *   byte >= 0xc0  write memory: a length byte, a 16-bit offset, the bytes.
 * Before each input the sandbox is rebuilt: box/ is the guest's "/"
 * (a.txt, dir/b.txt, a symlink link -> a.txt, a symlink esc ->
 * ../outside), ro/ its read-only "/ro", outside/ holds a canary.  Memory
 * starts with the planted strings (paths that stay inside, climb out, are
 * absolute, go through the escaping symlink) and an iovec.
 * Invariants: no call traps except proc_exit; each returns a WASI errno
 * (0..76); afterwards nothing outside box/ changed: the canary and its
 * directory, ro/ and its file (contents and mtime), the temporary
 * directory's list of entries.  poll_oneoff's clock timeouts are cut
 * below 1 ms before the call, so that a sleep cannot stall the fuzzer.
 * FUZZ_WASI_TRACE=1 prints each call and the errno it returned.
 */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "wasi.h"

static const struct {
    const char *name, *sig;
} fns[] = {
    {"args_get", "ii:i"}, {"args_sizes_get", "ii:i"}, {"environ_get", "ii:i"},
    {"environ_sizes_get", "ii:i"}, {"clock_res_get", "ii:i"}, {"clock_time_get", "iIi:i"},
    {"fd_advise", "iIIi:i"}, {"fd_allocate", "iII:i"}, {"fd_close", "i:i"},
    {"fd_datasync", "i:i"}, {"fd_fdstat_get", "ii:i"}, {"fd_fdstat_set_flags", "ii:i"},
    {"fd_fdstat_set_rights", "iII:i"}, {"fd_filestat_get", "ii:i"},
    {"fd_filestat_set_size", "iI:i"}, {"fd_filestat_set_times", "iIIi:i"},
    {"fd_pread", "iiiIi:i"}, {"fd_prestat_get", "ii:i"}, {"fd_prestat_dir_name", "iii:i"},
    {"fd_pwrite", "iiiIi:i"}, {"fd_read", "iiii:i"}, {"fd_readdir", "iiiIi:i"},
    {"fd_renumber", "ii:i"}, {"fd_seek", "iIii:i"}, {"fd_sync", "i:i"}, {"fd_tell", "ii:i"},
    {"fd_write", "iiii:i"}, {"path_create_directory", "iii:i"},
    {"path_filestat_get", "iiiii:i"}, {"path_filestat_set_times", "iiiiIIi:i"},
    {"path_link", "iiiiiii:i"}, {"path_open", "iiiiiIIii:i"}, {"path_readlink", "iiiiii:i"},
    {"path_remove_directory", "iii:i"}, {"path_rename", "iiiiii:i"},
    {"path_symlink", "iiiii:i"}, {"path_unlink_file", "iii:i"}, {"poll_oneoff", "iiii:i"},
    {"proc_exit", "i:"}, {"proc_raise", "i:i"}, {"random_get", "ii:i"},
    {"sched_yield", ":i"}, {"sock_accept", "iii:i"}, {"sock_recv", "iiiiii:i"},
    {"sock_send", "iiiii:i"}, {"sock_shutdown", "ii:i"},
};
#define NFN (sizeof fns / sizeof fns[0])
#define MAX_OPS 64

static const char *const strs[8] = {
    "a.txt", "dir/b.txt", "../outside/canary", "/etc/passwd",
    "link", "esc/canary", "dir/../../outside", "new",
};
#define STR_AT(i) (0x100u + 0x20u * (i))
#define IOV_AT 0x200u /* two iovecs: 0x400 (64 bytes), 0x800 (16 bytes) */

/* ---- the module ------------------------------------------------------- */

typedef struct {
    uint8_t b[8192];
    size_t n;
} wbuf;

static void put(wbuf *w, const void *p, size_t n)
{
    if (w->n + n > sizeof w->b)
        fuzz_fail("module too large");
    memcpy(w->b + w->n, p, n);
    w->n += n;
}
static void u8(wbuf *w, uint8_t v) { put(w, &v, 1); }
static void uleb(wbuf *w, uint32_t v)
{
    do {
        u8(w, (uint8_t)((v & 0x7f) | (v >= 0x80 ? 0x80 : 0)));
        v >>= 7;
    } while (v);
}
static void name(wbuf *w, const char *s)
{
    uleb(w, (uint32_t)strlen(s));
    put(w, s, strlen(s));
}
static void section(wbuf *out, uint8_t id, const wbuf *body)
{
    u8(out, id);
    uleb(out, (uint32_t)body->n);
    put(out, body->b, body->n);
}

static size_t nparams(const char *sig) { return (size_t)(strchr(sig, ':') - sig); }

static void build_module(wbuf *out)
{
    static wbuf s;
    put(out, "\0asm\1\0\0\0", 8);
    s.n = 0; /* types: one per function */
    uleb(&s, NFN);
    for (size_t i = 0; i < NFN; i++) {
        const char *sig = fns[i].sig, *colon = strchr(sig, ':');
        u8(&s, 0x60);
        uleb(&s, (uint32_t)nparams(sig));
        for (const char *c = sig; c < colon; c++)
            u8(&s, *c == 'I' ? 0x7e : 0x7f);
        uleb(&s, (uint32_t)strlen(colon + 1));
        for (const char *c = colon + 1; *c; c++)
            u8(&s, 0x7f);
    }
    section(out, 1, &s);
    s.n = 0;
    uleb(&s, NFN);
    for (size_t i = 0; i < NFN; i++) {
        name(&s, "wasi_snapshot_preview1");
        name(&s, fns[i].name);
        u8(&s, 0);
        uleb(&s, (uint32_t)i);
    }
    section(out, 2, &s);
    s.n = 0;
    uleb(&s, NFN);
    for (size_t i = 0; i < NFN; i++)
        uleb(&s, (uint32_t)i);
    section(out, 3, &s);
    s.n = 0;
    put(&s, "\1\0\1", 3); /* one memory, min 1 page, no max */
    section(out, 5, &s);
    s.n = 0;
    uleb(&s, NFN + 1);
    name(&s, "memory");
    put(&s, "\2\0", 2);
    for (size_t i = 0; i < NFN; i++) {
        char nm[8];
        snprintf(nm, sizeof nm, "f%zu", i);
        name(&s, nm);
        u8(&s, 0);
        uleb(&s, (uint32_t)(NFN + i));
    }
    section(out, 7, &s);
    s.n = 0;
    uleb(&s, NFN);
    for (size_t i = 0; i < NFN; i++) {
        wbuf body = {.n = 0};
        u8(&body, 0); /* no locals */
        for (uint32_t j = 0; j < nparams(fns[i].sig); j++) {
            u8(&body, 0x20);
            uleb(&body, j);
        }
        u8(&body, 0x10);
        uleb(&body, (uint32_t)i);
        u8(&body, 0x0b);
        uleb(&s, (uint32_t)body.n);
        put(&s, body.b, body.n);
    }
    section(out, 10, &s);
}

/* ---- the sandbox -------------------------------------------------------- */

static char top[64], box[96], ro[96], outside[96];
static struct stat ro_file_st;
static corral_engine *eng;
static corral_module *mod;
static int trace; /* FUZZ_WASI_TRACE set: print each call and its errno */

static void path(char *buf, size_t cap, const char *dir, const char *rel)
{
    snprintf(buf, cap, "%s/%s", dir, rel);
}

static void write_file(const char *dir, const char *rel, const char *text)
{
    char p[160];
    path(p, sizeof p, dir, rel);
    FILE *f = fopen(p, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0)
        fuzz_fail("cannot write %s", p);
}

static void check_file(const char *dir, const char *rel, const char *text)
{
    char p[160], got[64] = {0};
    path(p, sizeof p, dir, rel);
    FILE *f = fopen(p, "r");
    size_t n = f ? fread(got, 1, sizeof got - 1, f) : 0;
    if (f)
        fclose(f);
    if (!f || n != strlen(text) || memcmp(got, text, n) != 0)
        fuzz_fail("the sandbox leaked: %s changed", p);
}

static size_t count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        fuzz_fail("the sandbox leaked: %s is gone", dir);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    if (ftw->level > 0)
        remove(p);
    return 0;
}

static void reset_box(void)
{
    nftw(box, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    if (count_entries(box) != 0)
        fuzz_fail("cannot empty %s", box);
    char p[160];
    write_file(box, "a.txt", "hello\n");
    path(p, sizeof p, box, "dir");
    if (mkdir(p, 0755) != 0)
        fuzz_fail("mkdir %s", p);
    write_file(box, "dir/b.txt", "b\n");
    path(p, sizeof p, box, "link");
    if (symlink("a.txt", p) != 0)
        fuzz_fail("symlink %s", p);
    path(p, sizeof p, box, "esc");
    if (symlink("../outside", p) != 0)
        fuzz_fail("symlink %s", p);
}

static int rm_all(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(p);
    return 0;
}

static void cleanup(void) { nftw(top, rm_all, 16, FTW_DEPTH | FTW_PHYS); }

static void setup(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(top, sizeof top, "%s/corral-fuzz-wasi-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(top))
        fuzz_fail("mkdtemp %s", top);
    path(box, sizeof box, top, "box");
    path(ro, sizeof ro, top, "ro");
    path(outside, sizeof outside, top, "outside");
    if (mkdir(box, 0755) || mkdir(ro, 0755) || mkdir(outside, 0755))
        fuzz_fail("mkdir in %s", top);
    atexit(cleanup);
    trace = getenv("FUZZ_WASI_TRACE") != NULL;
    write_file(ro, "r.txt", "read only\n");
    write_file(outside, "canary", "canary\n");
    char p[160];
    path(p, sizeof p, ro, "r.txt");
    if (stat(p, &ro_file_st) != 0)
        fuzz_fail("stat %s", p);
    eng = corral_engine_new(NULL);
    static wbuf m;
    build_module(&m);
    const char *err = eng ? corral_module_new(eng, m.b, m.n, &mod, NULL) : "no engine";
    if (err)
        fuzz_fail("the WASI trampoline module does not load: %s", err);
}

static void check_sandbox(void)
{
    check_file(outside, "canary", "canary\n");
    check_file(ro, "r.txt", "read only\n");
    char p[160];
    path(p, sizeof p, ro, "r.txt");
    struct stat st;
    if (stat(p, &st) != 0 || st.st_mtim.tv_sec != ro_file_st.st_mtim.tv_sec ||
        st.st_mtim.tv_nsec != ro_file_st.st_mtim.tv_nsec || st.st_size != ro_file_st.st_size)
        fuzz_fail("the read-only preopen changed: %s", p);
    if (count_entries(outside) != 1 || count_entries(ro) != 1 || count_entries(top) != 3)
        fuzz_fail("the sandbox leaked: something was created outside %s", box);
}

/* ---- the program ----------------------------------------------------------- */

typedef struct {
    const uint8_t *p, *end;
} in;

static uint64_t take(in *r, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n && r->p < r->end; i++)
        v |= (uint64_t)*r->p++ << (8 * i);
    return v;
}

/* Cut the clock timeouts of poll_oneoff's subscriptions below 1 ms. */
static void tame_poll(corral_instance *inst, uint32_t subs, uint32_t n)
{
    for (uint32_t i = 0; i < n && i < 64; i++) {
        uint8_t s[48];
        uint64_t at = (uint64_t)subs + 48u * i;
        if (corral_memory_read(inst, at, s, sizeof s) != NULL)
            return;
        if (s[8] != 0)
            continue;
        uint64_t t = 0;
        memcpy(&t, s + 24, 8);
        t %= 1000000;
        memcpy(s + 24, &t, 8);
        if (corral_memory_write(inst, at, s, sizeof s) != NULL)
            return;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!mod)
        setup();
    reset_box();
    corral_store *s = corral_store_new(eng, NULL);
    corral_linker *l = s ? corral_linker_new(s) : NULL;
    if (!l)
        fuzz_fail("out of memory setting up a store");
    static const char *const argv[] = {"fuzz", "arg"};
    static const char *const env[] = {"A=1", "HOME=/"};
    wasi_dir dirs[2] = {{box, "/", false}, {ro, "/ro", true}};
    wasi_config cfg = {.argv = argv, .argc = 2, .env = env, .nenv = 2, .dirs = dirs, .ndirs = 2,
                       .stdin_fd = -1, .stdin_data = (const uint8_t *)"stdin\n", .stdin_len = 6,
                       .capture_cap = 4096, .store = s};
    const char *err = NULL;
    char ebuf[256];
    wasi_ctx *w = wasi_new(&cfg, &err, ebuf, sizeof ebuf);
    if (!w)
        fuzz_fail("wasi_new: %s", err);
    if ((err = wasi_link(w, l)) != NULL)
        fuzz_fail("wasi_link: %s", err);
    corral_instance *inst = NULL;
    if ((err = corral_instantiate(l, mod, &inst)) != NULL)
        fuzz_fail("instantiate: %s", err);
    for (unsigned i = 0; i < 8; i++)
        if (corral_memory_write(inst, STR_AT(i), strs[i], strlen(strs[i]) + 1) != NULL)
            fuzz_fail("memory write");
    uint8_t iov[16] = {0x00, 0x04, 0, 0, 64, 0, 0, 0, 0x00, 0x08, 0, 0, 16, 0, 0, 0};
    if (corral_memory_write(inst, IOV_AT, iov, sizeof iov) != NULL)
        fuzz_fail("memory write");

    in r = {data, data + size};
    for (int op = 0; op < MAX_OPS && r.p < r.end; op++) {
        uint8_t b = (uint8_t)take(&r, 1);
        if (b >= 0xc0) {
            uint8_t buf[256];
            size_t n = (size_t)take(&r, 1);
            uint32_t off = (uint32_t)take(&r, 2);
            if (n > (size_t)(r.end - r.p))
                n = (size_t)(r.end - r.p);
            memcpy(buf, r.p, n);
            r.p += n;
            err = corral_memory_write(inst, off, buf, n);
            (void)err; /* out of bounds near the end: fine */
            continue;
        }
        size_t fi = b % NFN;
        char nm[8];
        snprintf(nm, sizeof nm, "f%zu", fi);
        corral_func *f = corral_instance_func(inst, nm);
        if (!f)
            fuzz_fail("no export %s", nm);
        const char *sig = fns[fi].sig;
        size_t np = nparams(sig);
        corral_val args[9];
        for (size_t j = 0; j < np; j++) {
            int wide = sig[j] == 'I';
            uint8_t sel = (uint8_t)take(&r, 1);
            uint64_t v;
            if (sel < 0x40)
                v = sel;
            else if (sel < 0x80)
                v = take(&r, 2);
            else if (sel < 0xa0)
                v = 65536u - (sel & 31u);
            else if (sel < 0xc0) {
                v = STR_AT(sel & 7);
                if (!wide && j + 1 < np && sig[j + 1] == 'i') {
                    args[j] = (corral_val){.type = CORRAL_I32, .of.i32 = (int32_t)v};
                    v = strlen(strs[sel & 7]);
                    j++;
                }
            } else
                v = take(&r, wide ? 8 : 4);
            args[j].type = sig[j] == 'I' ? CORRAL_I64 : CORRAL_I32;
            if (sig[j] == 'I')
                args[j].of.i64 = (int64_t)v;
            else
                args[j].of.i32 = (int32_t)(uint32_t)v;
        }
        if (strcmp(fns[fi].name, "poll_oneoff") == 0)
            tame_poll(inst, (uint32_t)args[0].of.i32, (uint32_t)args[2].of.i32);
        corral_val res[1] = {{0}};
        size_t nres = strlen(strchr(sig, ':') + 1);
        err = corral_call(s, f, args, (uint32_t)np, res, (uint32_t)nres);
        if (trace)
            fprintf(stderr, "%s -> %s%d\n", fns[fi].name, err ? err : "",
                    err || !nres ? 0 : res[0].of.i32);
        if (err == corral_exit_trap || (err && strcmp(err, corral_exit_trap) == 0))
            break;
        if (err)
            fuzz_fail("%s trapped: %s", fns[fi].name, err);
        if (nres && (uint32_t)res[0].of.i32 > 76)
            fuzz_fail("%s returned %u, not a WASI errno", fns[fi].name, (uint32_t)res[0].of.i32);
    }
    corral_linker_free(l);
    corral_store_free(s);
    wasi_free(w);
    check_sandbox();
    return 0;
}
