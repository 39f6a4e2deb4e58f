/* cmd_explore.c - `cancelsim explore FILE`: the distinct outcomes of a
 * scenario under Trio's schedules.  The search is drive/explore.c; this file
 * reads the options, shows progress on a terminal and prints the result. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "explore.h"
#include "json_out.h"
#include "load.h"
#include "outcome.h"
#include "util.h"

/* The wall-time budget when stdout is a terminal and --budget is not given. */
#define CS_EXPLORE_TTY_BUDGET 5.0

static const char cs__explore_help[] = "usage: cancelsim explore FILE [--strategy mixed|dfs|random|pct] [--depth D]\n"
                                       "                         [--max-schedules N] [--budget SECONDS] [--seed S]\n"
                                       "                         [--no-reduce] [--format text|json]\n\n"
                                       "Runs the scenario under Trio's schedules (batch orders, orders of equal\n"
                                       "deadlines, of event waiters and of cancellation delivery) and lists each\n"
                                       "distinct outcome with how many schedules gave it and a command that\n"
                                       "reproduces it (--schedule with its exact choices, or --seed).\n"
                                       "  mixed   dfs for the first half of N (or of SECONDS), and on while the\n"
                                       "          share of the tree it has walked says it will finish; else random\n"
                                       "          seeds for the rest (the default, as verify does: a dfs stuck deep\n"
                                       "          in a big space would miss whole outcomes)\n"
                                       "  dfs     every schedule, depth first, only; batch orders that provably\n"
                                       "          cannot matter are not tried reversed (--no-reduce tries them)\n"
                                       "  random  each schedule from its own seed (drawn from S; default 1)\n"
                                       "  pct     canonical choices except at D-1 random change points (default 3)\n"
                                       "It stops after N schedules (default 10000; on a terminal, no bound) or\n"
                                       "SECONDS of wall time (default: 5 on a terminal, none otherwise) and says\n"
                                       "whether it was complete and how the distinct outcomes grew.  The text\n"
                                       "output shows what differs between the outcomes before the outcomes.\n"
                                       "Exit status 0, 2 on bad input.\n";

typedef struct cs__explore_args {
    const char *file;
    cs_explore_options opt;
    bool json, max_given, budget_given;
} cs__explore_args;

/* 0 parsed, 1 help printed, 2 usage error printed. */
static int cs__explore_parse(int argc, char **argv, cs__explore_args *a)
{
    cs_explore_options_init(&a->opt);
    cs_cli_parser p;
    cs_cli_parser_init(&p, "explore", argc, argv,
                       (const char *const[]){"help|h", "max-schedules=", "format=", "strategy=", "depth=", "budget=",
                                             "seed=", "no-reduce", NULL});
    const char *o, *v;
    for (int got; (got = cs_cli_next_for_file(&p, cs__explore_help, &a->file, &o, &v)) != CS_CLI_END;) {
        if (got != CS_CLI_OPTION)
            return got == CS_CLI_HELP ? 1 : 2;
        if (strcmp(o, "--no-reduce") == 0) {
            a->opt.reduce = false;
        } else if (strcmp(o, "--max-schedules") == 0) {
            if (!cs_cli_parse_u64(v, &a->opt.max_schedules) || a->opt.max_schedules == 0)
                return cs_cli_usage_error("explore", "--max-schedules must be a positive integer");
            a->max_given = true;
        } else if (strcmp(o, "--budget") == 0) {
            if (!cs_cli_parse_seconds(v, &a->opt.budget_s))
                return cs_cli_usage_error("explore", "--budget must be a positive number of seconds");
            a->budget_given = true;
        } else if (strcmp(o, "--strategy") == 0) {
            if (!cs_explore_set_strategy(&a->opt, v))
                return cs_cli_usage_error("explore", "--strategy must be mixed, dfs, random or pct, not '%s'", v);
        } else if (strcmp(o, "--depth") == 0) {
            uint64_t d;
            if (!cs_cli_parse_u64(v, &d) || d == 0 || d > 1000)
                return cs_cli_usage_error("explore", "--depth must be an integer from 1 to 1000");
            a->opt.depth = (uint32_t)d;
        } else if (strcmp(o, "--seed") == 0) {
            if (!cs_cli_parse_u64(v, &a->opt.seed))
                return cs_cli_usage_error("explore", "--seed must be a non-negative integer");
        } else if (strcmp(o, "--format") == 0) {
            if (strcmp(v, "json") == 0)
                a->json = true;
            else if (strcmp(v, "text") != 0)
                return cs_cli_usage_error("explore", "--format must be text or json, not '%s'", v);
        }
    }
    return 0;
}

static void cs__explore_progress(void *ctx, const cs_explore_progress *p)
{
    (void)ctx;
    fprintf(stderr, "\rexplore: %llu schedules, %zu distinct outcome%s, %.0f schedules/s   ",
            (unsigned long long)p->schedules, p->outcomes, p->outcomes == 1 ? "" : "s",
            p->seconds > 0 ? (double)p->schedules / p->seconds : 0.0);
    fflush(stderr);
}

static const char *cs__stop_text(const cs_explore_result *r)
{
    switch (r->stop) {
    case CS_EXPLORE_COMPLETE: return "complete";
    case CS_EXPLORE_MAX: return "incomplete (stopped at --max-schedules)";
    case CS_EXPLORE_BUDGET: return "incomplete (stopped at --budget)";
    }
    return "?";
}

static void cs__explore_print_json(const char *file, const char *name, const cs__explore_args *a,
                                   const cs_explore_result *r)
{
    cs_jw w;
    cs_jw_init(&w, stdout, 2, 0);
    cs_jw_begin_object(&w);
    cs_jw_key(&w, "scenario");
    cs_jw_string(&w, name);
    cs_jw_key(&w, "backend");
    cs_jw_string(&w, "trio");
    cs_jw_key(&w, "strategy");
    cs_jw_string(&w, cs_explore_options_strategy(&a->opt));
    cs_jw_key(&w, "schedules");
    cs_jw_int(&w, (long long)r->schedules);
    cs_jw_key(&w, "complete");
    cs_jw_bool(&w, r->stop == CS_EXPLORE_COMPLETE);
    cs_jw_key(&w, "stopped");
    cs_jw_string(&w, r->stop == CS_EXPLORE_COMPLETE ? "complete"
                     : r->stop == CS_EXPLORE_MAX    ? "max-schedules"
                                                    : "budget");
    if (r->dfs_runs) { /* mixed: where dfs gave way to random seeds */
        cs_jw_key(&w, "dfs_schedules");
        cs_jw_int(&w, (long long)r->dfs_runs);
    }
    cs_jw_key(&w, "pruned");
    cs_jw_int(&w, (long long)r->pruned);
    cs_jw_key(&w, "outcomes");
    cs_jw_begin_array(&w);
    for (size_t i = 0; i < r->n; i++) {
        char *replay = cs_explore_replay(file, &r->v[i]);
        cs_jw_begin_object(&w);
        cs_jw_key(&w, "schedules");
        cs_jw_int(&w, (long long)r->v[i].schedules);
        cs_jw_key(&w, "first");
        cs_jw_int(&w, (long long)r->v[i].first);
        cs_jw_key(&w, "replay");
        cs_jw_string(&w, replay);
        cs_jw_key(&w, "outcome");
        cs_outcome_write_jw(r->v[i].outcome, &w);
        cs_jw_end_object(&w);
        free(replay);
    }
    cs_jw_end_array(&w);
    cs_jw_end_object(&w);
    fputc('\n', stdout);
}

static void cs__explore_print_text(const char *file, const char *name, const cs_explore_result *r)
{
    printf("explore %s on trio: %llu schedule%s, %s; %zu distinct outcome%s\n", name, (unsigned long long)r->schedules,
           r->schedules == 1 ? "" : "s", cs__stop_text(r), r->n, r->n == 1 ? "" : "s");
    char *growth = cs_explore_growth(r);
    printf("  %s\n", growth);
    free(growth);
    if (r->dfs_runs)
        printf("  depth first for %llu schedules without finishing, then random seeds for %llu\n",
               (unsigned long long)r->dfs_runs, (unsigned long long)(r->schedules - r->dfs_runs));
    if (r->pruned)
        printf("  %llu batch reversal%s skipped as equivalent (--no-reduce tries them)\n",
               (unsigned long long)r->pruned, r->pruned == 1 ? "" : "s");
    cs_explore_write_differences(r, stdout);
    for (size_t i = 0; i < r->n; i++) {
        char *replay = cs_explore_replay(file, &r->v[i]);
        printf("\noutcome %zu of %zu: %llu schedule%s\n  replay: %s\n", i + 1, r->n,
               (unsigned long long)r->v[i].schedules, r->v[i].schedules == 1 ? "" : "s", replay);
        free(replay);
        cs_outcome_write_text(r->v[i].outcome, stdout);
        fputc('\n', stdout);
    }
}

int cs_cmd_explore(int argc, char **argv)
{
    cs__explore_args a = {0};
    int prc = cs__explore_parse(argc, argv, &a);
    if (prc)
        return prc == 1 ? 0 : prc;
    bool tty = isatty(STDOUT_FILENO);
    if (tty && !a.budget_given)
        a.opt.budget_s = CS_EXPLORE_TTY_BUDGET;
    if (tty && !a.max_given)
        a.opt.max_schedules = 0;
    if (isatty(STDERR_FILENO))
        a.opt.progress = cs__explore_progress;
    cs_scenario *sc = NULL;
    cs_load_error lerr;
    if (cs_cli_load(a.file, &sc, &lerr) != 0) {
        cs_load_error_print(&lerr, stderr);
        return 2;
    }
    if (!sc->program->run_trio) {
        /* explore searches Trio's schedules; asyncio's loop has exactly one
         * (an asyncio-only scenario: native asyncio statements): no schedule,
         * complete, in the format asked for */
        cs_explore_result none = {.stop = CS_EXPLORE_COMPLETE};
        if (a.json)
            cs__explore_print_json(a.file, sc->program->name, &a, &none);
        else
            printf("explore %s: the scenario does not run on trio; asyncio has one schedule, nothing to explore\n",
                   sc->program->name);
        cs_scenario_free(sc);
        return 0;
    }
    cs_explore_result r;
    cs_run_error err;
    int rc = cs_explore(sc->program, &a.opt, &r, &err);
    if (a.opt.progress && r.seconds >= 0.2)
        fputs("\r\033[K", stderr); /* clear the progress line */
    if (rc != CS_OK) {
        if (err.pos.line)
            fprintf(stderr, "%s:%u:%u: error: %s\n", cs_cli_file_name(a.file), err.pos.line, err.pos.col, err.message);
        else /* a limit that refuses the run (depth): no position */
            fprintf(stderr, "%s: error: %s\n", cs_cli_file_name(a.file), err.message);
    } else if (a.json) {
        cs__explore_print_json(a.file, sc->program->name, &a, &r);
    } else {
        cs__explore_print_text(a.file, sc->program->name, &r);
    }
    cs_explore_result_free(&r);
    cs_scenario_free(sc);
    return rc == CS_OK ? 0 : 2;
}
