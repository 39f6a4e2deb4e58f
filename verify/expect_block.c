/* expect_block.c - an `expect` block written from outcomes (`cancelsim run
 * --format expect`): what authoring.md section 3 describes by hand. */
#include <string.h>

#include "expect_block.h"
#include "outcome.h"

/* The outcome keys an expectation pins (not the two that name the run). */
static const char *const cs__keys[] = {"result", "end_time", "tasks", "scopes", "log"};

json_t *cs_expect_block(const cs_outcome *const *outs, size_t n)
{
    json_t *js[2] = {NULL, NULL};
    if (n > 2)
        n = 2;
    for (size_t i = 0; i < n; i++)
        js[i] = cs_outcome_to_json(outs[i]);
    json_t *expect = json_object(), *by = json_object();
    for (size_t k = 0; k < sizeof cs__keys / sizeof cs__keys[0]; k++) {
        const char *key = cs__keys[k];
        json_t *v0 = json_object_get(js[0], key);
        if (n == 1 || json_equal(v0, json_object_get(js[1], key))) {
            json_object_set(expect, key, v0);
            continue;
        }
        for (size_t i = 0; i < n; i++) {
            const char *b = json_string_value(json_object_get(js[i], "backend"));
            json_t *per = json_object_get(by, b);
            if (!per) {
                per = json_object();
                json_object_set_new(by, b, per);
            }
            json_object_set(per, key, json_object_get(js[i], key));
        }
    }
    json_t *block = json_object();
    json_object_set_new(block, "expect", expect);
    if (json_object_size(by))
        json_object_set_new(block, "expect_by_backend", by);
    else
        json_decref(by);
    for (size_t i = 0; i < n; i++)
        json_decref(js[i]);
    return block;
}
