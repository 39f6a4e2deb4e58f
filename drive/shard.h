/* shard.h - `--shard K/N` of verify (files) and inject (plans): one rule for
 * both, so that the shards of a CI matrix together are exactly the whole run. */
#ifndef CS_SHARD_H
#define CS_SHARD_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whether item i (0-based, in the run's fixed order) is in shard K of N:
 * items K-1, K-1+N, K-1+2N, ... */
static inline bool cs_shard_keeps(uint64_t i, uint64_t k, uint64_t n)
{
    assert(n >= 1 && k >= 1 && k <= n);
    return i % n == k - 1;
}

/* Keeps the files of shard K of N, frees the others and moves the kept ones
 * to the front (corpus.c).  Returns how many are kept. */
size_t cs_shard_files(char **files, size_t nfiles, uint64_t k, uint64_t n);

#endif
