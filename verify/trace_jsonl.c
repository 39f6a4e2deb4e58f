/* trace_jsonl.c - trace events as JSON Lines (see trace_jsonl.h).
 *
 * Invariant: task names are indexed by task id; named scopes are kept sorted
 * by id (entry order) and found by binary search, so the writer never depends
 * on hash order or pointer values and the output is byte-stable.
 */
#include "trace_jsonl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"
#include "util.h"

typedef struct cs__named_scope {
    int32_t id;
    const char *name;
} cs__named_scope;

/* Lines are collected here and reach the FILE a buffer at a time: a trace
 * has millions of short lines, and a stdio call per piece of each was half
 * the cost of writing it. */
#define CS__TRACE_BUFSIZE 65536

struct cs_trace_jsonl {
    FILE *f;
    cs_jw w;                    /* one writer, restarted for each line */
    char *buf;                  /* its buffer: CS__TRACE_BUFSIZE bytes */
    const char *const *classes; /* borrowed from RUN_START: class names */
    uint32_t nclasses;
    const char **tasks; /* borrowed names by task id */
    size_t ntasks, cap_tasks;
    cs__named_scope *scopes;
    size_t nscopes, cap_scopes;
    uint64_t *written;  /* bit id: that exception was written out in full */
    size_t cap_written; /* words */
};

cs_trace_jsonl *cs_trace_jsonl_new(FILE *f)
{
    cs_trace_jsonl *w = cs_xcalloc(1, sizeof *w);
    w->f = f;
    w->buf = cs_xmalloc(CS__TRACE_BUFSIZE);
    cs_jw_init(&w->w, f, CS_JW_ONE_LINE, 0);
    cs_jw_set_buffer(&w->w, w->buf, CS__TRACE_BUFSIZE);
    return w;
}

void cs_trace_jsonl_free(cs_trace_jsonl *w)
{
    if (!w)
        return;
    cs_jw_flush(&w->w);
    free(w->buf);
    free(w->tasks);
    free(w->scopes);
    free(w->written);
    free(w);
}

/* ---- name tables -------------------------------------------------------- */

static void cs__remember_task(cs_trace_jsonl *w, int32_t id, const char *name)
{
    if (id < 0)
        return;
    if ((size_t)id >= w->cap_tasks) {
        size_t cap = w->cap_tasks ? w->cap_tasks : 64;
        while (cap <= (size_t)id)
            cap *= 2;
        w->tasks = cs_xrealloc(w->tasks, cap * sizeof *w->tasks);
        w->cap_tasks = cap;
    }
    for (size_t i = w->ntasks; i <= (size_t)id; i++)
        w->tasks[i] = NULL;
    if ((size_t)id >= w->ntasks)
        w->ntasks = (size_t)id + 1;
    w->tasks[id] = name;
}

static void cs__remember_scope(cs_trace_jsonl *w, int32_t id, const char *name)
{
    if (!name || id < 0)
        return;
    if (w->nscopes == w->cap_scopes) {
        w->cap_scopes = w->cap_scopes ? w->cap_scopes * 2 : 64;
        w->scopes = cs_xrealloc(w->scopes, w->cap_scopes * sizeof *w->scopes);
    }
    size_t at = w->nscopes; /* ids arrive in increasing order; insert keeps it sorted */
    while (at > 0 && w->scopes[at - 1].id > id)
        at--;
    memmove(&w->scopes[at + 1], &w->scopes[at], (w->nscopes - at) * sizeof *w->scopes);
    w->scopes[at] = (cs__named_scope){id, name};
    w->nscopes++;
}

static const char *cs__scope_name(const cs_trace_jsonl *w, int32_t id)
{
    size_t lo = 0, hi = w->nscopes;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (w->scopes[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < w->nscopes && w->scopes[lo].id == id ? w->scopes[lo].name : NULL;
}

/* ---- fields ------------------------------------------------------------- */

static void cs__str_or_null(cs_jw *jw, const char *s)
{
    if (s)
        cs_jw_string(jw, s);
    else
        cs_jw_null(jw);
}

static void cs__field_task(cs_trace_jsonl *w, cs_jw_lit key, int32_t id)
{
    cs_jw_key_lit(&w->w, key);
    cs__str_or_null(&w->w, id >= 0 && (size_t)id < w->ntasks ? w->tasks[id] : NULL);
}

/* "scope": name or null, then "scope_id"; nothing when there is no scope. */
static void cs__field_scope(cs_trace_jsonl *w, cs_jw_lit key, cs_jw_lit id_key, int32_t id)
{
    if (id < 0)
        return;
    cs_jw_key_lit(&w->w, key);
    cs__str_or_null(&w->w, cs__scope_name(w, id));
    cs_jw_key_lit(&w->w, id_key);
    cs_jw_int(&w->w, id);
}

static const char *cs__class_name(const cs_trace_jsonl *w, int32_t cls)
{
    if (cls < 0 || (uint32_t)cls >= w->nclasses || !w->classes[cls])
        return "?";
    return w->classes[cls];
}

static void cs__field_bool(cs_trace_jsonl *w, cs_jw_lit key, bool v)
{
    cs_jw_key_lit(&w->w, key);
    cs_jw_bool(&w->w, v);
}

/* Whether exception id was written out in full before. */
static bool cs__exc_written(const cs_trace_jsonl *w, uint32_t id)
{
    return id && id / 64 < w->cap_written && (w->written[id / 64] & (UINT64_C(1) << (id % 64)));
}

static void cs__exc_mark(cs_trace_jsonl *w, uint32_t id)
{
    size_t word = id / 64;
    if (word >= w->cap_written) {
        size_t old = w->cap_written;
        w->written = cs_xgrow(w->written, &w->cap_written, word + 1, sizeof *w->written);
        memset(w->written + old, 0, (w->cap_written - old) * sizeof *w->written);
    }
    w->written[word] |= UINT64_C(1) << (id % 64);
}

/* {"type", "message", "id"[, "noargs"][, "exceptions"][, "derived_from"]}: the id says
 * which exception it is (the same object keeps its id), derived_from the group
 * a split part came from: in full the first time the trace shows that group,
 * afterwards {"id": N} (a group of a million members would otherwise be
 * repeated on every line that shows a part of it). */
static void cs__exc(cs_trace_jsonl *w, const cs_exc *e)
{
    cs_jw_begin_object(&w->w);
    CS_JW_KEY(&w->w, "type");
    cs_jw_string(&w->w, cs__class_name(w, e->cls));
    CS_JW_KEY(&w->w, "message");
    cs_jw_string(&w->w, e->message ? e->message : "");
    CS_JW_KEY(&w->w, "id");
    cs_jw_int(&w->w, e->id);
    if (e->noargs) /* made with no arguments: repr "GeneratorExit()" */
        cs__field_bool(w, CS_JW_LIT("noargs"), true);
    if (cs_exc_is_group(e)) {
        CS_JW_KEY(&w->w, "exceptions");
        cs_jw_begin_array(&w->w);
        for (uint32_t i = 0; i < e->nmembers; i++)
            cs__exc(w, e->members[i]);
        cs_jw_end_array(&w->w);
    }
    if (e->derived_from) {
        CS_JW_KEY(&w->w, "derived_from");
        const cs_exc *g = e->derived_from;
        if (cs__exc_written(w, g->id)) {
            cs_jw_begin_object(&w->w);
            CS_JW_KEY(&w->w, "id");
            cs_jw_int(&w->w, g->id);
            cs_jw_end_object(&w->w);
        } else {
            cs__exc(w, g);
        }
    }
    cs_jw_end_object(&w->w);
    cs__exc_mark(w, e->id); /* marked once whole, as the reader learns it */
}

static void cs__field_exc(cs_trace_jsonl *w, cs_jw_lit key, const cs_exc *e)
{
    if (!e)
        return;
    cs_jw_key_lit(&w->w, key);
    cs__exc(w, e);
}

static void cs__field_pos(cs_trace_jsonl *w, cs_pos pos)
{
    if (pos.line == 0)
        return;
    CS_JW_KEY(&w->w, "line");
    cs_jw_int(&w->w, pos.line);
    CS_JW_KEY(&w->w, "col");
    cs_jw_int(&w->w, pos.col);
}

static void cs__field_str(cs_trace_jsonl *w, cs_jw_lit key, const char *s)
{
    if (!s)
        return;
    cs_jw_key_lit(&w->w, key);
    cs_jw_string(&w->w, s);
}

static void cs__field_seconds(cs_trace_jsonl *w, cs_jw_lit key, double s)
{
    cs_jw_key_lit(&w->w, key);
    cs_jw_float(&w->w, s);
}

/* Whole nanoseconds as seconds, the same text as cs__field_seconds(ns / 1e9). */
static void cs__field_ns(cs_trace_jsonl *w, cs_jw_lit key, int64_t ns)
{
    cs_jw_key_lit(&w->w, key);
    cs_jw_float_seconds(&w->w, ns);
}

static void cs__field_value(cs_trace_jsonl *w, cs_jw_lit key, const char *json)
{
    if (!json)
        return;
    cs_jw_key_lit(&w->w, key);
    cs_jw_json_text(&w->w, json);
}

/* ---- events ------------------------------------------------------------- */

static void cs__body_run_start(cs_trace_jsonl *w, const cs_event *ev)
{
    w->classes = ev->class_names;
    w->nclasses = ev->class_names ? ev->nclasses : 0;
    cs__field_str(w, CS_JW_LIT("scenario"), ev->scenario);
    cs__field_str(w, CS_JW_LIT("backend"), cs_backend_name(ev->backend));
    CS_JW_KEY(&w->w, "seed");
    cs_jw_int(&w->w, (long long)ev->seed); /* seeds above 2^63 print negative; none are */
    CS_JW_KEY(&w->w, "classes");
    cs_jw_begin_array(&w->w);
    for (uint32_t i = 0; i < w->nclasses; i++)
        cs__str_or_null(&w->w, w->classes[i]);
    cs_jw_end_array(&w->w);
}

static void cs__body_run_end(cs_trace_jsonl *w, const cs_event *ev)
{
    cs__field_str(w, CS_JW_LIT("result"), cs_result_name(ev->result));
    if (ev->result == CS_RESULT_RETURNED) {
        CS_JW_KEY(&w->w, "returned");
        if (ev->value_json)
            cs_jw_json_text(&w->w, ev->value_json);
        else
            cs_jw_null(&w->w);
    }
    cs__field_exc(w, CS_JW_LIT("exception"), ev->exc);
    if (cs_result_is_limit(ev->result))
        cs__field_str(w, CS_JW_LIT("limit"), cs_limit_name(ev->result));
}

static void cs__body_scope(cs_trace_jsonl *w, const cs_event *ev)
{
    cs__field_scope(w, CS_JW_LIT("scope"), CS_JW_LIT("scope_id"), ev->scope);
    if (ev->kind == CS_EV_SCOPE_ENTER) {
        cs__field_str(w, CS_JW_LIT("kind"), cs_scope_kind_name(ev->scope_kind));
        cs__field_task(w, CS_JW_LIT("task"), ev->task);
        cs__field_scope(w, CS_JW_LIT("parent_scope"), CS_JW_LIT("parent_scope_id"), ev->parent);
    } else {
        cs__field_bool(w, CS_JW_LIT("cancel_called"), ev->cancel_called);
        cs__field_bool(w, CS_JW_LIT("cancelled_caught"), ev->cancelled_caught);
    }
    cs__field_seconds(w, CS_JW_LIT("deadline"), ev->deadline);
    cs__field_bool(w, CS_JW_LIT("shield"), ev->shield);
    if (ev->kind == CS_EV_SCOPE_EXIT)
        cs__field_exc(w, CS_JW_LIT("exception"), ev->exc);
    if (ev->kind == CS_EV_SCOPE_ENTER)
        cs__field_pos(w, ev->pos); /* the scope or task group statement */
}

static void cs__body_task(cs_trace_jsonl *w, const cs_event *ev)
{
    cs__field_task(w, CS_JW_LIT("task"), ev->task);
    switch (ev->kind) {
    case CS_EV_TASK_SPAWN:
        cs__field_task(w, CS_JW_LIT("parent"), ev->parent);
        cs__field_scope(w, CS_JW_LIT("group"), CS_JW_LIT("group_id"), ev->group);
        cs__field_pos(w, ev->pos); /* the start_soon */
        break;
    case CS_EV_THREAD_START:
    case CS_EV_THREAD_ABANDONED:
        cs__field_pos(w, ev->pos); /* the to_thread */
        if (ev->count) {           /* the thread's number: which thread_end is whose */
            CS_JW_KEY(&w->w, "thread");
            cs_jw_int(&w->w, (long long)ev->count);
        }
        break;
    case CS_EV_TASK_END:
        cs__field_str(w, CS_JW_LIT("state"), cs_task_state_name(ev->state));
        cs__field_exc(w, CS_JW_LIT("exception"), ev->exc);
        cs__field_value(w, CS_JW_LIT("returned"), ev->value_json);
        break;
    case CS_EV_CANCEL_DELIVERED:
        cs__field_scope(w, CS_JW_LIT("scope"), CS_JW_LIT("scope_id"), ev->scope);
        cs__field_pos(w, ev->pos);
        break;
    case CS_EV_RAISE:
    case CS_EV_CATCH:
        cs__field_exc(w, CS_JW_LIT("exception"), ev->exc);
        cs__field_pos(w, ev->pos);
        cs__field_scope(w, CS_JW_LIT("scope"), CS_JW_LIT("scope_id"), ev->scope);
        if (ev->kind == CS_EV_CATCH)
            cs__field_str(w, CS_JW_LIT("handler"), ev->label);
        break;
    case CS_EV_GROUP_RAISE:
        cs__field_scope(w, CS_JW_LIT("scope"), CS_JW_LIT("scope_id"), ev->scope);
        cs__field_exc(w, CS_JW_LIT("exception"), ev->exc);
        break;
    case CS_EV_THREAD_END:
        cs__field_exc(w, CS_JW_LIT("exception"), ev->exc);
        if (ev->count) { /* the thread's number: which thread_end is whose */
            CS_JW_KEY(&w->w, "thread");
            cs_jw_int(&w->w, (long long)ev->count);
        }
        break;
    case CS_EV_SLEEP:
        if (ev->wake_at == INT64_MAX)
            cs__field_seconds(w, CS_JW_LIT("wake_at"), INFINITY);
        else
            cs__field_ns(w, CS_JW_LIT("wake_at"), ev->wake_at);
        cs__field_str(w, CS_JW_LIT("label"), ev->label);
        break;
    case CS_EV_TASK_WAITING: cs__field_str(w, CS_JW_LIT("label"), ev->label); break;
    case CS_EV_CHECKPOINT:
        CS_JW_KEY(&w->w, "k");
        cs_jw_int(&w->w, (long long)ev->count);
        cs__field_str(w, CS_JW_LIT("statement"), ev->label);
        cs__field_scope(w, CS_JW_LIT("scope"), CS_JW_LIT("scope_id"), ev->scope);
        cs__field_pos(w, ev->pos);
        break;
    case CS_EV_INJECT:
        cs__field_str(w, CS_JW_LIT("fault"), ev->label);
        cs__field_scope(w, CS_JW_LIT("scope"), CS_JW_LIT("scope_id"), ev->scope);
        cs__field_pos(w, ev->pos);
        break;
    case CS_EV_LOG:
        cs__field_str(w, CS_JW_LIT("msg"), ev->msg);
        if (ev->value_kind == CS_VAL_BOOL)
            cs__field_bool(w, CS_JW_LIT("value"), ev->boolean);
        else if (ev->value_kind == CS_VAL_NUMBER)
            cs__field_seconds(w, CS_JW_LIT("value"), ev->number);
        else if (ev->value_kind == CS_VAL_JSON)
            cs__field_value(w, CS_JW_LIT("data"), ev->value_json);
        break;
    default: break; /* task_start, wake: the task only */
    }
}

static void cs__body(cs_trace_jsonl *w, const cs_event *ev)
{
    switch (ev->kind) {
    case CS_EV_RUN_START: cs__body_run_start(w, ev); break;
    /* primitives: nowait acquires, explicit acquire/release, limiter tokens, exception groups */
    case CS_EV_ITEMS_LEFT:
        cs__field_str(w, CS_JW_LIT("label"), ev->label);
        CS_JW_KEY(&w->w, "k");
        cs_jw_int(&w->w, (long long)ev->count);
        break;
    /* async generators and @asynccontextmanager */
    case CS_EV_GEN_ENTER:
    case CS_EV_YIELD:
    case CS_EV_GEN_EXIT:
        cs__field_task(w, CS_JW_LIT("task"), ev->task);
        cs__field_str(w, CS_JW_LIT("generator"), ev->name);
        cs__field_str(w, CS_JW_LIT("label"), ev->label);
        if (ev->kind == CS_EV_GEN_EXIT)
            cs__field_exc(w, CS_JW_LIT("exception"), ev->exc);
        else
            cs__field_scope(w, CS_JW_LIT("scope"), CS_JW_LIT("scope_id"), ev->scope);
        if (ev->kind == CS_EV_YIELD)
            cs__field_scope(w, CS_JW_LIT("parent_scope"), CS_JW_LIT("parent_scope_id"), ev->parent);
        cs__field_pos(w, ev->pos);
        break;
    case CS_EV_SCOPE_EXIT_CALL:
        cs__field_task(w, CS_JW_LIT("task"), ev->task);
        cs__field_scope(w, CS_JW_LIT("scope"), CS_JW_LIT("scope_id"), ev->scope);
        cs__field_pos(w, ev->pos);
        break;
    /* native asyncio (asyncio backend only) */
    case CS_EV_NATIVE_CANCEL: /* k: the task's cancelling() then */
        cs__field_task(w, CS_JW_LIT("task"), ev->task);
        cs__field_exc(w, CS_JW_LIT("exception"), ev->exc);
        CS_JW_KEY(&w->w, "k");
        cs_jw_int(&w->w, (long long)ev->count);
        break;
    case CS_EV_UNCANCEL: /* k: the task's cancelling() after it */
        cs__field_task(w, CS_JW_LIT("task"), ev->task);
        CS_JW_KEY(&w->w, "k");
        cs_jw_int(&w->w, (long long)ev->count);
        if (ev->label)
            cs__field_str(w, CS_JW_LIT("label"), ev->label);
        break;
    /* portals, foreign threads and Ctrl+C */
    case CS_EV_INTERRUPT: /* the task whose code it arrived in (null: the loop waited), where */
        cs__field_task(w, CS_JW_LIT("task"), ev->task);
        cs__field_pos(w, ev->pos);
        break;
    /* blocking portals */
    case CS_EV_PORTAL_TASK: /* the call's task: its name, the thread's host, the portal's group, the thread */
        cs__field_task(w, CS_JW_LIT("task"), ev->task);
        cs__field_task(w, CS_JW_LIT("parent"), ev->parent);
        cs__field_scope(w, CS_JW_LIT("group"), CS_JW_LIT("group_id"), ev->group);
        CS_JW_KEY(&w->w, "thread");
        cs_jw_int(&w->w, (long long)ev->count);
        cs__field_pos(w, ev->pos);
        break;
    /* threads AnyIO did not start */
    case CS_EV_FOREIGN_THREAD: /* the thread's name (its stand-in task's), number, "threads" entry */
        cs__field_task(w, CS_JW_LIT("task"), ev->task);
        CS_JW_KEY(&w->w, "thread");
        cs_jw_int(&w->w, (long long)ev->count);
        cs__field_pos(w, ev->pos);
        break;
    case CS_EV_RUN_END: cs__body_run_end(w, ev); break;
    case CS_EV_SCOPE_ENTER:
    case CS_EV_SCOPE_EXIT:
    case CS_EV_SCOPE_STATE: cs__body_scope(w, ev); break;
    case CS_EV_SCOPE_UPDATE:
        cs__field_scope(w, CS_JW_LIT("scope"), CS_JW_LIT("scope_id"), ev->scope);
        cs__field_task(w, CS_JW_LIT("task"), ev->task);
        cs__field_seconds(w, CS_JW_LIT("deadline"), ev->deadline);
        cs__field_bool(w, CS_JW_LIT("shield"), ev->shield);
        break;
    case CS_EV_CANCEL:
        cs__field_scope(w, CS_JW_LIT("scope"), CS_JW_LIT("scope_id"), ev->scope);
        cs__field_str(w, CS_JW_LIT("cause"), cs_cancel_cause_name(ev->cause));
        cs__field_task(w, CS_JW_LIT("task"), ev->task);
        cs__field_str(w, CS_JW_LIT("reason"), ev->msg);
        cs__field_pos(w, ev->pos); /* the cancel / cancel_task statement */
        break;
    default: cs__body_task(w, ev); break;
    }
}

void cs_trace_jsonl_sink(void *writer, const cs_event *ev)
{
    cs_trace_jsonl *w = writer;
    /* Names are learnt before the line is written, so an event names itself. */
    if (ev->kind == CS_EV_TASK_SPAWN || ev->kind == CS_EV_FOREIGN_THREAD || ev->kind == CS_EV_PORTAL_TASK)
        cs__remember_task(w, ev->task, ev->name);
    else if (ev->kind == CS_EV_SCOPE_ENTER)
        cs__remember_scope(w, ev->scope, ev->name);
    cs_jw_restart(&w->w, 0);
    cs_jw_begin_object(&w->w);
    CS_JW_KEY(&w->w, "seq");
    cs_jw_int(&w->w, (long long)ev->seq);
    cs__field_ns(w, CS_JW_LIT("t"), ev->t);
    cs__field_str(w, CS_JW_LIT("ev"), cs_event_kind_name(ev->kind));
    cs__body(w, ev);
    cs_jw_end_object(&w->w);
    cs_jw_raw(&w->w, "\n", 1);
}
