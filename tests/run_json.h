/* run_json.h - the Check suites' one way to run a scenario text and read its
 * outcome: load a buffer (a load error fails the test), run it with an
 * outcome sink (and the findings checker when asked), return the outcome as
 * JSON, and the accessors the suites read it with (log lines, what main
 * raised, a task's record).  Header-only like corpus.h: each suite is one
 * executable, and `static inline` keeps a suite that uses only some of it
 * free of unused-function warnings.  Include after <check.h>. */
#ifndef CS_TEST_RUN_JSON_H
#define CS_TEST_RUN_JSON_H

#include <jansson.h>
#include <string.h>

#include "engine.h"
#include "findings.h"
#include "load.h"
#include "outcome.h"

/* The step limit of every run here: far above what a unit scenario takes. */
#define CS_TEST_STEP_LIMIT 100000

/* Loads `text` (as t.json); a load error fails the test with its message. */
static inline cs_scenario *cs_test_load(const char *text)
{
    cs_scenario *sc = NULL;
    cs_load_error err;
    ck_assert_msg(cs_load_buffer("t.json", text, strlen(text), &sc, &err) == 0, "load: %s", err.message);
    return sc;
}

/* Loads `text` (as t.json), which must fail: the loader's error. */
static inline cs_load_error cs_test_load_error(const char *text)
{
    cs_scenario *sc = NULL;
    cs_load_error err;
    ck_assert_int_ne(cs_load_buffer("t.json", text, strlen(text), &sc, &err), 0);
    return err;
}

/* Runs prog on backend b with the one sink {fn, ctx}; the run must succeed. */
static inline void cs_test_run_sink(const cs_program *prog, cs_backend b, void (*fn)(void *, const cs_event *),
                                    void *ctx)
{
    cs_sink sink = {fn, ctx};
    cs_run_options opt;
    cs_run_options_init(&opt);
    opt.backend = b;
    opt.sinks = &sink;
    opt.nsinks = 1;
    cs_run_error err;
    ck_assert_int_eq(cs_run(prog, &opt, &err), CS_OK);
}

/* Runs `text` on backend b with at most task_limit tasks and returns the
 * outcome as JSON (new reference); when `f` is given, feeds the findings
 * checker too. */
static inline json_t *cs_test_run_json(const char *text, cs_backend b, uint64_t task_limit, cs_findings *f)
{
    cs_scenario *sc = cs_test_load(text);
    cs_outcome *o = cs_outcome_new();
    cs_sink sinks[2] = {{cs_outcome_sink, o}, {cs_findings_sink, f}};
    cs_run_options opt;
    cs_run_options_init(&opt);
    opt.sinks = sinks;
    opt.nsinks = f ? 2 : 1;
    opt.step_limit = CS_TEST_STEP_LIMIT;
    opt.task_limit = task_limit;
    opt.backend = b;
    cs_run_error rerr;
    ck_assert_int_eq(cs_run(sc->program, &opt, &rerr), CS_OK);
    json_t *j = cs_outcome_to_json(o);
    cs_outcome_free(o);
    cs_scenario_free(sc);
    return j;
}

/* The same with the default task limit. */
static inline json_t *cs_test_run_on(const char *text, cs_backend b, cs_findings *f)
{
    return cs_test_run_json(text, b, CS_DEFAULT_TASK_LIMIT, f);
}

/* The i-th line of the outcome's log (borrowed), and its message. */
static inline json_t *cs_test_log_line(json_t *j, size_t i)
{
    return json_array_get(json_object_get(j, "log"), i);
}

static inline const char *cs_test_log_msg(json_t *j, size_t i)
{
    return json_string_value(json_object_get(cs_test_log_line(j, i), "msg"));
}

/* Asserts that the log's first messages are the NULL-terminated want[]. */
static inline void cs_test_log_starts(json_t *j, const char *const *want)
{
    for (size_t i = 0; want[i]; i++)
        ck_assert_str_eq(cs_test_log_msg(j, i), want[i]);
}

/* A field ("type", "message", ...) of what the run raised, or NULL. */
static inline const char *cs_test_raised(json_t *j, const char *key)
{
    return json_string_value(json_object_get(json_object_get(json_object_get(j, "result"), "raised"), key));
}

/* A task's record in the outcome (borrowed), its end state and end time. */
static inline json_t *cs_test_task(json_t *j, const char *task)
{
    return json_object_get(json_object_get(j, "tasks"), task);
}

static inline const char *cs_test_task_state(json_t *j, const char *task)
{
    return json_string_value(json_object_get(cs_test_task(j, task), "state"));
}

static inline double cs_test_task_end(json_t *j, const char *task)
{
    return json_number_value(json_object_get(cs_test_task(j, task), "end"));
}

#endif
