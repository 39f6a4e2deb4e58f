/* dataflow.c - named values, `if`, `loop`, `break`/`continue`, `let`,
 * `print`, `return_value` and function arguments at run time (flow.h).
 *
 * A function's named values live in its locals: an array of datum pointers
 * owned by the frame that runs the function (its CALL frame, or a task's
 * first frame for main and for a spawned body), allocated when first needed
 * and freed when that frame is popped.  Values are the program's own datums
 * (every value a run can hold is a literal of the file), so binding and
 * reading move pointers only.  The same on both backends: nothing here
 * depends on the policy.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interp.h"
#include "policy.h"
#include "util.h"

/* A return that gave no value, or a value the program did not make (the
 * engine's own "null"). */
static const cs_datum cs__none = {CS_DATUM_DATA, CS_PY_NONE, -1, 0, 0, "null", "None"};

/* The program's datum for JSON text `json` (by address: the loader made every
 * value the engine can carry), or None. */
const cs_datum *cs__flow_datum(const cs__engine *e, const char *json)
{
    const cs_datums *d = &e->prog->datums;
    uint32_t lo = 0, hi = d->n;
    while (lo < hi) { /* binary search by address */
        uint32_t mid = lo + (hi - lo) / 2;
        if ((uintptr_t)d->v[mid]->json < (uintptr_t)json)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < d->n && d->v[lo]->json == json ? d->v[lo] : &cs__none;
}

/* How many locals the function a frame runs has (0: it owns none). */
static uint32_t cs__nslots_of(const cs__engine *e, const cs__frame *f, bool first)
{
    if (f->kind == CS__F_CALL || f->kind == CS__F_GEN)
        return e->prog->functions[f->st->ref].nslots;
    if (!first)
        return 0;
    if (f->kind == CS__F_TASK)
        return f->st && f->st->flow ? f->st->flow->nslots : 0;
    if (f->kind == CS__F_BODY) /* main's own body, or a backend's task made by a statement (f->st) */
        return f->st ? (f->st->flow ? f->st->flow->nslots : 0) : e->prog->main_nslots;
    return 0;
}

/* The locals of the function t is running now: those of its innermost CALL
 * frame, else of its first frame; allocated on first use. */
static union cs__local *cs__locals(cs__engine *e, cs__task *t)
{
    assert(t->nframes > 0);
    uint32_t i = t->nframes - 1; /* a consumer's body skips its generator's frames (generator.c) */
    while (i > 0 && t->frames[i].kind != CS__F_CALL && t->frames[i].kind != CS__F_GEN)
        i = cs__frame_below(t, i);
    cs__frame *f = &t->frames[i];
    if (!f->owns_locals) {
        assert(!cs__frame_has_star(f->kind)); /* a TRY's slot is star's */
        uint32_t n = cs__nslots_of(e, f, i == 0);
        assert(n > 0); /* the loader gave every name used here a slot of this function */
        f->locals = cs_xcalloc(n, sizeof *f->locals);
        f->owns_locals = true;
    }
    return f->locals;
}

void cs__flow_scope_entered(cs__engine *e, cs__task *t, const cs_stmt *st, int32_t id)
{
    if (st->flow && st->flow->scope_slot >= 0)
        cs__locals(e, t)[st->flow->scope_slot].scope1 = (int64_t)id + 1;
}

/* The scope a condition reads: the instance this invocation of its function
 * entered (Python's local variable), else the latest instance of the name. */
static cs__scope *cs__cond_scope(cs__engine *e, cs__task *t, const cs_stmt *st, const cs_cond *cd)
{
    int64_t id1 = cd->value.slot >= 0 ? cs__locals(e, t)[cd->value.slot].scope1 : 0;
    return id1 ? e->scopes[id1 - 1] : cs__scope_ref(e, st, cd->scope);
}

void cs__flow_release(cs__frame *f)
{
    if (f->owns_locals)
        free((void *)f->locals);
    f->owns_locals = false;
}

/* The exception the handler of try statement `tr` is handling now. */
static cs_exc *cs__bound_exc(cs__task *t, const cs_stmt *tr)
{
    for (uint32_t i = t->nframes; i-- > 0;)
        if (t->frames[i].kind == CS__F_TRY && t->frames[i].st == tr && t->frames[i].handled)
            return t->frames[i].handled;
    return NULL;
}

/* The value of x in t's current function; NULL after a scenario error (a
 * name read before it is bound on this path). */
static const cs_datum *cs__eval(cs__engine *e, cs__task *t, const cs_stmt *st, const cs_expr *x)
{
    if (x->slot < 0)
        return x->lit;
    const cs_datum *v = cs__locals(e, t)[x->slot].v;
    if (!v)
        cs__fail_scenario(e, x->pos.line ? x->pos : st->pos,
                          "name '%s' is read before this run bound it (Python raises UnboundLocalError)", x->name);
    return v;
}

double cs__flow_dur(const cs__task *t, int32_t slot)
{
    uint32_t i = t->nframes - 1;
    while (i > 0 && t->frames[i].kind != CS__F_CALL && t->frames[i].kind != CS__F_GEN)
        i = cs__frame_below(t, i);
    /* a parameter: bound when its CALL frame was pushed (the loader allows no other name here) */
    assert(t->frames[i].owns_locals && t->frames[i].locals[slot].v);
    return t->frames[i].locals[slot].v->num;
}

void cs__flow_bind(cs__engine *e, cs__task *t, const cs_stmt *st, const char *json)
{
    if (st->flow && st->flow->as_slot >= 0)
        cs__locals(e, t)[st->flow->as_slot].v = json ? cs__flow_datum(e, json) : &cs__none;
}

int32_t cs__flow_obj(cs__engine *e, cs__task *t, const cs_stmt *st)
{
    if (!st->flow || st->flow->obj_slot < 0)
        return st->ref;
    const cs_datum *v = cs__locals(e, t)[st->flow->obj_slot].v;
    assert(v && v->kind != CS_DATUM_DATA); /* parameters are bound on entry, kinds checked by the loader */
    return v->obj;
}

/* Evaluates st's arguments into a new array (engine arena): what a call or a
 * spawn passes, taken in the caller as Python evaluates them. */
static const cs_datum **cs__eval_args(cs__engine *e, cs__task *t, const cs_stmt *st)
{
    const cs_flow *fl = st->flow;
    const cs_datum **v = cs__arena_calloc(&e->arena, (fl->nargs ? fl->nargs : 1) * sizeof *v);
    for (uint32_t i = 0; i < fl->nargs; i++)
        if (!(v[i] = cs__eval(e, t, st, &fl->args[i])))
            return NULL;
    return v;
}

int cs__flow_call(cs__engine *e, cs__task *t, const cs_stmt *st)
{
    const cs_function *fn = &e->prog->functions[st->ref];
    const cs_datum *const *args = NULL;
    if (st->flow->spawn_args)
        args = cs__rare(t)->spawn_args;
    else if (st->flow->nargs && !(args = cs__eval_args(e, t, st)))
        return CS__YIELD;
    cs__frame *f = cs__push(e, t, CS__F_CALL, st);
    if (fn->nslots) {
        f->locals = cs_xcalloc(fn->nslots, sizeof *f->locals);
        f->owns_locals = true;
        for (uint32_t i = 0; i < fn->nparams; i++)
            f->locals[i].v = args[i];
    }
    return CS__CONT;
}

bool cs__flow_spawned(cs__engine *e, cs__task *t, const cs_stmt *st, cs__task *child)
{
    if (!st->flow || !st->flow->nargs)
        return true;
    const cs_datum **v = cs__eval_args(e, t, st);
    if (!v)
        return false;
    cs__rare_mut(e, child)->spawn_args = v;
    return true;
}

/* ---- conditions ---- */

static const char *const cs__py_names[] = {"NoneType", "bool", "int", "float", "str", "list", "dict"};
static const char *const cs__cmp_names[] = {"==", "!=", "<", "<=", ">", ">="};

static bool cs__is_num(const cs_datum *d)
{
    return d->py == CS_PY_BOOL || d->py == CS_PY_INT || d->py == CS_PY_FLOAT;
}

/* Python's a == b for a value and a scalar literal (flow.h: no container
 * literal is compared). */
static bool cs__equal(const cs_datum *a, const cs_datum *b)
{
    if (cs__is_num(a) && cs__is_num(b))
        return a->py != CS_PY_FLOAT && b->py != CS_PY_FLOAT ? a->i == b->i : a->num == b->num;
    if (a->py == CS_PY_STR && b->py == CS_PY_STR)
        return strcmp(a->str, b->str) == 0;
    return a->py == CS_PY_NONE && b->py == CS_PY_NONE;
}

/* a OP b; -1 with *c holding the TypeError Python raises for an order
 * between types that have none. */
static int cs__compare(cs__engine *e, cs__task *t, const cs_stmt *st, const cs_datum *a, cs_cmp op, const cs_datum *b,
                       cs__completion *c)
{
    if (op == CS_CMP_EQ || op == CS_CMP_NE)
        return cs__equal(a, b) == (op == CS_CMP_EQ);
    int sign;
    if (cs__is_num(a) && cs__is_num(b)) {
        if (a->py != CS_PY_FLOAT && b->py != CS_PY_FLOAT)
            sign = (a->i > b->i) - (a->i < b->i);
        else
            sign = (a->num > b->num) - (a->num < b->num);
    } else if (a->py == CS_PY_STR && b->py == CS_PY_STR) {
        int r = strcmp(a->str, b->str);
        sign = (r > 0) - (r < 0);
    } else {
        char *msg = cs_xasprintf("'%s' not supported between instances of '%s' and '%s'", cs__cmp_names[op],
                                 cs__py_names[a->py], cs__py_names[b->py]);
        cs_exc *x = cs__raise_new(e, t, CS_EXC_TYPE_ERROR, msg);
        free(msg);
        cs__emit_raise(e, t, x, st->pos);
        *c = cs__c_exc(x);
        return -1;
    }
    switch (op) {
    case CS_CMP_LT: return sign < 0;
    case CS_CMP_LE: return sign <= 0;
    case CS_CMP_GT: return sign > 0;
    default: return sign >= 0;
    }
}

static bool cs__truthy(const cs_datum *d)
{
    switch (d->py) {
    case CS_PY_NONE: return false;
    case CS_PY_STR: return d->str[0] != '\0';
    case CS_PY_LIST: return strcmp(d->json, "[]") != 0;
    case CS_PY_DICT: return strcmp(d->json, "{}") != 0;
    default: return d->num != 0;
    }
}

/* exc.args == (items...): a plain exception holds () or (message,) (KeyError
 * keeps the repr as its message); a group holds (message, [members]), which
 * no tuple of scalars equals. */
static bool cs__args_equal(const cs__engine *e, const cs_exc *x, const cs_cond *cd)
{
    if (cs_exc_is_group(x))
        return false;
    if (x->noargs)
        return cd->nargs == 0;
    if (cd->nargs != 1 || cd->args[0]->py != CS_PY_STR)
        return false;
    if (cs_exc_class_is(e->prog, x->cls, CS_EXC_KEY_ERROR)) { /* its message is repr(arg) (cs__raise_new) */
        char *r = cs__py_repr_str(cd->args[0]->str);
        bool same = strcmp(r, x->message) == 0;
        free(r);
        return same;
    }
    return strcmp(x->message, cd->args[0]->str) == 0;
}

/* handle.status == TaskHandle.Status.X (TaskHandle.status): pending or
 * cancelling until its finished event is set (cancelling once its scope's
 * cancel() was called), then cancelled or failed by what its coroutine
 * raised, else finished.  -1 after a scenario error. */
static int cs__task_status(cs__engine *e, const cs_stmt *st, const cs_cond *cd)
{
    int32_t id = e->task_latest[cd->scope];
    if (id < 0) {
        cs__fail_scenario(e, st->pos, "task '%s' is used before it was created", e->prog->tasks[cd->scope].name);
        return -1;
    }
    const cs__task *h = e->tasks[id];
    cs_task_status s;
    if (!cs__rare(h)->finished->value)
        s = e->pol->scope_cancel_called(e, cs__handle_scope(e, h)) ? CS_TS_CANCELLING : CS_TS_PENDING;
    else if (h->body.type == CS__C_EXC)
        s = h->body.exc->cls == CS_EXC_CANCELLED ? CS_TS_CANCELLED : CS_TS_FAILED;
    else
        s = CS_TS_FINISHED;
    return s == (cs_task_status)cd->cmp;
}

/* 1 true, 0 false, -1 with *c holding an exception, -2 after a scenario error. */
static int cs__cond(cs__engine *e, cs__task *t, const cs_stmt *st, const cs_cond *cd, cs__completion *c)
{
    for (bool negate = false;; cd = cd->sub) { /* `not` chains, iteratively */
        int r;
        switch (cd->kind) {
        case CS_COND_NOT: negate = !negate; continue;
        case CS_COND_CANCELLED_CAUGHT:
        case CS_COND_CANCEL_CALLED: {
            cs__scope *s = cs__cond_scope(e, t, st, cd);
            if (!s)
                return -2;
            r = cd->kind == CS_COND_CANCEL_CALLED ? e->pol->scope_cancel_called(e, s) : s->cancelled_caught;
            break;
        }
        case CS_COND_TASK_STATUS:
            if ((r = cs__task_status(e, st, cd)) < 0)
                return -2;
            break;
        case CS_COND_EXC_ARGS: {
            cs_exc *x = cs__bound_exc(t, cd->value.exc);
            assert(x);
            r = cs__args_equal(e, x, cd) == (cd->cmp == CS_CMP_EQ);
            break;
        }
        default: {
            const cs_datum *v = cs__eval(e, t, st, &cd->value);
            if (!v)
                return -2;
            r = cd->kind == CS_COND_TRUTHY ? cs__truthy(v) : cs__compare(e, t, st, v, cd->cmp, cd->to, c);
            if (r < 0)
                return r;
        }
        }
        return negate ? !r : r;
    }
}

/* ---- print ---- */

/* str(exc) as print() writes it: the message, and a group's count. */
static char *cs__exc_str(const cs_exc *x)
{
    if (!cs_exc_is_group(x))
        return cs_xstrdup(x->message);
    return cs_xasprintf("%s (%u sub-exception%s)", x->message, x->nmembers, x->nmembers == 1 ? "" : "s");
}

static int cs__print(cs__engine *e, cs__task *t, const cs_stmt *st)
{
    const cs_flow *fl = st->flow;
    size_t len = 0, cap = 64;
    char *out = cs_xmalloc(cap);
    out[0] = '\0';
    for (uint32_t i = 0; i < fl->nargs; i++) {
        char *part = NULL;
        const char *s;
        if (fl->args[i].exc) {
            part = cs__exc_str(cs__bound_exc(t, fl->args[i].exc));
            s = part;
        } else {
            const cs_datum *v = cs__eval(e, t, st, &fl->args[i]);
            if (!v) {
                free(out);
                return CS__YIELD;
            }
            s = v->str;
        }
        size_t n = strlen(s);
        out = cs_xgrow(out, &cap, len + n + 2, 1);
        if (i)
            out[len++] = ' ';
        memcpy(out + len, s, n + 1);
        len += n;
        free(part);
    }
    cs_event ev;
    cs__ev_init(e, &ev, CS_EV_LOG);
    ev.task = cs__log_id(t);
    ev.msg = out;
    ev.value_kind = CS_VAL_NONE;
    cs__emit(e, &ev);
    free(out);
    return CS__CONT;
}

/* ---- the statements ---- */

int cs__flow_exec(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c)
{
    const cs_flow *fl = st->flow;
    switch (st->op) {
    case CS_OP_IF: {
        int r = cs__cond(e, t, st, fl->cond, c);
        if (r == -2)
            return CS__YIELD;
        if (r == 1)
            cs__push_body(e, t, st->body);
        else if (r == 0 && fl->has_else)
            cs__push_body(e, t, (cs_body){fl->else_items, fl->nelse});
        return CS__CONT;
    }
    case CS_OP_LOOP: cs__push(e, t, CS__F_REPEAT, st); return CS__CONT;
    case CS_OP_BREAK: c->type = CS__C_BREAK; return CS__CONT;
    case CS_OP_CONTINUE: c->type = CS__C_CONTINUE; return CS__CONT;
    case CS_OP_LET: {
        const cs_datum *v = cs__eval(e, t, st, &fl->args[0]);
        if (!v)
            return CS__YIELD;
        cs__locals(e, t)[fl->as_slot].v = v;
        return CS__CONT;
    }
    case CS_OP_RETURN_VALUE: {
        const cs_datum *v = cs__eval(e, t, st, &fl->args[0]);
        if (!v)
            return CS__YIELD;
        c->type = CS__C_RETURN;
        c->value_json = v->json;
        return CS__CONT;
    }
    case CS_OP_PRINT: return cs__print(e, t, st);
    default: cs__fail_scenario(e, st->pos, "this statement is not modelled yet"); return CS__YIELD;
    }
}
