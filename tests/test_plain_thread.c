/* test_plain_thread.c - issue 26's threads AnyIO did not start: "threads" and
 * current_token as the loader keeps them, and what a run does with them (read
 * from the trace): the thread's own id and name, its errors, its calls into
 * the loop with a token, and a token used before it was bound. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "load.h"
#include "run_json.h"

static const char *const cs_fixture =
    "{\"threads\": {\"t1\": {\"start_at\": 0.5, \"steps\": [{\"log\": \"up\"}, "
    "{\"from_thread\": [{\"log\": \"in loop\"}, {\"sleep\": 0.25}], \"token\": \"tok\"}, \"check_cancelled\"]}},"
    " \"main\": [{\"current_token\": \"tok\"}, {\"sleep\": 1}]}";

START_TEST(test_loaded)
{
    cs_scenario *sc = cs_test_load(cs_fixture);
    const cs_program *p = sc->program;
    ck_assert_uint_eq(p->nplain_threads, 1);
    ck_assert_int_eq(p->plain_threads[0].op, CS_OP_PLAIN_THREAD);
    ck_assert_str_eq(p->plain_threads[0].name, "t1");
    ck_assert_double_eq(p->plain_threads[0].num, 0.5);
    ck_assert_uint_eq(p->plain_threads[0].body.n, 3);
    ck_assert_uint_eq(p->ntokens, 1);
    ck_assert_str_eq(p->tokens[0], "tok");
    ck_assert_int_eq(p->main.items[0].op, CS_OP_CURRENT_TOKEN);
    ck_assert_int_eq(p->main.items[0].ref, 0);
    ck_assert_int_eq(p->plain_threads[0].body.items[1].ref, 0); /* the from_thread names token 0 */
    ck_assert_str_eq(p->classes[p->no_event_loop_cls].name, "NoEventLoopError");
    ck_assert(cs_exc_class_is(p, p->no_event_loop_cls, CS_EXC_RUNTIME_ERROR));
    cs_scenario_free(sc);
}
END_TEST

typedef struct cs_seen {
    int32_t thread_id;  /* the id FOREIGN_THREAD gave */
    int logs_by_thread; /* log events carrying that id */
    int32_t end_cls;    /* the class the thread ended with, -1: none */
    int64_t end_t;      /* when */
    int32_t main_end;   /* main's task_end state */
} cs_seen;

static void cs_seen_sink(void *p, const cs_event *ev)
{
    cs_seen *s = p;
    if (ev->kind == CS_EV_FOREIGN_THREAD) {
        ck_assert_str_eq(ev->name, "t1");
        ck_assert_uint_eq(ev->count, 1);
        s->thread_id = ev->task;
    }
    if (ev->kind == CS_EV_TASK_SPAWN)
        ck_assert_int_ne(ev->task, s->thread_id); /* the thread's id is no task's */
    if (ev->kind == CS_EV_LOG && ev->task == s->thread_id)
        s->logs_by_thread++;
    if (ev->kind == CS_EV_THREAD_END && ev->task == s->thread_id) {
        s->end_cls = ev->exc ? ev->exc->cls : -1;
        s->end_t = ev->t;
    }
    if (ev->kind == CS_EV_TASK_END && ev->task == 0)
        s->main_end = ev->state;
}

/* Both backends: the body runs in the loop (its log names the thread), the
 * thread then fails check_cancelled with NoEventLoopError at 0.75 s, and main
 * completes as if nothing happened. */
START_TEST(test_run)
{
    cs_scenario *sc = cs_test_load(cs_fixture);
    for (int b = 0; b < 2; b++) {
        cs_seen seen = {-1, 0, -2, -1, -1};
        cs_test_run_sink(sc->program, (cs_backend)b, cs_seen_sink, &seen);
        ck_assert_int_eq(seen.thread_id, 1);
        ck_assert_int_eq(seen.logs_by_thread, 2);
        ck_assert_int_eq(seen.end_cls, sc->program->no_event_loop_cls);
        ck_assert_int_eq(seen.end_t, 750000000);
        ck_assert_int_eq(seen.main_end, CS_TASK_COMPLETED);
    }
    cs_scenario_free(sc);
}
END_TEST

/* from_thread_sync with a token: the plain function runs in the loop at the
 * thread's instant (its log names the thread) and the thread ends normally. */
START_TEST(test_sync_call)
{
    cs_scenario *sc = cs_test_load("{\"threads\": {\"t1\": {\"start_at\": 0.5, \"steps\": [{\"from_thread_sync\": "
                                   "[{\"log\": \"in loop\"}], \"token\": \"tok\"}, {\"log\": \"back\"}]}},"
                                   " \"main\": [{\"current_token\": \"tok\"}, {\"sleep\": 1}]}");
    ck_assert_int_eq(sc->program->plain_threads[0].body.items[0].op, CS_OP_FROM_THREAD_SYNC);
    for (int b = 0; b < 2; b++) {
        cs_seen seen = {-1, 0, -2, -1, -1};
        cs_test_run_sink(sc->program, (cs_backend)b, cs_seen_sink, &seen);
        ck_assert_int_eq(seen.logs_by_thread, 2);
        ck_assert_int_eq(seen.end_cls, -1);
        ck_assert_int_eq(seen.end_t, 500000000);
    }
    cs_scenario_free(sc);
}
END_TEST

/* A token the thread uses before main binds it: a scenario error at the step. */
START_TEST(test_token_unbound_at_run_time)
{
    cs_scenario *sc = cs_test_load("{\"threads\": {\"t\": {\"steps\": [{\"from_thread\": [], \"token\": \"tok\"}]}},"
                                   " \"main\": [{\"sleep\": 1}, {\"current_token\": \"tok\"}]}");
    cs_run_options opt;
    cs_run_options_init(&opt);
    cs_run_error err;
    ck_assert_int_eq(cs_run(sc->program, &opt, &err), CS_E_SCENARIO);
    ck_assert_msg(strstr(err.message, "before a current_token") != NULL, "%s", err.message);
    cs_scenario_free(sc);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("plain_thread");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_loaded);
    tcase_add_test(tc, test_run);
    tcase_add_test(tc, test_sync_call);
    tcase_add_test(tc, test_token_unbound_at_run_time);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
