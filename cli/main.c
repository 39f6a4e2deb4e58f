/* main.c - `cancelsim`: dispatch to the subcommands of scenario-format.md §9. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char *const cs__usage =
    "usage: cancelsim COMMAND [ARGS...]\n"
    "\n"
    "Simulates AnyIO 4.14 structured concurrency (asyncio and Trio backends) in\n"
    "virtual time, from a JSON scenario file.\n"
    "\n"
    "commands:\n"
    "  run FILE        run a scenario and print its outcome\n"
    "  verify PATH...  run scenarios and check their expectations\n"
    "  explore FILE    every distinct Trio schedule and the outcomes they give\n"
    "  check FILE...   validate scenario files only\n"
    "  dot FILE        draw one run's cancellation graph (DOT, SVG, PNG)\n"
    "  timeline FILE   write one run as a Chrome trace / Perfetto timeline\n"
    "  help [COMMAND]  describe a command\n";

int cs_cmd_help(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "run") == 0) {
        char *args[] = {"run", "--help", NULL};
        return cs_cmd_run(2, args);
    }
    if (argc >= 2 && strcmp(argv[1], "verify") == 0) {
        char *args[] = {"verify", "--help", NULL};
        return cs_cmd_verify(2, args);
    }
    if (argc >= 2 && strcmp(argv[1], "explore") == 0) {
        char *args[] = {"explore", "--help", NULL};
        return cs_cmd_explore(2, args);
    }
    if (argc >= 2 && strcmp(argv[1], "check") == 0) {
        char *args[] = {"check", "--help", NULL};
        return cs_cmd_check(2, args);
    }
    if (argc >= 2 && strcmp(argv[1], "dot") == 0) {
        char *args[] = {"dot", "--help", NULL};
        return cs_cmd_dot(2, args);
    }
    if (argc >= 2 && strcmp(argv[1], "timeline") == 0) {
        char *args[] = {"timeline", "--help", NULL};
        return cs_cmd_timeline(2, args);
    }
    if (argc >= 2) {
        fprintf(stderr, "cancelsim: unknown command '%s'\n", argv[1]);
        fputs(cs__usage, stderr);
        return 2;
    }
    fputs(cs__usage, stdout);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(cs__usage, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "run") == 0)
        return cs_cmd_run(argc - 1, argv + 1);
    if (strcmp(cmd, "check") == 0)
        return cs_cmd_check(argc - 1, argv + 1);
    if (strcmp(cmd, "explore") == 0)
        return cs_cmd_explore(argc - 1, argv + 1);
    if (strcmp(cmd, "verify") == 0)
        return cs_cmd_verify(argc - 1, argv + 1);
    if (strcmp(cmd, "dot") == 0)
        return cs_cmd_dot(argc - 1, argv + 1);
    if (strcmp(cmd, "timeline") == 0)
        return cs_cmd_timeline(argc - 1, argv + 1);
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)
        return cs_cmd_help(argc - 1, argv + 1);
    fprintf(stderr, "cancelsim: unknown command '%s'\n\n", cmd);
    fputs(cs__usage, stderr);
    return 2;
}
