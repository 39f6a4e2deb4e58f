/* arena.h - the engine's bump allocator for small objects that live until the
 * run ends (tasks, their names, scopes) or are recycled through free lists
 * (timers, futures, frame blocks, Trio sleep scopes: cs__pool_take).
 *
 * A million tasks make millions of such objects; one malloc each costs a
 * header, a call, and at the end a free that walks the heap.  The arena hands
 * out 8-byte-aligned pieces of geometrically growing chunks and frees the
 * chunks all at once (cs__arena_free).  Pieces are not zeroed.
 */
#ifndef CS_ARENA_H
#define CS_ARENA_H

#include <assert.h>
#include <stddef.h>

typedef struct cs__arena {
    char *cur, *end;
    void *chunks;     /* singly linked through each chunk's first word */
    size_t next_size; /* size of the next chunk */
} cs__arena;

void *cs__arena_grow(cs__arena *a, size_t n);

static inline void *cs__arena_alloc(cs__arena *a, size_t n)
{
    n = (n + 7) & ~(size_t)7; /* 8: every engine object's alignment (88-byte frames, 24-byte timers) */
    if ((size_t)(a->end - a->cur) < n)
        return cs__arena_grow(a, n);
    void *p = a->cur;
    a->cur += n;
    return p;
}

/* The engine's free lists (timers, futures, Trio sleep scopes, frame blocks
 * by size): dead pieces linked through their first word, handed out again
 * before the arena grows.  A piece taken is the caller's to initialise. */
static inline void *cs__pool_take(cs__arena *a, void **free_list, size_t n)
{
    assert(n >= sizeof(void *)); /* a free piece holds the list's link */
    void *p = *free_list;
    if (!p)
        return cs__arena_alloc(a, n);
    *free_list = *(void **)p;
    return p;
}

static inline void cs__pool_put(void **free_list, void *p)
{
    assert(p != NULL && p != *free_list); /* not put back twice in a row */
    *(void **)p = *free_list;
    *free_list = p;
}

/* A zeroed piece. */
void *cs__arena_calloc(cs__arena *a, size_t n);

void cs__arena_free(cs__arena *a);

#endif
