/* native_task.c - native asyncio inside AnyIO code (CPython 3.11's
 * asyncio.create_task, `await task`, Task.cancel(msg), cancelling(),
 * uncancel(), done(), cancelled()): the asyncio room's exec_native.
 *
 * A native task belongs to no task group and to no cancel scope (AnyIO's
 * _task_states has no entry for it until it enters a scope of its own), so an
 * AnyIO scope around asyncio.create_task() never cancels it.  Awaiting it
 * makes the task itself the awaiter's _fut_waiter: here each awaiter waits on
 * a future of its own that the task completes when it finishes, and
 * cancelling the awaiter cancels the task instead of that future (Task.cancel
 * calls _fut_waiter.cancel(), which for a Task is Task.cancel), which is how a
 * level-triggered AnyIO scope keeps cancelling a task it does not own.
 */
#include <stdlib.h>

#include "aio.h"
#include "util.h"

static cs__native *cs__native_of(const cs__task *t)
{
    return cs__aio_r(t)->native;
}

/* The task a statement names (created already), or NULL after a scenario error;
 * with no name, the current task. */
static cs__task *cs__native_named(cs__engine *e, cs__task *t, const cs_stmt *st)
{
    if (st->ref < 0)
        return t;
    int32_t id = e->task_latest[st->ref];
    if (id < 0) {
        cs__fail_scenario(e, st->pos, "task '%s' is used before it was created", e->prog->tasks[st->ref].name);
        return NULL;
    }
    return e->tasks[id];
}

/* asyncio.create_task(coro, name=NAME) of st's body: its first step is
 * queued with call_soon.  NULL when a limit stopped the run. */
cs__task *cs__native_create_task(cs__engine *e, cs__task *parent, const cs_stmt *st)
{
    e->emit_pos = st->pos;
    cs__task *t = cs__task_new(e, cs__spawn_name(e, st->name, -1), parent, NULL);
    e->emit_pos = (cs_pos){0, 0};
    if (e->aborted)
        return NULL;
    cs__native *n = cs_xcalloc(1, sizeof *n);
    n->label = cs_xasprintf("asyncio_await %s", st->name);
    cs__aio_rmut(e, t)->native = n;
    if (st->decl >= 0)
        e->task_latest[st->decl] = t->id;
    /* the coroutine's body; its first frame carries the statement (its locals) */
    cs__frame *f = cs__push(e, t, CS__F_BODY, st);
    f->body = st->body;
    cs__call_soon(e, CS__CB_TASK_STEP, t, NULL);
    return t;
}

static void cs__native_push_waiter(cs__native *n, cs__fut *fut, uint8_t kind)
{
    if (n->n == n->cap) {
        n->cap = n->cap ? n->cap * 2 : 4;
        n->awaiters = cs_xrealloc(n->awaiters, n->cap * sizeof *n->awaiters);
    }
    n->awaiters[n->n++] = (cs__native_waiter){cs__fut_ref(fut), kind};
}

cs__fut *cs__native_add_waiter(cs__engine *e, cs__task *h, uint8_t kind)
{
    cs__fut *fut = cs__fut_new(e);
    cs__native_push_waiter(cs__native_of(h), fut, kind);
    return fut;
}

void cs__native_waiter_attach(cs__engine *e, cs__task *h, cs__fut *fut)
{
    (void)e;
    cs__native_push_waiter(cs__native_of(h), fut, CS__NW_RELEASE);
}

cs__completion cs__native_result(cs__engine *e, const cs__task *h)
{
    if (h->result.type != CS__C_EXC)
        return (cs__completion){.type = CS__C_NORMAL};
    cs_exc *x = h->result.exc;
    if (x->cls == CS_EXC_CANCELLED) { /* Future.result(): _make_cancelled_error() */
        x = cs__new_exc(e, CS_EXC_CANCELLED, h->result.exc->message);
        x->noargs = h->result.exc->noargs;
        cs_exc_set_context(x, h->result.exc);
        return cs__c_exc(x);
    }
    return cs__c_exc(cs_exc_ref(x));
}

/* The native task finished (Task.__step's end): its awaiters' futures
 * complete, each queuing its task's __wakeup (the task's done callbacks). */
void cs__native_finish(cs__engine *e, cs__task *t, const cs__completion *c)
{
    cs__native *n = cs__native_of(t);
    if (n->group) /* TaskGroup._on_task_done, the first callback it was given */
        cs__call_soon(e, CS__CB_NATIVE_TG_DONE, t, NULL);
    for (uint32_t i = 0; i < n->n; i++) {
        cs__fut *f = n->awaiters[i].fut;
        uint8_t kind = n->awaiters[i].kind;
        if (c->type != CS__C_EXC || kind == CS__NW_RELEASE) {
            cs__fut_set_result(e, f);
        } else if (c->exc->cls == CS_EXC_CANCELLED && kind == CS__NW_SHIELD) {
            /* _inner_done_callback: outer.cancel(), a plain CancelledError() */
            cs_exc *x = cs__new_exc(e, CS_EXC_CANCELLED, "");
            x->noargs = true;
            cs__fut_cancel(e, f, x);
            cs_exc_unref(x);
        } else if (c->exc->cls == CS_EXC_CANCELLED) {
            /* Future.result() of a cancelled task: _make_cancelled_error(),
             * a new CancelledError with its message, chained to the task's */
            cs_exc *x = cs__new_exc(e, CS_EXC_CANCELLED, c->exc->message);
            x->noargs = c->exc->noargs;
            cs_exc_set_context(x, c->exc);
            cs__fut_cancel(e, f, x);
            cs_exc_unref(x);
        } else {
            cs__fut_set_exception(e, f, c->exc);
        }
        cs__fut_unref(e, f);
    }
    n->n = 0;
}

void cs__native_free(cs__engine *e, cs__task *t)
{
    cs__native *n = cs__native_of(t);
    if (!n)
        return;
    for (uint32_t i = 0; i < n->n; i++)
        cs__fut_unref(e, n->awaiters[i].fut);
    free(n->awaiters);
    free(n->label);
    free(n);
    CS__AIO_RARE_CLEAR(t, native);
}

/* `await task`: a done task gives its outcome at once (Future.__await__ does
 * not yield); else the awaiter waits on a future of its own. */
int cs__native_step_await(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    cs__task *h = e->tasks[f->obj];
    if (f->phase == 0 && h->run != CS__TS_DONE) {
        cs__fut *fut = cs__native_add_waiter(e, h, CS__NW_AWAIT);
        cs__aio_rmut(e, t)->awaiting = h;
        t->wait_label = cs__native_of(h)->label;
        f->phase = 1;
        return cs__yield_on(e, fut);
    }
    CS__AIO_RARE_CLEAR(t, awaiting);
    cs__completion out = *c;
    c->type = CS__C_NORMAL;
    c->exc = NULL;
    if (f->phase == 0) /* done already: result() */
        out = cs__native_result(e, h);
    return cs__pop_with(t, c, out);
}

/* `await asyncio.shield(task)`: a done task gives its outcome at once; else
 * the awaiter waits on shield()'s outer future, which a cancellation of the
 * awaiter cancels while the task goes on. */
int cs__native_step_shield(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    cs__task *h = e->tasks[f->obj];
    if (f->phase == 0 && h->run != CS__TS_DONE) {
        t->wait_label = cs__native_of(h)->label;
        f->phase = 1;
        return cs__yield_on(e, cs__native_add_waiter(e, h, CS__NW_SHIELD));
    }
    cs__completion out = *c;
    c->type = CS__C_NORMAL;
    c->exc = NULL;
    if (f->phase == 0)
        out = cs__native_result(e, h);
    return cs__pop_with(t, c, out);
}

static void cs__native_log(cs__engine *e, cs__task *t, const char *msg, cs_value_kind vk, double num, bool b)
{
    cs_event ev;
    cs__ev_init(e, &ev, CS_EV_LOG);
    ev.task = t->id;
    ev.msg = msg;
    ev.value_kind = vk;
    ev.number = num;
    ev.boolean = b;
    cs__emit(e, &ev);
}

/* probe: task.cancelling() / done() / cancelled() (st->count: 0, 1, 2) */
static int cs__native_probe(cs__engine *e, cs__task *t, const cs_stmt *st)
{
    cs__task *h = cs__native_named(e, t, st);
    if (!h)
        return CS__YIELD;
    static const char *const what[] = {"cancelling", "done", "cancelled"};
    assert(st->count >= 0 && st->count <= 2);
    char *msg = st->ref >= 0 ? cs_xasprintf("%s.%s", e->prog->tasks[st->ref].name, what[st->count])
                             : cs_xstrdup(what[st->count]);
    bool done = h->run == CS__TS_DONE;
    if (st->count == 0)
        cs__native_log(e, t, msg, CS_VAL_NUMBER, cs__aio_t(h)->ncancels, false);
    else
        cs__native_log(e, t, msg, CS_VAL_BOOL, 0,
                       st->count == 1 ? done
                                      : done && h->result.type == CS__C_EXC && h->result.exc->cls == CS_EXC_CANCELLED);
    free(msg);
    return CS__CONT;
}

void cs__native_cancel_delivered(cs__engine *e, cs__task *t, cs_exc *exc)
{
    cs_event ev;
    cs__ev_init(e, &ev, CS_EV_NATIVE_CANCEL);
    ev.task = t->id;
    ev.exc = exc;
    ev.count = cs__aio_t(t)->ncancels; /* 0 when uncancel() withdrew the request before it arrived */
    cs__emit(e, &ev);
    cs__aio_t(t)->native_hist = true;
}

void cs__aio_uncancel(cs__engine *e, cs__task *t, const char *by)
{
    cs__aio_task *at = cs__aio_t(t);
    if (at->ncancels > 0) /* 3.11's Task.uncancel() */
        at->ncancels--;
    if (by && !at->native_hist)
        return;
    cs_event ev;
    cs__ev_init(e, &ev, CS_EV_UNCANCEL);
    ev.task = t->id;
    ev.count = at->ncancels;
    ev.label = by;
    cs__emit(e, &ev);
}

/* t.uncancel() of the named task, or asyncio.current_task().uncancel(): the
 * uncancel event says whose count it lowered and to what, so the findings
 * know a swallowed cancellation was acknowledged (count back to 0). */
static int cs__native_uncancel(cs__engine *e, cs__task *t, const cs_stmt *st)
{
    cs__task *h = cs__native_named(e, t, st);
    if (!h)
        return CS__YIELD;
    cs__aio_uncancel(e, h, NULL);
    return CS__CONT;
}

int cs__aio_exec_native(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c)
{
    cs__task *h;
    switch (st->op) {
    case CS_OP_ASYNCIO_CREATE_TASK: return cs__native_create_task(e, t, st) ? CS__CONT : CS__YIELD;
    case CS_OP_WAIT_FOR: return cs__native_wait_for_begin(e, t, st);
    case CS_OP_ASYNCIO_TASK_GROUP: return cs__native_tg_begin(e, t, st);
    case CS_OP_ASYNCIO_FUTURE:
    case CS_OP_AWAIT_FUTURE:
    case CS_OP_FUTURE_SET_RESULT:
    case CS_OP_FUTURE_CANCEL: return cs__native_fut_exec(e, t, st);
    case CS_OP_ASYNCIO_TG_CREATE_TASK: return cs__native_tg_create_task(e, t, st, c);
    case CS_OP_ASYNCIO_SHIELD:
        if (!(h = cs__native_named(e, t, st)))
            return CS__YIELD;
        cs__push(e, t, CS__F_NATIVE_SHIELD, st)->obj = h->id;
        return CS__CONT;
    case CS_OP_ASYNCIO_AWAIT:
        if (!(h = cs__native_named(e, t, st)))
            return CS__YIELD;
        cs__push(e, t, CS__F_NATIVE_AWAIT, st)->obj = h->id;
        return CS__CONT;
    case CS_OP_ASYNCIO_CANCEL: {
        if (!(h = cs__native_named(e, t, st)))
            return CS__YIELD;
        cs_exc *x = cs__new_exc(e, CS_EXC_CANCELLED, st->text ? st->text : "");
        x->noargs = st->text == NULL;
        cs__task_cancel(e, h, x);
        cs_exc_unref(x);
        return CS__CONT;
    }
    case CS_OP_UNCANCEL: return cs__native_uncancel(e, t, st);
    case CS_OP_ASYNCIO_PROBE: return cs__native_probe(e, t, st);
    default: /* CS_OP_ASYNCIO_TIMEOUT, CS_OP_ASYNCIO_TIMEOUT_AT */ return cs__native_timeout_begin(e, t, st);
    }
}
