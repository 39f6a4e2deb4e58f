/* generator.c - async generator functions driven by the task that consumes
 * them: `async_with` (an @asynccontextmanager, contextlib's
 * _AsyncGeneratorContextManager) and `aclosing` (async with aclosing(gen())
 * as g: async for v in g); and `reenter`, the second `with` of a scope or
 * task group that such code invites.
 *
 * A generator's frames run in whichever task drives it, on that task's frame
 * stack: the GEN frame runs the function's body in place (its locals are the
 * generator's), and a `yield` pushes a YIELD frame that runs the consumer's
 * body above the generator's frames.  That is what Python does: the body of
 * `async with cm():` runs while the generator is suspended at its `yield`
 * with every cancel scope and task group it entered still entered in the
 * consumer's task, and what the body raises is thrown in at the `yield`
 * (athrow).  Name lookups from the consumer's body skip the generator's
 * frames (cs__frame_below, interp.h).  Both backends run this code: only the scopes and
 * groups inside differ, and they are the rooms' as everywhere.
 *
 * GEN frame: `scope` counts the yields, `obj` is the cs__gen_state, `scope2`
 * the task's innermost scope when the generator began (-1 none), `saved`
 * what the consumer left pending (a jump out of the body, the exception
 * thrown in, what is raised once aclose() is over).
 */
#include <assert.h>

#include "interp.h"
#include "policy.h"
#include "util.h"

typedef enum {
    CS__GS_RUNNING, /* anext(): the generator runs to its next yield or its end */
    CS__GS_THROWN,  /* athrow(X): the body's exception X (saved) was thrown in at the yield */
    CS__GS_CLOSING, /* aclose(): GeneratorExit was thrown in; `saved` is what follows the close */
} cs__gen_state;

static bool cs__gen_is_cm(const cs__frame *g)
{
    return g->st->op == CS_OP_ASYNC_WITH;
}

/* The GEN frame a `yield` on top of t's stack belongs to: the innermost one
 * whose body the yield is in (a consumer's body skips its generator). */
static uint32_t cs__gen_owner(const cs__task *t)
{
    uint32_t i = t->nframes;
    while (i-- > 0) { /* bounded: i decreases on every turn */
        if (t->frames[i].kind == CS__F_YIELD)
            i = (uint32_t)t->frames[i].obj; /* skip that generator's frames, its GEN frame included */
        else if (t->frames[i].kind == CS__F_GEN)
            return i;
    }
    assert(!"a yield outside a generator (the loader refuses it)");
    return 0;
}

/* A gen_enter / yield / gen_exit event of generator frame g (trace.h). */
void cs__gen_event(cs__engine *e, cs__task *t, const cs__frame *g, cs_event_kind kind, const cs_stmt *at, cs_exc *x)
{
    cs_event ev;
    cs__ev_init(e, &ev, kind);
    ev.task = t->id;
    ev.name = e->prog->functions[g->st->ref].name;
    ev.label = cs__gen_is_cm(g) ? "async_with" : g->st->op == CS_OP_AGEN ? "agen" : "aclosing";
    ev.scope = t->cancel_scope ? t->cancel_scope->id : -1;
    ev.parent = g->scope2; /* the innermost scope when the generator began */
    ev.exc = x;
    ev.pos = at->pos;
    cs__emit(e, &ev);
}

/* A new exception raised at st in t, traced; `ctx` its __context__ (or NULL). */
static cs_exc *cs__gen_raise(cs__engine *e, cs__task *t, int32_t cls, const char *msg, cs_exc *ctx, cs_pos pos)
{
    cs_exc *x = cs__new_exc(e, cls, msg ? msg : "");
    x->noargs = msg == NULL;
    if (ctx)
        cs_exc_set_context(x, ctx);
    cs__emit_raise(e, t, x, pos);
    return x;
}

/* aclose() on generator frame g: GeneratorExit thrown in at the yield st;
 * `after` (owned) is what the consumer goes on with once the close is over. */
int cs__gen_close(cs__engine *e, cs__task *t, uint32_t gi, const cs_stmt *st, cs__completion after, cs__completion *c)
{
    cs__frame *g = &t->frames[gi];
    cs__completion_clear(&g->saved);
    g->saved = after;
    g->obj = CS__GS_CLOSING;
    *c = cs__c_exc(
        cs__gen_raise(e, t, CS_EXC_GENERATOR_EXIT, NULL, after.type == CS__C_EXC ? after.exc : NULL, st->pos));
    return CS__CONT;
}

/* `yield VALUE`: hands the value to the consumer, whose body then runs here. */
static int cs__exec_yield(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c)
{
    uint32_t gi = cs__gen_owner(t);
    cs__frame *g = &t->frames[gi];
    if (g->obj == CS__GS_CLOSING) {
        /* Python: RuntimeError("async generator ignored GeneratorExit"), the
         * generator left suspended for the finalizer: not modelled */
        cs__fail_scenario(e, st->pos, "a yield while the generator is being closed is not modelled");
        e->error = CS_E_UNSUPPORTED;
        return CS__YIELD;
    }
    g->scope++;
    cs__gen_event(e, t, g, CS_EV_YIELD, st, NULL);
    if (cs__gen_is_cm(g) && g->scope > 1) {
        /* contextlib's __aexit__: anext()/athrow() came back with a second
         * value: RuntimeError, then `finally: await self.gen.aclose()` */
        bool thrown = g->obj == CS__GS_THROWN;
        cs_exc *r = cs__gen_raise(e, t, CS_EXC_RUNTIME_ERROR,
                                  thrown ? "generator didn't stop after athrow()" : "generator didn't stop",
                                  thrown ? g->saved.exc : NULL, g->st->pos);
        return cs__gen_close(e, t, gi, st, cs__c_exc(r), c);
    }
    cs__frame *y = cs__push(e, t, CS__F_YIELD, st);
    y->obj = (int32_t)gi;
    if (t->frames[gi].st->op == CS_OP_AGEN)
        y->phase = 2; /* driven by anext: its frames leave the task's stack (agen.c) */
    return CS__CONT;
}

/* The consumer's body ended with *c while the generator waits at its yield. */
static int cs__yield_resume(cs__engine *e, cs__task *t, cs__frame *y, cs__completion *c)
{
    uint32_t gi = (uint32_t)y->obj;
    const cs_stmt *st = y->st;
    cs__completion out = *c;
    c->type = CS__C_NORMAL;
    c->exc = NULL;
    cs__pop(t);
    cs__frame *g = &t->frames[gi];
    if (out.type == CS__C_NORMAL || (!cs__gen_is_cm(g) && out.type == CS__C_CONTINUE))
        return CS__CONT; /* anext(): the generator goes on after its yield */
    if (cs__gen_is_cm(g)) {
        if (out.type == CS__C_EXC) { /* __aexit__: athrow(X) at the yield */
            g->obj = CS__GS_THROWN;
            cs__completion_clear(&g->saved);
            g->saved = cs__c_exc(cs_exc_ref(out.exc));
            *c = out;
        } else { /* a jump leaves the block: __aexit__(None) is anext(), the jump goes on after */
            g->saved = out;
        }
        return CS__CONT;
    }
    /* aclosing: break, return or an exception leaves the `async for`, then aclose() */
    if (out.type == CS__C_BREAK)
        out.type = CS__C_NORMAL;
    return cs__gen_close(e, t, gi, st, out, c);
}

/* phase 0: the consumer's `as` is bound to the yielded value; 1: its body in place */
int cs__step_yield(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    if (f->phase >= 2) /* a generator driven by anext (agen.c) */
        return cs__agen_step_yield(e, t, f, c);
    if (f->phase == 0) {
        const cs_stmt *gst = t->frames[f->obj].st;
        cs__flow_bind(e, t, gst, f->st->value_json); /* the consumer's local: found below the generator */
        f->body = gst->body;
        f->idx = 0;
        f->phase = 1;
        return CS__CONT;
    }
    int r = cs__body_next(e, t, f, c);
    if (r != CS__BODY_END)
        return r;
    return cs__yield_resume(e, t, f, c);
}

/* What the consumer gets once the generator's body is over with `out` (owned). */
static cs__completion cs__gen_result(cs__engine *e, cs__task *t, cs__frame *g, cs__completion out)
{
    cs__completion pending = g->saved;
    g->saved = (cs__completion){.type = CS__C_NORMAL};
    if (out.type == CS__C_RETURN) /* `return` ends the generator: StopAsyncIteration */
        out.type = CS__C_NORMAL;  /* a value stays in the shared slot (portal.c reads it) */
    if (g->obj == CS__GS_CLOSING) {
        if (out.type == CS__C_NORMAL || out.exc->cls == CS_EXC_GENERATOR_EXIT) {
            if (out.type == CS__C_EXC) { /* aclose() catches the GeneratorExit: traced as a catch */
                cs_event ev;
                cs__ev_init(e, &ev, CS_EV_CATCH);
                ev.task = t->id;
                ev.exc = out.exc;
                ev.pos = g->st->pos;
                ev.label = "aclose";
                cs__emit(e, &ev);
            }
            cs__completion_clear(&out); /* aclose() returned */
            return pending;
        }
        cs__completion_clear(&pending); /* what the generator raised while closing replaces it */
        return out;
    }
    if (out.type == CS__C_EXC) {
        cs__completion_clear(&pending);
        return out;
    }
    if (cs__gen_is_cm(g) && g->scope == 0) {
        cs__completion_clear(&pending);
        return cs__c_exc(cs__gen_raise(e, t, CS_EXC_RUNTIME_ERROR, "generator didn't yield", NULL, g->st->pos));
    }
    if (g->obj == CS__GS_THROWN) { /* the generator swallowed X: __aexit__ returns True */
        cs__completion_clear(&pending);
        return out;
    }
    return pending; /* normal, or the jump that left the consumer's block */
}

/* phase 0: anext() starts the generator; 1: its body in place; then its end */
int cs__step_gen(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    assert(f->phase == 1);
    int r = cs__body_next(e, t, f, c);
    if (r != CS__BODY_END)
        return r;
    cs__completion out = *c;
    c->type = CS__C_NORMAL;
    c->exc = NULL;
    out = cs__gen_result(e, t, f, out);
    const cs_stmt *at = f->st;
    if (f->st->op == CS_OP_AGEN) { /* driven by anext or aclose: the object is done (agen.c) */
        uint32_t gi = (uint32_t)(f - t->frames);
        at = cs__agen_driver(e, t, gi);
        out = cs__agen_done(e, t, gi, out);
    }
    if (out.type == CS__C_EXC) /* the generator's frame joins the traceback */
        out.exc->left_function = true;
    cs__gen_event(e, t, f, CS_EV_GEN_EXIT, at, out.type == CS__C_EXC ? out.exc : NULL);
    return cs__pop_with(t, c, out);
}

/* `reenter`: `with s:` / `async with tg:` on an object already used (the
 * misuse a generator or a stored scope invites): the RuntimeError AnyIO's
 * __enter__ / __aenter__ raises before anything else happens, or, for an
 * exited scope on asyncio, the same CancelScope entered again (its outcome
 * lists it once: verify/outcome.c). */
static int cs__exec_reenter(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c)
{
    cs__scope *s = cs__scope_ref(e, st, st->ref);
    if (!s)
        return CS__YIELD;
    const char *msg = NULL;
    if (s->kind == CS_KIND_TASK_GROUP)
        msg = "TaskGroup cannot be entered more than once";
    else if (e->pol->scope_reentry_refused(s))
        msg = "Each CancelScope may only be used for a single 'with' block";
    if (!msg) { /* asyncio: the exited CancelScope is entered again, with its old state */
        cs__frame *f = cs__push(e, t, CS__F_SCOPE, st);
        f->scope = s->id;
        e->emit_pos = st->pos;
        cs__scope_enter(e, s, t);
        e->emit_pos = (cs_pos){0, 0};
        f->body = st->body;
        f->idx = 0;
        f->phase = 1; /* frames.c runs the body, then exits the scope as a CancelScope's __exit__ */
        return CS__CONT;
    }
    *c = cs__c_exc(cs__raise_new(e, t, CS_EXC_RUNTIME_ERROR, msg));
    cs__emit_raise(e, t, c->exc, st->pos);
    return CS__CONT;
}

/* yield, async_with, aclosing, reenter */
int cs__exec_gen(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c)
{
    if (st->op == CS_OP_YIELD)
        return cs__exec_yield(e, t, st, c);
    if (st->op == CS_OP_REENTER)
        return cs__exec_reenter(e, t, st, c);
    /* the generator object is made (its arguments taken), then anext() runs it */
    if (st->flow && st->flow->nargs) {
        int r = cs__flow_call(e, t, st);
        if (r != CS__CONT)
            return r;
        t->frames[t->nframes - 1].kind = CS__F_GEN;
    } else {
        cs__push(e, t, CS__F_GEN, st);
    }
    cs__frame *f = &t->frames[t->nframes - 1];
    f->scope = 0; /* no yield yet (cs__push sets -1) */
    f->obj = CS__GS_RUNNING;
    f->scope2 = t->cancel_scope ? t->cancel_scope->id : -1;
    cs__gen_event(e, t, f, CS_EV_GEN_ENTER, st, NULL);
    f->body = e->prog->functions[st->ref].body;
    f->idx = 0;
    f->phase = 1;
    return CS__CONT;
}
