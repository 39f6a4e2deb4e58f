/* snapshot_update.h - `cancelsim verify --update[=any]`: write each
 * scenario's current outcome into its expectations, as snapshot-testing tools
 * (syrupy, insta) do.  This file runs the scenarios; the JSON editing is
 * verify/snapshot.h.
 *
 * This pins cancelsim's model, for regression tests.  It is not a source of
 * truth: the expectations of a new scenario come from real AnyIO
 * (tools/anyio_reference.py); --update only records what cancelsim does now. */
#ifndef CS_SNAPSHOT_UPDATE_H
#define CS_SNAPSHOT_UPDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* How many Trio schedules the update explores (depth first, as `cancelsim
 * explore` does) to tell a schedule-dependent outcome. */
#define CS_SNAPSHOT_MAX_SCHEDULES 256
/* ... and for how long (seconds of wall time, past the first two runs). */
#define CS_SNAPSHOT_SECONDS 10.0

typedef enum {
    CS_SNAPSHOT_WRITTEN,   /* the file's expectations were rewritten */
    CS_SNAPSHOT_UNCHANGED, /* they already said exactly this: file untouched */
    CS_SNAPSHOT_REFUSED,   /* a schedule-dependent outcome without `any` */
    CS_SNAPSHOT_ERROR      /* the file does not load, run or write */
} cs_snapshot_status;

/* Updates one file: runs it on each of its backends (every Trio schedule up
 * to the bound) and writes the outcomes into `expect` (what the backends
 * share) and `expect_by_backend` (what differs), dropping `expect_any`.  When
 * Trio's outcome depends on the schedule, refuses unless `any`, which writes
 * every distinct outcome into `expect_any` (their common part into `expect`).
 * Only those members of the file's text change (indent 2, at the member's
 * own indentation); every other byte stays.  *msg (the
 * caller frees it) says what was done or why not. */
cs_snapshot_status cs_snapshot_update(const char *file, bool any, char **msg);

/* Updates every file and prints one line per file to `out` and a count.
 * Returns 0 when every file was written or unchanged, 1 when some were
 * refused, 2 when some could not be read, run or written. */
int cs_snapshot_update_all(char *const *files, size_t n, bool any, FILE *out);

#endif
