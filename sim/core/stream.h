/* stream.h - memory object streams (anyio/streams/memory.py) in the engine.
 *
 * AnyIO builds them from its own primitives only: lowlevel.checkpoint(), an
 * anyio.Event per waiting sender or receiver, and
 * TaskInfo.has_pending_cancellation().  So the model is backend-free core
 * code (stream.c) over the policy table: checkpoint, event_wait, event_set
 * and has_pending_cancellation are where asyncio and Trio differ.
 */
#ifndef CS_STREAM_H
#define CS_STREAM_H

#include "engine_internal.h"

/* A task waiting in send() or receive(): the Event it waits on, and what
 * AnyIO keeps beside it (the sender's item; the receiver's
 * _MemoryObjectItemReceiver). */
typedef struct cs__sw {
    cs__event ev; /* label "send END" / "receive END" (owned) */
    cs__task *task;
    const char *item; /* sender: its item; receiver: the item handed to it (JSON text, the program's) */
    bool has_item;    /* receiver: an item was handed to it */
    bool listed;      /* still in waiting_senders / waiting_receivers */
    bool send;
    int32_t stream;
    struct cs__sw *prev, *next;         /* in that OrderedDict, in insertion order */
    struct cs__sw *all_prev, *all_next; /* every live waiter (freed with the run) */
} cs__sw;

/* _MemoryObjectStreamState */
typedef struct cs__mstream {
    const char **buf; /* the deque of items (ring) */
    uint32_t head, n, cap;
    int64_t max;
    bool infinite;
    uint32_t open_send, open_recv;
    cs__sw *send_head, *send_tail, *recv_head, *recv_tail;
    uint32_t nsend_wait, nrecv_wait;
} cs__mstream;

/* One end object (MemoryObjectSendStream / MemoryObjectReceiveStream). */
typedef struct cs__mend {
    int32_t decl; /* prog->stream_ends index */
    bool closed;
} cs__mend;

typedef struct cs__streams {
    cs__mstream *s; /* prog->nstreams */
    cs__mend *ends; /* the declared ends first, then clones as they run */
    uint32_t nends, capends;
    int32_t *latest; /* per prog->stream_ends entry: its latest end object, or -1 */
    cs__sw *all;
} cs__streams;

void cs__streams_init(cs__engine *e);
void cs__streams_free(cs__engine *e);
/* stream_left.c (issue 18): an items_left event per stream whose buffer
 * still holds items when anyio.run() returns or raises. */
void cs__streams_emit_left(cs__engine *e);
/* A stream statement (CS_OP_SEND ... CS_OP_STATISTICS). */
int cs__exec_stream(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c);
/* The frame of send, receive, async for and async with an end. */
int cs__step_stream(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c);

#endif
