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
    return t->draw_owner ? t->draw_owner : t;
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

/* timeout:SCOPE@K: counts this checkpoint for each scope instance of that name
 * enclosing the task (the innermost one first) and sets the deadline of the
 * one that reaches K to now. */
static void cs__inject_timeout(cs__engine *e, cs__task *t, const cs_fault *f, const cs_stmt *st)
{
    uint32_t guard = 0;
    for (cs__scope *s = t->cancel_scope; s && guard < e->nscopes; s = s->parent, guard++) {
        if (!s->name || strcmp(s->name, f->target) != 0)
            continue;
        if (++s->inject_count == f->k) {
            cs__emit_inject(e, cs__owner(t), f, s->id, st->pos);
            cs__scope_set_deadline(e, s, cs__now_s(e));
        }
        return; /* instance names are unique: no other enclosing scope has it */
    }
}

int cs__inject_checkpoint(cs__engine *e, cs__task *t, cs__frame *f, const cs_stmt *st, cs__completion *c,
                          cs__fut **yf)
{
    if (t->inject_skip == st) {
        /* the statement after an injected delay: already counted */
        t->inject_skip = NULL;
        return CS__INJECT_RUN;
    }
    cs__task *o = cs__owner(t);
    uint32_t k = ++o->checkpoints;
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
    /* every timeout counts this checkpoint before any fault replaces it */
    for (uint32_t i = 0; i < e->opt.nfaults && !e->aborted; i++)
        if (e->opt.faults[i].kind == CS_FAULT_TIMEOUT)
            cs__inject_timeout(e, t, &e->opt.faults[i], st);
    if (e->aborted)
        return CS__YIELD;
    for (uint32_t i = 0; i < e->opt.nfaults; i++) {
        const cs_fault *fl = &e->opt.faults[i];
        if ((fl->kind != CS_FAULT_FAIL && fl->kind != CS_FAULT_DELAY) || fl->k != k ||
            strcmp(fl->target, o->name) != 0)
            continue;
        cs__emit_inject(e, o, fl, -1, st->pos);
        if (fl->kind == CS_FAULT_FAIL) {
            cs_exc *x = cs__raise_new(e, t, fl->cls, "injected");
            cs__emit_raise(e, t, x, st->pos);
            *c = cs__c_exc(x);
            return CS__CONT;
        }
        /* delay: sleep first, then come back to this statement uncounted */
        f->idx--;
        t->inject_skip = st;
        return e->pol->sleep(e, t, fl->seconds, "injected delay", yf);
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
