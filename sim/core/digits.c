/* digits.c - decimal digits of integers (digits.h). */
#include "digits.h"

#include <string.h>

const char cs_digit_pairs[201] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                 "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                 "8081828384858687888990919293949596979899";

size_t cs_utoa(uint64_t u, char *out)
{
    char rev[20];
    size_t m = sizeof rev; /* rev[m..] holds the digits written so far */
    while (u >= 100) {
        unsigned d = (unsigned)(u % 100) * 2;
        u /= 100;
        rev[--m] = cs_digit_pairs[d + 1];
        rev[--m] = cs_digit_pairs[d];
    }
    if (u >= 10) {
        rev[--m] = cs_digit_pairs[u * 2 + 1];
        rev[--m] = cs_digit_pairs[u * 2];
    } else {
        rev[--m] = (char)('0' + u);
    }
    memcpy(out, rev + m, sizeof rev - m);
    return sizeof rev - m;
}
