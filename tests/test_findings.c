/* test_findings.c - the findings checker (verify/findings.h), fed synthetic
 * traces written by hand: for each finding a trace that must raise it and
 * near misses that must not (shields and deadlines changed through
 * scope_update events or unseen, exceptions still in flight at a deadlock).
 * A few cases then run real scenarios through the engine, and one feeds a
 * million tasks to check that the checker stays cheap.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "fake_program.h"
#include "findings.h"
#include "load.h"

#define S(x) ((int64_t)(x)*1000000000) /* seconds -> ns */

static cs_findings *g_f;
static uint64_t g_seq;
static cs_program g_prog;

static void emit(cs_event *ev)
{
    ev->seq = g_seq++;
    cs_fake_number(ev);
    cs_findings_sink(g_f, ev);
}

/* A fresh checker and RUN_START with the fake program (or `prog`). */
static void start(const cs_program *prog)
{
    g_f = cs_findings_new();
    g_seq = 0;
    g_prog = cs_fake_program("t");
    cs_event ev = cs_fake_event(CS_EV_RUN_START, 0);
    cs_fake_run_start_names(&ev, prog ? prog : &g_prog, CS_BACKEND_ASYNCIO);
    emit(&ev);
}

static void spawn(int64_t t, int32_t id, const char *name, int32_t group)
{
    cs_event ev = cs_fake_event(CS_EV_TASK_SPAWN, t);
    ev.task = id;
    ev.name = name;
    ev.parent = id ? 0 : -1;
    ev.group = group;
    emit(&ev);
}

static void task_end(int64_t t, int32_t id, cs_task_state st, cs_exc *exc)
{
    cs_event ev = cs_fake_event(CS_EV_TASK_END, t);
    ev.task = id;
    ev.state = st;
    ev.exc = exc;
    emit(&ev);
}

static void enter(int64_t t, int32_t scope, const char *name, cs_scope_kind kind, int32_t task, int32_t parent,
                  double deadline, bool shield)
{
    cs_event ev = cs_fake_event(CS_EV_SCOPE_ENTER, t);
    ev.scope = scope;
    ev.name = name;
    ev.scope_kind = kind;
    ev.task = task;
    ev.parent = parent;
    ev.deadline = deadline;
    ev.shield = shield;
    emit(&ev);
}

static void leave(int64_t t, int32_t scope, int32_t task, bool cancel_called, double deadline, bool shield)
{
    cs_event ev = cs_fake_event(CS_EV_SCOPE_EXIT, t);
    ev.scope = scope;
    ev.task = task;
    ev.cancel_called = cancel_called;
    ev.deadline = deadline;
    ev.shield = shield;
    emit(&ev);
}

static void cancel(int64_t t, int32_t scope, cs_cancel_cause cause)
{
    cs_event ev = cs_fake_event(CS_EV_CANCEL, t);
    ev.scope = scope;
    ev.cause = cause;
    emit(&ev);
}

static void delivered(int64_t t, int32_t task, int32_t origin)
{
    cs_event ev = cs_fake_event(CS_EV_CANCEL_DELIVERED, t);
    ev.task = task;
    ev.scope = origin;
    emit(&ev);
}

static void exc_event(cs_event_kind kind, int64_t t, int32_t task, cs_exc *x)
{
    cs_event ev = cs_fake_event(kind, t);
    ev.task = task;
    ev.exc = x;
    emit(&ev);
}

static void run_end(int64_t t, cs_result_kind result, cs_exc *x)
{
    cs_event ev = cs_fake_event(CS_EV_RUN_END, t);
    ev.result = result;
    ev.exc = x;
    emit(&ev);
}

/* The findings as "a,b" (static buffer), then frees the checker. */
static const char *finish(void)
{
    static char buf[256];
    cs_finding_kind k[CS_FINDING_COUNT];
    size_t n = cs_findings_list(g_f, k);
    buf[0] = 0;
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(buf, ",");
        strcat(buf, cs_finding_name(k[i]));
        ck_assert_ptr_nonnull(cs_findings_detail(g_f, k[i]));
    }
    cs_findings_free(g_f);
    g_f = NULL;
    return buf;
}

/* main (task 0) opens task group tg (scope 0) and spawns `a` (task 1) into it. */
static void main_with_group(void)
{
    spawn(0, 0, "main", -1);
    enter(0, 0, "tg", CS_KIND_TASK_GROUP, 0, -1, INFINITY, false);
    spawn(0, 1, "a", 0);
}

/* ---- clean runs --------------------------------------------------------- */

START_TEST(test_clean_run)
{
    start(NULL);
    main_with_group();
    task_end(S(1), 1, CS_TASK_COMPLETED, NULL);
    leave(S(1), 0, 0, false, INFINITY, false);
    task_end(S(1), 0, CS_TASK_COMPLETED, NULL);
    run_end(S(1), CS_RESULT_RETURNED, NULL);
    ck_assert_str_eq(finish(), "");
}
END_TEST

/* ---- orphan_task -------------------------------------------------------- */

START_TEST(test_orphan)
{
    start(NULL);
    main_with_group();
    leave(S(1), 0, 0, false, INFINITY, false);
    task_end(S(2), 1, CS_TASK_COMPLETED, NULL);
    task_end(S(2), 0, CS_TASK_COMPLETED, NULL);
    run_end(S(2), CS_RESULT_RETURNED, NULL);
    ck_assert_str_eq(finish(), "orphan_task");
}
END_TEST

START_TEST(test_orphan_spawned_after_exit)
{
    start(NULL);
    main_with_group();
    task_end(S(1), 1, CS_TASK_COMPLETED, NULL);
    leave(S(1), 0, 0, false, INFINITY, false);
    spawn(S(1), 2, "late", 0);
    task_end(S(1), 2, CS_TASK_COMPLETED, NULL);
    run_end(S(1), CS_RESULT_RETURNED, NULL);
    ck_assert_str_eq(finish(), "orphan_task");
}
END_TEST

/* A child of an inner group may outlive the outer group's other children;
 * only the group it was spawned into counts. */
START_TEST(test_no_orphan_nested_groups)
{
    start(NULL);
    main_with_group();
    enter(0, 1, "inner", CS_KIND_TASK_GROUP, 1, 0, INFINITY, false);
    spawn(0, 2, "b", 1);
    task_end(S(2), 2, CS_TASK_COMPLETED, NULL);
    leave(S(2), 1, 1, false, INFINITY, false);
    task_end(S(2), 1, CS_TASK_COMPLETED, NULL);
    leave(S(3), 0, 0, false, INFINITY, false);
    run_end(S(3), CS_RESULT_RETURNED, NULL);
    ck_assert_str_eq(finish(), "");
}
END_TEST

/* ---- shield_breach ------------------------------------------------------ */

/* main: outer (0) > shielded s (1); outer is cancelled and main gets a
 * cancellation whose origin is outer while inside s. */
static void breach_trace(bool exit_shield)
{
    spawn(0, 0, "main", -1);
    enter(0, 0, "outer", CS_KIND_CANCEL_SCOPE, 0, -1, INFINITY, false);
    enter(0, 1, "s", CS_KIND_CANCEL_SCOPE, 0, 0, INFINITY, true);
    cancel(S(1), 0, CS_CAUSE_EXPLICIT);
    delivered(S(1), 0, 0);
    leave(S(1), 1, 0, false, INFINITY, exit_shield);
    leave(S(1), 0, 0, true, INFINITY, false);
    task_end(S(1), 0, CS_TASK_COMPLETED, NULL);
    run_end(S(1), CS_RESULT_RETURNED, NULL);
}

START_TEST(test_shield_breach)
{
    start(NULL);
    breach_trace(true);
    ck_assert_str_eq(finish(), "shield_breach");
}
END_TEST

/* The scope left with another shield than it entered with: the shield
 * changed where the trace cannot see it, so nothing is claimed. */
START_TEST(test_shield_changed_unseen)
{
    start(NULL);
    breach_trace(false);
    ck_assert_str_eq(finish(), "");
}
END_TEST

static void update(int64_t t, int32_t scope, double deadline, bool shield)
{
    cs_event ev = cs_fake_event(CS_EV_SCOPE_UPDATE, t);
    ev.scope = scope;
    ev.task = 0;
    ev.deadline = deadline;
    ev.shield = shield;
    emit(&ev);
}

/* set_shield, seen through scope_update events: a shield raised before the
 * delivery makes it a breach; one lowered before it does not. */
START_TEST(test_shield_update)
{
    start(NULL);
    spawn(0, 0, "main", -1);
    enter(0, 0, "outer", CS_KIND_CANCEL_SCOPE, 0, -1, INFINITY, false);
    enter(0, 1, "s", CS_KIND_CANCEL_SCOPE, 0, 0, INFINITY, false);
    update(S(1), 1, INFINITY, true);
    cancel(S(1), 0, CS_CAUSE_EXPLICIT);
    delivered(S(1), 0, 0);
    leave(S(1), 1, 0, false, INFINITY, true);
    leave(S(1), 0, 0, true, INFINITY, false);
    task_end(S(1), 0, CS_TASK_COMPLETED, NULL);
    run_end(S(1), CS_RESULT_RETURNED, NULL);
    ck_assert_str_eq(finish(), "shield_breach");

    start(NULL);
    spawn(0, 0, "main", -1);
    enter(0, 0, "outer", CS_KIND_CANCEL_SCOPE, 0, -1, INFINITY, false);
    enter(0, 1, "s", CS_KIND_CANCEL_SCOPE, 0, 0, INFINITY, true);
    update(S(1), 1, INFINITY, false);
    cancel(S(1), 0, CS_CAUSE_EXPLICIT);
    delivered(S(1), 0, 0);
    leave(S(1), 1, 0, false, INFINITY, false);
    leave(S(1), 0, 0, true, INFINITY, false);
    task_end(S(1), 0, CS_TASK_COMPLETED, NULL);
    run_end(S(1), CS_RESULT_RETURNED, NULL);
    ck_assert_str_eq(finish(), "");
}
END_TEST

/* The shielded scope cancels itself, or the origin lies inside the shield. */
START_TEST(test_shield_no_breach)
{
    start(NULL);
    spawn(0, 0, "main", -1);
    enter(0, 0, "s", CS_KIND_CANCEL_SCOPE, 0, -1, INFINITY, true);
    enter(0, 1, "inner", CS_KIND_CANCEL_SCOPE, 0, 0, INFINITY, false);
    cancel(S(1), 1, CS_CAUSE_EXPLICIT);
    delivered(S(1), 0, 1);
    leave(S(1), 1, 0, true, INFINITY, false);
    cancel(S(1), 0, CS_CAUSE_EXPLICIT);
    delivered(S(1), 0, 0);
    leave(S(2), 0, 0, true, INFINITY, true);
    task_end(S(2), 0, CS_TASK_COMPLETED, NULL);
    run_end(S(2), CS_RESULT_RETURNED, NULL);
    ck_assert_str_eq(finish(), "");
}
END_TEST

/* A child task's chain runs through its group's scope: a shielded scope in
 * the child, the group cancelled by a failing sibling. */
START_TEST(test_shield_breach_in_child)
{
    start(NULL);
    main_with_group();
    enter(0, 1, NULL, CS_KIND_CANCEL_SCOPE, 1, 0, INFINITY, true);
    cancel(S(1), 0, CS_CAUSE_TASK_FAILED);
    delivered(S(1), 1, 0);
    task_end(S(1), 1, CS_TASK_COMPLETED, NULL);
    run_end(S(1), CS_RESULT_RETURNED, NULL); /* the anonymous scope never exits: settled here */
    ck_assert_str_eq(finish(), "shield_breach");
}
END_TEST

/* ---- lost_exception ----------------------------------------------------- */

START_TEST(test_lost_replaced_in_finally)
{
    cs_exc *x = cs_exc_new(CS_EXC_VALUE_ERROR, "first");
    cs_exc *y = cs_exc_new(CS_EXC_KEY_ERROR, "'second'");
    cs_exc_set_context(y, x);
    start(NULL);
    spawn(0, 0, "main", -1);
    exc_event(CS_EV_RAISE, 0, 0, x);
    exc_event(CS_EV_RAISE, 0, 0, y);
    task_end(0, 0, CS_TASK_FAILED, y);
    run_end(0, CS_RESULT_RAISED, y);
    cs_exc_unref(x); /* the checker keeps its own references */
    cs_exc_unref(y);
    ck_assert_ptr_nonnull(strstr(cs_findings_detail(g_f, CS_FINDING_LOST_EXCEPTION), "ValueError('first')"));
    ck_assert_str_eq(finish(), "lost_exception");
}
END_TEST

START_TEST(test_not_lost)
{
    cs_exc *caught = cs_exc_new(CS_EXC_VALUE_ERROR, "c");
    cs_exc *member = cs_exc_new(CS_FAKE_APP_ERROR, "m");
    cs_exc *grp = cs_exc_new_group(CS_EXC_EXCEPTION_GROUP, "unhandled errors in a TaskGroup", &member, 1);
    cs_exc *cancelled = cs_exc_new(CS_EXC_CANCELLED, "Cancelled via cancel scope");
    start(NULL);
    main_with_group();
    exc_event(CS_EV_RAISE, 0, 0, caught);
    exc_event(CS_EV_CATCH, 0, 0, caught);
    exc_event(CS_EV_RAISE, 0, 0, caught); /* a re-raise is the same exception */
    exc_event(CS_EV_CATCH, 0, 0, caught);
    exc_event(CS_EV_RAISE, 0, 1, member);
    task_end(0, 1, CS_TASK_FAILED, member);
    exc_event(CS_EV_GROUP_RAISE, 0, 0, grp);
    exc_event(CS_EV_RAISE, 0, 0, cancelled); /* cancellations are not judged here */
    leave(0, 0, 0, true, INFINITY, false);
    task_end(0, 0, CS_TASK_FAILED, grp);
    run_end(0, CS_RESULT_RAISED, grp);
    cs_exc_unref(caught);
    cs_exc_unref(grp);
    cs_exc_unref(member);
    cs_exc_unref(cancelled);
    ck_assert_str_eq(finish(), "");
}
END_TEST

/* Still propagating when every task waits: not vanished, not reported. */
START_TEST(test_in_flight_at_deadlock)
{
    cs_exc *x = cs_exc_new(CS_EXC_VALUE_ERROR, "x");
    start(NULL);
    spawn(0, 0, "main", -1);
    exc_event(CS_EV_RAISE, 0, 0, x);
    run_end(0, CS_RESULT_DEADLOCK, NULL);
    cs_exc_unref(x);
    ck_assert_str_eq(finish(), "deadlock");
}
END_TEST

/* An abandoned thread's error reaches nobody. */
START_TEST(test_lost_abandoned_thread)
{
    cs_exc *x = cs_exc_new(CS_EXC_OS_ERROR, "disk");
    start(NULL);
    spawn(0, 0, "main", -1);
    exc_event(CS_EV_THREAD_ABANDONED, S(1), 0, NULL);
    task_end(S(1), 0, CS_TASK_COMPLETED, NULL);
    exc_event(CS_EV_THREAD_END, S(3), 0, x);
    run_end(S(3), CS_RESULT_RETURNED, NULL);
    cs_exc_unref(x);
    ck_assert_str_eq(finish(), "lost_exception");
}
END_TEST

/* ---- cancel_escape ------------------------------------------------------ */

START_TEST(test_cancel_escape_run)
{
    cs_exc *c = cs_exc_new(CS_EXC_CANCELLED, "");
    start(NULL);
    spawn(0, 0, "main", -1);
    exc_event(CS_EV_TASK_END, 0, 0, c);
    run_end(0, CS_RESULT_RAISED, c);
    cs_exc_unref(c);
    ck_assert_str_eq(finish(), "cancel_escape");
}
END_TEST

START_TEST(test_cancel_escape_task)
{
    cs_exc *c = cs_exc_new(CS_EXC_CANCELLED, "");
    start(NULL);
    main_with_group();
    task_end(S(1), 1, CS_TASK_CANCELLED, c);
    leave(S(1), 0, 0, false, INFINITY, false);
    task_end(S(1), 0, CS_TASK_COMPLETED, NULL);
    run_end(S(1), CS_RESULT_RETURNED, NULL);
    cs_exc_unref(c);
    ck_assert_str_eq(finish(), "cancel_escape");
}
END_TEST

/* Cancelled through its group, through an ancestor of its group, or by a
 * scope of its own it has already left: no escape. */
START_TEST(test_no_cancel_escape)
{
    cs_exc *c = cs_exc_new(CS_EXC_CANCELLED, "");
    start(NULL);
    spawn(0, 0, "main", -1);
    enter(0, 0, "outer", CS_KIND_CANCEL_SCOPE, 0, -1, INFINITY, false);
    enter(0, 1, "tg", CS_KIND_TASK_GROUP, 0, 0, INFINITY, false);
    spawn(0, 1, "a", 1);
    spawn(0, 2, "b", 1);
    enter(0, 2, "own", CS_KIND_CANCEL_SCOPE, 2, 1, INFINITY, false);
    cancel(S(1), 2, CS_CAUSE_EXPLICIT);
    leave(S(1), 2, 2, true, INFINITY, false);
    task_end(S(1), 2, CS_TASK_CANCELLED, c);
    cancel(S(2), 0, CS_CAUSE_EXPLICIT);
    task_end(S(2), 1, CS_TASK_CANCELLED, c);
    leave(S(2), 1, 0, false, INFINITY, false);
    leave(S(2), 0, 0, true, INFINITY, false);
    task_end(S(2), 0, CS_TASK_COMPLETED, NULL);
    run_end(S(2), CS_RESULT_RETURNED, NULL);
    cs_exc_unref(c);
    ck_assert_str_eq(finish(), "");
}
END_TEST

/* ---- early_deadline ----------------------------------------------------- */

static void deadline_trace(int64_t fire, double exit_deadline)
{
    spawn(0, 0, "main", -1);
    enter(0, 0, "m", CS_KIND_MOVE_ON, 0, -1, 5.0, false);
    cancel(fire, 0, CS_CAUSE_DEADLINE);
    leave(fire, 0, 0, true, exit_deadline, false);
    task_end(fire, 0, CS_TASK_COMPLETED, NULL);
    run_end(fire, CS_RESULT_RETURNED, NULL);
}

START_TEST(test_early_deadline)
{
    start(NULL);
    deadline_trace(S(2), 5.0);
    ck_assert_str_eq(finish(), "early_deadline");
}
END_TEST

START_TEST(test_deadline_on_time)
{
    start(NULL);
    deadline_trace(S(5), 5.0);
    ck_assert_str_eq(finish(), "");
    start(NULL);
    deadline_trace(S(5) + 1, 5.0); /* late is not early */
    ck_assert_str_eq(finish(), "");
    /* moved earlier unseen (no scope_update): the exit shows it */
    start(NULL);
    deadline_trace(S(2), 2.0);
    ck_assert_str_eq(finish(), "");
}
END_TEST

/* set_deadline, seen through scope_update events: moved earlier, fired
 * there, moved back later; and moved later, then fired at the old time. */
START_TEST(test_deadline_update)
{
    start(NULL);
    spawn(0, 0, "main", -1);
    enter(0, 0, "m", CS_KIND_MOVE_ON, 0, -1, 5.0, false);
    update(S(1), 0, 2.0, false);
    cancel(S(2), 0, CS_CAUSE_DEADLINE);
    update(S(2), 0, 5.0, false);
    leave(S(2), 0, 0, true, 5.0, false);
    task_end(S(2), 0, CS_TASK_COMPLETED, NULL);
    run_end(S(2), CS_RESULT_RETURNED, NULL);
    ck_assert_str_eq(finish(), "");

    start(NULL);
    spawn(0, 0, "main", -1);
    enter(0, 0, "m", CS_KIND_MOVE_ON, 0, -1, 2.0, false);
    update(S(1), 0, 5.0, false);
    cancel(S(2), 0, CS_CAUSE_DEADLINE);
    leave(S(2), 0, 0, true, 5.0, false);
    task_end(S(2), 0, CS_TASK_COMPLETED, NULL);
    run_end(S(2), CS_RESULT_RETURNED, NULL);
    ck_assert_str_eq(finish(), "early_deadline");
}
END_TEST

/* ---- deadlock, several at once, added ones ------------------------------ */

/* issue 18: memory object streams.  items_left is lost_item; a deadlock
 * where a task waits on a stream end names it in the detail. */
START_TEST(test_stream_findings)
{
    start(NULL);
    spawn(0, 0, "main", -1);
    cs_event ev = cs_fake_event(CS_EV_ITEMS_LEFT, S(2));
    ev.label = "tx";
    ev.count = 3;
    emit(&ev);
    run_end(S(2), CS_RESULT_RETURNED, NULL);
    ck_assert_str_eq(cs_findings_detail(g_f, CS_FINDING_LOST_ITEM),
                     "3 items sent on 'tx' never received: still buffered when anyio.run() ended");
    ck_assert_str_eq(finish(), "lost_item");

    start(NULL);
    spawn(0, 0, "main", -1);
    spawn(0, 1, "r", -1);
    ev = cs_fake_event(CS_EV_TASK_WAITING, S(1));
    ev.task = 0;
    ev.label = "task_group tg";
    emit(&ev);
    ev.task = 1;
    ev.label = "receive rx";
    emit(&ev);
    run_end(S(1), CS_RESULT_DEADLOCK, NULL);
    ck_assert_str_eq(cs_findings_detail(g_f, CS_FINDING_DEADLOCK),
                     "every task waits at t=1; task 'r' waits on receive rx for ever: no task will send to that "
                     "stream or close it");
    ck_assert_str_eq(finish(), "deadlock");
}
END_TEST

START_TEST(test_deadlock_and_sorted)
{
    cs_exc *c = cs_exc_new(CS_EXC_CANCELLED, "");
    start(NULL);
    main_with_group();
    task_end(S(1), 1, CS_TASK_CANCELLED, c); /* cancel_escape */
    leave(S(1), 0, 0, false, INFINITY, false);
    spawn(S(1), 2, "late", 0);               /* orphan_task */
    run_end(S(1), CS_RESULT_DEADLOCK, NULL); /* deadlock */
    cs_findings_add(g_f, CS_FINDING_NONDETERMINISM, "traces differ");
    cs_findings_add(g_f, CS_FINDING_NONDETERMINISM, "second detail ignored");
    ck_assert_str_eq(cs_findings_detail(g_f, CS_FINDING_NONDETERMINISM), "traces differ");
    ck_assert_ptr_null(cs_findings_detail(g_f, CS_FINDING_SHIELD_BREACH));
    json_t *j = cs_findings_to_json(g_f);
    char *s = json_dumps(j, JSON_COMPACT);
    ck_assert_str_eq(s, "[\"cancel_escape\",\"deadlock\",\"nondeterminism\",\"orphan_task\"]");
    free(s);
    json_decref(j);
    cs_exc_unref(c);
    ck_assert_str_eq(finish(), "cancel_escape,deadlock,nondeterminism,orphan_task");
    ck_assert_ptr_null(cs_finding_name(CS_FINDING_COUNT));
}
END_TEST

/* ---- nondeterminism helper ---------------------------------------------- */

/* A fake run: emits a tiny trace whose end time is ctx[attempt]. */
static int fake_run(void *ctx, unsigned attempt, const cs_sink *trace)
{
    const int64_t *ends = ctx;
    if (ends[2] && attempt == 1)
        return -7;
    cs_program p = cs_fake_program("t");
    cs_event ev = cs_fake_event(CS_EV_RUN_START, 0);
    cs_fake_run_start_names(&ev, &p, CS_BACKEND_ASYNCIO);
    trace->fn(trace->ctx, &ev);
    ev = cs_fake_event(CS_EV_TASK_SPAWN, 0);
    ev.task = 0;
    ev.name = "main";
    ev.seq = 1;
    trace->fn(trace->ctx, &ev);
    ev = cs_fake_event(CS_EV_RUN_END, ends[attempt]);
    ev.seq = 2;
    ev.result = CS_RESULT_RETURNED;
    trace->fn(trace->ctx, &ev);
    return 0;
}

START_TEST(test_run_twice)
{
    bool differ = true;
    int64_t same[3] = {S(1), S(1), 0};
    ck_assert_int_eq(cs_findings_run_twice(fake_run, same, &differ), 0);
    ck_assert(!differ);
    int64_t other[3] = {S(1), S(2), 0};
    ck_assert_int_eq(cs_findings_run_twice(fake_run, other, &differ), 0);
    ck_assert(differ);
    int64_t failing[3] = {S(1), S(1), 1};
    ck_assert_int_eq(cs_findings_run_twice(fake_run, failing, &differ), -7);
}
END_TEST

/* ---- through the engine ------------------------------------------------- */

/* The findings of `text` run on asyncio, as "a,b". */
static const char *engine_findings(const char *text)
{
    cs_scenario *sc = NULL;
    cs_load_error err;
    ck_assert_msg(cs_load_buffer("t.json", text, strlen(text), &sc, &err) == 0, "load: %s", err.message);
    g_f = cs_findings_new();
    cs_sink sink = {cs_findings_sink, g_f};
    cs_run_options opt;
    cs_run_options_init(&opt);
    opt.sinks = &sink;
    opt.nsinks = 1;
    cs_run_error rerr;
    ck_assert_int_eq(cs_run(sc->program, &opt, &rerr), CS_OK);
    cs_scenario_free(sc); /* the checker must not need the program any more */
    return finish();
}

START_TEST(test_engine_clean)
{
    ck_assert_str_eq(engine_findings("{\"main\": [{\"task_group\": \"tg\", \"body\": ["
                                     "{\"start_soon\": \"a\", \"body\": [{\"sleep\": 1}, {\"raise\": \"ValueError\"}]},"
                                     "{\"start_soon\": \"b\", \"body\": [\"sleep_forever\"]}]}]}"),
                     "");
    ck_assert_str_eq(engine_findings("{\"main\": [{\"move_on_after\": 1, \"body\": ["
                                     "{\"cancel_scope\": \"s\", \"shield\": true, \"body\": [{\"sleep\": 2}]}]}]}"),
                     "");
}
END_TEST

START_TEST(test_engine_lost_in_finally)
{
    ck_assert_str_eq(engine_findings("{\"main\": [{\"try\": [{\"raise\": \"ValueError\"}],"
                                     " \"finally\": [{\"raise\": \"KeyError\", \"message\": \"k\"}]}]}"),
                     "lost_exception");
}
END_TEST

START_TEST(test_engine_deadlock)
{
    ck_assert_str_eq(engine_findings("{\"events\": [\"e\"], \"main\": [{\"wait\": \"e\"}]}"), "deadlock");
}
END_TEST

/* ---- scale -------------------------------------------------------------- */

START_TEST(test_million_tasks)
{
    enum { N = 1000000 };
    clock_t c0 = clock();
    start(NULL);
    spawn(0, 0, "main", -1);
    enter(0, 0, "tg", CS_KIND_TASK_GROUP, 0, -1, INFINITY, false);
    for (int32_t i = 1; i <= N; i++) {
        spawn(0, i, "w", 0);
        enter(0, i, NULL, CS_KIND_MOVE_ON, i, 0, 10.0, false);
    }
    cancel(S(1), 0, CS_CAUSE_EXPLICIT);
    for (int32_t i = 1; i <= N; i++) {
        delivered(S(1), i, 0);
        leave(S(1), i, i, false, 10.0, false);
        task_end(S(1), i, CS_TASK_CANCELLED, NULL);
    }
    leave(S(1), 0, 0, true, INFINITY, false);
    task_end(S(1), 0, CS_TASK_COMPLETED, NULL);
    run_end(S(1), CS_RESULT_RETURNED, NULL);
    ck_assert_str_eq(finish(), "");
    double secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
    ck_assert_msg(secs < 20.0, "a million tasks took %.1f s", secs);
}
END_TEST

static Suite *cs_findings_suite(void)
{
    Suite *s = suite_create("findings");
    TCase *tc = tcase_create("synthetic");
    tcase_add_test(tc, test_clean_run);
    tcase_add_test(tc, test_orphan);
    tcase_add_test(tc, test_orphan_spawned_after_exit);
    tcase_add_test(tc, test_no_orphan_nested_groups);
    tcase_add_test(tc, test_shield_breach);
    tcase_add_test(tc, test_shield_changed_unseen);
    tcase_add_test(tc, test_shield_update);
    tcase_add_test(tc, test_shield_no_breach);
    tcase_add_test(tc, test_shield_breach_in_child);
    tcase_add_test(tc, test_lost_replaced_in_finally);
    tcase_add_test(tc, test_not_lost);
    tcase_add_test(tc, test_in_flight_at_deadlock);
    tcase_add_test(tc, test_lost_abandoned_thread);
    tcase_add_test(tc, test_cancel_escape_run);
    tcase_add_test(tc, test_cancel_escape_task);
    tcase_add_test(tc, test_no_cancel_escape);
    tcase_add_test(tc, test_early_deadline);
    tcase_add_test(tc, test_deadline_on_time);
    tcase_add_test(tc, test_deadline_update);
    tcase_add_test(tc, test_deadlock_and_sorted);
    tcase_add_test(tc, test_run_twice);
    suite_add_tcase(s, tc);
    tc = tcase_create("engine");
    tcase_add_test(tc, test_engine_clean);
    tcase_add_test(tc, test_engine_lost_in_finally);
    tcase_add_test(tc, test_engine_deadlock);
    tcase_add_test(tc, test_stream_findings);
    suite_add_tcase(s, tc);
    tc = tcase_create("scale");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_million_tasks);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(cs_findings_suite());
    srunner_run_all(sr, CK_NORMAL);
    int run = srunner_ntests_run(sr);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    printf("findings: %d passed, %d failed\n", run - failed, failed);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
