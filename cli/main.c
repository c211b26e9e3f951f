/*
 * main.c - the corral command: pick the subcommand.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char USAGE[] =
    "usage: corral COMMAND [ARGS...]\n"
    "\n"
    "Commands:\n"
    "  run     run a WebAssembly module in the sandbox (corral run --help)\n"
    "  tool    run an agent tool: corral tool NAME JSON (corral tool --help)\n"
    "  tools   print the agent tools as JSON tool definitions for an LLM\n"
    "  mcp     serve the agent tools to an MCP client over stdio (corral mcp --help)\n"
    "  disasm  show the internal code corral lowers a module's functions to\n"
    "  snapshot  pre-initialise a module (wizer.initialize; corral snapshot --help)\n"
    "\n"
    "Options:\n"
    "  -h, --help     show this help\n"
    "  -V, --version  show the version\n";

const char *cli_argv0;

int main(int argc, char **argv)
{
    cli_argv0 = argv[0];
    if (argc < 2) {
        fputs(USAGE, stderr);
        return CLI_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        fputs(USAGE, stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
        puts("corral " CORRAL_VERSION);
        return CLI_EXIT_OK;
    }
    if (strcmp(cmd, "run") == 0)
        return cli_run(argc - 1, argv + 1);
    if (strcmp(cmd, "tool") == 0)
        return cli_tool(argc - 1, argv + 1);
    if (strcmp(cmd, "tools") == 0)
        return cli_tools(argc - 1, argv + 1);
    if (strcmp(cmd, "mcp") == 0)
        return cli_mcp(argc - 1, argv + 1);
    if (strcmp(cmd, "disasm") == 0)
        return cli_disasm(argc - 1, argv + 1);
    if (strcmp(cmd, "snapshot") == 0)
        return cli_snapshot(argc - 1, argv + 1);
    fprintf(stderr, "corral: unknown command '%s'\nTry 'corral --help'.\n", cmd);
    return CLI_EXIT_USAGE;
}
