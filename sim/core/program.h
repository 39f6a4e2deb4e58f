/* program.h - the validated, immutable scenario program the engine runs.
 *
 * The loader (sim/load.c) builds a cs_program from a scenario file; the engine
 * (sim/engine*.c) only reads it.  Nothing here depends on Jansson: JSON values
 * that the engine merely carries (return values, `started` values) are kept as
 * compact JSON text.  Every statement keeps its file position so that errors
 * found only at run time can still point at the file.
 *
 * Ownership: a cs_program owns everything reachable from it (one arena); free it
 * with cs_program_free().  All pointers inside are borrowed from the program.
 */
#ifndef CS_PROGRAM_H
#define CS_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow.h"

/* Built-in exception classes, in this order, are classes 0..CS_EXC_BUILTIN_COUNT-1
 * of every program; user classes follow.  CS_EXC_CANCELLED is the backend's
 * cancellation class (asyncio.CancelledError / trio.Cancelled): it can be
 * matched ("Cancelled") but never raised by a scenario. */
typedef enum cs_exc_class_id {
    CS_EXC_BASE_EXCEPTION = 0,
    CS_EXC_EXCEPTION,
    CS_EXC_ARITHMETIC_ERROR,
    CS_EXC_ZERO_DIVISION_ERROR,
    CS_EXC_LOOKUP_ERROR,
    CS_EXC_KEY_ERROR,
    CS_EXC_INDEX_ERROR,
    CS_EXC_VALUE_ERROR,
    CS_EXC_TYPE_ERROR,
    CS_EXC_RUNTIME_ERROR,
    CS_EXC_NOT_IMPLEMENTED_ERROR,
    CS_EXC_OS_ERROR,
    CS_EXC_CONNECTION_ERROR,
    CS_EXC_TIMEOUT_ERROR,
    CS_EXC_KEYBOARD_INTERRUPT,
    CS_EXC_SYSTEM_EXIT,
    CS_EXC_GENERATOR_EXIT,
    CS_EXC_BASE_EXCEPTION_GROUP,
    CS_EXC_EXCEPTION_GROUP,
    CS_EXC_TASK_FAILED,
    CS_EXC_TASK_CANCELLED,
    CS_EXC_WOULD_BLOCK,
    CS_EXC_BROKEN_RESOURCE_ERROR,
    CS_EXC_CLOSED_RESOURCE_ERROR,
    CS_EXC_END_OF_STREAM,
    CS_EXC_RUN_FINISHED_ERROR, /* anyio.RunFinishedError: a from_thread call after the loop is gone */
    CS_EXC_FUTURE_CANCELLED,   /* concurrent.futures.CancelledError: a portal call whose task was cancelled */
    CS_EXC_CANCELLED,
    CS_EXC_BUILTIN_COUNT
} cs_exc_class_id;

typedef struct cs_exc_class {
    const char *name;
    int32_t base; /* class index of the base; -1 for BaseException */
} cs_exc_class;

/* Statement kinds (scenario-format.md section 2). */
typedef enum cs_op {
    CS_OP_SLEEP,
    CS_OP_SLEEP_UNTIL,
    CS_OP_SLEEP_FOREVER,
    CS_OP_CHECKPOINT,
    CS_OP_CHECKPOINT_IF_CANCELLED,
    CS_OP_CANCEL_SHIELDED_CHECKPOINT,
    CS_OP_BUSY,
    CS_OP_RAISE,
    CS_OP_RERAISE,
    CS_OP_RETURN,
    CS_OP_LOG,
    CS_OP_PROBE,
    CS_OP_TASK_GROUP,
    CS_OP_START_SOON,
    CS_OP_START,
    CS_OP_STARTED,
    CS_OP_CREATE_TASK,
    CS_OP_AWAIT_TASK,
    CS_OP_CANCEL_TASK,
    CS_OP_CANCEL_SCOPE,
    CS_OP_MOVE_ON_AFTER,
    CS_OP_FAIL_AFTER,
    CS_OP_MOVE_ON_AT, /* accepted as the reference oracle does: CancelScope(deadline=t) */
    CS_OP_FAIL_AT,    /* fail_after(None) with the absolute deadline set on entry */
    CS_OP_CANCEL,
    CS_OP_SET_SHIELD,
    CS_OP_SET_DEADLINE,
    CS_OP_TRY,
    CS_OP_TO_THREAD,
    CS_OP_WAIT,
    CS_OP_SET,
    CS_OP_WITH_LOCK,
    CS_OP_WITH_SEMAPHORE,
    CS_OP_WITH_LIMITER,
    CS_OP_CALL,
    CS_OP_REPEAT,
    /* memory object streams (anyio/streams/memory.py): `ref` names an end */
    CS_OP_SEND,           /* await tx.send(item) */
    CS_OP_SEND_NOWAIT,    /* tx.send_nowait(item) */
    CS_OP_RECEIVE,        /* await rx.receive() */
    CS_OP_RECEIVE_NOWAIT, /* rx.receive_nowait() */
    CS_OP_ASYNC_FOR,      /* async for item in rx: body */
    CS_OP_CLOSE,          /* end.close() */
    CS_OP_ACLOSE,         /* await end.aclose() */
    CS_OP_CLONE,          /* NAME = end.clone(): `decl` is the new end */
    CS_OP_WITH_STREAM,    /* async with end: body */
    CS_OP_STATISTICS,     /* end.statistics(), logged */
    /* anyio.Condition: `ref` is its conditions[] index */
    CS_OP_WITH_CONDITION, /* async with cond: body */
    CS_OP_CONDITION_WAIT, /* await cond.wait() */
    CS_OP_NOTIFY,         /* cond.notify(count) */
    CS_OP_NOTIFY_ALL,     /* cond.notify_all() */
    /* data flow (flow.h, sim/dataflow.c) */
    CS_OP_IF,   /* {"if": COND, "then": [...], "else": [...]} */
    CS_OP_LOOP, /* while True: */
    CS_OP_BREAK,
    CS_OP_CONTINUE,
    CS_OP_LET,          /* NAME = value */
    CS_OP_PRINT,        /* print(a, b, ...) */
    CS_OP_RETURN_VALUE, /* return NAME */
    /* primitives: nowait acquires, explicit acquire/release, limiter tokens, exception groups */
    /* explicit Lock / Semaphore / CapacityLimiter calls: `ref` indexes the
     * primitives as sync.c lays them out (locks, semaphores, limiters, then
     * the default thread limiter); `text` is on_behalf_of's borrower or NULL */
    CS_OP_ACQUIRE,              /* await x.acquire() / await lim.acquire_on_behalf_of(b) */
    CS_OP_ACQUIRE_NOWAIT,       /* x.acquire_nowait() / lim.acquire_on_behalf_of_nowait(b) */
    CS_OP_RELEASE,              /* x.release() / lim.release_on_behalf_of(b) */
    CS_OP_SET_TOTAL_TOKENS,     /* lim.total_tokens = num (+inf allowed) */
    CS_OP_SYNC_STATISTICS,      /* x.statistics() (a `statistics` naming a lock, semaphore or limiter), logged */
    CS_OP_CONDITION_STATISTICS, /* cond.statistics() (a `statistics` naming a condition): `ref` is conditions[] */
    /* an `acquire` / `acquire_nowait` / `release` naming a condition (`ref` is conditions[]): its lock, and
     * acquiring makes the task the condition's owner (Condition._owner_task) */
    CS_OP_CONDITION_ACQUIRE,        /* await cond.acquire() */
    CS_OP_CONDITION_ACQUIRE_NOWAIT, /* cond.acquire_nowait() */
    CS_OP_CONDITION_RELEASE,        /* cond.release() */
    CS_OP_TASK_RETURN_VALUE,        /* v = h.return_value (TaskHandle, 4.14): `ref` is tasks[] (a kept handle) */
    CS_OP_LOCKED,                   /* l.locked() of a Lock, logged: `ref` indexes the primitives (a lock's) */
    CS_OP_CONDITION_LOCKED,         /* cond.locked() (a `locked` naming a condition), logged: `ref` is conditions[] */
    /* async generators and @asynccontextmanager */
    CS_OP_YIELD,       /* yield VALUE (value_json), in a generator function only */
    CS_OP_ASYNC_WITH,  /* async with cm(args) as v: body, cm an @asynccontextmanager generator (ref) */
    CS_OP_ACLOSING,    /* async with aclosing(gen(args)) as g: async for v in g: body */
    CS_OP_REENTER,     /* with s: / async with tg: again on the latest instance of scope or group `ref` */
    CS_OP_SCOPE_ENTER, /* s = CancelScope(deadline, shield); s.__enter__() (declares `name`) */
    CS_OP_SCOPE_EXIT,  /* s.__exit__(None, None, None) on the latest instance of scope `ref` */
    CS_OP_AGEN,        /* NAME = gen(args): an async generator object (decl: its agens[] index; ref: function) */
    CS_OP_ANEXT,       /* v = await anext(NAME) / NAME.asend(None) (ref: agens[] index; agen.c) */
    CS_OP_AGEN_ACLOSE, /* await NAME.aclose() on a generator object (ref: agens[] index) */
    /* native asyncio (asyncio backend only) */
    CS_OP_ASYNCIO_CREATE_TASK,    /* NAME = asyncio.create_task(body): a task no group owns */
    CS_OP_ASYNCIO_AWAIT,          /* await NAME */
    CS_OP_ASYNCIO_CANCEL,         /* NAME.cancel(msg): `text` the message or NULL */
    CS_OP_UNCANCEL,               /* asyncio.current_task().uncancel() */
    CS_OP_ASYNCIO_PROBE,          /* log NAME.cancelling() / done() / cancelled(): `count` says which */
    CS_OP_ASYNCIO_TIMEOUT,        /* async with asyncio.timeout(dur): body */
    CS_OP_ASYNCIO_TIMEOUT_AT,     /* async with asyncio.timeout_at(num): body */
    CS_OP_WAIT_FOR,               /* await asyncio.wait_for(NAME = create_task(body), dur) */
    CS_OP_ASYNCIO_SHIELD,         /* await asyncio.shield(NAME) */
    CS_OP_ASYNCIO_TASK_GROUP,     /* async with asyncio.TaskGroup() as tg: body */
    CS_OP_ASYNCIO_TG_CREATE_TASK, /* NAME = tg.create_task(body), tg the innermost asyncio.TaskGroup */
    CS_OP_ASYNCIO_FUTURE,         /* NAME = loop.create_future() */
    CS_OP_AWAIT_FUTURE,           /* await NAME (a bare future) */
    CS_OP_FUTURE_SET_RESULT,      /* NAME.set_result(None) */
    CS_OP_FUTURE_CANCEL,          /* NAME.cancel(msg) */
    /* portals, foreign threads and Ctrl+C */
    CS_OP_INTERRUPT, /* SIGINT arrives while this task runs (signal.raise_signal(SIGINT)) */
    /* blocking portals */
    CS_OP_BLOCKING_PORTAL, /* async with BlockingPortal() as P: body (ref: the portal's index) */
    CS_OP_PORTAL_STOP,     /* await P.stop(cancel_remaining=shield) */
    /* the cm task of a portal_with (made by the loader, count: the future):
     * wait for __exit__ (the thread's enter returns then), raise what the
     * thread's body raised; and __exit__'s _exit_event.set() */
    CS_OP_PORTAL_CM_WAIT,
    CS_OP_PORTAL_CM_THROW,
    CS_OP_PORTAL_CM_SET,
    /* future.cancel()'s done-callback, run in the loop through run_sync (made
     * by the engine, portal.c): scope.cancel() on the scope of id `ref` */
    CS_OP_PORTAL_SCOPE_CANCEL,
    /* threads AnyIO did not start */
    CS_OP_CURRENT_TOKEN, /* NAME = anyio.lowlevel.current_token(): `text` is the token's name */
    /* a sync_main's event loop main task (AnyIO's run_portal, made by the loader):
     * await portal.sleep_until_stopped() (sync_main.c) */
    CS_OP_SBP_WAIT_STOPPED,
    /* thread steps (only inside a to_thread body) */
    CS_OP_BLOCK,
    CS_OP_FROM_THREAD,
    CS_OP_CHECK_CANCELLED,
    /* blocking portals: thread steps */
    CS_OP_PORTAL_CALL,            /* P.call(fn), fn running the statements of body */
    CS_OP_PORTAL_START_TASK_SOON, /* F = P.start_task_soon(fn) (ref: the portal; count: the future's index) */
    CS_OP_FUTURE_RESULT,          /* F.result() (ref: the future's index) */
    CS_OP_PORTAL_FUTURE_CANCEL,   /* F.cancel() */
    CS_OP_PORTAL_START_TASK,      /* F, value = P.start_task(fn): waits for task_status.started() */
    /* with P.wrap_async_context_manager(GEN()): body (thread steps).  The loader
     * flattens it (load_portal.c): PORTAL_WITH (enter: count = its future,
     * decl = the index of its exit; else_body = the cm task's statements), the
     * body, a PORTAL_CALL running PORTAL_CM_SET (__exit__'s call(event.set)),
     * then PORTAL_WITH_RESULT (its future's result(); count = the with's index) */
    CS_OP_PORTAL_WITH,
    CS_OP_PORTAL_WITH_RESULT,
    /* threads AnyIO did not start: thread steps */
    CS_OP_PLAIN_THREAD,     /* a threading.Thread of the scenario ("threads"): `name`, start time `num`, steps `body` */
    CS_OP_FROM_THREAD_SYNC, /* anyio.from_thread.run_sync(fn[, token=tok]): `body` runs in the loop without awaiting */
    /* with start_blocking_portal(backend) as P: body (thread steps; only in
     * sync_main, which the loader flattens: load_sync_main.c) */
    CS_OP_START_BLOCKING_PORTAL,
    /* a step of that flattening (count: enter, exit, skip, join; sync_main.c) */
    CS_OP_SBP_STEP,
    CS_OP_COUNT
} cs_op;

/* issue 26: the steps of a sync main's flattened start_blocking_portal
 * (CS_OP_SBP_STEP's count; sim/load/load_sync_main.c, sim/core/sync_main.c) */
enum { CS__SBP_ENTER, CS__SBP_EXIT_NORMAL, CS__SBP_SKIP, CS__SBP_JOIN };

typedef enum cs_probe_kind {
    CS_PROBE_EFFECTIVE_DEADLINE,
    CS_PROBE_TIME,
    CS_PROBE_CANCEL_CALLED,
    CS_PROBE_CANCELLED_CAUGHT,
    CS_PROBE_DEADLINE,
    CS_PROBE_SHIELD
} cs_probe_kind;

/* A duration as written: a number, null (move_on_after/fail_after: no
 * deadline), {"uniform": [lo, hi]} drawn per task (format section 2), or
 * {"name": P}: the number parameter P holds (sleep, move_on_after,
 * fail_after; flow.h). */
typedef enum cs_dur_kind { CS_DUR_FIXED, CS_DUR_NONE, CS_DUR_UNIFORM, CS_DUR_NAME } cs_dur_kind;

typedef struct cs_dur {
    cs_dur_kind kind;
    int32_t slot;  /* CS_DUR_NAME: the parameter's slot (in what was padding) */
    double value;  /* CS_DUR_FIXED: seconds, finite */
    double lo, hi; /* CS_DUR_UNIFORM: finite, lo <= hi */
} cs_dur;

typedef struct cs_stmt cs_stmt;

typedef struct cs_body {
    const cs_stmt *items;
    uint32_t n;
} cs_body;

/* One `except` / `except*` clause. nclasses == 0 means a bare `except:` (only
 * possible for plain `except`; `except*` always has a match). Class indices
 * may be CS_EXC_CANCELLED. */
typedef struct cs_handler {
    const int32_t *classes;
    uint32_t nclasses;
    cs_body body;
    cs_pos pos;
    const char *as; /* `except X as NAME` (flow.h), or NULL */
    cs_pos as_pos;
} cs_handler;

/* Name tables: indices into cs_program's tables. -1 = absent. */
struct cs_stmt {
    cs_op op;
    cs_pos pos;

    /* Declared name of what this statement creates: task (start_soon, start,
     * create_task), task group, cancel_scope, or the `id` of
     * move_on_after/fail_after/move_on_at/fail_at (NULL when no id).
     * `decl` is its index in the matching table (tasks or scopes), or -1. */
    const char *name;
    int32_t decl;

    /* Reference, resolved to a table index:
     *  - cancel, set_shield, set_deadline, probe with scope: scopes[] index
     *  - start_soon/start/create_task `in`: scopes[] index of a task group, -1 = innermost
     *  - await_task, cancel_task: tasks[] index (a create_task name)
     *  - wait, set: events[]; with_lock: locks[]; with_semaphore: semaphores[]
     *  - with_limiter, to_thread `limiter`: limiters[] (-1 = default limiter)
     *  - call: functions[]
     *  - raise (statement or thread step): class index
     *  - with_condition, condition_wait, notify, notify_all: conditions[]
     *  - send, receive, ..., clone, with_stream, statistics: stream_ends[]
     *    (clone: `decl` is the stream_ends[] index of the end it makes) */
    int32_t ref;

    cs_dur dur;             /* sleep, busy, block, move_on_after, fail_after, move_on_at, fail_at */
    double num;             /* sleep_until time; cancel_scope deadline; set_deadline value (+-inf allowed) */
    bool has_num;           /* cancel_scope: deadline given */
    bool shield;            /* cancel_scope/move_on/fail_after shield; set_shield value */
    bool abandon;           /* to_thread abandon_on_cancel */
    bool return_handle;     /* start: return_handle=True (issue 18) */
    int64_t count;          /* start_soon count (-1 = no count); repeat count */
    const char *text;       /* log text; raise message (NULL = no message); cancel reason (NULL = none) */
    const char *value_json; /* return / started value as compact JSON text ("null" default) */
    cs_probe_kind probe;

    cs_body body;        /* body of compound statements; the try body; to_thread steps; from_thread body;
                         if: the `then` body; loop */
    const cs_flow *flow; /* named values, arguments, conditions (flow.h), or NULL */

    /* try only */
    const cs_handler *handlers;
    uint32_t nhandlers;
    bool star; /* handlers are except* */
    bool has_else, has_finally;
    cs_body else_body, finally_body;
};

typedef enum cs_scope_decl_kind {
    CS_SCOPE_CANCEL_SCOPE,
    CS_SCOPE_MOVE_ON,
    CS_SCOPE_FAIL_AFTER,
    CS_SCOPE_TASK_GROUP,
    CS_SCOPE_MANUAL /* a CancelScope entered by scope_enter (issue 19) */
} cs_scope_decl_kind;

typedef struct cs_name_decl {
    const char *name;
    cs_pos pos;
    int kind; /* scopes: cs_scope_decl_kind; tasks: the creating cs_op */
    /* tasks (issue 18): the program keeps its TaskHandle (create_task, start
     * with return_handle, a start_soon without count: 4.14's start_soon
     * returns one), and whether await_task / cancel_task / task_status name it */
    bool handle, handle_named;
} cs_name_decl;

typedef struct cs_semaphore_decl {
    const char *name;
    int64_t value;
    int64_t max_value; /* Semaphore(value, max_value=...); -1: None */
    bool fast_acquire; /* Semaphore(value, fast_acquire=True) */
} cs_semaphore_decl;

typedef struct cs_limiter_decl {
    const char *name;
    int64_t tokens; /* ignored when infinite */
    bool infinite;
} cs_limiter_decl;

/* anyio.create_memory_object_stream(max_buffer_size): its two ends are
 * stream_ends[2i] (send) and [2i + 1] (receive). */
typedef struct cs_stream_decl {
    int64_t max_buffer_size; /* ignored when infinite */
    bool infinite;
} cs_stream_decl;

/* anyio.Condition(lock): `lock` is the locks[] index of the Lock given, or
 * -1 for Condition() with a Lock of its own. */
typedef struct cs_condition_decl {
    const char *name;
    int32_t lock;
} cs_condition_decl;

/* A named end of a memory object stream: declared, or made by a clone. */
typedef struct cs_stream_end {
    const char *name;
    int32_t stream;   /* streams[] index */
    bool send;        /* a MemoryObjectSendStream (else receive) */
    int32_t clone_of; /* the end a `clone` statement makes it from, or -1 */
} cs_stream_end;

typedef struct cs_function {
    const char *name;
    cs_body body;
    cs_pos pos;
    const char *const *params; /* parameter names: locals 0 .. nparams-1 */
    uint32_t nparams;
    uint32_t nslots; /* its locals, parameters included (flow.h) */
    bool is_gen;     /* an async generator function: its body holds a `yield` (issue 19) */
} cs_function;

typedef struct cs_program {
    const char *path;           /* file as given on the command line */
    const char *name;           /* scenario name (default: file name without .json) */
    bool run_asyncio, run_trio; /* `backends` */
    bool native_ops;            /* uses backend-specific statements (pol->exec_native): only the backend
                                   the loader allowed them for (`backends`) can run it */

    const cs_exc_class *classes; /* builtins (cs_exc_class_id order), then user classes */
    uint32_t nclasses;

    const cs_name_decl *scopes;
    uint32_t nscopes; /* cancel scopes, timeout ids, task groups */
    const cs_name_decl *tasks;
    uint32_t ntasks; /* start_soon / start / create_task names */
    const char *const *events;
    uint32_t nevents;
    const char *const *locks;
    uint32_t nlocks;
    const bool *lock_fast; /* per lock: Lock(fast_acquire=True) */
    const cs_semaphore_decl *semaphores;
    uint32_t nsemaphores;
    /* limiters declared in the file; "default" may be among them (it then
     * overrides the default limiter's 40 tokens). */
    const cs_limiter_decl *limiters;
    uint32_t nlimiters;
    const cs_function *functions;
    uint32_t nfunctions;
    const cs_stream_decl *streams;
    uint32_t nstreams;
    const cs_condition_decl *conditions;
    uint32_t nconditions;
    const cs_stream_end *stream_ends;
    uint32_t nstream_ends; /* declared ends, then clones */

    cs_body main;
    uint32_t main_nslots; /* main's locals (flow.h) */
    cs_datums datums;     /* every data value, by the address of its JSON (flow.h) */
    uint32_t max_depth;   /* deepest statement nesting, for sizing frame stacks */
    bool manual_scopes;   /* a scope_enter: every scope exit checks its order (issue 19) */
    /* "interrupt_at": virtual times (ns, ascending) at which SIGINT arrives */
    const int64_t *interrupt_at;
    uint32_t ninterrupts;
    /* issue 26 foreign threads: "threads", plain threading.Threads started at
     * virtual times (CS_OP_PLAIN_THREAD statements, in the file's order) */
    const cs_stmt *plain_threads;
    uint32_t nplain_threads;
    /* the names current_token statements bind (a from_thread step's `token`
     * and a current_token's `ref` index this) */
    const char *const *tokens;
    uint32_t ntokens;
    /* anyio.NoEventLoopError (a RuntimeError): a class the loader adds after the
     * user's when there are threads (not a built-in: the built-in list is the
     * trace's contract); only meaningful when there are threads */
    int32_t no_event_loop_cls;
    /* anyio.TaskNotFinished (an Exception), added likewise when a task_return_value
     * is used (issue 18's leftovers); only meaningful then */
    int32_t task_not_finished_cls;
    /* issue 26: BlockingPortal names (blocking_portal), by index (a portal
     * statement's `ref`; sim/load/load_portal.c) */
    const char *const *portals;
    uint32_t nportals;
    const char *const *futures; /* portal_start_task_soon's `future` names, by index */
    uint32_t nfutures;
    uint32_t nwiths; /* portal_with steps: their futures follow the named ones */
    /* issue 19 leftovers: async generator objects made by `agen` (their
     * names, by index: anext's and aclose's `ref`), and StopAsyncIteration,
     * a class the loader adds when there are any (-1 otherwise) */
    const char *const *agens;
    uint32_t nagens;
    int32_t stop_async_iteration_cls;
    /* issue 26: "sync_main" in place of main: plain_threads[0] is the sync
     * main ("MainThread"), and main is AnyIO's run_portal, this blocking_portal
     * statement around a CS_OP_SBP_WAIT_STOPPED (sim/load/load_sync_main.c) */
    const cs_stmt *sync_portal;
} cs_program;

/* Returns true when class `cls` is `base` or derives from it. */
bool cs_exc_class_is(const cs_program *prog, int32_t cls, int32_t base);

void cs_program_free(cs_program *prog);

#endif
