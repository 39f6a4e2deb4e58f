/* snapshot.h - `cancelsim verify --update[=any]`: write each scenario's
 * current outcome into its expectations, as snapshot-testing tools (syrupy,
 * insta) do.
 *
 * This pins cancelsim's model, for regression tests.  It is not a source of
 * truth: the expectations of a new scenario come from real AnyIO
 * (tools/anyio_reference.py); --update only records what cancelsim does now. */
#ifndef CS_SNAPSHOT_H
#define CS_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

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

/* snapshot_write.c: the expectation blocks from outcomes, and the file. */

/* Sets expectations in `doc` from n outcomes (each as `verify` checks them:
 * the outcome JSON with "findings" when any), labels[i] the backend of
 * outcome i; with `alternatives`, the outcomes are the allowed ones of
 * expect_any.  Keys already in `doc` keep their place. */
void cs_snapshot_set(json_t *doc, json_t *const *outs, const char *const *labels, size_t n, bool alternatives);
/* v as JSON text with an indent of 2, floats as Python's repr prints them,
 * every line after the first starting with `indent` (the caller frees it). */
char *cs_snapshot_dump(const json_t *v, const char *indent);
/* Writes text to path (a temporary file renamed over it).  Returns 0 or -1
 * (errno set). */
int cs_snapshot_write(const char *path, const char *text);

/* snapshot_splice.c: `text` (a scenario file, `len` bytes) with its
 * top-level members named in `keys` (NULL-terminated) set to doc's values,
 * dropped where doc has none, added after the last member where the text has
 * none; every other byte as it was.  NULL when the text is not a shape the
 * scanner edits or the result would not read back as doc (the caller frees
 * the text). */
char *cs_snapshot_splice(const char *text, size_t len, const json_t *doc, const char *const *keys);

#endif
