/* text.h - scenario text that may hold NUL (a log line, an exception message,
 * a cancel reason: "a\u0000b" is a legal Python string).
 *
 * Inside cancelsim such text stays a C string: a NUL is kept as the two bytes
 * C0 80 (the encoding "Modified UTF-8" gives it).  Valid UTF-8 never holds the
 * byte C0, and the loader only lets valid UTF-8 in, so the pair stands for NUL
 * and nothing else; every copy, comparison and length of the engine works
 * unchanged, and only what shows text to the world turns the pair back into
 * a NUL or its escape (the JSON writer's "\u0000", the text outcome's \x00,
 * Python's repr '\x00', the decoded byte for Jansson values).
 */
#ifndef CS_TEXT_H
#define CS_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#define CS_TEXT_NUL0 0xC0u /* the pair that stands for a NUL */
#define CS_TEXT_NUL1 0x80u

/* Is p at a NUL kept as C0 80? */
static inline bool cs_text_nul_at(const char *p)
{
    return (unsigned char)p[0] == CS_TEXT_NUL0 && (unsigned char)p[1] == CS_TEXT_NUL1;
}

/* The size of s[0..len) kept as text, without the terminating NUL. */
size_t cs_text_encoded_len(const char *s, size_t len);
/* Writes s[0..len) as text into out (cs_text_encoded_len(s, len) + 1 bytes,
 * NUL-terminated). */
void cs_text_encode(const char *s, size_t len, char *out);
/* Writes the text s with each kept NUL turned back into a real one into out
 * (strlen(s) + 1 bytes: never longer); returns the number of bytes, without
 * the terminating NUL it also writes. */
size_t cs_text_decode(const char *s, char *out);
/* A copy of the text s for a message to a person, each kept NUL written
 * \x00 as Python's repr would (caller frees). */
char *cs_text_shown(const char *s);

#endif
