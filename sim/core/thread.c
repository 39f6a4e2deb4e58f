/* thread.c - `to_thread.run_sync` with worker threads in virtual time: the
 * threads themselves, which both backends share.
 *
 * A worker thread runs its steps in lock-step with the loop: released (when it
 * starts, or when its `block` ends), it runs at that virtual instant until its
 * next block or its end, before the loop goes on.  `block` takes virtual time
 * without blocking the loop (`busy` does block it; threads keep running).
 *
 * How the awaiting task waits for it, how check_cancelled() looks, and how a
 * finished thread or a from_thread call reaches the loop are the backends'
 * (pol->step_to_thread, pol->thread_*; sim/asyncio/aio_thread.c,
 * sim/trio/trio_thread.c).
 */
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "portal.h"
#include "thread.h"
#include "util.h"

static void cs__thread_finished(cs__engine *e, cs__thread *th);

cs__thread *cs__thread_new(cs__engine *e, cs__task *host, const cs_stmt *st)
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

void cs__ft_resume(cs__engine *e, cs__thread *th, const cs__completion *r)
{
    if (r->type == CS__C_EXC) {
        th->result = cs__c_exc(cs_exc_ref(r->exc));
        cs__thread_finished(e, th);
    } else {
        cs__thread_bind_result(e, th, r); /* issue 26 portals: the step's `as` */
        cs__thread_release(e, th);
    }
}

cs__task *cs__ft_task_new(cs__engine *e, cs__thread *th)
{
    const cs_stmt *call = th->portal_g ? th->portal_st : NULL;
    if (call) { /* issue 26: the portal's task group start_soon()s a task of its own */
        cs__task *t = cs__portal_task_new(e, th);
        cs__rare_mut(e, t)->ft_thread = th;
        cs__push(e, t, CS__F_FT_TASK, call);
        cs__portal_task_joined(e, th, t);
        th->ft_task = t;
        return t;
    }
    cs__task *t = cs__task_alloc(e);
    t->id = th->host->id;
    t->name = th->host->name; /* in the arena, as long as it */
    t->state = CS_TASK_UNFINISHED;
    cs__rare_mut(e, t)->draw_owner = th->host;
    cs__rare_mut(e, t)->ft_thread = th;
    if (cs__rare(th->host)->log_as) /* issue 26: the host is a portal call's task: log as its caller */
        cs__rare_mut(e, t)->log_as = cs__rare(th->host)->log_as;
    cs__push(e, t, CS__F_FT_TASK, NULL);
    if (e->nft == e->capft) {
        e->capft = e->capft ? e->capft * 2 : 4;
        e->ft_tasks = cs_xrealloc(e->ft_tasks, e->capft * sizeof *e->ft_tasks);
    }
    e->ft_tasks[e->nft++] = t;
    th->ft_task = t;
    return t;
}

int cs__step_ft_task(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    cs__thread *th = cs__rare(t)->ft_thread;
    if (f->st) /* issue 26: a portal call's task */
        return cs__step_portal_task(e, t, f, c);
    if (f->phase == 0 && c->type == CS__C_EXC) {
        /* cancelled before its first step (asyncio: Runner.close cancels
         * what is left): the coroutine never runs, the thread gets the error */
        return cs__pop_with(t, c, *c);
    }
    if (f->phase == 0) {
        f->phase = 1;
        e->pol->ft_task_begin(e, t, th);
        cs__push_body(e, t, *th->ft_body);
        return CS__CONT;
    }
    cs__completion out = *c;
    if (out.type == CS__C_RETURN)
        out.type = CS__C_NORMAL; /* a value stays in the shared slot (portal.c reads it) */
    cs__pop(t);
    *c = out;
    return CS__CONT;
}

static void cs__thread_finished(cs__engine *e, cs__thread *th)
{
    if (th->with && cs__portal_with_unwind(e, th)) /* issue 26: the with's __exit__ runs first */
        return;
    if (th->sbp_phase && cs__sbp_unwind(e, th)) /* issue 26: start_blocking_portal's __exit__ too */
        return;
    th->done = true;
    cs_event ev;
    cs__ev_init(e, &ev, CS_EV_THREAD_END);
    ev.task = th->host->id;
    ev.count = th->id + 1;
    ev.exc = th->result.type == CS__C_EXC ? th->result.exc : NULL;
    cs__emit(e, &ev);
    if (th->plain) /* issue 26: nobody awaits a plain thread; threading.excepthook prints an error */
        return;
    if (e->after_run || e->calls_refused) {
        /* asyncio: the worker finds the loop closed and reports nothing;
         * Trio: run_sync_soon raises RunFinishedError, which the delivery
         * suppresses.  The outcome is dropped either way. */
        return;
    }
    e->pol->thread_report(e, th);
}
/* The thread function raises x (already raised, in the trace): the thread ends. */
void cs__thread_raise(cs__engine *e, cs__thread *th, cs_exc *x)
{
    th->result = cs__c_exc(x);
    cs__thread_finished(e, th);
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
    cs__thread_raise(e, th, x);
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
    cs__thread_raise(e, th, x);
    return true;
}

static void cs__thread_run1(cs__engine *e, cs__thread *th);

/* Runs the thread from where it stands to its next block or its end (again
 * when it ended inside a portal_with's body: it goes on at the with's exit). */
static void cs__thread_run(cs__engine *e, cs__thread *th)
{
    do {
        th->rerun = false;
        th->running = true;
        cs__thread_run1(e, th);
        th->running = false;
    } while (th->rerun && !e->aborted);
}

static void cs__thread_run1(cs__engine *e, cs__thread *th)
{
    th->blocked = false;
    cs__plain_thread_starts(e, th); /* issue 26: a thread of "threads" begins */
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
            ev.task = cs__log_id(th->host);
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
            cs__thread_raise(e, th, x);
            return;
        }
        case CS_OP_RETURN:
            if (cs__thread_inject(e, th, s->pos))
                return;
            th->result.type = CS__C_RETURN;
            th->result.value_json = s->value_json;
            cs__thread_finished(e, th);
            return;
        case CS_OP_PORTAL_CALL: /* issue 26: the call's future is what it waits on (portal.c) */
        case CS_OP_PORTAL_START_TASK_SOON:
        case CS_OP_PORTAL_START_TASK:
        case CS_OP_PORTAL_STOP:
        case CS_OP_PORTAL_WITH: cs__portal_call(e, th, s); return;
        case CS_OP_PORTAL_WITH_RESULT:
        case CS_OP_FUTURE_RESULT:
            if (cs__portal_future_result(e, th, s))
                return;
            break;
        case CS_OP_PRINT: /* issue 26 portals: the thread's named values (thread_values.c) */
            if (!cs__thread_print(e, th, s))
                return;
            break;
        case CS_OP_RETURN_VALUE: {
            const char *json = cs__thread_return_value(e, th, s);
            if (!json)
                return;
            if (cs__thread_inject(e, th, s->pos))
                return;
            th->result.type = CS__C_RETURN;
            th->result.value_json = json;
            cs__thread_finished(e, th);
            return;
        }
        case CS_OP_PORTAL_FUTURE_CANCEL:
            if (cs__portal_future_cancel(e, th, s))
                return;
            break;
        case CS_OP_SBP_STEP: /* issue 26: a sync main's start_blocking_portal (sync_main.c) */
            if (cs__sbp_step(e, th, s))
                return;
            break;
        case CS_OP_CHECK_CANCELLED: {
            cs_exc *x = th->plain ? cs__plain_step_error(e, th, s) : e->pol->thread_check_cancelled(e, th);
            if (x) {
                cs__thread_raise(e, th, x);
                return;
            }
            break;
        }
        default: { /* from_thread: the thread blocks until the body ran in the loop */
            cs_exc *x = cs__plain_step_error(e, th, s); /* a plain thread without a token */
            if (x) {
                cs__thread_raise(e, th, x);
                return;
            }
            if (e->aborted) /* a token used before it was bound */
                return;
            if (e->after_run || e->calls_refused) {
                cs__ft_run_finished(e, th, s->pos);
                return;
            }
            th->ft_body = &s->body;
            e->pol->thread_call(e, th);
            return;
        }
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

/* A thread released during a task step (started, or handed a from_thread
 * result) runs once that step is over: the loop syncs with its threads between
 * steps (asyncio: before each handle; Trio: after each task step). */
void cs__thread_release(cs__engine *e, cs__thread *th)
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

void cs__thread_start(cs__engine *e, cs__task *t, cs__thread *th, cs_pos pos)
{
    cs_event ev;
    cs__ev_init(e, &ev, CS_EV_THREAD_START);
    ev.task = t->id;
    ev.pos = pos;
    ev.count = th->id + 1;
    cs__emit(e, &ev);
    cs__thread_release(e, th);
}

int cs__thread_done(cs__engine *e, cs__task *t, cs__completion *c, cs__completion out, const cs__thread *th)
{
    const cs_stmt *st = t->frames[t->nframes - 1].st;
    cs__pop(t);
    if (out.type == CS__C_NORMAL) /* `as`: what the thread function returned (dataflow.c) */
        cs__flow_bind(e, t, st, th->result.type == CS__C_RETURN ? th->result.value_json : NULL);
    *c = out;
    return CS__CONT;
}

cs__completion cs__thread_outcome(const cs__thread *th)
{
    if (th->result.type == CS__C_EXC)
        return cs__c_exc(cs_exc_ref(th->result.exc));
    return (cs__completion){.type = CS__C_NORMAL};
}

void cs__emit_thread_abandoned(cs__engine *e, cs__task *t, cs_pos pos, uint32_t count)
{
    cs_event ev; /* run_sync gave up on the thread */
    cs__ev_init(e, &ev, CS_EV_THREAD_ABANDONED);
    ev.task = t->id;
    ev.pos = pos;
    ev.count = count;
    cs__emit(e, &ev);
}

void cs__threads_free(cs__engine *e)
{
    for (uint32_t i = 0; i < e->nthreads; i++) {
        cs__thread *th = e->threads[i];
        cs__completion_clear(&th->result);
        cs__completion_clear(&th->ft_result);
        free(th->locals);
        cs__completion_clear(&th->sbp_pending);
        e->pol->wait_unref(e, th->wait);
        cs_exc_unref(th->cancel_exc);
        free(th);
    }
    free(e->threads);
    free(e->released);
    for (uint32_t i = 0; i < e->nft; i++)
        cs__task_free(e, e->ft_tasks[i]);
    free(e->ft_tasks);
}
