/* frames.c - stepping compound statements (the frames of interp.h).
 *
 * Each frame is stepped with the completion of what ran last and either pushes
 * a child, yields, or pops itself with its own completion.  Phases are the
 * points where the real Python code would resume.  A task's wrapper, `repeat`,
 * a cancel scope and a call run their body's statements themselves
 * (cs__body_next) instead of pushing a BODY frame: one frame fewer for each,
 * with the same steps in the same order.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "condition.h"
#include "interp.h"
#include "policy.h"
#include "stream.h"
#include "thread.h"
#include "util.h"

/* Runs the next statement of the body f holds (f->body from f->idx).  BODY
 * frames do only this; the frames that run their body in place call it
 * through cs__in_place.  f may move once the statement has run (a push can
 * grow the stack): callers return what this returns without touching f
 * again.  Also the step of a generator's body and of the consumer's body
 * above it (generator.c). */
int cs__body_next(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    if (c->type != CS__C_NORMAL || f->idx >= f->body.n) {
        CS__RARE_CLEAR(t, inject_skip); /* an injected delay that raised: its statement never runs */
        return CS__BODY_END;
    }
    const cs_stmt *st = &f->body.items[f->idx++];
    if (++e->steps > e->opt.step_limit) {
        e->aborted = true;
        e->limit_kind = CS_RESULT_LIMIT_STEPS;
        return CS__YIELD;
    }
    if (cs_op_is_checkpoint(st->op)) {
        int r = cs__inject_checkpoint(e, t, f, st, c);
        if (r != CS__INJECT_RUN)
            return r;
    }
    return cs__exec(e, t, st, c);
}

static int cs__step_body(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    int r = cs__body_next(e, t, f, c);
    if (r != CS__BODY_END)
        return r;
    cs__completion out = *c;
    c->type = CS__C_NORMAL;
    c->exc = NULL;
    return cs__pop_with(t, c, out);
}

/* Starts running `body` in place in frame f: its phase 1 (cs__in_place). */
static void cs__body_begin(cs__frame *f, cs_body body)
{
    f->body = body;
    f->idx = 0;
    f->phase = 1;
}

/* For a frame that runs its body in place: while in phase 1, the body's next
 * statement.  Returns CS__BODY_END once the body is over (or when f is not in
 * phase 1), with f moved to phase `after` and *c saying how the body ended;
 * else what the statement returned, to be returned as is. */
static int cs__in_place(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c, uint8_t after)
{
    if (f->phase != 1)
        return CS__BODY_END;
    int r = cs__body_next(e, t, f, c);
    if (r == CS__BODY_END)
        f->phase = after;
    return r;
}

/* ---- cancel scopes ---- */

static cs_scope_kind cs__scope_kind_of(cs_op op)
{
    switch (op) {
    case CS_OP_MOVE_ON_AFTER:
    case CS_OP_MOVE_ON_AT: return CS_KIND_MOVE_ON;
    case CS_OP_FAIL_AFTER:
    case CS_OP_FAIL_AT: return CS_KIND_FAIL_AFTER;
    default: return CS_KIND_CANCEL_SCOPE;
    }
}

static cs__scope *cs__named_scope_new(cs__engine *e, const cs_stmt *st, cs_scope_kind kind, double deadline,
                                      bool shield)
{
    const char *inst = st->name ? cs__instance_name(e, st->name) : NULL;
    cs__scope *s = cs__scope_new(e, inst, kind, deadline, shield);
    if (st->decl >= 0)
        e->scope_latest[st->decl] = s->id;
    return s;
}

/* phase 0: entering; 1: running the body in place; then the exit */
static int cs__step_scope(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    const cs_stmt *st = f->st;
    int r = cs__in_place(e, t, f, c, 2);
    if (r != CS__BODY_END)
        return r;
    if (f->phase == 0) {
        double deadline = INFINITY;
        switch (st->op) {
        case CS_OP_CANCEL_SCOPE: deadline = st->has_num ? st->num : INFINITY; break;
        case CS_OP_MOVE_ON_AFTER:
        case CS_OP_FAIL_AFTER: {
            double d = cs__dur(t, &st->dur);
            deadline = d == INFINITY ? INFINITY : cs__now_s(e) + d;
            break;
        }
        case CS_OP_MOVE_ON_AT: deadline = st->dur.kind == CS_DUR_NONE ? INFINITY : st->dur.value; break;
        default: /* fail_at: fail_after(None), then the deadline is set on entry */ break;
        }
        cs__scope *s = cs__named_scope_new(e, st, cs__scope_kind_of(st->op), deadline, st->shield);
        f->scope = s->id;
        cs__flow_scope_entered(e, t, st, s->id);
        e->emit_pos = st->pos;
        cs__scope_enter(e, s, t);
        e->emit_pos = (cs_pos){0, 0};
        if (st->op == CS_OP_FAIL_AT && st->dur.kind != CS_DUR_NONE)
            cs__scope_set_deadline(e, s, st->dur.value);
        cs__body_begin(f, st->body);
        return CS__CONT;
    }
    cs__scope *s = e->scopes[f->scope];
    cs__completion out = cs__scope_exit(e, s, *c);
    c->type = CS__C_NORMAL;
    c->exc = NULL;
    if (cs__scope_kind_of(st->op) == CS_KIND_FAIL_AFTER && out.type == CS__C_NORMAL && s->cancelled_caught &&
        s->deadline != INFINITY && (s->deadline == -INFINITY || e->now >= cs__s_to_ns(s->deadline))) {
        cs_exc *x = cs__new_exc(e, CS_EXC_TIMEOUT_ERROR, "");
        x->noargs = true;
        if (s->swallowed)
            cs_exc_set_context(x, s->swallowed);
        cs__emit_raise(e, t, x, st->pos);
        out = cs__c_exc(x);
    }
    return cs__pop_with(t, c, out);
}

/* ---- loops and calls ---- */

/* `repeat` (for _ in range(n)) and `loop` (while True).
 * phase 0: between iterations; 1: running the body in place */
static int cs__step_repeat(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    int r = cs__in_place(e, t, f, c, 0);
    if (r != CS__BODY_END)
        return r;
    bool ended = c->type == CS__C_BREAK;
    if (c->type == CS__C_BREAK || c->type == CS__C_CONTINUE) /* the loop's own jumps end here */
        c->type = CS__C_NORMAL;
    if (ended || c->type != CS__C_NORMAL || (f->st->op == CS_OP_REPEAT && (int64_t)f->iters >= f->st->count)) {
        cs__completion out = *c;
        c->type = CS__C_NORMAL;
        c->exc = NULL;
        return cs__pop_with(t, c, out);
    }
    /* an iteration is a step too, so `repeat` of an empty body is bounded */
    if (++e->steps > e->opt.step_limit) {
        e->aborted = true;
        e->limit_kind = CS_RESULT_LIMIT_STEPS;
        return CS__YIELD;
    }
    f->iters++;
    cs__body_begin(f, f->st->body);
    return CS__CONT;
}

/* phase 0: calling; 1: running the function's body in place; then the return */
static int cs__step_call(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    if (f->phase == 0) {
        cs__body_begin(f, e->prog->functions[f->st->ref].body);
        return CS__CONT;
    }
    int r = cs__in_place(e, t, f, c, 2);
    if (r != CS__BODY_END)
        return r;
    cs__completion out = *c;
    c->type = CS__C_NORMAL;
    c->exc = NULL;
    if (out.type == CS__C_EXC) /* the function's frame joins its traceback */
        out.exc->left_function = true;
    const cs_stmt *st = f->st;
    const char *ret = out.type == CS__C_RETURN ? out.value_json : NULL;
    /* `return` ends the function only; but a spawn's `function` is the task
     * itself (its body is this one call): its return value is the task's */
    if (out.type == CS__C_RETURN && !(st->flow && st->flow->spawn_args))
        out.type = CS__C_NORMAL; /* a value stays in the shared slot (portal.c reads it) */
    cs__pop(t);
    if (out.type == CS__C_NORMAL) /* `as`: in the caller, once the callee's locals are gone */
        cs__flow_bind(e, t, st, ret);
    *c = out;
    return CS__CONT;
}

/* ---- the task wrapper: TaskHandle._run_coro ---- */

/* phase 0: entering; 1: running the body in place; then the exit */
static int cs__step_task(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    if (f->phase == 0) {
        cs__scope_enter(e, cs__handle_scope(e, t), t);
        cs__body_begin(f, f->st->body);
        return CS__CONT;
    }
    int r = cs__in_place(e, t, f, c, 2);
    if (r != CS__BODY_END)
        return r;
    /* _run_coro: record the outcome, set the finished event, then leave the
     * handle's scope (which swallows a cancellation from handle.cancel()) */
    t->body_done = true;
    t->body = *c;
    if (c->type == CS__C_EXC)
        cs_exc_ref(c->exc);
    if (cs__rare(t)->finished)
        e->pol->event_set(e, cs__rare(t)->finished);
    cs__completion out = cs__scope_exit(e, cs__handle_scope(e, t), *c);
    c->type = CS__C_NORMAL;
    c->exc = NULL;
    return cs__pop_with(t, c, out);
}

/* `await handle`: wait on the finished event (a cancel point), then return the
 * value or raise TaskCancelled / TaskFailed chained to the task's exception. */
static int cs__step_await_task(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    cs__task *h = e->tasks[f->obj];
    if (f->phase == 0) {
        f->phase = 1;
        return e->pol->event_wait(e, t, cs__rare(h)->finished);
    }
    cs__completion out = *c;
    c->type = CS__C_NORMAL;
    c->exc = NULL;
    if (out.type == CS__C_NORMAL && h->body.type == CS__C_EXC) {
        bool cancelled = h->body.exc->cls == CS_EXC_CANCELLED;
        cs_exc *x = cs__raise_new(e, t, cancelled ? CS_EXC_TASK_CANCELLED : CS_EXC_TASK_FAILED,
                                  cancelled ? "the task was cancelled" : "the task raised an exception");
        cs_exc_set_context(x, h->body.exc);
        cs__emit_raise(e, t, x, f->st->pos);
        out = cs__c_exc(x);
    }
    const cs_stmt *st = f->st;
    cs__pop(t);
    if (out.type == CS__C_NORMAL) /* `as`: the task's return value */
        cs__flow_bind(e, t, st, h->body.type == CS__C_RETURN ? h->body.value_json : NULL);
    *c = out;
    return CS__CONT;
}

int cs__step_frame(cs__engine *e, cs__task *t, cs__completion *c)
{
    assert(t->nframes > 0 && t->nframes <= t->capframes);
    cs__frame *f = &t->frames[t->nframes - 1];
    assert(c->type == CS__C_NORMAL || c->type == CS__C_EXC || cs__c_is_jump(c->type));
    /* EXC carries an exception; another type may carry a value in the same
     * slot (RETURN's, or one a normal end passes on: portal.c) */
    assert(c->type != CS__C_EXC || c->exc != NULL);
    switch (f->kind) {
    case CS__F_BODY: return cs__step_body(e, t, f, c);
    case CS__F_TASK: return cs__step_task(e, t, f, c);
    case CS__F_SCOPE: return cs__step_scope(e, t, f, c);
    case CS__F_TG: return e->pol->step_tg(e, t, f, c);
    case CS__F_TRY: return cs__step_try(e, t, f, c);
    case CS__F_REPEAT: return cs__step_repeat(e, t, f, c);
    case CS__F_CALL: return cs__step_call(e, t, f, c);
    case CS__F_SYNC: return e->pol->step_sync(e, t, f, c);
    case CS__F_AWAIT_TASK: return cs__step_await_task(e, t, f, c);
    case CS__F_START: return e->pol->step_start(e, t, f, c);
    case CS__F_TO_THREAD: return e->pol->step_to_thread(e, t, f, c);
    case CS__F_FT_TASK: return cs__step_ft_task(e, t, f, c);
    case CS__F_STREAM: return cs__step_stream(e, t, f, c);
    case CS__F_CONDITION: return cs__step_condition(e, t, f, c);
    case CS__F_GEN: return cs__step_gen(e, t, f, c);
    case CS__F_YIELD: return cs__step_yield(e, t, f, c);
    default: /* the backend's own kinds, and CS__F_FT_HOST */
        assert(f->kind >= CS__F_FT_HOST);
        return e->pol->step_frame(e, t, f, c);
    }
}
