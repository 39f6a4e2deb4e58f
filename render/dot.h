/* dot.h - the cancellation graph of one run, as Graphviz DOT text.
 *
 * cs_dot_sink is a trace sink (trace.h): it records tasks, scopes,
 * cancellations and exception flow from the events alone, copying every string
 * it keeps and holding exceptions with cs_exc_ref, so the recorder outlives the
 * run and the program.  cs_dot_write then prints the graph:
 *
 *   - tasks are nodes whose colour and shape give the end state (completed,
 *     failed, cancelled, unfinished), labelled with spawn and end times, as
 *     people read them ("3.036 s"; the JSON outputs keep full precision);
 *   - every named scope is a node; one holding tasks (task groups) or other
 *     scopes is a cluster around them, nested as in the program (internal
 *     and anonymous scopes are skipped over); a scope a spawned task entered
 *     sits in that task's own cluster, under its node, one after the other in
 *     entry order; shielded scopes have a bold blue border;
 *   - instances of one statement (a count, a repeat, a function called again)
 *     that do not matter -- not cancelled, not failed, no edge -- fold into
 *     one node "NAME xN" with the span of their times;
 *   - edges: spawn (parent -> child), cancellation (cancelled scope -> each
 *     task it reached, with cause and time), exception (failing task -> task
 *     group that aggregated it -> ... -> the anyio.run() node); invisible
 *     edges rank each scope's node below the task that entered it;
 *   - a legend cluster listing only what the picture holds.
 *
 * Output is byte-stable: nodes and clusters in id order, edges in the order of
 * the events that made them, no pointer values, times printed exactly from
 * integer nanoseconds.
 */
#ifndef CS_DOT_H
#define CS_DOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "trace.h"

typedef struct cs_dot cs_dot;

/* A new, empty recorder; free with cs_dot_free. */
cs_dot *cs_dot_new(void);
void cs_dot_free(cs_dot *d);

/* The trace sink: `dot` is a cs_dot *. */
void cs_dot_sink(void *dot, const cs_event *ev);

/* Writes the graph to f.  Returns 0, or -1 when the stream reports an error. */
int cs_dot_write(const cs_dot *d, FILE *f);

/* The graph as a new NUL-terminated string (caller frees); *len (optional)
 * receives its length. */
char *cs_dot_to_string(const cs_dot *d, size_t *len);

/* The same, drawing only one task's story (`focus`, a task instance name, or
 * NULL for all): the task, its ancestors and scopes, and what an edge joins to
 * them.  True from cs_dot_has_task when such a task was spawned. */
int cs_dot_write_focus(const cs_dot *d, const char *focus, FILE *f);
char *cs_dot_to_string_focus(const cs_dot *d, const char *focus, size_t *len);
bool cs_dot_has_task(const cs_dot *d, const char *name);

/* gv.c: Graphviz through its libraries (no `dot` process). */

/* True when cgraph parses `text` (agmemread) into a graph. */
bool cs_gv_parses(const char *text);

/* Lays out `text` with the "dot" engine and renders it in `format` ("svg",
 * "png" or "pdf") to f.  Returns 0, or -1 with a message in err (cap bytes). */
int cs_gv_render(const char *text, const char *format, FILE *f, char *err, size_t cap);

#endif
