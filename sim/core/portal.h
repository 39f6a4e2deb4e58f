/* portal.h - blocking portals (issue 26; portal.c): the statements, the
 * task-group hooks both backends' group frames call, and the thread step. */
#ifndef CS_PORTAL_H
#define CS_PORTAL_H

#include "interp.h"

struct cs__thread;

int cs__exec_portal(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c);
/* A task group frame began (g new) or its body ended: a portal's marks. */
void cs__portal_tg_opened(cs__engine *e, const cs_stmt *st, const cs__tg *g);
void cs__portal_tg_body_done(cs__engine *e, const cs_stmt *st, cs__tg *g);
/* A start_task_soon's concurrent future (the call()'s own is the thread's). */
enum { CS__PF_NONE, CS__PF_PENDING, CS__PF_DONE, CS__PF_CANCELLED };
/* Threads waiting in one future's result() at once (more stop the run: not modelled). */
#define CS__PF_MAX_WAITERS 8
typedef struct cs__pfuture {
    uint8_t state;
    int32_t gen;                                    /* which start_task_soon made it (a name is rebound by the next) */
    cs__completion res;                             /* CS__PF_DONE: its result or exception */
    struct cs__thread *waiters[CS__PF_MAX_WAITERS]; /* the threads in its result(), in the order they came */
    uint8_t nwaiters;
    int32_t scope; /* the task's CancelScope while it runs, or -1 */
    /* start_task: task_status_future, and the thread waiting on it */
    bool status_done;
    struct cs__thread *status_waiter;
    /* portal_with: the cm task's _exit_event, and what the thread's body
     * ended with (thrown in at the generator's yield) */
    cs__event *ev;
    cs__completion pending;
    /* cancel(): the done-callback's run_sync(scope.cancel), the body the
     * cancelling thread has the loop run (a PORTAL_SCOPE_CANCEL) */
    cs_stmt cancel_stmt;
    cs_body cancel_body;
} cs__pfuture;

/* The thread steps portal_call and portal_start_task_soon: the thread raises
 * or has the loop spawn the call's task. */
void cs__portal_call(cs__engine *e, struct cs__thread *th, const cs_stmt *s);
/* The loop is about to spawn a thread's portal call: true when the portal's
 * group refuses it (tg.start_soon raises; the thread gets the error). */
bool cs__portal_spawn_refused(cs__engine *e, struct cs__thread *th);
/* The task a portal call spawns (cs__ft_task_new): listed, with its own id and
 * AnyIO's name for it (PORTAL_TASK in the trace); logs and draws as the host. */
cs__task *cs__portal_task_new(cs__engine *e, struct cs__thread *th);
/* At a deadlock: what the latest portal call's task of t's waits on, as the
 * reference script's record of t shows it (NULL: t has none waiting). */
const char *cs__portal_wait_label(const cs__engine *e, const cs__task *t);
/* The spawn: t joins the portal's group (cs__ft_task_new). */
void cs__portal_task_joined(cs__engine *e, struct cs__thread *th, cs__task *t);
int cs__step_portal_task(cs__engine *e, cs__task *t, cs__frame *f, cs__completion *c);
/* future_result: true when the thread stops here (waits, or raises). */
bool cs__portal_future_result(cs__engine *e, struct cs__thread *th, const cs_stmt *s);
/* future_cancel: true when the thread stops here (it waits for the loop to
 * run the done-callback's scope.cancel()). */
bool cs__portal_future_cancel(cs__engine *e, struct cs__thread *th, const cs_stmt *s);
/* `started` in a portal start_task's task: true when it was that (the
 * thread's start_task returns); false for any other task. */
bool cs__portal_started(cs__engine *e, cs__task *t, const cs_stmt *st);
/* The thread ends (raises) inside a portal_with's body: its __exit__ runs
 * first (the thread goes on at the with's exit steps); false when it ends. */
bool cs__portal_with_unwind(cs__engine *e, struct cs__thread *th);
void cs__pfutures_init(cs__engine *e);
void cs__pfutures_free(cs__engine *e);

#endif
