/* corpus.h - the scenario files `cancelsim verify PATH...` runs: a file is
 * taken as is ("-": standard input), a folder gives every *.json under it,
 * recursively (up to 64 levels), sorted by name within each folder, so that
 * the order, and thus a shard, is the same on every machine. */
#ifndef CS_CORPUS_H
#define CS_CORPUS_H

#include <stddef.h>

/* Appends the files under `path` to *files (new strings; the array grows with
 * realloc, *cap its capacity).  Returns 0, or 2 after printing
 * "cancelsim verify: cannot read PATH" for a path or folder it cannot read
 * (the files found elsewhere are kept). */
int cs_corpus_collect(const char *path, char ***files, size_t *n, size_t *cap);

#endif
