/* expect.c - expectation matching (see expect.h). */
#include "expect.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static json_t *cs__merge(const json_t *base, const json_t *over)
{
    json_t *out = json_deep_copy(base);
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)over, k, v) {
        json_t *b = json_object_get(out, k);
        if (json_is_object(v) && json_is_object(b))
            json_object_set_new(out, k, cs__merge(b, v));
        else
            json_object_set(out, k, v);
    }
    return out;
}

json_t *cs_expect_merged(const cs_scenario *sc, cs_backend backend)
{
    const char *bname = backend == CS_BACKEND_TRIO ? "trio" : "asyncio";
    json_t *per = sc->expect_by_backend ? json_object_get(sc->expect_by_backend, bname) : NULL;
    if (!sc->expect && !per)
        return NULL;
    json_t *empty = json_object();
    json_t *m = cs__merge(sc->expect ? sc->expect : empty, per ? per : empty);
    json_decref(empty);
    return m;
}

static char *cs__dump(const json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    return s ? s : cs_xstrdup("?");
}

/* Mismatches listed in one diff before the rest are left out. */
#define CS__MAX_MISMATCHES 20

/* Adds "PATH: expected X, got Y" (or "PATH: what") to *diff, one mismatch a
 * line, so that a report lists every difference, not only the first. */
static int cs__fail(char **diff, const char *path, const json_t *exp, const json_t *act, const char *what)
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

static int cs__match(const json_t *exp, const json_t *act, const char *path, const char *key, char **diff);

static int cs__match_multiset(const json_t *exp, const json_t *act, const char *path, char **diff)
{
    size_t n = json_array_size(act);
    char *used = cs_xcalloc(n ? n : 1, 1);
    size_t i;
    json_t *e;
    json_array_foreach(exp, i, e) {
        bool found = false;
        for (size_t j = 0; j < n && !found; j++) {
            char *d = NULL;
            if (!used[j] && cs__match(e, json_array_get(act, j), path, NULL, &d) == 0) {
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

static int cs__match(const json_t *exp, const json_t *act, const char *path, const char *key, char **diff)
{
    if (json_is_object(exp)) {
        if (!json_is_object(act))
            return cs__fail(diff, path, exp, act, NULL);
        const char *k;
        json_t *v;
        int rc = 0;
        json_object_foreach((json_t *)exp, k, v) {
            char *sub = cs_xasprintf("%s.%s", path, k);
            json_t *a = json_object_get(act, k);
            rc |= a ? cs__match(v, a, sub, k, diff) : cs__fail(diff, sub, v, NULL, NULL);
            free(sub);
        }
        return rc;
    }
    if (json_is_array(exp)) {
        if (!json_is_array(act) || json_array_size(act) != json_array_size(exp))
            return cs__fail(diff, path, exp, act, NULL);
        if (key && strcmp(key, "exceptions") == 0)
            return cs__match_multiset(exp, act, path, diff);
        size_t i;
        json_t *v;
        int rc = 0;
        json_array_foreach(exp, i, v) {
            char *sub = cs_xasprintf("%s[%zu]", path, i);
            rc |= cs__match(v, json_array_get(act, i), sub, NULL, diff);
            free(sub);
        }
        return rc;
    }
    if (json_is_number(exp) && json_is_number(act)) {
        if (fabs(json_number_value(exp) - json_number_value(act)) > 1e-9)
            return cs__fail(diff, path, exp, act, NULL);
        return 0;
    }
    if (!json_equal((json_t *)exp, (json_t *)act) || json_typeof(exp) != json_typeof(act))
        return cs__fail(diff, path, exp, act, NULL);
    return 0;
}

static int cs__log_contains(const json_t *want, const json_t *log, char **diff)
{
    size_t j = 0, n = json_array_size(log);
    size_t i;
    json_t *w;
    json_array_foreach(want, i, w) {
        bool found = false;
        while (j < n && !found) {
            const json_t *line = json_array_get(log, j++);
            char *d = NULL;
            if (json_is_string(w))
                found = json_equal(json_object_get(line, "msg"), w);
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

static int cs__tasks_in_state(const json_t *want, const json_t *tasks, char **diff)
{
    const char *state;
    json_t *n;
    json_object_foreach((json_t *)want, state, n) {
        long long count = 0;
        const char *name;
        json_t *t;
        json_object_foreach((json_t *)tasks, name, t) {
            const char *s = json_string_value(json_object_get(t, "state"));
            if (s && strcmp(s, state) == 0)
                count++;
        }
        if (count != json_integer_value(n)) {
            char *path = cs_xasprintf("tasks_in_state.%s", state);
            char *what = cs_xasprintf("expected %lld, got %lld", (long long)json_integer_value(n), count);
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
static int cs__exact(const json_t *expect, const json_t *outcome, char **diff)
{
    static const char *const keys[] = {"tasks", "scopes"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const json_t *want = json_object_get(expect, keys[i]);
        const char *name;
        json_t *v;
        json_object_foreach(json_object_get(outcome, keys[i]), name, v) {
            if (!want || !json_object_get(want, name)) {
                *diff = cs_xasprintf("%s.%s: not in the expectation (exact)", keys[i], name);
                return 1;
            }
        }
    }
    return 0;
}

/* `canonical_run`: the outcome is the canonical schedule's (Trio seed 0, or
 * asyncio), where a `canonical` member applies; on any other schedule it is
 * passed over. */
static int cs__expect_match(const json_t *expect, const json_t *outcome, bool canonical_run, char **diff)
{
    *diff = NULL;
    const char *k;
    json_t *v;
    int any = 0;
    json_object_foreach((json_t *)expect, k, v) {
        int rc = 0;
        if (strcmp(k, "log_contains") == 0) {
            rc = cs__log_contains(v, json_object_get(outcome, "log"), diff);
        } else if (strcmp(k, "tasks_in_state") == 0) {
            rc = cs__tasks_in_state(v, json_object_get(outcome, "tasks"), diff);
        } else if (strcmp(k, "findings") == 0) {
            json_t *got = json_object_get(outcome, "findings");
            json_t *empty = json_array();
            rc = cs__match(v, got ? got : empty, "findings", NULL, diff);
            json_decref(empty);
        } else if (strcmp(k, "exact") == 0) {
            rc = json_is_true(v) ? cs__exact(expect, outcome, diff) : 0;
        } else if (strcmp(k, "canonical") == 0) {
            /* what the canonical schedule gives: verify's sweep of the other
             * schedules passes it over (cs_expect_check_schedule) */
            if (!canonical_run)
                continue;
            char *d = NULL;
            rc = cs__expect_match(v, outcome, true, &d);
            if (rc)
                *diff = cs_xasprintf("canonical: %s", d ? d : "?");
            free(d);
        } else {
            json_t *a = json_object_get(outcome, k);
            rc = a ? cs__match(v, a, k, k, diff) : cs__fail(diff, k, v, NULL, NULL);
        }
        any |= rc;
    }
    return any;
}

int cs_expect_match(const json_t *expect, const json_t *outcome, char **diff)
{
    return cs__expect_match(expect, outcome, true, diff);
}

/* A finding the scenario does not declare fails it (section 6: "default:
 * none"), so an expectation without `findings` stands for `"findings": []`.
 * Returns a new reference: `e` (or an empty object) with the default added. */
static json_t *cs__with_default_findings(const json_t *e)
{
    json_t *out = e ? json_copy((json_t *)e) : json_object();
    if (!json_object_get(out, "findings"))
        json_object_set_new(out, "findings", json_array());
    return out;
}

int cs_expect_check(const cs_scenario *sc, cs_backend backend, const json_t *outcome, char **diff)
{
    return cs_expect_check_schedule(sc, backend, outcome, true, diff);
}

int cs_expect_check_schedule(const cs_scenario *sc, cs_backend backend, const json_t *outcome, bool canonical_run,
                             char **diff)
{
    *diff = NULL;
    json_t *m = cs_expect_merged(sc, backend);
    bool alts = sc->expect_any && json_array_size(sc->expect_any);
    bool declared = m && json_object_get(m, "findings");
    /* With alternatives and no findings in the merged expectation, each
     * alternative declares its own (missing = none). */
    if (!alts) {
        json_t *full = cs__with_default_findings(m);
        json_decref(m);
        m = full;
    }
    if (m) {
        int rc = cs__expect_match(m, outcome, canonical_run, diff);
        json_decref(m);
        if (rc)
            return rc;
    }
    if (alts) {
        char *first = NULL;
        size_t i;
        json_t *alt;
        json_array_foreach(sc->expect_any, i, alt) {
            char *d = NULL;
            json_t *a = declared ? json_incref(alt) : cs__with_default_findings(alt);
            int rc = cs__expect_match(a, outcome, canonical_run, &d);
            json_decref(a);
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
