/* trio_thread.c - trio.to_thread.run_sync and from_thread behind AnyIO:
 * checkpoint_if_cancelled(), the limiter acquired for a placeholder, then a
 * park whose abort fails (the thread is awaited) or succeeds (abandoned).
 * The thread's end reaches the loop through run_sync_soon: a system step in a
 * later batch releases the token and reschedules the host, unless it was
 * abandoned.  A from_thread body runs in the waiting host (Run.run), or as a
 * task of the system nursery when the thread was abandoned.
 */
#include <assert.h>
#include <stdlib.h>

#include "portal.h"
#include "sync.h"
#include "thread.h"
#include "trio.h"

/* RQ_INIT: not a thread's: trio's finalize_remaining() rescheduling init */
enum { RQ_REPORT, RQ_RUN_HOST, RQ_RUN_SYSTEM, RQ_INIT, RQ_SYNC_SOON };

/* trio_token.run_sync_soon(...): the system step runs these in order. */
static void cs__trio_queue(cs__engine *e, cs__thread *th, uint8_t kind)
{
    th->report_kind = kind;
    th->next_report = NULL;
    cs__thread **tail = &cs__trio(e)->reports;
    while (*tail)
        tail = &(*tail)->next_report;
    *tail = th;
}

/* check_cancelled(): the cancellation, once one was delivered to the host. */
cs_exc *cs__trio_thread_check_cancelled(cs__engine *e, cs__thread *th)
{
    (void)e;
    return th->cancel_exc ? cs_exc_ref(th->cancel_exc) : NULL;
}

/* deliver_worker_fn_result -> trio_token.run_sync_soon(report_back) */
void cs__trio_thread_report(cs__engine *e, cs__thread *th)
{
    cs__trio_queue(e, th, RQ_REPORT);
}

void cs__trio_thread_call(cs__engine *e, cs__thread *th)
{
    /* a call passing a token (issue 26; a plain thread always does, and so
     * does a portal: cs__portal_call sets ft_token): trio runs it in the system nursery */
    bool system = th->st->abandon || th->ft_token;
    /* RunSync.run_in_system_nursery is run_sync_soon(self.run_sync): it runs in the queue's pass (issue 26) */
    cs__trio_queue(e, th, system ? (th->ft_sync ? RQ_SYNC_SOON : RQ_RUN_SYSTEM) : RQ_RUN_HOST);
}

void cs__trio_ft_task_begin(cs__engine *e, cs__task *t, cs__thread *th)
{
    (void)e;
    (void)t;
    (void)th;
}

void cs__trio_ft_task_exited(cs__engine *e, cs__task *t)
{
    t->run = CS__TS_DONE;
    if (t->member_of)
        cs__scope_tasks_remove(t->member_of, t);
    t->cancel_scope = NULL;
    if (t->tg) { /* a portal call's task: the thread had its result; a child of the portal's group */
        cs__trio_child_finished(e, t->tg, t);
        return;
    }
    cs__ft_resume(e, cs__rare(t)->ft_thread, &t->result);
    cs__trio_system_task_done(e);
}

uint32_t cs__trio_system_live(const cs__engine *e)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < e->nft; i++)
        n += e->ft_tasks[i]->run != CS__TS_DONE;
    return n;
}

void cs__trio_queue_init(cs__engine *e)
{
    cs__thread *marker = cs__arena_calloc(&e->arena, sizeof *marker); /* freed with the run */
    cs__trio_queue(e, marker, RQ_INIT);
}

/* The system nursery's cancel scope, cancelled at shutdown: the from_thread
 * bodies still running get Cancelled ("shutdown") at their next checkpoint.
 * Made only then (no scope id is taken in a run that never needs it); each
 * body's outermost scope, or the task itself, is put under it. */
void cs__trio_cancel_system(cs__engine *e)
{
    cs__scope *sysn = cs__scope_new(e, NULL, CS_KIND_INTERNAL, INFINITY, false);
    sysn->active = true;
    for (uint32_t i = 0; i < e->nft; i++) {
        cs__task *t = e->ft_tasks[i];
        if (t->run == CS__TS_DONE)
            continue;
        if (!t->cancel_scope) {
            t->cancel_scope = sysn;
            cs__scope_tasks_add(sysn, t);
            continue;
        }
        cs__scope *root = t->cancel_scope;
        for (uint32_t guard = 0; root->parent && guard < e->nscopes; guard++)
            root = root->parent;
        if (root != sysn)
            cs__trio_reparent(e, root, sysn);
    }
    cs__trio_cancel(e, sysn, CS__SRC_SHUTDOWN, "main task done, shutting down system tasks", CS_CAUSE_EXPLICIT);
}

/* RunSync.run_sync() inside the run_sync_soon pass (issue 26): the body,
 * which cannot await, runs to its end here, as a task of its own standing for
 * the callback. */
static void cs__trio_run_sync_now(cs__engine *e, cs__thread *th)
{
    cs__task *t = cs__ft_task_new(e, th);
    cs__task *prev = e->current;
    e->current = t;
    bool finished = cs__interp_resume(e, t, (cs__completion){.type = CS__C_NORMAL});
    e->current = prev;
    assert(finished || e->aborted); /* nothing in the body awaits */
    if (finished)
        cs__trio_ft_task_exited(e, t);
}

/* Trio's Run.run() in the waiting host: a schedule point, the body with its
 * outcome captured, another schedule point, then the thread gets the outcome.
 * RunSync.run_sync() (from_thread_sync, issue 26) has no schedule points. */
int cs__step_ft_host(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    cs__thread *th = e->threads[f->obj]; /* not the task's rare thread: the body may call to_thread itself */
    switch (f->phase) {
    case 0:
        f->phase = 1;
        if (!th->ft_sync)
            return CS__YIELD;
        /* fall through */
    case 1:
        f->phase = 2;
        cs__push_body(e, t, *th->ft_body);
        return CS__CONT;
    case 2:
        cs__completion_clear(&th->ft_result);
        th->ft_result = *c;
        if (th->ft_result.type == CS__C_RETURN)
            th->ft_result.type = CS__C_NORMAL;
        c->type = CS__C_NORMAL;
        c->exc = NULL;
        f->phase = 3;
        if (!th->ft_sync)
            return CS__YIELD;
        /* fall through */
    default: {
        cs__completion r = th->ft_result;
        th->ft_result.type = CS__C_NORMAL;
        th->ft_result.exc = NULL;
        cs__ft_resume(e, th, &r);
        cs__completion_clear(&r);
        cs__pop(t);
        c->type = CS__C_NORMAL;
        return CS__CONT;
    }
    }
}

/* Trio: the run_sync_soon system step: report_back_in_trio_thread_fn for each
 * finished thread, in order. */
void cs__trio_thread_reports(cs__engine *e)
{
    cs__trio_state *ts = cs__trio(e);
    while (ts->reports) {
        cs__thread *th = ts->reports;
        ts->reports = th->next_report;
        switch (th->report_kind) {
        case RQ_REPORT:
            cs__prim_release(e, th->limiter, NULL); /* the placeholder's token */
            if (!th->abandoned) {
                th->reported = true;
                cs__trio_reschedule(e, th->host, NULL);
            }
            break;
        case RQ_RUN_HOST: /* reschedule the host with the Run message */
            th->run_request = true;
            cs__trio_reschedule(e, th->host, NULL);
            break;
        case RQ_INIT: cs__trio_reschedule(e, ts->init_task, NULL); break;
        case RQ_SYNC_SOON: cs__trio_run_sync_now(e, th); break;
        default:                   /* spawn_system_task(run_system) */
            if (ts->sysn_closed) { /* "system nursery is closed": RunFinishedError for the thread */
                th->run_finished = true;
                cs__thread_release(e, th);
                break;
            }
            if (!cs__portal_spawn_refused(e, th))
                cs__trio_reschedule(e, cs__ft_task_new(e, th), NULL);
            break;
        }
    }
}

int cs__trio_step_to_thread(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    const cs_stmt *st = f->st;
    switch (f->phase) {
    case TH_BEGIN: f->phase = TH_LIMITER; return e->pol->checkpoint_if_cancelled(e, t, st);
    case TH_LIMITER:
        if (c->type != CS__C_NORMAL)
            return cs__pop_with(t, c, *c);
        f->phase = TH_STARTED;
        cs__push(e, t, CS__F_SYNC, st)->idx = 1; /* limiter.acquire_on_behalf_of(placeholder) */
        return CS__CONT;
    default: {
        if (f->obj < 0) {
            if (c->type != CS__C_NORMAL)
                return cs__pop_with(t, c, *c);
            cs__thread *th = cs__thread_new(e, t, st);
            th->limiter = cs__prim_of(e, st);
            f->obj = (int32_t)(e->nthreads - 1);
            cs__trio_rmut(e, t)->thread = th;
            t->wait_label = "to_thread";
            cs__thread_start(e, t, th, st->pos);
            cs__trio_rmut(e, t)->thread = th;
            cs__trio_t(t)->parking = true;
            cs__trio_t(t)->thread_wait = true;
            cs__trio_t(t)->abort_kind = st->abandon ? CS__ABORT_SUCCEEDED : CS__ABORT_FAILED;
            return CS__YIELD;
        }
        cs__thread *th = e->threads[f->obj];
        if (c->type == CS__C_NORMAL && th->run_request) { /* from_thread.run in the host */
            th->run_request = false;
            cs__push(e, t, CS__F_FT_HOST, st)->obj = f->obj;
            return CS__CONT;
        }
        if (c->type == CS__C_NORMAL && !th->reported) { /* back to waiting for the thread */
            t->wait_label = "to_thread";
            cs__trio_t(t)->parking = true;
            cs__trio_t(t)->thread_wait = true;
            cs__trio_t(t)->abort_kind = st->abandon ? CS__ABORT_SUCCEEDED : CS__ABORT_FAILED;
            return CS__YIELD;
        }
        CS__TRIO_RARE_CLEAR(t, thread);
        if (c->type != CS__C_NORMAL) { /* abandoned: the cancellation */
            cs__emit_thread_abandoned(e, t, st->pos, th->id + 1);
            return cs__pop_with(t, c, *c);
        }
        return cs__thread_done(e, t, c, cs__thread_outcome(th), th);
    }
    }
}

/* A cancellation delivered to a Trio host parked in to_thread: the abort
 * records it for check_cancelled(), and abandons the thread if it may. */
void cs__trio_thread_cancelled(cs__engine *e, cs__task *t, bool abandoned)
{
    cs__thread *th = cs__trio_r(t)->thread;
    if (!th->cancel_exc)
        th->cancel_exc = cs__trio_cancelled_exc(e, t->cancel_scope);
    if (abandoned)
        th->abandoned = true;
}
