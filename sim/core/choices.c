/* choices.c - walking the tree of Trio schedule choices depth first. */
#include <string.h>

#include "engine.h"
#include "util.h"

bool cs_choice_log_next(const cs_choice_log *log, uint32_t **forced, size_t *nforced)
{
    uint64_t pruned = 0;
    return cs_choice_log_next_reduced(log, forced, nforced, false, &pruned);
}

bool cs_choice_log_next_reduced(const cs_choice_log *log, uint32_t **forced, size_t *nforced, bool reduce,
                                uint64_t *pruned)
{
    size_t i = log->n;
    while (i-- > 0) {
        if (log->choice[i] + 1 < log->arity[i]) {
            if (reduce && log->mirror && log->mirror[i]) {
                (*pruned)++; /* its reversal gives what this subtree gave */
                continue;
            }
            *forced = cs_xrealloc(*forced, (i + 1) * sizeof **forced);
            if (i)
                memcpy(*forced, log->choice, i * sizeof **forced);
            (*forced)[i] = log->choice[i] + 1;
            *nforced = i + 1;
            return true;
        }
    }
    return false;
}
