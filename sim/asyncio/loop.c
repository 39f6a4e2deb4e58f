/* loop.c - CPython 3.11's asyncio event loop in virtual time.
 *
 * A FIFO ready queue of callbacks and a timer heap ordered by (when, sequence):
 * each iteration first jumps the clock to the earliest timer when nothing is
 * ready, moves every due timer behind the callbacks already queued, then runs
 * exactly the callbacks present at that moment (BaseEventLoop._run_once).
 * Futures carry one done-callback: the awaiting task's __wakeup, queued with
 * call_soon when the future completes.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "aio.h"
#include "thread.h"
#include "util.h"

void cs__call_soon(cs__engine *e, uint8_t kind, void *a, void *b)
{
    cs__aio_loop *L = cs__aio(e);
    if (L->rcount == L->rcap) { /* the capacity stays a power of two: indexes wrap with a mask */
        uint32_t ncap = L->rcap ? L->rcap * 2 : 64;
        cs__handle *n = cs_xmalloc(ncap * sizeof *n);
        for (uint32_t i = 0; i < L->rcount; i++)
            n[i] = L->ready[(L->rhead + i) & (L->rcap - 1)];
        free(L->ready);
        L->ready = n;
        L->rhead = 0;
        L->rcap = ncap;
    }
    cs__handle *h = &L->ready[(L->rhead + L->rcount) & (L->rcap - 1)];
    h->kind = kind;
    h->a = a;
    h->b = b;
    L->rcount++;
}

static void cs__push_ready_timer(cs__engine *e, cs__timer *t)
{
    assert(t->kind < CS__CB_TIMER);
    cs__call_soon(e, CS__CB_TIMER, t, NULL); /* the timer's ref moves to the handle */
}

/* The timer heap is CPython's heapq, step for step, comparing TimerHandles by
 * `when` alone (TimerHandle.__lt__): timers due at exactly the same instant come
 * out in heapq's order, which is what real asyncio does in virtual time (it is
 * not FIFO: eight equal call_at()s ran as 0 2 6 5 7 1 3 4, semantics §10.1).
 * Entries hold a copy of `when` (it never changes once the timer is pushed), so
 * a sift touches only the heap array, not the timers. */
typedef struct cs__heap_ent cs__hent;

static inline bool cs__timer_less(const cs__hent *a, const cs__hent *b)
{
    return a->when < b->when;
}

static void cs__sift_down(cs__hent *heap, uint32_t startpos, uint32_t pos)
{
    cs__hent newitem = heap[pos];
    while (pos > startpos) {
        uint32_t parentpos = (pos - 1) >> 1;
        if (cs__timer_less(&newitem, &heap[parentpos])) {
            heap[pos] = heap[parentpos];
            pos = parentpos;
            continue;
        }
        break;
    }
    heap[pos] = newitem;
}

static void cs__sift_up(cs__hent *heap, uint32_t endpos, uint32_t pos)
{
    uint32_t startpos = pos;
    cs__hent newitem = heap[pos];
    uint32_t childpos = 2 * pos + 1;
    while (childpos < endpos) {
        uint32_t grand = 2 * childpos + 1; /* the next level's four candidates: one line */
        if (grand + 3 < endpos) {
            __builtin_prefetch(&heap[grand]);
            __builtin_prefetch(&heap[grand + 3]);
        }
        uint32_t rightpos = childpos + 1;
        if (rightpos < endpos && !cs__timer_less(&heap[childpos], &heap[rightpos]))
            childpos = rightpos;
        heap[pos] = heap[childpos];
        pos = childpos;
        childpos = 2 * pos + 1;
    }
    heap[pos] = newitem;
    cs__sift_down(heap, startpos, pos);
}

/* The heap property around position i: no child earlier than it (checked
 * where a push or pop ends, in Debug and sanitizer builds). */
static inline bool cs__heap_ok_at(const cs__hent *heap, uint32_t n, uint32_t i)
{
    for (uint32_t k = 2 * i + 1; k <= 2 * i + 2 && k < n; k++)
        if (cs__timer_less(&heap[k], &heap[i]))
            return false;
    return true;
}

static void cs__heap_push(cs__engine *e, cs__timer *t)
{
    cs__aio_loop *L = cs__aio(e);
    if (L->nheap == L->capheap) {
        L->capheap = L->capheap ? L->capheap * 2 : 64;
        L->heap = cs_xrealloc(L->heap, L->capheap * sizeof *L->heap);
    }
    L->heap[L->nheap++] = (cs__hent){t->when, t};
    cs__sift_down(L->heap, 0, L->nheap - 1);
    assert(cs__heap_ok_at(L->heap, L->nheap, 0));
}

static cs__timer *cs__heap_pop(cs__engine *e)
{
    cs__aio_loop *L = cs__aio(e);
    cs__hent last = L->heap[--L->nheap];
    if (L->nheap == 0)
        return last.t;
    cs__timer *top = L->heap[0].t;
    L->heap[0] = last;
    cs__sift_up(L->heap, L->nheap, 0);
    assert(cs__heap_ok_at(L->heap, L->nheap, 0) && top->when <= L->heap[0].when);
    return top;
}

/* BaseEventLoop._run_once's clean-up: rebuild the heap without cancelled
 * handles when they are more than half of over 100, else pop cancelled ones off
 * the head. */
static void cs__heap_clean(cs__engine *e)
{
    cs__aio_loop *L = cs__aio(e);
    uint32_t cancelled = L->nheap - e->live_timers;
    if (L->nheap > 100 && (double)cancelled / (double)L->nheap > 0.5) {
        uint32_t n = 0;
        for (uint32_t i = 0; i < L->nheap; i++) {
            cs__timer *t = L->heap[i].t;
            if (t->cancelled) {
                t->in_heap = false;
                cs__timer_unref(e, t);
            } else {
                L->heap[n++] = L->heap[i];
            }
        }
        L->nheap = n;
        for (uint32_t i = n / 2; i-- > 0;)
            cs__sift_up(L->heap, n, i);
        return;
    }
    while (L->nheap && L->heap[0].t->cancelled) {
        cs__timer *t = cs__heap_pop(e);
        t->in_heap = false;
        cs__timer_unref(e, t);
    }
}

cs__timer *cs__call_at(cs__engine *e, int64_t when, uint8_t kind, void *a)
{
    cs__aio_loop *L = cs__aio(e);
    cs__timer *t = cs__pool_take(&e->arena, &L->free_timers, sizeof *t);
    memset(t, 0, sizeof *t);
    t->when = when;
    t->kind = kind;
    t->a = a;
    t->refs = 2; /* the heap and the caller */
    t->in_heap = true;
    cs__heap_push(e, t);
    e->live_timers++;
    return t;
}

void cs__timer_cancel(cs__engine *e, cs__timer *t)
{
    if (t && !t->cancelled) {
        t->cancelled = true;
        if (t->in_heap)
            e->live_timers--;
    }
}

void cs__timer_unref(cs__engine *e, cs__timer *t)
{
    cs__aio_loop *L = cs__aio(e);
    assert(!t || t->refs > 0);
    if (t && --t->refs == 0) {
        assert(!t->in_heap);
        if (t->kind == CS__CB_SLEEP_DONE)
            cs__fut_unref(e, t->a);
        cs__pool_put(&L->free_timers, t);
    }
}

cs__fut *cs__fut_new(cs__engine *e)
{
    cs__aio_loop *L = cs__aio(e);
    cs__fut *f = cs__pool_take(&e->arena, &L->free_futs, sizeof *f);
    memset(f, 0, sizeof *f);
    f->refs = 1;
    return f;
}

cs__fut *cs__fut_ref(cs__fut *f)
{
    assert(!f || f->refs > 0); /* a live future */
    if (f)
        f->refs++;
    return f;
}

void cs__fut_unref(cs__engine *e, cs__fut *f)
{
    cs__aio_loop *L = cs__aio(e);
    assert(!f || f->refs > 0); /* released no more often than referenced */
    if (!f || --f->refs > 0)
        return;
    cs_exc_unref(f->exc);
    cs__pool_put(&L->free_futs, f);
}

static void cs__fut_schedule_callbacks(cs__engine *e, cs__fut *f)
{
    if (f->waiter) {
        cs__call_soon(e, CS__CB_TASK_WAKEUP, f->waiter, cs__fut_ref(f));
        f->waiter = NULL;
    }
}

void cs__fut_set_result(cs__engine *e, cs__fut *f)
{
    if (f->state != CS__FUT_PENDING)
        return;
    f->state = CS__FUT_RESULT;
    cs__fut_schedule_callbacks(e, f);
}

void cs__fut_set_exception(cs__engine *e, cs__fut *f, cs_exc *exc)
{
    if (f->state != CS__FUT_PENDING)
        return;
    f->state = CS__FUT_EXC;
    f->exc = cs_exc_ref(exc);
    cs__fut_schedule_callbacks(e, f);
}

/* Future.cancel(msg): steals nothing; takes a new reference to exc. */
bool cs__fut_cancel(cs__engine *e, cs__fut *f, cs_exc *exc)
{
    if (f->state != CS__FUT_PENDING)
        return false;
    f->state = CS__FUT_CANCELLED;
    f->exc = cs_exc_ref(exc);
    cs__fut_schedule_callbacks(e, f);
    return true;
}

/* from_timer: the handle came from the timer heap. */
static void cs__run_handle(cs__engine *e, cs__handle h, bool from_timer)
{
    switch (h.kind) {
    case CS__CB_TASK_STEP: cs__task_step(e, h.a, h.b); break;
    case CS__CB_TASK_WAKEUP:
        cs__task_wakeup(e, h.a, h.b);
        cs__fut_unref(e, h.b);
        break;
    case CS__CB_SLEEP_DONE: cs__fut_set_result(e, h.a); break;
    case CS__CB_SCOPE_TIMEOUT: cs__scope_timeout(e, h.a); break;
    case CS__CB_DELIVER: {
        cs__scope *s = h.a;
        cs__aio_s(s)->cancel_handle = false;
        cs__scope_deliver(e, s, s);
        break;
    }
    case CS__CB_TASK_DONE: cs__tg_task_done(e, h.a); break;
    case CS__CB_RUN_COMPLETE: e->stop = true; break;
    case CS__CB_THREAD_REPORT: cs__thread_report(e, h.a); break;
    case CS__CB_FT_START: cs__ft_start(e, h.a); break;
    case CS__CB_FT_DONE: cs__ft_done(e, h.a); break;
    case CS__CB_FT_SYNC: cs__ft_sync(e, h.a); break;
    case CS__CB_NATIVE_TIMEOUT: cs__native_on_timeout(e, h.a, !from_timer); break;
    case CS__CB_NATIVE_TG_DONE: cs__native_tg_task_done(e, h.a); break;
    case CS__CB_NOOP: break;
    }
}

/* The part of _run_once after the selector: due timers behind the ready
 * callbacks, then exactly the callbacks present now. */
static void cs__loop_run_ready(cs__engine *e)
{
    cs__aio_loop *L = cs__aio(e);
    while (L->nheap && L->heap[0].when <= e->now) {
        cs__timer *t = cs__heap_pop(e);
        t->in_heap = false;
        if (!t->cancelled)
            e->live_timers--;
        cs__push_ready_timer(e, t); /* a cancelled one is skipped when it runs */
    }
    uint32_t n = L->rcount;
    for (uint32_t i = 0; i < n && !e->aborted && !L->escape; i++) {
        cs__handle h = L->ready[L->rhead];
        L->rhead = (L->rhead + 1) & (L->rcap - 1);
        L->rcount--;
        bool from_timer = h.kind == CS__CB_TIMER;
        if (from_timer) {
            cs__timer *t = h.a;
            h = (cs__handle){.kind = t->kind, .a = t->a};
            bool cancelled = t->cancelled;
            t->cancelled = true; /* it ran: a later cancel() is a no-op */
            cs__timer_unref(e, t);
            if (cancelled)
                continue;
        }
        e->nevents++;
        cs__run_handle(e, h, from_timer);
        if (e->nreleased)
            cs__threads_flush(e);
    }
}

/* `n` iterations of a loop whose ready queue is never empty at its select
 * (run_until_complete of a coroutine that finishes at once, and its done
 * callback): no waiting, the clock stays. */
void cs__loop_spin(cs__engine *e, uint32_t n)
{
    cs__aio_loop *L = cs__aio(e);
    for (uint32_t i = 0; i < n && !e->aborted && !L->escape; i++) {
        cs__heap_clean(e);
        cs__loop_run_ready(e);
    }
}

/* One BaseEventLoop._run_once.  Returns false when nothing can ever run again. */
bool cs__loop_run_once(cs__engine *e)
{
    cs__aio_loop *L = cs__aio(e);
    cs__heap_clean(e);
    if (L->rcount == 0) {
        /* idle: the clock jumps to the next timer or worker-thread wake-up */
        int64_t wake = cs__threads_next_wake(e), ki = cs__interrupt_next(e);
        if (L->nheap == 0 && wake == CS_NS_INF && ki == CS_NS_INF)
            return false;
        int64_t when = L->nheap ? L->heap[0].when : wake;
        if (wake < when)
            when = wake;
        if (ki <= when) /* Ctrl+C while the selector waits: before the timers due then (aio_sigint.c) */
            when = ki;
        if ((double)when > e->opt.time_limit * 1e9) {
            e->aborted = true;
            e->limit_kind = CS_RESULT_LIMIT_TIME;
            return false;
        }
        if (when > e->now)
            e->now = when;
        if (ki <= e->now)
            cs__interrupts_due(e); /* in select(): its callbacks go before the timers due now */
        else
            cs__threads_release_due(e);
    }
    cs__loop_run_ready(e);
    return true;
}

void cs__loop_run(cs__engine *e)
{
    cs__aio_loop *L = cs__aio(e);
    while (!e->aborted && !e->stop && !L->escape) {
        if (!cs__loop_run_once(e))
            break;
    }
}

void cs__loop_free(cs__engine *e)
{
    cs__aio_loop *L = cs__aio(e);
    while (L->rcount) {
        cs__handle h = L->ready[L->rhead];
        L->rhead = (L->rhead + 1) & (L->rcap - 1);
        L->rcount--;
        if (h.kind == CS__CB_TIMER) {
            cs__timer_unref(e, h.a);
            continue;
        }
        if (h.kind == CS__CB_TASK_WAKEUP)
            cs__fut_unref(e, h.b);
        if (h.kind == CS__CB_TASK_STEP)
            cs_exc_unref(h.b);
    }
    free(L->ready);
    for (uint32_t i = 0; i < L->nheap; i++) {
        L->heap[i].t->in_heap = false;
        cs__timer_unref(e, L->heap[i].t);
    }
    free(L->heap);
    free(L->tmos);
    for (uint32_t i = 0; i < L->nwf; i++)
        if (L->wf_timers[i])
            cs__timer_unref(e, L->wf_timers[i]);
    free(L->wf_timers);
    cs__native_tgs_free(e);
    cs__native_futs_free(e);
    /* timers and futures live in the run's arena: their memory goes with it */
    free(L);
    e->be = NULL;
}

void cs__loop_init(cs__engine *e)
{
    e->be = cs_xcalloc(1, sizeof(cs__aio_loop));
}
