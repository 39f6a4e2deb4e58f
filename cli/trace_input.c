/* trace_input.c - `dot`, `timeline` and `explain` of a trace file instead of
 * a scenario: a run recorded by `run --trace` or by the recorder
 * (python/cancelsim_record) is read back event by event (verify/trace_read.h)
 * into the same sink a simulated run feeds, so what they print for a trace
 * `run --trace` wrote is byte for byte what they print for the run itself.
 *
 * How a FILE is told to be a trace (cli.h, cs_cli_is_trace): its name ends
 * in ".jsonl", or its first line is one JSON object with a string "ev" (the
 * event field of section 5; a scenario is an object with "format" and
 * "main", never "ev").  Standard input ("-") is always a scenario: its first
 * line cannot be read twice. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "trace_read.h"

/* How much of the first line is read to tell a trace from a scenario: a
 * run_start line lists the exception classes, a few KiB at most. */
#define CS__TRACE_SNIFF 65536

static bool cs__ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && strcmp(s + n - m, tail) == 0;
}

bool cs_cli_is_trace(const char *file)
{
    if (strcmp(file, "-") == 0)
        return false;
    if (cs__ends_with(file, ".jsonl"))
        return true;
    if (cs__ends_with(file, ".json") || cs_cli_is_python(file))
        return false; /* the usual names need no look inside */
    FILE *f = fopen(file, "r");
    if (!f)
        return false; /* the loader says why it cannot be read */
    char *line = malloc(CS__TRACE_SNIFF);
    bool trace = false;
    if (line && fgets(line, CS__TRACE_SNIFF, f)) {
        json_t *j = json_loads(line, JSON_DECODE_ANY, NULL);
        trace = json_is_object(j) && json_is_string(json_object_get(j, "ev"));
        json_decref(j);
    }
    free(line);
    fclose(f);
    return trace;
}

/* Feeds the events of the run chosen (the first run, or the first of
 * `backend` when want_backend) to sink; 0, 1 no such run (*found_backends
 * lists the backends seen, bit per backend), -1 bad line with *err. */
static int cs__replay_one(FILE *f, bool want_backend, cs_backend backend, cs_sink sink, unsigned *found_backends,
                          cs_trace_read_error *err)
{
    cs_trace_reader *r = cs_trace_reader_new(f);
    cs_event ev;
    int rc, state = 0; /* 0 before the run chosen, 1 in it, 2 after it */
    *found_backends = 0;
    memset(err, 0, sizeof *err);
    while (state < 2 && (rc = cs_trace_reader_next(r, &ev, err)) == 1) {
        if (ev.kind == CS_EV_RUN_START) {
            *found_backends |= 1u << ev.backend;
            if (state == 1)
                state = 2;
            else if (!want_backend || ev.backend == backend)
                state = 1;
        }
        if (state == 1)
            sink.fn(sink.ctx, &ev);
    }
    cs_trace_reader_free(r);
    if (state == 2)
        return 0; /* the rest of the file is another run's: not read */
    if (rc < 0)
        return -1;
    return state == 1 ? 0 : 1;
}

int cs_cli_trace_one_sink(const char *cmd, const char *file, bool want_backend, cs_backend backend, cs_sink sink)
{
    FILE *f = fopen(file, "r");
    if (!f) {
        fprintf(stderr, "%s: error: cannot read the file\n", file);
        return 2;
    }
    unsigned found = 0;
    cs_trace_read_error err;
    int rc = cs__replay_one(f, want_backend, backend, sink, &found, &err);
    fclose(f);
    if (rc < 0) {
        fprintf(stderr, "%s:%u:%u: error: %s\n", file, err.pos.line, err.pos.col, err.message);
        return 2;
    }
    if (rc == 1 && found == 0) {
        fprintf(stderr, "%s:1:1: error: no run_start: not a trace written by run --trace or the recorder\n", file);
        return 2;
    }
    if (rc == 1) {
        fprintf(stderr, "cancelsim %s: %s holds no %s run (it has %s)\n", cmd, file, cs_backend_name(backend),
                found == 1u << CS_BACKEND_TRIO      ? "trio"
                : found == 1u << CS_BACKEND_ASYNCIO ? "asyncio"
                                                    : "both");
        return 2;
    }
    return 0;
}

int cs_cli_source_one_sink(const char *cmd, const char *file, const cs_cli_source *src, cs_sink sink)
{
    if (!cs_cli_is_trace(file))
        return cs_cli_run_one_sink(cmd, file, src->backend_given ? src->backend : CS_BACKEND_ASYNCIO, src->seed,
                                   src->inject, sink);
    /* a recorded run is what it is: nothing to seed or inject */
    if (src->seed_given)
        return cs_cli_usage_error(cmd, "--seed applies to a scenario, not to the trace %s", file);
    if (src->inject)
        return cs_cli_usage_error(cmd, "--inject applies to a scenario, not to the trace %s", file);
    return cs_cli_trace_one_sink(cmd, file, src->backend_given, src->backend, sink);
}
