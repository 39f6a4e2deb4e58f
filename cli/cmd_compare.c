/* cmd_compare.c - `cancelsim compare SCENARIO TRACE.jsonl`: where a recorded
 * run and the simulated run of the matching scenario part ways, task by task
 * (verify/compare.h holds the logic). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "compare.h"

static const char *const cs__compare_help =
    "usage: cancelsim compare SCENARIO TRACE.jsonl [--backend asyncio|trio]\n"
    "\n"
    "Runs SCENARIO (a scenario file, or an AnyIO program FILE.py) on the backend\n"
    "and seed of the trace's run (its first run, or its first run of --backend)\n"
    "and says, task by task, the first step where the recorded and the simulated\n"
    "run part ways: \"task NAME, step N: recorded 'STEP' at t=T, simulated\n"
    "'STEP' at t=T\", or a task only one of them has.  A task's steps are those a\n"
    "recording holds exactly (docs/recording.md): its start, the scopes it enters\n"
    "(kind, deadline, shield) and leaves (cancelled_caught, the exception leaving\n"
    "them), worker threads started and abandoned, group raises, log lines and its\n"
    "end (state, a failure's exception class), with their times; tasks are\n"
    "matched by name.  The trace comes from python3 -m cancelsim_record (use\n"
    "--virtual-time so its times are the simulator's) or from run --trace.\n"
    "Exit status: 0 the same, 1 they differ, 2 bad input or usage.\n";

int cs_cmd_compare(int argc, char **argv)
{
    const char *files[2] = {NULL, NULL};
    size_t nfiles = 0;
    bool want = false;
    cs_backend backend = CS_BACKEND_ASYNCIO;
    cs_cli_parser p;
    cs_cli_parser_init(&p, "compare", argc, argv, (const char *const[]){"help|h", "backend=", NULL});
    const char *o, *v;
    for (int got; (got = cs_cli_next(&p, &o, &v)) != CS_CLI_END;) {
        if (got == CS_CLI_BAD)
            return 2;
        if (got == CS_CLI_OPERAND) {
            if (nfiles == 2)
                return cs_cli_usage_error("compare", "give SCENARIO and TRACE.jsonl only");
            files[nfiles++] = o;
        } else if (strcmp(o, "--help") == 0) {
            fputs(cs__compare_help, stdout);
            return 0;
        } else if (strcmp(o, "--backend") == 0) {
            if (!cs_cli_parse_one_backend(v, &backend))
                return cs_cli_usage_error("compare", "--backend must be asyncio or trio, not '%s'", v);
            want = true;
        }
    }
    if (nfiles < 2)
        return cs_cli_usage_error("compare", nfiles ? "missing TRACE.jsonl" : "missing SCENARIO and TRACE.jsonl");
    cs_story *rec = cs_story_new(), *sim = cs_story_new();
    int rc = cs_cli_trace_one_sink("compare", files[1], want, backend, (cs_sink){cs_story_sink, rec});
    uint64_t seed = 0;
    if (rc == 0 && cs_story_backend(rec, &backend, &seed))
        rc = cs_cli_run_one_sink("compare", files[0], backend, seed, NULL, (cs_sink){cs_story_sink, sim});
    if (rc == 0) {
        size_t differ = cs_story_compare(rec, sim, stdout);
        if (!differ)
            printf("recorded and simulated runs agree (%s): %zu tasks\n", cs_backend_name(backend),
                   cs_story_ntasks(rec));
        rc = differ ? 1 : 0;
    }
    cs_story_free(rec);
    cs_story_free(sim);
    return rc;
}
