/* inject_census.c - what a run offers to inject into, read from its trace.
 *
 * Tasks and scopes have dense ids in spawn / entry order, so the census keeps
 * flat arrays indexed by id.  A checkpoint counts for its task and for every
 * named scope on the chain from the task's innermost scope to the root (the
 * chain `scope_enter` events give through their parent scope); a chain is as
 * long as the nesting, so the cost per checkpoint is the nesting depth.
 */
#include <stdlib.h>
#include <string.h>

#include "inject.h"
#include "util.h"

typedef struct cs__cscope {
    int32_t parent; /* scope id or -1 */
    int32_t named;  /* index in `scopes`, or -1 when anonymous */
} cs__cscope;

struct cs_census {
    cs_census_item *tasks; /* by task id */
    size_t ntasks, captasks;
    cs__cscope *ids; /* by scope id */
    size_t nids, capids;
    cs_census_item *scopes; /* named scopes, in entry order */
    size_t nscopes, capscopes;
    bool ended;
    cs_result_kind result;
    int64_t *times; /* the distinct instants checkpoints ran at, ascending (--interrupts) */
    size_t ntimes, captimes;
};

cs_census *cs_census_new(void)
{
    return cs_xcalloc(1, sizeof(cs_census));
}

void cs_census_free(cs_census *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->ntasks; i++)
        free(c->tasks[i].name);
    for (size_t i = 0; i < c->nscopes; i++)
        free(c->scopes[i].name);
    free(c->tasks);
    free(c->ids);
    free(c->scopes);
    free(c->times);
    free(c);
}

/* Makes index `i` exist in an array of *n items (new items zeroed). */
static void *cs__at(void *v, size_t *n, size_t *cap, size_t i, size_t size)
{
    v = cs_xgrow(v, cap, i + 1, size);
    if (i >= *n)
        *n = i + 1;
    return v;
}

static void cs__on_checkpoint(cs_census *c, const cs_event *ev)
{
    if (ev->task < 0 || (size_t)ev->task >= c->ntasks)
        return;
    cs_census_item *t = &c->tasks[ev->task];
    t->checkpoints++;
    if (!c->ntimes || c->times[c->ntimes - 1] < ev->t) { /* trace time never goes back */
        c->times = cs_xgrow(c->times, &c->captimes, c->ntimes + 1, sizeof *c->times);
        c->times[c->ntimes++] = ev->t;
    }
    if (ev->label && strcmp(ev->label, "to_thread") == 0)
        t->threads++;
    size_t guard = 0;
    for (int32_t s = ev->scope; s >= 0 && (size_t)s < c->nids && guard <= c->nids; s = c->ids[s].parent, guard++)
        if (c->ids[s].named >= 0)
            c->scopes[c->ids[s].named].checkpoints++;
}

void cs_census_sink(void *census, const cs_event *ev)
{
    cs_census *c = census;
    switch (ev->kind) {
    case CS_EV_TASK_SPAWN:
    case CS_EV_PORTAL_TASK:    /* issue 26: a portal call's task has its own checkpoints */
    case CS_EV_FOREIGN_THREAD: /* issue 26: a thread's portal calls checkpoint in its name */
        if (ev->task >= 0 && ev->name) {
            c->tasks = cs__at(c->tasks, &c->ntasks, &c->captasks, (size_t)ev->task, sizeof *c->tasks);
            free(c->tasks[ev->task].name);
            c->tasks[ev->task].name = cs_xstrdup(ev->name);
        }
        break;
    case CS_EV_SCOPE_ENTER:
        if (ev->scope >= 0) {
            c->ids = cs__at(c->ids, &c->nids, &c->capids, (size_t)ev->scope, sizeof *c->ids);
            c->ids[ev->scope].parent = ev->parent;
            c->ids[ev->scope].named = -1;
            if (ev->name) {
                size_t k = c->nscopes;
                c->scopes = cs__at(c->scopes, &c->nscopes, &c->capscopes, k, sizeof *c->scopes);
                c->scopes[k].name = cs_xstrdup(ev->name);
                c->ids[ev->scope].named = (int32_t)k;
            }
        }
        break;
    case CS_EV_CHECKPOINT: cs__on_checkpoint(c, ev); break;
    case CS_EV_RUN_END:
        c->ended = true;
        c->result = ev->result;
        break;
    default: break;
    }
}

bool cs_census_result(const cs_census *c, cs_result_kind *out)
{
    *out = c->result;
    return c->ended;
}

const cs_census_item *cs_census_tasks(const cs_census *c, size_t *n)
{
    *n = c->ntasks;
    return c->tasks;
}

const cs_census_item *cs_census_scopes(const cs_census *c, size_t *n)
{
    *n = c->nscopes;
    return c->scopes;
}

static void cs__add(cs_fault **v, size_t *n, size_t *cap, cs_fault f)
{
    *v = cs_xgrow(*v, cap, *n + 1, sizeof **v);
    (*v)[(*n)++] = f;
}

/* interrupt:@T for each instant a checkpoint ran at and each instant halfway
 * to the next: Ctrl+C arriving while the loop waits, at the first moment it
 * waits from T on (at most max_k instants of each kind). */
static void cs__interrupt_times(const cs_census *c, const cs_inject_kinds *k, cs_fault **v, size_t *n, size_t *cap)
{
    for (size_t i = 0; i < c->ntimes && (!k->max_k || i < k->max_k); i++) {
        for (int half = 0; half < 2; half++) {
            if (half && i + 1 == c->ntimes)
                break;
            int64_t ns = half ? c->times[i] + (c->times[i + 1] - c->times[i]) / 2 : c->times[i];
            cs_fault f = {.kind = CS_FAULT_INTERRUPT, .target = cs_xstrdup(""), .seconds = (double)ns / 1e9};
            cs__add(v, n, cap, f);
        }
    }
}

/* Whether a timeout may go into named scope `name` (see cs_census_faults). */
static bool cs__may_time_out(const cs_inject_kinds *k, const cs_program *prog, const bool *timed, const char *name)
{
    if (k->all_timeouts || !timed || !prog)
        return true;
    int32_t d = cs_scope_decl_of(prog, name);
    return d < 0 || timed[d]; /* an undeclared name cannot occur; never drop what is not understood */
}

size_t cs_census_faults(const cs_census *c, const cs_inject_kinds *k, const cs_program *prog, const bool *timed,
                        cs_fault **v, size_t *n, size_t *cap, const char ***left)
{
    const cs_fault_kind order[] = {CS_FAULT_FAIL, CS_FAULT_THREAD_FAIL, CS_FAULT_TIMEOUT, CS_FAULT_DELAY,
                                   CS_FAULT_INTERRUPT};
    if (k->interrupts)
        cs__interrupt_times(c, k, v, n, cap);
    size_t nleft = 0, capleft = 0;
    for (size_t o = 0; o < sizeof order / sizeof order[0]; o++) {
        cs_fault_kind kind = order[o];
        if ((kind == CS_FAULT_FAIL || kind == CS_FAULT_THREAD_FAIL) && !k->failures)
            continue;
        if ((kind == CS_FAULT_TIMEOUT && !k->timeouts) || (kind == CS_FAULT_DELAY && !k->delays) ||
            (kind == CS_FAULT_INTERRUPT && !k->all_interrupts))
            continue;
        const cs_census_item *items = kind == CS_FAULT_TIMEOUT ? c->scopes : c->tasks;
        size_t nitems = kind == CS_FAULT_TIMEOUT ? c->nscopes : c->ntasks;
        for (size_t i = 0; i < nitems; i++) {
            if (!items[i].name)
                continue;
            uint32_t count = kind == CS_FAULT_THREAD_FAIL ? items[i].threads : items[i].checkpoints;
            if (k->max_k && count > k->max_k)
                count = k->max_k;
            /* a scope without checkpoints offers nothing: it is not "left out" */
            if (count && kind == CS_FAULT_TIMEOUT && !cs__may_time_out(k, prog, timed, items[i].name)) {
                if (left) {
                    *left = cs_xgrow(*left, &capleft, nleft + 1, sizeof **left);
                    (*left)[nleft] = items[i].name;
                }
                nleft++;
                continue;
            }
            for (uint32_t j = 1; j <= count; j++) {
                cs_fault f = {.kind = kind,
                              .target = cs_xstrdup(items[i].name),
                              .k = j,
                              .cls = CS_EXC_RUNTIME_ERROR,
                              .seconds = k->delay_seconds};
                cs__add(v, n, cap, f);
            }
        }
    }
    return nleft;
}
