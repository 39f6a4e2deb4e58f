/* condition.h - anyio.Condition in the engine (condition.c).
 *
 * AnyIO's Condition is backend-free code over a Lock, an Event per waiter,
 * checkpoint_if_cancelled() and a shielded CancelScope; the Lock is the
 * engine's lock model (sync.c), the rest goes through the policy table.
 */
#ifndef CS_CONDITION_H
#define CS_CONDITION_H

#include "engine_internal.h"

typedef struct cs__cond {
    cs__prim *lock;      /* the declared lock it shares, or `own` */
    cs__prim own;        /* Condition(): its own Lock */
    cs__task *owner;     /* Condition._owner_task (never cleared, as AnyIO) */
    cs__event **waiters; /* Condition._waiters, a deque (owned) */
    uint32_t head, n, cap;
    char *label; /* "condition C" (owned) */
} cs__cond;

void cs__conds_init(cs__engine *e);
void cs__conds_free(cs__engine *e);
/* The lock of condition i (what sync.c's frame acquires for it). */
cs__prim *cs__cond_lock(cs__engine *e, int32_t i);
/* sync.c: `async with cond` (or wait()'s re-acquire) got the lock. */
void cs__cond_acquired(cs__engine *e, int32_t i, cs__task *t);
const char *cs__cond_label(const cs__engine *e, int32_t i);
/* How many tasks wait in condition i's wait() (statistics().tasks_waiting; issue 18). */
uint32_t cs__cond_waiting(const cs__engine *e, int32_t i);
int cs__exec_condition(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c);
int cs__step_condition(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c);

#endif
