/* event.c - anyio.Event on asyncio: wait() on a set event is a checkpoint
 * (sleep(0)); otherwise asyncio.Event.wait() parks on a new future kept in a
 * FIFO list, removed again in its `finally`.  set() completes every pending
 * waiter in list order, so waiters wake FIFO one iteration later. */
#include <stdlib.h>

#include "aio.h"
#include "util.h"

int cs__aio_event_wait(cs__engine *e, cs__task *t, cs__event *ev)
{
    t->wait_label = ev->label;
    if (ev->value)
        return CS__YIELD;
    cs__fut *f = cs__fut_new(e);
    if (ev->n == ev->cap) {
        ev->cap = ev->cap ? ev->cap * 2 : 4;
        ev->waiters = cs_xrealloc(ev->waiters, ev->cap * sizeof *ev->waiters);
    }
    ev->waiters[ev->n++] = cs__fut_ref(f);
    cs__aio_rmut(e, t)->event_wait = ev;
    return cs__yield_on(e, f);
}

void cs__event_forget(cs__engine *e, cs__event *ev, cs__fut *f)
{
    for (uint32_t i = 0; i < ev->n; i++) {
        if (ev->waiters[i] != f)
            continue;
        cs__fut_unref(e, f);
        for (uint32_t j = i + 1; j < ev->n; j++)
            ev->waiters[j - 1] = ev->waiters[j];
        ev->n--;
        return;
    }
}

void cs__aio_event_set(cs__engine *e, cs__event *ev)
{
    if (ev->value)
        return;
    ev->value = true;
    for (uint32_t i = 0; i < ev->n; i++)
        cs__fut_set_result(e, ev->waiters[i]);
}
