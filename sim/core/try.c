/* try.c - try/except/else/finally and try/except* frames, with CPython 3.11's
 * rules: a handler's exception gets the handled one as __context__; finally
 * replaces the carried completion only when it does not end normally; except*
 * wraps a naked exception, splits it handler by handler, and rebuilds what is
 * re-raised (_PyExc_PrepReraiseStar). */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "interp.h"
#include "util.h"

enum { TRY_START, TRY_BODY, TRY_HANDLER, TRY_ELSE, TRY_FINALLY, TRY_STAR_HANDLER };

static int cs__try_finally(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    const cs_stmt *st = f->st;
    if (st->has_finally) {
        f->saved = *c;
        c->type = CS__C_NORMAL;
        c->exc = NULL;
        f->phase = TRY_FINALLY;
        cs__push_body(e, t, st->finally_body);
        return CS__CONT;
    }
    cs__completion out = *c;
    cs__pop(t);
    *c = out;
    return CS__CONT;
}

static bool cs__pred_classes(const cs_exc *x, void *ctx)
{
    const void **p = ctx;
    const cs__engine *e = p[0];
    const cs_handler *h = p[1];
    return !cs_exc_is_group(x) && cs__exc_matches(e, x, h->classes, h->nclasses);
}

static bool cs__pred_group_match(const cs__engine *e, const cs_exc *x, const cs_handler *h)
{
    /* split() tests the whole group first, as CPython does */
    return cs__exc_matches(e, x, h->classes, h->nclasses);
}

static bool cs__pred_split(const cs_exc *x, void *ctx)
{
    const void **p = ctx;
    if (cs_exc_is_group(x))
        return cs__pred_group_match(p[0], x, p[1]);
    return cs__pred_classes(x, ctx);
}

/* The leaves (non-group members, by identity) of a set of exceptions. */
typedef struct cs__leafset {
    const cs_exc **v;
    size_t n, cap;
} cs__leafset;

static void cs__leafset_add(cs__leafset *ls, const cs_exc *x)
{
    const cs_exc **stack = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (cs_exc_is_group(x)) {
            if (n + x->nmembers > cap) {
                cap = (n + x->nmembers) * 2;
                stack = cs_xrealloc(stack, cap * sizeof *stack);
            }
            for (uint32_t i = 0; i < x->nmembers; i++)
                stack[n++] = x->members[i];
        } else {
            if (ls->n == ls->cap) {
                ls->cap = ls->cap ? ls->cap * 2 : 8;
                ls->v = cs_xrealloc(ls->v, ls->cap * sizeof *ls->v);
            }
            ls->v[ls->n++] = x;
        }
        if (!n)
            break;
        x = stack[--n];
    }
    free(stack);
}

static bool cs__pred_leaf_in(const cs_exc *x, void *ctx)
{
    const cs__leafset *ls = ctx;
    if (cs_exc_is_group(x))
        return false;
    for (size_t i = 0; i < ls->n; i++)
        if (ls->v[i] == x)
            return true;
    return false;
}

/* _PyExc_PrepReraiseStar: what the try statement raises once every except*
 * clause had its turn (a new reference, or NULL when nothing is left). */
static cs_exc *cs__star_result(cs__engine *e, cs__frame *f)
{
    cs_exc *orig = f->saved.exc;
    bool naked = f->obj == 1;
    cs_exc *result = NULL;
    if (naked) {
        /* a naked exception was wrapped: at most one handler ran, and what it
         * raised or re-raised (the wrapper group) is the result as it is */
        if (f->star && f->star->nraised)
            result = cs_exc_ref(f->star->raised[0]);
        else if (f->star && f->star->nreraised)
            result = cs_exc_ref(f->star->reraised[0]);
        else if (f->aux)
            result = cs_exc_ref(orig->members[0]);
    } else {
        /* leaves to re-raise: the unmatched rest and groups re-raised as is */
        static const cs__star_state none;
        const cs__star_state *sr = f->star ? f->star : &none;
        cs_exc **raised = cs_xcalloc(sr->nraised + 1, sizeof *raised);
        uint32_t nr = 0;
        cs_exc **keep = cs_xcalloc(sr->nraised + 1, sizeof *keep);
        uint32_t nk = 0;
        if (f->aux)
            keep[nk++] = f->aux;
        keep = cs_xrealloc(keep, (sr->nreraised + 1) * sizeof *keep);
        for (uint32_t i = 0; i < sr->nreraised; i++)
            keep[nk++] = sr->reraised[i];
        for (uint32_t i = 0; i < sr->nraised; i++)
            raised[nr++] = sr->raised[i];
        cs_exc *proj = NULL;
        if (nk) {
            /* projection of orig onto the kept leaves: split orig by leaf identity */
            cs_exc *m, *r;
            cs__leafset ls = {0};
            for (uint32_t i = 0; i < nk; i++)
                cs__leafset_add(&ls, keep[i]);
            cs__split(e, orig, cs__pred_leaf_in, &ls, &m, &r);
            free(ls.v);
            cs_exc_unref(r);
            proj = m;
        }
        if (nr == 0) {
            result = proj;
        } else {
            /* with the re-raised part, more than one: a new group; one
             * exception a handler raised, and nothing re-raised: that
             * exception as it is */
            if (proj)
                raised[nr++] = proj;
            result = nr > 1 ? cs__make_group_narrow(e, "", raised, nr) : cs_exc_ref(raised[0]);
            if (proj)
                cs_exc_unref(proj);
        }
        free(raised);
        free(keep);
    }
    return result;
}

/* Runs the next except* handler that matches what is left; else finishes. */
static int cs__star_next(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    const cs_stmt *st = f->st;
    while (f->aux && f->idx < st->nhandlers) {
        const cs_handler *h = &st->handlers[f->idx++];
        const void *ctx[2] = {e, h};
        cs_exc *m, *r;
        cs__split(e, f->aux, cs__pred_split, ctx, &m, &r);
        if (!m) {
            cs_exc_unref(r);
            continue;
        }
        cs_exc_unref(f->aux);
        f->aux = r;
        f->handled = m;
        f->scope2 = m->left_function; /* the same group may be in an outer handler */
        m->left_function = false;
        cs_event ev;
        cs__ev_init(e, &ev, CS_EV_CATCH);
        ev.task = t->id;
        ev.exc = m;
        ev.pos = h->pos;
        ev.label = "except*"; /* the part of the group this clause took */
        cs__emit(e, &ev);
        f->phase = TRY_STAR_HANDLER;
        cs__push_body(e, t, h->body);
        return CS__CONT;
    }
    cs_exc *result = cs__star_result(e, f);
    cs__completion out = {.type = CS__C_NORMAL};
    if (result)
        out = cs__c_exc(result);
    cs__completion_clear(&f->saved);
    cs_exc_unref(f->aux);
    f->aux = NULL;
    *c = out;
    return cs__try_finally(e, t, f, c);
}

/* except*: a naked exception is wrapped, then the clauses split it in turn. */
static int cs__try_star_begin(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    cs_exc *x = c->exc;
    c->exc = NULL;
    c->type = CS__C_NORMAL;
    if (!cs_exc_is_group(x)) {
        /* a naked exception is wrapped before matching */
        cs_exc *g = cs__make_group_narrow(e, "", &x, 1);
        g->members_tuple = true; /* CHECK_EG_MATCH: PyTuple_Pack(1, exc) */
        cs_exc_unref(x);
        x = g;
        f->obj = 1;
    }
    f->saved = cs__c_exc(x);
    f->aux = cs_exc_ref(x);
    f->idx = 0;
    return cs__star_next(e, t, f, c);
}

/* The try block ended: the first matching handler, else `else`, then finally. */
static int cs__try_body_done(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    const cs_stmt *st = f->st;
    if (c->type == CS__C_EXC && st->nhandlers && st->star)
        return cs__try_star_begin(e, t, f, c);
    if (c->type == CS__C_EXC && st->nhandlers) {
        for (uint32_t i = 0; i < st->nhandlers; i++) {
            const cs_handler *h = &st->handlers[i];
            if (!cs__exc_matches(e, c->exc, h->classes, h->nclasses))
                continue;
            cs_event ev;
            cs__ev_init(e, &ev, CS_EV_CATCH);
            ev.task = t->id;
            ev.exc = c->exc;
            ev.pos = h->pos;
            cs__emit(e, &ev);
            f->handled = c->exc;
            c->exc = NULL;
            c->type = CS__C_NORMAL;
            f->phase = TRY_HANDLER;
            cs__push_body(e, t, h->body);
            return CS__CONT;
        }
    }
    if (c->type == CS__C_NORMAL && st->has_else) {
        f->phase = TRY_ELSE;
        cs__push_body(e, t, st->else_body);
        return CS__CONT;
    }
    return cs__try_finally(e, t, f, c);
}

/* An except* handler ended: keep what it raised or re-raised, then the next. */
static int cs__try_star_handler_done(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    if (c->type == CS__C_EXC) {
        assert(cs__frame_has_star(f->kind) && !f->owns_locals); /* star shares the locals' slot */
        if (!f->star)
            f->star = cs_xcalloc(1, sizeof *f->star);
        /* is_same_exception_metadata: the group itself, with the traceback
         * it came in with (a bare raise in the handler, not one that came
         * back out of a called function) */
        bool again = c->exc == f->handled && !c->exc->left_function;
        cs_exc ***arr = again ? &f->star->reraised : &f->star->raised;
        uint32_t *n = again ? &f->star->nreraised : &f->star->nraised;
        if (c->exc != f->handled && !c->exc->context)
            cs_exc_set_context(c->exc, f->handled);
        *arr = cs_xrealloc(*arr, (*n + 1) * sizeof **arr);
        (*arr)[(*n)++] = c->exc;
        c->exc = NULL;
        c->type = CS__C_NORMAL;
    } else if (c->type == CS__C_RETURN) {
        /* not expressible (the loader rejects it); treat as normal end */
        *c = (cs__completion){.type = CS__C_NORMAL};
    }
    if (f->handled) /* what it had before, for an outer handler */
        f->handled->left_function |= f->scope2 != 0;
    cs_exc_unref(f->handled);
    f->handled = NULL;
    return cs__star_next(e, t, f, c);
}

/* finally ended: its own completion wins unless it ended normally. */
static int cs__try_finally_done(cs__task *t, cs__frame *f, cs__completion *c)
{
    cs__completion out;
    if (c->type == CS__C_NORMAL) {
        out = f->saved;
        f->saved.type = CS__C_NORMAL;
        f->saved.exc = NULL;
    } else {
        out = *c;
        if (out.type == CS__C_EXC && f->saved.type == CS__C_EXC && !out.exc->context && out.exc != f->saved.exc)
            cs_exc_set_context(out.exc, f->saved.exc);
    }
    c->type = CS__C_NORMAL;
    c->exc = NULL;
    cs__pop(t);
    *c = out;
    return CS__CONT;
}

int cs__step_try(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    const cs_stmt *st = f->st;
    switch (f->phase) {
    case TRY_START:
        f->phase = TRY_BODY;
        cs__push_body(e, t, st->body);
        return CS__CONT;
    case TRY_BODY: return cs__try_body_done(e, t, f, c);
    case TRY_HANDLER:
        if (c->type == CS__C_EXC && c->exc != f->handled && !c->exc->context)
            cs_exc_set_context(c->exc, f->handled);
        cs_exc_unref(f->handled);
        f->handled = NULL;
        return cs__try_finally(e, t, f, c);
    case TRY_ELSE: return cs__try_finally(e, t, f, c);
    case TRY_STAR_HANDLER: return cs__try_star_handler_done(e, t, f, c);
    default: /* TRY_FINALLY */ return cs__try_finally_done(t, f, c);
    }
}
