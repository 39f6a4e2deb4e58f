/* trio_policy.c - AnyIO 4.14.2 on Trio: checkpoints, sleeps, events, and the
 * policy table.
 *
 * trio.lowlevel.checkpoint() is a schedule point followed by a cancel point:
 * the task yields, and only when it runs again does it check its status; if
 * cancelled it parks once more and the Cancelled arrives in the next batch.
 * trio.sleep(d) is `with move_on_at(now + d): await sleep_forever()`: its own
 * scope's deadline ends it, which is why an outer cancellation that lands at
 * the same instant can make an expired sleep raise.
 */
#include <stdlib.h>
#include <string.h>

#include "interp.h"
#include "policy.h"
#include "trio.h"
#include "util.h"

static int cs__park(cs__task *t, uint8_t abort_kind, const char *label, cs__fut **yf)
{
    t->parking = true;
    t->abort_kind = abort_kind;
    t->wait_label = label;
    *yf = NULL;
    return CS__YIELD;
}

static int cs__schedule_point(cs__task *t, const char *label, cs__fut **yf)
{
    t->wait_label = label;
    *yf = NULL;
    return CS__YIELD;
}

int cs__trio_step_checkpoint(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c, cs__fut **yf)
{
    (void)e;
    if (f->phase == 0) {
        f->phase = 1;
        return cs__schedule_point(t, "checkpoint", yf);
    }
    if (f->phase == 1 && c->type == CS__C_NORMAL && t->cancel_scope && t->cancel_scope->effectively_cancelled) {
        f->phase = 2;
        return cs__park(t, CS__ABORT_SUCCEEDED, "checkpoint", yf);
    }
    cs__completion out = *c;
    c->type = CS__C_NORMAL;
    c->exc = NULL;
    cs__pop(t);
    *c = out;
    return CS__CONT;
}

int cs__trio_step_sleep(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c, cs__fut **yf)
{
    if (f->phase == 2) {
        cs_exc *x = cs__raise_new(e, t, CS_EXC_VALUE_ERROR, "`seconds` must be non-negative");
        cs__pop(t);
        *c = cs__c_exc(x);
        return CS__CONT;
    }
    if (f->phase == 0) {
        f->phase = 1;
        double deadline = cs__now_s(e) + f->num;
        cs__scope *s = cs__scope_new(e, NULL, CS_KIND_INTERNAL, deadline, false);
        s->sleep_scope = true;
        f->scope = s->id;
        cs__trio_scope_enter(e, s, t);
        cs_event ev;
        cs__ev_init(e, &ev, CS_EV_SLEEP);
        ev.task = t->id;
        ev.wake_at = f->num == INFINITY ? INT64_MAX : cs__s_to_ns(deadline);
        ev.label = f->st && f->st->op == CS_OP_SLEEP_FOREVER ? "sleep_forever" : "sleep";
        cs__emit(e, &ev);
        return cs__park(t, CS__ABORT_SUCCEEDED, t->wait_label, yf);
    }
    cs__scope *s = e->scopes[f->scope];
    cs__completion out = cs__trio_scope_exit(e, s, *c);
    /* the sleep's own Cancelled, swallowed by its scope: nothing reads it
     * again (no fail_after), so it need not live until the run ends */
    cs_exc_unref(s->swallowed);
    s->swallowed = NULL;
    /* nothing else points at an exited sleep scope but the deadline heap's
     * stale entries: reuse its memory once the last of them is popped */
    if (s->dl_refs == 0)
        cs__scope_recycle(e, s);
    else
        s->sleep_done = true;
    c->type = CS__C_NORMAL;
    c->exc = NULL;
    cs__pop(t);
    *c = out;
    return CS__CONT;
}

/* trio.sleep(seconds): ValueError below 0, a checkpoint at 0, else sleep_until. */
static int cs__trio_sleep(cs__engine *e, cs__task *t, double delay, const char *label, cs__fut **yf)
{
    (void)yf;
    t->wait_label = label;
    if (delay < 0) {
        cs__frame *f = cs__push(e, t, CS__F_TRIO_SLEEP, NULL);
        f->phase = 2; /* raises at once */
        return CS__CONT;
    }
    if (delay == 0) {
        cs__push(e, t, CS__F_TRIO_CP, NULL);
        return CS__CONT;
    }
    cs__frame *f = cs__push(e, t, CS__F_TRIO_SLEEP, NULL);
    f->num = delay;
    return CS__CONT;
}

static int cs__trio_checkpoint(cs__engine *e, cs__task *t, const cs_stmt *st, cs__fut **yf)
{
    (void)e;
    (void)yf;
    cs__push(e, t, CS__F_TRIO_CP, st);
    return CS__CONT;
}

static int cs__trio_cic(cs__engine *e, cs__task *t, const cs_stmt *st, cs__fut **yf)
{
    (void)e;
    (void)yf;
    if (t->cancel_scope && t->cancel_scope->effectively_cancelled)
        cs__push(e, t, CS__F_TRIO_CP, st);
    return CS__CONT;
}

static int cs__trio_csc(cs__engine *e, cs__task *t, const cs_stmt *st, cs__fut **yf)
{
    (void)e;
    (void)st;
    return cs__schedule_point(t, "cancel_shielded_checkpoint", yf);
}

/* trio.Event via AnyIO: a set event costs a checkpoint; otherwise park in the
 * event's task set (insertion order here) until set() reschedules all. */
static int cs__trio_event_wait(cs__engine *e, cs__task *t, cs__event *ev, cs__fut **yf)
{
    (void)e;
    if (ev->value) {
        cs__push(e, t, CS__F_TRIO_CP, NULL);
        return CS__CONT;
    }
    if (ev->ntasks == ev->captasks) {
        ev->captasks = ev->captasks ? ev->captasks * 2 : 4;
        ev->tasks = cs_xrealloc(ev->tasks, ev->captasks * sizeof *ev->tasks);
    }
    ev->tasks[ev->ntasks++] = t;
    cs__rare_mut(t)->trio_event = ev;
    return cs__park(t, CS__ABORT_SUCCEEDED, ev->label, yf);
}

static void cs__trio_event_set(cs__engine *e, cs__event *ev)
{
    if (ev->value)
        return;
    ev->value = true;
    /* Trio's Event keeps a set of waiters: any order is possible; seed 0 takes
     * insertion order */
    cs__trio_shuffle(e, (void **)ev->tasks, ev->ntasks);
    uint32_t first = e->nrunq;
    for (uint32_t i = 0; i < ev->ntasks; i++) {
        CS__RARE_CLEAR(ev->tasks[i], trio_event);
        cs__trio_reschedule(e, ev->tasks[i], NULL);
    }
    /* every order of the waiters is a choice of the shuffle: a batch of just
     * them, in this order, need not be tried reversed (cs_choice_log.mirror) */
    bool contiguous = e->nrunq == first + ev->ntasks;
    e->wake = (struct cs__wake_mark){first, contiguous && ev->ntasks > 1 ? ev->ntasks : 0, e->nchoices};
    ev->ntasks = 0;
}

const cs__policy cs__policy_trio = {
    .scope_enter = cs__trio_scope_enter,
    .scope_exit = cs__trio_scope_exit,
    .scope_cancel = cs__trio_scope_cancel,
    .scope_set_deadline = cs__trio_scope_set_deadline,
    .scope_set_shield = cs__trio_scope_set_shield,
    .scope_cancel_called = cs__trio_scope_cancel_called,
    .effective_deadline = cs__trio_effective_deadline,
    .sleep = cs__trio_sleep,
    .checkpoint = cs__trio_checkpoint,
    .checkpoint_if_cancelled = cs__trio_cic,
    .cancel_shielded_checkpoint = cs__trio_csc,
    .step_tg = cs__trio_step_tg,
    .spawn = cs__trio_spawn,
    .event_wait = cs__trio_event_wait,
    .event_set = cs__trio_event_set,
    .run = cs__trio_run,
};
