/* arena.c - chunks for the engine's bump allocator (arena.h). */
#include "arena.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define CS__ARENA_HDR 16 /* the link word, padded to keep pieces aligned */

void *cs__arena_grow(cs__arena *a, size_t n)
{
    size_t size = a->next_size ? a->next_size : 16384;
    if (a->next_size < (size_t)4 << 20)
        a->next_size = size * 2;
    if (size < n + CS__ARENA_HDR)
        size = n + CS__ARENA_HDR;
    char *c = cs_xmalloc(size);
    *(void **)c = a->chunks;
    a->chunks = c;
    a->cur = c + CS__ARENA_HDR + n;
    a->end = c + size;
    return c + CS__ARENA_HDR;
}

void *cs__arena_calloc(cs__arena *a, size_t n)
{
    return memset(cs__arena_alloc(a, n), 0, n);
}

char *cs__arena_strdup(cs__arena *a, const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(cs__arena_alloc(a, n), s, n);
}

void cs__arena_free(cs__arena *a)
{
    while (a->chunks) {
        void *next = *(void **)a->chunks;
        free(a->chunks);
        a->chunks = next;
    }
    a->cur = a->end = NULL;
    a->next_size = 0;
}
