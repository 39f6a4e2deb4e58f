/* verify_report.h - what `cancelsim verify` prints: one line per scenario and
 * backend for a person (or TAP version 14), a closing count, and optionally a
 * JUnit XML file. */
#ifndef CS_VERIFY_REPORT_H
#define CS_VERIFY_REPORT_H

#include <stdio.h>

#include "trace.h"

typedef enum { CS_REPORT_PASS, CS_REPORT_FAIL, CS_REPORT_SKIP, CS_REPORT_ERROR } cs_report_status;
typedef enum { CS_REPORT_HUMAN, CS_REPORT_TAP } cs_report_style;

typedef struct cs_report_entry {
    const char *file;    /* borrowed */
    char *name;          /* owned: scenario name */
    cs_backend backend;
    cs_report_status status;
    char *detail;        /* owned: first difference, error or skip reason */
    char *replay;        /* owned: command that reproduces it */
} cs_report_entry;

typedef struct cs_report {
    cs_report_style style;
    FILE *out;
    cs_report_entry *v;
    size_t n, cap;
    size_t pass, fail, skip;
} cs_report;

void cs_report_init(cs_report *r, cs_report_style style, FILE *out);
/* Prints the entry's line now and keeps it (takes ownership of its strings). */
void cs_report_add(cs_report *r, cs_report_entry *e);
/* Prints the closing count, writes the JUnit file when asked, frees
 * everything.  Returns 0 when nothing failed, else 1. */
int cs_report_finish(cs_report *r, const char *junit_path);

#endif
