/* aio_sync.c - a Lock, Semaphore or CapacityLimiter on asyncio (AnyIO's own
 * classes): `async with` and acquire() take a free Lock/Semaphore after
 * checkpoint_if_cancelled() and hold it across a cancel-shielded checkpoint
 * (skipped with fast_acquire=True); a busy one queues a future, FIFO, and
 * release() hands ownership straight to the first waiter whose future is not
 * cancelled.  AnyIO's CapacityLimiter always checks for cancellation first
 * and queues on an asyncio.Event (the token goes to the queue's head even if
 * its wait was already cancelled); a release wakes one waiter, raising
 * total_tokens wakes as many as tokens were added.
 */
#include <math.h>

#include "aio.h"
#include "sync.h"

/* Gives the queue head a limiter token (AnyIO's _notify_next_waiter). */
static void cs__aio_limiter_hand(cs__engine *e, cs__prim *p)
{
    cs__waiter w = cs__prim_pop_first(p);
    cs__fut *fut = w.wait;
    p->value++;
    cs__prim_borrow(p, w.placeholder || w.behalf ? NULL : w.task, w.behalf);
    cs__fut_set_result(e, fut);
    cs__fut_unref(e, fut);
}

void cs__aio_prim_release(cs__engine *e, cs__prim *p, cs__task *borrower, const char *behalf)
{
    if (p->kind == CS__PRIM_LIMITER) {
        p->value--;
        cs__prim_unborrow(p, borrower, behalf);
        if (p->nw && cs__limiter_free(p))
            cs__aio_limiter_hand(e, p);
        return;
    }
    while (p->nw) {
        cs__waiter w = cs__prim_pop_first(p);
        cs__fut *fut = w.wait;
        if (fut->state == CS__FUT_CANCELLED) {
            cs__fut_unref(e, fut);
            continue;
        }
        if (p->kind == CS__PRIM_LOCK)
            p->owner = w.task;
        cs__fut_set_result(e, fut);
        cs__fut_unref(e, fut);
        return;
    }
    if (p->kind == CS__PRIM_LOCK)
        p->owner = NULL;
    else
        p->value++;
}

cs_exc *cs__aio_prim_release_user(cs__engine *e, cs__task *t, cs__prim *p, const char *behalf)
{
    if (p->kind == CS__PRIM_LOCK && p->owner != t)
        return cs__raise_new(e, t, CS_EXC_RUNTIME_ERROR, e->pol->lock_not_held);
    /* AnyIO's Semaphore checks max_value before it looks at the waiters */
    if (p->kind == CS__PRIM_SEMAPHORE && p->max_value >= 0 && p->value == p->max_value)
        return cs__raise_new(e, t, CS_EXC_VALUE_ERROR, "semaphore released too many times");
    cs_exc *x = cs__prim_limiter_release_check(e, t, p, behalf);
    if (!x)
        cs__aio_prim_release(e, p, behalf ? NULL : t, behalf);
    return x;
}

void cs__aio_limiter_set_total(cs__engine *e, cs__prim *p, double total)
{
    /* waiters_to_notify = max(value - old total, 0), free tokens or not */
    double old = p->infinite ? INFINITY : (double)p->total;
    double wake = total - old > 0 ? total - old : 0;
    p->infinite = isinf(total);
    p->total = p->infinite ? 0 : (int64_t)total;
    for (uint32_t n = 0; p->nw && n < wake; n++)
        cs__aio_limiter_hand(e, p);
}

static int cs__aio_prim_wait(cs__engine *e, cs__task *t, cs__frame *f, cs__prim *p)
{
    f->phase = SY_WAIT;
    t->wait_label = cs__prim_wait_label(e, f, p);
    cs__fut *fut = cs__fut_new(e);
    cs__prim_queue(p, t, cs__fut_ref(fut), false, cs__prim_behalf(f));
    f->wait = cs__fut_ref(fut);
    return cs__yield_on(e, fut);
}

/* The SY_WAIT step: handed the lock/token, or woken by a cancellation. */
static int cs__aio_sync_woken(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c, cs__prim *p)
{
    const char *behalf = cs__prim_behalf(f);
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
            cs__aio_prim_release(e, p, behalf ? NULL : t, behalf);
        return cs__pop_with(t, c, *c);
    }
    return cs__prim_acquired(e, t, f, c);
}

/* __aexit__: release(), whose error replaces what the body raised. */
static int cs__aio_sync_exit(cs__engine *e, cs__task *t, cs__completion *c, cs__prim *p)
{
    cs_exc *x = cs__aio_prim_release_user(e, t, p, NULL);
    if (!x)
        return cs__pop_with(t, c, *c);
    if (c->type == CS__C_EXC) {
        cs_exc_set_context(x, c->exc);
        cs_exc_unref(c->exc);
    }
    return cs__pop_with(t, c, cs__c_exc(x));
}

int cs__aio_step_sync(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    cs__prim *p = cs__prim_of_task(e, t, f->st);
    const char *behalf = cs__prim_behalf(f);
    cs__task *who = behalf ? NULL : t;
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
        if (p->kind == CS__PRIM_LIMITER && cs__prim_borrowing(p, who, behalf)) {
            cs_exc *x = cs__raise_new(e, t, CS_EXC_RUNTIME_ERROR,
                                      "this borrower is already holding one of this CapacityLimiter's tokens");
            return cs__pop_with(t, c, cs__c_exc(x));
        }
        if (!cs__prim_available(p))
            return cs__aio_prim_wait(e, t, f, p);
        cs__prim_take(p, who, behalf);
        if (p->fast) /* fast_acquire=True: no cancel-shielded checkpoint */
            return cs__prim_acquired(e, t, f, c);
        f->phase = SY_CSC;
        return cs__aio_csc(e, t, f->st);
    case SY_CSC:
        if (c->type != CS__C_NORMAL) {
            cs__aio_prim_release(e, p, who, behalf);
            return cs__pop_with(t, c, *c);
        }
        return cs__prim_acquired(e, t, f, c);
    case SY_WAIT: return cs__aio_sync_woken(e, t, f, c, p);
    default: /* SY_BODY */ return cs__aio_sync_exit(e, t, c, p);
    }
}
