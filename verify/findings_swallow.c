/* findings_swallow.c - the swallowed_cancellation finding, from the trace
 * alone.
 *
 * On asyncio a CancelledError that a native Task.cancel() sent (of a task made
 * by asyncio.create_task, asyncio.timeout, wait_for, asyncio.TaskGroup, the
 * runner's shutdown) is edge-triggered: nothing delivers it again.  The
 * engine says when such a CancelledError is thrown into the task it was meant
 * for (the native_cancel event); a handler of that task that catches it and
 * ends without letting it out loses the cancellation for good.  Only those are
 * suspects: the CancelledError `await t` raises after another task t was
 * cancelled was never sent to the awaiter, which is right to catch it, and an
 * AnyIO scope's own cancellation comes back at the next checkpoint (nor is
 * anything on Trio, whose cancellations are all level-triggered).  A catch
 * opens a suspicion on the exception's id; the same id seen again (caught
 * further out, leaving a scope, a task or the run) clears it, and so does the
 * task's own uncancel() bringing its cancelling() back to 0 (the documented
 * way to swallow a cancellation on purpose), or an asyncio.TaskGroup's exit
 * doing so (the group withdraws the cancel it sent its parent); with the count already 0 when it
 * is caught (the request was withdrawn) there is nothing to lose.  What is left
 * when the run ends is reported with the handler's position.
 *
 * An AnyIO scope that catches such a CancelledError is a suspect too: that
 * happens when a native cancel() and the scope's own cancellation reached the
 * task in the same loop iteration and asyncio folded them into the scope's
 * exception, which the scope then takes for its own and swallows (AnyIO
 * #1214).
 */
#include "findings_internal.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void cs__swallow_free(cs__swallow *s)
{
    free(s->v);
    free(s->slots);
    free(s->tasks);
    memset(s, 0, sizeof *s);
}

static size_t cs__swallow_slot(const cs__swallow *s, uint32_t id)
{
    size_t mask = s->nslots - 1, i = (id * 2654435761u) & mask;
    while (s->slots[i] && s->v[s->slots[i] - 1].exc_id != id)
        i = (i + 1) & mask; /* never full: nslots >= 2 n */
    return i;
}

static void cs__swallow_rehash(cs__swallow *s)
{
    size_t m = s->nslots ? s->nslots * 2 : 16;
    free(s->slots);
    s->slots = cs_xcalloc(m, sizeof *s->slots);
    s->nslots = m;
    for (size_t k = 0; k < s->n; k++) /* later catches of an id overwrite earlier ones */
        s->slots[cs__swallow_slot(s, s->v[k].exc_id)] = (uint32_t)(k + 1);
}

static void cs__swallow_kill(cs__swallow *s, uint32_t id)
{
    if (!s->nslots)
        return;
    size_t i = cs__swallow_slot(s, id);
    if (s->slots[i])
        s->v[s->slots[i] - 1].live = false;
}

/* The same exception seen after its catch: it was not swallowed. */
void cs__swallow_seen(cs__swallow *s, const cs_exc *x)
{
    if (!x || !x->id)
        return;
    cs__swallow_kill(s, x->id);
    for (uint32_t m = 0; m < x->nmembers; m++) /* a group carrying it on (one level) */
        cs__swallow_kill(s, x->members[m]->id);
}

/* The task's record, grown on demand (task ids are dense). */
static cs__swallow_task *cs__swallow_task_of(cs__swallow *s, int32_t task)
{
    assert(task >= 0);
    if ((size_t)task >= s->ntasks) {
        size_t n = s->ntasks ? s->ntasks : 8;
        while (n <= (size_t)task)
            n *= 2;
        s->tasks = cs_xrealloc(s->tasks, n * sizeof *s->tasks);
        memset(s->tasks + s->ntasks, 0, (n - s->ntasks) * sizeof *s->tasks);
        for (size_t i = s->ntasks; i < n; i++)
            s->tasks[i].count = -1;
        s->ntasks = n;
    }
    return &s->tasks[task];
}

void cs__swallow_sent(cs__swallow *s, const cs_exc *x, int32_t task, uint32_t count)
{
    if (!x || !x->id || task < 0)
        return;
    cs__swallow_task *r = cs__swallow_task_of(s, task);
    r->count = count;
    r->sent[r->nsent++ % CS__SWALLOW_SENT] = x->id;
}

void cs__swallow_uncancel(cs__swallow *s, int32_t task, uint32_t count, const char *by)
{
    if (task < 0)
        return;
    cs__swallow_task *r = cs__swallow_task_of(s, task);
    r->count = count;
    /* asyncio.TaskGroup's __aexit__ withdraws the cancel it sent its parent whatever the body did
     * with it (it still raises its tasks' errors: a body that caught the CancelledError only ran
     * on until the exit, gh-95289); asyncio.timeout's and the scopes' own uncancel() do not
     * acknowledge a swallow in their body (the timeout then raises no TimeoutError: it is lost) */
    if (count == 0 && (!by || strcmp(by, "asyncio.TaskGroup") == 0))
        r->epoch++;
}

void cs__swallow_catch(cs__swallow *s, const cs_exc *x, int32_t task, int32_t scope, bool wait_for, cs_pos pos,
                       int64_t t)
{
    cs__swallow_seen(s, x); /* caught again further out */
    if (!s->asyncio || !x || x->cls != CS_EXC_CANCELLED || !x->id || cs_exc_is_group(x) || task < 0)
        return;
    cs__swallow_task *r = cs__swallow_task_of(s, task);
    bool sent = false; /* thrown into this task by a native cancel() of it (a recent one) */
    for (uint32_t i = 0; i < CS__SWALLOW_SENT && i < r->nsent; i++)
        sent |= r->sent[i] == x->id;
    /* with the count at 0 nothing is lost: uncancel() withdrew the request before it arrived, or
     * its sender did before a scope swallowed it (asyncio.timeout's exit, then the scope's own) */
    if (!sent || r->count == 0)
        return;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->v = cs_xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = (cs__swallowed){x->id, task, scope, wait_for, r->epoch, pos, t, true};
    if (2 * s->n > s->nslots)
        cs__swallow_rehash(s);
    else
        s->slots[cs__swallow_slot(s, x->id)] = (uint32_t)s->n;
}

const cs__swallowed *cs__swallow_first(cs__swallow *s)
{
    for (; s->head < s->n; s->head++) {
        const cs__swallowed *w = &s->v[s->head];
        if (w->live && w->epoch == cs__swallow_task_of(s, w->task)->epoch)
            return w;
    }
    return NULL;
}
