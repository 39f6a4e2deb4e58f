/* load_walk.c - the loader's one traversal: an explicit stack of body frames
 * walked in preorder, in the oracle's order (a statement, then its bodies: try
 * body, handlers, else, finally), so the first error found is the oracle's,
 * and neither deep nesting nor long `call` chains use the C stack.  Each frame
 * carries the context bits of check_context (CS__CX_*) and its nesting level.
 */
#include <stdlib.h>

#include "load_internal.h"
#include "util.h"

void cs__walk_push(cs__walk *w, const cs_body *b, uint32_t level, unsigned ctx)
{
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 32;
        w->v = cs_xrealloc(w->v, w->cap * sizeof *w->v);
    }
    w->v[w->n++] = (cs__frame){(cs_stmt *)b->items, b->n, 0, level, ctx};
}

/* Pushes st's bodies in reverse, so that they are walked in order. */
static void cs__push_bodies(cs__walk *w, const cs_stmt *st, uint32_t level, unsigned cx)
{
    level++;
    switch (st->op) {
    case CS_OP_TRY:
        if (st->has_finally)
            cs__walk_push(w, &st->finally_body, level, cx);
        if (st->has_else)
            cs__walk_push(w, &st->else_body, level, cx);
        for (uint32_t h = st->nhandlers; h-- > 0;)
            cs__walk_push(w, &st->handlers[h].body, level, cx | CS__CX_IN_HANDLER | (st->star ? CS__CX_IN_STAR : 0));
        cs__walk_push(w, &st->body, level, cx);
        break;
    case CS_OP_TO_THREAD:
        cs__walk_push(w, &st->body, level, (cx & (CS__CX_HAS_TG | CS__CX_IN_START)) | CS__CX_IN_THREAD);
        break;
    case CS_OP_PLAIN_THREAD: /* issue 26: a thread of "threads" */
        cs__walk_push(w, &st->body, level, CS__CX_IN_THREAD | CS__CX_IN_PLAIN);
        break;
    case CS_OP_FROM_THREAD: cs__walk_push(w, &st->body, level, cx & (CS__CX_HAS_TG | CS__CX_IN_START)); break;
    case CS_OP_FROM_THREAD_SYNC: /* issue 26 */
        cs__walk_push(w, &st->body, level, (cx & (CS__CX_HAS_TG | CS__CX_IN_START)) | CS__CX_IN_SYNC);
        break;
    /* issue 26: a portal's body has no task group of its own to start_soon
     * into (the portal's is not the program's), nor has a portal call's */
    case CS_OP_BLOCKING_PORTAL: cs__walk_push(w, &st->body, level, cx & ~(unsigned)CS__CX_HAS_TG); break;
    case CS_OP_PORTAL_CALL:
    case CS_OP_PORTAL_START_TASK_SOON: cs__walk_push(w, &st->body, level, 0); break;
    case CS_OP_PORTAL_START_TASK: cs__walk_push(w, &st->body, level, CS__CX_IN_START); break;
    case CS_OP_START_SOON:
    case CS_OP_CREATE_TASK:
    case CS_OP_ASYNCIO_CREATE_TASK:
    case CS_OP_ASYNCIO_TG_CREATE_TASK:
    case CS_OP_WAIT_FOR: cs__walk_push(w, &st->body, level, cx & CS__CX_HAS_TG); break;
    case CS_OP_ASYNCIO_TASK_GROUP: cs__walk_push(w, &st->body, level, cx | CS__CX_IN_ATG); break;
    case CS_OP_ASYNCIO_TIMEOUT:
    case CS_OP_ASYNCIO_TIMEOUT_AT: cs__walk_push(w, &st->body, level, cx); break;
    case CS_OP_START: cs__walk_push(w, &st->body, level, (cx & CS__CX_HAS_TG) | CS__CX_IN_START); break;
    case CS_OP_TASK_GROUP: cs__walk_push(w, &st->body, level, cx | CS__CX_HAS_TG); break;
    case CS_OP_CANCEL_SCOPE:
    case CS_OP_MOVE_ON_AFTER:
    case CS_OP_FAIL_AFTER:
    case CS_OP_MOVE_ON_AT:
    case CS_OP_FAIL_AT:
    case CS_OP_WITH_LOCK:
    case CS_OP_WITH_SEMAPHORE:
    case CS_OP_WITH_LIMITER:
    case CS_OP_REPEAT:
    case CS_OP_ASYNC_FOR:
    case CS_OP_WITH_STREAM:
    case CS_OP_WITH_CONDITION:
    case CS_OP_ASYNC_WITH: /* the consumer's body, in the consumer's function */
    case CS_OP_ACLOSING:
    case CS_OP_REENTER:
    case CS_OP_LOOP: cs__walk_push(w, &st->body, level, cx); break;
    case CS_OP_IF:
        if (st->flow->has_else)
            cs__walk_push(w, &(cs_body){st->flow->else_items, st->flow->nelse}, level, cx);
        cs__walk_push(w, &st->body, level, cx);
        break;
    default: break;
    }
}

/* Walks body b (its statements at `level`) in preorder, calling fn on every
 * statement and thread step. */
int cs__walk_body(cs__loader *ld, const cs_body *b, uint32_t level, unsigned ctx, cs__visit_fn fn, void *user)
{
    cs__walk w = {0};
    int rc = 0;
    cs__walk_push(&w, b, level, ctx);
    while (w.n) {
        cs__frame *f = &w.v[w.n - 1];
        if (f->i == f->n) {
            w.n--;
            continue;
        }
        cs_stmt *st = &f->items[f->i++];
        uint32_t lv = f->level;
        unsigned cx = f->ctx;
        if ((rc = fn(ld, &w, st, lv, cx, user)) < 0)
            break;
        cs__push_bodies(&w, st, lv, cx);
    }
    free(w.v);
    return rc;
}

/* Runs fn over main, then every function, as the oracle's all_bodies(). */
int cs__walk_all(cs__loader *ld, cs__visit_fn fn, void *user)
{
    if (cs__walk_body(ld, &ld->prog->main, 1, 0, fn, user) < 0)
        return -1;
    for (uint32_t i = 0; i < ld->prog->nfunctions; i++)
        if (cs__walk_body(ld, &ld->prog->functions[i].body, 1, 0, fn, user) < 0)
            return -1;
    /* issue 26: the threads of "threads", each a statement holding its steps */
    const cs_body threads = {ld->prog->plain_threads, ld->prog->nplain_threads};
    return threads.n ? cs__walk_body(ld, &threads, 0, CS__CX_IN_THREAD | CS__CX_IN_PLAIN, fn, user) : 0;
}
