/* backend_op.c - runs a backend-specific statement through the policy table
 * (backend_op.h). */
#include "backend_op.h"

#include "policy.h"

int cs__exec_backend_op(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c)
{
    if (!e->pol->exec_native) { /* the loader refuses this: a guard, not a path */
        cs__fail_scenario(e, st->pos, "this statement does not exist on this backend");
        e->error = CS_E_UNSUPPORTED;
        return CS__YIELD;
    }
    return e->pol->exec_native(e, t, st, c);
}
