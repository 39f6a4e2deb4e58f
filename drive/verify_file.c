/* verify_file.c - `cancelsim verify` of one file (see verify_file.h): each
 * backend runs twice (the second run only to compare traces byte for byte:
 * the nondeterminism finding), the first run's outcome and findings are
 * checked against the expectations, and on Trio every schedule is swept
 * (verify_sweep.c). */
#include "verify_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"
#include "findings.h"
#include "outcome.h"
#include "run_request.h"
#include "util.h"
#include "verify_sweep.h"

/* How FILE is named in error lines: "<stdin>" for "-" (the loader's name). */
static const char *cs__file_name(const char *file)
{
    return strcmp(file, "-") == 0 ? CS_LOAD_STDIN : file;
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

/* Runs one scenario on one backend twice (the second run only to compare
 * traces: nondeterminism), checks the outcome and the findings of the first;
 * fills the report entry. */
static void cs__verify_one(const char *file, const cs_scenario *sc, const cs_expectations *x, cs_backend b,
                           const cs_verify_options *opt, cs_report_entry *r)
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
        r->detail = v.err.pos.line ? cs_xasprintf("%s:%u:%u: %s", cs__file_name(file), v.err.pos.line, v.err.pos.col,
                                                  v.err.message)
                                   : cs_xstrdup(v.err.message);
    } else if (rc == CS_FINDINGS_E_TMPFILE) {
        r->status = CS_REPORT_ERROR;
        r->detail = cs_xstrdup("cannot create a temporary file for the trace");
    } else if (rc != CS_OK) {
        r->status = CS_REPORT_ERROR;
        r->detail = v.err.pos.line ? cs_xasprintf("%s:%u:%u: error: %s", cs__file_name(file), v.err.pos.line,
                                                  v.err.pos.col, v.err.message)
                                   : cs_xasprintf("%s: error: %s", cs__file_name(file), v.err.message);
    } else {
        if (differ)
            cs_findings_add(v.findings, CS_FINDING_NONDETERMINISM,
                            "two runs with the same backend and seed gave different traces");
        cs_xv *j = cs_outcome_xv(v.outcome, CS_OUTCOME_PART_ALL, v.findings);
        char *diff = NULL;
        r->status = cs_expect_check(x, b, j, &diff) == 0 ? CS_REPORT_PASS : CS_REPORT_FAIL;
        if (r->status == CS_REPORT_PASS && x->always) {
            /* `always` holds under every plan, the empty one included */
            char *ad = NULL;
            if (cs_expect_match(x->always, j, &ad) != 0) {
                r->status = CS_REPORT_FAIL;
                diff = cs_xasprintf("always: %s", ad ? ad : "?");
            }
            free(ad);
        }
        if (r->status == CS_REPORT_PASS && !x->has[b]) {
            r->status = opt->strict ? CS_REPORT_FAIL : CS_REPORT_SKIP;
            diff = cs_xstrdup(opt->strict ? "no expectations (--strict): the scenario states no expect, "
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
        if (b == CS_BACKEND_TRIO && opt->sweep.max_schedules)
            cs_verify_sweep_entry(file, sc, x, v.findings, &opt->sweep, r);
        cs_xv_free(j);
    }
    cs_outcome_free(v.outcome);
    cs_findings_free(v.findings);
}

void cs_verify_file(const char *file, const cs_verify_options *opt, cs_verify_result *out)
{
    memset(out, 0, sizeof *out);
    cs_scenario *sc = NULL;
    cs_load_error lerr;
    if (opt->load(file, &sc, &lerr) != 0) {
        out->v = cs_xcalloc(1, sizeof *out->v);
        out->n = 1;
        out->bad = true;
        out->v[0] = (cs_report_entry){.file = file, .status = CS_REPORT_ERROR, .name = cs_xstrdup(file)};
        out->v[0].detail = cs_xasprintf("%s:%u:%u: error: %s", lerr.path, lerr.line, lerr.col, lerr.message);
        return;
    }
    cs_expectations *x = cs_expectations_new(sc); /* parsed once for both backends */
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
        cs__verify_one(file, sc, x, bs[k], opt, r);
        double us = (cs_report_clock() - t0) * 1e6;
        r->micros = us < 4e9 ? (uint32_t)us : UINT32_MAX;
    }
    cs_expectations_free(x);
    cs_scenario_free(sc);
}
