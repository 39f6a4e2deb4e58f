/* load_threads.c - issue 26's threads AnyIO did not start: the top-level
 * "threads" object (plain threading.Threads started at virtual times, each a
 * CS_OP_PLAIN_THREAD statement whose body is its thread steps) and the event
 * loop tokens that `current_token` statements bind and a `from_thread` step's
 * `token` names (scenario-format.md section 2, "Threads AnyIO did not start").
 *
 * Checks: a thread's name is a non-empty name no task or other thread has;
 * start_at is a time (>= 0, finite); every token a step names is bound by some
 * current_token statement (a to_thread's `from_thread` may name one too).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "load_internal.h"
#include "util.h"

/* More threads than a scenario needs to say anything: a bound on the list. */
#define CS__MAX_PLAIN_THREADS 256

static int cs__load_one(cs__loader *ld, const char *name, const json_t *v, uint32_t knode, cs_stmt *st)
{
    char r[256];
    memset(st, 0, sizeof *st);
    st->op = CS_OP_PLAIN_THREAD;
    st->pos = cs__kpos(ld, knode);
    st->decl = st->ref = -1;
    st->count = -1;
    st->value_json = "null";
    if (!name[0])
        return cs__fail(ld, st->pos, "a thread needs a non-empty name");
    st->name = cs__program_strdup(ld->prog, name);
    if (!json_is_object(v))
        return cs__fail(ld, cs__vpos(ld, knode), "thread %s must be an object with 'steps' (and 'start_at')",
                        cs__repr(r, sizeof r, name));
    uint32_t c = cs__jpos_first(&ld->idx, knode);
    for (void *it = json_object_iter((json_t *)v); it; it = json_object_iter_next((json_t *)v, it)) {
        const char *k = json_object_iter_key(it);
        if (strcmp(k, "start_at") != 0 && strcmp(k, "steps") != 0) {
            char q[256];
            return cs__fail(ld, cs__kpos(ld, c), "unknown key %s for thread %s (start_at, steps)",
                            cs__repr(r, sizeof r, k), cs__repr(q, sizeof q, name));
        }
        c = cs__jpos_next(&ld->idx, knode, c);
    }
    const json_t *at = json_object_get(v, "start_at");
    if (at) {
        double t = json_is_number(at) ? json_number_value(at) : -1;
        if (!json_is_number(at) || !(t >= 0) || !isfinite(t) || t > 1e15)
            return cs__fail(ld, cs__vpos(ld, cs__member(ld, v, knode, "start_at")),
                            "start_at: a time must be a number of seconds from 0 to 1e15");
        st->num = t;
        st->has_num = true;
    }
    const json_t *steps = json_object_get(v, "steps");
    if (!steps)
        return cs__fail(ld, st->pos, "thread %s needs 'steps'", cs__repr(r, sizeof r, name));
    return cs__conv_body(ld, steps, cs__member(ld, v, knode, "steps"), true, &st->body);
}

int cs__load_plain_threads(cs__loader *ld, const json_t *doc)
{
    const json_t *ts = json_object_get(doc, "threads");
    if (!ts)
        return 0;
    uint32_t node = cs__member(ld, doc, 0, "threads");
    if (!json_is_object(ts))
        return cs__fail(ld, cs__vpos(ld, node),
                        "threads must be an object: name -> {\"start_at\": T, \"steps\": [...]}");
    size_t n = json_object_size(ts);
    if (n > CS__MAX_PLAIN_THREADS)
        return cs__fail(ld, cs__vpos(ld, node), "threads: more than %d threads", CS__MAX_PLAIN_THREADS);
    /* anyio.NoEventLoopError, what from_thread and check_cancelled raise there (load_anyio_class.c) */
    if (n && (ld->prog->no_event_loop_cls =
                  cs__add_anyio_class(ld, "NoEventLoopError", CS_EXC_RUNTIME_ERROR, cs__vpos(ld, node), "threads")) < 0)
        return -1;
    cs_stmt *v = cs__program_alloc(ld->prog, (n ? n : 1) * sizeof *v);
    ld->prog->plain_threads = v;
    ld->prog->nplain_threads = (uint32_t)n;
    uint32_t c = cs__jpos_first(&ld->idx, node), i = 0;
    for (void *it = json_object_iter((json_t *)ts); it; it = json_object_iter_next((json_t *)ts, it), i++) {
        if (cs__load_one(ld, json_object_iter_key(it), json_object_iter_value(it), c, &v[i]) < 0)
            return -1;
        c = cs__jpos_next(&ld->idx, node, c);
    }
    return 0;
}

/* ---- tokens, checked once every statement is read ---- */

typedef struct cs__tokens {
    const char **names;
    uint32_t n;
    size_t cap;
} cs__tokens;

static int32_t cs__token_find(const cs__tokens *tk, const char *name)
{
    for (uint32_t i = 0; i < tk->n; i++)
        if (strcmp(tk->names[i], name) == 0)
            return (int32_t)i;
    return -1;
}

static int cs__visit_bind(cs__loader *ld, cs__walk *w, cs_stmt *st, uint32_t level, unsigned ctx, void *user)
{
    (void)ld, (void)w, (void)level, (void)ctx;
    cs__tokens *tk = user;
    if (st->op != CS_OP_CURRENT_TOKEN)
        return 0;
    if (!st->text[0])
        return cs__fail(ld, st->pos, "current_token needs a non-empty name");
    int32_t i = cs__token_find(tk, st->text);
    if (i < 0) {
        tk->names = cs_xgrow(tk->names, &tk->cap, tk->n + 1, sizeof *tk->names);
        i = (int32_t)tk->n;
        tk->names[tk->n++] = st->text;
    }
    st->ref = i;
    return 0;
}

/* A from_thread_sync body is a plain function run in the loop: only what
 * does not await, and no BaseException that is not an Exception (AnyIO's
 * asyncio wrapper re-raises those into the loop). */
static int cs__sync_refused(cs__loader *ld, const cs_stmt *st)
{
    switch (st->op) {
    case CS_OP_LOG:
    case CS_OP_SET:
    case CS_OP_CANCEL:
    case CS_OP_RETURN: return 0;
    case CS_OP_RAISE:
        if (st->count < 0 && cs_exc_class_is(ld->prog, st->ref, CS_EXC_EXCEPTION))
            return 0;
        return cs__fail(ld, st->pos, "a from_thread_sync body raises only a single Exception");
    default:
        return cs__fail(ld, st->pos,
                        "a from_thread_sync body is a plain function: only log, set, cancel, raise and return");
    }
}

static int cs__visit_use(cs__loader *ld, cs__walk *w, cs_stmt *st, uint32_t level, unsigned ctx, void *user)
{
    (void)w, (void)level, (void)ctx;
    char r[256];
    const cs__tokens *tk = user;
    if (ctx & CS__CX_IN_SYNC && cs__sync_refused(ld, st) < 0)
        return -1;
    if (cs__check_sbp_place(ld, st) < 0) /* load_sync_main.c */
        return -1;
    if ((st->op != CS_OP_FROM_THREAD && st->op != CS_OP_FROM_THREAD_SYNC) || !st->text)
        return 0;
    st->ref = cs__token_find(tk, st->text);
    if (st->ref < 0)
        return cs__fail(ld, st->pos, "token %s is bound by no current_token statement",
                        cs__repr(r, sizeof r, st->text));
    return 0;
}

/* A `yield` in a thread's from_thread body: the generator rules (load_gen.c)
 * read main and the functions only. */
static int cs__visit_no_yield(cs__loader *ld, cs__walk *w, cs_stmt *st, uint32_t level, unsigned ctx, void *user)
{
    (void)w, (void)level, (void)ctx, (void)user;
    if (st->op == CS_OP_YIELD)
        return cs__fail(ld, st->pos,
                        "'yield' is only allowed in a function of \"functions\" (an async generator function), "
                        "not in main or in a task's body");
    return 0;
}

/* The steps a thread AnyIO did not start runs (plain_thread.c, thread.c). */
static bool cs__plain_step(cs_op op)
{
    switch (op) {
    case CS_OP_BLOCK:
    case CS_OP_LOG:
    case CS_OP_RAISE:
    case CS_OP_RETURN:
    case CS_OP_FROM_THREAD:
    case CS_OP_FROM_THREAD_SYNC:
    case CS_OP_CHECK_CANCELLED:
    /* a BlockingPortal the async code made and shared (portal.c) */
    case CS_OP_PORTAL_CALL:
    case CS_OP_PORTAL_START_TASK_SOON:
    case CS_OP_PORTAL_START_TASK:
    case CS_OP_PORTAL_WITH:
    case CS_OP_PORTAL_STOP:
    case CS_OP_FUTURE_RESULT:
    case CS_OP_PORTAL_FUTURE_CANCEL:
    /* portal_with's steps, flattened into the thread's (load_portal.c) */
    case CS_OP_PORTAL_WITH_RESULT:
    /* a sync main's start_blocking_portal, flattened (load_sync_main.c) */
    case CS_OP_SBP_STEP:
    case CS_OP_START_BLOCKING_PORTAL: return true; /* refused with its own message where it stands */
    default: return false;
    }
}

int cs__check_plain_threads(cs__loader *ld)
{
    char r[256];
    const cs_program *p = ld->prog;
    for (uint32_t i = 0; i < p->nplain_threads; i++) {
        const cs_stmt *st = &p->plain_threads[i];
        bool clash_thread = false;
        for (uint32_t k = 0; k < i && !clash_thread; k++) /* the sync main's MainThread (load_sync_main.c) */
            clash_thread = strcmp(p->plain_threads[k].name, st->name) == 0;
        if (clash_thread)
            return cs__fail(ld, st->pos, "thread %s has the name of the sync main's thread",
                            cs__repr(r, sizeof r, st->name));
        bool clash = strcmp(st->name, "main") == 0;
        for (uint32_t k = 0; k < p->ntasks && !clash; k++)
            clash = strcmp(p->tasks[k].name, st->name) == 0;
        if (clash)
            return cs__fail(ld, st->pos, "thread %s has the name of a task (its log lines would be ambiguous)",
                            cs__repr(r, sizeof r, st->name));
    }
    for (uint32_t i = 0; i < p->nplain_threads; i++) /* steps another issue adds are a worker thread's */
        for (uint32_t k = 0; k < p->plain_threads[i].body.n; k++)
            if (!cs__plain_step(p->plain_threads[i].body.items[k].op))
                return cs__fail(ld, p->plain_threads[i].body.items[k].pos,
                                "this thread step is not modelled in a thread of \"threads\" (block, log, raise, "
                                "return, from_thread, from_thread_sync, check_cancelled)");
    const cs_body threads = {p->plain_threads, p->nplain_threads};
    if (threads.n && cs__walk_body(ld, &threads, 0, CS__CX_IN_THREAD | CS__CX_IN_PLAIN, cs__visit_no_yield, NULL) < 0)
        return -1;
    cs__tokens tk = {0};
    int rc = cs__walk_all(ld, cs__visit_bind, &tk);
    if (rc == 0)
        rc = cs__walk_all(ld, cs__visit_use, &tk);
    if (rc == 0 && tk.n) {
        const char **names = cs__program_alloc(ld->prog, tk.n * sizeof *names);
        memcpy(names, tk.names, tk.n * sizeof *names);
        ld->prog->tokens = names;
        ld->prog->ntokens = tk.n;
    }
    free(tk.names);
    return rc;
}
