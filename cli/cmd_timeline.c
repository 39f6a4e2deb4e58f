/* cmd_timeline.c - `cancelsim timeline FILE`: one run as a Chrome trace /
 * Perfetto JSON timeline (render/timeline.h). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "timeline.h"

static const char *const cs__timeline_help =
    "usage: cancelsim timeline FILE [--backend asyncio|trio] [--seed N] [--inject PLAN] [-o OUT.json]\n"
    "\n"
    "Runs the scenario once and writes it as a Chrome trace / Perfetto timeline\n"
    "(open it in ui.perfetto.dev or chrome://tracing): a track per task, its\n"
    "scopes as nested slices, waits as slices, spawns and cancellations as flow\n"
    "arrows, logs and raises as instants; times are virtual.  FILE may be a\n"
    "trace instead (FILE.jsonl from `run --trace` or the recorder; see\n"
    "`cancelsim help dot`): its run is drawn.  The backend\n"
    "defaults to asyncio.  Exit status: 0 written, 2 bad input or a backend that\n"
    "is not available.\n";

typedef struct cs__tl_args {
    const char *file, *out;
    cs_backend backend;
    uint64_t seed;
    bool backend_given, seed_given; /* a trace FILE: which run, and no seed */
    const char *inject;             /* --inject PLAN, or NULL */
} cs__tl_args;

static const char *const cs__tl_opts[] = {"help|h", "backend=", "seed=", "output|o=", "inject=", NULL};

static int cs__tl_parse(int argc, char **argv, cs__tl_args *a)
{
    memset(a, 0, sizeof *a);
    a->backend = CS_BACKEND_ASYNCIO;
    cs_cli_parser p;
    cs_cli_parser_init(&p, "timeline", argc, argv, cs__tl_opts);
    const char *o, *v;
    for (int got; (got = cs_cli_next_for_file(&p, cs__timeline_help, &a->file, &o, &v)) != CS_CLI_END;) {
        if (got != CS_CLI_OPTION)
            return got == CS_CLI_HELP ? 1 : 2;
        if (strcmp(o, "--backend") == 0) {
            if (!cs_cli_parse_one_backend(v, &a->backend))
                return cs_cli_usage_error("timeline", "--backend must be asyncio or trio, not '%s'", v);
            a->backend_given = true;
        } else if (strcmp(o, "--seed") == 0) {
            if (!cs_cli_parse_u64(v, &a->seed))
                return cs_cli_usage_error("timeline", "--seed must be a non-negative integer, not '%s'", v);
            a->seed_given = true;
        } else if (strcmp(o, "--output") == 0) {
            a->out = v;
        } else if (strcmp(o, "--inject") == 0) {
            a->inject = v;
        }
    }
    return 0;
}

int cs_cmd_timeline(int argc, char **argv)
{
    cs__tl_args a;
    int prc = cs__tl_parse(argc, argv, &a);
    if (prc)
        return prc == 1 ? 0 : prc;
    cs_timeline *tl = cs_timeline_new();
    int rc = cs_cli_source_one_sink("timeline", a.file,
                                    &(cs_cli_source){a.backend, a.backend_given, a.seed_given, a.seed, a.inject},
                                    (cs_sink){cs_timeline_sink, tl});
    if (rc == 0) {
        FILE *f = a.out ? fopen(a.out, "w") : stdout;
        if (!f) {
            fprintf(stderr, "cancelsim timeline: cannot write %s\n", a.out);
            rc = 2;
        } else {
            if (cs_timeline_write(tl, f) != 0 || fflush(f) != 0) {
                fprintf(stderr, "cancelsim timeline: error writing %s\n", a.out ? a.out : "standard output");
                rc = 2;
            }
            if (a.out)
                fclose(f);
        }
    }
    cs_timeline_free(tl);
    return rc;
}
