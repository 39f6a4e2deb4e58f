/* expect.h - matching an outcome against a scenario's expectations
 * (scenario-format.md §6): subset matching, numbers within 1e-9, lists in
 * order except a group's `exceptions` (a multiset), plus the matchers
 * log_contains and tasks_in_state, `exact` (no task or scope beyond those
 * named), `canonical` (what the canonical schedule gives), and expect_any
 * alternatives.
 *
 * Both sides are cs_xv values (xvalue.h): the expectations parsed once per
 * scenario (expect_load.h), the outcome with its findings (cs_outcome_xv).
 * Nothing here reads Jansson. */
#ifndef CS_EXPECT_H
#define CS_EXPECT_H

#include <stdbool.h>

#include "expect_load.h"
#include "trace.h"
#include "xvalue.h"

/* Checks `outcome` against one expectation object.  Returns 0 when it
 * matches; else 1 and *diff (caller frees) lists where it differs, one
 * "PATH: expected X, got Y" a line. */
int cs_expect_match(const cs_xv *expect, const cs_xv *outcome, char **diff);

/* The whole check for one run: the merged expectation, then expect_any (the
 * outcome must match at least one entry); a finding nothing declares fails.
 * 0 pass, 1 fail with *diff. */
int cs_expect_check(const cs_expectations *x, cs_backend backend, const cs_xv *outcome, char **diff);
/* The same for one explored schedule: `canonical_run` false (any schedule but
 * Trio's canonical one) passes over `canonical` members. */
int cs_expect_check_schedule(const cs_expectations *x, cs_backend backend, const cs_xv *outcome, bool canonical_run,
                             char **diff);

#endif
