/* test_agen.c - Check tests for async generator objects driven by hand
 * (sim/core/agen.c, sim/load/load_agen.c): a generator's frames leave the
 * driving task at its yield and come back in whichever task resumes it,
 * CPython's errors (already running, StopAsyncIteration), aclose of a
 * generator never started, the loader's rules, and what is refused as not
 * modelled.  Expected values come from real AnyIO 4.14.2
 * (tools/reference_ext/generators.py; scenarios/generators/agen-*.json). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_json.h"

static void load_fails_with(const char *text, const char *msg)
{
    cs_load_error err = cs_test_load_error(text);
    ck_assert_msg(strstr(err.message, msg) != NULL, "got: %s", err.message);
}

/* The run of `text` on b stops with `rc` and an error holding msg. */
static void run_refused(const char *text, cs_backend b, int rc, const char *msg)
{
    cs_scenario *sc = cs_test_load(text);
    cs_run_options opt;
    cs_run_options_init(&opt);
    opt.backend = b;
    cs_run_error err;
    ck_assert_int_eq(cs_run(sc->program, &opt, &err), rc);
    ck_assert_msg(strstr(err.message, msg) != NULL, "got: %s", err.message);
    cs_scenario_free(sc);
}

/* The generator's locals survive its trips off the stack, and the value
 * each anext returns is the one its yield gave. */
START_TEST(anext_values_and_locals)
{
    for (int b = 0; b < 2; b++) {
        json_t *j = cs_test_run_on(
            "{\"functions\": {\"g\": {\"params\": [\"x\"], \"body\": [{\"let\": \"y\", \"value\": {\"name\": \"x\"}}, "
            "{\"yield\": 1}, {\"sleep\": 1}, {\"print\": [\"gen\", {\"name\": \"y\"}]}, {\"yield\": 2}]}},"
            " \"main\": [{\"agen\": \"g\", \"args\": [7], \"as\": \"it\"}, {\"anext\": \"it\", \"as\": \"v\"},"
            " {\"print\": [{\"name\": \"v\"}]}, {\"anext\": \"it\", \"as\": \"v\"}, {\"print\": [{\"name\": \"v\"}]},"
            " {\"try\": [{\"anext\": \"it\"}], \"except\": [{\"match\": \"StopAsyncIteration\", \"body\": "
            "[{\"log\": \"stop\"}]}]}]}",
            b ? CS_BACKEND_TRIO : CS_BACKEND_ASYNCIO, NULL);
        ck_assert_ptr_null(cs_test_raised(j, "type"));
        cs_test_log_starts(j, (const char *const[]){"1", "gen 7", "2", "stop", NULL});
        json_decref(j);
    }
}
END_TEST

/* A child task's anext is suspended inside the generator: main's anext and
 * aclose raise CPython's RuntimeError; the child's goes on. */
START_TEST(already_running_from_another_task)
{
    json_t *j = cs_test_run_on(
        "{\"functions\": {\"g\": [{\"sleep\": 1}, {\"yield\": 1}], \"c\": [{\"anext\": \"it\", \"as\": \"v\"}, "
        "{\"print\": [\"child\", {\"name\": \"v\"}]}]},"
        " \"main\": [{\"agen\": \"g\", \"as\": \"it\"}, {\"task_group\": \"tg\", \"body\": [{\"start_soon\": \"k\", "
        "\"function\": \"c\"}, {\"sleep\": 0.5}, {\"try\": [{\"anext\": \"it\"}], \"except\": [{\"match\": "
        "\"RuntimeError\", \"as\": \"e\", \"body\": [{\"print\": [{\"name\": \"e\"}]}]}]}, {\"try\": [{\"aclose\": "
        "\"it\"}], \"except\": [{\"match\": \"RuntimeError\", \"as\": \"e\", \"body\": [{\"print\": [{\"name\": "
        "\"e\"}]}]}]}]}, {\"aclose\": \"it\"}]}",
        CS_BACKEND_TRIO, NULL);
    ck_assert_ptr_null(cs_test_raised(j, "type"));
    cs_test_log_starts(j,
                       (const char *const[]){"anext(): asynchronous generator is already running",
                                             "aclose(): asynchronous generator is already running", "child 1", NULL});
    ck_assert_str_eq(json_string_value(json_object_get(cs_test_log_line(j, 2), "task")), "k");
    json_decref(j);
}
END_TEST

/* aclose() of a generator never started runs nothing; anext then stops. */
START_TEST(aclose_unstarted_runs_nothing)
{
    json_t *j =
        cs_test_run_on("{\"functions\": {\"g\": [{\"try\": [{\"yield\": 1}], \"finally\": [{\"log\": \"finally\"}]}]},"
                       " \"main\": [{\"agen\": \"g\", \"as\": \"it\"}, {\"aclose\": \"it\"}, {\"anext\": \"it\"}]}",
                       CS_BACKEND_ASYNCIO, NULL);
    ck_assert_str_eq(cs_test_raised(j, "type"), "StopAsyncIteration");
    ck_assert_uint_eq(json_array_size(json_object_get(j, "log")), 0);
    json_decref(j);
}
END_TEST

START_TEST(loader_rules)
{
    load_fails_with("{\"functions\": {\"f\": [{\"log\": \"x\"}]}, \"main\": [{\"agen\": \"f\", \"as\": \"it\"}]}",
                    "has no 'yield': 'agen' needs an async generator function");
    load_fails_with("{\"main\": [{\"anext\": \"nope\"}]}", "unknown async generator object 'nope'");
    load_fails_with("{\"functions\": {\"g\": [{\"yield\": 1}]}, \"main\": [{\"agen\": \"g\"}]}", "as");
    load_fails_with("{\"functions\": {\"g\": {\"params\": [\"a\"], \"body\": [{\"yield\": 1}]}},"
                    " \"main\": [{\"agen\": \"g\", \"as\": \"it\"}]}",
                    "takes 1 argument, 0 given");
    load_fails_with("{\"exceptions\": {\"StopAsyncIteration\": \"Exception\"}, \"functions\": {\"g\": [{\"yield\": "
                    "1}]}, \"main\": [{\"agen\": \"g\", \"as\": \"it\"}]}",
                    "do not declare it");
}
END_TEST

START_TEST(not_modelled_refused)
{
    /* left suspended when the run ends: the backends' finalizers */
    run_refused("{\"functions\": {\"g\": [{\"yield\": 1}, {\"yield\": 2}]},"
                " \"main\": [{\"agen\": \"g\", \"as\": \"it\"}, {\"anext\": \"it\"}]}",
                CS_BACKEND_ASYNCIO, CS_E_UNSUPPORTED, "finalizer, which is not modelled");
    /* the name bound to a new object while the old one is suspended */
    run_refused(
        "{\"functions\": {\"g\": [{\"yield\": 1}, {\"yield\": 2}]},"
        " \"main\": [{\"agen\": \"g\", \"as\": \"it\"}, {\"anext\": \"it\"}, {\"agen\": \"g\", \"as\": \"it\"}]}",
        CS_BACKEND_TRIO, CS_E_UNSUPPORTED, "its name bound to a new one");
    /* a yield inside the generator's own cancel scope */
    run_refused("{\"functions\": {\"g\": [{\"move_on_after\": 5, \"body\": [{\"yield\": 1}]}]},"
                " \"main\": [{\"agen\": \"g\", \"as\": \"it\"}, {\"anext\": \"it\"}, {\"aclose\": \"it\"}]}",
                CS_BACKEND_TRIO, CS_E_UNSUPPORTED, "driven by anext is not modelled");
    /* a yield while aclose() closes it (CPython: "async generator ignored GeneratorExit") */
    run_refused("{\"functions\": {\"g\": [{\"try\": [{\"yield\": 1}], \"finally\": [{\"yield\": 2}]}]},"
                " \"main\": [{\"agen\": \"g\", \"as\": \"it\"}, {\"anext\": \"it\"}, {\"aclose\": \"it\"}]}",
                CS_BACKEND_ASYNCIO, CS_E_UNSUPPORTED, "being closed is not modelled");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("agen");
    TCase *tc = tcase_create("agen");
    tcase_add_test(tc, anext_values_and_locals);
    tcase_add_test(tc, already_running_from_another_task);
    tcase_add_test(tc, aclose_unstarted_runs_nothing);
    tcase_add_test(tc, loader_rules);
    tcase_add_test(tc, not_modelled_refused);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
