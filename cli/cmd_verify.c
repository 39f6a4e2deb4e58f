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
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "expect.h"
#include "findings.h"
#include "html_report.h"
#include "load.h"
#include "outcome.h"
#include "run_request.h"
#include "snapshot_update.h"
#include "util.h"
#include "verify_pool.h"
#include "verify_report.h"
#include "verify_sweep.h"

static const char *const cs__verify_help =
    "usage: cancelsim verify PATH... [--junit OUT.xml] [--html OUT.html] [--tap] [--jobs N] [--strict]\n"
    "                        [--shard K/N] [--color auto|always|never]\n"
    "                        [--schedules all|canonical] [--max-schedules N]\n"
    "       cancelsim verify PATH... --update[=any]\n\n"
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
    "scenario (default 2000: depth first, then random seeds for the second half\n"
    "if that did not finish); --schedules canonical checks the canonical one only.\n"
    "--update writes each scenario's current outcome into its expect (what the\n"
    "backends share) and expect_by_backend, editing only those members of the\n"
    "file, as snapshot tools do; a Trio outcome that depends on the schedule is\n"
    "refused unless --update=any, which writes the outcomes into expect_any.\n"
    "This pins cancelsim's model for regression tests: the expectations of a\n"
    "new scenario must come from real AnyIO (tools/anyio_reference.py).\n"
    "Exit status: 0 all pass, 1 some fail, 2 bad input or usage (an invalid\n"
    "scenario file included), 5 no scenario found under the paths.\n";

/* --strict: a backend without any expectation fails (read by the workers,
 * which fork after the options are parsed). */
static bool cs__strict;
/* Trio's schedules to check (--schedules, --max-schedules); max 0: canonical
 * only.  Read by the workers too. */
static cs_explore_options cs__sweep;

static int cs__cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collects *.json files under `path` (a file is taken as is), sorted per folder
 * so that the order is the same on every machine. */
static int cs__collect(const char *path, char ***files, size_t *n, size_t *cap, int depth)
{
    struct stat st;
    bool is_stdin = strcmp(path, "-") == 0; /* standard input: one scenario */
    if (!is_stdin && stat(path, &st) != 0) {
        fprintf(stderr, "cancelsim verify: cannot read %s\n", path);
        return 2;
    }
    if (is_stdin || !S_ISDIR(st.st_mode)) {
        if (*n == *cap) {
            *cap = *cap ? *cap * 2 : 64;
            *files = cs_xrealloc(*files, *cap * sizeof **files);
        }
        (*files)[(*n)++] = cs_xstrdup(path);
        return 0;
    }
    if (depth > 64)
        return 0;
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "cancelsim verify: cannot read %s\n", path);
        return 2;
    }
    char **names = NULL;
    size_t nn = 0, nc = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        if (nn == nc) {
            nc = nc ? nc * 2 : 32;
            names = cs_xrealloc(names, nc * sizeof *names);
        }
        names[nn++] = cs_xstrdup(de->d_name);
    }
    closedir(d);
    if (nn) /* an empty folder: names is NULL, and qsort(NULL, 0) is undefined */
        qsort(names, nn, sizeof *names, cs__cmp_str);
    int rc = 0;
    for (size_t i = 0; i < nn; i++) {
        size_t len = strlen(path);
        char *child = cs_xasprintf("%s%s%s", path, len && path[len - 1] == '/' ? "" : "/", names[i]);
        struct stat cst;
        if (stat(child, &cst) == 0 && (S_ISDIR(cst.st_mode) || (strlen(names[i]) > 5 &&
                                       strcmp(names[i] + strlen(names[i]) - 5, ".json") == 0))) {
            int r = cs__collect(child, files, n, cap, depth + 1);
            if (r)
                rc = r;
        }
        free(child);
        free(names[i]);
    }
    free(names);
    return rc;
}

/* One verify run: the sinks that only the first of the two runs feeds. */
typedef struct cs__verify_run {
    const cs_program *program;
    cs_backend backend;
    cs_outcome *outcome;
    cs_findings *findings;
    cs_run_error err;
} cs__verify_run;

static int cs__verify_run_fn(void *ctx, unsigned attempt, const cs_sink *trace)
{
    cs__verify_run *v = ctx;
    cs_sink sinks[3] = {*trace, {cs_outcome_sink, v->outcome}, {cs_findings_sink, v->findings}};
    cs_run_request rq;
    cs_run_request_init(&rq, v->backend);
    /* Test hook (tests/t_verify_keys.sh): the second run takes another Trio
     * seed, so its trace differs and the nondeterminism finding must fail
     * the scenario.  Nothing else reads it. */
    const char *reseed = getenv("CS_TEST_RERUN_SEED");
    if (attempt == 1 && reseed)
        rq.seed = strtoull(reseed, NULL, 10);
    return cs_run_once(v->program, &rq, sinks, attempt == 0 ? 3 : 1, &v->err);
}

/* "; findings: NAME: detail; ..." for a failure report, or "" (caller frees). */
static char *cs__findings_detail(const cs_findings *f)
{
    cs_finding_kind k[CS_FINDING_COUNT];
    size_t n = cs_findings_list(f, k);
    char *s = cs_xstrdup("");
    for (size_t i = 0; i < n; i++) {
        char *t = cs_xasprintf("%s%s%s: %s", s, i ? "; " : " (", cs_finding_name(k[i]),
                               cs_findings_detail(f, k[i]));
        free(s);
        s = t;
    }
    if (n) {
        char *t = cs_xasprintf("%s)", s);
        free(s);
        s = t;
    }
    return s;
}

/* Whether the scenario states anything to check on backend `b` beyond the
 * built-in findings. */
static bool cs__has_expectations(const cs_scenario *sc, cs_backend b)
{
    json_t *m = cs_expect_merged(sc, b);
    bool any = (m && json_object_size(m)) || json_array_size(sc->expect_any) || json_object_size(sc->always);
    json_decref(m);
    return any;
}

/* Runs one scenario on one backend twice (the second run only to compare
 * traces: nondeterminism), checks the outcome and the findings of the first;
 * fills the report entry. */
static void cs__verify_one(const char *file, const cs_scenario *sc, cs_backend b, cs_report_entry *r)
{
    cs__verify_run v = {.program = sc->program, .backend = b};
    v.outcome = cs_outcome_new();
    v.findings = cs_findings_new();
    bool differ = false;
    int rc = cs_findings_run_twice(cs__verify_run_fn, &v, &differ);
    r->backend = b;
    r->replay = cs_xasprintf("cancelsim run %s --backend %s --format json", file, cs_backend_name(b));
    if (rc == CS_E_UNSUPPORTED) {
        r->status = CS_REPORT_SKIP;
        r->detail = v.err.pos.line ? cs_xasprintf("%s:%u:%u: %s", cs_cli_file_name(file), v.err.pos.line, v.err.pos.col,
                                                  v.err.message)
                                   : cs_xstrdup(v.err.message);
    } else if (rc == CS_FINDINGS_E_TMPFILE) {
        r->status = CS_REPORT_ERROR;
        r->detail = cs_xstrdup("cannot create a temporary file for the trace");
    } else if (rc != CS_OK) {
        r->status = CS_REPORT_ERROR;
        r->detail = v.err.pos.line ? cs_xasprintf("%s:%u:%u: error: %s", cs_cli_file_name(file), v.err.pos.line,
                                                  v.err.pos.col, v.err.message)
                                   : cs_xasprintf("%s: error: %s", cs_cli_file_name(file), v.err.message);
    } else {
        if (differ)
            cs_findings_add(v.findings, CS_FINDING_NONDETERMINISM,
                            "two runs with the same backend and seed gave different traces");
        json_t *j = cs_outcome_to_json(v.outcome);
        json_object_set_new(j, "findings", cs_findings_to_json(v.findings));
        char *diff = NULL;
        r->status = cs_expect_check(sc, b, j, &diff) == 0 ? CS_REPORT_PASS : CS_REPORT_FAIL;
        if (r->status == CS_REPORT_PASS && sc->always) {
            /* `always` holds under every plan, the empty one included */
            char *ad = NULL;
            if (cs_expect_match(sc->always, j, &ad) != 0) {
                r->status = CS_REPORT_FAIL;
                diff = cs_xasprintf("always: %s", ad ? ad : "?");
            }
            free(ad);
        }
        if (r->status == CS_REPORT_PASS && !cs__has_expectations(sc, b)) {
            r->status = cs__strict ? CS_REPORT_FAIL : CS_REPORT_SKIP;
            diff = cs_xstrdup(cs__strict ? "no expectations (--strict): the scenario states no expect, "
                                           "expect_by_backend, expect_any or always for this backend"
                                         : "no expectations: only the built-in findings were checked");
        }
        if (diff && strncmp(diff, "findings", 8) == 0) {
            char *more = cs__findings_detail(v.findings);
            r->detail = cs_xasprintf("%s%s", diff, more);
            free(more);
            free(diff);
        } else {
            r->detail = diff;
        }
        if (b == CS_BACKEND_TRIO && cs__sweep.max_schedules)
            cs_verify_sweep_entry(file, sc, json_object_get(j, "findings"), &cs__sweep, r);
        json_decref(j);
    }
    cs_outcome_free(v.outcome);
    cs_findings_free(v.findings);
}

/* Verifies every backend of one file (cs_verify_file_fn). */
static void cs__verify_file(const char *file, cs_verify_result *out)
{
    cs_scenario *sc = NULL;
    cs_load_error lerr;
    if (cs_cli_load(file, &sc, &lerr) != 0) {
        out->v = cs_xcalloc(1, sizeof *out->v);
        out->n = 1;
        out->bad = true;
        out->v[0] = (cs_report_entry){.file = file, .status = CS_REPORT_ERROR, .name = cs_xstrdup(file)};
        out->v[0].detail = cs_xasprintf("%s:%u:%u: error: %s", lerr.path, lerr.line, lerr.col, lerr.message);
        return;
    }
    cs_backend bs[2];
    size_t nb = 0;
    if (sc->program->run_asyncio)
        bs[nb++] = CS_BACKEND_ASYNCIO;
    if (sc->program->run_trio)
        bs[nb++] = CS_BACKEND_TRIO;
    out->v = cs_xcalloc(nb ? nb : 1, sizeof *out->v);
    for (size_t k = 0; k < nb; k++) {
        cs_report_entry *r = &out->v[out->n++];
        *r = (cs_report_entry){.file = file, .name = cs_xstrdup(sc->program->name)};
        double t0 = cs_report_clock();
        cs__verify_one(file, sc, bs[k], r);
        double us = (cs_report_clock() - t0) * 1e6;
        r->micros = us < 4e9 ? (uint32_t)us : UINT32_MAX;
    }
    cs_scenario_free(sc);
}

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
    bool tap, update, update_any;
    uint64_t jobs, shard_k, shard_n;
    char **paths; /* the operands (borrowed from argv), in an owned array */
    size_t npaths;
} cs__verify_args;

/* One option and its value into *a; 0, or 2 after a usage error. */
static int cs__verify_opt(cs__verify_args *a, const char *o, const char *v)
{
    if (strcmp(o, "--junit") == 0) {
        a->junit = v;
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
        cs__strict = true;
    } else if (strcmp(o, "--schedules") == 0) {
        if (strcmp(v, "canonical") == 0)
            cs__sweep.max_schedules = 0;
        else if (strcmp(v, "all") != 0)
            return cs_cli_usage_error("verify", "--schedules must be all or canonical, not '%s'", v);
    } else if (strcmp(o, "--max-schedules") == 0) {
        if (!cs_cli_parse_u64(v, &cs__sweep.max_schedules) || cs__sweep.max_schedules == 0)
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
    cs_explore_options_init(&cs__sweep);
    cs__sweep.max_schedules = CS_SWEEP_DEFAULT_SCHEDULES;
    cs__sweep.mixed = true;
    a->paths = cs_xcalloc((size_t)argc, sizeof *a->paths);
    cs_cli_parser p;
    cs_cli_parser_init(&p, "verify", argc, argv,
                       (const char *const[]){"help|h", "junit=", "html=", "tap", "jobs=", "strict", "color=", "shard=",
                                             "update=?", "schedules=", "max-schedules=", NULL});
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
    cs__verify_acc acc = {.rep = &rep, .files = files};
    cs_verify_pool(files, nfiles, a->jobs > 256 ? 256u : (unsigned)a->jobs, cs__verify_file, cs__verify_done, &acc);
    if (acc.bad)
        *bad = true;
    int hrc = a->html ? cs_html_report_write(&rep, a->html) : 0;
    int rc = cs_report_finish(&rep, a->junit);
    return hrc && rc == 0 ? 2 : rc;
}

int cs_cmd_verify(int argc, char **argv)
{
    cs__verify_args a;
    int prc = cs__verify_parse(argc, argv, &a);
    if (prc) {
        free(a.paths);
        return prc == 1 ? 0 : prc;
    }
    char **files = NULL;
    size_t nfiles = 0, capfiles = 0;
    bool bad = false;
    for (size_t i = 0; i < a.npaths; i++)
        if (cs__collect(a.paths[i], &files, &nfiles, &capfiles, 0))
            bad = true;
    free(a.paths);
    size_t found = nfiles; /* an empty shard of a corpus is not "nothing found" */
    nfiles = cs_verify_shard(files, nfiles, a.shard_k, a.shard_n);
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
