/* group_raise.c - `raise ExceptionGroup("m", [ValueError("a"), ...])` (issue
 * 18): the group a scenario builds itself, members in the order written,
 * nested groups as written.  The members are constructed, not raised, so
 * they have no __context__; the group raised gets the one being handled, as
 * any raise does.  The loader checked the classes (sim/load/load_group.c)
 * and gave `ref` the class CPython's constructor really returns. */
#include <assert.h>
#include <stdlib.h>

#include "interp.h"
#include "util.h"

/* One member, or a nested group, as constructed (no context). */
static cs_exc *cs__construct(cs__engine *e, const cs_stmt *st, uint32_t depth)
{
    assert(st->op == CS_OP_RAISE && depth < 4096); /* the JSON nesting limit bounds it */
    if (st->count < 0) {
        if (st->text && cs_exc_class_is(e->prog, st->ref, CS_EXC_KEY_ERROR)) {
            char *r = cs__py_repr_str(st->text); /* str(KeyError('k')) is "'k'" */
            cs_exc *x = cs__new_exc(e, st->ref, r);
            free(r);
            return x;
        }
        cs_exc *x = cs__new_exc(e, st->ref, st->text ? st->text : "");
        x->noargs = st->text == NULL;
        return x;
    }
    cs_exc **m = cs_xcalloc(st->body.n, sizeof *m);
    for (uint32_t i = 0; i < st->body.n; i++)
        m[i] = cs__construct(e, &st->body.items[i], depth + 1);
    cs_exc *g = cs_exc_new_group(st->ref, st->text ? st->text : "", m, st->body.n);
    for (uint32_t i = 0; i < st->body.n; i++)
        cs_exc_unref(m[i]);
    free(m);
    return g;
}

cs_exc *cs__raise_group(cs__engine *e, cs__task *t, const cs_stmt *st)
{
    cs_exc *g = cs__construct(e, st, 0);
    cs_exc *h = cs__handled_exc(t);
    if (h)
        cs_exc_set_context(g, h);
    return g;
}
