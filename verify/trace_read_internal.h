/* trace_read_internal.h - the trace reader's state, shared between its files
 * (trace_read.c: lines and events; trace_read_value.c: exceptions, times,
 * names); not for use elsewhere. */
#ifndef CS_TRACE_READ_INTERNAL_H
#define CS_TRACE_READ_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "trace_read.h"

/* Longest line the reader takes (a group of a million members is far less). */
#define CS__RD_MAX_LINE ((size_t)1 << 28)

struct cs_trace_reader {
    FILE *f;
    char *line; /* the current line, NUL-terminated */
    size_t len, cap;
    uint32_t lineno;
    bool done;     /* end of file or an error: nothing more */
    json_t *obj;   /* the current line's object (the event borrows from it) */
    int key_index; /* top-level key being read, for the error column; -1 none */
    cs_trace_read_error *err;
    char *value_json; /* the current event's returned value, compact */

    void **pool; /* what lives as long as the reader: names, class tables */
    size_t npool, cap_pool;

    /* the run being read (reset at each run_start) */
    bool in_run;
    cs_backend backend;
    const char *const *classes;
    uint32_t nclasses;
    const char **tasks; /* names by task id */
    size_t ntasks, cap_tasks;
    uint32_t *task_slots; /* open addressing on the name: task id + 1, 0 empty */
    size_t ntask_slots;   /* a power of two, at least twice ntasks */
    cs_exc **excs;        /* owned references, in order of first appearance */
    size_t nexcs, cap_excs;
    uint32_t *exc_slots; /* open addressing on the id: index + 1 into excs[], 0 empty */
    size_t nexc_slots;
    int32_t *scope_host; /* by scope id: the task that entered it, -1 unknown */
    uint8_t *scope_kind; /* by scope id: its kind as entered */
    size_t nscopes, cap_scopes;
};

/* Records an error at the current line (the column of the top-level key
 * being read, else 1) unless one is recorded already; returns -1. */
int cs__rd_fail(cs_trace_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A copy of s that lives as long as the reader. */
const char *cs__rd_keep(cs_trace_reader *r, const char *s);
/* A string field that is scenario text: a NUL in it kept as text.h says. */
const char *cs__rd_text(cs_trace_reader *r, const json_t *v);
void *cs__rd_keep_ptr(cs_trace_reader *r, void *p);

/* trace_read_value.c */
/* Seconds as the writer prints them (cs_jw_float_seconds) back into the whole
 * nanoseconds they came from; `what` names the field in errors. */
int cs__rd_ns(cs_trace_reader *r, const json_t *v, const char *what, int64_t *out);
/* A float as cs_jw_float prints it: a number, or "inf" / "-inf". */
int cs__rd_float(cs_trace_reader *r, const json_t *v, const char *what, double *out);
/* An integer in [lo, hi]. */
int cs__rd_int(cs_trace_reader *r, const json_t *v, const char *what, long long lo, long long hi, long long *out);
/* An exception object: the reader's one cs_exc for its id (borrowed), or NULL
 * after an error. */
cs_exc *cs__rd_exc(cs_trace_reader *r, const json_t *v);
/* Task names: the id of `name` (-1 when no task_spawn named it), and a new
 * task (its id is the next in spawn order). */
int32_t cs__rd_task_find(const cs_trace_reader *r, const char *name);
int32_t cs__rd_task_add(cs_trace_reader *r, const char *name);
/* Forgets the run's tasks, exceptions and scopes (a new run_start). */
void cs__rd_reset_run(cs_trace_reader *r);

#endif
