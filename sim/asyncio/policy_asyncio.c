/* policy_asyncio.c - the asyncio room's policy table, and what it holds of a
 * run (its part of each task, scope, group and event, released at the end).
 */
#include <stdio.h>
#include <stdlib.h>

#include "aio.h"

static bool cs__aio_cancel_called(cs__engine *e, cs__scope *s)
{
    (void)e;
    return s->cancel_called;
}

/* CancelScope.__enter__: "if self._active: raise RuntimeError(...)": a scope
 * that has exited may be entered again on asyncio. */
static bool cs__aio_scope_reentry_refused(const cs__scope *s)
{
    return s->active;
}

/* CancelScope.__exit__'s three checks, in AnyIO's order and words; a refused
 * exit changes nothing (the scope stays active and current). */
static cs__exit_misuse cs__aio_scope_exit_misuse(cs__engine *e, cs__scope *s, cs__task *t, char *msg, size_t n)
{
    (void)e;
    const char *why = NULL;
    if (!s->active)
        why = "This cancel scope is not active";
    else if (t != s->host)
        why = "Attempted to exit cancel scope in a different task than it was entered in";
    else if (t->cancel_scope != s)
        why = "Attempted to exit a cancel scope that isn't the current tasks's current cancel scope";
    if (!why)
        return CS__EXIT_IN_ORDER;
    snprintf(msg, n, "%s", why);
    return CS__EXIT_REFUSED;
}

static void cs__aio_task_free(cs__engine *e, cs__task *t)
{
    cs__aio_task *at = cs__aio_t(t);
    if (t->rare) {
        cs__fut_unref(e, cs__aio_r(t)->start_fut);
        cs__native_free(e, t);
    }
    cs_exc_unref(at->cancel_exc);
    cs__fut_unref(e, at->fut_waiter);
    if (at->sleep_timer)
        cs__timer_unref(e, at->sleep_timer);
}

static void cs__aio_scope_init(cs__scope *s)
{
    (void)s; /* all zero */
}

static void cs__aio_scope_free(cs__engine *e, cs__scope *s)
{
    cs__aio_scope *as = cs__aio_s(s);
    if (as->timeout_handle)
        cs__timer_unref(e, as->timeout_handle);
    as->timeout_handle = NULL;
    free(as->cancel_message);
    as->cancel_message = NULL;
}

static void cs__aio_tg_free(cs__engine *e, cs__tg *g)
{
    cs__fut_unref(e, cs__aio_g(g)->on_completed);
}

static void cs__aio_event_free(cs__engine *e, cs__event *ev)
{
    for (uint32_t j = 0; j < ev->n; j++)
        cs__fut_unref(e, ev->waiters[j]);
}

static void cs__aio_wait_unref(cs__engine *e, cs__wait *w)
{
    cs__fut_unref(e, w);
}

static bool cs__aio_run_unfinished(const cs__engine *e)
{
    (void)e;
    return false;
}

/* AsyncIOTaskInfo.has_pending_cancellation: Task._must_cancel, a cancelled
 * _fut_waiter, or the task's innermost AnyIO scope effectively cancelled. */
static bool cs__aio_pending_cancellation(const cs__engine *e, const cs__task *t)
{
    (void)e;
    if (t->run == CS__TS_DONE)
        return false; /* the task is gone */
    const cs__aio_task *a = cs__aio_t(t);
    if (a->must_cancel || (a->fut_waiter && a->fut_waiter->state == CS__FUT_CANCELLED))
        return true;
    return t->cancel_scope && cs__scope_effectively_cancelled(t->cancel_scope);
}

const cs__policy cs__policy_asyncio = {
    .task_ext = sizeof(cs__aio_task),
    .scope_ext = sizeof(cs__aio_scope),
    .tg_ext = sizeof(cs__aio_tg),
    .rare_ext = sizeof(cs__aio_rare),
    .init = cs__loop_init,
    .free = cs__loop_free,
    .task_free = cs__aio_task_free,
    .scope_init = cs__aio_scope_init,
    .scope_free = cs__aio_scope_free,
    .tg_free = cs__aio_tg_free,
    .event_free = cs__aio_event_free,
    .wait_unref = cs__aio_wait_unref,
    .scope_enter = cs__aio_scope_enter,
    .scope_exit = cs__aio_scope_exit,
    .scope_cancel = cs__aio_scope_cancel,
    .scope_set_deadline = cs__aio_scope_set_deadline,
    .scope_set_shield = cs__aio_scope_set_shield,
    .scope_reentry_refused = cs__aio_scope_reentry_refused,
    .cancel_is_thrown = true, /* issue 19: Task.__step throws CancelledError in (agen.c) */
    .scope_exit_misuse = cs__aio_scope_exit_misuse,
    .scope_cancel_called = cs__aio_cancel_called,
    .effective_deadline = cs__aio_effective_deadline,
    .sleep = cs__aio_sleep,
    .checkpoint = cs__aio_checkpoint,
    .checkpoint_if_cancelled = cs__aio_cic,
    .cancel_shielded_checkpoint = cs__aio_csc,
    .exec_native = cs__aio_exec_native,
    .step_frame = cs__aio_step_frame,
    .step_tg = cs__aio_step_tg,
    .spawn = cs__aio_tg_spawn,
    .tg_refuses = cs__aio_tg_refuses,
    .step_start = cs__aio_step_start,
    .started = cs__aio_started,
    .event_wait = cs__aio_event_wait,
    .event_set = cs__aio_event_set,
    .has_pending_cancellation = cs__aio_pending_cancellation,
    .lock_not_held = "The current task is not holding this lock",
    .step_sync = cs__aio_step_sync,
    .prim_release = cs__aio_prim_release,
    .prim_release_user = cs__aio_prim_release_user,
    .limiter_set_total = cs__aio_limiter_set_total,
    .step_to_thread = cs__aio_step_to_thread,
    .thread_check_cancelled = cs__aio_thread_check_cancelled,
    .thread_report = cs__aio_thread_report,
    .thread_call = cs__aio_thread_call,
    .ft_task_begin = cs__aio_ft_task_begin,
    .run_unfinished = cs__aio_run_unfinished,
    .run = cs__aio_run,
    .sigint = cs__aio_sigint,
};
