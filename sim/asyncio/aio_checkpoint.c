/* aio_checkpoint.c - asyncio.sleep and AnyIO's checkpoints on asyncio:
 * checkpoint() is sleep(0); checkpoint_if_cancelled() sleeps(0) only while a
 * visible scope has cancel_called (the delivery retry makes the sleep
 * raise); cancel_shielded_checkpoint() is sleep(0) in a shielded scope.
 */
#include <stdlib.h>

#include "aio.h"

/* asyncio.sleep(delay): a bare yield for delay <= 0, else a future completed by
 * a call_later timer; sleep(inf) arms no timer at all. */
int cs__aio_sleep(cs__engine *e, cs__task *t, double delay, const char *label)
{
    t->wait_label = label;
    if (!(delay > 0))
        return CS__YIELD;
    cs__fut *f = cs__fut_new(e);
    cs__aio_task *at = cs__aio_t(t);
    if (delay != INFINITY) {
        int64_t d = cs__s_to_ns(delay);
        int64_t when = d > CS_NS_INF - e->now ? CS_NS_INF - 1 : e->now + d;
        at->sleep_timer = cs__call_at(e, when, CS__CB_SLEEP_DONE, cs__fut_ref(f));
    }
    cs_event ev;
    cs__ev_init(e, &ev, CS_EV_SLEEP);
    ev.task = t->id;
    ev.wake_at = delay == INFINITY ? INT64_MAX : at->sleep_timer->when;
    ev.label = label;
    cs__emit(e, &ev);
    return cs__yield_on(e, f);
}

static bool cs__aio_cic_needed(const cs__task *t)
{
    for (const cs__scope *s = t->cancel_scope; s; s = s->parent) {
        if (s->cancel_called)
            return true;
        if (s->shield)
            return false;
    }
    return false;
}

int cs__aio_checkpoint(cs__engine *e, cs__task *t, const cs_stmt *st)
{
    (void)st;
    return cs__aio_sleep(e, t, 0, "checkpoint");
}

int cs__aio_cic(cs__engine *e, cs__task *t, const cs_stmt *st)
{
    cs__push(e, t, CS__F_CIC, st);
    return CS__CONT;
}

int cs__aio_csc(cs__engine *e, cs__task *t, const cs_stmt *st)
{
    cs__push(e, t, CS__F_CSC, st);
    return CS__CONT;
}

/* lowlevel.cancel_shielded_checkpoint(): `with CancelScope(shield=True): await sleep(0)` */
static int cs__aio_step_csc(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    if (f->phase == 0) {
        cs__scope *s = cs__scope_new(e, NULL, CS_KIND_INTERNAL, INFINITY, true);
        f->scope = s->id;
        f->phase = 1;
        cs__scope_enter(e, s, t);
        return cs__aio_sleep(e, t, 0, "cancel_shielded_checkpoint");
    }
    cs__completion out = cs__scope_exit(e, e->scopes[f->scope], *c);
    c->type = CS__C_NORMAL;
    c->exc = NULL;
    return cs__pop_with(t, c, out);
}

/* lowlevel.checkpoint_if_cancelled(): sleep(0) while a visible scope has
 * cancel_called. */
static int cs__aio_step_cic(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    (void)f;
    if (c->type != CS__C_NORMAL || !cs__aio_cic_needed(t)) {
        cs__completion out = *c;
        c->type = CS__C_NORMAL;
        c->exc = NULL;
        return cs__pop_with(t, c, out);
    }
    return cs__aio_sleep(e, t, 0, "checkpoint_if_cancelled");
}

int cs__aio_step_frame(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    switch (f->kind) {
    case CS__F_CSC: return cs__aio_step_csc(e, t, f, c);
    case CS__F_CIC: return cs__aio_step_cic(e, t, f, c);
    case CS__F_NATIVE_AWAIT: return cs__native_step_await(e, t, f, c);
    case CS__F_NATIVE_TIMEOUT: return cs__native_step_timeout(e, t, f, c);
    case CS__F_NATIVE_WAIT_FOR: return cs__native_step_wait_for(e, t, f, c);
    case CS__F_NATIVE_SHIELD: return cs__native_step_shield(e, t, f, c);
    case CS__F_NATIVE_TG: return cs__native_step_tg(e, t, f, c);
    case CS__F_NATIVE_AWAIT_FUT: return cs__native_step_await_fut(e, t, f, c);
    default: /* CS__F_FT_HOST is Trio's: asyncio runs a from_thread body in a task of its own */ abort();
    }
}
