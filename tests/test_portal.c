/* test_portal.c - blocking portals (issue 26): the loader's name tables
 * (portals and futures, their own namespaces resolved into `ref`/`count`), and
 * what a portal call's thread gets on each backend (read from the trace): the
 * call's exception, RuntimeError after stop(), and
 * concurrent.futures.CancelledError for a call whose task was cancelled. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "load.h"
#include "run_json.h"

/* Two portals and a future: each statement names its portal by index. */
START_TEST(test_names)
{
    cs_scenario *sc =
        cs_test_load("{\"main\": [{\"blocking_portal\": \"a\", \"body\": [{\"blocking_portal\": \"b\", \"body\": ["
                     "{\"to_thread\": [{\"portal_start_task_soon\": \"a\", \"future\": \"f\", \"body\": []},"
                     "{\"future_result\": \"f\"}, {\"portal_call\": \"b\", \"body\": []}]},"
                     "{\"portal_stop\": \"a\", \"cancel_remaining\": true}]}]}]}");
    const cs_program *p = sc->program;
    ck_assert_uint_eq(p->nportals, 2);
    ck_assert_uint_eq(p->nfutures, 1);
    ck_assert_str_eq(p->portals[0], "a");
    ck_assert_str_eq(p->futures[0], "f");
    const cs_stmt *outer = &p->main.items[0], *inner = &outer->body.items[0];
    ck_assert_int_eq(outer->op, CS_OP_BLOCKING_PORTAL);
    ck_assert_int_eq(outer->ref, 0);
    ck_assert_int_eq(inner->ref, 1);
    const cs_stmt *steps = inner->body.items[0].body.items;
    ck_assert_int_eq(steps[0].op, CS_OP_PORTAL_START_TASK_SOON);
    ck_assert_int_eq(steps[0].ref, 0);
    ck_assert_int_eq(steps[0].count, 0);
    ck_assert_int_eq(steps[1].op, CS_OP_FUTURE_RESULT);
    ck_assert_int_eq(steps[1].ref, 0);
    ck_assert_int_eq(steps[2].ref, 1);
    const cs_stmt *stop = &inner->body.items[1];
    ck_assert_int_eq(stop->op, CS_OP_PORTAL_STOP);
    ck_assert(stop->shield); /* cancel_remaining */
    cs_scenario_free(sc);
}
END_TEST

/* portal_with is flattened into its thread's steps: enter, the body, the
 * exit call (running the cm's event.set), the result; its future follows the
 * named ones. */
START_TEST(test_with_flattened)
{
    cs_scenario *sc = cs_test_load("{\"functions\": {\"cm\": {\"body\": [{\"yield\": null}]}}, \"main\": ["
                                   "{\"blocking_portal\": \"p\", \"body\": [{\"to_thread\": [{\"portal_with\": "
                                   "\"p\", \"manager\": \"cm\", \"body\": [{\"block\": 1}]}, {\"log\": \"x\"}]}]}]}");
    const cs_program *p = sc->program;
    ck_assert_uint_eq(p->nwiths, 1);
    ck_assert_uint_eq(p->nfutures, 0);
    const cs_body *steps = &p->main.items[0].body.items[0].body;
    ck_assert_uint_eq(steps->n, 5);
    static const cs_op ops[] = {CS_OP_PORTAL_WITH, CS_OP_BLOCK, CS_OP_PORTAL_CALL, CS_OP_PORTAL_WITH_RESULT, CS_OP_LOG};
    for (uint32_t i = 0; i < 5; i++)
        ck_assert_int_eq(steps->items[i].op, ops[i]);
    ck_assert_int_eq(steps->items[0].decl, 2); /* where __exit__ begins */
    ck_assert_int_eq(steps->items[0].else_body.items[0].op, CS_OP_ASYNC_WITH);
    ck_assert_int_eq(steps->items[2].body.items[0].op, CS_OP_PORTAL_CM_SET);
    ck_assert_int_eq(steps->items[2].ref, 0);
    cs_scenario_free(sc);
}
END_TEST

static void cs_thread_end_sink(void *p, const cs_event *ev)
{
    int32_t *cls = p;
    if (ev->kind == CS_EV_THREAD_END)
        *cls = ev->exc ? ev->exc->cls : -1;
}

/* The class the (one) worker thread ended with on backend b, -1 for none. */
static int32_t cs_thread_exc(const char *text, int b)
{
    cs_scenario *sc = cs_test_load(text);
    int32_t cls = -2;
    cs_test_run_sink(sc->program, (cs_backend)b, cs_thread_end_sink, &cls);
    cs_scenario_free(sc);
    return cls;
}

START_TEST(test_call_outcomes)
{
    static const struct {
        const char *text;
        int32_t cls;
    } cases[] = {
        {"{\"main\": [{\"blocking_portal\": \"p\", \"body\": [{\"to_thread\": [{\"portal_call\": \"p\", \"body\": "
         "[{\"sleep\": 1}]}]}]}]}",
         -1},
        {"{\"main\": [{\"blocking_portal\": \"p\", \"body\": [{\"try\": [{\"to_thread\": [{\"portal_call\": \"p\", "
         "\"body\": [{\"raise\": \"KeyError\"}]}]}], \"except\": [{\"match\": \"KeyError\", \"body\": []}]}]}]}",
         CS_EXC_KEY_ERROR},
        {"{\"main\": [{\"blocking_portal\": \"p\", \"body\": [{\"portal_stop\": \"p\"}, {\"try\": [{\"to_thread\": "
         "[{\"portal_call\": \"p\", \"body\": []}]}], \"except\": [{\"match\": \"RuntimeError\", \"body\": []}]}]}]}",
         CS_EXC_RUNTIME_ERROR},
        {"{\"main\": [{\"move_on_after\": 1, \"body\": [{\"blocking_portal\": \"p\", \"body\": [{\"try\": "
         "[{\"to_thread\": [{\"portal_call\": \"p\", \"body\": [{\"sleep\": 5}]}]}], \"except\": [{\"match\": "
         "\"Exception\", \"body\": []}]}]}]}]}",
         CS_EXC_FUTURE_CANCELLED},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (int b = 0; b < 2; b++)
            ck_assert_msg(cs_thread_exc(cases[i].text, b) == cases[i].cls, "case %zu on backend %d", i, b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("portal");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_call_outcomes);
    tcase_add_test(tc, test_with_flattened);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
