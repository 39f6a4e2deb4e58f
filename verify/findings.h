/* findings.h - the built-in checks of scenario-format.md section 6, computed
 * from the trace alone.
 *
 * cs_findings_sink is a trace sink like cs_outcome_sink: it never looks at the
 * engine, so a trace recorded from another implementation can be checked by
 * the same code.  Shields and deadlines are followed through `scope_enter`
 * and `scope_update`; where a trace shows a change it did not announce, the
 * checker is conservative: it does not report what it cannot prove.
 *
 * Cost: a few flat arrays indexed by task id and scope id (both dense, in
 * spawn / entry order) plus one table of raised exceptions by id; every
 * event is O(1) except a delivered cancellation, which walks the task's scope
 * chain (its nesting depth).  A million tasks cost a few tens of megabytes.
 *
 * Ownership: the checker keeps references (cs_exc_ref) to the exceptions it
 * must compare by identity and copies every string it reports, so it outlives
 * the run and the program.
 */
#ifndef CS_FINDINGS_H
#define CS_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "trace.h"

/* The findings, in the sorted order of their names (so listing them in enum
 * order is listing them sorted). */
typedef enum cs_finding_kind {
    CS_FINDING_CANCEL_ESCAPE,
    CS_FINDING_CROSS_TASK_SCOPE_EXIT, /* issue 19: s.__exit__() in a task other than the one that entered s */
    CS_FINDING_DEADLOCK,
    CS_FINDING_EARLY_DEADLINE,
    CS_FINDING_LOST_EXCEPTION,
    CS_FINDING_LOST_ITEM, /* issue 18: items a memory object stream buffered and nobody received */
    CS_FINDING_NONDETERMINISM,
    CS_FINDING_ORPHAN_TASK,
    CS_FINDING_SHIELD_BREACH,
    CS_FINDING_YIELD_IN_SCOPE,
    CS_FINDING_SWALLOWED_CANCELLATION,
    CS_FINDING_COUNT
} cs_finding_kind;

typedef struct cs_findings cs_findings;

/* A new checker for one run; free with cs_findings_free. */
cs_findings *cs_findings_new(void);
void cs_findings_free(cs_findings *f);

/* The trace sink: `findings` is a cs_findings *.  Findings that need the whole
 * run (lost_exception, pending shield and deadline checks) are settled at
 * RUN_END. */
void cs_findings_sink(void *findings, const cs_event *ev);

/* "orphan_task", ... (NULL for an out-of-range kind). */
const char *cs_finding_name(cs_finding_kind kind);

bool cs_findings_has(const cs_findings *f, cs_finding_kind kind);
/* Writes the kinds found, sorted by name, into out; returns how many. */
size_t cs_findings_list(const cs_findings *f, cs_finding_kind out[CS_FINDING_COUNT]);
/* A sentence about the first occurrence of `kind` (borrowed; NULL when not found). */
const char *cs_findings_detail(const cs_findings *f, cs_finding_kind kind);
/* Records a finding made outside the trace (nondeterminism); `detail` is copied.
 * A kind already found keeps its first detail. */
void cs_findings_add(cs_findings *f, cs_finding_kind kind, const char *detail);
/* The names found, sorted, as a new JSON array. */
json_t *cs_findings_to_json(const cs_findings *f);

/* ---- nondeterminism (findings_determinism.c) ---------------------------- */

/* Runs the scenario once with `trace` among its sinks; `attempt` is 0 then 1,
 * so the caller can attach its other sinks (outcome, findings) to one run
 * only.  Returns 0 when the run ended, else a nonzero status that
 * cs_findings_run_twice passes back. */
typedef int (*cs_findings_run_fn)(void *ctx, unsigned attempt, const cs_sink *trace);

/* Returned by cs_findings_run_twice when no temporary file could be made
 * (chosen outside the engine's CS_E_* range). */
#define CS_FINDINGS_E_TMPFILE (-1000)

/* Runs `run` twice, writing each trace as JSON Lines to a temporary file, and
 * sets *differ when the two are not byte-identical.  Returns 0, the first
 * nonzero status of `run` (the second run is then skipped), or
 * CS_FINDINGS_E_TMPFILE. */
int cs_findings_run_twice(cs_findings_run_fn run, void *ctx, bool *differ);

#endif
