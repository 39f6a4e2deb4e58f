/* junit_out.h - the JUnit XML report of `cancelsim verify --junit OUT.xml`,
 * in the dialect Jenkins' xunit plugin checks (tests/junit-10.xsd) and GitHub
 * and GitLab test reports read. */
#ifndef CS_JUNIT_OUT_H
#define CS_JUNIT_OUT_H

#include "verify_report.h"

/* Writes the report's entries to `path`.  Returns 0, or -1 after printing why
 * it could not be written. */
int cs_junit_write(const cs_report *r, const char *path);

/* The classname of a scenario file: its path without ".json", folders joined
 * by dots ("scenarios/taskgroup/a.json" -> "scenarios.taskgroup.a"); leading
 * "/" and "./" are dropped.  The caller frees it. */
char *cs_junit_classname(const char *file);

#endif
