/* html_report.c - the verify report as one HTML page (html_report.h): the
 * frame, the summary and the folders; html_failure.c writes each failure. */
#include "html_report.h"

#include <stdlib.h>
#include <string.h>

#include "outcome.h"
#include "text.h"
#include "util.h"

/* Light by default, dark when the reader's system asks; graphs keep a light
 * card of their own (Graphviz draws for white paper). */
static const char *const cs__css =
    ":root{--bg:#ffffff;--fg:#1f2328;--muted:#59636e;--card:#f6f8fa;--line:#d1d9e0;--pass:#1a7f37;"
    "--fail:#cf222e;--skip:#9a6700;--add:#dafbe1;--del:#ffebe9;--code:#eff2f5}\n"
    "@media (prefers-color-scheme: dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--card:#151b23;"
    "--line:#3d444d;--pass:#3fb950;--fail:#f85149;--skip:#d29922;--add:#12361f;--del:#3d1518;--code:#1f242c}}\n"
    "*{box-sizing:border-box}body{margin:0 auto;max-width:1200px;padding:24px;background:var(--bg);"
    "color:var(--fg);font:15px/1.5 system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif}\n"
    "h1{font-size:24px;margin:0 0 12px}h2{font-size:19px;margin:28px 0 10px;border-bottom:1px solid var(--line);"
    "padding-bottom:4px}h3{font-size:16px;margin:18px 0 6px}\n"
    ".summary{display:flex;gap:12px;flex-wrap:wrap}.stat{background:var(--card);border:1px solid var(--line);"
    "border-radius:8px;padding:10px 16px;min-width:120px}.stat b{display:block;font-size:26px}\n"
    ".pass{color:var(--pass)}.fail{color:var(--fail)}.skip{color:var(--skip)}\n"
    ".failure{border:1px solid var(--fail);border-radius:8px;padding:12px 16px;margin:16px 0;"
    "background:var(--card)}\n"
    "pre{background:var(--code);border:1px solid var(--line);border-radius:6px;padding:10px;overflow:auto;"
    "font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;margin:6px 0}pre.wrap{white-space:pre-wrap}\n"
    ".diff .a{background:var(--add);display:block}.diff .d{background:var(--del);display:block}\n"
    ".graph{background:#ffffff;border:1px solid var(--line);border-radius:6px;padding:8px;overflow:auto}"
    ".graph svg{max-width:100%;height:auto}\n"
    "details{border:1px solid var(--line);border-radius:6px;margin:6px 0;padding:4px 10px}"
    "summary{cursor:pointer;font-weight:600}\n"
    "table{border-collapse:collapse;width:100%;margin:6px 0}td{border-top:1px solid var(--line);padding:3px 6px;"
    "vertical-align:top}td.st{width:60px;font-weight:600}code{font-family:ui-monospace,Menlo,monospace}\n";

void cs__html_text(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        if (cs_text_nul_at(s)) { /* a NUL kept in text (text.h) */
            fputs("\\x00", f);
            s++;
            continue;
        }
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default:
            if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t')
                fputc(*s, f);
        }
    }
}

static const char *const cs__tags[] = {"PASS", "FAIL", "SKIP", "ERROR"};
static const char *const cs__classes[] = {"pass", "fail", "skip", "fail"};

static const char *cs__bname(const cs_report_entry *e)
{
    return e->status == CS_REPORT_ERROR && !e->replay ? "-" : cs_backend_name(e->backend);
}

static void cs__summary(const cs_report *r, FILE *f)
{
    size_t files = 0;
    for (size_t i = 0; i < r->n; i++)
        files += i == 0 || strcmp(r->v[i].file, r->v[i - 1].file) != 0;
    fputs("<div class=\"summary\">\n", f);
    fprintf(f, "<div class=\"stat\"><b class=\"pass\">%zu</b>passed</div>\n", r->pass);
    fprintf(f, "<div class=\"stat\"><b class=\"fail\">%zu</b>failed</div>\n", r->fail);
    fprintf(f, "<div class=\"stat\"><b class=\"skip\">%zu</b>skipped</div>\n", r->skip);
    fprintf(f, "<div class=\"stat\"><b>%zu</b>scenario files, %zu runs</div>\n", files, r->n);
    fputs("</div>\n", f);
}

/* The folder of a file: everything before its last '/' ("." when none). */
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

static void cs__row(const cs_report_entry *e, FILE *f)
{
    fprintf(f, "<tr><td class=\"st %s\">%s</td><td><code>", cs__classes[e->status], cs__tags[e->status]);
    cs__html_text(f, e->file);
    fprintf(f, "</code> [%s]", cs__bname(e));
    if (e->status != CS_REPORT_PASS && e->detail) {
        fputs("<br>", f);
        cs__html_text(f, e->detail);
    }
    fputs("</td></tr>\n", f);
}

/* Every scenario, one <details> per folder (open when something in it failed). */
static void cs__folders(const cs_report *r, FILE *f)
{
    fputs("<h2>All scenarios</h2>\n", f);
    for (size_t i = 0; i < r->n;) {
        size_t j = i, pass = 0, bad = 0;
        while (j < r->n && cs__same_folder(r->v[i].file, r->v[j].file)) {
            pass += r->v[j].status == CS_REPORT_PASS;
            bad += r->v[j].status == CS_REPORT_FAIL || r->v[j].status == CS_REPORT_ERROR;
            j++;
        }
        size_t fl = cs__folder_len(r->v[i].file);
        fprintf(f, "<details%s><summary>", bad ? " open" : "");
        char *folder = fl ? cs_xasprintf("%.*s", (int)fl, r->v[i].file) : cs_xstrdup(".");
        cs__html_text(f, folder);
        free(folder);
        fprintf(f, " &#8212; %zu passed%s", pass, bad ? ", " : "");
        if (bad)
            fprintf(f, "<span class=\"fail\">%zu failed</span>", bad);
        fputs("</summary>\n<table>\n", f);
        for (size_t k = i; k < j; k++)
            cs__row(&r->v[k], f);
        fputs("</table>\n</details>\n", f);
        i = j;
    }
}

int cs_html_report_fwrite(const cs_report *r, FILE *f)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"color-scheme\" content=\"light dark\">\n"
          "<title>cancelsim verify report</title>\n<style>\n",
          f);
    fputs(cs__css, f);
    fputs("</style>\n</head>\n<body>\n<h1>cancelsim verify</h1>\n", f);
    cs__summary(r, f);
    if (r->fail) {
        fprintf(f, "<h2 class=\"fail\">Failures (%zu)</h2>\n", r->fail);
        unsigned k = 0;
        for (size_t i = 0; i < r->n; i++)
            if (r->v[i].status == CS_REPORT_FAIL || r->v[i].status == CS_REPORT_ERROR)
                cs__html_failure(f, r, &r->v[i], ++k);
    } else {
        fputs("<p class=\"pass\">Every scenario matched its expectations.</p>\n", f);
    }
    cs__folders(r, f);
    fputs("</body>\n</html>\n", f);
    return ferror(f) ? -1 : 0;
}

int cs_html_report_write(const cs_report *r, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "cancelsim verify: cannot write %s\n", path);
        return -1;
    }
    int rc = cs_html_report_fwrite(r, f);
    if (fclose(f) != 0 || rc != 0) {
        fprintf(stderr, "cancelsim verify: error writing %s\n", path);
        return -1;
    }
    return 0;
}
