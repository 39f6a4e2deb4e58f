/* load_data.c - the values of the data-flow statements (flow.h,
 * scenario-format.md "Named values and control flow"): literals made into
 * datums with their Python str() written once, value lists (`args`,
 * `print`), conditions, an `as` name, a spawn's `call`, and a function
 * written with parameters.  Names are only recorded here; load_names.c binds
 * them to slots once the whole file is read.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load_internal.h"
#include "text.h"
#include "util.h"

/* ---- Python's str() and repr() of a JSON literal ---- */

typedef struct cs__buf {
    char *s;
    size_t n, cap;
} cs__buf;

static void cs__put(cs__buf *b, const char *s, size_t n)
{
    b->s = cs_xgrow(b->s, &b->cap, b->n + n + 1, 1);
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static void cs__puts(cs__buf *b, const char *s)
{
    cs__put(b, s, strlen(s));
}

/* repr(float) as CPython writes it: the shortest digits that read back to
 * the same double, fixed notation for 1e-4 <= |x| < 1e16 (with ".0" when
 * integral), else d.ddde+XX (as verify/pyfloat.c does for outputs). */
static void cs__float_repr(cs__buf *b, double x)
{
    char e[40];
    int p = 0;
    for (; p < 17; p++) { /* the shortest "%.{p}e" that reads back */
        snprintf(e, sizeof e, "%.*e", p, x);
        if (strtod(e, NULL) == x)
            break;
    }
    char digits[24];
    size_t nd = 0;
    const char *q = e;
    bool neg = *q == '-';
    q += neg;
    for (; *q && *q != 'e'; q++)
        if (*q >= '0' && *q <= '9')
            digits[nd++] = *q;
    int exp10 = atoi(q + 1);
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    char out[64];
    size_t o = 0;
    if (neg)
        out[o++] = '-';
    if (exp10 >= -4 && exp10 < 16) {
        if (exp10 < 0) {
            out[o++] = '0';
            out[o++] = '.';
            for (int i = -1; i > exp10; i--)
                out[o++] = '0';
            memcpy(out + o, digits, nd);
            o += nd;
        } else {
            for (int i = 0; i <= exp10; i++)
                out[o++] = (size_t)i < nd ? digits[i] : '0';
            out[o++] = '.';
            if ((size_t)exp10 + 1 < nd) {
                memcpy(out + o, digits + exp10 + 1, nd - (size_t)exp10 - 1);
                o += nd - (size_t)exp10 - 1;
            } else
                out[o++] = '0';
        }
        out[o] = '\0';
    } else {
        out[o++] = digits[0];
        if (nd > 1) {
            out[o++] = '.';
            memcpy(out + o, digits + 1, nd - 1);
            o += nd - 1;
        }
        snprintf(out + o, sizeof out - o, "e%c%02d", exp10 < 0 ? '-' : '+', abs(exp10));
    }
    cs__puts(b, out);
}

/* repr(str) of a JSON string (which may hold a NUL): quotes as Python
 * chooses them, escapes for the quote, backslash, \n \r \t, other control
 * characters and the Latin-1 ones Python does not print (U+0080..U+00A0,
 * U+00AD); other characters as they are. */
static void cs__str_repr(cs__buf *b, const char *s, size_t len)
{
    bool sq = memchr(s, '\'', len) != NULL, dq = memchr(s, '"', len) != NULL;
    char qc = sq && !dq ? '"' : '\'';
    cs__put(b, &qc, 1);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        if (c == (unsigned char)qc || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            cs__put(b, esc, 2);
        } else if (c == '\n' || c == '\r' || c == '\t') {
            esc[0] = '\\';
            esc[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
            cs__put(b, esc, 2);
        } else if (c < 0x20 || c == 0x7f) {
            snprintf(esc, sizeof esc, "\\x%02x", c);
            cs__puts(b, esc);
        } else if (c == 0xc2 && i + 1 < len &&
                   (((unsigned char)s[i + 1] >= 0x80 && (unsigned char)s[i + 1] <= 0xa0) ||
                    (unsigned char)s[i + 1] == 0xad)) {
            snprintf(esc, sizeof esc, "\\x%02x", (unsigned char)s[++i]);
            cs__puts(b, esc);
        } else {
            cs__put(b, (const char *)&s[i], 1);
        }
    }
    cs__put(b, &qc, 1);
}

/* repr() of any JSON value as Python shows the value json.loads gives
 * (nesting is bounded by Jansson's depth limit). */
static void cs__json_repr(cs__buf *b, const json_t *v)
{
    char num[32];
    switch (json_typeof(v)) {
    case JSON_NULL: cs__puts(b, "None"); break;
    case JSON_TRUE: cs__puts(b, "True"); break;
    case JSON_FALSE: cs__puts(b, "False"); break;
    case JSON_INTEGER:
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        cs__puts(b, num);
        break;
    case JSON_REAL: cs__float_repr(b, json_real_value(v)); break;
    case JSON_STRING: cs__str_repr(b, json_string_value(v), json_string_length(v)); break;
    case JSON_ARRAY:
        cs__puts(b, "[");
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i)
                cs__puts(b, ", ");
            cs__json_repr(b, json_array_get(v, i));
        }
        cs__puts(b, "]");
        break;
    case JSON_OBJECT: {
        cs__puts(b, "{");
        bool first = true;
        for (void *it = json_object_iter((json_t *)v); it; it = json_object_iter_next((json_t *)v, it)) {
            if (!first)
                cs__puts(b, ", ");
            first = false;
            const char *k = json_object_iter_key(it);
            cs__str_repr(b, k, strlen(k));
            cs__puts(b, ": ");
            cs__json_repr(b, json_object_iter_value(it));
        }
        cs__puts(b, "}");
        break;
    }
    }
}

const cs_datum *cs__datum_new(cs__loader *ld, const json_t *v)
{
    cs_datum *d = cs__program_alloc(ld->prog, sizeof *d);
    memset(d, 0, sizeof *d);
    d->kind = CS_DATUM_DATA;
    d->obj = -1;
    char *j = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    d->json = cs__program_strdup(ld->prog, j ? j : "null");
    free(j);
    cs__buf b = {0};
    switch (json_typeof(v)) {
    case JSON_NULL: d->py = CS_PY_NONE; break;
    case JSON_TRUE:
    case JSON_FALSE:
        d->py = CS_PY_BOOL;
        d->i = json_is_true(v);
        d->num = (double)d->i;
        break;
    case JSON_INTEGER:
        d->py = CS_PY_INT;
        d->i = json_integer_value(v);
        d->num = (double)d->i;
        break;
    case JSON_REAL:
        d->py = CS_PY_FLOAT;
        d->num = json_real_value(v);
        break;
    case JSON_STRING: d->py = CS_PY_STR; break;
    case JSON_ARRAY: d->py = CS_PY_LIST; break;
    case JSON_OBJECT: d->py = CS_PY_DICT; break;
    }
    if (d->py == CS_PY_STR) {
        d->str = cs__program_text(ld->prog, v); /* print(s) writes s itself */
    } else {
        cs__json_repr(&b, v); /* str() of the rest is their repr */
        d->str = cs__program_strdup(ld->prog, b.s ? b.s : "");
    }
    free(b.s);
    if (ld->ndatums == ld->capdatums) {
        ld->capdatums = ld->capdatums ? ld->capdatums * 2 : 64;
        ld->datums = cs_xrealloc(ld->datums, ld->capdatums * sizeof *ld->datums);
    }
    ld->datums[ld->ndatums++] = d;
    return d;
}

static int cs__by_address(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)(*(const cs_datum *const *)a)->json, y = (uintptr_t)(*(const cs_datum *const *)b)->json;
    return (x > y) - (x < y);
}

void cs__datums_finish(cs__loader *ld)
{
    const cs_datum **v = cs__program_alloc(ld->prog, (ld->ndatums ? ld->ndatums : 1) * sizeof *v);
    if (ld->ndatums)
        memcpy(v, ld->datums, ld->ndatums * sizeof *v);
    qsort(v, ld->ndatums, sizeof *v, cs__by_address);
    ld->prog->datums.v = v;
    ld->prog->datums.n = ld->ndatums;
}

/* ---- values in statements ---- */

cs_flow *cs__flow_of(cs__loader *ld, cs_stmt *st)
{
    if (!st->flow) {
        cs_flow *f = cs__program_alloc(ld->prog, sizeof *f);
        memset(f, 0, sizeof *f);
        f->as_slot = -1;
        f->obj_slot = -1;
        f->scope_slot = -1;
        st->flow = f;
    }
    return (cs_flow *)st->flow;
}

/* A name as a key's value: a non-empty string without NUL. */
static const char *cs__flow_name(cs__loader *ld, const json_t *v, uint32_t node, const char *key)
{
    char k[64];
    cs__repr(k, sizeof k, key);
    if (cs__json_has_nul(v)) {
        cs__fail(ld, cs__vpos(ld, node), "%s: " CS__NUL_NAME, k);
        return NULL;
    }
    if (!json_is_string(v) || !json_string_value(v)[0]) {
        cs__fail(ld, cs__vpos(ld, node), "%s: expected a non-empty name", k);
        return NULL;
    }
    return cs__program_strdup(ld->prog, json_string_value(v));
}

/* One value: a JSON literal, or {"name": NAME} (a named value, an
 * exception a handler bound, or a declared object). */
static int cs__conv_expr(cs__loader *ld, const json_t *v, uint32_t node, const char *key, cs_expr *out)
{
    out->slot = -1;
    out->pos = cs__vpos(ld, node);
    if (json_is_object(v)) {
        const json_t *n = json_object_get(v, "name");
        if (json_object_size(v) != 1 || !n)
            return cs__fail(ld, out->pos,
                            "'%s': an object here must be {\"name\": NAME} (a named value); "
                            "write other values as literals",
                            key);
        out->name = cs__flow_name(ld, n, cs__member(ld, v, node, "name"), "name");
        return out->name ? 0 : -1;
    }
    out->lit = cs__datum_new(ld, v);
    return 0;
}

/* A list of values (`args`, `print`). */
static int cs__conv_exprs(cs__loader *ld, const json_t *v, uint32_t node, const char *key, cs_flow *fl)
{
    if (!json_is_array(v))
        return cs__fail(ld, cs__vpos(ld, node), "'%s': expected a list of values (literals or {\"name\": NAME})", key);
    size_t n = json_array_size(v);
    if (n > CS_LOAD_MAX_ARGS)
        return cs__fail(ld, cs__vpos(ld, node), "'%s': more than %d values", key, CS_LOAD_MAX_ARGS);
    cs_expr *x = cs__program_alloc(ld->prog, (n ? n : 1) * sizeof *x);
    memset(x, 0, (n ? n : 1) * sizeof *x);
    uint32_t c = cs__jpos_first(&ld->idx, node);
    for (size_t i = 0; i < n; i++, c = cs__jpos_next(&ld->idx, node, c))
        if (cs__conv_expr(ld, json_array_get(v, i), c, key, &x[i]) < 0)
            return -1;
    fl->args = x;
    fl->nargs = (uint32_t)n;
    return 0;
}

static bool cs__scalar(const json_t *v)
{
    return json_is_null(v) || json_is_boolean(v) || json_is_number(v) || json_is_string(v);
}

static const char *const cs__cmp_ops[] = {"==", "!=", "<", "<=", ">", ">=", NULL};

/* A condition (the value of `if`); `not` nests, iteratively. */
static int cs__conv_cond(cs__loader *ld, const json_t *v, uint32_t node, const cs_cond **out)
{
    char r[256];
    for (uint32_t depth = 0;; depth++) {
        cs_pos pos = cs__vpos(ld, node);
        if (!json_is_object(v))
            return cs__fail(ld, pos,
                            "'if': a condition is an object: {\"cancelled_caught\": S}, "
                            "{\"cancel_called\": S}, {\"value\": NAME, \"op\": OP, \"to\": LITERAL}, "
                            "{\"exc_args\": NAME, \"op\": OP, \"to\": [...]}, {\"task_status\": H, \"is\": S} "
                            "or {\"not\": CONDITION}");
        cs_cond *cd = cs__program_alloc(ld->prog, sizeof *cd);
        memset(cd, 0, sizeof *cd);
        cd->scope = -1;
        cd->value.slot = -1;
        *out = cd;
        static const char *const heads[] = {
            "cancelled_caught", "cancel_called", "value", "exc_args", "not", "task_status", NULL};
        const char *head = NULL;
        uint32_t c = cs__jpos_first(&ld->idx, node), hnode = CS__JNONE;
        for (void *it = json_object_iter((json_t *)v); it; it = json_object_iter_next((json_t *)v, it)) {
            const char *k = json_object_iter_key(it);
            size_t i = 0;
            while (heads[i] && strcmp(heads[i], k) != 0)
                i++;
            if (heads[i]) {
                if (head)
                    return cs__fail(ld, cs__kpos(ld, c),
                                    "'if': a condition has one of cancelled_caught, "
                                    "cancel_called, value, exc_args, not (%s and %s given)",
                                    head, k);
                head = heads[i];
                hnode = c;
            } else if (strcmp(k, "op") != 0 && strcmp(k, "to") != 0 && strcmp(k, "is") != 0) {
                return cs__fail(ld, cs__kpos(ld, c), "unknown key %s in a condition", cs__repr(r, sizeof r, k));
            }
            c = cs__jpos_next(&ld->idx, node, c);
        }
        if (!head)
            return cs__fail(ld, pos,
                            "'if': a condition needs one of cancelled_caught, cancel_called, value, "
                            "exc_args, not");
        const json_t *hv = json_object_get(v, head), *op = json_object_get(v, "op"), *to = json_object_get(v, "to");
        bool compares = !strcmp(head, "value") || !strcmp(head, "exc_args");
        if (!compares && (op || to))
            return cs__fail(ld, pos, "'%s' takes no 'op' or 'to'", head);
        const json_t *is = json_object_get(v, "is");
        if (is && strcmp(head, "task_status") != 0)
            return cs__fail(ld, pos, "'is' goes with 'task_status'");
        if (!strcmp(head, "not")) {
            if (depth >= CS_LOAD_MAX_NOT)
                return cs__fail(ld, pos, "'not' nested more than %d deep", CS_LOAD_MAX_NOT);
            cd->kind = CS_COND_NOT;
            out = &cd->sub;
            v = hv;
            node = hnode;
            continue;
        }
        cd->value.pos = cs__vpos(ld, hnode);
        if (!(cd->value.name = cs__flow_name(ld, hv, hnode, head)))
            return -1;
        if (!strcmp(head, "task_status")) { /* handle.status == TaskHandle.Status.X */
            static const char *const st[] = {"pending", "cancelling", "finished", "cancelled", "failed", NULL};
            size_t k = 0;
            while (is && json_is_string(is) && st[k] && strcmp(st[k], json_string_value(is)) != 0)
                k++;
            if (!is || !json_is_string(is) || !st[k])
                return cs__fail(ld, is ? cs__vpos(ld, cs__member(ld, v, node, "is")) : pos,
                                "'task_status' needs 'is': one of \"pending\", \"cancelling\", \"finished\", "
                                "\"cancelled\", \"failed\"");
            cd->kind = CS_COND_TASK_STATUS;
            cd->cmp = (uint8_t)k;
            return 0;
        }
        if (!compares) {
            cd->kind = !strcmp(head, "cancelled_caught") ? CS_COND_CANCELLED_CAUGHT : CS_COND_CANCEL_CALLED;
            return 0;
        }
        bool args = !strcmp(head, "exc_args");
        if (!op && !args) {
            if (to)
                return cs__fail(ld, pos, "'to' needs 'op'");
            cd->kind = CS_COND_TRUTHY;
            return 0;
        }
        size_t k = 0;
        while (op && json_is_string(op) && cs__cmp_ops[k] && strcmp(cs__cmp_ops[k], json_string_value(op)) != 0)
            k++;
        if (!op || !json_is_string(op) || !cs__cmp_ops[k] || (args && k > CS_CMP_NE))
            return cs__fail(ld, op ? cs__vpos(ld, cs__member(ld, v, node, "op")) : pos,
                            args ? "'exc_args' compares with 'op' \"==\" or \"!=\""
                                 : "'op' must be one of \"==\", \"!=\", \"<\", \"<=\", \">\", \">=\"");
        cd->cmp = (uint8_t)k;
        if (!to)
            return cs__fail(ld, pos, "'op' needs 'to'");
        uint32_t tnode = cs__member(ld, v, node, "to");
        if (!args) {
            if (!cs__scalar(to))
                return cs__fail(ld, cs__vpos(ld, tnode), "'to' must be a number, a string, true, false or null");
            cd->kind = CS_COND_COMPARE;
            cd->to = cs__datum_new(ld, to);
            return 0;
        }
        bool ok = json_is_array(to) && json_array_size(to) <= CS_LOAD_MAX_ARGS;
        for (size_t i = 0; ok && i < json_array_size(to); i++)
            ok = cs__scalar(json_array_get(to, i));
        if (!ok)
            return cs__fail(ld, cs__vpos(ld, tnode), "'to' of 'exc_args' must be a list of literals (the args tuple)");
        size_t n = json_array_size(to);
        const cs_datum **items = cs__program_alloc(ld->prog, (n ? n : 1) * sizeof *items);
        for (size_t i = 0; i < n; i++)
            items[i] = cs__datum_new(ld, json_array_get(to, i));
        cd->kind = CS_COND_EXC_ARGS;
        cd->args = items;
        cd->nargs = (uint32_t)n;
        return 0;
    }
}

int cs__conv_flow_field(cs__loader *ld, cs_stmt *st, cs__kind kind, cs__field field, const char *key, const json_t *v,
                        uint32_t node)
{
    cs_flow *fl = cs__flow_of(ld, st);
    switch (kind) {
    case CS__K_COND: return cs__conv_cond(ld, v, node, &fl->cond);
    case CS__K_LOCAL:
        fl->as_pos = cs__vpos(ld, node);
        if (!(fl->as_name = cs__flow_name(ld, v, node, key)))
            return -1;
        if (field == CS__F_CALL)
            fl->call_name = fl->as_name, fl->as_name = NULL;
        return 0;
    case CS__K_ARGS: return cs__conv_exprs(ld, v, node, key, fl);
    case CS__K_VALUE: {
        cs_expr *x = cs__program_alloc(ld->prog, sizeof *x);
        memset(x, 0, sizeof *x);
        if (field == CS__F_NAMEREF) { /* return_value NAME */
            x->slot = -1;
            x->pos = cs__vpos(ld, node);
            if (!(x->name = cs__flow_name(ld, v, node, key)))
                return -1;
        } else if (cs__conv_expr(ld, v, node, key, x) < 0) {
            return -1;
        }
        fl->args = x;
        fl->nargs = 1;
        return 0;
    }
    default: /* CS__K_BODY under CS__F_IF_ELSE */
        fl->has_else = true;
        cs_body b;
        if (cs__conv_body(ld, v, node, false, &b) < 0)
            return -1;
        fl->else_items = b.items;
        fl->nelse = b.n;
        return 0;
    }
}

int cs__conv_dur_name(cs__loader *ld, cs_stmt *st, const json_t *v, uint32_t node, const char *key)
{
    if (json_object_size(v) != 1)
        return cs__fail(ld, cs__vpos(ld, node), "'%s': a duration from a name is {\"name\": PARAMETER} alone", key);
    cs_flow *fl = cs__flow_of(ld, st);
    uint32_t n = cs__member(ld, v, node, "name");
    fl->dur_pos = cs__vpos(ld, n);
    if (!(fl->dur_name = cs__flow_name(ld, json_object_get(v, "name"), n, "name")))
        return -1;
    st->dur.kind = CS_DUR_NAME;
    st->dur.slot = -1;
    return 0;
}

/* The rules of the spawning statements and `call` with their new keys: a
 * spawn runs a `body` or calls a `function` (its body is then that one
 * call, which takes the arguments the spawner evaluated). */
int cs__flow_stmt_rules(cs__loader *ld, const json_t *x, uint32_t node, cs_stmt *st)
{
    cs_pos pos = cs__vpos(ld, node);
    bool spawn = st->op == CS_OP_START_SOON || st->op == CS_OP_START || st->op == CS_OP_CREATE_TASK;
    if (!spawn)
        return 0;
    const char *what = json_object_get(x, "start_soon") ? "start_soon"
                       : json_object_get(x, "start")    ? "start"
                                                        : "create_task";
    bool body = json_object_get(x, "body") != NULL, call = json_object_get(x, "function") != NULL;
    if (body && call)
        return cs__fail(ld, cs__kpos(ld, cs__member(ld, x, node, "function")),
                        "'%s' takes 'body' or 'function', not both", what);
    if (!body && !call)
        return cs__fail(ld, pos, "'%s' needs 'body'", what);
    if (json_object_get(x, "args") && !call)
        return cs__fail(ld, cs__kpos(ld, cs__member(ld, x, node, "args")), "'args' needs 'function'");
    if (!call)
        return 0;
    /* the body is one `call` of the function, with the spawner's arguments */
    cs_stmt *c = cs__program_alloc(ld->prog, sizeof *c);
    memset(c, 0, sizeof *c);
    c->op = CS_OP_CALL;
    c->pos = pos;
    c->decl = -1;
    c->count = -1;
    c->value_json = "null";
    c->ref = -1;
    uint32_t ri = cs__refs_of(ld, c);
    ld->refs[ri].ref = st->flow->call_name;
    cs_flow *cf = cs__flow_of(ld, c);
    cf->spawn_args = true;
    cf->nargs = st->flow->nargs; /* for the arity check; the values are the spawner's */
    cf->args = st->flow->args;
    st->body.items = c;
    st->body.n = 1;
    return 0;
}

/* A function: a list of statements, or {"params": [NAME, ...], "body": [...]}. */
int cs__load_function(cs__loader *ld, const json_t *v, uint32_t node, cs_function *f)
{
    char r[256];
    if (!json_is_object(v) || (!json_object_get(v, "params") && !json_object_get(v, "body")))
        return cs__conv_body(ld, v, node, false, &f->body); /* "expected a list of statements" */
    uint32_t c = cs__jpos_first(&ld->idx, node), pnode = CS__JNONE, bnode = CS__JNONE;
    for (void *it = json_object_iter((json_t *)v); it; it = json_object_iter_next((json_t *)v, it)) {
        const char *k = json_object_iter_key(it);
        if (!strcmp(k, "params"))
            pnode = c;
        else if (!strcmp(k, "body"))
            bnode = c;
        else if (strcmp(k, "pos") != 0)
            return cs__fail(ld, cs__kpos(ld, c), "unknown key %s in a function (it has 'params' and 'body')",
                            cs__repr(r, sizeof r, k));
        c = cs__jpos_next(&ld->idx, node, c);
    }
    const json_t *p = json_object_get(v, "pos");
    if (p && cs__source_pos(ld, p, cs__member(ld, v, node, "pos"), node) < 0)
        return -1;
    if (bnode == CS__JNONE)
        return cs__fail(ld, cs__vpos(ld, node), "a function written as an object needs 'body'");
    const json_t *ps = json_object_get(v, "params");
    if (ps) {
        if (!json_is_array(ps) || json_array_size(ps) > CS_LOAD_MAX_ARGS)
            return cs__fail(ld, cs__vpos(ld, pnode), "'params' must be a list of at most %d names", CS_LOAD_MAX_ARGS);
        size_t n = json_array_size(ps);
        const char **names = cs__program_alloc(ld->prog, (n ? n : 1) * sizeof *names);
        uint32_t e = cs__jpos_first(&ld->idx, pnode);
        for (size_t i = 0; i < n; i++, e = cs__jpos_next(&ld->idx, pnode, e)) {
            if (!(names[i] = cs__flow_name(ld, json_array_get(ps, i), e, "params")))
                return -1;
            for (size_t j = 0; j < i; j++)
                if (!strcmp(names[i], names[j]))
                    return cs__fail(ld, cs__vpos(ld, e), "duplicate parameter %s", cs__repr(r, sizeof r, names[i]));
        }
        f->params = names;
        f->nparams = (uint32_t)n;
    }
    return cs__conv_body(ld, json_object_get(v, "body"), bnode, false, &f->body);
}
