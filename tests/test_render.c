/* test_render.c - Check tests for render/: the DOT graph against frozen golden
 * files (tests/golden/dot/NAME.dot, byte for byte), every corpus scenario's
 * graph parsed back by cgraph and checked against the run's outcome (a source
 * the goldens do not share: every task a node named and shaped by its end
 * state, every named scope a node, a spawn edge per spawned task, the
 * anyio.run() node saying what the run raised), every corpus scenario's timeline checked for
 * structure (sorted ts, B/E balanced per track, flows started before they
 * end), and gvc rendering to SVG and PNG in process.
 *
 * Runs from the repository root (CTest sets the working directory).  Runs the
 * engine cannot do yet (cs_run returns CS_E_UNSUPPORTED) are skipped.  To
 * refreeze the goldens after an intended change, run with
 * CS_UPDATE_GOLDEN=1 and look at the diff before committing it.
 */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gvc.h>

#include "dot.h"
#include "dot_internal.h"
#include "engine.h"
#include "load.h"
#include "outcome.h"
#include "timeline.h"
#include "util.h"

#include "corpus.h"

static const char *const golden[] = {
    "taskgroup/sibling-failure-cancels-sibling",
    "taskgroup/host-body-raises",
    "taskgroup/child-swallows-cancel-level-triggered",
    "taskgroup/tg-cancel-with-reason",
    "timeouts/move-on-vs-fail-after",
    "timeouts/busy-delays-others",
    "shield/shielded-cleanup-in-finally",
    "shield/shield-before-outer-cancel",
    "nesting/nested-group-in-child",
    "nesting/nested-group-in-host-body",
    "nesting/group-inside-shield",
    "cancel_scope/cancel-with-reason",
    "exceptions/except-star-split",
    "run/deadlock",
    "run/step-limit",
    "schedules/three-fail-same-instant",
    "finally/raise-in-finally-of-cancelled-child",
    "threads/server-sigterm",
};

/* Runs `path` on asyncio into sink; returns cs_run's status (load must work). */
static int run_into(const char *path, cs_sink sink)
{
    cs_scenario *sc = NULL;
    cs_load_error err;
    ck_assert_msg(cs_load_file(path, &sc, &err) == 0, "%s: %s", path, err.message);
    cs_run_options opt;
    cs_run_options_init(&opt);
    opt.sinks = &sink;
    opt.nsinks = 1;
    cs_run_error rerr;
    memset(&rerr, 0, sizeof rerr);
    int rc = cs_run(sc->program, &opt, &rerr);
    cs_scenario_free(sc);
    ck_assert_msg(rc == CS_OK || rc == CS_E_UNSUPPORTED, "%s: run failed: %s", path, rerr.message);
    return rc;
}

/* The DOT text of one run (new string), or NULL when the run is unsupported. */
static char *dot_of(const char *path)
{
    cs_dot *d = cs_dot_new();
    char *text = run_into(path, (cs_sink){cs_dot_sink, d}) == CS_OK ? cs_dot_to_string(d, NULL) : NULL;
    cs_dot_free(d);
    return text;
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = cs_xmalloc((size_t)n + 1);
    size_t got = fread(buf, 1, (size_t)n, f);
    buf[got] = '\0';
    fclose(f);
    return buf;
}

/* The corpus, sorted (new array of new strings, NULL-terminated). */
static char **corpus(size_t *n)
{
    char **v = cs_test_corpus("scenarios", n);
    ck_assert_uint_gt(*n, 12);
    return v;
}

START_TEST(dot_matches_golden)
{
    const char *name = golden[_i];
    char *path = cs_xasprintf("scenarios/%s.json", name);
    const char *base = strrchr(name, '/') + 1;
    char *gpath = cs_xasprintf("tests/golden/dot/%s.dot", base);
    char *text = dot_of(path);
    ck_assert_msg(text != NULL, "%s: run unsupported, pick another golden", name);
    if (getenv("CS_UPDATE_GOLDEN")) {
        FILE *f = fopen(gpath, "w");
        ck_assert_msg(f != NULL, "cannot write %s", gpath);
        fputs(text, f);
        fclose(f);
    }
    char *want = read_all(gpath);
    ck_assert_msg(want != NULL, "missing golden %s (CS_UPDATE_GOLDEN=1 writes it)", gpath);
    ck_assert_msg(strcmp(text, want) == 0, "%s differs from %s", name, gpath);
    free(want);
    free(text);
    free(gpath);
    free(path);
}
END_TEST

START_TEST(every_dot_parses_and_is_stable)
{
    size_t n, ran = 0;
    char **v = corpus(&n);
    for (size_t i = 0; i < n; i++) {
        char *a = dot_of(v[i]);
        if (!a)
            continue;
        char *b = dot_of(v[i]);
        ck_assert_msg(strcmp(a, b) == 0, "%s: DOT differs between two runs", v[i]);
        ck_assert_msg(cs_gv_parses(a), "%s: cgraph cannot parse the DOT", v[i]);
        ck_assert_msg(strstr(a, "0x") == NULL, "%s: a pointer value leaked into the DOT", v[i]);
        /* folding never hides a task that failed or was cancelled */
        cs_dot *d = cs_dot_new();
        run_into(v[i], (cs_sink){cs_dot_sink, d});
        for (size_t k = 0; k < d->ntasks; k++) {
            const cs__dot_task *t = &d->tasks[k];
            if (!t->spawned || (t->state != CS_TASK_FAILED && t->state != CS_TASK_CANCELLED))
                continue;
            char node[64];
            snprintf(node, sizeof node, "t%zu [label=\"%.20s", k, t->name);
            ck_assert_msg(strstr(a, node) != NULL, "%s: task %s (%s) is not drawn", v[i], t->name,
                          t->state == CS_TASK_FAILED ? "failed" : "cancelled");
        }
        cs_dot_free(d);
        free(a);
        free(b);
        ran++;
    }
    ck_assert_uint_gt(ran, 12);
    cs_test_corpus_free(v, n);
}
END_TEST

/* The first line of a node's label (new string). */
static char *label_head(Agnode_t *n)
{
    const char *l = agget(n, "label");
    l = l ? l : "";
    const char *nl = strstr(l, "\\n");
    return nl ? cs_xasprintf("%.*s", (int)(nl - l), l) : cs_xstrdup(l);
}

/* The folded count of a node whose label's first line ends " xN" (instances
 * of one statement drawn as one node), else 0. */
static unsigned folded_count(const char *head)
{
    const char *x = strrchr(head, ' ');
    unsigned n = 0;
    int used = 0; /* the whole last word is xN: a scope named "x2_shield" is no fold */
    return x && x[1] == 'x' && sscanf(x + 2, "%u%n", &n, &used) == 1 && x[2 + used] == '\0' ? n : 0;
}

/* One task or scope node against the outcome; adds what it stands for to
 * *ntasks / *nscopes.  Returns NULL or a new description of the fault. */
static char *dot_node_fault(Agnode_t *n, json_t *out, size_t *ntasks, size_t *nscopes)
{
    const char *id = agnameof(n), *label = agget(n, "label"), *shape = agget(n, "shape");
    char *head = label_head(n);
    bool task = id[0] == 't', shield_label = !task && strncmp(head, "[shield] ", 9) == 0;
    unsigned folds = folded_count(head);
    /* a task's label starts with its name; a scope's with its kind, then its name */
    const char *sp = strrchr(head, ' ');
    char *name = cs_xstrdup(task || !sp ? head : sp + 1);
    json_t *rec = json_object_get(json_object_get(out, task ? "tasks" : "scopes"), name);
    char *fault = NULL;
    if (folds) { /* only what nothing cancelled or failed is folded */
        *(task ? ntasks : nscopes) += folds;
        if (task ? !strstr(label, "completed") : !strstr(label, "none cancelled"))
            fault = cs_xasprintf("folded node %s does not say its members completed: '%s'", id, label);
    } else if (task) {
        ++*ntasks;
        const char *state = json_string_value(json_object_get(rec, "state"));
        if (!state)
            fault = cs_xasprintf("node %s: task '%s' is not in the outcome", id, name);
        else if ((strcmp(state, "failed") == 0) != (shape && strcmp(shape, "octagon") == 0))
            fault = cs_xasprintf("task '%s' (%s) has shape %s", name, state, shape ? shape : "none");
        else if (!strstr(label, state))
            fault = cs_xasprintf("task '%s': label does not say %s", name, state);
    } else {
        ++*nscopes;
        if (!rec)
            fault = cs_xasprintf("node %s: scope '%s' is not in the outcome", id, name);
        else if (shield_label != json_is_true(json_object_get(rec, "shield")))
            fault = cs_xasprintf("scope '%s': shield in the outcome, label '%s'", name, label);
        else if (json_is_true(json_object_get(rec, "cancel_called")) != (strstr(label, "cancel_called") != NULL))
            fault = cs_xasprintf("scope '%s': cancel_called in the outcome, label '%s'", name, label);
    }
    free(head);
    free(name);
    return fault;
}

/* The DOT of one run (parsed by cgraph) against the run's outcome JSON:
 * returns NULL or a new description of the first disagreement. */
static char *dot_outcome_fault(const char *text, json_t *out)
{
    Agraph_t *g = agmemread(text);
    if (!g)
        return cs_xstrdup("cgraph cannot parse the DOT");
    size_t ntasks = 0, nscopes = 0, nodes = 0, spawns = 0;
    char *fault = NULL;
    for (Agnode_t *n = agfstnode(g); n && !fault; n = agnxtnode(g, n)) {
        const char *id = agnameof(n);
        for (Agedge_t *e = agfstout(g, n); e; e = agnxtout(g, e)) {
            const char *w = agget(e, "weight");
            spawns += w && strcmp(w, "2") == 0;
        }
        if ((id[0] == 't' || id[0] == 's') && id[1] >= '0' && id[1] <= '9') {
            nodes += id[0] == 't';
            fault = dot_node_fault(n, out, &ntasks, &nscopes);
        }
    }
    size_t want_tasks = json_object_size(json_object_get(out, "tasks"));
    size_t want_scopes = json_object_size(json_object_get(out, "scopes"));
    if (!fault && (ntasks != want_tasks || nscopes != want_scopes))
        fault = cs_xasprintf("nodes for %zu tasks and %zu scopes; the outcome has %zu and %zu", ntasks, nscopes,
                             want_tasks, want_scopes);
    if (!fault && nodes == ntasks && spawns + 1 != ntasks) /* nothing folded: one spawn edge per child */
        fault = cs_xasprintf("%zu spawn edges for %zu tasks", spawns, ntasks);
    Agnode_t *run = agnode(g, "run", 0);
    json_t *raised = json_object_get(json_object_get(out, "result"), "raised");
    if (!fault && !run)
        fault = cs_xstrdup("no anyio.run() node");
    if (!fault && raised) {
        const char *type = json_string_value(json_object_get(raised, "type"));
        char *want = cs_xasprintf("raised %s", type ? type : "?");
        /* the class may be shown with its module (concurrent.futures.CancelledError); the
         * label holds DOT's escaped line break, a backslash and an n */
        char *dotted = cs_xasprintf(".%s\\n", type ? type : "?");
        const char *said = strstr(agget(run, "label"), "raised ");
        const char *hit = said ? strstr(said, dotted) : NULL;
        const char *eol = said ? strstr(said, "\\n") : NULL;
        if (!strstr(agget(run, "label"), want) && !(hit && eol == hit + strlen(dotted) - 2))
            fault = cs_xasprintf("anyio.run() node does not say '%s'", want);
        free(dotted);
        free(want);
    }
    agclose(g);
    return fault;
}

START_TEST(every_dot_agrees_with_outcome)
{
    size_t n, ran = 0;
    char **v = corpus(&n);
    for (size_t i = 0; i < n; i++) {
        cs_dot *d = cs_dot_new();
        cs_outcome *o = cs_outcome_new();
        cs_sink sinks[2] = {{cs_dot_sink, d}, {cs_outcome_sink, o}};
        cs_scenario *sc = NULL;
        cs_load_error err;
        ck_assert_msg(cs_load_file(v[i], &sc, &err) == 0, "%s: %s", v[i], err.message);
        cs_run_options opt;
        cs_run_options_init(&opt);
        opt.sinks = sinks;
        opt.nsinks = 2;
        cs_run_error rerr;
        int rc = cs_run(sc->program, &opt, &rerr);
        cs_scenario_free(sc);
        if (rc == CS_OK) {
            char *text = cs_dot_to_string(d, NULL);
            json_t *j = cs_outcome_to_json(o);
            char *fault = dot_outcome_fault(text, j);
            ck_assert_msg(fault == NULL, "%s: %s", v[i], fault);
            json_decref(j);
            free(text);
            ran++;
        }
        cs_outcome_free(o);
        cs_dot_free(d);
    }
    ck_assert_uint_gt(ran, 100);
    cs_test_corpus_free(v, n);
}
END_TEST

/* Checks one timeline document; returns NULL or a new description of the fault. */
static char *timeline_fault(json_t *doc)
{
    json_t *evs = json_object_get(doc, "traceEvents");
    if (!json_is_array(evs) || strcmp(json_string_value(json_object_get(doc, "displayTimeUnit")), "ms") != 0)
        return cs_xstrdup("not a trace document");
    long long depth[4096] = {0};
    double last = -1;
    size_t i;
    json_t *e;
    json_t *flows = json_object();
    char *fault = NULL;
    json_array_foreach (evs, i, e) {
        double ts = json_number_value(json_object_get(e, "ts"));
        long long tid = json_integer_value(json_object_get(e, "tid"));
        const char *ph = json_string_value(json_object_get(e, "ph"));
        if (!ph || tid < 0 || tid >= 4096 || ts < last) {
            fault = cs_xasprintf("event %zu: bad ph/tid or ts goes back", i);
            break;
        }
        last = ts;
        char id[32];
        snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(e, "id")));
        if (strcmp(ph, "B") == 0)
            depth[tid]++;
        else if (strcmp(ph, "E") == 0 && --depth[tid] < 0)
            fault = cs_xasprintf("event %zu: E without B on tid %lld", i, tid);
        else if (strcmp(ph, "s") == 0)
            json_object_set_new(flows, id, json_true());
        else if (strcmp(ph, "f") == 0 && !json_object_get(flows, id))
            fault = cs_xasprintf("event %zu: flow %s ends before it starts", i, id);
        if (fault)
            break;
    }
    for (int t = 0; t < 4096 && !fault; t++)
        if (depth[t])
            fault = cs_xasprintf("tid %d: %lld slices left open", t, depth[t]);
    json_decref(flows);
    return fault;
}

START_TEST(every_timeline_is_well_formed)
{
    size_t n, ran = 0;
    char **v = corpus(&n);
    for (size_t i = 0; i < n; i++) {
        cs_timeline *tl = cs_timeline_new();
        if (run_into(v[i], (cs_sink){cs_timeline_sink, tl}) != CS_OK) {
            cs_timeline_free(tl);
            continue;
        }
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        ck_assert_int_eq(cs_timeline_write(tl, f), 0);
        fclose(f);
        cs_timeline_free(tl);
        json_error_t jerr;
        json_t *doc = json_loadb(buf, len, JSON_ALLOW_NUL, &jerr);
        ck_assert_msg(doc != NULL, "%s: timeline is not JSON: %s (line %d)", v[i], jerr.text, jerr.line);
        char *fault = timeline_fault(doc);
        ck_assert_msg(fault == NULL, "%s: %s", v[i], fault ? fault : "");
        json_decref(doc);
        free(buf);
        ran++;
    }
    ck_assert_uint_gt(ran, 12);
    cs_test_corpus_free(v, n);
}
END_TEST

/* Renders through gvc into a temporary file; returns its first bytes. */
static void render_head(const char *text, const char *format, char *head, size_t cap)
{
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    char err[256];
    ck_assert_msg(cs_gv_render(text, format, f, err, sizeof err) == 0, "%s: %s", format, err);
    rewind(f);
    size_t got = fread(head, 1, cap - 1, f);
    head[got] = '\0';
    ck_assert_uint_gt(got, 8);
    fclose(f);
}

/* The PNG's width in pixels, from its IHDR chunk. */
static unsigned png_width(const char *text)
{
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    char err[256];
    ck_assert_msg(cs_gv_render(text, "png", f, err, sizeof err) == 0, "png: %s", err);
    rewind(f);
    unsigned char h[24];
    ck_assert_uint_eq(fread(h, 1, sizeof h, f), sizeof h);
    fclose(f);
    return (unsigned)h[16] << 24 | (unsigned)h[17] << 16 | (unsigned)h[18] << 8 | h[19];
}

/* Issue 22's server (3 workers x 20 jobs): folded, it fits 2,400 px; every
 * worker (all cancelled) is drawn; --focus draws one worker's story only. */
START_TEST(server_fits_and_focus)
{
    const char *path = "scenarios/threads/server-sigterm.json";
    char *text = dot_of(path);
    ck_assert_ptr_nonnull(text);
    unsigned w = png_width(text);
    ck_assert_msg(w > 200 && w <= 2400, "server graph is %u px wide", w);
    ck_assert_ptr_nonnull(strstr(text, "fail_after db_timeout x"));
    ck_assert_ptr_null(strstr(text, "9999999"));
    cs_dot *d = cs_dot_new();
    run_into(path, (cs_sink){cs_dot_sink, d});
    char *one = cs_dot_to_string_focus(d, "worker[2]", NULL);
    ck_assert_ptr_nonnull(strstr(one, "worker[2]\\nspawned"));
    ck_assert_ptr_null(strstr(one, "worker[0]\\nspawned"));
    ck_assert(cs_gv_parses(one));
    ck_assert(cs_dot_has_task(d, "worker[1]") && !cs_dot_has_task(d, "nobody"));
    FILE *f = tmpfile();
    char err[256];
    ck_assert_msg(cs_gv_render(one, "pdf", f, err, sizeof err) == 0, "pdf: %s", err);
    rewind(f);
    char head[8] = {0};
    ck_assert_uint_eq(fread(head, 1, 5, f), 5);
    ck_assert_str_eq(head, "%PDF-");
    fclose(f);
    free(one);
    cs_dot_free(d);
    free(text);
    /* its worker threads have tracks of their own in the timeline */
    cs_timeline *tl = cs_timeline_new();
    run_into(path, (cs_sink){cs_timeline_sink, tl});
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    ck_assert_int_eq(cs_timeline_write(tl, m), 0);
    fclose(m);
    cs_timeline_free(tl);
    ck_assert_ptr_nonnull(strstr(buf, "\"worker threads\""));
    ck_assert_ptr_nonnull(strstr(buf, "\"name\": \"to_thread (15:15)\", \"cat\": \"thread\", \"ph\": \"B\""));
    ck_assert_ptr_nonnull(strstr(buf, "\"name\": \"abandoned: runs on without a waiter\""));
    free(buf);
}
END_TEST

START_TEST(renders_svg_and_png)
{
    char *text = dot_of("scenarios/shield/shielded-cleanup-in-finally.json");
    ck_assert_ptr_nonnull(text);
    char head[512];
    render_head(text, "svg", head, sizeof head);
    ck_assert_msg(strstr(head, "<svg") != NULL || strstr(head, "<?xml") != NULL, "not SVG: %.40s", head);
    render_head(text, "png", head, sizeof head);
    ck_assert(memcmp(head, "\x89PNG", 4) == 0);
    char err[64];
    ck_assert_int_eq(cs_gv_render(text, "gif", stdout, err, sizeof err), -1);
    ck_assert(!cs_gv_parses("digraph { a -> }"));
    free(text);
}
END_TEST

static Suite *render_suite(void)
{
    Suite *s = suite_create("render");
    TCase *tc = tcase_create("render");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, dot_matches_golden, 0, (int)(sizeof golden / sizeof golden[0]));
    tcase_add_test(tc, every_dot_parses_and_is_stable);
    tcase_add_test(tc, every_dot_agrees_with_outcome);
    tcase_add_test(tc, every_timeline_is_well_formed);
    tcase_add_test(tc, renders_svg_and_png);
    tcase_add_test(tc, server_fits_and_focus);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(render_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
