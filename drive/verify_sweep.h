/* verify_sweep.h - `verify` on every Trio schedule: explore the scenario
 * (explore.h) and check each distinct outcome against its expectations.
 *
 * `expect` (merged with expect_by_backend.trio) must hold on every explored
 * schedule; `expect_any` is checked both ways: every explored outcome matches
 * some entry, and, when the exploration was complete, every entry is matched
 * by some explored outcome.  Findings come from the canonical run (the sweep
 * does not compute them per schedule), so each outcome is checked with the
 * canonical run's findings. */
#ifndef CS_VERIFY_SWEEP_H
#define CS_VERIFY_SWEEP_H

#include "expect_load.h"
#include "explore.h"
#include "findings.h"
#include "load.h"

typedef struct cs_sweep_result {
    bool failed;
    char *detail; /* owned: every mismatch, by schedule (failed), or NULL */
    char *replay; /* owned: the first failing schedule's replay line, or NULL */
    char *note;   /* owned: "checked on N schedules, complete" */
    uint64_t schedules;
    bool complete;
} cs_sweep_result;

/* The default bound of a scenario's sweep: dfs for the first half, random
 * seeds for the rest unless dfs looks like finishing (explore's "mixed"). */
#define CS_SWEEP_DEFAULT_SCHEDULES 2000

/* Sweeps `sc` (loaded from `file`, its expectations `x`) on Trio; `findings`
 * are the canonical run's (borrowed).  Fills *out (free with
 * cs_sweep_result_free). */
void cs_verify_sweep(const char *file, const cs_scenario *sc, const cs_expectations *x, const cs_findings *findings,
                     const cs_explore_options *opt, cs_sweep_result *out);
void cs_sweep_result_free(cs_sweep_result *r);

/* verify's use: when entry `r` (Trio, canonical schedule) passed, sweeps and
 * turns it into a FAIL with the sweep's detail and replay, or keeps the PASS
 * with the note "N schedules, complete". */
struct cs_report_entry;
void cs_verify_sweep_entry(const char *file, const cs_scenario *sc, const cs_expectations *x,
                           const cs_findings *findings, const cs_explore_options *opt, struct cs_report_entry *r);

#endif
