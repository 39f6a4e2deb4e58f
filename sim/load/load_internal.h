/* load_internal.h - what the loader's files (load*.c) share.  Not for use
 * outside the loader.
 *
 * Conversion (load_stmt.c) turns the JSON tree into cs_stmt trees but cannot
 * resolve names yet: a reference may name something declared later.  So each
 * statement that names something gets a cs__refs record holding the names as
 * written, and its `ref` field temporarily holds that record's index (or -1).
 * The whole-scenario checks (load_check.c) then resolve every `ref` in place.
 */
#ifndef CS_LOAD_INTERNAL_H
#define CS_LOAD_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>

#include "json_pos.h"
#include "load.h"
#include "load_arena.h"
#include "program.h"

/* --- string -> int32 map (load_map.c) --------------------------------------- */

typedef struct cs__strmap {
    const char **keys; /* borrowed; must outlive the map */
    int32_t *vals;
    size_t cap, n;
} cs__strmap;

/* Sets key -> val (replacing). */
void cs__strmap_put(cs__strmap *m, const char *key, int32_t val);
/* The value of key, or -1. */
int32_t cs__strmap_get(const cs__strmap *m, const char *key);
void cs__strmap_free(cs__strmap *m);

/* Python-style repr of a string ('x'), as the oracle's messages show names;
 * writes at most n bytes (truncating) and returns out. */
char *cs__repr(char *out, size_t n, const char *s);
/* repr of any JSON value: strings as cs__repr, the rest (and strings holding
 * a NUL) as compact JSON. */
char *cs__repr_json(char *out, size_t n, const json_t *v);

/* Whether v is a string holding a NUL (\u0000): text may (text.h), a name
 * may not. */
bool cs__json_has_nul(const json_t *v);
/* The JSON string v as scenario text (a NUL kept as text.h says), in the
 * program's memory. */
char *cs__program_text(cs_program *prog, const json_t *v);
/* The error for a name that holds a NUL. */
#define CS__NUL_NAME "a name may not contain the NUL character (\\u0000)"

/* --- the loader's state -------------------------------------------------------- */

typedef struct cs__refs {
    const char *ref;     /* the statement's reference as written, or NULL */
    const char *in;      /* start_soon/start/create_task `in`, or NULL */
    const char ***match; /* try: per handler, its NULL-terminated match names (NULL = bare) */
    cs_pos *mpos;        /* try: per handler, position of `match` */
} cs__refs;

/* Growable array of name declarations. */
typedef struct cs__decls {
    cs_name_decl *v;
    uint32_t n, cap;
} cs__decls;

typedef struct cs__loader {
    const char *path;
    cs__jpos idx;
    cs_load_error *err;
    cs_program *prog;
    cs_pos root;
    bool failed; /* an error has been recorded */

    cs__strmap classes; /* class name -> index ("Cancelled" included) */
    cs__strmap events, locks, sems, limiters, funcs;
    cs__strmap decls; /* task/scope/group name -> index (tasks: | CS__DECL_TASK) */
    cs__decls scopes, tasks;

    cs__refs *refs;
    uint32_t nrefs, caprefs;

    cs__strmap conds;    /* condition name -> conditions[] index */
    cs__strmap ends;     /* memory object stream end name -> endv index */
    cs_stream_end *endv; /* declared ends, then clones (load_stream.c) */
    uint32_t nends, capends;
    const cs_datum **datums; /* every data value made (load_data.c) */
    uint32_t ndatums, capdatums;
    struct cs__names *names; /* load_names.c's state between its two passes */
    cs__strmap agens;        /* issue 19: async generator object name -> prog->agens index (load_agen.c) */
} cs__loader;

#define CS__DECL_TASK 0x40000000

/* Records an error (the first one wins) and returns -1. */
int cs__fail(cs__loader *ld, cs_pos pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Node of member `key` of object `obj` at node `node`, or CS__JNONE. */
uint32_t cs__member(const cs__loader *ld, const json_t *obj, uint32_t node, const char *key);

static inline cs_pos cs__vpos(const cs__loader *ld, uint32_t node)
{
    return cs__jpos_value(&ld->idx, node);
}

static inline cs_pos cs__kpos(const cs__loader *ld, uint32_t node)
{
    return cs__jpos_key(&ld->idx, node);
}

/* load_stmt.c: gives index node `node` and everything inside it the source
 * position p ("pos": [LINE, COL], itself at node pnode); 0, or -1 after an
 * error when p is malformed. */
int cs__source_pos(cs__loader *ld, const json_t *p, uint32_t pnode, uint32_t node);

/* load_stmt.c: a body (list of statements, or of thread steps when `thread`)
 * at index node `node`. */
int cs__conv_body(cs__loader *ld, const json_t *v, uint32_t node, bool thread, cs_body *out);

/* How a value is read (load_stmt.c's schema names one per action and option). */
typedef enum cs__kind {
    CS__K_ANY,
    CS__K_SLEEP,
    CS__K_NUMBER,
    CS__K_NONNEG,
    CS__K_TIMEOUT,
    CS__K_DELAY,
    CS__K_DEADLINE,
    CS__K_BOOL,
    CS__K_STRING,
    CS__K_COUNT,
    CS__K_TASK_COUNT,
    CS__K_PROBE,
    CS__K_BODY,
    CS__K_THREAD_BODY,
    CS__K_HANDLERS,
    CS__K_NAME,
    /* data flow (load_data.c) */
    CS__K_COND,
    CS__K_LOCAL,
    CS__K_ARGS,
    CS__K_VALUE
} cs__kind;

/* Where the value goes in the statement. */
typedef enum cs__field {
    CS__F_DECL,
    CS__F_REF,
    CS__F_IN,
    CS__F_DUR,
    CS__F_NUM,
    CS__F_SHIELD,
    CS__F_ABANDON,
    CS__F_RETURN_HANDLE, /* issue 18: start's return_handle */
    CS__F_COUNT,
    CS__F_TEXT,
    CS__F_JSON,
    CS__F_PROBE,
    CS__F_BODY,
    CS__F_EXCEPT,
    CS__F_EXCEPT_STAR,
    CS__F_ELSE,
    CS__F_FINALLY,
    /* data flow (load_data.c): cs_flow's as/args/cond/else, a spawn's call, return_value's name */
    CS__F_AS,
    CS__F_ARGS,
    CS__F_COND,
    CS__F_IF_ELSE,
    CS__F_CALL,
    CS__F_NAMEREF
} cs__field;

/* load_value.c: the refs record of st (created on first use), as an index:
 * nested conversion may grow (move) ld->refs. */
uint32_t cs__refs_of(cs__loader *ld, cs_stmt *st);

/* load_value.c: reads value v (at index node `node`) of kind `kind`, written
 * under `key`, into field `field` of st. */
int cs__conv_field(cs__loader *ld, cs_stmt *st, cs__kind kind, cs__field field, const char *key, const json_t *v,
                   uint32_t node);

/* --- load_data.c: the data-flow values (flow.h) --------------------------- */

/* The flow record of st, made on first use. */
cs_flow *cs__flow_of(cs__loader *ld, cs_stmt *st);
/* A data value for JSON literal v, its Python str() written, registered for
 * the program's table. */
const cs_datum *cs__datum_new(cs__loader *ld, const json_t *v);
/* Sorts the data values into prog->datums (once the file is read). */
void cs__datums_finish(cs__loader *ld);
/* Reads value v of a data-flow kind (CS__K_COND ... CS__K_VALUE, or an if's
 * else body) into st's flow record. */
int cs__conv_flow_field(cs__loader *ld, cs_stmt *st, cs__kind kind, cs__field field, const char *key, const json_t *v,
                        uint32_t node);
/* A duration {"name": P} (a number parameter) of sleep/move_on_after/fail_after. */
int cs__conv_dur_name(cs__loader *ld, cs_stmt *st, const json_t *v, uint32_t node, const char *key);
/* A spawn's body or `call` (which becomes its body). */
int cs__flow_stmt_rules(cs__loader *ld, const json_t *x, uint32_t node, cs_stmt *st);
/* One function of `functions`: a body, or {"params": [...], "body": [...]}. */
int cs__load_function(cs__loader *ld, const json_t *v, uint32_t node, cs_function *f);

/* --- load_names.c: named values bound to slots, arguments checked ---------- */

/* Binds every name to its function's slot, checks that each is bound before
 * it is used, where break/continue stand, and call arities (before
 * references are resolved: a parameter may stand where an event is named). */
int cs__check_names(cs__loader *ld);
/* The kinds of parameters (value, event, lock, ...) and of the arguments
 * given for them, callees first (`order` from cs__check_recursion). */
int cs__check_args(cs__loader *ld, const uint32_t *order);
void cs__names_free(cs__loader *ld);

/* --- load_walk.c: iterative preorder walks over statement trees ------------- */

/* Context bits of a body (check_context): where its statements stand. */
enum {
    CS__CX_HAS_TG = 1,     /* inside a task group: start_soon may omit `in` */
    CS__CX_IN_START = 2,   /* in a body run by `start`: `started` allowed */
    CS__CX_IN_HANDLER = 4, /* in an except handler: `reraise` allowed */
    CS__CX_IN_STAR = 8,    /* directly in an except* handler: `return` forbidden */
    CS__CX_IN_THREAD = 16, /* thread steps: context rules do not apply */
    CS__CX_IN_ATG = 32,    /* in an asyncio_task_group body of this task: asyncio_tg_create_task allowed */
    CS__CX_IN_PLAIN = 64,  /* the steps of a thread of "threads" (issue 26: load_threads.c) */
    CS__CX_IN_SYNC = 128,  /* a from_thread_sync body: a plain function, nothing awaits (load_threads.c) */
};

typedef struct cs__frame {
    cs_stmt *items;
    uint32_t n, i, level;
    unsigned ctx;
} cs__frame;

typedef struct cs__walk {
    cs__frame *v;
    size_t n, cap;
} cs__walk;

typedef int (*cs__visit_fn)(cs__loader *ld, cs__walk *w, cs_stmt *st, uint32_t level, unsigned ctx, void *user);

/* Pushes body b as the next frame to walk (a visitor may push a called
 * function's body this way). */
void cs__walk_push(cs__walk *w, const cs_body *b, uint32_t level, unsigned ctx);
/* Walks body b (its statements at `level`, in context ctx) in preorder, in the
 * oracle's order, calling fn on every statement and thread step; stops at the
 * first fn that returns < 0 and returns that. */
int cs__walk_body(cs__loader *ld, const cs_body *b, uint32_t level, unsigned ctx, cs__visit_fn fn, void *user);
/* Walks main, then every function (the oracle's all_bodies()). */
int cs__walk_all(cs__loader *ld, cs__visit_fn fn, void *user);

/* load_decl.c: the top-level declarations and expectations of the scenario
 * object `doc` (index node 0), each in the oracle's order. */
int cs__load_exceptions(cs__loader *ld, const json_t *doc);
int cs__load_resources(cs__loader *ld, const json_t *doc); /* limiters, semaphores, events, locks */
int cs__load_expectations(cs__loader *ld, const json_t *doc);

/* load_stream.c: the "memory_streams" declarations; the ends clone
 * statements make (before references are resolved); the end a stream
 * statement names (in place of its refs index); the program's end table. */
int cs__load_streams(cs__loader *ld, const json_t *doc);
int cs__declare_clones(cs__loader *ld);
int cs__resolve_stream(cs__loader *ld, cs_stmt *st, const char *name);
void cs__streams_done(cs__loader *ld);

/* load_condition.c: the "conditions" declarations (after "locks"); the
 * condition a statement names (in place of its refs index). */
int cs__load_conditions(cs__loader *ld, const json_t *doc);
int cs__resolve_condition(cs__loader *ld, cs_stmt *st, const char *name);

/* load_sync.c (issue 18): a semaphore's value or {"value", "max_value",
 * "fast_acquire"} at index node `node`; "locks" written as an object (1 when
 * it was one, 0 when load_decl.c reads the list form); the primitive an
 * acquire/acquire_nowait/release/set_total_tokens/statistics statement names
 * (in place of its refs index), and whether a name names one. */
int cs__sync_semaphore_decl(cs__loader *ld, const json_t *v, uint32_t node, const char *name, cs_semaphore_decl *out);
int cs__sync_load_locks(cs__loader *ld, const json_t *doc);
int cs__resolve_prim(cs__loader *ld, cs_stmt *st, const char *name);
bool cs__names_prim(cs__loader *ld, const char *name);
/* load_group.c (issue 18): a raise with `exceptions`: its class and its
 * members' classes, checked as CPython's group constructors check them. */
int cs__resolve_group(cs__loader *ld, cs_stmt *st, const char *name);
/* load_interrupt.c: the top-level "interrupt_at" list (Ctrl+C at virtual times). */
int cs__load_interrupts(cs__loader *ld, const json_t *doc);
/* load_threads.c (issue 26): "threads", and the tokens of current_token */
int cs__load_plain_threads(cs__loader *ld, const json_t *doc);
int cs__check_plain_threads(cs__loader *ld);
/* load_sync_main.c (issue 26): "sync_main" in place of main */
int cs__load_sync_main(cs__loader *ld, const json_t *doc);
int cs__check_sbp_place(cs__loader *ld, const cs_stmt *st);
/* load_anyio_class.c: an AnyIO class added after the user's (its index, or -1
 * after an error: the scenario declared it); TaskNotFinished when a
 * task_return_value is used */
int32_t cs__add_anyio_class(cs__loader *ld, const char *name, int32_t base, cs_pos pos, const char *why);
int cs__add_task_not_finished(cs__loader *ld);
/* issue 26: portal names into each portal statement's `ref` (load_portal.c) */
int cs__load_portals(cs__loader *ld);
/* issue 26: each portal_with flattened into its thread's steps, before the checks (load_portal.c) */
int cs__load_portal_withs(cs__loader *ld);

/* load_flow.c: no function reaches itself through `call` (fills `order`, one
 * entry per function, with the functions in an order where every function
 * comes after all it calls); the rules on where started / reraise / return /
 * start_soon may stand; and the program's max_depth (needs `order`). */
int cs__check_recursion(cs__loader *ld, uint32_t *order);
int cs__check_context(cs__loader *ld);
void cs__compute_depth(cs__loader *ld, const uint32_t *order);

/* load_gen.c: which functions are async generators (cs_function.is_gen) and
 * where `yield`, `return` and generator functions may stand (issue 19). */
int cs__check_generators(cs__loader *ld);
/* load_agen.c (issue 19 leftovers): the generator objects `agen` names, and
 * StopAsyncIteration when there are any; then, while references resolve,
 * anext's and aclose's generator object (aclose: when no stream end has the
 * name), as st->ref. */
int cs__declare_agens(cs__loader *ld);
int cs__resolve_agen(cs__loader *ld, cs_stmt *st, const char *name);

/* load_check.c: the whole-scenario checks, in the oracle's order: names and
 * references (resolving every `ref`), recursion through `call`, where
 * started/reraise/return/start_soon may appear; then max_depth. */
int cs__check_program(cs__loader *ld);

/* load_native.c: native asyncio statements (asyncio backend only): refused
 * for Trio, the probe's name; the task a statement names. */
bool cs__op_is_native(cs_op op);
int cs__native_stmt_rules(cs__loader *ld, const json_t *x, uint32_t node, cs_stmt *st);
int cs__native_resolve(cs__loader *ld, cs_stmt *st, const char *name);

#endif
