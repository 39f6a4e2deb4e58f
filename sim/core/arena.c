/* arena.c - chunks for the engine's bump allocator (arena.h). */
#define _DEFAULT_SOURCE
#include "arena.h"

#include <sys/mman.h>

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define CS__ARENA_HDR 16 /* the link word, padded to keep pieces aligned */
#define CS__HUGE ((size_t)2 << 20)

/* Chunks from 2 MiB up are aligned to 2 MiB and offered to the kernel as
 * transparent huge pages: at a million tasks every step touches a random
 * task, timer and future, and with 4 KiB pages each of those is a TLB miss
 * too.  Only advice: where huge pages are off, nothing changes. */
static void *cs__arena_chunk(size_t size)
{
#ifdef MADV_HUGEPAGE
    if (size >= CS__HUGE) {
        void *p = NULL;
        if (posix_memalign(&p, CS__HUGE, size) == 0) {
            madvise(p, size, MADV_HUGEPAGE);
            return p;
        }
    }
#endif
    return cs_xmalloc(size);
}

void *cs__arena_grow(cs__arena *a, size_t n)
{
    size_t size = a->next_size ? a->next_size : 16384;
    if (a->next_size < (size_t)4 << 20)
        a->next_size = size * 2;
    if (size < n + CS__ARENA_HDR)
        size = n + CS__ARENA_HDR;
    char *c = cs__arena_chunk(size);
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
