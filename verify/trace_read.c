/* trace_read.c - trace lines back into events (see trace_read.h).
 *
 * A line is parsed by Jansson, then each of its fields is checked against the
 * table below (which events may carry it, which must) and stored into the
 * event, so that a line the writer could not have written is refused rather
 * than half understood.  Positions of fields are found only when there is an
 * error to report (json_pos.h, the loader's index), so reading costs one
 * Jansson parse a line.
 */
#include "trace_read.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "json_pos.h"
#include "text.h"
#include "trace_read_internal.h"
#include "util.h"

/* ---- fields ------------------------------------------------------------- */

enum {
    F_SEQ,
    F_T,
    F_EV,
    F_SCENARIO,
    F_BACKEND,
    F_SEED,
    F_CLASSES,
    F_TASK,
    F_PARENT,
    F_GROUP,
    F_GROUP_ID,
    F_SCOPE,
    F_SCOPE_ID,
    F_PARENT_SCOPE,
    F_PARENT_SCOPE_ID,
    F_KIND,
    F_DEADLINE,
    F_SHIELD,
    F_CANCEL_CALLED,
    F_CANCELLED_CAUGHT,
    F_CAUSE,
    F_STATE,
    F_EXCEPTION,
    F_RETURNED,
    F_WAKE_AT,
    F_LABEL,
    F_MSG,
    F_VALUE,
    F_K,
    F_STATEMENT,
    F_FAULT,
    F_LINE,
    F_COL,
    F_RESULT,
    F_LIMIT,
    F_HANDLER,
    F_REASON,
    F_THREAD,
    F_DATA,
    F_GENERATOR,
    F_COUNT
};

#define B(f) (UINT64_C(1) << (f))

static const char *const cs__field_names[F_COUNT] = {
    "seq",
    "t",
    "ev",
    "scenario",
    "backend",
    "seed",
    "classes",
    "task",
    "parent",
    "group",
    "group_id",
    "scope",
    "scope_id",
    "parent_scope",
    "parent_scope_id",
    "kind",
    "deadline",
    "shield",
    "cancel_called",
    "cancelled_caught",
    "cause",
    "state",
    "exception",
    "returned",
    "wake_at",
    "label",
    "msg",
    "value",
    "k",
    "statement",
    "fault",
    "line",
    "col",
    "result",
    "limit",
    "handler",
    "reason",
    "thread",
    "data",
    "generator",
};

/* Which fields each event kind has: always (req) and at most (all). */
typedef struct cs__rd_kind_fields {
    uint64_t req, all;
} cs__rd_kind_fields;

#define SCOPE (B(F_SCOPE) | B(F_SCOPE_ID))
#define POS (B(F_LINE) | B(F_COL))
#define FLAGS (B(F_CANCEL_CALLED) | B(F_CANCELLED_CAUGHT) | B(F_DEADLINE) | B(F_SHIELD))

static const cs__rd_kind_fields cs__kinds[] = {
    [CS_EV_RUN_START] = {B(F_BACKEND) | B(F_SEED) | B(F_CLASSES), B(F_SCENARIO)},
    [CS_EV_TASK_SPAWN] = {B(F_TASK) | B(F_PARENT), B(F_GROUP) | B(F_GROUP_ID) | POS},
    [CS_EV_TASK_START] = {B(F_TASK), 0},
    [CS_EV_TASK_END] = {B(F_TASK) | B(F_STATE), B(F_EXCEPTION) | B(F_RETURNED)},
    [CS_EV_SCOPE_ENTER] = {SCOPE | B(F_KIND) | B(F_TASK) | B(F_DEADLINE) | B(F_SHIELD),
                           B(F_PARENT_SCOPE) | B(F_PARENT_SCOPE_ID) | POS},
    [CS_EV_SCOPE_EXIT] = {SCOPE | FLAGS, B(F_EXCEPTION)},
    [CS_EV_SCOPE_STATE] = {SCOPE | FLAGS, 0},
    [CS_EV_SCOPE_UPDATE] = {SCOPE | B(F_TASK) | B(F_DEADLINE) | B(F_SHIELD), 0},
    [CS_EV_CANCEL] = {SCOPE | B(F_CAUSE) | B(F_TASK), B(F_REASON) | POS},
    [CS_EV_CANCEL_DELIVERED] = {B(F_TASK), SCOPE | POS},
    [CS_EV_RAISE] = {B(F_TASK), B(F_EXCEPTION) | POS | SCOPE},
    [CS_EV_CATCH] = {B(F_TASK), B(F_EXCEPTION) | POS | SCOPE | B(F_HANDLER)},
    [CS_EV_GROUP_RAISE] = {B(F_TASK), SCOPE | B(F_EXCEPTION)},
    /* "thread" (the thread's number, for the timeline's worker tracks) may be
     * missing in a recording made before it was written: no worker track */
    [CS_EV_THREAD_START] = {B(F_TASK), POS | B(F_THREAD)},
    [CS_EV_THREAD_END] = {B(F_TASK), B(F_EXCEPTION) | B(F_THREAD)},
    [CS_EV_THREAD_ABANDONED] = {B(F_TASK), POS | B(F_THREAD)},
    [CS_EV_SLEEP] = {B(F_TASK) | B(F_WAKE_AT), B(F_LABEL)},
    [CS_EV_WAKE] = {B(F_TASK), 0},
    [CS_EV_LOG] = {B(F_TASK), B(F_MSG) | B(F_VALUE) | B(F_DATA)},
    [CS_EV_TASK_WAITING] = {B(F_TASK), B(F_LABEL)},
    [CS_EV_CHECKPOINT] = {B(F_TASK) | B(F_K), B(F_STATEMENT) | SCOPE | POS},
    [CS_EV_INJECT] = {B(F_TASK), B(F_FAULT) | SCOPE | POS},
    [CS_EV_GEN_ENTER] = {B(F_TASK) | B(F_GENERATOR) | B(F_LABEL), SCOPE | POS},
    [CS_EV_YIELD] = {B(F_TASK) | B(F_GENERATOR) | B(F_LABEL), SCOPE | B(F_PARENT_SCOPE) | B(F_PARENT_SCOPE_ID) | POS},
    [CS_EV_GEN_EXIT] = {B(F_TASK) | B(F_GENERATOR) | B(F_LABEL), B(F_EXCEPTION) | POS},
    [CS_EV_ITEMS_LEFT] = {B(F_LABEL) | B(F_K), 0}, /* issue 18 */
    [CS_EV_SCOPE_EXIT_CALL] = {B(F_TASK) | SCOPE, POS},
    [CS_EV_NATIVE_CANCEL] = {B(F_TASK) | B(F_EXCEPTION) | B(F_K), 0}, /* issue 20: k is cancelling() then */
    [CS_EV_UNCANCEL] = {B(F_TASK) | B(F_K), B(F_LABEL)},              /* issue 20: k is cancelling() after it */
    [CS_EV_INTERRUPT] = {B(F_TASK), POS},                             /* issue 26: task null while the loop waited */
    [CS_EV_FOREIGN_THREAD] = {B(F_TASK) | B(F_THREAD), POS},          /* issue 26: names a thread, as a spawn a task */
    [CS_EV_PORTAL_TASK] = {B(F_TASK) | B(F_PARENT) | B(F_THREAD), B(F_GROUP) | B(F_GROUP_ID) | POS}, /* issue 26 */
    [CS_EV_RUN_END] = {B(F_RESULT), B(F_RETURNED) | B(F_EXCEPTION) | B(F_LIMIT)},
};

/* Fields that come in pairs: both or neither. */
static const int cs__pairs[][2] = {
    {F_SCOPE, F_SCOPE_ID}, {F_GROUP, F_GROUP_ID}, {F_PARENT_SCOPE, F_PARENT_SCOPE_ID}, {F_LINE, F_COL}};

/* ---- the reader --------------------------------------------------------- */

cs_trace_reader *cs_trace_reader_new(FILE *f)
{
    cs_trace_reader *r = cs_xcalloc(1, sizeof *r);
    r->f = f;
    r->key_index = -1;
    return r;
}

void cs_trace_reader_free(cs_trace_reader *r)
{
    if (!r)
        return;
    cs__rd_reset_run(r);
    json_decref(r->obj);
    free(r->value_json);
    free(r->line);
    for (size_t i = 0; i < r->npool; i++)
        free(r->pool[i]);
    free(r->pool);
    free(r->tasks);
    free(r->task_slots);
    free(r->excs);
    free(r->exc_slots);
    free(r->scope_host);
    free(r->scope_kind);
    free(r);
}

void *cs__rd_keep_ptr(cs_trace_reader *r, void *p)
{
    r->pool = cs_xgrow(r->pool, &r->cap_pool, r->npool + 1, sizeof *r->pool);
    r->pool[r->npool++] = p;
    return p;
}

const char *cs__rd_keep(cs_trace_reader *r, const char *s)
{
    return s ? cs__rd_keep_ptr(r, cs_xstrdup(s)) : NULL;
}

const char *cs__rd_text(cs_trace_reader *r, const json_t *v)
{
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    if (strlen(s) == len)
        return s;
    char *t = cs_xmalloc(cs_text_encoded_len(s, len) + 1);
    cs_text_encode(s, len, t);
    return cs__rd_keep_ptr(r, t);
}

/* The column of the value of the top-level key with index k (1 if unknown). */
static uint32_t cs__rd_key_col(const cs_trace_reader *r, int k)
{
    cs__jpos idx;
    uint32_t col = 1;
    if (k < 0 || cs__jpos_build(&idx, r->line, r->len) != 0)
        return 1;
    uint32_t c = idx.n ? cs__jpos_first(&idx, 0) : CS__JNONE;
    for (int i = 0; i < k && c != CS__JNONE; i++)
        c = cs__jpos_next(&idx, 0, c);
    if (c != CS__JNONE)
        col = cs__jpos_value(&idx, c).col;
    cs__jpos_free(&idx);
    return col;
}

int cs__rd_fail(cs_trace_reader *r, const char *fmt, ...)
{
    if (r->done)
        return -1;
    r->done = true;
    r->err->pos.line = r->lineno;
    r->err->pos.col = r->obj ? cs__rd_key_col(r, r->key_index) : 1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err->message, sizeof r->err->message, fmt, ap);
    va_end(ap);
    return -1;
}

/* Reads the next line into r->line; 1, 0 at the end of the file, -1 error. */
static int cs__rd_getline(cs_trace_reader *r)
{
    errno = 0;
    ssize_t n = getline(&r->line, &r->cap, r->f);
    if (n < 0) {
        if (ferror(r->f) || errno == ENOMEM)
            return cs__rd_fail(r, "cannot read: %s", strerror(errno ? errno : EIO));
        return 0;
    }
    r->lineno++;
    r->len = (size_t)n;
    if (r->len > CS__RD_MAX_LINE)
        return cs__rd_fail(r, "line longer than %zu bytes", CS__RD_MAX_LINE);
    if (r->len && r->line[r->len - 1] == '\n')
        r->line[--r->len] = '\0';
    return 1;
}

/* ---- one field ---------------------------------------------------------- */

/* What a line says beyond the event's own fields, settled after all of them. */
typedef struct cs__rd_said {
    uint64_t seen;           /* B(F_...) of the fields present */
    const char *task_name;   /* task_spawn: the new task's name */
    const char *scope_name;  /* "scope" (NULL for null) */
    const char *result_name; /* run_end's "result" */
} cs__rd_said;

static int cs__rd_string(cs_trace_reader *r, const json_t *v, const char *what, const char **out)
{
    if (!json_is_string(v))
        return cs__rd_fail(r, "%s must be a string", what);
    *out = json_string_value(v);
    return 0;
}

static int cs__rd_name(cs_trace_reader *r, const json_t *v, const char *what, const char **out)
{
    if (json_is_null(v)) {
        *out = NULL;
        return 0;
    }
    return cs__rd_string(r, v, what, out);
}

static int cs__rd_bool(cs_trace_reader *r, const json_t *v, const char *what, bool *out)
{
    if (!json_is_boolean(v))
        return cs__rd_fail(r, "%s must be true or false", what);
    *out = json_is_true(v);
    return 0;
}

/* A task named by an earlier task_spawn, or null (-1). */
static int cs__rd_task_ref(cs_trace_reader *r, const json_t *v, const char *what, int32_t *out)
{
    const char *name = NULL;
    if (cs__rd_name(r, v, what, &name) < 0)
        return -1;
    *out = name ? cs__rd_task_find(r, name) : -1;
    if (name && *out < 0)
        return cs__rd_fail(r, "%s '%s' names no task spawned before this line", what, name);
    return 0;
}

/* A scope id, bounded by what a trace this long could have made. */
static int cs__rd_scope_ref(cs_trace_reader *r, const json_t *v, const char *what, int32_t *out)
{
    long long bound = 2 * (long long)r->lineno + 4096, id;
    if (bound > INT32_MAX - 1)
        bound = INT32_MAX - 1;
    if (cs__rd_int(r, v, what, 0, bound, &id) < 0)
        return -1;
    *out = (int32_t)id;
    return 0;
}

/* Fields that name tasks and scopes. */
static int cs__rd_field_ref(cs_trace_reader *r, int f, const json_t *v, cs_event *ev, cs__rd_said *L)
{
    switch (f) {
    case F_TASK:
        if (ev->kind == CS_EV_TASK_SPAWN || ev->kind == CS_EV_FOREIGN_THREAD || ev->kind == CS_EV_PORTAL_TASK)
            return cs__rd_string(r, v, "task", &L->task_name);
        return cs__rd_task_ref(r, v, "task", &ev->task);
    case F_PARENT: return cs__rd_task_ref(r, v, "parent", &ev->parent);
    case F_GROUP: return cs__rd_name(r, v, "group", &(const char *){NULL});
    case F_GROUP_ID: return cs__rd_scope_ref(r, v, "group_id", &ev->group);
    case F_SCOPE: return cs__rd_name(r, v, "scope", &L->scope_name);
    case F_SCOPE_ID: return cs__rd_scope_ref(r, v, "scope_id", &ev->scope);
    case F_PARENT_SCOPE: return cs__rd_name(r, v, "parent_scope", &(const char *){NULL});
    case F_PARENT_SCOPE_ID: return cs__rd_scope_ref(r, v, "parent_scope_id", &ev->parent);
    case F_EXCEPTION: return (ev->exc = cs__rd_exc(r, v)) ? 0 : -1;
    default: return 1; /* not one of these */
    }
}

static int cs__rd_classes(cs_trace_reader *r, const json_t *v, cs_event *ev)
{
    if (!json_is_array(v) || json_array_size(v) < CS_EXC_BUILTIN_COUNT || json_array_size(v) > INT32_MAX)
        return cs__rd_fail(r, "classes must be an array of the class names, the built-in ones first");
    size_t n = json_array_size(v);
    const char **names = cs__rd_keep_ptr(r, cs_xcalloc(n, sizeof *names));
    for (size_t i = 0; i < n; i++) {
        const char *s = NULL;
        if (cs__rd_string(r, json_array_get(v, i), "a class name", &s) < 0)
            return -1;
        names[i] = cs__rd_keep(r, s);
    }
    /* group and cancellation classes are known by their index (exc.h) */
    if (strcmp(names[CS_EXC_BASE_EXCEPTION_GROUP], "BaseExceptionGroup") != 0 ||
        strcmp(names[CS_EXC_EXCEPTION_GROUP], "ExceptionGroup") != 0 ||
        strcmp(names[CS_EXC_CANCELLED], cs_cancelled_class_name(ev->backend)) != 0)
        return cs__rd_fail(r, "classes must list the built-in classes in their order (%s at %d)",
                           cs_cancelled_class_name(ev->backend), CS_EXC_CANCELLED);
    r->classes = ev->class_names = names;
    r->nclasses = ev->nclasses = (uint32_t)n;
    return 0;
}

/* A returned value, kept as the compact JSON text the engine carries. */
static int cs__rd_returned(cs_trace_reader *r, const json_t *v, cs_event *ev)
{
    free(r->value_json);
    r->value_json = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!r->value_json)
        return cs__rd_fail(r, "returned: a value that cannot be written back");
    ev->value_json = r->value_json;
    return 0;
}

static int cs__rd_log_value(cs_trace_reader *r, const json_t *v, cs_event *ev)
{
    if (ev->value_kind != CS_VAL_NONE)
        return cs__rd_fail(r, "a log line has \"value\" or \"data\", not both");
    if (json_is_boolean(v)) {
        ev->value_kind = CS_VAL_BOOL;
        ev->boolean = json_is_true(v);
        return 0;
    }
    ev->value_kind = CS_VAL_NUMBER;
    return cs__rd_float(r, v, "value", &ev->number);
}

/* A log line's JSON value (an item received from a stream, statistics). */
static int cs__rd_log_data(cs_trace_reader *r, const json_t *v, cs_event *ev)
{
    if (ev->value_kind != CS_VAL_NONE)
        return cs__rd_fail(r, "a log line has \"value\" or \"data\", not both");
    int rc = cs__rd_returned(r, v, ev);
    ev->value_kind = CS_VAL_JSON;
    return rc;
}

static int cs__rd_wake_at(cs_trace_reader *r, const json_t *v, cs_event *ev)
{
    if (json_is_string(v) && strcmp(json_string_value(v), "inf") == 0) {
        ev->wake_at = INT64_MAX;
        return 0;
    }
    return cs__rd_ns(r, v, "wake_at", &ev->wake_at);
}

/* Reads an enum through its name table (trace_names.c). */
#define CS__RD_ENUM(parse, type, what, dst)                                             \
    do {                                                                                \
        const char *s_ = NULL;                                                          \
        type x_;                                                                        \
        if (cs__rd_string(r, v, what, &s_) < 0)                                         \
            return -1;                                                                  \
        if (!parse(s_, &x_))                                                            \
            return cs__rd_fail(r, "%s '%s' is not one of the trace's names", what, s_); \
        dst = x_;                                                                       \
    } while (0)

/* Every other field: values of the event. */
static int cs__rd_field_value(cs_trace_reader *r, int f, const json_t *v, cs_event *ev, cs__rd_said *L)
{
    long long n;
    switch (f) {
    case F_SEQ:
        if (cs__rd_int(r, v, "seq", 0, INT64_MAX, &n) < 0)
            return -1;
        ev->seq = (uint64_t)n;
        return 0;
    case F_T: return cs__rd_ns(r, v, "t", &ev->t);
    case F_EV:
    case F_BACKEND: return 0; /* read first */
    case F_SCENARIO: return cs__rd_string(r, v, "scenario", &ev->scenario);
    case F_SEED:
        if (cs__rd_int(r, v, "seed", INT64_MIN, INT64_MAX, &n) < 0)
            return -1;
        ev->seed = (uint64_t)n; /* the writer prints seeds above 2^63 negative */
        return 0;
    case F_CLASSES: return cs__rd_classes(r, v, ev);
    case F_KIND: CS__RD_ENUM(cs_scope_kind_parse, cs_scope_kind, "kind", ev->scope_kind); return 0;
    case F_DEADLINE: return cs__rd_float(r, v, "deadline", &ev->deadline);
    case F_SHIELD: return cs__rd_bool(r, v, "shield", &ev->shield);
    case F_CANCEL_CALLED: return cs__rd_bool(r, v, "cancel_called", &ev->cancel_called);
    case F_CANCELLED_CAUGHT: return cs__rd_bool(r, v, "cancelled_caught", &ev->cancelled_caught);
    case F_CAUSE: CS__RD_ENUM(cs_cancel_cause_parse, cs_cancel_cause, "cause", ev->cause); return 0;
    case F_STATE: CS__RD_ENUM(cs_task_state_parse, cs_task_state, "state", ev->state); return 0;
    case F_RETURNED: return cs__rd_returned(r, v, ev);
    case F_WAKE_AT: return cs__rd_wake_at(r, v, ev);
    case F_LABEL: return cs__rd_string(r, v, "label", &ev->label);
    case F_GENERATOR: return cs__rd_string(r, v, "generator", &ev->name);
    case F_STATEMENT: return cs__rd_string(r, v, "statement", &ev->label);
    case F_FAULT: return cs__rd_string(r, v, "fault", &ev->label);
    case F_HANDLER: /* the kinds of handler a catch names */
        if (json_is_string(v) && strcmp(json_string_value(v), "aclose") == 0) {
            ev->label = "aclose";
            return 0;
        }
        if (json_is_string(v) && strcmp(json_string_value(v), "asyncio.TaskGroup") == 0) {
            ev->label = "asyncio.TaskGroup";
            return 0;
        }
        if (json_is_string(v) && strcmp(json_string_value(v), "asyncio.wait_for") == 0) { /* issue 20 */
            ev->label = "asyncio.wait_for";
            return 0;
        }
        if (!json_is_string(v) || strcmp(json_string_value(v), "except*") != 0)
            return cs__rd_fail(
                r, "handler must be \"except*\", \"aclose\", \"asyncio.TaskGroup\" or \"asyncio.wait_for\"");
        ev->label = "except*";
        return 0;
    case F_MSG: return cs__rd_string(r, v, "msg", &ev->msg) < 0 ? -1 : (ev->msg = cs__rd_text(r, v), 0);
    case F_REASON: return cs__rd_string(r, v, "reason", &ev->msg) < 0 ? -1 : (ev->msg = cs__rd_text(r, v), 0);
    case F_VALUE: return cs__rd_log_value(r, v, ev);
    case F_DATA: return cs__rd_log_data(r, v, ev);
    case F_K:
        /* issue 20: an uncancel's or native_cancel's k is a cancelling(), which may be 0 */
        if (cs__rd_int(r, v, "k", ev->kind == CS_EV_UNCANCEL || ev->kind == CS_EV_NATIVE_CANCEL ? 0 : 1, UINT32_MAX,
                       &n) < 0)
            return -1;
        ev->count = (uint32_t)n;
        return 0;
    case F_THREAD: /* numbered from 1 as threads start: bounded as scope ids are,
                    * since the timeline keeps a slot per number */
        if (cs__rd_int(r, v, "thread", 1, 2 * (long long)r->lineno + 4096, &n) < 0)
            return -1;
        ev->count = (uint32_t)n;
        return 0;
    case F_LINE:
    case F_COL:
        if (cs__rd_int(r, v, cs__field_names[f], 1, UINT32_MAX, &n) < 0)
            return -1;
        *(f == F_LINE ? &ev->pos.line : &ev->pos.col) = (uint32_t)n;
        return 0;
    case F_RESULT: return cs__rd_string(r, v, "result", &L->result_name);
    case F_LIMIT: CS__RD_ENUM(cs_limit_parse, cs_result_kind, "limit", ev->result); return 0;
    default: return cs__rd_fail(r, "internal: field %d", f);
    }
}

/* ---- one line ----------------------------------------------------------- */

/* The field a key names, or -1: the few names starting with the key's first
 * letter are compared (a trace has millions of keys). */
static int cs__rd_field_index(const char *key)
{
    static int8_t next[F_COUNT], head[26];
    static bool ready;
    if (!ready) { /* lists of fields by first letter, in table order */
        memset(head, -1, sizeof head);
        for (int f = F_COUNT - 1; f >= 0; f--) {
            int c = cs__field_names[f][0] - 'a';
            next[f] = head[c];
            head[c] = (int8_t)f;
        }
        ready = true;
    }
    if (key[0] < 'a' || key[0] > 'z')
        return -1;
    for (int f = head[key[0] - 'a']; f >= 0; f = next[f])
        if (strcmp(cs__field_names[f], key) == 0)
            return f;
    return -1;
}

/* The line's JSON object into r->obj, its kind into ev (a fresh event). */
static int cs__rd_parse(cs_trace_reader *r, cs_event *ev)
{
    json_decref(r->obj);
    json_error_t je;
    r->obj = json_loadb(r->line, r->len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je); /* text may hold NUL */
    if (!r->obj) { /* the loader's byte check says more about a NUL or bad UTF-8 */
        cs_pos bp;
        char msg[128];
        bool bytes = cs__json_check_bytes(r->line, r->len, &bp, msg, sizeof msg) != 0;
        cs__rd_fail(r, "%s", bytes ? msg : je.text);
        r->err->pos.col = bytes ? bp.col : je.column > 0 ? (uint32_t)je.column : 1;
        return -1;
    }
    if (!json_is_object(r->obj))
        return cs__rd_fail(r, "a trace line must be a JSON object");
    memset(ev, 0, sizeof *ev);
    ev->task = ev->parent = ev->group = ev->scope = -1;
    json_t *k = json_object_get(r->obj, "ev");
    if (!json_is_string(k) || !cs_event_kind_parse(json_string_value(k), &ev->kind))
        return cs__rd_fail(r, "\"ev\" must name an event kind of section 5");
    if (ev->kind == CS_EV_RUN_START) {
        json_t *b = json_object_get(r->obj, "backend");
        if (!json_is_string(b) || !cs_backend_parse(json_string_value(b), &ev->backend))
            return cs__rd_fail(r, "run_start's \"backend\" must be \"asyncio\" or \"trio\"");
        cs__rd_reset_run(r);
        r->in_run = true;
        r->backend = ev->backend;
    } else if (!r->in_run) {
        return cs__rd_fail(r, "a %s before any run_start", cs_event_kind_name(ev->kind));
    }
    ev->backend = r->backend;
    return 0;
}

/* Every field of the line, each checked against the kind's table. */
static int cs__rd_fields(cs_trace_reader *r, cs_event *ev, cs__rd_said *L)
{
    const cs__rd_kind_fields *kf = &cs__kinds[ev->kind];
    uint64_t common = B(F_SEQ) | B(F_T) | B(F_EV);
    const char *key;
    json_t *v;
    r->key_index = 0;
    json_object_foreach (r->obj, key, v) {
        int f = cs__rd_field_index(key);
        if (f < 0)
            return cs__rd_fail(r, "unknown field \"%s\"", key);
        if (!((common | kf->req | kf->all) & B(f)))
            return cs__rd_fail(r, "a %s event has no field \"%s\"", cs_event_kind_name(ev->kind), key);
        L->seen |= B(f);
        int rc = cs__rd_field_ref(r, f, v, ev, L);
        if (rc == 1)
            rc = cs__rd_field_value(r, f, v, ev, L);
        if (rc < 0)
            return -1;
        r->key_index++;
    }
    r->key_index = -1;
    uint64_t missing = (common | kf->req) & ~L->seen;
    for (int f = 0; f < F_COUNT; f++)
        if (missing & B(f))
            return cs__rd_fail(r, "a %s event needs \"%s\"", cs_event_kind_name(ev->kind), cs__field_names[f]);
    for (size_t i = 0; i < sizeof cs__pairs / sizeof cs__pairs[0]; i++)
        if (!(L->seen & B(cs__pairs[i][0])) != !(L->seen & B(cs__pairs[i][1])))
            return cs__rd_fail(r, "\"%s\" and \"%s\" come together", cs__field_names[cs__pairs[i][0]],
                               cs__field_names[cs__pairs[i][1]]);
    return 0;
}

/* run_end: the result and what goes with it. */
static int cs__rd_result(cs_trace_reader *r, cs_event *ev, const cs__rd_said *L)
{
    const char *s = L->result_name;
    uint64_t with;
    if (strcmp(s, "returned") == 0) {
        ev->result = CS_RESULT_RETURNED;
        with = B(F_RETURNED);
    } else if (strcmp(s, "raised") == 0) {
        ev->result = CS_RESULT_RAISED;
        with = B(F_EXCEPTION);
    } else if (strcmp(s, "deadlock") == 0) {
        ev->result = CS_RESULT_DEADLOCK;
        with = 0;
    } else if (strcmp(s, "limit") == 0) {
        with = B(F_LIMIT); /* ev->result was set by "limit" */
    } else {
        return cs__rd_fail(r, "result '%s' is not returned, raised, deadlock or limit", s);
    }
    uint64_t extra = B(F_RETURNED) | B(F_EXCEPTION) | B(F_LIMIT);
    if ((L->seen & extra) != with)
        return cs__rd_fail(r, "a run_end with result '%s' has %s", s,
                           with == B(F_RETURNED)    ? "\"returned\" and nothing else of exception, limit"
                           : with == B(F_EXCEPTION) ? "\"exception\" and nothing else of returned, limit"
                           : with == B(F_LIMIT)     ? "\"limit\" and nothing else of returned, exception"
                                                    : "none of returned, exception, limit");
    return 0;
}

/* Remembers a scope's host and kind at its scope_enter (ids are bounded by
 * cs__rd_scope_ref, so the tables are too). */
static void cs__rd_scope_entered(cs_trace_reader *r, const cs_event *ev)
{
    size_t need = (size_t)ev->scope + 1;
    if (need > r->nscopes) {
        size_t cap = r->cap_scopes;
        r->scope_host = cs_xgrow(r->scope_host, &cap, need, sizeof *r->scope_host);
        r->scope_kind = cs_xgrow(r->scope_kind, &r->cap_scopes, need, sizeof *r->scope_kind);
        for (size_t i = r->nscopes; i < need; i++) {
            r->scope_host[i] = -1;
            r->scope_kind[i] = CS_KIND_INTERNAL;
        }
        r->nscopes = need;
    }
    r->scope_host[ev->scope] = ev->task;
    r->scope_kind[ev->scope] = (uint8_t)ev->scope_kind;
}

/* What the event takes from the line as a whole or from the lines before. */
static int cs__rd_settle(cs_trace_reader *r, cs_event *ev, const cs__rd_said *L)
{
    bool known = ev->scope >= 0 && (size_t)ev->scope < r->nscopes;
    switch (ev->kind) {
    case CS_EV_RUN_START: ev->scenario = cs__rd_keep(r, ev->scenario); return 0;
    case CS_EV_RUN_END: return cs__rd_result(r, ev, L);
    case CS_EV_TASK_SPAWN:
    case CS_EV_FOREIGN_THREAD: /* issue 26: a thread's name, for the id its events carry */
    case CS_EV_PORTAL_TASK:    /* issue 26: a portal call's task, not a scenario task */
        if (cs__rd_task_find(r, L->task_name) >= 0)
            return cs__rd_fail(r, "task '%s' is spawned twice", L->task_name);
        if ((ev->task = cs__rd_task_add(r, L->task_name)) < 0)
            return -1;
        ev->name = r->tasks[ev->task];
        return 0;
    case CS_EV_SCOPE_ENTER:
        ev->name = cs__rd_keep(r, L->scope_name);
        cs__rd_scope_entered(r, ev);
        return 0;
    case CS_EV_SCOPE_EXIT:
    case CS_EV_SCOPE_STATE:
        /* the engine names the scope's host and kind here; the line does not */
        ev->name = L->scope_name;
        ev->scope_kind = known ? (cs_scope_kind)r->scope_kind[ev->scope] : CS_KIND_INTERNAL;
        if (ev->kind == CS_EV_SCOPE_EXIT)
            ev->task = known ? r->scope_host[ev->scope] : -1;
        return 0;
    default: return 0;
    }
}

int cs_trace_reader_next(cs_trace_reader *r, cs_event *ev, cs_trace_read_error *err)
{
    r->err = err;
    if (r->done)
        return err->message[0] ? -1 : 0;
    err->message[0] = '\0';
    int rc = cs__rd_getline(r);
    if (rc <= 0) {
        r->done = true;
        return rc;
    }
    if (r->len == 0)
        return cs__rd_fail(r, "an empty line (a trace has one event on every line)");
    cs__rd_said L;
    memset(&L, 0, sizeof L);
    if (cs__rd_parse(r, ev) < 0 || cs__rd_fields(r, ev, &L) < 0 || cs__rd_settle(r, ev, &L) < 0)
        return -1;
    return 1;
}

/* ---- runs --------------------------------------------------------------- */

void cs_trace_runs_free(cs_trace_run *runs, size_t nruns)
{
    for (size_t i = 0; i < nruns; i++) {
        cs_outcome_free(runs[i].outcome);
        cs_findings_free(runs[i].findings);
    }
    free(runs);
}

int cs_trace_replay(FILE *f, cs_trace_run **runs, size_t *nruns, cs_trace_read_error *err)
{
    cs_trace_reader *r = cs_trace_reader_new(f);
    cs_trace_run *v = NULL;
    size_t n = 0, cap = 0;
    cs_event ev;
    int rc;
    memset(err, 0, sizeof *err);
    while ((rc = cs_trace_reader_next(r, &ev, err)) == 1) {
        if (ev.kind == CS_EV_RUN_START) {
            v = cs_xgrow(v, &cap, n + 1, sizeof *v);
            v[n++] = (cs_trace_run){cs_outcome_new(), cs_findings_new()};
        }
        cs_outcome_sink(v[n - 1].outcome, &ev);
        cs_findings_sink(v[n - 1].findings, &ev);
    }
    if (rc == 0 && n == 0) {
        rc = -1;
        err->pos = (cs_pos){r->lineno ? r->lineno : 1, 1};
        snprintf(err->message, sizeof err->message, "no run_start: not a trace written by run --trace");
    }
    cs_trace_reader_free(r);
    if (rc < 0) {
        cs_trace_runs_free(v, n);
        return -1;
    }
    *runs = v;
    *nruns = n;
    return 0;
}
