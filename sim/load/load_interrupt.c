/* load_interrupt.c - the top-level "interrupt_at" list of a scenario: the
 * virtual times at which SIGINT (Ctrl+C) arrives while the run waits
 * (scenario-format.md section 1; issue 26).
 *
 * Each time is a number >= 0 and finite, kept in whole nanoseconds as every
 * time of the run is; the list is kept sorted, so a file may list them in any
 * order.  Its length is bounded (CS__MAX_INTERRUPTS): a run delivers each one
 * as an event of its own.
 */
#include <math.h>
#include <stdlib.h>

#include "load_internal.h"
#include "util.h"

/* More Ctrl+C presses than anyone types: a bound on the list, not a model. */
#define CS__MAX_INTERRUPTS 1024

static int cs__cmp_ns(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int cs__load_interrupts(cs__loader *ld, const json_t *doc)
{
    const json_t *l = json_object_get(doc, "interrupt_at");
    if (!l)
        return 0;
    uint32_t node = cs__member(ld, doc, 0, "interrupt_at");
    if (!json_is_array(l))
        return cs__fail(ld, cs__vpos(ld, node), "interrupt_at must be a list of times (numbers >= 0)");
    size_t n = json_array_size(l);
    if (n > CS__MAX_INTERRUPTS)
        return cs__fail(ld, cs__vpos(ld, node), "interrupt_at: more than %d times", CS__MAX_INTERRUPTS);
    int64_t *v = cs__program_alloc(ld->prog, (n ? n : 1) * sizeof *v);
    uint32_t c = cs__jpos_first(&ld->idx, node);
    for (size_t i = 0; i < n; i++, c = cs__jpos_next(&ld->idx, node, c)) {
        const json_t *x = json_array_get(l, i);
        double t = json_is_number(x) ? json_number_value(x) : -1;
        if (!json_is_number(x) || !(t >= 0) || !isfinite(t) || t > 1e15)
            return cs__fail(ld, cs__vpos(ld, c), "interrupt_at: a time must be a number of seconds from 0 to 1e15");
        v[i] = (int64_t)nearbyint(t * 1e9);
    }
    qsort(v, n, sizeof *v, cs__cmp_ns);
    ld->prog->interrupt_at = v;
    ld->prog->ninterrupts = (uint32_t)n;
    return 0;
}
