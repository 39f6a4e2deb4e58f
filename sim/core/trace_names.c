/* trace_names.c - the one place the trace's enums get their names (trace.h).
 *
 * The JSONL writer, the trace reader, the outcome, the findings and the
 * renderers all spell an event kind, a task state, a scope kind, a cause, a
 * backend or a result through these tables, so a name cannot drift between
 * what is written and what is read back.  Each table is indexed by the enum
 * value; a parse is a scan of its handful of entries.
 */
#include <stddef.h>
#include <string.h>

#include "trace.h"

#define CS__N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const cs__event_kinds[] = {
    [CS_EV_RUN_START] = "run_start",
    [CS_EV_TASK_SPAWN] = "task_spawn",
    [CS_EV_TASK_START] = "task_start",
    [CS_EV_TASK_END] = "task_end",
    [CS_EV_SCOPE_ENTER] = "scope_enter",
    [CS_EV_SCOPE_EXIT] = "scope_exit",
    [CS_EV_SCOPE_STATE] = "scope_state",
    [CS_EV_SCOPE_UPDATE] = "scope_update",
    [CS_EV_CANCEL] = "cancel",
    [CS_EV_CANCEL_DELIVERED] = "cancel_delivered",
    [CS_EV_RAISE] = "raise",
    [CS_EV_CATCH] = "catch",
    [CS_EV_GROUP_RAISE] = "group_raise",
    [CS_EV_THREAD_START] = "thread_start",
    [CS_EV_THREAD_END] = "thread_end",
    [CS_EV_THREAD_ABANDONED] = "thread_abandoned",
    [CS_EV_SLEEP] = "sleep",
    [CS_EV_WAKE] = "wake",
    [CS_EV_LOG] = "log",
    [CS_EV_TASK_WAITING] = "task_waiting",
    [CS_EV_CHECKPOINT] = "checkpoint",
    [CS_EV_INJECT] = "inject",
    /* primitives: nowait acquires, explicit acquire/release, limiter tokens, exception groups */
    [CS_EV_ITEMS_LEFT] = "items_left",
    /* async generators and @asynccontextmanager */
    [CS_EV_GEN_ENTER] = "gen_enter",
    [CS_EV_YIELD] = "yield",
    [CS_EV_GEN_EXIT] = "gen_exit",
    [CS_EV_SCOPE_EXIT_CALL] = "scope_exit_call",
    /* native asyncio (asyncio backend only) */
    [CS_EV_NATIVE_CANCEL] = "native_cancel",
    [CS_EV_UNCANCEL] = "uncancel",
    /* portals, foreign threads and Ctrl+C */
    [CS_EV_INTERRUPT] = "interrupt",
    /* blocking portals */
    [CS_EV_PORTAL_TASK] = "portal_task",
    /* threads AnyIO did not start */
    [CS_EV_FOREIGN_THREAD] = "foreign_thread",
    [CS_EV_RUN_END] = "run_end",
};

static const char *const cs__task_states[] = {
    [CS_TASK_COMPLETED] = "completed",
    [CS_TASK_FAILED] = "failed",
    [CS_TASK_CANCELLED] = "cancelled",
    [CS_TASK_UNFINISHED] = "unfinished",
};

static const char *const cs__scope_kinds[] = {
    [CS_KIND_CANCEL_SCOPE] = "cancel_scope", [CS_KIND_MOVE_ON] = "move_on",   [CS_KIND_FAIL_AFTER] = "fail_after",
    [CS_KIND_TASK_GROUP] = "task_group",     [CS_KIND_INTERNAL] = "internal",
};

static const char *const cs__causes[] = {
    [CS_CAUSE_EXPLICIT] = "explicit",
    [CS_CAUSE_DEADLINE] = "deadline",
    [CS_CAUSE_TASK_FAILED] = "task_failed",
    [CS_CAUSE_TASK_HANDLE] = "task_handle",
};

static const char *const cs__backends[] = {[CS_BACKEND_ASYNCIO] = "asyncio", [CS_BACKEND_TRIO] = "trio"};

static const char *const cs__limits[] = {
    [CS_RESULT_LIMIT_TIME] = "time",     [CS_RESULT_LIMIT_STEPS] = "steps", [CS_RESULT_LIMIT_TASKS] = "tasks",
    [CS_RESULT_LIMIT_TIMERS] = "timers", [CS_RESULT_LIMIT_TRACE] = "trace", [CS_RESULT_LIMIT_MEMORY] = "memory",
};

static const char *cs__name(const char *const *table, size_t n, unsigned v)
{
    return v < n && table[v] ? table[v] : "?";
}

/* Index of `name` in the table, or -1. */
static int cs__parse(const char *const *table, size_t n, const char *name)
{
    for (size_t i = 0; name && i < n; i++)
        if (table[i] && strcmp(table[i], name) == 0)
            return (int)i;
    return -1;
}

#define CS__NAME_FNS(fn_name, fn_parse, type, table)       \
    const char *fn_name(type v)                            \
    {                                                      \
        return cs__name(table, CS__N(table), (unsigned)v); \
    }                                                      \
    bool fn_parse(const char *name, type *out)             \
    {                                                      \
        int i = cs__parse(table, CS__N(table), name);      \
        if (i < 0)                                         \
            return false;                                  \
        *out = (type)i;                                    \
        return true;                                       \
    }

CS__NAME_FNS(cs_event_kind_name, cs_event_kind_parse, cs_event_kind, cs__event_kinds)
CS__NAME_FNS(cs_task_state_name, cs_task_state_parse, cs_task_state, cs__task_states)
CS__NAME_FNS(cs_scope_kind_name, cs_scope_kind_parse, cs_scope_kind, cs__scope_kinds)
CS__NAME_FNS(cs_cancel_cause_name, cs_cancel_cause_parse, cs_cancel_cause, cs__causes)
CS__NAME_FNS(cs_backend_name, cs_backend_parse, cs_backend, cs__backends)

const char *cs_result_name(cs_result_kind result)
{
    switch (result) {
    case CS_RESULT_RETURNED: return "returned";
    case CS_RESULT_RAISED: return "raised";
    case CS_RESULT_DEADLOCK: return "deadlock";
    default: return cs_result_is_limit(result) ? "limit" : "?";
    }
}

const char *cs_limit_name(cs_result_kind result)
{
    return cs_result_is_limit(result) ? cs__limits[result] : "steps";
}

bool cs_limit_parse(const char *name, cs_result_kind *out)
{
    int i = cs__parse(cs__limits, CS__N(cs__limits), name);
    if (i < 0)
        return false;
    *out = (cs_result_kind)i;
    return true;
}

const char *cs_cancelled_class_name(cs_backend backend)
{
    static const char *const names[] = {[CS_BACKEND_ASYNCIO] = "CancelledError", [CS_BACKEND_TRIO] = "Cancelled"};
    return names[backend];
}
