/* load_decl.c - the scenario's top-level declarations (user exception classes,
 * limiters, semaphores, events, locks) and the shallow checks of its
 * expectations (scenario-format.md sections 1, 3 and 6).
 *
 * User classes get indices after the builtins, in file order.  Their bases are
 * resolved by following each chain iteratively, with a per-class state
 * (unresolved / on the current chain / resolved), so a cycle of any length is
 * found without recursion.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load_internal.h"
#include "util.h"

/* Python's str.isidentifier(), approximated: any non-ASCII byte is accepted
 * as a letter. */
static bool cs__is_identifier(const char *s)
{
    if (!*s || (*s >= '0' && *s <= '9'))
        return false;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (!(c >= 0x80 || c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
            return false;
    }
    return true;
}

typedef struct cs__user_class {
    const char *base;
    cs_pos vpos;
    int state; /* 0 unresolved, 1 on the chain being resolved, 2 resolved */
} cs__user_class;

/* Resolves the base of user class u (index into uc) and of every user class
 * its chain passes through. */
static int cs__resolve_class(cs__loader *ld, cs__user_class *uc, uint32_t u, uint32_t *chain)
{
    cs_exc_class *cls = (cs_exc_class *)ld->prog->classes;
    char r[256];
    uint32_t n = 0, cur = u;
    while (uc[cur].state != 2) {
        const char *name = cls[CS_EXC_BUILTIN_COUNT + cur].name, *base = uc[cur].base;
        if (uc[cur].state == 1)
            return cs__fail(ld, uc[cur].vpos, "exception %s has a cyclic base", cs__repr(r, sizeof r, name));
        if (!strcmp(base, "Cancelled") || !strcmp(base, "BaseExceptionGroup") || !strcmp(base, "ExceptionGroup"))
            return cs__fail(ld, uc[cur].vpos, "exception %s may not derive from %s", cs__repr(r, sizeof r, name), base);
        int32_t b = cs__strmap_get(&ld->classes, base);
        if (b < 0)
            return cs__fail(ld, uc[cur].vpos, "unknown base class %s", cs__repr(r, sizeof r, base));
        if (b < CS_EXC_BUILTIN_COUNT) {
            cls[CS_EXC_BUILTIN_COUNT + cur].base = b;
            uc[cur].state = 2;
            break;
        }
        uc[cur].state = 1;
        chain[n++] = cur;
        cur = (uint32_t)b - CS_EXC_BUILTIN_COUNT;
    }
    while (n--) { /* each class on the chain derives from the next one */
        uint32_t c = chain[n];
        cls[CS_EXC_BUILTIN_COUNT + c].base = cs__strmap_get(&ld->classes, uc[c].base);
        uc[c].state = 2;
    }
    return 0;
}

int cs__load_exceptions(cs__loader *ld, const json_t *doc)
{
    const json_t *ex = json_object_get(doc, "exceptions");
    uint32_t node = ex ? cs__member(ld, doc, 0, "exceptions") : CS__JNONE;
    if (ex && !json_is_object(ex))
        return cs__fail(ld, cs__vpos(ld, node), "exceptions must be an object");
    size_t nuser = ex ? json_object_size(ex) : 0;
    cs_exc_class *cls = cs__program_alloc(ld->prog, (CS_EXC_BUILTIN_COUNT + nuser) * sizeof *cls);
    ld->prog->classes = cls;
    ld->prog->nclasses = (uint32_t)(CS_EXC_BUILTIN_COUNT + nuser);
    for (int32_t i = 0; i < CS_EXC_BUILTIN_COUNT; i++) {
        cls[i] = cs__builtin_class(i);
        cs__strmap_put(&ld->classes, cls[i].name, i);
    }
    if (!nuser)
        return 0;

    char r[256];
    cs__user_class *uc = cs_xcalloc(nuser, sizeof *uc);
    uint32_t *chain = cs_xcalloc(nuser, sizeof *chain);
    int rc = -1;
    uint32_t c = cs__jpos_first(&ld->idx, node), i = 0;
    for (void *it = json_object_iter((json_t *)ex); it; it = json_object_iter_next((json_t *)ex, it), i++) {
        const char *name = json_object_iter_key(it);
        const json_t *base = json_object_iter_value(it);
        const char *bad = NULL; /* which check failed; builtins are in the map (user names are unique keys) */
        if (cs__strmap_get(&ld->classes, name) >= 0)
            bad = "exception %s would shadow a built-in class";
        else if (!cs__is_identifier(name))
            bad = "exception name %s is not an identifier";
        if (bad) {
            cs__fail(ld, cs__kpos(ld, c), bad, cs__repr(r, sizeof r, name));
            goto out;
        }
        if (!json_is_string(base) || cs__json_has_nul(base)) {
            cs__fail(ld, cs__vpos(ld, c), "an exception's base must be a class name");
            goto out;
        }
        cls[CS_EXC_BUILTIN_COUNT + i].name = cs__program_strdup(ld->prog, name);
        uc[i].base = cs__program_strdup(ld->prog, json_string_value(base));
        uc[i].vpos = cs__vpos(ld, c);
        c = cs__jpos_next(&ld->idx, node, c);
    }
    for (i = 0; i < nuser; i++)
        cs__strmap_put(&ld->classes, cls[CS_EXC_BUILTIN_COUNT + i].name, (int32_t)(CS_EXC_BUILTIN_COUNT + i));
    for (i = 0; i < nuser; i++)
        if (cs__resolve_class(ld, uc, i, chain) < 0)
            goto out;
    rc = 0;
out:
    free(uc);
    free(chain);
    return rc;
}

/* limiters / semaphores: an object name -> integer >= 0 (limiters also "inf"). */
static int cs__load_counts(cs__loader *ld, const json_t *doc, const char *key, bool limiter)
{
    const json_t *m = json_object_get(doc, key);
    if (!m)
        return 0;
    uint32_t node = cs__member(ld, doc, 0, key);
    if (!json_is_object(m))
        return cs__fail(ld, cs__vpos(ld, node), "%s must be an object", key);
    size_t n = json_object_size(m);
    cs_limiter_decl *lims = limiter ? cs__program_alloc(ld->prog, n * sizeof *lims) : NULL;
    cs_semaphore_decl *sems = limiter ? NULL : cs__program_alloc(ld->prog, n * sizeof *sems);
    uint32_t c = cs__jpos_first(&ld->idx, node), i = 0;
    char r[256];
    for (void *it = json_object_iter((json_t *)m); it; it = json_object_iter_next((json_t *)m, it), i++) {
        const char *name = cs__program_strdup(ld->prog, json_object_iter_key(it));
        const json_t *v = json_object_iter_value(it);
        bool inf = limiter && json_is_string(v) && strcmp(json_string_value(v), "inf") == 0;
        if (!limiter) { /* an integer, or its options (load_sync.c) */
            if (cs__sync_semaphore_decl(ld, v, c, name, &sems[i]) < 0)
                return -1;
        } else if (!inf && (!json_is_integer(v) || json_integer_value(v) < 0))
            return cs__fail(ld, cs__vpos(ld, c), "%s %s must be %s", limiter ? "limiter" : "semaphore",
                            cs__repr(r, sizeof r, name), limiter ? "an integer >= 0 or \"inf\"" : "an integer >= 0");
        if (limiter)
            lims[i] = (cs_limiter_decl){name, inf ? 0 : json_integer_value(v), inf};
        cs__strmap_put(limiter ? &ld->limiters : &ld->sems, name, (int32_t)i);
        c = cs__jpos_next(&ld->idx, node, c);
    }
    if (limiter) {
        ld->prog->limiters = lims;
        ld->prog->nlimiters = i;
    } else {
        ld->prog->semaphores = sems;
        ld->prog->nsemaphores = i;
    }
    return 0;
}

/* events / locks: a list of distinct non-empty names. */
static int cs__load_names(cs__loader *ld, const json_t *doc, const char *key, cs__strmap *map, const char *const **out,
                          uint32_t *nout)
{
    const json_t *l = json_object_get(doc, key);
    if (!l)
        return 0;
    uint32_t node = cs__member(ld, doc, 0, key);
    if (!json_is_array(l))
        return cs__fail(ld, cs__vpos(ld, node), "%s must be a list of names", key);
    size_t n = json_array_size(l);
    const char **names = cs__program_alloc(ld->prog, n * sizeof *names);
    uint32_t c = cs__jpos_first(&ld->idx, node);
    char r[256];
    for (size_t i = 0; i < n; i++, c = cs__jpos_next(&ld->idx, node, c)) {
        const json_t *v = json_array_get(l, i);
        if (cs__json_has_nul(v))
            return cs__fail(ld, cs__vpos(ld, c), CS__NUL_NAME);
        if (!json_is_string(v) || !json_string_value(v)[0])
            return cs__fail(ld, cs__vpos(ld, c), "a name must be a non-empty string");
        if (cs__strmap_get(map, json_string_value(v)) >= 0)
            return cs__fail(ld, cs__vpos(ld, c), "duplicate name %s", cs__repr(r, sizeof r, json_string_value(v)));
        names[i] = cs__program_strdup(ld->prog, json_string_value(v));
        cs__strmap_put(map, names[i], (int32_t)i);
    }
    *out = names;
    *nout = (uint32_t)n;
    return 0;
}

int cs__load_resources(cs__loader *ld, const json_t *doc)
{
    if (cs__load_counts(ld, doc, "limiters", true) < 0 || cs__load_counts(ld, doc, "semaphores", false) < 0)
        return -1;
    if (cs__load_names(ld, doc, "events", &ld->events, &ld->prog->events, &ld->prog->nevents) < 0)
        return -1;
    int objects = cs__sync_load_locks(ld, doc); /* "locks" as name -> options */
    if (objects != 0)
        return objects < 0 ? -1 : 0;
    return cs__load_names(ld, doc, "locks", &ld->locks, &ld->prog->locks, &ld->prog->nlocks);
}

static const char *const cs__expect_keys[] = {
    "scenario",     "backend",        "result",   "end_time", "tasks",     "scopes",     "log",
    "log_contains", "tasks_in_state", "findings", "exact",    "canonical", "invariants", NULL,
};

/* One expectations object e at index node `node` (shallow, as the oracle;
 * `canonical` holds one more, depth 1). */
static int cs__check_expect(cs__loader *ld, const json_t *e, uint32_t node, int depth)
{
    char r[256];
    if (!json_is_object(e))
        return cs__fail(ld, cs__vpos(ld, node), "expectations must be an object");
    uint32_t c = cs__jpos_first(&ld->idx, node);
    for (void *it = json_object_iter((json_t *)e); it; it = json_object_iter_next((json_t *)e, it)) {
        const char *k = json_object_iter_key(it);
        const json_t *v = json_object_iter_value(it);
        size_t i = 0;
        while (cs__expect_keys[i] && strcmp(cs__expect_keys[i], k) != 0)
            i++;
        if (!cs__expect_keys[i])
            return cs__fail(ld, cs__kpos(ld, c), "unknown expectation key %s", cs__repr(r, sizeof r, k));
        bool ok = true;
        const char *what = NULL;
        if (strcmp(k, "log_contains") == 0) {
            ok = json_is_array(v);
            what = "log_contains must be a list";
        } else if (strcmp(k, "tasks_in_state") == 0) {
            ok = json_is_object(v);
            const char *sk;
            const json_t *sv;
            json_object_foreach ((json_t *)v, sk, sv)
                ok = ok && json_is_integer(sv);
            what = "tasks_in_state must map states to counts";
        } else if (strcmp(k, "findings") == 0) {
            ok = json_is_array(v);
            for (size_t j = 0; ok && j < json_array_size(v); j++)
                ok = json_is_string(json_array_get(v, j));
            what = "findings must be a list of finding names";
        } else if (strcmp(k, "exact") == 0) {
            ok = json_is_boolean(v);
            what = "exact must be true or false";
        } else if (strcmp(k, "canonical") == 0) {
            if (depth > 0)
                return cs__fail(ld, cs__kpos(ld, c), "canonical may not hold another canonical");
            if (cs__check_expect(ld, v, c, depth + 1) < 0)
                return -1;
        } else if (strcmp(k, "invariants") == 0) {
            /* once accepted and never checked: a check that cannot fail */
            return cs__fail(ld, cs__kpos(ld, c),
                            "invariants is not supported: state what must hold in `always` "
                            "(every injected fault plan) or as `findings`");
        }
        if (!ok)
            return cs__fail(ld, cs__vpos(ld, c), "%s", what);
        c = cs__jpos_next(&ld->idx, node, c);
    }
    return 0;
}

int cs__load_expectations(cs__loader *ld, const json_t *doc)
{
    char r[256];
    const json_t *v;
    uint32_t node, c;
    if ((v = json_object_get(doc, "expect")) && cs__check_expect(ld, v, cs__member(ld, doc, 0, "expect"), 0) < 0)
        return -1;
    if ((v = json_object_get(doc, "expect_by_backend"))) {
        node = cs__member(ld, doc, 0, "expect_by_backend");
        if (!json_is_object(v))
            return cs__fail(ld, cs__vpos(ld, node), "expect_by_backend must be an object");
        c = cs__jpos_first(&ld->idx, node);
        for (void *it = json_object_iter((json_t *)v); it; it = json_object_iter_next((json_t *)v, it)) {
            const char *b = json_object_iter_key(it);
            if (strcmp(b, "asyncio") != 0 && strcmp(b, "trio") != 0)
                return cs__fail(ld, cs__kpos(ld, c), "unknown backend %s", cs__repr(r, sizeof r, b));
            if (cs__check_expect(ld, json_object_iter_value(it), c, 0) < 0)
                return -1;
            c = cs__jpos_next(&ld->idx, node, c);
        }
    }
    if ((v = json_object_get(doc, "expect_any"))) {
        node = cs__member(ld, doc, 0, "expect_any");
        if (!json_is_array(v))
            return cs__fail(ld, cs__vpos(ld, node), "expect_any must be a list of expectations");
        c = cs__jpos_first(&ld->idx, node);
        for (size_t i = 0; i < json_array_size(v); i++, c = cs__jpos_next(&ld->idx, node, c))
            if (cs__check_expect(ld, json_array_get(v, i), c, 0) < 0)
                return -1;
    }
    if ((v = json_object_get(doc, "always")) && cs__check_expect(ld, v, cs__member(ld, doc, 0, "always"), 0) < 0)
        return -1;
    return 0;
}
