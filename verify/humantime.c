/* humantime.c - display times rounded for people (humantime.h). */
#include "humantime.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* "whole.frac" with `digits` fraction digits, trailing zeros (and a bare
 * point) dropped. */
static void cs__fixed(uint64_t whole, uint64_t frac, int digits, const char *sign, const char *unit, char *buf,
                      size_t cap)
{
    char f[16];
    snprintf(f, sizeof f, "%0*llu", digits, (unsigned long long)frac);
    int n = digits;
    while (n > 0 && f[n - 1] == '0')
        f[--n] = '\0';
    if (n)
        snprintf(buf, cap, "%s%llu.%s %s", sign, (unsigned long long)whole, f, unit);
    else
        snprintf(buf, cap, "%s%llu %s", sign, (unsigned long long)whole, unit);
}

void cs_human_ns(int64_t ns, char *buf, size_t cap)
{
    if (ns == INT64_MAX) {
        snprintf(buf, cap, "never");
        return;
    }
    uint64_t mag = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
    const char *sign = ns < 0 ? "-" : "";
    if (mag == 0) {
        snprintf(buf, cap, "0 s");
    } else if (mag >= 1000000) { /* milliseconds, rounded half up */
        uint64_t ms = (mag + 500000) / 1000000;
        cs__fixed(ms / 1000, ms % 1000, 3, sign, "s", buf, cap);
    } else if (mag >= 1000) { /* microseconds, as ms with three decimals */
        uint64_t us = (mag + 500) / 1000;
        cs__fixed(us / 1000, us % 1000, 3, sign, "ms", buf, cap);
    } else {
        cs__fixed(mag, 0, 0, sign, "ns", buf, cap);
    }
}

void cs_human_seconds(double s, char *buf, size_t cap)
{
    if (isinf(s)) {
        snprintf(buf, cap, "%s", s > 0 ? "inf" : "-inf");
        return;
    }
    if (isnan(s)) {
        snprintf(buf, cap, "nan");
        return;
    }
    double ns = s * 1e9;
    if (ns >= 9.2e18 || ns <= -9.2e18) { /* beyond int64: plain scientific */
        snprintf(buf, cap, "%.4g s", s);
        return;
    }
    cs_human_ns((int64_t)llround(ns), buf, cap);
}
