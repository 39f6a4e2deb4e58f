/* verify_pool.h - `cancelsim verify --jobs N`: verify files in N worker
 * processes and hand their results back in file order, so the report is
 * byte-identical to a run with one job. */
#ifndef CS_VERIFY_POOL_H
#define CS_VERIFY_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verify_report.h"

/* The entries one file produced (one per backend, or one load error). */
typedef struct cs_verify_result {
    cs_report_entry *v; /* owned array; the entries' strings are owned too */
    size_t n;
    bool bad;           /* bad input: verify exits 2 if nothing failed */
} cs_verify_result;

/* Verifies one file into *out (zeroed by the caller). */
typedef void (*cs_verify_file_fn)(const char *file, cs_verify_result *out);
/* Receives file i's result; takes ownership of the entries' strings, not of r->v. */
typedef void (*cs_verify_done_fn)(void *ctx, size_t i, cs_verify_result *r);

/* Runs `verify` on each file, with `jobs` worker processes when jobs > 1
 * (in this process when jobs <= 1 or fork fails), and calls `done` for file
 * 0, 1, 2, ... in order.  A worker that dies turns its remaining files into
 * ERROR entries. */
void cs_verify_pool(char *const *files, size_t nfiles, unsigned jobs, cs_verify_file_fn verify,
                    cs_verify_done_fn done, void *ctx);

/* --shard K/N: keeps files K-1, K-1+N, K-1+2N, ... (the same rule as inject's
 * plans), frees the others and moves the kept ones to the front.  Returns how
 * many are kept. */
size_t cs_verify_shard(char **files, size_t nfiles, uint64_t k, uint64_t n);

#endif
