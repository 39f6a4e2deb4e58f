/* load_flow.c - checks on how control flows through the program: no
 * recursion through `call` (the oracle's check_recursion), statements only
 * where Python allows them (check_context), and the deepest nesting of bodies
 * at run time (max_depth), which counts a called function's body one level
 * below its `call`.
 *
 * The call graph is a DAG once recursion is ruled out; its depth-first
 * post-order (every function after the functions it calls) lets max_depth be
 * computed function by function without recursion.
 */
#include <stdlib.h>
#include <string.h>

#include "load_internal.h"
#include "util.h"

/* The call statements of one function, appended while walking its body. */
typedef struct cs__calls {
    const cs_stmt **v;
    uint32_t n, cap;
} cs__calls;

static int cs__visit_calls(cs__loader *ld, cs__walk *w, cs_stmt *st, uint32_t level, unsigned ctx, void *user)
{
    cs__calls *c = user;
    if (st->op != CS_OP_CALL && st->op != CS_OP_ASYNC_WITH && st->op != CS_OP_ACLOSING && st->op != CS_OP_AGEN)
        return 0;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->v = cs_xrealloc(c->v, c->cap * sizeof *c->v);
    }
    c->v[c->n++] = st;
    return 0;
}

/* A depth-first search frame: function f, next call to follow. */
typedef struct cs__dfs {
    uint32_t f, k;
} cs__dfs;

int cs__check_recursion(cs__loader *ld, uint32_t *order)
{
    const cs_program *p = ld->prog;
    uint32_t nf = p->nfunctions, norder = 0, *first = cs_xcalloc(nf + 1, sizeof *first);
    cs__calls calls = {0};
    for (uint32_t f = 0; f < nf; f++) { /* calls of f: calls.v[first[f] .. first[f+1]) */
        first[f] = calls.n;
        cs__walk_body(ld, &p->functions[f].body, 1, 0, cs__visit_calls, &calls);
    }
    first[nf] = calls.n;
    unsigned char *state = cs_xcalloc(nf ? nf : 1, 1); /* 0 new, 1 on the DFS path, 2 done */
    cs__dfs *stack = cs_xcalloc(nf ? nf : 1, sizeof *stack);
    int rc = 0;
    char q[256];
    for (uint32_t root = 0; root < nf && rc == 0; root++) {
        if (state[root])
            continue;
        uint32_t depth = 0;
        stack[depth++] = (cs__dfs){root, 0};
        state[root] = 1;
        while (depth && rc == 0) {
            cs__dfs *top = &stack[depth - 1];
            if (top->k == first[top->f + 1] - first[top->f]) {
                state[top->f] = 2;
                order[norder++] = top->f;
                depth--;
                continue;
            }
            const cs_stmt *st = calls.v[first[top->f] + top->k++];
            uint32_t g = (uint32_t)st->ref;
            if (state[g] == 1)
                rc = cs__fail(ld, st->pos, "function %s is called recursively",
                              cs__repr(q, sizeof q, p->functions[g].name));
            else if (state[g] == 0) {
                state[g] = 1;
                stack[depth++] = (cs__dfs){g, 0};
            }
        }
    }
    free(first);
    free(calls.v);
    free(state);
    free(stack);
    return rc;
}

static const char *cs__spawn_name(cs_op op)
{
    return op == CS_OP_START_SOON ? "start_soon" : op == CS_OP_START ? "start" : "create_task";
}

/* check_context: `user` is the per-function mask of contexts already walked. */
static int cs__visit_context(cs__loader *ld, cs__walk *w, cs_stmt *st, uint32_t level, unsigned ctx, void *user)
{
    uint16_t *seen = user;
    if (ctx & CS__CX_IN_THREAD)
        return 0;
    switch (st->op) {
    case CS_OP_START_SOON:
    case CS_OP_START:
    case CS_OP_CREATE_TASK:
        if (st->ref < 0 && !(ctx & CS__CX_HAS_TG))
            return cs__fail(ld, st->pos, "'%s' has no 'in' and no enclosing task group", cs__spawn_name(st->op));
        return 0;
    case CS_OP_STARTED:
        if (!(ctx & CS__CX_IN_START))
            return cs__fail(ld, st->pos, "'started' is only allowed in a body run by 'start'");
        return 0;
    case CS_OP_RERAISE:
        if (!(ctx & CS__CX_IN_HANDLER))
            return cs__fail(ld, st->pos, "'reraise' is only allowed inside an except handler");
        return 0;
    case CS_OP_RETURN:
        if (ctx & CS__CX_IN_STAR)
            return cs__fail(ld, st->pos, "'return' is not allowed inside an except* handler");
        return 0;
    case CS_OP_ASYNCIO_TG_CREATE_TASK:
        if (!(ctx & CS__CX_IN_ATG))
            return cs__fail(ld, st->pos, "'asyncio_tg_create_task' is only allowed in an asyncio_task_group body");
        return 0;
    case CS_OP_CALL: {
        /* `return` in a function returns from the function, so except*'s rule
         * stops at the call; each (function, context) is walked once.  A called
         * function does not see the caller's asyncio.TaskGroup `tg`. */
        unsigned fctx = ctx & ~(unsigned)(CS__CX_IN_STAR | CS__CX_IN_ATG);
        if (!(seen[st->ref] & (1u << fctx))) {
            seen[st->ref] |= (uint16_t)(1u << fctx);
            cs__walk_push(w, &ld->prog->functions[st->ref].body, level + 1, fctx);
        }
        return 0;
    }
    case CS_OP_ASYNC_WITH:
    case CS_OP_ACLOSING:
    case CS_OP_AGEN:
        /* the generator's body is a function of its own: no enclosing group or handler */
        if (!(seen[st->ref] & 1u)) {
            seen[st->ref] |= 1u;
            cs__walk_push(w, &ld->prog->functions[st->ref].body, level + 1, 0);
        }
        return 0;
    default: return 0;
    }
}

int cs__check_context(cs__loader *ld)
{
    uint16_t *seen = cs_xcalloc(ld->prog->nfunctions ? ld->prog->nfunctions : 1, sizeof *seen);
    int rc = cs__walk_body(ld, &ld->prog->main, 1, 0, cs__visit_context, seen);
    /* issue 26: the threads of "threads" (their from_thread bodies are statements) */
    const cs_body threads = {ld->prog->plain_threads, ld->prog->nplain_threads};
    if (rc == 0 && threads.n)
        rc = cs__walk_body(ld, &threads, 0, CS__CX_IN_THREAD | CS__CX_IN_PLAIN, cs__visit_context, seen);
    free(seen);
    return rc;
}

typedef struct cs__depth {
    uint32_t max;
    const uint32_t *fdepth; /* per function, its depth when its body is level 1 */
} cs__depth;

static int cs__visit_depth(cs__loader *ld, cs__walk *w, cs_stmt *st, uint32_t level, unsigned ctx, void *user)
{
    cs__depth *d = user;
    uint32_t deepest = level;
    switch (st->op) {
    case CS_OP_CALL: deepest = level + d->fdepth[st->ref]; break;
    case CS_OP_ASYNC_WITH: /* the generator's frames, then the YIELD frame running the body */
    case CS_OP_ACLOSING: deepest = level + d->fdepth[st->ref] + 1; break;
    case CS_OP_AGEN: deepest = level + 1; break; /* its arguments' frame, until anext runs it */
    case CS_OP_ANEXT:                            /* some generator's frames, on this task's stack */
    case CS_OP_AGEN_ACLOSE:
        for (uint32_t f = 0; f < ld->prog->nfunctions; f++)
            if (ld->prog->functions[f].is_gen && level + d->fdepth[f] + 1 > deepest)
                deepest = level + d->fdepth[f] + 1;
        break;
    case CS_OP_TRY:
    case CS_OP_TO_THREAD:
    case CS_OP_FROM_THREAD:
    case CS_OP_FROM_THREAD_SYNC:
    case CS_OP_PORTAL_CALL: /* issue 26: its own task's body */
    case CS_OP_PORTAL_START_TASK_SOON:
    case CS_OP_PORTAL_START_TASK:
    case CS_OP_BLOCKING_PORTAL: /* issue 26: a task group frame */
    case CS_OP_START_SOON:
    case CS_OP_START:
    case CS_OP_CREATE_TASK:
    case CS_OP_ASYNCIO_CREATE_TASK:
    case CS_OP_WAIT_FOR:
    case CS_OP_ASYNCIO_TASK_GROUP:
    case CS_OP_ASYNCIO_TG_CREATE_TASK:
    case CS_OP_ASYNCIO_TIMEOUT:
    case CS_OP_ASYNCIO_TIMEOUT_AT:
    case CS_OP_TASK_GROUP:
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
    case CS_OP_IF:
    case CS_OP_LOOP:
    case CS_OP_REENTER:
        deepest = level + 1; /* its body, even empty, is a frame */
        break;
    default: break;
    }
    if (deepest > d->max)
        d->max = deepest;
    return 0;
}

void cs__compute_depth(cs__loader *ld, const uint32_t *order)
{
    cs_program *p = ld->prog;
    uint32_t *fdepth = cs_xcalloc(p->nfunctions ? p->nfunctions : 1, sizeof *fdepth);
    cs__depth d = {1, fdepth};
    for (uint32_t i = 0; i < p->nfunctions; i++) {
        cs__depth fd = {1, fdepth};
        cs__walk_body(ld, &p->functions[order[i]].body, 1, 0, cs__visit_depth, &fd);
        fdepth[order[i]] = fd.max;
        if (fd.max > d.max)
            d.max = fd.max;
    }
    cs__walk_body(ld, &p->main, 1, 0, cs__visit_depth, &d);
    const cs_body threads = {p->plain_threads, p->nplain_threads}; /* issue 26 */
    if (threads.n)
        cs__walk_body(ld, &threads, 0, CS__CX_IN_THREAD | CS__CX_IN_PLAIN, cs__visit_depth, &d);
    p->max_depth = d.max;
    free(fdepth);
}
