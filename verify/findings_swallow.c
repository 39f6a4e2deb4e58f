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
 * way to swallow a cancellation on purpose); what is left when the run ends is
 * reported with the handler's position.
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
    free(s->sent);
    free(s->count);
    memset(s, 0, sizeof *s);
}

/* The same exception seen after its catch: it was not swallowed. */
void cs__swallow_seen(cs__swallow *s, const cs_exc *x)
{
    if (!x || !x->id)
        return;
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].live && s->v[i].exc_id == x->id)
            s->v[i].live = false;
    for (uint32_t m = 0; m < x->nmembers; m++) /* a group carrying it on (one level) */
        for (size_t i = 0; i < s->n; i++)
            if (s->v[i].live && x->members[m]->id == s->v[i].exc_id)
                s->v[i].live = false;
}

/* The task's cancelling() as the trace last told it (-1: unknown, or risen since). */
static int64_t *cs__swallow_count(cs__swallow *s, int32_t task)
{
    assert(task >= 0);
    if ((size_t)task >= s->ncount) {
        size_t n = s->ncount ? s->ncount : 8;
        while (n <= (size_t)task)
            n *= 2;
        s->count = cs_xrealloc(s->count, n * sizeof *s->count);
        for (size_t i = s->ncount; i < n; i++)
            s->count[i] = -1;
        s->ncount = n;
    }
    return &s->count[task];
}

void cs__swallow_sent(cs__swallow *s, const cs_exc *x, int32_t task, uint32_t count)
{
    if (!x || !x->id || task < 0)
        return;
    *cs__swallow_count(s, task) = count;
    if (s->nsent == s->cap_sent) {
        s->cap_sent = s->cap_sent ? s->cap_sent * 2 : 8;
        s->sent = cs_xrealloc(s->sent, s->cap_sent * sizeof *s->sent);
    }
    s->sent[s->nsent++] = (cs__native_sent){x->id, task};
}

void cs__swallow_uncancel(cs__swallow *s, int32_t task, uint32_t count, const char *by)
{
    if (task < 0)
        return;
    *cs__swallow_count(s, task) = count;
    if (count > 0 || by) /* asyncio.timeout's and the scopes' own uncancel() acknowledge their own */
        return;
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].live && s->v[i].task == task)
            s->v[i].live = false;
}

/* Whether x was thrown into `task` by a native cancel() of it. */
static bool cs__swallow_was_sent(const cs__swallow *s, const cs_exc *x, int32_t task)
{
    for (size_t i = s->nsent; i-- > 0;) /* the latest first: a catch follows its delivery closely */
        if (s->sent[i].exc_id == x->id && s->sent[i].task == task)
            return true;
    return false;
}

void cs__swallow_catch(cs__swallow *s, const cs_exc *x, int32_t task, int32_t scope, cs_pos pos, int64_t t)
{
    cs__swallow_seen(s, x); /* caught again further out */
    if (!s->asyncio || !x || x->cls != CS_EXC_CANCELLED || !x->id || cs_exc_is_group(x) ||
        !cs__swallow_was_sent(s, x, task))
        return;
    /* with the count at 0 nothing is lost: uncancel() withdrew the request before it arrived, or
     * its sender did before a scope swallowed it (asyncio.timeout's exit, then the scope's own) */
    if (*cs__swallow_count(s, task) == 0)
        return;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->v = cs_xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = (cs__swallowed){x->id, task, scope, pos, t, true};
}

const cs__swallowed *cs__swallow_first(const cs__swallow *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].live)
            return &s->v[i];
    return NULL;
}
