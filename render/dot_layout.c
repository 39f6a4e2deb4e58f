/* dot_layout.c - decides what the cancellation graph draws and where
 * (dot_internal.h, cs__dot_layout): which tasks and scopes --focus keeps,
 * which repeated instances fold into one node, and the container each drawn
 * thing sits in.  Everything is decided in id order, so the graph text stays
 * byte-stable.
 */
#include <stdlib.h>
#include <string.h>

#include "dot_internal.h"
#include "util.h"

/* Parent links followed at most (tasks and scopes nest at most this deep). */
#define CS__LAYOUT_DEPTH_MAX 100000

static void cs__keep_task_chain(const cs_dot *d, bool *keep, int32_t t)
{
    for (uint32_t n = 0; t >= 0 && (size_t)t < d->ntasks && n < CS__LAYOUT_DEPTH_MAX; n++, t = d->tasks[t].parent)
        keep[t] = true;
}

static void cs__keep_scope_chain(const cs_dot *d, bool *keep, int32_t s)
{
    for (uint32_t n = 0; s >= 0 && (size_t)s < d->nscopes && n < CS__LAYOUT_DEPTH_MAX; n++, s = d->scopes[s].parent)
        keep[s] = true;
}

/* Whether node n is the focus task or a scope it entered. */
static bool cs__is_focus(const cs_dot *d, cs__node n, int32_t f)
{
    if (n.kind == CS__NODE_TASK)
        return n.id == f;
    return n.kind == CS__NODE_SCOPE && d->scopes[n.id].host == f;
}

static void cs__keep_node(const cs_dot *d, cs__dot_layout *L, cs__node n)
{
    if (n.kind == CS__NODE_TASK)
        cs__keep_task_chain(d, L->show_task, n.id);
    else if (n.kind == CS__NODE_SCOPE)
        cs__keep_scope_chain(d, L->show_scope, n.id);
}

/* --focus: the task, its ancestors, the scopes it entered, and whatever an
 * edge joins to them (who cancelled it, the group its error went to, ...). */
static void cs__focus(const cs_dot *d, const char *focus, cs__dot_layout *L)
{
    int32_t f = -1;
    for (size_t i = 0; i < d->ntasks && f < 0; i++)
        if (d->tasks[i].spawned && strcmp(d->tasks[i].name, focus) == 0)
            f = (int32_t)i;
    memset(L->show_task, 0, d->ntasks * sizeof *L->show_task);
    memset(L->show_scope, 0, d->nscopes * sizeof *L->show_scope);
    if (f < 0)
        return;
    cs__keep_task_chain(d, L->show_task, f);
    for (size_t i = 0; i < d->nscopes; i++)
        if (d->scopes[i].host == f)
            cs__keep_scope_chain(d, L->show_scope, (int32_t)i);
    for (size_t i = 0; i < d->nedges; i++) {
        const cs__dot_edge *e = &d->edges[i];
        if (cs__is_focus(d, e->to, f) || cs__is_focus(d, e->from, f)) {
            cs__keep_node(d, L, e->from);
            cs__keep_node(d, L, e->to);
        }
    }
    /* a task's cluster needs its group's scope; a scope needs its host */
    for (size_t i = 0; i < d->ntasks; i++)
        if (L->show_task[i] && d->tasks[i].group >= 0)
            cs__keep_scope_chain(d, L->show_scope, d->tasks[i].group);
    for (size_t i = 0; i < d->nscopes; i++)
        if (L->show_scope[i] && d->scopes[i].host >= 0)
            cs__keep_task_chain(d, L->show_task, d->scopes[i].host);
}

/* Nearest shown, named ancestor of scope s (itself excluded), or -1. */
static int32_t cs__shown_parent(const cs_dot *d, const cs__dot_layout *L, int32_t s)
{
    int32_t p = d->scopes[s].parent;
    for (uint32_t n = 0; p >= 0 && (size_t)p < d->nscopes && n < CS__LAYOUT_DEPTH_MAX; n++, p = d->scopes[p].parent)
        if (d->scopes[p].name && L->show_scope[p])
            return p;
    return -1;
}

static int32_t cs__shown_self_or_parent(const cs_dot *d, const cs__dot_layout *L, int32_t s)
{
    if (s < 0 || (size_t)s >= d->nscopes)
        return -1;
    return d->scopes[s].name && L->show_scope[s] ? s : cs__shown_parent(d, L, s);
}

/* Packs a statement and the task that ran it into one key; false when it
 * cannot (then the instance is simply not folded). */
static bool cs__fold_key(int32_t who, cs_pos pos, uint64_t *key)
{
    if (who < 0 || who >= (1 << 24) || !pos.line || pos.line >= (1u << 24) || pos.col >= (1u << 16))
        return false;
    *key = (uint64_t)who << 40 | (uint64_t)pos.line << 16 | (uint64_t)pos.col;
    return true;
}

/* Folds the members of `n` items that `foldable` allows by key: rep[i] is the
 * first member's id; a key with one member is not folded. */
static void cs__fold(size_t n, const bool *foldable, const uint64_t *keys, int32_t *rep, uint32_t *folds)
{
    cs__dot_map m = {0};
    for (size_t i = 0; i < n; i++) {
        rep[i] = -1;
        folds[i] = 0;
        uint64_t r;
        if (!foldable[i])
            continue;
        if (cs__dot_map_get(&m, keys[i], &r)) {
            rep[i] = (int32_t)r;
            folds[r]++;
        } else {
            cs__dot_map_put(&m, keys[i], i);
            rep[i] = (int32_t)i;
            folds[i] = 1;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (rep[i] >= 0 && folds[rep[i]] < 2)
            rep[i] = -1;
    free(m.keys);
    free(m.vals);
}

/* Which instances may fold: nothing about them matters on its own. */
static void cs__fold_all(const cs_dot *d, cs__dot_layout *L)
{
    size_t nmax = d->nscopes > d->ntasks ? d->nscopes : d->ntasks;
    bool *foldable = cs_xcalloc(nmax + 1, sizeof *foldable), *inside = cs_xcalloc(d->nscopes + 1, sizeof *inside);
    bool *hosts = cs_xcalloc(d->ntasks + 1, sizeof *hosts);
    uint64_t *keys = cs_xcalloc(nmax + 1, sizeof *keys);
    for (size_t i = 0; i < d->nscopes; i++) {
        int32_t p = d->scopes[i].name && L->show_scope[i] ? cs__shown_parent(d, L, (int32_t)i) : -1;
        if (p >= 0)
            inside[p] = true;
        if (d->scopes[i].name && d->scopes[i].host >= 0 && (size_t)d->scopes[i].host < d->ntasks)
            hosts[d->scopes[i].host] = true;
    }
    for (size_t i = 0; i < d->ntasks; i++) {
        int32_t g = cs__shown_self_or_parent(d, L, d->tasks[i].group);
        if (g >= 0 && L->show_task[i])
            inside[g] = true;
    }
    for (size_t i = 0; i < d->nscopes; i++) {
        const cs__dot_scope *s = &d->scopes[i];
        foldable[i] = s->name && L->show_scope[i] && !inside[i] && !s->cancelled && !s->cancel_called && !s->raised &&
                      !s->touched && s->exited && cs__fold_key(s->host, s->pos, &keys[i]);
    }
    cs__fold(d->nscopes, foldable, keys, L->scope_rep, L->scope_folds);
    for (size_t i = 0; i < d->ntasks; i++) {
        const cs__dot_task *k = &d->tasks[i];
        foldable[i] = k->spawned && L->show_task[i] && k->ended && k->state == CS_TASK_COMPLETED && !k->touched &&
                      !k->injected && !hosts[i] && cs__fold_key(k->parent, k->pos, &keys[i]);
    }
    cs__fold(d->ntasks, foldable, keys, L->task_rep, L->task_folds);
    free(foldable);
    free(inside);
    free(hosts);
    free(keys);
}

void cs__dot_layout_build(const cs_dot *d, const char *focus, cs__dot_layout *L)
{
    size_t nt = d->ntasks + 1, ns = d->nscopes + 1;
    L->show_task = cs_xcalloc(nt, sizeof *L->show_task);
    L->show_scope = cs_xcalloc(ns, sizeof *L->show_scope);
    L->task_rep = cs_xcalloc(nt, sizeof *L->task_rep);
    L->scope_rep = cs_xcalloc(ns, sizeof *L->scope_rep);
    L->task_folds = cs_xcalloc(nt, sizeof *L->task_folds);
    L->scope_folds = cs_xcalloc(ns, sizeof *L->scope_folds);
    L->scope_home = cs_xcalloc(ns, sizeof *L->scope_home);
    L->task_home = cs_xcalloc(nt, sizeof *L->task_home);
    L->task_cluster = cs_xcalloc(nt, sizeof *L->task_cluster);
    for (size_t i = 0; i < d->ntasks; i++)
        L->show_task[i] = d->tasks[i].spawned;
    for (size_t i = 0; i < d->nscopes; i++)
        L->show_scope[i] = d->scopes[i].name != NULL;
    if (focus)
        cs__focus(d, focus, L);
    cs__fold_all(d, L);
    for (size_t i = 0; i < d->ntasks; i++)
        L->task_home[i] = cs__shown_self_or_parent(d, L, d->tasks[i].group);
    /* a scope sits in its drawn parent when the same task entered both, else
     * under the task that entered it (main's scopes stay at the top) */
    for (size_t i = 0; i < d->nscopes; i++) {
        const cs__dot_scope *s = &d->scopes[i];
        int32_t p = s->name && L->show_scope[i] ? cs__shown_parent(d, L, (int32_t)i) : -1;
        L->scope_home[i] = p;
        bool own = s->host > 0 && (size_t)s->host < d->ntasks && L->show_task[s->host] && L->task_rep[s->host] < 0;
        if (s->name && L->show_scope[i] && own && (p < 0 || d->scopes[p].host != s->host)) {
            L->scope_home[i] = -s->host - 2;
            L->task_cluster[s->host] = true;
        }
    }
}

void cs__dot_layout_free(cs__dot_layout *L)
{
    free(L->show_task);
    free(L->show_scope);
    free(L->task_rep);
    free(L->scope_rep);
    free(L->task_folds);
    free(L->scope_folds);
    free(L->scope_home);
    free(L->task_home);
    free(L->task_cluster);
}
