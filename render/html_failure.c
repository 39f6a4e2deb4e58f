/* html_failure.c - one failure of the HTML report (html_report.h): it runs
 * the scenario again on the failing backend to show a line diff of what was
 * expected against what came out, the explain chain and the cancellation graph. */
#define _GNU_SOURCE /* open_memstream on older glibc headers */
#include <stdlib.h>
#include <string.h>

#include "dot.h"
#include "engine.h"
#include "expect_load.h"
#include "explain.h"
#include "findings.h"
#include "html_report.h"
#include "load.h"
#include "outcome.h"
#include "run_request.h"
#include "util.h"

/* Lines compared at most by the diff (an LCS table of MAX^2 cells). */
#define CS__DIFF_LINES_MAX 1500

typedef struct cs__lines {
    char **v;
    size_t n;
} cs__lines;

static cs__lines cs__split(char *text)
{
    cs__lines L = {0};
    size_t cap = 0;
    for (char *p = text, *nl; p && *p; p = nl ? nl + 1 : NULL) {
        nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        L.v = cs_xgrow(L.v, &cap, L.n + 1, sizeof *L.v);
        L.v[L.n++] = p;
    }
    return L;
}

/* A line diff (longest common subsequence): '-' expected only, '+' got only. */
static void cs__diff(FILE *f, char *want, char *got)
{
    cs__lines a = cs__split(want), b = cs__split(got);
    fputs("<pre class=\"diff\">", f);
    if (a.n > CS__DIFF_LINES_MAX || b.n > CS__DIFF_LINES_MAX) {
        fputs("(too long to diff; expected, then got)\n", f);
        for (size_t i = 0; i < a.n; i++) {
            cs__html_text(f, a.v[i]);
            fputc('\n', f);
        }
        for (size_t i = 0; i < b.n; i++) {
            cs__html_text(f, b.v[i]);
            fputc('\n', f);
        }
    } else {
        size_t w = b.n + 1;
        uint32_t *t = cs_xcalloc((a.n + 1) * w, sizeof *t);
        for (size_t i = a.n; i-- > 0;)
            for (size_t j = b.n; j-- > 0;)
                t[i * w + j] = strcmp(a.v[i], b.v[j]) == 0              ? t[(i + 1) * w + j + 1] + 1
                               : t[(i + 1) * w + j] >= t[i * w + j + 1] ? t[(i + 1) * w + j]
                                                                        : t[i * w + j + 1];
        size_t i = 0, j = 0;
        while (i < a.n || j < b.n) {
            if (i < a.n && j < b.n && strcmp(a.v[i], b.v[j]) == 0) {
                fputs("  ", f);
                cs__html_text(f, a.v[i++]);
                fputc('\n', f);
                j++;
            } else if (i < a.n && (j == b.n || t[(i + 1) * w + j] >= t[i * w + j + 1])) {
                fputs("<span class=\"d\">- ", f);
                cs__html_text(f, a.v[i++]);
                fputs("</span>", f);
            } else {
                fputs("<span class=\"a\">+ ", f);
                cs__html_text(f, b.v[j++]);
                fputs("</span>", f);
            }
        }
        free(t);
    }
    fputs("</pre>\n", f);
    free(a.v);
    free(b.v);
}

/* Inline SVG of the graph: Graphviz's document minus its XML prolog. */
static void cs__svg(FILE *f, const char *dot_text)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    char err[256];
    int rc = m ? cs_gv_render(dot_text, "svg", m, err, sizeof err) : -1;
    if (m)
        fclose(m);
    const char *svg = rc == 0 && buf ? strstr(buf, "<svg") : NULL;
    if (svg) {
        fputs("<div class=\"graph\">\n", f);
        fputs(svg, f);
        fputs("</div>\n", f);
    } else {
        fputs("<p>(the graph could not be drawn)</p>\n", f);
    }
    free(buf);
}

static char *cs__dump(const json_t *j)
{
    return json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
}

/* The expectation and the outcome's same keys, diffed. */
static void cs__expect_diff(FILE *f, const cs_scenario *sc, cs_backend b, const cs_outcome *o, const cs_findings *fd)
{
    json_t *want = cs_expect_merged_json(sc, b);
    if (!want) {
        fputs("<p>(no expect block for this backend; see expect_any in the file)</p>\n", f);
        return;
    }
    json_t *all = cs_outcome_to_json(o), *got = json_object();
    json_object_set_new(all, "findings", cs_findings_to_json(fd));
    const char *key;
    json_t *v;
    json_object_foreach (want, key, v) {
        json_t *g = json_object_get(all, key);
        if (g)
            json_object_set(got, key, g);
    }
    char *a = cs__dump(want), *bb = cs__dump(got);
    fputs("<h3>Expected (&#8722;) against got (+)</h3>\n", f);
    cs__diff(f, a ? a : cs_xstrdup(""), bb ? bb : cs_xstrdup(""));
    free(a);
    free(bb);
    json_decref(want);
    json_decref(got);
    json_decref(all);
}

/* Runs the scenario once more on e's backend into the report's sinks. */
static void cs__rerun(FILE *f, const cs_report *r, const cs_report_entry *e)
{
    cs_scenario *sc = NULL;
    cs_load_error lerr;
    if ((r->load ? r->load : cs_load_file)(e->file, &sc, &lerr) != 0)
        return; /* a load error: its message is the detail already */
    cs_outcome *o = cs_outcome_new();
    cs_findings *fd = cs_findings_new();
    cs_explain *x = cs_explain_new();
    cs_dot *d = cs_dot_new();
    cs_sink sinks[4] = {{cs_outcome_sink, o}, {cs_findings_sink, fd}, {cs_explain_sink, x}, {cs_dot_sink, d}};
    cs_run_request rq;
    cs_run_request_init(&rq, e->backend);
    cs_run_error err;
    if (cs_run_once(sc->program, &rq, sinks, 4, &err) == CS_OK) {
        cs__expect_diff(f, sc, e->backend, o, fd);
        char *text = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&text, &len);
        if (m) {
            cs_explain_write_text(x, NULL, m);
            fclose(m);
            fputs("<h3>Why each task ended so (cancelsim explain)</h3>\n<pre class=\"wrap\">", f);
            cs__html_text(f, text);
            fputs("</pre>\n", f);
        }
        free(text);
        char *dot = cs_dot_to_string(d, NULL);
        fputs("<h3>Cancellation graph of the failing run</h3>\n", f);
        cs__svg(f, dot);
        free(dot);
    }
    cs_dot_free(d);
    cs_explain_free(x);
    cs_findings_free(fd);
    cs_outcome_free(o);
    cs_scenario_free(sc);
}

void cs__html_failure(FILE *f, const cs_report *r, const cs_report_entry *e, unsigned index)
{
    fprintf(f, "<div class=\"failure\" id=\"failure-%u\">\n<h3 class=\"fail\">%s ", index,
            e->status == CS_REPORT_ERROR ? "ERROR" : "FAIL");
    cs__html_text(f, e->file);
    fprintf(f, " [%s]</h3>\n<p>", e->status == CS_REPORT_ERROR && !e->replay ? "-" : cs_backend_name(e->backend));
    cs__html_text(f, e->detail ? e->detail : "");
    fputs("</p>\n", f);
    if (e->replay) {
        fputs("<p>Replay:</p>\n<pre>", f);
        cs__html_text(f, e->replay);
        fputs("\n", f);
        char *ex = cs_xasprintf("cancelsim explain %s --backend %s", e->file, cs_backend_name(e->backend));
        cs__html_text(f, ex);
        free(ex);
        fputs("</pre>\n", f);
        if (e->status == CS_REPORT_FAIL)
            cs__rerun(f, r, e);
    }
    fputs("</div>\n", f);
}
