/* policy.h - where the two backends differ, behind one table.
 *
 * The core (interp.c, frames.c, try.c) runs statements the same way on both
 * backends and calls through cs__policy wherever AnyIO on asyncio and AnyIO on
 * Trio behave differently: how a scope delivers and swallows cancellation, what
 * a checkpoint or sleep is, how a task group waits and aggregates, how tasks
 * are scheduled.  asyncio's table is in policy_asyncio.c, Trio's in trio_*.c.
 */
#ifndef CS_POLICY_H
#define CS_POLICY_H

#include "engine_internal.h"

typedef struct cs__policy {
    void (*scope_enter)(cs__engine *e, cs__scope *s, cs__task *t);
    cs__completion (*scope_exit)(cs__engine *e, cs__scope *s, cs__completion c);
    void (*scope_cancel)(cs__engine *e, cs__scope *s, const char *reason, cs_cancel_cause cause);
    void (*scope_set_deadline)(cs__engine *e, cs__scope *s, double deadline);
    void (*scope_set_shield)(cs__engine *e, cs__scope *s, bool shield);
    /* the cancel_called property as a probe reads it (Trio checks deadlines lazily) */
    bool (*scope_cancel_called)(cs__engine *e, cs__scope *s);
    double (*effective_deadline)(const cs__engine *e, const cs__task *t);
    /* anyio.sleep(delay) for any delay (negative, 0, inf) */
    int (*sleep)(cs__engine *e, cs__task *t, double delay, const char *label, cs__fut **yf);
    int (*checkpoint)(cs__engine *e, cs__task *t, const cs_stmt *st, cs__fut **yf);
    int (*checkpoint_if_cancelled)(cs__engine *e, cs__task *t, const cs_stmt *st, cs__fut **yf);
    int (*cancel_shielded_checkpoint)(cs__engine *e, cs__task *t, const cs_stmt *st, cs__fut **yf);
    int (*step_tg)(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c, cs__fut **yf);
    /* tg.start_soon(): NULL, or the exception the call raises (new reference) */
    cs_exc *(*spawn)(cs__engine *e, cs__tg *g, cs__task *parent, const char *name, int64_t index, const cs_stmt *st);
    int (*event_wait)(cs__engine *e, cs__task *t, cs__event *ev, cs__fut **yf);
    void (*event_set)(cs__engine *e, cs__event *ev);
    /* runs main to its end, a deadlock or a limit */
    void (*run)(cs__engine *e);
} cs__policy;

extern const cs__policy cs__policy_asyncio;
extern const cs__policy cs__policy_trio;

#endif
