/*
 * cli.h - what the files of the corral command share.
 *
 * cli/ is the only layer that talks to the user: it parses flags, reads
 * files, prints results and chooses exit statuses.  It sees the engine only
 * through include/corral.h.
 */
#ifndef CLI_H
#define CLI_H

#include <stddef.h>
#include <stdint.h>

#include "corral.h"

/* Exit statuses of the command (DESIGN.md section 4). */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_FAIL = 1,  /* the module could not be read, loaded or linked */
    CLI_EXIT_USAGE = 2, /* a bad flag or value on the command line */
    CLI_EXIT_TRAP = 134 /* the guest trapped (also timeout, fuel, stack) */
};

/* Subcommands: argv[0] is the subcommand's name. */
int cli_run(int argc, char **argv);
int cli_disasm(int argc, char **argv);
int cli_tool(int argc, char **argv);  /* corral tool NAME [JSON | -] (tool.c) */
int cli_tools(int argc, char **argv); /* corral tools */
/* The whole file at path (malloc'd), or NULL with errno set. */
uint8_t *cli_read_file(const char *path, size_t *len);

/* tools/manifest.json, embedded by the build (build/.../gen/manifest.c):
 * cli_manifest_len bytes, then a NUL. */
extern const unsigned char cli_manifest_json[];
extern const size_t cli_manifest_len;

/* ---- option values (opts.c) -------------------------------------------
 * Each returns 1 on success, 0 on a malformed or out-of-range value.  */

/* A non-negative decimal integer that fits in 64 bits. */
int cli_parse_u64(const char *s, uint64_t *out);
/* A byte count: N with an optional K, M or G suffix (powers of 1024,
 * case-insensitive). */
int cli_parse_size(const char *s, uint64_t *out);
/* A positive duration in milliseconds: N (seconds), Ns, Nms or Nm. */
int cli_parse_duration(const char *s, uint64_t *ms);

/* ---- results of --invoke (values.c) ------------------------------------*/

/* Print v on its own line to stdout. */
void cli_print_val(const corral_val *v);

#endif
