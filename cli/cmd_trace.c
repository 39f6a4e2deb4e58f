/* cmd_trace.c - `cancelsim trace FILE.jsonl`: the outcome and the findings of
 * the runs a trace file records (verify/trace_read.h), from the file alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json_out.h"
#include "trace_read.h"

static const char *const cs__trace_help = "usage: cancelsim trace FILE.jsonl [--format text|json] [--findings]\n"
                                          "\n"
                                          "Reads a trace written by `run --trace` (JSON Lines, scenario-format.md\n"
                                          "section 5; - reads standard input) and prints each recorded run's outcome\n"
                                          "exactly as `run` printed it (--format json: as `run --format json`), then\n"
                                          "the built-in findings of each run (section 6), all from the file alone:\n"
                                          "the scenario is not needed.  The text form ends with a `findings` line per\n"
                                          "run; --format json prints the outcome only, and with --findings each\n"
                                          "outcome gains a \"findings\" list as `verify` checks it (nondeterminism\n"
                                          "needs two runs and is never found here).  A line that does not follow\n"
                                          "section 5 is an error at FILE:LINE:COL.\n"
                                          "Exit status: 0 read, 2 bad input or usage.\n";

typedef struct cs__trace_args {
    const char *file;
    bool json, findings;
} cs__trace_args;

static const char *const cs__trace_opts[] = {"help|h", "format=", "findings", NULL};

static int cs__trace_parse(int argc, char **argv, cs__trace_args *a)
{
    memset(a, 0, sizeof *a);
    cs_cli_parser p;
    cs_cli_parser_init(&p, "trace", argc, argv, cs__trace_opts);
    const char *o, *v;
    for (int got; (got = cs_cli_next_for_file(&p, cs__trace_help, &a->file, &o, &v)) != CS_CLI_END;) {
        if (got != CS_CLI_OPTION)
            return got == CS_CLI_HELP ? 1 : 2;
        if (strcmp(o, "--format") == 0) {
            if (strcmp(v, "json") != 0 && strcmp(v, "text") != 0)
                return cs_cli_usage_error("trace", "--format must be text or json, not '%s'", v);
            a->json = strcmp(v, "json") == 0;
        } else if (strcmp(o, "--findings") == 0) {
            a->findings = true;
        }
    }
    return 0;
}

/* "findings (BACKEND): none", or the line and one indented line per finding. */
static void cs__trace_findings_text(const cs_trace_run *r, FILE *f)
{
    cs_finding_kind k[CS_FINDING_COUNT];
    size_t n = cs_findings_list(r->findings, k);
    fprintf(f, "findings (%s):%s\n", cs_backend_name(r->outcome->backend), n ? "" : " none");
    for (size_t i = 0; i < n; i++)
        fprintf(f, "  %s: %s\n", cs_finding_name(k[i]), cs_findings_detail(r->findings, k[i]));
}

static void cs__trace_print(const cs__trace_args *a, const cs_trace_run *runs, size_t n)
{
    if (a->json && a->findings) { /* the outcome as verify checks it: with its findings */
        cs_jw w;
        cs_jw_init(&w, stdout, 2, 0);
        if (n > 1)
            cs_jw_begin_array(&w);
        for (size_t i = 0; i < n; i++) {
            json_t *j = cs_outcome_to_json(runs[i].outcome);
            json_object_set_new(j, "findings", cs_findings_to_json(runs[i].findings));
            cs_jw_value(&w, j);
            json_decref(j);
        }
        if (n > 1)
            cs_jw_end_array(&w);
        fputc('\n', stdout);
        return;
    }
    const cs_outcome *outs[2];
    if (a->json && n <= 2) { /* as run prints one or both backends */
        for (size_t i = 0; i < n; i++)
            outs[i] = runs[i].outcome;
        if (n == 1) {
            cs_outcome_write_json(outs[0], stdout, 0);
            fputc('\n', stdout);
        } else {
            cs_outcome_write_json_array(outs, n, stdout);
        }
        return;
    }
    if (a->json) { /* more runs than one `run` writes: an array of them all */
        const cs_outcome **v = malloc(n * sizeof *v);
        for (size_t i = 0; v && i < n; i++)
            v[i] = runs[i].outcome;
        if (v)
            cs_outcome_write_json_array(v, n, stdout);
        free(v);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc('\n', stdout);
        cs_outcome_write_text(runs[i].outcome, stdout);
    }
    fputc('\n', stdout);
    for (size_t i = 0; i < n; i++)
        cs__trace_findings_text(&runs[i], stdout);
}

int cs_cmd_trace(int argc, char **argv)
{
    cs__trace_args a;
    int prc = cs__trace_parse(argc, argv, &a);
    if (prc)
        return prc == 1 ? 0 : prc;
    bool is_stdin = strcmp(a.file, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(a.file, "r");
    if (!f) {
        fprintf(stderr, "%s: error: cannot read the file\n", a.file);
        return 2;
    }
    cs_trace_run *runs = NULL;
    size_t n = 0;
    cs_trace_read_error err;
    int rc = cs_trace_replay(f, &runs, &n, &err);
    if (!is_stdin)
        fclose(f);
    if (rc != 0) {
        fprintf(stderr, "%s:%u:%u: error: %s\n", cs_cli_file_name(a.file), err.pos.line, err.pos.col, err.message);
        return 2;
    }
    cs__trace_print(&a, runs, n);
    cs_trace_runs_free(runs, n);
    return 0;
}
