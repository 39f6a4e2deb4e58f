/* native_wait_for.c - `await asyncio.wait_for(coro, timeout)` inside AnyIO
 * code, as CPython 3.11.7's asyncio/tasks.py has it (3.12 rewrote it over
 * asyncio.timeout; this is the 3.11 one):
 *
 *   timeout None: `await fut`;  timeout <= 0: _cancel_and_wait(fut), then its
 *   result or TimeoutError;  else wait on a waiter future that the task's
 *   completion or call_later(timeout) releases.  If that wait is cancelled and
 *   the task is done by then, its result is returned and the cancellation is
 *   lost (the 3.11 behaviour); otherwise _cancel_and_wait(fut) and re-raise.
 *   At the timeout: _cancel_and_wait(fut), then TimeoutError from the
 *   task's CancelledError (or the task's own result/exception when it would not
 *   be cancelled).
 *
 * The coroutine is the statement's body, run as a native task named by the
 * statement (ensure_future wraps it in a Task).  _cancel_and_wait cancels the
 * task and waits on a second waiter its completion releases.
 */
#include <stdlib.h>

#include "aio.h"
#include "util.h"

enum { WF_START, WF_WAIT, WF_AWAIT, WF_CANCEL_RERAISE, WF_CANCEL_TIMEOUT };

/* _cancel_and_wait(fut): fut.cancel(), then await a waiter it releases. */
static int cs__wf_cancel_and_wait(cs__engine *e, cs__task *t, cs__frame *f, cs__task *h, uint8_t next)
{
    cs__fut *w = cs__native_add_waiter(e, h, CS__NW_RELEASE);
    cs_exc *x = cs__new_exc(e, CS_EXC_CANCELLED, "");
    x->noargs = true;
    cs__task_cancel(e, h, x);
    cs_exc_unref(x);
    f->phase = next;
    return cs__yield_on(e, w);
}

int cs__native_wait_for_begin(cs__engine *e, cs__task *t, const cs_stmt *st)
{
    cs__task *h = cs__native_create_task(e, t, st);
    if (!h)
        return CS__YIELD;
    cs__frame *f = cs__push(e, t, CS__F_NATIVE_WAIT_FOR, st);
    f->obj = h->id;
    return CS__CONT;
}

/* the timer of the frame's wait (call_later(timeout, _release_waiter)), kept in the loop's table */
static cs__timer **cs__wf_timer(cs__engine *e, cs__frame *f)
{
    return &cs__aio(e)->wf_timers[f->scope2];
}

static void cs__wf_drop_timer(cs__engine *e, cs__frame *f)
{
    if (f->scope2 < 0)
        return;
    cs__timer **tm = cs__wf_timer(e, f);
    if (*tm) { /* finally: timeout_handle.cancel() */
        cs__timer_cancel(e, *tm);
        cs__timer_unref(e, *tm);
        *tm = NULL;
    }
}

static int cs__wf_start(cs__engine *e, cs__task *t, cs__frame *f, cs__task *h)
{
    double d = cs__dur(t, &f->st->dur);
    t->wait_label = cs__aio_r(h)->native->label;
    if (d == INFINITY) { /* timeout None: await fut */
        f->phase = WF_AWAIT;
        cs__aio_rmut(e, t)->awaiting = h;
        return cs__yield_on(e, cs__native_add_waiter(e, h, CS__NW_AWAIT));
    }
    if (d <= 0) /* the task has not run yet: it is not done */
        return cs__wf_cancel_and_wait(e, t, f, h, WF_CANCEL_TIMEOUT);
    cs__aio_loop *L = cs__aio(e);
    if (L->nwf == L->capwf) {
        L->capwf = L->capwf ? L->capwf * 2 : 8;
        L->wf_timers = cs_xrealloc(L->wf_timers, L->capwf * sizeof *L->wf_timers);
    }
    cs__fut *waiter = cs__fut_new(e);
    /* call_later(timeout, _release_waiter, waiter): the timer holds the waiter */
    L->wf_timers[L->nwf] = cs__call_at(e, e->now + cs__s_to_ns(d), CS__CB_SLEEP_DONE, cs__fut_ref(waiter));
    f->scope2 = (int32_t)L->nwf++;
    /* fut.add_done_callback(cb): the task's completion releases the waiter too */
    cs__native_waiter_attach(e, h, waiter);
    f->phase = WF_WAIT;
    return cs__yield_on(e, waiter);
}

/* The waiter was released (or the wait cancelled): *c says which. */
static int cs__wf_woken(cs__engine *e, cs__task *t, cs__frame *f, cs__task *h, cs__completion *c)
{
    if (h->run == CS__TS_DONE) { /* return fut.result(): a cancellation of the wait is lost */
        cs__wf_drop_timer(e, f);
        if (c->type == CS__C_EXC) { /* said as a catch by wait_for itself (the findings' swallow) */
            cs_event ev;
            cs__ev_init(e, &ev, CS_EV_CATCH);
            ev.task = t->id;
            ev.exc = c->exc;
            ev.pos = f->st->pos;
            ev.label = "asyncio.wait_for";
            cs__emit(e, &ev);
        }
        cs__completion_clear(c);
        return cs__pop_with(t, c, cs__native_result(e, h));
    }
    if (c->type == CS__C_EXC) { /* the wait was cancelled: cancel the task, then re-raise */
        f->saved = *c;
        c->type = CS__C_NORMAL;
        c->exc = NULL;
        return cs__wf_cancel_and_wait(e, t, f, h, WF_CANCEL_RERAISE);
    }
    return cs__wf_cancel_and_wait(e, t, f, h, WF_CANCEL_TIMEOUT); /* the timeout */
}

/* After _cancel_and_wait: re-raise the saved cancellation, or the task's
 * outcome with its CancelledError turned into TimeoutError. */
static int cs__wf_after_cancel(cs__engine *e, cs__task *t, cs__frame *f, cs__task *h, cs__completion *c)
{
    cs__wf_drop_timer(e, f);
    cs__completion out = *c; /* a cancellation of _cancel_and_wait itself goes out as it is */
    c->type = CS__C_NORMAL;
    c->exc = NULL;
    if (out.type != CS__C_EXC && f->phase == WF_CANCEL_RERAISE) {
        out = f->saved;
        f->saved = (cs__completion){.type = CS__C_NORMAL};
    } else if (out.type != CS__C_EXC) {
        out = cs__native_result(e, h);
        if (out.type == CS__C_EXC && out.exc->cls == CS_EXC_CANCELLED) {
            cs_exc *x = cs__new_exc(e, CS_EXC_TIMEOUT_ERROR, "");
            x->noargs = true;
            cs_exc_set_context(x, out.exc); /* raise TimeoutError() from exc */
            cs_exc_unref(out.exc);
            cs__emit_raise(e, t, x, f->st->pos);
            out = cs__c_exc(x);
        }
    }
    return cs__pop_with(t, c, out);
}

int cs__native_step_wait_for(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    cs__task *h = e->tasks[f->obj];
    switch (f->phase) {
    case WF_START: return cs__wf_start(e, t, f, h);
    case WF_WAIT: return cs__wf_woken(e, t, f, h, c);
    case WF_AWAIT: {
        CS__AIO_RARE_CLEAR(t, awaiting);
        cs__completion out = *c;
        c->type = CS__C_NORMAL;
        c->exc = NULL;
        return cs__pop_with(t, c, out);
    }
    default: return cs__wf_after_cancel(e, t, f, h, c);
    }
}
