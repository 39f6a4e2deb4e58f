/* thread.c - `to_thread.run_sync` with worker threads in virtual time.
 *
 * A worker thread runs its steps in lock-step with the loop: released (when it
 * starts, or when its `block` ends), it runs at that virtual instant until its
 * next block or its end, before the loop goes on.  `block` takes virtual time
 * without blocking the loop (`busy` does block it; threads keep running).
 *
 * asyncio (AnyIO's run_sync_in_worker_thread): checkpoint(), `async with
 * limiter`, then a CancelScope shielded unless abandon_on_cancel, and an await
 * on a future that the thread completes through call_soon_threadsafe.  Not
 * abandoning, a cancellation waits for the thread and its result is returned;
 * abandoning, the future is cancelled, the token returned at once and the
 * result dropped.
 * Trio (trio.to_thread.run_sync): checkpoint_if_cancelled(), the limiter
 * acquired for a placeholder, then a park whose abort fails (the thread is
 * awaited) or succeeds (abandoned).  The thread's end reaches the loop through
 * run_sync_soon: a system step in a later batch releases the token and
 * reschedules the host, unless it was abandoned.
 */
#include <stdlib.h>
#include <string.h>

#include "interp.h"
#include "policy.h"
#include "trio.h"
#include "util.h"

struct cs__thread {
    cs__task *host;
    const cs_stmt *st;       /* the to_thread statement: its steps and options */
    uint32_t idx;            /* next step */
    int64_t wake;            /* blocked until (ns) */
    uint64_t seq;            /* when its current block began (registration order) */
    bool blocked, done, abandoned;
    cs__completion result;   /* how the thread function ended */
    cs__fut *fut;            /* asyncio: the future run_sync awaits (ref) */
    cs__scope *worker_scope; /* asyncio: where check_cancelled() looks */
    cs_exc *cancel_exc;      /* Trio: the cancellation delivered to the host, if any */
    cs__prim *limiter;
    cs__thread *next_report; /* Trio: queued for the run_sync_soon step */
    uint8_t report_kind;     /* what that step does for it (RQ_*) */
    const cs_body *ft_body;  /* the from_thread body it waits on */
    bool run_request;        /* Trio: the host was woken to run ft_body */
    bool reported;           /* Trio: the host was woken with the result */
    cs__task *ft_task;       /* the from_thread body's own task, if any */
    cs__completion ft_result;/* Trio host: how the body ended, for the thread */
    int32_t inject;          /* thread-fail: the plan's fault index, or -1 */
    uint32_t id;             /* its index in e->threads: the trace's thread number - 1 */
    bool run_finished;       /* Trio: its from_thread call is answered with RunFinishedError */
};

/* RQ_INIT: not a thread's: trio's finalize_remaining() rescheduling init */
enum { RQ_REPORT, RQ_RUN_HOST, RQ_RUN_SYSTEM, RQ_INIT };

static void cs__thread_run(cs__engine *e, cs__thread *th);
static void cs__thread_finished(cs__engine *e, cs__thread *th);
static void cs__thread_release(cs__engine *e, cs__thread *th);

enum { TH_BEGIN, TH_LIMITER, TH_STARTED };

static cs__thread *cs__thread_new(cs__engine *e, cs__task *host, const cs_stmt *st)
{
    cs__thread *th = cs_xcalloc(1, sizeof *th);
    th->host = host;
    th->st = st;
    th->seq = e->seq++;
    th->inject = cs__inject_thread_fault(e, host);
    th->id = e->nthreads;
    if (e->nthreads == e->capthreads) {
        e->capthreads = e->capthreads ? e->capthreads * 2 : 8;
        e->threads = cs_xrealloc(e->threads, e->capthreads * sizeof *e->threads);
    }
    e->threads[e->nthreads++] = th;
    return th;
}

/* check_cancelled(): asyncio walks the scopes from the worker's; Trio raises
 * the cancellation once one was delivered to the host. */
static cs_exc *cs__check_cancelled(cs__engine *e, cs__thread *th)
{
    if (e->backend == CS_BACKEND_TRIO)
        return th->cancel_exc ? cs_exc_ref(th->cancel_exc) : NULL;
    for (cs__scope *s = th->worker_scope; s; s = s->parent) {
        if (s->cancel_called) {
            cs_exc *x = cs__new_exc(e, CS_EXC_CANCELLED, "Cancelled via cancel scope");
            x->anyio_cancel = true;
            x->origin_scope = s->id;
            return x;
        }
        if (s->shield)
            break;
    }
    return NULL;
}

/* trio_token.run_sync_soon(...): the system step runs these in order. */
static void cs__trio_queue(cs__engine *e, cs__thread *th, uint8_t kind)
{
    th->report_kind = kind;
    th->next_report = NULL;
    cs__thread **tail = &e->reports;
    while (*tail)
        tail = &(*tail)->next_report;
    *tail = th;
}

/* The thread's from_thread call returned (or raised): it runs on. */
static void cs__ft_resume(cs__engine *e, cs__thread *th, const cs__completion *r)
{
    if (r->type == CS__C_EXC) {
        th->result = cs__c_exc(cs_exc_ref(r->exc));
        cs__thread_finished(e, th);
    } else {
        cs__thread_release(e, th);
    }
}

/* A from_thread body's own task: asyncio's run_coroutine_threadsafe task (in
 * the worker's cancel scope), or a task of Trio's system nursery. */
static cs__task *cs__ft_task_new(cs__engine *e, cs__thread *th)
{
    cs__task *t = cs__arena_calloc(&e->arena, sizeof *t); /* freed with the run */
    t->id = th->host->id;
    t->name = th->host->name; /* in the arena, as long as it */
    t->state = CS_TASK_UNFINISHED;
    cs__rare_mut(t)->draw_owner = th->host;
    cs__rare_mut(t)->ft_thread = th;
    cs__push(e, t, CS__F_FT_TASK, NULL);
    if (e->nft == e->capft) {
        e->capft = e->capft ? e->capft * 2 : 4;
        e->ft_tasks = cs_xrealloc(e->ft_tasks, e->capft * sizeof *e->ft_tasks);
    }
    e->ft_tasks[e->nft++] = t;
    th->ft_task = t;
    return t;
}

void cs__ft_start(cs__engine *e, cs__thread *th)
{
    cs__task *t = cs__ft_task_new(e, th);
    cs__call_soon(e, CS__CB_TASK_STEP, t, NULL);
}

void cs__ft_done(cs__engine *e, cs__thread *th)
{
    cs__ft_resume(e, th, &th->ft_task->result);
}

void cs__trio_ft_task_exited(cs__engine *e, cs__task *t)
{
    t->run = CS__TS_DONE;
    if (t->member_of)
        cs__scope_tasks_remove(t->member_of, t);
    t->cancel_scope = NULL;
    cs__ft_resume(e, cs__rare(t)->ft_thread, &t->result);
    cs__trio_system_task_done(e);
}

uint32_t cs__trio_system_live(const cs__engine *e)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < e->nft; i++)
        n += e->ft_tasks[i]->run != CS__TS_DONE;
    return n;
}

void cs__trio_queue_init(cs__engine *e)
{
    cs__thread *marker = cs__arena_calloc(&e->arena, sizeof *marker); /* freed with the run */
    cs__trio_queue(e, marker, RQ_INIT);
}

/* The system nursery's cancel scope, cancelled at shutdown: the from_thread
 * bodies still running get Cancelled ("shutdown") at their next checkpoint.
 * Made only then (no scope id is taken in a run that never needs it); each
 * body's outermost scope, or the task itself, is put under it. */
void cs__trio_cancel_system(cs__engine *e)
{
    cs__scope *sysn = cs__scope_new(e, NULL, CS_KIND_INTERNAL, INFINITY, false);
    sysn->active = true;
    for (uint32_t i = 0; i < e->nft; i++) {
        cs__task *t = e->ft_tasks[i];
        if (t->run == CS__TS_DONE)
            continue;
        if (!t->cancel_scope) {
            t->cancel_scope = sysn;
            cs__scope_tasks_add(sysn, t);
            continue;
        }
        cs__scope *root = t->cancel_scope;
        for (uint32_t guard = 0; root->parent && guard < e->nscopes; guard++)
            root = root->parent;
        if (root != sysn)
            cs__trio_reparent(e, root, sysn);
    }
    cs__trio_cancel(e, sysn, CS__SRC_SHUTDOWN, "main task done, shutting down system tasks", CS_CAUSE_EXPLICIT);
}

int cs__step_ft_task(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    cs__thread *th = cs__rare(t)->ft_thread;
    if (f->phase == 0 && c->type == CS__C_EXC) {
        /* cancelled before its first step (asyncio: Runner.close cancels
         * what is left): the coroutine never runs, the thread gets the error */
        return cs__pop_with(t, c, *c);
    }
    if (f->phase == 0) {
        f->phase = 1;
        if (e->backend != CS_BACKEND_TRIO && th->worker_scope) {
            /* task_wrapper: TaskState(None, scope); scope._tasks.add(task) */
            t->cancel_scope = th->worker_scope;
            cs__scope_tasks_add(th->worker_scope, t);
        }
        cs__push_body(e, t, *th->ft_body);
        return CS__CONT;
    }
    cs__completion out = *c;
    if (out.type == CS__C_RETURN)
        out.type = CS__C_NORMAL;
    cs__pop(t);
    *c = out;
    return CS__CONT;
}

/* Trio's Run.run() in the waiting host: a schedule point, the body with its
 * outcome captured, another schedule point, then the thread gets the outcome. */
int cs__step_ft_host(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c, cs__fut **yf)
{
    cs__thread *th = e->threads[f->obj]; /* not the task's rare thread: the body may call to_thread itself */
    switch (f->phase) {
    case 0:
        f->phase = 1;
        *yf = NULL;
        return CS__YIELD;
    case 1:
        f->phase = 2;
        cs__push_body(e, t, *th->ft_body);
        return CS__CONT;
    case 2:
        cs__completion_clear(&th->ft_result);
        th->ft_result = *c;
        if (th->ft_result.type == CS__C_RETURN)
            th->ft_result.type = CS__C_NORMAL;
        c->type = CS__C_NORMAL;
        c->exc = NULL;
        f->phase = 3;
        *yf = NULL;
        return CS__YIELD;
    default: {
        cs__completion r = th->ft_result;
        th->ft_result.type = CS__C_NORMAL;
        th->ft_result.exc = NULL;
        cs__ft_resume(e, th, &r);
        cs__completion_clear(&r);
        cs__pop(t);
        c->type = CS__C_NORMAL;
        return CS__CONT;
    }
    }
}

static void cs__thread_finished(cs__engine *e, cs__thread *th)
{
    th->done = true;
    cs_event ev;
    cs__ev_init(e, &ev, CS_EV_THREAD_END);
    ev.task = th->host->id;
    ev.count = th->id + 1;
    ev.exc = th->result.type == CS__C_EXC ? th->result.exc : NULL;
    cs__emit(e, &ev);
    if (e->after_run || e->entry_done) {
        /* asyncio: the worker finds the loop closed and reports nothing;
         * Trio: run_sync_soon raises RunFinishedError, which the delivery
         * suppresses.  The outcome is dropped either way. */
        return;
    }
    if (e->backend == CS_BACKEND_TRIO) {
        /* deliver_worker_fn_result -> trio_token.run_sync_soon(report_back) */
        cs__trio_queue(e, th, RQ_REPORT);
    } else {
        cs__call_soon(e, CS__CB_THREAD_REPORT, th, NULL);
    }
}

/* from_thread.run() once the loop is gone: AnyIO raises RunFinishedError in
 * the thread (asyncio: run_async_from_thread finds the loop closed; Trio:
 * run_sync_soon finds the run finished, and AnyIO turns trio's error into
 * its own), and the thread function raises it. */
static void cs__ft_run_finished(cs__engine *e, cs__thread *th, cs_pos pos)
{
    cs_exc *x = cs__raise_new(e, th->host, CS_EXC_RUN_FINISHED_ERROR,
                              "The event loop associated with the given token has already finished");
    cs_exc_set_context(x, NULL);
    cs__emit_raise(e, th->host, x, pos);
    th->result = cs__c_exc(x);
    cs__thread_finished(e, th);
}

/* thread-fail: the thread function raises where it would return.  Returns
 * true when it did (the thread is finished). */
static bool cs__thread_inject(cs__engine *e, cs__thread *th, cs_pos pos)
{
    if (th->inject < 0)
        return false;
    const cs_fault *fl = &e->opt.faults[th->inject];
    th->inject = -1;
    cs__emit_inject(e, cs__rare(th->host)->draw_owner ? cs__rare(th->host)->draw_owner : th->host, fl, -1, pos);
    cs_exc *x = cs__raise_new(e, th->host, fl->cls, "injected");
    cs_exc_set_context(x, NULL);
    cs__emit_raise(e, th->host, x, pos);
    th->result = cs__c_exc(x);
    cs__thread_finished(e, th);
    return true;
}

/* Runs the thread from where it stands to its next block or its end. */
static void cs__thread_run(cs__engine *e, cs__thread *th)
{
    th->blocked = false;
    const cs_body *steps = &th->st->body;
    if (th->run_finished) { /* its from_thread call (the step before idx) failed */
        th->run_finished = false;
        cs__ft_run_finished(e, th, steps->items[th->idx - 1].pos);
        return;
    }
    while (th->idx < steps->n && !e->aborted) {
        const cs_stmt *s = &steps->items[th->idx++];
        switch (s->op) {
        case CS_OP_LOG: {
            cs_event ev;
            cs__ev_init(e, &ev, CS_EV_LOG);
            ev.task = th->host->id;
            ev.msg = s->text;
            cs__emit(e, &ev);
            break;
        }
        case CS_OP_BLOCK: {
            double d = cs__dur(th->host, &s->dur);
            if (!(d > 0))
                break;
            int64_t ns = cs__s_to_ns(d);
            th->wake = ns > CS_NS_INF - e->now ? CS_NS_INF - 1 : e->now + ns;
            th->blocked = true;
            /* equal wake times release in the order the blocks began */
            th->seq = e->seq++;
            return;
        }
        case CS_OP_RAISE: {
            cs_exc *x = cs__raise_new(e, th->host, s->ref, s->text);
            cs_exc_set_context(x, NULL);
            cs__emit_raise(e, th->host, x, s->pos);
            th->result = cs__c_exc(x);
            cs__thread_finished(e, th);
            return;
        }
        case CS_OP_RETURN:
            if (cs__thread_inject(e, th, s->pos))
                return;
            th->result.type = CS__C_RETURN;
            th->result.value_json = s->value_json;
            cs__thread_finished(e, th);
            return;
        case CS_OP_CHECK_CANCELLED: {
            cs_exc *x = cs__check_cancelled(e, th);
            if (x) {
                th->result = cs__c_exc(x);
                cs__thread_finished(e, th);
                return;
            }
            break;
        }
        default: /* from_thread: the thread blocks until the body ran in the loop */
            if (e->after_run || e->entry_done) {
                cs__ft_run_finished(e, th, s->pos);
                return;
            }
            th->ft_body = &s->body;
            if (e->backend != CS_BACKEND_TRIO)
                cs__call_soon(e, CS__CB_FT_START, th, NULL);
            else
                cs__trio_queue(e, th, th->st->abandon ? RQ_RUN_SYSTEM : RQ_RUN_HOST);
            return;
        }
    }
    if (!th->done && !e->aborted && !cs__thread_inject(e, th, th->st->pos))
        cs__thread_finished(e, th);
}

int64_t cs__threads_next_wake(const cs__engine *e)
{
    int64_t best = CS_NS_INF;
    for (uint32_t i = 0; i < e->nthreads; i++) {
        const cs__thread *th = e->threads[i];
        if (th->blocked && th->wake < best)
            best = th->wake;
    }
    return best;
}

/* Releases, one at a time in (wake, block start) order, every thread whose block has
 * ended by now. */
void cs__threads_release_due(cs__engine *e)
{
    for (;;) {
        cs__thread *pick = NULL;
        for (uint32_t i = 0; i < e->nthreads; i++) {
            cs__thread *th = e->threads[i];
            if (th->blocked && th->wake <= e->now &&
                (!pick || th->wake < pick->wake || (th->wake == pick->wake && th->seq < pick->seq)))
                pick = th;
        }
        if (!pick || e->aborted)
            return;
        cs__thread_run(e, pick);
    }
}

void cs__threads_after_run(cs__engine *e)
{
    e->after_run = true;
    /* each pass runs one thread to its next block or its end: at most one
     * pass per step of every thread */
    uint64_t passes = e->nthreads;
    for (uint32_t i = 0; i < e->nthreads; i++)
        passes += e->threads[i]->st->body.n;
    for (uint64_t pass = 0; pass < passes; pass++) {
        cs__thread *pick = NULL;
        for (uint32_t i = 0; i < e->nthreads; i++) {
            cs__thread *th = e->threads[i];
            if (th->blocked && (!pick || th->wake < pick->wake || (th->wake == pick->wake && th->seq < pick->seq)))
                pick = th;
        }
        if (!pick || (double)pick->wake > e->opt.time_limit * 1e9)
            return; /* the clock stops at --time-limit here too: the thread never ends in the trace */
        if (pick->wake > e->now)
            e->now = pick->wake;
        cs__thread_run(e, pick);
    }
}

/* asyncio: WorkerThread._report_result, run by the loop. */
void cs__thread_report(cs__engine *e, cs__thread *th)
{
    cs__fut *f = th->fut;
    if (!f || f->state == CS__FUT_CANCELLED)
        return;
    if (th->result.type == CS__C_EXC)
        cs__fut_set_exception(e, f, th->result.exc);
    else
        cs__fut_set_result(e, f);
}

/* Trio: the run_sync_soon system step: report_back_in_trio_thread_fn for each
 * finished thread, in order. */
void cs__trio_thread_reports(cs__engine *e)
{
    while (e->reports) {
        cs__thread *th = e->reports;
        e->reports = th->next_report;
        switch (th->report_kind) {
        case RQ_REPORT:
            cs__prim_release(e, th->limiter, NULL); /* the placeholder's token */
            if (!th->abandoned) {
                th->reported = true;
                cs__trio_reschedule(e, th->host, NULL);
            }
            break;
        case RQ_RUN_HOST: /* reschedule the host with the Run message */
            th->run_request = true;
            cs__trio_reschedule(e, th->host, NULL);
            break;
        case RQ_INIT:
            cs__trio_reschedule(e, e->init_task, NULL);
            break;
        default: /* spawn_system_task(run_system) */
            if (e->sysn_closed) { /* "system nursery is closed": RunFinishedError for the thread */
                th->run_finished = true;
                cs__thread_release(e, th);
                break;
            }
            cs__trio_reschedule(e, cs__ft_task_new(e, th), NULL);
            break;
        }
    }
}

/* A thread released during a task step (started, or handed a from_thread
 * result) runs once that step is over: the loop syncs with its threads between
 * steps (asyncio: before each handle; Trio: after each task step). */
static void cs__thread_release(cs__engine *e, cs__thread *th)
{
    if (e->nreleased == e->capreleased) {
        e->capreleased = e->capreleased ? e->capreleased * 2 : 8;
        e->released = cs_xrealloc(e->released, e->capreleased * sizeof *e->released);
    }
    e->released[e->nreleased++] = th;
}

void cs__threads_flush(cs__engine *e)
{
    for (uint32_t i = 0; i < e->nreleased && !e->aborted; i++)
        cs__thread_run(e, e->released[i]);
    e->nreleased = 0;
}

static void cs__thread_start(cs__engine *e, cs__task *t, cs__thread *th, cs_pos pos)
{
    cs_event ev;
    cs__ev_init(e, &ev, CS_EV_THREAD_START);
    ev.task = t->id;
    ev.pos = pos;
    ev.count = th->id + 1;
    cs__emit(e, &ev);
    cs__thread_release(e, th);
}

/* The thread's outcome as run_sync gives it: its exception, or normal. */
static cs__completion cs__thread_outcome(cs__thread *th)
{
    if (th->result.type == CS__C_EXC)
        return cs__c_exc(cs_exc_ref(th->result.exc));
    return (cs__completion){.type = CS__C_NORMAL};
}

static int cs__aio_to_thread(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c, cs__fut **yf)
{
    const cs_stmt *st = f->st;
    switch (f->phase) {
    case TH_BEGIN:
        f->phase = TH_LIMITER;
        return cs__aio_sleep(e, t, 0, "to_thread", yf); /* await checkpoint() */
    case TH_LIMITER:
        if (c->type != CS__C_NORMAL)
            return cs__pop_with(t, c, *c);
        f->phase = TH_STARTED;
        cs__push(e, t, CS__F_SYNC, st)->idx = 1; /* async with limiter: acquire */
        return CS__CONT;
    case TH_STARTED: {
        if (f->scope < 0) {
            if (c->type != CS__C_NORMAL)
                return cs__pop_with(t, c, *c);
            cs__scope *s = cs__scope_new(e, NULL, CS_KIND_INTERNAL, INFINITY, !st->abandon);
            f->scope = s->id;
            cs__scope_enter(e, s, t);
            cs__thread *th = cs__thread_new(e, t, st);
            th->limiter = cs__prim_of(e, st);
            th->worker_scope = st->abandon || !s->parent ? s : s->parent;
            cs__fut *fut = cs__fut_new(e);
            th->fut = cs__fut_ref(fut);
            f->obj = (int32_t)(e->nthreads - 1);
            t->wait_label = "to_thread";
            cs__thread_start(e, t, th, st->pos);
            *yf = fut;
            return CS__YIELD;
        }
        cs__completion r = cs__scope_exit(e, e->scopes[f->scope], *c);
        c->type = CS__C_NORMAL;
        c->exc = NULL;
        cs__prim_release(e, cs__prim_of(e, st), t); /* the limiter's __aexit__ */
        if (r.type == CS__C_RETURN)
            r.type = CS__C_NORMAL;
        if (r.type == CS__C_EXC && e->threads[f->obj]->result.type != CS__C_EXC && r.exc->cls == CS_EXC_CANCELLED) {
            cs_event ev; /* run_sync gave up on the thread */
            cs__ev_init(e, &ev, CS_EV_THREAD_ABANDONED);
            ev.task = t->id;
            ev.pos = st->pos;
            ev.count = (uint32_t)f->obj + 1;
            cs__emit(e, &ev);
        }
        return cs__pop_with(t, c, r);
    }
    }
    return CS__CONT;
}

static int cs__trio_to_thread(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c, cs__fut **yf)
{
    const cs_stmt *st = f->st;
    switch (f->phase) {
    case TH_BEGIN:
        f->phase = TH_LIMITER;
        return e->pol->checkpoint_if_cancelled(e, t, st, yf);
    case TH_LIMITER:
        if (c->type != CS__C_NORMAL)
            return cs__pop_with(t, c, *c);
        f->phase = TH_STARTED;
        cs__push(e, t, CS__F_SYNC, st)->idx = 1; /* limiter.acquire_on_behalf_of(placeholder) */
        return CS__CONT;
    default: {
        if (f->obj < 0) {
            if (c->type != CS__C_NORMAL)
                return cs__pop_with(t, c, *c);
            cs__thread *th = cs__thread_new(e, t, st);
            th->limiter = cs__prim_of(e, st);
            f->obj = (int32_t)(e->nthreads - 1);
            cs__rare_mut(t)->thread = th;
            t->wait_label = "to_thread";
            cs__thread_start(e, t, th, st->pos);
            cs__rare_mut(t)->thread = th;
            t->parking = true;
            t->thread_wait = true;
            t->abort_kind = st->abandon ? CS__ABORT_SUCCEEDED : CS__ABORT_FAILED;
            *yf = NULL;
            return CS__YIELD;
        }
        cs__thread *th = e->threads[f->obj];
        if (c->type == CS__C_NORMAL && th->run_request) { /* from_thread.run in the host */
            th->run_request = false;
            cs__push(e, t, CS__F_FT_HOST, st)->obj = f->obj;
            return CS__CONT;
        }
        if (c->type == CS__C_NORMAL && !th->reported) { /* back to waiting for the thread */
            t->wait_label = "to_thread";
            t->parking = true;
            t->thread_wait = true;
            t->abort_kind = st->abandon ? CS__ABORT_SUCCEEDED : CS__ABORT_FAILED;
            *yf = NULL;
            return CS__YIELD;
        }
        CS__RARE_CLEAR(t, thread);
        if (c->type != CS__C_NORMAL) { /* abandoned: the cancellation */
            cs_event ev;
            cs__ev_init(e, &ev, CS_EV_THREAD_ABANDONED);
            ev.task = t->id;
            ev.pos = st->pos;
            ev.count = th->id + 1;
            cs__emit(e, &ev);
            return cs__pop_with(t, c, *c);
        }
        return cs__pop_with(t, c, cs__thread_outcome(th));
    }
    }
}

int cs__step_to_thread(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c, cs__fut **yf)
{
    return e->backend == CS_BACKEND_TRIO ? cs__trio_to_thread(e, t, f, c, yf) : cs__aio_to_thread(e, t, f, c, yf);
}

/* A cancellation delivered to a Trio host parked in to_thread: the abort
 * records it for check_cancelled(), and abandons the thread if it may. */
void cs__trio_thread_cancelled(cs__engine *e, cs__task *t, bool abandoned)
{
    cs__thread *th = cs__rare(t)->thread;
    if (!th->cancel_exc)
        th->cancel_exc = cs__trio_cancelled_exc(e, t->cancel_scope);
    if (abandoned)
        th->abandoned = true;
}

void cs__threads_free(cs__engine *e)
{
    for (uint32_t i = 0; i < e->nthreads; i++) {
        cs__thread *th = e->threads[i];
        cs__completion_clear(&th->result);
        cs__completion_clear(&th->ft_result);
        cs__fut_unref(e, th->fut);
        cs_exc_unref(th->cancel_exc);
        free(th);
    }
    free(e->threads);
    free(e->released);
    for (uint32_t i = 0; i < e->nft; i++)
        cs__task_free(e, e->ft_tasks[i]);
    free(e->ft_tasks);
}
