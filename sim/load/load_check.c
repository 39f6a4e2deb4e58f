/* load_check.c - the checks that need the whole scenario, after conversion
 * (the oracle's check_names, check_recursion and check_context), then the
 * program's name tables and max_depth.
 * All traversals go through load_walk.c (iterative, in the oracle's order).
 */
#include <stdlib.h>
#include <string.h>

#include "load_internal.h"
#include "util.h"

static void cs__decls_add(cs__decls *d, const char *name, cs_pos pos, int kind)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 32;
        d->v = cs_xrealloc(d->v, d->cap * sizeof *d->v);
    }
    d->v[d->n++] = (cs_name_decl){name, pos, kind, false, false};
}

/* check_names, part 1: every task, scope and group name, unique. */
static int cs__visit_declare(cs__loader *ld, cs__walk *w, cs_stmt *st, uint32_t level, unsigned ctx, void *user)
{
    char r[256];
    bool task = false;
    int kind;
    switch (st->op) {
    case CS_OP_START_SOON:
    case CS_OP_START:
    case CS_OP_CREATE_TASK:
    case CS_OP_ASYNCIO_CREATE_TASK:
    case CS_OP_WAIT_FOR:
    case CS_OP_ASYNCIO_TG_CREATE_TASK:
    case CS_OP_ASYNCIO_FUTURE:
        task = true;
        kind = (int)st->op;
        break;
    case CS_OP_TASK_GROUP: kind = CS_SCOPE_TASK_GROUP; break;
    case CS_OP_CANCEL_SCOPE: kind = CS_SCOPE_CANCEL_SCOPE; break;
    case CS_OP_MOVE_ON_AFTER:
    case CS_OP_MOVE_ON_AT: kind = CS_SCOPE_MOVE_ON; break;
    case CS_OP_FAIL_AFTER:
    case CS_OP_FAIL_AT: kind = CS_SCOPE_FAIL_AFTER; break;
    case CS_OP_SCOPE_ENTER:
        kind = CS_SCOPE_MANUAL;
        ld->prog->manual_scopes = true;
        break;
    default: return 0;
    }
    if (!st->name)
        return 0;
    if (strpbrk(st->name, "[]#"))
        return cs__fail(ld, st->pos, "name %s may not contain '[', ']' or '#'", cs__repr(r, sizeof r, st->name));
    if (cs__strmap_get(&ld->decls, st->name) >= 0)
        return cs__fail(ld, st->pos, "name %s is already used (names of tasks, scopes and groups must be unique)",
                        cs__repr(r, sizeof r, st->name));
    cs__decls *d = task ? &ld->tasks : &ld->scopes;
    st->decl = (int32_t)d->n;
    cs__strmap_put(&ld->decls, st->name, st->decl | (task ? CS__DECL_TASK : 0));
    cs__decls_add(d, st->name, st->pos, kind);
    if (task) /* a handle the program keeps (issue 18) */
        d->v[d->n - 1].handle = st->op == CS_OP_CREATE_TASK || (st->op == CS_OP_START && st->return_handle) ||
                                (st->op == CS_OP_START_SOON && st->count < 0);
    return 0;
}

/* Index of a scope or group named `name` (groups only when group_only), or -1. */
static int32_t cs__scope_ref(cs__loader *ld, const char *name, bool group_only)
{
    int32_t d = name ? cs__strmap_get(&ld->decls, name) : -1;
    if (d < 0 || (d & CS__DECL_TASK))
        return -1;
    if (group_only && ld->scopes.v[d].kind != CS_SCOPE_TASK_GROUP)
        return -1;
    return d;
}

static int cs__resolve_match(cs__loader *ld, cs_stmt *st, const cs__refs *r)
{
    char q[256];
    for (uint32_t h = 0; r && r->match && h < st->nhandlers; h++) {
        int32_t *classes = (int32_t *)st->handlers[h].classes;
        for (uint32_t j = 0; r->match[h] && j < st->handlers[h].nclasses; j++) {
            classes[j] = cs__strmap_get(&ld->classes, r->match[h][j]);
            if (classes[j] < 0)
                return cs__fail(ld, r->mpos[h], "unknown exception class %s", cs__repr(q, sizeof q, r->match[h][j]));
        }
    }
    return 0;
}

/* check_names, part 2: resolve every reference, replacing the refs index in
 * st->ref by the index of what it names. */
static int cs__visit_resolve(cs__loader *ld, cs__walk *w, cs_stmt *st, uint32_t level, unsigned ctx, void *user)
{
    char q[256];
    const cs__refs *r = st->ref >= 0 ? &ld->refs[st->ref] : NULL;
    const char *name = r ? r->ref : NULL;
    int32_t d = -1;
    st->ref = -1;
    if (r && r->in) {
        if ((st->ref = cs__scope_ref(ld, r->in, true)) < 0)
            return cs__fail(ld, st->pos, "%s is not a task group", cs__repr(q, sizeof q, r->in));
    }
    cs__repr(q, sizeof q, name ? name : "");
    if (st->flow && st->flow->obj_slot >= 0) /* a parameter holds the object (load_names.c) */
        return 0;
    switch (st->op) {
    case CS_OP_CANCEL:
    case CS_OP_SET_SHIELD:
    case CS_OP_SET_DEADLINE:
    case CS_OP_REENTER:
    case CS_OP_PROBE:
        if (name && (st->ref = cs__scope_ref(ld, name, false)) < 0)
            return cs__fail(ld, st->pos, "%s is not a scope or task group", q);
        return 0;
    case CS_OP_SCOPE_EXIT: /* issue 19: only a scope entered by hand is exited by hand */
        if ((st->ref = cs__scope_ref(ld, name, false)) < 0 || ld->scopes.v[st->ref].kind != CS_SCOPE_MANUAL)
            return cs__fail(ld, st->pos, "%s is not a scope entered by 'scope_enter'", q);
        return 0;
    case CS_OP_AWAIT_TASK:
    case CS_OP_CANCEL_TASK:
    case CS_OP_TASK_RETURN_VALUE:
        d = cs__strmap_get(&ld->decls, name);
        if (d < 0 || !(d & CS__DECL_TASK) || !ld->tasks.v[d & ~CS__DECL_TASK].handle)
            return cs__fail(ld, st->pos,
                            "%s is not a task whose handle is kept (create_task, start with "
                            "return_handle, start_soon without count)",
                            q);
        st->ref = d & ~CS__DECL_TASK;
        ld->tasks.v[st->ref].handle_named = true;
        return 0;
    case CS_OP_ASYNCIO_AWAIT:
    case CS_OP_ASYNCIO_CANCEL:
    case CS_OP_ASYNCIO_PROBE:
    case CS_OP_ASYNCIO_SHIELD:
    case CS_OP_UNCANCEL: /* issue 20: {"uncancel": "t"} */
    case CS_OP_AWAIT_FUTURE:
    case CS_OP_FUTURE_SET_RESULT:
    case CS_OP_FUTURE_CANCEL: return cs__native_resolve(ld, st, name);
    case CS_OP_WAIT:
    case CS_OP_SET:
        if ((st->ref = cs__strmap_get(&ld->events, name)) < 0)
            return cs__fail(ld, st->pos, "unknown event %s", q);
        return 0;
    case CS_OP_WITH_LOCK:
        if ((st->ref = cs__strmap_get(&ld->locks, name)) < 0)
            return cs__fail(ld, st->pos, "unknown lock %s", q);
        return 0;
    case CS_OP_WITH_SEMAPHORE:
        if ((st->ref = cs__strmap_get(&ld->sems, name)) < 0)
            return cs__fail(ld, st->pos, "unknown semaphore %s", q);
        return 0;
    case CS_OP_WITH_LIMITER:
    case CS_OP_TO_THREAD:
        st->ref = cs__strmap_get(&ld->limiters, name ? name : "default");
        if (st->ref < 0 && name && strcmp(name, "default") != 0)
            return cs__fail(ld, st->pos, "unknown limiter %s", q);
        return 0;
    case CS_OP_CALL:
    case CS_OP_ASYNC_WITH: /* the generator function (load_gen.c) */
    case CS_OP_ACLOSING:
    case CS_OP_AGEN:
        if ((st->ref = cs__strmap_get(&ld->funcs, name)) < 0)
            return cs__fail(ld, st->pos, "unknown function %s", q);
        return 0;
    case CS_OP_RAISE:
        if (st->count >= 0) /* raise ExceptionGroup("m", [...]) (load_group.c) */
            return cs__resolve_group(ld, st, name);
        if (!strcmp(name, "Cancelled") || !strcmp(name, "BaseExceptionGroup") || !strcmp(name, "ExceptionGroup"))
            return cs__fail(ld, st->pos, "%s cannot be raised by a scenario", name);
        if ((st->ref = cs__strmap_get(&ld->classes, name)) < 0)
            return cs__fail(ld, st->pos, "unknown exception class %s", q);
        return 0;
    case CS_OP_TRY: return cs__resolve_match(ld, st, r);
    case CS_OP_ANEXT: return cs__resolve_agen(ld, st, name); /* issue 19: a generator object's (load_agen.c) */
    case CS_OP_ACLOSE:                                       /* a stream end's, or a generator object's */
        if (cs__strmap_get(&ld->ends, name) < 0 && cs__strmap_get(&ld->agens, name) >= 0)
            return cs__resolve_agen(ld, st, name);
        return cs__resolve_stream(ld, st, name);
    case CS_OP_SEND:
    case CS_OP_SEND_NOWAIT:
    case CS_OP_RECEIVE:
    case CS_OP_RECEIVE_NOWAIT:
    case CS_OP_ASYNC_FOR:
    case CS_OP_CLOSE:
    case CS_OP_CLONE:
    case CS_OP_WITH_STREAM: return cs__resolve_stream(ld, st, name);
    case CS_OP_STATISTICS: /* a stream end's, or a lock's, semaphore's or limiter's (load_sync.c) */
        if (cs__strmap_get(&ld->ends, name) < 0 && cs__names_prim(ld, name)) {
            st->op = CS_OP_SYNC_STATISTICS;
            return cs__resolve_prim(ld, st, name);
        }
        if (cs__strmap_get(&ld->ends, name) < 0 && cs__strmap_get(&ld->conds, name) >= 0) {
            st->op = CS_OP_CONDITION_STATISTICS;
            return cs__resolve_condition(ld, st, name);
        }
        return cs__resolve_stream(ld, st, name);
    case CS_OP_ACQUIRE:
    case CS_OP_ACQUIRE_NOWAIT:
    case CS_OP_RELEASE: /* a lock's, semaphore's or limiter's, or a Condition's own (its lock) */
        if (!cs__names_prim(ld, name) && cs__strmap_get(&ld->conds, name) >= 0) {
            if (st->text)
                return cs__fail(ld, st->pos,
                                "on_behalf_of: %s is a condition; only a CapacityLimiter borrows on "
                                "behalf of another",
                                q);
            st->op = st->op == CS_OP_ACQUIRE          ? CS_OP_CONDITION_ACQUIRE
                     : st->op == CS_OP_ACQUIRE_NOWAIT ? CS_OP_CONDITION_ACQUIRE_NOWAIT
                                                      : CS_OP_CONDITION_RELEASE;
            return cs__resolve_condition(ld, st, name);
        }
        return cs__resolve_prim(ld, st, name);
    case CS_OP_SET_TOTAL_TOKENS: return cs__resolve_prim(ld, st, name);
    case CS_OP_LOCKED: /* Lock.locked() or Condition.locked() */
        if (!cs__names_prim(ld, name) && cs__strmap_get(&ld->conds, name) >= 0) {
            st->op = CS_OP_CONDITION_LOCKED;
            return cs__resolve_condition(ld, st, name);
        }
        if (cs__resolve_prim(ld, st, name) < 0)
            return -1;
        if ((uint32_t)st->ref >= ld->prog->nlocks)
            return cs__fail(ld, st->pos, "%s is not a lock or a condition (only they have locked())", q);
        return 0;
    case CS_OP_WITH_CONDITION:
    case CS_OP_CONDITION_WAIT:
    case CS_OP_NOTIFY:
    case CS_OP_NOTIFY_ALL: return cs__resolve_condition(ld, st, name);
    default: return 0;
    }
}

static const cs_name_decl *cs__decls_copy(cs__loader *ld, const cs__decls *d)
{
    cs_name_decl *v = cs__program_alloc(ld->prog, d->n * sizeof *v);
    if (d->n)
        memcpy(v, d->v, d->n * sizeof *v);
    return v;
}

int cs__check_program(cs__loader *ld)
{
    if (cs__add_task_not_finished(ld) < 0 || cs__walk_all(ld, cs__visit_declare, NULL) < 0 ||
        cs__declare_clones(ld) < 0 || cs__declare_agens(ld) < 0 || cs__check_names(ld) < 0 ||
        cs__walk_all(ld, cs__visit_resolve, NULL) < 0)
        return -1;
    cs__streams_done(ld);
    ld->prog->scopes = cs__decls_copy(ld, &ld->scopes);
    ld->prog->nscopes = ld->scopes.n;
    ld->prog->tasks = cs__decls_copy(ld, &ld->tasks);
    ld->prog->ntasks = ld->tasks.n;
    uint32_t *order = cs_xcalloc(ld->prog->nfunctions, sizeof *order);
    int rc = -1;
    if (cs__check_generators(ld) == 0 && cs__check_recursion(ld, order) == 0 && cs__check_args(ld, order) == 0 &&
        cs__check_context(ld) == 0 && cs__check_plain_threads(ld) == 0) {
        cs__compute_depth(ld, order);
        cs__datums_finish(ld);
        rc = 0;
    }
    free(order);
    return rc;
}
