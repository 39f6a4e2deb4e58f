/* fuzz_load.c - libFuzzer target: the scenario loader on arbitrary bytes.
 *
 * Any input must either load (and be freed) or fail with a positioned error;
 * never crash, hang, leak or trip a sanitizer.  Build with fuzz/build.sh. */
#include <stddef.h>
#include <stdint.h>

#include "load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cs_scenario *sc = NULL;
    cs_load_error err;
    if (cs_load_buffer("fuzz.json", (const char *)data, size, &sc, &err) == 0)
        cs_scenario_free(sc);
    return 0;
}
