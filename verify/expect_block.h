/* expect_block.h - `cancelsim run --format expect`: an expectation block to
 * paste into a scenario, written as JSON from outcomes. */
#ifndef CS_EXPECT_BLOCK_H
#define CS_EXPECT_BLOCK_H

#include <stddef.h>

#include <jansson.h>

/* {"expect": {...}, "expect_by_backend": {...}} from the outcomes of one
 * scenario on one or two backends: keys equal on both go to `expect`, the
 * others to each backend's part (new reference).  Paste-ready (section 6). */
struct cs_outcome;
json_t *cs_expect_block(const struct cs_outcome *const *outs, size_t n);

#endif
