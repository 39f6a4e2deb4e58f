/* trio_sync.c - `async with` a Lock, Semaphore or CapacityLimiter on Trio
 * (trio's classes behind AnyIO): checkpoint_if_cancelled(), then take it and
 * cancel_shielded_checkpoint(), or park in the FIFO parking lot; release()
 * unparks the first waiter and hands it over.  A cancelled waiter leaves the
 * lot, so it never receives a hand-off.  to_thread's limiter (idx 1) is
 * borrowed for a placeholder, not the task.
 */
#include "sync.h"
#include "trio.h"

/* The borrower a limiter acquisition is for: the task, except to_thread's,
 * which borrows for a placeholder of its own. */
static cs__task *cs__trio_borrower(cs__task *t, const cs__frame *f)
{
    return f->idx == 1 ? NULL : t;
}

void cs__trio_prim_release(cs__engine *e, cs__prim *p, cs__task *borrower)
{
    if (p->kind == CS__PRIM_LIMITER) {
        p->value--;
        cs__prim_unborrow(p, borrower);
    }
    while (p->nw && (p->kind != CS__PRIM_LIMITER || cs__limiter_free(p))) {
        cs__waiter w = cs__prim_pop_first(p);
        if (p->kind == CS__PRIM_LOCK) {
            p->owner = w.task;
        } else if (p->kind == CS__PRIM_LIMITER) {
            p->value++;
            cs__prim_borrow(p, w.placeholder ? NULL : w.task);
        }
        CS__TRIO_RARE_CLEAR(w.task, trio_prim);
        cs__trio_reschedule(e, w.task, NULL);
        if (p->kind != CS__PRIM_LIMITER)
            return;
    }
    if (p->kind == CS__PRIM_LOCK)
        p->owner = NULL;
    else if (p->kind == CS__PRIM_SEMAPHORE)
        p->value++;
}

static int cs__trio_prim_wait(cs__engine *e, cs__task *t, cs__frame *f, cs__prim *p)
{
    f->phase = SY_WAIT;
    t->wait_label = cs__prim_wait_label(e, f, p);
    cs__prim_queue(p, t, NULL, f->idx == 1);
    cs__trio_rmut(e, t)->trio_prim = p;
    cs__trio_t(t)->parking = true;
    cs__trio_t(t)->abort_kind = CS__ABORT_SUCCEEDED;
    return CS__YIELD;
}

int cs__trio_step_sync(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    cs__prim *p = cs__prim_of_task(e, t, f->st);
    cs__task *borrower = cs__trio_borrower(t, f);
    switch (f->phase) {
    case SY_START: f->phase = SY_CIC; return e->pol->checkpoint_if_cancelled(e, t, f->st);
    case SY_CIC:
        if (c->type != CS__C_NORMAL)
            return cs__pop_with(t, c, *c);
        /* trio's Lock checks the owner only in acquire_nowait(): "attempt to
         * re-acquire an already held Lock", reworded by AnyIO */
        if (p->kind == CS__PRIM_LOCK && p->owner == t)
            return cs__prim_reacquired(e, t, c);
        if (p->kind == CS__PRIM_LIMITER && borrower && cs__prim_borrowing(p, t)) {
            cs_exc *x = cs__raise_new(e, t, CS_EXC_RUNTIME_ERROR,
                                      "this borrower is already holding one of this CapacityLimiter's tokens");
            return cs__pop_with(t, c, cs__c_exc(x));
        }
        if (!cs__prim_available(p))
            return cs__trio_prim_wait(e, t, f, p);
        cs__prim_take(p, borrower);
        f->phase = SY_CSC;
        return e->pol->cancel_shielded_checkpoint(e, t, f->st);
    case SY_CSC:
        if (c->type != CS__C_NORMAL) {
            cs__trio_prim_release(e, p, borrower);
            return cs__pop_with(t, c, *c);
        }
        return cs__prim_acquired(e, t, f, c);
    case SY_WAIT: {
        /* a parked task wakes either unparked by release() (handed over)
         * or aborted by a cancellation (it already left the lot) */
        bool handed = c->type == CS__C_NORMAL;
        CS__TRIO_RARE_CLEAR(t, trio_prim);
        if (c->type != CS__C_NORMAL) {
            if (handed)
                cs__trio_prim_release(e, p, borrower);
            return cs__pop_with(t, c, *c);
        }
        return cs__prim_acquired(e, t, f, c);
    }
    default: /* SY_BODY: __aexit__ releases */ cs__trio_prim_release(e, p, borrower); return cs__pop_with(t, c, *c);
    }
}
