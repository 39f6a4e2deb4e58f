/* run_request.h - one run of a scenario, as every command and driver asks for
 * it: which backend and seed, the limits, the forced schedule prefix, the
 * injected faults and the sinks.
 *
 * The engine's cs_run_options mixes what a command decides (backend, seed,
 * limits from the command line, a plan) with what each run supplies (its
 * sinks, its choice log); building it by hand in each of `run`, `dot`,
 * `timeline`, `explain`, `verify`, `inject`, `explore`, verify's schedule
 * sweep, `--update` and the HTML report let them drift apart (a limit one
 * command honoured and another forgot).  A request is the part a command
 * decides, set up once; cs_run_once adds the sinks and runs.
 */
#ifndef CS_RUN_REQUEST_H
#define CS_RUN_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "fault.h"

typedef struct cs_run_request {
    cs_backend backend;
    uint64_t seed; /* Trio's schedule choices; 0 = canonical */
    /* The run limits (time, steps, tasks, timers, trace, memory, depth) in
     * cs_run_options' fields; the other fields of `limits` are not read. */
    cs_run_options limits;
    const uint32_t *forced; /* Trio: the first schedule choices (borrowed), or NULL */
    size_t nforced;
    cs_choice_log *log;  /* Trio: where the run logs its choices, or NULL */
    const cs_plan *plan; /* injected faults (borrowed), or NULL */
} cs_run_request;

/* A request for the canonical run of `backend` with the default limits. */
void cs_run_request_init(cs_run_request *rq, cs_backend backend);

/* Runs `prog` once as `rq` asks, into `nsinks` sinks.  *err is cleared
 * first.  Returns cs_run's status (CS_OK, or a CS_E_* with *err filled). */
int cs_run_once(const cs_program *prog, const cs_run_request *rq, const cs_sink *sinks, size_t nsinks,
                cs_run_error *err);

#endif
