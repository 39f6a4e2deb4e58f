/* trio_sigint.c - Ctrl+C on Trio (issue 26), as trio/_core/_run.py and
 * _ki.py handle SIGINT under AnyIO's Trio backend.
 *
 * Trio's handler raises KeyboardInterrupt at once in code that is not
 * KI-protected (a scenario task's own code: the `interrupt` statement, a
 * `busy` the signal lands in).  In protected code (the run loop waiting for
 * its next deadline, a system task such as a from_thread body) it calls
 * deliver_ki(): ki_pending is set and _deliver_ki_cb goes on the
 * run_sync_soon queue, whose system task runs it; the callback, and the run
 * loop after every step in which the main task parks, try to deliver it to
 * the main task (_attempt_delivery_of_pending_ki): its current wait's abort
 * function is called with a raise_cancel that raises KeyboardInterrupt.
 * An abort that succeeds (sleep, event, lock, checkpoint) reschedules main
 * with the KeyboardInterrupt; a nursery's __aexit__ wait fails the abort but
 * adds the KeyboardInterrupt to the nursery's exceptions (cancelling it); a
 * to_thread wait without abandon_on_cancel fails it and leaves the
 * KeyboardInterrupt pending.  Each blocking call gets one abort attempt,
 * KeyboardInterrupt first, then a pending cancellation.  What is still
 * pending when trio.run() returns is raised by it instead of main's outcome.
 */
#include "thread.h"
#include "trio.h"
#include "util.h"

static cs_exc *cs__ki_new(cs__engine *e)
{
    cs_exc *x = cs__new_exc(e, CS_EXC_KEYBOARD_INTERRUPT, "");
    x->noargs = true;
    return x;
}

cs_exc *cs__trio_sigint(cs__engine *e, cs__task *t)
{
    cs__trio_state *T = cs__trio(e);
    if (t && !cs__rare(t)->ft_thread && !cs__trio_t(t)->is_system)
        return cs__raise_new(e, t, CS_EXC_KEYBOARD_INTERRUPT, NULL);
    T->ki_pending = true; /* deliver_ki() */
    if (!e->calls_refused)
        T->ki_cb = true; /* run_sync_soon(_deliver_ki_cb); RunFinishedError suppressed */
    return NULL;
}

/* The abort of a nursery's __aexit__ wait (a task group's, or start()'s
 * temporary nursery): the KeyboardInterrupt joins its exceptions. */
static bool cs__ki_nursery(cs__engine *e, cs__task *t, cs_exc *ki)
{
    if (!t->nframes)
        return false;
    cs__frame *f = &t->frames[t->nframes - 1];
    cs__tg *g = f->kind == CS__F_TG ? e->tgs[f->obj] : f->kind == CS__F_START ? e->tgs[f->scope2] : NULL;
    if (!g)
        return false;
    if (g->nexcs == g->capexcs) {
        g->capexcs = g->capexcs ? g->capexcs * 2 : 4;
        g->excs = cs_xrealloc(g->excs, g->capexcs * sizeof *g->excs);
    }
    g->excs[g->nexcs++] = cs_exc_ref(ki);
    if (!g->scope->cancel_called)
        cs__trio_cancel(e, g->scope, CS__SRC_NURSERY, NULL, CS_CAUSE_TASK_FAILED);
    return true;
}

/* Task._attempt_delivery_of_pending_ki on the main task. */
void cs__trio_ki_attempt(cs__engine *e)
{
    cs__trio_state *T = cs__trio(e);
    cs__task *t = e->tasks[0];
    if (!T->ki_pending || t->run == CS__TS_DONE || cs__trio_t(t)->abort_kind == CS__ABORT_NONE)
        return;
    uint8_t kind = cs__trio_t(t)->abort_kind;
    cs__trio_t(t)->abort_kind = CS__ABORT_NONE; /* one attempt per blocking call */
    e->nevents++;
    e->loud++;
    cs__thread *th = cs__trio_r(t)->thread;
    if (kind == CS__ABORT_FAILED) {
        cs_exc *ki = cs__ki_new(e);
        if (!(th && cs__trio_t(t)->thread_wait) && cs__ki_nursery(e, t, ki))
            T->ki_pending = false; /* raise_cancel ran inside the abort */
        cs_exc_unref(ki);
        return;
    }
    if (th && cs__trio_t(t)->thread_wait) { /* abandon_on_cancel: the thread goes on alone */
        if (!th->cancel_exc)
            th->cancel_exc = cs__ki_new(e); /* check_cancelled() calls the stored raise_cancel */
        th->abandoned = true;
    }
    cs__trio_abort_cleanup(e, t);
    T->ki_pending = false;
    cs__trio_reschedule(e, t, cs__ki_new(e));
}

/* _deliver_ki_cb, run by the run_sync_soon task. */
void cs__trio_ki_cb(cs__engine *e)
{
    cs__trio_state *T = cs__trio(e);
    T->ki_cb = false;
    if (T->ki_pending && e->tasks[0]->run != CS__TS_DONE)
        cs__trio_ki_attempt(e);
}

/* trio.run()'s end: a KeyboardInterrupt still pending is what it raises. */
void cs__trio_ki_at_end(cs__engine *e)
{
    if (cs__trio(e)->ki_pending && !e->aborted && !e->escaped && e->stop)
        e->escaped = cs__ki_new(e);
}
