/* digits.h - decimal digits of integers without printf: the instance names
 * of a million tasks (engine.c) and the numbers on millions of trace lines
 * (verify/pyfloat.c). */
#ifndef CS_DIGITS_H
#define CS_DIGITS_H

#include <stddef.h>
#include <stdint.h>

/* "00" "01" ... "99": two digits per division. */
extern const char cs_digit_pairs[201];

/* The decimal digits of u at out (at most 20, no terminator); returns their
 * count. */
size_t cs_utoa(uint64_t u, char *out);

#endif
