/* fake_program.h - a hand-built cs_program for tests of trace consumers.
 *
 * Trace sinks only read the program's name and exception class table, so a
 * test needs no loader: cs_fake_program() gives a static program with every
 * built-in class plus two user classes (AppError, DbError), and the cs_fake_*
 * helpers build the events a sink sees.
 */
#ifndef CS_FAKE_PROGRAM_H
#define CS_FAKE_PROGRAM_H

#include <math.h>
#include <string.h>

#include "program.h"
#include "trace.h"

enum { CS_FAKE_APP_ERROR = CS_EXC_BUILTIN_COUNT, CS_FAKE_DB_ERROR, CS_FAKE_NCLASSES };

static const cs_exc_class cs_fake_classes[CS_FAKE_NCLASSES] = {
    [CS_EXC_BASE_EXCEPTION] = {"BaseException", -1},
    [CS_EXC_EXCEPTION] = {"Exception", CS_EXC_BASE_EXCEPTION},
    [CS_EXC_ARITHMETIC_ERROR] = {"ArithmeticError", CS_EXC_EXCEPTION},
    [CS_EXC_ZERO_DIVISION_ERROR] = {"ZeroDivisionError", CS_EXC_ARITHMETIC_ERROR},
    [CS_EXC_LOOKUP_ERROR] = {"LookupError", CS_EXC_EXCEPTION},
    [CS_EXC_KEY_ERROR] = {"KeyError", CS_EXC_LOOKUP_ERROR},
    [CS_EXC_INDEX_ERROR] = {"IndexError", CS_EXC_LOOKUP_ERROR},
    [CS_EXC_VALUE_ERROR] = {"ValueError", CS_EXC_EXCEPTION},
    [CS_EXC_TYPE_ERROR] = {"TypeError", CS_EXC_EXCEPTION},
    [CS_EXC_RUNTIME_ERROR] = {"RuntimeError", CS_EXC_EXCEPTION},
    [CS_EXC_NOT_IMPLEMENTED_ERROR] = {"NotImplementedError", CS_EXC_RUNTIME_ERROR},
    [CS_EXC_OS_ERROR] = {"OSError", CS_EXC_EXCEPTION},
    [CS_EXC_CONNECTION_ERROR] = {"ConnectionError", CS_EXC_OS_ERROR},
    [CS_EXC_TIMEOUT_ERROR] = {"TimeoutError", CS_EXC_OS_ERROR},
    [CS_EXC_KEYBOARD_INTERRUPT] = {"KeyboardInterrupt", CS_EXC_BASE_EXCEPTION},
    [CS_EXC_SYSTEM_EXIT] = {"SystemExit", CS_EXC_BASE_EXCEPTION},
    [CS_EXC_GENERATOR_EXIT] = {"GeneratorExit", CS_EXC_BASE_EXCEPTION},
    [CS_EXC_BASE_EXCEPTION_GROUP] = {"BaseExceptionGroup", CS_EXC_BASE_EXCEPTION},
    [CS_EXC_EXCEPTION_GROUP] = {"ExceptionGroup", CS_EXC_EXCEPTION},
    [CS_EXC_TASK_FAILED] = {"TaskFailed", CS_EXC_EXCEPTION},
    [CS_EXC_TASK_CANCELLED] = {"TaskCancelled", CS_EXC_EXCEPTION},
    [CS_EXC_WOULD_BLOCK] = {"WouldBlock", CS_EXC_EXCEPTION},
    [CS_EXC_BROKEN_RESOURCE_ERROR] = {"BrokenResourceError", CS_EXC_EXCEPTION},
    [CS_EXC_CLOSED_RESOURCE_ERROR] = {"ClosedResourceError", CS_EXC_EXCEPTION},
    [CS_EXC_END_OF_STREAM] = {"EndOfStream", CS_EXC_EXCEPTION},
    [CS_EXC_RUN_FINISHED_ERROR] = {"RunFinishedError", CS_EXC_RUNTIME_ERROR},
    [CS_EXC_FUTURE_CANCELLED] = {"concurrent.futures.CancelledError", CS_EXC_EXCEPTION},
    [CS_EXC_CANCELLED] = {"Cancelled", CS_EXC_BASE_EXCEPTION},
    [CS_FAKE_APP_ERROR] = {"AppError", CS_EXC_EXCEPTION},
    [CS_FAKE_DB_ERROR] = {"DbError", CS_FAKE_APP_ERROR},
};

/* A program named `name` with the class table above (static storage). */
static inline cs_program cs_fake_program(const char *name)
{
    cs_program p;
    memset(&p, 0, sizeof p);
    p.path = "fake.json";
    p.name = name;
    p.run_asyncio = p.run_trio = true;
    p.classes = cs_fake_classes;
    p.nclasses = CS_FAKE_NCLASSES;
    return p;
}

/* RUN_START's names from program p for backend b, as the engine gives them
 * (the cancellation class under the backend's name); the names are kept in
 * static storage, so one program at a time. */
static inline void cs_fake_run_start_names(cs_event *ev, const cs_program *p, cs_backend b)
{
    static const char *names[64];
    uint32_t n = p->nclasses < 64 ? p->nclasses : 64;
    for (uint32_t i = 0; i < n; i++)
        names[i] = i == CS_EXC_CANCELLED ? cs_cancelled_class_name(b) : p->classes[i].name;
    ev->scenario = p->name;
    ev->class_names = names;
    ev->nclasses = n;
}

/* Numbers the event's exception as the engine does when it emits it. */
static inline void cs_fake_number(cs_event *ev)
{
    static uint32_t next;
    static cs_exc **stack;
    static size_t cap;
    if (ev->kind == CS_EV_RUN_START)
        next = 0;
    if (ev->exc)
        cs_exc_number(ev->exc, &next, &stack, &cap);
}

/* An event of `kind` at `t_ns` with every id field -1 and no value. */
static inline cs_event cs_fake_event(cs_event_kind kind, int64_t t_ns)
{
    cs_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = kind;
    ev.t = t_ns;
    ev.task = ev.parent = ev.group = ev.scope = -1;
    ev.deadline = INFINITY;
    ev.state = CS_TASK_UNFINISHED;
    ev.value_kind = CS_VAL_NONE;
    ev.wake_at = INT64_MAX;
    return ev;
}

#endif
