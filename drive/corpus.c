/* corpus.c - the scenario files under the paths `verify` is given (see
 * corpus.h), and the files of one shard. */
#include "corpus.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "shard.h"
#include "util.h"

static int cs__cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collects *.json files under `path` (a file is taken as is), sorted per folder
 * so that the order is the same on every machine. */
static int cs__collect(const char *path, char ***files, size_t *n, size_t *cap, int depth)
{
    struct stat st;
    bool is_stdin = strcmp(path, "-") == 0; /* standard input: one scenario */
    if (!is_stdin && stat(path, &st) != 0) {
        fprintf(stderr, "cancelsim verify: cannot read %s\n", path);
        return 2;
    }
    if (is_stdin || !S_ISDIR(st.st_mode)) {
        if (*n == *cap) {
            *cap = *cap ? *cap * 2 : 64;
            *files = cs_xrealloc(*files, *cap * sizeof **files);
        }
        (*files)[(*n)++] = cs_xstrdup(path);
        return 0;
    }
    if (depth > 64)
        return 0;
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "cancelsim verify: cannot read %s\n", path);
        return 2;
    }
    char **names = NULL;
    size_t nn = 0, nc = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        if (nn == nc) {
            nc = nc ? nc * 2 : 32;
            names = cs_xrealloc(names, nc * sizeof *names);
        }
        names[nn++] = cs_xstrdup(de->d_name);
    }
    closedir(d);
    if (nn) /* an empty folder: names is NULL, and qsort(NULL, 0) is undefined */
        qsort(names, nn, sizeof *names, cs__cmp_str);
    int rc = 0;
    for (size_t i = 0; i < nn; i++) {
        size_t len = strlen(path);
        char *child = cs_xasprintf("%s%s%s", path, len && path[len - 1] == '/' ? "" : "/", names[i]);
        struct stat cst;
        if (stat(child, &cst) == 0 &&
            (S_ISDIR(cst.st_mode) || (strlen(names[i]) > 5 && strcmp(names[i] + strlen(names[i]) - 5, ".json") == 0))) {
            int r = cs__collect(child, files, n, cap, depth + 1);
            if (r)
                rc = r;
        }
        free(child);
        free(names[i]);
    }
    free(names);
    return rc;
}

int cs_corpus_collect(const char *path, char ***files, size_t *n, size_t *cap)
{
    return cs__collect(path, files, n, cap, 0);
}

size_t cs_shard_files(char **files, size_t nfiles, uint64_t k, uint64_t n)
{
    size_t kept = 0;
    for (size_t i = 0; i < nfiles; i++) {
        if (cs_shard_keeps(i, k, n))
            files[kept++] = files[i];
        else
            free(files[i]);
    }
    return kept;
}
