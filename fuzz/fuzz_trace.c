/* fuzz_trace.c - libFuzzer target: the trace reader (verify/trace_read.c) on
 * arbitrary bytes, folded into the outcome and findings sinks as
 * `cancelsim trace` does.
 *
 * Any input must either be read (and freed) or fail with a positioned error;
 * never crash, hang, leak or trip a sanitizer.  Build with fuzz/build.sh. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "trace_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0; /* fmemopen wants a buffer of at least one byte */
    FILE *f = fmemopen((void *)data, size, "r");
    if (!f)
        return 0;
    cs_trace_run *runs = NULL;
    size_t n = 0;
    cs_trace_read_error err;
    if (cs_trace_replay(f, &runs, &n, &err) == 0) {
        char buf[4096];
        FILE *out = fmemopen(buf, sizeof buf, "w"); /* the writers run too */
        for (size_t i = 0; out && i < n; i++) {
            cs_outcome_write_json(runs[i].outcome, out, 0);
            cs_outcome_write_text(runs[i].outcome, out);
        }
        if (out)
            fclose(out);
        cs_trace_runs_free(runs, n);
    }
    fclose(f);
    return 0;
}
