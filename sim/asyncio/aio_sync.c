/* aio_sync.c - `async with` a Lock, Semaphore or CapacityLimiter on asyncio
 * (AnyIO's own classes): a free Lock/Semaphore is taken after
 * checkpoint_if_cancelled() and held across a cancel-shielded checkpoint; a
 * busy one queues a future, FIFO, and release() hands ownership straight to
 * the first waiter whose future is not cancelled.  AnyIO's CapacityLimiter
 * always checks for cancellation first and queues on an asyncio.Event (the
 * token goes to the queue's head even if its wait was already cancelled).
 */
#include "aio.h"
#include "sync.h"

void cs__aio_prim_release(cs__engine *e, cs__prim *p, cs__task *borrower)
{
    if (p->kind == CS__PRIM_LIMITER) {
        p->value--;
        cs__prim_unborrow(p, borrower);
    }
    while (p->nw && (p->kind != CS__PRIM_LIMITER || cs__limiter_free(p))) {
        cs__waiter w = cs__prim_pop_first(p);
        cs__fut *fut = w.wait;
        if (fut->state == CS__FUT_CANCELLED && p->kind != CS__PRIM_LIMITER) {
            cs__fut_unref(e, fut);
            continue;
        }
        if (p->kind == CS__PRIM_LOCK) {
            p->owner = w.task;
        } else if (p->kind == CS__PRIM_LIMITER) {
            p->value++;
            cs__prim_borrow(p, w.placeholder ? NULL : w.task);
        }
        cs__fut_set_result(e, fut);
        cs__fut_unref(e, fut);
        if (p->kind != CS__PRIM_LIMITER)
            return;
    }
    if (p->kind == CS__PRIM_LOCK)
        p->owner = NULL;
    else if (p->kind == CS__PRIM_SEMAPHORE)
        p->value++;
}

static int cs__aio_prim_wait(cs__engine *e, cs__task *t, cs__frame *f, cs__prim *p)
{
    f->phase = SY_WAIT;
    t->wait_label = cs__prim_wait_label(e, f, p);
    cs__fut *fut = cs__fut_new(e);
    cs__prim_queue(p, t, cs__fut_ref(fut), false);
    f->wait = cs__fut_ref(fut);
    return cs__yield_on(e, fut);
}

int cs__aio_step_sync(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    cs__prim *p = cs__prim_of_task(e, t, f->st);
    switch (f->phase) {
    case SY_START:
        /* AnyIO's Lock checks the owner first */
        if (p->kind == CS__PRIM_LOCK && p->owner == t)
            return cs__prim_reacquired(e, t, c);
        /* a free Lock/Semaphore is taken without queueing; everything else
         * first checks for cancellation */
        if (p->kind != CS__PRIM_LIMITER && !cs__prim_available(p))
            return cs__aio_prim_wait(e, t, f, p);
        f->phase = SY_CIC;
        return cs__aio_cic(e, t, f->st);
    case SY_CIC:
        if (c->type != CS__C_NORMAL)
            return cs__pop_with(t, c, *c);
        if (p->kind == CS__PRIM_LIMITER && cs__prim_borrowing(p, t)) {
            cs_exc *x = cs__raise_new(e, t, CS_EXC_RUNTIME_ERROR,
                                      "this borrower is already holding one of this CapacityLimiter's tokens");
            return cs__pop_with(t, c, cs__c_exc(x));
        }
        if (!cs__prim_available(p))
            return cs__aio_prim_wait(e, t, f, p);
        cs__prim_take(p, t);
        f->phase = SY_CSC;
        return cs__aio_csc(e, t, f->st);
    case SY_CSC:
        if (c->type != CS__C_NORMAL) {
            cs__aio_prim_release(e, p, t);
            return cs__pop_with(t, c, *c);
        }
        return cs__prim_acquired(e, t, f, c);
    case SY_WAIT: {
        bool handed;
        cs__fut *fut = f->wait;
        if (p->kind == CS__PRIM_LIMITER) {
            /* the limiter gives a token to the queue's head even if its wait
             * was already cancelled; the waiter then gives it back */
            handed = !cs__prim_forget(e, p, t);
        } else {
            handed = fut->state == CS__FUT_RESULT;
            cs__prim_forget(e, p, t);
        }
        cs__fut_unref(e, fut);
        f->wait = NULL;
        if (c->type != CS__C_NORMAL) {
            if (handed)
                cs__aio_prim_release(e, p, t);
            return cs__pop_with(t, c, *c);
        }
        return cs__prim_acquired(e, t, f, c);
    }
    default: /* SY_BODY: __aexit__ releases */ cs__aio_prim_release(e, p, t); return cs__pop_with(t, c, *c);
    }
}
