/* findings_lost.c - the identity table behind the lost_exception finding.
 *
 * An exception keeps its identity as it propagates, is caught, or is
 * collected into a group: the engine passes the one cs_exc object along, and
 * the trace numbers it once (cs_exc.id), so "the same exception" is "the same
 * id" -- in a run and in a trace file read back alike.  The table maps ids to
 * their first-raise index; it is only ever probed, never iterated, so the hash
 * cannot decide any order that reaches the output (raised[] is in raise
 * order).  An exception without an id (never shown in an event) is not
 * tracked.
 */
#include "findings_internal.h"

#include <stdlib.h>
#include <string.h>

#include "program.h"
#include "util.h"

void cs__lost_init(cs__lost *l)
{
    memset(l, 0, sizeof *l);
}

void cs__lost_free(cs__lost *l)
{
    for (size_t i = 0; i < l->n; i++)
        cs_exc_unref(l->raised[i]);
    free(l->raised);
    free(l->raiser);
    free(l->accounted);
    free(l->slots);
    free(l->stack);
    memset(l, 0, sizeof *l);
}

static size_t cs__hash_id(uint32_t id, size_t mask)
{
    uint64_t x = id;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x & mask;
}

/* Slot holding the exception with x's id, or the empty slot where it would go. */
static size_t cs__find_slot(const cs__lost *l, const cs_exc *x)
{
    size_t mask = l->nslots - 1;
    size_t i = cs__hash_id(x->id, mask);
    while (l->slots[i] && l->raised[l->slots[i] - 1]->id != x->id)
        i = (i + 1) & mask;
    return i;
}

static void cs__rehash(cs__lost *l, size_t nslots)
{
    free(l->slots);
    l->slots = cs_xcalloc(nslots, sizeof *l->slots);
    l->nslots = nslots;
    for (size_t k = 0; k < l->n; k++)
        l->slots[cs__find_slot(l, l->raised[k])] = (uint32_t)(k + 1);
}

void cs__lost_raised(cs__lost *l, cs_exc *x, int32_t task)
{
    if (!x || !x->id || l->n >= UINT32_MAX - 1)
        return;
    if (l->nslots && l->slots[cs__find_slot(l, x)])
        return;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->raised = cs_xrealloc(l->raised, l->cap * sizeof *l->raised);
        l->raiser = cs_xrealloc(l->raiser, l->cap * sizeof *l->raiser);
        l->accounted = cs_xrealloc(l->accounted, l->cap * sizeof *l->accounted);
    }
    size_t k = l->n++;
    l->raised[k] = cs_exc_ref(x);
    l->raiser[k] = task;
    l->accounted[k] = false;
    /* keep the load at most one half so probes stay short */
    if (l->n * 2 > l->nslots)
        cs__rehash(l, l->nslots ? l->nslots * 2 : 128);
    else
        l->slots[cs__find_slot(l, x)] = (uint32_t)(k + 1);
}

void cs__lost_account(cs__lost *l, const cs_exc *x)
{
    if (!x || !l->n)
        return;
    size_t n = 0;
    const cs_exc *e = x;
    /* explicit stack: groups nest as deep as task groups do */
    for (;;) {
        size_t s = e->id ? l->slots[cs__find_slot(l, e)] : 0;
        if (s)
            l->accounted[s - 1] = true;
        if (n + e->nmembers + 1 > l->stack_cap) {
            l->stack_cap = (n + e->nmembers + 1) * 2;
            l->stack = cs_xrealloc(l->stack, l->stack_cap * sizeof *l->stack);
        }
        for (uint32_t i = 0; i < e->nmembers; i++)
            l->stack[n++] = e->members[i];
        /* a part split from a group stands for the group it came from */
        if (e->derived_from)
            l->stack[n++] = e->derived_from;
        if (!n)
            break;
        e = l->stack[--n];
    }
}

bool cs__lost_has_non_cancel_leaf(const cs_exc *g)
{
    const cs_exc *stack[64];
    size_t n = 0;
    stack[n++] = g;
    while (n) {
        const cs_exc *x = stack[--n];
        if (!x->nmembers) {
            if (x->cls != CS_EXC_CANCELLED)
                return true;
            continue;
        }
        for (uint32_t i = 0; i < x->nmembers; i++) {
            if (n == sizeof stack / sizeof stack[0])
                return true; /* deeper than task groups nest in practice: assume it matters */
            stack[n++] = x->members[i];
        }
    }
    return false;
}

ptrdiff_t cs__lost_first(const cs__lost *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (!l->accounted[i])
            return (ptrdiff_t)i;
    return -1;
}
