/* test_native.c - Check tests for native asyncio inside AnyIO code
 * (sim/asyncio/native_task.c, native_timeout.c, the counts in task.c and
 * scope.c, and the loader's refusal on Trio).  Expected values come from
 * real AnyIO 4.14.2 on CPython 3.11.7 (tools/reference_ext/native_asyncio.py;
 * the scenarios of scenarios/asyncio_native/ named below). */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "run_json.h"

/* Runs `text` on asyncio and returns the outcome as JSON (new reference). */
static json_t *run_json(const char *text)
{
    return cs_test_run_on(text, CS_BACKEND_ASYNCIO, NULL);
}

/* await-in-cancelled-scope-cancels-task: the scope cancels t through the
 * awaiter (one request on t) and uncancels its own request of main. */
START_TEST(scope_cancels_awaited_native_task)
{
    json_t *j = run_json("{\"backends\":[\"asyncio\"],\"main\":["
                         "{\"asyncio_create_task\":\"t\",\"body\":[{\"sleep\":1}]},"
                         "{\"move_on_after\":0.5,\"body\":[{\"asyncio_await\":\"t\"}]},"
                         "{\"asyncio_probe\":\"cancelling\",\"task\":\"t\"},"
                         "{\"asyncio_probe\":\"cancelling\"},"
                         "{\"asyncio_probe\":\"cancelled\",\"task\":\"t\"}]}");
    ck_assert_str_eq(cs_test_log_msg(j, 0), "t.cancelling");
    ck_assert(json_number_value(json_object_get(cs_test_log_line(j, 0), "value")) == 1);
    ck_assert(json_number_value(json_object_get(cs_test_log_line(j, 1), "value")) == 0);
    ck_assert(json_is_true(json_object_get(cs_test_log_line(j, 2), "value")));
    ck_assert_ptr_null(cs_test_raised(j, "type"));
    json_decref(j);
}
END_TEST

/* scope-and-timeout-same-instant-scope-outer: the scope's timer fires first,
 * the timeout leaves the CancelledError alone, the scope swallows it. */
START_TEST(scope_first_beats_timeout)
{
    json_t *j = run_json("{\"backends\":[\"asyncio\"],\"main\":["
                         "{\"move_on_after\":1,\"body\":[{\"asyncio_timeout\":1,\"body\":[{\"sleep\":5}]}]},"
                         "{\"asyncio_probe\":\"cancelling\"}]}");
    ck_assert_ptr_null(cs_test_raised(j, "type"));
    ck_assert(json_number_value(json_object_get(cs_test_log_line(j, 0), "value")) == 0);
    json_decref(j);
}
END_TEST

/* timeout-uncaught: TimeoutError out of asyncio.timeout(1) at t=1. */
START_TEST(timeout_raises_timeout_error)
{
    json_t *j = run_json("{\"backends\":[\"asyncio\"],\"main\":["
                         "{\"asyncio_timeout\":1,\"body\":[{\"sleep\":5}]}]}");
    ck_assert_str_eq(cs_test_raised(j, "type"), "TimeoutError");
    ck_assert(json_number_value(json_object_get(j, "end_time")) == 1);
    json_decref(j);
}
END_TEST

/* swallowed-in-native-task-not-redelivered: t.cancel() is edge-triggered. */
START_TEST(native_cancel_is_edge_triggered)
{
    json_t *j = run_json("{\"backends\":[\"asyncio\"],\"main\":["
                         "{\"asyncio_create_task\":\"t\",\"body\":[{\"try\":[{\"sleep\":5}],\"except\":"
                         "[{\"match\":\"Cancelled\",\"body\":[]}]},{\"sleep\":1},{\"log\":\"done\"}]},"
                         "{\"sleep\":1},{\"asyncio_cancel\":\"t\"},{\"asyncio_await\":\"t\"}]}");
    ck_assert_str_eq(cs_test_log_msg(j, 0), "done");
    ck_assert(json_number_value(json_object_get(j, "end_time")) == 2);
    json_decref(j);
}
END_TEST

/* wait-for-timeout / wait-for-inner-swallows: 3.11's wait_for raises
 * TimeoutError only when the inner task ends cancelled. */
START_TEST(wait_for_timeout_and_swallow)
{
    json_t *j = run_json("{\"backends\":[\"asyncio\"],\"main\":["
                         "{\"wait_for\":\"w\",\"timeout\":1,\"body\":[{\"sleep\":5}]}]}");
    ck_assert_str_eq(cs_test_raised(j, "type"), "TimeoutError");
    ck_assert(json_number_value(json_object_get(j, "end_time")) == 1);
    json_decref(j);
    j = run_json("{\"backends\":[\"asyncio\"],\"main\":["
                 "{\"wait_for\":\"w\",\"timeout\":1,\"body\":[{\"try\":[{\"sleep\":5}],\"except\":"
                 "[{\"match\":\"Cancelled\",\"body\":[]}]}]}]}");
    ck_assert_ptr_null(cs_test_raised(j, "type"));
    json_decref(j);
}
END_TEST

/* taskgroup-first-error-aborts: the failure aborts the sibling, the parent is
 * cancelled once and uncancelled in __aexit__, the group is an ExceptionGroup. */
START_TEST(taskgroup_aborts_and_uncancels)
{
    json_t *j = run_json("{\"backends\":[\"asyncio\"],\"main\":[{\"try\":[{\"asyncio_task_group\":["
                         "{\"asyncio_tg_create_task\":\"bad\",\"body\":[{\"sleep\":1},{\"raise\":\"ValueError\"}]},"
                         "{\"asyncio_tg_create_task\":\"slow\",\"body\":[{\"sleep\":5}]},{\"sleep\":10}]}],"
                         "\"except\":[{\"match\":\"ExceptionGroup\",\"body\":[{\"log\":\"group\"}]}]},"
                         "{\"asyncio_probe\":\"cancelling\"}]}");
    ck_assert_ptr_null(cs_test_raised(j, "type"));
    ck_assert_str_eq(cs_test_log_msg(j, 0), "group");
    ck_assert(json_number_value(json_object_get(cs_test_log_line(j, 1), "value")) == 0);
    ck_assert_str_eq(cs_test_task_state(j, "slow"), "cancelled");
    ck_assert(json_number_value(json_object_get(j, "end_time")) == 1);
    json_decref(j);
}
END_TEST

/* future-shared-cancelled-for-all: an AnyIO scope cancelling one awaiter
 * cancels the shared future for the other awaiter too. */
START_TEST(shared_future_cancelled_for_all)
{
    json_t *j =
        run_json("{\"backends\":[\"asyncio\"],\"main\":[{\"asyncio_future\":\"f\"},"
                 "{\"task_group\":\"g\",\"body\":[{\"start_soon\":\"other\",\"body\":[{\"await_future\":\"f\"}]},"
                 "{\"move_on_after\":1,\"body\":[{\"await_future\":\"f\"}]}]}]}");
    ck_assert_str_eq(cs_test_task_state(j, "other"), "cancelled");
    ck_assert(json_number_value(json_object_get(j, "end_time")) == 1);
    json_decref(j);
}
END_TEST

/* The findings a run of `text` on asyncio gives: whether swallowed_cancellation is among them. */
static bool swallowed(const char *text)
{
    cs_findings *f = cs_findings_new();
    json_decref(cs_test_run_json(text, CS_BACKEND_ASYNCIO, CS_DEFAULT_TASK_LIMIT, f));
    bool r = cs_findings_has(f, CS_FINDING_SWALLOWED_CANCELLATION);
    if (r)
        ck_assert_ptr_nonnull(strstr(cs_findings_detail(f, CS_FINDING_SWALLOWED_CANCELLATION), "handler at 2:"));
    cs_findings_free(f);
    return r;
}

/* A native cancellation swallowed in a handler is reported (with the
 * handler's line); an AnyIO scope's, which comes back, is not; re-raised, neither. */
START_TEST(swallowed_cancellation_finding)
{
    ck_assert(swallowed("{\"backends\":[\"asyncio\"],\"main\":[{\"asyncio_create_task\":\"t\",\"body\":[\n"
                        "{\"try\":[{\"sleep\":5}],\"except\":[{\"match\":\"Cancelled\",\"body\":[]}]}]},"
                        "{\"sleep\":1},{\"asyncio_cancel\":\"t\"},{\"asyncio_await\":\"t\"}]}"));
    ck_assert(!swallowed("{\"backends\":[\"asyncio\"],\"main\":[{\"move_on_after\":1,\"body\":[\n"
                         "{\"try\":[{\"sleep\":5}],\"except\":[{\"match\":\"Cancelled\",\"body\":[]}]},"
                         "{\"sleep\":1}]}]}"));
    ck_assert(!swallowed("{\"backends\":[\"asyncio\"],\"main\":[{\"asyncio_create_task\":\"t\",\"body\":[\n"
                         "{\"try\":[{\"sleep\":5}],\"except\":[{\"match\":\"Cancelled\",\"body\":[\"reraise\"]}]}]},"
                         "{\"sleep\":1},{\"asyncio_cancel\":\"t\"},{\"sleep\":1}]}"));
    /* issue 20: the CancelledError of `await t` after t.cancel() was not sent to the awaiter */
    ck_assert(!swallowed("{\"backends\":[\"asyncio\"],\"main\":[{\"asyncio_create_task\":\"t\",\"body\":[\n"
                         "{\"sleep\":5}]},{\"sleep\":1},{\"asyncio_cancel\":\"t\"},"
                         "{\"try\":[{\"asyncio_await\":\"t\"}],\"except\":[{\"match\":\"Cancelled\",\"body\":[]}]}]}"));
    /* caught and acknowledged with t.uncancel() (by t, or by main: {"uncancel": "t"}) */
    ck_assert(!swallowed("{\"backends\":[\"asyncio\"],\"main\":[{\"asyncio_create_task\":\"t\",\"body\":[\n"
                         "{\"try\":[{\"sleep\":5}],\"except\":[{\"match\":\"Cancelled\",\"body\":[\"uncancel\"]}]}]},"
                         "{\"sleep\":1},{\"asyncio_cancel\":\"t\"},{\"asyncio_await\":\"t\"}]}"));
    ck_assert(!swallowed("{\"backends\":[\"asyncio\"],\"main\":[{\"asyncio_create_task\":\"t\",\"body\":[\n"
                         "{\"try\":[{\"sleep\":5}],\"except\":[{\"match\":\"Cancelled\",\"body\":[]}]},"
                         "{\"sleep\":1}]},{\"sleep\":1},{\"asyncio_cancel\":\"t\"},\"checkpoint\","
                         "{\"uncancel\":\"t\"},{\"asyncio_await\":\"t\"}]}"));
}
END_TEST

/* AnyIO #1214: a native cancel() folded into an AnyIO scope's own
 * CancelledError, which the scope swallows, is reported (the scope, not a handler). */
START_TEST(swallowed_by_scope_1214)
{
    cs_findings *f = cs_findings_new();
    json_decref(
        cs_test_run_json("{\"backends\":[\"asyncio\"],\"main\":[{\"asyncio_create_task\":\"t\",\"body\":["
                         "{\"cancel_scope\":\"s\",\"body\":[{\"sleep\":5}]},{\"sleep\":1}]},"
                         "{\"sleep\":1},{\"cancel\":\"s\"},{\"asyncio_cancel\":\"t\"},{\"asyncio_await\":\"t\"}]}",
                         CS_BACKEND_ASYNCIO, CS_DEFAULT_TASK_LIMIT, f));
    ck_assert(cs_findings_has(f, CS_FINDING_SWALLOWED_CANCELLATION));
    ck_assert_ptr_nonnull(strstr(cs_findings_detail(f, CS_FINDING_SWALLOWED_CANCELLATION), "scope 's'"));
    cs_findings_free(f);
}
END_TEST

/* uncancel-other-task: {"uncancel": "t"} lowers t's count (not the caller's)
 * and stops at 0, and the CancelledError already on its way still reaches t. */
START_TEST(uncancel_of_another_task)
{
    json_t *j = run_json("{\"backends\":[\"asyncio\"],\"main\":["
                         "{\"asyncio_create_task\":\"t\",\"body\":[{\"try\":[{\"sleep\":5}],\"except\":["
                         "{\"match\":\"Cancelled\",\"body\":[{\"log\":\"t swallows\"}]}]}]},"
                         "{\"sleep\":1},{\"asyncio_cancel\":\"t\"},{\"uncancel\":\"t\"},{\"uncancel\":\"t\"},"
                         "{\"asyncio_probe\":\"cancelling\",\"task\":\"t\"},{\"asyncio_await\":\"t\"}]}");
    ck_assert(json_number_value(json_object_get(cs_test_log_line(j, 0), "value")) == 0);
    ck_assert_str_eq(cs_test_log_msg(j, 1), "t swallows");
    ck_assert_str_eq(cs_test_task_state(j, "t"), "completed");
    json_decref(j);
}
END_TEST

/* The loader refuses a native statement in a scenario that runs on Trio. */
START_TEST(refused_on_trio)
{
    const char *text = "{\"main\":[\"checkpoint\",\n  {\"asyncio_probe\":\"done\"}]}";
    cs_load_error err = cs_test_load_error(text);
    ck_assert_uint_eq(err.line, 2);
    ck_assert_uint_eq(err.col, 3);
    ck_assert_ptr_nonnull(strstr(err.message, "asyncio backend only"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("native");
    TCase *tc = tcase_create("asyncio");
    tcase_add_test(tc, scope_cancels_awaited_native_task);
    tcase_add_test(tc, scope_first_beats_timeout);
    tcase_add_test(tc, timeout_raises_timeout_error);
    tcase_add_test(tc, native_cancel_is_edge_triggered);
    tcase_add_test(tc, refused_on_trio);
    tcase_add_test(tc, swallowed_cancellation_finding);
    tcase_add_test(tc, swallowed_by_scope_1214);
    tcase_add_test(tc, uncancel_of_another_task);
    tcase_add_test(tc, wait_for_timeout_and_swallow);
    tcase_add_test(tc, taskgroup_aborts_and_uncancels);
    tcase_add_test(tc, shared_future_cancelled_for_all);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
