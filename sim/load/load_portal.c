/* load_portal.c - blocking portals' names (issue 26): each blocking_portal
 * statement names its portal; portal_stop and the portal thread steps name
 * one; portal_start_task_soon names its future (`future`), which future_result
 * and future_cancel name.  Names are their own namespaces (a portal is not a
 * scope: its task group is anonymous, as AnyIO's is), resolved here into each statement's `ref` once
 * the whole program was converted, in two walks so that a function may name
 * a portal declared further down.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "load_internal.h"
#include "util.h"

/* More names than a scenario has statements cannot be; this bounds each table. */
#define CS__MAX_PORTALS 4096

typedef struct cs__names {
    cs__strmap map;
    const char **v;
    uint32_t n, cap;
} cs__names;

typedef struct cs__portal_names {
    cs__names portals, futures;
} cs__portal_names;

/* Declares `name` in ns (unique); its index, or -1 after an error. */
static int32_t cs__names_add(cs__loader *ld, cs__names *ns, const cs_stmt *st, const char *name, const char *what)
{
    char r[256];
    if (!name[0])
        return cs__fail(ld, st->pos, "'%s': expected a non-empty name",
                        st->op == CS_OP_BLOCKING_PORTAL ? "blocking_portal" : "future");
    if (cs__strmap_get(&ns->map, name) >= 0)
        return cs__fail(ld, st->pos, "%s name %s is already used (each needs its own name)", what,
                        cs__repr(r, sizeof r, name));
    if (ns->n >= CS__MAX_PORTALS)
        return cs__fail(ld, st->pos, "more than %d %s names", CS__MAX_PORTALS, what);
    if (ns->n == ns->cap) {
        ns->cap = ns->cap ? ns->cap * 2 : 8;
        ns->v = cs_xrealloc(ns->v, ns->cap * sizeof *ns->v);
    }
    cs__strmap_put(&ns->map, name, (int32_t)ns->n);
    ns->v[ns->n] = name;
    return (int32_t)ns->n++;
}

/* The program's copy of ns's names (program-owned text). */
static const char *const *cs__names_keep(cs__loader *ld, const cs__names *ns)
{
    const char **names = cs__program_alloc(ld->prog, (ns->n ? ns->n : 1) * sizeof *names);
    for (uint32_t i = 0; i < ns->n; i++)
        names[i] = ns->v[i];
    return names;
}

/* ---- portal_with: flattened into the thread's own steps ---- */

static cs_stmt *cs__synth(cs__loader *ld, uint32_t n, cs_op op, cs_pos pos, int64_t w)
{
    cs_stmt *v = cs__program_alloc(ld->prog, n * sizeof *v);
    memset(v, 0, n * sizeof *v);
    for (uint32_t i = 0; i < n; i++) {
        v[i].op = op;
        v[i].pos = pos;
        v[i].decl = v[i].ref = -1;
        v[i].count = w;
        v[i].value_json = "null";
    }
    return v;
}

/* One portal_with (at index `at` of the new list, its body copied after it):
 * the enter step gets the cm task's statements, then come the exit steps. */
static int cs__flatten_one(cs__loader *ld, cs_stmt *out, uint32_t at, const cs_stmt *with)
{
    char r[256];
    uint32_t n = with->body.n;
    for (uint32_t i = 0; i < n; i++) {
        const cs_stmt *s = &with->body.items[i];
        if (s->op == CS_OP_PORTAL_WITH || s->op == CS_OP_RETURN)
            return cs__fail(ld, s->pos, "'%s' inside a portal_with body is not modelled yet",
                            s->op == CS_OP_RETURN ? "return" : "portal_with");
        out[at + 1 + i] = *s;
    }
    int64_t w = ld->prog->nwiths++;
    cs_stmt *enter = &out[at];
    *enter = *with;
    enter->body = (cs_body){NULL, 0};
    enter->count = w;
    enter->decl = (int32_t)(at + 1 + n); /* the exit steps */
    cs_stmt *cm = cs__synth(ld, 1, CS_OP_ASYNC_WITH, with->pos, -1);
    if ((cm->ref = cs__strmap_get(&ld->funcs, with->name)) < 0)
        return cs__fail(ld, with->pos, "unknown function %s", cs__repr(r, sizeof r, with->name));
    cs_stmt *wait = cs__synth(ld, 2, CS_OP_PORTAL_CM_WAIT, with->pos, w);
    wait[1].op = CS_OP_PORTAL_CM_THROW;
    cm->body = (cs_body){wait, 2};
    enter->else_body = (cs_body){cm, 1};
    cs_stmt *set = cs__synth(ld, 1, CS_OP_PORTAL_CM_SET, with->pos, w);
    cs_stmt *exit = &out[at + 1 + n];
    *exit = *cs__synth(ld, 1, CS_OP_PORTAL_CALL, with->pos, -1);
    exit->text = with->text;
    exit->body = (cs_body){set, 1};
    cs_stmt *res = &out[at + 2 + n];
    *res = *cs__synth(ld, 1, CS_OP_PORTAL_WITH_RESULT, with->pos, w);
    res->text = with->name;
    return 0;
}

static int cs__visit_flatten(cs__loader *ld, cs__walk *wk, cs_stmt *st, uint32_t level, unsigned ctx, void *user)
{
    (void)wk;
    (void)level;
    (void)ctx;
    (void)user;
    if (st->op != CS_OP_TO_THREAD && st->op != CS_OP_PLAIN_THREAD) /* a worker's or a plain thread's steps */
        return 0;
    uint32_t n = 0, withs = 0;
    for (uint32_t i = 0; i < st->body.n; i++) {
        withs += st->body.items[i].op == CS_OP_PORTAL_WITH;
        n += 1 + (st->body.items[i].op == CS_OP_PORTAL_WITH ? st->body.items[i].body.n + 2 : 0);
    }
    if (!withs)
        return 0;
    cs_stmt *out = cs__program_alloc(ld->prog, n * sizeof *out);
    uint32_t at = 0;
    for (uint32_t i = 0; i < st->body.n; i++) {
        const cs_stmt *s = &st->body.items[i];
        if (s->op != CS_OP_PORTAL_WITH) {
            out[at++] = *s;
            continue;
        }
        if (cs__flatten_one(ld, out, at, s) < 0)
            return -1;
        at += s->body.n + 3;
    }
    assert(at == n);
    st->body = (cs_body){out, n};
    return 0;
}

/* `{"future_cancel": "f", "as": "v"}`: v = f.cancel(), True or False; the two
 * values are the program's datums (flow args 0 and 1), so a thread may
 * return them to its task (thread_values.c). */
static int cs__visit_cancel_values(cs__loader *ld, cs__walk *wk, cs_stmt *st, uint32_t level, unsigned ctx, void *user)
{
    (void)wk;
    (void)level;
    (void)ctx;
    (void)user;
    if (st->op != CS_OP_PORTAL_FUTURE_CANCEL || !st->flow || !st->flow->as_name || st->flow->nargs)
        return 0;
    cs_expr *x = cs__program_alloc(ld->prog, 2 * sizeof *x);
    memset(x, 0, 2 * sizeof *x);
    x[0].slot = x[1].slot = -1;
    x[0].lit = cs__datum_new(ld, json_true());
    x[1].lit = cs__datum_new(ld, json_false());
    cs_flow *fl = cs__flow_of(ld, st);
    fl->args = x;
    fl->nargs = 2;
    return 0;
}

int cs__load_portal_withs(cs__loader *ld)
{
    if (cs__walk_all(ld, cs__visit_cancel_values, NULL) < 0)
        return -1;
    return cs__walk_all(ld, cs__visit_flatten, NULL);
}

static int cs__visit_portal_decl(cs__loader *ld, cs__walk *w, cs_stmt *st, uint32_t level, unsigned ctx, void *user)
{
    (void)w;
    (void)level;
    (void)ctx;
    cs__portal_names *pn = user;
    if (st->op == CS_OP_BLOCKING_PORTAL)
        return (st->ref = cs__names_add(ld, &pn->portals, st, st->text, "portal")) < 0 ? -1 : 0;
    if (st->op == CS_OP_PORTAL_START_TASK_SOON || st->op == CS_OP_PORTAL_START_TASK)
        return (st->count = cs__names_add(ld, &pn->futures, st, st->name, "future")) < 0 ? -1 : 0;
    return 0;
}

static int cs__visit_portal_ref(cs__loader *ld, cs__walk *w, cs_stmt *st, uint32_t level, unsigned ctx, void *user)
{
    (void)w;
    (void)level;
    (void)ctx;
    cs__portal_names *pn = user;
    char r[256];
    if (st->op == CS_OP_PORTAL_WITH) {
        const cs_function *fn = &ld->prog->functions[st->else_body.items[0].ref];
        if (!fn->is_gen)
            return cs__fail(ld, st->pos, "function %s has no 'yield': 'portal_with' needs an async generator function",
                            cs__repr(r, sizeof r, fn->name));
        if (fn->nparams)
            return cs__fail(ld, st->pos, "'portal_with' calls %s without arguments: it may have no parameters",
                            cs__repr(r, sizeof r, fn->name));
    }
    switch (st->op) {
    case CS_OP_PORTAL_WITH:
    case CS_OP_PORTAL_STOP:
    case CS_OP_PORTAL_CALL:
    case CS_OP_PORTAL_START_TASK_SOON:
    case CS_OP_PORTAL_START_TASK:
        if ((st->ref = cs__strmap_get(&pn->portals.map, st->text)) < 0)
            return cs__fail(ld, st->pos, "unknown portal %s (no blocking_portal names it)",
                            cs__repr(r, sizeof r, st->text));
        return 0;
    case CS_OP_FUTURE_RESULT:
    case CS_OP_PORTAL_FUTURE_CANCEL:
        if ((st->ref = cs__strmap_get(&pn->futures.map, st->text)) < 0)
            return cs__fail(ld, st->pos, "unknown future %s (no portal_start_task_soon names it)",
                            cs__repr(r, sizeof r, st->text));
        return 0;
    default: return 0;
    }
}

int cs__load_portals(cs__loader *ld)
{
    cs__portal_names pn = {0};
    int rc = cs__walk_all(ld, cs__visit_portal_decl, &pn);
    if (rc == 0)
        rc = cs__walk_all(ld, cs__visit_portal_ref, &pn);
    if (rc == 0) {
        ld->prog->portals = cs__names_keep(ld, &pn.portals);
        ld->prog->nportals = pn.portals.n;
        ld->prog->futures = cs__names_keep(ld, &pn.futures);
        ld->prog->nfutures = pn.futures.n;
    }
    cs__names *all[] = {&pn.portals, &pn.futures};
    for (int i = 0; i < 2; i++) {
        free(all[i]->v);
        cs__strmap_free(&all[i]->map);
    }
    return rc;
}
