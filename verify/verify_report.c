/* verify_report.c - printing verify results (see verify_report.h). */
#include "verify_report.h"

#include <stdbool.h>
#include <stdint.h>
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

/* The length of the valid UTF-8 sequence at s that XML 1.0 allows (no
 * surrogates, no overlong forms, not U+FFFE/U+FFFF), or 0. */
static size_t cs__xml_utf8_len(const unsigned char *s)
{
    unsigned c = s[0];
    size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
    if (!n || c > 0xF4)
        return 0;
    uint32_t cp = c & (0xFF >> (n + 1));
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF) ||
        cp == 0xFFFE || cp == 0xFFFF)
        return 0;
    return n;
}

/* Writes s as XML character data, or as an attribute value (`attr`: line
 * breaks and tabs as character references, so that they survive attribute
 * normalisation).  What XML cannot hold (control characters, bytes that are
 * not UTF-8, e.g. in a file name) becomes U+FFFD. */
static void cs__xml_escape_as(FILE *f, const char *str, bool attr)
{
    const unsigned char *s = (const unsigned char *)str;
    while (s && *s) {
        unsigned char c = *s;
        size_t n = 1;
        switch (c) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs(attr ? "&quot;" : "\"", f); break;
        case '\n': fputs(attr ? "&#10;" : "\n", f); break;
        case '\t': fputs(attr ? "&#9;" : "\t", f); break;
        case '\r': fputs("&#13;", f); break;
        default:
            if (c < 0x20) {
                fputs("\xEF\xBF\xBD", f);
            } else if (c < 0x80) {
                fputc(c, f);
            } else if ((n = cs__xml_utf8_len(s)) != 0) {
                fwrite(s, 1, n, f);
            } else {
                fputs("\xEF\xBF\xBD", f);
                n = 1;
            }
        }
        s += n;
    }
}

static void cs__xml_escape(FILE *f, const char *s)
{
    cs__xml_escape_as(f, s, true);
}

/* A JUnit report (tests/schema/junit.xsd): one testsuite, one testcase per
 * scenario and backend; a failed expectation is a <failure>, a scenario that
 * could not run (bad file, scenario error at run time) an <error>, a skipped
 * backend <skipped>. */
static int cs__write_junit(const cs_report *r, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "cancelsim verify: cannot write %s\n", path);
        return -1;
    }
    size_t errors = 0;
    for (size_t i = 0; i < r->n; i++)
        errors += r->v[i].status == CS_REPORT_ERROR;
    size_t failures = r->fail - errors;
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f, "<testsuites name=\"cancelsim\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\">\n",
            r->n, failures, errors, r->skip);
    fprintf(f, "  <testsuite name=\"cancelsim verify\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\">\n",
            r->n, failures, errors, r->skip);
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
            const char *tag = e->status == CS_REPORT_ERROR ? "error" : "failure";
            fprintf(f, "      <%s message=\"", tag);
            cs__xml_escape(f, e->detail);
            fputs("\">", f);
            cs__xml_escape_as(f, e->detail, false);
            if (e->replay) {
                fputs("\nreproduce: ", f);
                cs__xml_escape_as(f, e->replay, false);
            }
            fprintf(f, "</%s>\n", tag);
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
