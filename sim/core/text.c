/* text.c - NUL in scenario text kept as C0 80 (see text.h). */
#include "text.h"

#include <string.h>

#include "util.h"

size_t cs_text_encoded_len(const char *s, size_t len)
{
    size_t n = len;
    for (const char *p = memchr(s, 0, len); p; p = memchr(p + 1, 0, len - (size_t)(p + 1 - s)))
        n++;
    return n;
}

void cs_text_encode(const char *s, size_t len, char *out)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i]) {
            *out++ = s[i];
        } else {
            *out++ = (char)CS_TEXT_NUL0;
            *out++ = (char)CS_TEXT_NUL1;
        }
    }
    *out = '\0';
}

size_t cs_text_decode(const char *s, char *out)
{
    size_t n = 0;
    while (*s) {
        if (cs_text_nul_at(s)) {
            out[n++] = '\0';
            s += 2;
        } else {
            out[n++] = *s++;
        }
    }
    out[n] = '\0';
    return n;
}

char *cs_text_shown(const char *s)
{
    char *out = cs_xmalloc(2 * strlen(s) + 1), *o = out; /* a 2-byte pair becomes 4 */
    while (*s) {
        if (cs_text_nul_at(s)) {
            memcpy(o, "\\x00", 4);
            o += 4;
            s += 2;
        } else {
            *o++ = *s++;
        }
    }
    *o = '\0';
    return out;
}
