/* run_stats.h - counters of a run, for benchmarks (bench/README.md).
 *
 * An engine event is one unit of scheduled work: on asyncio, one callback the
 * loop runs (a task step or wake-up, a timer's callback such as a sleep ending
 * or a scope's timeout, a cancellation delivery, a done-callback); on Trio, one
 * task step from a run batch, one expired deadline, one delivery of a pending
 * cancellation to a parked task.  Trace events are what the sinks receive.
 */
#ifndef CS_RUN_STATS_H
#define CS_RUN_STATS_H

#include <stdint.h>

typedef struct cs_run_stats {
    uint64_t events;       /* engine events */
    uint64_t trace_events; /* trace events emitted */
    uint64_t tasks;        /* tasks created, main included */
    uint64_t scopes;       /* scope instances, internal ones included */
} cs_run_stats;

/* The counters of the calling thread's last cs_run (zero before any). */
void cs_run_stats_last(cs_run_stats *out);

#endif
