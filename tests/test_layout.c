/* test_layout.c - Check tests for the compact layouts of session 8
 * (bench/README.md): a scope's task and child lists that keep their tail in
 * the head's prev link (sim/core/scope_tree.c), the outcome sink's task
 * record with its exception and returned value in a side record
 * (verify/outcome.c), and the sizes a million tasks multiply. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"
#include "outcome.h"

/* The ids of s's tasks, walking forward, into buf ("0 2 3"); checks the tail
 * link on the way. */
static const char *task_order(const cs__scope *s, char *buf, size_t cap)
{
    buf[0] = '\0';
    const cs__task *last = NULL;
    for (const cs__task *k = s->tasks_head; k; k = k->snext) {
        snprintf(buf + strlen(buf), cap - strlen(buf), "%s%d", last ? " " : "", (int)k->id);
        last = k;
    }
    ck_assert_ptr_eq(s->tasks_head ? s->tasks_head->sprev : NULL, last); /* the head's prev is the tail */
    return buf;
}

START_TEST(scope_task_list)
{
    cs__scope s, other;
    memset(&s, 0, sizeof s);
    memset(&other, 0, sizeof other);
    cs__task t[5];
    memset(t, 0, sizeof t);
    for (int i = 0; i < 5; i++)
        t[i].id = i;
    char buf[64];
    ck_assert_str_eq(task_order(&s, buf, sizeof buf), "");
    for (int i = 0; i < 4; i++)
        cs__scope_tasks_add(&s, &t[i]);
    ck_assert_str_eq(task_order(&s, buf, sizeof buf), "0 1 2 3");
    cs__scope_tasks_remove(&s, &t[3]); /* the tail */
    ck_assert_str_eq(task_order(&s, buf, sizeof buf), "0 1 2");
    cs__scope_tasks_add(&s, &t[4]);
    ck_assert_str_eq(task_order(&s, buf, sizeof buf), "0 1 2 4");
    cs__scope_tasks_remove(&s, &t[1]); /* the middle */
    ck_assert_str_eq(task_order(&s, buf, sizeof buf), "0 2 4");
    cs__scope_tasks_remove(&s, &t[0]); /* the head */
    ck_assert_str_eq(task_order(&s, buf, sizeof buf), "2 4");
    cs__scope_tasks_add(&other, &t[2]); /* moving to another scope leaves this one */
    ck_assert_str_eq(task_order(&s, buf, sizeof buf), "4");
    ck_assert_str_eq(task_order(&other, buf, sizeof buf), "2");
    cs__scope_tasks_remove(&s, &t[2]); /* not a member: nothing */
    cs__scope_tasks_add(&s, &t[0]);
    ck_assert_str_eq(task_order(&s, buf, sizeof buf), "4 0");
    cs__scope_tasks_remove(&s, &t[4]);
    cs__scope_tasks_remove(&s, &t[0]);
    ck_assert_str_eq(task_order(&s, buf, sizeof buf), "");
    ck_assert_ptr_null(t[0].member_of);
}
END_TEST

static const char *kid_order(const cs__scope *p, char *buf, size_t cap)
{
    buf[0] = '\0';
    const cs__scope *last = NULL;
    for (const cs__scope *k = p->kids_head; k; k = k->sib_next) {
        snprintf(buf + strlen(buf), cap - strlen(buf), "%s%d", last ? " " : "", (int)k->id);
        last = k;
    }
    ck_assert_ptr_eq(p->kids_head ? p->kids_head->sib_prev : NULL, last);
    return buf;
}

START_TEST(scope_kid_list)
{
    cs__scope p, k[4];
    memset(&p, 0, sizeof p);
    memset(k, 0, sizeof k);
    for (int i = 0; i < 4; i++)
        k[i].id = i;
    char buf[64];
    for (int i = 0; i < 3; i++)
        cs__scope_kids_add(&p, &k[i]);
    ck_assert_str_eq(kid_order(&p, buf, sizeof buf), "0 1 2");
    cs__scope_kids_remove(&p, &k[2]);
    cs__scope_kids_add(&p, &k[3]);
    ck_assert_str_eq(kid_order(&p, buf, sizeof buf), "0 1 3");
    cs__scope_kids_remove(&p, &k[0]);
    ck_assert_str_eq(kid_order(&p, buf, sizeof buf), "1 3");
    cs__scope_kids_remove(&p, &k[3]);
    cs__scope_kids_remove(&p, &k[1]);
    ck_assert_str_eq(kid_order(&p, buf, sizeof buf), "");
}
END_TEST

static void task_event(cs_outcome *o, cs_event_kind kind, int32_t id, cs_task_state state, cs_exc *exc,
                       const char *value)
{
    cs_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = kind;
    ev.task = id;
    ev.name = id == 0 ? "main" : id == 1 ? "a" : "b";
    ev.state = state;
    ev.exc = exc;
    ev.value_json = value;
    cs_outcome_sink(o, &ev);
}

START_TEST(outcome_side_records)
{
    cs_outcome *o = cs_outcome_new();
    for (int32_t i = 0; i < 3; i++)
        task_event(o, CS_EV_TASK_SPAWN, i, CS_TASK_UNFINISHED, NULL, NULL);
    cs_exc *x = cs_exc_new(CS_EXC_BUILTIN_COUNT, "boom");
    task_event(o, CS_EV_TASK_END, 1, CS_TASK_FAILED, x, NULL);
    task_event(o, CS_EV_TASK_END, 2, CS_TASK_COMPLETED, NULL, "[1, 2]");
    task_event(o, CS_EV_TASK_END, 0, CS_TASK_COMPLETED, NULL, NULL);
    cs_exc_unref(x);
    ck_assert_uint_eq(o->nextras, 2); /* main has neither: no side record */
    ck_assert_ptr_null(cs_outcome_task_exc(o, &o->tasks[0]));
    ck_assert_uint_eq(cs_outcome_task_returned(o, &o->tasks[0]), CS_OUTCOME_NONE);
    ck_assert_ptr_eq(cs_outcome_task_exc(o, &o->tasks[1]), x);
    ck_assert_uint_eq(cs_outcome_task_returned(o, &o->tasks[1]), CS_OUTCOME_NONE);
    ck_assert_ptr_null(cs_outcome_task_exc(o, &o->tasks[2]));
    ck_assert_str_eq(cs_outcome_str(o, cs_outcome_task_returned(o, &o->tasks[2])), "[1, 2]");
    ck_assert_int_eq(o->tasks[1].state, CS_TASK_FAILED);
    cs_outcome_free(o); /* releases the exception (ASan / valgrind would see a leak) */
}
END_TEST

/* What a million tasks multiply (bench/README.md, session 8): growing one of
 * these is a memory regression to measure, not an accident. */
START_TEST(sizes)
{
    ck_assert_uint_eq(sizeof(cs__completion), 16);
    ck_assert_uint_le(sizeof(cs__frame), 72);
    ck_assert_uint_le(sizeof(cs__task), 136);
    ck_assert_uint_le(sizeof(cs__scope), 88);
    ck_assert_uint_le(sizeof(cs_outcome_task), 24);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("layout");
    TCase *tc = tcase_create("layout");
    tcase_add_test(tc, scope_task_list);
    tcase_add_test(tc, scope_kid_list);
    tcase_add_test(tc, outcome_side_records);
    tcase_add_test(tc, sizes);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
