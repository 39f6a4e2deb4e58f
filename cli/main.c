/* main.c - `cancelsim`: dispatch to the subcommands of scenario-format.md §9. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char *const cs__usage =
    "usage: cancelsim COMMAND [ARGS...]\n"
    "\n"
    "Simulates AnyIO 4.14 structured concurrency (asyncio and Trio backends) in\n"
    "virtual time, from a JSON scenario file or an AnyIO program (FILE.py).\n"
    "\n"
    "commands:\n"
    "  run FILE        run a scenario and print its outcome\n"
    "  verify PATH...  run scenarios and check their expectations\n"
    "  explore FILE    every distinct Trio schedule and the outcomes they give\n"
    "  inject FILE     sweep injected failures and timeouts; report plans that break\n"
    "                  the scenario's `always` or raise a finding, shrunk\n"
    "  check FILE...   validate scenario files only\n"
    "  dot FILE        draw one run's cancellation graph (DOT, SVG, PNG)\n"
    "  timeline FILE   write one run as a Chrome trace / Perfetto timeline\n"
    "  explain FILE    why each task ended as it did, in sentences with LINE:COL\n"
    "  trace FILE      the outcome and findings of a trace (run --trace, the recorder)\n"
    "  compare SCENARIO TRACE  where a recorded run and the simulated one part ways\n"
    "  translate FILE.py  print the scenario for an AnyIO program (every command\n"
    "                  also takes FILE.py directly)\n"
    "  help [COMMAND]  describe a command\n"
    "  version         print the version (also --version)\n"
    "\n"
    "Options follow GNU conventions (--opt=VALUE or --opt VALUE, before or after\n"
    "the operands, -- ends them); a FILE of - reads standard input.\n";

typedef struct cs__command {
    const char *name;
    int (*fn)(int argc, char **argv);
} cs__command;

static const cs__command cs__commands[] = {
    {"run", cs_cmd_run},           {"check", cs_cmd_check},
    {"explore", cs_cmd_explore},   {"inject", cs_cmd_inject},
    {"verify", cs_cmd_verify},     {"dot", cs_cmd_dot},
    {"timeline", cs_cmd_timeline}, {"explain", cs_cmd_explain},
    {"trace", cs_cmd_trace},       {"translate", cs_cmd_translate},
    {"compare", cs_cmd_compare},
};

/* "unknown command 'X'", with the closest command when one is near; then the usage. */
static int cs__unknown(const char *name, const char *sep)
{
    const char *names[sizeof cs__commands / sizeof cs__commands[0] + 2];
    size_t n = 0;
    for (; n < sizeof cs__commands / sizeof cs__commands[0]; n++)
        names[n] = cs__commands[n].name;
    names[n++] = "help";
    names[n++] = "version";
    const char *near = cs_cli_closest(name, names, n);
    if (near)
        fprintf(stderr, "cancelsim: unknown command '%s'; did you mean '%s'?\n%s", name, near, sep);
    else
        fprintf(stderr, "cancelsim: unknown command '%s'\n%s", name, sep);
    fputs(cs__usage, stderr);
    return 2;
}

static const cs__command *cs__find(const char *name)
{
    for (size_t i = 0; i < sizeof cs__commands / sizeof cs__commands[0]; i++)
        if (strcmp(cs__commands[i].name, name) == 0)
            return &cs__commands[i];
    return NULL;
}

int cs_cmd_help(int argc, char **argv)
{
    if (argc >= 2) {
        const cs__command *c = cs__find(argv[1]);
        if (!c)
            return cs__unknown(argv[1], "");
        char *args[] = {argv[1], "--help", NULL};
        return c->fn(2, args);
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
    const cs__command *c = cs__find(cmd);
    if (c)
        return c->fn(argc - 1, argv + 1);
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)
        return cs_cmd_help(argc - 1, argv + 1);
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("cancelsim %s\n", CS_VERSION);
        return 0;
    }
    return cs__unknown(cmd, "\n");
}
