/* load_value.c - reads one value of a statement (a duration, a count, a name,
 * a body, a handler list ...) with the oracle's checks and messages, and
 * stores it where the statement keeps it.  Names are only recorded in the
 * statement's cs__refs record; load_check.c resolves them.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load_internal.h"
#include "util.h"

static const char *const cs__probe_names[] = {
    [CS_PROBE_EFFECTIVE_DEADLINE] = "effective_deadline",
    [CS_PROBE_TIME] = "time",
    [CS_PROBE_CANCEL_CALLED] = "cancel_called",
    [CS_PROBE_CANCELLED_CAUGHT] = "cancelled_caught",
    [CS_PROBE_DEADLINE] = "deadline",
    [CS_PROBE_SHIELD] = "shield",
};

/* The refs record of st, created on first use.  Returns an index, not a
 * pointer: nested conversion may grow (move) the array. */
uint32_t cs__refs_of(cs__loader *ld, cs_stmt *st)
{
    if (st->ref < 0) {
        if (ld->nrefs == ld->caprefs) {
            ld->caprefs = ld->caprefs ? ld->caprefs * 2 : 64;
            ld->refs = cs_xrealloc(ld->refs, ld->caprefs * sizeof *ld->refs);
        }
        memset(&ld->refs[ld->nrefs], 0, sizeof *ld->refs);
        st->ref = (int32_t)ld->nrefs++;
    }
    return (uint32_t)st->ref;
}

static bool cs__is_num(const json_t *v)
{
    return json_is_number(v);
}

/* {"uniform": [lo, hi]} at node `node`, for option `key`. */
static int cs__conv_uniform(cs__loader *ld, const json_t *v, uint32_t node, bool nonneg, const char *key, cs_dur *out)
{
    char k[128], u[128];
    cs__repr(k, sizeof k, key);
    uint32_t c = cs__jpos_first(&ld->idx, node), pnode = CS__JNONE;
    const json_t *pair = NULL;
    for (void *it = json_object_iter((json_t *)v); it; it = json_object_iter_next((json_t *)v, it)) {
        const char *mk = json_object_iter_key(it);
        if (strcmp(mk, "uniform") != 0)
            return cs__fail(ld, cs__kpos(ld, c),
                            "%s: unknown key %s (write a random duration as "
                            "{\"uniform\": [lo, hi]})",
                            k, cs__repr(u, sizeof u, mk));
        pair = json_object_iter_value(it);
        pnode = c;
        c = cs__jpos_next(&ld->idx, node, c);
    }
    if (!pair)
        return cs__fail(ld, cs__vpos(ld, node), "%s: expected a number or {\"uniform\": [lo, hi]}", k);
    if (!json_is_array(pair) || json_array_size(pair) != 2)
        return cs__fail(ld, cs__vpos(ld, pnode), "%s: 'uniform' expects a list [lo, hi] of two numbers", k);
    uint32_t e0 = cs__jpos_first(&ld->idx, pnode), e1 = cs__jpos_next(&ld->idx, pnode, e0);
    const json_t *a = json_array_get(pair, 0), *b = json_array_get(pair, 1);
    if (!cs__is_num(a) || !isfinite(json_number_value(a)))
        return cs__fail(ld, cs__vpos(ld, e0), "%s: 'uniform' expects finite numbers", k);
    if (!cs__is_num(b) || !isfinite(json_number_value(b)))
        return cs__fail(ld, cs__vpos(ld, e1), "%s: 'uniform' expects finite numbers", k);
    double lo = json_number_value(a), hi = json_number_value(b);
    if (nonneg && lo < 0)
        return cs__fail(ld, cs__vpos(ld, e0), "%s: 'uniform' expects lo >= 0", k);
    if (lo > hi)
        return cs__fail(ld, cs__vpos(ld, pnode), "%s: 'uniform' expects lo <= hi", k);
    if (!isfinite(hi - lo))
        return cs__fail(ld, cs__vpos(ld, pnode), "%s: 'uniform' range is too large", k);
    out->kind = CS_DUR_UNIFORM;
    out->lo = lo;
    out->hi = hi;
    return 0;
}

/* One handler of an except / except* list. */
static int cs__conv_handler(cs__loader *ld, const json_t *h, uint32_t node, cs_handler *out, const char ***names,
                            cs_pos *mpos)
{
    out->pos = cs__vpos(ld, node);
    if (!json_is_object(h))
        return cs__fail(ld, out->pos, "a handler must be an object with 'match' and 'body'");
    char r[128];
    uint32_t mnode = CS__JNONE, bnode = CS__JNONE;
    uint32_t c = cs__jpos_first(&ld->idx, node);
    for (void *it = json_object_iter((json_t *)h); it; it = json_object_iter_next((json_t *)h, it)) {
        const char *k = json_object_iter_key(it);
        const json_t *hv = json_object_iter_value(it);
        if (strcmp(k, "match") == 0)
            mnode = c;
        else if (strcmp(k, "body") == 0)
            bnode = c;
        else if (strcmp(k, "as") == 0) { /* except X as NAME (flow.h) */
            if (cs__json_has_nul(hv))
                return cs__fail(ld, cs__vpos(ld, c), "'as': " CS__NUL_NAME);
            if (!json_is_string(hv) || !json_string_value(hv)[0])
                return cs__fail(ld, cs__vpos(ld, c), "'as': expected a non-empty name");
            out->as = cs__program_strdup(ld->prog, json_string_value(hv));
            out->as_pos = cs__vpos(ld, c);
        } else
            return cs__fail(ld, cs__kpos(ld, c), "unknown key %s in a handler", cs__repr(r, sizeof r, k));
        c = cs__jpos_next(&ld->idx, node, c);
    }
    if (bnode == CS__JNONE)
        return cs__fail(ld, out->pos, "a handler needs 'body'");
    const json_t *m = json_object_get(h, "match");
    *names = NULL;
    if (m && !json_is_null(m)) {
        *mpos = cs__vpos(ld, mnode);
        size_t n = json_is_string(m) ? 1 : json_is_array(m) ? json_array_size(m) : 0;
        bool ok = n > 0;
        for (size_t i = 0; ok && json_is_array(m) && i < n; i++)
            ok = json_is_string(json_array_get(m, i));
        if (!ok)
            return cs__fail(ld, *mpos, "'match' must be a class name or a non-empty list of names");
        for (size_t i = 0; i < n; i++)
            if (cs__json_has_nul(json_is_string(m) ? m : json_array_get(m, i)))
                return cs__fail(ld, *mpos, "match: " CS__NUL_NAME);
        const char **v = cs__program_alloc(ld->prog, (n + 1) * sizeof *v);
        for (size_t i = 0; i < n; i++)
            v[i] = cs__program_strdup(ld->prog, json_string_value(json_is_string(m) ? m : json_array_get(m, i)));
        *names = v;
        out->nclasses = (uint32_t)n;
        out->classes = cs__program_alloc(ld->prog, n * sizeof *out->classes);
    }
    return cs__conv_body(ld, json_object_get(h, "body"), bnode, false, &out->body);
}

static int cs__conv_handlers(cs__loader *ld, const json_t *v, uint32_t node, const char *key, cs_stmt *st, bool star)
{
    char k[32];
    if (!json_is_array(v))
        return cs__fail(ld, cs__vpos(ld, node), "%s: expected a list of handlers", cs__repr(k, sizeof k, key));
    size_t n = json_array_size(v);
    cs_handler *hs = cs__program_alloc(ld->prog, n * sizeof *hs);
    const char ***names = cs__program_alloc(ld->prog, n * sizeof *names);
    cs_pos *mpos = cs__program_alloc(ld->prog, n * sizeof *mpos);
    uint32_t c = cs__jpos_first(&ld->idx, node);
    for (size_t i = 0; i < n; i++, c = cs__jpos_next(&ld->idx, node, c))
        if (cs__conv_handler(ld, json_array_get(v, i), c, &hs[i], &names[i], &mpos[i]) < 0)
            return -1;
    st->handlers = hs;
    st->nhandlers = (uint32_t)n;
    st->star = star;
    uint32_t ri = cs__refs_of(ld, st); /* may move ld->refs: index it afterwards */
    ld->refs[ri].match = names;
    ld->refs[ri].mpos = mpos;
    return 0;
}

/* Reads value v (index node `node`) of kind `kind` for key `key` into st. */
int cs__conv_field(cs__loader *ld, cs_stmt *st, cs__kind kind, cs__field field, const char *key, const json_t *v,
                   uint32_t node)
{
    char k[64], r[256];
    cs_pos pos = cs__vpos(ld, node);
    cs__repr(k, sizeof k, key);
    switch (kind) {
    case CS__K_ANY: /* a datum, so that a value returned can be named and printed (flow.h) */
        st->value_json = cs__datum_new(ld, v)->json;
        return 0;
    case CS__K_COND:
    case CS__K_LOCAL:
    case CS__K_ARGS:
    case CS__K_VALUE: return cs__conv_flow_field(ld, st, kind, field, key, v, node);
    case CS__K_SLEEP:
    case CS__K_NONNEG:
    case CS__K_TIMEOUT:
    case CS__K_DELAY:
    case CS__K_NUMBER:
    case CS__K_DEADLINE: {
        if (json_is_object(v) && json_object_get(v, "name") && (kind == CS__K_SLEEP || kind == CS__K_TIMEOUT))
            return cs__conv_dur_name(ld, st, v, node, key);
        if (json_is_object(v) && (kind == CS__K_SLEEP || kind == CS__K_NONNEG || kind == CS__K_TIMEOUT))
            return cs__conv_uniform(ld, v, node, kind != CS__K_TIMEOUT, key, &st->dur);
        double x = 0;
        if (json_is_null(v) && (kind == CS__K_TIMEOUT || kind == CS__K_DELAY)) {
            st->dur.kind = CS_DUR_NONE;
            return 0;
        }
        if (kind == CS__K_DEADLINE && json_is_string(v) &&
            (strcmp(json_string_value(v), "inf") == 0 || strcmp(json_string_value(v), "-inf") == 0))
            x = json_string_value(v)[0] == '-' ? -INFINITY : INFINITY;
        else if (!cs__is_num(v) || (kind == CS__K_NONNEG && json_number_value(v) < 0))
            return cs__fail(ld, pos, "%s: %s", k,
                            kind == CS__K_NONNEG                           ? "expected a number >= 0"
                            : kind == CS__K_TIMEOUT || kind == CS__K_DELAY ? "expected a number or null"
                            : kind == CS__K_DEADLINE                       ? "expected a number or \"inf\""
                                                                           : "expected a number");
        else
            x = json_number_value(v);
        if (field == CS__F_DUR) {
            st->dur.kind = CS_DUR_FIXED;
            st->dur.value = x;
        } else {
            st->num = x;
            st->has_num = true;
        }
        return 0;
    }
    case CS__K_BOOL:
        if (!json_is_boolean(v))
            return cs__fail(ld, pos, "%s: expected true or false", k);
        if (field == CS__F_ABANDON)
            st->abandon = json_is_true(v);
        else if (field == CS__F_RETURN_HANDLE)
            st->return_handle = json_is_true(v);
        else
            st->shield = json_is_true(v);
        return 0;
    case CS__K_STRING:
        if (!json_is_string(v))
            return cs__fail(ld, pos, "%s: expected a string", k);
        st->text = cs__program_text(ld->prog, v);
        return 0;
    case CS__K_COUNT:
    case CS__K_TASK_COUNT:
        if (!json_is_integer(v) || json_integer_value(v) < 0)
            return cs__fail(ld, pos, "%s: expected an integer >= 0", k);
        if (kind == CS__K_TASK_COUNT && json_integer_value(v) > CS_LOAD_MAX_COUNT)
            return cs__fail(ld, pos, "%s: %" PRId64 " is more than the limit of %d tasks", k,
                            (int64_t)json_integer_value(v), CS_LOAD_MAX_COUNT);
        st->count = json_integer_value(v);
        return 0;
    case CS__K_PROBE:
        for (int p = 0; json_is_string(v) && p <= CS_PROBE_SHIELD; p++)
            if (strcmp(json_string_value(v), cs__probe_names[p]) == 0) {
                st->probe = (cs_probe_kind)p;
                return 0;
            }
        return cs__fail(ld, pos,
                        "%s: unknown probe %s (one of cancel_called, cancelled_caught, deadline, "
                        "effective_deadline, shield, time)",
                        k, cs__repr_json(r, sizeof r, v));
    case CS__K_BODY:
    case CS__K_THREAD_BODY:
        if (field == CS__F_IF_ELSE)
            return cs__conv_flow_field(ld, st, kind, field, key, v, node);
        if (field == CS__F_ELSE) {
            st->has_else = true;
            return cs__conv_body(ld, v, node, false, &st->else_body);
        }
        if (field == CS__F_FINALLY) {
            st->has_finally = true;
            return cs__conv_body(ld, v, node, false, &st->finally_body);
        }
        return cs__conv_body(ld, v, node, kind == CS__K_THREAD_BODY, &st->body);
    case CS__K_HANDLERS: return cs__conv_handlers(ld, v, node, key, st, field == CS__F_EXCEPT_STAR);
    case CS__K_NAME: break;
    }
    if (cs__json_has_nul(v))
        return cs__fail(ld, pos, "%s: " CS__NUL_NAME, k);
    if (!json_is_string(v) || !json_string_value(v)[0])
        return cs__fail(ld, pos, "%s: expected a non-empty name", k);
    const char *name = cs__program_strdup(ld->prog, json_string_value(v));
    if (field == CS__F_DECL) {
        st->name = name;
        return 0;
    }
    uint32_t ri = cs__refs_of(ld, st); /* may move ld->refs: index it afterwards */
    if (field == CS__F_IN)
        ld->refs[ri].in = name;
    else
        ld->refs[ri].ref = name;
    return 0;
}
