/* outcome.h - the outcome of one run (scenario-format.md section 4), built from
 * the trace.
 *
 * cs_outcome_sink is a trace sink: the outcome never looks at engine state.
 * It copies every string it keeps into one pool and keeps exceptions with
 * cs_exc_ref, so it outlives both the run and the program.  Storage is a few
 * flat arrays (tasks by id, named scopes by entry order, log lines, waiting
 * labels) grown by doubling: a million tasks cost a few tens of megabytes and
 * no allocation per event beyond amortised growth.
 *
 * The writers (outcome_json.c, outcome_text.c) read the struct below; other
 * code should treat it as read-only and prefer cs_outcome_to_json.
 */
#ifndef CS_OUTCOME_H
#define CS_OUTCOME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "json_out.h"
#include "trace.h"

/* A string-pool offset meaning "absent". */
#define CS_OUTCOME_NONE SIZE_MAX

/* 24 bytes (a million tasks): what only some tasks have (an exception, a
 * returned value) is in a side record, read with cs_outcome_task_exc and
 * cs_outcome_task_returned. */
typedef struct cs_outcome_task {
    size_t name;    /* pool offset */
    int64_t end;    /* ns; meaningful when state != CS_TASK_UNFINISHED */
    uint32_t extra; /* index + 1 in the outcome's extras, or 0 (valid when its extra_bits bit is set) */
    uint8_t state;  /* cs_task_state */
    bool spawned;   /* false for an id never announced by TASK_SPAWN */
    bool thread;    /* issue 26: the id of a thread AnyIO did not start (FOREIGN_THREAD): named, not listed */
} cs_outcome_task;

/* A task's rarer results. */
typedef struct cs_outcome_task_extra {
    cs_exc *exc;     /* owned reference; kept for failed tasks only */
    size_t returned; /* pool offset of compact JSON text, or CS_OUTCOME_NONE */
} cs_outcome_task_extra;

/* A named scope as it was when it exited, or its state when the run stopped. */
typedef struct cs_outcome_scope {
    int32_t id; /* scope instance id (entry order) */
    size_t name;
    cs_scope_kind kind;
    double deadline; /* seconds; +-INFINITY */
    bool cancel_called, cancelled_caught, shield;
} cs_outcome_scope;

typedef struct cs_outcome_log {
    int64_t t; /* ns */
    int32_t task;
    size_t msg;
    cs_value_kind value_kind;
    bool boolean;
    double number;
    size_t json; /* CS_VAL_JSON: pool offset of the value's compact JSON text */
} cs_outcome_log;

typedef struct cs_outcome_wait {
    int32_t task;
    size_t label;
} cs_outcome_wait;

typedef struct cs_outcome {
    char *pool; /* NUL-terminated strings, addressed by offset */
    size_t pool_len, pool_cap;

    size_t scenario; /* pool offset of the scenario name */
    cs_backend backend;
    size_t *class_names; /* pool offsets, indexed by class */
    uint32_t nclasses;

    bool ended; /* RUN_END seen */
    cs_result_kind result;
    cs_exc *raised;   /* owned; CS_RESULT_RAISED */
    size_t returned;  /* pool offset; CS_RESULT_RETURNED (NONE = null) */
    int64_t end_time; /* ns: RUN_END's t, else the last event's */

    cs_outcome_task *tasks;
    size_t ntasks, cap_tasks; /* indexed by task id */
    uint64_t *extra_bits;
    size_t cap_extra_bits; /* bit id: tasks[id].extra set */
    cs_outcome_task_extra *extras;
    size_t nextras, cap_extras;
    cs_outcome_scope *scopes;
    size_t nscopes, cap_scopes; /* named only, by id */
    cs_outcome_log *log;
    size_t nlog, cap_log;
    cs_outcome_wait *waiting;
    size_t nwaiting, cap_waiting;
} cs_outcome;

/* A new, empty outcome; free with cs_outcome_free. */
cs_outcome *cs_outcome_new(void);
void cs_outcome_free(cs_outcome *o);

/* The trace sink: `outcome` is a cs_outcome *. */
void cs_outcome_sink(void *outcome, const cs_event *ev);

/* Borrowed string at a pool offset ("" for CS_OUTCOME_NONE). */
const char *cs_outcome_str(const cs_outcome *o, size_t off);
/* Borrowed name of exception class cls as the backend prints it. */
const char *cs_outcome_class_name(const cs_outcome *o, int32_t cls);
/* A task's exception (borrowed; failed tasks only) or NULL. */
cs_exc *cs_outcome_task_exc(const cs_outcome *o, const cs_outcome_task *t);
/* The pool offset of what a task returned (compact JSON), or CS_OUTCOME_NONE. */
size_t cs_outcome_task_returned(const cs_outcome *o, const cs_outcome_task *t);
/* Borrowed name of a task id ("?" when unknown). */
const char *cs_outcome_task_name(const cs_outcome *o, int32_t task);
/* The enums' names (cs_scope_kind_name, cs_task_state_name, cs_backend_name)
 * are trace.h's. */

/* outcome_json.c: section 4 exactly as the oracle prints it with
 * json.dumps(indent=2, ensure_ascii=False), without the final newline.
 * `base_indent` is the nesting level the object starts at (0 for a document of
 * its own; 1 for an element of a top-level array, the caller having written
 * the indentation before it). */
void cs_outcome_write_json(const cs_outcome *o, FILE *f, int base_indent);
/* The same object into a writer, for documents that embed outcomes. */
void cs_outcome_write_jw(const cs_outcome *o, cs_jw *w);
/* A JSON array of n outcomes as Python prints a list of them (no final newline). */
void cs_outcome_write_json_array(const cs_outcome *const *v, size_t n, FILE *f);
/* The outcome as a new Jansson object (same content, numbers under jnum:
 * integral times are integers, infinities the strings "inf"/"-inf"). */
json_t *cs_outcome_to_json(const cs_outcome *o);
/* The same with only some of the large members filled (the others present
 * but empty): a sweep that checks a few keys need not build them all. */
enum { CS_OUTCOME_PART_TASKS = 1, CS_OUTCOME_PART_SCOPES = 2, CS_OUTCOME_PART_LOG = 4, CS_OUTCOME_PART_ALL = 7 };
json_t *cs_outcome_to_json_parts(const cs_outcome *o, unsigned parts);

/* outcome_text.c: a compact summary for a person. */
void cs_outcome_write_text(const cs_outcome *o, FILE *f);

#endif
