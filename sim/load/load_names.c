/* load_names.c - named values (flow.h): every name a statement reads or
 * binds gets a slot in the locals of the function it stands in, checked the
 * way a reader of the Python would expect:
 *
 *  - a name is read only after a statement before it (in the text) bound it:
 *    an `as`, a `let`, a parameter; else "used before it is bound";
 *  - an exception a handler bound (`except X as e`) is seen only inside that
 *    handler, and only by print() and `exc_args` conditions, and only when
 *    the handler cannot catch a cancellation (whose str() holds an address);
 *  - break/continue stand in a loop of the same function, not across an
 *    except* block (CPython's SyntaxError);
 *  - a call gives as many arguments as the function has parameters, and a
 *    parameter used as an event (lock, semaphore, limiter) is given one,
 *    one used as a value is given a value (cs__check_args, callees first).
 *
 * Functions, main, and each spawned body are separate functions (a spawned
 * body sees none of its spawner's names; a `call` with `args` passes them).
 * Each is walked with an explicit stack of bodies, in the text's order.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "load_internal.h"
#include "util.h"

/* What a parameter is used as (a local that is not a parameter is a value). */
enum { CS__PK_ANY, CS__PK_DATA, CS__PK_EVENT, CS__PK_LOCK, CS__PK_SEM, CS__PK_LIMITER, CS__PK_NUMBER };
static const char *const cs__pk_names[] = {"anything",           "a value", "an event", "a lock", "a semaphore",
                                           "a capacity limiter", "a number"};

/* A number is a value too: a parameter used as both is a number. */
static int cs__pk_unify(int have, int kind)
{
    if (have == CS__PK_ANY || have == kind)
        return kind;
    if ((have == CS__PK_DATA && kind == CS__PK_NUMBER) || (have == CS__PK_NUMBER && kind == CS__PK_DATA))
        return CS__PK_NUMBER;
    return -1;
}

/* A call site with arguments: checked once every parameter's kind is known. */
typedef struct cs__edge {
    const cs_expr *args;
    uint32_t nargs;
    int32_t caller, callee; /* function indices (caller -1: main or a spawned body) */
    const char *callee_name;
} cs__edge;

typedef struct cs__names {
    uint8_t **pkind; /* per function, per parameter: CS__PK_* */
    uint32_t nfunctions;
    cs__edge *edges;
    size_t nedges, capedges;
} cs__names;

/* An exception name a handler bound, visible in its body (a linked chain:
 * the bodies walked share their outer part). */
typedef struct cs__env {
    const char *name;
    const cs_stmt *tr;
    bool printable; /* the handler catches Exception subclasses only */
    const struct cs__env *next;
} cs__env;

typedef struct cs__nframe {
    const cs_stmt *items;
    uint32_t n, i;
    uint32_t loops; /* loops around it in this function, since the last except* block */
    bool star;      /* inside an except* handler, no loop since */
    const cs__env *env;
} cs__nframe;

/* One function being walked. */
typedef struct cs__ctx {
    int32_t fn; /* function index, or -1 */
    uint32_t nparams;
    uint8_t *pkind;   /* the function's parameter kinds, or NULL */
    cs__strmap slots; /* name -> slot */
    uint32_t nslots;
    bool no_names;     /* a from_thread body: none are supported */
    cs__strmap scopes; /* scope/group name declared in this function -> index in `declared` */
    cs_stmt **declared;
    size_t ndeclared, capdeclared;
} cs__ctx;

/* A body still to walk as a function of its own. */
typedef struct cs__pending {
    cs_body body;
    int32_t fn;
    cs_stmt *owner; /* the spawn whose body it is (its flow gets nslots), or NULL */
    bool no_names;
} cs__pending;

typedef struct cs__pendings {
    cs__pending *v;
    size_t n, cap;
} cs__pendings;

static void cs__pending_add(cs__pendings *p, cs_body b, int32_t fn, cs_stmt *owner, bool no_names)
{
    p->v = cs_xgrow(p->v, &p->cap, p->n + 1, sizeof *p->v);
    p->v[p->n++] = (cs__pending){b, fn, owner, no_names};
}

/* Scratch memory for envs and frames, freed after the pass. */
typedef struct cs__scratch {
    void **v;
    size_t n, cap;
} cs__scratch;

static void *cs__scratch_alloc(cs__scratch *s, size_t n)
{
    s->v = cs_xgrow(s->v, &s->cap, s->n + 1, sizeof *s->v);
    return s->v[s->n++] = cs_xcalloc(1, n);
}

typedef struct cs__pass {
    cs__loader *ld;
    cs__names *nm;
    cs__pendings todo;
    cs__scratch scratch;
    cs__ctx *cx;
} cs__pass;

/* ---- names in one function ---- */

static const cs__env *cs__env_find(const cs__env *env, const char *name)
{
    for (; env; env = env->next)
        if (!strcmp(env->name, name))
            return env;
    return NULL;
}

/* Makes parameter/local `slot` of the current function used as `kind`. */
static int cs__use_kind(cs__pass *ps, int32_t slot, int kind, const char *name, cs_pos pos)
{
    char q[128];
    cs__ctx *cx = ps->cx;
    uint8_t have = (uint32_t)slot < cx->nparams ? cx->pkind[slot] : CS__PK_DATA;
    if (kind == CS__PK_NUMBER && (uint32_t)slot >= cx->nparams)
        return cs__fail(ps->ld, pos, "a duration may name a parameter only (%s is a value bound here)",
                        cs__repr(q, sizeof q, name));
    int u = cs__pk_unify(have, kind);
    if (u < 0)
        return cs__fail(ps->ld, pos, "%s is used as %s here and as %s elsewhere", cs__repr(q, sizeof q, name),
                        cs__pk_names[kind], cs__pk_names[have]);
    if ((uint32_t)slot < cx->nparams)
        cx->pkind[slot] = (uint8_t)u;
    return 0;
}

/* The slot of a name read as a value (kind CS__PK_DATA) or object. */
static int32_t cs__use(cs__pass *ps, const cs__env *env, const char *name, int kind, cs_pos pos)
{
    char q[128];
    cs__repr(q, sizeof q, name);
    if (cs__env_find(env, name))
        return cs__fail(ps->ld, pos, "%s is an exception here: only print() and 'exc_args' conditions read it", q);
    int32_t slot = cs__strmap_get(&ps->cx->slots, name);
    if (slot < 0)
        return cs__fail(ps->ld, pos, "name %s is used before it is bound", q);
    return cs__use_kind(ps, slot, kind, name, pos) < 0 ? -1 : slot;
}

/* Binds a name (an `as`, a `let`) as a value: its slot. */
static int32_t cs__bind(cs__pass *ps, const cs__env *env, const char *name, cs_pos pos)
{
    char q[128];
    cs__ctx *cx = ps->cx;
    cs__repr(q, sizeof q, name);
    if (cx->no_names)
        return cs__fail(ps->ld, pos, "named values are not supported in a from_thread body");
    if (cs__env_find(env, name))
        return cs__fail(ps->ld, pos, "%s names the exception this handler caught", q);
    int32_t slot = cs__strmap_get(&cx->slots, name);
    if (slot < 0) {
        if (cx->nslots >= CS_LOAD_MAX_NAMES)
            return cs__fail(ps->ld, pos, "more than %d named values in one function", CS_LOAD_MAX_NAMES);
        slot = (int32_t)cx->nslots++;
        cs__strmap_put(&cx->slots, name, slot);
    }
    return cs__use_kind(ps, slot, CS__PK_DATA, name, pos) < 0 ? -1 : slot;
}

/* An exception name read by print() or exc_args: the handler's try. */
static const cs_stmt *cs__use_exc(cs__pass *ps, const cs__env *env, const char *name, cs_pos pos)
{
    char q[128];
    const cs__env *b = cs__env_find(env, name);
    if (!b) {
        cs__fail(ps->ld, pos, "%s is not an exception caught by an enclosing handler (`except X as NAME`)",
                 cs__repr(q, sizeof q, name));
        return NULL;
    }
    if (!b->printable) {
        cs__fail(ps->ld, pos,
                 "%s may be a cancellation, whose str() and args hold an address: name only "
                 "Exception subclasses in this handler",
                 cs__repr(q, sizeof q, name));
        return NULL;
    }
    return b->tr;
}

/* The datum standing for a declared object passed by name (made once per object). */
static const cs_datum *cs__object_datum(cs__loader *ld, const char *name)
{
    static const struct {
        size_t off;
        uint8_t kind;
    } maps[] = {
        {offsetof(cs__loader, events), CS_DATUM_EVENT},
        {offsetof(cs__loader, locks), CS_DATUM_LOCK},
        {offsetof(cs__loader, sems), CS_DATUM_SEMAPHORE},
        {offsetof(cs__loader, limiters), CS_DATUM_LIMITER},
    };
    for (size_t i = 0; i < sizeof maps / sizeof *maps; i++) {
        int32_t k = cs__strmap_get((const cs__strmap *)((const char *)ld + maps[i].off), name);
        if (k >= 0) {
            cs_datum *d = cs__program_alloc(ld->prog, sizeof *d);
            memset(d, 0, sizeof *d);
            d->kind = maps[i].kind;
            d->obj = k;
            d->str = d->json = "null";
            return d;
        }
    }
    return NULL;
}

/* An argument (or print part, let value): a literal, a local, an exception
 * (print only), or a declared object (arguments only). */
static int cs__expr(cs__pass *ps, const cs__env *env, cs_expr *x, bool print, bool arg)
{
    char q[128];
    if (!x->name)
        return 0;
    if (print && cs__env_find(env, x->name))
        return (x->exc = cs__use_exc(ps, env, x->name, x->pos)) ? 0 : -1;
    if (arg && cs__strmap_get(&ps->cx->slots, x->name) < 0 && !cs__env_find(env, x->name)) {
        if ((x->lit = cs__object_datum(ps->ld, x->name)))
            return 0;
    }
    if (arg && cs__strmap_get(&ps->cx->slots, x->name) >= 0) { /* its kind is checked with the call's */
        x->slot = cs__strmap_get(&ps->cx->slots, x->name);
        return 0;
    }
    if (arg && cs__env_find(env, x->name))
        return cs__fail(ps->ld, x->pos, "%s is an exception: passing it as an argument is not supported",
                        cs__repr(q, sizeof q, x->name));
    return (x->slot = cs__use(ps, env, x->name, CS__PK_DATA, x->pos)) < 0 ? -1 : 0;
}

/* A call site: arity now, kinds later (cs__check_args). */
static int cs__call_site(cs__pass *ps, const cs__env *env, const cs_stmt *st, const char *fname, const cs_flow *fl)
{
    char q[128];
    int32_t g = fname ? cs__strmap_get(&ps->ld->funcs, fname) : -1;
    uint32_t nargs = fl ? fl->nargs : 0;
    for (uint32_t i = 0; fl && i < fl->nargs; i++)
        if (cs__expr(ps, env, (cs_expr *)&fl->args[i], false, true) < 0)
            return -1;
    if (g < 0)
        return 0; /* an unknown function: the resolve pass says so */
    const cs_function *f = &ps->ld->prog->functions[g];
    if (nargs != f->nparams)
        return cs__fail(ps->ld, st->pos, "function %s takes %u argument%s, %u given", cs__repr(q, sizeof q, f->name),
                        f->nparams, f->nparams == 1 ? "" : "s", nargs);
    if (nargs) {
        cs__names *nm = ps->nm;
        nm->edges = cs_xgrow(nm->edges, &nm->capedges, nm->nedges + 1, sizeof *nm->edges);
        nm->edges[nm->nedges++] = (cs__edge){fl->args, nargs, ps->cx->fn, g, f->name};
    }
    return 0;
}

/* The object a wait/set/with_* names: a parameter of this function? */
static int cs__object_ref(cs__pass *ps, const cs__env *env, cs_stmt *st)
{
    static const struct {
        cs_op op;
        int kind;
    } kinds[] = {
        {CS_OP_WAIT, CS__PK_EVENT},           {CS_OP_SET, CS__PK_EVENT},
        {CS_OP_WITH_LOCK, CS__PK_LOCK},       {CS_OP_WITH_SEMAPHORE, CS__PK_SEM},
        {CS_OP_WITH_LIMITER, CS__PK_LIMITER},
    };
    int kind = -1;
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (kinds[i].op == st->op)
            kind = kinds[i].kind;
    const char *name = kind >= 0 && st->ref >= 0 ? ps->ld->refs[st->ref].ref : NULL;
    if (!name || cs__env_find(env, name))
        return 0;
    int32_t slot = cs__strmap_get(&ps->cx->slots, name);
    if (slot < 0)
        return 0; /* a declared object: the resolve pass finds it */
    if (cs__use_kind(ps, slot, kind, name, st->pos) < 0)
        return -1;
    cs__flow_of(ps->ld, st)->obj_slot = slot;
    return 0;
}

/* A scope or group this function declares and a condition of it reads: the
 * declaring statement keeps the instance it entered in a slot, so the
 * condition reads this invocation's scope as Python's local variable does
 * (several tasks may run the function at once). */
static int32_t cs__scope_slot(cs__pass *ps, const char *name, cs_pos pos)
{
    cs__ctx *cx = ps->cx;
    int32_t k = cs__strmap_get(&cx->scopes, name);
    if (k < 0)
        return -1; /* declared elsewhere (or later): the latest instance of the name */
    cs_flow *fl = cs__flow_of(ps->ld, cx->declared[k]);
    if (fl->scope_slot < 0) {
        if (cx->nslots >= CS_LOAD_MAX_NAMES)
            return cs__fail(ps->ld, pos, "more than %d named values in one function", CS_LOAD_MAX_NAMES), -2;
        fl->scope_slot = (int32_t)cx->nslots++;
    }
    return fl->scope_slot;
}

/* A condition's names (the `not` chain, iteratively). */
static int cs__cond(cs__pass *ps, const cs__env *env, const cs_cond *c0)
{
    char q[128];
    for (cs_cond *cd = (cs_cond *)c0; cd; cd = (cs_cond *)cd->sub) {
        switch (cd->kind) {
        case CS_COND_NOT: break;
        case CS_COND_CANCELLED_CAUGHT:
        case CS_COND_CANCEL_CALLED: {
            int32_t d = cs__strmap_get(&ps->ld->decls, cd->value.name);
            if (d < 0 || (d & CS__DECL_TASK))
                return cs__fail(ps->ld, cd->value.pos, "%s is not a scope or task group",
                                cs__repr(q, sizeof q, cd->value.name));
            cd->scope = d;
            if ((cd->value.slot = cs__scope_slot(ps, cd->value.name, cd->value.pos)) < -1)
                return -1;
            break;
        }
        case CS_COND_TASK_STATUS: {
            int32_t d = cs__strmap_get(&ps->ld->decls, cd->value.name);
            if (d < 0 || !(d & CS__DECL_TASK) || !ps->ld->tasks.v[d & ~CS__DECL_TASK].handle)
                return cs__fail(ps->ld, cd->value.pos,
                                "%s is not a task whose handle is kept (create_task, start with return_handle, "
                                "start_soon without count)",
                                cs__repr(q, sizeof q, cd->value.name));
            cd->scope = d & ~CS__DECL_TASK;
            ps->ld->tasks.v[cd->scope].handle_named = true;
            break;
        }
        case CS_COND_EXC_ARGS:
            if (!(cd->value.exc = cs__use_exc(ps, env, cd->value.name, cd->value.pos)))
                return -1;
            break;
        default:
            if ((cd->value.slot = cs__use(ps, env, cd->value.name, CS__PK_DATA, cd->value.pos)) < 0)
                return -1;
        }
    }
    return 0;
}

/* Whether a handler catches only Exception subclasses (its exception's str()
 * and args are then the program's). */
static bool cs__handler_printable(cs__loader *ld, const cs_stmt *st, uint32_t h)
{
    const char **names = st->ref >= 0 && ld->refs[st->ref].match ? ld->refs[st->ref].match[h] : NULL;
    if (!names)
        return false; /* a bare except catches cancellations too */
    for (uint32_t j = 0; j < st->handlers[h].nclasses; j++) {
        int32_t cls = cs__strmap_get(&ld->classes, names[j]);
        if (cls < 0 || cls == CS_EXC_CANCELLED || !cs_exc_class_is(ld->prog, cls, CS_EXC_EXCEPTION))
            return false;
    }
    return true;
}

static void cs__nframe_push(cs__pass *ps, cs__nframe **v, size_t *n, size_t *cap, cs_body b, uint32_t loops, bool star,
                            const cs__env *env)
{
    (void)ps;
    *v = cs_xgrow(*v, cap, *n + 1, sizeof **v);
    (*v)[(*n)++] = (cs__nframe){b.items, b.n, 0, loops, star, env};
}

/* One statement's own names (before its bodies are walked). */
static int cs__stmt(cs__pass *ps, const cs__env *env, cs_stmt *st, uint32_t loops, bool star)
{
    cs__loader *ld = ps->ld;
    cs_flow *fl = (cs_flow *)st->flow;
    if (st->dur.kind == CS_DUR_NAME) { /* sleep / move_on_after / fail_after of a number parameter */
        if ((st->dur.slot = cs__use(ps, env, fl->dur_name, CS__PK_NUMBER, fl->dur_pos)) < 0)
            return -1;
    }
    switch (st->op) {
    case CS_OP_BREAK:
    case CS_OP_CONTINUE:
        if (!loops)
            return cs__fail(ld, st->pos, star ? "'%s' cannot appear in an except* block" : "'%s' outside a loop",
                            st->op == CS_OP_BREAK ? "break" : "continue");
        return 0;
    case CS_OP_IF: return cs__cond(ps, env, fl->cond);
    case CS_OP_LET:
        if (cs__expr(ps, env, (cs_expr *)&fl->args[0], false, false) < 0)
            return -1;
        return (fl->as_slot = cs__bind(ps, env, fl->as_name, fl->as_pos)) < 0 ? -1 : 0;
    case CS_OP_PRINT:
        for (uint32_t i = 0; i < fl->nargs; i++)
            if (cs__expr(ps, env, (cs_expr *)&fl->args[i], true, false) < 0)
                return -1;
        return 0;
    case CS_OP_RETURN_VALUE: return cs__expr(ps, env, (cs_expr *)&fl->args[0], false, false);
    case CS_OP_CALL:
        if (fl && fl->spawn_args)
            return 0; /* a spawn's call: its arguments are the spawner's */
        if (cs__call_site(ps, env, st, st->ref >= 0 ? ld->refs[st->ref].ref : NULL, fl) < 0)
            return -1;
        break;
    case CS_OP_ASYNC_WITH: /* arguments as call's; `as` binds the yielded value here */
    case CS_OP_ACLOSING:
    case CS_OP_AGEN: /* arguments as call's, taken when the generator object is made */
        if (cs__call_site(ps, env, st, st->ref >= 0 ? ld->refs[st->ref].ref : NULL, fl) < 0)
            return -1;
        break;
    case CS_OP_START_SOON:
    case CS_OP_START:
    case CS_OP_CREATE_TASK:
    case CS_OP_ASYNCIO_CREATE_TASK:
    case CS_OP_WAIT_FOR:
    case CS_OP_ASYNCIO_TG_CREATE_TASK:
        if (fl && fl->call_name && cs__call_site(ps, env, st, fl->call_name, fl) < 0)
            return -1;
        cs__pending_add(&ps->todo, st->body, -1, st, false);
        break;
    case CS_OP_WAIT:
    case CS_OP_SET:
    case CS_OP_WITH_LOCK:
    case CS_OP_WITH_SEMAPHORE:
    case CS_OP_WITH_LIMITER: return cs__object_ref(ps, env, st);
    case CS_OP_AWAIT_TASK:
    case CS_OP_TASK_RETURN_VALUE:
    case CS_OP_ANEXT: break; /* issue 19: v = await anext(g) */
    case CS_OP_TO_THREAD:
        for (uint32_t i = 0; i < st->body.n; i++)
            if (st->body.items[i].op == CS_OP_FROM_THREAD || st->body.items[i].op == CS_OP_FROM_THREAD_SYNC ||
                st->body.items[i].op == CS_OP_PORTAL_CALL || st->body.items[i].op == CS_OP_PORTAL_START_TASK_SOON ||
                st->body.items[i].op == CS_OP_PORTAL_START_TASK)
                cs__pending_add(&ps->todo, st->body.items[i].body, -1, NULL, true);
        /* issue 26 portals: the thread function's steps are a function of their own (its
         * named values: the to_thread's flow->nslots, thread_values.c) */
        cs__pending_add(&ps->todo, st->body, -1, st, false);
        break;
    case CS_OP_FROM_THREAD: /* issue 26 portals: thread steps whose `as` binds a named value of the thread */
    case CS_OP_PORTAL_CALL:
    case CS_OP_PORTAL_START_TASK:
    case CS_OP_PORTAL_FUTURE_CANCEL:
    case CS_OP_FUTURE_RESULT: break;
    case CS_OP_TRY:
        for (uint32_t h = 0; h < st->nhandlers; h++) {
            char q[128];
            const char *as = st->handlers[h].as;
            if (as && st->star)
                return cs__fail(ld, st->handlers[h].as_pos, "'as' in an except* handler is not supported");
            if (as && cs__strmap_get(&ps->cx->slots, as) >= 0)
                return cs__fail(ld, st->handlers[h].as_pos, "%s is already a named value of this function",
                                cs__repr(q, sizeof q, as));
        }
        return 0;
    default: return 0;
    }
    if (fl && fl->as_name) /* call, start, await_task, to_thread: bound once it returns */
        return (fl->as_slot = cs__bind(ps, env, fl->as_name, fl->as_pos)) < 0 ? -1 : 0;
    return 0;
}

/* Pushes st's bodies that belong to this function, last first (so they are
 * walked in the text's order). */
static void cs__push_own_bodies(cs__pass *ps, cs__nframe **v, size_t *n, size_t *cap, const cs_stmt *st,
                                const cs__nframe *at)
{
    const cs__env *env = at->env;
    switch (st->op) {
    case CS_OP_TRY:
        if (st->has_finally)
            cs__nframe_push(ps, v, n, cap, st->finally_body, at->loops, at->star, env);
        if (st->has_else)
            cs__nframe_push(ps, v, n, cap, st->else_body, at->loops, at->star, env);
        for (uint32_t h = st->nhandlers; h-- > 0;) {
            const cs__env *he = env;
            if (st->handlers[h].as && ps) { /* (no ps: collecting scopes, names unused) */
                cs__env *b = cs__scratch_alloc(&ps->scratch, sizeof *b);
                *b = (cs__env){st->handlers[h].as, st, cs__handler_printable(ps->ld, st, h), env};
                he = b;
            }
            /* an except* block is a barrier for break/continue (SyntaxError) */
            cs__nframe_push(ps, v, n, cap, st->handlers[h].body, st->star ? 0 : at->loops, st->star || at->star, he);
        }
        cs__nframe_push(ps, v, n, cap, st->body, at->loops, at->star, env);
        break;
    case CS_OP_IF:
        if (st->flow->has_else)
            cs__nframe_push(ps, v, n, cap, (cs_body){st->flow->else_items, st->flow->nelse}, at->loops, at->star, env);
        cs__nframe_push(ps, v, n, cap, st->body, at->loops, at->star, env);
        break;
    case CS_OP_LOOP:
    case CS_OP_ACLOSING: /* async for: break and continue are its own */
    case CS_OP_REPEAT: cs__nframe_push(ps, v, n, cap, st->body, at->loops + 1, false, env); break;
    case CS_OP_REENTER:
    case CS_OP_ASYNC_WITH: cs__nframe_push(ps, v, n, cap, st->body, at->loops, at->star, env); break;
    case CS_OP_TASK_GROUP:
    case CS_OP_BLOCKING_PORTAL: /* issue 26 */
    case CS_OP_CANCEL_SCOPE:
    case CS_OP_MOVE_ON_AFTER:
    case CS_OP_FAIL_AFTER:
    case CS_OP_MOVE_ON_AT:
    case CS_OP_FAIL_AT:
    case CS_OP_WITH_LOCK:
    case CS_OP_WITH_SEMAPHORE:
    case CS_OP_WITH_LIMITER:
    case CS_OP_ASYNCIO_TIMEOUT:
    case CS_OP_ASYNCIO_TIMEOUT_AT:
    case CS_OP_ASYNCIO_TASK_GROUP: cs__nframe_push(ps, v, n, cap, st->body, at->loops, at->star, env); break;
    default: /* spawned bodies and threads are functions of their own */ break;
    }
}

/* The scopes and groups the function declares, wherever they stand in it (a
 * condition before its `with` in the text reads it on a later iteration). */
static void cs__collect_scopes(cs__ctx *cx, cs_body body)
{
    cs__nframe *v = NULL;
    size_t n = 0, cap = 0;
    cs__nframe_push(NULL, &v, &n, &cap, body, 0, false, NULL);
    while (n) {
        cs__nframe *f = &v[n - 1];
        if (f->i == f->n) {
            n--;
            continue;
        }
        cs_stmt *st = (cs_stmt *)&f->items[f->i++];
        cs__nframe at = *f;
        switch (st->op) {
        case CS_OP_TASK_GROUP:
        case CS_OP_CANCEL_SCOPE:
        case CS_OP_MOVE_ON_AFTER:
        case CS_OP_FAIL_AFTER:
        case CS_OP_MOVE_ON_AT:
        case CS_OP_FAIL_AT:
        case CS_OP_SCOPE_ENTER:
            if (st->name) { /* names are unique in a file: one declaring statement each */
                cx->declared = cs_xgrow(cx->declared, &cx->capdeclared, cx->ndeclared + 1, sizeof *cx->declared);
                cs__strmap_put(&cx->scopes, st->name, (int32_t)cx->ndeclared);
                cx->declared[cx->ndeclared++] = st;
            }
            break;
        default: break;
        }
        cs__push_own_bodies(NULL, &v, &n, &cap, st, &at);
    }
    free(v);
}

static int cs__walk_function(cs__pass *ps, const cs__pending *p)
{
    cs__loader *ld = ps->ld;
    cs__ctx cx = {.fn = p->fn, .no_names = p->no_names};
    if (p->fn >= 0) {
        cs_function *f = (cs_function *)&ld->prog->functions[p->fn];
        cx.nparams = f->nparams;
        cx.pkind = ps->nm->pkind[p->fn];
        for (uint32_t i = 0; i < f->nparams; i++)
            cs__strmap_put(&cx.slots, f->params[i], (int32_t)i);
        cx.nslots = f->nparams;
    }
    ps->cx = &cx;
    cs__collect_scopes(&cx, p->body);
    cs__nframe *v = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    cs__nframe_push(ps, &v, &n, &cap, p->body, 0, false, NULL);
    while (n && rc == 0) {
        cs__nframe *f = &v[n - 1];
        if (f->i == f->n) {
            n--;
            continue;
        }
        cs_stmt *st = (cs_stmt *)&f->items[f->i++];
        cs__nframe at = *f; /* f may move as bodies are pushed */
        if ((rc = cs__stmt(ps, at.env, st, at.loops, at.star)) == 0)
            cs__push_own_bodies(ps, &v, &n, &cap, st, &at);
    }
    if (rc == 0) {
        if (p->fn >= 0)
            ((cs_function *)&ld->prog->functions[p->fn])->nslots = cx.nslots;
        else if (p->owner)
            cs__flow_of(ld, p->owner)->nslots = cx.nslots;
        else if (!p->no_names)
            ld->prog->main_nslots = cx.nslots;
    }
    free(v);
    cs__strmap_free(&cx.slots);
    cs__strmap_free(&cx.scopes);
    free(cx.declared);
    ps->cx = NULL;
    return rc;
}

int cs__check_names(cs__loader *ld)
{
    cs__names *nm = cs_xcalloc(1, sizeof *nm);
    ld->names = nm;
    uint32_t nf = ld->prog->nfunctions;
    nm->nfunctions = nf;
    nm->pkind = cs_xcalloc(nf ? nf : 1, sizeof *nm->pkind);
    for (uint32_t i = 0; i < nf; i++)
        nm->pkind[i] = cs_xcalloc(ld->prog->functions[i].nparams + 1, 1);
    cs__pass ps = {.ld = ld, .nm = nm};
    cs__pending_add(&ps.todo, ld->prog->main, -1, NULL, false);
    for (uint32_t i = 0; i < nf; i++)
        cs__pending_add(&ps.todo, ld->prog->functions[i].body, (int32_t)i, NULL, false);
    /* issue 26: the from_thread bodies of threads AnyIO did not start, as a to_thread's (no names) */
    for (uint32_t i = 0; i < ld->prog->nplain_threads; i++) {
        const cs_body *steps = &ld->prog->plain_threads[i].body;
        for (uint32_t k = 0; k < steps->n; k++)
            if (steps->items[k].op == CS_OP_FROM_THREAD || steps->items[k].op == CS_OP_FROM_THREAD_SYNC)
                cs__pending_add(&ps.todo, steps->items[k].body, -1, NULL, true);
    }
    int rc = 0;
    for (size_t k = 0; k < ps.todo.n && rc == 0; k++) { /* bounded: each body is queued once */
        cs__pending p = ps.todo.v[k];
        rc = cs__walk_function(&ps, &p);
    }
    free(ps.todo.v);
    for (size_t i = 0; i < ps.scratch.n; i++)
        free(ps.scratch.v[i]);
    free(ps.scratch.v);
    return rc;
}

/* The kind of an argument as the caller has it. */
static int cs__arg_kind(const cs__names *nm, const cs_program *prog, const cs__edge *e, const cs_expr *x)
{
    if (x->slot < 0) {
        static const int by_datum[] = {CS__PK_DATA, CS__PK_EVENT, CS__PK_LOCK, CS__PK_SEM, CS__PK_LIMITER};
        if (x->lit->kind == CS_DATUM_DATA && (x->lit->py == CS_PY_INT || x->lit->py == CS_PY_FLOAT))
            return CS__PK_NUMBER;
        return by_datum[x->lit->kind];
    }
    if (e->caller >= 0 && (uint32_t)x->slot < prog->functions[e->caller].nparams)
        return nm->pkind[e->caller][x->slot];
    return CS__PK_DATA;
}

int cs__check_args(cs__loader *ld, const uint32_t *order)
{
    cs__names *nm = ld->names;
    const cs_program *prog = ld->prog;
    char q[128];
    /* a parameter only passed on takes the kind of the one it is passed to
     * (callees first, so theirs are known) */
    for (uint32_t k = 0; k < prog->nfunctions; k++) {
        int32_t f = (int32_t)order[k];
        for (size_t i = 0; i < nm->nedges; i++) {
            const cs__edge *e = &nm->edges[i];
            if (e->caller != f)
                continue;
            for (uint32_t a = 0; a < e->nargs; a++) {
                const cs_expr *x = &e->args[a];
                int want = nm->pkind[e->callee][a];
                if (x->slot >= 0 && (uint32_t)x->slot < prog->functions[f].nparams &&
                    (nm->pkind[f][x->slot] == CS__PK_ANY ||
                     (nm->pkind[f][x->slot] == CS__PK_DATA && want == CS__PK_NUMBER)))
                    nm->pkind[f][x->slot] = (uint8_t)want;
            }
        }
    }
    for (size_t i = 0; i < nm->nedges; i++) {
        const cs__edge *e = &nm->edges[i];
        for (uint32_t a = 0; a < e->nargs; a++) {
            int want = nm->pkind[e->callee][a], have = cs__arg_kind(nm, prog, e, &e->args[a]);
            if (want != CS__PK_ANY && have != CS__PK_ANY && want != have &&
                !(want == CS__PK_DATA && have == CS__PK_NUMBER))
                return cs__fail(ld, e->args[a].pos, "argument %u of %s must be %s, not %s", a + 1,
                                cs__repr(q, sizeof q, e->callee_name), cs__pk_names[want], cs__pk_names[have]);
        }
    }
    return 0;
}

void cs__names_free(cs__loader *ld)
{
    cs__names *nm = ld->names;
    if (!nm)
        return;
    for (uint32_t i = 0; i < nm->nfunctions; i++)
        free(nm->pkind[i]);
    free(nm->pkind);
    free(nm->edges);
    free(nm);
    ld->names = NULL;
}
