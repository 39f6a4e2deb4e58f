/* test_interrupt.c - Ctrl+C (issue 26): interrupt_at as the loader keeps it,
 * the interrupt faults' text, the --interrupts census plans, and what each
 * backend's SIGINT handler makes of a run (read from the trace). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fault.h"
#include "inject.h"
#include "load.h"
#include "run_json.h"

/* Times in any order, kept sorted in whole nanoseconds. */
START_TEST(test_interrupt_at_sorted)
{
    cs_scenario *sc = cs_test_load("{\"interrupt_at\": [2.5, 0, 1e-9], \"main\": [\"interrupt\"]}");
    ck_assert_uint_eq(sc->program->ninterrupts, 3);
    ck_assert_int_eq(sc->program->interrupt_at[0], 0);
    ck_assert_int_eq(sc->program->interrupt_at[1], 1);
    ck_assert_int_eq(sc->program->interrupt_at[2], 2500000000LL);
    ck_assert_int_eq(sc->program->main.items[0].op, CS_OP_INTERRUPT);
    cs_scenario_free(sc);
}
END_TEST

static const char *const cs_fixture = "{\"main\": [{\"task_group\": \"tg\", \"body\": ["
                                      "{\"start_soon\": \"w\", \"body\": [{\"sleep\": 1}, \"checkpoint\"]}]}]}";

START_TEST(test_fault_text)
{
    cs_scenario *sc = cs_test_load(cs_fixture);
    static const struct {
        const char *in, *canonical;
    } ok[] = {
        {"interrupt:@2.5", "interrupt:@2.5"},
        {"interrupt:@0", "interrupt:@0"},
        {"interrupt:@1e-3,interrupt:w@2", "interrupt:@0.001,interrupt:w@2"},
        {"interrupt:main@1", "interrupt:main@1"},
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
    static const struct {
        const char *in, *msg;
    } bad[] = {
        {"interrupt:@-1", "T must be"},    {"interrupt:@", "T must be"},
        {"interrupt:@x", "T must be"},     {"interrupt:@inf", "T must be"},
        {"interrupt:w", "expected"},       {"interrupt:w@1:ValueError", "takes no option"},
        {"interrupt:nobody@1", "no task"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cs_plan p;
        char err[256] = "";
        ck_assert_msg(cs_plan_parse(sc->program, bad[i].in, &p, err, sizeof err) < 0, "accepted %s", bad[i].in);
        ck_assert_msg(strstr(err, bad[i].msg) != NULL, "%s: message '%s' lacks '%s'", bad[i].in, err, bad[i].msg);
    }
    cs_scenario_free(sc);
}
END_TEST

/* --interrupts: the instants checkpoints ran at (0 and 1) and halfway
 * between; --interrupts=all adds one per checkpoint of each task. */
START_TEST(test_census_plans)
{
    cs_scenario *sc = cs_test_load(cs_fixture);
    cs_census *c = cs_census_new();
    cs_test_run_sink(sc->program, CS_BACKEND_ASYNCIO, cs_census_sink, c);
    for (int all = 0; all < 2; all++) {
        cs_inject_kinds k = {.interrupts = true, .all_interrupts = all};
        cs_fault *v = NULL;
        size_t n = 0, cap = 0;
        cs_census_faults(c, &k, sc->program, NULL, &v, &n, &cap, NULL);
        ck_assert_uint_eq(n, all ? 5 : 3);
        double want[] = {0, 0.5, 1};
        for (size_t i = 0; i < 3; i++) {
            ck_assert_int_eq(v[i].kind, CS_FAULT_INTERRUPT);
            ck_assert_str_eq(v[i].target, "");
            ck_assert_double_eq(v[i].seconds, want[i]);
        }
        if (all) {
            ck_assert_str_eq(v[3].target, "w");
            ck_assert_uint_eq(v[4].k, 2);
        }
        for (size_t i = 0; i < n; i++)
            free(v[i].target);
        free(v);
    }
    cs_census_free(c);
    cs_scenario_free(sc);
}
END_TEST

typedef struct cs_seen {
    int interrupts;
    int32_t result_cls;
    uint32_t result_members;
} cs_seen;

static void cs_seen_sink(void *p, const cs_event *ev)
{
    cs_seen *s = p;
    if (ev->kind == CS_EV_INTERRUPT)
        s->interrupts++;
    if (ev->kind == CS_EV_RUN_END && ev->result == CS_RESULT_RAISED) {
        s->result_cls = ev->exc->cls;
        s->result_members = ev->exc->nmembers;
    }
}

/* Ctrl+C while main waits for its group: asyncio's runner turns main's
 * cancellation into a bare KeyboardInterrupt; Trio's lands in the nursery and
 * comes out in a one-member group. */
START_TEST(test_handlers)
{
    cs_scenario *sc = cs_test_load("{\"interrupt_at\": [0.5], \"main\": [{\"task_group\": \"tg\", \"body\": ["
                                   "{\"start_soon\": \"w\", \"body\": [{\"sleep\": 1}]}]}]}");
    for (int b = 0; b < 2; b++) {
        cs_seen seen = {0, -1, 0};
        cs_test_run_sink(sc->program, (cs_backend)b, cs_seen_sink, &seen);
        ck_assert_int_eq(seen.interrupts, 1);
        if (b == CS_BACKEND_ASYNCIO) {
            ck_assert_int_eq(seen.result_cls, CS_EXC_KEYBOARD_INTERRUPT);
        } else {
            ck_assert_int_eq(seen.result_cls, CS_EXC_BASE_EXCEPTION_GROUP);
            ck_assert_uint_eq(seen.result_members, 1);
        }
    }
    cs_scenario_free(sc);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("interrupt");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_interrupt_at_sorted);
    tcase_add_test(tc, test_fault_text);
    tcase_add_test(tc, test_census_plans);
    tcase_add_test(tc, test_handlers);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
