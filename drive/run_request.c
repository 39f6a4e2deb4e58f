/* run_request.c - one run from a request (see run_request.h). */
#include "run_request.h"

#include <assert.h>
#include <string.h>

void cs_run_request_init(cs_run_request *rq, cs_backend backend)
{
    memset(rq, 0, sizeof *rq);
    cs_run_options_init(&rq->limits);
    rq->backend = backend;
}

int cs_run_once(const cs_program *prog, const cs_run_request *rq, const cs_sink *sinks, size_t nsinks,
                cs_run_error *err)
{
    assert(nsinks <= UINT32_MAX);
    cs_run_options opt = rq->limits;
    opt.backend = rq->backend;
    opt.seed = rq->seed;
    opt.forced = rq->forced;
    opt.nforced = rq->nforced;
    opt.choices = rq->log;
    opt.faults = rq->plan ? rq->plan->v : NULL;
    opt.nfaults = rq->plan ? rq->plan->n : 0;
    opt.sinks = sinks;
    opt.nsinks = (uint32_t)nsinks;
    memset(err, 0, sizeof *err);
    return cs_run(prog, &opt, err);
}
