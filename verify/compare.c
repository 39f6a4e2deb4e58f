/* compare.c - task stories from trace events and their first differences
 * (compare.h).  The step texts are those of the Python tool it replaces
 * (python/cancelsim_record/compare.py), so reports read the same. */
#include "compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "exc.h"
#include "json_out.h"
#include "util.h"

/* Steps kept over all tasks; a story beyond it is cut (and says so). */
#define CS__STORY_MAX_STEPS 5000000u

typedef struct cs__step {
    char *text;
    int64_t t;
} cs__step;

typedef struct cs__story_task {
    char *name;
    cs__step *v;
    size_t n, cap;
} cs__story_task;

typedef struct cs__scope_seen {
    cs_scope_kind kind;
    int32_t task;
    bool known; /* entered and not internal */
} cs__scope_seen;

struct cs_story {
    int runs; /* run_starts seen: only the first run is read */
    cs_backend backend;
    uint64_t seed;
    const char *const *classes; /* run_start's, borrowed while the run lasts */
    uint32_t nclasses;
    cs__story_task *tasks; /* by task id */
    size_t ntasks, captasks;
    cs__scope_seen *scopes; /* by scope id */
    size_t nscopes, capscopes;
    size_t steps;
    bool cut;
};

cs_story *cs_story_new(void)
{
    return cs_xcalloc(1, sizeof(cs_story));
}

void cs_story_free(cs_story *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->ntasks; i++) {
        for (size_t k = 0; k < s->tasks[i].n; k++)
            free(s->tasks[i].v[k].text);
        free(s->tasks[i].v);
        free(s->tasks[i].name);
    }
    free(s->tasks);
    free(s->scopes);
    free(s);
}

bool cs_story_backend(const cs_story *s, cs_backend *backend, uint64_t *seed)
{
    if (s->runs == 0)
        return false;
    *backend = s->backend;
    *seed = s->seed;
    return true;
}

size_t cs_story_ntasks(const cs_story *s)
{
    return s->ntasks;
}

static const char *cs__class(const cs_story *s, const cs_exc *e)
{
    if (!e || e->cls < 0 || (uint32_t)e->cls >= s->nclasses || !s->classes[e->cls])
        return "?";
    return s->classes[e->cls];
}

/* "%.9g" as Python's "%.9g" % x, "inf" for infinities. */
static char *cs__num(double x)
{
    if (isinf(x))
        return cs_xstrdup(x > 0 ? "inf" : "-inf");
    return cs_xasprintf("%.9g", x);
}

static void cs__add(cs_story *s, int32_t task, int64_t t, char *text)
{
    if (task < 0 || (size_t)task >= s->ntasks || s->steps >= CS__STORY_MAX_STEPS) {
        s->cut = s->cut || s->steps >= CS__STORY_MAX_STEPS;
        free(text);
        return;
    }
    cs__story_task *k = &s->tasks[task];
    k->v = cs_xgrow(k->v, &k->cap, k->n + 1, sizeof *k->v);
    k->v[k->n++] = (cs__step){text, t};
    s->steps++;
}

static void cs__spawn(cs_story *s, const cs_event *ev)
{
    if (ev->task < 0 || (size_t)ev->task > s->ntasks + CS__STORY_MAX_STEPS)
        return;
    size_t id = (size_t)ev->task;
    if (id >= s->ntasks) {
        s->tasks = cs_xgrow(s->tasks, &s->captasks, id + 1, sizeof *s->tasks);
        memset(s->tasks + s->ntasks, 0, (id + 1 - s->ntasks) * sizeof *s->tasks);
        s->ntasks = id + 1;
    }
    free(s->tasks[id].name);
    s->tasks[id].name = cs_xstrdup(ev->name ? ev->name : "?");
}

static void cs__scope_enter(cs_story *s, const cs_event *ev)
{
    if (ev->scope < 0 || ev->scope_kind == CS_KIND_INTERNAL || (size_t)ev->scope > s->nscopes + CS__STORY_MAX_STEPS)
        return;
    size_t id = (size_t)ev->scope;
    if (id >= s->nscopes) {
        s->scopes = cs_xgrow(s->scopes, &s->capscopes, id + 1, sizeof *s->scopes);
        memset(s->scopes + s->nscopes, 0, (id + 1 - s->nscopes) * sizeof *s->scopes);
        s->nscopes = id + 1;
    }
    s->scopes[id] = (cs__scope_seen){ev->scope_kind, ev->task, true};
    char *d = cs__num(ev->deadline);
    cs__add(s, ev->task, ev->t,
            cs_xasprintf("enter %s deadline %s%s", cs_scope_kind_name(ev->scope_kind), d, ev->shield ? " shield" : ""));
    free(d);
}

static void cs__scope_exit(cs_story *s, const cs_event *ev)
{
    if (ev->scope < 0 || (size_t)ev->scope >= s->nscopes || !s->scopes[ev->scope].known)
        return;
    const cs__scope_seen *sc = &s->scopes[ev->scope];
    char *raising = ev->exc ? cs_xasprintf(" raising %s", cs__class(s, ev->exc)) : cs_xstrdup("");
    cs__add(s, sc->task, ev->t,
            cs_xasprintf("exit %s%s%s", cs_scope_kind_name(sc->kind), ev->cancelled_caught ? " cancelled_caught" : "",
                         raising));
    free(raising);
}

/* 'log "MSG"': the message as JSON writes it. */
static char *cs__log_text(const cs_event *ev)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return cs_xstrdup("log ?");
    cs_jw w;
    cs_jw_init(&w, f, CS_JW_ONE_LINE, 0);
    if (ev->msg)
        cs_jw_string(&w, ev->msg);
    else
        cs_jw_null(&w);
    cs_jw_flush(&w);
    fclose(f);
    char *t = cs_xasprintf("log %s", buf);
    free(buf);
    return t;
}

void cs_story_sink(void *ctx, const cs_event *ev)
{
    cs_story *s = ctx;
    if (ev->kind == CS_EV_RUN_START) {
        if (++s->runs == 1) {
            s->backend = ev->backend;
            s->seed = ev->seed;
            s->classes = ev->class_names;
            s->nclasses = ev->nclasses;
        }
        return;
    }
    if (s->runs != 1)
        return;
    switch (ev->kind) {
    case CS_EV_TASK_SPAWN: cs__spawn(s, ev); break;
    case CS_EV_TASK_START: cs__add(s, ev->task, ev->t, cs_xstrdup("start")); break;
    case CS_EV_TASK_END:
        cs__add(s, ev->task, ev->t,
                ev->state == CS_TASK_FAILED && ev->exc
                    ? cs_xasprintf("end %s %s", cs_task_state_name(ev->state), cs__class(s, ev->exc))
                    : cs_xasprintf("end %s", cs_task_state_name(ev->state)));
        break;
    case CS_EV_LOG: cs__add(s, ev->task, ev->t, cs__log_text(ev)); break;
    case CS_EV_SCOPE_ENTER: cs__scope_enter(s, ev); break;
    case CS_EV_SCOPE_EXIT: cs__scope_exit(s, ev); break;
    case CS_EV_THREAD_START: cs__add(s, ev->task, ev->t, cs_xstrdup("thread start")); break;
    case CS_EV_THREAD_ABANDONED: cs__add(s, ev->task, ev->t, cs_xstrdup("thread abandoned")); break;
    case CS_EV_GROUP_RAISE: cs__add(s, ev->task, ev->t, cs_xstrdup("group raise")); break;
    case CS_EV_RUN_END:
        s->classes = NULL;
        s->nclasses = 0;
        break; /* borrowed no longer */
    default: break;
    }
}

static const cs__story_task *cs__find(const cs_story *s, const char *name)
{
    for (size_t i = 0; i < s->ntasks; i++)
        if (s->tasks[i].name && strcmp(s->tasks[i].name, name) == 0)
            return &s->tasks[i];
    return NULL;
}

static void cs__show(FILE *out, const cs__step *x)
{
    if (!x) {
        fputs("nothing", out);
        return;
    }
    char *t = cs__num((double)x->t / 1e9);
    fprintf(out, "'%s' at t=%s", x->text, t);
    free(t);
}

size_t cs_story_compare(const cs_story *rec, const cs_story *sim, FILE *out)
{
    size_t differ = 0;
    for (size_t i = 0; i < rec->ntasks; i++) {
        const cs__story_task *a = &rec->tasks[i];
        if (!a->name)
            continue;
        const cs__story_task *b = cs__find(sim, a->name);
        if (!b) {
            fprintf(out, "task %s: recorded only\n", a->name);
            differ++;
            continue;
        }
        size_t n = a->n > b->n ? a->n : b->n;
        for (size_t k = 0; k < n; k++) {
            const cs__step *x = k < a->n ? &a->v[k] : NULL, *y = k < b->n ? &b->v[k] : NULL;
            if (x && y && strcmp(x->text, y->text) == 0 && llabs(x->t - y->t) <= 1)
                continue;
            fprintf(out, "task %s, step %zu: recorded ", a->name, k + 1);
            cs__show(out, x);
            fputs(", simulated ", out);
            cs__show(out, y);
            fputc('\n', out);
            differ++;
            break;
        }
    }
    for (size_t i = 0; i < sim->ntasks; i++)
        if (sim->tasks[i].name && !cs__find(rec, sim->tasks[i].name)) {
            fprintf(out, "task %s: simulated only\n", sim->tasks[i].name);
            differ++;
        }
    if (rec->cut || sim->cut)
        fprintf(out, "(stories cut at %u steps: later differences are not shown)\n", CS__STORY_MAX_STEPS);
    return differ;
}
