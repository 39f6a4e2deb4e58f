/* memuse.c - how much memory the process uses, for the engine's memory limit
 * (engine.h memory_limit_mib), and that limit's default.
 *
 * Called every 4096 events, so it must cost about the same however large and
 * fragmented the heap is: the resident set size from /proc/self/statm (one
 * open, read and close), or, when the program runs under a sanitizer (whose
 * shadow memory and quarantine would dominate the RSS), the sanitizer
 * allocator's own count of allocated bytes.  glibc's mallinfo2() was the
 * first choice and is exact, but it walks every free chunk: 3.3 s -> 12.6 s
 * of CPU on the W2 Trio 1e5 benchmark.  Where neither source exists (no
 * /proc) the answer is 0 and the limit never trips; the step, task, timer and
 * trace limits still bound the run.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "engine.h"
#include "memuse.h"

/* Present only when a sanitizer runtime is linked in. */
extern size_t __sanitizer_get_current_allocated_bytes(void) __attribute__((weak));

uint64_t cs_heap_in_use(void)
{
    if (__sanitizer_get_current_allocated_bytes)
        return __sanitizer_get_current_allocated_bytes();
    int fd = open("/proc/self/statm", O_RDONLY);
    if (fd < 0)
        return 0;
    char buf[128];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    /* "size resident shared text lib data dt", in pages */
    char *p = buf;
    (void)strtoull(p, &p, 10);
    unsigned long long resident = strtoull(p, NULL, 10);
    long page = sysconf(_SC_PAGESIZE);
    return (uint64_t)resident * (uint64_t)(page > 0 ? page : 4096);
}

uint64_t cs_default_memory_limit_mib(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || size <= 0)
        return 4096; /* unknown: 4 GiB */
    uint64_t half = (uint64_t)pages * (uint64_t)size / 2 / (1024 * 1024);
    return half < 256 ? 256 : half;
}
