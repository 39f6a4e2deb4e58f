/* pyfloat.c - Python's float repr and the oracle's jnum rule (see pyfloat.h).
 *
 * Python's repr picks the shortest decimal digit string that reads back to the
 * same double; among strings of that length it takes the correctly rounded one.
 * glibc's "%.*e" rounds correctly, so trying 1..17 significant digits and
 * keeping the first that round-trips gives the same digits.  The layout rule
 * is CPython's format_float_short for repr: scientific notation when the
 * decimal exponent is < -4 or >= 16, with at least two exponent digits.
 */
#include "pyfloat.h"

#include <assert.h>
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digits.h"

/* 2^53: above this not every integer is a double, and jnum keeps the float. */
#define CS__TWO_POW_53 9007199254740992.0

/* Copies len bytes of src into buf with snprintf's truncation contract. */
static size_t cs__emit(const char *src, size_t len, char *buf, size_t cap)
{
    if (cap > 0) {
        size_t n = len < cap - 1 ? len : cap - 1;
        memcpy(buf, src, n);
        buf[n] = '\0';
    }
    return len;
}

/* Shortest round-trip significant digits of a finite x > 0, without a
 * decimal point; *exp10 receives the exponent of the first digit
 * (x ~ d.ddd * 10^exp10).  Returns the number of digits (1..17). */
static int cs__shortest_digits(double x, char digits[18], int *exp10)
{
    char tmp[40];
    assert(isfinite(x) && x > 0);
    /* Fast path for whole nanoseconds (every engine time): when x is the
     * double nearest to D = k * 10^-9 with k < 10^15, D has at most 15
     * significant digits, so by the argument below D itself, stripped of
     * trailing zeros, is the shortest round-trip text: the digits of k. */
    if (x < 1e6) {
        double r = nearbyint(x * 1e9);
        if (r >= 1 && r < 1e15 && r / 1e9 == x) {
            char rev[20];
            int m = 0;
            for (uint64_t k = (uint64_t)r; k; k /= 10)
                rev[m++] = (char)('0' + (int)(k % 10));
            *exp10 = m - 1 - 9;
            int n = 0;
            while (m > 0)
                digits[n++] = rev[--m];
            while (n > 1 && digits[n - 1] == '0')
                n--;
            digits[n] = '\0';
            return n;
        }
    }
    /* Any decimal of at most 15 significant digits maps to its own double, so
     * when the nearest 15-digit decimal round-trips, it stripped of trailing
     * zeros is the shortest (and the nearest at that length); else 16, else
     * 17 digits, which always round-trip.  Three tries, not seventeen. */
    /* (subnormals have fewer digits of precision: search them all) */
    for (int prec = x < DBL_MIN ? 1 : 15; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec - 1, x);
        if (prec == 17 || strtod(tmp, NULL) == x)
            break;
    }
    /* tmp is "d[.ddd]e[+-]XX" */
    int n = 0;
    const char *p = tmp;
    for (; *p != 'e'; p++)
        if (*p != '.')
            digits[n++] = *p;
    *exp10 = atoi(p + 1);
    while (n > 1 && digits[n - 1] == '0')
        n--; /* the 15-digit form of a shorter number ends in zeros */
    digits[n] = '\0';
    return n;
}

/* Lays out digits like CPython's repr: fixed when -4 <= exp10 < 16. */
static size_t cs__layout(const char *digits, int n, int exp10, bool neg, char *out)
{
    size_t k = 0;
    if (neg)
        out[k++] = '-';
    if (exp10 < -4 || exp10 >= 16) {
        out[k++] = digits[0];
        if (n > 1) {
            out[k++] = '.';
            memcpy(out + k, digits + 1, (size_t)n - 1);
            k += (size_t)n - 1;
        }
        k += (size_t)sprintf(out + k, "e%c%02d", exp10 < 0 ? '-' : '+', abs(exp10));
        return k;
    }
    int decpt = exp10 + 1; /* digits before the decimal point */
    if (decpt <= 0) {
        out[k++] = '0';
        out[k++] = '.';
        for (int i = 0; i < -decpt; i++)
            out[k++] = '0';
        memcpy(out + k, digits, (size_t)n);
        return k + (size_t)n;
    }
    for (int i = 0; i < decpt; i++)
        out[k++] = i < n ? digits[i] : '0';
    out[k++] = '.';
    if (decpt >= n) {
        out[k++] = '0';
        return k;
    }
    memcpy(out + k, digits + decpt, (size_t)(n - decpt));
    return k + (size_t)(n - decpt);
}

size_t cs_format_pyfloat(double x, char *buf, size_t cap)
{
    char out[CS_PYFLOAT_BUFSIZE];
    if (isnan(x))
        return cs__emit("nan", 3, buf, cap);
    if (isinf(x))
        return x > 0 ? cs__emit("inf", 3, buf, cap) : cs__emit("-inf", 4, buf, cap);
    if (x == 0)
        return signbit(x) ? cs__emit("-0.0", 4, buf, cap) : cs__emit("0.0", 3, buf, cap);
    char digits[18];
    int exp10;
    int n = cs__shortest_digits(fabs(x), digits, &exp10);
    size_t len = cs__layout(digits, n, exp10, x < 0, out);
    assert(len < sizeof out);
    return cs__emit(out, len, buf, cap);
}

size_t cs_format_int(long long v, char *out)
{
    size_t k = 0;
    if (v < 0)
        out[k++] = '-';
    k += cs_utoa(v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v, out + k);
    out[k] = '\0';
    return k;
}

size_t cs_format_number(double x, char *buf, size_t cap)
{
    if (isnan(x))
        return cs__emit("NaN", 3, buf, cap); /* what json.dumps writes */
    if (isfinite(x) && x == floor(x) && fabs(x) < CS__TWO_POW_53) {
        char out[CS_PYFLOAT_BUFSIZE];
        size_t k = 0;
        if (x < 0)
            out[k++] = '-';
        k += cs_utoa((uint64_t)fabs(x), out + k); /* "-0.0" prints as "0", as %lld did */
        return cs__emit(out, k, buf, cap);
    }
    return cs_format_pyfloat(x, buf, cap);
}

/* ns / 1e9 written from the integer, or 0 when the double path must decide.
 *
 * Why it is exact: for |ns| < 2^53 the double (double)ns is ns itself, so
 * (double)ns / 1e9 is the double nearest to D = ns * 10^-9.
 *  - When 10^9 divides ns, D is an integer below 2^53: the double is D, which
 *    jnum prints as the integer and repr as "D.0" (D < 10^16: no exponent).
 *  - Otherwise, when 10^5 <= |ns| < 10^15, D has at most 15 significant
 *    digits, and distinct decimals of at most 15 digits are distinct doubles,
 *    so D (trailing zeros dropped) is the one shortest text that reads back
 *    to the double: Python's repr digits (the argument of the fast path in
 *    cs__shortest_digits).  10^-4 <= |D| < 10^6 is repr's fixed notation.
 * Smaller, larger and non-integral-in-range values take the double path. */
static size_t cs__seconds_exact(int64_t ns, bool repr, char *out)
{
    if (ns <= -(int64_t)9007199254740992 || ns >= (int64_t)9007199254740992)
        return 0;
    uint64_t u = ns < 0 ? (uint64_t)-ns : (uint64_t)ns;
    uint64_t whole = u / 1000000000u, frac = u % 1000000000u;
    if (frac != 0 && (u < 100000u || u >= 1000000000000000u))
        return 0;
    size_t k = 0;
    if (ns < 0)
        out[k++] = '-';
    k += cs_utoa(whole, out + k);
    if (frac == 0) {
        if (repr) {
            out[k++] = '.';
            out[k++] = '0';
        }
        return k;
    }
    /* the nine fraction digits, then the trailing zeros dropped */
    out[k++] = '.';
    for (int i = 8; i > 0; i -= 2) {
        unsigned d = (unsigned)(frac % 100) * 2;
        frac /= 100;
        out[k + (size_t)i] = cs_digit_pairs[d + 1];
        out[k + (size_t)i - 1] = cs_digit_pairs[d];
    }
    out[k] = (char)('0' + frac);
    k += 9;
    while (out[k - 1] == '0') /* stops at a nonzero digit: frac was not 0 */
        k--;
    return k;
}

/* The seconds text into buf, directly when buf is big enough. */
static size_t cs__format_ns(int64_t ns, bool repr, char *buf, size_t cap)
{
    char tmp[CS_PYFLOAT_BUFSIZE];
    char *out = cap >= sizeof tmp ? buf : tmp;
    size_t k = cs__seconds_exact(ns, repr, out);
    if (k == 0)
        return repr ? cs_format_pyfloat((double)ns / 1e9, buf, cap) : cs_format_number((double)ns / 1e9, buf, cap);
    if (out == tmp)
        return cs__emit(tmp, k, buf, cap);
    buf[k] = '\0';
    return k;
}

size_t cs_format_seconds(int64_t ns, char *buf, size_t cap)
{
    return cs__format_ns(ns, false, buf, cap);
}

size_t cs_format_pyseconds(int64_t ns, char *buf, size_t cap)
{
    return cs__format_ns(ns, true, buf, cap);
}
