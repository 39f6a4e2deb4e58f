/* trio_nursery.c - AnyIO 4.14.2's TaskGroup on Trio: a trio nursery
 * (open_nursery(strict_exception_groups=True)) plus AnyIO's __aexit__.
 *
 * A child's exit records its exception - Cancelled included - and cancels the
 * nursery's scope synchronously.  The host, at the end of the block, records
 * its own exception the same way, then parks uninterruptibly (its abort always
 * fails: task-group exit is no cancellation point on Trio) until the children
 * are done, or takes one schedule point when there are none.  The group is
 * BaseExceptionGroup("Exceptions from Trio nursery"); the nursery's scope strips
 * Cancelled from it when it is the cancelled one; AnyIO turns a group left
 * with only Cancelled into a bare Cancelled("cancelled due to unknown").
 */
#include <stdlib.h>
#include <string.h>

#include "portal.h"
#include "trio.h"
#include "util.h"

enum { NS_START, NS_BODY, NS_WAIT };

void cs__nursery_add_exc(cs__engine *e, cs__tg *g, cs_exc *x, const char *what)
{
    if (g->nexcs == g->capexcs) {
        g->capexcs = g->capexcs ? g->capexcs * 2 : 4;
        g->excs = cs_xrealloc(g->excs, g->capexcs * sizeof *g->excs);
    }
    g->excs[g->nexcs++] = cs_exc_ref(x);
    if (g->scope->cancel_called)
        return; /* cancel() would ignore the reason: a million failing children, one repr */
    char *r = cs__exc_repr(e, x);
    char *reason = cs_xasprintf("%s %s", what, r);
    free(r);
    cs__trio_cancel(e, g->scope, CS__SRC_NURSERY, reason, CS_CAUSE_TASK_FAILED);
    free(reason);
}

void cs__nursery_check_closed(cs__engine *e, cs__tg *g)
{
    if (cs__trio_g(g)->nested_running || g->ntasks || cs__trio_g(g)->pending_starts)
        return;
    cs__trio_g(g)->closed = true;
    if (cs__trio_g(g)->parent_waiting) {
        cs__trio_g(g)->parent_waiting = false;
        cs__trio_reschedule(e, g->host, NULL);
    }
}

void cs__trio_child_finished(cs__engine *e, cs__tg *g, cs__task *t)
{
    g->ntasks--;
    if (t->result.type == CS__C_EXC)
        cs__nursery_add_exc(e, g, t->result.exc, "child task raised exception");
    cs__nursery_check_closed(e, g);
}

cs_exc *cs__trio_tg_refuses(cs__engine *e, cs__tg *g)
{
    if (!cs__trio_g(g)->active)
        return cs__new_exc(e, CS_EXC_RUNTIME_ERROR, "This task group is not active; no new tasks can be started.");
    if (cs__trio_g(g)->closed)
        return cs__new_exc(e, CS_EXC_RUNTIME_ERROR, "Nursery is closed to new arrivals");
    return NULL;
}

cs_exc *cs__trio_spawn(cs__engine *e, cs__tg *g, cs__task *parent, const char *name, int64_t index, const cs_stmt *st)
{
    cs_exc *x = cs__trio_tg_refuses(e, g);
    if (x)
        return x;
    cs__task *t = cs__spawn_task(e, g, parent, name, index, st);
    cs__trio_reschedule(e, t, NULL);
    return NULL;
}

static bool cs__is_cancelled(const cs_exc *x, void *ctx)
{
    (void)ctx;
    return x->cls == CS_EXC_CANCELLED;
}

/* NurseryManager.__aexit__ after the wait, then AnyIO's conversion. */
static int cs__nursery_finish(cs__engine *e, cs__task *t, cs__frame *f, cs__tg *g, cs__completion *c)
{
    cs__completion in = {.type = CS__C_NORMAL};
    if (g->nexcs) {
        cs_exc *grp = cs__make_group_narrow(e, "Exceptions from Trio nursery", g->excs, g->nexcs);
        in = cs__c_exc(grp);
        for (uint32_t i = 0; i < g->nexcs; i++)
            cs_exc_unref(g->excs[i]);
        free(g->excs);
        g->excs = NULL;
        g->nexcs = g->capexcs = 0;
    }
    cs__completion out = cs__scope_exit(e, g->scope, in);
    cs__trio_g(g)->active = false;
    if (out.type == CS__C_EXC && cs_exc_is_group(out.exc)) {
        cs_exc *m, *r;
        cs__split(e, out.exc, cs__is_cancelled, NULL, &m, &r);
        cs_exc_unref(m);
        if (!r) {
            cs_exc *x = cs__new_exc(e, CS_EXC_CANCELLED, "cancelled due to unknown");
            cs_exc_set_context(x, out.exc);
            cs_exc_unref(out.exc);
            out.exc = x;
        }
        cs_exc_unref(r);
    }
    if (out.type == CS__C_EXC && cs_exc_is_group(out.exc)) {
        /* what leaves the task group: the group after its scope stripped the
         * Cancelled it caught */
        cs__emit_group_raise(e, t, g->scope, out.exc);
    }
    if (out.type == CS__C_NORMAL && cs__c_is_jump(f->saved.type))
        out = f->saved;
    cs__pop(t);
    *c = out;
    return CS__CONT;
}

int cs__trio_step_tg(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    const cs_stmt *st = f->st;
    if (f->phase == NS_START) {
        cs__tg *g = cs__tg_new(e, st->name, st->decl);
        f->obj = g->id;
        cs__portal_tg_opened(e, st, g);
        cs__flow_scope_entered(e, t, st, g->scope->id);
        g->entered = cs__trio_g(g)->active = cs__trio_g(g)->nested_running = true;
        g->host = t;
        e->emit_pos = st->pos;
        cs__trio_scope_enter(e, g->scope, t);
        e->emit_pos = (cs_pos){0, 0};
        f->phase = NS_BODY;
        cs__push_body(e, t, st->body);
        return CS__CONT;
    }
    cs__tg *g = e->tgs[f->obj];
    if (f->phase == NS_BODY) {
        cs__portal_tg_body_done(e, st, g); /* a BlockingPortal's __aexit__ stops it first */
        f->saved = *c;                     /* released with the frame; a RETURN passes through */
        c->type = CS__C_NORMAL;
        c->exc = NULL;
        if (f->saved.type == CS__C_EXC)
            cs__nursery_add_exc(e, g, f->saved.exc, "Code block inside nursery contextmanager raised exception");
        cs__trio_g(g)->nested_running = false;
        cs__nursery_check_closed(e, g);
        f->phase = NS_WAIT;
        t->wait_label = g->label;
        if (!cs__trio_g(g)->closed) {
            cs__trio_g(g)->parent_waiting = true;
            cs__trio_t(t)->parking = true;
            cs__trio_t(t)->abort_kind = CS__ABORT_FAILED;
        }
        return CS__YIELD;
    }
    cs__completion_clear(c);
    return cs__nursery_finish(e, t, f, g, c);
}
