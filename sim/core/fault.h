/* fault.h - injected fault plans (`cancelsim run --inject PLAN`, `cancelsim
 * inject`).
 *
 * A plan is a list of faults, written on one line so that it can be pasted:
 *
 *   fail:TASK@K[:CLASS]         the task's K-th checkpoint raises CLASS("injected")
 *                               instead (default RuntimeError)
 *   timeout:SCOPE@K             the scope's deadline is set to the current time
 *                               just before the K-th checkpoint reached inside it
 *   delay:TASK@K:SECONDS        the task sleeps SECONDS more just before its K-th
 *                               checkpoint
 *   thread-fail:TASK@K[:CLASS]  the task's K-th to_thread call raises CLASS
 *                               ("injected") in the worker thread where it
 *                               would return (after its blocks and logs)
 *   interrupt:TASK@K            Ctrl+C (SIGINT) arrives while the task runs,
 *                               just before its K-th checkpoint: the statement
 *                               `interrupt` written there
 *   interrupt:@T                Ctrl+C arrives at virtual time T (seconds), as
 *                               a time of the scenario's `interrupt_at`
 *
 * separated by commas, e.g. `fail:worker[2]@3,timeout:deadline@1`.
 *
 * Every fault stands for a statement the author could have written at that
 * point of the run, so an injected run is still a run of real AnyIO:
 * fail is `{"raise": CLASS, "message": "injected"}` in place of the checkpoint,
 * timeout is `{"set_deadline": SCOPE, "value": <now>}` before it (on asyncio
 * the scope is cancelled at once; on Trio at the next pass of the run loop, as
 * `scope.deadline = trio.current_time()` does), delay is `{"sleep": SECONDS}`
 * before it, and thread-fail is a thread whose `return` (or end) is `{"raise": ...}`.
 *
 * A checkpoint is a statement that awaits (cs_op_is_checkpoint).  TASK and
 * SCOPE are instance names as outcomes print them (`w[3]`, `m#2`).  K counts
 * from 1 in the injected run itself; the statements a fault adds do not count.
 *
 * Ownership: a cs_plan owns its faults and their target strings; free it with
 * cs_plan_free.  Nothing here needs Jansson: the engine reads plans.
 */
#ifndef CS_FAULT_H
#define CS_FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "program.h"

/* The most faults one plan may hold: sweeps use 1 or 2; a pasted plan is short. */
#define CS_PLAN_MAX_FAULTS 16

typedef enum cs_fault_kind {
    CS_FAULT_FAIL,
    CS_FAULT_TIMEOUT,
    CS_FAULT_DELAY,
    CS_FAULT_THREAD_FAIL,
    CS_FAULT_INTERRUPT /* issue 26: interrupt:TASK@K (SIGINT just before that checkpoint) or interrupt:@T (target "") */
} cs_fault_kind;

typedef struct cs_fault {
    cs_fault_kind kind;
    char *target;   /* task (fail, delay, thread-fail) or scope (timeout) instance name (owned) */
    uint32_t k;     /* 1-based checkpoint (thread-fail: to_thread call) number */
    int32_t cls;    /* fail, thread-fail: class index in the program */
    double seconds; /* delay: finite, >= 0 */
} cs_fault;

typedef struct cs_plan {
    cs_fault *v; /* owned */
    uint32_t n;
} cs_plan;

/* Statements that await: where faults are injected and what `checkpoint`
 * trace events count. */
bool cs_op_is_checkpoint(cs_op op);
/* The statement's key as a scenario writes it ("sleep", "to_thread", ...). */
const char *cs_op_checkpoint_name(cs_op op);

/* Parses PLAN text against a program (targets must name a task or scope the
 * program declares, possibly as an instance `name[i]` / `name#n`; classes must
 * be known and raisable).  Returns 0 and fills *out, or -1 with a one-line
 * message in err. */
int cs_plan_parse(const cs_program *prog, const char *text, cs_plan *out, char *err, size_t errlen);

/* The length of the declared name an instance name comes from: `w[3]#2`
 * -> 1 (`w`).  Suffixes are stripped from the end only. */
size_t cs_instance_base_len(const char *s, size_t n);

/* The canonical text of one fault / a whole plan (caller frees). */
char *cs_fault_format(const cs_program *prog, const cs_fault *f);
char *cs_plan_format(const cs_program *prog, const cs_plan *p);

/* Deep copies (targets duplicated). */
cs_fault cs_fault_copy(const cs_fault *f);
void cs_plan_copy(cs_plan *dst, const cs_plan *src);

void cs_plan_free(cs_plan *p);

#endif
