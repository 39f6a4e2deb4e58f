/* aio_thread.c - to_thread.run_sync and from_thread on asyncio (AnyIO's
 * run_sync_in_worker_thread): checkpoint(), `async with limiter`, then a
 * CancelScope shielded unless abandon_on_cancel, and an await on a future
 * that the thread completes through call_soon_threadsafe.  Not abandoning, a
 * cancellation waits for the thread and its result is returned; abandoning,
 * the future is cancelled, the token returned at once and the result
 * dropped.  A from_thread body runs as its own task
 * (run_coroutine_threadsafe), in the worker's cancel scope.
 */
#include "aio.h"
#include "portal.h"
#include "sync.h"
#include "thread.h"

/* check_cancelled(): walks the scopes from the worker's. */
cs_exc *cs__aio_thread_check_cancelled(cs__engine *e, cs__thread *th)
{
    for (cs__scope *s = th->worker_scope; s; s = s->parent) {
        if (s->cancel_called) {
            cs_exc *x = cs__new_exc(e, CS_EXC_CANCELLED, "Cancelled via cancel scope");
            x->anyio_cancel = true;
            x->origin_scope = s->id;
            return x;
        }
        if (s->shield)
            break;
    }
    return NULL;
}

void cs__aio_thread_report(cs__engine *e, cs__thread *th)
{
    cs__call_soon(e, CS__CB_THREAD_REPORT, th, NULL);
}

void cs__aio_thread_call(cs__engine *e, cs__thread *th)
{
    /* run_sync_from_thread: call_soon_threadsafe(wrapper), the function runs in that callback (issue 26) */
    cs__call_soon(e, th->ft_sync ? CS__CB_FT_SYNC : CS__CB_FT_START, th, NULL);
}

/* from_thread.run_sync's wrapper: the body, which cannot await, runs at once
 * (its own task, stepped here, stands for the callback: it names the thread's
 * host in events), and the concurrent future is set right there. */
void cs__ft_sync(cs__engine *e, cs__thread *th)
{
    cs__task *t = cs__ft_task_new(e, th);
    cs__task_step(e, t, NULL);
}

/* task_wrapper: TaskState(None, scope); scope._tasks.add(task) */
void cs__aio_ft_task_begin(cs__engine *e, cs__task *t, cs__thread *th)
{
    (void)e;
    if (th->worker_scope && !t->tg) { /* a portal call's task is in the portal's group instead */
        t->cancel_scope = th->worker_scope;
        cs__scope_tasks_add(th->worker_scope, t);
    }
}

void cs__ft_start(cs__engine *e, cs__thread *th)
{
    if (cs__portal_spawn_refused(e, th))
        return;
    cs__task *t = cs__ft_task_new(e, th);
    cs__call_soon(e, CS__CB_TASK_STEP, t, NULL);
}

void cs__ft_done(cs__engine *e, cs__thread *th)
{
    cs__ft_resume(e, th, &th->ft_task->result);
}

/* WorkerThread._report_result, run by the loop. */
void cs__thread_report(cs__engine *e, cs__thread *th)
{
    cs__fut *f = th->wait;
    if (!f || f->state == CS__FUT_CANCELLED)
        return;
    if (th->result.type == CS__C_EXC)
        cs__fut_set_exception(e, f, th->result.exc);
    else
        cs__fut_set_result(e, f);
}

int cs__aio_step_to_thread(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    const cs_stmt *st = f->st;
    switch (f->phase) {
    case TH_BEGIN: f->phase = TH_LIMITER; return cs__aio_sleep(e, t, 0, "to_thread"); /* await checkpoint() */
    case TH_LIMITER:
        if (c->type != CS__C_NORMAL)
            return cs__pop_with(t, c, *c);
        f->phase = TH_STARTED;
        cs__push(e, t, CS__F_SYNC, st)->idx = 1; /* async with limiter: acquire */
        return CS__CONT;
    case TH_STARTED: {
        if (f->scope < 0) {
            if (c->type != CS__C_NORMAL)
                return cs__pop_with(t, c, *c);
            cs__scope *s = cs__scope_new(e, NULL, CS_KIND_INTERNAL, INFINITY, !st->abandon);
            f->scope = s->id;
            cs__scope_enter(e, s, t);
            cs__thread *th = cs__thread_new(e, t, st);
            th->limiter = cs__prim_of(e, st);
            th->worker_scope = st->abandon || !s->parent ? s : s->parent;
            cs__fut *fut = cs__fut_new(e);
            th->wait = cs__fut_ref(fut);
            f->obj = (int32_t)(e->nthreads - 1);
            t->wait_label = "to_thread";
            cs__thread_start(e, t, th, st->pos);
            return cs__yield_on(e, fut);
        }
        cs__completion r = cs__scope_exit(e, e->scopes[f->scope], *c);
        c->type = CS__C_NORMAL;
        c->exc = NULL;
        cs__prim_release(e, cs__prim_of(e, st), t); /* the limiter's __aexit__ */
        if (r.type == CS__C_RETURN)
            r.type = CS__C_NORMAL; /* a value stays in the shared slot (portal.c reads it) */
        if (r.type == CS__C_EXC && e->threads[f->obj]->result.type != CS__C_EXC && r.exc->cls == CS_EXC_CANCELLED)
            cs__emit_thread_abandoned(e, t, st->pos, (uint32_t)f->obj + 1); /* run_sync gave up on the thread */
        return cs__thread_done(e, t, c, r, e->threads[f->obj]);
    }
    }
    return CS__CONT;
}
