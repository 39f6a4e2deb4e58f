/* fuzz_run.c - libFuzzer target: load arbitrary bytes and, when they are a
 * valid scenario, run the program on both backends with small limits, the
 * outcome sink and the JSON Lines trace writer (into /dev/null) listening.
 * Build with fuzz/build.sh.
 *
 * Half of the inputs also get a small trace limit and a quarter a small timer
 * limit, both drawn from a hash of the input (so an input always runs the
 * same way): the run then stops at an arbitrary event, in the middle of
 * whatever the engine was doing, which is where a limit stop could leave
 * something half-done. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "engine.h"
#include "load.h"
#include "outcome.h"
#include "trace_jsonl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *g_null;

static void run_one(const cs_program *prog, cs_backend backend, uint64_t h)
{
    cs_outcome *o = cs_outcome_new();
    if (!o)
        return;
    cs_trace_jsonl *tw = g_null ? cs_trace_jsonl_new(g_null) : NULL;
    cs_sink sinks[2] = {{cs_outcome_sink, o}, {cs_trace_jsonl_sink, tw}};
    cs_run_options opt;
    cs_run_options_init(&opt);
    opt.backend = backend;
    opt.step_limit = 20000;
    opt.time_limit = 1000;
    opt.task_limit = 1000; /* a large `count` stops at the limit at once */
    if (h & 1)
        opt.trace_limit = 1 + (h >> 8) % 400;
    if ((h & 6) == 0)
        opt.timer_limit = (h >> 20) % 8;
    opt.sinks = sinks;
    opt.nsinks = tw ? 2 : 1;
    cs_run_error err;
    (void)cs_run(prog, &opt, &err);
    if (tw)
        cs_trace_jsonl_free(tw);
    cs_outcome_free(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!g_null)
        g_null = fopen("/dev/null", "w");
    cs_scenario *sc = NULL;
    cs_load_error err;
    if (cs_load_buffer("fuzz.json", (const char *)data, size, &sc, &err) != 0)
        return 0;
    uint64_t h = 1469598103934665603ULL; /* FNV-1a of the input */
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 1099511628211ULL;
    run_one(sc->program, CS_BACKEND_ASYNCIO, h);
    run_one(sc->program, CS_BACKEND_TRIO, h >> 1);
    cs_scenario_free(sc);
    return 0;
}
