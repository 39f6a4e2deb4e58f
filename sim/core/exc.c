/* exc.c - reference-counted exception values (see exc.h). */
#include "exc.h"
#include "program.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

cs_exc *cs_exc_new(int32_t cls, const char *message)
{
    cs_exc *e = cs_xcalloc(1, sizeof *e);
    e->refs = 1;
    e->cls = cls;
    e->message = cs_xstrdup(message ? message : "");
    e->origin_scope = -1;
    return e;
}

cs_exc *cs_exc_new_group(int32_t cls, const char *message, cs_exc *const *members, uint32_t n)
{
    cs_exc *e = cs_exc_new(cls, message);
    e->members = cs_xcalloc(n ? n : 1, sizeof *e->members);
    for (uint32_t i = 0; i < n; i++)
        e->members[i] = cs_exc_ref(members[i]);
    e->nmembers = n;
    return e;
}

cs_exc *cs_exc_ref(cs_exc *e)
{
    if (e) {
        assert(e->refs > 0); /* a live exception */
        e->refs++;
    }
    return e;
}

/* Releasing walks groups and context chains with an explicit stack, so a long
 * chain of contexts (a loop that re-raises) cannot overflow the C stack. */
void cs_exc_unref(cs_exc *e)
{
    cs_exc **stack = NULL;
    size_t n = 0, cap = 0;
    while (e || n) {
        if (!e) {
            e = stack[--n];
            continue;
        }
        assert(e->refs > 0); /* released no more often than referenced */
        if (--e->refs > 0) {
            e = NULL;
            continue;
        }
        size_t need = n + e->nmembers + 2;
        if (need > cap) {
            cap = need * 2;
            stack = cs_xrealloc(stack, cap * sizeof *stack);
        }
        for (uint32_t i = 0; i < e->nmembers; i++)
            stack[n++] = e->members[i];
        if (e->derived_from)
            stack[n++] = e->derived_from;
        cs_exc *next = e->context;
        free(e->members);
        free(e->message);
        free(e);
        e = next;
    }
    free(stack);
}

void cs_exc_set_context(cs_exc *e, cs_exc *ctx)
{
    if (e->context == ctx)
        return;
    cs_exc *old = e->context;
    e->context = cs_exc_ref(ctx);
    cs_exc_unref(old);
}

bool cs_exc_is_group(const cs_exc *e)
{
    return e->cls == CS_EXC_BASE_EXCEPTION_GROUP || e->cls == CS_EXC_EXCEPTION_GROUP;
}

void cs_exc_number(cs_exc *x, uint32_t *next, cs_exc ***stack, size_t *cap)
{
    size_t n = 0;
    while (x) {
        if (!x->id && *next < UINT32_MAX) {
            x->id = ++*next;
            size_t need = n + x->nmembers + 1;
            if (need > *cap) {
                *cap = need * 2;
                *stack = cs_xrealloc(*stack, *cap * sizeof **stack);
            }
            /* pushed in reverse so that they are taken in order */
            if (x->derived_from)
                (*stack)[n++] = x->derived_from;
            for (uint32_t i = x->nmembers; i-- > 0;)
                (*stack)[n++] = x->members[i];
        }
        x = n ? (*stack)[--n] : NULL;
    }
}
