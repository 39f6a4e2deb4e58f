/* test_fault.c - fault plans: parsing, refusals with one clear message, the
 * canonical text, and the census sink that numbers checkpoints from a trace. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fault.h"
#include "inject.h"
#include "load.h"

static const char *const cs_scenario_text =
    "{\"main\": [{\"task_group\": \"tg\", \"body\": ["
    "{\"start_soon\": \"w\", \"count\": 2, \"body\": [{\"move_on_after\": 5, \"id\": \"m\", \"body\": ["
    "{\"sleep\": 1}, \"checkpoint\", {\"to_thread\": [{\"block\": 1}]}]}]}]}],"
    "\"exceptions\": {\"DiskError\": \"OSError\"}}";

static cs_scenario *cs_load_fixture(void)
{
    cs_scenario *sc = NULL;
    cs_load_error err;
    ck_assert_int_eq(cs_load_buffer("fixture.json", cs_scenario_text, strlen(cs_scenario_text), &sc, &err), 0);
    return sc;
}

START_TEST(test_parse_and_format)
{
    cs_scenario *sc = cs_load_fixture();
    static const struct {
        const char *in, *canonical;
    } ok[] = {
        {"fail:w[1]@3", "fail:w[1]@3"},
        {"fail:main@1:RuntimeError", "fail:main@1"},
        {"fail:w[0]@2:DiskError", "fail:w[0]@2:DiskError"},
        {"timeout:m#2@1", "timeout:m#2@1"},
        {"timeout:tg@4", "timeout:tg@4"},
        {"delay:w[0]@1:0.25", "delay:w[0]@1:0.25"},
        {"delay:w[0]@1:1e-3", "delay:w[0]@1:0.001"},
        {"thread-fail:w[1]@1:ValueError,fail:main@2", "thread-fail:w[1]@1:ValueError,fail:main@2"},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        cs_plan p;
        char err[256] = "";
        ck_assert_msg(cs_plan_parse(sc->program, ok[i].in, &p, err, sizeof err) == 0, "%s: %s", ok[i].in, err);
        char *text = cs_plan_format(sc->program, &p);
        ck_assert_str_eq(text, ok[i].canonical);
        free(text);
        cs_plan_free(&p);
    }
    cs_scenario_free(sc);
}
END_TEST

START_TEST(test_refusals)
{
    cs_scenario *sc = cs_load_fixture();
    static const struct {
        const char *in, *msg;
    } bad[] = {
        {"", "empty plan"},
        {"explode:w@1", "unknown fault kind"},
        {"fail:w", "expected fail:TASK@K"},
        {"fail:w@0", "K must be"},
        {"fail:w@99999999999", "K must be"},
        {"fail:nobody@1", "no task named 'nobody'"},
        {"timeout:w@1", "no cancel scope or task group named 'w'"},
        {"timeout:m@1:ValueError", "takes no option"},
        {"delay:w@1", "needs its seconds"},
        {"delay:w@1:-1", "finite number"},
        {"delay:w@1:inf", "finite number"},
        {"fail:w@1:Nope", "unknown exception class"},
        {"fail:w@1:Cancelled", "cannot be raised"},
        {"fail:w@1:ExceptionGroup", "cannot be raised"},
        {"fail:w@1,", "a fault is KIND"},
        {"fail:w@1,fail:w@1,fail:w@1,fail:w@1,fail:w@1,fail:w@1,fail:w@1,fail:w@1,"
         "fail:w@1,fail:w@1,fail:w@1,fail:w@1,fail:w@1,fail:w@1,fail:w@1,fail:w@1,fail:w@1",
         "at most 16"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cs_plan p;
        char err[256] = "";
        ck_assert_msg(cs_plan_parse(sc->program, bad[i].in, &p, err, sizeof err) < 0, "accepted %s", bad[i].in);
        ck_assert_msg(strstr(err, bad[i].msg) != NULL, "%s: message '%s' lacks '%s'", bad[i].in, err, bad[i].msg);
        ck_assert_ptr_null(strchr(err, '\n'));
    }
    cs_scenario_free(sc);
}
END_TEST

/* The census numbers what the trace numbers: both instances' three
 * checkpoints (one a to_thread call), each m instance's three, tg's six. */
START_TEST(test_census)
{
    cs_scenario *sc = cs_load_fixture();
    for (int b = 0; b < 2; b++) {
        cs_census *c = cs_census_new();
        cs_sink sink = {cs_census_sink, c};
        cs_run_options opt;
        cs_run_options_init(&opt);
        opt.backend = (cs_backend)b;
        opt.sinks = &sink;
        opt.nsinks = 1;
        cs_run_error err;
        ck_assert_int_eq(cs_run(sc->program, &opt, &err), CS_OK);
        size_t nt, ns;
        const cs_census_item *t = cs_census_tasks(c, &nt);
        const cs_census_item *s = cs_census_scopes(c, &ns);
        ck_assert_uint_eq(nt, 3);
        ck_assert_str_eq(t[0].name, "main");
        ck_assert_uint_eq(t[0].checkpoints, 0);
        ck_assert_str_eq(t[1].name, "w[0]");
        ck_assert_uint_eq(t[1].checkpoints, 3);
        ck_assert_uint_eq(t[1].threads, 1);
        ck_assert_uint_eq(t[2].checkpoints, 3);
        ck_assert_uint_eq(ns, 3);
        ck_assert_str_eq(s[0].name, "tg");
        ck_assert_uint_eq(s[0].checkpoints, 6);
        ck_assert_uint_eq(s[1].checkpoints, 3);
        ck_assert_uint_eq(s[2].checkpoints, 3);
        cs_inject_kinds k = {.failures = true, .timeouts = true};
        cs_fault *v = NULL;
        size_t n = 0, cap = 0;
        cs_census_faults(c, &k, NULL, NULL, &v, &n, &cap, NULL);
        /* fail: 3 + 3; thread-fail: 1 + 1; timeout: 6 + 3 + 3 */
        ck_assert_uint_eq(n, 20);
        for (size_t i = 0; i < n; i++)
            free(v[i].target);
        free(v);
        cs_census_free(c);
    }
    cs_scenario_free(sc);
}
END_TEST

/* Timeouts go only where the scenario gives a deadline (issue 16): each kind
 * of statement that sets one, and those that do not. */
START_TEST(test_scopes_with_deadline)
{
    static const char *const text =
        "{\"functions\": {\"f\": [{\"set_deadline\": \"later\", \"value\": 3},"
        " {\"set_deadline\": \"never\", \"value\": \"inf\"}]},"
        " \"main\": [{\"task_group\": \"tg\", \"body\": ["
        "{\"move_on_after\": null, \"id\": \"none\", \"body\": [\"checkpoint\"]},"
        "{\"move_on_after\": 1, \"id\": \"after\", \"body\": [\"checkpoint\"]},"
        "{\"fail_after\": {\"uniform\": [1, 2]}, \"id\": \"drawn\", \"body\": [\"checkpoint\"]},"
        "{\"cancel_scope\": \"plain\", \"shield\": true, \"body\": [\"checkpoint\"]},"
        "{\"cancel_scope\": \"inf\", \"deadline\": \"inf\", \"body\": [\"checkpoint\"]},"
        "{\"cancel_scope\": \"past\", \"deadline\": \"-inf\", \"body\": [\"checkpoint\"]},"
        "{\"cancel_scope\": \"later\", \"body\": [{\"call\": \"f\"}, \"checkpoint\"]},"
        "{\"cancel_scope\": \"never\", \"body\": [{\"try\": [\"checkpoint\"], \"finally\": ["
        "{\"to_thread\": [{\"from_thread\": [{\"set_deadline\": \"tg\", \"value\": 9}]}]}]}]}]}]}";
    cs_scenario *sc = NULL;
    cs_load_error err;
    ck_assert_int_eq(cs_load_buffer("deadlines.json", text, strlen(text), &sc, &err), 0);
    static const struct {
        const char *instance;
        bool timed;
    } want[] = {
        {"tg", true},   {"none", false}, {"after", true},  {"drawn", true},   {"plain", false},   {"inf", false},
        {"past", true}, {"later", true}, {"never", false}, {"after#2", true}, {"plain#3", false},
    };
    bool *timed = cs_scopes_with_deadline(sc->program);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        int32_t d = cs_scope_decl_of(sc->program, want[i].instance);
        ck_assert_msg(d >= 0, "%s: no declared scope", want[i].instance);
        ck_assert_msg(timed[d] == want[i].timed, "%s: timed %d", want[i].instance, (int)timed[d]);
    }
    ck_assert_int_eq(cs_scope_decl_of(sc->program, "ghost"), -1);
    free(timed);
    cs_scenario_free(sc);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fault");
    TCase *tc = tcase_create("fault");
    tcase_add_test(tc, test_parse_and_format);
    tcase_add_test(tc, test_refusals);
    tcase_add_test(tc, test_census);
    tcase_add_test(tc, test_scopes_with_deadline);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
