/* json_pos.c - byte-level checks and the value position index (see json_pos.h).
 *
 * The scanner is not a validator: it runs only on text Jansson accepted, so it
 * tracks just enough (strings, containers, the key/value alternation inside
 * objects) to find where each value starts.  It is iterative, with an explicit
 * stack of open containers, so nesting depth costs heap, not C stack.
 */
#include "json_pos.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "util.h"

/* Length of the valid UTF-8 sequence starting at s[0] (s has `left` bytes),
 * or 0 when it is not one (RFC 3629: no overlongs, surrogates, or > U+10FFFF). */
static size_t cs__utf8_len(const unsigned char *s, size_t left)
{
    unsigned char c = s[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0;
        if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (left < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

int cs__json_check_bytes(const char *text, size_t len, cs_pos *pos, char *msg, size_t msgsize)
{
    const unsigned char *s = (const unsigned char *)text;
    uint32_t line = 1, col = 0;
    if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
        *pos = (cs_pos){1, 1};
        snprintf(msg, msgsize, "a UTF-8 byte order mark is not allowed");
        return -1;
    }
    for (size_t i = 0; i < len;) {
        size_t n = cs__utf8_len(s + i, len - i);
        if (n == 0 || s[i] == 0) {
            *pos = (cs_pos){line, col + 1};
            if (s[i] == 0)
                snprintf(msg, msgsize, "NUL byte in the file");
            else
                snprintf(msg, msgsize, "invalid UTF-8 (byte 0x%02x)", s[i]);
            return -1;
        }
        if (s[i] == '\n') {
            line++;
            col = 0;
        } else
            col++;
        i += n;
    }
    return 0;
}

cs_pos cs__json_offset_pos(const char *text, size_t len, size_t offset)
{
    uint32_t line = 1, col = 0;
    if (offset > len)
        offset = len;
    for (size_t i = 0; i < offset; i++) {
        if (text[i] == '\n') {
            line++;
            col = 0;
        } else if (((unsigned char)text[i] & 0xC0) != 0x80)
            col++;
    }
    return (cs_pos){line, col + 1};
}

/* The scanner's cursor: byte offset plus the Jansson-style position of the
 * last character consumed. */
typedef struct cs__scan {
    const char *s;
    size_t len, i;
    uint32_t line, col;
} cs__scan;

static void cs__scan_byte(cs__scan *sc)
{
    unsigned char c = (unsigned char)sc->s[sc->i++];
    if (c == '\n') {
        sc->line++;
        sc->col = 0;
    } else if ((c & 0xC0) != 0x80)
        sc->col++;
}

/* Skips a string starting at its opening quote. */
static void cs__scan_string(cs__scan *sc)
{
    cs__scan_byte(sc);
    while (sc->i < sc->len && sc->s[sc->i] != '"') {
        if (sc->s[sc->i] == '\\' && sc->i + 1 < sc->len)
            cs__scan_byte(sc); /* the escaped character is ASCII */
        cs__scan_byte(sc);
    }
    if (sc->i < sc->len)
        cs__scan_byte(sc);
}

static bool cs__scan_is_scalar_char(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '+' ||
           c == '.';
}

/* One open container on the scanner's stack. */
typedef struct cs__scan_open {
    uint32_t node;
    bool object;
} cs__scan_open;

int cs__jpos_build(cs__jpos *idx, const char *text, size_t len)
{
    cs__scan sc = {text, len, 0, 1, 0};
    size_t cap = 64, n = 0, depth = 0, scap = 16;
    cs__jnode *nodes = cs_xmalloc(cap * sizeof *nodes);
    cs__scan_open *stack = cs_xmalloc(scap * sizeof *stack);
    bool want_key = false; /* inside an object, before the next member's key */
    uint32_t kline = 0, kcol = 0;

    while (sc.i < len) {
        char c = text[sc.i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ':') {
            cs__scan_byte(&sc);
            continue;
        }
        if (c == ',') {
            want_key = depth && stack[depth - 1].object;
            cs__scan_byte(&sc);
            continue;
        }
        if (c == '}' || c == ']') {
            if (depth)
                nodes[stack[--depth].node].end = (uint32_t)n;
            want_key = false;
            cs__scan_byte(&sc);
            continue;
        }
        if (want_key) { /* c is the key's opening quote */
            kline = sc.line;
            kcol = sc.col + 1;
            cs__scan_string(&sc);
            want_key = false;
            continue;
        }
        if (n >= UINT32_MAX - 1) {
            free(nodes);
            free(stack);
            return -1;
        }
        if (n == cap) {
            cap *= 2;
            nodes = cs_xrealloc(nodes, cap * sizeof *nodes);
        }
        bool member = depth && stack[depth - 1].object;
        nodes[n] = (cs__jnode){sc.line, sc.col + 1, member ? kline : 0, member ? kcol : 0, (uint32_t)n + 1};
        n++;
        if (c == '{' || c == '[') {
            if (depth == scap) {
                scap *= 2;
                stack = cs_xrealloc(stack, scap * sizeof *stack);
            }
            stack[depth++] = (cs__scan_open){(uint32_t)(n - 1), c == '{'};
            want_key = c == '{';
            cs__scan_byte(&sc);
        } else if (c == '"')
            cs__scan_string(&sc);
        else {
            /* a number or literal; on valid JSON the first byte always matches,
             * and consuming it unconditionally guarantees progress anyway */
            cs__scan_byte(&sc);
            while (sc.i < len && cs__scan_is_scalar_char(text[sc.i]))
                cs__scan_byte(&sc);
        }
    }
    free(stack);
    idx->nodes = nodes;
    idx->n = (uint32_t)n;
    return 0;
}

void cs__jpos_free(cs__jpos *idx)
{
    free(idx->nodes);
    idx->nodes = NULL;
    idx->n = 0;
}
