/* thread_values.c - issue 26 portals: the named values of a worker thread's
 * function.  The loader walks a to_thread's steps as a function of their own
 * (load_names.c; the to_thread's flow->nslots locals): `as` on a thread step
 * binds what the call returned (portal_call: fn's return value;
 * future_result: the future's; portal_start_task: the value given to
 * started(); from_thread: the body's), and the steps `print` and
 * `return_value` read them.  Values are the program's datums, as a task's
 * (dataflow.c): a value returned to to_thread is its JSON, which the task's
 * `as` finds again by address.
 */
#include <stdlib.h>
#include <string.h>

#include "thread.h"
#include "util.h"

/* The thread function's locals, allocated on first use (NULL: it has none). */
static const cs_datum **cs__thread_locals(cs__thread *th)
{
    uint32_t n = th->st->flow ? th->st->flow->nslots : 0;
    if (!n)
        return NULL;
    if (!th->locals)
        th->locals = cs_xcalloc(n, sizeof *th->locals);
    return th->locals;
}

void cs__thread_bind(cs__engine *e, cs__thread *th, const cs_stmt *s, const char *json)
{
    if (!s->flow || s->flow->as_slot < 0)
        return;
    const cs_datum **v = cs__thread_locals(th);
    if (v) /* the loader gave the name a slot of this thread function */
        v[s->flow->as_slot] = cs__flow_datum(e, json);
}

void cs__thread_bind_result(cs__engine *e, cs__thread *th, const cs__completion *r)
{
    if (th->idx == 0 || th->idx > th->st->body.n)
        return;
    const cs_stmt *s = &th->st->body.items[th->idx - 1];
    if (s->op != CS_OP_PORTAL_FUTURE_CANCEL) /* its `as` is cancel()'s answer, not the callback's run_sync */
        cs__thread_bind(e, th, s, r->value_json);
}

/* x's value; NULL (the run stops) for a name this run has not bound. */
static const cs_datum *cs__thread_eval(cs__engine *e, cs__thread *th, const cs_stmt *s, const cs_expr *x)
{
    if (x->slot < 0)
        return x->lit;
    const cs_datum **v = cs__thread_locals(th);
    const cs_datum *d = v ? v[x->slot] : NULL;
    if (!d)
        cs__fail_scenario(e, x->pos.line ? x->pos : s->pos,
                          "name '%s' is read before this run bound it (Python raises UnboundLocalError)", x->name);
    return d;
}

bool cs__thread_print(cs__engine *e, cs__thread *th, const cs_stmt *s)
{
    const cs_flow *fl = s->flow;
    size_t len = 0, cap = 64;
    char *out = cs_xmalloc(cap);
    out[0] = '\0';
    for (uint32_t i = 0; i < fl->nargs; i++) { /* print(a, b): str() of each, joined by spaces */
        const cs_datum *v = cs__thread_eval(e, th, s, &fl->args[i]);
        if (!v) {
            free(out);
            return false;
        }
        size_t n = strlen(v->str);
        out = cs_xgrow(out, &cap, len + n + 2, 1);
        if (i)
            out[len++] = ' ';
        memcpy(out + len, v->str, n + 1);
        len += n;
    }
    cs_event ev;
    cs__ev_init(e, &ev, CS_EV_LOG);
    ev.task = cs__log_id(th->host);
    ev.msg = out;
    ev.value_kind = CS_VAL_NONE;
    cs__emit(e, &ev);
    free(out);
    return true;
}

const char *cs__thread_return_value(cs__engine *e, cs__thread *th, const cs_stmt *s)
{
    const cs_datum *v = cs__thread_eval(e, th, s, &s->flow->args[0]);
    return v ? v->json : NULL;
}
