/* explore.h - running one scenario under many Trio schedules and collecting
 * the distinct outcomes (`cancelsim explore`, and `verify` on every schedule).
 *
 * A Trio run logs each schedule choice it makes (a batch's order, the order of
 * equal deadlines, of an event's waiters, of cancellation delivery) with its
 * number of options.  Three strategies walk that tree:
 *   dfs     every schedule, depth first: replay a prefix of choices, take
 *           option 0 after it, then bump the deepest choice with an option
 *           left.  With reduction, a batch whose order provably cannot matter
 *           (see cs_choice_log.mirror in engine.h) is not tried reversed.
 *   random  each run draws every choice from its own seed (seed i of the run,
 *           never 0): the replay line is `--seed S`.
 *   pct     probabilistic concurrency testing adapted to choice points: the
 *           run takes the canonical option everywhere except at d-1 change
 *           points drawn at random among the choice points of the run before,
 *           where it takes a random option (depth d = 1: canonical only).
 * Every outcome keeps the exact choices of the first run that gave it, so its
 * replay line needs no search. */
#ifndef CS_EXPLORE_H
#define CS_EXPLORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "outcome.h"

typedef enum { CS_EXPLORE_DFS, CS_EXPLORE_RANDOM, CS_EXPLORE_PCT } cs_explore_strategy;

typedef struct cs_explore_progress {
    uint64_t schedules;
    size_t outcomes;
    double seconds;
} cs_explore_progress;

typedef struct cs_explore_options {
    cs_explore_strategy strategy;
    uint64_t max_schedules; /* stop after this many runs; 0 = no bound */
    double budget_s;        /* stop after this much wall time; 0 = none */
    uint32_t depth;         /* pct: priority-change depth (>= 1) */
    uint64_t seed;          /* random/pct: the sequence's base seed */
    bool reduce;            /* dfs: prune provably equivalent batch orders */
    bool mixed;             /* dfs: past the first half of max_schedules (or
                                of budget_s), random seeds for the rest unless
                                dfs looks like finishing within them (the
                                default: "mixed") */
    /* Called about five times a second while exploring (NULL: never). */
    void (*progress)(void *ctx, const cs_explore_progress *p);
    void *progress_ctx;
} cs_explore_options;

void cs_explore_options_init(cs_explore_options *opt);
/* "dfs", "random", "pct"; false on anything else. */
bool cs_explore_parse_strategy(const char *s, cs_explore_strategy *out);
const char *cs_explore_strategy_name(cs_explore_strategy s);
/* --strategy NAME into opt: "mixed" (dfs, then random seeds: the default),
 * "dfs" (depth first only), "random", "pct"; false on anything else. */
bool cs_explore_set_strategy(cs_explore_options *opt, const char *s);
/* The name cs_explore_set_strategy takes for opt's strategy. */
const char *cs_explore_options_strategy(const cs_explore_options *opt);

typedef struct cs_explore_found {
    cs_outcome *outcome;
    char *key; /* the outcome as one-line JSON: its identity */
    size_t keylen;
    uint64_t hash;
    uint64_t schedules; /* runs that gave it */
    uint64_t first;     /* 1-based index of the first run that gave it */
    uint32_t *choices;  /* that run's choices (trailing zeros trimmed) */
    size_t nchoices;
    uint64_t seed; /* that run's seed when it had no forced choices */
    bool by_seed;
} cs_explore_found;

typedef enum {
    CS_EXPLORE_COMPLETE, /* dfs tried every schedule (up to reduction) */
    CS_EXPLORE_MAX,      /* stopped at max_schedules */
    CS_EXPLORE_BUDGET    /* stopped at budget_s */
} cs_explore_stop;

typedef struct cs_explore_result {
    cs_explore_found *v; /* in order of discovery */
    size_t n, cap;
    uint64_t schedules; /* runs done */
    uint64_t pruned;    /* dfs with reduction: batch reversals not tried */
    uint64_t dfs_runs;  /* mixed: runs dfs made before random seeds took
                             over (0: dfs never gave up) */
    cs_explore_stop stop;
    double seconds;
    size_t *table; /* hash table of indices + 1 into v */
    size_t table_cap;
} cs_explore_result;

/* Explores `p` on Trio.  Returns CS_OK with *res filled (free it with
 * cs_explore_result_free in every case), or the first run's error code with
 * *err (a scenario error at run time, a limit that refuses the run). */
int cs_explore(const cs_program *p, const cs_explore_options *opt, cs_explore_result *res, cs_run_error *err);
void cs_explore_result_free(cs_explore_result *res);

/* "cancelsim run FILE --backend trio --seed S" or "... --schedule C0,C1,..."
 * (new string). */
char *cs_explore_replay(const char *file, const cs_explore_found *f);
/* The choices as --schedule takes them, "0" when there are none (new string). */
char *cs_explore_schedule_text(const uint32_t *v, size_t n);

/* The one-line growth summary: when the distinct outcomes were found and
 * whether the last ones came late ("still finding new ones") or not (new
 * string, no newline). */
char *cs_explore_growth(const cs_explore_result *res);

/* explore_diff.c: what differs between the outcomes, for a person: one
 * summary line per outcome, the log lines whose order or presence changes, the
 * tasks whose state or end changes, the result when it changes. */
void cs_explore_write_differences(const cs_explore_result *res, FILE *f);

#endif
