/* verify_trace.h - `verify SCENARIO --trace TRACE.jsonl` (drive/verify_trace.c):
 * the scenario's expectations checked against the runs a trace records. */
#ifndef CS_VERIFY_TRACE_H
#define CS_VERIFY_TRACE_H

#include <stdbool.h>

#include "verify_file.h"
#include "verify_report.h"

/* Adds one report entry per run of `trace` (its backend's expectations of
 * `scenario`, always and the findings; opt->strict: no expectation fails;
 * opt->load reads the scenario; the sweep options are not read).  Returns 0,
 * or 2 after printing why the scenario or the trace cannot be read. */
int cs_verify_trace(const char *scenario, const char *trace, const cs_verify_options *opt, cs_report *rep);

#endif
