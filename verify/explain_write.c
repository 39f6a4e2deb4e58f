/* explain_write.c - the explain chains as text and as JSON (explain.h). */
#include <stdlib.h>
#include <string.h>

#include "explain_internal.h"
#include "humantime.h"
#include "outcome.h"
#include "util.h"

bool cs_explain_has_task(const cs_explain *x, const char *task)
{
    for (size_t i = 0; i < x->ntasks; i++)
        if (x->tasks[i].spawned && strcmp(x->tasks[i].name, task) == 0)
            return true;
    return false;
}

static bool cs__selected(const cs_explain *x, size_t i, const char *task)
{
    return x->tasks[i].spawned && (!task || strcmp(x->tasks[i].name, task) == 0);
}

/* "failer (start_soon at 8:9, into task group tg): failed at 1 s" */
static char *cs__head(const cs_explain *x, const cs__xtask *k)
{
    char t[CS_HUMANTIME_BUFSIZE];
    cs_human_ns(k->end_t, t, sizeof t);
    char *where = cs_xstrdup("");
    if (k->pos.line) {
        char *g = k->group >= 0 && (size_t)k->group < x->nscopes && x->scopes[k->group].name
                      ? cs_xasprintf(", into %s", x->scopes[k->group].name)
                      : cs_xstrdup("");
        free(where);
        where = cs_xasprintf(" (spawned at %u:%u by %s%s)", k->pos.line, k->pos.col, cs__x_task_name(x, k->parent), g);
        free(g);
    }
    char *h;
    if (!k->ended)
        h = cs_xasprintf("%s%s: unfinished", k->name, where);
    else if (k->state == CS_TASK_FAILED && k->end_exc)
        h = cs_xasprintf("%s%s: failed at %s with %s", k->name, where, t, k->end_exc);
    else
        h = cs_xasprintf("%s%s: %s at %s", k->name, where, cs_task_state_name(k->state), t);
    free(where);
    return h;
}

static void cs__text_task(const cs_explain *x, const cs__xtask *k, FILE *f)
{
    char *h = cs__head(x, k);
    fprintf(f, "\n%s\n", h);
    free(h);
    if (!k->nsteps && k->ended && k->state == CS_TASK_COMPLETED)
        fputs("  (nothing cancelled it or raised in it)\n", f);
    for (uint32_t j = 0; j < k->nsteps; j++) {
        const cs__xstep *s = &k->steps[j];
        char pos[24], t[CS_HUMANTIME_BUFSIZE];
        snprintf(pos, sizeof pos, "%u:%u", s->pos.line, s->pos.col);
        cs_human_ns(s->t, t, sizeof t);
        fprintf(f, "  %-7s at %s: %s.\n", pos, t, s->text);
    }
    if (k->dropped)
        fprintf(f, "  ... %u more steps not shown\n", k->dropped);
}

int cs_explain_write_text(const cs_explain *x, const char *task, FILE *f)
{
    fprintf(f, "explain %s (%s, seed %llu)\n", x->scenario ? x->scenario : "?", cs_backend_name(x->backend),
            (unsigned long long)x->seed);
    for (size_t i = 0; i < x->ntasks; i++)
        if (cs__selected(x, i, task))
            cs__text_task(x, &x->tasks[i], f);
    if (!task) {
        char t[CS_HUMANTIME_BUFSIZE];
        cs_human_ns(x->end_t, t, sizeof t);
        fprintf(f, "\nanyio.run() %s at %s", x->ended ? x->result_text : "did not end", t);
        if (x->result_origin >= 0) {
            const cs__xorigin *o = &x->origins[x->result_origin];
            fprintf(f, ", which %s", o->text);
        }
        fputs(".\n", f);
    }
    return ferror(f) ? -1 : 0;
}

static json_t *cs__jtime(int64_t ns)
{
    return json_real((double)ns / 1e9);
}

static json_t *cs__json_task(const cs_explain *x, const cs__xtask *k)
{
    json_t *o = json_object();
    json_object_set_new(o, "task", json_string(k->name));
    json_object_set_new(o, "state", json_string(k->ended ? cs_task_state_name(k->state) : "unfinished"));
    json_object_set_new(o, "end", k->ended ? cs__jtime(k->end_t) : json_null());
    if (k->pos.line) {
        json_object_set_new(o, "line", json_integer(k->pos.line));
        json_object_set_new(o, "col", json_integer(k->pos.col));
    }
    if (k->end_exc)
        json_object_set_new(o, "exception", json_string(k->end_exc));
    json_t *chain = json_array();
    for (uint32_t j = 0; j < k->nsteps; j++) {
        const cs__xstep *s = &k->steps[j];
        json_t *e = json_object();
        json_object_set_new(e, "kind", json_string(s->kind));
        json_object_set_new(e, "t", cs__jtime(s->t));
        json_object_set_new(e, "line", json_integer(s->pos.line));
        json_object_set_new(e, "col", json_integer(s->pos.col));
        json_object_set_new(e, "text", json_string(s->text));
        json_array_append_new(chain, e);
    }
    json_object_set_new(o, "chain", chain);
    if (k->dropped)
        json_object_set_new(o, "more_steps", json_integer(k->dropped));
    (void)x;
    return o;
}

json_t *cs_explain_to_json(const cs_explain *x, const char *task)
{
    json_t *root = json_object();
    json_object_set_new(root, "scenario", json_string(x->scenario ? x->scenario : ""));
    json_object_set_new(root, "backend", json_string(cs_backend_name(x->backend)));
    json_object_set_new(root, "seed", json_integer((json_int_t)x->seed));
    json_t *tasks = json_array();
    for (size_t i = 0; i < x->ntasks; i++)
        if (cs__selected(x, i, task))
            json_array_append_new(tasks, cs__json_task(x, &x->tasks[i]));
    json_object_set_new(root, "tasks", tasks);
    json_t *run = json_object();
    json_object_set_new(run, "end", cs__jtime(x->end_t));
    json_object_set_new(run, "text", json_string(x->ended ? x->result_text : "did not end"));
    if (x->result_origin >= 0) {
        const cs__xorigin *o = &x->origins[x->result_origin];
        json_object_set_new(run, "origin", json_string(o->text));
        json_object_set_new(run, "line", json_integer(o->pos.line));
        json_object_set_new(run, "col", json_integer(o->pos.col));
    }
    json_object_set_new(root, "run", run);
    return root;
}
