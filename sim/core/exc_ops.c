/* exc_ops.c - Python's exception-group operations: class narrowing when a
 * group is built, BaseExceptionGroup.split(), and isinstance() matching. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    d->derived_from = cs_exc_ref((cs_exc *)g);
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

/* repr(exc) as Python prints it: ValueError('boom'), ValueError(), KeyError('k'),
 * ExceptionGroup('msg', [ValueError('x')]).  Recursion is bounded by the group
 * nesting depth, which program nesting bounds. */
char *cs__exc_repr(const cs__engine *e, const cs_exc *x)
{
    const char *name = e->class_names[x->cls]; /* run_start's: Cancelled as the backend names it */
    if (cs_exc_is_group(x)) {
        char *msg = cs__py_repr_str(x->message);
        size_t cap = strlen(name) + strlen(msg) + 16, len = 0;
        char *out = cs_xmalloc(cap);
        len = (size_t)snprintf(out, cap, "%s(%s, %c", name, msg, x->members_tuple ? '(' : '[');
        free(msg);
        for (uint32_t i = 0; i < x->nmembers; i++) {
            char *m = cs__exc_repr(e, x->members[i]);
            size_t need = len + strlen(m) + 8;
            if (need > cap) {
                cap = need * 2;
                out = cs_xrealloc(out, cap);
            }
            len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? ", " : "", m);
            free(m);
        }
        /* the members as given: a list, or a tuple (of one: "(x,)") */
        const char *close = !x->members_tuple ? "])" : x->nmembers == 1 ? ",))" : "))";
        size_t n = strlen(close) + 1;
        out = cs_xrealloc(out, len + n);
        memcpy(out + len, close, n);
        return out;
    }
    if (x->noargs)
        return cs_xasprintf("%s()", name);
    if (cs_exc_class_is(e->prog, x->cls, CS_EXC_KEY_ERROR))
        return cs_xasprintf("%s(%s)", name, x->message); /* str() is already the repr */
    char *r = cs__py_repr_str(x->message);
    char *out = cs_xasprintf("%s(%s)", name, r);
    free(r);
    return out;
}
