/* sync.c - the state of a Lock, Semaphore or CapacityLimiter that both
 * backends keep: its owner or count, its FIFO of waiters, a limiter's
 * borrowers.  How `async with` acquires it and how release() hands it on
 * differ (pol->step_sync, pol->prim_release):
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
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "condition.h"
#include "interp.h"
#include "policy.h"
#include "sync.h"
#include "util.h"

void cs__prims_init(cs__engine *e)
{
    const cs_program *p = e->prog;
    e->nprims = p->nlocks + p->nsemaphores + p->nlimiters + 1;
    e->prims = cs_xcalloc(e->nprims, sizeof *e->prims);
    uint32_t k = 0;
    for (uint32_t i = 0; i < p->nlocks; i++, k++) {
        e->prims[k].kind = CS__PRIM_LOCK;
        e->prims[k].label = cs_xasprintf("lock %s", p->locks[i]);
        e->prims[k].fast = p->lock_fast && p->lock_fast[i];
    }
    for (uint32_t i = 0; i < p->nsemaphores; i++, k++) {
        e->prims[k].kind = CS__PRIM_SEMAPHORE;
        e->prims[k].value = p->semaphores[i].value;
        e->prims[k].max_value = p->semaphores[i].max_value;
        e->prims[k].fast = p->semaphores[i].fast_acquire;
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
            e->pol->wait_unref(e, e->prims[i].w[j].wait);
        free(e->prims[i].w);
        free(e->prims[i].borrowers);
        free(e->prims[i].label);
    }
    free(e->prims);
}

static cs__prim *cs__prim_of_index(cs__engine *e, cs_op op, int32_t ref)
{
    const cs_program *p = e->prog;
    switch (op) {
    case CS_OP_WITH_LOCK: return &e->prims[ref];
    case CS_OP_WITH_CONDITION:
    case CS_OP_CONDITION_ACQUIRE:
    case CS_OP_CONDITION_WAIT: /* the condition's lock */ return cs__cond_lock(e, ref);
    case CS_OP_WITH_SEMAPHORE: return &e->prims[p->nlocks + ref];
    case CS_OP_ACQUIRE: /* issue 18's statements index the whole table */
        assert(ref >= 0 && (uint32_t)ref < e->nprims);
        return &e->prims[ref];
    default: return &e->prims[ref < 0 ? e->nprims - 1 : p->nlocks + p->nsemaphores + (uint32_t)ref];
    }
}

cs__prim *cs__prim_of(cs__engine *e, const cs_stmt *st)
{
    return cs__prim_of_index(e, st->op, st->ref);
}

cs__prim *cs__prim_of_task(cs__engine *e, cs__task *t, const cs_stmt *st)
{
    /* the object a parameter holds (dataflow.c), else the one named */
    return st->flow && st->flow->obj_slot >= 0 ? cs__prim_of_index(e, st->op, cs__flow_obj(e, t, st))
                                               : cs__prim_of(e, st);
}

bool cs__limiter_free(const cs__prim *p)
{
    return p->infinite || p->value < p->total;
}

bool cs__prim_available(const cs__prim *p)
{
    if (p->nw)
        return false;
    switch (p->kind) {
    case CS__PRIM_LOCK: return p->owner == NULL;
    case CS__PRIM_SEMAPHORE: return p->value > 0;
    default: return cs__limiter_free(p);
    }
}

/* A placeholder (neither task nor name) is never listed, so it matches nothing. */
static bool cs__same_borrower(const cs__borrower *b, const cs__task *t, const char *name)
{
    return name ? b->name && strcmp(b->name, name) == 0 : t && b->task == t;
}

void cs__prim_borrow(cs__prim *p, cs__task *t, const char *name)
{
    if (!t && !name)
        return;
    if (p->nb == p->capb) {
        p->capb = p->capb ? p->capb * 2 : 4;
        p->borrowers = cs_xrealloc(p->borrowers, p->capb * sizeof *p->borrowers);
    }
    p->borrowers[p->nb++] = (cs__borrower){name ? NULL : t, name};
}

bool cs__prim_borrowing(const cs__prim *p, const cs__task *t, const char *name)
{
    for (uint32_t i = 0; i < p->nb; i++)
        if (cs__same_borrower(&p->borrowers[i], t, name))
            return true;
    return false;
}

void cs__prim_unborrow(cs__prim *p, const cs__task *t, const char *name)
{
    for (uint32_t i = 0; i < p->nb; i++) {
        if (!cs__same_borrower(&p->borrowers[i], t, name))
            continue;
        memmove(&p->borrowers[i], &p->borrowers[i + 1], (p->nb - i - 1) * sizeof *p->borrowers);
        p->nb--;
        return;
    }
}

void cs__prim_take(cs__prim *p, cs__task *t, const char *name)
{
    if (p->kind == CS__PRIM_LOCK) {
        p->owner = t;
    } else if (p->kind == CS__PRIM_SEMAPHORE) {
        p->value--;
    } else {
        p->value++;
        cs__prim_borrow(p, t, name);
    }
}

void cs__prim_queue(cs__prim *p, cs__task *t, cs__wait *w, bool placeholder, const char *behalf)
{
    if (p->nw == p->capw) {
        p->capw = p->capw ? p->capw * 2 : 4;
        p->w = cs_xrealloc(p->w, p->capw * sizeof *p->w);
    }
    p->w[p->nw++] = (cs__waiter){t, w, placeholder, behalf};
}

cs__waiter cs__prim_pop_first(cs__prim *p)
{
    assert(p->nw > 0);
    cs__waiter w = p->w[0];
    memmove(p->w, p->w + 1, (p->nw - 1) * sizeof *p->w);
    p->nw--;
    return w;
}

bool cs__prim_forget(cs__engine *e, cs__prim *p, cs__task *t)
{
    for (uint32_t i = 0; i < p->nw; i++) {
        if (p->w[i].task != t)
            continue;
        e->pol->wait_unref(e, p->w[i].wait);
        memmove(&p->w[i], &p->w[i + 1], (p->nw - i - 1) * sizeof *p->w);
        p->nw--;
        return true;
    }
    return false;
}

void cs__prim_release(cs__engine *e, cs__prim *p, cs__task *borrower)
{
    e->pol->prim_release(e, p, borrower, NULL);
}

cs__prim *cs__lock_held_by(cs__engine *e, const cs__task *t)
{
    for (uint32_t i = 0; i < e->nprims; i++)
        if (e->prims[i].kind == CS__PRIM_LOCK && e->prims[i].owner == t && !e->prims[i].broken)
            return &e->prims[i];
    return NULL;
}

int cs__prim_acquired(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    bool bare = f->st->op == CS_OP_ACQUIRE || f->st->op == CS_OP_CONDITION_ACQUIRE; /* no body */
    if (bare) /* held past any block: where, if its task ends holding it */
        cs__prim_of_task(e, t, f->st)->held_pos = f->st->pos;
    if (f->st->op == CS_OP_WITH_CONDITION || f->st->op == CS_OP_CONDITION_ACQUIRE) /* _owner_task = the task */
        cs__cond_acquired(e, f->st->ref, t);
    /* to_thread's limiter; a condition's wait() re-acquiring; acquire() */
    if (f->idx == 1 || f->idx == 2 || bare)
        return cs__pop_with(t, c, (cs__completion){.type = CS__C_NORMAL});
    f->phase = SY_BODY;
    cs__push_body(e, t, f->st->body);
    return CS__CONT;
}

const char *cs__prim_wait_label(const cs__engine *e, const cs__frame *f, const cs__prim *p)
{
    if (f->idx == 1)
        return "to_thread"; /* to_thread's own limiter wait */
    if (f->st->op == CS_OP_WITH_CONDITION || f->st->op == CS_OP_CONDITION_WAIT || f->st->op == CS_OP_CONDITION_ACQUIRE)
        return cs__cond_label(e, f->st->ref); /* a condition's lock is waited on as the condition */
    return p->label;
}

int cs__prim_reacquired(cs__engine *e, cs__task *t, cs__completion *c)
{
    cs_exc *x = cs__raise_new(e, t, CS_EXC_RUNTIME_ERROR, "Attempted to acquire an already held Lock");
    return cs__pop_with(t, c, cs__c_exc(x));
}
