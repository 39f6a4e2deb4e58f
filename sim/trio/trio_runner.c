/* trio_runner.c - trio's run loop (unrolled_run) in virtual time.
 *
 * Each iteration: when nothing is runnable, jump the clock to the next
 * deadline (MockClock with autojump_threshold=0); expire due deadlines, which
 * cancels scopes and synchronously aborts parked tasks; then take the run queue
 * as a batch and run it FIFO or reversed.  Seed 0 always runs FIFO (the
 * canonical schedule); another seed draws each batch's order from a seeded
 * generator, so any run is reproducible.  A task that yields a schedule point
 * is rescheduled at once (into the next batch); one that parks has its pending
 * cancellation delivered right after its step.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "sync.h"
#include "thread.h"
#include "trio.h"
#include "util.h"

void cs__trio_reschedule(cs__engine *e, cs__task *t, cs_exc *exc)
{
    cs__trio_state *T = cs__trio(e);
    if (T->nrunq == T->caprunq) {
        T->caprunq = T->caprunq ? T->caprunq * 2 : 64;
        T->runq = cs_xrealloc(T->runq, T->caprunq * sizeof *T->runq);
        T->runq_exc = cs_xrealloc(T->runq_exc, T->caprunq * sizeof *T->runq_exc);
    }
    cs__trio_t(t)->abort_kind = CS__ABORT_NONE;
    T->runq[T->nrunq] = t;
    T->runq_exc[T->nrunq] = exc;
    T->nrunq++;
}

static void cs__trio_event_drop(cs__event *ev, cs__task *t)
{
    for (uint32_t i = 0; i < ev->n; i++) {
        if (ev->waiters[i] != t)
            continue;
        memmove(&ev->waiters[i], &ev->waiters[i + 1], (ev->n - i - 1) * sizeof *ev->waiters);
        ev->n--;
        return;
    }
}

/* Task._attempt_delivery_of_any_pending_cancel */
void cs__trio_attempt_delivery(cs__engine *e, cs__task *t)
{
    if (cs__trio_t(t)->abort_kind == CS__ABORT_NONE || !t->cancel_scope ||
        !cs__trio_s(t->cancel_scope)->effectively_cancelled)
        return;
    uint8_t kind = cs__trio_t(t)->abort_kind;
    cs__trio_t(t)->abort_kind = CS__ABORT_NONE; /* one attempt per blocking call */
    e->nevents++;
    if (cs__trio_r(t)->thread && cs__trio_t(t)->thread_wait)
        cs__trio_thread_cancelled(e, t, kind == CS__ABORT_SUCCEEDED);
    int32_t origin = cs__trio_s(t->cancel_scope)->origin;
    cs_event ev;
    if (origin >= 0 && cs__trio_s(e->scopes[origin])->sleep_scope) {
        cs__ev_init(e, &ev, CS_EV_WAKE); /* the sleep's own deadline: it just ends */
        ev.task = t->id;
    } else {
        cs__ev_init(e, &ev, CS_EV_CANCEL_DELIVERED);
        ev.task = t->id;
        ev.scope = origin >= 0 ? origin : t->cancel_scope->id;
    }
    cs__emit(e, &ev);
    if (kind != CS__ABORT_SUCCEEDED)
        return;
    cs__trio_abort_cleanup(e, t);
    cs__trio_reschedule(e, t, cs__trio_cancelled_exc(e, t->cancel_scope));
}

/* A successful abort leaves the event's or primitive's waiters. */
void cs__trio_abort_cleanup(cs__engine *e, cs__task *t)
{
    if (cs__trio_r(t)->trio_event) {
        cs__trio_event_drop(cs__trio_r(t)->trio_event, t);
        CS__TRIO_RARE_CLEAR(t, trio_event);
    }
    if (cs__trio_r(t)->trio_prim) {
        cs__prim_forget(e, cs__trio_r(t)->trio_prim, t);
        CS__TRIO_RARE_CLEAR(t, trio_prim);
    }
}

static void cs__trio_task_exited(cs__engine *e, cs__task *t)
{
    if (cs__rare(t)->ft_thread) {
        cs__trio_ft_task_exited(e, t);
        return;
    }
    cs__completion c = t->result;
    t->run = CS__TS_DONE;
    cs_event ev;
    cs__ev_init(e, &ev, CS_EV_TASK_END);
    ev.task = t->id;
    /* the record shows how the body ended, before its handle's scope (whose
     * exit may raise when a scope entered by hand is still open: issue 19) */
    cs__task_state_of(t, t->body_done ? &t->body : &c, &ev);
    cs__emit(e, &ev);
    if (t->member_of)
        cs__scope_tasks_remove(t->member_of, t);
    t->cancel_scope = NULL;
    /* trio breaks the parking lot of a lock its owner ends holding: tasks
     * parked there (now or later) get trio's own BrokenResourceError, not
     * modelled (issue 18); the lock itself stays held by the finished task */
    for (cs__prim *held; (held = cs__lock_held_by(e, t)) != NULL && !held->broken;) {
        held->broken = true;
        if (held->nw) {
            cs__trio_broken_lock(e, held);
            return;
        }
    }
    if (t->tg)
        cs__trio_child_finished(e, t->tg, t);
    else
        cs__trio_main_done(e); /* main returned: trio.run() shuts down (trio_shutdown.c) */
}

static void cs__trio_task_step(cs__engine *e, cs__task *t, cs_exc *exc)
{
    cs__trio_state *T = cs__trio(e);
    if (t == T->init_task) { /* main is done: trio.run() shutting down */
        cs__trio_init_step(e);
        return;
    }
    if (cs__trio_t(t)->is_system) { /* the run_sync_soon task: threads report back */
        cs__trio_entry_step(e);
        return;
    }
    if (t->run == CS__TS_DONE) {
        cs_exc_unref(exc);
        return;
    }
    cs__task_started(e, t);
    cs__completion in = {.type = exc ? CS__C_EXC : CS__C_NORMAL, .exc = exc};
    cs__trio_task *tt = cs__trio_t(t);
    tt->parking = false;
    tt->thread_wait = false;
    cs__task *prev = e->current;
    e->current = t;
    bool finished = cs__interp_resume(e, t, in);
    assert(e->yield_on == NULL); /* a Trio task parks or yields bare, on nothing */
    e->current = prev;
    if (e->aborted)
        return;
    if (finished) {
        cs__trio_task_exited(e, t);
    } else if (tt->parking) {
        if (t == e->tasks[0]) /* KeyboardInterrupt is outside every cancel scope: first */
            cs__trio_ki_attempt(e);
        cs__trio_attempt_delivery(e, t);
    } else {
        cs__trio_reschedule(e, t, NULL); /* a schedule point */
    }
}

/* The run's seeded generator (splitmix64): every schedule choice is drawn
 * from it, so a seed reproduces a run. */
uint64_t cs__trio_draw(cs__engine *e)
{
    uint64_t z = (e->rng += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Every schedule choice goes through here: pick one of k options.  Option 0 is
 * the canonical schedule's; a forced prefix (explore, --schedule) comes first,
 * then the seed's generator (seed 0: always 0).  Each choice is logged so that
 * explore can enumerate the alternatives. */
uint32_t cs__trio_choose(cs__engine *e, uint32_t k)
{
    if (k < 2)
        return 0;
    size_t i = e->nchoices++;
    uint32_t c;
    if (i < e->opt.nforced)
        c = e->opt.forced[i] < k ? e->opt.forced[i] : k - 1;
    else if (e->opt.seed == 0)
        c = 0;
    else
        c = (uint32_t)(cs__trio_draw(e) % k);
    if (e->opt.choices) {
        cs_choice_log *log = e->opt.choices;
        if (log->n == log->cap) {
            log->cap = log->cap ? log->cap * 2 : 64;
            log->choice = cs_xrealloc(log->choice, log->cap * sizeof *log->choice);
            log->arity = cs_xrealloc(log->arity, log->cap * sizeof *log->arity);
            log->mirror = cs_xrealloc(log->mirror, log->cap * sizeof *log->mirror);
        }
        log->mirror[log->n] = 0;
        log->choice[log->n] = c;
        log->arity[log->n] = k;
        log->n++;
    }
    return c;
}

/* A permutation drawn as choices: Fisher-Yates where choice 0 keeps the
 * element in place, so the canonical schedule keeps insertion order. */
void cs__trio_shuffle(cs__engine *e, void **v, size_t n)
{
    for (size_t k = n; k > 1; k--) {
        size_t r = k - 1 - cs__trio_choose(e, (uint32_t)(k > UINT32_MAX ? UINT32_MAX : k));
        void *tmp = v[k - 1];
        v[k - 1] = v[r];
        v[r] = tmp;
    }
}

/* Does this batch run reversed?  (Trio reverses with probability 1/2.) */
static bool cs__trio_reverse(cs__engine *e)
{
    return cs__trio_choose(e, 2) == 1;
}

/* The batch before this one, watched for cs_choice_log.mirror. */
typedef struct cs__mirror_watch {
    uint32_t n;      /* its tasks; 0 = not watched (no log, or one task) */
    bool rev;        /* it ran reversed */
    uint64_t loud;   /* e->loud when it began */
    size_t choice;   /* its order's index in the choice log */
    size_t nchoices; /* e->nchoices after that choice */
} cs__mirror_watch;

/* Called when the next batch is about to be taken: marks the batch before as
 * a mirror when nothing loud happened since it began, no choice was made,
 * and the run queue holds exactly its tasks, in the order they ran, with
 * nothing to throw in. */
static void cs__trio_mark_mirror(cs__engine *e, const cs__mirror_watch *m, cs__task *const *batch)
{
    cs__trio_state *T = cs__trio(e);
    if (e->loud != m->loud || e->nchoices != m->nchoices || T->nrunq != m->n || e->aborted)
        return;
    for (uint32_t i = 0; i < m->n; i++)
        if (T->runq[i] != batch[m->rev ? m->n - 1 - i : i] || T->runq_exc[i])
            return;
    assert(m->choice < e->opt.choices->n && e->opt.choices->arity[m->choice] == 2);
    e->opt.choices->mirror[m->choice] = 1;
}

/* Is the run queue exactly the waiters the last event.set() woke, in the
 * shuffled order, with no choice made since?  Then running the batch reversed
 * is running it forward after the shuffle's reversed order: the same state,
 * as the shuffle wrote nothing but the queue's order. */
static bool cs__trio_batch_is_wake(cs__engine *e, uint32_t n)
{
    cs__trio_state *T = cs__trio(e);
    bool is = T->wake.n > 1 && T->wake.first == 0 && T->wake.n == n && T->wake.nchoices == e->nchoices;
    for (uint32_t i = 0; is && i < n; i++)
        is = T->runq_exc[i] == NULL;
    T->wake.n = 0;
    return is;
}

/* Nothing runnable: the clock jumps to the next deadline or worker-thread
 * wake-up (MockClock, autojump_threshold=0).  False when nothing can ever run
 * again (a deadlock) or the time limit is reached. */
static bool cs__trio_idle(cs__engine *e)
{
    double d = cs__trio_next_deadline(e);
    int64_t wake = cs__threads_next_wake(e), ki = cs__interrupt_next(e);
    if (d == INFINITY && wake == CS_NS_INF && ki == CS_NS_INF)
        return false; /* deadlock: nothing runnable, nothing to wake it */
    int64_t when = d == INFINITY ? CS_NS_INF : d == -INFINITY ? e->now : cs__s_to_ns(d);
    if (wake < when)
        when = wake;
    if (ki <= when) { /* Ctrl+C while the run loop waits (trio_sigint.c) */
        if ((double)ki > e->opt.time_limit * 1e9) {
            e->aborted = true;
            e->limit_kind = CS_RESULT_LIMIT_TIME;
            return false;
        }
        if (ki > e->now)
            e->now = ki;
        cs__interrupts_due(e);
        return true;
    }
    if ((double)when > e->opt.time_limit * 1e9) {
        e->aborted = true;
        e->limit_kind = CS_RESULT_LIMIT_TIME;
        return false;
    }
    if (when > e->now)
        e->now = when;
    cs__threads_release_due(e);
    return true;
}

void cs__trio_run(cs__engine *e)
{
    cs__trio_state *T = cs__trio(e);
    cs__trio_reschedule(e, e->tasks[0], NULL);
    cs__mirror_watch mirror = {0};
    cs__task **batch = NULL;
    cs_exc **bexc = NULL;
    uint32_t cap = 0;
    while (!e->aborted && !e->stop) {
        if (T->nrunq == 0 && !T->reports && !T->ki_cb && !cs__trio_idle(e))
            break;
        if ((T->reports || T->ki_cb) && !T->sys_queued) {
            /* the run_sync_soon queue wakes its system task through I/O */
            if (!T->sys_task) {
                T->sys_task = cs__task_alloc(e); /* freed with the run */
                cs__trio_t(T->sys_task)->is_system = true;
                T->sys_task->id = -1;
            }
            T->sys_queued = true;
            cs__trio_reschedule(e, T->sys_task, NULL);
        }
        cs__trio_expire(e);
        uint32_t n = T->nrunq;
        if (n > cap) {
            cap = n * 2;
            batch = cs_xrealloc(batch, cap * sizeof *batch);
            bexc = cs_xrealloc(bexc, cap * sizeof *bexc);
        }
        if (mirror.n)
            cs__trio_mark_mirror(e, &mirror, batch);
        memcpy(batch, T->runq, n * sizeof *batch);
        memcpy(bexc, T->runq_exc, n * sizeof *bexc);
        T->nrunq = 0;
        bool woken = cs__trio_batch_is_wake(e, n);
        bool rev = n > 1 && cs__trio_reverse(e);
        if (woken && e->opt.choices)
            e->opt.choices->mirror[e->opt.choices->n - 1] = 1;
        mirror.n = e->opt.choices && n > 1 ? n : 0;
        mirror.rev = rev;
        mirror.loud = e->loud;
        mirror.choice = e->opt.choices ? e->opt.choices->n - 1 : 0;
        mirror.nchoices = e->nchoices;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t k = rev ? n - 1 - i : i;
            if (e->aborted) {
                cs_exc_unref(bexc[k]);
                continue;
            }
            e->nevents++;
            cs__trio_task_step(e, batch[k], bexc[k]);
            if (e->nreleased)
                cs__threads_flush(e);
        }
    }
    free(batch);
    free(bexc);
    cs__trio_ki_at_end(e);
}

void cs__trio_init(cs__engine *e)
{
    e->be = cs_xcalloc(1, sizeof(cs__trio_state));
}

void cs__trio_free(cs__engine *e)
{
    cs__trio_state *T = cs__trio(e);
    for (uint32_t i = 0; i < T->nrunq; i++)
        cs_exc_unref(T->runq_exc[i]);
    free(T->runq);
    free(T->runq_exc);
    free(T->dls);
    free(T);
    e->be = NULL;
}

void cs__trio_task_free(cs__engine *e, cs__task *t)
{
    (void)e;
    (void)t; /* its Trio part holds nothing of its own */
}
