/* html_report.h - `cancelsim verify --html OUT.html`: one self-contained page
 * a CI system can publish (inline CSS, inline SVG from Graphviz, no script and
 * nothing fetched from the network), readable in light and dark mode:
 *
 *   - a summary (scenario runs passed, failed, skipped; files);
 *   - every failure first: what differs, a line diff of the expectation against
 *     the outcome (only the keys the expectation states), the explain chain of
 *     the failing run and its cancellation graph, the line that replays it;
 *   - then every scenario, collapsed by folder (<details>).
 *
 * A failing run is run again here (same backend, seed 0, as verify ran it) to
 * draw it; the verify result itself is never recomputed.
 */
#ifndef CS_HTML_REPORT_H
#define CS_HTML_REPORT_H

#include <stdio.h>

#include "verify_report.h"

/* Writes the page for the entries of r (before cs_report_finish frees them) to
 * `path`.  Returns 0, or -1 after printing why it could not write. */
int cs_html_report_write(const cs_report *r, const char *path);

/* The same page to an open stream. */
int cs_html_report_fwrite(const cs_report *r, FILE *f);

/* html_failure.c: one failure's section (diff, explain chain, graph). */
void cs__html_failure(FILE *f, const cs_report *r, const cs_report_entry *e, unsigned index);
/* Writes s with &, <, >, " escaped (and bytes below 0x20 but \n and \t dropped). */
void cs__html_text(FILE *f, const char *s);

#endif
