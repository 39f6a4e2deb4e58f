/* explore.c - the schedule search behind `explore` and `verify` (explore.h):
 * the strategies, outcome identity by hash and text, the stop rules. */
#include "explore.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "run_request.h"
#include "util.h"

/* Choice points a pct run remembers from the run before (beyond: canonical). */
#define CS__PCT_MAX_POINTS 65536u

void cs_explore_options_init(cs_explore_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->strategy = CS_EXPLORE_DFS;
    opt->max_schedules = 10000;
    opt->depth = 3;
    opt->seed = 1;
    opt->reduce = true;
    opt->mixed = true; /* a space too big for dfs still shows its outcomes */
}

static const char *const cs__strategy_names[] = {"dfs", "random", "pct"};

bool cs_explore_parse_strategy(const char *s, cs_explore_strategy *out)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(s, cs__strategy_names[i]) == 0) {
            *out = (cs_explore_strategy)i;
            return true;
        }
    return false;
}

const char *cs_explore_strategy_name(cs_explore_strategy s)
{
    return cs__strategy_names[s];
}

bool cs_explore_set_strategy(cs_explore_options *opt, const char *s)
{
    if (strcmp(s, "mixed") == 0) {
        opt->strategy = CS_EXPLORE_DFS;
        opt->mixed = true;
        return true;
    }
    if (!cs_explore_parse_strategy(s, &opt->strategy))
        return false;
    opt->mixed = false; /* a strategy named is that strategy alone */
    return true;
}

const char *cs_explore_options_strategy(const cs_explore_options *opt)
{
    return opt->strategy == CS_EXPLORE_DFS && opt->mixed ? "mixed" : cs_explore_strategy_name(opt->strategy);
}

static double cs__now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* splitmix64: the random and pct strategies' generator. */
static uint64_t cs__mix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* One memory stream for every run's key: a new one per run cost a malloc, a
 * realloc per doubling and a free, on every schedule. */
typedef struct cs__keybuf {
    FILE *f;
    char *buf;
    size_t len;
} cs__keybuf;

/* The outcome's identity: its section 4 JSON on one line (the writer's key
 * order is fixed, so equal outcomes give equal text), in kb's buffer (*len
 * bytes; valid until the next call). */
static const char *cs__outcome_key(cs__keybuf *kb, const cs_outcome *o, size_t *len)
{
    if (!kb->f)
        kb->f = open_memstream(&kb->buf, &kb->len);
    else
        fseeko(kb->f, 0, SEEK_SET);
    if (!kb->f) {
        fputs("cancelsim: out of memory\n", stderr);
        abort();
    }
    cs_jw w;
    cs_jw_init(&w, kb->f, CS_JW_ONE_LINE, 0);
    cs_outcome_write_jw(o, &w);
    fflush(kb->f); /* kb->len: the position, the end of this key */
    *len = kb->len;
    return kb->buf;
}

static void cs__keybuf_free(cs__keybuf *kb)
{
    if (kb->f)
        fclose(kb->f);
    free(kb->buf);
}

static uint64_t cs__hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h ? h : 1;
}

static void cs__table_grow(cs_explore_result *r)
{
    size_t cap = r->table_cap ? r->table_cap * 2 : 64;
    size_t *t = cs_xcalloc(cap, sizeof *t);
    for (size_t i = 0; i < r->n; i++) {
        size_t j = (size_t)r->v[i].hash & (cap - 1);
        while (t[j])
            j = (j + 1) & (cap - 1);
        t[j] = i + 1;
    }
    free(r->table);
    r->table = t;
    r->table_cap = cap;
}

/* Counts the run's outcome: an outcome seen before, or a new entry (takes o). */
static void cs__record(cs_explore_result *r, cs__keybuf *kb, cs_outcome *o, const cs_choice_log *log, bool by_seed,
                       uint64_t seed)
{
    size_t len;
    const char *key = cs__outcome_key(kb, o, &len);
    uint64_t h = cs__hash(key, len);
    if (2 * (r->n + 1) > r->table_cap)
        cs__table_grow(r);
    size_t j = (size_t)h & (r->table_cap - 1);
    for (size_t probes = 0; r->table[j] && probes < r->table_cap; probes++) {
        cs_explore_found *f = &r->v[r->table[j] - 1];
        if (f->hash == h && f->keylen == len && memcmp(f->key, key, len) == 0) {
            f->schedules++;
            cs_outcome_free(o);
            return;
        }
        j = (j + 1) & (r->table_cap - 1);
    }
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 8;
        r->v = cs_xrealloc(r->v, r->cap * sizeof *r->v);
    }
    cs_explore_found *f = &r->v[r->n++];
    memset(f, 0, sizeof *f);
    r->table[j] = r->n;
    f->outcome = o;
    f->key = cs_xmalloc(len + 1);
    memcpy(f->key, key, len);
    f->key[len] = 0;
    f->keylen = len;
    f->hash = h;
    f->schedules = 1;
    f->first = r->schedules;
    f->by_seed = by_seed;
    f->seed = seed;
    size_t n = log->n;
    while (n > 0 && log->choice[n - 1] == 0)
        n--; /* after a forced prefix the canonical option is taken */
    f->nchoices = n;
    f->choices = cs_xmalloc((n ? n : 1) * sizeof *f->choices);
    if (n)
        memcpy(f->choices, log->choice, n * sizeof *f->choices);
}

/* One Trio run from `base` (cs_run_request_init's defaults, made once per
 * exploration: it asks the kernel for the machine's memory, a sysinfo call
 * that was 3% of a schedule); the outcome (new) or NULL with *err. */
static cs_outcome *cs__run(const cs_program *p, const cs_run_request *base, const uint32_t *forced, size_t nforced,
                           uint64_t seed, cs_choice_log *log, cs_run_error *err, int *rc)
{
    cs_outcome *o = cs_outcome_new();
    cs_sink sink = {cs_outcome_sink, o};
    cs_run_request rq = *base;
    rq.seed = seed;
    rq.forced = forced;
    rq.nforced = nforced;
    rq.log = log;
    log->n = 0;
    *rc = cs_run_once(p, &rq, &sink, 1, err);
    if (*rc != CS_OK) {
        cs_outcome_free(o);
        return NULL;
    }
    return o;
}

/* pct: canonical choices except at depth-1 change points among the choice
 * points the run before made, each taking a random option of that point's
 * arity there.  Returns the forced length. */
static size_t cs__pct_plan(const cs_explore_options *opt, uint64_t *rng, const cs_choice_log *prev, uint32_t **forced,
                           size_t *cap)
{
    size_t n = prev->n < CS__PCT_MAX_POINTS ? prev->n : CS__PCT_MAX_POINTS;
    if (n == 0 || opt->depth < 2)
        return 0;
    if (*cap < n) {
        *cap = n;
        *forced = cs_xrealloc(*forced, n * sizeof **forced);
    }
    memset(*forced, 0, n * sizeof **forced);
    for (uint32_t d = 1; d < opt->depth; d++) {
        size_t at = (size_t)(cs__mix(rng) % n);
        uint32_t k = prev->arity[at];
        (*forced)[at] = k > 1 ? (uint32_t)(cs__mix(rng) % k) : 0;
    }
    return n;
}

typedef struct cs__walk {
    const cs_explore_options *opt;
    cs_choice_log log, prev;
    uint32_t *forced;
    size_t nforced, capforced;
    uint64_t rng;
    double start, next_progress;
    bool random;   /* this run draws its choices from its seed */
    bool switched; /* mixed: dfs gave up, random seeds from here on */
} cs__walk;

static uint64_t cs__random_seed(const cs_explore_options *opt, uint64_t i)
{
    uint64_t s = opt->seed ^ (i * 0xD1B54A32D192ED03ULL);
    uint64_t seed = cs__mix(&s);
    return seed ? seed : 1; /* seed 0 is the canonical schedule */
}

/* The share of the schedule tree dfs has walked, from the last run's
 * choices read as a mixed-radix fraction (choice k of arity a_k weighs
 * 1/(a_1...a_k)): exact when every path meets the same arities, an
 * estimate otherwise. */
static double cs__dfs_fraction(const cs_choice_log *log)
{
    double f = 0, scale = 1;
    for (size_t k = 0; k < log->n && scale > 1e-300; k++) {
        if (log->arity[k] < 2)
            continue;
        scale /= log->arity[k];
        f += log->choice[k] * scale;
    }
    return f;
}

/* mixed: whether dfs, past the first half of the bound or of the budget, gives
 * way to random seeds: when the share of the tree it has walked says it would
 * not finish within them (a stuck dfs walks a tiny share; one half way
 * through a tree that fits goes on and completes it). */
static bool cs__dfs_gives_up(const cs__walk *w, const cs_explore_result *r, uint64_t i)
{
    const cs_explore_options *o = w->opt;
    bool half_n = o->max_schedules && i >= o->max_schedules / 2;
    bool half_t = o->budget_s > 0 && r->seconds >= o->budget_s / 2;
    if (!half_n && !half_t)
        return false;
    double f = cs__dfs_fraction(&w->log);
    if (f <= 0)
        return true;
    return (half_n && (double)i / f > (double)o->max_schedules) || (half_t && r->seconds / f > o->budget_s);
}

/* Plans run number `i` (0-based): forced choices and seed.  False when dfs
 * has tried every schedule. */
static bool cs__plan(cs__walk *w, cs_explore_result *r, uint64_t i, uint64_t *seed)
{
    *seed = 0;
    w->random = false;
    switch (w->opt->strategy) {
    case CS_EXPLORE_DFS:
        if (i == 0)
            return true;
        /* mixed: dfs gets the first half of the bound or of the budget
         * (whichever comes first), and more only while it looks like
         * finishing; a dfs that would not is stuck deep in one corner of the
         * tree, so the rest samples it */
        if (w->opt->mixed && !w->switched && cs__dfs_gives_up(w, r, i)) {
            w->switched = true;
            r->dfs_runs = i;
        }
        if (w->switched) {
            w->nforced = 0;
            w->random = true;
            *seed = cs__random_seed(w->opt, i);
            return true;
        }
        return cs_choice_log_next_reduced(&w->log, &w->forced, &w->nforced, w->opt->reduce, &r->pruned);
    case CS_EXPLORE_RANDOM:
        w->random = true; /* the canonical schedule (seed 0) first */
        *seed = i == 0 ? 0 : cs__random_seed(w->opt, i);
        return true;
    case CS_EXPLORE_PCT:
        w->nforced = i == 0 ? 0 : cs__pct_plan(w->opt, &w->rng, &w->prev, &w->forced, &w->capforced);
        return true;
    }
    return false;
}

static bool cs__out_of_time(cs__walk *w, cs_explore_result *r)
{
    double now = cs__now();
    r->seconds = now - w->start;
    if (w->opt->progress && now >= w->next_progress) {
        w->next_progress = now + 0.2;
        cs_explore_progress p = {r->schedules, r->n, r->seconds};
        w->opt->progress(w->opt->progress_ctx, &p);
    }
    return w->opt->budget_s > 0 && r->seconds >= w->opt->budget_s;
}

int cs_explore(const cs_program *p, const cs_explore_options *opt, cs_explore_result *res, cs_run_error *err)
{
    memset(res, 0, sizeof *res);
    cs__walk w = {.opt = opt, .rng = opt->seed, .start = cs__now()};
    w.next_progress = w.start + 0.2;
    int rc = CS_OK;
    cs_run_request base;
    cs_run_request_init(&base, CS_BACKEND_TRIO);
    cs__keybuf kb = {0};
    res->stop = CS_EXPLORE_MAX;
    for (uint64_t i = 0;; i++) {
        if (opt->max_schedules && i >= opt->max_schedules)
            break;
        if (i && (i & 15) == 0 && cs__out_of_time(&w, res)) {
            res->stop = CS_EXPLORE_BUDGET;
            break;
        }
        uint64_t seed;
        if (!cs__plan(&w, res, i, &seed)) {
            res->stop = CS_EXPLORE_COMPLETE;
            break;
        }
        cs_outcome *o = cs__run(p, &base, w.forced, w.nforced, seed, &w.log, err, &rc);
        if (!o)
            break;
        res->schedules++;
        cs__record(res, &kb, o, &w.log, w.random, seed);
        if (opt->strategy == CS_EXPLORE_PCT && i == 0) {
            cs_choice_log t = w.prev; /* the canonical run's points plan the others */
            w.prev = w.log;
            w.log = t;
        }
    }
    if (rc == CS_OK && opt->strategy == CS_EXPLORE_DFS && res->stop == CS_EXPLORE_MAX && !w.random &&
        !cs_choice_log_next_reduced(&w.log, &w.forced, &w.nforced, opt->reduce, &res->pruned))
        res->stop = CS_EXPLORE_COMPLETE; /* the bound and the last schedule coincide */
    res->seconds = cs__now() - w.start;
    cs__keybuf_free(&kb);
    free(w.forced);
    free(w.log.choice);
    free(w.log.arity);
    free(w.log.mirror);
    free(w.prev.choice);
    free(w.prev.arity);
    free(w.prev.mirror);
    return rc;
}

void cs_explore_result_free(cs_explore_result *res)
{
    for (size_t i = 0; i < res->n; i++) {
        cs_outcome_free(res->v[i].outcome);
        free(res->v[i].key);
        free(res->v[i].choices);
    }
    free(res->v);
    free(res->table);
    memset(res, 0, sizeof *res);
}

char *cs_explore_schedule_text(const uint32_t *v, size_t n)
{
    size_t cap = n * 11 + 2, len = 0;
    char *s = cs_xmalloc(cap);
    s[0] = 0;
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(s + len, cap - len, "%s%u", i ? "," : "", v[i]);
    if (n == 0)
        strcpy(s, "0");
    return s;
}

char *cs_explore_replay(const char *file, const cs_explore_found *f)
{
    if (f->by_seed || f->nchoices == 0)
        return cs_xasprintf("cancelsim run %s --backend trio --seed %llu", file,
                            (unsigned long long)(f->by_seed ? f->seed : 0));
    char *sched = cs_explore_schedule_text(f->choices, f->nchoices);
    char *r = cs_xasprintf("cancelsim run %s --backend trio --schedule %s", file, sched);
    free(sched);
    return r;
}

char *cs_explore_growth(const cs_explore_result *res)
{
    if (res->n == 0)
        return cs_xstrdup("no outcome");
    char *s = cs_xstrdup("new outcomes at schedule");
    size_t shown = 0;
    for (size_t i = 0; i < res->n; i++) {
        if (i > 0 && i + 3 < res->n && shown >= 5) {
            if (shown == 5) {
                char *t = cs_xasprintf("%s, ...", s);
                free(s);
                s = t;
                shown++;
            }
            continue;
        }
        char *t = cs_xasprintf("%s%s %llu", s, i ? "," : (res->n > 1 ? "s" : ""), (unsigned long long)res->v[i].first);
        free(s);
        s = t;
        shown++;
    }
    uint64_t last = res->v[res->n - 1].first;
    uint64_t quiet = res->schedules - last;
    /* mixed: once random seeds took over, judge them alone (a first random
     * schedule that finds what dfs could not reach is not "late") */
    uint64_t span = res->schedules - (res->dfs_runs && last > res->dfs_runs ? res->dfs_runs : 0);
    char *t;
    if (res->stop == CS_EXPLORE_COMPLETE)
        t = cs_xasprintf("%s; complete", s);
    else if (quiet * 2 >= span)
        t = cs_xasprintf("%s; none in the last %llu of %llu: saturating", s, (unsigned long long)quiet,
                         (unsigned long long)res->schedules);
    else
        t = cs_xasprintf("%s; only %llu schedules since the last new one: still finding new ones", s,
                         (unsigned long long)quiet);
    free(s);
    return t;
}
