/* test_load.c - the scenario loader (sim/load.h): what a valid file becomes,
 * and where and why each kind of invalid file is rejected.
 *
 * Rejections are a table (one row per kind of error, each asserting line,
 * column and message) run as a loop test; positions were checked against the
 * reference oracle (shared/tools/anyio_oracle.py) where it reports them.
 * Positive tests load a scenario using every statement and check the tree.
 * A robustness test loads every prefix and many byte mutations of that
 * scenario: each must load or fail with a position, never crash.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "text.h"

/* Loads text (as file "t/s.json"); asserts success. */
static cs_scenario *cs_load_ok(const char *text)
{
    cs_scenario *sc = NULL;
    cs_load_error err;
    int rc = cs_load_buffer("t/s.json", text, strlen(text), &sc, &err);
    ck_assert_msg(rc == 0, "unexpected error %u:%u: %s", err.line, err.col, err.message);
    ck_assert_ptr_nonnull(sc);
    return sc;
}

/* ---- rejections ---------------------------------------------------------- */

typedef struct cs_reject_case {
    const char *text;
    uint32_t line, col;
    const char *message; /* must be contained in the error message */
} cs_reject_case;

#define MAIN(b) "{\"main\": [" b "]}"
#define TG(b) MAIN("{\"task_group\": \"tg\", \"body\": [" b "]}")

static const cs_reject_case cs_reject_cases[] = {
    /* bytes and syntax */
    {"", 1, 1, "the file is empty"},
    {" \n\t", 2, 1, "the file is empty"},
    {"{\"a\": 1}", 1, 2, "unknown key 'a': not a cancelsim scenario (it has no 'main')"},
    {"{\"main\": [\n", 2, 1, "expected"},
    {"{\"main\": [{\"log\": \"a\\qb\"}]}", 1, 22, "invalid escape"},
    {"{\"main\": [\"x\xff\"]}", 1, 13, "invalid UTF-8 (byte 0xff)"},
    {"{\"main\": [\"\xc3\xa9\xc3\xa9\xed\xa0\x80\"]}", 1, 14, "invalid UTF-8 (byte 0xed)"},
    {"\xef\xbb\xbf{\"main\": []}", 1, 1, "byte order mark"},
    {"{\"main\": [],\n \"main\": []}", 2, 2, "duplicate object key"},
    {MAIN("{\"sleep\": 1e999}"), 1, 25, "real number overflow"},
    {MAIN("{\"repeat\": 123456789012345678901, \"body\": []}"), 1, 42, "too big integer"},
    {"{\"main\": []} []", 1, 14, "end of file expected"},
    {"[]", 1, 1, "a scenario must be a JSON object"},
    {"  \"main\"", 1, 3, "a scenario must be a JSON object"},
    /* top level */
    {"{\"main\": [], \"mian\": 1}", 1, 14, "unknown key 'mian'"},
    {"{\"format\": 2, \"main\": []}", 1, 12, "format must be 1"},
    {"{\"format\": 1.0, \"main\": []}", 1, 12, "format must be 1"},
    {"{\"name\": [], \"main\": []}", 1, 10, "name must be a string"},
    {"{\"description\": 1, \"main\": []}", 1, 17, "description must be a string"},
    {"{\"backends\": [], \"main\": []}", 1, 14, "backends must be a non-empty list"},
    {"{\"backends\": [\"trio\", 3], \"main\": []}", 1, 23, "unknown backend 3"},
    {"{\"backends\": [\"trio\", \"trio\"], \"main\": []}", 1, 23, "duplicate backend 'trio'"},
    {"{\"name\": \"x\"}", 1, 1, "missing required key 'main'"},
    {"{\"main\": 3}", 1, 10, "expected a list of statements"},
    /* exceptions and resources */
    {"{\"exceptions\": {\"KeyError\": \"Exception\"}, \"main\": []}", 1, 17, "would shadow a built-in class"},
    {"{\"exceptions\": {\"1E\": \"Exception\"}, \"main\": []}", 1, 17, "is not an identifier"},
    {"{\"exceptions\": {\"E\": null}, \"main\": []}", 1, 22, "base must be a class name"},
    {"{\"exceptions\": {\"A\": \"B\", \"B\": \"A\"}, \"main\": []}", 1, 22, "exception 'A' has a cyclic base"},
    {"{\"exceptions\": {\"G\": \"BaseExceptionGroup\"}, \"main\": []}", 1, 22,
     "may not derive from BaseExceptionGroup"},
    {"{\"exceptions\": {\"A\": \"Nope\"}, \"main\": []}", 1, 22, "unknown base class 'Nope'"},
    {"{\"limiters\": {\"db\": \"many\"}, \"main\": []}", 1, 21, "limiter 'db' must be an integer >= 0 or \"inf\""},
    {"{\"semaphores\": {\"s\": true}, \"main\": []}", 1, 22, "semaphore 's' must be an integer >= 0"},
    {"{\"semaphores\": {\"s\": {\"value\": 3, \"max_value\": 2}}, \"main\": []}", 1, 22, "max_value must be equal to"},
    {"{\"locks\": {\"l\": []}, \"main\": []}", 1, 17, "lock 'l' must be {} or"},
    {"{\"locks\": [\"l\", \"l\"], \"main\": []}", 1, 17, "duplicate name 'l'"},
    {"{\"events\": [7], \"main\": []}", 1, 13, "a name must be a non-empty string"},
    {"{\"functions\": {\"f\": 1}, \"main\": []}", 1, 21, "expected a list of statements"},
    /* statements */
    {MAIN("1"), 1, 11, "a statement must be a string or an object"},
    {MAIN("\"nap\""), 1, 11, "unknown statement 'nap'"},
    {MAIN("\"busy\""), 1, 11, "needs an argument"},
    {MAIN("{\"reraise\": 1}"), 1, 12, "'reraise' takes no argument"},
    {MAIN("{\"x\": 1}"), 1, 11, "statement has no known action key (keys: x)"},
    {MAIN("{\"log\": \"a\", \"set\": \"e\"}"), 1, 24, "more than one action key (log, set)"},
    {MAIN("{\"log\": \"a\", \"level\": 1}"), 1, 24, "unknown key 'level' for 'log'"},
    {MAIN("{\"sleep\": false}"), 1, 21, "'sleep': expected a number"},
    {MAIN("{\"busy\": -0.5}"), 1, 20, "'busy': expected a number >= 0"},
    {MAIN("{\"sleep_until\": null}"), 1, 27, "'sleep_until': expected a number"},
    {MAIN("{\"sleep\": {\"uniform\": [0, 1], \"k\": 1}}"), 1, 41, "unknown key 'k'"},
    {MAIN("{\"sleep\": {\"uniform\": [1]}}"), 1, 33, "expects a list [lo, hi]"},
    {MAIN("{\"sleep\": {\"uniform\": [-1, 1]}}"), 1, 34, "expects lo >= 0"},
    {MAIN("{\"busy\": {\"uniform\": [3, 2]}}"), 1, 32, "expects lo <= hi"},
    {MAIN("{\"fail_after\": {\"uniform\": [-1e308, 1.7e308]}, \"body\": []}"), 1, 38, "range is too large"},
    {MAIN("{\"move_on_after\": \"1\", \"body\": []}"), 1, 29, "expected a number or null"},
    {MAIN("{\"cancel_scope\": \"s\", \"deadline\": \"never\", \"body\": []}"), 1, 45, "expected a number or \"inf\""},
    {MAIN("{\"cancel_scope\": \"s\", \"shield\": 1, \"body\": []}"), 1, 43, "'shield': expected true or false"},
    {MAIN("{\"repeat\": 2.5, \"body\": []}"), 1, 22, "'repeat': expected an integer >= 0"},
    {TG("{\"start_soon\": \"a\", \"count\": 10000001, \"body\": []}"), 1, 70, "more than the limit of 10000000 tasks"},
    {MAIN("{\"repeat\": 2}"), 1, 11, "'repeat' needs 'body'"},
    {MAIN("{\"task_group\": \"\", \"body\": []}"), 1, 26, "expected a non-empty name"},
    {MAIN("{\"probe\": \"now\"}"), 1, 21, "unknown probe 'now'"},
    {MAIN("{\"probe\": \"shield\"}"), 1, 11, "probe 'shield' needs 'scope'"},
    {MAIN("{\"probe\": \"time\", \"scope\": \"s\"}"), 1, 29, "probe 'time' takes no 'scope'"},
    {MAIN("{\"try\": []}"), 1, 11, "a try needs 'except', 'except*' or 'finally'"},
    {MAIN("{\"try\": [], \"except\": [], \"except*\": []}"), 1, 11, "cannot have both"},
    {MAIN("{\"try\": [], \"finally\": [], \"else\": []}"), 1, 38, "'else' needs 'except' or 'except*'"},
    {MAIN("{\"try\": [], \"except*\": [{\"body\": []}]}"), 1, 35, "an except* handler needs 'match'"},
    {MAIN("{\"try\": [], \"except\": 1}"), 1, 33, "'except': expected a list of handlers"},
    {MAIN("{\"try\": [], \"except\": [1]}"), 1, 34, "a handler must be an object"},
    {MAIN("{\"try\": [], \"except\": [{\"body\": [], \"bind\": 1}]}"), 1, 47, "unknown key 'bind' in a handler"},
    {MAIN("{\"try\": [], \"except\": [{}]}"), 1, 34, "a handler needs 'body'"},
    {MAIN("{\"try\": [], \"except\": [{\"match\": [1], \"body\": []}]}"), 1, 44, "'match' must be a class name"},
    {MAIN("{\"to_thread\": [\"checkpoint\"]}"), 1, 26, "unknown thread step 'checkpoint'"},
    {MAIN("{\"to_thread\": [{\"block\": -1}]}"), 1, 36, "'block': expected a number >= 0"},
    /* names and references */
    {TG("{\"start_soon\": \"tg\", \"body\": []}"), 1, 41, "name 'tg' is already used"},
    {TG("{\"start\": \"a]\", \"body\": []}"), 1, 41, "may not contain '[', ']' or '#'"},
    {MAIN("{\"cancel_scope\": \"s\", \"body\": [{\"start\": \"a\", \"in\": \"s\", \"body\": []}]}"), 1, 42,
     "'s' is not a task group"},
    {MAIN("{\"set_deadline\": \"s\", \"value\": 1}"), 1, 11, "'s' is not a scope or task group"},
    {MAIN("{\"probe\": \"deadline\", \"scope\": \"s\"}"), 1, 11, "'s' is not a scope or task group"},
    {TG("{\"start_soon\": \"a\", \"count\": 2, \"body\": []}, {\"cancel_task\": \"a\"}"), 1, 86,
     "'a' is not a task whose handle is kept"},
    {MAIN("{\"set\": \"e\"}"), 1, 11, "unknown event 'e'"},
    {MAIN("{\"with_lock\": \"l\", \"body\": []}"), 1, 11, "unknown lock 'l'"},
    {MAIN("{\"with_semaphore\": \"p\", \"body\": []}"), 1, 11, "unknown semaphore 'p'"},
    {MAIN("{\"with_limiter\": \"db\", \"body\": []}"), 1, 11, "unknown limiter 'db'"},
    {MAIN("{\"call\": \"f\"}"), 1, 11, "unknown function 'f'"},
    {MAIN("{\"raise\": \"Oops\"}"), 1, 11, "unknown exception class 'Oops'"},
    {MAIN("{\"raise\": \"Cancelled\"}"), 1, 11, "Cancelled cannot be raised by a scenario"},
    {MAIN("{\"try\": [], \"except\": [{\"match\": \"Oops\", \"body\": []}]}"), 1, 44, "unknown exception class 'Oops'"},
    /* control flow */
    {"{\"functions\": {\"f\": [{\"call\": \"g\"}], \"g\": [{\"call\": \"f\"}]}, \"main\": []}", 1, 44,
     "function 'f' is called recursively"},
    {MAIN("{\"started\": 1}"), 1, 11, "'started' is only allowed in a body run by 'start'"},
    {MAIN("\"reraise\""), 1, 11, "'reraise' is only allowed inside an except handler"},
    {MAIN("{\"try\": [], \"except*\": [{\"match\": \"KeyError\", \"body\": [{\"return\": 1}]}]}"), 1, 66,
     "'return' is not allowed inside an except* handler"},
    {MAIN("{\"create_task\": \"h\", \"body\": []}"), 1, 11, "'create_task' has no 'in' and no enclosing task group"},
    /* expectations */
    {"{\"main\": [], \"expect\": {\"ends\": 1}}", 1, 25, "unknown expectation key 'ends'"},
    {"{\"main\": [], \"expect\": {\"tasks_in_state\": {\"failed\": true}}}", 1, 43, "tasks_in_state must map"},
    {"{\"main\": [], \"expect_by_backend\": {\"uvloop\": {}}}", 1, 36, "unknown backend 'uvloop'"},
    {"{\"main\": [], \"expect_any\": [{}, 1]}", 1, 33, "expectations must be an object"},
    {"{\"main\": [], \"always\": {\"log_contains\": {}}}", 1, 41, "log_contains must be a list"},
};

START_TEST(test_reject)
{
    const cs_reject_case *c = &cs_reject_cases[_i];
    cs_scenario *sc = NULL;
    cs_load_error err;
    int rc = cs_load_buffer("t/s.json", c->text, strlen(c->text), &sc, &err);
    ck_assert_msg(rc == -1 && sc == NULL, "case %d loaded: %s", _i, c->text);
    ck_assert_msg(err.line == c->line && err.col == c->col && strstr(err.message, c->message),
                  "case %d: got %u:%u: %s; expected %u:%u: ...%s...", _i, err.line, err.col, err.message, c->line,
                  c->col, c->message);
    ck_assert_str_eq(err.path, "t/s.json");
}
END_TEST

/* ---- a scenario using every statement ------------------------------------ */

static const char cs_full[] =
    "{\n"
    "  \"format\": 1,\n"
    "  \"name\": \"full\",\n"
    "  \"backends\": [\"trio\"],\n"
    "  \"exceptions\": {\"DbError\": \"AppError\", \"AppError\": \"Exception\"},\n"
    "  \"limiters\": {\"db\": 2, \"wide\": \"inf\"},\n"
    "  \"events\": [\"ready\"],\n"
    "  \"locks\": [\"l\"],\n"
    "  \"semaphores\": {\"pool\": 3},\n"
    "  \"functions\": {\"worker\": [{\"sleep\": 1}, {\"call\": \"inner\"}], \"inner\": [{\"return\": [1, \"x\"]}]},\n"
    "  \"main\": [\n"
    "    {\"task_group\": \"tg\", \"body\": [\n"
    "      {\"start_soon\": \"a\", \"count\": 3, \"body\": [{\"sleep\": {\"uniform\": [0.5, 1]}}, {\"raise\": \"DbError\", \"message\": \"x\"}]},\n"
    "      {\"start\": \"srv\", \"in\": \"tg\", \"body\": [{\"started\": {\"port\": 80}}, \"sleep_forever\"]},\n"
    "      {\"create_task\": \"h\", \"body\": [{\"call\": \"worker\"}]},\n"
    "      {\"await_task\": \"h\"},\n"
    "      {\"cancel_task\": \"h\"},\n"
    "      {\"cancel_scope\": \"s\", \"deadline\": \"inf\", \"shield\": true, \"body\": [{\"probe\": \"cancelled_caught\", \"scope\": \"s\"}]},\n"
    "      {\"move_on_after\": null, \"id\": \"m\", \"body\": []},\n"
    "      {\"fail_after\": -2, \"body\": [\"checkpoint\", \"checkpoint_if_cancelled\", \"cancel_shielded_checkpoint\"]},\n"
    "      {\"move_on_at\": 7, \"id\": \"mat\", \"shield\": true, \"body\": []},\n"
    "      {\"fail_at\": null, \"body\": [{\"probe\": \"effective_deadline\"}, {\"probe\": \"time\"}]},\n"
    "      {\"try\": [{\"to_thread\": [{\"block\": 1}, {\"log\": \"t\"}, {\"from_thread\": [{\"set\": \"ready\"}]}, \"check_cancelled\", {\"raise\": \"OSError\"}, {\"return\": null}], \"limiter\": \"db\", \"abandon_on_cancel\": true}],\n"
    "       \"except\": [{\"match\": [\"AppError\", \"Cancelled\"], \"body\": [\"reraise\"]}, {\"body\": []}],\n"
    "       \"else\": [{\"log\": \"fine\"}], \"finally\": [{\"cancel\": \"tg\", \"reason\": \"done\"}]},\n"
    "      {\"try\": [{\"to_thread\": []}], \"except*\": [{\"match\": \"ValueError\", \"body\": [{\"call\": \"worker\"}]}]},\n"
    "      {\"with_lock\": \"l\", \"body\": [{\"with_semaphore\": \"pool\", \"body\": [{\"with_limiter\": \"default\", \"body\": [{\"wait\": \"ready\"}]}]}]},\n"
    "      {\"repeat\": 3, \"body\": [{\"set_shield\": \"m\", \"value\": false}, {\"set_deadline\": \"s\", \"value\": \"-inf\"}, {\"busy\": 0.5}, {\"sleep_until\": 4}, {\"sleep\": -1}, {\"cancel\": \"s\"}]}\n"
    "    ]},\n"
    "    {\"return\": 42}\n"
    "  ],\n"
    "  \"expect\": {\"result\": {\"returned\": 42}, \"findings\": []},\n"
    "  \"expect_by_backend\": {\"trio\": {\"end_time\": 1}},\n"
    "  \"expect_any\": [{\"end_time\": 1}],\n"
    "  \"always\": {\"findings\": []}\n"
    "}\n";

static int32_t cs_class_index(const cs_program *p, const char *name)
{
    for (uint32_t i = 0; i < p->nclasses; i++)
        if (strcmp(p->classes[i].name, name) == 0)
            return (int32_t)i;
    return -1;
}

/* "$schema" (for editors) is accepted anywhere among the top-level keys and
 * changes nothing. */
START_TEST(test_schema_key)
{
    cs_scenario *a = cs_load_ok("{\"$schema\": \"../docs/scenario.schema.json\", \"main\": [{\"sleep\": 1}]}");
    cs_scenario *b = cs_load_ok("{\"main\": [{\"sleep\": 1}], \"$schema\": \"urn:cancelsim:scenario:1\"}");
    ck_assert_str_eq(a->program->name, "s");
    ck_assert_uint_eq(a->program->run_asyncio, b->program->run_asyncio);
    cs_scenario_free(a);
    cs_scenario_free(b);
}
END_TEST

START_TEST(test_full_header)
{
    cs_scenario *sc = cs_load_ok(cs_full);
    const cs_program *p = sc->program;
    ck_assert_str_eq(p->name, "full");
    ck_assert_str_eq(p->path, "t/s.json");
    ck_assert(p->run_trio && !p->run_asyncio);
    /* user classes in file order, after the builtins; forward bases resolve */
    ck_assert_uint_eq(p->nclasses, CS_EXC_BUILTIN_COUNT + 2);
    ck_assert_str_eq(p->classes[CS_EXC_BUILTIN_COUNT].name, "DbError");
    ck_assert_int_eq(p->classes[CS_EXC_BUILTIN_COUNT].base, CS_EXC_BUILTIN_COUNT + 1);
    ck_assert_int_eq(p->classes[CS_EXC_BUILTIN_COUNT + 1].base, CS_EXC_EXCEPTION);
    ck_assert_uint_eq(p->nlimiters, 2);
    ck_assert(!p->limiters[0].infinite && p->limiters[0].tokens == 2);
    ck_assert(p->limiters[1].infinite);
    ck_assert_uint_eq(p->nevents, 1);
    ck_assert_str_eq(p->events[0], "ready");
    ck_assert_uint_eq(p->nlocks, 1);
    ck_assert_uint_eq(p->nsemaphores, 1);
    ck_assert_int_eq(p->semaphores[0].value, 3);
    ck_assert_uint_eq(p->nfunctions, 2);
    ck_assert_str_eq(p->functions[1].name, "inner");
    ck_assert_str_eq(p->functions[1].body.items[0].value_json, "[1,\"x\"]");
    ck_assert_int_eq(p->functions[0].body.items[1].ref, 1);
    /* tables in declaration order (main first) */
    ck_assert_uint_eq(p->nscopes, 4);
    const char *scopes[] = {"tg", "s", "m", "mat"};
    const int kinds[] = {CS_SCOPE_TASK_GROUP, CS_SCOPE_CANCEL_SCOPE, CS_SCOPE_MOVE_ON, CS_SCOPE_MOVE_ON};
    for (int i = 0; i < 4; i++) {
        ck_assert_str_eq(p->scopes[i].name, scopes[i]);
        ck_assert_int_eq(p->scopes[i].kind, kinds[i]);
    }
    ck_assert_uint_eq(p->ntasks, 3);
    ck_assert_str_eq(p->tasks[2].name, "h");
    ck_assert_int_eq(p->tasks[2].kind, CS_OP_CREATE_TASK);
    ck_assert_uint_eq(p->tasks[0].pos.line, 13);
    ck_assert_uint_eq(p->tasks[0].pos.col, 7);
    /* expectations kept as JSON */
    ck_assert(json_is_object(sc->expect) && json_is_object(sc->expect_by_backend));
    ck_assert(json_is_array(sc->expect_any) && json_is_object(sc->always));
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(sc->expect, "result"), "returned")), 42);
    cs_scenario_free(sc);
}
END_TEST

START_TEST(test_full_statements)
{
    cs_scenario *sc = cs_load_ok(cs_full);
    const cs_program *p = sc->program;
    ck_assert_uint_eq(p->main.n, 2);
    const cs_stmt *tg = &p->main.items[0];
    ck_assert_int_eq(tg->op, CS_OP_TASK_GROUP);
    ck_assert_int_eq(tg->decl, 0);
    ck_assert_uint_eq(tg->pos.line, 12);
    ck_assert_uint_eq(tg->pos.col, 5);
    ck_assert_str_eq(p->main.items[1].value_json, "42");
    const cs_stmt *b = tg->body.items;
    ck_assert_uint_eq(tg->body.n, 14);

    ck_assert_int_eq(b[0].op, CS_OP_START_SOON);
    ck_assert_int_eq(b[0].count, 3);
    ck_assert_int_eq(b[0].ref, -1); /* innermost group */
    ck_assert_int_eq(b[0].body.items[0].dur.kind, CS_DUR_UNIFORM);
    ck_assert(b[0].body.items[0].dur.lo == 0.5 && b[0].body.items[0].dur.hi == 1);
    ck_assert_int_eq(b[0].body.items[1].ref, CS_EXC_BUILTIN_COUNT);
    ck_assert_str_eq(b[0].body.items[1].text, "x");
    ck_assert_int_eq(b[1].op, CS_OP_START);
    ck_assert_int_eq(b[1].ref, 0);
    ck_assert_int_eq(b[1].count, -1);
    ck_assert_str_eq(b[1].body.items[0].value_json, "{\"port\":80}");
    ck_assert_int_eq(b[3].op, CS_OP_AWAIT_TASK);
    ck_assert_int_eq(b[3].ref, 2);
    ck_assert_int_eq(b[5].op, CS_OP_CANCEL_SCOPE);
    ck_assert(b[5].has_num && isinf(b[5].num) && b[5].num > 0 && b[5].shield);
    ck_assert_int_eq(b[5].body.items[0].probe, CS_PROBE_CANCELLED_CAUGHT);
    ck_assert_int_eq(b[5].body.items[0].ref, 1);
    ck_assert_int_eq(b[6].dur.kind, CS_DUR_NONE);
    ck_assert_int_eq(b[6].decl, 2);
    ck_assert_int_eq(b[7].dur.kind, CS_DUR_FIXED);
    ck_assert(b[7].dur.value == -2 && b[7].name == NULL && b[7].decl == -1);
    ck_assert_int_eq(b[8].op, CS_OP_MOVE_ON_AT);
    ck_assert(b[8].dur.value == 7 && b[8].shield);
    ck_assert_int_eq(b[9].dur.kind, CS_DUR_NONE);

    const cs_stmt *t = &b[10];
    ck_assert_int_eq(t->op, CS_OP_TRY);
    ck_assert(!t->star && t->has_else && t->has_finally);
    ck_assert_uint_eq(t->nhandlers, 2);
    ck_assert_uint_eq(t->handlers[0].nclasses, 2);
    ck_assert_int_eq(t->handlers[0].classes[0], CS_EXC_BUILTIN_COUNT + 1);
    ck_assert_int_eq(t->handlers[0].classes[1], CS_EXC_CANCELLED);
    ck_assert_uint_eq(t->handlers[1].nclasses, 0);
    ck_assert_int_eq(t->finally_body.items[0].ref, 0);
    ck_assert_str_eq(t->finally_body.items[0].text, "done");
    const cs_stmt *th = &t->body.items[0];
    ck_assert_int_eq(th->op, CS_OP_TO_THREAD);
    ck_assert(th->abandon && th->ref == 0);
    ck_assert_uint_eq(th->body.n, 6);
    const cs_op steps[] = {CS_OP_BLOCK, CS_OP_LOG, CS_OP_FROM_THREAD, CS_OP_CHECK_CANCELLED, CS_OP_RAISE, CS_OP_RETURN};
    for (int i = 0; i < 6; i++)
        ck_assert_int_eq(th->body.items[i].op, steps[i]);
    ck_assert_int_eq(th->body.items[2].body.items[0].ref, 0);
    ck_assert_int_eq(th->body.items[4].ref, CS_EXC_OS_ERROR);
    ck_assert_ptr_null(th->body.items[4].text);
    ck_assert_str_eq(th->body.items[5].value_json, "null");
    ck_assert(b[11].star);
    ck_assert_int_eq(b[11].body.items[0].ref, -1); /* default limiter, not declared */
    ck_assert_int_eq(b[12].body.items[0].body.items[0].ref, -1);

    const cs_stmt *r = &b[13];
    ck_assert_int_eq(r->op, CS_OP_REPEAT);
    ck_assert_int_eq(r->count, 3);
    ck_assert(r->body.items[0].ref == 2 && !r->body.items[0].shield);
    ck_assert(r->body.items[1].has_num && isinf(r->body.items[1].num) && r->body.items[1].num < 0);
    ck_assert(r->body.items[4].dur.value == -1);
    ck_assert_ptr_null(r->body.items[5].text);
    /* main > tg > with_lock > with_semaphore > with_limiter > wait: 5 levels;
     * main > tg > create_task > call worker > call inner: also 5 */
    ck_assert_uint_eq(p->max_depth, 5);
    cs_scenario_free(sc);
}
END_TEST

/* ---- smaller positive cases ------------------------------------------------ */

START_TEST(test_defaults)
{
    cs_scenario *sc = NULL;
    cs_load_error err;
    const char *text = "{\"main\": []}";
    ck_assert_int_eq(cs_load_buffer("dir/sub/my-case.json", text, strlen(text), &sc, &err), 0);
    const cs_program *p = sc->program;
    ck_assert_str_eq(p->name, "my-case");
    ck_assert(p->run_asyncio && p->run_trio);
    ck_assert_uint_eq(p->nclasses, CS_EXC_BUILTIN_COUNT);
    ck_assert_uint_eq(p->main.n, 0);
    ck_assert_uint_eq(p->max_depth, 1);
    ck_assert_ptr_null(sc->expect);
    ck_assert_ptr_null(sc->expect_by_backend);
    ck_assert_ptr_null(sc->expect_any);
    ck_assert_ptr_null(sc->always);
    cs_scenario_free(sc);
    /* `name: null` means the default, as in the oracle */
    ck_assert_int_eq(cs_load_buffer("x.txt", "{\"name\": null, \"main\": []}", 26, &sc, &err), 0);
    ck_assert_str_eq(sc->program->name, "x.txt");
    cs_scenario_free(sc);
}
END_TEST

/* memory_streams: two ends per stream, then clones (a clone of a clone
 * written before the clone it comes from too), each statement's end */
START_TEST(test_memory_streams)
{
    cs_scenario *sc = cs_load_ok(
        "{\"memory_streams\": [{\"send\": \"tx\", \"receive\": \"rx\", \"max_buffer_size\": 3},"
        " {\"send\": \"a\", \"receive\": \"b\", \"max_buffer_size\": \"inf\"}, {\"send\": \"c\", \"receive\": \"d\"}],"
        " \"main\": [{\"clone\": \"rx2\", \"as\": \"rx3\"}, {\"clone\": \"rx\", \"as\": \"rx2\"},"
        " {\"send\": \"tx\", \"item\": [1, \"x\"]}, {\"async_for\": \"rx3\", \"body\": [{\"receive_nowait\": \"b\"}]},"
        " {\"with_stream\": \"a\", \"body\": []}, {\"statistics\": \"d\"}]}");
    const cs_program *p = sc->program;
    ck_assert_uint_eq(p->nstreams, 3);
    ck_assert(p->streams[0].max_buffer_size == 3 && !p->streams[0].infinite);
    ck_assert(p->streams[1].infinite);
    ck_assert(p->streams[2].max_buffer_size == 0 && !p->streams[2].infinite);
    ck_assert_uint_eq(p->nstream_ends, 8);
    ck_assert_str_eq(p->stream_ends[1].name, "rx");
    ck_assert(p->stream_ends[0].send && !p->stream_ends[1].send && p->stream_ends[1].clone_of == -1);
    /* rx2 is declared first (its source is known in the first pass), then rx3 */
    ck_assert_str_eq(p->stream_ends[6].name, "rx2");
    ck_assert(p->stream_ends[6].clone_of == 1 && p->stream_ends[6].stream == 0 && !p->stream_ends[6].send);
    ck_assert_str_eq(p->stream_ends[7].name, "rx3");
    ck_assert_int_eq(p->stream_ends[7].clone_of, 6);
    const cs_stmt *b = p->main.items;
    ck_assert(b[0].op == CS_OP_CLONE && b[0].ref == 6 && b[0].decl == 7);
    ck_assert(b[1].op == CS_OP_CLONE && b[1].ref == 1 && b[1].decl == 6);
    ck_assert(b[2].op == CS_OP_SEND && b[2].ref == 0);
    ck_assert_str_eq(b[2].value_json, "[1,\"x\"]");
    ck_assert(b[3].op == CS_OP_ASYNC_FOR && b[3].ref == 7 && b[3].body.items[0].ref == 3);
    ck_assert(b[4].op == CS_OP_WITH_STREAM && b[4].ref == 2);
    ck_assert(b[5].op == CS_OP_STATISTICS && b[5].ref == 5);
    ck_assert_uint_eq(p->max_depth, 2);
    cs_scenario_free(sc);
}
END_TEST

/* conditions: their own lock (-1) or a declared one; each statement's condition */
START_TEST(test_conditions)
{
    cs_scenario *sc =
        cs_load_ok("{\"locks\": [\"a\", \"b\"], \"conditions\": {\"own\": {}, \"shared\": {\"lock\": \"b\"}},"
                   " \"main\": [{\"with_condition\": \"shared\", \"body\": [{\"condition_wait\": \"shared\"},"
                   " {\"notify\": \"shared\", \"n\": 3}, {\"notify\": \"own\"}, {\"notify_all\": \"own\"}]}]}");
    const cs_program *p = sc->program;
    ck_assert_uint_eq(p->nconditions, 2);
    ck_assert_str_eq(p->conditions[0].name, "own");
    ck_assert_int_eq(p->conditions[0].lock, -1);
    ck_assert_int_eq(p->conditions[1].lock, 1);
    const cs_stmt *w = &p->main.items[0];
    ck_assert(w->op == CS_OP_WITH_CONDITION && w->ref == 1);
    ck_assert(w->body.items[0].op == CS_OP_CONDITION_WAIT && w->body.items[0].ref == 1);
    ck_assert(w->body.items[1].op == CS_OP_NOTIFY && w->body.items[1].count == 3);
    ck_assert(w->body.items[2].ref == 0 && w->body.items[2].count == -1);
    ck_assert(w->body.items[3].op == CS_OP_NOTIFY_ALL && w->body.items[3].ref == 0);
    ck_assert_uint_eq(p->max_depth, 2);
    cs_scenario_free(sc);
}
END_TEST

START_TEST(test_explicit_primitives)
{
    cs_scenario *sc = cs_load_ok(
        "{\"locks\": {\"a\": {}, \"b\": {\"fast_acquire\": true}}, \"semaphores\": {\"s\": {\"value\": 1, "
        "\"max_value\": 2}}, \"limiters\": {\"db\": 1}, \"main\": [{\"acquire\": \"b\"}, {\"release\": \"s\"}, "
        "{\"acquire_nowait\": \"db\", \"on_behalf_of\": \"job\"}, {\"set_total_tokens\": \"db\", \"value\": \"inf\"}, "
        "{\"statistics\": \"default\"}]}");
    const cs_program *p = sc->program;
    ck_assert_uint_eq(p->nlocks, 2);
    ck_assert(!p->lock_fast[0] && p->lock_fast[1]);
    ck_assert(p->semaphores[0].value == 1 && p->semaphores[0].max_value == 2 && !p->semaphores[0].fast_acquire);
    const cs_stmt *m = p->main.items;
    /* one index over locks, semaphores, limiters, then the default limiter */
    ck_assert(m[0].op == CS_OP_ACQUIRE && m[0].ref == 1 && m[0].text == NULL);
    ck_assert(m[1].op == CS_OP_RELEASE && m[1].ref == 2);
    ck_assert(m[2].op == CS_OP_ACQUIRE_NOWAIT && m[2].ref == 3 && strcmp(m[2].text, "job") == 0);
    ck_assert(m[3].op == CS_OP_SET_TOTAL_TOKENS && m[3].ref == 3 && isinf(m[3].num));
    ck_assert(m[4].op == CS_OP_SYNC_STATISTICS && m[4].ref == 4);
    cs_scenario_free(sc);
}
END_TEST

START_TEST(test_raised_groups)
{
    cs_scenario *sc = cs_load_ok("{\"main\": [{\"raise\": \"BaseExceptionGroup\", \"message\": \"m\", \"exceptions\": "
                                 "[{\"raise\": \"ValueError\"}, {\"raise\": \"BaseExceptionGroup\", \"exceptions\": "
                                 "[{\"raise\": \"KeyboardInterrupt\"}]}]}]}");
    const cs_stmt *g = &sc->program->main.items[0];
    ck_assert(g->op == CS_OP_RAISE && g->count == 2 && g->body.n == 2);
    /* a member that is a BaseException keeps the outer one a BaseExceptionGroup */
    ck_assert_int_eq(g->ref, CS_EXC_BASE_EXCEPTION_GROUP);
    ck_assert_int_eq(g->body.items[0].ref, CS_EXC_VALUE_ERROR);
    ck_assert_int_eq(g->body.items[1].ref, CS_EXC_BASE_EXCEPTION_GROUP);
    cs_scenario_free(sc);
    sc = cs_load_ok("{\"main\": [{\"raise\": \"BaseExceptionGroup\", \"exceptions\": [{\"raise\": \"KeyError\"}]}]}");
    ck_assert_int_eq(sc->program->main.items[0].ref, CS_EXC_EXCEPTION_GROUP); /* BaseExceptionGroup.__new__ */
    cs_scenario_free(sc);
}
END_TEST

START_TEST(test_task_handles)
{
    /* issue 18: which tasks' handles the program keeps, and which it names */
    cs_scenario *sc = cs_load_ok(
        "{\"main\": [{\"task_group\": \"tg\", \"body\": [{\"start_soon\": \"a\", \"body\": []}, "
        "{\"start_soon\": \"b\", \"count\": 2, \"body\": []}, {\"start\": \"c\", \"return_handle\": true, "
        "\"body\": [{\"started\": 1}]}, {\"start\": \"d\", \"body\": [{\"started\": 1}]}, {\"await_task\": \"a\"}]}]}");
    const cs_program *p = sc->program;
    ck_assert_uint_eq(p->ntasks, 4);
    ck_assert(p->tasks[0].handle && p->tasks[0].handle_named);
    ck_assert(!p->tasks[1].handle && !p->tasks[1].handle_named);
    ck_assert(p->tasks[2].handle && !p->tasks[2].handle_named);
    ck_assert(!p->tasks[3].handle);
    cs_scenario_free(sc);
}
END_TEST

START_TEST(test_class_hierarchy)
{
    cs_scenario *sc = cs_load_ok("{\"exceptions\": {\"E1\": \"KeyError\", \"E2\": \"E1\"}, \"main\": []}");
    const cs_program *p = sc->program;
    const char *names[] = {"BaseException",     "Exception",           "ArithmeticError",
                           "ZeroDivisionError", "LookupError",         "KeyError",
                           "IndexError",        "ValueError",          "TypeError",
                           "RuntimeError",      "NotImplementedError", "OSError",
                           "ConnectionError",   "TimeoutError",        "KeyboardInterrupt",
                           "SystemExit",        "GeneratorExit",       "BaseExceptionGroup",
                           "ExceptionGroup",    "TaskFailed",          "TaskCancelled",
                           "WouldBlock",        "BrokenResourceError", "ClosedResourceError",
                           "EndOfStream",       "RunFinishedError",    "concurrent.futures.CancelledError",
                           "Cancelled"};
    for (int i = 0; i < CS_EXC_BUILTIN_COUNT; i++)
        ck_assert_int_eq(cs_class_index(p, names[i]), i);
    int32_t e2 = cs_class_index(p, "E2");
    ck_assert(cs_exc_class_is(p, e2, CS_EXC_LOOKUP_ERROR));
    ck_assert(cs_exc_class_is(p, e2, cs_class_index(p, "E1")));
    ck_assert(!cs_exc_class_is(p, cs_class_index(p, "E1"), e2));
    ck_assert(cs_exc_class_is(p, CS_EXC_ZERO_DIVISION_ERROR, CS_EXC_ARITHMETIC_ERROR));
    ck_assert(cs_exc_class_is(p, CS_EXC_NOT_IMPLEMENTED_ERROR, CS_EXC_RUNTIME_ERROR));
    ck_assert(cs_exc_class_is(p, CS_EXC_TIMEOUT_ERROR, CS_EXC_OS_ERROR));
    ck_assert(cs_exc_class_is(p, CS_EXC_TASK_CANCELLED, CS_EXC_TASK_FAILED));
    ck_assert(cs_exc_class_is(p, CS_EXC_EXCEPTION_GROUP, CS_EXC_EXCEPTION));
    ck_assert(cs_exc_class_is(p, CS_EXC_EXCEPTION_GROUP, CS_EXC_BASE_EXCEPTION_GROUP));
    ck_assert(!cs_exc_class_is(p, CS_EXC_BASE_EXCEPTION_GROUP, CS_EXC_EXCEPTION));
    ck_assert(!cs_exc_class_is(p, CS_EXC_CANCELLED, CS_EXC_EXCEPTION));
    ck_assert(cs_exc_class_is(p, CS_EXC_CANCELLED, CS_EXC_BASE_EXCEPTION));
    ck_assert(!cs_exc_class_is(p, CS_EXC_KEYBOARD_INTERRUPT, CS_EXC_EXCEPTION));
    ck_assert(!cs_exc_class_is(p, -1, CS_EXC_EXCEPTION));
    ck_assert(!cs_exc_class_is(p, (int32_t)p->nclasses, CS_EXC_EXCEPTION));
    cs_scenario_free(sc);
}
END_TEST

START_TEST(test_declared_default_limiter)
{
    cs_scenario *sc =
        cs_load_ok("{\"limiters\": {\"x\": 1, \"default\": 3}, \"main\": [{\"to_thread\": []}, "
                   "{\"with_limiter\": \"default\", \"body\": []}, {\"to_thread\": [], \"limiter\": \"x\"}]}");
    ck_assert_int_eq(sc->program->main.items[0].ref, 1);
    ck_assert_int_eq(sc->program->main.items[1].ref, 1);
    ck_assert_int_eq(sc->program->main.items[2].ref, 0);
    cs_scenario_free(sc);
}
END_TEST

START_TEST(test_context_through_calls)
{
    /* reraise in a function called from a handler; return in a function called
     * from an except* handler; started in a function called by a start body */
    cs_scenario *sc =
        cs_load_ok("{\"functions\": {\"r\": [\"reraise\"], \"ret\": [{\"return\": 1}], \"st\": [{\"started\": null}]},"
                   " \"main\": [{\"try\": [], \"except\": [{\"body\": [{\"call\": \"r\"}]}]},"
                   " {\"try\": [], \"except*\": [{\"match\": \"Cancelled\", \"body\": [{\"call\": \"ret\"}]}]},"
                   " {\"task_group\": \"g\", \"body\": [{\"start\": \"s\", \"body\": [{\"call\": \"st\"}]}]}]}");
    ck_assert_uint_eq(sc->program->max_depth, 4);
    cs_scenario_free(sc);
}
END_TEST

/* "pos" (a front end's source position) becomes the statement's position
 * and its declarations'; nested statements inherit it or override it; the
 * zero-argument object form loads as the bare string does. */
START_TEST(test_source_positions)
{
    cs_scenario *sc = cs_load_ok(
        "{\"main\": [{\"task_group\": \"tg\", \"pos\": [10, 5], \"body\": [\n"
        "  {\"sleep\": 1, \"pos\": [11, 9]},\n"
        "  {\"start_soon\": \"a\", \"body\": [{\"checkpoint\": null, \"pos\": [12, 13]}]},\n"
        "  {\"to_thread\": [{\"check_cancelled\": null, \"pos\": [3, 5]}, {\"block\": 1}], \"pos\": [14, 9]}]}]}");
    const cs_program *p = sc->program;
    const cs_stmt *tg = &p->main.items[0];
    ck_assert_uint_eq(tg->pos.line, 10);
    ck_assert_uint_eq(tg->pos.col, 5);
    ck_assert_uint_eq(p->scopes[0].pos.line, 10); /* the group's declaration */
    const cs_stmt *b = tg->body.items;
    ck_assert_uint_eq(b[0].pos.line, 11);
    ck_assert_uint_eq(b[0].pos.col, 9);
    ck_assert_uint_eq(b[1].pos.line, 10); /* no pos of its own: the enclosing one */
    ck_assert_uint_eq(p->tasks[0].pos.line, 10);
    ck_assert_int_eq(b[1].body.items[0].op, CS_OP_CHECKPOINT);
    ck_assert_uint_eq(b[1].body.items[0].pos.line, 12);
    ck_assert_uint_eq(b[1].body.items[0].pos.col, 13);
    ck_assert_int_eq(b[2].body.items[0].op, CS_OP_CHECK_CANCELLED);
    ck_assert_uint_eq(b[2].body.items[0].pos.line, 3);
    ck_assert_uint_eq(b[2].body.items[1].pos.line, 14);
    cs_scenario_free(sc);
}
END_TEST

/* Columns count characters (UTF-8 lead bytes), as Jansson does; '\r' and tab
 * are one column each and only '\n' starts a line. */
START_TEST(test_positions_characters)
{
    cs_scenario *sc;
    cs_load_error err;
    const char *t1 = "{\"main\": [{\"log\": \"h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80\"}, {\"sleep\": \"x\"}]}";
    ck_assert_int_eq(cs_load_buffer("u.json", t1, strlen(t1), &sc, &err), -1);
    ck_assert_uint_eq(err.line, 1);
    ck_assert_uint_eq(err.col, 43);
    const char *t2 = "{\r\n\t\"main\": [\r\n\t\t\"checkpoint\", {\"busy\": -1}]}";
    ck_assert_int_eq(cs_load_buffer("c.json", t2, strlen(t2), &sc, &err), -1);
    ck_assert_uint_eq(err.line, 3);
    ck_assert_uint_eq(err.col, 26);
    /* every statement keeps its position */
    sc = cs_load_ok("{\"main\": [\n  \"checkpoint\",\n    {\"log\": \"\xc3\xa9\"}, {\"sleep\": 0}]}");
    ck_assert_uint_eq(sc->program->main.items[0].pos.line, 2);
    ck_assert_uint_eq(sc->program->main.items[0].pos.col, 3);
    ck_assert_uint_eq(sc->program->main.items[2].pos.line, 3);
    ck_assert_uint_eq(sc->program->main.items[2].pos.col, 19);
    cs_scenario_free(sc);
}
END_TEST

/* A NUL in text (a log line, a message, a reason) is kept as C0 80 (text.h)
 * and decodes back to the bytes the file wrote; a NUL in a name, or in an
 * object key, is refused with its position and a message that names no
 * library flag. */
START_TEST(test_nul_in_text_and_names)
{
    cs_scenario *sc = cs_load_ok("{\"main\": [{\"log\": \"a\\u0000b\\u0000\"},"
                                 " {\"raise\": \"KeyError\", \"message\": \"\\u0000k\"}]}");
    const cs_stmt *st = sc->program->main.items;
    ck_assert_str_eq(st[0].text, "a\xc0\x80"
                                 "b\xc0\x80");
    char out[16];
    ck_assert_uint_eq(cs_text_decode(st[0].text, out), 4);
    ck_assert(memcmp(out, "a\0b\0", 5) == 0);
    ck_assert_uint_eq(cs_text_decode(st[1].text, out), 2);
    ck_assert(memcmp(out, "\0k", 3) == 0);
    cs_scenario_free(sc);

    static const struct {
        const char *text;
        uint32_t line, col;
        const char *message;
    } bad[] = {
        {"{\"main\": [{\"task_group\": \"t\\u0000g\", \"body\": []}]}", 1, 26,
         "'task_group': a name may not contain the NUL character (\\u0000)"},
        {"{\"main\": [], \"locks\": [\"\\u0000\"]}", 1, 24, "a name may not contain the NUL character (\\u0000)"},
        {"{\"main\": [], \"functions\": {\"f\\u0000\": []}}", 1, 28,
         "an object key may not contain the NUL character (\\u0000)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cs_load_error err;
        sc = NULL;
        ck_assert_int_eq(cs_load_buffer("n.json", bad[i].text, strlen(bad[i].text), &sc, &err), -1);
        ck_assert_ptr_null(sc);
        ck_assert_msg(err.line == bad[i].line && err.col == bad[i].col, "%zu: at %u:%u: %s", i, err.line, err.col,
                      err.message);
        ck_assert_str_eq(err.message, bad[i].message);
        ck_assert_ptr_null(strstr(err.message, "JSON_"));
    }
}
END_TEST

START_TEST(test_buffer_not_terminated)
{
    char buf[64];
    const char *t = "{\"main\": []}";
    memset(buf, 'x', sizeof buf);
    memcpy(buf, t, strlen(t));
    cs_scenario *sc;
    cs_load_error err;
    ck_assert_int_eq(cs_load_buffer("b.json", buf, strlen(t), &sc, &err), 0);
    cs_scenario_free(sc);
    ck_assert_int_eq(cs_load_buffer("b.json", buf, strlen(t) - 1, &sc, &err), -1);
}
END_TEST

/* Data flow (flow.h): literals carry Python's str() (floats in repr's
 * shortest form, reprs inside containers), names get slots of their own
 * function (parameters first), every return value is a datum the engine can
 * find by its JSON text. */
START_TEST(test_dataflow_values)
{
    cs_scenario *sc = cs_load_ok(
        "{\"functions\": {\"f\": {\"params\": [\"a\", \"b\"], \"body\": [{\"let\": \"c\", \"value\": 1},"
        " {\"return\": [1, \"x\"]}]}},"
        " \"main\": [{\"print\": [1e16, 0.1, 1.0, -0.0, 123456789.123, 1.5e-7, 100, true, null, \"it's\","
        " [\"a'b\", {\"k\": null}], \"\\u00a0\"]},"
        " {\"call\": \"f\", \"args\": [1, 2], \"as\": \"r\"}, {\"let\": \"s\", \"value\": {\"name\": \"r\"}},"
        " {\"if\": {\"value\": \"s\", \"op\": \">=\", \"to\": 2}, \"then\": [\"checkpoint\"]}]}");
    const cs_program *p = sc->program;
    const cs_flow *fl = p->main.items[0].flow;
    static const char *const want[] = {"1e+16", "0.1",  "1.0",  "-0.0", "123456789.123",          "1.5e-07",
                                       "100",   "True", "None", "it's", "[\"a'b\", {'k': None}]", "\xc2\xa0"};
    ck_assert_uint_eq(fl->nargs, 12);
    for (uint32_t i = 0; i < fl->nargs; i++)
        ck_assert_str_eq(fl->args[i].lit->str, want[i]);
    ck_assert_uint_eq(p->functions[0].nparams, 2);
    ck_assert_uint_eq(p->functions[0].nslots, 3);
    ck_assert_uint_eq(p->main_nslots, 2);
    ck_assert_int_eq(p->main.items[1].flow->as_slot, 0);
    ck_assert_int_eq(p->main.items[2].flow->as_slot, 1);
    ck_assert_int_eq(p->main.items[2].flow->args[0].slot, 0);
    ck_assert_int_eq(p->main.items[3].flow->cond->value.slot, 1);
    /* the return value is one of the program's datums, found by its address */
    const char *rj = p->functions[0].body.items[1].value_json;
    bool found = false;
    for (uint32_t i = 0; i < p->datums.n; i++) {
        found |= p->datums.v[i]->json == rj;
        if (i)
            ck_assert((uintptr_t)p->datums.v[i - 1]->json < (uintptr_t)p->datums.v[i]->json);
    }
    ck_assert(found);
    cs_scenario_free(sc);
}
END_TEST

START_TEST(test_files_and_printing)
{
    cs_scenario *sc;
    cs_load_error err;
    char *out = NULL;
    size_t n = 0;
    ck_assert_int_eq(cs_load_file("/nonexistent/dir/x.json", &sc, &err), -1);
    ck_assert_ptr_null(sc);
    ck_assert_uint_eq(err.line, 0);
    FILE *f = open_memstream(&out, &n);
    cs_load_error_print(&err, f);
    fclose(f);
    ck_assert_str_eq(out, "/nonexistent/dir/x.json: error: cannot read scenario: No such file or directory\n");
    free(out);
    ck_assert_int_eq(cs_load_file(".", &sc, &err), -1); /* a directory */
    ck_assert_uint_eq(err.line, 0);
    ck_assert_ptr_nonnull(strstr(err.message, "cannot read scenario"));

    ck_assert_int_eq(cs_load_buffer("p.json", "{\"main\": 1}", 11, &sc, &err), -1);
    f = open_memstream(&out, &n);
    cs_load_error_print(&err, f);
    fclose(f);
    ck_assert_str_eq(out, "p.json:1:10: error: expected a list of statements\n");
    free(out);

    char path[4096];
    const char *src = getenv("CS_SOURCE_DIR");
    snprintf(path, sizeof path, "%s/tests/hostile/exc_cycle.json", src ? src : ".");
    ck_assert_int_eq(cs_load_file(path, &sc, &err), -1);
    ck_assert_uint_eq(err.line, 2);
    ck_assert_uint_eq(err.col, 8);
}
END_TEST

/* Every prefix and many single-byte mutations of the full scenario: each must
 * load or fail with a position, without crashing (run under ASan in CI). */
START_TEST(test_mutations_never_crash)
{
    size_t len = strlen(cs_full);
    char *buf = malloc(len);
    static const char repl[] = {'"', '{', '}', '[', ']', ',', ':', '\\', '0', '-', 'x', '\0', '\xff', '\xc3', '\n'};
    for (size_t cut = 0; cut < len; cut++) {
        cs_scenario *sc = NULL;
        cs_load_error err;
        if (cs_load_buffer("m.json", cs_full, cut, &sc, &err) == 0)
            cs_scenario_free(sc);
        else
            ck_assert_msg(err.line >= 1 && err.col >= 1, "prefix %zu: no position", cut);
    }
    for (size_t i = 0; i < len; i++) {
        for (size_t r = 0; r < sizeof repl; r++) {
            memcpy(buf, cs_full, len);
            buf[i] = repl[r];
            cs_scenario *sc = NULL;
            cs_load_error err;
            if (cs_load_buffer("m.json", buf, len, &sc, &err) == 0)
                cs_scenario_free(sc);
            else
                ck_assert_msg(err.line >= 1 && err.col >= 1, "mutation %zu/%zu: no position", i, r);
        }
    }
    free(buf);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("load");
    TCase *rej = tcase_create("reject");
    tcase_add_loop_test(rej, test_reject, 0, (int)(sizeof cs_reject_cases / sizeof *cs_reject_cases));
    suite_add_tcase(s, rej);
    TCase *ok = tcase_create("accept");
    tcase_add_test(ok, test_schema_key);
    tcase_add_test(ok, test_full_header);
    tcase_add_test(ok, test_full_statements);
    tcase_add_test(ok, test_defaults);
    tcase_add_test(ok, test_memory_streams);
    tcase_add_test(ok, test_conditions);
    tcase_add_test(ok, test_explicit_primitives);
    tcase_add_test(ok, test_raised_groups);
    tcase_add_test(ok, test_task_handles);
    tcase_add_test(ok, test_class_hierarchy);
    tcase_add_test(ok, test_declared_default_limiter);
    tcase_add_test(ok, test_context_through_calls);
    tcase_add_test(ok, test_source_positions);
    tcase_add_test(ok, test_positions_characters);
    tcase_add_test(ok, test_buffer_not_terminated);
    tcase_add_test(ok, test_nul_in_text_and_names);
    tcase_add_test(ok, test_files_and_printing);
    tcase_add_test(ok, test_dataflow_values);
    suite_add_tcase(s, ok);
    TCase *rob = tcase_create("robustness");
    tcase_set_timeout(rob, 120);
    tcase_add_test(rob, test_mutations_never_crash);
    suite_add_tcase(s, rob);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
