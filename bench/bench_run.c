/* bench_run.c - cancelsim-bench: one measured run of a scenario, for bench/run.sh.
 *
 *   cancelsim-bench FILE [--backend asyncio|trio] [--out OUT.json] [--trace OUT.jsonl]
 *                        [--step-limit N] [--task-limit N] [--memory-limit MIB]
 *
 * Does what `cancelsim run FILE --backend B --format json [--trace T]` does
 * (load, run with the outcome sink and optionally the JSON Lines trace writer,
 * write the JSON outcome to OUT, default /dev/null) and prints one line of
 * key=value pairs:
 *
 *   events       engine events (run_stats.h: loop callbacks, Trio task steps,
 *                deadline expiries, deliveries)
 *   trace_events trace events emitted; tasks, scopes: instances created
 *   load_s run_s write_s wall_s   seconds (monotonic clock); wall_s = the three
 *   events_per_s events / run_s (the run includes the sinks: outcome, trace)
 *   run_cpu_s    CPU seconds (user + system) of the run; events_per_cpu_s =
 *                events / run_cpu_s.  On a machine shared with other work the
 *                CPU figures are the ones to compare; wall time waits its turn.
 *   cpu_s        CPU seconds of the whole process
 *   rss_kib      peak resident set of the process (getrusage)
 *
 * Exit status 0 when the run ended (whatever it raised), 2 on an error.
 * Limits are cs_run_options_init's defaults except the step limit (default
 * here 10^9, as bench/run.sh always passed), the task limit and the memory
 * limit when given (--memory-limit 0: no memory checks, whose mallinfo2()
 * calls cost time on large heaps).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "engine.h"
#include "load.h"
#include "outcome.h"
#include "run_stats.h"
#include "trace_jsonl.h"

static double cs__now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cs__cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 + (double)ru.ru_stime.tv_sec +
           (double)ru.ru_stime.tv_usec * 1e-6;
}

static int cs__usage(const char *msg)
{
    fprintf(stderr,
            "cancelsim-bench: %s\n"
            "usage: cancelsim-bench FILE [--backend asyncio|trio] [--out OUT.json] "
            "[--trace OUT.jsonl] [--step-limit N] [--task-limit N] [--memory-limit MIB]\n",
            msg);
    return 2;
}

int main(int argc, char **argv)
{
    const char *file = NULL, *out = "/dev/null", *trace = NULL;
    cs_backend backend = CS_BACKEND_ASYNCIO;
    unsigned long long step_limit = 1000000000ULL, task_limit = 0, memory_limit = ULLONG_MAX;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (o[0] != '-') {
            if (file)
                return cs__usage("more than one FILE");
            file = o;
            continue;
        }
        if (!v)
            return cs__usage("option without a value");
        i++;
        if (strcmp(o, "--backend") == 0) {
            if (strcmp(v, "asyncio") == 0)
                backend = CS_BACKEND_ASYNCIO;
            else if (strcmp(v, "trio") == 0)
                backend = CS_BACKEND_TRIO;
            else
                return cs__usage("--backend is asyncio or trio");
        } else if (strcmp(o, "--out") == 0) {
            out = v;
        } else if (strcmp(o, "--trace") == 0) {
            trace = v;
        } else if (strcmp(o, "--step-limit") == 0) {
            step_limit = strtoull(v, NULL, 10);
        } else if (strcmp(o, "--task-limit") == 0) {
            task_limit = strtoull(v, NULL, 10);
        } else if (strcmp(o, "--memory-limit") == 0) { /* 0: none */
            memory_limit = strtoull(v, NULL, 10);
        } else {
            return cs__usage("unknown option");
        }
    }
    if (!file)
        return cs__usage("missing FILE");

    double t0 = cs__now();
    cs_scenario *sc = NULL;
    cs_load_error lerr;
    if (cs_load_file(file, &sc, &lerr) != 0) {
        cs_load_error_print(&lerr, stderr);
        return 2;
    }
    FILE *tf = NULL;
    if (trace && !(tf = fopen(trace, "w"))) {
        fprintf(stderr, "cancelsim-bench: cannot write %s\n", trace);
        cs_scenario_free(sc);
        return 2;
    }
    double t1 = cs__now(), c1 = cs__cpu();

    cs_outcome *o = cs_outcome_new();
    cs_trace_jsonl *tw = tf ? cs_trace_jsonl_new(tf) : NULL;
    cs_sink sinks[2] = {{cs_outcome_sink, o}, {cs_trace_jsonl_sink, tw}};
    cs_run_options opt;
    cs_run_options_init(&opt);
    opt.backend = backend;
    opt.step_limit = step_limit;
    if (task_limit)
        opt.task_limit = task_limit;
    if (memory_limit != ULLONG_MAX)
        opt.memory_limit_mib = memory_limit;
    opt.sinks = sinks;
    opt.nsinks = tw ? 2 : 1;
    cs_run_error err;
    memset(&err, 0, sizeof err);
    int rc = cs_run(sc->program, &opt, &err);
    if (tw)
        cs_trace_jsonl_free(tw);
    if (tf)
        fclose(tf); /* the trace is part of the run's cost */
    double t2 = cs__now(), c2 = cs__cpu();
    cs_run_stats st;
    cs_run_stats_last(&st);
    if (rc != CS_OK) {
        fprintf(stderr, "%s:%u:%u: error: %s\n", file, err.pos.line, err.pos.col, err.message);
        cs_outcome_free(o);
        cs_scenario_free(sc);
        return 2;
    }

    FILE *of = fopen(out, "w");
    if (!of) {
        fprintf(stderr, "cancelsim-bench: cannot write %s\n", out);
        cs_outcome_free(o);
        cs_scenario_free(sc);
        return 2;
    }
    cs_outcome_write_json(o, of, 0);
    fputc('\n', of);
    fclose(of);
    cs_outcome_free(o);
    cs_scenario_free(sc);
    double t3 = cs__now();

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double run_s = t2 - t1;
    printf("events=%llu trace_events=%llu tasks=%llu scopes=%llu load_s=%.4f run_s=%.4f write_s=%.4f "
           "wall_s=%.4f events_per_s=%.0f run_cpu_s=%.4f events_per_cpu_s=%.0f cpu_s=%.4f rss_kib=%ld\n",
           (unsigned long long)st.events, (unsigned long long)st.trace_events, (unsigned long long)st.tasks,
           (unsigned long long)st.scopes, t1 - t0, run_s, t3 - t2, t3 - t0, run_s > 0 ? (double)st.events / run_s : 0.0,
           c2 - c1, c2 > c1 ? (double)st.events / (c2 - c1) : 0.0, cs__cpu(), ru.ru_maxrss);
    return 0;
}
