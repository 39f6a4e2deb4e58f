/* findings.c - the findings sink (see findings.h).
 *
 * Invariants: tasks[] is indexed by task id and scopes[] by scope id (both
 * dense, so both are flat arrays grown by doubling); a task's `cur` is its
 * innermost open scope, or the group scope it was spawned into once it has
 * left all of its own; a scope's `parent` is the scope that was innermost for
 * its host when it was entered, so following `parent` from a task's `cur` is
 * the chain a cancellation travels.
 *
 * shield_breach and early_deadline are judged against a scope's shield and
 * deadline at the moment of the cancellation: `scope_enter` gives them and
 * `scope_update` (set_shield, set_deadline, a timeout fault) changes them.  A
 * finding is reported when the scope exits (or the run ends) with the values
 * last seen; one whose values changed unseen is not judged.
 */
#include "findings.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "findings_internal.h"
#include "text.h"
#include "util.h"

enum {
    CS__T_ENDED = 1,      /* TASK_END seen */
    CS__T_SAW_CANCEL = 2, /* left a scope of its own that was cancelled */
    CS__T_NATIVE = 4,     /* a native asyncio task (spawned by a task, in no group): cancelled by Task.cancel() */
    CS__T_THREAD = 8,     /* issue 26: the id of a thread AnyIO did not start (FOREIGN_THREAD), not a task */
};

enum {
    CS__S_ENTERED = 1,
    CS__S_EXITED = 2,
    CS__S_SHIELD = 4,        /* shield as entered */
    CS__S_CANCELLED = 8,     /* a CANCEL named it */
    CS__S_SHIELD_MUT = 16,   /* its shield can change unseen */
    CS__S_DEADLINE_MUT = 32, /* its deadline can change unseen */
    CS__S_PENDING = 64,      /* has a pending record */
};

typedef struct cs__ftask {
    const char *name; /* borrowed from the run; read only while it lasts */
    int32_t cur;
    int32_t group;
    uint8_t flags;
} cs__ftask;

typedef struct cs__fscope {
    const char *name; /* borrowed, NULL when anonymous */
    int32_t parent;
    int32_t host;
    int32_t live; /* tasks spawned into it (a task group) not yet ended */
    uint8_t flags;
    double deadline; /* as entered */
} cs__fscope;

/* A shield_breach or early_deadline seen but not yet settled. */
typedef struct cs__pending {
    cs_finding_kind kind;
    int32_t scope, task, origin;
    int64_t t;
    bool live;
} cs__pending;

struct cs_findings {
    cs__ftask *tasks;
    size_t ntasks, cap_tasks;
    cs__fscope *scopes;
    size_t nscopes, cap_scopes;
    cs__pending *pend;
    size_t npend, cap_pend;
    bool found[CS_FINDING_COUNT];
    char *detail[CS_FINDING_COUNT];
    const char *const *classes; /* class names, borrowed from RUN_START (worker threads report after RUN_END) */
    uint32_t nclasses;
    cs__lost lost;
    cs__swallow swallow;
    bool ended;        /* RUN_END seen: what follows are worker threads that outlive the run */
    char *stream_wait; /* issue 18: the first task found waiting on a stream end at a deadlock (owned) */
    /* Ctrl+C arrived (issue 26): asyncio.Runner cancels tasks natively (main
     * at the first, every task left when a second one ends the loop), so a
     * task ending cancelled without a cancelled scope is no escape then */
    bool interrupted;
};

static const char *const cs__names[CS_FINDING_COUNT] = {
    [CS_FINDING_CANCEL_ESCAPE] = "cancel_escape",
    [CS_FINDING_DEADLOCK] = "deadlock",
    [CS_FINDING_EARLY_DEADLINE] = "early_deadline",
    [CS_FINDING_LOST_EXCEPTION] = "lost_exception",
    [CS_FINDING_LOST_ITEM] = "lost_item",
    [CS_FINDING_NONDETERMINISM] = "nondeterminism",
    [CS_FINDING_ORPHAN_TASK] = "orphan_task",
    [CS_FINDING_SHIELD_BREACH] = "shield_breach",
    [CS_FINDING_YIELD_IN_SCOPE] = "yield_in_scope",
    [CS_FINDING_SWALLOWED_CANCELLATION] = "swallowed_cancellation",
    [CS_FINDING_CROSS_TASK_SCOPE_EXIT] = "cross_task_scope_exit",
};

const char *cs_finding_name(cs_finding_kind kind)
{
    return (unsigned)kind < CS_FINDING_COUNT ? cs__names[kind] : NULL;
}

cs_findings *cs_findings_new(void)
{
    cs_findings *f = cs_xcalloc(1, sizeof *f);
    cs__lost_init(&f->lost);
    return f;
}

void cs_findings_free(cs_findings *f)
{
    if (!f)
        return;
    for (int k = 0; k < CS_FINDING_COUNT; k++)
        free(f->detail[k]);
    free(f->tasks);
    free(f->scopes);
    free(f->pend);
    cs__lost_free(&f->lost);
    free(f->stream_wait);
    cs__swallow_free(&f->swallow);
    free(f);
}

void cs_findings_add(cs_findings *f, cs_finding_kind kind, const char *detail)
{
    if ((unsigned)kind >= CS_FINDING_COUNT || f->found[kind])
        return;
    f->found[kind] = true;
    f->detail[kind] = cs_xstrdup(detail ? detail : cs__names[kind]);
}

bool cs_findings_has(const cs_findings *f, cs_finding_kind kind)
{
    return (unsigned)kind < CS_FINDING_COUNT && f->found[kind];
}

size_t cs_findings_list(const cs_findings *f, cs_finding_kind out[CS_FINDING_COUNT])
{
    size_t n = 0;
    for (int k = 0; k < CS_FINDING_COUNT; k++)
        if (f->found[k])
            out[n++] = (cs_finding_kind)k;
    return n;
}

const char *cs_findings_detail(const cs_findings *f, cs_finding_kind kind)
{
    return cs_findings_has(f, kind) ? f->detail[kind] : NULL;
}

json_t *cs_findings_to_json(const cs_findings *f)
{
    json_t *a = json_array();
    for (int k = 0; k < CS_FINDING_COUNT; k++)
        if (f->found[k])
            json_array_append_new(a, json_string(cs__names[k]));
    return a;
}

/* ---- tables ------------------------------------------------------------- */

/* The task with id `id`, created blank when first named (NULL for id < 0). */
static cs__ftask *cs__task(cs_findings *f, int32_t id)
{
    if (id < 0)
        return NULL;
    if ((size_t)id >= f->ntasks) {
        f->tasks = cs_xgrow(f->tasks, &f->cap_tasks, (size_t)id + 1, sizeof *f->tasks);
        for (size_t i = f->ntasks; i <= (size_t)id; i++)
            f->tasks[i] = (cs__ftask){.cur = -1, .group = -1};
        f->ntasks = (size_t)id + 1;
    }
    return &f->tasks[id];
}

static cs__fscope *cs__scope(cs_findings *f, int32_t id)
{
    if (id < 0)
        return NULL;
    if ((size_t)id >= f->nscopes) {
        f->scopes = cs_xgrow(f->scopes, &f->cap_scopes, (size_t)id + 1, sizeof *f->scopes);
        for (size_t i = f->nscopes; i <= (size_t)id; i++)
            f->scopes[i] = (cs__fscope){.parent = -1, .host = -1, .deadline = INFINITY};
        f->nscopes = (size_t)id + 1;
    }
    return &f->scopes[id];
}

/* "task 'x'", or "thread 'x'" for a thread AnyIO did not start */
static const char *cs__who(const cs_findings *f, int32_t id)
{
    return id >= 0 && (size_t)id < f->ntasks && (f->tasks[id].flags & CS__T_THREAD) ? "thread" : "task";
}

static const char *cs__tname(const cs_findings *f, int32_t id)
{
    if (id < 0 || (size_t)id >= f->ntasks || !f->tasks[id].name)
        return "?";
    return f->tasks[id].name;
}

static const char *cs__sname(const cs_findings *f, int32_t id)
{
    if (id < 0 || (size_t)id >= f->nscopes || !f->scopes[id].name)
        return "(anonymous)";
    return f->scopes[id].name;
}

static void cs__report(cs_findings *f, cs_finding_kind kind, char *detail)
{
    if (!f->found[kind]) {
        f->found[kind] = true;
        f->detail[kind] = detail;
    } else {
        free(detail);
    }
}

/* ---- what the program can change unseen --------------------------------- */

/* ---- deferred checks ---------------------------------------------------- */

static void cs__pend(cs_findings *f, cs_finding_kind kind, int32_t scope, int32_t task, int32_t origin, int64_t t)
{
    f->pend = cs_xgrow(f->pend, &f->cap_pend, f->npend + 1, sizeof *f->pend);
    f->pend[f->npend++] = (cs__pending){kind, scope, task, origin, t, true};
    f->scopes[scope].flags |= CS__S_PENDING;
}

static void cs__settle_one(cs_findings *f, cs__pending *p)
{
    const cs__fscope *s = &f->scopes[p->scope];
    p->live = false;
    if (p->kind == CS_FINDING_SHIELD_BREACH && !(s->flags & CS__S_SHIELD_MUT))
        cs__report(f, p->kind,
                   cs_xasprintf("a cancellation of scope '%s' reached task '%s' inside shielded scope '%s' "
                                "at t=%.9g",
                                cs__sname(f, p->origin), cs__tname(f, p->task), cs__sname(f, p->scope),
                                (double)p->t / 1e9));
    else if (p->kind == CS_FINDING_EARLY_DEADLINE && !(s->flags & CS__S_DEADLINE_MUT))
        cs__report(f, p->kind,
                   cs_xasprintf("scope '%s' was cancelled by its deadline %.9g at t=%.9g", cs__sname(f, p->scope),
                                s->deadline, (double)p->t / 1e9));
}

/* Settles the pending records of one scope (scope < 0: of every scope). */
static void cs__settle(cs_findings *f, int32_t scope)
{
    if (scope >= 0 && !(f->scopes[scope].flags & CS__S_PENDING))
        return;
    for (size_t i = 0; i < f->npend; i++)
        if (f->pend[i].live && (scope < 0 || f->pend[i].scope == scope))
            cs__settle_one(f, &f->pend[i]);
    if (scope >= 0)
        f->scopes[scope].flags &= (uint8_t)~CS__S_PENDING;
}

/* ---- events ------------------------------------------------------------- */

static void cs__on_spawn(cs_findings *f, const cs_event *ev)
{
    cs__ftask *t = cs__task(f, ev->task);
    if (!t)
        return;
    t->name = ev->name;
    t->group = ev->group;
    t->cur = ev->group;
    if (ev->parent >= 0 && ev->group < 0)
        t->flags |= CS__T_NATIVE;
    cs__fscope *g = cs__scope(f, ev->group);
    if (!g)
        return;
    g->live++;
    if (g->flags & CS__S_EXITED)
        cs__report(f, CS_FINDING_ORPHAN_TASK,
                   cs_xasprintf("task '%s' was spawned into task group '%s' after its block exited (t=%.9g)",
                                cs__tname(f, ev->task), cs__sname(f, ev->group), (double)ev->t / 1e9));
}

/* Was any scope on the chain from `scope` outwards ever cancelled? */
static bool cs__chain_cancelled(const cs_findings *f, int32_t scope)
{
    for (size_t steps = 0; scope >= 0 && (size_t)scope < f->nscopes && steps <= f->nscopes; steps++) {
        if (f->scopes[scope].flags & CS__S_CANCELLED)
            return true;
        scope = f->scopes[scope].parent;
    }
    return false;
}

static void cs__on_task_end(cs_findings *f, const cs_event *ev)
{
    cs__ftask *t = cs__task(f, ev->task);
    if (!t)
        return;
    if (!(t->flags & CS__T_ENDED) && t->group >= 0)
        cs__scope(f, t->group)->live--;
    t->flags |= CS__T_ENDED;
    cs__lost_account(&f->lost, ev->exc);
    /* a native task is cancelled by Task.cancel(), no scope: that is no escape;
     * nor after Ctrl+C (issue 26: asyncio.Runner cancels tasks natively) */
    if (ev->state == CS_TASK_CANCELLED && !(t->flags & (CS__T_SAW_CANCEL | CS__T_NATIVE)) &&
        !cs__chain_cancelled(f, t->cur) && !f->interrupted)
        cs__report(f, CS_FINDING_CANCEL_ESCAPE,
                   cs_xasprintf("task '%s' ended cancelled at t=%.9g though no scope of it was cancelled",
                                cs__tname(f, ev->task), (double)ev->t / 1e9));
}

static void cs__on_scope_enter(cs_findings *f, const cs_event *ev)
{
    cs__fscope *s = cs__scope(f, ev->scope);
    if (!s)
        return;
    s->name = ev->name;
    s->parent = ev->parent;
    s->host = ev->task;
    s->deadline = ev->deadline;
    s->flags = (uint8_t)((s->flags & CS__S_CANCELLED) | CS__S_ENTERED | (ev->shield ? CS__S_SHIELD : 0));
    cs__ftask *t = cs__task(f, ev->task);
    if (t)
        t->cur = ev->scope;
}

/* set_deadline / set_shield: judge by the new values from now on. */
static void cs__on_scope_update(cs_findings *f, const cs_event *ev)
{
    cs__fscope *s = cs__scope(f, ev->scope);
    if (!s)
        return;
    s->deadline = ev->deadline;
    if (ev->shield)
        s->flags |= CS__S_SHIELD;
    else
        s->flags &= (uint8_t)~CS__S_SHIELD;
}

/* A shield or deadline that differs from the one last seen changed unseen:
 * stop trusting it.  Then settle what was pending on the scope. */
static void cs__on_scope_final(cs_findings *f, const cs_event *ev, cs__fscope *s)
{
    if (!ev->shield != !(s->flags & CS__S_SHIELD))
        s->flags |= CS__S_SHIELD_MUT;
    if (ev->deadline != s->deadline && !(isnan(ev->deadline) && isnan(s->deadline)))
        s->flags |= CS__S_DEADLINE_MUT;
    cs__settle(f, ev->scope);
}

static void cs__on_scope_exit(cs_findings *f, const cs_event *ev)
{
    cs__fscope *s = cs__scope(f, ev->scope);
    if (!s)
        return;
    s->flags |= CS__S_EXITED;
    cs__ftask *t = cs__task(f, ev->task >= 0 ? ev->task : s->host);
    if (t) {
        if (ev->cancel_called || (s->flags & CS__S_CANCELLED))
            t->flags |= CS__T_SAW_CANCEL;
        t->cur = s->parent;
    }
    cs__on_scope_final(f, ev, s);
    if (s->live > 0) {
        /* name the first child still running: a scan, but only once per run */
        int32_t child = -1;
        for (size_t i = 0; i < f->ntasks && !f->found[CS_FINDING_ORPHAN_TASK] && child < 0; i++)
            if (f->tasks[i].group == ev->scope && !(f->tasks[i].flags & CS__T_ENDED))
                child = (int32_t)i;
        cs__report(f, CS_FINDING_ORPHAN_TASK,
                   cs_xasprintf("task '%s' still runs after task group '%s' exited at t=%.9g", cs__tname(f, child),
                                cs__sname(f, ev->scope), (double)ev->t / 1e9));
    }
}

static void cs__on_cancel(cs_findings *f, const cs_event *ev)
{
    cs__fscope *s = cs__scope(f, ev->scope);
    if (!s)
        return;
    s->flags |= CS__S_CANCELLED;
    /* more than a nanosecond early: the engine rounds deadlines to whole ns */
    if (ev->cause == CS_CAUSE_DEADLINE && !(s->flags & CS__S_DEADLINE_MUT) && (s->flags & CS__S_ENTERED) &&
        s->deadline * 1e9 - (double)ev->t > 1.0)
        cs__pend(f, CS_FINDING_EARLY_DEADLINE, ev->scope, ev->task, ev->scope, ev->t);
}

/* Walks the task's chain to the origin; a shielded scope met before it
 * (other than the origin itself) is a breach, if the origin is on the chain
 * at all (otherwise the trace does not say how the cancellation got there). */
static void cs__on_delivered(cs_findings *f, const cs_event *ev)
{
    cs__ftask *t = cs__task(f, ev->task);
    if (!t || ev->scope < 0)
        return;
    int32_t shielded = -1;
    int32_t s = t->cur;
    for (size_t steps = 0; s >= 0 && (size_t)s < f->nscopes && steps <= f->nscopes; steps++) {
        if (s == ev->scope) {
            if (shielded >= 0)
                cs__pend(f, CS_FINDING_SHIELD_BREACH, shielded, ev->task, ev->scope, ev->t);
            return;
        }
        const cs__fscope *sc = &f->scopes[s];
        if (shielded < 0 && (sc->flags & CS__S_SHIELD) && !(sc->flags & CS__S_SHIELD_MUT))
            shielded = s;
        s = sc->parent;
    }
}

/* yield_in_scope (PEP 789): a generator iterated by `async for` yields while a
 * scope or task group it entered itself is open (the yield's scope is not
 * the one the generator began in).  An @asynccontextmanager does that by
 * design: its consumer's body is meant to run inside the generator's scope. */
static void cs__on_yield(cs_findings *f, const cs_event *ev)
{
    if (!ev->label || strcmp(ev->label, "aclosing") != 0 || ev->scope == ev->parent)
        return;
    cs__report(f, CS_FINDING_YIELD_IN_SCOPE,
               cs_xasprintf("generator '%s' yields to task '%s' at %u:%u inside its own scope '%s': a cancellation "
                            "of that scope lands in the consumer's loop body",
                            ev->name ? ev->name : "?", cs__tname(f, ev->task), ev->pos.line, ev->pos.col,
                            cs__sname(f, ev->scope)));
}

/* cross_task_scope_exit: s.__exit__() called by a task other than the one
 * that entered s (AnyIO refuses it: "Attempted to exit cancel scope in a
 * different task than it was entered in", Trio's "Cancel scope stack
 * corrupted"). */
static void cs__on_scope_exit_call(cs_findings *f, const cs_event *ev)
{
    const cs__fscope *s = cs__scope(f, ev->scope);
    if (!s || s->host == ev->task)
        return;
    cs__report(f, CS_FINDING_CROSS_TASK_SCOPE_EXIT,
               cs_xasprintf("task '%s' exits cancel scope '%s' at %u:%u, which task '%s' entered",
                            cs__tname(f, ev->task), cs__sname(f, ev->scope), ev->pos.line, ev->pos.col,
                            cs__tname(f, s->host)));
}

static void cs__on_run_end(cs_findings *f, const cs_event *ev)
{
    if (ev->result == CS_RESULT_DEADLOCK)
        cs__report(
            f, CS_FINDING_DEADLOCK,
            cs_xasprintf("every task waits at t=%.9g%s", (double)ev->t / 1e9, f->stream_wait ? f->stream_wait : ""));
    if (ev->result == CS_RESULT_RAISED && ev->exc) {
        cs__lost_account(&f->lost, ev->exc);
        if (ev->exc->cls == CS_EXC_CANCELLED)
            cs__report(f, CS_FINDING_CANCEL_ESCAPE, cs_xstrdup("a cancellation exception left anyio.run()"));
    }
    /* A run stopped by a limit or a deadlock may still have exceptions in
     * flight: only a run that finished can show one vanished. */
    ptrdiff_t k = cs__lost_first(&f->lost);
    if (k >= 0 && (ev->result == CS_RESULT_RETURNED || ev->result == CS_RESULT_RAISED)) {
        const cs_exc *x = f->lost.raised[k];
        const char *cls = f->classes && x->cls >= 0 && (uint32_t)x->cls < f->nclasses && f->classes[x->cls]
                              ? f->classes[x->cls]
                              : "exception";
        char *msg = cs_text_shown(x->message); /* a NUL in it as \x00 */
        cs__report(f, CS_FINDING_LOST_EXCEPTION,
                   cs_xasprintf("%s('%s') raised by %s '%s' was never caught nor re-raised", cls, msg,
                                cs__who(f, f->lost.raiser[k]), cs__tname(f, f->lost.raiser[k])));
        free(msg);
    }
    const cs__swallowed *sw = cs__swallow_first(&f->swallow);
    if (sw && (ev->result == CS_RESULT_RETURNED || ev->result == CS_RESULT_RAISED) && sw->wait_for)
        cs__report(
            f, CS_FINDING_SWALLOWED_CANCELLATION,
            cs_xasprintf("asyncio.wait_for at %u:%u in task '%s' dropped the CancelledError of a native cancel() "
                         "of the task and returned its finished task's result (t=%.9g; CPython 3.11): asyncio "
                         "does not deliver it again",
                         sw->pos.line, sw->pos.col, cs__tname(f, sw->task), (double)sw->t / 1e9));
    else if (sw && (ev->result == CS_RESULT_RETURNED || ev->result == CS_RESULT_RAISED) && sw->scope < 0)
        cs__report(f, CS_FINDING_SWALLOWED_CANCELLATION,
                   cs_xasprintf("task '%s' swallowed the CancelledError of a native cancel() of it, in the handler "
                                "at %u:%u (t=%.9g): asyncio does not deliver it again",
                                cs__tname(f, sw->task), sw->pos.line, sw->pos.col, (double)sw->t / 1e9));
    else if (sw && (ev->result == CS_RESULT_RETURNED || ev->result == CS_RESULT_RAISED))
        cs__report(f, CS_FINDING_SWALLOWED_CANCELLATION,
                   cs_xasprintf("the AnyIO scope '%s' of task '%s' swallowed a native cancel() of the task folded into "
                                "its own CancelledError (t=%.9g; AnyIO #1214): asyncio does not deliver it again",
                                cs__sname(f, sw->scope), cs__tname(f, sw->task), (double)sw->t / 1e9));
    cs__settle(f, -1);
    /* the names stay borrowed: a worker thread that outlives the run still
     * reports (cs__after_run); cs_run emits nothing once it returns */
    f->ended = true;
}

/* After RUN_END only worker threads that outlived the run report (abandoned
 * ones: the others are awaited).  Nothing can catch their errors any more:
 * AnyIO's asyncio worker finds the loop closed and drops the outcome, Trio's
 * delivery finds the run finished and is ignored.  A non-cancellation error
 * is lost there and then. */
static void cs__after_run(cs_findings *f, const cs_event *ev)
{
    if (ev->kind != CS_EV_THREAD_END || !ev->exc || ev->exc->cls == CS_EXC_CANCELLED)
        return;
    const cs_exc *x = ev->exc;
    const char *cls = f->classes && x->cls >= 0 && (uint32_t)x->cls < f->nclasses && f->classes[x->cls]
                          ? f->classes[x->cls]
                          : "exception";
    bool plain = strcmp(cs__who(f, ev->task), "thread") == 0; /* issue 26: a thread AnyIO did not start */
    cs__report(f, CS_FINDING_LOST_EXCEPTION,
               cs_xasprintf("%s('%s') raised at t=%.9g by %s '%s', after anyio.run() returned, was dropped", cls,
                            x->message, (double)ev->t / 1e9, plain ? "thread" : "the abandoned worker thread of task",
                            cs__tname(f, ev->task)));
}

void cs_findings_sink(void *findings, const cs_event *ev)
{
    cs_findings *f = findings;
    if (f->ended) {
        cs__after_run(f, ev);
        return;
    }
    if (ev->kind == CS_EV_SCOPE_EXIT || ev->kind == CS_EV_TASK_END || ev->kind == CS_EV_RUN_END ||
        ev->kind == CS_EV_GROUP_RAISE || ev->kind == CS_EV_RAISE)
        cs__swallow_seen(&f->swallow, ev->exc); /* the exception goes on: not swallowed */
    switch (ev->kind) {
    case CS_EV_RUN_START:
        f->classes = ev->class_names;
        f->nclasses = ev->nclasses;
        f->swallow.asyncio = ev->backend == CS_BACKEND_ASYNCIO;
        break;
    case CS_EV_SCOPE_UPDATE: cs__on_scope_update(f, ev); break;
    case CS_EV_TASK_SPAWN: cs__on_spawn(f, ev); break;
    case CS_EV_PORTAL_TASK: /* issue 26: a portal call's task: its own scopes, in the portal's group (no TASK_END) */
        if (cs__task(f, ev->task)) {
            cs__task(f, ev->task)->name = ev->name;
            cs__task(f, ev->task)->group = -1;
            cs__task(f, ev->task)->cur = ev->group;
        }
        break;
    case CS_EV_FOREIGN_THREAD: /* issue 26: only its name, for the messages about the thread */
        if (cs__task(f, ev->task)) {
            cs__task(f, ev->task)->name = ev->name;
            cs__task(f, ev->task)->flags |= CS__T_THREAD;
        }
        break;
    case CS_EV_TASK_END: cs__on_task_end(f, ev); break;
    case CS_EV_SCOPE_ENTER: cs__on_scope_enter(f, ev); break;
    case CS_EV_SCOPE_EXIT: cs__on_scope_exit(f, ev); break;
    case CS_EV_SCOPE_STATE:
        if (ev->scope >= 0 && (size_t)ev->scope < f->nscopes)
            cs__on_scope_final(f, ev, &f->scopes[ev->scope]);
        break;
    case CS_EV_CANCEL: cs__on_cancel(f, ev); break;
    case CS_EV_CANCEL_DELIVERED: cs__on_delivered(f, ev); break;
    case CS_EV_RAISE:
    case CS_EV_THREAD_END:
        /* an abandoned thread's error is never delivered, so it stays unaccounted */
        if (ev->exc && ev->exc->cls != CS_EXC_CANCELLED)
            cs__lost_raised(&f->lost, ev->exc, ev->task);
        break;
    case CS_EV_CATCH:
        cs__lost_account(&f->lost, ev->exc);
        if (!(ev->label && strcmp(ev->label, "asyncio.TaskGroup") == 0)) /* a handler or an AnyIO scope */
            cs__swallow_catch(&f->swallow, ev->exc, ev->task, ev->scope,
                              ev->label && strcmp(ev->label, "asyncio.wait_for") == 0, ev->pos, ev->t);
        else
            cs__swallow_seen(&f->swallow, ev->exc);
        break;
    /* native asyncio (asyncio backend only) */
    case CS_EV_NATIVE_CANCEL: cs__swallow_sent(&f->swallow, ev->exc, ev->task, ev->count); break;
    case CS_EV_UNCANCEL: cs__swallow_uncancel(&f->swallow, ev->task, ev->count, ev->label); break;
    case CS_EV_GROUP_RAISE:
        /* the group accounts for its members and must now be accounted for
         * itself, or for a part split from it (a `return` in `finally` can
         * swallow it) */
        cs__lost_account(&f->lost, ev->exc);
        if (ev->exc && cs__lost_has_non_cancel_leaf(ev->exc))
            cs__lost_raised(&f->lost, ev->exc, ev->task);
        break;
    case CS_EV_RUN_END: cs__on_run_end(f, ev); break;
    case CS_EV_YIELD: cs__on_yield(f, ev); break;
    case CS_EV_TASK_WAITING: /* issue 18: a stream nobody will close (findings_stream.c) */
        cs__stream_waiting(&f->stream_wait, ev->label, cs__tname(f, ev->task));
        break;
    case CS_EV_ITEMS_LEFT: cs__report(f, CS_FINDING_LOST_ITEM, cs__items_left_detail(ev)); break;
    case CS_EV_SCOPE_EXIT_CALL: cs__on_scope_exit_call(f, ev); break;
    case CS_EV_INTERRUPT: f->interrupted = true; break;
    default: break;
    }
}
