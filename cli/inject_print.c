/* inject_print.c - what `cancelsim inject` prints of a sweep
 * (drive/inject_sweep.h): a summary and each distinct failure with its replay
 * line, as text or as JSON Lines (one line per distinct failure, then a
 * summary line, so the outputs of shards concatenate). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "inject_sweep.h"
#include "util.h"

static void cs__print_left(const cs_inject_sweep *sw)
{
    for (size_t b = 0; b < sw->nspace; b++) {
        const cs_inject_space *s = &sw->space[b];
        if (!s->nleft || (b == 1 && cs_inject_same_left(&sw->space[0], s)))
            continue;
        bool both = b == 0 && sw->nspace == 2 && cs_inject_same_left(s, &sw->space[1]);
        printf("  %s%s: %zu scope%s left out of the timeout sweep, no deadline in the scenario:",
               cs_backend_name(s->backend), both ? " and trio" : "", s->nleft, s->nleft == 1 ? "" : "s");
        for (size_t i = 0; i < s->nleft; i++)
            printf("%s %s", i ? "," : "", s->left[i]);
        printf(" (--timeouts=all sweeps them too)\n");
    }
}

void cs_cli_inject_print_text(const cs_inject_sweep *sw, const cs_inject_distinct *d, size_t nd, bool truncated)
{
    const cs_inject_options *a = sw->opt;
    printf("inject %s on", sw->sc->program->name);
    for (size_t b = 0; b < sw->nspace; b++)
        printf("%s %s", b ? " and" : "", cs_backend_name(sw->space[b].backend));
    bool skipped = false;
    for (size_t b = 0; b < sw->nspace; b++)
        skipped |= sw->space[b].skipped != NULL;
    printf(": %llu plan%s", (unsigned long long)sw->plans, sw->plans == 1 ? "" : "s");
    if (sw->plans == 0 && sw->n == 0 && !skipped)
        printf(" (no checkpoint to inject into)");
    if (a->shard_n > 1)
        printf(" (shard %llu/%llu of %llu)", (unsigned long long)a->shard_k, (unsigned long long)a->shard_n,
               (unsigned long long)sw->total);
    if (truncated)
        printf(" (stopped at --max-plans)");
    if (sw->n == 0) {
        printf(", none breaks `always` or raises a finding\n");
    } else {
        const char **kinds = cs_xcalloc(nd, sizeof *kinds);
        size_t nk = cs_inject_kinds_of(d, nd, kinds);
        printf(", %zu failing run%s, %zu distinct failure%s, %zu kind%s: ", sw->n, sw->n == 1 ? "" : "s", nd,
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
        const cs_inject_failure *f = d[i].first;
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

void cs_cli_inject_print_json(const cs_inject_sweep *sw, const cs_inject_distinct *d, size_t nd, bool truncated)
{
    const cs_inject_options *a = sw->opt;
    char shard[48];
    snprintf(shard, sizeof shard, "%llu/%llu", (unsigned long long)a->shard_k, (unsigned long long)a->shard_n);
    for (size_t i = 0; i < nd; i++) {
        const cs_inject_failure *f = d[i].first;
        json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:s}", "scenario", sw->sc->program->name, "file",
                              a->file, "backend", cs_backend_name(f->backend), "plan", f->shrunk, "kind", f->kind,
                              "detail", f->detail, "first_plan", f->plan, "first_index", (json_int_t)f->index, "plans",
                              (json_int_t)d[i].plans, "replay", f->replay);
        char *line = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
        printf("%s\n", line);
        free(line);
        json_decref(j);
    }
    const char **kinds = cs_xcalloc(nd ? nd : 1, sizeof *kinds);
    size_t nk = cs_inject_kinds_of(d, nd, kinds);
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
    json_t *sum = json_pack("{s:s,s:s,s:o,s:s,s:I,s:I,s:I,s:I,s:I,s:o,s:b,s:o}", "scenario", sw->sc->program->name,
                            "file", a->file, "backends", bs, "shard", shard, "plans_total", (json_int_t)sw->total,
                            "plans", (json_int_t)sw->plans, "runs", (json_int_t)sw->runs, "failing", (json_int_t)sw->n,
                            "distinct", (json_int_t)nd, "kinds", ka, "complete", !truncated, "not_swept", skipped);
    /* only when some scope was left out, so other summaries stay as they were */
    json_t *left = json_object();
    for (size_t b = 0; b < sw->nspace; b++) {
        const cs_inject_space *sp = &sw->space[b];
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
