/* findings_determinism.c - the nondeterminism finding: the same scenario,
 * backend and seed run twice must give byte-identical JSONL traces.
 *
 * The traces go to anonymous temporary files rather than memory, so that a
 * million-task scenario costs disk, not twice its trace in RAM; they are then
 * compared a block at a time.
 */
#include <stdio.h>
#include <string.h>

#include "findings.h"
#include "trace_jsonl.h"

/* Runs once with a JSONL writer on `out`; returns run's status. */
static int cs__run_into(cs_findings_run_fn run, void *ctx, unsigned attempt, FILE *out)
{
    cs_trace_jsonl *w = cs_trace_jsonl_new(out);
    cs_sink sink = {cs_trace_jsonl_sink, w};
    int rc = run(ctx, attempt, &sink);
    cs_trace_jsonl_free(w);
    return rc;
}

static bool cs__same_bytes(FILE *a, FILE *b)
{
    char ba[8192], bb[8192];
    rewind(a);
    rewind(b);
    for (;;) {
        size_t na = fread(ba, 1, sizeof ba, a);
        size_t nb = fread(bb, 1, sizeof bb, b);
        if (na != nb || memcmp(ba, bb, na) != 0)
            return false;
        if (na < sizeof ba)
            return !ferror(a) && !ferror(b);
    }
}

int cs_findings_run_twice(cs_findings_run_fn run, void *ctx, bool *differ)
{
    *differ = false;
    FILE *a = tmpfile();
    FILE *b = a ? tmpfile() : NULL;
    int rc = CS_FINDINGS_E_TMPFILE;
    if (!a || !b)
        goto out;
    rc = cs__run_into(run, ctx, 0, a);
    if (rc != 0)
        goto out;
    rc = cs__run_into(run, ctx, 1, b);
    if (rc != 0)
        goto out;
    if (fflush(a) != 0 || fflush(b) != 0) {
        rc = CS_FINDINGS_E_TMPFILE;
        goto out;
    }
    *differ = !cs__same_bytes(a, b);
out:
    if (a)
        fclose(a);
    if (b)
        fclose(b);
    return rc;
}
