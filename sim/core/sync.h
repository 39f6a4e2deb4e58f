/* sync.h - Lock, Semaphore and CapacityLimiter: the state both backends keep
 * (sync.c), for their acquire steps and release (pol->step_sync,
 * pol->prim_release: sim/asyncio/aio_sync.c, sim/trio/trio_sync.c). */
#ifndef CS_SYNC_H
#define CS_SYNC_H

#include "interp.h"

/* The SYNC frame's phases. */
enum { SY_START, SY_CIC, SY_CSC, SY_WAIT, SY_BODY };

void cs__prims_init(cs__engine *e);
void cs__prims_free(cs__engine *e);
cs__prim *cs__prim_of(cs__engine *e, const cs_stmt *st);
/* The same, for task t running st: a parameter may hold the object (dataflow.c). */
cs__prim *cs__prim_of_task(cs__engine *e, cs__task *t, const cs_stmt *st);
/* Hands the primitive to the next waiter, or puts it back (pol->prim_release). */
void cs__prim_release(cs__engine *e, cs__prim *p, cs__task *borrower);
/* Removes t's entry (a waiter that gave up); true if it was there. */
bool cs__prim_forget(cs__engine *e, cs__prim *p, cs__task *t);
bool cs__limiter_free(const cs__prim *p);
/* Can it be taken at once (no waiter ahead)? */
bool cs__prim_available(const cs__prim *p);
/* A limiter's borrowers: task t, or NAME when name is not NULL
 * (acquire_on_behalf_of); neither: a placeholder, not listed. */
bool cs__prim_borrowing(const cs__prim *p, const cs__task *t, const char *name);
void cs__prim_borrow(cs__prim *p, cs__task *t, const char *name);
void cs__prim_unborrow(cs__prim *p, const cs__task *t, const char *name);
/* Takes it for t (a limiter: t or name borrows; neither: a placeholder). */
void cs__prim_take(cs__prim *p, cs__task *t, const char *name);
void cs__prim_queue(cs__prim *p, cs__task *t, cs__wait *w, bool placeholder, const char *behalf);
/* The borrower name of an acquire_on_behalf_of in frame f, or NULL. */
static inline const char *cs__prim_behalf(const cs__frame *f)
{
    return f->st->op == CS_OP_ACQUIRE ? f->st->text : NULL;
}
/* Issue 18's statements (prim_ops.c): acquire pushes the SYNC frame;
 * acquire_nowait, release, total_tokens and statistics run at once. */
int cs__exec_prim(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c);
/* RuntimeError / ValueError for t's release of p (NULL: allowed), the
 * checks both backends make in the same words; a Lock's and a full
 * Semaphore's are the rooms' (pol->prim_release_user). */
cs_exc *cs__prim_limiter_release_check(cs__engine *e, cs__task *t, const cs__prim *p, const char *behalf);
cs__waiter cs__prim_pop_first(cs__prim *p);
/* Acquired: run the body (async with), or, for to_thread's limiter (idx 1),
 * hand back holding it. */
int cs__prim_acquired(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c);
/* RuntimeError for a lock its owner acquires again (AnyIO's wording). */
/* What a task waiting for p in frame f waits on, for deadlock reports. */
const char *cs__prim_wait_label(const cs__engine *e, const cs__frame *f, const cs__prim *p);
int cs__prim_reacquired(cs__engine *e, cs__task *t, cs__completion *c);
/* A Lock task t owns (it took it with acquire() and is ending), or NULL. */
cs__prim *cs__lock_held_by(cs__engine *e, const cs__task *t);

#endif
