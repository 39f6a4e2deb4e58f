/* aio_start.c - `value = await tg.start(fn)` and `task_status.started()` on
 * asyncio (AnyIO's TaskGroup.start): the child joins the group at once; the
 * caller awaits a status future.  started() completes it; a child that fails
 * or returns first sets it to that exception (or to RuntimeError) through
 * task_done, and the group never sees it.  If the caller is cancelled while it
 * waits, the child's handle is cancelled and awaited under a shield.
 */
#include "aio.h"

enum { ST_BEGIN, ST_WAIT, ST_CANCEL_WAIT };

int cs__aio_step_start(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    if (f->phase == ST_BEGIN) {
        cs__tg *g = cs__target_tg(e, t, f->st);
        if (!g)
            return CS__YIELD;
        if (!g->entered || !g->scope->active)
            return cs__start_raise(e, t, c, "This task group is not active; no new tasks can be started.");
        cs__fut *fut = cs__fut_new(e);
        cs__aio_tg_spawn(e, g, t, f->st->name, -1, f->st);
        cs__task *child = e->tasks[e->ntasks - 1];
        cs__aio_rmut(e, child)->start_fut = cs__fut_ref(fut);
        f->obj = child->id;
        f->wait = cs__fut_ref(fut);
        f->phase = ST_WAIT;
        t->wait_label = cs__rare(child)->start_label;
        return cs__yield_on(e, fut);
    }
    cs__task *child = e->tasks[f->obj];
    if (f->phase == ST_WAIT) {
        cs__fut_unref(e, f->wait);
        f->wait = NULL;
        bool pending = child->run != CS__TS_DONE && !cs__rare(child)->finished->value &&
                       !cs__handle_scope(e, child)->cancel_called;
        if (c->type != CS__C_EXC || !pending)
            return cs__start_done(e, t, c, *c, child);
        /* handle.cancel(); with CancelScope(shield=True): await handle.wait() */
        cs__scope_cancel(e, cs__handle_scope(e, child), NULL, CS_CAUSE_TASK_HANDLE);
        f->saved = *c;
        c->type = CS__C_NORMAL;
        c->exc = NULL;
        cs__scope *s = cs__scope_new(e, NULL, CS_KIND_INTERNAL, INFINITY, true);
        f->scope = s->id;
        cs__scope_enter(e, s, t);
        f->phase = ST_CANCEL_WAIT;
        return cs__aio_event_wait(e, t, cs__rare(child)->finished);
    }
    cs__completion r = cs__scope_exit(e, e->scopes[f->scope], *c);
    c->type = CS__C_NORMAL;
    c->exc = NULL;
    if (r.type == CS__C_EXC)
        return cs__pop_with(t, c, r);
    cs__completion out = f->saved;
    f->saved.type = CS__C_NORMAL;
    f->saved.exc = NULL;
    return cs__pop_with(t, c, out);
}

/* task_status.started(value) */
int cs__aio_started(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c)
{
    cs__fut *sf = cs__aio_r(t)->start_fut;
    if (sf->state == CS__FUT_PENDING) {
        cs__fut_set_result(e, sf);
        cs__start_record(e, t, st);
    } else if (sf->state != CS__FUT_CANCELLED) {
        cs_exc *x = cs__raise_new(e, t, CS_EXC_RUNTIME_ERROR, "called 'started' twice on the same task status");
        cs__emit_raise(e, t, x, st->pos);
        *c = cs__c_exc(x);
    }
    return CS__CONT;
}
