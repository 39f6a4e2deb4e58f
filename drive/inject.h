/* inject.h - fault-injection sweeps (`cancelsim inject`): which plans exist,
 * whether a scenario's `always` holds under one, and shrinking a failing plan.
 *
 * The census of a scenario (every task with its checkpoints and to_thread
 * calls, every named scope with the checkpoints reached inside it) is read
 * from the trace of a run, like every other consumer: `checkpoint` events
 * number them, `task_spawn` / `scope_enter` name them and link scopes to
 * their parents.
 *
 * A plan passes when the outcome, with its findings, matches the scenario's
 * `always` (section 6 matching) and raises no finding that the scenario does
 * not allow (`always.findings` when given, else the findings its `expect`
 * declares for that backend, else none).
 */
#ifndef CS_INJECT_H
#define CS_INJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "expect_load.h"
#include "fault.h"
#include "load.h"

/* ---- census (inject_census.c) ---- */

typedef struct cs_census_item {
    char *name;           /* task or scope instance name (owned) */
    uint32_t checkpoints; /* task: its checkpoints; scope: checkpoints reached inside it */
    uint32_t threads;     /* task: its to_thread calls */
} cs_census_item;

typedef struct cs_census cs_census;

cs_census *cs_census_new(void);
void cs_census_free(cs_census *c);
/* The trace sink: `census` is a cs_census *. */
void cs_census_sink(void *census, const cs_event *ev);
/* How the run ended (its RUN_END result); false when no RUN_END was seen. */
bool cs_census_result(const cs_census *c, cs_result_kind *out);
/* Tasks in spawn order (main first) and named scopes in entry order (borrowed). */
const cs_census_item *cs_census_tasks(const cs_census *c, size_t *n);
const cs_census_item *cs_census_scopes(const cs_census *c, size_t *n);

/* Every single-fault plan of a census, in a fixed order: fail (tasks in spawn
 * order, checkpoints ascending), thread-fail, timeout (scopes in entry order),
 * delay (with `delay_seconds`), interrupt (at times ascending, then in tasks
 * as fail).  Appends to *v (grown with realloc). */
typedef struct cs_inject_kinds {
    bool failures, timeouts, delays;
    bool all_timeouts; /* --timeouts=all: also scopes the scenario gives no deadline */
    /* issue 26, --interrupts: Ctrl+C while the loop waits (interrupt:@T at each
     * instant a checkpoint ran and halfway to the next); --interrupts=all also
     * while each task runs (interrupt:TASK@K at each checkpoint) */
    bool interrupts, all_interrupts;
    double delay_seconds;
    uint32_t max_k; /* only the first max_k checkpoints of each task and scope (0: all) */
} cs_inject_kinds;
/* Timeouts go only into scopes that may time out as written (`timed`, by
 * declared scope, from cs_scopes_with_deadline; NULL or k->all_timeouts:
 * every named scope).  Returns how many named scope instances were left out
 * (their names appended to *left, grown with realloc, when left is not NULL;
 * the names are borrowed from the census). */
size_t cs_census_faults(const cs_census *c, const cs_inject_kinds *k, const cs_program *prog, const bool *timed,
                        cs_fault **v, size_t *n, size_t *cap, const char ***left);

/* ---- which scopes may time out (inject_deadlines.c) ---- */

/* By declared scope (prog->scopes order): does some statement give it a
 * deadline other than +inf (move_on_after / fail_after / move_on_at /
 * fail_at not null, cancel_scope `deadline`, `set_deadline`)?  Caller frees. */
bool *cs_scopes_with_deadline(const cs_program *prog);
/* The declared scope an instance name (`m#2`) comes from, or -1. */
int32_t cs_scope_decl_of(const cs_program *prog, const char *instance);

/* ---- one checked run (inject.c) ---- */

typedef struct cs_inject_where {
    cs_backend backend;
    uint64_t seed;
    const uint32_t *forced; /* Trio: the first schedule choices (explore), or NULL */
    size_t nforced;
    cs_choice_log *log; /* Trio: where the run logs its choices, or NULL */
} cs_inject_where;

typedef struct cs_inject_result {
    bool failed;
    char *kind;   /* failing: what broke, e.g. "always log_contains", "finding lost_exception" (owned) */
    char *detail; /* failing: the first difference or the finding's sentence (owned) */
} cs_inject_result;

/* Runs the program under `plan` and checks it against `x` (the scenario's
 * expectations, cs_expectations_new(sc): parsed once per sweep).  `census` (may be NULL) also
 * receives the trace.  Returns 0 (see *out), or a CS_E_* engine status with
 * *err filled (the run could not be checked: also reported as a failure of
 * kind "run error" in *out). */
int cs_inject_check(const cs_scenario *sc, const cs_expectations *x, const cs_inject_where *w, const cs_plan *plan,
                    cs_census *census, cs_inject_result *out, cs_run_error *err);
void cs_inject_result_clear(cs_inject_result *r);

/* Shrinks a failing plan: drops faults while the same kind of failure stays,
 * then moves each fault to the earliest checkpoint that still fails the same
 * way.  *out is a new plan (cs_plan_free); `runs` counts the runs it took. */
void cs_inject_shrink(const cs_scenario *sc, const cs_expectations *x, const cs_inject_where *w, const cs_plan *plan,
                      const char *kind, cs_plan *out, uint64_t *runs);

/* "cancelsim run FILE --backend B [--seed S | --schedule C] --inject 'PLAN'"
 * (caller frees); the plan is quoted for a POSIX shell.  The schedule is
 * w->forced (then option 0, as the run took). */
char *cs_inject_replay(const char *file, const cs_inject_where *w, const char *plan_text);

#endif
