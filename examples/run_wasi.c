/*
 * run_wasi.c - run a WASI command in corral's sandbox with corral_run, its
 * output captured: the one call that loads, links WASI, runs _start under
 * limits and reports how it ended.
 *
 *   cc -o run_wasi run_wasi.c $(pkg-config --cflags --libs corral)
 *   ./run_wasi                      the built-in command below; prints
 *                                     exit code 7
 *                                     stdout (14 bytes): hello, stdout
 *                                     stderr (14 bytes): hello, stderr
 *   ./run_wasi PROG.wasm [ARGS...]  any wasm32-wasi command instead
 *
 * The built-in command, as text:
 *
 *   (module
 *     (import "wasi_snapshot_preview1" "fd_write"
 *       (func $fd_write (param i32 i32 i32 i32) (result i32)))
 *     (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
 *     (memory (export "memory") 1)
 *     ;; two iovecs {pointer, length} at 0 and 8, their text at 16 and 32
 *     (data (i32.const 0) "\10\00\00\00\0e\00\00\00\20\00\00\00\0e\00\00\00"
 *                         "hello, stdout\n\00\00hello, stderr\n")
 *     (func (export "_start")
 *       (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 48)))
 *       (drop (call $fd_write (i32.const 2) (i32.const 8) (i32.const 1) (i32.const 48)))
 *       (call $proc_exit (i32.const 7))))
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <corral.h>

#define WASI 'w', 'a', 's', 'i', '_', 's', 'n', 'a', 'p', 's', 'h', 'o', 't', '_', \
             'p', 'r', 'e', 'v', 'i', 'e', 'w', '1'

static const uint8_t hello_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, /* "\0asm", version 1 */
    /* types: 0 = (i32 i32 i32 i32) -> i32, 1 = (i32) -> (), 2 = () -> () */
    0x01, 0x10, 0x03, 0x60, 0x04, 0x7f, 0x7f, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x00,
    0x60, 0x00, 0x00,
    /* imports: fd_write (type 0) and proc_exit (type 1) */
    0x02, 0x46, 0x02, 0x16, WASI, 0x08, 'f', 'd', '_', 'w', 'r', 'i', 't', 'e', 0x00, 0x00,
    0x16, WASI, 0x09, 'p', 'r', 'o', 'c', '_', 'e', 'x', 'i', 't', 0x00, 0x01,
    /* functions: _start (function 2), type 2; memories: one of 1 page */
    0x03, 0x02, 0x01, 0x02, 0x05, 0x03, 0x01, 0x00, 0x01,
    /* exports: "memory" and "_start" */
    0x07, 0x13, 0x02, 0x06, 'm', 'e', 'm', 'o', 'r', 'y', 0x02, 0x00, 0x06, '_', 's', 't', 'a',
    'r', 't', 0x00, 0x02,
    /* code: _start */
    0x0a, 0x1e, 0x01, 0x1c, 0x00,
    0x41, 0x01, 0x41, 0x00, 0x41, 0x01, 0x41, 0x30, 0x10, 0x00, 0x1a, /* fd 1, iovec 0 */
    0x41, 0x02, 0x41, 0x08, 0x41, 0x01, 0x41, 0x30, 0x10, 0x00, 0x1a, /* fd 2, iovec 8 */
    0x41, 0x07, 0x10, 0x01, 0x0b,                                     /* proc_exit(7) */
    /* data: the iovecs and the two lines at address 0 */
    0x0b, 0x34, 0x01, 0x00, 0x41, 0x00, 0x0b, 0x2e,
    0x10, 0x00, 0x00, 0x00, 0x0e, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x0e, 0x00, 0x00, 0x00,
    'h', 'e', 'l', 'l', 'o', ',', ' ', 's', 't', 'd', 'o', 'u', 't', '\n', 0x00, 0x00,
    'h', 'e', 'l', 'l', 'o', ',', ' ', 's', 't', 'd', 'e', 'r', 'r', '\n',
};

/* One captured stream, ended by a newline. */
static void show(const char *name, const uint8_t *data, size_t len)
{
    printf("%s (%zu bytes): %.*s", name, len, (int)len, len > 0 ? (const char *)data : "");
    if (len == 0 || data[len - 1] != '\n')
        putchar('\n');
}

int main(int argc, char **argv)
{
    const uint8_t *wasm = hello_wasm;
    size_t len = sizeof hello_wasm;
    uint8_t *file = NULL;
    if (argc > 1) {
        file = corral_read_file(argv[1], &len, NULL);
        if (file == NULL) {
            perror(argv[1]);
            return 1;
        }
        wasm = file;
    }

    /* Zero is the strictest sandbox: no files, no environment, empty stdin,
     * no network.  Give it its arguments, a timeout, a memory cap, and
     * capture up to 1 MiB of each output stream. */
    const char *hello_argv[] = {"hello.wasm"};
    corral_run_options opt = {0};
    opt.argv = argc > 1 ? (const char *const *)argv + 1 : hello_argv;
    opt.argc = argc > 1 ? (size_t)argc - 1 : 1;
    opt.timeout_ms = 10000;
    opt.max_memory = 64 << 20;
    opt.capture_cap = 1 << 20;

    corral_run_result res;
    corral_run(wasm, len, &opt, &res);
    switch (res.outcome) {
    case CORRAL_RUN_EXITED:
        printf("exit code %d\n", res.exit_code);
        show("stdout", res.stdout_data, res.stdout_len);
        show("stderr", res.stderr_data, res.stderr_len);
        break;
    case CORRAL_RUN_TRAPPED:
        printf("trapped: %s\n", res.trap);
        break;
    default: /* could not load or start, or a bad option */
        printf("not run: %s\n", res.error);
        break;
    }
    int status = res.outcome == CORRAL_RUN_EXITED ? 0 : 1;
    corral_run_result_free(&res);
    free(file);
    return status;
}
