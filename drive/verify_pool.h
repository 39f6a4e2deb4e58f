/* verify_pool.h - `cancelsim verify --jobs N`: verify files in N worker
 * processes (pool.h) and hand their results back in file order, so the
 * report is byte-identical to a run with one job. */
#ifndef CS_VERIFY_POOL_H
#define CS_VERIFY_POOL_H

#include <stddef.h>

#include "verify_file.h"

/* Receives file i's result; takes ownership of the entries' strings, not of r->v. */
typedef void (*cs_verify_done_fn)(void *ctx, size_t i, cs_verify_result *r);

/* Runs cs_verify_file on each file with `opt`, in `jobs` worker processes
 * when jobs > 1 (in this process when jobs <= 1 or fork fails), and calls
 * `done` for file 0, 1, 2, ... in order.  A worker that dies turns its
 * remaining files into ERROR entries. */
void cs_verify_pool(char *const *files, size_t nfiles, unsigned jobs, const cs_verify_options *opt,
                    cs_verify_done_fn done, void *ctx);

#endif
