/* flow.h - the scenario format's small data-flow language, as the program
 * holds it (scenario-format.md section 2, "Named values and control flow").
 *
 * Real AnyIO code binds what an await returned to a local name, prints it,
 * branches on a scope's flag or on a comparison with a literal, loops until
 * cancelled, and passes arguments to its functions.  The format says these
 * things with a closed set of statements (`if`, `loop`, `break`, `continue`,
 * `let`, `print`, `return_value`), an `as` on the statements that produce a
 * value (call, start, await_task, to_thread, an except handler) and
 * parameters for functions.  Every value a run can hold is one of the
 * program's literals (there is no arithmetic), so each is made once, by the
 * loader, with its Python str() already written: the engine only moves
 * pointers to them and compares them.
 *
 * Included by program.h; nothing here depends on Jansson.
 */
#ifndef CS_FLOW_H
#define CS_FLOW_H

#include <stdbool.h>
#include <stdint.h>

typedef struct cs_stmt cs_stmt;

typedef struct cs_pos {
    uint32_t line; /* 1-based; 0 = unknown */
    uint32_t col;  /* 1-based, in characters as Jansson counts them */
} cs_pos;

/* What a value is: a Python object made from a JSON literal, or one of the
 * scenario's declared objects passed as an argument. */
typedef enum cs_datum_kind {
    CS_DATUM_DATA,
    CS_DATUM_EVENT,
    CS_DATUM_LOCK,
    CS_DATUM_SEMAPHORE,
    CS_DATUM_LIMITER,
} cs_datum_kind;

/* The Python type of a data value (JSON null, true/false, integer, real,
 * string, array, object). */
typedef enum cs_pytype {
    CS_PY_NONE,
    CS_PY_BOOL,
    CS_PY_INT,
    CS_PY_FLOAT,
    CS_PY_STR,
    CS_PY_LIST,
    CS_PY_DICT,
} cs_pytype;

typedef struct cs_datum {
    uint8_t kind;     /* cs_datum_kind */
    uint8_t py;       /* DATA: cs_pytype */
    int32_t obj;      /* object kinds: index in the program's table (events, locks, ...) */
    int64_t i;        /* BOOL and INT: the integer (an INT beyond int64 is refused) */
    double num;       /* BOOL, INT, FLOAT: the number */
    const char *json; /* DATA: compact JSON, as `return` keeps it (value_json) */
    const char *str;  /* DATA: str(value), what print() writes (a NUL kept as text.h says);
                         STR: the string itself */
} cs_datum;

/* A value in a statement: a local name (slot >= 0), the exception an
 * enclosing handler bound (`exc` set: the try statement whose handler binds
 * it), or a literal (`lit`). */
typedef struct cs_expr {
    int32_t slot;
    const cs_stmt *exc;
    const cs_datum *lit;
    const char *name; /* the name as written (NULL for a literal) */
    cs_pos pos;       /* where it is written */
} cs_expr;

typedef enum cs_cond_kind {
    CS_COND_CANCELLED_CAUGHT, /* {"cancelled_caught": SCOPE} */
    CS_COND_CANCEL_CALLED,    /* {"cancel_called": SCOPE} */
    CS_COND_COMPARE,          /* {"value": NAME, "op": OP, "to": LITERAL} */
    CS_COND_TRUTHY,           /* {"value": NAME} */
    CS_COND_EXC_ARGS,         /* {"exc_args": NAME, "op": "==" | "!=", "to": [LITERAL, ...]} */
    CS_COND_NOT,              /* {"not": COND} */
    CS_COND_TASK_STATUS,      /* {"task_status": HANDLE, "is": STATUS} */
} cs_cond_kind;

/* TaskHandle.Status (AnyIO 4.14), as `task_status` names it. */
typedef enum cs_task_status {
    CS_TS_PENDING,
    CS_TS_CANCELLING,
    CS_TS_FINISHED,
    CS_TS_CANCELLED,
    CS_TS_FAILED
} cs_task_status;

typedef enum cs_cmp { CS_CMP_EQ, CS_CMP_NE, CS_CMP_LT, CS_CMP_LE, CS_CMP_GT, CS_CMP_GE } cs_cmp;

typedef struct cs_cond {
    uint8_t kind;                /* cs_cond_kind */
    uint8_t cmp;                 /* cs_cmp; TASK_STATUS: the cs_task_status asked about */
    int32_t scope;               /* CANCELLED_CAUGHT, CANCEL_CALLED: scopes[] index; TASK_STATUS: tasks[] */
    cs_expr value;               /* COMPARE, TRUTHY: the name; EXC_ARGS: the exception */
    const cs_datum *to;          /* COMPARE: the literal */
    const cs_datum *const *args; /* EXC_ARGS: the tuple's items */
    uint32_t nargs;
    const struct cs_cond *sub; /* NOT */
} cs_cond;

/* What a statement has of data flow; NULL on statements that have none.
 * `slot` is a local of the function the statement stands in. */
typedef struct cs_flow {
    int32_t as_slot;     /* call, start, await_task, to_thread `as`; let's name (-1 none) */
    const cs_expr *args; /* call/spawn arguments; print's parts; let's value (one) */
    uint32_t nargs;
    const cs_cond *cond; /* if */
    bool has_else;       /* if: `else` given (then is the statement's body) */
    const cs_stmt *else_items;
    uint32_t nelse;
    int32_t obj_slot;   /* wait, set, with_*, to_thread limiter: the object is this local (-1 no) */
    uint32_t nslots;    /* start_soon/start/create_task: locals of the body it spawns */
    bool spawn_args;    /* a spawn's `call`: its arguments were taken by the spawning task */
    int32_t scope_slot; /* a named scope/group read by a condition of its function: the slot
                                 that keeps the instance this invocation entered (-1 none) */
    /* as written, for the loader */
    const char *as_name;
    cs_pos as_pos;
    const char *call_name; /* start_soon/start/create_task `call` */
    const char *dur_name;  /* sleep/move_on_after/fail_after {"name": P} */
    cs_pos dur_pos;
} cs_flow;

/* The program's data values, sorted by the address of their JSON text, so a
 * value the engine carries as JSON text (a return value) finds its datum. */
typedef struct cs_datums {
    const cs_datum *const *v;
    uint32_t n;
} cs_datums;

#endif
