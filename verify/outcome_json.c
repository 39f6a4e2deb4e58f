/* outcome_json.c - the outcome as JSON (scenario-format.md section 4).
 *
 * Two forms with the same content: a stream in the oracle's exact layout
 * (json.dumps(indent=2, ensure_ascii=False)), and a Jansson value for
 * expectation matching.  Both follow the oracle's key order: scenario,
 * backend, result, end_time, tasks, scopes, log; per task state, end,
 * exception, returned; per exception type, message, exceptions.
 */
#include "outcome.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"
#include "text.h"
#include "util.h"

/* ---- streaming ---------------------------------------------------------- */

static void cs__jw_exc(cs_jw *w, const cs_outcome *o, const cs_exc *e)
{
    cs_jw_begin_object(w);
    CS_JW_KEY(w, "type");
    cs_jw_string(w, cs_outcome_class_name(o, e->cls));
    CS_JW_KEY(w, "message");
    cs_jw_string(w, e->message ? e->message : "");
    if (cs_exc_is_group(e)) {
        CS_JW_KEY(w, "exceptions");
        cs_jw_begin_array(w);
        for (uint32_t i = 0; i < e->nmembers; i++)
            cs__jw_exc(w, o, e->members[i]);
        cs_jw_end_array(w);
    }
    cs_jw_end_object(w);
}

/* A returned value: compact JSON text, or null when absent. */
static void cs__jw_returned(cs_jw *w, const cs_outcome *o, size_t off)
{
    if (off == CS_OUTCOME_NONE)
        cs_jw_null(w);
    else
        cs_jw_json_text(w, cs_outcome_str(o, off));
}

static void cs__jw_result(cs_jw *w, const cs_outcome *o)
{
    if (!o->ended) {
        cs_jw_null(w); /* the run never finished: nothing to report */
        return;
    }
    cs_jw_begin_object(w);
    switch (o->result) {
    case CS_RESULT_RETURNED:
        CS_JW_KEY(w, "returned");
        cs__jw_returned(w, o, o->returned);
        break;
    case CS_RESULT_RAISED:
        CS_JW_KEY(w, "raised");
        if (o->raised)
            cs__jw_exc(w, o, o->raised);
        else
            cs_jw_null(w);
        break;
    case CS_RESULT_DEADLOCK:
        CS_JW_KEY(w, "deadlock");
        cs_jw_begin_object(w);
        CS_JW_KEY(w, "waiting");
        cs_jw_begin_object(w);
        for (size_t i = 0; i < o->nwaiting; i++) {
            cs_jw_key(w, cs_outcome_task_name(o, o->waiting[i].task));
            cs_jw_string(w, cs_outcome_str(o, o->waiting[i].label));
        }
        cs_jw_end_object(w);
        cs_jw_end_object(w);
        break;
    case CS_RESULT_LIMIT_TIME:
    case CS_RESULT_LIMIT_STEPS:
    case CS_RESULT_LIMIT_TASKS:
    case CS_RESULT_LIMIT_TIMERS:
    case CS_RESULT_LIMIT_TRACE:
    case CS_RESULT_LIMIT_MEMORY:
        CS_JW_KEY(w, "limit");
        cs_jw_string(w, cs_limit_name(o->result));
        break;
    }
    cs_jw_end_object(w);
}

static void cs__jw_tasks(cs_jw *w, const cs_outcome *o)
{
    cs_jw_begin_object(w);
    for (size_t i = 0; i < o->ntasks; i++) {
        const cs_outcome_task *t = &o->tasks[i];
        if (!t->spawned)
            continue;
        cs_jw_key(w, cs_outcome_str(o, t->name));
        cs_jw_begin_object(w);
        CS_JW_KEY(w, "state");
        cs_jw_string(w, cs_task_state_name(t->state));
        if (t->state != CS_TASK_UNFINISHED) {
            CS_JW_KEY(w, "end");
            cs_jw_seconds(w, t->end);
        }
        cs_exc *x = cs_outcome_task_exc(o, t);
        size_t ret = cs_outcome_task_returned(o, t);
        if (x) {
            CS_JW_KEY(w, "exception");
            cs__jw_exc(w, o, x);
        }
        if (ret != CS_OUTCOME_NONE) {
            CS_JW_KEY(w, "returned");
            cs__jw_returned(w, o, ret);
        }
        cs_jw_end_object(w);
    }
    cs_jw_end_object(w);
}

static void cs__jw_scopes(cs_jw *w, const cs_outcome *o)
{
    cs_jw_begin_object(w);
    for (size_t i = 0; i < o->nscopes; i++) {
        const cs_outcome_scope *s = &o->scopes[i];
        cs_jw_key(w, cs_outcome_str(o, s->name));
        cs_jw_begin_object(w);
        CS_JW_KEY(w, "kind");
        cs_jw_string(w, cs_scope_kind_name(s->kind));
        CS_JW_KEY(w, "cancel_called");
        cs_jw_bool(w, s->cancel_called);
        CS_JW_KEY(w, "cancelled_caught");
        cs_jw_bool(w, s->cancelled_caught);
        CS_JW_KEY(w, "deadline");
        cs_jw_number(w, s->deadline);
        CS_JW_KEY(w, "shield");
        cs_jw_bool(w, s->shield);
        cs_jw_end_object(w);
    }
    cs_jw_end_object(w);
}

static void cs__jw_log(cs_jw *w, const cs_outcome *o)
{
    cs_jw_begin_array(w);
    for (size_t i = 0; i < o->nlog; i++) {
        const cs_outcome_log *l = &o->log[i];
        cs_jw_begin_object(w);
        CS_JW_KEY(w, "t");
        cs_jw_seconds(w, l->t);
        CS_JW_KEY(w, "task");
        cs_jw_string(w, cs_outcome_task_name(o, l->task));
        CS_JW_KEY(w, "msg");
        cs_jw_string(w, cs_outcome_str(o, l->msg));
        if (l->value_kind != CS_VAL_NONE) {
            CS_JW_KEY(w, "value");
            if (l->value_kind == CS_VAL_BOOL)
                cs_jw_bool(w, l->boolean);
            else if (l->value_kind == CS_VAL_JSON)
                cs__jw_returned(w, o, l->json);
            else
                cs_jw_number(w, l->number);
        }
        cs_jw_end_object(w);
    }
    cs_jw_end_array(w);
}

/* Big enough that stdio sees few, large writes; small enough for any stack. */
#define CS__OUT_BUFSIZE 32768

static void cs__jw_outcome(const cs_outcome *o, cs_jw *w)
{
    cs_jw_begin_object(w);
    CS_JW_KEY(w, "scenario");
    cs_jw_string(w, cs_outcome_str(o, o->scenario));
    CS_JW_KEY(w, "backend");
    cs_jw_string(w, cs_backend_name(o->backend));
    CS_JW_KEY(w, "result");
    cs__jw_result(w, o);
    CS_JW_KEY(w, "end_time");
    cs_jw_seconds(w, o->end_time);
    CS_JW_KEY(w, "tasks");
    cs__jw_tasks(w, o);
    CS_JW_KEY(w, "scopes");
    cs__jw_scopes(w, o);
    CS_JW_KEY(w, "log");
    cs__jw_log(w, o);
    cs_jw_end_object(w);
}

/* The text goes through a buffer of ours (unless the caller's writer has
 * one), flushed before returning: the caller may write to the FILE next. */
void cs_outcome_write_jw(const cs_outcome *o, cs_jw *w)
{
    if (w->buf) {
        cs__jw_outcome(o, w);
        return;
    }
    char buf[CS__OUT_BUFSIZE];
    cs_jw_set_buffer(w, buf, sizeof buf);
    cs__jw_outcome(o, w);
    cs_jw_flush(w);
    cs_jw_set_buffer(w, NULL, 0);
}

void cs_outcome_write_json(const cs_outcome *o, FILE *f, int base_indent)
{
    cs_jw w;
    cs_jw_init(&w, f, 2, base_indent);
    cs_outcome_write_jw(o, &w);
}

void cs_outcome_write_json_array(const cs_outcome *const *v, size_t n, FILE *f)
{
    char buf[CS__OUT_BUFSIZE];
    cs_jw w;
    cs_jw_init(&w, f, 2, 0);
    cs_jw_set_buffer(&w, buf, sizeof buf);
    cs_jw_begin_array(&w);
    for (size_t i = 0; i < n; i++)
        cs__jw_outcome(v[i], &w);
    cs_jw_end_array(&w);
    cs_jw_flush(&w);
}

/* ---- Jansson ------------------------------------------------------------ */

static json_t *cs__seconds(int64_t ns)
{
    return cs_json_number((double)ns / 1e9);
}

/* Scenario text as a Jansson string: a NUL kept in it (text.h) is a NUL
 * again, as in the expectations Jansson read from the file. */
static json_t *cs__text_json(const char *s)
{
    if (!strchr(s, (char)CS_TEXT_NUL0))
        return json_string_nocheck(s);
    char *b = cs_xmalloc(strlen(s) + 1);
    size_t n = cs_text_decode(s, b);
    json_t *j = json_stringn_nocheck(b, n);
    free(b);
    return j;
}

static json_t *cs__exc_json(const cs_outcome *o, const cs_exc *e)
{
    json_t *j = json_object();
    json_object_set_new(j, "type", json_string_nocheck(cs_outcome_class_name(o, e->cls)));
    json_object_set_new(j, "message", cs__text_json(e->message ? e->message : ""));
    if (cs_exc_is_group(e)) {
        json_t *a = json_array();
        for (uint32_t i = 0; i < e->nmembers; i++)
            json_array_append_new(a, cs__exc_json(o, e->members[i]));
        json_object_set_new(j, "exceptions", a);
    }
    return j;
}

static json_t *cs__returned_json(const cs_outcome *o, size_t off)
{
    if (off == CS_OUTCOME_NONE)
        return json_null();
    json_t *v = json_loads(cs_outcome_str(o, off), JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    if (!v)
        return json_string_nocheck(cs_outcome_str(o, off)); /* unparsable: keep the text */
    json_t *n = cs_json_normalize(v);
    json_decref(v);
    return n;
}

static json_t *cs__result_json(const cs_outcome *o)
{
    if (!o->ended)
        return json_null();
    json_t *r = json_object();
    if (o->result == CS_RESULT_RETURNED) {
        json_object_set_new(r, "returned", cs__returned_json(o, o->returned));
    } else if (o->result == CS_RESULT_RAISED) {
        json_object_set_new(r, "raised", o->raised ? cs__exc_json(o, o->raised) : json_null());
    } else if (o->result == CS_RESULT_DEADLOCK) {
        json_t *waiting = json_object();
        for (size_t i = 0; i < o->nwaiting; i++)
            json_object_set_new_nocheck(waiting, cs_outcome_task_name(o, o->waiting[i].task),
                                        json_string_nocheck(cs_outcome_str(o, o->waiting[i].label)));
        json_object_set_new(r, "deadlock", json_pack("{s:o}", "waiting", waiting));
    } else {
        json_object_set_new(r, "limit", json_string(cs_limit_name(o->result)));
    }
    return r;
}

static json_t *cs__task_json(const cs_outcome *o, const cs_outcome_task *t)
{
    json_t *j = json_object();
    json_object_set_new(j, "state", json_string(cs_task_state_name(t->state)));
    if (t->state != CS_TASK_UNFINISHED)
        json_object_set_new(j, "end", cs__seconds(t->end));
    cs_exc *x = cs_outcome_task_exc(o, t);
    size_t ret = cs_outcome_task_returned(o, t);
    if (x)
        json_object_set_new(j, "exception", cs__exc_json(o, x));
    if (ret != CS_OUTCOME_NONE)
        json_object_set_new(j, "returned", cs__returned_json(o, ret));
    return j;
}

static json_t *cs__scope_json(const cs_outcome_scope *s)
{
    json_t *j = json_object();
    json_object_set_new(j, "kind", json_string(cs_scope_kind_name(s->kind)));
    json_object_set_new(j, "cancel_called", json_boolean(s->cancel_called));
    json_object_set_new(j, "cancelled_caught", json_boolean(s->cancelled_caught));
    json_object_set_new(j, "deadline", cs_json_number(s->deadline));
    json_object_set_new(j, "shield", json_boolean(s->shield));
    return j;
}

static json_t *cs__log_json(const cs_outcome *o, const cs_outcome_log *l)
{
    json_t *j = json_object();
    json_object_set_new(j, "t", cs__seconds(l->t));
    json_object_set_new(j, "task", json_string_nocheck(cs_outcome_task_name(o, l->task)));
    json_object_set_new(j, "msg", cs__text_json(cs_outcome_str(o, l->msg)));
    if (l->value_kind == CS_VAL_BOOL)
        json_object_set_new(j, "value", json_boolean(l->boolean));
    else if (l->value_kind == CS_VAL_NUMBER)
        json_object_set_new(j, "value", cs_json_number(l->number));
    else if (l->value_kind == CS_VAL_JSON)
        json_object_set_new(j, "value", cs__returned_json(o, l->json));
    return j;
}

json_t *cs_outcome_to_json_parts(const cs_outcome *o, unsigned parts)
{
    json_t *tasks = json_object(), *scopes = json_object(), *log = json_array();
    for (size_t i = 0; (parts & CS_OUTCOME_PART_TASKS) && i < o->ntasks; i++)
        if (o->tasks[i].spawned)
            json_object_set_new_nocheck(tasks, cs_outcome_str(o, o->tasks[i].name), cs__task_json(o, &o->tasks[i]));
    for (size_t i = 0; (parts & CS_OUTCOME_PART_SCOPES) && i < o->nscopes; i++)
        json_object_set_new_nocheck(scopes, cs_outcome_str(o, o->scopes[i].name), cs__scope_json(&o->scopes[i]));
    for (size_t i = 0; (parts & CS_OUTCOME_PART_LOG) && i < o->nlog; i++)
        json_array_append_new(log, cs__log_json(o, &o->log[i]));

    json_t *j = json_object();
    json_object_set_new(j, "scenario", json_string_nocheck(cs_outcome_str(o, o->scenario)));
    json_object_set_new(j, "backend", json_string(cs_backend_name(o->backend)));
    json_object_set_new(j, "result", cs__result_json(o));
    json_object_set_new(j, "end_time", cs__seconds(o->end_time));
    json_object_set_new(j, "tasks", tasks);
    json_object_set_new(j, "scopes", scopes);
    json_object_set_new(j, "log", log);
    return j;
}

json_t *cs_outcome_to_json(const cs_outcome *o)
{
    return cs_outcome_to_json_parts(o, CS_OUTCOME_PART_ALL);
}
