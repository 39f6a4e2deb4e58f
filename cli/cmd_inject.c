/* cmd_inject.c - `cancelsim inject FILE`: sweep injected faults.  The sweep,
 * its shrinking, sharding and worker processes are drive/inject_sweep.h; this
 * file reads the options and inject_print.c prints what was found.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "inject_sweep.h"

static const char *const cs__inject_help =
    "usage: cancelsim inject FILE [--failures] [--timeouts[=all]] [--delays] [--delay SECONDS]\n"
    "                             [--interrupts[=all]]\n"
    "                             [--max-faults 1|2] [--backend asyncio|trio|both]\n"
    "                             [--explore] [--max-schedules N] [--max-plans N]\n"
    "                             [--max-k N]\n"
    "                             [--jobs N] [--shard K/N] [--format text|json]\n"
    "       cancelsim inject FILE --plan PLAN [--backend B] [--format text|json]\n"
    "\n"
    "Sweeps injected faults over a scenario: a failure raised at each checkpoint of\n"
    "each task and in each of its worker-thread calls (--failures), a deadline\n"
    "expiring at each checkpoint reached inside each named scope that the scenario\n"
    "gives a deadline somewhere (--timeouts; --timeouts=all: every named scope),\n"
    "an extra sleep of --delay SECONDS (default 1) before each checkpoint\n"
    "(--delays), Ctrl+C (SIGINT) arriving while the loop waits, at each instant a\n"
    "checkpoint ran and halfway to the next (--interrupts; --interrupts=all: also\n"
    "while each task runs, before each of its checkpoints).  The four flags select:\n"
    "the sweep runs the kinds given, and without any of them failures and timeouts\n"
    "(so `--delays` alone sweeps delays only; `--failures --timeouts --delays` adds\n"
    "delays to the default).  Scopes\n"
    "left out of the timeout sweep are named in the output.  --max-faults 2 also runs\n"
    "every pair.  Each plan runs on each backend (--explore: on every Trio\n"
    "schedule, up to --max-schedules per plan, default 64) and must keep the\n"
    "scenario's `always` expectations and raise no finding it does not declare.\n"
    "Each failing plan is shrunk to the fewest faults and earliest checkpoints\n"
    "that fail the same way and printed with a `cancelsim run ... --inject PLAN`\n"
    "line that replays it.  --shard K/N runs every N-th plan from the K-th, so\n"
    "parts of a sweep can run on several machines; --format json prints JSON\n"
    "Lines (one line per distinct failure, then a summary line), so the outputs\n"
    "of shards concatenate.  --max-plans bounds the sweep (default 100000) and\n"
    "--max-k the checkpoints tried per task and scope (default 1000).  A scenario\n"
    "whose run without faults stops at a limit is not swept (every plan would\n"
    "run to the limit).\n"
    "--plan checks one plan (as `run --inject` writes it) instead of a sweep, and\n"
    "shrinks it when it fails.\n"
    "Exit status: 0 no plan breaks, 1 some break, 2 bad input.\n";

typedef struct cs__inject_args {
    cs_inject_options o; /* the sweep's options (o.file: FILE) */
    cs_backend_sel sel;
    bool sel_given;
    uint64_t jobs;
    bool json;
    const char *plan; /* --plan: check this plan only */
} cs__inject_args;

static const char *const cs__inject_opts[] = {
    "help|h",         "failures",   "timeouts=?", "delays", "explore", "delay=",  "max-faults=",  "backend=", "max-k=",
    "max-schedules=", "max-plans=", "jobs=",      "plan=",  "shard=",  "format=", "interrupts=?", NULL};

static int cs__inject_parse(int argc, char **argv, cs__inject_args *a)
{
    memset(a, 0, sizeof *a);
    a->o.kinds.delay_seconds = 1.0;
    a->o.max_faults = 1;
    a->o.max_schedules = 64;
    a->o.max_plans = 100000;
    a->o.kinds.max_k = 1000;
    a->jobs = 1;
    a->o.shard_k = a->o.shard_n = 1;
    cs_cli_parser p;
    cs_cli_parser_init(&p, "inject", argc, argv, cs__inject_opts);
    const char *o, *v;
    bool bare_timeouts = false; /* the argument before was `--timeouts`: `all` may follow */
    for (int got; (got = cs_cli_next(&p, &o, &v)) != CS_CLI_END;) {
        bool after_timeouts = bare_timeouts;
        bare_timeouts = false;
        if (got == CS_CLI_BAD)
            return 2;
        if (got == CS_CLI_OPERAND && after_timeouts && strcmp(o, "all") == 0) {
            a->o.kinds.all_timeouts = true; /* `--timeouts all` (a FILE named all: ./all) */
        } else if (got == CS_CLI_OPERAND) {
            if (a->o.file)
                return cs_cli_usage_error("inject", "only one FILE may be given");
            a->o.file = o;
        } else if (strcmp(o, "--help") == 0) {
            fputs(cs__inject_help, stdout);
            return 1;
        } else if (strcmp(o, "--failures") == 0) {
            a->o.kinds.failures = true;
        } else if (strcmp(o, "--timeouts") == 0) {
            if (v && strcmp(v, "all") != 0)
                return cs_cli_usage_error("inject", "--timeouts takes no value but `all`, not '%s'", v);
            a->o.kinds.timeouts = true;
            a->o.kinds.all_timeouts |= v != NULL;
            bare_timeouts = v == NULL;
        } else if (strcmp(o, "--delays") == 0) {
            a->o.kinds.delays = true;
        } else if (strcmp(o, "--interrupts") == 0) {
            if (v && strcmp(v, "all") != 0)
                return cs_cli_usage_error("inject", "--interrupts takes no value but `all`, not '%s'", v);
            a->o.kinds.interrupts = true;
            a->o.kinds.all_interrupts = v != NULL;
        } else if (strcmp(o, "--explore") == 0) {
            a->o.explore = true;
        } else if (strcmp(o, "--delay") == 0) {
            if (!cs_cli_parse_seconds(v, &a->o.kinds.delay_seconds))
                return cs_cli_usage_error("inject", "--delay must be a positive number of seconds, not '%s'", v);
        } else if (strcmp(o, "--max-faults") == 0) {
            if (!cs_cli_parse_u64(v, &a->o.max_faults) || a->o.max_faults < 1 || a->o.max_faults > 2)
                return cs_cli_usage_error("inject", "--max-faults must be 1 or 2, not '%s'", v);
        } else if (strcmp(o, "--backend") == 0) {
            if (!cs_cli_parse_backend(v, &a->sel))
                return cs_cli_usage_error("inject", "--backend must be asyncio, trio or both, not '%s'", v);
            a->sel_given = true;
        } else if (strcmp(o, "--max-k") == 0) {
            uint64_t k;
            if (!cs_cli_parse_u64(v, &k) || k == 0 || k > UINT32_MAX)
                return cs_cli_usage_error("inject", "--max-k must be a positive integer, not '%s'", v);
            a->o.kinds.max_k = (uint32_t)k;
        } else if (strcmp(o, "--max-schedules") == 0 || strcmp(o, "--max-plans") == 0 || strcmp(o, "--jobs") == 0) {
            uint64_t *dst = o[2] == 'j' ? &a->jobs : o[6] == 's' ? &a->o.max_schedules : &a->o.max_plans;
            if (!cs_cli_parse_u64(v, dst) || *dst == 0)
                return cs_cli_usage_error("inject", "%s must be a positive integer, not '%s'", o, v);
            if (a->jobs > 256)
                return cs_cli_usage_error("inject", "--jobs must be at most 256");
        } else if (strcmp(o, "--plan") == 0) {
            a->plan = v;
        } else if (strcmp(o, "--shard") == 0) {
            if (!cs_cli_parse_shard(v, &a->o.shard_k, &a->o.shard_n))
                return cs_cli_usage_error("inject", "--shard must be K/N with 1 <= K <= N, not '%s'", v);
        } else if (strcmp(o, "--format") == 0) {
            if (strcmp(v, "json") == 0)
                a->json = true;
            else if (strcmp(v, "text") != 0)
                return cs_cli_usage_error("inject", "--format must be text or json, not '%s'", v);
        }
    }
    if (!a->o.file)
        return cs_cli_usage_error("inject", "missing FILE");
    if (!a->o.kinds.failures && !a->o.kinds.timeouts && !a->o.kinds.delays && !a->o.kinds.interrupts)
        a->o.kinds.failures = a->o.kinds.timeouts = true;
    return 0;
}

/* ---- the command ---- */

/* Runs the sweep (or --plan) into sw; 0, or 2 after printing why. */
static int cs__inject_sweep(cs__inject_args *a, const cs_scenario *sc, const cs_plan *given, cs_inject_sweep *sw)
{
    cs_backend bs[2];
    size_t nb = cs_cli_backends(sc->program, a->sel, a->sel_given, bs);
    cs_inject_sweep_init(sw, &a->o, sc, bs, nb);
    if (a->plan) {
        cs_inject_sweep_plan(sw, given);
        return 0;
    }
    cs_run_error err;
    if (cs_inject_sweep_run(sw, &err) == CS_E_LIMIT) {
        fprintf(stderr, "%s: error: %s\n", cs_cli_file_name(a->o.file), err.message);
        return 2;
    }
    if (sw->lost)
        fprintf(stderr, "cancelsim inject: a worker process stopped abnormally; its plans are missing\n");
    return 0;
}

int cs_cmd_inject(int argc, char **argv)
{
    cs__inject_args a;
    int prc = cs__inject_parse(argc, argv, &a);
    if (prc)
        return prc == 1 ? 0 : prc;
    a.o.jobs = (unsigned)a.jobs;
    a.o.progress = isatty(STDERR_FILENO);
    cs_scenario *sc;
    cs_plan given;
    if (cs_cli_open("inject", a.o.file, a.plan, "--plan", &sc, &given) != 0)
        return 2;
    cs_inject_sweep sw;
    int rc = cs__inject_sweep(&a, sc, &given, &sw);
    cs_plan_free(&given);
    if (rc == 0) {
        cs_inject_distinct *d = NULL;
        size_t nd = cs_inject_distinct_of(&sw, &d);
        if (a.json)
            cs_cli_inject_print_json(&sw, d, nd, sw.truncated);
        else
            cs_cli_inject_print_text(&sw, d, nd, sw.truncated);
        rc = sw.n ? 1 : 0;
        free(d);
    }
    cs_inject_sweep_free(&sw);
    cs_scenario_free(sc);
    return rc;
}
