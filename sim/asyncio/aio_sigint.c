/* aio_sigint.c - Ctrl+C on asyncio (issue 26): asyncio.Runner (CPython 3.11)
 * as anyio.run() uses it.
 *
 * Runner.run() installs _on_sigint for SIGINT: the first one cancels the
 * main task natively (Task.cancel(): an AnyIO shield does not stop it) and
 * wakes the loop with call_soon_threadsafe(lambda: None); any later one, or
 * one after main is done, raises KeyboardInterrupt where the code is (a
 * task's code: the task raises it; the loop's own: it leaves
 * run_until_complete, and the Runner cancels what is left, as for a
 * KeyboardInterrupt a task raised).  When main then ends with a bare
 * CancelledError and the interrupt count is not 0, run() raises
 * KeyboardInterrupt instead (Task.uncancel() of the one cancel() it made
 * gives 0); if main caught the cancellation and returned, or ended with
 * another exception, that is the outcome.
 */
#include "aio.h"

static cs_exc *cs__ki_new(cs__engine *e)
{
    cs_exc *x = cs__new_exc(e, CS_EXC_KEYBOARD_INTERRUPT, "");
    x->noargs = true;
    return x;
}

cs_exc *cs__aio_sigint(cs__engine *e, cs__task *t)
{
    cs__aio_loop *L = cs__aio(e);
    cs__task *m = e->tasks[0];
    L->interrupts++;
    if (L->interrupts == 1 && m->run != CS__TS_DONE) {
        cs_exc *x = cs__new_exc(e, CS_EXC_CANCELLED, "");
        cs__task_cancel(e, m, x);
        cs_exc_unref(x);
        cs__call_soon(e, CS__CB_NOOP, NULL, NULL);
        return NULL;
    }
    if (t)
        return cs__raise_new(e, t, CS_EXC_KEYBOARD_INTERRUPT, NULL);
    if (!e->escaped) { /* out of the loop's own code: run_until_complete raises it */
        e->escaped = cs__ki_new(e);
        L->escape = true;
    }
    return NULL;
}

void cs__aio_sigint_result(cs__engine *e)
{
    cs__task *m = e->tasks[0];
    if (!cs__aio(e)->interrupts || e->aborted || e->escaped || m->run != CS__TS_DONE)
        return;
    if (m->result.type == CS__C_EXC && m->result.exc->cls == CS_EXC_CANCELLED)
        e->escaped = cs__ki_new(e);
}
