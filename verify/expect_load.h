/* expect_load.h - a scenario's expectations (scenario-format.md section 6)
 * parsed once into the types the checks use (xvalue.h), and an outcome in the
 * same types.
 *
 * This is the one place expectations are read from Jansson: the loader keeps
 * them as JSON in cs_scenario (sim/load.h), and expect_load.c turns them into
 * cs_expectations; expect.c, verify, inject and the schedule sweep work on
 * that and never on a json_t.
 */
#ifndef CS_EXPECT_LOAD_H
#define CS_EXPECT_LOAD_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "load.h"
#include "trace.h"
#include "xvalue.h"

struct cs_outcome;
struct cs_findings;

typedef struct cs_expectations {
    /* By backend (cs_backend): `expect` with `expect_by_backend[backend]`
     * merged in key by key (objects recursively), members in the file's
     * order; NULL when the scenario states neither. */
    cs_xv *merged[2];
    cs_xv *any;    /* `expect_any`: an array of expectation objects, or NULL */
    cs_xv *always; /* `always`, or NULL */
    /* Worked out once, for the checks that ask on every run: */
    bool declares_findings[2]; /* merged[b] has a `findings` member */
    bool has[2];               /* something to check on the backend beyond the built-in findings */
    /* The finding names a plan may raise without failing when `always` does
     * not list them (inject): those merged[b] or any entry of expect_any declares. */
    char **allowed[2];
    size_t nallowed[2];
    unsigned always_parts; /* the outcome parts `always` reads (CS_OUTCOME_PART_*) */
} cs_expectations;

/* The expectations of `sc` (a new value: cs_expectations_free). */
cs_expectations *cs_expectations_new(const cs_scenario *sc);
void cs_expectations_free(cs_expectations *x);

/* The outcome as expectations see it: section 4's object with only `parts`
 * filled (CS_OUTCOME_PART_*; cs_outcome_to_json_parts) and, when `fd` is not
 * NULL, its findings as "findings".  A new value (cs_xv_free). */
cs_xv *cs_outcome_xv(const struct cs_outcome *o, unsigned parts, const struct cs_findings *fd);
/* The same from section 4 JSON, e.g. an explored outcome with findings added. */
cs_xv *cs_xv_from_json(const json_t *j);

/* `expect` merged with `expect_by_backend[backend]` as JSON, for the writers
 * that print it (the HTML report); a new reference, or NULL. */
json_t *cs_expect_merged_json(const cs_scenario *sc, cs_backend backend);

#endif
