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
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "trio.h"
#include "util.h"

static int cs__park(cs__task *t, uint8_t abort_kind, const char *label)
{
    cs__trio_t(t)->parking = true;
    cs__trio_t(t)->abort_kind = abort_kind;
    t->wait_label = label;
    return CS__YIELD;
}

static int cs__schedule_point(cs__task *t, const char *label)
{
    t->wait_label = label;
    return CS__YIELD;
}

static int cs__trio_step_checkpoint(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    (void)e;
    if (f->phase == 0) {
        f->phase = 1;
        return cs__schedule_point(t, "checkpoint");
    }
    if (f->phase == 1 && c->type == CS__C_NORMAL &&
        ((t->cancel_scope && cs__trio_s(t->cancel_scope)->effectively_cancelled) || cs__trio_ki_for(e, t))) {
        f->phase = 2;
        return cs__park(t, CS__ABORT_SUCCEEDED, "checkpoint");
    }
    cs__completion out = *c;
    c->type = CS__C_NORMAL;
    c->exc = NULL;
    cs__pop(t);
    *c = out;
    return CS__CONT;
}

static int cs__trio_step_sleep(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
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
        cs__trio_s(s)->sleep_scope = true;
        f->scope = s->id;
        cs__trio_scope_enter(e, s, t);
        cs_event ev;
        cs__ev_init(e, &ev, CS_EV_SLEEP);
        ev.task = t->id;
        ev.wake_at = f->num == INFINITY ? INT64_MAX : cs__s_to_ns(deadline);
        ev.label = f->st && f->st->op == CS_OP_SLEEP_FOREVER ? "sleep_forever" : "sleep";
        cs__emit(e, &ev);
        return cs__park(t, CS__ABORT_SUCCEEDED, t->wait_label);
    }
    cs__scope *s = e->scopes[f->scope];
    cs__completion out = cs__scope_exit(e, s, *c);
    /* the sleep's own Cancelled, swallowed by its scope: nothing reads it
     * again (no fail_after), so it need not live until the run ends */
    cs_exc_unref(s->swallowed);
    s->swallowed = NULL;
    /* nothing else points at an exited sleep scope but the deadline heap's
     * stale entries: reuse its memory once the last of them is popped */
    if (cs__trio_s(s)->dl_refs == 0)
        cs__scope_recycle(e, s);
    else
        cs__trio_s(s)->sleep_done = true;
    c->type = CS__C_NORMAL;
    c->exc = NULL;
    cs__pop(t);
    *c = out;
    return CS__CONT;
}

/* trio.sleep(seconds): ValueError below 0, a checkpoint at 0, else sleep_until. */
static int cs__trio_sleep(cs__engine *e, cs__task *t, double delay, const char *label)
{
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

static int cs__trio_checkpoint(cs__engine *e, cs__task *t, const cs_stmt *st)
{
    (void)e;
    cs__push(e, t, CS__F_TRIO_CP, st);
    return CS__CONT;
}

static int cs__trio_cic(cs__engine *e, cs__task *t, const cs_stmt *st)
{
    if ((t->cancel_scope && cs__trio_s(t->cancel_scope)->effectively_cancelled) || cs__trio_ki_for(e, t))
        cs__push(e, t, CS__F_TRIO_CP, st);
    return CS__CONT;
}

static int cs__trio_csc(cs__engine *e, cs__task *t, const cs_stmt *st)
{
    (void)e;
    (void)st;
    return cs__schedule_point(t, "cancel_shielded_checkpoint");
}

/* trio.Event via AnyIO: a set event costs a checkpoint; otherwise park in the
 * event's task set (insertion order here) until set() reschedules all. */
static int cs__trio_event_wait(cs__engine *e, cs__task *t, cs__event *ev)
{
    (void)e;
    if (ev->value) {
        cs__push(e, t, CS__F_TRIO_CP, NULL);
        return CS__CONT;
    }
    if (ev->n == ev->cap) {
        ev->cap = ev->cap ? ev->cap * 2 : 4;
        ev->waiters = cs_xrealloc(ev->waiters, ev->cap * sizeof *ev->waiters);
    }
    ev->waiters[ev->n++] = t;
    cs__trio_rmut(e, t)->trio_event = ev;
    return cs__park(t, CS__ABORT_SUCCEEDED, ev->label);
}

static void cs__trio_event_set(cs__engine *e, cs__event *ev)
{
    cs__trio_state *T = cs__trio(e);
    if (ev->value)
        return;
    ev->value = true;
    /* Trio's Event keeps a set of waiters: any order is possible; seed 0 takes
     * insertion order */
    cs__trio_shuffle(e, ev->waiters, ev->n);
    uint32_t first = T->nrunq;
    for (uint32_t i = 0; i < ev->n; i++) {
        cs__task *w = ev->waiters[i];
        CS__TRIO_RARE_CLEAR(w, trio_event);
        cs__trio_reschedule(e, w, NULL);
    }
    /* every order of the waiters is a choice of the shuffle: a batch of just
     * them, in this order, need not be tried reversed (cs_choice_log.mirror) */
    bool contiguous = T->nrunq == first + ev->n;
    T->wake = (struct cs__wake_mark){first, contiguous && ev->n > 1 ? ev->n : 0, e->nchoices};
    ev->n = 0;
}

int cs__trio_step_frame(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    switch (f->kind) {
    case CS__F_TRIO_CP: return cs__trio_step_checkpoint(e, t, f, c);
    case CS__F_TRIO_SLEEP: return cs__trio_step_sleep(e, t, f, c);
    case CS__F_FT_HOST: return cs__step_ft_host(e, t, f, c);
    default: abort();
    }
}

static void cs__trio_tg_free(cs__engine *e, cs__tg *g)
{
    (void)e;
    (void)g; /* a nursery's Trio part holds nothing of its own */
}

static void cs__trio_event_free(cs__engine *e, cs__event *ev)
{
    (void)e;
    (void)ev; /* the parked tasks are the run's */
}

static void cs__trio_wait_unref(cs__engine *e, cs__wait *w)
{
    (void)e;
    assert(w == NULL); /* a Trio task never waits on a token */
    (void)w;
}

/* TrioTaskInfo.has_pending_cancellation: the task's CancelStatus is
 * effectively cancelled (a deadline counts once the run loop has expired it). */
static bool cs__trio_pending_cancellation(const cs__engine *e, const cs__task *t)
{
    (void)e;
    return t->run != CS__TS_DONE && cs__trio_task_cancelled(t);
}

const cs__policy cs__policy_trio = {
    .task_ext = sizeof(cs__trio_task),
    .scope_ext = sizeof(cs__trio_scope),
    .tg_ext = sizeof(cs__trio_tg),
    .rare_ext = sizeof(cs__trio_rare),
    .init = cs__trio_init,
    .free = cs__trio_free,
    .task_free = cs__trio_task_free,
    .scope_init = cs__trio_scope_init,
    .scope_free = cs__trio_scope_free,
    .tg_free = cs__trio_tg_free,
    .event_free = cs__trio_event_free,
    .wait_unref = cs__trio_wait_unref,
    .scope_enter = cs__trio_scope_enter,
    .scope_exit = cs__trio_scope_exit,
    .scope_cancel = cs__trio_scope_cancel,
    .scope_set_deadline = cs__trio_scope_set_deadline,
    .scope_set_shield = cs__trio_scope_set_shield,
    .scope_reentry_refused = cs__trio_scope_reentry_refused,
    .scope_exit_misuse = cs__trio_scope_exit_misuse,
    .scope_cancel_called = cs__trio_scope_cancel_called,
    .effective_deadline = cs__trio_effective_deadline,
    .sleep = cs__trio_sleep,
    .checkpoint = cs__trio_checkpoint,
    .checkpoint_if_cancelled = cs__trio_cic,
    .cancel_shielded_checkpoint = cs__trio_csc,
    .step_frame = cs__trio_step_frame,
    .step_tg = cs__trio_step_tg,
    .spawn = cs__trio_spawn,
    .tg_refuses = cs__trio_tg_refuses,
    .step_start = cs__trio_step_start,
    .started = cs__trio_started,
    .event_wait = cs__trio_event_wait,
    .event_set = cs__trio_event_set,
    .has_pending_cancellation = cs__trio_pending_cancellation,
    .lock_not_held = "can't release a Lock you don't own",
    .step_sync = cs__trio_step_sync,
    .prim_release = cs__trio_prim_release,
    .prim_release_user = cs__trio_prim_release_user,
    .limiter_set_total = cs__trio_limiter_set_total,
    .step_to_thread = cs__trio_step_to_thread,
    .thread_check_cancelled = cs__trio_thread_check_cancelled,
    .thread_report = cs__trio_thread_report,
    .thread_call = cs__trio_thread_call,
    .ft_task_begin = cs__trio_ft_task_begin,
    .run_unfinished = cs__trio_run_unfinished,
    .run = cs__trio_run,
    .sigint = cs__trio_sigint,
};
