/* verify_file.h - `cancelsim verify` of one scenario file: every backend it
 * runs on, checked against its expectations and the built-in findings
 * (scenario-format.md section 6), into report entries (verify_report.h). */
#ifndef CS_VERIFY_FILE_H
#define CS_VERIFY_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "explore.h"
#include "load.h"
#include "verify_report.h"

typedef struct cs_verify_options {
    /* A backend without any expectation fails (--strict) instead of skipping. */
    bool strict;
    /* Trio's schedules to check (--schedules, --max-schedules); max_schedules
     * 0: the canonical one only. */
    cs_explore_options sweep;
    /* The loader: cs_load_file, or the CLI's (which also translates FILE.py). */
    int (*load)(const char *file, cs_scenario **out, cs_load_error *err);
} cs_verify_options;

/* The entries one file produced (one per backend, or one load error). */
typedef struct cs_verify_result {
    cs_report_entry *v; /* owned array; the entries' strings are owned too */
    size_t n;
    bool bad; /* bad input: verify exits 2 if nothing failed */
} cs_verify_result;

/* Verifies `file` into *out (cleared first). */
void cs_verify_file(const char *file, const cs_verify_options *opt, cs_verify_result *out);

#endif
