/* humantime.h - times and numbers as a person reads them in a graph label or
 * an explanation ("3.036 s", "1 s", "250 ms"), where the JSON outputs keep
 * full precision.  Rounding only ever happens here, for display.
 */
#ifndef CS_HUMANTIME_H
#define CS_HUMANTIME_H

#include <stddef.h>
#include <stdint.h>

/* Enough for any output of the two functions below. */
#define CS_HUMANTIME_BUFSIZE 40

/* Virtual nanoseconds: "0 s", "1 s", "1.5 s", "3.036 s" (milliseconds, rounded
 * half up, trailing zeros dropped), "0.25 ms", "7 us" below a millisecond,
 * "never" for INT64_MAX.  Negative times keep their sign. */
void cs_human_ns(int64_t ns, char *buf, size_t cap);

/* Seconds as a double (deadlines): as cs_human_ns, "inf" / "-inf" for the
 * infinities. */
void cs_human_seconds(double s, char *buf, size_t cap);

#endif
