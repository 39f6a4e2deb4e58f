/* findings_stream.c - what the findings say about memory object streams
 * (issue 18), from the trace alone: a deadlock where a task waits on a
 * stream end says so (nobody will receive, send or close it: the wait is for
 * ever), and items_left becomes lost_item (items send() delivered into a
 * buffer that nobody received from before anyio.run() ended). */
#include <stdlib.h>
#include <string.h>

#include "findings_internal.h"
#include "text.h"
#include "util.h"

void cs__stream_waiting(char **out, const char *label, const char *task)
{
    if (*out || !label)
        return;
    bool send = strncmp(label, "send ", 5) == 0;
    if (!send && strncmp(label, "receive ", 8) != 0)
        return;
    char *t = cs_text_shown(task), *l = cs_text_shown(label);
    *out = cs_xasprintf("; task '%s' waits on %s for ever: no task will %s that stream or close it", t, l,
                        send ? "receive from" : "send to");
    free(t);
    free(l);
}

char *cs__items_left_detail(const cs_event *ev)
{
    char *l = cs_text_shown(ev->label ? ev->label : "?");
    char *d = cs_xasprintf("%u item%s sent on '%s' never received: still buffered when anyio.run() ended", ev->count,
                           ev->count == 1 ? "" : "s", l);
    free(l);
    return d;
}
