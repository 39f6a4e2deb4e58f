/* load_sync.c - the options of Lock and Semaphore declarations and the
 * primitive an explicit acquire / acquire_nowait / release /
 * set_total_tokens / statistics statement names (scenario-format.md sections
 * 1 and 2, issue 18).
 *
 * "locks" may be a list of names or an object name -> {"fast_acquire": B};
 * a semaphore's value may be an integer or {"value": N, "max_value": M,
 * "fast_acquire": B}.  Anything AnyIO's constructors refuse (ValueError,
 * TypeError) is refused here, as memory streams' max_buffer_size is.
 *
 * A statement's `ref` becomes the primitive's index in the engine's layout
 * (sync.c): locks, semaphores, limiters, then the default thread limiter.
 */
#include <math.h>
#include <string.h>

#include "load_internal.h"
#include "util.h"

int cs__sync_semaphore_decl(cs__loader *ld, const json_t *v, uint32_t node, const char *name, cs_semaphore_decl *out)
{
    char r[256];
    *out = (cs_semaphore_decl){name, 0, -1, false};
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        out->value = json_integer_value(v);
        return 0;
    }
    if (!json_is_object(v))
        return cs__fail(ld, cs__vpos(ld, node), "semaphore %s must be an integer >= 0", cs__repr(r, sizeof r, name));
    if (!json_is_integer(json_object_get(v, "value")))
        return cs__fail(ld, cs__vpos(ld, node), "semaphore %s needs \"value\": an integer >= 0",
                        cs__repr(r, sizeof r, name));
    uint32_t k = cs__jpos_first(&ld->idx, node);
    for (void *it = json_object_iter((json_t *)v); it; it = json_object_iter_next((json_t *)v, it)) {
        const char *opt = json_object_iter_key(it);
        const json_t *x = json_object_iter_value(it);
        if (strcmp(opt, "value") == 0) {
            if (json_integer_value(x) < 0) /* Semaphore's ValueError */
                return cs__fail(ld, cs__vpos(ld, k), "value: initial_value must be >= 0");
            out->value = json_integer_value(x);
        } else if (strcmp(opt, "max_value") == 0) {
            if (!json_is_null(x) && !json_is_integer(x)) /* Semaphore's TypeError */
                return cs__fail(ld, cs__vpos(ld, k), "max_value: max_value must be an integer or None");
            out->max_value = json_is_null(x) ? -1 : json_integer_value(x);
        } else if (strcmp(opt, "fast_acquire") == 0) {
            if (!json_is_boolean(x))
                return cs__fail(ld, cs__vpos(ld, k), "fast_acquire: expected true or false");
            out->fast_acquire = json_is_true(x);
        } else {
            return cs__fail(ld, cs__kpos(ld, k), "unknown key %s for a semaphore", cs__repr(r, sizeof r, opt));
        }
        k = cs__jpos_next(&ld->idx, node, k);
    }
    if (out->max_value >= 0 && out->max_value < out->value)
        return cs__fail(ld, cs__vpos(ld, node), "semaphore %s: max_value must be equal to or higher than initial_value",
                        cs__repr(r, sizeof r, name));
    if (json_is_integer(json_object_get(v, "max_value")) && json_integer_value(json_object_get(v, "max_value")) < 0)
        return cs__fail(ld, cs__vpos(ld, node), "semaphore %s: max_value must be equal to or higher than initial_value",
                        cs__repr(r, sizeof r, name));
    return 0;
}

int cs__sync_load_locks(cs__loader *ld, const json_t *doc)
{
    const json_t *m = json_object_get(doc, "locks");
    if (!json_is_object(m))
        return 0; /* a list (or an error): load_decl.c reads it */
    uint32_t node = cs__member(ld, doc, 0, "locks");
    size_t n = json_object_size(m);
    const char **names = cs__program_alloc(ld->prog, (n ? n : 1) * sizeof *names);
    bool *fast = cs__program_alloc(ld->prog, (n ? n : 1) * sizeof *fast);
    uint32_t c = cs__jpos_first(&ld->idx, node), i = 0;
    char r[256];
    for (void *it = json_object_iter((json_t *)m); it; it = json_object_iter_next((json_t *)m, it), i++) {
        const char *key = json_object_iter_key(it);
        const json_t *v = json_object_iter_value(it);
        if (!key[0])
            return cs__fail(ld, cs__kpos(ld, c), "a name must be a non-empty string");
        if (!json_is_object(v))
            return cs__fail(ld, cs__vpos(ld, c), "lock %s must be {} or {\"fast_acquire\": B}",
                            cs__repr(r, sizeof r, key));
        names[i] = cs__program_strdup(ld->prog, key);
        fast[i] = false;
        uint32_t k = cs__jpos_first(&ld->idx, c);
        for (void *jt = json_object_iter((json_t *)v); jt; jt = json_object_iter_next((json_t *)v, jt)) {
            const char *opt = json_object_iter_key(jt);
            if (strcmp(opt, "fast_acquire") != 0)
                return cs__fail(ld, cs__kpos(ld, k), "unknown key %s for a lock", cs__repr(r, sizeof r, opt));
            if (!json_is_boolean(json_object_iter_value(jt)))
                return cs__fail(ld, cs__vpos(ld, k), "fast_acquire: expected true or false");
            fast[i] = json_is_true(json_object_iter_value(jt));
            k = cs__jpos_next(&ld->idx, c, k);
        }
        cs__strmap_put(&ld->locks, names[i], (int32_t)i);
        c = cs__jpos_next(&ld->idx, node, c);
    }
    ld->prog->locks = names;
    ld->prog->nlocks = i;
    ld->prog->lock_fast = fast;
    return 1;
}

/* The primitive `name` names, as an index in the engine's layout, or -1;
 * *kind says which table it came from ("lock", "semaphore", "limiter"). */
static int32_t cs__prim_index(cs__loader *ld, const char *name, const char **kind, int *hits)
{
    const cs_program *p = ld->prog;
    int32_t l = cs__strmap_get(&ld->locks, name), s = cs__strmap_get(&ld->sems, name);
    int32_t m = cs__strmap_get(&ld->limiters, name);
    *hits = (l >= 0) + (s >= 0) + (m >= 0);
    if (l >= 0) {
        *kind = "lock";
        return l;
    }
    if (s >= 0) {
        *kind = "semaphore";
        return (int32_t)p->nlocks + s;
    }
    *kind = "limiter";
    if (m >= 0)
        return (int32_t)(p->nlocks + p->nsemaphores) + m;
    if (strcmp(name, "default") == 0) /* anyio.to_thread.current_default_thread_limiter() */
        return (int32_t)(p->nlocks + p->nsemaphores + p->nlimiters);
    return -1;
}

bool cs__names_prim(cs__loader *ld, const char *name)
{
    const char *kind;
    int hits;
    return cs__prim_index(ld, name, &kind, &hits) >= 0;
}

int cs__resolve_prim(cs__loader *ld, cs_stmt *st, const char *name)
{
    char q[256];
    const char *kind;
    int hits;
    cs__repr(q, sizeof q, name);
    int32_t i = cs__prim_index(ld, name, &kind, &hits);
    if (i < 0)
        return cs__fail(ld, st->pos, "unknown lock, semaphore or capacity limiter %s", q);
    if (hits > 1)
        return cs__fail(ld, st->pos, "%s names more than one of a lock, a semaphore and a capacity limiter", q);
    bool limiter = strcmp(kind, "limiter") == 0;
    if (st->text && !limiter)
        return cs__fail(ld, st->pos, "on_behalf_of: %s is a %s; only a CapacityLimiter borrows on behalf of another", q,
                        kind);
    if (st->op == CS_OP_SET_TOTAL_TOKENS) {
        if (!limiter)
            return cs__fail(ld, st->pos, "%s is a %s, not a capacity limiter (total_tokens)", q, kind);
        if (st->num < 0 || (isfinite(st->num) && (st->num != floor(st->num) || st->num > 9e15)))
            return cs__fail(ld, st->pos, "value: total_tokens must be an integer >= 0 or \"inf\"");
    }
    st->ref = i;
    return 0;
}
