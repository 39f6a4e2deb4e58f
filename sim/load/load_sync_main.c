/* load_sync_main.c - issue 26: a scenario's "sync_main" (thread steps in
 * place of main: a plain `def main():` in Python's main thread) and its one
 * `{"start_blocking_portal": "p", "body": [...]}` step (`with
 * anyio.from_thread.start_blocking_portal(backend) as p:`), whose event loop
 * is the scenario's run (sim/core/sync_main.c says how it runs).
 *
 * The loader makes:
 * - main: `{"blocking_portal": "p", "body": [SBP_WAIT_STOPPED]}`, AnyIO's
 *   run_portal (the portal is declared there, so the portal steps resolve);
 * - plain_threads[0]: the sync main, named "MainThread" (Python's name for
 *   it; its log lines and its portal calls' say so), starting at 0, with the
 *   with flattened: ENTER, body..., EXIT_NORMAL, stop(False), SKIP,
 *   stop(True), JOIN (stop: the portal_stop thread step, p.call(p.stop, b)).
 * Refused (FILE:LINE:COL: error:, exit 2): "sync_main" with "main"; none or a
 * second start_blocking_portal (one event loop per scenario), or one anywhere
 * but in sync_main's own steps; `block` outside the with (no loop runs then:
 * virtual time stands still).  A `return` in the body leaves the with as
 * Python's does (stop(False), the join), then main() returns its value.
 */
#include <string.h>

#include "load_internal.h"
#include "util.h"

static cs_stmt cs__sbp_synth(cs_op op, cs_pos pos, int64_t count)
{
    cs_stmt s;
    memset(&s, 0, sizeof s);
    s.op = op;
    s.pos = pos;
    s.decl = s.ref = -1;
    s.count = count;
    s.value_json = "null";
    return s;
}

/* The one start_blocking_portal among the top-level steps: its index, or -1. */
static int32_t cs__sbp_find(cs__loader *ld, const cs_body *raw, cs_pos where)
{
    int32_t at = -1;
    for (uint32_t i = 0; i < raw->n; i++) {
        const cs_stmt *s = &raw->items[i];
        if (s->op != CS_OP_START_BLOCKING_PORTAL)
            continue;
        if (at >= 0)
            return cs__fail(ld, s->pos, "a second start_blocking_portal: a scenario has one event loop");
        at = (int32_t)i;
    }
    if (at < 0)
        return cs__fail(ld, where, "sync_main needs a start_blocking_portal step (the scenario's event loop)");
    for (uint32_t i = 0; i < raw->n; i++)
        if (raw->items[i].op == CS_OP_BLOCK)
            return cs__fail(ld, raw->items[i].pos,
                            "'block' outside start_blocking_portal is not modelled (no event loop runs: virtual "
                            "time stands still)");
    if (!raw->items[at].text[0])
        return cs__fail(ld, raw->items[at].pos, "'start_blocking_portal': expected a non-empty name");
    return at;
}

/* The sync main's steps with the with flattened (see the top comment). */
static cs_body cs__sbp_flatten(cs__loader *ld, const cs_body *raw, uint32_t at)
{
    const cs_stmt *sbp = &raw->items[at];
    uint32_t nb = sbp->body.n, n = raw->n - 1 + nb + 6;
    cs_stmt *out = cs__program_alloc(ld->prog, n * sizeof *out);
    uint32_t k = 0;
    for (uint32_t i = 0; i < at; i++)
        out[k++] = raw->items[i];
    /* ENTER finds the exit when it runs (a portal_with in the body is
     * flattened later, moving it) */
    out[k++] = cs__sbp_synth(CS_OP_SBP_STEP, sbp->pos, CS__SBP_ENTER);
    for (uint32_t i = 0; i < nb; i++)
        out[k++] = sbp->body.items[i];
    out[k++] = cs__sbp_synth(CS_OP_SBP_STEP, sbp->pos, CS__SBP_EXIT_NORMAL);
    for (int cancel = 0; cancel < 2; cancel++) {
        out[k] = cs__sbp_synth(CS_OP_PORTAL_STOP, sbp->pos, -1);
        out[k].text = sbp->text;
        out[k++].shield = cancel; /* cancel_remaining_tasks */
        if (!cancel)
            out[k++] = cs__sbp_synth(CS_OP_SBP_STEP, sbp->pos, CS__SBP_SKIP);
    }
    out[k++] = cs__sbp_synth(CS_OP_SBP_STEP, sbp->pos, CS__SBP_JOIN);
    for (uint32_t i = at + 1; i < raw->n; i++)
        out[k++] = raw->items[i];
    return (cs_body){out, k};
}

int cs__load_sync_main(cs__loader *ld, const json_t *doc)
{
    uint32_t node = cs__member(ld, doc, 0, "sync_main");
    if (json_object_get(doc, "main"))
        return cs__fail(ld, cs__kpos(ld, node), "a scenario has either 'main' or 'sync_main', not both");
    if (json_object_get(doc, "interrupt_at")) /* sync_main.c, cs__sync_main_refuses */
        return cs__fail(ld, cs__kpos(ld, cs__member(ld, doc, 0, "interrupt_at")),
                        "interrupt_at with sync_main is not modelled (SIGINT goes to the main thread)");
    cs_body raw;
    if (cs__conv_body(ld, json_object_get(doc, "sync_main"), node, true, &raw) < 0)
        return -1;
    int32_t at = cs__sbp_find(ld, &raw, cs__kpos(ld, node));
    if (at < 0)
        return -1;
    const cs_stmt *sbp = &raw.items[at];
    cs_program *p = ld->prog;
    /* main: AnyIO's run_portal */
    cs_stmt *wait = cs__program_alloc(p, sizeof *wait);
    *wait = cs__sbp_synth(CS_OP_SBP_WAIT_STOPPED, sbp->pos, -1);
    cs_stmt *portal = cs__program_alloc(p, sizeof *portal);
    *portal = cs__sbp_synth(CS_OP_BLOCKING_PORTAL, sbp->pos, -1);
    portal->text = sbp->text;
    portal->body = (cs_body){wait, 1};
    p->main = (cs_body){portal, 1};
    p->sync_portal = portal;
    /* the sync main: the first plain thread */
    cs_stmt *v = cs__program_alloc(p, (p->nplain_threads + 1) * sizeof *v);
    v[0] = cs__sbp_synth(CS_OP_PLAIN_THREAD, cs__kpos(ld, node), -1);
    v[0].name = "MainThread"; /* threading.main_thread().name */
    v[0].body = cs__sbp_flatten(ld, &raw, (uint32_t)at);
    for (uint32_t i = 0; i < p->nplain_threads; i++)
        v[i + 1] = p->plain_threads[i];
    p->plain_threads = v;
    p->nplain_threads++;
    /* anyio.NoEventLoopError: what check_cancelled and from_thread raise in it */
    if (p->nplain_threads == 1 &&
        (p->no_event_loop_cls =
             cs__add_anyio_class(ld, "NoEventLoopError", CS_EXC_RUNTIME_ERROR, cs__kpos(ld, node), "sync_main")) < 0)
        return -1;
    return 0;
}

/* A start_blocking_portal the flattening did not take: nested somewhere; and
 * Ctrl+C with a sync main (see cs__sync_main_refuses). */
int cs__check_sbp_place(cs__loader *ld, const cs_stmt *st)
{
    if (st->op == CS_OP_INTERRUPT && ld->prog->sync_portal)
        return cs__fail(ld, st->pos, "'interrupt' with sync_main is not modelled (SIGINT goes to the main thread)");
    if (st->op == CS_OP_START_BLOCKING_PORTAL)
        return cs__fail(ld, st->pos,
                        "start_blocking_portal is only modelled among sync_main's own steps (one event loop per "
                        "scenario)");
    return 0;
}
