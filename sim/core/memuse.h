/* memuse.h - heap in use by the process (memuse.c), for the memory limit. */
#ifndef CS_MEMUSE_H
#define CS_MEMUSE_H

#include <stdint.h>

/* Bytes of memory the process uses now: resident set size, or the heap the
 * sanitizer allocator has handed out (0 when it cannot tell). */
uint64_t cs_heap_in_use(void);

#endif
