/* cmd_inject.c - `cancelsim inject FILE`: sweep injected faults.
 *
 * For each backend, a run without faults gives the census (every task's
 * checkpoints and to_thread calls, every named scope's checkpoints); each
 * single fault it allows is a plan, then (--max-faults 2) each pair.  Every
 * plan runs and is checked against the scenario's `always` and its findings
 * (drive/inject.h).  A failing plan is shrunk to the fewest faults and the
 * earliest checkpoints that fail the same way, and failures that shrink to the
 * same plan are reported once, with the line that replays it.
 *
 * Plans are numbered in a fixed order (backend, then singles, then pairs), so
 * `--shard K/N` (every plan whose number is K-1 modulo N) splits a sweep
 * across machines and `--jobs N` across processes without changing what is
 * found; `--format json` prints JSON Lines, so shard outputs concatenate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "inject.h"
#include "load.h"
#include "outcome.h"
#include "util.h"

static const char *const cs__inject_help =
    "usage: cancelsim inject FILE [--failures] [--timeouts[=all]] [--delays] [--delay SECONDS]\n"
    "                             [--max-faults 1|2] [--backend asyncio|trio|both]\n"
    "                             [--explore] [--max-schedules N] [--max-plans N]\n"
    "                             [--max-k N]\n"
    "                             [--jobs N] [--shard K/N] [--format text|json]\n"
    "       cancelsim inject FILE --plan PLAN [--backend B] [--format text|json]\n"
    "\n"
    "Sweeps injected faults over a scenario: a failure raised at each checkpoint of\n"
    "each task and in each of its worker-thread calls (--failures), a deadline\n"
    "expiring at each checkpoint reached inside each named scope that the scenario\n"
    "gives a deadline somewhere (--timeouts; --timeouts=all: every named scope),\n"
    "an extra sleep of --delay SECONDS (default 1) before each checkpoint\n"
    "(--delays).  The three flags select: the sweep runs the kinds given, and\n"
    "without any of them failures and timeouts (so `--delays` alone sweeps delays\n"
    "only; `--failures --timeouts --delays` adds delays to the default).  Scopes\n"
    "left out of the timeout sweep are named in the output.  --max-faults 2 also runs\n"
    "every pair.  Each plan runs on each backend (--explore: on every Trio\n"
    "schedule, up to --max-schedules per plan, default 64) and must keep the\n"
    "scenario's `always` expectations and raise no finding it does not declare.\n"
    "Each failing plan is shrunk to the fewest faults and earliest checkpoints\n"
    "that fail the same way and printed with a `cancelsim run ... --inject PLAN`\n"
    "line that replays it.  --shard K/N runs every N-th plan from the K-th, so\n"
    "parts of a sweep can run on several machines; --format json prints JSON\n"
    "Lines (one line per distinct failure, then a summary line), so the outputs\n"
    "of shards concatenate.  --max-plans bounds the sweep (default 100000) and\n"
    "--max-k the checkpoints tried per task and scope (default 1000).  A scenario\n"
    "whose run without faults stops at a limit is not swept (every plan would\n"
    "run to the limit).\n"
    "--plan checks one plan (as `run --inject` writes it) instead of a sweep, and\n"
    "shrinks it when it fails.\n"
    "Exit status: 0 no plan breaks, 1 some break, 2 bad input.\n";

typedef struct cs__inject_args {
    const char *file;
    cs_backend_sel sel;
    bool sel_given;
    cs_inject_kinds kinds;
    uint64_t max_faults;
    bool explore;
    uint64_t max_schedules;
    uint64_t max_plans;
    uint64_t jobs;
    uint64_t shard_k, shard_n;
    bool json;
    const char *plan;   /* --plan: check this plan only */
} cs__inject_args;

static const char *const cs__inject_opts[] = {
    "help|h", "failures", "timeouts=?", "delays", "explore", "delay=", "max-faults=", "backend=", "max-k=",
    "max-schedules=", "max-plans=", "jobs=", "plan=", "shard=", "format=", NULL};

static int cs__inject_parse(int argc, char **argv, cs__inject_args *a)
{
    memset(a, 0, sizeof *a);
    a->kinds.delay_seconds = 1.0;
    a->max_faults = 1;
    a->max_schedules = 64;
    a->max_plans = 100000;
    a->kinds.max_k = 1000;
    a->jobs = 1;
    a->shard_k = a->shard_n = 1;
    cs_cli_parser p;
    cs_cli_parser_init(&p, "inject", argc, argv, cs__inject_opts);
    const char *o, *v;
    bool bare_timeouts = false; /* the argument before was `--timeouts`: `all` may follow */
    for (int got; (got = cs_cli_next(&p, &o, &v)) != CS_CLI_END;) {
        bool after_timeouts = bare_timeouts;
        bare_timeouts = false;
        if (got == CS_CLI_BAD)
            return 2;
        if (got == CS_CLI_OPERAND && after_timeouts && strcmp(o, "all") == 0) {
            a->kinds.all_timeouts = true; /* `--timeouts all` (a FILE named all: ./all) */
        } else if (got == CS_CLI_OPERAND) {
            if (a->file)
                return cs_cli_usage_error("inject", "only one FILE may be given");
            a->file = o;
        } else if (strcmp(o, "--help") == 0) {
            fputs(cs__inject_help, stdout);
            return 1;
        } else if (strcmp(o, "--failures") == 0) {
            a->kinds.failures = true;
        } else if (strcmp(o, "--timeouts") == 0) {
            if (v && strcmp(v, "all") != 0)
                return cs_cli_usage_error("inject", "--timeouts takes no value but `all`, not '%s'", v);
            a->kinds.timeouts = true;
            a->kinds.all_timeouts |= v != NULL;
            bare_timeouts = v == NULL;
        } else if (strcmp(o, "--delays") == 0) {
            a->kinds.delays = true;
        } else if (strcmp(o, "--explore") == 0) {
            a->explore = true;
        } else if (strcmp(o, "--delay") == 0) {
            if (!cs_cli_parse_seconds(v, &a->kinds.delay_seconds))
                return cs_cli_usage_error("inject", "--delay must be a positive number of seconds, not '%s'", v);
        } else if (strcmp(o, "--max-faults") == 0) {
            if (!cs_cli_parse_u64(v, &a->max_faults) || a->max_faults < 1 || a->max_faults > 2)
                return cs_cli_usage_error("inject", "--max-faults must be 1 or 2, not '%s'", v);
        } else if (strcmp(o, "--backend") == 0) {
            if (!cs_cli_parse_backend(v, &a->sel))
                return cs_cli_usage_error("inject", "--backend must be asyncio, trio or both, not '%s'", v);
            a->sel_given = true;
        } else if (strcmp(o, "--max-k") == 0) {
            uint64_t k;
            if (!cs_cli_parse_u64(v, &k) || k == 0 || k > UINT32_MAX)
                return cs_cli_usage_error("inject", "--max-k must be a positive integer, not '%s'", v);
            a->kinds.max_k = (uint32_t)k;
        } else if (strcmp(o, "--max-schedules") == 0 || strcmp(o, "--max-plans") == 0 ||
                   strcmp(o, "--jobs") == 0) {
            uint64_t *dst = o[2] == 'j' ? &a->jobs : o[6] == 's' ? &a->max_schedules : &a->max_plans;
            if (!cs_cli_parse_u64(v, dst) || *dst == 0)
                return cs_cli_usage_error("inject", "%s must be a positive integer, not '%s'", o, v);
            if (a->jobs > 256)
                return cs_cli_usage_error("inject", "--jobs must be at most 256");
        } else if (strcmp(o, "--plan") == 0) {
            a->plan = v;
        } else if (strcmp(o, "--shard") == 0) {
            if (!cs_cli_parse_shard(v, &a->shard_k, &a->shard_n))
                return cs_cli_usage_error("inject", "--shard must be K/N with 1 <= K <= N, not '%s'", v);
        } else if (strcmp(o, "--format") == 0) {
            if (strcmp(v, "json") == 0)
                a->json = true;
            else if (strcmp(v, "text") != 0)
                return cs_cli_usage_error("inject", "--format must be text or json, not '%s'", v);
        }
    }
    if (!a->file)
        return cs_cli_usage_error("inject", "missing FILE");
    if (!a->kinds.failures && !a->kinds.timeouts && !a->kinds.delays)
        a->kinds.failures = a->kinds.timeouts = true;
    return 0;
}

/* ---- the sweep ---- */

/* One backend's plans: the singles of its census, then the pairs. */
typedef struct cs__space {
    cs_backend backend;
    cs_fault *singles;
    size_t nsingles, capsingles;
    uint64_t nplans;       /* singles + pairs */
    bool base_failed;      /* the run without faults already fails: nothing to sweep */
    const char *skipped;   /* why this backend is not swept (a limit), or NULL */
    char **left;           /* scopes left out of the timeout sweep: no deadline in the scenario */
    size_t nleft;
} cs__space;

/* A failing plan as found and as shrunk (one record per failing run). */
typedef struct cs__failure {
    uint64_t index;        /* global plan number */
    cs_backend backend;
    char *plan;            /* as run */
    char *shrunk;          /* shrunk plan text ("" for the run without faults) */
    char *kind;
    char *detail;
    char *replay;
} cs__failure;

typedef struct cs__sweep {
    const cs__inject_args *a;
    const cs_scenario *sc;
    cs__space space[2];
    size_t nspace;
    uint64_t total;        /* plans in the whole sweep (all shards) */
    /* single i of space b failed with this kind on the canonical schedule (NULL: passed) */
    char **single_kind[2];
    char **single_shrunk[2];
} cs__sweep;

/* Plan number `idx` of space `s` (0-based within the space): a single or a pair. */
static void cs__plan_at(const cs__space *s, uint64_t idx, cs_plan *p, size_t *ia, size_t *ib)
{
    p->n = 0;
    p->v = NULL;
    *ia = *ib = SIZE_MAX;
    if (idx < s->nsingles) {
        *ia = (size_t)idx;
        p->n = 1;
        p->v = (cs_fault *)&s->singles[idx];
        return;
    }
    /* pairs (i, j), i < j, in lexicographic order */
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

static void cs__failure_free(cs__failure *f)
{
    free(f->plan);
    free(f->shrunk);
    free(f->kind);
    free(f->detail);
    free(f->replay);
}

/* Runs plan `p` at `w` and, when it fails, shrinks it into a new record. */
static bool cs__run_plan(const cs__sweep *sw, const cs_inject_where *w, const cs_plan *p, uint64_t index,
                         const char *known_kind, const char *known_shrunk, cs__failure *out, uint64_t *runs)
{
    cs_inject_result r;
    cs_run_error err;
    cs_inject_check(sw->sc, w, p, NULL, &r, &err);
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
        cs_inject_shrink(sw->sc, w, p, r.kind, &small, runs);
        out->shrunk = cs_plan_format(sw->sc->program, &small);
        cs_plan_free(&small);
    }
    out->kind = r.kind;
    out->detail = r.detail;
    r.kind = r.detail = NULL;
    out->replay = cs_inject_replay(sw->a->file, w, out->shrunk);
    cs_inject_result_clear(&r);
    return true;
}

/* Runs global plan `index` (on every schedule with --explore); appends failing
 * records to *v. */
static void cs__run_index(const cs__sweep *sw, uint64_t index, cs__failure **v, size_t *n, size_t *cap,
                          uint64_t *runs)
{
    size_t b = 0;
    uint64_t idx = index;
    while (b < sw->nspace && idx >= sw->space[b].nplans) {
        idx -= sw->space[b].nplans;
        b++;
    }
    if (b == sw->nspace)
        return;
    const cs__space *s = &sw->space[b];
    cs_plan p;
    size_t ia, ib;
    cs_fault pair[2];
    cs__plan_at(s, idx, &p, &ia, &ib);
    const char *known = NULL, *known_kind = NULL;
    if (ib != SIZE_MAX) {
        pair[0] = s->singles[ia];
        pair[1] = s->singles[ib];
        p.v = pair;
        p.n = 2;
    }
    cs_inject_where w = {.backend = s->backend};
    uint32_t *forced = NULL;
    size_t nforced = 0;
    cs_choice_log log = {0};
    bool explore = sw->a->explore && s->backend == CS_BACKEND_TRIO;
    for (uint64_t sched = 0; sched < (explore ? sw->a->max_schedules : 1); sched++) {
        w.forced = forced;
        w.nforced = nforced;
        /* A pair that fails the way one of its singles did (on the canonical
         * schedule) shrinks as that single did. */
        known = known_kind = NULL;
        if (sched == 0 && ib != SIZE_MAX && sw->single_kind[b]) {
            size_t one = sw->single_kind[b][ia] ? ia : ib;
            known_kind = sw->single_kind[b][one];
            known = sw->single_shrunk[b][one];
        }
        *v = cs_xgrow(*v, cap, *n + 1, sizeof **v);
        /* with --explore, the run logs its choices, which give the next
         * schedule (the replay line names this one by its forced prefix) */
        log.n = 0;
        w.log = explore ? &log : NULL;
        if (cs__run_plan(sw, &w, &p, index, known_kind, known, &(*v)[*n], runs))
            (*n)++;
        if (!explore || !cs_choice_log_next(&log, &forced, &nforced))
            break;
    }
    free(forced);
    free(log.choice);
    free(log.arity);
    free(log.mirror);
}

/* ---- running plans in worker processes ---- */

/* A record as one JSON line, so a worker can hand it to the parent. */
static void cs__failure_write(FILE *f, const cs__failure *r)
{
    json_t *j = json_pack("{s:I,s:i,s:s,s:s,s:s,s:s,s:s}", "index", (json_int_t)r->index, "backend",
                          (int)r->backend, "plan", r->plan, "shrunk", r->shrunk, "kind", r->kind, "detail",
                          r->detail, "replay", r->replay);
    char *line = json_dumps(j, JSON_COMPACT);
    fprintf(f, "%s\n", line ? line : "{}");
    free(line);
    json_decref(j);
}

static bool cs__failure_read(const char *line, cs__failure *r)
{
    json_t *j = json_loads(line, 0, NULL);
    json_int_t index = 0;
    int backend = 0;
    const char *plan, *shrunk, *kind, *detail, *replay;
    bool ok = j && json_unpack(j, "{s:I,s:i,s:s,s:s,s:s,s:s,s:s}", "index", &index, "backend", &backend, "plan",
                               &plan, "shrunk", &shrunk, "kind", &kind, "detail", &detail, "replay",
                               &replay) == 0;
    if (ok) {
        *r = (cs__failure){.index = (uint64_t)index, .backend = (cs_backend)backend, .plan = cs_xstrdup(plan),
                           .shrunk = cs_xstrdup(shrunk), .kind = cs_xstrdup(kind), .detail = cs_xstrdup(detail),
                           .replay = cs_xstrdup(replay)};
    }
    json_decref(j);
    return ok;
}

typedef struct cs__results {
    cs__failure *v;
    size_t n, cap;
    uint64_t plans, runs;
} cs__results;

/* Whether global plan `i` belongs to this shard. */
static bool cs__in_shard(const cs__inject_args *a, uint64_t i)
{
    return i % a->shard_n == a->shard_k - 1;
}

/* Runs the shard's plans in [from, to) whose position among them is
 * `worker` modulo `workers`; shows progress when `progress`. */
static void cs__run_range(const cs__sweep *sw, uint64_t from, uint64_t to, unsigned worker, unsigned workers,
                          bool progress, cs__results *out)
{
    uint64_t pos = 0, mine = 0, total = 0;
    for (uint64_t i = from; i < to; i++)
        total += cs__in_shard(sw->a, i);
    for (uint64_t i = from; i < to; i++) {
        if (!cs__in_shard(sw->a, i))
            continue;
        if (pos++ % workers != worker)
            continue;
        cs__run_index(sw, i, &out->v, &out->n, &out->cap, &out->runs);
        out->plans++;
        if (progress && (++mine & 63) == 0)
            fprintf(stderr, "\rinject: %llu/%llu plans", (unsigned long long)(mine * workers),
                    (unsigned long long)total);
    }
    if (progress && total >= 64)
        fprintf(stderr, "\r%*s\r", 40, "");
}

static int cs__cmp_index(const void *x, const void *y)
{
    const cs__failure *a = x, *b = y;
    return a->index < b->index ? -1 : a->index > b->index;
}

/* Runs [from, to) in `jobs` worker processes (in this one when jobs is 1 or
 * fork fails) and appends the records in plan order. */
static void cs__run_parallel(const cs__sweep *sw, uint64_t from, uint64_t to, unsigned jobs, cs__results *out)
{
    bool tty = isatty(STDERR_FILENO);
    size_t first = out->n;
    FILE *files[256];
    pid_t pids[256];
    unsigned started = 0;
    for (unsigned w = 0; jobs > 1 && w < jobs; w++) {
        FILE *tf = tmpfile();
        if (!tf)
            break;
        fflush(NULL);
        pid_t pid = fork();
        if (pid < 0) {
            fclose(tf);
            break;
        }
        if (pid == 0) {
            cs__results mine = {0};
            cs__run_range(sw, from, to, w, jobs, tty && w == 0, &mine);
            fprintf(tf, "{\"plans\":%llu,\"runs\":%llu}\n", (unsigned long long)mine.plans,
                    (unsigned long long)mine.runs);
            for (size_t i = 0; i < mine.n; i++)
                cs__failure_write(tf, &mine.v[i]);
            fflush(tf);
            _exit(ferror(tf) ? 3 : 0);
        }
        files[started] = tf;
        pids[started++] = pid;
    }
    if (started < jobs && jobs > 1) {
        /* fork or tmpfile failed: the workers that started cover their part;
         * this process runs the others */
        for (unsigned w = started; w < jobs; w++)
            cs__run_range(sw, from, to, w, jobs, false, out);
    } else if (jobs <= 1) {
        cs__run_range(sw, from, to, 0, 1, tty, out);
    }
    for (unsigned w = 0; w < started; w++) {
        int status = 0;
        waitpid(pids[w], &status, 0);
        rewind(files[w]);
        char *line = NULL;
        size_t cap = 0;
        bool head = true;
        while (getline(&line, &cap, files[w]) > 0) {
            if (head) {
                unsigned long long p = 0, r = 0;
                if (sscanf(line, "{\"plans\":%llu,\"runs\":%llu}", &p, &r) == 2) {
                    out->plans += p;
                    out->runs += r;
                }
                head = false;
                continue;
            }
            out->v = cs_xgrow(out->v, &out->cap, out->n + 1, sizeof *out->v);
            if (cs__failure_read(line, &out->v[out->n]))
                out->n++;
        }
        free(line);
        fclose(files[w]);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            fprintf(stderr, "cancelsim inject: worker %u stopped abnormally; its plans are missing\n", w);
    }
    if (out->n > first) /* no failures: v may still be NULL, and qsort(NULL, 0) is undefined */
        qsort(out->v + first, out->n - first, sizeof *out->v, cs__cmp_index);
}

/* ---- reporting ---- */

typedef struct cs__distinct {
    const cs__failure *first; /* borrowed from the results */
    uint64_t plans;           /* failing plans that shrink to it */
} cs__distinct;

/* Failures that shrink to the same plan and break the same way are one, on
 * whichever schedules they appear (the first found keeps its replay line). */
static bool cs__same_failure(const cs__failure *a, const cs__failure *b)
{
    return a->backend == b->backend && strcmp(a->shrunk, b->shrunk) == 0 && strcmp(a->kind, b->kind) == 0;
}

static size_t cs__distinct_of(const cs__results *r, cs__distinct **out)
{
    cs__distinct *d = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < r->n; i++) {
        size_t j = 0;
        while (j < n && !cs__same_failure(d[j].first, &r->v[i]))
            j++;
        if (j < n) {
            d[j].plans++;
            continue;
        }
        d = cs_xgrow(d, &cap, n + 1, sizeof *d);
        d[n++] = (cs__distinct){.first = &r->v[i], .plans = 1};
    }
    *out = d;
    return n;
}

/* The distinct failure kinds, in order of first appearance (borrowed). */
static size_t cs__kinds_of(const cs__distinct *d, size_t n, const char **kinds)
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

/* Whether two backends left out the same scopes (said once for both). */
static bool cs__same_left(const cs__space *x, const cs__space *y)
{
    if (x->nleft != y->nleft)
        return false;
    for (size_t i = 0; i < x->nleft; i++)
        if (strcmp(x->left[i], y->left[i]) != 0)
            return false;
    return true;
}

static void cs__print_left(const cs__sweep *sw)
{
    for (size_t b = 0; b < sw->nspace; b++) {
        const cs__space *s = &sw->space[b];
        if (!s->nleft || (b == 1 && cs__same_left(&sw->space[0], s)))
            continue;
        bool both = b == 0 && sw->nspace == 2 && cs__same_left(s, &sw->space[1]);
        printf("  %s%s: %zu scope%s left out of the timeout sweep, no deadline in the scenario:",
               cs_backend_name(s->backend), both ? " and trio" : "", s->nleft, s->nleft == 1 ? "" : "s");
        for (size_t i = 0; i < s->nleft; i++)
            printf("%s %s", i ? "," : "", s->left[i]);
        printf(" (--timeouts=all sweeps them too)\n");
    }
}

static void cs__print_text(const cs__sweep *sw, const cs__results *r, const cs__distinct *d, size_t nd,
                           bool truncated)
{
    const cs__inject_args *a = sw->a;
    printf("inject %s on", sw->sc->program->name);
    for (size_t b = 0; b < sw->nspace; b++)
        printf("%s %s", b ? " and" : "", cs_backend_name(sw->space[b].backend));
    bool skipped = false;
    for (size_t b = 0; b < sw->nspace; b++)
        skipped |= sw->space[b].skipped != NULL;
    printf(": %llu plan%s", (unsigned long long)r->plans, r->plans == 1 ? "" : "s");
    if (r->plans == 0 && r->n == 0 && !skipped)
        printf(" (no checkpoint to inject into)");
    if (a->shard_n > 1)
        printf(" (shard %llu/%llu of %llu)", (unsigned long long)a->shard_k, (unsigned long long)a->shard_n,
               (unsigned long long)sw->total);
    if (truncated)
        printf(" (stopped at --max-plans)");
    if (r->n == 0) {
        printf(", none breaks `always` or raises a finding\n");
    } else {
        const char **kinds = cs_xcalloc(nd, sizeof *kinds);
        size_t nk = cs__kinds_of(d, nd, kinds);
        printf(", %zu failing run%s, %zu distinct failure%s, %zu kind%s: ", r->n, r->n == 1 ? "" : "s", nd,
               nd == 1 ? "" : "s", nk, nk == 1 ? "" : "s");
        for (size_t i = 0; i < nk; i++)
            printf("%s%s", i ? ", " : "", kinds[i]);
        printf("\n");
        free(kinds);
    }
    for (size_t b = 0; b < sw->nspace; b++)
        if (sw->space[b].skipped)
            printf("  %s not swept: its run without faults stops at the %s limit\n",
                   cs_backend_name(sw->space[b].backend), sw->space[b].skipped);
    cs__print_left(sw);
    for (size_t i = 0; i < nd; i++) {
        const cs__failure *f = d[i].first;
        printf("\nFAIL %s: %s\n", cs_backend_name(f->backend), f->shrunk[0] ? f->shrunk : "(no fault)");
        if (strncmp(f->kind, "always", 6) == 0)
            printf("  breaks `always`: %s\n", f->detail);
        else
            printf("  %s: %s\n", f->kind, f->detail);
        if (d[i].plans > 1 || strcmp(f->plan, f->shrunk) != 0)
            printf("  %llu failing run%s to it, first %s\n", (unsigned long long)d[i].plans,
                   d[i].plans == 1 ? " shrinks" : "s shrink", f->plan);
        printf("  replay: %s\n", f->replay);
    }
}

static void cs__print_json(const cs__sweep *sw, const cs__results *r, const cs__distinct *d, size_t nd,
                           bool truncated)
{
    const cs__inject_args *a = sw->a;
    char shard[48];
    snprintf(shard, sizeof shard, "%llu/%llu", (unsigned long long)a->shard_k, (unsigned long long)a->shard_n);
    for (size_t i = 0; i < nd; i++) {
        const cs__failure *f = d[i].first;
        json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:s}", "scenario", sw->sc->program->name, "file",
                              a->file, "backend", cs_backend_name(f->backend), "plan", f->shrunk, "kind", f->kind,
                              "detail", f->detail, "first_plan", f->plan, "first_index", (json_int_t)f->index,
                              "plans", (json_int_t)d[i].plans,
                              "replay", f->replay);
        char *line = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
        printf("%s\n", line);
        free(line);
        json_decref(j);
    }
    const char **kinds = cs_xcalloc(nd ? nd : 1, sizeof *kinds);
    size_t nk = cs__kinds_of(d, nd, kinds);
    json_t *ka = json_array();
    for (size_t i = 0; i < nk; i++)
        json_array_append_new(ka, json_string(kinds[i]));
    free(kinds);
    json_t *bs = json_array();
    for (size_t b = 0; b < sw->nspace; b++)
        json_array_append_new(bs, json_string(cs_backend_name(sw->space[b].backend)));
    json_t *skipped = json_object();
    for (size_t b = 0; b < sw->nspace; b++)
        if (sw->space[b].skipped)
            json_object_set_new(skipped, cs_backend_name(sw->space[b].backend),
                                json_pack("{s:s}", "limit", sw->space[b].skipped));
    json_t *sum = json_pack("{s:s,s:s,s:o,s:s,s:I,s:I,s:I,s:I,s:I,s:o,s:b,s:o}", "scenario",
                            sw->sc->program->name, "file", a->file, "backends", bs, "shard", shard, "plans_total",
                            (json_int_t)sw->total, "plans", (json_int_t)r->plans, "runs", (json_int_t)r->runs,
                            "failing", (json_int_t)r->n, "distinct", (json_int_t)nd, "kinds", ka, "complete",
                            !truncated, "not_swept", skipped);
    /* only when some scope was left out, so other summaries stay as they were */
    json_t *left = json_object();
    for (size_t b = 0; b < sw->nspace; b++) {
        const cs__space *sp = &sw->space[b];
        if (!sp->nleft)
            continue;
        json_t *names = json_array();
        for (size_t i = 0; i < sp->nleft; i++)
            json_array_append_new(names, json_string(sp->left[i]));
        json_object_set_new(left, cs_backend_name(sp->backend),
                            json_pack("{s:I,s:o,s:s}", "count", (json_int_t)sp->nleft, "scopes", names, "reason",
                                      "no deadline in the scenario"));
    }
    if (json_object_size(left))
        json_object_set_new(sum, "timeouts_left_out", left);
    else
        json_decref(left);
    json_t *line = json_pack("{s:o}", "summary", sum);
    char *text = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER);
    printf("%s\n", text);
    free(text);
    json_decref(line);
}

/* ---- the command ---- */

/* The census's single faults; the scopes left out of the timeout sweep are
 * kept by name (the census's names go with it). */
static void cs__census_singles(const cs__sweep *sw, cs__space *s, const cs_census *c)
{
    const char **left = NULL;
    bool *timed = cs_scopes_with_deadline(sw->sc->program);
    s->nleft = cs_census_faults(c, &sw->a->kinds, sw->sc->program, timed, &s->singles, &s->nsingles,
                                &s->capsingles, &left);
    free(timed);
    s->left = s->nleft ? cs_xcalloc(s->nleft, sizeof *s->left) : NULL;
    for (size_t i = 0; i < s->nleft; i++)
        s->left[i] = cs_xstrdup(left[i]);
    free(left);
}

/* The run without faults: its census gives the singles; a failure there is
 * reported alone (every plan would inherit it). */
static int cs__base(cs__sweep *sw, cs__space *s, cs__results *res, cs_run_error *err)
{
    cs_census *c = cs_census_new();
    cs_inject_where w = {.backend = s->backend};
    cs_inject_result r;
    int rc = cs_inject_check(sw->sc, &w, NULL, c, &r, err);
    if (rc == CS_E_LIMIT) {
        /* refused before it ran (the depth limit): bad input, not a failure */
        cs_inject_result_clear(&r);
        cs_census_free(c);
        return rc;
    }
    res->runs++;
    if (r.failed) {
        s->base_failed = true;
        res->v = cs_xgrow(res->v, &res->cap, res->n + 1, sizeof *res->v);
        res->v[res->n++] = (cs__failure){.index = UINT64_MAX, .backend = s->backend, .plan = cs_xstrdup(""),
                                         .shrunk = cs_xstrdup(""), .kind = r.kind, .detail = r.detail,
                                         .replay = cs_inject_replay(sw->a->file, &w, NULL)};
        r.kind = r.detail = NULL;
    } else {
        cs_result_kind rk;
        if (cs_census_result(c, &rk) && rk != CS_RESULT_RETURNED && rk != CS_RESULT_RAISED &&
            rk != CS_RESULT_DEADLOCK)
            s->skipped = cs_limit_name(rk);
        else
            cs__census_singles(sw, s, c);
    }
    cs_inject_result_clear(&r);
    cs_census_free(c);
    return 0;
}

/* Frees what a sweep holds (the scenario is the caller's). */
static void cs__sweep_free(cs__sweep *sw, cs__results *res)
{
    for (size_t i = 0; i < res->n; i++)
        cs__failure_free(&res->v[i]);
    free(res->v);
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
}

int cs_cmd_inject(int argc, char **argv)
{
    cs__inject_args a;
    int prc = cs__inject_parse(argc, argv, &a);
    if (prc)
        return prc == 1 ? 0 : prc;
    cs_scenario *sc = NULL;
    cs_load_error lerr;
    if (cs_cli_load(a.file, &sc, &lerr) != 0) {
        cs_load_error_print(&lerr, stderr);
        return 2;
    }
    cs__sweep sw = {.a = &a, .sc = sc};
    if (a.sel != CS_SEL_TRIO && (a.sel_given || sc->program->run_asyncio))
        sw.space[sw.nspace++].backend = CS_BACKEND_ASYNCIO;
    if (a.sel != CS_SEL_ASYNCIO && (a.sel_given || sc->program->run_trio))
        sw.space[sw.nspace++].backend = CS_BACKEND_TRIO;
    cs__results res = {0};
    bool truncated = false;
    if (a.plan) {
        char perr[256];
        cs_plan given;
        if (cs_plan_parse(sc->program, a.plan, &given, perr, sizeof perr) < 0) {
            fprintf(stderr, "cancelsim inject: --plan: %s\n", perr);
            cs_scenario_free(sc);
            return 2;
        }
        for (size_t b = 0; b < sw.nspace; b++) {
            cs_inject_where w = {.backend = sw.space[b].backend};
            res.v = cs_xgrow(res.v, &res.cap, res.n + 1, sizeof *res.v);
            if (cs__run_plan(&sw, &w, &given, b, NULL, NULL, &res.v[res.n], &res.runs))
                res.n++;
            res.plans++;
        }
        cs_plan_free(&given);
        sw.total = res.plans;
        goto report;
    }
    for (size_t b = 0; b < sw.nspace; b++) {
        cs__space *s = &sw.space[b];
        cs_run_error berr;
        if (cs__base(&sw, s, &res, &berr) == CS_E_LIMIT) {
            fprintf(stderr, "%s: error: %s\n", cs_cli_file_name(a.file), berr.message);
            cs__sweep_free(&sw, &res);
            cs_scenario_free(sc);
            return 2;
        }
        uint64_t n = s->nsingles;
        s->nplans = n + (a.max_faults >= 2 && n >= 2 ? (uint64_t)n * (n - 1) / 2 : 0);
        if (sw.total + s->nplans > a.max_plans) {
            s->nplans = a.max_plans > sw.total ? a.max_plans - sw.total : 0;
            truncated = true;
        }
        sw.total += s->nplans;
    }
    /* singles first, so that pairs can reuse how their singles shrank */
    uint64_t from = 0;
    for (size_t b = 0; b < sw.nspace; b++) {
        cs__space *s = &sw.space[b];
        uint64_t singles = s->nsingles < s->nplans ? s->nsingles : s->nplans;
        size_t before = res.n;
        cs__run_parallel(&sw, from, from + singles, (unsigned)a.jobs, &res);
        if (singles < s->nplans) {
            /* what each single did, for its pairs (only this shard's singles are known) */
            sw.single_kind[b] = cs_xcalloc(s->nsingles, sizeof(char *));
            sw.single_shrunk[b] = cs_xcalloc(s->nsingles, sizeof(char *));
            for (size_t i = before; i < res.n; i++) {
                uint64_t k = res.v[i].index - from;
                if (k < s->nsingles && !sw.single_kind[b][k]) {
                    sw.single_kind[b][k] = res.v[i].kind;
                    sw.single_shrunk[b][k] = res.v[i].shrunk;
                }
            }
            cs__run_parallel(&sw, from + singles, from + s->nplans, (unsigned)a.jobs, &res);
        }
        from += s->nplans;
    }
report:;
    cs__distinct *d = NULL;
    size_t nd = cs__distinct_of(&res, &d);
    if (a.json)
        cs__print_json(&sw, &res, d, nd, truncated);
    else
        cs__print_text(&sw, &res, d, nd, truncated);
    int rc = res.n ? 1 : 0;
    free(d);
    cs__sweep_free(&sw, &res);
    cs_scenario_free(sc);
    return rc;
}
