/*
 * conf_libc.c - WASI conformance checks through wasi-libc, as the C and
 * AssemblyScript programs of the wasi-testsuite use the layer: relative
 * paths resolved against preopens, lseek after stdio buffering, O_APPEND
 * with pwrite, st_dev/st_ino, readdir d_ino, args and environment, exit
 * codes.
 *
 *   corral run --work-dir DIR conf_libc.wasm CASE [ARGS...]
 *
 * Exits 0 when the case holds (or with the code "exit N" asks for);
 * otherwise an assert message on stderr and a non-zero exit.  The driver
 * (tests/e2e_conformance.sh) prepares the files each case expects.
 */
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

#define REQUIRE(c)                                                                         \
    do {                                                                                   \
        if (!(c)) {                                                                        \
            fprintf(stderr, "line %d: %s (errno %d)\n", __LINE__, #c, errno);             \
            exit(1);                                                                       \
        }                                                                                  \
    } while (0)

/* lseek.txt holds "01234567". */
static int c_lseek(void)
{
    char buf[4];
    FILE *f = fopen("lseek.txt", "r");
    REQUIRE(f != NULL);
    int fd = fileno(f);
    REQUIRE(fread(buf, 1, 4, f) == 4);
    fflush(f);
    REQUIRE(lseek(fd, 0, SEEK_CUR) == 4);
    REQUIRE(fread(buf, 1, 1, f) == 1);
    fflush(f);
    REQUIRE(lseek(fd, 0, SEEK_CUR) == 5);
    REQUIRE(buf[0] == '4');
    REQUIRE(lseek(fd, 0, SEEK_SET) == 0);
    REQUIRE(lseek(fd, 0, SEEK_END) == 8);
    fclose(f);
    return 0;
}

static int c_pwrite_append(void)
{
    char buf[4] = {0};
    int fd = open("pwrite.cleanup", O_CREAT | O_TRUNC | O_WRONLY | O_APPEND, 0644);
    REQUIRE(fd != -1);
    REQUIRE(write(fd, buf, 2) == 2);
    REQUIRE(lseek(fd, 0, SEEK_SET) == 0);
    REQUIRE(write(fd, buf, 2) == 2);
    REQUIRE(lseek(fd, 0, SEEK_CUR) == 4);
    REQUIRE(pwrite(fd, buf, 3, 0) == 3);
    REQUIRE(lseek(fd, 0, SEEK_CUR) == 4);
    off_t end = lseek(fd, 0, SEEK_END);
    REQUIRE(end == 4 || end == 7);
    close(fd);
    REQUIRE(unlink("pwrite.cleanup") == 0);
    return 0;
}

static int c_pwrite_access(void)
{
    const char *p = "writeable/test_pwrite_pread.txt.cleanup";
    REQUIRE(access(p, F_OK) != 0);
    int fd = open(p, O_WRONLY | O_CREAT, 0644);
    REQUIRE(fd > 0);
    REQUIRE(pwrite(fd, "very long text", 14, 0) == 14);
    REQUIRE(pwrite(fd, "test", 4, 3) == 4);
    REQUIRE(close(fd) == 0);
    fd = open(p, O_RDONLY);
    REQUIRE(fd > 0);
    char rb[16];
    int got = 0, r;
    do {
        r = (int)read(fd, rb + got, sizeof rb - (size_t)got);
        REQUIRE(r >= 0);
        got += r;
    } while (r > 0 && got < 14);
    REQUIRE(got == 14 && memcmp(rb, "vertestng text", 14) == 0);
    REQUIRE(close(fd) == 0);
    REQUIRE(remove(p) == 0);
    return 0;
}

static int c_stat_dev_ino(void)
{
    int a = open("file", O_RDONLY), b = open("lseek.txt", O_RDONLY);
    REQUIRE(a != -1 && b != -1);
    struct stat sa, sb;
    REQUIRE(fstat(a, &sa) == 0 && fstat(b, &sb) == 0);
    REQUIRE(sa.st_dev == sb.st_dev);
    REQUIRE(sa.st_ino != sb.st_ino);
    struct stat pa;
    REQUIRE(stat("file", &pa) == 0 && pa.st_ino == sa.st_ino && pa.st_dev == sa.st_dev);
    return 0;
}

/* fopendir.dir holds file-0 and file-1. */
static int c_fdopendir(void)
{
    int dfd = open("fopendir.dir", O_RDONLY | O_DIRECTORY);
    REQUIRE(dfd != -1);
    DIR *d = fdopendir(dfd);
    REQUIRE(d != NULL);
    int seen[2] = {0, 0};
    ino_t ino[2] = {0, 0};
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        int i = strcmp(e->d_name, "file-0") == 0 ? 0 : strcmp(e->d_name, "file-1") == 0 ? 1 : -1;
        REQUIRE(i >= 0);
        seen[i] = 1;
        ino[i] = e->d_ino;
        struct stat st;
        REQUIRE(fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0);
        REQUIRE(st.st_ino == e->d_ino);
    }
    closedir(d);
    REQUIRE(seen[0] && seen[1] && ino[0] != ino[1]);
    return 0;
}

/* In the current directory, or beneath the preopen named by dir. */
static int c_fopen(const char *dir)
{
    char p[256];
    snprintf(p, sizeof p, "%s%sfile", dir ? dir : "", dir ? "/" : "");
    FILE *f = fopen(p, "r");
    REQUIRE(f != NULL);
    REQUIRE(fclose(f) == 0);
    snprintf(p, sizeof p, "%s%smissing", dir ? dir : "", dir ? "/" : "");
    errno = 0;
    REQUIRE(fopen(p, "r") == NULL && errno == ENOENT);
    snprintf(p, sizeof p, "%s%sfile/", dir ? dir : "", dir ? "/" : "");
    errno = 0;
    REQUIRE(open(p, O_RDONLY) == -1 && errno == ENOTDIR);
    return 0;
}

/* args: argv[2..] must be exactly "a", "b c", "d" (argv[0] is the program). */
static int c_args(int argc, char **argv)
{
    REQUIRE(argc == 5);
    REQUIRE(strcmp(argv[2], "a") == 0 && strcmp(argv[3], "b c") == 0 &&
            strcmp(argv[4], "d") == 0);
    return 0;
}

/* env: exactly a=text, b=escap " ing, c=new<LF>line - nothing else. */
static int c_env(void)
{
    static const char *want[] = {"a=text", "b=escap \" ing", "c=new\nline"};
    int n = 0, seen[3] = {0, 0, 0};
    for (char **e = environ; *e; e++, n++)
        for (int i = 0; i < 3; i++)
            if (strcmp(*e, want[i]) == 0)
                seen[i] = 1;
    REQUIRE(n == 3 && seen[0] && seen[1] && seen[2]);
    return 0;
}

static int c_noenv(void)
{
    REQUIRE(environ == NULL || environ[0] == NULL);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    const char *c = argv[1];
    if (strcmp(c, "lseek") == 0)
        return c_lseek();
    if (strcmp(c, "pwrite_append") == 0)
        return c_pwrite_append();
    if (strcmp(c, "pwrite_access") == 0)
        return c_pwrite_access();
    if (strcmp(c, "stat_dev_ino") == 0)
        return c_stat_dev_ino();
    if (strcmp(c, "fdopendir") == 0)
        return c_fdopendir();
    if (strcmp(c, "fopen") == 0)
        return c_fopen(argc > 2 ? argv[2] : NULL);
    if (strcmp(c, "args") == 0)
        return c_args(argc, argv);
    if (strcmp(c, "env") == 0)
        return c_env();
    if (strcmp(c, "noenv") == 0)
        return c_noenv();
    if (strcmp(c, "exit") == 0 && argc > 2)
        exit(atoi(argv[2]));
    if (strcmp(c, "stdout") == 0) {
        fputs("Hello, World!\n", stdout);
        return 0;
    }
    fprintf(stderr, "conf_libc: no case %s\n", c);
    return 2;
}
