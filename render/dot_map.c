/* dot_map.c - the recorder's small lookup table (dot_internal.h): uint64 keys
 * to uint64 values, open addressing with linear probing, grown at half full.
 * UINT64_MAX marks an empty slot, so it is never a value.  It is only ever
 * looked up, never iterated for output, so hash order cannot leak into the
 * DOT text (style.md: no hash-table iteration decides order).
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "dot_internal.h"
#include "util.h"

static uint64_t cs__hash(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return k;
}

static void cs__map_grow(cs__dot_map *m);

/* Slot of key k: the one holding it, or the empty one it would go in. */
static size_t cs__map_slot(const cs__dot_map *m, uint64_t k)
{
    size_t i = (size_t)cs__hash(k) & (m->cap - 1);
    while (m->vals[i] != UINT64_MAX && m->keys[i] != k)
        i = (i + 1) & (m->cap - 1);
    return i;
}

bool cs__dot_map_get(const cs__dot_map *m, uint64_t k, uint64_t *v)
{
    if (!m->cap)
        return false;
    size_t i = cs__map_slot(m, k);
    if (m->vals[i] == UINT64_MAX)
        return false;
    *v = m->vals[i];
    return true;
}

bool cs__dot_map_put(cs__dot_map *m, uint64_t k, uint64_t v)
{
    assert(v != UINT64_MAX);
    if (2 * (m->n + 1) > m->cap)
        cs__map_grow(m);
    size_t i = cs__map_slot(m, k);
    bool fresh = m->vals[i] == UINT64_MAX;
    m->keys[i] = k;
    m->vals[i] = v;
    m->n += fresh;
    return fresh;
}

static void cs__map_grow(cs__dot_map *m)
{
    cs__dot_map old = *m;
    m->cap = old.cap ? old.cap * 2 : 64;
    m->keys = cs_xcalloc(m->cap, sizeof *m->keys);
    m->vals = cs_xmalloc(m->cap * sizeof *m->vals);
    memset(m->vals, 0xff, m->cap * sizeof *m->vals);
    m->n = 0;
    for (size_t i = 0; i < old.cap; i++)
        if (old.vals[i] != UINT64_MAX)
            cs__dot_map_put(m, old.keys[i], old.vals[i]);
    free(old.keys);
    free(old.vals);
}
