/* sync.c - `async with` a Lock, Semaphore or CapacityLimiter, on both backends.
 *
 * asyncio (AnyIO's own classes): a free Lock/Semaphore is taken after
 * checkpoint_if_cancelled() and held across a cancel-shielded checkpoint; a
 * busy one queues a future, FIFO, and release() hands ownership straight to the
 * first waiter whose future is not cancelled.  AnyIO's CapacityLimiter always
 * checks for cancellation first and queues on an asyncio.Event.
 * Trio (trio's classes behind AnyIO): checkpoint_if_cancelled(), then take it
 * and cancel_shielded_checkpoint(), or park in the FIFO parking lot; release()
 * unparks the first waiter and hands it over.  A cancelled waiter leaves the
 * lot, so it never receives a hand-off.
 */
#include <stdlib.h>
#include <string.h>

#include "interp.h"
#include "policy.h"
#include "trio.h"
#include "util.h"

enum { SY_START, SY_CIC, SY_CSC, SY_WAIT, SY_BODY };

void cs__prims_init(cs__engine *e)
{
    const cs_program *p = e->prog;
    e->nprims = p->nlocks + p->nsemaphores + p->nlimiters + 1;
    e->prims = cs_xcalloc(e->nprims, sizeof *e->prims);
    uint32_t k = 0;
    for (uint32_t i = 0; i < p->nlocks; i++, k++) {
        e->prims[k].kind = CS__PRIM_LOCK;
        e->prims[k].label = cs_xasprintf("lock %s", p->locks[i]);
    }
    for (uint32_t i = 0; i < p->nsemaphores; i++, k++) {
        e->prims[k].kind = CS__PRIM_SEMAPHORE;
        e->prims[k].value = p->semaphores[i].value;
        e->prims[k].label = cs_xasprintf("semaphore %s", p->semaphores[i].name);
    }
    for (uint32_t i = 0; i < p->nlimiters; i++, k++) {
        e->prims[k].kind = CS__PRIM_LIMITER;
        e->prims[k].total = p->limiters[i].tokens;
        e->prims[k].infinite = p->limiters[i].infinite;
        e->prims[k].label = cs_xasprintf("limiter %s", p->limiters[i].name);
    }
    e->prims[k].kind = CS__PRIM_LIMITER; /* the default thread limiter */
    e->prims[k].total = 40;
    e->prims[k].label = cs_xstrdup("limiter default");
}

void cs__prims_free(cs__engine *e)
{
    for (uint32_t i = 0; i < e->nprims; i++) {
        for (uint32_t j = 0; j < e->prims[i].nw; j++)
            cs__fut_unref(e, e->prims[i].w[j].fut);
        free(e->prims[i].w);
        free(e->prims[i].borrowers);
        free(e->prims[i].label);
    }
    free(e->prims);
}

cs__prim *cs__prim_of(cs__engine *e, const cs_stmt *st)
{
    const cs_program *p = e->prog;
    switch (st->op) {
    case CS_OP_WITH_LOCK:
        return &e->prims[st->ref];
    case CS_OP_WITH_SEMAPHORE:
        return &e->prims[p->nlocks + st->ref];
    default:
        return &e->prims[st->ref < 0 ? e->nprims - 1 : p->nlocks + p->nsemaphores + (uint32_t)st->ref];
    }
}

static bool cs__limiter_free(const cs__prim *p)
{
    return p->infinite || p->value < p->total;
}

/* Can it be taken at once (no waiter ahead)? */
static bool cs__available(const cs__prim *p)
{
    if (p->nw)
        return false;
    switch (p->kind) {
    case CS__PRIM_LOCK:
        return p->owner == NULL;
    case CS__PRIM_SEMAPHORE:
        return p->value > 0;
    default:
        return cs__limiter_free(p);
    }
}

static void cs__borrow(cs__prim *p, cs__task *t)
{
    if (!t)
        return;
    if (p->nb == p->capb) {
        p->capb = p->capb ? p->capb * 2 : 4;
        p->borrowers = cs_xrealloc(p->borrowers, p->capb * sizeof *p->borrowers);
    }
    p->borrowers[p->nb++] = t;
}

static bool cs__borrowing(const cs__prim *p, const cs__task *t)
{
    for (uint32_t i = 0; i < p->nb; i++)
        if (p->borrowers[i] == t)
            return true;
    return false;
}

static void cs__unborrow(cs__prim *p, const cs__task *t)
{
    for (uint32_t i = 0; i < p->nb; i++) {
        if (p->borrowers[i] != t)
            continue;
        memmove(&p->borrowers[i], &p->borrowers[i + 1], (p->nb - i - 1) * sizeof *p->borrowers);
        p->nb--;
        return;
    }
}

/* The borrower a limiter acquisition is for: the task, except Trio's
 * to_thread, which borrows for a placeholder of its own. */
static cs__task *cs__borrower(const cs__engine *e, cs__task *t, const cs__frame *f)
{
    return e->backend == CS_BACKEND_TRIO && f->idx == 1 ? NULL : t;
}

static void cs__take(cs__prim *p, cs__task *t)
{
    if (p->kind == CS__PRIM_LOCK) {
        p->owner = t;
    } else if (p->kind == CS__PRIM_SEMAPHORE) {
        p->value--;
    } else {
        p->value++;
        cs__borrow(p, t);
    }
}

static void cs__queue(cs__prim *p, cs__task *t, cs__fut *f, bool placeholder)
{
    if (p->nw == p->capw) {
        p->capw = p->capw ? p->capw * 2 : 4;
        p->w = cs_xrealloc(p->w, p->capw * sizeof *p->w);
    }
    p->w[p->nw++] = (cs__waiter){t, f, placeholder};
}

static cs__waiter cs__pop_first(cs__prim *p)
{
    cs__waiter w = p->w[0];
    memmove(p->w, p->w + 1, (p->nw - 1) * sizeof *p->w);
    p->nw--;
    return w;
}

/* Removes t's entry (a waiter that gave up); true if it was there. */
bool cs__prim_forget(cs__engine *e, cs__prim *p, cs__task *t)
{
    for (uint32_t i = 0; i < p->nw; i++) {
        if (p->w[i].task != t)
            continue;
        cs__fut_unref(e, p->w[i].fut);
        memmove(&p->w[i], &p->w[i + 1], (p->nw - i - 1) * sizeof *p->w);
        p->nw--;
        return true;
    }
    return false;
}

/* Hands the primitive to the next waiter, or puts it back. */
void cs__prim_release(cs__engine *e, cs__prim *p, cs__task *borrower)
{
    bool trio = e->backend == CS_BACKEND_TRIO;
    if (p->kind == CS__PRIM_LIMITER) {
        p->value--;
        cs__unborrow(p, borrower);
    }
    while (p->nw && (p->kind != CS__PRIM_LIMITER || cs__limiter_free(p))) {
        cs__waiter w = cs__pop_first(p);
        if (!trio && w.fut->state == CS__FUT_CANCELLED && p->kind != CS__PRIM_LIMITER) {
            cs__fut_unref(e, w.fut);
            continue;
        }
        if (p->kind == CS__PRIM_LOCK) {
            p->owner = w.task;
        } else if (p->kind == CS__PRIM_LIMITER) {
            p->value++;
            cs__borrow(p, w.placeholder ? NULL : w.task);
        }
        if (trio) {
            CS__RARE_CLEAR(w.task, trio_prim);
            cs__trio_reschedule(e, w.task, NULL);
        } else {
            cs__fut_set_result(e, w.fut);
            cs__fut_unref(e, w.fut);
        }
        if (p->kind != CS__PRIM_LIMITER)
            return;
    }
    if (p->kind == CS__PRIM_LOCK)
        p->owner = NULL;
    else if (p->kind == CS__PRIM_SEMAPHORE)
        p->value++;
}

/* Acquired: run the body (async with), or, for to_thread's limiter (idx 1),
 * hand back holding it. */
static int cs__acquired(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    if (f->idx == 1)
        return cs__pop_with(t, c, (cs__completion){.type = CS__C_NORMAL});
    f->phase = SY_BODY;
    cs__push_body(e, t, f->st->body);
    return CS__CONT;
}

static int cs__wait(cs__engine *e, cs__task *t, cs__frame *f, cs__prim *p, cs__fut **yf)
{
    f->phase = SY_WAIT;
    t->wait_label = f->idx == 1 ? "to_thread" : p->label; /* to_thread's own limiter wait */
    if (e->backend == CS_BACKEND_TRIO) {
        cs__queue(p, t, NULL, f->idx == 1);
        cs__rare_mut(t)->trio_prim = p;
        t->parking = true;
        t->abort_kind = CS__ABORT_SUCCEEDED;
        *yf = NULL;
        return CS__YIELD;
    }
    cs__fut *fut = cs__fut_new(e);
    cs__queue(p, t, cs__fut_ref(fut), false);
    f->fut = cs__fut_ref(fut);
    *yf = fut;
    return CS__YIELD;
}

int cs__step_sync(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c, cs__fut **yf)
{
    cs__prim *p = cs__prim_of(e, f->st);
    bool trio = e->backend == CS_BACKEND_TRIO;
    switch (f->phase) {
    case SY_START:
        /* asyncio (AnyIO's Lock) checks the owner first; Trio's Lock only in
         * acquire_nowait(), after checkpoint_if_cancelled() */
        if (!trio && p->kind == CS__PRIM_LOCK && p->owner == t) {
            cs_exc *x = cs__raise_new(e, t, CS_EXC_RUNTIME_ERROR, "Attempted to acquire an already held Lock");
            return cs__pop_with(t, c, cs__c_exc(x));
        }
        /* asyncio takes a free Lock/Semaphore without queueing; everything
         * else first checks for cancellation */
        if (!trio && p->kind != CS__PRIM_LIMITER && !cs__available(p))
            return cs__wait(e, t, f, p, yf);
        f->phase = SY_CIC;
        return e->pol->checkpoint_if_cancelled(e, t, f->st, yf);
    case SY_CIC:
        if (c->type != CS__C_NORMAL)
            return cs__pop_with(t, c, *c);
        if (trio && p->kind == CS__PRIM_LOCK && p->owner == t) {
            /* trio: "attempt to re-acquire an already held Lock", reworded by AnyIO */
            cs_exc *x = cs__raise_new(e, t, CS_EXC_RUNTIME_ERROR, "Attempted to acquire an already held Lock");
            return cs__pop_with(t, c, cs__c_exc(x));
        }
        if (p->kind == CS__PRIM_LIMITER && cs__borrower(e, t, f) && cs__borrowing(p, t)) {
            cs_exc *x = cs__raise_new(e, t, CS_EXC_RUNTIME_ERROR,
                                      "this borrower is already holding one of this CapacityLimiter's tokens");
            return cs__pop_with(t, c, cs__c_exc(x));
        }
        if (!cs__available(p))
            return cs__wait(e, t, f, p, yf);
        cs__take(p, cs__borrower(e, t, f));
        f->phase = SY_CSC;
        return e->pol->cancel_shielded_checkpoint(e, t, f->st, yf);
    case SY_CSC:
        if (c->type != CS__C_NORMAL) {
            cs__prim_release(e, p, cs__borrower(e, t, f));
            return cs__pop_with(t, c, *c);
        }
        return cs__acquired(e, t, f, c);
    case SY_WAIT: {
        bool handed;
        if (trio) {
            /* a parked task wakes either unparked by release() (handed over)
             * or aborted by a cancellation (it already left the lot) */
            handed = c->type == CS__C_NORMAL;
            CS__RARE_CLEAR(t, trio_prim);
        } else if (p->kind == CS__PRIM_LIMITER) {
            /* the limiter gives a token to the queue's head even if its wait
             * was already cancelled; the waiter then gives it back */
            handed = !cs__prim_forget(e, p, t);
            cs__fut_unref(e, f->fut);
            f->fut = NULL;
        } else {
            handed = f->fut->state == CS__FUT_RESULT;
            cs__prim_forget(e, p, t);
            cs__fut_unref(e, f->fut);
            f->fut = NULL;
        }
        if (c->type != CS__C_NORMAL) {
            if (handed)
                cs__prim_release(e, p, cs__borrower(e, t, f));
            return cs__pop_with(t, c, *c);
        }
        return cs__acquired(e, t, f, c);
    }
    default: /* SY_BODY: __aexit__ releases */
        cs__prim_release(e, p, cs__borrower(e, t, f));
        return cs__pop_with(t, c, *c);
    }
}
