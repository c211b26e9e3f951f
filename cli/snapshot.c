/*
 * snapshot.c - `corral snapshot [OPTIONS] IN.wasm OUT.wasm`: pre-initialise
 * a module (corral_snapshot, wasi/snapshot.c) and write the result.
 *
 * OUT is written atomically: a temporary file beside it, synced, then
 * renamed over OUT, so OUT is either the whole new module or what it was
 * before (IN itself may be OUT: it has been read by then).  Nothing is
 * written when the initialiser is refused or stopped.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const char SNAPSHOT_USAGE[] =
    "usage: corral snapshot [OPTIONS] IN.wasm OUT.wasm\n"
    "\n"
    "Pre-initialise a module: run IN's start function, its _initialize export\n"
    "if it has one, and its wizer.initialize export (Wizer's convention) in a\n"
    "sandbox with no files, no network and no clock, then write OUT: IN with\n"
    "its memory, globals and tables set to the state they left, without the\n"
    "start function and without those two exports.  OUT is a plain\n"
    "WebAssembly module that behaves as IN does after initialisation.\n"
    "\n"
    "The initialiser may import only wasi_snapshot_preview1 functions.  Of\n"
    "those, args and environ answer empty, fd_prestat answers that there are\n"
    "no directories, and sched_yield; any other call (a clock, random bytes,\n"
    "a file, a write, proc_exit) stops it.  Refused too: a trap, a limit\n"
    "reached, and state a module cannot hold (imported memory, tables or\n"
    "mutable globals; a table or global holding a host value).\n"
    "\n"
    "Options:\n"
    "  --fuel N           instruction budget of the initialisation (default 10000000000)\n"
    "  --timeout DUR      wall-clock limit: 30, 30s, 500ms, 2m (default: 10s)\n"
    "  --max-memory SIZE  linear memory cap: bytes, or K/M/G (default: 4G)\n"
    "  -h, --help         show this help\n"
    "\n"
    "Exit status: 0 when OUT was written; 1 when the module cannot be read or\n"
    "pre-initialised, or OUT cannot be written (OUT is then left as it was);\n"
    "2 for a bad command line.\n";

static int usage_error(const char *flag, const char *what, const char *value)
{
    return cli_usage_error("snapshot", flag, what, value);
}

/* Write len bytes to path through a temporary file in its directory.
 * Returns 0, or -1 with errno set and *step naming what failed. */
static int write_atomic(const char *path, const uint8_t *data, size_t len, const char **step)
{
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    if (tmp == NULL) {
        *step = "allocate";
        return -1;
    }
    memcpy(tmp, path, n);
    memcpy(tmp + n, ".tmp.XXXXXX", 12);
    *step = "create a temporary file for";
    int fd = mkstemp(tmp);
    if (fd < 0) {
        free(tmp);
        return -1;
    }
    mode_t mask = umask(0);
    umask(mask);
    size_t off = 0;
    int ok = fchmod(fd, 0666 & ~mask) == 0;
    *step = "write";
    while (ok && off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = EIO;
            ok = 0;
            break;
        }
        off += (size_t)w;
    }
    if (ok && fsync(fd) != 0)
        ok = 0;
    if (close(fd) != 0 && ok)
        ok = 0;
    if (ok) {
        *step = "replace";
        ok = rename(tmp, path) == 0;
    }
    if (!ok) {
        int e = errno;
        unlink(tmp);
        errno = e;
    }
    free(tmp);
    return ok ? 0 : -1;
}

int cli_snapshot(int argc, char **argv)
{
    corral_snapshot_options opt = {0};
    const char *files[2];
    int nfiles = 0;
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(SNAPSHOT_USAGE, stdout);
            return CLI_EXIT_OK;
        }
        if (a[0] != '-' || a[1] == '\0') {
            if (nfiles == 2)
                return usage_error("snapshot", "too many arguments, from", a);
            files[nfiles++] = a;
            continue;
        }
        /* The flags of the sandbox's limits, split as everywhere (sandbox.c);
         * the initialiser gets no files, environment or network. */
        const char *flag = NULL, *val = NULL;
        int st = cli_sandbox_split(argc, argv, &i, NULL, &flag, &val, "snapshot");
        if (st > 0)
            return st;
        if (st == 0)
            return usage_error(a, "unknown option", NULL);
        if (strcmp(flag, "--fuel") != 0 && strcmp(flag, "--timeout") != 0 &&
            strcmp(flag, "--max-memory") != 0)
            return usage_error(flag, "not for snapshot: the initialiser runs with no files, "
                                     "environment or network", NULL);
        if (strcmp(flag, "--fuel") == 0) {
            if (!cli_parse_u64(val, &opt.fuel) || opt.fuel == 0)
                return usage_error(flag, "expected a positive number of instructions, got", val);
        } else if (strcmp(flag, "--timeout") == 0) {
            if (!cli_parse_duration(val, &opt.timeout_ms))
                return usage_error(flag, "expected a duration (30, 30s, 500ms, 2m), got", val);
        } else if (!cli_parse_size(val, &opt.max_memory) || opt.max_memory == 0) {
            return usage_error(flag, "expected a size (bytes, or with K, M or G), got", val);
        }
    }
    for (; i < argc; i++) {
        if (nfiles == 2)
            return usage_error("snapshot", "too many arguments, from", argv[i]);
        files[nfiles++] = argv[i];
    }
    if (nfiles < 2)
        return usage_error("snapshot", nfiles ? "missing OUT.wasm" : "missing IN.wasm and OUT.wasm",
                           NULL);

    size_t len = 0;
    uint8_t *bytes = corral_read_file(files[0], &len, NULL);
    if (bytes == NULL) {
        fprintf(stderr, "corral snapshot: cannot read %s: %s\n", files[0], strerror(errno));
        return CLI_EXIT_FAIL;
    }
    corral_snapshot_result res;
    int rc = corral_snapshot(bytes, len, &opt, &res);
    free(bytes);
    if (rc != 0) {
        fprintf(stderr, "corral snapshot: %s: %s; %s not written\n", files[0], res.error, files[1]);
        corral_snapshot_result_free(&res);
        return CLI_EXIT_FAIL;
    }
    const char *step;
    if (write_atomic(files[1], res.wasm, res.len, &step) != 0) {
        fprintf(stderr, "corral snapshot: cannot %s %s: %s\n", step, files[1], strerror(errno));
        corral_snapshot_result_free(&res);
        return CLI_EXIT_FAIL;
    }
    printf("%s: %zu bytes, pre-initialised (%" PRIu64 " instructions of fuel, %" PRIu64
           " KiB of memory)\n",
           files[1], res.len, res.fuel_used, res.peak_memory_bytes / 1024);
    corral_snapshot_result_free(&res);
    return CLI_EXIT_OK;
}
