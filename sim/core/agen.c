/* agen.c - async generator objects driven by hand (issue 19's leftovers):
 * `g = gen(args)` (`agen`), `v = await anext(g)` (`anext`, also what
 * `g.asend(None)` does) and `await g.aclose()` (`aclose` on a generator
 * object), on both backends alike: CPython's async-generator protocol is
 * the same under asyncio and Trio, only the scopes inside differ.
 *
 * generator.c runs a generator's frames on the stack of the task that
 * drives it.  A generator driven by anext leaves that stack at each `yield`:
 * its frames (the GEN frame and everything above it, the YIELD frame on top)
 * are copied out into the object and the task's stack is cut back to where
 * anext was; the next anext or aclose, from this task or another, copies
 * them back on top of the caller's stack and resumes the YIELD frame
 * (phase 4: anext, the generator goes on after its yield; phase 5: aclose,
 * GeneratorExit is raised there).  Frames name each other by stack index
 * only in a YIELD frame's `obj` (its GEN frame): kept relative while out.
 *
 * CPython's rules, with its messages: anext/aclose while the generator runs
 * (it awaits something, driven by another task or by an anext of its own)
 * raise RuntimeError("anext(): asynchronous generator is already
 * running") / "aclose(): ..."; anext of a finished generator raises
 * StopAsyncIteration (so does one whose body ends: `return` or its last
 * statement); aclose of a finished or never started one does nothing.
 * On asyncio an aclose() that a cancellation ends leaves the generator
 * flagged running for good (CPython 3.11's athrow throw() path does not clear
 * ag_running_async; asyncio throws the cancellation in, Trio raises it inside
 * the frame): every later anext raises "already running", aclose does nothing.
 *
 * Not modelled (the run stops, exit 2): a yield with a cancel scope or task
 * group of the generator still open (AnyIO's scope would stay the driving
 * task's current scope), and a generator left suspended at a yield when the
 * run ends (the backends' finalizers: asyncio's asyncgen hooks and
 * shutdown_asyncgens, Trio's system-nursery finalizer).
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "interp.h"
#include "policy.h"
#include "util.h"

typedef enum {
    CS__AG_NEW,       /* made, never started: frames holds its GEN frame alone */
    CS__AG_SUSPENDED, /* at a yield: frames holds its frames, the YIELD frame on top */
    CS__AG_RUNNING,   /* its frames are on task `task`'s stack from `base` */
    CS__AG_DONE,      /* its body ended (or aclose() before it started) */
    CS__AG_STUCK,     /* done, but still flagged running: an aclose() a throw() ended (asyncio) */
} cs__ag_state;

typedef struct cs__agen {
    cs__ag_state state;
    int32_t task;          /* RUNNING: the driving task */
    uint32_t base;         /* RUNNING: its GEN frame's index on that task's stack */
    const cs_stmt *driver; /* RUNNING: the anext or aclose that resumed it */
    const cs_stmt *made;   /* the `agen` statement that made it */
    cs__frame *frames;     /* NEW, SUSPENDED: its frames, GEN frame first (owned) */
    uint32_t nframes;
} cs__agen;

struct cs__agens {
    cs__agen **v;
    size_t n, cap;
    int32_t *latest; /* prog->nagens: the latest object of each name, or -1 */
};

static struct cs__agens *cs__agens_of(cs__engine *e)
{
    if (!e->agens) {
        e->agens = cs_xcalloc(1, sizeof *e->agens);
        e->agens->latest = cs_xmalloc((e->prog->nagens + 1) * sizeof *e->agens->latest);
        for (uint32_t i = 0; i < e->prog->nagens; i++)
            e->agens->latest[i] = -1;
    }
    return e->agens;
}

/* Frees what frames still hold, as cs__pop does for a task's. */
static void cs__agen_drop_frames(cs__agen *a)
{
    cs__task tmp;
    memset(&tmp, 0, sizeof tmp);
    tmp.frames = a->frames;
    tmp.nframes = a->nframes;
    while (tmp.nframes) /* bounded: one frame fewer each turn */
        cs__pop(&tmp);
    free(a->frames);
    a->frames = NULL;
    a->nframes = 0;
}

void cs__agens_free(cs__engine *e)
{
    struct cs__agens *ag = e->agens;
    if (!ag)
        return;
    for (size_t i = 0; i < ag->n; i++) {
        cs__agen_drop_frames(ag->v[i]);
        free(ag->v[i]);
    }
    free(ag->v);
    free(ag->latest);
    free(ag);
    e->agens = NULL;
}

/* What the backends do with a generator left suspended at a yield (it is
 * garbage once its last reference goes) is their finalizers' business:
 * asyncio's asyncgen hooks schedule aclose() in a new task, and
 * shutdown_asyncgens() closes the rest concurrently once main is done (their
 * awaits work); Trio closes them one by one in its init task at the end of the
 * run, under a cancelled shielded scope (their first checkpoint raises
 * Cancelled), and logs what they raise.  Not modelled: refused. */
static void cs__agen_refuse_left(cs__engine *e, const cs__agen *a, const char *why)
{
    cs__fail_scenario(e, a->made->pos,
                      "an async generator object left suspended at a yield (%s) is closed by the backend's "
                      "finalizer, which is not modelled: close it with aclose",
                      why);
    e->error = CS_E_UNSUPPORTED;
}

/* `g = gen(args)`: the arguments are taken now (a CALL frame binds them), the
 * body runs at the first anext. */
static int cs__exec_make(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c)
{
    (void)c;
    struct cs__agens *ag = cs__agens_of(e);
    if (st->flow && st->flow->nargs) {
        int r = cs__flow_call(e, t, st);
        if (r != CS__CONT)
            return r;
    } else {
        cs__push(e, t, CS__F_CALL, st);
    }
    cs__frame *f = &t->frames[t->nframes - 1];
    f->kind = CS__F_GEN;
    f->scope = 0; /* no yield yet */
    f->obj = 0;   /* generator.c's CS__GS_RUNNING */
    f->body = e->prog->functions[st->ref].body;
    f->idx = 0;
    f->phase = 1;
    int32_t old = ag->latest[st->decl];
    if (old >= 0 && ag->v[old]->state == CS__AG_SUSPENDED) { /* rebinding the name drops the old object */
        cs__agen_refuse_left(e, ag->v[old], "its name bound to a new one");
        return CS__YIELD;
    }
    cs__agen *a = cs_xcalloc(1, sizeof *a);
    a->state = CS__AG_NEW;
    a->task = -1;
    a->made = st;
    a->frames = cs_xmalloc(sizeof *a->frames);
    a->frames[0] = *f;
    a->nframes = 1;
    t->nframes--; /* moved out, not popped: the object owns its locals now */
    ag->v = cs_xgrow(ag->v, &ag->cap, ag->n + 1, sizeof *ag->v);
    ag->latest[st->decl] = (int32_t)ag->n;
    ag->v[ag->n++] = a;
    return CS__CONT;
}

static int cs__agen_raise(cs__engine *e, cs__task *t, const cs_stmt *st, int32_t cls, const char *msg,
                          cs__completion *c)
{
    cs_exc *x = cs__new_exc(e, cls, msg ? msg : "");
    x->noargs = msg == NULL;
    cs__emit_raise(e, t, x, st->pos);
    *c = cs__c_exc(x);
    return CS__CONT;
}

/* Puts a's frames back on top of t's stack: it runs in t now, for st. */
static void cs__agen_attach(cs__engine *e, cs__task *t, cs__agen *a, const cs_stmt *st)
{
    uint32_t base = t->nframes;
    for (uint32_t k = 0; k < a->nframes; k++) { /* bounded by the frames it left with */
        cs__frame *f = cs__push(e, t, a->frames[k].kind, a->frames[k].st);
        *f = a->frames[k];
        if (f->kind == CS__F_YIELD)
            f->obj += (int32_t)base;
    }
    free(a->frames);
    a->frames = NULL;
    a->nframes = 0;
    a->state = CS__AG_RUNNING;
    a->task = t->id;
    a->base = base;
    a->driver = st;
    cs__frame *g = &t->frames[base];
    g->scope2 = t->cancel_scope ? t->cancel_scope->id : -1; /* the scope the caller is in now */
    cs__gen_event(e, t, g, CS_EV_GEN_ENTER, st, NULL);
}

/* anext(g) / g.aclose() */
static int cs__exec_drive(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c)
{
    struct cs__agens *ag = cs__agens_of(e);
    bool anext = st->op == CS_OP_ANEXT;
    int32_t i = ag->latest[st->ref];
    if (i < 0) {
        cs__fail_scenario(e, st->pos, "name '%s' is read before this run bound it", e->prog->agens[st->ref]);
        return CS__YIELD;
    }
    cs__agen *a = ag->v[i];
    switch (a->state) {
    case CS__AG_RUNNING:
        return cs__agen_raise(e, t, st, CS_EXC_RUNTIME_ERROR,
                              anext ? "anext(): asynchronous generator is already running"
                                    : "aclose(): asynchronous generator is already running",
                              c);
    case CS__AG_STUCK: /* CPython 3.11: anext checks the running flag first, aclose the closed one */
        if (anext)
            return cs__agen_raise(e, t, st, CS_EXC_RUNTIME_ERROR, "anext(): asynchronous generator is already running",
                                  c);
        return CS__CONT;
    case CS__AG_DONE:
        if (anext)
            return cs__agen_raise(e, t, st, e->prog->stop_async_iteration_cls, NULL, c);
        return CS__CONT;
    case CS__AG_NEW:
        if (!anext) { /* aclose() of a generator never started: its body never runs */
            cs__agen_drop_frames(a);
            a->state = CS__AG_DONE;
            return CS__CONT;
        }
        cs__agen_attach(e, t, a, st);
        return CS__CONT;
    case CS__AG_SUSPENDED: {
        cs__agen_attach(e, t, a, st);
        cs__frame *y = &t->frames[t->nframes - 1];
        assert(y->kind == CS__F_YIELD && y->phase == 3);
        y->phase = anext ? 4 : 5;
        return CS__CONT;
    }
    }
    return CS__CONT;
}

int cs__exec_agen(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c)
{
    if (st->op == CS_OP_AGEN)
        return cs__exec_make(e, t, st, c);
    return cs__exec_drive(e, t, st, c);
}

/* The object whose GEN frame is t->frames[gi] (it runs in t). */
static cs__agen *cs__agen_at(cs__engine *e, const cs__task *t, uint32_t gi)
{
    struct cs__agens *ag = e->agens;
    for (size_t i = 0; ag && i < ag->n; i++) /* bounded by the objects made */
        if (ag->v[i]->state == CS__AG_RUNNING && ag->v[i]->task == t->id && ag->v[i]->base == gi)
            return ag->v[i];
    assert(!"a GEN frame of `agen` with no running object");
    return NULL;
}

/* The generator's yield: its frames leave t's stack, anext returns the value. */
static int cs__agen_detach(cs__engine *e, cs__task *t, cs__frame *y, cs__completion *c)
{
    uint32_t gi = (uint32_t)y->obj;
    cs__frame *g = &t->frames[gi];
    cs__agen *a = cs__agen_at(e, t, gi);
    if ((t->cancel_scope ? t->cancel_scope->id : -1) != g->scope2) {
        cs__fail_scenario(e, y->st->pos,
                          "a yield inside a cancel scope or task group of a generator driven by anext is not "
                          "modelled");
        e->error = CS_E_UNSUPPORTED;
        return CS__YIELD;
    }
    y->phase = 3;
    cs__gen_event(e, t, g, CS_EV_GEN_EXIT, a->driver, NULL);
    a->nframes = t->nframes - gi;
    a->frames = cs_xmalloc(a->nframes * sizeof *a->frames);
    memcpy(a->frames, g, a->nframes * sizeof *a->frames);
    for (uint32_t k = 0; k < a->nframes; k++)
        if (a->frames[k].kind == CS__F_YIELD)
            a->frames[k].obj -= (int32_t)gi;
    const char *value = y->st->value_json;
    const cs_stmt *driver = a->driver;
    t->nframes = gi; /* moved out, not popped */
    a->state = CS__AG_SUSPENDED;
    a->task = -1;
    a->driver = NULL;
    cs__flow_bind(e, t, driver, value);
    c->type = CS__C_NORMAL;
    return CS__CONT;
}

int cs__agen_step_yield(cs__engine *e, cs__task *t, cs__frame *y, cs__completion *c)
{
    if (y->phase == 2)
        return cs__agen_detach(e, t, y, c);
    assert(y->phase == 4 || y->phase == 5);
    uint32_t gi = (uint32_t)y->obj;
    const cs_stmt *st = y->st;
    bool close = y->phase == 5;
    cs__pop(t);
    if (close) /* aclose(): GeneratorExit at the yield; once it is over, aclose returns */
        return cs__gen_close(e, t, gi, st, (cs__completion){.type = CS__C_NORMAL}, c);
    c->type = CS__C_NORMAL; /* anext(): the generator goes on after its yield */
    return CS__CONT;
}

cs__completion cs__agen_done(cs__engine *e, cs__task *t, uint32_t gi, cs__completion out)
{
    cs__agen *a = cs__agen_at(e, t, gi);
    const cs_stmt *driver = a->driver;
    a->state = CS__AG_DONE;
    if (driver->op == CS_OP_AGEN_ACLOSE && out.type == CS__C_EXC && e->pol->cancel_is_thrown &&
        cs_exc_class_is(e->prog, out.exc->cls, CS_EXC_CANCELLED))
        a->state = CS__AG_STUCK; /* the cancellation was thrown in: the running flag stays set */
    a->task = -1;
    a->driver = NULL;
    if (driver->op == CS_OP_ANEXT && out.type == CS__C_NORMAL) { /* the body ended: StopAsyncIteration */
        cs_exc *x = cs__new_exc(e, e->prog->stop_async_iteration_cls, "");
        x->noargs = true;
        cs__emit_raise(e, t, x, driver->pos);
        return cs__c_exc(x);
    }
    return out;
}

void cs__agens_at_end(cs__engine *e)
{
    struct cs__agens *ag = e->agens;
    for (size_t i = 0; ag && i < ag->n && !e->error; i++) /* bounded by the objects made */
        if (ag->v[i]->state == CS__AG_SUSPENDED)
            cs__agen_refuse_left(e, ag->v[i], "when the run ends");
}

const cs_stmt *cs__agen_driver(cs__engine *e, const cs__task *t, uint32_t gi)
{
    return cs__agen_at(e, t, gi)->driver;
}
