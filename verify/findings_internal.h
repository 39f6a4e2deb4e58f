/* findings_internal.h - pieces of the findings checker shared between its
 * files (findings.c, findings_lost.c, findings_swallow.c); not for use elsewhere. */
#ifndef CS_FINDINGS_INTERNAL_H
#define CS_FINDINGS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exc.h"
#include "program.h"
#include "trace.h"

/* Non-cancellation exceptions raised during the run, by id (cs_exc.id), each
 * with whether it has been accounted for (caught, or a member of something a
 * group, a task or the run raised).  Holds a reference to every exception, for
 * its class and message in the report. */
typedef struct cs__lost {
    cs_exc **raised; /* owned references, in order of first raise */
    int32_t *raiser; /* task id that first raised it */
    bool *accounted;
    size_t n, cap;
    uint32_t *slots; /* open addressing on the id: index + 1 into raised[], 0 = empty */
    size_t nslots;   /* a power of two, at least twice n */
    cs_exc **stack;  /* scratch for walking groups */
    size_t stack_cap;
} cs__lost;

void cs__lost_init(cs__lost *l);
void cs__lost_free(cs__lost *l);
/* Records a raise of `x` by `task` (a second raise of the same id is one entry). */
void cs__lost_raised(cs__lost *l, cs_exc *x, int32_t task);
/* Marks `x` and every member of it, at any depth, as accounted for.  Contexts
 * are not followed: an exception that survives only as another's __context__
 * has been replaced, which is what lost_exception is about. */
void cs__lost_account(cs__lost *l, const cs_exc *x);
/* Index of the first raised exception never accounted for, or -1. */
ptrdiff_t cs__lost_first(const cs__lost *l);
/* Whether a group holds anything but cancellations. */
bool cs__lost_has_non_cancel_leaf(const cs_exc *g);

/* findings_stream.c (issue 18): memory object streams.  At a deadlock, the
 * first task waiting on a stream end (label "send END" / "receive END") sets
 * *out to what the deadlock's detail adds (owned); the detail of an
 * items_left event (new string). */
void cs__stream_waiting(char **out, const char *label, const char *task);
char *cs__items_left_detail(const cs_event *ev);

/* swallowed_cancellation (findings_swallow.c): CancelledErrors a native
 * cancel() of a task sent it (native_cancel events), caught by a handler of
 * that task (or by an AnyIO scope that took it for its own) and not seen
 * again since, nor acknowledged by uncancel().  Every operation is O(1) per
 * exception it is given (amortised), so a loop that swallows a million times
 * stays linear. */
typedef struct cs__swallowed {
    uint32_t exc_id;
    int32_t task;
    int32_t scope;  /* the AnyIO scope that swallowed it, or -1: a handler (or wait_for) */
    bool wait_for;  /* 3.11's asyncio.wait_for dropped it (its task had finished) */
    uint32_t epoch; /* the task's uncancel epoch at the catch: a later one acknowledged it */
    cs_pos pos;     /* the handler */
    int64_t t;
    bool live;
} cs__swallowed;
enum { CS__SWALLOW_SENT = 4 }; /* the latest native_cancel exceptions remembered per task */
typedef struct cs__swallow_task {
    int64_t count;  /* cancelling() as the trace last told it, -1 unknown */
    uint32_t epoch; /* uncancel()s by the scenario that brought it to 0 */
    uint32_t sent[CS__SWALLOW_SENT], nsent;
} cs__swallow_task;
typedef struct cs__swallow {
    bool asyncio;        /* the run's backend is asyncio (Trio's cancellations are all level-triggered) */
    cs__swallowed *v;    /* in catch order */
    size_t n, cap, head; /* v[..head) are all dead */
    uint32_t *slots;     /* open addressing on exc_id: index + 1 into v (the latest catch of it), 0 empty */
    size_t nslots;       /* a power of two, at least twice n */
    cs__swallow_task *tasks;
    size_t ntasks;
} cs__swallow;
void cs__swallow_free(cs__swallow *s);
/* native_cancel: x was thrown into `task` for a native cancel() of it; its cancelling() is `count` */
void cs__swallow_sent(cs__swallow *s, const cs_exc *x, int32_t task, uint32_t count);
/* uncancel: `task`'s cancelling() is now `count`; by its own code (`by` NULL) down to 0, its
 * swallows were acknowledged */
void cs__swallow_uncancel(cs__swallow *s, int32_t task, uint32_t count, const char *by);
/* catch of x in `task` by a handler (scope -1; `wait_for`: 3.11's asyncio.wait_for) or by AnyIO
 * scope `scope` */
void cs__swallow_catch(cs__swallow *s, const cs_exc *x, int32_t task, int32_t scope, bool wait_for, cs_pos pos,
                       int64_t t);
void cs__swallow_seen(cs__swallow *s, const cs_exc *x);
/* The first suspicion still live (moves s->head past dead ones), or NULL. */
const cs__swallowed *cs__swallow_first(cs__swallow *s);

#endif
