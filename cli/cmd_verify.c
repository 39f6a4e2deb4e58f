/* cmd_verify.c - `cancelsim verify PATH...`: run every scenario under the paths
 * on each of its backends and check its expectations and the built-in findings
 * (scenario-format.md §6).  Each backend runs twice, the second run only to
 * compare traces byte for byte (the nondeterminism finding).  One line per
 * scenario and backend; for a failure the first difference and a command that
 * reproduces it.  --tap prints TAP version 13, --junit writes a JUnit XML
 * report, --jobs N verifies in N worker processes (same output, same order),
 * --shard K/N a part of the files; --update rewrites the expectations instead
 * (drive/snapshot_update.c).
 * A backend that the scenario states no expectation for is reported as such
 * (a skip), not as a pass; --strict fails it.
 * Exit status as pytest's: 0 all pass, 1 some fail, 2 bad input or usage,
 * 5 no scenario found. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "corpus.h"
#include "html_report.h"
#include "shard.h"
#include "snapshot_update.h"
#include "util.h"
#include "verify_pool.h"
#include "verify_report.h"
#include "verify_sweep.h"
#include "verify_trace.h"

static const char *const cs__verify_help =
    "usage: cancelsim verify PATH... [--junit OUT.xml] [--html OUT.html] [--tap] [--jobs N] [--strict]\n"
    "                        [--shard K/N] [--color auto|always|never]\n"
    "                        [--schedules all|canonical] [--max-schedules N]\n"
    "       cancelsim verify PATH... --update[=any]\n"
    "       cancelsim verify SCENARIO --trace TRACE.jsonl [--tap] [--junit OUT.xml] [--strict]\n\n"
    "Runs every scenario under the paths (folders recursively, *.json; - reads one\n"
    "from standard input) on each of its backends and checks expect,\n"
    "expect_by_backend, expect_any and always, and the built-in findings (an\n"
    "undeclared finding fails the scenario).  Each run is done twice and the traces\n"
    "compared (the nondeterminism finding).  A backend the scenario states no\n"
    "expectation for is reported as \"no expectations\" (a skip), not as a pass;\n"
    "--strict makes it a failure.  --jobs N verifies files in N worker processes;\n"
    "the output is the same.  --html OUT.html writes one self-contained page:\n"
    "failures first with the expected-against-got diff, the explain chain and the\n"
    "graph of the failing run.\n"
    "--shard K/N verifies every N-th file from the K-th of the sorted list (for\n"
    "CI matrices: the shards' reports together are the whole run's).\n"
    "--color: PASS/FAIL and differences in colour; auto (the default) colours a\n"
    "terminal unless NO_COLOR is set.  --tap prints TAP version 13 (prove reads\n"
    "it); --junit writes JUnit XML (a testsuite per folder).\n"
    "On Trio each scenario is also explored (drive/explore.c): expect must hold\n"
    "on every schedule, every schedule must match an expect_any entry and every\n"
    "entry must be reached (when the exploration completes).  N schedules per\n"
    "scenario (default 2000: depth first, as explore's mixed strategy, random\n"
    "seeds past half of N unless depth first looks like finishing); --schedules\n"
    "canonical checks the canonical one only.\n"
    "--update writes each scenario's current outcome into its expect (what the\n"
    "backends share) and expect_by_backend, editing only those members of the\n"
    "file, as snapshot tools do; a Trio outcome that depends on the schedule is\n"
    "refused unless --update=any, which writes the outcomes into expect_any.\n"
    "This pins cancelsim's model for regression tests: the expectations of a\n"
    "new scenario must come from real AnyIO (tools/anyio_reference.py).\n"
    "--trace TRACE.jsonl checks SCENARIO's expectations (expect,\n"
    "expect_by_backend, expect_any, always, findings) against each run the trace\n"
    "holds instead of simulating it: a real program's run recorded by\n"
    "python3 -m cancelsim_record (docs/recording.md), or run --trace's file.  One\n"
    "line per recorded run, on its backend; a Trio recording is one schedule, so\n"
    "`canonical` members are not checked on it.\n"
    "Exit status: 0 all pass, 1 some fail, 2 bad input or usage (an invalid\n"
    "scenario file included), 5 no scenario found under the paths.\n";

typedef struct cs__verify_acc {
    cs_report *rep;
    char *const *files;
    bool bad;
} cs__verify_acc;

static void cs__verify_done(void *ctx, size_t i, cs_verify_result *r)
{
    cs__verify_acc *acc = ctx;
    if (r->bad)
        acc->bad = true;
    for (size_t k = 0; k < r->n; k++) {
        if (r->v[k].status == CS_REPORT_ERROR) /* could not run: bad input, exit 2 */
            acc->bad = true;
        r->v[k].file = acc->files[i]; /* the parent's copy outlives the report */
        cs_report_add(acc->rep, &r->v[k]);
    }
}

typedef struct cs__verify_args {
    const char *junit, *html, *color;
    const char *trace; /* --trace TRACE.jsonl: check the scenario against it */
    bool tap, update, update_any;
    cs_verify_options opt; /* --strict, --schedules, --max-schedules */
    uint64_t jobs, shard_k, shard_n;
    char **paths; /* the operands (borrowed from argv), in an owned array */
    size_t npaths;
} cs__verify_args;

/* One option and its value into *a; 0, or 2 after a usage error. */
static int cs__verify_opt(cs__verify_args *a, const char *o, const char *v)
{
    if (strcmp(o, "--junit") == 0) {
        a->junit = v;
    } else if (strcmp(o, "--trace") == 0) {
        a->trace = v;
    } else if (strcmp(o, "--html") == 0) {
        a->html = v;
    } else if (strcmp(o, "--tap") == 0) {
        a->tap = true;
    } else if (strcmp(o, "--update") == 0) {
        if (v && strcmp(v, "any") != 0)
            return cs_cli_usage_error("verify", "--update takes no value or =any, not '%s'", v);
        a->update = true;
        a->update_any = v != NULL;
    } else if (strcmp(o, "--shard") == 0) {
        if (!cs_cli_parse_shard(v, &a->shard_k, &a->shard_n))
            return cs_cli_usage_error("verify", "--shard must be K/N with 1 <= K <= N, not '%s'", v);
    } else if (strcmp(o, "--color") == 0) {
        a->color = v;
        if (cs_report_color(v, stdout) < 0)
            return cs_cli_usage_error("verify", "--color must be auto, always or never, not '%s'", v);
    } else if (strcmp(o, "--strict") == 0) {
        a->opt.strict = true;
    } else if (strcmp(o, "--schedules") == 0) {
        if (strcmp(v, "canonical") == 0)
            a->opt.sweep.max_schedules = 0;
        else if (strcmp(v, "all") != 0)
            return cs_cli_usage_error("verify", "--schedules must be all or canonical, not '%s'", v);
    } else if (strcmp(o, "--max-schedules") == 0) {
        if (!cs_cli_parse_u64(v, &a->opt.sweep.max_schedules) || a->opt.sweep.max_schedules == 0)
            return cs_cli_usage_error("verify", "--max-schedules must be a positive integer");
    } else if (strcmp(o, "--jobs") == 0) {
        if (!cs_cli_parse_u64(v, &a->jobs) || a->jobs == 0)
            return cs_cli_usage_error("verify", "--jobs must be a positive integer");
    }
    return 0;
}

/* verify's arguments into *a (free a->paths): 0 to go on, 1 after --help,
 * 2 after a usage error. */
static int cs__verify_parse(int argc, char **argv, cs__verify_args *a)
{
    *a = (cs__verify_args){.jobs = 1, .shard_k = 1, .shard_n = 1};
    cs_explore_options_init(&a->opt.sweep);
    a->opt.sweep.max_schedules = CS_SWEEP_DEFAULT_SCHEDULES;
    a->opt.sweep.mixed = true;
    a->opt.load = cs_cli_load;
    a->paths = cs_xcalloc((size_t)argc, sizeof *a->paths);
    cs_cli_parser p;
    cs_cli_parser_init(&p, "verify", argc, argv,
                       (const char *const[]){"help|h", "junit=", "html=", "tap", "jobs=", "strict", "color=", "shard=",
                                             "update=?", "schedules=", "max-schedules=", "trace=", NULL});
    const char *o, *v;
    for (int got; (got = cs_cli_next(&p, &o, &v)) != CS_CLI_END;) {
        if (got == CS_CLI_BAD)
            return 2;
        if (got == CS_CLI_OPERAND) {
            a->paths[a->npaths++] = (char *)o;
        } else if (strcmp(o, "--help") == 0) {
            fputs(cs__verify_help, stdout);
            return 1;
        } else if (cs__verify_opt(a, o, v) != 0) {
            return 2;
        }
    }
    return a->npaths ? 0 : cs_cli_usage_error("verify", "missing PATH");
}

/* Verifies the files and writes the reports; returns cs_report_finish's status
 * (2 also when the HTML page could not be written). */
static int cs__verify_report(const cs__verify_args *a, char *const *files, size_t nfiles, bool *bad)
{
    cs_report rep;
    cs_report_init(&rep, a->tap ? CS_REPORT_TAP : CS_REPORT_HUMAN, stdout);
    rep.color = cs_report_color(a->color, stdout) == 1;
    rep.load = cs_cli_load; /* the HTML report runs a failing .py again through the front end */
    cs__verify_acc acc = {.rep = &rep, .files = files};
    cs_verify_pool(files, nfiles, a->jobs > 256 ? 256u : (unsigned)a->jobs, &a->opt, cs__verify_done, &acc);
    if (acc.bad)
        *bad = true;
    int hrc = a->html ? cs_html_report_write(&rep, a->html) : 0;
    int rc = cs_report_finish(&rep, a->junit);
    return hrc && rc == 0 ? 2 : rc;
}

/* verify SCENARIO --trace TRACE: one scenario, no simulation (verify_trace.c). */
static int cs__verify_trace_cmd(const cs__verify_args *a)
{
    if (a->npaths != 1)
        return cs_cli_usage_error("verify", "--trace checks one SCENARIO, not %zu paths", a->npaths);
    if (a->update || a->html || a->shard_n > 1)
        return cs_cli_usage_error("verify", "--trace does not go with --update, --html or --shard");
    cs_report rep;
    cs_report_init(&rep, a->tap ? CS_REPORT_TAP : CS_REPORT_HUMAN, stdout);
    rep.color = cs_report_color(a->color, stdout) == 1;
    int rc = cs_verify_trace(a->paths[0], a->trace, &a->opt, &rep);
    int frc = cs_report_finish(&rep, a->junit);
    return rc ? rc : frc;
}

int cs_cmd_verify(int argc, char **argv)
{
    cs__verify_args a;
    int prc = cs__verify_parse(argc, argv, &a);
    if (prc) {
        free(a.paths);
        return prc == 1 ? 0 : prc;
    }
    if (a.trace) {
        int trc = cs__verify_trace_cmd(&a);
        free(a.paths);
        return trc;
    }
    char **files = NULL;
    size_t nfiles = 0, capfiles = 0;
    bool bad = false;
    for (size_t i = 0; i < a.npaths; i++)
        if (cs_corpus_collect(a.paths[i], &files, &nfiles, &capfiles))
            bad = true;
    free(a.paths);
    size_t found = nfiles; /* an empty shard of a corpus is not "nothing found" */
    nfiles = cs_shard_files(files, nfiles, a.shard_k, a.shard_n);
    int rc;
    if (a.update)
        rc = bad ? 2 : cs_snapshot_update_all(files, nfiles, a.update_any, stdout);
    else
        rc = cs__verify_report(&a, files, nfiles, &bad);
    for (size_t i = 0; i < nfiles; i++)
        free(files[i]);
    free(files);
    if (a.update)
        return rc;
    if (found == 0 && !bad) {
        fputs("cancelsim verify: no scenario found (no *.json under the paths)\n", stderr);
        return 5;
    }
    return bad ? 2 : rc;
}
