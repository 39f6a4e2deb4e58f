/* cmd_verify.c - `cancelsim verify PATH...`: run every scenario under the paths
 * on each of its backends and check its expectations (scenario-format.md §6).
 * One line per scenario and backend; for a failure the first difference and a
 * command that reproduces it.  --tap prints TAP version 14, --junit writes a
 * JUnit XML report.  Exit status: 0 all pass, 1 some fail, 2 bad input. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "expect.h"
#include "load.h"
#include "outcome.h"
#include "util.h"
#include "verify_report.h"

static int cs__cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collects *.json files under `path` (a file is taken as is), sorted per folder
 * so that the order is the same on every machine. */
static int cs__collect(const char *path, char ***files, size_t *n, size_t *cap, int depth)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "cancelsim verify: cannot read %s\n", path);
        return 2;
    }
    if (!S_ISDIR(st.st_mode)) {
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
    qsort(names, nn, sizeof *names, cs__cmp_str);
    int rc = 0;
    for (size_t i = 0; i < nn; i++) {
        size_t len = strlen(path);
        char *child = cs_xasprintf("%s%s%s", path, len && path[len - 1] == '/' ? "" : "/", names[i]);
        struct stat cst;
        if (stat(child, &cst) == 0 && (S_ISDIR(cst.st_mode) || (strlen(names[i]) > 5 &&
                                       strcmp(names[i] + strlen(names[i]) - 5, ".json") == 0))) {
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

/* Runs one scenario on one backend and checks it; fills the report entry. */
static void cs__verify_one(const char *file, const cs_scenario *sc, cs_backend b, cs_report_entry *r)
{
    cs_outcome *o = cs_outcome_new();
    cs_sink sink = {cs_outcome_sink, o};
    cs_run_options opt;
    cs_run_options_init(&opt);
    opt.backend = b;
    opt.sinks = &sink;
    opt.nsinks = 1;
    cs_run_error err;
    memset(&err, 0, sizeof err);
    int rc = cs_run(sc->program, &opt, &err);
    r->backend = b;
    r->replay = cs_xasprintf("cancelsim run %s --backend %s --format json", file, cs_backend_name(b));
    if (rc == CS_E_UNSUPPORTED) {
        r->status = CS_REPORT_SKIP;
        r->detail = err.pos.line ? cs_xasprintf("%s:%u:%u: %s", file, err.pos.line, err.pos.col, err.message)
                                 : cs_xstrdup(err.message);
    } else if (rc != CS_OK) {
        r->status = CS_REPORT_ERROR;
        r->detail = cs_xasprintf("%s:%u:%u: error: %s", file, err.pos.line, err.pos.col, err.message);
    } else {
        json_t *j = cs_outcome_to_json(o);
        char *diff = NULL;
        r->status = cs_expect_check(sc, b, j, &diff) == 0 ? CS_REPORT_PASS : CS_REPORT_FAIL;
        r->detail = diff;
        json_decref(j);
    }
    cs_outcome_free(o);
}

int cs_cmd_verify(int argc, char **argv)
{
    const char *junit = NULL;
    bool tap = false;
    char **paths = cs_xcalloc((size_t)argc, sizeof *paths);
    size_t npaths = 0;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
            fputs("usage: cancelsim verify PATH... [--junit OUT.xml] [--tap] [--jobs N]\n\n"
                  "Runs every scenario under the paths (folders recursively, *.json) on each\n"
                  "of its backends and checks expect, expect_by_backend and expect_any.\n"
                  "Exit status: 0 all pass, 1 some fail, 2 bad input.\n",
                  stdout);
            free(paths);
            return 0;
        } else if (strcmp(o, "--junit") == 0 && i + 1 < argc) {
            junit = argv[++i];
        } else if (strcmp(o, "--tap") == 0) {
            tap = true;
        } else if (strcmp(o, "--jobs") == 0 && i + 1 < argc) {
            uint64_t jobs;
            if (!cs_cli_parse_u64(argv[++i], &jobs) || jobs == 0) {
                free(paths);
                return cs_cli_usage_error("verify", "--jobs must be a positive integer");
            }
        } else if (o[0] == '-') {
            free(paths);
            return cs_cli_usage_error("verify", "unknown option or missing value: '%s'", o);
        } else {
            paths[npaths++] = argv[i];
        }
    }
    if (!npaths) {
        free(paths);
        return cs_cli_usage_error("verify", "missing PATH");
    }
    char **files = NULL;
    size_t nfiles = 0, capfiles = 0;
    int bad = 0;
    for (size_t i = 0; i < npaths; i++)
        if (cs__collect(paths[i], &files, &nfiles, &capfiles, 0))
            bad = 1;
    free(paths);

    cs_report rep;
    cs_report_init(&rep, tap ? CS_REPORT_TAP : CS_REPORT_HUMAN, stdout);
    for (size_t i = 0; i < nfiles; i++) {
        cs_scenario *sc = NULL;
        cs_load_error lerr;
        if (cs_load_file(files[i], &sc, &lerr) != 0) {
            cs_report_entry r = {.file = files[i], .status = CS_REPORT_ERROR};
            char msg[2048];
            snprintf(msg, sizeof msg, "%s:%u:%u: error: %s", lerr.path, lerr.line, lerr.col, lerr.message);
            r.detail = cs_xstrdup(msg);
            r.name = cs_xstrdup(files[i]);
            cs_report_add(&rep, &r);
            bad = 1;
            continue;
        }
        cs_backend bs[2];
        size_t nb = 0;
        if (sc->program->run_asyncio)
            bs[nb++] = CS_BACKEND_ASYNCIO;
        if (sc->program->run_trio)
            bs[nb++] = CS_BACKEND_TRIO;
        for (size_t k = 0; k < nb; k++) {
            cs_report_entry r = {.file = files[i], .name = cs_xstrdup(sc->program->name)};
            cs__verify_one(files[i], sc, bs[k], &r);
            cs_report_add(&rep, &r);
        }
        cs_scenario_free(sc);
    }
    int rc = cs_report_finish(&rep, junit);
    for (size_t i = 0; i < nfiles; i++)
        free(files[i]);
    free(files);
    if (bad && rc == 0)
        rc = 2;
    return rc;
}
