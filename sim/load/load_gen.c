/* load_gen.c - async generator functions (issue 19): which functions are
 * generators (their own body holds a `yield`), and the rules Python sets on
 * them, checked once every name is resolved:
 *
 * - `yield` stands only in a function of "functions": main and a task's
 *   body are coroutines (anyio.run() and start_soon take no generator);
 * - a generator is used by `async_with` (@asynccontextmanager) or `aclosing`
 *   (async for), never by `call` or as a task's `function` (awaiting an
 *   async generator is Python's TypeError), and those two take generators only;
 * - `return` in a generator carries no value (SyntaxError: 'return' with
 *   value in async generator).
 *
 * The walk keeps its own stack of bodies, each with the function it belongs
 * to (-1: main, a task's body or a from_thread body: no generator).
 */
#include <stdlib.h>
#include <string.h>

#include "load_internal.h"
#include "util.h"

typedef struct cs__gbody {
    const cs_stmt *items;
    uint32_t n, i;
    int32_t fn; /* the function whose own body this is, or -1 */
} cs__gbody;

typedef struct cs__gwalk {
    cs__gbody *v;
    size_t n, cap;
} cs__gwalk;

static void cs__gpush(cs__gwalk *w, cs_body b, int32_t fn)
{
    if (!b.n)
        return;
    w->v = cs_xgrow(w->v, &w->cap, w->n + 1, sizeof *w->v);
    w->v[w->n++] = (cs__gbody){b.items, b.n, 0, fn};
}

/* st's bodies, last first; a task's body and a thread's from_thread body are
 * functions of their own. */
static void cs__gpush_bodies(cs__gwalk *w, const cs_stmt *st, int32_t fn)
{
    switch (st->op) {
    case CS_OP_START_SOON:
    case CS_OP_START:
    case CS_OP_CREATE_TASK: cs__gpush(w, st->body, -1); return;
    case CS_OP_TO_THREAD:
        for (uint32_t i = 0; i < st->body.n; i++)
            if (st->body.items[i].op == CS_OP_FROM_THREAD || st->body.items[i].op == CS_OP_PORTAL_CALL ||
                st->body.items[i].op == CS_OP_PORTAL_START_TASK_SOON || st->body.items[i].op == CS_OP_PORTAL_START_TASK)
                cs__gpush(w, st->body.items[i].body, -1);
        return;
    case CS_OP_IF:
        if (st->flow->has_else)
            cs__gpush(w, (cs_body){st->flow->else_items, st->flow->nelse}, fn);
        cs__gpush(w, st->body, fn);
        return;
    default: break;
    }
    if (st->op == CS_OP_TRY) {
        if (st->has_finally)
            cs__gpush(w, st->finally_body, fn);
        if (st->has_else)
            cs__gpush(w, st->else_body, fn);
        for (uint32_t h = st->nhandlers; h-- > 0;)
            cs__gpush(w, st->handlers[h].body, fn);
    }
    cs__gpush(w, st->body, fn); /* compound statements; a simple one's body is empty */
}

typedef int (*cs__gvisit)(cs__loader *ld, const cs_stmt *st, int32_t fn);

/* Visits every statement of main and the functions with the function it belongs to. */
static int cs__gwalk_all(cs__loader *ld, cs__gvisit visit)
{
    cs__gwalk w = {0};
    int rc = 0;
    for (uint32_t f = ld->prog->nfunctions; f-- > 0;)
        cs__gpush(&w, ld->prog->functions[f].body, (int32_t)f);
    cs__gpush(&w, ld->prog->main, -1);
    while (w.n && rc == 0) { /* bounded: each body is pushed once */
        cs__gbody *b = &w.v[w.n - 1];
        if (b->i == b->n) {
            w.n--;
            continue;
        }
        const cs_stmt *st = &b->items[b->i++];
        int32_t fn = b->fn;
        if ((rc = visit(ld, st, fn)) == 0)
            cs__gpush_bodies(&w, st, fn);
    }
    free(w.v);
    return rc;
}

static int cs__visit_yield(cs__loader *ld, const cs_stmt *st, int32_t fn)
{
    if (st->op != CS_OP_YIELD)
        return 0;
    if (fn < 0)
        return cs__fail(ld, st->pos,
                        "'yield' is only allowed in a function of \"functions\" (an async generator function), "
                        "not in main or in a task's body");
    ((cs_function *)&ld->prog->functions[fn])->is_gen = true;
    return 0;
}

static bool cs__is_gen(const cs__loader *ld, const char *name)
{
    int32_t g = name ? cs__strmap_get(&ld->funcs, name) : -1;
    return g >= 0 && ld->prog->functions[g].is_gen;
}

static int cs__visit_uses(cs__loader *ld, const cs_stmt *st, int32_t fn)
{
    char q[128];
    const cs_function *fns = ld->prog->functions;
    bool in_gen = fn >= 0 && fns[fn].is_gen;
    switch (st->op) {
    case CS_OP_CALL:
        if (st->ref >= 0 && fns[st->ref].is_gen && !(st->flow && st->flow->spawn_args))
            return cs__fail(ld, st->pos,
                            "function %s is an async generator: use it with 'async_with' or 'aclosing', not 'call'",
                            cs__repr(q, sizeof q, fns[st->ref].name));
        return 0;
    case CS_OP_START_SOON:
    case CS_OP_START:
    case CS_OP_CREATE_TASK:
        if (st->flow && cs__is_gen(ld, st->flow->call_name))
            return cs__fail(ld, st->pos, "function %s is an async generator: a task cannot run it",
                            cs__repr(q, sizeof q, st->flow->call_name));
        return 0;
    case CS_OP_ASYNC_WITH:
    case CS_OP_ACLOSING:
    case CS_OP_AGEN:
        if (st->ref >= 0 && !fns[st->ref].is_gen)
            return cs__fail(ld, st->pos, "function %s has no 'yield': '%s' needs an async generator function",
                            cs__repr(q, sizeof q, fns[st->ref].name),
                            st->op == CS_OP_ASYNC_WITH ? "async_with"
                            : st->op == CS_OP_AGEN     ? "agen"
                                                       : "aclosing");
        return 0;
    case CS_OP_RETURN:
        if (in_gen && strcmp(st->value_json, "null") != 0)
            return cs__fail(ld, st->pos, "'return' with value in async generator");
        return 0;
    case CS_OP_RETURN_VALUE:
        if (in_gen)
            return cs__fail(ld, st->pos, "'return' with value in async generator");
        return 0;
    default: return 0;
    }
}

int cs__check_generators(cs__loader *ld)
{
    if (cs__gwalk_all(ld, cs__visit_yield) < 0)
        return -1;
    return cs__gwalk_all(ld, cs__visit_uses);
}
