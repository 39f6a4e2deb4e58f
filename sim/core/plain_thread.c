/* plain_thread.c - issue 26: threads AnyIO did not start (a scenario's
 * "threads": threading.Thread objects started at virtual times while
 * anyio.run() runs), and the event loop tokens of current_token.
 *
 * A plain thread is a worker thread of thread.c without a waiting task: it
 * runs its steps in lock-step with the loop exactly as a to_thread's thread
 * does, starting blocked until its start_at (so the loop releases it where it
 * releases any thread whose block ends), and nobody awaits its end: what it
 * returns is dropped and what it raises goes to threading.excepthook (the
 * trace's thread_end; the run is not affected).  Its events carry the id of a
 * stand-in task that is never spawned nor scheduled, named after the thread
 * (the FOREIGN_THREAD event says so), so its log lines name the thread.
 *
 * What AnyIO 4.14 does in such a thread (anyio/from_thread.py):
 * check_cancelled() and from_thread.run() without a token raise
 * NoEventLoopError (no threadlocals.current_token); with a token the body
 * runs in the loop with no cancel scope (asyncio: run_coroutine_threadsafe, a
 * task of its own; Trio: a system task, as for an abandoned worker thread),
 * and once the loop is gone RunFinishedError (thread.c).
 */
#include "interp.h"
#include "policy.h"
#include "thread.h"
#include "util.h"

/* The stand-in task a plain thread's events name: in e->tasks (so no real
 * task takes its id) but done from the start, so no loop ever runs it. */
static cs__task *cs__plain_task_new(cs__engine *e, const char *name)
{
    cs__task *t = cs__task_alloc_listed(e, name); /* freed with the run */
    t->state = CS_TASK_COMPLETED;
    t->run = CS__TS_DONE;
    return t;
}

void cs__plain_threads_begin(cs__engine *e)
{
    const cs_program *p = e->prog;
    if (p->ntokens)
        e->tokens_bound = cs__arena_calloc(&e->arena, p->ntokens * sizeof *e->tokens_bound);
    for (uint32_t i = 0; i < p->nplain_threads; i++) {
        const cs_stmt *st = &p->plain_threads[i];
        cs__task *stand_in = cs__plain_task_new(e, st->name);
        cs__thread *th = cs__thread_new(e, stand_in, st);
        th->plain = true;
        th->blocked = true;
        th->wake = cs__s_to_ns(st->num);
        th->seq = e->seq++;
        cs_event ev;
        cs__ev_init(e, &ev, CS_EV_FOREIGN_THREAD);
        ev.task = stand_in->id;
        ev.name = st->name;
        ev.count = th->id + 1;
        ev.pos = st->pos;
        cs__emit(e, &ev);
    }
}

void cs__plain_thread_starts(cs__engine *e, cs__thread *th)
{
    if (!th->plain || th->started)
        return;
    th->started = true;
    cs_event ev;
    cs__ev_init(e, &ev, CS_EV_THREAD_START);
    ev.task = th->host->id;
    ev.pos = th->st->pos;
    ev.count = th->id + 1;
    cs__emit(e, &ev);
}

static cs_exc *cs__no_event_loop(cs__engine *e, cs__thread *th, const cs_stmt *s, const char *msg)
{
    cs_exc *x = cs__raise_new(e, th->host, e->prog->no_event_loop_cls, msg);
    cs_exc_set_context(x, NULL); /* raised ... from None */
    cs__emit_raise(e, th->host, x, s->pos);
    return x;
}

cs_exc *cs__plain_step_error(cs__engine *e, cs__thread *th, const cs_stmt *s)
{
    if (s->op == CS_OP_CHECK_CANCELLED) /* no threadlocals.current_token: not a worker thread */
        return th->plain ? cs__no_event_loop(e, th, s, "This function can only be called inside an AnyIO worker thread")
                         : NULL;
    if (s->op != CS_OP_FROM_THREAD && s->op != CS_OP_FROM_THREAD_SYNC)
        return NULL;
    /* how the loop takes the call (trio: a token sends it to the system nursery) */
    th->ft_token = s->ref >= 0;
    th->ft_sync = s->op == CS_OP_FROM_THREAD_SYNC;
    if (!th->ft_token)
        return th->plain ? cs__no_event_loop(e, th, s,
                                             "Not running inside an AnyIO worker thread, and no event loop token "
                                             "was provided")
                         : NULL;
    if (!e->tokens_bound[s->ref]) {
        /* the Python program would read a variable not yet assigned */
        cs__fail_scenario(e, s->pos, "token '%s' is used before a current_token statement bound it",
                          e->prog->tokens[s->ref]);
        return NULL;
    }
    return NULL;
}

/* tok = anyio.lowlevel.current_token(): no checkpoint, nothing to wait for */
int cs__exec_current_token(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c)
{
    (void)t, (void)c;
    assert(st->ref >= 0 && (uint32_t)st->ref < e->prog->ntokens);
    e->tokens_bound[st->ref] = true;
    return CS__CONT;
}
