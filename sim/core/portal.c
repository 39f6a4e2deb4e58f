/* portal.c - AnyIO's BlockingPortal inside async code (issue 26), the same on
 * both backends: `async with BlockingPortal() as p:` is a task group (the
 * portal's, anonymous) whose body ends with `await p.stop()`; p.call(fn) from
 * a worker thread checks the portal runs, then has the loop start_soon
 * `_call_func` in that group (asyncio: call_soon_threadsafe; Trio:
 * run_sync_soon, in a system step), which runs fn and resolves the future the
 * thread waits on.
 *
 * A call's task is the from_thread kind of task (thread.c: not a scenario task;
 * its log lines and draws are the calling thread's host's), joined to the
 * portal's group.  How the loop gets the call to it is each backend's
 * pol->thread_call, as for from_thread.run.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "portal.h"
#include "thread.h"
#include "util.h"

static cs__tg *cs__portal_tg(cs__engine *e, const cs_stmt *st)
{
    int32_t id = st->ref >= 0 ? e->portal_latest[st->ref] : -1;
    if (id < 0) {
        cs__fail_scenario(e, st->pos, "portal '%s' is used before it was created", st->text);
        return NULL;
    }
    return e->tgs[id];
}

/* The concurrent future a statement or thread step is about: start_task_soon's
 * and start_task's (count), future_result's and future_cancel's (ref), or a
 * portal_with's (count: the with's index; its future follows the named ones). */
static bool cs__own_future(const cs_stmt *s)
{
    return s->op == CS_OP_PORTAL_START_TASK_SOON || s->op == CS_OP_PORTAL_START_TASK || s->op == CS_OP_PORTAL_WITH;
}

static cs__pfuture *cs__pf_at(cs__engine *e, const cs_stmt *s)
{
    switch (s->op) {
    case CS_OP_PORTAL_START_TASK_SOON:
    case CS_OP_PORTAL_START_TASK: return &e->pfutures[s->count];
    case CS_OP_FUTURE_RESULT:
    case CS_OP_PORTAL_FUTURE_CANCEL: return &e->pfutures[s->ref];
    default: return &e->pfutures[e->prog->nfutures + (uint32_t)s->count];
    }
}

/* BlockingPortal.stop(): no await in it; it marks the portal stopped (calls
 * raise from now on) and, with cancel_remaining, cancels the portal's task
 * group: its calls' tasks and the body that runs inside the portal. */
static void cs__portal_stop(cs__engine *e, cs__tg *g, bool cancel_remaining)
{
    g->portal_stopped = true;
    cs__sbp_portal_stopped(e, g); /* a sync_main's run_portal wakes (sync_main.c) */
    if (cancel_remaining)
        cs__scope_cancel(e, g->scope, "the blocking portal is shutting down", CS_CAUSE_EXPLICIT);
}

/* The cm task of a portal_with: `value = await cm.__aenter__()` is over (the
 * thread's __enter__ returns), then `await self._exit_event.wait()`; after
 * it, the thread body's exception is thrown in (__aexit__(exc)). */
static int cs__exec_cm(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c)
{
    cs__pfuture *pf = cs__pf_at(e, st);
    switch (st->op) {
    case CS_OP_PORTAL_CM_WAIT:
        if (pf->status_waiter) {
            pf->status_done = true;
            cs__thread_release(e, pf->status_waiter);
            pf->status_waiter = NULL;
        }
        return e->pol->event_wait(e, t, pf->ev);
    case CS_OP_PORTAL_CM_THROW:
        if (pf->pending.type == CS__C_EXC)
            *c = cs__c_exc(cs_exc_ref(pf->pending.exc));
        return CS__CONT;
    default: e->pol->event_set(e, pf->ev); return CS__CONT;
    }
}

int cs__exec_portal(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c)
{
    if (st->op == CS_OP_PORTAL_SCOPE_CANCEL) { /* scope.cancel("the future was cancelled"), in the loop */
        cs__scope_cancel(e, e->scopes[st->ref], "the future was cancelled", CS_CAUSE_EXPLICIT);
        return CS__CONT;
    }
    if (st->op != CS_OP_BLOCKING_PORTAL && st->op != CS_OP_PORTAL_STOP)
        return cs__exec_cm(e, t, st, c);
    if (st->op == CS_OP_BLOCKING_PORTAL) {
        cs__push(e, t, CS__F_TG, st); /* the group; its body's end is stop() (cs__portal_tg_body_done) */
        return CS__CONT;
    }
    cs__tg *g = cs__portal_tg(e, st);
    if (!g)
        return CS__YIELD;
    cs__portal_stop(e, g, st->shield);
    return CS__CONT;
}

void cs__portal_tg_opened(cs__engine *e, const cs_stmt *st, const cs__tg *g)
{
    if (st->op == CS_OP_BLOCKING_PORTAL)
        e->portal_latest[st->ref] = g->id;
}

/* __aexit__: `await self.stop()` before the task group's own __aexit__. */
void cs__portal_tg_body_done(cs__engine *e, const cs_stmt *st, cs__tg *g)
{
    if (st->op == CS_OP_BLOCKING_PORTAL)
        cs__portal_stop(e, g, false);
}

/* start_task_soon(fn) (call(fn) is start_task_soon(fn).result(); the
 * portal_stop thread step is call(p.stop, cancel_remaining)):
 * _check_running() in the thread, then the spawn through the loop. */
void cs__portal_call(cs__engine *e, cs__thread *th, const cs_stmt *s)
{
    if (s->body.n == 1 && s->body.items[0].op == CS_OP_PORTAL_CM_SET)
        th->with = NULL; /* a portal_with's __exit__ has begun: what it raises ends the thread */
    cs__tg *g = cs__portal_tg(e, s);
    if (!g)
        return;
    if (g->portal_stopped) {
        cs_exc *x = cs__raise_new(e, th->host, CS_EXC_RUNTIME_ERROR, "This portal is not running");
        cs_exc_set_context(x, NULL);
        cs__emit_raise(e, th->host, x, s->pos);
        cs__thread_raise(e, th, x);
        return;
    }
    if (cs__own_future(s)) {
        cs__pfuture *pf = cs__pf_at(e, s);
        cs__completion_clear(&pf->res);
        cs__completion_clear(&pf->pending);
        cs__event *ev = pf->ev;
        int32_t gen = pf->gen + 1;
        *pf = (cs__pfuture){.state = CS__PF_PENDING, .gen = gen, .scope = -1, .ev = ev};
        if (s->op != CS_OP_PORTAL_START_TASK_SOON)
            pf->status_waiter = th; /* task_status_future.result(), or __enter__'s future */
        if (s->op == CS_OP_PORTAL_WITH) {
            if (!pf->ev) {
                pf->ev = cs_xcalloc(1, sizeof *pf->ev);
                pf->ev->label = cs_xasprintf("portal_with %s", s->name);
            }
            pf->ev->value = false;
            th->with = s;
        }
    }
    th->portal_g = g;
    th->portal_st = s;
    th->ft_token = true; /* the portal passes its token (Trio: the system nursery) */
    th->ft_sync = false; /* start_soon(_call_func) in the loop, whatever this thread called before */
    e->pol->thread_call(e, th);
}

bool cs__portal_spawn_refused(cs__engine *e, cs__thread *th)
{
    if (!th->portal_g)
        return false;
    cs_exc *x = e->pol->tg_refuses(e, th->portal_g);
    if (!x)
        return false;
    th->portal_g = NULL;
    th->with = NULL; /* run_sync raised in __enter__: no __exit__ */
    cs__pfuture *pf = cs__own_future(th->portal_st) ? cs__pf_at(e, th->portal_st) : NULL;
    if (pf) { /* the future no task will resolve */
        pf->status_waiter = NULL;
        pf->state = CS__PF_DONE;
    }
    cs_exc_set_context(x, NULL);
    cs__emit_raise(e, th->host, x, th->portal_st->pos);
    cs__thread_raise(e, th, x);
    return true;
}

/* str(name) for a `name` given as JSON: a string's text (one with escapes
 * keeps them: the name shows only in the trace), True/False, else the JSON
 * text (numbers as Python prints most). */
static char *cs__portal_name_str(const char *json)
{
    size_t n = strlen(json);
    if (n >= 2 && json[0] == '"' && !strchr(json, '\\'))
        return cs_xasprintf("%.*s", (int)(n - 2), json + 1);
    if (strcmp(json, "true") == 0 || strcmp(json, "false") == 0)
        return cs_xstrdup(json[0] == 't' ? "True" : "False");
    return cs_xstrdup(json);
}

/* start_soon(self._call_func, ..., name=name): AnyIO names the task
 * get_callable_name(_call_func, name), the same for every kind of call
 * (call, start_task_soon, start_task, stop, a wrapped manager's two calls);
 * instance names make it unique in the trace ("...#2"). */
cs__task *cs__portal_task_new(cs__engine *e, cs__thread *th)
{
    const cs_stmt *s = th->portal_st;
    bool named = (s->op == CS_OP_PORTAL_START_TASK_SOON || s->op == CS_OP_PORTAL_START_TASK) && s->value_json &&
                 strcmp(s->value_json, "null") != 0;
    char *base = named ? cs__portal_name_str(s->value_json) : NULL;
    cs__task *t =
        cs__task_alloc_listed(e, cs__instance_name(e, base ? base : "anyio.from_thread.BlockingPortal._call_func"));
    free(base);
    t->state = CS_TASK_UNFINISHED;
    cs__task *as = cs__rare(th->host)->log_as; /* a call from a thread a call's task started */
    cs__rare_mut(e, t)->log_as = as ? as : th->host;
    cs_event ev;
    cs__ev_init(e, &ev, CS_EV_PORTAL_TASK);
    ev.task = t->id;
    ev.name = t->name;
    ev.parent = th->host->id;
    ev.group = th->portal_g->scope->id;
    ev.count = th->id + 1;
    ev.pos = s->pos;
    cs__emit(e, &ev);
    return t;
}

const char *cs__portal_wait_label(const cs__engine *e, const cs__task *t)
{
    const char *label = NULL;
    for (uint32_t i = (uint32_t)t->id + 1; i < e->ntasks; i++) {
        const cs__task *c = e->tasks[i];
        if (c->run != CS__TS_DONE && cs__rare(c)->log_as == t)
            label = c->run == CS__TS_NEW ? "not started" : c->wait_label ? c->wait_label : "running";
    }
    return label;
}

/* The loop's start_soon(_call_func): t joins the portal's group (its frame
 * keeps which future it resolves); the thread of a start_task_soon goes on at
 * once (its run_sync returned). */
void cs__portal_task_joined(cs__engine *e, cs__thread *th, cs__task *t)
{
    cs__tg *g = th->portal_g;
    if (cs__own_future(th->portal_st))
        t->frames[0].obj = cs__pf_at(e, th->portal_st)->gen;
    cs__task_set_tg(e, t, g);
    t->cancel_scope = g->scope;
    cs__scope_tasks_add(g->scope, t);
    g->ntasks++;
    th->portal_g = NULL; /* the task has its call; a later from_thread of this thread is no portal call */
    if (th->portal_st->op == CS_OP_PORTAL_START_TASK_SOON)
        cs__thread_release(e, th);
}

/* A future's end reaches the threads waiting in its result() (notify_all:
 * in the order they began to wait, each at the same instant; each raises
 * CancelledError of its own, or the same exception object). */
static void cs__pf_wake(cs__engine *e, cs__pfuture *pf)
{
    uint8_t n = pf->nwaiters;
    cs__thread *v[CS__PF_MAX_WAITERS];
    memcpy(v, pf->waiters, n * sizeof *v);
    pf->nwaiters = 0;
    for (uint8_t i = 0; i < n && !e->aborted; i++) {
        cs__thread *th = v[i];
        if (pf->state == CS__PF_CANCELLED) {
            cs_exc *x = cs__raise_new(e, th->host, CS_EXC_FUTURE_CANCELLED, NULL);
            cs_exc_set_context(x, NULL);
            cs__emit_raise(e, th->host, x, th->st->body.items[th->idx - 1].pos);
            cs__thread_raise(e, th, x);
            continue;
        }
        cs__ft_resume(e, th, &pf->res);
    }
}

static bool cs__pf_add_waiter(cs__engine *e, cs__pfuture *pf, cs__thread *th, const cs_stmt *s)
{
    if (pf->nwaiters == CS__PF_MAX_WAITERS) {
        cs__fail_scenario(e, s->pos, "more than %d threads waiting on future '%s' at once is not modelled",
                          CS__PF_MAX_WAITERS, s->text);
        return false;
    }
    pf->waiters[pf->nwaiters++] = th;
    return true;
}

/* start_task's task_done callback: the task ended without started(); the
 * thread's start_task raises CancelledError, the task's exception, or
 * RuntimeError. */
static void cs__pf_status_failed(cs__engine *e, cs__pfuture *pf)
{
    cs__thread *th = pf->status_waiter;
    pf->status_waiter = NULL;
    pf->status_done = true;
    th->with = NULL; /* a portal_with whose __aenter__ failed has no __exit__ */
    if (pf->state == CS__PF_DONE && pf->res.type == CS__C_EXC) {
        cs__ft_resume(e, th, &pf->res);
        return;
    }
    cs_exc *x = pf->state == CS__PF_CANCELLED ? cs__raise_new(e, th->host, CS_EXC_FUTURE_CANCELLED, NULL)
                                              : cs__raise_new(e, th->host, CS_EXC_RUNTIME_ERROR,
                                                              "Task exited without calling task_status.started()");
    cs_exc_set_context(x, NULL);
    cs__emit_raise(e, th->host, x, th->st->body.items[th->idx - 1].pos);
    cs__thread_raise(e, th, x);
}

bool cs__portal_started(cs__engine *e, cs__task *t, const cs_stmt *st)
{
    if (!cs__rare(t)->ft_thread || !t->nframes || t->frames[0].kind != CS__F_FT_TASK || !t->frames[0].st ||
        t->frames[0].st->op != CS_OP_PORTAL_START_TASK)
        return false;
    cs__pfuture *pf = &e->pfutures[t->frames[0].st->count];
    if (pf->status_done) {
        cs__fail_scenario(e, st->pos, "a second task_status.started() in a portal's start_task is not modelled");
        return true;
    }
    pf->status_done = true; /* _BlockingPortalTaskStatus.started(): the future's result */
    cs__thread *th = pf->status_waiter;
    pf->status_waiter = NULL;
    if (th) {
        cs__completion v = {.type = CS__C_NORMAL, .value_json = st->value_json}; /* `as`: the started value */
        cs__thread_bind_result(e, th, &v);
        cs__thread_release(e, th);
    }
    return true;
}

/* _call_func's except clauses: the cancellation becomes future.cancel() and
 * the task ends normally; an Exception goes to the future only; any other
 * BaseException goes to both.  Returns what the task group sees. */
static cs__completion cs__portal_task_done(cs__engine *e, cs__thread *th, const cs_stmt *call, int32_t gen,
                                           cs__completion c)
{
    cs__pfuture one = {.state = CS__PF_PENDING, .waiters = {th}, .nwaiters = 1}; /* call(): the thread waits on it */
    cs__pfuture *pf = cs__own_future(call) ? cs__pf_at(e, call) : &one;
    if (pf != &one && pf->gen != gen) /* a future no name holds any more: nobody can read it */
        pf = &one, one.nwaiters = 0;
    cs__completion group = {.type = CS__C_NORMAL};
    if (c.type == CS__C_EXC && !cs_exc_class_is(e->prog, c.exc->cls, CS_EXC_EXCEPTION) &&
        c.exc->cls != CS_EXC_CANCELLED)
        group = cs__c_exc(cs_exc_ref(c.exc));
    if (pf->state == CS__PF_PENDING) {
        pf->state = c.type == CS__C_EXC && c.exc->cls == CS_EXC_CANCELLED ? CS__PF_CANCELLED : CS__PF_DONE;
        if (pf->state == CS__PF_DONE) {
            pf->res = c.type == CS__C_EXC ? c : (cs__completion){.type = CS__C_NORMAL, .value_json = c.value_json};
            c.type = CS__C_NORMAL;
            c.exc = NULL;
        }
        cs__pf_wake(e, pf);
    }
    if (pf->status_waiter)
        cs__pf_status_failed(e, pf);
    if (pf == &one)
        cs__completion_clear(&one.res);
    cs__completion_clear(&c);
    return group;
}

/* The call's task: `with CancelScope() as scope:` around fn (future.cancel()
 * from a thread cancels that scope), then the future's outcome. */
int cs__step_portal_task(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    cs__thread *th = cs__rare(t)->ft_thread;
    if (f->phase == 0) {
        if (c->type == CS__C_EXC) /* cancelled before it ran: the future stays pending */
            return cs__pop_with(t, c, *c);
        f->phase = 1;
        cs__scope *s = cs__scope_new(e, NULL, CS_KIND_INTERNAL, INFINITY, false);
        f->scope = s->id;
        cs__scope_enter(e, s, t);
        if (cs__own_future(f->st) && cs__pf_at(e, f->st)->gen == f->obj) {
            cs__pfuture *pf = cs__pf_at(e, f->st);
            pf->scope = s->id;
            if (pf->state == CS__PF_CANCELLED) /* the done-callback runs at once, in the loop */
                cs__scope_cancel(e, s, "the future was cancelled", CS_CAUSE_EXPLICIT);
        }
        if (f->st->op == CS_OP_PORTAL_STOP) /* p.call(p.stop, ...): stop() awaits nothing */
            cs__portal_stop(e, t->tg, f->st->shield);
        else if (f->st->op == CS_OP_PORTAL_WITH) /* run_async_cm: async with GEN() as value: wait */
            cs__push_body(e, t, f->st->else_body);
        else
            cs__push_body(e, t, f->st->body);
        return CS__CONT;
    }
    cs__completion r = cs__scope_exit(e, e->scopes[f->scope], *c);
    c->type = CS__C_NORMAL;
    c->exc = NULL;
    if (r.type == CS__C_RETURN)
        r.type = CS__C_NORMAL; /* a value stays in the shared slot (portal.c reads it) */
    if (cs__own_future(f->st) && cs__pf_at(e, f->st)->gen == f->obj)
        cs__pf_at(e, f->st)->scope = -1;
    cs__completion out = cs__portal_task_done(e, th, f->st, f->obj, r);
    cs__pop(t);
    *c = out;
    return CS__CONT;
}

static cs__pfuture *cs__pf_of(cs__engine *e, const cs_stmt *s)
{
    cs__pfuture *pf = cs__pf_at(e, s);
    if (pf->state == CS__PF_NONE) {
        cs__fail_scenario(e, s->pos, "future '%s' is used before it was created", s->text);
        return NULL;
    }
    return pf;
}

bool cs__portal_future_result(cs__engine *e, cs__thread *th, const cs_stmt *s)
{
    cs__pfuture *pf = cs__pf_of(e, s);
    if (!pf)
        return true;
    if (pf->state == CS__PF_PENDING) {
        cs__pf_add_waiter(e, pf, th, s); /* woken by the task's end or a cancel() */
        return true;
    }
    if (pf->state == CS__PF_CANCELLED || pf->res.type == CS__C_EXC) {
        cs__pfuture alone = *pf; /* this thread only: others may wait on it later too */
        alone.nwaiters = 1;
        alone.waiters[0] = th;
        cs__pf_wake(e, &alone);
        return true;
    }
    cs__thread_bind(e, th, s, pf->res.value_json); /* `as`: what the task returned */
    return false;
}

/* concurrent.futures.Future.cancel(): a pending future is cancelled at once
 * and its waiters wake (CancelledError), then its done-callbacks run in the
 * cancelling thread: a running task's (_call_func's `callback`) calls
 * run_sync(scope.cancel, token=portal token), so the thread waits while the
 * loop runs scope.cancel() when it gets to it (asyncio: a
 * call_soon_threadsafe callback; Trio: the run_sync_soon pass), after what
 * is already due: the task may run on before its cancellation lands.  A task
 * not started yet has no callback: it enters its scope cancelled. */
bool cs__portal_future_cancel(cs__engine *e, cs__thread *th, const cs_stmt *s)
{
    cs__pfuture *pf = cs__pf_of(e, s);
    if (pf && s->flow &&
        s->flow->nargs == 2) /* `as`: False once done, else True (pending: the task may run; cancelled) */
        cs__thread_bind(e, th, s, s->flow->args[pf->state == CS__PF_DONE ? 1 : 0].lit->json);
    if (!pf || pf->state != CS__PF_PENDING)
        return false;
    pf->state = CS__PF_CANCELLED;
    cs__pf_wake(e, pf);
    if (pf->scope < 0 || e->after_run || e->calls_refused)
        return false;
    pf->cancel_stmt = (cs_stmt){.op = CS_OP_PORTAL_SCOPE_CANCEL, .pos = s->pos, .ref = pf->scope, .decl = -1};
    pf->cancel_body = (cs_body){.items = &pf->cancel_stmt, .n = 1};
    th->ft_body = &pf->cancel_body;
    th->ft_sync = true;  /* run_sync: a plain function */
    th->ft_token = true; /* the portal's token (Trio: run_sync_soon) */
    e->pol->thread_call(e, th);
    return true;
}

/* __exit__(exc): the thread's body ended with th->result; the thread goes on
 * at the with's exit steps (call(event.set), then the future's result()),
 * and the generator gets the exception thrown in. */
bool cs__portal_with_unwind(cs__engine *e, cs__thread *th)
{
    const cs_stmt *w = th->with;
    th->with = NULL;
    if (th->result.type != CS__C_EXC)
        return false;
    cs__pfuture *pf = cs__pf_at(e, w);
    cs__completion_clear(&pf->pending);
    pf->pending = th->result;
    th->result = (cs__completion){.type = CS__C_NORMAL};
    th->idx = (uint32_t)w->decl;
    if (th->running)
        th->rerun = true;
    else
        cs__thread_release(e, th);
    return true;
}

void cs__pfutures_init(cs__engine *e)
{
    e->pfutures = cs_xcalloc(e->prog->nfutures + e->prog->nwiths + 1, sizeof *e->pfutures);
}

void cs__pfutures_free(cs__engine *e)
{
    for (uint32_t i = 0; i < e->prog->nfutures + e->prog->nwiths; i++) {
        cs__pfuture *pf = &e->pfutures[i];
        cs__completion_clear(&pf->res);
        cs__completion_clear(&pf->pending);
        if (pf->ev) {
            e->pol->event_free(e, pf->ev);
            free(pf->ev->waiters);
            free(pf->ev->label);
            free(pf->ev);
        }
    }
    free(e->pfutures);
}
