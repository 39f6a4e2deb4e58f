/* load_group.c - `raise` of an exception group built by the scenario (issue
 * 18): {"raise": "ExceptionGroup", "message": "m", "exceptions": [...]},
 * `raise ExceptionGroup("m", [...])`, each member itself a `raise` object
 * naming a class (members are constructed, not raised: no __context__) or a
 * nested group.  What CPython's constructors refuse is refused here: an empty
 * list (ValueError), a BaseException in an ExceptionGroup (TypeError).  As
 * BaseExceptionGroup.__new__ does, a BaseExceptionGroup whose members are all
 * Exceptions is an ExceptionGroup: `ref` holds the class it really is.
 *
 * Recursion follows the file's nesting, bounded by Jansson's depth limit.
 */
#include <string.h>

#include "load_internal.h"

static bool cs__is_group_class(int32_t cls)
{
    return cls == CS_EXC_BASE_EXCEPTION_GROUP || cls == CS_EXC_EXCEPTION_GROUP;
}

int cs__resolve_group(cs__loader *ld, cs_stmt *st, const char *name)
{
    char q[256];
    int32_t cls = cs__strmap_get(&ld->classes, name);
    if (!cs__is_group_class(cls))
        return cs__fail(ld, st->pos,
                        "'exceptions' makes an exception group: raise ExceptionGroup or BaseExceptionGroup, "
                        "not %s",
                        cs__repr(q, sizeof q, name));
    if (st->body.n == 0)
        return cs__fail(ld, st->pos, "exceptions: second argument (exceptions) must be a non-empty sequence");
    bool all_exceptions = true;
    for (uint32_t i = 0; i < st->body.n; i++) {
        cs_stmt *m = (cs_stmt *)&st->body.items[i];
        if (m->op != CS_OP_RAISE)
            return cs__fail(ld, m->pos, "an exception group's member is a raise object naming its class");
        const cs__refs *r = m->ref >= 0 ? &ld->refs[m->ref] : NULL;
        const char *mname = r ? r->ref : "";
        if (m->count >= 0) {
            if (cs__resolve_group(ld, m, mname) < 0)
                return -1;
        } else {
            m->ref = cs__strmap_get(&ld->classes, mname);
            cs__repr(q, sizeof q, mname);
            if (m->ref < 0)
                return cs__fail(ld, m->pos, "unknown exception class %s", q);
            if (m->ref == CS_EXC_CANCELLED)
                return cs__fail(ld, m->pos, "%s cannot be raised by a scenario", mname);
            if (cs__is_group_class(m->ref))
                return cs__fail(ld, m->pos, "%s needs its own 'exceptions'", q);
        }
        all_exceptions = all_exceptions && cs_exc_class_is(ld->prog, m->ref, CS_EXC_EXCEPTION);
    }
    if (cls == CS_EXC_EXCEPTION_GROUP && !all_exceptions)
        return cs__fail(ld, st->pos, "Cannot nest BaseExceptions in an ExceptionGroup");
    st->ref = all_exceptions ? CS_EXC_EXCEPTION_GROUP : CS_EXC_BASE_EXCEPTION_GROUP;
    return 0;
}
