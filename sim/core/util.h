/* util.h - allocation that never returns NULL (an out-of-memory run aborts with
 * a message rather than continuing half-built), and small string helpers. */
#ifndef CS_UTIL_H
#define CS_UTIL_H

#include <stddef.h>

void *cs_xmalloc(size_t n);
void *cs_xcalloc(size_t n, size_t size);
void *cs_xrealloc(void *p, size_t n);
char *cs_xstrdup(const char *s);
/* The first n bytes of s as a new string (caller frees). */
char *cs_xstrndup(const char *s, size_t n);
/* Makes room for `need` elements of `size` bytes in p (capacity *cap, in
 * elements): doubles from 16, zeroes the new elements, returns the array. */
void *cs_xgrow(void *p, size_t *cap, size_t need, size_t size);
/* printf into a new string (caller frees). */
char *cs_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
