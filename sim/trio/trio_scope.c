/* trio_scope.c - trio.CancelScope and CancelStatus (trio 0.34, _core/_run.py),
 * as AnyIO 4.14.2's thin wrapper uses them.
 *
 * A scope's status is cancelled when the scope is, or when a cancelled parent
 * is visible through no shield.  recalculate() walks the status tree with an
 * explicit stack, children pushed in insertion order and popped from the end
 * (so visited last-first, as trio's list.extend()/pop() does), and aborts every
 * parked task of a status that just became cancelled: that is what makes Trio's
 * cancellation synchronous.  Exit swallows any Cancelled (or splits a group) if
 * this scope is the one effectively cancelled and no cancelled parent shows.
 * Deadlines live in a heap keyed (deadline, registration counter) with stale
 * entries, as trio's Deadlines does (the counter is the oracle's tie-break).
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trio.h"
#include "util.h"

void cs__trio_scope_init(cs__scope *s)
{
    cs__trio_scope *ts = cs__trio_s(s);
    ts->reason_source = -1;
    ts->origin = -1;
    ts->registered_deadline = INFINITY;
}

void cs__trio_scope_free(cs__engine *e, cs__scope *s)
{
    (void)e;
    cs__trio_scope *ts = cs__trio_s(s);
    free(ts->reason_text);
    ts->reason_text = NULL;
    /* once: two stale entries of one recycled sleep scope can expire together */
    ts->sleep_done = false;
}

static bool cs__parent_visible(const cs__scope *s)
{
    return s->parent && !s->shield && cs__trio_s(s->parent)->effectively_cancelled;
}

/* Deadlines.add / _might_change_registered_deadline */
static bool cs__dl_less(const struct cs__dl *a, const struct cs__dl *b)
{
    return a->deadline < b->deadline || (a->deadline == b->deadline && a->counter < b->counter);
}

/* The heap is 4-ary: (deadline, counter) is a total order, so the pop order
 * is the same as any heap's, and at a million sleeps half the levels means
 * half the cache misses of a binary heap. */
#define CS__DL_ARITY 4

static void cs__dl_push(cs__engine *e, double deadline, cs__scope *s)
{
    cs__trio_state *T = cs__trio(e);
    if (T->ndls == T->capdls) {
        T->capdls = T->capdls ? T->capdls * 2 : 64;
        T->dls = cs_xrealloc(T->dls, T->capdls * sizeof *T->dls);
    }
    uint32_t i = T->ndls++;
    e->live_timers++; /* the deadline heap's entries count as live timers */
    struct cs__dl x = {deadline, T->dl_counter++, s};
    cs__trio_s(s)->dl_refs++;
    while (i > 0) {
        uint32_t p = (i - 1) / CS__DL_ARITY;
        if (!cs__dl_less(&x, &T->dls[p]))
            break;
        T->dls[i] = T->dls[p];
        i = p;
    }
    T->dls[i] = x;
    assert(i == 0 || !cs__dl_less(&T->dls[i], &T->dls[(i - 1) / CS__DL_ARITY])); /* heap order */
}

void cs__trio_dl_pop(cs__engine *e)
{
    cs__trio_state *T = cs__trio(e);
    assert(T->ndls > 0 && cs__trio_s(T->dls[0].scope)->dl_refs > 0);
    cs__trio_s(T->dls[0].scope)->dl_refs--;
    uint32_t n = --T->ndls;
    e->live_timers--;
    if (n == 0)
        return;
    struct cs__dl x = T->dls[n];
    uint32_t i = 0;
    for (;;) {
        uint32_t c = CS__DL_ARITY * i + 1;
        if (c >= n)
            break;
        uint32_t end = c + CS__DL_ARITY < n ? c + CS__DL_ARITY : n, m = c;
        for (uint32_t k = c + 1; k < end; k++)
            if (cs__dl_less(&T->dls[k], &T->dls[m]))
                m = k;
        if (!cs__dl_less(&T->dls[m], &x))
            break;
        T->dls[i] = T->dls[m];
        i = m;
    }
    T->dls[i] = x;
    /* the next expiry reads the new top's scope (is the entry stale?): with a
     * million sleeping tasks that is a cache miss, fetched from here on */
    __builtin_prefetch(T->dls[0].scope);
}

static void cs__register_deadline(cs__engine *e, cs__scope *s)
{
    double nd = (!s->active || s->cancel_called) ? INFINITY : s->deadline;
    if (nd == cs__trio_s(s)->registered_deadline)
        return;
    cs__trio_s(s)->registered_deadline = nd;
    if (nd != INFINITY)
        cs__dl_push(e, nd, s);
}

bool cs__trio_deadline_due(const cs__engine *e, double deadline)
{
    if (deadline == INFINITY)
        return false;
    if (deadline == -INFINITY)
        return true;
    return cs__s_to_ns(deadline) <= e->now;
}

/* Aborts the parked tasks of a status that just became cancelled.  Trio
 * iterates a set here; seed 0 takes insertion order, another seed a shuffle
 * from the run's generator.  Delivery does not change the set. */
static void cs__deliver_to_tasks(cs__engine *e, cs__scope *s)
{
    size_t n = 0;
    for (cs__task *t = s->tasks_head; t; t = t->snext)
        n++;
    if (n == 0)
        return;
    cs__task *small[8]; /* most statuses hold one task: no allocation */
    cs__task **v = n <= 8 ? small : cs_xmalloc(n * sizeof *v);
    n = 0;
    for (cs__task *t = s->tasks_head; t; t = t->snext)
        v[n++] = t;
    cs__trio_shuffle(e, (void **)v, n);
    for (size_t i = 0; i < n; i++)
        cs__trio_attempt_delivery(e, v[i]);
    if (v != small)
        free(v);
}

static void cs__recalculate(cs__engine *e, cs__scope *root)
{
    /* the common case (a scope entered or a sleep ending) changes nothing */
    bool ns0 = root->cancel_called || cs__parent_visible(root);
    if (ns0 == cs__trio_s(root)->effectively_cancelled)
        return;
    size_t cap = 16, n = 0;
    cs__scope *small[16];
    cs__scope **todo = small;
    todo[n++] = root;
    while (n) {
        cs__scope *cur = todo[--n];
        bool ns = cur->cancel_called || cs__parent_visible(cur);
        if (ns == cs__trio_s(cur)->effectively_cancelled)
            continue;
        if (cs__trio_s(cur)->reason_source < 0 && cs__parent_visible(cur)) {
            cs__trio_s(cur)->reason_source = cs__trio_s(cur->parent)->reason_source;
            free(cs__trio_s(cur)->reason_text);
            cs__trio_s(cur)->reason_text =
                cs__trio_s(cur->parent)->reason_text ? cs_xstrdup(cs__trio_s(cur->parent)->reason_text) : NULL;
            cs__trio_s(cur)->origin = cs__trio_s(cur->parent)->origin;
        }
        cs__trio_s(cur)->effectively_cancelled = ns;
        if (ns)
            cs__deliver_to_tasks(e, cur);
        size_t first = n;
        for (cs__scope *k = cur->kids_head; k; k = k->sib_next) {
            if (n == cap) {
                cap *= 2;
                if (todo == small) {
                    todo = cs_xmalloc(cap * sizeof *todo);
                    memcpy(todo, small, sizeof small);
                } else {
                    todo = cs_xrealloc(todo, cap * sizeof *todo);
                }
            }
            todo[n++] = k;
        }
        /* a set in Trio: any order */
        cs__trio_shuffle(e, (void **)&todo[first], n - first);
    }
    if (todo != small)
        free(todo);
}

void cs__trio_cancel(cs__engine *e, cs__scope *s, cs__trio_source src, const char *reason, cs_cancel_cause cause)
{
    if (s->cancel_called)
        return;
    if (cs__trio_s(s)->reason_source < 0) {
        cs__trio_s(s)->reason_source = (int8_t)src;
        cs__trio_s(s)->reason_text = reason ? cs_xstrdup(reason) : NULL;
        cs__trio_s(s)->origin = s->id;
    }
    s->cancel_called = true;
    s->cause = cause;
    cs__register_deadline(e, s);
    if (cs__trio_s(s)->sleep_scope) { /* a sleep ending, not a cancellation anyone asked for */
        if (s->active)
            cs__recalculate(e, s);
        return;
    }
    cs__emit_cancel(e, s, cause, reason);
    if (s->active)
        cs__recalculate(e, s);
}

/* The Cancelled a parked task of status `s` receives. */
cs_exc *cs__trio_cancelled_exc(cs__engine *e, const cs__scope *s)
{
    static const char *const names[] = {"explicit", "deadline", "nursery", "unknown", "shutdown"};
    static const char *const plain[] = {"cancelled due to explicit", "cancelled due to deadline",
                                        "cancelled due to nursery", "cancelled due to unknown",
                                        "cancelled due to shutdown"};
    cs_exc *x;
    if (!s || cs__trio_s(s)->reason_source < 0) {
        x = cs__new_exc(e, CS_EXC_CANCELLED, "cancelled due to unknown with reason 'misnesting'");
    } else if (cs__trio_s(s)->reason_text) {
        char *r = cs__py_repr_str(cs__trio_s(s)->reason_text);
        char *msg = cs_xasprintf("cancelled due to %s with reason %s", names[cs__trio_s(s)->reason_source], r);
        free(r);
        x = cs__new_exc(e, CS_EXC_CANCELLED, msg);
        free(msg);
    } else {
        x = cs__new_exc(e, CS_EXC_CANCELLED, plain[cs__trio_s(s)->reason_source]);
    }
    x->origin_scope = s ? s->id : -1;
    return x;
}

static void cs__activate(cs__engine *e, cs__task *t, cs__scope *s)
{
    if (t->member_of)
        cs__scope_tasks_remove(t->member_of, t);
    t->cancel_scope = s;
    if (s) {
        cs__scope_tasks_add(s, t);
        if (cs__trio_s(s)->effectively_cancelled)
            cs__trio_attempt_delivery(e, t);
    }
}

static void cs__emit_scope(cs__engine *e, cs_event_kind kind, cs__scope *s, cs__task *t, cs_exc *x)
{
    cs_event ev;
    cs__ev_init(e, &ev, kind);
    ev.scope = s->id;
    ev.name = s->name;
    ev.scope_kind = s->kind;
    ev.task = t->id;
    ev.parent = s->parent ? s->parent->id : -1;
    ev.deadline = s->deadline;
    ev.shield = s->shield;
    ev.cancel_called = s->cancel_called;
    ev.cancelled_caught = s->cancelled_caught;
    ev.exc = x;
    if (kind == CS_EV_SCOPE_ENTER)
        ev.pos = e->emit_pos;
    cs__emit(e, &ev);
}

void cs__trio_scope_enter(cs__engine *e, cs__scope *s, cs__task *t)
{
    s->entered_once = true;
    if (cs__trio_deadline_due(e, s->deadline))
        cs__trio_cancel(e, s, CS__SRC_DEADLINE, NULL, CS_CAUSE_DEADLINE);
    s->host = t;
    s->parent = t->cancel_scope;
    if (s->parent)
        cs__scope_kids_add(s->parent, s);
    cs__emit_scope(e, CS_EV_SCOPE_ENTER, s, t, NULL);
    s->active = true;
    cs__recalculate(e, s);
    cs__activate(e, t, s);
    cs__register_deadline(e, s);
}

static bool cs__is_cancelled(const cs_exc *x, void *ctx)
{
    (void)ctx;
    return x->cls == CS_EXC_CANCELLED;
}

cs__completion cs__trio_scope_exit(cs__engine *e, cs__scope *s, cs__completion c)
{
    cs__task *t = s->host;
    /* a scope abandoned by a misnested exit (issue 19) closes quietly: the
     * task left it already, and it swallows a Cancelled whatever its state */
    bool abandoned = cs__trio_s(s)->abandoned;
    if (!abandoned)
        cs__activate(e, t, s->parent);
    cs__completion out = c;
    if (c.type == CS__C_EXC && (abandoned || (cs__trio_s(s)->effectively_cancelled && !cs__parent_visible(s)))) {
        if (c.exc->cls == CS_EXC_CANCELLED) {
            s->cancelled_caught = true;
            cs_exc_unref(s->swallowed);
            s->swallowed = c.exc;
            out.type = CS__C_NORMAL;
            out.exc = NULL;
        } else if (cs_exc_is_group(c.exc)) {
            cs_exc *m, *r;
            cs__split(e, c.exc, cs__is_cancelled, NULL, &m, &r);
            if (m) {
                s->cancelled_caught = true;
                cs_exc_unref(s->swallowed);
                s->swallowed = m;
                cs_exc_unref(c.exc);
                out.exc = r;
                if (!r)
                    out.type = CS__C_NORMAL;
            } else {
                cs_exc_unref(r);
            }
        }
        if (s->cancelled_caught) {
            cs_event ev;
            cs__ev_init(e, &ev, CS_EV_CATCH);
            ev.task = t->id;
            ev.scope = s->id;
            ev.exc = s->swallowed;
            cs__emit(e, &ev);
        }
    }
    if (s->parent)
        cs__scope_kids_remove(s->parent, s);
    s->active = false;
    cs__register_deadline(e, s);
    cs__emit_scope(e, CS_EV_SCOPE_EXIT, s, t, out.type == CS__C_EXC ? out.exc : NULL);
    s->host = NULL;
    return out;
}

void cs__trio_scope_cancel(cs__engine *e, cs__scope *s, const char *reason, cs_cancel_cause cause)
{
    cs__trio_source src = cause == CS_CAUSE_DEADLINE      ? CS__SRC_DEADLINE
                          : cause == CS_CAUSE_TASK_FAILED ? CS__SRC_NURSERY
                                                          : CS__SRC_EXPLICIT;
    cs__trio_cancel(e, s, src, reason && *reason ? reason : NULL, cause);
}

void cs__trio_scope_set_deadline(cs__engine *e, cs__scope *s, double deadline)
{
    s->deadline = deadline;
    cs__register_deadline(e, s);
}

void cs__trio_scope_set_shield(cs__engine *e, cs__scope *s, bool shield)
{
    s->shield = shield;
    if (s->active)
        cs__recalculate(e, s);
}

/* trio.CancelScope.__enter__: "if self._has_been_entered: raise
 * RuntimeError(...)": never twice. */
bool cs__trio_scope_reentry_refused(const cs__scope *s)
{
    return s->entered_once;
}

/* repr(trio.CancelScope) without its address, which no run can repeat: the
 * messages below print "0x?" where Trio prints id(self). */
static void cs__trio_scope_repr(const cs__engine *e, const cs__scope *s, char *buf, size_t n)
{
    const char *binding = s->active ? "active" : s->entered_once ? "exited" : "unbound";
    double now = cs__now_s(e);
    if (s->cancel_called)
        snprintf(buf, n, "<trio.CancelScope at 0x?, %s, cancelled>", binding);
    else if (s->deadline == INFINITY)
        snprintf(buf, n, "<trio.CancelScope at 0x?, %s>", binding);
    else
        snprintf(buf, n, "<trio.CancelScope at 0x?, %s, deadline is %.2f seconds %s>", binding, fabs(s->deadline - now),
                 s->deadline >= now ? "from now" : "ago");
}

/* CancelScope._close()'s checks (trio/_core/_run.py), the first line of its
 * messages (MISNESTING_ADVICE, the paragraph after it, is left out).  A
 * misnested exit abandons the scopes the task entered inside s and goes on
 * (their own exits later are quiet: cs__trio_scope_exit); another task
 * closing s, or an abandoned scope of another task, is not modelled. */
cs__exit_misuse cs__trio_scope_exit_misuse(cs__engine *e, cs__scope *s, cs__task *t, char *msg, size_t n)
{
    char rs[160], rc[160];
    cs__trio_scope_repr(e, s, rs, sizeof rs);
    if (!s->active) {
        snprintf(msg, n, "Cancel scope stack corrupted: attempted to exit %s which had already been exited", rs);
        return CS__EXIT_REFUSED;
    }
    if (t->cancel_scope == s || (cs__trio_s(s)->abandoned && s->host == t))
        return CS__EXIT_IN_ORDER; /* an abandoned scope: "we don't need to throw another one" */
    if (cs__trio_s(s)->abandoned)
        return CS__EXIT_NOT_MODELLED;
    const cs__scope *x = t->cancel_scope;
    for (uint32_t i = 0; x && x != s; i++, x = x->parent) /* bounded: the chain is finite */
        assert(i < (1u << 24));
    if (!x) {
        snprintf(msg, n, "Cancel scope stack corrupted: attempted to exit %s from unrelated <Task '%s'>", rs, t->name);
        return CS__EXIT_REFUSED;
    }
    if (s->host != t)
        return CS__EXIT_NOT_MODELLED;
    cs__trio_scope_repr(e, t->cancel_scope, rc, sizeof rc);
    snprintf(msg, n,
             "Cancel scope stack corrupted: attempted to exit %s in <Task '%s'> that's still within its child %s", rs,
             t->name, rc);
    for (cs__scope *a = t->cancel_scope; a != s; a = a->parent)
        cs__trio_s(a)->abandoned = true;
    cs__activate(e, t, s);
    return CS__EXIT_CLOSED_ANYWAY;
}

/* The cancel_called property: checks the clock lazily on an active scope. */
bool cs__trio_scope_cancel_called(cs__engine *e, cs__scope *s)
{
    if ((s->active || !s->entered_once) && !s->cancel_called && cs__trio_deadline_due(e, s->deadline))
        cs__trio_cancel(e, s, CS__SRC_DEADLINE, NULL, CS_CAUSE_DEADLINE);
    return s->cancel_called;
}

double cs__trio_effective_deadline(const cs__engine *e, const cs__task *t)
{
    (void)e;
    double d = INFINITY;
    for (const cs__scope *s = t->cancel_scope; s; s = s->parent) {
        if (cs__trio_s(s)->effectively_cancelled)
            return -INFINITY;
        if (s->deadline < d)
            d = s->deadline;
        if (s->shield)
            break;
    }
    return d;
}

/* Deadlines.expire(now): cancel every scope whose registered deadline is due.
 * Real Trio breaks ties between equal deadlines by id(scope), a memory address;
 * seed 0 takes registration order, another seed a shuffle drawn from the run's
 * generator, so that every order Trio can produce is reachable. */
void cs__trio_expire(cs__engine *e)
{
    cs__trio_state *T = cs__trio(e);
    struct cs__dl *due = NULL;
    size_t n = 0, cap = 0;
    while (T->ndls && cs__trio_deadline_due(e, T->dls[0].deadline)) {
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            due = cs_xrealloc(due, cap * sizeof *due);
        }
        due[n++] = T->dls[0];
        cs__trio_dl_pop(e);
    }
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && due[j].deadline == due[i].deadline)
            j++;
        if (j - i > 1) {
            cs__scope **v = cs_xmalloc((j - i) * sizeof *v);
            for (size_t k = i; k < j; k++)
                v[k - i] = due[k].scope;
            cs__trio_shuffle(e, (void **)v, j - i);
            for (size_t k = i; k < j; k++)
                due[k].scope = v[k - i];
            free(v);
        }
        i = j;
    }
    for (size_t i = 0; i < n; i++) {
        if (due[i].deadline == cs__trio_s(due[i].scope)->registered_deadline) {
            e->nevents++;
            cs__trio_cancel(e, due[i].scope, CS__SRC_DEADLINE, NULL, CS_CAUSE_DEADLINE);
        }
    }
    for (size_t i = 0; i < n; i++) /* stale entries of finished sleeps: the last one frees */
        if (cs__trio_s(due[i].scope)->sleep_done && cs__trio_s(due[i].scope)->dl_refs == 0)
            cs__scope_recycle(e, due[i].scope);
    free(due);
}

/* Deadlines.next_deadline(): drops stale entries off the top. */
double cs__trio_next_deadline(cs__engine *e)
{
    cs__trio_state *T = cs__trio(e);
    while (T->ndls) {
        cs__scope *s = T->dls[0].scope;
        if (T->dls[0].deadline == cs__trio_s(s)->registered_deadline)
            return T->dls[0].deadline;
        cs__trio_dl_pop(e);
        if (cs__trio_s(s)->sleep_done && cs__trio_s(s)->dl_refs == 0)
            cs__scope_recycle(e, s);
    }
    return INFINITY;
}

/* CancelStatus.parent = parent (task_status.started() moving a child). */
void cs__trio_reparent(cs__engine *e, cs__scope *s, cs__scope *parent)
{
    if (s->parent)
        cs__scope_kids_remove(s->parent, s);
    s->parent = parent;
    if (parent) {
        cs__scope_kids_add(parent, s);
        cs__recalculate(e, s);
    }
}
