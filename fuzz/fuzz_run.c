/* fuzz_run.c - libFuzzer target: load arbitrary bytes and, when they are a
 * valid scenario, run the program on both backends with small limits, the
 * outcome sink and the JSON Lines trace writer (into /dev/null) listening.
 * Build with fuzz/build.sh.
 *
 * Half of the inputs also get a small trace limit and a quarter a small timer
 * limit, both drawn from a hash of the input (so an input always runs the
 * same way): the run then stops at an arbitrary event, in the middle of
 * whatever the engine was doing, which is where a limit stop could leave
 * something half-done.  A third also get a fault plan drawn from the hash
 * (fail, timeout, delay or thread-fail on a declared task or scope, at one
 * of its first checkpoints), so injected runs are fuzzed too. */
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
    cs_fault faults[2];
    uint32_t nfaults = 0;
    for (uint32_t i = 0; i < 2 && (h >> (40 + i)) % 3 == 0; i++) {
        uint64_t r = h * (0x9E3779B97F4A7C15ULL + i);
        cs_fault *f = &faults[nfaults];
        f->kind = (cs_fault_kind)(r % 4);
        f->k = 1 + (uint32_t)((r >> 8) % 4);
        f->cls = (r >> 12) & 1 ? CS_EXC_RUNTIME_ERROR : CS_EXC_KEYBOARD_INTERRUPT;
        f->seconds = (double)((r >> 16) % 3);
        if (f->kind == CS_FAULT_TIMEOUT) {
            if (!prog->nscopes)
                continue;
            f->target = (char *)prog->scopes[(r >> 24) % prog->nscopes].name;
        } else {
            uint32_t t = (uint32_t)((r >> 24) % (prog->ntasks + 1));
            f->target = t == prog->ntasks ? (char *)"main" : (char *)prog->tasks[t].name;
        }
        nfaults++;
    }
    opt.faults = faults;
    opt.nfaults = nfaults;
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
