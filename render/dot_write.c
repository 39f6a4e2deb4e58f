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
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dot_internal.h"
#include "humantime.h"
#include "outcome.h"
#include "pyfloat.h"
#include "text.h"
#include "util.h"

#define CS__DOT_FONT "Helvetica"

/* Writes s as a DOT double-quoted string: quotes and backslashes escaped,
 * newlines as \n (a centred line break), other control bytes dropped, a NUL
 * kept in text (text.h) shown as \0. */
static void cs__q(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (cs_text_nul_at(s)) {
            fputs("\\\\0", f);
            s++;
        } else if (*s == '"' || *s == '\\')
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

/* What the picture holds, for a legend that lists only that. */
typedef struct cs__seen {
    bool state[4], scope, shield_scope, group, shielded, folded, spawn, cancel, exc, counted, task_cluster, native;
} cs__seen;

/* Per folded representative: the span of its members' times. */
typedef struct cs__span {
    int64_t t0, t1;
    double dl0, dl1;
} cs__span;

typedef struct cs__w {
    const cs_dot *d;
    const cs__dot_layout *L;
    FILE *f;
    cs__seen seen;
    cs__span *tspan, *sspan;
    /* containers: scope s is s, task k's own cluster is nscopes + k, the top is nscopes + ntasks */
    int32_t *first_task, *next_task, *first_scope, *next_scope;
} cs__w;

static void cs__ht(int64_t ns, char *buf, size_t cap)
{
    cs_human_ns(ns, buf, cap);
}

/* "job[0]" -> "job[...]" ; "db_timeout#3" -> "db_timeout": the statement's
 * name for a folded node (new string). */
static char *cs__base_name(const char *name)
{
    size_t n = strcspn(name, "#[");
    if (name[n] == '[')
        return cs_xasprintf("%.*s[...]", (int)n, name);
    return cs_xasprintf("%.*s", (int)n, name);
}

static void cs__task_node(cs__w *w, int32_t id)
{
    static const char *const styles[] = {
        [CS_TASK_COMPLETED] = "shape=box, style=\"rounded,filled\", fillcolor=\"#c8e6c9\", color=\"#2e7d32\"",
        [CS_TASK_FAILED] =
            "shape=octagon, margin=\"0.02,0.01\", style=filled, fillcolor=\"#ffcdd2\", color=\"#c62828\", penwidth=2",
        [CS_TASK_CANCELLED] = "shape=box, style=\"filled,dashed\", fillcolor=\"#ffe0b2\", color=\"#e65100\"",
        [CS_TASK_UNFINISHED] = "shape=box, style=\"filled,dotted\", fillcolor=\"#eeeeee\", color=\"#616161\"",
    };
    const cs__dot_task *k = &w->d->tasks[id];
    char t0[CS_HUMANTIME_BUFSIZE], t1[CS_HUMANTIME_BUFSIZE];
    cs__ht(k->spawn_t, t0, sizeof t0);
    cs__ht(k->end_t, t1, sizeof t1);
    char *label;
    uint32_t folds = w->L->task_folds[id];
    if (w->L->task_rep[id] == id && folds >= 2) {
        char a[CS_HUMANTIME_BUFSIZE], b[CS_HUMANTIME_BUFSIZE], *base = cs__base_name(k->name);
        cs__ht(w->tspan[id].t0, a, sizeof a);
        cs__ht(w->tspan[id].t1, b, sizeof b);
        label = cs_xasprintf("%s x%u\nspawned at %u:%u, %u completed\nended %s to %s", base, folds, k->pos.line,
                             k->pos.col, folds, a, b);
        free(base);
        w->seen.folded = true;
    } else if (!k->ended) {
        label = cs_xasprintf("%s\nspawned %s\nunfinished", k->name, t0);
    } else if (k->exc_text) {
        label = cs_xasprintf("%s\nspawned %s, ended %s\nfailed:\n%s", k->name, t0, t1, k->exc_text);
    } else {
        label = cs_xasprintf("%s\nspawned %s, ended %s\n%s", k->name, t0, t1, cs_task_state_name(k->state));
    }
    if (k->injected) {
        char *with = cs_xasprintf("%s\n%s", label, k->injected);
        free(label);
        label = with;
    }
    cs_task_state st = k->ended ? k->state : CS_TASK_UNFINISHED;
    w->seen.state[st] = true;
    fprintf(w->f, "t%d [label=", id);
    cs__q(w->f, label);
    /* a native asyncio task (asyncio.create_task: spawned by a task, in no
     * group): the shape and colours of its end, a double outline */
    bool native = k->parent >= 0 && k->group < 0;
    w->seen.native |= native;
    fprintf(w->f, ", %s%s];\n", styles[st], native ? ", peripheries=2" : "");
    free(label);
}

/* The second line of a scope's label: who entered it, when, its deadline. */
static char *cs__scope_when(const cs__w *w, int32_t id)
{
    const cs__dot_scope *s = &w->d->scopes[id];
    char t0[CS_HUMANTIME_BUFSIZE], t1[CS_HUMANTIME_BUFSIZE], dl[CS_HUMANTIME_BUFSIZE];
    const char *host =
        s->host >= 0 && (size_t)s->host < w->d->ntasks && w->d->tasks[s->host].name ? w->d->tasks[s->host].name : "?";
    if (w->L->scope_folds[id] >= 2 && w->L->scope_rep[id] == id) {
        const cs__span *sp = &w->sspan[id];
        cs__ht(sp->t0, t0, sizeof t0);
        cs__ht(sp->t1, t1, sizeof t1);
        char d0[CS_HUMANTIME_BUFSIZE], d1[CS_HUMANTIME_BUFSIZE];
        cs_human_seconds(sp->dl0, d0, sizeof d0);
        cs_human_seconds(sp->dl1, d1, sizeof d1);
        if (sp->dl0 == (double)INFINITY)
            return cs_xasprintf("by %s, %s to %s", host, t0, t1);
        if (sp->dl0 == sp->dl1)
            return cs_xasprintf("by %s, %s to %s, deadline %s", host, t0, t1, d0);
        return cs_xasprintf("by %s, %s to %s\ndeadlines %s to %s", host, t0, t1, d0, d1);
    }
    cs__ht(s->enter_t, t0, sizeof t0);
    cs__ht(s->exit_t, t1, sizeof t1);
    cs_human_seconds(s->deadline, dl, sizeof dl);
    return cs_xasprintf("by %s, %s to %s%s%s", host, t0, s->exited ? t1 : "?",
                        s->deadline == (double)INFINITY ? "" : ", deadline ",
                        s->deadline == (double)INFINITY ? "" : dl);
}

/* The scope's own node: what it is, who entered it, when, and its flags. */
static void cs__scope_node(cs__w *w, int32_t id)
{
    const cs__dot_scope *s = &w->d->scopes[id];
    char *when = cs__scope_when(w, id);
    uint32_t folds = w->L->scope_rep[id] == id ? w->L->scope_folds[id] : 1;
    char *label;
    if (folds >= 2) {
        char *base = cs__base_name(s->name);
        label = cs_xasprintf("%s%s %s x%u\n%s\nnone cancelled", s->shield ? "[shield] " : "", cs__kind_title(s->kind),
                             base, folds, when);
        free(base);
        w->seen.folded = true;
    } else {
        label = cs_xasprintf("%s%s %s\n%s\n%s%s%s%s%s%s%s", s->shield ? "[shield] " : "", cs__kind_title(s->kind),
                             s->name, when, s->cancel_called ? "cancel_called" : "not cancelled",
                             s->cancelled_caught ? ", caught" : "", s->exited ? "" : " (open)",
                             s->raised ? "\nthen raised " : "", s->raised ? s->raised : "",
                             s->gen ? "\nin generator " : "", s->gen ? s->gen : "");
    }
    free(when);
    fprintf(w->f, "s%d [label=", id);
    cs__q(w->f, label);
    free(label);
    if (s->shield) {
        w->seen.shield_scope = true;
        fputs(", shape=box, style=\"filled,bold\", peripheries=2, penwidth=2, color=\"#1565c0\", "
              "fillcolor=white, fontsize=10];\n",
              w->f);
    } else {
        w->seen.scope = true;
        fputs(", shape=box, style=filled, fillcolor=white, color=\"#757575\", fontsize=10];\n", w->f);
    }
}

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

static bool cs__task_drawn(const cs__w *w, size_t i)
{
    return w->L->show_task[i] && (w->L->task_rep[i] < 0 || w->L->task_rep[i] == (int32_t)i);
}

static bool cs__scope_drawn(const cs__w *w, size_t i)
{
    return w->d->scopes[i].name && w->L->show_scope[i] && (w->L->scope_rep[i] < 0 || w->L->scope_rep[i] == (int32_t)i);
}

static size_t cs__scope_container(const cs__w *w, int32_t home)
{
    size_t top = w->d->nscopes + w->d->ntasks;
    return home == -1 ? top : home >= 0 ? (size_t)home : w->d->nscopes + (size_t)(-home - 2);
}

/* The spans of folded members' times. */
static void cs__spans(cs__w *w)
{
    const cs_dot *d = w->d;
    w->tspan = cs_xcalloc(d->ntasks + 1, sizeof *w->tspan);
    w->sspan = cs_xcalloc(d->nscopes + 1, sizeof *w->sspan);
    for (size_t i = 0; i < d->ntasks; i++) {
        int32_t r = w->L->task_rep[i];
        if (r < 0)
            continue;
        cs__span *sp = &w->tspan[r];
        if (r == (int32_t)i || d->tasks[i].end_t < sp->t0)
            sp->t0 = r == (int32_t)i ? d->tasks[i].end_t : d->tasks[i].end_t;
        if (r == (int32_t)i || d->tasks[i].end_t > sp->t1)
            sp->t1 = d->tasks[i].end_t;
    }
    for (size_t i = 0; i < d->nscopes; i++) {
        int32_t r = w->L->scope_rep[i];
        if (r < 0)
            continue;
        cs__span *sp = &w->sspan[r];
        const cs__dot_scope *s = &d->scopes[i];
        bool first = r == (int32_t)i;
        if (first || s->enter_t < sp->t0)
            sp->t0 = s->enter_t;
        if (first || s->exit_t > sp->t1)
            sp->t1 = s->exit_t;
        if (first || s->deadline < sp->dl0)
            sp->dl0 = s->deadline;
        if (first || s->deadline > sp->dl1)
            sp->dl1 = s->deadline;
    }
}

static void cs__lists(cs__w *w)
{
    const cs_dot *d = w->d;
    size_t nc = d->nscopes + d->ntasks + 1;
    w->first_task = cs_xmalloc(nc * sizeof(int32_t));
    w->first_scope = cs_xmalloc(nc * sizeof(int32_t));
    w->next_task = cs_xmalloc((d->ntasks + 1) * sizeof(int32_t));
    w->next_scope = cs_xmalloc((d->nscopes + 1) * sizeof(int32_t));
    int32_t *tail_t = cs_xmalloc(nc * sizeof(int32_t)), *tail_s = cs_xmalloc(nc * sizeof(int32_t));
    for (size_t i = 0; i < nc; i++)
        w->first_task[i] = w->first_scope[i] = tail_t[i] = tail_s[i] = -1;
    size_t top = d->nscopes + d->ntasks;
    for (size_t i = 0; i < d->ntasks; i++) {
        if (!cs__task_drawn(w, i))
            continue;
        int32_t h = w->L->task_home[i];
        size_t c = h < 0 ? top : (size_t)h;
        cs__append(&w->first_task[c], w->next_task, &tail_t[c], (int32_t)i);
    }
    for (size_t i = 0; i < d->nscopes; i++) {
        if (!cs__scope_drawn(w, i))
            continue;
        size_t c = cs__scope_container(w, w->L->scope_home[i]);
        cs__append(&w->first_scope[c], w->next_scope, &tail_s[c], (int32_t)i);
    }
    free(tail_t);
    free(tail_s);
}

static void cs__lists_free(cs__w *w)
{
    free(w->first_task);
    free(w->next_task);
    free(w->first_scope);
    free(w->next_scope);
    free(w->tspan);
    free(w->sspan);
}

static void cs__container(cs__w *w, size_t c, int depth);

/* A scope with nothing drawn inside is its node alone; else a cluster. */
static void cs__scope_item(cs__w *w, int32_t id, int depth)
{
    const cs__dot_scope *s = &w->d->scopes[id];
    FILE *f = w->f;
    if (w->first_task[id] < 0 && w->first_scope[id] < 0) {
        fprintf(f, "%*s", depth * 2, "");
        cs__scope_node(w, id);
        return;
    }
    fprintf(f, "%*ssubgraph cluster_s%d {\n", depth * 2, "", id);
    char *label = cs_xasprintf("%s %s%s", cs__kind_title(s->kind), s->name, s->shield ? " (shielded)" : "");
    fprintf(f, "%*slabel=", depth * 2 + 2, "");
    cs__q(f, label);
    free(label);
    /* Titles at the bottom: edges leave clusters upwards, and crossed them. */
    fputs("; labelloc=b", f);
    if (s->shield) {
        w->seen.shielded = true;
        fputs("; style=\"rounded,filled,bold\"; penwidth=3; color=\"#1565c0\"; fillcolor=\"#e3f2fd\";\n", f);
    } else if (s->kind == CS_KIND_TASK_GROUP) {
        w->seen.group = true;
        fputs("; style=\"rounded,filled\"; color=\"#9e9e9e\"; fillcolor=\"#fafafa\";\n", f);
    } else {
        fputs("; style=\"rounded,dashed\"; color=\"#757575\";\n", f);
    }
    fprintf(f, "%*s", depth * 2 + 2, "");
    cs__scope_node(w, id);
    cs__container(w, (size_t)id, depth + 1);
    fprintf(f, "%*s}\n", depth * 2, "");
}

/* A task that entered drawn scopes is a cluster: its node above its scopes. */
static void cs__task_item(cs__w *w, int32_t id, int depth)
{
    FILE *f = w->f;
    if (!w->L->task_cluster[id]) {
        fprintf(f, "%*s", depth * 2, "");
        cs__task_node(w, id);
        return;
    }
    w->seen.task_cluster = true;
    fprintf(f, "%*ssubgraph cluster_t%d {\n", depth * 2, "", id);
    fprintf(f, "%*slabel=\"\"; style=\"rounded\"; color=\"#cfd8dc\";\n", depth * 2 + 2, "");
    fprintf(f, "%*s", depth * 2 + 2, "");
    cs__task_node(w, id);
    cs__container(w, w->d->nscopes + (size_t)id, depth + 1);
    fprintf(f, "%*s}\n", depth * 2, "");
}

static void cs__container(cs__w *w, size_t c, int depth)
{
    for (int32_t k = w->first_task[c]; k >= 0; k = w->next_task[k])
        cs__task_item(w, k, depth);
    for (int32_t s = w->first_scope[c]; s >= 0; s = w->next_scope[s])
        cs__scope_item(w, s, depth);
}

static void cs__run_node(const cs_dot *d, FILE *f)
{
    char te[CS_HUMANTIME_BUFSIZE];
    cs__ht(d->end_t, te, sizeof te);
    char *label = cs_xasprintf("anyio.run()\n%s\nat %s", d->ended ? d->result_text : "did not end", te);
    fputs("run [label=", f);
    cs__q(f, label);
    free(label);
    if (d->ended && d->result == CS_RESULT_RAISED)
        fputs(", shape=box, style=\"rounded,filled,bold\", peripheries=2, fillcolor=\"#ffcdd2\", "
              "color=\"#c62828\"];\n",
              f);
    else if (d->ended && d->result == CS_RESULT_RETURNED)
        fputs(", shape=ellipse, style=filled, fillcolor=\"#c8e6c9\", color=\"#2e7d32\"];\n", f);
    else
        fputs(", shape=ellipse, style=filled, fillcolor=\"#eeeeee\", color=\"#616161\"];\n", f);
}

/* Ranking edges: spawn edges (drawn), and invisible ones that put a scope
 * below the task that entered it and below its drawn parent, a task below
 * its group's node, and a task's scopes one under the other in entry order
 * (a worker's hundred timeouts stack instead of widening the picture). */
static void cs__tree_edges(cs__w *w)
{
    const cs_dot *d = w->d;
    FILE *f = w->f;
    for (size_t i = 0; i < d->ntasks; i++) {
        const cs__dot_task *k = &d->tasks[i];
        if (cs__task_drawn(w, i) && k->parent >= 0 && w->L->show_task[k->parent]) {
            fprintf(f, "t%d -> t%zu [color=\"#424242\", weight=2];\n", k->parent, i);
            w->seen.spawn = true;
        }
    }
    for (size_t i = 0; i < d->nscopes; i++) {
        const cs__dot_scope *s = &d->scopes[i];
        if (!cs__scope_drawn(w, i))
            continue;
        if (s->host >= 0 && (size_t)s->host < d->ntasks && cs__task_drawn(w, (size_t)s->host))
            fprintf(f, "t%d -> s%zu [style=invis];\n", s->host, i);
        if (w->L->scope_home[i] >= 0)
            fprintf(f, "s%d -> s%zu [style=invis];\n", w->L->scope_home[i], i);
        int32_t nx = w->next_scope[i];
        if (nx >= 0 && d->scopes[nx].host == s->host && w->first_task[i] < 0 && w->first_scope[i] < 0)
            fprintf(f, "s%zu -> s%d [style=invis];\n", i, nx);
    }
    for (size_t i = 0; i < d->ntasks; i++) {
        int32_t h = cs__task_drawn(w, i) ? w->L->task_home[i] : -1;
        if (h >= 0)
            fprintf(f, "s%d -> t%zu [style=invis];\n", h, i);
    }
    if (d->ntasks && w->L->show_task[0])
        fputs("run -> t0 [style=invis];\n", f); /* the run node sits above main */
}

static bool cs__node_shown(const cs__w *w, cs__node n)
{
    if (n.kind == CS__NODE_TASK)
        return (size_t)n.id < w->d->ntasks && cs__task_drawn(w, (size_t)n.id);
    if (n.kind == CS__NODE_SCOPE)
        return (size_t)n.id < w->d->nscopes && cs__scope_drawn(w, (size_t)n.id);
    return true;
}

static void cs__event_edges(cs__w *w)
{
    FILE *f = w->f;
    for (size_t i = 0; i < w->d->nedges; i++) {
        const cs__dot_edge *e = &w->d->edges[i];
        if (!cs__node_shown(w, e->from) || !cs__node_shown(w, e->to))
            continue;
        cs__node_id(f, e->from);
        fputs(" -> ", f);
        cs__node_id(f, e->to);
        /* The run node spells out what was raised; repeating it on the edge
         * only widened the picture. */
        char *label = e->to.kind == CS__NODE_RUN ? cs_xstrdup("raised")
                      : e->count > 1             ? cs_xasprintf("%s (x%u)", e->label, e->count)
                                                 : cs_xstrdup(e->label);
        w->seen.counted |= e->count > 1 && e->to.kind != CS__NODE_RUN;
        fputs(" [label=", f);
        cs__q(f, label);
        free(label);
        if (e->kind == CS__EDGE_CANCEL) {
            w->seen.cancel = true;
            fputs(", color=\"#e65100\", fontcolor=\"#e65100\", penwidth=1.5, constraint=false];\n", f);
        } else {
            w->seen.exc = true;
            fputs(", color=\"#c62828\", fontcolor=\"#c62828\", style=bold, constraint=false];\n", f);
        }
    }
}

/* The legend is one HTML-like table node listing only what the picture
 * holds: a key drawn with real nodes and edges took more room than the graph
 * it explains, and a full key for a three-node graph was mostly noise. */
static void cs__legend(const cs__seen *s, FILE *f)
{
    static const struct {
        size_t off;
        const char *cell;
    } cells[] = {
#define CS__SEEN(field) offsetof(cs__seen, field)
        {CS__SEEN(state[CS_TASK_COMPLETED]),
         "<TD BGCOLOR=\"#c8e6c9\" COLOR=\"#2e7d32\" STYLE=\"rounded\">completed</TD>"},
        {CS__SEEN(state[CS_TASK_FAILED]), "<TD BGCOLOR=\"#ffcdd2\" COLOR=\"#c62828\">failed (octagon)</TD>"},
        {CS__SEEN(state[CS_TASK_CANCELLED]),
         "<TD BGCOLOR=\"#ffe0b2\" COLOR=\"#e65100\" STYLE=\"dashed\">cancelled</TD>"},
        {CS__SEEN(state[CS_TASK_UNFINISHED]),
         "<TD BGCOLOR=\"#eeeeee\" COLOR=\"#616161\" STYLE=\"dotted\">unfinished</TD>"},
        {CS__SEEN(scope), "<TD COLOR=\"#757575\">scope</TD>"},
        {CS__SEEN(shield_scope), "<TD COLOR=\"#1565c0\" BORDER=\"3\">[shield] scope</TD>"},
        {CS__SEEN(group), "<TD BGCOLOR=\"#fafafa\" COLOR=\"#9e9e9e\" STYLE=\"rounded\">task group</TD>"},
        {CS__SEEN(shielded), "<TD BGCOLOR=\"#e3f2fd\" COLOR=\"#1565c0\" BORDER=\"3\" STYLE=\"rounded\">shielded</TD>"},
        {CS__SEEN(task_cluster), "<TD COLOR=\"#cfd8dc\" STYLE=\"rounded\">a task and its scopes</TD>"},
        {CS__SEEN(native), "<TD BORDER=\"3\">native asyncio task (double outline: asyncio.create_task, no task group)</TD>"},
        {CS__SEEN(folded), "<TD BORDER=\"0\">xN: N instances of one statement</TD>"},
        {CS__SEEN(spawn), "<TD BORDER=\"0\"><FONT COLOR=\"#424242\">&#8594; spawn</FONT></TD>"},
        {CS__SEEN(cancel), "<TD BORDER=\"0\"><FONT COLOR=\"#e65100\">&#8594; cancel: by whom @t</FONT></TD>"},
        {CS__SEEN(exc), "<TD BORDER=\"0\"><FONT COLOR=\"#c62828\"><B>&#8594; exception</B></FONT></TD>"},
        {CS__SEEN(counted), "<TD BORDER=\"0\">(xN): N deliveries</TD>"},
#undef CS__SEEN
    };
    fputs("subgraph cluster_legend {\n"
          "  label=\"legend\"; style=rounded; color=\"#bdbdbd\"; fontsize=10;\n"
          "  legend [shape=plaintext, fontsize=9, label=<<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"4\" "
          "CELLPADDING=\"3\">\n",
          f);
    unsigned n = 0;
    for (size_t i = 0; i < sizeof cells / sizeof *cells; i++) {
        if (!*((const bool *)((const char *)s + cells[i].off)))
            continue;
        fputs(n % 4 == 0 ? "<TR>" : "", f);
        fputs(cells[i].cell, f);
        fputs(++n % 4 == 0 ? "</TR>\n" : "", f);
    }
    if (n % 4)
        fputs("</TR>\n", f);
    if (!n)
        fputs("<TR><TD BORDER=\"0\">(empty)</TD></TR>\n", f);
    fputs("</TABLE>>];\n"
          "}\n",
          f);
}

int cs_dot_write_focus(const cs_dot *d, const char *focus, FILE *f)
{
    char *title = cs_xasprintf("%s (%s, seed %llu)%s%s", d->scenario ? d->scenario : "?", cs_backend_name(d->backend),
                               (unsigned long long)d->seed, focus ? ", focus " : "", focus ? focus : "");
    fputs("digraph cancelsim {\n", f);
    fputs("graph [label=", f);
    cs__q(f, title);
    free(title);
    fputs(", labelloc=t, fontname=\"" CS__DOT_FONT "\", fontsize=14, compound=true, nodesep=0.35, "
          "ranksep=0.55];\n",
          f);
    fputs("node [fontname=\"" CS__DOT_FONT "\", fontsize=11];\n", f);
    fputs("edge [fontname=\"" CS__DOT_FONT "\", fontsize=9];\n", f);
    cs__dot_layout L;
    cs__dot_layout_build(d, focus, &L);
    cs__w w = {.d = d, .L = &L, .f = f};
    cs__spans(&w);
    cs__lists(&w);
    cs__container(&w, d->nscopes + d->ntasks, 0);
    cs__run_node(d, f);
    cs__tree_edges(&w);
    cs__event_edges(&w);
    cs__legend(&w.seen, f);
    fputs("}\n", f);
    cs__lists_free(&w);
    cs__dot_layout_free(&L);
    return ferror(f) ? -1 : 0;
}

int cs_dot_write(const cs_dot *d, FILE *f)
{
    return cs_dot_write_focus(d, NULL, f);
}

char *cs_dot_to_string(const cs_dot *d, size_t *len)
{
    return cs_dot_to_string_focus(d, NULL, len);
}

char *cs_dot_to_string_focus(const cs_dot *d, const char *focus, size_t *len)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    if (!f) {
        fprintf(stderr, "cancelsim: out of memory\n");
        abort();
    }
    cs_dot_write_focus(d, focus, f);
    fclose(f);
    if (len)
        *len = n;
    return buf;
}
