/*
 * wasi_shim.h - a minimal WASI preview1 ("wasi_snapshot_preview1") for
 * `corral run`: arguments, stdin/stdout/stderr, clocks, random and exit.
 * No files, no preopens, an empty environment.  The full capability-based
 * layer in wasi/ replaces it.
 */
#ifndef CLI_WASI_SHIM_H
#define CLI_WASI_SHIM_H

#include <stdatomic.h>

#include "corral.h"

typedef struct cli_wasi cli_wasi;

/* argv[0..argc-1] are the guest's arguments (argv[0] the program name).
 * The strings are copied.  stop may be NULL; when it becomes non-zero, a
 * host call blocked on stdin gives up and traps with "interrupt".
 * Returns NULL when out of memory. */
cli_wasi *cli_wasi_new(int argc, char *const *argv, const atomic_int *stop);
void cli_wasi_free(cli_wasi *w);

/* Define every function of the shim in l. */
CORRAL_MUST_CHECK const char *cli_wasi_link(cli_wasi *w, corral_linker *l);

/* Whether the shim provides module.name as a function (to name the import
 * that the linker will refuse before it does). */
int cli_wasi_provides(const char *module, const char *name);

#endif
