/* test_trace_read.c - Check tests for verify/trace_read.c, the trace reader.
 *
 * The round trip: every corpus scenario on both backends is run with the
 * outcome and findings sinks and the JSONL writer; the written trace is read
 * back (cs_trace_replay) and must give the same outcome (JSON and text, byte
 * for byte), the same findings with the same details and the same explain
 * text, so the consumers need nothing but the trace.  Then pieces: exception identity by id (one
 * cs_exc per id, members and derived_from resolved), task ids from spawn
 * order, times back into whole nanoseconds, several runs in one file, and
 * malformed lines refused at the right line and column.
 *
 * Runs from the repository root (CTest sets the working directory).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "explain.h"
#include "load.h"
#include "trace_jsonl.h"
#include "trace_read.h"
#include "util.h"

#include "corpus.h"

/* The outcome's JSON and text, the findings with their details and the
 * explain text, as one string. */
static char *describe(const cs_outcome *o, const cs_findings *fd, const cs_explain *x)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    cs_outcome_write_json(o, m, 0);
    cs_outcome_write_text(o, m);
    cs_finding_kind k[CS_FINDING_COUNT];
    size_t n = cs_findings_list(fd, k);
    for (size_t i = 0; i < n; i++)
        fprintf(m, "finding %s: %s\n", cs_finding_name(k[i]), cs_findings_detail(fd, k[i]));
    cs_explain_write_text(x, NULL, m);
    fclose(m);
    return buf;
}

/* Runs path on backend b into outcome, findings and a trace; reads the trace
 * back; both descriptions must be equal.  Returns false when the run is
 * unsupported. */
static bool round_trip(const char *path, cs_backend b, size_t *nfindings, size_t *nskipped)
{
    cs_scenario *sc = NULL;
    cs_load_error lerr;
    ck_assert_msg(cs_load_file(path, &sc, &lerr) == 0, "%s: %s", path, lerr.message);
    if (sc->program->native_ops && b == CS_BACKEND_TRIO) { /* native asyncio: no Trio run to read back */
        cs_scenario_free(sc);
        *nskipped += 1;
        return false;
    }
    FILE *tf = tmpfile();
    ck_assert_ptr_nonnull(tf);
    cs_outcome *o = cs_outcome_new();
    cs_findings *fd = cs_findings_new();
    cs_explain *x = cs_explain_new();
    cs_trace_jsonl *w = cs_trace_jsonl_new(tf);
    cs_sink sinks[4] = {{cs_outcome_sink, o}, {cs_findings_sink, fd}, {cs_explain_sink, x}, {cs_trace_jsonl_sink, w}};
    cs_run_options opt;
    cs_run_options_init(&opt);
    opt.backend = b;
    opt.step_limit = 20000; /* step-limit.json: the same end, a shorter trace */
    opt.sinks = sinks;
    opt.nsinks = 4;
    cs_run_error rerr;
    memset(&rerr, 0, sizeof rerr);
    int rc = cs_run(sc->program, &opt, &rerr);
    cs_trace_jsonl_free(w);
    cs_scenario_free(sc); /* the reader must need nothing of the program */
    ck_assert_msg(rc == CS_OK || rc == CS_E_UNSUPPORTED, "%s: run failed: %s", path, rerr.message);
    if (rc == CS_OK) {
        char *want = describe(o, fd, x);
        rewind(tf);
        cs_trace_run *runs = NULL;
        size_t n = 0;
        cs_trace_read_error err;
        ck_assert_msg(cs_trace_replay(tf, &runs, &n, &err) == 0, "%s %s: %u:%u: %s", path, cs_backend_name(b),
                      err.pos.line, err.pos.col, err.message);
        ck_assert_uint_eq(n, 1);
        /* explain from the file too: read it once more into its sink */
        cs_explain *xr = cs_explain_new();
        cs_trace_reader *rd = (rewind(tf), cs_trace_reader_new(tf));
        cs_event ev;
        while (cs_trace_reader_next(rd, &ev, &err) == 1)
            cs_explain_sink(xr, &ev);
        cs_trace_reader_free(rd);
        char *got = describe(runs[0].outcome, runs[0].findings, xr);
        cs_explain_free(xr);
        ck_assert_msg(strcmp(want, got) == 0, "%s %s: read back:\n%s\nran:\n%s", path, cs_backend_name(b), got, want);
        cs_finding_kind k[CS_FINDING_COUNT];
        *nfindings += cs_findings_list(fd, k);
        free(want);
        free(got);
        cs_trace_runs_free(runs, n);
    }
    fclose(tf);
    cs_outcome_free(o);
    cs_findings_free(fd);
    cs_explain_free(x);
    return rc == CS_OK;
}

START_TEST(test_corpus_round_trip)
{
    size_t n = 0, runs = 0, findings = 0, skipped = 0;
    char **v = cs_test_corpus("scenarios", &n);
    ck_assert_uint_gt(n, 100);
    for (size_t i = 0; i < n; i++) {
        runs += round_trip(v[i], CS_BACKEND_ASYNCIO, &findings, &skipped);
        runs += round_trip(v[i], CS_BACKEND_TRIO, &findings, &skipped);
    }
    cs_test_corpus_free(v, n);
    ck_assert_uint_gt(runs, 2 * n - 20 - skipped);
    ck_assert_uint_gt(findings, 5); /* the corpus has scenarios that declare findings */
}
END_TEST

/* ---- pieces ------------------------------------------------------------- */

#define CLASSES                                                                                              \
    "\"classes\": [\"BaseException\", \"Exception\", \"ArithmeticError\", \"ZeroDivisionError\", "           \
    "\"LookupError\", \"KeyError\", \"IndexError\", \"ValueError\", \"TypeError\", \"RuntimeError\", "       \
    "\"NotImplementedError\", \"OSError\", \"ConnectionError\", \"TimeoutError\", \"KeyboardInterrupt\", "   \
    "\"SystemExit\", \"GeneratorExit\", \"BaseExceptionGroup\", \"ExceptionGroup\", \"TaskFailed\", "        \
    "\"TaskCancelled\", \"WouldBlock\", \"BrokenResourceError\", \"ClosedResourceError\", \"EndOfStream\", " \
    "\"RunFinishedError\", \"concurrent.futures.CancelledError\", \"Cancelled\", \"AppError\"]"

static const char trio_trace[] =
    "{\"seq\": 0, \"t\": 0.0, \"ev\": \"run_start\", \"scenario\": \"x\", \"backend\": \"trio\", \"seed\": 3, " CLASSES
    "}\n"
    "{\"seq\": 1, \"t\": 0.0, \"ev\": \"task_spawn\", \"task\": \"main\", \"parent\": null}\n"
    "{\"seq\": 2, \"t\": 0.0, \"ev\": \"scope_enter\", \"scope\": \"tg\", \"scope_id\": 0, \"kind\": \"task_group\", "
    "\"task\": \"main\", \"deadline\": \"inf\", \"shield\": false}\n"
    "{\"seq\": 3, \"t\": 0.0, \"ev\": \"task_spawn\", \"task\": \"a\", \"parent\": \"main\", \"group\": \"tg\", \"group_id\": 0}\n"
    "{\"seq\": 4, \"t\": 0.1, \"ev\": \"raise\", \"task\": \"a\", \"exception\": {\"type\": \"AppError\", \"message\": \"x\", \"id\": 1}, \"line\": 3, \"col\": 9}\n"
    "{\"seq\": 5, \"t\": 0.1, \"ev\": \"task_end\", \"task\": \"a\", \"state\": \"failed\", \"exception\": {\"type\": \"AppError\", \"message\": \"x\", \"id\": 1}}\n"
    "{\"seq\": 6, \"t\": 0.3, \"ev\": \"scope_exit\", \"scope\": \"tg\", \"scope_id\": 0, \"cancel_called\": true, "
    "\"cancelled_caught\": false, \"deadline\": \"inf\", \"shield\": false, \"exception\": {\"type\": \"ExceptionGroup\", "
    "\"message\": \"m\", \"id\": 3, \"exceptions\": [{\"type\": \"AppError\", \"message\": \"x\", \"id\": 1}], "
    "\"derived_from\": {\"type\": \"BaseExceptionGroup\", \"message\": \"m\", \"id\": 2, \"exceptions\": "
    "[{\"type\": \"AppError\", \"message\": \"x\", \"id\": 1}, {\"type\": \"Cancelled\", \"message\": \"c\", \"id\": 4}]}}}\n"
    "{\"seq\": 7, \"t\": 1.000000001, \"ev\": \"run_end\", \"result\": \"limit\", \"limit\": \"steps\"}\n";

START_TEST(test_events_and_identity)
{
    FILE *f = fmemopen((void *)trio_trace, sizeof trio_trace - 1, "r");
    cs_trace_reader *r = cs_trace_reader_new(f);
    cs_trace_read_error err;
    cs_event ev[8];
    cs_exc *first = NULL;
    for (int i = 0; i < 8; i++) {
        ck_assert_int_eq(cs_trace_reader_next(r, &ev[i], &err), 1);
        ck_assert_uint_eq(ev[i].seq, (uint64_t)i);
        if (i == 4)
            first = ev[i].exc;
        if (i == 5)
            ck_assert_ptr_eq(ev[i].exc, first); /* the same id is the same exception */
        if (i == 6) {
            const cs_exc *g = ev[i].exc;
            ck_assert_int_eq(g->cls, CS_EXC_EXCEPTION_GROUP);
            ck_assert_ptr_eq(g->members[0], first);
            ck_assert_uint_eq(g->derived_from->id, 2);
            ck_assert_int_eq(g->derived_from->members[1]->cls, CS_EXC_CANCELLED);
            ck_assert_int_eq(ev[i].task, 0); /* the host, from scope_enter */
            ck_assert_int_eq(ev[i].scope_kind, CS_KIND_TASK_GROUP);
        }
    }
    ck_assert_int_eq(ev[0].backend, CS_BACKEND_TRIO);
    ck_assert_uint_eq(ev[0].seed, 3);
    ck_assert_int_eq(ev[3].task, 1);
    ck_assert_int_eq(ev[3].parent, 0);
    ck_assert_int_eq(ev[3].group, 0);
    ck_assert_uint_eq(ev[4].pos.line, 3);
    ck_assert_uint_eq(ev[4].pos.col, 9);
    ck_assert_int_eq(ev[4].exc->cls, CS_EXC_BUILTIN_COUNT); /* AppError */
    ck_assert_int_eq(ev[7].t, 1000000001);
    ck_assert_int_eq(ev[7].result, CS_RESULT_LIMIT_STEPS);
    ck_assert(isinf(ev[2].deadline));
    ck_assert_int_eq(cs_trace_reader_next(r, &ev[0], &err), 0);
    cs_trace_reader_free(r);
    fclose(f);
}
END_TEST

/* Two runs in one file (run --backend both --trace): two outcomes. */
START_TEST(test_two_runs)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    fputs(trio_trace, m);
    fputs(trio_trace, m);
    fclose(m);
    FILE *f = fmemopen(text, len, "r");
    cs_trace_run *runs;
    size_t n;
    cs_trace_read_error err;
    ck_assert_int_eq(cs_trace_replay(f, &runs, &n, &err), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(cs_outcome_task_name(runs[1].outcome, 1), "a");
    ck_assert_int_eq(cs_outcome_task_exc(runs[1].outcome, &runs[1].outcome->tasks[1])->cls, CS_EXC_BUILTIN_COUNT);
    cs_trace_runs_free(runs, n);
    fclose(f);
    free(text);
}
END_TEST

/* A malformed line: the error's line, column and message. */
static void refused(const char *text, uint32_t line, uint32_t col, const char *needle)
{
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    cs_trace_run *runs;
    size_t n;
    cs_trace_read_error err;
    ck_assert_int_eq(cs_trace_replay(f, &runs, &n, &err), -1);
    fclose(f);
    ck_assert_msg(err.pos.line == line && err.pos.col == col && strstr(err.message, needle),
                  "got %u:%u: %s; want %u:%u: ...%s...", err.pos.line, err.pos.col, err.message, line, col, needle);
}

START_TEST(test_refused)
{
    static const char start[] =
        "{\"seq\": 0, \"t\": 0.0, \"ev\": \"run_start\", \"backend\": \"trio\", \"seed\": 0, " CLASSES "}\n";
    char buf[4096];
    refused("", 1, 1, "no run_start");
    refused("{\"seq\": 0, \"t\": 0.0, \"ev\": \"wake\", \"task\": \"m\"}\n", 1, 1, "before any run_start");
    snprintf(buf, sizeof buf, "%s{\"seq\": 1, \"t\": 0.5, \"ev\": \"task_start\", \"task\": \"m\"}\n", start);
    refused(buf, 2, 50, "names no task");
    snprintf(buf, sizeof buf,
             "%s{\"seq\": 1, \"t\": 0.5, \"ev\": \"task_spawn\", \"task\": \"m\", \"parent\": null, \"k\": 1}\n",
             start);
    refused(buf, 2, 76, "no field \"k\"");
    snprintf(buf, sizeof buf,
             "%s{\"seq\": 1, \"t\": 0.1234567891, \"ev\": \"task_spawn\", \"task\": \"m\", \"parent\": null}\n", start);
    refused(buf, 2, 17, "whole number of nanoseconds");
    snprintf(buf, sizeof buf,
             "%s{\"seq\": 1, \"t\": 0.0, \"ev\": \"task_spawn\", \"task\": \"m\", \"parent\": null}\n"
             "{\"seq\": 2, \"t\": 0.0, \"ev\": \"raise\", \"task\": \"m\", \"exception\": "
             "{\"type\": \"ValueError\", \"message\": \"v\", \"id\": 1, \"exceptions\": []}}\n",
             start);
    refused(buf, 3, 63, "only a group");
    refused("{\"seq\": 0,\n", 1, 10, "expected");
}
END_TEST

static Suite *cs_trace_read_suite(void)
{
    Suite *s = suite_create("trace_read");
    TCase *tc = tcase_create("pieces");
    tcase_add_test(tc, test_events_and_identity);
    tcase_add_test(tc, test_two_runs);
    tcase_add_test(tc, test_refused);
    suite_add_tcase(s, tc);
    tc = tcase_create("corpus");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_corpus_round_trip);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(cs_trace_read_suite());
    srunner_run_all(sr, CK_NORMAL);
    int run = srunner_ntests_run(sr);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    printf("trace_read: %d passed, %d failed\n", run - failed, failed);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
