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
    if (t->frames)
        cs__frames_put(e, t->frames, t->capframes);
    t->frames = NULL;
    t->capframes = 0;
}

cs__frame *cs__push(cs__engine *e, cs__task *t, uint8_t kind, const cs_stmt *st)
{
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
        if (t->frames)
            cs__frames_put(e, t->frames, t->capframes);
        t->frames = nb;
        t->capframes = cs__class_cap(k);
    }
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
    cs__frame *f = &t->frames[--t->nframes];
    cs__completion_clear(&f->saved);
    if (cs__frame_has_exc(f->kind)) {
        cs_exc_unref(f->handled);
        cs_exc_unref(f->aux);
    }
    if (f->star) {
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
    cs__task *t = cs__task_alloc(e); /* freed with the run */
    t->id = (int32_t)e->ntasks;
    t->name = name;
    t->state = CS_TASK_UNFINISHED;
    t->tg = tg;
    t->default_tg = parent ? cs__innermost_tg(e, parent) : NULL;
    if (e->ntasks == e->captasks) {
        e->captasks = e->captasks ? e->captasks * 2 : 64;
        e->tasks = cs_xrealloc(e->tasks, e->captasks * sizeof *e->tasks);
    }
    e->tasks[e->ntasks++] = t;
    cs_event ev;
    cs__ev_init(e, &ev, CS_EV_TASK_SPAWN);
    ev.task = t->id;
    ev.name = t->name;
    ev.parent = parent ? parent->id : -1;
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
    if (cs__rare(t)->draw_owner) /* a from_thread body draws as the task that called to_thread */
        t = cs__rare(t)->draw_owner;
    double u = cs_uniform_u(t->name, t->draws++);
    double v = d->lo + (d->hi - d->lo) * u;
    double r = nearbyint(v * 1e9) / 1e9;
    /* a draw too large to count in nanoseconds is still a finite duration
     * (beyond any time limit), never "forever" */
    return isfinite(r) ? r : v;
}

cs_exc *cs__handled_exc(cs__task *t)
{
    for (uint32_t i = t->nframes; i-- > 0;)
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

static void cs__log(cs__engine *e, cs__task *t, const char *msg, cs_value_kind vk, double num, bool b)
{
    cs_event ev;
    cs__ev_init(e, &ev, CS_EV_LOG);
    ev.task = t->id;
    ev.msg = msg;
    ev.value_kind = vk;
    ev.number = num;
    ev.boolean = b;
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
    for (uint32_t i = t->nframes; i-- > 0;)
        if (t->frames[i].kind == CS__F_TG && t->frames[i].obj >= 0)
            return e->tgs[t->frames[i].obj];
    return t->default_tg;
}

/* What every spawned task gets before its first step: its TaskHandle's scope
 * (cancel_task may cancel it before the task starts) and, for create_task, the
 * finished event that `await` waits on. */
void cs__task_prepare(cs__engine *e, cs__task *t, const cs_stmt *st)
{
    cs__scope_init(e, t->handle_scope, NULL, CS_KIND_INTERNAL, INFINITY, false); /* storage: cs__task_alloc */
    if (st->op == CS_OP_CREATE_TASK || st->op == CS_OP_START) {
        cs__event *fin = cs_xcalloc(1, sizeof *fin);
        fin->label = cs_xasprintf("await_task %s", st->name);
        cs__rare_mut(e, t)->finished = fin;
        if (st->op == CS_OP_START)
            cs__rare_mut(e, t)->start_label = cs_xasprintf("start %s", st->name);
        if (st->decl >= 0)
            e->task_latest[st->decl] = t->id;
    }
}

cs__task *cs__spawn_task(cs__engine *e, cs__tg *g, cs__task *parent, const char *name, int64_t index,
                         const cs_stmt *st)
{
    cs__task *t = cs__task_new(e, cs__spawn_name(e, name, index), parent, g);
    t->task_frame_st = st; /* its wrapper frame comes with its first step */
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

static cs__task *cs__handle_ref(cs__engine *e, const cs_stmt *st)
{
    int32_t id = st->ref >= 0 ? e->task_latest[st->ref] : -1;
    if (id < 0) {
        cs__fail_scenario(e, st->pos, "task '%s' is used before it was created", e->prog->tasks[st->ref].name);
        return NULL;
    }
    return e->tasks[id];
}

/* ---- statements ---- */

/* Statements that touch nothing another task reads or writes: schedule
 * points (which read the cancel state and the clock, which such statements do
 * not change) and control flow.  Any other statement makes its step loud. */
#define CS__QUIET_OPS                                                                                         \
    ((1ULL << CS_OP_SLEEP) | (1ULL << CS_OP_SLEEP_UNTIL) | (1ULL << CS_OP_CHECKPOINT) |                       \
     (1ULL << CS_OP_CHECKPOINT_IF_CANCELLED) | (1ULL << CS_OP_CANCEL_SHIELDED_CHECKPOINT) |                  \
     (1ULL << CS_OP_TRY) | (1ULL << CS_OP_CALL) | (1ULL << CS_OP_REPEAT) | (1ULL << CS_OP_RETURN))

int cs__exec(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c)
{
    _Static_assert(CS_OP_COUNT <= 64, "CS__QUIET_OPS is a 64-bit mask");
    e->loud += !((CS__QUIET_OPS >> st->op) & 1);
    switch (st->op) {
    case CS_OP_SLEEP:
        return e->pol->sleep(e, t, cs__dur(t, &st->dur), "sleep");
    case CS_OP_SLEEP_UNTIL: {
        /* anyio.sleep_until(t) is sleep(max(t - now, 0)) */
        double d = st->num - cs__now_s(e);
        return e->pol->sleep(e, t, d > 0 ? d : 0, "sleep_until");
    }
    case CS_OP_SLEEP_FOREVER:
        return e->pol->sleep(e, t, INFINITY, "sleep_forever");
    case CS_OP_CHECKPOINT:
        return e->pol->checkpoint(e, t, st);
    case CS_OP_CHECKPOINT_IF_CANCELLED:
        return e->pol->checkpoint_if_cancelled(e, t, st);
    case CS_OP_CANCEL_SHIELDED_CHECKPOINT:
        return e->pol->cancel_shielded_checkpoint(e, t, st);
    case CS_OP_BUSY: {
        double d = cs__dur(t, &st->dur);
        int64_t ns = cs__s_to_ns(d);
        if ((double)e->now + (double)ns > e->opt.time_limit * 1e9) {
            e->aborted = true;
            e->limit_kind = CS_RESULT_LIMIT_TIME;
            return CS__YIELD;
        }
        /* the loop is blocked; worker threads run on at their own times */
        int64_t target = e->now + ns;
        for (int64_t w; (w = cs__threads_next_wake(e)) <= target && !e->aborted;) {
            if (w > e->now)
                e->now = w;
            cs__threads_release_due(e);
        }
        e->now = target;
        return CS__CONT;
    }
    case CS_OP_RAISE: {
        cs_exc *x = cs__raise_new(e, t, st->ref, st->text);
        cs__emit_raise(e, t, x, st->pos);
        *c = cs__c_exc(x);
        return CS__CONT;
    }
    case CS_OP_RERAISE: {
        cs_exc *h = cs__handled_exc(t);
        *c = cs__c_exc(cs_exc_ref(h));
        return CS__CONT;
    }
    case CS_OP_RETURN:
        c->type = CS__C_RETURN;
        c->value_json = st->value_json;
        return CS__CONT;
    case CS_OP_LOG:
        cs__log(e, t, st->text, CS_VAL_NONE, 0, false);
        return CS__CONT;
    case CS_OP_PROBE: {
        if (st->probe == CS_PROBE_EFFECTIVE_DEADLINE) {
            cs__log(e, t, "effective_deadline", CS_VAL_NUMBER, cs__effective_deadline(e, t), false);
        } else if (st->probe == CS_PROBE_TIME) {
            cs__log(e, t, "time", CS_VAL_NUMBER, cs__now_s(e), false);
        } else {
            cs__scope *s = cs__scope_ref(e, st, st->ref);
            if (!s)
                return CS__YIELD;
            static const char *const names[] = {"", "", "cancel_called", "cancelled_caught", "deadline", "shield"};
            char *msg = cs_xasprintf("%s.%s", e->prog->scopes[st->ref].name, names[st->probe]);
            if (st->probe == CS_PROBE_DEADLINE)
                cs__log(e, t, msg, CS_VAL_NUMBER, s->deadline, false);
            else
                cs__log(e, t, msg, CS_VAL_BOOL, 0,
                        st->probe == CS_PROBE_CANCEL_CALLED      ? e->pol->scope_cancel_called(e, s)
                        : st->probe == CS_PROBE_CANCELLED_CAUGHT ? s->cancelled_caught
                                                                 : s->shield);
            free(msg);
        }
        return CS__CONT;
    }
    case CS_OP_TASK_GROUP:
        cs__push(e, t, CS__F_TG, st);
        return CS__CONT;
    case CS_OP_AWAIT_TASK: {
        cs__task *h = cs__handle_ref(e, st);
        if (!h)
            return CS__YIELD;
        cs__frame *f = cs__push(e, t, CS__F_AWAIT_TASK, st);
        f->obj = h->id;
        return CS__CONT;
    }
    case CS_OP_CANCEL_TASK: {
        cs__task *h = cs__handle_ref(e, st);
        if (!h)
            return CS__YIELD;
        if (!cs__rare(h)->finished->value) {
            e->emit_pos = st->pos;
            cs__scope_cancel(e, h->handle_scope, NULL, CS_CAUSE_TASK_HANDLE);
            e->emit_pos = (cs_pos){0, 0};
        }
        return CS__CONT;
    }
    case CS_OP_START:
        cs__push(e, t, CS__F_START, st);
        return CS__CONT;
    case CS_OP_STARTED:
        return e->pol->started(e, t, st, c);
    case CS_OP_CREATE_TASK:
    case CS_OP_START_SOON: {
        cs__tg *g = cs__target_tg(e, t, st);
        if (!g)
            return CS__YIELD;
        bool counted = st->op == CS_OP_START_SOON && st->count >= 0;
        if (counted && (uint64_t)st->count > e->opt.task_limit - e->ntasks) {
            /* the whole count cannot fit: stop before building a million tasks */
            e->aborted = true;
            e->limit_kind = CS_RESULT_LIMIT_TASKS;
            return CS__YIELD;
        }
        for (int64_t i = 0; i < (counted ? st->count : 1) && !e->aborted; i++) {
            e->emit_pos = st->pos;
            cs_exc *x = e->pol->spawn(e, g, t, st->name, counted ? i : -1, st);
            e->emit_pos = (cs_pos){0, 0};
            if (x) {
                cs_exc *h = cs__handled_exc(t);
                if (h)
                    cs_exc_set_context(x, h);
                cs__emit_raise(e, t, x, st->pos);
                *c = cs__c_exc(x);
                return CS__CONT;
            }
        }
        return CS__CONT;
    }
    case CS_OP_CANCEL_SCOPE:
    case CS_OP_MOVE_ON_AFTER:
    case CS_OP_FAIL_AFTER:
    case CS_OP_MOVE_ON_AT:
    case CS_OP_FAIL_AT:
        cs__push(e, t, CS__F_SCOPE, st);
        return CS__CONT;
    case CS_OP_CANCEL: {
        cs__scope *s = cs__scope_ref(e, st, st->ref);
        if (!s)
            return CS__YIELD;
        e->emit_pos = st->pos;
        cs__scope_cancel(e, s, st->text, CS_CAUSE_EXPLICIT);
        e->emit_pos = (cs_pos){0, 0};
        return CS__CONT;
    }
    case CS_OP_SET_SHIELD: {
        cs__scope *s = cs__scope_ref(e, st, st->ref);
        if (!s)
            return CS__YIELD;
        cs__scope_set_shield(e, s, st->shield);
        return CS__CONT;
    }
    case CS_OP_SET_DEADLINE: {
        cs__scope *s = cs__scope_ref(e, st, st->ref);
        if (!s)
            return CS__YIELD;
        cs__scope_set_deadline(e, s, st->num);
        return CS__CONT;
    }
    case CS_OP_TRY:
        cs__push(e, t, CS__F_TRY, st);
        return CS__CONT;
    case CS_OP_CALL:
        cs__push(e, t, CS__F_CALL, st);
        return CS__CONT;
    case CS_OP_TO_THREAD:
        cs__push(e, t, CS__F_TO_THREAD, st);
        return CS__CONT;
    case CS_OP_WITH_LOCK:
    case CS_OP_WITH_SEMAPHORE:
    case CS_OP_WITH_LIMITER:
        cs__push(e, t, CS__F_SYNC, st);
        return CS__CONT;
    case CS_OP_WAIT:
        return e->pol->event_wait(e, t, &e->events[st->ref]);
    case CS_OP_SET:
        e->pol->event_set(e, &e->events[st->ref]);
        return CS__CONT;
    case CS_OP_REPEAT:
        cs__push(e, t, CS__F_REPEAT, st);
        return CS__CONT;
    default:
        cs__fail_scenario(e, st->pos, "this statement is not modelled yet");
        e->error = CS_E_UNSUPPORTED;
        return CS__YIELD;
    }
}


bool cs__interp_resume(cs__engine *e, cs__task *t, cs__completion in)
{
    cs__completion c = in;
    e->yield_on = NULL;
    if (t->task_frame_st) {
        cs__push(e, t, CS__F_TASK, t->task_frame_st);
        t->task_frame_st = NULL;
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
        if (cs__step_frame(e, t, &c) == CS__YIELD) {
            cs__completion_clear(&c);
            return false;
        }
    }
}
