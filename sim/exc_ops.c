/* exc_ops.c - Python's exception-group operations: class narrowing when a
 * group is built, BaseExceptionGroup.split(), and isinstance() matching. */
#include <stdlib.h>

#include "interp.h"
#include "util.h"

cs_exc *cs__make_group_narrow(cs__engine *e, const char *msg, cs_exc *const *v, uint32_t n)
{
    bool all_exc = true;
    for (uint32_t i = 0; i < n && all_exc; i++)
        all_exc = cs_exc_class_is(e->prog, v[i]->cls, CS_EXC_EXCEPTION);
    return cs_exc_new_group(all_exc ? CS_EXC_EXCEPTION_GROUP : CS_EXC_BASE_EXCEPTION_GROUP, msg, v, n);
}

bool cs__exc_matches(const cs__engine *e, const cs_exc *x, const int32_t *classes, uint32_t n)
{
    if (n == 0)
        return true;
    for (uint32_t i = 0; i < n; i++)
        if (cs_exc_class_is(e->prog, x->cls, classes[i]))
            return true;
    return false;
}

/* Derives a group like `g` (same message, Python's derive() class rule:
 * ExceptionGroup stays ExceptionGroup, BaseExceptionGroup narrows). */
static cs_exc *cs__derive(cs__engine *e, const cs_exc *g, cs_exc **v, uint32_t n)
{
    cs_exc *d = g->cls == CS_EXC_EXCEPTION_GROUP ? cs_exc_new_group(CS_EXC_EXCEPTION_GROUP, g->message, v, n)
                                                 : cs__make_group_narrow(e, g->message, v, n);
    if (g->context)
        cs_exc_set_context(d, g->context);
    return d;
}

/* Recursion depth is the group nesting depth, which program nesting bounds. */
void cs__split(cs__engine *e, cs_exc *x, cs__exc_pred pred, void *ctx, cs_exc **match, cs_exc **rest)
{
    *match = *rest = NULL;
    if (pred(x, ctx)) {
        *match = cs_exc_ref(x);
        return;
    }
    if (!cs_exc_is_group(x)) {
        *rest = cs_exc_ref(x);
        return;
    }
    cs_exc **mv = cs_xcalloc(x->nmembers, sizeof *mv), **rv = cs_xcalloc(x->nmembers, sizeof *rv);
    uint32_t nm = 0, nr = 0;
    for (uint32_t i = 0; i < x->nmembers; i++) {
        cs_exc *m, *r;
        cs__split(e, x->members[i], pred, ctx, &m, &r);
        if (m)
            mv[nm++] = m;
        if (r)
            rv[nr++] = r;
    }
    if (nm)
        *match = nr == 0 ? cs_exc_ref(x) : cs__derive(e, x, mv, nm);
    if (nr)
        *rest = nm == 0 ? cs_exc_ref(x) : cs__derive(e, x, rv, nr);
    for (uint32_t i = 0; i < nm; i++)
        cs_exc_unref(mv[i]);
    for (uint32_t i = 0; i < nr; i++)
        cs_exc_unref(rv[i]);
    free(mv);
    free(rv);
}
