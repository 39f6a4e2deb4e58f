/* test_handle_value.c - issue 18's leftovers: `acquire`/`acquire_nowait`/
 * `release`/`locked` naming a condition (its Lock, and Condition._owner_task), and
 * `task_return_value` (TaskHandle.return_value: TaskNotFinished while the
 * task runs, the class added to the scenario when the statement is used). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "load.h"
#include "run_json.h"

START_TEST(test_condition_ops)
{
    cs_scenario *sc = cs_test_load("{\"conditions\": {\"cond\": {}}, \"locks\": [\"l\"], \"main\": ["
                                   "{\"acquire\": \"cond\"}, {\"release\": \"cond\"}, {\"acquire_nowait\": \"cond\"},"
                                   " {\"acquire\": \"l\"}, {\"locked\": \"cond\"}, {\"locked\": \"l\"}]}");
    const cs_body *m = &sc->program->main;
    ck_assert_int_eq(m->items[0].op, CS_OP_CONDITION_ACQUIRE);
    ck_assert_int_eq(m->items[1].op, CS_OP_CONDITION_RELEASE);
    ck_assert_int_eq(m->items[2].op, CS_OP_CONDITION_ACQUIRE_NOWAIT);
    ck_assert_int_eq(m->items[0].ref, 0);
    ck_assert_int_eq(m->items[3].op, CS_OP_ACQUIRE); /* a lock stays a lock */
    ck_assert_int_eq(m->items[4].op, CS_OP_CONDITION_LOCKED);
    ck_assert_int_eq(m->items[5].op, CS_OP_LOCKED);
    cs_scenario_free(sc);
}
END_TEST

typedef struct cs_seen {
    int32_t raised_cls[4];
    int nraised;
    char log[64];
} cs_seen;

static void cs_seen_sink(void *p, const cs_event *ev)
{
    cs_seen *s = p;
    if (ev->kind == CS_EV_RAISE && s->nraised < 4)
        s->raised_cls[s->nraised++] = ev->exc->cls;
    if (ev->kind == CS_EV_LOG)
        snprintf(s->log, sizeof s->log, "%s", ev->msg);
}

/* Early: TaskNotFinished (the one exception raised); after await: the value. */
START_TEST(test_return_value)
{
    cs_scenario *sc = cs_test_load(
        "{\"main\": [{\"task_group\": \"tg\", \"body\": [{\"start_soon\": \"h\", \"body\": [{\"sleep\": 1}, "
        "{\"return\": 5}]}, {\"try\": [{\"task_return_value\": \"h\"}], \"except\": [{\"match\": "
        "[\"TaskNotFinished\"], \"body\": []}]}, {\"await_task\": \"h\"}, {\"task_return_value\": \"h\", \"as\": "
        "\"v\"}, {\"print\": [{\"name\": \"v\"}]}]}]}");
    const cs_program *p = sc->program;
    ck_assert_int_ge(p->task_not_finished_cls, CS_EXC_BUILTIN_COUNT);
    ck_assert_str_eq(p->classes[p->task_not_finished_cls].name, "TaskNotFinished");
    for (int b = 0; b < 2; b++) {
        cs_seen seen = {{0}, 0, ""};
        cs_test_run_sink(p, (cs_backend)b, cs_seen_sink, &seen);
        ck_assert_int_eq(seen.nraised, 1);
        ck_assert_int_eq(seen.raised_cls[0], p->task_not_finished_cls);
        ck_assert_str_eq(seen.log, "5");
    }
    cs_scenario_free(sc);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("handle_value");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_condition_ops);
    tcase_add_test(tc, test_return_value);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
