/* test_hostile.c - the loader against every malformed file in tests/hostile/.
 *
 * Each NAME.json must fail to load at the LINE:COL written in NAME.expect
 * (and with its message, when the .expect gives one); see
 * tests/hostile/README.md.  The folder is listed once, sorted, when the suite
 * is built, and each file is one iteration of a loop test, so a failure names
 * the file.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"

#define CS_HOSTILE_MAX 1024

static char cs_hostile_dir[4096];
static char *cs_hostile_files[CS_HOSTILE_MAX];
static int cs_hostile_n;

static int cs_cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void cs_hostile_list(void)
{
    const char *src = getenv("CS_SOURCE_DIR");
    snprintf(cs_hostile_dir, sizeof cs_hostile_dir, "%s/tests/hostile", src ? src : ".");
    DIR *d = opendir(cs_hostile_dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) && cs_hostile_n < CS_HOSTILE_MAX) {
        size_t n = strlen(e->d_name);
        if (n > 5 && strcmp(e->d_name + n - 5, ".json") == 0)
            cs_hostile_files[cs_hostile_n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(cs_hostile_files, (size_t)cs_hostile_n, sizeof *cs_hostile_files, cs_cmp_str);
}

/* The first line of NAME.expect, without its newline. */
static void cs_read_expect(const char *json_name, char *out, size_t n)
{
    char path[8192];
    snprintf(path, sizeof path, "%s/%.*s.expect", cs_hostile_dir, (int)(strlen(json_name) - 5), json_name);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "%s has no .expect file", json_name);
    if (!fgets(out, (int)n, f))
        out[0] = '\0';
    fclose(f);
    out[strcspn(out, "\r\n")] = '\0';
}

START_TEST(test_hostile_file)
{
    const char *name = cs_hostile_files[_i];
    char path[8192], expect[1024], got[1024];
    snprintf(path, sizeof path, "%s/%s", cs_hostile_dir, name);
    cs_read_expect(name, expect, sizeof expect);
    unsigned line = 0, col = 0;
    int used = 0;
    ck_assert_msg(sscanf(expect, "%u:%u%n", &line, &col, &used) == 2, "%s: bad .expect line '%s'", name, expect);

    cs_scenario *sc = NULL;
    cs_load_error err;
    int rc = cs_load_file(path, &sc, &err);
    ck_assert_msg(rc == -1 && sc == NULL, "%s: loaded, but should have been rejected", name);
    snprintf(got, sizeof got, "%u:%u: error: %s", err.line, err.col, err.message);
    ck_assert_msg(err.line == line && err.col == col, "%s: got '%s', expected '%s'", name, got, expect);
    if (expect[used] != '\0')
        ck_assert_msg(strcmp(got, expect) == 0, "%s: got '%s', expected '%s'", name, got, expect);
    /* the user reads the format's words, never a library's flag names */
    ck_assert_msg(!strstr(err.message, "JSON_"), "%s: the message names a Jansson flag: '%s'", name, got);
}
END_TEST

/* The corpus must stay broad: the brief asks for at least 40 kinds. */
START_TEST(test_hostile_corpus_size)
{
    ck_assert_msg(cs_hostile_n >= 40, "only %d files in %s", cs_hostile_n, cs_hostile_dir);
}
END_TEST

int main(void)
{
    cs_hostile_list();
    Suite *s = suite_create("hostile");
    TCase *tc = tcase_create("files");
    tcase_add_test(tc, test_hostile_corpus_size);
    if (cs_hostile_n)
        tcase_add_loop_test(tc, test_hostile_file, 0, cs_hostile_n);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    for (int i = 0; i < cs_hostile_n; i++)
        free(cs_hostile_files[i]);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
