/* test_engine.c - Check tests for the engine's parts, each driven by a tiny
 * scenario: timer order, cancel-scope delivery and swallowing, task-group
 * aggregation, limits and determinism.  Expected values come from real AnyIO
 * 4.14.2 on asyncio (anyio-semantics.md rows and experiments named below). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_json.h"

static uint64_t g_task_limit = CS_DEFAULT_TASK_LIMIT;
static cs_backend g_backend = CS_BACKEND_ASYNCIO;

/* Runs `text` on asyncio (or g_backend) and returns the outcome as JSON (new reference). */
static json_t *run_json(const char *text)
{
    return cs_test_run_json(text, g_backend, g_task_limit, NULL);
}

/* Counts cancellation deliveries to task 0 (main), and cancel() calls that
 * took effect. */
typedef struct {
    int delivered, cancels;
} cancel_counts;
static void count_deliveries(void *ctx, const cs_event *ev)
{
    cancel_counts *c = ctx;
    c->delivered += ev->kind == CS_EV_CANCEL_DELIVERED && ev->task == 0;
    c->cancels += ev->kind == CS_EV_CANCEL;
}

static cancel_counts count_cancels(const char *text, cs_backend b)
{
    cs_scenario *sc = cs_test_load(text);
    cancel_counts n = {0, 0};
    cs_test_run_sink(sc->program, b, count_deliveries, &n);
    cs_scenario_free(sc);
    return n;
}

/* AnyIO's _deliver_cancellation skips a task whose _must_cancel is already
 * set (anyio/_backends/_asyncio.py, "if task._must_cancel: continue"): main
 * waits in the ready queue after a checkpoint (no future to cancel), b
 * cancels s1, then s2; main gets one task.cancel(), from s1, not a second from
 * s2 (which would replace its cancel message).  The outcome cannot show it;
 * the trace does. */
START_TEST(no_second_delivery_to_a_cancelling_task)
{
    const char *text = "{\"main\":[{\"cancel_scope\":\"s1\",\"body\":[{\"cancel_scope\":\"s2\",\"body\":["
                       "{\"task_group\":\"tg\",\"body\":["
                       "{\"start_soon\":\"b\",\"body\":[{\"cancel\":\"s1\",\"reason\":\"one\"},"
                       "{\"cancel\":\"s2\",\"reason\":\"two\"}]},"
                       "\"checkpoint\",{\"log\":\"never\"}]}]}]},{\"log\":\"after\"}]}";
    ck_assert_int_eq(count_cancels(text, CS_BACKEND_ASYNCIO).delivered, 1);
    json_t *j = run_json(text);
    ck_assert_str_eq(cs_test_log_msg(j, 0), "after");
    json_decref(j);
}
END_TEST

/* A second cancel() of a cancelled scope is a no-op on both backends (AnyIO:
 * `if not self._cancel_called:`; Trio: `if self._cancel_called: return`), so
 * its reason never replaces the first: one cancel takes effect. */
START_TEST(second_cancel_is_a_no_op)
{
    const char *text = "{\"main\":[{\"task_group\":\"tg\",\"body\":[{\"start_soon\":\"w\",\"body\":["
                       "{\"cancel_scope\":\"job\",\"body\":[{\"sleep\":10}]}]},{\"sleep\":1},"
                       "{\"cancel\":\"job\",\"reason\":\"one\"},{\"cancel\":\"job\",\"reason\":\"two\"}]}]}";
    ck_assert_int_eq(count_cancels(text, CS_BACKEND_ASYNCIO).cancels, 1);
    ck_assert_int_eq(count_cancels(text, CS_BACKEND_TRIO).cancels, 1);
}
END_TEST

START_TEST(timers_fire_in_deadline_order)
{
    json_t *j = run_json("{\"main\":[{\"task_group\":\"g\",\"body\":["
                         "{\"start_soon\":\"a\",\"body\":[{\"sleep\":3},{\"log\":\"a\"}]},"
                         "{\"start_soon\":\"b\",\"body\":[{\"sleep\":1},{\"log\":\"b\"}]},"
                         "{\"start_soon\":\"c\",\"body\":[{\"sleep\":2},{\"log\":\"c\"}]}]}]}");
    ck_assert_str_eq(cs_test_log_msg(j, 0), "b");
    ck_assert_str_eq(cs_test_log_msg(j, 1), "c");
    ck_assert_str_eq(cs_test_log_msg(j, 2), "a");
    ck_assert_double_eq_tol(json_number_value(json_object_get(j, "end_time")), 3, 1e-9);
    json_decref(j);
}
END_TEST

/* Row 35: spawned tasks first run in spawn order after the host's step. */
START_TEST(spawned_tasks_run_fifo_after_host)
{
    json_t *j = run_json("{\"main\":[{\"task_group\":\"g\",\"body\":["
                         "{\"start_soon\":\"a\",\"body\":[{\"log\":\"a\"}]},"
                         "{\"start_soon\":\"b\",\"body\":[{\"log\":\"b\"}]},"
                         "{\"log\":\"host\"}, \"checkpoint\", {\"log\":\"host2\"}]}]}");
    ck_assert_str_eq(cs_test_log_msg(j, 0), "host");
    ck_assert_str_eq(cs_test_log_msg(j, 1), "a");
    ck_assert_str_eq(cs_test_log_msg(j, 2), "b");
    ck_assert_str_eq(cs_test_log_msg(j, 3), "host2");
    json_decref(j);
}
END_TEST

/* Row 15 / 3c: the outermost cancelled scope catches. */
START_TEST(outermost_cancelled_scope_catches)
{
    json_t *j = run_json("{\"main\":[{\"cancel_scope\":\"outer\",\"body\":[{\"cancel_scope\":\"inner\",\"body\":["
                         "{\"cancel\":\"inner\"},{\"cancel\":\"outer\"},\"checkpoint\"]}]}]}");
    json_t *sc = json_object_get(j, "scopes");
    ck_assert(json_is_true(json_object_get(json_object_get(sc, "outer"), "cancelled_caught")));
    ck_assert(json_is_false(json_object_get(json_object_get(sc, "inner"), "cancelled_caught")));
    ck_assert(json_is_true(json_object_get(json_object_get(sc, "inner"), "cancel_called")));
    json_decref(j);
}
END_TEST

/* 5a: a shielded scope inside a cancelled one completes; the first checkpoint
 * after it raises and the outer scope catches. */
START_TEST(shield_blocks_delivery)
{
    json_t *j = run_json("{\"main\":[{\"cancel_scope\":\"outer\",\"body\":[{\"cancel\":\"outer\"},"
                         "{\"cancel_scope\":\"sh\",\"shield\":true,\"body\":[{\"sleep\":2},{\"log\":\"done\"}]},"
                         "{\"log\":\"after\"},\"checkpoint\",{\"log\":\"never\"}]}]}");
    ck_assert_str_eq(cs_test_log_msg(j, 0), "done");
    ck_assert_str_eq(cs_test_log_msg(j, 1), "after");
    ck_assert_uint_eq(json_array_size(json_object_get(j, "log")), 2);
    ck_assert_double_eq_tol(json_number_value(json_object_get(j, "end_time")), 2, 1e-9);
    json_decref(j);
}
END_TEST

/* 2d: cancellation is level-triggered: a swallowed one is delivered again. */
START_TEST(level_triggered_redelivery)
{
    json_t *j =
        run_json("{\"main\":[{\"cancel_scope\":\"s\",\"body\":[{\"cancel\":\"s\"},"
                 "{\"try\":[\"checkpoint\"],\"except\":[{\"match\":\"Cancelled\",\"body\":[{\"log\":\"caught\"}]}]},"
                 "\"checkpoint\",{\"log\":\"never\"}]}]}");
    ck_assert_str_eq(cs_test_log_msg(j, 0), "caught");
    ck_assert_uint_eq(json_array_size(json_object_get(j, "log")), 1);
    ck_assert(json_is_true(json_object_get(json_object_get(json_object_get(j, "scopes"), "s"), "cancelled_caught")));
    json_decref(j);
}
END_TEST

/* Row 7 (asyncio): children failing at the same instant are all collected, in
 * timer order, in one ExceptionGroup. */
START_TEST(group_collects_all_failures)
{
    json_t *j =
        run_json("{\"main\":[{\"task_group\":\"g\",\"body\":["
                 "{\"start_soon\":\"a\",\"body\":[{\"sleep\":1},{\"raise\":\"ValueError\",\"message\":\"a\"}]},"
                 "{\"start_soon\":\"b\",\"body\":[{\"sleep\":1},{\"raise\":\"KeyError\",\"message\":\"b\"}]}]}]}");
    ck_assert_str_eq(cs_test_raised(j, "type"), "ExceptionGroup");
    json_t *ex = json_object_get(json_object_get(json_object_get(j, "result"), "raised"), "exceptions");
    ck_assert_uint_eq(json_array_size(ex), 2);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(ex, 0), "type")), "ValueError");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(ex, 1), "message")), "'b'");
    json_decref(j);
}
END_TEST

/* Row 10: a BaseException member makes the group a BaseExceptionGroup. */
START_TEST(base_exception_makes_base_group)
{
    json_t *j = run_json("{\"exceptions\":{\"MyBase\":\"BaseException\"},\"main\":[{\"task_group\":\"g\",\"body\":["
                         "{\"start_soon\":\"a\",\"body\":[{\"raise\":\"MyBase\"}]}]}]}");
    ck_assert_str_eq(cs_test_raised(j, "type"), "BaseExceptionGroup");
    json_decref(j);
}
END_TEST

/* Row 21: fail_after raises a bare TimeoutError; move_on_after does not. */
START_TEST(fail_after_raises_timeout_error)
{
    json_t *j = run_json("{\"main\":[{\"move_on_after\":1,\"id\":\"m\",\"body\":[{\"sleep\":5}]},"
                         "{\"fail_after\":1,\"id\":\"f\",\"body\":[{\"sleep\":5}]}]}");
    ck_assert_str_eq(cs_test_raised(j, "type"), "TimeoutError");
    ck_assert_double_eq_tol(json_number_value(json_object_get(j, "end_time")), 2, 1e-9);
    json_decref(j);
}
END_TEST

START_TEST(deadlock_is_reported_with_labels)
{
    json_t *j = run_json("{\"main\":[\"sleep_forever\"]}");
    json_t *dl = json_object_get(json_object_get(j, "result"), "deadlock");
    ck_assert_ptr_nonnull(dl);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(dl, "waiting"), "main")), "sleep_forever");
    json_decref(j);
}
END_TEST

START_TEST(step_limit_stops_a_busy_loop)
{
    json_t *j = run_json("{\"main\":[{\"repeat\":1000000000,\"body\":[{\"log\":\"x\"}]}]}");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "result"), "limit")), "steps");
    json_decref(j);
}
END_TEST

START_TEST(same_input_same_output)
{
    const char *s = "{\"main\":[{\"task_group\":\"g\",\"body\":[{\"start_soon\":\"w\",\"count\":20,\"body\":["
                    "{\"sleep\":{\"uniform\":[0,5]}},{\"log\":\"x\"}]}]}]}";
    json_t *a = run_json(s), *b = run_json(s);
    char *sa = json_dumps(a, JSON_COMPACT), *sb = json_dumps(b, JSON_COMPACT);
    ck_assert_str_eq(sa, sb);
    free(sa);
    free(sb);
    json_decref(a);
    json_decref(b);
}
END_TEST

/* uniform-vectors.txt in the spec: the k-th draw of a task. */
double cs_uniform_u(const char *task, uint64_t k);
START_TEST(uniform_draws_match_vectors)
{
    ck_assert_double_eq_tol(cs_uniform_u("main", 0), 0.070492006470843194, 1e-17);
    ck_assert_double_eq_tol(cs_uniform_u("t[1]", 1), 0.88004978929099087, 1e-17);
    ck_assert_double_eq_tol(cs_uniform_u("a#2", 2), 0.42260979707583568, 1e-17);
}
END_TEST

START_TEST(task_limit_stops_a_spawn_storm)
{
    for (int b = 0; b < 2; b++) {
        g_task_limit = 3;
        g_backend = b ? CS_BACKEND_TRIO : CS_BACKEND_ASYNCIO;
        json_t *j = run_json("{\"main\":[{\"task_group\":\"g\",\"body\":[{\"start_soon\":\"w\",\"count\":5,"
                             "\"body\":[\"sleep_forever\"]}]}]}");
        g_task_limit = CS_DEFAULT_TASK_LIMIT;
        g_backend = CS_BACKEND_ASYNCIO;
        ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "result"), "limit")), "tasks");
        ck_assert_str_eq(cs_test_task_state(j, "main"), "unfinished");
        json_decref(j);
    }
}
END_TEST

/* 8j (real AnyIO 4.14.2, experiment q08b): an abandoned thread keeps its
 * CapacityLimiter token until it finishes on Trio, not on asyncio. */
START_TEST(abandoned_thread_token_per_backend)
{
    const char *s =
        "{\"limiters\":{\"one\":1},\"main\":[{\"task_group\":\"tg\",\"body\":["
        "{\"start_soon\":\"a\",\"body\":[{\"move_on_after\":1,\"body\":[{\"to_thread\":[{\"block\":3}],"
        "\"abandon_on_cancel\":true,\"limiter\":\"one\"}]}]},"
        "{\"start_soon\":\"b\",\"body\":[{\"sleep\":0.5},{\"to_thread\":[{\"block\":1}],\"limiter\":\"one\"}]}]}]}";
    json_t *a = run_json(s);
    g_backend = CS_BACKEND_TRIO;
    json_t *t = run_json(s);
    g_backend = CS_BACKEND_ASYNCIO;
    ck_assert_double_eq_tol(cs_test_task_end(a, "b"), 2, 1e-9);
    ck_assert_double_eq_tol(cs_test_task_end(t, "b"), 4, 1e-9);
    json_decref(a);
    json_decref(t);
}
END_TEST

/* A thread's block takes virtual time without blocking the loop: a sibling's
 * sleep ends on time (t=1); `busy` of the same length, run first, delays the
 * sibling's first step to t=2, so its sleep ends at t=3. */
START_TEST(thread_block_does_not_block_loop)
{
    json_t *th = run_json("{\"main\":[{\"task_group\":\"g\",\"body\":[{\"start_soon\":\"w\",\"body\":"
                          "[{\"to_thread\":[{\"block\":2}]}]},{\"start_soon\":\"s\",\"body\":[{\"sleep\":1},"
                          "{\"probe\":\"time\"}]}]}]}");
    json_t *busy = run_json("{\"main\":[{\"task_group\":\"g\",\"body\":[{\"start_soon\":\"w\",\"body\":"
                            "[{\"busy\":2}]},{\"start_soon\":\"s\",\"body\":[{\"sleep\":1},{\"probe\":\"time\"}]}]}]}");
    ck_assert_double_eq_tol(cs_test_task_end(th, "s"), 1, 1e-9);
    ck_assert_double_eq_tol(cs_test_task_end(busy, "s"), 3, 1e-9);
    json_decref(th);
    json_decref(busy);
}
END_TEST

/* Lock and semaphore hand-off is FIFO on both backends (row 38), and a limiter
 * of one token serialises threads in arrival order. */
START_TEST(primitive_queues_are_fifo)
{
    const char *s = "{\"locks\":[\"l\"],\"limiters\":{\"c\":1},\"main\":[{\"task_group\":\"g\",\"body\":["
                    "{\"start_soon\":\"t\",\"count\":3,\"body\":[{\"with_lock\":\"l\",\"body\":[{\"log\":\"in\"},"
                    "{\"sleep\":1}]},{\"to_thread\":[{\"block\":1}],\"limiter\":\"c\"}]}]}]}";
    for (int b = 0; b < 2; b++) {
        g_backend = b ? CS_BACKEND_TRIO : CS_BACKEND_ASYNCIO;
        json_t *j = run_json(s);
        json_t *log = json_object_get(j, "log");
        for (size_t i = 0; i < 3; i++) {
            char want[8];
            snprintf(want, sizeof want, "t[%zu]", i);
            ck_assert_str_eq(json_string_value(json_object_get(json_array_get(log, i), "task")), want);
        }
        /* the lock hands over at 1, 2, 3; each thread then waits for the token */
        ck_assert_double_eq_tol(cs_test_task_end(j, "t[0]"), 2, 1e-9);
        ck_assert_double_eq_tol(cs_test_task_end(j, "t[2]"), 4, 1e-9);
        json_decref(j);
    }
    g_backend = CS_BACKEND_ASYNCIO;
}
END_TEST

/* issue 18: a limiter's total_tokens raised after it was lowered below the
 * borrowed count: AnyIO's asyncio limiter wakes one waiter per token added,
 * Trio's only into free tokens; and a Semaphore(0, max_value=0) release
 * with a waiter raises on asyncio and hands over on Trio. */
START_TEST(limiter_total_and_semaphore_max_per_backend)
{
    const char *lim = "{\"limiters\":{\"db\":2},\"main\":[{\"task_group\":\"g\",\"body\":["
                      "{\"start_soon\":\"a\",\"count\":2,\"body\":[{\"acquire\":\"db\"},{\"sleep\":5},"
                      "{\"release\":\"db\"}]},{\"start_soon\":\"c\",\"body\":[{\"sleep\":1},{\"acquire\":\"db\"},"
                      "{\"log\":\"in\"},{\"release\":\"db\"}]},{\"sleep\":2},{\"set_total_tokens\":\"db\",\"value\":1},"
                      "{\"set_total_tokens\":\"db\",\"value\":2}]}]}";
    const char *sem = "{\"semaphores\":{\"s\":{\"value\":0,\"max_value\":0}},\"main\":[{\"task_group\":\"g\","
                      "\"body\":[{\"start_soon\":\"w\",\"body\":[{\"acquire\":\"s\"},{\"log\":\"in\"}]},"
                      "{\"sleep\":1},{\"release\":\"s\"}]}]}";
    for (int b = 0; b < 2; b++) {
        g_backend = b ? CS_BACKEND_TRIO : CS_BACKEND_ASYNCIO;
        json_t *j = run_json(lim);
        ck_assert_double_eq_tol(cs_test_task_end(j, "c"), b ? 5 : 2, 1e-9);
        json_decref(j);
        j = run_json(sem);
        if (b)
            ck_assert_str_eq(cs_test_log_msg(j, 0), "in");
        else
            ck_assert_str_eq(cs_test_raised(j, "type"), "ExceptionGroup");
        json_decref(j);
    }
    g_backend = CS_BACKEND_ASYNCIO;
}
END_TEST

int main(void)
{
    Suite *s = suite_create("engine");
    TCase *tc = tcase_create("asyncio");
    tcase_add_test(tc, timers_fire_in_deadline_order);
    tcase_add_test(tc, no_second_delivery_to_a_cancelling_task);
    tcase_add_test(tc, second_cancel_is_a_no_op);
    tcase_add_test(tc, spawned_tasks_run_fifo_after_host);
    tcase_add_test(tc, outermost_cancelled_scope_catches);
    tcase_add_test(tc, shield_blocks_delivery);
    tcase_add_test(tc, level_triggered_redelivery);
    tcase_add_test(tc, group_collects_all_failures);
    tcase_add_test(tc, base_exception_makes_base_group);
    tcase_add_test(tc, fail_after_raises_timeout_error);
    tcase_add_test(tc, deadlock_is_reported_with_labels);
    tcase_add_test(tc, step_limit_stops_a_busy_loop);
    tcase_add_test(tc, same_input_same_output);
    tcase_add_test(tc, uniform_draws_match_vectors);
    tcase_add_test(tc, task_limit_stops_a_spawn_storm);
    tcase_add_test(tc, abandoned_thread_token_per_backend);
    tcase_add_test(tc, thread_block_does_not_block_loop);
    tcase_add_test(tc, primitive_queues_are_fifo);
    tcase_add_test(tc, limiter_total_and_semaphore_max_per_backend);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
