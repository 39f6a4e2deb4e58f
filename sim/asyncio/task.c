/* task.c - asyncio.Task (CPython 3.11): __step, __wakeup and cancel().
 *
 * A task's coroutine is the interpreter's frame stack (interp.c).  What matters
 * for fidelity is reproduced exactly: a pending cancel() on a task that is not
 * waiting on a future sets _must_cancel and the next step throws; a cancel() on
 * a task waiting on a future cancels that future, and the task wakes one loop
 * iteration later; done-callbacks are queued with call_soon when it finishes.
 */
#include <stdlib.h>

#include "aio.h"
#include "thread.h"

static void cs__task_finish(cs__engine *e, cs__task *t, cs__completion c)
{
    cs__aio_task *at = cs__aio_t(t);
    if (cs__rare(t)->ft_thread) { /* a from_thread body's task: its future goes back to the thread */
        t->run = CS__TS_DONE;
        t->result = c;
        if (t->member_of)
            cs__scope_tasks_remove(t->member_of, t);
        if (t->tg) /* a portal call's task (the thread had its result): the group's done-callback */
            cs__call_soon(e, CS__CB_TASK_DONE, t, NULL);
        else if (cs__rare(t)->ft_thread->ft_sync) /* run_sync's wrapper sets the future itself (issue 26) */
            cs__ft_done(e, cs__rare(t)->ft_thread);
        else
            cs__call_soon(e, CS__CB_FT_DONE, cs__rare(t)->ft_thread, NULL);
        return;
    }
    t->run = CS__TS_DONE;
    cs_event ev;
    cs__ev_init(e, &ev, CS_EV_TASK_END);
    ev.task = t->id;
    bool forced = false;
    if (c.type != CS__C_EXC && at->must_cancel) {
        /* Task is cancelled right before the coroutine stops: it ends cancelled. */
        at->must_cancel = false;
        cs__completion_clear(&c);
        c.type = CS__C_EXC;
        c.exc = cs_exc_ref(at->cancel_exc);
        forced = true;
    }
    /* the record shows how the body ended, before its handle's scope (whose
     * exit may raise when a scope entered by hand is still open: issue 19) */
    const cs__completion *rec = t->body_done && !forced ? &t->body : &c;
    cs__task_state_of(t, rec, &ev);
    ev.state = t->state;
    t->result = c;
    if (c.type == CS__C_EXC && !e->escaped &&
        (c.exc->cls == CS_EXC_KEYBOARD_INTERRUPT || c.exc->cls == CS_EXC_SYSTEM_EXIT ||
         cs_exc_class_is(e->prog, c.exc->cls, CS_EXC_KEYBOARD_INTERRUPT) ||
         cs_exc_class_is(e->prog, c.exc->cls, CS_EXC_SYSTEM_EXIT))) {
        /* Task.__step re-raises these out of run_until_complete at once; the
         * Runner then cancels every other task and anyio.run() raises it bare. */
        e->escaped = cs_exc_ref(c.exc);
        cs__aio(e)->escape = true;
    }
    cs__emit(e, &ev);
    if (cs__aio_r(t)->native) /* a native task: its awaiters' __wakeup */
        cs__native_finish(e, t, &c);
    /* done callbacks, in the order they were added */
    if (t->tg)
        cs__call_soon(e, CS__CB_TASK_DONE, t, NULL);
    if (t->id == 0)
        cs__call_soon(e, CS__CB_RUN_COMPLETE, t, NULL);
}

/* Task.__step(exc): `exc` is an owned reference or NULL. */
void cs__task_step(cs__engine *e, cs__task *t, cs_exc *exc)
{
    cs__aio_task *at = cs__aio_t(t);
    if (t->run == CS__TS_DONE) {
        cs_exc_unref(exc);
        return;
    }
    if (at->must_cancel) {
        /* a CancelledError already on its way in is kept (3.11's __step) */
        if (!exc || exc->cls != CS_EXC_CANCELLED) {
            cs_exc_unref(exc);
            exc = cs_exc_ref(at->cancel_exc);
        }
        at->must_cancel = false;
    }
    if (at->native_req) { /* issue 20: the CancelledError a native cancel() sent, or none (absorbed) */
        at->native_req = false;
        if (exc && exc->cls == CS_EXC_CANCELLED)
            cs__native_cancel_delivered(e, t, exc);
    }
    cs__fut *woken = at->fut_waiter; /* released after the event clean-up below */
    at->fut_waiter = NULL;
    if (at->sleep_timer) { /* asyncio.sleep's `finally: h.cancel()` */
        cs__timer_cancel(e, at->sleep_timer);
        cs__timer_unref(e, at->sleep_timer);
        at->sleep_timer = NULL;
    }
    if (cs__aio_r(t)->event_wait) {
        cs__event_forget(e, cs__aio_r(t)->event_wait, woken);
        CS__AIO_RARE_CLEAR(t, event_wait);
    }
    cs__fut_unref(e, woken);
    cs__task_started(e, t);
    cs__completion in = {.type = exc ? CS__C_EXC : CS__C_NORMAL, .exc = exc};
    cs__task *prev = e->current;
    e->current = t;
    bool finished = cs__interp_resume(e, t, in);
    cs__fut *fut = e->yield_on; /* the future it awaits (a reference), or a bare yield */
    e->yield_on = NULL;
    e->current = prev;
    if (e->aborted) {
        cs__fut_unref(e, fut);
        return;
    }
    if (finished) {
        cs__task_finish(e, t, t->result);
        return;
    }
    if (!fut) {
        cs__call_soon(e, CS__CB_TASK_STEP, t, NULL); /* bare yield */
        return;
    }
    at->fut_waiter = fut;
    if (fut->state != CS__FUT_PENDING) {
        cs__call_soon(e, CS__CB_TASK_WAKEUP, t, cs__fut_ref(fut));
    } else {
        fut->waiter = t;
        if (at->must_cancel && cs__fut_cancel(e, fut, at->cancel_exc))
            at->must_cancel = false;
    }
}

void cs__task_wakeup(cs__engine *e, cs__task *t, cs__fut *f)
{
    if (f->state == CS__FUT_CANCELLED || f->state == CS__FUT_EXC)
        cs__task_step(e, t, cs_exc_ref(f->exc));
    else
        cs__task_step(e, t, NULL);
}

/* Task.cancel(msg); takes a new reference to exc when it keeps it.  Sets
 * the loop's `recursion` when it went round a cycle of awaits.  `native`: not
 * an AnyIO scope's delivery (marks the request for the native_cancel event). */
static bool cs__task_cancel_in(cs__engine *e, cs__task *t, cs_exc *exc, bool native)
{
    cs__aio_task *at = cs__aio_t(t);
    if (t->run == CS__TS_DONE)
        return false;
    at->ncancels++;
    cs__task *inner = cs__aio_r(t)->awaiting;
    cs__native_fut *nf = cs__aio_r(t)->awaiting_fut;
    if (inner && at->fut_waiter && at->fut_waiter->state == CS__FUT_PENDING) {
        /* awaiting a native task: the task is the _fut_waiter, and its
         * cancel() is Task.cancel (native_task.c); tasks awaiting each other
         * in a cycle (CPython: RecursionError) stop at the first one again */
        if (at->in_cancel) {
            cs__aio(e)->recursion = true;
            return false;
        }
        at->in_cancel = true;
        bool r = cs__task_cancel_in(e, inner, exc, native);
        at->in_cancel = false;
        at->native_req |= r && native;
        if (r || cs__aio(e)->recursion)
            return r;
    } else if (nf && at->fut_waiter && at->fut_waiter->state == CS__FUT_PENDING) {
        /* awaiting a bare asyncio.Future shared with others: it is cancelled itself */
        if (cs__native_fut_cancel(e, nf, exc)) {
            at->native_req |= native;
            return true;
        }
    } else if (at->fut_waiter && cs__fut_cancel(e, at->fut_waiter, exc)) {
        at->native_req |= native;
        return true;
    }
    at->native_req |= native;
    at->must_cancel = true;
    cs_exc_unref(at->cancel_exc);
    at->cancel_exc = cs_exc_ref(exc);
    return true;
}

bool cs__task_cancel(cs__engine *e, cs__task *t, cs_exc *exc)
{
    bool r = cs__task_cancel_in(e, t, exc, true);
    cs__aio(e)->recursion = false;
    return r;
}

bool cs__task_cancel_rec(cs__engine *e, cs__task *t, cs_exc *exc, bool *recursion)
{
    bool r = cs__task_cancel_in(e, t, exc, false);
    *recursion = cs__aio(e)->recursion;
    cs__aio(e)->recursion = false;
    return r;
}
