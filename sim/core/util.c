/* util.c - checked allocation (see util.h). */
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void cs__oom(size_t n)
{
    fprintf(stderr, "cancelsim: out of memory (asked for %zu bytes)\n", n);
    abort();
}

void *cs_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        cs__oom(n);
    return p;
}

void *cs_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        cs__oom(n * size);
    return p;
}

void *cs_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        cs__oom(n);
    return q;
}

char *cs_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = cs_xmalloc(n);
    memcpy(d, s, n);
    return d;
}

void *cs_xgrow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return p;
    size_t c = *cap ? *cap : 16;
    while (c < need)
        c *= 2;
    p = cs_xrealloc(p, c * size);
    memset((char *)p + *cap * size, 0, (c - *cap) * size);
    *cap = c;
    return p;
}

char *cs_xstrndup(const char *s, size_t n)
{
    char *d = cs_xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *cs_xasprintf(const char *fmt, ...)
{
    /* one formatting pass for the usual short result (a million task names) */
    char small[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        n = 0;
        small[0] = '\0';
    }
    char *s = cs_xmalloc((size_t)n + 1);
    if ((size_t)n < sizeof small) {
        memcpy(s, small, (size_t)n + 1);
        return s;
    }
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}
