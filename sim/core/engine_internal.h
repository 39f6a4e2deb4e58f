/* engine_internal.h - the engine's private data model, shared by its files.
 *
 * One core (tasks as explicit frame stacks over the program tree, scopes, task
 * groups, a virtual clock) and one scheduling policy per backend.  The asyncio
 * policy mirrors CPython 3.11's event loop and AnyIO 4.14.2's asyncio backend
 * structure for structure (ready queue of callbacks, timer heap, futures with
 * done-callbacks, Task.__step / Task.cancel, CancelScope._deliver_cancellation),
 * because outcomes depend on exactly when each of those runs.
 *
 * Invariants:
 *  - every ordering decision is by (virtual time, sequence number) or by an
 *    insertion-ordered list; never by pointer values;
 *  - a task's frame stack depth is bounded by the program's nesting (plus call
 *    depth, which the loader keeps acyclic), never by the C stack.
 */
#ifndef CS_ENGINE_INTERNAL_H
#define CS_ENGINE_INTERNAL_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "engine.h"
#include "exc.h"
#include "program.h"
#include "trace.h"

#define CS_NS_INF INT64_MAX
#define CS_NS_NEG_INF INT64_MIN

typedef struct cs__task cs__task;
typedef struct cs__scope cs__scope;
typedef struct cs__tg cs__tg;
typedef struct cs__fut cs__fut;
typedef struct cs__timer cs__timer;
typedef struct cs__engine cs__engine;
typedef struct cs__event cs__event;
typedef struct cs__prim cs__prim;

/* A completion record: how a body, frame or task finished. */
typedef enum { CS__C_NORMAL, CS__C_EXC, CS__C_RETURN } cs__ctype;
typedef struct cs__completion {
    cs__ctype type;
    cs_exc *exc;            /* owned reference when type == EXC */
    const char *value_json; /* RETURN: borrowed from the program */
} cs__completion;

typedef enum cs__frame_kind {
    CS__F_BODY,
    CS__F_TASK,       /* a child task's TaskHandle._run_coro wrapper */
    CS__F_SCOPE,      /* cancel_scope / move_on_* / fail_* */
    CS__F_TG,         /* async with create_task_group() */
    CS__F_TRY,
    CS__F_REPEAT,
    CS__F_CALL,
    CS__F_CSC,        /* lowlevel.cancel_shielded_checkpoint() */
    CS__F_CIC,        /* lowlevel.checkpoint_if_cancelled() */
    CS__F_TRIO_CP,    /* trio.lowlevel.checkpoint(): schedule point, then cancel point */
    CS__F_TRIO_SLEEP, /* trio.sleep_until(): move_on_at(deadline) around sleep_forever() */
    CS__F_SYNC,       /* async with lock / semaphore / capacity limiter */
    CS__F_AWAIT_TASK, /* await handle */
    CS__F_START,      /* await tg.start(fn) */
    CS__F_TO_THREAD,  /* await to_thread.run_sync(fn) */
    CS__F_FT_TASK,    /* the root of a from_thread body's own task */
    CS__F_FT_HOST,    /* Trio: a from_thread body run in the waiting host (Run.run) */
} cs__frame_kind;

/* except*'s handler results, allocated when a handler first ends in an
 * exception (most frames never need it, so it lives outside the frame). */
typedef struct cs__star_state {
    cs_exc **raised;     /* new exceptions raised by handlers (owned refs) */
    uint32_t nraised;
    cs_exc **reraised;   /* matched groups re-raised as they are (owned refs) */
    uint32_t nreraised;
} cs__star_state;

/* 88 bytes: a million tasks hold one to three each, so the fields no frame
 * kind uses together share storage (the kind says which one is live). */
typedef struct cs__frame {
    uint8_t kind;
    uint8_t phase;
    uint32_t idx;        /* BODY, and TASK, REPEAT, SCOPE and CALL running their body in place: next
                            statement; TRY: handler index */
    const cs_stmt *st;   /* the statement this frame runs (NULL for a task's top body) */
    union {
        cs_body body;    /* BODY, and TASK, REPEAT, SCOPE and CALL in place: the statements */
        struct {
            cs_exc *handled; /* TRY in a handler: the exception being handled (owned ref) */
            cs_exc *aux;     /* TG: exc_val; TRY*: the rest still unmatched (owned ref) */
        };               /* TRY and TG only */
    };
    cs__completion saved;/* TRY/TG/SCOPE: the completion being carried */
    int32_t scope;       /* SCOPE/TG/CSC: scope id; TG: group id in `obj` */
    int32_t obj;
    int32_t scope2;      /* TG: the wait scope; TRY* in a handler: the handled group's
                            left_function when the handler began (restored after) */
    union {
        double num;      /* TRIO_SLEEP: the delay */
        uint64_t iters;  /* REPEAT: iterations begun */
        cs__fut *fut;    /* SYNC on asyncio, START: the future it waits on (ref) */
    };
    cs__star_state *star;/* TRY*: handler results (owned) or NULL */
} cs__frame;

/* Whether frame kind k uses the handled/aux arm of the union (else body). */
static inline bool cs__frame_has_exc(uint8_t k) { return k == CS__F_TRY || k == CS__F_TG; }
/* Whether frame kind k holds a future reference in `fut` (else num). */
static inline bool cs__frame_has_fut(uint8_t k) { return k == CS__F_SYNC || k == CS__F_START; }

/* ---- asyncio loop objects ---- */

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
} cs__cb_kind;

/* 24 bytes (a million sleeping tasks hold one each). */
struct cs__timer {
    int64_t when;
    uint8_t kind;
    bool cancelled;
    bool in_heap;
    uint32_t refs;       /* heap + owner */
    void *a;
};

typedef struct cs__handle {
    uint8_t kind;
    void *a;
    void *b;
    cs__timer *timer;    /* non-NULL when it came from the timer heap */
} cs__handle;

typedef enum { CS__FUT_PENDING, CS__FUT_RESULT, CS__FUT_EXC, CS__FUT_CANCELLED } cs__fut_state;

/* 24 bytes (a million sleeping tasks hold one each). */
struct cs__fut {
    uint8_t state;
    uint32_t refs;
    cs_exc *exc;          /* EXC: the exception; CANCELLED: the cancellation to raise */
    cs__task *waiter;     /* the task whose __wakeup is the done-callback (or NULL) */
};

/* ---- AnyIO objects ---- */

/* Small fields grouped after the pointers (a million handle scopes: padding
 * is memory). */
struct cs__scope {
    int32_t id;
    uint8_t kind;           /* cs_scope_kind */
    bool active, cancel_called, cancelled_caught, shield, entered_once;
    bool cancel_handle;     /* a delivery retry is queued */
    /* Trio: the scope's CancelStatus and CancelReason */
    bool effectively_cancelled;
    int8_t reason_source;   /* -1 none, else cs__trio_source */
    bool sleep_scope;       /* trio.sleep()'s own move_on_at scope: its expiry is a wake-up */
    bool sleep_done;        /* a sleep scope that exited: reused once no deadline entry names it */
    uint8_t cause;          /* cs_cancel_cause */
    int32_t origin;         /* the scope whose cancellation this status carries (-1 none) */
    uint32_t pending_uncancellations;
    uint32_t dl_refs;       /* entries of the Trio deadline heap that point at it */
    uint32_t inject_count;  /* checkpoints reached inside it, counted only for timeout faults */
    double deadline;        /* seconds, as AnyIO holds it; +-inf */
    double registered_deadline; /* what the deadline heap holds for it (inf: nothing) */
    const char *name;       /* instance name or NULL */
    /* owned; one backend's or the other's (a run has one backend) */
    union {
        char *cancel_message; /* asyncio: normalised message of the cancellation it issues */
        char *reason_text;    /* Trio: the CancelReason's text, or NULL */
    };
    cs__timer *timeout_handle;
    cs__task *host;
    cs__scope *parent;
    /* insertion-ordered sets, as the reference order of AnyIO's sets */
    cs__task *tasks_head, *tasks_tail;
    cs__scope *kids_head, *kids_tail;
    cs__scope *sib_prev, *sib_next;
    cs_exc *swallowed;      /* the cancellation its exit swallowed (owned), for fail_after */
};

struct cs__tg {
    int32_t id;
    cs__scope *scope;
    uint32_t ntasks;        /* TaskGroup._tasks */
    cs_exc **excs;          /* _exceptions (owned refs) */
    uint32_t nexcs, capexcs;
    cs__fut *on_completed;  /* _on_completed_fut (ref) or NULL */
    bool entered;
    int32_t decl;           /* declared name index, for `in` references */
    char *label;            /* "task_group NAME": what the host waits on (owned) */
    cs__task *host;
    /* Trio nursery */
    bool active;            /* AnyIO's TaskGroup._active */
    bool nested_running, parent_waiting, closed;
    uint32_t pending_starts;
    cs__tg *eventual;       /* Trio start()'s temporary nursery: the group its child is for */
};

typedef enum { CS__TS_NEW, CS__TS_RUNNING, CS__TS_DONE } cs__task_run;

/* What few tasks need, kept out of every task (a million tasks: every
 * pointer is 8 MB): read through cs__rare (all NULL when the task has none),
 * written through cs__rare_mut (allocated on first use, freed with the task). */
typedef struct cs__task_rare {
    cs__event *event_wait;  /* asyncio.Event.wait's `finally: waiters.remove(fut)` */
    cs__event *trio_event;  /* the event whose waiter set holds it */
    cs__prim *trio_prim;    /* the lock/semaphore/limiter whose parking lot holds it */
    struct cs__thread *thread; /* Trio: the worker thread it waits for in to_thread */
    /* a from_thread body's own task (asyncio, or Trio's system nursery): not a
     * scenario task; its events and draws are the calling task's */
    struct cs__thread *ft_thread;
    cs__task *draw_owner;
    cs__event *finished;      /* TaskHandle._finished_event (create_task, start; owned) */
    /* started by `start`: its task status */
    cs__fut *start_fut;       /* asyncio: the future start() awaits (ref) */
    cs__tg *start_old;        /* Trio: the temporary nursery it starts in */
    cs__tg *start_new;        /* Trio: the task group it moves to on started() */
    char *start_label;        /* "start NAME": what the caller waits on (owned) */
    const cs_stmt *inject_skip; /* the statement an injected delay stands before */
} cs__task_rare;

/* Small fields first and grouped (a million tasks: padding is memory). */
struct cs__task {
    int32_t id;
    uint8_t run;            /* cs__task_run */
    uint8_t state;          /* cs_task_state */
    /* asyncio.Task */
    bool must_cancel;
    /* Trio */
    uint8_t abort_kind;     /* what aborting its current wait does (CS__ABORT_*), 0 = not parked */
    bool parking;           /* set by an await that parks (wait_task_rescheduled) */
    bool thread_wait;       /* Trio: parked in to_thread's own wait (its abort applies) */
    bool is_system;         /* Trio: the run_sync_soon system task (not a scenario task) */
    bool started;           /* Trio: task_status.started() was called */
    bool body_done;         /* the body ended (before the handle scope's exit) */
    uint32_t nframes, capframes;
    uint32_t draws;
    /* fault injection (inject.c): counts as plans number them */
    uint32_t checkpoints;     /* checkpoint statements reached */
    uint32_t thread_calls;    /* to_thread statements reached */
    uint32_t inject_next;     /* the plan's faults from here on still apply to it */
    const char *name;       /* in the engine's arena */
    cs__frame *frames;      /* a block of capframes frames from the engine's frame
                               pool (cs__push), back to the pool when the task ends */
    cs_exc *cancel_exc;     /* what a pending cancel() will throw (owned ref) */
    cs__fut *fut_waiter;    /* ref */
    cs__timer *sleep_timer; /* asyncio.sleep's call_later handle (ref) */
    cs__fut *fut_waiter_prev; /* the future just woken from, during a step */
    /* AnyIO */
    cs__scope *cancel_scope;  /* TaskState.cancel_scope */
    cs__task *sprev, *snext;  /* membership in cancel_scope->tasks */
    cs__scope *member_of;     /* which scope's task set holds it (NULL none) */
    cs__tg *tg;               /* the group it was spawned into (NULL for main) */
    cs__tg *default_tg;       /* the group a `start_soon` without `in` means when no
                                 task group frame of its own encloses it: the one
                                 that lexically enclosed its spawn */
    cs__scope *handle_scope;  /* its TaskHandle's own scope, made at spawn: own_scope */
    cs__completion body;      /* how the body ended: what the task's record and await_task see */
    cs__completion result;
    /* the spawning statement, until the first step pushes the task's wrapper
     * frame (CS__F_TASK): a million tasks spawned at once then take their
     * frame blocks one after another as they run, each growing block handed
     * on to the next task instead of left behind by all */
    const cs_stmt *task_frame_st;
    const char *wait_label;
    cs__task_rare *rare;      /* fields few tasks use (cs__rare, cs__rare_mut), or NULL */
    /* the handle scope's storage: beside the task it guards (one cache miss
     * fewer per step at a million tasks), freed with it */
    cs__scope own_scope;
};

/* asyncio.Event behind anyio.Event: a flag and its waiter futures (FIFO). */
struct cs__event {
    bool value;
    cs__task **tasks;    /* Trio: parked waiters, in insertion order */
    uint32_t ntasks, captasks;
    cs__fut **waiters;   /* refs */
    uint32_t n, cap;
    char *label;         /* "event NAME" (owned) */
};

/* A Lock, Semaphore or CapacityLimiter, with its FIFO of waiters. */
typedef enum { CS__PRIM_LOCK, CS__PRIM_SEMAPHORE, CS__PRIM_LIMITER } cs__prim_kind;
typedef struct cs__waiter {
    cs__task *task;
    cs__fut *fut;        /* asyncio: what it awaits (ref); Trio: NULL (parked) */
    bool placeholder;    /* Trio to_thread: borrows for a placeholder, not the task */
} cs__waiter;
struct cs__prim {
    cs__prim_kind kind;
    char *label;         /* "lock L", "semaphore S", "limiter L" (owned) */
    cs__task *owner;     /* Lock */
    int64_t value;       /* Semaphore: value; Limiter: tokens borrowed */
    int64_t total;       /* Limiter */
    bool infinite;       /* Limiter with "inf" tokens */
    cs__waiter *w;
    uint32_t nw, capw;
    cs__task **borrowers; /* Limiter: tasks holding a token (placeholders are not listed) */
    uint32_t nb, capb;
};

typedef struct cs__name_counter {
    const char *name;
    uint32_t uses;
} cs__name_counter;

struct cs__policy;

struct cs__engine {
    const cs_program *prog;
    const struct cs__policy *pol;
    cs_run_options opt;
    cs_backend backend;
    int64_t now;
    uint64_t seq;            /* worker threads: registration order (thread.c) */
    uint64_t ev_seq;         /* trace sequence */
    uint32_t exc_ids;        /* exception ids given so far (cs__emit numbers them) */
    cs_exc **exc_walk;       /* scratch stack for numbering a group's parts */
    size_t exc_walk_cap;
    uint64_t steps;

    /* ready queue (ring) */
    cs__handle *ready;
    uint32_t rhead, rcount, rcap;
    /* timer heap: each entry carries its timer's `when`, so sifting reads
     * only the heap array (the order is still by `when` alone, loop.c) */
    struct cs__heap_ent { int64_t when; cs__timer *t; } *heap;
    uint32_t nheap, capheap;
    uint32_t live_timers;
    cs__arena arena;         /* tasks, names, scopes, timers, futures, frames (arena.h) */
    /* free lists (cs__pool_take): timers, futures, Trio sleep scopes done
     * with, and frame stacks by size class (1, 2, 3, 4, 6, 8, ... frames;
     * interp.c): a task takes the smallest block its stack fits (most need
     * one to three frames) and hands it on when it grows or ends */
    void *free_timers, *free_futs, *free_scopes;
    void *free_frames[64];
    uint64_t nevents;        /* engine events: loop callbacks run, Trio task steps,
                                deadline expiries and delivery attempts (bench/README.md) */

    cs__task **tasks;
    uint32_t ntasks, captasks;
    cs__scope **scopes;
    uint32_t nscopes, capscopes;
    cs__tg **tgs;
    uint32_t ntgs, captgs;

    /* latest instance per declared scope name / tg */
    int32_t *scope_latest;   /* prog->nscopes: scope instance id or -1 */
    int32_t *tg_latest;      /* prog->nscopes: tg id or -1 */
    int32_t *task_latest;    /* prog->ntasks: task id or -1 */
    uint32_t *scope_uses;    /* prog->nscopes */
    uint32_t *task_uses;     /* prog->ntasks */

    cs__event *events;       /* prog->nevents */
    cs__prim *prims;         /* locks, then semaphores, then limiters, then the default limiter */
    uint32_t nprims;
    cs__task *current;
    /* the statement an event is about (spawn, scope entered, cancel called):
     * set by that statement around the call that emits it, {0,0} otherwise;
     * only the trace's readers use it (explain), the engine never does */
    cs_pos emit_pos;
    /* worker threads (thread.c) */
    struct cs__thread **threads;
    uint32_t nthreads, capthreads;
    struct cs__thread *reports;  /* Trio: finished threads awaiting run_sync_soon */
    struct cs__thread **released;/* threads released during a step: they run after it */
    uint32_t nreleased, capreleased;
    cs__task *sys_task;          /* Trio: the run_sync_soon task (owned) */
    cs__task *init_task;         /* Trio: the init task, once main is done (trio_shutdown.c) */
    uint8_t trio_shutdown;       /* Trio: how far run() has shut down (CS__SD_*) */
    bool sysn_closed;            /* Trio: the system nursery is closed: no from_thread body can start */
    bool entry_cancel, entry_final; /* Trio: the run_sync_soon task is cancelled / runs its last pass next */
    bool entry_done;             /* Trio: run_sync_soon refuses work (RunFinishedError) */
    cs__task **ft_tasks;         /* from_thread bodies' own tasks (owned) */
    uint32_t nft, capft;
    bool sys_queued;
    /* Trio runner */
    cs__task **runq;
    uint32_t nrunq, caprunq;
    struct cs__dl { double deadline; uint64_t counter; cs__scope *scope; } *dls;
    uint32_t ndls, capdls;
    uint64_t dl_counter;
    uint64_t rng;            /* the seeded chooser's state */
    size_t nchoices;         /* schedule choices made so far */
    /* Trace events and statements that may touch something another task
     * sees (anything but a schedule point): a batch during which this does
     * not move is a mirror batch (cs_choice_log.mirror). */
    uint64_t loud;
    /* The last event.set() that woke two or more waiters in a shuffled order:
     * where in the run queue they went and how many choices had been made
     * (trio_policy.c); a batch made of exactly them needs no reversal. */
    struct cs__wake_mark { uint32_t first, n; size_t nchoices; } wake;
    cs_exc **runq_exc;       /* parallel to runq: what to throw in (owned) */
    /* instance-name counters: open addressing over compact slots (the key's
     * hash, its offset + 1 in name_pool, 0 = empty; its uses), engine.c */
    struct cs__name_slot { uint32_t hash, key, uses; } *name_slots;
    char *name_pool;
    size_t name_pool_len, name_pool_cap;
    uint32_t name_cap, name_count;
    /* per `count` base: how often each index's name was used (cs__spawn_name) */
    struct cs__counted_uses { uint32_t *uses; uint32_t cap; } *counted;
    uint32_t ncounted;
    size_t capcounted;
    bool stop;               /* main finished: run_until_complete stops */
    bool escape;             /* a KeyboardInterrupt/SystemExit left a task step (asyncio) */
    cs_exc *escaped;         /* that exception (owned): what anyio.run() raises */
    bool aborted;            /* a limit or a scenario error stopped the run */
    bool after_run;          /* anyio.run() has returned: only abandoned worker threads go on */
    int error;
    cs_run_error *err;
    cs_result_kind limit_kind;
};

/* A task's rare fields for reading: its own, or one whose fields are all NULL. */
extern const cs__task_rare cs__task_rare_none;
static inline const cs__task_rare *cs__rare(const cs__task *t)
{
    return t->rare ? t->rare : &cs__task_rare_none;
}
/* ... for writing: allocated on first use (engine.c). */
cs__task_rare *cs__rare_mut(cs__task *t);
/* Sets a rare pointer field to NULL without allocating. */
#define CS__RARE_CLEAR(t, field) \
    do { \
        if ((t)->rare) \
            (t)->rare->field = NULL; \
    } while (0)

/* engine.c */
void cs__emit(cs__engine *e, cs_event *ev);
void cs__ev_init(cs__engine *e, cs_event *ev, cs_event_kind kind);
void cs__emit_cancel(cs__engine *e, const cs__scope *s, cs_cancel_cause cause, const char *reason);
void cs__emit_group_raise(cs__engine *e, const cs__task *t, const cs__scope *s, cs_exc *group);
void cs__task_started(cs__engine *e, cs__task *t);
void cs__fail_scenario(cs__engine *e, cs_pos pos, const char *fmt, ...);
void cs__task_free(cs__engine *e, cs__task *t);
cs_exc *cs__new_exc(cs__engine *e, int32_t cls, const char *msg);
double cs__now_s(const cs__engine *e);
int64_t cs__s_to_ns(double s);
/* run_stats.c: keep this run's counters for cs_run_stats_last() */
void cs__run_stats_record(const cs__engine *e);

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
void cs__loop_free(cs__engine *e);
/* Runs the loop until main is done (or a limit/deadlock). */
void cs__loop_run(cs__engine *e);
bool cs__loop_run_once(cs__engine *e);
void cs__loop_spin(cs__engine *e, uint32_t n);

/* task.c (asyncio.Task) */
void cs__task_step(cs__engine *e, cs__task *t, cs_exc *exc);
void cs__task_wakeup(cs__engine *e, cs__task *t, cs__fut *f);
bool cs__task_cancel(cs__engine *e, cs__task *t, cs_exc *exc);
void cs__task_state_of(cs__task *t, const cs__completion *c, cs_event *ev);

/* scope.c (AnyIO asyncio CancelScope) */
cs__scope *cs__scope_new(cs__engine *e, const char *name, cs_scope_kind kind, double deadline, bool shield);
/* cs__scope_new in storage the caller provides (and frees after the engine's scopes) */
void cs__scope_init(cs__engine *e, cs__scope *s, const char *name, cs_scope_kind kind, double deadline, bool shield);
void cs__scope_enter(cs__engine *e, cs__scope *s, cs__task *t);
cs__completion cs__scope_exit(cs__engine *e, cs__scope *s, cs__completion c);
void cs__scope_cancel(cs__engine *e, cs__scope *s, const char *reason, cs_cancel_cause cause);
void cs__scope_deliver(cs__engine *e, cs__scope *s, cs__scope *origin);
void cs__scope_timeout(cs__engine *e, cs__scope *s);
void cs__scope_set_deadline(cs__engine *e, cs__scope *s, double deadline);
void cs__scope_set_shield(cs__engine *e, cs__scope *s, bool shield);
bool cs__scope_effectively_cancelled(const cs__scope *s);
bool cs__scope_parent_cancel_visible(const cs__scope *s);
void cs__scope_tasks_add(cs__scope *s, cs__task *t);
void cs__scope_tasks_remove(cs__scope *s, cs__task *t);
void cs__scope_kids_add(cs__scope *p, cs__scope *k);
void cs__scope_kids_remove(cs__scope *p, cs__scope *k);
/* A Trio sleep scope that exited and that nothing points at any more: its id
 * stays unused (e->scopes[id] = NULL) and its memory goes to the next scope. */
void cs__scope_recycle(cs__engine *e, cs__scope *s);
double cs__effective_deadline(const cs__engine *e, const cs__task *t);
bool cs__is_anyio_cancel(const cs_exc *x);

/* interp.c */
/* name: in the engine's arena (cs__spawn_name, cs__instance_name) */
cs__task *cs__task_new(cs__engine *e, const char *name, cs__task *parent, cs__tg *tg);
/* Runs the task's coroutine from its current suspension with `in` (NORMAL or
 * EXC thrown in) until it yields or finishes.  Returns true when it finished
 * (t->result holds the completion); false when it yielded: then
 * *yield_fut is the future awaited (ref), or NULL for a bare yield. */
bool cs__interp_resume(cs__engine *e, cs__task *t, cs__completion in, cs__fut **yield_fut);
void cs__completion_clear(cs__completion *c);

/* inject.c */
/* A checkpoint statement is about to run: count it, emit its event and apply
 * the plan's faults.  Returns CS__CONT to run the statement as written, or
 * CS__YIELD / a completion in *c as the statement's own result would be (the
 * caller then returns that instead of running it). */
enum { CS__INJECT_RUN = 2 };
int cs__inject_checkpoint(cs__engine *e, cs__task *t, cs__frame *f, const cs_stmt *st, cs__completion *c,
                          cs__fut **yf);
/* thread-fail: the class the thread being started for `host` must raise, or -1. */
int32_t cs__inject_thread_fault(cs__engine *e, cs__task *host);
void cs__emit_inject(cs__engine *e, cs__task *t, const cs_fault *f, int32_t scope, cs_pos pos);

/* event.c */
void cs__event_forget(cs__engine *e, cs__event *ev, cs__fut *f);

enum { CS__ABORT_NONE = 0, CS__ABORT_SUCCEEDED = 1, CS__ABORT_FAILED = 2 };
typedef enum { CS__SRC_EXPLICIT, CS__SRC_DEADLINE, CS__SRC_NURSERY, CS__SRC_UNKNOWN, CS__SRC_SHUTDOWN } cs__trio_source;

/* trio_*.c */
typedef struct cs__trio_runq cs__trio_runq;
void cs__trio_reschedule(cs__engine *e, cs__task *t, cs_exc *exc); /* steals exc */
void cs__trio_attempt_delivery(cs__engine *e, cs__task *t);
cs_exc *cs__trio_cancelled_exc(cs__engine *e, const cs__scope *s);
void cs__trio_cancel(cs__engine *e, cs__scope *s, cs__trio_source src, const char *reason, cs_cancel_cause cause);

/* taskgroup.c */
cs__tg *cs__tg_new(cs__engine *e, const char *name, int32_t decl);
void cs__tg_task_done(cs__engine *e, cs__task *t);
cs_exc *cs__make_group(cs__engine *e, const char *msg, cs_exc **v, uint32_t n);

#endif
