/* inject_deadlines.c - which scopes a timeout sweep may inject into.
 *
 * A fault stands for something that can happen to the program as written:
 * a scope can time out only if the scenario gives it a deadline somewhere.
 * A shielded cleanup scope without one, or a task group nobody sets a
 * deadline on, never times out in real AnyIO, so injecting a timeout there
 * reports a failure that cannot happen (a false alarm).  The rule is read
 * from the program text, not from a run, so it is the same on every backend
 * and for every instance of a declared scope: a scope may time out when
 * some statement gives it a deadline other than +inf -- a move_on_after /
 * fail_after delay that is not null, move_on_at / fail_at with a time,
 * a cancel_scope `deadline`, or a `set_deadline` naming it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "inject.h"
#include "util.h"

/* The declared scope (index in prog->scopes) a statement gives a finite
 * deadline to, or -1. */
static int32_t cs__deadline_target(const cs_stmt *st)
{
    switch (st->op) {
    case CS_OP_MOVE_ON_AFTER:
    case CS_OP_FAIL_AFTER:
    case CS_OP_MOVE_ON_AT:
    case CS_OP_FAIL_AT: return st->dur.kind == CS_DUR_NONE ? -1 : st->decl;
    case CS_OP_CANCEL_SCOPE: return st->has_num && st->num != INFINITY ? st->decl : -1;
    case CS_OP_SET_DEADLINE: return st->num != INFINITY ? st->ref : -1;
    default: return -1;
    }
}

typedef struct cs__bodies {
    const cs_body **v;
    size_t n, cap;
} cs__bodies;

static void cs__push(cs__bodies *s, const cs_body *b)
{
    if (b->n == 0)
        return;
    s->v = cs_xgrow(s->v, &s->cap, s->n + 1, sizeof *s->v);
    s->v[s->n++] = b;
}

bool *cs_scopes_with_deadline(const cs_program *prog)
{
    bool *timed = cs_xcalloc(prog->nscopes ? prog->nscopes : 1, sizeof *timed);
    cs__bodies s = {0};
    cs__push(&s, &prog->main);
    for (uint32_t i = 0; i < prog->nfunctions; i++)
        cs__push(&s, &prog->functions[i].body);
    /* every body is pushed once (the program is a tree), so this ends after
     * as many pops as the program has bodies */
    while (s.n) {
        const cs_body *b = s.v[--s.n];
        for (uint32_t i = 0; i < b->n; i++) {
            const cs_stmt *st = &b->items[i];
            int32_t d = cs__deadline_target(st);
            if (d >= 0 && (uint32_t)d < prog->nscopes)
                timed[d] = true;
            cs__push(&s, &st->body); /* also to_thread steps and from_thread bodies */
            cs__push(&s, &st->else_body);
            cs__push(&s, &st->finally_body);
            for (uint32_t h = 0; h < st->nhandlers; h++)
                cs__push(&s, &st->handlers[h].body);
        }
    }
    free(s.v);
    return timed;
}

int32_t cs_scope_decl_of(const cs_program *prog, const char *instance)
{
    size_t n = cs_instance_base_len(instance, strlen(instance));
    for (uint32_t i = 0; i < prog->nscopes; i++)
        if (strlen(prog->scopes[i].name) == n && memcmp(prog->scopes[i].name, instance, n) == 0)
            return (int32_t)i;
    return -1;
}
