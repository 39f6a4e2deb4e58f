/* interp.h - helpers shared by the statement interpreter (interp.c) and the
 * compound-statement frames (frames.c). */
#ifndef CS_INTERP_H
#define CS_INTERP_H

#include "engine_internal.h"

enum { CS__CONT = 0, CS__YIELD = 1 };

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
void cs__emit_raise(cs__engine *e, cs__task *t, cs_exc *x, cs_pos pos);
int cs__aio_sleep(cs__engine *e, cs__task *t, double delay, const char *label, cs__fut **yf);
bool cs__aio_cic_needed(const cs__task *t);
cs__scope *cs__scope_ref(cs__engine *e, const cs_stmt *st, int32_t decl);
int cs__exec(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c, cs__fut **yf);
int cs__step_frame(cs__engine *e, cs__task *t, cs__completion *c, cs__fut **yf);
double cs_uniform_u(const char *task, uint64_t k);
/* instance names, in the engine's arena (freed with the run) */
const char *cs__instance_name(cs__engine *e, const char *base);
const char *cs__spawn_name(cs__engine *e, const char *base, int64_t index);
cs__tg *cs__innermost_tg(cs__engine *e, cs__task *t);
void cs__task_prepare(cs__engine *e, cs__task *t, const cs_stmt *st);
cs__tg *cs__target_tg(cs__engine *e, cs__task *t, const cs_stmt *st);

/* asyncio policy entries (scope.c, taskgroup.c, event.c, frames.c, engine.c) */
void cs__aio_scope_enter(cs__engine *e, cs__scope *s, cs__task *t);
cs__completion cs__aio_scope_exit(cs__engine *e, cs__scope *s, cs__completion c);
void cs__aio_scope_cancel(cs__engine *e, cs__scope *s, const char *reason, cs_cancel_cause cause);
void cs__aio_scope_set_deadline(cs__engine *e, cs__scope *s, double deadline);
void cs__aio_scope_set_shield(cs__engine *e, cs__scope *s, bool shield);
double cs__aio_effective_deadline(const cs__engine *e, const cs__task *t);
int cs__aio_step_tg(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c, cs__fut **yf);
cs_exc *cs__aio_tg_spawn(cs__engine *e, cs__tg *g, cs__task *parent, const char *name, int64_t index, const cs_stmt *st);
int cs__aio_event_wait(cs__engine *e, cs__task *t, cs__event *ev, cs__fut **yf);
void cs__aio_event_set(cs__engine *e, cs__event *ev);
int cs__aio_step_csc(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c, cs__fut **yf);
int cs__aio_step_cic(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c, cs__fut **yf);
void cs__aio_run(cs__engine *e);

/* Trio policy frames (trio_*.c) */
int cs__trio_step_checkpoint(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c, cs__fut **yf);
int cs__trio_step_sleep(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c, cs__fut **yf);

/* start.c */
int cs__step_start(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c, cs__fut **yf);
int cs__started(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c);

/* sync.c */
void cs__prims_init(cs__engine *e);
void cs__prims_free(cs__engine *e);
bool cs__prim_forget(cs__engine *e, cs__prim *p, cs__task *t);
int cs__step_sync(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c, cs__fut **yf);
cs__prim *cs__prim_of(cs__engine *e, const cs_stmt *st);
void cs__prim_release(cs__engine *e, cs__prim *p, cs__task *borrower);

/* thread.c */
typedef struct cs__thread cs__thread;
int cs__step_to_thread(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c, cs__fut **yf);
void cs__threads_release_due(cs__engine *e);
int64_t cs__threads_next_wake(const cs__engine *e);
void cs__thread_report(cs__engine *e, cs__thread *th);
void cs__trio_thread_reports(cs__engine *e);
void cs__threads_free(cs__engine *e);
void cs__threads_flush(cs__engine *e);
/* After anyio.run() returned: the worker threads still running go on to
 * their ends in virtual time (trace only; the outcome is the run's). */
void cs__threads_after_run(cs__engine *e);
void cs__trio_thread_cancelled(cs__engine *e, cs__task *t, bool abandoned);
void cs__ft_start(cs__engine *e, cs__thread *th);
void cs__ft_done(cs__engine *e, cs__thread *th);
int cs__step_ft_task(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c);
int cs__step_ft_host(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c, cs__fut **yf);
void cs__trio_ft_task_exited(cs__engine *e, cs__task *t);
/* Trio: finalize_remaining's run_sync_soon(reschedule init), in queue order. */
void cs__trio_queue_init(cs__engine *e);
/* Trio: the system tasks (from_thread bodies of abandoned threads) still running. */
uint32_t cs__trio_system_live(const cs__engine *e);

/* trio_shutdown.c: trio.run() after the main task is done */
void cs__trio_main_done(cs__engine *e);
void cs__trio_init_step(cs__engine *e);
void cs__trio_entry_step(cs__engine *e);
void cs__trio_system_task_done(cs__engine *e);
void cs__trio_cancel_system(cs__engine *e);

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
