/* scope_tree.c - the scope tree both backends keep: scopes and their ids,
 * the insertion-ordered sets of each scope's tasks and child scopes (the
 * reference order of AnyIO's and Trio's sets), task groups with their scopes,
 * and the scope operations as the core calls them (through the policy).
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "interp.h"
#include "policy.h"
#include "util.h"

cs__scope *cs__scope_new(cs__engine *e, const char *name, cs_scope_kind kind, double deadline, bool shield)
{
    /* freed with the run */
    cs__scope *s = cs__pool_take(&e->arena, &e->free_scopes, sizeof *s + e->pol->scope_ext);
    cs__scope_init(e, s, name, kind, deadline, shield);
    return s;
}

void cs__scope_init(cs__engine *e, cs__scope *s, const char *name, cs_scope_kind kind, double deadline, bool shield)
{
    memset(s, 0, sizeof *s + e->pol->scope_ext);
    s->id = (int32_t)e->nscopes;
    s->name = name;
    s->kind = kind;
    s->deadline = deadline;
    s->shield = shield;
    e->pol->scope_init(s);
    if (e->nscopes == e->capscopes) {
        e->capscopes = e->capscopes ? e->capscopes * 2 : 64;
        e->scopes = cs_xrealloc(e->scopes, e->capscopes * sizeof *e->scopes);
    }
    e->scopes[e->nscopes++] = s;
}

void cs__scope_recycle(cs__engine *e, cs__scope *s)
{
    e->pol->scope_free(e, s);
    cs_exc_unref(s->swallowed);
    e->scopes[s->id] = NULL;
    cs__pool_put(&e->free_scopes, s);
}

/* The task and child sets are lists whose head's prev link is the tail (the
 * tail's next is NULL): appending needs the tail, and a scope keeps no tail
 * pointer of its own (a million handle scopes: 16 bytes each).  A member's
 * prev is never NULL; forward walks (head, next, ...) end at NULL as usual. */
void cs__scope_tasks_add(cs__scope *s, cs__task *t)
{
    if (t->member_of == s)
        return;
    if (t->member_of)
        cs__scope_tasks_remove(t->member_of, t);
    t->member_of = s;
    t->snext = NULL;
    cs__task *head = s->tasks_head;
    if (!head) {
        s->tasks_head = t;
        t->sprev = t;
    } else {
        cs__task *tail = head->sprev;
        tail->snext = t;
        t->sprev = tail;
        head->sprev = t;
    }
    assert(s->tasks_head->sprev == t);
}

void cs__scope_tasks_remove(cs__scope *s, cs__task *t)
{
    if (t->member_of != s)
        return;
    cs__task *head = s->tasks_head, *next = t->snext;
    assert(head && t->sprev);
    if (t == head)
        s->tasks_head = next;
    else
        t->sprev->snext = next;
    if (next)
        next->sprev = t->sprev;
    else if (t != head)
        head->sprev = t->sprev; /* t was the tail */
    t->sprev = t->snext = NULL;
    t->member_of = NULL;
    assert(!s->tasks_head || !s->tasks_head->sprev->snext);
}

void cs__scope_kids_add(cs__scope *p, cs__scope *k)
{
    k->sib_next = NULL;
    cs__scope *head = p->kids_head;
    if (!head) {
        p->kids_head = k;
        k->sib_prev = k;
    } else {
        cs__scope *tail = head->sib_prev;
        tail->sib_next = k;
        k->sib_prev = tail;
        head->sib_prev = k;
    }
}

void cs__scope_kids_remove(cs__scope *p, cs__scope *k)
{
    cs__scope *head = p->kids_head, *next = k->sib_next;
    assert(head && k->sib_prev); /* k is one of p's children */
    if (k == head)
        p->kids_head = next;
    else
        k->sib_prev->sib_next = next;
    if (next)
        next->sib_prev = k->sib_prev;
    else if (k != head)
        head->sib_prev = k->sib_prev; /* k was the tail */
    k->sib_prev = k->sib_next = NULL;
    assert(!p->kids_head || !p->kids_head->sib_prev->sib_next);
}

void cs__scope_enter(cs__engine *e, cs__scope *s, cs__task *t)
{
    e->pol->scope_enter(e, s, t);
}

cs__completion cs__scope_exit(cs__engine *e, cs__scope *s, cs__completion c)
{
    if (e->prog->manual_scopes && e->current) /* a scope entered by hand may stand in the way (scope_manual.c) */
        return cs__scope_exit_checked(e, s, e->current, c, (cs_pos){0, 0});
    return e->pol->scope_exit(e, s, c);
}

void cs__scope_cancel(cs__engine *e, cs__scope *s, const char *reason, cs_cancel_cause cause)
{
    e->pol->scope_cancel(e, s, reason, cause);
}

/* The trace learns the new deadline or shield before the backend acts on it
 * (a deadline already past, a shield lifted, cancels at once). */
static void cs__emit_scope_update(cs__engine *e, const cs__scope *s, double deadline, bool shield)
{
    cs_event ev;
    cs__ev_init(e, &ev, CS_EV_SCOPE_UPDATE);
    ev.scope = s->id;
    ev.task = e->current ? e->current->id : -1;
    ev.deadline = deadline;
    ev.shield = shield;
    cs__emit(e, &ev);
}

void cs__scope_set_deadline(cs__engine *e, cs__scope *s, double deadline)
{
    cs__emit_scope_update(e, s, deadline, s->shield);
    e->pol->scope_set_deadline(e, s, deadline);
}

void cs__scope_set_shield(cs__engine *e, cs__scope *s, bool shield)
{
    cs__emit_scope_update(e, s, s->deadline, shield);
    e->pol->scope_set_shield(e, s, shield);
}

double cs__effective_deadline(const cs__engine *e, const cs__task *t)
{
    return e->pol->effective_deadline(e, t);
}

cs__tg *cs__tg_new(cs__engine *e, const char *name, int32_t decl)
{
    cs__tg *g = cs_xcalloc(1, sizeof *g + e->pol->tg_ext);
    g->id = (int32_t)e->ntgs;
    g->decl = decl;
    const char *inst = name ? cs__instance_name(e, name) : NULL;
    g->scope = cs__scope_new(e, inst, CS_KIND_TASK_GROUP, INFINITY, false);
    /* a wait's label; an anonymous group (a BlockingPortal's) is just "task_group" */
    g->label = name ? cs_xasprintf("task_group %s", name) : cs_xstrdup("task_group");
    if (e->ntgs == e->captgs) {
        e->captgs = e->captgs ? e->captgs * 2 : 16;
        e->tgs = cs_xrealloc(e->tgs, e->captgs * sizeof *e->tgs);
    }
    e->tgs[e->ntgs++] = g;
    if (decl >= 0) {
        e->tg_latest[decl] = g->id;
        e->scope_latest[decl] = g->scope->id;
    }
    return g;
}
