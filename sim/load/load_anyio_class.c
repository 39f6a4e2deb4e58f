/* load_anyio_class.c - AnyIO exception classes a scenario gets only when it
 * uses what raises them: NoEventLoopError with "threads" (issue 26),
 * TaskNotFinished with task_return_value (issue 18's leftovers).  They are
 * added after the user's classes rather than made built-ins, because the
 * built-in list is the trace's contract (run_start's classes, recorded
 * traces, other front ends); a scenario that declares one itself is refused.
 */
#include <string.h>

#include "load_internal.h"
#include "util.h"

int32_t cs__add_anyio_class(cs__loader *ld, const char *name, int32_t base, cs_pos pos, const char *why)
{
    cs_program *p = ld->prog;
    if (cs__strmap_get(&ld->classes, name) >= 0) {
        cs__fail(ld, pos, "with %s, exception '%s' is AnyIO's: do not declare it", why, name);
        return -1;
    }
    cs_exc_class *cls = cs__program_alloc(p, (p->nclasses + 1) * sizeof *cls);
    memcpy(cls, p->classes, p->nclasses * sizeof *cls);
    int32_t i = (int32_t)p->nclasses;
    cls[i] = (cs_exc_class){cs__program_strdup(p, name), base};
    cs__strmap_put(&ld->classes, cls[i].name, i);
    p->classes = cls;
    p->nclasses++;
    return i;
}

static int cs__visit_return_value(cs__loader *ld, cs__walk *w, cs_stmt *st, uint32_t level, unsigned ctx, void *user)
{
    (void)w, (void)level, (void)ctx;
    if (st->op != CS_OP_TASK_RETURN_VALUE || ld->prog->task_not_finished_cls >= 0)
        return 0;
    *(cs_pos *)user = st->pos;
    ld->prog->task_not_finished_cls =
        cs__add_anyio_class(ld, "TaskNotFinished", CS_EXC_EXCEPTION, st->pos, "task_return_value");
    return ld->prog->task_not_finished_cls < 0 ? -1 : 0;
}

int cs__add_task_not_finished(cs__loader *ld)
{
    cs_pos pos = {0, 0};
    ld->prog->task_not_finished_cls = -1;
    return cs__walk_all(ld, cs__visit_return_value, &pos);
}
