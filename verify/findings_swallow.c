/* findings_swallow.c - the swallowed_cancellation finding, from the trace
 * alone.
 *
 * On asyncio a CancelledError that no AnyIO scope sent (Task.cancel() of a
 * native task, asyncio.timeout, the runner's shutdown) is edge-triggered:
 * nothing delivers it again.  A handler that catches it and ends without
 * letting it out loses the cancellation for good (an AnyIO scope's own
 * CancelledError, recognised as AnyIO recognises it by its message "Cancelled
 * via cancel scope", comes back at the next checkpoint, so swallowing it is
 * not reported; nor is anything on Trio, whose cancellations are all
 * level-triggered).  A catch opens a suspicion on the exception's id; the
 * same id seen again (caught further out, leaving a scope, a task or the run)
 * clears it; what is left when the run ends is reported with the handler's
 * position.
 */
#include "findings_internal.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void cs__swallow_free(cs__swallow *s)
{
    free(s->v);
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

void cs__swallow_catch(cs__swallow *s, const cs_exc *x, int32_t task, cs_pos pos, int64_t t)
{
    static const char anyio[] = "Cancelled via cancel scope";
    cs__swallow_seen(s, x); /* caught again further out */
    if (!s->asyncio || !x || x->cls != CS_EXC_CANCELLED || !x->id || cs_exc_is_group(x) ||
        (x->message && strncmp(x->message, anyio, sizeof anyio - 1) == 0))
        return;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->v = cs_xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = (cs__swallowed){x->id, task, pos, t, true};
}

const cs__swallowed *cs__swallow_first(const cs__swallow *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].live)
            return &s->v[i];
    return NULL;
}
