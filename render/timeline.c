/* timeline.c - the Chrome trace / Perfetto writer (timeline.h).
 *
 * Each trace event becomes zero or more Trace Event Format records, rendered
 * on arrival into one memory stream; a record is (ts, emission index, offset,
 * length).  Writing sorts records by (ts, index) - virtual time never goes
 * back, so this only moves metadata and flow starts to their place.
 *
 * Invariant: every task has a stack of open slices (its life, scopes, a wait
 * or a to_thread call).  A slice is only ever closed together with everything
 * opened above it on the same track, which is what keeps B/E balanced and
 * properly nested even when the run stops mid-way.
 */
#define _GNU_SOURCE /* open_memstream on older glibc headers */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"
#include "outcome.h"
#include "timeline.h"
#include "util.h"

/* CS__SL_GEN: an async generator's run in the task that drives it (issue 19) */
typedef enum { CS__SL_TASK, CS__SL_SCOPE, CS__SL_WAIT, CS__SL_THREAD, CS__SL_GEN } cs__slice_kind;

typedef struct cs__slice {
    cs__slice_kind kind;
    int32_t scope;
} cs__slice;

typedef struct cs__track {
    cs__slice *open;
    size_t n, cap;
    uint32_t thread; /* number of the thread its to_thread waits for (0: none) */
} cs__track;

typedef struct cs__tl_scope {
    int32_t host; /* task that entered it */
    bool drawn;   /* not internal */
    bool cancelled;
    cs_cancel_cause cause;
    int64_t cancel_t;
    int32_t cancel_src; /* task whose track the cancellation starts on */
} cs__tl_scope;

typedef struct cs__rec {
    int64_t ts;
    uint64_t idx;
    size_t off, len;
} cs__rec;

struct cs_timeline {
    FILE *mem;
    char *buf;
    size_t buflen;
    cs__rec *recs;
    size_t nrecs, cap_recs;
    cs__track *tracks;
    size_t ntracks;
    cs__tl_scope *scopes;
    size_t nscopes;
    uint64_t next_flow;
    cs_backend backend;
    char **classes;
    uint32_t nclasses;
    /* worker threads: process 2, one track per worker slot (a slot is free
     * again once its thread ends, as AnyIO reuses idle workers) */
    int32_t *thread_slot;
    size_t nthread_ids; /* by thread number - 1: its slot, -1 */
    bool *slot_busy;
    size_t nslots;
    cs_jw w; /* the writer of the record being built */
    int64_t rec_ts;
    size_t rec_off;
    bool ended; /* after run_end: a worker thread that outlives the run, not drawn */
};

cs_timeline *cs_timeline_new(void)
{
    cs_timeline *tl = cs_xcalloc(1, sizeof *tl);
    tl->mem = open_memstream(&tl->buf, &tl->buflen);
    if (!tl->mem) {
        fprintf(stderr, "cancelsim: out of memory\n");
        abort();
    }
    return tl;
}

void cs_timeline_free(cs_timeline *tl)
{
    if (!tl)
        return;
    fclose(tl->mem);
    free(tl->buf);
    free(tl->recs);
    for (size_t i = 0; i < tl->ntracks; i++)
        free(tl->tracks[i].open);
    free(tl->tracks);
    free(tl->scopes);
    free(tl->thread_slot);
    free(tl->slot_busy);
    for (uint32_t i = 0; i < tl->nclasses; i++)
        free(tl->classes[i]);
    free(tl->classes);
    free(tl);
}

static cs__track *cs__track_of(cs_timeline *tl, int32_t task)
{
    assert(task >= 0);
    if ((size_t)task >= tl->ntracks) {
        size_t cap = tl->ntracks;
        tl->tracks = cs_xgrow(tl->tracks, &cap, (size_t)task + 1, sizeof *tl->tracks);
        tl->ntracks = cap;
    }
    return &tl->tracks[task];
}

static cs__tl_scope *cs__scope_of(cs_timeline *tl, int32_t scope)
{
    assert(scope >= 0);
    if ((size_t)scope >= tl->nscopes) {
        size_t cap = tl->nscopes;
        tl->scopes = cs_xgrow(tl->scopes, &cap, (size_t)scope + 1, sizeof *tl->scopes);
        for (size_t i = tl->nscopes; i < cap; i++)
            tl->scopes[i].host = tl->scopes[i].cancel_src = -1;
        tl->nscopes = cap;
    }
    return &tl->scopes[scope];
}

/* Starts a record: {"name", "cat", "ph", "ts", "pid", "tid"; the caller adds
 * more keys and calls cs__rec_end. */
static void cs__rec_begin_at(cs_timeline *tl, const char *ph, const char *name, const char *cat, int64_t ts, int pid,
                             long long tid)
{
    tl->rec_ts = ts;
    tl->rec_off = (size_t)ftell(tl->mem);
    cs_jw_init(&tl->w, tl->mem, CS_JW_ONE_LINE, 0);
    cs_jw_begin_object(&tl->w);
    if (name) {
        cs_jw_key(&tl->w, "name");
        cs_jw_string(&tl->w, name);
    }
    if (cat) {
        cs_jw_key(&tl->w, "cat");
        cs_jw_string(&tl->w, cat);
    }
    cs_jw_key(&tl->w, "ph");
    cs_jw_string(&tl->w, ph);
    cs_jw_key(&tl->w, "ts");
    cs_jw_number(&tl->w, (double)ts / 1000.0);
    cs_jw_key(&tl->w, "pid");
    cs_jw_int(&tl->w, pid);
    cs_jw_key(&tl->w, "tid");
    cs_jw_int(&tl->w, tid);
}

/* A record on a task's track (process 1, tid = task id + 1). */
static void cs__rec_begin(cs_timeline *tl, const char *ph, const char *name, const char *cat, int64_t ts, int32_t task)
{
    cs__rec_begin_at(tl, ph, name, cat, ts, 1, (long long)task + 1);
}

static void cs__rec_end(cs_timeline *tl)
{
    cs_jw_end_object(&tl->w);
    size_t end = (size_t)ftell(tl->mem);
    tl->recs = cs_xgrow(tl->recs, &tl->cap_recs, tl->nrecs + 1, sizeof *tl->recs);
    tl->recs[tl->nrecs] = (cs__rec){tl->rec_ts, tl->nrecs, tl->rec_off, end - tl->rec_off};
    tl->nrecs++;
}

static void cs__exc_text(cs_timeline *tl, const cs_exc *e, char *buf, size_t cap)
{
    const char *cls = e->cls == CS_EXC_CANCELLED ? (tl->backend == CS_BACKEND_TRIO ? "Cancelled" : "CancelledError")
                      : e->cls >= 0 && (uint32_t)e->cls < tl->nclasses ? tl->classes[e->cls]
                                                                       : "?";
    if (cs_exc_is_group(e))
        snprintf(buf, cap, "%s (%u)", cls, e->nmembers);
    else if (e->message && *e->message)
        snprintf(buf, cap, "%s: %s", cls, e->message);
    else
        snprintf(buf, cap, "%s", cls);
}

static void cs__arg_exc(cs_timeline *tl, const char *key, const cs_exc *e)
{
    char text[256];
    cs__exc_text(tl, e, text, sizeof text);
    cs_jw_key(&tl->w, key);
    cs_jw_string(&tl->w, text);
}

static void cs__open(cs_timeline *tl, int32_t task, cs__slice_kind kind, int32_t scope)
{
    cs__track *t = cs__track_of(tl, task);
    t->open = cs_xgrow(t->open, &t->cap, t->n + 1, sizeof *t->open);
    t->open[t->n++] = (cs__slice){kind, scope};
}

/* Writes E for the top slice of the task's track; when `ev` is given and the
 * slice is the one it ends, the end carries the event's details as args. */
static void cs__close_top(cs_timeline *tl, int32_t task, int64_t ts, const cs_event *ev)
{
    cs__track *t = cs__track_of(tl, task);
    assert(t->n > 0);
    t->n--;
    cs__rec_begin(tl, "E", NULL, NULL, ts, task);
    if (ev && ev->kind == CS_EV_TASK_END) {
        cs_jw_key(&tl->w, "args");
        cs_jw_begin_object(&tl->w);
        cs_jw_key(&tl->w, "state");
        cs_jw_string(&tl->w, cs_task_state_name(ev->state));
        if (ev->exc)
            cs__arg_exc(tl, "exception", ev->exc);
        cs_jw_end_object(&tl->w);
    } else if (ev && ev->kind == CS_EV_SCOPE_EXIT) {
        cs_jw_key(&tl->w, "args");
        cs_jw_begin_object(&tl->w);
        cs_jw_key(&tl->w, "cancel_called");
        cs_jw_bool(&tl->w, ev->cancel_called);
        cs_jw_key(&tl->w, "cancelled_caught");
        cs_jw_bool(&tl->w, ev->cancelled_caught);
        if (ev->exc)
            cs__arg_exc(tl, "exception", ev->exc);
        cs_jw_end_object(&tl->w);
    }
    cs__rec_end(tl);
}

/* Closes the innermost open slice of `kind` (and `scope`) on the task's track
 * and everything above it; does nothing when no such slice is open. */
static void cs__close_until(cs_timeline *tl, int32_t task, cs__slice_kind kind, int32_t scope, int64_t ts,
                            const cs_event *ev)
{
    cs__track *t = cs__track_of(tl, task);
    size_t i = t->n;
    while (i > 0 && !(t->open[i - 1].kind == kind && (kind != CS__SL_SCOPE || t->open[i - 1].scope == scope)))
        i--;
    if (i == 0)
        return;
    while (t->n > i)
        cs__close_top(tl, task, ts, NULL);
    cs__close_top(tl, task, ts, ev);
}

/* A waiting task's wait ends at its next event, whatever that event is. */
static void cs__end_wait(cs_timeline *tl, int32_t task, int64_t ts)
{
    cs__track *t = cs__track_of(tl, task);
    if (t->n > 0 && t->open[t->n - 1].kind == CS__SL_WAIT)
        cs__close_top(tl, task, ts, NULL);
}

static void cs__flow(cs_timeline *tl, const char *name, const char *cat, int32_t from, int64_t from_ts, int32_t to,
                     int64_t to_ts)
{
    uint64_t id = ++tl->next_flow;
    cs__rec_begin(tl, "s", name, cat, from_ts, from);
    cs_jw_key(&tl->w, "id");
    cs_jw_int(&tl->w, (long long)id);
    cs__rec_end(tl);
    cs__rec_begin(tl, "f", name, cat, to_ts, to);
    cs_jw_key(&tl->w, "id");
    cs_jw_int(&tl->w, (long long)id);
    cs_jw_key(&tl->w, "bp");
    cs_jw_string(&tl->w, "e");
    cs__rec_end(tl);
}

static void cs__metadata(cs_timeline *tl, const char *what, int32_t task, const char *name, long long index)
{
    cs__rec_begin(tl, "M", what, NULL, 0, task);
    cs_jw_key(&tl->w, "args");
    cs_jw_begin_object(&tl->w);
    if (name) {
        cs_jw_key(&tl->w, "name");
        cs_jw_string(&tl->w, name);
    } else {
        cs_jw_key(&tl->w, "sort_index");
        cs_jw_int(&tl->w, index);
    }
    cs_jw_end_object(&tl->w);
    cs__rec_end(tl);
}

static void cs__instant(cs_timeline *tl, const char *name, const char *cat, int64_t ts, int32_t task)
{
    cs__rec_begin(tl, "i", name, cat, ts, task);
    cs_jw_key(&tl->w, "s");
    cs_jw_string(&tl->w, "t");
    cs__rec_end(tl);
}

static void cs__on_run_start(cs_timeline *tl, const cs_event *ev)
{
    tl->backend = ev->backend;
    char *title = cs_xasprintf("%s (%s)", ev->scenario ? ev->scenario : "run", cs_backend_name(ev->backend));
    cs__rec_begin(tl, "M", "process_name", NULL, 0, 0);
    cs_jw_key(&tl->w, "args");
    cs_jw_begin_object(&tl->w);
    cs_jw_key(&tl->w, "name");
    cs_jw_string(&tl->w, title);
    cs_jw_end_object(&tl->w);
    cs__rec_end(tl);
    free(title);
    if (!ev->class_names)
        return;
    tl->classes = cs_xcalloc(ev->nclasses ? ev->nclasses : 1, sizeof *tl->classes);
    tl->nclasses = ev->nclasses;
    for (uint32_t i = 0; i < ev->nclasses; i++)
        tl->classes[i] = cs_xstrdup(ev->class_names[i] ? ev->class_names[i] : "?");
}

static void cs__on_spawn(cs_timeline *tl, const cs_event *ev)
{
    const char *name = ev->name ? ev->name : "?";
    /* a native asyncio task (asyncio.create_task: spawned, in no group) gets
     * its own category and a marked track name */
    bool native = ev->parent >= 0 && ev->group < 0;
    char *track = native ? cs_xasprintf("%s (native asyncio)", name) : NULL;
    cs__metadata(tl, "thread_name", ev->task, native ? track : name, 0);
    free(track);
    cs__metadata(tl, "thread_sort_index", ev->task, NULL, ev->task);
    cs__rec_begin(tl, "B", name, native ? "native_task" : "task", ev->t, ev->task);
    cs__rec_end(tl);
    cs__open(tl, ev->task, CS__SL_TASK, -1);
    if (ev->parent >= 0)
        cs__flow(tl, "spawn", "spawn", ev->parent, ev->t, ev->task, ev->t);
}

static void cs__on_scope_enter(cs_timeline *tl, const cs_event *ev)
{
    cs__tl_scope *s = cs__scope_of(tl, ev->scope);
    s->host = ev->task;
    s->drawn = ev->scope_kind != CS_KIND_INTERNAL;
    if (!s->drawn || ev->task < 0)
        return;
    char *anon = ev->name ? NULL : cs_xasprintf("(%s)", cs_scope_kind_name(ev->scope_kind));
    cs__rec_begin(tl, "B", ev->name ? ev->name : anon, "scope", ev->t, ev->task);
    free(anon);
    cs_jw_key(&tl->w, "args");
    cs_jw_begin_object(&tl->w);
    cs_jw_key(&tl->w, "kind");
    cs_jw_string(&tl->w, cs_scope_kind_name(ev->scope_kind));
    cs_jw_key(&tl->w, "deadline");
    cs_jw_number(&tl->w, ev->deadline);
    cs_jw_key(&tl->w, "shield");
    cs_jw_bool(&tl->w, ev->shield);
    cs_jw_end_object(&tl->w);
    cs__rec_end(tl);
    cs__open(tl, ev->task, CS__SL_SCOPE, ev->scope);
}

static void cs__on_wait(cs_timeline *tl, const cs_event *ev)
{
    bool thread = ev->kind == CS_EV_THREAD_START;
    cs__rec_begin(tl, "B",
                  thread      ? "to_thread"
                  : ev->label ? ev->label
                              : "wait",
                  thread ? "thread" : "wait", ev->t, ev->task);
    if (!thread) {
        cs_jw_key(&tl->w, "args");
        cs_jw_begin_object(&tl->w);
        cs_jw_key(&tl->w, "wake_at");
        if (ev->wake_at == INT64_MAX)
            cs_jw_string(&tl->w, "never");
        else
            cs_jw_seconds(&tl->w, ev->wake_at);
        cs_jw_end_object(&tl->w);
    }
    cs__rec_end(tl);
    cs__open(tl, ev->task, thread ? CS__SL_THREAD : CS__SL_WAIT, -1);
}

/* Names process 2 and a worker slot's track the first time they are used. */
static void cs__thread_meta(cs_timeline *tl, size_t slot)
{
    if (slot == 0) {
        cs__rec_begin_at(tl, "M", "process_name", NULL, 0, 2, 0);
        cs_jw_key(&tl->w, "args");
        cs_jw_begin_object(&tl->w);
        cs_jw_key(&tl->w, "name");
        cs_jw_string(&tl->w, "worker threads");
        cs_jw_end_object(&tl->w);
        cs__rec_end(tl);
    }
    char name[48];
    snprintf(name, sizeof name, "worker thread %zu", slot + 1);
    cs__rec_begin_at(tl, "M", "thread_name", NULL, 0, 2, (long long)slot + 1);
    cs_jw_key(&tl->w, "args");
    cs_jw_begin_object(&tl->w);
    cs_jw_key(&tl->w, "name");
    cs_jw_string(&tl->w, name);
    cs_jw_end_object(&tl->w);
    cs__rec_end(tl);
}

/* The slot of thread number n (from 1), or -1 when it is not running. */
static int32_t cs__slot_of(const cs_timeline *tl, uint32_t n)
{
    return n >= 1 && n - 1 < tl->nthread_ids ? tl->thread_slot[n - 1] : -1;
}

/* A thread starts on the lowest free worker slot: a slice there, and a flow
 * from the task that called to_thread. */
static void cs__thread_begins(cs_timeline *tl, const cs_event *ev)
{
    if (ev->count == 0)
        return;
    size_t id = ev->count - 1, slot = 0;
    if (id >= tl->nthread_ids) {
        size_t cap = tl->nthread_ids;
        tl->thread_slot = cs_xgrow(tl->thread_slot, &cap, id + 1, sizeof *tl->thread_slot);
        for (size_t i = tl->nthread_ids; i < cap; i++)
            tl->thread_slot[i] = -1;
        tl->nthread_ids = cap;
    }
    while (slot < tl->nslots && tl->slot_busy[slot])
        slot++;
    if (slot == tl->nslots) {
        size_t cap = tl->nslots;
        tl->slot_busy = cs_xgrow(tl->slot_busy, &cap, slot + 1, sizeof *tl->slot_busy);
        tl->nslots = slot + 1;
        cs__thread_meta(tl, slot);
    }
    tl->slot_busy[slot] = true;
    tl->thread_slot[id] = (int32_t)slot;
    char name[160];
    snprintf(name, sizeof name, "to_thread (%u:%u)", ev->pos.line, ev->pos.col);
    cs__rec_begin_at(tl, "B", name, "thread", ev->t, 2, (long long)slot + 1);
    cs__rec_end(tl);
    uint64_t fid = ++tl->next_flow;
    cs__rec_begin(tl, "s", "to_thread", "thread", ev->t, ev->task);
    cs_jw_key(&tl->w, "id");
    cs_jw_int(&tl->w, (long long)fid);
    cs__rec_end(tl);
    cs__rec_begin_at(tl, "f", "to_thread", "thread", ev->t, 2, (long long)slot + 1);
    cs_jw_key(&tl->w, "id");
    cs_jw_int(&tl->w, (long long)fid);
    cs_jw_key(&tl->w, "bp");
    cs_jw_string(&tl->w, "e");
    cs__rec_end(tl);
}

static void cs__thread_ends(cs_timeline *tl, uint32_t n, int64_t ts)
{
    int32_t slot = cs__slot_of(tl, n);
    if (slot < 0)
        return;
    cs__rec_begin_at(tl, "E", NULL, NULL, ts, 2, (long long)slot + 1);
    cs__rec_end(tl);
    tl->slot_busy[slot] = false;
    tl->thread_slot[n - 1] = -1;
}

static void cs__thread_abandoned(cs_timeline *tl, const cs_event *ev)
{
    int32_t slot = cs__slot_of(tl, ev->count);
    if (slot < 0)
        return;
    cs__rec_begin_at(tl, "i", "abandoned: runs on without a waiter", "thread", ev->t, 2, (long long)slot + 1);
    cs_jw_key(&tl->w, "s");
    cs_jw_string(&tl->w, "t");
    cs__rec_end(tl);
}

static void cs__on_cancel(cs_timeline *tl, const cs_event *ev)
{
    cs__tl_scope *s = cs__scope_of(tl, ev->scope);
    int32_t src = ev->task >= 0 ? ev->task : s->host;
    if (!s->cancelled) {
        s->cancelled = true;
        s->cause = ev->cause;
        s->cancel_t = ev->t;
        s->cancel_src = src;
    }
    if (src >= 0) {
        char name[64];
        snprintf(name, sizeof name, "cancel (%s)", cs_cancel_cause_name(ev->cause));
        cs__instant(tl, name, "cancel", ev->t, src);
    }
}

static void cs__on_delivered(cs_timeline *tl, const cs_event *ev)
{
    cs__tl_scope *s = cs__scope_of(tl, ev->scope);
    int32_t src = s->cancelled ? s->cancel_src : s->host;
    if (src < 0)
        src = ev->task;
    char name[64];
    snprintf(name, sizeof name, "cancel: %s", s->cancelled ? cs_cancel_cause_name(s->cause) : "cancel");
    cs__flow(tl, name, "cancel", src, s->cancelled ? s->cancel_t : ev->t, ev->task, ev->t);
}

static void cs__on_exc_instant(cs_timeline *tl, const cs_event *ev, const char *verb)
{
    char text[300], name[320];
    if (ev->exc)
        cs__exc_text(tl, ev->exc, text, sizeof text);
    else
        snprintf(text, sizeof text, "?");
    snprintf(name, sizeof name, "%s %s", verb, text);
    cs__instant(tl, name, "exception", ev->t, ev->task);
}

static void cs__on_log(cs_timeline *tl, const cs_event *ev)
{
    cs__rec_begin(tl, "i", ev->msg ? ev->msg : "", "log", ev->t, ev->task);
    cs_jw_key(&tl->w, "s");
    cs_jw_string(&tl->w, "t");
    if (ev->value_kind != CS_VAL_NONE) {
        cs_jw_key(&tl->w, "args");
        cs_jw_begin_object(&tl->w);
        cs_jw_key(&tl->w, "value");
        if (ev->value_kind == CS_VAL_BOOL)
            cs_jw_bool(&tl->w, ev->boolean);
        else if (ev->value_kind == CS_VAL_JSON)
            cs_jw_json_text(&tl->w, ev->value_json ? ev->value_json : "null");
        else
            cs_jw_number(&tl->w, ev->number);
        cs_jw_end_object(&tl->w);
    }
    cs__rec_end(tl);
}

static void cs__on_run_end(cs_timeline *tl, const cs_event *ev)
{
    for (size_t i = 0; i < tl->ntracks; i++)
        while (tl->tracks[i].n > 0)
            cs__close_top(tl, (int32_t)i, ev->t, NULL);
    for (size_t n = 1; n <= tl->nthread_ids; n++) /* threads still running */
        cs__thread_ends(tl, (uint32_t)n, ev->t);
    static const char *const results[] = {"returned", "raised", "deadlock", "time limit", "step limit"};
    char text[300], name[340];
    text[0] = '\0';
    if (ev->result == CS_RESULT_RAISED && ev->exc)
        cs__exc_text(tl, ev->exc, text, sizeof text);
    else if (ev->result == CS_RESULT_RETURNED)
        snprintf(text, sizeof text, "%s", ev->value_json ? ev->value_json : "null");
    snprintf(name, sizeof name, "anyio.run() %s%s%s", results[ev->result], *text ? " " : "", text);
    cs__rec_begin(tl, "i", name, "run", ev->t, 0);
    cs_jw_key(&tl->w, "s");
    cs_jw_string(&tl->w, "g");
    cs__rec_end(tl);
}

/* An async generator runs on the track of the task that drives it: a slice
 * from gen_enter to gen_exit, its scopes nested in it, each yield an instant. */
static void cs__on_gen(cs_timeline *tl, const cs_event *ev)
{
    char *name = cs_xasprintf("%s %s", ev->kind == CS_EV_YIELD ? "yield" : "generator", ev->name ? ev->name : "?");
    if (ev->kind == CS_EV_YIELD) {
        cs__instant(tl, name, "generator", ev->t, ev->task);
    } else if (ev->kind == CS_EV_GEN_ENTER) {
        cs__rec_begin(tl, "B", name, "generator", ev->t, ev->task);
        cs_jw_key(&tl->w, "args");
        cs_jw_begin_object(&tl->w);
        cs_jw_key(&tl->w, "used_by");
        cs_jw_string(&tl->w, ev->label ? ev->label : "?");
        cs_jw_end_object(&tl->w);
        cs__rec_end(tl);
        cs__open(tl, ev->task, CS__SL_GEN, -1);
    } else {
        cs__close_until(tl, ev->task, CS__SL_GEN, -1, ev->t, NULL);
    }
    free(name);
}

/* The task whose track an event happens on (a spawn happens on the parent's). */
static int32_t cs__actor(const cs_event *ev)
{
    switch (ev->kind) {
    case CS_EV_RUN_START:
    case CS_EV_RUN_END:
    case CS_EV_SCOPE_STATE: return -1;
    case CS_EV_TASK_SPAWN: return ev->parent;
    default: return ev->task;
    }
}

void cs_timeline_sink(void *timeline, const cs_event *ev)
{
    cs_timeline *tl = timeline;
    if (tl->ended)
        return;
    tl->ended = ev->kind == CS_EV_RUN_END;
    int32_t actor = cs__actor(ev);
    if (actor >= 0)
        cs__end_wait(tl, actor, ev->t);
    switch (ev->kind) {
    case CS_EV_RUN_START: cs__on_run_start(tl, ev); break;
    case CS_EV_TASK_SPAWN: cs__on_spawn(tl, ev); break;
    case CS_EV_TASK_END: cs__close_until(tl, ev->task, CS__SL_TASK, -1, ev->t, ev); break;
    case CS_EV_SCOPE_ENTER: cs__on_scope_enter(tl, ev); break;
    case CS_EV_SCOPE_EXIT:
        if (ev->scope >= 0 && (size_t)ev->scope < tl->nscopes && tl->scopes[ev->scope].drawn &&
            tl->scopes[ev->scope].host >= 0)
            cs__close_until(tl, tl->scopes[ev->scope].host, CS__SL_SCOPE, ev->scope, ev->t, ev);
        break;
    case CS_EV_SLEEP: cs__on_wait(tl, ev); break;
    case CS_EV_THREAD_START:
        cs__on_wait(tl, ev);
        cs__thread_begins(tl, ev);
        cs__track_of(tl, ev->task)->thread = ev->count;
        break;
    case CS_EV_THREAD_END:
        /* an abandoned thread ending later closes nothing on its task's track */
        if (cs__track_of(tl, ev->task)->thread == ev->count)
            cs__close_until(tl, ev->task, CS__SL_THREAD, -1, ev->t, NULL);
        cs__thread_ends(tl, ev->count, ev->t);
        break;
    case CS_EV_THREAD_ABANDONED:
        cs__close_until(tl, ev->task, CS__SL_THREAD, -1, ev->t, NULL);
        cs__track_of(tl, ev->task)->thread = 0;
        cs__instant(tl, "thread abandoned", "thread", ev->t, ev->task);
        cs__thread_abandoned(tl, ev);
        break;
    case CS_EV_CANCEL: cs__on_cancel(tl, ev); break;
    case CS_EV_CANCEL_DELIVERED: cs__on_delivered(tl, ev); break;
    case CS_EV_RAISE: cs__on_exc_instant(tl, ev, "raise"); break;
    case CS_EV_CATCH: cs__on_exc_instant(tl, ev, "catch"); break;
    case CS_EV_GROUP_RAISE: cs__on_exc_instant(tl, ev, "group raise"); break;
    case CS_EV_LOG: cs__on_log(tl, ev); break;
    case CS_EV_INJECT: {
        char name[300];
        snprintf(name, sizeof name, "injected %s", ev->label ? ev->label : "?");
        cs__instant(tl, name, "inject", ev->t, ev->task);
        break;
    }
    case CS_EV_TASK_WAITING: {
        char *name = cs_xasprintf("waiting: %s", ev->label ? ev->label : "?");
        cs__instant(tl, name, "deadlock", ev->t, ev->task);
        free(name);
        break;
    }
    case CS_EV_RUN_END: cs__on_run_end(tl, ev); break;
    case CS_EV_GEN_ENTER:
    case CS_EV_YIELD:
    case CS_EV_GEN_EXIT: cs__on_gen(tl, ev); break;
    default: break;
    }
}

static int cs__rec_cmp(const void *a, const void *b)
{
    const cs__rec *x = a, *y = b;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

int cs_timeline_write(cs_timeline *tl, FILE *f)
{
    fflush(tl->mem);
    qsort(tl->recs, tl->nrecs, sizeof *tl->recs, cs__rec_cmp);
    fputs("{\"traceEvents\": [\n", f);
    for (size_t i = 0; i < tl->nrecs; i++) {
        fwrite(tl->buf + tl->recs[i].off, 1, tl->recs[i].len, f);
        fputs(i + 1 < tl->nrecs ? ",\n" : "\n", f);
    }
    fputs("], \"displayTimeUnit\": \"ms\"}\n", f);
    return ferror(f) ? -1 : 0;
}
