/* start.c - `value = await tg.start(fn)` and `task_status.started(value)`.
 *
 * asyncio (AnyIO's TaskGroup.start): the child joins the group at once; the
 * caller awaits a status future.  started() completes it; a child that fails
 * or returns first sets it to that exception (or to RuntimeError) through
 * task_done, and the group never sees it.  If the caller is cancelled while it
 * waits, the child's handle is cancelled and awaited under a shield.
 * Trio (AnyIO over trio's Nursery.start): the child runs in a temporary nursery
 * opened in the caller, under the caller's scopes, and the caller waits for
 * that nursery uninterruptibly; started() moves the child and its cancel
 * status into the task group, unless the temporary nursery is already
 * cancelled, when it quietly keeps it.
 */
#include <stdlib.h>
#include <string.h>

#include "interp.h"
#include "policy.h"
#include "trio.h"
#include "util.h"

enum { ST_BEGIN, ST_WAIT, ST_CANCEL_WAIT };

static int cs__start_raise(cs__engine *e, cs__task *t, cs__completion *c, const char *msg)
{
    cs_exc *x = cs__raise_new(e, t, CS_EXC_RUNTIME_ERROR, msg);
    cs__emit_raise(e, t, x, t->frames[t->nframes - 1].st->pos);
    cs__pop(t);
    *c = cs__c_exc(x);
    return CS__CONT;
}

/* ---- asyncio ---- */

static int cs__aio_start(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c, cs__fut **yf)
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
        cs__rare_mut(child)->start_fut = cs__fut_ref(fut);
        f->obj = child->id;
        f->fut = cs__fut_ref(fut);
        f->phase = ST_WAIT;
        t->wait_label = cs__rare(child)->start_label;
        *yf = fut;
        return CS__YIELD;
    }
    cs__task *child = e->tasks[f->obj];
    if (f->phase == ST_WAIT) {
        cs__fut_unref(e, f->fut);
        f->fut = NULL;
        bool pending = child->run != CS__TS_DONE && !cs__rare(child)->finished->value && !child->handle_scope->cancel_called;
        if (c->type != CS__C_EXC || !pending)
            return cs__pop_with(t, c, *c);
        /* handle.cancel(); with CancelScope(shield=True): await handle.wait() */
        cs__scope_cancel(e, child->handle_scope, NULL, CS_CAUSE_TASK_HANDLE);
        f->saved = *c;
        c->type = CS__C_NORMAL;
        c->exc = NULL;
        cs__scope *s = cs__scope_new(e, NULL, CS_KIND_INTERNAL, INFINITY, true);
        f->scope = s->id;
        cs__scope_enter(e, s, t);
        f->phase = ST_CANCEL_WAIT;
        return e->pol->event_wait(e, t, cs__rare(child)->finished, yf);
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

/* ---- Trio ---- */

static int cs__trio_start(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c, cs__fut **yf)
{
    if (f->phase == ST_BEGIN) {
        cs__tg *g = cs__target_tg(e, t, f->st);
        if (!g)
            return CS__YIELD;
        if (!g->active)
            return cs__start_raise(e, t, c, "This task group is not active; no new tasks can be started.");
        if (g->closed)
            return cs__start_raise(e, t, c, "Nursery is closed to new arrivals");
        g->pending_starts++;
        /* async with open_nursery(strict_exception_groups=False) as old_nursery */
        cs__tg *old = cs__tg_new(e, NULL, -1);
        old->entered = old->active = old->nested_running = true;
        old->host = t;
        old->eventual = g;
        cs__trio_scope_enter(e, old->scope, t);
        cs__trio_spawn(e, old, t, f->st->name, -1, f->st);
        cs__task *child = e->tasks[e->ntasks - 1];
        cs__rare_mut(child)->start_old = old;
        cs__rare_mut(child)->start_new = g;
        f->obj = child->id;
        f->scope2 = old->id;
        /* the block ends at once: wait, uninterruptibly, for the nursery */
        old->nested_running = false;
        cs__nursery_check_closed(e, old);
        f->phase = ST_WAIT;
        *yf = NULL;
        t->wait_label = cs__rare(child)->start_label;
        if (!old->closed) {
            old->parent_waiting = true;
            t->parking = true;
            t->abort_kind = CS__ABORT_FAILED;
        }
        return CS__YIELD;
    }
    cs__completion_clear(c);
    cs__task *child = e->tasks[f->obj];
    cs__tg *old = e->tgs[f->scope2];
    cs__tg *g = cs__rare(child)->start_new;
    /* _nested_child_finished in a non-strict nursery: one exception is raised bare */
    cs__completion in = {.type = CS__C_NORMAL};
    if (old->nexcs == 1)
        in = cs__c_exc(cs_exc_ref(old->excs[0]));
    else if (old->nexcs > 1)
        in = cs__c_exc(cs__make_group_narrow(e, "Exceptions from Trio nursery", old->excs, old->nexcs));
    for (uint32_t i = 0; i < old->nexcs; i++)
        cs_exc_unref(old->excs[i]);
    old->nexcs = 0;
    cs__completion out = cs__trio_scope_exit(e, old->scope, in);
    old->active = false;
    g->pending_starts--;
    cs__nursery_check_closed(e, g);
    if (out.type == CS__C_EXC)
        return cs__pop_with(t, c, out);
    if (!child->started)
        return cs__start_raise(e, t, c, "child exited without calling task_status.started()");
    return cs__pop_with(t, c, out);
}

int cs__step_start(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c, cs__fut **yf)
{
    int rc = e->backend == CS_BACKEND_TRIO ? cs__trio_start(e, t, f, c, yf) : cs__aio_start(e, t, f, c, yf);
    return rc;
}

/* task_status.started(value) */
int cs__started(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c)
{
    (void)st;
    if (e->backend != CS_BACKEND_TRIO) {
        cs__fut *sf = cs__rare(t)->start_fut;
        if (sf->state == CS__FUT_PENDING) {
            cs__fut_set_result(e, sf);
        } else if (sf->state != CS__FUT_CANCELLED) {
            cs_exc *x = cs__raise_new(e, t, CS_EXC_RUNTIME_ERROR, "called 'started' twice on the same task status");
            cs__emit_raise(e, t, x, st->pos);
            *c = cs__c_exc(x);
        }
        return CS__CONT;
    }
    if (t->started) {
        cs_exc *x = cs__raise_new(e, t, CS_EXC_RUNTIME_ERROR, "called 'started' twice on the same task status");
        cs__emit_raise(e, t, x, st->pos);
        *c = cs__c_exc(x);
        return CS__CONT;
    }
    t->started = true;
    cs__tg *old = cs__rare(t)->start_old, *g = cs__rare(t)->start_new;
    if (old->scope->effectively_cancelled)
        return CS__CONT; /* quietly stays in the cancelled temporary nursery */
    old->ntasks--;
    g->ntasks++;
    t->tg = g;
    /* move the cancel statuses and tasks under the temporary nursery's status */
    while (old->scope->kids_head)
        cs__trio_reparent(e, old->scope->kids_head, g->scope);
    for (cs__task *k = old->scope->tasks_head, *next; k; k = next) {
        next = k->snext;
        if (k == old->host)
            continue;
        cs__scope_tasks_remove(old->scope, k);
        k->cancel_scope = g->scope;
        cs__scope_tasks_add(g->scope, k);
        cs__trio_attempt_delivery(e, k);
    }
    cs__nursery_check_closed(e, old);
    return CS__CONT;
}
