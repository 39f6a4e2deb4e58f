/* inject_sweep.c - the sweep of injected faults (see inject_sweep.h). */
#include "inject_sweep.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"
#include "shard.h"
#include "util.h"

/* The failing runs of one plan (every schedule with --explore). */
typedef struct cs__item {
    cs_inject_failure *v;
    size_t n, cap;
    uint64_t runs;
} cs__item;

void cs_inject_sweep_init(cs_inject_sweep *sw, const cs_inject_options *opt, const cs_scenario *sc,
                          const cs_backend *backends, size_t nbackends)
{
    assert(nbackends <= 2);
    memset(sw, 0, sizeof *sw);
    sw->opt = opt;
    sw->sc = sc;
    sw->x = cs_expectations_new(sc);
    for (size_t b = 0; b < nbackends; b++)
        sw->space[sw->nspace++].backend = backends[b];
}

/* Plan number `idx` of space `s` (0-based within the space): a single or a
 * pair (i, j), i < j, in lexicographic order. */
static void cs__plan_at(const cs_inject_space *s, uint64_t idx, size_t *ia, size_t *ib)
{
    *ia = *ib = SIZE_MAX;
    if (idx < s->nsingles) {
        *ia = (size_t)idx;
        return;
    }
    uint64_t r = idx - s->nsingles;
    size_t n = s->nsingles;
    for (size_t i = 0; i + 1 < n; i++) {
        uint64_t row = n - 1 - i;
        if (r < row) {
            *ia = i;
            *ib = i + 1 + (size_t)r;
            return;
        }
        r -= row;
    }
}

static void cs__failure_free(cs_inject_failure *f)
{
    free(f->plan);
    free(f->shrunk);
    free(f->kind);
    free(f->detail);
    free(f->replay);
}

/* Runs plan `p` at `w` and, when it fails, shrinks it into a new record
 * (unless it fails as `known_kind`: then it shrinks to `known_shrunk`). */
static bool cs__run_plan(const cs_inject_sweep *sw, const cs_inject_where *w, const cs_plan *p, uint64_t index,
                         const char *known_kind, const char *known_shrunk, cs_inject_failure *out, uint64_t *runs)
{
    cs_inject_result r;
    cs_run_error err;
    cs_inject_check(sw->sc, sw->x, w, p, NULL, &r, &err);
    (*runs)++;
    if (!r.failed) {
        cs_inject_result_clear(&r);
        return false;
    }
    memset(out, 0, sizeof *out);
    out->index = index;
    out->backend = w->backend;
    out->plan = cs_plan_format(sw->sc->program, p);
    if (known_shrunk && known_kind && strcmp(known_kind, r.kind) == 0) {
        out->shrunk = cs_xstrdup(known_shrunk);
    } else if (p->n == 0 || (p->n == 1 && p->v[0].k == 1)) {
        out->shrunk = cs_xstrdup(out->plan);
    } else {
        cs_plan small;
        cs_inject_shrink(sw->sc, sw->x, w, p, r.kind, &small, runs);
        out->shrunk = cs_plan_format(sw->sc->program, &small);
        cs_plan_free(&small);
    }
    out->kind = r.kind;
    out->detail = r.detail;
    r.kind = r.detail = NULL;
    out->replay = cs_inject_replay(sw->opt->file, w, out->shrunk);
    cs_inject_result_clear(&r);
    return true;
}

/* Runs global plan `index` (on every schedule with --explore) into *it. */
static void cs__run_index(const cs_inject_sweep *sw, uint64_t index, cs__item *it)
{
    size_t b = 0;
    uint64_t idx = index;
    while (b < sw->nspace && idx >= sw->space[b].nplans) {
        idx -= sw->space[b].nplans;
        b++;
    }
    if (b == sw->nspace)
        return;
    const cs_inject_space *s = &sw->space[b];
    size_t ia, ib;
    cs__plan_at(s, idx, &ia, &ib);
    assert(ia != SIZE_MAX); /* idx < nplans, which counts no more than every single and pair */
    cs_fault pair[2] = {s->singles[ia]};
    if (ib != SIZE_MAX)
        pair[1] = s->singles[ib];
    cs_plan p = {.v = pair, .n = ib != SIZE_MAX ? 2 : 1};
    cs_inject_where w = {.backend = s->backend};
    uint32_t *forced = NULL;
    size_t nforced = 0;
    cs_choice_log log = {0};
    bool explore = sw->opt->explore && s->backend == CS_BACKEND_TRIO;
    for (uint64_t sched = 0; sched < (explore ? sw->opt->max_schedules : 1); sched++) {
        w.forced = forced;
        w.nforced = nforced;
        /* A pair that fails the way one of its singles did (on the canonical
         * schedule) shrinks as that single did. */
        const char *known = NULL, *known_kind = NULL;
        if (sched == 0 && ib != SIZE_MAX && sw->single_kind[b]) {
            size_t one = sw->single_kind[b][ia] ? ia : ib;
            known_kind = sw->single_kind[b][one];
            known = sw->single_shrunk[b][one];
        }
        it->v = cs_xgrow(it->v, &it->cap, it->n + 1, sizeof *it->v);
        /* with --explore, the run logs its choices, which give the next
         * schedule (the replay line names this one by its forced prefix) */
        log.n = 0;
        w.log = explore ? &log : NULL;
        if (cs__run_plan(sw, &w, &p, index, known_kind, known, &it->v[it->n], &it->runs))
            it->n++;
        if (!explore || !cs_choice_log_next(&log, &forced, &nforced))
            break;
    }
    free(forced);
    free(log.choice);
    free(log.arity);
    free(log.mirror);
}

/* ---- plans in worker processes (pool.h) ---- */

/* The shard's plans in [from, to): item j is plan first + j * shard_n. */
typedef struct cs__range {
    cs_inject_sweep *sw;
    uint64_t first, count;
    uint64_t shown; /* plans done, for the progress line */
} cs__range;

static void *cs__work(void *ctx, size_t j)
{
    const cs__range *r = ctx;
    cs__item *it = cs_xcalloc(1, sizeof *it);
    cs__run_index(r->sw, r->first + (uint64_t)j * r->sw->opt->shard_n, it);
    return it;
}

static void cs__put(void *ctx, size_t j, const void *res, FILE *f)
{
    const cs__item *it = res;
    cs_pool_put_u64(f, it->runs);
    cs_pool_put_u64(f, it->n);
    for (size_t i = 0; i < it->n; i++) {
        const cs_inject_failure *x = &it->v[i];
        cs_pool_put_u64(f, x->index);
        cs_pool_put_u32(f, (uint32_t)x->backend);
        cs_pool_put_str(f, x->plan);
        cs_pool_put_str(f, x->shrunk);
        cs_pool_put_str(f, x->kind);
        cs_pool_put_str(f, x->detail);
        cs_pool_put_str(f, x->replay);
    }
}

static void cs__free(void *ctx, void *res)
{
    cs__item *it = res;
    for (size_t i = 0; i < it->n; i++)
        cs__failure_free(&it->v[i]);
    free(it->v);
    free(it);
}

/* A plan's failures from a worker's pipe, or NULL when it is gone.  A plan
 * runs on at most max_schedules schedules, one record each. */
static void *cs__get(void *ctx, size_t j, FILE *f)
{
    const cs__range *r = ctx;
    uint64_t runs, n;
    if (!cs_pool_get_u64(f, &runs) || !cs_pool_get_u64(f, &n) || n > r->sw->opt->max_schedules)
        return NULL;
    cs__item *it = cs_xcalloc(1, sizeof *it);
    it->runs = runs;
    it->v = cs_xcalloc(n ? n : 1, sizeof *it->v);
    for (; it->n < n; it->n++) {
        cs_inject_failure *x = &it->v[it->n];
        uint32_t b;
        bool ok = cs_pool_get_u64(f, &x->index) && cs_pool_get_u32(f, &b) && cs_pool_get_str(f, &x->plan) &&
                  cs_pool_get_str(f, &x->shrunk) && cs_pool_get_str(f, &x->kind) && cs_pool_get_str(f, &x->detail) &&
                  cs_pool_get_str(f, &x->replay);
        x->backend = (cs_backend)b;
        if (!ok || !x->plan || !x->shrunk || !x->kind || !x->detail || !x->replay) {
            it->n++;
            cs__free(ctx, it);
            return NULL;
        }
    }
    return it;
}

static void cs__done(void *ctx, size_t j, void *res)
{
    cs__range *r = ctx;
    cs_inject_sweep *sw = r->sw;
    cs__item *it = res;
    if (!it) {
        sw->lost = true;
        return;
    }
    sw->plans++;
    sw->runs += it->runs;
    for (size_t i = 0; i < it->n; i++) {
        sw->v = cs_xgrow(sw->v, &sw->cap, sw->n + 1, sizeof *sw->v);
        sw->v[sw->n++] = it->v[i];
    }
    free(it->v);
    free(it);
    if (sw->opt->progress && (++r->shown & 63) == 0)
        fprintf(stderr, "\rinject: %llu/%llu plans", (unsigned long long)r->shown, (unsigned long long)r->count);
}

/* Runs the shard's plans in [from, to), appending their failures in plan order. */
static void cs__run_plans(cs_inject_sweep *sw, uint64_t from, uint64_t to)
{
    const cs_inject_options *o = sw->opt;
    cs__range r = {.sw = sw};
    uint64_t first = from + (o->shard_k - 1 + o->shard_n - from % o->shard_n) % o->shard_n;
    assert(first >= to || cs_shard_keeps(first, o->shard_k, o->shard_n));
    r.first = first;
    r.count = first < to ? (to - first + o->shard_n - 1) / o->shard_n : 0;
    static const cs_pool_ops ops = {cs__work, cs__put, cs__get, cs__free, cs__done};
    cs_pool_run((size_t)r.count, o->jobs, &ops, &r);
    if (o->progress && r.count >= 64)
        fprintf(stderr, "\r%*s\r", 40, "");
}

/* ---- the sweep ---- */

/* The census's single faults; the scopes left out of the timeout sweep are
 * kept by name (the census's names go with it). */
static void cs__census_singles(const cs_inject_sweep *sw, cs_inject_space *s, const cs_census *c)
{
    const char **left = NULL;
    bool *timed = cs_scopes_with_deadline(sw->sc->program);
    s->nleft =
        cs_census_faults(c, &sw->opt->kinds, sw->sc->program, timed, &s->singles, &s->nsingles, &s->capsingles, &left);
    free(timed);
    s->left = s->nleft ? cs_xcalloc(s->nleft, sizeof *s->left) : NULL;
    for (size_t i = 0; i < s->nleft; i++)
        s->left[i] = cs_xstrdup(left[i]);
    free(left);
}

/* The run without faults: its census gives the singles; a failure there is
 * reported alone (every plan would inherit it). */
static int cs__base(cs_inject_sweep *sw, cs_inject_space *s, cs_run_error *err)
{
    cs_census *c = cs_census_new();
    cs_inject_where w = {.backend = s->backend};
    cs_inject_result r;
    int rc = cs_inject_check(sw->sc, sw->x, &w, NULL, c, &r, err);
    if (rc == CS_E_LIMIT) {
        /* refused before it ran (the depth limit): bad input, not a failure */
        cs_inject_result_clear(&r);
        cs_census_free(c);
        return rc;
    }
    sw->runs++;
    if (r.failed) {
        s->base_failed = true;
        sw->v = cs_xgrow(sw->v, &sw->cap, sw->n + 1, sizeof *sw->v);
        sw->v[sw->n++] = (cs_inject_failure){.index = UINT64_MAX,
                                             .backend = s->backend,
                                             .plan = cs_xstrdup(""),
                                             .shrunk = cs_xstrdup(""),
                                             .kind = r.kind,
                                             .detail = r.detail,
                                             .replay = cs_inject_replay(sw->opt->file, &w, NULL)};
        r.kind = r.detail = NULL;
    } else {
        cs_result_kind rk;
        if (cs_census_result(c, &rk) && rk != CS_RESULT_RETURNED && rk != CS_RESULT_RAISED && rk != CS_RESULT_DEADLOCK)
            s->skipped = cs_limit_name(rk);
        else
            cs__census_singles(sw, s, c);
    }
    cs_inject_result_clear(&r);
    cs_census_free(c);
    return 0;
}

int cs_inject_sweep_run(cs_inject_sweep *sw, cs_run_error *err)
{
    const cs_inject_options *o = sw->opt;
    for (size_t b = 0; b < sw->nspace; b++) {
        cs_inject_space *s = &sw->space[b];
        if (cs__base(sw, s, err) == CS_E_LIMIT)
            return CS_E_LIMIT;
        uint64_t n = s->nsingles;
        s->nplans = n + (o->max_faults >= 2 && n >= 2 ? (uint64_t)n * (n - 1) / 2 : 0);
        if (sw->total + s->nplans > o->max_plans) {
            s->nplans = o->max_plans > sw->total ? o->max_plans - sw->total : 0;
            sw->truncated = true;
        }
        sw->total += s->nplans;
    }
    /* singles first, so that pairs can reuse how their singles shrank */
    uint64_t from = 0;
    for (size_t b = 0; b < sw->nspace; b++) {
        cs_inject_space *s = &sw->space[b];
        uint64_t singles = s->nsingles < s->nplans ? s->nsingles : s->nplans;
        size_t before = sw->n;
        cs__run_plans(sw, from, from + singles);
        if (singles < s->nplans) {
            /* what each single did, for its pairs (only this shard's singles are known) */
            sw->single_kind[b] = cs_xcalloc(s->nsingles, sizeof(char *));
            sw->single_shrunk[b] = cs_xcalloc(s->nsingles, sizeof(char *));
            for (size_t i = before; i < sw->n; i++) {
                uint64_t k = sw->v[i].index - from;
                if (k < s->nsingles && !sw->single_kind[b][k]) {
                    sw->single_kind[b][k] = sw->v[i].kind;
                    sw->single_shrunk[b][k] = sw->v[i].shrunk;
                }
            }
            cs__run_plans(sw, from + singles, from + s->nplans);
        }
        from += s->nplans;
    }
    return 0;
}

void cs_inject_sweep_plan(cs_inject_sweep *sw, const cs_plan *plan)
{
    for (size_t b = 0; b < sw->nspace; b++) {
        cs_inject_where w = {.backend = sw->space[b].backend};
        sw->v = cs_xgrow(sw->v, &sw->cap, sw->n + 1, sizeof *sw->v);
        if (cs__run_plan(sw, &w, plan, b, NULL, NULL, &sw->v[sw->n], &sw->runs))
            sw->n++;
        sw->plans++;
    }
    sw->total = sw->plans;
}

void cs_inject_sweep_free(cs_inject_sweep *sw)
{
    for (size_t i = 0; i < sw->n; i++)
        cs__failure_free(&sw->v[i]);
    free(sw->v);
    for (size_t b = 0; b < sw->nspace; b++) {
        for (size_t i = 0; i < sw->space[b].nsingles; i++)
            free(sw->space[b].singles[i].target);
        free(sw->space[b].singles);
        for (size_t i = 0; i < sw->space[b].nleft; i++)
            free(sw->space[b].left[i]);
        free(sw->space[b].left);
        free(sw->single_kind[b]);
        free(sw->single_shrunk[b]);
    }
    cs_expectations_free(sw->x);
    memset(sw, 0, sizeof *sw);
}

/* ---- what was found ---- */

static bool cs__same_failure(const cs_inject_failure *a, const cs_inject_failure *b)
{
    return a->backend == b->backend && strcmp(a->shrunk, b->shrunk) == 0 && strcmp(a->kind, b->kind) == 0;
}

size_t cs_inject_distinct_of(const cs_inject_sweep *sw, cs_inject_distinct **out)
{
    cs_inject_distinct *d = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < sw->n; i++) {
        size_t j = 0;
        while (j < n && !cs__same_failure(d[j].first, &sw->v[i]))
            j++;
        if (j < n) {
            d[j].plans++;
            continue;
        }
        d = cs_xgrow(d, &cap, n + 1, sizeof *d);
        d[n++] = (cs_inject_distinct){.first = &sw->v[i], .plans = 1};
    }
    *out = d;
    return n;
}

size_t cs_inject_kinds_of(const cs_inject_distinct *d, size_t n, const char **kinds)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < k && strcmp(kinds[j], d[i].first->kind) != 0)
            j++;
        if (j == k)
            kinds[k++] = d[i].first->kind;
    }
    return k;
}

bool cs_inject_same_left(const cs_inject_space *x, const cs_inject_space *y)
{
    if (x->nleft != y->nleft)
        return false;
    for (size_t i = 0; i < x->nleft; i++)
        if (strcmp(x->left[i], y->left[i]) != 0)
            return false;
    return true;
}
