/* test_report.c - the verify report (verify/verify_report.h) fed entries by
 * hand: the closing count and exit status for passes, failures, errors and
 * skips (counted apart: a skipped backend is not a pass, though the status is
 * 0 as pytest's), and
 * the TAP lines' content (ok / not ok per entry, an error without a replay
 * under backend "-", the failing entry named, its message and
 * replay).  The TAP version line is not checked here. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "verify_report.h"

static char g_buf[8192];

/* Reports `n` entries of the given statuses (files a.json, b.json, ...) in
 * `style`; returns cs_report_finish's status, the text in g_buf. */
static int report(cs_report_style style, const cs_report_status *st, size_t n)
{
    memset(g_buf, 0, sizeof g_buf);
    FILE *f = fmemopen(g_buf, sizeof g_buf - 1, "w");
    ck_assert_ptr_nonnull(f);
    static const char *const files[] = {"a.json", "b.json", "c.json", "d.json"};
    cs_report r;
    cs_report_init(&r, style, f);
    for (size_t i = 0; i < n; i++) {
        cs_report_entry e = {
            .file = files[i], .name = cs_xstrdup(files[i]), .backend = CS_BACKEND_TRIO, .status = st[i]};
        if (st[i] != CS_REPORT_PASS)
            e.detail = cs_xasprintf("why %zu", i);
        if (st[i] == CS_REPORT_FAIL)
            e.replay = cs_xstrdup("cancelsim run b.json");
        cs_report_add(&r, &e);
    }
    int rc = cs_report_finish(&r, NULL);
    fclose(f);
    return rc;
}

START_TEST(test_status)
{
    cs_report_status pass2[] = {CS_REPORT_PASS, CS_REPORT_PASS};
    ck_assert_int_eq(report(CS_REPORT_HUMAN, pass2, 2), 0);
    ck_assert_ptr_nonnull(strstr(g_buf, "verify: 2 passed, 0 failed, 0 skipped\n"));
    cs_report_status skip[] = {CS_REPORT_PASS, CS_REPORT_SKIP};
    ck_assert_int_eq(report(CS_REPORT_HUMAN, skip, 2), 0);
    ck_assert_ptr_nonnull(strstr(g_buf, "SKIP  b.json [trio]\n      why 1\n"));
    ck_assert_ptr_nonnull(strstr(g_buf, "verify: 1 passed, 0 failed, 1 skipped\n"));
    cs_report_status failskip[] = {CS_REPORT_SKIP, CS_REPORT_FAIL, CS_REPORT_PASS};
    ck_assert_int_eq(report(CS_REPORT_HUMAN, failskip, 3), 1);
    ck_assert_ptr_nonnull(strstr(g_buf, "FAIL  b.json [trio]\n      why 1\n      reproduce: cancelsim run b.json\n"));
    ck_assert_ptr_nonnull(strstr(g_buf, "verify: 1 passed, 1 failed, 1 skipped\n"));
    cs_report_status err[] = {CS_REPORT_ERROR};
    ck_assert_int_eq(report(CS_REPORT_HUMAN, err, 1), 1);
    ck_assert_ptr_nonnull(strstr(g_buf, "ERROR a.json [-]\n      why 0\n"));
}
END_TEST

START_TEST(test_tap)
{
    cs_report_status st[] = {CS_REPORT_PASS, CS_REPORT_FAIL, CS_REPORT_SKIP, CS_REPORT_ERROR};
    ck_assert_int_eq(report(CS_REPORT_TAP, st, 4), 1);
    ck_assert_ptr_nonnull(strstr(g_buf, "\nok 1 - a.json [trio]\n"));
    ck_assert_ptr_nonnull(strstr(g_buf, "\nnot ok 2 - b.json [trio]\n"));
    ck_assert_ptr_nonnull(strstr(g_buf, "message: \"why 1\""));
    ck_assert_ptr_nonnull(strstr(g_buf, "replay: \"cancelsim run b.json\""));
    ck_assert_ptr_nonnull(strstr(g_buf, "\nok 3 - c.json [trio] # SKIP why 2\n"));
    ck_assert_ptr_nonnull(strstr(g_buf, "\nnot ok 4 - d.json [-]\n"));
    ck_assert_ptr_nonnull(strstr(g_buf, "\n1..4\n"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("report");
    TCase *tc = tcase_create("report");
    tcase_add_test(tc, test_status);
    tcase_add_test(tc, test_tap);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int run = srunner_ntests_run(sr);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    printf("report: %d passed, %d failed\n", run - failed, failed);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
