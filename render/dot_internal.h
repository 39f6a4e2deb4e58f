/* dot_internal.h - what the DOT recorder (dot.c) keeps for the writer
 * (dot_write.c).  Only render/dot*.c include it.
 *
 * Invariants: tasks[] is indexed by task id and scopes[] by scope id, both
 * ids as the trace gives them (dense, in spawn/entry order); every char * is
 * owned by the recorder; edges[] is in the order of the events that made them.
 */
#ifndef CS_DOT_INTERNAL_H
#define CS_DOT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "dot.h"

typedef struct cs__dot_task {
    char *name;
    int32_t parent, group;  /* task id / task-group scope id; -1 for main */
    int64_t spawn_t, end_t; /* ns */
    cs_task_state state;
    bool spawned, ended;
    bool thread;    /* issue 26: the stand-in of a thread AnyIO did not start (not drawn) */
    char *exc_text; /* failed tasks: "ValueError: boom" */
    char *injected; /* faults injected into it: "fail:a@2 at 1s\n..." (owned), or NULL */
    cs_pos pos;     /* the statement that spawned it ({0,0} for main) */
    bool touched;   /* an edge starts or ends at it */
    /* async generators it drives (gen_enter .. gen_exit), innermost last; a
     * generator is "running" from gen_enter to its first yield */
    char **gens;
    bool *gen_running;
    size_t ngens, capgens, capgen_running;
} cs__dot_task;

typedef struct cs__dot_scope {
    char *name; /* NULL: internal or anonymous, not drawn */
    cs_scope_kind kind;
    int32_t host;         /* task that entered it */
    int32_t parent;       /* raw parent scope id, -1 */
    int32_t drawn_parent; /* nearest drawn ancestor, -1 */
    double deadline;      /* seconds, at exit when exited */
    bool entered, shield, exited, cancel_called, cancelled_caught;
    bool cancelled;        /* a CANCEL event was seen */
    cs_cancel_cause cause; /* of the first CANCEL */
    int32_t cancel_by;     /* task that called cancel(), -1 for a timer */
    int64_t enter_t, exit_t, cancel_t;
    char *raised; /* what its host raised right as it exited (fail_after's TimeoutError) */
    cs_pos pos;   /* the statement that entered it */
    char *reason; /* the reason cancel() was given, or NULL */
    bool touched; /* an edge starts or ends at it */
    char *gen;    /* the generator whose code entered it (before its yield), or NULL */
} cs__dot_scope;

typedef enum { CS__NODE_TASK, CS__NODE_SCOPE, CS__NODE_RUN } cs__node_kind;

typedef struct cs__node {
    cs__node_kind kind;
    int32_t id;
} cs__node;

typedef enum { CS__EDGE_CANCEL, CS__EDGE_EXC } cs__edge_kind;

typedef struct cs__dot_edge {
    cs__edge_kind kind;
    cs__node from, to;
    char *label;
    uint32_t count; /* cancel: deliveries merged into this edge */
} cs__dot_edge;

/* A pointer/pair -> index map used for lookups only, never iterated for output. */
typedef struct cs__dot_map {
    uint64_t *keys;
    uint64_t *vals;
    size_t cap, n; /* cap is 0 or a power of two */
} cs__dot_map;

struct cs_dot {
    char *scenario;
    cs_backend backend;
    uint64_t seed;
    char **classes; /* class names, by class index */
    uint32_t nclasses;

    cs__dot_task *tasks;
    size_t ntasks, cap_tasks;
    cs__dot_scope *scopes;
    size_t nscopes, cap_scopes;
    cs__dot_edge *edges;
    size_t nedges, cap_edges;

    int32_t last_exit; /* scope whose SCOPE_EXIT was the last event, or -1 */
    uint64_t last_exit_seq;
    cs__dot_map cancel_edges; /* (scope << 32 | task) -> edge index */
    cs__dot_map holders;      /* exception pointer -> node (kind << 32 | id); keys hold a reference */

    bool ended;
    cs_result_kind result;
    char *result_text; /* what anyio.run() gave */
    int64_t end_t;
};

/* dot_map.c: true and *v set when k is present. */
bool cs__dot_map_get(const cs__dot_map *m, uint64_t k, uint64_t *v);
/* Sets k -> v (v != UINT64_MAX); returns true when k was new. */
bool cs__dot_map_put(cs__dot_map *m, uint64_t k, uint64_t v);

/* Time in ns as seconds, exactly: "0s", "1.5s", "0.000000001s". */
void cs__dot_fmt_time(int64_t ns, char *buf, size_t cap);

/* dot_layout.c: what the writer draws and where.
 *
 * Containers are the top level, a drawn scope's cluster and a task's own
 * cluster (a task that entered drawn scopes: they sit under it).  Instances
 * of one statement (same position and host, or same spawning statement and
 * parent) that do not matter -- nothing cancelled them, they did not fail,
 * no edge touches them, nothing is drawn inside them -- fold into the first
 * of them, which is drawn as one node with a count. */
typedef struct cs__dot_layout {
    bool *show_task, *show_scope;       /* drawn at all (--focus), by id */
    int32_t *task_rep, *scope_rep;      /* -1: drawn itself; else the id it folds into */
    uint32_t *task_folds, *scope_folds; /* at a representative: members folded in (itself included) */
    int32_t *scope_home;                /* -1 top, else scope id (>= 0) or -(task id) - 2 */
    int32_t *task_home;                 /* -1 top, else the scope cluster it sits in */
    bool *task_cluster;                 /* the task has its own cluster */
} cs__dot_layout;

/* Builds the layout for d; focus is a task instance name or NULL. */
void cs__dot_layout_build(const cs_dot *d, const char *focus, cs__dot_layout *L);
void cs__dot_layout_free(cs__dot_layout *L);

#endif
