/* explain_internal.h - what the explain recorder (explain.c) keeps for its
 * writers (explain_write.c).  Only verify/explain*.c include it.
 *
 * Invariants: tasks[] is indexed by task id, scopes[] by scope id (both dense,
 * as the trace numbers them); every char * is owned; a task's steps are in
 * event order and at most CS__X_STEPS_MAX (the rest are only counted).
 */
#ifndef CS_EXPLAIN_INTERNAL_H
#define CS_EXPLAIN_INTERNAL_H

#include <stdint.h>

#include "explain.h"

/* Steps kept per task: a task in a loop of a million iterations must not
 * make a million sentences. */
#define CS__X_STEPS_MAX 24

typedef struct cs__xstep {
    const char *kind; /* static: "raised", "cancelled", "caught", ... */
    int64_t t;
    cs_pos pos;
    char *text;
} cs__xstep;

typedef struct cs__xtask {
    char *name;
    int32_t parent, group;
    cs_pos pos; /* the statement that spawned it */
    int64_t spawn_t, end_t;
    cs_task_state state;
    bool spawned, ended;
    cs_pos cp_pos;        /* its latest checkpoint */
    uint64_t cp_seq;      /* and that checkpoint's event number (0: none) */
    const char *cp_label; /* static copy of the statement kind, or NULL */
    char *cp_label_own;
    int32_t last_delivered; /* scope of its latest delivery, -1 */
    char *end_exc;          /* failed: what it ended with */
    cs_pos end_pos;         /* where that exception came from */
    cs_pos thread_pos;      /* its latest to_thread */
    cs__xstep *steps;
    size_t capsteps;
    uint32_t nsteps, dropped;
} cs__xtask;

typedef struct cs__xscope {
    char *name; /* NULL: anonymous or internal */
    cs_scope_kind kind;
    int32_t host, parent;
    cs_pos pos;
    double deadline;
    bool entered, open, shield, cancelled;
    cs_cancel_cause cause;
    int32_t by; /* task that called cancel(), -1 */
    int64_t cancel_t;
    cs_pos cancel_pos;
    char *why;           /* why it was cancelled, a clause; NULL until then */
    int32_t last_failed; /* task groups: the child that failed last, -1 */
    int32_t held;        /* shields: the cancelled scope held back, -1 */
    int64_t held_t;
    uint64_t enter_seq;
} cs__xscope;

/* Where an exception came from: a clause and the statement. */
typedef struct cs__xorigin {
    char *text; /* a clause after "which": "failer raised at 1 s (8:57)" */
    cs_pos pos;
    int32_t task; /* whose story it is: the raiser, the group's host */
} cs__xorigin;

struct cs_explain {
    char *scenario;
    cs_backend backend;
    uint64_t seed;
    char **classes;
    uint32_t nclasses;

    cs__xtask *tasks;
    size_t ntasks, captasks;
    cs__xscope *scopes;
    size_t nscopes, capscopes;
    cs__xorigin *origins;
    size_t norigins, caporigins;
    /* exception pointer -> origin index, open addressing; keys hold a reference */
    uint64_t *okeys, *ovals;
    size_t ocap, on;

    int32_t last_exit; /* scope whose exit was the previous event, -1 */
    uint64_t last_exit_seq;
    bool ended;
    cs_result_kind result;
    char *result_text;
    int64_t end_t;
    int32_t result_origin; /* origin of what run() raised, -1 */
};

/* explain.c: "ValueError('boom')", groups with their members (new string). */
char *cs__x_exc(const cs_explain *x, const cs_exc *e);
/* "task group tg (5:7)", "move_on_after deadline (9:11)" (new string). */
char *cs__x_scope_desc(const cs_explain *x, int32_t scope);
/* 'msg', quoted and cut (new string). */
char *cs__x_quoted(const char *msg);
const char *cs__x_cls(const cs_explain *x, int32_t cls);
const char *cs__x_task_name(const cs_explain *x, int32_t t);
/* The records, grown on first mention. */
cs__xtask *cs__x_task(cs_explain *x, int32_t id);
cs__xscope *cs__x_scope(cs_explain *x, int32_t id);
/* Adds a sentence to task id (text_new is taken; dropped past the cap). */
void cs__x_step(cs_explain *x, int32_t id, const char *kind, int64_t t, cs_pos pos, char *text_new);
/* Records where e came from; the first origin wins (text_new is taken). */
void cs__x_set_origin(cs_explain *x, cs_exc *e, char *text_new, cs_pos pos, int32_t task);
/* e's origin index, or -1. */
int32_t cs__x_origin_of(const cs_explain *x, const cs_exc *e);

/* explain.c's handlers, called by the sink (explain_flow.c). */
void cs__x_on_run_start(cs_explain *x, const cs_event *ev);
void cs__x_on_spawn(cs_explain *x, const cs_event *ev);
void cs__x_on_scope_enter(cs_explain *x, const cs_event *ev);
void cs__x_on_scope_exit(cs_explain *x, const cs_event *ev);
void cs__x_on_scope_update(cs_explain *x, const cs_event *ev);
void cs__x_on_cancel(cs_explain *x, const cs_event *ev);
void cs__x_on_delivered(cs_explain *x, const cs_event *ev);
void cs__x_on_checkpoint(cs_explain *x, const cs_event *ev);

#endif
