/* load_condition.c - anyio.Condition in a scenario file: the top-level
 * "conditions" declarations and the references of the condition statements
 * (scenario-format.md sections 1 and 2).
 *
 * "conditions": {"cond": {}} is Condition() with a Lock of its own;
 * {"cond": {"lock": "l"}} is Condition(l), sharing the declared lock l (so
 * it is loaded after "locks").
 */
#include <string.h>

#include "load_internal.h"
#include "util.h"

int cs__load_conditions(cs__loader *ld, const json_t *doc)
{
    const json_t *m = json_object_get(doc, "conditions");
    if (!m)
        return 0;
    uint32_t node = cs__member(ld, doc, 0, "conditions");
    if (!json_is_object(m))
        return cs__fail(ld, cs__vpos(ld, node), "conditions must be an object: name -> {} or {\"lock\": NAME}");
    size_t n = json_object_size(m);
    cs_condition_decl *conds = cs__program_alloc(ld->prog, (n ? n : 1) * sizeof *conds);
    uint32_t c = cs__jpos_first(&ld->idx, node), i = 0;
    char r[256];
    for (void *it = json_object_iter((json_t *)m); it; it = json_object_iter_next((json_t *)m, it), i++) {
        const char *key = json_object_iter_key(it);
        const json_t *v = json_object_iter_value(it);
        if (!key[0])
            return cs__fail(ld, cs__kpos(ld, c), "a name must be a non-empty string");
        if (!json_is_object(v))
            return cs__fail(ld, cs__vpos(ld, c), "condition %s must be {} or {\"lock\": NAME}",
                            cs__repr(r, sizeof r, key));
        conds[i] = (cs_condition_decl){cs__program_strdup(ld->prog, key), -1};
        uint32_t k = cs__jpos_first(&ld->idx, c);
        for (void *jt = json_object_iter((json_t *)v); jt; jt = json_object_iter_next((json_t *)v, jt)) {
            const char *opt = json_object_iter_key(jt);
            const json_t *lv = json_object_iter_value(jt);
            if (strcmp(opt, "lock") != 0)
                return cs__fail(ld, cs__kpos(ld, k), "unknown key %s for a condition", cs__repr(r, sizeof r, opt));
            if (cs__json_has_nul(lv))
                return cs__fail(ld, cs__vpos(ld, k), "lock: " CS__NUL_NAME);
            if (!json_is_string(lv) || (conds[i].lock = cs__strmap_get(&ld->locks, json_string_value(lv))) < 0)
                return cs__fail(ld, cs__vpos(ld, k), "lock: %s is not a declared lock", cs__repr_json(r, sizeof r, lv));
            k = cs__jpos_next(&ld->idx, c, k);
        }
        cs__strmap_put(&ld->conds, conds[i].name, (int32_t)i);
        c = cs__jpos_next(&ld->idx, node, c);
    }
    ld->prog->conditions = conds;
    ld->prog->nconditions = i;
    return 0;
}

int cs__resolve_condition(cs__loader *ld, cs_stmt *st, const char *name)
{
    char q[256];
    if ((st->ref = cs__strmap_get(&ld->conds, name)) < 0)
        return cs__fail(ld, st->pos, "unknown condition %s", cs__repr(q, sizeof q, name));
    return 0;
}
