/* explore_diff.c - what differs between explored outcomes, for a person
 * (cs_explore_write_differences in explore.h): the log lines whose order or
 * presence changes, the tasks whose state or end changes, the result when it
 * changes, then one summary line per outcome.  Works on the outcomes' JSON so
 * that what it prints is what --format json would show. */
#include <stdlib.h>
#include <string.h>

#include "explore.h"
#include "util.h"

/* Outcomes compared in detail; beyond, only the count is printed. */
#define CS__DIFF_MAX_OUTCOMES 64
/* Varying log lines or tasks named in one summary line before "...". */
#define CS__DIFF_MAX_NAMED 12

/* "task: msg" or "task: msg=value" for a log entry (new string). */
static char *cs__log_text(const json_t *e)
{
    const char *task = json_string_value(json_object_get(e, "task"));
    const char *msg = json_string_value(json_object_get(e, "msg"));
    json_t *v = json_object_get(e, "value");
    char *vs = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    char *s = cs_xasprintf("%s: %s%s%s", task ? task : "?", msg ? msg : "", vs ? "=" : "", vs ? vs : "");
    free(vs);
    return s;
}

/* A log line is stable when it is at the same place with the same text in
 * every outcome; the others vary. */
static bool cs__log_stable(json_t *const *outs, size_t n, size_t i)
{
    json_t *first = json_array_get(json_object_get(outs[0], "log"), i);
    if (!first)
        return false;
    for (size_t k = 1; k < n; k++)
        if (!json_equal(first, json_array_get(json_object_get(outs[k], "log"), i)))
            return false;
    return true;
}

/* "state end T" or "state" for a task in one outcome (new string). */
static char *cs__task_text(const json_t *out, const char *name)
{
    json_t *t = json_object_get(json_object_get(out, "tasks"), name);
    if (!t)
        return cs_xstrdup("absent");
    const char *st = json_string_value(json_object_get(t, "state"));
    json_t *end = json_object_get(t, "end");
    char *es = end ? json_dumps(end, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    char *s = cs_xasprintf("%s%s%s", st ? st : "?", es ? " at " : "", es ? es : "");
    free(es);
    return s;
}

static bool cs__task_varies(json_t *const *outs, size_t n, const char *name)
{
    json_t *a = json_object_get(json_object_get(outs[0], "tasks"), name);
    for (size_t k = 1; k < n; k++)
        if (!json_equal(a, json_object_get(json_object_get(outs[k], "tasks"), name)))
            return true;
    return false;
}

static char *cs__append(char *s, const char *sep, const char *piece)
{
    char *t = cs_xasprintf("%s%s%s", s, s[0] ? sep : "", piece);
    free(s);
    return t;
}

/* One outcome's summary: its varying log lines in order, its varying tasks,
 * its result when results differ (new string). */
static char *cs__summary(json_t *const *outs, size_t n, size_t k, bool results_vary)
{
    char *logs = cs_xstrdup("");
    json_t *log = json_object_get(outs[k], "log");
    size_t named = 0;
    for (size_t i = 0; i < json_array_size(log); i++) {
        if (cs__log_stable(outs, n, i))
            continue;
        if (named++ == CS__DIFF_MAX_NAMED) {
            logs = cs__append(logs, ", ", "...");
            break;
        }
        char *t = cs__log_text(json_array_get(log, i));
        logs = cs__append(logs, ", ", t);
        free(t);
    }
    char *tasks = cs_xstrdup("");
    const char *name;
    json_t *v;
    named = 0;
    json_object_foreach (json_object_get(outs[k], "tasks"), name, v) {
        if (!cs__task_varies(outs, n, name))
            continue;
        if (named++ == CS__DIFF_MAX_NAMED) {
            tasks = cs__append(tasks, ", ", "...");
            break;
        }
        char *st = cs__task_text(outs[k], name);
        char *t = cs_xasprintf("%s %s", name, st);
        tasks = cs__append(tasks, ", ", t);
        free(t);
        free(st);
    }
    char *res = results_vary ? json_dumps(json_object_get(outs[k], "result"), JSON_COMPACT) : NULL;
    char *s = cs_xasprintf("%s%s%s%s%s%s%s", logs[0] ? "log " : "", logs, logs[0] && tasks[0] ? "; " : "",
                           tasks[0] ? "tasks " : "", tasks, res ? (logs[0] || tasks[0] ? "; result " : "result ") : "",
                           res ? res : "");
    free(logs);
    free(tasks);
    free(res);
    return s;
}

void cs_explore_write_differences(const cs_explore_result *res, FILE *f)
{
    size_t n = res->n < CS__DIFF_MAX_OUTCOMES ? res->n : CS__DIFF_MAX_OUTCOMES;
    if (res->n < 2)
        return;
    json_t **outs = cs_xcalloc(n, sizeof *outs);
    for (size_t k = 0; k < n; k++)
        outs[k] = cs_outcome_to_json(res->v[k].outcome);
    bool results_vary = false, end_varies = false;
    for (size_t k = 1; k < n; k++) {
        results_vary |= !json_equal(json_object_get(outs[0], "result"), json_object_get(outs[k], "result"));
        end_varies |= !json_equal(json_object_get(outs[0], "end_time"), json_object_get(outs[k], "end_time"));
    }
    fprintf(f, "\nwhat differs between the outcomes%s:\n", n < res->n ? " (the first 64)" : "");
    size_t varying = 0, nlog = 0;
    for (size_t k = 0; k < n; k++) {
        size_t m = json_array_size(json_object_get(outs[k], "log"));
        nlog = m > nlog ? m : nlog;
    }
    for (size_t i = 0; i < nlog; i++)
        varying += !cs__log_stable(outs, n, i);
    if (varying)
        fprintf(f, "  log: %zu of %zu line places change order or text\n", varying, nlog);
    const char *name;
    json_t *v;
    char *tasks = cs_xstrdup("");
    json_object_foreach (json_object_get(outs[0], "tasks"), name, v)
        if (cs__task_varies(outs, n, name))
            tasks = cs__append(tasks, ", ", name);
    if (tasks[0])
        fprintf(f, "  tasks whose state or end changes: %s\n", tasks);
    free(tasks);
    if (results_vary)
        fputs("  the result changes\n", f);
    if (end_varies)
        fputs("  the end time changes\n", f);
    for (size_t k = 0; k < n; k++) {
        char *s = cs__summary(outs, n, k, results_vary);
        fprintf(f, "  %zu: %s\n", k + 1, s[0] ? s : "(differs elsewhere: scopes or values)");
        free(s);
    }
    for (size_t k = 0; k < n; k++)
        json_decref(outs[k]);
    free(outs);
}
