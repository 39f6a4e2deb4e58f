/* load_agen.c - async generator objects held by name (issue 19's leftovers):
 * `{"agen": FN, "args": [...], "as": "g"}` is `g = FN(...)`, and `anext`
 * and `aclose` on `g` drive it by hand (sim/core/agen.c).
 *
 * A generator object's name is the scenario's, like a scope's: each `agen`
 * makes a new object and the name means the latest one the run made.  The
 * names are declared before references resolve (cs__declare_agens), so
 * `aclose` can tell a generator object from a stream end; a name both would
 * have is refused.  StopAsyncIteration, which anext raises once the
 * generator is done, is added as a class then (load_anyio_class.c's way: it
 * is no built-in, so the trace's class list is unchanged for other files).
 */
#include <stdlib.h>
#include <string.h>

#include "load_internal.h"
#include "util.h"

typedef struct cs__agen_names {
    const char **v;
    size_t n, cap;
} cs__agen_names;

static int cs__visit_agen(cs__loader *ld, cs__walk *w, cs_stmt *st, uint32_t level, unsigned ctx, void *user)
{
    (void)w, (void)level, (void)ctx;
    char q[256];
    if (st->op != CS_OP_AGEN)
        return 0;
    cs__agen_names *nm = user;
    if (ld->prog->stop_async_iteration_cls < 0) {
        ld->prog->stop_async_iteration_cls =
            cs__add_anyio_class(ld, "StopAsyncIteration", CS_EXC_EXCEPTION, st->pos, "agen");
        if (ld->prog->stop_async_iteration_cls < 0)
            return -1;
    }
    if (cs__strmap_get(&ld->ends, st->name) >= 0)
        return cs__fail(ld, st->pos, "name %s is already a stream end", cs__repr(q, sizeof q, st->name));
    int32_t d = cs__strmap_get(&ld->agens, st->name);
    if (d < 0) { /* a new name; another `agen` of it makes a new object under the same name */
        d = (int32_t)nm->n;
        nm->v = cs_xgrow(nm->v, &nm->cap, nm->n + 1, sizeof *nm->v);
        nm->v[nm->n++] = st->name;
        cs__strmap_put(&ld->agens, st->name, d);
    }
    st->decl = d;
    return 0;
}

int cs__declare_agens(cs__loader *ld)
{
    cs__agen_names nm = {0};
    ld->prog->stop_async_iteration_cls = -1;
    int rc = cs__walk_all(ld, cs__visit_agen, &nm);
    if (rc == 0 && nm.n) {
        const char **v = cs__program_alloc(ld->prog, nm.n * sizeof *v);
        memcpy(v, nm.v, nm.n * sizeof *v);
        ld->prog->agens = v;
        ld->prog->nagens = (uint32_t)nm.n;
    }
    free(nm.v);
    return rc;
}

int cs__resolve_agen(cs__loader *ld, cs_stmt *st, const char *name)
{
    char q[256];
    if ((st->ref = cs__strmap_get(&ld->agens, name)) < 0)
        return cs__fail(ld, st->pos, "unknown async generator object %s (make it with 'agen')",
                        cs__repr(q, sizeof q, name ? name : ""));
    if (st->op == CS_OP_ACLOSE)
        st->op = CS_OP_AGEN_ACLOSE;
    return 0;
}
