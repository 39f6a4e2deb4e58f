/* test_scope_manual.c - Check tests for cancel scopes entered and exited by
 * hand (sim/core/scope_manual.c, each room's scope_exit_misuse): AnyIO's
 * asyncio refusals that change nothing, Trio's misnested exit that closes
 * the scope anyway, a task's record when its TaskHandle scope's exit fails,
 * the loader's rule and the cross_task_scope_exit finding.  Expected values
 * come from real AnyIO 4.14.2 (tools/reference_ext/scope_misuse.py;
 * scenarios/generators/scope-*.json). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_json.h"

static const char *const wrong_order = "{\"main\": [{\"scope_enter\": \"a\"}, {\"scope_enter\": \"b\"}, "
                                       "{\"scope_exit\": \"a\"}]}";

START_TEST(wrong_order_per_backend)
{
    json_t *a = cs_test_run_on(wrong_order, CS_BACKEND_ASYNCIO, NULL),
           *t = cs_test_run_on(wrong_order, CS_BACKEND_TRIO, NULL);
    ck_assert_str_eq(cs_test_raised(a, "type"), "RuntimeError");
    ck_assert_str_eq(cs_test_raised(a, "message"),
                     "Attempted to exit a cancel scope that isn't the current tasks's current cancel scope");
    ck_assert_str_eq(cs_test_raised(t, "type"), "RuntimeError");
    ck_assert_str_eq(cs_test_raised(t, "message"),
                     "Cancel scope stack corrupted: attempted to exit <trio.CancelScope at 0x?, active> in <Task "
                     "'main'> that's still within its child <trio.CancelScope at 0x?, active>");
    json_decref(a);
    json_decref(t);
}
END_TEST

/* asyncio's refusal changes nothing: b, then a, exit in order afterwards */
START_TEST(asyncio_refusal_changes_nothing)
{
    json_t *a =
        cs_test_run_on("{\"main\": [{\"scope_enter\": \"a\"}, {\"scope_enter\": \"b\"}, {\"try\": [{\"scope_exit\": "
                       "\"a\"}], \"except\": [{\"match\": \"RuntimeError\", \"body\": [{\"log\": \"refused\"}]}]}, "
                       "{\"scope_exit\": \"b\"}, {\"scope_exit\": \"a\"}, {\"log\": \"end\"}]}",
                       CS_BACKEND_ASYNCIO, NULL);
    ck_assert_str_eq(cs_test_log_msg(a, 0), "refused");
    ck_assert_str_eq(cs_test_log_msg(a, 1), "end");
    json_decref(a);
}
END_TEST

/* a task's record is how its body ended, though its TaskHandle scope's exit
 * then raises into the group */
START_TEST(left_open_in_task)
{
    const char *text = "{\"main\": [{\"task_group\": \"tg\", \"body\": [{\"start_soon\": \"leaky\", \"body\": "
                       "[{\"scope_enter\": \"s\"}]}]}]}";
    for (int b = 0; b < 2; b++) {
        json_t *j = cs_test_run_on(text, b ? CS_BACKEND_TRIO : CS_BACKEND_ASYNCIO, NULL);
        ck_assert_str_eq(cs_test_task_state(j, "leaky"), "completed");
        ck_assert_str_eq(cs_test_raised(j, "type"), "ExceptionGroup");
        json_decref(j);
    }
}
END_TEST

START_TEST(cross_task_finding)
{
    const char *other = "{\"events\": [\"e\"], \"main\": [{\"task_group\": \"tg\", \"body\": [{\"start_soon\": \"a\", "
                        "\"body\": [{\"scope_enter\": \"s\"}, {\"set\": \"e\"}, {\"sleep\": 5}]}, {\"start_soon\": "
                        "\"b\", \"body\": [{\"wait\": \"e\"}, {\"scope_exit\": \"s\"}]}]}]}";
    const char *same = "{\"main\": [{\"scope_enter\": \"s\"}, {\"scope_exit\": \"s\"}]}";
    for (int b = 0; b < 2; b++) {
        cs_backend be = b ? CS_BACKEND_TRIO : CS_BACKEND_ASYNCIO;
        cs_findings *f = cs_findings_new();
        json_decref(cs_test_run_on(other, be, f));
        ck_assert(cs_findings_has(f, CS_FINDING_CROSS_TASK_SCOPE_EXIT));
        ck_assert(strstr(cs_findings_detail(f, CS_FINDING_CROSS_TASK_SCOPE_EXIT), "task 'b' exits") != NULL);
        cs_findings_free(f);
        f = cs_findings_new();
        json_decref(cs_test_run_on(same, be, f));
        ck_assert(!cs_findings_has(f, CS_FINDING_CROSS_TASK_SCOPE_EXIT));
        cs_findings_free(f);
    }
}
END_TEST

START_TEST(loader_rule)
{
    const char *text = "{\"main\": [{\"cancel_scope\": \"s\", \"body\": []}, {\"scope_exit\": \"s\"}]}";
    cs_load_error err = cs_test_load_error(text);
    ck_assert_msg(strstr(err.message, "is not a scope entered by 'scope_enter'") != NULL, "got: %s", err.message);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("scope_manual");
    TCase *tc = tcase_create("scope_manual");
    tcase_add_test(tc, wrong_order_per_backend);
    tcase_add_test(tc, asyncio_refusal_changes_nothing);
    tcase_add_test(tc, left_open_in_task);
    tcase_add_test(tc, cross_task_finding);
    tcase_add_test(tc, loader_rule);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
