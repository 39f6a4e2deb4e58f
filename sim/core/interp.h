/* interp.h - the step protocol shared by the statement interpreter
 * (interp.c), the compound-statement frames (frames.c, try.c) and the
 * backends' own steps.
 *
 * A step returns CS__CONT (go on with *c: the completion of what ran) or
 * CS__YIELD (the task suspends).  What a yielding task waits on is the
 * backend's business: it says so with cs__yield_on (the asyncio room's
 * future), or yields bare / parks (Trio), and reads it back when the step is
 * over (e->yield_on).  The core only carries the opaque token. */
#ifndef CS_INTERP_H
#define CS_INTERP_H

#include <assert.h>

#include "engine_internal.h"

enum { CS__CONT = 0, CS__YIELD = 1 };

/* The task yields, waiting on w (a reference the backend takes back). */
static inline int cs__yield_on(cs__engine *e, cs__wait *w)
{
    assert(e->yield_on == NULL); /* one yield per step */
    e->yield_on = w;
    return CS__YIELD;
}

cs__completion cs__c_exc(cs_exc *x); /* steals x */
cs__frame *cs__push(cs__engine *e, cs__task *t, uint8_t kind, const cs_stmt *st);
/* Hands a task's (empty) frame stack back to the pool. */
void cs__frames_release(cs__engine *e, cs__task *t);
void cs__push_body(cs__engine *e, cs__task *t, cs_body body);
void cs__pop(cs__task *t);
int cs__pop_with(cs__task *t, cs__completion *c, cs__completion out);
double cs__dur(cs__task *t, const cs_dur *d);
cs_exc *cs__handled_exc(cs__task *t);
cs_exc *cs__raise_new(cs__engine *e, cs__task *t, int32_t cls, const char *msg);
/* interrupt.c (issue 26): the `interrupt` statement */
int cs__exec_interrupt(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c);
/* handle_value.c: v = handle.return_value (TaskHandle.return_value, AnyIO 4.14) */
int cs__exec_task_return_value(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c);
void cs__emit_raise(cs__engine *e, cs__task *t, cs_exc *x, cs_pos pos);
/* group_raise.c (issue 18): the group a `raise` with `exceptions` builds (new reference). */
cs_exc *cs__raise_group(cs__engine *e, cs__task *t, const cs_stmt *st);
cs__scope *cs__scope_ref(cs__engine *e, const cs_stmt *st, int32_t decl);
int cs__exec(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c);
int cs__step_frame(cs__engine *e, cs__task *t, cs__completion *c);
double cs_uniform_u(const char *task, uint64_t k);
/* instance names, in the engine's arena (freed with the run) */
const char *cs__instance_name(cs__engine *e, const char *base);
const char *cs__spawn_name(cs__engine *e, const char *base, int64_t index);
cs__tg *cs__innermost_tg(cs__engine *e, cs__task *t);
void cs__task_prepare(cs__engine *e, cs__task *t, const cs_stmt *st);
cs__tg *cs__target_tg(cs__engine *e, cs__task *t, const cs_stmt *st);
/* A task spawned into g by `st`: its handle, its place in g's scope. */
cs__task *cs__spawn_task(cs__engine *e, cs__tg *g, cs__task *parent, const char *name, int64_t index,
                         const cs_stmt *st);
int cs__step_try(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c);
/* frames.c: runs the next statement of the body f holds (f->body from f->idx):
 * the step limit, inject's checkpoint, the statement.  Returns CS__BODY_END
 * once the body is over (*c says how), else the statement's CS__CONT or
 * CS__YIELD; f may have moved then (a push can grow the stack). */
enum { CS__BODY_END = 2 };
int cs__body_next(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c);

/* generator.c: async generators driven by async_with / aclosing */
int cs__exec_gen(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c);
/* scope_enter / scope_exit (scope_manual.c) */
int cs__exec_scope_manual(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c);
/* the order check of every scope exit once a scenario enters scopes by hand */
cs__completion cs__scope_exit_checked(cs__engine *e, cs__scope *s, cs__task *t, cs__completion c, cs_pos pos);
int cs__step_gen(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c);
int cs__step_yield(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c);
/* A gen_enter / yield / gen_exit event of GEN frame g, at statement `at`. */
void cs__gen_event(cs__engine *e, cs__task *t, const cs__frame *g, cs_event_kind kind, const cs_stmt *at, cs_exc *x);
/* aclose() on the generator whose GEN frame is t->frames[gi]: GeneratorExit
 * is raised at yield st (*c); `after` (owned) follows once the close is over. */
int cs__gen_close(cs__engine *e, cs__task *t, uint32_t gi, const cs_stmt *st, cs__completion after, cs__completion *c);
/* agen.c: generator objects driven by anext / aclose (agen, anext, aclose) */
int cs__exec_agen(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c);
/* A YIELD frame of such a generator: phase 2 its frames leave t; 4/5 resumed by anext/aclose. */
int cs__agen_step_yield(cs__engine *e, cs__task *t, cs__frame *y, cs__completion *c);
/* Its body ended with `out` (owned): the object is done; what anext or aclose gives. */
cs__completion cs__agen_done(cs__engine *e, cs__task *t, uint32_t gi, cs__completion out);
/* The anext or aclose that resumed the generator whose GEN frame is t->frames[gi]. */
const cs_stmt *cs__agen_driver(cs__engine *e, const cs__task *t, uint32_t gi);
void cs__agens_free(cs__engine *e);
/* At the end of a run: a generator object left suspended is refused (not modelled). */
void cs__agens_at_end(cs__engine *e);
/* The frame a scan down t's stack for the consumer's state looks at after
 * frame i: a YIELD frame runs its consumer's body above the generator's
 * frames, so the scan skips them to just below the GEN frame.  Returns
 * UINT32_MAX when nothing is below. */
static inline uint32_t cs__frame_below(const cs__task *t, uint32_t i)
{
    if (t->frames[i].kind == CS__F_YIELD)
        i = (uint32_t)t->frames[i].obj;
    return i ? i - 1 : UINT32_MAX;
}

/* dataflow.c: named values, if/loop/break/continue/let/print/return_value (flow.h) */
const cs_datum *cs__flow_datum(const cs__engine *e, const char *json);
/* Binds st's `as` name (if any) in t's current function to the value of JSON
 * text `json` (NULL: None).  Call it once the statement's frame is popped. */
void cs__flow_bind(cs__engine *e, cs__task *t, const cs_stmt *st, const char *json);
/* The table index of the object st names: st->ref, or the object a parameter holds. */
int32_t cs__flow_obj(cs__engine *e, cs__task *t, const cs_stmt *st);
/* `call` with arguments or names: pushes the CALL frame with its parameters bound. */
int cs__flow_call(cs__engine *e, cs__task *t, const cs_stmt *st);
/* A spawn's `function` arguments, evaluated in the spawner t and handed to
 * child; false after a scenario error. */
bool cs__flow_spawned(cs__engine *e, cs__task *t, const cs_stmt *st, cs__task *child);
int cs__flow_exec(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c);
/* The number a parameter of t's current function holds (a CS_DUR_NAME duration). */
double cs__flow_dur(const cs__task *t, int32_t slot);
/* A named scope or task group st declares was entered as scope instance id:
 * its function keeps it when a condition of that function reads it. */
void cs__flow_scope_entered(cs__engine *e, cs__task *t, const cs_stmt *st, int32_t id);
/* Frees a popped frame's locals. */
void cs__flow_release(cs__frame *f);

/* start.c */
/* RuntimeError(msg) raised by the START frame on top, which it pops. */
int cs__start_raise(cs__engine *e, cs__task *t, cs__completion *c, const char *msg);
/* start() returns out: pops its frame and binds `as` to what started() gave child. */
int cs__start_done(cs__engine *e, cs__task *t, cs__completion *c, cs__completion out, cs__task *child);
/* task_status.started(value) succeeded: the value start() returns. */
void cs__start_record(cs__engine *e, cs__task *t, const cs_stmt *st);

/* str(exc) and repr(exc) as Python prints them */
char *cs__py_repr_str(const char *s);
char *cs__exc_repr(const cs__engine *e, const cs_exc *x);

/* exc_ops.c */
typedef bool (*cs__exc_pred)(const cs_exc *x, void *ctx);
/* BaseExceptionGroup.split(pred): *match and *rest are new references or NULL. */
void cs__split(cs__engine *e, cs_exc *x, cs__exc_pred pred, void *ctx, cs_exc **match, cs_exc **rest);
/* A group of these members with Python's class narrowing (new reference). */
cs_exc *cs__make_group_narrow(cs__engine *e, const char *msg, cs_exc *const *v, uint32_t n);
bool cs__exc_matches(const cs__engine *e, const cs_exc *x, const int32_t *classes, uint32_t n);

#endif
