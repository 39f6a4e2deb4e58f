/* trace_jsonl.h - the `--trace FILE` writer: one JSON object per event per line
 * (scenario-format.md section 5).
 *
 * Each line is what Python's json.dumps(obj, ensure_ascii=False) would print:
 *   {"seq": 17, "t": 1.0, "ev": "task_end", "task": "b", "state": "cancelled"}
 * seq, t and ev come first, then only the fields meaningful for the kind.
 * Tasks and scopes appear by name ("scope" is null for an anonymous scope;
 * "scope_id" always gives the instance id).  Times and deadlines are seconds
 * as Python float reprs (1.0, 0.3), infinities the strings "inf"/"-inf";
 * exceptions are nested {"type", "message", "id"[, "exceptions"][,
 * "derived_from"]} objects; run_start lists the exception class names.
 * Positions are "line"/"col" of the statement when known.
 *
 * The writer borrows names from the events (they live as long as the run), so
 * it must be used only while the run is going; it keeps one pointer per task
 * and one entry per named scope.
 */
#ifndef CS_TRACE_JSONL_H
#define CS_TRACE_JSONL_H

#include <stdio.h>

#include "trace.h"

typedef struct cs_trace_jsonl cs_trace_jsonl;

/* A new writer on f (borrowed; the caller closes it).  Lines are buffered in
 * the writer: all of them have reached f only after cs_trace_jsonl_free, so
 * free the writer before writing to, reading or closing f. */
cs_trace_jsonl *cs_trace_jsonl_new(FILE *f);
void cs_trace_jsonl_free(cs_trace_jsonl *w);

/* The trace sink: `writer` is a cs_trace_jsonl *. */
void cs_trace_jsonl_sink(void *writer, const cs_event *ev);

#endif
