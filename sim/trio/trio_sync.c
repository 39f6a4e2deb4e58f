/* trio_sync.c - a Lock, Semaphore or CapacityLimiter on Trio (trio's classes
 * behind AnyIO): `async with` and acquire() run checkpoint_if_cancelled(),
 * then take it and cancel_shielded_checkpoint() (AnyIO's fast_acquire=True
 * path skips that), or park in the FIFO parking lot; release() unparks the
 * first waiter and hands it over.  A cancelled waiter leaves the lot, so it
 * never receives a hand-off.  to_thread's limiter (idx 1) is borrowed for a
 * placeholder, not the task; acquire_on_behalf_of(NAME) for NAME.
 */
#include <math.h>

#include "sync.h"
#include "trio.h"

/* The borrower task a limiter acquisition is for: the task, except
 * to_thread's (a placeholder of its own) and acquire_on_behalf_of's. */
static cs__task *cs__trio_borrower(cs__task *t, const cs__frame *f)
{
    return f->idx == 1 || cs__prim_behalf(f) ? NULL : t;
}

/* Hands p to parked tasks: a Lock or Semaphore to the first, a limiter's
 * free tokens to as many (trio's CapacityLimiter._wake_waiters); true when
 * a Lock or Semaphore found a taker. */
static bool cs__trio_wake_waiters(cs__engine *e, cs__prim *p)
{
    while (p->nw && (p->kind != CS__PRIM_LIMITER || cs__limiter_free(p))) {
        cs__waiter w = cs__prim_pop_first(p);
        if (p->kind == CS__PRIM_LOCK) {
            p->owner = w.task;
        } else if (p->kind == CS__PRIM_LIMITER) {
            p->value++;
            cs__prim_borrow(p, w.placeholder || w.behalf ? NULL : w.task, w.behalf);
        }
        CS__TRIO_RARE_CLEAR(w.task, trio_prim);
        cs__trio_reschedule(e, w.task, NULL);
        if (p->kind != CS__PRIM_LIMITER)
            return true;
    }
    return false;
}

void cs__trio_prim_release(cs__engine *e, cs__prim *p, cs__task *borrower, const char *behalf)
{
    if (p->kind == CS__PRIM_LIMITER) {
        p->value--;
        cs__prim_unborrow(p, borrower, behalf);
    }
    if (cs__trio_wake_waiters(e, p))
        return;
    if (p->kind == CS__PRIM_LOCK)
        p->owner = NULL;
    else if (p->kind == CS__PRIM_SEMAPHORE)
        p->value++;
}

cs_exc *cs__trio_prim_release_user(cs__engine *e, cs__task *t, cs__prim *p, const char *behalf)
{
    if (p->kind == CS__PRIM_LOCK && p->owner != t)
        return cs__raise_new(e, t, CS_EXC_RUNTIME_ERROR, e->pol->lock_not_held);
    /* trio's Semaphore hands over to a parked task before it checks max_value */
    if (p->kind == CS__PRIM_SEMAPHORE && !p->nw && p->max_value >= 0 && p->value == p->max_value)
        return cs__raise_new(e, t, CS_EXC_VALUE_ERROR, "semaphore released too many times");
    cs_exc *x = cs__prim_limiter_release_check(e, t, p, behalf);
    if (!x)
        cs__trio_prim_release(e, p, behalf ? NULL : t, behalf);
    return x;
}

void cs__trio_limiter_set_total(cs__engine *e, cs__prim *p, double total)
{
    p->infinite = isinf(total);
    p->total = p->infinite ? 0 : (int64_t)total;
    cs__trio_wake_waiters(e, p); /* unpark as many as total - borrowed */
}

void cs__trio_broken_lock(cs__engine *e, const cs__prim *p)
{
    cs__fail_scenario(e, p->held_pos,
                      "the owner of %s ended holding it and a task waits for it: on Trio that raises trio's own "
                      "BrokenResourceError (which AnyIO does not convert), not modelled",
                      p->label);
    e->error = CS_E_UNSUPPORTED;
}

static int cs__trio_prim_wait(cs__engine *e, cs__task *t, cs__frame *f, cs__prim *p)
{
    if (p->broken) { /* park() in a broken lot raises at once */
        cs__trio_broken_lock(e, p);
        return CS__YIELD;
    }
    f->phase = SY_WAIT;
    t->wait_label = cs__prim_wait_label(e, f, p);
    cs__prim_queue(p, t, NULL, f->idx == 1, cs__prim_behalf(f));
    cs__trio_rmut(e, t)->trio_prim = p;
    cs__trio_t(t)->parking = true;
    cs__trio_t(t)->abort_kind = CS__ABORT_SUCCEEDED;
    return CS__YIELD;
}

/* __aexit__: release(), whose error replaces what the body raised. */
static int cs__trio_sync_exit(cs__engine *e, cs__task *t, cs__completion *c, cs__prim *p, const cs__frame *f)
{
    cs_exc *x =
        f->idx == 1 ? (cs__trio_prim_release(e, p, NULL, NULL), NULL) : cs__trio_prim_release_user(e, t, p, NULL);
    if (!x)
        return cs__pop_with(t, c, *c);
    if (c->type == CS__C_EXC) {
        cs_exc_set_context(x, c->exc);
        cs_exc_unref(c->exc);
    }
    return cs__pop_with(t, c, cs__c_exc(x));
}

int cs__trio_step_sync(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    cs__prim *p = cs__prim_of_task(e, t, f->st);
    cs__task *borrower = cs__trio_borrower(t, f);
    const char *behalf = cs__prim_behalf(f);
    switch (f->phase) {
    case SY_START: f->phase = SY_CIC; return e->pol->checkpoint_if_cancelled(e, t, f->st);
    case SY_CIC:
        if (c->type != CS__C_NORMAL)
            return cs__pop_with(t, c, *c);
        /* trio's Lock checks the owner only in acquire_nowait(): "attempt to
         * re-acquire an already held Lock", reworded by AnyIO */
        if (p->kind == CS__PRIM_LOCK && p->owner == t)
            return cs__prim_reacquired(e, t, c);
        if (p->kind == CS__PRIM_LIMITER && (borrower || behalf) && cs__prim_borrowing(p, borrower, behalf)) {
            cs_exc *x = cs__raise_new(e, t, CS_EXC_RUNTIME_ERROR,
                                      "this borrower is already holding one of this CapacityLimiter's tokens");
            return cs__pop_with(t, c, cs__c_exc(x));
        }
        if (!cs__prim_available(p))
            return cs__trio_prim_wait(e, t, f, p);
        cs__prim_take(p, borrower, behalf);
        if (p->fast) /* AnyIO's fast_acquire=True path: no cancel_shielded_checkpoint() */
            return cs__prim_acquired(e, t, f, c);
        f->phase = SY_CSC;
        return e->pol->cancel_shielded_checkpoint(e, t, f->st);
    case SY_CSC:
        if (c->type != CS__C_NORMAL) {
            cs__trio_prim_release(e, p, borrower, behalf);
            return cs__pop_with(t, c, *c);
        }
        return cs__prim_acquired(e, t, f, c);
    case SY_WAIT:
        /* a parked task wakes either unparked by release() (handed over)
         * or aborted by a cancellation (it already left the lot) */
        CS__TRIO_RARE_CLEAR(t, trio_prim);
        if (c->type != CS__C_NORMAL)
            return cs__pop_with(t, c, *c);
        return cs__prim_acquired(e, t, f, c);
    default: /* SY_BODY */ return cs__trio_sync_exit(e, t, c, p, f);
    }
}
