/* timeline.h - one run as a Chrome trace / Perfetto timeline (JSON).
 *
 * cs_timeline_sink is a trace sink; it renders each event into the Trace
 * Event Format as it arrives (names are borrowed only during the call), and
 * cs_timeline_write prints
 *
 *     {"traceEvents": [ ... ], "displayTimeUnit": "ms"}
 *
 * Layout: process 1 is the run; each task is a track (tid = task id + 1) named
 * by thread_name metadata.  On a task's track: the task's life as a B/E slice,
 * named scopes (and anonymous user scopes, internal ones left out) as nested
 * B/E slices, waits (sleep, event, lock, ...) as slices from the SLEEP event
 * to the task's next event, to_thread calls as slices.  Spawns and
 * cancellations are flow events (ph s/f) from the spawning / cancelling track
 * to the task reached; logs, raises, catches and group raises are instants.
 * Process 2 ("worker threads") has a track per worker slot (a slot is reused
 * once its thread ends, as AnyIO reuses idle workers): each thread is a slice
 * "to_thread (LINE:COL)" from its start to its end -- an abandoned one runs on
 * past its task's wait, marked by an instant -- with a flow from the task.
 * ts is in microseconds of virtual time.
 *
 * Guarantees (checked by tests/test_render.c): events sorted by ts (ties in
 * emission order), B/E balanced on every track (slices still open when the run
 * ends are closed at its end time), every flow end preceded by its start.
 */
#ifndef CS_TIMELINE_H
#define CS_TIMELINE_H

#include <stdio.h>

#include "trace.h"

typedef struct cs_timeline cs_timeline;

/* A new, empty timeline; free with cs_timeline_free. */
cs_timeline *cs_timeline_new(void);
void cs_timeline_free(cs_timeline *tl);

/* The trace sink: `timeline` is a cs_timeline *. */
void cs_timeline_sink(void *timeline, const cs_event *ev);

/* Writes the JSON document (with a final newline).  Returns 0, or -1 when
 * the stream reports an error. */
int cs_timeline_write(cs_timeline *tl, FILE *f);

#endif
