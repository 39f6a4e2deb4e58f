/* test_generator.c - Check tests for async generators (sim/core/generator.c,
 * sim/load/load_gen.c): contextlib's protocol around the yield, aclose() at
 * the yield of an aclosing loop, the consumer's names beside the generator's,
 * the loader's rules, the yield_in_scope finding from the trace, and the
 * reenter policy per backend.  Expected values come from real AnyIO 4.14.2
 * (tools/reference_ext/generators.py; scenarios/generators/). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_json.h"

/* The first error line the loader gives for `text`. */
static void load_fails_with(const char *text, const char *msg)
{
    cs_load_error err = cs_test_load_error(text);
    ck_assert_msg(strstr(err.message, msg) != NULL, "got: %s", err.message);
}

/* Runs `text` on asyncio: it raises nothing, and its log starts with want[]
 * (NULL-terminated). */
static void runs_clean_logging(const char *text, const char *const *want)
{
    json_t *j = cs_test_run_on(text, CS_BACKEND_ASYNCIO, NULL);
    ck_assert_ptr_null(cs_test_raised(j, "type"));
    cs_test_log_starts(j, want);
    json_decref(j);
}

START_TEST(cm_generator_swallows_thrown_exception)
{
    runs_clean_logging(
        "{\"functions\": {\"g\": [{\"try\": [{\"yield\": 1}], \"except\": [{\"match\": \"ValueError\", "
        "\"body\": [{\"log\": \"caught\"}]}]}, {\"log\": \"gen end\"}]},"
        " \"main\": [{\"async_with\": \"g\", \"body\": [{\"raise\": \"ValueError\"}]}, {\"log\": \"after\"}]}",
        (const char *const[]){"caught", "gen end", "after", NULL});
}
END_TEST

START_TEST(cm_second_yield_is_didnt_stop_then_aclose)
{
    json_t *j =
        cs_test_run_on("{\"functions\": {\"g\": [{\"yield\": 1}, {\"try\": [{\"yield\": 2}], \"finally\": [{\"log\": "
                       "\"closed\"}]}]}, \"main\": [{\"async_with\": \"g\", \"body\": []}]}",
                       CS_BACKEND_TRIO, NULL);
    ck_assert_str_eq(cs_test_raised(j, "type"), "RuntimeError");
    ck_assert_str_eq(cs_test_raised(j, "message"), "generator didn't stop");
    ck_assert_str_eq(cs_test_log_msg(j, 0), "closed");
    json_decref(j);
}
END_TEST

START_TEST(cm_without_yield_is_didnt_yield)
{
    json_t *j = cs_test_run_on("{\"functions\": {\"g\": [{\"repeat\": 0, \"body\": [{\"yield\": 1}]}]}, \"main\": "
                               "[{\"async_with\": \"g\", \"body\": [{\"log\": \"never\"}]}]}",
                               CS_BACKEND_ASYNCIO, NULL);
    ck_assert_str_eq(cs_test_raised(j, "message"), "generator didn't yield");
    ck_assert_uint_eq(json_array_size(json_object_get(j, "log")), 0);
    json_decref(j);
}
END_TEST

START_TEST(aclosing_break_closes_at_the_yield)
{
    runs_clean_logging(
        "{\"functions\": {\"g\": [{\"try\": [{\"yield\": 1}, {\"yield\": 2}], \"except\": [{\"match\": \"GeneratorExit\", "
        "\"body\": [{\"log\": \"exit at yield\"}, \"reraise\"]}]}]}, \"main\": [{\"aclosing\": \"g\", \"as\": \"v\", "
        "\"body\": [{\"print\": [{\"name\": \"v\"}]}, \"break\"]}, {\"log\": \"after\"}]}",
        (const char *const[]){"1", "exit at yield", "after", NULL});
}
END_TEST

/* The consumer's body reads and binds its own names while the generator's
 * frames (with their own locals) are on the stack below it. */
START_TEST(consumer_names_skip_the_generator)
{
    json_t *j = cs_test_run_on(
        "{\"functions\": {\"g\": {\"params\": [\"x\"], \"body\": [{\"let\": \"y\", \"value\": \"gen\"}, "
        "{\"yield\": 7}, {\"print\": [{\"name\": \"y\"}, {\"name\": \"x\"}]}]}}, \"main\": [{\"let\": \"y\", "
        "\"value\": \"main\"}, {\"async_with\": \"g\", \"args\": [3], \"as\": \"v\", \"body\": [{\"print\": "
        "[{\"name\": \"v\"}, {\"name\": \"y\"}]}]}, {\"print\": [{\"name\": \"v\"}]}]}",
        CS_BACKEND_TRIO, NULL);
    ck_assert_str_eq(cs_test_log_msg(j, 0), "7 main");
    ck_assert_str_eq(cs_test_log_msg(j, 1), "gen 3");
    ck_assert_str_eq(cs_test_log_msg(j, 2), "7");
    json_decref(j);
}
END_TEST

START_TEST(loader_rules)
{
    load_fails_with("{\"main\": [{\"yield\": 1}]}", "'yield' is only allowed in a function");
    load_fails_with("{\"functions\": {\"g\": [{\"yield\": 1}]}, \"main\": [{\"call\": \"g\"}]}",
                    "is an async generator");
    load_fails_with("{\"functions\": {\"f\": []}, \"main\": [{\"async_with\": \"f\", \"body\": []}]}",
                    "has no 'yield'");
    load_fails_with("{\"functions\": {\"g\": [{\"yield\": 1}, {\"return\": 2}]}, \"main\": [{\"aclosing\": \"g\", "
                    "\"body\": []}]}",
                    "'return' with value in async generator");
}
END_TEST

START_TEST(yield_in_scope_only_for_loops)
{
    const char *gen =
        "{\"functions\": {\"g\": [{\"move_on_after\": 5, \"body\": [{\"yield\": 1}]}]}, \"main\": [{\"%s\": "
        "\"g\", \"body\": []}]}";
    char text[512];
    for (int k = 0; k < 2; k++) {
        snprintf(text, sizeof text, gen, k ? "async_with" : "aclosing");
        cs_findings *f = cs_findings_new();
        json_decref(cs_test_run_on(text, CS_BACKEND_ASYNCIO, f));
        ck_assert(cs_findings_has(f, CS_FINDING_YIELD_IN_SCOPE) == (k == 0));
        cs_findings_free(f);
    }
    /* a loop over a generator that yields outside its scopes is fine */
    cs_findings *f = cs_findings_new();
    json_decref(cs_test_run_on("{\"functions\": {\"g\": [{\"move_on_after\": 5, \"body\": []}, {\"yield\": 1}]}, "
                               "\"main\": [{\"move_on_after\": 9, \"body\": [{\"aclosing\": \"g\", \"body\": []}]}]}",
                               CS_BACKEND_TRIO, f));
    ck_assert(!cs_findings_has(f, CS_FINDING_YIELD_IN_SCOPE));
    cs_findings_free(f);
}
END_TEST

START_TEST(reenter_exited_scope_per_backend)
{
    const char *text = "{\"main\": [{\"cancel_scope\": \"s\", \"body\": []}, {\"reenter\": \"s\", \"body\": [{\"log\": "
                       "\"again\"}]}]}";
    json_t *a = cs_test_run_on(text, CS_BACKEND_ASYNCIO, NULL), *t = cs_test_run_on(text, CS_BACKEND_TRIO, NULL);
    ck_assert_str_eq(cs_test_log_msg(a, 0), "again");
    ck_assert_uint_eq(json_object_size(json_object_get(a, "scopes")), 1);
    ck_assert_str_eq(cs_test_raised(t, "message"), "Each CancelScope may only be used for a single 'with' block");
    json_decref(a);
    json_decref(t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("generator");
    TCase *tc = tcase_create("generator");
    tcase_add_test(tc, cm_generator_swallows_thrown_exception);
    tcase_add_test(tc, cm_second_yield_is_didnt_stop_then_aclose);
    tcase_add_test(tc, cm_without_yield_is_didnt_yield);
    tcase_add_test(tc, aclosing_break_closes_at_the_yield);
    tcase_add_test(tc, consumer_names_skip_the_generator);
    tcase_add_test(tc, loader_rules);
    tcase_add_test(tc, yield_in_scope_only_for_loops);
    tcase_add_test(tc, reenter_exited_scope_per_backend);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
