/* prim_ops.c - issue 18's explicit calls on a Lock, Semaphore or
 * CapacityLimiter, beside `async with` (sync.c and each room's half):
 * acquire() pushes the same SYNC frame `async with` does, without a body;
 * acquire_nowait() is the same on both backends (AnyIO's asyncio classes and
 * trio's raise WouldBlock / RuntimeError in the same cases); release() and
 * total_tokens differ (pol->prim_release_user, pol->limiter_set_total);
 * statistics() logs what AnyIO's statistics() and properties say.
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "condition.h"
#include "interp.h"
#include "policy.h"
#include "sync.h"
#include "util.h"

#define CS__HELD_TOKEN "this borrower is already holding one of this CapacityLimiter's tokens"

cs_exc *cs__prim_limiter_release_check(cs__engine *e, cs__task *t, const cs__prim *p, const char *behalf)
{
    if (p->kind != CS__PRIM_LIMITER || cs__prim_borrowing(p, behalf ? NULL : t, behalf))
        return NULL;
    return cs__raise_new(e, t, CS_EXC_RUNTIME_ERROR,
                         "this borrower isn't holding any of this CapacityLimiter's tokens");
}

/* acquire_nowait(): NULL once taken, else what it raises. */
static cs_exc *cs__acquire_nowait(cs__engine *e, cs__task *t, cs__prim *p, const char *behalf, cs_pos st_pos)
{
    switch (p->kind) {
    case CS__PRIM_LOCK:
        if (p->owner == t)
            return cs__raise_new(e, t, CS_EXC_RUNTIME_ERROR, "Attempted to acquire an already held Lock");
        if (p->owner || p->nw)
            return cs__raise_new(e, t, CS_EXC_WOULD_BLOCK, NULL);
        break;
    case CS__PRIM_SEMAPHORE: /* both look at the value alone */
        if (p->value == 0)
            return cs__raise_new(e, t, CS_EXC_WOULD_BLOCK, NULL);
        break;
    default:
        if (cs__prim_borrowing(p, behalf ? NULL : t, behalf))
            return cs__raise_new(e, t, CS_EXC_RUNTIME_ERROR, CS__HELD_TOKEN);
        if (p->nw || !cs__limiter_free(p))
            return cs__raise_new(e, t, CS_EXC_WOULD_BLOCK, NULL);
        break;
    }
    cs__prim_take(p, behalf ? NULL : t, behalf);
    p->held_pos = st_pos;
    return NULL;
}

/* Appends s to the buffer as a JSON string (names may hold any character but NUL). */
static void cs__json_str(char **buf, size_t *len, size_t *cap, const char *s)
{
    size_t need = *len + 6 * strlen(s) + 5; /* quotes, a comma or bracket after it, the NUL */
    if (need > *cap) {
        *cap = need * 2;
        *buf = cs_xrealloc(*buf, *cap);
    }
    char *o = *buf + *len;
    *o++ = '"';
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\') {
            *o++ = '\\';
            *o++ = (char)*c;
        } else if (*c < 0x20) {
            o += sprintf(o, "\\u%04x", *c);
        } else {
            *o++ = (char)*c;
        }
    }
    *o++ = '"';
    *o = '\0';
    *len = (size_t)(o - *buf);
}

static int cs__cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The borrowers of a limiter as a JSON list of names, sorted (AnyIO gives a
 * tuple of a set: its order is Python's hash order, so the reference sorts). */
static char *cs__borrowers_json(const cs__prim *p)
{
    const char **names = cs_xcalloc(p->nb + 1, sizeof *names);
    for (uint32_t i = 0; i < p->nb; i++)
        names[i] = p->borrowers[i].task ? p->borrowers[i].task->name : p->borrowers[i].name;
    qsort(names, p->nb, sizeof *names, cs__cmp_names);
    size_t len = 1, cap = 64;
    char *buf = cs_xcalloc(cap, 1);
    buf[0] = '[';
    for (uint32_t i = 0; i < p->nb; i++) {
        cs__json_str(&buf, &len, &cap, names[i]);
        if (i + 1 < p->nb)
            buf[len++] = ','; /* cs__json_str left room */
    }
    buf[len++] = ']';
    buf[len] = '\0';
    free(names);
    return buf;
}

static char *cs__stats_json(const cs__prim *p)
{
    if (p->kind == CS__PRIM_LOCK) {
        size_t len = 0, cap = 0;
        char *owner = NULL;
        if (p->owner)
            cs__json_str(&owner, &len, &cap, p->owner->name);
        char *s = cs_xasprintf("{\"locked\":%s,\"owner\":%s,\"tasks_waiting\":%u}", p->owner ? "true" : "false",
                               owner ? owner : "null", p->nw);
        free(owner);
        return s;
    }
    if (p->kind == CS__PRIM_SEMAPHORE) {
        char max[32] = "null";
        if (p->max_value >= 0)
            snprintf(max, sizeof max, "%lld", (long long)p->max_value);
        return cs_xasprintf("{\"tasks_waiting\":%u,\"value\":%lld,\"max_value\":%s}", p->nw, (long long)p->value, max);
    }
    char total[32] = "\"inf\"", avail[32] = "\"inf\"";
    if (!p->infinite) {
        snprintf(total, sizeof total, "%lld", (long long)p->total);
        snprintf(avail, sizeof avail, "%lld", (long long)(p->total - p->value));
    }
    char *b = cs__borrowers_json(p);
    char *s = cs_xasprintf("{\"borrowed_tokens\":%lld,\"total_tokens\":%s,\"borrowers\":%s,\"tasks_waiting\":%u,"
                           "\"available_tokens\":%s}",
                           (long long)p->value, total, b, p->nw, avail);
    free(b);
    return s;
}

static void cs__log_stats(cs__engine *e, cs__task *t, const cs__prim *p)
{
    const char *name = strchr(p->label, ' ') + 1; /* "lock L" -> "L" */
    char *msg = cs_xasprintf("%s.statistics", name);
    char *json = cs__stats_json(p);
    cs_event ev;
    cs__ev_init(e, &ev, CS_EV_LOG);
    ev.task = cs__log_id(t);
    ev.msg = msg;
    ev.value_kind = CS_VAL_JSON;
    ev.value_json = json;
    cs__emit(e, &ev);
    free(json);
    free(msg);
}

/* Condition.statistics(): its waiters and its Lock's statistics. */
static void cs__log_cond_stats(cs__engine *e, cs__task *t, const cs_stmt *st)
{
    char *lock = cs__stats_json(cs__cond_lock(e, st->ref));
    char *json = cs_xasprintf("{\"tasks_waiting\":%u,\"lock_statistics\":%s}", cs__cond_waiting(e, st->ref), lock);
    char *msg = cs_xasprintf("%s.statistics", e->prog->conditions[st->ref].name);
    cs_event ev;
    cs__ev_init(e, &ev, CS_EV_LOG);
    ev.task = cs__log_id(t);
    ev.msg = msg;
    ev.value_kind = CS_VAL_JSON;
    ev.value_json = json;
    cs__emit(e, &ev);
    free(msg);
    free(json);
    free(lock);
}

/* Lock.locked() / Condition.locked() (its lock's), logged as "NAME.locked":
 * the lock has an owner (AnyIO's asyncio Lock hands it on to the next waiter
 * at release, so it stays locked through a hand-off, as statistics() says). */
static void cs__log_locked(cs__engine *e, cs__task *t, const cs_stmt *st)
{
    bool cond = st->op == CS_OP_CONDITION_LOCKED;
    const cs__prim *p = cond ? cs__cond_lock(e, st->ref) : &e->prims[st->ref];
    const char *name = cond ? e->prog->conditions[st->ref].name : strchr(p->label, ' ') + 1; /* "lock L" */
    char *msg = cs_xasprintf("%s.locked", name);
    cs_event ev;
    cs__ev_init(e, &ev, CS_EV_LOG);
    ev.task = cs__log_id(t);
    ev.msg = msg;
    ev.value_kind = CS_VAL_BOOL;
    ev.boolean = p->owner != NULL;
    cs__emit(e, &ev);
    free(msg);
}

/* Condition.acquire() / acquire_nowait() / release(): its Lock's, and an
 * acquire makes the task the owner (never cleared, as in AnyIO). */
static int cs__exec_cond_own(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c)
{
    cs__prim *lock = cs__cond_lock(e, st->ref);
    cs_exc *x = NULL;
    if (st->op == CS_OP_CONDITION_ACQUIRE) {
        cs__push(e, t, CS__F_SYNC, st); /* sync.c: the lock's acquire, then _owner_task */
        return CS__CONT;
    }
    if (st->op == CS_OP_CONDITION_ACQUIRE_NOWAIT) {
        x = cs__acquire_nowait(e, t, lock, NULL, st->pos);
        if (!x)
            cs__cond_acquired(e, st->ref, t);
    } else {
        x = e->pol->prim_release_user(e, t, lock, NULL);
    }
    if (x) {
        cs__emit_raise(e, t, x, st->pos);
        *c = cs__c_exc(x);
    }
    return CS__CONT;
}

int cs__exec_prim(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c)
{
    if (st->op == CS_OP_CONDITION_STATISTICS) {
        cs__log_cond_stats(e, t, st);
        return CS__CONT;
    }
    if (st->op == CS_OP_CONDITION_ACQUIRE || st->op == CS_OP_CONDITION_ACQUIRE_NOWAIT ||
        st->op == CS_OP_CONDITION_RELEASE)
        return cs__exec_cond_own(e, t, st, c);
    if (st->op == CS_OP_LOCKED || st->op == CS_OP_CONDITION_LOCKED) {
        cs__log_locked(e, t, st);
        return CS__CONT;
    }
    assert(st->ref >= 0 && (uint32_t)st->ref < e->nprims);
    cs__prim *p = &e->prims[st->ref];
    cs_exc *x = NULL;
    switch (st->op) {
    case CS_OP_ACQUIRE: cs__push(e, t, CS__F_SYNC, st); return CS__CONT;
    case CS_OP_ACQUIRE_NOWAIT: x = cs__acquire_nowait(e, t, p, st->text, st->pos); break;
    case CS_OP_RELEASE: x = e->pol->prim_release_user(e, t, p, st->text); break;
    case CS_OP_SET_TOTAL_TOKENS: e->pol->limiter_set_total(e, p, st->num); break;
    default: /* CS_OP_SYNC_STATISTICS */ cs__log_stats(e, t, p); break;
    }
    if (x) {
        cs__emit_raise(e, t, x, st->pos);
        *c = cs__c_exc(x);
    }
    return CS__CONT;
}
