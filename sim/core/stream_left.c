/* stream_left.c - items a memory object stream still buffers when
 * anyio.run() returns or raises (issue 18): send() returned for each, so
 * the sender counts them delivered, and nobody ever received them (the
 * consumer was cancelled or stopped, or every receive end was closed:
 * AnyIO keeps the buffer, unreachable).  One items_left event per such
 * stream, named by its declared send end, for the findings (lost_item). */
#include "interp.h"
#include "stream.h"

void cs__streams_emit_left(cs__engine *e)
{
    const cs_program *p = e->prog;
    if (!e->streams)
        return;
    for (uint32_t i = 0; i < p->nstreams; i++) {
        const cs__mstream *s = &e->streams->s[i];
        if (s->n == 0)
            continue;
        cs_event ev;
        cs__ev_init(e, &ev, CS_EV_ITEMS_LEFT);
        ev.label = p->stream_ends[2 * i].name;
        ev.count = s->n;
        cs__emit(e, &ev);
    }
}
