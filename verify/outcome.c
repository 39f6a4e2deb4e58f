/* outcome.c - the outcome sink: folds trace events into a cs_outcome.
 *
 * Invariants: tasks[] is indexed by task id (ids are spawn order, main 0);
 * scopes[] holds only named scopes, sorted by scope id, which is entry order,
 * so a lookup is a binary search and no hash order can leak into the output;
 * every string and exception kept is owned by the outcome.
 */
#include "outcome.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Copies s into the pool; returns its offset (CS_OUTCOME_NONE for NULL). */
static size_t cs__intern(cs_outcome *o, const char *s)
{
    if (!s)
        return CS_OUTCOME_NONE;
    size_t n = strlen(s) + 1;
    o->pool = cs_xgrow(o->pool, &o->pool_cap, o->pool_len + n, 1);
    size_t off = o->pool_len;
    memcpy(o->pool + off, s, n);
    o->pool_len += n;
    return off;
}

cs_outcome *cs_outcome_new(void)
{
    cs_outcome *o = cs_xcalloc(1, sizeof *o);
    o->scenario = CS_OUTCOME_NONE;
    o->returned = CS_OUTCOME_NONE;
    return o;
}

void cs_outcome_free(cs_outcome *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < o->nextras; i++)
        cs_exc_unref(o->extras[i].exc);
    cs_exc_unref(o->raised);
    free(o->tasks);
    free(o->extra_bits);
    free(o->extras);
    free(o->scopes);
    free(o->log);
    free(o->waiting);
    free(o->class_names);
    free(o->pool);
    free(o);
}

const char *cs_outcome_str(const cs_outcome *o, size_t off)
{
    if (off == CS_OUTCOME_NONE || off >= o->pool_len)
        return "";
    return o->pool + off;
}

const char *cs_outcome_class_name(const cs_outcome *o, int32_t cls)
{
    if (cls == CS_EXC_CANCELLED)
        return cs_cancelled_class_name(o->backend);
    if (cls == CS_EXC_FUTURE_CANCELLED) /* type(exc).__name__, as real AnyIO's outcome shows it */
        return "CancelledError";
    if (cls < 0 || (uint32_t)cls >= o->nclasses)
        return "?";
    return cs_outcome_str(o, o->class_names[cls]);
}

/* The side record of task t, or NULL: the bitmap is read first, so a task
 * without one never has its record read here. */
static const cs_outcome_task_extra *cs__extra(const cs_outcome *o, const cs_outcome_task *t)
{
    size_t id = (size_t)(t - o->tasks);
    assert(id < o->ntasks);
    if (!(o->extra_bits[id / 64] & (UINT64_C(1) << (id % 64))))
        return NULL;
    assert(t->extra > 0 && t->extra <= o->nextras);
    return &o->extras[t->extra - 1];
}

cs_exc *cs_outcome_task_exc(const cs_outcome *o, const cs_outcome_task *t)
{
    const cs_outcome_task_extra *x = cs__extra(o, t);
    return x ? x->exc : NULL;
}

size_t cs_outcome_task_returned(const cs_outcome *o, const cs_outcome_task *t)
{
    const cs_outcome_task_extra *x = cs__extra(o, t);
    return x ? x->returned : CS_OUTCOME_NONE;
}

const char *cs_outcome_task_name(const cs_outcome *o, int32_t task)
{
    if (task < 0 || (size_t)task >= o->ntasks || !(o->tasks[task].spawned || o->tasks[task].thread))
        return "?";
    return cs_outcome_str(o, o->tasks[task].name);
}

static void cs__on_run_start(cs_outcome *o, const cs_event *ev)
{
    o->backend = ev->backend;
    o->scenario = cs__intern(o, ev->scenario);
    /* Names are copied so the outcome can be printed after the run is over. */
    free(o->class_names);
    o->class_names = cs_xcalloc(ev->nclasses ? ev->nclasses : 1, sizeof *o->class_names);
    o->nclasses = ev->nclasses;
    for (uint32_t i = 0; i < ev->nclasses; i++)
        o->class_names[i] = cs__intern(o, ev->class_names[i]);
}

/* The record of task id, creating empty slots up to it. */
static cs_outcome_task *cs__task(cs_outcome *o, int32_t id)
{
    assert(id >= 0);
    size_t need = (size_t)id + 1;
    if (need > o->ntasks) {
        o->tasks = cs_xgrow(o->tasks, &o->cap_tasks, need, sizeof *o->tasks);
        for (size_t i = o->ntasks; i < need; i++)
            o->tasks[i] = (cs_outcome_task){.name = CS_OUTCOME_NONE, .state = CS_TASK_UNFINISHED};
        o->ntasks = need;
        o->extra_bits = cs_xgrow(o->extra_bits, &o->cap_extra_bits, (need + 63) / 64, sizeof *o->extra_bits);
    }
    return &o->tasks[id];
}

static void cs__on_task_spawn(cs_outcome *o, const cs_event *ev)
{
    if (ev->task < 0)
        return;
    cs_outcome_task *t = cs__task(o, ev->task);
    t->name = cs__intern(o, ev->name);
    t->spawned = true;
}

/* issue 26: a plain thread's log lines name it; it is not one of the tasks */
static void cs__on_foreign_thread(cs_outcome *o, const cs_event *ev)
{
    if (ev->task < 0)
        return;
    cs_outcome_task *t = cs__task(o, ev->task);
    t->name = cs__intern(o, ev->name);
    t->thread = true;
}

static void cs__on_task_end(cs_outcome *o, const cs_event *ev)
{
    if (ev->task < 0)
        return;
    cs_outcome_task *t = cs__task(o, ev->task);
    t->state = ev->state;
    t->end = ev->t;
    /* Section 4 lists an exception for failed tasks only; a cancelled task's
     * cancellation is not shown.  Tasks end in any order, so with a million
     * of them the record is rarely in cache: the bitmap says whether the task
     * has a side record (an old exception to release), and the record is
     * only stored to, which does not stall the way reading it did (W1 1e6:
     * the sink was 8% of the run, nearly all on that read). */
    uint64_t bit = UINT64_C(1) << (ev->task % 64);
    uint64_t *word = &o->extra_bits[ev->task / 64];
    cs_exc *exc = ev->state == CS_TASK_FAILED ? ev->exc : NULL;
    const char *ret = ev->state == CS_TASK_COMPLETED ? ev->value_json : NULL;
    cs_outcome_task_extra *x;
    if (*word & bit) {
        x = &o->extras[t->extra - 1];
        cs_exc_unref(x->exc);
    } else if (exc || ret) {
        assert(o->nextras < o->ntasks); /* at most one per task id (an int32) */
        o->extras = cs_xgrow(o->extras, &o->cap_extras, o->nextras + 1, sizeof *o->extras);
        x = &o->extras[o->nextras++];
        x->returned = CS_OUTCOME_NONE;
        t->extra = (uint32_t)o->nextras;
        *word |= bit;
    } else {
        return;
    }
    x->exc = exc ? cs_exc_ref(exc) : NULL;
    if (ret)
        x->returned = cs__intern(o, ret);
}

/* Index in scopes[] of scope id, or -1. */
static ptrdiff_t cs__scope_find(const cs_outcome *o, int32_t id)
{
    size_t lo = 0, hi = o->nscopes;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (o->scopes[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < o->nscopes && o->scopes[lo].id == id ? (ptrdiff_t)lo : -1;
}

static void cs__on_scope_enter(cs_outcome *o, const cs_event *ev)
{
    if (!ev->name || ev->scope < 0)
        return;
    if (cs__scope_find(o, ev->scope) >= 0) /* a CancelScope entered again (`reenter` on asyncio): one scope */
        return;
    o->scopes = cs_xgrow(o->scopes, &o->cap_scopes, o->nscopes + 1, sizeof *o->scopes);
    /* Ids come in increasing order; the insertion keeps the array sorted even
     * if an engine ever announced them otherwise. */
    size_t at = o->nscopes;
    while (at > 0 && o->scopes[at - 1].id > ev->scope)
        at--;
    memmove(&o->scopes[at + 1], &o->scopes[at], (o->nscopes - at) * sizeof *o->scopes);
    o->scopes[at] = (cs_outcome_scope){.id = ev->scope,
                                       .name = cs__intern(o, ev->name),
                                       .kind = ev->scope_kind,
                                       .deadline = ev->deadline,
                                       .shield = ev->shield};
    o->nscopes++;
}

/* SCOPE_EXIT and SCOPE_STATE: the scope's flags as they now stand. */
static void cs__on_scope_state(cs_outcome *o, const cs_event *ev)
{
    ptrdiff_t i = cs__scope_find(o, ev->scope);
    if (i < 0)
        return;
    cs_outcome_scope *s = &o->scopes[i];
    s->cancel_called = ev->cancel_called;
    s->cancelled_caught = ev->cancelled_caught;
    s->deadline = ev->deadline;
    s->shield = ev->shield;
}

static void cs__on_log(cs_outcome *o, const cs_event *ev)
{
    o->log = cs_xgrow(o->log, &o->cap_log, o->nlog + 1, sizeof *o->log);
    o->log[o->nlog++] = (cs_outcome_log){.t = ev->t,
                                         .task = ev->task,
                                         .msg = cs__intern(o, ev->msg),
                                         .value_kind = ev->value_kind,
                                         .boolean = ev->boolean,
                                         .number = ev->number,
                                         .json = CS_OUTCOME_NONE};
    if (ev->value_kind == CS_VAL_JSON)
        o->log[o->nlog - 1].json = cs__intern(o, ev->value_json ? ev->value_json : "null");
}

static void cs__on_task_waiting(cs_outcome *o, const cs_event *ev)
{
    o->waiting = cs_xgrow(o->waiting, &o->cap_waiting, o->nwaiting + 1, sizeof *o->waiting);
    o->waiting[o->nwaiting++] = (cs_outcome_wait){.task = ev->task, .label = cs__intern(o, ev->label)};
}

static void cs__on_run_end(cs_outcome *o, const cs_event *ev)
{
    o->ended = true;
    o->result = ev->result;
    cs_exc_unref(o->raised);
    o->raised = ev->result == CS_RESULT_RAISED ? cs_exc_ref(ev->exc) : NULL;
    o->returned = ev->result == CS_RESULT_RETURNED ? cs__intern(o, ev->value_json) : CS_OUTCOME_NONE;
}

void cs_outcome_sink(void *outcome, const cs_event *ev)
{
    cs_outcome *o = outcome;
    if (o->ended) /* a worker thread that outlives the run: not part of what anyio.run() gave */
        return;
    o->end_time = ev->t;
    switch (ev->kind) {
    case CS_EV_RUN_START: cs__on_run_start(o, ev); break;
    case CS_EV_TASK_SPAWN: cs__on_task_spawn(o, ev); break;
    case CS_EV_TASK_END: cs__on_task_end(o, ev); break;
    case CS_EV_SCOPE_ENTER: cs__on_scope_enter(o, ev); break;
    case CS_EV_SCOPE_EXIT:
    case CS_EV_SCOPE_STATE: cs__on_scope_state(o, ev); break;
    case CS_EV_LOG: cs__on_log(o, ev); break;
    case CS_EV_FOREIGN_THREAD:
    case CS_EV_PORTAL_TASK: cs__on_foreign_thread(o, ev); break; /* issue 26: named, not listed */
    case CS_EV_TASK_WAITING: cs__on_task_waiting(o, ev); break;
    case CS_EV_RUN_END: cs__on_run_end(o, ev); break;
    default: break; /* the other events do not change the outcome */
    }
}
