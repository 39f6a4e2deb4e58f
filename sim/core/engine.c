/* engine.c - one run: set up, let the backend drive it (pol->run), report
 * the end as trace events.
 *
 * Also the small services every engine file uses: emitting events, run-time
 * scenario errors, instance names (`name`, `name#2`, ...), time conversion,
 * and the allocation of tasks with their backend part.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "condition.h"
#include "digits.h"
#include "interp.h"
#include "memuse.h"
#include "policy.h"
#include "portal.h"
#include "stream.h"
#include "sync.h"
#include "thread.h"
#include "util.h"

void cs_run_options_init(cs_run_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->backend = CS_BACKEND_ASYNCIO;
    opt->time_limit = CS_DEFAULT_TIME_LIMIT;
    opt->step_limit = CS_DEFAULT_STEP_LIMIT;
    opt->task_limit = CS_DEFAULT_TASK_LIMIT;
    opt->timer_limit = CS_DEFAULT_TIMER_LIMIT;
    opt->trace_limit = CS_DEFAULT_TRACE_LIMIT;
    opt->memory_limit_mib = cs_default_memory_limit_mib();
    opt->depth_limit = CS_DEFAULT_DEPTH_LIMIT;
}

void cs__ev_init(cs__engine *e, cs_event *ev, cs_event_kind kind)
{
    memset(ev, 0, sizeof *ev);
    ev->kind = kind;
    ev->t = e->now;
    ev->task = ev->parent = ev->group = ev->scope = -1;
}

/* The limits every event is a chance to check (engine.h): events emitted,
 * live timers (asyncio's timer handles, Trio's registered deadlines; a new one
 * is always announced by an event: a sleep or a scope entered), and, every
 * 4096 events, the memory in use (memuse.c).  Reaching one stops the run as the step limit
 * does: the loops see `aborted` and the end reports the limit. */
static void cs__check_limits(cs__engine *e)
{
    cs_result_kind k;
    if (e->ev_seq >= e->opt.trace_limit)
        k = CS_RESULT_LIMIT_TRACE;
    else if ((uint64_t)e->live_timers > e->opt.timer_limit)
        k = CS_RESULT_LIMIT_TIMERS;
    else if (e->opt.memory_limit_mib && (e->ev_seq & 4095) == 0 &&
             cs_heap_in_use() / (1024 * 1024) >= e->opt.memory_limit_mib)
        k = CS_RESULT_LIMIT_MEMORY;
    else
        return;
    e->aborted = true;
    e->limit_kind = k;
}

void cs__emit(cs__engine *e, cs_event *ev)
{
    if (ev->exc) /* ids, for consumers to tell exceptions apart (exc.h) */
        cs_exc_number(ev->exc, &e->exc_ids, &e->exc_walk, &e->exc_walk_cap);
    ev->seq = e->ev_seq++;
    ev->t = e->now;
    /* a checkpoint's own events touch only the task itself */
    e->loud += ev->kind != CS_EV_CHECKPOINT && ev->kind != CS_EV_SLEEP && ev->kind != CS_EV_WAKE;
    for (uint32_t i = 0; i < e->opt.nsinks; i++)
        e->opt.sinks[i].fn(e->opt.sinks[i].ctx, ev);
    if (!e->aborted)
        cs__check_limits(e);
}

/* Events both backends emit at the same points. */
void cs__emit_cancel(cs__engine *e, const cs__scope *s, cs_cancel_cause cause, const char *reason)
{
    cs_event ev;
    cs__ev_init(e, &ev, CS_EV_CANCEL);
    ev.scope = s->id;
    ev.cause = cause;
    ev.task = e->current ? e->current->id : -1;
    ev.msg = reason && *reason ? reason : NULL;
    ev.pos = e->emit_pos;
    cs__emit(e, &ev);
}

void cs__emit_group_raise(cs__engine *e, const cs__task *t, const cs__scope *s, cs_exc *group)
{
    cs_event ev;
    cs__ev_init(e, &ev, CS_EV_GROUP_RAISE);
    ev.task = t->id;
    ev.scope = s->id;
    ev.exc = group;
    cs__emit(e, &ev);
}

void cs__task_state_of(cs__task *t, const cs__completion *c, cs_event *ev)
{
    if (c->type == CS__C_EXC) {
        t->state = c->exc->cls == CS_EXC_CANCELLED ? CS_TASK_CANCELLED : CS_TASK_FAILED;
        ev->exc = c->exc;
    } else {
        t->state = CS_TASK_COMPLETED;
        ev->value_json = c->type == CS__C_RETURN ? c->value_json : NULL;
    }
    ev->state = t->state;
}

/* A task's first step: it is running from now on. */
void cs__task_started(cs__engine *e, cs__task *t)
{
    if (t->run != CS__TS_NEW)
        return;
    t->run = CS__TS_RUNNING;
    if (cs__rare(t)->ft_thread)
        return; /* not a scenario task */
    cs_event ev;
    cs__ev_init(e, &ev, CS_EV_TASK_START);
    ev.task = t->id;
    cs__emit(e, &ev);
}

void cs__fail_scenario(cs__engine *e, cs_pos pos, const char *fmt, ...)
{
    if (e->aborted)
        return;
    e->aborted = true;
    e->error = CS_E_SCENARIO;
    if (e->err) {
        e->err->pos = pos;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->err->message, sizeof e->err->message, fmt, ap);
        va_end(ap);
    }
}

cs_exc *cs__new_exc(cs__engine *e, int32_t cls, const char *msg)
{
    (void)e;
    return cs_exc_new(cls, msg);
}

double cs__now_s(const cs__engine *e)
{
    return (double)e->now / 1e9;
}

/* Seconds to whole nanoseconds, saturating (huge durations become "beyond any
 * time limit" rather than overflowing). */
int64_t cs__s_to_ns(double s)
{
    double ns = nearbyint(s * 1e9);
    if (ns >= 9.2e18)
        return CS_NS_INF - 1;
    if (ns <= -9.2e18)
        return CS_NS_NEG_INF + 1;
    return (int64_t)ns;
}

static uint32_t cs__hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return (uint32_t)(h ^ (h >> 32));
}

/* The name table's slot for `key` (created with uses 0 when new).
 * A million `count` children would be a million keys, so those use one key
 * per base (cs__spawn_name); the table keeps each key's hash beside its uses
 * (probing and growing never touch the key strings, which live in one pool). */
static struct cs__name_slot *cs__name_slot_of(cs__engine *e, const char *key)
{
    if (e->name_count * 2 >= e->name_cap) {
        uint32_t ncap = e->name_cap ? e->name_cap * 2 : 256;
        struct cs__name_slot *slots = cs_xcalloc(ncap, sizeof *slots);
        for (uint32_t i = 0; i < e->name_cap; i++) {
            if (!e->name_slots[i].key)
                continue;
            uint32_t j = e->name_slots[i].hash & (ncap - 1);
            while (slots[j].key)
                j = (j + 1) & (ncap - 1);
            slots[j] = e->name_slots[i];
        }
        free(e->name_slots);
        e->name_slots = slots;
        e->name_cap = ncap;
    }
    uint32_t h = cs__hash(key);
    uint32_t j = h & (e->name_cap - 1);
    struct cs__name_slot *sl;
    for (;;) {
        sl = &e->name_slots[j];
        if (!sl->key || (sl->hash == h && strcmp(e->name_pool + sl->key - 1, key) == 0))
            break;
        j = (j + 1) & (e->name_cap - 1);
    }
    if (!sl->key) {
        size_t len = strlen(key) + 1;
        if (e->name_pool_len + len > e->name_pool_cap) {
            e->name_pool_cap = (e->name_pool_cap ? e->name_pool_cap * 2 : 4096) + len;
            e->name_pool = cs_xrealloc(e->name_pool, e->name_pool_cap);
        }
        if (e->name_pool_len + len >= UINT32_MAX) {
            fprintf(stderr, "cancelsim: instance names beyond 4 GiB\n");
            abort();
        }
        memcpy(e->name_pool + e->name_pool_len, key, len);
        sl->hash = h;
        sl->key = (uint32_t)(e->name_pool_len + 1);
        sl->uses = 0;
        e->name_pool_len += len;
        e->name_count++;
    }
    return sl;
}

/* base followed by the len bytes of tail, as a string in the arena. */
static const char *cs__arena_name(cs__engine *e, const char *base, size_t blen, const char *tail, size_t len)
{
    char *out = cs__arena_alloc(&e->arena, blen + len + 1);
    memcpy(out, base, blen);
    memcpy(out + blen, tail, len);
    out[blen + len] = '\0';
    return out;
}

/* `base`, then `base#2`, `base#3`, ... per distinct base, in the arena. */
const char *cs__instance_name(cs__engine *e, const char *base)
{
    uint32_t k = ++cs__name_slot_of(e, base)->uses;
    char tail[24]; /* "#" k */
    size_t len = 0;
    if (k > 1) {
        tail[len++] = '#';
        len += cs_utoa(k, tail + len);
    }
    return cs__arena_name(e, base, strlen(base), tail, len);
}

/* A spawned task's instance name, in the arena: cs__instance_name(base) when
 * index < 0, else that of `base[index]` (a `count` child).  Names may not
 * contain '[' (the loader refuses them), so `base[index]` is only ever made
 * here: one table key "base[" per base carries a counter per index instead of
 * a key per child. */
const char *cs__spawn_name(cs__engine *e, const char *base, int64_t index)
{
    if (index < 0)
        return cs__instance_name(e, base);
    size_t blen = strlen(base);
    char small[64];
    char *key = blen + 2 <= sizeof small ? small : cs_xmalloc(blen + 2);
    memcpy(key, base, blen);
    memcpy(key + blen, "[", 2);
    struct cs__name_slot *sl = cs__name_slot_of(e, key);
    if (key != small)
        free(key);
    if (sl->uses == 0) { /* a new base: its counters */
        e->counted = cs_xgrow(e->counted, &e->capcounted, e->ncounted + 1, sizeof *e->counted);
        sl->uses = ++e->ncounted;
    }
    struct cs__counted_uses *cu = &e->counted[sl->uses - 1];
    if ((uint64_t)index >= cu->cap) {
        uint64_t ncap = cu->cap ? cu->cap : 64;
        while (ncap <= (uint64_t)index)
            ncap *= 2;
        if (ncap > UINT32_MAX) {
            fprintf(stderr, "cancelsim: a count beyond 2^32\n");
            abort();
        }
        cu->uses = cs_xrealloc(cu->uses, ncap * sizeof *cu->uses);
        memset(cu->uses + cu->cap, 0, (ncap - cu->cap) * sizeof *cu->uses);
        cu->cap = (uint32_t)ncap;
    }
    uint32_t k = ++cu->uses[index];
    /* base "[" index "]" ["#" k], in the arena */
    char tail[48]; /* "[" index "]" "#" k: at most 33 bytes */
    char *p = tail;
    *p++ = '[';
    p += cs_utoa((uint64_t)index, p);
    *p++ = ']';
    if (k > 1) {
        *p++ = '#';
        p += cs_utoa(k, p);
    }
    return cs__arena_name(e, base, blen, tail, (size_t)(p - tail));
}

/* The state of every named scope still open when the run stops (a limit or
 * a deadlock): the outcome reports it as it is then, not as it was entered. */
static void cs__emit_open_scopes(cs__engine *e)
{
    cs_event ev;
    for (uint32_t i = 0; i < e->nscopes; i++) {
        cs__scope *s = e->scopes[i];
        if (!s || !s->active || !s->name) /* NULL: a Trio sleep's, reused */
            continue;
        cs__ev_init(e, &ev, CS_EV_SCOPE_STATE);
        ev.scope = s->id;
        ev.name = s->name;
        ev.scope_kind = s->kind;
        ev.cancel_called = s->cancel_called;
        ev.cancelled_caught = s->cancelled_caught;
        ev.deadline = s->deadline;
        ev.shield = s->shield;
        cs__emit(e, &ev);
    }
}

/* Emits how the run ended; true when anyio.run() returned or raised (not a
 * limit, not a deadlock). */
static bool cs__emit_end(cs__engine *e)
{
    cs_event ev;
    cs__task *main_task = e->tasks[0];
    if (e->aborted) {
        cs__emit_open_scopes(e);
        cs__ev_init(e, &ev, CS_EV_RUN_END);
        ev.result = e->limit_kind;
        cs__emit(e, &ev);
        return false;
    }
    /* Trio's shutdown waits for the from_thread bodies of abandoned threads:
     * one that never ends (a shielded wait) keeps trio.run() from returning */
    bool stuck = e->pol->run_unfinished(e);
    if ((main_task->run != CS__TS_DONE || stuck) && !e->escaped) {
        for (uint32_t i = 0; i < e->ntasks; i++) {
            cs__task *t = e->tasks[i];
            if (t->run == CS__TS_DONE || cs__rare(t)->log_as) /* issue 26: a portal call's task shows as its caller */
                continue;
            cs__ev_init(e, &ev, CS_EV_TASK_WAITING);
            ev.task = t->id;
            ev.label = t->run == CS__TS_NEW ? "not started" : t->wait_label ? t->wait_label : "running";
            for (uint32_t k = 0; k < t->nframes; k++)
                if (t->frames[k].kind == CS__F_FT_HOST)
                    ev.label = "to_thread"; /* a from_thread body's waits are the thread's, not the task's */
            const char *call = cs__portal_wait_label(e, t);
            ev.label = call ? call : ev.label;
            cs__emit(e, &ev);
        }
        cs__emit_open_scopes(e);
        cs__ev_init(e, &ev, CS_EV_RUN_END);
        ev.result = CS_RESULT_DEADLOCK;
        cs__emit(e, &ev);
        return false;
    }
    cs__streams_emit_left(e);   /* items sent and never received (stream_left.c) */
    if (e->prog->manual_scopes) /* a scope entered by hand may be left entered: shown as it is now (issue 19) */
        cs__emit_open_scopes(e);
    /* issue 26: with a sync main, the run's result is what main() did */
    const cs__completion *sync = cs__sync_main_finish(e);
    cs__ev_init(e, &ev, CS_EV_RUN_END);
    const cs__completion *r = sync ? sync : &main_task->result;
    if (e->escaped) {
        ev.result = CS_RESULT_RAISED;
        ev.exc = e->escaped;
    } else if (r->type == CS__C_EXC) {
        ev.result = CS_RESULT_RAISED;
        ev.exc = r->exc;
    } else {
        ev.result = CS_RESULT_RETURNED;
        ev.value_json = r->type == CS__C_RETURN ? r->value_json : "null";
    }
    cs__emit(e, &ev);
    return true;
}

const cs__rare_none cs__task_rare_none;

cs__task_rare *cs__rare_mut(cs__engine *e, cs__task *t)
{
    assert(e->pol->rare_ext <= CS__RARE_EXT_MAX);
    if (!t->rare)
        t->rare = cs_xcalloc(1, sizeof *t->rare + e->pol->rare_ext);
    return t->rare;
}

cs__task *cs__task_alloc(cs__engine *e)
{
    _Static_assert(sizeof(cs__task) % 8 == 0 && sizeof(cs__scope) % 8 == 0, "backend parts follow aligned");
    size_t tsz = sizeof(cs__task) + e->pol->task_ext;
    tsz = (tsz + 7) & ~(size_t)7;
    assert(e->handle_off == tsz); /* set with the policy (cs_run) */
    /* the handle scope (cs__handle_scope) is initialised by cs__task_prepare */
    return cs__arena_calloc(&e->arena, tsz + sizeof(cs__scope) + e->pol->scope_ext);
}

cs__task *cs__task_alloc_listed(cs__engine *e, const char *name)
{
    cs__task *t = cs__task_alloc(e);
    t->id = (int32_t)e->ntasks;
    t->name = name;
    if (e->ntasks == e->captasks) {
        e->captasks = e->captasks ? e->captasks * 2 : 64;
        e->tasks = cs_xrealloc(e->tasks, e->captasks * sizeof *e->tasks);
    }
    e->tasks[e->ntasks++] = t;
    return t;
}

/* Frees what a task still holds (a stopped run leaves frames, waits and
 * results behind).  Scopes and groups are the engine's, freed apart; the
 * task's own memory is the arena's. */
void cs__task_free(cs__engine *e, cs__task *t)
{
    for (uint32_t k = 0; k < t->nframes; k++)
        if (cs__frame_has_wait(t->frames[k].kind))
            e->pol->wait_unref(e, t->frames[k].wait);
    while (t->nframes)
        cs__pop(t);
    cs__frames_release(e, t); /* the block is in the arena */
    cs__completion_clear(&t->result);
    cs__completion_clear(&t->body);
    e->pol->task_free(e, t); /* its backend part, the rare record's included */
    cs__task_rare *r = t->rare;
    if (r) {
        free(r->start_label);
        if (r->finished) {
            e->pol->event_free(e, r->finished);
            free(r->finished->waiters);
            free(r->finished->label);
            free(r->finished);
        }
        free(r);
        t->rare = NULL;
    }
    /* the task and its name are in the arena */
}

static void cs__engine_free(cs__engine *e)
{
    for (uint32_t i = 0; i < e->nscopes; i++) {
        cs__scope *s = e->scopes[i];
        if (!s)
            continue; /* a Trio sleep's scope, reused (cs__scope_recycle) */
        e->pol->scope_free(e, s);
        cs_exc_unref(s->swallowed);
        /* the scope and its name are in the arena */
    }
    free(e->scopes);
    /* after the scopes: a task holds its handle scope's storage */
    for (uint32_t i = 0; i < e->ntasks; i++)
        cs__task_free(e, e->tasks[i]);
    free(e->tasks);
    free(e->exc_walk);
    for (uint32_t i = 0; i < e->ntgs; i++) {
        cs__tg *g = e->tgs[i];
        for (uint32_t j = 0; j < g->nexcs; j++)
            cs_exc_unref(g->excs[j]);
        free(g->excs);
        e->pol->tg_free(e, g);
        free(g->label);
        free(g);
    }
    free(e->tgs);
    for (uint32_t i = 0; i < e->prog->nevents; i++) {
        e->pol->event_free(e, &e->events[i]);
        free(e->events[i].waiters);
        free(e->events[i].label);
    }
    free(e->events);
    cs__pfutures_free(e); /* issue 26: their Events hold the backend's futures */
    cs__agens_free(e);    /* issue 19: generator objects out of every stack */
    cs__sync_main_free(e);
    cs__threads_free(e);
    cs__prims_free(e);
    /* before the backend: waiters' Events hold the backend's futures */
    cs__streams_free(e);
    cs__conds_free(e);
    e->pol->free(e);
    /* last: tasks, scopes, frames and the backend's pools (futures, timers) live here */
    e->free_scopes = NULL;
    for (size_t k = 0; k < sizeof e->free_frames / sizeof *e->free_frames; k++)
        e->free_frames[k] = NULL;
    cs__arena_free(&e->arena);
    free(e->name_slots);
    free(e->name_pool);
    for (uint32_t i = 0; i < e->ncounted; i++)
        free(e->counted[i].uses);
    free(e->counted);
    cs_exc_unref(e->escaped);
    free(e->ki);
    free(e->scope_latest);
    free(e->tg_latest);
    free(e->task_latest);
    free(e->portal_latest);
}

int cs_run(const cs_program *prog, const cs_run_options *opt, cs_run_error *err)
{
    cs__engine eng;
    cs__engine *e = &eng;
    if (prog->max_depth > opt->depth_limit) {
        if (err) {
            err->pos = (cs_pos){0, 0};
            snprintf(err->message, sizeof err->message,
                     "statements nest %u levels deep (called functions included), beyond the depth limit of %llu",
                     prog->max_depth, (unsigned long long)opt->depth_limit);
        }
        return CS_E_LIMIT;
    }
    if (prog->native_ops && !cs__policy_of(opt->backend)->exec_native) {
        /* native asyncio statements: this backend has none of them */
        if (err) {
            err->pos = (cs_pos){0, 0};
            snprintf(err->message, sizeof err->message, "the scenario uses statements this backend does not have");
        }
        return CS_E_UNSUPPORTED;
    }
    if (cs__sync_main_refuses(prog, opt, err)) /* issue 26: Ctrl+C with a sync main (sync_main.c) */
        return CS_E_UNSUPPORTED;
    memset(e, 0, sizeof *e);
    e->prog = prog;
    e->opt = *opt;
    /* zero trace/timer limits would stop every run at its first event */
    if (!e->opt.trace_limit)
        e->opt.trace_limit = 1;
    e->pol = cs__policy_of(opt->backend);
    e->handle_off = (uint32_t)((sizeof(cs__task) + e->pol->task_ext + 7) & ~(size_t)7);
    e->pol->init(e);
    e->rng = opt->seed;
    e->err = err;
    e->scope_latest = cs_xmalloc((prog->nscopes + 1) * sizeof *e->scope_latest);
    e->tg_latest = cs_xmalloc((prog->nscopes + 1) * sizeof *e->tg_latest);
    for (uint32_t i = 0; i < prog->nscopes; i++)
        e->scope_latest[i] = e->tg_latest[i] = -1;
    e->task_latest = cs_xmalloc((prog->ntasks + 1) * sizeof *e->task_latest);
    for (uint32_t i = 0; i < prog->ntasks; i++)
        e->task_latest[i] = -1;
    e->portal_latest = cs_xmalloc((prog->nportals + 1) * sizeof *e->portal_latest);
    for (uint32_t i = 0; i < prog->nportals; i++)
        e->portal_latest[i] = -1;
    cs__pfutures_init(e);

    cs__prims_init(e);
    cs__interrupts_init(e);
    cs__streams_init(e);
    cs__conds_init(e);
    e->events = cs_xcalloc(prog->nevents + 1, sizeof *e->events);
    for (uint32_t i = 0; i < prog->nevents; i++)
        e->events[i].label = cs_xasprintf("event %s", prog->events[i]);

    cs_event ev;
    cs__ev_init(e, &ev, CS_EV_RUN_START);
    ev.backend = opt->backend;
    ev.seed = opt->seed;
    ev.scenario = prog->name;
    /* the class names, the backend's for its cancellation: what a consumer
     * needs of the program, in the run's arena (names live as long as the run) */
    const char **classes = cs__arena_alloc(&e->arena, (prog->nclasses + 1) * sizeof *classes);
    for (uint32_t i = 0; i < prog->nclasses; i++)
        classes[i] = i == CS_EXC_CANCELLED ? cs_cancelled_class_name(opt->backend) : prog->classes[i].name;
    ev.class_names = classes;
    e->class_names = classes;
    ev.nclasses = prog->nclasses;
    cs__emit(e, &ev);

    cs__task *m = cs__task_new(e, cs__instance_name(e, "main"), NULL, NULL);
    cs__push_body(e, m, prog->main);
    cs__plain_threads_begin(e); /* issue 26: the threads of "threads", waiting for their start_at */
    e->pol->run(e);
    if (!e->error && !e->aborted && (e->tasks[0]->run == CS__TS_DONE || e->escaped))
        cs__agens_at_end(e); /* issue 19: a generator object never closed (not after a deadlock) */
    int rc = CS_OK;
    if (e->error) {
        rc = e->error;
    } else if (cs__emit_end(e)) {
        cs__threads_after_run(e); /* abandoned threads run on: the trace shows their ends */
    }
    cs__run_stats_record(e);
    cs__engine_free(e);
    return rc;
}
