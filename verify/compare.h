/* compare.h - where a recorded run and a simulated run part ways
 * (`cancelsim compare SCENARIO TRACE.jsonl`, issue 24).
 *
 * Each run is folded, event by event, into one story per task: the steps a
 * recording holds exactly (docs/recording.md) - its start, the scopes it
 * enters (kind, deadline, shield; not AnyIO's internal ones) and leaves
 * (whether they caught a cancellation, the exception leaving them), worker
 * threads started and abandoned, group raises, log lines, its end (state, and
 * the class of a failed task's exception) - each with its time.  Deliveries of
 * cancellation are left out: a recording places them where it first sees the
 * exception, not at the checkpoint.  Tasks are matched by name; for each task
 * the first step that differs is reported. */
#ifndef CS_COMPARE_H
#define CS_COMPARE_H

#include <stdio.h>

#include "trace.h"

typedef struct cs_story cs_story;

cs_story *cs_story_new(void);
void cs_story_free(cs_story *s);
/* The sink that folds a run's events (the first run it sees; later runs are
 * ignored).  ctx is a cs_story. */
void cs_story_sink(void *ctx, const cs_event *ev);
/* What the first run_start said (false before any). */
bool cs_story_backend(const cs_story *s, cs_backend *backend, uint64_t *seed);
/* Tasks in the story. */
size_t cs_story_ntasks(const cs_story *s);

/* Writes one line per task whose story differs ("task NAME, step N: recorded
 * 'STEP' at t=T, simulated 'STEP' at t=T", "task NAME: recorded only", ...),
 * recorded tasks first in spawn order; returns how many differ. */
size_t cs_story_compare(const cs_story *recorded, const cs_story *simulated, FILE *out);

#endif
