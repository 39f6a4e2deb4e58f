/* run_stats.c - the last run's counters, per thread (run_stats.h). */
#include "run_stats.h"

#include "engine_internal.h"

static _Thread_local cs_run_stats cs__last;

void cs__run_stats_record(const cs__engine *e)
{
    cs__last.events = e->nevents;
    cs__last.trace_events = e->ev_seq;
    cs__last.tasks = e->ntasks;
    cs__last.scopes = e->nscopes;
}

void cs_run_stats_last(cs_run_stats *out)
{
    *out = cs__last;
}
