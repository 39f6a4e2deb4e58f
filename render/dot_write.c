/* dot_write.c - prints what the DOT recorder kept as one Graphviz digraph.
 *
 * The text is built here, not through cgraph, so that it is byte-stable: the
 * order is clusters and nodes by id, then spawn and host edges by id, then
 * cancellation and exception edges in event order, then the legend.  Layout
 * hints: only spawn and host edges constrain ranks (the tree reads top-down);
 * cancellation and exception edges are drawn without constraining, so they
 * never reorder the tree they annotate.
 */
#define _GNU_SOURCE /* open_memstream on older glibc headers */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dot_internal.h"
#include "outcome.h"
#include "pyfloat.h"
#include "util.h"

#define CS__DOT_FONT "Helvetica"

/* Writes s as a DOT double-quoted string: quotes and backslashes escaped,
 * newlines as \n (a centred line break), other control bytes dropped. */
static void cs__q(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(f, "\\%c", *s);
        else if (*s == '\n')
            fputs("\\n", f);
        else if ((unsigned char)*s >= 0x20)
            fputc(*s, f);
    }
    fputc('"', f);
}

static void cs__node_id(FILE *f, cs__node n)
{
    if (n.kind == CS__NODE_TASK)
        fprintf(f, "t%d", n.id);
    else if (n.kind == CS__NODE_SCOPE)
        fprintf(f, "s%d", n.id);
    else
        fputs("run", f);
}

static const char *cs__kind_title(cs_scope_kind k)
{
    switch (k) {
    case CS_KIND_CANCEL_SCOPE: return "CancelScope";
    case CS_KIND_MOVE_ON: return "move_on_after";
    case CS_KIND_FAIL_AFTER: return "fail_after";
    case CS_KIND_TASK_GROUP: return "task group";
    case CS_KIND_INTERNAL: return "internal";
    }
    return "?";
}

static void cs__deadline(double x, char *buf, size_t cap)
{
    if (x == (double)INFINITY || x == -(double)INFINITY)
        snprintf(buf, cap, "%s", x > 0 ? "inf" : "-inf");
    else
        cs_format_number(x, buf, cap);
}

static void cs__task_node(const cs_dot *d, FILE *f, int32_t id)
{
    static const char *const styles[] = {
        [CS_TASK_COMPLETED] = "shape=box, style=\"rounded,filled\", fillcolor=\"#c8e6c9\", color=\"#2e7d32\"",
        [CS_TASK_FAILED] = "shape=octagon, margin=\"0.02,0.01\", style=filled, fillcolor=\"#ffcdd2\", color=\"#c62828\", penwidth=2",
        [CS_TASK_CANCELLED] = "shape=box, style=\"filled,dashed\", fillcolor=\"#ffe0b2\", color=\"#e65100\"",
        [CS_TASK_UNFINISHED] = "shape=box, style=\"filled,dotted\", fillcolor=\"#eeeeee\", color=\"#616161\"",
    };
    const cs__dot_task *k = &d->tasks[id];
    char t0[32], t1[32];
    cs__dot_fmt_time(k->spawn_t, t0, sizeof t0);
    cs__dot_fmt_time(k->end_t, t1, sizeof t1);
    char *label;
    if (!k->ended)
        label = cs_xasprintf("%s\nspawned %s\nunfinished", k->name, t0);
    else if (k->exc_text)
        label = cs_xasprintf("%s\nspawned %s, ended %s\nfailed:\n%s", k->name, t0, t1, k->exc_text);
    else
        label = cs_xasprintf("%s\nspawned %s, ended %s\n%s", k->name, t0, t1, cs_task_state_name(k->state));
    if (k->injected) {
        char *with = cs_xasprintf("%s\n%s", label, k->injected);
        free(label);
        label = with;
    }
    fprintf(f, "t%d [label=", id);
    cs__q(f, label);
    fprintf(f, ", %s];\n", styles[k->ended ? k->state : CS_TASK_UNFINISHED]);
    free(label);
}

/* The scope's own node: what it is, who entered it, when, and its flags. */
static void cs__scope_node(const cs_dot *d, FILE *f, int32_t id)
{
    const cs__dot_scope *s = &d->scopes[id];
    char t0[32], t1[32], dl[CS_PYFLOAT_BUFSIZE];
    cs__dot_fmt_time(s->enter_t, t0, sizeof t0);
    cs__dot_fmt_time(s->exit_t, t1, sizeof t1);
    cs__deadline(s->deadline, dl, sizeof dl);
    const char *host = s->host >= 0 && (size_t)s->host < d->ntasks && d->tasks[s->host].name
                           ? d->tasks[s->host].name : "?";
    char *label = cs_xasprintf("%s%s\nby %s, %s to %s%s%s\n%s%s%s%s%s", s->shield ? "[shield] " : "", s->name, host,
                               t0, s->exited ? t1 : "?", s->deadline == (double)INFINITY ? "" : ", deadline ",
                               s->deadline == (double)INFINITY ? "" : dl,
                               s->cancel_called ? "cancel_called" : "not cancelled",
                               s->cancelled_caught ? ", caught" : "", s->exited ? "" : " (open)",
                               s->raised ? "\nthen raised " : "", s->raised ? s->raised : "");
    fprintf(f, "s%d [label=", id);
    cs__q(f, label);
    free(label);
    if (s->shield)
        fputs(", shape=box, style=\"filled,bold\", peripheries=2, penwidth=2, color=\"#1565c0\", "
              "fillcolor=white, fontsize=10];\n", f);
    else
        fputs(", shape=box, style=filled, fillcolor=white, color=\"#757575\", fontsize=10];\n", f);
}

typedef struct cs__tree {
    int32_t *first_scope, *next_scope; /* child drawn scopes, by scope id */
    int32_t *first_task, *next_task;   /* tasks placed in a scope's cluster */
    int32_t top_scope, top_task;       /* lists at the top level */
} cs__tree;

/* Appends id to the list headed at *head (tails kept for id order). */
static void cs__append(int32_t *head, int32_t *next, int32_t *tail, int32_t id)
{
    next[id] = -1;
    if (*tail < 0)
        *head = id;
    else
        next[*tail] = id;
    *tail = id;
}

/* The drawn scope a task sits in: its group, else the group's drawn ancestor. */
static int32_t cs__task_home(const cs_dot *d, int32_t task)
{
    int32_t g = d->tasks[task].group;
    if (g < 0 || (size_t)g >= d->nscopes)
        return -1;
    return d->scopes[g].name ? g : d->scopes[g].drawn_parent;
}

static void cs__tree_build(const cs_dot *d, cs__tree *t)
{
    size_t ns = d->nscopes + 1, nt = d->ntasks + 1;
    t->first_scope = cs_xmalloc(ns * sizeof(int32_t));
    t->next_scope = cs_xmalloc(ns * sizeof(int32_t));
    t->first_task = cs_xmalloc(ns * sizeof(int32_t));
    t->next_task = cs_xmalloc(nt * sizeof(int32_t));
    int32_t *tail_s = cs_xmalloc(ns * sizeof(int32_t)), *tail_t = cs_xmalloc(ns * sizeof(int32_t));
    int32_t top_tail_s = -1, top_tail_t = -1;
    t->top_scope = t->top_task = -1;
    for (size_t i = 0; i < ns; i++)
        t->first_scope[i] = t->first_task[i] = tail_s[i] = tail_t[i] = -1;
    for (size_t i = 0; i < d->nscopes; i++) {
        const cs__dot_scope *s = &d->scopes[i];
        if (!s->name)
            continue;
        int32_t p = s->drawn_parent;
        if (p < 0)
            cs__append(&t->top_scope, t->next_scope, &top_tail_s, (int32_t)i);
        else
            cs__append(&t->first_scope[p], t->next_scope, &tail_s[p], (int32_t)i);
    }
    for (size_t i = 0; i < d->ntasks; i++) {
        if (!d->tasks[i].spawned)
            continue;
        int32_t h = cs__task_home(d, (int32_t)i);
        if (h < 0)
            cs__append(&t->top_task, t->next_task, &top_tail_t, (int32_t)i);
        else
            cs__append(&t->first_task[h], t->next_task, &tail_t[h], (int32_t)i);
    }
    free(tail_s);
    free(tail_t);
}

static void cs__tree_free(cs__tree *t)
{
    free(t->first_scope);
    free(t->next_scope);
    free(t->first_task);
    free(t->next_task);
}

static void cs__cluster(const cs_dot *d, const cs__tree *t, FILE *f, int32_t id, int depth)
{
    const cs__dot_scope *s = &d->scopes[id];
    fprintf(f, "%*ssubgraph cluster_s%d {\n", depth * 2, "", id);
    char *label = cs_xasprintf("%s %s%s", cs__kind_title(s->kind), s->name, s->shield ? " (shielded)" : "");
    fprintf(f, "%*slabel=", depth * 2 + 2, "");
    cs__q(f, label);
    free(label);
    /* Titles at the bottom: edges leave clusters upwards, and crossed them. */
    fputs("; labelloc=b", f);
    if (s->shield)
        fputs("; style=\"rounded,filled,bold\"; penwidth=3; color=\"#1565c0\"; fillcolor=\"#e3f2fd\";\n", f);
    else if (s->kind == CS_KIND_TASK_GROUP)
        fputs("; style=\"rounded,filled\"; color=\"#9e9e9e\"; fillcolor=\"#fafafa\";\n", f);
    else
        fputs("; style=\"rounded,dashed\"; color=\"#757575\";\n", f);
    fprintf(f, "%*s", depth * 2 + 2, "");
    cs__scope_node(d, f, id);
    for (int32_t k = t->first_task[id]; k >= 0; k = t->next_task[k]) {
        fprintf(f, "%*s", depth * 2 + 2, "");
        cs__task_node(d, f, k);
    }
    for (int32_t c = t->first_scope[id]; c >= 0; c = t->next_scope[c])
        cs__cluster(d, t, f, c, depth + 1);
    fprintf(f, "%*s}\n", depth * 2, "");
}

static void cs__run_node(const cs_dot *d, FILE *f)
{
    char te[32];
    cs__dot_fmt_time(d->end_t, te, sizeof te);
    char *label = cs_xasprintf("anyio.run()\n%s\nat %s", d->ended ? d->result_text : "did not end", te);
    fputs("run [label=", f);
    cs__q(f, label);
    free(label);
    if (d->ended && d->result == CS_RESULT_RAISED)
        fputs(", shape=box, style=\"rounded,filled,bold\", peripheries=2, fillcolor=\"#ffcdd2\", "
              "color=\"#c62828\"];\n", f);
    else if (d->ended && d->result == CS_RESULT_RETURNED)
        fputs(", shape=ellipse, style=filled, fillcolor=\"#c8e6c9\", color=\"#2e7d32\"];\n", f);
    else
        fputs(", shape=ellipse, style=filled, fillcolor=\"#eeeeee\", color=\"#616161\"];\n", f);
}

static void cs__tree_edges(const cs_dot *d, FILE *f)
{
    for (size_t i = 0; i < d->ntasks; i++) {
        const cs__dot_task *k = &d->tasks[i];
        if (k->spawned && k->parent >= 0)
            fprintf(f, "t%d -> t%zu [color=\"#424242\", weight=2];\n", k->parent, i);
    }
    for (size_t i = 0; i < d->nscopes; i++) {
        const cs__dot_scope *s = &d->scopes[i];
        if (s->name && s->host >= 0)
            fprintf(f, "t%d -> s%zu [style=invis];\n", s->host, i);
        /* Invisible edges only rank: a scope's node sits below the task that
         * entered it (its label names that task; a drawn line crossed the
         * cluster labels) and above what it contains. */
        if (s->name && s->drawn_parent >= 0)
            fprintf(f, "s%d -> s%zu [style=invis];\n", s->drawn_parent, i);
    }
    for (size_t i = 0; i < d->ntasks; i++) {
        int32_t h = d->tasks[i].spawned ? cs__task_home(d, (int32_t)i) : -1;
        if (h >= 0)
            fprintf(f, "s%d -> t%zu [style=invis];\n", h, i);
    }
    fputs("run -> t0 [style=invis];\n", f); /* the run node sits above main */
}

static void cs__event_edges(const cs_dot *d, FILE *f)
{
    for (size_t i = 0; i < d->nedges; i++) {
        const cs__dot_edge *e = &d->edges[i];
        cs__node_id(f, e->from);
        fputs(" -> ", f);
        cs__node_id(f, e->to);
        /* The run node spells out what was raised; repeating it on the edge
         * only widened the picture. */
        char *label = e->to.kind == CS__NODE_RUN ? cs_xstrdup("raised")
                      : e->count > 1             ? cs_xasprintf("%s (x%u)", e->label, e->count)
                                                 : cs_xstrdup(e->label);
        fputs(" [label=", f);
        cs__q(f, label);
        free(label);
        if (e->kind == CS__EDGE_CANCEL)
            fputs(", color=\"#e65100\", fontcolor=\"#e65100\", penwidth=1.5, constraint=false];\n", f);
        else
            fputs(", color=\"#c62828\", fontcolor=\"#c62828\", style=bold, constraint=false];\n", f);
    }
}

/* The legend is one HTML-like table node: a key drawn with real nodes and
 * edges takes more room than the graph it explains. */
static void cs__legend(FILE *f)
{
    fputs("subgraph cluster_legend {\n"
          "  label=\"legend\"; style=rounded; color=\"#bdbdbd\"; fontsize=10;\n"
          "  legend [shape=plaintext, fontsize=9, label=<<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"4\" "
          "CELLPADDING=\"3\">\n"
          "<TR><TD BGCOLOR=\"#c8e6c9\" COLOR=\"#2e7d32\" STYLE=\"rounded\">completed</TD>"
          "<TD BGCOLOR=\"#ffcdd2\" COLOR=\"#c62828\">failed (octagon)</TD>"
          "<TD BGCOLOR=\"#ffe0b2\" COLOR=\"#e65100\" STYLE=\"dashed\">cancelled</TD>"
          "<TD BGCOLOR=\"#eeeeee\" COLOR=\"#616161\" STYLE=\"dotted\">unfinished</TD></TR>\n"
          "<TR><TD COLOR=\"#757575\">scope</TD>"
          "<TD COLOR=\"#1565c0\" BORDER=\"3\">[shield] scope</TD>"
          "<TD BGCOLOR=\"#fafafa\" COLOR=\"#9e9e9e\" STYLE=\"rounded\">task group</TD>"
          "<TD BGCOLOR=\"#e3f2fd\" COLOR=\"#1565c0\" BORDER=\"3\" STYLE=\"rounded\">shielded</TD></TR>\n"
          "<TR><TD BORDER=\"0\"><FONT COLOR=\"#424242\">&#8594; spawn</FONT></TD>"
          "<TD BORDER=\"0\"><FONT COLOR=\"#e65100\">&#8594; cancel: cause @t</FONT></TD>"
          "<TD BORDER=\"0\"><FONT COLOR=\"#c62828\"><B>&#8594; exception</B></FONT></TD>"
          "<TD BORDER=\"0\">(xN): N deliveries</TD></TR>\n"
          "</TABLE>>];\n"
          "}\n",
          f);
}

int cs_dot_write(const cs_dot *d, FILE *f)
{
    char *title = cs_xasprintf("%s (%s, seed %llu)", d->scenario ? d->scenario : "?",
                               cs_backend_name(d->backend), (unsigned long long)d->seed);
    fputs("digraph cancelsim {\n", f);
    fputs("graph [label=", f);
    cs__q(f, title);
    free(title);
    fputs(", labelloc=t, fontname=\"" CS__DOT_FONT "\", fontsize=14, compound=true, nodesep=0.35, "
          "ranksep=0.55];\n",
          f);
    fputs("node [fontname=\"" CS__DOT_FONT "\", fontsize=11];\n", f);
    fputs("edge [fontname=\"" CS__DOT_FONT "\", fontsize=9];\n", f);
    cs__tree t;
    cs__tree_build(d, &t);
    for (int32_t k = t.top_task; k >= 0; k = t.next_task[k])
        cs__task_node(d, f, k);
    for (int32_t s = t.top_scope; s >= 0; s = t.next_scope[s])
        cs__cluster(d, &t, f, s, 0);
    cs__tree_free(&t);
    cs__run_node(d, f);
    cs__tree_edges(d, f);
    cs__event_edges(d, f);
    cs__legend(f);
    fputs("}\n", f);
    return ferror(f) ? -1 : 0;
}

char *cs_dot_to_string(const cs_dot *d, size_t *len)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    if (!f) {
        fprintf(stderr, "cancelsim: out of memory\n");
        abort();
    }
    cs_dot_write(d, f);
    fclose(f);
    if (len)
        *len = n;
    return buf;
}
