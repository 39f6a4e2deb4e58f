/* cmd_explore.c - `cancelsim explore FILE`: every distinct Trio schedule,
 * depth first, and the distinct outcomes they give.
 *
 * A Trio run logs each schedule choice it makes (a batch's order, the order of
 * equal deadlines, of an event's waiters, of cancellation delivery) with its
 * number of options.  The search replays a prefix of choices and takes option
 * 0 after it; the next schedule bumps the deepest choice that has an option
 * left.  Only real choices are logged (a batch of one task has one order), so
 * realistic scenarios finish.  Each distinct outcome gets a replay command: a
 * seed that reproduces it when a short search finds one, else the exact
 * choices with --schedule. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json_out.h"
#include "load.h"
#include "outcome.h"
#include "util.h"

#define CS_EXPLORE_SEED_SEARCH 2000

typedef struct cs__found {
    cs_outcome *outcome;
    char *key;          /* canonical JSON, for comparison */
    uint64_t schedules;
    uint32_t *forced;   /* the first schedule that gave it */
    size_t nforced;
    char *replay;
} cs__found;

/* One Trio run with a forced choice prefix; returns the outcome (new) or NULL. */
static cs_outcome *cs__explore_run(const cs_scenario *sc, const uint32_t *forced, size_t nforced, uint64_t seed,
                                   cs_choice_log *log, cs_run_error *err)
{
    cs_outcome *o = cs_outcome_new();
    cs_sink sink = {cs_outcome_sink, o};
    cs_run_options opt;
    cs_run_options_init(&opt);
    opt.backend = CS_BACKEND_TRIO;
    opt.seed = seed;
    opt.forced = forced;
    opt.nforced = nforced;
    opt.choices = log;
    opt.sinks = &sink;
    opt.nsinks = 1;
    if (cs_run(sc->program, &opt, err) != CS_OK) {
        cs_outcome_free(o);
        return NULL;
    }
    return o;
}

/* The outcome's identity: its section 4 JSON on one line (the writer's key
 * order is fixed, so equal outcomes give equal text). */
static char *cs__outcome_key(const cs_outcome *o)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return cs_xstrdup("");
    cs_jw w;
    cs_jw_init(&w, f, CS_JW_ONE_LINE, 0);
    cs_outcome_write_jw(o, &w);
    fclose(f);
    return buf;
}

static char *cs__schedule_text(const uint32_t *v, size_t n)
{
    size_t cap = n * 11 + 2, len = 0;
    char *s = cs_xmalloc(cap);
    s[0] = 0;
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(s + len, cap - len, "%s%u", i ? "," : "", v[i]);
    return s;
}

/* A seed whose run gives the same outcome, or the exact choices. */
static char *cs__replay_for(const char *file, const cs_scenario *sc, const cs__found *f)
{
    for (uint64_t seed = 0; seed < CS_EXPLORE_SEED_SEARCH; seed++) {
        cs_run_error err;
        cs_outcome *o = cs__explore_run(sc, NULL, 0, seed, NULL, &err);
        if (!o)
            break;
        char *k = cs__outcome_key(o);
        bool same = strcmp(k, f->key) == 0;
        free(k);
        cs_outcome_free(o);
        if (same)
            return cs_xasprintf("cancelsim run %s --backend trio --seed %llu", file, (unsigned long long)seed);
    }
    char *sched = cs__schedule_text(f->forced, f->nforced);
    char *r = cs_xasprintf("cancelsim run %s --backend trio --schedule %s", file, sched[0] ? sched : "0");
    free(sched);
    return r;
}

static void cs__explore_print_json(const char *name, uint64_t total, bool complete, const cs__found *v, size_t n)
{
    cs_jw w;
    cs_jw_init(&w, stdout, 2, 0);
    cs_jw_begin_object(&w);
    cs_jw_key(&w, "scenario");
    cs_jw_string(&w, name);
    cs_jw_key(&w, "backend");
    cs_jw_string(&w, "trio");
    cs_jw_key(&w, "schedules");
    cs_jw_int(&w, (long long)total);
    cs_jw_key(&w, "complete");
    cs_jw_bool(&w, complete);
    cs_jw_key(&w, "outcomes");
    cs_jw_begin_array(&w);
    for (size_t i = 0; i < n; i++) {
        cs_jw_begin_object(&w);
        cs_jw_key(&w, "schedules");
        cs_jw_int(&w, (long long)v[i].schedules);
        cs_jw_key(&w, "replay");
        cs_jw_string(&w, v[i].replay);
        cs_jw_key(&w, "outcome");
        cs_outcome_write_jw(v[i].outcome, &w);
        cs_jw_end_object(&w);
    }
    cs_jw_end_array(&w);
    cs_jw_end_object(&w);
    fputc('\n', stdout);
}

static void cs__explore_print_text(const char *name, uint64_t total, bool complete, uint64_t max,
                                   const cs__found *v, size_t n)
{
    printf("explore %s on trio: %llu schedule%s, %s; %zu distinct outcome%s\n", name, (unsigned long long)total,
           total == 1 ? "" : "s",
           complete ? "complete" : "incomplete (stopped at --max-schedules)", n, n == 1 ? "" : "s");
    (void)max;
    for (size_t i = 0; i < n; i++) {
        printf("\noutcome %zu of %zu: %llu schedule%s\n  replay: %s\n", i + 1, n,
               (unsigned long long)v[i].schedules, v[i].schedules == 1 ? "" : "s", v[i].replay);
        cs_outcome_write_text(v[i].outcome, stdout);
        fputc('\n', stdout);
    }
}

int cs_cmd_explore(int argc, char **argv)
{
    const char *file = NULL;
    uint64_t max = 10000;
    bool json = false;
    cs_cli_parser p;
    cs_cli_parser_init(&p, "explore", argc, argv,
                       (const char *const[]){"help|h", "max-schedules=", "format=", NULL});
    const char *opt, *val;
    for (int got; (got = cs_cli_next(&p, &opt, &val)) != CS_CLI_END;) {
        if (got == CS_CLI_BAD)
            return 2;
        if (got == CS_CLI_OPERAND) {
            if (file)
                return cs_cli_usage_error("explore", "only one FILE may be given");
            file = opt;
        } else if (strcmp(opt, "--help") == 0) {
            fputs("usage: cancelsim explore FILE [--max-schedules N] [--format text|json]\n\n"
                  "Runs the scenario under every distinct Trio schedule (batch orders, orders of\n"
                  "equal deadlines, of event waiters and of cancellation delivery), depth first,\n"
                  "up to N schedules (default 10000), and lists each distinct outcome with how\n"
                  "many schedules gave it and a command that reproduces it.  Exit status 0,\n"
                  "2 on bad input.\n",
                  stdout);
            return 0;
        } else if (strcmp(opt, "--max-schedules") == 0) {
            if (!cs_cli_parse_u64(val, &max) || max == 0)
                return cs_cli_usage_error("explore", "--max-schedules must be a positive integer");
        } else if (strcmp(opt, "--format") == 0) {
            if (strcmp(val, "json") == 0)
                json = true;
            else if (strcmp(val, "text") != 0)
                return cs_cli_usage_error("explore", "--format must be text or json, not '%s'", val);
        }
    }
    if (!file)
        return cs_cli_usage_error("explore", "missing FILE");
    cs_scenario *sc = NULL;
    cs_load_error lerr;
    if (cs_load_file(file, &sc, &lerr) != 0) {
        cs_load_error_print(&lerr, stderr);
        return 2;
    }
    cs__found *found = NULL;
    size_t nfound = 0, capfound = 0;
    uint32_t *forced = NULL;
    size_t nforced = 0;
    uint64_t total = 0;
    bool complete = false;
    int rc = 0;
    cs_choice_log log = {0};
    while (total < max) {
        log.n = 0;
        cs_run_error err;
        memset(&err, 0, sizeof err);
        cs_outcome *o = cs__explore_run(sc, forced, nforced, 0, &log, &err);
        if (!o) {
            if (err.pos.line)
                fprintf(stderr, "%s:%u:%u: error: %s\n", cs_cli_file_name(file), err.pos.line, err.pos.col,
                        err.message);
            else /* a limit that refuses the run (depth): no position */
                fprintf(stderr, "%s: error: %s\n", cs_cli_file_name(file), err.message);
            rc = 2;
            break;
        }
        total++;
        char *key = cs__outcome_key(o);
        size_t i = 0;
        while (i < nfound && strcmp(found[i].key, key) != 0)
            i++;
        if (i < nfound) {
            found[i].schedules++;
            free(key);
            cs_outcome_free(o);
        } else {
            if (nfound == capfound) {
                capfound = capfound ? capfound * 2 : 8;
                found = cs_xrealloc(found, capfound * sizeof *found);
            }
            cs__found *f = &found[nfound++];
            memset(f, 0, sizeof *f);
            f->outcome = o;
            f->key = key;
            f->schedules = 1;
            f->nforced = log.n;
            f->forced = cs_xmalloc((log.n ? log.n : 1) * sizeof *f->forced);
            if (log.n)
                memcpy(f->forced, log.choice, log.n * sizeof *f->forced);
        }
        if (!cs_choice_log_next(&log, &forced, &nforced)) {
            complete = true;
            break;
        }
    }
    if (rc == 0) {
        for (size_t i = 0; i < nfound; i++)
            found[i].replay = cs__replay_for(file, sc, &found[i]);
        if (json)
            cs__explore_print_json(sc->program->name, total, complete, found, nfound);
        else
            cs__explore_print_text(sc->program->name, total, complete, max, found, nfound);
    }
    for (size_t i = 0; i < nfound; i++) {
        cs_outcome_free(found[i].outcome);
        free(found[i].key);
        free(found[i].forced);
        free(found[i].replay);
    }
    free(found);
    free(forced);
    free(log.choice);
    free(log.arity);
    cs_scenario_free(sc);
    return rc;
}
