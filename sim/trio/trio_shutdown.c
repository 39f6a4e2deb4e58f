/* trio_shutdown.c - what trio.run() does after the main task is done.
 *
 * Trio's init task (trio/_core/_run.py, Runner.init) runs main in a nursery
 * inside the system nursery, inside the nursery of the run_sync_soon task.
 * When main is done it wakes (a batch later) and:
 *   1. cancels the system nursery ("shutdown") and waits for its tasks: the
 *      from_thread bodies of abandoned threads (trio runs those as system
 *      tasks), which may still be running or just spawned;
 *   2. with the system nursery closed, asyncgens.finalize_remaining() queues
 *      run_sync_soon(reschedule init) and waits: the run_sync_soon task runs
 *      everything queued before it, in order (a thread's from_thread call
 *      queued in time is served; one that needs a system task now fails with
 *      RunFinishedError, which AnyIO raises in the thread);
 *   3. cancels the run_sync_soon task and waits for it: its last pass marks
 *      the queue done (from then on a thread's run_sync_soon raises
 *      RunFinishedError: a from_thread call fails at once, a thread's result
 *      is dropped), runs what is left, and ends;
 *   4. returns: trio.run() is over.
 * Each wait is a batch or more, so a worker thread released meanwhile (lock
 * step) can still get its call in, as on real Trio.
 */
#include "trio.h"

enum { CS__SD_RUNNING, CS__SD_INIT, CS__SD_SYSTEM, CS__SD_FINALIZE, CS__SD_ENTRY, CS__SD_DONE };

static cs__task *cs__pseudo_task(cs__engine *e)
{
    cs__task *t = cs__task_alloc(e); /* freed with the run */
    cs__trio_t(t)->is_system = true;
    t->id = -1;
    return t;
}

void cs__trio_main_done(cs__engine *e)
{
    cs__trio_state *T = cs__trio(e);
    T->init_task = cs__pseudo_task(e);
    T->shutdown = CS__SD_INIT;
    cs__trio_reschedule(e, T->init_task, NULL); /* main's nursery wakes its parent */
}

/* Trio's shutdown waits for the from_thread bodies of abandoned threads:
 * one that never ends (a shielded wait) keeps trio.run() from returning. */
bool cs__trio_run_unfinished(const cs__engine *e)
{
    return cs__trio(e)->shutdown && !e->stop;
}

/* A system task ended: the last one lets init go on (step 1). */
void cs__trio_system_task_done(cs__engine *e)
{
    cs__trio_state *T = cs__trio(e);
    if (T->shutdown == CS__SD_SYSTEM && cs__trio_system_live(e) == 0)
        cs__trio_reschedule(e, T->init_task, NULL);
}

static void cs__finalize(cs__engine *e)
{
    cs__trio_state *T = cs__trio(e);
    T->sysn_closed = true;
    T->shutdown = CS__SD_FINALIZE;
    cs__trio_queue_init(e);
}

void cs__trio_init_step(cs__engine *e)
{
    cs__trio_state *T = cs__trio(e);
    switch (T->shutdown) {
    case CS__SD_INIT:
        T->shutdown = CS__SD_SYSTEM;
        if (cs__trio_system_live(e)) {
            cs__trio_cancel_system(e);
            return; /* the last system task to end wakes init */
        }
        cs__finalize(e);
        return;
    case CS__SD_SYSTEM: cs__finalize(e); return;
    case CS__SD_FINALIZE:
        /* cancel the run_sync_soon task: parked, it is woken with the
         * cancellation; queued already, it first runs a pass as usual and
         * gets the cancellation when it parks again */
        T->shutdown = CS__SD_ENTRY;
        T->entry_cancel = true;
        if (!T->sys_queued) {
            T->entry_final = true;
            T->sys_queued = true;
            cs__trio_reschedule(e, T->sys_task, NULL);
        }
        return;
    default:
        T->shutdown = CS__SD_DONE;
        e->stop = true; /* trio.run() returns */
        return;
    }
}

/* The run_sync_soon task's pass: run_all_bounded(), then park. */
void cs__trio_entry_step(cs__engine *e)
{
    cs__trio_state *T = cs__trio(e);
    T->sys_queued = false;
    if (T->ki_cb)
        cs__trio_ki_cb(e);
    if (T->entry_final) {
        e->calls_refused = true; /* under the lock: no new work from here on */
        cs__trio_thread_reports(e);
        cs__trio_reschedule(e, T->init_task, NULL); /* its nursery was init's last wait */
        return;
    }
    cs__trio_thread_reports(e);
    if (T->entry_cancel) { /* parks again: the pending cancellation lands */
        T->entry_final = true;
        T->sys_queued = true;
        cs__trio_reschedule(e, T->sys_task, NULL);
    }
}
