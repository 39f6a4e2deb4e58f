/* stream.c - memory object streams, statement for statement as
 * anyio/streams/memory.py (AnyIO 4.14.2) runs them, on both backends.
 *
 * send(item):   checkpoint(); send_nowait(item), or on WouldBlock queue
 *               (Event, item) in waiting_senders and wait on the Event; a
 *               cancelled wait takes its entry out again and re-raises (the
 *               item may already have been taken by a receiver: it is then
 *               delivered and send still raises); woken with the entry still
 *               there means every receive end closed: BrokenResourceError.
 * receive():    checkpoint(); receive_nowait(), or on WouldBlock queue
 *               (Event, receiver) in waiting_receivers and wait; `finally`
 *               takes the entry out; an item handed over is returned, else
 *               EndOfStream (every send end closed).
 * send_nowait:  closed end: ClosedResourceError; no open receive end:
 *               BrokenResourceError; hand the item to the first waiting
 *               receiver without a pending cancellation (those with one are
 *               dropped from the queue on the way), else buffer it, else
 *               WouldBlock.
 * receive_nowait: closed end: ClosedResourceError; take the first waiting
 *               sender's item into the buffer and set its Event; pop the
 *               buffer, else EndOfStream when no send end is open, else
 *               WouldBlock.
 * The backends differ only in what the core asks through the policy table:
 * the checkpoint, Event.wait/set, and has_pending_cancellation().
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interp.h"
#include "policy.h"
#include "stream.h"
#include "util.h"

enum { SR_OK, SR_WOULD_BLOCK, SR_CLOSED, SR_BROKEN, SR_END };
enum { SP_START, SP_CHECKPOINT, SP_WAIT, SP_BODY };

void cs__streams_init(cs__engine *e)
{
    const cs_program *p = e->prog;
    cs__streams *ss = cs_xcalloc(1, sizeof *ss);
    ss->s = cs_xcalloc(p->nstreams + 1, sizeof *ss->s);
    for (uint32_t i = 0; i < p->nstreams; i++) {
        ss->s[i].max = p->streams[i].max_buffer_size;
        ss->s[i].infinite = p->streams[i].infinite;
        ss->s[i].open_send = ss->s[i].open_recv = 1;
    }
    ss->latest = cs_xmalloc((p->nstream_ends + 1) * sizeof *ss->latest);
    for (uint32_t i = 0; i < p->nstream_ends; i++)
        ss->latest[i] = -1;
    ss->capends = 2 * p->nstreams + 4;
    ss->ends = cs_xcalloc(ss->capends, sizeof *ss->ends);
    for (uint32_t i = 0; i < 2 * p->nstreams; i++) { /* create_memory_object_stream() made both */
        ss->ends[i] = (cs__mend){(int32_t)i, false};
        ss->latest[i] = (int32_t)i;
    }
    ss->nends = 2 * p->nstreams;
    e->streams = ss;
}

static void cs__sw_free(cs__engine *e, cs__sw *w)
{
    cs__streams *ss = e->streams;
    if (w->all_prev)
        w->all_prev->all_next = w->all_next;
    else
        ss->all = w->all_next;
    if (w->all_next)
        w->all_next->all_prev = w->all_prev;
    e->pol->event_free(e, &w->ev); /* what the backend's waiter list holds */
    free(w->ev.waiters);
    free(w->ev.label);
    free(w);
}

void cs__streams_free(cs__engine *e)
{
    cs__streams *ss = e->streams;
    if (!ss)
        return;
    while (ss->all) /* waiters of a run stopped by a limit or a deadlock */
        cs__sw_free(e, ss->all);
    for (uint32_t i = 0; i < e->prog->nstreams; i++)
        free(ss->s[i].buf);
    free(ss->s);
    free(ss->ends);
    free(ss->latest);
    free(ss);
    e->streams = NULL;
}

/* ---- the deque and the two OrderedDicts ---- */

static void cs__buf_append(cs__mstream *s, const char *item)
{
    if (s->n == s->cap) {
        uint32_t cap = s->cap ? s->cap * 2 : 8;
        const char **nb = cs_xmalloc(cap * sizeof *nb);
        for (uint32_t i = 0; i < s->n; i++)
            nb[i] = s->buf[(s->head + i) % s->cap];
        free(s->buf);
        s->buf = nb;
        s->head = 0;
        s->cap = cap;
    }
    s->buf[(s->head + s->n++) % s->cap] = item;
}

static const char *cs__buf_popleft(cs__mstream *s)
{
    assert(s->n > 0);
    const char *item = s->buf[s->head];
    s->head = (s->head + 1) % s->cap;
    s->n--;
    return item;
}

static void cs__wait_append(cs__mstream *s, cs__sw *w)
{
    cs__sw **head = w->send ? &s->send_head : &s->recv_head, **tail = w->send ? &s->send_tail : &s->recv_tail;
    w->prev = *tail;
    w->next = NULL;
    if (*tail)
        (*tail)->next = w;
    else
        *head = w;
    *tail = w;
    w->listed = true;
    if (w->send)
        s->nsend_wait++;
    else
        s->nrecv_wait++;
}

/* OrderedDict.pop(event, None) */
static void cs__wait_remove(cs__mstream *s, cs__sw *w)
{
    if (!w->listed)
        return;
    cs__sw **head = w->send ? &s->send_head : &s->recv_head, **tail = w->send ? &s->send_tail : &s->recv_tail;
    if (w->prev)
        w->prev->next = w->next;
    else
        *head = w->next;
    if (w->next)
        w->next->prev = w->prev;
    else
        *tail = w->prev;
    w->prev = w->next = NULL;
    w->listed = false;
    if (w->send)
        s->nsend_wait--;
    else
        s->nrecv_wait--;
}

/* A new waiter of task t on stream `stream`, queued, its Event fresh. */
static cs__sw *cs__sw_new(cs__engine *e, cs__task *t, int32_t stream, bool send, const char *item, const char *end)
{
    cs__streams *ss = e->streams;
    cs__sw *w = cs_xcalloc(1, sizeof *w);
    w->task = t;
    w->send = send;
    w->item = item;
    w->stream = stream;
    w->ev.label = cs_xasprintf("%s %s", send ? "send" : "receive", end);
    w->all_next = ss->all;
    if (ss->all)
        ss->all->all_prev = w;
    ss->all = w;
    cs__wait_append(&ss->s[stream], w);
    return w;
}

/* ---- the nowait operations ---- */

static int cs__send_nowait(cs__engine *e, cs__mend *end, const char *item)
{
    cs__mstream *s = &e->streams->s[e->prog->stream_ends[end->decl].stream];
    if (end->closed)
        return SR_CLOSED;
    if (!s->open_recv)
        return SR_BROKEN;
    while (s->recv_head) {
        cs__sw *r = s->recv_head;
        cs__wait_remove(s, r); /* popitem(last=False) */
        if (!e->pol->has_pending_cancellation(e, r->task)) {
            r->item = item;
            r->has_item = true;
            e->pol->event_set(e, &r->ev);
            return SR_OK;
        }
    }
    if (s->infinite || (int64_t)s->n < s->max) {
        cs__buf_append(s, item);
        return SR_OK;
    }
    return SR_WOULD_BLOCK;
}

static int cs__receive_nowait(cs__engine *e, cs__mend *end, const char **item)
{
    cs__mstream *s = &e->streams->s[e->prog->stream_ends[end->decl].stream];
    if (end->closed)
        return SR_CLOSED;
    if (s->send_head) {
        cs__sw *w = s->send_head;
        cs__wait_remove(s, w);
        cs__buf_append(s, w->item);
        e->pol->event_set(e, &w->ev);
    }
    if (s->n) {
        *item = cs__buf_popleft(s);
        return SR_OK;
    }
    return s->open_send ? SR_WOULD_BLOCK : SR_END;
}

static void cs__close(cs__engine *e, cs__mend *end)
{
    if (end->closed)
        return;
    end->closed = true;
    const cs_stream_end *d = &e->prog->stream_ends[end->decl];
    cs__mstream *s = &e->streams->s[d->stream];
    if (d->send) {
        if (--s->open_send)
            return;
        /* list(waiting_receivers), clear(), then set each: they end in EndOfStream */
        while (s->recv_head) {
            cs__sw *r = s->recv_head;
            cs__wait_remove(s, r);
            e->pol->event_set(e, &r->ev);
        }
    } else {
        if (--s->open_recv)
            return;
        /* set each sender's Event, its entry left in place: BrokenResourceError */
        for (cs__sw *w = s->send_head; w; w = w->next)
            e->pol->event_set(e, &w->ev);
    }
}

/* ---- what the statements log and raise ---- */

static void cs__log_json(cs__engine *e, cs__task *t, const char *msg, const char *json)
{
    cs_event ev;
    cs__ev_init(e, &ev, CS_EV_LOG);
    ev.task = cs__log_id(t);
    ev.msg = msg;
    ev.value_kind = CS_VAL_JSON;
    ev.value_json = json;
    cs__emit(e, &ev);
}

static void cs__log_item(cs__engine *e, cs__task *t, const cs_stmt *st, const char *what, const char *item)
{
    char *msg = cs_xasprintf("%s.%s", e->prog->stream_ends[st->ref].name, what);
    cs__log_json(e, t, msg, item);
    free(msg);
}

static cs__completion cs__stream_raise(cs__engine *e, cs__task *t, const cs_stmt *st, int r)
{
    int32_t cls = r == SR_WOULD_BLOCK ? CS_EXC_WOULD_BLOCK
                  : r == SR_CLOSED    ? CS_EXC_CLOSED_RESOURCE_ERROR
                  : r == SR_BROKEN    ? CS_EXC_BROKEN_RESOURCE_ERROR
                                      : CS_EXC_END_OF_STREAM;
    cs_exc *x = cs__raise_new(e, t, cls, NULL); /* AnyIO raises the class: no arguments */
    cs__emit_raise(e, t, x, st->pos);
    return cs__c_exc(x);
}

/* The end object a statement names: the latest one made under its name, or
 * NULL (the run stops: a clone that has not run yet). */
static cs__mend *cs__end_of(cs__engine *e, const cs_stmt *st, int32_t *idx)
{
    int32_t k = e->streams->latest[st->ref];
    if (k < 0) {
        char q[256];
        snprintf(q, sizeof q, "%s", e->prog->stream_ends[st->ref].name);
        cs__fail_scenario(e, st->pos, "stream end '%s' does not exist yet: the clone that makes it has not run", q);
        return NULL;
    }
    if (idx)
        *idx = k;
    return &e->streams->ends[k];
}

static void cs__statistics(cs__engine *e, cs__task *t, const cs_stmt *st, const cs__mend *end)
{
    const cs__mstream *s = &e->streams->s[e->prog->stream_ends[end->decl].stream];
    char max[32];
    if (s->infinite)
        snprintf(max, sizeof max, "\"inf\"");
    else
        snprintf(max, sizeof max, "%lld", (long long)s->max);
    char *json = cs_xasprintf("{\"current_buffer_used\":%u,\"max_buffer_size\":%s,\"open_send_streams\":%u,"
                              "\"open_receive_streams\":%u,\"tasks_waiting_send\":%u,\"tasks_waiting_receive\":%u}",
                              s->n, max, s->open_send, s->open_recv, s->nsend_wait, s->nrecv_wait);
    cs__log_item(e, t, st, "statistics", json);
    free(json);
}

static int cs__clone(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c, const cs__mend *src)
{
    if (src->closed) {
        *c = cs__stream_raise(e, t, st, SR_CLOSED);
        return CS__CONT;
    }
    cs__streams *ss = e->streams;
    if (ss->nends == ss->capends) {
        ss->capends *= 2;
        ss->ends = cs_xrealloc(ss->ends, ss->capends * sizeof *ss->ends);
    }
    ss->ends[ss->nends] = (cs__mend){st->decl, false};
    ss->latest[st->decl] = (int32_t)ss->nends++;
    cs__mstream *s = &ss->s[e->prog->stream_ends[st->decl].stream];
    if (e->prog->stream_ends[st->decl].send)
        s->open_send++;
    else
        s->open_recv++;
    return CS__CONT;
}

int cs__exec_stream(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c)
{
    int32_t idx;
    cs__mend *end = cs__end_of(e, st, &idx);
    if (!end)
        return CS__YIELD;
    const char *item;
    int r;
    switch (st->op) {
    case CS_OP_SEND_NOWAIT:
        r = cs__send_nowait(e, end, st->value_json);
        if (r != SR_OK)
            *c = cs__stream_raise(e, t, st, r);
        return CS__CONT;
    case CS_OP_RECEIVE_NOWAIT:
        r = cs__receive_nowait(e, end, &item);
        if (r == SR_OK)
            cs__log_item(e, t, st, "receive_nowait", item);
        else
            *c = cs__stream_raise(e, t, st, r);
        return CS__CONT;
    case CS_OP_CLOSE:
    case CS_OP_ACLOSE: /* aclose() awaits nothing: no checkpoint */ cs__close(e, end); return CS__CONT;
    case CS_OP_CLONE: return cs__clone(e, t, st, c, end);
    case CS_OP_STATISTICS: cs__statistics(e, t, st, end); return CS__CONT;
    default: { /* send, receive, async for, async with: a frame */
        cs__frame *f = cs__push(e, t, CS__F_STREAM, st);
        f->obj = idx;
        return CS__CONT;
    }
    }
}

/* After the checkpoint: the nowait attempt, else queue and wait. */
static int cs__attempt(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    const cs_stmt *st = f->st;
    cs__mend *end = &e->streams->ends[f->obj];
    const char *item = NULL;
    bool send = st->op == CS_OP_SEND;
    int r = send ? cs__send_nowait(e, end, st->value_json) : cs__receive_nowait(e, end, &item);
    if (r == SR_WOULD_BLOCK) {
        f->sw = cs__sw_new(e, t, e->prog->stream_ends[end->decl].stream, send, st->value_json,
                           e->prog->stream_ends[st->ref].name);
        f->phase = SP_WAIT;
        return e->pol->event_wait(e, t, &f->sw->ev);
    }
    if (r == SR_OK && send)
        return cs__pop_with(t, c, (cs__completion){.type = CS__C_NORMAL});
    if (r == SR_OK) {
        cs__log_item(e, t, st, "receive", item);
        if (st->op == CS_OP_ASYNC_FOR) {
            f->phase = SP_BODY;
            cs__push_body(e, t, st->body);
            return CS__CONT;
        }
        return cs__pop_with(t, c, (cs__completion){.type = CS__C_NORMAL});
    }
    if (r == SR_END && st->op == CS_OP_ASYNC_FOR) /* __anext__: StopAsyncIteration ends the loop */
        return cs__pop_with(t, c, (cs__completion){.type = CS__C_NORMAL});
    return cs__pop_with(t, c, cs__stream_raise(e, t, st, r));
}

/* Woken from the Event (or its wait cancelled). */
static int cs__woken(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    const cs_stmt *st = f->st;
    cs__sw *w = f->sw;
    f->sw = NULL;
    cs__mstream *s = &e->streams->s[w->stream];
    bool listed = w->listed, has_item = w->has_item;
    const char *item = w->item;
    cs__wait_remove(s, w); /* send: `except BaseException: pop`; receive: `finally: pop` */
    cs__sw_free(e, w);
    if (c->type != CS__C_NORMAL)
        return cs__pop_with(t, c, *c);
    int r;
    if (st->op == CS_OP_SEND)
        r = listed ? SR_BROKEN : SR_OK;
    else
        r = has_item ? SR_OK : SR_END;
    if (r == SR_OK && st->op == CS_OP_SEND)
        return cs__pop_with(t, c, (cs__completion){.type = CS__C_NORMAL});
    if (r == SR_OK) {
        cs__log_item(e, t, st, "receive", item);
        if (st->op == CS_OP_ASYNC_FOR) {
            f->phase = SP_BODY;
            cs__push_body(e, t, st->body);
            return CS__CONT;
        }
        return cs__pop_with(t, c, (cs__completion){.type = CS__C_NORMAL});
    }
    if (r == SR_END && st->op == CS_OP_ASYNC_FOR)
        return cs__pop_with(t, c, (cs__completion){.type = CS__C_NORMAL});
    return cs__pop_with(t, c, cs__stream_raise(e, t, st, r));
}

int cs__step_stream(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c)
{
    if (f->st->op == CS_OP_WITH_STREAM) {
        if (f->phase == SP_START) { /* __aenter__ returns the stream: nothing awaited */
            f->phase = SP_BODY;
            cs__push_body(e, t, f->st->body);
            return CS__CONT;
        }
        cs__close(e, &e->streams->ends[f->obj]); /* __aexit__: await aclose() */
        return cs__pop_with(t, c, *c);
    }
    switch (f->phase) {
    case SP_START: f->phase = SP_CHECKPOINT; return e->pol->checkpoint(e, t, f->st);
    case SP_CHECKPOINT:
        if (c->type != CS__C_NORMAL)
            return cs__pop_with(t, c, *c);
        return cs__attempt(e, t, f, c);
    case SP_WAIT: return cs__woken(e, t, f, c);
    default: /* SP_BODY: async for's body ended; a break, return or raise leaves the loop */
        if (c->type != CS__C_NORMAL)
            return cs__pop_with(t, c, *c);
        f->phase = SP_CHECKPOINT;
        return e->pol->checkpoint(e, t, f->st);
    }
}
