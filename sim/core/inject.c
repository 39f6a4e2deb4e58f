/* inject.c - applying a fault plan (fault.h) at checkpoints.
 *
 * Every checkpoint statement passes here before it runs: it is numbered for
 * its task (a from_thread body counts as the task that called to_thread, as
 * its trace events do), a `checkpoint` event records the number, and a fault
 * that names this task and number (or a scope enclosing the task, for
 * timeout) replaces or precedes the statement.  Each fault does what a
 * statement written at that point would do, through the same engine
 * operations, so both backends treat it exactly as they treat the statement.
 */
#include <stdlib.h>
#include <string.h>

#include "interp.h"
#include "policy.h"
#include "util.h"

static cs__task *cs__owner(cs__task *t)
{
    return cs__rare(t)->draw_owner ? cs__rare(t)->draw_owner : t;
}

void cs__emit_inject(cs__engine *e, cs__task *t, const cs_fault *f, int32_t scope, cs_pos pos)
{
    char *text = cs_fault_format(e->prog, f);
    cs_event ev;
    cs__ev_init(e, &ev, CS_EV_INJECT);
    ev.task = t->id;
    ev.scope = scope;
    ev.label = text;
    ev.pos = pos;
    cs__emit(e, &ev);
    free(text);
}

/* The instance of scope `name` enclosing the task, or NULL. */
static cs__scope *cs__enclosing(cs__engine *e, cs__task *t, const char *name)
{
    uint32_t guard = 0;
    for (cs__scope *s = t->cancel_scope; s && guard <= e->nscopes; s = s->parent, guard++)
        if (s->name && strcmp(s->name, name) == 0)
            return s; /* instance names are unique */
    return NULL;
}

/* timeout:SCOPE@K: this checkpoint counts once for each scope a timeout names
 * (however many name it); the scope whose count reaches a fault's K gets its
 * deadline set to now. */
static void cs__inject_timeouts(cs__engine *e, cs__task *t, const cs_stmt *st)
{
    const cs_fault *v = e->opt.faults;
    for (uint32_t i = 0; i < e->opt.nfaults && !e->aborted; i++) {
        if (v[i].kind != CS_FAULT_TIMEOUT)
            continue;
        cs__scope *s = cs__enclosing(e, t, v[i].target);
        if (!s)
            continue;
        bool counted = false;
        for (uint32_t j = 0; j < i && !counted; j++)
            counted = v[j].kind == CS_FAULT_TIMEOUT && strcmp(v[j].target, v[i].target) == 0;
        if (!counted)
            s->inject_count++;
        if (s->inject_count == v[i].k) {
            cs__emit_inject(e, cs__owner(t), &v[i], s->id, st->pos);
            cs__scope_set_deadline(e, s, cs__now_s(e));
        }
    }
}

int cs__inject_checkpoint(cs__engine *e, cs__task *t, cs__frame *f, const cs_stmt *st, cs__completion *c)
{
    cs__task *o = cs__owner(t);
    uint32_t k, from = 0;
    if (cs__rare(t)->inject_skip == st) {
        /* back after an injected delay: the same checkpoint, already counted;
         * the delays after that one and a failure still apply */
        CS__RARE_CLEAR(t, inject_skip);
        k = o->checkpoints;
        from = t->inject_next;
    } else {
        k = ++o->checkpoints;
        if (st->op == CS_OP_TO_THREAD)
            o->thread_calls++;
        cs_event ev;
        cs__ev_init(e, &ev, CS_EV_CHECKPOINT);
        ev.task = o->id;
        ev.count = k;
        ev.scope = t->cancel_scope ? t->cancel_scope->id : -1;
        ev.pos = st->pos;
        ev.label = cs_op_checkpoint_name(st->op);
        cs__emit(e, &ev);
        cs__inject_timeouts(e, t, st);
        if (e->aborted)
            return CS__YIELD;
    }
    /* At one checkpoint the delays come first, in plan order, then Ctrl+C, then a failure:
     * the checkpoint takes longer, then fails (so a plan's order of faults
     * never matters). */
    const cs_fault *v = e->opt.faults;
    for (uint32_t i = from; i < e->opt.nfaults; i++) {
        if (v[i].kind != CS_FAULT_DELAY || v[i].k != k || strcmp(v[i].target, o->name) != 0)
            continue;
        cs__emit_inject(e, o, &v[i], -1, st->pos);
        f->idx--; /* come back to this statement */
        cs__rare_mut(e, t)->inject_skip = st;
        t->inject_next = i + 1;
        return e->pol->sleep(e, t, v[i].seconds, "injected delay");
    }
    for (uint32_t i = 0; i < e->opt.nfaults; i++) {
        /* issue 26: interrupt:TASK@K is the `interrupt` statement written before the checkpoint */
        if (v[i].kind != CS_FAULT_INTERRUPT || v[i].k != k || strcmp(v[i].target, o->name) != 0)
            continue;
        cs__emit_inject(e, o, &v[i], -1, st->pos);
        cs_exc *x = cs__interrupt_task(e, t, st->pos);
        if (x) {
            cs__emit_raise(e, t, x, st->pos);
            *c = cs__c_exc(x);
            return CS__CONT;
        }
    }
    for (uint32_t i = 0; i < e->opt.nfaults; i++) {
        if (v[i].kind != CS_FAULT_FAIL || v[i].k != k || strcmp(v[i].target, o->name) != 0)
            continue;
        cs__emit_inject(e, o, &v[i], -1, st->pos);
        cs_exc *x = cs__raise_new(e, t, v[i].cls, "injected");
        cs__emit_raise(e, t, x, st->pos);
        *c = cs__c_exc(x);
        return CS__CONT;
    }
    return CS__INJECT_RUN;
}

int32_t cs__inject_thread_fault(cs__engine *e, cs__task *host)
{
    cs__task *o = cs__owner(host);
    for (uint32_t i = 0; i < e->opt.nfaults; i++) {
        const cs_fault *fl = &e->opt.faults[i];
        if (fl->kind == CS_FAULT_THREAD_FAIL && fl->k == o->thread_calls && strcmp(fl->target, o->name) == 0)
            return (int32_t)i;
    }
    return -1;
}
