/* junit_out.c - writing verify results as JUnit XML (see junit_out.h).
 *
 * The layout, for tools that each read a little of it: <testsuites> with the
 * totals; one <testsuite> per folder (name and `file` the folder, in the
 * order the folders are first reached); one <testcase> per scenario and
 * backend, `classname` the file's path dotted (so Jenkins groups by folder
 * and shows the file, not "json"), `name` the scenario's name and backend,
 * `time` in seconds.  A failed expectation is a <failure> whose text is the
 * difference and the command that reproduces it, a scenario that could not
 * run an <error>, a backend not modelled <skipped>.  junit-10.xsd has no
 * `skipped` on <testsuites> and no `file` on <testcase>: the folder's `file`
 * is on its <testsuite>, and the file itself is in the classname and in the
 * reproduce line. */
#include "junit_out.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "outcome.h"
#include "util.h"

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

char *cs_junit_classname(const char *file)
{
    while (*file == '/' || (file[0] == '.' && file[1] == '/'))
        file += *file == '/' ? 1 : 2;
    size_t n = strlen(file);
    if (n > 5 && strcmp(file + n - 5, ".json") == 0)
        n -= 5;
    char *c = cs_xmalloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (file[i] == '/' && k && c[k - 1] == '.')
            continue; /* "a//b" */
        c[k++] = file[i] == '/' ? '.' : file[i];
    }
    c[k] = 0;
    return c;
}

/* The length of the folder part of `file` (up to its last '/'), 0 for none. */
static size_t cs__folder_len(const char *file)
{
    const char *slash = strrchr(file, '/');
    return slash ? (size_t)(slash - file) : 0;
}

static bool cs__same_folder(const char *a, const char *b)
{
    size_t la = cs__folder_len(a), lb = cs__folder_len(b);
    return la == lb && strncmp(a, b, la) == 0;
}

/* Counts of one folder's entries (or all when folder is NULL). */
typedef struct cs__counts {
    size_t tests, failures, errors, skipped;
    double seconds;
} cs__counts;

static cs__counts cs__count(const cs_report *r, const char *folder)
{
    cs__counts c = {0};
    for (size_t i = 0; i < r->n; i++) {
        const cs_report_entry *e = &r->v[i];
        if (folder && !cs__same_folder(folder, e->file))
            continue;
        c.tests++;
        c.failures += e->status == CS_REPORT_FAIL;
        c.errors += e->status == CS_REPORT_ERROR;
        c.skipped += e->status == CS_REPORT_SKIP;
        c.seconds += e->micros / 1e6;
    }
    return c;
}

static void cs__testcase(FILE *f, const cs_report_entry *e)
{
    char *cls = cs_junit_classname(e->file);
    fputs("    <testcase classname=\"", f);
    cs__xml_escape(f, cls);
    free(cls);
    fputs("\" name=\"", f);
    cs__xml_escape(f, e->name);
    fprintf(f, " [%s]\" time=\"%.3f\"", e->status == CS_REPORT_ERROR && !e->replay ? "-" : cs_backend_name(e->backend),
            e->micros / 1e6);
    if (e->status == CS_REPORT_PASS) {
        fputs("/>\n", f);
        return;
    }
    fputs(">\n", f);
    if (e->status == CS_REPORT_SKIP) {
        fputs("      <skipped message=\"", f);
        cs__xml_escape(f, e->detail);
        fputs("\"/>\n", f);
    } else {
        const char *tag = e->status == CS_REPORT_ERROR ? "error" : "failure";
        fprintf(f, "      <%s type=\"%s\" message=\"", tag, e->status == CS_REPORT_ERROR ? "error" : "expectation");
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

/* One <testsuite>: the entries in the folder of entry `first`. */
static void cs__testsuite(FILE *f, const cs_report *r, size_t first)
{
    const char *file = r->v[first].file;
    size_t fl = cs__folder_len(file);
    char *folder = fl ? cs_xasprintf("%.*s", (int)fl, file) : cs_xstrdup(".");
    cs__counts c = cs__count(r, file);
    fputs("  <testsuite name=\"", f);
    cs__xml_escape(f, folder);
    fputs("\" file=\"", f);
    cs__xml_escape(f, folder);
    fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n", c.tests, c.failures,
            c.errors, c.skipped, c.seconds);
    free(folder);
    for (size_t i = first; i < r->n; i++)
        if (cs__same_folder(file, r->v[i].file))
            cs__testcase(f, &r->v[i]);
    fputs("  </testsuite>\n", f);
}

int cs_junit_write(const cs_report *r, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "cancelsim verify: cannot write %s\n", path);
        return -1;
    }
    cs__counts all = cs__count(r, NULL);
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
    fprintf(f, "<testsuites name=\"cancelsim verify\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" time=\"%.3f\">\n",
            all.tests, all.failures, all.errors, all.seconds);
    /* a folder's suite is written where the folder is first reached; entries
     * come grouped by file, so the look back runs only where the folder
     * changes */
    for (size_t i = 0; i < r->n; i++) {
        bool seen = i > 0 && cs__same_folder(r->v[i - 1].file, r->v[i].file);
        for (size_t j = 0; j < i && !seen; j++)
            seen = cs__same_folder(r->v[j].file, r->v[i].file);
        if (!seen)
            cs__testsuite(f, r, i);
    }
    fputs("</testsuites>\n", f);
    if (fclose(f) != 0) {
        fprintf(stderr, "cancelsim verify: cannot write %s\n", path);
        return -1;
    }
    return 0;
}
