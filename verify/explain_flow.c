/* explain_flow.c - the explain recorder's exception flow: raises, handlers,
 * task groups collecting their children's errors, worker threads, injected
 * faults, how each task and the run ended; and the sink that dispatches every
 * event (explain.h).
 */
#include <stdlib.h>
#include <string.h>

#include "explain_internal.h"
#include "humantime.h"
#include "util.h"

/* "ValueError('boom') from failer (8:57)": a member with where it came from. */
static char *cs__with_origin(const cs_explain *x, const cs_exc *e)
{
    char *s = cs__x_exc(x, e);
    int32_t o = cs__x_origin_of(x, e);
    if (o < 0)
        return s;
    char *w = cs_xasprintf("%s, which %s", s, x->origins[o].text);
    free(s);
    return w;
}

/* The members of a group with their origins, "; "-separated (new string). */
static char *cs__members(const cs_explain *x, const cs_exc *g)
{
    char *s = cs_xstrdup("");
    for (uint32_t i = 0; i < g->nmembers && i < 4; i++) {
        char *m = cs__with_origin(x, g->members[i]);
        char *n = cs_xasprintf("%s%s%s", s, i ? "; " : "", m);
        free(m);
        free(s);
        s = n;
    }
    if (g->nmembers > 4) {
        char *n = cs_xasprintf("%s; ... %u more", s, g->nmembers - 4);
        free(s);
        s = n;
    }
    return s;
}

static void cs__on_raise(cs_explain *x, const cs_event *ev)
{
    if (!ev->exc || ev->task < 0)
        return;
    char t[CS_HUMANTIME_BUFSIZE];
    cs_human_ns(ev->t, t, sizeof t);
    char *e = cs__x_exc(x, ev->exc);
    const cs__xscope *s = x->last_exit >= 0 && ev->seq == x->last_exit_seq + 1 ? &x->scopes[x->last_exit] : NULL;
    if (s && s->host == ev->task && s->kind == CS_KIND_FAIL_AFTER && ev->exc->cls == CS_EXC_TIMEOUT_ERROR) {
        char *d = cs__x_scope_desc(x, x->last_exit);
        cs__x_set_origin(x, ev->exc, cs_xasprintf("%s raised at %s, cancelled %s", d, t, s->why ? s->why : ""), ev->pos,
                         ev->task);
        free(d);
    } else {
        cs__x_set_origin(
            x, ev->exc,
            cs_xasprintf("%s raised at %s (%u:%u)", cs__x_task_name(x, ev->task), t, ev->pos.line, ev->pos.col),
            ev->pos, ev->task);
        cs__x_step(x, ev->task, "raised", ev->t, ev->pos, cs_xasprintf("raised %s", e));
    }
    free(e);
}

/* The catch event says when an except* clause took a part of a group. */
static bool cs__is_star(const cs_event *ev)
{
    return ev->label && strcmp(ev->label, "except*") == 0;
}

static void cs__on_catch(cs_explain *x, const cs_event *ev)
{
    if (!ev->exc || ev->task < 0 || ev->scope >= 0)
        return; /* a scope that caught its cancellation: told at its exit */
    char *text;
    if (ev->label && strcmp(ev->label, "aclose") == 0) {
        char *e = cs__with_origin(x, ev->exc);
        text = cs_xasprintf("aclose() finished closing the generator: it took back %s", e);
        free(e);
    } else if (cs__is_star(ev) && cs_exc_is_group(ev->exc)) {
        char *m = cs__members(x, ev->exc);
        text = cs_xasprintf("the except* handler took %s", m);
        free(m);
    } else if (ev->label && strcmp(ev->label, "asyncio.TaskGroup") == 0) {
        char *e = cs__with_origin(x, ev->exc);
        text = cs_xasprintf("the asyncio.TaskGroup dropped %s, the cancellation it had sent its parent", e);
        free(e);
    } else if (ev->label && strcmp(ev->label, "asyncio.wait_for") == 0) {
        char *e = cs__with_origin(x, ev->exc);
        text = cs_xasprintf("asyncio.wait_for dropped %s and returned the result of its task, which had finished "
                            "(3.11)",
                            e);
        free(e);
    } else {
        char *e = cs__with_origin(x, ev->exc);
        text = cs_xasprintf("an except handler caught %s", e);
        free(e);
    }
    cs__x_step(x, ev->task, "caught", ev->t, ev->pos, text);
}

static void cs__on_group_raise(cs_explain *x, const cs_event *ev)
{
    if (!ev->exc || ev->scope < 0)
        return;
    cs__xscope *s = cs__x_scope(x, ev->scope);
    char t[CS_HUMANTIME_BUFSIZE];
    cs_human_ns(ev->t, t, sizeof t);
    char *d = cs__x_scope_desc(x, ev->scope), *g = cs__x_exc(x, ev->exc), *m = cs__members(x, ev->exc);
    cs__x_step(x, ev->task, "group", ev->t, s->pos,
               cs_xasprintf("%s raised %s out of %s, collecting: %s", d, g, cs__x_task_name(x, ev->task), m));
    cs__x_set_origin(x, ev->exc, cs_xasprintf("%s raised at %s", d, t), s->pos, ev->task);
    free(d);
    free(g);
    free(m);
}

static void cs__on_thread(cs_explain *x, const cs_event *ev)
{
    if (ev->task < 0)
        return;
    cs__xtask *k = cs__x_task(x, ev->task);
    char t[CS_HUMANTIME_BUFSIZE];
    cs_human_ns(ev->t, t, sizeof t);
    if (ev->kind == CS_EV_THREAD_START) {
        k->thread_pos = ev->pos;
    } else if (ev->kind == CS_EV_THREAD_END && ev->exc) {
        cs__x_set_origin(x, ev->exc,
                         cs_xasprintf("the worker thread of %s raised at %s (to_thread at %u:%u)", k->name, t,
                                      k->thread_pos.line, k->thread_pos.col),
                         k->thread_pos, ev->task);
    } else if (ev->kind == CS_EV_THREAD_ABANDONED) {
        cs_pos p = ev->pos.line ? ev->pos : k->thread_pos;
        cs__x_step(x, ev->task, "abandoned", ev->t, p,
                   cs_xstrdup("its worker thread was abandoned: the cancellation did not wait for the thread, "
                              "which runs on"));
    }
}

static void cs__on_task_end(cs_explain *x, const cs_event *ev)
{
    cs__xtask *k = cs__x_task(x, ev->task);
    k->ended = true;
    k->state = ev->state;
    k->end_t = ev->t;
    if (ev->state != CS_TASK_FAILED || !ev->exc)
        return;
    free(k->end_exc);
    k->end_exc = cs__x_exc(x, ev->exc);
    int32_t o = cs__x_origin_of(x, ev->exc);
    k->end_pos = o >= 0 ? x->origins[o].pos : k->cp_pos;
    if (k->group >= 0 && (size_t)k->group < x->nscopes)
        x->scopes[k->group].last_failed = ev->task;
    if (o >= 0 && x->origins[o].task != ev->task)
        cs__x_step(x, ev->task, "failed", ev->t, k->end_pos,
                   cs_xasprintf("it ended with %s, which %s", k->end_exc, x->origins[o].text));
}

static void cs__on_waiting(cs_explain *x, const cs_event *ev)
{
    cs__xtask *k = cs__x_task(x, ev->task);
    cs__x_step(x, ev->task, "waiting", ev->t, k->cp_pos,
               cs_xasprintf("still waiting in %s when the run stopped", ev->label ? ev->label : "?"));
}

static void cs__on_inject(cs_explain *x, const cs_event *ev)
{
    cs__x_step(x, ev->task, "injected", ev->t, ev->pos,
               cs_xasprintf("fault injected: %s", ev->label ? ev->label : "?"));
}

/* Ctrl+C (issue 26): told in the story of the task whose code it arrived in,
 * or of main (both backends' handlers aim at it) when the loop was waiting. */
static void cs__on_interrupt(cs_explain *x, const cs_event *ev)
{
    cs__x_step(x, ev->task >= 0 ? ev->task : 0, "interrupt", ev->t, ev->pos,
               cs_xstrdup(ev->task >= 0 ? "Ctrl+C (SIGINT) arrived while its own code ran"
                                        : "Ctrl+C (SIGINT) arrived while the event loop waited"));
}

static void cs__on_run_end(cs_explain *x, const cs_event *ev)
{
    x->ended = true;
    x->result = ev->result;
    x->end_t = ev->t;
    free(x->result_text);
    if (ev->result == CS_RESULT_RETURNED) {
        const char *v = ev->value_json && strcmp(ev->value_json, "null") != 0 ? ev->value_json : "None";
        x->result_text = cs_xasprintf("returned %s", v);
    } else if (ev->result == CS_RESULT_RAISED && ev->exc) {
        char *e = cs__x_exc(x, ev->exc);
        x->result_text = cs_xasprintf("raised %s", e);
        free(e);
        x->result_origin = cs__x_origin_of(x, ev->exc);
    } else if (ev->result == CS_RESULT_DEADLOCK) {
        x->result_text = cs_xstrdup("deadlocked: every task waits and no timer is left");
    } else {
        x->result_text = cs_xasprintf("stopped at the %s limit", cs_limit_name(ev->result));
    }
}

void cs_explain_sink(void *ctx, const cs_event *ev)
{
    cs_explain *x = ctx;
    if (x->ended) /* a worker thread that outlives the run: the story is the run's */
        return;
    switch (ev->kind) {
    case CS_EV_RUN_START: cs__x_on_run_start(x, ev); break;
    case CS_EV_TASK_SPAWN: cs__x_on_spawn(x, ev); break;
    case CS_EV_SCOPE_ENTER: cs__x_on_scope_enter(x, ev); break;
    case CS_EV_SCOPE_EXIT: cs__x_on_scope_exit(x, ev); break;
    case CS_EV_SCOPE_UPDATE: cs__x_on_scope_update(x, ev); break;
    case CS_EV_CANCEL: cs__x_on_cancel(x, ev); break;
    case CS_EV_CANCEL_DELIVERED: cs__x_on_delivered(x, ev); break;
    case CS_EV_CHECKPOINT: cs__x_on_checkpoint(x, ev); break;
    case CS_EV_RAISE: cs__on_raise(x, ev); break;
    case CS_EV_CATCH: cs__on_catch(x, ev); break;
    case CS_EV_GROUP_RAISE: cs__on_group_raise(x, ev); break;
    case CS_EV_THREAD_START:
    case CS_EV_THREAD_END:
    case CS_EV_THREAD_ABANDONED: cs__on_thread(x, ev); break;
    case CS_EV_TASK_END: cs__on_task_end(x, ev); break;
    case CS_EV_TASK_WAITING: cs__on_waiting(x, ev); break;
    case CS_EV_INJECT: cs__on_inject(x, ev); break;
    case CS_EV_INTERRUPT: cs__on_interrupt(x, ev); break;
    case CS_EV_RUN_END: cs__on_run_end(x, ev); break;
    default: break;
    }
}
