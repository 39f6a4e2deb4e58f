/* test_outcome.c - the outcome sink and its writers, fed synthetic traces.
 *
 * Each scenario test replays, by hand, the events the engine emits for a
 * scenario file and compares the printed JSON byte for byte with what the
 * reference oracle printed for that file (the scenario is quoted above each
 * test).  The same events also go through cs_outcome_to_json, the text report
 * and the JSONL trace writer.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_program.h"
#include "json_out.h"
#include "outcome.h"
#include "trace_jsonl.h"

/* ---- event helpers ------------------------------------------------------ */

#define CS_MS(x) ((int64_t)(x)*1000000) /* milliseconds -> ns */

static cs_sink g_sinks[4];
static size_t g_nsinks;
static uint64_t g_seq;
static cs_program g_prog;

static void emit(cs_event *ev)
{
    ev->seq = g_seq++;
    cs_fake_number(ev);
    for (size_t i = 0; i < g_nsinks; i++)
        g_sinks[i].fn(g_sinks[i].ctx, ev);
}

/* Starts a run: events go to `o` (and to `jsonl` when not NULL). */
static void run_start(cs_outcome *o, cs_trace_jsonl *jsonl, const char *name, cs_backend b)
{
    g_nsinks = 0;
    g_seq = 0;
    g_sinks[g_nsinks++] = (cs_sink){cs_outcome_sink, o};
    if (jsonl)
        g_sinks[g_nsinks++] = (cs_sink){cs_trace_jsonl_sink, jsonl};
    g_prog = cs_fake_program(name);
    cs_event ev = cs_fake_event(CS_EV_RUN_START, 0);
    ev.backend = b;
    ev.seed = 7;
    cs_fake_run_start_names(&ev, &g_prog, b);
    emit(&ev);
}

static void spawn(int64_t t, int32_t id, const char *name, int32_t parent, int32_t group)
{
    cs_event ev = cs_fake_event(CS_EV_TASK_SPAWN, t);
    ev.task = id;
    ev.name = name;
    ev.parent = parent;
    ev.group = group;
    emit(&ev);
}

/* Ends task `id`; `exc` is released here (the engine's reference). */
static void task_end(int64_t t, int32_t id, cs_task_state st, cs_exc *exc, const char *value_json)
{
    cs_event ev = cs_fake_event(CS_EV_TASK_END, t);
    ev.task = id;
    ev.state = st;
    ev.exc = exc;
    ev.value_json = value_json;
    emit(&ev);
    cs_exc_unref(exc);
}

static void scope_enter(int64_t t, int32_t id, const char *name, cs_scope_kind kind, int32_t task, double deadline,
                        bool shield)
{
    cs_event ev = cs_fake_event(CS_EV_SCOPE_ENTER, t);
    ev.scope = id;
    ev.name = name;
    ev.scope_kind = kind;
    ev.task = task;
    ev.deadline = deadline;
    ev.shield = shield;
    emit(&ev);
}

/* SCOPE_EXIT, or SCOPE_STATE when `open` (a scope still open at a stop). */
static void scope_leave(int64_t t, int32_t id, bool open, bool called, bool caught, double deadline, bool shield)
{
    cs_event ev = cs_fake_event(open ? CS_EV_SCOPE_STATE : CS_EV_SCOPE_EXIT, t);
    ev.scope = id;
    ev.cancel_called = called;
    ev.cancelled_caught = caught;
    ev.deadline = deadline;
    ev.shield = shield;
    emit(&ev);
}

static void log_line(int64_t t, int32_t task, const char *msg)
{
    cs_event ev = cs_fake_event(CS_EV_LOG, t);
    ev.task = task;
    ev.msg = msg;
    emit(&ev);
}

static void probe_bool(int64_t t, int32_t task, const char *msg, bool v)
{
    cs_event ev = cs_fake_event(CS_EV_LOG, t);
    ev.task = task;
    ev.msg = msg;
    ev.value_kind = CS_VAL_BOOL;
    ev.boolean = v;
    emit(&ev);
}

static void probe_number(int64_t t, int32_t task, const char *msg, double v)
{
    cs_event ev = cs_fake_event(CS_EV_LOG, t);
    ev.task = task;
    ev.msg = msg;
    ev.value_kind = CS_VAL_NUMBER;
    ev.number = v;
    emit(&ev);
}

static void waiting(int64_t t, int32_t task, const char *label)
{
    cs_event ev = cs_fake_event(CS_EV_TASK_WAITING, t);
    ev.task = task;
    ev.label = label;
    emit(&ev);
}

/* Ends the run; `exc` is released here. */
static void run_end(int64_t t, cs_result_kind r, cs_exc *exc, const char *value_json)
{
    cs_event ev = cs_fake_event(CS_EV_RUN_END, t);
    ev.result = r;
    ev.exc = exc;
    ev.value_json = value_json;
    emit(&ev);
    cs_exc_unref(exc);
}

/* ---- output capture ----------------------------------------------------- */

typedef struct capture {
    char *buf;
    size_t len;
    FILE *f;
} capture;

static FILE *cap_open(capture *c)
{
    c->buf = NULL;
    c->len = 0;
    c->f = open_memstream(&c->buf, &c->len);
    ck_assert_ptr_nonnull(c->f);
    return c->f;
}

/* Closes the stream; returns the text (caller frees). */
static char *cap_close(capture *c)
{
    ck_assert_int_eq(ferror(c->f), 0);
    fclose(c->f);
    return c->buf;
}

static char *outcome_json_text(const cs_outcome *o)
{
    capture c;
    cs_outcome_write_json(o, cap_open(&c), 0);
    return cap_close(&c);
}

/* cs_outcome_to_json printed by the same writer: must match the stream. */
static char *outcome_tree_text(const cs_outcome *o)
{
    capture c;
    cs_jw w;
    json_t *j = cs_outcome_to_json(o);
    ck_assert_ptr_nonnull(j);
    cs_jw_init(&w, cap_open(&c), 2, 0);
    cs_jw_value(&w, j);
    json_decref(j);
    return cap_close(&c);
}

/* The outcome's JSON must equal `want` byte for byte, streamed and as a tree. */
static void check_outcome(const cs_outcome *o, const char *want)
{
    char *got = outcome_json_text(o);
    ck_assert_str_eq(got, want);
    free(got);
    got = outcome_tree_text(o);
    ck_assert_str_eq(got, want);
    free(got);
}

/* Expected outcomes: printed by the reference oracle (anyio_oracle.py) for the
 * scenarios named in each test, final newline removed. */

static const char cs_want_trio_group[] = "{\n"
                                         "  \"scenario\": \"sib\",\n"
                                         "  \"backend\": \"trio\",\n"
                                         "  \"result\": {\n"
                                         "    \"raised\": {\n"
                                         "      \"type\": \"ExceptionGroup\",\n"
                                         "      \"message\": \"Exceptions from Trio nursery\",\n"
                                         "      \"exceptions\": [\n"
                                         "        {\n"
                                         "          \"type\": \"ValueError\",\n"
                                         "          \"message\": \"boom\"\n"
                                         "        }\n"
                                         "      ]\n"
                                         "    }\n"
                                         "  },\n"
                                         "  \"end_time\": 1,\n"
                                         "  \"tasks\": {\n"
                                         "    \"main\": {\n"
                                         "      \"state\": \"failed\",\n"
                                         "      \"end\": 1,\n"
                                         "      \"exception\": {\n"
                                         "        \"type\": \"ExceptionGroup\",\n"
                                         "        \"message\": \"Exceptions from Trio nursery\",\n"
                                         "        \"exceptions\": [\n"
                                         "          {\n"
                                         "            \"type\": \"ValueError\",\n"
                                         "            \"message\": \"boom\"\n"
                                         "          }\n"
                                         "        ]\n"
                                         "      }\n"
                                         "    },\n"
                                         "    \"a\": {\n"
                                         "      \"state\": \"failed\",\n"
                                         "      \"end\": 1,\n"
                                         "      \"exception\": {\n"
                                         "        \"type\": \"ValueError\",\n"
                                         "        \"message\": \"boom\"\n"
                                         "      }\n"
                                         "    },\n"
                                         "    \"b\": {\n"
                                         "      \"state\": \"cancelled\",\n"
                                         "      \"end\": 1\n"
                                         "    }\n"
                                         "  },\n"
                                         "  \"scopes\": {\n"
                                         "    \"tg\": {\n"
                                         "      \"kind\": \"task_group\",\n"
                                         "      \"cancel_called\": true,\n"
                                         "      \"cancelled_caught\": true,\n"
                                         "      \"deadline\": \"inf\",\n"
                                         "      \"shield\": false\n"
                                         "    },\n"
                                         "    \"m\": {\n"
                                         "      \"kind\": \"move_on\",\n"
                                         "      \"cancel_called\": true,\n"
                                         "      \"cancelled_caught\": true,\n"
                                         "      \"deadline\": 0.3,\n"
                                         "      \"shield\": false\n"
                                         "    }\n"
                                         "  },\n"
                                         "  \"log\": [\n"
                                         "    {\n"
                                         "      \"t\": 0.3,\n"
                                         "      \"task\": \"main\",\n"
                                         "      \"msg\": \"m.cancel_called\",\n"
                                         "      \"value\": true\n"
                                         "    },\n"
                                         "    {\n"
                                         "      \"t\": 0.3,\n"
                                         "      \"task\": \"main\",\n"
                                         "      \"msg\": \"effective_deadline\",\n"
                                         "      \"value\": \"inf\"\n"
                                         "    },\n"
                                         "    {\n"
                                         "      \"t\": 0.3,\n"
                                         "      \"task\": \"main\",\n"
                                         "      \"msg\": \"time\",\n"
                                         "      \"value\": 0.3\n"
                                         "    },\n"
                                         "    {\n"
                                         "      \"t\": 1,\n"
                                         "      \"task\": \"a\",\n"
                                         "      \"msg\": \"about \\\"to\\\"\\n fail\\u0001\177 é\"\n"
                                         "    }\n"
                                         "  ]\n"
                                         "}";

static const char cs_want_returned[] = "{\n"
                                       "  \"scenario\": \"ret\",\n"
                                       "  \"backend\": \"asyncio\",\n"
                                       "  \"result\": {\n"
                                       "    \"returned\": [\n"
                                       "      1,\n"
                                       "      0.1,\n"
                                       "      1e-05,\n"
                                       "      {\n"
                                       "        \"k\": {}\n"
                                       "      }\n"
                                       "    ]\n"
                                       "  },\n"
                                       "  \"end_time\": 0,\n"
                                       "  \"tasks\": {\n"
                                       "    \"main\": {\n"
                                       "      \"state\": \"completed\",\n"
                                       "      \"end\": 0,\n"
                                       "      \"returned\": [\n"
                                       "        1,\n"
                                       "        0.1,\n"
                                       "        1e-05,\n"
                                       "        {\n"
                                       "          \"k\": {}\n"
                                       "        }\n"
                                       "      ]\n"
                                       "    },\n"
                                       "    \"x\": {\n"
                                       "      \"state\": \"completed\",\n"
                                       "      \"end\": 0,\n"
                                       "      \"returned\": {\n"
                                       "        \"a\": [\n"
                                       "          1,\n"
                                       "          2,\n"
                                       "          2.5,\n"
                                       "          null,\n"
                                       "          true,\n"
                                       "          \"s\",\n"
                                       "          {},\n"
                                       "          []\n"
                                       "        ],\n"
                                       "        \"b\": 1e+16,\n"
                                       "        \"c\": 0,\n"
                                       "        \"d\": 9007199254740992.0\n"
                                       "      }\n"
                                       "    }\n"
                                       "  },\n"
                                       "  \"scopes\": {\n"
                                       "    \"g\": {\n"
                                       "      \"kind\": \"task_group\",\n"
                                       "      \"cancel_called\": false,\n"
                                       "      \"cancelled_caught\": false,\n"
                                       "      \"deadline\": \"inf\",\n"
                                       "      \"shield\": false\n"
                                       "    }\n"
                                       "  },\n"
                                       "  \"log\": []\n"
                                       "}";

static const char cs_want_deadlock[] = "{\n"
                                       "  \"scenario\": \"dl\",\n"
                                       "  \"backend\": \"asyncio\",\n"
                                       "  \"result\": {\n"
                                       "    \"deadlock\": {\n"
                                       "      \"waiting\": {\n"
                                       "        \"main\": \"event e\",\n"
                                       "        \"w\": \"event e\"\n"
                                       "      }\n"
                                       "    }\n"
                                       "  },\n"
                                       "  \"end_time\": 0,\n"
                                       "  \"tasks\": {\n"
                                       "    \"main\": {\n"
                                       "      \"state\": \"unfinished\"\n"
                                       "    },\n"
                                       "    \"w\": {\n"
                                       "      \"state\": \"unfinished\"\n"
                                       "    }\n"
                                       "  },\n"
                                       "  \"scopes\": {\n"
                                       "    \"tg\": {\n"
                                       "      \"kind\": \"task_group\",\n"
                                       "      \"cancel_called\": false,\n"
                                       "      \"cancelled_caught\": false,\n"
                                       "      \"deadline\": \"inf\",\n"
                                       "      \"shield\": false\n"
                                       "    },\n"
                                       "    \"cs\": {\n"
                                       "      \"kind\": \"cancel_scope\",\n"
                                       "      \"cancel_called\": false,\n"
                                       "      \"cancelled_caught\": false,\n"
                                       "      \"deadline\": \"inf\",\n"
                                       "      \"shield\": false\n"
                                       "    }\n"
                                       "  },\n"
                                       "  \"log\": []\n"
                                       "}";

static const char cs_want_nested_groups[] = "{\n"
                                            "  \"scenario\": \"grp\",\n"
                                            "  \"backend\": \"asyncio\",\n"
                                            "  \"result\": {\n"
                                            "    \"raised\": {\n"
                                            "      \"type\": \"KeyboardInterrupt\",\n"
                                            "      \"message\": \"ki\"\n"
                                            "    }\n"
                                            "  },\n"
                                            "  \"end_time\": 0,\n"
                                            "  \"tasks\": {\n"
                                            "    \"main\": {\n"
                                            "      \"state\": \"failed\",\n"
                                            "      \"end\": 0,\n"
                                            "      \"exception\": {\n"
                                            "        \"type\": \"BaseExceptionGroup\",\n"
                                            "        \"message\": \"unhandled errors in a TaskGroup\",\n"
                                            "        \"exceptions\": [\n"
                                            "          {\n"
                                            "            \"type\": \"KeyError\",\n"
                                            "            \"message\": \"'k'\"\n"
                                            "          },\n"
                                            "          {\n"
                                            "            \"type\": \"BaseExceptionGroup\",\n"
                                            "            \"message\": \"unhandled errors in a TaskGroup\",\n"
                                            "            \"exceptions\": [\n"
                                            "              {\n"
                                            "                \"type\": \"AppError\",\n"
                                            "                \"message\": \"\"\n"
                                            "              },\n"
                                            "              {\n"
                                            "                \"type\": \"KeyboardInterrupt\",\n"
                                            "                \"message\": \"ki\"\n"
                                            "              }\n"
                                            "            ]\n"
                                            "          }\n"
                                            "        ]\n"
                                            "      }\n"
                                            "    },\n"
                                            "    \"k\": {\n"
                                            "      \"state\": \"failed\",\n"
                                            "      \"end\": 0,\n"
                                            "      \"exception\": {\n"
                                            "        \"type\": \"KeyError\",\n"
                                            "        \"message\": \"'k'\"\n"
                                            "      }\n"
                                            "    },\n"
                                            "    \"n\": {\n"
                                            "      \"state\": \"failed\",\n"
                                            "      \"end\": 0,\n"
                                            "      \"exception\": {\n"
                                            "        \"type\": \"BaseExceptionGroup\",\n"
                                            "        \"message\": \"unhandled errors in a TaskGroup\",\n"
                                            "        \"exceptions\": [\n"
                                            "          {\n"
                                            "            \"type\": \"AppError\",\n"
                                            "            \"message\": \"\"\n"
                                            "          },\n"
                                            "          {\n"
                                            "            \"type\": \"KeyboardInterrupt\",\n"
                                            "            \"message\": \"ki\"\n"
                                            "          }\n"
                                            "        ]\n"
                                            "      }\n"
                                            "    },\n"
                                            "    \"x\": {\n"
                                            "      \"state\": \"failed\",\n"
                                            "      \"end\": 0,\n"
                                            "      \"exception\": {\n"
                                            "        \"type\": \"AppError\",\n"
                                            "        \"message\": \"\"\n"
                                            "      }\n"
                                            "    },\n"
                                            "    \"y\": {\n"
                                            "      \"state\": \"failed\",\n"
                                            "      \"end\": 0,\n"
                                            "      \"exception\": {\n"
                                            "        \"type\": \"KeyboardInterrupt\",\n"
                                            "        \"message\": \"ki\"\n"
                                            "      }\n"
                                            "    }\n"
                                            "  },\n"
                                            "  \"scopes\": {\n"
                                            "    \"outer\": {\n"
                                            "      \"kind\": \"task_group\",\n"
                                            "      \"cancel_called\": true,\n"
                                            "      \"cancelled_caught\": false,\n"
                                            "      \"deadline\": \"inf\",\n"
                                            "      \"shield\": false\n"
                                            "    },\n"
                                            "    \"inner\": {\n"
                                            "      \"kind\": \"task_group\",\n"
                                            "      \"cancel_called\": true,\n"
                                            "      \"cancelled_caught\": false,\n"
                                            "      \"deadline\": \"inf\",\n"
                                            "      \"shield\": false\n"
                                            "    }\n"
                                            "  },\n"
                                            "  \"log\": []\n"
                                            "}";

static const char cs_want_limit[] = "{\n"
                                    "  \"scenario\": \"lim\",\n"
                                    "  \"backend\": \"trio\",\n"
                                    "  \"result\": {\n"
                                    "    \"limit\": \"time\"\n"
                                    "  },\n"
                                    "  \"end_time\": 0.35,\n"
                                    "  \"tasks\": {\n"
                                    "    \"main\": {\n"
                                    "      \"state\": \"unfinished\"\n"
                                    "    },\n"
                                    "    \"w\": {\n"
                                    "      \"state\": \"unfinished\"\n"
                                    "    },\n"
                                    "    \"done\": {\n"
                                    "      \"state\": \"completed\",\n"
                                    "      \"end\": 0.35,\n"
                                    "      \"returned\": {\n"
                                    "        \"x\": [\n"
                                    "          1.5,\n"
                                    "          2\n"
                                    "        ]\n"
                                    "      }\n"
                                    "    }\n"
                                    "  },\n"
                                    "  \"scopes\": {\n"
                                    "    \"outer\": {\n"
                                    "      \"kind\": \"cancel_scope\",\n"
                                    "      \"cancel_called\": false,\n"
                                    "      \"cancelled_caught\": false,\n"
                                    "      \"deadline\": 1000000000000,\n"
                                    "      \"shield\": true\n"
                                    "    },\n"
                                    "    \"m\": {\n"
                                    "      \"kind\": \"move_on\",\n"
                                    "      \"cancel_called\": true,\n"
                                    "      \"cancelled_caught\": true,\n"
                                    "      \"deadline\": 0.25,\n"
                                    "      \"shield\": false\n"
                                    "    },\n"
                                    "    \"tg\": {\n"
                                    "      \"kind\": \"task_group\",\n"
                                    "      \"cancel_called\": false,\n"
                                    "      \"cancelled_caught\": false,\n"
                                    "      \"deadline\": \"inf\",\n"
                                    "      \"shield\": false\n"
                                    "    }\n"
                                    "  },\n"
                                    "  \"log\": [\n"
                                    "    {\n"
                                    "      \"t\": 0.25,\n"
                                    "      \"task\": \"main\",\n"
                                    "      \"msg\": \"m.cancelled_caught\",\n"
                                    "      \"value\": true\n"
                                    "    },\n"
                                    "    {\n"
                                    "      \"t\": 0.25,\n"
                                    "      \"task\": \"main\",\n"
                                    "      \"msg\": \"m.deadline\",\n"
                                    "      \"value\": 0.25\n"
                                    "    },\n"
                                    "    {\n"
                                    "      \"t\": 0.25,\n"
                                    "      \"task\": \"main\",\n"
                                    "      \"msg\": \"effective_deadline\",\n"
                                    "      \"value\": 1000000000000\n"
                                    "    },\n"
                                    "    {\n"
                                    "      \"t\": 0.25,\n"
                                    "      \"task\": \"main\",\n"
                                    "      \"msg\": \"é x\\ttab\"\n"
                                    "    }\n"
                                    "  ]\n"
                                    "}";

static const char cs_want_both[] = "[\n"
                                   "  {\n"
                                   "    \"scenario\": \"dl\",\n"
                                   "    \"backend\": \"asyncio\",\n"
                                   "    \"result\": {\n"
                                   "      \"deadlock\": {\n"
                                   "        \"waiting\": {\n"
                                   "          \"main\": \"event e\",\n"
                                   "          \"w\": \"event e\"\n"
                                   "        }\n"
                                   "      }\n"
                                   "    },\n"
                                   "    \"end_time\": 0,\n"
                                   "    \"tasks\": {\n"
                                   "      \"main\": {\n"
                                   "        \"state\": \"unfinished\"\n"
                                   "      },\n"
                                   "      \"w\": {\n"
                                   "        \"state\": \"unfinished\"\n"
                                   "      }\n"
                                   "    },\n"
                                   "    \"scopes\": {\n"
                                   "      \"tg\": {\n"
                                   "        \"kind\": \"task_group\",\n"
                                   "        \"cancel_called\": false,\n"
                                   "        \"cancelled_caught\": false,\n"
                                   "        \"deadline\": \"inf\",\n"
                                   "        \"shield\": false\n"
                                   "      },\n"
                                   "      \"cs\": {\n"
                                   "        \"kind\": \"cancel_scope\",\n"
                                   "        \"cancel_called\": false,\n"
                                   "        \"cancelled_caught\": false,\n"
                                   "        \"deadline\": \"inf\",\n"
                                   "        \"shield\": false\n"
                                   "      }\n"
                                   "    },\n"
                                   "    \"log\": []\n"
                                   "  },\n"
                                   "  {\n"
                                   "    \"scenario\": \"dl\",\n"
                                   "    \"backend\": \"trio\",\n"
                                   "    \"result\": {\n"
                                   "      \"deadlock\": {\n"
                                   "        \"waiting\": {\n"
                                   "          \"main\": \"event e\",\n"
                                   "          \"w\": \"event e\"\n"
                                   "        }\n"
                                   "      }\n"
                                   "    },\n"
                                   "    \"end_time\": 0,\n"
                                   "    \"tasks\": {\n"
                                   "      \"main\": {\n"
                                   "        \"state\": \"unfinished\"\n"
                                   "      },\n"
                                   "      \"w\": {\n"
                                   "        \"state\": \"unfinished\"\n"
                                   "      }\n"
                                   "    },\n"
                                   "    \"scopes\": {\n"
                                   "      \"tg\": {\n"
                                   "        \"kind\": \"task_group\",\n"
                                   "        \"cancel_called\": false,\n"
                                   "        \"cancelled_caught\": false,\n"
                                   "        \"deadline\": \"inf\",\n"
                                   "        \"shield\": false\n"
                                   "      },\n"
                                   "      \"cs\": {\n"
                                   "        \"kind\": \"cancel_scope\",\n"
                                   "        \"cancel_called\": false,\n"
                                   "        \"cancelled_caught\": false,\n"
                                   "        \"deadline\": \"inf\",\n"
                                   "        \"shield\": false\n"
                                   "      }\n"
                                   "    },\n"
                                   "    \"log\": []\n"
                                   "  }\n"
                                   "]";

/* The text report and the JSONL trace of replay_trio_group (reviewed by hand). */
static const char cs_want_text[] = "scenario sib (trio)\n"
                                   "raised: ExceptionGroup: Exceptions from Trio nursery\n"
                                   "  ValueError: boom\n"
                                   "end time: 1\n"
                                   "tasks:\n"
                                   "  main  failed      end 1  ExceptionGroup: Exceptions from Trio nursery\n"
                                   "    ValueError: boom\n"
                                   "  a     failed      end 1  ValueError: boom\n"
                                   "  b     cancelled   end 1\n"
                                   "scopes:\n"
                                   "  tg  task_group    deadline inf  cancel_called  cancelled_caught\n"
                                   "  m   move_on       deadline 0.3  cancel_called  cancelled_caught\n"
                                   "log:\n"
                                   "  [0.3] main: m.cancel_called = true\n"
                                   "  [0.3] main: effective_deadline = inf\n"
                                   "  [0.3] main: time = 0.3\n"
                                   "  [1] a: about \"to\"\\n fail\\x01\\x7f é\n";

static const char cs_want_jsonl[] =
    "{\"seq\": 0, \"t\": 0.0, \"ev\": \"run_start\", \"scenario\": \"sib\", \"backend\": \"trio\", \"seed\": 7, "
    "\"classes\": [\"BaseException\", \"Exception\", \"ArithmeticError\", \"ZeroDivisionError\", \"LookupError\", \"KeyError\", \"IndexError\", \"ValueError\", \"TypeError\", \"RuntimeError\", \"NotImplementedError\", \"OSError\", \"ConnectionError\", \"TimeoutError\", \"KeyboardInterrupt\", \"SystemExit\", \"GeneratorExit\", \"BaseExceptionGroup\", \"ExceptionGroup\", \"TaskFailed\", \"TaskCancelled\", \"WouldBlock\", \"BrokenResourceError\", \"ClosedResourceError\", \"EndOfStream\", \"RunFinishedError\", \"concurrent.futures.CancelledError\", \"Cancelled\", \"AppError\", \"DbError\"]}\n"
    "{\"seq\": 1, \"t\": 0.0, \"ev\": \"task_spawn\", \"task\": \"main\", \"parent\": null}\n"
    "{\"seq\": 2, \"t\": 0.0, \"ev\": \"scope_enter\", \"scope\": \"tg\", \"scope_id\": 0, \"kind\": \"task_group\", \"task\": \"main\", \"deadline\": \"inf\", \"shield\": false}\n"
    "{\"seq\": 3, \"t\": 0.0, \"ev\": \"task_spawn\", \"task\": \"a\", \"parent\": \"main\", \"group\": \"tg\", \"group_id\": 0}\n"
    "{\"seq\": 4, \"t\": 0.0, \"ev\": \"task_spawn\", \"task\": \"b\", \"parent\": \"main\", \"group\": \"tg\", \"group_id\": 0}\n"
    "{\"seq\": 5, \"t\": 0.0, \"ev\": \"scope_enter\", \"scope\": null, \"scope_id\": 1, \"kind\": \"internal\", \"task\": \"a\", \"deadline\": 1.0, \"shield\": false}\n"
    "{\"seq\": 6, \"t\": 0.0, \"ev\": \"scope_enter\", \"scope\": \"m\", \"scope_id\": 2, \"kind\": \"move_on\", \"task\": \"main\", \"deadline\": 0.3, \"shield\": false}\n"
    "{\"seq\": 7, \"t\": 0.3, \"ev\": \"scope_exit\", \"scope\": \"m\", \"scope_id\": 2, \"cancel_called\": true, \"cancelled_caught\": true, \"deadline\": 0.3, \"shield\": false}\n"
    "{\"seq\": 8, \"t\": 0.3, \"ev\": \"log\", \"task\": \"main\", \"msg\": \"m.cancel_called\", \"value\": true}\n"
    "{\"seq\": 9, \"t\": 0.3, \"ev\": \"log\", \"task\": \"main\", \"msg\": \"effective_deadline\", \"value\": \"inf\"}\n"
    "{\"seq\": 10, \"t\": 0.3, \"ev\": \"log\", \"task\": \"main\", \"msg\": \"time\", \"value\": 0.3}\n"
    "{\"seq\": 11, \"t\": 1.0, \"ev\": \"scope_exit\", \"scope\": null, \"scope_id\": 1, \"cancel_called\": false, \"cancelled_caught\": false, \"deadline\": 1.0, \"shield\": false}\n"
    "{\"seq\": 12, \"t\": 1.0, \"ev\": \"log\", \"task\": \"a\", \"msg\": \"about \\\"to\\\"\\n fail\\u0001\177 é\"}\n"
    "{\"seq\": 13, \"t\": 1.0, \"ev\": \"task_end\", \"task\": \"a\", \"state\": \"failed\", \"exception\": {\"type\": \"ValueError\", \"message\": \"boom\", \"id\": 1}}\n"
    "{\"seq\": 14, \"t\": 1.0, \"ev\": \"task_end\", \"task\": \"b\", \"state\": \"cancelled\", \"exception\": {\"type\": \"Cancelled\", \"message\": \"cancelled due to nursery\", \"id\": 2}}\n"
    "{\"seq\": 15, \"t\": 1.0, \"ev\": \"scope_exit\", \"scope\": \"tg\", \"scope_id\": 0, \"cancel_called\": true, \"cancelled_caught\": true, \"deadline\": \"inf\", \"shield\": false}\n"
    "{\"seq\": 16, \"t\": 1.0, \"ev\": \"task_end\", \"task\": \"main\", \"state\": \"failed\", \"exception\": {\"type\": \"ExceptionGroup\", \"message\": \"Exceptions from Trio nursery\", \"id\": 3, \"exceptions\": [{\"type\": \"ValueError\", \"message\": \"boom\", \"id\": 1}]}}\n"
    "{\"seq\": 17, \"t\": 1.0, \"ev\": \"run_end\", \"result\": \"raised\", \"exception\": {\"type\": \"ExceptionGroup\", \"message\": \"Exceptions from Trio nursery\", \"id\": 3, \"exceptions\": [{\"type\": \"ValueError\", \"message\": \"boom\", \"id\": 1}]}}\n";

/* ---- scenarios replayed ------------------------------------------------- */

/* The events of scenario "sib" on Trio:
 *   {"task_group": "tg", "body": [
 *     {"start_soon": "a", "body": [{"sleep": 1}, {"log": "about \"to\"\n fail\u0001\u007f\u2028é"},
 *                                 {"raise": "ValueError", "message": "boom"}]},
 *     {"start_soon": "b", "body": [{"sleep": 5}]},
 *     {"move_on_after": 0.3, "id": "m", "body": ["sleep_forever"]},
 *     {"probe": "cancel_called", "scope": "m"}, {"probe": "effective_deadline"},
 *     {"probe": "time"}]}
 * Anonymous scopes (sleep scopes) are interleaved: they must not show. */
static void replay_trio_group(cs_outcome *o, cs_trace_jsonl *jsonl)
{
    run_start(o, jsonl, "sib", CS_BACKEND_TRIO);
    spawn(0, 0, "main", -1, -1);
    scope_enter(0, 0, "tg", CS_KIND_TASK_GROUP, 0, INFINITY, false);
    spawn(0, 1, "a", 0, 0);
    spawn(0, 2, "b", 0, 0);
    scope_enter(0, 1, NULL, CS_KIND_INTERNAL, 1, 1.0, false);
    scope_enter(0, 2, "m", CS_KIND_MOVE_ON, 0, 0.3, false);
    scope_leave(CS_MS(300), 2, false, true, true, 0.3, false);
    probe_bool(CS_MS(300), 0, "m.cancel_called", true);
    probe_number(CS_MS(300), 0, "effective_deadline", INFINITY);
    probe_number(CS_MS(300), 0, "time", 0.3);
    scope_leave(CS_MS(1000), 1, false, false, false, 1.0, false);
    log_line(CS_MS(1000), 1, "about \"to\"\n fail\001\177\342\200\250\303\251");
    cs_exc *boom = cs_exc_new(CS_EXC_VALUE_ERROR, "boom");
    task_end(CS_MS(1000), 1, CS_TASK_FAILED, cs_exc_ref(boom), NULL);
    task_end(CS_MS(1000), 2, CS_TASK_CANCELLED, cs_exc_new(CS_EXC_CANCELLED, "cancelled due to nursery"), NULL);
    scope_leave(CS_MS(1000), 0, false, true, true, INFINITY, false);
    cs_exc *group = cs_exc_new_group(CS_EXC_EXCEPTION_GROUP, "Exceptions from Trio nursery", &boom, 1);
    cs_exc_unref(boom);
    task_end(CS_MS(1000), 0, CS_TASK_FAILED, cs_exc_ref(group), NULL);
    run_end(CS_MS(1000), CS_RESULT_RAISED, group, NULL);
}

START_TEST(test_trio_group)
{
    cs_outcome *o = cs_outcome_new();
    replay_trio_group(o, NULL);
    check_outcome(o, cs_want_trio_group);
    cs_outcome_free(o);
}
END_TEST

/* Scenario "ret" on asyncio: returned values of every JSON type; the loader
 * hands them over as Jansson's compact text (2.0 stays 2.0 there).
 *   {"task_group": "g", "body": [{"start_soon": "x", "body": [{"return":
 *     {"a": [1, 2.0, 2.5, null, true, "s", {}, []], "b": 1e16, "c": -0.0,
 *      "d": 9007199254740992.0}}]}]}, {"return": [1.0, 0.1, 1e-05, {"k": {}}]} */
START_TEST(test_returned_values)
{
    static const char x_value[] =
        "{\"a\":[1,2.0,2.5,null,true,\"s\",{},[]],\"b\":1e16,\"c\":-0.0,\"d\":9007199254740992.0}";
    static const char main_value[] = "[1.0,0.10000000000000001,1.0000000000000001e-05,{\"k\":{}}]";
    cs_outcome *o = cs_outcome_new();
    run_start(o, NULL, "ret", CS_BACKEND_ASYNCIO);
    spawn(0, 0, "main", -1, -1);
    scope_enter(0, 0, "g", CS_KIND_TASK_GROUP, 0, INFINITY, false);
    spawn(0, 1, "x", 0, 0);
    task_end(0, 1, CS_TASK_COMPLETED, NULL, x_value);
    scope_leave(0, 0, false, false, false, INFINITY, false);
    task_end(0, 0, CS_TASK_COMPLETED, NULL, main_value);
    run_end(0, CS_RESULT_RETURNED, NULL, main_value);
    check_outcome(o, cs_want_returned);
    cs_outcome_free(o);
}
END_TEST

/* Scenario "dl": {"events": ["e"], "main": [{"task_group": "tg", "body": [
 *   {"start_soon": "w", "body": [{"wait": "e"}]},
 *   {"cancel_scope": "cs", "body": [{"wait": "e"}]}]}]} */
static void replay_deadlock(cs_outcome *o, cs_backend b)
{
    run_start(o, NULL, "dl", b);
    spawn(0, 0, "main", -1, -1);
    scope_enter(0, 0, "tg", CS_KIND_TASK_GROUP, 0, INFINITY, false);
    spawn(0, 1, "w", 0, 0);
    scope_enter(0, 1, "cs", CS_KIND_CANCEL_SCOPE, 0, INFINITY, false);
    waiting(0, 0, "event e");
    waiting(0, 1, "event e");
    scope_leave(0, 0, true, false, false, INFINITY, false);
    scope_leave(0, 1, true, false, false, INFINITY, false);
    run_end(0, CS_RESULT_DEADLOCK, NULL, NULL);
}

START_TEST(test_deadlock)
{
    cs_outcome *o = cs_outcome_new();
    replay_deadlock(o, CS_BACKEND_ASYNCIO);
    check_outcome(o, cs_want_deadlock);
    cs_outcome_free(o);
}
END_TEST

/* Scenario "grp" on asyncio: groups nested in groups, a BaseExceptionGroup
 * (KeyboardInterrupt inside), a user class, KeyError's quoted message. */
START_TEST(test_nested_groups)
{
    cs_outcome *o = cs_outcome_new();
    run_start(o, NULL, "grp", CS_BACKEND_ASYNCIO);
    spawn(0, 0, "main", -1, -1);
    scope_enter(0, 0, "outer", CS_KIND_TASK_GROUP, 0, INFINITY, false);
    spawn(0, 1, "k", 0, 0);
    spawn(0, 2, "n", 0, 0);
    scope_enter(0, 1, "inner", CS_KIND_TASK_GROUP, 2, INFINITY, false);
    spawn(0, 3, "x", 2, 1);
    spawn(0, 4, "y", 2, 1);
    cs_exc *k = cs_exc_new(CS_EXC_KEY_ERROR, "'k'");
    cs_exc *x = cs_exc_new(CS_FAKE_APP_ERROR, NULL);
    cs_exc *ki = cs_exc_new(CS_EXC_KEYBOARD_INTERRUPT, "ki");
    task_end(0, 1, CS_TASK_FAILED, cs_exc_ref(k), NULL);
    task_end(0, 3, CS_TASK_FAILED, cs_exc_ref(x), NULL);
    task_end(0, 4, CS_TASK_FAILED, cs_exc_ref(ki), NULL);
    cs_exc *inner_m[] = {x, ki};
    cs_exc *inner = cs_exc_new_group(CS_EXC_BASE_EXCEPTION_GROUP, "unhandled errors in a TaskGroup", inner_m, 2);
    scope_leave(0, 1, false, true, false, INFINITY, false);
    task_end(0, 2, CS_TASK_FAILED, cs_exc_ref(inner), NULL);
    cs_exc *outer_m[] = {k, inner};
    cs_exc *outer = cs_exc_new_group(CS_EXC_BASE_EXCEPTION_GROUP, "unhandled errors in a TaskGroup", outer_m, 2);
    scope_leave(0, 0, false, true, false, INFINITY, false);
    task_end(0, 0, CS_TASK_FAILED, outer, NULL);
    run_end(0, CS_RESULT_RAISED, cs_exc_ref(ki), NULL);
    cs_exc_unref(k);
    cs_exc_unref(x);
    cs_exc_unref(ki);
    cs_exc_unref(inner);
    check_outcome(o, cs_want_nested_groups);
    cs_outcome_free(o);
}
END_TEST

/* Scenario "lim" on Trio, stopped by the time limit: two unfinished tasks,
 * two scopes still open (their state comes from SCOPE_STATE), probes.
 *   {"cancel_scope": "outer", "shield": true, "deadline": 1e12, "body": [
 *    {"move_on_after": 0.25, "id": "m", "body": ["sleep_forever"]},
 *    {"probe": "cancelled_caught", "scope": "m"}, {"probe": "deadline", "scope": "m"},
 *    {"probe": "effective_deadline"},
 *    {"task_group": "tg", "body": [{"start_soon": "w", "body": [{"sleep": 2e9}]},
 *      {"start_soon": "done", "body": [{"sleep": 0.1}, {"return": {"x": [1.5, 2.0]}}]},
 *      {"log": "é\u2028x\ttab"}]}]} */
START_TEST(test_limit)
{
    cs_outcome *o = cs_outcome_new();
    run_start(o, NULL, "lim", CS_BACKEND_TRIO);
    spawn(0, 0, "main", -1, -1);
    scope_enter(0, 0, "outer", CS_KIND_CANCEL_SCOPE, 0, 1e12, true);
    scope_enter(0, 1, "m", CS_KIND_MOVE_ON, 0, 0.25, false);
    scope_leave(CS_MS(250), 1, false, true, true, 0.25, false);
    probe_bool(CS_MS(250), 0, "m.cancelled_caught", true);
    probe_number(CS_MS(250), 0, "m.deadline", 0.25);
    probe_number(CS_MS(250), 0, "effective_deadline", 1e12);
    scope_enter(CS_MS(250), 2, "tg", CS_KIND_TASK_GROUP, 0, INFINITY, false);
    spawn(CS_MS(250), 1, "w", 0, 2);
    spawn(CS_MS(250), 2, "done", 0, 2);
    log_line(CS_MS(250), 0, "\303\251\342\200\250x\ttab");
    task_end(CS_MS(350), 2, CS_TASK_COMPLETED, NULL, "{\"x\":[1.5,2.0]}");
    scope_leave(CS_MS(350), 0, true, false, false, 1e12, true);
    scope_leave(CS_MS(350), 2, true, false, false, INFINITY, false);
    run_end(CS_MS(350), CS_RESULT_LIMIT_TIME, NULL, NULL);
    check_outcome(o, cs_want_limit);
    cs_outcome_free(o);
}
END_TEST

/* --backend both: the oracle prints a list of the two outcomes. */
START_TEST(test_both_backends_array)
{
    cs_outcome *a = cs_outcome_new(), *t = cs_outcome_new();
    replay_deadlock(a, CS_BACKEND_ASYNCIO);
    replay_deadlock(t, CS_BACKEND_TRIO);
    const cs_outcome *v[] = {a, t};
    capture c;
    cs_outcome_write_json_array(v, 2, cap_open(&c));
    char *got = cap_close(&c);
    ck_assert_str_eq(got, cs_want_both);
    free(got);
    /* An outcome written at base indent 1 is exactly the array's element. */
    cs_outcome_write_json(t, cap_open(&c), 1);
    got = cap_close(&c);
    ck_assert_ptr_nonnull(strstr(cs_want_both, got));
    ck_assert_int_eq(got[strlen(got) - 1], '}');
    ck_assert_int_eq(strstr(cs_want_both, got)[-1], ' ');
    free(got);
    cs_outcome_free(a);
    cs_outcome_free(t);
}
END_TEST

/* ---- details ------------------------------------------------------------ */

/* The cancellation class prints per backend; a cancelled task shows no
 * exception; probe values cover false, -inf and a fraction. */
START_TEST(test_cancelled_names_and_probes)
{
    static const char *const want_type[] = {"CancelledError", "Cancelled"};
    for (int b = 0; b < 2; b++) {
        cs_outcome *o = cs_outcome_new();
        run_start(o, NULL, "c", (cs_backend)b);
        spawn(0, 0, "main", -1, -1);
        probe_bool(CS_MS(1), 0, "s.shield", false);
        probe_number(CS_MS(2), 0, "s.deadline", -INFINITY);
        probe_number(CS_MS(3), 0, "time", 0.003);
        task_end(CS_MS(3), 0, CS_TASK_CANCELLED, cs_exc_new(CS_EXC_CANCELLED, "x"), NULL);
        run_end(CS_MS(3), CS_RESULT_RAISED, cs_exc_new(CS_EXC_CANCELLED, "Cancelled via cancel scope"), NULL);
        json_t *j = cs_outcome_to_json(o);
        ck_assert_str_eq(
            json_string_value(json_object_get(json_object_get(json_object_get(j, "result"), "raised"), "type")),
            want_type[b]);
        ck_assert_ptr_null(json_object_get(json_object_get(json_object_get(j, "tasks"), "main"), "exception"));
        json_t *log = json_object_get(j, "log");
        ck_assert(json_is_false(json_object_get(json_array_get(log, 0), "value")));
        ck_assert_str_eq(json_string_value(json_object_get(json_array_get(log, 1), "value")), "-inf");
        ck_assert(json_real_value(json_object_get(json_array_get(log, 2), "value")) == 0.003);
        /* end_time is a real, 0.003 (json_integer_value of a real is 0) */
        ck_assert(json_is_real(json_object_get(j, "end_time")));
        ck_assert(json_real_value(json_object_get(j, "end_time")) == 0.003);
        json_decref(j);
        char *s = outcome_json_text(o);
        ck_assert_ptr_nonnull(strstr(s, "\"end_time\": 0.003,"));
        ck_assert_ptr_nonnull(strstr(s, "\"value\": \"-inf\""));
        free(s);
        cs_outcome_free(o);
    }
}
END_TEST

/* A scope entered and never exited nor reported keeps its entry state; an
 * outcome with no RUN_END prints result null (never a crash). */
START_TEST(test_incomplete_trace)
{
    cs_outcome *o = cs_outcome_new();
    run_start(o, NULL, "half", CS_BACKEND_ASYNCIO);
    spawn(0, 0, "main", -1, -1);
    scope_enter(CS_MS(1500), 0, "s", CS_KIND_FAIL_AFTER, 0, 2.5, true);
    char *s = outcome_json_text(o);
    ck_assert_str_eq(s, "{\n"
                        "  \"scenario\": \"half\",\n"
                        "  \"backend\": \"asyncio\",\n"
                        "  \"result\": null,\n"
                        "  \"end_time\": 1.5,\n"
                        "  \"tasks\": {\n"
                        "    \"main\": {\n"
                        "      \"state\": \"unfinished\"\n"
                        "    }\n"
                        "  },\n"
                        "  \"scopes\": {\n"
                        "    \"s\": {\n"
                        "      \"kind\": \"fail_after\",\n"
                        "      \"cancel_called\": false,\n"
                        "      \"cancelled_caught\": false,\n"
                        "      \"deadline\": 2.5,\n"
                        "      \"shield\": true\n"
                        "    }\n"
                        "  },\n"
                        "  \"log\": []\n"
                        "}");
    free(s);
    cs_outcome_free(o);
    /* No events at all. */
    o = cs_outcome_new();
    s = outcome_json_text(o);
    ck_assert_str_eq(s, "{\n  \"scenario\": \"\",\n  \"backend\": \"asyncio\",\n  \"result\": null,\n"
                        "  \"end_time\": 0,\n  \"tasks\": {},\n  \"scopes\": {},\n  \"log\": []\n}");
    free(s);
    cs_outcome_free(o);
}
END_TEST

/* The outcome copies what it keeps: it prints the same after the program
 * and every event string are gone. */
START_TEST(test_outlives_program)
{
    cs_outcome *o = cs_outcome_new();
    char name[] = "main", msg[] = "hello";
    run_start(o, NULL, "own", CS_BACKEND_TRIO);
    spawn(0, 0, name, -1, -1);
    log_line(0, 0, msg);
    run_end(0, CS_RESULT_RAISED, cs_exc_new(CS_FAKE_DB_ERROR, "db"), NULL);
    memset(name, 'X', 4);
    memset(msg, 'X', 5);
    memset(&g_prog, 0, sizeof g_prog);
    char *s = outcome_json_text(o);
    ck_assert_ptr_nonnull(strstr(s, "\"type\": \"DbError\""));
    ck_assert_ptr_nonnull(strstr(s, "\"main\": {"));
    ck_assert_ptr_nonnull(strstr(s, "\"msg\": \"hello\""));
    free(s);
    cs_outcome_free(o);
}
END_TEST

/* ---- JSON writer -------------------------------------------------------- */

static char *jw_text(const char *json_text, int indent)
{
    capture c;
    cs_jw w;
    cs_jw_init(&w, cap_open(&c), indent, 0);
    ck_assert_int_eq(cs_jw_json_text(&w, json_text), 0);
    return cap_close(&c);
}

/* Expected texts from python3: json.dumps(json.loads(IN) through jval, ...). */
START_TEST(test_jw_layouts)
{
    static const struct {
        const char *in, *indented, *one_line;
    } cases[] = {
        {"null", "null", "null"},
        {"true", "true", "true"},
        {"-0", "0", "0"},
        {"12345678901234", "12345678901234", "12345678901234"},
        {"2.0", "2", "2"},
        {"-0.0", "0", "0"},
        {"1e400", NULL, NULL},
        {"\"a\\u0000b\\u001f\\u007f\\u2028\\\"\\\\\\/\\b\\f\\n\\r\\t\"",
         "\"a\\u0000b\\u001f\177\342\200\250\\\"\\\\/\\b\\f\\n\\r\\t\"",
         "\"a\\u0000b\\u001f\177\342\200\250\\\"\\\\/\\b\\f\\n\\r\\t\""},
        {"{}", "{}", "{}"},
        {"[]", "[]", "[]"},
        {"[[]]", "[\n  []\n]", "[[]]"},
        {"{\"b\":1,\"a\":[{},{\"x\":null}],\"\\u00e9\":0.5}",
         "{\n  \"b\": 1,\n  \"a\": [\n    {},\n    {\n      \"x\": null\n    }\n  ],\n  \"\303\251\": 0.5\n}",
         "{\"b\": 1, \"a\": [{}, {\"x\": null}], \"\303\251\": 0.5}"},
        {"[1e16,1e-7,123.456e3,9007199254740993]", "[\n  1e+16,\n  1e-07,\n  123456,\n  9007199254740993\n]",
         "[1e+16, 1e-07, 123456, 9007199254740993]"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (!cases[i].indented)
            continue; /* Jansson rejects 1e400; see test_jw_unparsable */
        char *a = jw_text(cases[i].in, 2), *b = jw_text(cases[i].in, CS_JW_ONE_LINE);
        ck_assert_str_eq(a, cases[i].indented);
        ck_assert_str_eq(b, cases[i].one_line);
        free(a);
        free(b);
    }
}
END_TEST

START_TEST(test_jw_unparsable)
{
    capture c;
    cs_jw w;
    cs_jw_init(&w, cap_open(&c), 2, 0);
    cs_jw_begin_array(&w);
    ck_assert_int_eq(cs_jw_json_text(&w, "1e400"), -1);
    cs_jw_number(&w, INFINITY);
    cs_jw_float(&w, 3.0);
    cs_jw_seconds(&w, 1500000000);
    cs_jw_string_n(&w, "a\0b", 3);
    cs_jw_end_array(&w);
    char *s = cap_close(&c);
    ck_assert_str_eq(s, "[\n  1e400,\n  \"inf\",\n  3.0,\n  1.5,\n  \"a\\u0000b\"\n]");
    free(s);
}
END_TEST

/* One document of every kind of piece, long strings and escapes included. */
static void jw_sample(cs_jw *w, const char *big)
{
    cs_jw_begin_object(w);
    CS_JW_KEY(w, "seq");
    cs_jw_int(w, -1234567890123LL);
    cs_jw_key(w, big);
    cs_jw_begin_array(w);
    cs_jw_string(w, big);
    cs_jw_string_n(w, "q\"\\\n\x01\x7f\0z", 8);
    cs_jw_seconds(w, 62168414534);
    cs_jw_float_seconds(w, 3000000000);
    cs_jw_float_seconds(w, 7);
    cs_jw_number(w, -INFINITY);
    cs_jw_bool(w, false);
    cs_jw_null(w);
    ck_assert_int_eq(cs_jw_json_text(w, "{\"k\":[1,2.5,\"\\u0001\"]}"), 0);
    cs_jw_verbatim(w, "\"v\"", 3);
    cs_jw_end_array(w);
    cs_jw_end_object(w);
    cs_jw_raw(w, "\n", 1);
}

/* A writer with a buffer of any size, however pieces straddle its end,
 * writes what a writer without one writes. */
START_TEST(test_jw_buffered)
{
    /* 70,000 bytes, longer than the writers' buffers, with escapes spread
     * over it (also right at the start and the end) */
    enum { N = 70000 };
    char *big = malloc(N + 1);
    for (size_t i = 0; i < N; i++)
        big[i] = (char)(i % 997 == 0 ? '"' : i % 1499 == 0 ? '\t' : 'a' + (char)(i % 26));
    big[N - 1] = '\\';
    big[N] = '\0';
    for (int indent = CS_JW_ONE_LINE; indent <= 2; indent += 3) {
        capture c;
        cs_jw w;
        cs_jw_init(&w, cap_open(&c), indent, 1);
        jw_sample(&w, big);
        char *want = cap_close(&c);
        static const size_t caps[] = {1, 2, 3, 7, 8, 9, 31, 33, 64, 4096, 65536, 200000};
        for (size_t k = 0; k < sizeof caps / sizeof caps[0]; k++) {
            char *buf = malloc(caps[k]);
            cs_jw_init(&w, cap_open(&c), indent, 1);
            cs_jw_set_buffer(&w, buf, caps[k]);
            jw_sample(&w, big);
            cs_jw_flush(&w);
            char *got = cap_close(&c);
            ck_assert_msg(strcmp(got, want) == 0, "buffer of %zu bytes, indent %d", caps[k], indent);
            free(got);
            free(buf);
        }
        free(want);
    }
    free(big);
}
END_TEST

/* ---- text report and JSONL trace ---------------------------------------- */

START_TEST(test_text_report)
{
    cs_outcome *o = cs_outcome_new();
    replay_trio_group(o, NULL);
    capture c;
    cs_outcome_write_text(o, cap_open(&c));
    char *s = cap_close(&c);
    ck_assert_str_eq(s, cs_want_text);
    free(s);
    cs_outcome_free(o);
}
END_TEST

START_TEST(test_jsonl_trace)
{
    capture c;
    cs_outcome *o = cs_outcome_new();
    cs_trace_jsonl *t = cs_trace_jsonl_new(cap_open(&c));
    replay_trio_group(o, t);
    cs_trace_jsonl_free(t);
    char *s = cap_close(&c);
    ck_assert_str_eq(s, cs_want_jsonl);
    /* Every line is valid JSON on its own. */
    for (char *line = s, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
        json_t *j = json_loadb(line, (size_t)(nl - line), JSON_ALLOW_NUL, NULL);
        ck_assert_ptr_nonnull(j);
        json_decref(j);
    }
    free(s);
    cs_outcome_free(o);
}
END_TEST

/* A million tasks fold into flat arrays: spawn and end each, then print. */
START_TEST(test_million_tasks)
{
    enum { N = 1000000 };
    cs_outcome *o = cs_outcome_new();
    run_start(o, NULL, "big", CS_BACKEND_TRIO);
    char name[32];
    for (int32_t i = 0; i < N; i++) {
        snprintf(name, sizeof name, i ? "a[%d]" : "main", i - 1);
        spawn(0, i, name, i ? 0 : -1, i ? 0 : -1);
    }
    for (int32_t i = N - 1; i >= 0; i--)
        task_end(CS_MS(i % 1000), i, CS_TASK_COMPLETED, NULL, NULL);
    run_end(CS_MS(999), CS_RESULT_RETURNED, NULL, NULL);
    ck_assert_uint_eq(o->ntasks, N);
    ck_assert_str_eq(cs_outcome_task_name(o, N - 1), "a[999998]");
    FILE *f = fopen("/dev/null", "w");
    ck_assert_ptr_nonnull(f);
    cs_outcome_write_json(o, f, 0);
    fclose(f);
    cs_outcome_free(o);
}
END_TEST

static Suite *cs_outcome_suite(void)
{
    Suite *s = suite_create("outcome");
    TCase *tc = tcase_create("oracle");
    tcase_add_test(tc, test_trio_group);
    tcase_add_test(tc, test_returned_values);
    tcase_add_test(tc, test_deadlock);
    tcase_add_test(tc, test_nested_groups);
    tcase_add_test(tc, test_limit);
    tcase_add_test(tc, test_both_backends_array);
    suite_add_tcase(s, tc);
    tc = tcase_create("details");
    tcase_add_test(tc, test_cancelled_names_and_probes);
    tcase_add_test(tc, test_incomplete_trace);
    tcase_add_test(tc, test_outlives_program);
    tcase_add_test(tc, test_jw_layouts);
    tcase_add_test(tc, test_jw_unparsable);
    tcase_add_test(tc, test_jw_buffered);
    tcase_add_test(tc, test_text_report);
    tcase_add_test(tc, test_jsonl_trace);
    suite_add_tcase(s, tc);
    tc = tcase_create("scale");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_million_tasks);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(cs_outcome_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
