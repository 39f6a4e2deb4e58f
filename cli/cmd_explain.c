/* cmd_explain.c - `cancelsim explain FILE`: why each task ended as it did,
 * in sentences from the trace of one run (verify/explain.h holds the logic). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "explain.h"

static const char *const cs__explain_help =
    "usage: cancelsim explain FILE [--backend asyncio|trio] [--seed N] [--inject PLAN]\n"
    "                              [--task NAME] [--format text|json]\n"
    "\n"
    "Runs the scenario once and tells, for each task (or the one named), the chain\n"
    "that decided its end: the cancellation that reached it and why its scope was\n"
    "cancelled (cancel() and its reason, a deadline, a failing child, a handle),\n"
    "shields that held a cancellation back and until when, abandoned worker\n"
    "threads, which handler caught what, and where its exception came from.\n"
    "Every sentence names the statement's LINE:COL in FILE.  --format json gives\n"
    "the same chains as data.  FILE may be a trace instead (FILE.jsonl from\n"
    "`run --trace` or the recorder; see `cancelsim help dot`): its run is\n"
    "explained.  The backend defaults to asyncio.  Exit status: 0,\n"
    "2 bad input, an unknown --task or a backend that is not available.\n";

typedef struct cs__explain_args {
    const char *file, *inject, *task;
    cs_backend backend;
    uint64_t seed;
    bool backend_given, seed_given; /* a trace FILE: which run, and no seed */
    bool json;
} cs__explain_args;

static const char *const cs__explain_opts[] = {"help|h", "backend=", "seed=", "inject=", "task=", "format=", NULL};

/* One option with its value; returns 0, or 2 after a usage error. */
static int cs__explain_opt(cs__explain_args *a, const char *o, const char *v)
{
    if (strcmp(o, "--backend") == 0) {
        if (!cs_cli_parse_one_backend(v, &a->backend))
            return cs_cli_usage_error("explain", "--backend must be asyncio or trio, not '%s'", v);
        a->backend_given = true;
    } else if (strcmp(o, "--seed") == 0) {
        if (!cs_cli_parse_u64(v, &a->seed))
            return cs_cli_usage_error("explain", "--seed must be a non-negative integer, not '%s'", v);
        a->seed_given = true;
    } else if (strcmp(o, "--inject") == 0) {
        a->inject = v;
    } else if (strcmp(o, "--task") == 0) {
        a->task = v;
    } else if (strcmp(o, "--format") == 0) {
        if (strcmp(v, "text") != 0 && strcmp(v, "json") != 0)
            return cs_cli_usage_error("explain", "--format must be text or json, not '%s'", v);
        a->json = strcmp(v, "json") == 0;
    }
    return 0;
}

static int cs__explain_parse(int argc, char **argv, cs__explain_args *a)
{
    memset(a, 0, sizeof *a);
    cs_cli_parser p;
    cs_cli_parser_init(&p, "explain", argc, argv, cs__explain_opts);
    const char *o, *v;
    for (int got; (got = cs_cli_next_for_file(&p, cs__explain_help, &a->file, &o, &v)) != CS_CLI_END;) {
        if (got != CS_CLI_OPTION)
            return got == CS_CLI_HELP ? 1 : 2;
        if (cs__explain_opt(a, o, v) != 0)
            return 2;
    }
    return 0;
}

int cs_cmd_explain(int argc, char **argv)
{
    cs__explain_args a;
    int rc = cs__explain_parse(argc, argv, &a);
    if (rc)
        return rc == 1 ? 0 : rc;
    cs_explain *x = cs_explain_new();
    rc = cs_cli_source_one_sink("explain", a.file,
                                &(cs_cli_source){a.backend, a.backend_given, a.seed_given, a.seed, a.inject},
                                (cs_sink){cs_explain_sink, x});
    if (rc == 0 && a.task && !cs_explain_has_task(x, a.task)) {
        fprintf(stderr, "cancelsim explain: no task named '%s' in this run\n", a.task);
        rc = 2;
    }
    if (rc == 0 && a.json) {
        json_t *j = cs_explain_to_json(x, a.task);
        json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
        fputc('\n', stdout);
        json_decref(j);
    } else if (rc == 0) {
        cs_explain_write_text(x, a.task, stdout);
    }
    if (rc == 0 && (fflush(stdout) != 0 || ferror(stdout))) {
        fprintf(stderr, "cancelsim explain: error writing standard output\n");
        rc = 2;
    }
    cs_explain_free(x);
    return rc;
}
