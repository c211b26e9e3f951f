/*
 * tool_call.c - one call of an agent tool, the way `corral tool read` makes
 * it: the tool's module (file-read.wasm of the installed tools) runs in a
 * fresh sandbox whose / is the work directory, with its JSON input on
 * stdin; it prints exactly one JSON object, the result, on stdout.
 *
 *   cc -o tool_call tool_call.c $(pkg-config --cflags --libs corral)
 *   ./tool_call $(pkg-config --variable=toolsdir corral) DIR /notes.txt
 *       prints the tool's result for DIR/notes.txt (the exit status is 1
 *       when it is an error), e.g.
 *       {"content": "     1\thello\n", "is_error": false, "metadata": {...}}
 *
 * The library runs the module; what `corral tool` adds around it (the
 * tools' manifest and input schemas, the network, metadata.sandbox) is
 * the command's (cli/), not the library's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <corral.h>

/* {"file_path": PATH} with PATH as a JSON string.  malloc'd, or NULL. */
static char *read_input(const char *path)
{
    size_t n = strlen(path);
    char *json = malloc(6 * n + 32), *o = json;
    if (json == NULL)
        return NULL;
    o += sprintf(o, "{\"file_path\":\"");
    for (const unsigned char *p = (const unsigned char *)path; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\')
            o += sprintf(o, "\\%c", *p);
        else if (*p < 0x20)
            o += sprintf(o, "\\u%04x", *p);
        else
            *o++ = (char)*p;
    }
    strcpy(o, "\"}");
    return json;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fputs("usage: tool_call TOOLS_DIR WORK_DIR FILE_PATH\n", stderr);
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/file-read.wasm", argv[1]);
    size_t len;
    uint8_t *wasm = corral_read_file(path, &len, NULL);
    char *input = read_input(argv[3]);
    if (wasm == NULL || input == NULL) {
        perror(wasm == NULL ? path : "tool_call");
        free(wasm);
        free(input);
        return 1;
    }

    /* The sandbox of a tool call: the work directory as /, the input on
     * stdin, output captured, a wall-clock limit and a memory cap. */
    const char *tool_argv[] = {"file-read.wasm"};
    corral_run_options opt = {0};
    opt.argv = tool_argv;
    opt.argc = 1;
    opt.work_dir = argv[2];
    opt.stdin_data = (const uint8_t *)input;
    opt.stdin_len = strlen(input);
    opt.timeout_ms = 30000;
    opt.max_memory = (uint64_t)512 << 20;
    opt.capture_cap = 16 << 20;

    corral_run_result res;
    corral_run(wasm, len, &opt, &res);
    int status = 1;
    if (res.outcome == CORRAL_RUN_EXITED && res.stdout_len > 0) {
        fwrite(res.stdout_data, 1, res.stdout_len, stdout);
        if (res.stdout_data[res.stdout_len - 1] != '\n')
            putchar('\n');
        status = res.exit_code == 0 ? 0 : 1;
    } else {
        fprintf(stderr, "tool_call: the tool did not answer: %s\n",
                res.trap != NULL ? res.trap : res.error != NULL ? res.error : "no output");
    }
    corral_run_result_free(&res);
    free(input);
    free(wasm);
    return status;
}
