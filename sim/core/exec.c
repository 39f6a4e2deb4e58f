/* exec.c - running one simple statement (cs__exec), by family: waits,
 * control flow and probes, tasks and groups, cancel scopes, and shared
 * objects (locks, events, threads); memory object streams are stream.c's.  A compound statement only pushes its
 * frame here (frames.c, try.c step it); where the backends differ the family
 * calls through the policy table.
 */
#include <stdlib.h>

#include "backend_op.h"
#include "condition.h"
#include "interp.h"
#include "policy.h"
#include "portal.h"
#include "stream.h"
#include "sync.h"
#include "thread.h"
#include "util.h"

/* Statements that touch nothing another task reads or writes: schedule
 * points (which read the cancel state and the clock, which such statements do
 * not change) and control flow.  Any other statement makes its step loud. */
static const bool cs__quiet_ops[CS_OP_COUNT] = {
    [CS_OP_SLEEP] = true,
    [CS_OP_SLEEP_UNTIL] = true,
    [CS_OP_CHECKPOINT] = true,
    [CS_OP_CHECKPOINT_IF_CANCELLED] = true,
    [CS_OP_CANCEL_SHIELDED_CHECKPOINT] = true,
    [CS_OP_TRY] = true,
    [CS_OP_CALL] = true,
    [CS_OP_REPEAT] = true,
    [CS_OP_RETURN] = true,
    [CS_OP_IF] = true,
    [CS_OP_LOOP] = true,
    [CS_OP_BREAK] = true,
    [CS_OP_CONTINUE] = true,
    [CS_OP_LET] = true,
    [CS_OP_RETURN_VALUE] = true,
};

static void cs__log(cs__engine *e, cs__task *t, const char *msg, cs_value_kind vk, double num, bool b)
{
    cs_event ev;
    cs__ev_init(e, &ev, CS_EV_LOG);
    ev.task = cs__log_id(t);
    ev.msg = msg;
    ev.value_kind = vk;
    ev.number = num;
    ev.boolean = b;
    cs__emit(e, &ev);
}

/* The task a statement names (await, cancel_task), or NULL after a scenario
 * error. */
static cs__task *cs__named_task(cs__engine *e, const cs_stmt *st)
{
    int32_t id = st->ref >= 0 ? e->task_latest[st->ref] : -1;
    if (id < 0) {
        cs__fail_scenario(e, st->pos, "task '%s' is used before it was created", e->prog->tasks[st->ref].name);
        return NULL;
    }
    return e->tasks[id];
}

/* The next instant a busy statement stops at: a worker thread's wake-up or a Ctrl+C. */
static int64_t cs__busy_next(const cs__engine *e)
{
    int64_t w = cs__threads_next_wake(e), k = cs__interrupt_next(e);
    return k < w ? k : w;
}

/* busy: the loop is blocked; worker threads run on at their own times, and
 * a Ctrl+C that arrives meanwhile lands in this task's code (interrupt.c). */
static int cs__exec_busy(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c)
{
    double d = cs__dur(t, &st->dur);
    int64_t ns = cs__s_to_ns(d);
    if ((double)e->now + (double)ns > e->opt.time_limit * 1e9) {
        e->aborted = true;
        e->limit_kind = CS_RESULT_LIMIT_TIME;
        return CS__YIELD;
    }
    int64_t target = e->now + ns;
    for (int64_t w; (w = cs__busy_next(e)) <= target && !e->aborted;) {
        if (w > e->now)
            e->now = w;
        if (cs__interrupt_next(e) <= e->now) {
            e->ki_next++;
            cs_exc *x = cs__interrupt_task(e, t, st->pos);
            if (x) { /* raised where the code was: the rest of the busy time never passes */
                cs__emit_raise(e, t, x, st->pos);
                *c = cs__c_exc(x);
                return CS__CONT;
            }
        }
        cs__threads_release_due(e);
    }
    e->now = target;
    return CS__CONT;
}

/* sleeps, checkpoints, busy */
static int cs__exec_wait(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c)
{
    (void)c;
    switch (st->op) {
    case CS_OP_SLEEP: return e->pol->sleep(e, t, cs__dur(t, &st->dur), "sleep");
    case CS_OP_SLEEP_UNTIL: {
        /* anyio.sleep_until(t) is sleep(max(t - now, 0)) */
        double d = st->num - cs__now_s(e);
        return e->pol->sleep(e, t, d > 0 ? d : 0, "sleep_until");
    }
    case CS_OP_SLEEP_FOREVER: return e->pol->sleep(e, t, INFINITY, "sleep_forever");
    case CS_OP_CHECKPOINT: return e->pol->checkpoint(e, t, st);
    case CS_OP_CHECKPOINT_IF_CANCELLED: return e->pol->checkpoint_if_cancelled(e, t, st);
    case CS_OP_CANCEL_SHIELDED_CHECKPOINT: return e->pol->cancel_shielded_checkpoint(e, t, st);
    default: /* CS_OP_BUSY */ return cs__exec_busy(e, t, st, c);
    }
}

/* probe: a value the scenario logs (deadline, clock, a scope's properties) */
static int cs__exec_probe(cs__engine *e, cs__task *t, const cs_stmt *st)
{
    if (st->probe == CS_PROBE_EFFECTIVE_DEADLINE) {
        cs__log(e, t, "effective_deadline", CS_VAL_NUMBER, cs__effective_deadline(e, t), false);
        return CS__CONT;
    }
    if (st->probe == CS_PROBE_TIME) {
        cs__log(e, t, "time", CS_VAL_NUMBER, cs__now_s(e), false);
        return CS__CONT;
    }
    cs__scope *s = cs__scope_ref(e, st, st->ref);
    if (!s)
        return CS__YIELD;
    static const char *const names[] = {"", "", "cancel_called", "cancelled_caught", "deadline", "shield"};
    char *msg = cs_xasprintf("%s.%s", e->prog->scopes[st->ref].name, names[st->probe]);
    if (st->probe == CS_PROBE_DEADLINE)
        cs__log(e, t, msg, CS_VAL_NUMBER, s->deadline, false);
    else
        cs__log(e, t, msg, CS_VAL_BOOL, 0,
                st->probe == CS_PROBE_CANCEL_CALLED      ? e->pol->scope_cancel_called(e, s)
                : st->probe == CS_PROBE_CANCELLED_CAUGHT ? s->cancelled_caught
                                                         : s->shield);
    free(msg);
    return CS__CONT;
}

/* raise, bare raise, return, log, probe, and the compound try/call/repeat */
static int cs__exec_flow(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c)
{
    switch (st->op) {
    case CS_OP_RAISE: {
        cs_exc *x = st->count >= 0 ? cs__raise_group(e, t, st) : cs__raise_new(e, t, st->ref, st->text);
        cs__emit_raise(e, t, x, st->pos);
        *c = cs__c_exc(x);
        return CS__CONT;
    }
    case CS_OP_RERAISE: *c = cs__c_exc(cs_exc_ref(cs__handled_exc(t))); return CS__CONT;
    case CS_OP_RETURN:
        c->type = CS__C_RETURN;
        c->value_json = st->value_json;
        return CS__CONT;
    case CS_OP_LOG: cs__log(e, t, st->text, CS_VAL_NONE, 0, false); return CS__CONT;
    case CS_OP_PROBE: return cs__exec_probe(e, t, st);
    case CS_OP_TRY: cs__push(e, t, CS__F_TRY, st); return CS__CONT;
    case CS_OP_CALL:
        if (st->flow) /* arguments, `as` (dataflow.c) */
            return cs__flow_call(e, t, st);
        cs__push(e, t, CS__F_CALL, st);
        return CS__CONT;
    default: /* CS_OP_REPEAT */ cs__push(e, t, CS__F_REPEAT, st); return CS__CONT;
    }
}

/* tg.start_soon / create_task (a `count` spawns that many): each spawn may
 * raise (an inactive or closed group) */
static int cs__exec_spawn(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c)
{
    cs__tg *g = cs__target_tg(e, t, st);
    if (!g)
        return CS__YIELD;
    bool counted = st->op == CS_OP_START_SOON && st->count >= 0;
    if (counted && (uint64_t)st->count > e->opt.task_limit - e->ntasks) {
        /* the whole count cannot fit: stop before building a million tasks */
        e->aborted = true;
        e->limit_kind = CS_RESULT_LIMIT_TASKS;
        return CS__YIELD;
    }
    for (int64_t i = 0; i < (counted ? st->count : 1) && !e->aborted; i++) {
        e->emit_pos = st->pos;
        uint32_t before = e->ntasks;
        cs_exc *x = e->pol->spawn(e, g, t, st->name, counted ? i : -1, st);
        e->emit_pos = (cs_pos){0, 0};
        /* a spawn's `function` arguments, taken now in the spawner (the new task is the last) */
        if (!x && e->ntasks > before && !cs__flow_spawned(e, t, st, e->tasks[e->ntasks - 1]))
            return CS__YIELD;
        if (x) {
            cs_exc *h = cs__handled_exc(t);
            if (h)
                cs_exc_set_context(x, h);
            cs__emit_raise(e, t, x, st->pos);
            *c = cs__c_exc(x);
            return CS__CONT;
        }
    }
    return CS__CONT;
}

/* task groups and the tasks in them: spawn, start, await, cancel */
static int cs__exec_tasks(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c)
{
    switch (st->op) {
    case CS_OP_TASK_GROUP: cs__push(e, t, CS__F_TG, st); return CS__CONT;
    case CS_OP_AWAIT_TASK: {
        cs__task *h = cs__named_task(e, st);
        if (!h)
            return CS__YIELD;
        cs__push(e, t, CS__F_AWAIT_TASK, st)->obj = h->id;
        return CS__CONT;
    }
    case CS_OP_CANCEL_TASK: {
        cs__task *h = cs__named_task(e, st);
        if (!h)
            return CS__YIELD;
        if (!cs__rare(h)->finished->value) {
            e->emit_pos = st->pos;
            cs__scope_cancel(e, cs__handle_scope(e, h), NULL, CS_CAUSE_TASK_HANDLE);
            e->emit_pos = (cs_pos){0, 0};
        }
        return CS__CONT;
    }
    case CS_OP_START: cs__push(e, t, CS__F_START, st); return CS__CONT;
    case CS_OP_STARTED: /* issue 26: a portal's start_task has its own task_status */
        return cs__portal_started(e, t, st) ? CS__CONT : e->pol->started(e, t, st, c);
    default: /* CS_OP_CREATE_TASK, CS_OP_START_SOON */ return cs__exec_spawn(e, t, st, c);
    }
}

/* cancel scopes: entering one (a frame), cancel, shield, deadline */
static int cs__exec_scope(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c)
{
    (void)c;
    if (st->op != CS_OP_CANCEL && st->op != CS_OP_SET_SHIELD && st->op != CS_OP_SET_DEADLINE) {
        cs__push(e, t, CS__F_SCOPE, st); /* cancel_scope, move_on_*, fail_* */
        return CS__CONT;
    }
    cs__scope *s = cs__scope_ref(e, st, st->ref);
    if (!s)
        return CS__YIELD;
    if (st->op == CS_OP_CANCEL) {
        e->emit_pos = st->pos;
        cs__scope_cancel(e, s, st->text, CS_CAUSE_EXPLICIT);
        e->emit_pos = (cs_pos){0, 0};
    } else if (st->op == CS_OP_SET_SHIELD) {
        cs__scope_set_shield(e, s, st->shield);
    } else {
        cs__scope_set_deadline(e, s, st->num);
    }
    return CS__CONT;
}

/* what tasks share: locks, semaphores, limiters, events, worker threads */
static int cs__exec_shared(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c)
{
    (void)c;
    switch (st->op) {
    case CS_OP_TO_THREAD: cs__push(e, t, CS__F_TO_THREAD, st); return CS__CONT;
    case CS_OP_WAIT: /* the event named, or the one a parameter holds (dataflow.c) */
        return e->pol->event_wait(e, t, &e->events[cs__flow_obj(e, t, st)]);
    case CS_OP_SET: e->pol->event_set(e, &e->events[cs__flow_obj(e, t, st)]); return CS__CONT;
    default: /* CS_OP_WITH_LOCK, CS_OP_WITH_SEMAPHORE, CS_OP_WITH_LIMITER */
        cs__push(e, t, CS__F_SYNC, st);
        return CS__CONT;
    }
}

typedef int (*cs__exec_fn)(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c);

/* Each statement's family; NULL: not a statement a task runs (a worker
 * thread's steps are thread.c's). */
static const cs__exec_fn cs__families[CS_OP_COUNT] = {
    [CS_OP_SLEEP] = cs__exec_wait,
    [CS_OP_SLEEP_UNTIL] = cs__exec_wait,
    [CS_OP_SLEEP_FOREVER] = cs__exec_wait,
    [CS_OP_CHECKPOINT] = cs__exec_wait,
    [CS_OP_CHECKPOINT_IF_CANCELLED] = cs__exec_wait,
    [CS_OP_CANCEL_SHIELDED_CHECKPOINT] = cs__exec_wait,
    [CS_OP_BUSY] = cs__exec_wait,
    [CS_OP_RAISE] = cs__exec_flow,
    [CS_OP_RERAISE] = cs__exec_flow,
    [CS_OP_RETURN] = cs__exec_flow,
    [CS_OP_LOG] = cs__exec_flow,
    [CS_OP_PROBE] = cs__exec_flow,
    [CS_OP_TRY] = cs__exec_flow,
    [CS_OP_CALL] = cs__exec_flow,
    [CS_OP_REPEAT] = cs__exec_flow,
    [CS_OP_TASK_GROUP] = cs__exec_tasks,
    [CS_OP_START_SOON] = cs__exec_tasks,
    [CS_OP_CREATE_TASK] = cs__exec_tasks,
    [CS_OP_START] = cs__exec_tasks,
    [CS_OP_STARTED] = cs__exec_tasks,
    [CS_OP_AWAIT_TASK] = cs__exec_tasks,
    [CS_OP_CANCEL_TASK] = cs__exec_tasks,
    [CS_OP_CANCEL_SCOPE] = cs__exec_scope,
    [CS_OP_MOVE_ON_AFTER] = cs__exec_scope,
    [CS_OP_FAIL_AFTER] = cs__exec_scope,
    [CS_OP_MOVE_ON_AT] = cs__exec_scope,
    [CS_OP_FAIL_AT] = cs__exec_scope,
    [CS_OP_CANCEL] = cs__exec_scope,
    [CS_OP_SET_SHIELD] = cs__exec_scope,
    [CS_OP_SET_DEADLINE] = cs__exec_scope,
    [CS_OP_TO_THREAD] = cs__exec_shared,
    [CS_OP_WAIT] = cs__exec_shared,
    [CS_OP_SET] = cs__exec_shared,
    [CS_OP_WITH_LOCK] = cs__exec_shared,
    [CS_OP_WITH_SEMAPHORE] = cs__exec_shared,
    [CS_OP_WITH_LIMITER] = cs__exec_shared,
    [CS_OP_SEND] = cs__exec_stream,
    [CS_OP_SEND_NOWAIT] = cs__exec_stream,
    [CS_OP_RECEIVE] = cs__exec_stream,
    [CS_OP_RECEIVE_NOWAIT] = cs__exec_stream,
    [CS_OP_ASYNC_FOR] = cs__exec_stream,
    [CS_OP_CLOSE] = cs__exec_stream,
    [CS_OP_ACLOSE] = cs__exec_stream,
    [CS_OP_CLONE] = cs__exec_stream,
    [CS_OP_WITH_STREAM] = cs__exec_stream,
    [CS_OP_STATISTICS] = cs__exec_stream,
    [CS_OP_WITH_CONDITION] = cs__exec_condition,
    [CS_OP_CONDITION_WAIT] = cs__exec_condition,
    [CS_OP_NOTIFY] = cs__exec_condition,
    [CS_OP_NOTIFY_ALL] = cs__exec_condition,
    [CS_OP_IF] = cs__flow_exec, /* data flow: dataflow.c */
    [CS_OP_LOOP] = cs__flow_exec,
    [CS_OP_BREAK] = cs__flow_exec,
    [CS_OP_CONTINUE] = cs__flow_exec,
    [CS_OP_LET] = cs__flow_exec,
    [CS_OP_PRINT] = cs__flow_exec,
    [CS_OP_RETURN_VALUE] = cs__flow_exec,
    /* primitives: nowait acquires, explicit acquire/release, limiter tokens, exception groups */
    [CS_OP_ACQUIRE] = cs__exec_prim, /* prim_ops.c */
    [CS_OP_ACQUIRE_NOWAIT] = cs__exec_prim,
    [CS_OP_RELEASE] = cs__exec_prim,
    [CS_OP_SET_TOTAL_TOKENS] = cs__exec_prim,
    [CS_OP_SYNC_STATISTICS] = cs__exec_prim,
    [CS_OP_CONDITION_STATISTICS] = cs__exec_prim,
    [CS_OP_CONDITION_ACQUIRE] = cs__exec_prim,
    [CS_OP_CONDITION_ACQUIRE_NOWAIT] = cs__exec_prim,
    [CS_OP_CONDITION_RELEASE] = cs__exec_prim,
    [CS_OP_TASK_RETURN_VALUE] = cs__exec_task_return_value, /* handle_value.c */
    [CS_OP_LOCKED] = cs__exec_prim,
    [CS_OP_CONDITION_LOCKED] = cs__exec_prim,
    /* async generators and @asynccontextmanager */
    [CS_OP_YIELD] = cs__exec_gen, /* generator.c */
    [CS_OP_ASYNC_WITH] = cs__exec_gen,
    [CS_OP_ACLOSING] = cs__exec_gen,
    [CS_OP_REENTER] = cs__exec_gen,
    [CS_OP_SCOPE_ENTER] = cs__exec_scope_manual, /* scope_manual.c */
    [CS_OP_SCOPE_EXIT] = cs__exec_scope_manual,
    [CS_OP_AGEN] = cs__exec_agen, /* agen.c */
    [CS_OP_ANEXT] = cs__exec_agen,
    [CS_OP_AGEN_ACLOSE] = cs__exec_agen,
    /* native asyncio (asyncio backend only) */
    [CS_OP_ASYNCIO_CREATE_TASK] = cs__exec_backend_op,
    [CS_OP_ASYNCIO_AWAIT] = cs__exec_backend_op,
    [CS_OP_ASYNCIO_CANCEL] = cs__exec_backend_op,
    [CS_OP_UNCANCEL] = cs__exec_backend_op,
    [CS_OP_ASYNCIO_PROBE] = cs__exec_backend_op,
    [CS_OP_ASYNCIO_TIMEOUT] = cs__exec_backend_op,
    [CS_OP_ASYNCIO_TIMEOUT_AT] = cs__exec_backend_op,
    [CS_OP_WAIT_FOR] = cs__exec_backend_op,
    [CS_OP_ASYNCIO_SHIELD] = cs__exec_backend_op,
    [CS_OP_ASYNCIO_TASK_GROUP] = cs__exec_backend_op,
    [CS_OP_ASYNCIO_TG_CREATE_TASK] = cs__exec_backend_op,
    [CS_OP_ASYNCIO_FUTURE] = cs__exec_backend_op,
    [CS_OP_AWAIT_FUTURE] = cs__exec_backend_op,
    [CS_OP_FUTURE_SET_RESULT] = cs__exec_backend_op,
    [CS_OP_FUTURE_CANCEL] = cs__exec_backend_op,
    /* portals, foreign threads and Ctrl+C */
    [CS_OP_INTERRUPT] = cs__exec_interrupt,
    /* blocking portals */
    [CS_OP_BLOCKING_PORTAL] = cs__exec_portal, /* portal.c */
    [CS_OP_PORTAL_STOP] = cs__exec_portal,
    [CS_OP_PORTAL_CM_WAIT] = cs__exec_portal,
    [CS_OP_PORTAL_CM_THROW] = cs__exec_portal,
    [CS_OP_PORTAL_CM_SET] = cs__exec_portal,
    [CS_OP_PORTAL_SCOPE_CANCEL] = cs__exec_portal,
    /* threads AnyIO did not start */
    [CS_OP_CURRENT_TOKEN] = cs__exec_current_token, /* plain_thread.c */
    [CS_OP_SBP_WAIT_STOPPED] = cs__exec_sbp_wait,   /* sync_main.c */
};

int cs__exec(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c)
{
    assert(st->op < CS_OP_COUNT);
    e->loud += !cs__quiet_ops[st->op];
    cs__exec_fn fn = cs__families[st->op];
    if (!fn) {
        cs__fail_scenario(e, st->pos, "this statement is not modelled yet");
        e->error = CS_E_UNSUPPORTED;
        return CS__YIELD;
    }
    return fn(e, t, st, c);
}
