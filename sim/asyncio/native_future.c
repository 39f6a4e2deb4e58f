/* native_future.c - a bare asyncio.Future inside AnyIO code
 * (loop.create_future(), `await fut`, fut.set_result(None), fut.cancel(msg)).
 *
 * Several tasks may await one future; each waits on a future of its own
 * that the shared one completes (its done callbacks, in the order they were
 * added).  Cancelling an awaiting task cancels the shared future itself
 * (Task.cancel calls _fut_waiter.cancel()): an AnyIO scope that cancels one
 * awaiter cancels the future for every other awaiter too, with the scope's
 * message.
 */
#include <stdlib.h>
#include <string.h>

#include "aio.h"
#include "util.h"

struct cs__native_fut {
    uint8_t state;     /* cs__fut_state */
    cs_exc *exc;       /* CANCELLED: the CancelledError its cancel() made (ref) */
    cs__fut **waiters; /* refs */
    uint32_t n, cap;
    char *label; /* "asyncio_future NAME" (owned) */
};

/* the slot of declared name `decl` (an index into prog->tasks) */
static cs__native_fut **cs__nf_slot(cs__engine *e, int32_t decl)
{
    cs__aio_loop *L = cs__aio(e);
    if (!L->nfuts)
        L->nfuts = cs_xcalloc(e->prog->ntasks ? e->prog->ntasks : 1, sizeof *L->nfuts);
    assert(decl >= 0 && (uint32_t)decl < e->prog->ntasks);
    return &L->nfuts[decl];
}

/* The future a statement names, or NULL after a scenario error. */
static cs__native_fut *cs__nf_named(cs__engine *e, const cs_stmt *st)
{
    cs__native_fut *f = *cs__nf_slot(e, st->ref);
    if (!f)
        cs__fail_scenario(e, st->pos, "future '%s' is used before it was created", e->prog->tasks[st->ref].name);
    return f;
}

static void cs__nf_free(cs__engine *e, cs__native_fut *f)
{
    for (uint32_t i = 0; i < f->n; i++)
        cs__fut_unref(e, f->waiters[i]);
    free(f->waiters);
    cs_exc_unref(f->exc);
    free(f->label);
    free(f);
}

void cs__native_futs_free(cs__engine *e)
{
    cs__aio_loop *L = cs__aio(e);
    for (uint32_t i = 0; L->nfuts && i < e->prog->ntasks; i++)
        if (L->nfuts[i])
            cs__nf_free(e, L->nfuts[i]);
    free(L->nfuts);
    L->nfuts = NULL;
}

/* Completes the shared future and, through their own, wakes its awaiters. */
static void cs__nf_complete(cs__engine *e, cs__native_fut *f, uint8_t state, cs_exc *exc)
{
    f->state = state;
    f->exc = exc ? cs_exc_ref(exc) : NULL;
    for (uint32_t i = 0; i < f->n; i++) {
        if (state == CS__FUT_RESULT)
            cs__fut_set_result(e, f->waiters[i]);
        else
            cs__fut_cancel(e, f->waiters[i], exc);
        cs__fut_unref(e, f->waiters[i]);
    }
    f->n = 0;
}

/* fut.cancel(msg): false when it is done already. */
bool cs__native_fut_cancel(cs__engine *e, cs__native_fut *f, cs_exc *exc)
{
    if (f->state != CS__FUT_PENDING)
        return false;
    cs__nf_complete(e, f, CS__FUT_CANCELLED, exc);
    return true;
}

int cs__native_fut_exec(cs__engine *e, cs__task *t, const cs_stmt *st)
{
    if (st->op == CS_OP_ASYNCIO_FUTURE) { /* a new future each time the statement runs */
        cs__native_fut **slot = cs__nf_slot(e, st->decl);
        if (*slot)
            cs__nf_free(e, *slot); /* nobody can name the older one any more: its waiters wait for ever */
        cs__native_fut *f = cs_xcalloc(1, sizeof *f);
        f->label = cs_xasprintf("asyncio_future %s", e->prog->tasks[st->decl].name);
        *slot = f;
        return CS__CONT;
    }
    cs__native_fut *f = cs__nf_named(e, st);
    if (!f)
        return CS__YIELD;
    if (st->op == CS_OP_FUTURE_SET_RESULT) {
        if (f->state != CS__FUT_PENDING) { /* InvalidStateError: not a class the format has */
            cs__fail_scenario(e, st->pos, "future '%s' is done already (set_result would raise InvalidStateError)",
                              e->prog->tasks[st->ref].name);
            return CS__YIELD;
        }
        cs__nf_complete(e, f, CS__FUT_RESULT, NULL);
        return CS__CONT;
    }
    if (st->op == CS_OP_FUTURE_CANCEL) {
        cs_exc *x = cs__new_exc(e, CS_EXC_CANCELLED, st->text ? st->text : "");
        x->noargs = st->text == NULL;
        cs__native_fut_cancel(e, f, x);
        cs_exc_unref(x);
        return CS__CONT;
    }
    /* CS_OP_AWAIT_FUTURE */
    cs__frame *fr = cs__push(e, t, CS__F_NATIVE_AWAIT_FUT, st);
    fr->obj = st->ref;
    return CS__CONT;
}

/* `await fut`: a done future gives its outcome at once (no yield). */
int cs__native_step_await_fut(cs__engine *e, cs__task *t, cs__frame *fr, cs__completion *c)
{
    cs__native_fut *f = cs__aio(e)->nfuts[fr->obj];
    if (fr->phase == 0 && f->state == CS__FUT_PENDING) {
        if (f->n == f->cap) {
            f->cap = f->cap ? f->cap * 2 : 4;
            f->waiters = cs_xrealloc(f->waiters, f->cap * sizeof *f->waiters);
        }
        cs__fut *w = cs__fut_new(e);
        f->waiters[f->n++] = cs__fut_ref(w);
        cs__aio_rmut(e, t)->awaiting_fut = f;
        t->wait_label = f->label;
        fr->phase = 1;
        return cs__yield_on(e, w);
    }
    CS__AIO_RARE_CLEAR(t, awaiting_fut);
    cs__completion out = *c;
    c->type = CS__C_NORMAL;
    c->exc = NULL;
    if (fr->phase == 0 && f->state == CS__FUT_CANCELLED) { /* result(): _make_cancelled_error() */
        cs_exc *x = cs__new_exc(e, CS_EXC_CANCELLED, f->exc->message);
        x->noargs = f->exc->noargs;
        x->anyio_cancel = f->exc->anyio_cancel;
        out = cs__c_exc(x);
    }
    return cs__pop_with(t, c, out);
}
