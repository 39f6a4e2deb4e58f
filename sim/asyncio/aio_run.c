/* aio_run.c - asyncio.Runner.run(main) and Runner.close() in virtual time. */
#include <stdlib.h>

#include "aio.h"

/* Cancels every task of `v` not done yet; true when there was one. */
static bool cs__cancel_all(cs__engine *e, cs__task **v, uint32_t n)
{
    bool any = false;
    for (uint32_t i = 0; i < n; i++) {
        cs__task *t = v[i];
        if (t->run == CS__TS_DONE)
            continue;
        cs_exc *x = cs__new_exc(e, CS_EXC_CANCELLED, "");
        cs__task_cancel(e, t, x);
        cs_exc_unref(x);
        any = true;
    }
    return any;
}

static bool cs__any_left(const cs__engine *e)
{
    for (uint32_t i = 0; i < e->ntasks; i++)
        if (e->tasks[i]->run != CS__TS_DONE)
            return true;
    for (uint32_t i = 0; i < e->nft; i++)
        if (e->ft_tasks[i]->run != CS__TS_DONE)
            return true;
    return false;
}

/* asyncio.Runner.close(): _cancel_all_tasks() cancels what is left natively
 * (orphans, and the tasks of from_thread calls: all_tasks() holds them too)
 * and runs the loop until they are done, then gather's and
 * run_until_complete's callbacks, two iterations more; shutdown_asyncgens()
 * and shutdown_default_executor() each run the loop twice more (the
 * coroutine's step, then its done callback), without waiting; then the loop
 * is closed and what is still queued never runs.  Handles queued by worker
 * threads (a from_thread call, a thread's result) run in those iterations
 * if they come in time.  A Ctrl+C meanwhile (the default SIGINT handler is
 * back: KeyboardInterrupt out of close()) ends it there (aio_sigint.c). */
static void cs__shutdown(cs__engine *e)
{
    bool any = cs__cancel_all(e, e->tasks, e->ntasks);
    any |= cs__cancel_all(e, e->ft_tasks, e->nft);
    e->stop = false;
    cs__aio(e)->escape = false;
    if (any) {
        /* each iteration finishes a task or waits for a timer: bounded as the run is */
        while (cs__any_left(e) && !e->aborted && !cs__aio(e)->escape && cs__loop_run_once(e))
            ;
        cs__loop_spin(e, 2);
    }
    cs__loop_spin(e, 4);
}

/* asyncio.Runner.run(main): run until main is done, then close. */
void cs__aio_run(cs__engine *e)
{
    cs__task *m = e->tasks[0];
    cs__call_soon(e, CS__CB_TASK_STEP, m, NULL);
    cs__loop_run(e);
    cs__aio_sigint_result(e);
    if (!e->aborted && (m->run == CS__TS_DONE || e->escaped))
        cs__shutdown(e);
}
