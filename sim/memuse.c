/* memuse.c - how much heap the process has in use, for the engine's memory
 * limit (engine.h memory_limit_mib), and that limit's default.
 *
 * Cheap enough to call every few thousand events: glibc's mallinfo2() (bytes
 * in allocated chunks plus mmapped blocks), or the sanitizer allocator's own
 * count when the program runs under AddressSanitizer (whose malloc glibc does
 * not see).  Elsewhere (another libc) the answer is 0 and the limit never
 * trips; the step, task, timer and trace limits still bound the run.
 */
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif

#include "engine.h"
#include "memuse.h"

/* Present only when a sanitizer runtime is linked in. */
extern size_t __sanitizer_get_current_allocated_bytes(void) __attribute__((weak));

uint64_t cs_heap_in_use(void)
{
    if (__sanitizer_get_current_allocated_bytes)
        return __sanitizer_get_current_allocated_bytes();
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    struct mallinfo2 mi = mallinfo2();
    return (uint64_t)mi.uordblks + (uint64_t)mi.hblkhd;
#else
    return 0;
#endif
}

uint64_t cs_default_memory_limit_mib(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || size <= 0)
        return 4096; /* unknown: 4 GiB */
    uint64_t half = (uint64_t)pages * (uint64_t)size / 2 / (1024 * 1024);
    return half < 256 ? 256 : half;
}
