/* expect.c - expectation matching (see expect.h). */
#include "expect.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "xvalue.h"

static char *cs__dump(const cs_xv *v)
{
    return cs_xv_dump(v);
}

/* Mismatches listed in one diff before the rest are left out. */
#define CS__MAX_MISMATCHES 20

/* Adds "PATH: expected X, got Y" (or "PATH: what") to *diff, one mismatch a
 * line, so that a report lists every difference, not only the first. */
static int cs__fail(char **diff, const char *path, const cs_xv *exp, const cs_xv *act, const char *what)
{
    size_t lines = 0;
    for (const char *p = *diff; p && *p; p++)
        lines += *p == '\n';
    if (lines >= CS__MAX_MISMATCHES)
        return 1;
    char *line;
    if (lines + 1 == CS__MAX_MISMATCHES) {
        line = cs_xstrdup("... (more mismatches left out)");
    } else {
        char *es = exp ? cs__dump(exp) : cs_xstrdup("");
        char *as = act ? cs__dump(act) : cs_xstrdup("missing");
        line = what ? cs_xasprintf("%s: %s", path, what) : cs_xasprintf("%s: expected %s, got %s", path, es, as);
        free(es);
        free(as);
    }
    if (*diff) {
        char *t = cs_xasprintf("%s\n%s", *diff, line);
        free(*diff);
        free(line);
        line = t;
    }
    *diff = line;
    return 1;
}

static int cs__match(const cs_xv *exp, const cs_xv *act, const char *path, const char *key, char **diff);

static int cs__match_multiset(const cs_xv *exp, const cs_xv *act, const char *path, char **diff)
{
    size_t n = act->n;
    char *used = cs_xcalloc(n ? n : 1, 1);
    for (size_t i = 0; i < exp->n; i++) {
        const cs_xv *e = &exp->items[i];
        bool found = false;
        for (size_t j = 0; j < n && !found; j++) {
            char *d = NULL;
            if (!used[j] && cs__match(e, &act->items[j], path, NULL, &d) == 0) {
                used[j] = 1;
                found = true;
            }
            free(d);
        }
        if (!found) {
            free(used);
            char *es = cs__dump(e);
            char *as = cs__dump(act);
            char *what = cs_xasprintf("no exception matches %s (got %s)", es, as);
            cs__fail(diff, path, NULL, NULL, what);
            free(what);
            free(es);
            free(as);
            return 1;
        }
    }
    free(used);
    return 0;
}

static int cs__match(const cs_xv *exp, const cs_xv *act, const char *path, const char *key, char **diff)
{
    if (exp->kind == CS_XV_OBJECT) {
        if (act->kind != CS_XV_OBJECT)
            return cs__fail(diff, path, exp, act, NULL);
        int rc = 0;
        for (size_t i = 0; i < exp->n; i++) {
            const char *k = exp->keys[i];
            char *sub = cs_xasprintf("%s.%s", path, k);
            const cs_xv *a = cs_xv_get(act, k);
            rc |= a ? cs__match(&exp->items[i], a, sub, k, diff) : cs__fail(diff, sub, &exp->items[i], NULL, NULL);
            free(sub);
        }
        return rc;
    }
    if (exp->kind == CS_XV_ARRAY) {
        if (act->kind != CS_XV_ARRAY || act->n != exp->n)
            return cs__fail(diff, path, exp, act, NULL);
        if (key && strcmp(key, "exceptions") == 0)
            return cs__match_multiset(exp, act, path, diff);
        int rc = 0;
        for (size_t i = 0; i < exp->n; i++) {
            char *sub = cs_xasprintf("%s[%zu]", path, i);
            rc |= cs__match(&exp->items[i], &act->items[i], sub, NULL, diff);
            free(sub);
        }
        return rc;
    }
    if (cs_xv_is_number(exp) && cs_xv_is_number(act)) {
        if (fabs(cs_xv_number(exp) - cs_xv_number(act)) > 1e-9)
            return cs__fail(diff, path, exp, act, NULL);
        return 0;
    }
    if (!cs_xv_equal(exp, act))
        return cs__fail(diff, path, exp, act, NULL);
    return 0;
}

static int cs__log_contains(const cs_xv *want, const cs_xv *log, char **diff)
{
    size_t j = 0, n = log && log->kind == CS_XV_ARRAY ? log->n : 0;
    for (size_t i = 0; want->kind == CS_XV_ARRAY && i < want->n; i++) {
        const cs_xv *w = &want->items[i];
        bool found = false;
        while (j < n && !found) {
            const cs_xv *line = &log->items[j++];
            char *d = NULL;
            if (w->kind == CS_XV_STRING)
                found = cs_xv_equal(cs_xv_get(line, "msg"), w);
            else
                found = cs__match(w, line, "log", NULL, &d) == 0;
            free(d);
        }
        if (!found) {
            char *ws = cs__dump(w);
            char *what = cs_xasprintf("%s not found in order", ws);
            cs__fail(diff, "log_contains", NULL, NULL, what);
            free(what);
            free(ws);
            return 1;
        }
    }
    return 0;
}

static int cs__tasks_in_state(const cs_xv *want, const cs_xv *tasks, char **diff)
{
    for (size_t i = 0; want->kind == CS_XV_OBJECT && i < want->n; i++) {
        const char *state = want->keys[i];
        long long count = 0;
        for (size_t t = 0; tasks && tasks->kind == CS_XV_OBJECT && t < tasks->n; t++) {
            const cs_xv *s = cs_xv_get(&tasks->items[t], "state");
            if (s && s->kind == CS_XV_STRING && strcmp(s->s, state) == 0)
                count++;
        }
        if (count != (long long)cs_xv_int(&want->items[i])) {
            char *path = cs_xasprintf("tasks_in_state.%s", state);
            char *what = cs_xasprintf("expected %lld, got %lld", (long long)cs_xv_int(&want->items[i]), count);
            cs__fail(diff, path, NULL, NULL, what);
            free(path);
            free(what);
            return 1;
        }
    }
    return 0;
}

/* "exact": true - every task and every scope of the outcome must be named in
 * the expectation's `tasks` / `scopes` (subset matching alone never notices
 * an extra one). */
static int cs__exact(const cs_xv *expect, const cs_xv *outcome, char **diff)
{
    static const char *const keys[] = {"tasks", "scopes"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const cs_xv *want = cs_xv_get(expect, keys[i]);
        const cs_xv *got = cs_xv_get(outcome, keys[i]);
        for (size_t k = 0; got && got->kind == CS_XV_OBJECT && k < got->n; k++) {
            if (!want || !cs_xv_get(want, got->keys[k])) {
                *diff = cs_xasprintf("%s.%s: not in the expectation (exact)", keys[i], got->keys[k]);
                return 1;
            }
        }
    }
    return 0;
}

/* The outcome's findings, an empty list when it has none. */
static int cs__findings(const cs_xv *want, const cs_xv *outcome, char **diff)
{
    static const cs_xv empty = {.kind = CS_XV_ARRAY};
    const cs_xv *got = cs_xv_get(outcome, "findings");
    return cs__match(want, got ? got : &empty, "findings", NULL, diff);
}

/* `canonical_run`: the outcome is the canonical schedule's (Trio seed 0, or
 * asyncio), where a `canonical` member applies; on any other schedule it is
 * passed over.  `default_findings`: a missing `findings` member stands for
 * `"findings": []` (section 6: "default: none"), checked after the others. */
static int cs__expect_match(const cs_xv *expect, const cs_xv *outcome, bool canonical_run, bool default_findings,
                            char **diff)
{
    static const cs_xv none = {.kind = CS_XV_ARRAY};
    *diff = NULL;
    int any = 0;
    bool has_findings = false;
    for (size_t i = 0; expect && i < expect->n; i++) {
        const char *k = expect->keys[i];
        const cs_xv *v = &expect->items[i];
        int rc = 0;
        if (strcmp(k, "log_contains") == 0) {
            rc = cs__log_contains(v, cs_xv_get(outcome, "log"), diff);
        } else if (strcmp(k, "tasks_in_state") == 0) {
            rc = cs__tasks_in_state(v, cs_xv_get(outcome, "tasks"), diff);
        } else if (strcmp(k, "findings") == 0) {
            has_findings = true;
            rc = cs__findings(v, outcome, diff);
        } else if (strcmp(k, "exact") == 0) {
            rc = v->kind == CS_XV_TRUE ? cs__exact(expect, outcome, diff) : 0;
        } else if (strcmp(k, "canonical") == 0) {
            /* what the canonical schedule gives: verify's sweep of the other
             * schedules passes it over (cs_expect_check_schedule) */
            if (!canonical_run)
                continue;
            char *d = NULL;
            rc = cs__expect_match(v, outcome, true, false, &d);
            if (rc)
                *diff = cs_xasprintf("canonical: %s", d ? d : "?");
            free(d);
        } else {
            const cs_xv *a = cs_xv_get(outcome, k);
            rc = a ? cs__match(v, a, k, k, diff) : cs__fail(diff, k, v, NULL, NULL);
        }
        any |= rc;
    }
    if (default_findings && !has_findings)
        any |= cs__findings(&none, outcome, diff);
    return any;
}

int cs_expect_match(const cs_xv *expect, const cs_xv *outcome, char **diff)
{
    return cs__expect_match(expect, outcome, true, false, diff);
}

int cs_expect_check(const cs_expectations *x, cs_backend backend, const cs_xv *outcome, char **diff)
{
    return cs_expect_check_schedule(x, backend, outcome, true, diff);
}

int cs_expect_check_schedule(const cs_expectations *x, cs_backend backend, const cs_xv *outcome, bool canonical_run,
                             char **diff)
{
    *diff = NULL;
    const cs_xv *m = x->merged[backend];
    bool alts = x->any && x->any->n;
    bool declared = x->declares_findings[backend];
    /* With alternatives and no findings in the merged expectation, each
     * alternative declares its own (missing = none); without alternatives,
     * the merged expectation (or none at all) stands for "no findings". */
    if (m || !alts) {
        int rc = cs__expect_match(m, outcome, canonical_run, !alts, diff);
        if (rc)
            return rc;
    }
    if (alts) {
        char *first = NULL;
        for (size_t i = 0; i < x->any->n; i++) {
            char *d = NULL;
            int rc = cs__expect_match(&x->any->items[i], outcome, canonical_run, !declared, &d);
            if (rc == 0) {
                free(d);
                free(first);
                return 0;
            }
            if (!first)
                first = d;
            else
                free(d);
        }
        *diff = cs_xasprintf("matches none of expect_any (first: %s)", first ? first : "?");
        free(first);
        return 1;
    }
    return 0;
}
