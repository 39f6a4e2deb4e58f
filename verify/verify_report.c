/* verify_report.c - printing verify results (see verify_report.h). */
#include "verify_report.h"

#include <stdlib.h>
#include <string.h>

#include "outcome.h"
#include "util.h"

void cs_report_init(cs_report *r, cs_report_style style, FILE *out)
{
    memset(r, 0, sizeof *r);
    r->style = style;
    r->out = out;
    if (style == CS_REPORT_TAP)
        fputs("TAP version 14\n", out);
}

static const char *cs__bname(const cs_report_entry *e)
{
    return e->status == CS_REPORT_ERROR && !e->replay ? "-" : cs_backend_name(e->backend);
}

void cs_report_add(cs_report *r, cs_report_entry *e)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 64;
        r->v = cs_xrealloc(r->v, r->cap * sizeof *r->v);
    }
    r->v[r->n++] = *e;
    if (e->status == CS_REPORT_PASS)
        r->pass++;
    else if (e->status == CS_REPORT_SKIP)
        r->skip++;
    else
        r->fail++;
    if (r->style == CS_REPORT_TAP) {
        const char *ok = e->status == CS_REPORT_PASS || e->status == CS_REPORT_SKIP ? "ok" : "not ok";
        fprintf(r->out, "%s %zu - %s [%s]", ok, r->n, e->file, cs__bname(e));
        if (e->status == CS_REPORT_SKIP)
            fprintf(r->out, " # SKIP %s", e->detail ? e->detail : "");
        fputc('\n', r->out);
        if (e->status == CS_REPORT_FAIL || e->status == CS_REPORT_ERROR) {
            fprintf(r->out, "  ---\n  message: \"%s\"\n", e->detail ? e->detail : "");
            if (e->replay)
                fprintf(r->out, "  replay: \"%s\"\n", e->replay);
            fputs("  ...\n", r->out);
        }
        return;
    }
    static const char *const tag[] = {"PASS", "FAIL", "SKIP", "ERROR"};
    fprintf(r->out, "%-5s %s [%s]\n", tag[e->status], e->file, cs__bname(e));
    if (e->status == CS_REPORT_FAIL || e->status == CS_REPORT_ERROR) {
        fprintf(r->out, "      %s\n", e->detail ? e->detail : "");
        if (e->replay)
            fprintf(r->out, "      reproduce: %s\n", e->replay);
    } else if (e->status == CS_REPORT_SKIP && e->detail) {
        fprintf(r->out, "      %s\n", e->detail);
    }
}

static void cs__xml_escape(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default:
            if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
                fputc('?', f);
            else
                fputc(*s, f);
        }
    }
}

static int cs__write_junit(const cs_report *r, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "cancelsim verify: cannot write %s\n", path);
        return -1;
    }
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f, "<testsuites name=\"cancelsim\" tests=\"%zu\" failures=\"%zu\" skipped=\"%zu\">\n", r->n, r->fail,
            r->skip);
    fprintf(f, "  <testsuite name=\"cancelsim verify\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\">\n",
            r->n, r->fail, r->skip);
    for (size_t i = 0; i < r->n; i++) {
        const cs_report_entry *e = &r->v[i];
        fputs("    <testcase classname=\"", f);
        cs__xml_escape(f, e->file);
        fputs("\" name=\"", f);
        cs__xml_escape(f, e->name);
        fprintf(f, " [%s]\"", cs__bname(e));
        if (e->status == CS_REPORT_PASS) {
            fputs("/>\n", f);
            continue;
        }
        fputs(">\n", f);
        if (e->status == CS_REPORT_SKIP) {
            fputs("      <skipped message=\"", f);
            cs__xml_escape(f, e->detail);
            fputs("\"/>\n", f);
        } else {
            fputs("      <failure message=\"", f);
            cs__xml_escape(f, e->detail);
            fputs("\">", f);
            cs__xml_escape(f, e->replay);
            fputs("</failure>\n", f);
        }
        fputs("    </testcase>\n", f);
    }
    fputs("  </testsuite>\n</testsuites>\n", f);
    return fclose(f) == 0 ? 0 : -1;
}

int cs_report_finish(cs_report *r, const char *junit_path)
{
    if (r->style == CS_REPORT_TAP)
        fprintf(r->out, "1..%zu\n", r->n);
    else
        fprintf(r->out, "verify: %zu passed, %zu failed, %zu skipped\n", r->pass, r->fail, r->skip);
    int rc = r->fail ? 1 : 0;
    if (junit_path && cs__write_junit(r, junit_path) != 0)
        rc = 2;
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].name);
        free(r->v[i].detail);
        free(r->v[i].replay);
    }
    free(r->v);
    return rc;
}
