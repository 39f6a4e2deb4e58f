/* test_portal_fix.c - issue 26's portal leftovers: a portal call's task has
 * its own id and AnyIO's name (PORTAL_TASK), its checkpoints are its own and
 * its log lines its caller's; future.cancel() of a running task lands through
 * the loop (the task may run on first); two threads wait on one future; the
 * named values of a worker thread's function. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "flow.h"
#include "load.h"
#include "run_json.h"

/* What the tests read from a run's events. */
typedef struct rec {
    int32_t portal_task, portal_parent, checkpoint_task, log_task;
    char portal_name[128];
    char logs[512]; /* every log line, joined by '|' */
    int thread_ends_ok;
} rec;

static void rec_sink(void *p, const cs_event *ev)
{
    rec *r = p;
    switch (ev->kind) {
    case CS_EV_PORTAL_TASK:
        r->portal_task = ev->task;
        r->portal_parent = ev->parent;
        snprintf(r->portal_name, sizeof r->portal_name, "%s", ev->name);
        break;
    case CS_EV_CHECKPOINT:
        if (ev->label && strcmp(ev->label, "sleep") == 0)
            r->checkpoint_task = ev->task;
        break;
    case CS_EV_LOG:
        r->log_task = ev->task;
        strncat(r->logs, ev->msg, sizeof r->logs - strlen(r->logs) - 2);
        strcat(r->logs, "|");
        break;
    case CS_EV_THREAD_END: r->thread_ends_ok += ev->exc == NULL; break;
    default: break;
    }
}

static rec run_text(const char *text, int backend)
{
    cs_scenario *sc = cs_test_load(text);
    rec r = {.portal_task = -1, .portal_parent = -1, .checkpoint_task = -1, .log_task = -1};
    cs_test_run_sink(sc->program, (cs_backend)backend, rec_sink, &r);
    cs_scenario_free(sc);
    return r;
}

START_TEST(test_portal_task_own_id)
{
    for (int b = 0; b < 2; b++) {
        rec r = run_text("{\"main\": [{\"blocking_portal\": \"p\", \"body\": [{\"to_thread\": [{\"portal_call\": "
                         "\"p\", \"body\": [{\"sleep\": 1}, {\"log\": \"in call\"}]}]}]}]}",
                         b);
        ck_assert_int_ge(r.portal_task, 1);
        ck_assert_int_eq(r.portal_parent, 0); /* main called to_thread */
        ck_assert_str_eq(r.portal_name, "anyio.from_thread.BlockingPortal._call_func");
        ck_assert_int_eq(r.checkpoint_task, r.portal_task); /* its own checkpoints */
        ck_assert_int_eq(r.log_task, 0);                    /* its log lines: the caller's */
        r = run_text(
            "{\"main\": [{\"blocking_portal\": \"p\", \"body\": [{\"to_thread\": [{\"portal_start_task_soon\": "
            "\"p\", \"future\": \"f\", \"name\": \"job\", \"body\": []}, {\"future_result\": \"f\"}]}]}]}",
            b);
        ck_assert_str_eq(r.portal_name, "job"); /* str(name) */
    }
}
END_TEST

/* The task f is made runnable by the call's event; the thread's cancel()
 * waits for the loop to run scope.cancel(), after f's step. */
START_TEST(test_cancel_lands_later)
{
    rec r =
        run_text("{\"events\": [\"go\"], \"main\": [{\"blocking_portal\": \"p\", \"body\": [{\"try\": "
                 "[{\"to_thread\": [{\"portal_start_task_soon\": \"p\", \"future\": \"f\", \"body\": [{\"wait\": "
                 "\"go\"}, {\"log\": \"f\"}, {\"sleep\": 1}]}, {\"block\": 1}, {\"portal_call\": \"p\", \"body\": "
                 "[{\"set\": \"go\"}]}, {\"future_cancel\": \"f\"}, {\"log\": \"t\"}, {\"future_result\": \"f\"}]}], "
                 "\"except\": [{\"match\": \"Exception\", \"body\": []}]}]}]}",
                 0);
    ck_assert_str_eq(r.logs, "f|t|");
}
END_TEST

START_TEST(test_two_waiters)
{
    for (int b = 0; b < 2; b++) {
        rec r = run_text(
            "{\"main\": [{\"blocking_portal\": \"p\", \"body\": [{\"task_group\": \"g\", \"body\": [{\"start_soon\": "
            "\"a\", \"body\": [{\"to_thread\": [{\"portal_start_task_soon\": \"p\", \"future\": \"f\", \"body\": "
            "[{\"sleep\": 1}, {\"return\": 5}]}, {\"future_result\": \"f\", \"as\": \"v\"}, {\"print\": [\"a\", "
            "{\"name\": \"v\"}]}]}]}, {\"start_soon\": \"b\", \"body\": [{\"sleep\": 0.5}, {\"to_thread\": "
            "[{\"future_result\": \"f\", \"as\": \"v\"}, {\"block\": 0.5}, {\"print\": [\"b\", {\"name\": "
            "\"v\"}]}]}]}]}]}]}",
            b);
        ck_assert_int_eq(r.thread_ends_ok, 2);
        ck_assert_str_eq(r.logs, "a 5|b 5|");
    }
}
END_TEST

/* The thread's steps are a function of their own: one local, bound by the
 * call's `as`, returned to the task's `as`. */
START_TEST(test_thread_values)
{
    const char *text = "{\"main\": [{\"blocking_portal\": \"p\", \"body\": [{\"to_thread\": [{\"portal_call\": \"p\", "
                       "\"as\": \"v\", \"body\": [{\"return\": [1, \"x\"]}]}, {\"return_value\": \"v\"}], \"as\": "
                       "\"r\"}, {\"print\": [{\"name\": \"r\"}]}]}]}";
    cs_scenario *sc = cs_test_load(text);
    const cs_stmt *tt = &sc->program->main.items[0].body.items[0];
    ck_assert_int_eq(tt->op, CS_OP_TO_THREAD);
    ck_assert_ptr_nonnull(tt->flow);
    ck_assert_uint_eq(tt->flow->nslots, 1);
    ck_assert_int_eq(tt->body.items[0].flow->as_slot, 0);
    cs_scenario_free(sc);
    for (int b = 0; b < 2; b++)
        ck_assert_str_eq(run_text(text, b).logs, "[1, 'x']|");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("portal_fix");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_portal_task_own_id);
    tcase_add_test(tc, test_cancel_lands_later);
    tcase_add_test(tc, test_two_waiters);
    tcase_add_test(tc, test_thread_values);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
