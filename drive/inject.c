/* inject.c - one checked run under a fault plan, shrinking, replay lines. */
#include "inject.h"

#include <stdlib.h>
#include <string.h>

#include "expect.h"
#include "findings.h"
#include "outcome.h"
#include "run_request.h"
#include "util.h"

/* Shrinking tries at most this many earlier checkpoints per fault. */
#define CS_SHRINK_MAX_K_TRIES 256

void cs_inject_result_clear(cs_inject_result *r)
{
    free(r->kind);
    free(r->detail);
    memset(r, 0, sizeof *r);
}

/* Whether `name` is among the findings the expectations allow on `b`. */
static bool cs__allowed(const cs_expectations *x, cs_backend b, const char *name)
{
    for (size_t i = 0; i < x->nallowed[b]; i++)
        if (strcmp(x->allowed[b][i], name) == 0)
            return true;
    return false;
}

/* "always PATH" from a matcher's "PATH: expected X, got Y". */
static char *cs__kind_of_diff(const char *diff)
{
    const char *colon = strstr(diff, ": ");
    size_t n = colon ? (size_t)(colon - diff) : strlen(diff);
    if (n > 200)
        n = 200;
    return cs_xasprintf("always %.*s", (int)n, diff);
}

/* A plan passes when the outcome keeps `always` and raises no finding the
 * expectations do not allow (inject.h). */
static void cs__check_outcome(const cs_expectations *x, cs_backend b, const cs_outcome *o, const cs_findings *fd,
                              cs_inject_result *out)
{
    const cs_xv *always = x->always;
    if (always) {
        /* only the outcome members `always` reads are built */
        cs_xv *j = cs_outcome_xv(o, x->always_parts, fd);
        char *diff = NULL;
        int rc = cs_expect_match(always, j, &diff);
        cs_xv_free(j);
        if (rc != 0) {
            out->failed = true;
            out->kind = cs__kind_of_diff(diff ? diff : "?");
            out->detail = diff ? diff : cs_xstrdup("?");
            return;
        }
        free(diff);
    }
    if (!always || !cs_xv_get(always, "findings")) {
        cs_finding_kind k[CS_FINDING_COUNT];
        size_t n = cs_findings_list(fd, k);
        for (size_t i = 0; i < n; i++) {
            const char *name = cs_finding_name(k[i]);
            if (!cs__allowed(x, b, name)) {
                out->failed = true;
                out->kind = cs_xasprintf("finding %s", name);
                const char *d = cs_findings_detail(fd, k[i]);
                out->detail = cs_xstrdup(d ? d : name);
                break;
            }
        }
    }
}

int cs_inject_check(const cs_scenario *sc, const cs_expectations *x, const cs_inject_where *w, const cs_plan *plan,
                    cs_census *census, cs_inject_result *out, cs_run_error *err)
{
    memset(out, 0, sizeof *out);
    cs_outcome *o = cs_outcome_new();
    cs_findings *fd = cs_findings_new();
    cs_sink sinks[3] = {{cs_outcome_sink, o}, {cs_findings_sink, fd}, {cs_census_sink, census}};
    cs_run_request rq;
    cs_run_request_init(&rq, w->backend);
    rq.seed = w->seed;
    rq.forced = w->forced;
    rq.nforced = w->nforced;
    rq.log = w->log;
    rq.plan = plan;
    int rc = cs_run_once(sc->program, &rq, sinks, census ? 3 : 2, err);
    if (rc == CS_OK) {
        cs__check_outcome(x, w->backend, o, fd, out);
    } else {
        out->failed = true;
        out->kind = cs_xstrdup("run error");
        out->detail = err->pos.line ? cs_xasprintf("%u:%u: %s", err->pos.line, err->pos.col, err->message)
                                    : cs_xstrdup(err->message);
    }
    cs_outcome_free(o);
    cs_findings_free(fd);
    return rc;
}

/* Whether `plan` still fails with failure kind `kind`. */
static bool cs__still_fails(const cs_scenario *sc, const cs_expectations *x, const cs_inject_where *w,
                            const cs_plan *plan, const char *kind, uint64_t *runs)
{
    cs_inject_result r;
    cs_run_error err;
    cs_inject_where quiet = *w;
    quiet.log = NULL; /* the schedule being shrunk on is the one logged first */
    cs_inject_check(sc, x, &quiet, plan, NULL, &r, &err);
    (*runs)++;
    bool same = r.failed && strcmp(r.kind, kind) == 0;
    cs_inject_result_clear(&r);
    return same;
}

static int cs__fault_cmp(const void *x, const void *y)
{
    const cs_fault *a = x, *b = y;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    int c = strcmp(a->target, b->target);
    if (c)
        return c;
    if (a->k != b->k)
        return a->k < b->k ? -1 : 1;
    if (a->cls != b->cls)
        return a->cls < b->cls ? -1 : 1;
    return a->seconds < b->seconds ? -1 : a->seconds > b->seconds;
}

void cs_inject_shrink(const cs_scenario *sc, const cs_expectations *x, const cs_inject_where *w, const cs_plan *plan,
                      const char *kind, cs_plan *out, uint64_t *runs)
{
    cs_plan cur;
    cs_plan_copy(&cur, plan);
    /* 1. fewer faults: drop any one whose absence keeps the failure */
    for (bool dropped = true; dropped && cur.n > 1;) {
        dropped = false;
        for (uint32_t i = 0; i < cur.n && !dropped; i++) {
            cs_fault keep = cur.v[i];
            memmove(&cur.v[i], &cur.v[i + 1], (cur.n - i - 1) * sizeof *cur.v);
            cur.n--;
            if (cs__still_fails(sc, x, w, &cur, kind, runs)) {
                free(keep.target);
                dropped = true;
            } else {
                memmove(&cur.v[i + 1], &cur.v[i], (cur.n - i) * sizeof *cur.v);
                cur.v[i] = keep;
                cur.n++;
            }
        }
    }
    /* 2. earlier checkpoints: the first K that still fails the same way */
    for (uint32_t i = 0; i < cur.n; i++) {
        uint32_t orig = cur.v[i].k;
        for (uint32_t k = 1; k < orig && k <= CS_SHRINK_MAX_K_TRIES; k++) {
            cur.v[i].k = k;
            if (cs__still_fails(sc, x, w, &cur, kind, runs))
                break;
            cur.v[i].k = orig;
        }
    }
    /* one order for equal plans, so that failures shrinking to the same
     * faults are reported once */
    if (cur.n)
        qsort(cur.v, cur.n, sizeof *cur.v, cs__fault_cmp);
    *out = cur;
}

/* `s` single-quoted for a POSIX shell when it holds anything but safe characters. */
static char *cs__shell_quote(const char *s)
{
    bool safe = *s != '\0';
    for (const char *p = s; *p && safe; p++)
        safe = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=+", *p) != NULL;
    if (safe)
        return cs_xstrdup(s);
    size_t n = 2;
    for (const char *p = s; *p; p++)
        n += *p == '\'' ? 4 : 1;
    char *q = cs_xmalloc(n + 1), *d = q;
    *d++ = '\'';
    for (const char *p = s; *p; p++) {
        if (*p == '\'') {
            memcpy(d, "'\\''", 4);
            d += 4;
        } else {
            *d++ = *p;
        }
    }
    *d++ = '\'';
    *d = '\0';
    return q;
}

char *cs_inject_replay(const char *file, const cs_inject_where *w, const char *plan_text)
{
    char *qf = cs__shell_quote(file);
    char *where;
    const uint32_t *ch = w->forced;
    size_t nch = w->nforced;
    if (ch && nch) {
        size_t cap = nch * 11 + 1, len = 0;
        char *sched = cs_xmalloc(cap);
        sched[0] = '\0';
        for (size_t i = 0; i < nch; i++)
            len += (size_t)snprintf(sched + len, cap - len, "%s%u", i ? "," : "", ch[i]);
        where = cs_xasprintf(" --schedule %s", sched);
        free(sched);
    } else if (w->seed) {
        where = cs_xasprintf(" --seed %llu", (unsigned long long)w->seed);
    } else {
        where = cs_xstrdup("");
    }
    char *r;
    if (plan_text && *plan_text) {
        char *qp = cs__shell_quote(plan_text);
        /* always quoted: `[` in an instance name is a shell glob */
        r = cs_xasprintf("cancelsim run %s --backend %s%s --inject %s%s%s", qf, cs_backend_name(w->backend), where,
                         qp[0] == '\'' ? "" : "'", qp, qp[0] == '\'' ? "" : "'");
        free(qp);
    } else {
        r = cs_xasprintf("cancelsim run %s --backend %s%s", qf, cs_backend_name(w->backend), where);
    }
    free(qf);
    free(where);
    return r;
}
