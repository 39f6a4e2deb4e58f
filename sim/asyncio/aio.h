/* aio.h - the asyncio room: CPython 3.11's event loop, futures, handles and
 * timer heap, asyncio.Task, and AnyIO 4.14.2's asyncio CancelScope and
 * TaskGroup, as the policy table's asyncio entries.
 *
 * It mirrors CPython and AnyIO structure for structure (ready queue of
 * callbacks, timer heap, futures with done-callbacks, Task.__step /
 * Task.cancel, CancelScope._deliver_cancellation), because outcomes depend on
 * exactly when each of those runs.  Its state is its own: the loop hangs off
 * e->be, and each task, scope, group and rare record carries the asyncio part
 * below right after the core struct (CS__EXT).  Nothing here is seen by the
 * core or by the Trio room.
 */
#ifndef CS_AIO_H
#define CS_AIO_H

#include "interp.h"
#include "policy.h"

/* asyncio's own frame kinds (pol->step_frame). */
enum {
    CS__F_CSC = CS__F_BACKEND, /* lowlevel.cancel_shielded_checkpoint() */
    CS__F_CIC,                 /* lowlevel.checkpoint_if_cancelled() */
    CS__F_NATIVE_AWAIT,        /* `await task` of a native task (native_task.c) */
    CS__F_NATIVE_TIMEOUT,      /* async with asyncio.timeout() (native_timeout.c) */
    CS__F_NATIVE_WAIT_FOR,     /* await asyncio.wait_for(task, timeout) (native_wait_for.c) */
    CS__F_NATIVE_SHIELD,       /* await asyncio.shield(task) (native_task.c) */
    CS__F_NATIVE_TG,           /* async with asyncio.TaskGroup() (native_taskgroup.c) */
    CS__F_NATIVE_AWAIT_FUT,    /* await fut, a bare asyncio.Future (native_future.c) */
};

/* asyncio's Future is the core's wait token: what a task awaits. */
typedef struct cs__wait cs__fut;
typedef struct cs__timer cs__timer;

typedef enum cs__cb_kind {
    CS__CB_TASK_STEP,      /* Task.__step (a: task) */
    CS__CB_TASK_WAKEUP,    /* Task.__wakeup (a: task, fut) */
    CS__CB_SLEEP_DONE,     /* futures._set_result_unless_cancelled (fut) */
    CS__CB_SCOPE_TIMEOUT,  /* CancelScope._timeout (scope) */
    CS__CB_DELIVER,        /* CancelScope._deliver_cancellation(origin) (scope) */
    CS__CB_TASK_DONE,      /* TaskGroup._spawn.task_done (task) */
    CS__CB_RUN_COMPLETE,   /* run_until_complete's stop callback */
    CS__CB_THREAD_REPORT,  /* WorkerThread._report_result (thread) */
    CS__CB_FT_START,       /* run_coroutine_threadsafe's callback: create the task (thread) */
    CS__CB_FT_DONE,        /* the task's future chained back: release the thread (thread) */
    CS__CB_FT_SYNC,        /* from_thread.run_sync's wrapper (issue 26): run the body now (thread) */
    CS__CB_NATIVE_TIMEOUT, /* asyncio.Timeout._on_timeout (record) */
    CS__CB_NATIVE_TG_DONE, /* asyncio.TaskGroup._on_task_done (task) */
    CS__CB_NOOP,           /* Runner._on_sigint's call_soon_threadsafe(lambda: None) */
} cs__cb_kind;

/* 24 bytes (a million sleeping tasks hold one each). */
struct cs__timer {
    int64_t when;
    uint8_t kind;
    bool cancelled;
    bool in_heap;
    uint32_t refs; /* heap + owner */
    void *a;
};

/* A ready-queue entry, 24 bytes (a million spawns queue a million): one that
 * came from the timer heap has CS__CB_TIMER in its kind and the timer in `a`
 * (the timer holds the callback's own kind and argument). */
enum { CS__CB_TIMER = 0x80 };
typedef struct cs__handle {
    uint8_t kind; /* cs__cb_kind, or CS__CB_TIMER */
    void *a;
    void *b;
} cs__handle;

typedef enum { CS__FUT_PENDING, CS__FUT_RESULT, CS__FUT_EXC, CS__FUT_CANCELLED } cs__fut_state;

/* 24 bytes (a million sleeping tasks hold one each). */
struct cs__wait {
    uint8_t state;
    uint32_t refs;
    cs_exc *exc;      /* EXC: the exception; CANCELLED: the cancellation to raise */
    cs__task *waiter; /* the task whose __wakeup is the done-callback (or NULL) */
};

/* asyncio.Task's part of a task. */
typedef struct cs__aio_task {
    bool must_cancel;
    bool in_cancel;         /* its cancel() is running: a cycle of awaits ends there */
    bool native_req;        /* issue 20: a native Task.cancel() (not an AnyIO scope's) took effect and its
                                 CancelledError is not thrown in yet: the next step's is a native_cancel event */
    bool native_hist;       /* issue 20: it had a native_cancel event (its uncancel()s are traced) */
    uint32_t ncancels;      /* _num_cancels_requested: cancelling(), uncancel() */
    cs_exc *cancel_exc;     /* what a pending cancel() will throw (owned ref) */
    cs__fut *fut_waiter;    /* ref */
    cs__timer *sleep_timer; /* asyncio.sleep's call_later handle (ref) */
} cs__aio_task;

/* AnyIO's asyncio CancelScope's part of a scope. */
typedef struct cs__aio_scope {
    bool cancel_handle;       /* a delivery retry is queued */
    int32_t pending_uncancel; /* _pending_uncancellations: cancel()s of the host to undo at exit */
    char *cancel_message;     /* normalised message of the cancellation it issues (owned) */
    cs__timer *timeout_handle;
} cs__aio_scope;

/* AnyIO's asyncio TaskGroup's part of a group. */
typedef struct cs__aio_tg {
    cs__fut *on_completed; /* _on_completed_fut (ref) or NULL */
} cs__aio_tg;

/* What few asyncio tasks need (the rare record's asyncio part). */
typedef struct cs__aio_rare {
    cs__event *event_wait;               /* asyncio.Event.wait's `finally: waiters.remove(fut)` */
    cs__fut *start_fut;                  /* started by `start`: the future start() awaits (ref) */
    struct cs__native *native;           /* a native task (asyncio.create_task): its awaiters (owned) */
    cs__task *awaiting;                  /* the native task this one awaits now (its _fut_waiter) */
    struct cs__native_fut *awaiting_fut; /* the bare asyncio.Future it awaits now (its _fut_waiter) */
} cs__aio_rare;

/* What a native task (asyncio.create_task, no task group) has of a Future:
 * the futures of the tasks awaiting it, completed as it finishes. */
enum { CS__NW_AWAIT, CS__NW_RELEASE, CS__NW_SHIELD };
typedef struct cs__native_waiter {
    cs__fut *fut; /* ref */
    uint8_t kind; /* CS__NW_AWAIT: `await task` (its outcome); RELEASE: wait_for's
                     _release_waiter (a result, whatever the outcome); SHIELD:
                     shield()'s outer future (a cancelled task cancels it plainly) */
} cs__native_waiter;
typedef struct cs__native {
    cs__native_waiter *awaiters;
    uint32_t n, cap;
    char *label;                 /* "asyncio_await NAME": what its awaiters wait on (owned) */
    struct cs__native_tg *group; /* the asyncio.TaskGroup it belongs to (its first done callback), or NULL */
} cs__native;

/* The event loop (e->be). */
typedef struct cs__aio_loop {
    /* ready queue (ring) */
    cs__handle *ready;
    uint32_t rhead, rcount, rcap;
    /* timer heap: each entry carries its timer's `when`, so sifting reads
     * only the heap array (the order is still by `when` alone, loop.c) */
    struct cs__heap_ent {
        int64_t when;
        cs__timer *t;
    } * heap;
    uint32_t nheap, capheap;
    /* free lists (cs__pool_take) */
    void *free_timers, *free_futs;
    bool escape; /* a KeyboardInterrupt/SystemExit left a task step */
    /* Task.cancel() went round a cycle of tasks awaiting each other: CPython's
     * RecursionError, which ends the delivery that made it (scope.c) */
    bool recursion;
    /* asyncio.timeout() blocks entered (native_timeout.c; records in the arena) */
    struct cs__native_tmo **tmos;
    uint32_t ntmos, captmos;
    /* asyncio.wait_for's timeout handles (native_wait_for.c; refs) */
    cs__timer **wf_timers;
    uint32_t nwf, capwf;
    /* asyncio.TaskGroup records (native_taskgroup.c; owned) */
    struct cs__native_tg **atgs;
    uint32_t natgs, capatgs;
    /* bare asyncio.Futures, the latest of each declared name (native_future.c; owned) */
    struct cs__native_fut **nfuts;
    uint32_t interrupts; /* issue 26: Runner._interrupt_count (aio_sigint.c) */
} cs__aio_loop;

static inline cs__aio_loop *cs__aio(const cs__engine *e)
{
    return e->be;
}
static inline cs__aio_task *cs__aio_t(const cs__task *t)
{
    return CS__EXT(t);
}
static inline cs__aio_scope *cs__aio_s(const cs__scope *s)
{
    return CS__EXT(s);
}
static inline cs__aio_tg *cs__aio_g(const cs__tg *g)
{
    return CS__EXT(g);
}
/* the rare record's asyncio part, for reading (all NULL when it has none) */
static inline const cs__aio_rare *cs__aio_r(const cs__task *t)
{
    return CS__EXT(cs__rare(t));
}
static inline cs__aio_rare *cs__aio_rmut(cs__engine *e, cs__task *t)
{
    return CS__EXT(cs__rare_mut(e, t));
}
#define CS__AIO_RARE_CLEAR(t, field)                            \
    do {                                                        \
        if ((t)->rare)                                          \
            ((cs__aio_rare *)CS__EXT((t)->rare))->field = NULL; \
    } while (0)

/* loop.c */
void cs__call_soon(cs__engine *e, uint8_t kind, void *a, void *b);
cs__timer *cs__call_at(cs__engine *e, int64_t when, uint8_t kind, void *a);
void cs__timer_cancel(cs__engine *e, cs__timer *t);
void cs__timer_unref(cs__engine *e, cs__timer *t);
cs__fut *cs__fut_new(cs__engine *e);
cs__fut *cs__fut_ref(cs__fut *f);
void cs__fut_unref(cs__engine *e, cs__fut *f);
void cs__fut_set_result(cs__engine *e, cs__fut *f);
void cs__fut_set_exception(cs__engine *e, cs__fut *f, cs_exc *exc); /* takes a new ref */
bool cs__fut_cancel(cs__engine *e, cs__fut *f, cs_exc *exc);
void cs__loop_init(cs__engine *e);
void cs__loop_free(cs__engine *e);
/* Runs the loop until main is done (or a limit/deadlock). */
void cs__loop_run(cs__engine *e);
bool cs__loop_run_once(cs__engine *e);
void cs__loop_spin(cs__engine *e, uint32_t n);
/* aio_sigint.c (issue 26): Runner._on_sigint; what run() makes of main's end */
cs_exc *cs__aio_sigint(cs__engine *e, cs__task *t);
void cs__aio_sigint_result(cs__engine *e);

/* task.c (asyncio.Task) */
void cs__task_step(cs__engine *e, cs__task *t, cs_exc *exc);
void cs__task_wakeup(cs__engine *e, cs__task *t, cs__fut *f);
/* A native Task.cancel(): asyncio.create_task's, asyncio.timeout's, wait_for's,
 * asyncio.TaskGroup's, the runner's (AnyIO's scopes use cs__task_cancel_rec). */
bool cs__task_cancel(cs__engine *e, cs__task *t, cs_exc *exc);
/* the same, saying whether it went round a cycle of tasks awaiting each other
 * (CPython: RecursionError out of Task.cancel) */
bool cs__task_cancel_rec(cs__engine *e, cs__task *t, cs_exc *exc, bool *recursion);

/* scope.c (AnyIO asyncio CancelScope) */
void cs__scope_deliver(cs__engine *e, cs__scope *s, cs__scope *origin);
void cs__scope_timeout(cs__engine *e, cs__scope *s);
bool cs__scope_effectively_cancelled(const cs__scope *s);
bool cs__scope_parent_cancel_visible(const cs__scope *s);
/* Does the exception (or its context chain of Cancelled) carry AnyIO's mark? */
bool cs__is_anyio_cancel(const cs_exc *x);
void cs__aio_scope_enter(cs__engine *e, cs__scope *s, cs__task *t);
cs__completion cs__aio_scope_exit(cs__engine *e, cs__scope *s, cs__completion c);
void cs__aio_scope_cancel(cs__engine *e, cs__scope *s, const char *reason, cs_cancel_cause cause);
void cs__aio_scope_set_deadline(cs__engine *e, cs__scope *s, double deadline);
void cs__aio_scope_set_shield(cs__engine *e, cs__scope *s, bool shield);
double cs__aio_effective_deadline(const cs__engine *e, const cs__task *t);

/* taskgroup.c (AnyIO asyncio TaskGroup) */
int cs__aio_step_tg(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c);
cs_exc *cs__aio_tg_refuses(cs__engine *e, cs__tg *g);
cs_exc *cs__aio_tg_spawn(cs__engine *e, cs__tg *g, cs__task *parent, const char *name, int64_t index,
                         const cs_stmt *st);
void cs__tg_task_done(cs__engine *e, cs__task *t);

/* event.c */
int cs__aio_event_wait(cs__engine *e, cs__task *t, cs__event *ev);
void cs__aio_event_set(cs__engine *e, cs__event *ev);
void cs__event_forget(cs__engine *e, cs__event *ev, cs__fut *f);

/* aio_checkpoint.c: asyncio.sleep and AnyIO's checkpoints */
int cs__aio_sleep(cs__engine *e, cs__task *t, double delay, const char *label);
int cs__aio_checkpoint(cs__engine *e, cs__task *t, const cs_stmt *st);
int cs__aio_cic(cs__engine *e, cs__task *t, const cs_stmt *st);
int cs__aio_csc(cs__engine *e, cs__task *t, const cs_stmt *st);
int cs__aio_step_frame(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c);

/* aio_start.c, aio_sync.c, aio_thread.c */
int cs__aio_step_start(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c);
int cs__aio_started(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c);
int cs__aio_step_sync(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c);
void cs__aio_prim_release(cs__engine *e, cs__prim *p, cs__task *borrower, const char *behalf);
cs_exc *cs__aio_prim_release_user(cs__engine *e, cs__task *t, cs__prim *p, const char *behalf);
void cs__aio_limiter_set_total(cs__engine *e, cs__prim *p, double total);
int cs__aio_step_to_thread(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c);
cs_exc *cs__aio_thread_check_cancelled(cs__engine *e, struct cs__thread *th);
void cs__aio_thread_report(cs__engine *e, struct cs__thread *th);
void cs__aio_thread_call(cs__engine *e, struct cs__thread *th);
void cs__aio_ft_task_begin(cs__engine *e, cs__task *t, struct cs__thread *th);
/* WorkerThread._report_result and the from_thread task's callbacks, run by the loop */
void cs__thread_report(cs__engine *e, struct cs__thread *th);
void cs__ft_start(cs__engine *e, struct cs__thread *th);
void cs__ft_done(cs__engine *e, struct cs__thread *th);
void cs__ft_sync(cs__engine *e, struct cs__thread *th);

/* native_task.c, native_timeout.c: native asyncio inside AnyIO code */
int cs__aio_exec_native(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c);
int cs__native_step_await(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c);
void cs__native_finish(cs__engine *e, cs__task *t, const cs__completion *c);
cs__task *cs__native_create_task(cs__engine *e, cs__task *parent, const cs_stmt *st);
/* a new future completed when the native task h finishes (kind CS__NW_*), a new reference */
cs__fut *cs__native_add_waiter(cs__engine *e, cs__task *h, uint8_t kind);
/* the same with a future of the caller's (taking a new reference to it), released when h finishes */
void cs__native_waiter_attach(cs__engine *e, cs__task *h, cs__fut *fut);
/* what awaiting the done native task h gives: its result, or its exception
 * (a new CancelledError chained to its own when it was cancelled) */
cs__completion cs__native_result(cs__engine *e, const cs__task *h);
int cs__native_step_shield(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c);
int cs__native_wait_for_begin(cs__engine *e, cs__task *t, const cs_stmt *st);
int cs__native_tg_begin(cs__engine *e, cs__task *t, const cs_stmt *st);
int cs__native_tg_create_task(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c);
int cs__native_step_tg(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c);
void cs__native_tg_task_done(cs__engine *e, cs__task *t);
void cs__native_tgs_free(cs__engine *e);
typedef struct cs__native_fut cs__native_fut;
int cs__native_fut_exec(cs__engine *e, cs__task *t, const cs_stmt *st);
int cs__native_step_await_fut(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c);
bool cs__native_fut_cancel(cs__engine *e, cs__native_fut *f, cs_exc *exc);
void cs__native_futs_free(cs__engine *e);
int cs__native_step_wait_for(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c);
void cs__native_free(cs__engine *e, cs__task *t);
/* the native_cancel event: exc, a CancelledError a native cancel() of t sent, is thrown into t */
void cs__native_cancel_delivered(cs__engine *e, cs__task *t, cs_exc *exc);
/* t.uncancel() made by `by` ("asyncio.timeout", "asyncio.TaskGroup", "cancel scope"; NULL: the
 * scenario's uncancel statement), with its uncancel event (by the machinery only for a task that
 * has had a native_cancel: the findings need no other) */
void cs__aio_uncancel(cs__engine *e, cs__task *t, const char *by);
int cs__native_timeout_begin(cs__engine *e, cs__task *t, const cs_stmt *st);
int cs__native_step_timeout(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c);
void cs__native_on_timeout(cs__engine *e, struct cs__native_tmo *r, bool soon);

/* aio_run.c: asyncio.Runner.run(main) and close() */
void cs__aio_run(cs__engine *e);

extern const cs__policy cs__policy_asyncio;

#endif
