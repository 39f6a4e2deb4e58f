/* trio_start.c - `value = await tg.start(fn)` and `task_status.started()` on
 * Trio (AnyIO over trio's Nursery.start): the child runs in a temporary
 * nursery opened in the caller, under the caller's scopes, and the caller
 * waits for that nursery uninterruptibly; started() moves the child and its
 * cancel status into the task group, unless the temporary nursery is already
 * cancelled, when it quietly keeps it.
 */
#include "trio.h"

enum { ST_BEGIN, ST_WAIT };

int cs__trio_step_start(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    if (f->phase == ST_BEGIN) {
        cs__tg *g = cs__target_tg(e, t, f->st);
        if (!g)
            return CS__YIELD;
        cs__trio_tg *tg = cs__trio_g(g);
        if (!tg->active)
            return cs__start_raise(e, t, c, "This task group is not active; no new tasks can be started.");
        if (tg->closed)
            return cs__start_raise(e, t, c, "Nursery is closed to new arrivals");
        tg->pending_starts++;
        /* async with open_nursery(strict_exception_groups=False) as old_nursery */
        cs__tg *old = cs__tg_new(e, NULL, -1);
        old->entered = cs__trio_g(old)->active = cs__trio_g(old)->nested_running = true;
        old->host = t;
        old->eventual = g;
        cs__trio_scope_enter(e, old->scope, t);
        cs__trio_spawn(e, old, t, f->st->name, -1, f->st);
        cs__task *child = e->tasks[e->ntasks - 1];
        cs__trio_rmut(e, child)->start_old = old;
        cs__trio_rmut(e, child)->start_new = g;
        f->obj = child->id;
        f->scope2 = old->id;
        /* the block ends at once: wait, uninterruptibly, for the nursery */
        cs__trio_g(old)->nested_running = false;
        cs__nursery_check_closed(e, old);
        f->phase = ST_WAIT;
        t->wait_label = cs__rare(child)->start_label;
        if (!cs__trio_g(old)->closed) {
            cs__trio_g(old)->parent_waiting = true;
            cs__trio_t(t)->parking = true;
            cs__trio_t(t)->abort_kind = CS__ABORT_FAILED;
        }
        return CS__YIELD;
    }
    cs__completion_clear(c);
    cs__task *child = e->tasks[f->obj];
    cs__tg *old = e->tgs[f->scope2];
    cs__tg *g = cs__trio_r(child)->start_new;
    /* _nested_child_finished in a non-strict nursery: one exception is raised bare */
    cs__completion in = {.type = CS__C_NORMAL};
    if (old->nexcs == 1)
        in = cs__c_exc(cs_exc_ref(old->excs[0]));
    else if (old->nexcs > 1)
        in = cs__c_exc(cs__make_group_narrow(e, "Exceptions from Trio nursery", old->excs, old->nexcs));
    for (uint32_t i = 0; i < old->nexcs; i++)
        cs_exc_unref(old->excs[i]);
    old->nexcs = 0;
    cs__completion out = cs__scope_exit(e, old->scope, in);
    cs__trio_g(old)->active = false;
    cs__trio_g(g)->pending_starts--;
    cs__nursery_check_closed(e, g);
    if (out.type == CS__C_EXC)
        return cs__pop_with(t, c, out);
    if (!cs__trio_t(child)->started)
        return cs__start_raise(e, t, c, "child exited without calling task_status.started()");
    return cs__start_done(e, t, c, out, child);
}

/* task_status.started(value) */
int cs__trio_started(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c)
{
    if (cs__trio_t(t)->started) {
        cs_exc *x = cs__raise_new(e, t, CS_EXC_RUNTIME_ERROR, "called 'started' twice on the same task status");
        cs__emit_raise(e, t, x, st->pos);
        *c = cs__c_exc(x);
        return CS__CONT;
    }
    cs__trio_t(t)->started = true;
    cs__start_record(e, t, st);
    cs__tg *old = cs__trio_r(t)->start_old, *g = cs__trio_r(t)->start_new;
    if (cs__trio_s(old->scope)->effectively_cancelled)
        return CS__CONT; /* quietly stays in the cancelled temporary nursery */
    old->ntasks--;
    g->ntasks++;
    cs__task_set_tg(e, t, g);
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
