/* pool.h - worker processes for work split into numbered items (verify's
 * files, inject's plans), with the results handed back in item order, so the
 * output of N jobs is byte-identical to the output of one.
 *
 * Item i goes to worker i mod N; each worker computes its items in order and
 * writes each result to its own pipe; the parent reads item 0 from worker 0,
 * item 1 from worker 1, and so on.  Results thus arrive in item order without
 * buffering in the parent, and a worker blocked on a full pipe is always one
 * the parent will read next.  Processes rather than threads: the engine and
 * the loader were not written to share an address space, and a crash in one
 * item costs only that worker's remaining items.
 *
 * The caller says how to compute, write, read and consume a result (the wire
 * format is the caller's, with the helpers below); the pool knows nothing of
 * what the items are.
 */
#ifndef CS_POOL_H
#define CS_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* More workers than this are clamped (each costs a process and a pipe). */
#define CS_POOL_MAX_JOBS 256u

typedef struct cs_pool_ops {
    /* Computes item i into a new result (in a worker, or in this process). */
    void *(*work)(void *ctx, size_t i);
    /* In a worker: writes result `res` of item i to the pipe. */
    void (*put)(void *ctx, size_t i, const void *res, FILE *f);
    /* In the parent: reads item i's result from the pipe; NULL when it cannot
     * (the worker died: the pipe ended or the bytes are not a result). */
    void *(*get)(void *ctx, size_t i, FILE *f);
    /* Frees a result that `done` will not see (a worker's, once written). */
    void (*free)(void *ctx, void *res);
    /* In the parent, for item 0, 1, 2, ... in order: takes `res`, or NULL
     * when the worker that computed it died before handing it over. */
    void (*done)(void *ctx, size_t i, void *res);
} cs_pool_ops;

/* Runs items 0..n-1 in `jobs` worker processes (in this process when jobs <=
 * 1, or when pipes cannot be made; a worker that cannot be forked has its
 * items computed here), calling ops->done for each in order. */
void cs_pool_run(size_t n, unsigned jobs, const cs_pool_ops *ops, void *ctx);

/* The wire helpers: host byte order (the reader is a fork of the writer). */
void cs_pool_put_u32(FILE *f, uint32_t v);
void cs_pool_put_u64(FILE *f, uint64_t v);
/* A string as its u32 length (UINT32_MAX: NULL) and its bytes. */
void cs_pool_put_str(FILE *f, const char *s);
bool cs_pool_get_u32(FILE *f, uint32_t *v);
bool cs_pool_get_u64(FILE *f, uint64_t *v);
/* A new string (NULL for a NULL one); false when the stream ends early. */
bool cs_pool_get_str(FILE *f, char **s);

#endif
