/* load_stmt.c - converts statement lists (scenario-format.md section 2) from
 * JSON into cs_stmt trees, checking every key and value kind.
 *
 * The schema below is the whole grammar: each action names how its argument
 * and each option key are read (`kind`) and where the result goes (`field`).
 * Checks happen in the reference oracle's order (action keys, unknown keys,
 * the argument, then the options in schema order), so the first error reported
 * for a file is the one the oracle reports.  Names are only recorded here
 * (cs__refs); load_check.c resolves them once every declaration is known.
 *
 * Recursion: nested bodies recurse; the depth is bounded by Jansson's nesting
 * limit (2048), i.e. at most ~1000 bodies deep.
 */
#include <stdio.h>
#include <string.h>

#include "load_internal.h"
#include "util.h"

typedef struct cs__opt {
    const char *key;
    cs__kind kind;
    cs__field field;
    bool required;
} cs__opt;

typedef struct cs__action {
    const char *name;
    cs_op op;
    cs__kind kind;
    cs__field field;
    cs__opt opts[6]; /* in the oracle's order; unused slots have key NULL */
} cs__action;

typedef struct cs__zero {
    const char *name;
    cs_op op;
} cs__zero;

#define CS__BODY_REQ                         \
    {                                        \
        "body", CS__K_BODY, CS__F_BODY, true \
    }
#define CS__BODY_OPT                          \
    {                                         \
        "body", CS__K_BODY, CS__F_BODY, false \
    }
#define CS__AS_OPT                         \
    {                                      \
        "as", CS__K_LOCAL, CS__F_AS, false \
    }
#define CS__ARGS_OPT                          \
    {                                         \
        "args", CS__K_ARGS, CS__F_ARGS, false \
    }
/* issue 26: start_task_soon's / start_task's `name=` (any value, coerced to
 * str by AnyIO): the call's task is not a scenario task, so it shows nowhere */
#define CS__PORTAL_TASK_NAME                 \
    {                                        \
        "name", CS__K_ANY, CS__F_JSON, false \
    }
#define CS__CALL_OPTS {"function", CS__K_LOCAL, CS__F_CALL, false}, CS__ARGS_OPT
#define CS__SCOPE_OPTS                                       \
    {                                                        \
        {"id", CS__K_NAME, CS__F_DECL, false}, CS__BODY_REQ, \
        {                                                    \
            "shield", CS__K_BOOL, CS__F_SHIELD, false        \
        }                                                    \
    }

static const cs__action cs__stmt_actions[] = {
    {"sleep", CS_OP_SLEEP, CS__K_SLEEP, CS__F_DUR, {{0}}},
    {"sleep_until", CS_OP_SLEEP_UNTIL, CS__K_NUMBER, CS__F_NUM, {{0}}},
    {"busy", CS_OP_BUSY, CS__K_NONNEG, CS__F_DUR, {{0}}},
    /* `exceptions` (issue 18): the members of a raised exception group (load_group.c) */
    {"raise",
     CS_OP_RAISE,
     CS__K_NAME,
     CS__F_REF,
     {{"message", CS__K_STRING, CS__F_TEXT, false}, {"exceptions", CS__K_BODY, CS__F_BODY, false}}},
    {"return", CS_OP_RETURN, CS__K_ANY, CS__F_JSON, {{0}}},
    {"log", CS_OP_LOG, CS__K_STRING, CS__F_TEXT, {{0}}},
    {"probe", CS_OP_PROBE, CS__K_PROBE, CS__F_PROBE, {{"scope", CS__K_NAME, CS__F_REF, false}}},
    {"task_group", CS_OP_TASK_GROUP, CS__K_NAME, CS__F_DECL, {CS__BODY_REQ}},
    /* a spawn runs `body`, or calls `function` with `args` (cs__flow_stmt_rules) */
    {"start_soon",
     CS_OP_START_SOON,
     CS__K_NAME,
     CS__F_DECL,
     {CS__BODY_OPT,
      {"in", CS__K_NAME, CS__F_IN, false},
      {"count", CS__K_TASK_COUNT, CS__F_COUNT, false},
      CS__CALL_OPTS}},
    {"start",
     CS_OP_START,
     CS__K_NAME,
     CS__F_DECL,
     {CS__BODY_OPT,
      {"in", CS__K_NAME, CS__F_IN, false},
      CS__CALL_OPTS,
      CS__AS_OPT,
      {"return_handle", CS__K_BOOL, CS__F_RETURN_HANDLE, false}}},
    {"started", CS_OP_STARTED, CS__K_ANY, CS__F_JSON, {{0}}},
    {"create_task",
     CS_OP_CREATE_TASK,
     CS__K_NAME,
     CS__F_DECL,
     {CS__BODY_OPT, {"in", CS__K_NAME, CS__F_IN, false}, CS__CALL_OPTS}},
    {"await_task", CS_OP_AWAIT_TASK, CS__K_NAME, CS__F_REF, {CS__AS_OPT}},
    {"cancel_task", CS_OP_CANCEL_TASK, CS__K_NAME, CS__F_REF, {{0}}},
    {"cancel_scope",
     CS_OP_CANCEL_SCOPE,
     CS__K_NAME,
     CS__F_DECL,
     {CS__BODY_REQ, {"deadline", CS__K_DEADLINE, CS__F_NUM, false}, {"shield", CS__K_BOOL, CS__F_SHIELD, false}}},
    {"move_on_after", CS_OP_MOVE_ON_AFTER, CS__K_TIMEOUT, CS__F_DUR, CS__SCOPE_OPTS},
    {"fail_after", CS_OP_FAIL_AFTER, CS__K_TIMEOUT, CS__F_DUR, CS__SCOPE_OPTS},
    {"move_on_at", CS_OP_MOVE_ON_AT, CS__K_DELAY, CS__F_DUR, CS__SCOPE_OPTS},
    {"fail_at", CS_OP_FAIL_AT, CS__K_DELAY, CS__F_DUR, CS__SCOPE_OPTS},
    {"cancel", CS_OP_CANCEL, CS__K_NAME, CS__F_REF, {{"reason", CS__K_STRING, CS__F_TEXT, false}}},
    {"set_shield", CS_OP_SET_SHIELD, CS__K_NAME, CS__F_REF, {{"value", CS__K_BOOL, CS__F_SHIELD, true}}},
    {"set_deadline", CS_OP_SET_DEADLINE, CS__K_NAME, CS__F_REF, {{"value", CS__K_DEADLINE, CS__F_NUM, true}}},
    {"try",
     CS_OP_TRY,
     CS__K_BODY,
     CS__F_BODY,
     {{"except", CS__K_HANDLERS, CS__F_EXCEPT, false},
      {"except*", CS__K_HANDLERS, CS__F_EXCEPT_STAR, false},
      {"else", CS__K_BODY, CS__F_ELSE, false},
      {"finally", CS__K_BODY, CS__F_FINALLY, false}}},
    {"to_thread",
     CS_OP_TO_THREAD,
     CS__K_THREAD_BODY,
     CS__F_BODY,
     {{"abandon_on_cancel", CS__K_BOOL, CS__F_ABANDON, false}, {"limiter", CS__K_NAME, CS__F_REF, false}, CS__AS_OPT}},
    {"wait", CS_OP_WAIT, CS__K_NAME, CS__F_REF, {{0}}},
    {"set", CS_OP_SET, CS__K_NAME, CS__F_REF, {{0}}},
    {"with_lock", CS_OP_WITH_LOCK, CS__K_NAME, CS__F_REF, {CS__BODY_REQ}},
    {"with_semaphore", CS_OP_WITH_SEMAPHORE, CS__K_NAME, CS__F_REF, {CS__BODY_REQ}},
    {"with_limiter", CS_OP_WITH_LIMITER, CS__K_NAME, CS__F_REF, {CS__BODY_REQ}},
    {"call", CS_OP_CALL, CS__K_NAME, CS__F_REF, {CS__ARGS_OPT, CS__AS_OPT}},
    {"repeat", CS_OP_REPEAT, CS__K_COUNT, CS__F_COUNT, {CS__BODY_REQ}},
    {"send", CS_OP_SEND, CS__K_NAME, CS__F_REF, {{"item", CS__K_ANY, CS__F_JSON, true}}},
    {"send_nowait", CS_OP_SEND_NOWAIT, CS__K_NAME, CS__F_REF, {{"item", CS__K_ANY, CS__F_JSON, true}}},
    {"receive", CS_OP_RECEIVE, CS__K_NAME, CS__F_REF, {{0}}},
    {"receive_nowait", CS_OP_RECEIVE_NOWAIT, CS__K_NAME, CS__F_REF, {{0}}},
    {"async_for", CS_OP_ASYNC_FOR, CS__K_NAME, CS__F_REF, {CS__BODY_REQ}},
    {"close", CS_OP_CLOSE, CS__K_NAME, CS__F_REF, {{0}}},
    {"aclose", CS_OP_ACLOSE, CS__K_NAME, CS__F_REF, {{0}}},
    {"clone", CS_OP_CLONE, CS__K_NAME, CS__F_REF, {{"as", CS__K_NAME, CS__F_DECL, true}}},
    {"with_stream", CS_OP_WITH_STREAM, CS__K_NAME, CS__F_REF, {CS__BODY_REQ}},
    {"statistics", CS_OP_STATISTICS, CS__K_NAME, CS__F_REF, {{0}}},
    {"with_condition", CS_OP_WITH_CONDITION, CS__K_NAME, CS__F_REF, {CS__BODY_REQ}},
    {"condition_wait", CS_OP_CONDITION_WAIT, CS__K_NAME, CS__F_REF, {{0}}},
    {"notify", CS_OP_NOTIFY, CS__K_NAME, CS__F_REF, {{"n", CS__K_COUNT, CS__F_COUNT, false}}},
    {"notify_all", CS_OP_NOTIFY_ALL, CS__K_NAME, CS__F_REF, {{0}}},
    /* data flow (flow.h, load_data.c) */
    {"if",
     CS_OP_IF,
     CS__K_COND,
     CS__F_COND,
     {{"then", CS__K_BODY, CS__F_BODY, true}, {"else", CS__K_BODY, CS__F_IF_ELSE, false}}},
    {"loop", CS_OP_LOOP, CS__K_BODY, CS__F_BODY, {{0}}},
    {"let", CS_OP_LET, CS__K_LOCAL, CS__F_AS, {{"value", CS__K_VALUE, CS__F_ARGS, true}}},
    {"print", CS_OP_PRINT, CS__K_ARGS, CS__F_ARGS, {{0}}},
    {"return_value", CS_OP_RETURN_VALUE, CS__K_VALUE, CS__F_NAMEREF, {{0}}},
    /* primitives: nowait acquires, explicit acquire/release, limiter tokens, exception groups */
    {"acquire", CS_OP_ACQUIRE, CS__K_NAME, CS__F_REF, {{"on_behalf_of", CS__K_STRING, CS__F_TEXT, false}}},
    {"acquire_nowait",
     CS_OP_ACQUIRE_NOWAIT,
     CS__K_NAME,
     CS__F_REF,
     {{"on_behalf_of", CS__K_STRING, CS__F_TEXT, false}}},
    {"release", CS_OP_RELEASE, CS__K_NAME, CS__F_REF, {{"on_behalf_of", CS__K_STRING, CS__F_TEXT, false}}},
    {"set_total_tokens", CS_OP_SET_TOTAL_TOKENS, CS__K_NAME, CS__F_REF, {{"value", CS__K_DEADLINE, CS__F_NUM, true}}},
    {"task_return_value", CS_OP_TASK_RETURN_VALUE, CS__K_NAME, CS__F_REF, {CS__AS_OPT}},
    {"locked", CS_OP_LOCKED, CS__K_NAME, CS__F_REF, {{0}}},
    /* async generators and @asynccontextmanager */
    {"yield", CS_OP_YIELD, CS__K_ANY, CS__F_JSON, {{0}}},
    {"async_with", CS_OP_ASYNC_WITH, CS__K_NAME, CS__F_REF, {CS__ARGS_OPT, CS__AS_OPT, CS__BODY_REQ}},
    {"aclosing", CS_OP_ACLOSING, CS__K_NAME, CS__F_REF, {CS__ARGS_OPT, CS__AS_OPT, CS__BODY_REQ}},
    {"reenter", CS_OP_REENTER, CS__K_NAME, CS__F_REF, {CS__BODY_REQ}},
    {"scope_enter",
     CS_OP_SCOPE_ENTER,
     CS__K_NAME,
     CS__F_DECL,
     {{"deadline", CS__K_DEADLINE, CS__F_NUM, false}, {"shield", CS__K_BOOL, CS__F_SHIELD, false}}},
    {"scope_exit", CS_OP_SCOPE_EXIT, CS__K_NAME, CS__F_REF, {{0}}},
    {"agen", CS_OP_AGEN, CS__K_NAME, CS__F_REF, {CS__ARGS_OPT, {"as", CS__K_NAME, CS__F_DECL, true}}},
    {"anext", CS_OP_ANEXT, CS__K_NAME, CS__F_REF, {CS__AS_OPT}},
    /* native asyncio (asyncio backend only) */
    {"asyncio_create_task", CS_OP_ASYNCIO_CREATE_TASK, CS__K_NAME, CS__F_DECL, {CS__BODY_REQ}},
    {"asyncio_await", CS_OP_ASYNCIO_AWAIT, CS__K_NAME, CS__F_REF, {{0}}},
    {"asyncio_cancel", CS_OP_ASYNCIO_CANCEL, CS__K_NAME, CS__F_REF, {{"msg", CS__K_STRING, CS__F_TEXT, false}}},
    {"asyncio_probe", CS_OP_ASYNCIO_PROBE, CS__K_STRING, CS__F_TEXT, {{"task", CS__K_NAME, CS__F_REF, false}}},
    {"asyncio_timeout", CS_OP_ASYNCIO_TIMEOUT, CS__K_TIMEOUT, CS__F_DUR, {CS__BODY_REQ}},
    {"asyncio_timeout_at", CS_OP_ASYNCIO_TIMEOUT_AT, CS__K_NUMBER, CS__F_NUM, {CS__BODY_REQ}},
    {"wait_for", CS_OP_WAIT_FOR, CS__K_NAME, CS__F_DECL, {{"timeout", CS__K_TIMEOUT, CS__F_DUR, true}, CS__BODY_REQ}},
    {"asyncio_shield", CS_OP_ASYNCIO_SHIELD, CS__K_NAME, CS__F_REF, {{0}}},
    {"asyncio_task_group", CS_OP_ASYNCIO_TASK_GROUP, CS__K_BODY, CS__F_BODY, {{0}}},
    {"asyncio_future", CS_OP_ASYNCIO_FUTURE, CS__K_NAME, CS__F_DECL, {{0}}},
    {"await_future", CS_OP_AWAIT_FUTURE, CS__K_NAME, CS__F_REF, {{0}}},
    {"future_set_result", CS_OP_FUTURE_SET_RESULT, CS__K_NAME, CS__F_REF, {{0}}},
    {"future_cancel", CS_OP_FUTURE_CANCEL, CS__K_NAME, CS__F_REF, {{"msg", CS__K_STRING, CS__F_TEXT, false}}},
    {"asyncio_tg_create_task", CS_OP_ASYNCIO_TG_CREATE_TASK, CS__K_NAME, CS__F_DECL, {CS__BODY_REQ}},
    /* t.uncancel() of a native task t (the bare "uncancel" below: the current task's) */
    {"uncancel", CS_OP_UNCANCEL, CS__K_NAME, CS__F_REF, {{0}}},
    /* blocking portals */
    /* the portal's name is a string (not a scope: the portal's task group is
     * anonymous, as real AnyIO's is); load_portal.c resolves it into `ref` */
    {"blocking_portal", CS_OP_BLOCKING_PORTAL, CS__K_STRING, CS__F_TEXT, {CS__BODY_REQ}},
    {"portal_stop",
     CS_OP_PORTAL_STOP,
     CS__K_STRING,
     CS__F_TEXT,
     {{"cancel_remaining", CS__K_BOOL, CS__F_SHIELD, false}}},
    /* threads AnyIO did not start */
    {"current_token", CS_OP_CURRENT_TOKEN, CS__K_STRING, CS__F_TEXT, {{0}}},
    {NULL, 0, 0, 0, {{0}}},
};

static const cs__action cs__thread_actions[] = {
    {"block", CS_OP_BLOCK, CS__K_NONNEG, CS__F_DUR, {{0}}},
    {"raise", CS_OP_RAISE, CS__K_NAME, CS__F_REF, {{"message", CS__K_STRING, CS__F_TEXT, false}}},
    {"return", CS_OP_RETURN, CS__K_ANY, CS__F_JSON, {{0}}},
    {"log", CS_OP_LOG, CS__K_STRING, CS__F_TEXT, {{0}}},
    {"from_thread",
     CS_OP_FROM_THREAD,
     CS__K_BODY,
     CS__F_BODY,
     {{"token", CS__K_STRING, CS__F_TEXT, false}, CS__AS_OPT /* issue 26 portals: the thread's named values */}},
    /* blocking portals */
    /* `as`: a named value of the thread function (load_names.c walks a
     * to_thread's steps as a function of their own) */
    {"portal_call", CS_OP_PORTAL_CALL, CS__K_STRING, CS__F_TEXT, {CS__BODY_REQ, CS__AS_OPT}},
    {"print", CS_OP_PRINT, CS__K_ARGS, CS__F_ARGS, {{0}}},
    {"return_value", CS_OP_RETURN_VALUE, CS__K_VALUE, CS__F_NAMEREF, {{0}}},
    /* the future's name is `name` (its own namespace, load_portal.c) */
    {"portal_start_task_soon",
     CS_OP_PORTAL_START_TASK_SOON,
     CS__K_STRING,
     CS__F_TEXT,
     {CS__BODY_REQ, {"future", CS__K_NAME, CS__F_DECL, true}, CS__PORTAL_TASK_NAME}},
    {"portal_start_task",
     CS_OP_PORTAL_START_TASK,
     CS__K_STRING,
     CS__F_TEXT,
     {CS__BODY_REQ, {"future", CS__K_NAME, CS__F_DECL, true}, CS__PORTAL_TASK_NAME, CS__AS_OPT}},
    /* the manager (an @asynccontextmanager generator function) is `name` */
    {"portal_with",
     CS_OP_PORTAL_WITH,
     CS__K_STRING,
     CS__F_TEXT,
     {{"manager", CS__K_NAME, CS__F_DECL, true}, {"body", CS__K_THREAD_BODY, CS__F_BODY, true}}},
    {"future_result", CS_OP_FUTURE_RESULT, CS__K_STRING, CS__F_TEXT, {CS__AS_OPT}},
    {"future_cancel", CS_OP_PORTAL_FUTURE_CANCEL, CS__K_STRING, CS__F_TEXT, {CS__AS_OPT}}, /* `as`: cancel()'s bool */
    /* p.call(p.stop, cancel_remaining) */
    {"portal_stop",
     CS_OP_PORTAL_STOP,
     CS__K_STRING,
     CS__F_TEXT,
     {{"cancel_remaining", CS__K_BOOL, CS__F_SHIELD, false}}},
    /* threads AnyIO did not start */
    {"from_thread_sync", CS_OP_FROM_THREAD_SYNC, CS__K_BODY, CS__F_BODY, {{"token", CS__K_STRING, CS__F_TEXT, false}}},
    /* with start_blocking_portal(backend) as P: only in sync_main (load_sync_main.c) */
    {"start_blocking_portal",
     CS_OP_START_BLOCKING_PORTAL,
     CS__K_STRING,
     CS__F_TEXT,
     {{"body", CS__K_THREAD_BODY, CS__F_BODY, true}}},
    {NULL, 0, 0, 0, {{0}}},
};

static const cs__zero cs__stmt_zero[] = {
    {"sleep_forever", CS_OP_SLEEP_FOREVER},
    {"checkpoint", CS_OP_CHECKPOINT},
    {"checkpoint_if_cancelled", CS_OP_CHECKPOINT_IF_CANCELLED},
    {"cancel_shielded_checkpoint", CS_OP_CANCEL_SHIELDED_CHECKPOINT},
    {"reraise", CS_OP_RERAISE},
    {"break", CS_OP_BREAK},
    {"continue", CS_OP_CONTINUE},
    {"uncancel", CS_OP_UNCANCEL},   /* issue 20: asyncio.current_task().uncancel() */
    {"interrupt", CS_OP_INTERRUPT}, /* issue 26: Ctrl+C while this task runs */
    {NULL, 0},
};

static const cs__zero cs__thread_zero[] = {
    {"check_cancelled", CS_OP_CHECK_CANCELLED},
    {NULL, 0},
};

static const cs__action *cs__find_action(const cs__action *tab, const char *k)
{
    for (; tab->name; tab++)
        if (strcmp(tab->name, k) == 0)
            return tab;
    return NULL;
}

static const cs__zero *cs__find_zero(const cs__zero *tab, const char *k)
{
    for (; tab->name; tab++)
        if (strcmp(tab->name, k) == 0)
            return tab;
    return NULL;
}

static const cs__opt *cs__find_opt(const cs__action *a, const char *k)
{
    for (int i = 0; i < 6 && a->opts[i].key; i++)
        if (strcmp(a->opts[i].key, k) == 0)
            return &a->opts[i];
    return NULL;
}

/* Joins the keys of x (those that are actions when only_actions) into buf. */
static void cs__join_keys(const json_t *x, const cs__action *tab, bool only_actions, char *buf, size_t n)
{
    size_t o = 0;
    buf[0] = '\0';
    for (void *it = json_object_iter((json_t *)x); it && o + 1 < n; it = json_object_iter_next((json_t *)x, it)) {
        const char *k = json_object_iter_key(it);
        if (only_actions && !cs__find_action(tab, k))
            continue;
        o += (size_t)snprintf(buf + o, n - o, "%s%s", o ? ", " : "", k);
    }
}

/* Initial field values of every statement (program.h's "absent" values). */
static void cs__stmt_init(cs_stmt *st, cs_op op, cs_pos pos)
{
    memset(st, 0, sizeof *st);
    st->op = op;
    st->pos = pos;
    st->decl = -1;
    st->ref = -1;
    st->count = -1;
    st->value_json = "null";
}

/* The `try` and `probe` rules that look at several keys at once. */
static int cs__stmt_rules(cs__loader *ld, const json_t *x, uint32_t node, cs_stmt *st)
{
    cs_pos pos = cs__vpos(ld, node);
    if (st->op == CS_OP_TRY) {
        bool ex = json_object_get(x, "except"), exs = json_object_get(x, "except*");
        if (ex && exs)
            return cs__fail(ld, pos, "a try cannot have both 'except' and 'except*'");
        if (!ex && !exs && !st->has_finally)
            return cs__fail(ld, pos, "a try needs 'except', 'except*' or 'finally'");
        if (st->has_else && !ex && !exs)
            return cs__fail(ld, cs__kpos(ld, cs__member(ld, x, node, "else")), "'else' needs 'except' or 'except*'");
        const cs__refs *r = st->ref >= 0 ? &ld->refs[st->ref] : NULL;
        for (uint32_t i = 0; exs && r && i < st->nhandlers; i++)
            if (!r->match[i])
                return cs__fail(ld, st->handlers[i].pos, "an except* handler needs 'match'");
    }
    if (st->op == CS_OP_RAISE && json_object_get(x, "exceptions"))
        st->count = st->body.n; /* a group: count >= 0 marks it (load_group.c) */
    if (cs__native_stmt_rules(ld, x, node, st) < 0)
        return -1;
    if (st->op == CS_OP_PROBE) {
        bool scope_probe = st->probe != CS_PROBE_EFFECTIVE_DEADLINE && st->probe != CS_PROBE_TIME;
        bool has_scope = json_object_get(x, "scope") != NULL;
        const char *pname = json_string_value(json_object_get(x, "probe"));
        if (scope_probe && !has_scope)
            return cs__fail(ld, pos, "probe '%s' needs 'scope'", pname);
        if (!scope_probe && has_scope)
            return cs__fail(ld, cs__kpos(ld, cs__member(ld, x, node, "scope")), "probe '%s' takes no 'scope'", pname);
    }
    return 0;
}

/* A statement's "pos": [LINE, COL] (a front end's source position, e.g. the
 * Python line a translated statement came from).  Every value and key inside
 * the statement takes that position in the index, so whatever is reported
 * about it (here, in the whole-program checks, at run time, in the trace)
 * names the source; a nested statement with its own "pos" overrides it in
 * turn, as the body is converted after this.  Returns 0 (no "pos" or a valid
 * one), -1 after an error. */
static int cs__stmt_pos(cs__loader *ld, const json_t *x, uint32_t node)
{
    const json_t *p = json_object_get(x, "pos");
    return p ? cs__source_pos(ld, p, cs__member(ld, x, node, "pos"), node) : 0;
}

int cs__source_pos(cs__loader *ld, const json_t *p, uint32_t pnode, uint32_t node)
{
    const json_t *l = json_array_get(p, 0), *c = json_array_get(p, 1);
    if (!json_is_array(p) || json_array_size(p) != 2 || !json_is_integer(l) || !json_is_integer(c) ||
        json_integer_value(l) < 1 || json_integer_value(c) < 1 || json_integer_value(l) > UINT32_MAX ||
        json_integer_value(c) > UINT32_MAX)
        return cs__fail(ld, cs__vpos(ld, pnode), "'pos' must be [LINE, COLUMN], two positive integers");
    uint32_t line = (uint32_t)json_integer_value(l), col = (uint32_t)json_integer_value(c);
    for (uint32_t i = node; i < ld->idx.nodes[node].end; i++) {
        cs__jnode *n = &ld->idx.nodes[i];
        n->line = line;
        n->col = col;
        if (n->kline) {
            n->kline = line;
            n->kcol = col;
        }
    }
    return 0;
}

/* The zero-argument statement of an object {"NAME": null, "pos": [...]} (the
 * form that can carry a position), or NULL. */
static const cs__zero *cs__zero_object(const json_t *x, const cs__zero *zero)
{
    if (json_object_size(x) != 2 || !json_object_get(x, "pos"))
        return NULL;
    for (void *it = json_object_iter((json_t *)x); it; it = json_object_iter_next((json_t *)x, it)) {
        const cs__zero *z = cs__find_zero(zero, json_object_iter_key(it));
        if (z && json_is_null(json_object_iter_value(it)))
            return z;
    }
    return NULL;
}

/* One statement (or thread step) x at index node `node`. */
static int cs__conv_stmt(cs__loader *ld, const json_t *x, uint32_t node, bool thread, cs_stmt *st)
{
    const cs__action *tab = thread ? cs__thread_actions : cs__stmt_actions;
    const cs__zero *zero = thread ? cs__thread_zero : cs__stmt_zero;
    const char *what = thread ? "thread step" : "statement";
    if (json_is_object(x) && cs__stmt_pos(ld, x, node) < 0)
        return -1;
    cs_pos pos = cs__vpos(ld, node);
    char r[256], keys[256];
    cs__stmt_init(st, CS_OP_COUNT, pos);
    const cs__zero *zobj = json_is_object(x) ? cs__zero_object(x, zero) : NULL;
    if (zobj) {
        st->op = zobj->op;
        return cs__op_is_native(st->op) ? cs__native_stmt_rules(ld, x, node, st) : 0;
    }
    if (json_is_string(x)) {
        const char *s = json_string_value(x);
        const cs__zero *z = cs__find_zero(zero, s);
        if (z) {
            st->op = z->op;
            return cs__op_is_native(st->op) ? cs__native_stmt_rules(ld, x, node, st) : 0;
        }
        if (cs__find_action(tab, s))
            return cs__fail(ld, pos, "%s %s needs an argument (write it as an object)", what, cs__repr(r, sizeof r, s));
        return cs__fail(ld, pos, "unknown %s %s", what, cs__repr(r, sizeof r, s));
    }
    if (!json_is_object(x))
        return cs__fail(ld, pos, "a %s must be a string or an object", what);

    /* The action: exactly one key of x names one. */
    const cs__action *act = NULL;
    uint32_t c = cs__jpos_first(&ld->idx, node), anode = CS__JNONE;
    for (void *it = json_object_iter((json_t *)x); it; it = json_object_iter_next((json_t *)x, it)) {
        const char *k = json_object_iter_key(it);
        const cs__action *a = cs__find_action(tab, k);
        if (a && act) {
            cs__join_keys(x, tab, true, keys, sizeof keys);
            return cs__fail(ld, cs__kpos(ld, c), "%s has more than one action key (%s)", what, keys);
        }
        if (a) {
            act = a;
            anode = c;
        }
        c = cs__jpos_next(&ld->idx, node, c);
    }
    if (!act) {
        c = cs__jpos_first(&ld->idx, node);
        for (void *it = json_object_iter((json_t *)x); it; it = json_object_iter_next((json_t *)x, it)) {
            const char *k = json_object_iter_key(it);
            if (cs__find_zero(zero, k) && json_object_get(x, "pos"))
                return cs__fail(ld, cs__kpos(ld, c),
                                "%s takes no argument; with a position write "
                                "{\"%s\": null, \"pos\": [LINE, COL]} and nothing else",
                                cs__repr(r, sizeof r, k), k);
            if (cs__find_zero(zero, k))
                return cs__fail(ld, cs__kpos(ld, c), "%s takes no argument; write it as a bare string",
                                cs__repr(r, sizeof r, k));
            c = cs__jpos_next(&ld->idx, node, c);
        }
        cs__join_keys(x, tab, false, keys, sizeof keys);
        return cs__fail(ld, pos, "%s has no known action key (keys: %s)", what, keys[0] ? keys : "none");
    }
    st->op = act->op;

    c = cs__jpos_first(&ld->idx, node);
    for (void *it = json_object_iter((json_t *)x); it; it = json_object_iter_next((json_t *)x, it)) {
        const char *k = json_object_iter_key(it);
        if (strcmp(k, act->name) != 0 && !cs__find_opt(act, k) && strcmp(k, "pos") != 0) {
            char o[64];
            return cs__fail(ld, cs__kpos(ld, c), "unknown key %s for %s", cs__repr(r, sizeof r, k),
                            cs__repr(o, sizeof o, act->name));
        }
        c = cs__jpos_next(&ld->idx, node, c);
    }

    if (cs__conv_field(ld, st, act->kind, act->field, act->name, json_object_get(x, act->name), anode) < 0)
        return -1;
    for (int i = 0; i < 6 && act->opts[i].key; i++) {
        const cs__opt *o = &act->opts[i];
        const json_t *v = json_object_get(x, o->key);
        if (v) {
            if (cs__conv_field(ld, st, o->kind, o->field, o->key, v, cs__member(ld, x, node, o->key)) < 0)
                return -1;
        } else if (o->required)
            return cs__fail(ld, pos, "'%s' needs '%s'", act->name, o->key);
    }
    if (cs__flow_stmt_rules(ld, x, node, st) < 0)
        return -1;
    return cs__stmt_rules(ld, x, node, st);
}

int cs__conv_body(cs__loader *ld, const json_t *v, uint32_t node, bool thread, cs_body *out)
{
    if (!json_is_array(v))
        return cs__fail(ld, cs__vpos(ld, node), "expected a list of %s", thread ? "thread steps" : "statements");
    size_t n = json_array_size(v);
    cs_stmt *items = cs__program_alloc(ld->prog, n * sizeof *items);
    out->items = items;
    out->n = (uint32_t)n;
    uint32_t c = cs__jpos_first(&ld->idx, node);
    for (size_t i = 0; i < n; i++, c = cs__jpos_next(&ld->idx, node, c))
        if (cs__conv_stmt(ld, json_array_get(v, i), c, thread, &items[i]) < 0)
            return -1;
    return 0;
}
