/* handle_value.c - `v = handle.return_value` on an AnyIO 4.14 TaskHandle
 * (anyio/_core/_tasks.py): no await, so the task may not have finished.
 *
 * By TaskHandle.status: pending (not finished, its scope not cancelled)
 * raises TaskNotFinished("the task has not finished yet"); cancelling (its
 * cancel() called, not finished) TaskCancelled("the task was cancelled");
 * cancelled, TaskCancelled from the task's cancellation; failed,
 * TaskFailed("the task raised an exception") from its exception; finished,
 * the value.  TaskNotFinished is no built-in class of the format (the list
 * is the trace's contract): the loader adds it when the statement is used.
 */
#include "interp.h"
#include "policy.h"
#include "util.h"

int cs__exec_task_return_value(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c)
{
    int32_t id = st->ref >= 0 ? e->task_latest[st->ref] : -1;
    if (id < 0) {
        cs__fail_scenario(e, st->pos, "task '%s' is used before it was created", e->prog->tasks[st->ref].name);
        return CS__YIELD;
    }
    const cs__task *h = e->tasks[id];
    cs_exc *x = NULL;
    if (!cs__rare(h)->finished->value) {
        bool cancelling = e->pol->scope_cancel_called(e, cs__handle_scope(e, h));
        x = cancelling ? cs__raise_new(e, t, CS_EXC_TASK_CANCELLED, "the task was cancelled")
                       : cs__raise_new(e, t, e->prog->task_not_finished_cls, "the task has not finished yet");
    } else if (h->body.type == CS__C_EXC) {
        bool cancelled = h->body.exc->cls == CS_EXC_CANCELLED;
        x = cs__raise_new(e, t, cancelled ? CS_EXC_TASK_CANCELLED : CS_EXC_TASK_FAILED,
                          cancelled ? "the task was cancelled" : "the task raised an exception");
        cs_exc_set_context(x, h->body.exc); /* raise ... from self._exception */
    }
    if (x) {
        cs__emit_raise(e, t, x, st->pos);
        *c = cs__c_exc(x);
        return CS__CONT;
    }
    cs__flow_bind(e, t, st, h->body.type == CS__C_RETURN ? h->body.value_json : NULL);
    return CS__CONT;
}
