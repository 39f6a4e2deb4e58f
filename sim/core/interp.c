/* interp.c - runs a task's statements as an explicit frame stack.
 *
 * A task is not a C stack: it is a stack of frames over the program tree, so a
 * million tasks cost a few hundred bytes each and nesting depth is bounded by
 * data.  A frame is stepped with the completion of whatever ran last (a child
 * frame, or the await it suspended on); it then pushes a child, pops itself
 * with a completion for its parent, or yields (the task suspends on a future or
 * a bare yield).  Python's statement semantics live here: try/except/else/
 * finally, except* splitting, return through finally and scopes, bare raise.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interp.h"
#include "policy.h"
#include "text.h"
#include "thread.h"
#include "util.h"

void cs__completion_clear(cs__completion *c)
{
    if (c->type == CS__C_EXC)
        cs_exc_unref(c->exc);
    c->type = CS__C_NORMAL;
    c->exc = NULL;
    c->value_json = NULL;
}

cs__completion cs__c_exc(cs_exc *x) /* steals x */
{
    cs__completion c = {.type = CS__C_EXC, .exc = x};
    return c;
}

/* Size class k holds cs__class_cap(k) frames: 1, 2, 3, 4, 6, 8, 12, 16, ...
 * (powers of two and the halfway points: a stack of three frames, common on
 * Trio, takes three, not four). */
static uint32_t cs__class_cap(uint32_t k)
{
    if (k < 2)
        return k + 1;
    return k % 2 == 0 ? 3u << ((k - 2) / 2) : 2u << ((k - 1) / 2);
}

/* The class of a block of `cap` frames (a class's own capacity). */
static uint32_t cs__frame_class(uint32_t cap)
{
    uint32_t k = 0;
    while (cs__class_cap(k) < cap)
        k++;
    return k;
}

/* Under AddressSanitizer every block is its own heap allocation, so a frame
 * pointer kept across a push that moved the stack is reported, not reused. */
#if defined(__SANITIZE_ADDRESS__)
#define CS__FRAMES_CHECKED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CS__FRAMES_CHECKED 1
#endif
#endif

static void cs__frames_put(cs__engine *e, cs__frame *block, uint32_t cap)
{
    assert(cs__class_cap(cs__frame_class(cap)) == cap); /* a whole block of its class */
#ifdef CS__FRAMES_CHECKED
    (void)e;
    (void)cap;
    free(block);
#else
    cs__pool_put(&e->free_frames[cs__frame_class(cap)], block);
#endif
}

/* A block of class k: reused, or new from the arena (freed with the run). */
static cs__frame *cs__frames_get(cs__engine *e, uint32_t k)
{
    size_t n = (size_t)cs__class_cap(k) * sizeof(cs__frame);
#ifdef CS__FRAMES_CHECKED
    return cs_xmalloc(n);
#else
    return cs__pool_take(&e->arena, &e->free_frames[k], n);
#endif
}

void cs__frames_release(cs__engine *e, cs__task *t)
{
    assert(t->nframes == 0); /* only an empty stack goes back */
    if (t->capframes)        /* else the slot is task_frame_st's */
        cs__frames_put(e, t->frames, t->capframes);
    t->frames = NULL;
    t->capframes = 0;
}

cs__frame *cs__push(cs__engine *e, cs__task *t, uint8_t kind, const cs_stmt *st)
{
    assert(t->capframes || !t->task_frame_st); /* a spawned task's wrapper frame comes first */
    if (t->nframes == t->capframes) {
        /* the stack moves to a block of the next size class; the old block
         * goes back to the pool for the next task that needs it */
        if (t->capframes >= (uint32_t)1 << 30) {
            fprintf(stderr, "cancelsim: a frame stack beyond 2^30 frames\n");
            abort();
        }
        uint32_t k = t->capframes ? cs__frame_class(t->capframes) + 1 : 0;
        cs__frame *nb = cs__frames_get(e, k);
        if (t->nframes)
            memcpy(nb, t->frames, t->nframes * sizeof *nb);
        if (t->capframes) /* else the slot is task_frame_st's (NULL by now) */
            cs__frames_put(e, t->frames, t->capframes);
        t->frames = nb;
        t->capframes = cs__class_cap(k);
    }
    assert(t->nframes < t->capframes);
    cs__frame *f = &t->frames[t->nframes++];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->st = st;
    f->scope = f->scope2 = f->obj = -1;
    return f;
}

void cs__push_body(cs__engine *e, cs__task *t, cs_body body)
{
    cs__frame *f = cs__push(e, t, CS__F_BODY, NULL);
    f->body = body;
}

void cs__pop(cs__task *t)
{
    assert(t->nframes > 0);
    cs__frame *f = &t->frames[--t->nframes];
    cs__completion_clear(&f->saved);
    cs__flow_release(f);
    if (cs__frame_has_exc(f->kind)) {
        cs_exc_unref(f->handled);
        cs_exc_unref(f->aux);
    }
    if (cs__frame_has_star(f->kind) && f->star) {
        for (uint32_t i = 0; i < f->star->nraised; i++)
            cs_exc_unref(f->star->raised[i]);
        free(f->star->raised);
        for (uint32_t i = 0; i < f->star->nreraised; i++)
            cs_exc_unref(f->star->reraised[i]);
        free(f->star->reraised);
        free(f->star);
    }
}

/* Pops the top frame and hands `out` (owned) to its parent as *c. */
int cs__pop_with(cs__task *t, cs__completion *c, cs__completion out)
{
    cs__pop(t);
    *c = out;
    return CS__CONT;
}

cs__task *cs__task_new(cs__engine *e, const char *name, cs__task *parent, cs__tg *tg)
{
    if (e->ntasks >= e->opt.task_limit) {
        e->aborted = true;
        e->limit_kind = CS_RESULT_LIMIT_TASKS;
    }
    cs__task *t = cs__task_alloc_listed(e, name); /* freed with the run */
    t->state = CS_TASK_UNFINISHED;
    t->tg = tg;
    cs__tg *d = parent ? cs__innermost_tg(e, parent) : NULL;
    if (d != tg) { /* nearly every task's default is its own group: only the others keep one */
        cs__rare_mut(e, t)->default_tg = d;
        t->default_other = true;
    }
    cs_event ev;
    cs__ev_init(e, &ev, CS_EV_TASK_SPAWN);
    ev.task = t->id;
    ev.name = t->name;
    ev.parent = parent ? cs__log_id(parent) : -1; /* issue 26: a portal call's child is its caller's in the graph */
    /* a child in start()'s temporary nursery is announced as the group's it is for */
    ev.group = tg ? (tg->eventual ? tg->eventual : tg)->scope->id : -1;
    ev.pos = e->emit_pos;
    cs__emit(e, &ev);
    return t;
}

/* ---- small helpers ---- */

static uint64_t cs__fnv1a64(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h;
}

static uint64_t cs__splitmix64(uint64_t z)
{
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

double cs_uniform_u(const char *task, uint64_t k)
{
    uint64_t x = cs__splitmix64(cs__fnv1a64(task) ^ (k * 0x9E3779B97F4A7C15ULL));
    return (double)(x >> 11) * 0x1.0p-53;
}

/* A duration's value in seconds; a uniform one is the task's next draw,
 * already rounded to whole nanoseconds. */
double cs__dur(cs__task *t, const cs_dur *d)
{
    if (d->kind == CS_DUR_FIXED)
        return d->value;
    if (d->kind == CS_DUR_NONE)
        return INFINITY;
    if (d->kind == CS_DUR_NAME)
        return cs__flow_dur(t, d->slot);
    if (cs__rare(t)->draw_owner) /* a from_thread body draws as the task that called to_thread */
        t = cs__rare(t)->draw_owner;
    if (cs__rare(t)->log_as) /* issue 26: so does a portal call's task (and a body it runs) */
        t = cs__rare(t)->log_as;
    double u = cs_uniform_u(t->name, t->draws++);
    double v = d->lo + (d->hi - d->lo) * u;
    double r = nearbyint(v * 1e9) / 1e9;
    /* a draw too large to count in nanoseconds is still a finite duration
     * (beyond any time limit), never "forever" */
    return isfinite(r) ? r : v;
}

cs_exc *cs__handled_exc(cs__task *t)
{
    for (uint32_t i = t->nframes - 1; t->nframes && i != UINT32_MAX; i = cs__frame_below(t, i))
        if (cs__frame_has_exc(t->frames[i].kind) && t->frames[i].handled)
            return t->frames[i].handled;
    return NULL;
}

/* str(exc) for an exception made with one string argument. KeyError prints the
 * repr of its argument. */
char *cs__py_repr_str(const char *s)
{
    bool has_sq = strchr(s, '\'') != NULL, has_dq = strchr(s, '"') != NULL;
    char q = (has_sq && !has_dq) ? '"' : '\'';
    size_t n = strlen(s);
    char *out = cs_xmalloc(n * 4 + 3), *o = out;
    *o++ = q;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (cs_text_nul_at((const char *)p)) { /* a NUL kept in text (text.h) */
            memcpy(o, "\\x00", 4);
            o += 4;
            p++;
        } else if (*p == (unsigned char)q || *p == '\\') {
            *o++ = '\\';
            *o++ = (char)*p;
        } else if (*p == '\n') {
            *o++ = '\\';
            *o++ = 'n';
        } else if (*p == '\r') {
            *o++ = '\\';
            *o++ = 'r';
        } else if (*p == '\t') {
            *o++ = '\\';
            *o++ = 't';
        } else if (*p < 0x20 || *p == 0x7f) {
            o += sprintf(o, "\\x%02x", *p);
        } else {
            *o++ = (char)*p;
        }
    }
    *o++ = q;
    *o = 0;
    return out;
}

cs_exc *cs__raise_new(cs__engine *e, cs__task *t, int32_t cls, const char *msg)
{
    cs_exc *x;
    if (msg && cs_exc_class_is(e->prog, cls, CS_EXC_KEY_ERROR)) {
        char *r = cs__py_repr_str(msg);
        x = cs__new_exc(e, cls, r);
        free(r);
    } else {
        x = cs__new_exc(e, cls, msg ? msg : "");
        x->noargs = msg == NULL;
    }
    cs_exc *h = cs__handled_exc(t);
    if (h)
        cs_exc_set_context(x, h);
    return x;
}

void cs__emit_raise(cs__engine *e, cs__task *t, cs_exc *x, cs_pos pos)
{
    cs_event ev;
    cs__ev_init(e, &ev, CS_EV_RAISE);
    ev.task = t->id;
    ev.exc = x;
    ev.pos = pos;
    cs__emit(e, &ev);
}

/* ---- name instances ---- */

cs__scope *cs__scope_ref(cs__engine *e, const cs_stmt *st, int32_t decl)
{
    int32_t id = e->scope_latest[decl];
    if (id < 0) {
        cs__fail_scenario(e, st->pos, "scope or task group '%s' is used before it was created",
                          e->prog->scopes[decl].name);
        return NULL;
    }
    return e->scopes[id];
}

/* The task group a `start_soon` without `in` spawns into: the innermost one
 * open in this task, else the one inherited from where the task was spawned. */
cs__tg *cs__innermost_tg(cs__engine *e, cs__task *t)
{
    for (uint32_t i = t->nframes - 1; t->nframes && i != UINT32_MAX; i = cs__frame_below(t, i))
        if (t->frames[i].kind == CS__F_TG && t->frames[i].obj >= 0)
            return e->tgs[t->frames[i].obj];
    return t->default_other ? t->rare->default_tg : t->tg;
}

void cs__task_set_tg(cs__engine *e, cs__task *t, cs__tg *g)
{
    if (!t->default_other && g != t->tg) {
        cs__rare_mut(e, t)->default_tg = t->tg;
        t->default_other = true;
    }
    t->tg = g;
}

/* What every spawned task gets before its first step: its TaskHandle's scope
 * (cancel_task may cancel it before the task starts) and, for create_task, the
 * finished event that `await` waits on. */
void cs__task_prepare(cs__engine *e, cs__task *t, const cs_stmt *st)
{
    cs__scope_init(e, cs__handle_scope(e, t), NULL, CS_KIND_INTERNAL, INFINITY, false); /* storage: cs__task_alloc */
    /* a start_soon's handle only when the program names it (issue 18) */
    if (st->op == CS_OP_CREATE_TASK || st->op == CS_OP_START ||
        (st->op == CS_OP_START_SOON && st->decl >= 0 && e->prog->tasks[st->decl].handle_named)) {
        cs__event *fin = cs_xcalloc(1, sizeof *fin);
        fin->label = cs_xasprintf("await_task %s", st->name);
        cs__rare_mut(e, t)->finished = fin;
        if (st->op == CS_OP_START)
            cs__rare_mut(e, t)->start_label = cs_xasprintf("start %s", st->name);
        if (st->decl >= 0)
            e->task_latest[st->decl] = t->id;
    }
}

cs__task *cs__spawn_task(cs__engine *e, cs__tg *g, cs__task *parent, const char *name, int64_t index, const cs_stmt *st)
{
    cs__task *t = cs__task_new(e, cs__spawn_name(e, name, index), parent, g);
    assert(t->capframes == 0); /* the slot is the frame block's once it has one */
    t->task_frame_st = st;     /* its wrapper frame comes with its first step */
    cs__task_prepare(e, t, st);
    t->cancel_scope = g->scope;
    cs__scope_tasks_add(g->scope, t);
    g->ntasks++;
    return t;
}

/* The group a spawning statement names with `in`, or the innermost one. */
cs__tg *cs__target_tg(cs__engine *e, cs__task *t, const cs_stmt *st)
{
    if (st->ref < 0)
        return cs__innermost_tg(e, t);
    int32_t gid = e->tg_latest[st->ref];
    if (gid < 0) {
        cs__fail_scenario(e, st->pos, "task group '%s' is used before it was created", e->prog->scopes[st->ref].name);
        return NULL;
    }
    return e->tgs[gid];
}

bool cs__interp_resume(cs__engine *e, cs__task *t, cs__completion in)
{
    cs__completion c = in;
    e->yield_on = NULL;
    const cs_stmt *first = cs__task_frame_st(t);
    if (first) {
        t->task_frame_st = NULL; /* the slot becomes the frame block's */
        cs__push(e, t, CS__F_TASK, first);
    }
    for (;;) {
        if (e->aborted) {
            cs__completion_clear(&c);
            return false;
        }
        if (t->nframes == 0) {
            t->result = c;
            cs__frames_release(e, t); /* its stack is over: the block serves the next task */
            return true;
        }
        int r = cs__step_frame(e, t, &c);
        assert(r == CS__CONT || r == CS__YIELD);
        assert(r == CS__YIELD || e->yield_on == NULL); /* a token only with a yield */
        if (r == CS__YIELD) {
            cs__completion_clear(&c);
            return false;
        }
    }
}
