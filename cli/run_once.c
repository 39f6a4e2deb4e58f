/* run_once.c - what the commands that draw or print one run share: loading
 * FILE with its --inject plan, choosing the backends, and running once into
 * a sink with the errors printed as `dot`, `timeline` and `explain` print
 * them.  The run itself is drive/run_request.h's cs_run_once, which every
 * command and driver goes through. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "load.h"
#include "run_request.h"

int cs_cli_open(const char *cmd, const char *file, const char *plan_text, const char *flag, cs_scenario **sc,
                cs_plan *plan)
{
    cs_load_error lerr;
    memset(plan, 0, sizeof *plan);
    *sc = NULL;
    if (cs_cli_load(file, sc, &lerr) != 0) {
        cs_load_error_print(&lerr, stderr);
        return 2;
    }
    char perr[256];
    if (plan_text && cs_plan_parse((*sc)->program, plan_text, plan, perr, sizeof perr) < 0) {
        fprintf(stderr, "cancelsim %s: %s: %s\n", cmd, flag, perr);
        cs_scenario_free(*sc);
        *sc = NULL;
        return 2;
    }
    return 0;
}

size_t cs_cli_backends(const cs_program *prog, cs_backend_sel sel, bool given, cs_backend out[2])
{
    size_t n = 0;
    if (sel != CS_SEL_TRIO && (given || prog->run_asyncio))
        out[n++] = CS_BACKEND_ASYNCIO;
    if (sel != CS_SEL_ASYNCIO && (given || prog->run_trio))
        out[n++] = CS_BACKEND_TRIO;
    return n;
}

int cs_cli_run_one_sink(const char *cmd, const char *file, cs_backend backend, uint64_t seed, const char *inject,
                        cs_sink sink)
{
    cs_scenario *sc;
    cs_plan plan;
    if (cs_cli_open(cmd, file, inject, "--inject", &sc, &plan) != 0)
        return 2;
    cs_run_request rq;
    cs_run_request_init(&rq, backend);
    rq.seed = seed;
    rq.plan = &plan;
    cs_run_error err;
    int rc = cs_run_once(sc->program, &rq, &sink, 1, &err);
    cs_plan_free(&plan);
    cs_scenario_free(sc);
    if (rc == CS_OK)
        return 0;
    if (err.pos.line)
        fprintf(stderr, "%s:%u:%u: error: %s\n", cs_cli_file_name(file), err.pos.line, err.pos.col, err.message);
    else if (rc == CS_E_UNSUPPORTED)
        fprintf(stderr, "cancelsim %s: the %s backend is not available: %s\n", cmd, cs_backend_name(backend),
                err.message);
    else
        fprintf(stderr, "%s: error: %s\n", cs_cli_file_name(file), err.message);
    return 2;
}
