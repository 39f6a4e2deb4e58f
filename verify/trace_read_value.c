/* trace_read_value.c - the values inside a trace line (see trace_read.h):
 * times back into whole nanoseconds, floats with their "inf" spellings,
 * exception objects back into one cs_exc per id, task names back into ids.
 *
 * Invariants: every exception the reader made is in excs[] (one owned
 * reference each) and found by id through exc_slots; tasks[] is indexed by
 * task id and task_slots finds an id by name; both tables stay at most half
 * full, so probes are short and always end.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "trace_read_internal.h"
#include "util.h"

/* ---- numbers ------------------------------------------------------------ */

int cs__rd_int(cs_trace_reader *r, const json_t *v, const char *what, long long lo, long long hi, long long *out)
{
    if (!json_is_integer(v))
        return cs__rd_fail(r, "%s must be an integer", what);
    long long x = json_integer_value(v);
    if (x < lo || x > hi)
        return cs__rd_fail(r, "%s %lld is out of range [%lld, %lld]", what, x, lo, hi);
    *out = x;
    return 0;
}

int cs__rd_float(cs_trace_reader *r, const json_t *v, const char *what, double *out)
{
    if (json_is_string(v) && (strcmp(json_string_value(v), "inf") == 0 || strcmp(json_string_value(v), "-inf") == 0)) {
        *out = json_string_value(v)[0] == '-' ? -INFINITY : INFINITY;
        return 0;
    }
    if (!json_is_number(v))
        return cs__rd_fail(r, "%s must be a number, \"inf\" or \"-inf\"", what);
    *out = json_number_value(v);
    return 0;
}

/* The writer prints (double)ns / 1e9 as Python's repr, which reads back to the
 * same double; the ns is recovered as the integer next to d * 1e9 that gives
 * that double again, so every time prints as it did in the run. */
int cs__rd_ns(cs_trace_reader *r, const json_t *v, const char *what, int64_t *out)
{
    if (!json_is_number(v))
        return cs__rd_fail(r, "%s must be a number of seconds", what);
    double d = json_number_value(v);
    if (!(d >= 0) || d * 1e9 >= 9.2e18)
        return cs__rd_fail(r, "%s must be a time from 0 to 9.2e9 seconds", what);
    int64_t guess = (int64_t)llround(d * 1e9);
    static const int64_t steps[] = {0, -1, 1, -2, 2, -3, 3};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        int64_t ns = guess + steps[i];
        if (ns >= 0 && (double)ns / 1e9 == d) {
            *out = ns;
            return 0;
        }
    }
    return cs__rd_fail(r, "%s %.17g s is not a whole number of nanoseconds", what, d);
}

/* ---- task names --------------------------------------------------------- */

static uint64_t cs__rd_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    return h;
}

static size_t cs__rd_task_slot(const cs_trace_reader *r, const char *name)
{
    size_t mask = r->ntask_slots - 1;
    size_t i = (size_t)cs__rd_hash(name) & mask;
    while (r->task_slots[i] && strcmp(r->tasks[r->task_slots[i] - 1], name) != 0)
        i = (i + 1) & mask;
    return i;
}

int32_t cs__rd_task_find(const cs_trace_reader *r, const char *name)
{
    if (!r->ntask_slots)
        return -1;
    uint32_t s = r->task_slots[cs__rd_task_slot(r, name)];
    return s ? (int32_t)(s - 1) : -1;
}

int32_t cs__rd_task_add(cs_trace_reader *r, const char *name)
{
    if (r->ntasks >= INT32_MAX - 1)
        return cs__rd_fail(r, "too many tasks");
    r->tasks = cs_xgrow(r->tasks, &r->cap_tasks, r->ntasks + 1, sizeof *r->tasks);
    int32_t id = (int32_t)r->ntasks++;
    r->tasks[id] = cs__rd_keep(r, name);
    if (r->ntasks * 2 > r->ntask_slots) {
        free(r->task_slots);
        r->ntask_slots = r->ntask_slots ? r->ntask_slots * 2 : 64;
        r->task_slots = cs_xcalloc(r->ntask_slots, sizeof *r->task_slots);
        for (size_t k = 0; k < r->ntasks; k++)
            r->task_slots[cs__rd_task_slot(r, r->tasks[k])] = (uint32_t)(k + 1);
    } else {
        r->task_slots[cs__rd_task_slot(r, name)] = (uint32_t)id + 1;
    }
    return id;
}

/* ---- exceptions --------------------------------------------------------- */

static size_t cs__rd_exc_slot(const cs_trace_reader *r, uint32_t id)
{
    size_t mask = r->nexc_slots - 1;
    size_t i = (size_t)(id * 0x9e3779b97f4a7c15ULL >> 17) & mask;
    while (r->exc_slots[i] && r->excs[r->exc_slots[i] - 1]->id != id)
        i = (i + 1) & mask;
    return i;
}

static cs_exc *cs__rd_exc_find(const cs_trace_reader *r, uint32_t id)
{
    if (!r->nexc_slots)
        return NULL;
    uint32_t s = r->exc_slots[cs__rd_exc_slot(r, id)];
    return s ? r->excs[s - 1] : NULL;
}

/* Keeps x (its reference passes to the table). */
static void cs__rd_exc_add(cs_trace_reader *r, cs_exc *x)
{
    r->excs = cs_xgrow(r->excs, &r->cap_excs, r->nexcs + 1, sizeof *r->excs);
    r->excs[r->nexcs++] = x;
    if (r->nexcs * 2 > r->nexc_slots) {
        free(r->exc_slots);
        r->nexc_slots = r->nexc_slots ? r->nexc_slots * 2 : 64;
        r->exc_slots = cs_xcalloc(r->nexc_slots, sizeof *r->exc_slots);
        for (size_t k = 0; k < r->nexcs; k++)
            r->exc_slots[cs__rd_exc_slot(r, r->excs[k]->id)] = (uint32_t)(k + 1);
    } else {
        r->exc_slots[cs__rd_exc_slot(r, x->id)] = (uint32_t)r->nexcs;
    }
}

/* The class index of `type` in run_start's classes (the first that matches:
 * the backend's cancellation is a built-in, listed before any user class). */
static int cs__rd_class(cs_trace_reader *r, const char *type, int32_t *out)
{
    for (uint32_t i = 0; i < r->nclasses; i++)
        if (strcmp(r->classes[i], type) == 0) {
            *out = (int32_t)i;
            return 0;
        }
    return cs__rd_fail(r, "exception class '%s' is not in run_start's classes", type);
}

/* The members of a group, each the reader's exception (borrowed), into a new array. */
static int cs__rd_members(cs_trace_reader *r, const json_t *a, cs_exc ***out, uint32_t *n)
{
    if (!json_is_array(a))
        return cs__rd_fail(r, "an exception's \"exceptions\" must be an array");
    size_t k = json_array_size(a);
    if (k > UINT32_MAX - 1)
        return cs__rd_fail(r, "too many members");
    *out = cs_xcalloc(k ? k : 1, sizeof **out);
    *n = (uint32_t)k;
    for (size_t i = 0; i < k; i++)
        if (!((*out)[i] = cs__rd_exc(r, json_array_get(a, i))))
            return -1;
    return 0;
}

typedef struct cs__rd_exc_fields {
    const char *type, *message;
    long long id;
    const json_t *members, *origin;
    bool noargs;
} cs__rd_exc_fields;

static int cs__rd_exc_fields_of(cs_trace_reader *r, const json_t *v, cs__rd_exc_fields *x)
{
    memset(x, 0, sizeof *x);
    if (!json_is_object(v))
        return cs__rd_fail(r, "an exception must be an object");
    const char *k;
    json_t *f;
    json_object_foreach ((json_t *)v, k, f) {
        if (strcmp(k, "type") == 0 && json_is_string(f))
            x->type = json_string_value(f);
        else if (strcmp(k, "message") == 0 && json_is_string(f))
            x->message = cs__rd_text(r, f);
        else if (strcmp(k, "id") == 0) {
            if (cs__rd_int(r, f, "an exception's id", 1, UINT32_MAX, &x->id) < 0)
                return -1;
        } else if (strcmp(k, "exceptions") == 0)
            x->members = f;
        else if (strcmp(k, "derived_from") == 0)
            x->origin = f;
        else if (strcmp(k, "noargs") == 0 && json_is_true(f))
            x->noargs = true;
        else
            return cs__rd_fail(r, "unknown or ill-typed field \"%s\" in an exception", k);
    }
    if (!x->type && !x->message && x->id && !x->members && !x->origin && !x->noargs)
        return 1; /* {"id": N}: an exception written out before */
    if (!x->type || !x->message || !x->id)
        return cs__rd_fail(r, "an exception needs \"type\", \"message\" and \"id\"");
    return 0;
}

static cs_exc *cs__rd_exc_at(cs_trace_reader *r, const json_t *v, bool ref_ok);

/* A group's origin: in full, or {"id": N} for one the trace has shown. */
static cs_exc *cs__rd_origin(cs_trace_reader *r, const json_t *v)
{
    return cs__rd_exc_at(r, v, true);
}

cs_exc *cs__rd_exc(cs_trace_reader *r, const json_t *v)
{
    return cs__rd_exc_at(r, v, false);
}

/* Recursion depth is the nesting of the JSON, which Jansson bounds. */
static cs_exc *cs__rd_exc_at(cs_trace_reader *r, const json_t *v, bool ref_ok)
{
    cs__rd_exc_fields x;
    int32_t cls = -1;
    int rc = cs__rd_exc_fields_of(r, v, &x);
    if (rc == 1) {
        cs_exc *known = ref_ok ? cs__rd_exc_find(r, (uint32_t)x.id) : NULL;
        if (!known)
            cs__rd_fail(r, "exception %lld is named by id before the trace showed it", x.id);
        return known;
    }
    if (rc < 0 || cs__rd_class(r, x.type, &cls) < 0)
        return NULL;
    if (!x.members != !(cls == CS_EXC_BASE_EXCEPTION_GROUP || cls == CS_EXC_EXCEPTION_GROUP)) {
        cs__rd_fail(r, "exception %lld: %s", x.id,
                    x.members ? "only a group has \"exceptions\"" : "a group needs \"exceptions\"");
        return NULL;
    }
    cs_exc **members = NULL;
    uint32_t n = 0;
    cs_exc *origin = NULL;
    if ((x.members && cs__rd_members(r, x.members, &members, &n) < 0) ||
        (x.origin && !(origin = cs__rd_origin(r, x.origin)))) {
        free(members);
        return NULL;
    }
    cs_exc *known = cs__rd_exc_find(r, (uint32_t)x.id);
    if (known) { /* seen before: it must say the same */
        bool same = known->cls == cls && strcmp(known->message, x.message) == 0 && known->nmembers == n &&
                    known->derived_from == origin && known->noargs == x.noargs;
        for (uint32_t i = 0; same && i < n; i++)
            same = known->members[i] == members[i];
        free(members);
        if (!same)
            cs__rd_fail(r, "exception %lld differs from the exception with that id before", x.id);
        return same ? known : NULL;
    }
    cs_exc *e = x.members ? cs_exc_new_group(cls, x.message, members, n) : cs_exc_new(cls, x.message);
    free(members);
    e->id = (uint32_t)x.id;
    e->noargs = x.noargs;
    e->derived_from = cs_exc_ref(origin);
    cs__rd_exc_add(r, e);
    return e;
}

void cs__rd_reset_run(cs_trace_reader *r)
{
    for (size_t i = 0; i < r->nexcs; i++)
        cs_exc_unref(r->excs[i]);
    r->nexcs = 0;
    if (r->nexc_slots)
        memset(r->exc_slots, 0, r->nexc_slots * sizeof *r->exc_slots);
    r->ntasks = 0;
    if (r->ntask_slots)
        memset(r->task_slots, 0, r->ntask_slots * sizeof *r->task_slots);
    r->nscopes = 0;
    r->classes = NULL;
    r->nclasses = 0;
}
