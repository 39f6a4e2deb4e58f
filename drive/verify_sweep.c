/* verify_sweep.c - checking a scenario's expectations on every explored Trio
 * schedule (verify_sweep.h). */
#include "verify_sweep.h"

#include <stdlib.h>
#include <string.h>

#include "expect.h"
#include "run_request.h"
#include "util.h"
#include "verify_report.h"

/* Failing outcomes described in one report before the rest are counted. */
#define CS__SWEEP_MAX_SHOWN 3

static char *cs__indent(const char *s)
{
    size_t n = 0;
    for (const char *p = s; *p; p++)
        n += *p == '\n';
    char *out = cs_xmalloc(strlen(s) + n * 2 + 3), *o = out;
    *o++ = ' ';
    *o++ = ' ';
    for (const char *p = s; *p; p++) {
        *o++ = *p;
        if (*p == '\n') {
            *o++ = ' ';
            *o++ = ' ';
        }
    }
    *o = 0;
    return out;
}

static void cs__add(char **s, const char *piece)
{
    char *t = cs_xasprintf("%s%s%s", *s ? *s : "", *s ? "\n" : "", piece);
    free(*s);
    *s = t;
}

/* Marks the expect_any entries the outcome matches (findings aside: which
 * outcomes a schedule reaches is the question). */
static void cs__mark_reached(const cs_expectations *x, const cs_xv *out, unsigned char *reached)
{
    for (size_t i = 0; i < x->any->n; i++) {
        const cs_xv *alt = &x->any->items[i];
        /* the entry without its `findings`: a view sharing its members */
        cs_xv view = {.kind = alt->kind};
        view.items = cs_xcalloc(alt->n ? alt->n : 1, sizeof *view.items);
        view.keys = cs_xcalloc(alt->n ? alt->n : 1, sizeof *view.keys);
        for (size_t k = 0; alt->kind == CS_XV_OBJECT && k < alt->n; k++) {
            if (strcmp(alt->keys[k], "findings") == 0)
                continue;
            view.keys[view.n] = alt->keys[k];
            view.items[view.n++] = alt->items[k];
        }
        char *d = NULL;
        if (cs_expect_match(&view, out, &d) == 0)
            reached[i] = 1;
        free(d);
        free(view.items);
        free(view.keys);
    }
}

/* expect_any lists both backends' outcomes: the asyncio run's reaches its
 * entries too. */
static void cs__mark_asyncio(const cs_scenario *sc, const cs_expectations *x, unsigned char *reached)
{
    if (!sc->program->run_asyncio)
        return;
    cs_outcome *o = cs_outcome_new();
    cs_sink sink = {cs_outcome_sink, o};
    cs_run_request rq;
    cs_run_request_init(&rq, CS_BACKEND_ASYNCIO);
    cs_run_error err;
    if (cs_run_once(sc->program, &rq, &sink, 1, &err) == CS_OK) {
        cs_xv *j = cs_outcome_xv(o, CS_OUTCOME_PART_ALL, NULL);
        cs__mark_reached(x, j, reached);
        cs_xv_free(j);
    }
    cs_outcome_free(o);
}

/* Checks one explored outcome; adds its mismatches to r->detail. */
static bool cs__check_one(const char *file, const cs_expectations *x, const cs_findings *findings,
                          const cs_explore_found *f, size_t idx, unsigned char *reached, size_t *nbad,
                          cs_sweep_result *r)
{
    cs_xv *j = cs_outcome_xv(f->outcome, CS_OUTCOME_PART_ALL, findings);
    char *diff = NULL;
    /* the first run of every strategy is the canonical schedule */
    bool bad = cs_expect_check_schedule(x, CS_BACKEND_TRIO, j, f->first == 1, &diff) != 0;
    if (x->any)
        cs__mark_reached(x, j, reached);
    cs_xv_free(j);
    if (bad && (*nbad)++ < CS__SWEEP_MAX_SHOWN) {
        char *replay = cs_explore_replay(file, f);
        char *ind = cs__indent(diff ? diff : "?");
        char *piece = cs_xasprintf("schedule of outcome %zu (%llu schedule%s): %s\n%s", idx + 1,
                                   (unsigned long long)f->schedules, f->schedules == 1 ? "" : "s", replay, ind);
        cs__add(&r->detail, piece);
        if (!r->replay)
            r->replay = cs_xasprintf("%s --format json", replay);
        free(piece);
        free(ind);
        free(replay);
    }
    free(diff);
    return bad;
}

void cs_verify_sweep(const char *file, const cs_scenario *sc, const cs_expectations *x, const cs_findings *findings,
                     const cs_explore_options *opt, cs_sweep_result *r)
{
    memset(r, 0, sizeof *r);
    cs_explore_result res;
    cs_run_error err;
    int rc = cs_explore(sc->program, opt, &res, &err);
    r->schedules = res.schedules;
    r->complete = res.stop == CS_EXPLORE_COMPLETE;
    r->note = cs_xasprintf("%llu schedule%s, %s", (unsigned long long)res.schedules, res.schedules == 1 ? "" : "s",
                           r->complete ? "complete" : "incomplete");
    if (rc != CS_OK) {
        r->failed = true;
        r->detail = cs_xasprintf("a schedule stopped with an error: %s:%u:%u: %s", file, err.pos.line, err.pos.col,
                                 err.message);
        cs_explore_result_free(&res);
        return;
    }
    size_t nalt = x->any ? x->any->n : 0;
    unsigned char *reached = cs_xcalloc(nalt ? nalt : 1, 1);
    size_t nbad = 0;
    if (nalt)
        cs__mark_asyncio(sc, x, reached);
    for (size_t i = 0; i < res.n; i++)
        cs__check_one(file, x, findings, &res.v[i], i, reached, &nbad, r);
    if (nbad) {
        char *head = cs_xasprintf("%zu of %zu distinct Trio outcomes fail the expectations (%s); if real Trio "
                                  "shows them, list the schedule-dependent keys in expect_any",
                                  nbad, res.n, r->note);
        char *t = cs_xasprintf("%s%s\n%s", head, nbad > CS__SWEEP_MAX_SHOWN ? " (the first 3)" : "", r->detail);
        free(r->detail);
        free(head);
        r->detail = t;
        r->failed = true;
    }
    for (size_t k = 0; k < nalt && r->complete; k++) {
        if (reached[k])
            continue;
        char *piece = cs_xasprintf("expect_any[%zu] is matched on none of the %llu Trio schedules (complete) "
                                   "nor on asyncio: no schedule gives it",
                                   k, (unsigned long long)res.schedules);
        cs__add(&r->detail, piece);
        free(piece);
        r->failed = true;
    }
    free(reached);
    cs_explore_result_free(&res);
}

void cs_sweep_result_free(cs_sweep_result *r)
{
    free(r->detail);
    free(r->replay);
    free(r->note);
    memset(r, 0, sizeof *r);
}

void cs_verify_sweep_entry(const char *file, const cs_scenario *sc, const cs_expectations *x,
                           const cs_findings *findings, const cs_explore_options *opt, cs_report_entry *r)
{
    if (r->status != CS_REPORT_PASS || r->backend != CS_BACKEND_TRIO)
        return;
    cs_sweep_result s;
    cs_verify_sweep(file, sc, x, findings, opt, &s);
    if (s.failed) {
        r->status = CS_REPORT_FAIL;
        free(r->detail);
        r->detail = s.detail;
        s.detail = NULL;
        if (s.replay) {
            free(r->replay);
            r->replay = s.replay;
            s.replay = NULL;
        }
    } else {
        r->note = s.note;
        s.note = NULL;
    }
    cs_sweep_result_free(&s);
}
