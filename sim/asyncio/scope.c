/* scope.c - AnyIO 4.14.2's CancelScope on asyncio (_backends/_asyncio.py).
 *
 * State and algorithms follow the real class: `tasks` holds the tasks whose
 * innermost scope this is, `kids` the child scopes, both in insertion order (the
 * order real AnyIO's sets give in practice and the reference oracle fixes);
 * cancel() delivers at once to every eligible task and retries with call_soon
 * every loop iteration while any task remains in the unshielded subtree
 * (level-triggered cancellation); exit swallows only AnyIO-marked cancellations
 * when no cancelled parent is visible.
 */
#include <stdlib.h>
#include <string.h>

#include "aio.h"
#include "util.h"

bool cs__scope_effectively_cancelled(const cs__scope *s)
{
    for (; s; s = s->parent) {
        if (s->cancel_called)
            return true;
        if (s->shield)
            return false;
    }
    return false;
}

bool cs__scope_parent_cancel_visible(const cs__scope *s)
{
    return s->parent && !s->shield && cs__scope_effectively_cancelled(s->parent);
}

bool cs__is_anyio_cancel(const cs_exc *x)
{
    for (; x && x->cls == CS_EXC_CANCELLED; x = x->context)
        if (x->anyio_cancel)
            return true;
    return false;
}

static int64_t cs__deadline_ns(double d)
{
    if (d == INFINITY)
        return CS_NS_INF;
    if (d == -INFINITY)
        return CS_NS_NEG_INF;
    return cs__s_to_ns(d);
}

/* CancelScope._timeout: fire now if the deadline has passed, else arm a timer. */
void cs__scope_timeout(cs__engine *e, cs__scope *s)
{
    if (cs__aio_s(s)->timeout_handle) {
        /* the timer that called us has run; drop our reference to it */
        cs__timer_unref(e, cs__aio_s(s)->timeout_handle);
        cs__aio_s(s)->timeout_handle = NULL;
    }
    if (s->deadline == INFINITY)
        return;
    int64_t when = cs__deadline_ns(s->deadline);
    if (e->now >= when) {
        cs__aio_scope_cancel(e, s, "deadline exceeded", CS_CAUSE_DEADLINE);
    } else {
        cs__aio_s(s)->timeout_handle = cs__call_at(e, when, CS__CB_SCOPE_TIMEOUT, s);
    }
}

static void cs__scope_drop_timeout(cs__engine *e, cs__scope *s)
{
    if (cs__aio_s(s)->timeout_handle) {
        cs__timer_cancel(e, cs__aio_s(s)->timeout_handle);
        cs__timer_unref(e, cs__aio_s(s)->timeout_handle);
        cs__aio_s(s)->timeout_handle = NULL;
    }
}

/* CancelScope._deliver_cancellation(origin), with an explicit stack instead of
 * recursion over child scopes.  Returns should_retry. */
static bool cs__deliver_walk(cs__engine *e, cs__scope *root, cs__scope *origin)
{
    bool retry = false;
    size_t cap = 16, n = 0;
    cs__scope **stack = cs_xmalloc(cap * sizeof *stack);
    stack[n++] = root;
    while (n) {
        cs__scope *s = stack[--n];
        for (cs__task *t = s->tasks_head; t; t = t->snext) {
            if (t->run == CS__TS_DONE)
                continue;
            retry = true;
            if (cs__aio_t(t)->must_cancel)
                continue;
            if (t != e->current && (t == s->host || t->run == CS__TS_RUNNING)) {
                if (!cs__aio_t(t)->fut_waiter || cs__aio_t(t)->fut_waiter->state == CS__FUT_PENDING) {
                    cs_exc *x = cs__new_exc(e, CS_EXC_CANCELLED, cs__aio_s(origin)->cancel_message);
                    x->anyio_cancel = true;
                    x->origin_scope = origin->id;
                    bool recursion;
                    cs__task_cancel_rec(e, t, x, &recursion);
                    cs_exc_unref(x);
                    if (recursion) { /* RecursionError: the delivery stops, no retry */
                        free(stack);
                        return false;
                    }
                    if (t == origin->host) /* undone by uncancel() in the origin's exit */
                        cs__aio_s(origin)->pending_uncancel++;
                    if (cs__rare(t)->ft_thread && !cs__rare(t)->log_as)
                        continue; /* a from_thread body's task is not a scenario task (a portal call's has its own id) */
                    cs_event ev;
                    cs__ev_init(e, &ev, CS_EV_CANCEL_DELIVERED);
                    ev.task = t->id;
                    ev.scope = origin->id;
                    cs__emit(e, &ev);
                }
            }
        }
        /* children in insertion order: push in reverse */
        size_t start = n;
        for (cs__scope *k = s->kids_head; k; k = k->sib_next) {
            if (k->shield || k->cancel_called)
                continue;
            if (n == cap) {
                cap *= 2;
                stack = cs_xrealloc(stack, cap * sizeof *stack);
            }
            stack[n++] = k;
        }
        for (size_t i = start, j = n ? n - 1 : 0; i < j; i++, j--) {
            cs__scope *tmp = stack[i];
            stack[i] = stack[j];
            stack[j] = tmp;
        }
    }
    free(stack);
    return retry;
}

void cs__scope_deliver(cs__engine *e, cs__scope *s, cs__scope *origin)
{
    bool retry = cs__deliver_walk(e, s, origin);
    if (origin == s) {
        if (retry) {
            cs__aio_s(s)->cancel_handle = true;
            cs__call_soon(e, CS__CB_DELIVER, s, NULL);
        } else {
            cs__aio_s(s)->cancel_handle = false;
        }
    }
}

static void cs__restart_in_parent(cs__engine *e, cs__scope *s)
{
    for (cs__scope *p = s->parent; p; p = p->parent) {
        if (p->cancel_called) {
            if (!cs__aio_s(p)->cancel_handle)
                cs__scope_deliver(e, p, p);
            break;
        }
        if (p->shield)
            break;
    }
}

void cs__aio_scope_cancel(cs__engine *e, cs__scope *s, const char *reason, cs_cancel_cause cause)
{
    if (s->cancel_called)
        return;
    cs__scope_drop_timeout(e, s);
    s->cancel_called = true;
    s->cause = cause;
    cs__aio_s(s)->cancel_message = reason && *reason ? cs_xasprintf("Cancelled via cancel scope; reason: %s", reason)
                                                     : cs_xstrdup("Cancelled via cancel scope");
    cs__emit_cancel(e, s, cause, reason);
    if (s->host)
        cs__scope_deliver(e, s, s);
}

void cs__aio_scope_enter(cs__engine *e, cs__scope *s, cs__task *t)
{
    s->host = t;
    s->entered_once = true;
    cs__scope *parent = t->cancel_scope;
    cs__scope_tasks_add(s, t);
    s->parent = parent;
    t->cancel_scope = s;
    if (parent)
        cs__scope_kids_add(parent, s);
    cs_event ev;
    cs__ev_init(e, &ev, CS_EV_SCOPE_ENTER);
    ev.scope = s->id;
    ev.name = s->name;
    ev.scope_kind = s->kind;
    ev.task = t->id;
    ev.parent = parent ? parent->id : -1;
    ev.deadline = s->deadline;
    ev.shield = s->shield;
    ev.pos = e->emit_pos;
    cs__emit(e, &ev);
    cs__scope_timeout(e, s);
    s->active = true;
    if (s->cancel_called)
        cs__scope_deliver(e, s, s);
}

/* Does the exception (or group member) count as an AnyIO cancellation? */
static bool cs__pred_anyio_cancel(const cs_exc *x, void *ctx)
{
    (void)ctx;
    return x->cls == CS_EXC_CANCELLED && cs__is_anyio_cancel(x);
}

cs__completion cs__aio_scope_exit(cs__engine *e, cs__scope *s, cs__completion c)
{
    cs__task *host = s->host;
    s->active = false;
    cs__scope_drop_timeout(e, s);
    cs__scope_tasks_remove(s, host);
    if (s->parent) {
        cs__scope_kids_remove(s->parent, s);
        cs__scope_tasks_add(s->parent, host);
    }
    host->cancel_scope = s->parent;
    cs__restart_in_parent(e, s);
    cs__completion out = c;
    cs__aio_scope *as = cs__aio_s(s);
    if (s->cancel_called && !cs__scope_parent_cancel_visible(s)) {
        /* one uncancel() per cancel() this scope made of its host */
        for (; as->pending_uncancel > 0; as->pending_uncancel--)
            cs__aio_uncancel(e, host, "cancel scope");
    } else if (as->pending_uncancel) {
        assert(s->parent);
        cs__aio_s(s->parent)->pending_uncancel += as->pending_uncancel;
        as->pending_uncancel = 0;
    }
    if (s->cancel_called && !cs__scope_parent_cancel_visible(s) && c.type == CS__C_EXC) {
        if (cs_exc_is_group(c.exc)) {
            cs_exc *match = NULL, *rest = NULL;
            cs__split(e, c.exc, cs__pred_anyio_cancel, NULL, &match, &rest);
            if (match) {
                s->cancelled_caught = true;
                cs_event ev;
                cs__ev_init(e, &ev, CS_EV_CATCH);
                ev.task = host->id;
                ev.scope = s->id;
                ev.exc = match;
                cs__emit(e, &ev);
                cs_exc_unref(s->swallowed);
                s->swallowed = match;
                cs_exc_unref(c.exc);
                if (rest) {
                    out.exc = rest;
                } else {
                    out.type = CS__C_NORMAL;
                    out.exc = NULL;
                }
            } else {
                cs_exc_unref(rest);
            }
        } else if (cs__pred_anyio_cancel(c.exc, NULL)) {
            s->cancelled_caught = true;
            cs_event ev;
            cs__ev_init(e, &ev, CS_EV_CATCH);
            ev.task = host->id;
            ev.scope = s->id;
            ev.exc = c.exc;
            cs__emit(e, &ev);
            out.type = CS__C_NORMAL;
            out.exc = NULL;
            cs_exc_unref(s->swallowed);
            s->swallowed = c.exc; /* kept for fail_after's TimeoutError context */
        }
    }
    s->host = NULL;
    cs_event ev;
    cs__ev_init(e, &ev, CS_EV_SCOPE_EXIT);
    ev.scope = s->id;
    ev.name = s->name;
    ev.scope_kind = s->kind;
    ev.task = host->id;
    ev.cancel_called = s->cancel_called;
    ev.cancelled_caught = s->cancelled_caught;
    ev.deadline = s->deadline;
    ev.shield = s->shield;
    ev.exc = out.type == CS__C_EXC ? out.exc : NULL;
    cs__emit(e, &ev);
    return out;
}

void cs__aio_scope_set_deadline(cs__engine *e, cs__scope *s, double deadline)
{
    s->deadline = deadline;
    cs__scope_drop_timeout(e, s);
    if (s->active && !s->cancel_called)
        cs__scope_timeout(e, s);
}

void cs__aio_scope_set_shield(cs__engine *e, cs__scope *s, bool shield)
{
    if (s->shield == shield)
        return;
    s->shield = shield;
    if (!shield)
        cs__restart_in_parent(e, s);
}

double cs__aio_effective_deadline(const cs__engine *e, const cs__task *t)
{
    (void)e;
    double d = INFINITY;
    for (const cs__scope *s = t->cancel_scope; s; s = s->parent) {
        if (s->deadline < d)
            d = s->deadline;
        if (s->cancel_called)
            return -INFINITY;
        if (s->shield)
            break;
    }
    return d;
}
