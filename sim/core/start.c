/* start.c - `value = await tg.start(fn)` and `task_status.started(value)`:
 * what both backends share.  The steps are each backend's (pol->step_start,
 * pol->started: sim/asyncio/aio_start.c, sim/trio/trio_start.c).
 */
#include "interp.h"

int cs__start_raise(cs__engine *e, cs__task *t, cs__completion *c, const char *msg)
{
    cs_exc *x = cs__raise_new(e, t, CS_EXC_RUNTIME_ERROR, msg);
    cs__emit_raise(e, t, x, t->frames[t->nframes - 1].st->pos);
    cs__pop(t);
    *c = cs__c_exc(x);
    return CS__CONT;
}
