/* interrupt.c - Ctrl+C (issue 26): SIGINT arriving at a virtual time or while
 * a task's own code runs, handed to the backend's handler (pol->sigint).
 *
 * What the handler does is each backend's: asyncio.Runner's cancels the main
 * task (a second press raises KeyboardInterrupt where the code is); Trio's
 * raises KeyboardInterrupt in user code and, in its own KI-protected run
 * loop, marks it pending for the main task.  This file only says *when* the
 * signal arrives: the times of the scenario's "interrupt_at" and of the
 * plan's interrupt:@T faults, merged and sorted; the rooms' idle steps stop
 * the clock at the next one (before timers due at the same instant fire,
 * as the reference script's virtual clocks do), and `busy` delivers the ones
 * that fall inside it while its task's code runs.
 */
#include <assert.h>
#include <stdlib.h>

#include "interp.h"
#include "policy.h"
#include "util.h"

/* By time, then the scenario's before the plan's, then plan order: one order
 * for equal times. */
static int cs__cmp_ki(const void *a, const void *b)
{
    const struct cs__ki *x = a, *y = b;
    if (x->at != y->at)
        return (x->at > y->at) - (x->at < y->at);
    return (x->fault > y->fault) - (x->fault < y->fault);
}

void cs__interrupts_init(cs__engine *e)
{
    uint32_t n = e->prog->ninterrupts;
    for (uint32_t i = 0; i < e->opt.nfaults; i++)
        n += e->opt.faults[i].kind == CS_FAULT_INTERRUPT && !e->opt.faults[i].target[0];
    if (!n)
        return;
    e->ki = cs_xmalloc(n * sizeof *e->ki);
    for (uint32_t i = 0; i < e->prog->ninterrupts; i++)
        e->ki[e->nki++] = (struct cs__ki){e->prog->interrupt_at[i], -1};
    for (uint32_t i = 0; i < e->opt.nfaults; i++)
        if (e->opt.faults[i].kind == CS_FAULT_INTERRUPT && !e->opt.faults[i].target[0])
            e->ki[e->nki++] = (struct cs__ki){cs__s_to_ns(e->opt.faults[i].seconds), (int32_t)i};
    assert(e->nki == n);
    qsort(e->ki, n, sizeof *e->ki, cs__cmp_ki);
}

int64_t cs__interrupt_next(const cs__engine *e)
{
    return e->ki_next < e->nki ? e->ki[e->ki_next].at : CS_NS_INF;
}

static void cs__emit_interrupt(cs__engine *e, const cs__task *t, cs_pos pos)
{
    cs_event ev;
    cs__ev_init(e, &ev, CS_EV_INTERRUPT);
    ev.task = t ? (cs__rare(t)->draw_owner ? cs__rare(t)->draw_owner->id : t->id) : -1;
    ev.pos = pos;
    cs__emit(e, &ev);
    e->loud++;
}

/* Where main stands (its innermost statement) when Ctrl+C arrives while the
 * loop waits: the place a person reading the story looks at. */
static cs_pos cs__main_pos(const cs__engine *e)
{
    const cs__task *m = e->tasks[0];
    for (uint32_t k = m->nframes; k-- > 0;)
        if (m->frames[k].st && m->frames[k].st->pos.line)
            return m->frames[k].st->pos;
    return cs__task_frame_st(m) ? cs__task_frame_st(m)->pos : (cs_pos){0, 0};
}

void cs__interrupts_due(cs__engine *e)
{
    while (e->ki_next < e->nki && e->ki[e->ki_next].at <= e->now && !e->aborted) {
        int32_t fault = e->ki[e->ki_next++].fault;
        cs_pos pos = cs__main_pos(e);
        if (fault >= 0) /* the plan's: where it applied (to main, whom both handlers aim at) */
            cs__emit_inject(e, e->tasks[0], &e->opt.faults[fault], -1, pos);
        cs__emit_interrupt(e, NULL, pos);
        cs_exc *x = e->pol->sigint(e, NULL);
        assert(x == NULL); /* the loop's own code: the room deals with it */
        (void)x;
    }
}

cs_exc *cs__interrupt_task(cs__engine *e, cs__task *t, cs_pos pos)
{
    cs__emit_interrupt(e, t, pos);
    return e->pol->sigint(e, t);
}

/* The `interrupt` statement: SIGINT while this task's code runs. */
int cs__exec_interrupt(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c)
{
    cs_exc *x = cs__interrupt_task(e, t, st->pos);
    if (x) {
        cs__emit_raise(e, t, x, st->pos);
        *c = cs__c_exc(x);
    }
    return CS__CONT;
}
