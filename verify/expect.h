/* expect.h - matching an outcome against a scenario's expectations
 * (scenario-format.md §6): subset matching, numbers within 1e-9, lists in
 * order except a group's `exceptions` (a multiset), plus the matchers
 * log_contains and tasks_in_state, `exact` (no task or scope beyond those
 * named), `canonical` (what the canonical schedule gives), and expect_any
 * alternatives. */
#ifndef CS_EXPECT_H
#define CS_EXPECT_H

#include <jansson.h>
#include <stdbool.h>

#include "load.h"
#include "trace.h"

/* `expect` merged key by key with `expect_by_backend[backend]` (new reference,
 * or NULL when the scenario states neither). */
json_t *cs_expect_merged(const cs_scenario *sc, cs_backend backend);

/* Checks `outcome` (section 4 JSON) against one expectation object.  Returns 0
 * when it matches; else 1 and *diff (caller frees) says where it first differs:
 * "PATH: expected X, got Y". */
int cs_expect_match(const json_t *expect, const json_t *outcome, char **diff);

/* The whole check for one run: the merged expectation, then expect_any (the
 * outcome must match at least one entry). 0 pass, 1 fail with *diff. */
int cs_expect_check(const cs_scenario *sc, cs_backend backend, const json_t *outcome, char **diff);
/* The same for one explored schedule: `canonical_run` false (any schedule but
 * Trio's canonical one) passes over `canonical` members. */
int cs_expect_check_schedule(const cs_scenario *sc, cs_backend backend, const json_t *outcome, bool canonical_run,
                             char **diff);

/* {"expect": {...}, "expect_by_backend": {...}} from the outcomes of one
 * scenario on one or two backends: keys equal on both go to `expect`, the
 * others to each backend's part (new reference).  Paste-ready (section 6). */
struct cs_outcome;
json_t *cs_expect_block(const struct cs_outcome *const *outs, size_t n);

#endif
