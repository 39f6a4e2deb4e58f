/* inject_sweep.h - `cancelsim inject FILE`: the sweep of injected faults.
 *
 * For each backend, a run without faults gives the census (every task's
 * checkpoints and to_thread calls, every named scope's checkpoints); each
 * single fault it allows is a plan, then (max_faults 2) each pair.  Every plan
 * runs and is checked against the scenario's `always` and its findings
 * (inject.h).  A failing plan is shrunk to the fewest faults and the earliest
 * checkpoints that fail the same way; failures that shrink to the same plan
 * are one distinct failure, with the line that replays it.
 *
 * Plans are numbered in a fixed order (backend, then singles, then pairs), so
 * a shard (shard.h: every plan whose number is K-1 modulo N) splits a sweep
 * across machines and `jobs` across processes (pool.h) without changing what
 * is found or the order it is reported in.
 */
#ifndef CS_INJECT_SWEEP_H
#define CS_INJECT_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inject.h"

typedef struct cs_inject_options {
    const char *file; /* as given on the command line: replay lines name it */
    cs_inject_kinds kinds;
    uint64_t max_faults; /* 1 or 2 */
    bool explore;        /* every Trio schedule, up to max_schedules per plan */
    uint64_t max_schedules;
    uint64_t max_plans; /* the bound on the whole sweep (all shards) */
    unsigned jobs;      /* worker processes */
    uint64_t shard_k, shard_n;
    bool progress; /* "inject: N/M plans" on standard error */
} cs_inject_options;

/* One backend's plans: the singles of its census, then the pairs. */
typedef struct cs_inject_space {
    cs_backend backend;
    cs_fault *singles;
    size_t nsingles, capsingles;
    uint64_t nplans;     /* singles + pairs, after max_plans */
    bool base_failed;    /* the run without faults already fails: nothing to sweep */
    const char *skipped; /* why this backend is not swept (a limit), or NULL */
    char **left;         /* scopes left out of the timeout sweep: no deadline in the scenario */
    size_t nleft;
} cs_inject_space;

/* A failing run of a plan, as found and as shrunk. */
typedef struct cs_inject_failure {
    uint64_t index; /* global plan number (UINT64_MAX: the run without faults) */
    cs_backend backend;
    char *plan;   /* as run */
    char *shrunk; /* shrunk plan text ("" for the run without faults) */
    char *kind;
    char *detail;
    char *replay;
} cs_inject_failure;

typedef struct cs_inject_sweep {
    const cs_inject_options *opt; /* borrowed */
    const cs_scenario *sc;        /* borrowed */
    cs_expectations *x;           /* sc's, parsed once for every plan (owned) */
    cs_inject_space space[2];
    size_t nspace;
    uint64_t total;       /* plans in the whole sweep (all shards) */
    bool truncated;       /* stopped at max_plans */
    cs_inject_failure *v; /* the failing runs, in plan order */
    size_t n, cap;
    uint64_t plans, runs; /* plans of this shard run, and runs they took (shrinking included) */
    bool lost;            /* a worker process died: some plans are missing */
    /* single i of space b failed with this kind on the canonical schedule
     * (NULL: passed), and how it shrank: what its pairs reuse (borrowed from v) */
    char **single_kind[2];
    char **single_shrunk[2];
} cs_inject_sweep;

/* A sweep of `sc` on the backends given (asyncio first). */
void cs_inject_sweep_init(cs_inject_sweep *sw, const cs_inject_options *opt, const cs_scenario *sc,
                          const cs_backend *backends, size_t nbackends);
/* Runs the sweep.  Returns 0, or CS_E_LIMIT with *err filled when a run
 * without faults is refused before it runs (the depth limit: bad input). */
int cs_inject_sweep_run(cs_inject_sweep *sw, cs_run_error *err);
/* Checks one given plan on each backend instead (--plan), shrinking it when it fails. */
void cs_inject_sweep_plan(cs_inject_sweep *sw, const cs_plan *plan);
void cs_inject_sweep_free(cs_inject_sweep *sw);

/* Failures that shrink to the same plan and break the same way, whichever
 * schedules they appear on (the first found keeps its replay line). */
typedef struct cs_inject_distinct {
    const cs_inject_failure *first; /* borrowed from the sweep */
    uint64_t plans;                 /* failing runs that shrink to it */
} cs_inject_distinct;
/* The distinct failures in order of first appearance (*out: new array). */
size_t cs_inject_distinct_of(const cs_inject_sweep *sw, cs_inject_distinct **out);
/* Their kinds, in order of first appearance, into kinds[] (room for n; borrowed). */
size_t cs_inject_kinds_of(const cs_inject_distinct *d, size_t n, const char **kinds);
/* Whether two backends left out the same scopes (said once for both). */
bool cs_inject_same_left(const cs_inject_space *x, const cs_inject_space *y);

#endif
