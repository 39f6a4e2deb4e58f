/* scope_manual.c - cancel scopes entered and exited by hand (issue 19):
 * `scope_enter` is `s = CancelScope(...); s.__enter__()` and `scope_exit` is
 * `s.__exit__(None, None, None)`, in any task and any order.  No frame holds
 * such a scope: it stays entered in the task's scope chain until something
 * exits it, so the exits of the `with` blocks around it (and of a task's
 * TaskHandle scope) can find it in their way.  That is why, once a scenario
 * has a scope_enter, every scope exit asks the backend whether it is in order
 * (pol->scope_exit_misuse): AnyIO's asyncio CancelScope refuses with
 * RuntimeError and changes nothing; Trio closes a misnested scope anyway,
 * abandoning the ones inside it, and refuses one from an unrelated task.
 */
#include <math.h>

#include "interp.h"
#include "policy.h"

/* s.__exit__() by task t with what the block was leaving with (c, owned):
 * the RuntimeError of a misuse replaces it, with it as the __context__. */
cs__completion cs__scope_exit_checked(cs__engine *e, cs__scope *s, cs__task *t, cs__completion c, cs_pos pos)
{
    char msg[512];
    cs__exit_misuse m = e->pol->scope_exit_misuse(e, s, t, msg, sizeof msg);
    if (m == CS__EXIT_IN_ORDER)
        return e->pol->scope_exit(e, s, c);
    if (m == CS__EXIT_NOT_MODELLED) {
        cs__fail_scenario(e, pos, "this out-of-order exit of a cancel scope is not modelled on this backend");
        e->error = CS_E_UNSUPPORTED;
        return c;
    }
    cs_exc *x = cs__new_exc(e, CS_EXC_RUNTIME_ERROR, msg);
    if (c.type == CS__C_EXC) {
        cs_exc_set_context(x, c.exc);
        cs_exc_unref(c.exc);
    }
    cs__emit_raise(e, t, x, pos);
    if (m == CS__EXIT_CLOSED_ANYWAY)
        return e->pol->scope_exit(e, s, cs__c_exc(x));
    return cs__c_exc(x);
}

static int cs__scope_enter_by_hand(cs__engine *e, cs__task *t, const cs_stmt *st)
{
    const char *inst = cs__instance_name(e, st->name);
    cs__scope *s = cs__scope_new(e, inst, CS_KIND_CANCEL_SCOPE, st->has_num ? st->num : INFINITY, st->shield);
    e->scope_latest[st->decl] = s->id;
    cs__flow_scope_entered(e, t, st, s->id);
    e->emit_pos = st->pos;
    cs__scope_enter(e, s, t);
    e->emit_pos = (cs_pos){0, 0};
    return CS__CONT;
}

/* scope_enter, scope_exit */
int cs__exec_scope_manual(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c)
{
    if (st->op == CS_OP_SCOPE_ENTER)
        return cs__scope_enter_by_hand(e, t, st);
    cs__scope *s = cs__scope_ref(e, st, st->ref);
    if (!s)
        return CS__YIELD;
    cs_event ev; /* the call itself, so findings see an exit from another task even when it is refused */
    cs__ev_init(e, &ev, CS_EV_SCOPE_EXIT_CALL);
    ev.task = t->id;
    ev.scope = s->id;
    ev.pos = st->pos;
    cs__emit(e, &ev);
    cs__completion out = cs__scope_exit_checked(e, s, t, (cs__completion){.type = CS__C_NORMAL}, st->pos);
    if (e->error)
        return CS__YIELD;
    *c = out; /* __exit__(None, None, None) returns False: nothing to swallow */
    return CS__CONT;
}
