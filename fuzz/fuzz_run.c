/* fuzz_run.c - libFuzzer target: load arbitrary bytes and, when they are a
 * valid scenario, run the program on both backends with small limits, the
 * outcome sink listening.  Build with fuzz/build.sh. */
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "load.h"
#include "outcome.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void run_one(const cs_program *prog, cs_backend backend)
{
    cs_outcome *o = cs_outcome_new();
    if (!o)
        return;
    cs_sink sink = {cs_outcome_sink, o};
    cs_run_options opt;
    cs_run_options_init(&opt);
    opt.backend = backend;
    opt.step_limit = 20000;
    opt.time_limit = 1000;
    opt.task_limit = 1000; /* a large `count` stops at the limit at once */
    opt.sinks = &sink;
    opt.nsinks = 1;
    cs_run_error err;
    (void)cs_run(prog, &opt, &err);
    cs_outcome_free(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cs_scenario *sc = NULL;
    cs_load_error err;
    if (cs_load_buffer("fuzz.json", (const char *)data, size, &sc, &err) != 0)
        return 0;
    run_one(sc->program, CS_BACKEND_ASYNCIO);
    run_one(sc->program, CS_BACKEND_TRIO);
    cs_scenario_free(sc);
    return 0;
}
