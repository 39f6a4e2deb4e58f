/* engine_internal.h - the core's data model, shared by the core and both
 * backends (sim/asyncio, sim/trio), which never see each other's.
 *
 * One core (tasks as explicit frame stacks over the program tree, scopes, task
 * groups, a virtual clock) and one scheduling policy per backend (policy.h).
 * What only one backend needs lives in that backend's own part of each object
 * (libuv's per-platform fields, Redis ae's apidata): a task, scope, group or
 * rare record is allocated with pol->*_ext bytes right after the core struct
 * (CS__EXT), and the run's backend state hangs off e->be.  So a task on asyncio
 * carries nothing of Trio's and the reverse.
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
typedef struct cs__engine cs__engine;
/* What a suspended task waits on, opaque to the core: the asyncio room's
 * future (a Trio task parks on nothing).  The core only holds and hands on
 * such tokens (frames, primitive queues, event waiter lists) and drops them
 * with pol->wait_unref. */
typedef struct cs__wait cs__wait;
typedef struct cs__event cs__event;
typedef struct cs__prim cs__prim;

/* A completion record: how a body, frame or task finished. */
/* RETURN, BREAK and CONTINUE are jumps: frames carry them out as they are
 * (cs__c_is_jump); a loop ends BREAK and CONTINUE, a function RETURN. */
typedef enum { CS__C_NORMAL, CS__C_EXC, CS__C_RETURN, CS__C_BREAK, CS__C_CONTINUE } cs__ctype;
/* 16 bytes (two in every task, one in every frame): an exception only with
 * EXC and a value only with RETURN, so the two share one slot; read each only
 * under its type. */
typedef struct cs__completion {
    cs__ctype type;
    union {
        cs_exc *exc;            /* owned reference when type == EXC */
        const char *value_json; /* RETURN: borrowed from the program */
    };
} cs__completion;

typedef enum cs__frame_kind {
    CS__F_BODY,
    CS__F_TASK,  /* a child task's TaskHandle._run_coro wrapper */
    CS__F_SCOPE, /* cancel_scope / move_on_* / fail_* */
    CS__F_TG,    /* async with create_task_group() */
    CS__F_TRY,
    CS__F_REPEAT,
    CS__F_CALL,
    CS__F_SYNC,       /* async with lock / semaphore / capacity limiter */
    CS__F_AWAIT_TASK, /* await handle */
    CS__F_START,      /* await tg.start(fn) */
    CS__F_TO_THREAD,  /* await to_thread.run_sync(fn) */
    CS__F_FT_TASK,    /* the root of a from_thread body's own task */
    CS__F_FT_HOST,    /* a from_thread body run in the waiting host (Trio's Run.run):
                         the task's waits are the thread's */
    CS__F_STREAM,     /* send / receive / async for / async with a memory object stream end (stream.c) */
    CS__F_CONDITION,  /* await cond.wait() (condition.c) */
    CS__F_GEN,        /* a generator function's body, driven by async_with / aclosing (generator.c) */
    CS__F_YIELD,      /* a `yield`: its consumer's body runs above the generator's frames (generator.c) */
    CS__F_BACKEND,    /* the first of a backend's own kinds (pol->step_frame) */
} cs__frame_kind;

/* except*'s handler results, allocated when a handler first ends in an
 * exception (most frames never need it, so it lives outside the frame). */
typedef struct cs__star_state {
    cs_exc **raised; /* new exceptions raised by handlers (owned refs) */
    uint32_t nraised;
    cs_exc **reraised; /* matched groups re-raised as they are (owned refs) */
    uint32_t nreraised;
} cs__star_state;

/* One named value of a function (dataflow.c): a datum, or the instance (id + 1)
 * of a scope the function entered, as the loader gave each slot; 0 unbound. */
union cs__local {
    const cs_datum *v;
    int64_t scope1;
};

/* 72 bytes: a million tasks hold one to three each, so the fields no frame
 * kind uses together share storage (the kind says which one is live). */
typedef struct cs__frame {
    uint8_t kind;
    uint8_t phase;
    bool owns_locals;  /* `locals` is this frame's (a CALL, or a task's first frame) */
    uint32_t idx;      /* BODY, and TASK, REPEAT, SCOPE and CALL running their body in place: next
                            statement; TRY: handler index */
    const cs_stmt *st; /* the statement this frame runs (NULL for a task's top body) */
    union {
        cs_body body; /* BODY, and TASK, REPEAT, SCOPE and CALL in place: the statements */
        struct {
            cs_exc *handled; /* TRY in a handler: the exception being handled (owned ref) */
            cs_exc *aux;     /* TG: exc_val; TRY*: the rest still unmatched (owned ref) */
        };                   /* TRY and TG only */
    };
    cs__completion saved; /* TRY/TG/SCOPE: the completion being carried */
    int32_t scope;        /* SCOPE/TG/CSC: scope id; TG: group id in `obj` */
    int32_t obj;
    int32_t scope2; /* TG: the wait scope; TRY* in a handler: the handled group's
                            left_function when the handler began (restored after) */
    union {
        double num;              /* TRIO_SLEEP: the delay */
        uint64_t iters;          /* REPEAT: iterations begun */
        cs__wait *wait;          /* SYNC, START: the token it waits on (ref; asyncio only) */
        struct cs__sw *sw;       /* STREAM: its waiting sender/receiver (owned by the run's streams) */
        cs__event *ev;           /* CONDITION: the Event it waits on (owned by the run's conditions) */
        union cs__local *locals; /* owns_locals: the function's named values (dataflow.c; owned) */
        cs__star_state *star;    /* TRY (never owns locals): except*'s handler results (owned) or NULL */
    };
} cs__frame;

/* Whether frame kind k uses the handled/aux arm of the union (else body). */
static inline bool cs__frame_has_exc(uint8_t k)
{
    return k == CS__F_TRY || k == CS__F_TG;
}
/* Whether frame kind k may hold except*'s results in `star`. */
static inline bool cs__frame_has_star(uint8_t k)
{
    return k == CS__F_TRY;
}
/* Whether frame kind k may hold a wait token in `wait` (else num). */
static inline bool cs__frame_has_wait(uint8_t k)
{
    return k == CS__F_SYNC || k == CS__F_START;
}
/* Whether a completion is a jump (return, break, continue) a frame carries out as it is. */
static inline bool cs__c_is_jump(cs__ctype t)
{
    return t >= CS__C_RETURN;
}

/* A backend's own part of a core object: the bytes right after it. */
#define CS__EXT(p) ((void *)((p) + 1))

/* ---- AnyIO objects ---- */

/* Small fields grouped after the pointers (a million handle scopes: padding
 * is memory). */
struct cs__scope {
    int32_t id;
    uint8_t kind; /* cs_scope_kind */
    bool active, cancel_called, cancelled_caught, shield, entered_once;
    uint8_t cause;         /* cs_cancel_cause */
    uint32_t inject_count; /* checkpoints reached inside it, counted only for timeout faults */
    double deadline;       /* seconds, as AnyIO holds it; +-inf */
    const char *name;      /* instance name or NULL */
    cs__task *host;
    cs__scope *parent;
    /* insertion-ordered sets, as the reference order of AnyIO's sets: lists
     * whose head's prev link is their tail (scope_tree.c) */
    cs__task *tasks_head;
    cs__scope *kids_head;
    cs__scope *sib_prev, *sib_next;
    cs_exc *swallowed; /* the cancellation its exit swallowed (owned), for fail_after */
    /* then pol->scope_ext bytes: the backend's part (CS__EXT) */
};

struct cs__tg {
    int32_t id;
    cs__scope *scope;
    uint32_t ntasks; /* TaskGroup._tasks */
    cs_exc **excs;   /* _exceptions (owned refs) */
    uint32_t nexcs, capexcs;
    bool entered;
    int32_t decl; /* declared name index, for `in` references */
    char *label;  /* "task_group NAME": what the host waits on (owned) */
    cs__task *host;
    /* the group its tasks are announced as (Trio start()'s temporary nursery:
     * the group its child is for), or NULL for itself */
    cs__tg *eventual;
    bool portal_stopped; /* issue 26: a BlockingPortal's group after stop(): calls raise (portal.c) */
    /* then pol->tg_ext bytes: the backend's part (CS__EXT) */
};

typedef enum { CS__TS_NEW, CS__TS_RUNNING, CS__TS_DONE } cs__task_run;

/* What few tasks need, kept out of every task (a million tasks: every
 * pointer is 8 MB): read through cs__rare (all NULL when the task has none),
 * written through cs__rare_mut (allocated on first use, freed with the task). */
typedef struct cs__task_rare {
    /* a from_thread body's own task (asyncio, or Trio's system nursery): not a
     * scenario task; its events and draws are the calling task's */
    struct cs__thread *ft_thread;
    cs__task *draw_owner;
    /* issue 26: a portal call's task (its own id, scopes and checkpoints):
     * its log lines and draws are the calling task's, as the reference
     * script's record of the call is the caller's (cs__log_id) */
    cs__task *log_as;
    cs__event *finished;         /* TaskHandle._finished_event (create_task, start; owned) */
    char *start_label;           /* started by `start`: "start NAME", what the caller waits on (owned) */
    const char *start_value;     /* what task_status.started() was given (JSON, borrowed) */
    const cs_datum **spawn_args; /* a spawn's `call` arguments, taken by the spawner (engine arena) */
    const cs_stmt *inject_skip;  /* the statement an injected delay stands before */
    /* the group a `start_soon` without `in` means when no task group frame
     * of the task's own encloses it (the one that lexically enclosed its
     * spawn), when that is not its `tg` (the task's default_other says) */
    cs__tg *default_tg;
    /* then pol->rare_ext bytes (at most CS__RARE_EXT_MAX): the backend's part */
} cs__task_rare;
#define CS__RARE_EXT_MAX 64

/* Small fields first and grouped (a million tasks: padding is memory). */
struct cs__task {
    int32_t id;
    uint8_t run;    /* cs__task_run */
    uint8_t state;  /* cs_task_state */
    bool body_done; /* the body ended (before the handle scope's exit) */
    /* the group a `start_soon` without `in` means outside its own group
     * frames is rare->default_tg, not tg (cs__innermost_tg, cs__task_set_tg) */
    bool default_other;
    uint32_t nframes, capframes;
    uint32_t draws;
    /* fault injection (inject.c): counts as plans number them */
    uint32_t checkpoints;  /* checkpoint statements reached */
    uint32_t thread_calls; /* to_thread statements reached */
    uint32_t inject_next;  /* the plan's faults from here on still apply to it */
    const char *name;      /* in the engine's arena */
    /* capframes > 0: a block of capframes frames from the engine's frame
     * pool (cs__push), back to the pool when the task ends.  capframes == 0
     * (no block yet): the spawning statement, until the first step pushes the
     * task's wrapper frame (CS__F_TASK): a million tasks spawned at once then
     * take their frame blocks one after another as they run, each growing
     * block handed on to the next task instead of left behind by all.  Read
     * task_frame_st through cs__task_frame_st. */
    union {
        cs__frame *frames;
        const cs_stmt *task_frame_st;
    };
    cs__scope *cancel_scope; /* TaskState.cancel_scope */
    cs__task *sprev, *snext; /* membership in member_of's tasks (the head's sprev: the tail) */
    cs__scope *member_of;    /* which scope's task set holds it (NULL none) */
    cs__tg *tg;              /* the group it was spawned into (NULL for main) */
    cs__completion body;     /* how the body ended: what the task's record and await_task see */
    cs__completion result;
    const char *wait_label;
    cs__task_rare *rare; /* fields few tasks use (cs__rare, cs__rare_mut), or NULL */
    /* then pol->task_ext bytes, the backend's part (CS__EXT), then the
     * handle scope's storage (core and backend part; cs__handle_scope):
     * beside the task it guards (one cache miss fewer per step at a million
     * tasks), freed with it (cs__task_alloc) */
};

/* anyio.Event: a flag and its waiters in insertion order, what each backend
 * keeps of them (asyncio: wait tokens, refs; Trio: the parked tasks). */
struct cs__event {
    bool value;
    void **waiters;
    uint32_t n, cap;
    char *label; /* "event NAME" (owned) */
};

/* A Lock, Semaphore or CapacityLimiter, with its FIFO of waiters. */
typedef enum { CS__PRIM_LOCK, CS__PRIM_SEMAPHORE, CS__PRIM_LIMITER } cs__prim_kind;
typedef struct cs__waiter {
    cs__task *task;
    cs__wait *wait;     /* asyncio: what it awaits (ref); Trio: NULL (parked) */
    bool placeholder;   /* Trio to_thread: borrows for a placeholder, not the task */
    const char *behalf; /* acquire_on_behalf_of(NAME): NAME borrows, not the task (program-owned) */
} cs__waiter;
/* Who holds a limiter token: a task, or on_behalf_of's NAME (task NULL). */
typedef struct cs__borrower {
    cs__task *task;
    const char *name;
} cs__borrower;
struct cs__prim {
    cs__prim_kind kind;
    char *label;     /* "lock L", "semaphore S", "limiter L" (owned) */
    cs__task *owner; /* Lock */
    int64_t value;   /* Semaphore: value; Limiter: tokens borrowed */
    int64_t total;   /* Limiter */
    bool infinite;   /* Limiter with "inf" tokens */
    cs__waiter *w;
    uint32_t nw, capw;
    int64_t max_value;       /* Semaphore(max_value=...); -1: None */
    bool fast;               /* Lock / Semaphore (fast_acquire=True) */
    cs_pos held_pos;         /* Lock: the acquire() / acquire_nowait() its owner took it with (issue 18) */
    bool broken;             /* Lock, Trio: its owner ended holding it (trio broke its parking lot) */
    cs__borrower *borrowers; /* Limiter: who holds a token, in order (placeholders are not listed) */
    uint32_t nb, capb;
};

struct cs__policy;
struct cs__thread;

struct cs__engine {
    const cs_program *prog;
    const struct cs__policy *pol;
    void *be; /* the backend's run state (pol->init; asyncio's loop, Trio's runner) */
    cs_run_options opt;
    int64_t now;
    uint64_t seq;      /* worker threads: registration order (thread.c) */
    uint64_t ev_seq;   /* trace sequence */
    uint32_t exc_ids;  /* exception ids given so far (cs__emit numbers them) */
    cs_exc **exc_walk; /* scratch stack for numbering a group's parts */
    size_t exc_walk_cap;
    uint64_t steps;
    const char *const *class_names; /* run_start's: the backend's name for Cancelled (in the arena) */

    /* live timers: asyncio's timer handles, Trio's deadline heap entries
     * (each backend keeps it; --timer-limit reads it) */
    uint32_t live_timers;
    uint32_t handle_off; /* where a task's handle scope starts, from the task (cs__task_alloc) */
    cs__arena arena;     /* tasks, names, scopes, timers, futures, frames (arena.h) */
    /* free lists (cs__pool_take): scopes done with (Trio's sleep scopes),
     * and frame stacks by size class (1, 2, 3, 4, 6, 8, ... frames;
     * interp.c): a task takes the smallest block its stack fits (most need
     * one to three frames) and hands it on when it grows or ends */
    void *free_scopes;
    void *free_frames[64];
    uint64_t nevents; /* engine events: loop callbacks run, Trio task steps,
                                deadline expiries and delivery attempts (bench/README.md) */
    /* what the step now ending waits on (cs__yield_on), NULL for a bare yield
     * or a park: set by a backend, read by it when the step returns */
    cs__wait *yield_on;

    cs__task **tasks;
    uint32_t ntasks, captasks;
    cs__scope **scopes;
    uint32_t nscopes, capscopes;
    cs__tg **tgs;
    uint32_t ntgs, captgs;

    /* latest instance per declared scope name / tg */
    int32_t *scope_latest; /* prog->nscopes: scope instance id or -1 */
    int32_t *tg_latest;    /* prog->nscopes: tg id or -1 */
    int32_t *task_latest;  /* prog->ntasks: task id or -1 */

    /* issue 26: prog->nportals: the portal's task group id or -1; the
     * concurrent futures of start_task_soon, prog->nfutures (portal.c) */
    int32_t *portal_latest;
    struct cs__pfuture *pfutures;
    cs__event *sbp_stop; /* issue 26: a sync_main portal's _stop_event (sync_main.c) */

    cs__event *events; /* prog->nevents */
    cs__prim *prims;   /* locks, then semaphores, then limiters, then the default limiter */
    uint32_t nprims;
    struct cs__streams *streams; /* memory object streams (stream.h) */
    struct cs__conds *conds;     /* anyio.Condition objects (condition.h) */
    struct cs__agens *agens;     /* issue 19: async generator objects driven by anext (agen.c), or NULL */
    cs__task *current;
    /* the statement an event is about (spawn, scope entered, cancel called):
     * set by that statement around the call that emits it, {0,0} otherwise;
     * only the trace's readers use it (explain), the engine never does */
    cs_pos emit_pos;
    /* worker threads (thread.c) */
    struct cs__thread **threads;
    uint32_t nthreads, capthreads;
    struct cs__thread **released; /* threads released during a step: they run after it */
    uint32_t nreleased, capreleased;
    cs__task **ft_tasks; /* from_thread bodies' own tasks (owned) */
    bool *tokens_bound;  /* issue 26: per prog->tokens, a current_token ran (plain_thread.c; arena) */
    uint32_t nft, capft;
    uint64_t rng;    /* the seeded chooser's state */
    size_t nchoices; /* schedule choices made so far */
    /* Trace events and statements that may touch something another task
     * sees (anything but a schedule point): a batch during which this does
     * not move is a mirror batch (cs_choice_log.mirror). */
    uint64_t loud;
    /* instance-name counters: open addressing over compact slots (the key's
     * hash, its offset + 1 in name_pool, 0 = empty; its uses), engine.c */
    struct cs__name_slot {
        uint32_t hash, key, uses;
    } * name_slots;
    char *name_pool;
    size_t name_pool_len, name_pool_cap;
    uint32_t name_cap, name_count;
    /* per `count` base: how often each index's name was used (cs__spawn_name) */
    struct cs__counted_uses {
        uint32_t *uses;
        uint32_t cap;
    } * counted;
    uint32_t ncounted;
    size_t capcounted;
    bool stop;          /* the backend's run is over (main finished, shutdown done) */
    cs_exc *escaped;    /* a KeyboardInterrupt/SystemExit that left a task (owned): what anyio.run() raises */
    bool aborted;       /* a limit or a scenario error stopped the run */
    bool after_run;     /* anyio.run() has returned: only abandoned worker threads go on */
    bool calls_refused; /* the loop takes no more calls from threads (Trio: run_sync_soon
                                raises RunFinishedError); after_run says the same */
    int error;
    cs_run_error *err;
    cs_result_kind limit_kind;
    /* issue 26: Ctrl+C at virtual times ("interrupt_at" and interrupt:@T
     * faults, merged and sorted; interrupt.c): ki_next is the next one due */
    struct cs__ki {
        int64_t at;    /* virtual ns */
        int32_t fault; /* the plan's fault index (interrupt:@T), or -1 (interrupt_at) */
    } * ki;
    uint32_t nki, ki_next;
};

/* Task t's TaskHandle's own scope, made at spawn (own_scope): its storage
 * follows the task and its backend part (cs__task_alloc). */
static inline cs__scope *cs__handle_scope(const cs__engine *e, const cs__task *t)
{
    return (cs__scope *)((char *)t + e->handle_off);
}

/* The statement that spawned t, while its wrapper frame is not pushed yet
 * (it shares its slot with the frame block), else NULL. */
static inline const cs_stmt *cs__task_frame_st(const cs__task *t)
{
    return t->capframes ? NULL : t->task_frame_st;
}

/* A task's rare fields for reading: its own, or one whose fields are all
 * NULL (the backend's part included, up to CS__RARE_EXT_MAX bytes). */
typedef union cs__rare_none {
    cs__task_rare rare;
    char bytes[sizeof(cs__task_rare) + CS__RARE_EXT_MAX];
} cs__rare_none;
extern const cs__rare_none cs__task_rare_none;
static inline const cs__task_rare *cs__rare(const cs__task *t)
{
    return t->rare ? t->rare : &cs__task_rare_none.rare;
}
/* The task id a task's log lines carry (issue 26: a portal call's task logs as its caller). */
static inline int32_t cs__log_id(const cs__task *t)
{
    return t->rare && t->rare->log_as ? t->rare->log_as->id : t->id;
}
/* ... for writing: allocated on first use, with the backend's part (engine.c). */
cs__task_rare *cs__rare_mut(cs__engine *e, cs__task *t);
/* Sets a rare pointer field to NULL without allocating. */
#define CS__RARE_CLEAR(t, field)     \
    do {                             \
        if ((t)->rare)               \
            (t)->rare->field = NULL; \
    } while (0)

/* interrupt.c (issue 26): Ctrl+C.  The times of the run's interrupts; the
 * next one not yet delivered (CS_NS_INF: none); delivering those due by now
 * while the loop waits (each room's idle step calls it when the clock stops
 * at cs__interrupt_next); SIGINT while task t's own code runs (at the
 * statement at pos), which gives the exception to raise there (new
 * reference) or NULL. */
void cs__interrupts_init(cs__engine *e);
int64_t cs__interrupt_next(const cs__engine *e);
void cs__interrupts_due(cs__engine *e);
cs_exc *cs__interrupt_task(cs__engine *e, cs__task *t, cs_pos pos);

/* engine.c */
void cs__emit(cs__engine *e, cs_event *ev);
void cs__ev_init(cs__engine *e, cs_event *ev, cs_event_kind kind);
void cs__emit_cancel(cs__engine *e, const cs__scope *s, cs_cancel_cause cause, const char *reason);
void cs__emit_group_raise(cs__engine *e, const cs__task *t, const cs__scope *s, cs_exc *group);
void cs__task_started(cs__engine *e, cs__task *t);
/* Fills the task's end state and the TASK_END event from a completion. */
void cs__task_state_of(cs__task *t, const cs__completion *c, cs_event *ev);
void cs__fail_scenario(cs__engine *e, cs_pos pos, const char *fmt, ...);
/* A zeroed task with its backend part and its handle scope's storage, in the
 * arena (freed with the run). */
cs__task *cs__task_alloc(cs__engine *e);
/* cs__task_alloc, given the next task id and name and listed in e->tasks
 * (a scenario task, or a plain thread's stand-in). */
cs__task *cs__task_alloc_listed(cs__engine *e, const char *name);
void cs__task_free(cs__engine *e, cs__task *t);
cs_exc *cs__new_exc(cs__engine *e, int32_t cls, const char *msg);
double cs__now_s(const cs__engine *e);
int64_t cs__s_to_ns(double s);
/* run_stats.c: keep this run's counters for cs_run_stats_last() */
void cs__run_stats_record(const cs__engine *e);

/* scope_tree.c: the scope tree both backends keep, and the policy's scope
 * operations as the core calls them */
cs__scope *cs__scope_new(cs__engine *e, const char *name, cs_scope_kind kind, double deadline, bool shield);
/* cs__scope_new in storage the caller provides (and frees after the engine's scopes) */
void cs__scope_init(cs__engine *e, cs__scope *s, const char *name, cs_scope_kind kind, double deadline, bool shield);
void cs__scope_enter(cs__engine *e, cs__scope *s, cs__task *t);
cs__completion cs__scope_exit(cs__engine *e, cs__scope *s, cs__completion c);
void cs__scope_cancel(cs__engine *e, cs__scope *s, const char *reason, cs_cancel_cause cause);
void cs__scope_set_deadline(cs__engine *e, cs__scope *s, double deadline);
void cs__scope_set_shield(cs__engine *e, cs__scope *s, bool shield);
void cs__scope_tasks_add(cs__scope *s, cs__task *t);
void cs__scope_tasks_remove(cs__scope *s, cs__task *t);
void cs__scope_kids_add(cs__scope *p, cs__scope *k);
void cs__scope_kids_remove(cs__scope *p, cs__scope *k);
/* A scope that exited and that nothing points at any more (a Trio sleep's):
 * its id stays unused (e->scopes[id] = NULL) and its memory goes to the next
 * scope. */
void cs__scope_recycle(cs__engine *e, cs__scope *s);
double cs__effective_deadline(const cs__engine *e, const cs__task *t);
/* A group and its scope; `decl` >= 0 makes it the latest instance of that name. */
cs__tg *cs__tg_new(cs__engine *e, const char *name, int32_t decl);

/* interp.c */
/* name: in the engine's arena (cs__spawn_name, cs__instance_name) */
cs__task *cs__task_new(cs__engine *e, const char *name, cs__task *parent, cs__tg *tg);
/* t->tg = g (a started child moving to its nursery, a portal's task joining
 * the portal's group), keeping the group its plain start_soon means. */
void cs__task_set_tg(cs__engine *e, cs__task *t, cs__tg *g);
/* Runs the task's coroutine from its current suspension with `in` (NORMAL or
 * EXC thrown in) until it yields or finishes.  Returns true when it finished
 * (t->result holds the completion); false when it yielded: then e->yield_on
 * is the token it waits on (a reference), or NULL. */
bool cs__interp_resume(cs__engine *e, cs__task *t, cs__completion in);
void cs__completion_clear(cs__completion *c);

/* inject.c */
/* A checkpoint statement is about to run: count it, emit its event and apply
 * the plan's faults.  Returns CS__CONT to run the statement as written, or
 * CS__YIELD / a completion in *c as the statement's own result would be (the
 * caller then returns that instead of running it). */
enum { CS__INJECT_RUN = 2 };
int cs__inject_checkpoint(cs__engine *e, cs__task *t, cs__frame *f, const cs_stmt *st, cs__completion *c);
/* thread-fail: the class the thread being started for `host` must raise, or -1. */
int32_t cs__inject_thread_fault(cs__engine *e, cs__task *host);
void cs__emit_inject(cs__engine *e, cs__task *t, const cs_fault *f, int32_t scope, cs_pos pos);

#endif
