/*
 * wasi.h - the WASI preview1 layer (wasi_snapshot_preview1) over the engine.
 *
 * A wasi_ctx is the guest's whole view of the outside world: its args and
 * environment, its fd table (each entry with base and inheriting rights;
 * guests never see a host fd), its preopened directories (host directory
 * -> guest path, optionally read-only), and its stdio (passed through to
 * the host's fds, or captured into bounded buffers).  It belongs to one
 * instance run; tear-down closes every host fd it opened.
 *
 * Prefix: wasi_.  Depends on: vm (through include/corral.h) and the OS.
 */
#ifndef WASI_H
#define WASI_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "corral.h"

typedef struct wasi_ctx wasi_ctx;

typedef struct {
    const char *host;  /* a host directory */
    const char *guest; /* its guest path: "/" or "/data", or a relative name ("sandbox") */
    bool readonly;     /* no write, create, rename, unlink, truncate, set-times ... */
} wasi_dir;

typedef struct {
    /* argv[0] is the program name the guest sees. */
    const char *const *argv;
    size_t argc;
    /* "NAME=VALUE" strings, exactly what the guest sees. */
    const char *const *env;
    size_t nenv;
    /* Preopens, in fd order from 3. */
    const wasi_dir *dirs;
    size_t ndirs;
    /* stdin: a host fd to read (-1: empty stdin), or in-memory bytes
     * (stdin_data != NULL wins over stdin_fd). */
    int stdin_fd;
    const uint8_t *stdin_data;
    size_t stdin_len;
    /* stdout/stderr: capture_cap == 0 passes them through to host fds 1
     * and 2; otherwise each is captured up to capture_cap bytes (what comes
     * after is dropped and counted, see wasi_output). */
    size_t capture_cap;
    /* The store whose interrupt flag ends blocking calls (poll_oneoff,
     * fd_read on stdin): they wait in slices and return when the flag is
     * set, so that a timeout stops a guest that sleeps or reads. */
    corral_store *store;
    /* Resolve paths with the portable component walk instead of openat2
     * (for tests; setting CORRAL_WASI_NO_OPENAT2=1 in the environment
     * before wasi_new does the same).  Both keep every path beneath its
     * directory. */
    bool no_openat2;
} wasi_config;

/* NULL on error with *err set to a message that names the problem (for
 * example "preopen /nope: No such file or directory", "preopen
 * /etc/passwd: Not a directory"); the message is written to errbuf
 * (errcap bytes) when one is given.  Fds: 0-2 stdio, 3.. the dirs in
 * order.  Paths never leave their directory (escapes fail with EPERM, as
 * in Wasmtime); see wasi/path.c. */
wasi_ctx *wasi_new(const wasi_config *cfg, const char **err, char *errbuf, size_t errcap);
void wasi_free(wasi_ctx *w);

/* Define every wasi_snapshot_preview1 function in the linker, bound to w. */
const char *wasi_link(wasi_ctx *w, corral_linker *l);

/* Captured output (capture_cap > 0): the bytes kept, and how many more the
 * guest wrote past the cap (0 if none). */
const uint8_t *wasi_output(const wasi_ctx *w, int fd, size_t *len, uint64_t *dropped);

/* A malloc'd formatted string; NULL when out of memory (run.c). */
char *wasi_format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- deadlines (timer.c) ---------------------------------------------------
 * A run's --timeout: an entry on a corral_timer, whose thread interrupts
 * the store (or, while the module loads, the engine) at the deadline and
 * sets fired. */
typedef struct wasi_timer_entry {
    struct timespec deadline; /* CLOCK_MONOTONIC */
    corral_store *store;      /* interrupted at the deadline, if not NULL */
    corral_engine *engine;    /* ...and its loads, if not NULL */
    atomic_int fired;
    struct wasi_timer_entry *next;
} wasi_timer_entry;

/* The deadline ms from now. */
void wasi_timer_deadline(struct timespec *deadline, uint64_t ms);
/* Start e's clock: ms from now, for store s. */
void wasi_timer_add(corral_timer *t, wasi_timer_entry *e, corral_store *s, uint64_t ms);
/* Put e (its store or engine set) on t, due at deadline. */
void wasi_timer_add_at(corral_timer *t, wasi_timer_entry *e, const struct timespec *deadline);
/* After it returns, the timer no longer touches e or its store. */
void wasi_timer_remove(corral_timer *t, wasi_timer_entry *e);

#endif
