/* pyfloat.h - numbers printed exactly as the reference oracle's Python prints them.
 *
 * Outcomes are compared byte for byte with what the oracle prints through
 * json.dumps, so a float must come out with Python's repr() digits (the
 * shortest text that reads back to the same double) and the oracle's `jnum`
 * normalisation (integral floats below 2^53 print as integers).
 */
#ifndef CS_PYFLOAT_H
#define CS_PYFLOAT_H

#include <stddef.h>
#include <stdint.h>

/* Enough for any output of the functions below, terminator included. */
#define CS_PYFLOAT_BUFSIZE 32

/* Writes Python's repr(float(x)) into buf: "0.1", "1.0", "-0.0", "1e-05",
 * "1.5e+16", "inf", "-inf", "nan".  Returns the length written (without the
 * terminator), truncating like snprintf when cap is too small; a return value
 * >= cap means the text did not fit. */
size_t cs_format_pyfloat(double x, char *buf, size_t cap);

/* Writes the JSON number text the oracle prints for a float passed through
 * jnum: integral values with |x| < 2^53 as integers ("2", "0" for -0.0),
 * everything else as repr ("2.5", "1e+16", "9007199254740992.0").  The caller
 * handles infinities (the oracle prints them as the strings "inf"/"-inf");
 * given one, this writes "inf"/"-inf" unquoted, and NaN as Python's "NaN".
 * Return value as for cs_format_pyfloat. */
size_t cs_format_number(double x, char *buf, size_t cap);

/* v in decimal, as Python prints an int, into out (at least 21 bytes);
 * returns the length, not counting the terminator written after it. */
size_t cs_format_int(long long v, char *out);

/* cs_format_number((double)ns / 1e9) and cs_format_pyfloat((double)ns / 1e9),
 * the same text, written from the integer where that is provably the same
 * (every engine time is whole nanoseconds) and through the double otherwise. */
size_t cs_format_seconds(int64_t ns, char *buf, size_t cap);
size_t cs_format_pyseconds(int64_t ns, char *buf, size_t cap);

#endif
