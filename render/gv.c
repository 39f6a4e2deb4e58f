/* gv.c - Graphviz through its libraries: cgraph parses our DOT text back
 * (validation) and gvc lays it out and renders SVG or PNG, in process.
 *
 * The DOT text itself is written by dot_write.c, never through cgraph, so its
 * bytes are ours to keep stable; Graphviz only reads it.
 *
 * One gvc context serves the whole process and is never freed: Graphviz
 * 2.43's pango plugin caches a pointer to the last font name it measured, and
 * that name dies with the context (gvFreeContext), so a second context reads
 * freed memory (AddressSanitizer: heap-use-after-free in textspan_size).  A
 * context held in a static stays reachable, so LeakSanitizer does not count
 * it; each call still frees its own layout and graph.
 */
#include <gvc.h>
#include <stdio.h>
#include <string.h>

#include "dot.h"

bool cs_gv_parses(const char *text)
{
    /* A validator answers; it does not print cgraph's syntax errors. */
    agerrlevel_t old = agseterr(AGMAX);
    Agraph_t *g = agmemread(text);
    agseterr(old);
    if (!g)
        return false;
    agclose(g);
    return true;
}

static int cs__gv_fail(char *err, size_t cap, const char *msg)
{
    if (cap)
        snprintf(err, cap, "%s", msg);
    return -1;
}

int cs_gv_render(const char *text, const char *format, FILE *f, char *err, size_t cap)
{
    if (strcmp(format, "svg") != 0 && strcmp(format, "png") != 0 && strcmp(format, "pdf") != 0)
        return cs__gv_fail(err, cap, "format must be svg, png or pdf");
    static GVC_t *gvc;
    if (!gvc && !(gvc = gvContext()))
        return cs__gv_fail(err, cap, "cannot create a Graphviz context");
    int rc = 0;
    Agraph_t *g = agmemread(text);
    if (!g)
        return cs__gv_fail(err, cap, "Graphviz could not parse the graph");
    if (gvLayout(gvc, g, "dot") != 0) {
        rc = cs__gv_fail(err, cap, "Graphviz layout \"dot\" failed (is the dot layout plugin installed?)");
        goto close;
    }
    if (gvRender(gvc, g, format, f) != 0)
        rc = cs__gv_fail(err, cap, "Graphviz could not render this format (is its plugin installed?)");
    gvFreeLayout(gvc, g);
close:
    agclose(g);
    return rc;
}
