/* dot.c - the DOT recorder: a trace sink that keeps what the cancellation
 * graph needs (dot.h).  It reads events only, never engine state.
 *
 * Exception flow is followed by pointer identity, which the trace guarantees:
 * a group's members are the very cs_exc its children ended with.  `holders`
 * maps each exception seen to the node that last held it (the task that raised
 * or ended with it, the group that aggregated it), and an exception edge is
 * drawn whenever an exception moves to a new holder.  The map holds a
 * reference to every key so a freed pointer can never be reused under it.
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dot_internal.h"
#include "humantime.h"
#include "util.h"

/* Longest message kept in an edge or node label, in bytes. */
#define CS__DOT_MSG_MAX 40

cs_dot *cs_dot_new(void)
{
    cs_dot *d = cs_xcalloc(1, sizeof(cs_dot));
    d->last_exit = -1;
    return d;
}

void cs_dot_free(cs_dot *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->holders.cap; i++)
        if (d->holders.vals[i] != UINT64_MAX)
            cs_exc_unref((cs_exc *)(uintptr_t)d->holders.keys[i]);
    free(d->holders.keys);
    free(d->holders.vals);
    free(d->cancel_edges.keys);
    free(d->cancel_edges.vals);
    for (size_t i = 0; i < d->ntasks; i++) {
        free(d->tasks[i].name);
        free(d->tasks[i].exc_text);
        free(d->tasks[i].injected);
        for (size_t g = 0; g < d->tasks[i].ngens; g++)
            free(d->tasks[i].gens[g]);
        free(d->tasks[i].gens);
        free(d->tasks[i].gen_running);
    }
    for (size_t i = 0; i < d->nscopes; i++) {
        free(d->scopes[i].name);
        free(d->scopes[i].raised);
        free(d->scopes[i].reason);
        free(d->scopes[i].gen);
    }
    for (size_t i = 0; i < d->nedges; i++)
        free(d->edges[i].label);
    for (uint32_t i = 0; i < d->nclasses; i++)
        free(d->classes[i]);
    free(d->classes);
    free(d->tasks);
    free(d->scopes);
    free(d->edges);
    free(d->scenario);
    free(d->result_text);
    free(d);
}

void cs__dot_fmt_time(int64_t ns, char *buf, size_t cap)
{
    const int64_t second = 1000000000;
    if (ns == INT64_MAX) {
        snprintf(buf, cap, "never");
        return;
    }
    uint64_t mag = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
    const char *sign = ns < 0 ? "-" : "";
    uint64_t whole = mag / (uint64_t)second, frac = mag % (uint64_t)second;
    if (!frac) {
        snprintf(buf, cap, "%s%llus", sign, (unsigned long long)whole);
        return;
    }
    char digits[16];
    snprintf(digits, sizeof digits, "%09llu", (unsigned long long)frac);
    for (int i = 8; i > 0 && digits[i] == '0'; i--)
        digits[i] = '\0';
    snprintf(buf, cap, "%s%llu.%ss", sign, (unsigned long long)whole, digits);
}

static const char *cs__class_name(const cs_dot *d, int32_t cls)
{
    if (cls == CS_EXC_CANCELLED)
        return d->backend == CS_BACKEND_TRIO ? "Cancelled" : "CancelledError";
    if (cls < 0 || (uint32_t)cls >= d->nclasses)
        return "?";
    return d->classes[cls];
}

/* "ExceptionGroup [ValueError, KeyError]": the member classes say more than
 * the group's fixed message; nested groups print their own brackets. */
static char *cs__group_text(const cs_dot *d, const cs_exc *e)
{
    char *out = cs_xasprintf("%s [", cs__class_name(d, e->cls));
    for (uint32_t i = 0; i < e->nmembers; i++) {
        const cs_exc *m = e->members[i];
        char *part = cs_exc_is_group(m) ? cs__group_text(d, m) : cs_xstrdup(cs__class_name(d, m->cls));
        char *next = cs_xasprintf("%s%s%s", out, i ? ", " : "", part);
        free(part);
        free(out);
        out = next;
        if (strlen(out) > 2 * CS__DOT_MSG_MAX && i + 1 < e->nmembers) {
            next = cs_xasprintf("%s, ... %u more", out, e->nmembers - i - 1);
            free(out);
            out = next;
            break;
        }
    }
    char *done = cs_xasprintf("%s]", out);
    free(out);
    return done;
}

/* "Cls: message" with the message cut to CS__DOT_MSG_MAX bytes on a UTF-8
 * boundary (labels must stay legible); groups say how many they hold. */
static char *cs__exc_text(const cs_dot *d, const cs_exc *e)
{
    const char *cls = cs__class_name(d, e->cls);
    if (cs_exc_is_group(e))
        return cs__group_text(d, e);
    const char *msg = e->message ? e->message : "";
    if (!*msg)
        return cs_xstrdup(cls);
    size_t len = strlen(msg);
    if (len <= CS__DOT_MSG_MAX)
        return cs_xasprintf("%s: %s", cls, msg);
    size_t cut = CS__DOT_MSG_MAX;
    while (cut > 0 && ((unsigned char)msg[cut] & 0xC0) == 0x80)
        cut--;
    return cs_xasprintf("%s: %.*s...", cls, (int)cut, msg);
}

static cs__dot_task *cs__task(cs_dot *d, int32_t id)
{
    assert(id >= 0);
    d->tasks = cs_xgrow(d->tasks, &d->cap_tasks, (size_t)id + 1, sizeof *d->tasks);
    for (size_t i = d->ntasks; i <= (size_t)id; i++)
        d->tasks[i] = (cs__dot_task){.parent = -1, .group = -1, .state = CS_TASK_UNFINISHED};
    if ((size_t)id >= d->ntasks)
        d->ntasks = (size_t)id + 1;
    return &d->tasks[id];
}

static cs__dot_scope *cs__scope(cs_dot *d, int32_t id)
{
    assert(id >= 0);
    d->scopes = cs_xgrow(d->scopes, &d->cap_scopes, (size_t)id + 1, sizeof *d->scopes);
    for (size_t i = d->nscopes; i <= (size_t)id; i++)
        d->scopes[i] =
            (cs__dot_scope){.host = -1, .parent = -1, .drawn_parent = -1, .cancel_by = -1, .kind = CS_KIND_INTERNAL};
    if ((size_t)id >= d->nscopes)
        d->nscopes = (size_t)id + 1;
    return &d->scopes[id];
}

static uint64_t cs__node_key(cs__node n)
{
    return (uint64_t)n.kind << 32 | (uint32_t)n.id;
}

static cs__node cs__node_of(uint64_t v)
{
    return (cs__node){(cs__node_kind)(v >> 32), (int32_t)(uint32_t)v};
}

static void cs__add_edge(cs_dot *d, cs__edge_kind kind, cs__node from, cs__node to, char *label_new)
{
    d->edges = cs_xgrow(d->edges, &d->cap_edges, d->nedges + 1, sizeof *d->edges);
    d->edges[d->nedges++] = (cs__dot_edge){kind, from, to, label_new, 1};
    cs__node ends[2] = {from, to};
    for (int i = 0; i < 2; i++) {
        if (ends[i].kind == CS__NODE_TASK)
            cs__task(d, ends[i].id)->touched = true;
        else if (ends[i].kind == CS__NODE_SCOPE)
            cs__scope(d, ends[i].id)->touched = true;
    }
}

/* Records that `e` is now held by `to`, drawing an edge from its previous
 * holder when there was one and it differs. */
static void cs__exc_moves(cs_dot *d, cs_exc *e, cs__node to, bool draw)
{
    uint64_t v;
    bool known = cs__dot_map_get(&d->holders, (uint64_t)(uintptr_t)e, &v);
    if (known && draw) {
        cs__node from = cs__node_of(v);
        if (from.kind != to.kind || from.id != to.id)
            cs__add_edge(d, CS__EDGE_EXC, from, to, cs__exc_text(d, e));
    }
    if (cs__dot_map_put(&d->holders, (uint64_t)(uintptr_t)e, cs__node_key(to)))
        cs_exc_ref(e);
}

static void cs__on_run_start(cs_dot *d, const cs_event *ev)
{
    d->backend = ev->backend;
    d->seed = ev->seed;
    if (!ev->class_names)
        return;
    free(d->scenario);
    d->scenario = cs_xstrdup(ev->scenario ? ev->scenario : "");
    d->classes = cs_xcalloc(ev->nclasses ? ev->nclasses : 1, sizeof *d->classes);
    d->nclasses = ev->nclasses;
    for (uint32_t i = 0; i < ev->nclasses; i++)
        d->classes[i] = cs_xstrdup(ev->class_names[i] ? ev->class_names[i] : "?");
}

static void cs__on_scope_enter(cs_dot *d, const cs_event *ev)
{
    cs__dot_scope *s = cs__scope(d, ev->scope);
    s->entered = true;
    free(s->name); /* a CancelScope entered again (`reenter`) */
    s->name = ev->name && ev->scope_kind != CS_KIND_INTERNAL ? cs_xstrdup(ev->name) : NULL;
    s->kind = ev->scope_kind;
    s->host = ev->task;
    s->parent = ev->parent;
    s->deadline = ev->deadline;
    s->shield = ev->shield;
    s->enter_t = ev->t;
    s->pos = ev->pos;
    /* Nearest drawn ancestor: parents are entered before their children. */
    int32_t p = ev->parent;
    while (p >= 0 && (size_t)p < d->nscopes && !d->scopes[p].name)
        p = d->scopes[p].parent;
    s->drawn_parent = p >= 0 && (size_t)p < d->nscopes ? p : -1;
    /* entered by a generator's code: the innermost generator of the task still running */
    cs__dot_task *k = ev->task >= 0 ? cs__task(d, ev->task) : NULL;
    for (size_t g = k ? k->ngens : 0; g-- > 0;)
        if (k->gen_running[g]) {
            free(s->gen);
            s->gen = cs_xstrdup(k->gens[g]);
            break;
        }
}

/* gen_enter / yield / gen_exit: which generator's code a task runs (issue 19) */
static void cs__on_gen(cs_dot *d, const cs_event *ev)
{
    cs__dot_task *k = ev->task >= 0 ? cs__task(d, ev->task) : NULL;
    if (!k)
        return;
    if (ev->kind == CS_EV_GEN_ENTER) {
        k->gens = cs_xgrow(k->gens, &k->capgens, k->ngens + 1, sizeof *k->gens);
        k->gen_running = cs_xgrow(k->gen_running, &k->capgen_running, k->ngens + 1, sizeof *k->gen_running);
        k->gens[k->ngens] = cs_xstrdup(ev->name ? ev->name : "?");
        k->gen_running[k->ngens++] = true;
    } else if (ev->kind == CS_EV_YIELD) { /* the innermost running one of that name yields */
        for (size_t g = k->ngens; g-- > 0;)
            if (k->gen_running[g] && ev->name && strcmp(k->gens[g], ev->name) == 0) {
                k->gen_running[g] = false;
                break;
            }
    } else if (k->ngens) {
        free(k->gens[--k->ngens]);
    }
}

static void cs__on_scope_exit(cs_dot *d, const cs_event *ev, bool exited)
{
    cs__dot_scope *s = cs__scope(d, ev->scope);
    s->exited = exited;
    s->exit_t = ev->t;
    s->cancel_called = ev->cancel_called;
    s->cancelled_caught = ev->cancelled_caught;
    s->deadline = ev->deadline;
    /* A shield set at run time still shielded the scope for a while. */
    s->shield = s->shield || ev->shield;
    d->last_exit = ev->scope;
    d->last_exit_seq = ev->seq;
}

/* A raise by a scope's host as the very next event after the scope exited is
 * the scope's own doing (fail_after's TimeoutError): note it on the scope. */
static void cs__on_raise(cs_dot *d, const cs_event *ev)
{
    if (!ev->exc || ev->task < 0)
        return;
    if (d->last_exit >= 0 && ev->seq == d->last_exit_seq + 1 && d->scopes[d->last_exit].host == ev->task &&
        d->scopes[d->last_exit].name && !d->scopes[d->last_exit].raised)
        d->scopes[d->last_exit].raised = cs__exc_text(d, ev->exc);
    if (!cs__dot_map_get(&d->holders, (uint64_t)(uintptr_t)ev->exc, &(uint64_t){0}))
        cs__exc_moves(d, ev->exc, (cs__node){CS__NODE_TASK, ev->task}, false);
}

static void cs__on_cancel(cs_dot *d, const cs_event *ev)
{
    cs__dot_scope *s = cs__scope(d, ev->scope);
    if (s->cancelled)
        return;
    s->cancelled = true;
    s->cause = ev->cause;
    s->cancel_by = ev->task;
    s->cancel_t = ev->t;
    if (ev->msg)
        s->reason = cs_xstrdup(ev->msg);
}

/* Where a cancellation from scope s is drawn from: the scope's node, or for a
 * scope not drawn, the task that cancelled it or else its host. */
static cs__node cs__cancel_source(const cs_dot *d, int32_t scope)
{
    const cs__dot_scope *s = &d->scopes[scope];
    if (s->name)
        return (cs__node){CS__NODE_SCOPE, scope};
    int32_t by = s->cancel_by >= 0 ? s->cancel_by : s->host;
    /* Trio's system nursery at shutdown: no task of the scenario hosts or
     * cancels it, so the run itself is the source. */
    if (by < 0)
        return (cs__node){CS__NODE_RUN, 0};
    return (cs__node){CS__NODE_TASK, by};
}

/* What a cancellation edge says: who or what cancelled, and when. */
static char *cs__cancel_label(const cs_dot *d, const cs__dot_scope *s, const char *t)
{
    if (!s->cancelled)
        return cs_xasprintf("cancel @%s", t);
    const char *by = s->cancel_by >= 0 && (size_t)s->cancel_by < d->ntasks && d->tasks[s->cancel_by].name
                         ? d->tasks[s->cancel_by].name
                     : s->cancel_by < 0 && s->host < 0 ? "the run" /* Trio's shutdown */
                                                       : "?";
    switch (s->cause) {
    case CS_CAUSE_DEADLINE: return cs_xasprintf("deadline @%s", t);
    case CS_CAUSE_TASK_FAILED: return cs_xasprintf("child failed @%s", t);
    case CS_CAUSE_TASK_HANDLE: return cs_xasprintf("handle cancelled by %s @%s", by, t);
    case CS_CAUSE_EXPLICIT: break;
    }
    if (!s->reason)
        return cs_xasprintf("cancel() by %s @%s", by, t);
    char r[CS__DOT_MSG_MAX + 4];
    snprintf(r, sizeof r, "%s", s->reason);
    if (strlen(s->reason) > CS__DOT_MSG_MAX)
        strcpy(r + CS__DOT_MSG_MAX - 3, "...");
    return cs_xasprintf("cancel(\"%s\") by %s @%s", r, by, t);
}

static void cs__on_delivered(cs_dot *d, const cs_event *ev)
{
    if (ev->scope < 0 || ev->task < 0)
        return;
    cs__task(d, ev->task);
    cs__dot_scope *s = cs__scope(d, ev->scope);
    uint64_t key = (uint64_t)(uint32_t)ev->scope << 32 | (uint32_t)ev->task, idx;
    if (cs__dot_map_get(&d->cancel_edges, key, &idx)) {
        d->edges[idx].count++; /* level-triggered: one edge, counted */
        return;
    }
    char t[CS_HUMANTIME_BUFSIZE];
    cs_human_ns(ev->t, t, sizeof t);
    cs__dot_map_put(&d->cancel_edges, key, d->nedges);
    cs__add_edge(d, CS__EDGE_CANCEL, cs__cancel_source(d, ev->scope), (cs__node){CS__NODE_TASK, ev->task},
                 cs__cancel_label(d, s, t));
}

static void cs__on_task_end(cs_dot *d, const cs_event *ev)
{
    cs__dot_task *k = cs__task(d, ev->task);
    k->ended = true;
    k->state = ev->state;
    k->end_t = ev->t;
    if (ev->state == CS_TASK_FAILED && ev->exc) {
        free(k->exc_text);
        k->exc_text = cs__exc_text(d, ev->exc);
        cs__exc_moves(d, ev->exc, (cs__node){CS__NODE_TASK, ev->task}, true);
    }
}

/* A fault injected into the task (cancelsim run/dot --inject): its label says so. */
static void cs__on_inject(cs_dot *d, const cs_event *ev)
{
    cs__dot_task *k = cs__task(d, ev->task);
    if (!k || !ev->label)
        return;
    char t[CS_HUMANTIME_BUFSIZE];
    cs_human_ns(ev->t, t, sizeof t);
    char *line =
        cs_xasprintf("%s%sinjected %s at %s", k->injected ? k->injected : "", k->injected ? "\n" : "", ev->label, t);
    free(k->injected);
    k->injected = line;
}

static void cs__on_group_raise(cs_dot *d, const cs_event *ev)
{
    if (!ev->exc || ev->scope < 0)
        return;
    cs__scope(d, ev->scope);
    cs__node g = {CS__NODE_SCOPE, ev->scope};
    for (uint32_t i = 0; i < ev->exc->nmembers; i++)
        cs__exc_moves(d, ev->exc->members[i], g, true);
    cs__exc_moves(d, ev->exc, g, false);
}

static void cs__on_run_end(cs_dot *d, const cs_event *ev)
{
    d->ended = true;
    d->result = ev->result;
    d->end_t = ev->t;
    free(d->result_text);
    switch (ev->result) {
    case CS_RESULT_RETURNED:
        d->result_text = cs_xasprintf("returned %s", ev->value_json ? ev->value_json : "null");
        if (strlen(d->result_text) > CS__DOT_MSG_MAX)
            strcpy(d->result_text + CS__DOT_MSG_MAX - 3, "...");
        break;
    case CS_RESULT_RAISED: {
        char *x = ev->exc ? cs__exc_text(d, ev->exc) : cs_xstrdup("?");
        if (ev->exc && cs_exc_is_group(ev->exc) && ev->exc->message && *ev->exc->message)
            d->result_text = cs_xasprintf("raised %s\n(%s)", x, ev->exc->message);
        else
            d->result_text = cs_xasprintf("raised %s", x);
        free(x);
        if (ev->exc) {
            if (!cs__dot_map_get(&d->holders, (uint64_t)(uintptr_t)ev->exc, &(uint64_t){0}))
                cs__exc_moves(d, ev->exc, (cs__node){CS__NODE_TASK, 0}, false);
            cs__exc_moves(d, ev->exc, (cs__node){CS__NODE_RUN, 0}, true);
        }
        break;
    }
    case CS_RESULT_DEADLOCK: d->result_text = cs_xstrdup("deadlock"); break;
    case CS_RESULT_LIMIT_TIME: d->result_text = cs_xstrdup("stopped: time limit"); break;
    case CS_RESULT_LIMIT_STEPS: d->result_text = cs_xstrdup("stopped: step limit"); break;
    case CS_RESULT_LIMIT_TASKS: d->result_text = cs_xstrdup("stopped: task limit"); break;
    case CS_RESULT_LIMIT_TIMERS: d->result_text = cs_xstrdup("stopped: timer limit"); break;
    case CS_RESULT_LIMIT_TRACE: d->result_text = cs_xstrdup("stopped: trace limit"); break;
    case CS_RESULT_LIMIT_MEMORY: d->result_text = cs_xstrdup("stopped: memory limit"); break;
    }
}

static void cs__on_spawn(cs_dot *d, const cs_event *ev)
{
    cs__dot_task *k = cs__task(d, ev->task);
    free(k->name);
    k->name = cs_xstrdup(ev->name ? ev->name : "?");
    k->parent = ev->parent;
    /* issue 26: a task a thread's portal call (or from_thread body) spawned
     * hangs under the run's main task, where the portal's group lives: the
     * thread itself is no node */
    if (ev->parent >= 0 && (size_t)ev->parent < d->ntasks && d->tasks[ev->parent].thread)
        k->parent = 0;
    k->group = ev->group;
    k->spawn_t = ev->t;
    k->pos = ev->pos;
    k->spawned = true;
}

void cs_dot_sink(void *dot, const cs_event *ev)
{
    cs_dot *d = dot;
    if (d->ended) /* a worker thread that outlives the run: the graph is the run's */
        return;
    switch (ev->kind) {
    case CS_EV_RUN_START: cs__on_run_start(d, ev); break;
    case CS_EV_TASK_SPAWN: cs__on_spawn(d, ev); break;
    case CS_EV_FOREIGN_THREAD: cs__task(d, ev->task)->thread = true; break;
    case CS_EV_TASK_END: cs__on_task_end(d, ev); break;
    case CS_EV_SCOPE_ENTER: cs__on_scope_enter(d, ev); break;
    case CS_EV_SCOPE_EXIT: cs__on_scope_exit(d, ev, true); break;
    case CS_EV_SCOPE_STATE: cs__on_scope_exit(d, ev, false); break;
    case CS_EV_CANCEL: cs__on_cancel(d, ev); break;
    case CS_EV_CANCEL_DELIVERED: cs__on_delivered(d, ev); break;
    case CS_EV_RAISE: cs__on_raise(d, ev); break;
    case CS_EV_GROUP_RAISE: cs__on_group_raise(d, ev); break;
    case CS_EV_INJECT: cs__on_inject(d, ev); break;
    case CS_EV_RUN_END: cs__on_run_end(d, ev); break;
    case CS_EV_GEN_ENTER:
    case CS_EV_YIELD:
    case CS_EV_GEN_EXIT: cs__on_gen(d, ev); break;
    default: break;
    }
}

bool cs_dot_has_task(const cs_dot *d, const char *name)
{
    for (size_t i = 0; i < d->ntasks; i++)
        if (d->tasks[i].spawned && strcmp(d->tasks[i].name, name) == 0)
            return true;
    return false;
}
