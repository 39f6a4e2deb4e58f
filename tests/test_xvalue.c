/* test_xvalue.c - the values expectations are matched in (verify/xvalue.h):
 * cs_xv_dump must print exactly what Jansson's compact dump printed, since
 * every mismatch line of verify and inject quotes values that way, and
 * equality must follow json_equal (1 and 1.0 differ, member order does not
 * matter). */
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect_load.h"
#include "xvalue.h"

/* Documents whose dump must be Jansson's, byte for byte. */
static const char *const cs_docs[] = {
    "{\"a\": 1, \"b\": [1.5, 0.1, 2.0, -0.0, 1e-05, 1e300, 123456789.125, -2.5e-7], \"c\": null}",
    "[true, false, null, \"\", {}, [], [[]], {\"x\": {}}]",
    "{\"s\": \"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0001\\u001f\\u007f é ☃ 😀\", \"k\\n\": 1}",
    "{\"big\": 9007199254740993, \"neg\": -9223372036854775808, \"r\": 0.30000000000000004}",
    "{\"z\": 1, \"a\": 2, \"m\": {\"y\": [1, {\"q\": 3.25}], \"b\": \"t\"}}",
    "[1e22, 1e21, 123e-310, 5e-324, 1.7976931348623157e308, 100.0, 0.5]",
};

START_TEST(dump_as_jansson)
{
    json_error_t err;
    json_t *j = json_loads(cs_docs[_i], JSON_DECODE_ANY, &err);
    ck_assert_msg(j != NULL, "%s: %s", cs_docs[_i], err.text);
    cs_xv *v = cs_xv_from_json(j);
    char *want = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
    char *got = cs_xv_dump(v);
    ck_assert_str_eq(got, want);
    /* every member and element on its own too (JSON_ENCODE_ANY: scalars alone) */
    for (size_t k = 0; k < v->n; k++) {
        json_t *m = v->kind == CS_XV_ARRAY ? json_array_get(j, k) : json_object_get(j, v->keys[k]);
        char *w = json_dumps(m, JSON_COMPACT | JSON_ENCODE_ANY);
        char *g = cs_xv_dump(&v->items[k]);
        ck_assert_str_eq(g, w);
        free(w);
        free(g);
    }
    free(want);
    free(got);
    cs_xv_free(v);
    json_decref(j);
}
END_TEST

/* A string with NUL inside keeps its length and compares by it. */
START_TEST(nul_in_strings)
{
    json_t *a = json_stringn("a\0b", 3), *b = json_stringn("a\0c", 3);
    cs_xv *x = cs_xv_from_json(a), *y = cs_xv_from_json(b);
    ck_assert_uint_eq(x->len, 3);
    ck_assert(!cs_xv_equal(x, y));
    char *d = cs_xv_dump(x);
    ck_assert_str_eq(d, "\"a\\u0000b\"");
    free(d);
    cs_xv_free(x);
    cs_xv_free(y);
    json_decref(a);
    json_decref(b);
}
END_TEST

/* Equality as json_equal: kinds must agree, object members in any order. */
START_TEST(equality_as_jansson)
{
    static const char *const pairs[][2] = {
        {"1", "1.0"},
        {"1", "1"},
        {"{\"a\":1,\"b\":[2]}", "{\"b\":[2],\"a\":1}"},
        {"[1,2]", "[2,1]"},
        {"{\"a\":1}", "{\"a\":1,\"b\":2}"},
        {"\"x\"", "\"x\""},
        {"null", "false"},
        {"0.5", "0.5"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        json_t *a = json_loads(pairs[i][0], JSON_DECODE_ANY, NULL), *b = json_loads(pairs[i][1], JSON_DECODE_ANY, NULL);
        cs_xv *x = cs_xv_from_json(a), *y = cs_xv_from_json(b);
        ck_assert_msg(cs_xv_equal(x, y) == (json_equal(a, b) != 0), "%s vs %s", pairs[i][0], pairs[i][1]);
        cs_xv_free(x);
        cs_xv_free(y);
        json_decref(a);
        json_decref(b);
    }
}
END_TEST

/* Members keep the order of the document (mismatch lines follow it). */
START_TEST(member_order)
{
    json_t *j = json_loads("{\"z\": 1, \"a\": 2, \"m\": 3}", 0, NULL);
    cs_xv *v = cs_xv_from_json(j);
    ck_assert_uint_eq(v->n, 3);
    ck_assert_str_eq(v->keys[0], "z");
    ck_assert_str_eq(v->keys[1], "a");
    ck_assert_str_eq(v->keys[2], "m");
    ck_assert_int_eq(cs_xv_int(cs_xv_get(v, "a")), 2);
    ck_assert_ptr_null(cs_xv_get(v, "q"));
    cs_xv_free(v);
    json_decref(j);
}
END_TEST

static Suite *cs_xvalue_suite(void)
{
    Suite *s = suite_create("xvalue");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, dump_as_jansson, 0, (int)(sizeof cs_docs / sizeof cs_docs[0]));
    tcase_add_test(tc, nul_in_strings);
    tcase_add_test(tc, equality_as_jansson);
    tcase_add_test(tc, member_order);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(cs_xvalue_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
