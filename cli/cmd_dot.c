/* cmd_dot.c - `cancelsim dot FILE`: the cancellation graph of one run as DOT
 * text, or rendered to SVG/PNG through the Graphviz libraries (render/dot.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dot.h"

static const char *const cs__dot_help =
    "usage: cancelsim dot FILE [--backend asyncio|trio] [--seed N] [--inject PLAN] [-o OUT]\n"
    "                          [--render svg|png|pdf] [--focus TASK]\n"
    "\n"
    "Runs the scenario once and prints its cancellation graph as Graphviz DOT:\n"
    "tasks (colour and shape give how each ended), task groups and named scopes\n"
    "as nested clusters (shielded ones in bold blue), spawn edges, cancellation\n"
    "edges from each cancelled scope to the tasks it reached (cause and time),\n"
    "and exception edges from failing tasks through the groups that collected\n"
    "them up to what anyio.run() raised.  Instances of one statement that nothing\n"
    "cancelled fold into one node with a count.  --focus TASK draws one task's\n"
    "story.  --render draws it through Graphviz\n"
    "(no `dot` program needed).  --inject draws a run with faults injected (see\n"
    "`cancelsim help run`); each task's label lists the faults it got.  The\n"
    "backend defaults to asyncio.  Output goes to OUT or standard output (PNG\n"
    "is refused when standard output is a terminal); FILE - reads standard\n"
    "input.  FILE may be a trace instead (section 5: from `run --trace` or the\n"
    "recorder, python3 -m cancelsim_record; a name ending in .jsonl, or a first\n"
    "line with an \"ev\" member): its run is drawn, the first of --backend's when\n"
    "given; a trace of `run --trace` draws byte for byte as the run itself.\n"
    "Exit status: 0 drawn, 2 bad input or a backend that is not available.\n";

typedef struct cs__dot_args {
    const char *file, *out, *render, *focus;
    cs_backend backend;
    uint64_t seed;
    bool backend_given, seed_given; /* a trace FILE: which run, and no seed */
    const char *inject;             /* --inject PLAN, or NULL */
} cs__dot_args;

static const char *const cs__dot_opts[] = {
    "help|h", "backend=", "seed=", "output|o=", "inject=", "render=", "focus=", NULL};

static int cs__dot_parse(int argc, char **argv, cs__dot_args *a)
{
    memset(a, 0, sizeof *a);
    a->backend = CS_BACKEND_ASYNCIO;
    cs_cli_parser p;
    cs_cli_parser_init(&p, "dot", argc, argv, cs__dot_opts);
    const char *o, *v;
    for (int got; (got = cs_cli_next_for_file(&p, cs__dot_help, &a->file, &o, &v)) != CS_CLI_END;) {
        if (got != CS_CLI_OPTION)
            return got == CS_CLI_HELP ? 1 : 2;
        if (strcmp(o, "--backend") == 0) {
            if (!cs_cli_parse_one_backend(v, &a->backend))
                return cs_cli_usage_error("dot", "--backend must be asyncio or trio, not '%s'", v);
            a->backend_given = true;
        } else if (strcmp(o, "--seed") == 0) {
            if (!cs_cli_parse_u64(v, &a->seed))
                return cs_cli_usage_error("dot", "--seed must be a non-negative integer, not '%s'", v);
            a->seed_given = true;
        } else if (strcmp(o, "--output") == 0) {
            a->out = v;
        } else if (strcmp(o, "--inject") == 0) {
            a->inject = v;
        } else if (strcmp(o, "--render") == 0) {
            if (strcmp(v, "svg") != 0 && strcmp(v, "png") != 0 && strcmp(v, "pdf") != 0)
                return cs_cli_usage_error("dot", "--render must be svg, png or pdf, not '%s'", v);
            a->render = v;
        } else if (strcmp(o, "--focus") == 0) {
            a->focus = v;
        }
    }
    if (a->render && strcmp(a->render, "svg") != 0 && !a->out && isatty(STDOUT_FILENO))
        return cs_cli_usage_error("dot",
                                  "refusing to write %s image data to a terminal; "
                                  "give -o OUT.%s or redirect standard output",
                                  strcmp(a->render, "png") == 0 ? "PNG" : "PDF", a->render);
    return 0;
}

/* Writes the graph (text or image) to the chosen output. */
static int cs__dot_emit(const cs__dot_args *a, const cs_dot *d)
{
    if (a->focus && !cs_dot_has_task(d, a->focus)) {
        fprintf(stderr, "cancelsim dot: no task named '%s' in this run\n", a->focus);
        return 2;
    }
    FILE *f = a->out ? fopen(a->out, a->render ? "wb" : "w") : stdout;
    if (!f) {
        fprintf(stderr, "cancelsim dot: cannot write %s\n", a->out);
        return 2;
    }
    char *text = cs_dot_to_string_focus(d, a->focus, NULL);
    int rc = 0;
    char err[256];
    if (a->render && cs_gv_render(text, a->render, f, err, sizeof err) != 0) {
        fprintf(stderr, "cancelsim dot: %s\n", err);
        rc = 2;
    } else if (!a->render) {
        fputs(text, f);
    }
    free(text);
    if (fflush(f) != 0 || ferror(f)) {
        fprintf(stderr, "cancelsim dot: error writing %s\n", a->out ? a->out : "standard output");
        rc = 2;
    }
    if (a->out)
        fclose(f);
    return rc;
}

int cs_cmd_dot(int argc, char **argv)
{
    cs__dot_args a;
    int prc = cs__dot_parse(argc, argv, &a);
    if (prc)
        return prc == 1 ? 0 : prc;
    cs_dot *d = cs_dot_new();
    int rc = cs_cli_source_one_sink("dot", a.file,
                                    &(cs_cli_source){a.backend, a.backend_given, a.seed_given, a.seed, a.inject},
                                    (cs_sink){cs_dot_sink, d});
    if (rc == 0)
        rc = cs__dot_emit(&a, d);
    cs_dot_free(d);
    return rc;
}
