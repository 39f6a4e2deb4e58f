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

int cs__start_done(cs__engine *e, cs__task *t, cs__completion *c, cs__completion out, cs__task *child)
{
    const cs_stmt *st = t->frames[t->nframes - 1].st;
    cs__pop(t);
    if (out.type == CS__C_NORMAL) /* `as`: what started() was given (dataflow.c) */
        cs__flow_bind(e, t, st, cs__rare(child)->start_value);
    *c = out;
    return CS__CONT;
}

void cs__start_record(cs__engine *e, cs__task *t, const cs_stmt *st)
{
    cs__rare_mut(e, t)->start_value = st->value_json;
}
