/* load_native.c - the loader's part of native asyncio inside AnyIO code
 * (asyncio_create_task, asyncio_await, asyncio_cancel, uncancel,
 * asyncio_probe, asyncio_timeout, asyncio_timeout_at): statements that exist
 * on asyncio only, so a scenario that would run them on Trio is refused
 * here, at the statement, before anything runs.
 */
#include <string.h>

#include "load_internal.h"

bool cs__op_is_native(cs_op op)
{
    return op >= CS_OP_ASYNCIO_CREATE_TASK && op <= CS_OP_FUTURE_CANCEL;
}

static const char *const cs__native_probes[] = {"cancelling", "done", "cancelled"};

int cs__native_stmt_rules(cs__loader *ld, const json_t *x, uint32_t node, cs_stmt *st)
{
    char r[256];
    if (!cs__op_is_native(st->op))
        return 0;
    if (ld->prog->run_trio)
        return cs__fail(ld, st->pos,
                        "this statement is native asyncio (asyncio backend only): the scenario must declare "
                        "\"backends\": [\"asyncio\"]");
    ld->prog->native_ops = true;
    if (st->op != CS_OP_ASYNCIO_PROBE)
        return 0;
    for (int i = 0; i < 3; i++)
        if (strcmp(st->text, cs__native_probes[i]) == 0) {
            st->count = i;
            return 0;
        }
    return cs__fail(ld, cs__vpos(ld, cs__member(ld, x, node, "asyncio_probe")),
                    "unknown asyncio_probe %s (expected 'cancelling', 'done' or 'cancelled')",
                    cs__repr(r, sizeof r, st->text));
}

int cs__native_resolve(cs__loader *ld, cs_stmt *st, const char *name)
{
    char q[256];
    if (!name) /* a probe of the current task */
        return 0;
    int32_t d = cs__strmap_get(&ld->decls, name);
    bool want_future =
        st->op == CS_OP_AWAIT_FUTURE || st->op == CS_OP_FUTURE_SET_RESULT || st->op == CS_OP_FUTURE_CANCEL;
    if (want_future) {
        if (d < 0 || !(d & CS__DECL_TASK) || ld->tasks.v[d & ~CS__DECL_TASK].kind != CS_OP_ASYNCIO_FUTURE)
            return cs__fail(ld, st->pos, "%s is not a future made with asyncio_future", cs__repr(q, sizeof q, name));
        st->ref = d & ~CS__DECL_TASK;
        return 0;
    }
    int kind = d >= 0 && (d & CS__DECL_TASK) ? ld->tasks.v[d & ~CS__DECL_TASK].kind : -1;
    if (kind != CS_OP_ASYNCIO_CREATE_TASK && kind != CS_OP_WAIT_FOR && kind != CS_OP_ASYNCIO_TG_CREATE_TASK)
        return cs__fail(ld, st->pos, "%s is not a native task (asyncio_create_task, wait_for, asyncio_tg_create_task)",
                        cs__repr(q, sizeof q, name));
    st->ref = d & ~CS__DECL_TASK;
    return 0;
}
