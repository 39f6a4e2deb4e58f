/* test_sync_main.c - issue 26's start_blocking_portal from a synchronous main:
 * how the loader flattens "sync_main" (main becomes run_portal, the sync main
 * the first plain thread, MainThread, with the with's exit steps), what it
 * refuses, and what a run gives: main()'s result as the run's, the body's
 * exception raised again after the join, the exit's stop(cancel_remaining)
 * and the ignored RuntimeError of a second stop. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "fault.h"
#include "load.h"
#include "run_json.h"

static const char *const cs_fixture =
    "{\"sync_main\": [{\"log\": \"before\"}, {\"start_blocking_portal\": \"p\", \"body\": ["
    "{\"portal_call\": \"p\", \"body\": [{\"sleep\": 1}]}, {\"log\": \"in with\"}]},"
    " {\"log\": \"after\"}, {\"return\": 7}]}";

START_TEST(test_loaded)
{
    cs_scenario *sc = cs_test_load(cs_fixture);
    const cs_program *p = sc->program;
    /* main: async with BlockingPortal() as p: await p.sleep_until_stopped() */
    ck_assert_uint_eq(p->main.n, 1);
    ck_assert_int_eq(p->main.items[0].op, CS_OP_BLOCKING_PORTAL);
    ck_assert_ptr_eq(p->sync_portal, &p->main.items[0]);
    ck_assert_int_eq(p->main.items[0].body.items[0].op, CS_OP_SBP_WAIT_STOPPED);
    ck_assert_uint_eq(p->nportals, 1);
    /* MainThread: log, ENTER, call, log, EXIT_NORMAL, stop(False), SKIP, stop(True), JOIN, log, return */
    ck_assert_uint_eq(p->nplain_threads, 1);
    const cs_stmt *th = &p->plain_threads[0];
    ck_assert_str_eq(th->name, "MainThread");
    ck_assert_uint_eq(th->body.n, 11);
    static const int ops[] = {CS_OP_LOG,      CS_OP_SBP_STEP,    CS_OP_PORTAL_CALL, CS_OP_LOG,
                              CS_OP_SBP_STEP, CS_OP_PORTAL_STOP, CS_OP_SBP_STEP,    CS_OP_PORTAL_STOP,
                              CS_OP_SBP_STEP, CS_OP_LOG,         CS_OP_RETURN};
    for (uint32_t i = 0; i < 11; i++)
        ck_assert_int_eq(th->body.items[i].op, ops[i]);
    ck_assert(!th->body.items[5].shield && th->body.items[7].shield);
    ck_assert_int_eq(th->body.items[8].count, CS__SBP_JOIN);
    cs_scenario_free(sc);
}
END_TEST

START_TEST(test_refused)
{
    static const char *const bad[][2] = {
        {"{\"main\": [], \"sync_main\": [{\"start_blocking_portal\": \"p\", \"body\": []}]}", "either 'main'"},
        {"{\"sync_main\": [{\"log\": \"x\"}]}", "needs a start_blocking_portal"},
        {"{\"sync_main\": [{\"start_blocking_portal\": \"p\", \"body\": []}, {\"start_blocking_portal\": \"q\", "
         "\"body\": []}]}",
         "a second start_blocking_portal"},
        {"{\"sync_main\": [{\"start_blocking_portal\": \"p\", \"body\": [{\"start_blocking_portal\": \"q\", "
         "\"body\": []}]}]}",
         "only modelled among sync_main"},
        {"{\"sync_main\": [{\"block\": 1}, {\"start_blocking_portal\": \"p\", \"body\": []}]}", "'block' outside"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cs_load_error err = cs_test_load_error(bad[i][0]);
        ck_assert_msg(strstr(err.message, bad[i][1]) != NULL, "%zu: %s", i, err.message);
    }
}
END_TEST

/* main() returns 7 at 1 s; the loop's main task completed then; MainThread's
 * lines name it, its call's too. */
START_TEST(test_returns)
{
    for (int b = 0; b < 2; b++) {
        json_t *j = cs_test_run_on(cs_fixture, (cs_backend)b, NULL);
        json_t *r = json_object_get(j, "result");
        ck_assert_int_eq(json_integer_value(json_object_get(r, "returned")), 7);
        ck_assert_double_eq(json_number_value(json_object_get(j, "end_time")), 1.0);
        json_t *m = json_object_get(json_object_get(j, "tasks"), "main");
        ck_assert_str_eq(json_string_value(json_object_get(m, "state")), "completed");
        static const char *const want[] = {"before", "in with", "after", NULL};
        cs_test_log_starts(j, want);
        ck_assert_str_eq(json_string_value(json_object_get(cs_test_log_line(j, 2), "task")), "MainThread");
        json_decref(j);
    }
}
END_TEST

/* The body raises after the portal stopped itself: the exit's stop raises
 * RuntimeError (ignored, a catch, no lost exception), then the body's error
 * is main()'s. */
START_TEST(test_body_raises_after_stop)
{
    const char *text = "{\"exceptions\": {\"AppError\": \"Exception\"}, \"sync_main\": ["
                       "{\"start_blocking_portal\": \"p\", \"body\": [{\"portal_stop\": \"p\"}, "
                       "{\"raise\": \"AppError\", \"message\": \"boom\"}]}, {\"log\": \"never\"}]}";
    for (int b = 0; b < 2; b++) {
        cs_findings *f = cs_findings_new();
        json_t *j = cs_test_run_on(text, (cs_backend)b, f);
        json_t *x = json_object_get(json_object_get(j, "result"), "raised");
        ck_assert_str_eq(json_string_value(json_object_get(x, "type")), "AppError");
        ck_assert_uint_eq(json_array_size(json_object_get(j, "log")), 0);
        cs_finding_kind kinds[CS_FINDING_COUNT];
        ck_assert_uint_eq(cs_findings_list(f, kinds), 0);
        cs_findings_free(f);
        json_decref(j);
    }
}
END_TEST

/* inject: the call's task (AnyIO's name for it) is a fault target; its first
 * checkpoint is the call's sleep, failing the call and main(). */
START_TEST(test_fault_in_main_thread)
{
    cs_scenario *sc = cs_test_load(cs_fixture);
    cs_plan plan;
    char err[256];
    ck_assert_int_eq(
        cs_plan_parse(sc->program, "fail:anyio.from_thread.BlockingPortal._call_func@1", &plan, err, sizeof err), 0);
    cs_outcome *o = cs_outcome_new();
    cs_sink sink = {cs_outcome_sink, o};
    cs_run_options opt;
    cs_run_options_init(&opt);
    opt.sinks = &sink;
    opt.nsinks = 1;
    opt.faults = plan.v;
    opt.nfaults = plan.n;
    cs_run_error rerr;
    ck_assert_int_eq(cs_run(sc->program, &opt, &rerr), CS_OK);
    json_t *j = cs_outcome_to_json(o);
    json_t *x = json_object_get(json_object_get(j, "result"), "raised");
    ck_assert_str_eq(json_string_value(json_object_get(x, "message")), "injected");
    json_decref(j);
    cs_outcome_free(o);
    cs_plan_free(&plan);
    cs_scenario_free(sc);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sync_main");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_loaded);
    tcase_add_test(tc, test_refused);
    tcase_add_test(tc, test_returns);
    tcase_add_test(tc, test_body_raises_after_stop);
    tcase_add_test(tc, test_fault_in_main_thread);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
