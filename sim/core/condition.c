/* condition.c - anyio.Condition (anyio/_core/_synchronization.py, AnyIO
 * 4.14.2) on both backends.
 *
 * async with cond:  Lock.acquire(), then _owner_task = the task; at exit
 *                   Lock.release().  (sync.c's frame, with this file's hook.)
 * notify(n):        owner check (RuntimeError), then pop up to n waiters'
 *                   Events from the left and set them.
 * notify_all():     owner check, set every waiter's Event, clear.
 * wait():           checkpoint_if_cancelled(); owner check; append a new
 *                   Event; release the lock; wait on the Event.  Cancelled:
 *                   an Event not set is taken out of the deque, a set one
 *                   (notified, but it cannot act on it) passes the
 *                   notification on to the next waiter.  Then, however the
 *                   wait ended, `with CancelScope(shield=True): await
 *                   self.acquire()` before the wait returns or raises.
 * _owner_task is set by acquire() and never cleared, as in AnyIO.
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "condition.h"
#include "interp.h"
#include "policy.h"
#include "sync.h"
#include "util.h"

enum { CW_START, CW_CIC, CW_WAIT, CW_ACQUIRE };

struct cs__conds {
    cs__cond *v;
    uint32_t n;
    cs__event **live; /* every waiter's Event not freed yet (a stopped run leaves some) */
    uint32_t nlive, caplive;
};

void cs__conds_init(cs__engine *e)
{
    const cs_program *p = e->prog;
    struct cs__conds *cs = cs_xcalloc(1, sizeof *cs);
    cs->n = p->nconditions;
    cs->v = cs_xcalloc(cs->n + 1, sizeof *cs->v);
    for (uint32_t i = 0; i < cs->n; i++) {
        cs__cond *c = &cs->v[i];
        c->label = cs_xasprintf("condition %s", p->conditions[i].name);
        c->own.kind = CS__PRIM_LOCK;
        c->own.label = cs_xstrdup(c->label);
        c->lock = p->conditions[i].lock >= 0 ? &e->prims[p->conditions[i].lock] : &c->own;
    }
    e->conds = cs;
}

static cs__event *cs__ev_new(cs__engine *e, const char *label)
{
    struct cs__conds *cs = e->conds;
    if (cs->nlive == cs->caplive) {
        cs->caplive = cs->caplive ? cs->caplive * 2 : 8;
        cs->live = cs_xrealloc(cs->live, cs->caplive * sizeof *cs->live);
    }
    cs__event *ev = cs_xcalloc(1, sizeof *ev);
    ev->label = cs_xstrdup(label);
    cs->live[cs->nlive++] = ev;
    return ev;
}

static void cs__ev_free(cs__engine *e, cs__event *ev)
{
    struct cs__conds *cs = e->conds;
    for (uint32_t i = cs->nlive; i-- > 0;)
        if (cs->live[i] == ev) {
            cs->live[i] = cs->live[--cs->nlive];
            break;
        }
    e->pol->event_free(e, ev); /* what the backend's waiter list holds */
    free(ev->waiters);
    free(ev->label);
    free(ev);
}

void cs__conds_free(cs__engine *e)
{
    struct cs__conds *cs = e->conds;
    if (!cs)
        return;
    while (cs->nlive)
        cs__ev_free(e, cs->live[cs->nlive - 1]);
    free(cs->live);
    for (uint32_t i = 0; i < cs->n; i++) {
        cs__cond *c = &cs->v[i];
        free(c->waiters);
        for (uint32_t j = 0; j < c->own.nw; j++)
            e->pol->wait_unref(e, c->own.w[j].wait);
        free(c->own.w);
        free(c->own.borrowers);
        free(c->own.label);
        free(c->label);
    }
    free(cs->v);
    free(cs);
    e->conds = NULL;
}

cs__prim *cs__cond_lock(cs__engine *e, int32_t i)
{
    return e->conds->v[i].lock;
}

void cs__cond_acquired(cs__engine *e, int32_t i, cs__task *t)
{
    e->conds->v[i].owner = t;
}

uint32_t cs__cond_waiting(const cs__engine *e, int32_t i)
{
    const struct cs__conds *cs = e->conds;
    assert(i >= 0 && (uint32_t)i < e->prog->nconditions);
    return cs->v[i].n; /* len(Condition._waiters) */
}

const char *cs__cond_label(const cs__engine *e, int32_t i)
{
    return e->conds->v[i].label;
}

/* ---- the waiters deque ---- */

static void cs__dq_append(cs__cond *c, cs__event *ev)
{
    if (c->n == c->cap) {
        uint32_t cap = c->cap ? c->cap * 2 : 4;
        cs__event **nv = cs_xmalloc(cap * sizeof *nv);
        for (uint32_t i = 0; i < c->n; i++)
            nv[i] = c->waiters[(c->head + i) % c->cap];
        free(c->waiters);
        c->waiters = nv;
        c->head = 0;
        c->cap = cap;
    }
    c->waiters[(c->head + c->n++) % c->cap] = ev;
}

static cs__event *cs__dq_popleft(cs__cond *c)
{
    assert(c->n > 0);
    cs__event *ev = c->waiters[c->head];
    c->head = (c->head + 1) % c->cap;
    c->n--;
    return ev;
}

/* deque.remove(event) */
static void cs__dq_remove(cs__cond *c, const cs__event *ev)
{
    for (uint32_t i = 0; i < c->n; i++) {
        if (c->waiters[(c->head + i) % c->cap] != ev)
            continue;
        for (uint32_t j = i; j + 1 < c->n; j++)
            c->waiters[(c->head + j) % c->cap] = c->waiters[(c->head + j + 1) % c->cap];
        c->n--;
        return;
    }
}

/* Setting an Event the deque no longer holds hands it to its waiter (who
 * frees it); the Event object itself lives until that waiter is done. */
static void cs__notify(cs__engine *e, cs__cond *c, uint64_t n)
{
    for (uint64_t k = 0; k < n && c->n; k++)
        e->pol->event_set(e, cs__dq_popleft(c));
}

static cs__completion cs__runtime_error(cs__engine *e, cs__task *t, const cs_stmt *st, const char *msg)
{
    cs_exc *x = cs__raise_new(e, t, CS_EXC_RUNTIME_ERROR, msg);
    cs__emit_raise(e, t, x, st->pos);
    return cs__c_exc(x);
}

#define CS__NOT_HOLDING "The current task is not holding the underlying lock"

int cs__exec_condition(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c)
{
    cs__cond *cd = &e->conds->v[st->ref];
    switch (st->op) {
    case CS_OP_NOTIFY:
    case CS_OP_NOTIFY_ALL:
        if (cd->owner != t) {
            *c = cs__runtime_error(e, t, st, CS__NOT_HOLDING);
            return CS__CONT;
        }
        cs__notify(e, cd, st->op == CS_OP_NOTIFY_ALL ? UINT64_MAX : st->count < 0 ? 1 : (uint64_t)st->count);
        return CS__CONT;
    case CS_OP_WITH_CONDITION: cs__push(e, t, CS__F_SYNC, st); return CS__CONT;
    default: /* condition_wait */ cs__push(e, t, CS__F_CONDITION, st); return CS__CONT;
    }
}

/* After the Event wait: pass a notification on if it cannot be used, then
 * re-acquire the lock inside a shielded scope. */
static int cs__after_wait(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    cs__cond *cd = &e->conds->v[f->st->ref];
    cs__event *ev = f->ev;
    f->ev = NULL;
    if (c->type != CS__C_NORMAL) {
        if (!ev->value)
            cs__dq_remove(cd, ev);
        else if (cd->n)
            e->pol->event_set(e, cs__dq_popleft(cd));
    }
    cs__ev_free(e, ev);
    f->saved = *c; /* what the wait raises, after the finally */
    c->type = CS__C_NORMAL;
    c->exc = NULL;
    cs__scope *s = cs__scope_new(e, NULL, CS_KIND_INTERNAL, INFINITY, true);
    f->scope = s->id;
    f->phase = CW_ACQUIRE;
    cs__scope_enter(e, s, t);
    cs__frame *a = cs__push(e, t, CS__F_SYNC, f->st); /* f may move */
    a->idx = 2;                                       /* acquire only: hand back holding the lock */
    return CS__CONT;
}

int cs__step_condition(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    cs__cond *cd = &e->conds->v[f->st->ref];
    switch (f->phase) {
    case CW_START: f->phase = CW_CIC; return e->pol->checkpoint_if_cancelled(e, t, f->st);
    case CW_CIC: {
        if (c->type != CS__C_NORMAL)
            return cs__pop_with(t, c, *c);
        if (cd->owner != t)
            return cs__pop_with(t, c, cs__runtime_error(e, t, f->st, CS__NOT_HOLDING));
        cs__event *ev = cs__ev_new(e, cd->label);
        cs__dq_append(cd, ev);
        if (cd->lock->owner != t) /* Lock.release() by a task not holding it; the Event stays queued */
            return cs__pop_with(t, c, cs__runtime_error(e, t, f->st, e->pol->lock_not_held));
        cs__prim_release(e, cd->lock, t);
        f->ev = ev;
        f->phase = CW_WAIT;
        return e->pol->event_wait(e, t, ev);
    }
    case CW_WAIT: return cs__after_wait(e, t, f, c);
    default: { /* CW_ACQUIRE: the shielded acquire() is done */
        if (c->type == CS__C_NORMAL)
            cd->owner = t;
        cs__completion out = cs__scope_exit(e, e->scopes[f->scope], *c);
        c->type = CS__C_NORMAL;
        c->exc = NULL;
        if (out.type == CS__C_NORMAL) { /* the finally ended normally: what the wait gave */
            out = f->saved;
            f->saved = (cs__completion){.type = CS__C_NORMAL};
        }
        return cs__pop_with(t, c, out);
    }
    }
}
