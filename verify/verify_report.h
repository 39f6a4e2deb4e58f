/* verify_report.h - what `cancelsim verify` prints: one line per scenario and
 * backend for a person (coloured on a terminal) or for a TAP harness (TAP
 * version 13, as Debian's `prove` reads it), a closing count, and optionally a
 * JUnit XML file (junit_out.c). */
#ifndef CS_VERIFY_REPORT_H
#define CS_VERIFY_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "trace.h"

struct cs_scenario;
struct cs_load_error;

typedef enum { CS_REPORT_PASS, CS_REPORT_FAIL, CS_REPORT_SKIP, CS_REPORT_ERROR } cs_report_status;
typedef enum { CS_REPORT_HUMAN, CS_REPORT_TAP } cs_report_style;

typedef struct cs_report_entry {
    const char *file; /* borrowed */
    char *name;       /* owned: scenario name */
    cs_backend backend;
    cs_report_status status;
    char *detail;    /* owned: first difference, error or skip reason */
    char *replay;    /* owned: command that reproduces it */
    uint32_t micros; /* wall-clock time the check took (JUnit `time`) */
    char *note;      /* owned: shown on a PASS line (schedules checked), or NULL */
} cs_report_entry;

typedef struct cs_report {
    cs_report_style style;
    FILE *out;
    cs_report_entry *v;
    size_t n, cap;
    size_t pass, fail, skip;
    bool color; /* ANSI colours on the human lines (cs_report_color) */
    /* How the HTML report loads a failing file to run it again: NULL is
     * cs_load_file; the CLI gives cs_cli_load so a .py goes through the
     * Python front end (the report sits below the CLI and cannot call it). */
    int (*load)(const char *file, struct cs_scenario **out, struct cs_load_error *err);
} cs_report;

void cs_report_init(cs_report *r, cs_report_style style, FILE *out);
/* Whether to colour output to `out` for --color=MODE ("auto", "always",
 * "never"; NULL is "auto"): "auto" colours a terminal unless the NO_COLOR
 * variable is set and not empty (https://no-color.org).  Returns -1 for any
 * other MODE. */
int cs_report_color(const char *mode, FILE *out);
/* Seconds on a monotonic clock, for timing an entry. */
double cs_report_clock(void);
/* Prints the entry's line now and keeps it (takes ownership of its strings). */
void cs_report_add(cs_report *r, cs_report_entry *e);
/* Prints the closing count, writes the JUnit file when asked, frees
 * everything.  Returns 0 when nothing failed, else 1. */
int cs_report_finish(cs_report *r, const char *junit_path);

#endif
