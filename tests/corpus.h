/* corpus.h - the scenario corpus for the Check suites that run every file of
 * it (test_render, test_trace_read): every *.json under a folder,
 * recursively, as paths sorted byte-wise, so that a failure names the same
 * file on every machine.  Header-only: each suite is one executable.
 * Include after <check.h> (a folder that cannot be opened fails the test). */
#ifndef CS_TEST_CORPUS_H
#define CS_TEST_CORPUS_H

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

/* The walk stops adding files past this many (the corpus has a few hundred). */
#define CS_TEST_CORPUS_MAX 4096

static int cs_test_corpus_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends every *.json under dir (recursively, up to `depth` more levels) to v. */
static void cs_test_corpus_walk(const char *dir, char **v, size_t *n, int depth)
{
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "cannot open %s", dir);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *p = cs_xasprintf("%s/%s", dir, e->d_name);
        struct stat st;
        size_t len = strlen(p);
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode) && depth > 0) {
            cs_test_corpus_walk(p, v, n, depth - 1);
            free(p);
        } else if (len > 5 && strcmp(p + len - 5, ".json") == 0 && *n < CS_TEST_CORPUS_MAX) {
            v[(*n)++] = p;
        } else {
            free(p);
        }
    }
    closedir(d);
}

/* The *.json files under `dir`, sorted: a new NULL-terminated array of new
 * strings (cs_test_corpus_free), their count in *n. */
static char **cs_test_corpus(const char *dir, size_t *n)
{
    char **v = cs_xcalloc(CS_TEST_CORPUS_MAX + 1, sizeof *v);
    *n = 0;
    cs_test_corpus_walk(dir, v, n, 16);
    qsort(v, *n, sizeof *v, cs_test_corpus_cmp);
    return v;
}

static void cs_test_corpus_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

#endif
