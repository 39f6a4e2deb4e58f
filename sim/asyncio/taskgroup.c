/* taskgroup.c - AnyIO 4.14.2's TaskGroup on asyncio.
 *
 * __aexit__ is a frame with the real method's resume points: record the body's
 * exception and cancel; wait for the children on a future inside a wait scope
 * (a cancellation there shields the wait, cancels the group and is remembered);
 * with no children, one cancel-shielded checkpoint; then raise
 * BaseExceptionGroup("unhandled errors in a TaskGroup") or the remembered
 * cancellation through the group scope's exit.  A child's completion reaches the
 * group through task_done, a done-callback queued with call_soon.
 */
#include <stdlib.h>
#include <string.h>

#include "aio.h"
#include "portal.h"
#include "util.h"

enum { TG_START, TG_BODY, TG_WAIT, TG_CSC };

static void cs__tg_record(cs__tg *g, cs_exc *x)
{
    if (g->nexcs == g->capexcs) {
        g->capexcs = g->capexcs ? g->capexcs * 2 : 4;
        g->excs = cs_xrealloc(g->excs, g->capexcs * sizeof *g->excs);
    }
    g->excs[g->nexcs++] = cs_exc_ref(x);
}

/* TaskGroup._spawn: the task joins the group's scope at once; its first step
 * (entering its handle's own scope) is queued with call_soon. */
cs_exc *cs__aio_tg_refuses(cs__engine *e, cs__tg *g)
{
    if (!g->entered || !g->scope->active)
        return cs__new_exc(e, CS_EXC_RUNTIME_ERROR, "This task group is not active; no new tasks can be started.");
    return NULL;
}

cs_exc *cs__aio_tg_spawn(cs__engine *e, cs__tg *g, cs__task *parent, const char *name, int64_t index, const cs_stmt *st)
{
    cs_exc *x = cs__aio_tg_refuses(e, g);
    if (x)
        return x;
    cs__task *t = cs__spawn_task(e, g, parent, name, index, st);
    cs__call_soon(e, CS__CB_TASK_STEP, t, NULL);
    return NULL;
}

/* task_done: runs one loop iteration after the child's last step. */
void cs__tg_task_done(cs__engine *e, cs__task *t)
{
    cs__tg *g = t->tg;
    if (t->member_of)
        cs__scope_tasks_remove(t->member_of, t);
    g->ntasks--;
    if (cs__aio_g(g)->on_completed && g->ntasks == 0)
        cs__fut_set_result(e, cs__aio_g(g)->on_completed);
    cs__fut *sf = cs__aio_r(t)->start_fut; /* a task from start(): its status future decides */
    if (t->result.type != CS__C_EXC) {
        if (sf && sf->state == CS__FUT_PENDING) {
            cs_exc *x = cs__new_exc(e, CS_EXC_RUNTIME_ERROR, "Child exited without calling task_status.started()");
            cs__fut_set_exception(e, sf, x);
            cs_exc_unref(x);
        }
        return;
    }
    cs_exc *x = t->result.exc;
    if (sf && sf->state == CS__FUT_CANCELLED)
        return;
    if (sf && sf->state == CS__FUT_PENDING) {
        cs__fut_set_exception(e, sf, x); /* start() raises it bare; the group never sees it */
        return;
    }
    if (x->cls != CS_EXC_CANCELLED)
        cs__tg_record(g, x);
    if (!cs__scope_effectively_cancelled(g->scope))
        cs__scope_cancel(e, g->scope, NULL, CS_CAUSE_TASK_FAILED);
}

static int cs__tg_wait_next(cs__engine *e, cs__task *t, cs__frame *f, cs__tg *g)
{
    if (g->ntasks) {
        cs__fut *fut = cs__fut_new(e);
        cs__aio_g(g)->on_completed = cs__fut_ref(fut);
        f->phase = TG_WAIT;
        t->wait_label = g->label;
        return cs__yield_on(e, fut);
    }
    return -1;
}

/* The end of __aexit__: raise the group or the remembered exception through
 * the group scope's exit. `inner` is an exception raised inside the try block
 * (or NORMAL). */
static int cs__tg_finish(cs__engine *e, cs__task *t, cs__frame *f, cs__tg *g, cs__completion *c, cs__completion inner)
{
    cs__scope *s = g->scope;
    cs__completion out;
    if (inner.type == CS__C_EXC) {
        out = cs__scope_exit(e, s, inner);
    } else if (g->nexcs) {
        cs_exc *grp = cs__make_group_narrow(e, "unhandled errors in a TaskGroup", g->excs, g->nexcs);
        cs__emit_group_raise(e, t, s, grp);
        out = cs__scope_exit(e, s, cs__c_exc(grp));
    } else if (f->aux) {
        cs_exc *x = f->aux;
        f->aux = NULL;
        out = cs__scope_exit(e, s, cs__c_exc(x));
        if (out.type == CS__C_NORMAL && cs__c_is_jump(f->saved.type))
            out = f->saved;
    } else {
        out = cs__scope_exit(e, s, f->saved);
        f->saved.type = CS__C_NORMAL;
        f->saved.exc = NULL;
    }
    if (out.type == CS__C_NORMAL && cs__c_is_jump(f->saved.type))
        out = f->saved;
    for (uint32_t i = 0; i < g->nexcs; i++)
        cs_exc_unref(g->excs[i]);
    free(g->excs);
    g->excs = NULL;
    g->nexcs = g->capexcs = 0;
    cs__pop(t);
    *c = out;
    return CS__CONT;
}

int cs__aio_step_tg(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    const cs_stmt *st = f->st;
    if (f->phase == TG_START) {
        cs__tg *g = cs__tg_new(e, st->name, st->decl);
        f->obj = g->id;
        cs__portal_tg_opened(e, st, g);
        cs__flow_scope_entered(e, t, st, g->scope->id);
        g->entered = true;
        e->emit_pos = st->pos;
        cs__scope_enter(e, g->scope, t);
        e->emit_pos = (cs_pos){0, 0};
        f->phase = TG_BODY;
        cs__push_body(e, t, st->body);
        return CS__CONT;
    }
    cs__tg *g = e->tgs[f->obj];
    if (f->phase == TG_BODY) {
        cs__portal_tg_body_done(e, st, g); /* a BlockingPortal's __aexit__ stops it first */
        f->saved = *c;                     /* the body's completion, released with the frame */
        c->type = CS__C_NORMAL;
        c->exc = NULL;
        if (f->saved.type == CS__C_EXC) {
            cs_exc *x = f->saved.exc;
            cs__scope_cancel(e, g->scope, NULL, CS_CAUSE_TASK_FAILED);
            if (x->cls != CS_EXC_CANCELLED)
                cs__tg_record(g, x);
            f->aux = cs_exc_ref(x); /* exc_val */
        }
        if (g->ntasks) {
            cs__scope *w = cs__scope_new(e, NULL, CS_KIND_INTERNAL, INFINITY, false);
            f->scope2 = w->id;
            cs__scope_enter(e, w, t);
            return cs__tg_wait_next(e, t, f, g);
        }
        /* no children: one cancel-shielded checkpoint */
        cs__scope *w = cs__scope_new(e, NULL, CS_KIND_INTERNAL, INFINITY, true);
        f->scope2 = w->id;
        cs__scope_enter(e, w, t);
        f->phase = TG_CSC;
        return cs__aio_sleep(e, t, 0, "task_group");
    }
    if (f->phase == TG_WAIT) {
        cs__fut_unref(e, cs__aio_g(g)->on_completed);
        cs__aio_g(g)->on_completed = NULL;
        if (c->type == CS__C_EXC) {
            cs_exc *x = c->exc;
            c->exc = NULL;
            c->type = CS__C_NORMAL;
            cs__scope_set_shield(e, e->scopes[f->scope2], true);
            cs__scope_cancel(e, g->scope, NULL, CS_CAUSE_TASK_FAILED);
            if (!f->aux || (f->aux->cls == CS_EXC_CANCELLED && !cs__is_anyio_cancel(x))) {
                cs_exc_unref(f->aux);
                f->aux = x;
            } else {
                cs_exc_unref(x);
            }
        }
        if (cs__tg_wait_next(e, t, f, g) == CS__YIELD)
            return CS__YIELD;
        cs__completion inner = cs__scope_exit(e, e->scopes[f->scope2], (cs__completion){.type = CS__C_NORMAL});
        return cs__tg_finish(e, t, f, g, c, inner);
    }
    /* TG_CSC: the shielded checkpoint returned */
    cs__completion r = *c;
    c->type = CS__C_NORMAL;
    c->exc = NULL;
    cs__completion inner = cs__scope_exit(e, e->scopes[f->scope2], r);
    return cs__tg_finish(e, t, f, g, c, inner);
}
