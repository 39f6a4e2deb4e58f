/* trace_read.h - reads a JSON Lines trace back into trace events
 * (scenario-format.md section 5): the inverse of trace_jsonl.c.
 *
 * Each line becomes the cs_event the engine emitted for it, so the same sinks
 * (outcome, findings, ...) that folded the run can fold the file: that the
 * outcome printed from a trace is byte-identical to the run's is what makes
 * the trace a contract.  The reader rebuilds what the file says by name: task
 * ids from task_spawn order (main is 0), exception classes from run_start's
 * "classes", one cs_exc per exception id (members and derived_from included),
 * a scope_exit's task from its scope_enter.  A file may hold several runs
 * (`run --trace` on both backends): each run_start starts a new one.
 *
 * Anything that does not follow section 5 is an error at FILE:LINE:COL,
 * never a crash: bad JSON, a line that is not an object, an unknown event or
 * field, a field of the wrong type or on the wrong event, a missing one, a
 * task named before its task_spawn, an exception class not in "classes", a
 * time that is no whole number of nanoseconds, an id out of range.  Scope ids
 * must stay below twice the number of lines read plus 4096 (the engine's are
 * dense), so a hostile id cannot make a consumer allocate its way out of
 * memory.
 */
#ifndef CS_TRACE_READ_H
#define CS_TRACE_READ_H

#include <stdio.h>

#include "findings.h"
#include "outcome.h"
#include "trace.h"

typedef struct cs_trace_reader cs_trace_reader;

typedef struct cs_trace_read_error {
    cs_pos pos; /* line and column in the file (column 1: the line as a whole) */
    char message[256];
} cs_trace_read_error;

/* A reader of the lines of f (borrowed; the caller closes it). */
cs_trace_reader *cs_trace_reader_new(FILE *f);
/* Frees the reader and what it made; exceptions a consumer took a reference
 * to stay alive, names borrowed from events die here. */
void cs_trace_reader_free(cs_trace_reader *r);

/* The next event into *ev: 1, 0 at the end of the file, -1 with *err at the
 * first line that does not follow the format (the reader is then done).  The
 * event's strings and exceptions are borrowed as the engine's are: names and
 * class names until the reader is freed, the rest until the next call. */
int cs_trace_reader_next(cs_trace_reader *r, cs_event *ev, cs_trace_read_error *err);

/* One run of a trace file folded by the outcome and findings sinks. */
typedef struct cs_trace_run {
    cs_outcome *outcome;
    cs_findings *findings;
} cs_trace_run;

/* Reads every run of f.  Returns 0 with *runs (*nruns of them; free with
 * cs_trace_runs_free) or -1 with *err (nothing to free).  A file with no
 * run_start is an error; so is an event before the first one. */
int cs_trace_replay(FILE *f, cs_trace_run **runs, size_t *nruns, cs_trace_read_error *err);
void cs_trace_runs_free(cs_trace_run *runs, size_t nruns);

#endif
