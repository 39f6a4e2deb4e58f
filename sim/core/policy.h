/* policy.h - where the two backends differ, behind one table.
 *
 * The core (interp.c, frames.c, try.c, and the shared halves of sync.c,
 * thread.c and start.c) runs statements the same way on both backends and
 * calls through cs__policy wherever AnyIO on asyncio and AnyIO on Trio behave
 * differently: how a scope delivers and swallows cancellation, what a
 * checkpoint or sleep is, how a task group waits and aggregates, how tasks are
 * scheduled, how a lock is acquired, how a worker thread reports back.  The
 * core never asks which backend runs: asyncio's table is in
 * sim/asyncio/policy_asyncio.c, Trio's in sim/trio/trio_policy.c, and
 * sim/backends.c picks one at run start.
 *
 * Steps (step_*) follow the frame protocol of interp.h: CS__CONT with *c, or
 * CS__YIELD (cs__yield_on says what the task waits on, if anything).
 */
#ifndef CS_POLICY_H
#define CS_POLICY_H

#include "engine_internal.h"

/* What s.__exit__() by hand finds (pol->scope_exit_misuse, issue 19). */
typedef enum cs__exit_misuse {
    CS__EXIT_IN_ORDER,      /* s is the task's current scope: the exit runs as a `with` block's */
    CS__EXIT_REFUSED,       /* RuntimeError, nothing changes */
    CS__EXIT_CLOSED_ANYWAY, /* RuntimeError, and s is closed all the same (Trio's misnesting) */
    CS__EXIT_NOT_MODELLED,  /* a misuse whose consequences cancelsim does not model */
} cs__exit_misuse;

struct cs__thread;

typedef struct cs__policy {
    /* bytes of the backend's own part after each core object (CS__EXT) */
    uint32_t task_ext, scope_ext, tg_ext, rare_ext;
    /* the backend's run state (e->be), and everything the backend holds,
     * released before the core frees the arena */
    void (*init)(cs__engine *e);
    void (*free)(cs__engine *e);
    /* what a task's backend part still holds, when the run is freed */
    void (*task_free)(cs__engine *e, cs__task *t);
    /* a new scope's backend part (zeroed already) and its release */
    void (*scope_init)(cs__scope *s);
    void (*scope_free)(cs__engine *e, cs__scope *s);
    /* what a group's backend part and an event's waiter list still hold */
    void (*tg_free)(cs__engine *e, cs__tg *g);
    void (*event_free)(cs__engine *e, cs__event *ev);
    /* drops a reference to a wait token (NULL is fine) */
    void (*wait_unref)(cs__engine *e, cs__wait *w);

    void (*scope_enter)(cs__engine *e, cs__scope *s, cs__task *t);
    cs__completion (*scope_exit)(cs__engine *e, cs__scope *s, cs__completion c);
    void (*scope_cancel)(cs__engine *e, cs__scope *s, const char *reason, cs_cancel_cause cause);
    void (*scope_set_deadline)(cs__engine *e, cs__scope *s, double deadline);
    void (*scope_set_shield)(cs__engine *e, cs__scope *s, bool shield);
    /* `with s:` on a CancelScope already used: AnyIO's asyncio scope refuses
     * only while it is active, Trio's once it has ever been entered */
    bool (*scope_reentry_refused)(const cs__scope *s);
    /* s.__exit__() by task t, asked once a scenario enters scopes by hand
     * (issue 19): in order, or the RuntimeError's text in msg (REFUSED: nothing
     * changes, AnyIO's asyncio scope; CLOSED_ANYWAY: Trio abandons the scopes t
     * entered inside s, makes s t's current one and the exit goes on) */
    cs__exit_misuse (*scope_exit_misuse)(cs__engine *e, cs__scope *s, cs__task *t, char *msg, size_t n);
    /* the cancel_called property as a probe reads it (Trio checks deadlines lazily) */
    bool (*scope_cancel_called)(cs__engine *e, cs__scope *s);
    double (*effective_deadline)(const cs__engine *e, const cs__task *t);
    /* anyio.sleep(delay) for any delay (negative, 0, inf) */
    int (*sleep)(cs__engine *e, cs__task *t, double delay, const char *label);
    int (*checkpoint)(cs__engine *e, cs__task *t, const cs_stmt *st);
    int (*checkpoint_if_cancelled)(cs__engine *e, cs__task *t, const cs_stmt *st);
    int (*cancel_shielded_checkpoint)(cs__engine *e, cs__task *t, const cs_stmt *st);
    /* a statement only this backend has (backend_op.h; NULL: none, the
     * loader refuses them) */
    int (*exec_native)(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c);
    /* the backend's own frame kinds (>= CS__F_BACKEND) */
    int (*step_frame)(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c);
    int (*step_tg)(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c);
    /* tg.start_soon(): NULL, or the exception the call raises (new reference) */
    cs_exc *(*spawn)(cs__engine *e, cs__tg *g, cs__task *parent, const char *name, int64_t index, const cs_stmt *st);
    /* issue 26: what tg.start_soon() would raise now (new reference), or NULL (a portal's spawn) */
    cs_exc *(*tg_refuses)(cs__engine *e, cs__tg *g);
    /* `value = await tg.start(fn)` (CS__F_START) and task_status.started() */
    int (*step_start)(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c);
    int (*started)(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c);
    int (*event_wait)(cs__engine *e, cs__task *t, cs__event *ev);
    void (*event_set)(cs__engine *e, cs__event *ev);
    /* TaskInfo.has_pending_cancellation(), which a memory stream's
     * send_nowait() asks of each waiting receiver before handing it an item */
    bool (*has_pending_cancellation)(const cs__engine *e, const cs__task *t);
    /* Lock.release() by a task that does not hold it: the RuntimeError's text */
    const char *lock_not_held;
    /* async with a lock, semaphore or limiter (CS__F_SYNC; idx 1: to_thread's
     * limiter, acquired only), and handing it on when released */
    int (*step_sync)(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c);
    /* borrower, or behalf (acquire_on_behalf_of's NAME), gives a limiter token back */
    void (*prim_release)(cs__engine *e, cs__prim *p, cs__task *borrower, const char *behalf);
    /* issue 18: an explicit release() by t (behalf: release_on_behalf_of):
     * the exception it raises (the rooms word a Lock's differently and check
     * a Semaphore's max_value in a different order), or NULL once released */
    cs_exc *(*prim_release_user)(cs__engine *e, cs__task *t, cs__prim *p, const char *behalf);
    /* issue 18: limiter.total_tokens = n (+inf): AnyIO's asyncio limiter wakes
     * as many waiters as tokens were added, Trio's as many as are free */
    void (*limiter_set_total)(cs__engine *e, cs__prim *p, double total);
    /* await to_thread.run_sync(fn) (CS__F_TO_THREAD) */
    int (*step_to_thread)(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c);
    /* a worker thread's from_thread.check_cancelled(): the exception, or NULL */
    cs_exc *(*thread_check_cancelled)(cs__engine *e, struct cs__thread *th);
    /* a worker thread finished: its result goes back to the loop */
    void (*thread_report)(cs__engine *e, struct cs__thread *th);
    /* a worker thread calls from_thread.run(body): the loop runs it */
    void (*thread_call)(cs__engine *e, struct cs__thread *th);
    /* a from_thread body's own task begins (asyncio: joins the worker's scope) */
    void (*ft_task_begin)(cs__engine *e, cs__task *t, struct cs__thread *th);
    /* main is done but the run has not returned (Trio: shutdown waits for a
     * system task that never ends): reported as a deadlock */
    bool (*run_unfinished)(const cs__engine *e);
    /* runs main to its end, a deadlock or a limit */
    void (*run)(cs__engine *e);
    /* issue 26: SIGINT arrives (Ctrl+C).  t: the task whose own code runs
     * (the `interrupt` statement, a `busy` the signal lands in), or NULL
     * while the loop waits.  Returns what t raises there (new reference) or
     * NULL (the backend's handler only noted it). */
    cs_exc *(*sigint)(cs__engine *e, cs__task *t);
    /* issue 19: a cancellation reaches a task by a throw() into its coroutine
     * chain (asyncio's Task.__step), not raised inside the innermost frame
     * (Trio's trap unwraps it there).  CPython 3.11's aclose() awaitable does
     * not clear a generator's running flag when a throw() ends it, so a
     * generator whose aclose() was cancelled stays "already running" (agen.c). */
    bool cancel_is_thrown;
} cs__policy;

/* The table of a backend (sim/backends.c, the one file that knows both). */
const cs__policy *cs__policy_of(cs_backend backend);

#endif
