/* expect_load.c - expectations from Jansson into the checks' types (see
 * expect_load.h).  The only file of the expectation checks that reads JSON. */
#include "expect_load.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "findings.h"
#include "outcome.h"
#include "util.h"

/* A loaded file nests at most 2048 levels (Jansson's parser); an outcome far less. */
#define CS__MAX_DEPTH 4096

static json_t *cs__merge(const json_t *base, const json_t *over)
{
    json_t *out = json_deep_copy(base);
    const char *k;
    json_t *v;
    json_object_foreach ((json_t *)over, k, v) {
        json_t *b = json_object_get(out, k);
        if (json_is_object(v) && json_is_object(b))
            json_object_set_new(out, k, cs__merge(b, v));
        else
            json_object_set(out, k, v);
    }
    return out;
}

json_t *cs_expect_merged_json(const cs_scenario *sc, cs_backend backend)
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

static void cs__from_json(const json_t *j, cs_xv *v, int depth)
{
    assert(depth < CS__MAX_DEPTH);
    memset(v, 0, sizeof *v);
    switch (json_typeof(j)) {
    case JSON_NULL: v->kind = CS_XV_NULL; break;
    case JSON_FALSE: v->kind = CS_XV_FALSE; break;
    case JSON_TRUE: v->kind = CS_XV_TRUE; break;
    case JSON_INTEGER:
        v->kind = CS_XV_INT;
        v->i = (int64_t)json_integer_value(j);
        break;
    case JSON_REAL:
        v->kind = CS_XV_REAL;
        v->r = json_real_value(j);
        break;
    case JSON_STRING:
        v->kind = CS_XV_STRING;
        v->len = json_string_length(j);
        v->s = cs_xmalloc(v->len + 1);
        memcpy(v->s, json_string_value(j), v->len);
        v->s[v->len] = '\0';
        break;
    case JSON_ARRAY:
        v->kind = CS_XV_ARRAY;
        v->n = json_array_size(j);
        v->items = cs_xcalloc(v->n ? v->n : 1, sizeof *v->items);
        for (size_t k = 0; k < v->n; k++)
            cs__from_json(json_array_get(j, k), &v->items[k], depth + 1);
        break;
    case JSON_OBJECT: {
        v->kind = CS_XV_OBJECT;
        size_t cap = json_object_size(j);
        v->items = cs_xcalloc(cap ? cap : 1, sizeof *v->items);
        v->keys = cs_xcalloc(cap ? cap : 1, sizeof *v->keys);
        const char *k;
        json_t *m;
        json_object_foreach ((json_t *)j, k, m) { /* in insertion order: the file's */
            assert(v->n < cap);
            v->keys[v->n] = cs_xstrdup(k);
            cs__from_json(m, &v->items[v->n++], depth + 1);
        }
        break;
    }
    }
}

cs_xv *cs_xv_from_json(const json_t *j)
{
    if (!j)
        return NULL;
    cs_xv *v = cs_xmalloc(sizeof *v);
    cs__from_json(j, v, 0);
    return v;
}

cs_xv *cs_outcome_xv(const cs_outcome *o, unsigned parts, const cs_findings *fd)
{
    json_t *j = cs_outcome_to_json_parts(o, parts);
    if (fd)
        json_object_set_new(j, "findings", cs_findings_to_json(fd));
    cs_xv *v = cs_xv_from_json(j);
    json_decref(j);
    return v;
}

/* Adds the names in the findings list `f` (an array, else nothing) to *out. */
static void cs__allow(const cs_xv *f, char ***out, size_t *n)
{
    if (!f || f->kind != CS_XV_ARRAY)
        return;
    for (size_t k = 0; k < f->n; k++) {
        if (f->items[k].kind != CS_XV_STRING)
            continue;
        *out = cs_xrealloc(*out, (*n + 1) * sizeof **out);
        (*out)[(*n)++] = cs_xstrdup(f->items[k].s);
    }
}

/* The outcome members `always` reads (the others stay empty). */
static unsigned cs__parts_needed(const cs_xv *always)
{
    unsigned parts = 0;
    for (size_t k = 0; always && k < always->n; k++) {
        const char *key = always->keys[k];
        if (!strcmp(key, "tasks") || !strcmp(key, "tasks_in_state"))
            parts |= CS_OUTCOME_PART_TASKS;
        else if (!strcmp(key, "scopes"))
            parts |= CS_OUTCOME_PART_SCOPES;
        else if (!strcmp(key, "log") || !strcmp(key, "log_contains"))
            parts |= CS_OUTCOME_PART_LOG;
    }
    return parts;
}

cs_expectations *cs_expectations_new(const cs_scenario *sc)
{
    cs_expectations *x = cs_xcalloc(1, sizeof *x);
    x->any = sc->expect_any ? cs_xv_from_json(sc->expect_any) : NULL;
    x->always = sc->always ? cs_xv_from_json(sc->always) : NULL;
    x->always_parts = cs__parts_needed(x->always);
    for (int b = 0; b < 2; b++) {
        json_t *m = cs_expect_merged_json(sc, (cs_backend)b);
        x->merged[b] = cs_xv_from_json(m);
        json_decref(m);
        const cs_xv *mf = cs_xv_get(x->merged[b], "findings");
        x->declares_findings[b] = mf != NULL;
        x->has[b] = (x->merged[b] && x->merged[b]->n) || (x->any && x->any->n) || (x->always && x->always->n);
        cs__allow(mf, &x->allowed[b], &x->nallowed[b]);
        for (size_t k = 0; x->any && k < x->any->n; k++)
            cs__allow(cs_xv_get(&x->any->items[k], "findings"), &x->allowed[b], &x->nallowed[b]);
    }
    return x;
}

void cs_expectations_free(cs_expectations *x)
{
    if (!x)
        return;
    for (int b = 0; b < 2; b++) {
        cs_xv_free(x->merged[b]);
        for (size_t k = 0; k < x->nallowed[b]; k++)
            free(x->allowed[b][k]);
        free(x->allowed[b]);
    }
    cs_xv_free(x->any);
    cs_xv_free(x->always);
    free(x);
}
