/* sync_main.c - issue 26: start_blocking_portal from the program's own
 * synchronous main thread (a scenario's "sync_main" in place of main).
 *
 * AnyIO's start_blocking_portal (anyio/from_thread.py) starts a thread that
 * runs the event loop with run_portal as its main task:
 *     async with BlockingPortal() as portal_:
 *         future.set_result(portal_)
 *         await portal_.sleep_until_stopped()
 * and the calling thread, once it has the portal, runs the with body, then
 * `portal.call(portal.stop, cancel_remaining_tasks)` (True when the body
 * raised; a RuntimeError from it is ignored) and thread.join().  The loader
 * (sim/load/load_sync_main.c) makes main that run_portal and makes the sync
 * main plain_threads[0], named "main", with the with flattened into its
 * steps:
 *     ENTER, body..., EXIT_NORMAL, stop(False), SKIP, stop(True), JOIN
 * An exception in the body goes on at stop(True) (cs__sbp_unwind) and is
 * raised again after the join.  The join parks the thread until the loop has
 * ended (the run's main task is over); then the thread runs to its end, and
 * what it returned or raised is the run's result (an exception the loop
 * raised after the portal was handed out is dropped by AnyIO: it shows only
 * as the main task's end).
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

#include "policy.h"
#include "thread.h"
#include "util.h"

static cs__event *cs__sbp_event(cs__engine *e)
{
    if (!e->sbp_stop) {
        e->sbp_stop = cs_xcalloc(1, sizeof *e->sbp_stop);
        e->sbp_stop->label = cs_xasprintf("portal %s stopped", e->prog->sync_portal->text);
    }
    return e->sbp_stop;
}

int cs__exec_sbp_wait(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c)
{
    (void)st, (void)c;
    assert(e->prog->sync_portal);
    return e->pol->event_wait(e, t, cs__sbp_event(e));
}

void cs__sbp_portal_stopped(cs__engine *e, const cs__tg *g)
{
    const cs_stmt *sp = e->prog->sync_portal;
    if (sp && sp->ref >= 0 && e->portal_latest[sp->ref] == g->id)
        e->pol->event_set(e, cs__sbp_event(e));
}

bool cs__sbp_step(cs__engine *e, cs__thread *th, const cs_stmt *s)
{
    switch (s->count) {
    case CS__SBP_ENTER: { /* future.result() gave the portal: the body runs */
        th->sbp_phase = CS__SBP_BODY;
        /* the exit's place, found here: a portal_with in the body was
         * flattened after this with (load_portal.c), moving it */
        const cs_body *steps = &th->st->body;
        uint32_t k = th->idx;
        while (k < steps->n && !(steps->items[k].op == CS_OP_SBP_STEP && steps->items[k].count == CS__SBP_EXIT_NORMAL))
            k++;
        assert(k + 4 < steps->n);
        th->sbp_exc_idx = k + 3; /* EXIT_NORMAL, stop(False), SKIP, stop(True) */
        return false;
    }
    case CS__SBP_EXIT_NORMAL: th->sbp_phase = CS__SBP_EXIT; return false;
    case CS__SBP_SKIP: th->idx++; return false; /* past stop(True): the body did not raise */
    default: break;
    }
    assert(s->count == CS__SBP_JOIN);
    if (!e->after_run) { /* thread.join(): the loop runs to its end first */
        th->sbp_parked = true;
        th->idx--; /* the join again once the loop is gone */
        return true;
    }
    th->sbp_parked = false;
    th->sbp_phase = CS__SBP_OUT;
    if (th->sbp_pending.type == CS__C_RETURN) { /* `return v` in the with: main() returns it now */
        th->result = th->sbp_pending;
        th->sbp_pending = (cs__completion){.type = CS__C_NORMAL};
        th->idx = th->st->body.n; /* past the last step: the thread ends with that result */
        return false;
    }
    if (th->sbp_pending.type != CS__C_EXC)
        return false;
    cs_exc *x = th->sbp_pending.exc; /* `raise` in the with's except: the body's exception goes on */
    th->sbp_pending = (cs__completion){.type = CS__C_NORMAL};
    cs__thread_raise(e, th, x);
    return true;
}

bool cs__sbp_unwind(cs__engine *e, cs__thread *th)
{
    if (th->result.type == CS__C_RETURN && th->sbp_phase == CS__SBP_BODY) {
        /* `return` leaves the with normally: stop(False), the join, then main() returns */
        th->sbp_pending = th->result;
        th->idx = th->sbp_exc_idx - 2;
    } else if (th->result.type != CS__C_EXC) {
        return false;
    } else if (th->sbp_phase == CS__SBP_BODY) { /* except BaseException: cancel_remaining_tasks = True */
        th->sbp_pending = th->result;
        th->idx = th->sbp_exc_idx;
    } else if (cs_exc_class_is(e->prog, th->result.exc->cls, CS_EXC_RUNTIME_ERROR)) {
        /* portal.call(portal.stop, ...) raised: `except RuntimeError: pass` */
        cs_event ev;
        cs__ev_init(e, &ev, CS_EV_CATCH);
        ev.task = th->host->id;
        ev.exc = th->result.exc;
        ev.pos = th->st->body.items[th->sbp_exc_idx].pos;
        cs__emit(e, &ev);
        cs__completion_clear(&th->result);
        th->idx = th->sbp_exc_idx + 1;
    } else { /* another error in the finally replaces the body's */
        th->sbp_phase = CS__SBP_OUT;
        cs__completion_clear(&th->sbp_pending);
        return false;
    }
    th->result = (cs__completion){.type = CS__C_NORMAL};
    th->sbp_phase = CS__SBP_EXIT;
    if (th->running)
        th->rerun = true;
    else
        cs__thread_release(e, th);
    return true;
}

const cs__completion *cs__sync_main_finish(cs__engine *e)
{
    if (!e->prog->sync_portal)
        return NULL;
    assert(e->nthreads > 0 && e->threads[0]->plain);
    cs__thread *th = e->threads[0];
    e->after_run = true; /* the loop is gone: calls raise, from_thread raises RunFinishedError */
    /* each pass runs the thread to its next block or its end */
    for (uint32_t pass = 0; pass <= th->st->body.n && !th->done && !e->aborted; pass++) {
        if (th->blocked && th->wake > e->now)
            e->now = th->wake;
        else if (!th->blocked && !th->sbp_parked)
            break; /* it waits for ever (a future no task resolves) */
        cs__thread_release(e, th);
        cs__threads_flush(e);
    }
    return &th->result;
}

/* Ctrl+C with a synchronous main: Python's default SIGINT handler raises
 * KeyboardInterrupt in the main thread (wherever main() waits), and the
 * portal's loop, in another thread, installs no handler; the model delivers
 * SIGINT to the loop only (interrupt.c), so an interrupt fault is refused
 * (the loader refuses interrupt_at and the `interrupt` statement). */
bool cs__sync_main_refuses(const cs_program *prog, const cs_run_options *opt, cs_run_error *err)
{
    if (!prog->sync_portal)
        return false;
    for (uint32_t i = 0; i < opt->nfaults; i++) {
        if (opt->faults[i].kind != CS_FAULT_INTERRUPT)
            continue;
        if (err) {
            err->pos = (cs_pos){0, 0};
            snprintf(err->message, sizeof err->message,
                     "an interrupt fault with sync_main is not modelled (SIGINT goes to the main thread)");
        }
        return true;
    }
    return false;
}

void cs__sync_main_free(cs__engine *e)
{
    if (!e->sbp_stop)
        return;
    e->pol->event_free(e, e->sbp_stop);
    free(e->sbp_stop->waiters);
    free(e->sbp_stop->label);
    free(e->sbp_stop);
}
