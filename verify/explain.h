/* explain.h - `cancelsim explain`: why each task ended as it did, in
 * sentences, from the trace alone.
 *
 * cs_explain_sink is a trace sink (trace.h).  It reads events, never engine
 * state, and keeps for every task the chain of what decided its end: the
 * cancellation that reached it and why that scope was cancelled (the cancel
 * call and its reason, the deadline that fired, the child whose failure
 * cancelled the group, the handle that was cancelled), the shields that held a
 * cancellation back and until when, worker threads abandoned, the handlers
 * that caught what (an except* handler: which members it took), and where the
 * exception it ended with came from.  Every step names the scenario's
 * line:col of the statement it is about.  Strings are copied and exceptions
 * referenced, so the recorder outlives the run.
 *
 * Output is deterministic: tasks in id order, steps in event order.
 */
#ifndef CS_EXPLAIN_H
#define CS_EXPLAIN_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "trace.h"

typedef struct cs_explain cs_explain;

cs_explain *cs_explain_new(void);
void cs_explain_free(cs_explain *x);

/* The trace sink: `x` is a cs_explain *. */
void cs_explain_sink(void *x, const cs_event *ev);

/* True when a task of that instance name was spawned. */
bool cs_explain_has_task(const cs_explain *x, const char *task);

/* The chains as text: every task (task == NULL) or the one named, then what
 * anyio.run() gave.  Returns 0, or -1 when the stream reports an error. */
int cs_explain_write_text(const cs_explain *x, const char *task, FILE *f);

/* The same chains as data (new reference): {"scenario", "backend", "seed",
 * "tasks": [{"task", "state", "end", "line", "col", "chain": [{"kind", "t",
 * "line", "col", "text"}...]}...], "run": {...}}.  Times in seconds, full
 * precision. */
json_t *cs_explain_to_json(const cs_explain *x, const char *task);

#endif
