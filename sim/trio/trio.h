/* trio.h - the Trio room: trio's run loop (batches), CancelStatus and
 * deadlines, nurseries, and trio.run()'s shutdown, as AnyIO 4.14.2's Trio
 * backend uses them; the policy table's Trio entries.
 *
 * Its state is its own: the runner hangs off e->be, and each task, scope,
 * group and rare record carries the Trio part below right after the core
 * struct (CS__EXT).  Nothing here is seen by the core or by the asyncio room.
 */
#ifndef CS_TRIO_H
#define CS_TRIO_H

#include "interp.h"
#include "policy.h"

struct cs__thread;

enum { CS__ABORT_NONE = 0, CS__ABORT_SUCCEEDED = 1, CS__ABORT_FAILED = 2 };
typedef enum { CS__SRC_EXPLICIT, CS__SRC_DEADLINE, CS__SRC_NURSERY, CS__SRC_UNKNOWN, CS__SRC_SHUTDOWN } cs__trio_source;

/* Trio's own frame kinds (pol->step_frame). */
enum {
    CS__F_TRIO_CP = CS__F_BACKEND, /* trio.lowlevel.checkpoint(): schedule point, then cancel point */
    CS__F_TRIO_SLEEP,              /* trio.sleep_until(): move_on_at(deadline) around sleep_forever() */
};

/* trio's Task's part of a task. */
typedef struct cs__trio_task {
    uint8_t abort_kind; /* what aborting its current wait does (CS__ABORT_*), 0 = not parked */
    bool parking;       /* set by an await that parks (wait_task_rescheduled) */
    bool thread_wait;   /* parked in to_thread's own wait (its abort applies) */
    bool is_system;     /* the run_sync_soon or init task (not a scenario task) */
    bool started;       /* task_status.started() was called */
} cs__trio_task;

/* trio.CancelScope's part of a scope: its CancelStatus and CancelReason, and
 * its entries in the deadline heap.  32 bytes, small fields first (every
 * task's handle scope and every sleeping task's sleep scope have one). */
typedef struct cs__trio_scope {
    bool effectively_cancelled;
    int8_t reason_source;       /* -1 none, else cs__trio_source */
    bool sleep_scope;           /* trio.sleep()'s own move_on_at scope: its expiry is a wake-up */
    bool sleep_done;            /* a sleep scope that exited: reused once no deadline entry names it */
    int32_t origin;             /* the scope whose cancellation this status carries (-1 none) */
    uint32_t dl_refs;           /* entries of the deadline heap that point at it */
    bool abandoned;             /* CancelStatus.abandoned_by_misnesting: an outer scope was closed first */
    double registered_deadline; /* what the deadline heap holds for it (inf: nothing) */
    char *reason_text;          /* the CancelReason's text, or NULL (owned) */
} cs__trio_scope;

/* A nursery's part of a group. */
typedef struct cs__trio_tg {
    bool active; /* AnyIO's TaskGroup._active */
    bool nested_running, parent_waiting, closed;
    uint32_t pending_starts;
} cs__trio_tg;

/* What few Trio tasks need (the rare record's Trio part). */
typedef struct cs__trio_rare {
    cs__event *trio_event;     /* the event whose waiter set holds it */
    cs__prim *trio_prim;       /* the lock/semaphore/limiter whose parking lot holds it */
    struct cs__thread *thread; /* the worker thread it waits for in to_thread */
    cs__tg *start_old;         /* started by `start`: the temporary nursery it starts in */
    cs__tg *start_new;         /* ... and the task group it moves to on started() */
} cs__trio_rare;

/* The runner (e->be). */
typedef struct cs__trio_state {
    cs__task **runq;
    cs_exc **runq_exc; /* parallel to runq: what to throw in (owned) */
    uint32_t nrunq, caprunq;
    struct cs__dl {
        double deadline;
        uint64_t counter;
        cs__scope *scope;
    } * dls;
    uint32_t ndls, capdls;
    uint64_t dl_counter;
    /* The last event.set() that woke two or more waiters in a shuffled order:
     * where in the run queue they went and how many choices had been made
     * (trio_policy.c); a batch made of exactly them needs no reversal. */
    struct cs__wake_mark {
        uint32_t first, n;
        size_t nchoices;
    } wake;
    struct cs__thread *reports;     /* finished threads awaiting run_sync_soon */
    cs__task *sys_task;             /* the run_sync_soon task (in the arena) */
    cs__task *init_task;            /* the init task, once main is done (trio_shutdown.c) */
    uint8_t shutdown;               /* how far run() has shut down (CS__SD_*) */
    bool sysn_closed;               /* the system nursery is closed: no from_thread body can start */
    bool entry_cancel, entry_final; /* the run_sync_soon task is cancelled / runs its last pass next */
    bool sys_queued;
    bool ki_pending, ki_cb; /* issue 26: Runner.ki_pending; _deliver_ki_cb is queued (trio_sigint.c) */
} cs__trio_state;

static inline cs__trio_state *cs__trio(const cs__engine *e)
{
    return e->be;
}
static inline cs__trio_task *cs__trio_t(const cs__task *t)
{
    return CS__EXT(t);
}
static inline cs__trio_scope *cs__trio_s(const cs__scope *s)
{
    return CS__EXT(s);
}
static inline cs__trio_tg *cs__trio_g(const cs__tg *g)
{
    return CS__EXT(g);
}
/* the rare record's Trio part, for reading (all NULL when it has none) */
static inline const cs__trio_rare *cs__trio_r(const cs__task *t)
{
    return CS__EXT(cs__rare(t));
}
static inline cs__trio_rare *cs__trio_rmut(cs__engine *e, cs__task *t)
{
    return CS__EXT(cs__rare_mut(e, t));
}
#define CS__TRIO_RARE_CLEAR(t, field)                            \
    do {                                                         \
        if ((t)->rare)                                           \
            ((cs__trio_rare *)CS__EXT((t)->rare))->field = NULL; \
    } while (0)
/* Does a checkpoint of this task see a pending KeyboardInterrupt (the main
 * task while ki_pending: trio's checkpoint() and checkpoint_if_cancelled())? */
static inline bool cs__trio_ki_for(const cs__engine *e, const cs__task *t)
{
    return ((const cs__trio_state *)e->be)->ki_pending && t == e->tasks[0];
}
/* Is the task's cancel status cancelled? */
static inline bool cs__trio_task_cancelled(const cs__task *t)
{
    return t->cancel_scope && cs__trio_s(t->cancel_scope)->effectively_cancelled;
}

/* trio_scope.c */
void cs__trio_scope_init(cs__scope *s);
void cs__trio_scope_free(cs__engine *e, cs__scope *s);
void cs__trio_scope_enter(cs__engine *e, cs__scope *s, cs__task *t);
cs__completion cs__trio_scope_exit(cs__engine *e, cs__scope *s, cs__completion c);
void cs__trio_scope_cancel(cs__engine *e, cs__scope *s, const char *reason, cs_cancel_cause cause);
void cs__trio_scope_set_deadline(cs__engine *e, cs__scope *s, double deadline);
void cs__trio_scope_set_shield(cs__engine *e, cs__scope *s, bool shield);
bool cs__trio_scope_cancel_called(cs__engine *e, cs__scope *s);
bool cs__trio_scope_reentry_refused(const cs__scope *s);
cs__exit_misuse cs__trio_scope_exit_misuse(cs__engine *e, cs__scope *s, cs__task *t, char *msg, size_t n);
double cs__trio_effective_deadline(const cs__engine *e, const cs__task *t);
bool cs__trio_deadline_due(const cs__engine *e, double deadline);
void cs__trio_expire(cs__engine *e);
double cs__trio_next_deadline(cs__engine *e);
void cs__trio_dl_pop(cs__engine *e);
void cs__trio_cancel(cs__engine *e, cs__scope *s, cs__trio_source src, const char *reason, cs_cancel_cause cause);
cs_exc *cs__trio_cancelled_exc(cs__engine *e, const cs__scope *s);
/* CancelStatus.parent = parent (task_status.started() moving a child). */
void cs__trio_reparent(cs__engine *e, cs__scope *s, cs__scope *parent);

/* trio_nursery.c */
int cs__trio_step_tg(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c);
cs_exc *cs__trio_tg_refuses(cs__engine *e, cs__tg *g);
cs_exc *cs__trio_spawn(cs__engine *e, cs__tg *g, cs__task *parent, const char *name, int64_t index, const cs_stmt *st);
void cs__trio_child_finished(cs__engine *e, cs__tg *g, cs__task *t);
void cs__nursery_check_closed(cs__engine *e, cs__tg *g);
void cs__nursery_add_exc(cs__engine *e, cs__tg *g, cs_exc *x, const char *what);

/* trio_runner.c */
void cs__trio_init(cs__engine *e);
void cs__trio_free(cs__engine *e);
void cs__trio_task_free(cs__engine *e, cs__task *t);
void cs__trio_run(cs__engine *e);
void cs__trio_reschedule(cs__engine *e, cs__task *t, cs_exc *exc); /* steals exc */
void cs__trio_attempt_delivery(cs__engine *e, cs__task *t);
void cs__trio_abort_cleanup(cs__engine *e, cs__task *t);
uint64_t cs__trio_draw(cs__engine *e);
void cs__trio_shuffle(cs__engine *e, void **v, size_t n);
uint32_t cs__trio_choose(cs__engine *e, uint32_t k);

/* trio_policy.c: checkpoints, sleeps, events */
int cs__trio_step_frame(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c);

/* trio_start.c, trio_sync.c */
int cs__trio_step_start(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c);
int cs__trio_started(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c);
int cs__trio_step_sync(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c);
void cs__trio_prim_release(cs__engine *e, cs__prim *p, cs__task *borrower, const char *behalf);
cs_exc *cs__trio_prim_release_user(cs__engine *e, cs__task *t, cs__prim *p, const char *behalf);
void cs__trio_limiter_set_total(cs__engine *e, cs__prim *p, double total);
/* Stops the run: a task waits on a lock whose owner ended holding it (issue 18). */
void cs__trio_broken_lock(cs__engine *e, const cs__prim *p);

/* trio_thread.c */
int cs__trio_step_to_thread(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c);
cs_exc *cs__trio_thread_check_cancelled(cs__engine *e, struct cs__thread *th);
void cs__trio_thread_report(cs__engine *e, struct cs__thread *th);
void cs__trio_thread_call(cs__engine *e, struct cs__thread *th);
void cs__trio_ft_task_begin(cs__engine *e, cs__task *t, struct cs__thread *th);
int cs__step_ft_host(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c);
void cs__trio_thread_reports(cs__engine *e);
void cs__trio_thread_cancelled(cs__engine *e, cs__task *t, bool abandoned);
void cs__trio_ft_task_exited(cs__engine *e, cs__task *t);
/* finalize_remaining's run_sync_soon(reschedule init), in queue order. */
void cs__trio_queue_init(cs__engine *e);
/* the system tasks (from_thread bodies of abandoned threads) still running. */
uint32_t cs__trio_system_live(const cs__engine *e);
void cs__trio_cancel_system(cs__engine *e);

/* trio_shutdown.c: trio.run() after the main task is done */
void cs__trio_main_done(cs__engine *e);
void cs__trio_init_step(cs__engine *e);
void cs__trio_entry_step(cs__engine *e);
void cs__trio_system_task_done(cs__engine *e);
bool cs__trio_run_unfinished(const cs__engine *e);

/* trio_sigint.c (issue 26): Ctrl+C */
cs_exc *cs__trio_sigint(cs__engine *e, cs__task *t);
void cs__trio_ki_attempt(cs__engine *e);
void cs__trio_ki_cb(cs__engine *e);
void cs__trio_ki_at_end(cs__engine *e);

extern const cs__policy cs__policy_trio;

#endif
