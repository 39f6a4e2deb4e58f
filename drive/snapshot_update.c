/* snapshot_update.c - `cancelsim verify --update[=any]` (see snapshot_update.h): run a
 * scenario on each of its backends, every Trio schedule up to a bound (the
 * depth-first search of `cancelsim explore`), and write what it gave into its
 * expectations. */
#include "snapshot_update.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "findings.h"
#include "load.h"
#include "outcome.h"
#include "run_request.h"
#include "snapshot.h"
#include "util.h"
#include "verify_report.h"

/* What one scenario gave, as `verify` checks it. */
typedef struct cs__seen {
    json_t *asyncio;                         /* or NULL: not run */
    json_t *trio[CS_SNAPSHOT_MAX_SCHEDULES]; /* distinct Trio outcomes */
    size_t ntrio;
    uint64_t schedules; /* Trio schedules run */
    bool complete;      /* every Trio schedule was run */
} cs__seen;

/* One run; returns the outcome JSON (without the keys that name the run,
 * "findings" only when there are some) or NULL with *err and *rc filled. */
static json_t *cs__run(const cs_scenario *sc, cs_backend b, const uint32_t *forced, size_t nforced, cs_choice_log *log,
                       cs_run_error *err, int *rc)
{
    cs_outcome *o = cs_outcome_new();
    cs_findings *f = cs_findings_new();
    cs_sink sinks[2] = {{cs_outcome_sink, o}, {cs_findings_sink, f}};
    cs_run_request rq;
    cs_run_request_init(&rq, b);
    rq.forced = forced;
    rq.nforced = nforced;
    rq.log = log;
    json_t *j = NULL;
    *rc = cs_run_once(sc->program, &rq, sinks, 2, err);
    if (*rc == CS_OK) {
        j = cs_outcome_to_json(o);
        json_object_del(j, "scenario");
        json_object_del(j, "backend");
        json_t *fj = cs_findings_to_json(f);
        if (json_array_size(fj))
            json_object_set_new(j, "findings", fj);
        else
            json_decref(fj);
    }
    cs_outcome_free(o);
    cs_findings_free(f);
    return j;
}

/* Every Trio schedule up to the bound, depth first; false after a failed run. */
static bool cs__trio(const cs_scenario *sc, cs__seen *s, cs_run_error *err, int *rc)
{
    cs_choice_log log = {0};
    uint32_t *forced = NULL;
    size_t nforced = 0;
    bool ok = true;
    double t0 = cs_report_clock();
    /* a bound in time too: a large scenario's runs take seconds each */
    while (s->schedules < CS_SNAPSHOT_MAX_SCHEDULES &&
           (s->schedules < 2 || cs_report_clock() - t0 < CS_SNAPSHOT_SECONDS)) {
        log.n = 0;
        json_t *j = cs__run(sc, CS_BACKEND_TRIO, forced, nforced, &log, err, rc);
        if (!j) {
            ok = false;
            break;
        }
        s->schedules++;
        size_t i = 0;
        while (i < s->ntrio && !json_equal(s->trio[i], j))
            i++;
        if (i < s->ntrio)
            json_decref(j);
        else
            s->trio[s->ntrio++] = j; /* at most one per schedule: the bound holds */
        if (!cs_choice_log_next(&log, &forced, &nforced)) {
            s->complete = true;
            break;
        }
    }
    free(forced);
    free(log.choice);
    free(log.arity);
    free(log.mirror);
    return ok;
}

/* Runs every backend of the scenario; 0, or -1 with *msg saying why. */
static int cs__collect(const char *file, const cs_scenario *sc, cs__seen *s, char **msg)
{
    cs_run_error err;
    int rc = CS_OK;
    bool ok = true;
    if (sc->program->run_asyncio)
        ok = (s->asyncio = cs__run(sc, CS_BACKEND_ASYNCIO, NULL, 0, NULL, &err, &rc)) != NULL;
    if (ok && sc->program->run_trio)
        ok = cs__trio(sc, s, &err, &rc);
    if (ok)
        return 0;
    if (rc == CS_E_UNSUPPORTED)
        *msg = cs_xasprintf("a backend is not modelled: %s", err.message);
    else if (err.pos.line)
        *msg = cs_xasprintf("%s:%u:%u: error: %s", file, err.pos.line, err.pos.col, err.message);
    else
        *msg = cs_xasprintf("%s: error: %s", file, err.message);
    return -1;
}

/* Sets the expectations of doc from what the runs gave; false (with *msg)
 * when Trio's outcome depends on the schedule and `any` was not asked. */
static bool cs__expectations(json_t *doc, const cs__seen *s, bool any, char **msg)
{
    json_t *outs[1 + CS_SNAPSHOT_MAX_SCHEDULES];
    const char *labels[1 + CS_SNAPSHOT_MAX_SCHEDULES];
    size_t n = 0;
    if (s->asyncio) {
        outs[n] = s->asyncio;
        labels[n++] = "asyncio";
    }
    if (s->ntrio > 1 && !any) {
        *msg = cs_xasprintf("Trio's outcome depends on the schedule (%zu distinct outcomes in %llu schedules); "
                            "--update=any writes them into expect_any",
                            s->ntrio, (unsigned long long)s->schedules);
        return false;
    }
    for (size_t i = 0; i < s->ntrio; i++) {
        bool dup = false; /* as an alternative, asyncio's outcome counts once */
        for (size_t k = 0; k < n && s->ntrio > 1; k++)
            dup = dup || json_equal(outs[k], s->trio[i]);
        if (!dup) {
            outs[n] = s->trio[i];
            labels[n++] = "trio";
        }
    }
    cs_snapshot_set(doc, outs, labels, n, s->ntrio > 1);
    return true;
}

/* The whole file (at most 256 MiB, past what the loader accepts), or NULL. */
static char *cs__read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = cs_xmalloc(cap + 1);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap && cap < ((size_t)256 << 20)) {
            cap *= 2;
            buf = cs_xrealloc(buf, cap + 1);
        } else if (n == cap) {
            break;
        }
    }
    bool ok = !ferror(f) && n < cap;
    fclose(f);
    if (!ok) {
        free(buf);
        return NULL;
    }
    buf[n] = 0;
    *len = n;
    return buf;
}

/* Writes doc over the file: its expectation members edited in the file's own
 * text when the splice can, else the whole document.  0 or -1 (errno). */
static int cs__write_doc(const char *file, const char *text, size_t len, const json_t *doc)
{
    static const char *const keys[] = {"expect", "expect_by_backend", "expect_any", NULL};
    char *out = cs_snapshot_splice(text, len, doc, keys);
    if (!out) {
        char *whole = cs_snapshot_dump(doc, "");
        out = cs_xasprintf("%s\n", whole);
        free(whole);
    }
    int rc = cs_snapshot_write(file, out);
    free(out);
    return rc;
}

cs_snapshot_status cs_snapshot_update(const char *file, bool any, char **msg)
{
    *msg = NULL;
    if (strcmp(file, "-") == 0) { /* nowhere to write it back */
        *msg = cs_xstrdup("standard input cannot be updated: give the file's path");
        return CS_SNAPSHOT_ERROR;
    }
    cs_scenario *sc = NULL;
    cs_load_error lerr;
    if (cs_load_file(file, &sc, &lerr) != 0) {
        *msg = cs_xasprintf("%s:%u:%u: error: %s", lerr.path, lerr.line, lerr.col, lerr.message);
        return CS_SNAPSHOT_ERROR;
    }
    cs__seen *s = cs_xcalloc(1, sizeof *s);
    cs_snapshot_status st = CS_SNAPSHOT_ERROR;
    json_error_t jerr;
    json_t *doc = NULL, *old = NULL;
    size_t len = 0;
    char *text = NULL;
    if (cs__collect(file, sc, s, msg) != 0)
        goto done;
    /* the file as it is, keys in order (it loaded above, so it parses) */
    text = cs__read_all(file, &len);
    doc = text ? json_loadb(text, len, JSON_ALLOW_NUL, &jerr) : NULL;
    if (!doc) {
        *msg = cs_xasprintf("%s: error: cannot read it back", file);
        goto done;
    }
    old = json_deep_copy(doc);
    if (!cs__expectations(doc, s, any, msg)) {
        st = CS_SNAPSHOT_REFUSED;
    } else if (json_equal(doc, old)) {
        st = CS_SNAPSHOT_UNCHANGED;
    } else if (cs__write_doc(file, text, len, doc) != 0) {
        *msg = cs_xasprintf("cannot write %s: %s", file, strerror(errno));
    } else {
        st = CS_SNAPSHOT_WRITTEN;
        if (s->ntrio > 1)
            *msg = cs_xasprintf("expect_any: %zu outcomes", s->ntrio);
    }
    if (st != CS_SNAPSHOT_ERROR && sc->program->run_trio && !s->complete && !*msg)
        *msg = cs_xasprintf("only the first %llu Trio schedules were run", (unsigned long long)s->schedules);
done:
    json_decref(s->asyncio);
    for (size_t i = 0; i < s->ntrio; i++)
        json_decref(s->trio[i]);
    free(s);
    json_decref(doc);
    json_decref(old);
    free(text);
    cs_scenario_free(sc);
    return st;
}

int cs_snapshot_update_all(char *const *files, size_t n, bool any, FILE *out)
{
    static const char *const tag[] = {"UPDATED", "SAME", "REFUSED", "ERROR"};
    size_t count[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        char *msg = NULL;
        cs_snapshot_status st = cs_snapshot_update(files[i], any, &msg);
        count[st]++;
        fprintf(out, "%-7s %s%s%s\n", tag[st], files[i], msg ? ": " : "", msg ? msg : "");
        free(msg);
    }
    fprintf(out, "update: %zu updated, %zu unchanged, %zu refused, %zu errors\n", count[0], count[1], count[2],
            count[3]);
    return count[CS_SNAPSHOT_ERROR] ? 2 : count[CS_SNAPSHOT_REFUSED] ? 1 : 0;
}
