/* verify_trace.c - `cancelsim verify SCENARIO --trace TRACE.jsonl`: a
 * scenario's expectations checked against the runs a trace file holds (one
 * recorded from a real program by python3 -m cancelsim_record, or written by
 * `run --trace`) instead of against simulated runs, so a test can pin what the
 * real program did.  The program text of SCENARIO is not run: only its
 * expect, expect_by_backend, expect_any, always and findings are read, and
 * each run of the trace is checked on its own backend exactly as verify checks
 * a simulated run (one report line per run).
 *
 * A recorded Trio run is one schedule among those real Trio can take, not
 * the canonical one, so `canonical` members are not checked on it (as
 * verify's sweep checks a schedule other than the canonical).  A single run
 * cannot show nondeterminism; every other finding is read from the trace. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"
#include "findings.h"
#include "outcome.h"
#include "trace_read.h"
#include "util.h"
#include "verify_report.h"
#include "verify_trace.h"
#include "xvalue.h"

/* " (NAME: detail; ...)" after a failure on findings, or "" (new string). */
static char *cs__vt_findings_detail(const cs_findings *f)
{
    cs_finding_kind k[CS_FINDING_COUNT];
    size_t n = cs_findings_list(f, k);
    char *s = cs_xstrdup("");
    for (size_t i = 0; i < n; i++) {
        char *t = cs_xasprintf("%s%s%s: %s", s, i ? "; " : " (", cs_finding_name(k[i]), cs_findings_detail(f, k[i]));
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

/* Checks one recorded run; fills r's status and detail. */
static void cs__vt_check(const cs_scenario *sc, const cs_expectations *x, const cs_trace_run *run, bool strict,
                         cs_report_entry *r)
{
    cs_backend b = run->outcome->backend;
    if (!(b == CS_BACKEND_TRIO ? sc->program->run_trio : sc->program->run_asyncio)) {
        r->status = strict ? CS_REPORT_FAIL : CS_REPORT_SKIP;
        r->detail = cs_xasprintf("the scenario does not run on %s (its \"backends\")", cs_backend_name(b));
        return;
    }
    cs_xv *j = cs_outcome_xv(run->outcome, CS_OUTCOME_PART_ALL, run->findings);
    char *diff = NULL;
    bool canonical = b != CS_BACKEND_TRIO;
    r->status = cs_expect_check_schedule(x, b, j, canonical, &diff) == 0 ? CS_REPORT_PASS : CS_REPORT_FAIL;
    if (r->status == CS_REPORT_PASS && x->always) {
        char *ad = NULL;
        if (cs_expect_match(x->always, j, &ad) != 0) {
            r->status = CS_REPORT_FAIL;
            diff = cs_xasprintf("always: %s", ad ? ad : "?");
        }
        free(ad);
    }
    if (r->status == CS_REPORT_PASS && !x->has[b]) {
        r->status = strict ? CS_REPORT_FAIL : CS_REPORT_SKIP;
        diff = cs_xstrdup(strict ? "no expectations (--strict): the scenario states no expect, "
                                   "expect_by_backend, expect_any or always for this backend"
                                 : "no expectations: only the built-in findings were checked");
    }
    if (diff && strncmp(diff, "findings", 8) == 0) {
        char *more = cs__vt_findings_detail(run->findings);
        r->detail = cs_xasprintf("%s%s", diff, more);
        free(more);
        free(diff);
    } else {
        r->detail = diff;
    }
    cs_xv_free(j);
}

int cs_verify_trace(const char *scenario, const char *trace, const cs_verify_options *opt, cs_report *rep)
{
    cs_scenario *sc = NULL;
    cs_load_error lerr;
    if (opt->load(scenario, &sc, &lerr) != 0) {
        cs_load_error_print(&lerr, stderr);
        return 2;
    }
    FILE *f = strcmp(trace, "-") == 0 ? stdin : fopen(trace, "r");
    if (!f) {
        fprintf(stderr, "%s: error: cannot read the file\n", trace);
        cs_scenario_free(sc);
        return 2;
    }
    cs_trace_run *runs = NULL;
    size_t n = 0;
    cs_trace_read_error err;
    int rc = cs_trace_replay(f, &runs, &n, &err);
    if (f != stdin)
        fclose(f);
    if (rc != 0) {
        fprintf(stderr, "%s:%u:%u: error: %s\n", strcmp(trace, "-") == 0 ? CS_LOAD_STDIN : trace, err.pos.line,
                err.pos.col, err.message);
        cs_scenario_free(sc);
        return 2;
    }
    cs_expectations *x = cs_expectations_new(sc);
    for (size_t i = 0; i < n; i++) {
        double t0 = cs_report_clock();
        cs_report_entry r = {
            .file = scenario, .name = cs_xstrdup(sc->program->name), .backend = runs[i].outcome->backend};
        cs__vt_check(sc, x, &runs[i], opt->strict, &r);
        r.replay = cs_xasprintf("cancelsim trace %s --findings --format json", trace);
        r.note = n > 1 ? cs_xasprintf("recorded run %zu of %zu in %s", i + 1, n, trace)
                       : cs_xasprintf("recorded in %s", trace);
        double us = (cs_report_clock() - t0) * 1e6;
        r.micros = us < 4e9 ? (uint32_t)us : UINT32_MAX;
        cs_report_add(rep, &r);
    }
    cs_expectations_free(x);
    cs_trace_runs_free(runs, n);
    cs_scenario_free(sc);
    return 0;
}
