/* native_taskgroup.c - asyncio.TaskGroup (CPython 3.11.7's
 * asyncio/taskgroups.py) inside AnyIO code.
 *
 * Not AnyIO's task group: no cancel scope.  The first task that fails (with
 * anything but CancelledError) aborts the group (t.cancel() of every task
 * not done, in the order they were created: the reference script makes the
 * group's set ordered, as AnyIO's scope sets are) and cancels the parent
 * task once (_parent_cancel_requested, undone by uncancel() in __aexit__).
 * __aexit__ waits on _on_completed_fut until no task is left; a
 * CancelledError while waiting aborts the group (once) and is what
 * propagates if no task failed.  The errors come out as
 * BaseExceptionGroup("unhandled errors in a TaskGroup", errors) (an
 * ExceptionGroup when all are Exceptions), the body's own exception last;
 * KeyboardInterrupt/SystemExit bare.
 */
#include <stdlib.h>

#include "aio.h"
#include "util.h"

enum { ATG_ENTER, ATG_BODY, ATG_WAIT };

typedef struct cs__native_tg {
    cs__task *parent;
    cs__task **tasks; /* _tasks, in creation order; NULL once discarded */
    uint32_t ntasks, captasks, live;
    cs_exc **errors; /* _errors (refs) */
    uint32_t nerrors, caperrors;
    cs_exc *base_error;    /* ref */
    cs_exc *propagate;     /* propagate_cancellation_error (ref) */
    cs__fut *on_completed; /* ref */
    bool exiting, aborting, parent_cancel_requested;
} cs__native_tg;

static bool cs__atg_is_base_error(const cs__engine *e, const cs_exc *x)
{
    return cs_exc_class_is(e->prog, x->cls, CS_EXC_KEYBOARD_INTERRUPT) ||
           cs_exc_class_is(e->prog, x->cls, CS_EXC_SYSTEM_EXIT);
}

static void cs__atg_error(cs__native_tg *g, cs_exc *x)
{
    if (g->nerrors == g->caperrors) {
        g->caperrors = g->caperrors ? g->caperrors * 2 : 4;
        g->errors = cs_xrealloc(g->errors, g->caperrors * sizeof *g->errors);
    }
    g->errors[g->nerrors++] = cs_exc_ref(x);
}

/* _abort(): cancel() every task not done */
static void cs__atg_abort(cs__engine *e, cs__native_tg *g)
{
    g->aborting = true;
    for (uint32_t i = 0; i < g->ntasks; i++) {
        if (!g->tasks[i] || g->tasks[i]->run == CS__TS_DONE)
            continue;
        cs_exc *x = cs__new_exc(e, CS_EXC_CANCELLED, "");
        x->noargs = true;
        cs__task_cancel(e, g->tasks[i], x);
        cs_exc_unref(x);
    }
}

int cs__native_tg_begin(cs__engine *e, cs__task *t, const cs_stmt *st)
{
    cs__aio_loop *L = cs__aio(e);
    if (L->natgs == L->capatgs) {
        L->capatgs = L->capatgs ? L->capatgs * 2 : 4;
        L->atgs = cs_xrealloc(L->atgs, L->capatgs * sizeof *L->atgs);
    }
    cs__native_tg *g = cs_xcalloc(1, sizeof *g);
    g->parent = t;
    L->atgs[L->natgs] = g;
    cs__frame *f = cs__push(e, t, CS__F_NATIVE_TG, st);
    f->obj = (int32_t)L->natgs++;
    return CS__CONT;
}

/* tg.create_task(coro, name=NAME) of the innermost asyncio.TaskGroup of t */
int cs__native_tg_create_task(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c)
{
    cs__native_tg *g = NULL;
    for (uint32_t i = t->nframes; i-- > 0 && !g;)
        if (t->frames[i].kind == CS__F_NATIVE_TG)
            g = cs__aio(e)->atgs[t->frames[i].obj];
    assert(g); /* the loader allows the statement only in an asyncio_task_group body */
    const char *refuse = g->exiting && !g->live ? "TaskGroup is finished"
                         : g->aborting          ? "TaskGroup is shutting down"
                                                : NULL;
    if (refuse) { /* RuntimeError(f"TaskGroup {self!r} is ...") */
        cs_exc *x = cs__raise_new(e, t, CS_EXC_RUNTIME_ERROR, refuse);
        cs__emit_raise(e, t, x, st->pos);
        *c = cs__c_exc(x);
        return CS__CONT;
    }
    cs__task *h = cs__native_create_task(e, t, st);
    if (!h)
        return CS__YIELD;
    cs__aio_r(h)->native->group = g;
    if (g->ntasks == g->captasks) {
        g->captasks = g->captasks ? g->captasks * 2 : 4;
        g->tasks = cs_xrealloc(g->tasks, g->captasks * sizeof *g->tasks);
    }
    g->tasks[g->ntasks++] = h;
    g->live++;
    return CS__CONT;
}

/* TaskGroup._on_task_done(task) */
void cs__native_tg_task_done(cs__engine *e, cs__task *t)
{
    cs__native_tg *g = cs__aio_r(t)->native->group;
    for (uint32_t i = 0; i < g->ntasks; i++)
        if (g->tasks[i] == t) {
            g->tasks[i] = NULL;
            g->live--;
        }
    if (g->on_completed && !g->live)
        cs__fut_set_result(e, g->on_completed);
    if (t->result.type != CS__C_EXC || t->result.exc->cls == CS_EXC_CANCELLED)
        return;
    cs_exc *x = t->result.exc;
    cs__atg_error(g, x);
    if (cs__atg_is_base_error(e, x) && !g->base_error)
        g->base_error = cs_exc_ref(x);
    if (g->parent->run == CS__TS_DONE) /* call_exception_handler: only logged by asyncio */
        return;
    if (!g->aborting && !g->parent_cancel_requested) {
        cs__atg_abort(e, g);
        g->parent_cancel_requested = true;
        cs_exc *c = cs__new_exc(e, CS_EXC_CANCELLED, "");
        c->noargs = true;
        cs__task_cancel(e, g->parent, c);
        cs_exc_unref(c);
    }
}

/* the while loop of __aexit__: wait until no task is left */
static int cs__atg_wait(cs__engine *e, cs__task *t, cs__frame *f, cs__native_tg *g)
{
    if (!g->live)
        return -1;
    g->on_completed = cs__fut_new(e);
    f->phase = ATG_WAIT;
    t->wait_label = "asyncio.TaskGroup";
    return cs__yield_on(e, cs__fut_ref(g->on_completed));
}

static cs__completion cs__atg_outcome_of(cs__engine *e, cs__task *t, cs__frame *f, cs__native_tg *g,
                                         cs__completion body);

/* The group drops the CancelledError it sent its parent: a catch by the group. */
static void cs__atg_catch(cs__engine *e, cs__task *t, cs__frame *f, cs__native_tg *g, const cs__completion *body,
                          const cs__completion *out)
{
    if (!g->parent_cancel_requested || body->type != CS__C_EXC || body->exc->cls != CS_EXC_CANCELLED ||
        (out->type == CS__C_EXC && out->exc == body->exc))
        return;
    cs_event ev;
    cs__ev_init(e, &ev, CS_EV_CATCH);
    ev.task = t->id;
    ev.exc = body->exc;
    ev.pos = f->st->pos;
    ev.scope = -1;
    ev.label = "asyncio.TaskGroup";
    cs__emit(e, &ev);
}

/* the end of __aexit__: what leaves the block */
static cs__completion cs__atg_outcome(cs__engine *e, cs__task *t, cs__frame *f, cs__native_tg *g)
{
    cs__completion body = f->saved; /* (et, exc) */
    f->saved = (cs__completion){.type = CS__C_NORMAL};
    cs__completion out = cs__atg_outcome_of(e, t, f, g, body);
    cs__atg_catch(e, t, f, g, &body, &out);
    cs__completion_clear(&body);
    return out;
}

/* what leaves the block, given how the body ended (borrowed) */
static cs__completion cs__atg_outcome_of(cs__engine *e, cs__task *t, cs__frame *f, cs__native_tg *g,
                                         cs__completion body)
{
    if (g->base_error)
        return cs__c_exc(cs_exc_ref(g->base_error));
    if (g->propagate && !g->nerrors)
        return cs__c_exc(cs_exc_ref(g->propagate));
    if (body.type == CS__C_EXC && body.exc->cls != CS_EXC_CANCELLED)
        cs__atg_error(g, body.exc);
    if (!g->nerrors) /* a jump (return, break, continue) goes on as it is */
        return cs__c_is_jump(body.type) ? body : (cs__completion){.type = CS__C_NORMAL};
    cs_exc *grp = cs__make_group_narrow(e, "unhandled errors in a TaskGroup", g->errors, g->nerrors);
    cs__emit_raise(e, t, grp, f->st->pos);
    return cs__c_exc(grp);
}

/* __aexit__ up to its wait; f->saved holds how the body ended */
static int cs__atg_exit(cs__engine *e, cs__task *t, cs__frame *f, cs__native_tg *g, cs__completion *c)
{
    g->exiting = true;
    cs__completion *b = &f->saved;
    if (b->type == CS__C_EXC && cs__atg_is_base_error(e, b->exc) && !g->base_error)
        g->base_error = cs_exc_ref(b->exc);
    if (b->type == CS__C_EXC && b->exc->cls == CS_EXC_CANCELLED)
        g->propagate = cs_exc_ref(b->exc);
    if (g->parent_cancel_requested) {
        cs__aio_task *at = cs__aio_t(g->parent);
        cs__aio_uncancel(e, g->parent, "asyncio.TaskGroup");
        if (at->ncancels == 0) {
            cs_exc_unref(g->propagate);
            g->propagate = NULL;
        }
    }
    if (b->type == CS__C_EXC && !g->aborting)
        cs__atg_abort(e, g);
    if (cs__atg_wait(e, t, f, g) == CS__YIELD)
        return CS__YIELD;
    cs__completion out = cs__atg_outcome(e, t, f, g);
    return cs__pop_with(t, c, out);
}

int cs__native_step_tg(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    cs__native_tg *g = cs__aio(e)->atgs[f->obj];
    if (f->phase == ATG_ENTER) {
        f->phase = ATG_BODY;
        cs__push_body(e, t, f->st->body);
        return CS__CONT;
    }
    if (f->phase == ATG_BODY) {
        f->saved = *c;
        c->type = CS__C_NORMAL;
        c->exc = NULL;
        c->value_json = NULL;
        return cs__atg_exit(e, t, f, g, c);
    }
    { /* ATG_WAIT: woken */
        cs__fut_unref(e, g->on_completed);
        g->on_completed = NULL;
        if (c->type == CS__C_EXC) {
            if (!g->aborting) {
                cs_exc_unref(g->propagate);
                g->propagate = cs_exc_ref(c->exc);
                cs__atg_abort(e, g);
            }
            cs__completion_clear(c);
        }
        if (cs__atg_wait(e, t, f, g) == CS__YIELD)
            return CS__YIELD;
        cs__completion out = cs__atg_outcome(e, t, f, g);
        return cs__pop_with(t, c, out);
    }
}

void cs__native_tgs_free(cs__engine *e)
{
    cs__aio_loop *L = cs__aio(e);
    for (uint32_t i = 0; i < L->natgs; i++) {
        cs__native_tg *g = L->atgs[i];
        for (uint32_t k = 0; k < g->nerrors; k++)
            cs_exc_unref(g->errors[k]);
        free(g->errors);
        free(g->tasks);
        cs_exc_unref(g->base_error);
        cs_exc_unref(g->propagate);
        cs__fut_unref(e, g->on_completed);
        free(g);
    }
    free(L->atgs);
}
