/* verify_report.c - printing verify results (see verify_report.h): the
 * human lines (coloured on a terminal), TAP version 13 with YAML diagnostics,
 * and the closing count. */
#include "verify_report.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "junit_out.h"
#include "outcome.h"
#include "util.h"

/* ANSI SGR sequences for the human lines (empty without colour). */
#define CS__GREEN "\033[32m"
#define CS__RED "\033[31m"
#define CS__YELLOW "\033[33m"
#define CS__BOLD_RED "\033[1;31m"
#define CS__RESET "\033[0m"

void cs_report_init(cs_report *r, cs_report_style style, FILE *out)
{
    memset(r, 0, sizeof *r);
    r->style = style;
    r->out = out;
    if (style == CS_REPORT_TAP)
        fputs("TAP version 13\n", out);
}

int cs_report_color(const char *mode, FILE *out)
{
    if (mode && strcmp(mode, "always") == 0)
        return 1;
    if (mode && strcmp(mode, "never") == 0)
        return 0;
    if (mode && strcmp(mode, "auto") != 0)
        return -1;
    const char *no = getenv("NO_COLOR");
    if (no && *no)
        return 0;
    return isatty(fileno(out)) ? 1 : 0;
}

double cs_report_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *cs__bname(const cs_report_entry *e)
{
    return e->status == CS_REPORT_ERROR && !e->replay ? "-" : cs_backend_name(e->backend);
}

/* Writes s as a YAML double-quoted scalar that TAP::Parser::YAMLish (prove)
 * reads too: only the escapes both know (\" \\ \n \t \r \xHH), and bytes that
 * are not UTF-8 as U+FFFD, so the document stays valid YAML. */
static void cs__yaml_quoted(FILE *f, const char *str)
{
    fputc('"', f);
    for (const unsigned char *s = (const unsigned char *)(str ? str : ""); *s; s++) {
        unsigned c = *s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c == '\r')
            fputs("\\r", f);
        else if (c < 0x20 || c == 0x7F)
            fprintf(f, "\\x%02x", c);
        else if (c < 0x80)
            fputc((int)c, f);
        else {
            size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
            size_t k = 1;
            while (k < n && (s[k] & 0xC0) == 0x80)
                k++;
            if (n && k == n) {
                fwrite(s, 1, n, f);
                s += n - 1;
            } else {
                fputs("\xEF\xBF\xBD", f);
            }
        }
    }
    fputc('"', f);
}

/* A TAP test line's description: the file and backend, with '#' (which would
 * start a directive) and line breaks escaped. */
static void cs__tap_desc(FILE *f, const cs_report_entry *e)
{
    for (const char *s = e->file; *s; s++) {
        if (*s == '#' || *s == '\\')
            fputc('\\', f);
        fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
    }
    fprintf(f, " [%s]", cs__bname(e));
}

static void cs__tap_line(cs_report *r, const cs_report_entry *e)
{
    const char *ok = e->status == CS_REPORT_PASS || e->status == CS_REPORT_SKIP ? "ok" : "not ok";
    fprintf(r->out, "%s %zu - ", ok, r->n);
    cs__tap_desc(r->out, e);
    if (e->status == CS_REPORT_SKIP) {
        fputs(" # SKIP ", r->out);
        for (const char *s = e->detail ? e->detail : ""; *s; s++)
            fputc(*s == '\n' || *s == '\r' ? ' ' : *s, r->out);
    }
    fputc('\n', r->out);
    if (e->status == CS_REPORT_FAIL || e->status == CS_REPORT_ERROR) {
        fputs("  ---\n  message: ", r->out);
        cs__yaml_quoted(r->out, e->detail);
        fputs("\n  severity: ", r->out);
        fputs(e->status == CS_REPORT_FAIL ? "fail" : "error", r->out);
        if (e->replay) {
            fputs("\n  replay: ", r->out);
            cs__yaml_quoted(r->out, e->replay);
        }
        fputs("\n  ...\n", r->out);
    }
}

/* One line of a failure's detail, with an "expected X, got Y" difference
 * coloured (X green, Y red) or, failing that, the whole line red. */
static void cs__detail_line(FILE *f, const char *d, size_t len, bool color)
{
    if (!color) {
        fwrite(d, 1, len, f);
        return;
    }
    char *line = cs_xasprintf("%.*s", (int)len, d);
    const char *exp = strstr(line, ": expected ");
    const char *got = exp ? strstr(exp, ", got ") : NULL;
    if (!got) {
        fprintf(f, CS__RED "%s" CS__RESET, line);
    } else {
        exp += strlen(": expected ");
        fprintf(f, "%.*s" CS__GREEN "%.*s" CS__RESET ", got " CS__RED "%s" CS__RESET, (int)(exp - line), line,
                (int)(got - exp), exp, got + strlen(", got "));
    }
    free(line);
}

/* A detail under its entry's line, each of its lines indented. */
static void cs__detail(FILE *f, const char *d, bool color)
{
    do {
        size_t len = strcspn(d, "\n");
        fputs("      ", f);
        cs__detail_line(f, d, len, color);
        fputc('\n', f);
        d += len + (d[len] == '\n');
    } while (*d);
}

static void cs__human_line(cs_report *r, const cs_report_entry *e)
{
    static const char *const tag[] = {"PASS", "FAIL", "SKIP", "ERROR"};
    static const char *const color[] = {CS__GREEN, CS__BOLD_RED, CS__YELLOW, CS__BOLD_RED};
    if (r->color)
        fprintf(r->out, "%s%s" CS__RESET "%*s%s [%s]", color[e->status], tag[e->status],
                6 - (int)strlen(tag[e->status]), "", e->file, cs__bname(e));
    else
        fprintf(r->out, "%-5s %s [%s]", tag[e->status], e->file, cs__bname(e));
    if (e->status == CS_REPORT_PASS && e->note) /* e.g. the Trio schedules checked */
        fprintf(r->out, " (%s)", e->note);
    fputc('\n', r->out);
    if (e->status == CS_REPORT_FAIL || e->status == CS_REPORT_ERROR) {
        cs__detail(r->out, e->detail ? e->detail : "", r->color);
        if (e->replay)
            fprintf(r->out, "      reproduce: %s\n", e->replay);
    } else if (e->status == CS_REPORT_SKIP && e->detail) {
        cs__detail(r->out, e->detail, false);
    }
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
    if (r->style == CS_REPORT_TAP)
        cs__tap_line(r, e);
    else
        cs__human_line(r, e);
}

int cs_report_finish(cs_report *r, const char *junit_path)
{
    if (r->style == CS_REPORT_TAP)
        fprintf(r->out, "1..%zu\n", r->n);
    else
        fprintf(r->out, "verify: %zu passed, %zu failed, %zu skipped\n", r->pass, r->fail, r->skip);
    int rc = r->fail ? 1 : 0;
    if (junit_path && cs_junit_write(r, junit_path) != 0)
        rc = 2;
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].name);
        free(r->v[i].detail);
        free(r->v[i].replay);
        free(r->v[i].note);
    }
    free(r->v);
    return rc;
}
