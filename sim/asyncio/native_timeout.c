/* native_timeout.c - asyncio.timeout(delay) / asyncio.timeout_at(when)
 * (CPython 3.11.7's asyncio/timeouts.py) inside AnyIO code.
 *
 * __aenter__ records the task's cancelling() count and arms _on_timeout
 * (call_soon when the instant has passed, else call_at); _on_timeout calls
 * task.cancel() with no message; __aexit__ drops the handle and, when it
 * expired, calls uncancel() and raises TimeoutError from the CancelledError
 * only if no newer cancel() request is left (uncancel() <= the recorded count)
 * and what left the block is a CancelledError.  So when an AnyIO scope and a
 * timeout fire at the same instant, the count decides who gets the
 * cancellation: AnyIO's own uncancel() bookkeeping happens in the scope's
 * exit (scope.c).
 */
#include <stdlib.h>

#include "aio.h"
#include "util.h"

enum { TMO_ENTERED, TMO_EXPIRING, TMO_EXPIRED, TMO_EXITED };

typedef struct cs__native_tmo {
    cs__task *task;
    cs__timer *timer; /* call_at's handle (ref), or NULL */
    bool soon_live;   /* a call_soon(_on_timeout) is queued and not cancelled */
    uint8_t state;
    uint32_t cancelling; /* task.cancelling() at __aenter__ */
} cs__native_tmo;

/* __aenter__: push the frame that runs the body, with the record in `obj`. */
int cs__native_timeout_begin(cs__engine *e, cs__task *t, const cs_stmt *st)
{
    cs__aio_loop *L = cs__aio(e);
    cs__native_tmo *r = cs__arena_calloc(&e->arena, sizeof *r); /* lives as long as the run */
    r->task = t;
    r->cancelling = cs__aio_t(t)->ncancels;
    r->state = TMO_ENTERED;
    double when = st->op == CS_OP_ASYNCIO_TIMEOUT_AT ? st->num : INFINITY;
    if (st->op == CS_OP_ASYNCIO_TIMEOUT) {
        double d = cs__dur(t, &st->dur);
        when = d == INFINITY ? INFINITY : cs__now_s(e) + d;
    }
    if (when != INFINITY) { /* reschedule(when) */
        if (when <= cs__now_s(e)) {
            r->soon_live = true;
            cs__call_soon(e, CS__CB_NATIVE_TIMEOUT, r, r);
        } else {
            r->timer = cs__call_at(e, cs__s_to_ns(when), CS__CB_NATIVE_TIMEOUT, r);
        }
    }
    if (L->ntmos == L->captmos) {
        L->captmos = L->captmos ? L->captmos * 2 : 8;
        L->tmos = cs_xrealloc(L->tmos, L->captmos * sizeof *L->tmos);
    }
    L->tmos[L->ntmos] = r;
    cs__frame *f = cs__push(e, t, CS__F_NATIVE_TIMEOUT, st);
    f->obj = (int32_t)L->ntmos++;
    return CS__CONT;
}

/* Timeout._on_timeout (soon: it came from call_soon, whose handle may have
 * been cancelled since). */
void cs__native_on_timeout(cs__engine *e, cs__native_tmo *r, bool soon)
{
    if (soon) {
        if (!r->soon_live)
            return;
        r->soon_live = false;
    } else {
        cs__timer_unref(e, r->timer);
        r->timer = NULL;
    }
    assert(r->state == TMO_ENTERED);
    cs_exc *x = cs__new_exc(e, CS_EXC_CANCELLED, "");
    x->noargs = true;
    cs__task_cancel(e, r->task, x);
    cs_exc_unref(x);
    r->state = TMO_EXPIRING;
}

/* __aexit__ once the body is over */
static cs__completion cs__native_timeout_exit(cs__engine *e, cs__task *t, cs__native_tmo *r, const cs_stmt *st,
                                              cs__completion c)
{
    if (r->timer) {
        cs__timer_cancel(e, r->timer);
        cs__timer_unref(e, r->timer);
        r->timer = NULL;
    }
    r->soon_live = false;
    if (r->state != TMO_EXPIRING) {
        r->state = TMO_EXITED;
        return c;
    }
    r->state = TMO_EXPIRED;
    cs__aio_task *at = cs__aio_t(t);
    cs__aio_uncancel(e, t, "asyncio.timeout");
    if (at->ncancels <= r->cancelling && c.type == CS__C_EXC && c.exc->cls == CS_EXC_CANCELLED) {
        cs_exc *x = cs__new_exc(e, CS_EXC_TIMEOUT_ERROR, "");
        x->noargs = true;
        cs_exc_set_context(x, c.exc); /* raise TimeoutError from exc_val */
        cs__emit_raise(e, t, x, st->pos);
        cs__completion_clear(&c);
        return cs__c_exc(x);
    }
    return c;
}

/* phase 0: the body is pushed; 1: it is over */
int cs__native_step_timeout(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    if (f->phase == 0) {
        f->phase = 1;
        cs__push_body(e, t, f->st->body);
        return CS__CONT;
    }
    cs__native_tmo *r = cs__aio(e)->tmos[f->obj];
    const cs_stmt *st = f->st;
    cs__completion in = *c;
    c->type = CS__C_NORMAL;
    c->exc = NULL;
    return cs__pop_with(t, c, cs__native_timeout_exit(e, t, r, st, in));
}
