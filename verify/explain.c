/* explain.c - the explain recorder: a trace sink that builds, event by event,
 * the chain of what decided each task's end (explain.h).
 *
 * Causes come before their effects in the trace, so every sentence can be
 * written when its event arrives: a scope's reason for being cancelled is
 * known by the time its cancellation reaches a task, an exception's origin by
 * the time a task ends with it.  Exceptions are followed by pointer identity,
 * as the trace guarantees (a group's members are the very exceptions its
 * children ended with); the origin map holds a reference to each key so a
 * freed pointer is never reused under it.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "explain_internal.h"
#include "humantime.h"
#include "text.h"
#include "util.h"

/* Longest exception message kept in a sentence, in bytes. */
#define CS__X_MSG_MAX 60
/* Members of a group spelled out before "... N more". */
#define CS__X_MEMBERS_MAX 4
/* Scopes searched for shields at each cancel (a bound, not a semantic). */
#define CS__X_SHIELD_SCAN_MAX 100000
/* Parent links followed from a shield to a cancelled scope. */
#define CS__X_DEPTH_MAX 10000

cs_explain *cs_explain_new(void)
{
    cs_explain *x = cs_xcalloc(1, sizeof *x);
    x->last_exit = -1;
    x->result_origin = -1;
    return x;
}

void cs_explain_free(cs_explain *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < x->ocap; i++)
        if (x->ovals[i] != UINT64_MAX)
            cs_exc_unref((cs_exc *)(uintptr_t)x->okeys[i]);
    free(x->okeys);
    free(x->ovals);
    for (size_t i = 0; i < x->ntasks; i++) {
        cs__xtask *k = &x->tasks[i];
        for (uint32_t j = 0; j < k->nsteps; j++)
            free(k->steps[j].text);
        free(k->steps);
        free(k->name);
        free(k->cp_label_own);
        free(k->end_exc);
    }
    for (size_t i = 0; i < x->nscopes; i++) {
        free(x->scopes[i].name);
        free(x->scopes[i].why);
    }
    for (size_t i = 0; i < x->norigins; i++)
        free(x->origins[i].text);
    for (uint32_t i = 0; i < x->nclasses; i++)
        free(x->classes[i]);
    free(x->classes);
    free(x->tasks);
    free(x->scopes);
    free(x->origins);
    free(x->scenario);
    free(x->result_text);
    free(x);
}

/* ---- the origin map ---- */

static uint64_t cs__hash(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return k;
}

static size_t cs__oslot(const cs_explain *x, uint64_t k)
{
    size_t i = (size_t)cs__hash(k) & (x->ocap - 1);
    while (x->ovals[i] != UINT64_MAX && x->okeys[i] != k)
        i = (i + 1) & (x->ocap - 1);
    return i;
}

static int32_t cs__origin_exact(const cs_explain *x, const cs_exc *e)
{
    if (!e || !x->ocap)
        return -1;
    size_t i = cs__oslot(x, (uint64_t)(uintptr_t)e);
    return x->ovals[i] == UINT64_MAX ? -1 : (int32_t)x->ovals[i];
}

int32_t cs__x_origin_of(const cs_explain *x, const cs_exc *e)
{
    /* what except* left of a group, or a split of one: the group's origin */
    for (uint32_t d = 0; e && d < CS__X_DEPTH_MAX; d++, e = e->derived_from) {
        int32_t o = cs__origin_exact(x, e);
        if (o >= 0)
            return o;
    }
    return -1;
}

static void cs__oput(cs_explain *x, uint64_t k, uint64_t v);

static void cs__ogrow(cs_explain *x)
{
    uint64_t *keys = x->okeys, *vals = x->ovals;
    size_t cap = x->ocap;
    x->ocap = cap ? cap * 2 : 64;
    x->okeys = cs_xcalloc(x->ocap, sizeof *x->okeys);
    x->ovals = cs_xmalloc(x->ocap * sizeof *x->ovals);
    memset(x->ovals, 0xff, x->ocap * sizeof *x->ovals);
    x->on = 0;
    for (size_t i = 0; i < cap; i++)
        if (vals[i] != UINT64_MAX)
            cs__oput(x, keys[i], vals[i]);
    free(keys);
    free(vals);
}

static void cs__oput(cs_explain *x, uint64_t k, uint64_t v)
{
    if (2 * (x->on + 1) > x->ocap)
        cs__ogrow(x);
    size_t i = cs__oslot(x, k);
    x->on += x->ovals[i] == UINT64_MAX;
    x->okeys[i] = k;
    x->ovals[i] = v;
}

/* Records where `e` came from (the first origin wins: a re-raise keeps it). */
void cs__x_set_origin(cs_explain *x, cs_exc *e, char *text_new, cs_pos pos, int32_t task)
{
    if (!e || cs__origin_exact(x, e) >= 0) {
        free(text_new);
        return;
    }
    x->origins = cs_xgrow(x->origins, &x->caporigins, x->norigins + 1, sizeof *x->origins);
    x->origins[x->norigins] = (cs__xorigin){text_new, pos, task};
    cs__oput(x, (uint64_t)(uintptr_t)cs_exc_ref(e), x->norigins++);
}

/* ---- names ---- */

const char *cs__x_cls(const cs_explain *x, int32_t cls)
{
    if (cls == CS_EXC_CANCELLED)
        return x->backend == CS_BACKEND_TRIO ? "Cancelled" : "CancelledError";
    if (cls < 0 || (uint32_t)cls >= x->nclasses)
        return "?";
    return x->classes[cls];
}

/* 'msg' cut to CS__X_MSG_MAX bytes on a UTF-8 boundary, quotes escaped. */
char *cs__x_quoted(const char *msg)
{
    size_t len = strlen(msg), cut = len <= CS__X_MSG_MAX ? len : CS__X_MSG_MAX;
    while (cut < len && cut > 0 && ((unsigned char)msg[cut] & 0xC0) == 0x80)
        cut--;
    char *out = cs_xmalloc(2 * cut + 8), *o = out;
    *o++ = '\'';
    for (size_t i = 0; i < cut; i++) {
        if (i + 1 < cut && cs_text_nul_at(msg + i)) { /* a NUL kept in text (text.h), as repr shows it */
            memcpy(o, "\\x00", 4);
            o += 4;
            i++;
            continue;
        }
        if (msg[i] == '\'' || msg[i] == '\\')
            *o++ = '\\';
        *o++ = (unsigned char)msg[i] < 0x20 ? ' ' : msg[i];
    }
    if (cut < len) {
        memcpy(o, "...", 3);
        o += 3;
    }
    *o++ = '\'';
    *o = '\0';
    return out;
}

char *cs__x_exc(const cs_explain *x, const cs_exc *e)
{
    const char *cls = cs__x_cls(x, e->cls);
    size_t ml = e->message ? strlen(e->message) : 0;
    /* KeyError's str() is already the repr of its key */
    bool keyrepr = strcmp(cls, "KeyError") == 0 && ml >= 2 && e->message[0] == '\'' && e->message[ml - 1] == '\'';
    char *msg = e->noargs || !e->message ? NULL : keyrepr ? cs_xstrdup(e->message) : cs__x_quoted(e->message);
    if (!cs_exc_is_group(e)) {
        char *s = cs_xasprintf("%s(%s)", cls, msg ? msg : "");
        free(msg);
        return s;
    }
    char *s = cs_xasprintf("%s(%s%s[", cls, msg ? msg : "", msg ? ", " : "");
    free(msg);
    for (uint32_t i = 0; i < e->nmembers && i < CS__X_MEMBERS_MAX; i++) {
        char *m = cs__x_exc(x, e->members[i]);
        char *n = cs_xasprintf("%s%s%s", s, i ? ", " : "", m);
        free(m);
        free(s);
        s = n;
    }
    char *n = e->nmembers > CS__X_MEMBERS_MAX ? cs_xasprintf("%s, ... %u more])", s, e->nmembers - CS__X_MEMBERS_MAX)
                                              : cs_xasprintf("%s])", s);
    free(s);
    return n;
}

static const char *cs__kind_word(cs_scope_kind k)
{
    switch (k) {
    case CS_KIND_CANCEL_SCOPE: return "cancel scope";
    case CS_KIND_MOVE_ON: return "move_on_after";
    case CS_KIND_FAIL_AFTER: return "fail_after";
    case CS_KIND_TASK_GROUP: return "task group";
    case CS_KIND_INTERNAL: return "scope";
    }
    return "scope";
}

const char *cs__x_task_name(const cs_explain *x, int32_t t)
{
    return t >= 0 && (size_t)t < x->ntasks && x->tasks[t].name ? x->tasks[t].name : "?";
}

char *cs__x_scope_desc(const cs_explain *x, int32_t scope)
{
    const cs__xscope *s = &x->scopes[scope];
    if (s->kind == CS_KIND_INTERNAL) {
        if (s->cancelled && s->cause == CS_CAUSE_TASK_HANDLE)
            return cs_xasprintf("%s's task handle", cs__x_task_name(x, s->host));
        return cs_xasprintf("an internal scope of %s", cs__x_task_name(x, s->host));
    }
    char at[32] = "";
    if (s->pos.line)
        snprintf(at, sizeof at, " (%u:%u)", s->pos.line, s->pos.col);
    if (s->name)
        return cs_xasprintf("%s %s%s", cs__kind_word(s->kind), s->name, at);
    return cs_xasprintf("an anonymous %s%s", cs__kind_word(s->kind), at);
}

/* ---- records ---- */

cs__xtask *cs__x_task(cs_explain *x, int32_t id)
{
    assert(id >= 0);
    x->tasks = cs_xgrow(x->tasks, &x->captasks, (size_t)id + 1, sizeof *x->tasks);
    for (size_t i = x->ntasks; i <= (size_t)id; i++)
        x->tasks[i] = (cs__xtask){.parent = -1, .group = -1, .state = CS_TASK_UNFINISHED, .last_delivered = -1};
    if ((size_t)id >= x->ntasks)
        x->ntasks = (size_t)id + 1;
    return &x->tasks[id];
}

cs__xscope *cs__x_scope(cs_explain *x, int32_t id)
{
    assert(id >= 0);
    x->scopes = cs_xgrow(x->scopes, &x->capscopes, (size_t)id + 1, sizeof *x->scopes);
    for (size_t i = x->nscopes; i <= (size_t)id; i++)
        x->scopes[i] =
            (cs__xscope){.host = -1, .parent = -1, .by = -1, .last_failed = -1, .held = -1, .kind = CS_KIND_INTERNAL};
    if ((size_t)id >= x->nscopes)
        x->nscopes = (size_t)id + 1;
    return &x->scopes[id];
}

/* Adds a sentence to task `id` (text_new is taken). */
void cs__x_step(cs_explain *x, int32_t id, const char *kind, int64_t t, cs_pos pos, char *text_new)
{
    if (id < 0) {
        free(text_new);
        return;
    }
    cs__xtask *k = cs__x_task(x, id);
    if (k->nsteps >= CS__X_STEPS_MAX) {
        k->dropped++;
        free(text_new);
        return;
    }
    k->steps = cs_xgrow(k->steps, &k->capsteps, k->nsteps + 1, sizeof *k->steps);
    k->steps[k->nsteps++] = (cs__xstep){kind, t, pos, text_new};
}

/* ---- events ---- */

void cs__x_on_run_start(cs_explain *x, const cs_event *ev)
{
    x->backend = ev->backend;
    x->seed = ev->seed;
    if (!ev->class_names)
        return;
    free(x->scenario);
    x->scenario = cs_xstrdup(ev->scenario ? ev->scenario : "");
    x->classes = cs_xcalloc(ev->nclasses ? ev->nclasses : 1, sizeof *x->classes);
    x->nclasses = ev->nclasses;
    for (uint32_t i = 0; i < ev->nclasses; i++)
        x->classes[i] = cs_xstrdup(ev->class_names[i] ? ev->class_names[i] : "?");
}

void cs__x_on_spawn(cs_explain *x, const cs_event *ev)
{
    cs__xtask *k = cs__x_task(x, ev->task);
    free(k->name);
    k->name = cs_xstrdup(ev->name ? ev->name : "?");
    k->parent = ev->parent;
    k->group = ev->group;
    k->pos = ev->pos;
    k->spawn_t = ev->t;
    k->spawned = true;
}

void cs__x_on_scope_enter(cs_explain *x, const cs_event *ev)
{
    cs__xscope *s = cs__x_scope(x, ev->scope);
    free(s->name);
    s->name = ev->name && ev->scope_kind != CS_KIND_INTERNAL ? cs_xstrdup(ev->name) : NULL;
    s->kind = ev->scope_kind;
    s->host = ev->task;
    s->parent = ev->parent;
    s->pos = ev->pos;
    s->deadline = ev->deadline;
    s->shield = ev->shield;
    s->entered = s->open = true;
    s->enter_seq = ev->seq;
    /* a shield entered inside an already cancelled scope holds that back */
    for (int32_t p = s->parent, d = 0;
         s->shield && s->kind != CS_KIND_INTERNAL && p >= 0 && (size_t)p < x->nscopes && d < CS__X_DEPTH_MAX;
         p = x->scopes[p].parent, d++) {
        if (x->scopes[p].cancelled && x->scopes[p].kind != CS_KIND_INTERNAL) {
            s->held = p;
            s->held_t = ev->t;
            break;
        }
    }
}

/* A shield stops holding a cancellation back (it exited or was lowered). */
static void cs__shield_ends(cs_explain *x, int32_t id, int64_t t, const char *how)
{
    cs__xscope *s = &x->scopes[id];
    if (s->held < 0 || s->kind == CS_KIND_INTERNAL)
        return;
    char t0[CS_HUMANTIME_BUFSIZE], t1[CS_HUMANTIME_BUFSIZE];
    cs_human_ns(s->held_t, t0, sizeof t0);
    cs_human_ns(t, t1, sizeof t1);
    char *me = cs__x_scope_desc(x, id), *other = cs__x_scope_desc(x, s->held);
    cs__x_step(x, s->host, "shielded", t, s->pos,
               cs_xasprintf("the shielded %s held back the cancellation of %s from %s until %s, when it %s", me, other,
                            t0, t1, how));
    free(me);
    free(other);
    s->held = -1;
}

void cs__x_on_scope_exit(cs_explain *x, const cs_event *ev)
{
    cs__xscope *s = cs__x_scope(x, ev->scope);
    s->open = false;
    s->deadline = ev->deadline;
    cs__shield_ends(x, ev->scope, ev->t, "exited");
    x->last_exit = ev->scope;
    x->last_exit_seq = ev->seq;
    if (!ev->cancelled_caught || s->kind == CS_KIND_INTERNAL || s->kind == CS_KIND_TASK_GROUP)
        return;
    char *me = cs__x_scope_desc(x, ev->scope);
    cs__x_step(x, s->host, "caught", ev->t, s->pos,
               cs_xasprintf("%s, cancelled %s, caught the cancellation and %s", me, s->why ? s->why : "",
                            s->kind == CS_KIND_FAIL_AFTER ? "raised TimeoutError" : "the task went on"));
    free(me);
}

void cs__x_on_scope_update(cs_explain *x, const cs_event *ev)
{
    cs__xscope *s = cs__x_scope(x, ev->scope);
    if (s->shield && !ev->shield)
        cs__shield_ends(x, ev->scope, ev->t, "was unshielded");
    s->shield = ev->shield;
    s->deadline = ev->deadline;
}

/* Whether `anc` is `id` or one of its ancestors. */
static bool cs__within(const cs_explain *x, int32_t id, int32_t anc)
{
    for (uint32_t d = 0; id >= 0 && (size_t)id < x->nscopes && d < CS__X_DEPTH_MAX; d++) {
        if (id == anc)
            return true;
        id = x->scopes[id].parent;
    }
    return false;
}

/* Open shields inside the cancelled scope now hold its cancellation back. */
static void cs__shields_hold(cs_explain *x, int32_t cancelled, int64_t t)
{
    if (x->nscopes > CS__X_SHIELD_SCAN_MAX)
        return;
    for (size_t i = (size_t)cancelled + 1; i < x->nscopes; i++) {
        cs__xscope *s = &x->scopes[i];
        if (s->open && s->shield && s->held < 0 && s->kind != CS_KIND_INTERNAL && cs__within(x, s->parent, cancelled)) {
            s->held = cancelled;
            s->held_t = t;
        }
    }
}

/* The clause saying why scope s was cancelled (new string). */
static char *cs__why(const cs_explain *x, const cs__xscope *s, const cs_event *ev)
{
    char t[CS_HUMANTIME_BUFSIZE], dl[CS_HUMANTIME_BUFSIZE];
    cs_human_ns(ev->t, t, sizeof t);
    switch (ev->cause) {
    case CS_CAUSE_DEADLINE:
        cs_human_seconds(s->deadline, dl, sizeof dl);
        return cs_xasprintf("because its deadline (%s) fired at %s", dl, t);
    case CS_CAUSE_TASK_FAILED: {
        if (s->last_failed < 0)
            return cs_xasprintf("because its host %s raised at %s", cs__x_task_name(x, s->host), t);
        const cs__xtask *c = &x->tasks[s->last_failed];
        if (!c->end_exc)
            return cs_xasprintf("because its child %s failed at %s", c->name, t);
        return cs_xasprintf("because its child %s failed with %s at %s (%u:%u)", c->name, c->end_exc, t,
                            c->end_pos.line, c->end_pos.col);
    }
    case CS_CAUSE_TASK_HANDLE:
        return cs_xasprintf("because %s cancelled it through its handle at %s (cancel_task at %u:%u)",
                            cs__x_task_name(x, ev->task), t, ev->pos.line, ev->pos.col);
    case CS_CAUSE_EXPLICIT: break;
    }
    char *reason = ev->msg ? cs__x_quoted(ev->msg) : NULL;
    char *w = ev->task >= 0 ? cs_xasprintf("because %s called cancel(%s) at %s (%u:%u)", cs__x_task_name(x, ev->task),
                                           reason ? reason : "", t, ev->pos.line, ev->pos.col)
                            : cs_xasprintf("at %s%s%s", t, reason ? " with reason " : "", reason ? reason : "");
    free(reason);
    return w;
}

void cs__x_on_cancel(cs_explain *x, const cs_event *ev)
{
    cs__xscope *s = cs__x_scope(x, ev->scope);
    if (s->cancelled)
        return;
    s->cancelled = true;
    s->cause = ev->cause;
    s->by = ev->task;
    s->cancel_t = ev->t;
    s->cancel_pos = ev->pos;
    s->why = cs__why(x, s, ev);
    cs__shields_hold(x, ev->scope, ev->t);
}

/* The task group whose end `task` waits at: the innermost open named task group
 * it hosts, entered after its latest checkpoint; -1 when it waits elsewhere. */
static int32_t cs__waiting_group(const cs_explain *x, int32_t task)
{
    const cs__xtask *k = &x->tasks[task];
    for (size_t i = x->nscopes, n = 0; i-- > 0 && n < CS__X_SHIELD_SCAN_MAX; n++) {
        const cs__xscope *s = &x->scopes[i];
        if (s->host != task || !s->open)
            continue;
        if (s->kind == CS_KIND_TASK_GROUP && s->name && s->enter_seq > k->cp_seq)
            return (int32_t)i;
        if (s->kind != CS_KIND_INTERNAL)
            return -1;
    }
    return -1;
}

void cs__x_on_delivered(cs_explain *x, const cs_event *ev)
{
    if (ev->task < 0 || ev->scope < 0)
        return;
    cs__xtask *k = cs__x_task(x, ev->task);
    if (k->last_delivered == ev->scope)
        return; /* level-triggered: told once */
    k->last_delivered = ev->scope;
    const cs__xscope *s = cs__x_scope(x, ev->scope);
    cs_pos at = ev->pos.line ? ev->pos : k->cp_pos;
    char *desc = cs__x_scope_desc(x, ev->scope), *in;
    int32_t tg = cs__waiting_group(x, ev->task);
    if (s->by == ev->task && s->cancel_t == ev->t && s->cancel_pos.line) {
        at = s->cancel_pos; /* its own cancel(): delivered as it made the call */
        in = cs_xstrdup("as it called cancel()");
    } else if (tg >= 0) {
        at = x->scopes[tg].pos;
        in = tg == ev->scope ? cs_xstrdup("as it waited for the group's children")
                             : cs_xasprintf("as it waited for the children of task group %s", x->scopes[tg].name);
    } else {
        in = cs_xasprintf("in %s", k->cp_label_own ? k->cp_label_own : "a checkpoint");
    }
    cs__x_step(x, ev->task, "cancelled", ev->t, at,
               cs_xasprintf("the cancellation of %s reached it %s; %s was cancelled %s", desc, in,
                            s->name ? s->name : "that scope", s->why ? s->why : ""));
    free(desc);
    free(in);
}

void cs__x_on_checkpoint(cs_explain *x, const cs_event *ev)
{
    cs__xtask *k = cs__x_task(x, ev->task);
    k->cp_pos = ev->pos;
    k->cp_seq = ev->seq;
    if (!k->cp_label_own || !ev->label || strcmp(k->cp_label_own, ev->label) != 0) {
        free(k->cp_label_own);
        k->cp_label_own = ev->label ? cs_xstrdup(ev->label) : NULL;
    }
}
