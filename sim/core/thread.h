/* thread.h - worker threads in virtual time (thread.c), shared by the core
 * and the backends' to_thread and from_thread halves (pol->step_to_thread,
 * pol->thread_*: sim/asyncio/aio_thread.c, sim/trio/trio_thread.c). */
#ifndef CS_THREAD_H
#define CS_THREAD_H

#include "interp.h"

typedef struct cs__thread cs__thread;
struct cs__thread {
    cs__task *host;
    const cs_stmt *st; /* the to_thread statement: its steps and options */
    uint32_t idx;      /* next step */
    int64_t wake;      /* blocked until (ns) */
    uint64_t seq;      /* when its current block began (registration order) */
    bool blocked, done, abandoned;
    bool plain, started;   /* issue 26: a thread of "threads" (plain_thread.c); it has begun */
    bool ft_token;         /* issue 26: its from_thread call passes a token (Trio: the system nursery) */
    bool ft_sync;          /* issue 26: that call is from_thread.run_sync: its body runs without a task step */
    cs__completion result; /* how the thread function ended */
    cs__prim *limiter;
    const cs_body *ft_body;   /* the from_thread body it waits on */
    cs__task *ft_task;        /* the from_thread body's own task, if any */
    cs__tg *portal_g;         /* issue 26: its portal call spawns into this portal's group (portal.c) */
    const cs_stmt *portal_st; /* that call's thread step (portal_call or portal_start_task_soon) */
    const cs_stmt *with;      /* the portal_with whose body it runs (its __exit__ is due), or NULL */
    const cs_datum **locals;  /* issue 26: the thread function's named values (thread_values.c; owned) */
    bool running, rerun;      /* in cs__thread_run; to go on at once (a portal_with's exit steps) */
    int32_t inject;           /* thread-fail: the plan's fault index, or -1 */
    uint32_t id;              /* its index in e->threads: the trace's thread number - 1 */
    /* asyncio */
    cs__wait *wait;          /* the future run_sync awaits (ref) */
    cs__scope *worker_scope; /* where check_cancelled() looks */
    /* Trio */
    cs_exc *cancel_exc;       /* the cancellation delivered to the host, if any */
    cs__thread *next_report;  /* queued for the run_sync_soon step */
    uint8_t report_kind;      /* what that step does for it */
    bool run_request;         /* the host was woken to run ft_body */
    bool reported;            /* the host was woken with the result */
    bool run_finished;        /* its from_thread call is answered with RunFinishedError */
    cs__completion ft_result; /* the host ran the body: how it ended, for the thread */
    /* issue 26, a sync_main's start_blocking_portal (sync_main.c) */
    uint8_t sbp_phase;          /* CS__SBP_*: where the thread stands in the with */
    uint32_t sbp_exc_idx;       /* the exit for an exception: stop(True), then the join */
    bool sbp_parked;            /* in thread.join(): the loop runs to its end */
    cs__completion sbp_pending; /* what the with body raised, raised again after the join */
};

/* The TO_THREAD frame's phases. */
enum { TH_BEGIN, TH_LIMITER, TH_STARTED };

cs__thread *cs__thread_new(cs__engine *e, cs__task *host, const cs_stmt *st);
/* THREAD_START, then the thread runs once the current step is over. */
void cs__thread_start(cs__engine *e, cs__task *t, cs__thread *th, cs_pos pos);
/* A thread released during a task step runs once that step is over. */
void cs__thread_release(cs__engine *e, cs__thread *th);
/* The thread's outcome as run_sync gives it: its exception, or normal. */
cs__completion cs__thread_outcome(const cs__thread *th);
/* run_sync returns out: pops its frame and binds `as` to what the thread returned. */
int cs__thread_done(cs__engine *e, cs__task *t, cs__completion *c, cs__completion out, const cs__thread *th);
void cs__emit_thread_abandoned(cs__engine *e, cs__task *t, cs_pos pos, uint32_t count);
/* The thread's from_thread call returned (or raised): it runs on. */
void cs__ft_resume(cs__engine *e, cs__thread *th, const cs__completion *r);
/* A from_thread body's own task (not a scenario task: its events and draws
 * are the calling task's). */
cs__task *cs__ft_task_new(cs__engine *e, cs__thread *th);
int cs__step_ft_task(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c);
void cs__threads_release_due(cs__engine *e);
int64_t cs__threads_next_wake(const cs__engine *e);
void cs__threads_free(cs__engine *e);
void cs__threads_flush(cs__engine *e);
/* After anyio.run() returned: the worker threads still running go on to
 * their ends in virtual time (trace only; the outcome is the run's). */
void cs__threads_after_run(cs__engine *e);
/* The thread function ends with exception x (owned): THREAD_END, the report. */
void cs__thread_raise(cs__engine *e, cs__thread *th, cs_exc *x);

/* thread_values.c (issue 26 portals): the thread function's named values */
/* `as` of thread step s: binds the value of JSON text json (NULL: None). */
void cs__thread_bind(cs__engine *e, cs__thread *th, const cs_stmt *s, const char *json);
/* The step the thread waits in (the one before idx) returned r (normal): its `as`. */
void cs__thread_bind_result(cs__engine *e, cs__thread *th, const cs__completion *r);
/* print(...) in the thread: a log line; false after a scenario error. */
bool cs__thread_print(cs__engine *e, cs__thread *th, const cs_stmt *s);
/* return x: x's JSON text, or NULL after a scenario error. */
const char *cs__thread_return_value(cs__engine *e, cs__thread *th, const cs_stmt *s);

/* plain_thread.c (issue 26): threads AnyIO did not start */
/* At the run's start: each thread of "threads", blocked until its start_at. */
void cs__plain_threads_begin(cs__engine *e);
/* Before a thread step (any thread): for a from_thread / from_thread_sync call,
 * records how the loop takes it (th->ft_token, th->ft_sync); returns what a
 * plain thread's step raises in place of a worker thread's (NULL: none):
 * check_cancelled, and a call without a token; a token not yet bound stops
 * the run (scenario error, e->aborted). */
cs_exc *cs__plain_step_error(cs__engine *e, cs__thread *th, const cs_stmt *s);
/* THREAD_START the first time a plain thread runs. */
void cs__plain_thread_starts(cs__engine *e, cs__thread *th);
int cs__exec_current_token(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c);

/* sync_main.c (issue 26): start_blocking_portal from a synchronous main */
enum { CS__SBP_OUT, CS__SBP_BODY, CS__SBP_EXIT };
/* A CS_OP_SBP_STEP of the sync main: true when the thread stops here. */
bool cs__sbp_step(cs__engine *e, cs__thread *th, const cs_stmt *s);
/* The thread ends with th->result: inside the with it goes on at the with's
 * exit instead (true). */
bool cs__sbp_unwind(cs__engine *e, cs__thread *th);
/* run_portal's `await portal.sleep_until_stopped()`. */
int cs__exec_sbp_wait(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c);
/* BlockingPortal.stop() on group g: run_portal's wait ends. */
void cs__sbp_portal_stopped(cs__engine *e, const cs__tg *g);
/* The loop has ended (its thread joined): the sync main runs to its end;
 * NULL without a sync main, else how main() ended (the run's result). */
const cs__completion *cs__sync_main_finish(cs__engine *e);
void cs__sync_main_free(cs__engine *e);
/* A plan the model cannot run with a sync main: true, with err filled. */
bool cs__sync_main_refuses(const cs_program *prog, const cs_run_options *opt, cs_run_error *err);

#endif
