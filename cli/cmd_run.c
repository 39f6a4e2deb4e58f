/* cmd_run.c - `cancelsim run FILE`: run a scenario on one or both backends and
 * print its outcome (scenario-format.md §4) as JSON or as a summary. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "expect_block.h"
#include "load.h"
#include "outcome.h"
#include "run_request.h"
#include "trace_jsonl.h"
#include "util.h"

static const char *const cs__run_help =
    "usage: cancelsim run FILE... [--backend asyncio|trio|both] [--seed N]\n"
    "                          [--format text|json|expect] [--trace OUT.jsonl]\n"
    "                          [--time-limit SECONDS] [--step-limit N]\n"
    "                          [--task-limit N] [--schedule C0,C1,...]\n"
    "                          [--timer-limit N] [--trace-limit N]\n"
    "                          [--memory-limit MIB] [--depth-limit N]\n"
    "                          [--inject PLAN]\n"
    "\n"
    "Runs the scenario in virtual time on a model of AnyIO 4.14.2 and prints what\n"
    "anyio.run() gives, each task's end state, each named scope's flags and the\n"
    "log.  --format json prints one object for one backend, an array for both;\n"
    "--format expect prints an `expect` block (and `expect_by_backend` for what\n"
    "differs between the backends) to paste into the scenario.\n"
    "--trace writes every trace event as JSON Lines.  FILE - reads standard\n"
    "input.  Exit status: 0 ran (whatever the scenario raised), 2 bad input.\n"
    "Several FILEs (text format only) run one after another, each outcome headed\n"
    "by a line `==> FILE <==`; a file that is bad input prints its error there and\n"
    "the others still run; the exit status is then 2 if any file was bad input.\n"
    "--seed N picks Trio's schedule (0: every batch FIFO, equal deadlines in\n"
    "registration order); --schedule replays exact schedule choices as\n"
    "`explore` prints them.\n"
    "--inject runs with injected faults, comma-separated (as `inject` prints them):\n"
    "  fail:TASK@K[:CLASS]         the task's K-th checkpoint raises CLASS(\"injected\")\n"
    "                              instead (default RuntimeError)\n"
    "  timeout:SCOPE@K             the scope's deadline becomes now just before the\n"
    "                              K-th checkpoint reached inside it\n"
    "  delay:TASK@K:SECONDS        the task sleeps SECONDS more before its K-th checkpoint\n"
    "  thread-fail:TASK@K[:CLASS]  the task's K-th to_thread call raises in the thread\n"
    "                              where it would return\n"
    "A checkpoint is a statement that awaits; --trace shows each with its number.\n" CS_CLI_LIMITS_HELP;

typedef struct cs__run_args {
    const char *file;   /* the file being run */
    const char **files; /* every FILE operand (borrowed from argv) */
    size_t nfiles;
    cs_backend_sel sel;
    bool sel_given;
    bool json;
    bool expect; /* --format expect: a paste-ready expect block */
    const char *trace;
    cs_run_request rq; /* seed, limits, --schedule, --inject's plan; the backend is set per run */
    /* (rq.forced is `schedule`, owned here; rq.plan is &plan) */
    uint32_t *schedule;
    const char *inject;
    cs_plan plan;
} cs__run_args;

static const char *const cs__run_opts[] = {
    "help|h",      "backend=",    "seed=",        "format=",      "task-limit=",   "schedule=",    "trace=", "inject=",
    "time-limit=", "step-limit=", "timer-limit=", "trace-limit=", "memory-limit=", "depth-limit=", NULL};

static int cs__run_parse(int argc, char **argv, cs__run_args *a)
{
    memset(a, 0, sizeof *a);
    cs_run_request_init(&a->rq, CS_BACKEND_ASYNCIO);
    a->files = cs_xcalloc((size_t)argc + 1, sizeof *a->files);
    cs_cli_parser p;
    cs_cli_parser_init(&p, "run", argc, argv, cs__run_opts);
    const char *o, *v;
    for (int got; (got = cs_cli_next(&p, &o, &v)) != CS_CLI_END;) {
        if (got == CS_CLI_BAD)
            return 2;
        if (got == CS_CLI_OPERAND) {       /* several FILEs: one after another */
            if (a->nfiles == (size_t)argc) /* never: one operand per argument */
                return cs_cli_usage_error("run", "too many FILEs");
            a->files[a->nfiles++] = o;
        } else if (strcmp(o, "--help") == 0) {
            fputs(cs__run_help, stdout);
            return 1;
        } else if (strcmp(o, "--backend") == 0) {
            if (!cs_cli_parse_backend(v, &a->sel))
                return cs_cli_usage_error("run", "--backend must be asyncio, trio or both, not '%s'", v);
            a->sel_given = true;
        } else if (strcmp(o, "--seed") == 0) {
            if (!cs_cli_parse_u64(v, &a->rq.seed))
                return cs_cli_usage_error("run", "--seed must be a non-negative integer, not '%s'", v);
        } else if (strcmp(o, "--format") == 0) {
            if (strcmp(v, "json") == 0)
                a->json = true;
            else if (strcmp(v, "expect") == 0)
                a->expect = true;
            else if (strcmp(v, "text") != 0)
                return cs_cli_usage_error("run", "--format must be text, json or expect, not '%s'", v);
        } else if (strcmp(o, "--task-limit") == 0) {
            if (!cs_cli_parse_u64(v, &a->rq.limits.task_limit) || a->rq.limits.task_limit == 0)
                return cs_cli_usage_error("run", "--task-limit must be a positive integer");
        } else if (strcmp(o, "--schedule") == 0) {
            free(a->schedule);
            a->schedule = NULL;
            if (!cs_cli_parse_schedule(v, &a->schedule, &a->rq.nforced))
                return cs_cli_usage_error("run", "--schedule must be a comma-separated list of choices");
        } else if (strcmp(o, "--trace") == 0) {
            a->trace = v;
        } else if (strcmp(o, "--inject") == 0) {
            a->inject = v;
        } else if (strcmp(o, "--time-limit") == 0) {
            if (!cs_cli_parse_seconds(v, &a->rq.limits.time_limit))
                return cs_cli_usage_error("run", "--time-limit must be a positive number of seconds");
        } else if (strcmp(o, "--step-limit") == 0) {
            if (!cs_cli_parse_u64(v, &a->rq.limits.step_limit))
                return cs_cli_usage_error("run", "--step-limit must be a non-negative integer");
        } else if (cs_cli_parse_limit("run", o, v, &a->rq.limits) == 2) {
            return 2;
        }
    }
    if (!a->nfiles)
        return cs_cli_usage_error("run", "missing FILE");
    if (a->nfiles > 1 && (a->json || a->expect || a->trace || a->inject))
        return cs_cli_usage_error("run", "several FILEs run with the text format only (no --format json or "
                                         "expect, --trace or --inject)");
    a->file = a->files[0];
    return 0;
}

/* Runs one backend into a new outcome; NULL after printing a scenario error. */
static cs_outcome *cs__run_one(const cs__run_args *a, const cs_scenario *sc, cs_backend b, FILE *trace, bool *failed)
{
    cs_outcome *o = cs_outcome_new();
    cs_trace_jsonl *tw = trace ? cs_trace_jsonl_new(trace) : NULL;
    cs_sink sinks[2] = {{cs_outcome_sink, o}, {cs_trace_jsonl_sink, tw}};
    cs_run_request rq = a->rq;
    rq.backend = b;
    cs_run_error err;
    int rc = cs_run_once(sc->program, &rq, sinks, tw ? 2 : 1, &err);
    if (tw)
        cs_trace_jsonl_free(tw);
    if (rc == CS_E_UNSUPPORTED && err.pos.line) {
        fprintf(stderr, "%s:%u:%u: error: %s\n", cs_cli_file_name(a->file), err.pos.line, err.pos.col, err.message);
        cs_outcome_free(o);
        *failed = true;
        return NULL;
    }
    if (rc == CS_E_UNSUPPORTED) {
        fprintf(stderr, "cancelsim run: %s backend skipped: %s\n", cs_backend_name(b), err.message);
        cs_outcome_free(o);
        return NULL;
    }
    if (rc == CS_E_LIMIT && !err.pos.line) {
        fprintf(stderr, "%s: error: %s (--depth-limit)\n", cs_cli_file_name(a->file), err.message);
        cs_outcome_free(o);
        *failed = true;
        return NULL;
    }
    if (rc != CS_OK) {
        fprintf(stderr, "%s:%u:%u: error: %s\n", cs_cli_file_name(a->file), err.pos.line, err.pos.col, err.message);
        cs_outcome_free(o);
        *failed = true;
        return NULL;
    }
    return o;
}

/* Loads and runs a.file on the backends asked for and prints its outcome;
 * 0, or 2 for bad input (the error printed). */
static int cs__run_file(cs__run_args *ap)
{
    cs__run_args a = *ap; /* (the plan goes back to *ap, which frees it) */
    cs_scenario *sc;
    if (cs_cli_open("run", a.file, a.inject, "--inject", &sc, &ap->plan) != 0)
        return 2;
    a.plan = ap->plan;
    a.rq.forced = a.schedule;
    a.rq.plan = &a.plan;
    cs_backend order[2];
    size_t nb = cs_cli_backends(sc->program, a.sel, a.sel_given, order);
    FILE *trace = NULL;
    if (a.trace && !(trace = fopen(a.trace, "w"))) {
        fprintf(stderr, "cancelsim run: cannot write %s\n", a.trace);
        cs_scenario_free(sc);
        return 2;
    }
    cs_outcome *outs[2] = {NULL, NULL};
    int rc = 0;
    size_t nout = 0;
    for (size_t i = 0; i < nb; i++) {
        bool failed = false;
        cs_outcome *o = cs__run_one(&a, sc, order[i], trace, &failed);
        if (failed) {
            rc = 2;
            break;
        }
        if (o)
            outs[nout++] = o;
    }
    nb = nout;
    if (rc == 0 && nb > 0) {
        if (a.expect) {
            json_t *block = cs_expect_block((const cs_outcome *const *)outs, nb);
            char *text = json_dumps(block, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
            if (text)
                printf("%s\n", text);
            free(text);
            json_decref(block);
        } else if (a.json && nb == 1) {
            cs_outcome_write_json(outs[0], stdout, 0);
            fputc('\n', stdout);
        } else if (a.json) {
            cs_outcome_write_json_array((const cs_outcome *const *)outs, nb, stdout);
        } else {
            for (size_t i = 0; i < nb; i++) {
                if (i)
                    fputc('\n', stdout);
                cs_outcome_write_text(outs[i], stdout);
            }
        }
    }
    for (size_t i = 0; i < nb; i++)
        cs_outcome_free(outs[i]);
    if (trace)
        fclose(trace);
    cs_scenario_free(sc);
    return rc;
}

int cs_cmd_run(int argc, char **argv)
{
    cs__run_args a;
    int prc = cs__run_parse(argc, argv, &a);
    int rc = prc == 1 ? 0 : prc;
    /* several files: one after another, each headed by its name (as head(1)
     * does), errors in place so the reader sees which file they belong to */
    for (size_t i = 0; !prc && i < a.nfiles; i++) {
        a.file = a.files[i];
        if (a.nfiles > 1) {
            fflush(stderr);
            printf("%s==> %s <==\n", i ? "\n" : "", cs_cli_file_name(a.file));
            fflush(stdout);
        }
        if (cs__run_file(&a) != 0)
            rc = 2;
        fflush(stdout);
    }
    cs_plan_free(&a.plan);
    free(a.schedule);
    free(a.files);
    return rc;
}
