/* snapshot.h - the JSON I/O of `cancelsim verify --update[=any]`: the
 * expectation blocks built from outcomes, their text, and the splice that
 * writes them into a scenario file leaving every other byte as it was.  These
 * files (snapshot_write.c, snapshot_splice.c) keep Jansson because they edit
 * JSON documents; the runs that produce the outcomes are
 * drive/snapshot_update.c. */
#ifndef CS_SNAPSHOT_H
#define CS_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

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
