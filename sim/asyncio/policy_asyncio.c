/* policy_asyncio.c - the asyncio backend's entries in the policy table, and the
 * dispatchers the core calls. */
#include "interp.h"
#include "policy.h"

void cs__scope_enter(cs__engine *e, cs__scope *s, cs__task *t)
{
    e->pol->scope_enter(e, s, t);
}

cs__completion cs__scope_exit(cs__engine *e, cs__scope *s, cs__completion c)
{
    return e->pol->scope_exit(e, s, c);
}

void cs__scope_cancel(cs__engine *e, cs__scope *s, const char *reason, cs_cancel_cause cause)
{
    e->pol->scope_cancel(e, s, reason, cause);
}

/* The trace learns the new deadline or shield before the backend acts on it
 * (a deadline already past, a shield lifted, cancels at once). */
static void cs__emit_scope_update(cs__engine *e, const cs__scope *s, double deadline, bool shield)
{
    cs_event ev;
    cs__ev_init(e, &ev, CS_EV_SCOPE_UPDATE);
    ev.scope = s->id;
    ev.task = e->current ? e->current->id : -1;
    ev.deadline = deadline;
    ev.shield = shield;
    cs__emit(e, &ev);
}

void cs__scope_set_deadline(cs__engine *e, cs__scope *s, double deadline)
{
    cs__emit_scope_update(e, s, deadline, s->shield);
    e->pol->scope_set_deadline(e, s, deadline);
}

void cs__scope_set_shield(cs__engine *e, cs__scope *s, bool shield)
{
    cs__emit_scope_update(e, s, s->deadline, shield);
    e->pol->scope_set_shield(e, s, shield);
}

double cs__effective_deadline(const cs__engine *e, const cs__task *t)
{
    return e->pol->effective_deadline(e, t);
}

static bool cs__aio_cancel_called(cs__engine *e, cs__scope *s)
{
    (void)e;
    return s->cancel_called;
}

static int cs__aio_checkpoint(cs__engine *e, cs__task *t, const cs_stmt *st, cs__fut **yf)
{
    (void)st;
    return cs__aio_sleep(e, t, 0, "checkpoint", yf);
}

static int cs__aio_cic(cs__engine *e, cs__task *t, const cs_stmt *st, cs__fut **yf)
{
    (void)e;
    (void)yf;
    cs__push(e, t, CS__F_CIC, st);
    return CS__CONT;
}

static int cs__aio_csc(cs__engine *e, cs__task *t, const cs_stmt *st, cs__fut **yf)
{
    (void)e;
    (void)yf;
    cs__push(e, t, CS__F_CSC, st);
    return CS__CONT;
}

const cs__policy cs__policy_asyncio = {
    .scope_enter = cs__aio_scope_enter,
    .scope_exit = cs__aio_scope_exit,
    .scope_cancel = cs__aio_scope_cancel,
    .scope_set_deadline = cs__aio_scope_set_deadline,
    .scope_set_shield = cs__aio_scope_set_shield,
    .scope_cancel_called = cs__aio_cancel_called,
    .effective_deadline = cs__aio_effective_deadline,
    .sleep = cs__aio_sleep,
    .checkpoint = cs__aio_checkpoint,
    .checkpoint_if_cancelled = cs__aio_cic,
    .cancel_shielded_checkpoint = cs__aio_csc,
    .step_tg = cs__aio_step_tg,
    .spawn = cs__aio_tg_spawn,
    .event_wait = cs__aio_event_wait,
    .event_set = cs__aio_event_set,
    .run = cs__aio_run,
};
