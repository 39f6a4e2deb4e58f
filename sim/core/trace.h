/* trace.h - the events a run emits (scenario-format.md section 5).
 *
 * The trace is the only thing that flows out of the engine: the outcome, the
 * findings checker, the DOT graph, the timeline and the JSONL writer are all
 * sinks that read these events and never the engine's internal state.
 *
 * An event is valid only during the sink call; strings and exceptions in it are
 * borrowed (names live as long as the run; take cs_exc_ref to keep an
 * exception).  Times are virtual nanoseconds since the start of the run.
 *
 * The event says everything its consumers need, in values a trace file can
 * carry (verify/trace_read.c rebuilds events from one): names, never a
 * pointer into the program; an exception's identity is its `id` (exc.h),
 * numbered per run in the order exceptions first appear in events.  The
 * names of the enums below, as the trace and the outcome spell them, live in
 * one place, trace_names.c.
 */
#ifndef CS_TRACE_H
#define CS_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "exc.h"
#include "program.h"

typedef enum cs_backend { CS_BACKEND_ASYNCIO = 0, CS_BACKEND_TRIO = 1 } cs_backend;

typedef enum cs_event_kind {
    CS_EV_RUN_START,        /* backend, seed, scenario, class_names/nclasses */
    CS_EV_TASK_SPAWN,       /* task, name, parent (-1 for main), group (-1 for main), pos (the start_soon) */
    CS_EV_TASK_START,       /* task: its first step runs */
    CS_EV_TASK_END,         /* task, state, exc (failed/cancelled), value_json (returned) */
    CS_EV_SCOPE_ENTER,      /* scope, name (NULL when anonymous), scope_kind, task, parent_scope, deadline, shield,
                               pos (the statement; {0,0} for internal scopes) */
    CS_EV_SCOPE_EXIT,       /* scope, cancel_called, cancelled_caught, deadline, shield, exc (leaving it, or NULL) */
    CS_EV_SCOPE_STATE,      /* scope: state of a scope still open when the run stopped (limit/deadlock) */
    CS_EV_SCOPE_UPDATE,     /* scope, deadline, shield: set_deadline / set_shield (or a timeout fault)
                               changed them; emitted before the backend acts on the change */
    CS_EV_CANCEL,           /* scope, cause, task (who called cancel(); -1 for a timer), msg (the reason given,
                               or NULL), pos (the cancel / cancel_task statement, else {0,0}) */
    CS_EV_CANCEL_DELIVERED, /* task, scope (the origin scope), pos (statement) */
    CS_EV_RAISE,            /* task, exc, pos */
    CS_EV_CATCH,            /* task, exc, pos (the handler or scope that caught it), scope (-1 for a handler),
                               label ("except*" when an except* clause took exc, a part of the group;
                               "aclose" when aclose() took the GeneratorExit a generator let through; else NULL) */
    CS_EV_GROUP_RAISE,      /* task, scope (the task group's scope), exc (the group) */
    CS_EV_THREAD_START,     /* task, pos (the to_thread), count (the thread's number, from 1) */
    CS_EV_THREAD_END,       /* task, exc (thread raised), count (the thread's number) */
    CS_EV_THREAD_ABANDONED, /* task, pos (the to_thread), count (the thread's number) */
    CS_EV_SLEEP,            /* task, wake_at (INT64_MAX = forever), label */
    CS_EV_WAKE,             /* task */
    CS_EV_LOG,              /* task, msg, value_kind/value */
    CS_EV_TASK_WAITING,     /* task, label: what an unfinished task waits on at a deadlock */
    CS_EV_CHECKPOINT,       /* task, count (its k-th checkpoint), label (the statement: "sleep", ...),
                               scope (the task's innermost scope, -1 none), pos */
    CS_EV_INJECT,           /* task, label (the fault as a plan writes it), scope (timeout), pos */
    /* primitives: nowait acquires, explicit acquire/release, limiter tokens, exception groups */
    CS_EV_ITEMS_LEFT, /* label (a stream's declared send end), count (items still in its buffer, >= 1): just
                       * before run_end when anyio.run() returned or raised: sent, never received */
    /* async generators and @asynccontextmanager */
    CS_EV_GEN_ENTER,       /* task (the task driving it), name (the generator function), label ("async_with" or
                        "aclosing"), scope (the task's innermost scope, -1 none), pos (the statement) */
    CS_EV_YIELD,           /* task, name, label, scope (the task's innermost scope at the yield), parent (that
                        scope when the generator began: another one means a scope of the generator's own
                        is open across the yield), pos (the yield) */
    CS_EV_GEN_EXIT,        /* task, name, label, exc (what the generator gives its consumer, or NULL), pos */
    CS_EV_SCOPE_EXIT_CALL, /* task (the one calling s.__exit__() by hand: scope_exit), scope, pos; before
                              AnyIO's checks, so a refused exit is seen too */
    /* native asyncio (asyncio backend only) */
    CS_EV_NATIVE_CANCEL, /* task, exc, count (its cancelling() then): the CancelledError a native Task.cancel() of that task (asyncio.create_task's
                            cancel(), asyncio.timeout, wait_for, asyncio.TaskGroup, the runner; not an AnyIO
                            scope's delivery) sent is thrown into its coroutine (asyncio only) */
    CS_EV_UNCANCEL,      /* task (the task uncancelled), count (its cancelling() after), label (NULL: the
                            scenario's `uncancel` statement; else "asyncio.timeout", "asyncio.TaskGroup" or
                            "cancel scope", whose uncancel()s are written only for a task that had a
                            native_cancel): Task.uncancel() (asyncio only) */
    /* portals, foreign threads and Ctrl+C */
    CS_EV_INTERRUPT, /* task (whose own code SIGINT arrived in; -1: the loop was waiting): Ctrl+C */
    /* blocking portals */
    CS_EV_PORTAL_TASK, /* task (its own id, never a scenario task), name (as AnyIO names it, made unique),
                          parent (the thread's host), group (the portal's), count (the thread's number),
                          pos (the thread step): a portal spawned a task for a thread's call */
    /* threads AnyIO did not start */
    CS_EV_FOREIGN_THREAD, /* task (the id its events carry, never spawned), name (the thread's), count (its
                             thread number), pos (its "threads" entry): a thread AnyIO did not start exists */
    CS_EV_RUN_END         /* result, exc / value_json / limit, t = end time */
} cs_event_kind;

typedef enum cs_task_state { CS_TASK_COMPLETED, CS_TASK_FAILED, CS_TASK_CANCELLED, CS_TASK_UNFINISHED } cs_task_state;

typedef enum cs_scope_kind {
    CS_KIND_CANCEL_SCOPE,
    CS_KIND_MOVE_ON,
    CS_KIND_FAIL_AFTER,
    CS_KIND_TASK_GROUP,
    CS_KIND_INTERNAL /* a scope AnyIO makes itself (handle scope, sleep scope); never named */
} cs_scope_kind;

typedef enum cs_cancel_cause {
    CS_CAUSE_EXPLICIT,
    CS_CAUSE_DEADLINE,
    CS_CAUSE_TASK_FAILED,
    CS_CAUSE_TASK_HANDLE
} cs_cancel_cause;

/* A log line's value: none, a probe's bool or number, or any JSON value (an
 * item received from a memory object stream, a stream's statistics) carried
 * as compact JSON text in value_json. */
typedef enum cs_value_kind { CS_VAL_NONE, CS_VAL_BOOL, CS_VAL_NUMBER, CS_VAL_JSON } cs_value_kind;

typedef enum cs_result_kind {
    CS_RESULT_RETURNED,
    CS_RESULT_RAISED,
    CS_RESULT_DEADLOCK,
    CS_RESULT_LIMIT_TIME,
    CS_RESULT_LIMIT_STEPS,
    CS_RESULT_LIMIT_TASKS,
    CS_RESULT_LIMIT_TIMERS, /* live timers (engine.h timer_limit) */
    CS_RESULT_LIMIT_TRACE,  /* trace events emitted (trace_limit) */
    CS_RESULT_LIMIT_MEMORY  /* memory in use (memory_limit_mib) */
} cs_result_kind;

/* Every CS_RESULT_LIMIT_* (a run stopped by a limit). */
static inline bool cs_result_is_limit(cs_result_kind r)
{
    return r >= CS_RESULT_LIMIT_TIME && r <= CS_RESULT_LIMIT_MEMORY;
}

typedef struct cs_event {
    cs_event_kind kind;
    uint64_t seq; /* 0, 1, 2, ... in emission order */
    int64_t t;    /* virtual ns */

    int32_t task;     /* task id (index in spawn order; main is 0) or -1 */
    const char *name; /* task or scope instance name (spawn, scope_enter); NULL if anonymous */
    int32_t parent;   /* spawn: parent task; scope_enter: parent scope id (-1 none) */
    int32_t group;    /* spawn: scope id of the task group spawned into (-1 for main) */

    int32_t scope; /* scope instance id (in entry order) or -1 */
    cs_scope_kind scope_kind;
    double deadline; /* seconds since start; +-INFINITY allowed */
    bool shield;
    bool cancel_called;
    bool cancelled_caught;
    cs_cancel_cause cause;

    cs_task_state state; /* task_end */
    cs_exc *exc;         /* borrowed; may be NULL */
    const char
        *value_json; /* task_end / run_end returned value, log value of kind CS_VAL_JSON (compact JSON), or NULL */

    int64_t wake_at;   /* sleep: ns, INT64_MAX = never */
    const char *label; /* sleep / task_waiting: what the task waits on */
    const char *msg;   /* log */
    cs_value_kind value_kind;
    double number; /* log value (seconds; +-INFINITY) */
    bool boolean;

    cs_result_kind result;          /* run_end */
    cs_backend backend;             /* run_start */
    uint64_t seed;                  /* run_start */
    const char *scenario;           /* run_start: the scenario's name, or NULL */
    const char *const *class_names; /* run_start: exception class names by class index
                                       (exc.h's cls; CS_EXC_CANCELLED's is the backend's) */
    uint32_t nclasses;              /* run_start */
    cs_pos pos;                     /* statement position where meaningful; {0,0} otherwise */
    uint32_t count;                 /* checkpoint: the task's checkpoint number, from 1; thread events: the thread's */
} cs_event;

/* ---- names (trace_names.c) -------------------------------------------------
 * How the trace, the outcome and the reports spell each enum.  Each name
 * function gives "?" for a value out of range; each parse function returns
 * false (and leaves *out alone) for a name that is not one of them. */

/* "run_start", "task_spawn", ... as the trace's "ev" field. */
const char *cs_event_kind_name(cs_event_kind kind);
bool cs_event_kind_parse(const char *name, cs_event_kind *out);
/* "completed", "failed", "cancelled", "unfinished". */
const char *cs_task_state_name(cs_task_state state);
bool cs_task_state_parse(const char *name, cs_task_state *out);
/* "cancel_scope", "move_on", "fail_after", "task_group", "internal". */
const char *cs_scope_kind_name(cs_scope_kind kind);
bool cs_scope_kind_parse(const char *name, cs_scope_kind *out);
/* "explicit", "deadline", "task_failed", "task_handle". */
const char *cs_cancel_cause_name(cs_cancel_cause cause);
bool cs_cancel_cause_parse(const char *name, cs_cancel_cause *out);
/* "asyncio", "trio". */
const char *cs_backend_name(cs_backend backend);
bool cs_backend_parse(const char *name, cs_backend *out);
/* "returned", "raised", "deadlock", and "limit" for every CS_RESULT_LIMIT_*:
 * the trace's run_end "result". */
const char *cs_result_name(cs_result_kind result);
/* "time", "steps", "tasks", "timers", "trace", "memory": the name a limit
 * result prints as ({"limit": NAME}); "steps" for a result that is no limit. */
const char *cs_limit_name(cs_result_kind result);
/* The limit result named `name` ("time" -> CS_RESULT_LIMIT_TIME). */
bool cs_limit_parse(const char *name, cs_result_kind *out);
/* How the backend names its cancellation exception: "CancelledError" on
 * asyncio, "Cancelled" on Trio (the class name of CS_EXC_CANCELLED). */
const char *cs_cancelled_class_name(cs_backend backend);

typedef void (*cs_sink_fn)(void *ctx, const cs_event *ev);

typedef struct cs_sink {
    cs_sink_fn fn;
    void *ctx;
} cs_sink;

#endif
