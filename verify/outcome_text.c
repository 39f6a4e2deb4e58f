/* outcome_text.c - the outcome as a short report for a person.
 *
 * Same facts as the JSON, in the same order, one line each: header, result
 * (exception groups as an indented tree), end time, tasks, named scopes, log.
 * Columns are padded to the longest task / scope name (capped, so one long
 * name cannot push everything right).  Numbers use the JSON rule, so the text
 * and the JSON never disagree about a time.
 */
#include "outcome.h"

#include <math.h>
#include <string.h>

#include "json_out.h"
#include "pyfloat.h"
#include "text.h"

/* Longest name a column is padded to. */
#define CS__TEXT_MAX_PAD 24

static void cs__text_number(FILE *f, double x)
{
    char buf[CS_PYFLOAT_BUFSIZE];
    cs_format_number(x, buf, sizeof buf); /* writes inf / -inf unquoted */
    fputs(buf, f);
}

static void cs__text_seconds(FILE *f, int64_t ns)
{
    cs__text_number(f, (double)ns / 1e9);
}

/* Writes s with control characters escaped (\n, \t, \xNN; a NUL kept in
 * text, text.h, as \x00), so that every item stays on its one line whatever
 * a message contains. */
static void cs__text_str(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (cs_text_nul_at(s)) {
            fputs("\\x00", f);
            s++;
        } else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c < 0x20 || c == 0x7f)
            fprintf(f, "\\x%02x", c);
        else
            fputc(c, f);
    }
}

static void cs__text_indent(FILE *f, int n)
{
    for (int i = 0; i < n; i++)
        fputc(' ', f);
}

/* "Type: message" (or "Type" when the message is empty), then the members of
 * a group one level deeper.  The first line is not indented: the caller has
 * placed it after a label. */
static void cs__text_exc(FILE *f, const cs_outcome *o, const cs_exc *e, int indent)
{
    fputs(cs_outcome_class_name(o, e->cls), f);
    if (e->message && e->message[0]) {
        fputs(": ", f);
        cs__text_str(f, e->message);
    }
    fputc('\n', f);
    if (!cs_exc_is_group(e))
        return;
    for (uint32_t i = 0; i < e->nmembers; i++) {
        cs__text_indent(f, indent + 2);
        cs__text_exc(f, o, e->members[i], indent + 2);
    }
}

/* A returned value on one line, as Python's json.dumps would write it. */
static void cs__text_value(FILE *f, const cs_outcome *o, size_t off)
{
    cs_jw w;
    cs_jw_init(&w, f, CS_JW_ONE_LINE, 0);
    if (off == CS_OUTCOME_NONE)
        cs_jw_null(&w);
    else
        cs_jw_json_text(&w, cs_outcome_str(o, off));
}

static void cs__text_result(FILE *f, const cs_outcome *o)
{
    if (!o->ended) {
        fputs("result: (the run did not finish)\n", f);
        return;
    }
    switch (o->result) {
    case CS_RESULT_RETURNED:
        fputs("returned: ", f);
        cs__text_value(f, o, o->returned);
        fputc('\n', f);
        break;
    case CS_RESULT_RAISED:
        fputs("raised: ", f);
        if (o->raised)
            cs__text_exc(f, o, o->raised, 0);
        else
            fputs("?\n", f);
        break;
    case CS_RESULT_DEADLOCK:
        fputs("deadlock:\n", f);
        for (size_t i = 0; i < o->nwaiting; i++)
            fprintf(f, "  %s waits on %s\n", cs_outcome_task_name(o, o->waiting[i].task),
                    cs_outcome_str(o, o->waiting[i].label)); /* labels are plain names */
        break;
    case CS_RESULT_LIMIT_TIME: fputs("stopped: time limit\n", f); break;
    case CS_RESULT_LIMIT_STEPS: fputs("stopped: step limit\n", f); break;
    case CS_RESULT_LIMIT_TASKS: fputs("stopped: task limit\n", f); break;
    case CS_RESULT_LIMIT_TIMERS: fputs("stopped: timer limit\n", f); break;
    case CS_RESULT_LIMIT_TRACE: fputs("stopped: trace limit\n", f); break;
    case CS_RESULT_LIMIT_MEMORY: fputs("stopped: memory limit\n", f); break;
    }
}

static int cs__text_pad(const cs_outcome *o, bool scopes)
{
    size_t w = 0, n = scopes ? o->nscopes : o->ntasks;
    for (size_t i = 0; i < n; i++) {
        size_t off = scopes ? o->scopes[i].name : o->tasks[i].name;
        size_t len = strlen(cs_outcome_str(o, off));
        if (len > w)
            w = len;
    }
    return (int)(w < CS__TEXT_MAX_PAD ? w : CS__TEXT_MAX_PAD);
}

static void cs__text_tasks(FILE *f, const cs_outcome *o)
{
    int pad = cs__text_pad(o, false);
    fputs("tasks:\n", f);
    for (size_t i = 0; i < o->ntasks; i++) {
        const cs_outcome_task *t = &o->tasks[i];
        if (!t->spawned)
            continue;
        const char *state = cs_task_state_name(t->state);
        fprintf(f, "  %-*s  %s", pad, cs_outcome_str(o, t->name), state);
        if (t->state != CS_TASK_UNFINISHED) {
            /* pad the state column only when something follows: no trailing blanks */
            fprintf(f, "%*s  end ", (int)(10 - strlen(state)), "");
            cs__text_seconds(f, t->end);
        }
        size_t ret = cs_outcome_task_returned(o, t);
        cs_exc *x = cs_outcome_task_exc(o, t);
        if (ret != CS_OUTCOME_NONE) {
            fputs("  returned ", f);
            cs__text_value(f, o, ret);
        }
        if (x) {
            fputs("  ", f);
            cs__text_exc(f, o, x, 2);
        } else {
            fputc('\n', f);
        }
    }
}

static void cs__text_scopes(FILE *f, const cs_outcome *o)
{
    int pad = cs__text_pad(o, true);
    fputs("scopes:\n", f);
    for (size_t i = 0; i < o->nscopes; i++) {
        const cs_outcome_scope *s = &o->scopes[i];
        fprintf(f, "  %-*s  %-12s  deadline ", pad, cs_outcome_str(o, s->name), cs_scope_kind_name(s->kind));
        cs__text_number(f, s->deadline);
        if (s->cancel_called)
            fputs("  cancel_called", f);
        if (s->cancelled_caught)
            fputs("  cancelled_caught", f);
        if (s->shield)
            fputs("  shield", f);
        fputc('\n', f);
    }
}

static void cs__text_log(FILE *f, const cs_outcome *o)
{
    fputs("log:\n", f);
    for (size_t i = 0; i < o->nlog; i++) {
        const cs_outcome_log *l = &o->log[i];
        fputs("  [", f);
        cs__text_seconds(f, l->t);
        fprintf(f, "] %s: ", cs_outcome_task_name(o, l->task));
        cs__text_str(f, cs_outcome_str(o, l->msg));
        if (l->value_kind == CS_VAL_BOOL) {
            fputs(l->boolean ? " = true" : " = false", f);
        } else if (l->value_kind == CS_VAL_NUMBER) {
            fputs(" = ", f);
            cs__text_number(f, l->number);
        } else if (l->value_kind == CS_VAL_JSON) {
            fputs(" = ", f);
            cs__text_value(f, o, l->json);
        }
        fputc('\n', f);
    }
}

void cs_outcome_write_text(const cs_outcome *o, FILE *f)
{
    fprintf(f, "scenario %s (%s)\n", cs_outcome_str(o, o->scenario), cs_backend_name(o->backend));
    cs__text_result(f, o);
    fputs("end time: ", f);
    cs__text_seconds(f, o->end_time);
    fputc('\n', f);
    cs__text_tasks(f, o);
    if (o->nscopes)
        cs__text_scopes(f, o);
    if (o->nlog)
        cs__text_log(f, o);
}
