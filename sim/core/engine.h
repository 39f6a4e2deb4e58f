/* engine.h - run a cs_program in virtual time on a model of one AnyIO backend.
 *
 * The engine writes nothing itself: it emits trace events (trace.h) to the
 * sinks it is given, ending with CS_EV_RUN_END.  A run that needs to stop on a
 * scenario error found only at run time (a reference to an instance that does
 * not exist yet) returns CS_E_SCENARIO with the position in `err`.
 */
#ifndef CS_ENGINE_H
#define CS_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fault.h"
#include "program.h"
#include "trace.h"

enum {
    CS_OK = 0,
    CS_E_SCENARIO = -1,    /* scenario error found at run time: see cs_run_error */
    CS_E_LIMIT = -2,       /* a limit refused the run before it started: see cs_run_error */
    CS_E_UNSUPPORTED = -3, /* the backend is not modelled (yet): see cs_run_error */
};

typedef struct cs_run_error {
    cs_pos pos;
    char message[256];
} cs_run_error;

/* The schedule choices a Trio run made: choice i picked choice[i] of arity[i]
 * options (option 0 is the canonical schedule's).  mirror[i] is set on a
 * batch's order (run reversed or not) when that order provably cannot change
 * the outcome: every step of the batch only passed a schedule point (no
 * trace event beyond checkpoints, no statement that touches anything shared)
 * and put its task back on the run queue, and nothing else was queued or
 * chosen before the next batch.  The steps commute, so the reversed batch
 * reaches the same state with the run queue reversed, and the next batch's
 * own order choice undoes that: the reversed subtree gives the same outcomes
 * as this one.  It is also set on the order of a batch made of exactly the
 * waiters an event.set() just woke (in the order a shuffle choice gave them,
 * no choice since): the shuffle's reversed order, which the search tries
 * anyway, runs the same tasks in the same order from the same state.  Owned
 * by the caller; free the three arrays. */
typedef struct cs_choice_log {
    uint32_t *choice;
    uint32_t *arity;
    uint8_t *mirror;
    size_t n, cap;
} cs_choice_log;

/* The next schedule in depth-first order after the run that filled `log`: bump
 * the deepest choice with an option left and make that prefix *forced (grown
 * with realloc; the caller frees it).  Returns false when every schedule has
 * been run. */
bool cs_choice_log_next(const cs_choice_log *log, uint32_t **forced, size_t *nforced);
/* The same, skipping the reversal of a mirror batch when `reduce` (each one
 * skipped adds 1 to *pruned). */
bool cs_choice_log_next_reduced(const cs_choice_log *log, uint32_t **forced, size_t *nforced, bool reduce,
                                uint64_t *pruned);

typedef struct cs_run_options {
    cs_backend backend;
    uint64_t seed;             /* Trio schedule choices; 0 = canonical (FIFO) */
    double time_limit;         /* seconds of virtual time (default 1e9) */
    uint64_t step_limit;       /* statements executed (default CS_DEFAULT_STEP_LIMIT) */
    uint64_t task_limit;       /* tasks created in the run, main included */
    uint64_t timer_limit;      /* live timers (asyncio timer handles, Trio deadlines) */
    uint64_t trace_limit;      /* trace events emitted before the run stops */
    uint64_t memory_limit_mib; /* resident memory (memuse.h), every 4096 events; 0 = none */
    uint64_t depth_limit;      /* statement nesting (calls included); deeper: CS_E_LIMIT */
    const uint32_t *forced;    /* Trio: the first schedule choices, then the seed decides */
    size_t nforced;
    cs_choice_log *choices; /* Trio: where to log the choices made, or NULL */
    const cs_fault *faults; /* injected faults (fault.h), borrowed; NULL/0 = none */
    uint32_t nfaults;
    const cs_sink *sinks;
    uint32_t nsinks;
} cs_run_options;

#define CS_DEFAULT_TIME_LIMIT 1e9
#define CS_DEFAULT_STEP_LIMIT 2000000ULL
/* 2^20 tasks besides main: room for the million-task benchmarks, and a hostile
 * `count` stops after about a GiB rather than exhausting the machine. */
#define CS_DEFAULT_TASK_LIMIT 1048577ULL
/* Four live timers per task allowed by the task limit: a sleep and a few
 * nested deadlines each. */
#define CS_DEFAULT_TIMER_LIMIT 4194304ULL
/* 10^8 events: well above the million-task benchmarks, and about 10 GB of
 * --trace output at most. */
#define CS_DEFAULT_TRACE_LIMIT 100000000ULL
/* Statement nesting at run time, a called function's body one level deeper
 * (program.h max_depth); a file alone nests at most ~1000 (Jansson's 2048). */
#define CS_DEFAULT_DEPTH_LIMIT 10000ULL
/* Half the machine's physical memory (at least 256 MiB), in MiB. */
uint64_t cs_default_memory_limit_mib(void);

void cs_run_options_init(cs_run_options *opt);

/* Runs the program once. Returns CS_OK (the run ended: see the RUN_END event),
 * or a negative CS_E_* with `err` filled in. */
int cs_run(const cs_program *prog, const cs_run_options *opt, cs_run_error *err);

#endif
